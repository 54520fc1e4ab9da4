//! `composefix.toml`: discovery (nearest file wins, never above the repository root),
//! precedence (command line over file), every key, and every error pointing at its TOML.

use std::path::Path;
use std::process::{Command, Output};

/// PRT001 (error) on line 10 and MAC003-free: two services publishing host port 8080.
const CONFLICT: &str = "\
services:
  web:
    image: nginx:1.27
    ports:
      - \"8080:80\"
  api:
    image: nginx:1.27
    ports:
      - \"8080:80\"
";

/// Legacy Desktop name: MAC002 (warning, safe fix).
const LEGACY: &str = "services:\n  app:\n    image: myapp:1.0\n    environment:\n      API: http://docker.for.mac.localhost:8080\n";

fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_composefix"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .unwrap()
}

/// The codes reported, in order, from concise output.
fn codes(out: &Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split(": ").nth(1)?.split(' ').next().map(str::to_string))
        .collect()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn the_nearest_file_wins_and_the_search_stops_at_the_repository_root() {
    let dir = tree(&[
        ("composefix.toml", "ignore = [\"MAC002\"]\n"),
        ("a/compose.yaml", LEGACY),
        ("b/.composefix.toml", "ignore = [\"PRT001\"]\n"),
        (
            "b/compose.yaml",
            &format!(
                "{CONFLICT}  legacy:\n    image: x:1\n    environment:\n      API: http://docker.for.mac.localhost:8080\n"
            ),
        ),
    ]);
    // a/ takes the root file: MAC002 ignored.
    let out = run(dir.path(), &["a", "--format", "concise"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    // b/ takes its own file, which does not ignore MAC002: the nearest wins, no merging.
    let out = run(dir.path(), &["b", "--format", "concise"]);
    assert_eq!(codes(&out), ["MAC002"], "{out:?}");
    // A file above the repository root is not read.
    let outer = tempfile::tempdir().unwrap();
    std::fs::write(
        outer.path().join("composefix.toml"),
        "ignore = [\"MAC002\"]\n",
    )
    .unwrap();
    let repo = outer.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::write(repo.join("compose.yaml"), LEGACY).unwrap();
    assert_eq!(codes(&run(&repo, &["--format", "concise"])), ["MAC002"]);
}

#[test]
fn the_command_line_wins_over_the_file() {
    let dir = tree(&[
        (
            "composefix.toml",
            "select = [\"MAC\"]\ntarget = [\"linux\"]\nfail-level = \"error\"\n",
        ),
        (
            "compose.yaml",
            &format!(
                "{CONFLICT}  legacy:\n    image: x:1\n    environment:\n      API: http://docker.for.mac.localhost:8080\n"
            ),
        ),
    ]);
    // The file: only MAC rules, for Linux, failing on errors only; MAC002 is a warning.
    let out = run(dir.path(), &["--format", "concise"]);
    assert_eq!(codes(&out), ["MAC002"], "{out:?}");
    assert_eq!(
        out.status.code(),
        Some(0),
        "a warning under fail-level error"
    );
    // --select replaces the file's select; --fail-level replaces its fail level.
    let out = run(dir.path(), &["--format", "concise", "--select", "PRT"]);
    assert_eq!(codes(&out), ["PRT001"]);
    assert_eq!(out.status.code(), Some(1));
    let out = run(
        dir.path(),
        &["--format", "concise", "--fail-level", "warning"],
    );
    assert_eq!(out.status.code(), Some(1));
    // --extend-select adds to it; --ignore removes.
    let out = run(
        dir.path(),
        &["--format", "concise", "--extend-select", "PRT001"],
    );
    assert_eq!(codes(&out), ["PRT001", "MAC002"]);
    let out = run(
        dir.path(),
        &["--format", "concise", "--ignore", "desktop-legacy-dns-name"],
    );
    assert!(codes(&out).is_empty());
    // --isolated reads no file; --config reads the named one.
    let out = run(dir.path(), &["--format", "concise", "--isolated"]);
    assert_eq!(codes(&out), ["PRT001", "MAC002"]);
    std::fs::write(dir.path().join("other.toml"), "ignore = [\"MAC002\"]\n").unwrap();
    let out = run(
        dir.path(),
        &["--format", "concise", "--config", "other.toml"],
    );
    assert_eq!(codes(&out), ["PRT001"]);
    // --exit-zero.
    let out = run(dir.path(), &["--isolated", "--exit-zero"]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn per_file_ignores_severity_fail_level_and_exclude() {
    let dir = tree(&[
        (
            "composefix.toml",
            "fail-level = \"info\"\nexclude = [\"vendor\"]\n\n[per-file-ignores]\n\"demo/**\" = [\"host-port-conflict\"]\n\n[rules.MAC002]\nseverity = \"info\"\n",
        ),
        ("demo/compose.yaml", CONFLICT),
        ("app/compose.yaml", LEGACY),
        ("vendor/x/compose.yaml", CONFLICT),
    ]);
    let out = run(dir.path(), &["--format", "json", "."]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<(String, String)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // demo/ has its PRT001 ignored, vendor/ is not searched, MAC002 became info, and info
    // fails under fail-level info.
    assert_eq!(
        found,
        [("MAC002".to_string(), "info".to_string())],
        "{out:?}"
    );
    assert_eq!(v["summary"]["projects"], 2);
    assert_eq!(out.status.code(), Some(1));
    // A file named on the command line is checked even when excluded.
    let out = run(
        dir.path(),
        &["--format", "concise", "vendor/x/compose.yaml"],
    );
    assert_eq!(codes(&out), ["PRT001"]);
    // --exclude on the command line, relative to the current directory.
    let out = run(
        dir.path(),
        &["--format", "concise", "--exclude", "app", "."],
    );
    assert!(codes(&out).is_empty(), "{out:?}");
}

/// Each invalid file: exit 2, the message, the place `file:line:col` and the snippet line,
/// and the help.
#[test]
fn every_error_points_at_its_key_in_the_toml() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "selct = [\"KAF\"]\n",
            "unknown key `selct`",
            "1 │ selct",
            "did you mean `select`?",
        ),
        (
            "select = [\"KAF999\"]\n",
            "`KAF999` is not a rule code",
            "1 │ select",
            "did you mean `KAF009`",
        ),
        (
            "ignore = [\"zookeeper-connect-lopback\"]\n",
            "is not a rule code",
            "1 │ ignore",
            "did you mean `KAF001` (zookeeper-connect-loopback)?",
        ),
        (
            "target = [\"macos\"]\n",
            "`macos` is not a platform",
            "1 │ target",
            "`mac`, `windows` and `linux`",
        ),
        (
            "fail-level = \"warn\"\n",
            "`warn` is not a severity",
            "1 │ fail-level",
            "did you mean `warning`?",
        ),
        (
            "select = 3\n",
            "expected a string, found integer",
            "1 │ select",
            "",
        ),
        (
            "[rules.NOPE001]\nseverity = \"info\"\n",
            "`NOPE001` is not a rule code or name",
            "1 │ [rules.NOPE001]",
            "",
        ),
        (
            "[rules.PRT001]\nseverty = \"info\"\n",
            "unknown key `severty` for rule PRT001",
            "2 │ severty",
            "did you mean `severity`?",
        ),
        (
            "[per-file-ignores]\n\"a/[\" = [\"PRT001\"]\n",
            "invalid glob",
            "2 │ \"a/[\"",
            "",
        ),
        ("select = [\"KAF\"\n", "invalid TOML", "composefix.toml", ""),
    ];
    for (toml, message, snippet, help) in cases {
        let dir = tree(&[("composefix.toml", toml), ("compose.yaml", LEGACY)]);
        let out = run(dir.path(), &[]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{toml}: {err}");
        assert!(err.contains(message), "{toml}: {err}");
        assert!(err.contains(snippet), "{toml}: {err}");
        assert!(err.contains(help), "{toml}: {err}");
        assert!(out.stdout.is_empty(), "{toml}: nothing is reported");
    }
}

#[test]
fn a_configuration_never_lets_a_fix_of_an_ignored_rule_through() {
    let dir = tree(&[
        ("composefix.toml", "ignore = [\"MAC002\"]\n"),
        ("compose.yaml", LEGACY),
    ]);
    let out = run(dir.path(), &["--write"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("compose.yaml")).unwrap(),
        LEGACY
    );
}
