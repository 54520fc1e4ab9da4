//! The address book (RULES.md §1.2): the names and addresses by which containers reach each
//! other, and what a host written in a value refers to.

use super::connection::{HostClass, classify};
use crate::facts::network_mode::NetworkMode;
use crate::project::Project;
use crate::project::value::{Kind, Value};
use std::borrow::Cow;
use std::collections::HashMap;
use std::net::IpAddr;

/// What a host, as one service writes it, refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Addressee<'p> {
    /// The container itself (`localhost`, `127.0.0.1`, `::1`).
    Loopback,
    /// `0.0.0.0`, `::` or an empty host: loopback when connected to.
    AnyAddress,
    /// A current host-gateway name (`host.docker.internal`, ...).
    HostGateway,
    /// A legacy Docker Desktop name (`docker.for.mac.localhost`, ...).
    DesktopLegacy,
    /// A service of the project, by one of its names or its static IP.
    Service(&'p str),
    /// A name the consumer maps itself with `extra_hosts`.
    ExtraHost,
    /// A container IP that belongs to no service: inside a declared subnet or Docker's
    /// default bridge pools.
    ContainerIp,
    /// Anything else: a LAN address, a fully qualified name, a name of another project.
    External,
}

/// One service's entry.
struct Entry<'p> {
    service: &'p str,
    /// Lower-case names: service key, `hostname`, `container_name`, network aliases.
    names: Vec<String>,
    /// Static `ipv4_address`/`ipv6_address` values.
    ips: Vec<IpAddr>,
    /// `links` aliases this service (as consumer) declares: alias → service.
    links: Vec<(String, String)>,
    /// Lower-case names this service maps with `extra_hosts`.
    extra_hosts: Vec<String>,
    /// The networks it is attached to (`default` when it lists none).
    networks: Vec<String>,
    /// False for `network_mode` host, none, `service:`/`container:`.
    bridged: bool,
}

/// The project's names, addresses and networks.
pub struct AddressBook<'p> {
    entries: Vec<Entry<'p>>,
    /// Entry index by service key, by name (first service wins) and by static IP: lookups
    /// stay constant-time in projects with thousands of services.
    by_service: HashMap<&'p str, usize>,
    by_name: HashMap<String, usize>,
    by_ip: HashMap<IpAddr, usize>,
    subnets: Vec<(IpAddr, u8)>,
    external_networks: Vec<String>,
}

fn text(v: &Value) -> Option<String> {
    let s = v.scalar_text()?;
    v.as_str()
        .is_none_or(|s| s.is_known())
        .then(|| s.to_ascii_lowercase())
}

/// `host` without brackets, trailing dot or case; copied only when it has upper-case letters.
fn normal(host: &str) -> Cow<'_, str> {
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    let host = host.strip_suffix('.').unwrap_or(host);
    if host.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(host.to_ascii_lowercase())
    } else {
        Cow::Borrowed(host)
    }
}

/// Whether `host` may spell an IP address: only hex digits, dots and colons do, so names
/// skip the parse.
fn may_be_ip(host: &str) -> bool {
    host.bytes()
        .all(|b| b.is_ascii_hexdigit() || b == b'.' || b == b':')
}

