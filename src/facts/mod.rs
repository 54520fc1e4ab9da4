//! Facts about services that rules share: what an image is, what a connection string names.

pub mod address_book;
pub mod clients;
pub mod connection;
pub mod hostlist;
pub mod images;
pub mod listens;
pub mod ports;
pub mod values;
