//! Host/container networking rules.

pub mod host_docker_internal_without_host_gateway;
pub mod host_network_mode;
mod loopback;
pub mod loopback_target_is_sibling_service;
pub mod loopback_target_without_sibling;
pub mod ports_on_shared_network_namespace;
pub mod unknown_single_label_host;
