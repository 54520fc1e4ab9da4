//! Building the document: appending nodes, registering anchors, and closing collections with
//! their children and final spans.

use super::props::Props;
use super::{Fast, Parser, bail};
use crate::source::tree::{Node, NodeId, NodeKind, ScalarStyle, Span};

impl<'a> Parser<'a> {
    /// Appends a node with `props` and returns its id; registers its anchor.
    pub(super) fn push(&mut self, kind: NodeKind, span: Span, props: &Props<'a>) -> NodeId {
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
    pub(super) fn push_scalar(
        &mut self,
        value: String,
        style: ScalarStyle,
        span: Span,
        props: &Props<'a>,
    ) -> NodeId {
        self.push(NodeKind::Scalar { value, style }, span, props)
    }

    /// Opens a collection node (its children follow it, as granit's events do).
    pub(super) fn open(&mut self, kind: NodeKind, span: Span, props: &Props<'a>) -> Fast<NodeId> {
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
    pub(super) fn close_sequence(
        &mut self,
        id: NodeId,
        mark: usize,
        flow_end: Option<usize>,
    ) -> Fast<()> {
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
    pub(super) fn close_mapping(
        &mut self,
        id: NodeId,
        mark: usize,
        flow_end: Option<usize>,
    ) -> Fast<()> {
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
}
