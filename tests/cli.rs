//! The command line as users and CI see it: exit codes, JSON contract, stdin, rule listing,
//! `config`, and plain output when not on a terminal.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn composefix(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_composefix"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("runs")
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

/// The project name Compose gives a directory: its name, lower case, only `a-z0-9_-`, no
/// leading `_` or `-`.
fn project_name(dir: &Path) -> String {
    let dir = std::fs::canonicalize(dir).unwrap();
    let name: String = dir
        .file_name()
        .unwrap()
        .to_string_lossy()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    name.trim_start_matches(['_', '-']).to_string()
}

const DUPLICATE: &str = "services:\n  web:\n    image: nginx:1.27\n    image: httpd:2.4\n";

#[test]
fn exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  web:\n    image: nginx:1.27\n",
    );
    let clean = composefix(&[], dir.path());
    assert_eq!(clean.status.code(), Some(0), "{clean:?}");
    assert!(clean.stdout.is_empty(), "quiet when clean");

    write(dir.path(), "bad.yaml", DUPLICATE);
    assert_eq!(composefix(&["bad.yaml"], dir.path()).status.code(), Some(1));
    assert_eq!(
        composefix(&["check", "bad.yaml"], dir.path()).status.code(),
        Some(1)
    );
    assert_eq!(
        composefix(&["bad.yaml", "--ignore", "SYN002"], dir.path())
            .status
            .code(),
        Some(0)
    );

    let missing = composefix(&["nope.yaml"], dir.path());
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("nope.yaml"));
    assert_eq!(
        composefix(&["--select", "XYZ999"], dir.path())
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        composefix(&["--format", "nope"], dir.path()).status.code(),
        Some(2)
    );

    let empty = tempfile::tempdir().unwrap();
    let none = composefix(&[], empty.path());
    assert_eq!(none.status.code(), Some(2), "no project found");
}

#[test]
fn json_output_matches_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  kafka:\n    image: apache/kafka:3.8.0\n    image: x:1\n",
    );
    let out = composefix(&["--format", "json"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    // Field order is part of the contract: read it from the pretty-printed text.
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    let keys_at = |indent: usize| -> Vec<String> {
        let prefix = format!("{}\"", " ".repeat(indent));
        text.lines()
            .take_while(|l| indent == 2 || !l.starts_with("    }"))
            .filter_map(|l| l.strip_prefix(&prefix))
            .filter(|l| !l.starts_with(' '))
            .filter_map(|l| l.split_once("\":").map(|(k, _)| k.to_string()))
            .collect()
    };
    assert_eq!(keys_at(2), ["version", "diagnostics", "summary"]);
    assert_eq!(doc["version"], 1);
    let d = &doc["diagnostics"][0];
    assert_eq!(
        keys_at(6),
        [
            "code",
            "name",
            "severity",
            "platforms",
            "message",
            "help",
            "file",
            "service",
            "span",
            "fix",
            "suppressed"
        ]
    );
    assert_eq!(d["code"], "SYN002");
    assert_eq!(d["name"], "duplicate-key");
    assert_eq!(d["severity"], "error");
    assert_eq!(
        d["platforms"],
        serde_json::json!(["mac", "windows", "linux"])
    );
    assert_eq!(d["message"], "duplicate key `image`");
    assert!(d["help"].is_string());
    assert_eq!(d["file"], "compose.yaml");
    assert!(d["service"].is_null() || d["service"].is_string());
    assert_eq!(
        d["span"]["start"],
        serde_json::json!({"line": 4, "column": 5, "offset": 53})
    );
    assert_eq!(
        d["span"]["end"],
        serde_json::json!({"line": 4, "column": 10, "offset": 58})
    );
    assert!(d["fix"].is_null());
    assert_eq!(d["suppressed"], false);
    assert_eq!(
        doc["summary"],
        serde_json::json!({"files": 1, "projects": 1, "errors": 1, "warnings": 0, "infos": 0, "fixable": 0})
    );
}

#[test]
fn stdin_with_a_file_name() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_composefix"))
        .args([
            "-",
            "--stdin-filename",
            "stack/compose.yaml",
            "--format",
            "concise",
        ])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(DUPLICATE.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("stack/compose.yaml:4:5: SYN002 [error] duplicate key `image`"),
        "{text}"
    );
}

