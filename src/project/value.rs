//! The loaded model: typed values that remember where they were written.

use crate::project::interpolate::Interpolated;
use crate::source::{ScalarStyle, Span};
use std::collections::HashMap;
use std::ops::Range;

/// Index of a file in its project's file table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// Where a value was written: the file and the bytes of the value itself (for a value reached
/// through an alias or merge key, the anchored definition), and the alias that brought it here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin {
    /// The file.
    pub file: FileId,
    /// The bytes of the value as written.
    pub span: Span,
    /// The `*alias` (or `<<: *alias`) through which this value was used, if any.
    pub via_alias: Option<Span>,
}

/// The merge tags Compose understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MergeTag {
    /// `!reset`: remove the value inherited from earlier files.
    Reset,
    /// `!override`: replace the inherited value instead of merging.
    Override,
}

/// A value of the model.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    /// What it is.
    pub kind: Kind,
    /// Where it was written.
    pub origin: Origin,
    /// `!reset` / `!override`, until merging consumes it.
    pub tag: Option<MergeTag>,
}

/// The shape of a [`Value`].
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// `null`, `~` or nothing.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string, interpolated.
    Str(Str),
    /// A sequence.
    Seq(Vec<Value>),
    /// A mapping.
    Map(Map),
}

/// A string with what is needed to point inside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Str {
    /// The text after interpolation (an unknown variable contributes nothing).
    pub text: String,
    /// How the scalar was written.
    pub style: ScalarStyle,
    /// The file offset at which the raw (pre-interpolation) text starts, when every byte of it
    /// is written literally there (plain or quoted scalars without escapes or line folding).
    pub raw_offset: Option<usize>,
    /// Where each byte of `text` came from, when the raw text held variables.
    pub interpolation: Option<Box<Interpolated>>,
}

impl Str {
    /// A string the loader makes up (a default, a promoted scalar): plain, not written anywhere.
    pub fn plain(text: impl Into<String>) -> Str {
        Str {
            text: text.into(),
            style: ScalarStyle::Plain,
            raw_offset: None,
            interpolation: None,
        }
    }

    /// False when an unset variable without default contributed to the text.
    pub fn is_known(&self) -> bool {
        self.interpolation.as_ref().is_none_or(|i| i.is_known())
    }

    /// The file span of `range` of the interpolated text, when it was written literally in the
    /// file (not taken from a variable).
    pub fn literal_span(&self, range: Range<usize>) -> Option<Span> {
        let base = self.raw_offset?;
        let Some(interp) = &self.interpolation else {
            return Some(Span::new(base + range.start, base + range.end));
        };
        let raw = interp.source_range(range)?;
        Some(Span::new(base + raw.start, base + raw.end))
    }

    /// The part `range` of this string (for `KEY=value` list items), keeping provenance.
    pub fn slice(&self, range: Range<usize>) -> Str {
        let text = self.text[range.clone()].to_string();
        let Some(interp) = &self.interpolation else {
            return Str {
                text,
                style: self.style,
                raw_offset: self.raw_offset.map(|o| o + range.start),
                interpolation: None,
            };
        };
        Str {
            text,
            style: self.style,
            raw_offset: self.raw_offset,
            interpolation: Some(Box::new(interp.slice(range))),
        }
    }
}

/// A mapping in source order, with each key's own origin.
///
/// Most compose mappings are small, so entries live in a vector searched linearly; a hash
/// index is added once a mapping grows large (the `services` of a big project).
#[derive(Debug, Clone, Default)]
pub struct Map {
    /// True when the file wrote this mapping as a `KEY=value` list (see `normalize`).
    pub from_list: bool,
    entries: Vec<(String, Origin, Value)>,
    // Boxed so that the many small maps stay small; only large ones pay for an index.
    #[allow(clippy::box_collection)]
    index: Option<Box<HashMap<String, usize>>>,
}

/// Above this many entries a mapping keeps a hash index.
const INDEXED: usize = 24;

/// Two mappings are equal when their entries are (the index only follows them).
impl PartialEq for Map {
    fn eq(&self, other: &Self) -> bool {
        self.from_list == other.from_list && self.entries == other.entries
    }
}

impl Map {
    /// An empty mapping with room for `n` entries.
    pub fn with_capacity(n: usize) -> Self {
        Map {
            entries: Vec::with_capacity(n),
            ..Map::default()
        }
    }

