//! MAC001 container-ip-advertised-to-host.

use crate::diagnostic::{Diagnostic, Platform, Severity};
use crate::diagnostic::{FixAvailability, RuleInfo};
use crate::facts::connection::{Target, parse_value};
use crate::facts::images;
use crate::facts::ports;
use crate::facts::service::Service;
use crate::facts::topology::{Blocked, Client, Topology};
use crate::facts::values::{Arg, backticked, command_lines, flag_value};
use crate::images::{self as catalog, ListenerDialect};
use crate::project::Project;
use crate::project::value::{Map, Value};
use crate::rules::{Context, Rule};
use std::net::IpAddr;
use std::ops::Range;

rule_info!(
    ContainerIpAdvertisedToHost,
    INFO,
    "MAC001",
    "container-ip-advertised-to-host",
    Severity::Error,
    &[Platform::Mac, Platform::Windows],
    FixAvailability::None
);

/// The system that hands the address to its clients, for the remedy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum System {
    Kafka,
    Redpanda,
    Mongo,
    Cassandra,
    Redis,
    Pulsar,
    Elasticsearch,
}

/// One address a service advertises to its clients.
struct Advertised<'p> {
    system: System,
    /// How messages name the place: `` `KEY` `` or `` `command` ``.
    place: String,
    /// The value holding the host (for `HOSTNAME_COMMAND`, the command).
    value: &'p Value,
    /// The host as written; None for the container's own IP, printed by `HOSTNAME_COMMAND`.
    host: Option<String>,
    /// The bytes of the host in `value`'s text, when they are written there.
    range: Option<Range<usize>>,
    /// The port clients are told to connect to: a container port, since the host is a
    /// container's address.
    port: u16,
    /// The listener's name, when the service advertises other listeners beside it (Kafka,
    /// Redpanda): the host then needs only this one changed.
    listener: Option<String>,
}

/// An advertised container IP that clients on the host receive.
struct Offense<'p> {
    advertised: Advertised<'p>,
    /// The host port that publishes `advertised.port` (that port itself for an ephemeral one).
    host_port: u16,
    platforms: Vec<Platform>,
}

impl Rule for ContainerIpAdvertisedToHost {
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
        let topology = cx.topology();
        let name = service.name;
        // In the host's or another container's network the service has no address of its own.
        if service.network_mode.shares_namespace() {
            return;
        }
        let offenses = offenses(topology, service);
        if let Some(d) = diagnose(project, name, &offenses) {
            out.push(d);
        }
    }
}

/// The service's advertised addresses that are container IPs on a published container port.
fn offenses<'p>(topology: &Topology, service: &Service<'p>) -> Vec<Offense<'p>> {
    let published = ports::targets(service.spec);
    let mut out = Vec::new();
    for advertised in advertised(service) {
        let Some(mapping) = published
            .iter()
            .find(|t| t.protocol == "tcp" && t.ports.contains(&advertised.port))
        else {
            continue;
        };
        let (platforms, reason) = match &advertised.host {
            Some(host) if host.parse::<IpAddr>().is_ok() => {
                topology.failing(Client::Host, host, Some(advertised.port))
            }
            Some(_) => continue,
            None => (INFO.platforms.to_vec(), Some(Blocked::ContainerIpFromHost)),
        };
        if reason != Some(Blocked::ContainerIpFromHost) {
            continue;
        }
        out.push(Offense {
            host_port: mapping.host_port.unwrap_or(advertised.port),
            advertised,
            platforms,
        });
    }
    out
}

