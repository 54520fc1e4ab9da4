//! `--format junit`: JUnit XML, which CI servers show as test results. One `<testsuite>` per
//! file checked (named by the file), one failing `<testcase>` per finding in it
//! (`CODE name at LINE:COLUMN`), and one passing `<testcase>` for a file without findings.
//! Findings about no file go in a suite named `composefix`. A suppressed finding shown with
//! `--show-suppressed` is a skipped test case. The XML is written by hand, escaped.

use crate::diagnostic::Diagnostic;
use crate::engine::Totals;
use std::collections::HashMap;
use std::io::{self, Write};

/// The suite of findings that have no location.
const NO_FILE: &str = "composefix";

/// Escapes text for XML content and (double-quoted) attribute values. Characters XML 1.0 cannot hold at all
/// (C0 controls other than tab, LF and CR) become U+FFFD; tab, LF and CR are written as
/// references, which attribute values keep.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if c < ' ' || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// One test case of a finding.
fn testcase(out: &mut String, suite: &str, d: &Diagnostic) {
    let (name, place) = match &d.location {
        Some(l) => {
            let lc = l.file.line_col(l.span.start);
            (
                format!(
                    "{} {} at {}:{}",
                    d.rule.code, d.rule.name, lc.line, lc.column
                ),
                format!("{}:{}:{}", l.file.name(), lc.line, lc.column),
            )
        }
        None => (
            format!("{} {}", d.rule.code, d.rule.name),
            NO_FILE.to_string(),
        ),
    };
    out.push_str(&format!(
        "    <testcase name=\"{}\" classname=\"{}\">\n",
        escape(&name),
        escape(suite)
    ));
    match super::suppressed_mark(d) {
        Some(mark) => out.push_str(&format!("      <skipped message=\"{}\"/>\n", escape(&mark))),
        None => {
            let mut body = format!(
                "{place}: {} [{}] {}",
                d.rule.code,
                d.severity.as_str(),
                d.message
            );
            if let Some(help) = &d.help {
                body.push_str(&format!("\nhelp: {help}"));
            }
            out.push_str(&format!(
                "      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
                escape(&d.message),
                escape(d.rule.code),
                escape(&body)
            ));
        }
    }
    out.push_str("    </testcase>\n");
}

pub(super) fn write(
    out: &mut dyn Write,
    diagnostics: &[&Diagnostic],
    totals: &Totals,
) -> io::Result<()> {
    // The suites: every file checked, in order, then any other file a finding names.
    let mut suites: Vec<(&str, Vec<&Diagnostic>)> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    let names = totals.file_names.iter().map(String::as_str);
    let named = diagnostics
        .iter()
        .map(|d| d.location.as_ref().map_or(NO_FILE, |l| l.file.name()));
    for name in names.chain(named.clone()) {
        index.entry(name).or_insert_with(|| {
            suites.push((name, Vec::new()));
            suites.len() - 1
        });
    }
    for (d, name) in diagnostics.iter().zip(named) {
        suites[index[name]].1.push(d);
    }
    let (mut tests, mut failures) = (0, 0);
    let mut body = String::new();
    for (suite, found) in suites {
        let skipped = found.iter().filter(|d| d.suppression.is_some()).count();
        let failed = found.len() - skipped;
        let cases = found.len().max(1);
        tests += cases;
        failures += failed;
        body.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{cases}\" failures=\"{failed}\" skipped=\"{skipped}\">\n",
            escape(suite)
        ));
        if found.is_empty() {
            body.push_str(&format!(
                "    <testcase name=\"no finding\" classname=\"{}\"/>\n",
                escape(suite)
            ));
        }
        for d in found {
            testcase(&mut body, suite, d);
        }
        body.push_str("  </testsuite>\n");
    }
    let text = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <testsuites name=\"composefix\" tests=\"{tests}\" failures=\"{failures}\">\n\
         {body}</testsuites>\n"
    );
    out.write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_quotes_and_controls() {
        assert_eq!(
            escape("a<b>&\"c\"'\n\u{1}"),
            "a&lt;b&gt;&amp;&quot;c&quot;'&#10;\u{fffd}"
        );
    }
}
