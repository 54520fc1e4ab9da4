//! PRT002 published-target-not-listening.

use crate::diagnostic::{Applicability, Fix};
use crate::diagnostic::{Diagnostic, Platform, Severity};
use crate::diagnostic::{FixAvailability, RuleInfo};
use crate::facts::images;
use crate::facts::listens::{Listens, Source};
use crate::facts::ports::{PortTarget, targets};
use crate::facts::service::{NetworkMode, Service};
use crate::fix::builders;
use crate::project::Project;
use crate::project::value::{Kind, Value};
use crate::rules::{Context, Rule};

rule_info!(
    PublishedTargetNotListening,
    INFO,
    "PRT002",
    "published-target-not-listening",
    Severity::Error,
    &Platform::ALL,
    FixAvailability::Safe
);

impl Rule for PublishedTargetNotListening {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_service<'p>(
        &self,
        cx: &Context<'p>,
        service: &Service<'p>,
        out: &mut Vec<Diagnostic>,
    ) {
        out.extend(finding(cx, service));
    }
}

/// The finding for one service: every mapping to a container port the server does not open.
fn finding(cx: &Context<'_>, service: &Service) -> Option<Diagnostic> {
    let project = cx.project;
    let name = service.name;
    // Only a known server image on its own bridge network: `host` discards `ports`, another
    // container's namespace refuses them (NET006), and a built image may listen anywhere.
    let bridge = matches!(
        service.network_mode,
        NetworkMode::Unset | NetworkMode::Bridge
    );
    if !bridge || service.is_helper() || service.is_built() {
        return None;
    }
    let listens = cx.topology().listens(name)?;
    if !listens.complete {
        return None;
    }
    let mappings = targets(service.spec);
    let wrong: Vec<&PortTarget> = mappings
        .iter()
        .filter(|t| t.protocol == "tcp" && t.ports.start() == t.ports.end())
        .filter(|t| !listens.known().any(|(p, _)| p == *t.ports.start()))
        .collect();
    let first = wrong.first()?;
    let main = main_ports(listens);
    let unpublished: Vec<u16> = main
        .iter()
        .map(|(p, _)| *p)
        .filter(|p| {
            !mappings
                .iter()
                .any(|t| t.protocol == "tcp" && t.ports.contains(p))
        })
        .collect();
    let span = first
        .value
        .as_str()
        .and_then(|s| s.literal_span(first.text.clone()))
        .unwrap_or(first.value.origin.span);
    let d = Diagnostic::new(&INFO, message(name, &wrong, &main))
        .at(project.file(first.value.origin.file), span)
        .service(name);
    // Every entry must be read to know which ports are free to point at.
    let all_read = service
        .ports_entry()
        .and_then(|(_, v)| v.as_seq())
        .is_some_and(|items| items.len() == mappings.len());
    match (wrong.as_slice(), unpublished.as_slice()) {
        ([only], [port]) if all_read => {
            let d = d.help(format!(
                "forward it to container port `{port}`, where the service listens"
            ));
            let source = listens.source(*port);
            Some(d.with_fix(fix(project, service, only, *port, source)))
        }
        (_, []) => Some(d.help(
            "remove the mapping, or make the service listen on the published container port: \
             it already publishes every port it listens on",
        )),
        _ => Some(d.help(format!(
            "forward each mapping to a port the service listens on ({}), or make it listen on \
             the published container port",
            ports_list(&unpublished)
        ))),
    }
}

/// The ports the service itself serves on (configured or the image's own), in the order they
/// were found, with where they come from; quorum and management ports are left out unless
/// nothing else is known.
fn main_ports(listens: &Listens) -> Vec<(u16, &Source)> {
    let main: Vec<(u16, &Source)> = listens
        .sources
        .iter()
        .filter(|(_, s)| *s != Source::Secondary)
        .map(|(p, s)| (*p, s))
        .collect();
    if main.is_empty() {
        listens.sources.iter().map(|(p, s)| (*p, s)).collect()
    } else {
        main
    }
}

/// "container port `2181` is published, but `zk` listens on `20021` (`ZOO_PORT`): …"
fn message(name: &str, wrong: &[&PortTarget], main: &[(u16, &Source)]) -> String {
    let mut containers: Vec<u16> = Vec::new();
    for t in wrong {
        if !containers.contains(t.ports.start()) {
            containers.push(*t.ports.start());
        }
    }
    let (noun, verb) = if containers.len() == 1 {
        ("port", "is")
    } else {
        ("ports", "are")
    };
    let hosts: Vec<u16> = wrong.iter().filter_map(|t| t.host_port).collect();
    let consequence = match hosts.as_slice() {
        [] if wrong.len() == 1 => "connections to its published port fail".to_string(),
        [] => "connections to the published ports fail".to_string(),
        [one] if wrong.len() == 1 => format!("connections to host port `{one}` fail"),
        _ if hosts.len() == wrong.len() => {
            format!("connections to host ports {} fail", ports_list(&hosts))
        }
        _ => "connections to the published ports fail".to_string(),
    };
    format!(
        "container {noun} {} {verb} published, but `{name}` listens on {}: {consequence}",
        ports_list(&containers),
        listening(main)
    )
}

