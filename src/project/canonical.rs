//! The model in the syntax `docker compose config` prints: compose-go rewrites the short forms
//! into the long ones (its `transform.Canonical`), fills the defaults of `SetDefaultValues`
//! and keeps one item per key of its unique lists (`EnforceUnicity`). The loaded model keeps
//! what the files wrote, for rules and fixes; only the printed configuration is canonical.
//!
//! A string with an unknown variable is left as written: its text is not what Compose would
//! read, so it is printed back as `${VAR}` for Compose to resolve.

use super::command_words::command_words;
use super::value::{Kind, Map, Origin, Str, Value};

/// `model` (a merged root value) in canonical syntax.
pub(super) fn canonical(model: &Value) -> Value {
    let mut model = model.clone();
    let Kind::Map(root) = &mut model.kind else {
        return model;
    };
    if let Some(Value {
        kind: Kind::Map(services),
        ..
    }) = root.get_mut("services")
    {
        for service in services.values_mut() {
            if let Kind::Map(service) = &mut service.kind {
                canonical_service(service);
            }
        }
    }
    model
}

fn canonical_service(service: &mut Map) {
    if let Some(v) = service.get_mut("ports") {
        map_items(v, long_ports);
        unique(v, port_key);
    }
    if let Some(v) = service.get_mut("volumes") {
        map_items(v, |item| vec![long_volume(item)]);
        unique(v, |item| field(item, "target"));
    }
    if let Some(v) = service.get_mut("devices") {
        map_items(v, |item| vec![long_device(item)]);
        unique(v, |item| field(item, "target"));
    }
    if let Some(v) = service.get_mut("secrets") {
        map_items(v, |item| vec![file_mount(item, Some("/run/secrets"))]);
        unique(v, |item| field(item, "target"));
    }
    if let Some(v) = service.get_mut("configs") {
        map_items(v, |item| vec![file_mount(item, None)]);
        unique(v, |item| {
            field(item, "target").or_else(|| Some(format!("/{}", field(item, "source")?)))
        });
    }
    for key in ["dns", "dns_search", "dns_opt", "tmpfs"] {
        if let Some(v) = service.get_mut(key)
            && known_str(v).is_some()
        {
            let origin = v.origin;
            let item = std::mem::replace(v, Value::new(Kind::Null, origin));
            *v = Value::new(Kind::Seq(vec![item]), origin);
        }
    }
    for key in ["command", "entrypoint"] {
        if let Some(v) = service.get_mut(key) {
            split_command(v);
        }
    }
    for key in ["post_start", "pre_stop"] {
        if let Some(Value {
            kind: Kind::Seq(hooks),
            ..
        }) = service.get_mut(key)
        {
            for hook in hooks {
                if let Kind::Map(hook) = &mut hook.kind
                    && let Some(v) = hook.get_mut("command")
                {
                    split_command(v);
                }
            }
        }
    }
    if let Some(v) = service.get_mut("build") {
        build(v);
    }
    if let Some(Value {
        kind: Kind::Map(depends_on),
        ..
    }) = service.get_mut("depends_on")
    {
        for dependency in depends_on.values_mut() {
            dependency_defaults(dependency);
        }
    }
    implicit_dependencies(service);
    if let Some(v) = service.get_mut("pull_policy")
        && known_str(v) == Some("if_not_present")
    {
        v.kind = Kind::Str(Str::plain("missing"));
    }
}

/// A string command as the argument list compose-go reads from it (`ShellCommand`). A string
/// Compose refuses, or one with an unknown variable, stays as written.
fn split_command(v: &mut Value) {
    let Some(Ok(split)) = known_str(v).map(command_words) else {
        return;
    };
    let origin = v.origin;
    let words = split
        .words
        .into_iter()
        .map(|w| Value::new(Kind::Str(Str::plain(w)), origin))
        .collect();
    v.kind = Kind::Seq(words);
}

