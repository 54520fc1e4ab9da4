//! A quick, exact verdict before the full validator. Most files are valid, and proving it needs
//! no compiled `jsonschema` validator, whose construction is most of the work of checking a
//! typical file.
//!
//! The schema is compiled into static tables at build time (`build.rs`); [`verdict`] walks them
//! over the model. A keyword the screen does not evaluate exactly as draft 7 does (an unknown
//! keyword, a float where an integer may be asked, a regular expression it does not read)
//! makes the verdict [`Verdict::Unknown`], and the caller asks the full validator,
//! which also explains every violation.

use super::pattern::Regex;
use crate::project::value::{Kind, Map, Value};
use std::sync::OnceLock;

include!(concat!(env!("OUT_DIR"), "/screen.rs"));

/// What the screen can say about an instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Verdict {
    /// The full validator would accept it.
    Valid,
    /// The full validator would reject it.
    Invalid,
    /// Not decided here: ask the full validator.
    Unknown,
}

use Verdict::{Invalid, Unknown, Valid};

/// Index of a compiled subschema in `SLOTS`; the root is 0.
type Id = usize;

/// Nesting beyond which `$ref` chains and instances are left to the full validator.
const MAX_DEPTH: usize = 200;

/// One compiled subschema.
enum Slot {
    Bool(bool),
    /// `$ref`: in draft 7 its siblings are ignored.
    Ref(Id),
    Node(&'static Node),
    /// Something the screen does not evaluate.
    #[allow(
        dead_code,
        reason = "built by build.rs only when the schema holds such a subschema"
    )]
    Unknown,
}

/// The instance types of draft 7, as bits (the same numbers as `build.rs`).
mod types {
    pub(super) const NULL: u8 = 1;
    pub(super) const BOOLEAN: u8 = 2;
    pub(super) const INTEGER: u8 = 4;
    pub(super) const NUMBER: u8 = 8;
    pub(super) const STRING: u8 = 16;
    pub(super) const ARRAY: u8 = 32;
    pub(super) const OBJECT: u8 = 64;
}

/// One schema object's keywords. Patterns are indices into `PATTERNS`.
struct Node {
    /// Allowed types; 0 allows all.
    types: u8,
    /// `properties`, sorted by name.
    properties: &'static [(&'static str, Id)],
    pattern_properties: &'static [(usize, Id)],
    additional_properties: Option<Id>,
    required: &'static [&'static str],
    enumeration: Option<&'static [Const]>,
    items: Items,
    additional_items: Option<Id>,
    unique_items: bool,
    pattern: Option<usize>,
    minimum: Option<f64>,
    maximum: Option<f64>,
    property_names: Option<Id>,
    /// `if` and `then` (`else` is not evaluated).
    condition: Option<(Id, Option<Id>)>,
    any_of: &'static [Id],
    all_of: &'static [Id],
    not: Option<Id>,
    /// False when the object holds a keyword the screen does not evaluate.
    exact: bool,
}

/// A value of `enum`.
enum Const {
    Str(&'static str),
    Bool(bool),
}

enum Items {
    Any,
    All(Id),
    Tuple(&'static [Id]),
}

/// A `pattern` or `patternProperties` regular expression (a search, not a full match),
/// parsed on first use.
struct Pattern {
    source: &'static str,
    parsed: OnceLock<Option<Regex>>,
}

impl Pattern {
    const fn new(source: &'static str) -> Self {
        Pattern {
            source,
            parsed: OnceLock::new(),
        }
    }