fn diagnose(project: &Project, service: &str, offenses: &[Offense]) -> Option<Diagnostic> {
    let first = offenses.first()?;
    // Group the addresses by where they are written, in order of appearance.
    let mut places: Vec<(&str, Vec<&Advertised>)> = Vec::new();
    for a in offenses.iter().map(|o| &o.advertised) {
        match places.iter_mut().find(|(p, _)| *p == a.place) {
            Some((_, here)) => here.push(a),
            None => places.push((&a.place, vec![a])),
        }
    }
    let places: Vec<String> = places
        .iter()
        .map(|(place, here)| {
            let plural = if here.len() == 1 { "" } else { "s" };
            let what = match &here[0].host {
                // A place holds written hosts only, or only `HOSTNAME_COMMAND`'s output.
                Some(_) => {
                    let shown: Vec<String> = here
                        .iter()
                        .map(|a| match a.host.as_deref().unwrap_or_default() {
                            h if h.contains(':') => format!("`[{h}]:{}`", a.port),
                            h => format!("`{h}:{}`", a.port),
                        })
                        .collect();
                    format!("the container IP{plural} {}", and_list(&shown))
                }
                None => {
                    let ports: Vec<String> = here.iter().map(|a| a.port.to_string()).collect();
                    let command = here[0].value.as_str().map_or("", |s| s.text.trim());
                    format!(
                        "the container's own IP (`{command}`) with port{plural} {}",
                        and_list(&ports)
                    )
                }
            };
            format!("{place} advertises {what}")
        })
        .collect();
    let mut ports: Vec<String> = Vec::new();
    for o in offenses {
        let port = o.advertised.port.to_string();
        if !ports.contains(&port) {
            ports.push(port);
        }
    }
    let message = format!(
        "{} to clients on the host ({} {} {} published): {}, so this works on Linux and \
         OrbStack but fails on Docker Desktop for Mac and Windows",
        and_list(&places),
        if ports.len() == 1 { "port" } else { "ports" },
        and_list(&ports),
        if ports.len() == 1 { "is" } else { "are" },
        Blocked::ContainerIpFromHost.reason(),
    );
    let mut helps: Vec<String> = Vec::new();
    for o in offenses {
        let help = help(service, o);
        if !helps.contains(&help) {
            helps.push(help);
        }
    }
    let a = &first.advertised;
    let span = a
        .range
        .clone()
        .and_then(|r| a.value.as_str()?.literal_span(r))
        .unwrap_or(a.value.origin.span);
    let mut d = Diagnostic::new(&INFO, message)
        .at(project.file(a.value.origin.file), span)
        .service(service)
        .help(helps.join("; "));
    d.platforms.clone_from(&first.platforms);
    Some(d)
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The system-specific remedy for one offense.
fn help(service: &str, o: &Offense) -> String {
    let (port, host_port) = (o.advertised.port, o.host_port);
    let internal = if port == 29092 { 29093 } else { 29092 };
    match (o.advertised.system, &o.advertised.listener) {
        (System::Kafka | System::Redpanda, Some(listener)) => format!(
            "advertise `{listener}://localhost:{host_port}` to the clients on the host, which \
             reach the `{listener}` listener through the published port; containers keep using \
             the other listener"
        ),
        (System::Kafka, None) => format!(
            "give containers and the host a listener each: advertise \
             `INTERNAL://{service}:{internal},EXTERNAL://localhost:{host_port}` with listeners \
             `INTERNAL://:{internal},EXTERNAL://:{port}`, both names mapped to `PLAINTEXT`, and \
             `INTERNAL` as the inter-broker listener; containers then bootstrap from \
             `{service}:{internal}`"
        ),
        (System::Redpanda, _) => format!(
            "give containers and the host a listener each: `--kafka-addr \
             internal://0.0.0.0:{internal},external://0.0.0.0:{port}` with \
             `--advertise-kafka-addr internal://{service}:{internal},external://localhost:{host_port}`"
        ),
        (System::Mongo, _) => format!(
            "advertise the service name (`MONGODB_ADVERTISED_HOSTNAME: {service}`) and connect \
             from the host to `localhost:{host_port}` with `directConnection=true`"
        ),
        (System::Cassandra, _) => format!(
            "set `CASSANDRA_BROADCAST_RPC_ADDRESS` to an address clients on the host can reach \
             (`127.0.0.1` for a single node published on port {host_port}), and keep \
             `CASSANDRA_BROADCAST_ADDRESS` for the other nodes"
        ),
        (System::Redis, _) => format!(
            "announce an address the host can reach: `--cluster-announce-ip 127.0.0.1` with \
             `--cluster-announce-port` and `--cluster-announce-bus-port` set to ports every node \
             publishes as `P:P` (here `{host_port}:{port}`), or run the clients inside Compose"
        ),
        (System::Pulsar, _) => format!(
            "advertise `--advertised-address localhost` when only the host connects (port \
             {host_port}); when containers connect too, configure two `advertisedListeners`, \
             one with the service name `{service}` and one with `localhost`"
        ),
        (System::Elasticsearch, _) => format!(
            "publish an address the host can reach (`http.publish_host: localhost`, port \
             {host_port}), or turn off sniffing in the clients on the host"
        ),
    }
}

/// Every address the service advertises to its clients, as far as it is known.
fn advertised<'p>(service: &Service<'p>) -> Vec<Advertised<'p>> {
    let mut out = Vec::new();
    if let Some(env) = service.env() {
        if images::is_kafka_broker(service.spec) {
            kafka(service, env, &mut out);
        }
        let single = [
            (
                System::Mongo,
                &["MONGODB_ADVERTISED_HOSTNAME"][..],
                &["MONGODB_PORT_NUMBER"][..],
                27017,
            ),
            // The official image defaults the RPC address (what clients get) to the broadcast one.
            (
                System::Cassandra,
                &[
                    "CASSANDRA_BROADCAST_RPC_ADDRESS",
                    "CASSANDRA_BROADCAST_ADDRESS",
                ],
                &["CASSANDRA_CQL_PORT_NUMBER"],
                9042,
            ),
            // `http.publish_host` overrides `network.publish_host` for the HTTP clients.
            (
                System::Elasticsearch,
                &["http.publish_host", "network.publish_host"],
                &["http.port"],
                9200,
            ),
        ];
        for (system, keys, port_keys, default) in single {
            if let Some((key, Some(value))) = setting(env, keys)
                && let Some(port) = port_setting(env, port_keys, default)
            {
                out.extend(single_host(system, format!("`{key}`"), value, None, port));
            }
        }
    }
    for key in ["entrypoint", "command"] {
        for line in command_lines(service.spec, key) {
            command_line(&line, key, &mut out);
        }
    }
    out
}

