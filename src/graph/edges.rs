//! The edges of a project, read from the facts: published ports, client addresses resolved
//! with the address book, brokers' ZooKeeper connections, and `depends_on`.

use super::EdgeKind;
use crate::facts::address_book::{AddressBook, Addressee};
use crate::facts::kafka::zookeeper_connects;
use crate::facts::service::Service;
use crate::project::Project;
use crate::project::value::Origin;
use crate::source::Span;
use std::ops::RangeInclusive;

/// Where an edge starts or ends, before nodes are numbered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum End<'p> {
    /// A service, by key (a name the project does not define is drawn as an address).
    Service(&'p str),
    /// The developer's machine.
    Host,
    /// A host outside the project, lower-case.
    External(String),
}

/// One edge as the facts give it, with the bytes of the value it comes from.
#[derive(Debug)]
pub(super) struct RawEdge<'p> {
    pub from: End<'p>,
    pub to: End<'p>,
    pub label: String,
    pub kind: EdgeKind,
    /// The value the edge comes from: a finding inside it breaks the edge.
    pub origin: Origin,
}

/// Every edge of the project: the published ports, then the connections, then `depends_on`,
/// each in service file order.
pub(super) fn edges<'p>(project: &'p Project, services: &[Service<'p>]) -> Vec<RawEdge<'p>> {
    let book = AddressBook::new(project);
    let mut out = Vec::new();
    for service in services {
        for p in service.published() {
            let ip = match p.host_ip.as_deref() {
                None | Some("" | "0.0.0.0" | "::") => String::new(),
                Some(ip) if ip.contains(':') => format!("[{ip}]:"),
                Some(ip) => format!("{ip}:"),
            };
            out.push(RawEdge {
                from: End::Host,
                to: End::Service(service.name),
                label: format!(
                    "{ip}{}→{}/{}",
                    ports(&p.host_ports),
                    ports(&p.target_ports),
                    p.protocol
                ),
                kind: EdgeKind::Publishes,
                origin: p.value.origin,
            });
        }
    }
    for service in services {
        connections(&book, service, &mut out);
    }
    for service in services {
        for (name, key, value) in service.depends_on() {
            // The name and, in the mapping form, its settings.
            let end = if value.origin.file == key.file {
                value.origin.span.end.max(key.span.end)
            } else {
                key.span.end
            };
            out.push(RawEdge {
                from: End::Service(service.name),
                to: End::Service(name),
                label: "depends_on".to_string(),
                kind: EdgeKind::DependsOn,
                origin: Origin {
                    span: Span::new(key.span.start, end),
                    ..*key
                },
            });
        }
    }
    out
}

/// The client addresses of `service`, then its ZooKeeper connections.
fn connections<'p>(book: &AddressBook<'p>, service: &Service<'p>, out: &mut Vec<RawEdge<'p>>) {
    let name = service.name;
    for t in crate::facts::clients::client_targets(service.spec) {
        let to = match book.resolve(name, &t.host()) {
            // A bare `0.0.0.0` is an address to bind, not one to connect to.
            Addressee::AnyAddress if t.target.is_bare() => continue,
            // A browser on the host opens it: there loopback is the host.
            Addressee::Loopback | Addressee::AnyAddress if t.browser => End::Host,
            Addressee::Loopback | Addressee::AnyAddress => End::Service(name),
            addressee => end(addressee, t.host()),
        };
        let place = t.key.unwrap_or(t.place.trim_matches('`'));
        out.push(RawEdge {
            from: End::Service(name),
            to,
            label: label(place, t.port),
            kind: EdgeKind::Connects,
            origin: t.value.origin,
        });
    }
    for connect in zookeeper_connects(service) {
        for entry in &connect.entries {
            let to = match book.resolve(name, &entry.host) {
                Addressee::Loopback | Addressee::AnyAddress => End::Service(name),
                addressee => end(addressee, entry.host.to_ascii_lowercase()),
            };
            out.push(RawEdge {
                from: End::Service(name),
                to,
                label: label(connect.key, entry.port),
                kind: EdgeKind::Connects,
                origin: connect.value.origin,
            });
        }
    }
}

/// Where an address that is not loopback leads.
fn end<'p>(addressee: Addressee<'p>, host: String) -> End<'p> {
    match addressee {
        Addressee::Service(s) => End::Service(s),
        Addressee::HostGateway | Addressee::DesktopLegacy => End::Host,
        _ => End::External(host),
    }
}

/// `KEY :9092`, or the key alone when the port is not known.
fn label(place: &str, port: Option<u16>) -> String {
    match port {
        Some(port) => format!("{place} :{port}"),
        None => place.to_string(),
    }
}

/// `8080`, or `8000-8010`.
fn ports(range: &RangeInclusive<u16>) -> String {
    if range.start() == range.end() {
        range.start().to_string()
    } else {
        format!("{}-{}", range.start(), range.end())
    }
}
