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

/// The port a reader sorts a `ports` entry by: the first host port it publishes, else (no
/// host port written, or an ephemeral one) its first container port. None when the entry
/// does not parse or holds an unknown variable.
pub(crate) fn sort_port(item: &Value) -> Option<u16> {
    match entry(item) {
        Some(published) => Some(*published.host_ports.start()),
        None => target(item).map(|t| *t.ports.start()),
    }
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

/// Which publishers (numbered in file order) publish each host port, for rules that compare
/// every service's mappings with the others'. Ports are kept as stretches between the ends of
/// the published ranges, so `"1-65535:1-65535"` is one stretch, not 65,535 ports, and a lookup
/// is a binary search: comparing ranges as intervals keeps large projects linear.
#[derive(Debug)]
pub(crate) struct HostPortIndex {
    /// The first port of each stretch, ascending (as u32: a range may end at 65535).
    starts: Vec<u32>,
    /// The publishers of each stretch, in file order, each once.
    publishers: Vec<Vec<usize>>,
}

impl HostPortIndex {
    /// The index of the host port ranges of each publisher, in order.
    pub(crate) fn new(publishers: impl Iterator<Item = Vec<RangeInclusive<u16>>>) -> Self {
        let ranges: Vec<Vec<RangeInclusive<u16>>> = publishers.collect();
        let mut starts: Vec<u32> = ranges
            .iter()
            .flatten()
            .flat_map(|r| [u32::from(*r.start()), u32::from(*r.end()) + 1])
            .collect();
        starts.sort_unstable();
        starts.dedup();
        let mut index = HostPortIndex {
            publishers: vec![Vec::new(); starts.len()],
            starts,
        };
        for (k, own) in ranges.iter().enumerate() {
            for range in own {
                for stretch in index.stretches(range) {
                    let list = &mut index.publishers[stretch];
                    if list.last() != Some(&k) {
                        list.push(k);
                    }
                }
            }
        }
        index
    }

    /// The stretches that overlap `ports`.
    fn stretches(&self, ports: &RangeInclusive<u16>) -> Range<usize> {
        let first = self
            .starts
            .partition_point(|&s| s <= u32::from(*ports.start()))
            .saturating_sub(1);
        let end = self
            .starts
            .partition_point(|&s| s <= u32::from(*ports.end()));
        first..end
    }

    /// The publishers before `before` of any port of `ports`, in file order, each once.
    pub(crate) fn publishers(&self, ports: &RangeInclusive<u16>, before: usize) -> Vec<usize> {
        let mut found: Vec<usize> = self.publishers[self.stretches(ports)]
            .iter()
            .flat_map(|list| list.iter().copied().take_while(|&k| k < before))
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    /// The publishers of `port`, in file order.
    pub(crate) fn of_port(&self, port: u16) -> &[usize] {
        self.stretches(&(port..=port))
            .next()
            .map_or(&[], |stretch| &self.publishers[stretch])
    }
}

/// A set of ports kept as sorted, disjoint ranges: `"1-65535:1-65535"` is one entry, not 65,535.
#[derive(Debug, Clone, Default)]
pub(crate) struct PortSet {
    ranges: Vec<RangeInclusive<u16>>,
}

impl PortSet {
    /// Adds `range`, merging it with the ranges it touches.
    pub(crate) fn insert(&mut self, range: RangeInclusive<u16>) {
        let (mut start, mut end) = (*range.start(), *range.end());
        // The first range that ends at or after `start - 1` (touching ranges merge).
        let first = self
            .ranges
            .partition_point(|r| u32::from(*r.end()) + 1 < u32::from(start));
        let mut last = first;
        while last < self.ranges.len()
            && u32::from(*self.ranges[last].start()) <= u32::from(end) + 1
        {
            start = start.min(*self.ranges[last].start());
            end = end.max(*self.ranges[last].end());
            last += 1;
        }
        self.ranges.splice(first..last, [start..=end]);
    }

    /// True when `port` is in the set.
    pub(crate) fn contains(&self, port: u16) -> bool {
        let i = self.ranges.partition_point(|r| *r.end() < port);
        self.ranges.get(i).is_some_and(|r| r.contains(&port))
    }

    /// The first port after `port` that is not in the set.
    pub(crate) fn next_free_after(&self, port: u16) -> Option<u16> {
        let mut next = port.checked_add(1)?;
        let i = self.ranges.partition_point(|r| *r.end() < next);
        if let Some(r) = self.ranges.get(i).filter(|r| r.contains(&next)) {
            next = r.end().checked_add(1)?;
        }
        Some(next)
    }
}

impl FromIterator<RangeInclusive<u16>> for PortSet {
    fn from_iter<I: IntoIterator<Item = RangeInclusive<u16>>>(ranges: I) -> Self {
        let mut ranges: Vec<_> = ranges.into_iter().filter(|r| !r.is_empty()).collect();
        ranges.sort_unstable_by_key(|r| *r.start());
        let mut set = PortSet::default();
        for range in ranges {
            match set.ranges.last_mut() {
                Some(last) if u32::from(*range.start()) <= u32::from(*last.end()) + 1 => {
                    *last = *last.start()..=*last.end().max(range.end());
                }
                _ => set.ranges.push(range),
            }
        }
        set
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

/// The host address one `ports` entry binds, for rules about who can connect to it.
#[derive(Debug, Clone)]
pub(crate) struct PortBind<'p> {
    /// The address as written (brackets removed), None when none is written: Docker then
    /// binds every address of both families.
    pub host_ip: Option<String>,
    /// The entry: a scalar in short syntax, a mapping in long syntax.
    pub item: &'p Value,
    /// Long syntax: the `host_ip` value, when written.
    pub host_ip_value: Option<&'p Value>,
    /// Short syntax: the bytes of the address field in the entry's text (brackets included),
    /// when one is written.
    pub host_ip_text: Option<Range<usize>>,
    /// The entry publishes no fixed host port (`"3000"`, `- target: 80`).
    pub ephemeral: bool,
}

impl PortBind<'_> {
    /// Whether the address is every interface: none written, or an unspecified address in
    /// either family (`0.0.0.0`, `::`, `0:0:0:0:0:0:0:0`, `::ffff:0.0.0.0`).
    pub(crate) fn all_interfaces(&self) -> bool {
        self.host_ip.as_deref().is_none_or(is_unspecified)
    }

    /// Whether the address written is an IPv6 one.
    pub(crate) fn is_ipv6(&self) -> bool {
        self.host_ip
            .as_deref()
            .is_some_and(|ip| ip.parse::<std::net::Ipv6Addr>().is_ok())
    }
}

/// `""`, or an IP address that is the unspecified address of its family.
fn is_unspecified(ip: &str) -> bool {
    use std::net::IpAddr;
    let ip = ip.trim();
    if ip.is_empty() {
        return true;
    }
    match ip.parse::<IpAddr>() {
        Ok(IpAddr::V4(a)) => a.is_unspecified(),
        Ok(IpAddr::V6(a)) => {
            a.is_unspecified() || a.to_ipv4_mapped().is_some_and(|m| m.is_unspecified())
        }
        Err(_) => false,
    }
}

/// The host address of every `ports` entry whose address is known. An entry with an unset
/// variable where the address is written (`${IP}:8080:80`) is left out; one whose host port
/// alone is unknown (`${HOSTPORT}:80`) is kept: no address is written there.
pub(crate) fn port_binds(service: &Value) -> Vec<PortBind<'_>> {
    let Some(items) = service.get("ports").and_then(Value::as_seq) else {
        return Vec::new();
    };
    items.iter().filter_map(port_bind).collect()
}

fn port_bind(item: &Value) -> Option<PortBind<'_>> {
    match &item.kind {
        Kind::Int(_) => Some(PortBind {
            host_ip: None,
            item,
            host_ip_value: None,
            host_ip_text: None,
            ephemeral: true,
        }),
        Kind::Str(s) => {
            let unknown_at: Vec<usize> = s
                .interpolation
                .iter()
                .flat_map(|i| i.segments.iter())
                .filter(|seg| {
                    matches!(
                        seg.kind,
                        crate::project::interpolate::SegmentKind::Unknown { .. }
                    )
                })
                .map(|seg| seg.text.start)
                .collect();
            let text = s.text.as_str();
            let spec = text.rsplit_once('/').map_or(text, |(spec, _)| spec);
            // Fields split on the colons outside `[...]`, as Docker splits them: the last is the
            // container port, the one before it the host port, the rest the address.
            let mut colons = Vec::new();
            let mut depth = 0usize;
            for (i, b) in spec.bytes().enumerate() {
                match b {
                    b'[' => depth += 1,
                    b']' => depth = depth.saturating_sub(1),
                    b':' if depth == 0 => colons.push(i),
                    _ => {}
                }
            }
            let container_start = colons.last().map_or(0, |c| c + 1);
            // A container port from an unset variable (`${P}:${P}`) is still a mapping whose
            // address is known: none is written.
            if port_range(&spec[container_start..]).is_none()
                && (colons.is_empty() || !unknown_at.iter().any(|&p| p >= container_start))
            {
                return None;
            }
            if colons.len() < 2 {
                // `127.0.0.1:3001` is no mapping: Docker reads `127.0.0.1` as the host port and
                // refuses it.
                if let Some(&colon) = colons.first() {
                    let host = &spec[..colon];
                    if !host.is_empty() && unknown_at.is_empty() && port_range(host).is_none() {
                        return None;
                    }
                }
                let ephemeral = colons.is_empty();
                return Some(PortBind {
                    host_ip: None,
                    item,
                    host_ip_value: None,
                    host_ip_text: None,
                    ephemeral: ephemeral || spec[..colons[0]].is_empty() && unknown_at.is_empty(),
                });
            }
            let ip_end = colons[colons.len() - 2];
            if unknown_at.iter().any(|&p| p <= ip_end) {
                return None;
            }
            let ip = &spec[..ip_end];
            let bare = ip
                .strip_prefix('[')
                .and_then(|i| i.strip_suffix(']'))
                .unwrap_or(ip);
            let host_port = &spec[ip_end + 1..colons[colons.len() - 1]];
            Some(PortBind {
                host_ip: Some(bare.to_string()).filter(|i| !i.is_empty()),
                item,
                host_ip_value: None,
                host_ip_text: Some(0..ip_end),
                ephemeral: host_port.is_empty(),
            })
        }
        Kind::Map(m) => {
            m.get("target")?;
            let host_ip_value = m.get("host_ip");
            let host_ip = match host_ip_value {
                None => None,
                Some(v) => match &v.kind {
                    Kind::Str(s) if s.is_known() && !s.text.trim().is_empty() => {
                        Some(s.text.trim().to_string())
                    }
                    // Compose refuses an empty or non-string address: nothing runs.
                    _ => return None,
                },
            };
            Some(PortBind {
                host_ip,
                item,
                host_ip_value,
                host_ip_text: None,
                ephemeral: m.get("published").is_none(),
            })
        }
        _ => None,
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
    fn sort_ports_are_the_host_side_first() {
        let yaml = r#"
services:
  s:
    ports: ["9092", "8080:80/udp", "127.0.0.1:5432:5432", "[::1]:6000-6001:6000-6001",
            "127.0.0.1::7000", "x:y", "${UNSET}:80", {target: 7000, published: "7001"},
            {target: 7002}]
"#;
        let project = crate::project::from_yaml(yaml);
        let (_, service) = project.services().next().unwrap();
        let ports: Vec<_> = service
            .get("ports")
            .and_then(Value::as_seq)
            .unwrap()
            .iter()
            .map(sort_port)
            .collect();
        assert_eq!(
            ports,
            [
                Some(9092),
                Some(8080),
                Some(5432),
                Some(6000),
                Some(7000),
                None,
                None,
                Some(7001),
                Some(7002)
            ]
        );
    }

    #[test]
    fn host_port_index_compares_ranges() {
        let index = HostPortIndex::new(
            [
                vec![8000..=8010],
                vec![7000..=8000, 9000..=9000],
                vec![1..=65535],
                vec![],
            ]
            .into_iter(),
        );
        assert_eq!(index.of_port(8000), [0, 1, 2]);
        assert_eq!(index.of_port(8005), [0, 2]);
        assert_eq!(index.of_port(65535), [2]);
        assert_eq!(index.publishers(&(8010..=9000), 3), [0, 1, 2]);
        assert_eq!(index.publishers(&(8011..=8999), 2), Vec::<usize>::new());
        assert_eq!(index.publishers(&(1..=1), 3), [2]);
    }

    #[test]
    fn port_sets_merge_ranges() {
        let mut set: PortSet = [10..=20, 1..=5, 6..=8, 30..=30].into_iter().collect();
        assert_eq!(set.ranges, [1..=8, 10..=20, 30..=30]);
        assert!(set.contains(15) && !set.contains(9) && !set.contains(65535));
        assert_eq!(set.next_free_after(3), Some(9));
        assert_eq!(set.next_free_after(9), Some(21));
        set.insert(9..=9);
        assert_eq!(set.ranges, [1..=20, 30..=30]);
        set.insert(25..=40);
        assert_eq!(set.ranges, [1..=20, 25..=40]);
        assert_eq!(set.next_free_after(1), Some(21));
        set.insert(0..=65535);
        assert_eq!(set.next_free_after(1), None);
        assert_eq!(PortSet::default().next_free_after(65535), None);
    }

    #[test]
    fn ranges() {
        assert_eq!(port_range("8000-8010"), Some(8000..=8010));
        assert_eq!(port_range("8080"), Some(8080..=8080));
        assert_eq!(port_range("90-80"), None);
        assert_eq!(port_range("x"), None);
    }

    #[test]
    fn host_addresses_of_ports() {
        let project = crate::project::from_yaml(
            "services:\n  a:\n    ports: ['8080:80', '0.0.0.0:81:81', '127.0.0.1:82:82', \
             '[::]:83:83', ':::84:84', '3000', 3001, '${UNSET_IP_X}:85:85', '${UNSET_HP_X}:86', '${UNSET_P_X}:${UNSET_P_X}', '127.0.0.1:3002', \
             {target: 87, published: 87}, {target: 88, host_ip: 127.0.0.1}, '127.0.0.1::89/udp']\n",
        );
        let (_, spec) = project.services().next().unwrap();
        let got: Vec<(Option<String>, bool, bool)> = port_binds(spec)
            .iter()
            .map(|b| (b.host_ip.clone(), b.all_interfaces(), b.ephemeral))
            .collect();
        let ip = |s: &str| Some(s.to_string());
        assert_eq!(
            got,
            vec![
                (None, true, false),
                (ip("0.0.0.0"), true, false),
                (ip("127.0.0.1"), false, false),
                (ip("::"), true, false),
                (ip("::"), true, false),
                (None, true, true),
                (None, true, true),
                (None, true, false),
                (None, true, false),
                (None, true, false),
                (ip("127.0.0.1"), false, true),
                (ip("127.0.0.1"), false, true),
            ]
        );
    }
}