#[test]
fn human_output_is_plain_off_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "compose.yaml", DUPLICATE);
    let out = composefix(&[], dir.path());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        !text.contains('\u{1b}'),
        "no ANSI escapes when piped: {text}"
    );
    assert!(text.contains("SYN002 duplicate-key"), "{text}");
    assert!(text.contains("compose.yaml:4:5"), "{text}");
    assert!(text.contains("help:"), "{text}");
    assert!(text.contains("Found 1 error."), "{text}");
}

#[test]
fn rules_and_rule_documents() {
    let dir = tempfile::tempdir().unwrap();
    let list = composefix(&["rules", "--format", "json"], dir.path());
    assert_eq!(list.status.code(), Some(0));
    let rules: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert!(
        rules
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["code"] == "SCH001" && r["name"] == "unknown-key")
    );
    let human = composefix(&["rules"], dir.path());
    assert!(String::from_utf8_lossy(&human.stdout).contains("SYN002  duplicate-key"));
    let doc = composefix(&["rule", "duplicate-key"], dir.path());
    assert_eq!(doc.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&doc.stdout).starts_with("# SYN002 duplicate-key"));
    assert_eq!(
        composefix(&["rule", "NOPE"], dir.path()).status.code(),
        Some(2)
    );
}

/// The style rules are listed as off by default, stay silent unless selected, and fire and
/// fix when a selector or the configuration names them.
#[test]
fn style_rules_are_opt_in() {
    let dir = tempfile::tempdir().unwrap();
    let list = composefix(&["rules", "--format", "json"], dir.path());
    let rules: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let style: Vec<&serde_json::Value> = rules
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| ("HYG010"..="HYG016").contains(&r["code"].as_str().unwrap()))
        .collect();
    assert_eq!(style.len(), 7);
    assert!(
        style
            .iter()
            .all(|r| r["default"] == "off" && r["severity"] == "info")
    );
    let human = String::from_utf8_lossy(&composefix(&["rules"], dir.path()).stdout).into_owned();
    let line = human.lines().find(|l| l.starts_with("HYG010")).unwrap();
    assert!(line.contains("default: off"), "{line}");

    let text = "services:\n  web:\n    image: nginx:1.27\n  app:\n    image: node:22\n";
    write(dir.path(), "compose.yaml", text);
    let quiet = composefix(&["--format", "concise"], dir.path());
    assert_eq!(quiet.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&quiet.stdout).contains("HYG"));
    let selected = composefix(&["--format", "concise", "--select", "HYG010"], dir.path());
    let out = String::from_utf8_lossy(&selected.stdout);
    assert!(out.contains("compose.yaml:4:3: HYG010 [info]"), "{out}");
    write(
        dir.path(),
        "composefix.toml",
        "extend-select = [\"HYG010\"]\n",
    );
    let fixed = composefix(&["--write"], dir.path());
    assert_eq!(fixed.status.code(), Some(0), "{fixed:?}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("compose.yaml")).unwrap(),
        "services:\n  app:\n    image: node:22\n  web:\n    image: nginx:1.27\n"
    );
    let again = composefix(&["--diff"], dir.path());
    assert_eq!(
        again.status.code(),
        Some(0),
        "a second pass changes nothing"
    );
    assert!(again.stdout.is_empty());
}

