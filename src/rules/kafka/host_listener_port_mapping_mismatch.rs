//! KAF005 host-listener-port-mapping-mismatch.

use crate::diagnostic::{Applicability, Edit, Fix};
use crate::diagnostic::{Diagnostic, Platform, Severity};
use crate::diagnostic::{FixAvailability, RuleInfo};
use crate::facts::address_book::{AddressBook, Addressee};
use crate::facts::kafka::{self, Broker, Endpoint, Family, Origin};
use crate::facts::ports::{HostPortIndex, PortTarget, Published, targets};
use crate::facts::service::Service;
use crate::fix::builders;
use crate::project::Project;
use crate::project::value::Value;
use crate::rules::{Context, Rule};
use std::collections::HashMap;

rule_info!(
    HostListenerPortMappingMismatch,
    INFO,
    "KAF005",
    "host-listener-port-mapping-mismatch",
    Severity::Error,
    &Platform::ALL,
    FixAvailability::Safe
);

/// Why a host-facing advertised port does not lead to its listener (the catalog's sub-cases).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mismatch {
    /// Nothing publishes the port on the host.
    NotPublished,
    /// The broker publishes the port, to another container port.
    OtherContainerPort(u16),
    /// The listener is published, under other host ports only.
    OtherHostPorts,
    /// Another service publishes the host port.
    OtherService,
}

/// One host-facing advertised endpoint whose port is not published to its listener.
struct Finding<'p> {
    advertised: Endpoint<'p>,
    advertised_port: u16,
    bind: u16,
    /// Host ports the broker publishes to `bind`.
    host_ports: Vec<u16>,
    mismatch: Mismatch,
    /// The service publishing the port, for [`Mismatch::OtherService`].
    other: Option<&'p str>,
}

impl Rule for HostListenerPortMappingMismatch {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    // Per project, not per broker: every broker is compared with the host ports of every
    // service, a table built once.
    fn check_project(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let project = cx.project;
        let brokers = cx.brokers();
        let book = cx.book();
        let publishers = Publishers::new(
            cx.services()
                .iter()
                .filter(|s| !s.network_mode.is_set())
                .map(|s| (s.name, s.published()))
                .collect(),
        );
        for broker in brokers {
            let Some(service) = cx.service(broker.service) else {
                continue;
            };
            // A broker that publishes nothing cannot be reached from the host at all: no host
            // client ever sees its advertised addresses.
            if service.ports().is_empty()
                || service.network_mode.is_set()
                || discovers_port(service, broker)
                || kafka::exits_at_startup(broker)
            {
                continue;
            }
            let findings = findings(book, brokers, &publishers, broker);
            let Some(first) = findings.first() else {
                continue;
            };
            out.push(diagnose(
                project,
                service,
                broker,
                &publishers,
                &findings,
                first,
            ));
        }
    }
}

/// wurstmeister with the Docker socket and no port settings asks Docker for its port.
/// The host ports of the services with their own network, looked up by service and by port
/// (each broker asks about its own mappings and every other service's: by search, not by scan).
struct Publishers<'p> {
    list: Vec<(&'p str, Vec<Published<'p>>)>,
    by_name: HashMap<&'p str, usize>,
    tcp: HostPortIndex,
    any: HostPortIndex,
}

impl<'p> Publishers<'p> {
    fn new(list: Vec<(&'p str, Vec<Published<'p>>)>) -> Self {
        let ranges = |tcp_only: bool| {
            list.iter()
                .map(move |(_, ps)| {
                    ps.iter()
                        .filter(|p| !tcp_only || p.protocol == "tcp")
                        .map(|p| p.host_ports.clone())
                        .collect()
                })
                .collect::<Vec<_>>()
                .into_iter()
        };
        Publishers {
            by_name: list.iter().enumerate().map(|(i, (n, _))| (*n, i)).collect(),
            tcp: HostPortIndex::new(ranges(true)),
            any: HostPortIndex::new(ranges(false)),
            list,
        }
    }

    /// The mappings of service `name`.
    fn of(&self, name: &str) -> &[Published<'p>] {
        self.by_name.get(name).map_or(&[], |&i| &self.list[i].1)
    }

    /// The first service but `except` that publishes TCP host port `port`.
    fn other_tcp(&self, port: u16, except: &str) -> Option<&'p str> {
        self.tcp
            .of_port(port)
            .iter()
            .map(|&i| self.list[i].0)
            .find(|n| *n != except)
    }

    /// True when some service publishes host port `port`.
    fn is_taken(&self, port: u16) -> bool {
        !self.any.of_port(port).is_empty()
    }
}

