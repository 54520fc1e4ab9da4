//! Turns a parsed [`Document`] into a model [`Value`]: expands aliases (within a budget),
//! applies merge keys, types plain scalars, rejects duplicate keys. The values of a large
//! mapping (a big project's `services`) convert on every core.

use crate::diagnostic::Diagnostic;
use crate::parallel;
use crate::project::codes;
use crate::project::value::{FileId, Kind, Map, MergeTag, Origin, Str, Value};
use crate::source::{
    Document, NodeId, NodeKind, ScalarStyle, ScalarValue, SourceFile, Span, resolve_plain,
};
use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// How much of the shared budget a converter on a worker thread takes at a time.
const BUDGET_CHUNK: usize = 4096;

/// Converts `doc` (parsed from `file`) into a value. Every problem found is returned; a
/// file with problems yields no value, since Compose would refuse it.
pub(super) fn to_value(
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
        pool: None,
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
    /// Nodes this converter may still produce: an alias bomb stops when it runs out.
    budget: usize,
    /// On a worker thread, the budget shared by all workers, taken a chunk at a time.
    pool: Option<&'a AtomicUsize>,
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
        if self.budget == 0 && !self.refill() {
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

    /// On a worker thread, takes another chunk of the shared budget; false when none is left.
    fn refill(&mut self) -> bool {
        let Some(pool) = self.pool else {
            return false;
        };
        let left = pool
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                Some(left - left.min(BUDGET_CHUNK))
            })
            .unwrap_or(0);
        self.budget = left.min(BUDGET_CHUNK);
        self.budget > 0
    }

    fn mapping(&mut self, entries: &[(NodeId, NodeId)], via_alias: Option<Span>) -> Map {
        let workers = parallel::workers(entries.len());
        if workers > 1 && self.pool.is_none() {
            if let Some(map) = self.mapping_on_every_core(entries, via_alias, workers) {
                return map;
            }
        }
        let mut map = Map::with_capacity(entries.len());
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

    /// A large mapping with its values converted on `workers` threads. `None` when a key is a
    /// merge key, a repeated key or a collection, or when a value has a problem or the budget
    /// runs out: the caller then converts the mapping on one thread, which reports every
    /// problem exactly as always, so the outcome never depends on the threads.
    fn mapping_on_every_core(
        &mut self,
        entries: &[(NodeId, NodeId)],
        via_alias: Option<Span>,
        workers: usize,
    ) -> Option<Map> {
        let mut keys = Vec::with_capacity(entries.len());
        let mut seen = HashSet::with_capacity(entries.len());
        for &(k, _) in entries {
            let NodeKind::Scalar { value: key, .. } = &self.doc.node(self.doc.resolve(k)).kind
            else {
                return None;
            };
            if key == "<<" || !seen.insert(key.as_str()) {
                return None;
            }
            keys.push(key);
        }
        let pool = AtomicUsize::new(self.budget);
        let (doc, file, id, expanding) = (self.doc, self.file, self.id, &self.expanding);
        let values = parallel::map_in_order(entries, workers, |&(_, v)| {
            let mut cx = Converter {
                doc,
                file,
                id,
                budget: 0,
                pool: Some(&pool),
                expanding: expanding.clone(),
                problems: Vec::new(),
                exhausted: false,
            };
            let value = cx.node(v, via_alias);
            pool.fetch_add(cx.budget, Ordering::Relaxed);
            cx.problems.is_empty().then_some(value)
        });
        let values: Vec<Value> = values.into_iter().collect::<Option<_>>()?;
        self.budget = pool.into_inner();
        let mut map = Map::with_capacity(entries.len());
        for ((key, &(k, _)), value) in keys.into_iter().zip(entries).zip(values) {
            let key_origin = self.origin(self.doc.node(k).span, via_alias);
            map.insert(key.clone(), key_origin, value);
        }
        Some(map)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Limits, parse};
    use std::fmt::Write;
    use std::path::PathBuf;

    /// A `services` mapping of `n` entries that use anchors, merge keys and aliases.
    fn services(n: usize, extra: &str) -> String {
        let mut text = String::from("x-base: &base\n  restart: always\n  labels: [a, b]\n");
        text.push_str("services:\n");
        for i in 0..n {
            write!(
                text,
                "  s{i}:\n    <<: *base\n    image: \"app:{i}\"\n    environment:\n      \
                 - A=${{A:-{i}}}\n    ports: [\"{}:80\"]\n    healthcheck: {{test: [CMD, true]}}\n",
                8000 + i
            )
            .unwrap();
        }
        text.push_str(extra);
        text
    }

    fn file(text: &str) -> (Document, Arc<SourceFile>) {
        let doc = parse(text, &Limits::default()).expect("test YAML parses");
        let file = SourceFile::new(PathBuf::from("c.yaml"), "c.yaml".into(), text.to_string());
        (doc, Arc::new(file))
    }

    /// Converts on one thread only: a converter that believes it is a worker never spreads.
    fn on_one_thread(
        doc: &Document,
        file: &Arc<SourceFile>,
        budget: usize,
    ) -> Result<Value, Vec<Diagnostic>> {
        let pool = AtomicUsize::new(budget);
        let mut cx = Converter {
            doc,
            file,
            id: FileId(0),
            budget: 0,
            pool: Some(&pool),
            expanding: HashSet::new(),
            problems: Vec::new(),
            exhausted: false,
        };
        let value = cx.node(doc.root().expect("a root"), None);
        if cx.problems.is_empty() {
            Ok(value)
        } else {
            Err(cx.problems)
        }
    }

    fn messages(problems: &[Diagnostic]) -> Vec<String> {
        let mut out: Vec<String> = problems
            .iter()
            .map(|d| {
                format!(
                    "{} {:?} {}",
                    d.rule.code,
                    d.location.as_ref().map(|l| l.span),
                    d.message
                )
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn large_mappings_convert_as_on_one_thread() {
        let text = services(300, "");
        let (doc, file) = file(&text);
        let budget = 250_000;
        let spread = to_value(&doc, &file, FileId(0), budget)
            .expect("valid")
            .expect("a root");
        let single = on_one_thread(&doc, &file, budget).expect("valid");
        assert_eq!(spread, single);
        let services = spread
            .get("services")
            .and_then(Value::as_map)
            .expect("services");
        assert_eq!(services.len(), 300);
        let s7 = services.get("s7").expect("s7");
        assert_eq!(
            s7.get("restart")
                .and_then(Value::as_str)
                .map(|s| s.text.as_str()),
            Some("always")
        );
        assert!(
            s7.get("restart")
                .is_some_and(|v| v.origin.via_alias.is_some())
        );
        let image = s7.get("image").expect("image");
        assert_eq!(
            &text[image.origin.span.start..image.origin.span.end],
            "\"app:7\""
        );
        // And the threads did the work, whatever the cores of the machine running the test.
        let NodeKind::Mapping { entries, .. } = &doc.node(doc.root().expect("a root")).kind else {
            panic!("a mapping at the root");
        };
        let NodeKind::Mapping { entries, .. } = &doc.node(entries[1].1).kind else {
            panic!("services is a mapping");
        };
        let mut cx = Converter {
            doc: &doc,
            file: &file,
            id: FileId(0),
            budget,
            pool: None,
            expanding: HashSet::new(),
            problems: Vec::new(),
            exhausted: false,
        };
        let map = cx
            .mapping_on_every_core(entries, None, 3)
            .expect("no problem");
        assert_eq!(Some(&map), single.get("services").and_then(Value::as_map));
    }

    #[test]
    fn problems_in_large_mappings_are_reported_as_on_one_thread() {
        let cases = [
            // A repeated service name.
            services(150, "  s3:\n    image: again\n"),
            // A repeated key inside one service.
            services(150, "  z:\n    image: a\n    image: b\n"),
            // A key that is a collection.
            services(150, "  [a, b]: 1\n"),
            // A bad merge inside one service.
            services(150, "  z:\n    <<: 3\n"),
        ];
        for text in &cases {
            let (doc, file) = file(text);
            let spread = to_value(&doc, &file, FileId(0), 250_000).expect_err("a problem");
            let single = on_one_thread(&doc, &file, 250_000).expect_err("a problem");
            assert_eq!(
                messages(&spread),
                messages(&single),
                "{}",
                &text[text.len() - 40..]
            );
            assert_eq!(spread.len(), 1);
        }
    }

    #[test]
    fn an_alias_bomb_in_a_large_mapping_is_reported_once() {
        let mut text = String::from(
            "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nbig:\n",
        );
        for i in 0..200 {
            writeln!(text, "  k{i}: *c").unwrap();
        }
        let (doc, file) = file(&text);
        let problems = to_value(&doc, &file, FileId(0), 100_000).expect_err("too many values");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].rule.code, codes::RESOURCE_LIMIT.code);
        let single = on_one_thread(&doc, &file, 100_000).expect_err("too many values");
        assert_eq!(messages(&problems), messages(&single));
    }
}