/// The ports in the long syntax, as `docker compose config` prints them.
#[test]
fn config_prints_the_resolved_project_which_loads_back() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".env", "TAG=1.27\n");
    write(
        dir.path(),
        "compose.yaml",
        "x-base: &base\n  restart: always\nservices:\n  web:\n    <<: *base\n    image: nginx:${TAG}\n    \
         environment:\n      - GREETING=hello world\n      - SECRET=${SECRET}\n    command: echo $$HOME\n",
    );
    write(
        dir.path(),
        "compose.override.yaml",
        "services:\n  web:\n    ports:\n      - \"8080:80\"\n",
    );
    let out = composefix(&["config"], dir.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let yaml = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        yaml,
        format!("name: {}\n", project_name(dir.path()))
            + "x-base:\n  restart: always\nservices:\n  web:\n    restart: always\n    image: nginx:1.27\n    \
         environment:\n      GREETING: hello world\n      SECRET: ${SECRET}\n    command:\n      - echo\n      - $$HOME\n    \
         ports:\n      - mode: ingress\n        target: 80\n        published: \"8080\"\n        protocol: tcp\n"
    );
    // What `config` prints is a compose file composefix accepts as it is.
    let again = tempfile::tempdir().unwrap();
    write(again.path(), "compose.yaml", &yaml);
    assert_eq!(composefix(&[], again.path()).status.code(), Some(0));
}

/// `--profile` (repeatable) and `COMPOSE_PROFILES` choose what `config` prints, as Compose
/// does; `check` judges every service whatever the profiles.
#[test]
fn profiles_choose_what_config_prints_and_check_sees_every_service() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  web:\n    image: nginx:1.27\n  debug:\n    image: busybox:1.36\n    \
         profiles: [debug]\n    depends_on: [missing]\n  tools:\n    image: busybox:1.36\n    \
         profiles: [tools]\n",
    );
    let printed = |args: &[&str]| {
        let out = composefix(args, dir.path());
        String::from_utf8(out.stdout).unwrap()
    };
    let plain = printed(&["config"]);
    assert!(
        plain.contains("web:") && !plain.contains("debug:") && !plain.contains("tools:"),
        "{plain}"
    );
    let both = printed(&["config", "--profile", "debug", "--profile", "tools"]);
    assert!(both.contains("debug:") && both.contains("tools:"), "{both}");
    write(dir.path(), ".env", "COMPOSE_PROFILES=tools\n");
    let from_env = printed(&["config"]);
    assert!(
        from_env.contains("tools:") && !from_env.contains("debug:"),
        "{from_env}"
    );
    let flag_wins = printed(&["config", "--profile", "debug"]);
    assert!(
        flag_wins.contains("debug:") && !flag_wins.contains("tools:"),
        "{flag_wins}"
    );
    // The rules still judge the inactive `debug` service.
    let out = composefix(&["check", "--format", "concise"], dir.path());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("HYG007"), "{text}");
}

/// `config` prints relative paths absolute, each against the folder it was declared for.
#[test]
fn config_prints_paths_resolved_against_their_declaring_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("lib")).unwrap();
    write(
        dir.path(),
        "compose.yaml",
        "include:\n  - lib/compose.yaml\nservices:\n  web:\n    build: ./web\n",
    );
    write(
        dir.path().join("lib").as_path(),
        "compose.yaml",
        "services:\n  lib:\n    image: busybox:1.36\n    volumes:\n      - ./data:/data\n",
    );
    let out = composefix(&["config"], dir.path());
    let yaml = String::from_utf8(out.stdout).unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let root = root.display();
    assert!(yaml.contains(&format!("context: {root}/web\n")), "{yaml}");
    assert!(
        yaml.contains(&format!("source: {root}/lib/data\n")),
        "{yaml}"
    );
    // Named by a relative `-f`, the project directory is the working directory.
    let out = composefix(&["config", "-f", "compose.yaml"], dir.path());
    let relative = String::from_utf8(out.stdout).unwrap();
    assert!(
        relative.contains(&format!("context: {root}/web\n")),
        "{relative}"
    );
}

/// A finding whose severity differs by platform takes the highest among the targeted ones,
/// and an info finding alone does not fail the run.
#[test]
fn severity_follows_the_targeted_platforms() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  db:\n    image: postgres:16\n    network_mode: host\n",
    );
    let severity = |target: &str| {
        let out = composefix(&["--target", target, "--format", "json"], dir.path());
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let d = &doc["diagnostics"][0];
        assert_eq!(d["code"], "NET005");
        (
            d["severity"].as_str().unwrap().to_string(),
            out.status.code(),
        )
    };
    assert_eq!(severity("mac"), ("error".to_string(), Some(1)));
    assert_eq!(severity("linux"), ("info".to_string(), Some(0)));
    assert_eq!(severity("linux,windows"), ("error".to_string(), Some(1)));
}

