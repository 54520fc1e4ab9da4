//! Image recognition: the repository of an image reference, and the families rules know.

use crate::images::zookeeper::{self, ClientPortSetting};
use crate::images::{self, Image, Reference, entrypoint, env};
use crate::project::interpolate::SegmentKind;
use crate::project::value::{Map, Value};

pub(crate) use crate::images::repository;

/// The image of a service, when it is known (not an unknown interpolation).
pub(crate) fn image_of(service: &Value) -> Option<&str> {
    let s = service.get("image")?.as_str()?;
    s.is_known().then_some(s.text.as_str())
}

/// The registry and repository an image reference names, also when only its tag comes from
/// an unset variable (`ghcr.io/acme/app:${TAG}`).
pub(crate) fn named_repository(reference: &Value) -> Option<(Option<&str>, &str)> {
    let s = reference.as_str()?;
    let text = match s.interpolation.as_ref().filter(|_| !s.is_known()) {
        None => s.text.as_str(),
        Some(interpolation) => {
            let first_unknown = interpolation.segments.iter().find_map(|seg| {
                matches!(seg.kind, SegmentKind::Unknown { .. }).then_some(seg.text.start)
            })?;
            let prefix = s.text.get(..first_unknown)?;
            images::reference::repository_before_unknown_tag(prefix)?;
            prefix
        }
    };
    let reference = Reference::parse(text);
    Some((reference.registry, reference.repository))
}

/// Whether an `environment` mapping sets one of the catalog's broker keys: one pass over its
/// keys, each compared only when it starts with `KAFKA_`, as they all do.
pub(crate) fn has_broker_key(env: &Map) -> bool {
    env.iter().any(|(k, _, _)| env::is_broker_key(k))
}