impl<'p> AddressBook<'p> {
    /// Reads every service's names and the project's networks.
    pub fn new(project: &'p Project) -> Self {
        let entries: Vec<Entry<'p>> = project.services().map(|(n, s)| entry(n, s)).collect();
        let mut by_service = HashMap::new();
        let mut by_name = HashMap::new();
        let mut by_ip = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            by_service.entry(e.service).or_insert(i);
            for name in &e.names {
                by_name.entry(name.clone()).or_insert(i);
            }
            for ip in &e.ips {
                by_ip.entry(*ip).or_insert(i);
            }
        }
        let networks = project
            .model
            .as_ref()
            .and_then(|m| m.get("networks"))
            .and_then(Value::as_map);
        let mut subnets = Vec::new();
        let mut external_networks = Vec::new();
        for (name, _, network) in networks.into_iter().flat_map(|m| m.iter()) {
            let external = network.get("external");
            if external.is_some_and(|e| !matches!(e.kind, Kind::Bool(false) | Kind::Null)) {
                external_networks.push(name.to_string());
            }
            let configs = network
                .get("ipam")
                .and_then(|i| i.get("config"))
                .and_then(Value::as_seq);
            for config in configs.into_iter().flatten() {
                if let Some(subnet) = config.get("subnet").and_then(text)
                    && let Some((ip, len)) = subnet.split_once('/')
                    && let (Ok(ip), Ok(len)) = (ip.parse(), len.parse())
                {
                    subnets.push((ip, len));
                }
            }
        }
        AddressBook {
            entries,
            by_service,
            by_name,
            by_ip,
            subnets,
            external_networks,
        }
    }

    /// What `host`, written by service `consumer`, refers to.
    pub fn resolve(&self, consumer: &str, host: &str) -> Addressee<'p> {
        match classify(host) {
            HostClass::Loopback => return Addressee::Loopback,
            HostClass::AnyAddress => return Addressee::AnyAddress,
            HostClass::HostGateway => return Addressee::HostGateway,
            HostClass::DesktopLegacy => return Addressee::DesktopLegacy,
            HostClass::Other => {}
        }
        let host = normal(host);
        let host = host.as_ref();
        let own = self.entry(consumer);
        if own.is_some_and(|e| e.extra_hosts.iter().any(|h| h == host)) {
            return Addressee::ExtraHost;
        }
        if let Some((_, target)) = own.and_then(|e| e.links.iter().find(|(a, _)| a == host))
            && let Some(e) = self.entry(target)
        {
            return Addressee::Service(e.service);
        }
        if may_be_ip(host)
            && let Ok(ip) = host.parse::<IpAddr>()
        {
            if let Some(e) = self.by_ip.get(&ip).map(|&i| &self.entries[i]) {
                return Addressee::Service(e.service);
            }
            return if self.is_container_ip(ip) {
                Addressee::ContainerIp
            } else {
                Addressee::External
            };
        }
        match self.by_name.get(host).map(|&i| &self.entries[i]) {
            Some(e) => Addressee::Service(e.service),
            None => Addressee::External,
        }
    }

    /// A literal IP that Docker gives containers (§1.2): inside a declared subnet, equal to a
    /// service's static address, or inside the default bridge pools 172.17.0.0/16 to
    /// 172.31.0.0/16 (not 192.168.x.x, which LANs use too, unless a subnet declares it).
    pub fn is_container_ip(&self, ip: IpAddr) -> bool {
        let default_pool = match ip {
            IpAddr::V4(v4) => {
                let [a, b, ..] = v4.octets();
                a == 172 && (17..=31).contains(&b)
            }
            IpAddr::V6(_) => false,
        };
        default_pool
            || self.by_ip.contains_key(&ip)
            || self
                .subnets
                .iter()
                .any(|&(net, len)| in_subnet(ip, net, len))
    }

    /// The service keys, in file order.
    pub fn services(&self) -> impl Iterator<Item = &'p str> + '_ {
        self.entries.iter().map(|e| e.service)
    }

    /// Whether `service` is attached to a network declared `external` (names of other projects
    /// may resolve there).
    pub fn on_external_network(&self, service: &str) -> bool {
        self.entry(service).is_some_and(|e| {
            e.networks
                .iter()
                .any(|n| self.external_networks.contains(n))
        })
    }

    /// Whether two services share a network, so each resolves the other's names.
    pub fn share_network(&self, a: &str, b: &str) -> bool {
        match (self.entry(a), self.entry(b)) {
            (Some(a), Some(b)) => {
                a.bridged && b.bridged && a.networks.iter().any(|n| b.networks.contains(n))
            }
            _ => false,
        }
    }

    fn entry(&self, service: &str) -> Option<&Entry<'p>> {
        self.by_service.get(service).map(|&i| &self.entries[i])
    }
}

