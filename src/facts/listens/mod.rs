//! The port inventory (RULES.md §1.3): which container ports a service's process listens on,
//! and how we know.

use super::connection::parse_value;
use super::images::{self, image_of, repository};
use super::ports;
use super::values::{args, contains_ignore_case, ends_with_ignore_case};
use crate::images::zookeeper;
use crate::images::{self as catalog, Family};
use crate::project::Project;
use crate::project::value::{Map, Value};
use crate::source::ScalarStyle;

/// How a listening port is known, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Evidence {
    /// Set in the service's environment or command line (or its Kafka listeners).
    Configured,
    /// The image listens there unless told otherwise.
    ImageDefault,
    /// Only `expose` or the container side of `ports` says so.
    Declared,
}

/// Where a configured or image-default port comes from (for messages, and for what a fix may
/// point a mapping at).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// An environment key or a command-line flag, as written (`ZOO_PORT`, `--port`).
    Setting(String),
    /// The image's own port (the table of RULES.md §1.3).
    Image,
    /// A port opened besides the service's own ones (quorum, cluster bus, management): a
    /// mapping may publish it, but it is not where clients are sent.
    Secondary,
}

/// The ports a service listens on.
#[derive(Debug, Clone, Default)]
pub struct Listens {
    /// Each port with its strongest evidence.
    pub ports: Vec<(u16, Evidence)>,
    /// Where each configured or image-default port comes from; `expose`/`ports` have none.
    pub sources: Vec<(u16, Source)>,
    /// True when configured and image-default evidence name every port the process opens: the
    /// image is known, and no mounted configuration file, unknown `*PORT*` setting or command
    /// argument could move or add one. Only then may a missing port be reported (PRT002).
    pub complete: bool,
}

impl Listens {
    /// Whether the service listens on `port`, by any evidence.
    pub fn contains(&self, port: u16) -> bool {
        self.ports.iter().any(|(p, _)| *p == port)
    }

    /// The ports known from configuration or image defaults, not from `expose`/`ports`.
    pub fn known(&self) -> impl Iterator<Item = (u16, Evidence)> + '_ {
        self.ports
            .iter()
            .copied()
            .filter(|(_, e)| *e != Evidence::Declared)
    }

    /// Where a configured or image-default port comes from.
    pub fn source(&self, port: u16) -> Option<&Source> {
        self.sources
            .iter()
            .find(|(p, _)| *p == port)
            .map(|(_, s)| s)
    }

    fn add(&mut self, port: u16, evidence: Evidence) {
        match self.ports.iter_mut().find(|(p, _)| *p == port) {
            Some((_, e)) => *e = (*e).min(evidence),
            None => self.ports.push((port, evidence)),
        }
    }

    /// Adds a port with where it comes from: the first source of the strongest evidence wins.
    fn add_from(&mut self, port: u16, evidence: Evidence, source: Source) {
        let stronger = self
            .ports
            .iter()
            .find(|(p, _)| *p == port)
            .is_none_or(|(_, e)| evidence < *e);
        if stronger {
            self.sources.retain(|(p, _)| *p != port);
            self.sources.push((port, source));
        }
        self.add(port, evidence);
    }
}

/// Environment keys whose value is a port the server opens besides its own (§1.3). Keys
/// ending in `_METRICS_PORT` or `_JMX_PORT` count too, and keys ending in `LISTENERS` (not
/// advertised ones) hold listener URLs (`SCHEMA_REGISTRY_LISTENERS`, Confluent Server's
/// `KAFKA_CONFLUENT_METADATA_SERVER_LISTENERS`).
use crate::images::env::SECONDARY_PORT_KEYS as PORT_KEYS;

/// Words that contain `PORT` without naming a port (`KAFKA_METRIC_REPORTERS`).
const NOT_PORT_WORDS: [&str; 13] = [
    "SUPPORT",
    "SUPPORTED",
    "REPORT",
    "REPORTS",
    "REPORTER",
    "REPORTERS",
    "REPORTING",
    "EXPORT",
    "EXPORTER",
    "EXPORTERS",
    "IMPORT",
    "TRANSPORT",
    "PASSPORT",
];

