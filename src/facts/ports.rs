//! Published ports (RULES.md §1.3): the host side of `ports`, in short and long syntax.

use crate::project::value::{Kind, Value};
use std::ops::{Range, RangeInclusive};

/// One published mapping with a fixed host port (ephemeral host ports are left out).
#[derive(Debug, Clone)]
pub struct Published<'p> {
    /// `host_ip`, as written; None binds every address of both families.
    pub host_ip: Option<String>,
    /// Host ports bound.
    pub host_ports: RangeInclusive<u16>,
    /// `tcp` (default), `udp` or `sctp`, lower-case.
    pub protocol: String,
    /// The entry: a scalar in short syntax, the `published` value in long syntax.
    pub value: &'p Value,
    /// Bytes of the host port(s) inside `value`'s text (the whole text for long syntax).
    pub host_port_text: Range<usize>,
    /// A host range for one container port (`6005-6015:80`): Docker binds one free port of
    /// the range per container, so it clashes only when the range runs out.
    pub flexible: bool,
    /// The container port(s) the host ports forward to.
    pub target_ports: RangeInclusive<u16>,
}

/// The container side of one `ports` entry, published on a fixed or an ephemeral host port.
#[derive(Debug, Clone)]
pub(crate) struct PortTarget<'p> {
    /// Container ports.
    pub ports: RangeInclusive<u16>,
    /// `tcp` (default), `udp` or `sctp`, lower-case.
    pub protocol: String,
    /// The scalar entry in short syntax, the `target` value in long syntax.
    pub value: &'p Value,
    /// Bytes of the container port(s) inside `value`'s text.
    pub text: Range<usize>,
    /// The host port, when one is written (`"8080:80"`; not `"80"`).
    pub host_port: Option<u16>,
}

/// The container side of every `ports` entry that parses and has no unknown variable.
pub(crate) fn targets(service: &Value) -> Vec<PortTarget<'_>> {
    let Some(items) = service.get("ports").and_then(Value::as_seq) else {
        return Vec::new();
    };
    items.iter().filter_map(target).collect()
}

fn target(item: &Value) -> Option<PortTarget<'_>> {
    match &item.kind {
        Kind::Str(s) if s.is_known() => {
            let text = s.text.as_str();
            let spec = text.rsplit_once('/').map_or(text, |(spec, _)| spec);
            let protocol = text
                .rsplit_once('/')
                .map_or("tcp".to_string(), |(_, p)| p.to_lowercase());
            // The container side follows the last `:` outside an IPv6 bracket.
            let after_bracket = spec.rfind(']').map_or(0, |i| i + 1);
            let start = spec[after_bracket..]
                .rfind(':')
                .map_or(0, |i| after_bracket + i + 1);
            let host_port = spec[..start.saturating_sub(1)]
                .rsplit(':')
                .next()
                .and_then(|h| h.trim().parse().ok())
                .filter(|_| start > 0);
            Some(PortTarget {
                ports: port_range(&spec[start..])?,
                protocol,
                value: item,
                text: start..spec.len(),
                host_port,
            })
        }
        Kind::Map(m) => {
            let value = m.get("target")?;
            if value.as_str().is_some_and(|s| !s.is_known()) {
                return None;
            }
            let text = value.scalar_text()?;
            let host_port = m
                .get("published")
                .and_then(Value::scalar_text)
                .and_then(|p| p.trim().parse().ok());
            Some(PortTarget {
                ports: port_range(&text)?,
                protocol: m
                    .get("protocol")
                    .and_then(Value::scalar_text)
                    .map_or("tcp".into(), |p| p.to_lowercase()),
                value,
                text: 0..text.len(),
                host_port,
            })
        }
        _ => None,
    }
}

/// The mappings with fixed host ports of a service's `ports`; entries with unknown variables
/// or that do not parse are left out.
pub(crate) fn published(service: &Value) -> Vec<Published<'_>> {
    let Some(items) = service.get("ports").and_then(Value::as_seq) else {
        return Vec::new();
    };
    items.iter().filter_map(entry).collect()
}

fn entry(item: &Value) -> Option<Published<'_>> {
    match &item.kind {
        Kind::Str(s) if s.is_known() => short(item, &s.text),
        Kind::Map(m) => {
            let published = m.get("published")?;
            if published.as_str().is_some_and(|s| !s.is_known()) {
                return None;
            }
            let text = published.scalar_text()?;
            let host_ports = port_range(&text)?;
            let protocol = m
                .get("protocol")
                .and_then(Value::scalar_text)
                .map_or("tcp".into(), |p| p.to_lowercase());
            let host_ip = m
                .get("host_ip")
                .and_then(Value::scalar_text)
                .map(|s| s.into_owned())
                .filter(|s| !s.is_empty());
            let flexible = host_ports.start() != host_ports.end()
                && m.get("target")
                    .and_then(Value::scalar_text)
                    .is_some_and(|t| !t.contains('-'));
            let target_ports = m
                .get("target")
                .and_then(Value::scalar_text)
                .and_then(|t| port_range(&t))?;
            Some(Published {
                host_ip,
                host_ports,
                protocol,
                value: published,
                host_port_text: 0..text.len(),
                flexible,
                target_ports,
            })
        }
        _ => None,
    }
}

