//! Flow collections: `[...]` sequences and `{...}` mappings of scalars, aliases and nested flows,
//! also over several lines.

use super::props::Props;
use super::scanner::is_break;
use super::{Fast, MAX_KEY_BYTES, Parser, bail};
use crate::source::tree::{NodeId, NodeKind, ScalarStyle, Span};

impl<'a> Parser<'a> {
    /// A flow sequence or mapping from the cursor (on the bracket), in a block of indentation
    /// `parent`.
    pub(super) fn flow(&mut self, parent: usize, props: &Props<'a>) -> Fast<NodeId> {
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
