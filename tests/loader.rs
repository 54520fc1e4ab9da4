//! Loading as Compose does: interpolation, overrides, `extends`, `include`, anchors and merge
//! keys, and the origins that let findings point at the bytes a value was written in.

mod common;

use composefix::project::discover::{self, ProjectFiles};
use composefix::project::value::{Kind, Value};
use composefix::project::{self, LoadOptions, Project};
use std::path::{Path, PathBuf};

fn scenario(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/loader")
        .join(name)
}

fn load_dir(dir: &Path) -> Project {
    let files = discover::project_in_dir(dir).expect("a compose file");
    project::load(&files, &LoadOptions::default()).expect("loads")
}

fn service<'p>(p: &'p Project, name: &str) -> &'p Value {
    p.services()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("no service {name}"))
}

fn text(v: &Value) -> String {
    v.scalar_text()
        .map(|s| s.into_owned())
        .unwrap_or_else(|| "<null>".into())
}

fn env<'p>(p: &'p Project, svc: &str, key: &str) -> &'p Value {
    service(p, svc)
        .get("environment")
        .and_then(|e| e.get(key))
        .unwrap_or_else(|| panic!("no {key}"))
}

/// (file name, 1-based line) where a value was written.
fn written_at(p: &Project, v: &Value) -> (String, usize) {
    let file = p.file(v.origin.file);
    let name = file
        .path()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    (name, file.line_col(v.origin.span.start).line)
}

#[test]
fn every_interpolation_form() {
    let p = load_dir(&scenario("interpolation"));
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    let cases = [
        ("BRACED", "value", true),
        ("UNBRACED", "value", true),
        ("UNBRACED_SUFFIX", "value.local", true),
        ("DEFAULT_UNSET", "fallback", true),
        ("DEFAULT_EMPTY_COLON", "fallback", true),
        ("DEFAULT_EMPTY_NOCOLON", "", true),
        ("DEFAULT_SET", "value", true),
        ("ALT_SET", "alt", true),
        ("ALT_EMPTY_COLON", "", true),
        ("ALT_EMPTY_NOCOLON", "alt", true),
        ("ALT_UNSET", "", true),
        ("REQUIRED_SET", "value", true),
        ("REQUIRED_NOCOLON_EMPTY", "", true),
        ("NESTED", "kafka:9092", true),
        ("NESTED_UNKNOWN", "", false),
        ("ESCAPED", "$SET", true),
        ("UNKNOWN", "", false),
        ("ZK", "localhost:2181", true),
    ];
    for (key, want, known) in cases {
        let v = env(&p, "app", key);
        let s = v
            .as_str()
            .unwrap_or_else(|| panic!("{key} is not a string"));
        assert_eq!(s.text, want, "{key}");
        assert_eq!(s.is_known(), known, "{key} known");
    }
    // The default of `${ZK:-localhost:2181}` maps back to its own bytes in the file.
    let zk = env(&p, "app", "ZK").as_str().unwrap();
    let span = zk.literal_span(0..9).expect("literal default");
    let file = p.file(env(&p, "app", "ZK").origin.file);
    assert_eq!(&file.text()[span.start..span.end], "localhost");
    // A value from `.env` has no literal bytes in the compose file.
    assert!(
        env(&p, "app", "BRACED")
            .as_str()
            .unwrap()
            .literal_span(0..5)
            .is_none()
    );
}