/// The services a service needs without naming them in `depends_on`, as compose-go's
/// `Normalize` adds them: those whose namespaces it joins (`network_mode`, `ipc`, `pid`,
/// `uts`, `cgroup` set to `service:NAME`) and those it `links` to, restarted with them, and
/// those it takes `volumes_from`. An explicit `depends_on` entry is kept as written.
fn implicit_dependencies(service: &mut Map) {
    let mut implied: Vec<(String, bool, Origin)> = Vec::new();
    if let Some(links) = service.get("links").and_then(Value::as_seq) {
        for link in links {
            if let Some(text) = known_str(link) {
                let name = match text.split(':').collect::<Vec<_>>().as_slice() {
                    [name, _] => name.to_string(),
                    _ => text.to_string(),
                };
                implied.push((name, true, link.origin));
            }
        }
    }
    for namespace in ["network_mode", "ipc", "pid", "uts", "cgroup"] {
        if let Some(v) = service.get(namespace)
            && let Some(name) = known_str(v).and_then(|t| t.strip_prefix("service:"))
        {
            implied.push((name.to_string(), true, v.origin));
        }
    }
    if let Some(sources) = service.get("volumes_from").and_then(Value::as_seq) {
        for source in sources {
            if let Some(text) = known_str(source)
                && !text.starts_with("container:")
            {
                let name = text.split(':').next().unwrap_or_default();
                implied.push((name.to_string(), false, source.origin));
            }
        }
    }
    if implied.is_empty() {
        return;
    }
    if !matches!(
        service.get("depends_on").map(|v| &v.kind),
        Some(Kind::Map(_))
    ) {
        let origin = implied[0].2;
        service.insert(
            "depends_on".into(),
            origin,
            Value::new(Kind::Map(Map::default()), origin),
        );
    }
    let Some(Value {
        kind: Kind::Map(depends_on),
        ..
    }) = service.get_mut("depends_on")
    else {
        return;
    };
    for (name, restart, origin) in implied {
        if depends_on.contains_key(&name) {
            continue;
        }
        let mut map = Map::default();
        map.insert("condition".into(), origin, text("service_started", origin));
        map.insert(
            "restart".into(),
            origin,
            Value::new(Kind::Bool(restart), origin),
        );
        map.insert(
            "required".into(),
            origin,
            Value::new(Kind::Bool(true), origin),
        );
        depends_on.insert(name, origin, Value::new(Kind::Map(map), origin));
    }
}

/// A made-up string at `origin`.
fn text(s: impl Into<String>, origin: Origin) -> Value {
    Value::new(Kind::Str(Str::plain(s)), origin)
}

/// The text of a string whose every variable is known.
fn known_str(v: &Value) -> Option<&str> {
    match &v.kind {
        Kind::Str(s) if s.is_known() => Some(&s.text),
        _ => None,
    }
}

/// The text of a scalar field of a mapping.
fn field(v: &Value, key: &str) -> Option<String> {
    v.get(key)?.scalar_text().map(|s| s.into_owned())
}

/// Sets `key` when it is missing.
fn or_insert(map: &mut Map, key: &str, value: Value) {
    if !map.contains_key(key) {
        map.insert(key.into(), value.origin, value);
    }
}

/// Rewrites each item of a sequence into the items `f` gives.
fn map_items(v: &mut Value, f: impl Fn(Value) -> Vec<Value>) {
    if let Kind::Seq(items) = &mut v.kind {
        *items = std::mem::take(items).into_iter().flat_map(f).collect();
    }
}

/// Keeps one item per key, the later in the place of the first.
fn unique(v: &mut Value, key: impl Fn(&Value) -> Option<String>) {
    let Kind::Seq(items) = &mut v.kind else {
        return;
    };
    let mut kept: Vec<(Option<String>, Value)> = Vec::new();
    for item in std::mem::take(items) {
        let k = key(&item);
        match kept.iter_mut().find(|(seen, _)| k.is_some() && *seen == k) {
            Some((_, earlier)) => *earlier = item,
            None => kept.push((k, item)),
        }
    }
    *items = kept.into_iter().map(|(_, item)| item).collect();
}

/// The identity of a long-syntax port: host address, published port, target and protocol.
pub(super) fn port_key(v: &Value) -> Option<String> {
    v.as_map()?;
    Some(format!(
        "{}|{}|{}|{}",
        field(v, "host_ip").unwrap_or_default(),
        field(v, "published").unwrap_or_default(),
        field(v, "target").unwrap_or_default(),
        field(v, "protocol").unwrap_or_else(|| "tcp".into())
    ))
}

