//! Builds a [`Document`] from the parser's events, within resource limits.

use super::tree::{Comment, Document, Node, NodeId, NodeKind, ScalarStyle, Span};
use granit_parser::{Event, Parser, StructureStyle, Tag};
use std::collections::HashMap;

/// Bounds on the work one file may cause.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest file accepted, in bytes.
    pub max_bytes: usize,
    /// Deepest nesting of collections.
    pub max_depth: usize,
    /// Values that alias expansion may produce from one file beyond four per node written in
    /// it: honest files stay far below, an alias bomb stops here.
    pub max_expanded_nodes: usize,
    /// Bytes that variable values may add to interpolated text across a whole project (its
    /// `.env`, env files and compose files): an expansion bomb stops here.
    pub max_interpolated_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 16 * 1024 * 1024,
            max_depth: 64,
            max_expanded_nodes: 250_000,
            max_interpolated_bytes: 16 * 1024 * 1024,
        }
    }
}

/// Why a file could not be parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseErrorKind {
    /// Not valid YAML.
    Syntax,
    /// More than one YAML document.
    MultipleDocuments,
    /// Over a resource limit (size or nesting depth).
    Limit,
}

/// A parse failure with the place it was found.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    /// Which kind of failure.
    pub kind: ParseErrorKind,
    /// What went wrong, in words.
    pub message: String,
    /// Where.
    pub span: Span,
}

enum Frame {
    Sequence {
        id: NodeId,
        items: Vec<NodeId>,
    },
    Mapping {
        id: NodeId,
        entries: Vec<(NodeId, NodeId)>,
        key: Option<NodeId>,
    },
}

impl Frame {
    fn id(&self) -> NodeId {
        match self {
            Frame::Sequence { id, .. } | Frame::Mapping { id, .. } => *id,
        }
    }
}

fn span_of(span: &granit_parser::Span) -> Span {
    span.byte_range()
        .map(|r| Span::new(r.start, r.end))
        .unwrap_or_default()
}

fn tag_name(tag: Option<&Tag>) -> Option<Box<str>> {
    let tag = tag?;
    let name = match tag.core_suffix() {
        Some(suffix) => format!("!!{suffix}"),
        None => format!("{}{}", tag.handle(), tag.suffix()),
    };
    Some(name.into_boxed_str())
}

fn style_of(style: granit_parser::ScalarStyle) -> ScalarStyle {
    match style {
        granit_parser::ScalarStyle::Plain => ScalarStyle::Plain,
        granit_parser::ScalarStyle::SingleQuoted => ScalarStyle::SingleQuoted,
        granit_parser::ScalarStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
        granit_parser::ScalarStyle::Literal => ScalarStyle::Literal,
        granit_parser::ScalarStyle::Folded => ScalarStyle::Folded,
    }
}

/// Parses one file into a [`Document`]. An empty file (or one with only comments) gives a
/// document without root; more than one document is an error.
///
/// The hand-written fast path takes the files it is sure about (most compose files); granit
/// parses the rest, so every error comes from granit.
pub fn parse(text: &str, limits: &Limits) -> Result<Document, ParseError> {
    if text.len() > limits.max_bytes {
        return Err(ParseError {
            kind: ParseErrorKind::Limit,
            message: format!(
                "file is {} bytes, more than the limit of {} bytes",
                text.len(),
                limits.max_bytes
            ),
            span: Span::at(0),
        });
    }
    if let Some(doc) = super::fast::parse(text, limits) {
        return Ok(doc);
    }
    granit(text, limits)
}