#[test]
fn override_changes_a_port_and_adds_environment_in_list_form() {
    let p = load_dir(&scenario("override"));
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    assert_eq!(p.named.len(), 2);
    let web = service(&p, "web");
    let ports: Vec<String> = web
        .get("ports")
        .unwrap()
        .as_seq()
        .unwrap()
        .iter()
        .map(text)
        .collect();
    assert_eq!(ports, ["9090:80"]);
    assert_eq!(text(env(&p, "web", "MODE")), "development");
    assert_eq!(text(env(&p, "web", "KEEP")), "yes");
    assert_eq!(text(env(&p, "web", "EXTRA")), "1");
    // Values point where they were written: the override for what it changed.
    assert_eq!(
        written_at(&p, env(&p, "web", "MODE")),
        ("compose.override.yaml".into(), 6)
    );
    assert_eq!(
        written_at(&p, env(&p, "web", "KEEP")),
        ("compose.yaml".into(), 9)
    );
    let port = &web.get("ports").unwrap().as_seq().unwrap()[0];
    assert_eq!(written_at(&p, port), ("compose.override.yaml".into(), 4));
    // The list item's value part is its own span: `development` inside `- MODE=development`.
    let mode = env(&p, "web", "MODE");
    let file = p.file(mode.origin.file);
    assert_eq!(
        &file.text()[mode.origin.span.start..mode.origin.span.end],
        "development"
    );
    let command: Vec<String> = web
        .get("command")
        .unwrap()
        .as_seq()
        .unwrap()
        .iter()
        .map(text)
        .collect();
    assert_eq!(command, ["nginx", "-g", "daemon off;"]);
}

#[test]
fn sequences_merge_as_the_specification_says() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("compose.yaml");
    let over = dir.path().join("compose.override.yaml");
    std::fs::write(
        &base,
        "services:\n  web:\n    image: nginx\n    ports: [\"8080:80\"]\n    dns: [1.1.1.1]\n    command: [a, b]\n    labels: [x=1]\n",
    )
    .unwrap();
    std::fs::write(
        &over,
        "services:\n  web:\n    ports: [\"8080:80\", \"127.0.0.1:9090:80\"]\n    dns: [8.8.8.8, 1.1.1.1]\n    command: [c]\n    labels: {y: \"2\"}\n    image: !reset null\n",
    )
    .unwrap();
    let p = project::load(
        &ProjectFiles {
            files: vec![base, over],
        },
        &LoadOptions::default(),
    )
    .unwrap();
    let web = service(&p, "web");
    let list = |k: &str| -> Vec<String> {
        web.get(k)
            .unwrap()
            .as_seq()
            .unwrap()
            .iter()
            .map(text)
            .collect()
    };
    assert_eq!(list("ports"), ["8080:80", "127.0.0.1:9090:80"]);
    assert_eq!(list("dns"), ["1.1.1.1", "8.8.8.8"]);
    assert_eq!(list("command"), ["c"]);
    let labels = web.get("labels").unwrap().as_map().unwrap();
    assert_eq!(labels.len(), 2);
    assert!(web.get("image").is_none(), "!reset removes the key");
}

#[test]
fn extends_from_another_file() {
    let p = load_dir(&scenario("extends"));
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    let kafka = service(&p, "kafka");
    assert_eq!(
        text(kafka.get("image").unwrap()),
        "confluentinc/cp-kafka:7.6.0"
    );
    assert!(kafka.get("extends").is_none());
    assert_eq!(text(env(&p, "kafka", "KAFKA_BROKER_ID")), "2");
    let zk = env(&p, "kafka", "KAFKA_ZOOKEEPER_CONNECT");
    assert_eq!(text(zk), "zookeeper:2181");
    assert_eq!(written_at(&p, zk), ("common.yaml".into(), 6));
    assert_eq!(
        written_at(&p, env(&p, "kafka", "KAFKA_BROKER_ID")),
        ("compose.yaml".into(), 7)
    );
}

#[test]
fn include_brings_services_with_their_own_variables() {
    let p = load_dir(&scenario("include"));
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    let names: Vec<&str> = p.services().map(|(n, _)| n).collect();
    assert_eq!(names, ["app", "kafka"]);
    let image = service(&p, "kafka").get("image").unwrap();
    assert_eq!(text(image), "apache/kafka:3.9.0");
    let (file, line) = written_at(&p, image);
    assert_eq!((file.as_str(), line), ("compose.yaml", 3));
    assert!(
        p.file(image.origin.file)
            .path()
            .ends_with("kafka/compose.yaml")
    );
    assert!(p.model.as_ref().unwrap().get("include").is_none());
}