/// What a new user tries in the first five minutes.
#[test]
fn first_five_minutes() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  web:\n    image: nginx:1.27\n",
    );
    // A clean run says so on stderr, with what was checked; -q says nothing.
    let clean = composefix(&[], dir.path());
    assert_eq!(clean.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&clean.stderr),
        "All checks passed: 1 file, 1 project.\n"
    );
    let quiet = composefix(&["-q"], dir.path());
    assert!(
        quiet.stderr.is_empty() && quiet.stdout.is_empty(),
        "{quiet:?}"
    );
    // Machine formats never print it.
    let json = composefix(&["--format", "json"], dir.path());
    assert!(json.stderr.is_empty(), "{json:?}");

    // A directory without a compose file is exit 2, never a silent green.
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    let empty = composefix(&["empty"], dir.path());
    assert_eq!(empty.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&empty.stderr).contains("no compose file found under `empty`"));

    // A mistyped command lists the commands.
    let typo = composefix(&["rulez"], dir.path());
    assert_eq!(typo.status.code(), Some(2));
    let err = String::from_utf8_lossy(&typo.stderr);
    assert!(
        err.contains("`rulez` is neither a command nor a file"),
        "{err}"
    );
    assert!(err.contains("rules") && err.contains("config"), "{err}");

    // --fix is --write, as ruff's users type it.
    write(
        dir.path(),
        "legacy.yaml",
        "services:\n  app:\n    image: myapp:1.0\n    environment:\n      API: http://docker.for.mac.localhost:8080\n",
    );
    let fixed = composefix(&["--fix", "legacy.yaml"], dir.path());
    assert_eq!(fixed.status.code(), Some(0), "{fixed:?}");
    let text = std::fs::read_to_string(dir.path().join("legacy.yaml")).unwrap();
    assert!(text.contains("host.docker.internal"), "{text}");
}

#[test]
fn color_follows_the_flag_force_color_and_no_color() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "compose.yaml", DUPLICATE);
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_composefix"));
        cmd.args(args)
            .current_dir(dir.path())
            .env_remove("NO_COLOR")
            .env_remove("FORCE_COLOR");
        for (k, v) in env {
            cmd.env(k, v);
        }
        String::from_utf8(cmd.output().unwrap().stdout).unwrap()
    };
    let escape = |s: &str| s.contains('\u{1b}');
    assert!(!escape(&run(&[], &[])), "not a terminal: plain");
    assert!(escape(&run(&["--color", "always"], &[])));
    assert!(escape(&run(&[], &[("FORCE_COLOR", "1")])));
    assert!(!escape(&run(
        &[],
        &[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]
    )));
    assert!(!escape(&run(
        &["--color", "never"],
        &[("FORCE_COLOR", "1")]
    )));
}

#[test]
fn rules_are_listed_by_code_in_aligned_columns() {
    let out = composefix(&["rules"], Path::new("."));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let codes: Vec<&str> = lines.iter().map(|l| &l[..6]).collect();
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(codes, sorted);
    let column = |l: &str| l.find(" fix: ").unwrap();
    assert!(
        lines.iter().all(|l| column(l) == column(lines[0])),
        "{text}"
    );
    assert!(
        lines.iter().all(|l| l.chars().count() < 200),
        "one line each"
    );
}

#[test]
fn completions_and_man_page_come_from_the_command_definition() {
    for shell in ["bash", "zsh", "fish"] {
        let out = composefix(&["completions", shell], Path::new("."));
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("unsafe-fixes"), "{shell}");
    }
    let man = composefix(&["man"], Path::new("."));
    let text = String::from_utf8(man.stdout).unwrap();
    assert!(text.contains(".TH composefix 1"), "{text}");
}