fn in_subnet(ip: IpAddr, net: IpAddr, len: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(ip), IpAddr::V4(net)) if len <= 32 => {
            let mask = u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0);
            u32::from(ip) & mask == u32::from(net) & mask
        }
        (IpAddr::V6(ip), IpAddr::V6(net)) if len <= 128 => {
            let mask = u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0);
            u128::from(ip) & mask == u128::from(net) & mask
        }
        _ => false,
    }
}

fn entry<'p>(name: &'p str, service: &Value) -> Entry<'p> {
    let mut names = vec![name.to_ascii_lowercase()];
    names.extend(["hostname", "container_name"].iter().filter_map(|k| {
        let v = service.get(k)?;
        text(v).filter(|t| !t.is_empty())
    }));
    let mut ips = Vec::new();
    let mut networks = Vec::new();
    if let Some(map) = service.get("networks").and_then(Value::as_map) {
        for (network, _, config) in map.iter() {
            networks.push(network.to_string());
            let aliases = config.get("aliases").and_then(Value::as_seq);
            names.extend(aliases.into_iter().flatten().filter_map(text));
            for key in ["ipv4_address", "ipv6_address"] {
                if let Some(ip) = config.get(key).and_then(text).and_then(|t| t.parse().ok()) {
                    ips.push(ip);
                }
            }
        }
    } else {
        networks.push("default".to_string());
    }
    let links = service
        .get("links")
        .and_then(Value::as_seq)
        .into_iter()
        .flatten()
        .filter_map(text)
        .map(|l| match l.split_once(':') {
            Some((target, alias)) => (alias.to_string(), target.to_string()),
            None => (l.clone(), l),
        })
        .collect();
    let extra_hosts = service
        .get("extra_hosts")
        .and_then(Value::as_map)
        .into_iter()
        .flat_map(|m| m.iter().map(|(k, _, _)| normal(k).into_owned()))
        .collect();
    let bridged = NetworkMode::of(service).is_bridged();
    Entry {
        service: name,
        names,
        ips,
        links,
        extra_hosts,
        networks,
        bridged,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_names() {
        let yaml = r#"
services:
  db:
    image: postgres
    hostname: database.local
    networks:
      back:
        aliases: [pg]
        ipv4_address: 10.5.0.5
  app:
    image: app
    links: ["db:sql"]
    extra_hosts: ["printer:192.168.1.9"]
    networks: [back, outside]
  tool:
    image: tool
    network_mode: host
networks:
  back:
    ipam:
      config: [{subnet: 10.5.0.0/16}]
  outside:
    external: true
"#;
        let project = crate::project::from_yaml(yaml);
        let book = AddressBook::new(&project);
        let cases = [
            ("DB", Addressee::Service("db")),
            ("database.local.", Addressee::Service("db")),
            ("pg", Addressee::Service("db")),
            ("sql", Addressee::Service("db")),
            ("10.5.0.5", Addressee::Service("db")),
            ("[10.5.0.5]", Addressee::Service("db")),
            ("PG.", Addressee::Service("db")),
            ("Printer", Addressee::ExtraHost),
            ("SQL", Addressee::Service("db")),
            ("10.5.0.9", Addressee::ContainerIp),
            ("172.18.0.3", Addressee::ContainerIp),
            ("192.168.1.20", Addressee::External),
            ("printer", Addressee::ExtraHost),
            ("localhost", Addressee::Loopback),
            ("0.0.0.0", Addressee::AnyAddress),
            ("host.docker.internal", Addressee::HostGateway),
            ("cache", Addressee::External),
        ];
        for (host, expected) in cases {
            assert_eq!(book.resolve("app", host), expected, "{host}");
        }
        assert_eq!(book.resolve("tool", "sql"), Addressee::External);
        assert!(book.on_external_network("app"));
        assert!(!book.on_external_network("db"));
        assert!(book.share_network("app", "db"));
        assert!(!book.share_network("tool", "db"));
    }
}
