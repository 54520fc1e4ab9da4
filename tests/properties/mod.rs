//! The four properties a hostile compose file must not break (issue 18), as functions of one
//! fuzz input: the YAML parser, the project loader with interpolation and `.env`, the
//! connection-string parser (through a check), and the fix loop. Each panics when its property
//! fails, which is what both fuzzers report: `tests/fuzz_properties.rs` (a bounded mutation
//! fuzzer that runs in CI) and the cargo-fuzz targets of `fuzz/`, which include this file by
//! path so that the two check exactly the same things.

#![allow(dead_code)] // Each includer uses some of the properties.

use composefix::config::ConfigChoice;
use composefix::diagnostic::{Diagnostic, Location};
use composefix::engine::{self, CheckOptions};
use composefix::project::{self, LoadOptions, Project};
use composefix::source::{self, Limits, NodeId, NodeKind, Span};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// In a [`project_load`] input, the line that separates the compose text (before) from the
/// `.env` text (after); without it the project has no `.env`.
pub const ENV_SEPARATOR: &str = "\n#### .env\n";

/// A directory of its own for one fuzzer (one thread), removed when dropped: the project
/// directory of every input, where [`project_load`] writes the input's `.env`.
pub struct Scratch {
    dir: PathBuf,
    /// Values of the process environment that a file must never see (interpolation does not
    /// read the process environment unless asked): long enough not to occur by chance.
    secrets: Vec<String>,
}

impl Scratch {
    /// A fresh, empty directory under the system's temporary directory.
    pub fn new() -> Scratch {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("composefix-fuzz-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create the scratch directory");
        let dir = std::fs::canonicalize(&dir).expect("canonicalize the scratch directory");
        let secrets = std::env::vars()
            .map(|(_, v)| v)
            .filter(|v| v.len() >= 12 && !dir.to_string_lossy().contains(v.as_str()))
            .collect();
        Scratch { dir, secrets }
    }

    /// The compose file every input stands for.
    fn compose(&self) -> PathBuf {
        self.dir.join("compose.yaml")
    }

    /// The options of a check of `text` given as standard input for the compose file, with no
    /// configuration file.
    fn check_options(&self, text: Vec<u8>) -> CheckOptions {
        CheckOptions {
            paths: vec![PathBuf::from("-")],
            stdin_filename: Some(self.compose().to_string_lossy().into_owned()),
            stdin_text: Some(text),
            config: ConfigChoice::Isolated,
            ..CheckOptions::default()
        }
    }

    /// Writes the project's `.env`, or removes it when `text` is None.
    fn set_env(&self, text: Option<&[u8]>) {
        let path = self.dir.join(".env");
        match text {
            Some(text) => std::fs::write(&path, text).expect("write .env"),
            None => {
                let _ = std::fs::remove_file(&path);
            }
        }
    }
}

