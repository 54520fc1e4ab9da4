//! Kafka brokers as their images see them (RULES.md §3): the image family and version, the
//! broker properties the environment sets, and the listener model those properties give.
//!
//! One job a sub-module: `broker` finds the brokers and their settings, `listeners` is the
//! listener model, `cluster` groups brokers into clusters, `kraft` reads voters and cluster
//! ids, `dialers` who dials an advertised address, `start_script` says what the image's start script reads, `requirements` what it
//! requires, and `zookeeper` where brokers and companions connect to ZooKeeper.

mod broker;
mod cluster;
mod dialers;
mod kraft;
mod listeners;
mod requirements;
mod start_script;
mod zookeeper;

pub(crate) use crate::images::env::property_of;
pub(crate) use crate::images::{Family, TagVersion};
pub(crate) use broker::{Broker, Setting, broker, brokers, image_version};
pub(crate) use cluster::{cluster_broker_count, cluster_members};
pub(crate) use dialers::advertised_dialers;
pub(crate) use kraft::{
    ClusterIdError, Voter, decode_cluster_id, derived_cluster_id, parse_voters,
};
pub(crate) use listeners::{BUILT_IN_PROTOCOLS, Endpoint, EndpointSource, Origin};
pub(crate) use requirements::{
    Requirement, exits_at_startup, required_missing, wurstmeister_listeners_missing,
};
pub(crate) use start_script::{runs_start_script, unset_means_default};
pub(crate) use zookeeper::{ZookeeperConnect, zookeeper_connects};
