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

use super::parse::Limits;
use super::tree::{Comment, Document, Node, NodeId, NodeKind, ScalarStyle, Span};
use std::collections::HashMap;

#[cfg(test)]
mod tests;

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

/// Most consecutive comments accepted: granit buffers comments while it resolves some entries
/// and fails beyond 96, so stay well below.
const MAX_COMMENT_RUN: usize = 64;

/// Longest key accepted, in bytes: YAML (and granit) limits implicit keys to 1024 characters.
const MAX_KEY_BYTES: usize = 1000;

/// The core-schema names granit reports as `!!name`.
const CORE_TAGS: [&str; 7] = ["bool", "float", "int", "map", "null", "seq", "str"];

/// Where a block node stands; decides the span of an empty value and whether `key: value` on
/// the same line starts a compact mapping.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    /// After `key:`, with the offset of the colon (an empty value sits there).
    Value { colon: usize },
    /// After the `-` of a block sequence item.
    Item,
    /// At the start of the line below a key or dash that had nothing after it.
    Below,
}

/// The anchor and tag written before a node.
#[derive(Default)]
struct Props<'a> {
    /// `&name`: the name and the span of the whole token.
    anchor: Option<(&'a str, Span)>,
    /// The tag as written and reported (`!reset`, `!!str`).
    tag: Option<&'a str>,
    /// End of the last property token (an empty node sits there).
    end: usize,
}

impl Props<'_> {
    /// True when neither anchor nor tag was written.
    fn is_empty(&self) -> bool {
        self.anchor.is_none() && self.tag.is_none()
    }
}

/// Why a plain scalar's line ended.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// At a line break or the end of the text.
    Eol,
    /// Before ` #`.
    Comment,
    /// At a `:` followed by a space or line end: the scalar was a key.
    Colon,
}

/// Parses `text` when it lies in the fast path's subset; `None` leaves it to granit.
pub(super) fn parse(text: &str, limits: &Limits) -> Option<Document> {
    let start = prescan(text)?;
    let mut parser = Parser::new(text, start, limits);
    let root = parser.document()?;
    let mut doc = parser.doc;
    doc.root = root;
    Some(doc)
}

/// Offset where the YAML starts (after a BOM), or `None` when the text holds characters whose
/// handling the fast path leaves to granit: tabs, lone carriage returns, other control
/// characters, Unicode line and paragraph separators, non-characters and BOMs inside the text.
fn prescan(text: &str) -> Fast<usize> {
    // Node ids are 32 bits.
    ensure!(u32::try_from(text.len()).is_ok());
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let body = text.get(start..)?;
    if is_plain_ascii(body.as_bytes()) {
        return Some(start);
    }
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => {}
            '\r' => ensure!(chars.peek() == Some(&'\n')),
            '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}' => return bail(),
            c if c.is_control() => return bail(),
            _ => {}
        }
    }
    Some(start)
}

/// True when every byte is printable ASCII or `\n`: the common case, checked a block at a
/// time without branches so that the compiler vectorizes it.
fn is_plain_ascii(bytes: &[u8]) -> bool {
    bytes.chunks(64).all(|block| {
        block.iter().fold(true, |ok, &b| {
            ok & ((b == b'\n') | (b.wrapping_sub(b' ') < 95))
        })
    })
}

/// True for a line break byte (a `\r` is always followed by `\n`, see [`prescan`]).
fn is_break(b: u8) -> bool {
    b == b'\n' || b == b'\r'
}

/// True at a line break or the end of the text (read as 0).
fn is_end(b: u8) -> bool {
    is_break(b) || b == 0
}

/// True for a space, a line break or the end of the text: what must follow `-`, `:` and
/// properties in block context.
fn is_sep(b: u8) -> bool {
    b == b' ' || is_end(b)
}

/// True for the flow indicators `,[]{}`.
fn is_flow_indicator(b: u8) -> bool {
    matches!(b, b',' | b'[' | b']' | b'{' | b'}')
}

