//! Style rules (RULES.md §5.1, opt-in): how each compose file is written — the order of its
//! services and keys, sorted lists, needless quotes, a project name.
//!
//! They look at each file's own YAML tree (the order a person wrote, which merging loses) and
//! share one way to say "out of order": an entry is out of place when an entry above it sorts
//! after it (as dclint reports), and the fix is one reorder of the collection
//! ([`crate::fix::reorder`]). Entries with no known place (a merge key, an unset variable, a
//! key outside the documented order) keep their position and never fire.

pub(crate) mod depends_on_not_sorted;
pub(crate) mod ports_not_sorted;
pub(crate) mod project_name_missing;
pub(crate) mod quoted_volume;
pub(crate) mod service_keys_order;
pub(crate) mod services_not_alphabetical;
pub(crate) mod top_level_keys_order;

use crate::diagnostic::{Applicability, Diagnostic, Fix, RuleInfo};
use crate::fix::reorder::reorder;
use crate::project::Project;
use crate::project::value::FileId;
use crate::source::{Document, NodeId, NodeKind, SourceFile};
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

/// The compose files of a loaded project with their trees, in file order.
fn trees(project: &Project) -> impl Iterator<Item = (FileId, &Arc<SourceFile>, &Document)> {
    let loaded = project.model.is_some();
    project
        .files
        .iter()
        .enumerate()
        .filter(move |_| loaded)
        .filter_map(|(i, f)| Some((FileId(i as u32), f, f.tree()?)))
}

/// The text of a scalar node.
fn scalar(doc: &Document, id: NodeId) -> Option<&str> {
    match &doc.node(id).kind {
        NodeKind::Scalar { value, .. } => Some(value),
        _ => None,
    }
}

/// The entries of a mapping node (empty for anything else).
fn entries(doc: &Document, id: NodeId) -> &[(NodeId, NodeId)] {
    match &doc.node(id).kind {
        NodeKind::Mapping { entries, .. } => entries,
        _ => &[],
    }
}

/// The value of `key` in the mapping `id`.
fn get(doc: &Document, id: NodeId, key: &str) -> Option<NodeId> {
    entries(doc, id)
        .iter()
        .find(|(k, _)| scalar(doc, *k) == Some(key))
        .map(|(_, v)| *v)
}

/// The services a file writes: name, key node and mapping node. A service written as an
/// alias is its anchored mapping, reported once, for the first service that uses it.
fn services(doc: &Document) -> Vec<(&str, NodeId, NodeId)> {
    let Some(services) = doc.root().and_then(|r| get(doc, r, "services")) else {
        return Vec::new();
    };
    let mut seen = HashSet::new();
    entries(doc, services)
        .iter()
        .map(|(k, v)| (*k, doc.resolve(*v)))
        .filter(|(_, v)| matches!(doc.node(*v).kind, NodeKind::Mapping { .. }) && seen.insert(*v))
        .filter_map(|(k, v)| Some((scalar(doc, k)?, k, v)))
        .collect()
}

/// The collection of a service's `key`, through an alias (`ports: *web-ports`); each
/// collection once per file, however many services use it.
fn setting(doc: &Document, spec: NodeId, key: &str, seen: &mut HashSet<NodeId>) -> Option<NodeId> {
    let id = doc.resolve(get(doc, spec, key)?);
    seen.insert(id).then_some(id)
}

/// True for the merge key `<<`.
fn is_merge_key(doc: &Document, key: NodeId) -> bool {
    scalar(doc, key) == Some("<<")
}

/// A name in the order people read names in: case-insensitive, digit runs by their value
/// (`web2` before `web10`), punctuation before digits before letters (`_`, `-`, `.` first, as
/// ICU collation, which dclint uses), then lower case before upper case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Name<'a>(pub &'a str);

impl Ord for Name<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        natural(self.0, other.0)
            .then_with(|| case(self.0).cmp(case(other.0)))
            .then_with(|| self.0.cmp(other.0))
    }
}

impl PartialOrd for Name<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Upper-case letters mark later (lower case first at equal letters).
fn case(s: &str) -> impl Iterator<Item = bool> + '_ {
    s.chars().map(char::is_uppercase)
}

/// The weight of a character that is not a digit: punctuation first, then letters.
fn weight(c: char) -> (u8, u32) {
    match c {
        '_' => (0, 0),
        '-' => (0, 1),
        '.' => (0, 2),
        c if c.is_alphabetic() => (2, c.to_lowercase().next().unwrap_or(c) as u32),
        c => (0, 3 + c as u32),
    }
}

