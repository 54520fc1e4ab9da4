//! The machine formats (SARIF, GitHub workflow commands, JUnit XML, GitLab Code Quality): their
//! structure, checked through the library on bundled fixtures (the Kafka example, a file with a
//! SYN finding, a clean file, files whose only fix is known), and one snapshot per format of the
//! binary's output, so that any change of it is a reviewed diff of
//! `tests/snapshots/formats__<format>.snap`.

use composefix::diagnostic::{Diagnostic, Suppression};
use composefix::engine::{self, CheckOptions, CheckResult};
use composefix::report::{self, Format, ReportOptions};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The Kafka example (SCH and KAF findings, fixes), a SYN002 file, and a clean project.
const MIXED: [&str; 3] = [
    "testdata/examples/kafka",
    "testdata/duplicate-key/service-key.yaml",
    "testdata/examples/clean",
];

/// Files with exactly one fix each: a safe one-edit fix and a review fix of several edits.
const SINGLE_FIX: [&str; 2] = [
    "testdata/zookeeper-connect-loopback/bitnami-list-form.yaml",
    "testdata/zookeeper-connect-loopback/no-zookeeper-chroot-extra-hosts.yaml",
];

/// Two findings on the same text, in two services (an anchor shared by two brokers).
const SHARED_ANCHOR: &str = "testdata/zookeeper-connect-loopback/anchor-shared-by-two-brokers.yaml";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Checks `paths` (relative to the crate root, which is the test's working directory, so
/// reports show relative names).
fn check(paths: &[&str]) -> CheckResult {
    assert_eq!(std::env::current_dir().unwrap(), root());
    let opts = CheckOptions {
        paths: paths.iter().map(PathBuf::from).collect(),
        ..CheckOptions::default()
    };
    engine::check(&opts).expect("check runs")
}

fn render(format: Format, result: &CheckResult, options: ReportOptions) -> String {
    render_list(format, &result.diagnostics, result, options)
}

fn render_list(
    format: Format,
    diagnostics: &[Diagnostic],
    result: &CheckResult,
    options: ReportOptions,
) -> String {
    let mut out = Vec::new();
    report::write(&mut out, format, diagnostics, &result.totals, options).unwrap();
    String::from_utf8(out).unwrap()
}

/// The findings of `result` with the first one suppressed by a comment giving `reason`.
fn with_first_suppressed(result: &CheckResult, reason: Option<&str>) -> Vec<Diagnostic> {
    let mut diagnostics = result.diagnostics.clone();
    let first = &mut diagnostics[0];
    first.suppression = Some(Suppression {
        location: first.location.clone().expect("a located finding"),
        reason: reason.map(str::to_string),
    });
    diagnostics
}

// ---------------------------------------------------------------------------------------------
// SARIF

/// Checks that a SARIF region lies inside `text` and that its lines and columns (Unicode scalar
/// values, end exclusive) say the same as its bytes.
fn check_region(region: &Value, text: &str, what: &str) {
    let field = |k: &str| {
        region[k]
            .as_u64()
            .unwrap_or_else(|| panic!("{what}: region without {k}: {region}")) as usize
    };
    let (offset, length) = (field("byteOffset"), field("byteLength"));
    assert!(
        offset + length <= text.len(),
        "{what}: bytes beyond the file"
    );
    let lines: Vec<&str> = text.split('\n').collect();
    let place = |line: usize, column: usize| {
        assert!(
            line >= 1 && line <= lines.len(),
            "{what}: line {line} not in the file"
        );
        let chars = lines[line - 1].trim_end_matches('\r').chars().count();
        assert!(
            column >= 1 && column <= chars + 2,
            "{what}: column {column} not in line {line} ({chars} characters)"
        );
        // Byte offset of (line, column).
        let start: usize = lines[..line - 1].iter().map(|l| l.len() + 1).sum();
        let within: usize = lines[line - 1]
            .chars()
            .take(column - 1)
            .map(char::len_utf8)
            .sum();
        start + within
    };
    let start = place(field("startLine"), field("startColumn"));
    let end = place(field("endLine"), field("endColumn"));
    assert_eq!(
        start, offset,
        "{what}: start line/column and byteOffset differ"
    );
    assert_eq!(
        end,
        offset + length,
        "{what}: end line/column and byteLength differ"
    );
}

/// The file a SARIF artifact location names (relative to `%SRCROOT%`, the crate root here).
fn artifact_text(location: &Value) -> (String, String) {
    assert_eq!(location["uriBaseId"], "%SRCROOT%", "{location}");
    let uri = location["uri"].as_str().expect("uri").to_string();
    let text = std::fs::read_to_string(root().join(&uri)).expect("the artifact exists");
    (uri, text)
}

fn sarif_of(paths: &[&str]) -> Value {
    let result = check(paths);
    serde_json::from_str(&render(Format::Sarif, &result, ReportOptions::default()))
        .expect("SARIF is JSON")
}

#[test]
fn sarif_has_the_required_properties_and_consistent_rules() {
    let mut paths = MIXED.to_vec();
    paths.extend(SINGLE_FIX);
    paths.push(SHARED_ANCHOR);
    let log = sarif_of(&paths);
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(
        log["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    let runs = log["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "composefix");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().expect("rules");
    for rule in rules {
        let (id, name) = (rule["id"].as_str().unwrap(), rule["name"].as_str().unwrap());
        let doc = format!("rules/{id}-{name}.md");
        assert!(root().join(&doc).is_file(), "{doc} is missing");
        assert_eq!(
            rule["helpUri"],
            format!("https://github.com/composefix/composefix/blob/main/{doc}")
        );
        assert_eq!(
            rule["help"]["markdown"].as_str().unwrap(),
            std::fs::read_to_string(root().join(&doc)).unwrap()
        );
        assert!(
            !rule["shortDescription"]["text"]
                .as_str()
                .unwrap()
                .is_empty()
        );
        assert!(
            ["error", "warning", "note"]
                .contains(&rule["defaultConfiguration"]["level"].as_str().unwrap())
        );
    }
    let results = run["results"].as_array().expect("results");
    assert!(results.len() >= 8, "{}", results.len());
    let mut codes = BTreeSet::new();
    for r in results {
        let id = r["ruleId"].as_str().expect("ruleId");
        codes.insert(id);
        let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], id, "ruleIndex points at its rule");
        assert!(!r["message"]["text"].as_str().unwrap().is_empty());
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        assert!(
            r.get("suppressions").is_none(),
            "nothing is suppressed here"
        );
        let fingerprint = r["partialFingerprints"]["composefix/v1"].as_str().unwrap();
        assert_eq!(fingerprint.len(), 16);
        for key in ["locations", "relatedLocations"] {
            for l in r[key].as_array().into_iter().flatten() {
                let physical = &l["physicalLocation"];
                let (uri, text) = artifact_text(&physical["artifactLocation"]);
                check_region(&physical["region"], &text, &format!("{id} {key} in {uri}"));
            }
        }
        for fix in r["fixes"].as_array().into_iter().flatten() {
            assert!(!fix["description"]["text"].as_str().unwrap().is_empty());
            for change in fix["artifactChanges"].as_array().unwrap() {
                let (uri, text) = artifact_text(&change["artifactLocation"]);
                for rep in change["replacements"].as_array().unwrap() {
                    check_region(&rep["deletedRegion"], &text, &format!("{id} fix in {uri}"));
                    assert!(rep["insertedContent"]["text"].is_string());
                }
            }
        }
    }
    // The rules listed are exactly those with results, sorted by code.
    let listed: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(listed, codes.iter().copied().collect::<Vec<_>>());
    for code in ["SYN002", "SCH001", "SCH002", "KAF001"] {
        assert!(codes.contains(code), "{code} is reported");
    }
}

