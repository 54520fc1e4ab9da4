//! The fast path against granit: hand-written edge cases, the shared corpus, the test data and
//! mutations of both. Whenever the fast path returns a document it must be granit's, exactly.

use super::super::parse::{Limits, granit};
use super::super::tree::{Document, Span};
use std::path::{Path, PathBuf};

/// Runs the fast path on `text` and, when it returns a document, granit too: `Ok(true)` when
/// both agree, `Ok(false)` when the fast path bails, `Err` (with the first difference) when the
/// fast path returns something granit does not.
fn agree(text: &str, limits: &Limits) -> Result<bool, String> {
    let Some(fast) = super::parse(text, limits) else {
        return Ok(false);
    };
    match granit(text, limits) {
        Ok(slow) if slow == fast => Ok(true),
        Ok(slow) => Err(first_difference(text, &fast, &slow)),
        Err(e) => Err(format!(
            "the fast path accepted a text granit rejects ({e} at {:?})",
            e.span
        )),
    }
}

/// The first node or comment where the two documents differ, for a readable failure.
fn first_difference(text: &str, fast: &Document, slow: &Document) -> String {
    let excerpt = |span: Span| {
        let start = span.start.saturating_sub(20);
        let end = (span.end + 20).min(text.len());
        format!("{:?}", text.get(start..end).unwrap_or("?"))
    };
    for (i, (f, s)) in fast.nodes.iter().zip(&slow.nodes).enumerate() {
        if f != s {
            return format!(
                "node {i} differs near {}:\n  fast:   {f:?}\n  granit: {s:?}",
                excerpt(s.span)
            );
        }
    }
    for (i, (f, s)) in fast.comments.iter().zip(&slow.comments).enumerate() {
        if f != s {
            return format!(
                "comment {i} differs near {}:\n  fast:   {f:?}\n  granit: {s:?}",
                excerpt(s.span)
            );
        }
    }
    format!(
        "counts or root differ: fast {} nodes, {} comments, root {:?}; granit {} nodes, {} \
         comments, root {:?}",
        fast.nodes.len(),
        fast.comments.len(),
        fast.root,
        slow.nodes.len(),
        slow.comments.len(),
        slow.root
    )
}

/// Asserts that the fast path takes `text` and agrees with granit.
#[track_caller]
fn accepted(text: &str) {
    match agree(text, &Limits::default()) {
        Ok(true) => {}
        Ok(false) => panic!("the fast path bailed on {text:?}"),
        Err(e) => panic!("{text:?}: {e}"),
    }
}

/// Asserts that the fast path leaves `text` to granit.
#[track_caller]
fn bails(text: &str) {
    assert!(
        super::parse(text, &Limits::default()).is_none(),
        "the fast path took {text:?}"
    );
}

#[test]
fn mappings_sequences_and_empty_values() {
    accepted("a: 1\nb:\nc: x\n");
    accepted("a:\n  - x\n  - y\nb:\n  c:\n    d: e\n");
    accepted("a:\n- x\n- k: v\n  j: w\nb: 1\n");
    accepted(
        "a:\n-   x\nb:\n-\n- x\nc:\n- # c\n  - x\nd:\n- k: v\ne:\n-\n  k: v\nf:\n- &x\n  k: v\n",
    );
    accepted("- k: v\n  j: w\n- \"q\": 1\n- x\n-\n- \n- # c\n-");
    accepted("a:\nb: # c\nc: !reset\nd: &x\ne: &y !t # c\nf:\n  - \n  -\n  -   # c\n  -");
    accepted("a b : 1\n'k': 2\n\"k2\" : 3\n-x: 4\nx#y: 5\nu: a]b,c{\n");
    accepted("- -Xmx1g\n- a - b\n- a:b\n- http://x:80/y\n");
    accepted("a: 1");
    accepted("a:");
}

#[test]
fn empty_and_comment_only_files() {
    accepted("");
    accepted("\n\n");
    accepted("# only\n\n  # indented\n");
    accepted("--- # c\na: 1\n");
    accepted("---\n# c\na: 1\n");
}

#[test]
fn comments() {
    accepted("# head\na: 1 # t\n  # indented\nb:\n  # between\n  - x # t2\n# end");
    accepted("a: \"x\" # t\nb: 'y' # t\nc: [1] # t\nd: | # t\n  z\n # after\ne: x#y\n");
    accepted("a: b #c\n");
}

