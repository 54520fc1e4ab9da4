//! The port inventory (RULES.md §1.3): which container ports a service's process listens on,
//! and how we know.

use super::connection::parse_value;
use super::images::{self, image_of, repository};
use super::ports;
use super::values::args;
use crate::project::value::Value;

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

/// The ports a service listens on.
#[derive(Debug, Clone, Default)]
pub struct Listens {
    /// Each port with its strongest evidence.
    pub ports: Vec<(u16, Evidence)>,
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

    fn add(&mut self, port: u16, evidence: Evidence) {
        match self.ports.iter_mut().find(|(p, _)| *p == port) {
            Some((_, e)) => *e = (*e).min(evidence),
            None => self.ports.push((port, evidence)),
        }
    }
}

/// Environment keys whose value is the port a server listens on (§1.3).
const PORT_KEYS: [&str; 13] = [
    "ZOOKEEPER_CLIENT_PORT",
    "ZOO_PORT",
    "ZOO_CLIENT_PORT",
    "ZOO_PORT_NUMBER",
    "PGPORT",
    "MYSQL_TCP_PORT",
    "CONNECT_REST_PORT",
    "MONGODB_PORT_NUMBER",
    "REDIS_PORT_NUMBER",
    "KAFKA_JMX_PORT",
    "JMX_PORT",
    "REST_PORT",
    "ZOOKEEPER_SECURE_CLIENT_PORT",
];

/// Environment keys holding listener URLs (§1.3).
const LISTENER_KEYS: [&str; 3] = [
    "SCHEMA_REGISTRY_LISTENERS",
    "KSQL_LISTENERS",
    "KAFKA_REST_LISTENERS",
];

/// Image defaults (§1.3): repository (exact, or `*/name` for any namespace), the ports the
/// table lists, and the other ports the image opens on its own (so that publishing them is
/// not a mistake). A `*` suffix matches any repository starting with the prefix.
const IMAGE_PORTS: &[(&[&str], &[u16], &[u16])] = &[
    (&["postgres", "*/postgresql", "*/postgres"], &[5432], &[]),
    (&["mysql", "*/mysql"], &[3306], &[33060]),
    (&["mariadb", "*/mariadb"], &[3306], &[]),
    (&["redis", "*/redis", "valkey/valkey"], &[6379], &[]),
    (&["mongo", "*/mongodb", "*/mongo"], &[27017], &[]),
    (
        &["rabbitmq", "*/rabbitmq"],
        &[5672, 15672],
        &[
            4369, 5671, 5552, 15671, 15691, 15692, 25672, 1883, 8883, 61613, 61614, 15674, 15675,
        ],
    ),
    (
        &[
            "elasticsearch",
            "elasticsearch/elasticsearch",
            "opensearch",
            "opensearchproject/opensearch",
        ],
        &[9200, 9300],
        &[9600],
    ),
    (
        &["cassandra", "*/cassandra"],
        &[9042, 7000],
        &[7001, 7199, 9160],
    ),
    (
        &["zookeeper", "*/zookeeper", "confluentinc/cp-zookeeper"],
        &[2181],
        &[2888, 3888, 8080, 7000],
    ),
    (&["confluentinc/cp-schema-registry"], &[8081], &[]),
    (
        &[
            "confluentinc/cp-kafka-connect*",
            "confluentinc/cp-server-connect*",
            "debezium/connect",
        ],
        &[8083],
        &[],
    ),
    (&["confluentinc/cp-ksqldb-server"], &[8088], &[]),
    (&["confluentinc/cp-kafka-rest"], &[8082], &[]),
    (&["provectuslabs/kafka-ui", "kafbat/kafka-ui"], &[8080], &[]),
    (&["obsidiandynamics/kafdrop"], &[9000], &[]),
    (&["tchiotludo/akhq"], &[8080], &[28081]),
    (&["nats"], &[4222, 8222], &[6222]),
    (&["apachepulsar/pulsar*"], &[6650, 8080], &[6651, 8443]),
    (&["memcached", "*/memcached"], &[11211], &[]),
];

