//! One `host[:port]` entry: brackets and IPv6, the port, what counts as a host name, and the
//! [`Target`] made from it.

use super::Target;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::ops::Range;

/// A parsed `host[:port]`: the host's bytes (inside brackets), the written port, the whole.
pub(super) struct Entry {
    pub(super) host: Range<usize>,
    pub(super) port: Option<u16>,
    pub(super) range: Range<usize>,
}

/// Parses `host`, `host:port`, `[v6]`, `[v6]:port` or a bare IPv6 address filling `range`.
/// In a URL the host may be empty when a port follows (`PLAINTEXT://:9092`) and an empty port
/// (`db:`) counts as unwritten.
pub(super) fn entry(text: &str, range: Range<usize>, in_url: bool) -> Option<Entry> {
    let raw = &text[range.clone()];
    let (host, port) = if let Some(inner) = raw.strip_prefix('[') {
        let close = inner.find(']')?;
        if !is_ipv6(&inner[..close]) {
            return None;
        }
        let after = &inner[close + 1..];
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':')?),
        };
        (range.start + 1..range.start + 1 + close, port)
    } else if raw.bytes().filter(|&b| b == b':').count() > 1 {
        if !is_ipv6(raw) {
            return None;
        }
        (range.clone(), None)
    } else {
        match raw.find(':') {
            Some(i) => (range.start..range.start + i, Some(&raw[i + 1..])),
            None => (range.clone(), None),
        }
    };
    let port = match port {
        None => None,
        Some("") if in_url => None,
        Some(p) => Some(parse_port(p)?),
    };
    let name = &text[host.clone()];
    let valid = if name.is_empty() {
        in_url && port.is_some()
    } else {
        name.contains(':') || is_host_name(name)
    };
    valid.then_some(Entry { host, port, range })
}

/// A port: one to five ASCII digits that fit a `u16`.
pub(super) fn parse_port(p: &str) -> Option<u16> {
    if p.is_empty() || p.len() > 5 || !p.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    p.parse().ok()
}

/// An IPv6 address, with an optional `%zone`.
fn is_ipv6(s: &str) -> bool {
    let addr = s.split('%').next().unwrap_or_default();
    addr.parse::<Ipv6Addr>().is_ok()
}

/// A host name or dotted IPv4 address: letters, digits, `-`, `_` and `.` (Compose service names
/// may hold `_`); digits and dots alone must form an IPv4 address (`5432` and `1.2.3` are not
/// hosts).
pub(super) fn is_host_name(s: &str) -> bool {
    let charset = s
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    let numeric = s.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    !s.is_empty()
        && s.len() <= 253
        && charset
        && !s.starts_with(['-', '.'])
        && !s.contains("..")
        && (!numeric || s.parse::<Ipv4Addr>().is_ok())
}

/// A target from an entry: the port is the written one, else the scheme default.
pub(super) fn target(text: &str, e: Entry, scheme: Option<&str>, default: Option<u16>) -> Target {
    Target {
        scheme: scheme.map(str::to_string),
        host: text[e.host.clone()].to_string(),
        port: e.port.or(default),
        port_written: e.port.is_some(),
        host_range: e.host,
        range: e.range,
        listener: None,
        srv: false,
    }
}
