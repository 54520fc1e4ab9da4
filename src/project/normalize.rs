//! Rewrites the list forms Compose accepts for keyed settings (`- KEY=value`) into mappings, so
//! that rules and merging see one shape. Each key and value keeps the span of its own bytes.

use crate::parallel;
use crate::project::value::{Kind, Map, Origin, Str, Value};

/// Service settings that may be a list or a mapping, with how a list item splits.
const KEYED: [(&str, Split); 6] = [
    ("environment", Split::Equals),
    ("labels", Split::StringMap),
    ("annotations", Split::StringMap),
    ("sysctls", Split::StringMap),
    ("extra_hosts", Split::Hosts),
    ("networks", Split::NameOnly),
];

/// `build` settings that may be a list or a mapping.
const BUILD_KEYED: [(&str, Split); 4] = [
    ("args", Split::Equals),
    ("labels", Split::StringMap),
    ("additional_contexts", Split::Equals),
    ("extra_hosts", Split::Hosts),
];

/// Top-level sections whose resources have `labels`.
const LABELLED: [&str; 4] = ["networks", "volumes", "secrets", "configs"];

#[derive(Clone, Copy)]
enum Split {
    /// `KEY=value`; a bare `KEY` has no value.
    Equals,
    /// `KEY=value`; a bare `KEY` (or a null value) is the empty string, as compose-go reads
    /// its string maps (labels, annotations, sysctls).
    StringMap,
    /// `host=ip` or `host:ip`, `ip` maybe a comma-separated list; a host named again adds
    /// addresses (a host with several is a list), as compose-go's `HostsList` reads them.
    Hosts,
    /// `name`: a key without value.
    NameOnly,
}

/// Normalizes every service of a file's root value (a big project's on every core), and the
/// labels of its networks, volumes, secrets and configs.
pub(super) fn normalize_services(root: &mut Value) {
    let Kind::Map(root) = &mut root.kind else {
        return;
    };
    for section in LABELLED {
        if let Some(Value {
            kind: Kind::Map(resources),
            ..
        }) = root.get_mut(section)
        {
            for resource in resources.values_mut() {
                if let Kind::Map(resource) = &mut resource.kind
                    && let Some(labels) = resource.get_mut("labels")
                {
                    list_to_map(labels, Split::StringMap);
                }
            }
        }
    }
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
        for (key, split) in BUILD_KEYED {
            if let Some(v) = build.get_mut(key) {
                list_to_map(v, split);
            }
        }
    }
    if let Some(Value {
        kind: Kind::Map(deploy),
        ..
    }) = service.get_mut("deploy")
    {
        if let Some(v) = deploy.get_mut("labels") {
            list_to_map(v, Split::StringMap);
        }
    }
}

fn list_to_map(value: &mut Value, split: Split) {
    let items = match &mut value.kind {
        Kind::Seq(items) => std::mem::take(items),
        Kind::Map(map) => {
            match split {
                Split::StringMap => map.values_mut().for_each(empty_if_null),
                Split::Hosts => map.values_mut().for_each(split_addresses),
                _ => {}
            }
            return;
        }
        _ => return,
    };
    let mut map = Map::default();
    for item in &items {
        let s = match &item.kind {
            Kind::Str(s) => s.clone(),
            Kind::Null | Kind::Seq(_) | Kind::Map(_) => continue,
            _ => Str::plain(item.scalar_text().unwrap_or_default()),
        };
        let at = match split {
            Split::Equals | Split::StringMap => s.text.find('='),
            Split::Hosts => s.text.find('=').or_else(|| s.text.find(':')),
            Split::NameOnly => None,
        };
        let origin_of = |range: std::ops::Range<usize>| Origin {
            span: s.literal_span(range).unwrap_or(item.origin.span),
            ..item.origin
        };
        let (key_range, mut entry) = match at {
            Some(i) => {
                let range = i + 1..s.text.len();
                let value = Value::new(Kind::Str(s.slice(range.clone())), origin_of(range));
                (0..i, value)
            }
            None => (0..s.text.len(), Value::new(Kind::Null, item.origin)),
        };
        let key = s.text[key_range.clone()].trim().to_string();
        match split {
            Split::StringMap => empty_if_null(&mut entry),
            Split::Hosts => {
                split_addresses(&mut entry);
                if let Some(earlier) = map.get_mut(&key) {
                    append_addresses(earlier, entry);
                    continue;
                }
            }
            _ => {}
        }
        map.insert(key, origin_of(key_range), entry);
    }
    map.from_list = true;
    value.kind = Kind::Map(map);
}

/// An entry of a string map without value is the empty string.
fn empty_if_null(value: &mut Value) {
    if matches!(value.kind, Kind::Null) {
        value.kind = Kind::Str(Str::plain(""));
    }
}

/// `ip1,ip2` as a list of addresses; `[::1]` as `::1`.
fn split_addresses(value: &mut Value) {
    let Kind::Str(s) = &value.kind else {
        if let Kind::Seq(items) = &mut value.kind {
            items.iter_mut().for_each(unbracket);
        }
        return;
    };
    if !s.text.contains(',') {
        unbracket(value);
        return;
    }
    let mut items = Vec::new();
    let mut start = 0;
    for part in s.text.split(',') {
        let range = start..start + part.len();
        start = range.end + 1;
        let origin = Origin {
            span: s.literal_span(range.clone()).unwrap_or(value.origin.span),
            ..value.origin
        };
        let mut item = Value::new(Kind::Str(s.slice(range)), origin);
        unbracket(&mut item);
        items.push(item);
    }
    value.kind = Kind::Seq(items);
}

fn unbracket(value: &mut Value) {
    if let Kind::Str(s) = &mut value.kind
        && s.text.len() > 2
        && s.text.starts_with('[')
        && s.text.ends_with(']')
    {
        *s = s.slice(1..s.text.len() - 1);
    }
}

/// Adds the addresses of `more` to those of `earlier` (a host named twice in a list).
fn append_addresses(earlier: &mut Value, more: Value) {
    let origin = earlier.origin;
    let first = std::mem::replace(earlier, Value::new(Kind::Null, origin));
    let mut all = match first.kind {
        Kind::Seq(items) => items,
        _ => vec![first],
    };
    match more.kind {
        Kind::Seq(items) => all.extend(items),
        _ => all.push(more),
    }
    *earlier = Value::new(Kind::Seq(all), origin);
}
