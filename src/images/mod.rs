//! The one catalog of what composefix knows about container images: the reference parser,
//! the images it recognises and their families, their default ports, the environment they
//! read and what their entrypoints run, each with its source. Works on strings (repository,
//! tag, key names), not on the compose model, so that it sits below the facts.

pub(crate) mod advertising;
pub(crate) mod entrypoint;
pub(crate) mod env;
pub(crate) mod family;
pub(crate) mod official;
pub(crate) mod ports;
pub(crate) mod reference;
pub(crate) mod zookeeper;

pub(crate) use family::{
    FIRST_CONFLUENT_KRAFT_TAG, Family, Image, ListenerDialect, checks_confluent_env,
    entrypoint_releases, image, is_broker_image, is_confluent_connect, is_confluent_demo_connect,
    is_datastore, is_kraft_only, is_proxy, is_zookeeper, last_zookeeper_release, listener_dialect,
    may_name_broker,
};
pub(crate) use reference::{Reference, TagVersion, repository};
