//! `--diff`: a unified diff that `patch -p1` applies to give exactly what `--write` writes.
//!
//! The diff's lines are `patch`'s lines: text up to and including an LF. A lone CR, which ends
//! a line for YAML and for the rest of composefix ([`crate::source::lines`]), stays inside a
//! diff line, since `patch` would not split there; counting it as a line break (as diff
//! libraries do) gives hunks that `patch` rejects or applies wrongly.

use similar::{Algorithm, DiffTag, capture_diff_slices, group_diff_ops};
use std::fmt::Write;
use std::ops::Range;

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// A unified diff of `old` → `new` with `a/` and `b/` headers, empty when they are equal.
pub fn unified_diff(name: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
    let new_lines: Vec<&str> = new.split_inclusive('\n').collect();
    let ops = capture_diff_slices(Algorithm::Myers, &old_lines, &new_lines);
    let mut out = format!("--- a/{name}\n+++ b/{name}\n");
    for group in group_diff_ops(ops, CONTEXT) {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        let olds = first.old_range().start..last.old_range().end;
        let news = first.new_range().start..last.new_range().end;
        let _ = writeln!(out, "@@ -{} +{} @@", range(&olds), range(&news));
        for op in &group {
            let (tag, o, n) = op.as_tag_tuple();
            match tag {
                DiffTag::Equal => lines(&mut out, ' ', &old_lines[o]),
                DiffTag::Delete => lines(&mut out, '-', &old_lines[o]),
                DiffTag::Insert => lines(&mut out, '+', &new_lines[n]),
                DiffTag::Replace => {
                    lines(&mut out, '-', &old_lines[o]);
                    lines(&mut out, '+', &new_lines[n]);
                }
            }
        }
    }
    out
}

/// A hunk range: `start,len`, or `start` alone for one line (`start` is the line before an
/// empty range).
fn range(r: &Range<usize>) -> String {
    match r.len() {
        1 => format!("{}", r.start + 1),
        0 => format!("{},0", r.start),
        n => format!("{},{n}", r.start + 1),
    }
}

/// Lines with their prefix; a last line without LF gets the `\ No newline` marker.
fn lines(out: &mut String, prefix: char, lines: &[&str]) {
    for line in lines {
        out.push(prefix);
        out.push_str(line);
        if !line.ends_with('\n') {
            out.push_str("\n\\ No newline at end of file\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_and_ranges() {
        assert_eq!(unified_diff("c.yaml", "a\n", "a\n"), "");
        assert_eq!(
            unified_diff("c.yaml", "a\n", "b\n"),
            "--- a/c.yaml\n+++ b/c.yaml\n@@ -1 +1 @@\n-a\n+b\n"
        );
        assert_eq!(
            unified_diff("c.yaml", "a\nb\n", "a\n"),
            "--- a/c.yaml\n+++ b/c.yaml\n@@ -1,2 +1 @@\n a\n-b\n"
        );
        assert_eq!(
            unified_diff("c.yaml", "", "a\n"),
            "--- a/c.yaml\n+++ b/c.yaml\n@@ -0,0 +1 @@\n+a\n"
        );
    }

    #[test]
    fn lone_cr_stays_inside_a_patch_line() {
        assert_eq!(
            unified_diff("c.yaml", "a\rb\r", "a\rc\r"),
            "--- a/c.yaml\n+++ b/c.yaml\n@@ -1 +1 @@\n-a\rb\r\n\\ No newline at end of file\n+a\rc\r\n\\ No newline at end of file\n"
        );
    }
}
