//! Image recognition: the repository of an image reference, and the families rules know.

use crate::images::{self, Image, entrypoint, env};
use crate::project::value::{Map, Value};

pub use crate::images::repository;

/// The image of a service, when it is known (not an unknown interpolation).
pub fn image_of(service: &Value) -> Option<&str> {
    let s = service.get("image")?.as_str()?;
    s.is_known().then_some(s.text.as_str())
}

/// Whether an `environment` mapping sets one of the catalog's broker keys: one pass over its
/// keys, each compared only when it starts with `KAFKA_`, as they all do.
pub fn has_broker_key(env: &Map) -> bool {
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

/// True for a service whose image is a Kafka broker image, whatever it runs: its `KAFKA_*`
/// variables are broker settings (unused when the image runs a client tool).
pub fn is_kafka_image(service: &Value) -> bool {
    image_of(service)
        .map(repository)
        .is_some_and(images::is_broker_image)
}

/// True for a Kafka broker or controller (RULES.md §3.1), not for a client run from a Kafka
/// image, and not for images that bundle ZooKeeper.
pub fn is_kafka_broker(service: &Value) -> bool {
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

/// The client port of a ZooKeeper service, None when the service is not ZooKeeper.
pub fn zookeeper_client_port(service: &Value) -> Option<u16> {
    let image = image_of(service)?;
    let repo = repository(image);
    if !images::is_zookeeper(repo) {
        return None;
    }
    let env = service.get("environment").and_then(Value::as_map);
    let configured = [
        "ZOOKEEPER_CLIENT_PORT",
        "ZOO_CLIENT_PORT",
        "ZOO_PORT",
        "ZOO_PORT_NUMBER",
    ]
    .iter()
    .filter_map(|k| env?.get(k)?.scalar_text()?.parse::<u16>().ok())
    .next();
    Some(configured.unwrap_or(2181))
}

/// The service is in another's network namespace, or the host's: names resolve differently.
pub fn shares_network_namespace(service: &Value) -> bool {
    service
        .get("network_mode")
        .and_then(Value::scalar_text)
        .is_some_and(|m| m == "host" || m.starts_with("service:") || m.starts_with("container:"))
}

/// A service that reuses a server image to run a one-shot client (RULES.md §1.3.1): its
/// `entrypoint` is overridden, or its `command` starts with a shell or a client program, in
/// each case without running the image's start program. Helpers are clients, not servers.
pub fn is_helper(service: &Value) -> bool {
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
        let opts = crate::project::LoadOptions::default();
        let project = crate::project::load_text(std::path::Path::new("c.yaml"), yaml.into(), &opts);
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
}
