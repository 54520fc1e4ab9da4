//! URLs: `scheme://[userinfo@]host[:port][,host[:port]...]` and lists of them, a Kafka listener
//! name standing in for the scheme; and the range helpers the JDBC reader shares.

use super::entry::{entry, target};
use super::list::{is_sep, pieces};
use super::{Target, default_port};
use std::ops::Range;

/// The URL schemes of §1.4; any other `NAME://` is a (Kafka) listener name.
const URL_SCHEMES: [&str; 19] = [
    "postgres",
    "postgresql",
    "mysql",
    "mariadb",
    "redis",
    "rediss",
    "amqp",
    "amqps",
    "mongodb",
    "mongodb+srv",
    "nats",
    "http",
    "https",
    "tcp",
    "pulsar",
    "pulsar+ssl",
    "ws",
    "wss",
    "clickhouse",
];

/// The index of the `:` of a `scheme://` starting at `at` (`[A-Za-z][A-Za-z0-9+._-]*://`).
pub(super) fn scheme_end(text: &str, at: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    if !bytes.get(at)?.is_ascii_alphabetic() {
        return None;
    }
    let len = bytes[at..]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-' | b'_'))
        .count();
    let colon = at + len;
    bytes
        .get(colon..colon + 3)
        .is_some_and(|s| s == b"://")
        .then_some(colon)
}

/// Every URL of a value that starts with one: each further URL starts after a separator
/// (`INTERNAL://kafka:29092,EXTERNAL://localhost:9092`). A URL ends at whitespace; anything but
/// separators between it and the next URL makes the value prose, which yields nothing. A URL
/// whose hosts do not parse is skipped.
pub(super) fn urls(text: &str, start: usize) -> Option<Vec<Target>> {
    let bytes = text.as_bytes();
    let starts: Vec<usize> = (start..text.len())
        .filter(|&p| (p == start || is_sep(bytes[p - 1])) && scheme_end(text, p).is_some())
        .collect();
    let mut out = Vec::new();
    for (i, &s) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(text.len());
        let url_end = first_of(text, s..end, |b| b.is_ascii_whitespace());
        if !bytes[url_end..end].iter().all(|&b| is_sep(b)) {
            return None;
        }
        out.extend(url(text, s, url_end).unwrap_or_default());
    }
    Some(out)
}

/// One URL in `start..end`: the authority ends at `/`, `?`, `#` or whitespace, the userinfo at
/// its last `@`, and the hosts are split on `,`.
fn url(text: &str, start: usize, end: usize) -> Option<Vec<Target>> {
    let colon = scheme_end(text, start)?;
    let written = &text[start..colon];
    let scheme = written.to_ascii_lowercase();
    let listener = (!URL_SCHEMES.contains(&scheme.as_str())).then(|| written.to_string());
    let authority = colon + 3..end;
    let auth_end = first_of(text, authority.clone(), |b| {
        matches!(b, b'/' | b'?' | b'#') || b.is_ascii_whitespace()
    });
    let hosts = last_at(text, authority.start..auth_end);
    let default = default_port(&scheme);
    let mut out = Vec::new();
    for piece in pieces(text, hosts, |b| b == b',') {
        let e = entry(text, piece, true)?;
        let mut t = target(text, e, Some(&scheme), default);
        t.listener.clone_from(&listener);
        t.srv = scheme == "mongodb+srv";
        out.push(t);
    }
    Some(out)
}

/// The first byte of `range` for which `stop` holds, else the end of `range`.
pub(super) fn first_of(text: &str, range: Range<usize>, stop: fn(u8) -> bool) -> usize {
    text.as_bytes()[range.clone()]
        .iter()
        .position(|&b| stop(b))
        .map_or(range.end, |i| range.start + i)
}

/// `range` without its userinfo: what follows the last `@`.
pub(super) fn last_at(text: &str, range: Range<usize>) -> Range<usize> {
    match text[range.clone()].rfind('@') {
        Some(i) => range.start + i + 1..range.end,
        None => range,
    }
}