#[test]
fn anchors_and_merge_keys_keep_the_anchor_as_origin() {
    let p = load_dir(&scenario("anchors"));
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    for svc in ["kafka1", "kafka2"] {
        assert_eq!(
            text(service(&p, svc).get("restart").unwrap()),
            "unless-stopped"
        );
        let zk = env(&p, svc, "KAFKA_ZOOKEEPER_CONNECT");
        assert_eq!(text(zk), "zookeeper:2181");
        assert_eq!(written_at(&p, zk), ("compose.yaml".into(), 2), "{svc}");
        assert!(
            zk.origin.via_alias.is_some(),
            "{svc}: came through an alias"
        );
    }
    assert_eq!(text(env(&p, "kafka1", "KAFKA_BROKER_ID")), "1");
    assert!(
        service(&p, "kafka2")
            .get("environment")
            .unwrap()
            .get("KAFKA_BROKER_ID")
            .is_none()
    );
    assert!(matches!(
        env(&p, "kafka1", "KAFKA_NUM_PARTITIONS").kind,
        Kind::Int(3)
    ));
}

#[test]
fn crlf_and_bom_files_report_correct_lines_and_columns() {
    let dir = tempfile::tempdir().unwrap();
    let lf = "services:\n  web:\n    image: nginx\n    image: httpd\n";
    for (name, text) in [
        ("crlf.yaml", lf.replace('\n', "\r\n")),
        ("bom.yaml", format!("\u{feff}{lf}")),
        (
            "bom-crlf.yaml",
            format!("\u{feff}{}", lf.replace('\n', "\r\n")),
        ),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, &text).unwrap();
        let d = common::check_files(&[path]);
        assert_eq!(d.len(), 1, "{name}: {d:?}");
        let l = d[0].location.as_ref().unwrap();
        let lc = l.file.line_col(l.span.start);
        assert_eq!(
            (d[0].rule.code, lc.line, lc.column),
            ("SYN002", 4, 5),
            "{name}"
        );
        assert_eq!(&l.file.text()[l.span.start..l.span.end], "image", "{name}");
    }
}

#[test]
fn yaml_1_2_scalars_as_compose_reads_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("compose.yaml");
    std::fs::write(&path, "services:\n  web:\n    image: nginx\n    labels:\n      a: yes\n      b: on\n      c: 22:22\n      d: 0o17\n").unwrap();
    let p = project::load(&ProjectFiles { files: vec![path] }, &LoadOptions::default()).unwrap();
    let labels = service(&p, "web").get("labels").unwrap();
    assert!(matches!(labels.get("a").unwrap().kind, Kind::Str(_)));
    assert!(matches!(labels.get("b").unwrap().kind, Kind::Str(_)));
    assert_eq!(text(labels.get("c").unwrap()), "22:22");
    assert!(matches!(labels.get("d").unwrap().kind, Kind::Int(15)));
}

#[test]
fn empty_binary_and_huge_inputs_are_findings_not_crashes() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, Vec<u8>, &str); 4] = [
        ("empty.yaml", b"".to_vec(), "SYN010"),
        ("binary.yaml", vec![0xff, 0xfe, 0x00, 0x01, 0x80], "SYN001"),
        ("nul.yaml", b"services:\n  a\0b: {}\n".to_vec(), "SYN001"),
        ("list.yaml", b"- a\n- b\n".to_vec(), "SCH002"),
    ];
    for (name, bytes, code) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let d = common::check_files(&[path]);
        assert!(d.iter().any(|d| d.rule.code == code), "{name}: {d:?}");
    }
    let huge = dir.path().join("huge.yaml");
    let mut text = String::from("services:\n");
    while text.len() <= composefix::source::Limits::default().max_bytes {
        text.push_str("  # padding padding padding padding padding padding padding padding\n");
    }
    std::fs::write(&huge, text).unwrap();
    let d = common::check_files(&[huge]);
    assert_eq!(
        d.iter().map(|d| d.rule.code).collect::<Vec<_>>(),
        ["SYN004"]
    );
}

