//! The port inventory (RULES.md §1.3): which container ports a service's process listens on,
//! and how we know.
//!
//! One job a sub-module: `environment` reads the ports environment settings set, `command`
//! those of the command line, `kafka_listeners` a broker's listener ports, `zookeeper_peers`
//! an ensemble's peer ports, and `expose` what `expose` and `ports` declare; this module puts
//! the inventory together.

mod command;
mod environment;
mod expose;
mod kafka_listeners;
mod zookeeper_peers;

pub(crate) use expose::expose_entries;
pub(crate) use zookeeper_peers::zookeeper_peer_hosts;

use command::command_ports;
use environment::env_ports;
use expose::add_declared;
use kafka_listeners::kafka_ports;
use zookeeper_peers::zookeeper_peer_ports;

use crate::facts::images::{self, image_of, repository};
use crate::images::zookeeper;
use crate::images::{self as catalog, Family};
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

/// What the service listens on (§1.3). A helper (§1.3.1) runs a client in a server image:
/// only its declarations count.
pub(crate) fn listens(service: &Value) -> Listens {
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

/// The ports clients connect to, known without `expose` or `ports`: configured ones and image
/// defaults, not the secondary ports a server opens besides its own (quorum, cluster bus,
/// management), which nobody needs published.
pub(crate) fn main_ports(service: &Value) -> Vec<u16> {
    let listens = listens(service);
    listens
        .known()
        .filter(|(p, _)| listens.source(*p) != Some(&Source::Secondary))
        .map(|(p, _)| p)
        .collect()
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

/// Each service of `yaml` with what it listens on.
#[cfg(test)]
fn service_listens(yaml: &str) -> Vec<(String, Listens)> {
    let opts = crate::project::LoadOptions::default();
    let project = crate::project::load_text(std::path::Path::new("c.yaml"), yaml.into(), &opts);
    project
        .services()
        .map(|(n, s)| (n.to_string(), listens(s)))
        .collect()
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
    fn main_ports_leave_secondary_ports_out() {
        let yaml = r#"
services:
  zk:
    image: confluentinc/cp-zookeeper:7.6.1
    environment: {ZOOKEEPER_CLIENT_PORT: "20021"}
  mq:
    image: rabbitmq:3-management
"#;
        let opts = crate::project::LoadOptions::default();
        let project = crate::project::load_text(std::path::Path::new("c.yaml"), yaml.into(), &opts);
        let services: Vec<&Value> = project.services().map(|(_, s)| s).collect();
        assert_eq!(main_ports(services[0]), [20021]);
        assert_eq!(main_ports(services[1]), [5672, 15672]);
    }
}
