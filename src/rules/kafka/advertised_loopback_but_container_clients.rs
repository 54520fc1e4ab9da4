//! KAF003 advertised-loopback-but-container-clients.

use super::address::{advertising, location};
use crate::diagnostic::{Diagnostic, Platform, Severity};
use crate::diagnostic::{FixAvailability, RuleInfo};
use crate::facts::address_book::{AddressBook, Addressee};
use crate::facts::bootstrap::bootstrap_targets;
use crate::facts::kafka::{self, Broker};
use crate::facts::service::Service;
use crate::rules::kafka::remedy::dual_listener;
use crate::rules::{Context, Rule};

rule_info!(
    AdvertisedLoopbackButContainerClients,
    INFO,
    "KAF003",
    "advertised-loopback-but-container-clients",
    Severity::Error,
    &Platform::ALL,
    FixAvailability::Safe
);

/// Who needs an address other than loopback from the broker.
enum Need {
    /// A client in another container names the broker.
    Client(String),
    /// A client in another container bootstraps from loopback on one of the broker's ports
    /// (CMP001): it will be pointed at the broker.
    LoopbackClient(String),
    /// Other brokers replicate from it.
    Cluster(usize),
}

impl Rule for AdvertisedLoopbackButContainerClients {
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
        let book = cx.book();
        let advertised = broker.effective_advertised();
        let all_loopback = !advertised.is_empty()
            && advertised
                .iter()
                .all(|a| book.resolve(broker.service, &a.host) == Addressee::Loopback);
        if !all_loopback {
            return;
        }
        let Some(need) = need(cx, book, service, broker) else {
            return;
        };
        let shown: Vec<String> = advertised
            .iter()
            .filter_map(|a| Some(format!("`{}:{}`", a.host, a.port?)))
            .collect();
        let why = match &need {
            Need::Client(c) => format!(
                "`{c}` reaches it by name, then is told to connect to {}, which in `{c}`'s \
                 container is `{c}` itself",
                shown.join(", ")
            ),
            Need::LoopbackClient(c) => {
                format!("`{c}` uses it from another container and needs an address it can resolve")
            }
            Need::Cluster(n) => format!(
                "its cluster has {n} brokers, and each replicates through the advertised \
                 address, so every broker would connect to itself"
            ),
        };
        let message = format!(
            "`{}` advertises only loopback ({}) but {why}",
            broker.service,
            shown.join(", ")
        );
        let (file, span) = location(cx.project, broker);
        out.push(
            Diagnostic::new(&INFO, message)
                .at(file, span)
                .service(broker.service)
                .help(
                    "advertise two listeners: the service name for containers, `localhost` \
                     with a published port for the host",
                )
                .with_fix(dual_listener::rewrite(
                    cx,
                    service,
                    broker,
                    "Advertise two listeners",
                )),
        );
    }
}

/// The first reason containers need a non-loopback address from `broker`.
fn need(cx: &Context, book: &AddressBook, service: &Service, broker: &Broker) -> Option<Need> {
    let ports: Vec<u16> = broker
        .effective_listeners()
        .0
        .iter()
        .filter_map(|l| l.port)
        .chain(service.published().iter().map(|p| *p.host_ports.start()))
        .collect();
    for client in cx.services() {
        if client.name == broker.service || client.network_mode.is_set() {
            continue;
        }
        let name = client.name;
        for t in bootstrap_targets(client.spec) {
            match book.resolve(name, &t.target.host) {
                Addressee::Service(s) if s == broker.service => {
                    return Some(Need::Client(name.to_string()));
                }
                Addressee::Loopback if t.port.is_some_and(|p| ports.contains(&p)) => {
                    return Some(Need::LoopbackClient(name.to_string()));
                }
                _ => {}
            }
        }
    }
    match kafka::cluster_broker_count(book, cx.brokers(), broker) {
        Some(n) if n >= 2 => Some(Need::Cluster(n)),
        _ => None,
    }
}