#[test]
fn findings_point_into_the_override_file_and_at_the_anchor() {
    let p = load_dir(&scenario("override-error"));
    let at: Vec<(&str, String, usize)> = p
        .diagnostics
        .iter()
        .map(|d| {
            let l = d.location.as_ref().unwrap();
            let name = l
                .file
                .path()
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (d.rule.code, name, l.file.line_col(l.span.start).line)
        })
        .collect();
    assert_eq!(
        at,
        [
            // `restart: sometimes` reached the service through `<<: *defaults`: shown at the anchor.
            ("SCH003", "compose.yaml".to_string(), 2),
            // The port without `target` was written in the override file.
            ("SCH004", "compose.override.yaml".to_string(), 4),
        ]
    );
}

#[test]
fn a_big_project_loads_as_a_small_one_does() {
    // 150 services: the values convert, interpolate and normalize on every core.
    let mut yaml = String::from("services:\n");
    for i in 0..150 {
        yaml.push_str(&format!(
            "  s{i}:\n    image: \"app:${{TAG:-{i}}}\"\n    environment:\n      - NAME=s{i}\n      - PORT=${{PORT:-80}}\n"
        ));
    }
    yaml.push_str("  last:\n    image: \"app:${MUST:?set MUST}\"\n");
    let project = project::load_text(
        Path::new("big.yaml"),
        yaml.clone().into_bytes(),
        &LoadOptions::default(),
    );
    assert_eq!(project.services().count(), 151);
    for i in [0, 77, 149] {
        let name = format!("s{i}");
        assert_eq!(
            text(service(&project, &name).get("image").expect("image")),
            format!("app:{i}")
        );
        assert_eq!(text(env(&project, &name, "NAME")), name);
        assert_eq!(text(env(&project, &name, "PORT")), "80");
        let at = written_at(&project, env(&project, &name, "NAME"));
        assert_eq!(at, ("big.yaml".to_string(), 5 + 5 * i));
    }
    let required: Vec<_> = project
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("`MUST`"))
        .collect();
    assert_eq!(required.len(), 1, "{:?}", project.diagnostics);
}

#[test]
fn a_missing_env_file_of_an_include_points_at_its_entry() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(
        dir.path().join("sub/compose.yml"),
        "services:\n  db: {image: postgres}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("compose.yaml"),
        "include:\n  - path: sub/compose.yml\n    env_file: sub/missing.env\n",
    )
    .unwrap();
    let p = load_dir(dir.path());
    let d = p
        .diagnostics
        .iter()
        .find(|d| d.rule.code == "SYN006")
        .expect("SYN006");
    let location = d.location.as_ref().expect("a location");
    assert!(location.file.path().ends_with("compose.yaml"));
    let at = location.file.line_col(location.span.start);
    assert_eq!((at.line, at.column), (3, 15));
}

/// The codes and messages of the loader's findings.
fn findings(p: &Project) -> Vec<(&'static str, String)> {
    p.diagnostics
        .iter()
        .map(|d| (d.rule.code, d.message.clone()))
        .collect()
}

/// A repository `repo/` (with `.git`) holding `repo/app/`, and a folder beside it, `outside/`,
/// with a compose file and an env file that must never be read.
fn repository_with_outside() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for d in ["repo/.git", "repo/app", "repo/shared", "outside"] {
        std::fs::create_dir_all(root.join(d)).unwrap();
    }
    std::fs::write(
        root.join("outside/compose.yaml"),
        "services:\n  leak: {image: OUTSIDE_SECRET}\n",
    )
    .unwrap();
    std::fs::write(root.join("outside/secret.env"), "TOKEN=OUTSIDE_SECRET\n").unwrap();
    std::fs::write(
        root.join("repo/shared/compose.yaml"),
        "services:\n  shared: {image: busybox}\n",
    )
    .unwrap();
    dir
}

