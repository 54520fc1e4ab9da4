//! MAC003 unpublished-port-unreachable-from-host.

use crate::diagnostic::{Applicability, Fix};
use crate::diagnostic::{Diagnostic, Platform, Severity};
use crate::diagnostic::{FixAvailability, RuleInfo};
use crate::facts::address_book::{AddressBook, Addressee};
use crate::facts::clients::ClientTarget;
use crate::facts::images;
use crate::facts::listens::{expose_entries, main_ports};
use crate::facts::service::{NetworkMode, Service};
use crate::facts::topology::{Blocked, Client, Topology};
use crate::fix::builders;
use crate::images as catalog;
use crate::project::Project;
use crate::project::value::{Kind, Origin, Value};
use crate::rules::{Context, Rule};
use std::collections::BTreeSet;

rule_info!(
    UnpublishedPortUnreachableFromHost,
    INFO,
    "MAC003",
    "unpublished-port-unreachable-from-host",
    Severity::Info,
    &[Platform::Mac, Platform::Windows],
    FixAvailability::Review
);

/// Service keys that name a proxy built from source (`build: ./nginx`).
const PROXY_NAMES: [&str; 8] = [
    "nginx",
    "proxy",
    "reverse-proxy",
    "traefik",
    "caddy",
    "haproxy",
    "envoy",
    "gateway",
];

/// Environment key prefixes and label prefixes by which a proxy discovers the services it
/// routes to (nginx-proxy and its Let's Encrypt companion, Traefik, caddy-docker-proxy).
const ROUTED_ENV: [&str; 2] = ["VIRTUAL_", "LETSENCRYPT_"];
const ROUTED_LABELS: [&str; 4] = [
    "traefik.",
    "caddy",
    "com.github.nginx-proxy.",
    "com.github.jrcs.letsencrypt_nginx_proxy_companion",
];

/// A port to publish: its number and the `ports` entry that publishes it on loopback.
struct Port {
    number: u16,
    entry: String,
}

/// What makes the service look reachable from the host.
enum Evidence<'p> {
    /// `expose` entries.
    Expose(&'p Origin),
    /// A static address, with the value that sets it.
    StaticIp(&'p Value, String),
}

impl Rule for UnpublishedPortUnreachableFromHost {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_project(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let project = cx.project;
        let candidates: Vec<(&Service, Evidence, Vec<Port>)> = cx
            .services()
            .iter()
            .filter_map(|s| {
                let (evidence, ports) = candidate(project, s)?;
                Some((s, evidence, ports))
            })
            .collect();
        if candidates.is_empty() || publishes_proxy(cx.services()) {
            return;
        }
        let book = cx.book();
        let topology = cx.topology();
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
            .collect();
        // Host ports the fixes may not take: published ones, and those an earlier fix takes.
        let mut taken: BTreeSet<u16> = BTreeSet::new();
        for (service, evidence, ports) in candidates {
            let name = service.name;
            if reached_inside(cx, book, &targets, service) {
                continue;
            }
            let free = ports.iter().all(|p| {
                !taken.contains(&p.number) && topology.publishers(p.number).next().is_none()
            });
            taken.extend(ports.iter().map(|p| p.number));
            let Some(d) = diagnostic(project, topology, name, &evidence, &ports) else {
                continue;
            };
            // `expose` alone documents ports between containers, not a wish for host access:
            // only a static address, which the host is meant to use, is published for it.
            let fixable = free
                && matches!(evidence, Evidence::StaticIp(..))
                && !shared(project, service, &evidence);
            let fix = fixable
                .then(|| fix(project, service.spec, &ports))
                .flatten();
            out.push(d.with_fix(fix));
        }
    }
}

/// A server on its own bridge network without `ports` that exposes ports or has a static
/// address, with the ports a program on the host would use.
fn candidate<'p>(project: &Project, service: &Service<'p>) -> Option<(Evidence<'p>, Vec<Port>)> {
    if service.network_mode.is_set() || service.ports_entry().is_some() || service.is_helper() {
        return None;
    }
    let exposed: Vec<Port> = expose_entries(project, service.spec)
        .iter()
        .map(|e| Port {
            number: e.port,
            entry: e.mapping(Some("127.0.0.1")),
        })
        .collect();
    if let Some((key, _)) = service.expose_entry().filter(|_| !exposed.is_empty()) {
        return Some((Evidence::Expose(key), exposed));
    }
    let (value, ip) = static_ip(service)?;
    let ports: Vec<Port> = main_ports(service.spec)
        .into_iter()
        .map(|p| Port {
            number: p,
            entry: format!("127.0.0.1:{p}:{p}"),
        })
        .collect();
    (!ports.is_empty()).then_some((Evidence::StaticIp(value, ip), ports))
}

