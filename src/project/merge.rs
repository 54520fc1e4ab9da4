//! Merging compose files as the Compose Specification says: mappings merge, sequences append,
//! shell commands are replaced, unique resources merge by their key, `!reset` and `!override`
//! do what they say. Both sides are normalized first (see [`super::normalize`]).

use super::canonical;
use crate::project::value::{Kind, Map, MergeTag, Str, Value};

/// Merges `over` onto `base` (both file roots).
pub(super) fn merge_files(base: Value, over: Value) -> Value {
    let origin = base.origin;
    merge(Some(base), over, &mut Vec::new()).unwrap_or_else(|| Value::new(Kind::Null, origin))
}

/// Merges `over` onto `base` at `path`; None when `over` resets the value.
pub(super) fn merge(base: Option<Value>, mut over: Value, path: &mut Vec<String>) -> Option<Value> {
    match over.tag.take() {
        Some(MergeTag::Reset) => return None,
        Some(MergeTag::Override) => return Some(strip_tags(over)),
        None => {}
    }
    let Some(mut base) = base else {
        return Some(strip_tags(over));
    };
    match field_rule(path) {
        FieldRule::Generic => {}
        FieldRule::Replace => return Some(strip_tags(over)),
        FieldRule::Logging => {
            let driver = |v: &Value| {
                v.get("driver")
                    .and_then(Value::scalar_text)
                    .map(|d| d.into_owned())
            };
            if let (Some(b), Some(o)) = (driver(&base), driver(&over))
                && b != o
            {
                return Some(strip_tags(over));
            }
        }
        FieldRule::Build => {
            context_mapping(&mut base);
            context_mapping(&mut over);
        }
        FieldRule::StringOrList => {
            promote_to_list(&mut base);
            promote_to_list(&mut over);
        }
        FieldRule::Dependency => {
            if matches!(over.kind, Kind::Map(_)) {
                default_dependency(&mut base);
            } else if matches!(base.kind, Kind::Map(_)) {
                default_dependency(&mut over);
            }
        }
        FieldRule::ExtraHosts => match (&mut base.kind, over.kind) {
            (Kind::Map(b), Kind::Map(o)) => {
                for (host, key_origin, value) in o.into_entries() {
                    let merged = match (value.tag, b.get(&host)) {
                        (Some(MergeTag::Reset), _) => {
                            b.remove(&host);
                            continue;
                        }
                        (None, Some(existing)) => add_addresses(existing, strip_tags(value)),
                        _ => strip_tags(value),
                    };
                    b.insert(host, key_origin, merged);
                }
                return Some(base);
            }
            (_, kind) => over.kind = kind,
        },
    }
    match (&mut base.kind, over.kind) {
        (Kind::Map(b), Kind::Map(o)) => {
            for (key, key_origin, value) in o.iter() {
                path.push(key.to_string());
                let merged = merge(b.get(key).cloned(), value.clone(), path);
                path.pop();
                match merged {
                    Some(v) => b.insert(key.to_string(), *key_origin, v),
                    None => {
                        b.remove(key);
                    }
                }
            }
            Some(base)
        }
        (Kind::Seq(b), Kind::Seq(o)) => {
            match sequence_rule(path) {
                SeqRule::Replace => base.kind = Kind::Seq(o),
                SeqRule::Append => b.extend(o),
                SeqRule::Unique(key) => {
                    for item in o {
                        let k = key(&item);
                        match b.iter_mut().find(|x| k.is_some() && key(x) == k) {
                            Some(existing) => *existing = item,
                            None => b.push(item),
                        }
                    }
                }
                SeqRule::MergeBy(key) => {
                    for item in o {
                        let k = key(&item);
                        match b.iter_mut().find(|x| k.is_some() && key(x) == k) {
                            Some(existing) => {
                                let origin = existing.origin;
                                let old =
                                    std::mem::replace(existing, Value::new(Kind::Null, origin));
                                path.push("[]".into());
                                let merged = merge(Some(old), item, path);
                                path.pop();
                                if let Some(merged) = merged {
                                    *existing = merged;
                                }
                            }
                            None => b.push(item),
                        }
                    }
                }
            }
            Some(strip_tags(base))
        }
        (_, kind) => Some(strip_tags(Value {
            kind,
            origin: over.origin,
            tag: None,
        })),
    }
}

