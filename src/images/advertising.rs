//! Servers that hand their clients an address of their own (a replica-set host list, a cluster
//! redirect, a broker URL, a discovery seed): which images run them, and what their entrypoints
//! do by default (RULES.md ADV001–ADV004).
//!
//! Sources, verified in the scripts:
//! - Bitnami MongoDB (bitnami/containers `bitnami/mongodb/8.0/debian-12/rootfs/opt/bitnami/scripts/mongodb-env.sh`):
//!   `MONGODB_REPLICA_SET_NAME` defaults to `replicaset`; `libmongodb.sh` `get_mongo_hostname`
//!   advertises the machine IP when `MONGODB_ADVERTISE_IP` is yes, else
//!   `MONGODB_ADVERTISED_HOSTNAME`, else the container's host name.
//! - Bitnami Redis Cluster (`bitnami/redis-cluster/7.4/debian-12/rootfs/opt/bitnami/scripts/redis-cluster-env.sh`,
//!   `librediscluster.sh` `redis_cluster_override_conf`): `REDIS_CLUSTER_DYNAMIC_IPS` defaults
//!   to `yes`, and then `cluster-announce-ip` is the container's own IP whatever
//!   `REDIS_CLUSTER_ANNOUNCE_IP` says; `REDIS_CLUSTER_ANNOUNCE_HOSTNAME` sets
//!   `cluster-announce-hostname`; `REDIS_PORT_NUMBER` defaults to 6379.
//! - Bitnami's yes test (`libvalidations.sh` `is_boolean_yes`): `1`, `yes` or `true`, any case.
//! - Grokzen/docker-redis-cluster `docker-entrypoint.sh`: with the command `redis-cluster`
//!   (the image's default) it runs `MASTERS` × (`SLAVES_PER_MASTER` + 1) nodes from
//!   `INITIAL_PORT` (defaults 3, 1, 7000) and builds the cluster on `IP` (the command's second
//!   word, else the variable, else `hostname -I`: the container's IP).

/// A server image whose clients receive an address from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Advertiser {
    /// The official `mongo` image (`mongod`, a replica set with `--replSet`).
    Mongo,
    /// `bitnami/mongodb`: replica sets from `MONGODB_REPLICA_SET_*`.
    BitnamiMongo,
    /// The official `redis` image and Valkey's: `redis-server` flags.
    Redis,
    /// `bitnami/redis`: `redis-server` flags after its run script.
    BitnamiRedis,
    /// `bitnami/redis-cluster`: one cluster node per container, set up by its scripts.
    BitnamiRedisCluster,
    /// `grokzen/redis-cluster`: a whole cluster in one container.
    GrokzenRedisCluster,
    /// `apachepulsar/pulsar*`.
    Pulsar,
    /// Elasticsearch's images (Docker Hub's `elasticsearch`, `docker.elastic.co`'s, the OSS one).
    Elasticsearch,
    /// `opensearchproject/opensearch`.
    OpenSearch,
}

/// The repositories of each [`Advertiser`] (registry and tag stripped; an official image may be
/// written `library/name`; `bitnamilegacy/` holds Bitnami's frozen copies).
const REPOSITORIES: [(&str, Advertiser); 15] = [
    ("mongo", Advertiser::Mongo),
    ("bitnami/mongodb", Advertiser::BitnamiMongo),
    ("bitnamilegacy/mongodb", Advertiser::BitnamiMongo),
    ("redis", Advertiser::Redis),
    ("valkey/valkey", Advertiser::Redis),
    ("bitnami/redis", Advertiser::BitnamiRedis),
    ("bitnamilegacy/redis", Advertiser::BitnamiRedis),
    ("bitnami/redis-cluster", Advertiser::BitnamiRedisCluster),
    (
        "bitnamilegacy/redis-cluster",
        Advertiser::BitnamiRedisCluster,
    ),
    ("grokzen/redis-cluster", Advertiser::GrokzenRedisCluster),
    ("elasticsearch", Advertiser::Elasticsearch),
    ("elasticsearch/elasticsearch", Advertiser::Elasticsearch),
    ("elasticsearch/elasticsearch-oss", Advertiser::Elasticsearch),
    ("opensearchproject/opensearch", Advertiser::OpenSearch),
    // Pulsar's images share a prefix (`pulsar`, `pulsar-all`, `pulsar-standalone`).
    ("apachepulsar/pulsar*", Advertiser::Pulsar),
];

