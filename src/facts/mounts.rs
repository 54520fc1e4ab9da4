//! What a service mounts from the host: `volumes` in short and long syntax (with named volumes
//! that are host binds under another name, `driver_opts: {type: none, device: /path}`),
//! `tmpfs` entries and their options, and `devices`. The security rules read these instead of
//! splitting `SRC:DST:MODE` strings themselves.

use crate::facts::values::is_true;
use crate::project::Project;
use crate::project::value::{Kind, Value};
use std::ops::Range;

/// What kind of mount a `volumes` entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MountKind {
    /// A host path (or a named volume whose driver options bind one).
    Bind,
    /// A named volume.
    Volume,
    /// An anonymous volume (`- /data`): Docker creates it, nothing of the host is mounted.
    Anonymous,
    /// `tmpfs`, `npipe`, `cluster` or an unknown type.
    Other,
}

/// One `volumes` entry whose text is known (entries with an unset variable are left out).
#[derive(Debug, Clone)]
pub(crate) struct Mount<'p> {
    /// What it mounts.
    pub kind: MountKind,
    /// The host path of a bind, normalised ([`normalize_host_path`]; `~` kept), or the volume
    /// name.
    pub source: Option<String>,
    /// Mounted read-only (`:ro`, `read_only: true`, or a bind volume with `o: ro`).
    pub read_only: bool,
    /// The propagation mode (`shared`, `rslave`, …), lower-case, when written.
    pub propagation: Option<String>,
    /// Where a finding about the mount lands: the short-syntax item, or the long syntax's
    /// `source` (else the item).
    pub value: &'p Value,
    /// The long syntax's `bind.propagation` value, or the short-syntax item holding the mode.
    pub propagation_value: Option<&'p Value>,
}

/// Whether a value is written as a known string (no unset variable in it).
fn known_str(value: &Value) -> Option<&str> {
    match &value.kind {
        Kind::Str(s) if s.is_known() => Some(&s.text),
        _ => None,
    }
}

/// `/a//b/./c/` → `/a/b/c`, `..` resolved within the path (as POSIX `normpath`); a leading `~`
/// (the deploying user's home) is kept. Paths that are neither absolute nor `~` come back as
/// written.
pub(crate) fn normalize_host_path(path: &str) -> String {
    match path.strip_prefix('~') {
        Some(rest) => match crate::project::clean_path(&format!("/{rest}")).as_str() {
            "/" => "~".to_string(),
            cleaned => format!("~{cleaned}"),
        },
        None => crate::project::clean_path(path),
    }
}

/// Whether a short-syntax source is a host path: absolute, `~`, relative (`./`, `../`), or a
/// Windows drive path.
fn is_path(source: &str) -> bool {
    source.starts_with(['/', '~', '.'])
        || source.as_bytes().get(1) == Some(&b':') && source.as_bytes()[0].is_ascii_alphabetic()
}

/// The named volumes of the project that bind a host path: `(host path, read-only)`.
fn bind_volume(project: &Project, name: &str) -> Option<(String, bool)> {
    let spec = project.model.as_ref()?.get("volumes")?.get(name)?;
    if spec.get("external").is_some_and(is_true) {
        return None;
    }
    if let Some(driver) = spec.get("driver") {
        if known_str(driver)? != "local" {
            return None;
        }
    }
    let opts = spec.get("driver_opts")?;
    let device = known_str(opts.get("device")?)?;
    if !device.starts_with('/') {
        return None;
    }
    let flags: Vec<String> = opts
        .get("o")
        .and_then(known_str)
        .unwrap_or_default()
        .split(',')
        .map(|f| f.trim().to_ascii_lowercase())
        .collect();
    let is_bind = opts
        .get("type")
        .and_then(known_str)
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("none"))
        || flags.iter().any(|f| f == "bind" || f == "rbind");
    is_bind.then(|| (normalize_host_path(device), flags.iter().any(|f| f == "ro")))
}

/// Every `volumes` entry of `service` whose text is known, in file order.
pub(crate) fn mounts<'p>(project: &'p Project, service: &'p Value) -> Vec<Mount<'p>> {
    let Some(items) = service.get("volumes").and_then(Value::as_seq) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| match &item.kind {
            Kind::Str(_) => short(project, item),
            Kind::Map(_) => long(project, item),
            _ => None,
        })
        .collect()
}