/// What the service listens on (§1.3). A helper (§1.3.1) runs a client in a server image:
/// only its declarations count.
pub fn listens(service: &Value) -> Listens {
    if images::is_helper(service) {
        let mut out = Listens::default();
        add_declared(service, &mut out);
        return out;
    }
    let mut out = Listens::default();
    let env = service.get("environment").and_then(Value::as_map);
    let env_text = |key: &str| -> Option<String> {
        let v = env?.get(key)?;
        let s = v.scalar_text()?;
        v.as_str()
            .is_none_or(|s| s.is_known())
            .then(|| s.into_owned())
    };
    let mut understood = true;

    let image = image_of(service);
    let repo = image.map(repository).unwrap_or_default();

    // Configured: environment.
    for (key, _, value) in env.iter().flat_map(|e| e.iter()) {
        let known = value.as_str().is_none_or(|s| s.is_known());
        let text = value.scalar_text().filter(|_| known);
        understood &= env_ports(key, text.as_deref(), repo, &mut out);
    }
    let client_port = match images::zookeeper_client_setting(image, env) {
        Ok(port) => port,
        Err(()) => {
            understood = false;
            None
        }
    };
    if let Some((port, key)) = &client_port {
        out.add_from(*port, Evidence::Configured, Source::Setting(key.clone()));
    }
    understood &= zookeeper_peer_ports(repo, env, &mut out);

    // Configured: Kafka listeners, Redpanda and server command-line flags.
    let kafka = images::is_kafka_broker(service).then(|| kafka_ports(service, repo));
    if let Some(Some((ports, source))) = &kafka {
        for &p in ports {
            out.add_from(p, Evidence::Configured, source.clone());
        }
    }
    for &p in catalog::ports::embedded_ports(repo) {
        out.add_from(p, Evidence::ImageDefault, Source::Secondary);
    }
    let redpanda = Family::of(repo) == Family::Redpanda;
    let command = command_ports(service, redpanda, &mut out);
    understood &= command.understood;

    // Image defaults, unless configuration replaces them.
    let defaults = catalog::ports::default_ports(repo);
    if let Some((listed, other)) = defaults {
        let replaced = |port: u16| match port {
            zookeeper::DEFAULT_CLIENT_PORT => client_port.is_some(),
            8081 => env_text("SCHEMA_REGISTRY_LISTENERS").is_some(),
            8088 => env_text("KSQL_LISTENERS").is_some(),
            8082 => env_text("KAFKA_REST_LISTENERS").is_some(),
            _ => catalog::ports::port_keys_for(repo, port).any(|key| env_text(key).is_some()),
        };
        if !command.sets_port {
            for &p in listed.iter().filter(|p| !replaced(**p)) {
                out.add_from(p, Evidence::ImageDefault, Source::Image);
            }
        }
        for &p in other {
            out.add_from(p, Evidence::ImageDefault, Source::Secondary);
        }
    }
    if command.cluster_bus {
        // Redis Cluster's bus listens 10000 above each client port.
        let bus: Vec<u16> = out
            .known()
            .filter_map(|(p, _)| p.checked_add(10000))
            .collect();
        for p in bus {
            out.add_from(p, Evidence::Configured, Source::Secondary);
        }
    }

    add_declared(service, &mut out);

    // A broker recognised only by its `KAFKA_*` settings may be any image (RULES.md §1.3:
    // unknown images are skipped).
    let known_broker =
        kafka.as_ref().is_some_and(Option::is_some) && images::is_kafka_image(service);
    let known_image = defaults.is_some() || redpanda || known_broker;
    out.complete = known_image
        && understood
        && !mounts_configuration(service)
        && kafka.as_ref().is_none_or(Option::is_some);
    out
}

/// Adds the ports of `expose` and the container side of `ports`.
fn add_declared(service: &Value, out: &mut Listens) {
    for port in exposed(service) {
        out.add(port, Evidence::Declared);
    }
    for t in ports::targets(service) {
        if t.ports.start() == t.ports.end() {
            out.add(*t.ports.start(), Evidence::Declared);
        }
    }
}

