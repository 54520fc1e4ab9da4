//! NET005 host-network-mode.

use crate::diagnostic::{Applicability, Fix};
use crate::diagnostic::{Diagnostic, Platform, Severity};
use crate::diagnostic::{FixAvailability, RuleInfo};
use crate::facts::address_book::{AddressBook, Addressee};
use crate::facts::clients::ClientTarget;
use crate::facts::connection::{HostClass, classify};
use crate::facts::images;
use crate::facts::kafka::parse_voters;
use crate::facts::listens::{expose_entries, main_ports, zookeeper_peer_hosts};
use crate::facts::ports::PortSet;
use crate::facts::service::{NetworkMode, Service};
use crate::fix::builders;
use crate::project::Project;
use crate::project::value::Origin;
use crate::rules::{Context, Rule};

rule_info!(
    HostNetworkMode,
    INFO,
    "NET005",
    "host-network-mode",
    Severity::Error,
    &Platform::ALL,
    FixAvailability::Review
);

/// Why the service is a problem, strongest first: it decides the severity per platform.
enum Case<'a> {
    /// `ports` next to `network_mode: host`: refused or discarded everywhere.
    Ports,
    /// Another service reaches it by one of its names, which no network resolves.
    Named {
        consumer: &'a str,
        target: &'a ClientTarget<'a>,
    },
    /// A server the host is expected to reach (it exposes or is known to listen on ports).
    Server,
    /// Host networking for its own sake (a monitoring agent, a VPN client).
    Plain,
}

impl Rule for HostNetworkMode {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_project(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let project = cx.project;
        let hosts: Vec<(&Service, &Origin)> = cx
            .services()
            .iter()
            .filter_map(|s| Some((s, host_mode(s)?)))
            .collect();
        if hosts.is_empty() {
            return;
        }
        let book = cx.book();
        // Every client-side address of every service, with its consumer.
        let targets: Vec<(&str, ClientTarget)> = cx
            .services()
            .iter()
            .flat_map(|s| {
                cx.client_targets(s.spec)
                    .into_owned()
                    .into_iter()
                    .map(move |t| (s.name, t))
            })
            .filter(|(_, t)| !t.browser)
            .collect();
        // Host ports the fixes may not take: published by services with their own network
        // (Docker discards the others'), and those an earlier fix takes.
        let mut taken: PortSet = cx
            .services()
            .iter()
            .filter(|s| !s.network_mode.shares_namespace())
            .flat_map(Service::published)
            .map(|p| p.host_ports)
            .collect();
        // A file whose every service is on the host's network is written for Docker Engine
        // on Linux: one finding says so, instead of one per service.
        let whole_file = hosts.len() > 1 && hosts.len() == cx.services().len();
        let mut collapsed: Vec<(&Service, &Origin)> = Vec::new();
        for (service, key) in hosts {
            let case = case(book, &targets, service);
            if whole_file && matches!(case, Case::Server | Case::Plain) {
                collapsed.push((service, key));
                continue;
            }
            let ports = publish(project, service);
            let free = ports.iter().all(|(p, _)| !taken.contains(*p));
            for (p, _) in &ports {
                taken.insert(*p..=*p);
            }
            let mut d = diagnostic(project, service, key, &case, &ports);
            // A service that reaches something through the host's loopback would reach only
            // itself: a host-network cluster is converted as a whole, by hand.
            let loopback = relies_on_host_loopback(cx, service);
            if loopback {
                let help = d.help.take().unwrap_or_default();
                d = d.help(format!(
                    "{help}; `{}` reaches other servers as `localhost`, which off the host's network \
                     is the container itself: convert every member of the host-network cluster \
                     together and address them by service name",
                    service.name
                ));
            }
            // Without anything to publish, the fix would cut the host off on Linux too.
            let fixable = free && (matches!(case, Case::Ports) || !ports.is_empty()) && !loopback;
            out.push(
                d.with_fix(
                    fixable
                        .then(|| fix(project, service, key, &ports))
                        .flatten(),
                ),
            );
        }
        if let Some(d) = whole_file_diagnostic(project, &collapsed) {
            out.push(d);
        }
    }
}

