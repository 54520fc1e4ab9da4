//! Servers that hand their clients an address of their own: MongoDB replica sets, Redis
//! Cluster nodes, Pulsar
//! standalone brokers, Elasticsearch/OpenSearch discovery (RULES.md ADV001–ADV004).

pub(crate) mod elasticsearch_discovery_unset;
pub(crate) mod mongo_replset_advertised_loopback;
pub(crate) mod pulsar_standalone_advertised_address;
pub(crate) mod redis_cluster_unannounced;
