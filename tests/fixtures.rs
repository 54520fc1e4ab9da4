//! The fixture glob: every file under `testdata/<rule-name>/` is checked and its findings must
//! be exactly its markers (`# error: [CODE]`); a folder is one project (with its `.env`,
//! overrides, includes) and markers count in every file inside it. `testdata/ok/` must be clean.

mod common;

use composefix::engine::{self, CheckOptions};

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Folders that hold loader scenarios or examples checked by other tests.
const NOT_FIXTURES: [&str; 2] = ["loader", "examples"];

fn fixture_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in walk(dir) {
        let name = entry.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".yaml")
            || name.ends_with(".yml")
            || name == ".env"
            || name.ends_with(".env")
        {
            out.push(entry);
        }
    }
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// How a case is checked: a folder is a project, a file is `-f file`.
fn options(case: &Path) -> CheckOptions {
    if case.is_dir() {
        CheckOptions {
            paths: vec![case.to_path_buf()],
            ..CheckOptions::default()
        }
    } else {
        CheckOptions {
            files: vec![case.to_path_buf()],
            ..CheckOptions::default()
        }
    }
}

/// The cases of one rule's folder: YAML files and project folders, sorted.
fn cases(group: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(group)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|case| case.is_dir() || case.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    entries.sort();
    entries
}

fn check_case(case: &Path) -> Result<(), String> {
    let (diagnostics, files) = if case.is_dir() {
        (common::check_dir(case), fixture_files(case))
    } else {
        (
            common::check_files(&[case.to_path_buf()]),
            vec![case.to_path_buf()],
        )
    };
    let mut expected = BTreeSet::new();
    let mut found = BTreeSet::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let rel = file
            .strip_prefix(case.parent().unwrap())
            .unwrap()
            .display()
            .to_string();
        for (line, sev, code) in common::markers(&text) {
            expected.insert((rel.clone(), line, sev, code));
        }
        let suffix = file.display().to_string();
        for (line, sev, code) in common::found(&diagnostics, &suffix) {
            found.insert((rel.clone(), line, sev, code));
        }
    }
    let outside: Vec<_> = diagnostics
        .iter()
        .filter(|d| {
            d.location
                .as_ref()
                .is_none_or(|l| !files.iter().any(|f| l.file.path() == f))
        })
        .map(|d| format!("{} {}", d.rule.code, d.message))
        .collect();
    // Fixes: each file's text after `--write --unsafe-fixes` is `<file>.fixed` beside it, or
    // unchanged when there is no such file; a second run changes nothing.
    let fixed = common::fixed_texts(&options(case));
    for file in &files {
        let expected_path = PathBuf::from(format!("{}.fixed", file.display()));
        let want = std::fs::read_to_string(&expected_path).ok();
        let got = fixed.get(file).cloned();
        if want != got {
            return Err(format!(
                "{}: fixed text differs from {}:\n--- expected\n{}\n--- got\n{}",
                file.display(),
                expected_path.display(),
                want.unwrap_or_else(|| "(unchanged)".into()),
                got.unwrap_or_else(|| "(unchanged)".into())
            ));
        }
    }
    if expected != found || !outside.is_empty() {
        return Err(format!(
            "{}:\n  expected {expected:?}\n  found    {found:?}\n  unplaced {outside:?}",
            case.display()
        ));
    }
    Ok(())
}

#[test]
fn fixtures_match_their_markers() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let mut failures = Vec::new();
    let mut count = 0;
    for group in std::fs::read_dir(&root).unwrap() {
        let group = group.unwrap().path();
        let name = group.file_name().unwrap().to_string_lossy().into_owned();
        if !group.is_dir() || NOT_FIXTURES.contains(&name.as_str()) {
            continue;
        }
        for case in cases(&group) {
            count += 1;
            if let Err(e) = check_case(&case) {
                failures.push(e);
            }
        }
    }
    assert!(count > 0, "no fixtures found");
    assert!(
        failures.is_empty(),
        "{} of {count} fixtures differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_rule_has_firing_fixtures_and_clean_ones_exist() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    for rule in composefix::rules::registry() {
        let dir = root.join(rule.name);
        let has_case = dir.is_dir() && std::fs::read_dir(&dir).unwrap().next().is_some();
        assert!(
            has_case,
            "{} has no fixtures in testdata/{}/",
            rule.code, rule.name
        );
    }
    assert!(
        std::fs::read_dir(root.join("ok")).unwrap().next().is_some(),
        "testdata/ok/ is empty"
    );
}