/// The advertising server a repository runs, if composefix knows it.
pub(crate) fn advertiser(repo: &str) -> Option<Advertiser> {
    let repo = repo.strip_prefix("library/").unwrap_or(repo);
    REPOSITORIES
        .iter()
        .find(|(pattern, _)| match pattern.strip_suffix('*') {
            Some(prefix) => repo.starts_with(prefix),
            None => repo == *pattern,
        })
        .map(|(_, a)| *a)
}

/// Bitnami MongoDB's replica-set name when `MONGODB_REPLICA_SET_NAME` is unset.
pub(crate) const BITNAMI_MONGO_DEFAULT_SET: &str = "replicaset";

/// The `MONGODB_REPLICA_SET_MODE` values that make a Bitnami MongoDB container a member.
pub(crate) const BITNAMI_MONGO_MEMBER_MODES: [&str; 3] = ["primary", "secondary", "arbiter"];

/// Whether a Bitnami script reads `value` as yes (`is_boolean_yes`: `1`, `yes`, `true`, any
/// case).
pub(crate) fn bitnami_yes(value: &str) -> bool {
    let v = value.trim();
    v == "1" || v.eq_ignore_ascii_case("yes") || v.eq_ignore_ascii_case("true")
}

/// Bitnami Redis Cluster's `REDIS_CLUSTER_DYNAMIC_IPS` when unset: yes, the container's IP is
/// announced.
pub(crate) const BITNAMI_REDIS_CLUSTER_DYNAMIC_IPS_DEFAULT: &str = "yes";

/// Grokzen's defaults: first client port, masters, replicas per master.
pub(crate) const GROKZEN_DEFAULTS: (u16, u16, u16) = (7000, 3, 1);

/// The command word with which Grokzen's entrypoint builds the cluster (anything else is run
/// as it is).
pub(crate) const GROKZEN_COMMAND: &str = "redis-cluster";

/// Settings of Elasticsearch and OpenSearch that configure discovery: any one of them passes
/// the discovery bootstrap check (Elasticsearch's "the default discovery settings are
/// unsuitable for production use; at least one of [discovery.seed_hosts,
/// discovery.seed_providers, cluster.initial_master_nodes] must be configured"; 6.x's zen
/// names; OpenSearch 2's cluster-manager name).
pub(crate) const DISCOVERY_SETTINGS: [&str; 7] = [
    "discovery.type",
    "discovery.seed_hosts",
    "discovery.seed_providers",
    "cluster.initial_master_nodes",
    "cluster.initial_cluster_manager_nodes",
    "discovery.zen.ping.unicast.hosts",
    "discovery.zen.minimum_master_nodes",
];

/// Settings that bind a node's transport: on loopback the node runs in development mode, where
/// the bootstrap checks only warn.
pub(crate) const BIND_SETTINGS: [&str; 3] =
    ["network.host", "transport.host", "transport.bind_host"];

/// The value that makes a node a cluster of its own.
pub(crate) const SINGLE_NODE: (&str, &str) = ("discovery.type", "single-node");

/// The configuration directories of Elasticsearch and OpenSearch images: a file mounted there
/// may configure discovery.
pub(crate) const SEARCH_CONFIG_DIRS: [&str; 2] = [
    "/usr/share/elasticsearch/config",
    "/usr/share/opensearch/config",
];

/// The setting an Elasticsearch or OpenSearch environment key sets: the key itself when it
/// has a dot (`discovery.type`), else the upper-case form with `_` for `.` and `__` for `_`
/// (`DISCOVERY_TYPE`, and Elasticsearch 8's `ES_SETTING_DISCOVERY_SEED__HOSTS`), lower-cased.
pub(crate) fn search_setting(key: &str) -> String {
    if key.contains('.') {
        return key.to_string();
    }
    let key = key.strip_prefix("ES_SETTING_").unwrap_or(key);
    key.to_ascii_lowercase()
        .replace("__", "\u{0}")
        .replace('_', ".")
        .replace('\u{0}', "_")
}

/// The first Elasticsearch major whose image fails its bootstrap checks without discovery
/// settings (RULES.md ADV004).
pub(crate) const FIRST_CHECKED_ELASTICSEARCH: u32 = 6;

/// The setting that names a node; unset, the node's name is its host name, which in a
/// container is the `hostname:` of its service or else the container ID.
pub(crate) const NODE_NAME: &str = "node.name";

/// Settings that list the master-eligible nodes which bootstrap a new cluster
/// (OpenSearch 2 also accepts its cluster-manager name).
pub(crate) const INITIAL_MASTERS: [&str; 2] = [
    "cluster.initial_master_nodes",
    "cluster.initial_cluster_manager_nodes",
];