/// `SOURCE:TARGET[:MODE]`, or `TARGET` alone (an anonymous volume).
fn short<'p>(project: &Project, item: &'p Value) -> Option<Mount<'p>> {
    let text = known_str(item)?;
    // A Windows drive letter (`C:\data:/data`) is part of the source.
    let bytes = text.as_bytes();
    let skip = if bytes.get(1) == Some(&b':') && bytes[0].is_ascii_alphabetic() {
        2
    } else {
        0
    };
    let Some(colon) = text[skip..].find(':').map(|i| i + skip) else {
        return Some(Mount {
            kind: MountKind::Anonymous,
            source: None,
            read_only: false,
            propagation: None,
            value: item,
            propagation_value: None,
        });
    };
    let source = &text[..colon];
    let mode = text[colon + 1..].split_once(':').map_or("", |(_, m)| m);
    let flags: Vec<String> = mode
        .split(',')
        .map(|f| f.trim().to_ascii_lowercase())
        .collect();
    let mut read_only = flags.iter().any(|f| f == "ro" || f == "readonly");
    let propagation = flags
        .iter()
        .find(|f| {
            matches!(
                f.as_str(),
                "shared" | "rshared" | "slave" | "rslave" | "private" | "rprivate"
            )
        })
        .cloned();
    let (kind, source) = if is_path(source) {
        (MountKind::Bind, normalize_host_path(source))
    } else if let Some((path, ro)) = bind_volume(project, source) {
        read_only |= ro;
        (MountKind::Bind, path)
    } else {
        (MountKind::Volume, source.to_string())
    };
    Some(Mount {
        kind,
        source: Some(source),
        read_only,
        propagation_value: propagation.is_some().then_some(item),
        propagation,
        value: item,
    })
}

/// `{type, source, target, read_only, bind: {propagation}}`.
fn long<'p>(project: &Project, item: &'p Value) -> Option<Mount<'p>> {
    let source_value = item.get("source");
    let source = match source_value {
        Some(v) => Some(known_str(v)?),
        None => None,
    };
    let mut read_only = item.get("read_only").is_some_and(is_true);
    let kind_text = item.get("type").map(known_str);
    let (kind, source) = match (kind_text, source) {
        (Some(None), _) => return None,
        (Some(Some("bind")), Some(s)) => (MountKind::Bind, Some(normalize_host_path(s))),
        (Some(Some("volume")) | None, Some(s)) => match bind_volume(project, s) {
            Some((path, ro)) => {
                read_only |= ro;
                (MountKind::Bind, Some(path))
            }
            None if s.starts_with(['/', '~']) => (MountKind::Bind, Some(normalize_host_path(s))),
            None => (MountKind::Volume, Some(s.to_string())),
        },
        (Some(Some("volume")) | None, None) => (MountKind::Anonymous, None),
        _ => (MountKind::Other, source.map(str::to_string)),
    };
    let propagation_value = item.get("bind").and_then(|b| b.get("propagation"));
    let propagation = propagation_value
        .and_then(known_str)
        .map(|p| p.trim().to_ascii_lowercase());
    Some(Mount {
        kind,
        source,
        read_only,
        propagation,
        value: source_value.unwrap_or(item),
        propagation_value,
    })
}

/// One `tmpfs` entry of a service (`/run:rw,noexec,nosuid,size=64m`): its options, each with
/// its bytes in the entry's text.
#[derive(Debug, Clone)]
pub(crate) struct TmpfsEntry<'p> {
    /// The entry (a list item, or the whole string form).
    pub value: &'p Value,
    /// Each option, lower-case and trimmed, with its byte range in the entry's text.
    pub options: Vec<(String, Range<usize>)>,
}

/// The `tmpfs` entries of a service (string or list form) whose text is known.
pub(crate) fn tmpfs_entries(service: &Value) -> Vec<TmpfsEntry<'_>> {
    let values: Vec<&Value> = match service.get("tmpfs") {
        Some(Value {
            kind: Kind::Seq(items),
            ..
        }) => items.iter().collect(),
        Some(v) => vec![v],
        None => Vec::new(),
    };
    values
        .into_iter()
        .filter_map(|value| {
            let text = known_str(value)?;
            let Some(colon) = text.find(':') else {
                return Some(TmpfsEntry {
                    value,
                    options: Vec::new(),
                });
            };
            let mut options = Vec::new();
            let mut start = colon + 1;
            for part in text[colon + 1..].split(',') {
                let lead = part.len() - part.trim_start().len();
                let word = part.trim();
                options.push((
                    word.to_ascii_lowercase(),
                    start + lead..start + lead + word.len(),
                ));
                start += part.len() + 1;
            }
            Some(TmpfsEntry { value, options })
        })
        .collect()
}

