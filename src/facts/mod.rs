//! Facts about services that rules share: what an image is, what a connection string names.

pub mod address_book;
pub mod bootstrap;
pub mod clients;
pub mod completeness;
pub mod connection;
pub mod hostlist;
pub mod images;
pub mod kafka;
pub mod listens;
pub mod network_mode;
pub mod ports;
pub mod service;
pub mod topology;
pub mod values;