/// The first of `keys` the environment sets, with its value when that is a known string (None
/// for an unknown interpolation or a value from the shell, which the rule must not guess).
fn setting<'p>(env: &'p Map, keys: &[&'static str]) -> Option<(&'static str, Option<&'p Value>)> {
    keys.iter().find_map(|&key| {
        let value = env.get(key)?;
        let known = value.as_str().is_some_and(|s| s.is_known());
        Some((key, known.then_some(value)))
    })
}

/// The port the first of `keys` sets, else `default`; None when that setting is unknown or not
/// a port.
fn port_setting(env: &Map, keys: &[&str], default: u16) -> Option<u16> {
    let Some(value) = keys.iter().find_map(|k| env.get(k)) else {
        return Some(default);
    };
    if value.as_str().is_some_and(|s| !s.is_known()) {
        return None;
    }
    value.scalar_text()?.trim().parse().ok()
}

/// A value holding one host (`172.18.0.5`); `offset` is where `text` starts in `value`'s text.
fn single_host<'p>(
    system: System,
    place: String,
    value: &'p Value,
    text: Option<(&str, Option<usize>)>,
    port: u16,
) -> Option<Advertised<'p>> {
    let (text, offset) = match text {
        Some(t) => t,
        None => (value.as_str()?.text.as_str(), Some(0)),
    };
    let [target] = &parse_value(text)[..] else {
        return None;
    };
    Some(written(system, place, value, offset, target, port))
}

/// The address of `target`, whose ranges index the text at `offset` in `value`'s text.
fn written<'p>(
    system: System,
    place: String,
    value: &'p Value,
    offset: Option<usize>,
    target: &Target,
    port: u16,
) -> Advertised<'p> {
    let range = &target.host_range;
    Advertised {
        system,
        place,
        value,
        host: Some(target.host.clone()),
        range: offset.map(|o| o + range.start..o + range.end),
        port,
        listener: None,
    }
}

/// The advertised listeners of a list (`INTERNAL://kafka:29092,EXTERNAL://localhost:9092`)
/// that have a port; `offset` is where `text` starts in `value`'s text.
fn listeners<'p>(
    system: System,
    place: String,
    value: &'p Value,
    offset: Option<usize>,
    text: &str,
) -> Vec<Advertised<'p>> {
    let targets = parse_value(text);
    let several = targets.len() > 1;
    targets
        .iter()
        .filter_map(|target| {
            let port = target.port.filter(|_| target.port_written)?;
            let mut a = written(system, place.clone(), value, offset, target, port);
            a.listener = target.listener.clone().filter(|_| several);
            Some(a)
        })
        .collect()
}

