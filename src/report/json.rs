//! `--format json`: version 1 of the JSON contract (DESIGN §1).

use super::{Counts, Totals};
use crate::diagnostic::{Diagnostic, Location};
use serde_json::{Value, json};
use std::io::{self, Write};

fn position(l: &Location, offset: usize) -> Value {
    let lc = l.file.line_col(offset);
    json!({"line": lc.line, "column": lc.column, "offset": offset})
}

fn diagnostic(d: &Diagnostic) -> Value {
    let (file, span) = match &d.location {
        Some(l) => (
            json!(l.file.name()),
            json!({"start": position(l, l.span.start), "end": position(l, l.span.end)}),
        ),
        None => (Value::Null, Value::Null),
    };
    json!({
        "code": d.rule.code,
        "name": d.rule.name,
        "severity": d.severity.as_str(),
        "platforms": d.platforms.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
        "message": d.message,
        "help": d.help,
        "file": file,
        "service": d.service,
        "span": span,
        "fix": d.fix.as_ref().map_or(Value::Null, |f| json!({
            "applicability": f.applicability.as_str(),
            "title": f.title,
            "edits": f.edits.iter().map(|e| {
                let l = Location { file: std::sync::Arc::clone(&e.file), span: e.span };
                json!({
                    "file": e.file.name(),
                    "start": position(&l, e.span.start),
                    "end": position(&l, e.span.end),
                    "content": e.content,
                })
            }).collect::<Vec<_>>(),
        })),
        "suppressed": false,
    })
}

pub(super) fn write(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    totals: Totals,
) -> io::Result<()> {
    let c = Counts::of(diagnostics);
    let doc = json!({
        "version": 1,
        "diagnostics": diagnostics.iter().map(diagnostic).collect::<Vec<_>>(),
        "summary": {
            "files": totals.files,
            "projects": totals.projects,
            "errors": c.errors,
            "warnings": c.warnings,
            "infos": c.infos,
            "fixable": diagnostics.iter().filter(|d| d.fix.is_some()).count(),
        },
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
