//! Host/container networking rules.

pub mod host_docker_internal_without_host_gateway;
