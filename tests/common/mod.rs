//! Helpers shared by the integration tests: running a check on files, reading expectation
//! markers (`# error: [CODE]`) out of YAML.

#![allow(dead_code)]

use composefix::diagnostic::Diagnostic;
use composefix::engine::{self, CheckOptions};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// `(line, severity, code)` expected or found.
pub type Finding = (usize, String, String);

/// The markers in `text`: a comment `# error: [CODE]` (or `warning`, `info`; several codes
/// separated by commas) means a finding of that code starting on that line.
pub fn markers(text: &str) -> BTreeSet<Finding> {
    let mut out = BTreeSet::new();
    for (i, line) in text.lines().enumerate() {
        for severity in ["error", "warning", "info"] {
            let tag = format!("# {severity}: [");
            let Some(at) = line.find(&tag) else { continue };
            let rest = &line[at + tag.len()..];
            let Some(end) = rest.find(']') else { continue };
            for code in rest[..end].split(',') {
                out.insert((i + 1, severity.to_string(), code.trim().to_string()));
            }
        }
    }
    out
}

/// Removes the markers, leaving the YAML as a user would write it.
pub fn strip_markers(text: &str) -> String {
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        let (body, nl) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        let cut = ["# error: [", "# warning: [", "# info: ["]
            .iter()
            .filter_map(|t| body.find(t))
            .min();
        match cut {
            Some(at) => {
                out.push_str(body[..at].trim_end());
                out.push_str(nl);
            }
            None => out.push_str(line),
        }
    }
    out
}

/// Checks the project of `files` (merged in order).
pub fn check_files(files: &[PathBuf]) -> Vec<Diagnostic> {
    let opts = CheckOptions {
        files: files.to_vec(),
        ..CheckOptions::default()
    };
    engine::check(&opts).expect("check runs").diagnostics
}

/// Checks every project under `dir`.
pub fn check_dir(dir: &Path) -> Vec<Diagnostic> {
    let opts = CheckOptions {
        paths: vec![dir.to_path_buf()],
        ..CheckOptions::default()
    };
    engine::check(&opts).expect("check runs").diagnostics
}

/// Unsuppressed findings as `(line, severity, code)`, for files whose name ends with
/// `file_suffix`.
pub fn found(diagnostics: &[Diagnostic], file_suffix: &str) -> BTreeSet<Finding> {
    diagnostics
        .iter()
        .filter(|d| d.suppression.is_none())
        .filter_map(|d| {
            let l = d.location.as_ref()?;
            if !l.file.path().to_string_lossy().ends_with(file_suffix) {
                return None;
            }
            let line = l.file.line_col(l.span.start).line;
            Some((
                line,
                d.severity.as_str().to_string(),
                d.rule.code.to_string(),
            ))
        })
        .collect()
}

/// The path of the shared corpus; None (after saying why on stderr) when it is absent, so
/// that a clone of this repository alone runs the rest of the tests.
pub fn corpus_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if dir.join("MANIFEST.tsv").is_file() {
        return Some(dir);
    }
    // CI has the corpus: there a missing corpus is a broken set-up, not a reason to skip.
    assert!(
        std::env::var_os("CI").is_none_or(|v| v != "true"),
        "the shared corpus is missing under CI=true: expected {}",
        dir.display()
    );
    eprintln!(
        "skipped: the shared corpus is not at {} (this test reads ../shared/corpus)",
        dir.display()
    );
    None
}

/// A compose file of the corpus with its sibling `.env`, if the corpus has one.
pub struct CorpusFile {
    pub local: String,
    pub path: PathBuf,
    pub env: Option<PathBuf>,
}

/// Every compose file of the corpus (not the `.env` files), with its sibling `.env`.
pub fn corpus_files(dir: &Path) -> Vec<CorpusFile> {
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).unwrap();
    let mut out = Vec::new();
    for row in manifest.lines().skip(1) {
        let cols: Vec<&str> = row.split('\t').collect();
        let (local, original) = (cols[0], cols[3]);
        if original.rsplit('/').next() == Some(".env") {
            continue;
        }
        let path = dir.join(local);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let env_name = match name.rfind("__") {
            Some(i) => format!("{}__.env", &name[..i]),
            None => ".env".to_string(),
        };
        let env = Some(path.with_file_name(env_name)).filter(|p| p.is_file());
        out.push(CorpusFile {
            local: local.to_string(),
            path,
            env,
        });
    }
    out
}

/// The fixed text of every file the fixes change (review fixes included), after verifying
/// that fixing again changes nothing (idempotence).
pub fn fixed_texts(opts: &CheckOptions) -> std::collections::BTreeMap<PathBuf, String> {
    let (outcome, _) = engine::fix(opts, true).expect("fix runs");
    assert!(
        outcome.failures.is_empty(),
        "fix failures: {:?}",
        outcome.failures
    );
    let fixed: std::collections::BTreeMap<PathBuf, String> = outcome
        .changed
        .into_iter()
        .map(|(p, (_, new))| (p, new))
        .collect();
    let mut again = opts.clone();
    again.load.overlay = fixed.clone().into_iter().collect();
    let (second, _) = engine::fix(&again, true).expect("fix runs");
    assert!(
        second.changed.is_empty(),
        "a second fix pass changed {:?}",
        second.changed.keys()
    );
    fixed
}
