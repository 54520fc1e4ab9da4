//! `--format json`: version 1 of the JSON contract (DESIGN §1). The structs below are the
//! contract: fields serialize in the order they are declared. Suppressed findings are listed
//! (`suppressed: true`) but not counted in the summary.

use super::Counts;
use crate::diagnostic::{Diagnostic, Location};
use crate::engine::Totals;
use crate::source::SourceFile;
use serde::Serialize;
use std::io::{self, Write};

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    projects: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
    fixable: usize,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    name: &'a str,
    severity: &'a str,
    platforms: Vec<&'a str>,
    message: &'a str,
    help: Option<&'a str>,
    file: Option<&'a str>,
    service: Option<&'a str>,
    span: Option<Range>,
    fix: Option<JsonFix<'a>>,
    suppressed: bool,
}

#[derive(Serialize)]
struct Range {
    start: Position,
    end: Position,
}

#[derive(Serialize)]
struct Position {
    line: usize,
    column: usize,
    offset: usize,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    applicability: &'a str,
    title: &'a str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    file: &'a str,
    start: Position,
    end: Position,
    content: &'a str,
}

fn position(file: &SourceFile, offset: usize) -> Position {
    let lc = file.line_col(offset);
    Position {
        line: lc.line,
        column: lc.column,
        offset,
    }
}

fn range(l: &Location) -> Range {
    Range {
        start: position(&l.file, l.span.start),
        end: position(&l.file, l.span.end),
    }
}

fn diagnostic(d: &Diagnostic) -> JsonDiagnostic<'_> {
    JsonDiagnostic {
        code: d.rule.code,
        name: d.rule.name,
        severity: d.severity.as_str(),
        platforms: d.platforms.iter().map(|p| p.as_str()).collect(),
        message: &d.message,
        help: d.help.as_deref(),
        file: d.location.as_ref().map(|l| l.file.name()),
        service: d.service.as_deref(),
        span: d.location.as_ref().map(range),
        fix: d.fix.as_ref().map(|f| JsonFix {
            applicability: f.applicability.as_str(),
            title: &f.title,
            edits: f
                .edits
                .iter()
                .map(|e| JsonEdit {
                    file: e.file.name(),
                    start: position(&e.file, e.span.start),
                    end: position(&e.file, e.span.end),
                    content: &e.content,
                })
                .collect(),
        }),
        suppressed: d.suppression.is_some(),
    }
}

pub(super) fn write(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    totals: &Totals,
) -> io::Result<()> {
    let c = Counts::of(diagnostics);
    let report = Report {
        version: 1,
        diagnostics: diagnostics.iter().map(diagnostic).collect(),
        summary: Summary {
            files: totals.files,
            projects: totals.projects,
            errors: c.errors,
            warnings: c.warnings,
            infos: c.infos,
            fixable: c.fixable,
        },
    };
    // Into memory first: the pretty printer makes many small writes, each a dynamic call.
    let mut text = serde_json::to_vec_pretty(&report)?;
    text.push(b'\n');
    out.write_all(&text)
}