/// A port in the long syntax: one item per port of a range, with `mode` and `protocol`; an
/// item that does not parse, or holds an unknown variable, as it is.
pub(super) fn long_ports(item: Value) -> Vec<Value> {
    let origin = item.origin;
    if let Kind::Map(mut map) = item.kind {
        or_insert(&mut map, "mode", text("ingress", origin));
        or_insert(&mut map, "protocol", text("tcp", origin));
        return vec![Value::new(Kind::Map(map), origin)];
    }
    let spec = match &item.kind {
        Kind::Int(i) => i.to_string(),
        _ => match known_str(&item) {
            Some(s) => s.to_string(),
            None => return vec![item],
        },
    };
    let Some(ports) = parse_port(&spec) else {
        return vec![item];
    };
    ports
        .into_iter()
        .map(|p| {
            let mut map = Map::default();
            map.insert("mode".into(), origin, text("ingress", origin));
            if !p.ip.is_empty() {
                map.insert("host_ip".into(), origin, text(p.ip, origin));
            }
            map.insert(
                "target".into(),
                origin,
                Value::new(Kind::Int(p.target), origin),
            );
            if !p.published.is_empty() {
                map.insert("published".into(), origin, text(p.published, origin));
            }
            map.insert("protocol".into(), origin, text(p.protocol, origin));
            Value::new(Kind::Map(map), origin)
        })
        .collect()
}

/// The longest port range written out one port per item; a longer one is printed as written
/// (still valid Compose), so that the output stays near the size of the input.
const MAX_EXPANDED_RANGE: i64 = 1024;

/// One port of a short-syntax spec.
#[derive(Debug, PartialEq)]
struct Port {
    ip: String,
    published: String,
    target: i64,
    protocol: String,
}

/// `[ip:][published:]target[/protocol]`, each port maybe a range `a-b`; None when malformed
/// (a port above 65535 included) or when the range is longer than [`MAX_EXPANDED_RANGE`].
fn parse_port(spec: &str) -> Option<Vec<Port>> {
    let (rest, protocol) = spec.rsplit_once('/').unwrap_or((spec, "tcp"));
    let (ip, rest) = match rest.strip_prefix('[') {
        Some(bracketed) => {
            let (ip, after) = bracketed.split_once("]:")?;
            (ip, after)
        }
        None => ("", rest),
    };
    let parts: Vec<&str> = rest.split(':').collect();
    let (ip, published, target) = match parts.as_slice() {
        [target] => (ip, "", *target),
        [published, target] => (ip, *published, *target),
        [host, published, target] if ip.is_empty() => (*host, *published, *target),
        _ => return None,
    };
    let range = |s: &str| -> Option<(i64, i64)> {
        let (a, b) = s.split_once('-').unwrap_or((s, s));
        let (a, b): (i64, i64) = (a.parse().ok()?, b.parse().ok()?);
        (a <= b && b <= 65535).then_some((a, b))
    };
    let (first, last) = range(target)?;
    let host = if published.is_empty() {
        None
    } else {
        Some(range(published)?)
    };
    let published_of = |i: i64| match host {
        None => String::new(),
        // One target published on a range of host ports: the range as written.
        Some(_) if first == last => published.to_string(),
        Some((start, _)) => (start + i).to_string(),
    };
    if let Some((start, end)) = host
        && first != last
        && end - start != last - first
    {
        return None;
    }
    if last - first >= MAX_EXPANDED_RANGE {
        return None;
    }
    Some(
        (0..=last - first)
            .map(|i| Port {
                ip: ip.to_string(),
                published: published_of(i),
                target: first + i,
                protocol: protocol.to_string(),
            })
            .collect(),
    )
}