/// A file another found file `include`s or `extends` is checked in that project, not alone;
/// named on the command line, it is checked as named.
#[test]
fn fragments_are_checked_in_the_project_that_uses_them() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "compose.yaml",
        "include:\n  - docker-compose.kafka.yml\nservices:\n  web:\n    image: nginx:1.27\n    extends:\n      file: common.compose.yaml\n      service: base\n",
    );
    write(
        dir.path(),
        "docker-compose.kafka.yml",
        "services:\n  cache:\n    image: redis:7.4\n    depends_on: [web]\n",
    );
    write(
        dir.path(),
        "common.compose.yaml",
        "services:\n  base:\n    restart: always\n",
    );
    write(
        dir.path(),
        "docker-compose.other.yml",
        "services:\n  other:\n    image: nginx:1.27\n",
    );
    let projects = |args: &[&str]| {
        let out = composefix(&[&["--format", "json"], args].concat(), dir.path());
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["summary"]["projects"].as_u64().unwrap()
    };
    assert_eq!(
        projects(&["."]),
        2,
        "compose.yaml and docker-compose.other.yml"
    );
    assert_eq!(projects(&["docker-compose.kafka.yml"]), 1);
    assert_eq!(projects(&[".", "common.compose.yaml"]), 3);
}

const LEGACY_NAME: &str = "services:\n  app:\n    image: ghcr.io/acme/app:3\n    environment:\n      \
    - REDIS_HOST=docker.for.mac.host.internal\n    extra_hosts:\n      - \"host.docker.internal:host-gateway\"\n";

#[test]
fn output_file_takes_the_report_instead_of_stdout() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "compose.yaml", DUPLICATE);
    let to_stdout = composefix(&["--format", "sarif"], dir.path());
    let to_file = composefix(
        &["--format", "sarif", "--output-file", "report.sarif"],
        dir.path(),
    );
    assert_eq!(to_file.status.code(), Some(1), "the exit code is the same");
    assert!(to_file.stdout.is_empty(), "nothing on stdout");
    assert_eq!(
        std::fs::read(dir.path().join("report.sarif")).unwrap(),
        to_stdout.stdout
    );

    let missing = composefix(&["--output-file", "no/such/dir/report.txt"], dir.path());
    assert_eq!(missing.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(
        stderr.contains("cannot create `no/such/dir/report.txt`"),
        "{stderr}"
    );
    assert!(!dir.path().join("no").exists(), "no directory is created");
}

#[test]
fn output_format_is_an_alias_of_format() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "compose.yaml", DUPLICATE);
    for format in ["concise", "github", "gitlab", "junit"] {
        let alias = composefix(&["--output-format", format], dir.path());
        let format_out = composefix(&["--format", format], dir.path());
        assert_eq!(alias.status.code(), Some(1));
        assert_eq!(alias.stdout, format_out.stdout, "{format}");
    }
    assert_eq!(
        composefix(&["--output-format", "nope"], dir.path())
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn statistics_count_findings_per_rule() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "compose.yaml", DUPLICATE);
    write(
        dir.path(),
        "other.yaml",
        "services:\n  a:\n    image: x:1\n    image: y:1\n  b:\n    image: x:1\n    image: y:1\n",
    );
    write(dir.path(), "legacy.yaml", LEGACY_NAME);
    let out = composefix(
        &["compose.yaml", "other.yaml", "legacy.yaml", "--statistics"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "3  SYN002      duplicate-key\n\
         1  MAC002  [*] desktop-legacy-dns-name\n\
         Found 3 errors, 1 warning (1 fixable with --write).\n"
    );
    let json = composefix(&["--statistics", "--format", "json"], dir.path());
    assert_eq!(json.status.code(), Some(2), "human and concise only");
    let clean = tempfile::tempdir().unwrap();
    write(
        clean.path(),
        "compose.yaml",
        "services:\n  web:\n    image: nginx:1.27\n",
    );
    let quiet = composefix(&["--statistics"], clean.path());
    assert_eq!(quiet.status.code(), Some(0));
    assert!(quiet.stdout.is_empty(), "quiet when clean");
}