fn discovers_port(service: &Service, broker: &Broker) -> bool {
    broker.family == Family::Wurstmeister
        && [
            "port",
            "listeners",
            "advertised.listeners",
            "advertised.port",
        ]
        .iter()
        .all(|p| broker.property(p).is_none())
        && service
            .spec
            .get("volumes")
            .and_then(Value::as_seq)
            .is_some_and(|v| {
                v.iter().any(|m| {
                    m.scalar_text()
                        .is_some_and(|t| t.contains("/var/run/docker.sock"))
                })
            })
}

fn findings<'p>(
    book: &AddressBook,
    brokers: &[Broker<'p>],
    publishers: &Publishers<'p>,
    broker: &Broker<'p>,
) -> Vec<Finding<'p>> {
    let (listeners, _) = broker.effective_listeners();
    let controllers = broker.controller_names();
    // An unknown count keeps the exemption: silence over a guess.
    let single = kafka::cluster_broker_count(book, brokers, broker).is_none_or(|n| n <= 1);
    let inter_broker = broker.inter_broker_name();
    let own = publishers.of(broker.service);
    let mut out = Vec::new();
    for advertised in broker.effective_advertised() {
        let Some(port) = advertised.port else {
            continue;
        };
        let addressee = book.resolve(broker.service, &advertised.host);
        let loopback = addressee == Addressee::Loopback;
        // A single-label name outside the project is more likely a container's than the
        // host's (NET003 territory); LAN addresses and qualified names face the host.
        let host_facing = loopback
            || (addressee == Addressee::External
                && (advertised.host.contains('.') || advertised.host.contains(':')));
        if !host_facing || controllers.contains(&advertised.name) {
            continue;
        }
        // A single broker may advertise its inter-broker listener on loopback to itself.
        if loopback && single && advertised.name == inter_broker {
            continue;
        }
        let Some(bind) = listeners
            .iter()
            .find(|l| l.name == advertised.name)
            .and_then(|l| l.port)
        else {
            continue;
        };
        let reaches = |p: &Published| {
            p.protocol == "tcp"
                && p.target_ports.start() == p.target_ports.end()
                && (!loopback || host_ip_reaches_loopback(p.host_ip.as_deref()))
        };
        let host_ports: Vec<u16> = own
            .iter()
            .filter(|p| reaches(p) && *p.target_ports.start() == bind)
            .filter(|p| p.host_ports.start() == p.host_ports.end())
            .map(|p| *p.host_ports.start())
            .collect();
        if host_ports.contains(&port) {
            continue;
        }
        let elsewhere = own
            .iter()
            .find(|p| reaches(p) && p.host_ports.contains(&port))
            .map(|p| *p.target_ports.start());
        let other = publishers.other_tcp(port, broker.service);
        let mismatch = match (elsewhere, other) {
            (Some(target), _) => Mismatch::OtherContainerPort(target),
            (None, Some(_)) => Mismatch::OtherService,
            (None, None) if !host_ports.is_empty() => Mismatch::OtherHostPorts,
            (None, None) => Mismatch::NotPublished,
        };
        out.push(Finding {
            advertised,
            advertised_port: port,
            bind,
            host_ports,
            mismatch,
            other,
        });
    }
    out
}

/// A mapping bound to this host IP is reachable at `localhost` on the host.
fn host_ip_reaches_loopback(ip: Option<&str>) -> bool {
    ip.is_none_or(|ip| {
        let ip = ip.trim_matches(['[', ']']);
        ip.is_empty() || ip == "0.0.0.0" || ip == "::" || ip.starts_with("127.") || ip == "::1"
    })
}