/// The first static `ipv4_address`/`ipv6_address` of the service's networks.
fn static_ip<'p>(service: &Service<'p>) -> Option<(&'p Value, String)> {
    let networks = service.networks()?;
    networks.iter().find_map(|(_, _, config)| {
        ["ipv4_address", "ipv6_address"].iter().find_map(|k| {
            let v = config.get(k)?;
            let s = v.as_str().filter(|s| s.is_known())?;
            let ip = s.text.trim();
            ip.parse::<std::net::IpAddr>()
                .is_ok()
                .then(|| (v, ip.to_string()))
        })
    })
}

/// Whether the project publishes a reverse proxy, which reaches the other services for the
/// host.
fn publishes_proxy(services: &[Service]) -> bool {
    services.iter().any(|service| {
        !service.ports().is_empty()
            && (PROXY_NAMES.contains(&service.name)
                || service
                    .image
                    .is_some_and(|image| catalog::is_proxy(catalog::repository(image))))
    })
}

/// Whether other containers are what reaches the service, so that `expose` documents internal
/// traffic: another service names it in a client-side value, depends on it or links to it, runs
/// in its network namespace, or could reach it through configuration composefix cannot read; a
/// proxy routes to it (`VIRTUAL_HOST`, labels); it has network aliases; or its networks are
/// external (other projects reach it), all internal (nothing is published), or declared in
/// another file (the project is not all here).
fn reached_inside(
    cx: &Context,
    book: &AddressBook,
    targets: &[(&str, ClientTarget)],
    service: &Service,
) -> bool {
    let name = service.name;
    let named = targets.iter().any(|(consumer, t)| {
        *consumer != name && book.resolve(consumer, &t.host()) == Addressee::Service(name)
    });
    let related = cx.services().iter().any(|s| {
        s.name != name
            && (s.depends_on().any(|(d, _, _)| d == name)
                || links_to(s.spec, name)
                || s.network_mode == NetworkMode::Service(name)
                || (book.share_network(s.name, name) && hidden_client(s)))
    });
    named
        || related
        || routed(service)
        || service.has_aliases()
        || book.on_external_network(name)
        || !networks_declared_here(cx.project, service)
        || only_internal_networks(cx.project, service)
}

/// A service that may connect to others through settings composefix cannot read (its source
/// code, a mounted configuration file): anything but a server that only serves (a database,
/// a cache, a broker) or a one-shot helper.
fn hidden_client(service: &Service) -> bool {
    if service.is_helper() || images::is_kafka_broker(service.spec) {
        return false;
    }
    let Some(repo) = service.image.map(catalog::repository) else {
        return true;
    };
    service.is_built() || !catalog::is_datastore(repo)
}

fn links_to(service: &Value, target: &str) -> bool {
    service
        .get("links")
        .and_then(Value::as_seq)
        .into_iter()
        .flatten()
        .filter_map(Value::scalar_text)
        .any(|l| l.split(':').next() == Some(target))
}

/// A proxy routes to it: nginx-proxy's `VIRTUAL_HOST`, Traefik or caddy-docker-proxy labels.
fn routed(service: &Service) -> bool {
    let env = service.env();
    let routed_key = |k: &str| ROUTED_ENV.iter().any(|p| k.starts_with(p));
    if env.is_some_and(|e| e.iter().any(|(k, _, _)| routed_key(k))) {
        return true;
    }
    // Labels in list form are held as a mapping too.
    service.labels().and_then(Value::as_map).is_some_and(|m| {
        m.iter()
            .any(|(k, _, _)| ROUTED_LABELS.iter().any(|p| k.starts_with(p)))
    })
}

