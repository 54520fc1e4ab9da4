//! Block structure: the document, block mappings and sequences, keys, and what a block value
//! is (a scalar, a flow collection, a nested block, or empty).

use super::plain::Stop;
use super::props::Props;
use super::scanner::{is_break, is_end, is_sep};
use super::{Fast, MAX_KEY_BYTES, Next, Parser, bail};
use crate::source::tree::{NodeId, NodeKind, ScalarStyle, Span};

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

impl<'a> Parser<'a> {
    /// The document: an optional `---` line, then a block collection at column 0 or nothing.
    /// Returns the root.
    pub(super) fn document(&mut self) -> Fast<Option<NodeId>> {
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
}