fn natural(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a, b);
    loop {
        let (Some(x), Some(y)) = (a.chars().next(), b.chars().next()) else {
            return a.is_empty().cmp(&b.is_empty()).reverse();
        };
        if x.is_ascii_digit() && y.is_ascii_digit() {
            let da = a.len() - a.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            let db = b.len() - b.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            let (na, nb) = (
                a[..da].trim_start_matches('0'),
                b[..db].trim_start_matches('0'),
            );
            let by_value = na.len().cmp(&nb.len()).then_with(|| na.cmp(nb));
            if by_value != Ordering::Equal {
                return by_value;
            }
            (a, b) = (&a[da..], &b[db..]);
            continue;
        }
        let class = |c: char| {
            if c.is_ascii_digit() {
                (1, 0)
            } else {
                weight(c)
            }
        };
        let by_weight = class(x).cmp(&class(y));
        if by_weight != Ordering::Equal {
            return by_weight;
        }
        (a, b) = (&a[x.len_utf8()..], &b[y.len_utf8()..]);
    }
}

/// Where entries go: `keys[i]` is entry `i`'s place, None for an entry that keeps its
/// position. Returns the entries out of place, each with the entry above it that it belongs
/// before (the first in order of those that sort after it), and the sorted order (stable).
pub(crate) fn out_of_place<K: Ord>(keys: &[Option<K>]) -> (Vec<(usize, usize)>, Vec<usize>) {
    let mut seen: BTreeMap<(&K, usize), ()> = BTreeMap::new();
    let mut misplaced = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        let Some(key) = key else { continue };
        let after = seen
            .range((key, usize::MAX)..)
            .map(|((k, j), _)| (*k, *j))
            .find(|(k, _)| *k > key);
        if let Some((_, j)) = after {
            misplaced.push((i, j));
        }
        seen.insert((key, i), ());
    }
    let slots: Vec<usize> = (0..keys.len()).filter(|&i| keys[i].is_some()).collect();
    let mut moving = slots.clone();
    moving.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
    let mut order: Vec<usize> = (0..keys.len()).collect();
    for (slot, entry) in slots.into_iter().zip(moving) {
        order[slot] = entry;
    }
    (misplaced, order)
}

/// Whose collection is sorted, for the findings' `service`.
pub(crate) enum Owner<'a> {
    /// Outside any service (top-level keys).
    None,
    /// One service's (its keys, ports, dependencies).
    One(&'a str),
    /// The `services` mapping: each entry is the service of its finding.
    EachEntry(Vec<Option<&'a str>>),
}

/// One collection to put in order, and how its findings read.
pub(crate) struct Sorting<'a> {
    /// The rule.
    pub rule: &'static RuleInfo,
    /// The file and its tree.
    pub file: &'a Arc<SourceFile>,
    /// The tree.
    pub doc: &'a Document,
    /// The mapping or sequence.
    pub collection: NodeId,
    /// The node each finding points at, per entry (a key, an item).
    pub at: Vec<NodeId>,
    /// The service the collection belongs to; for `services` itself, each entry's name.
    pub service: Owner<'a>,
    /// The fix's title.
    pub title: String,
    /// The help line.
    pub help: String,
}

impl Sorting<'_> {
    /// The findings for `keys` (see [`out_of_place`]), each with the one reorder of the
    /// collection; `message(i, j)` says that entry `i` belongs before entry `j`.
    pub(crate) fn report<K: Ord>(
        &self,
        keys: &[Option<K>],
        message: impl Fn(usize, usize) -> String,
        out: &mut Vec<Diagnostic>,
    ) {
        let (misplaced, order) = out_of_place(keys);
        if misplaced.is_empty() {
            return;
        }
        let fix = reorder(self.file, self.doc, self.collection, &order)
            .map(|edit| Fix::new(self.title.clone(), Applicability::Safe, vec![edit]));
        for (i, j) in misplaced {
            let mut d = Diagnostic::new(self.rule, message(i, j))
                .at(self.file, self.doc.node(self.at[i]).span)
                .help(self.help.clone())
                .with_fix(fix.clone());
            let service = match &self.service {
                Owner::None => None,
                Owner::One(name) => Some(*name),
                Owner::EachEntry(names) => names.get(i).copied().flatten(),
            };
            if let Some(service) = service {
                d = d.service(service);
            }
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sort_naturally_and_without_case() {
        let mut names = [
            "web10", "Web2", "web2", "app_db", "app-db", "app", "app2", "b",
        ];
        names.sort_by(|a, b| Name(a).cmp(&Name(b)));
        assert_eq!(
            names,
            [
                "app", "app_db", "app-db", "app2", "b", "web2", "Web2", "web10"
            ]
        );
    }

    #[test]
    fn out_of_place_names_the_first_entry_it_belongs_before() {
        // dclint's own example: database, b-service, app, cache, elastic.
        let keys = ["database", "b-service", "app", "cache", "elastic"].map(|k| Some(Name(k)));
        let (misplaced, order) = out_of_place(&keys);
        assert_eq!(misplaced, [(1, 0), (2, 1), (3, 0)]);
        assert_eq!(order, [2, 1, 3, 0, 4]);
        let fixed = [Some(3), None, Some(1), Some(2)];
        let (misplaced, order) = out_of_place(&fixed);
        assert_eq!(misplaced, [(2, 0), (3, 0)]);
        assert_eq!(order, [2, 1, 3, 0], "the entry without a place stays");
        assert_eq!(out_of_place(&[Some(1), Some(1)]).0, [], "ties are in order");
    }
}