/// The ports of `expose` entries (`"9092"`, `9092`, `"9092/tcp"`; ranges are left out).
pub fn exposed(service: &Value) -> Vec<u16> {
    service
        .get("expose")
        .and_then(Value::as_seq)
        .into_iter()
        .flatten()
        .filter_map(|v| {
            let text = v.scalar_text()?;
            let port = text.split('/').next()?;
            port.trim().parse().ok()
        })
        .collect()
}

/// The ports clients connect to, known without `expose` or `ports`: configured ones and image
/// defaults, not the secondary ports a server opens besides its own (quorum, cluster bus,
/// management), which nobody needs published.
pub fn main_ports(service: &Value) -> Vec<u16> {
    let listens = listens(service);
    listens
        .known()
        .filter(|(p, _)| listens.source(*p) != Some(&Source::Secondary))
        .map(|(p, _)| p)
        .collect()
}

/// One `expose` entry with a single known port, for fixes that publish it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExposeEntry {
    /// The port.
    pub port: u16,
    /// `udp` or `sctp`; None for `tcp`.
    pub protocol: Option<String>,
    /// The port as written, so that `${PORT:-8080}` keeps its variable; else the number.
    pub written: String,
}

impl ExposeEntry {
    /// The `ports` item publishing it on `host_ip` (when given) at the same port number:
    /// `P:P`, `127.0.0.1:P:P`, `P:P/udp`.
    pub fn mapping(&self, host_ip: Option<&str>) -> String {
        let p = &self.written;
        let ip = host_ip.map(|ip| format!("{ip}:")).unwrap_or_default();
        let protocol = self
            .protocol
            .as_ref()
            .map(|p| format!("/{p}"))
            .unwrap_or_default();
        format!("{ip}{p}:{p}{protocol}")
    }
}

/// The `expose` entries with a single known port (ranges and unknown variables left out).
pub fn expose_entries(project: &Project, service: &Value) -> Vec<ExposeEntry> {
    let items = service.get("expose").and_then(Value::as_seq);
    items
        .into_iter()
        .flatten()
        .filter_map(|v| {
            if v.as_str().is_some_and(|s| !s.is_known()) {
                return None;
            }
            let text = v.scalar_text()?;
            let (port, protocol) = match text.split_once('/') {
                Some((port, protocol)) => (port, Some(protocol.to_ascii_lowercase())),
                None => (text.as_ref(), None),
            };
            let number: u16 = port.trim().parse().ok()?;
            let written = written_port(project, v).unwrap_or_else(|| number.to_string());
            Some(ExposeEntry {
                port: number,
                protocol: protocol.filter(|p| p != "tcp"),
                written,
            })
        })
        .collect()
}

/// The port part of an interpolated `expose` entry as the file writes it (`${PORT:-8080}`);
/// None when it holds no variable or is not written literally.
fn written_port(project: &Project, value: &Value) -> Option<String> {
    let s = value.as_str()?;
    if !s.interpolation.as_ref().is_some_and(|i| i.has_variables()) {
        return None;
    }
    let start = s.raw_offset?;
    let end = match s.style {
        ScalarStyle::Plain => value.origin.span.end,
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
            value.origin.span.end.checked_sub(1)?
        }
        ScalarStyle::Literal | ScalarStyle::Folded => return None,
    };
    let raw = project.file(value.origin.file).text().get(start..end)?;
    let port = raw.split('/').next()?.trim();
    (!port.is_empty()).then(|| port.to_string())
}

