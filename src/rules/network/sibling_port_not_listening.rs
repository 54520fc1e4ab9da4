//! NET007 sibling-port-not-listening.

use crate::diagnostic::{Applicability, Fix};
use crate::diagnostic::{Diagnostic, Platform, Severity};
use crate::diagnostic::{FixAvailability, RuleInfo};
use crate::facts::address_book::Addressee;
use crate::facts::clients::PortSource;
use crate::facts::kafka::zookeeper_connects;
use crate::facts::listens::{Listens, Source};
use crate::facts::service::Service;
use crate::fix::builders;
use crate::project::value::Value;
use crate::rules::{Context, Rule};
use std::ops::Range;

rule_info!(
    SiblingPortNotListening,
    INFO,
    "NET007",
    "sibling-port-not-listening",
    Severity::Error,
    &Platform::ALL,
    FixAvailability::Review
);

/// One address of the client naming a sibling at a port it does not listen on.
struct Miss<'p> {
    place: String,
    value: &'p Value,
    /// Bytes of the port inside the value's text.
    port_range: Range<usize>,
    /// Bytes of the host inside the value's text.
    host_range: Range<usize>,
    target: &'p str,
    port: u16,
}

impl Rule for SiblingPortNotListening {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_service<'p>(
        &self,
        cx: &Context<'p>,
        service: &Service<'p>,
        out: &mut Vec<Diagnostic>,
    ) {
        if service.network_mode.is_set() {
            return;
        }
        let misses = misses(cx, service);
        let Some(first) = misses.first() else { return };
        let project = cx.project;
        let Some(listens) = cx.topology().listens(first.target) else {
            return;
        };
        let main = main_ports(listens);
        let span = first
            .value
            .as_str()
            .and_then(|s| s.literal_span(first.host_range.start..first.port_range.end))
            .unwrap_or(first.value.origin.span);
        // "`29092`, `9092` (`KAFKA_LISTENERS`), `8081` (the image's default)"
        let mut groups: Vec<(&Source, Vec<String>)> = Vec::new();
        for (port, source) in &main {
            match groups.iter_mut().find(|(s, _)| s == source) {
                Some((_, ports)) => ports.push(format!("`{port}`")),
                None => groups.push((source, vec![format!("`{port}`")])),
            }
        }
        let listening: Vec<String> = groups
            .iter()
            .map(|(source, ports)| match source {
                Source::Setting(k) => format!("{} (`{k}`)", ports.join(", ")),
                _ => format!("{} (the image's default)", ports.join(", ")),
            })
            .collect();
        let mut d = Diagnostic::new(
            &INFO,
            format!(
                "{} connects to `{}:{}`, but `{}` listens on {}: the connection is refused",
                first.place,
                first.target,
                first.port,
                first.target,
                listening.join(", ")
            ),
        )
        .at(project.file(first.value.origin.file), span)
        .service(service.name);
        match main.as_slice() {
            [(port, _)] => {
                d = d.help(format!("connect to `{}:{port}`", first.target));
                let edit = builders::replace_part(
                    project,
                    first.value,
                    first.port_range.clone(),
                    &port.to_string(),
                );
                if let Some(edit) = edit {
                    d = d.with_fix(Some(Fix::new(
                        format!("Connect to `{}:{port}`", first.target),
                        Applicability::Review,
                        vec![edit],
                    )));
                }
            }
            _ => {
                d = d.help(format!(
                    "connect to a port `{}` listens on, or make it listen on `{}`",
                    first.target, first.port
                ));
            }
        }
        out.push(d);
    }
}

/// The ports a service serves clients on (quorum and management ports left out).
fn main_ports(listens: &Listens) -> Vec<(u16, &Source)> {
    listens
        .sources
        .iter()
        .filter(|(_, s)| *s != Source::Secondary)
        .map(|(p, s)| (*p, s))
        .collect()
}

/// The addresses with a written port naming a sibling whose listening ports are completely
/// known (a known server image, no mounted configuration, no unknown port setting) and do not
/// include that port: client settings and command-line flags, and ZooKeeper connections.
fn misses<'p>(cx: &Context<'p>, service: &Service<'p>) -> Vec<Miss<'p>> {
    // (place, value, bytes of `host:port` in the value's text)
    let mut candidates: Vec<(String, &'p Value, Range<usize>)> = Vec::new();
    for t in cx.client_targets(service.spec).iter() {
        if t.browser || !matches!(t.port_source, PortSource::Written) {
            continue;
        }
        if let Some(range) = t.value_range(t.target.range.clone()) {
            candidates.push((t.place.clone(), t.value, range));
        }
    }
    for c in zookeeper_connects(service) {
        for e in &c.entries {
            candidates.push((format!("`{}`", c.key), c.value, e.range.clone()));
        }
    }
    let book = cx.book();
    let mut out = Vec::new();
    for (place, value, range) in candidates {
        let Some(text) = value
            .as_str()
            .filter(|s| s.is_known())
            .map(|s| s.text.as_str())
        else {
            continue;
        };
        let Some(entry) = text.get(range.clone()) else {
            continue;
        };
        // `host:port`, not an IPv6 address without a port.
        let Some(colon) = entry.rfind(':').filter(|&i| !entry[..i].ends_with(':')) else {
            continue;
        };
        let host_range = range.start..range.start + colon;
        let port_range = range.start + colon + 1..range.end;
        let host = text[host_range.clone()].trim_matches(['[', ']']);
        let Ok(port) = text[port_range.clone()].parse::<u16>() else {
            continue;
        };
        let Addressee::Service(target) = book.resolve(service.name, host) else {
            continue;
        };
        if target == service.name || !listens_completely_elsewhere(cx, target, port) {
            continue;
        }
        out.push(Miss {
            place,
            value,
            port_range,
            host_range,
            target,
            port,
        });
    }
    out
}

/// Whether `target`'s listening ports are all known and `port` is not among them.
fn listens_completely_elsewhere(cx: &Context, target: &str, port: u16) -> bool {
    let Some(sibling) = cx.service(target) else {
        return false;
    };
    // Another namespace or the host network: the name does not reach a process of its own.
    if sibling.network_mode.is_set() || sibling.is_helper() || sibling.is_built() {
        return false;
    }
    let Some(listens) = cx.topology().listens(target) else {
        return false;
    };
    listens.complete && !listens.contains(port) && !main_ports(listens).is_empty()
}
