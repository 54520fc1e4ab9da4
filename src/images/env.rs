//! What images read from the environment: the variables that make an image a broker, the
//! ones its scripts read themselves, and how a family maps the rest to broker properties.

use super::family::{Family, Image};

/// Environment keys that make an unknown image a Kafka broker.
pub(crate) const BROKER_KEYS: [&str; 6] = [
    "KAFKA_ADVERTISED_LISTENERS",
    "KAFKA_CFG_ADVERTISED_LISTENERS",
    "KAFKA_ZOOKEEPER_CONNECT",
    "KAFKA_CFG_ZOOKEEPER_CONNECT",
    "KAFKA_PROCESS_ROLES",
    "KAFKA_CFG_PROCESS_ROLES",
];

/// Whether an environment key is one of the [`BROKER_KEYS`]: compared only when it starts
/// with `KAFKA_`, as they all do.
pub(crate) fn is_broker_key(key: &str) -> bool {
    key.starts_with("KAFKA_") && BROKER_KEYS.contains(&key)
}

/// `KAFKA_*` variables the Confluent and Apache images read themselves (§3.1;
/// confluentinc/kafka-images `kafka/include/etc/confluent/docker/configure` and
/// `kafka-run-class`).
const CONFLUENT_IMAGE_VARS: [&str; 12] = [
    "KAFKA_VERSION",
    "KAFKA_HEAP_OPTS",
    "KAFKA_LOG4J_OPTS",
    "KAFKA_OPTS",
    "KAFKA_JMX_OPTS",
    "KAFKA_JVM_PERFORMANCE_OPTS",
    "KAFKA_GC_LOG_OPTS",
    "KAFKA_LOG4J_ROOT_LOGLEVEL",
    "KAFKA_LOG4J_LOGGERS",
    "KAFKA_TOOLS_LOG4J_LOGLEVEL",
    "KAFKA_JMX_PORT",
    "KAFKA_JMX_HOSTNAME",
];

/// `KAFKA_*` variables wurstmeister's script reads itself (§3.1; wurstmeister/kafka-docker
/// `start-kafka.sh`).
const WURSTMEISTER_IMAGE_VARS: [&str; 12] = [
    "KAFKA_VERSION",
    "KAFKA_HOME",
    "KAFKA_DEBUG",
    "KAFKA_GC_LOG_OPTS",
    "KAFKA_HEAP_OPTS",
    "KAFKA_JMX_OPTS",
    "KAFKA_JVM_PERFORMANCE_OPTS",
    "KAFKA_LOG",
    "KAFKA_OPTS",
    "KAFKA_CREATE_TOPICS",
    "KAFKA_LOG4J_OPTS",
    "KAFKA_JMX_PORT",
];

/// Plain `KAFKA_<X>` variables bitnami copies to `KAFKA_CFG_<X>` under the same name (§3.1;
/// verified in `libkafka.sh` `kafka_create_alias_environment_variables`, bitnami/containers
/// `bitnami/kafka/3.7` and `4.1`; 4.x adds `CONTROLLER_QUORUM_BOOTSTRAP_SERVERS`). Only these:
/// `KAFKA_LOG_RETENTION_MS`, `KAFKA_NUM_REPLICA_FETCHERS` and the like are not copied.
const BITNAMI_ALIASES: [&str; 34] = [
    "ADVERTISED_LISTENERS",
    "BROKER_ID",
    "NODE_ID",
    "CONTROLLER_QUORUM_VOTERS",
    "CONTROLLER_QUORUM_BOOTSTRAP_SERVERS",
    "PROCESS_ROLES",
    "DEFAULT_REPLICATION_FACTOR",
    "DELETE_TOPIC_ENABLE",
    "INTER_BROKER_LISTENER_NAME",
    "LISTENERS",
    "LISTENER_SECURITY_PROTOCOL_MAP",
    "LOG_DIRS",
    "LOG_FLUSH_INTERVAL_MESSAGES",
    "LOG_FLUSH_INTERVAL_MS",
    "LOG_MESSAGE_FORMAT_VERSION",
    "LOG_RETENTION_BYTES",
    "LOG_RETENTION_CHECK_INTERVALS_MS",
    "LOG_RETENTION_HOURS",
    "LOG_SEGMENT_BYTES",
    "MESSAGE_MAX_BYTES",
    "NUM_IO_THREADS",
    "NUM_NETWORK_THREADS",
    "NUM_PARTITIONS",
    "NUM_RECOVERY_THREADS_PER_DATA_DIR",
    "OFFSETS_TOPIC_REPLICATION_FACTOR",
    "SOCKET_RECEIVE_BUFFER_BYTES",
    "SOCKET_REQUEST_MAX_BYTES",
    "SOCKET_SEND_BUFFER_BYTES",
    "SSL_ENDPOINT_IDENTIFICATION_ALGORITHM",
    "TRANSACTION_STATE_LOG_MIN_ISR",
    "TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
    "ZOOKEEPER_CONNECT",
    "ZOOKEEPER_CONNECTION_TIMEOUT_MS",
    "AUTO_CREATE_TOPICS_ENABLE",
];

