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
}

/// The mappings with fixed host ports of a service's `ports`; entries with unknown variables
/// or that do not parse are left out.
pub fn published(service: &Value) -> Vec<Published<'_>> {
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
            Some(Published {
                host_ip,
                host_ports,
                protocol,
                value: published,
                host_port_text: 0..text.len(),
                flexible,
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
pub fn ips_overlap(a: Option<&str>, b: Option<&str>) -> bool {
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
    fn ranges() {
        assert_eq!(port_range("8000-8010"), Some(8000..=8010));
        assert_eq!(port_range("8080"), Some(8080..=8080));
        assert_eq!(port_range("90-80"), None);
        assert_eq!(port_range("x"), None);
    }
}