/// Settings that list the `host[:port]` addresses a node probes to find the others (6.x's zen
/// name too).
pub(crate) const SEED_HOSTS: [&str; 2] =
    ["discovery.seed_hosts", "discovery.zen.ping.unicast.hosts"];

/// Settings that decide whether a node is master-eligible: `node.roles` (a list, eligible when
/// it names one of [`MASTER_ROLES`]) and the older boolean `node.master`.
pub(crate) const ROLE_SETTINGS: [&str; 2] = ["node.roles", "node.master"];

/// The roles that make a node master-eligible (OpenSearch's new name too).
pub(crate) const MASTER_ROLES: [&str; 2] = ["master", "cluster_manager"];

/// The first Elasticsearch major that bootstraps a cluster from
/// `cluster.initial_master_nodes` (6.x elects masters by `discovery.zen.minimum_master_nodes`).
pub(crate) const FIRST_BOOTSTRAPPED_ELASTICSEARCH: u32 = 7;

/// Pulsar's standalone command, and its flags and settings for the advertised address
/// (`PulsarStandaloneStarter`: `-a`/`--advertised-address`; `standalone.conf`'s
/// `advertisedAddress` and `advertisedListeners`, which `apply-config-from-env.py` takes from
/// the environment, with or without `PULSAR_PREFIX_`).
pub(crate) const PULSAR_STANDALONE: [&str; 2] = ["pulsar", "standalone"];

/// Pulsar standalone's flags that set the advertised address.
pub(crate) const PULSAR_ADVERTISED_FLAGS: [&str; 2] = ["--advertised-address", "-a"];

/// Pulsar settings that decide what the broker advertises.
pub(crate) const PULSAR_ADVERTISED_SETTINGS: [&str; 2] =
    ["advertisedAddress", "advertisedListeners"];

/// The prefix with which Pulsar's `apply-config-from-env.py` accepts any setting.
pub(crate) const PULSAR_ENV_PREFIX: &str = "PULSAR_PREFIX_";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repositories() {
        let cases = [
            ("mongo", Some(Advertiser::Mongo)),
            ("library/mongo", Some(Advertiser::Mongo)),
            ("bitnami/mongodb", Some(Advertiser::BitnamiMongo)),
            ("bitnami/mongodb-sharded", None),
            ("redis", Some(Advertiser::Redis)),
            (
                "bitnami/redis-cluster",
                Some(Advertiser::BitnamiRedisCluster),
            ),
            (
                "grokzen/redis-cluster",
                Some(Advertiser::GrokzenRedisCluster),
            ),
            ("apachepulsar/pulsar", Some(Advertiser::Pulsar)),
            ("apachepulsar/pulsar-all", Some(Advertiser::Pulsar)),
            (
                "elasticsearch/elasticsearch",
                Some(Advertiser::Elasticsearch),
            ),
            ("elasticsearch", Some(Advertiser::Elasticsearch)),
            ("bitnami/elasticsearch", None),
            ("opensearchproject/opensearch", Some(Advertiser::OpenSearch)),
            ("opensearchproject/opensearch-dashboards", None),
        ];
        for (repo, expected) in cases {
            assert_eq!(advertiser(repo), expected, "{repo}");
        }
        // Through the one reference parser, with registries and tags.
        let repo =
            crate::images::repository("docker.elastic.co/elasticsearch/elasticsearch:8.13.0");
        assert_eq!(advertiser(repo), Some(Advertiser::Elasticsearch));
        let repo = crate::images::repository("docker.io/bitnami/redis-cluster:7.2");
        assert_eq!(advertiser(repo), Some(Advertiser::BitnamiRedisCluster));
    }

    #[test]
    fn bitnami_booleans() {
        for yes in ["yes", "YES", "true", "1", " True "] {
            assert!(bitnami_yes(yes), "{yes}");
        }
        assert!(bitnami_yes(BITNAMI_REDIS_CLUSTER_DYNAMIC_IPS_DEFAULT));
        for no in ["no", "false", "0", "", "y"] {
            assert!(!bitnami_yes(no), "{no}");
        }
    }

    #[test]
    fn search_settings_from_keys() {
        assert_eq!(search_setting("discovery.type"), "discovery.type");
        assert_eq!(search_setting("DISCOVERY_TYPE"), "discovery.type");
        assert_eq!(
            search_setting("ES_SETTING_DISCOVERY_SEED__HOSTS"),
            "discovery.seed_hosts"
        );
        assert_eq!(
            search_setting("cluster.initial_master_nodes"),
            "cluster.initial_master_nodes"
        );
    }
}
