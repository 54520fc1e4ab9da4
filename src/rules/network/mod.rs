//! Host/container networking rules.

pub mod host_docker_internal_without_host_gateway;
pub mod ports_on_shared_network_namespace;