/// "`29092`, `9092` (`KAFKA_ADVERTISED_LISTENERS`) and `5432` (the image's default)".
fn listening(main: &[(u16, &Source)]) -> String {
    let mut groups: Vec<(&Source, Vec<u16>)> = Vec::new();
    for (port, source) in main {
        match groups.iter_mut().find(|(s, _)| s == source) {
            Some((_, ports)) => ports.push(*port),
            None => groups.push((source, vec![*port])),
        }
    }
    let phrases: Vec<String> = groups
        .iter()
        .map(|(source, ports)| {
            let ports: Vec<String> = ports.iter().map(|p| format!("`{p}`")).collect();
            let why = match source {
                Source::Setting(key) => format!("`{key}`"),
                Source::Image if ports.len() == 1 => "the image's default".to_string(),
                Source::Image => "the image's defaults".to_string(),
                Source::Secondary => "besides its own ports".to_string(),
            };
            format!("{} ({why})", ports.join(", "))
        })
        .collect();
    and_list(&phrases)
}

/// "`9093`", "`9093` and `9094`", "`1`, `2` and `3`".
fn ports_list(ports: &[u16]) -> String {
    let items: Vec<String> = ports.iter().map(|p| format!("`{p}`")).collect();
    and_list(&items)
}

fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Points the one wrong mapping at the one listening port nothing publishes. None when that
/// port comes from a variable (the fix would bake one value of it into the file). `review`
/// when the value is shared through an anchor, when the container port is written with a
/// variable, or when the port is a Kafka or Redpanda listener: host clients then also need
/// that listener to advertise an address they can reach.
fn fix(
    project: &Project,
    service: &Service,
    mapping: &PortTarget,
    port: u16,
    source: Option<&Source>,
) -> Option<Fix> {
    if from_variables(service, source) {
        return None;
    }
    let new = port.to_string();
    let edit = match mapping.value.as_str() {
        Some(_) => builders::replace_part(project, mapping.value, mapping.text.clone(), &new),
        None => builders::replace_scalar(project, mapping.value, &new),
    }?;
    let mut title = match mapping.host_port {
        Some(host) => format!("Forward host port {host} to container port {port}"),
        None => format!("Forward the mapping to container port {port}"),
    };
    let shared: Vec<String> = builders::services_sharing(project, mapping.value)
        .into_iter()
        .filter(|s| s != service.name)
        .collect();
    let listener = images::is_kafka_broker(service.spec)
        || matches!(source, Some(Source::Setting(flag)) if flag.ends_with("-addr"));
    let variable = mapping.value.as_str().is_some_and(|s| {
        s.interpolation
            .as_ref()
            .is_some_and(|i| i.slice(mapping.text.clone()).has_variables())
    });
    let applicability = if !shared.is_empty() {
        title.push_str(&format!(
            " (the value is shared with {})",
            shared.join(", ")
        ));
        Applicability::Review
    } else if variable {
        title.push_str(" (in the default of the variable that sets it)");
        Applicability::Review
    } else if listener {
        title.push_str(" (its listener must advertise an address host clients can reach)");
        Applicability::Review
    } else {
        Applicability::Safe
    };
    Some(Fix::new(title, applicability, vec![edit]))
}

/// Whether the setting a port comes from is written with a variable.
fn from_variables(service: &Service, source: Option<&Source>) -> bool {
    let Some(Source::Setting(key)) = source else {
        return false;
    };
    let values: Vec<&Value> = if key.starts_with('-') {
        [service.command_value(), service.entrypoint_value()]
            .into_iter()
            .flatten()
            .collect()
    } else {
        service.env_value(key).into_iter().collect()
    };
    values.into_iter().any(uses_variables)
}

fn uses_variables(value: &Value) -> bool {
    match &value.kind {
        Kind::Str(s) => s.interpolation.as_ref().is_some_and(|i| i.has_variables()),
        Kind::Seq(items) => items.iter().any(uses_variables),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn findings(yaml: &str) -> Vec<(String, Option<String>, Option<String>)> {
        let out = crate::rules::findings_of(&PublishedTargetNotListening, yaml);
        out.into_iter()
            .map(|d| {
                let fix = d
                    .fix
                    .map(|f| format!("{} [{}]", f.title, f.applicability.as_str()));
                (d.message, d.help, fix)
            })
            .collect()
    }

    #[test]
    fn messages() {
        let got = findings(
            r#"
services:
  zk:
    image: zookeeper:3.4.9
    environment: {ZOO_PORT: "20021"}
    ports: ["20021:2181"]
  cache:
    image: redis:7.2
    command: redis-server --port 7000
    ports: ["6379:6379", "7001:7001", "7002"]
  kafka:
    image: confluentinc/cp-kafka:7.6.0
    environment:
      KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://kafka:29092,PLAINTEXT_HOST://localhost:9092
      KAFKA_JMX_PORT: 9101
    ports: ["9092:9092", "29092:29092", "9101:9101", "9093:9093"]
"#,
        );
        let expected = [
            (
                "container port `2181` is published, but `zk` listens on `20021` (`ZOO_PORT`): \
                 connections to host port `20021` fail",
                "forward it to container port `20021`, where the service listens",
                Some("Forward host port 20021 to container port 20021 [safe]"),
            ),
            (
                "container ports `6379`, `7001` and `7002` are published, but `cache` listens on \
                 `7000` (`--port`): connections to the published ports fail",
                "forward each mapping to a port the service listens on (`7000`), or make it \
                 listen on the published container port",
                None,
            ),
            (
                "container port `9093` is published, but `kafka` listens on `9101` \
                 (`KAFKA_JMX_PORT`) and `29092`, `9092` (`KAFKA_ADVERTISED_LISTENERS`): \
                 connections to host port `9093` fail",
                "remove the mapping, or make the service listen on the published container \
                 port: it already publishes every port it listens on",
                None,
            ),
        ];
        let expected: Vec<_> = expected
            .into_iter()
            .map(|(m, h, f)| (m.to_string(), Some(h.to_string()), f.map(String::from)))
            .collect();
        assert_eq!(got, expected);
    }
}
