//! Rules about what differs on Docker Desktop for Mac and Windows.

pub mod desktop_legacy_dns_name;
