//! Conformance with compose-go, the canonical Compose loader: each case under
//! `tests/conformance/*.toml` names the compose-go test it comes from, gives its input files and
//! load options, and states what `composefix config` must print (read back as YAML), the
//! project name, or the diagnostic codes; what `config` prints must itself be a valid compose
//! file. A case with `expected_difference` documents where
//! composefix is known to differ: it must still fail its expectations (else the note is stale).
//!
//! Findings are the loader's and the default rules' (Compose's consistency errors are rule
//! findings, HYG007 and the like). `{root}` in an expected value stands for the project
//! directory (compose-go prints absolute paths).

use composefix::diagnostic::{Diagnostic, Severity};
use composefix::project::discover::{self, ProjectFiles};
use composefix::project::emit::{self, Redact};
use composefix::project::value::{Kind, Value};
use composefix::project::{self, LoadOptions, view};
use composefix::rules::{self, Selection};
use std::collections::BTreeMap;
use std::path::Path;
use toml::de::{DeTable, DeValue};

/// One case, as read from its TOML table.
#[derive(Default)]
struct Case {
    name: String,
    from: String,
    files: BTreeMap<String, String>,
    compose: Vec<String>,
    env_files: Vec<String>,
    process_env: BTreeMap<String, String>,
    use_process_env: bool,
    profiles: Vec<String>,
    expect: BTreeMap<String, Expected>,
    absent: Vec<String>,
    project_name: Option<String>,
    codes: Option<Vec<String>>,
    /// Error codes left out of "no error expected": a rule that judges every service, where
    /// compose-go judges the active ones only.
    ignore_codes: Vec<String>,
    quoted: Vec<String>,
    expected_difference: Option<String>,
}

/// An expected value at a path: a scalar's text, or a sequence of scalar texts.
enum Expected {
    Text(String),
    List(Vec<String>),
}

fn text(v: &DeValue<'_>) -> String {
    match v {
        DeValue::String(s) => s.to_string(),
        DeValue::Boolean(b) => b.to_string(),
        other => panic!("unsupported case value {}", other.type_str()),
    }
}

fn strings(v: &DeValue<'_>) -> Vec<String> {
    match v {
        DeValue::Array(items) => items.iter().map(|i| text(i.get_ref())).collect(),
        other => vec![text(other)],
    }
}

fn table(v: &DeValue<'_>) -> BTreeMap<String, String> {
    match v {
        DeValue::Table(t) => t
            .iter()
            .map(|(k, v)| (k.get_ref().to_string(), text(v.get_ref())))
            .collect(),
        other => panic!("expected a table, found {}", other.type_str()),
    }
}

fn cases(path: &Path) -> Vec<Case> {
    let source = std::fs::read_to_string(path).unwrap();
    let root =
        DeTable::parse(&source).unwrap_or_else(|e| panic!("{}: {}", path.display(), e.message()));
    let Some(DeValue::Array(list)) = root.get_ref().get("case").map(|v| v.get_ref()) else {
        panic!("{}: no [[case]]", path.display());
    };
    list.iter()
        .map(|c| {
            let DeValue::Table(t) = c.get_ref() else {
                panic!("a case is a table")
            };
            let mut case = Case::default();
            for (key, value) in t.iter() {
                let value = value.get_ref();
                match key.get_ref().as_ref() {
                    "name" => case.name = text(value),
                    "from" => case.from = text(value),
                    "files" => case.files = table(value),
                    "compose" => case.compose = strings(value),
                    "env_files" => case.env_files = strings(value),
                    "process_env" => {
                        case.process_env = table(value);
                        case.use_process_env = true;
                    }
                    "use_process_env" => case.use_process_env = text(value) == "true",
                    "profiles" => case.profiles = strings(value),
                    "ignore_codes" => case.ignore_codes = strings(value),
                    "absent" => case.absent = strings(value),
                    "project_name" => case.project_name = Some(text(value)),
                    "codes" => case.codes = Some(strings(value)),
                    "quoted" => case.quoted = strings(value),
                    "expected_difference" => case.expected_difference = Some(text(value)),
                    "expect" => {
                        let DeValue::Table(e) = value else {
                            panic!("expect is a table")
                        };
                        for (path, v) in e.iter() {
                            let expected = match v.get_ref() {
                                DeValue::Array(_) => Expected::List(strings(v.get_ref())),
                                other => Expected::Text(text(other)),
                            };
                            case.expect.insert(path.get_ref().to_string(), expected);
                        }
                    }
                    other => panic!("{}: unknown case key `{other}`", case.name),
                }
            }
            assert!(
                !case.name.is_empty() && !case.from.is_empty(),
                "a case needs name and from"
            );
            let asserts = case.expect.len()
                + case.absent.len()
                + case.quoted.len()
                + usize::from(case.project_name.is_some())
                + usize::from(case.codes.is_some());
            assert!(asserts > 0, "{}: the case asserts nothing", case.name);
            case
        })
        .collect()
}

/// The value at a `/`-separated path (a number indexes a sequence).
fn at<'v>(root: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('/').try_fold(root, |v, step| match &v.kind {
        Kind::Map(_) => v.get(step),
        Kind::Seq(items) => items.get(step.parse::<usize>().ok()?),
        _ => None,
    })
}

fn scalar(v: &Value) -> String {
    v.scalar_text()
        .map(|s| s.into_owned())
        .unwrap_or_else(|| format!("<{}>", v.type_name()))
}