/// The networks the service joins (a list is held as a mapping too).
fn network_names<'p>(service: &Service<'p>) -> Vec<&'p str> {
    service
        .networks()
        .map(|m| m.iter().map(|(k, _, _)| k).collect())
        .unwrap_or_default()
}

fn declared_networks(project: &Project) -> Option<&crate::project::value::Map> {
    project
        .model
        .as_ref()
        .and_then(|m| m.get("networks"))
        .and_then(Value::as_map)
}

/// False when the service joins a network that no file of the project declares: the file is
/// a fragment that another file completes, and the services that use it may be there.
fn networks_declared_here(project: &Project, service: &Service) -> bool {
    let declared = declared_networks(project);
    network_names(service)
        .iter()
        .all(|n| *n == "default" || declared.is_some_and(|d| d.contains_key(n)))
}

/// All the service's networks are declared `internal: true`: Docker publishes nothing there.
fn only_internal_networks(project: &Project, service: &Service) -> bool {
    let declared = declared_networks(project);
    let internal = |network: &str| {
        declared
            .and_then(|d| d.get(network))
            .and_then(|n| n.get("internal"))
            .is_some_and(|i| matches!(i.kind, Kind::Bool(true)))
    };
    let names = network_names(service);
    !names.is_empty() && names.iter().all(|n| internal(n))
}

/// Whether the `expose` list comes from an anchor that several services use: publishing the
/// same host ports for each of them would clash.
fn shared(project: &Project, service: &Service, evidence: &Evidence) -> bool {
    matches!(evidence, Evidence::Expose(_))
        && service
            .expose_entry()
            .is_some_and(|(_, e)| builders::services_sharing(project, e).len() > 1)
}

fn diagnostic(
    project: &Project,
    topology: &Topology,
    name: &str,
    evidence: &Evidence,
    ports: &[Port],
) -> Option<Diagnostic> {
    let numbers: Vec<String> = ports.iter().map(|p| p.number.to_string()).collect();
    let (message, origin) = match evidence {
        Evidence::Expose(key) => (
            format!(
                "`{name}` exposes {} but publishes none: a program on the host can reach it \
                 only at its container IP, which works on Docker Engine on Linux and OrbStack, \
                 but {}",
                ports_in_words(&numbers),
                Blocked::ContainerIpFromHost.reason()
            ),
            **key,
        ),
        Evidence::StaticIp(value, ip) => {
            let (platforms, reason) =
                topology.failing(Client::Host, ip, ports.first().map(|p| p.number));
            let reason = reason.filter(|_| platforms.contains(&Platform::Mac))?;
            (
                format!(
                    "`{name}` has the static address `{ip}` but publishes no port: a program on \
                     the host can reach `{ip}:{}` on Docker Engine on Linux and OrbStack, but {}",
                    numbers.first().map_or("", String::as_str),
                    reason.reason()
                ),
                value.origin,
            )
        }
    };
    Some(
        Diagnostic::new(&INFO, message)
            .at(project.file(origin.file), origin.span)
            .service(name)
            .help(format!(
                "if programs on the host use it, publish it on the host's loopback: \
                 `ports: {}`; if only other containers use it, nothing is wrong",
                flow_list(ports)
            )),
    )
}

/// `port 80`, `ports 80 and 443`, `ports 80, 443 and 8080`.
fn ports_in_words(numbers: &[String]) -> String {
    match numbers.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("ports {} and {last}", rest.join(", ")),
        Some((last, _)) => format!("port {last}"),
        None => String::new(),
    }
}

/// The `ports` value the fix writes: `["127.0.0.1:5432:5432"]`.
fn flow_list(ports: &[Port]) -> String {
    let entries: Vec<String> = ports.iter().map(|p| format!("\"{}\"", p.entry)).collect();
    format!("[{}]", entries.join(", "))
}