/// The one finding of a file whose services all use host networking, at the first of them.
/// No fix: moving a whole stack off the host's network is a migration (peers that address
/// each other as `localhost`, ports to publish), not an edit.
fn whole_file_diagnostic(
    project: &Project,
    services: &[(&Service, &Origin)],
) -> Option<Diagnostic> {
    use Platform::{Linux, Mac, Windows};
    use Severity::{Info, Warning};
    let (first, key) = services.first()?;
    let names: Vec<String> = services
        .iter()
        .map(|(s, _)| format!("`{}`", s.name))
        .collect();
    let message = format!(
        "every service of this project uses `network_mode: host` ({}): the file is written for \
         Docker Engine on Linux, where that works; {DESKTOP}",
        names.join(", ")
    );
    Some(
        Diagnostic::new(&INFO, message)
            .per_platform(&[(Mac, Warning), (Windows, Warning), (Linux, Info)])
            .at(project.file(key.file), key.span)
            .service(first.name)
            .help(
                "run it on Linux, or have every Docker Desktop user enable host networking in its \
                 settings; to run it anywhere, remove `network_mode: host` from every service, \
                 publish the ports the host uses and have the services address each other by \
                 service name",
            ),
    )
}

/// Whether the service reaches something through the host's loopback: a client address, a
/// ZooKeeper peer, a Kafka controller voter, or a Kafka listener bound to `localhost`. Off the
/// host's network that loopback is the container's own.
fn relies_on_host_loopback<'p>(cx: &Context<'p>, service: &Service<'p>) -> bool {
    let loopback = |host: &str| classify(host) == HostClass::Loopback;
    let repo = service.repository.map_or("", |(repo, _)| repo);
    cx.client_targets(service.spec)
        .iter()
        .any(|t| loopback(&t.target.host))
        || zookeeper_peer_hosts(repo, service.env())
            .iter()
            .any(|h| loopback(h))
        || cx.broker(service.name).is_some_and(|b| {
            b.listeners()
                .unwrap_or_default()
                .iter()
                .any(|e| loopback(&e.host))
                || b.text("controller.quorum.voters")
                    .and_then(parse_voters)
                    .is_some_and(|voters| voters.iter().any(|v| loopback(&v.host)))
        })
}

/// The `network_mode` key of a service whose network mode is `host`. An unset variable keeps
/// the rule silent, and so does `networks` next to it: Compose refuses the pair (SCH003).
fn host_mode<'p>(service: &Service<'p>) -> Option<&'p Origin> {
    if service.network_mode != NetworkMode::Host || service.networks_entry().is_some() {
        return None;
    }
    service.network_mode_entry().map(|(key, _)| key)
}

fn has_expose(service: &Service) -> bool {
    service
        .expose_entry()
        .and_then(|(_, v)| v.as_seq())
        .is_some_and(|p| !p.is_empty())
}

fn case<'a>(
    book: &AddressBook,
    targets: &'a [(&'a str, ClientTarget<'a>)],
    service: &Service,
) -> Case<'a> {
    let name = service.name;
    if !service.ports().is_empty() {
        return Case::Ports;
    }
    let named = targets.iter().find(|(consumer, t)| {
        *consumer != name && book.resolve(consumer, &t.host()) == Addressee::Service(name)
    });
    if let Some((consumer, target)) = named {
        return Case::Named { consumer, target };
    }
    let server = !service.is_helper()
        && (has_expose(service)
            || images::is_kafka_broker(service.spec)
            || !main_ports(service.spec).is_empty());
    if server { Case::Server } else { Case::Plain }
}

