//! `--format sarif`: SARIF 2.1.0, the format GitHub code scanning uploads and other SARIF
//! viewers read. One run; its driver lists the rules that have results (sorted by code, so
//! that `ruleIndex` is stable and the report does not carry every rule document); columns are
//! Unicode scalar values (`columnKind: unicodeCodePoints`), as in the JSON output. File names
//! are those reports show: relative ones are relative to `%SRCROOT%`. Suppressed findings are
//! included with `suppressions`. Fixes carry their edits as byte and line/column regions.

use super::fingerprint;
use crate::diagnostic::{Diagnostic, Edit, Location, RuleInfo, Severity};
use crate::source::SourceFile;
use serde::Serialize;
use std::io::{self, Write};
use std::path::Path;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/composefix/composefix";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'a str,
    version: &'a str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    column_kind: &'a str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'a str,
    version: &'a str,
    information_uri: &'a str,
    rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    id: &'a str,
    name: &'a str,
    short_description: OwnedText,
    full_description: OwnedText,
    help: Markdown<'a>,
    help_uri: String,
    default_configuration: Configuration<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<RuleProperties>,
}

/// A security rule's properties, as GitHub code scanning reads them: `security-severity`, a
/// CVSS-like score as a string that ranks alerts critical/high/medium/low, and the `security`
/// tag that files the alerts under security.
#[derive(Serialize)]
struct RuleProperties {
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
    tags: [&'static str; 1],
}

#[derive(Serialize)]
struct OwnedText {
    text: String,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct Markdown<'a> {
    text: String,
    markdown: &'a str,
}

#[derive(Serialize)]
struct Configuration<'a> {
    level: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'a str,
    message: Text<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<SarifLocation<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<SarifLocation<'a>>,
    partial_fingerprints: Fingerprints,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<SarifSuppression<'a>>,
}

/// `partialFingerprints`: one key, our own scheme (see `fingerprint.rs`), versioned.
#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "composefix/v1")]
    value: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

/// A region given both ways: lines and columns (1-based, end column exclusive) and bytes.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
    byte_offset: usize,
    byte_length: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix<'a> {
    description: Text<'a>,
    artifact_changes: Vec<ArtifactChange<'a>>,
    properties: FixProperties<'a>,
}

/// Whether `--write` applies the fix (`safe`) or only `--write --unsafe-fixes` (`review`).
#[derive(Serialize)]
struct FixProperties<'a> {
    applicability: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange<'a> {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement<'a> {
    deleted_region: Region,
    inserted_content: Text<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifSuppression<'a> {
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    justification: Option<&'a str>,
    location: SarifLocation<'a>,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Percent-encodes what a URI path may not hold as is (RFC 3986 unreserved, `/` kept).
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(char::from(b));
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The artifact of a file: its reported name, relative to `%SRCROOT%`, or a `file:` URI when
/// the name is absolute.
fn artifact(file: &SourceFile) -> ArtifactLocation {
    let name = file.name().replace('\\', "/");
    if Path::new(file.name()).is_absolute() {
        let name = name.strip_prefix('/').unwrap_or(&name);
        ArtifactLocation {
            uri: format!("file:///{}", encode_path(name)),
            uri_base_id: None,
        }
    } else {
        ArtifactLocation {
            uri: encode_path(&name),
            uri_base_id: Some("%SRCROOT%"),
        }
    }
}

fn region(file: &SourceFile, start: usize, end: usize) -> Region {
    let (s, e) = (file.line_col(start), file.line_col(end));
    Region {
        start_line: s.line,
        start_column: s.column,
        end_line: e.line,
        end_column: e.column,
        byte_offset: start,
        byte_length: end - start,
    }
}

fn location<'a>(l: &Location, id: Option<usize>, message: Option<&'a str>) -> SarifLocation<'a> {
    SarifLocation {
        id,
        physical_location: PhysicalLocation {
            artifact_location: artifact(&l.file),
            region: region(&l.file, l.span.start, l.span.end),
        },
        message: message.map(|text| Text { text }),
    }
}

