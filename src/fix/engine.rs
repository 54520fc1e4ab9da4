//! Applying fixes: one sorted pass of non-overlapping fixes, then re-load and re-check, until
//! nothing changes (at most 10 passes). Every pass is verified: a file whose fixed text no
//! longer parses, or gains load or schema errors, keeps its previous text and the fix is
//! reported as failed.

use super::{Applicability, Fix, apply_edits};
use crate::check::{self, CheckOptions, CheckResult, RunError};
use crate::diagnostic::Diagnostic;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

/// A file's text before a pass, and the fixes (with their codes) that edit it.
type FileFixes<'a> = (String, Vec<(&'a str, &'a Fix)>);

/// Most passes before giving up ("failed to converge").
pub const MAX_PASSES: usize = 10;

/// What fixing a set of projects produced.
#[derive(Debug, Default)]
pub struct FixOutcome {
    /// The new text of every file that changed, by path, with the text it had when read.
    pub changed: BTreeMap<PathBuf, (String, String)>,
    /// `CODE: title` of each fix applied, in order.
    pub applied: Vec<String>,
    /// Fixes that could not be applied, in words.
    pub failures: Vec<String>,
}

/// The findings of `opts` with the texts in `overlay`.
fn recheck(
    opts: &CheckOptions,
    overlay: &HashMap<PathBuf, String>,
) -> Result<CheckResult, RunError> {
    let mut opts = opts.clone();
    opts.load.overlay = overlay.clone();
    check::check(&opts)
}

fn load_errors(diagnostics: &[Diagnostic], path: &std::path::Path) -> usize {
    diagnostics
        .iter()
        .filter(|d| d.rule.code.starts_with("SYN") || d.rule.code.starts_with("SCH"))
        .filter(|d| d.location.as_ref().is_some_and(|l| l.file.path() == path))
        .count()
}

/// Picks the fixes of one pass: allowed by `unsafe_fixes`, sorted by place, none overlapping
/// another (an overlapping fix waits for the next pass).
fn select(diagnostics: &[Diagnostic], unsafe_fixes: bool) -> Vec<(&'static str, &Fix)> {
    let mut fixes: Vec<(&'static str, &Fix)> = diagnostics
        .iter()
        .filter_map(|d| Some((d.rule.code, d.fix.as_ref()?)))
        .filter(|(_, f)| unsafe_fixes || f.applicability == Applicability::Safe)
        .filter(|(_, f)| !f.edits.is_empty())
        .collect();
    fixes.sort_by_key(|(_, f)| (f.edits[0].file.path().to_path_buf(), f.edits[0].span.start));
    let mut taken: Vec<(PathBuf, usize, usize)> = Vec::new();
    let mut chosen = Vec::new();
    for (code, fix) in fixes {
        let overlaps = fix.edits.iter().any(|e| {
            taken.iter().any(|(p, s, end)| {
                p == e.file.path() && e.span.start < *end && *s < e.span.end.max(e.span.start + 1)
            })
        });
        if overlaps {
            continue;
        }
        for e in &fix.edits {
            taken.push((
                e.file.path().to_path_buf(),
                e.span.start,
                e.span.end.max(e.span.start + 1),
            ));
        }
        chosen.push((code, fix));
    }
    chosen
}

/// Applies the fixes of the projects `opts` names until nothing changes.
pub fn fix(opts: &CheckOptions, unsafe_fixes: bool) -> Result<(FixOutcome, CheckResult), RunError> {
    let mut outcome = FixOutcome::default();
    let mut overlay: HashMap<PathBuf, String> = HashMap::new();
    let mut originals: HashMap<PathBuf, String> = HashMap::new();
    let mut result = check::check(opts)?;
    for pass in 0.. {
        let chosen = select(&result.diagnostics, unsafe_fixes);
        if chosen.is_empty() {
            break;
        }
        if pass == MAX_PASSES {
            outcome.failures.push(format!(
                "fixes did not converge after {MAX_PASSES} passes; nothing was written"
            ));
            outcome.changed.clear();
            return Ok((outcome, result));
        }
        let mut by_file: BTreeMap<PathBuf, FileFixes> = BTreeMap::new();
        for (code, fix) in &chosen {
            for e in &fix.edits {
                let entry = by_file
                    .entry(e.file.path().to_path_buf())
                    .or_insert_with(|| (e.file.text().to_string(), Vec::new()));
                if !entry.1.iter().any(|(_, f)| std::ptr::eq(*f, *fix)) {
                    entry.1.push((code, fix));
                }
            }
        }
        let mut next = overlay.clone();
        for (path, (text, fixes)) in &by_file {
            originals
                .entry(path.clone())
                .or_insert_with(|| text.clone());
            let edits: Vec<&super::Edit> = fixes
                .iter()
                .flat_map(|(_, f)| f.edits.iter().filter(|e| e.file.path() == path))
                .collect();
            let fixed = apply_edits(text, &edits);
            if let Err(e) = crate::source::parse(&fixed, &Default::default()) {
                for (code, f) in fixes {
                    outcome.failures.push(format!(
                        "fix `{}` ({code}) would make `{}` invalid YAML ({}); the file was left as it was",
                        f.title,
                        path.display(),
                        e.message
                    ));
                }
                continue;
            }
            next.insert(path.clone(), fixed);
        }
        let checked = recheck(opts, &next)?;
        let mut rejected = false;
        for (path, (_, fixes)) in &by_file {
            if next.get(path) == overlay.get(path) {
                continue;
            }
            if load_errors(&checked.diagnostics, path) > load_errors(&result.diagnostics, path) {
                for (code, f) in fixes {
                    outcome.failures.push(format!(
                        "fix `{}` ({code}) would make `{}` fail to load or validate; the file was left as it was",
                        f.title,
                        path.display()
                    ));
                }
                match overlay.get(path) {
                    Some(previous) => next.insert(path.clone(), previous.clone()),
                    None => next.remove(path),
                };
                rejected = true;
            } else {
                outcome
                    .applied
                    .extend(fixes.iter().map(|(code, f)| format!("{code}: {}", f.title)));
            }
        }
        if next == overlay {
            break;
        }
        overlay = next;
        result = if rejected {
            recheck(opts, &overlay)?
        } else {
            checked
        };
    }
    for (path, text) in overlay {
        let original = originals.remove(&path).unwrap_or_default();
        if original != text {
            outcome.changed.insert(path, (original, text));
        }
    }
    Ok((outcome, result))
}