/// Applies SARIF replacements (byteOffset, byteLength, insertedContent) to a text.
fn apply_replacements(text: &str, replacements: &[Value]) -> String {
    let mut reps: Vec<(usize, usize, &str)> = replacements
        .iter()
        .map(|r| {
            let region = &r["deletedRegion"];
            (
                region["byteOffset"].as_u64().unwrap() as usize,
                region["byteLength"].as_u64().unwrap() as usize,
                r["insertedContent"]["text"].as_str().unwrap(),
            )
        })
        .collect();
    // From the end, so that earlier offsets stay valid; insertions at one offset keep their
    // order (the later one is inserted first).
    reps.sort_by_key(|(offset, _, _)| *offset);
    let mut out = text.to_string();
    for (offset, length, content) in reps.into_iter().rev() {
        out.replace_range(offset..offset + length, content);
    }
    out
}

#[test]
fn sarif_fixes_give_the_text_the_engine_writes() {
    for file in SINGLE_FIX {
        let log = sarif_of(&[file]);
        let fixes: Vec<&Value> = log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| r["fixes"].as_array().into_iter().flatten())
            .collect();
        assert_eq!(fixes.len(), 1, "{file}: one fix");
        let mut fixed_by_sarif = BTreeMap::new();
        for change in fixes[0]["artifactChanges"].as_array().unwrap() {
            let (uri, text) = artifact_text(&change["artifactLocation"]);
            let replacements = change["replacements"].as_array().unwrap();
            fixed_by_sarif.insert(uri, apply_replacements(&text, replacements));
        }
        let opts = CheckOptions {
            files: vec![PathBuf::from(file)],
            ..CheckOptions::default()
        };
        let (outcome, _) = engine::fix(&opts, true).expect("fix runs");
        assert_eq!(outcome.applied.len(), 1, "{file}: {:?}", outcome.applied);
        let fixed_by_engine: BTreeMap<String, String> = outcome
            .changed
            .into_iter()
            .map(|(path, (_, new))| (path.to_string_lossy().into_owned(), new))
            .collect();
        assert_eq!(fixed_by_sarif, fixed_by_engine, "{file}");
    }
}

