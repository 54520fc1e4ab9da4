//! Connection strings (RULES.md §1.4): the hosts and ports a client-side value or command line
//! names, with byte ranges so diagnostics and fixes can point inside the value.

use super::values::{contains_ignore_case, ends_with_ignore_case, starts_with_ignore_case};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::ops::Range;

/// One address found in a value, with byte ranges into the parsed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The lower-cased scheme (`postgres`, `plaintext`, `mongodb+srv`); `jdbc:` plus the
    /// lower-cased sub-protocol for JDBC (`jdbc:mysql`, `jdbc:oracle:thin`); the client's scheme
    /// for `-h`/`-p` flags (`redis`, `postgres`, `mysql`); `None` for lists, voters and bare hosts.
    pub scheme: Option<String>,
    /// The host as written, IPv6 without brackets; empty for `PLAINTEXT://:9092`.
    pub host: String,
    /// The written port, else the scheme's default from §1.4 (never 80/443 for http/https).
    pub port: Option<u16>,
    /// Whether `port` was written; `false` when it is a scheme default or absent.
    pub port_written: bool,
    /// The bytes of the host (brackets excluded), so a fix can replace just the host.
    pub host_range: Range<usize>,
    /// The bytes of `host[:port]` (brackets included; a SQL Server `\instance` too).
    pub range: Range<usize>,
    /// The listener name of `NAME://host:port` when `NAME` is not a §1.4 URL scheme (Kafka reads
    /// any such name as a listener), or the KRaft voter id of `id@host:port`, as written.
    pub listener: Option<String>,
    /// A `mongodb+srv://` host: a DNS SRV name, never loopback-checked (§1.4).
    pub srv: bool,
}

impl Target {
    /// A host written alone (no scheme, port or listener): there an any-address is a bind
    /// address, not a target (§1.4, `HOST=0.0.0.0`).
    pub fn is_bare(&self) -> bool {
        self.scheme.is_none() && !self.port_written && self.listener.is_none()
    }

    /// The same target in a text that has `by` more bytes in front of it.
    fn shifted(mut self, by: usize) -> Target {
        self.host_range = self.host_range.start + by..self.host_range.end + by;
        self.range = self.range.start + by..self.range.end + by;
        self
    }
}

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

/// The §1.4 default port of a lower-cased scheme (or JDBC sub-protocol); none for http/https.
use crate::images::ports::scheme_port as default_port;

/// Parses every address in a value: URLs (also multi-host, listener lists and `mongodb+srv`),
/// JDBC URLs, KRaft voters, `host:port` lists (a trailing `/chroot` belongs to the last entry),
/// bare hosts and IPv6. Ranges index `text`; a value that is none of these yields nothing.
pub fn parse_value(text: &str) -> Vec<Target> {
    let start = text.len() - text.trim_start().len();
    let head = text.as_bytes().get(start..start + 5);
    let parsed = if head.is_some_and(|h| h.eq_ignore_ascii_case(b"jdbc:")) {
        jdbc(text, start)
    } else if scheme_end(text, start).is_some() {
        urls(text, start)
    } else if is_voter(text, start) {
        voters(text)
    } else {
        list(text)
    };
    parsed.unwrap_or_default()
}

/// A separator of list entries: `,`, `;` or whitespace.
fn is_sep(b: u8) -> bool {
    b == b',' || b == b';' || b.is_ascii_whitespace()
}

/// The non-empty pieces of `range` between bytes for which `sep` holds.
fn pieces(text: &str, range: Range<usize>, sep: fn(u8) -> bool) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = range.start;
    for (i, &b) in text.as_bytes()[range.clone()].iter().enumerate() {
        let i = range.start + i;
        if sep(b) {
            if start < i {
                out.push(start..i);
            }
            start = i + 1;
        }
    }
    if start < range.end {
        out.push(start..range.end);
    }
    out
}

