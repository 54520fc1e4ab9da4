//! Merging compose files as the Compose Specification says: mappings merge, sequences append,
//! shell commands are replaced, unique resources merge by their key, `!reset` and `!override`
//! do what they say. Both sides are normalized first (see [`super::normalize`]).

use crate::project::value::{Kind, MergeTag, Value};

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
    Unique(fn(&Value) -> Option<String>),
}

fn sequence_rule(path: &[String]) -> SeqRule {
    let p: Vec<&str> = path.iter().map(String::as_str).collect();
    match p.as_slice() {
        ["services", _, "command" | "entrypoint"] | ["services", _, "healthcheck", "test"] => {
            SeqRule::Replace
        }
        ["services", _, "ports"] => SeqRule::Unique(port_key),
        ["services", _, "volumes"] => SeqRule::Unique(volume_key),
        ["services", _, "secrets" | "configs"] => SeqRule::Unique(file_reference_key),
        [
            "services",
            _,
            "expose" | "dns" | "dns_search" | "dns_opt" | "cap_add" | "cap_drop" | "tmpfs"
            | "external_links" | "devices" | "security_opt" | "profiles" | "env_file",
        ] => SeqRule::Unique(scalar_key),
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

/// `{ip, target, published, protocol}`; the short syntax is parsed just enough to compare.
fn port_key(v: &Value) -> Option<String> {
    if v.as_map().is_some() {
        let protocol = field(v, "protocol");
        let protocol = if protocol.is_empty() {
            "tcp".to_string()
        } else {
            protocol
        };
        return Some(format!(
            "{}|{}|{}|{}",
            field(v, "host_ip"),
            field(v, "target"),
            field(v, "published"),
            protocol
        ));
    }
    let text = v.scalar_text()?;
    let (spec, protocol) = text.split_once('/').unwrap_or((&text, "tcp"));
    let (host, target) = match spec.rsplit_once(':') {
        Some((host, target)) => (host, target),
        None => ("", spec),
    };
    let (ip, published) = match host.rsplit_once(':') {
        Some((ip, published)) => (ip, published),
        None => ("", host),
    };
    Some(format!("{ip}|{target}|{published}|{protocol}"))
}

fn volume_key(v: &Value) -> Option<String> {
    if v.as_map().is_some() {
        return Some(field(v, "target"));
    }
    let text = v.scalar_text()?;
    let parts: Vec<&str> = text.split(':').collect();
    Some(match parts.as_slice() {
        [target] | [_, target] | [_, target, _] => target.to_string(),
        _ => text.into_owned(),
    })
}

fn file_reference_key(v: &Value) -> Option<String> {
    if v.as_map().is_some() {
        let target = field(v, "target");
        return Some(if target.is_empty() {
            field(v, "source")
        } else {
            target
        });
    }
    scalar_key(v)
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