/// A volume in the long syntax: `[source:]target[:options]`; one that does not parse, or
/// holds an unknown variable, as it is.
pub(super) fn long_volume(item: Value) -> Value {
    let origin = item.origin;
    if let Kind::Map(mut map) = item.kind {
        if let Some(target) = map.get_mut("target")
            && let Some(t) = known_str(target)
        {
            target.kind = Kind::Str(Str::plain(clean_path(t)));
        }
        return Value::new(Kind::Map(map), origin);
    }
    let Some(spec) = known_str(&item) else {
        return item;
    };
    let Some(parts) = volume_parts(spec) else {
        return item;
    };
    let mut map = Map::default();
    let (source, target, options) = match parts.as_slice() {
        [target] => ("", *target, ""),
        [source, target] => (*source, *target, ""),
        [source, target, options] => (*source, *target, *options),
        _ => return item,
    };
    let bind = is_file_path(source);
    let kind = if bind { "bind" } else { "volume" };
    map.insert("type".into(), origin, text(kind, origin));
    if !source.is_empty() {
        map.insert("source".into(), origin, text(source, origin));
    }
    map.insert("target".into(), origin, text(clean_path(target), origin));
    let mut bind_options = Map::default();
    let mut volume_options = Map::default();
    for option in options.split(',').filter(|o| !o.is_empty()) {
        match option {
            "ro" => map.insert(
                "read_only".into(),
                origin,
                Value::new(Kind::Bool(true), origin),
            ),
            "rw" => {
                map.remove("read_only");
            }
            "nocopy" => volume_options.insert(
                "nocopy".into(),
                origin,
                Value::new(Kind::Bool(true), origin),
            ),
            "rprivate" | "private" | "rshared" | "shared" | "rslave" | "slave" => {
                bind_options.insert("propagation".into(), origin, text(option, origin))
            }
            "z" | "Z" => bind_options.insert("selinux".into(), origin, text(option, origin)),
            _ => {}
        }
    }
    if bind {
        let create = Value::new(Kind::Bool(true), origin);
        bind_options.insert("create_host_path".into(), origin, create);
        map.insert(
            "bind".into(),
            origin,
            Value::new(Kind::Map(bind_options), origin),
        );
    } else {
        map.insert(
            "volume".into(),
            origin,
            Value::new(Kind::Map(volume_options), origin),
        );
    }
    Value::new(Kind::Map(map), origin)
}

/// The colon-separated parts of a short volume, a Windows drive (`C:`) kept whole; None when a
/// part is empty.
fn volume_parts(spec: &str) -> Option<Vec<&str>> {
    if spec.len() <= 2 {
        return Some(vec![spec]);
    }
    let mut parts = Vec::new();
    let mut start = 0;
    for (i, c) in spec.char_indices() {
        let drive = i == start + 1 && spec[start..i].chars().all(|c| c.is_ascii_alphabetic());
        if c == ':' && !drive {
            parts.push(&spec[start..i]);
            start = i + 1;
        }
    }
    parts.push(&spec[start..]);
    parts.iter().all(|p| !p.is_empty()).then_some(parts)
}

/// A bind mount's source: a path, not a volume name.
fn is_file_path(source: &str) -> bool {
    let bytes = source.as_bytes();
    match bytes {
        [] => false,
        [b'.' | b'/' | b'~', ..] => true,
        [b'\\', b'\\', ..] => true,
        [letter, b':', ..] => letter.is_ascii_alphabetic(),
        _ => false,
    }
}