/// The index of the `:` of a `scheme://` starting at `at` (`[A-Za-z][A-Za-z0-9+._-]*://`).
fn scheme_end(text: &str, at: usize) -> Option<usize> {
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
fn urls(text: &str, start: usize) -> Option<Vec<Target>> {
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
fn first_of(text: &str, range: Range<usize>, stop: fn(u8) -> bool) -> usize {
    text.as_bytes()[range.clone()]
        .iter()
        .position(|&b| stop(b))
        .map_or(range.end, |i| range.start + i)
}

/// `range` without its userinfo: what follows the last `@`.
fn last_at(text: &str, range: Range<usize>) -> Range<usize> {
    match text[range.clone()].rfind('@') {
        Some(i) => range.start + i + 1..range.end,
        None => range,
    }
}

/// A JDBC URL: `jdbc:<sub-protocol>://authority` (`;` also ends the authority, for SQL Server
/// properties) or Oracle thin `jdbc:oracle:thin:[user/pass]@[//]host:port[:SID|/service]`.
fn jdbc(text: &str, start: usize) -> Option<Vec<Target>> {
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

/// Whether the value starts like a KRaft voter (`1@`).
fn is_voter(text: &str, start: usize) -> bool {
    let digits = text.as_bytes()[start..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    digits > 0 && text.as_bytes().get(start + digits) == Some(&b'@')
}

/// KRaft voters `1@kafka1:9093,2@kafka2:9093`: every entry needs an id and a port.
fn voters(text: &str) -> Option<Vec<Target>> {
    let mut out = Vec::new();
    for piece in pieces(text, 0..text.len(), is_sep) {
        let at = piece.start + text[piece.clone()].find('@')?;
        let id = &text[piece.start..at];
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let e = entry(text, at + 1..piece.end, false)?;
        e.port?; // a voter always has a port
        let mut t = target(text, e, None, None);
        t.listener = Some(id.to_string());
        out.push(t);
    }
    Some(out)
}

/// A `host[:port]` list separated by `,`, `;` or whitespace, or one bare host. Only the last
/// entry may carry a `/chroot`; a `/` followed by a digit is a CIDR prefix, not a chroot.
fn list(text: &str) -> Option<Vec<Target>> {
    let all = pieces(text, 0..text.len(), is_sep);
    let last = all.len().checked_sub(1)?;
    let mut out = Vec::new();
    for (i, mut piece) in all.into_iter().enumerate() {
        if let Some(slash) = text[piece.clone()].find('/') {
            let chroot = &text[piece.start + slash + 1..piece.end];
            if i != last || chroot.starts_with(|c: char| c.is_ascii_digit()) {
                return None;
            }
            piece.end = piece.start + slash;
        }
        out.push(target(text, entry(text, piece, false)?, None, None));
    }
    Some(out)
}

/// A parsed `host[:port]`: the host's bytes (inside brackets), the written port, the whole.
struct Entry {
    host: Range<usize>,
    port: Option<u16>,
    range: Range<usize>,
}

/// Parses `host`, `host:port`, `[v6]`, `[v6]:port` or a bare IPv6 address filling `range`.
/// In a URL the host may be empty when a port follows (`PLAINTEXT://:9092`) and an empty port
/// (`db:`) counts as unwritten.
fn entry(text: &str, range: Range<usize>, in_url: bool) -> Option<Entry> {
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
fn parse_port(p: &str) -> Option<u16> {
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
fn is_host_name(s: &str) -> bool {
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
fn target(text: &str, e: Entry, scheme: Option<&str>, default: Option<u16>) -> Target {
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

/// The last words of client-side keys (§1.4); `BOOTSTRAP_SERVERS` ends in `SERVERS`.
const CLIENT_WORDS: [&str; 18] = [
    "URL",
    "URI",
    "DSN",
    "HOST",
    "HOSTS",
    "HOSTNAME",
    "SERVER",
    "SERVERS",
    "ADDR",
    "ADDRESS",
    "ENDPOINT",
    "BROKER",
    "BROKERS",
    "BOOTSTRAPSERVERS",
    "BROKERCONNECT",
    "CONNECT",
    "CONNECTION",
    "SEEDS",
];

/// Substrings that make a key server-side (a bind or advertised address, §1.4).
const SERVER_SIDE: [&str; 5] = ["LISTEN", "BIND", "ADVERTISED", "ANNOUNCE", "PUBLISH"];

/// Whether a key names the service's own listening or advertised address (§1.4): some part
/// of it says listen, bind, advertise, announce or publish, case-insensitively.
pub fn is_server_side_key(key: &str) -> bool {
    SERVER_SIDE.iter().any(|w| contains_ignore_case(key, w))
}

/// Whether a key names where a client connects (§1.4): its last `_`-separated word is one of
/// the client words (or it ends in `CONNECTION_STRING`), case-insensitively, and it is not
/// [server-side](is_server_side_key). The broker-property exception is the caller's, which
/// knows the service.
pub fn is_client_key(key: &str) -> bool {
    let (rest, last) = match key.bytes().rposition(|b| b == b'_') {
        Some(i) => (&key[..i], &key[i + 1..]),
        None => ("", key),
    };
    let client = CLIENT_WORDS.iter().any(|w| w.eq_ignore_ascii_case(last))
        || (last.eq_ignore_ascii_case("STRING")
            && last_word(rest).eq_ignore_ascii_case("CONNECTION"));
    // Most keys fail the word test: the substring test comes second.
    client && !is_server_side_key(key)
}

/// The last `_`-separated word of `key` (all of it without a `_`).
fn last_word(key: &str) -> &str {
    key.bytes()
        .rposition(|b| b == b'_')
        .map_or(key, |i| &key[i + 1..])
}

/// Prefixes of keys whose URLs a browser on the host opens (§1.4).
const BROWSER_PREFIXES: [&str; 6] = [
    "NEXT_PUBLIC_",
    "NUXT_PUBLIC_",
    "VITE_",
    "REACT_APP_",
    "EXPO_PUBLIC_",
    "PUBLIC_",
];

/// Suffixes (or whole names) of browser-URL keys (§1.4).
const BROWSER_SUFFIXES: [&str; 4] = ["PUBLIC_URL", "EXTERNAL_URL", "SITE_URL", "ROOT_URL"];

/// Substrings of browser-URL keys (§1.4), plus `BROWSER` and `_PUBLIC_` (Ory's
/// `KRATOS_BROWSER_URL`, `SERVE_PUBLIC_BASE_URL`, Penpot's `PENPOT_PUBLIC_URI`), which name
/// the URL a browser is sent to just as plainly.
const BROWSER_PARTS: [&str; 7] = [
    "CALLBACK",
    "REDIRECT",
    "CORS",
    "ORIGIN",
    "ALLOWED_HOSTS",
    "BROWSER",
    "_PUBLIC_",
];

/// Whether a key carries a host-side (browser) URL, where `localhost:<published port>` is right:
/// the loopback rules NET001, NET002 and CMP001 skip these keys (§1.4).
pub fn is_browser_url_key(key: &str) -> bool {
    BROWSER_PREFIXES
        .iter()
        .any(|p| starts_with_ignore_case(key, p))
        || BROWSER_SUFFIXES
            .iter()
            .any(|s| ends_with_ignore_case(key, s))
        || BROWSER_PARTS.iter().any(|p| contains_ignore_case(key, p))
}

/// Host-key suffixes that pair with `X_PORT` (§1.4).
const PAIR_SUFFIXES: [&str; 4] = ["_HOST", "_HOSTNAME", "_SERVER", "_ADDR"];

/// Host and port keys that go together: `X_HOST`, `X_HOSTNAME`, `X_SERVER` or `X_ADDR` with
/// `X_PORT` (same prefix, case-insensitive), in environment order. The host key must be
/// client-side and the prefix non-empty (`HOST`/`PORT` alone is usually the service's own bind
/// address), and the port value must be a port.
pub fn host_port_pairs(env: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (key, _) in env {
        let prefix = PAIR_SUFFIXES.iter().find_map(|s| {
            let cut = key.len().checked_sub(s.len())?;
            let tail = key.get(cut..)?;
            tail.eq_ignore_ascii_case(s).then(|| &key[..cut])
        });
        let Some(prefix) = prefix.filter(|p| !p.is_empty() && is_client_key(key)) else {
            continue;
        };
        let port_key = env.iter().find(|(k, v)| {
            k.len() == prefix.len() + 5
                && k.get(..prefix.len())
                    .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
                && k.get(prefix.len()..)
                    .is_some_and(|s| s.eq_ignore_ascii_case("_PORT"))
                && parse_port(v.trim()).is_some()
        });
        if let Some((port_key, _)) = port_key {
            out.push((key.to_string(), port_key.to_string()));
        }
    }
    out
}

/// Key words that name a kind of server, with its usual port (§1.4 bare-host inference).
const KINDS: [(&str, u16); 11] = [
    ("PG", 5432),
    ("POSTGRES", 5432),
    ("POSTGRESQL", 5432),
    ("MYSQL", 3306),
    ("MARIADB", 3306),
    ("REDIS", 6379),
    ("MONGO", 27017),
    ("MONGODB", 27017),
    ("RABBIT", 5672),
    ("RABBITMQ", 5672),
    ("AMQP", 5672),
];

/// Host words glued to a kind in one-word keys: `PGHOST`, `REDISHOST`, `MYSQLHOST`.
const GLUED: [&str; 5] = ["HOSTNAME", "HOST", "SERVER", "ADDR", "URL"];

/// The port a bare host in this key most likely means, from a `_`-separated word of the key
/// naming the kind (`POSTGRES_HOST`, `SPRING_REDIS_HOST`, `PGHOST` → by kind); `None` when no
/// word names one (`DB_HOST`) or two words disagree. Whole words only: `PGBOUNCER_HOST` is not
/// PostgreSQL's port.
pub fn inferred_port(key: &str) -> Option<u16> {
    let key = key.to_ascii_uppercase();
    let mut found = None;
    for word in key.split('_') {
        let word = GLUED
            .iter()
            .find_map(|g| word.strip_suffix(g).filter(|w| !w.is_empty()))
            .unwrap_or(word);
        if let Some(&(_, port)) = KINDS.iter().find(|(kind, _)| *kind == word) {
            if found.is_some_and(|f| f != port) {
                return None;
            }
            found = Some(port);
        }
    }
    found
}

/// The §1.2 classes of a host that need no knowledge of the project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostClass {
    /// `localhost`, `127.0.0.0/8`, `::1`, `ip6-localhost`: the container itself.
    Loopback,
    /// `0.0.0.0`, `::` or an empty host: a bind address, or loopback when connected to.
    AnyAddress,
    /// A current name of the host machine (`host.docker.internal` and the engines' own).
    HostGateway,
    /// A legacy or odd Docker Desktop name (`docker.for.mac.localhost`, ...).
    DesktopLegacy,
    /// Anything else: a service name, container IP or external host, for a later layer.
    Other,
}

/// Current host-gateway names (§1.2).
const HOST_GATEWAY: [&str; 5] = [
    "host.docker.internal",
    "gateway.docker.internal",
    "host.containers.internal",
    "host.lima.internal",
    "host.rancher-desktop.internal",
];

/// Legacy Docker Desktop names (§1.2).
pub const DESKTOP_LEGACY: [&str; 6] = [
    "docker.for.mac.localhost",
    "docker.for.mac.host.internal",
    "docker.for.mac.http.internal",
    "docker.for.win.localhost",
    "docker.for.win.host.internal",
    "kubernetes.docker.internal",
];

/// The §1.2 class of a host, case-insensitive, brackets and a trailing dot ignored.
/// `ip6-loopback` is loopback too: Docker's `/etc/hosts` maps it to `::1` with `ip6-localhost`.
pub fn classify(host: &str) -> HostClass {
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    let host = host.strip_suffix('.').unwrap_or(host);
    let v4 = |ip: Ipv4Addr| {
        if ip.is_loopback() {
            HostClass::Loopback
        } else if ip.is_unspecified() {
            HostClass::AnyAddress
        } else {
            HostClass::Other
        }
    };
    if host.is_empty() {
        return HostClass::AnyAddress;
    }
    // Both address parsers read hex digits in either case: no lower-cased copy is needed.
    if let Ok(ip) = host.parse::<Ipv4Addr>() {
        return v4(ip);
    }
    let addr = host.split('%').next().unwrap_or_default();
    // Every IPv6 address has a colon: names skip the parse.
    if addr.contains(':')
        && let Ok(ip) = addr.parse::<Ipv6Addr>()
    {
        return match ip.to_ipv4_mapped() {
            Some(ip) => v4(ip),
            None if ip.is_loopback() => HostClass::Loopback,
            None if ip.is_unspecified() => HostClass::AnyAddress,
            None => HostClass::Other,
        };
    }
    let is_one_of = |names: &[&str]| names.iter().any(|n| n.eq_ignore_ascii_case(host));
    if is_one_of(&["localhost", "ip6-localhost", "ip6-loopback"]) {
        HostClass::Loopback
    } else if is_one_of(&HOST_GATEWAY) {
        HostClass::HostGateway
    } else if is_one_of(&DESKTOP_LEGACY) {
        HostClass::DesktopLegacy
    } else {
        HostClass::Other
    }
}

/// A program whose flags name a server.
#[derive(Clone, Copy)]
enum Program {
    /// kcat/kafkacat: `-b` is its broker list (elsewhere `-b` is often a bind address).
    Kcat,
    /// A database client with `-h`/`--host`: its scheme and its short port flag.
    Client {
        scheme: &'static str,
        port_flag: &'static str,
    },
}

/// The program an argument runs, by base name.
fn program(arg: &str) -> Option<Program> {
    let name = arg.rsplit('/').next().unwrap_or(arg);
    let client = |scheme, port_flag| Some(Program::Client { scheme, port_flag });
    match name {
        "kcat" | "kafkacat" => Some(Program::Kcat),
        "redis-cli" | "valkey-cli" => client("redis", "-p"),
        "psql" | "pg_isready" | "pg_dump" | "pg_dumpall" | "pg_restore" => client("postgres", "-p"),
        // `-p` is mysql's password; its port is `-P`.
        "mysql" | "mariadb" | "mysqladmin" | "mysqldump" | "mariadb-admin" | "mariadb-dump" => {
            client("mysql", "-P")
        }
        _ => None,
    }
}

/// Flags whose value is a URL or a `host:port` list, for any program.
const LIST_FLAGS: [&str; 5] = [
    "--bootstrap-server",
    "--bootstrap-servers",
    "--broker-list",
    "--brokers",
    "--url",
];

/// The `-h`/`--host` (and port) of the client program being read.
struct HostFlag {
    scheme: &'static str,
    port_flag: &'static str,
    host: Option<(usize, Target)>,
    port: Option<u16>,
}

impl HostFlag {
    /// The finished target: the written port, else the client's default.
    fn finish(self, out: &mut Vec<(usize, Target)>) {
        if let Some((index, mut t)) = self.host {
            t.scheme = Some(self.scheme.to_string());
            t.port = self.port.or(default_port(self.scheme));
            t.port_written = self.port.is_some();
            out.push((index, t));
        }
    }
}

/// Client-side addresses in a command line (§1.4): `--bootstrap-server(s)`, `--broker-list`,
/// `--brokers`, `--url` (as `--flag value` or `--flag=value`), kcat's `-b`, and `-h`/`--host`
/// with the port flag of redis-cli, psql and mysql (and their relatives). Each target comes with
/// the index of the argument holding it; its ranges index that argument (for `--flag=value`, the
/// whole argument). A `-h` target's range is the host alone: its port is another argument.
pub fn command_targets(args: &[&str]) -> Vec<(usize, Target)> {
    let mut out = Vec::new();
    let mut kcat = false;
    let mut host: Option<HostFlag> = None;
    let mut i = 0;
    while i < args.len() {
        let arg = args[i];
        match program(arg) {
            Some(Program::Kcat) => kcat = true,
            Some(Program::Client { scheme, port_flag }) => {
                if let Some(h) = host.take() {
                    h.finish(&mut out);
                }
                host = Some(HostFlag {
                    scheme,
                    port_flag,
                    host: None,
                    port: None,
                });
            }
            None => {}
        }
        let (flag, value) = match arg.split_once('=') {
            Some((flag, _)) if flag.starts_with("--") => (flag, Some((i, flag.len() + 1))),
            _ => match arg.strip_prefix("-b").filter(|v| kcat && !v.is_empty()) {
                Some(_) => ("-b", Some((i, 2))),
                None => (arg, None),
            },
        };
        let is_list = LIST_FLAGS.contains(&flag) || (flag == "-b" && kcat);
        let is_host = flag == "-h" || flag == "--host";
        let is_port = host
            .as_ref()
            .is_some_and(|h| flag == "--port" || flag == h.port_flag);
        let wanted = is_list || is_port || (is_host && host.is_some());
        if !wanted {
            i += 1;
            continue;
        }
        // The value: after `=` (or `-b`) in this argument, else the next argument.
        let (index, offset) = value.unwrap_or((i + 1, 0));
        i = index + 1;
        let Some(text) = args.get(index).and_then(|a| a.get(offset..)) else {
            continue;
        };
        match host.as_mut() {
            Some(h) if is_host => {
                h.host = list(text)
                    .filter(|l| l.len() == 1)
                    .and_then(|mut l| l.pop())
                    .filter(|t| !t.port_written && t.range.end == text.len())
                    .map(|t| (index, t.shifted(offset)));
            }
            Some(h) if is_port => h.port = parse_port(text),
            _ => out.extend(
                parse_value(text)
                    .into_iter()
                    .map(|t| (index, t.shifted(offset))),
            ),
        }
    }
    if let Some(h) = host {
        h.finish(&mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A target as `scheme|host|port|listener|range`: `-` for none, a default port in
    /// parentheses, `|srv` appended for SRV hosts.
    fn render(text: &str, t: &Target) -> String {
        let port = match (t.port, t.port_written) {
            (Some(p), true) => p.to_string(),
            (Some(p), false) => format!("({p})"),
            (None, _) => "-".to_string(),
        };
        format!(
            "{}|{}|{}|{}|{}{}",
            t.scheme.as_deref().unwrap_or("-"),
            t.host,
            port,
            t.listener.as_deref().unwrap_or("-"),
            &text[t.range.clone()],
            if t.srv { "|srv" } else { "" }
        )
    }

    /// Every §1.4 format (the table's examples verbatim first), and edge cases.
    const ROWS: &[(&str, &[&str])] = &[
        // URL
        (
            "postgres://u:p@db:5432/app?sslmode=disable",
            &["postgres|db|5432|-|db:5432"],
        ),
        // multi-host URL
        (
            "mongodb://a:27017,b:27017/db?replicaSet=rs0",
            &["mongodb|a|27017|-|a:27017", "mongodb|b|27017|-|b:27017"],
        ),
        (
            "postgresql://h1:5432,h2:5433/db",
            &[
                "postgresql|h1|5432|-|h1:5432",
                "postgresql|h2|5433|-|h2:5433",
            ],
        ),
        // mongodb+srv
        (
            "mongodb+srv://cluster0.example.net/",
            &["mongodb+srv|cluster0.example.net|-|-|cluster0.example.net|srv"],
        ),
        // JDBC
        (
            "jdbc:postgresql://db:5432/x",
            &["jdbc:postgresql|db|5432|-|db:5432"],
        ),
        ("jdbc:mysql://db/x", &["jdbc:mysql|db|(3306)|-|db"]),
        (
            "jdbc:sqlserver://db:1433;databaseName=x",
            &["jdbc:sqlserver|db|1433|-|db:1433"],
        ),
        (
            "jdbc:oracle:thin:@db:1521:XE",
            &["jdbc:oracle:thin|db|1521|-|db:1521"],
        ),
        (
            "jdbc:oracle:thin:@//db:1521/svc",
            &["jdbc:oracle:thin|db|1521|-|db:1521"],
        ),
        // host:port list
        (
            "kafka1:9092,kafka2:9092",
            &["-|kafka1|9092|-|kafka1:9092", "-|kafka2|9092|-|kafka2:9092"],
        ),
        (
            "zk1:2181,zk2:2181/kafka",
            &["-|zk1|2181|-|zk1:2181", "-|zk2|2181|-|zk2:2181"],
        ),
        // KRaft voters
        (
            "1@kafka1:9093,2@kafka2:9093",
            &["-|kafka1|9093|1|kafka1:9093", "-|kafka2|9093|2|kafka2:9093"],
        ),
        // Kafka listener list
        (
            "INTERNAL://kafka:29092,EXTERNAL://localhost:9092",
            &[
                "internal|kafka|29092|INTERNAL|kafka:29092",
                "external|localhost|9092|EXTERNAL|localhost:9092",
            ],
        ),
        // host + port pair and bare host: the host value alone
        ("localhost", &["-|localhost|-|-|localhost"]),
        // IPv6
        ("[::1]:6379", &["-|::1|6379|-|[::1]:6379"]),
        // every §1.4 URL scheme, default ports (none for http/https/tcp/ws/clickhouse)
        ("postgres://db", &["postgres|db|(5432)|-|db"]),
        ("postgresql://db/app", &["postgresql|db|(5432)|-|db"]),
        ("mysql://root:pw@mysql/app", &["mysql|mysql|(3306)|-|mysql"]),
        (
            "mariadb://mariadb:3307/app",
            &["mariadb|mariadb|3307|-|mariadb:3307"],
        ),
        ("redis://redis", &["redis|redis|(6379)|-|redis"]),
        ("rediss://:secret@cache/0", &["rediss|cache|(6379)|-|cache"]),
        (
            "amqp://guest:guest@rabbitmq/%2F",
            &["amqp|rabbitmq|(5672)|-|rabbitmq"],
        ),
        ("amqps://mq", &["amqps|mq|(5671)|-|mq"]),
        ("mongodb://mongo/app", &["mongodb|mongo|(27017)|-|mongo"]),
        ("nats://nats", &["nats|nats|(4222)|-|nats"]),
        ("http://api/v1", &["http|api|-|-|api"]),
        (
            "https://api.example.com",
            &["https|api.example.com|-|-|api.example.com"],
        ),
        ("http://web:8080/", &["http|web|8080|-|web:8080"]),
        ("tcp://docker:2375", &["tcp|docker|2375|-|docker:2375"]),
        ("pulsar://pulsar", &["pulsar|pulsar|(6650)|-|pulsar"]),
        (
            "pulsar+ssl://pulsar:6651",
            &["pulsar+ssl|pulsar|6651|-|pulsar:6651"],
        ),
        ("ws://socket/ws", &["ws|socket|-|-|socket"]),
        ("wss://socket:8443", &["wss|socket|8443|-|socket:8443"]),
        ("clickhouse://ch:9000/db", &["clickhouse|ch|9000|-|ch:9000"]),
        (
            "PLAINTEXT://kafka:9092",
            &["plaintext|kafka|9092|PLAINTEXT|kafka:9092"],
        ),
        ("SSL://kafka:9093", &["ssl|kafka|9093|SSL|kafka:9093"]),
        (
            "SASL_PLAINTEXT://kafka:9094",
            &["sasl_plaintext|kafka|9094|SASL_PLAINTEXT|kafka:9094"],
        ),
        (
            "SASL_SSL://broker.example.com:9095",
            &["sasl_ssl|broker.example.com|9095|SASL_SSL|broker.example.com:9095"],
        ),
        // uppercase schemes keep their defaults; hosts stay as written
        ("POSTGRES://DB:5433", &["postgres|DB|5433|-|DB:5433"]),
        ("REDIS://Cache", &["redis|Cache|(6379)|-|Cache"]),
        ("HTTP://web/", &["http|web|-|-|web"]),
        // userinfo: percent-encoded `@`, and a raw `@` split on the last one
        (
            "postgres://u%40x:p%40ss@db/app",
            &["postgres|db|(5432)|-|db"],
        ),
        (
            "postgres://user:p@ss@db:5432/app",
            &["postgres|db|5432|-|db:5432"],
        ),
        // query strings and paths
        (
            "redis://redis:6379/0?timeout=5s&x=http://other",
            &["redis|redis|6379|-|redis:6379"],
        ),
        ("mysql://db?ssl=true", &["mysql|db|(3306)|-|db"]),
        ("http://web:8000#frag", &["http|web|8000|-|web:8000"]),
        // empty host listener, any-address
        ("PLAINTEXT://:9092", &["plaintext||9092|PLAINTEXT|:9092"]),
        (
            "PLAINTEXT://0.0.0.0:9092,CONTROLLER://:9093",
            &[
                "plaintext|0.0.0.0|9092|PLAINTEXT|0.0.0.0:9092",
                "controller||9093|CONTROLLER|:9093",
            ],
        ),
        (
            "PLAINTEXT://kafka:29092,PLAINTEXT_HOST://localhost:9092",
            &[
                "plaintext|kafka|29092|PLAINTEXT|kafka:29092",
                "plaintext_host|localhost|9092|PLAINTEXT_HOST|localhost:9092",
            ],
        ),
        (
            "INTERNAL://kafka:29092 , EXTERNAL://localhost:9092",
            &[
                "internal|kafka|29092|INTERNAL|kafka:29092",
                "external|localhost|9092|EXTERNAL|localhost:9092",
            ],
        ),
        ("0.0.0.0", &["-|0.0.0.0|-|-|0.0.0.0"]),
        // IPv6 with and without port
        ("[::1]", &["-|::1|-|-|[::1]"]),
        ("::1", &["-|::1|-|-|::1"]),
        ("redis://[::1]/0", &["redis|::1|(6379)|-|[::1]"]),
        (
            "http://[fe80::1%25eth0]:8080/",
            &["http|fe80::1%25eth0|8080|-|[fe80::1%25eth0]:8080"],
        ),
        (
            "[::1]:2181; 127.0.0.1",
            &["-|::1|2181|-|[::1]:2181", "-|127.0.0.1|-|-|127.0.0.1"],
        ),
        // chroot, `;` and whitespace separators
        ("zk:2181/kafka", &["-|zk|2181|-|zk:2181"]),
        (
            "zk1:2181;zk2:2181",
            &["-|zk1|2181|-|zk1:2181", "-|zk2|2181|-|zk2:2181"],
        ),
        (
            " kafka1:9092  kafka2:9092\tkafka3:9092 ",
            &[
                "-|kafka1|9092|-|kafka1:9092",
                "-|kafka2|9092|-|kafka2:9092",
                "-|kafka3|9092|-|kafka3:9092",
            ],
        ),
        (
            "zk1, zk2 ,zk3/chroot",
            &["-|zk1|-|-|zk1", "-|zk2|-|-|zk2", "-|zk3|-|-|zk3"],
        ),
        ("localhost:8080/api", &["-|localhost|8080|-|localhost:8080"]),
        ("my_db:5432", &["-|my_db|5432|-|my_db:5432"]),
        (
            "host.docker.internal:5432",
            &["-|host.docker.internal|5432|-|host.docker.internal:5432"],
        ),
        // several URLs
        (
            "nats://n1:4222,nats://n2",
            &["nats|n1|4222|-|n1:4222", "nats|n2|(4222)|-|n2"],
        ),
        (
            "http://es1:9200 http://es2:9200",
            &["http|es1|9200|-|es1:9200", "http|es2|9200|-|es2:9200"],
        ),
        // mongodb+srv with userinfo and options
        (
            "mongodb+srv://u:p@cluster0.abcde.mongodb.net/db?retryWrites=true",
            &["mongodb+srv|cluster0.abcde.mongodb.net|-|-|cluster0.abcde.mongodb.net|srv"],
        ),
        // JDBC sub-forms
        (
            "jdbc:mysql://u:p@h1:3306,h2/x?useSSL=false",
            &["jdbc:mysql|h1|3306|-|h1:3306", "jdbc:mysql|h2|(3306)|-|h2"],
        ),
        (
            "jdbc:postgresql://h1:5432,h2:5433/x?targetServerType=primary",
            &[
                "jdbc:postgresql|h1|5432|-|h1:5432",
                "jdbc:postgresql|h2|5433|-|h2:5433",
            ],
        ),
        (
            "jdbc:mariadb:loadbalance://db/x",
            &["jdbc:mariadb:loadbalance|db|(3306)|-|db"],
        ),
        (
            "JDBC:PostgreSQL://db/x",
            &["jdbc:postgresql|db|(5432)|-|db"],
        ),
        (
            "jdbc:sqlserver://db;databaseName=x;encrypt=false",
            &["jdbc:sqlserver|db|-|-|db"],
        ),
        (
            "jdbc:sqlserver://db\\SQLEXPRESS:1433;databaseName=x",
            &["jdbc:sqlserver|db|1433|-|db\\SQLEXPRESS:1433"],
        ),
        (
            "jdbc:oracle:thin:scott/tiger@db:1521:XE",
            &["jdbc:oracle:thin|db|1521|-|db:1521"],
        ),
        (
            "jdbc:oracle:thin:@db:1521/svc",
            &["jdbc:oracle:thin|db|1521|-|db:1521"],
        ),
        (
            "jdbc:oracle:thin:@tcp://db:1521/svc",
            &["jdbc:oracle:thin|db|1521|-|db:1521"],
        ),
        (
            "jdbc:oracle:thin:@oracle",
            &["jdbc:oracle:thin|oracle|-|-|oracle"],
        ),
        // KRaft voters with IPv6
        (
            "1@[::1]:9093 2@kafka2:9093",
            &["-|::1|9093|1|[::1]:9093", "-|kafka2|9093|2|kafka2:9093"],
        ),
        // unparseable values yield nothing
        ("", &[]),
        ("   ", &[]),
        ("hello world!", &[]),
        ("/var/lib/data", &[]),
        ("file:///tmp/x", &[]),
        ("unix:///var/run/docker.sock", &[]),
        ("postgresql://%2Fvar%2Frun%2Fpostgresql/db", &[]),
        ("jdbc:h2:mem:test", &[]),
        ("jdbc:sqlite:/data/x.db", &[]),
        (
            "jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS=(HOST=db)(PORT=1521)))",
            &[],
        ),
        ("jdbc:oracle:thin:@db:XE", &[]),
        ("kafka:notaport", &[]),
        ("kafka:99999", &[]),
        ("kafka:", &[]),
        ("kafka:+9092", &[]),
        ("admin@example.com", &[]),
        ("5432", &[]),
        ("1.2.3", &[]),
        ("10:30", &[]),
        ("127.0.0.0/8", &[]),
        ("${DB_HOST}", &[]),
        ("-Xmx512m", &[]),
        ("zk1:2181/a,zk2:2181", &[]),
        ("1@kafka1,2@kafka2", &[]),
        ("1@kafka1:9093,kafka2:9093", &[]),
        ("[kafka]:9092", &[]),
        ("[::1]6379", &[]),
        ("http://", &[]),
        ("http://:/", &[]),
        ("http://bad host/", &[]),
        ("http://localhost:3000 for details", &[]),
        ("see http://localhost:3000", &[]),
    ];

    #[test]
    fn formats_table() {
        for (text, expected) in ROWS {
            let targets = parse_value(text);
            let got: Vec<String> = targets.iter().map(|t| render(text, t)).collect();
            assert_eq!(&got, expected, "parsing {text:?}");
            for t in &targets {
                assert_eq!(
                    &text[t.host_range.clone()],
                    t.host,
                    "host range of {text:?}"
                );
                assert!(t.range.start <= t.host_range.start && t.host_range.end <= t.range.end);
            }
        }
    }

    #[test]
    fn bare_targets() {
        let bare = |text: &str| {
            parse_value(text)
                .iter()
                .map(Target::is_bare)
                .collect::<Vec<_>>()
        };
        assert_eq!(bare("0.0.0.0"), [true]);
        assert_eq!(bare("0.0.0.0:9092"), [false]);
        assert_eq!(bare("PLAINTEXT://0.0.0.0"), [false]);
        assert_eq!(bare("postgres://0.0.0.0"), [false]);
        assert_eq!(bare("1@kafka:9093"), [false]);
    }

    #[test]
    fn client_keys() {
        for key in [
            "DATABASE_URL",
            "SPRING_KAFKA_BOOTSTRAP_SERVERS",
            "KAFKA_BROKERCONNECT",
            "REDIS_HOST",
            "url",
            "Mongo_Uri",
            "SENTRY_DSN",
            "ES_HOSTS",
            "DB_HOSTNAME",
            "SMTP_SERVER",
            "SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS",
            "KAFKA_BOOTSTRAPSERVERS",
            "MEMCACHED_SERVERS",
            "CONSUL_ADDR",
            "BACKEND_ADDRESS",
            "S3_ENDPOINT",
            "KAFKA_BROKER",
            "KAFKA_BROKERS",
            "KAFKA_ZOOKEEPER_CONNECT",
            "DB_CONNECTION",
            "AZURE_STORAGE_CONNECTION_STRING",
            "CASSANDRA_SEEDS",
        ] {
            assert!(is_client_key(key), "{key} should be client-side");
        }
        for key in [
            "KAFKA_ADVERTISED_LISTENERS",
            "KAFKA_ADVERTISED_HOST_NAME",
            "KAFKA_LISTENERS",
            "LISTEN_ADDR",
            "BIND_HOST",
            "REDIS_CLUSTER_ANNOUNCE_HOSTNAME",
            "MERCURE_PUBLISH_URL",
            "DATABASEURL",
            "DB_PORT",
            "URLS",
            "CONNECTION_STRINGS",
            "DB_STRING",
            "",
        ] {
            assert!(!is_client_key(key), "{key} should not be client-side");
        }
    }

    #[test]
    fn browser_url_keys() {
        for key in [
            "NEXT_PUBLIC_API_URL",
            "NUXT_PUBLIC_API_BASE",
            "VITE_API_URL",
            "REACT_APP_BACKEND_URL",
            "EXPO_PUBLIC_API_URL",
            "PUBLIC_URL",
            "public_api_url",
            "APP_PUBLIC_URL",
            "GITLAB_EXTERNAL_URL",
            "EXTERNAL_URL",
            "SITE_URL",
            "WP_SITE_URL",
            "ROOT_URL",
            "GF_SERVER_ROOT_URL",
            "OAUTH_CALLBACK_URL",
            "LOGIN_REDIRECT_URI",
            "CORS_ORIGINS",
            "APP_ORIGIN",
            "DJANGO_ALLOWED_HOSTS",
            "KRATOS_BROWSER_URL",
            "SERVE_PUBLIC_BASE_URL",
            "PENPOT_PUBLIC_URI",
        ] {
            assert!(is_browser_url_key(key), "{key} should be a browser URL key");
        }
        for key in [
            "DATABASE_URL",
            "API_URL",
            "REDIS_HOST",
            "MY_PUBLICATION_HOST",
        ] {
            assert!(
                !is_browser_url_key(key),
                "{key} should not be a browser URL key"
            );
        }
    }

    #[test]
    fn pairs() {
        let env = [
            ("POSTGRES_HOST", "localhost"),
            ("POSTGRES_PORT", "5432"),
            ("redis_hostname", "redis"),
            ("REDIS_PORT", "6379"),
            ("SMTP_SERVER", "mail"),
            ("SMTP_PORT", " 25 "),
            ("CONSUL_ADDR", "consul"),
            ("CONSUL_PORT", "8500"),
            ("HOST", "0.0.0.0"),
            ("PORT", "3000"),
            ("LISTEN_HOST", "0.0.0.0"),
            ("LISTEN_PORT", "80"),
            ("MAIL_HOST", "mail"),
            ("MAIL_PORT", "smtp"),
            ("CACHE_HOST", "memcached"),
        ];
        let pair = |h: &str, p: &str| (h.to_string(), p.to_string());
        assert_eq!(
            host_port_pairs(&env),
            [
                pair("POSTGRES_HOST", "POSTGRES_PORT"),
                pair("redis_hostname", "REDIS_PORT"),
                pair("SMTP_SERVER", "SMTP_PORT"),
                pair("CONSUL_ADDR", "CONSUL_PORT"),
            ]
        );
        assert!(host_port_pairs(&[]).is_empty());
    }

    #[test]
    fn inferred_ports() {
        for (key, port) in [
            ("PG_HOST", Some(5432)),
            ("PGHOST", Some(5432)),
            ("POSTGRES_HOST", Some(5432)),
            ("POSTGRESQL_HOSTNAME", Some(5432)),
            ("MYSQL_HOST", Some(3306)),
            ("MYSQLHOST", Some(3306)),
            ("MARIADB_HOST", Some(3306)),
            ("SPRING_REDIS_HOST", Some(6379)),
            ("redis_url", Some(6379)),
            ("MONGO_HOST", Some(27017)),
            ("MONGODB_SERVER", Some(27017)),
            ("RABBIT_HOST", Some(5672)),
            ("RABBITMQ_HOST", Some(5672)),
            ("AMQP_ADDR", Some(5672)),
            ("DB_HOST", None),
            ("PGBOUNCER_HOST", None),
            ("PG_REDIS_HOST", None),
            ("HOST", None),
        ] {
            assert_eq!(inferred_port(key), port, "{key}");
        }
    }

    #[test]
    fn classes() {
        use HostClass::*;
        for (host, class) in [
            ("localhost", Loopback),
            ("LocalHost.", Loopback),
            ("127.0.0.1", Loopback),
            ("127.1.2.3", Loopback),
            ("::1", Loopback),
            ("[::1]", Loopback),
            ("0:0:0:0:0:0:0:1", Loopback),
            ("::ffff:127.0.0.1", Loopback),
            ("::FFFF:127.0.0.1", Loopback),
            ("[0:0:0:0:0:0:0:1%Lo]", Loopback),
            ("ip6-localhost", Loopback),
            ("ip6-loopback", Loopback),
            ("0.0.0.0", AnyAddress),
            ("::", AnyAddress),
            ("[::]", AnyAddress),
            ("", AnyAddress),
            ("host.docker.internal", HostGateway),
            ("Host.Docker.Internal.", HostGateway),
            ("gateway.docker.internal", HostGateway),
            ("host.containers.internal", HostGateway),
            ("host.lima.internal", HostGateway),
            ("host.rancher-desktop.internal", HostGateway),
            ("docker.for.mac.localhost", DesktopLegacy),
            ("docker.for.mac.host.internal", DesktopLegacy),
            ("docker.for.mac.http.internal", DesktopLegacy),
            ("docker.for.win.localhost", DesktopLegacy),
            ("docker.for.win.host.internal", DesktopLegacy),
            ("kubernetes.docker.internal", DesktopLegacy),
            ("host.orb.internal", Other),
            ("db", Other),
            ("foo.localhost", Other),
            ("128.0.0.1", Other),
            ("172.18.0.2", Other),
            ("fe80::1%eth0", Other),
            ("FE80::1", Other),
            ("1.2.3", Other),
        ] {
            assert_eq!(classify(host), class, "{host:?}");
        }
    }

    /// Command targets as `index:scheme|host|port|listener|range`.
    fn commands(args: &[&str]) -> Vec<String> {
        command_targets(args)
            .into_iter()
            .map(|(i, t)| format!("{i}:{}", render(args[i], &t)))
            .collect()
    }

    #[test]
    fn command_flags() {
        let cases: &[(&[&str], &[&str])] = &[
            (
                &["kafka-topics", "--bootstrap-server", "kafka:9092", "--list"],
                &["2:-|kafka|9092|-|kafka:9092"],
            ),
            (
                &["kafka-topics", "--bootstrap-server=kafka:9092", "--list"],
                &["1:-|kafka|9092|-|kafka:9092"],
            ),
            (
                &[
                    "kafka-consumer-groups",
                    "--bootstrap-servers",
                    "a:9092,b:9092",
                ],
                &["2:-|a|9092|-|a:9092", "2:-|b|9092|-|b:9092"],
            ),
            (
                &["x", "--bootstrap-servers=localhost:9092"],
                &["1:-|localhost|9092|-|localhost:9092"],
            ),
            (
                &["kafka-console-producer", "--broker-list", "localhost:9092"],
                &["2:-|localhost|9092|-|localhost:9092"],
            ),
            (
                &["kafka-console-producer", "--broker-list=kafka:29092"],
                &["1:-|kafka|29092|-|kafka:29092"],
            ),
            (
                &["kcat", "-b", "kafka:9092", "-L"],
                &["2:-|kafka|9092|-|kafka:9092"],
            ),
            (
                &["/usr/bin/kafkacat", "-C", "-bkafka:9092", "-t", "x"],
                &["2:-|kafka|9092|-|kafka:9092"],
            ),
            (
                &["rpk", "topic", "list", "--brokers", "redpanda:9092"],
                &["4:-|redpanda|9092|-|redpanda:9092"],
            ),
            (
                &["rpk", "cluster", "info", "--brokers=localhost:19092"],
                &["3:-|localhost|19092|-|localhost:19092"],
            ),
            (
                &["wait", "--url", "http://api:8000/health"],
                &["2:http|api|8000|-|api:8000"],
            ),
            (
                &["wait", "--url=postgres://db/app"],
                &["1:postgres|db|(5432)|-|db"],
            ),
            (
                &["redis-cli", "-h", "redis", "-p", "6380", "ping"],
                &["2:redis|redis|6380|-|redis"],
            ),
            (
                &["redis-cli", "-h", "localhost", "ping"],
                &["2:redis|localhost|(6379)|-|localhost"],
            ),
            (
                &["psql", "--host=db", "--port=5433", "-U", "app"],
                &["1:postgres|db|5433|-|db"],
            ),
            (
                &["psql", "--host", "127.0.0.1", "--port", "5432"],
                &["2:postgres|127.0.0.1|5432|-|127.0.0.1"],
            ),
            (
                &["mysql", "-h", "mysql", "-P", "3307", "-p", "secret"],
                &["2:mysql|mysql|3307|-|mysql"],
            ),
            (
                &["mysql", "-h", "db", "-p", "3307"],
                &["2:mysql|db|(3306)|-|db"],
            ),
            (
                &["redis-cli", "-h", "[::1]"],
                &["2:redis|::1|(6379)|-|[::1]"],
            ),
            // `-b` outside kcat and `-h` outside a database client are someone else's flags
            (&["gunicorn", "-b", "127.0.0.1:8000", "app:app"], &[]),
            (
                &["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"],
                &[],
            ),
            (&["flask", "run", "-h", "localhost", "-p", "5000"], &[]),
            // values that are not addresses
            (&["psql", "-h", "/var/run/postgresql"], &[]),
            (&["redis-cli", "-h", "redis:6379"], &[]),
            (&["kafka-topics", "--bootstrap-server"], &[]),
            (&["redis-cli", "-h"], &[]),
            (&[], &[]),
        ];
        for (args, expected) in cases {
            assert_eq!(&commands(args), expected, "{args:?}");
        }
    }

    /// A deterministic xorshift generator.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }
    }

    fn check_ranges(text: &str, t: &Target) {
        assert!(text.get(t.range.clone()).is_some(), "range of {text:?}");
        assert_eq!(
            text.get(t.host_range.clone()),
            Some(t.host.as_str()),
            "{text:?}"
        );
    }

    fn check_everything(rng: &mut Rng, text: &str) {
        for t in parse_value(text) {
            check_ranges(text, &t);
        }
        let args: Vec<&str> = text.split(' ').collect();
        for (i, t) in command_targets(&args) {
            check_ranges(args[i], &t);
        }
        let _ = (
            classify(text),
            is_client_key(text),
            is_browser_url_key(text),
        );
        let _ = inferred_port(text);
        let cut = rng.below(text.len() + 1);
        if let (Some(a), Some(b)) = (text.get(..cut), text.get(cut..)) {
            let _ = host_port_pairs(&[(a, b), (b, a)]);
        }
    }

    #[test]
    fn never_panics() {
        let chars: Vec<char> = "abcdefghijklmnopqrstuvwxyz0123456789:/@[],;.%?=_- \té\\"
            .chars()
            .collect();
        let tokens = [
            "postgres://",
            "jdbc:",
            "jdbc:oracle:thin:@",
            "jdbc:sqlserver://",
            "mongodb+srv://",
            "PLAINTEXT://",
            "//",
            "[",
            "]",
            "::1",
            "1@",
            ":9092",
            ":",
            "localhost",
            "db",
            "/",
            "@",
            ",",
            ";",
            " ",
            "%40",
            "\\",
            "kcat",
            "-b",
            "redis-cli",
            "-h",
            "-p",
            "mysql",
            "-P",
            "--url=",
            "--bootstrap-server",
            "=",
            "é",
            "127.0.0.1",
            "0",
        ];
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for _ in 0..20_000 {
            let len = rng.below(40);
            let text: String = (0..len).map(|_| chars[rng.below(chars.len())]).collect();
            check_everything(&mut rng, &text);
        }
        for _ in 0..20_000 {
            let len = rng.below(10);
            let text: String = (0..len).map(|_| tokens[rng.below(tokens.len())]).collect();
            check_everything(&mut rng, &text);
        }
    }
}
