//! Rendering findings: one module per output format over the one [`Diagnostic`] type.

mod concise;
mod config_error;
mod human;
mod json;

pub use config_error::config_error;

use crate::diagnostic::{Diagnostic, Severity};
use crate::engine::Totals;
use std::io::{self, Write};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Source snippets with labels and help (miette).
    Human,
    /// One line per finding.
    Concise,
    /// The versioned JSON document other tools parse.
    Json,
}

/// Counts per severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Errors.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Infos.
    pub infos: usize,
}

impl Counts {
    /// Counts `diagnostics`.
    pub fn of(diagnostics: &[Diagnostic]) -> Self {
        let mut c = Counts::default();
        for d in diagnostics {
            match d.severity {
                Severity::Error => c.errors += 1,
                Severity::Warning => c.warnings += 1,
                Severity::Info => c.infos += 1,
            }
        }
        c
    }
}

/// Writes `diagnostics` (already sorted and filtered) in `format`. `color` applies to `Human`.
pub fn write(
    out: &mut dyn Write,
    format: Format,
    diagnostics: &[Diagnostic],
    totals: Totals,
    color: bool,
) -> io::Result<()> {
    match format {
        Format::Human => human::write(out, diagnostics, color),
        Format::Concise => concise::write(out, diagnostics),
        Format::Json => json::write(out, diagnostics, totals),
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// "2 errors, 1 warning" (zero counts left out).
fn summary_line(diagnostics: &[Diagnostic]) -> String {
    let c = Counts::of(diagnostics);
    let parts: Vec<String> = [
        (c.errors, "error"),
        (c.warnings, "warning"),
        (c.infos, "info"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, w)| plural(n, w))
    .collect();
    let fixable = diagnostics.iter().filter(|d| d.fix.is_some()).count();
    if fixable == 0 {
        format!("Found {}.", parts.join(", "))
    } else {
        format!("Found {} ({fixable} fixable).", parts.join(", "))
    }
}