    fn position(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(key).copied(),
            None => self.entries.iter().position(|(k, _, _)| k == key),
        }
    }

    fn reindex(&mut self) {
        self.index = (self.entries.len() > INDEXED).then(|| {
            Box::new(
                self.entries
                    .iter()
                    .enumerate()
                    .map(|(i, (k, _, _))| (k.clone(), i))
                    .collect(),
            )
        });
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.position(key).map(|i| &self.entries[i].2)
    }

    /// The value of `key`, mutably.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.position(key).map(|i| &mut self.entries[i].2)
    }

    /// The key's origin and the value.
    pub fn entry(&self, key: &str) -> Option<(&Origin, &Value)> {
        self.position(key)
            .map(|i| (&self.entries[i].1, &self.entries[i].2))
    }

    /// True when `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// Sets `key`, keeping its position when it exists.
    pub fn insert(&mut self, key: String, key_origin: Origin, value: Value) {
        if let Some(i) = self.position(&key) {
            self.entries[i] = (key, key_origin, value);
            return;
        }
        match &mut self.index {
            Some(index) => {
                index.insert(key.clone(), self.entries.len());
                self.entries.push((key, key_origin, value));
            }
            None => {
                self.entries.push((key, key_origin, value));
                if self.entries.len() > INDEXED {
                    self.reindex();
                }
            }
        }
    }

    /// Removes `key`, keeping the order of the rest.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let i = self.position(key)?;
        let (_, _, value) = self.entries.remove(i);
        if self.index.is_some() {
            self.reindex();
        }
        Some(value)
    }

    /// Keeps the entries for which `keep` is true, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&str, &Value) -> bool) {
        let before = self.entries.len();
        self.entries.retain(|(k, _, v)| keep(k, v));
        if self.entries.len() != before && self.index.is_some() {
            self.reindex();
        }
    }

    /// Entries in order: key, key origin, value.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Origin, &Value)> {
        self.entries.iter().map(|(k, o, v)| (k.as_str(), o, v))
    }

    /// The entries in order, by value: key, key origin, value.
    pub fn into_entries(self) -> impl Iterator<Item = (String, Origin, Value)> {
        self.entries.into_iter()
    }

    /// Values in order, mutably.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut Value> {
        self.entries.iter_mut().map(|(_, _, v)| v)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True without entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl Value {
    /// A value with no tag.
    pub fn new(kind: Kind, origin: Origin) -> Self {
        Value {
            kind,
            origin,
            tag: None,
        }
    }

    /// The mapping, if this is one.
    pub fn as_map(&self) -> Option<&Map> {
        match &self.kind {
            Kind::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The sequence, if this is one.
    pub fn as_seq(&self) -> Option<&[Value]> {
        match &self.kind {
            Kind::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&Str> {
        match &self.kind {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// `self[key]` for mappings.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_map()?.get(key)
    }

    /// The scalar as text, as Compose would stringify it (None for collections and null).
    pub fn scalar_text(&self) -> Option<std::borrow::Cow<'_, str>> {
        use std::borrow::Cow;
        match &self.kind {
            Kind::Str(s) => Some(Cow::Borrowed(&s.text)),
            Kind::Bool(b) => Some(Cow::Owned(b.to_string())),
            Kind::Int(i) => Some(Cow::Owned(i.to_string())),
            Kind::Float(f) => Some(Cow::Owned(f.to_string())),
            Kind::Null | Kind::Seq(_) | Kind::Map(_) => None,
        }
    }

    /// The scalar as a message may quote it: its text, with each part that came from a variable
    /// named instead of shown (`${PW}!`), so that no finding prints a value from `.env` or the
    /// environment. None for collections and null.
    pub fn quoted_text(&self) -> Option<std::borrow::Cow<'_, str>> {
        match &self.kind {
            Kind::Str(Str {
                interpolation: Some(i),
                ..
            }) if i.has_variables() => Some(std::borrow::Cow::Owned(i.naming_variables())),
            _ => self.scalar_text(),
        }
    }

    /// A short word for the type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            Kind::Null => "null",
            Kind::Bool(_) => "a boolean",
            Kind::Int(_) => "an integer",
            Kind::Float(_) => "a number",
            Kind::Str(_) => "a string",
            Kind::Seq(_) => "a list",
            Kind::Map(_) => "a mapping",
        }
    }
}
