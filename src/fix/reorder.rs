//! Reordering the entries of one collection as written: the one builder every "sort these"
//! fix uses (services, top-level keys, service keys, ports, `depends_on`).
//!
//! Entries move as whole lines: a block entry takes with it the comment lines right above it
//! (indented like it), its trailing comments, and the comment lines after it that are indented
//! deeper than it (its own commented-out content). What lies between entries otherwise (blank
//! lines, comments of other indentation) stays in its slot, so the blank-line layout is kept.
//! A flow collection is reordered only when its separators are plain commas and spaces.
//! The result is one edit over the collection, so two sorts of one collection never overlap
//! in a pass, and the fix moves nothing that would change what the file means: never an alias
//! above its anchor, never a merge key `<<` (nor any entry across it).

use super::text::{
    column, ends_with_break, eol, is_comment_line, last_byte, line_start, next_line,
};
use crate::diagnostic::Edit;
use crate::source::{Document, NodeId, NodeKind, ScalarStyle, SourceFile, Span};
use std::collections::HashMap;
use std::sync::Arc;

/// The edit that puts the entries of the collection `node` (a mapping or a sequence of `doc`,
/// parsed from `file`) in the order `order`: `order[k]` is the index of the entry that goes to
/// position `k`. None when `order` is not a permutation of the entries, changes nothing, or the
/// entries are not written in a way that can move exactly (see the module documentation).
pub fn reorder(
    file: &Arc<SourceFile>,
    doc: &Document,
    node: NodeId,
    order: &[usize],
) -> Option<Edit> {
    let (flow, spans, merge_keys) = entries(doc, node)?;
    let dash = matches!(doc.node(node).kind, NodeKind::Sequence { .. });
    let n = spans.len();
    if order.len() != n || !is_permutation(order) || order.iter().enumerate().all(|(k, &i)| k == i)
    {
        return None;
    }
    if !merge_keys_stay(order, &merge_keys) {
        return None;
    }
    let text = file.text();
    let layout = if flow {
        flow_layout(text, &spans)?
    } else {
        block_layout(text, &spans, dash)?
    };
    if !aliases_stay_below_anchors(doc, node, &layout.chunks, order) {
        return None;
    }
    let content = layout.assemble(text, order)?;
    let span = Span::new(layout.chunks[0].start, layout.chunks[n - 1].end);
    if text.get(span.start..span.end)? == content {
        return None;
    }
    Some(Edit {
        file: Arc::clone(file),
        span,
        content,
    })
}

/// The entries of a collection: whether it is a flow collection, each entry's span as written
/// (a mapping entry from its key to the end of its value), and the indices of merge keys.
fn entries(doc: &Document, node: NodeId) -> Option<(bool, Vec<Span>, Vec<usize>)> {
    match &doc.node(node).kind {
        NodeKind::Mapping { flow, entries } => {
            let mut spans = Vec::with_capacity(entries.len());
            let mut merge = Vec::new();
            for (i, &(k, v)) in entries.iter().enumerate() {
                let (key, value) = (doc.node(k), doc.node(v));
                if matches!(&key.kind, NodeKind::Scalar { value, style: ScalarStyle::Plain } if value == "<<")
                {
                    merge.push(i);
                }
                spans.push(Span::new(key.span.start, key.span.end.max(value.span.end)));
            }
            Some((*flow, spans, merge))
        }
        NodeKind::Sequence { flow, items } => {
            let spans = items.iter().map(|&i| doc.node(i).span).collect();
            Some((*flow, spans, Vec::new()))
        }
        _ => None,
    }
    .filter(|(_, spans, _)| spans.len() > 1)
}

fn is_permutation(order: &[usize]) -> bool {
    let mut seen = vec![false; order.len()];
    order
        .iter()
        .all(|&i| i < seen.len() && !std::mem::replace(&mut seen[i], true))
}

/// True when every merge key keeps its position and the entries on each side of it stay there.
fn merge_keys_stay(order: &[usize], merge_keys: &[usize]) -> bool {
    merge_keys.iter().all(|&m| {
        order[m] == m && {
            let mut before: Vec<usize> = order[..m].to_vec();
            before.sort_unstable();
            before.iter().enumerate().all(|(k, &i)| k == i)
        }
    })
}

/// Where each entry's movable text is, and what stays between entries.
struct Layout {
    /// The bytes that move with each entry, in source order.
    chunks: Vec<Span>,
    /// True for a block collection: chunks are whole lines.
    lines: bool,
}

