//! Applying fixes: one sorted pass of non-overlapping fixes, then re-load and re-check, until
//! nothing changes (at most 10 passes).
//!
//! Every pass is verified before it counts: each edited file must parse, and the re-check
//! must hold no syntax or schema finding and no error that the pass's starting point did not
//! have ([`super::verify`]). When the pass as a whole fails, its fixes are tried one by one:
//! a fix that fails alone is withheld (its finding stays, with a note saying why); a fix that
//! fails only together with the ones before it (two fixes writing one key) waits for the next
//! pass, which sees the first one's result. A fix that comes back after it was applied did not
//! remove its finding: it is withheld too, so that the passes converge.

use super::verify::{describe, introduced, is_load};
use super::{CheckOptions, CheckResult, RunError, check};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, apply_edits};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

/// Most passes before giving up ("failed to converge").
pub(super) const MAX_PASSES: usize = 10;

/// What fixing a set of projects produced.
#[derive(Debug, Default)]
pub struct FixOutcome {
    /// The new text of every file that changed, by path, with the text it had when read.
    pub changed: BTreeMap<PathBuf, (String, String)>,
    /// `CODE: title` of each fix applied, in order.
    pub applied: Vec<String>,
    /// Fixes not applied because they would have made things worse: their findings stay.
    pub withheld: Vec<Withheld>,
    /// Internal errors (the passes did not converge): nothing is to be written.
    pub failures: Vec<String>,
}

/// A fix that was not applied, and why: a note on its finding, not an error of the run.
#[derive(Debug, Clone)]
pub struct Withheld {
    /// The code of the finding.
    pub code: &'static str,
    /// Where the finding is (`compose.yaml:12`), or empty when it has no place.
    pub place: String,
    /// The fix's title.
    pub title: String,
    /// Why it was withheld ("would introduce SYN002 at compose.yaml:14 (duplicate key …)").
    pub reason: String,
}

impl std::fmt::Display for Withheld {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if !self.place.is_empty() {
            write!(f, "{}: ", self.place)?;
        }
        write!(
            f,
            "{}: fix withheld: {} (`{}`)",
            self.code, self.reason, self.title
        )
    }
}

/// One fix offered in a pass, with the finding it belongs to.
struct Candidate<'a> {
    finding: &'a Diagnostic,
    fix: &'a Fix,
    /// What identifies the fix across passes: code, file, service and title.
    id: String,
}

impl Candidate<'_> {
    fn withheld(&self, reason: String) -> Withheld {
        let place = self.finding.location.as_ref().map_or(String::new(), |l| {
            format!("{}:{}", l.file.name(), l.file.line_col(l.span.start).line)
        });
        Withheld {
            code: self.finding.rule.code,
            place,
            title: self.fix.title.clone(),
            reason,
        }
    }
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

/// Picks the fixes of one pass: allowed by `unsafe_fixes`, not set aside, sorted by place,
/// none overlapping another (an overlapping fix waits for the next pass).
fn select<'a>(
    diagnostics: &'a [Diagnostic],
    unsafe_fixes: bool,
    rejected: &HashSet<String>,
) -> Vec<Candidate<'a>> {
    let mut fixes: Vec<Candidate> = diagnostics
        .iter()
        .filter(|d| d.suppression.is_none())
        .filter_map(|d| {
            let fix = d.fix.as_ref()?;
            let file = d.location.as_ref().map(|l| l.file.name());
            let id = format!("{} {file:?} {:?}: {}", d.rule.code, d.service, fix.title);
            Some(Candidate {
                finding: d,
                fix,
                id,
            })
        })
        .filter(|c| unsafe_fixes || c.fix.applicability == Applicability::Safe)
        .filter(|c| !c.fix.edits.is_empty() && !rejected.contains(&c.id))
        .collect();
    fixes.sort_by_key(|c| {
        let e = &c.fix.edits[0];
        (e.file.path().to_path_buf(), e.span.start)
    });
    let mut taken: Vec<(PathBuf, usize, usize)> = Vec::new();
    let mut chosen = Vec::new();
    for c in fixes {
        let overlaps = c.fix.edits.iter().any(|e| {
            taken.iter().any(|(p, s, end)| {
                p == e.file.path() && e.span.start < *end && *s < e.span.end.max(e.span.start + 1)
            })
        });
        if overlaps {
            continue;
        }
        for e in &c.fix.edits {
            taken.push((
                e.file.path().to_path_buf(),
                e.span.start,
                e.span.end.max(e.span.start + 1),
            ));
        }
        chosen.push(c);
    }
    chosen
}

