//! The YAML tree: nodes in an arena, aliases kept as references to their anchor's node.

/// A byte range in one file's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// The span `start..end`.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// An empty span at `offset`.
    pub fn at(offset: usize) -> Self {
        Span::new(offset, offset)
    }

    /// Number of bytes covered.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// True when no byte is covered.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// How a scalar was written; fixes keep it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarStyle {
    /// `value`
    Plain,
    /// `'value'`
    SingleQuoted,
    /// `"value"`
    DoubleQuoted,
    /// `|` block
    Literal,
    /// `>` block
    Folded,
}

/// Index of a node in its [`Document`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NodeId(pub(crate) u32);

/// One YAML node as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// What the node is.
    pub kind: NodeKind,
    /// The node's content: a scalar's text (with quotes; without a block indicator line), a flow
    /// collection from bracket to bracket, a block collection from its first to its last child.
    pub span: Span,
    /// `&name` on this node, with the span of the `&name` token.
    pub anchor: Option<Box<(String, Span)>>,
    /// An explicit tag: `!reset`, `!override`, or a core tag written `!!str`.
    pub tag: Option<Box<str>>,
}

/// The shape of a node.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// A scalar with its value after YAML escape processing and folding.
    Scalar {
        /// The value.
        value: String,
        /// How it was written.
        style: ScalarStyle,
    },
    /// A sequence.
    Sequence {
        /// `[a, b]` rather than `- a`.
        flow: bool,
        /// The items in order.
        items: Vec<NodeId>,
    },
    /// A mapping, entries in source order (duplicates are kept; the loader rejects them).
    Mapping {
        /// `{a: 1}` rather than block style.
        flow: bool,
        /// Key and value nodes in order.
        entries: Vec<(NodeId, NodeId)>,
    },
    /// `*name`: a reference to the anchored node.
    Alias {
        /// The anchored node.
        target: NodeId,
    },
}

/// A comment, from `#` to the end of its line (line break excluded).
#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    /// The bytes from `#` to the end of the line.
    pub span: Span,
    /// True when the comment follows content on its line.
    pub trailing: bool,
}

/// A parsed file: its nodes, its root (None for an empty file) and its comments in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    pub(crate) nodes: Vec<Node>,
    pub(crate) root: Option<NodeId>,
    pub(crate) comments: Vec<Comment>,
}

impl Document {
    /// The root node, or None when the file holds no document.
    pub fn root(&self) -> Option<NodeId> {
        self.root
    }

    /// The node with this id.
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.0 as usize]
    }

    /// Number of nodes written in the file (aliases count once).
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// True for a file without nodes.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// All comments, in source order.
    pub fn comments(&self) -> &[Comment] {
        &self.comments
    }

    /// The node itself, or the anchored node when `id` is an alias.
    pub fn resolve(&self, id: NodeId) -> NodeId {
        match self.node(id).kind {
            NodeKind::Alias { target } => target,
            _ => id,
        }
    }
}