/// True for a byte that may appear in the anchor and alias names the fast path accepts.
fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
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

    // ----- the cursor -----

    /// The byte at `i`, or 0 past the end (the text holds no NUL, see [`prescan`]).
    fn at(&self, i: usize) -> u8 {
        self.bytes.get(i).copied().unwrap_or(0)
    }

    /// The byte under the cursor.
    fn peek(&self) -> u8 {
        self.at(self.pos)
    }

    /// The cursor's column in bytes (block indentation is made of ASCII spaces and `- `).
    fn column(&self) -> usize {
        self.pos.saturating_sub(self.line_start)
    }

    /// `text[start..end]`, or a bail-out if that is not a slice (it always is).
    fn slice(&self, start: usize, end: usize) -> Fast<&'a str> {
        self.text.get(start..end)
    }

    /// Skips spaces and returns how many.
    fn skip_spaces(&mut self) -> usize {
        let start = self.pos;
        while self.peek() == b' ' {
            self.pos += 1;
        }
        self.pos - start
    }

    /// Moves past the line break under the cursor (if any) to the start of the next line.
    fn line_break(&mut self) {
        match self.peek() {
            b'\r' => self.pos += 2,
            b'\n' => self.pos += 1,
            _ => return,
        }
        self.line_start = self.pos;
    }

    /// Moves to the end of the line (its line break or the end of the text).
    fn skip_to_eol(&mut self) {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        self.pos += rest.iter().position(|&b| is_break(b)).unwrap_or(rest.len());
    }

    /// True at `-` followed by a space or line end: a block sequence entry.
    fn at_dash(&self) -> bool {
        self.peek() == b'-' && is_sep(self.at(self.pos + 1))
    }

    /// True at a `---` or `...` marker line (only at column 0).
    fn at_document_marker(&self) -> bool {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        self.column() == 0
            && (rest.starts_with(b"---") || rest.starts_with(b"..."))
            && is_sep(self.at(self.pos + 3))
    }

    // ----- lines and comments -----

    /// Records the comment under the cursor (`#` to the end of the line).
    fn comment(&mut self, trailing: bool) -> Fast<()> {
        let start = self.pos;
        self.skip_to_eol();
        self.doc.comments.push(Comment {
            span: Span::new(start, self.pos),
            trailing,
        });
        self.comment_run += 1;
        ensure!(self.comment_run <= MAX_COMMENT_RUN);
        Some(())
    }

    /// Finishes a line after its content: spaces, an optional trailing comment, the line break.
    /// Returns where the line's content ended (its line break or the end of the text); bails on
    /// anything else left on the line.
    fn end_of_line(&mut self) -> Fast<usize> {
        self.skip_spaces();
        if self.peek() == b'#' {
            ensure!(self.pos > 0 && self.at(self.pos - 1) == b' ');
            self.comment(true)?;
        }
        ensure!(is_end(self.peek()));
        let eol = self.pos;
        self.line_break();
        Some(eol)
    }

    /// From a line start, skips blank and comment lines; leaves the cursor on the first
    /// character of the next content line and returns its indentation (`None` at the end).
    fn trivia(&mut self) -> Fast<Next> {
        loop {
            let indent = self.skip_spaces();
            match self.peek() {
                0 if self.pos >= self.bytes.len() => return Some(None),
                b'\n' | b'\r' => self.line_break(),
                b'#' => {
                    self.comment(false)?;
                    self.line_break();
                }
                _ => {
                    self.comment_run = 0;
                    return Some(Some(indent));
                }
            }
        }
    }

    /// [`Self::trivia`], bailing on document markers: the fast path reads one document.
    fn next_line(&mut self) -> Fast<Next> {
        let next = self.trivia()?;
        ensure!(!self.at_document_marker());
        Some(next)
    }

    /// After a block value whose parent has indentation `parent`: the next content line may not
    /// be indented deeper (that would be an error or a construct the fast path leaves alone).
    fn dedent(next: Next, parent: usize) -> Fast<Next> {
        ensure!(next.is_none_or(|indent| indent <= parent));
        Some(next)
    }

    // ----- nodes -----

    /// Appends a node with `props` and returns its id; registers its anchor.
    fn push(&mut self, kind: NodeKind, span: Span, props: &Props<'a>) -> NodeId {
        let id = NodeId(self.doc.nodes.len() as u32);
        let anchor = props.anchor.map(|(name, token)| {
            self.anchors.insert(name, id);
            Box::new((name.to_owned(), token))
        });
        self.doc.nodes.push(Node {
            kind,
            span,
            anchor,
            tag: props.tag.map(Box::from),
        });
        id
    }

    /// Appends a scalar node.
    fn push_scalar(
        &mut self,
        value: String,
        style: ScalarStyle,
        span: Span,
        props: &Props<'a>,
    ) -> NodeId {
        self.push(NodeKind::Scalar { value, style }, span, props)
    }

    /// Opens a collection node (its children follow it, as granit's events do).
    fn open(&mut self, kind: NodeKind, span: Span, props: &Props<'a>) -> Fast<NodeId> {
        ensure!(self.depth + 1 < self.max_depth);
        self.depth += 1;
        Some(self.push(kind, span, props))
    }

    /// The span of node `id`.
    fn span_of(&self, id: NodeId) -> Fast<Span> {
        Some(self.doc.nodes.get(id.0 as usize)?.span)
    }

    /// Closes sequence `id` with the items pushed since `mark`. A block collection's span runs
    /// from its start to its last child, a flow one to `flow_end` (after the bracket).
    fn close_sequence(&mut self, id: NodeId, mark: usize, flow_end: Option<usize>) -> Fast<()> {
        let done: Vec<NodeId> = self.items.drain(mark..).collect();
        let first = done.first().copied();
        let last = done.last().copied();
        self.close(
            id,
            first,
            last,
            flow_end,
            NodeKind::Sequence {
                flow: flow_end.is_some(),
                items: done,
            },
        )
    }

    /// Closes mapping `id` with the entries pushed since `mark` (see [`Self::close_sequence`]).
    fn close_mapping(&mut self, id: NodeId, mark: usize, flow_end: Option<usize>) -> Fast<()> {
        let done: Vec<(NodeId, NodeId)> = self.entries.drain(mark..).collect();
        let first = done.first().map(|e| e.0);
        let last = done.last().map(|e| e.1);
        let kind = NodeKind::Mapping {
            flow: flow_end.is_some(),
            entries: done,
        };
        self.close(id, first, last, flow_end, kind)
    }

    /// Stores a closed collection's children and final span (the rule of `parse.rs`).
    fn close(
        &mut self,
        id: NodeId,
        first: Option<NodeId>,
        last: Option<NodeId>,
        flow_end: Option<usize>,
        kind: NodeKind,
    ) -> Fast<()> {
        let mut span = self.span_of(id)?;
        match flow_end {
            Some(end) => span.end = span.end.max(end),
            None => {
                if let Some(first) = first {
                    span.start = span.start.min(self.span_of(first)?.start);
                }
                if let Some(last) = last {
                    span.end = span.end.max(self.span_of(last)?.end);
                }
            }
        }
        let node = self.doc.nodes.get_mut(id.0 as usize)?;
        node.kind = kind;
        node.span = span;
        self.depth -= 1;
        Some(())
    }

    // ----- block structure -----

    /// The document: an optional `---` line, then a block collection at column 0 or nothing.
    /// Returns the root.
    fn document(&mut self) -> Fast<Option<NodeId>> {
        let mut next = self.trivia()?;
        let explicit = next == Some(0) && self.at_document_marker() && self.peek() == b'-';
        if explicit {
            self.pos += 3;
            self.end_of_line()?;
            next = self.trivia()?;
        }
        match next {
            // `---` alone holds an empty scalar: rare, left to granit.
            None if explicit => bail(),
            None => Some(None),
            Some(0) => {
                ensure!(!self.at_document_marker());
                let (root, next) = self.block_collection(0, &Props::default())?;
                ensure!(next.is_none());
                Some(Some(root))
            }
            Some(_) => bail(),
        }
    }

    /// A block sequence or mapping whose first line (indentation `indent`) is under the cursor.
    fn block_collection(&mut self, indent: usize, props: &Props<'a>) -> Fast<(NodeId, Next)> {
        if self.at_dash() {
            self.block_sequence(indent, props, false)
        } else {
            self.block_mapping(indent, props)
        }
    }

    /// A block mapping at `indent`, the cursor on its first key.
    fn block_mapping(&mut self, indent: usize, props: &Props<'a>) -> Fast<(NodeId, Next)> {
        let kind = NodeKind::Mapping {
            flow: false,
            entries: Vec::new(),
        };
        let id = self.open(kind, Span::at(self.pos), props)?;
        let mark = self.entries.len();
        let next = loop {
            let (key, colon) = self.key()?;
            let (value, next) = self.block_value(indent, Place::Value { colon })?;
            self.entries.push((key, value));
            if next != Some(indent) {
                break next;
            }
        };
        self.close_mapping(id, mark, None)?;
        Some((id, next))
    }

    /// A block sequence at `indent`, the cursor on its first `-`. An indentless one (at its
    /// key's indentation) starts, for granit, where the first item's line goes on after the
    /// dash: at its first token, else at the line's end.
    fn block_sequence(
        &mut self,
        indent: usize,
        props: &Props<'a>,
        indentless: bool,
    ) -> Fast<(NodeId, Next)> {
        let kind = NodeKind::Sequence {
            flow: false,
            items: Vec::new(),
        };
        let start = if indentless {
            self.after_dash()
        } else {
            self.pos
        };
        let id = self.open(kind, Span::at(start), props)?;
        let mark = self.items.len();
        let next = loop {
            self.pos += 1;
            let (item, next) = self.block_value(indent, Place::Item)?;
            self.items.push(item);
            if next != Some(indent) || !self.at_dash() {
                break next;
            }
        };
        self.close_sequence(id, mark, None)?;
        Some((id, next))
    }

    /// Where the line under the cursor (on a `-`) goes on: the first token after the dash, or
    /// the end of the line when only spaces or a comment follow.
    fn after_dash(&self) -> usize {
        let rest = self.bytes.get(self.pos + 1..).unwrap_or_default();
        let token = rest.iter().position(|&b| b != b' ').unwrap_or(rest.len());
        if rest.get(token).is_some_and(|&b| b != b'#' && !is_break(b)) {
            return self.pos + 1 + token;
        }
        let eol = rest.iter().position(|&b| is_break(b)).unwrap_or(rest.len());
        self.pos + 1 + eol
    }

    /// A mapping key (plain or quoted, on one line) and its `:`. Returns the key node and the
    /// colon's offset, with the cursor after the colon.
    fn key(&mut self) -> Fast<(NodeId, usize)> {
        let start = self.pos;
        let (value, style, span) = match self.peek() {
            b'"' | b'\'' => self.quoted(usize::MAX)?,
            _ => {
                ensure!(self.plain_starts_here(false));
                let (s, e, stop) = self.plain_line();
                ensure!(stop == Stop::Colon);
                (
                    self.slice(s, e)?.to_owned(),
                    ScalarStyle::Plain,
                    Span::new(s, e),
                )
            }
        };
        self.skip_spaces();
        ensure!(self.peek() == b':' && is_sep(self.at(self.pos + 1)));
        ensure!(self.pos - start <= MAX_KEY_BYTES);
        let colon = self.pos;
        self.pos += 1;
        let key = self.push_scalar(value, style, span, &Props::default());
        Some((key, colon))
    }

    /// The value after `key:` or `-` (the cursor just after the indicator), or at the start of
    /// the line below them, whose parent block has indentation `parent`. Returns the node and
    /// the next content line's indentation.
    fn block_value(&mut self, parent: usize, place: Place) -> Fast<(NodeId, Next)> {
        self.skip_spaces();
        let props = self.props()?;
        let c = self.peek();
        if is_end(c) || c == b'#' {
            return self.value_below(parent, place, &props);
        }
        if place == Place::Below && self.at_dash() {
            // `&a - x` on one line is an error.
            ensure!(props.is_empty());
            let (node, next) = self.block_sequence(self.column(), &props, false)?;
            return Some((node, Self::dedent(next, parent)?));
        }
        let start = self.pos;
        let node = match c {
            b'*' => {
                ensure!(props.is_empty());
                self.alias()?
            }
            b'|' | b'>' => return self.block_scalar(parent, &props),
            b'[' | b'{' => self.flow(parent, &props)?,
            b'"' | b'\'' => {
                let (value, style, span) = self.quoted(parent)?;
                self.skip_spaces();
                if self.peek() == b':' {
                    return self.compact_mapping(start, parent, place, &props);
                }
                self.push_scalar(value, style, span, &props)
            }
            _ => {
                ensure!(self.plain_starts_here(false));
                let (s, e, stop) = self.plain_line();
                if stop == Stop::Colon {
                    return self.compact_mapping(start, parent, place, &props);
                }
                let (value, span) = if stop == Stop::Eol {
                    self.plain_continuation(parent, s, e)?
                } else {
                    (self.slice(s, e)?.to_owned(), Span::new(s, e))
                };
                self.push_scalar(value, ScalarStyle::Plain, span, &props)
            }
        };
        self.end_of_line()?;
        let next = self.next_line()?;
        Some((node, Self::dedent(next, parent)?))
    }

    /// A block mapping whose first key starts at `start`, on a sequence item's line (`- k: v`)
    /// or on the line below a key or dash. After `key:` on the same line it is an error, and
    /// properties before it would belong to the key: bail.
    fn compact_mapping(
        &mut self,
        start: usize,
        parent: usize,
        place: Place,
        props: &Props<'a>,
    ) -> Fast<(NodeId, Next)> {
        // A quoted scalar may have run over lines: the key must start on the current one.
        let item_or_below = matches!(place, Place::Item | Place::Below);
        ensure!(item_or_below && props.is_empty() && start >= self.line_start);
        self.pos = start;
        let (node, next) = self.block_mapping(self.column(), props)?;
        Some((node, Self::dedent(next, parent)?))
    }

    /// A value that does not start on its key's (or dash's) line: a node on a more-indented
    /// line, a block collection below properties written alone, an indentless sequence after a
    /// key, or else an empty scalar.
    fn value_below(
        &mut self,
        parent: usize,
        place: Place,
        props: &Props<'a>,
    ) -> Fast<(NodeId, Next)> {
        let eol = self.end_of_line()?;
        let next = self.next_line()?;
        match next {
            Some(indent) if indent > parent && props.is_empty() => {
                self.block_value(parent, Place::Below)
            }
            Some(indent) if indent > parent => {
                let (node, next) = self.block_collection(indent, props)?;
                Some((node, Self::dedent(next, parent)?))
            }
            Some(indent)
                if indent == parent && matches!(place, Place::Value { .. }) && self.at_dash() =>
            {
                ensure!(props.is_empty());
                let (node, next) = self.block_sequence(indent, props, true)?;
                Some((node, Self::dedent(next, parent)?))
            }
            _ => {
                // granit: an empty node sits after its properties, else at the key's colon or at
                // the end of the dash's line; it reads `~`, or `` when tagged. Properties alone
                // on the line below are left to granit.
                let at = match place {
                    Place::Below => return bail(),
                    _ if !props.is_empty() => props.end,
                    Place::Value { colon } => colon,
                    Place::Item => eol,
                };
                let value = if props.tag.is_some() { "" } else { "~" };
                let node =
                    self.push_scalar(value.to_owned(), ScalarStyle::Plain, Span::at(at), props);
                Some((node, next))
            }
        }
    }

    /// Anchor and tag before a node (each followed by a space or line end), cursor after them.
    fn props(&mut self) -> Fast<Props<'a>> {
        let mut props = Props::default();
        loop {
            match self.peek() {
                b'&' => {
                    ensure!(props.anchor.is_none());
                    let start = self.pos;
                    self.pos += 1;
                    let name = self.name()?;
                    props.anchor = Some((name, Span::new(start, self.pos)));
                }
                b'!' => {
                    ensure!(props.tag.is_none());
                    props.tag = Some(self.tag()?);
                }
                _ => return Some(props),
            }
            props.end = self.pos;
            ensure!(is_sep(self.peek()));
            self.skip_spaces();
        }
    }

    /// An anchor or alias name under the cursor.
    fn name(&mut self) -> Fast<&'a str> {
        let start = self.pos;
        while is_name_byte(self.peek()) {
            self.pos += 1;
        }
        let next = self.peek();
        ensure!(self.pos > start && (is_sep(next) || is_flow_indicator(next)));
        self.slice(start, self.pos)
    }

    /// `!name` or `!!core`, as granit reports them.
    fn tag(&mut self) -> Fast<&'a str> {
        let start = self.pos;
        self.pos += 1;
        let core = self.peek() == b'!';
        if core {
            self.pos += 1;
        }
        let name_start = self.pos;
        while matches!(self.peek(), b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_') {
            self.pos += 1;
        }
        let name = self.slice(name_start, self.pos)?;
        ensure!(!name.is_empty() && (!core || CORE_TAGS.contains(&name)));
        self.slice(start, self.pos)
    }

    /// `*name`: a reference to an earlier anchor (an unknown one is granit's error).
    fn alias(&mut self) -> Fast<NodeId> {
        let start = self.pos;
        self.pos += 1;
        let name = self.name()?;
        let target = *self.anchors.get(name)?;
        let span = Span::new(start, self.pos);
        Some(self.push(NodeKind::Alias { target }, span, &Props::default()))
    }

    // ----- plain scalars -----

    /// True when a plain scalar may start under the cursor: not at an indicator (`-` is fine
    /// before a non-space, as in `-Xmx1g`; `?` and `:` are left to granit).
    fn plain_starts_here(&self, flow: bool) -> bool {
        match self.peek() {
            b'-' => {
                let next = self.at(self.pos + 1);
                !(is_sep(next) || (flow && is_flow_indicator(next)))
            }
            b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|'
            | b'>' | b'\'' | b'"' | b'%' | b'@' | b'`' | b' ' => false,
            c => !is_end(c),
        }
    }

    /// One line of a block plain scalar from the cursor: returns its trimmed range and why it
    /// ended, with the cursor at the stop (the line end, the space before `#`, or the `:`).
    fn plain_line(&mut self) -> (usize, usize, Stop) {
        let start = self.pos;
        let mut end = start;
        loop {
            match self.peek() {
                b'\n' | b'\r' | 0 => return (start, end, Stop::Eol),
                b' ' if self.at(self.pos + 1) == b'#' => return (start, end, Stop::Comment),
                b' ' => self.pos += 1,
                b':' if is_sep(self.at(self.pos + 1)) => return (start, end, Stop::Colon),
                _ => {
                    self.pos += 1;
                    end = self.pos;
                }
            }
        }
    }

    /// Continues a plain scalar `text[start..end]` over more-indented lines (folded: one line
    /// break reads as a space, each blank line as a newline). A line starting with an indicator
    /// (as a plain scalar could not) is not taken, conservatively. The cursor ends at the end of
    /// the last line taken, before its line break or comment.
    fn plain_continuation(
        &mut self,
        parent: usize,
        start: usize,
        end: usize,
    ) -> Fast<(String, Span)> {
        let mut value: Option<String> = None;
        let mut end = end;
        loop {
            let (line_end, line_start) = (self.pos, self.line_start);
            let mut blanks = 0;
            self.line_break();
            let indent = loop {
                let indent = self.skip_spaces();
                if !is_break(self.peek()) {
                    break indent;
                }
                blanks += 1;
                self.line_break();
            };
            if self.peek() == 0 || indent <= parent || !self.plain_starts_here(false) {
                self.pos = line_end;
                self.line_start = line_start;
                break;
            }
            let (s, e, stop) = self.plain_line();
            ensure!(stop != Stop::Colon);
            let first = self.slice(start, end)?;
            let v = value.get_or_insert_with(|| first.to_owned());
            if blanks == 0 {
                v.push(' ');
            }
            for _ in 0..blanks {
                v.push('\n');
            }
            v.push_str(self.slice(s, e)?);
            end = e;
            if stop == Stop::Comment {
                break;
            }
        }
        let value = match value {
            Some(v) => v,
            None => self.slice(start, end)?.to_owned(),
        };
        Some((value, Span::new(start, end)))
    }

    // ----- quoted scalars -----

    /// A single- or double-quoted scalar from the cursor (on the quote); continuation lines must
    /// be indented deeper than `parent` (`usize::MAX`: the scalar must fit on its line).
    /// Returns the value, style and span (quotes included), the cursor after the closing quote.
    fn quoted(&mut self, parent: usize) -> Fast<(String, ScalarStyle, Span)> {
        let open = self.pos;
        let double = self.peek() == b'"';
        self.pos += 1;
        if let Some(value) = self.quoted_simple(double) {
            return Some((value, style_of(double), Span::new(open, self.pos)));
        }
        let mut out = String::new();
        // Output bytes that line folding may not trim (escapes).
        let mut kept = 0;
        loop {
            let chunk = self.pos;
            while !matches!(self.peek(), b'"' | b'\'' | b'\\' | b'\n' | b'\r' | 0) {
                self.pos += 1;
            }
            out.push_str(self.slice(chunk, self.pos)?);
            match self.peek() {
                b'\'' if !double && self.at(self.pos + 1) == b'\'' => {
                    out.push('\'');
                    self.pos += 2;
                    kept = out.len();
                }
                b'\'' if !double => break,
                b'"' if double => break,
                b'\\' if double => {
                    self.escape(&mut out, parent)?;
                    kept = out.len();
                }
                b'\'' | b'"' | b'\\' => {
                    out.push(char::from(self.peek()));
                    self.pos += 1;
                }
                b'\n' | b'\r' => {
                    out.truncate(out.trim_end_matches(' ').len().max(kept));
                    self.fold_quoted(&mut out, parent)?;
                    kept = out.len();
                }
                _ => return bail(),
            }
        }
        self.pos += 1;
        Some((out, style_of(double), Span::new(open, self.pos)))
    }

    /// The common quoted scalar: on one line, without escapes. Consumes it (closing quote
    /// included) and returns its value; otherwise leaves the cursor alone.
    fn quoted_simple(&mut self, double: bool) -> Option<String> {
        let quote = if double { b'"' } else { b'\'' };
        let rest = self.bytes.get(self.pos..)?;
        let len = rest
            .iter()
            .position(|&b| b == quote || b == b'\\' || is_break(b))?;
        let closed = rest.get(len) == Some(&quote);
        let doubled = !double && rest.get(len + 1) == Some(&b'\'');
        if !closed || doubled {
            return None;
        }
        let value = self.text.get(self.pos..self.pos + len)?.to_owned();
        self.pos += len + 1;
        Some(value)
    }

    /// A double-quoted escape under the cursor (on the backslash), appended to `out`. An
    /// escaped line break joins the next line without a space.
    fn escape(&mut self, out: &mut String, parent: usize) -> Fast<()> {
        let code = self.at(self.pos + 1);
        self.pos += 2;
        let c = match code {
            b'0' => '\0',
            b'a' => '\x07',
            b'b' => '\x08',
            b't' => '\t',
            b'n' => '\n',
            b'v' => '\x0b',
            b'f' => '\x0c',
            b'r' => '\r',
            b'e' => '\x1b',
            b' ' => ' ',
            b'"' => '"',
            b'/' => '/',
            b'\\' => '\\',
            b'N' => '\u{85}',
            b'_' => '\u{a0}',
            b'L' => '\u{2028}',
            b'P' => '\u{2029}',
            b'x' => self.hex(2)?,
            b'u' => self.hex(4)?,
            b'U' => self.hex(8)?,
            b'\n' | b'\r' => {
                self.pos -= 1;
                self.line_break();
                let indent = self.skip_spaces();
                ensure!(indent > parent && !is_end(self.peek()));
                return Some(());
            }
            _ => return bail(),
        };
        out.push(c);
        Some(())
    }

    /// `digits` hex digits under the cursor as a character.
    fn hex(&mut self, digits: usize) -> Fast<char> {
        let hex = self.slice(self.pos, self.pos + digits)?;
        ensure!(hex.bytes().all(|b| b.is_ascii_hexdigit()));
        self.pos += digits;
        char::from_u32(u32::from_str_radix(hex, 16).ok()?)
    }

    /// A line break inside a quoted scalar (trailing spaces already trimmed): one break reads as
    /// a space, blank lines as newlines; the next line's indentation is skipped.
    fn fold_quoted(&mut self, out: &mut String, parent: usize) -> Fast<()> {
        let mut breaks = 0;
        loop {
            self.line_break();
            breaks += 1;
            let indent = self.skip_spaces();
            if !is_break(self.peek()) {
                ensure!(indent > parent && self.peek() != 0);
                break;
            }
        }
        if breaks == 1 {
            out.push(' ');
        }
        for _ in 1..breaks {
            out.push('\n');
        }
        Some(())
    }

    // ----- block scalars -----

    /// A `|` or `>` block scalar (the cursor on the indicator) in a block of indentation
    /// `parent`. Clip and strip chomping; the content indentation is that of the first
    /// non-blank line. The span runs from the first content character to the start of the
    /// line that ends the scalar (the rule of `parse.rs`).
    fn block_scalar(&mut self, parent: usize, props: &Props<'a>) -> Fast<(NodeId, Next)> {
        let literal = self.peek() == b'|';
        self.pos += 1;
        let strip = self.peek() == b'-';
        if strip {
            self.pos += 1;
        }
        ensure!(is_sep(self.peek()));
        self.end_of_line()?;
        let mut value = String::new();
        let mut widest_blank = 0;
        let indent = loop {
            let indent = self.skip_spaces();
            match self.peek() {
                b'\n' | b'\r' => {
                    widest_blank = widest_blank.max(indent);
                    value.push('\n');
                    self.line_break();
                }
                0 => return bail(),
                _ => break indent,
            }
        };
        ensure!(indent > parent && widest_blank <= indent);
        let start = self.pos;
        let end = self.block_lines(&mut value, indent, literal)?;
        if !strip {
            value.push('\n');
        }
        let style = if literal {
            ScalarStyle::Literal
        } else {
            ScalarStyle::Folded
        };
        let node = self.push_scalar(value, style, Span::new(start, end), props);
        let next = self.next_line()?;
        Some((node, Self::dedent(next, parent)?))
    }

    /// The content lines of a block scalar, the cursor on the first one's content: appends them
    /// to `value` (literal: line breaks kept; folded: a single break between two lines that do
    /// not start with a space reads as a space, as in granit) and
    /// returns the span end. Leaves the cursor at the start of the line that ends the scalar.
    fn block_lines(&mut self, value: &mut String, indent: usize, literal: bool) -> Fast<usize> {
        // Whether the previous content line started with a space ("more indented"): folding
        // joins only lines that do not.
        let mut spaced: Option<bool> = None;
        let mut blanks = 0;
        loop {
            let start = self.pos;
            let this_spaced = self.peek() == b' ';
            self.skip_to_eol();
            if let Some(prev_spaced) = spaced {
                let folds = !literal && !prev_spaced && !this_spaced;
                let breaks = if folds { blanks } else { blanks + 1 };
                if breaks == 0 {
                    value.push(' ');
                }
                for _ in 0..breaks {
                    value.push('\n');
                }
            }
            value.push_str(self.slice(start, self.pos)?);
            spaced = Some(this_spaced);
            blanks = 0;
            if self.peek() == 0 {
                return Some(self.pos);
            }
            self.line_break();
            loop {
                let spaces = self.skip_spaces();
                match self.peek() {
                    b'\n' | b'\r' => {
                        ensure!(spaces <= indent);
                        blanks += 1;
                        self.line_break();
                    }
                    0 if self.pos >= self.bytes.len() => {
                        ensure!(spaces <= indent);
                        self.pos = self.line_start;
                        return Some(self.line_start);
                    }
                    _ if spaces >= indent => {
                        self.pos = self.line_start + indent;
                        break;
                    }
                    _ => {
                        self.pos = self.line_start;
                        return Some(self.line_start);
                    }
                }
            }
        }
    }

    // ----- flow collections -----

    /// A flow sequence or mapping from the cursor (on the bracket), in a block of indentation
    /// `parent`.
    fn flow(&mut self, parent: usize, props: &Props<'a>) -> Fast<NodeId> {
        let open = self.pos;
        let sequence = self.peek() == b'[';
        let kind = if sequence {
            NodeKind::Sequence {
                flow: true,
                items: Vec::new(),
            }
        } else {
            NodeKind::Mapping {
                flow: true,
                entries: Vec::new(),
            }
        };
        let id = self.open(kind, Span::at(open), props)?;
        self.pos += 1;
        let close = if sequence { b']' } else { b'}' };
        let mark = if sequence {
            self.items.len()
        } else {
            self.entries.len()
        };
        loop {
            self.flow_space(parent)?;
            if self.peek() == close {
                break;
            }
            if sequence {
                let item = self.flow_node(parent)?;
                ensure!(self.peek() != b':');
                self.items.push(item);
            } else {
                let key = self.flow_key()?;
                self.flow_space(parent)?;
                let value = self.flow_node(parent)?;
                self.entries.push((key, value));
            }
            match self.peek() {
                b',' => self.pos += 1,
                c if c == close => break,
                _ => return bail(),
            }
        }
        self.pos += 1;
        if sequence {
            self.close_sequence(id, mark, Some(self.pos))?;
        } else {
            self.close_mapping(id, mark, Some(self.pos))?;
        }
        Some(id)
    }

    /// Skips spaces, comments and line breaks inside a flow collection. Lines inside it must be
    /// indented deeper than `parent`, except for one starting with the closing bracket (granit
    /// accepts more; the fast path stays with the usual layouts).
    fn flow_space(&mut self, parent: usize) -> Fast<()> {
        loop {
            self.skip_spaces();
            match self.peek() {
                b'#' => {
                    let before = self
                        .bytes
                        .get(self.line_start..self.pos)
                        .unwrap_or_default();
                    let own_line = before.iter().all(|&b| b == b' ');
                    ensure!(own_line || self.at(self.pos - 1) == b' ');
                    self.comment(!own_line)?;
                }
                b'\n' | b'\r' => {
                    self.line_break();
                    let indent = self.skip_spaces();
                    let c = self.peek();
                    if is_break(c) || c == b'#' {
                        continue;
                    }
                    ensure!(c != 0 && !self.at_document_marker());
                    ensure!(indent > parent || matches!(c, b']' | b'}'));
                }
                0 => return bail(),
                _ => return Some(()),
            }
        }
    }

    /// A flow entry's node: a nested flow collection, a quoted or plain scalar or an alias;
    /// the cursor ends after it and the space that follows.
    fn flow_node(&mut self, parent: usize) -> Fast<NodeId> {
        let node = match self.peek() {
            b'[' | b'{' => self.flow(parent, &Props::default())?,
            b'*' => self.alias()?,
            b'"' | b'\'' => {
                let (value, style, span) = self.quoted(usize::MAX)?;
                self.push_scalar(value, style, span, &Props::default())
            }
            _ => {
                let (s, e) = self.flow_plain()?;
                ensure!(self.peek() != b':');
                let value = self.slice(s, e)?.to_owned();
                self.push_scalar(
                    value,
                    ScalarStyle::Plain,
                    Span::new(s, e),
                    &Props::default(),
                )
            }
        };
        self.flow_space(parent)?;
        Some(node)
    }

    /// A flow mapping key (plain or quoted) and its `: ` on the same line, the cursor after the
    /// colon.
    fn flow_key(&mut self) -> Fast<NodeId> {
        let start = self.pos;
        let (value, style, span) = match self.peek() {
            b'"' | b'\'' => self.quoted(usize::MAX)?,
            _ => {
                let (s, e) = self.flow_plain()?;
                (
                    self.slice(s, e)?.to_owned(),
                    ScalarStyle::Plain,
                    Span::new(s, e),
                )
            }
        };
        self.skip_spaces();
        ensure!(self.peek() == b':' && self.at(self.pos + 1) == b' ');
        ensure!(self.pos - start <= MAX_KEY_BYTES);
        self.pos += 1;
        Some(self.push_scalar(value, style, span, &Props::default()))
    }

    /// A plain scalar inside a flow collection, on one line: its trimmed range, the cursor at
    /// what ended it (a flow indicator, `:`, a comment, or a line end when the next content
    /// ends the entry; a scalar that would go on over lines bails).
    fn flow_plain(&mut self) -> Fast<(usize, usize)> {
        ensure!(self.plain_starts_here(true));
        let start = self.pos;
        let mut end = start;
        loop {
            match self.peek() {
                b',' | b']' | b'}' | b':' => return Some((start, end)),
                b' ' if self.at(self.pos + 1) == b'#' => return Some((start, end)),
                b'\n' | b'\r' => {
                    ensure!(self.entry_ends_after_line());
                    return Some((start, end));
                }
                b'[' | b'{' | 0 => return bail(),
                b' ' => self.pos += 1,
                _ => {
                    self.pos += 1;
                    end = self.pos;
                }
            }
        }
    }

    /// At a line break after a flow plain scalar: true when the next non-blank character ends
    /// the entry (`,`, a closing bracket or a comment), so the scalar does not go on.
    fn entry_ends_after_line(&self) -> bool {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        let next = rest.iter().find(|&&b| b != b' ' && !is_break(b));
        matches!(next, Some(b',' | b']' | b'}' | b'#'))
    }
}

/// The style of a quoted scalar.
fn style_of(double: bool) -> ScalarStyle {
    if double {
        ScalarStyle::DoubleQuoted
    } else {
        ScalarStyle::SingleQuoted
    }
}
