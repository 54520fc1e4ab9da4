//! Node properties and aliases: `&anchor`, `!tag` and `!!core` tags before a node, and `*alias`.

use super::scanner::{is_flow_indicator, is_name_byte, is_sep};
use super::{Fast, Parser, bail};
use crate::source::tree::{NodeId, NodeKind, Span};

/// The core-schema names granit reports as `!!name`.
const CORE_TAGS: [&str; 7] = ["bool", "float", "int", "map", "null", "seq", "str"];

/// The anchor and tag written before a node.
#[derive(Default)]
pub(super) struct Props<'a> {
    /// `&name`: the name and the span of the whole token.
    pub(super) anchor: Option<(&'a str, Span)>,
    /// The tag as written and reported (`!reset`, `!!str`).
    pub(super) tag: Option<&'a str>,
    /// End of the last property token (an empty node sits there).
    pub(super) end: usize,
}

impl Props<'_> {
    /// True when neither anchor nor tag was written.
    pub(super) fn is_empty(&self) -> bool {
        self.anchor.is_none() && self.tag.is_none()
    }
}

impl<'a> Parser<'a> {
    /// Anchor and tag before a node (each followed by a space or line end), cursor after them.
    pub(super) fn props(&mut self) -> Fast<Props<'a>> {
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
    pub(super) fn alias(&mut self) -> Fast<NodeId> {
        let start = self.pos;
        self.pos += 1;
        let name = self.name()?;
        let target = *self.anchors.get(name)?;
        let span = Span::new(start, self.pos);
        Some(self.push(NodeKind::Alias { target }, span, &Props::default()))
    }
}
