//! Rendering findings: one module per output format over the one [`Diagnostic`] type.
//!
//! Suppressed findings (`Diagnostic::suppression`) are always in the JSON and SARIF reports,
//! marked; the other formats leave them out unless [`ReportOptions::show_suppressed`] is set.
//! Counts and summaries count only the findings that are not suppressed.

mod concise;
mod config_error;
mod fingerprint;
mod github;
mod gitlab;
mod human;
mod json;
mod junit;
mod sarif;

pub use config_error::config_error;

use crate::diagnostic::{Applicability, Diagnostic, Severity};
use crate::engine::Totals;
use std::collections::BTreeMap;
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
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands: annotations on the pull request's files.
    Github,
    /// JUnit XML, for CI test dashboards.
    Junit,
    /// GitLab Code Quality JSON, for the merge request widget.
    Gitlab,
}

/// How a report is written, beyond its format.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReportOptions {
    /// Colour the human report.
    pub color: bool,
    /// Show the suppressed findings (marked) in the formats that leave them out by default.
    pub show_suppressed: bool,
    /// Human and concise: a count per rule instead of the findings.
    pub statistics: bool,
    /// Human and concise: after the findings, the fixes they offer.
    pub show_fixes: bool,
}

/// Counts per severity of the findings that are not suppressed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Errors.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Infos.
    pub infos: usize,
    /// Findings with a fix.
    pub fixable: usize,
}

impl Counts {
    /// Counts `diagnostics`, leaving out the suppressed ones.
    pub fn of<'a>(diagnostics: impl IntoIterator<Item = &'a Diagnostic>) -> Self {
        let mut c = Counts::default();
        for d in diagnostics.into_iter().filter(|d| d.suppression.is_none()) {
            match d.severity {
                Severity::Error => c.errors += 1,
                Severity::Warning => c.warnings += 1,
                Severity::Info => c.infos += 1,
            }
            c.fixable += usize::from(d.fix.is_some());
        }
        c
    }
}

/// Writes `diagnostics` (already sorted and filtered; suppressed ones included) in `format`.
/// `totals` says what was checked, for the JSON summary and the JUnit suites.
pub fn write(
    out: &mut dyn Write,
    format: Format,
    diagnostics: &[Diagnostic],
    totals: &Totals,
    options: ReportOptions,
) -> io::Result<()> {
    let shown: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| options.show_suppressed || d.suppression.is_none())
        .collect();
    match format {
        Format::Human | Format::Concise => {
            if options.statistics {
                statistics(out, &shown)?;
            } else if format == Format::Human {
                human::write(out, &shown, options.color)?;
            } else {
                concise::write(out, &shown)?;
            }
            if options.show_fixes {
                show_fixes(out, &shown)?;
            }
            if !shown.is_empty() {
                writeln!(out, "{}", summary_line(&shown))?;
            }
            Ok(())
        }
        Format::Json => json::write(out, diagnostics, totals),
        Format::Sarif => sarif::write(out, diagnostics),
        Format::Github => github::write(out, &shown),
        Format::Junit => junit::write(out, &shown, totals),
        Format::Gitlab => gitlab::write(out, diagnostics, options.show_suppressed),
    }
}

/// `--statistics`: `COUNT  CODE  [*] name` per rule, most frequent first, then by code; `[*]`
/// when one of its findings has a fix. Suppressed findings are not counted.
fn statistics(out: &mut dyn Write, diagnostics: &[&Diagnostic]) -> io::Result<()> {
    let mut rows: BTreeMap<&str, (usize, &str, bool)> = BTreeMap::new();
    for d in diagnostics.iter().filter(|d| d.suppression.is_none()) {
        let row = rows.entry(d.rule.code).or_insert((0, d.rule.name, false));
        row.0 += 1;
        row.2 |= d.fix.is_some();
    }
    let mut rows: Vec<(&str, (usize, &str, bool))> = rows.into_iter().collect();
    rows.sort_by(|(a_code, a), (b_code, b)| b.0.cmp(&a.0).then(a_code.cmp(b_code)));
    let width = rows.first().map_or(1, |(_, (n, _, _))| n.to_string().len());
    for (code, (count, name, fixable)) in rows {
        let mark = if fixable { "[*] " } else { "    " };
        writeln!(out, "{count:>width$}  {code:<6}  {mark}{name}")?;
    }
    Ok(())
}

/// `--show-fixes`: `file:line:col: CODE title (safe|review)` per finding with a fix.
fn show_fixes(out: &mut dyn Write, diagnostics: &[&Diagnostic]) -> io::Result<()> {
    let unsuppressed = || diagnostics.iter().filter(|d| d.suppression.is_none());
    if unsuppressed().next().is_none() {
        return Ok(());
    }
    let fixes: Vec<String> = unsuppressed()
        .filter_map(|d| {
            let fix = d.fix.as_ref()?;
            Some(format!(
                "  {}: {} {} ({})",
                place(d),
                d.rule.code,
                fix.title,
                fix.applicability.as_str()
            ))
        })
        .collect();
    if fixes.is_empty() {
        return writeln!(out, "No fixes available.");
    }
    writeln!(out, "Fixes available:")?;
    for line in fixes {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// `file:line:col` of a finding, or `composefix` for a finding about no place.
fn place(d: &Diagnostic) -> String {
    match &d.location {
        Some(l) => {
            let lc = l.file.line_col(l.span.start);
            format!("{}:{}:{}", l.file.name(), lc.line, lc.column)
        }
        None => "composefix".to_string(),
    }
}

/// "suppressed" or "suppressed: <reason>", for the formats that show suppressed findings.
fn suppressed_mark(d: &Diagnostic) -> Option<String> {
    let s = d.suppression.as_ref()?;
    Some(match &s.reason {
        Some(reason) => format!("suppressed: {reason}"),
        None => "suppressed".to_string(),
    })
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// "Found 2 errors, 1 warning (1 fixable)." over the unsuppressed findings (zero counts left
/// out), with the number of suppressed findings shown.
fn summary_line(diagnostics: &[&Diagnostic]) -> String {
    let c = Counts::of(diagnostics.iter().copied());
    let parts: Vec<String> = [
        (c.errors, "error"),
        (c.warnings, "warning"),
        (c.infos, "info"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, w)| plural(n, w))
    .collect();
    let found = if parts.is_empty() {
        "no finding".to_string()
    } else {
        parts.join(", ")
    };
    let suppressed = diagnostics
        .iter()
        .filter(|d| d.suppression.is_some())
        .count();
    // How many fixes `--write` applies, and how many more need `--unsafe-fixes`.
    let fix_of = |applicability| {
        diagnostics
            .iter()
            .filter(|d| d.suppression.is_none())
            .filter(|d| {
                d.fix
                    .as_ref()
                    .is_some_and(|f| f.applicability == applicability)
            })
            .count()
    };
    let (safe, review) = (fix_of(Applicability::Safe), fix_of(Applicability::Review));
    let notes: Vec<String> = [
        (safe, format!("{safe} fixable with --write")),
        (
            review,
            if safe > 0 {
                format!("{review} more with --unsafe-fixes")
            } else {
                format!("{review} fixable with --unsafe-fixes")
            },
        ),
        (suppressed, format!("{suppressed} suppressed")),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(_, note)| note)
    .collect();
    if notes.is_empty() {
        format!("Found {found}.")
    } else {
        format!("Found {found} ({}).", notes.join(", "))
    }
}
