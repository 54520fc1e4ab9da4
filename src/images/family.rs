//! Which images composefix knows by name, and the families they fall into (RULES.md §3.1).

use super::reference::TagVersion;

/// An image composefix recognises by its repository (any registry, any tag).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Image {
    /// `confluentinc/cp-kafka`.
    CpKafka,
    /// `confluentinc/cp-server` (Confluent Server).
    CpServer,
    /// `confluentinc/cp-enterprise-kafka`, renamed `cp-server` before CP 7.
    CpEnterpriseKafka,
    /// `confluentinc/confluent-local`: a single-node KRaft configuration of its own.
    ConfluentLocal,
    /// `apache/kafka`, `apache/kafka-native`.
    ApacheKafka,
    /// `bitnami/kafka` (and its `bitnamilegacy` copy).
    BitnamiKafka,
    /// `wurstmeister/kafka`.
    WurstmeisterKafka,
    /// `library/kafka`, an official-image spelling some files use.
    LibraryKafka,
    /// `redpandadata/redpanda`, formerly `vectorized/redpanda`.
    Redpanda,
    /// Images that run ZooKeeper inside the Kafka container (`localhost:2181` is right there).
    BundledZookeeper,
    /// `confluentinc/cp-zookeeper`.
    CpZookeeper,
    /// `bitnami/zookeeper` (and its `bitnamilegacy` copy).
    BitnamiZookeeper,
    /// The official `zookeeper` image (`library/zookeeper`, built from `31z4/zookeeper-docker`).
    OfficialZookeeper,
    /// `confluentinc/cp-schema-registry`.
    CpSchemaRegistry,
    /// `confluentinc/cp-kafka-rest`.
    CpKafkaRest,
    /// The Connect worker images built on Confluent's `kafka-connect-base`.
    CpKafkaConnect,
    /// `debezium/connect`, `debezium/connect-base`.
    DebeziumConnect,
    /// `tchiotludo/akhq`.
    Akhq,
}

/// The repositories of each [`Image`] (Docker Hub names; the images' own pages).
const IMAGES: [(&str, Image); 27] = [
    ("confluentinc/cp-kafka", Image::CpKafka),
    ("confluentinc/cp-server", Image::CpServer),
    ("confluentinc/cp-enterprise-kafka", Image::CpEnterpriseKafka),
    ("confluentinc/confluent-local", Image::ConfluentLocal),
    ("apache/kafka", Image::ApacheKafka),
    ("apache/kafka-native", Image::ApacheKafka),
    ("bitnami/kafka", Image::BitnamiKafka),
    ("bitnamilegacy/kafka", Image::BitnamiKafka),
    ("wurstmeister/kafka", Image::WurstmeisterKafka),
    ("library/kafka", Image::LibraryKafka),
    ("redpandadata/redpanda", Image::Redpanda),
    ("vectorized/redpanda", Image::Redpanda),
    ("spotify/kafka", Image::BundledZookeeper),
    ("johnnypark/kafka-zookeeper", Image::BundledZookeeper),
    ("landoop/fast-data-dev", Image::BundledZookeeper),
    ("lensesio/fast-data-dev", Image::BundledZookeeper),
    ("confluentinc/cp-zookeeper", Image::CpZookeeper),
    ("bitnami/zookeeper", Image::BitnamiZookeeper),
    ("bitnamilegacy/zookeeper", Image::BitnamiZookeeper),
    ("zookeeper", Image::OfficialZookeeper),
    ("library/zookeeper", Image::OfficialZookeeper),
    ("31z4/zookeeper", Image::OfficialZookeeper),
    ("confluentinc/cp-schema-registry", Image::CpSchemaRegistry),
    ("confluentinc/cp-kafka-rest", Image::CpKafkaRest),
    ("debezium/connect", Image::DebeziumConnect),
    ("debezium/connect-base", Image::DebeziumConnect),
    ("tchiotludo/akhq", Image::Akhq),
];

/// Confluent's Connect worker images built on `kafka-connect-base` (confluentinc/kafka-images,
/// `kafka-connect-base/`; the `cp-server-connect*` images are its Confluent Server twins).
const CONNECT_BASE: [&str; 4] = [
    "confluentinc/cp-kafka-connect",
    "confluentinc/cp-kafka-connect-base",
    "confluentinc/cp-server-connect",
    "confluentinc/cp-server-connect-base",
];

/// The image a repository names, if composefix knows it.
pub(crate) fn image(repo: &str) -> Option<Image> {
    IMAGES
        .iter()
        .find(|(r, _)| *r == repo)
        .map(|(_, i)| *i)
        .or_else(|| {
            CONNECT_BASE
                .contains(&repo)
                .then_some(Image::CpKafkaConnect)
        })
}

