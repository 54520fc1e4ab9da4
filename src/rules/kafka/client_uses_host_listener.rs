//! CMP002 kafka-client-uses-host-listener.

use super::client_bootstrap_loopback::internal_endpoint;
use crate::diagnostic::{Applicability, Fix};
use crate::diagnostic::{Diagnostic, Platform, Severity};
use crate::diagnostic::{FixAvailability, RuleInfo};
use crate::facts::address_book::{AddressBook, Addressee};
use crate::facts::bootstrap::bootstrap_targets;
use crate::facts::clients::ClientTarget;
use crate::facts::kafka::{Broker, Endpoint};
use crate::facts::service::Service;
use crate::fix::builders;
use crate::project::Project;
use crate::rules::{Context, Rule};

rule_info!(
    KafkaClientUsesHostListener,
    INFO,
    "CMP002",
    "kafka-client-uses-host-listener",
    Severity::Error,
    &Platform::ALL,
    FixAvailability::Safe
);

/// A client entry that reaches a broker's host-facing listener.
struct Hit<'a, 'p> {
    target: &'a ClientTarget<'p>,
    broker: &'a Broker<'p>,
    /// The advertised endpoint the client is sent to.
    advertised: Endpoint<'p>,
    /// The container address to use instead.
    internal: String,
}

impl Rule for KafkaClientUsesHostListener {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_service(&self, cx: &Context<'_>, service: &Service<'_>, out: &mut Vec<Diagnostic>) {
        if cx.brokers().is_empty() || service.network_mode.is_set() {
            return;
        }
        let project = cx.project;
        let book = cx.book();
        let name = service.name;
        let targets = bootstrap_targets(service.spec);
        let hits: Vec<Hit> = targets
            .iter()
            .filter_map(|t| hit(book, |b| cx.broker(b), name, t))
            .collect();
        let Some(first) = hits.first() else { return };
        let advertised = match first.advertised.port {
            Some(p) => format!("{}:{p}", first.advertised.host),
            None => first.advertised.host.clone(),
        };
        let message = format!(
            "{} bootstraps from `{}:{}`, the `{}` listener of `{}`, which advertises \
             `{advertised}`: the first connection works, then the client is sent to \
             `{advertised}`, which from the `{name}` container is not the broker",
            first.target.place,
            first.target.target.host,
            first.target.port.unwrap_or_default(),
            first.advertised.name,
            first.broker.service,
        );
        out.push(
            Diagnostic::new(&INFO, message)
                .at(
                    project.file(first.target.value.origin.file),
                    first.target.host_span(),
                )
                .service(name)
                .help(format!(
                    "use the listener the broker advertises to containers: `{}`",
                    first.internal
                ))
                .with_fix(fix(project, name, &hits)),
        );
    }
}

/// The entry when it names a broker on a listener advertised to the host while another
/// listener is advertised to containers.
fn hit<'a, 'p>(
    book: &AddressBook,
    broker_named: impl Fn(&str) -> Option<&'a Broker<'p>>,
    client: &str,
    t: &'a ClientTarget<'p>,
) -> Option<Hit<'a, 'p>> {
    let Addressee::Service(target) = book.resolve(client, &t.target.host) else {
        return None;
    };
    let broker = broker_named(target)?;
    let port = t.port?;
    let (listeners, _) = broker.effective_listeners();
    let listener = listeners.iter().find(|l| l.port == Some(port))?;
    let advertised = broker
        .effective_advertised()
        .into_iter()
        .find(|a| a.name == listener.name)?;
    let host_facing = matches!(
        book.resolve(broker.service, &advertised.host),
        Addressee::Loopback | Addressee::External
    );
    if !host_facing {
        return None;
    }
    let internal = internal_endpoint(book, broker)?;
    Some(Hit {
        target: t,
        broker,
        advertised,
        internal,
    })
}

/// Points each entry at the broker's container listener.
fn fix(project: &Project, service: &str, hits: &[Hit]) -> Option<Fix> {
    let mut edits = Vec::new();
    let mut shared = false;
    for h in hits {
        let t = h.target;
        let range = t.value_range(t.target.range.clone())?;
        edits.push(builders::replace_part(
            project,
            t.value,
            range,
            &h.internal,
        )?);
        shared |= builders::services_sharing(project, t.value)
            .iter()
            .any(|s| s != service);
    }
    let mut targets: Vec<&str> = hits.iter().map(|h| h.internal.as_str()).collect();
    targets.dedup();
    Some(Fix::new(
        format!("Bootstrap from `{}`", targets.join("`, `")),
        if shared {
            Applicability::Review
        } else {
            Applicability::Safe
        },
        edits,
    ))
}