/// Adds `ports` publishing each port on the host's loopback.
fn fix(project: &Project, service: &Value, ports: &[Port]) -> Option<Fix> {
    let list = flow_list(ports);
    let edit = builders::add_key(project, service, "ports", &list)?;
    Some(Fix::new(
        format!("Publish `ports: {list}` on the host's loopback"),
        Applicability::Review,
        vec![edit],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The services reported in a project.
    fn reported(yaml: &str) -> Vec<String> {
        let out = crate::rules::findings_of(&UnpublishedPortUnreachableFromHost, yaml);
        out.into_iter().filter_map(|d| d.service).collect()
    }

    #[test]
    fn reports_servers_nothing_else_reaches() {
        let db = "  db:\n    image: postgres:16\n    expose: [\"5432\"]\n";
        let cases: [(&str, String, bool); 13] = [
            ("alone", String::new(), true),
            ("next to a cache", "  cache:\n    image: redis:7\n    expose: [6379]\n".into(), true),
            (
                "named by a client",
                "  app:\n    image: redis:7\n    command: redis-server\n    environment: {DB_HOST: db}\n".into(),
                false,
            ),
            ("depended on", "  kafka:\n    image: redis:7\n    depends_on: [db]\n".into(), false),
            ("linked to", "  cache:\n    image: redis:7\n    links: [\"db:pg\"]\n".into(), false),
            ("built sibling", "  api:\n    build: .\n".into(), false),
            ("unknown sibling image", "  api:\n    image: ghcr.io/acme/api:1\n".into(), false),
            (
                "published proxy",
                "  proxy:\n    image: bitnami/nginx:1.27\n    ports: [\"8080:8080\"]\n".into(),
                false,
            ),
            (
                "unpublished proxy",
                "  proxy:\n    image: bitnami/nginx:1.27\n    networks: [edge]\n".into(),
                true,
            ),
            (
                "sibling on another network",
                "  api:\n    build: .\n    networks: [edge]\n".into(),
                true,
            ),
            (
                "a helper sibling",
                "  init:\n    image: postgres:16\n    command: [\"psql\", \"-c\", \"select 1\"]\n".into(),
                true,
            ),
            ("sibling in its namespace", "  side:\n    image: redis:7\n    network_mode: service:db\n".into(), false),
            ("a datastore sibling", "  other:\n    image: mongo:7\n".into(), true),
        ];
        for (what, extra, expected) in cases {
            let networks = if extra.contains("[edge]") {
                "networks:\n  edge: {}\n"
            } else {
                ""
            };
            let yaml = format!("services:\n{db}{extra}{networks}");
            let got = reported(&yaml).contains(&"db".to_string());
            assert_eq!(got, expected, "{what}:\n{yaml}");
        }
    }

    #[test]
    fn stays_silent_without_a_host_facing_port() {
        for yaml in [
            // `ports` present, even empty.
            "services:\n  db:\n    image: postgres:16\n    expose: [\"5432\"]\n    ports: []\n",
            // Another network mode.
            "services:\n  db:\n    image: postgres:16\n    expose: [\"5432\"]\n    network_mode: bridge\n",
            // Unknown port.
            "services:\n  db:\n    image: postgres:16\n    expose: [\"${PG_PORT}\"]\n",
            // Static address of an image whose ports are unknown.
            "services:\n  app:\n    image: ghcr.io/acme/app:1\n    networks:\n      back: {ipv4_address: 10.5.0.5}\nnetworks:\n  back:\n    ipam: {config: [{subnet: 10.5.0.0/16}]}\n",
            // Routed by nginx-proxy, Traefik labels (list form), network aliases.
            "services:\n  web:\n    image: redis:7\n    expose: [\"80\"]\n    environment: [VIRTUAL_HOST=a.example]\n",
            "services:\n  web:\n    image: redis:7\n    expose: [\"80\"]\n    labels: [\"traefik.enable=true\"]\n",
            "services:\n  web:\n    image: redis:7\n    expose: [\"80\"]\n    networks:\n      default:\n        aliases: [web.internal]\n",
            // External, internal or undeclared networks.
            "services:\n  db:\n    image: postgres:16\n    expose: [\"5432\"]\nnetworks:\n  default:\n    external: true\n    name: shared\n",
            "services:\n  db:\n    image: postgres:16\n    expose: [\"5432\"]\n    networks: [back]\nnetworks:\n  back:\n    internal: true\n",
            "services:\n  db:\n    image: postgres:16\n    expose: [\"5432\"]\n    networks: [backend]\n",
        ] {
            assert_eq!(reported(yaml), Vec::<String>::new(), "{yaml}");
        }
    }
}