impl Layout {
    /// The collection's new text: the chunks in `order`, the text between them kept in place.
    fn assemble(&self, text: &str, order: &[usize]) -> Option<String> {
        let n = self.chunks.len();
        let last = self.chunks[n - 1];
        // A block collection at the end of a file without a final newline: its last chunk has
        // no line break, which it needs elsewhere, and the new last chunk gives up its own.
        let open_end = self.lines && last.end == text.len() && !ends_with_break(text);
        let mut out = String::with_capacity(last.end - self.chunks[0].start + 2);
        for (k, &i) in order.iter().enumerate() {
            if k > 0 {
                out.push_str(text.get(self.chunks[k - 1].end..self.chunks[k].start)?);
            }
            let chunk = text.get(self.chunks[i].start..self.chunks[i].end)?;
            out.push_str(chunk);
            if open_end && i == n - 1 && k < n - 1 {
                out.push_str(eol(text));
            }
        }
        if open_end && order[n - 1] != n - 1 {
            let cut = out.len() - trailing_break(&out);
            out.truncate(cut);
        }
        Some(out)
    }
}

/// The length of the line break `s` ends with.
fn trailing_break(s: &str) -> usize {
    if s.ends_with("\r\n") {
        2
    } else {
        usize::from(s.ends_with(['\r', '\n']))
    }
}

/// Flow entries move as their own text; the separators (a comma and spaces or line breaks)
/// stay. Anything else between entries (a comment, an anchor or tag before an entry, a `?`)
/// leaves the collection alone.
fn flow_layout(text: &str, spans: &[Span]) -> Option<Layout> {
    for pair in spans.windows(2) {
        let between = text.get(pair[0].end..pair[1].start)?;
        let comma = between.trim_matches(|c: char| c.is_ascii_whitespace());
        if comma != "," {
            return None;
        }
    }
    Some(Layout {
        chunks: spans.to_vec(),
        lines: false,
    })
}

/// The line where a block entry starts and its column: the key's line for a mapping entry,
/// the dash's for a sequence item (`- `, `- &anchor `, `- !tag ` before the item). None when
/// something else shares the line (a `? ` key, a compact nested entry).
fn head(text: &str, start: usize, dash: bool) -> Option<(usize, usize)> {
    let mut line = line_start(text, start);
    if line == 0 && text.starts_with('\u{feff}') {
        line = '\u{feff}'.len_utf8();
    }
    let prefix = text.get(line..start)?;
    let indent = prefix.len() - prefix.trim_start_matches(' ').len();
    let rest = &prefix[indent..];
    let valid = if !dash {
        rest.is_empty()
    } else {
        rest.strip_prefix('-').is_some_and(|after| {
            after.starts_with(' ')
                && after
                    .split(' ')
                    .all(|t| t.is_empty() || t.starts_with('&') || t.starts_with('!'))
        })
    };
    valid.then_some((line, column(text, line + indent)))
}

/// The byte where `#` starts on a comment line.
fn comment_column(text: &str, line: usize) -> usize {
    let end = next_line(text, line);
    let hash = text[line..end].find('#').unwrap_or(0);
    column(text, line + hash)
}

fn is_blank_line(text: &str, line: usize) -> bool {
    let end = next_line(text, line);
    text[line..end].trim().is_empty() && line < text.len()
}

/// Block entries move as whole lines with their comments (see the module documentation).
fn block_layout(text: &str, spans: &[Span], dash: bool) -> Option<Layout> {
    let heads: Vec<(usize, usize)> = spans
        .iter()
        .map(|s| head(text, s.start, dash))
        .collect::<Option<_>>()?;
    let indent = heads[0].1;
    if heads.iter().any(|h| h.1 != indent) {
        return None;
    }
    // Each entry's last line ends where its next line starts.
    let ends: Vec<usize> = spans
        .iter()
        .map(|s| next_line(text, last_byte(s.start, s.end)))
        .collect();
    for i in 1..spans.len() {
        if ends[i - 1] > heads[i].0 {
            return None;
        }
    }
    let mut chunks: Vec<Span> = Vec::with_capacity(spans.len());
    for i in 0..spans.len() {
        let start = leading_comments(text, heads[i].0, indent, i == 0);
        let limit = heads.get(i + 1).map_or(text.len(), |h| h.0);
        let end = own_tail(text, ends[i], limit, indent);
        chunks.push(Span::new(start, end));
    }
    // Leading comments of an entry never reach into the tail of the one above.
    for i in 1..chunks.len() {
        if chunks[i].start < chunks[i - 1].end {
            chunks[i].start = chunks[i - 1].end;
        }
    }
    Some(Layout {
        chunks,
        lines: true,
    })
}