/// A verified step: the texts after some fixes and the findings they give.
type Step = (HashMap<PathBuf, String>, CheckResult);

/// Whether a fix would be offered for `d` (so that a later pass can take it away).
fn offers_fix(d: &Diagnostic, unsafe_fixes: bool) -> bool {
    d.fix
        .as_ref()
        .is_some_and(|f| unsafe_fixes || f.applicability == Applicability::Safe)
}

/// Applies `fixes` on top of `overlay` and verifies the result against `before`: Ok(Err(why))
/// when a file would not parse or the project would gain a guarded finding. A new rule error
/// that itself comes with a fix is tolerated (a step of a longer repair, as a new listener
/// whose mapping the next pass corrects), and makes the step "dirty": the loop checks at the
/// end that no such error is left.
fn attempt(
    opts: &CheckOptions,
    unsafe_fixes: bool,
    overlay: &HashMap<PathBuf, String>,
    before: &CheckResult,
    fixes: &[&Candidate],
) -> Result<Result<(Step, bool), String>, RunError> {
    let mut by_file: BTreeMap<PathBuf, (&str, Vec<&Edit>)> = BTreeMap::new();
    for c in fixes {
        for e in &c.fix.edits {
            by_file
                .entry(e.file.path().to_path_buf())
                .or_insert_with(|| (e.file.text(), Vec::new()))
                .1
                .push(e);
        }
    }
    let mut next = overlay.clone();
    for (path, (text, edits)) in by_file {
        let fixed = apply_edits(text, &edits);
        if let Err(e) = crate::source::parse(&fixed, &Default::default()) {
            return Ok(Err(format!(
                "would make `{}` invalid YAML ({})",
                path.display(),
                e.message
            )));
        }
        next.insert(path, fixed);
    }
    let checked = recheck(opts, &next)?;
    let new = introduced(&before.diagnostics, &checked.diagnostics);
    if let Some(bad) = new
        .iter()
        .find(|d| is_load(d) || !offers_fix(d, unsafe_fixes))
    {
        return Ok(Err(format!("would introduce {}", describe(bad))));
    }
    let dirty = !new.is_empty();
    Ok(Ok(((next, checked), dirty)))
}

/// What a pass applied: the step, the indices of its fixes in `chosen`, and of those whose new
/// error was tolerated.
type Passed = (Step, Vec<usize>, Vec<usize>);

/// One pass: the step of the fixes that pass verification; None when none does. Fixes that
/// fail alone go to `withheld` and `rejected`.
fn pass(
    opts: &CheckOptions,
    unsafe_fixes: bool,
    overlay: &HashMap<PathBuf, String>,
    before: &CheckResult,
    chosen: &[Candidate],
    withheld: &mut Vec<Withheld>,
    rejected: &mut HashSet<String>,
) -> Result<Option<Passed>, RunError> {
    let all: Vec<&Candidate> = chosen.iter().collect();
    let why = match attempt(opts, unsafe_fixes, overlay, before, &all)? {
        Ok((step, false)) => return Ok(Some((step, (0..chosen.len()).collect(), Vec::new()))),
        Ok((step, true)) if chosen.len() == 1 => return Ok(Some((step, vec![0], vec![0]))),
        Ok(_) => String::new(),
        Err(why) => why,
    };
    let mut withhold = |c: &Candidate, why: String| {
        rejected.insert(c.id.clone());
        withheld.push(c.withheld(why));
    };
    if let [only] = chosen {
        withhold(only, why);
        return Ok(None);
    }
    // One by one, to find the fixes to blame.
    let mut accepted: Vec<usize> = Vec::new();
    let mut dirty: Vec<usize> = Vec::new();
    let mut last: Option<Step> = None;
    for (i, c) in chosen.iter().enumerate() {
        let trial: Vec<&Candidate> = accepted.iter().map(|&j| &chosen[j]).chain([c]).collect();
        match attempt(opts, unsafe_fixes, overlay, before, &trial)? {
            Ok((step, is_dirty)) => {
                accepted.push(i);
                if is_dirty
                    && last.as_ref().is_none_or(|(_, r)| {
                        !introduced(&r.diagnostics, &step.1.diagnostics).is_empty()
                    })
                {
                    dirty.push(i);
                }
                last = Some(step);
            }
            Err(why) if accepted.is_empty() => withhold(c, why),
            // Good alone, bad with the fixes before it: it waits for the next pass.
            Err(_) => {
                if let Err(why) = attempt(opts, unsafe_fixes, overlay, before, &[c])? {
                    withhold(c, why);
                }
            }
        }
    }
    Ok(last.map(|step| (step, accepted, dirty)))
}

