//! A hostile compose file can neither damage a file nor turn a fix into an internal error
//! (issue 18): lone-CR line endings, fixes that would break the file, fixes that do not
//! converge, stdin, output errors. Each test is the shape of a reproducer of
//! `../shared/reproducers/reliability/README.md`, written anew.

use std::path::Path;
use std::process::{Command, Output, Stdio};

fn composefix(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_composefix"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A project directory holding `compose.yaml` with `text`.
fn project(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("compose.yaml"), text).unwrap();
    dir
}

/// Applies `diff` to a copy of `original` with `patch -p1`, when `patch` is installed.
fn patched(original: &str, diff: &str) -> Option<Vec<u8>> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("compose.yaml"), original).unwrap();
    let mut child = Command::new("patch")
        .args(["-p1", "--quiet"])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .ok()?;
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), diff.as_bytes()).unwrap();
    assert!(child.wait().unwrap().success(), "patch rejects:\n{diff:?}");
    Some(std::fs::read(dir.path().join("compose.yaml")).unwrap())
}

const LONE_CR: &str = "services:\r  web:\r    image: nginx:1.25\r    network_mode: host\r    ports:\r      - \"8080:8080\"\r    restart: always\r";

#[test]
fn lone_cr_files_keep_their_lines_and_their_diff_applies() {
    let dir = project(LONE_CR);
    let report = composefix(&["--format", "concise"], dir.path());
    let text = String::from_utf8_lossy(&report.stdout);
    assert!(text.starts_with("compose.yaml:4:5: NET005"), "{text}");

    let diff = composefix(&["--diff", "--unsafe-fixes"], dir.path());
    assert_eq!(diff.status.code(), Some(1), "{}", stderr(&diff));
    let diff = String::from_utf8(diff.stdout).unwrap();

    let write = composefix(&["--write", "--unsafe-fixes"], dir.path());
    assert_eq!(write.status.code(), Some(0), "{}", stderr(&write));
    let written = std::fs::read(dir.path().join("compose.yaml")).unwrap();
    let expected = LONE_CR.replace("    network_mode: host\r", "");
    assert_eq!(String::from_utf8_lossy(&written), expected);
    if let Some(p) = patched(LONE_CR, &diff) {
        assert_eq!(p, written, "the diff gives what --write writes");
    }
}

#[test]
fn lone_cr_lines_are_inserted_with_a_lone_cr() {
    let text = "services:\r  connect:\r    image: confluentinc/cp-kafka-connect:7.6.3-1\r    network_mode: host\r";
    let dir = project(text);
    let out = composefix(&["--write", "--unsafe-fixes"], dir.path());
    assert!(
        stderr(&out).contains("Fixed 1 finding in 1 file."),
        "{}",
        stderr(&out)
    );
    let written = std::fs::read_to_string(dir.path().join("compose.yaml")).unwrap();
    assert_eq!(
        written,
        text.replace("network_mode: host", "ports: [\"8083:8083\"]")
    );
}

#[test]
fn a_bom_and_crlf_survive_a_fix_and_its_diff() {
    let text = "\u{feff}services:\r\n  web:\r\n    image: nginx:1.25\r\n    network_mode: host\r\n    ports: [\"80:80\"]\r\n";
    let dir = project(text);
    let diff =
        String::from_utf8(composefix(&["--diff", "--unsafe-fixes"], dir.path()).stdout).unwrap();
    composefix(&["--write", "--unsafe-fixes"], dir.path());
    let written = std::fs::read(dir.path().join("compose.yaml")).unwrap();
    assert!(written.starts_with("\u{feff}services:\r\n".as_bytes()));
    assert_ne!(written, text.as_bytes());
    if let Some(p) = patched(text, &diff) {
        assert_eq!(p, written);
    }
}
