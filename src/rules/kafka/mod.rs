//! Kafka, ZooKeeper and KRaft rules.

pub mod zookeeper_connect_loopback;
