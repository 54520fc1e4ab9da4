//! What images run: the commands that start a server, and the client programs that make a
//! container a one-shot helper (RULES.md §1.3.1).

use super::family::Family;

/// Confluent's start script (`configure`, `ensure`, then `launch`), in every cp-base image:
/// cp-kafka, cp-server, cp-schema-registry, cp-kafka-connect.
pub(crate) const CONFLUENT_RUN: &str = "/etc/confluent/docker/run";

/// The client program an image's own entrypoint runs, so that a `command` of flags alone
/// (`command: -b kafka:9092 -L`) is that program's arguments: kcat's images.
pub(crate) fn entrypoint_program(repo: &str) -> Option<&'static str> {
    match repo {
        "edenhill/kcat" | "edenhill/kafkacat" | "confluentinc/cp-kafkacat" => Some("kcat"),
        _ => None,
    }
}

/// Bitnami's Kafka entrypoint, which prepares the container and then calls the run script.
pub(crate) const BITNAMI_KAFKA_ENTRYPOINT: &str = "/opt/bitnami/scripts/kafka/entrypoint.sh";

/// The script a Kafka image runs to turn its environment into the broker configuration
/// (apache/kafka's `docker/run`, Bitnami's `run.sh`, wurstmeister's `start-kafka.sh`); None
/// where it is not known (Redpanda reads flags, an unknown image anything).
pub(crate) fn kafka_start_script(family: Family) -> Option<&'static str> {
    match family {
        Family::Confluent => Some(CONFLUENT_RUN),
        Family::Apache => Some("/etc/kafka/docker/run"),
        Family::Bitnami => Some("/opt/bitnami/scripts/kafka/run.sh"),
        Family::Wurstmeister => Some("start-kafka.sh"),
        Family::Redpanda | Family::Other => None,
    }
}

/// Directories from which Kafka images read a broker configuration besides the environment:
/// apache/kafka's file input `/mnt/shared/config` and its `/opt/kafka/config`, Bitnami's
/// `/bitnami/kafka/config` and `/opt/bitnami/kafka/config`.
pub(crate) const KAFKA_CONFIG_DIRS: [&str; 4] = [
    "/mnt/shared/config",
    "/opt/kafka/config",
    "/bitnami/kafka/config",
    "/opt/bitnami/kafka/config",
];

/// File names of broker configurations that images and start scripts read when mounted.
pub(crate) const KAFKA_CONFIG_FILES: [&str; 4] = [
    "server.properties",
    "kafka.properties",
    "broker.properties",
    "controller.properties",
];

/// Whether the words of a Redpanda container's command line start the broker:
/// `redpanda start` (also as `rpk redpanda start`), not `rpk topic create …`.
pub(crate) fn starts_redpanda<'a>(mut words: impl Iterator<Item = &'a str>) -> bool {
    let mut previous = None;
    words.any(|w| {
        let starts = previous == Some(RPK_SERVER) && w == "start";
        previous = Some(w);
        starts
    })
}

/// Commands that start a server (matched inside the command text); a shell script that runs
/// one keeps the service a server. Confluent's and Apache's `docker/run`, `redpanda start`,
/// Pulsar's standalone mode, Elasticsearch's binary, Bitnami's `/opt/bitnami/scripts/*/run.sh`.
const START_COMMANDS: [&str; 6] = [
    "/etc/confluent/docker/run",
    "/etc/kafka/docker/run",
    "redpanda start",
    "bin/pulsar standalone",
    "bin/elasticsearch",
    "/opt/bitnami/scripts/",
];

/// Server programs, matched by the base name (with or without `.sh`) of the first word of a
/// command in the text: wurstmeister's `start-kafka.sh`, the official images' servers and
/// `docker-entrypoint.sh`, Kafka's and ZooKeeper's start scripts.
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

/// Client tools whose presence in `command`/`entrypoint` makes a Kafka image a client (the
/// Kafka distribution's `bin/` tools, Redpanda's `rpk topic`).
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

/// Kafka's own start script: a command that runs it starts a broker.
const KAFKA_SERVER_START: &str = "kafka-server-start";

/// Whether a command text starts a Kafka broker with Kafka's own script.
pub(crate) fn starts_kafka_server(text: &str) -> bool {
    text.contains(KAFKA_SERVER_START)
}

/// Whether a command text runs one of the Kafka [`CLIENT_TOOLS`].
pub(crate) fn runs_kafka_client_tool(text: &str) -> bool {
    CLIENT_TOOLS.iter().any(|t| text.contains(t))
}

/// Whether a command text runs an image's start program: one of the [`START_COMMANDS`], or a
/// command whose first word is one of the [`START_PROGRAMS`].
pub(crate) fn runs_start_program(text: &str) -> bool {
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

/// Whether a program (a base name) is a shell.
pub(crate) fn is_shell(program: &str) -> bool {
    SHELLS.contains(&program)
}

/// Whether a program (a base name) is a client: one of the [`CLIENT_PROGRAMS`] or
/// [`CLIENT_PREFIXES`]. (`rpk` is a client unless it runs `rpk redpanda`: the caller asks.)
pub(crate) fn is_client_program(program: &str) -> bool {
    CLIENT_PROGRAMS.contains(&program) || CLIENT_PREFIXES.iter().any(|p| program.starts_with(p))
}

/// Redpanda's CLI, which also starts the broker (`rpk redpanda start`).
pub(crate) const RPK: &str = "rpk";

/// The `rpk` subcommand that runs the broker.
pub(crate) const RPK_SERVER: &str = "redpanda";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redpanda_start() {
        let starts = |line: &str| starts_redpanda(line.split_whitespace());
        assert!(starts("redpanda start --smp 1"));
        assert!(starts("rpk redpanda start --overprovisioned"));
        assert!(!starts("rpk topic create t"));
        assert!(!starts("start redpanda"));
    }

    #[test]
    fn start_scripts() {
        assert_eq!(kafka_start_script(Family::Confluent), Some(CONFLUENT_RUN));
        assert_eq!(
            kafka_start_script(Family::Wurstmeister),
            Some("start-kafka.sh")
        );
        assert_eq!(kafka_start_script(Family::Redpanda), None);
    }
}