/// Settings that compose-go merges by a rule of their own (its `override/merge.go`).
enum FieldRule {
    /// Mappings merge, sequences follow [`sequence_rule`], anything else is replaced.
    Generic,
    /// The later value replaces the earlier one whole (each `ulimits` entry).
    Replace,
    /// `logging`: merged when both name the same driver (or one names none), else replaced.
    Logging,
    /// `build`: a string is the `context` of a mapping.
    Build,
    /// A string is a one-item list (`dns: 8.8.8.8` adds to a list of servers).
    StringOrList,
    /// One `depends_on` entry: a list item is `service_started`, required.
    Dependency,
    /// `extra_hosts`: a host keeps the addresses of the earlier file and gains new ones.
    ExtraHosts,
}

fn field_rule(path: &[String]) -> FieldRule {
    let p: Vec<&str> = path.iter().map(String::as_str).collect();
    match p.as_slice() {
        ["services", _, "ulimits", _] => FieldRule::Replace,
        ["services", _, "logging"] => FieldRule::Logging,
        ["services", _, "build"] => FieldRule::Build,
        [
            "services",
            _,
            "dns" | "dns_opt" | "dns_search" | "tmpfs" | "env_file" | "label_file",
        ] => FieldRule::StringOrList,
        ["services", _, "depends_on", _] => FieldRule::Dependency,
        ["services", _, "extra_hosts"] | ["services", _, "build", "extra_hosts"] => {
            FieldRule::ExtraHosts
        }
        _ => FieldRule::Generic,
    }
}

/// `build: ./dir` as `build: {context: ./dir}`.
fn context_mapping(value: &mut Value) {
    if matches!(value.kind, Kind::Str(_)) {
        let origin = value.origin;
        let context = std::mem::replace(value, Value::new(Kind::Null, origin));
        let mut map = Map::default();
        map.insert("context".into(), origin, context);
        *value = Value::new(Kind::Map(map), origin);
    }
}

/// A scalar as the one item of a list.
fn promote_to_list(value: &mut Value) {
    if !matches!(value.kind, Kind::Seq(_) | Kind::Map(_) | Kind::Null) {
        let origin = value.origin;
        let item = std::mem::replace(value, Value::new(Kind::Null, origin));
        *value = Value::new(Kind::Seq(vec![item]), origin);
    }
}

/// A `depends_on` list item (null once normalized) as the mapping compose-go reads it as.
fn default_dependency(value: &mut Value) {
    if matches!(value.kind, Kind::Null) {
        let origin = value.origin;
        let mut map = Map::default();
        let condition = Kind::Str(Str::plain("service_started"));
        map.insert("condition".into(), origin, Value::new(condition, origin));
        map.insert(
            "required".into(),
            origin,
            Value::new(Kind::Bool(true), origin),
        );
        *value = Value::new(Kind::Map(map), origin);
    }
}

/// The addresses of an `extra_hosts` host (a string, or a list of them).
fn addresses(value: &Value) -> Vec<Value> {
    match &value.kind {
        Kind::Seq(items) => items.clone(),
        _ => vec![value.clone()],
    }
}

/// The addresses of `base` then those of `over` it lacks; a list only when more than one.
fn add_addresses(base: &Value, over: Value) -> Value {
    let mut all = addresses(base);
    for address in addresses(&over) {
        if !all.iter().any(|a| a.scalar_text() == address.scalar_text()) {
            all.push(address);
        }
    }
    match all.len() {
        1 => all.remove(0),
        _ => Value::new(Kind::Seq(all), base.origin),
    }
}

/// A value with nothing under it to merge onto: `!override` means the value itself, and an
/// entry or item tagged `!reset` resets nothing, so it goes (as compose-go's reset
/// processor removes it from the file).
pub(super) fn strip_tags(mut value: Value) -> Value {
    value.tag = None;
    let reset = |v: &Value| v.tag == Some(MergeTag::Reset);
    match &mut value.kind {
        Kind::Seq(items) => {
            items.retain(|item| !reset(item));
            for item in items.iter_mut() {
                take_and_strip(item);
            }
        }
        Kind::Map(map) => {
            map.retain(|_, v| !reset(v));
            for v in map.values_mut() {
                take_and_strip(v);
            }
        }
        _ => {}
    }
    value
}

fn take_and_strip(slot: &mut Value) {
    let origin = slot.origin;
    *slot = strip_tags(std::mem::replace(slot, Value::new(Kind::Null, origin)));
}

enum SeqRule {
    Replace,
    Append,
    /// An item replaces the earlier one with the same key.
    Unique(fn(&Value) -> Option<String>),
    /// An item merges onto the earlier one with the same key.
    MergeBy(fn(&Value) -> Option<String>),
}

