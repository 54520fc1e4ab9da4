//! The fix loop's safety net: which findings a fix would add.
//!
//! A fix must not give a file a syntax or schema finding (SYN, SCH), nor the project an
//! error-level finding, that it did not have. Counting findings is not enough (a new error can
//! hide behind a fixed one), and offsets and line numbers move with every edit, so findings are
//! matched by places that survive edits: the code and file, then the text of the line the
//! finding is on or its message; an error of a rule also matches the same code on the same
//! service.

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::lines::{line_end, line_start};
use std::path::Path;

/// Whether a finding is one a fix may never add.
fn guarded(d: &Diagnostic) -> bool {
    let code = d.rule.code;
    code.starts_with("SYN") || code.starts_with("SCH") || d.severity == Severity::Error
}

/// Whether a finding comes from the loader or the schema (as opposed to a rule).
pub(super) fn is_load(d: &Diagnostic) -> bool {
    d.rule.code.starts_with("SYN") || d.rule.code.starts_with("SCH")
}

fn file(d: &Diagnostic) -> Option<&Path> {
    d.location.as_ref().map(|l| l.file.path())
}

/// The text of the line the finding starts on, without its indentation.
fn line_text(d: &Diagnostic) -> Option<&str> {
    let l = d.location.as_ref()?;
    let text = l.file.text();
    let at = l.span.start.min(text.len());
    text.get(line_start(text, at)..line_end(text, at))
        .map(str::trim)
}

/// The same finding before and after an edit, as far as places that survive edits tell.
fn same_place(a: &Diagnostic, b: &Diagnostic) -> bool {
    a.rule.code == b.rule.code
        && file(a) == file(b)
        && (a.message == b.message || line_text(a).is_some_and(|t| Some(t) == line_text(b)))
}

/// The same rule's error on the same service (its message and line may follow the edit).
fn same_service(a: &Diagnostic, b: &Diagnostic) -> bool {
    !is_load(a) && a.rule.code == b.rule.code && file(a) == file(b) && a.service == b.service
}

/// The guarded findings of `after` that `before` does not have, each finding of `before`
/// accounting for at most one of `after`.
pub(super) fn introduced<'a>(
    before: &[Diagnostic],
    after: &'a [Diagnostic],
) -> Vec<&'a Diagnostic> {
    let old: Vec<&Diagnostic> = before.iter().filter(|d| guarded(d)).collect();
    let new: Vec<&Diagnostic> = after.iter().filter(|d| guarded(d)).collect();
    let mut used = vec![false; old.len()];
    let mut take = |d: &Diagnostic, same: fn(&Diagnostic, &Diagnostic) -> bool| {
        let found = (0..old.len()).find(|&i| !used[i] && same(old[i], d));
        found.inspect(|&i| used[i] = true).is_some()
    };
    // Exact places first, so that a looser match never takes a finding another one needs.
    let left: Vec<&Diagnostic> = new.into_iter().filter(|d| !take(d, same_place)).collect();
    left.into_iter()
        .filter(|d| !take(d, same_service))
        .collect()
}

/// A finding in words for a note: `SYN002 at compose.yaml:12 (duplicate key `X`)`.
pub(super) fn describe(d: &Diagnostic) -> String {
    match &d.location {
        Some(l) => format!(
            "{} at {}:{} ({})",
            d.rule.code,
            l.file.name(),
            l.file.line_col(l.span.start).line,
            d.message
        ),
        None => format!("{} ({})", d.rule.code, d.message),
    }
}
