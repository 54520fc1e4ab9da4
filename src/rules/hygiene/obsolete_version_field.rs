//! HYG001 obsolete-version-field.

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, FixAvailability, Platform};
use crate::diagnostic::{RuleInfo, Severity};
use crate::facts::swarm;
use crate::rules::{Context, Rule};
use crate::source::Span;
use std::sync::Arc;

rule_info!(
    ObsoleteVersionField,
    INFO,
    "HYG001",
    "obsolete-version-field",
    Severity::Warning,
    &Platform::ALL,
    FixAvailability::Safe
);

impl Rule for ObsoleteVersionField {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_project(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let project = cx.project;
        // `docker stack deploy` still reads `version` to choose its schema.
        if swarm::is_stack_file(project) {
            return;
        }
        for file in project.named.iter().map(|id| project.file(*id)) {
            let Some((key, removal)) = top_level_version(file.text()) else {
                continue;
            };
            let edit = Edit {
                file: Arc::clone(file),
                span: removal,
                content: String::new(),
            };
            out.push(
                Diagnostic::new(
                    &INFO,
                    "the top-level `version` is obsolete: Compose ignores it and warns on \
                     every run",
                )
                .at(file, key)
                .help("remove `version`; Compose always reads the current specification")
                .with_fix(Some(Fix::new(
                    "Remove the obsolete `version`",
                    Applicability::Safe,
                    vec![edit],
                ))),
            );
        }
    }
}

/// The first top-level `version` key of a block-mapping file: the span of `version: value`
/// (for the finding) and of the lines to delete (the key, its value's continuation lines, a
/// comment line right above that speaks of the version, and a blank line left at the top).
fn top_level_version(text: &str) -> Option<(Span, Span)> {
    let mut offset = 0;
    let mut previous: Option<(usize, &str)> = None;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let key = ["version", "\"version\"", "'version'"].iter().find(|k| {
            body.strip_prefix(**k)
                .is_some_and(|r| r.trim_start().starts_with(':'))
        });
        if key.is_some() {
            let content_end = body.find(" #").unwrap_or(body.len());
            let shown = Span::new(offset, offset + body[..content_end].trim_end().len());
            let mut end = offset + line.len();
            // A value continued on indented lines belongs to the key.
            for next in text[end..].split_inclusive('\n') {
                if next.starts_with([' ', '\t']) && !next.trim().starts_with('#') {
                    end += next.len();
                } else {
                    break;
                }
            }
            let mut start = offset;
            if let Some((at, comment)) = previous
                && comment.starts_with('#')
                && comment.to_lowercase().contains("version")
            {
                start = at;
            }
            // Keep the file from starting with the blank line that followed the key.
            let rest = &text[end..];
            let at_top = start == 0 || text[..start].ends_with("\n\n");
            if at_top
                && let Some(blank) = rest.split_inclusive('\n').next()
                && blank.trim().is_empty()
                && blank.ends_with('\n')
            {
                end += blank.len();
            }
            return Some((shown, removal(text, start, end)));
        }
        previous = Some((offset, body));
        offset += line.len();
    }
    None
}

/// Lines `start..end`; when they end a file without a final newline, the line break before
/// them goes instead, so that the file keeps ending without one.
fn removal(text: &str, start: usize, end: usize) -> Span {
    if end == text.len() && !text.ends_with('\n') && start > 0 {
        let before = if text[..start].ends_with("\r\n") {
            2
        } else {
            1
        };
        return Span::new(start - before, end);
    }
    Span::new(start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn removed(text: &str) -> Option<String> {
        let (_, span) = top_level_version(text)?;
        Some(format!("{}{}", &text[..span.start], &text[span.end..]))
    }

    #[test]
    fn removes_the_key_only() {
        assert_eq!(
            removed("version: '3.8'\n\nservices:\n  a: {image: x}\n").as_deref(),
            Some("services:\n  a: {image: x}\n")
        );
        assert_eq!(
            removed("# License\n\n# compose file version\nversion: \"3\"  # old\nservices: {}\n")
                .as_deref(),
            Some("# License\n\nservices: {}\n")
        );
        assert_eq!(
            removed("# header\nversion: '2'\nservices: {}\n").as_deref(),
            Some("# header\nservices: {}\n")
        );
        assert_eq!(
            removed("services: {}\nversion: '3'").as_deref(),
            Some("services: {}")
        );
        assert_eq!(removed("services:\n  a:\n    version: 1\n"), None);
        assert_eq!(removed("x-version: 1\nservices: {}\n"), None);
    }

    #[test]
    fn fires_once_per_file() {
        let found =
            crate::rules::findings_of(&ObsoleteVersionField, "version: '3'\nservices: {}\n");
        assert_eq!(found.len(), 1);
    }
}