/// Runs one case; the differences found, empty when it passes.
fn run(case: &Case) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("project");
    for (name, body) in &case.files {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, body).unwrap();
    }
    std::fs::create_dir_all(&root).unwrap();
    for (k, v) in &case.process_env {
        // SAFETY: the suite runs its cases one after another on one thread.
        unsafe { std::env::set_var(k, v) };
    }
    let files = if case.compose.is_empty() {
        discover::project_in_dir_with(&root, case.use_process_env).expect("a compose file")
    } else {
        ProjectFiles {
            files: case.compose.iter().map(|f| root.join(f)).collect(),
        }
    };
    let opts = LoadOptions {
        env_files: case.env_files.iter().map(|f| root.join(f)).collect(),
        use_process_env: case.use_process_env,
        profiles: case.profiles.clone(),
        ..LoadOptions::default()
    };
    let loaded = project::load(&files, &opts);
    for k in case.process_env.keys() {
        // SAFETY: as above.
        unsafe { std::env::remove_var(k) };
    }
    let mut project = match loaded {
        Ok(p) => p,
        Err(e) => return vec![format!("load failed: {e:?}")],
    };
    project.validate_schema();
    let mut findings = project.diagnostics.clone();
    rules::run(&project, &Selection::default(), &mut findings);
    let mut diffs = Vec::new();
    let errors: Vec<&Diagnostic> = findings
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .filter(|d| !case.ignore_codes.iter().any(|c| c == d.rule.code))
        .collect();
    match &case.codes {
        Some(want) => {
            for code in want {
                if !findings.iter().any(|d| d.rule.code == code) {
                    let got: Vec<&str> = errors.iter().map(|d| d.rule.code).collect();
                    diffs.push(format!("expected diagnostic {code}, got {got:?}"));
                }
            }
        }
        None if !errors.is_empty() => diffs.push(format!(
            "expected no error, got {:?}",
            errors
                .iter()
                .map(|d| format!("{}: {}", d.rule.code, d.message))
                .collect::<Vec<_>>()
        )),
        None => {}
    }
    if let Some(name) = &case.project_name
        && &project.name != name
    {
        diffs.push(format!(
            "project name: expected {name:?}, got {:?}",
            project.name
        ));
    }
    if case.expect.is_empty() && case.absent.is_empty() && case.quoted.is_empty() {
        return diffs;
    }
    let Some(model) = view::config_model(&project) else {
        diffs.push("no model".into());
        return diffs;
    };
    let yaml = emit::to_yaml(&model, Redact::Nothing);
    let root_text = root.display().to_string();
    let rooted = |t: &str| t.replace("{root}", &root_text);
    for q in &case.quoted {
        if !yaml.contains(&format!("'{q}'")) && !yaml.contains(&format!("\"{q}\"")) {
            diffs.push(format!("expected {q:?} quoted in:\n{yaml}"));
        }
    }
    let mut emitted = project::load_text(
        &root.join("emitted.yaml"),
        yaml.clone().into(),
        &LoadOptions::default(),
    );
    emitted.validate_schema();
    let rejected: Vec<String> = emitted
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| format!("{}: {}", d.rule.code, d.message))
        .collect();
    if case.codes.is_none() && !rejected.is_empty() {
        diffs.push(format!(
            "the output is not a valid compose file: {rejected:?}"
        ));
    }
    let Some(out) = emitted.model else {
        diffs.push(format!("the output does not read back:\n{yaml}"));
        return diffs;
    };
    for (path, want) in &case.expect {
        let got = at(&out, path);
        match (want, got) {
            (_, None) => diffs.push(format!("{path}: absent")),
            (Expected::Text(t), Some(v)) if scalar(v) != rooted(t) => {
                diffs.push(format!("{path}: expected {t:?}, got {:?}", scalar(v)))
            }
            (Expected::List(l), Some(v)) => {
                let items: Vec<String> =
                    v.as_seq().unwrap_or_default().iter().map(scalar).collect();
                let l: Vec<String> = l.iter().map(|t| rooted(t)).collect();
                if items != l {
                    diffs.push(format!("{path}: expected {l:?}, got {items:?}"));
                }
            }
            _ => {}
        }
    }
    for path in &case.absent {
        if at(&out, path).is_some() {
            diffs.push(format!("{path}: expected absent"));
        }
    }
    if !diffs.is_empty() {
        diffs.push(format!("output:\n{yaml}"));
    }
    diffs
}

#[test]
fn compose_go_conformance() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    let (mut total, mut failures, mut known) = (0, Vec::new(), 0);
    for path in &paths {
        for case in cases(path) {
            total += 1;
            let diffs = run(&case);
            match (&case.expected_difference, diffs.is_empty()) {
                (None, true) => {}
                (None, false) => failures.push(format!(
                    "{} ({}), from {}:\n  {}",
                    case.name,
                    path.file_name().unwrap().to_string_lossy(),
                    case.from,
                    diffs.join("\n  ")
                )),
                (Some(_), false) => known += 1,
                (Some(note), true) => failures.push(format!(
                    "{} ({}): passes, but is marked expected_difference ({note}): remove the mark",
                    case.name, case.from
                )),
            }
        }
    }
    println!("{total} conformance cases, {known} expected differences");
    assert!(
        failures.is_empty(),
        "{} failing:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