/// The broker property an environment variable sets for an image family, if any.
pub(crate) fn property_of(family: Family, key: &str) -> Option<String> {
    match family {
        Family::Redpanda => None,
        Family::Bitnami => {
            let rest = key.strip_prefix("KAFKA_CFG_").or_else(|| {
                key.strip_prefix("KAFKA_")
                    .filter(|r| BITNAMI_ALIASES.contains(r))
            })?;
            let property = rest.to_ascii_lowercase().replace('_', ".");
            Some(
                property
                    .replace("sasl.ssl", "sasl_ssl")
                    .replace("sasl.plaintext", "sasl_plaintext"),
            )
        }
        Family::Wurstmeister => {
            if WURSTMEISTER_IMAGE_VARS.contains(&key) {
                return None;
            }
            let rest = key.strip_prefix("KAFKA_")?;
            Some(rest.to_ascii_lowercase().replace('_', "."))
        }
        Family::Confluent | Family::Apache | Family::Other => {
            if CONFLUENT_IMAGE_VARS.contains(&key) {
                return None;
            }
            let rest = key.strip_prefix("KAFKA_")?;
            Some(
                rest.to_ascii_lowercase()
                    .replace("___", "\u{0}")
                    .replace("__", "-")
                    .replace('_', ".")
                    .replace('\u{0}', "_"),
            )
        }
    }
}

/// The ZooKeeper connection key a Confluent companion reads (its `configure` script): Schema
/// Registry's legacy store URL, the REST proxy's ZooKeeper.
pub(crate) fn companion_zookeeper_key(repo: &str) -> Option<&'static str> {
    match super::image(repo)? {
        Image::CpSchemaRegistry => Some("SCHEMA_REGISTRY_KAFKASTORE_CONNECTION_URL"),
        Image::CpKafkaRest => Some("KAFKA_REST_ZOOKEEPER_CONNECT"),
        _ => None,
    }
}

/// Environment keys whose value is a port the server opens besides its own (§1.3): the JVM's
/// JMX port, Debezium's spelling of it (debezium/container-images `JMXPORT`), and
/// cp-zookeeper's TLS client port.
pub(crate) const SECONDARY_PORT_KEYS: [&str; 3] =
    ["JMX_PORT", "JMXPORT", "ZOOKEEPER_SECURE_CLIENT_PORT"];

/// Whether an environment key names the *file* that holds a password rather than the password:
/// Confluent's images read `KAFKA_SSL_KEYSTORE_CREDENTIALS` (and the `TRUSTSTORE`, `KEY`
/// forms, for any component prefix or listener) as the name of a file in `/etc/kafka/secrets`
/// holding the password (Confluent's Docker configuration reference; cp-demo writes
/// `KAFKA_SSL_KEYSTORE_CREDENTIALS: kafka_keystore_creds`).
pub(crate) fn names_credentials_file(key: &str) -> bool {
    let upper = key.to_ascii_uppercase();
    [
        "_KEYSTORE_CREDENTIALS",
        "_TRUSTSTORE_CREDENTIALS",
        "_KEY_CREDENTIALS",
    ]
    .iter()
    .any(|suffix| upper.ends_with(suffix))
}