/// A Kafka broker's listener ports and where they come from, when its listeners are known:
/// `KAFKA_LISTENERS` (or `KAFKA_CFG_LISTENERS`); for Confluent and Apache images the ports of
/// the advertised listeners, from which the image derives the listeners (not for a KRaft
/// controller, whose listener is never advertised); the Apache image's defaults when it has
/// no Kafka settings. JMX ports are added by the caller.
fn kafka_ports(service: &Value, repo: &str) -> Option<(Vec<u16>, Source)> {
    let env = service.get("environment").and_then(Value::as_map);
    let text = |key: &str| {
        let v = env?.get(key)?;
        let s = v.as_str()?;
        s.is_known().then(|| s.text.clone())
    };
    let ports = |list: &str| -> Option<Vec<u16>> {
        parse_value(list)
            .into_iter()
            .map(|t| t.port.filter(|_| t.port_written))
            .collect()
    };
    for key in ["KAFKA_LISTENERS", "KAFKA_CFG_LISTENERS"] {
        if let Some(list) = text(key) {
            return Some((ports(&list)?, Source::Setting(key.into())));
        }
    }
    let derives = catalog::ports::derives_listeners(repo);
    let controller = text("KAFKA_PROCESS_ROLES").is_some_and(|r| r.contains("controller"));
    if derives
        && !controller
        && let Some(list) = text("KAFKA_ADVERTISED_LISTENERS")
    {
        let source = Source::Setting("KAFKA_ADVERTISED_LISTENERS".into());
        return Some((ports(&list)?, source));
    }
    let no_kafka_env = env.is_none_or(|e| e.iter().all(|(k, _, _)| !k.starts_with("KAFKA_")));
    if let Some(ports) = catalog::ports::unconfigured_kafka_ports(repo).filter(|_| no_kafka_env) {
        return Some((ports.to_vec(), Source::Image));
    }
    None
}

/// What a server's command line says about its ports.
struct CommandPorts {
    /// False when an argument could set a port in a way not understood here.
    understood: bool,
    /// `--port`/`-p` sets the server's port: the image default no longer holds.
    sets_port: bool,
    /// `--cluster-enabled yes` (Redis Cluster).
    cluster_bus: bool,
}

/// Adds the ports a server's command line sets (`--port N`, `-p N` for redis-server and
/// postgres, Redpanda's address flags and their defaults). List items are split on spaces as
/// well: images whose entrypoint expands `$@` unquoted (Redpanda's) see them as words.
fn command_ports(service: &Value, redpanda: bool, out: &mut Listens) -> CommandPorts {
    let mut all: Vec<String> = Vec::new();
    for key in ["entrypoint", "command"] {
        for arg in args(service, key) {
            all.extend(arg.text.split_whitespace().map(str::to_string));
        }
    }
    let mut result = CommandPorts {
        understood: true,
        sets_port: false,
        cluster_bus: false,
    };
    let mut redpanda_flags = catalog::ports::REDPANDA_FLAGS.map(|(flag, port)| (flag, port, false));
    for (i, arg) in all.iter().enumerate() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with('-') => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let value = || inline.clone().or_else(|| all.get(i + 1).cloned());
        if flag == "--port" || (flag == "-p" && !redpanda) {
            result.sets_port = true;
            match value().and_then(|v| v.trim().parse().ok()) {
                Some(p) => out.add_from(p, Evidence::Configured, Source::Setting(flag.into())),
                None => result.understood = false,
            }
        } else if let Some(entry) = redpanda_flags.iter_mut().find(|(f, _, _)| *f == flag) {
            entry.2 = true;
            for t in parse_value(&value().unwrap_or_default()) {
                match t.port {
                    Some(p) if t.port_written => {
                        out.add_from(p, Evidence::Configured, Source::Setting(flag.into()));
                    }
                    _ => result.understood = false,
                }
            }
        } else if flag == "--cluster-enabled" {
            result.cluster_bus |= value().is_some_and(|v| v == "yes");
        } else if arg.to_ascii_lowercase().contains("port")
            || [
                ".conf",
                ".cnf",
                ".properties",
                ".cfg",
                ".yaml",
                ".yml",
                ".json",
            ]
            .iter()
            .any(|ext| arg.ends_with(ext))
            || arg == "--shardsvr"
            || arg == "--configsvr"
        {
            result.understood = false;
        }
    }
    if redpanda {
        for (_, default, set) in redpanda_flags {
            if !set {
                out.add_from(default, Evidence::ImageDefault, Source::Image);
            }
        }
        out.add_from(
            catalog::ports::REDPANDA_ADMIN,
            Evidence::ImageDefault,
            Source::Image,
        );
    }
    result
}