#[test]
fn anchors_aliases_tags_and_merge_keys() {
    accepted("x: &c\n  k: v\nl: &s\n  - 1\ny: *c\nz:\n  <<: *c\n  w: [*c, *s]\n");
    accepted("a: &x !reset\n  - 1\nb: !!str 5\nc: !override [a]\n<<: [*x]\nd: &v v\ne: *v\n");
    accepted("a: &x 1\nb: &x 2\nc: *x\n");
    accepted("a: &self\n  b: *self\n");
    accepted("- &i item\n- *i\n- !!int 3\n");
    accepted("x:\n  &a\n  k: v\ny:\n  &b # c\n    - 1\nz: *a\nw:\n  !t &c\n  k: v\n");
}

#[test]
fn values_below_their_key() {
    accepted("x: &x 1\na:\n  scalar below\n  and more\nb:\n  \"q\"\nc:\n  [x]\nd:\n  *x\n");
    accepted("-\n  x\n- \"y\"\n");
    accepted("- \n  - x\n-\n  k: v\n");
    accepted("a:\n  |\n    x\nb:\n  >-\n  y\n");
    accepted("x:\n  &a [1]\ny:\n  !t\n  - 1\n");
}

#[test]
fn flow_collections() {
    accepted("a: [\n  x, # c\n  y\n]\nb:\n  [\n    \"CMD\", 'z',\n\n    # own line\n    w\n  ]\n");
    accepted("a: {\n  k: v,\n  j: [1,\n    2],\n}\nb: [x # c\n  , y]\n");
    accepted("a: [x, \"y\", {k: v}, [], 'z' ]\nb: {a: 1, \"b\": [2]}\nc: {}\nd: [a b, c,]\n");
    accepted("- [CMD, curl, -f]\n- {'k' : v}\n");
}

#[test]
fn scalars() {
    accepted(
        "a: \"\\t\\n\\\\\\\"\\/\\x41\\u00e9\\U0001F600\\0\\e\\ \\N\\_\\L\\P\\a\\b\\v\\f\\r\"\n",
    );
    accepted("a: 'it''s'\nb: \"a'b\"\nc: 'a\"b\\c'\nd: ''\ne: \"\"\n");
    accepted("a: b\n  c\n\n  d  \n\n\ne: x\n");
    accepted("- a\n  b # c\n- \"p\n\n  q  \\\n  r\"\n- 'x\n  \n  y'\n- \"s \\ \n  t\"\n");
    accepted("a: |\n  x\n\n   y\n\nb: >-\n  p\n  q\n\n  r\nc: |-\n  z\nd: >\n\n  w\n");
    accepted("- |\n   a\n  # c\n- >\n  # not a comment\n");
    accepted("a: |\n  x");
    accepted("a: |\n  x\n  ");
    accepted("a: >\n  x\n\n");
    accepted("a: >\n  p\n    q\n  r\n\n    s\n\n  t\n  u\nb: |\n  x\n    y\n\n  z\n");
    accepted("a: x\n  -Dy\n  -Dz\n");
    accepted("a: é\nb: \"ü\\u00fc\"\nc: 日本\n");
}

#[test]
fn crlf_and_bom() {
    accepted(
        "a: 1\r\nb: |\r\n  x\r\n  y\r\nc: \"p\r\n  q\" # z\r\nd:\r\n- e\r\n-\r\n- # c\r\nf: g\r\n  h\r\n",
    );
    accepted("\u{feff}a: 1\n");
    accepted("\u{feff}# c\na: 1\n");
    accepted("\u{feff}---\na: 1\n");
}