    /// Whether `text` matches, or None when undecided here.
    fn matches(&self, text: &str) -> Option<bool> {
        self.parsed
            .get_or_init(|| Regex::new(self.source))
            .as_ref()?
            .is_match(text)
    }
}

/// What is checked: a value of the model, or a property name (for `propertyNames`).
#[derive(Clone, Copy)]
enum Instance<'a> {
    Value(&'a Value),
    Name(&'a str),
}

/// The verdict on a whole file.
pub(super) fn verdict(root: &Value) -> Verdict {
    Screen.eval(0, Instance::Value(root), 0)
}

/// The evaluator over the static tables.
struct Screen;

impl Screen {
    fn eval(&self, id: Id, instance: Instance, depth: usize) -> Verdict {
        if depth > MAX_DEPTH {
            return Unknown;
        }
        match SLOTS.get(id) {
            Some(Slot::Bool(true)) => Valid,
            Some(Slot::Bool(false)) => Invalid,
            Some(Slot::Ref(target)) => self.eval(*target, instance, depth + 1),
            Some(Slot::Node(node)) if node.exact => self.node(node, instance, depth),
            _ => Unknown,
        }
    }

    fn node(&self, node: &Node, instance: Instance, depth: usize) -> Verdict {
        let checks: [&dyn Fn() -> Verdict; 6] = [
            &|| type_check(node.types, instance),
            &|| enum_check(node.enumeration, instance),
            &|| self.applicators(node, instance, depth),
            &|| match instance {
                Instance::Value(v) => self.by_kind(node, v, depth),
                Instance::Name(name) => string_checks(node, name),
            },
            &|| {
                node.not
                    .map_or(Valid, |id| match self.eval(id, instance, depth + 1) {
                        Valid => Invalid,
                        Invalid => Valid,
                        Unknown => Unknown,
                    })
            },
            &|| {
                node.condition.map_or(Valid, |(test, then)| {
                    match self.eval(test, instance, depth + 1) {
                        Valid => then.map_or(Valid, |t| self.eval(t, instance, depth + 1)),
                        Invalid => Valid,
                        Unknown => Unknown,
                    }
                })
            },
        ];
        all(checks.iter().map(|check| check()))
    }

    /// `allOf` and `anyOf`.
    fn applicators(&self, node: &Node, instance: Instance, depth: usize) -> Verdict {
        let all_of = all(node
            .all_of
            .iter()
            .map(|&id| self.eval(id, instance, depth + 1)));
        if all_of != Valid || node.any_of.is_empty() {
            return all_of;
        }
        let mut verdict = Invalid;
        for &id in node.any_of {
            match self.eval(id, instance, depth + 1) {
                Valid => return Valid,
                Unknown => verdict = Unknown,
                Invalid => {}
            }
        }
        verdict
    }

    /// The keywords that apply to one kind of value only.
    fn by_kind(&self, node: &Node, value: &Value, depth: usize) -> Verdict {
        match &value.kind {
            Kind::Map(map) => self.object(node, map, depth),
            Kind::Seq(items) => self.array(node, items, depth),
            Kind::Str(s) => string_checks(node, &s.text),
            Kind::Int(i) => range_check(node, *i as f64, i.unsigned_abs() <= 1 << 53),
            Kind::Float(f) => range_check(node, *f, f.is_finite()),
            Kind::Null | Kind::Bool(_) => Valid,
        }
    }

    fn object(&self, node: &Node, map: &Map, depth: usize) -> Verdict {
        if node.required.iter().any(|k| !map.contains_key(k)) {
            return Invalid;
        }
        let entry = |&(key, value): &(&str, &Value)| -> Verdict {
            let mut matched = false;
            let mut verdict = Valid;
            if let Ok(i) = node
                .properties
                .binary_search_by(|(name, _)| (**name).cmp(key))
            {
                matched = true;
                verdict = self.eval(node.properties[i].1, Instance::Value(value), depth + 1);
            }
            for &(pattern, id) in node.pattern_properties {
                if verdict != Valid {
                    break;
                }
                match PATTERNS.get(pattern).and_then(|p| p.matches(key)) {
                    Some(true) => {
                        matched = true;
                        verdict = self.eval(id, Instance::Value(value), depth + 1);
                    }
                    Some(false) => {}
                    None => verdict = Unknown,
                }
            }
            if verdict == Valid
                && !matched
                && let Some(id) = node.additional_properties
            {
                verdict = self.eval(id, Instance::Value(value), depth + 1);
            }
            if verdict == Valid
                && let Some(id) = node.property_names
            {
                verdict = self.eval(id, Instance::Name(key), depth + 1);
            }
            verdict
        };
        // A large mapping (the services of a big project) is checked on every core.
        let workers = crate::parallel::workers(map.len());
        if workers > 1 {
            let entries: Vec<(&str, &Value)> = map.iter().map(|(k, _, v)| (k, v)).collect();
            return all(crate::parallel::map_in_order(&entries, workers, entry).into_iter());
        }
        all(map.iter().map(|(k, _, v)| entry(&(k, v))))
    }

    fn array(&self, node: &Node, items: &[Value], depth: usize) -> Verdict {
        let each = all(items.iter().enumerate().map(|(i, item)| {
            let schema = match node.items {
                Items::Any => None,
                Items::All(id) => Some(id),
                Items::Tuple(ids) => ids.get(i).copied().or(node.additional_items),
            };
            schema.map_or(Valid, |id| self.eval(id, Instance::Value(item), depth + 1))
        }));
        if each != Valid || !node.unique_items {
            return each;
        }
        for (i, a) in items.iter().enumerate() {
            for b in &items[i + 1..] {
                match same(a, b) {
                    Some(true) => return Invalid,
                    Some(false) => {}
                    None => return Unknown,
                }
            }
        }
        Valid
    }
}

/// Invalid if any is, else Unknown if any is, else Valid; stops at the first that is not Valid
/// (Unknown is always a safe answer).
fn all(verdicts: impl Iterator<Item = Verdict>) -> Verdict {
    for v in verdicts {
        if v != Valid {
            return v;
        }
    }
    Valid
}

fn type_check(allowed: u8, instance: Instance) -> Verdict {
    use types::*;
    if allowed == 0 {
        return Valid;
    }
    let actual = match instance {
        Instance::Name(_) => STRING,
        Instance::Value(v) => match &v.kind {
            Kind::Null => NULL,
            Kind::Bool(_) => BOOLEAN,
            Kind::Int(_) => INTEGER | NUMBER,
            // A whole float counts as an integer to the validator, and a non-finite one is
            // read as null: leave both to it.
            Kind::Float(f) if f.is_finite() && f.fract() != 0.0 => NUMBER,
            Kind::Float(_) => return Unknown,
            Kind::Str(_) => STRING,
            Kind::Seq(_) => ARRAY,
            Kind::Map(_) => OBJECT,
        },
    };
    if allowed & actual != 0 {
        Valid
    } else {
        Invalid
    }
}

fn enum_check(options: Option<&[Const]>, instance: Instance) -> Verdict {
    match options {
        Some(options) if !options.iter().any(|o| equal(instance, o)) => {
            // A non-finite float reads as null to the validator.
            match instance {
                Instance::Value(v) if matches!(v.kind, Kind::Float(f) if !f.is_finite()) => Unknown,
                _ => Invalid,
            }
        }
        _ => Valid,
    }
}

fn string_checks(node: &Node, text: &str) -> Verdict {
    match node
        .pattern
        .map(|p| PATTERNS.get(p).and_then(|p| p.matches(text)))
    {
        None | Some(Some(true)) => Valid,
        Some(Some(false)) => Invalid,
        Some(None) => Unknown,
    }
}

/// `minimum` and `maximum`; `exact` is false when `n` may not be the value itself.
fn range_check(node: &Node, n: f64, exact: bool) -> Verdict {
    if node.minimum.is_none() && node.maximum.is_none() {
        return Valid;
    }
    if !exact {
        return Unknown;
    }
    let below = node.minimum.is_some_and(|min| n < min);
    let above = node.maximum.is_some_and(|max| n > max);
    if below || above { Invalid } else { Valid }
}

/// Equality of an instance and an `enum` value (all scalars: no number is compiled in).
fn equal(instance: Instance, option: &Const) -> bool {
    match (instance, option) {
        (Instance::Name(name), Const::Str(s)) => name == *s,
        (Instance::Name(_), _) => false,
        (Instance::Value(v), option) => match (&v.kind, option) {
            (Kind::Str(s), Const::Str(t)) => s.text == *t,
            (Kind::Bool(a), Const::Bool(b)) => a == b,
            _ => false,
        },
    }
}

/// JSON equality of two instance values (for `uniqueItems`); None when floats are involved.
fn same(a: &Value, b: &Value) -> Option<bool> {
    Some(match (&a.kind, &b.kind) {
        (Kind::Float(_), _) | (_, Kind::Float(_)) => return None,
        (Kind::Null, Kind::Null) => true,
        (Kind::Bool(x), Kind::Bool(y)) => x == y,
        (Kind::Int(x), Kind::Int(y)) => x == y,
        (Kind::Str(x), Kind::Str(y)) => x.text == y.text,
        (Kind::Seq(x), Kind::Seq(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            for (p, q) in x.iter().zip(y) {
                if !same(p, q)? {
                    return Some(false);
                }
            }
            true
        }
        (Kind::Map(x), Kind::Map(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            for (key, _, p) in x.iter() {
                let Some(q) = y.get(key) else {
                    return Some(false);
                };
                if !same(p, q)? {
                    return Some(false);
                }
            }
            true
        }
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use crate::project::{LoadOptions, load_text};

    /// The screen's verdict on a file, checked against the full validator where it decides.
    fn quick(yaml: &str) -> Option<bool> {
        let project = load_text(
            std::path::Path::new("c.yaml"),
            yaml.into(),
            &LoadOptions::default(),
        );
        let model = project.model.expect("the file loads");
        let quick = super::super::quick_verdict(&model);
        if let Some(q) = quick {
            assert_eq!(q, super::super::is_valid(&model), "{yaml}");
        }
        quick
    }

    #[test]
    fn decides_common_shapes() {
        let cases: &[(&str, Option<bool>)] = &[
            ("services:\n  a:\n    image: x\n", Some(true)),
            (
                "services:\n  a:\n    image: x\n    enviroment: [A=1]\n",
                Some(false),
            ),
            (
                "x-any: {deep: [1]}\nservices:\n  a:\n    x-mine: 1\n    image: x\n",
                Some(true),
            ),
            // `restart` and `pull_policy` patterns.
            (
                "services:\n  a:\n    image: x\n    restart: on-failure:3\n",
                Some(true),
            ),
            (
                "services:\n  a:\n    image: x\n    restart: sometimes\n",
                Some(false),
            ),
            (
                "services:\n  a:\n    image: x\n    pull_policy: every_2d\n",
                Some(true),
            ),
            // Service names are checked by a pattern.
            ("services:\n  \"a b\":\n    image: x\n", Some(false)),
            // uniqueItems over strings and mappings.
            (
                "services:\n  a:\n    image: x\n    dns: [1.1.1.1, 1.1.1.1]\n",
                Some(false),
            ),
            // An external network with other settings: `if`/`then`.
            (
                "services: {}\nnetworks:\n  n:\n    external: true\n",
                Some(true),
            ),
            (
                "services: {}\nnetworks:\n  n:\n    external: true\n    driver: bridge\n",
                Some(false),
            ),
            // Ranges.
            (
                "services:\n  a:\n    image: x\n    oom_score_adj: 2000\n",
                Some(false),
            ),
        ];
        for (yaml, expected) in cases {
            assert_eq!(quick(yaml), *expected, "{yaml}");
        }
    }

    #[test]
    fn decides_large_mappings_on_every_core() {
        let mut yaml = String::from("services:\n");
        for i in 0..150 {
            yaml.push_str(&format!("  s{i}:\n    image: x\n    restart: always\n"));
        }
        assert_eq!(quick(&yaml), Some(true));
        yaml.push_str("  bad:\n    image: x\n    restart: sometimes\n");
        assert_eq!(quick(&yaml), Some(false));
    }

    #[test]
    fn leaves_whole_floats_to_the_validator() {
        // The validator counts 2.0 as an integer; the screen does not guess.
        assert_eq!(
            quick("services:\n  a:\n    image: x\n    cpu_shares: 2.0\n"),
            None
        );
        assert_eq!(
            quick("services:\n  a:\n    image: x\n    cpus: 0.5\n"),
            Some(true)
        );
    }
}
