//! Turns a parsed [`Document`] into a model [`Value`]: expands aliases (within a budget),
//! applies merge keys, types plain scalars, rejects duplicate keys.

use crate::diagnostic::Diagnostic;
use crate::project::value::{FileId, Kind, Map, MergeTag, Origin, Str, Value};
use crate::rules::load as codes;
use crate::source::{
    Document, NodeId, NodeKind, ScalarStyle, ScalarValue, SourceFile, Span, resolve_plain,
};
use std::collections::HashSet;
use std::sync::Arc;

/// Converts `doc` (parsed from `file`) into a value. Every problem found is returned; a
/// file with problems yields no value, since Compose would refuse it.
pub fn to_value(
    doc: &Document,
    file: &Arc<SourceFile>,
    id: FileId,
    max_nodes: usize,
) -> Result<Option<Value>, Vec<Diagnostic>> {
    let Some(root) = doc.root() else {
        return Ok(None);
    };
    let mut cx = Converter {
        doc,
        file,
        id,
        budget: max_nodes,
        expanding: HashSet::new(),
        problems: Vec::new(),
        exhausted: false,
    };
    let value = cx.node(root, None);
    if cx.problems.is_empty() {
        Ok(Some(value))
    } else {
        Err(cx.problems)
    }
}

struct Converter<'a> {
    doc: &'a Document,
    file: &'a Arc<SourceFile>,
    id: FileId,
    budget: usize,
    expanding: HashSet<NodeId>,
    problems: Vec<Diagnostic>,
    exhausted: bool,
}