/// One `devices` entry: `HOST[:CONTAINER[:PERMISSIONS]]` or `{source, target, permissions}`.
#[derive(Debug, Clone)]
pub(crate) struct Device<'p> {
    /// The host device path, normalised.
    pub host: String,
    /// The cgroup permissions (`rwm`), when written.
    pub permissions: Option<String>,
    /// The entry (short syntax) or its `source` (long syntax).
    pub value: &'p Value,
}

/// The `devices` entries of a service whose text is known.
pub(crate) fn devices(service: &Value) -> Vec<Device<'_>> {
    let Some(items) = service.get("devices").and_then(Value::as_seq) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| match &item.kind {
            Kind::Map(m) => {
                let source = m.get("source")?;
                Some(Device {
                    host: normalize_host_path(known_str(source)?),
                    permissions: m.get("permissions").and_then(known_str).map(str::to_string),
                    value: source,
                })
            }
            _ => {
                let text = known_str(item)?;
                let parts: Vec<&str> = text.split(':').collect();
                Some(Device {
                    host: normalize_host_path(parts[0]),
                    permissions: (parts.len() == 3).then(|| parts[2].to_string()),
                    value: item,
                })
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_service(yaml: &str, f: impl FnOnce(&Project, &Value)) {
        let project = crate::project::from_yaml(yaml);
        let (_, spec) = project.services().next().expect("a service");
        f(&project, spec);
    }

    #[test]
    fn normalizes_host_paths() {
        for (path, want) in [
            ("/var/run/docker.sock", "/var/run/docker.sock"),
            ("//var//run/./docker.sock/", "/var/run/docker.sock"),
            ("/etc/../var/lib/docker", "/var/lib/docker"),
            ("/", "/"),
            ("~/.ssh/", "~/.ssh"),
            ("~", "~"),
            ("./data", "./data"),
        ] {
            assert_eq!(normalize_host_path(path), want, "{path}");
        }
    }

    #[test]
    fn short_and_long_syntax() {
        let yaml = r#"
services:
  a:
    image: x
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock:ro
      - data:/data
      - sock:/s
      - /anonymous
      - ./src:/src:rshared,z
      - type: bind
        source: /etc
        target: /host/etc
        read_only: "true"
        bind: {propagation: rshared}
      - {type: tmpfs, target: /t}
      - ${UNSET_SRC_X}:/u
volumes:
  data: {}
  sock:
    driver_opts: {type: none, device: /run, o: "bind,ro"}
"#;
        with_service(yaml, |project, spec| {
            let got: Vec<(MountKind, Option<String>, bool, Option<String>)> = mounts(project, spec)
                .into_iter()
                .map(|m| (m.kind, m.source, m.read_only, m.propagation))
                .collect();
            let s = |t: &str| Some(t.to_string());
            assert_eq!(
                got,
                vec![
                    (MountKind::Bind, s("/var/run/docker.sock"), true, None),
                    (MountKind::Volume, s("data"), false, None),
                    (MountKind::Bind, s("/run"), true, None),
                    (MountKind::Anonymous, None, false, None),
                    (MountKind::Bind, s("./src"), false, s("rshared")),
                    (MountKind::Bind, s("/etc"), true, s("rshared")),
                    (MountKind::Other, None, false, None),
                ]
            );
        });
    }

    #[test]
    fn tmpfs_options_and_devices() {
        let yaml = "services:\n  a:\n    tmpfs: ['/run:rw, exec ,size=1m', /tmp]\n    \
                    devices: ['/dev/sda:/dev/sda:rwm', /dev/kmsg, {source: /dev//nvme0n1, target: /d}]\n";
        with_service(yaml, |_, spec| {
            let entries = tmpfs_entries(spec);
            assert_eq!(entries.len(), 2);
            let text = entries[0].value.as_str().unwrap().text.clone();
            let words: Vec<(&str, &str)> = entries[0]
                .options
                .iter()
                .map(|(w, r)| (w.as_str(), &text[r.clone()]))
                .collect();
            assert_eq!(
                words,
                [("rw", "rw"), ("exec", "exec"), ("size=1m", "size=1m")]
            );
            assert!(entries[1].options.is_empty());
            let devices: Vec<(String, Option<String>)> = devices(spec)
                .into_iter()
                .map(|d| (d.host, d.permissions))
                .collect();
            assert_eq!(
                devices,
                [
                    ("/dev/sda".to_string(), Some("rwm".to_string())),
                    ("/dev/kmsg".to_string(), None),
                    ("/dev/nvme0n1".to_string(), None)
                ]
            );
        });
    }
}
