//! Message snapshots: for every rule, the human report of the compiled binary on that rule's
//! first firing fixture (exit code first), so that any change of wording, span, help or fix
//! title shows up as a reviewed diff of `tests/snapshots/human__<CODE>.snap`. Goes through the
//! binary only (rule list included), never through the library, so it survives refactors.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Rules with no firing fixture in `testdata/<name>/`, so no snapshot: `(code, why)`. A rule
/// missing from this list must have a snapshot; a rule in it must really have no firing case.
const NO_SNAPSHOT: [(&str, &str); 0] = [];

/// Runs the binary from the crate root with plain, environment-independent output.
fn composefix(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_composefix"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_clear()
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("composefix runs")
}

/// `(code, name)` of every rule, from `composefix rules --format json`.
fn rules() -> Vec<(String, String)> {
    let out = composefix(&["rules", "--format", "json"]);
    assert!(
        out.status.success(),
        "`rules --format json` failed: {out:?}"
    );
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("rules JSON");
    let rules: Vec<(String, String)> = list
        .as_array()
        .expect("a JSON array of rules")
        .iter()
        .map(|r| {
            let field = |k: &str| r[k].as_str().expect("rule code and name").to_string();
            (field("code"), field("name"))
        })
        .collect();
    assert!(!rules.is_empty(), "no rules listed");
    rules
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    entries
}

/// The cases of one rule's folder, as tests/fixtures.rs sees them: YAML files and project
/// folders, sorted.
fn cases(group: &Path) -> Vec<PathBuf> {
    sorted_entries(group)
        .into_iter()
        .filter(|c| c.is_dir() || c.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect()
}

/// The files whose markers count for a case: the file itself, or every YAML and `.env` file
/// inside a project folder.
fn marked_files(case: &Path) -> Vec<PathBuf> {
    if !case.is_dir() {
        return vec![case.to_path_buf()];
    }
    let mut out = Vec::new();
    for entry in sorted_entries(case) {
        if entry.is_dir() {
            out.extend(marked_files(&entry));
            continue;
        }
        let name = entry.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".env") {
            out.push(entry);
        }
    }
    out
}

/// The codes named by the markers (`# error: [CODE]`, `warning`, `info`) of a case.
fn marked_codes(case: &Path) -> BTreeSet<String> {
    let mut codes = BTreeSet::new();
    for file in marked_files(case) {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for line in text.lines() {
            for severity in ["error", "warning", "info"] {
                let tag = format!("# {severity}: [");
                let Some(at) = line.find(&tag) else { continue };
                let rest = &line[at + tag.len()..];
                let Some(end) = rest.find(']') else { continue };
                codes.extend(rest[..end].split(',').map(|c| c.trim().to_string()));
            }
        }
    }
    codes
}

/// The first case (sorted) of `testdata/<name>/` whose markers name `code`, relative to the
/// crate root.
fn firing_case(code: &str, name: &str) -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let group = root.join("testdata").join(name);
    if !group.is_dir() {
        return None;
    }
    cases(&group)
        .into_iter()
        .find(|case| marked_codes(case).contains(code))
        .map(|case| case.strip_prefix(root).unwrap().to_path_buf())
}

/// The snapshotted text: the exit code, the command, stdout, then stderr when not empty.
fn human_report(case: &Path, is_dir: bool) -> (String, String) {
    let path = case
        .to_str()
        .expect("UTF-8 fixture path")
        .replace('\\', "/");
    let mut args = vec!["check"];
    if !is_dir {
        args.push("-f");
    }
    args.extend([path.as_str(), "--format", "human"]);
    let out = composefix(&args);
    let exit = out
        .status
        .code()
        .map_or_else(|| "signal".to_string(), |c| c.to_string());
    let mut text = format!("exit: {exit}\n{}", String::from_utf8_lossy(&out.stdout));
    if !out.stderr.is_empty() {
        text.push_str("--- stderr\n");
        text.push_str(&String::from_utf8_lossy(&out.stderr));
    }
    (format!("composefix {}", args.join(" ")), text)
}

#[test]
fn human_output_of_each_rule() {
    let rules = rules();
    let known: BTreeSet<&str> = rules.iter().map(|(c, _)| c.as_str()).collect();
    for (code, _) in NO_SNAPSHOT {
        assert!(
            known.contains(code),
            "NO_SNAPSHOT lists {code}, which is not a rule"
        );
    }
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    let mut failures = Vec::new();
    let mut snapshots = 0;
    for (code, name) in &rules {
        let excused = NO_SNAPSHOT.iter().any(|(c, _)| c == code);
        let Some(case) = firing_case(code, name) else {
            if !excused {
                failures.push(format!(
                    "{code}: no case in testdata/{name}/ has a marker for it, so no snapshot; \
                     add a firing fixture or list it in NO_SNAPSHOT with the reason"
                ));
            }
            continue;
        };
        if excused {
            failures.push(format!(
                "{code} is in NO_SNAPSHOT but {} fires it: remove it from the list",
                case.display()
            ));
            continue;
        }
        let is_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(&case).is_dir();
        let (command, text) = human_report(&case, is_dir);
        if !text.contains(&format!("{code} {name}\n")) {
            failures.push(format!("{code}: `{command}` does not report it:\n{text}"));
        }
        settings.set_description(command);
        snapshots += 1;
        // Every rule is compared (and, when updating, written) before the test fails.
        let matched = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            settings.bind(|| insta::assert_snapshot!(format!("human__{code}"), text));
        }));
        if matched.is_err() {
            failures.push(format!(
                "{code}: snapshot human__{code} is missing or differs (see above)"
            ));
        }
    }
    assert!(snapshots > 0, "no snapshot taken");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every committed `human__*.snap` belongs to a rule that is snapshotted: none is left over
/// from a renamed or removed rule.
#[test]
fn no_stale_snapshots() {
    let rules = rules();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    let mut stale = Vec::new();
    for entry in entries {
        let file = entry.unwrap().file_name().to_string_lossy().into_owned();
        let Some(code) = file
            .strip_prefix("human__")
            .and_then(|f| f.strip_suffix(".snap"))
        else {
            continue;
        };
        let snapshotted =
            rules.iter().any(|(c, _)| c == code) && !NO_SNAPSHOT.iter().any(|(c, _)| *c == code);
        if !snapshotted {
            stale.push(file);
        }
    }
    assert!(
        stale.is_empty(),
        "stale snapshot files in tests/snapshots/: {stale:?}"
    );
}