#[test]
fn files_outside_the_repository_are_findings_and_never_read() {
    let dir = repository_with_outside();
    let app = dir.path().join("repo/app");
    let mut compose = String::from(
        "include:\n  - ../shared/compose.yaml\n  - ../../outside/compose.yaml\n  - /etc/passwd\n\
         services:\n  a:\n    image: busybox\n    env_file: ../../outside/secret.env\n\
         \x20 b:\n    extends: {file: ../../outside/compose.yaml, service: leak}\n",
    );
    if Path::new("/proc/self/environ").exists() {
        compose.push_str("  c:\n    extends: {file: /proc/self/environ, service: x}\n");
    }
    std::fs::write(app.join("compose.yaml"), &compose).unwrap();
    let p = load_dir(&app);
    // The include inside the repository is read.
    service(&p, "shared");
    let outside: Vec<_> = findings(&p)
        .into_iter()
        .filter(|(_, m)| m.contains("is outside the repository root"))
        .collect();
    let expected = 4 + usize::from(compose.contains("environ"));
    assert_eq!(outside.len(), expected, "{:?}", findings(&p));
    assert!(outside.iter().all(|(code, _)| *code == "SYN006"));
    // Nothing outside was read: no file of the project is there, no text of it is quoted.
    let root = std::fs::canonicalize(dir.path().join("repo")).unwrap();
    for file in &p.files {
        let path = std::fs::canonicalize(file.path()).unwrap();
        assert!(path.starts_with(&root), "{}", path.display());
        assert!(!file.text().contains("OUTSIDE_SECRET"));
    }
    assert!(
        !format!("{:?}", p.diagnostics).contains("OUTSIDE_SECRET"),
        "{:?}",
        p.diagnostics
    );
}

#[test]
fn a_symlink_out_of_the_repository_is_outside() {
    let dir = repository_with_outside();
    let app = dir.path().join("repo/app");
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.path().join("outside/secret.env"), app.join("link.env"))
        .unwrap();
    #[cfg(not(unix))]
    return;
    std::fs::write(
        app.join("compose.yaml"),
        "services:\n  a:\n    image: busybox\n    env_file: link.env\n",
    )
    .unwrap();
    let p = load_dir(&app);
    let f = findings(&p);
    assert!(
        f.iter()
            .any(|(c, m)| *c == "SYN006" && m.contains("outside the repository root")),
        "{f:?}"
    );
}

#[test]
fn devices_fifos_and_big_files_are_findings_not_reads() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("big.env"), "A=1\n".repeat(300)).unwrap();
    std::fs::write(
        d.join("big.yaml"),
        format!("services:\n{}", "  # pad\n".repeat(200)),
    )
    .unwrap();
    let fifo = d.join("fifo.yaml");
    let have_fifo = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    let mut compose = String::from("include: [big.yaml");
    if have_fifo {
        compose.push_str(", fifo.yaml");
    }
    compose.push_str("]\nservices:\n  a:\n    image: busybox\n    env_file: [big.env");
    if have_fifo {
        compose.push_str(", fifo.yaml");
    }
    compose.push_str("]\n");
    std::fs::write(d.join("compose.yaml"), compose).unwrap();
    let mut opts = LoadOptions::default();
    opts.limits.max_bytes = 1024;
    let files = discover::project_in_dir(d).expect("a compose file");
    let p = project::load(&files, &opts).expect("loads");
    let f = findings(&p);
    for name in ["big.env", "big.yaml"] {
        assert!(
            f.iter().any(|(c, m)| *c == "SYN004"
                && m.contains(name)
                && m.contains("larger than the limit of 1 KiB")),
            "{name}: {f:?}"
        );
    }
    if have_fifo {
        let fifos = f
            .iter()
            .filter(|(c, m)| *c == "SYN006" && m.contains("fifo.yaml`: not a regular file"))
            .count();
        assert_eq!(fifos, 2, "{f:?}");
        // Named on the command line, a FIFO cannot be read: the tool cannot do its job.
        let named = ProjectFiles { files: vec![fifo] };
        assert!(project::load(&named, &opts).is_err());
    }
    // A named file over the limit is a finding too.
    let named = ProjectFiles {
        files: vec![d.join("big.yaml")],
    };
    let p = project::load(&named, &opts).expect("a finding, not an error");
    assert_eq!(findings(&p)[0].0, "SYN004");
}

