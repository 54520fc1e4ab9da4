//! Inline suppression comments: every form, an item of a list, an override file, file-wide,
//! unused ones (SUP001) and their fixes, and that a suppressed finding is neither fixed nor
//! failing.

use composefix::config::Overrides;
use composefix::diagnostic::Diagnostic;
use composefix::engine::{self, CheckOptions};
use composefix::rules::Layer;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Two services publishing the same host ports: PRT001 on each port of `api` (lines 10, 11).
const CONFLICT: &str = "\
services:
  web:
    image: nginx:1.27
    ports:
      - \"8080:80\"
      - \"9090:90\"
  api:
    image: nginx:1.27
    ports:
      - \"8080:80\"
      - \"9090:90\"
";

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn check(dir: &Path, select: &[&str]) -> Vec<Diagnostic> {
    let opts = CheckOptions {
        paths: vec![dir.to_path_buf()],
        overrides: Overrides {
            layer: Layer {
                select: (!select.is_empty())
                    .then(|| select.iter().map(|s| s.to_string()).collect()),
                ..Layer::default()
            },
            ..Overrides::default()
        },
        ..CheckOptions::default()
    };
    engine::check(&opts).unwrap().diagnostics
}

/// `(line, code, suppressed)` of every finding.
fn lines(diagnostics: &[Diagnostic]) -> Vec<(usize, &'static str, bool)> {
    diagnostics
        .iter()
        .map(|d| {
            let l = d.location.as_ref().unwrap();
            (
                l.file.line_col(l.span.start).line,
                d.rule.code,
                d.suppression.is_some(),
            )
        })
        .collect()
}

