//! The layers of the crate point one way: each top-level module of `src/` may use only the
//! modules below it in [`LAYERS`] (DESIGN.md §3), so that there is no import cycle between
//! them. The check reads the sources as text: every `crate::<module>` path, including those
//! inside `use crate::{…}` groups, outside comments.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The top-level modules of the library, bottom first. A module may use those before it.
/// `parallel` is a utility every layer may use.
const LAYERS: [&str; 13] = [
    "parallel",
    "source",
    "diagnostic",
    "project",
    "fix",
    "images",
    "facts",
    "rules",
    "config",
    "engine",
    "graph",
    "report",
    "server",
];

fn rank(module: &str) -> Option<usize> {
    LAYERS.iter().position(|m| *m == module)
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a line, without a trailing `//` comment (good enough for paths: a `//` inside
/// a string only hides what follows it on that line).
fn code(line: &str) -> &str {
    match line.find("//") {
        Some(i) => &line[..i],
        None => line,
    }
}

/// The top-level modules a source text names through `crate::`.
fn used_modules(text: &str) -> BTreeSet<String> {
    let code: String = text.lines().map(code).collect::<Vec<_>>().join("\n");
    let mut used = BTreeSet::new();
    let mut rest = code.as_str();
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{a::x, b::{y, z}}`: the first word of each top-level item.
            let mut depth = 0;
            let mut item_start = true;
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        rest = &group[j..];
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && (c.is_alphanumeric() || c == '_') => {
                        used.insert(word(&group[j..]).to_string());
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            used.insert(word(rest).to_string());
        }
    }
    used
}

fn word(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

#[test]
fn modules_use_only_the_layers_below_them() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    files.sort();
    let mut seen = BTreeSet::new();
    let mut wrong = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        let first = relative.components().next().unwrap().as_os_str();
        let module = first.to_string_lossy();
        let module = module.trim_end_matches(".rs");
        if module == "lib" || module == "main" {
            continue;
        }
        let own = rank(module).unwrap_or_else(|| {
            panic!("src/{module} is a top-level module missing from LAYERS in tests/layers.rs")
        });
        seen.insert(module.to_string());
        let text = std::fs::read_to_string(file).unwrap();
        for used in used_modules(&text) {
            match rank(&used) {
                Some(r) if r > own => wrong.push(format!(
                    "src/{} uses crate::{used}, a layer above `{module}`",
                    relative.display()
                )),
                Some(_) => {}
                // Items of the crate root (macros such as `rule_info!` resolve there).
                None => {}
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layers:\n{}",
        wrong.join("\n")
    );
    for layer in LAYERS {
        assert!(
            seen.contains(layer),
            "LAYERS names `{layer}`, which src/ does not have"
        );
    }
}

#[test]
fn the_scanner_reads_use_groups_and_skips_comments() {
    let text = "use crate::{a::x, b::{c, d}, e};\nlet v = crate::f::g(); // crate::h\n";
    let used: Vec<String> = used_modules(text).into_iter().collect();
    assert_eq!(used, ["a", "b", "e", "f"]);
}
