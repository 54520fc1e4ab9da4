//! What `expose` and the container side of `ports` declare: declared ports for the inventory,
//! and the `expose` entries a fix may publish.

use super::{Evidence, Listens};
use crate::facts::ports;
use crate::project::Project;
use crate::project::value::Value;
use crate::source::ScalarStyle;

/// Adds the ports of `expose` and the container side of `ports`.
pub(super) fn add_declared(service: &Value, out: &mut Listens) {
    for port in exposed(service) {
        out.add(port, Evidence::Declared);
    }
    for t in ports::targets(service) {
        if t.ports.start() == t.ports.end() {
            out.add(*t.ports.start(), Evidence::Declared);
        }
    }
}

/// The ports of `expose` entries (`"9092"`, `9092`, `"9092/tcp"`; ranges are left out).
fn exposed(service: &Value) -> Vec<u16> {
    service
        .get("expose")
        .and_then(Value::as_seq)
        .into_iter()
        .flatten()
        .filter_map(|v| {
            let text = v.scalar_text()?;
            let port = text.split('/').next()?;
            port.trim().parse().ok()
        })
        .collect()
}

/// One `expose` entry with a single known port, for fixes that publish it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ExposeEntry {
    /// The port.
    pub port: u16,
    /// `udp` or `sctp`; None for `tcp`.
    pub protocol: Option<String>,
    /// The port as written, so that `${PORT:-8080}` keeps its variable; else the number.
    pub written: String,
}

impl ExposeEntry {
    /// The `ports` item publishing it on `host_ip` (when given) at the same port number:
    /// `P:P`, `127.0.0.1:P:P`, `P:P/udp`.
    pub(crate) fn mapping(&self, host_ip: Option<&str>) -> String {
        let p = &self.written;
        let ip = host_ip.map(|ip| format!("{ip}:")).unwrap_or_default();
        let protocol = self
            .protocol
            .as_ref()
            .map(|p| format!("/{p}"))
            .unwrap_or_default();
        format!("{ip}{p}:{p}{protocol}")
    }
}

/// The `expose` entries with a single known port (ranges and unknown variables left out).
pub(crate) fn expose_entries(project: &Project, service: &Value) -> Vec<ExposeEntry> {
    let items = service.get("expose").and_then(Value::as_seq);
    items
        .into_iter()
        .flatten()
        .filter_map(|v| {
            if v.as_str().is_some_and(|s| !s.is_known()) {
                return None;
            }
            let text = v.scalar_text()?;
            let (port, protocol) = match text.split_once('/') {
                Some((port, protocol)) => (port, Some(protocol.to_ascii_lowercase())),
                None => (text.as_ref(), None),
            };
            let number: u16 = port.trim().parse().ok()?;
            let written = written_port(project, v).unwrap_or_else(|| number.to_string());
            Some(ExposeEntry {
                port: number,
                protocol: protocol.filter(|p| p != "tcp"),
                written,
            })
        })
        .collect()
}

/// The port part of an interpolated `expose` entry as the file writes it (`${PORT:-8080}`);
/// None when it holds no variable or is not written literally.
fn written_port(project: &Project, value: &Value) -> Option<String> {
    let s = value.as_str()?;
    if !s.interpolation.as_ref().is_some_and(|i| i.has_variables()) {
        return None;
    }
    let start = s.raw_offset?;
    let end = match s.style {
        ScalarStyle::Plain => value.origin.span.end,
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
            value.origin.span.end.checked_sub(1)?
        }
        ScalarStyle::Literal | ScalarStyle::Folded => return None,
    };
    let raw = project.file(value.origin.file).text().get(start..end)?;
    let port = raw.split('/').next()?.trim();
    (!port.is_empty()).then(|| port.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expose_entries_as_mappings() {
        let yaml = r#"
services:
  app:
    image: ghcr.io/acme/app:1
    expose: ["${APP_PORT:-8080}", "53/udp", '9000/TCP', "7000-7010", "${UNSET}"]
"#;
        let opts = crate::project::LoadOptions::default();
        let project = crate::project::load_text(std::path::Path::new("c.yaml"), yaml.into(), &opts);
        let services: Vec<&Value> = project.services().map(|(_, s)| s).collect();
        let mappings: Vec<String> = expose_entries(&project, services[0])
            .iter()
            .map(|e| e.mapping(Some("127.0.0.1")))
            .collect();
        assert_eq!(
            mappings,
            [
                "127.0.0.1:${APP_PORT:-8080}:${APP_PORT:-8080}",
                "127.0.0.1:53:53/udp",
                "127.0.0.1:9000:9000"
            ]
        );
    }
}