/// A Kafka broker's advertised addresses (RULES.md §3.1): its advertised listeners; and for
/// wurstmeister, without them, the legacy `KAFKA_ADVERTISED_HOST_NAME` with
/// `KAFKA_ADVERTISED_PORT` (or `KAFKA_PORT`, 9092), and a `HOSTNAME_COMMAND` that prints the
/// container's own IP, used as the host name or where a listener says `_{HOSTNAME_COMMAND}`.
fn kafka<'p>(service: &Service<'p>, env: &'p Map, out: &mut Vec<Advertised<'p>>) {
    let repo = service.image.map(catalog::repository).unwrap_or_default();
    let dialect = catalog::listener_dialect(repo);
    // wurstmeister, or an image built on it.
    let wurstmeister = !matches!(
        dialect,
        ListenerDialect::Bitnami | ListenerDialect::Official
    );
    // Only Bitnami reads `KAFKA_CFG_*`; an unknown image may be built on it.
    let listener_keys: &[&str] = if matches!(
        dialect,
        ListenerDialect::Official | ListenerDialect::Wurstmeister
    ) {
        &["KAFKA_ADVERTISED_LISTENERS"]
    } else {
        &[
            "KAFKA_CFG_ADVERTISED_LISTENERS",
            "KAFKA_ADVERTISED_LISTENERS",
        ]
    };
    let own_ip = env.get("HOSTNAME_COMMAND").filter(|v| {
        wurstmeister
            && v.as_str()
                .is_some_and(|s| s.is_known() && prints_own_ip(&s.text))
    });
    match setting(env, listener_keys) {
        Some((_, None)) => {}
        Some((key, Some(value))) => {
            let text = value.as_str().map_or("", |s| s.text.as_str());
            out.extend(listeners(
                System::Kafka,
                format!("`{key}`"),
                value,
                Some(0),
                text,
            ));
            if let Some(command) = own_ip {
                for port in hostname_command_ports(text) {
                    out.push(own_ip_advertised(command, port));
                }
            }
        }
        // Kafka 3 dropped `advertised.host.name`, and Confluent's images exit without
        // advertised listeners: only wurstmeister's older brokers use the host name.
        None if wurstmeister => {
            let Some(port) = port_setting(env, &["KAFKA_ADVERTISED_PORT", "KAFKA_PORT"], 9092)
            else {
                return;
            };
            match setting(env, &["KAFKA_ADVERTISED_HOST_NAME"]) {
                Some((key, Some(value))) => {
                    out.extend(single_host(
                        System::Kafka,
                        format!("`{key}`"),
                        value,
                        None,
                        port,
                    ));
                }
                Some((_, None)) => {}
                None => out.extend(own_ip.map(|command| own_ip_advertised(command, port))),
            }
        }
        None => {}
    }
}

fn own_ip_advertised(command: &Value, port: u16) -> Advertised<'_> {
    Advertised {
        system: System::Kafka,
        place: "`HOSTNAME_COMMAND`".to_string(),
        value: command,
        host: None,
        range: None,
        port,
        listener: None,
    }
}

/// The ports of wurstmeister listeners whose host is `_{HOSTNAME_COMMAND}`, which the image
/// replaces with the command's output (`OUTSIDE://_{HOSTNAME_COMMAND}:9094`).
fn hostname_command_ports(listeners: &str) -> Vec<u16> {
    const HOST: &str = "://_{HOSTNAME_COMMAND}:";
    listeners
        .match_indices(HOST)
        .filter_map(|(at, _)| {
            let rest = &listeners[at + HOST.len()..];
            let end = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            rest[..end].parse().ok()
        })
        .collect()
}

/// Whether a shell command prints the container's own IP (a heuristic): `hostname -i`/`-I`
/// (`--ip-address`, `--all-ip-addresses`), `ip addr`, or `ifconfig`. Commands that print the
/// host's address (`route -n`, the gateway) or a name do not.
fn prints_own_ip(command: &str) -> bool {
    let words: Vec<&str> = command
        .split(|c: char| c.is_whitespace() || ";&|()`$\"'".contains(c))
        .filter(|w| !w.is_empty())
        .collect();
    words.iter().enumerate().any(|(i, &w)| {
        let program = w.rsplit('/').next().unwrap_or(w);
        let options = words[i + 1..].iter().take_while(|o| o.starts_with('-'));
        match program {
            "hostname" => options.clone().any(|o| {
                matches!(*o, "--ip-address" | "--all-ip-addresses")
                    || (!o.starts_with("--") && o.contains(['i', 'I']))
            }),
            // `ip [options] a|addr|address ...`
            "ip" => words[i + 1..]
                .iter()
                .find(|o| !o.starts_with('-') && !matches!(**o, "inet" | "inet6"))
                .is_some_and(|sub| !sub.is_empty() && "address".starts_with(*sub)),
            "ifconfig" => true,
            _ => false,
        }
    })
}