impl Default for Scratch {
    fn default() -> Self {
        Scratch::new()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Panics unless `span` lies in `text` on character boundaries: reports and fixes slice the
/// text by spans.
fn assert_span(text: &str, span: Span, what: &str) {
    assert!(
        span.start <= span.end
            && span.end <= text.len()
            && text.is_char_boundary(span.start)
            && text.is_char_boundary(span.end),
        "{what}: span {}..{} outside the text ({} bytes)",
        span.start,
        span.end,
        text.len()
    );
}

fn assert_location(l: &Location, what: &str) {
    assert_span(l.file.text(), l.span, what);
}

/// Panics unless every place a finding points at lies in its file.
fn assert_findings_in_bounds(found: &[Diagnostic]) {
    for d in found {
        let what = format!("{}: {}", d.rule.code, d.message);
        if let Some(l) = &d.location {
            assert_location(l, &what);
        }
        for label in &d.labels {
            assert_location(&label.location, &what);
        }
        if let Some(fix) = &d.fix {
            for e in &fix.edits {
                assert_span(
                    e.file.text(),
                    e.span,
                    &format!("{what}: fix `{}`", fix.title),
                );
            }
        }
    }
}

/// Property 1, YAML load: parsing any text returns a document or an error without panicking;
/// every node, anchor and comment of a document lies in the text, and the nodes form a tree
/// reached from the root (aliases point at nodes that exist). True when the text parsed.
pub fn yaml_load(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    let Ok(doc) = source::parse(&text, &Limits::default()) else {
        return false;
    };
    for c in doc.comments() {
        assert_span(&text, c.span, "comment");
    }
    let mut todo: Vec<NodeId> = doc.root().into_iter().collect();
    let mut seen = 0usize;
    while let Some(id) = todo.pop() {
        seen += 1;
        assert!(seen <= doc.len(), "the nodes do not form a tree");
        let node = doc.node(id);
        assert_span(&text, node.span, "node");
        if let Some(anchor) = &node.anchor {
            assert_span(&text, anchor.1, "anchor");
        }
        match &node.kind {
            NodeKind::Scalar { .. } => {}
            NodeKind::Sequence { items, .. } => todo.extend(items),
            NodeKind::Mapping { entries, .. } => {
                todo.extend(entries.iter().flat_map(|(k, v)| [*k, *v]));
            }
            NodeKind::Alias { target } => {
                doc.node(*target);
            }
        }
    }
    true
}

/// Panics when a value of the process environment shows in the project's model or findings,
/// unless the input itself holds it.
fn assert_no_secret(scratch: &Scratch, input: &str, project: &Project) {
    let model = project
        .model
        .as_ref()
        .map(|m| project::emit::to_yaml(m, project::emit::Redact::Nothing))
        .unwrap_or_default();
    for secret in scratch
        .secrets
        .iter()
        .filter(|s| !input.contains(s.as_str()))
    {
        assert!(
            !model.contains(secret.as_str()),
            "a value of the process environment leaked into the model:\n{model}"
        );
        for d in &project.diagnostics {
            let text = format!("{} {}", d.message, d.help.as_deref().unwrap_or(""));
            assert!(
                !text.contains(secret.as_str()),
                "a value of the process environment leaked into {}: {text}",
                d.rule.code
            );
        }
    }
}

/// Property 2, project load: the compose text before [`ENV_SEPARATOR`] loads with the `.env`
/// after it, interpolation included, without panicking; every finding points inside its
/// file; and nothing of the process environment reaches the model or a finding. True when the
/// project has a model.
pub fn project_load(bytes: &[u8], scratch: &Scratch) -> bool {
    let (compose, env) = match find(bytes, ENV_SEPARATOR.as_bytes()) {
        Some(at) => (&bytes[..at], Some(&bytes[at + ENV_SEPARATOR.len()..])),
        None => (bytes, None),
    };
    scratch.set_env(env);
    let mut project = project::load_text(
        &scratch.compose(),
        compose.to_vec(),
        &LoadOptions::default(),
    );
    project.validate_schema();
    assert_findings_in_bounds(&project.diagnostics);
    assert_no_secret(scratch, &String::from_utf8_lossy(bytes), &project);
    project.model.is_some()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// `value` as a YAML double-quoted scalar that interpolation turns back into `value`: `$` is
/// doubled, and every character YAML does not allow as written is escaped.
pub fn quoted(value: &str) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '$' => out.push_str("$$"),
            c if c.is_control()
                || matches!(
                    c,
                    '\u{FEFF}' | '\u{FFFE}' | '\u{FFFF}' | '\u{2028}' | '\u{2029}'
                ) =>
            {
                out.push_str(&format!("\\u{:04X}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The environment keys whose values [`connection_strings`] sets to the input: URLs, JDBC
/// URLs, Kafka bootstrap lists and listeners.
const CONNECTION_KEYS: [&str; 5] = [
    "DATABASE_URL",
    "KAFKA_BOOTSTRAP_SERVERS",
    "SPRING_DATASOURCE_URL",
    "REDIS_URL",
    "SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS",
];

/// The compose file of [`connection_strings`]: `value` as connection settings, commands and
/// Kafka listeners of a small project with a database and a broker.
pub fn connection_compose(value: &str) -> String {
    let q = quoted(value);
    let mut out = String::from("services:\n  app:\n    image: example/app\n    environment:\n");
    for key in CONNECTION_KEYS {
        out.push_str(&format!("      {key}: {q}\n"));
    }
    out.push_str(&format!("    command: {q}\n"));
    out.push_str(&format!(
        "  worker:\n    image: confluentinc/cp-kafka:7.6.0\n    command: [\"kafka-console-consumer\", \"--bootstrap-server\", {q}, {q}]\n"
    ));
    out.push_str(&format!(
        "  kafka:\n    image: apache/kafka:3.7.0\n    ports: [\"9092:9092\"]\n    environment:\n      KAFKA_LISTENERS: {q}\n      KAFKA_ADVERTISED_LISTENERS: {q}\n"
    ));
    out.push_str("  db:\n    image: postgres:16\n");
    out
}

/// Property 3, connection strings: a check of a project whose connection settings, commands
/// and listeners are the input runs without panicking, the input reaches the rules unchanged
/// (no syntax finding, the loaded value is the input), and every finding points inside the
/// file.
pub fn connection_strings(bytes: &[u8], scratch: &Scratch) {
    let value = String::from_utf8_lossy(bytes);
    let compose = connection_compose(&value);
    scratch.set_env(None);
    let result = engine::check(&scratch.check_options(compose.clone().into_bytes()))
        .expect("a check of standard input runs");
    assert_findings_in_bounds(&result.diagnostics);
    assert!(
        !result
            .diagnostics
            .iter()
            .any(|d| d.rule.code.starts_with("SYN")),
        "the value did not load as written:\n{compose}"
    );
    let loaded = result.projects[0]
        .services()
        .find(|(name, _)| *name == "app")
        .and_then(|(_, app)| app.get("environment")?.get("DATABASE_URL")?.scalar_text());
    assert_eq!(loaded.as_deref(), Some(&*value), "in:\n{compose}");
}

/// A finding as the fix loop's safety net must not gain: its code, and its message with
/// numbers masked (a line number moves with an edit above it).
fn load_key(d: &Diagnostic) -> Option<String> {
    let code = d.rule.code;
    if !(code.starts_with("SYN") || code.starts_with("SCH")) {
        return None;
    }
    let mut message = String::new();
    for c in d.message.chars() {
        if !c.is_ascii_digit() {
            message.push(c);
        } else if !message.ends_with('#') {
            message.push('#');
        }
    }
    Some(format!("{code}: {message}"))
}

/// Property 4, fix application: checking, fixing (unsafe fixes included) and re-loading the
/// fixed text never panics; passes that do not converge change nothing; and the fixed text
/// has no syntax or schema finding that the original did not have. True when fixes changed the
/// text.
pub fn fix_application(bytes: &[u8], scratch: &Scratch) -> bool {
    scratch.set_env(None);
    let opts = scratch.check_options(bytes.to_vec());
    let before = engine::check(&opts).expect("a check of standard input runs");
    assert_findings_in_bounds(&before.diagnostics);
    let (outcome, _) = engine::fix(&opts, true).expect("fixing standard input runs");
    if !outcome.failures.is_empty() {
        assert!(outcome.changed.is_empty(), "a failed fix changed files");
        return false;
    }
    let Some((_, fixed)) = outcome.changed.get(&scratch.compose()) else {
        return false;
    };
    let after = engine::check(&scratch.check_options(fixed.clone().into_bytes()))
        .expect("a check of the fixed text runs");
    assert_findings_in_bounds(&after.diagnostics);
    let mut had: HashMap<String, usize> = HashMap::new();
    for key in before.diagnostics.iter().filter_map(load_key) {
        *had.entry(key).or_default() += 1;
    }
    for d in &after.diagnostics {
        let Some(key) = load_key(d) else { continue };
        match had.get_mut(&key) {
            Some(n) if *n > 0 => *n -= 1,
            _ => panic!(
                "the fixes ({:?}) introduced `{key}`\n--- original\n{}\n--- fixed\n{fixed}",
                outcome.applied,
                String::from_utf8_lossy(bytes)
            ),
        }
    }
    true
}
