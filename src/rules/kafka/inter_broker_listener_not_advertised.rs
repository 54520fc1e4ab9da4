//! KAF007 inter-broker-listener-not-advertised.

use super::listener_list::{self, span};
use crate::diagnostic::{Applicability, Fix};
use crate::diagnostic::{Diagnostic, Platform, Severity};
use crate::diagnostic::{FixAvailability, RuleInfo};
use crate::facts::address_book::Addressee;
use crate::facts::kafka::{self, Broker, Endpoint, Family};
use crate::facts::service::Service;
use crate::fix::builders;
use crate::project::Project;
use crate::rules::kafka::remedy::dual_listener;
use crate::rules::{Context, Rule};

rule_info!(
    InterBrokerListenerNotAdvertised,
    INFO,
    "KAF007",
    "inter-broker-listener-not-advertised",
    Severity::Error,
    &Platform::ALL,
    FixAvailability::Safe
);

const NAME: &str = "inter.broker.listener.name";
const PROTOCOL: &str = "security.inter.broker.protocol";

/// Properties whose unknown value (an unset variable) keeps the rule silent.
const READ: [&str; 6] = [
    NAME,
    PROTOCOL,
    "listeners",
    "advertised.listeners",
    "controller.listener.names",
    "process.roles",
];

impl Rule for InterBrokerListenerNotAdvertised {
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
        if broker.family == Family::Redpanda
            || !broker.is_broker()
            || listener_list::unknown(broker, &READ)
        {
            return;
        }
        // Defaults (PLAINTEXT, advertised = listeners) hold only where nothing else sets them.
        let defaulted = (broker.property(NAME).is_none() && broker.property(PROTOCOL).is_none())
            || broker.property("advertised.listeners").is_none();
        if defaulted && (cx.is_partial() || !kafka::unset_means_default(broker)) {
            return;
        }
        if let Some(d) = diagnose(cx, service, broker) {
            out.push(d);
        }
    }
}

/// The finding for one broker whose inter-broker name is not advertised.
fn diagnose(cx: &Context, service: &Service, broker: &Broker) -> Option<Diagnostic> {
    let (project, book) = (cx.project, cx.book());
    let name = broker.inter_broker_name();
    let advertised = broker.effective_advertised();
    if advertised.is_empty() || advertised.iter().any(|e| e.name == name) {
        return None;
    }
    let names: Vec<String> = advertised.iter().map(|e| format!("`{}`", e.name)).collect();
    let (origin, setting) = match (broker.property(NAME), broker.property(PROTOCOL)) {
        (Some(s), _) => (format!("`{}` is `{name}`", s.key), Some(s)),
        (None, Some(s)) => (
            format!(
                "`{}` is `{name}`, so the inter-broker listener is `{name}`",
                s.key
            ),
            Some(s),
        ),
        (None, None) => (
            format!(
                "the inter-broker listener defaults to `{name}` (no `{}INTER_BROKER_LISTENER_NAME`)",
                broker.family.prefix()
            ),
            None,
        ),
    };
    let listed = match broker.property("advertised.listeners") {
        Some(s) => format!("`{}` lists only {}", s.key, names.join(", ")),
        None => format!("the broker advertises only {}", names.join(", ")),
    };
    let message = format!(
        "{origin}, but {listed}: Kafka refuses the configuration of `{}` (\"inter.broker.listener.name \
         must be a listener name defined in advertised.listeners\") and the broker does not start",
        broker.service
    );
    let (file, at) = match setting {
        Some(s) => span(project, s.value, 0..s.text()?.len()),
        None => {
            let s = broker
                .property("advertised.listeners")
                .or_else(|| broker.property("listeners"))?;
            span(project, s.value, 0..s.text()?.len())
        }
    };
    let internal: Vec<&Endpoint> = advertised
        .iter()
        .filter(|e| matches!(book.resolve(broker.service, &e.host), Addressee::Service(_)))
        .collect();
    let mut d = Diagnostic::new(&INFO, message)
        .at(&file, at)
        .service(broker.service);
    // A single broker advertising one listener on loopback reaches itself there: naming that
    // listener is the one-line fix (review: a second broker could not replicate through it).
    let controllers = broker.controller_names();
    let served: Vec<&Endpoint> = advertised
        .iter()
        .filter(|e| !controllers.contains(&e.name))
        .collect();
    let alone = kafka::cluster_broker_count(book, cx.brokers(), broker) == Some(1);
    let own_loopback = match served.as_slice() {
        [only] if alone && book.resolve(broker.service, &only.host) == Addressee::Loopback => {
            Some(*only)
        }
        _ => None,
    };
    let key = broker.property(NAME).map_or_else(
        || format!("{}INTER_BROKER_LISTENER_NAME", broker.family.prefix()),
        |s| s.key.to_string(),
    );
    if internal.is_empty()
        && let Some(only) = own_loopback
    {
        return Some(
            d.help(format!(
                "the only broker can replicate through its one listener: `{key}: {}` (or \
                 advertise an internal listener under its service name when more brokers join)",
                only.name
            ))
            .with_fix(fix(project, service, broker, &key, &only.name, false)),
        );
    }
    match internal.first() {
        Some(choice) => {
            d = d
                .help(format!(
                    "replicate through the listener the brokers reach each other on: `{key}: {}`",
                    choice.name
                ))
                .with_fix(fix(
                    project,
                    service,
                    broker,
                    &key,
                    &choice.name,
                    internal.len() == 1,
                ));
        }
        // No listener other brokers can reach: give the broker one (§3.5), for review. The
        // layout's host listener needs a published port; a broker that publishes none is not
        // given one (that would open it to the host), so it gets no fix.
        None => {
            let rewrite = (!service.published().is_empty())
                .then(|| {
                    dual_listener::rewrite(
                        cx,
                        service,
                        broker,
                        "Give the broker an internal listener for inter-broker traffic",
                    )
                })
                .flatten()
                .map(|f| Fix::new(f.title, Applicability::Review, f.edits));
            d = d
                .help(
                    "advertise a listener under the broker's service name (e.g. \
                     `INTERNAL://kafka:29092`) and name it in `KAFKA_INTER_BROKER_LISTENER_NAME`",
                )
                .with_fix(rewrite);
        }
    }
    Some(d)
}

/// Sets the inter-broker listener name (dropping `security.inter.broker.protocol`, which Kafka
/// refuses alongside it).
fn fix(
    project: &Project,
    service: &Service,
    broker: &Broker,
    key: &str,
    name: &str,
    only: bool,
) -> Option<Fix> {
    let env = service.environment()?;
    let mut edits = vec![builders::set_env(project, env, key, name)?];
    let protocol = broker.property(PROTOCOL);
    if let Some(p) = protocol {
        edits.push(builders::remove_key(project, env, p.key)?);
    }
    let shared = broker.property(NAME).is_some_and(|s| {
        builders::services_sharing(project, s.value)
            .iter()
            .any(|o| o != broker.service)
    });
    let applicability = if only && protocol.is_none() && !shared {
        Applicability::Safe
    } else {
        Applicability::Review
    };
    Some(Fix::new(
        format!("Set `{key}` to `{name}`"),
        applicability,
        edits,
    ))
}