fn command_text(service: &Value) -> String {
    ["command", "entrypoint"]
        .iter()
        .filter_map(|k| service.get(k))
        .flat_map(|v| match v.as_seq() {
            Some(items) => items
                .iter()
                .filter_map(|i| i.scalar_text().map(|s| s.into_owned()))
                .collect(),
            None => v
                .scalar_text()
                .map(|s| vec![s.into_owned()])
                .unwrap_or_default(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether a service runs an Elasticsearch or OpenSearch image.
pub(crate) fn is_search_image(service: &Value) -> bool {
    use crate::images::advertising::{Advertiser, advertiser};
    image_of(service)
        .map(images::repository)
        .and_then(advertiser)
        .is_some_and(|a| matches!(a, Advertiser::Elasticsearch | Advertiser::OpenSearch))
}

/// Whether an environment key of such an image sets the hosts its node discovers the others
/// at (`discovery.seed_hosts` in any of its spellings).
pub(crate) fn is_seed_hosts_key(key: &str) -> bool {
    let setting = crate::images::advertising::search_setting(key);
    crate::images::advertising::SEED_HOSTS.contains(&setting.as_str())
}

/// True for a service whose image is a Kafka broker image, whatever it runs: its `KAFKA_*`
/// variables are broker settings (unused when the image runs a client tool).
pub(crate) fn is_kafka_image(service: &Value) -> bool {
    image_of(service)
        .map(repository)
        .is_some_and(images::is_broker_image)
}

/// True for a Kafka broker or controller (RULES.md §3.1), not for a client run from a Kafka
/// image, and not for images that bundle ZooKeeper.
pub(crate) fn is_kafka_broker(service: &Value) -> bool {
    let by_image = match image_of(service).map(repository) {
        Some(repo) if images::image(repo) == Some(Image::BundledZookeeper) => return false,
        Some(repo) => images::is_broker_image(repo),
        None => false,
    };
    let by_env = || {
        let env = service.get("environment").and_then(Value::as_map);
        env.is_some_and(has_broker_key)
    };
    let runs_something = service.get("command").is_some() || service.get("entrypoint").is_some();
    if !runs_something {
        return by_image || by_env();
    }
    let command = command_text(service);
    let starts_server = entrypoint::starts_kafka_server(&command);
    if entrypoint::runs_kafka_client_tool(&command) && !starts_server {
        return false;
    }
    by_image || by_env() || starts_server
}

/// The client port of a ZooKeeper service, None when the service is not ZooKeeper: the port
/// its image reads from the setting that image reads ([`zookeeper_client_setting`]), else
/// the default 2181 (also when that setting is unknown or contradicted).
pub(crate) fn zookeeper_client_port(service: &Value) -> Option<u16> {
    let image = image_of(service)?;
    if !images::is_zookeeper(repository(image)) {
        return None;
    }
    let env = service.get("environment").and_then(Value::as_map);
    let port = zookeeper_client_setting(Some(image), env).ok().flatten();
    Some(port.map_or(zookeeper::DEFAULT_CLIENT_PORT, |(p, _)| p))
}

/// The client port of a ZooKeeper image and the setting it comes from; None when the default
/// 2181 holds (or the image is not ZooKeeper). Each image reads its own key: Confluent's
/// `ZOOKEEPER_CLIENT_PORT`, Bitnami's `ZOO_PORT_NUMBER`, the official image `ZOO_PORT` up to
/// 3.4 (and in 3.5.0–3.5.5 when `ZOO_SERVERS` is unset) and the `;port` of `ZOO_SERVERS`
/// later (`ZOO_CLIENT_PORT` in none). Err when a client-port key is set to another port than
/// the one the image uses, or to an unknown value: the author expects a port we cannot vouch
/// for.
pub(crate) fn zookeeper_client_setting(
    image: Option<&str>,
    env: Option<&Map>,
) -> Result<Option<(u16, String)>, ()> {
    // Some(None): set to an unknown value.
    let value = |key: &str| -> Option<Option<String>> {
        let v = env?.get(key)?;
        let known = v.as_str().is_none_or(|s| s.is_known());
        Some(
            v.scalar_text()
                .filter(|_| known)
                .map(|t| t.trim().to_string()),
        )
    };
    let Some(setting) = image.and_then(|image| {
        zookeeper::client_port_setting(&Reference::parse(image), value("ZOO_SERVERS").is_some())
    }) else {
        return Ok(None);
    };
    let port = match setting {
        ClientPortSetting::Key(key) => match value(key) {
            None => None,
            Some(text) => Some((
                text.and_then(|t| t.parse().ok()).ok_or(())?,
                key.to_string(),
            )),
        },
        ClientPortSetting::Servers => match value("ZOO_SERVERS") {
            None => None,
            Some(text) => {
                let text = text.ok_or(())?;
                // `server.1=zoo1:2888:3888;2181`: every entry must name the same client port.
                let mut ports = text.split_whitespace().map(|e| {
                    e.split_once(';')
                        .and_then(|(_, c)| c.rsplit(':').next()?.parse().ok())
                });
                let first: u16 = ports.next().flatten().ok_or(())?;
                if !ports.all(|p| p == Some(first)) {
                    return Err(());
                }
                Some((first, "ZOO_SERVERS".to_string()))
            }
        },
        ClientPortSetting::Fixed | ClientPortSetting::Unknown => None,
    };
    let effective = port
        .as_ref()
        .map_or(zookeeper::DEFAULT_CLIENT_PORT, |(p, _)| *p);
    let read = match setting {
        ClientPortSetting::Key(key) => Some(key),
        _ => None,
    };
    for key in zookeeper::CLIENT_PORT_KEYS
        .iter()
        .filter(|k| Some(**k) != read)
    {
        if let Some(text) = value(key)
            && text.and_then(|t| t.parse::<u16>().ok()) != Some(effective)
        {
            return Err(());
        }
    }
    Ok(port)
}

/// A service that reuses a server image to run a one-shot client (RULES.md §1.3.1): its
/// `entrypoint` is overridden, or its `command` starts with a shell or a client program, in
/// each case without running the image's start program. Helpers are clients, not servers.
pub(crate) fn is_helper(service: &Value) -> bool {
    let command = command_text(service);
    if entrypoint::runs_start_program(&command) {
        return false;
    }
    if service
        .get("entrypoint")
        .is_some_and(|e| e.as_seq().is_none_or(|items| !items.is_empty()))
    {
        return true;
    }
    let args = super::values::args(service, "command");
    let Some(first) = args.first() else {
        return false;
    };
    let program = first.text.rsplit('/').next().unwrap_or(&first.text);
    if entrypoint::is_shell(program) {
        return true;
    }
    if program == entrypoint::RPK {
        return args.get(1).is_none_or(|a| a.text != entrypoint::RPK_SERVER);
    }
    entrypoint::is_client_program(program)
}

#[cfg(test)]
mod tests {
    #[test]
    fn helpers() {
        let yaml = r#"
services:
  plain: {image: redis}
  server-flags: {image: redis, command: redis-server --port 7000}
  topics: {image: bitnami/kafka, command: kafka-topics.sh --create --topic t}
  shell-client: {image: redis, command: ["sh", "-c", "redis-cli -h redis ping"]}
  shell-server: {image: confluentinc/cp-kafka-connect, command: ["bash", "-c", "confluent-hub install x && /etc/confluent/docker/run"]}
  entry: {image: elasticsearch, entrypoint: ["/bin/sh", "/setup.sh"]}
  rpk-start: {image: redpandadata/redpanda, command: rpk redpanda start --smp 1}
  rpk-topic: {image: redpandadata/redpanda, command: rpk topic create t}
  sleeper: {image: postgres, command: sleep infinity}
  psql: {image: postgres, command: psql -h postgres -c "select 1"}
  pg-flags: {image: postgres, command: postgres -c max_connections=200}
"#;
        let project = crate::project::from_yaml(yaml);
        let helpers: Vec<&str> = project
            .services()
            .filter(|(_, s)| super::is_helper(s))
            .map(|(n, _)| n)
            .collect();
        assert_eq!(
            helpers,
            [
                "topics",
                "shell-client",
                "entry",
                "rpk-topic",
                "sleeper",
                "psql"
            ]
        );
    }

    #[test]
    fn zookeeper_client_port_per_image() {
        let port = |image: &str, env: &str| {
            let yaml = format!("services:\n  zk:\n    image: {image}\n    environment: {env}\n");
            let opts = crate::project::LoadOptions::default();
            let path = std::path::Path::new("c.yaml");
            let project = crate::project::load_text(path, yaml.into(), &opts);
            let (_, service) = project.services().next().unwrap();
            super::zookeeper_client_port(service)
        };
        // The official image: ZOO_PORT up to 3.4 (and 3.5.0-3.5.5), `;port` of ZOO_SERVERS later.
        assert_eq!(port("zookeeper:3.4.9", "{ZOO_PORT: 20021}"), Some(20021));
        assert_eq!(port("zookeeper:3.5.5", "{ZOO_PORT: 20021}"), Some(20021));
        assert_eq!(port("zookeeper:3.9", "{ZOO_PORT: 20021}"), Some(2181));
        let servers = "{ZOO_SERVERS: 'server.1=0.0.0.0:2888:3888;2182'}";
        assert_eq!(port("zookeeper:3.9", servers), Some(2182));
        assert_eq!(port("zookeeper", "{ZOO_CLIENT_PORT: 2182}"), Some(2181));
        assert_eq!(port("zookeeper", "{}"), Some(2181));
        // Confluent: ZOOKEEPER_CLIENT_PORT only.
        let cp = "confluentinc/cp-zookeeper:7.6.0";
        assert_eq!(port(cp, "{ZOOKEEPER_CLIENT_PORT: 2182}"), Some(2182));
        assert_eq!(port(cp, "{ZOO_PORT: 2182}"), Some(2181));
        // Bitnami: ZOO_PORT_NUMBER only.
        let bitnami = "bitnami/zookeeper:3.9";
        assert_eq!(port(bitnami, "{ZOO_PORT_NUMBER: 2182}"), Some(2182));
        assert_eq!(port(bitnami, "{ZOO_PORT: 2182}"), Some(2181));
        // An unknown ZooKeeper image listens on 2181, whatever keys it is given.
        assert_eq!(
            port("acme/zookeeper:1", "{ZOOKEEPER_CLIENT_PORT: 2182}"),
            Some(2181)
        );
        assert_eq!(port("acme/zookeeper:1", "{}"), Some(2181));
        assert_eq!(port("redis", "{}"), None);
    }
}
