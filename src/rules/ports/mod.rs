//! Port publishing rules.

pub mod host_port_conflict;
pub mod published_target_not_listening;