#[test]
fn show_fixes_lists_the_fixes_after_the_findings() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "compose.yaml", LEGACY_NAME);
    let out = composefix(&["--format", "concise", "--show-fixes"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "compose.yaml:5:20: MAC002 [warning] `REDIS_HOST` uses `docker.for.mac.host.internal`, a \
         deprecated Docker Desktop name for the host that other engines do not resolve\n\
         Fixes available:\n  \
         compose.yaml:5:20: MAC002 Replace `docker.for.mac.host.internal` with \
         `host.docker.internal` (safe)\n\
         Found 1 warning (1 fixable with --write).\n"
    );
    write(dir.path(), "compose.yaml", DUPLICATE);
    let none = composefix(&["--format", "concise", "--show-fixes"], dir.path());
    assert_eq!(
        String::from_utf8(none.stdout).unwrap(),
        "compose.yaml:4:5: SYN002 [error] duplicate key `image`\nNo fixes available.\nFound 1 error.\n"
    );
    let sarif = composefix(&["--format", "sarif", "--show-fixes"], dir.path());
    assert_eq!(sarif.status.code(), Some(2), "human and concise only");
}

#[test]
fn messages_and_redacted_config_name_variables_instead_of_their_values() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        ".env",
        "PW=EnvPwSecret_1313\nRESTART_POLICY=EnvSecretRestart_3333\n",
    );
    write(
        d,
        "compose.yaml",
        "services:\n  app:\n    image: myorg/app:1\n    container_name: ${PW}!\n    restart: ${RESTART_POLICY}\n    environment:\n      DB_PASSWORD: ${PW}\n      MODE: plain\n",
    );
    let out = composefix(&["--format", "concise"], d);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("container name `${PW}!` is refused by Docker"),
        "{text}"
    );
    assert!(
        text.contains("invalid value `${RESTART_POLICY}` for `restart`"),
        "{text}"
    );
    assert!(!text.contains("Secret"), "{text}");

    write(
        d,
        "compose.yaml",
        "services:\n  app:\n    image: \"myorg/app:${PW}\"\n    environment:\n      DB_PASSWORD: hunter2\n      MODE: plain\n",
    );
    let out = composefix(&["config", "--redact"], d);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text,
        format!("name: {}\n", project_name(d))
            + "services:\n  app:\n    image: myorg/app:${PW}\n    environment:\n      DB_PASSWORD: <redacted>\n      MODE: plain\n"
    );
}

#[test]
fn rule_messages_name_variables_instead_of_their_values() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        ".env",
        "ZK=localhost:2181\nADV=PLAINTEXT://:9092\nRF=3\n",
    );
    write(
        d,
        "compose.yaml",
        "services:\n  zookeeper:\n    image: confluentinc/cp-zookeeper:7.6.0\n    environment:\n      \
         ZOOKEEPER_CLIENT_PORT: 2181\n  kafka:\n    image: confluentinc/cp-kafka:7.6.0\n    \
         ports:\n      - \"9092:9092\"\n    environment:\n      KAFKA_BROKER_ID: 1\n      \
         KAFKA_ZOOKEEPER_CONNECT: ${ZK}\n      KAFKA_ADVERTISED_LISTENERS: ${ADV}\n      \
         KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: ${RF}\n",
    );
    // SARIF also carries the rule documents, whose examples write such values literally.
    for format in ["concise", "json", "github"] {
        let out = composefix(&["--format", format, "--select", "ALL"], d);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("points at `${ZK}`"), "{format}: {text}");
        assert!(text.contains("advertises `${ADV}`"), "{format}: {text}");
        assert!(!text.contains("localhost:2181"), "{format}: {text}");
        assert!(!text.contains("PLAINTEXT://:9092"), "{format}: {text}");
    }
}