#[test]
fn suppressed_findings_are_marked_in_json_and_sarif_and_left_out_elsewhere() {
    let result = check(&["testdata/examples/kafka"]);
    let all = result.diagnostics.len();
    let code = result.diagnostics[0].rule.code;
    let suppressed = with_first_suppressed(&result, Some("the team's reason"));
    let options = ReportOptions::default();

    let sarif: Value =
        serde_json::from_str(&render_list(Format::Sarif, &suppressed, &result, options)).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), all, "SARIF keeps suppressed findings");
    let marks = &results[0]["suppressions"];
    assert_eq!(marks[0]["kind"], "inSource");
    assert_eq!(marks[0]["justification"], "the team's reason");
    assert!(results[1..].iter().all(|r| r.get("suppressions").is_none()));
    let no_reason = with_first_suppressed(&result, None);
    let sarif: Value =
        serde_json::from_str(&render_list(Format::Sarif, &no_reason, &result, options)).unwrap();
    let mark = &sarif["runs"][0]["results"][0]["suppressions"][0];
    assert_eq!(mark["kind"], "inSource");
    assert!(mark.get("justification").is_none());

    let json: Value =
        serde_json::from_str(&render_list(Format::Json, &suppressed, &result, options)).unwrap();
    let listed = json["diagnostics"].as_array().unwrap();
    assert_eq!(listed.len(), all);
    assert_eq!(listed[0]["suppressed"], true);
    let c = &json["summary"];
    let counted = c["errors"].as_u64().unwrap()
        + c["warnings"].as_u64().unwrap()
        + c["infos"].as_u64().unwrap();
    assert_eq!(
        counted as usize,
        all - 1,
        "the summary counts unsuppressed findings"
    );
    assert_eq!(c["fixable"], 2);

    // Left out of the other formats...
    let concise = render_list(Format::Concise, &suppressed, &result, options);
    assert_eq!(
        concise.lines().count(),
        all,
        "{all} - 1 findings and the summary"
    );
    assert!(!concise.contains("suppressed"));
    let github = render_list(Format::Github, &suppressed, &result, options);
    assert_eq!(github.lines().count(), all - 1);
    let gitlab: Value =
        serde_json::from_str(&render_list(Format::Gitlab, &suppressed, &result, options)).unwrap();
    assert_eq!(gitlab.as_array().unwrap().len(), all - 1);
    let junit = render_list(Format::Junit, &suppressed, &result, options);
    assert_eq!(junit.matches("<failure ").count(), all - 1);
    // ...unless shown, marked.
    let shown = ReportOptions {
        show_suppressed: true,
        ..options
    };
    let concise = render_list(Format::Concise, &suppressed, &result, shown);
    let first = concise.lines().next().unwrap();
    assert!(
        first.contains(code) && first.ends_with(" (suppressed: the team's reason)"),
        "{first}"
    );
    assert_eq!(
        concise.lines().last().unwrap(),
        "Found 5 errors (2 fixable with --write, 1 suppressed).",
        "the suppressed warning (with a fix) is shown, not counted"
    );
    let human = render_list(Format::Human, &suppressed, &result, shown);
    assert!(human.contains("(suppressed: the team's reason)"), "{human}");
    let github = render_list(Format::Github, &suppressed, &result, shown);
    assert!(
        github.lines().next().unwrap().starts_with("::notice "),
        "{github}"
    );
    let junit = render_list(Format::Junit, &suppressed, &result, shown);
    assert!(junit.contains("<skipped message=\"suppressed: the team's reason\"/>"));
    assert_eq!(junit.matches("<failure ").count(), all - 1);
}

