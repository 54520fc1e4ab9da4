//! Host/container networking rules.

pub(crate) mod host_docker_internal_without_host_gateway;
pub(crate) mod host_network_mode;
mod loopback;
pub(crate) mod loopback_target_is_sibling_service;
pub(crate) mod loopback_target_without_sibling;
pub(crate) mod ports_on_shared_network_namespace;
pub(crate) mod sibling_port_not_listening;
pub(crate) mod unknown_single_label_host;
