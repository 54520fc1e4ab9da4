//! Fix properties over the shared corpus: adding a variable to any `environment` block with
//! the builder gives a file that loads, holds the new variable, and keeps every other value;
//! removing it again gives back the original bytes.

mod common;

use composefix::diagnostic::{Edit, apply_edits};
use composefix::fix::builders;
use composefix::project::discover::ProjectFiles;
use composefix::project::value::Value;
use composefix::project::{self, LoadOptions, Project};
use std::collections::HashMap;
use std::path::Path;

const PROBE: &str = "COMPOSEFIX_PROBE";

fn load(path: &Path, env: Option<&Path>, text: Option<&str>) -> Project {
    let mut opts = LoadOptions {
        env_files: env.into_iter().map(Path::to_path_buf).collect(),
        ..Default::default()
    };
    if let Some(text) = text {
        opts.overlay = HashMap::from([(path.to_path_buf(), text.to_string())]);
    }
    project::load(
        &ProjectFiles {
            files: vec![path.to_path_buf()],
        },
        &opts,
    )
    .expect("loads")
}

/// Every environment variable of every service, as text, without the probe.
fn environments(p: &Project) -> Vec<(String, String, Option<String>)> {
    let mut out = Vec::new();
    for (name, service) in p.services() {
        let Some(env) = service.get("environment").and_then(Value::as_map) else {
            continue;
        };
        for (key, _, value) in env.iter().filter(|(k, _, _)| *k != PROBE) {
            out.push((
                name.to_string(),
                key.to_string(),
                value.scalar_text().map(|s| s.into_owned()),
            ));
        }
    }
    out
}

fn load_errors(p: &Project) -> usize {
    p.diagnostics
        .iter()
        .filter(|d| d.rule.code.starts_with("SYN") || d.rule.code.starts_with("SCH"))
        .count()
}

#[test]
fn adding_and_removing_an_environment_variable_everywhere() {
    let Some(dir) = common::corpus_dir() else {
        return;
    };
    let mut blocks = 0;
    let mut skipped = Vec::new();
    for file in common::corpus_files(&dir) {
        let original_text = std::fs::read_to_string(&file.path).unwrap_or_default();
        let original = load(&file.path, file.env.as_deref(), None);
        if original.model.is_none()
            || original
                .diagnostics
                .iter()
                .any(|d| d.rule.code.starts_with("SYN"))
        {
            continue;
        }
        let before = environments(&original);
        let services: Vec<String> = original.services().map(|(n, _)| n.to_string()).collect();
        for name in services {
            let Some(service) = original
                .services()
                .find(|(n, _)| *n == name)
                .map(|(_, s)| s)
            else {
                continue;
            };
            let Some(env) = service.get("environment") else {
                continue;
            };
            if env.as_map().is_none_or(|m| m.is_empty())
                || original.file(env.origin.file).path() != file.path
                || env.origin.via_alias.is_some()
            {
                continue;
            }
            let Some(edit) = builders::set_env(&original, env, PROBE, "1") else {
                skipped.push(format!("{}: {name}", file.local));
                continue;
            };
            blocks += 1;
            let added = apply_edits(&original_text, &[&edit]);
            let changed = load(&file.path, file.env.as_deref(), Some(&added));
            assert!(
                load_errors(&changed) <= load_errors(&original),
                "{} ({name}): adding the variable broke the file:\n{added}",
                file.local
            );
            let service = changed
                .services()
                .find(|(n, _)| *n == name)
                .map(|(_, s)| s)
                .unwrap();
            let env = service.get("environment").unwrap();
            assert_eq!(
                env.get(PROBE).and_then(Value::scalar_text).as_deref(),
                Some("1"),
                "{} ({name}): the variable is not there:\n{added}",
                file.local
            );
            assert_eq!(
                environments(&changed),
                before,
                "{} ({name}): other values changed",
                file.local
            );
            let remove: Edit = builders::remove_key(&changed, env, PROBE)
                .unwrap_or_else(|| panic!("{} ({name}): cannot remove the variable", file.local));
            assert_eq!(
                apply_edits(&added, &[&remove]),
                original_text,
                "{} ({name}): removing the variable did not restore the file",
                file.local
            );
        }
    }
    println!("{blocks} environment blocks edited; skipped (no safe place to add): {skipped:?}");
    assert!(
        blocks > 1000,
        "only {blocks} environment blocks were edited"
    );
}

