//! Image recognition: the repository of an image reference, and the families rules know.

use crate::project::value::Value;

/// The repository of an image reference, without registry host, tag or digest:
/// `docker.io/confluentinc/cp-kafka:7.6.0` → `confluentinc/cp-kafka`.
pub fn repository(image: &str) -> &str {
    let image = image.split('@').next().unwrap_or(image);
    let last_slash = image.rfind('/').map_or(0, |i| i + 1);
    let name_end = image[last_slash..]
        .find(':')
        .map_or(image.len(), |i| last_slash + i);
    let name = &image[..name_end];
    // A first component with a dot, a colon or `localhost` is a registry host.
    match name.split_once('/') {
        Some((host, rest)) if host.contains('.') || host.contains(':') || host == "localhost" => {
            rest
        }
        _ => name,
    }
}

/// The image of a service, when it is known (not an unknown interpolation).
pub fn image_of(service: &Value) -> Option<&str> {
    let s = service.get("image")?.as_str()?;
    s.is_known().then_some(s.text.as_str())
}

/// Kafka broker images (Confluent, Apache, Bitnami, wurstmeister), RULES.md §3.1.
const BROKER_IMAGES: [&str; 10] = [
    "confluentinc/cp-kafka",
    "confluentinc/cp-server",
    "confluentinc/cp-enterprise-kafka",
    "confluentinc/confluent-local",
    "apache/kafka",
    "apache/kafka-native",
    "bitnami/kafka",
    "bitnamilegacy/kafka",
    "wurstmeister/kafka",
    "library/kafka",
];

/// Images that run ZooKeeper inside the Kafka container, where `localhost:2181` is right.
const BUNDLED_ZOOKEEPER: [&str; 4] = [
    "spotify/kafka",
    "johnnypark/kafka-zookeeper",
    "landoop/fast-data-dev",
    "lensesio/fast-data-dev",
];

/// Environment keys that make an unknown image a Kafka broker.
const BROKER_KEYS: [&str; 6] = [
    "KAFKA_ADVERTISED_LISTENERS",
    "KAFKA_CFG_ADVERTISED_LISTENERS",
    "KAFKA_ZOOKEEPER_CONNECT",
    "KAFKA_CFG_ZOOKEEPER_CONNECT",
    "KAFKA_PROCESS_ROLES",
    "KAFKA_CFG_PROCESS_ROLES",
];

/// Client tools whose presence in `command`/`entrypoint` makes a Kafka image a client.
const CLIENT_TOOLS: [&str; 8] = [
    "kafka-topics",
    "kafka-console-producer",
    "kafka-console-consumer",
    "kafka-configs",
    "kafka-acls",
    "kafka-consumer-groups",
    "rpk topic",
    "kafka-storage",
];

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

/// True for a Kafka broker or controller (RULES.md §3.1), not for a client run from a Kafka
/// image, and not for images that bundle ZooKeeper.
pub fn is_kafka_broker(service: &Value) -> bool {
    let command = command_text(service);
    if CLIENT_TOOLS.iter().any(|t| command.contains(t)) && !command.contains("kafka-server-start") {
        return false;
    }
    match image_of(service).map(repository) {
        Some(repo) if BUNDLED_ZOOKEEPER.contains(&repo) => false,
        Some(repo) if BROKER_IMAGES.contains(&repo) => true,
        _ => {
            let env = service.get("environment").and_then(Value::as_map);
            env.is_some_and(|e| BROKER_KEYS.iter().any(|k| e.contains_key(k)))
                || command.contains("kafka-server-start")
        }
    }
}

/// The client port of a ZooKeeper service, None when the service is not ZooKeeper.
pub fn zookeeper_client_port(service: &Value) -> Option<u16> {
    let image = image_of(service)?;
    let repo = repository(image);
    if !repo
        .rsplit('/')
        .next()
        .is_some_and(|name| name.contains("zookeeper"))
    {
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

#[cfg(test)]
mod tests {
    use super::repository;

    #[test]
    fn repositories() {
        let cases = [
            ("confluentinc/cp-kafka:7.6.0", "confluentinc/cp-kafka"),
            ("docker.io/confluentinc/cp-kafka", "confluentinc/cp-kafka"),
            ("quay.io/debezium/kafka:2.7", "debezium/kafka"),
            ("localhost:5000/team/kafka:dev", "team/kafka"),
            ("bitnami/kafka@sha256:abc", "bitnami/kafka"),
            ("zookeeper:3.9", "zookeeper"),
            ("registry:5000/zookeeper", "zookeeper"),
        ];
        for (image, repo) in cases {
            assert_eq!(repository(image), repo, "{image}");
        }
    }
}
