//! YAML with spans: one parse per file, keeping what fixes and diagnostics need.
//!
//! [`SourceFile`] holds a file's text and line index; [`parse`] turns it into a [`Document`],
//! a tree of nodes that keeps the byte span, scalar style, anchor, tag and comments of every node
//! and leaves aliases unexpanded.

mod cache;
pub mod directive;
mod fast;
mod line_index;
pub mod lines;
mod parse;
mod scalar;
mod tree;

pub use cache::ParseCache;
pub use line_index::{LineCol, LineIndex};
pub use parse::{Limits, ParseError, ParseErrorKind, parse};
pub use scalar::{ScalarValue, plain_or_quoted, resolve_plain, yaml11_base60, yaml11_not_a_string};
pub use tree::{Comment, Document, Node, NodeId, NodeKind, ScalarStyle, Span};

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// One file's text, as read, with the index that turns byte offsets into lines and columns.
#[derive(Debug)]
pub struct SourceFile {
    path: PathBuf,
    name: String,
    text: Arc<str>,
    lines: LineIndex,
    /// The YAML tree the loader parsed from `text`, kept for the checks that look at how the
    /// file is written (key order, quoting): one parse per file.
    tree: OnceLock<Arc<Document>>,
}

impl SourceFile {
    /// Wraps `text` read from `path`; `name` is how reports show the file (usually relative).
    pub fn new(path: PathBuf, name: String, text: impl Into<Arc<str>>) -> Self {
        let text = text.into();
        let lines = LineIndex::new(&text);
        SourceFile {
            path,
            name,
            text,
            lines,
            tree: OnceLock::new(),
        }
    }

    /// The path the file was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The name reports show.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The shared text, for renderers that keep it.
    pub fn shared_text(&self) -> Arc<str> {
        Arc::clone(&self.text)
    }

    /// The line index.
    pub fn lines(&self) -> &LineIndex {
        &self.lines
    }

    /// The YAML tree of the text, when the loader parsed it as a compose file (env files and
    /// files that failed to parse have none).
    pub fn tree(&self) -> Option<&Document> {
        self.tree.get().map(|d| &**d)
    }

    /// Keeps `doc`, parsed from this file's text, as its tree (the first one kept stays;
    /// shared with the language server's parse cache).
    pub fn keep_tree(&self, doc: Arc<Document>) {
        let _ = self.tree.set(doc);
    }

    /// 1-based line and column (in Unicode scalar values) of a byte offset.
    pub fn line_col(&self, offset: usize) -> LineCol {
        self.lines.line_col(&self.text, offset)
    }
}
