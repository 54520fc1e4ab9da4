//! What the advertised-address rules (KAF002, KAF003, KAF004) share: the brokers they judge
//! and where a broker's advertised addresses are written.

use crate::facts::kafka::{self, Broker};
use crate::facts::service::Service;
use crate::project::Project;

/// Whether the broker's advertised addresses matter: it serves clients, in its own network
/// namespace, and is not stopped at start-up by a missing setting (RULES.md §1.5 item 3).
pub(super) fn advertising(service: &Service, broker: &Broker) -> bool {
    broker.is_broker() && !service.network_mode.is_set() && !kafka::exits_at_startup(broker)
}

/// Where the broker advertises: its first written advertised endpoint (a Redpanda flag too),
/// else the `advertised.listeners` value, else its first written listener (Kafka advertises
/// the listeners when nothing else is advertised), else the service.
pub(super) fn location<'p>(
    project: &'p Project,
    broker: &Broker,
) -> (
    &'p std::sync::Arc<crate::source::SourceFile>,
    crate::source::Span,
) {
    let written = |endpoints: Vec<crate::facts::kafka::Endpoint>| {
        endpoints.into_iter().find_map(|e| {
            let s = e.source?;
            let range = s.entry.clone();
            Some((s.value.origin.file, s.value.as_str()?.literal_span(range)?))
        })
    };
    if let Some((file, span)) = written(broker.advertised().unwrap_or_default()) {
        return (project.file(file), span);
    }
    if let Some(setting) = broker.property("advertised.listeners") {
        return (
            project.file(setting.value.origin.file),
            setting.value.origin.span,
        );
    }
    if let Some((file, span)) = written(broker.listeners().unwrap_or_default()) {
        return (project.file(file), span);
    }
    (
        project.file(broker.spec.origin.file),
        broker.spec.origin.span,
    )
}