// ---------------------------------------------------------------------------------------------
// GitHub

#[test]
fn github_lines_are_exact_and_escaped() {
    let result = check(&[
        "testdata/duplicate-key/service-key.yaml",
        "testdata/examples/clean",
    ]);
    assert_eq!(
        render(Format::Github, &result, ReportOptions::default()),
        "::error file=testdata/duplicate-key/service-key.yaml,line=6,col=5,endLine=6,\
         endColumn=10,title=SYN002 duplicate-key::duplicate key `ports`%0Ahelp: Compose refuses a mapping with a \
         repeated key: keep one of them\n"
    );

    // A file name and a message with the characters GitHub requires escaped.
    let dir = tempfile::tempdir().unwrap();
    let odd = dir.path().join("a,b:c%d.yaml");
    std::fs::write(
        &odd,
        "services:\n  web:\n    image: nginx:1.27\n    image: httpd:2.4\n",
    )
    .unwrap();
    let opts = CheckOptions {
        files: vec![odd.clone()],
        ..CheckOptions::default()
    };
    let mut result = engine::check(&opts).unwrap();
    result.diagnostics[0].message = "50% done, then: more\r\nnext line".to_string();
    result.diagnostics[0].help = Some("do a, b: c".to_string());
    let text = render(Format::Github, &result, ReportOptions::default());
    let dir_name = dir.path().to_str().unwrap();
    assert!(!dir_name.contains([',', ':', '%']), "{dir_name}");
    assert_eq!(
        text,
        format!(
            "::error file={dir_name}/a%2Cb%3Ac%25d.yaml,line=4,col=5,endLine=4,endColumn=10,\
             title=SYN002 duplicate-key::50%25 done, then: more%0D%0Anext line%0Ahelp: do a, b: c\n"
        )
    );
}

// ---------------------------------------------------------------------------------------------
// JUnit

/// An element of a parsed XML document.
#[derive(Debug)]
struct Element {
    name: String,
    attributes: BTreeMap<String, String>,
    children: Vec<Element>,
    text: String,
}

/// Decodes the references XML 1.0 defines; panics on anything else after `&`.
fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let end = rest[at..].find(';').expect("a reference ends with ;") + at;
        let name = &rest[at + 1..end];
        out.push(match name {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let n = name.strip_prefix('#').expect("a known reference");
                let code = match n.strip_prefix('x') {
                    Some(hex) => u32::from_str_radix(hex, 16),
                    None => n.parse(),
                };
                char::from_u32(code.expect("a number")).expect("a character")
            }
        });
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    assert!(!out.contains('\0'));
    out
}