#[test]
fn bails_on_what_it_leaves_to_granit() {
    for text in [
        "a:\tb\n",
        "a: 1\rb: 2\n",
        "a: \u{1}\n",
        "a: x\u{2028}y\n",
        "a: \u{feff}\n",
        "%YAML 1.2\n---\na: 1\n",
        "a: 1\n---\nb: 2\n",
        "a: 1\n...\n",
        "---\n",
        "--- a\n",
        "scalar\n",
        "  a: 1\n",
        "? a\n: b\n",
        "&a k: v\n",
        "- &a k: v\n",
        "*a : v\n",
        "a: *unknown\n",
        "- - a\n",
        "a: - b\n",
        "a: b: c\n",
        "a: \"b\": c\n",
        "a: \"b\"c\n",
        "a: |+\n  x\n",
        "a: |2\n  x\n",
        "x:\n  &a\n- 1\n",
        "x:\n  &a\n",
        "y:\n  &b - c\n",
        "- &b - c\n",
        "a: |\n  x\n    \n",
        "a: |\nb: 1\n",
        "a: [a:b]\n",
        "a: {a:1}\n",
        "a: {a}\n",
        "a: {a: }\n",
        "a: [&x 1]\n",
        "a: b\n  - c\n",
        "a: b\n  c: d\n",
        "a:\n    b: 1\n  c: 2\n",
        "a: \"\\q\"\n",
        "a: \"\\ud800\"\n",
        "a: \"unterminated\n",
        "a: !<tag:x> 1\n",
        "a: !!foo 1\n",
        "a: !x!y 1\n",
        "a: @b\n",
        "a: %b\n",
        "a: `b\n",
        "a: 'x'#c\n",
        "\"multi\n  line\": 1\n",
        "a:\n  &x\n",
        "a:\n  &x\nb: 1\n",
        "a: [\nx]\n",
        "a: [\n---\n]\n",
        "a: [x\n  y]\n",
        "a: [\"x\n  y\"]\n",
        "a: [x\n",
    ] {
        bails(text);
    }
}

/// Texts where either answer is fine, as long as a document agrees with granit's.
#[test]
fn edge_cases_agree_when_taken() {
    for text in [
        "x:\n  &a\n k: v\n",
        "a: &x\n  1\n",
        "x:\n  &a\n    k: v\n",
        "x:\n  &a\n- 1\n",
        "a: [x,\n]\n",
        "a: [\n  x\n  ]\n",
        "a: [x]]\n",
        "a: [x] y\n",
        "a: {k: [x}\n",
        "- [a]: b\n",
        "a: b\n  -c\n",
        "a: b\n  #c\n  d\n",
        "a: |\n  x\n # c\n  y\n",
        "a: |\n\n",
        "- |\n -\n",
        "a:\n- b\n  - c\n",
        "a:\n  - b\n - c\n",
        "\u{feff}\u{feff}a: 1\n",
    ] {
        if let Err(e) = agree(text, &Limits::default()) {
            panic!("{text:?}: {e}");
        }
    }
    // Long scalars: YAML limits implicit keys to 1024 characters, not values.
    let long = "x".repeat(3000);
    for text in [
        format!("a: {long}\n"),
        format!("- {long}\n"),
        format!("a: [{long}, \"{long}\"]\n"),
        format!("a: {{k: {long}}}\n"),
        format!("a: \"{long}\"\n"),
        format!("a: |\n  {long}\n"),
    ] {
        assert_eq!(
            agree(&text, &Limits::default()),
            Ok(true),
            "{}",
            &text[..20]
        );
    }
    let many = format!("a: 1\n{}b: 2\n", "# c\n".repeat(60));
    assert_eq!(agree(&many, &Limits::default()), Ok(true));
}

#[test]
fn bails_on_limits() {
    let deep = Limits {
        max_depth: 3,
        ..Limits::default()
    };
    let text = "a:\n b:\n  c:\n   d: 1\n";
    assert!(super::parse(text, &deep).is_none());
    bails(&"# c\n".repeat(100));
    bails(&format!("{}: 1\n", "k".repeat(1020)));
    bails(&format!("a: {{{}: 1}}\n", "k".repeat(1020)));
}

/// The shared corpus's directory, failing loudly when it is missing.
fn corpus_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    assert!(
        dir.join("MANIFEST.tsv").is_file(),
        "the shared corpus is missing: expected {} (tests read it from ../shared/corpus)",
        dir.display()
    );
    dir
}

/// The corpus's compose files (the `.env` files left out).
fn corpus_files() -> Vec<PathBuf> {
    let dir = corpus_dir();
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).unwrap();
    manifest
        .lines()
        .skip(1)
        .filter_map(|row| {
            let cols: Vec<&str> = row.split('\t').collect();
            let original = cols.get(3)?;
            (original.rsplit('/').next() != Some(".env")).then(|| dir.join(cols[0]))
        })
        .collect()
}

/// Every `*.yaml` and `*.yml` under `testdata/`.
fn testdata_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata"),
        &mut out,
    );
    out
}