/// The start of the comment lines right above line `from` that are indented like the entry
/// (at `indent`). A comment block that reaches the top of the file is the file's header and
/// stays where it is.
fn leading_comments(text: &str, from: usize, indent: usize, first: bool) -> usize {
    let mut start = from;
    while start > 0 {
        let prev = line_start(text, start - 1);
        if !is_comment_line(text, prev) || comment_column(text, prev) != indent {
            break;
        }
        start = prev;
    }
    let top = if text.starts_with('\u{feff}') { 3 } else { 0 };
    if first && start <= top && start < from {
        return from;
    }
    start
}

/// The end of an entry with the lines after it that belong to it: comment lines indented
/// deeper than the entry (with the blank lines among them), up to `limit`.
fn own_tail(text: &str, end: usize, limit: usize, indent: usize) -> usize {
    let mut at = end;
    let mut taken = end;
    while at < limit {
        if is_comment_line(text, at) {
            if comment_column(text, at) <= indent {
                break;
            }
            at = next_line(text, at);
            taken = at;
        } else if is_blank_line(text, at) {
            at = next_line(text, at);
        } else {
            break;
        }
    }
    taken
}

/// True when, after the move, every alias in the moved text still names the node it names now
/// (it follows its anchor, and no other anchor of the same name comes between), and the text
/// after the collection sees the same last definition of each anchor name moved.
fn aliases_stay_below_anchors(
    doc: &Document,
    node: NodeId,
    chunks: &[Span],
    order: &[usize],
) -> bool {
    let region = Span::new(chunks[0].start, chunks[chunks.len() - 1].end);
    let inside = |at: usize| region.start <= at && at < region.end;
    let chunk_of = |at: usize| chunks.partition_point(|c| c.start <= at).saturating_sub(1);
    let mut position = vec![0; order.len()];
    for (k, &i) in order.iter().enumerate() {
        position[i] = k;
    }
    // Anchors and aliases inside the collection, found by walking only its own nodes (the
    // whole document once per collection would make sorting every service quadratic).
    let anchor_of = |id: NodeId| {
        doc.node(id)
            .anchor
            .as_ref()
            .map(|anchor| (anchor.0.as_str(), anchor.1.start))
    };
    let mut events: Vec<((usize, usize), Event)> = Vec::new();
    let mut stack = vec![node];
    while let Some(id) = stack.pop() {
        let n = doc.node(id);
        if let Some((name, at)) = anchor_of(id)
            && inside(at)
        {
            events.push(((position[chunk_of(at)], at), Event::Anchor(name, id)));
        }
        match &n.kind {
            NodeKind::Alias { target } => {
                let at = n.span.start;
                if inside(at)
                    && let Some((name, _)) = anchor_of(*target)
                {
                    events.push(((position[chunk_of(at)], at), Event::Alias(name, *target)));
                }
            }
            NodeKind::Sequence { items, .. } => stack.extend(items.iter().copied()),
            NodeKind::Mapping { entries, .. } => {
                stack.extend(entries.iter().flat_map(|&(k, v)| [k, v]));
            }
            NodeKind::Scalar { .. } => {}
        }
    }
    events.sort_by_key(|((_, at), _)| *at);
    let before = last_defined(events.iter().map(|(_, e)| e));
    events.sort_by_key(|(key, _)| *key);
    let mut seen: HashMap<&str, NodeId> = HashMap::new();
    for (_, event) in &events {
        match event {
            Event::Anchor(name, id) => {
                seen.insert(name, *id);
            }
            Event::Alias(name, target) => {
                let ok = match seen.get(name) {
                    Some(id) => id == target,
                    // Not defined above it in the collection: it must still see its anchor
                    // above the collection.
                    None => anchor_of(*target).is_some_and(|(_, at)| at < region.start),
                };
                if !ok {
                    return false;
                }
            }
        }
    }
    before == last_defined(events.iter().map(|(_, e)| e))
}

