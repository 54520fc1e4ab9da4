//! Kafka-specific rewrites that several Kafka rules' fixes share: a second listener for the
//! host (dual listener) and the move from ZooKeeper to KRaft.

pub(crate) mod dual_listener;
pub(crate) mod kraft;
