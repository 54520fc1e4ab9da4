//! KAF015 listener-bound-to-loopback.

use super::listener_list::{self, span};
use crate::diagnostic::{Applicability, Fix};
use crate::diagnostic::{Diagnostic, Platform, Severity};
use crate::diagnostic::{FixAvailability, RuleInfo};
use crate::facts::address_book::Addressee;
use crate::facts::bootstrap::bootstrap_targets;
use crate::facts::connection::{HostClass, classify};
use crate::facts::kafka::{self, Broker, Endpoint};
use crate::facts::ports;
use crate::facts::service::Service;
use crate::fix::builders;
use crate::project::Project;
use crate::rules::{Context, Rule};

rule_info!(
    ListenerBoundToLoopback,
    INFO,
    "KAF015",
    "listener-bound-to-loopback",
    Severity::Error,
    &Platform::ALL,
    FixAvailability::Safe
);

/// A loopback-bound listener and why something outside the container needs it.
struct Hit<'p> {
    listener: Endpoint<'p>,
    reasons: Vec<String>,
}

impl Rule for ListenerBoundToLoopback {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_broker(
        &self,
        cx: &Context<'_>,
        service: &Service<'_>,
        broker: &Broker<'_>,
        out: &mut Vec<Diagnostic>,
    ) {
        // A container that exits at start-up binds nothing (§1.5); in another namespace
        // (host networking) loopback is what its peers share.
        if kafka::exits_at_startup(broker) || service.network_mode.shares_namespace() {
            return;
        }
        let hits = hits(cx, service, broker);
        if let Some(d) = diagnose(cx.project, service, broker, &hits) {
            out.push(d);
        }
    }
}

/// The broker's loopback-bound listeners that something outside the container needs.
fn hits<'p>(cx: &Context, service: &Service, broker: &Broker<'p>) -> Vec<Hit<'p>> {
    let (listeners, _) = broker.effective_listeners();
    listeners
        .into_iter()
        .filter(|l| classify(&l.host) == HostClass::Loopback)
        .filter_map(|listener| {
            let reasons = reasons(cx, service, broker, &listener);
            (!reasons.is_empty()).then_some(Hit { listener, reasons })
        })
        .collect()
}

/// Why the listener must be reachable from outside its container (RULES.md KAF015).
fn reasons(cx: &Context, service: &Service, broker: &Broker, listener: &Endpoint) -> Vec<String> {
    let book = cx.book();
    let mut out = Vec::new();
    let Some(port) = listener.port else {
        return out;
    };
    if let Some(t) = ports::targets(service.spec)
        .into_iter()
        .find(|t| t.protocol == "tcp" && t.ports.contains(&port))
    {
        let written = t.value.scalar_text().unwrap_or_default().into_owned();
        out.push(format!(
            "its port is published (`{written}`), and published traffic arrives on the \
             container's network interface, not on its loopback"
        ));
    }
    let advertised_known = broker
        .property("advertised.listeners")
        .is_none_or(|s| s.text().is_some());
    if advertised_known
        && let Some(a) = broker
            .effective_advertised()
            .into_iter()
            .find(|a| a.name == listener.name && classify(&a.host) != HostClass::Loopback)
    {
        let host = if a.host.is_empty() {
            "the container's host name".to_string()
        } else {
            format!("`{}`", a.host)
        };
        out.push(format!(
            "it is advertised as {host}, so clients are sent to an address nothing answers on"
        ));
    }
    let inter_known = [
        "inter.broker.listener.name",
        "security.inter.broker.protocol",
    ]
    .iter()
    .all(|p| broker.property(p).is_none_or(|s| s.text().is_some()));
    if inter_known
        && broker.inter_broker_name() == listener.name
        && let Some(n) = kafka::cluster_broker_count(book, cx.brokers(), broker).filter(|n| *n >= 2)
    {
        out.push(format!(
            "it is the inter-broker listener of a {n}-broker cluster, so the other brokers \
             cannot replicate from it"
        ));
    }
    let clients: Vec<String> = cx
        .services()
        .iter()
        .filter(|s| s.name != broker.service)
        .filter(|s| {
            bootstrap_targets(s.spec).iter().any(|t| {
                t.port == Some(port)
                    && book.resolve(s.name, &t.host()) == Addressee::Service(broker.service)
            })
        })
        .map(|s| format!("`{}`", s.name))
        .collect();
    if !clients.is_empty() {
        out.push(format!(
            "{} connect{} to it on port {port} from another container",
            clients.join(", "),
            if clients.len() == 1 { "s" } else { "" }
        ));
    }
    out
}

/// One finding per broker: the first listener in the message, the others as labels.
fn diagnose(
    project: &Project,
    service: &Service,
    broker: &Broker,
    hits: &[Hit],
) -> Option<Diagnostic> {
    let first = hits.first()?;
    let l = &first.listener;
    let place = match broker.property("listeners") {
        Some(s) => format!("`{}`", s.key),
        None if l.source.is_some() => "`--kafka-addr`".to_string(),
        None => "the image's default configuration".to_string(),
    };
    let host = if l.host.contains(':') {
        format!("[{}]", l.host)
    } else {
        l.host.clone()
    };
    let message = format!(
        "{place} binds listener `{}` to `{host}:{}`, which only the `{}` container itself can \
         reach: {}",
        l.name,
        l.port.unwrap_or_default(),
        broker.service,
        first.reasons.join("; ")
    );
    let (file, at) = match listener_list::written(l) {
        Some(w) => span(project, w.value, w.host),
        // The image's defaults are written nowhere: point at the image.
        None => {
            let image = service.image_value()?;
            (
                std::sync::Arc::clone(project.file(image.origin.file)),
                image.origin.span,
            )
        }
    };
    let mut d = Diagnostic::new(&INFO, message)
        .at(&file, at)
        .service(broker.service)
        .help("bind the listener to all interfaces (`0.0.0.0`); the advertised address stays as it is");
    for other in &hits[1..] {
        if let Some(w) = listener_list::written(&other.listener) {
            let (file, at) = span(project, w.value, w.host);
            d = d.label(
                &file,
                at,
                format!("`{}` is bound to loopback too", other.listener.name),
            );
        }
    }
    Some(d.with_fix(fix(project, broker, hits)))
}

/// Rebinds each listener to all interfaces, as the list writes them (`0.0.0.0`, an empty host,
/// or `::` for IPv6).
fn fix(project: &Project, broker: &Broker, hits: &[Hit]) -> Option<Fix> {
    let (listeners, _) = broker.effective_listeners();
    let others: Vec<Endpoint> = listeners
        .into_iter()
        .filter(|l| classify(&l.host) != HostClass::Loopback)
        .collect();
    let mut edits = Vec::new();
    let mut shared = false;
    for hit in hits {
        let w = listener_list::written(&hit.listener)?;
        let any = if hit.listener.host.contains(':') {
            "::"
        } else {
            listener_list::bind_host(&others)
        };
        edits.push(builders::replace_part(
            project,
            w.value,
            w.host.clone(),
            any,
        )?);
        shared |= listener_list::shared(project, broker.service, w.value);
    }
    let applicability = if shared {
        Applicability::Review
    } else {
        Applicability::Safe
    };
    Some(Fix::new(
        "Bind the listener to all interfaces",
        applicability,
        edits,
    ))
}
