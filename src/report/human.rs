//! `--format human`: miette's graphical report, one per finding; a suppressed finding (shown
//! with `--show-suppressed`) has `(suppressed[: reason])` after its rule.

use crate::diagnostic::Applicability;
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceFile;
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

/// A file as miette reads it, through our line index rather than a rescan per finding.
#[derive(Debug)]
struct Source(Arc<SourceFile>);

impl SourceCode for Source {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let text = self.0.text();
        let lines = self.0.lines();
        let start = span.offset().min(text.len());
        let end = (span.offset() + span.len()).min(text.len());
        let first = self.0.line_col(start).line.saturating_sub(before).max(1);
        let last = (self.0.line_col(end).line + after).min(lines.len());
        let to = lines
            .line_start(last + 1)
            .map_or(text.len(), |s| s.saturating_sub(1));
        // Without context (miette's header), start at the span itself so the column is right.
        let (from, column) = if before == 0 {
            (start, self.0.line_col(start).column - 1)
        } else {
            (lines.line_start(first).unwrap_or(0), 0)
        };
        let to = to.max(from);
        Ok(Box::new(MietteSpanContents::new_named(
            self.0.name().to_string(),
            &text.as_bytes()[from..to],
            (from, to - from).into(),
            first - 1,
            column,
            last - first + 1,
        )))
    }
}

/// The files whose excerpts are shown from a copy, each with that copy: where some finding
/// marks bytes secret ([`Diagnostic::redact`]), the secret bytes are `*`, so that a credential
/// on a line next to another finding's is masked too; and where the file breaks lines with a
/// lone CR, which miette does not read as a line break, that CR is a LF. Both keep every byte
/// offset, so spans and the line index stay right.
fn shown_files(diagnostics: &[&Diagnostic]) -> Vec<(Arc<SourceFile>, Arc<SourceFile>)> {
    let mut spans: Vec<(Arc<SourceFile>, Vec<crate::source::Span>)> = Vec::new();
    for d in diagnostics {
        let Some(l) = d.location.as_ref() else {
            continue;
        };
        match spans.iter_mut().find(|(f, _)| Arc::ptr_eq(f, &l.file)) {
            Some((_, list)) => list.extend(&d.redact),
            None => spans.push((Arc::clone(&l.file), d.redact.clone())),
        }
    }
    let mut out = Vec::new();
    for (file, list) in spans {
        let text = file.text().as_bytes();
        let lone_cr = |i: usize| text.get(i + 1) != Some(&b'\n');
        let has_lone_cr = cr_offsets(text).any(lone_cr);
        if list.is_empty() && !has_lone_cr {
            continue;
        }
        let mut bytes = text.to_vec();
        for span in list {
            let end = span.end.min(bytes.len());
            for b in bytes
                .get_mut(span.start.min(end)..end)
                .into_iter()
                .flatten()
            {
                if *b != b'\n' && *b != b'\r' {
                    *b = b'*';
                }
            }
        }
        if has_lone_cr {
            for i in cr_offsets(text).filter(|&i| lone_cr(i)) {
                bytes[i] = b'\n';
            }
        }
        let text = String::from_utf8(bytes).unwrap_or_default();
        let copy = SourceFile::new(file.path().to_path_buf(), file.name().to_string(), text);
        out.push((file, Arc::new(copy)));
    }
    out
}

/// The offsets of the CR bytes of `text`.
fn cr_offsets(text: &[u8]) -> impl Iterator<Item = usize> + '_ {
    text.iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\r')
        .map(|(i, _)| i)
}

/// One finding in miette's terms.
struct Report<'a> {
    d: &'a Diagnostic,
    source: Option<Source>,
    code: String,
    /// The rule's help, and the fix it offers.
    help: Option<String>,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.d.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.d.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let location = self.d.location.as_ref()?;
        let primary =
            LabeledSpan::new_primary_with_span(None, (location.span.start, location.span.len()));
        // A label in another file cannot share this snippet, so it is left out.
        let others = self
            .d
            .labels
            .iter()
            .filter(|l| Arc::ptr_eq(&l.location.file, &location.file))
            .map(|l| {
                LabeledSpan::new_with_span(
                    Some(l.message.clone()),
                    (l.location.span.start, l.location.span.len()),
                )
            });
        Some(Box::new(std::iter::once(primary).chain(others)))
    }
}

/// The help text, followed by what the fix does and how to apply it.
fn help_with_fix(d: &Diagnostic) -> Option<String> {
    let fix = d.fix.as_ref().map(|f| {
        let how = match f.applicability {
            Applicability::Safe => "--write",
            Applicability::Review => "--write --unsafe-fixes",
        };
        format!("fix ({how}): {}", f.title)
    });
    match (&d.help, fix) {
        (Some(h), Some(f)) => Some(format!("{h}\n{f}")),
        (Some(h), None) => Some(h.clone()),
        (None, f) => f,
    }
}

pub(super) fn write(
    out: &mut dyn Write,
    diagnostics: &[&Diagnostic],
    color: bool,
) -> io::Result<()> {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    let shown = shown_files(diagnostics);
    for d in diagnostics {
        let report = Report {
            d,
            source: d.location.as_ref().map(|l| {
                let file = shown
                    .iter()
                    .find(|(original, _)| Arc::ptr_eq(original, &l.file))
                    .map_or(&l.file, |(_, copy)| copy);
                Source(Arc::clone(file))
            }),
            code: match super::suppressed_mark(d) {
                Some(mark) => format!("{} {} ({mark})", d.rule.code, d.rule.name),
                None => format!("{} {}", d.rule.code, d.rule.name),
            },
            help: help_with_fix(d),
        };
        let mut text = String::new();
        handler
            .render_report(&mut text, &report)
            .map_err(|e| io::Error::other(e.to_string()))?;
        writeln!(out, "{text}")?;
    }
    Ok(())
}
