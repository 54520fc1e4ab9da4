//! The shared corpus of real compose files (read from `../shared/corpus`, never copied):
//! nothing panics or hangs, and files that docker-compose accepted get no `SYN` finding other
//! than references to neighbour files the corpus does not carry.

mod common;

use composefix::engine::{self, CheckOptions};
use composefix::project::LoadOptions;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use std::sync::mpsc;
use std::time::Duration;

fn oracle(dir: &Path) -> HashMap<String, String> {
    let text = std::fs::read_to_string(dir.join("ORACLE.tsv")).unwrap();
    text.lines()
        .skip(1)
        .map(|row| {
            let cols: Vec<&str> = row.split('\t').collect();
            (cols[0].to_string(), cols[1].to_string())
        })
        .collect()
}

/// Files docker-compose v1 accepted although they repeat a key: PyYAML keeps the last value,
/// while Compose v2 (go-yaml) refuses the file, so composefix reports them (SYN002) on purpose.
const V1_ACCEPTED_DUPLICATE_KEYS: [&str; 5] = [
    "files/confluentinc__demo-scene/industry-themes__insurance_fraud_graphing__docker-compose.yml",
    "files/confluentinc__demo-scene/multi-cluster-connect-and-ksql__docker-compose.yml",
    "files/confluentinc__demo-scene/pipeline-to-the-cloud__docker-compose_auto-provision.yml",
    "files/confluentinc__examples/microservices-orders__docker-compose.yml",
    "files/redpanda-data__redpanda-examples/docker-compose__compose-sasl-kowl-clients.yaml",
];

#[test]
fn corpus_never_panics_or_hangs_and_accepted_files_load() {
    let Some(dir) = common::corpus_dir() else {
        return;
    };
    let files = common::corpus_files(&dir);
    assert!(
        files.len() > 1500,
        "corpus has {} compose files",
        files.len()
    );
    let oracle = oracle(&dir);

    // One worker checks the files in turn; a file that takes too long is a hang.
    let (tx, rx) = mpsc::channel();
    let jobs: Vec<(String, PathBuf, Option<PathBuf>)> = files
        .iter()
        .map(|f| (f.local.clone(), f.path.clone(), f.env.clone()))
        .collect();
    std::thread::spawn(move || {
        for (local, path, env) in jobs {
            let result = std::panic::catch_unwind(|| {
                let opts = CheckOptions {
                    files: vec![path.clone()],
                    load: LoadOptions {
                        env_files: env.into_iter().collect(),
                        ..Default::default()
                    },
                    ..Default::default()
                };
                engine::check(&opts).map(|r| {
                    r.diagnostics
                        .iter()
                        .map(|d| (d.rule.code.to_string(), d.message.clone()))
                        .collect::<Vec<_>>()
                })
            });
            if tx.send((local, result.map_err(|_| ()))).is_err() {
                return;
            }
        }
    });

    let mut panics = Vec::new();
    let mut unexpected = Vec::new();
    let mut missing_neighbours = Vec::new();
    let mut duplicate_keys = Vec::new();
    for file in &files {
        let (local, result) = rx
            .recv_timeout(Duration::from_secs(20))
            .unwrap_or_else(|_| {
                panic!(
                    "hang: no result within 20 s after the file before {}",
                    file.local
                )
            });
        let Ok(result) = result else {
            panics.push(local);
            continue;
        };
        let findings = result.unwrap_or_else(|e| vec![("EXIT2".into(), e.to_string())]);
        if oracle.get(&local).map(String::as_str) != Some("0") {
            continue;
        }
        for (code, message) in findings
            .into_iter()
            .filter(|(c, _)| c.starts_with("SYN") || c == "EXIT2")
        {
            if code == "SYN002" && V1_ACCEPTED_DUPLICATE_KEYS.contains(&local.as_str()) {
                duplicate_keys.push(format!("{local}: {message}"));
            } else if code == "SYN006" {
                missing_neighbours.push(format!("{local}: {message}"));
            } else {
                unexpected.push(format!("{local}: {code} {message}"));
            }
        }
    }
    println!(
        "accepted files referring to neighbours the corpus does not carry ({}):",
        missing_neighbours.len()
    );
    for m in &missing_neighbours {
        println!("  {m}");
    }
    println!("accepted by docker-compose v1 but refused by Compose v2 for duplicate keys:");
    for d in &duplicate_keys {
        println!("  {d}");
    }
    assert!(panics.is_empty(), "panicked on {panics:?}");
    assert!(
        unexpected.is_empty(),
        "SYN findings on files docker-compose accepted:\n{}",
        unexpected.join("\n")
    );
}
