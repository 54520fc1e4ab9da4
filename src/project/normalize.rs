//! Rewrites the list forms Compose accepts for keyed settings (`- KEY=value`) into mappings, so
//! that rules and merging see one shape. Each key and value keeps the span of its own bytes.

use crate::parallel;
use crate::project::value::{Kind, Map, Origin, Str, Value};
use crate::source::ScalarStyle;

/// Service settings that may be a list or a mapping, with how a list item splits.
const KEYED: [(&str, Split); 6] = [
    ("environment", Split::Equals),
    ("labels", Split::Equals),
    ("annotations", Split::Equals),
    ("sysctls", Split::Equals),
    ("extra_hosts", Split::EqualsOrColon),
    ("networks", Split::NameOnly),
];

#[derive(Clone, Copy)]
enum Split {
    /// `KEY=value`; a bare `KEY` has no value.
    Equals,
    /// `host=ip` or `host:ip`.
    EqualsOrColon,
    /// `name`: a key without value.
    NameOnly,
}

/// Normalizes every service of a file's root value (a big project's on every core).
pub(super) fn normalize_services(root: &mut Value) {
    let Kind::Map(root) = &mut root.kind else {
        return;
    };
    let Some(Value {
        kind: Kind::Map(services),
        ..
    }) = root.get_mut("services")
    else {
        return;
    };
    let mut services: Vec<&mut Value> = services.values_mut().collect();
    let workers = parallel::workers(services.len());
    parallel::map_mut_in_order(&mut services, workers, |service| normalize_service(service));
}

/// Rewrites the list forms of one service.
fn normalize_service(service: &mut Value) {
    let Kind::Map(service) = &mut service.kind else {
        return;
    };
    for (key, split) in KEYED {
        if let Some(v) = service.get_mut(key) {
            list_to_map(v, split);
        }
    }
    if let Some(v) = service.get_mut("depends_on") {
        list_to_map(v, Split::NameOnly);
    }
    if let Some(Value {
        kind: Kind::Map(build),
        ..
    }) = service.get_mut("build")
    {
        if let Some(v) = build.get_mut("args") {
            list_to_map(v, Split::Equals);
        }
    }
    if let Some(Value {
        kind: Kind::Map(deploy),
        ..
    }) = service.get_mut("deploy")
    {
        if let Some(v) = deploy.get_mut("labels") {
            list_to_map(v, Split::Equals);
        }
    }
}

fn list_to_map(value: &mut Value, split: Split) {
    let Kind::Seq(items) = &value.kind else {
        return;
    };
    let mut map = Map::default();
    for item in items {
        let s = match &item.kind {
            Kind::Str(s) => s.clone(),
            Kind::Null | Kind::Seq(_) | Kind::Map(_) => continue,
            _ => Str {
                text: item.scalar_text().unwrap_or_default().into_owned(),
                style: ScalarStyle::Plain,
                raw_offset: None,
                interpolation: None,
            },
        };
        let at = match split {
            Split::Equals => s.text.find('='),
            Split::EqualsOrColon => s.text.find('=').or_else(|| s.text.find(':')),
            Split::NameOnly => None,
        };
        let origin_of = |range: std::ops::Range<usize>| Origin {
            span: s.literal_span(range).unwrap_or(item.origin.span),
            ..item.origin
        };
        let (key_range, entry) = match at {
            Some(i) => {
                let range = i + 1..s.text.len();
                let value = Value::new(Kind::Str(s.slice(range.clone())), origin_of(range));
                (0..i, value)
            }
            None => (0..s.text.len(), Value::new(Kind::Null, item.origin)),
        };
        let key = s.text[key_range.clone()].trim().to_string();
        map.insert(key, origin_of(key_range), entry);
    }
    map.from_list = true;
    value.kind = Kind::Map(map);
}