/// Reads the ports one environment entry of a `repo` service sets (`text` is None for an
/// unknown value); false when it may set one in a way not understood here, or sets a port key
/// the image ignores to another port than the default (the author expects a port we cannot
/// vouch for). ZooKeeper keys are read with the image.
fn env_ports(key: &str, text: Option<&str>, repo: &str, out: &mut Listens) -> bool {
    // The key lists are upper-case; keys are compared ignoring ASCII case.
    let is = |k: &&str| k.eq_ignore_ascii_case(key);
    if zookeeper::CLIENT_PORT_KEYS.iter().any(is) {
        return true;
    }
    let mut understood = text.is_none_or(|t| jvm_ports(key, t, out));
    let setting = || Source::Setting(key.to_string());
    let port = text.and_then(|t| t.trim().parse::<u16>().ok());
    if let Some((reads, default)) = catalog::ports::server_port_key(key, repo) {
        match port {
            Some(p) if reads => out.add_from(p, Evidence::Configured, setting()),
            Some(p) if p == default => {}
            _ => understood = false,
        }
    } else if PORT_KEYS.iter().any(is)
        || ends_with_ignore_case(key, "_METRICS_PORT")
        || ends_with_ignore_case(key, "_JMX_PORT")
    {
        match port {
            Some(p) => out.add_from(p, Evidence::Configured, setting()),
            None => understood = false,
        }
    } else if ends_with_ignore_case(key, "LISTENERS") && !contains_ignore_case(key, "ADVERTISED") {
        let Some(text) = text else { return false };
        for t in parse_value(text) {
            match t.port {
                Some(p) if t.port_written => out.add_from(p, Evidence::Configured, setting()),
                _ => understood = false,
            }
        }
    } else if key.split(['_', '.', '-']).any(|w| {
        contains_ignore_case(w, "PORT") && !NOT_PORT_WORDS.iter().any(|n| n.eq_ignore_ascii_case(w))
    }) {
        // A setting we do not know may move the server's port (or be a client's).
        understood = false;
    }
    understood
}

/// Adds the ports JVM options open: a Java agent's (a Prometheus exporter's
/// `-javaagent:x.jar=1234:config.yml` or `=host:1234:…`, Jolokia's `=port=8778,…`) and
/// `-Dcom.sun.management.jmxremote.port=N` / `.rmi.port=N`. False for an agent whose port is
/// not written in one of these ways.
fn jvm_ports(key: &str, text: &str, out: &mut Listens) -> bool {
    // Both forms (`-javaagent:`, `jmxremote.`) have a `j`: other values are skipped at once.
    if !text.as_bytes().contains(&b'j') {
        return true;
    }
    let mut understood = true;
    let mut add = |port: Option<u16>| match port {
        Some(p) => out.add_from(p, Evidence::Configured, Source::Setting(key.to_string())),
        None => understood = false,
    };
    for word in text.split_whitespace() {
        let word = word.trim_matches(['"', '\'']);
        if let Some(agent) = word.strip_prefix("-javaagent:") {
            add(agent.split_once('=').and_then(|(_, args)| agent_port(args)));
        } else if let Some((name, value)) = word.split_once('=')
            && (name.ends_with("jmxremote.port") || name.ends_with("jmxremote.rmi.port"))
        {
            add(value.parse().ok());
        }
    }
    understood
}

/// The port in a Java agent's arguments: `1234:config.yml`, `host:1234:config.yml` or
/// `port=8778,host=…`.
fn agent_port(args: &str) -> Option<u16> {
    if let Some(port) = args.split(',').find_map(|kv| kv.strip_prefix("port=")) {
        return port.parse().ok();
    }
    args.split(':').take(2).find_map(|part| part.parse().ok())
}

