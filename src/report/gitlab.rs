//! `--format gitlab`: GitLab Code Quality JSON, the report the merge request widget reads: an
//! array of `{description, check_name, fingerprint, severity, location: {path, lines}}`.
//! Severities: error → `critical` (the configuration cannot work), warning → `minor`, info →
//! `info`; `major` and `blocker` are not used. A suppressed finding shown with
//! `--show-suppressed` is `info`, its description marked. The fingerprint is the one SARIF
//! gives (`fingerprint.rs`): stable across runs and edits above the finding. A finding about no
//! file has an empty path and line 1.

use super::fingerprint;
use crate::diagnostic::{Diagnostic, Severity};
use serde::Serialize;
use std::io::{self, Write};

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'a str,
    fingerprint: String,
    severity: &'a str,
    location: IssueLocation<'a>,
}

#[derive(Serialize)]
struct IssueLocation<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

fn severity(d: &Diagnostic) -> &'static str {
    if d.suppression.is_some() {
        return "info";
    }
    match d.severity {
        Severity::Error => "critical",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

pub(super) fn write(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    show_suppressed: bool,
) -> io::Result<()> {
    let issues: Vec<Issue> = diagnostics
        .iter()
        .zip(fingerprint::fingerprints(diagnostics))
        .filter(|(d, _)| show_suppressed || d.suppression.is_none())
        .map(|(d, fingerprint)| {
            let (path, begin, end) = match &d.location {
                Some(l) => (
                    l.file.name(),
                    l.file.line_col(l.span.start).line,
                    l.file.line_col(l.span.end).line,
                ),
                None => ("", 1, 1),
            };
            let mut description = format!("{} {}: {}", d.rule.code, d.rule.name, d.message);
            if let Some(mark) = super::suppressed_mark(d) {
                description.push_str(&format!(" ({mark})"));
            }
            Issue {
                description,
                check_name: d.rule.code,
                fingerprint,
                severity: severity(d),
                location: IssueLocation {
                    path,
                    lines: Lines { begin, end },
                },
            }
        })
        .collect();
    let mut text = serde_json::to_vec_pretty(&issues)?;
    text.push(b'\n');
    out.write_all(&text)
}