/// A file named alone (as a pre-commit hook names a changed file) that the main file above
/// it includes is not reported for the names the includer declares.
#[test]
fn an_included_file_checked_alone_may_use_what_its_includer_declares() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("flowise")).unwrap();
    let piece = "services:\n  flowise:\n    image: flowiseai/flowise:2.1.0\n    \
                 networks: [backend]\n    volumes:\n      - flowise:/root/.flowise\n    \
                 depends_on: [db]\n";
    write(&d.join("flowise"), "compose.yml", piece);
    let alone = composefix(&["--format", "concise", "flowise/compose.yml"], d);
    let text = String::from_utf8_lossy(&alone.stdout);
    assert!(text.contains("HYG008") && text.contains("HYG007"), "{text}");

    write(
        d,
        "docker-compose.yml",
        "include:\n  - path: flowise/compose.yml\n    project_directory: .\nservices:\n  \
         db:\n    image: postgres:16.4\n    networks: [backend]\nnetworks:\n  backend: {}\n\
         volumes:\n  flowise: {}\n",
    );
    let included = composefix(&["--format", "concise", "flowise/compose.yml"], d);
    let text = String::from_utf8_lossy(&included.stdout);
    assert!(
        !text.contains("HYG008") && !text.contains("HYG007"),
        "{text}"
    );
}

/// A file given with `-f` after another may depend on its services, whatever the two are named.
#[test]
fn a_sibling_file_defines_services_for_hyg007() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let app = "services:\n  app:\n    image: myorg/app:1.0\n    depends_on: [zookeeper]\n";
    write(d, "kafka-3-4.yml", app);
    let alone = composefix(&["--format", "concise", "kafka-3-4.yml"], d);
    let text = String::from_utf8_lossy(&alone.stdout);
    assert!(text.contains("HYG007"), "{text}");
    write(
        d,
        "kafka-0-1-2.yml",
        "services:\n  zookeeper:\n    image: confluentinc/cp-zookeeper:7.6.1\n",
    );
    let beside = composefix(&["--format", "concise", "kafka-3-4.yml"], d);
    let text = String::from_utf8_lossy(&beside.stdout);
    assert!(!text.contains("HYG007"), "{text}");
}

/// A file given with `-f` beside another may declare what the other's services use.
#[test]
fn a_declaration_a_sibling_file_uses_is_not_unused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let base = "services:\n  ci:\n    image: myorg/ci:1.0\nsecrets:\n  db_password:\n    \
                environment: DB_PASSWORD\n";
    write(d, "base.yaml", base);
    let alone = composefix(&["--format", "concise", "base.yaml"], d);
    let text = String::from_utf8_lossy(&alone.stdout);
    assert!(text.contains("HYG009"), "{text}");
    write(
        d,
        "app.yaml",
        "services:\n  db:\n    image: postgres:16.4\n    secrets: [db_password]\n",
    );
    let beside = composefix(&["--format", "concise", "base.yaml"], d);
    let text = String::from_utf8_lossy(&beside.stdout);
    assert!(!text.contains("HYG009"), "{text}");
}

#[test]
fn max_file_size_overrides_the_file_size_limit() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  app: {image: busybox:1.36}\n",
    );
    let out = composefix(
        &["--max-file-size", "16", "--format", "concise"],
        dir.path(),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("SYN004") && text.contains("larger than the limit of 16 bytes"),
        "{text}"
    );
    let out = composefix(&["--max-file-size", "1K"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    let out = composefix(&["--max-file-size", "lots"], dir.path());
    assert_eq!(out.status.code(), Some(2));
}

/// Standard input takes the configuration of the current directory and its suppression
/// comments, as a file would.
#[test]
fn stdin_honours_the_configuration_and_suppression_comments() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    write(dir.path(), "composefix.toml", "ignore = [\"SYN002\"]\n");
    let run = |text: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_composefix"))
            .args(["-", "--format", "concise"])
            .current_dir(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    assert_eq!(
        run(DUPLICATE).status.code(),
        Some(0),
        "SYN002 ignored by the file"
    );
    let legacy = "services:\n  app:\n    image: myapp:1.0\n    environment:\n      API: http://docker.for.mac.localhost:8080\n";
    assert_eq!(run(legacy).status.code(), Some(1));
    let silenced = legacy.replace(":8080\n", ":8080  # composefix: ignore[MAC002]\n");
    let out = run(&silenced);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}

/// The progress line is for terminals only: a big run into a pipe prints none.
#[test]
fn no_progress_line_off_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..=composefix::engine::PROGRESS_FROM {
        let sub = dir.path().join(format!("p{i}"));
        std::fs::create_dir(&sub).unwrap();
        write(
            &sub,
            "compose.yaml",
            "services:\n  web:\n    image: nginx:1.27\n",
        );
    }
    let out = composefix(&["."], dir.path());
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err,
        format!(
            "All checks passed: {n} files, {n} projects.\n",
            n = composefix::engine::PROGRESS_FROM + 1
        )
    );
}

