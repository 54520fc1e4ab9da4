//! The project's own schema against the official Compose Specification schema, over the
//! corpus: both judge each file (read alone, interpolated with defaults) valid or not, and
//! the verdicts must agree on at least 99% of the files. Every disagreement is printed.

mod common;

use composefix::project::{self, LoadOptions};
use composefix::schema;

#[test]
fn verdicts_agree_with_the_official_schema() {
    let dir = common::corpus_dir();
    let official: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("compose-spec.schema.json")).unwrap(),
    )
    .unwrap();
    let official = jsonschema::draft7::new(&official).expect("official schema compiles");
    let mut judged = 0usize;
    let mut disagreements = Vec::new();
    for file in common::corpus_files(&dir) {
        let opts = LoadOptions {
            env_files: file.env.iter().cloned().collect(),
            ..Default::default()
        };
        let Some(value) = project::read_file_value(&file.path, &opts) else {
            continue;
        };
        let instance = schema::to_json(&value);
        let ours = schema::is_valid(&value);
        let theirs = official.is_valid(&instance);
        judged += 1;
        if ours != theirs {
            let why: Vec<String> = official
                .iter_errors(&instance)
                .take(3)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .collect();
            disagreements.push(format!(
                "{}: ours {}, official {} {why:?}",
                file.local,
                if ours { "valid" } else { "invalid" },
                if theirs { "valid" } else { "invalid" },
            ));
        }
    }
    let agreement = 1.0 - disagreements.len() as f64 / judged as f64;
    println!(
        "judged {judged} files, {} disagreements, agreement {:.2}%",
        disagreements.len(),
        agreement * 100.0
    );
    for d in &disagreements {
        println!("  {d}");
    }
    assert!(judged > 1500, "only {judged} files could be judged");
    assert!(
        agreement >= 0.99,
        "agreement {:.2}% is below 99%",
        agreement * 100.0
    );
}

/// The quick verdict must never contradict the full validator: over the corpus and every
/// fixture of ours (many of which are invalid on purpose), whenever the screen decides, it
/// decides as the validator does. It must also decide for most valid files, or it saves
/// nothing.
#[test]
fn screen_agrees_with_the_full_validator() {
    let dir = common::corpus_dir();
    let mut paths: Vec<(std::path::PathBuf, Vec<std::path::PathBuf>)> = common::corpus_files(&dir)
        .into_iter()
        .map(|f| (f.path, f.env.into_iter().collect()))
        .collect();
    let mut stack = vec![std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata")];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            let yaml = matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml")
            );
            if path.is_dir() {
                stack.push(path);
            } else if yaml {
                paths.push((path, Vec::new()));
            }
        }
    }
    let (mut valid, mut decided_valid, mut invalid, mut decided_invalid) = (0, 0, 0, 0);
    let mut wrong = Vec::new();
    for (path, env_files) in &paths {
        let opts = LoadOptions {
            env_files: env_files.clone(),
            ..Default::default()
        };
        let Some(value) = project::read_file_value(path, &opts) else {
            continue;
        };
        let full = schema::is_valid(&value);
        let quick = schema::quick_verdict(&value);
        if full {
            valid += 1;
            decided_valid += usize::from(quick.is_some());
        } else {
            invalid += 1;
            decided_invalid += usize::from(quick.is_some());
        }
        if quick.is_some_and(|q| q != full) {
            wrong.push(format!(
                "{}: screen {quick:?}, validator {full}",
                path.display()
            ));
        }
    }
    println!(
        "screen decided {decided_valid} of {valid} valid files, {decided_invalid} of {invalid} invalid"
    );
    assert!(
        wrong.is_empty(),
        "the screen contradicts the validator:\n{}",
        wrong.join("\n")
    );
    assert!(valid > 1500 && invalid > 20, "too few files judged");
    assert!(
        decided_valid * 100 >= valid * 95,
        "the screen decides only {decided_valid} of {valid} valid files"
    );
}