/// The addresses one command line advertises: Redpanda's `--advertise-kafka-addr`, Redis's
/// `--cluster-announce-ip` and Pulsar's `--advertised-address`.
fn command_line<'p>(line: &[Arg<'p>], key: &str, out: &mut Vec<Advertised<'p>>) {
    let place = backticked(key);
    if let Some((text, value, offset)) = flag(line, "--advertise-kafka-addr") {
        out.extend(listeners(
            System::Redpanda,
            place.clone(),
            value,
            offset,
            text,
        ));
    }
    if let Some((text, value, offset)) = flag(line, "--cluster-announce-ip") {
        let port = match flag(line, "--cluster-announce-port").or_else(|| flag(line, "--port")) {
            Some((p, _, _)) => p.trim().parse().ok(),
            None => Some(6379),
        };
        if let Some(port) = port {
            out.extend(single_host(
                System::Redis,
                place.clone(),
                value,
                Some((text, offset)),
                port,
            ));
        }
    }
    if let Some((text, value, offset)) = flag(line, "--advertised-address") {
        out.extend(single_host(
            System::Pulsar,
            place,
            value,
            Some((text, offset)),
            6650,
        ));
    }
}

/// The value of option `name` on a command line, with the value holding it and where the text
/// starts in that value's text, when known.
fn flag<'a, 'p>(line: &'a [Arg<'p>], name: &str) -> Option<(&'a str, &'p Value, Option<usize>)> {
    flag_value(line, &[name]).map(|f| (f.text, f.value, f.offset))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(yaml: &str) -> Vec<Diagnostic> {
        crate::rules::findings_of(&ContainerIpAdvertisedToHost, yaml)
    }

    #[test]
    fn one_finding_lists_every_address_and_occurs_on_mac_and_windows_only() {
        let found = run(r#"
services:
  kafka:
    image: confluentinc/cp-kafka:7.6.1
    ports: ["9092:9092", "9093:9093"]
    environment:
      KAFKA_ADVERTISED_LISTENERS: A://172.18.0.2:9092,B://[fd00::2]:9093,C://172.18.0.2:9094
    networks:
      net: {ipv6_address: "fd00::2"}
"#);
        assert_eq!(found.len(), 1);
        let mut d = found.into_iter().next().unwrap();
        assert_eq!(
            d.message,
            "`KAFKA_ADVERTISED_LISTENERS` advertises the container IPs `172.18.0.2:9092` and \
             `[fd00::2]:9093` to clients on the host (ports 9092 and 9093 are published): the \
             host cannot route to container IPs on Docker Desktop and other VM-based engines, so \
             this works on Linux and OrbStack but fails on Docker Desktop for Mac and Windows"
        );
        assert_eq!(d.platforms, [Platform::Mac, Platform::Windows]);
        assert!(!d.clone().target(&[Platform::Linux]));
        assert!(d.target(&[Platform::Mac]));
    }

    #[test]
    fn silent_without_a_published_port_or_a_container_ip() {
        let found = run(r#"
services:
  host-network:
    image: wurstmeister/kafka
    network_mode: host
    ports: ["9092:9092"]
    environment: {KAFKA_ADVERTISED_HOST_NAME: 172.18.0.2}
  udp-only:
    image: wurstmeister/kafka
    ports: ["9092:9092/udp"]
    environment: {KAFKA_ADVERTISED_HOST_NAME: 172.18.0.3}
  unknown-port:
    image: wurstmeister/kafka
    ports: ["9092:9092"]
    environment: {KAFKA_ADVERTISED_HOST_NAME: 172.18.0.4, KAFKA_ADVERTISED_PORT: "${PORT}"}
  public:
    image: bitnami/mongodb
    ports: ["27017:27017"]
    environment: {MONGODB_ADVERTISED_HOSTNAME: 8.8.8.8}
"#);
        let services: Vec<_> = found.iter().map(|d| d.service.clone()).collect();
        assert_eq!(services, Vec::<Option<String>>::new());
    }

    #[test]
    fn hostname_commands_that_print_the_container_ip() {
        for command in [
            "hostname -i",
            "hostname -I | awk '{print $1}'",
            "/bin/hostname --ip-address",
            "ip -4 addr show eth0 | grep -oP '(?<=inet\\s)\\d+(\\.\\d+){3}'",
            "ip a | grep inet",
            "ifconfig eth0 | grep 'inet '",
        ] {
            assert!(prints_own_ip(command), "{command}");
        }
        for command in [
            "route -n | awk '/UG[ \\t]/{print $2}'",
            "ip route | awk '/default/ { print $3 }'",
            "hostname -f",
            "docker info | grep ^Name: | cut -d' ' -f 2",
            "wget -t3 -T2 -qO- http://169.254.169.254/latest/meta-data/local-ipv4",
        ] {
            assert!(!prints_own_ip(command), "{command}");
        }
        assert_eq!(
            hostname_command_ports("INSIDE://:9092,OUTSIDE://_{HOSTNAME_COMMAND}:9094"),
            [9094]
        );
    }
}
