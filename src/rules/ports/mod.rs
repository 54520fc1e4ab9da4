//! Port publishing rules.

pub mod host_port_conflict;