impl Converter<'_> {
    fn origin(&self, span: Span, via_alias: Option<Span>) -> Origin {
        Origin {
            file: self.id,
            span,
            via_alias,
        }
    }

    fn null(&self, span: Span) -> Value {
        Value::new(Kind::Null, self.origin(span, None))
    }

    fn node(&mut self, id: NodeId, via_alias: Option<Span>) -> Value {
        let node = self.doc.node(id);
        if self.budget == 0 {
            if !self.exhausted {
                self.exhausted = true;
                self.problems.push(
                    Diagnostic::new(
                        &codes::RESOURCE_LIMIT,
                        "aliases expand to too many values; the file looks like an alias bomb",
                    )
                    .at(self.file, via_alias.unwrap_or(node.span)),
                );
            }
            return self.null(node.span);
        }
        self.budget -= 1;
        let tag = match node.tag.as_deref() {
            Some("!reset") => Some(MergeTag::Reset),
            Some("!override") => Some(MergeTag::Override),
            _ => None,
        };
        let origin = self.origin(node.span, via_alias);
        let kind = match &node.kind {
            NodeKind::Alias { target } => {
                if !self.expanding.insert(*target) {
                    self.problems.push(
                        Diagnostic::new(
                            &codes::INVALID_YAML,
                            "alias refers to a node that contains it",
                        )
                        .at(self.file, node.span),
                    );
                    return self.null(node.span);
                }
                let mut value = self.node(*target, Some(via_alias.unwrap_or(node.span)));
                self.expanding.remove(target);
                if tag.is_some() {
                    value.tag = tag;
                }
                return value;
            }
            NodeKind::Scalar { value, style } => {
                self.scalar(value, *style, node.tag.as_deref(), node.span)
            }
            NodeKind::Sequence { items, .. } => {
                let guard = node.anchor.is_some() && self.expanding.insert(id);
                let items = items.iter().map(|&i| self.node(i, via_alias)).collect();
                if guard {
                    self.expanding.remove(&id);
                }
                Kind::Seq(items)
            }
            NodeKind::Mapping { entries, .. } => {
                // An anchor is in scope inside its own node: guard `&a {k: *a}`.
                let guard = node.anchor.is_some() && self.expanding.insert(id);
                let map = self.mapping(entries, via_alias);
                if guard {
                    self.expanding.remove(&id);
                }
                Kind::Map(map)
            }
        };
        Value { kind, origin, tag }
    }

    fn scalar(&self, value: &str, style: ScalarStyle, tag: Option<&str>, span: Span) -> Kind {
        let typed = match (style, tag) {
            (_, Some("!!str")) => ScalarValue::String,
            (ScalarStyle::Plain, Some("!!int" | "!!float" | "!!bool" | "!!null") | None) => {
                resolve_plain(value)
            }
            _ => ScalarValue::String,
        };
        match typed {
            ScalarValue::Null => Kind::Null,
            ScalarValue::Bool(b) => Kind::Bool(b),
            ScalarValue::Int(i) => Kind::Int(i),
            ScalarValue::Float(f) => Kind::Float(f),
            ScalarValue::String => {
                let text = self.file.text();
                let start = match style {
                    ScalarStyle::Plain => Some(span.start),
                    ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => Some(span.start + 1),
                    ScalarStyle::Literal | ScalarStyle::Folded => None,
                };
                let raw_offset = start.filter(|&s| text.get(s..s + value.len()) == Some(value));
                Kind::Str(Str {
                    text: value.to_string(),
                    style,
                    raw_offset,
                    interpolation: None,
                })
            }
        }
    }

    fn key_text(&mut self, key: NodeId) -> Option<String> {
        let node = self.doc.node(self.doc.resolve(key));
        match &node.kind {
            NodeKind::Scalar { value, .. } => Some(value.clone()),
            _ => {
                self.problems.push(
                    Diagnostic::new(
                        &codes::INVALID_YAML,
                        "a mapping key must be a plain value, not a collection",
                    )
                    .at(self.file, self.doc.node(key).span),
                );
                None
            }
        }
    }

    fn mapping(&mut self, entries: &[(NodeId, NodeId)], via_alias: Option<Span>) -> Map {
        let mut map = Map::default();
        let mut merges = Vec::new();
        for (index, &(k, v)) in entries.iter().enumerate() {
            let Some(key) = self.key_text(k) else {
                continue;
            };
            if key == "<<" && self.is_merge_key(k) {
                merges.push((index, v));
                continue;
            }
            let span = self.doc.node(k).span;
            if let Some((first, _)) = map.entry(&key) {
                let first = first.span;
                self.problems.push(
                    Diagnostic::new(&codes::DUPLICATE_KEY, format!("duplicate key `{key}`"))
                        .at(self.file, span)
                        .label(self.file, first, "first defined here")
                        .help("Compose refuses a mapping with a repeated key: keep one of them"),
                );
                continue;
            }
            let key_origin = self.origin(span, via_alias);
            let value = self.node(v, via_alias);
            map.insert(key, key_origin, value);
        }
        if merges.is_empty() {
            return map;
        }
        // Explicit keys win over merged ones wherever they are written; merged keys go where
        // the `<<` is when it leads the mapping (the usual layout), else after the explicit ones.
        let mut merged = Map::default();
        for &(_, v) in &merges {
            self.merge(v, &map, &mut merged, via_alias);
        }
        if merges[0].0 == 0 {
            for (key, key_origin, value) in map.into_entries() {
                merged.insert(key, key_origin, value);
            }
            merged
        } else {
            for (key, key_origin, value) in merged.into_entries() {
                map.insert(key, key_origin, value);
            }
            map
        }
    }

    fn is_merge_key(&self, key: NodeId) -> bool {
        matches!(
            &self.doc.node(key).kind,
            NodeKind::Scalar {
                style: ScalarStyle::Plain,
                ..
            }
        )
    }

    /// `<<: *a` or `<<: [*a, *b]`: earlier sources win, explicit keys win over all.
    fn merge(&mut self, v: NodeId, explicit: &Map, map: &mut Map, via: Option<Span>) {
        let aliased = matches!(self.doc.node(v).kind, NodeKind::Alias { .. });
        let sources: Vec<NodeId> = match &self.doc.node(self.doc.resolve(v)).kind {
            NodeKind::Mapping { .. } => vec![v],
            // `<<: [*a, *b]` lists mappings; `<<: *list` merges a sequence, which YAML forbids.
            NodeKind::Sequence { items, .. } if !aliased => items.clone(),
            _ => {
                self.problems.push(
                    Diagnostic::new(
                        &codes::INVALID_MERGE_KEY,
                        "the value of `<<` must be a mapping or a list of mappings",
                    )
                    .at(self.file, self.doc.node(v).span)
                    .help("merge an anchored mapping: `<<: *defaults`"),
                );
                return;
            }
        };
        for source in sources {
            let value = self.node(source, via);
            let Kind::Map(merged) = value.kind else {
                self.problems.push(
                    Diagnostic::new(
                        &codes::INVALID_MERGE_KEY,
                        format!("`<<` can only merge mappings, not {}", value.type_name()),
                    )
                    .at(self.file, self.doc.node(source).span),
                );
                continue;
            };
            for (key, key_origin, value) in merged.into_entries() {
                if !explicit.contains_key(&key) && !map.contains_key(&key) {
                    map.insert(key, key_origin, value);
                }
            }
        }
    }
}
