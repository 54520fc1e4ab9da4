//! Kafka, ZooKeeper and KRaft rules.

mod address;
pub(crate) mod advertised_address_unusable;
pub(crate) mod advertised_loopback_but_container_clients;
pub(crate) mod client_bootstrap_loopback;
pub(crate) mod client_uses_host_listener;
pub(crate) mod connect_rest_advertised_host_loopback;
pub(crate) mod controller_listener_misuse;
pub(crate) mod env_prefix_or_key_mistake;
pub(crate) mod host_listener_port_mapping_mismatch;
pub(crate) mod inter_broker_listener_not_advertised;
pub(crate) mod kraft_quorum_or_cluster_id_invalid;
pub(crate) mod legacy_or_removed_setting;
pub(crate) mod listener_bound_to_loopback;
pub(crate) mod listener_list;
pub(crate) mod listener_name_not_in_protocol_map;
pub(crate) mod listener_set_inconsistent;
pub(crate) mod published_listener_not_host_resolvable;
pub(crate) mod remedy;
pub(crate) mod replication_factor_exceeds_brokers;
pub(crate) mod required_image_variables_missing;
pub(crate) mod zookeeper_connect_loopback;