/// Parses with granit-parser's events: the reference the fast path must match, and the path
/// for everything it leaves alone.
pub(super) fn granit(text: &str, limits: &Limits) -> Result<Document, ParseError> {
    let options = granit_parser::options! {
        emit_anchor_events: true,
        block_nesting_limit: limits.max_depth + 1,
        flow_nesting_limit: limits.max_depth + 1,
    };
    let mut doc = Document::default();
    // About one node per ten bytes of a typical compose file: one allocation instead of many.
    doc.nodes.reserve(text.len() / 10);
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, NodeId> = HashMap::new();
    let mut last: Option<NodeId> = None;
    let mut documents = 0usize;

    for event in Parser::new_from_str_with_options(text, options) {
        let (event, gspan) = event.map_err(|e| syntax_error(text, &e))?;
        let span = span_of(&gspan);
        match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {}
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    return Err(ParseError {
                        kind: ParseErrorKind::MultipleDocuments,
                        message: "the file holds more than one YAML document; Compose reads one \
                                  document per file"
                            .into(),
                        span,
                    });
                }
            }
            Event::Comment(_, placement) => doc.comments.push(Comment {
                span,
                trailing: matches!(placement, granit_parser::Placement::Right),
            }),
            Event::Anchor(id, name) => {
                if let Some(node) = last {
                    doc.nodes[node.0 as usize].anchor = Some(Box::new((name.into_owned(), span)));
                    anchors.insert(id, node);
                }
            }
            Event::Alias(id) => {
                let Some(&target) = anchors.get(&id) else {
                    return Err(ParseError {
                        kind: ParseErrorKind::Syntax,
                        message: "alias refers to an unknown anchor".into(),
                        span,
                    });
                };
                let node = push(&mut doc, NodeKind::Alias { target }, span, None);
                finish(&mut stack, node);
            }
            Event::UnresolvedAlias(name) => {
                return Err(ParseError {
                    kind: ParseErrorKind::Syntax,
                    message: format!("alias `*{name}` refers to an anchor that is not defined"),
                    span,
                });
            }
            Event::Scalar(value, style, _, tag) => {
                let span = match style {
                    // A block scalar's span runs on to the next token's indentation: end it
                    // after its own last line.
                    granit_parser::ScalarStyle::Literal | granit_parser::ScalarStyle::Folded => {
                        block_scalar_end(text, span)
                    }
                    _ => span,
                };
                let kind = NodeKind::Scalar {
                    value: value.into_owned(),
                    style: style_of(style),
                };
                let node = push(&mut doc, kind, span, tag_name(tag.as_deref()));
                last = Some(node);
                finish(&mut stack, node);
            }
            Event::SequenceStart(style, _, tag) => {
                let flow = style == StructureStyle::Flow;
                let kind = NodeKind::Sequence {
                    flow,
                    items: Vec::new(),
                };
                let node = push(&mut doc, kind, span, tag_name(tag.as_deref()));
                last = Some(node);
                stack.push(Frame::Sequence {
                    id: node,
                    items: Vec::new(),
                });
                check_depth(&stack, limits, span)?;
            }
            Event::MappingStart(style, _, tag) => {
                let flow = style == StructureStyle::Flow;
                let kind = NodeKind::Mapping {
                    flow,
                    entries: Vec::new(),
                };
                let node = push(&mut doc, kind, span, tag_name(tag.as_deref()));
                last = Some(node);
                stack.push(Frame::Mapping {
                    id: node,
                    entries: Vec::new(),
                    key: None,
                });
                check_depth(&stack, limits, span)?;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = stack.pop() else { continue };
                let id = frame.id();
                let node = &mut doc.nodes[id.0 as usize];
                let flow = match (&mut node.kind, frame) {
                    (NodeKind::Sequence { flow, items }, Frame::Sequence { items: done, .. }) => {
                        *items = done;
                        *flow
                    }
                    (NodeKind::Mapping { flow, entries }, Frame::Mapping { entries: done, .. }) => {
                        *entries = done;
                        *flow
                    }
                    _ => unreachable!("internal error: frame and node kinds differ"),
                };
                fix_container_span(&mut doc, id, flow, span);
                finish(&mut stack, id);
            }
            _ => {}
        }
    }
    doc.root = if doc.nodes.is_empty() {
        None
    } else {
        Some(NodeId(0))
    };
    Ok(doc)
}

fn block_scalar_end(text: &str, span: Span) -> Span {
    let slice = &text[span.start..span.end.min(text.len())];
    match slice.rfind(['\r', '\n']) {
        Some(i) if slice[i + 1..].bytes().all(|b| b == b' ' || b == b'\t') => {
            Span::new(span.start, span.start + i + 1)
        }
        _ => span,
    }
}

fn check_depth(stack: &[Frame], limits: &Limits, span: Span) -> Result<(), ParseError> {
    if stack.len() > limits.max_depth {
        return Err(ParseError {
            kind: ParseErrorKind::Limit,
            message: format!(
                "collections are nested more than {} levels deep",
                limits.max_depth
            ),
            span,
        });
    }
    Ok(())
}

fn push(doc: &mut Document, kind: NodeKind, span: Span, tag: Option<Box<str>>) -> NodeId {
    let id = NodeId(doc.nodes.len() as u32);
    doc.nodes.push(Node {
        kind,
        span,
        anchor: None,
        tag,
    });
    id
}

/// A block collection's span runs from its first child to its last; a flow one from bracket to
/// bracket.
fn fix_container_span(doc: &mut Document, id: NodeId, flow: bool, end_event: Span) {
    let node = &doc.nodes[id.0 as usize];
    let (first, last) = match &node.kind {
        NodeKind::Sequence { items, .. } => (items.first().copied(), items.last().copied()),
        NodeKind::Mapping { entries, .. } => {
            (entries.first().map(|e| e.0), entries.last().map(|e| e.1))
        }
        _ => (None, None),
    };
    let mut span = node.span;
    if flow {
        span.end = end_event.end.max(span.end);
    } else {
        if let Some(first) = first {
            span.start = span.start.min(doc.nodes[first.0 as usize].span.start);
        }
        if let Some(last) = last {
            span.end = span.end.max(doc.nodes[last.0 as usize].span.end);
        }
    }
    doc.nodes[id.0 as usize].span = span;
}

fn finish(stack: &mut [Frame], node: NodeId) {
    match stack.last_mut() {
        Some(Frame::Sequence { items, .. }) => items.push(node),
        Some(Frame::Mapping { entries, key, .. }) => match key.take() {
            None => *key = Some(node),
            Some(k) => entries.push((k, node)),
        },
        None => {}
    }
}

fn syntax_error(text: &str, e: &granit_parser::ScanError) -> ParseError {
    let marker = e.marker();
    let offset = marker
        .byte_offset()
        .unwrap_or_else(|| char_to_byte(text, marker.index()));
    let kind = match e.kind() {
        granit_parser::ErrorKind::RecursionLimitExceeded => ParseErrorKind::Limit,
        _ => ParseErrorKind::Syntax,
    };
    ParseError {
        kind,
        message: e.info(),
        span: Span::at(offset.min(text.len())),
    }
}

fn char_to_byte(text: &str, chars: usize) -> usize {
    text.char_indices()
        .nth(chars)
        .map_or(text.len(), |(i, _)| i)
}