/// How an image turns environment variables into broker properties (§3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// `confluentinc/cp-kafka`, `cp-server`, `confluent-local`: `KAFKA_X_Y` → `x.y`, `__` → `-`,
    /// `___` → `_`.
    Confluent,
    /// `apache/kafka`, `apache/kafka-native`: the Confluent rule.
    Apache,
    /// `bitnami/kafka`: `KAFKA_CFG_X_Y` → `x.y`, plus a list of plain `KAFKA_` aliases.
    Bitnami,
    /// `wurstmeister/kafka`: `KAFKA_X_Y` → `x.y`, no escapes; Kafka 2.8 at most.
    Wurstmeister,
    /// Redpanda: flags, not environment.
    Redpanda,
    /// A broker recognised by its settings (a `build:` image): the Confluent rule.
    Other,
}

impl Family {
    /// The family of an image repository.
    pub fn of(repo: &str) -> Family {
        match image(repo) {
            Some(
                Image::CpKafka | Image::CpServer | Image::CpEnterpriseKafka | Image::ConfluentLocal,
            ) => Family::Confluent,
            Some(Image::ApacheKafka) => Family::Apache,
            Some(Image::BitnamiKafka) => Family::Bitnami,
            Some(Image::WurstmeisterKafka) => Family::Wurstmeister,
            Some(Image::Redpanda) => Family::Redpanda,
            _ => Family::Other,
        }
    }

    /// The environment prefix of broker properties.
    pub fn prefix(self) -> &'static str {
        match self {
            Family::Bitnami => "KAFKA_CFG_",
            _ => "KAFKA_",
        }
    }
}

/// Whether a repository is a Kafka broker image (Confluent, Apache, Bitnami, wurstmeister,
/// `library/kafka`), RULES.md §3.1.
pub(crate) fn is_broker_image(repo: &str) -> bool {
    matches!(
        image(repo),
        Some(
            Image::CpKafka
                | Image::CpServer
                | Image::CpEnterpriseKafka
                | Image::ConfluentLocal
                | Image::ApacheKafka
                | Image::BitnamiKafka
                | Image::WurstmeisterKafka
                | Image::LibraryKafka
        )
    )
}

/// Whether an image reference, as written, may name a broker image: a cheap test on the text
/// before parsing it (every broker image's name has one of these words).
pub(crate) fn may_name_broker(image: &str) -> bool {
    ["kafka", "redpanda", "cp-server", "confluent-local"]
        .iter()
        .any(|w| image.contains(w))
}

/// Whether a repository is a ZooKeeper image: its last component names ZooKeeper
/// (`zookeeper`, `confluentinc/cp-zookeeper`, `johnnypark/kafka-zookeeper`).
pub(crate) fn is_zookeeper(repo: &str) -> bool {
    repo.rsplit('/')
        .next()
        .is_some_and(|name| name.contains("zookeeper"))
}

/// Whether a Kafka Connect image is Confluent's by its name: `cp-kafka-connect*`,
/// `cp-server-connect*` (the base images and those built on them).
pub(crate) fn is_confluent_connect(repo: &str) -> bool {
    repo.starts_with("confluentinc/cp-kafka-connect")
        || repo.starts_with("confluentinc/cp-server-connect")
}

/// Whether an image is a Confluent demo image of a Connect worker (`cnfldemos/*connect*`),
/// configured like Confluent's.
pub(crate) fn is_confluent_demo_connect(repo: &str) -> bool {
    repo.starts_with("cnfldemos/") && repo.contains("connect")
}

/// The first cp-kafka / cp-server tag whose entrypoint has the KRaft branch (its
/// `configure` script reads `KAFKA_PROCESS_ROLES` from 7.4.0, RULES.md §3.2).
pub(crate) const FIRST_CONFLUENT_KRAFT_TAG: &str = "7.4.0";

/// Whether a broker image has no ZooKeeper mode at `version`: cp-kafka / cp-server 8+
/// (`cp-enterprise-kafka` ended before), apache/kafka 4+, bitnami 4+; the newest release
/// counts, an unknown tag does not (Confluent's and Apache's KRaft-only release notes).
pub(crate) fn is_kraft_only(repo: &str, version: TagVersion) -> bool {
    let from = match image(repo) {
        Some(Image::CpKafka | Image::CpServer) => 8,
        Some(Image::ApacheKafka | Image::BitnamiKafka) => 4,
        _ => return false,
    };
    match version {
        TagVersion::Known(major, _) => major >= from,
        TagVersion::Newest => true,
        TagVersion::Unknown => false,
    }
}

/// The tag of the last release that still has ZooKeeper mode, for an image whose newer
/// releases are KRaft only (or, for `cp-zookeeper`, no longer published): Confluent Platform
/// 7.9 and Apache Kafka 3.9. None for Bitnami (its free images left Docker Hub) and others.
pub(crate) fn last_zookeeper_release(repo: &str) -> Option<&'static str> {
    match image(repo)? {
        Image::CpKafka | Image::CpServer | Image::CpZookeeper => Some("7.9.0"),
        Image::ApacheKafka => Some("3.9.0"),
        _ => None,
    }
}

