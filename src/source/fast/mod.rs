//! A fast path for the YAML that compose files are made of.
//!
//! [`parse`] reads a subset of YAML in one pass over the bytes and builds exactly the
//! [`Document`] that the event-based path in `parse.rs` builds from granit-parser: the same nodes
//! in the same order, with the same spans, values, styles, anchors and tags, and the same
//! comments. Anything outside the subset, or anything that could be an error, makes it return
//! `None` and the caller parses with granit instead; so every error (and its message) still
//! comes from granit, and bailing out is always correct.
//!
//! The subset: a block mapping or sequence at the root, after an optional BOM and `---` line;
//! block mappings with plain or quoted one-line keys; block sequences, also at the indentation
//! of their key and with compact `- key: value` items; values on their key's line or below it
//! (also under `&anchor` alone on a line); plain scalars, multi-line ones included; single- and
//! double-quoted scalars with the YAML 1.2 escapes and line folding; `|` and `>` block scalars
//! with clip or strip chomping; flow sequences and mappings (also over several lines) of
//! scalars, aliases and flow collections; anchors, aliases, `!tag` and `!!core` tags; empty
//! values; comments; LF or CRLF line ends.
//!
//! It bails out on: tabs, lone carriage returns, control characters, Unicode line separators,
//! non-characters and BOMs inside the text; directives, a second document, `...`, a lone `---`;
//! a root scalar or an indented root; `?` keys, keys with properties, alias keys, multi-line
//! keys and keys near YAML's 1024-character limit; `- - a` and `&a - b`; properties alone on a
//! line above anything but a block collection; keep chomping (`|+`), indentation indicators,
//! empty block scalars and block scalar lines of spaces deeper than the content; in flows:
//! properties, empty entries or values, single-pair mappings, `:` inside plain scalars,
//! multi-line scalars and lines not indented deeper than the parent block (but for the closing
//! bracket); a plain continuation line starting with an indicator; unknown aliases, rare
//! escapes, anchor names or tags beyond `[A-Za-z0-9_.-]`; nesting at the depth limit; long
//! runs of comments; and anything else granit might read differently or reject.
//!
//! The parser is one [`Parser`] whose methods are split by job: `scanner` (the character
//! screen, byte classes, the cursor, lines and comments), `builder` (appending nodes and closing
//! collections), `block` (the document, block collections and values), `props` (anchors, tags
//! and aliases), `plain`, `quoted` and `block_scalar` (the three kinds of scalar) and `flow`
//! (flow collections).

use super::parse::Limits;
use super::tree::{Document, NodeId};
use std::collections::HashMap;

/// `None` means: leave this file to granit.
type Fast<T> = Option<T>;

/// Indentation of the next content line, or `None` at the end of the text.
type Next = Option<usize>;

/// Gives up on the fast path; the caller parses the file with granit.
fn bail<T>() -> Fast<T> {
    None
}

/// Gives up unless `$cond` holds.
macro_rules! ensure {
    ($cond:expr) => {
        if !$cond {
            return bail();
        }
    };
}

mod block;
mod block_scalar;
mod builder;
mod flow;
mod plain;
mod props;
mod quoted;
mod scanner;
#[cfg(test)]
mod tests;

/// Longest key accepted, in bytes: YAML (and granit) limits implicit keys to 1024 characters.
const MAX_KEY_BYTES: usize = 1000;

/// Parses `text` when it lies in the fast path's subset; `None` leaves it to granit.
pub(super) fn parse(text: &str, limits: &Limits) -> Option<Document> {
    let start = scanner::prescan(text)?;
    let mut parser = Parser::new(text, start, limits);
    let root = parser.document()?;
    let mut doc = parser.doc;
    doc.root = root;
    Some(doc)
}

/// The parser state: a cursor over the text and the document being built.
struct Parser<'a> {
    /// The whole text (spans are offsets into it).
    text: &'a str,
    /// The same text as bytes.
    bytes: &'a [u8],
    /// The cursor.
    pos: usize,
    /// Where the cursor's line starts (after the BOM on the first line).
    line_start: usize,
    /// What is built.
    doc: Document,
    /// Anchor names to their nodes; a later definition replaces an earlier one, as in granit.
    anchors: HashMap<&'a str, NodeId>,
    /// Items of the open sequences, innermost last.
    items: Vec<NodeId>,
    /// Entries of the open mappings, innermost last.
    entries: Vec<(NodeId, NodeId)>,
    /// Collections open now.
    depth: usize,
    /// Collections that may be open at once (below granit's limit).
    max_depth: usize,
    /// Comments since the last content token.
    comment_run: usize,
}

impl<'a> Parser<'a> {
    /// A parser positioned at `start` (after a BOM).
    fn new(text: &'a str, start: usize, limits: &Limits) -> Self {
        let mut doc = Document::default();
        // About one node per ten bytes of a typical compose file, as in the granit path.
        doc.nodes.reserve(text.len() / 10);
        Parser {
            text,
            bytes: text.as_bytes(),
            pos: start,
            line_start: start,
            doc,
            anchors: HashMap::new(),
            items: Vec::new(),
            entries: Vec::new(),
            depth: 0,
            max_depth: limits.max_depth,
            comment_run: 0,
        }
    }
}
