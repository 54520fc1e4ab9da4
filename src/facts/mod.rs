//! Facts about services that rules share: what an image is, what a connection string names.

pub mod connection;
pub mod hostlist;
pub mod images;
pub mod ports;
pub mod values;