/// A pass that counted: the texts before it, and the fixes it applied (their ids and names).
struct Applied {
    before: HashMap<PathBuf, String>,
    ids: Vec<String>,
    names: Vec<String>,
    /// Ids of the fixes whose new error was tolerated, and the notes to give if it stays.
    dirty: Vec<(String, Withheld)>,
}

/// Applies the fixes of the projects `opts` names until nothing changes.
///
/// A fix is applied to all the files it edits or to none. A fix that comes back after it was
/// applied did not remove its finding: the passes go back to the texts before it, and it is
/// withheld. Standard input is read once, here, so that every re-check sees the same text.
pub fn fix(opts: &CheckOptions, unsafe_fixes: bool) -> Result<(FixOutcome, CheckResult), RunError> {
    let mut opts = opts.clone();
    super::read_stdin(&mut opts)?;
    let opts = &opts;
    let mut outcome = FixOutcome::default();
    // The caller's texts (a language server's unsaved buffers) stay in every re-check.
    let mut overlay: HashMap<PathBuf, String> = opts.load.overlay.clone();
    let mut originals: HashMap<PathBuf, String> = HashMap::new();
    // Ids of fixes withheld, not offered again.
    let mut rejected: HashSet<String> = HashSet::new();
    let mut history: Vec<Applied> = Vec::new();
    let mut result = check(opts)?;
    let original = result.diagnostics.clone();
    // Every step either applies a pass or withholds a fix; going back costs steps too.
    for step in 0.. {
        let chosen = select(&result.diagnostics, unsafe_fixes, &rejected);
        let back = chosen.iter().find_map(|c| {
            let at = history.iter().position(|h| h.ids.contains(&c.id))?;
            Some((
                at,
                c.id.clone(),
                c.withheld("applying it did not remove the finding".into()),
            ))
        });
        if let Some((at, id, note)) = back {
            rejected.insert(id);
            outcome.withheld.push(note);
            overlay = history[at].before.clone();
            history.truncate(at);
            result = recheck(opts, &overlay)?;
            continue;
        }
        if chosen.is_empty() {
            // A tolerated error still there: back to before the last pass that let one in,
            // and its tolerated fixes are withheld.
            let late = introduced(&original, &result.diagnostics);
            let Some(new) = late.first() else { break };
            let Some(at) = history.iter().rposition(|h| !h.dirty.is_empty()) else {
                break;
            };
            let why = format!("would introduce {}", describe(new));
            for (id, mut note) in std::mem::take(&mut history[at].dirty) {
                rejected.insert(id);
                note.reason = why.clone();
                outcome.withheld.push(note);
            }
            overlay = history[at].before.clone();
            history.truncate(at);
            result = recheck(opts, &overlay)?;
            continue;
        }
        if history.len() == MAX_PASSES || step == 4 * MAX_PASSES {
            outcome.failures.push(format!(
                "fixes did not converge after {MAX_PASSES} passes; nothing was written"
            ));
            return Ok((outcome, result));
        }
        let step = pass(
            opts,
            unsafe_fixes,
            &overlay,
            &result,
            &chosen,
            &mut outcome.withheld,
            &mut rejected,
        )?;
        let Some(((next, checked), accepted, dirty)) = step else {
            continue;
        };
        let mut applied = Applied {
            before: overlay,
            ids: Vec::new(),
            names: Vec::new(),
            dirty: dirty
                .iter()
                .map(|&i| (chosen[i].id.clone(), chosen[i].withheld(String::new())))
                .collect(),
        };
        for &i in &accepted {
            let c = &chosen[i];
            for e in &c.fix.edits {
                originals
                    .entry(e.file.path().to_path_buf())
                    .or_insert_with(|| e.file.text().to_string());
            }
            applied.ids.push(c.id.clone());
            applied
                .names
                .push(format!("{}: {}", c.finding.rule.code, c.fix.title));
        }
        history.push(applied);
        overlay = next;
        result = checked;
    }
    outcome.applied = history.into_iter().flat_map(|h| h.names).collect();
    for (path, text) in overlay {
        // A caller's text that no fix edited has not changed.
        let Some(original) = originals.remove(&path) else {
            continue;
        };
        if original != text {
            outcome.changed.insert(path, (original, text));
        }
    }
    Ok((outcome, result))
}
