//! `host:port` lists as ZooKeeper and Kafka clients write them: `zk1:2181,zk2:2181/chroot`.

use super::connection::{HostClass, classify};
use std::ops::Range;

/// One `host[:port]` entry, with byte ranges into the list's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HostPort {
    /// The host as written (IPv6 without brackets).
    pub host: String,
    /// The port, when written.
    pub port: Option<u16>,
    /// The bytes of `host[:port]` (brackets included), without a `/chroot`.
    pub range: Range<usize>,
}

/// Splits a list on `,`, `;` and whitespace; a `/chroot` after the last entry is not part of it.
pub(crate) fn parse(text: &str) -> Vec<HostPort> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ',')))
    {
        if c == ',' || c == ';' || c.is_whitespace() {
            if let Some(entry) = entry(text, start..i) {
                out.push(entry);
            }
            start = i + c.len_utf8();
        }
    }
    out
}

fn entry(text: &str, range: Range<usize>) -> Option<HostPort> {
    let raw = &text[range.clone()];
    let raw = raw.split('/').next().unwrap_or(raw);
    if raw.is_empty() {
        return None;
    }
    let end = range.start + raw.len();
    let (host, port) = if let Some(rest) = raw.strip_prefix('[') {
        let close = rest.find(']')?;
        let port = rest[close + 1..].strip_prefix(':');
        (&rest[..close], port)
    } else {
        match raw.rsplit_once(':') {
            Some((h, p)) if !h.contains(':') => (h, Some(p)),
            Some(_) => (raw, None), // bare IPv6
            None => (raw, None),
        }
    };
    let port = match port {
        Some(p) => Some(p.parse().ok()?),
        None => None,
    };
    Some(HostPort {
        host: host.to_string(),
        port,
        range: range.start..end,
    })
}

/// Loopback (`localhost`, `127.0.0.0/8`, `::1`) or any-address (`0.0.0.0`, `::`): inside a
/// container, never another container. Desktop names such as `docker.for.mac.localhost` are
/// neither: they reach the host.
pub(crate) fn is_loopback_or_any(host: &str) -> bool {
    matches!(classify(host), HostClass::Loopback | HostClass::AnyAddress)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists() {
        let l = parse("localhost:2181,zk2:2182/kafka");
        assert_eq!(l.len(), 2);
        assert_eq!(
            (l[0].host.as_str(), l[0].port, l[0].range.clone()),
            ("localhost", Some(2181), 0..14)
        );
        assert_eq!(
            (l[1].host.as_str(), l[1].port, l[1].range.clone()),
            ("zk2", Some(2182), 15..23)
        );
        let l = parse("[::1]:2181; 127.0.0.1");
        assert_eq!(l[0].host, "::1");
        assert_eq!(l[1].host, "127.0.0.1");
        assert_eq!(l[1].port, None);
        assert!(parse("zk:notaport").is_empty());
        assert!(
            is_loopback_or_any("LOCALHOST")
                && is_loopback_or_any("0.0.0.0")
                && !is_loopback_or_any("zookeeper")
                && !is_loopback_or_any("docker.for.mac.localhost")
        );
    }
}