/// Adds a ZooKeeper's peer ports from `ZOO_SERVERS` / `ZOOKEEPER_SERVERS` (`zoo1:2888:3888`)
/// and the `*Port` settings of `ZOO_CFG_EXTRA`; false when those cannot be read or
/// `ZOO_CFG_EXTRA` sets the client port.
fn zookeeper_peer_ports(repo: &str, env: Option<&Map>, out: &mut Listens) -> bool {
    let Some(env) = env.filter(|_| catalog::is_zookeeper(repo)) else {
        return true;
    };
    let mut understood = true;
    for key in ["ZOO_SERVERS", "ZOOKEEPER_SERVERS", "ZOO_CFG_EXTRA"] {
        let Some(v) = env.get(key) else { continue };
        let Some(text) = v.as_str().filter(|s| s.is_known()).map(|s| s.text.as_str()) else {
            understood = false;
            continue;
        };
        for entry in text.split([' ', '\t', '\n', ';']) {
            if key == "ZOO_CFG_EXTRA" {
                let Some((k, v)) = entry.split_once('=') else {
                    continue;
                };
                if k == "clientPort" {
                    understood = false;
                } else if k.to_ascii_lowercase().ends_with("port") {
                    match v.trim().parse() {
                        Ok(p) => out.add_from(p, Evidence::Configured, Source::Secondary),
                        Err(_) => understood = false,
                    }
                }
                continue;
            }
            let address = entry.split_once('=').map_or(entry, |(_, a)| a);
            for part in address.split(':').skip(1) {
                if let Ok(p) = part.parse() {
                    out.add_from(p, Evidence::Configured, Source::Secondary);
                }
            }
        }
    }
    understood
}

