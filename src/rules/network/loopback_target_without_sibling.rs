//! NET002 loopback-target-without-sibling.

use super::loopback::{LoopbackUse, loopback_uses, siblings_serving};
use super::loopback_target_is_sibling_service::rewrite;
use crate::diagnostic::{Applicability, Fix};
use crate::diagnostic::{Diagnostic, Platform, Severity};
use crate::diagnostic::{FixAvailability, RuleInfo};
use crate::facts::bootstrap::is_bootstrap_key;
use crate::facts::clients::PortSource;
use crate::facts::connection::inferred_port;
use crate::facts::service::Service;
use crate::fix::builders;
use crate::project::Project;
use crate::project::value::Value;
use crate::rules::{Context, Rule};

rule_info!(
    LoopbackTargetWithoutSibling,
    INFO,
    "NET002",
    "loopback-target-without-sibling",
    Severity::Warning,
    &Platform::ALL,
    FixAvailability::Review
);

/// Schemes of databases and brokers (JDBC sub-protocols included).
const SERVER_SCHEMES: [&str; 16] = [
    "postgres",
    "postgresql",
    "mysql",
    "mariadb",
    "redis",
    "rediss",
    "mongodb",
    "amqp",
    "amqps",
    "nats",
    "pulsar",
    "pulsar+ssl",
    "jdbc:postgresql",
    "jdbc:mysql",
    "jdbc:mariadb",
    "jdbc:sqlserver",
];

/// Ports of well-known servers: an explicit one marks the value as a server address.
use crate::images::ports::WELL_KNOWN as WELL_KNOWN_PORTS;

/// Whether the address is a database or broker address (§4 NET002 restriction).
fn is_server_address(u: &LoopbackUse, project_has_broker: bool) -> bool {
    let t = &u.target;
    let scheme = t.target.scheme.as_deref().unwrap_or_default();
    SERVER_SCHEMES.contains(&scheme)
        || (!project_has_broker && t.key.is_some_and(is_bootstrap_key))
        || (matches!(t.port_source, PortSource::Pair { .. })
            && t.key.and_then(inferred_port).is_some())
        || (matches!(t.port_source, PortSource::Written | PortSource::Pair { .. })
            && WELL_KNOWN_PORTS.contains(&u.port))
}

impl Rule for LoopbackTargetWithoutSibling {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_service<'p>(
        &self,
        cx: &Context<'p>,
        service: &Service<'p>,
        out: &mut Vec<Diagnostic>,
    ) {
        let project = cx.project;
        let has_broker = !cx.brokers().is_empty();
        let name = service.name;
        let found: Vec<LoopbackUse> = loopback_uses(cx, service)
            .into_iter()
            .filter(|u| siblings_serving(cx.topology(), name, u.port).is_empty())
            .filter(|u| is_server_address(u, has_broker))
            .collect();
        let Some(first) = found.first() else { return };
        let others: Vec<&str> = found[1..]
            .iter()
            .map(|u| u.target.place.as_str())
            .filter(|p| *p != first.target.place)
            .collect();
        let also = if others.is_empty() {
            String::new()
        } else {
            format!(" (and so does {})", others.join(", "))
        };
        let message = format!(
            "{} connects to `{}`{also}: inside the `{name}` container that is the container \
             itself, and no service of the project listens on {}",
            first.target.place,
            first.shown(),
            first.port
        );
        let d = Diagnostic::new(&INFO, message)
            .at(
                project.file(first.target.value.origin.file),
                first.target.host_span(),
            )
            .service(name)
            .help(
                "if the server runs on the host, connect to `host.docker.internal` (with \
                 `extra_hosts: [\"host.docker.internal:host-gateway\"]` for Docker Engine on \
                 Linux); if it should run in Compose, add it as a service and use its name",
            )
            .with_fix(fix(project, service.spec, &found));
        out.push(d);
    }
}

/// Points every use at `host.docker.internal` and maps the name for Linux when needed.
fn fix(project: &Project, service: &Value, found: &[LoopbackUse]) -> Option<Fix> {
    let mut edits = Vec::new();
    for u in found {
        edits.extend(rewrite(project, u, "host.docker.internal", u.port)?);
    }
    edits.extend(builders::map_host_gateway(project, service)?);
    Some(Fix::new(
        "Connect to the host through `host.docker.internal`",
        Applicability::Review,
        edits,
    ))
}
