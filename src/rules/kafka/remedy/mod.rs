//! Kafka-specific rewrites that several Kafka rules' fixes share: a second listener for the
//! host (dual listener) and the move from ZooKeeper to KRaft.

pub mod dual_listener;
pub mod kraft;
