//! Which top-level resources a service uses, and where each use is written: named volumes
//! (short and long `volumes` syntax), networks (`networks`, `network_mode: <network>`, the
//! implicit `default`), secrets and configs (service level and `build.secrets`), and which
//! other services it names (`depends_on`, `links`, `volumes_from`, `network_mode: service:`).
//! Read here once so that the rules about undeclared and unused resources agree on what a
//! use is.

use crate::facts::network_mode::NetworkMode;
use crate::project::value::{Origin, Value};

/// The four top-level sections whose entries services refer to by key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Section {
    /// `volumes`
    Volumes,
    /// `networks`
    Networks,
    /// `secrets`
    Secrets,
    /// `configs`
    Configs,
}

impl Section {
    /// Every section, in the order Compose lists them.
    pub(crate) const ALL: [Section; 4] = [
        Section::Networks,
        Section::Volumes,
        Section::Secrets,
        Section::Configs,
    ];

    /// The top-level key.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Section::Volumes => "volumes",
            Section::Networks => "networks",
            Section::Secrets => "secrets",
            Section::Configs => "configs",
        }
    }

    /// The word for one entry, in messages.
    pub(crate) fn noun(self) -> &'static str {
        match self {
            Section::Volumes => "volume",
            Section::Networks => "network",
            Section::Secrets => "secret",
            Section::Configs => "config",
        }
    }
}

/// One use of a top-level resource by a service.
#[derive(Debug, Clone)]
pub(crate) struct Use<'p> {
    /// The section the name refers to.
    pub section: Section,
    /// The key it names.
    pub name: &'p str,
    /// Where the name is written: its own bytes when they are literal, else the item.
    pub origin: Origin,
    /// False for `network_mode: <network>`, which may name an engine network Compose does not
    /// declare: it counts as a use, never as a reference that must be declared.
    pub must_be_declared: bool,
}

/// The origin of bytes `range` of a string item, or the item's own.
fn narrowed(item: &Value, range: std::ops::Range<usize>) -> Origin {
    let span = item
        .as_str()
        .and_then(|s| s.literal_span(range))
        .unwrap_or(item.origin.span);
    Origin {
        span,
        ..item.origin
    }
}

/// A name Docker accepts for a local volume, so that a short-syntax source is a named
/// volume and not a path.
fn is_volume_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
}

/// The named volume of one `volumes` item: `data:/var/lib/x[:ro]` or long syntax with
/// `type: volume` and a `source`. Paths (`./x`, `/x`, `~/x`, `C:\x`), anonymous volumes and
/// values with an unknown variable name none.
fn named_volume(item: &Value) -> Option<(&str, Origin)> {
    if item.as_map().is_some() {
        let source = item.get("source")?;
        let s = source.as_str().filter(|s| s.is_known())?;
        let is_volume = item
            .get("type")
            .and_then(Value::as_str)
            .is_some_and(|t| t.text == "volume");
        return (is_volume && is_volume_name(&s.text)).then_some((s.text.as_str(), source.origin));
    }
    let s = item.as_str().filter(|s| s.is_known())?;
    // A Windows drive (`C:\data:/data`, `C:/data:/data`) starts a path.
    if let [drive, b':', b'\\' | b'/', ..] = s.text.as_bytes()
        && drive.is_ascii_alphabetic()
    {
        return None;
    }
    let (source, _) = s.text.split_once(':')?;
    is_volume_name(source).then(|| (source, narrowed(item, 0..source.len())))
}

/// The name a secret or config item refers to: `- name` or `{source: name, ...}`.
fn file_reference(item: &Value) -> Option<(&str, Origin)> {
    let value = match item.as_map() {
        Some(m) => m.get("source")?,
        None => item,
    };
    let s = value
        .as_str()
        .filter(|s| s.is_known() && !s.text.is_empty())?;
    Some((s.text.as_str(), value.origin))
}

fn items<'p>(service: &'p Value, key: &str) -> &'p [Value] {
    service.get(key).and_then(Value::as_seq).unwrap_or_default()
}

