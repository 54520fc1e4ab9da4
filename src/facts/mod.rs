//! Facts about services that rules share: what an image is, what a connection string names.

pub(crate) mod address_book;
pub(crate) mod advertising;
pub(crate) mod bootstrap;
pub(crate) mod clients;
pub(crate) mod completeness;
pub(crate) mod connection;
pub(crate) mod hostlist;
pub(crate) mod images;
pub(crate) mod kafka;
pub(crate) mod listens;
pub(crate) mod mounts;
pub(crate) mod network_mode;
pub(crate) mod ports;
pub(crate) mod privileges;
pub(crate) mod resources;
pub(crate) mod service;
pub(crate) mod swarm;
pub(crate) mod topology;
pub(crate) mod values;
