//! The ports images listen on by default, and the settings some images read to move them
//! (RULES.md §1.3).

/// PostgreSQL's default port (postgresql.org, "Connecting to the server").
pub(crate) const POSTGRES: u16 = 5432;
/// MySQL's and MariaDB's default port.
pub(crate) const MYSQL: u16 = 3306;
/// Redis's (and Valkey's) default port.
pub(crate) const REDIS: u16 = 6379;
/// MongoDB's default port.
pub(crate) const MONGODB: u16 = 27017;
/// AMQP's port (RabbitMQ), and AMQP over TLS.
pub(crate) const AMQP: u16 = 5672;
/// AMQP over TLS.
pub(crate) const AMQPS: u16 = 5671;
/// NATS's client port.
pub(crate) const NATS: u16 = 4222;
/// Pulsar's binary protocol port.
pub(crate) const PULSAR: u16 = 6650;
/// ZooKeeper's client port (every ZooKeeper image's default).
pub(crate) const ZOOKEEPER: u16 = 2181;
/// Kafka's customary listener port.
pub(crate) const KAFKA: u16 = 9092;
/// Elasticsearch's and OpenSearch's HTTP port.
pub(crate) const ELASTICSEARCH: u16 = 9200;
/// Confluent Schema Registry's port.
pub(crate) const SCHEMA_REGISTRY: u16 = 8081;
/// Kafka Connect's REST port.
pub(crate) const CONNECT_REST: u16 = 8083;

/// Ports of well-known servers: an explicit one marks a value as a server address.
pub(crate) const WELL_KNOWN: [u16; 10] = [
    POSTGRES,
    MYSQL,
    REDIS,
    MONGODB,
    AMQP,
    ZOOKEEPER,
    KAFKA,
    NATS,
    ELASTICSEARCH,
    SCHEMA_REGISTRY,
];

/// The §1.4 default port of a lower-cased URL scheme (or JDBC sub-protocol); none for
/// http/https.
pub(crate) fn scheme_port(scheme: &str) -> Option<u16> {
    match scheme {
        "postgres" | "postgresql" => Some(POSTGRES),
        "mysql" | "mariadb" => Some(MYSQL),
        "redis" | "rediss" => Some(REDIS),
        "mongodb" => Some(MONGODB),
        "amqp" => Some(AMQP),
        "amqps" => Some(AMQPS),
        "nats" => Some(NATS),
        "pulsar" => Some(PULSAR),
        _ => None,
    }
}

/// Image defaults (§1.3): repository (exact, or `*/name` for any namespace), the ports the
/// table lists, and the other ports the image opens on its own (so that publishing them is
/// not a mistake). A `*` suffix matches any repository starting with the prefix. Sources:
/// each image's Docker Hub page (`EXPOSE` of its Dockerfile).
const IMAGE_PORTS: &[(&[&str], &[u16], &[u16])] = &[
    (
        &["postgres", "*/postgresql", "*/postgres"],
        &[POSTGRES],
        &[],
    ),
    (&["mysql", "*/mysql"], &[MYSQL], &[33060]),
    (&["mariadb", "*/mariadb"], &[MYSQL], &[]),
    (&["redis", "*/redis", "valkey/valkey"], &[REDIS], &[]),
    (&["mongo", "*/mongodb", "*/mongo"], &[MONGODB], &[]),
    (
        &["rabbitmq", "*/rabbitmq"],
        &[AMQP, 15672],
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
        &[ELASTICSEARCH, 9300],
        &[9600],
    ),
    (
        &["cassandra", "*/cassandra"],
        &[9042, 7000],
        &[7001, 7199, 9160],
    ),
    (
        &["zookeeper", "*/zookeeper", "confluentinc/cp-zookeeper"],
        &[ZOOKEEPER],
        &[2888, 3888, 8080, 7000],
    ),
    (
        &["confluentinc/cp-schema-registry"],
        &[SCHEMA_REGISTRY],
        &[],
    ),
    (
        &[
            "confluentinc/cp-kafka-connect*",
            "confluentinc/cp-server-connect*",
            "debezium/connect",
        ],
        &[CONNECT_REST],
        &[],
    ),
    (&["confluentinc/cp-ksqldb-server"], &[8088], &[]),
    (&["confluentinc/cp-kafka-rest"], &[8082], &[]),
    (&["provectuslabs/kafka-ui", "kafbat/kafka-ui"], &[8080], &[]),
    (&["obsidiandynamics/kafdrop"], &[9000], &[]),
    (&["tchiotludo/akhq"], &[8080], &[28081]),
    (&["nats"], &[NATS, 8222], &[6222]),
    (&["apachepulsar/pulsar*"], &[PULSAR, 8080], &[6651, 8443]),
    (&["memcached", "*/memcached"], &[11211], &[]),
    // Images that bundle ZooKeeper and Kafka (and, for fast-data-dev, the Confluent
    // companions and its web UI) in one container.
    (
        &["spotify/kafka", "johnnypark/kafka-zookeeper"],
        &[ZOOKEEPER, KAFKA],
        &[],
    ),
    (
        &["landoop/fast-data-dev", "lensesio/fast-data-dev"],
        &[ZOOKEEPER, KAFKA, 8081, 8082, 8083, 3030],
        // JMX of its JVMs (the README: "jconsole localhost:9581" for the broker).
        &[9581, 9582, 9583, 9584, 9585],
    ),
];

