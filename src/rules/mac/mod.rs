//! Rules about what differs on Docker Desktop for Mac and Windows.

pub mod container_ip_advertised_to_host;
pub mod desktop_legacy_dns_name;
pub mod unpublished_port_unreachable_from_host;
