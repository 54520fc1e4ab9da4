//! `--diff` and `--write` as users run them: diffs write nothing, writes are atomic, go through
//! symlinks, fail cleanly where the directory is read-only, and leave clean files untouched.

use std::path::Path;
use std::process::{Command, Output};

const BROKEN: &str = "services:\n  zookeeper:\n    image: confluentinc/cp-zookeeper:7.6.0\n    environment: {ZOOKEEPER_CLIENT_PORT: 2181}\n  kafka:\n    image: confluentinc/cp-kafka:7.6.0\n    environment:\n      KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://kafka:9092\n      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: 1\n      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: 1\n      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: 1\n      KAFKA_ZOOKEEPER_CONNECT: localhost:2181 # the broker's ZooKeeper\n";
const FIXED: &str = "services:\n  zookeeper:\n    image: confluentinc/cp-zookeeper:7.6.0\n    environment: {ZOOKEEPER_CLIENT_PORT: 2181}\n  kafka:\n    image: confluentinc/cp-kafka:7.6.0\n    environment:\n      KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://kafka:9092\n      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: 1\n      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: 1\n      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: 1\n      KAFKA_ZOOKEEPER_CONNECT: zookeeper:2181 # the broker's ZooKeeper\n";

fn composefix(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_composefix"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("runs")
}

#[test]
fn diff_prints_a_unified_diff_writes_nothing_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("compose.yaml"), BROKEN).unwrap();
    let out = composefix(&["--diff"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let diff = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        diff,
        "--- a/compose.yaml\n+++ b/compose.yaml\n@@ -9,4 +9,4 @@\n       KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: 1\n       KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: 1\n       KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: 1\n-      KAFKA_ZOOKEEPER_CONNECT: localhost:2181 # the broker's ZooKeeper\n+      KAFKA_ZOOKEEPER_CONNECT: zookeeper:2181 # the broker's ZooKeeper\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("compose.yaml")).unwrap(),
        BROKEN
    );

    std::fs::write(dir.path().join("compose.yaml"), FIXED).unwrap();
    let clean = composefix(&["--diff"], dir.path());
    assert_eq!(clean.status.code(), Some(0));
    assert!(clean.stdout.is_empty());
}

#[test]
fn write_fixes_then_a_second_write_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("compose.yaml");
    std::fs::write(&path, BROKEN).unwrap();
    let out = composefix(&["--write"], dir.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("Fixed 1 finding in 1 file."));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), FIXED);
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    let again = composefix(&["--write"], dir.path());
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), FIXED);
    assert_eq!(
        std::fs::metadata(&path).unwrap().modified().unwrap(),
        modified,
        "not rewritten"
    );
}

#[test]
fn write_keeps_a_file_without_fixes_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("compose.yaml");
    let text =
        "services:\r\n  web:\r\n    image: nginx   # spacing kept\r\n    restart: sometimes\r\n";
    std::fs::write(&path, text).unwrap();
    let out = composefix(&["--write"], dir.path());
    assert_eq!(out.status.code(), Some(1), "the schema finding remains");
    assert_eq!(std::fs::read(&path).unwrap(), text.as_bytes());
}

#[cfg(unix)]
#[test]
fn write_goes_through_a_symlink_to_its_target_and_keeps_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.yaml");
    std::fs::write(&real, BROKEN).unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
    let link = dir.path().join("compose.yaml");
    std::os::unix::fs::symlink("real.yaml", &link).unwrap();
    let out = composefix(&["--write", "compose.yaml"], dir.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(&real).unwrap(), FIXED);
    assert_eq!(
        std::fs::metadata(&real).unwrap().permissions().mode() & 0o777,
        0o640
    );
}

/// Makes `dir` refuse new files, even for root (an immutable directory), or with permissions
/// for other users. Returns a guard that undoes it.
#[cfg(unix)]
fn read_only(dir: &Path) -> impl Drop {
    use std::os::unix::fs::PermissionsExt;
    struct Undo(std::path::PathBuf);
    impl Drop for Undo {
        fn drop(&mut self) {
            let _ = Command::new("chattr").arg("-i").arg(&self.0).status();
            let _ = std::fs::set_permissions(&self.0, std::fs::Permissions::from_mode(0o755));
        }
    }
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    if std::fs::write(dir.join(".probe"), "").is_ok() {
        let _ = std::fs::remove_file(dir.join(".probe"));
        let _ = Command::new("chattr").arg("+i").arg(dir).status();
    }
    assert!(
        std::fs::write(dir.join(".probe"), "").is_err(),
        "cannot make {} read-only here (neither permissions nor chattr +i work)",
        dir.display()
    );
    Undo(dir.to_path_buf())
}

#[cfg(unix)]
#[test]
fn write_in_a_read_only_directory_fails_cleanly_and_leaves_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    std::fs::create_dir(&project).unwrap();
    let path = project.join("compose.yaml");
    std::fs::write(&path, BROKEN).unwrap();
    let guard = read_only(&project);
    let out = composefix(&["--write"], &project);
    drop(guard);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), BROKEN);
    let leftovers: Vec<_> = std::fs::read_dir(&project)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, ["compose.yaml"]);
}

#[test]
fn review_fixes_need_unsafe_fixes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("compose.yaml");
    let text = "x-env: &env\n  KAFKA_ZOOKEEPER_CONNECT: localhost:2181\n  KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: 1\n  KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: 1\n  KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: 1\nservices:\n  zookeeper:\n    image: confluentinc/cp-zookeeper:7.6.0\n    environment: {ZOOKEEPER_CLIENT_PORT: 2181}\n  kafka1:\n    image: confluentinc/cp-kafka:7.6.0\n    environment:\n      <<: *env\n      KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://kafka1:9092\n  kafka2:\n    image: confluentinc/cp-kafka:7.6.0\n    environment:\n      <<: *env\n      KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://kafka2:9092\n";
    std::fs::write(&path, text).unwrap();
    assert_eq!(composefix(&["--write"], dir.path()).status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        text,
        "review fix not applied by --write"
    );
    let json = composefix(&["--format", "json"], dir.path());
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let kaf001 = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "KAF001")
        .expect("a KAF001 finding");
    let fix = &kaf001["fix"];
    assert_eq!(fix["applicability"], "review");
    assert!(
        fix["title"]
            .as_str()
            .unwrap()
            .contains("shared with kafka2"),
        "{fix}"
    );
    assert_eq!(fix["edits"][0]["content"], "zookeeper:2181");
    assert_eq!(
        fix["edits"][0]["start"],
        serde_json::json!({"line": 2, "column": 28, "offset": 39})
    );
    assert_eq!(
        composefix(&["--write", "--unsafe-fixes"], dir.path())
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        text.replace("localhost:2181", "zookeeper:2181")
    );
}

#[test]
fn config_fix_prints_the_corrected_project_without_touching_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("compose.yaml"), BROKEN).unwrap();
    let out = composefix(&["config", "--fix"], dir.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let yaml = String::from_utf8(out.stdout).unwrap();
    assert!(
        yaml.contains("KAFKA_ZOOKEEPER_CONNECT: zookeeper:2181"),
        "{yaml}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("compose.yaml")).unwrap(),
        BROKEN
    );
}