/// The image-default ports of a repository: the listed ones, then the image's other ports.
pub(crate) fn default_ports(repo: &str) -> Option<(&'static [u16], &'static [u16])> {
    IMAGE_PORTS
        .iter()
        .find(|(patterns, _, _)| patterns.iter().any(|p| matches(p, repo)))
        .map(|(_, listed, other)| (*listed, *other))
}

/// Environment keys that move a server's own port, the images that read them, and the
/// default port they replace. Other images ignore them (the official `redis` image does not
/// read Bitnami's `REDIS_PORT_NUMBER`). Sources: the official postgres and mysql images'
/// docker-entrypoint.sh (PGPORT, MYSQL_TCP_PORT), bitnami/containers `*-env.sh`,
/// confluentinc/kafka-images `kafka-connect-base` configure, debezium/container-images
/// `connect-base/docker-entrypoint.sh` (REST_PORT).
const SERVER_PORT_KEYS: [(&str, &[&str], u16); 6] = [
    ("PGPORT", &["postgres"], POSTGRES),
    (
        "MYSQL_TCP_PORT",
        &["mysql", "mysql/mysql-server", "mariadb"],
        MYSQL,
    ),
    (
        "MONGODB_PORT_NUMBER",
        &["bitnami/mongodb", "bitnamilegacy/mongodb"],
        MONGODB,
    ),
    (
        "REDIS_PORT_NUMBER",
        &["bitnami/redis", "bitnamilegacy/redis"],
        REDIS,
    ),
    (
        "CONNECT_REST_PORT",
        &[
            "confluentinc/cp-kafka-connect*",
            "confluentinc/cp-server-connect*",
            "debezium/connect",
        ],
        CONNECT_REST,
    ),
    ("REST_PORT", &["debezium/connect"], CONNECT_REST),
];

/// A server-port key (compared ignoring ASCII case): whether `repo` reads it (an official
/// image may be written `library/name`), and the default port it replaces.
pub(crate) fn server_port_key(key: &str, repo: &str) -> Option<(bool, u16)> {
    let (_, readers, default) = SERVER_PORT_KEYS
        .iter()
        .find(|(k, _, _)| k.eq_ignore_ascii_case(key))?;
    Some((reads(readers, repo), *default))
}

/// The server-port key `repo` reads that replaces its default `port`, if any.
pub(crate) fn port_keys_for(repo: &str, port: u16) -> impl Iterator<Item = &'static str> + '_ {
    SERVER_PORT_KEYS
        .iter()
        .filter(move |(_, readers, default)| *default == port && reads(readers, repo))
        .map(|(key, _, _)| *key)
}

/// Whether `repo` (an official image may be written `library/name`) is one of `readers`.
fn reads(readers: &[&str], repo: &str) -> bool {
    let repo = repo.strip_prefix("library/").unwrap_or(repo);
    readers.iter().any(|r| matches(r, repo))
}

/// Whether `repo` matches an image pattern: `prefix*`, `*/name` or the repository itself.
fn matches(pattern: &str, repo: &str) -> bool {
    if let Some(prefix) = pattern.strip_suffix('*') {
        repo.starts_with(prefix)
    } else if let Some(name) = pattern.strip_prefix("*/") {
        // `name` is one component: the repository ends with `/name`.
        repo.strip_suffix(name)
            .is_some_and(|rest| rest.ends_with('/'))
    } else {
        repo == pattern
    }
}

/// Secondary ports an image opens besides its own: Confluent Server's embedded REST API
/// (`confluent.http.server.listeners`, 8090 by default: Confluent Server's docs).
pub(crate) fn embedded_ports(repo: &str) -> &'static [u16] {
    match super::image(repo) {
        Some(super::Image::CpServer) => &[8090],
        _ => &[],
    }
}

/// Whether a Kafka image derives `listeners` from `KAFKA_ADVERTISED_LISTENERS` when unset
/// (confluentinc/kafka-images `configure`, apache/kafka docker `configure`): Confluent's
/// `cp-*` images, `confluent-local`, and Apache's.
pub(crate) fn derives_listeners(repo: &str) -> bool {
    repo.starts_with("confluentinc/cp-")
        || super::image(repo) == Some(super::Image::ConfluentLocal)
        || repo.starts_with("apache/kafka")
}

/// The listener ports an Apache Kafka image opens with no `KAFKA_*` setting at all (its
/// bundled `server.properties`: 9092, and the docker defaults 29092/29093); None for others.
pub(crate) fn unconfigured_kafka_ports(repo: &str) -> Option<&'static [u16]> {
    repo.starts_with("apache/kafka")
        .then_some(&[KAFKA, 29092, 29093])
}

/// Redpanda's address flags and their defaults (docs.redpanda.com, `redpanda start`), and
/// its admin API port, which no flag here moves.
pub(crate) const REDPANDA_FLAGS: [(&str, u16); 4] = [
    ("--kafka-addr", KAFKA),
    ("--pandaproxy-addr", 8082),
    ("--schema-registry-addr", SCHEMA_REGISTRY),
    ("--rpc-addr", 33145),
];

/// Redpanda's admin API port.
pub(crate) const REDPANDA_ADMIN: u16 = 9644;
