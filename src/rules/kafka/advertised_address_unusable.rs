//! KAF002 advertised-address-unusable.

use super::address::{advertising, location};
use crate::diagnostic::{Applicability, Fix};
use crate::diagnostic::{Diagnostic, Platform, Severity};
use crate::diagnostic::{FixAvailability, RuleInfo};
use crate::facts::address_book::{AddressBook, Addressee};
use crate::facts::bootstrap::bootstrap_targets;
use crate::facts::connection::{HostClass, classify};
use crate::facts::kafka::{Broker, Endpoint, Family};
use crate::facts::service::Service;
use crate::fix::builders;
use crate::rules::kafka::remedy::dual_listener;
use crate::rules::{Context, Rule};

rule_info!(
    AdvertisedAddressUnusable,
    INFO,
    "KAF002",
    "advertised-address-unusable",
    Severity::Error,
    &Platform::ALL,
    FixAvailability::Review
);

impl Rule for AdvertisedAddressUnusable {
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
        if !advertising(service, broker) {
            return;
        }
        let project = cx.project;
        let book = cx.book();
        // wurstmeister's script fills an empty host from `HOSTNAME_COMMAND`.
        let filled = broker.family == Family::Wurstmeister
            && service.env_value("HOSTNAME_COMMAND").is_some();
        let controllers = broker.controller_names();
        let bad: Vec<Endpoint> = broker
            .effective_advertised()
            .into_iter()
            .filter(|a| !controllers.contains(&a.name))
            .filter(|a| match classify(&a.host) {
                HostClass::AnyAddress => !(a.host.is_empty() && filled),
                _ => false,
            })
            .collect();
        let Some(first) = bad.first() else { return };
        let any_address = !first.host.is_empty();
        let observed = !service.port_targets().is_empty() || has_clients(cx, book, broker);
        // Nothing can observe an empty host; `0.0.0.0` stops the broker at start-up.
        if !any_address && !observed {
            return;
        }
        let shown = format!(
            "{}://{}:{}",
            first.name,
            first.host,
            first.port.unwrap_or_default()
        );
        let message = if any_address {
            format!(
                "`{}` advertises `{shown}`: Kafka refuses to start (\"advertised.listeners cannot \
                 use the nonroutable meta-address 0.0.0.0\"), and older brokers hand clients an \
                 address that leads nowhere",
                broker.service
            )
        } else {
            format!(
                "`{}` advertises `{shown}` with no host: Kafka then advertises the container's \
                 host name (its container id), which clients on the host cannot resolve, and \
                 which changes with every new container",
                broker.service
            )
        };
        let (file, span) = location(project, broker);
        out.push(
            Diagnostic::new(&INFO, message)
                .at(file, span)
                .service(broker.service)
                .help(
                    "advertise the service name to containers and `localhost` with a published \
                     port to the host",
                )
                .with_fix(minimal_fix(cx, book, service, broker, &bad).or_else(|| {
                    dual_listener::rewrite(cx, service, broker, "Advertise two listeners").map(
                        |mut f| {
                            f.applicability = Applicability::Review;
                            f
                        },
                    )
                })),
        );
    }
}

/// Whether another service bootstraps from the broker.
fn has_clients(cx: &Context, book: &AddressBook, broker: &Broker) -> bool {
    cx.services().iter().any(|s| {
        s.name != broker.service
            && bootstrap_targets(s.spec)
                .iter()
                .any(|t| book.resolve(s.name, &t.target.host) == Addressee::Service(broker.service))
    })
}

/// The minimal variant: one PLAINTEXT listener written in the advertised list, no client in
/// the project: its host becomes `localhost` when its port is published as `P:P`, else the
/// service name.
fn minimal_fix(
    cx: &Context,
    book: &AddressBook,
    service: &Service,
    broker: &Broker,
    bad: &[Endpoint],
) -> Option<Fix> {
    let advertised = broker.advertised()?;
    let [only] = advertised.as_slice() else {
        return None;
    };
    let [_] = bad else { return None };
    if broker.protocol(&only.name).as_deref() != Some("PLAINTEXT") || has_clients(cx, book, broker)
    {
        return None;
    }
    let port = only.port?;
    let same = service
        .published()
        .iter()
        .any(|m| *m.host_ports.start() == port && m.target_ports.contains(&port));
    let host = if same { "localhost" } else { broker.service };
    let s = only.source.as_ref()?;
    let range = s.host.clone();
    let edit = builders::replace_part(cx.project, s.value, range, host)?;
    Some(Fix::new(
        format!("Advertise `{}://{host}:{port}`", only.name),
        Applicability::Safe,
        vec![edit],
    ))
}
