//! CMP001 kafka-client-bootstrap-loopback.

use crate::diagnostic::{Applicability, Fix};
use crate::diagnostic::{Diagnostic, Platform, Severity};
use crate::diagnostic::{FixAvailability, RuleInfo};
use crate::facts::address_book::{AddressBook, Addressee};
use crate::facts::bootstrap::bootstrap_targets;
use crate::facts::clients::ClientTarget;
use crate::facts::kafka::Broker;
use crate::facts::service::Service;
use crate::fix::builders;
use crate::project::Project;
use crate::rules::{Context, Rule};

rule_info!(
    KafkaClientBootstrapLoopback,
    INFO,
    "CMP001",
    "kafka-client-bootstrap-loopback",
    Severity::Error,
    &Platform::ALL,
    FixAvailability::Safe
);

impl Rule for KafkaClientBootstrapLoopback {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_service(&self, cx: &Context<'_>, service: &Service<'_>, out: &mut Vec<Diagnostic>) {
        let brokers = cx.brokers();
        if brokers.is_empty() || service.network_mode.is_set() {
            return;
        }
        let project = cx.project;
        let book = cx.book();
        let name = service.name;
        let hits: Vec<ClientTarget> = bootstrap_targets(service.spec)
            .into_iter()
            .filter(|t| match book.resolve(name, &t.target.host) {
                Addressee::Loopback => true,
                Addressee::AnyAddress => !t.target.is_bare(),
                _ => false,
            })
            .collect();
        let Some(first) = hits.first() else { return };
        let intended: Vec<&Broker> = match first.port {
            Some(port) => brokers.iter().filter(|b| serves(cx, b, port)).collect(),
            None => Vec::new(),
        };
        let intended = if intended.is_empty() && brokers.len() == 1 {
            vec![&brokers[0]]
        } else {
            intended
        };
        let internal = match intended.as_slice() {
            [b] => internal_endpoint(book, b),
            _ => None,
        };
        let shown = written(first);
        let names: Vec<String> = intended
            .iter()
            .map(|b| format!("`{}`", b.service))
            .collect();
        let broker_words = match names.as_slice() {
            [] => "any broker".to_string(),
            [one] => format!("the broker {one}"),
            many => format!("the brokers {}", many.join(", ")),
        };
        let message = format!(
            "{} bootstraps from `{shown}`: inside the `{name}` container that is the container \
             itself, not {broker_words}, so the client never reaches Kafka",
            first.place
        );
        let help = match &internal {
            Some(address) => {
                format!("bootstrap from the broker's container listener: `{address}`")
            }
            None => "bootstrap from the broker's service name and a listener it advertises to \
                     containers (for example `kafka:29092`)"
                .to_string(),
        };
        let fix = internal
            .as_ref()
            .and_then(|address| fix(project, name, &hits, address, intended.len() == 1));
        out.push(
            Diagnostic::new(&INFO, message)
                .at(project.file(first.value.origin.file), first.host_span())
                .service(name)
                .help(help)
                .with_fix(fix),
        );
    }
}

/// Whether `port` is one of the broker's listener ports or published host ports.
fn serves(cx: &Context, broker: &Broker, port: u16) -> bool {
    broker
        .effective_listeners()
        .0
        .iter()
        .any(|l| l.port == Some(port))
        || cx
            .service(broker.service)
            .is_some_and(|s| s.published().iter().any(|p| p.host_ports.contains(&port)))
}

/// `host:port` of the broker's one advertised listener that containers resolve (a name of
/// the broker), when it has exactly one.
pub(super) fn internal_endpoint(book: &AddressBook, broker: &Broker) -> Option<String> {
    let internal: Vec<String> = broker
        .effective_advertised()
        .into_iter()
        .filter(|e| book.resolve(broker.service, &e.host) == Addressee::Service(broker.service))
        .filter_map(|e| Some(format!("{}:{}", e.host, e.port?)))
        .collect();
    match internal.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    }
}

/// The entry as written (`localhost:9092`), or host and port.
fn written(t: &ClientTarget) -> String {
    t.value_range(t.target.range.clone())
        .and_then(|r| t.value.as_str()?.text.get(r).map(str::to_string))
        .unwrap_or_else(|| match t.port {
            Some(p) => format!("{}:{p}", t.target.host),
            None => t.target.host.clone(),
        })
}

/// Replaces each loopback entry (`host:port`, keeping a `PLAINTEXT://` prefix) with the
/// broker's container address.
fn fix(
    project: &Project,
    service: &str,
    hits: &[ClientTarget],
    address: &str,
    unique: bool,
) -> Option<Fix> {
    let mut edits = Vec::new();
    let mut shared = false;
    for t in hits {
        let range = t.value_range(t.target.range.clone())?;
        edits.push(builders::replace_part(project, t.value, range, address)?);
        shared |= builders::services_sharing(project, t.value)
            .iter()
            .any(|s| s != service);
    }
    let applicability = if unique && !shared {
        Applicability::Safe
    } else {
        Applicability::Review
    };
    Some(Fix::new(
        format!("Bootstrap from `{address}`"),
        applicability,
        edits,
    ))
}
