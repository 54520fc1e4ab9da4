//! Suppression comments: `# composefix: ignore[CODE, name] reason` silences the findings that
//! start on its line (written at the end of that line) or on the next line (written alone
//! above it); `# composefix: ignore-file[…]` silences them in the whole file. This module reads
//! the comments; which findings they silence is the engine's business.

use super::tree::{Comment, Span};
use super::{Document, SourceFile};
use std::sync::Arc;

/// What a suppression comment covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// The findings whose span starts on this 1-based line.
    Line(usize),
    /// Every finding in the file.
    File,
}

/// One code or name inside the brackets, with its bytes in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector {
    /// The text, as written.
    pub text: String,
    /// Where it is.
    pub span: Span,
}

/// A `# composefix:` comment.
#[derive(Debug, Clone)]
pub struct Directive {
    /// The file the comment is in.
    pub file: Arc<SourceFile>,
    /// The comment, from `#` to the end of its line.
    pub span: Span,
    /// True when the comment follows content on its line.
    pub trailing: bool,
    /// What it covers; None when the comment is not understood (`# composefix: ignore KAF001`).
    pub scope: Option<Scope>,
    /// The codes or names in the brackets.
    pub selectors: Vec<Selector>,
    /// The text after the brackets.
    pub reason: Option<String>,
}

/// The `# composefix:` comments of a parsed file, in order.
pub fn directives(file: &Arc<SourceFile>, doc: &Document) -> Vec<Directive> {
    let comments = doc.comments();
    let text = file.text();
    let mut out = Vec::new();
    for comment in comments {
        let Some(raw) = text.get(comment.span.start..comment.span.end) else {
            continue;
        };
        let body = raw.trim_start_matches('#').trim_start();
        let Some(rest) = strip_prefix_ci(body, "composefix:") else {
            continue;
        };
        let offset = comment.span.start + (raw.len() - rest.len());
        let line = file.line_col(comment.span.start).line;
        let (scope, selectors, reason) = match parse(rest, offset) {
            Some((file_wide, selectors, reason)) => {
                let scope = if file_wide {
                    Scope::File
                } else if comment.trailing {
                    Scope::Line(line)
                } else {
                    Scope::Line(next_content_line(file, comments, line))
                };
                (Some(scope), selectors, reason)
            }
            None => (None, Vec::new(), None),
        };
        out.push(Directive {
            file: Arc::clone(file),
            span: comment.span,
            trailing: comment.trailing,
            scope,
            selectors,
            reason,
        });
    }
    out
}

/// `ignore[…] reason` or `ignore-file[…] reason` (after `composefix:`), `offset` being the
/// byte offset of `rest` in the file: (file-wide, selectors, reason); None when malformed.
fn parse(rest: &str, offset: usize) -> Option<(bool, Vec<Selector>, Option<String>)> {
    let trimmed = rest.trim_start();
    let mut at = offset + (rest.len() - trimmed.len());
    let (file_wide, after) = if let Some(after) = strip_prefix_ci(trimmed, "ignore-file") {
        (true, after)
    } else {
        (false, strip_prefix_ci(trimmed, "ignore")?)
    };
    at += trimmed.len() - after.len();
    let list = after.strip_prefix('[')?;
    at += 1;
    let close = list.find(']')?;
    let mut selectors = Vec::new();
    let mut start = 0;
    for part in list[..close].split(',') {
        let lead = part.len() - part.trim_start().len();
        let word = part.trim();
        if !word.is_empty() {
            let s = at + start + lead;
            selectors.push(Selector {
                text: word.to_string(),
                span: Span::new(s, s + word.len()),
            });
        }
        start += part.len() + 1;
    }
    if selectors.is_empty() {
        return None;
    }
    let reason = list[close + 1..].trim();
    let reason = (!reason.is_empty()).then(|| reason.to_string());
    Some((file_wide, selectors, reason))
}

/// The first line after `line` that is not a comment of its own: the line a comment written
/// above it speaks of (several such comments may stand above one line).
fn next_content_line(file: &SourceFile, comments: &[Comment], line: usize) -> usize {
    let own_lines: Vec<usize> = comments
        .iter()
        .filter(|c| !c.trailing)
        .map(|c| file.line_col(c.span.start).line)
        .collect();
    let mut next = line + 1;
    while own_lines.binary_search(&next).is_ok() {
        next += 1;
    }
    next
}

fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn of(text: &str) -> Vec<Directive> {
        let file = Arc::new(SourceFile::new(
            PathBuf::from("c.yaml"),
            "c.yaml".into(),
            text,
        ));
        let doc = crate::source::parse(text, &Default::default()).unwrap();
        directives(&file, &doc)
    }

    #[test]
    fn trailing_own_line_and_file_wide() {
        let text = "services:\n  # composefix: ignore[NET001] the proxy is on the host\n  # composefix: ignore[KAF001]\n  a:  # composefix: ignore[ MAC003 , host-port-conflict ]\n    image: x\n# composefix: ignore-file[PRT001]\n";
        let d = of(text);
        assert_eq!(d.len(), 4);
        assert_eq!(d[0].scope, Some(Scope::Line(4)));
        assert_eq!(d[0].reason.as_deref(), Some("the proxy is on the host"));
        assert_eq!(d[1].scope, Some(Scope::Line(4)));
        assert_eq!(d[2].scope, Some(Scope::Line(4)));
        assert!(d[2].trailing);
        let names: Vec<&str> = d[2].selectors.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(names, ["MAC003", "host-port-conflict"]);
        for s in &d[2].selectors {
            assert_eq!(&text[s.span.start..s.span.end], s.text);
        }
        assert_eq!(d[3].scope, Some(Scope::File));
        assert_eq!(d[3].reason, None);
    }

    #[test]
    fn malformed_and_unrelated_comments() {
        let d = of(
            "a: 1 # composefix: ignore KAF001\nb: 2 # composefix: ignore[]\nc: 3 # just a comment\n",
        );
        assert_eq!(d.len(), 2);
        assert!(d.iter().all(|d| d.scope.is_none()));
    }
}