/// An absolute path without `.` parts, repeated or trailing slashes, `..` resolved within it
/// (Go's `path.Clean`); another path comes back as written. Mount targets, and the host paths
/// the facts compare, are cleaned by this one function.
pub(crate) fn clean_path(target: &str) -> String {
    if !target.starts_with('/') {
        return target.to_string();
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    format!("/{}", parts.join("/"))
}

/// A device in the long syntax: `source[:target[:permissions]]`; one that does not parse, or
/// holds an unknown variable, as it is.
pub(super) fn long_device(item: Value) -> Value {
    let origin = item.origin;
    let Some(spec) = known_str(&item) else {
        return item;
    };
    let parts: Vec<&str> = spec.split(':').collect();
    let (source, target, permissions) = match parts.as_slice() {
        [source] => (*source, *source, "rwm"),
        [source, target] => (*source, *target, "rwm"),
        [source, target, permissions] => (*source, *target, *permissions),
        _ => return item,
    };
    let mut map = Map::default();
    map.insert("source".into(), origin, text(source, origin));
    map.insert("target".into(), origin, text(target, origin));
    map.insert("permissions".into(), origin, text(permissions, origin));
    Value::new(Kind::Map(map), origin)
}

/// A secret or config in the long syntax; a secret's target defaults to `/run/secrets/<name>`.
fn file_mount(item: Value, default_dir: Option<&str>) -> Value {
    let origin = item.origin;
    let mut map = match item.kind {
        Kind::Map(map) => map,
        Kind::Str(_) if known_str(&item).is_some() => {
            let mut map = Map::default();
            map.insert("source".into(), origin, item);
            map
        }
        _ => return item,
    };
    if let (Some(dir), Some(source)) = (
        default_dir,
        map.get("source").and_then(known_str).map(str::to_string),
    ) {
        or_insert(&mut map, "target", text(format!("{dir}/{source}"), origin));
    }
    Value::new(Kind::Map(map), origin)
}

/// `build: dir` as `build: {context: dir}`; the context defaults to `.` and the Dockerfile to
/// `Dockerfile` (unless written inline); an argument without value and without a variable of
/// its name is left out, as compose-go's `Normalize` leaves it.
fn build(v: &mut Value) {
    let origin = v.origin;
    if known_str(v).is_some() {
        let context = std::mem::replace(v, Value::new(Kind::Null, origin));
        let mut map = Map::default();
        map.insert("context".into(), origin, context);
        *v = Value::new(Kind::Map(map), origin);
    }
    if let Kind::Map(map) = &mut v.kind {
        or_insert(map, "context", text(".", origin));
        if !map.contains_key("dockerfile_inline") {
            or_insert(map, "dockerfile", text("Dockerfile", origin));
        }
        if let Some(Value {
            kind: Kind::Map(args),
            ..
        }) = map.get_mut("args")
        {
            args.retain(|_, v| !matches!(v.kind, Kind::Null));
        }
    }
}

/// A `depends_on` entry with its `condition` and `required` defaults.
fn dependency_defaults(v: &mut Value) {
    let origin = v.origin;
    if matches!(v.kind, Kind::Null) {
        v.kind = Kind::Map(Map::default());
    }
    if let Kind::Map(map) = &mut v.kind {
        or_insert(map, "condition", text("service_started", origin));
        or_insert(map, "required", Value::new(Kind::Bool(true), origin));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn port(ip: &str, published: &str, target: i64, protocol: &str) -> Port {
        Port {
            ip: ip.into(),
            published: published.into(),
            target,
            protocol: protocol.into(),
        }
    }

    #[test]
    fn short_ports_parse_as_compose_go_reads_them() {
        assert_eq!(parse_port("80"), Some(vec![port("", "", 80, "tcp")]));
        assert_eq!(
            parse_port("127.0.0.1:8080:80/udp"),
            Some(vec![port("127.0.0.1", "8080", 80, "udp")])
        );
        assert_eq!(
            parse_port("[::1]:8080:80"),
            Some(vec![port("::1", "8080", 80, "tcp")])
        );
        assert_eq!(
            parse_port("80-81:8080-8081"),
            Some(vec![
                port("", "80", 8080, "tcp"),
                port("", "81", 8081, "tcp")
            ])
        );
        assert_eq!(
            parse_port("9000-9010:80"),
            Some(vec![port("", "9000-9010", 80, "tcp")])
        );
        assert_eq!(parse_port("80-82:8080-8081"), None);
        assert_eq!(parse_port("http"), None);
        assert_eq!(parse_port("1-99999999999"), None, "no port above 65535");
        assert_eq!(
            parse_port("1-65535"),
            None,
            "a long range is kept as written"
        );
    }

    #[test]
    fn pull_policy_if_not_present_is_missing() {
        let project = crate::project::from_yaml(
            "services:\n  a:\n    image: x:1\n    pull_policy: if_not_present\n",
        );
        let out = canonical(project.model.as_ref().unwrap());
        let policy = out
            .get("services")
            .and_then(|s| s.get("a"))
            .and_then(|a| a.get("pull_policy"));
        assert_eq!(policy.and_then(known_str), Some("missing"));
    }

    #[test]
    fn short_volumes_split_as_compose_go_splits_them() {
        assert_eq!(volume_parts("/data"), Some(vec!["/data"]));
        assert_eq!(
            volume_parts("./src:/app:ro,z"),
            Some(vec!["./src", "/app", "ro,z"])
        );
        assert_eq!(
            volume_parts("C:\\data:/data"),
            Some(vec!["C:\\data", "/data"])
        );
        assert_eq!(volume_parts("data::/b"), None);
        // One letter before a colon is a drive, as in compose-go.
        assert_eq!(volume_parts("a:/a"), Some(vec!["a:/a"]));
        assert!(is_file_path("~/x") && is_file_path("C:\\x") && !is_file_path("data"));
        assert_eq!(clean_path("/a//b/./c/"), "/a/b/c");
    }
}