/// A well-formedness check and parser for the XML we write: a declaration, one root element,
/// elements with double-quoted attributes, text with references, no comments or CDATA.
fn parse_xml(xml: &str) -> Element {
    fn element(s: &mut &str) -> Element {
        *s = s.strip_prefix('<').expect("an element starts with <");
        let end = s
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .unwrap();
        let name = s[..end].to_string();
        assert!(!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()));
        *s = &s[end..];
        let mut attributes = BTreeMap::new();
        loop {
            *s = s.trim_start();
            if let Some(rest) = s.strip_prefix("/>") {
                *s = rest;
                return Element {
                    name,
                    attributes,
                    children: Vec::new(),
                    text: String::new(),
                };
            }
            if let Some(rest) = s.strip_prefix('>') {
                *s = rest;
                break;
            }
            let eq = s.find("=\"").expect("attribute=\"value\"");
            let key = s[..eq].to_string();
            assert!(key.chars().all(|c| c.is_ascii_alphanumeric()), "{key}");
            let value_end = s[eq + 2..].find('"').unwrap() + eq + 2;
            let raw = &s[eq + 2..value_end];
            assert!(!raw.contains('<'), "< in an attribute: {raw}");
            assert!(
                attributes.insert(key, unescape(raw)).is_none(),
                "repeated attribute"
            );
            *s = &s[value_end + 1..];
        }
        let mut children = Vec::new();
        let mut text = String::new();
        loop {
            let lt = s.find('<').expect("unclosed element");
            text.push_str(&unescape(&s[..lt]));
            *s = &s[lt..];
            if let Some(rest) = s.strip_prefix("</") {
                let close = rest.find('>').unwrap();
                assert_eq!(&rest[..close], name, "mismatched end tag");
                *s = &rest[close + 1..];
                return Element {
                    name,
                    attributes,
                    children,
                    text,
                };
            }
            children.push(element(s));
        }
    }
    let mut s = xml
        .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .expect("the XML declaration");
    let root = element(&mut s);
    assert_eq!(s.trim(), "", "one root element");
    root
}

#[test]
fn the_xml_checker_rejects_what_is_not_well_formed() {
    let decl = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    for bad in [
        "<a><b></a>",
        "<a x=\"<\"/>",
        "<a>&bogus;</a>",
        "<a/><b/>",
        "<a>",
    ] {
        let xml = format!("{decl}{bad}");
        assert!(
            std::panic::catch_unwind(|| parse_xml(&xml)).is_err(),
            "accepted {bad}"
        );
    }
    let ok = parse_xml(&format!("{decl}<a k=\"&lt;&#10;\">x &amp; y<b/></a>\n"));
    assert_eq!(ok.attributes["k"], "<\n");
    assert_eq!(ok.text, "x & y");
}

#[test]
fn junit_has_a_suite_per_file_and_passes_clean_files() {
    let result = check(&MIXED);
    let xml = render(Format::Junit, &result, ReportOptions::default());
    let root = parse_xml(&xml);
    assert_eq!(root.name, "testsuites");
    let suites = &root.children;
    let names: Vec<&str> = suites
        .iter()
        .map(|s| s.attributes["name"].as_str())
        .collect();
    assert_eq!(names, result.totals.file_names);
    assert_eq!(
        names,
        [
            "testdata/examples/kafka/compose.yaml",
            "testdata/duplicate-key/service-key.yaml",
            "testdata/examples/clean/compose.yaml",
        ]
    );
    let mut failures = 0;
    for suite in suites {
        assert_eq!(suite.name, "testsuite");
        let file = &suite.attributes["name"];
        let found: Vec<&Diagnostic> = result
            .diagnostics
            .iter()
            .filter(|d| d.location.as_ref().is_some_and(|l| l.file.name() == file))
            .collect();
        assert_eq!(suite.attributes["tests"], found.len().max(1).to_string());
        assert_eq!(suite.attributes["failures"], found.len().to_string());
        for (case, d) in suite.children.iter().zip(&found) {
            assert_eq!(case.name, "testcase");
            assert_eq!(&case.attributes["classname"], file);
            let l = d.location.as_ref().unwrap();
            let lc = l.file.line_col(l.span.start);
            assert_eq!(
                case.attributes["name"],
                format!(
                    "{} {} at {}:{}",
                    d.rule.code, d.rule.name, lc.line, lc.column
                )
            );
            let failure = &case.children[0];
            assert_eq!(failure.name, "failure");
            assert_eq!(failure.attributes["type"], d.rule.code);
            assert_eq!(failure.attributes["message"], d.message);
            failures += 1;
        }
        if found.is_empty() {
            assert_eq!(suite.children.len(), 1, "one passing test case");
            assert!(suite.children[0].children.is_empty(), "it passes");
        }
    }
    assert_eq!(failures, result.diagnostics.len());
    assert_eq!(root.attributes["failures"], failures.to_string());
}