/// Every named resource `service` uses, in the order written.
pub(crate) fn uses(service: &Value) -> Vec<Use<'_>> {
    let mut out = Vec::new();
    fn push<'p>(out: &mut Vec<Use<'p>>, section: Section, found: (&'p str, Origin), must: bool) {
        out.push(Use {
            section,
            name: found.0,
            origin: found.1,
            must_be_declared: must,
        });
    }
    for item in items(service, "volumes") {
        if let Some(found) = named_volume(item) {
            push(&mut out, Section::Volumes, found, true);
        }
    }
    if let Some(networks) = service.get("networks").and_then(Value::as_map) {
        for (name, origin, _) in networks.iter() {
            push(&mut out, Section::Networks, (name, *origin), true);
        }
    }
    if let (NetworkMode::Network(name), Some(mode)) =
        (NetworkMode::of(service), service.get("network_mode"))
    {
        push(&mut out, Section::Networks, (name, mode.origin), false);
    }
    let build_secrets = service
        .get("build")
        .map_or(&[][..], |b| items(b, "secrets"));
    for item in items(service, "secrets").iter().chain(build_secrets) {
        if let Some(found) = file_reference(item) {
            push(&mut out, Section::Secrets, found, true);
        }
    }
    for item in items(service, "configs") {
        if let Some(found) = file_reference(item) {
            push(&mut out, Section::Configs, found, true);
        }
    }
    out
}

/// Whether the service is on the project's `default` network without naming it: no
/// `networks` and no `network_mode` (or one whose value is not known).
pub(crate) fn joins_default_network(service: &Value) -> bool {
    service.get("networks").is_none()
        && matches!(
            NetworkMode::of(service),
            NetworkMode::Unset | NetworkMode::Unknown
        )
}

/// How a service names another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ServiceRef {
    /// `depends_on`
    DependsOn,
    /// `links`
    Links,
    /// `volumes_from`
    VolumesFrom,
    /// `network_mode: service:<name>`
    NetworkMode,
    /// `ipc`, `pid`, `uts` or `cgroup` set to `service:<name>`: the namespace of another
    /// service (compose-go makes each a dependency).
    Namespace(&'static str),
}

impl ServiceRef {
    /// The key as written, for messages.
    pub(crate) fn key(self) -> &'static str {
        match self {
            ServiceRef::DependsOn => "depends_on",
            ServiceRef::Links => "links",
            ServiceRef::VolumesFrom => "volumes_from",
            ServiceRef::NetworkMode => "network_mode",
            ServiceRef::Namespace(key) => key,
        }
    }
}

/// The `depends_on` entries of `service` with `required: false`, with where each is
/// written: Compose skips one whose service a profile leaves out, but refuses a service the
/// project does not define at all.
pub(crate) fn optional_dependencies(service: &Value) -> Vec<(&str, Origin)> {
    let Some(deps) = service.get("depends_on").and_then(Value::as_map) else {
        return Vec::new();
    };
    deps.iter()
        .filter(|(_, _, spec)| {
            spec.get("required")
                .is_some_and(|r| r.scalar_text().as_deref() == Some("false"))
        })
        .map(|(name, origin, _)| (name, *origin))
        .collect()
}

/// Every other service `service` names, with where the name is written. A `depends_on`
/// entry with `required: false` is left out ([`optional_dependencies`]): Compose ignores it
/// when a profile leaves its service out.
pub(crate) fn service_refs(service: &Value) -> Vec<(ServiceRef, &str, Origin)> {
    let mut out = Vec::new();
    if let Some(deps) = service.get("depends_on").and_then(Value::as_map) {
        for (name, origin, spec) in deps.iter() {
            let optional = spec
                .get("required")
                .is_some_and(|r| r.scalar_text().as_deref() == Some("false"));
            if !optional {
                out.push((ServiceRef::DependsOn, name, *origin));
            }
        }
    }
    for item in items(service, "links") {
        let Some(s) = item.as_str().filter(|s| s.is_known()) else {
            continue;
        };
        let name = s.text.split(':').next().unwrap_or_default();
        if !name.is_empty() {
            out.push((ServiceRef::Links, name, narrowed(item, 0..name.len())));
        }
    }
    for item in items(service, "volumes_from") {
        let Some(s) = item.as_str().filter(|s| s.is_known()) else {
            continue;
        };
        if s.text.starts_with("container:") {
            continue;
        }
        let name = s.text.split(':').next().unwrap_or_default();
        if !name.is_empty() {
            out.push((ServiceRef::VolumesFrom, name, narrowed(item, 0..name.len())));
        }
    }
    if let (NetworkMode::Service(name), Some(mode)) =
        (NetworkMode::of(service), service.get("network_mode"))
    {
        let start = mode
            .as_str()
            .and_then(|s| s.text.find(name))
            .unwrap_or_default();
        out.push((
            ServiceRef::NetworkMode,
            name,
            narrowed(mode, start..start + name.len()),
        ));
    }
    for key in ["ipc", "pid", "uts", "cgroup"] {
        let Some(value) = service.get(key) else {
            continue;
        };
        let Some(name) = value
            .as_str()
            .filter(|s| s.is_known())
            .and_then(|s| s.text.strip_prefix("service:"))
            .filter(|n| !n.is_empty())
        else {
            continue;
        };
        let start = "service:".len();
        out.push((
            ServiceRef::Namespace(key),
            name,
            narrowed(value, start..start + name.len()),
        ));
    }
    out
}