/// What Docker Desktop does with host networking, for the messages.
const DESKTOP: &str = "host networking is off on Docker Desktop for Mac and Windows unless \
                       enabled (Desktop 4.34 and later), and the container then shares the \
                       network of Docker's VM, not the host's";

fn diagnostic(
    project: &Project,
    service: &Service,
    key: &Origin,
    case: &Case,
    ports: &[(u16, String)],
) -> Diagnostic {
    use Platform::{Linux, Mac, Windows};
    use Severity::{Error, Info, Warning};
    let name = service.name;
    let (message, severities) = match case {
        Case::Ports => (
            format!(
                "`ports` cannot be used with `network_mode: host`: Compose refuses them or Docker \
                 discards them; and {DESKTOP}"
            ),
            [(Mac, Error), (Windows, Error), (Linux, Error)],
        ),
        Case::Named { consumer, target } => (
            format!(
                "`{consumer}` reaches `{name}` as `{}` in {}, but with `network_mode: host` \
                 `{name}` is on no Compose network and no container resolves its name; and \
                 {DESKTOP}",
                target.host(),
                target.place
            ),
            [(Mac, Error), (Windows, Error), (Linux, Error)],
        ),
        Case::Server => (
            format!(
                "`network_mode: host` puts `{name}`{} in the host's network only on Docker \
                 Engine on Linux: {DESKTOP}",
                if ports.is_empty() {
                    String::new()
                } else {
                    format!(" and its {}", ports_in_words(ports))
                }
            ),
            [(Mac, Error), (Windows, Error), (Linux, Info)],
        ),
        Case::Plain => (
            format!(
                "`network_mode: host` puts `{name}` in the host's network only on Docker Engine \
                 on Linux: {DESKTOP}"
            ),
            [(Mac, Warning), (Windows, Warning), (Linux, Info)],
        ),
    };
    let mut d = Diagnostic::new(&INFO, message)
        .per_platform(&severities)
        .at(project.file(key.file), key.span)
        .service(name)
        .help(help(case, ports));
    if let Some((ports_key, _)) = service.ports_entry() {
        d = d.label(
            project.file(ports_key.file),
            ports_key.span,
            "discarded with host networking",
        );
    }
    if let Case::Named { target, .. } = case {
        d = d.label(
            project.file(target.value.origin.file),
            target.host_span(),
            "resolves on no network",
        );
    }
    d
}

/// The remedy for each case.
fn help(case: &Case, ports: &[(u16, String)]) -> String {
    let publish = if ports.is_empty() {
        String::new()
    } else {
        format!(" and publish its ports: `ports: {}`", flow_list(ports))
    };
    match case {
        Case::Ports => "remove `network_mode: host` and keep `ports`".to_string(),
        Case::Named { .. } => format!(
            "remove `network_mode: host`{publish}; other services then reach it by its \
             service name"
        ),
        Case::Server => format!(
            "remove `network_mode: host`{publish}, or have every Docker Desktop user enable \
             host networking in its settings"
        ),
        Case::Plain => "if programs on the host use it on Docker Desktop, enable host networking \
                        in its settings, or remove `network_mode: host` and publish its ports"
            .to_string(),
    }
}

/// `port 80`, `ports 80 and 443`, `ports 80, 443 and 8080`.
fn ports_in_words(ports: &[(u16, String)]) -> String {
    let numbers: Vec<String> = ports.iter().map(|(p, _)| p.to_string()).collect();
    match numbers.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("ports {} and {last}", rest.join(", ")),
        Some((last, _)) => format!("port {last}"),
        None => String::new(),
    }
}

/// The `ports` value written by the fix and shown in the help: `["5432:5432"]`.
fn flow_list(ports: &[(u16, String)]) -> String {
    let items: Vec<String> = ports
        .iter()
        .map(|(_, item)| format!("\"{item}\""))
        .collect();
    format!("[{}]", items.join(", "))
}

