//! Port publishing rules.

pub(crate) mod host_port_conflict;
pub(crate) mod published_target_not_listening;
