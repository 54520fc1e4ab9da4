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