/// The services `service` starts after, as compose-go's dependency graph has them: every
/// `depends_on` entry (`required: false` too) and the services it names otherwise (`links`,
/// `volumes_from`, `network_mode`, shared namespaces), each once, with where it is named.
pub(crate) fn dependencies(service: &Value) -> Vec<(&str, Origin)> {
    let mut out: Vec<(&str, Origin)> = Vec::new();
    if let Some(deps) = service.get("depends_on").and_then(Value::as_map) {
        out.extend(deps.iter().map(|(name, origin, _)| (name, *origin)));
    }
    for (how, name, origin) in service_refs(service) {
        if how != ServiceRef::DependsOn && !out.iter().any(|(n, _)| *n == name) {
            out.push((name, origin));
        }
    }
    out
}

/// The profiles of a service (empty: it always runs).
pub(crate) fn profiles(service: &Value) -> Vec<&str> {
    items(service, "profiles")
        .iter()
        .filter_map(|p| p.as_str().map(|s| s.text.as_str()))
        .collect()
}

/// Whether `a`'s span lies within `outer` in the same file.
pub(crate) fn within(a: &Origin, outer: &Origin) -> bool {
    a.file == outer.file && outer.span.start <= a.span.start && a.span.end <= outer.span.end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service_uses(yaml: &str) -> Vec<(Section, String, bool)> {
        let project = crate::project::from_yaml(yaml);
        let (_, service) = project.services().next().expect("a service");
        uses(service)
            .into_iter()
            .map(|u| (u.section, u.name.to_string(), u.must_be_declared))
            .collect()
    }

    #[test]
    fn every_way_of_using_a_resource() {
        let yaml = "services:\n  a:\n    image: x:1\n    volumes:\n      - data:/d:ro\n      - ./src:/src\n      - /abs:/abs\n      - ~/h:/h\n      - anon\n      - ${UNSET_VOL_X}:/u\n      - ${VOL_X:-cache}:/c\n      - {type: volume, source: logs, target: /l}\n      - {type: bind, source: conf, target: /c2}\n    networks: [front]\n    secrets: [token, {source: key, target: k}]\n    configs: [{source: cfg}]\n    build: {context: ., secrets: [npmrc]}\n";
        let found = service_uses(yaml);
        let names: Vec<(Section, &str)> = found.iter().map(|(s, n, _)| (*s, n.as_str())).collect();
        assert_eq!(
            names,
            [
                (Section::Volumes, "data"),
                (Section::Volumes, "cache"),
                (Section::Volumes, "logs"),
                (Section::Networks, "front"),
                (Section::Secrets, "token"),
                (Section::Secrets, "key"),
                (Section::Secrets, "npmrc"),
                (Section::Configs, "cfg"),
            ]
        );
    }

    #[test]
    fn network_mode_and_default() {
        let yaml = "services:\n  a: {image: x, network_mode: proxy}\n";
        assert_eq!(
            service_uses(yaml),
            [(Section::Networks, "proxy".to_string(), false)]
        );
        let project = crate::project::from_yaml(
            "services:\n  a: {image: x}\n  b: {image: x, network_mode: host}\n  c: {image: x, networks: [n]}\n",
        );
        let joins: Vec<bool> = project
            .services()
            .map(|(_, s)| joins_default_network(s))
            .collect();
        assert_eq!(joins, [true, false, false]);
    }

    #[test]
    fn services_named() {
        let project = crate::project::from_yaml(
            "services:\n  a:\n    image: x\n    depends_on: {db: {condition: service_started}, opt: {required: false}}\n    links: ['cache:c']\n    volumes_from: ['data:ro', 'container:ext']\n    network_mode: service:vpn\n",
        );
        let (_, service) = project.services().next().unwrap();
        let refs: Vec<(ServiceRef, &str)> = service_refs(service)
            .into_iter()
            .map(|(k, n, _)| (k, n))
            .collect();
        assert_eq!(
            refs,
            [
                (ServiceRef::DependsOn, "db"),
                (ServiceRef::Links, "cache"),
                (ServiceRef::VolumesFrom, "data"),
                (ServiceRef::NetworkMode, "vpn"),
            ]
        );
    }
}