fn with_line(text: &str, line: usize, suffix: &str) -> String {
    text.lines()
        .enumerate()
        .map(|(i, l)| {
            if i + 1 == line {
                format!("{l}{suffix}\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect()
}

#[test]
fn unsuppressed_conflict_fires_on_the_second_service() {
    let dir = project(&[("compose.yaml", CONFLICT)]);
    let found = lines(&check(dir.path(), &[]));
    assert!(found.contains(&(10, "PRT001", false)), "{found:?}");
}

#[test]
fn a_trailing_comment_silences_only_its_line() {
    let text = with_line(
        CONFLICT,
        10,
        "  # composefix: ignore[PRT001] web moves to 8081 next week",
    );
    let dir = project(&[("compose.yaml", &text)]);
    let d = check(dir.path(), &[]);
    let found = lines(&d);
    assert!(found.contains(&(10, "PRT001", true)), "{found:?}");
    assert!(!found.iter().any(|f| f.1 == "SUP001"), "{found:?}");
    let s = d.iter().find(|d| d.suppression.is_some()).unwrap();
    assert_eq!(
        s.suppression.as_ref().unwrap().reason.as_deref(),
        Some("web moves to 8081 next week")
    );
    // The other port of the list is still reported.
    let other: Vec<_> = found.iter().filter(|f| f.0 == 11).collect();
    assert!(other.iter().all(|f| !f.2), "{found:?}");
}

#[test]
fn a_comment_alone_above_silences_the_next_line_by_code_or_name() {
    for selector in ["PRT001", "host-port-conflict", "prt001"] {
        let text = CONFLICT.replace("    ports:\n      - \"8080:80\"\n      - \"9090:90\"\n", "")
            + &format!(
                "    ports:\n      # composefix: ignore[{selector}]\n      # another comment\n      - \"8080:80\"\n"
            );
        let text = text.replacen(
            "    image: nginx:1.27\n",
            "    image: nginx:1.27\n    ports: [\"8080:80\"]\n",
            1,
        );
        let dir = project(&[("compose.yaml", &text)]);
        let found = lines(&check(dir.path(), &[]));
        let prt: Vec<_> = found.iter().filter(|f| f.1 == "PRT001").collect();
        assert!(
            !prt.is_empty() && prt.iter().all(|f| f.2),
            "{selector}: {found:?}\n{text}"
        );
        assert!(
            !found.iter().any(|f| f.1 == "SUP001"),
            "{selector}: {found:?}"
        );
    }
}

#[test]
fn ignore_file_silences_the_whole_file() {
    let text = format!("# composefix: ignore-file[PRT001] a demo of conflicts\n{CONFLICT}");
    let dir = project(&[("compose.yaml", &text)]);
    let found = lines(&check(dir.path(), &[]));
    assert!(
        found.iter().filter(|f| f.1 == "PRT001").all(|f| f.2),
        "{found:?}"
    );
    assert!(found.iter().any(|f| f.1 == "PRT001"));
    assert!(!found.iter().any(|f| f.1 == "SUP001"), "{found:?}");
}

#[test]
fn a_suppression_in_an_override_file_silences_the_finding_there() {
    let base = "services:\n  web:\n    image: nginx:1.27\n    ports: [\"8080:80\"]\n  api:\n    image: nginx:1.27\n";
    let over = "services:\n  api:\n    ports:\n      - \"8080:80\"  # composefix: ignore[PRT001]\n";
    let dir = project(&[("compose.yaml", base), ("compose.override.yaml", over)]);
    let d = check(dir.path(), &[]);
    let prt: Vec<_> = d.iter().filter(|d| d.rule.code == "PRT001").collect();
    assert!(!prt.is_empty(), "{d:?}");
    for p in prt {
        let l = p.location.as_ref().unwrap();
        assert!(l.file.name().ends_with("compose.override.yaml"));
        assert!(p.suppression.is_some());
    }
    assert!(!d.iter().any(|d| d.rule.code == "SUP001"));
}

#[test]
fn unused_unknown_and_malformed_comments_are_sup001_with_fixes() {
    let text = "\
services:
  web:
    image: nginx:1.27  # composefix: ignore[PRT001] stale
    # composefix: ignore[NET001]
    ports: [\"8080:80\"]
    hostname: web  # composefix: ignore[NOPE999]
    restart: always  # composefix: ignore KAF001
";
    let dir = project(&[("compose.yaml", text)]);
    let d = check(dir.path(), &[]);
    let sup: Vec<_> = d.iter().filter(|d| d.rule.code == "SUP001").collect();
    let found: Vec<_> = lines(&d).into_iter().filter(|f| f.1 == "SUP001").collect();
    assert_eq!(
        found,
        [
            (3, "SUP001", false),
            (4, "SUP001", false),
            (6, "SUP001", false),
            (7, "SUP001", false)
        ]
    );
    assert!(
        sup[0]
            .message
            .contains("no PRT001 finding starts on line 3"),
        "{}",
        sup[0].message
    );
    assert!(
        sup[1]
            .message
            .contains("no NET001 finding starts on line 5"),
        "{}",
        sup[1].message
    );
    assert!(
        sup[2].message.contains("`NOPE999` names no rule"),
        "{}",
        sup[2].message
    );
    assert!(
        sup[3].message.contains("not understood"),
        "{}",
        sup[3].message
    );

    let (outcome, _) = engine::fix(
        &CheckOptions {
            paths: vec![dir.path().to_path_buf()],
            ..CheckOptions::default()
        },
        false,
    )
    .unwrap();
    let (_, fixed) = outcome.changed.values().next().expect("the file is fixed");
    assert_eq!(
        fixed,
        "services:\n  web:\n    image: nginx:1.27\n    ports: [\"8080:80\"]\n    hostname: web\n    restart: always\n"
    );
}

#[test]
fn only_the_unused_codes_of_a_comment_are_removed() {
    let text = with_line(CONFLICT, 10, "  # composefix: ignore[NET001, PRT001] why");
    let dir = project(&[("compose.yaml", &text)]);
    let d = check(dir.path(), &[]);
    let sup: Vec<_> = d.iter().filter(|d| d.rule.code == "SUP001").collect();
    assert_eq!(sup.len(), 1, "{d:?}");
    assert!(sup[0].message.contains("no NET001 finding"));
    let (outcome, _) = engine::fix(
        &CheckOptions {
            paths: vec![dir.path().to_path_buf()],
            ..CheckOptions::default()
        },
        false,
    )
    .unwrap();
    let (_, fixed) = outcome.changed.values().next().unwrap();
    assert_eq!(
        *fixed,
        with_line(CONFLICT, 10, "  # composefix: ignore[PRT001] why")
    );
}

#[test]
fn codes_of_rules_that_do_not_run_are_not_called_unused() {
    let text = with_line(CONFLICT, 3, "  # composefix: ignore[KAF001]");
    let dir = project(&[("compose.yaml", &text)]);
    assert!(
        check(dir.path(), &["PRT", "SUP"])
            .iter()
            .all(|d| d.rule.code != "SUP001")
    );
    assert!(
        check(dir.path(), &[])
            .iter()
            .any(|d| d.rule.code == "SUP001")
    );
}

/// A suppressed finding keeps its fix out of `--write`, does not fail the run, and is marked
/// in JSON.
#[test]
fn a_suppressed_finding_is_not_fixed_not_failing_and_marked_in_json() {
    let text = "services:\n  app:\n    image: myapp:1.0\n    environment:\n      API: http://docker.for.mac.localhost:8080  # composefix: ignore[MAC002] old Desktop in CI\n";
    let dir = project(&[("compose.yaml", text)]);
    let path: PathBuf = dir.path().join("compose.yaml");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_composefix"))
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let check = run(&["compose.yaml"]);
    assert_eq!(check.status.code(), Some(0), "{check:?}");
    let write = run(&["--write", "compose.yaml"]);
    assert_eq!(write.status.code(), Some(0), "{write:?}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    let json = run(&["--format", "json", "compose.yaml"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let d = &v["diagnostics"].as_array().unwrap()[0];
    assert_eq!(d["code"], "MAC002");
    assert_eq!(d["suppressed"], true);

    let unsuppressed = text.replace("  # composefix: ignore[MAC002] old Desktop in CI", "");
    std::fs::write(&path, &unsuppressed).unwrap();
    assert_eq!(run(&["compose.yaml"]).status.code(), Some(1));
}