#[test]
fn a_name_that_a_sibling_file_defines_is_not_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let client = "services:\n  ui:\n    image: provectuslabs/kafka-ui:v0.7.2\n    environment:\n      \
                  KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS: \"broker-a:9092\"\n";
    write(dir.path(), "ui.yml", client);
    let codes = |args: &[&str]| {
        let out = composefix(&[&["--format", "json"], args].concat(), dir.path());
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    // Alone in its folder, the name is unknown.
    assert_eq!(codes(&["ui.yml"]), ["NET003"]);
    // Beside the file that defines it (`docker compose -f brokers.yml -f ui.yml`), it is not.
    write(
        dir.path(),
        "brokers.yml",
        "services:\n  broker-a:\n    image: apache/kafka:3.9.0\n",
    );
    assert_eq!(codes(&["ui.yml"]), Vec::<String>::new());
}

#[test]
fn a_bad_env_line_does_not_hide_a_project_that_includes_files() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "compose.yaml",
        "include:\n  - other.yaml\nservices:\n  web:\n    image: nginx:1.27\n",
    );
    write(
        dir.path(),
        "other.yaml",
        "services:\n  db:\n    image: postgres:16.4\n",
    );
    write(dir.path(), ".env", "BAD LINE\n");
    let out = composefix(&["--format", "json", "."], dir.path());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["summary"]["projects"].as_u64(), Some(1), "{v}");
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["SYN001"]);
}

/// A file that breaks lines with a lone CR (classic Mac) is shown line by line in the human
/// excerpt, with the right line numbers, as its findings' locations read it.
#[test]
fn human_excerpts_of_a_lone_cr_file_show_its_lines() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "compose.yaml", &DUPLICATE.replace('\n', "\r"));
    let out = composefix(&["--format", "human"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\r'), "no raw CR in the report:\n{text}");
    let numbered = |n: usize, content: &str| {
        text.lines()
            .any(|l| l.trim_start().starts_with(&format!("{n} ")) && l.ends_with(content))
    };
    assert!(
        numbered(3, "image: nginx:1.27"),
        "line 3 on its own:\n{text}"
    );
    assert!(
        numbered(4, "image: httpd:2.4"),
        "line 4 on its own:\n{text}"
    );
}

/// In a folder with more YAML files than composefix reads for sibling evidence, a name the
/// project lacks may be defined in a file it did not read: HYG007 says nothing.
#[test]
fn a_folder_too_large_to_read_gives_no_sibling_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let app = "services:\n  app:\n    image: myorg/app:1.0\n    depends_on: [zookeeper]\n";
    write(d, "app.yml", app);
    for i in 0..128 {
        write(
            d,
            &format!("other-{i:03}.yml"),
            "services:\n  x:\n    image: myorg/x:1.0\n",
        );
    }
    let read = composefix(&["--format", "concise", "app.yml"], d);
    let text = String::from_utf8_lossy(&read.stdout);
    assert!(text.contains("HYG007"), "{text}");
    write(
        d,
        "other-128.yml",
        "services:\n  y:\n    image: myorg/y:1.0\n",
    );
    let too_many = composefix(&["--format", "concise", "app.yml"], d);
    let text = String::from_utf8_lossy(&too_many.stdout);
    assert!(!text.contains("HYG007"), "{text}");
}
