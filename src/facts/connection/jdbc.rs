//! JDBC URLs: `jdbc:<sub-protocol>://` authorities (SQL Server's `\instance` included) and
//! Oracle thin addresses.

use super::entry::{Entry, entry, is_host_name, parse_port, target};
use super::list::pieces;
use super::url::{first_of, last_at, scheme_end};
use super::{Target, default_port};
use std::ops::Range;

/// A JDBC URL: `jdbc:<sub-protocol>://authority` (`;` also ends the authority, for SQL Server
/// properties) or Oracle thin `jdbc:oracle:thin:[user/pass]@[//]host:port[:SID|/service]`.
pub(super) fn jdbc(text: &str, start: usize) -> Option<Vec<Target>> {
    let rest_start = start + 5;
    let end = first_of(text, start..text.len(), |b| b.is_ascii_whitespace());
    let rest = &text[rest_start..end];
    if rest
        .get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case("oracle:"))
    {
        return oracle(text, rest_start + 7, end).map(|t| vec![t]);
    }
    let sep = rest.find("://")?;
    let sub = rest[..sep].to_ascii_lowercase();
    let valid = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b':' | b'+' | b'.' | b'_' | b'-');
    if sub.is_empty() || !sub.bytes().all(valid) {
        return None;
    }
    let default = default_port(sub.split(':').next().unwrap_or_default());
    let scheme = format!("jdbc:{sub}");
    let authority = rest_start + sep + 3..end;
    let auth_end = first_of(text, authority.clone(), |b| {
        matches!(b, b'/' | b'?' | b'#' | b';')
    });
    let mut out = Vec::new();
    for piece in pieces(text, last_at(text, authority.start..auth_end), |b| {
        b == b','
    }) {
        let e = sqlserver_instance(text, piece.clone()).or_else(|| entry(text, piece, false))?;
        out.push(target(text, e, Some(&scheme), default));
    }
    Some(out)
}

/// A SQL Server `host\instance[:port]` entry: the host ends at the backslash.
fn sqlserver_instance(text: &str, range: Range<usize>) -> Option<Entry> {
    let raw = &text[range.clone()];
    let slash = raw.find('\\')?;
    let host = range.start..range.start + slash;
    let port = match raw[slash..].split_once(':') {
        Some((_, p)) => Some(parse_port(p)?),
        None => None,
    };
    is_host_name(&text[host.clone()]).then_some(Entry { host, port, range })
}

/// Oracle thin, from just after `jdbc:oracle:`: the driver name, then the address after the
/// last `@`, optionally behind `//` or `tcp://`; the `:SID` or `/service` after it is skipped.
fn oracle(text: &str, driver_start: usize, end: usize) -> Option<Target> {
    let driver_end = first_of(text, driver_start..end, |b| matches!(b, b':' | b'@'));
    let driver = text[driver_start..driver_end].to_ascii_lowercase();
    if driver.is_empty() || !driver.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let at = driver_start + text[driver_start..end].rfind('@')? + 1;
    let from = if text[at..end].starts_with("//") {
        at + 2
    } else {
        scheme_end(text, at).map_or(at, |colon| colon + 3)
    };
    let bytes = text.as_bytes();
    let host_end = if bytes.get(from) == Some(&b'[') {
        from + text[from..end].find(']')? + 1
    } else {
        first_of(text, from..end, |b| matches!(b, b':' | b'/' | b'?'))
    };
    let entry_end = if bytes.get(host_end) == Some(&b':') {
        let digits = bytes[host_end + 1..end]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        host_end + 1 + digits
    } else {
        host_end
    };
    if entry_end < end && !matches!(bytes[entry_end], b':' | b'/' | b'?') {
        return None;
    }
    let e = entry(text, from..entry_end, false)?;
    Some(target(
        text,
        e,
        Some(&format!("jdbc:oracle:{driver}")),
        None,
    ))
}