fn diagnose(
    project: &Project,
    service: &Service,
    broker: &Broker,
    publishers: &Publishers,
    findings: &[Finding],
    first: &Finding,
) -> Diagnostic {
    let a = &first.advertised;
    let address = format!("{}:{}", a.host, first.advertised_port);
    let consequence = match first.mismatch {
        Mismatch::NotPublished => format!(
            "but nothing publishes host port {}: clients on the host that bootstrap \
             successfully are then sent to `{address}` and cannot connect",
            first.advertised_port
        ),
        Mismatch::OtherContainerPort(target) => format!(
            "but host port {} is published to container port {target}, not to the listener's \
             port {}: clients on the host land on another listener",
            first.advertised_port, first.bind
        ),
        Mismatch::OtherHostPorts => format!(
            "but the listener's port {} is published as host port {}: clients on the host are \
             sent to `{address}`, which is not this listener",
            first.bind,
            first
                .host_ports
                .iter()
                .map(u16::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Mismatch::OtherService => format!(
            "but host port {} is published by `{}`: clients on the host are sent to that \
             service instead of the broker",
            first.advertised_port,
            first.other.unwrap_or_default()
        ),
    };
    let message = format!(
        "the `{}` listener of `{}` advertises `{address}` to clients on the host, {consequence}",
        a.name, broker.service
    );
    let span_source = a.source.as_ref();
    let (file, span) = match span_source.and_then(|s| {
        let range = s.entry.clone();
        Some((s.value, s.value.as_str()?.literal_span(range)?))
    }) {
        Some((value, span)) => (project.file(value.origin.file), span),
        None => {
            let origin = broker
                .property("advertised.listeners")
                .map_or(broker.spec.origin, |s| s.value.origin);
            (project.file(origin.file), origin.span)
        }
    };
    let fix = fix(project, service, broker, publishers, findings);
    let help = match &fix {
        Some(f) => f.title.clone(),
        None => format!(
            "publish `\"{p}:{}\"` or advertise the host port that reaches the listener",
            first.bind,
            p = first.advertised_port
        ),
    };
    Diagnostic::new(&INFO, message)
        .at(file, span)
        .service(broker.service)
        .help(help)
        .with_fix(fix)
}

/// Per finding: advertise the one host port that reaches the listener; else publish the
/// advertised port to the listener (changing the broker's own wrong mapping, or adding one).
fn fix(
    project: &Project,
    service: &Service,
    broker: &Broker,
    publishers: &Publishers,
    findings: &[Finding],
) -> Option<Fix> {
    let mut edits: Vec<Edit> = Vec::new();
    let mut titles = Vec::new();
    let own_targets = targets(service.spec);
    let derived = broker.effective_listeners().1 == Origin::Derived;
    for f in findings {
        if let [only] = f.host_ports.as_slice() {
            edits.push(advertise_port(project, &f.advertised, *only)?);
            titles.push(format!("advertise `{}:{only}`", f.advertised.host));
            // Listeners derived from the advertised ones bind the advertised port: the
            // mapping follows it.
            if derived && *only != f.bind {
                let mapping = own_targets.iter().find(|t| t.host_port == Some(*only))?;
                edits.push(set_target(project, mapping, *only)?);
            }
            continue;
        }
        match f.mismatch {
            Mismatch::OtherContainerPort(_) => {
                // The broker's own mapping of that host port goes to the listener instead.
                let mapping = own_targets
                    .iter()
                    .find(|t| t.host_port == Some(f.advertised_port))?;
                edits.push(set_target(project, mapping, f.bind)?);
                titles.push(format!(
                    "publish host port {} to container port {}",
                    f.advertised_port, f.bind
                ));
            }
            Mismatch::NotPublished => {
                if publishers.is_taken(f.advertised_port) {
                    return None;
                }
                let item = format!("\"{}:{}\"", f.advertised_port, f.bind);
                edits.push(match service.ports_entry() {
                    Some((_, ports)) => builders::add_item(project, ports, &item)?,
                    None => {
                        builders::add_key(project, service.spec, "ports", &format!("[{item}]"))?
                    }
                });
                titles.push(format!("publish `{}`", item.trim_matches('"')));
            }
            Mismatch::OtherHostPorts | Mismatch::OtherService => return None,
        }
    }
    Some(Fix::new(
        capitalise(&titles.join(", ")),
        Applicability::Safe,
        edits,
    ))
}

/// Points a `ports` mapping at container port `port`.
fn set_target(project: &Project, mapping: &PortTarget, port: u16) -> Option<Edit> {
    match mapping.value.as_str() {
        Some(_) => builders::replace_part(
            project,
            mapping.value,
            mapping.text.clone(),
            &port.to_string(),
        ),
        None => builders::replace_scalar(project, mapping.value, &port.to_string()),
    }
}

/// Replaces the port of an advertised endpoint where it is written.
fn advertise_port(project: &Project, e: &Endpoint, port: u16) -> Option<Edit> {
    let s = e.source.as_ref()?;
    let text = &s.value.as_str()?.text;
    let (entry_end, host_end) = (s.entry.end, s.host.end);
    let colon = text.get(host_end..entry_end)?.find(':')? + host_end;
    builders::replace_part(project, s.value, colon + 1..entry_end, &port.to_string())
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