#[test]
fn fixing_the_corpus_changes_only_what_fixes_target_and_converges() {
    use composefix::engine::{self, CheckOptions};
    let Some(dir) = common::corpus_dir() else {
        return;
    };
    let mut fixed_files = Vec::new();
    for file in common::corpus_files(&dir) {
        let opts = CheckOptions {
            files: vec![file.path.clone()],
            load: LoadOptions {
                env_files: file.env.iter().cloned().collect(),
                ..Default::default()
            },
            ..CheckOptions::default()
        };
        let (outcome, after) = engine::fix(&opts, false).expect("fix runs");
        assert!(
            outcome.failures.is_empty(),
            "{}: {:?}",
            file.local,
            outcome.failures
        );
        let before = composefix::engine::check(&opts).expect("check runs");
        let fixable = before.diagnostics.iter().any(|d| d.fix.is_some());
        if !fixable {
            assert!(
                outcome.changed.is_empty(),
                "{}: changed without a fix",
                file.local
            );
            continue;
        }
        // What was fixed is gone, and nothing else appeared.
        let codes = |ds: &[composefix::diagnostic::Diagnostic]| {
            let mut c: Vec<&str> = ds
                .iter()
                .filter(|d| d.fix.is_none())
                .map(|d| d.rule.code)
                .collect();
            c.sort();
            c
        };
        assert_eq!(
            codes(&after.diagnostics),
            codes(&before.diagnostics),
            "{}",
            file.local
        );
        for (path, (old, new)) in &outcome.changed {
            assert_ne!(old, new);
            fixed_files.push(format!("{}", path.display()));
        }
    }
    println!("files fixed: {fixed_files:#?}");
}

/// SYN/SCH codes per file and error codes per service: what a fix may never add.
fn guarded(ds: &[composefix::diagnostic::Diagnostic]) -> Vec<String> {
    use composefix::diagnostic::Severity;
    let mut out: Vec<String> = ds
        .iter()
        .filter_map(|d| {
            let code = d.rule.code;
            let file = d.location.as_ref().map(|l| l.file.name().to_string());
            if code.starts_with("SYN") || code.starts_with("SCH") {
                Some(format!("{code} {file:?}"))
            } else if d.severity == Severity::Error {
                Some(format!("{code} {file:?} {:?}", d.service))
            } else {
                None
            }
        })
        .collect();
    out.sort();
    out
}

/// What `after` has more of than `before`.
fn added(before: &[String], after: &[String]) -> Vec<String> {
    let mut left = before.to_vec();
    after
        .iter()
        .filter(|k| match left.iter().position(|b| b == *k) {
            Some(i) => {
                left.remove(i);
                false
            }
            None => true,
        })
        .cloned()
        .collect()
}

/// `--write --unsafe-fixes` on every corpus file, in memory: the fixed texts gain no SYN or
/// SCH finding and no error, the fix loop reports no internal error, and fixing again changes
/// nothing. Bounded in time: files not reached in 10 minutes are counted, not checked.
#[test]
fn unsafe_fixes_on_the_corpus_add_no_syntax_schema_or_error_and_converge() {
    use composefix::engine::{self, CheckOptions};
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if !dir.join("MANIFEST.tsv").is_file() {
        println!("skipped: the shared corpus is absent ({})", dir.display());
        return;
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(600);
    let files = common::corpus_files(&dir);
    let (mut checked, mut fixed, mut withheld) = (0, 0, 0);
    let mut problems = Vec::new();
    for file in &files {
        if std::time::Instant::now() > deadline {
            break;
        }
        checked += 1;
        let opts = CheckOptions {
            files: vec![file.path.clone()],
            load: LoadOptions {
                env_files: file.env.iter().cloned().collect(),
                ..Default::default()
            },
            ..CheckOptions::default()
        };
        let before = engine::check(&opts).expect("check runs");
        let (outcome, after) = engine::fix(&opts, true).expect("fix runs");
        withheld += outcome.withheld.len();
        if !outcome.failures.is_empty() {
            problems.push(format!("{}: {:?}", file.local, outcome.failures));
            continue;
        }
        if outcome.changed.is_empty() {
            continue;
        }
        fixed += 1;
        let new = added(&guarded(&before.diagnostics), &guarded(&after.diagnostics));
        if !new.is_empty() {
            problems.push(format!("{}: fixes add {new:?}", file.local));
        }
        let mut again = opts.clone();
        again.load.overlay = outcome
            .changed
            .iter()
            .map(|(p, (_, new))| (p.clone(), new.clone()))
            .collect();
        let (second, _) = engine::fix(&again, true).expect("fix runs");
        if !second.changed.is_empty() {
            problems.push(format!("{}: a second pass changes it", file.local));
        }
    }
    println!(
        "{checked} of {} files checked, {fixed} fixed, {withheld} fixes withheld",
        files.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