/// The edits of a fix, grouped by file in the order the files first appear.
fn artifact_changes(edits: &[Edit]) -> Vec<ArtifactChange<'_>> {
    let mut changes: Vec<(&SourceFile, ArtifactChange)> = Vec::new();
    for e in edits {
        let replacement = Replacement {
            deleted_region: region(&e.file, e.span.start, e.span.end),
            inserted_content: Text { text: &e.content },
        };
        match changes.iter_mut().find(|(f, _)| std::ptr::eq(*f, &*e.file)) {
            Some((_, change)) => change.replacements.push(replacement),
            None => changes.push((
                &e.file,
                ArtifactChange {
                    artifact_location: artifact(&e.file),
                    replacements: vec![replacement],
                },
            )),
        }
    }
    changes.into_iter().map(|(_, c)| c).collect()
}

/// A rule's entry: its summary as the descriptions (on one line), and its document as the
/// help (GitHub shows `help.markdown` with each alert), carried once rather than in every field.
///
/// A security rule (the SEC pack) carries `security-severity` for the highest severity its
/// results have in this run (SEC010 and SEC011 vary by finding): `9.0` for an error (high),
/// `5.0` for a warning (medium), `2.0` for advice (low).
fn rule(info: &'static RuleInfo, severity: Severity) -> Rule<'static> {
    let summary = info
        .summary()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let url = info.doc_url();
    Rule {
        id: info.code,
        name: info.name,
        short_description: OwnedText {
            text: summary.clone(),
        },
        full_description: OwnedText {
            text: summary.clone(),
        },
        help: Markdown {
            text: format!("{summary}\n\nSee {url}"),
            markdown: info.doc,
        },
        help_uri: url,
        default_configuration: Configuration {
            level: level(info.severity),
        },
        properties: info.is_security().then_some(RuleProperties {
            security_severity: match severity {
                Severity::Error => "9.0",
                Severity::Warning => "5.0",
                Severity::Info => "2.0",
            },
            tags: ["security"],
        }),
    }
}

pub(super) fn write(out: &mut dyn Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
    let mut rules: Vec<&'static RuleInfo> = diagnostics.iter().map(|d| d.rule).collect();
    rules.sort_by_key(|r| r.code);
    rules.dedup_by_key(|r| r.code);
    let fingerprints = fingerprint::fingerprints(diagnostics);
    let results = diagnostics
        .iter()
        .zip(fingerprints)
        .map(|(d, fingerprint)| SarifResult {
            rule_id: d.rule.code,
            rule_index: rules
                .binary_search_by_key(&d.rule.code, |r| r.code)
                .unwrap_or_default(),
            level: level(d.severity),
            message: Text { text: &d.message },
            locations: d.location.iter().map(|l| location(l, None, None)).collect(),
            related_locations: d
                .labels
                .iter()
                .enumerate()
                .map(|(i, l)| location(&l.location, Some(i), Some(&l.message)))
                .collect(),
            partial_fingerprints: Fingerprints { value: fingerprint },
            fixes: d
                .fix
                .iter()
                .map(|f| SarifFix {
                    description: Text { text: &f.title },
                    artifact_changes: artifact_changes(&f.edits),
                    properties: FixProperties {
                        applicability: f.applicability.as_str(),
                    },
                })
                .collect(),
            suppressions: d
                .suppression
                .iter()
                .map(|s| SarifSuppression {
                    kind: "inSource",
                    justification: s.reason.as_deref(),
                    location: location(&s.location, None, None),
                })
                .collect(),
        })
        .collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "composefix",
                    version: env!("CARGO_PKG_VERSION"),
                    information_uri: INFORMATION_URI,
                    rules: rules
                        .into_iter()
                        .map(|info| {
                            let worst = diagnostics
                                .iter()
                                .filter(|d| d.rule.code == info.code)
                                .map(|d| d.severity)
                                .max()
                                .unwrap_or(info.severity);
                            rule(info, worst)
                        })
                        .collect(),
                },
            },
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    let mut text = serde_json::to_vec_pretty(&log)?;
    text.push(b'\n');
    out.write_all(&text)
}
