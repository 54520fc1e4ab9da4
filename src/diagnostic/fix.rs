//! Fixes as data: byte-range edits on the files as written, never a re-serialisation.

use crate::source::{SourceFile, Span};
use std::sync::Arc;

/// Whether a fix is applied without asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Applicability {
    /// Changes exactly what the finding is about: applied by `--write`.
    Safe,
    /// Could change meaning beyond the finding: applied only with `--unsafe-fixes`.
    Review,
}

impl Applicability {
    /// The word used in JSON and listings.
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Review => "review",
        }
    }
}

/// Replace the bytes `span` of `file` with `content` (an insertion when `span` is empty).
#[derive(Debug, Clone)]
pub struct Edit {
    /// The file edited.
    pub file: Arc<SourceFile>,
    /// The bytes replaced.
    pub span: Span,
    /// The new bytes.
    pub content: String,
}

/// A correction for one finding: edits applied together or not at all.
#[derive(Debug, Clone)]
pub struct Fix {
    /// What it does, as an imperative ("Point `KAFKA_ZOOKEEPER_CONNECT` at `zookeeper:2181`").
    pub title: String,
    /// Safe or review.
    pub applicability: Applicability,
    /// The edits, possibly across files.
    pub edits: Vec<Edit>,
}

impl Fix {
    /// A fix of one or more edits.
    pub fn new(title: impl Into<String>, applicability: Applicability, edits: Vec<Edit>) -> Self {
        Fix {
            title: title.into(),
            applicability,
            edits,
        }
    }
}

/// Applies `edits` (all on one text, non-overlapping, in any order) to `text`. Insertions at
/// the same offset keep their given order.
pub fn apply_edits(text: &str, edits: &[&Edit]) -> String {
    let mut sorted: Vec<(usize, &&Edit)> = edits.iter().enumerate().collect();
    sorted.sort_by_key(|(i, e)| (e.span.start, e.span.end, *i));
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for (_, e) in sorted {
        out.push_str(&text[at..e.span.start.max(at)]);
        out.push_str(&e.content);
        at = at.max(e.span.end);
    }
    out.push_str(&text[at..]);
    out
}