/// The releases of a Kafka image whose entrypoints differ in what they require of the
/// environment, newest first (RULES.md KAF011): an unknown tag is checked against each, a
/// missing one against the first. cp-kafka / cp-server 7.3 (ZooKeeper only), 7.4 (KRaft
/// branch), 8.0 (KRaft only); `cp-enterprise-kafka` ended at 7.3; apache/kafka 3.9 and 4.0;
/// Bitnami 3.9 and 4.1; wurstmeister's last, 2.8. None for images without such a table.
pub(crate) fn entrypoint_releases(repo: &str) -> Option<&'static [(u32, Option<u32>)]> {
    match image(repo)? {
        Image::CpEnterpriseKafka => Some(&[(7, Some(3))]),
        Image::CpKafka | Image::CpServer => Some(&[(8, Some(0)), (7, Some(3)), (7, Some(4))]),
        Image::ApacheKafka => Some(&[(4, Some(0)), (3, Some(9))]),
        Image::BitnamiKafka => Some(&[(4, Some(1)), (3, Some(9))]),
        Image::WurstmeisterKafka => Some(&[(2, Some(8))]),
        _ => None,
    }
}

/// Whether the image's entrypoint is Confluent's broker script that checks its variables
/// (`/etc/confluent/docker/configure`, §3.2); `confluent-local` ships a configuration of its
/// own.
pub(crate) fn checks_confluent_env(repo: &str) -> bool {
    matches!(
        image(repo),
        Some(Image::CpKafka | Image::CpServer | Image::CpEnterpriseKafka)
    )
}

/// How a broker image reads its advertised listeners (RULES.md §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ListenerDialect {
    /// Confluent's and Apache's images: `KAFKA_ADVERTISED_LISTENERS`.
    Official,
    /// Bitnami's: `KAFKA_CFG_ADVERTISED_LISTENERS` or its plain alias.
    Bitnami,
    /// wurstmeister's `start-kafka.sh`: `KAFKA_ADVERTISED_LISTENERS`, `HOSTNAME_COMMAND`.
    Wurstmeister,
    /// Any other image (often built on wurstmeister's or Bitnami's).
    Other,
}

/// The listener dialect of a broker repository: any `confluentinc/` image or `apache/kafka*`
/// is official.
pub(crate) fn listener_dialect(repo: &str) -> ListenerDialect {
    match image(repo) {
        Some(Image::BitnamiKafka) => ListenerDialect::Bitnami,
        _ if repo.starts_with("confluentinc/") || repo.starts_with("apache/kafka") => {
            ListenerDialect::Official
        }
        Some(Image::WurstmeisterKafka) => ListenerDialect::Wurstmeister,
        _ => ListenerDialect::Other,
    }
}

/// Reverse-proxy images (`*/name` for any namespace, a `*` suffix for any repository starting
/// so; an official image may be written `library/name`). A project that publishes one reaches
/// its other services through it.
const PROXIES: [&str; 18] = [
    "nginx",
    "*/nginx",
    "nginxinc/nginx-unprivileged",
    "*/nginx-proxy",
    "jc21/nginx-proxy-manager",
    "openresty/openresty",
    "traefik",
    "*/traefik",
    "caddy",
    "*/caddy",
    "lucaslorentz/caddy-docker-proxy",
    "haproxy",
    "*/haproxy",
    "envoyproxy/envoy*",
    "httpd",
    "varnish",
    "kong",
    "*/swag",
];

/// Images of servers that only serve: they connect to no other service except through
/// settings that client-side values show (a Kafka broker's ZooKeeper).
const DATASTORES: [&str; 30] = [
    "postgres",
    "*/postgres",
    "*/postgresql",
    "mysql",
    "*/mysql",
    "mariadb",
    "*/mariadb",
    "redis",
    "*/redis",
    "valkey/valkey",
    "mongo",
    "*/mongo",
    "*/mongodb",
    "memcached",
    "*/memcached",
    "rabbitmq",
    "*/rabbitmq",
    "elasticsearch",
    "*/elasticsearch",
    "opensearch",
    "*/opensearch",
    "cassandra",
    "*/cassandra",
    "zookeeper",
    "*/zookeeper",
    "*/cp-zookeeper",
    "nats",
    "redpandadata/redpanda",
    "vectorized/redpanda",
    "minio/minio",
];

/// Whether a repository is a reverse proxy's image.
pub(crate) fn is_proxy(repo: &str) -> bool {
    matches_any(&PROXIES, repo)
}

/// Whether a repository is a datastore's image (a database, cache, queue or broker).
pub(crate) fn is_datastore(repo: &str) -> bool {
    matches_any(&DATASTORES, repo)
}

/// Whether a repository matches one of `patterns` (exact, `*/name` for any namespace,
/// `prefix*`), `library/` stripped first.
fn matches_any(patterns: &[&str], repo: &str) -> bool {
    let repo = repo.strip_prefix("library/").unwrap_or(repo);
    patterns.iter().any(|p| {
        if let Some(prefix) = p.strip_suffix('*') {
            repo.starts_with(prefix)
        } else if let Some(name) = p.strip_prefix("*/") {
            repo.rsplit_once('/').is_some_and(|(_, n)| n == name)
        } else {
            repo == *p
        }
    })
}