/// `--write` (safe fixes only) on every fixture: no finding with a safe fix is left, and
/// re-checking finds no rule that did not fire before.
#[test]
fn safe_fixes_remove_their_findings_and_add_none() {
    use composefix::diagnostic::Applicability;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let mut failures = Vec::new();
    for group in std::fs::read_dir(&root).unwrap() {
        let group = group.unwrap().path();
        let name = group.file_name().unwrap().to_string_lossy().into_owned();
        if !group.is_dir() || NOT_FIXTURES.contains(&name.as_str()) {
            continue;
        }
        for case in cases(&group) {
            let opts = options(&case);
            let before = composefix::engine::check(&opts).expect("check runs");
            let (outcome, after) = engine::fix(&opts, false).expect("fix runs");
            if outcome.changed.is_empty() {
                continue;
            }
            let codes_before: BTreeSet<&str> =
                before.diagnostics.iter().map(|d| d.rule.code).collect();
            for d in &after.diagnostics {
                let safe_fix_left = d
                    .fix
                    .as_ref()
                    .is_some_and(|f| f.applicability == Applicability::Safe);
                if !codes_before.contains(d.rule.code) || safe_fix_left {
                    failures.push(format!(
                        "{}: after --write, {} {}",
                        case.display(),
                        d.rule.code,
                        d.message
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Findings the catalog gives no fix, by design, with the reason (RULES.md names them `none`).
const NO_FIX_BY_DESIGN: [(&str, &str, &str); 4] = [
    (
        "env-prefix-or-key-mistake/wurstmeister-escapes.yaml",
        "KAF014",
        "no environment variable can set a property name holding `-` or `_` on wurstmeister",
    ),
    (
        "advertised-address-unusable/bitnami-ephemeral-host-port.yaml",
        "KAF002",
        "a listener for the host cannot advertise a host port Docker picks at start-up",
    ),
    (
        "inter-broker-listener-not-advertised/unpublished-broker-without-internal-listener.yaml",
        "KAF007",
        "the dual-listener layout would publish a host port the broker never had",
    ),
    (
        "published-listener-not-host-resolvable/ephemeral-host-port.yaml",
        "KAF004",
        "a listener for the host cannot advertise a host port Docker picks at start-up",
    ),
];

/// `--write --unsafe-fixes` on every firing fixture of a Kafka rule (KAF, CMP) leaves no Kafka
/// finding, except those the catalog leaves without a fix ([`NO_FIX_BY_DESIGN`]).
#[test]
fn unsafe_fixes_leave_no_kafka_finding() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let mut failures = Vec::new();
    let mut fired = 0;
    for rule in composefix::rules::registry() {
        if !(rule.code.starts_with("KAF") || rule.code.starts_with("CMP")) {
            continue;
        }
        for case in cases(&root.join(rule.name)) {
            let name = case.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with("ok-") {
                continue;
            }
            fired += 1;
            let rel = format!("{}/{name}", rule.name);
            let (_, after) = engine::fix(&options(&case), true).expect("fix runs");
            for d in &after.diagnostics {
                let excused = NO_FIX_BY_DESIGN
                    .iter()
                    .any(|(c, code, _)| *c == rel && *code == d.rule.code);
                if (d.rule.code.starts_with("KAF") || d.rule.code.starts_with("CMP")) && !excused {
                    failures.push(format!("{rel}: {} {}", d.rule.code, d.message));
                }
            }
        }
    }
    assert!(fired > 0, "no firing Kafka fixtures found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The bundled examples: `kafka` (the README's) reports rule findings and schema errors;
/// `clean` (the benchmarks' typical valid file) reports nothing.
#[test]
fn bundled_examples() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/examples");
    let kafka: BTreeSet<&str> = common::check_dir(&examples.join("kafka"))
        .iter()
        .map(|d| d.rule.code)
        .collect();
    for code in ["KAF001", "KAF003", "SCH001", "SCH002"] {
        assert!(
            kafka.contains(code),
            "the kafka example lost {code}: {kafka:?}"
        );
    }
    let clean = common::check_dir(&examples.join("clean"));
    assert!(
        clean.is_empty(),
        "the clean example has findings: {clean:#?}"
    );
}