/// Redpanda images (§3.1).
const REDPANDA: [&str; 2] = ["redpandadata/redpanda", "vectorized/redpanda"];

fn matches(pattern: &str, repo: &str) -> bool {
    if let Some(prefix) = pattern.strip_suffix('*') {
        repo.starts_with(prefix)
    } else if let Some(name) = pattern.strip_prefix("*/") {
        repo.rsplit_once('/').is_some_and(|(_, n)| n == name)
    } else {
        repo == pattern
    }
}

/// The image-default ports of a repository: the listed ones, then the image's other ports.
fn image_ports(repo: &str) -> Option<(&'static [u16], &'static [u16])> {
    IMAGE_PORTS
        .iter()
        .find(|(patterns, _, _)| patterns.iter().any(|p| matches(p, repo)))
        .map(|(_, listed, other)| (*listed, *other))
}

/// What the service listens on (§1.3).
pub fn listens(service: &Value) -> Listens {
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

    // Configured: environment.
    for key in PORT_KEYS {
        if let Some(port) = env_text(key).and_then(|t| t.trim().parse().ok()) {
            out.add(port, Evidence::Configured);
        }
    }
    for key in LISTENER_KEYS {
        if let Some(text) = env_text(key) {
            for t in parse_value(&text) {
                match t.port {
                    Some(p) if t.port_written => out.add(p, Evidence::Configured),
                    _ => understood = false,
                }
            }
        }
    }
    if let Some(env) = env {
        for (key, _, value) in env.iter() {
            let upper = key.to_ascii_uppercase();
            let metrics = upper.ends_with("_METRICS_PORT") || upper.ends_with("_JMX_PORT");
            if metrics {
                if let Some(p) = value.scalar_text().and_then(|t| t.trim().parse().ok()) {
                    out.add(p, Evidence::Configured);
                }
            } else if upper.contains("PORT") && !PORT_KEYS.contains(&upper.as_str()) {
                // A setting we do not know may move the server's port (or be a client's).
                understood = false;
            }
        }
    }

    // Configured: Kafka listeners, Redpanda and server command-line flags.
    let repo = image_of(service).map(repository).unwrap_or_default();
    let kafka = images::is_kafka_broker(service).then(|| kafka_ports(service, repo));
    if let Some(ports) = &kafka {
        for &p in ports.iter().flatten() {
            out.add(p, Evidence::Configured);
        }
    }
    let redpanda = REDPANDA.iter().any(|r| matches(r, repo));
    understood &= command_ports(service, redpanda, &mut out);

    // Image defaults, unless configuration replaces them.
    let defaults = image_ports(repo);
    if let Some((listed, other)) = defaults {
        let replaced = |port: u16| match port {
            2181 => [
                "ZOOKEEPER_CLIENT_PORT",
                "ZOO_PORT",
                "ZOO_CLIENT_PORT",
                "ZOO_PORT_NUMBER",
            ]
            .iter()
            .any(|k| env_text(k).is_some()),
            8081 => env_text("SCHEMA_REGISTRY_LISTENERS").is_some(),
            8088 => env_text("KSQL_LISTENERS").is_some(),
            8082 => env_text("KAFKA_REST_LISTENERS").is_some(),
            8083 => env_text("CONNECT_REST_PORT").is_some() || env_text("REST_PORT").is_some(),
            5432 => env_text("PGPORT").is_some(),
            3306 => env_text("MYSQL_TCP_PORT").is_some(),
            27017 => env_text("MONGODB_PORT_NUMBER").is_some(),
            6379 => env_text("REDIS_PORT_NUMBER").is_some(),
            _ => false,
        };
        for &p in listed.iter().chain(other) {
            if !replaced(p) && !out.known().any(|(k, _)| k == p) && !command_sets_port(service) {
                out.add(p, Evidence::ImageDefault);
            }
        }
    }

    // Declared.
    for port in exposed(service) {
        out.add(port, Evidence::Declared);
    }
    for t in ports::targets(service) {
        if t.ports.start() == t.ports.end() {
            out.add(*t.ports.start(), Evidence::Declared);
        }
    }

    let known_image = defaults.is_some() || redpanda || kafka.as_ref().is_some_and(Option::is_some);
    out.complete = known_image
        && understood
        && !images::is_helper(service)
        && !mounts_configuration(service)
        && kafka.as_ref().is_none_or(Option::is_some);
    out
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

/// A Kafka broker's listener ports, when its listeners are known: `KAFKA_LISTENERS` (or
/// `KAFKA_CFG_LISTENERS`); for Confluent and Apache images the ports of the advertised
/// listeners, from which the image derives the listeners; the Apache image's defaults when it
/// has no Kafka settings. JMX ports are added by the caller.
fn kafka_ports(service: &Value, repo: &str) -> Option<Vec<u16>> {
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
    if let Some(list) = text("KAFKA_LISTENERS").or_else(|| text("KAFKA_CFG_LISTENERS")) {
        return ports(&list);
    }
    let derives = repo.starts_with("confluentinc/cp-")
        || repo == "confluentinc/confluent-local"
        || repo.starts_with("apache/kafka");
    if derives && let Some(list) = text("KAFKA_ADVERTISED_LISTENERS") {
        return ports(&list);
    }
    let no_kafka_env = env.is_none_or(|e| e.iter().all(|(k, _, _)| !k.starts_with("KAFKA_")));
    if repo.starts_with("apache/kafka") && no_kafka_env {
        return Some(vec![9092, 29092, 29093]);
    }
    None
}

/// Adds the ports a server's command line sets (`--port N`, `-p N` for redis-server and
/// postgres, Redpanda's address flags and their defaults); false when the command has
/// arguments that could set a port in a way not understood here.
fn command_ports(service: &Value, redpanda: bool, out: &mut Listens) -> bool {
    let mut all: Vec<String> = Vec::new();
    for key in ["entrypoint", "command"] {
        all.extend(args(service, key).into_iter().map(|a| a.text));
    }
    let mut understood = true;
    let mut redpanda_flags = [
        ("--kafka-addr", 9092, false),
        ("--pandaproxy-addr", 8082, false),
        ("--schema-registry-addr", 8081, false),
    ];
    let mut i = 0;
    while i < all.len() {
        let arg = all[i].as_str();
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with('-') => (f, Some(v.to_string())),
            _ => (arg, None),
        };
        let value = || inline.clone().or_else(|| all.get(i + 1).cloned());
        if flag == "--port" || (flag == "-p" && !redpanda) {
            match value().and_then(|v| v.trim().parse().ok()) {
                Some(p) => out.add(p, Evidence::Configured),
                None => understood = false,
            }
        } else if let Some(entry) = redpanda_flags.iter_mut().find(|(f, _, _)| *f == flag) {
            entry.2 = true;
            for t in parse_value(&value().unwrap_or_default()) {
                match t.port {
                    Some(p) if t.port_written => out.add(p, Evidence::Configured),
                    _ => understood = false,
                }
            }
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
            understood = false;
        }
        i += 1;
    }
    if redpanda {
        for (_, default, set) in redpanda_flags {
            if !set {
                out.add(default, Evidence::ImageDefault);
            }
        }
        out.add(9644, Evidence::ImageDefault);
        out.add(33145, Evidence::ImageDefault);
    }
    understood
}

/// Whether the command line sets the server's port (then the image default is not used).
fn command_sets_port(service: &Value) -> bool {
    ["entrypoint", "command"].iter().any(|key| {
        args(service, key)
            .iter()
            .any(|a| a.text == "--port" || a.text == "-p" || a.text.starts_with("--port="))
    })
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
    image: zookeeper:3.9
    environment: {ZOO_PORT: "20021"}
    ports: ["20021:2181"]
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
}
