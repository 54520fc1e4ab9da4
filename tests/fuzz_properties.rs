//! The properties of the cargo-fuzz targets (`fuzz/`, issue 18) as a bounded, deterministic
//! mutation fuzzer that runs with `cargo test`: a xorshift generator with a fixed seed mutates
//! the files of `testdata/` (and of `../shared/corpus` when it is there) by lines and bytes —
//! deleted, duplicated and swapped lines, changed indentation, YAML indicators, anchors and
//! aliases, merge keys, interpolation, line breaks, tabs, NUL, BOM, huge numbers, long strings
//! — and checks each mutant against the properties of `tests/properties`. The same seed gives
//! the same mutants, so a failure reproduces; the failing input is printed.
//!
//! Regression inputs that the fuzzers found are at the end, as plain tests.

mod common;
mod properties;

use properties::{ENV_SEPARATOR, Scratch};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// xorshift64*: small, fast, and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n` (which is not 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// What mutations insert: YAML indicators, anchors, aliases and merge keys, interpolation
/// (with variables of the process environment, which must never show), line breaks, tabs,
/// NUL, BOM, numbers out of range, and connection-string pieces.
const TOKENS: &[&str] = &[
    ":",
    ": ",
    "- ",
    "-",
    "? ",
    "&a ",
    "*a",
    "<<: *a",
    "<<: [*a, *b]",
    "&b ",
    "*b",
    "${",
    "}",
    "${X}",
    "${X:-d}",
    "${X:?gone}",
    "${X-${Y:+z}}",
    "$$",
    "$",
    "${PATH}",
    "${HOME}",
    "$PATH",
    "${CARGO_MANIFEST_DIR}",
    "\r",
    "\r\n",
    "\n",
    "\t",
    "\0",
    "\u{FEFF}",
    "\u{2028}",
    "\u{85}",
    "é",
    "\"",
    "'",
    "[",
    "]",
    "{",
    "}",
    ",",
    "|",
    ">-",
    "|+2",
    "#",
    " #",
    "---\n",
    "...\n",
    "%YAML 1.2\n",
    "!reset ",
    "!override ",
    "!!str ",
    "!!binary ",
    "~",
    "null",
    "99999999999999999999999999",
    "-9223372036854775809",
    "1e99999",
    "0x8000000000000000",
    "0o7777777777777777777777",
    ".nan",
    "65536",
    "0",
    "-1",
    "://",
    "localhost:9092",
    "PLAINTEXT://0.0.0.0:9092,CONTROLLER://:9093",
    "postgres://u:p@[::1]:5432/db?x=y",
    "jdbc:mysql://db:3306/x",
    "host.docker.internal",
    "127.0.0.1:",
    "[::1]",
    "%",
    "@",
];

/// Longer insertions, built once: long strings, deep nesting.
fn long_tokens() -> Vec<String> {
    let deep_map: String = (0..120).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
    vec![
        "x".repeat(5000),
        "[".repeat(300),
        "{a: ".repeat(200),
        "- ".repeat(200),
        deep_map,
        "*a, ".repeat(500),
        "${".repeat(100),
        "9".repeat(400),
    ]
}

struct Mutator {
    rng: Rng,
    long: Vec<String>,
}

fn lines(text: &[u8]) -> Vec<Vec<u8>> {
    text.split_inclusive(|&b| b == b'\n')
        .map(<[u8]>::to_vec)
        .collect()
}

impl Mutator {
    fn new(seed: u64) -> Mutator {
        Mutator {
            rng: Rng(seed),
            long: long_tokens(),
        }
    }

    fn token(&mut self) -> Vec<u8> {
        if self.rng.below(10) == 0 {
            let i = self.rng.below(self.long.len());
            self.long[i].clone().into_bytes()
        } else {
            self.rng.pick(TOKENS).as_bytes().to_vec()
        }
    }

    /// One to four mutations of `text`; `others` gives lines to splice in.
    fn mutate(&mut self, text: &[u8], others: &[Vec<u8>]) -> Vec<u8> {
        let mut out = text.to_vec();
        for _ in 0..1 + self.rng.below(4) {
            out = self.once(out, others);
        }
        out
    }

