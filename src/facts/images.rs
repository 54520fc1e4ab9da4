//! Image recognition: the repository of an image reference, and the families rules know.

use crate::project::value::{Map, Value};

/// The repository of an image reference, without registry host, tag or digest:
/// `docker.io/confluentinc/cp-kafka:7.6.0` → `confluentinc/cp-kafka`. One byte scan: a
/// dozen facts ask for the repository of every service.
pub fn repository(image: &str) -> &str {
    let bytes = image.as_bytes();
    // Up to the digest's `@`: the first `/`, whether a `.` or `:` comes before it (a
    // registry host), and the tag's `:` (the first after the last `/`).
    let (mut first_slash, mut host_mark, mut tag) = (None, false, None);
    let mut end = bytes.len();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'@' => {
                end = i;
                break;
            }
            b'/' => {
                first_slash = first_slash.or(Some(i));
                tag = None;
            }
            b':' | b'.' => {
                host_mark |= first_slash.is_none();
                if b == b':' && tag.is_none() {
                    tag = Some(i);
                }
            }
            _ => {}
        }
    }
    let name = &image[..tag.unwrap_or(end)];
    // A first component with a dot, a colon or `localhost` is a registry host.
    match first_slash {
        Some(slash) if host_mark || &name[..slash] == "localhost" => &name[slash + 1..],
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
pub const BROKER_KEYS: [&str; 6] = [
    "KAFKA_ADVERTISED_LISTENERS",
    "KAFKA_CFG_ADVERTISED_LISTENERS",
    "KAFKA_ZOOKEEPER_CONNECT",
    "KAFKA_CFG_ZOOKEEPER_CONNECT",
    "KAFKA_PROCESS_ROLES",
    "KAFKA_CFG_PROCESS_ROLES",
];

/// Whether an `environment` mapping sets one of the [`BROKER_KEYS`]: one pass over its
/// keys, each compared only when it starts with `KAFKA_`, as they all do.
pub fn has_broker_key(env: &Map) -> bool {
    env.iter()
        .any(|(k, _, _)| k.starts_with("KAFKA_") && BROKER_KEYS.contains(&k))
}

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

/// True for a service whose image is a Kafka broker image, whatever it runs: its `KAFKA_*`
/// variables are broker settings (unused when the image runs a client tool).
pub fn is_kafka_image(service: &Value) -> bool {
    image_of(service)
        .map(repository)
        .is_some_and(|r| BROKER_IMAGES.contains(&r))
}

/// True for a Kafka broker or controller (RULES.md §3.1), not for a client run from a Kafka
/// image, and not for images that bundle ZooKeeper.
pub fn is_kafka_broker(service: &Value) -> bool {
    let by_image = match image_of(service).map(repository) {
        Some(repo) if BUNDLED_ZOOKEEPER.contains(&repo) => return false,
        Some(repo) => BROKER_IMAGES.contains(&repo),
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
    let starts_server = command.contains("kafka-server-start");
    if CLIENT_TOOLS.iter().any(|t| command.contains(t)) && !starts_server {
        return false;
    }
    by_image || by_env() || starts_server
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

/// Commands that start a server (matched inside the command text); a shell script that runs
/// one keeps the service a server.
const START_COMMANDS: [&str; 6] = [
    "/etc/confluent/docker/run",
    "/etc/kafka/docker/run",
    "redpanda start",
    "bin/pulsar standalone",
    "bin/elasticsearch",
    "/opt/bitnami/scripts/",
];

/// Server programs, matched by the base name (with or without `.sh`) of the first word of a
/// command in the text.
const START_PROGRAMS: [&str; 7] = [
    "start-kafka",
    "redis-server",
    "mongod",
    "postgres",
    "docker-entrypoint",
    "kafka-server-start",
    "zkServer",
];

/// Shells whose `-c` script decides what the container runs.
const SHELLS: [&str; 4] = ["sh", "bash", "ash", "zsh"];

/// Client programs: a command starting with one runs a one-shot client, not the server.
/// (`tail`, as in `tail -f /dev/null`, keeps a container alive without its server.)
const CLIENT_PROGRAMS: [&str; 14] = [
    "tail",
    "curl",
    "wget",
    "nc",
    "sleep",
    "echo",
    "redis-cli",
    "mongosh",
    "mongo",
    "psql",
    "mysql",
    "kcat",
    "kafkacat",
    "rpk",
];

/// Client program prefixes (`kafka-topics.sh`, `kafka-console-consumer`).
const CLIENT_PREFIXES: [&str; 5] = [
    "kafka-topics",
    "kafka-console-",
    "kafka-configs",
    "kafka-consumer-groups",
    "kafka-acls",
];

fn runs_start_program(text: &str) -> bool {
    START_COMMANDS.iter().any(|c| text.contains(c))
        || text
            .split([';', '&', '|', '"', '\'', '\n', '(', ')'])
            .filter_map(|segment| {
                segment
                    .split_whitespace()
                    .find(|w| *w != "exec" && !w.contains('='))
            })
            .map(|w| w.rsplit('/').next().unwrap_or(w))
            .map(|w| w.strip_suffix(".sh").unwrap_or(w))
            .any(|w| START_PROGRAMS.contains(&w))
}

/// A service that reuses a server image to run a one-shot client (RULES.md §1.3.1): its
/// `entrypoint` is overridden, or its `command` starts with a shell or a client program, in
/// each case without running the image's start program. Helpers are clients, not servers.
pub fn is_helper(service: &Value) -> bool {
    let command = command_text(service);
    if runs_start_program(&command) {
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
    if SHELLS.contains(&program) {
        return true;
    }
    if program == "rpk" {
        return args.get(1).is_none_or(|a| a.text != "redpanda");
    }
    CLIENT_PROGRAMS.contains(&program) || CLIENT_PREFIXES.iter().any(|p| program.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::repository;

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
            ("localhost/kafka", "kafka"),
            ("localhostx/kafka", "localhostx/kafka"),
            ("team/kafka:1.0/x", "team/kafka:1.0/x"),
            ("a.b/c/d:e@sha256:f/g", "c/d"),
        ];
        for (image, repo) in cases {
            assert_eq!(repository(image), repo, "{image}");
        }
    }
}