/// An anchor or an alias, with its name and the node it defines or names.
enum Event<'d> {
    Anchor(&'d str, NodeId),
    Alias(&'d str, NodeId),
}

/// The node each anchor name is last defined at, in the order of `events`.
fn last_defined<'e, 'd: 'e>(
    events: impl Iterator<Item = &'e Event<'d>>,
) -> HashMap<&'d str, NodeId> {
    let mut last = HashMap::new();
    for event in events {
        if let Event::Anchor(name, id) = event {
            last.insert(*name, *id);
        }
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::apply_edits;
    use crate::source::{Limits, parse};
    use std::path::PathBuf;

    fn file(text: &str) -> (Arc<SourceFile>, Document) {
        let doc = parse(text, &Limits::default()).expect("test YAML parses");
        let file = SourceFile::new(PathBuf::from("compose.yaml"), "compose.yaml".into(), text);
        (Arc::new(file), doc)
    }

    /// The collection at `path` (mapping keys from the root).
    fn at(doc: &Document, path: &[&str]) -> NodeId {
        let mut id = doc.root().expect("root");
        for key in path {
            let NodeKind::Mapping { entries, .. } = &doc.node(id).kind else {
                panic!("not a mapping");
            };
            id = entries
                .iter()
                .find(|(k, _)| matches!(&doc.node(*k).kind, NodeKind::Scalar { value, .. } if value == key))
                .map(|(_, v)| *v)
                .expect("key");
        }
        id
    }

    /// The text after reordering the collection at `path`, or None without an edit.
    fn sorted(text: &str, path: &[&str], order: &[usize]) -> Option<String> {
        let (file, doc) = file(text);
        let edit = reorder(&file, &doc, at(&doc, path), order)?;
        Some(apply_edits(text, &[&edit]))
    }

    #[test]
    fn moves_entries_with_comments_and_keeps_blank_lines() {
        let text = "services:\n  # the web server\n  web:\n    image: nginx:1.27 # pinned\n    # ports: [\"80:80\"]\n\n  # the database\n  db:\n    image: postgres:16\n";
        assert_eq!(
            sorted(text, &["services"], &[1, 0]).as_deref(),
            Some(
                "services:\n  # the database\n  db:\n    image: postgres:16\n\n  # the web server\n  web:\n    image: nginx:1.27 # pinned\n    # ports: [\"80:80\"]\n"
            )
        );
    }

    #[test]
    fn comments_of_other_indentation_stay_in_their_slot() {
        let text = "services:\n  b:\n    image: x\n# a section\n  a:\n    image: y\n";
        assert_eq!(
            sorted(text, &["services"], &[1, 0]).as_deref(),
            Some("services:\n  a:\n    image: y\n# a section\n  b:\n    image: x\n")
        );
    }

    #[test]
    fn last_entry_without_final_newline() {
        let text = "services:\n  b:\n    image: x\n  a:\n    image: y";
        assert_eq!(
            sorted(text, &["services"], &[1, 0]).as_deref(),
            Some("services:\n  a:\n    image: y\n  b:\n    image: x")
        );
    }

    #[test]
    fn crlf_line_endings_are_kept() {
        let text = "services:\r\n  b:\r\n    image: x\r\n\r\n  a:\r\n    image: y";
        assert_eq!(
            sorted(text, &["services"], &[1, 0]).as_deref(),
            Some("services:\r\n  a:\r\n    image: y\r\n\r\n  b:\r\n    image: x")
        );
    }

    #[test]
    fn lone_cr_line_endings_are_lines_too() {
        let text = "s:\r  b: 1\r  a: 2\r";
        assert_eq!(
            sorted(text, &["s"], &[1, 0]).as_deref(),
            Some("s:\r  a: 2\r  b: 1\r")
        );
    }

    #[test]
    fn block_sequences_keep_their_dashes_and_quotes() {
        let text = "ports:\n- '81:81'\n-   \"80:80\"  # web\n- 79:79\n";
        assert_eq!(
            sorted(text, &["ports"], &[2, 1, 0]).as_deref(),
            Some("ports:\n- 79:79\n-   \"80:80\"  # web\n- '81:81'\n")
        );
    }

    #[test]
    fn block_scalars_move_whole() {
        let text = "s:\n  b: |\n    two\n    lines\n  a: 1\n";
        assert_eq!(
            sorted(text, &["s"], &[1, 0]).as_deref(),
            Some("s:\n  a: 1\n  b: |\n    two\n    lines\n")
        );
    }

    #[test]
    fn flow_collections_with_plain_separators() {
        assert_eq!(
            sorted("d: [redis, \"db\",  cache]\n", &["d"], &[1, 2, 0]).as_deref(),
            Some("d: [\"db\", cache,  redis]\n")
        );
        assert_eq!(
            sorted("d: {b: 1, a: {x: 2}}\n", &["d"], &[1, 0]).as_deref(),
            Some("d: {a: {x: 2}, b: 1}\n")
        );
        assert_eq!(
            sorted("d: [b, # why\n  a]\n", &["d"], &[1, 0]),
            None,
            "a comment inside a flow collection"
        );
        assert_eq!(sorted("d: [b, &x a]\n", &["d"], &[1, 0]), None, "an anchor");
    }

    #[test]
    fn never_moves_an_alias_above_its_anchor() {
        let text = "s:\n  b: &b {x: 1}\n  a: *b\n  c: 1\n";
        assert_eq!(sorted(text, &["s"], &[1, 0, 2]), None);
        assert_eq!(
            sorted(text, &["s"], &[0, 2, 1]).as_deref(),
            Some("s:\n  b: &b {x: 1}\n  c: 1\n  a: *b\n")
        );
        let twice = "x: &b 1\ns:\n  b: &b 2\n  a: *b\n  c: &b 3\n";
        assert_eq!(
            sorted(twice, &["s"], &[0, 2, 1]),
            None,
            "`a` would see the other `&b`"
        );
        let redefined = "s:\n  b: &i x\n  a: 1\nt:\n  d: &i y\n  c: *i\n";
        assert_eq!(
            sorted(redefined, &["s"], &[1, 0]).as_deref(),
            Some("s:\n  a: 1\n  b: &i x\nt:\n  d: &i y\n  c: *i\n"),
            "a name defined again elsewhere moves with its entry"
        );
        let last = "s:\n  b: &i x\n  a: &i y\nt: *i\n";
        assert_eq!(
            sorted(last, &["s"], &[1, 0]),
            None,
            "`t` would see the other `&i`"
        );
    }

    #[test]
    fn never_moves_a_merge_key_or_an_entry_across_it() {
        let text = "x: &x {a: 1}\ns:\n  <<: *x\n  c: 1\n  b: 2\n";
        assert_eq!(
            sorted(text, &["s"], &[0, 2, 1]).as_deref(),
            Some("x: &x {a: 1}\ns:\n  <<: *x\n  b: 2\n  c: 1\n")
        );
        assert_eq!(sorted(text, &["s"], &[1, 0, 2]), None);
        let middle = "x: &x {a: 1}\ns:\n  c: 1\n  <<: *x\n  b: 2\n";
        assert_eq!(sorted(middle, &["s"], &[2, 1, 0]), None);
    }

    #[test]
    fn the_file_header_stays_on_top() {
        let text = "# compose file for the demo\nservices: {}\nx-a: 1\n";
        assert_eq!(
            sorted(text, &[], &[1, 0]).as_deref(),
            Some("# compose file for the demo\nx-a: 1\nservices: {}\n")
        );
        let bom = "\u{feff}services: {}\nx-a: 1\n";
        assert_eq!(
            sorted(bom, &[], &[1, 0]).as_deref(),
            Some("\u{feff}x-a: 1\nservices: {}\n")
        );
    }

    #[test]
    fn refuses_what_it_cannot_move_exactly() {
        assert_eq!(
            sorted("s:\n  b: 1\n  a: 2\n", &["s"], &[0, 1]),
            None,
            "identity"
        );
        assert_eq!(
            sorted("s:\n  b: 1\n  a: 2\n", &["s"], &[0, 0]),
            None,
            "not a permutation"
        );
        assert_eq!(
            sorted("s:\n  ? b\n  : 1\n  a: 2\n", &["s"], &[1, 0]),
            None,
            "explicit key"
        );
        let compact = "s:\n- b: 1\n  a: 2\n";
        let (file, doc) = file(compact);
        let NodeKind::Sequence { items, .. } = &doc.node(at(&doc, &["s"])).kind else {
            panic!("a sequence");
        };
        assert!(
            reorder(&file, &doc, items[0], &[1, 0]).is_none(),
            "a compact mapping"
        );
    }
}
