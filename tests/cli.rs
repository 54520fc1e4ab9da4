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

const DUPLICATE: &str = "services:\n  web:\n    image: nginx\n    image: httpd\n";

#[test]
fn exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  web:\n    image: nginx\n",
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
        "services:\n  kafka:\n    image: apache/kafka\n    image: x\n",
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
        serde_json::json!({"line": 4, "column": 5, "offset": 47})
    );
    assert_eq!(
        d["span"]["end"],
        serde_json::json!({"line": 4, "column": 10, "offset": 52})
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
        "x-base:\n  restart: always\nservices:\n  web:\n    restart: always\n    image: nginx:1.27\n    \
         environment:\n      GREETING: hello world\n      SECRET: ${SECRET}\n    command: echo $$HOME\n    \
         ports:\n      - 8080:80\n"
    );
    // What `config` prints is a compose file composefix accepts as it is.
    let again = tempfile::tempdir().unwrap();
    write(again.path(), "compose.yaml", &yaml);
    assert_eq!(composefix(&[], again.path()).status.code(), Some(0));
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
        text.contains("invalid value `${PW}!` for `container_name`"),
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
        "services:\n  app:\n    image: myorg/app:${PW}\n    environment:\n      DB_PASSWORD: <redacted>\n      MODE: plain\n"
    );
}

#[test]
fn max_file_size_overrides_the_file_size_limit() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  app: {image: busybox}\n",
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