/// How compose-go merges each sequence (`override/merge.go`) and which ones it keeps unique,
/// by which key (`override/uncity.go`).
fn sequence_rule(path: &[String]) -> SeqRule {
    let p: Vec<&str> = path.iter().map(String::as_str).collect();
    match p.as_slice() {
        ["services", _, "command" | "entrypoint"] | ["services", _, "healthcheck", "test"] => {
            SeqRule::Replace
        }
        ["services", _, "ports"] => SeqRule::Unique(port_key),
        ["services", _, "volumes"] => SeqRule::Unique(volume_key),
        ["services", _, "devices"] => SeqRule::Unique(device_key),
        ["services", _, "secrets"] => SeqRule::Unique(secret_key),
        ["services", _, "configs"] => SeqRule::Unique(config_key),
        ["services", _, "env_file"] => SeqRule::Unique(env_file_key),
        ["services", _, "links"] => SeqRule::Unique(before_equals_key),
        ["networks", _, "ipam", "config"] => SeqRule::MergeBy(subnet_key),
        [
            "services",
            _,
            "expose" | "dns" | "dns_search" | "dns_opt" | "cap_add" | "cap_drop" | "tmpfs"
            | "external_links" | "security_opt" | "profiles",
        ]
        | ["services", _, "build", "tags" | "platforms"]
        | ["services", _, "networks", _, "aliases" | "link_local_ips"] => {
            SeqRule::Unique(scalar_key)
        }
        _ => SeqRule::Append,
    }
}

fn scalar_key(v: &Value) -> Option<String> {
    v.scalar_text().map(|s| s.into_owned())
}

fn field(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::scalar_text)
        .map(|s| s.into_owned())
        .unwrap_or_default()
}

/// A port by its host address, published port, target and protocol, the short syntax read
/// as `config` prints it ([`canonical`]); a range, or a port that does not parse, by its text.
fn port_key(v: &Value) -> Option<String> {
    match canonical::long_ports(v.clone()).as_slice() {
        [one] if one.as_map().is_some() => canonical::port_key(one),
        _ => scalar_key(v),
    }
}

/// A volume by its path in the container.
fn volume_key(v: &Value) -> Option<String> {
    target_or_text(canonical::long_volume(v.clone()), v)
}

/// A device by its path in the container.
fn device_key(v: &Value) -> Option<String> {
    target_or_text(canonical::long_device(v.clone()), v)
}

/// The `target` of an item in the long syntax; the text of one that does not parse.
fn target_or_text(long: Value, item: &Value) -> Option<String> {
    match long.get("target").and_then(Value::scalar_text) {
        Some(target) => Some(target.into_owned()),
        None => scalar_key(item),
    }
}

/// A secret by where it is mounted: `target`, else `/run/secrets/<source>`.
fn secret_key(v: &Value) -> Option<String> {
    mount_key(v, "/run/secrets")
}

/// A config by where it is mounted: `target`, else `/<source>`.
fn config_key(v: &Value) -> Option<String> {
    mount_key(v, "")
}

fn mount_key(v: &Value, default_dir: &str) -> Option<String> {
    if v.as_map().is_some() {
        let target = field(v, "target");
        return Some(if target.is_empty() {
            format!("{default_dir}/{}", field(v, "source"))
        } else {
            target
        });
    }
    Some(format!("{default_dir}/{}", v.scalar_text()?))
}

/// An env file by its path, in the short or the long syntax.
fn env_file_key(v: &Value) -> Option<String> {
    if v.as_map().is_some() {
        return Some(field(v, "path"));
    }
    scalar_key(v)
}

/// `name=value` by its name (compose-go keys `links` so, though they use `:`).
fn before_equals_key(v: &Value) -> Option<String> {
    let text = v.scalar_text()?;
    Some(text.split_once('=').map_or(&*text, |(k, _)| k).to_string())
}

/// An IPAM pool by its subnet.
fn subnet_key(v: &Value) -> Option<String> {
    v.as_map().map(|_| field(v, "subnet"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_reset_in_the_first_file_removes_the_key() {
        let p = crate::project::from_yaml(
            "services:\n  app:\n    image: x\n    command: !reset {}\n    ports: !override [\"80:80\"]\n  gone: !reset\n",
        );
        let services: Vec<&str> = p.services().map(|(name, _)| name).collect();
        assert_eq!(services, ["app"]);
        let (_, app) = p.services().next().unwrap();
        assert!(app.get("command").is_none());
        let ports = app.get("ports").and_then(|v| v.as_seq()).expect("ports");
        assert_eq!(ports.len(), 1);
        assert!(ports.iter().all(|v| v.tag.is_none()));
    }
}