/// `[HOST_IP:][HOST_PORTS:]CONTAINER_PORTS[/PROTOCOL]`, with `[v6]` host IPs.
fn short<'p>(item: &'p Value, text: &str) -> Option<Published<'p>> {
    let (spec, protocol) = match text.rsplit_once('/') {
        Some((spec, protocol)) => (spec, protocol.to_lowercase()),
        None => (text, "tcp".to_string()),
    };
    let (host_ip, rest, offset) = if let Some(after) = spec.strip_prefix('[') {
        let close = after.find(']')?;
        let rest = after[close + 1..].strip_prefix(':')?;
        (Some(after[..close].to_string()), rest, close + 3)
    } else {
        match spec.matches(':').count() {
            2 => {
                let (ip, rest) = spec.split_once(':')?;
                (
                    Some(ip.to_string()).filter(|s| !s.is_empty()),
                    rest,
                    ip.len() + 1,
                )
            }
            1 | 0 => (None, spec, 0),
            _ => return None,
        }
    };
    let (host, container) = rest.split_once(':')?;
    if host.is_empty() {
        return None;
    }
    let host_ports = port_range(host)?;
    let flexible = host_ports.start() != host_ports.end() && !container.contains('-');
    Some(Published {
        host_ip,
        host_ports,
        protocol,
        value: item,
        host_port_text: offset..offset + host.len(),
        flexible,
        target_ports: port_range(container)?,
    })
}

fn port_range(text: &str) -> Option<RangeInclusive<u16>> {
    match text.split_once('-') {
        Some((a, b)) => {
            let (a, b) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
            (a <= b).then_some(a..=b)
        }
        None => {
            let p: u16 = text.trim().parse().ok()?;
            Some(p..=p)
        }
    }
}

/// True when two host IPs can bind the same socket: an unset IP binds everything, `0.0.0.0`
/// every IPv4 address, `::` every IPv6 address; two specific addresses only themselves.
pub(crate) fn ips_overlap(a: Option<&str>, b: Option<&str>) -> bool {
    let family = |ip: &str| if ip.contains(':') { 6 } else { 4 };
    match (a, b) {
        (None, _) | (_, None) => true,
        (Some(a), Some(b)) => {
            let (a, b) = (a.trim_matches(['[', ']']), b.trim_matches(['[', ']']));
            a == b
                || (family(a) == family(b)
                    && (a == "0.0.0.0" || b == "0.0.0.0" || a == "::" || b == "::"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlap() {
        assert!(ips_overlap(None, Some("127.0.0.1")));
        assert!(ips_overlap(Some("0.0.0.0"), Some("127.0.0.1")));
        assert!(ips_overlap(Some("::"), Some("::1")));
        assert!(!ips_overlap(Some("::"), Some("127.0.0.1")));
        assert!(!ips_overlap(Some("127.0.0.1"), Some("127.0.0.2")));
        assert!(ips_overlap(Some("[::1]"), Some("::1")));
    }

    #[test]
    fn container_sides() {
        let yaml = r#"
services:
  s:
    ports: ["9092", "8080:80/udp", "127.0.0.1:5432:5432", "[::1]:6000-6001:6000-6001", "x:y",
            {target: 7000, published: "7001"}]
"#;
        let project = crate::project::from_yaml(yaml);
        let (_, service) = project.services().next().unwrap();
        let sides: Vec<_> = targets(service)
            .into_iter()
            .map(|t| (t.ports, t.protocol, t.text, t.host_port))
            .collect();
        assert_eq!(
            sides,
            [
                (9092..=9092, "tcp".to_string(), 0..4, None),
                (80..=80, "udp".into(), 5..7, Some(8080)),
                (5432..=5432, "tcp".into(), 15..19, Some(5432)),
                (6000..=6001, "tcp".into(), 16..25, None),
                (7000..=7000, "tcp".into(), 0..4, Some(7001)),
            ]
        );
    }

    #[test]
    fn ranges() {
        assert_eq!(port_range("8000-8010"), Some(8000..=8010));
        assert_eq!(port_range("8080"), Some(8080..=8080));
        assert_eq!(port_range("90-80"), None);
        assert_eq!(port_range("x"), None);
    }
}
