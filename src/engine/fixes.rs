//! Applying fixes: one sorted pass of non-overlapping fixes, then re-load and re-check, until
//! nothing changes (at most 10 passes). Every pass is verified: a fix that would make one of
//! its files unparseable, or give it load or schema errors, is applied to none of its files
//! and is reported as failed.

use super::{CheckOptions, CheckResult, RunError, check};
use crate::diagnostic::{Applicability, Diagnostic, Fix, apply_edits};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

/// A file's text before a pass, and the fixes (with their codes) that edit it.
type FileFixes<'a> = (String, Vec<(&'a str, &'a Fix)>);

/// Most passes before giving up ("failed to converge").
pub(super) const MAX_PASSES: usize = 10;

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
    check(&opts)
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
        .filter(|d| d.suppression.is_none())
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
///
/// A fix is applied to all the files it edits or to none: when one of its files would not
/// parse, or would gain load or schema errors, every fix touching that file is set aside (and
/// reported) and the pass is tried again without them.
pub fn fix(opts: &CheckOptions, unsafe_fixes: bool) -> Result<(FixOutcome, CheckResult), RunError> {
    let mut outcome = FixOutcome::default();
    let mut overlay: HashMap<PathBuf, String> = HashMap::new();
    let mut originals: HashMap<PathBuf, String> = HashMap::new();
    // `CODE: title` of fixes that failed verification: not tried again.
    let mut rejected: HashSet<String> = HashSet::new();
    let mut result = check(opts)?;
    for pass in 0.. {
        let mut chosen: Vec<(&str, &Fix)> = select(&result.diagnostics, unsafe_fixes)
            .into_iter()
            .filter(|(code, f)| !rejected.contains(&key(code, f)))
            .collect();
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
        let (next, checked) = loop {
            let by_file = group(&chosen);
            let mut next = overlay.clone();
            let mut bad: Vec<(&PathBuf, String)> = Vec::new();
            for (path, (text, fixes)) in &by_file {
                originals
                    .entry(path.clone())
                    .or_insert_with(|| text.clone());
                let edits: Vec<&crate::diagnostic::Edit> = fixes
                    .iter()
                    .flat_map(|(_, f)| f.edits.iter().filter(|e| e.file.path() == path))
                    .collect();
                let fixed = apply_edits(text, &edits);
                match crate::source::parse(&fixed, &Default::default()) {
                    Ok(_) => {
                        next.insert(path.clone(), fixed);
                    }
                    Err(e) => bad.push((path, format!("invalid YAML ({})", e.message))),
                }
            }
            let checked = if bad.is_empty() {
                let checked = recheck(opts, &next)?;
                for path in by_file.keys() {
                    let changed = next.get(path) != overlay.get(path);
                    if changed
                        && load_errors(&checked.diagnostics, path)
                            > load_errors(&result.diagnostics, path)
                    {
                        bad.push((path, "fail to load or validate".to_string()));
                    }
                }
                Some(checked)
            } else {
                None
            };
            if bad.is_empty() {
                break (next, checked);
            }
            // Set aside every fix that touches a failing file, in all its files.
            for (path, why) in &bad {
                for (code, f) in &by_file[*path].1 {
                    if rejected.insert(key(code, f)) {
                        outcome.failures.push(format!(
                            "fix `{}` ({code}) would make `{}` {why}; it was not applied",
                            f.title,
                            path.display()
                        ));
                    }
                }
            }
            chosen.retain(|(code, f)| !rejected.contains(&key(code, f)));
            if chosen.is_empty() {
                break (overlay.clone(), None);
            }
        };
        if next == overlay {
            break;
        }
        outcome
            .applied
            .extend(chosen.iter().map(|(code, f)| key(code, f)));
        overlay = next;
        result = match checked {
            Some(checked) => checked,
            None => recheck(opts, &overlay)?,
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

/// How a fix is named in the outcome: `CODE: title`.
fn key(code: &str, fix: &Fix) -> String {
    format!("{code}: {}", fix.title)
}

/// The chosen fixes by file, with each file's current text.
fn group<'a>(chosen: &[(&'a str, &'a Fix)]) -> BTreeMap<PathBuf, FileFixes<'a>> {
    let mut by_file: BTreeMap<PathBuf, FileFixes> = BTreeMap::new();
    for (code, fix) in chosen {
        for e in &fix.edits {
            let entry = by_file
                .entry(e.file.path().to_path_buf())
                .or_insert_with(|| (e.file.text().to_string(), Vec::new()));
            if !entry.1.iter().any(|(_, f)| std::ptr::eq(*f, *fix)) {
                entry.1.push((code, fix));
            }
        }
    }
    by_file
}
