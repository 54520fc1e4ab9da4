//! The project's own schema against the official Compose Specification schema, over the
//! corpus: both judge each file (read alone, interpolated with defaults) valid or not, and
//! the verdicts must agree on at least 99% of the files. Every disagreement is printed.

mod common;

use composefix::project::schema;
use composefix::project::{self, LoadOptions};

#[test]
fn verdicts_agree_with_the_official_schema() {
    let Some(dir) = common::corpus_dir() else {
        return;
    };
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
    let Some(dir) = common::corpus_dir() else {
        return;
    };
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

/// The screen against the validator on damaged files: deterministic mutations of corpus files
/// (a value of another type, an out-of-range number, an unknown or extension key, a repeated
/// list item, a bad enum or pattern value) anywhere in the tree. Whenever the screen decides,
/// it must decide as the validator does.
#[test]
fn screen_agrees_on_mutated_files() {
    use composefix::project::value::{Kind, Str, Value};
    use composefix::source::ScalarStyle;

    fn next(seed: &mut u64) -> usize {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (*seed >> 33) as usize
    }
    fn text(s: &str) -> Kind {
        Kind::Str(Str {
            text: s.to_string(),
            style: ScalarStyle::Plain,
            raw_offset: None,
            interpolation: None,
        })
    }
    /// Walks to a random node and damages it.
    fn mutate(value: &mut Value, seed: &mut u64) {
        let children = match &value.kind {
            Kind::Map(m) => m.len(),
            Kind::Seq(s) => s.len(),
            _ => 0,
        };
        if children > 0 && next(seed) % 4 != 0 {
            let pick = next(seed) % children;
            match &mut value.kind {
                Kind::Map(m) => {
                    if let Some(child) = m.values_mut().nth(pick) {
                        return mutate(child, seed);
                    }
                }
                Kind::Seq(s) => return mutate(&mut s[pick], seed),
                _ => {}
            }
        }
        let origin = value.origin;
        match (next(seed) % 12, &mut value.kind) {
            (0, Kind::Map(m)) => {
                m.insert("enviroment".into(), origin, Value::new(text("x"), origin))
            }
            (1, Kind::Map(m)) => {
                m.insert("x-extra".into(), origin, Value::new(Kind::Int(1), origin))
            }
            (2, Kind::Seq(s)) if !s.is_empty() => {
                let first = s[0].clone();
                s.push(first);
            }
            (3, kind) => *kind = Kind::Null,
            (4, kind) => *kind = Kind::Bool(true),
            (5, kind) => *kind = Kind::Int(70000),
            (6, kind) => *kind = Kind::Int(-1),
            (7, kind) => *kind = Kind::Float(1.5),
            (8, kind) => *kind = text("sometimes"),
            (9, kind) => *kind = text(""),
            (10, kind) => *kind = Kind::Seq(Vec::new()),
            (_, kind) => *kind = Kind::Map(Default::default()),
        }
    }

    let Some(dir) = common::corpus_dir() else {
        return;
    };
    let (mut judged, mut decided, mut invalid) = (0usize, 0usize, 0usize);
    let mut wrong = Vec::new();
    let mut seed = 7u64;
    for file in common::corpus_files(&dir).iter().step_by(4) {
        let opts = LoadOptions {
            env_files: file.env.iter().cloned().collect(),
            ..Default::default()
        };
        let Some(original) = project::read_file_value(&file.path, &opts) else {
            continue;
        };
        for round in 0..6 {
            let mut value = original.clone();
            mutate(&mut value, &mut seed);
            let full = schema::is_valid(&value);
            let quick = schema::quick_verdict(&value);
            judged += 1;
            decided += usize::from(quick.is_some());
            invalid += usize::from(!full);
            if quick.is_some_and(|q| q != full) {
                wrong.push(format!(
                    "{} (mutation {round}): screen {quick:?}, validator {full}",
                    file.local
                ));
            }
        }
    }
    println!("mutated files: {judged} ({invalid} invalid), decided by the screen: {decided}");
    assert!(
        wrong.is_empty(),
        "the screen contradicts the validator:\n{}",
        wrong.join("\n")
    );
    assert!(
        judged > 2000 && invalid > 500,
        "too few mutated files: {judged}, {invalid} invalid"
    );
}
