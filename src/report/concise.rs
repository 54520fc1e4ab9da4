//! `--format concise`: `file:line:col: CODE [severity] message`, one line per finding.

use crate::diagnostic::Diagnostic;
use std::io::{self, Write};

pub(super) fn write(out: &mut dyn Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
    for d in diagnostics {
        let place = match &d.location {
            Some(l) => {
                let lc = l.file.line_col(l.span.start);
                format!("{}:{}:{}", l.file.name(), lc.line, lc.column)
            }
            None => "composefix".to_string(),
        };
        writeln!(
            out,
            "{place}: {} [{}] {}",
            d.rule.code,
            d.severity.as_str(),
            d.message
        )?;
    }
    if !diagnostics.is_empty() {
        writeln!(out, "{}", super::summary_line(diagnostics))?;
    }
    Ok(())
}
