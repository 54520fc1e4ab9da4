//! Rules about what differs on Docker Desktop for Mac and Windows.

pub(crate) mod container_ip_advertised_to_host;
pub(crate) mod desktop_legacy_dns_name;
pub(crate) mod unpublished_port_unreachable_from_host;
