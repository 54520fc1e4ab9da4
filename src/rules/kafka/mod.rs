//! Kafka, ZooKeeper and KRaft rules.

mod address;
pub mod advertised_address_unusable;
pub mod advertised_loopback_but_container_clients;
pub mod client_bootstrap_loopback;
pub mod client_uses_host_listener;
pub mod connect_rest_advertised_host_loopback;
pub mod controller_listener_misuse;
pub mod env_prefix_or_key_mistake;
pub mod host_listener_port_mapping_mismatch;
pub mod inter_broker_listener_not_advertised;
pub mod kraft_quorum_or_cluster_id_invalid;
pub mod legacy_or_removed_setting;
pub mod listener_bound_to_loopback;
pub mod listener_list;
pub mod listener_name_not_in_protocol_map;
pub mod listener_set_inconsistent;
pub mod published_listener_not_host_resolvable;
pub mod remedy;
pub mod replication_factor_exceeds_brokers;
pub mod required_image_variables_missing;
pub mod zookeeper_connect_loopback;
