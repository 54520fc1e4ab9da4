//! `--format concise`: `file:line:col: CODE [severity] message`, one line per finding; a
//! suppressed finding (shown with `--show-suppressed`) ends with `(suppressed[: reason])`.

use crate::diagnostic::Diagnostic;
use std::io::{self, Write};

pub(super) fn write(out: &mut dyn Write, diagnostics: &[&Diagnostic]) -> io::Result<()> {
    for d in diagnostics {
        write!(
            out,
            "{}: {} [{}] {}",
            super::place(d),
            d.rule.code,
            d.severity.as_str(),
            d.message
        )?;
        match super::suppressed_mark(d) {
            Some(mark) => writeln!(out, " ({mark})")?,
            None => writeln!(out)?,
        }
    }
    Ok(())
}