// ---------------------------------------------------------------------------------------------
// GitLab

fn gitlab_issues(paths: &[&str]) -> Vec<Value> {
    let opts = CheckOptions {
        paths: paths.iter().map(PathBuf::from).collect(),
        ..CheckOptions::default()
    };
    let result = engine::check(&opts).unwrap();
    let text = render(Format::Gitlab, &result, ReportOptions::default());
    serde_json::from_str::<Value>(&text)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn fingerprints(issues: &[Value]) -> Vec<String> {
    issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn gitlab_fingerprints_are_stable_and_distinct() {
    let mut paths = MIXED.to_vec();
    paths.push(SHARED_ANCHOR);
    let first = gitlab_issues(&paths);
    let second = gitlab_issues(&paths);
    assert_eq!(first, second, "two runs agree");
    let prints = fingerprints(&first);
    let distinct: BTreeSet<&String> = prints.iter().collect();
    assert_eq!(distinct.len(), prints.len(), "one fingerprint per finding");
    for issue in &first {
        assert!(
            ["info", "minor", "major", "critical", "blocker"]
                .contains(&issue["severity"].as_str().unwrap())
        );
        assert!(issue["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
        assert!(!issue["check_name"].as_str().unwrap().is_empty());
    }

    // A blank line inserted at the top moves every finding down and changes no fingerprint.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("compose.yaml");
    let text =
        std::fs::read_to_string(root().join("testdata/examples/kafka/compose.yaml")).unwrap();
    std::fs::write(&file, &text).unwrap();
    let path = file.to_str().unwrap();
    let before = gitlab_issues(&[path]);
    std::fs::write(&file, format!("\n{text}")).unwrap();
    let after = gitlab_issues(&[path]);
    assert_eq!(fingerprints(&before), fingerprints(&after));
    assert!(!before.is_empty());
    for (b, a) in before.iter().zip(&after) {
        let line = |i: &Value| i["location"]["lines"]["begin"].as_u64().unwrap();
        assert_eq!(line(a), line(b) + 1);
    }
}

// ---------------------------------------------------------------------------------------------
// Snapshots of the binary's output

/// Runs the binary from the crate root with plain, environment-independent output.
fn composefix(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_composefix"))
        .args(args)
        .current_dir(root())
        .env_clear()
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("composefix runs");
    let exit = out
        .status
        .code()
        .map_or_else(|| "signal".to_string(), |c| c.to_string());
    let mut text = format!("exit: {exit}\n{}", String::from_utf8_lossy(&out.stdout));
    if !out.stderr.is_empty() {
        text.push_str("--- stderr\n");
        text.push_str(&String::from_utf8_lossy(&out.stderr));
    }
    text
}

/// The SARIF report with each rule document replaced by its file name (the documents have
/// their own tests; a snapshot of them would change with every edit of a document). The text is
/// edited as text, so that the snapshot keeps the report's own field order.
fn sarif_without_documents(text: &str) -> String {
    let (_, json) = text.split_once('\n').unwrap();
    let log: Value = serde_json::from_str(json).unwrap();
    let mut text = text.to_string();
    for rule in log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
    {
        let doc = rule["help"]["markdown"].as_str().unwrap();
        let escaped = serde_json::to_string(doc).unwrap();
        let name = format!(
            "\"<rules/{}-{}.md>\"",
            rule["id"].as_str().unwrap(),
            rule["name"].as_str().unwrap()
        );
        assert!(text.contains(&escaped));
        text = text.replace(&escaped, &name);
    }
    text
}

#[test]
fn snapshot_of_each_format() {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    let with_anchor = [MIXED[0], MIXED[1], MIXED[2], SHARED_ANCHOR];
    let cases: [(&str, &[&str], &[&str]); 6] = [
        ("sarif", &MIXED, &["--format", "sarif"]),
        ("github", &MIXED, &["--format", "github"]),
        ("junit", &MIXED, &["--format", "junit"]),
        ("gitlab", &MIXED, &["--format", "gitlab"]),
        // Counts above 1 (the anchor shared by two brokers), sorted by count.
        (
            "statistics",
            &with_anchor,
            &["--format", "concise", "--statistics"],
        ),
        (
            "show-fixes",
            &MIXED,
            &["--format", "concise", "--show-fixes"],
        ),
    ];
    for (name, paths, flags) in cases {
        let mut args = vec!["check"];
        args.extend(paths);
        args.extend(flags);
        let mut text = composefix(&args);
        if name == "sarif" {
            text = sarif_without_documents(&text);
        }
        settings.set_description(format!("composefix {}", args.join(" ")));
        settings.bind(|| insta::assert_snapshot!(format!("formats__{name}"), text));
    }
}

/// The security pack in SARIF: each SEC rule carries GitHub's `security-severity` (a number as
/// a string) for the worst severity of its results and the `security` tag; other rules none.
#[test]
fn sarif_security_rules_carry_security_severity() {
    let log = sarif_of(&[
        "testdata/dangerous-capability-added/fires.yaml",
        "testdata/logging-disabled/fires.yaml",
        "testdata/image-without-digest/fires.yaml",
        "testdata/examples/kafka",
    ]);
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    let severity = |id: &str| {
        let rule = rules
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("{id} is listed"));
        rule["properties"]["security-severity"]
            .as_str()
            .map(str::to_string)
    };
    // SEC010 has error, warning and info results here: its rule ranks as its worst.
    assert_eq!(severity("SEC010").as_deref(), Some("9.0"));
    assert_eq!(severity("SEC012").as_deref(), Some("5.0"));
    assert_eq!(severity("SEC016").as_deref(), Some("2.0"));
    assert_eq!(severity("KAF001"), None, "not a security rule");
    for rule in rules
        .iter()
        .filter(|r| r["id"].as_str().unwrap().starts_with("SEC"))
    {
        assert_eq!(rule["properties"]["tags"], serde_json::json!(["security"]));
        let score: f64 = rule["properties"]["security-severity"]
            .as_str()
            .unwrap()
            .parse()
            .expect("a number");
        assert!((0.0..=10.0).contains(&score));
    }
}

/// SEC017 never shows the credential it reports: no machine format carries it, and the human
/// report masks it in its source excerpt (also on the lines around another finding).
#[test]
fn no_format_shows_a_literal_credential() {
    const SECRET: &str = "Pl4nted-S3cret-Value";
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("compose.yaml"),
        format!(
            "services:\n  db:\n    image: postgres:17.4\n    environment:\n      \
             POSTGRES_PASSWORD: {SECRET}\n      POSTGRES_USER: app\n  app:\n    \
             image: ghcr.io/acme/app:1.4.2\n    environment:\n      \
             - DATABASE_URL=postgres://app:{SECRET}@db:5432/app\n      \
             - API_KEY=${{API_KEY:-{SECRET}}}\n"
        ),
    )
    .unwrap();
    let path = dir.path().to_str().unwrap();
    for format in [
        "human", "concise", "json", "sarif", "github", "junit", "gitlab",
    ] {
        let mut args = vec!["check", path, "--select", "SEC017", "--format", format];
        if format == "human" || format == "concise" {
            args.push("--show-fixes");
        }
        let out = composefix(&args);
        assert!(out.starts_with("exit: 1\n"), "{format}: {out}");
        assert!(
            out.matches("SEC017").count() >= 3,
            "{format}: three findings expected:\n{out}"
        );
        assert!(
            !out.contains(SECRET) && !out.contains("Pl4nted"),
            "{format} shows the credential:\n{out}"
        );
    }
}
