//! Every rule document runs: each *Example* block must be flagged exactly where its markers say,
//! each *Use instead* block must be clean, the headings and metadata must match the registry, and every
//! document has a rule and every rule a document.

mod common;

use composefix::diagnostic::{Activation, FixAvailability, RuleInfo};
use composefix::engine::{self, CheckOptions};
use composefix::rules;
use std::collections::BTreeSet;
use std::path::Path;

const HEADINGS: [&str; 6] = [
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "## Use instead",
    "## Fix safety",
    "## References",
];

/// The fenced YAML blocks between `heading` and the next `## ` heading, in order.
fn yaml_blocks<'a>(doc: &'a str, heading: &str) -> Vec<&'a str> {
    let start = doc
        .find(heading)
        .unwrap_or_else(|| panic!("no `{heading}`"));
    let section = &doc[start + heading.len()..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    let mut blocks = Vec::new();
    let mut rest = section;
    while let Some(open) = rest.find("```yaml\n") {
        let body = &rest[open + "```yaml\n".len()..];
        let close = body.find("```").expect("unclosed yaml block");
        blocks.push(&body[..close]);
        rest = &body[close + 3..];
    }
    assert!(!blocks.is_empty(), "no yaml block under `{heading}`");
    blocks
}

/// The options that check `path` with the default rules, plus `rule` when it is opt-in (its
/// examples show it switched on, and what else the default set says about them).
fn options(rule: &RuleInfo, path: &Path) -> CheckOptions {
    let mut opts = CheckOptions {
        files: vec![path.to_path_buf()],
        ..CheckOptions::default()
    };
    if rule.activation == Activation::OptIn {
        opts.overrides.layer.extend_select = vec![rule.code.to_string()];
    }
    opts
}

fn check_text(rule: &RuleInfo, text: &str) -> Vec<composefix::diagnostic::Diagnostic> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("compose.yaml");
    std::fs::write(&path, text).unwrap();
    engine::check(&options(rule, &path))
        .expect("check runs")
        .diagnostics
}

fn check_doc(rule: &RuleInfo) {
    let doc = rule.doc;
    let mut at = 0;
    for heading in HEADINGS {
        let pos = doc[at..]
            .find(heading)
            .unwrap_or_else(|| panic!("{}: `{heading}` missing or out of order", rule.code));
        at += pos;
    }
    let table_row = format!(
        "| `{}` | `{}` | {} |",
        rule.code,
        rule.name,
        rule.severity.as_str()
    );
    assert!(
        doc.contains(&table_row),
        "{}: metadata row must start with {table_row}",
        rule.code
    );
    assert!(
        doc.contains(&format!("| {} |\n", rule.fix.as_str())),
        "{}: metadata fix column must be `{}`",
        rule.code,
        rule.fix.as_str()
    );

    // Every block under *Example* is flagged exactly where its markers say; every block
    // under *Use instead* is clean. The first of each are the fix's before and after.
    let examples = yaml_blocks(doc, "## Example");
    for example in &examples {
        let expected = common::markers(example);
        assert!(
            !expected.is_empty(),
            "{}: Example has no `# error: [CODE]` marker",
            rule.code
        );
        assert!(
            expected.iter().any(|(_, _, code)| code == rule.code),
            "{}: Example markers do not name the rule",
            rule.code
        );
        let found = common::found(&check_text(rule, example), "compose.yaml");
        assert_eq!(
            found, expected,
            "{}: Example findings (line, severity, code)",
            rule.code
        );
    }
    let insteads = yaml_blocks(doc, "## Use instead");
    for instead in &insteads {
        let found = common::found(&check_text(rule, instead), "compose.yaml");
        assert_eq!(
            found,
            BTreeSet::new(),
            "{}: Use instead must be clean",
            rule.code
        );
    }
    let (example, instead) = (examples[0], insteads[0]);

    if rule.fix != FixAvailability::None {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("compose.yaml");
        std::fs::write(&path, common::strip_markers(example)).unwrap();
        let fixed = common::fixed_texts(&options(rule, &path));
        let got = fixed
            .get(&path)
            .unwrap_or_else(|| panic!("{}: the fix changed nothing", rule.code));
        assert_eq!(
            got, instead,
            "{}: fixing Example must give Use instead",
            rule.code
        );
    }
}

#[test]
fn every_rule_document_runs() {
    for rule in rules::registry() {
        check_doc(rule);
    }
}

#[test]
fn every_document_has_a_rule_and_every_rule_a_document() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut files: BTreeSet<String> = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".md") {
            files.insert(name);
        }
    }
    let expected: BTreeSet<String> = rules::registry()
        .map(|r| format!("{}-{}.md", r.code, r.name))
        .collect();
    assert_eq!(files, expected);
    for rule in rules::registry() {
        let on_disk =
            std::fs::read_to_string(dir.join(format!("{}-{}.md", rule.code, rule.name))).unwrap();
        assert_eq!(
            on_disk, rule.doc,
            "{}: the embedded document is stale",
            rule.code
        );
    }
}

#[test]
fn codes_and_names_are_unique() {
    let mut codes = BTreeSet::new();
    let mut names = BTreeSet::new();
    for rule in rules::registry() {
        assert!(codes.insert(rule.code), "duplicate code {}", rule.code);
        assert!(names.insert(rule.name), "duplicate name {}", rule.name);
    }
}