    fn once(&mut self, text: Vec<u8>, others: &[Vec<u8>]) -> Vec<u8> {
        let mut ls = lines(&text);
        let r = &mut self.rng;
        match r.below(9) {
            0 if !ls.is_empty() => {
                ls.remove(r.below(ls.len()));
            }
            1 if !ls.is_empty() => {
                let i = r.below(ls.len());
                ls.insert(i, ls[i].clone());
            }
            2 if ls.len() > 1 => {
                let (i, j) = (r.below(ls.len()), r.below(ls.len()));
                ls.swap(i, j);
            }
            3 if !ls.is_empty() => {
                let i = r.below(ls.len());
                let line = &mut ls[i];
                let (n, by): (usize, &[u8]) = match r.below(3) {
                    0 => (0, b"  "),
                    1 if line.starts_with(b"  ") => (2, b""),
                    _ => (line.iter().take_while(|&&b| b == b' ').count(), b"\t"),
                };
                line.splice(0..n, by.iter().copied());
            }
            4 => {
                let at = r.below(text.len() + 1);
                let token = self.token();
                return [&text[..at], &token, &text[at..]].concat();
            }
            5 => {
                let at = r.below(text.len() + 1);
                let end = (at + r.below(8)).min(text.len());
                let token = self.token();
                return [&text[..at], &token, &text[end..]].concat();
            }
            6 => return text[..r.below(text.len() + 1)].to_vec(),
            7 => {
                let other = lines(&others[r.below(others.len())]);
                if !other.is_empty() {
                    let line = r.pick(&other).clone();
                    ls.insert(r.below(ls.len() + 1), line);
                }
            }
            _ if !text.is_empty() => {
                let mut text = text;
                let i = r.below(text.len());
                text[i] ^= 1 << r.below(8);
                return text;
            }
            _ => return self.token(),
        }
        ls.concat()
    }
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// The seeds: every file of `testdata/` and every compose file of the corpus when it is
/// there; a compose file with a `.env` beside it comes with it, after [`ENV_SEPARATOR`]
/// (which only the project-load property reads; the others see one odd comment line).
fn seeds() -> Vec<Vec<u8>> {
    let mut paths = Vec::new();
    files_under(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata"),
        &mut paths,
    );
    let mut out = Vec::new();
    for path in &paths {
        let text = std::fs::read(path).unwrap();
        let env = path.with_file_name(".env");
        match std::fs::read(&env) {
            Ok(env) if path.extension().is_some_and(|e| e == "yaml") => {
                out.push([&text[..], ENV_SEPARATOR.as_bytes(), &env].concat());
            }
            _ => out.push(text),
        }
    }
    if let Some(dir) = common::corpus_dir() {
        for f in common::corpus_files(&dir) {
            let text = std::fs::read(&f.path).unwrap();
            match f.env.map(|e| std::fs::read(e).unwrap()) {
                Some(env) => out.push([&text[..], ENV_SEPARATOR.as_bytes(), &env].concat()),
                None => out.push(text),
            }
        }
    }
    out
}

/// Connection strings for the connection property: fixed ones, and every word of the seeds
/// that looks like one (a URL, a JDBC URL, a `host:port` list).
fn connection_seeds(seeds: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = [
        "postgres://user:secret@db:5432/app?sslmode=disable",
        "jdbc:postgresql://db:5432/app",
        "jdbc:mysql:loadbalance://a:3306,b:3306/x",
        "kafka:9092,localhost:29092",
        "PLAINTEXT://kafka:9092,PLAINTEXT_HOST://localhost:29092",
        "redis://:pw@[::1]:6379/0",
        "mongodb+srv://u@cluster0.example.net/?retryWrites=true",
        "amqp://guest:guest@rabbitmq",
        "http://host.docker.internal:8080/api",
        "--bootstrap-server kafka:9092 --topic t",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    let mut words: Vec<Vec<u8>> = seeds
        .iter()
        .flat_map(|s| {
            s.split(|b| b" \t\r\n\"'=[],".contains(b))
                .filter(|w| {
                    w.windows(3).any(|x| x == b"://") || w.starts_with(b"jdbc:") || {
                        let t = String::from_utf8_lossy(w);
                        t.contains(':')
                            && t.rsplit(':')
                                .next()
                                .is_some_and(|p| p.parse::<u16>().is_ok())
                    }
                })
                .map(<[u8]>::to_vec)
                .collect::<Vec<_>>()
        })
        .collect();
    words.sort();
    words.dedup();
    out.extend(words);
    out
}

/// Runs `property` on `count` mutants of `seeds` (the seeds unmutated first, up to a quarter of
/// the count) and prints what it did, counting the inputs for which `property` says `what`
/// happened; a failing input is printed before the panic goes on.
fn fuzz(
    name: &str,
    what: &str,
    seed: u64,
    count: usize,
    seeds: &[Vec<u8>],
    property: impl Fn(&[u8]) -> bool,
) {
    let mut hits = 0;
    let start = Instant::now();
    let mut m = Mutator::new(seed);
    for i in 0..count {
        let input = if i < seeds.len().min(count / 4) {
            seeds[i].clone()
        } else {
            let base = m.rng.below(seeds.len());
            m.mutate(&seeds[base], seeds)
        };
        match std::panic::catch_unwind(AssertUnwindSafe(|| property(&input))) {
            Ok(hit) => hits += usize::from(hit),
            Err(panic) => {
                eprintln!(
                    "{name}: input {i} of seed {seed:#x} failed:\n{:?}",
                    String::from_utf8_lossy(&input)
                );
                std::panic::resume_unwind(panic);
            }
        }
    }
    eprintln!(
        "{name}: {count} inputs from {} seeds ({hits} {what}) in {:.1} s",
        seeds.len(),
        start.elapsed().as_secs_f64()
    );
}

#[test]
fn yaml_load_never_panics_and_spans_stay_in_the_text() {
    fuzz("yaml_load", "parsed", 0x5EED_0001, 50_000, &seeds(), |b| {
        properties::yaml_load(b)
    });
}

#[test]
fn project_load_never_panics_nor_leaks_the_environment() {
    let scratch = Scratch::new();
    fuzz(
        "project_load",
        "with a model",
        0x5EED_0002,
        10_000,
        &seeds(),
        |b| properties::project_load(b, &scratch),
    );
}

#[test]
fn connection_strings_never_panic_and_reach_the_rules_as_written() {
    let scratch = Scratch::new();
    let seeds = connection_seeds(&seeds());
    fuzz(
        "connection_strings",
        "checked",
        0x5EED_0003,
        3000,
        &seeds,
        |b| {
            properties::connection_strings(b, &scratch);
            true
        },
    );
}

#[test]
fn fixes_never_panic_nor_add_syntax_or_schema_findings() {
    let scratch = Scratch::new();
    fuzz(
        "fix_application",
        "fixed",
        0x5EED_0004,
        1200,
        &seeds(),
        |b| properties::fix_application(b, &scratch),
    );
}

/// Found by this fuzzer: the SYN001 of a file that is not UTF-8 spanned one byte of the
/// three-byte replacement character standing for the bad byte, so its span ended inside a
/// character of the text that reports show.
#[test]
fn regression_non_utf8_finding_spans_the_replacement_character() {
    let bytes = b"services:\n  a:\n    image: x\xe9y\n".to_vec();
    let project = composefix::project::load_text(
        Path::new("compose.yaml"),
        bytes.clone(),
        &composefix::project::LoadOptions::default(),
    );
    let d = &project.diagnostics[0];
    assert_eq!(d.rule.code, "SYN001");
    let l = d.location.as_ref().unwrap();
    assert_eq!(&l.file.text()[l.span.start..l.span.end], "\u{FFFD}");
    properties::project_load(&bytes, &Scratch::new());
}