/// Whether a volume mounts a configuration file or directory into the container, which can
/// set ports the image defaults do not show.
fn mounts_configuration(service: &Value) -> bool {
    let Some(volumes) = service.get("volumes").and_then(Value::as_seq) else {
        return false;
    };
    volumes.iter().any(|v| {
        let target = match v.get("target") {
            Some(t) => t.scalar_text().map(|t| t.into_owned()),
            None => v
                .scalar_text()
                .and_then(|t| t.split(':').nth(1).map(str::to_string)),
        };
        target.is_some_and(|t| {
            let t = t.to_ascii_lowercase();
            let name = t.rsplit('/').next().unwrap_or(&t);
            // The host's clock settings, mounted into many containers, set no port.
            if matches!(t.as_str(), "/etc/localtime" | "/etc/timezone") {
                return false;
            }
            t.contains("conf")
                || t.starts_with("/etc/")
                || t.contains("/config")
                || [
                    ".properties",
                    ".cfg",
                    ".ini",
                    ".yml",
                    ".yaml",
                    ".json",
                    ".xml",
                    ".toml",
                ]
                .iter()
                .any(|ext| name.ends_with(ext))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    type Inventory = Vec<(String, Vec<(u16, Evidence)>, bool)>;

    fn inventory(yaml: &str) -> Inventory {
        let opts = crate::project::LoadOptions::default();
        let project = crate::project::load_text(std::path::Path::new("c.yaml"), yaml.into(), &opts);
        project
            .services()
            .map(|(n, s)| {
                let l = listens(s);
                (n.to_string(), l.ports, l.complete)
            })
            .collect()
    }

    #[test]
    fn evidence() {
        use Evidence::*;
        let got = inventory(
            r#"
services:
  zk:
    image: zookeeper:3.4.9
    environment: {ZOO_PORT: "20021"}
    ports: ["20021:2181"]
  zk-new:
    image: zookeeper:3.9
    environment: {ZOO_PORT: "20021"}
  pg:
    image: postgres:16
    expose: ["5433"]
  redis:
    image: redis
    command: redis-server --port 7000
  sr:
    image: confluentinc/cp-schema-registry
    environment:
      SCHEMA_REGISTRY_LISTENERS: http://0.0.0.0:8090
  kafka:
    image: confluentinc/cp-kafka:7.6.0
    environment:
      KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://kafka:29092,PLAINTEXT_HOST://localhost:9092
      KAFKA_JMX_PORT: 9101
  app:
    build: .
    expose: ["8080"]
  conf:
    image: redis
    volumes: ["./redis.conf:/usr/local/etc/redis/redis.conf"]
  ui:
    image: provectuslabs/kafka-ui
    environment: {SERVER_PORT: "9000"}
"#,
        );
        let expected = vec![
            (
                "zk".to_string(),
                vec![
                    (20021, Configured),
                    (2888, ImageDefault),
                    (3888, ImageDefault),
                    (8080, ImageDefault),
                    (7000, ImageDefault),
                    (2181, Declared),
                ],
                true,
            ),
            (
                // ZOO_PORT is not read from 3.5.6 on: the image listens on 2181, and the
                // author expects another port.
                "zk-new".into(),
                vec![
                    (2181, ImageDefault),
                    (2888, ImageDefault),
                    (3888, ImageDefault),
                    (8080, ImageDefault),
                    (7000, ImageDefault),
                ],
                false,
            ),
            (
                "pg".into(),
                vec![(5432, ImageDefault), (5433, Declared)],
                true,
            ),
            ("redis".into(), vec![(7000, Configured)], true),
            ("sr".into(), vec![(8090, Configured)], true),
            (
                "kafka".into(),
                vec![(9101, Configured), (29092, Configured), (9092, Configured)],
                true,
            ),
            ("app".into(), vec![(8080, Declared)], false),
            ("conf".into(), vec![(6379, ImageDefault)], false),
            ("ui".into(), vec![(8080, ImageDefault)], false),
        ];
        assert_eq!(got, expected);
    }

    fn service_listens(yaml: &str) -> Vec<(String, Listens)> {
        let opts = crate::project::LoadOptions::default();
        let project = crate::project::load_text(std::path::Path::new("c.yaml"), yaml.into(), &opts);
        project
            .services()
            .map(|(n, s)| (n.to_string(), listens(s)))
            .collect()
    }

    #[test]
    fn sources() {
        let got = service_listens(
            r#"
services:
  zk:
    image: confluentinc/cp-zookeeper:7.6.0
    environment: {ZOOKEEPER_CLIENT_PORT: "2182", ZOOKEEPER_SERVERS: "zk:2889:3889"}
  kafka:
    image: confluentinc/cp-kafka:7.6.0
    environment:
      KAFKA_LISTENERS: PLAINTEXT://:9092
      KAFKA_OPTS: -javaagent:/jmx/agent.jar=7071:/jmx/kafka.yml
      KAFKA_JMX_OPTS: -Dcom.sun.management.jmxremote.rmi.port=9997
      KAFKA_METRIC_REPORTERS: io.confluent.metrics.reporter.ConfluentMetricsReporter
  redpanda:
    image: redpandadata/redpanda:v24.1.1
    command:
      - redpanda start
      - --kafka-addr internal://0.0.0.0:9092,external://0.0.0.0:19092
"#,
        );
        let setting = |k: &str| Some(Source::Setting(k.into()));
        let (_, zk) = &got[0];
        assert!(zk.complete);
        assert_eq!(zk.source(2182).cloned(), setting("ZOOKEEPER_CLIENT_PORT"));
        assert_eq!(zk.source(2889), Some(&Source::Secondary));
        assert_eq!(zk.source(2181), None);
        let (_, kafka) = &got[1];
        assert!(kafka.complete);
        assert_eq!(kafka.source(9092).cloned(), setting("KAFKA_LISTENERS"));
        assert_eq!(kafka.source(7071).cloned(), setting("KAFKA_OPTS"));
        assert_eq!(kafka.source(9997).cloned(), setting("KAFKA_JMX_OPTS"));
        let (_, redpanda) = &got[2];
        assert!(redpanda.complete);
        assert_eq!(redpanda.source(19092).cloned(), setting("--kafka-addr"));
        assert_eq!(redpanda.source(8082), Some(&Source::Image));
    }

    #[test]
    fn server_port_keys_count_for_the_images_that_read_them() {
        let got = service_listens(
            r#"
services:
  official: {image: redis:7.2, environment: {REDIS_PORT_NUMBER: "6380"}}
  bitnami: {image: bitnami/redis:7.2, environment: {REDIS_PORT_NUMBER: "6380"}}
  default: {image: mongo:7, environment: {MONGODB_PORT_NUMBER: "27017"}}
  pg: {image: docker.io/library/postgres:16, environment: {PGPORT: "5433"}}
"#,
        );
        let summary: Vec<(&str, Vec<u16>, bool)> = got
            .iter()
            .map(|(n, l)| (n.as_str(), l.known().map(|(p, _)| p).collect(), l.complete))
            .collect();
        assert_eq!(
            summary,
            [
                ("official", vec![6379], false),
                ("bitnami", vec![6380], true),
                ("default", vec![27017], true),
                ("pg", vec![5433], true),
            ]
        );
    }

    #[test]
    fn zookeeper_client_ports() {
        let port = |image: &str, env: &str| {
            let yaml = format!("services:\n  zk:\n    image: {image}\n    environment: {env}\n");
            let (_, l) = service_listens(&yaml).remove(0);
            let client = [2181, 2182, 20021]
                .into_iter()
                .find(|p| matches!(l.source(*p), Some(Source::Image | Source::Setting(_))));
            (client, l.complete)
        };
        assert_eq!(
            port("zookeeper:3.4.9", "{ZOO_PORT: 20021}"),
            (Some(20021), true)
        );
        assert_eq!(
            port("zookeeper:3.5.5", "{ZOO_PORT: 20021}"),
            (Some(20021), true)
        );
        let servers = "{ZOO_PORT: 20021, ZOO_SERVERS: 'server.1=0.0.0.0:2888:3888;2182'}";
        assert_eq!(port("zookeeper:3.5.5", servers), (Some(2181), false));
        let servers =
            "{ZOO_SERVERS: 'server.1=0.0.0.0:2888:3888;2182 server.2=zk2:2888:3888;2182'}";
        assert_eq!(port("zookeeper:3.8", servers), (Some(2182), true));
        assert_eq!(
            port("zookeeper", "{ZOO_CLIENT_PORT: 2181}"),
            (Some(2181), true)
        );
        assert_eq!(
            port("zookeeper", "{ZOO_CLIENT_PORT: 2182}"),
            (Some(2181), false)
        );
        assert_eq!(
            port("zookeeper:${ZK_TAG}", "{ZOO_PORT: 20021}"),
            (None, false)
        );
        assert_eq!(
            port("bitnami/zookeeper:3.9", "{ZOO_PORT_NUMBER: 2182}"),
            (Some(2182), true)
        );
        assert_eq!(
            port("bitnami/zookeeper:3.9", "{ZOO_PORT: 2182}"),
            (Some(2181), false)
        );
        assert_eq!(
            port("zookeeper:3.4.9", "{ZOO_PORT: '${ZK_PORT}'}"),
            (Some(2181), false)
        );
    }

    #[test]
    fn main_ports_and_expose_entries() {
        let yaml = r#"
services:
  zk:
    image: confluentinc/cp-zookeeper:7.6.1
    environment: {ZOOKEEPER_CLIENT_PORT: "20021"}
  mq:
    image: rabbitmq:3-management
  app:
    image: ghcr.io/acme/app:1
    expose: ["${APP_PORT:-8080}", "53/udp", '9000/TCP', "7000-7010", "${UNSET}"]
"#;
        let opts = crate::project::LoadOptions::default();
        let project = crate::project::load_text(std::path::Path::new("c.yaml"), yaml.into(), &opts);
        let services: Vec<&Value> = project.services().map(|(_, s)| s).collect();
        assert_eq!(main_ports(services[0]), [20021]);
        assert_eq!(main_ports(services[1]), [5672, 15672]);
        let mappings: Vec<String> = expose_entries(&project, services[2])
            .iter()
            .map(|e| e.mapping(Some("127.0.0.1")))
            .collect();
        assert_eq!(
            mappings,
            [
                "127.0.0.1:${APP_PORT:-8080}:${APP_PORT:-8080}",
                "127.0.0.1:53:53/udp",
                "127.0.0.1:9000:9000"
            ]
        );
    }
}