/// The file name of the file a finding points into.
fn file_name(d: &composefix::diagnostic::Diagnostic) -> (String, usize) {
    let l = d.location.as_ref().expect("a location");
    let name = l.file.path().file_name().unwrap().to_string_lossy();
    (name.into_owned(), l.file.line_col(l.span.start).line)
}

/// Writes `files` (name, text) into a new folder and loads the project there.
fn load_written(files: &[(&str, &str)]) -> Project {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    load_dir(dir.path())
}

#[test]
fn an_extends_cycle_across_files_is_syn009() {
    let p = load_written(&[
        (
            "compose.yaml",
            "services:\n  a:\n    image: busybox\n    extends: {file: b.yaml, service: b}\n",
        ),
        (
            "b.yaml",
            "services:\n  b:\n    image: busybox\n    extends: {file: compose.yaml, service: a}\n",
        ),
    ]);
    let f = findings(&p);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].0, "SYN009");
    assert!(f[0].1.starts_with("service `b` extends `a` of `"), "{f:?}");
    assert!(
        f[0].1.ends_with("compose.yaml`, which extends it back"),
        "{f:?}"
    );
    // A file that extends another service of itself through `file:` is no cycle.
    let p = load_written(&[
        (
            "compose.yaml",
            "services:\n  a:\n    extends: {file: b.yaml, service: b}\n  c:\n    image: base\n",
        ),
        (
            "b.yaml",
            "services:\n  b:\n    extends: {file: compose.yaml, service: c}\n",
        ),
    ]);
    assert!(p.diagnostics.is_empty(), "{:?}", findings(&p));
    assert_eq!(text(service(&p, "a").get("image").unwrap()), "base");
}

#[test]
fn a_bad_line_of_dotenv_is_a_finding_there_and_the_rest_is_read() {
    let p = load_written(&[
        (".env", "A=1\nB=${X:-${}\nlol$wut\nC=3\n"),
        (
            "compose.yaml",
            "services:\n  a:\n    image: \"x${A}${C}\"\n    environment:\n      D: \"${X:-${}\"\n",
        ),
    ]);
    let at: Vec<(&str, String, usize)> = p
        .diagnostics
        .iter()
        .map(|d| {
            let (name, line) = file_name(d);
            (d.rule.code, name, line)
        })
        .collect();
    assert_eq!(
        at,
        [
            ("SYN008", ".env".to_string(), 2),
            ("SYN001", ".env".to_string(), 3),
            ("SYN008", "compose.yaml".to_string(), 5),
        ]
    );
    assert_eq!(text(service(&p, "a").get("image").unwrap()), "x13");
}

#[test]
fn an_expansion_bomb_is_a_resource_limit_finding() {
    let mut dotenv = String::from("A0=xx\n");
    for k in 1..64 {
        dotenv.push_str(&format!("A{k}=${{A{}}}${{A{}}}\n", k - 1, k - 1));
    }
    // Within the budget in `.env`, past it in the compose file: one value used many times.
    let mut compose = String::from("services:\n  a:\n    image: busybox\n    environment:\n");
    for i in 0..100 {
        compose.push_str(&format!("      K{i}: ${{A18}}\n"));
    }
    let p = load_written(&[(".env", &dotenv), ("compose.yaml", &compose)]);
    let limits: Vec<(String, usize)> = p
        .diagnostics
        .iter()
        .filter(|d| d.rule.code == "SYN004")
        .map(file_name)
        .collect();
    // `A23` (line 24) is the first value past 16 MiB; the compose file's values then find nothing left.
    assert_eq!(
        limits,
        [(".env".to_string(), 24), ("compose.yaml".to_string(), 5)],
        "{:?}",
        findings(&p)
    );
    let env = service(&p, "a")
        .get("environment")
        .unwrap()
        .as_map()
        .unwrap();
    let known: usize = env
        .iter()
        .map(|(_, _, v)| v.scalar_text().map_or(0, |s| s.len()))
        .sum();
    assert!(known <= 16 << 20);
}