/// The texts of `files` that are UTF-8 (the loader rejects the others before parsing).
fn read_all(files: &[PathBuf]) -> Vec<(PathBuf, String)> {
    files
        .iter()
        .filter_map(|p| Some((p.clone(), std::fs::read_to_string(p).ok()?)))
        .collect()
}

#[test]
fn corpus_and_testdata_agree_with_granit() {
    let limits = Limits::default();
    let mut failures = Vec::new();
    let mut report = String::new();
    for (label, files) in [("corpus", corpus_files()), ("testdata", testdata_files())] {
        let texts = read_all(&files);
        let (mut valid, mut fast) = (0, 0);
        for (path, text) in &texts {
            let valid_yaml = granit(text, &limits).is_ok();
            valid += usize::from(valid_yaml);
            match agree(text, &limits) {
                Ok(taken) => fast += usize::from(taken),
                Err(e) => failures.push(format!("{}: {e}", path.display())),
            }
        }
        let share = 100.0 * fast as f64 / valid.max(1) as f64;
        report.push_str(&format!(
            "{label}: the fast path took {fast} of the {valid} files granit parses ({share:.1}%; \
             {} files read)\n",
            texts.len()
        ));
        if label == "corpus" {
            assert!(
                share >= 90.0,
                "the fast path takes too few corpus files:\n{report}"
            );
        }
    }
    println!("{report}");
    assert!(
        failures.is_empty(),
        "{} files differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// A tiny deterministic generator for mutation offsets.
struct Lcg(u64);

impl Lcg {
    /// A number below `n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

/// Edits of `text` that probe the fast path's decisions: truncations, YAML-significant bytes
/// replaced or inserted, a line's indentation grown or shrunk, a line repeated or dropped. Only
/// the results that are still UTF-8 are kept.
fn mutations(text: &str, rng: &mut Lcg) -> Vec<String> {
    const BYTES: &[u8] = b":-\"'#&*\t\r \n|>[]{}!?,\\";
    let bytes = text.as_bytes();
    if bytes.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<Vec<u8>> = Vec::new();
    for _ in 0..4 {
        out.push(bytes[..rng.below(bytes.len())].to_vec());
    }
    for &b in BYTES {
        for _ in 0..2 {
            let at = rng.below(bytes.len());
            let mut replaced = bytes.to_vec();
            replaced[at] = b;
            out.push(replaced);
            let mut inserted = bytes.to_vec();
            inserted.insert(at, b);
            out.push(inserted);
        }
    }
    for _ in 0..6 {
        let at = rng.below(bytes.len());
        let start = bytes[..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let end = bytes[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| at + i + 1);
        let mut grown = bytes.to_vec();
        grown.insert(start, b' ');
        out.push(grown);
        if bytes[start] == b' ' {
            let mut shrunk = bytes.to_vec();
            shrunk.remove(start);
            out.push(shrunk);
        }
        let mut repeated = bytes.to_vec();
        repeated.splice(end..end, bytes[start..end].iter().copied());
        out.push(repeated);
        let mut dropped = bytes.to_vec();
        dropped.drain(start..end);
        out.push(dropped);
    }
    out.into_iter()
        .filter_map(|m| String::from_utf8(m).ok())
        .collect()
}

#[test]
fn mutations_never_panic_and_agree_with_granit() {
    let limits = Limits::default();
    let mut files: Vec<PathBuf> = corpus_files().into_iter().step_by(40).collect();
    files.extend(testdata_files().into_iter().step_by(8));
    let mut rng = Lcg(0x5eed);
    let mut failures = Vec::new();
    let (mut tried, mut taken) = (0, 0);
    for (path, text) in read_all(&files) {
        if text.len() > 6000 {
            continue;
        }
        let crlf = text.replace('\n', "\r\n");
        for mutated in mutations(&text, &mut rng)
            .into_iter()
            .chain(mutations(&crlf, &mut rng))
        {
            tried += 1;
            match agree(&mutated, &limits) {
                Ok(t) => taken += usize::from(t),
                Err(e) => failures.push(format!("{} mutated to {mutated:?}: {e}", path.display())),
            }
        }
    }
    println!("mutations: the fast path took {taken} of {tried}");
    assert!(
        failures.is_empty(),
        "{} mutations differ:\n{}",
        failures.len(),
        failures
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