/// What the service listens on once it leaves the host's network, with the `ports` item
/// publishing it: `"P:P"` for each `expose` entry, else for each configured or image-default
/// port; nothing when the service already has `ports` or is a one-shot helper.
fn publish(project: &Project, service: &Service) -> Vec<(u16, String)> {
    if service.ports_entry().is_some() || service.is_helper() {
        return Vec::new();
    }
    let exposed: Vec<(u16, String)> = expose_entries(project, service.spec)
        .iter()
        .map(|e| (e.port, e.mapping(None)))
        .collect();
    if !exposed.is_empty() {
        return exposed;
    }
    main_ports(service.spec)
        .into_iter()
        .map(|p| (p, format!("{p}:{p}")))
        .collect()
}

/// Removes `network_mode` and, when the service had no `ports`, publishes `ports`. None when
/// the setting comes from an anchor that other services share (removing it there changes
/// them too), or when it is all that its file or anchor sets for the service (removing it
/// would leave an empty mapping, which Compose refuses).
fn fix(project: &Project, service: &Service, key: &Origin, ports: &[(u16, String)]) -> Option<Fix> {
    let map = service.spec.as_map()?;
    let (_, mode) = service.network_mode_entry()?;
    if builders::services_sharing(project, mode).len() > 1 {
        return None;
    }
    let written_with = |o: &Origin| o.file == key.file && o.via_alias == key.via_alias;
    if !map
        .iter()
        .any(|(k, o, _)| k != "network_mode" && written_with(o))
    {
        return None;
    }
    let mut edits = vec![builders::remove_key(project, service.spec, "network_mode")?];
    let title = if ports.is_empty() {
        "Remove `network_mode: host`".to_string()
    } else {
        let list = flow_list(ports);
        edits.push(builders::add_key(project, service.spec, "ports", &list)?);
        format!("Remove `network_mode: host` and publish `ports: {list}`")
    };
    Some(Fix::new(title, Applicability::Review, edits))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Platform::{Linux, Mac, Windows};
    use Severity::{Error, Info, Warning};

    /// Each finding's service, severity per platform, and whether it has a fix.
    type Found = (String, Vec<(Platform, Severity)>, bool);

    fn severities(yaml: &str) -> Vec<Found> {
        let out = crate::rules::findings_of(&HostNetworkMode, yaml);
        out.into_iter()
            .map(|d| (d.service.unwrap_or_default(), d.severities, d.fix.is_some()))
            .collect()
    }

    #[test]
    fn severity_by_case_and_platform() {
        let got = severities(
            r#"
services:
  published:
    image: ghcr.io/acme/app:1
    network_mode: host
    ports: ["8080:8080"]
  db:
    image: postgres:16
    network_mode: host
  cache:
    image: redis:7
    network_mode: host
  app:
    image: ghcr.io/acme/app:1
    environment:
      REDIS_URL: redis://cache:6379
  agent:
    image: prom/node-exporter:v1.8.2
    network_mode: host
  listed:
    image: ghcr.io/acme/app:1
    network_mode: "host"
    networks: [default]
  unknown:
    image: postgres:16
    network_mode: ${MODE}
"#,
        );
        let all_error = vec![(Mac, Error), (Windows, Error), (Linux, Error)];
        assert_eq!(
            got,
            vec![
                ("published".to_string(), all_error.clone(), true),
                (
                    "db".to_string(),
                    vec![(Mac, Error), (Windows, Error), (Linux, Info)],
                    true
                ),
                ("cache".to_string(), all_error, true),
                (
                    "agent".to_string(),
                    vec![(Mac, Warning), (Windows, Warning), (Linux, Info)],
                    false
                ),
            ]
        );
    }

    #[test]
    fn fixes_do_not_take_published_host_ports() {
        let got = severities(
            r#"
services:
  db:
    image: postgres:16
    network_mode: host
  other:
    image: postgres:16
    ports: ["5432:5432"]
"#,
        );
        assert_eq!(got.len(), 1);
        assert!(!got[0].2, "the fix would publish host port 5432 twice");
    }
}
