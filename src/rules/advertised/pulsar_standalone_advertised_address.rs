//! ADV003 pulsar-standalone-advertised-address.

use crate::diagnostic::{
    Applicability, Diagnostic, Fix, FixAvailability, Platform, RuleInfo, Severity,
};
use crate::facts::address_book::Addressee;
use crate::facts::advertising::{PulsarStandalone, pulsar_standalone};
use crate::facts::service::Service;
use crate::fix::builders;
use crate::images::TagVersion;
use crate::images::ports::PULSAR;
use crate::project::Project;
use crate::rules::{Context, Rule};

rule_info!(
    PulsarStandaloneAdvertisedAddress,
    INFO,
    "ADV003",
    "pulsar-standalone-advertised-address",
    Severity::Warning,
    &Platform::ALL,
    FixAvailability::Review
);

impl Rule for PulsarStandaloneAdvertisedAddress {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_service<'p>(
        &self,
        cx: &Context<'p>,
        service: &Service<'p>,
        out: &mut Vec<Diagnostic>,
    ) {
        if cx.is_partial() || service.network_mode.shares_namespace() {
            return;
        }
        let Some(broker) = pulsar_standalone(service).filter(|b| !b.advertised) else {
            return;
        };
        let name = service.name;
        let host_clients = service
            .port_targets()
            .iter()
            .any(|t| t.protocol == "tcp" && t.ports.contains(&PULSAR));
        let book = cx.book();
        let mut containers: Vec<&str> = Vec::new();
        for other in cx.services().iter().filter(|s| s.name != name) {
            let dials = cx.client_targets(other.spec).iter().any(|t| {
                matches!(t.target.scheme.as_deref(), Some("pulsar" | "pulsar+ssl"))
                    && book.resolve(other.name, &t.host()) == Addressee::Service(name)
            });
            if dials {
                containers.push(other.name);
            }
        }
        // From 2.5 until apache/pulsar#25238 (not in any 3.x release) the default is
        // `localhost`, which is right for clients on the host alone.
        let defaults_to_localhost = matches!(
            service.repository.map(|(_, v)| v),
            Some(TagVersion::Known(2, Some(5..)) | TagVersion::Known(3, _))
        );
        let (message, help, address) = match (host_clients, containers.is_empty()) {
            (false, true) => return,
            (true, true) if defaults_to_localhost => return,
            (true, true) => (
                format!("clients on the host reach `{name}` through the published port {PULSAR}"),
                "advertise `localhost` to them: `--advertised-address localhost`".to_string(),
                Some("localhost".to_string()),
            ),
            (false, false) => (
                format!(
                    "{} connect to `{name}` by its service name",
                    names(&containers)
                ),
                format!("advertise the service name: `--advertised-address {name}`"),
                Some(name.to_string()),
            ),
            (true, false) => (
                format!(
                    "clients on the host (port {PULSAR} is published) and {} connect to `{name}`",
                    names(&containers)
                ),
                "one advertised address cannot serve both: configure two `advertisedListeners` \
                 (one with the service name for containers, one with `localhost` for the host), \
                 or run the clients on one side only"
                    .to_string(),
                None,
            ),
        };
        let project = cx.project;
        let arg = &broker.standalone;
        let span = arg
            .offset
            .and_then(|o| arg.value.as_str()?.literal_span(o..o + arg.text.len()))
            .unwrap_or(arg.value.origin.span);
        let d = Diagnostic::new(
            &INFO,
            format!(
                "`bin/pulsar standalone` advertises its default address, `localhost` (Pulsar 2.5 \
                 and later) or the container's host name (after apache/pulsar#25238), and \
                 {message}: one of them receives an address it cannot reach"
            ),
        )
        .at(project.file(arg.value.origin.file), span)
        .service(name)
        .help(help)
        .with_fix(address.and_then(|a| fix(project, service, &broker, &a)));
        out.push(d);
    }
}

/// `` `a` ``, `` `a` and `b` ``.
fn names(services: &[&str]) -> String {
    let quoted: Vec<String> = services.iter().map(|s| format!("`{s}`")).collect();
    match quoted.as_slice() {
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        [] => String::new(),
    }
}

/// Adds `--advertised-address <address>` after `standalone`: at the end of the list when it is
/// an item of its own, else right after the word.
fn fix(
    project: &Project,
    service: &Service,
    broker: &PulsarStandalone,
    address: &str,
) -> Option<Fix> {
    let arg = &broker.standalone;
    let edit = if broker.own_item {
        let list = [service.command_value(), service.entrypoint_value()]
            .into_iter()
            .flatten()
            .find(|v| {
                v.as_seq()
                    .is_some_and(|items| items.iter().any(|i| std::ptr::eq(i, arg.value)))
            })?;
        builders::append_args(project, list, &["--advertised-address", address])?
    } else {
        let at = arg.offset?;
        builders::replace_part(
            project,
            arg.value,
            at..at + arg.text.len(),
            &format!("{} --advertised-address {address}", arg.text),
        )?
    };
    Some(Fix::new(
        format!("Advertise `{address}`"),
        Applicability::Review,
        vec![edit],
    ))
}
