//! Which setting gives each ZooKeeper image its client port.
//!
//! Sources: the official image (31z4/zookeeper-docker `docker-entrypoint.sh`) writes
//! `clientPort=$ZOO_PORT` up to 3.4; 3.5.0–3.5.5 put `$ZOO_PORT` in the default `ZOO_SERVERS`
//! entry (`server.1=localhost:2888:3888;$ZOO_PORT`) only when `ZOO_SERVERS` is unset; from
//! 3.5.6 the default entry names 2181 and only `ZOO_SERVERS`' `;port` moves it.
//! Confluent's cp-zookeeper `configure` requires and reads `ZOOKEEPER_CLIENT_PORT`
//! (`dub ensure ZOOKEEPER_CLIENT_PORT`). Bitnami's `zookeeper-env.sh` reads `ZOO_PORT_NUMBER`
//! (default 2181). No image reads `ZOO_CLIENT_PORT`.

use super::family::{Image, image};
use super::reference::Reference;

/// The client port every ZooKeeper image uses unless told otherwise.
pub(crate) const DEFAULT_CLIENT_PORT: u16 = super::ports::ZOOKEEPER;

/// The environment keys authors use to set a ZooKeeper's client port, whichever image reads
/// them.
pub(crate) const CLIENT_PORT_KEYS: [&str; 4] = [
    "ZOOKEEPER_CLIENT_PORT",
    "ZOO_PORT",
    "ZOO_CLIENT_PORT",
    "ZOO_PORT_NUMBER",
];

/// Which setting gives a ZooKeeper image its client port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ClientPortSetting {
    /// This environment key.
    Key(&'static str),
    /// The `;port` of `ZOO_SERVERS` entries (the official image from 3.5), 2181 without it.
    Servers,
    /// Nothing: the image listens on 2181.
    Fixed,
    /// The tag does not tell.
    Unknown,
}

/// The setting an image reads its client port from; None when the image is not ZooKeeper.
/// `zoo_servers_set` tells whether the service sets `ZOO_SERVERS` (3.5.0–3.5.5 read
/// `ZOO_PORT` only without it).
pub(crate) fn client_port_setting(
    image_ref: &Reference,
    zoo_servers_set: bool,
) -> Option<ClientPortSetting> {
    let repo = image_ref.repository;
    if !super::is_zookeeper(repo) {
        return None;
    }
    Some(match image(repo) {
        Some(Image::CpZookeeper) => ClientPortSetting::Key("ZOOKEEPER_CLIENT_PORT"),
        Some(Image::BitnamiZookeeper) => ClientPortSetting::Key("ZOO_PORT_NUMBER"),
        Some(Image::OfficialZookeeper) => match image_ref.tag.filter(|t| *t != "latest") {
            None => ClientPortSetting::Servers,
            Some(_) => match image_ref.release() {
                None => ClientPortSetting::Unknown,
                Some(v) if v < (3, 5, 0) => ClientPortSetting::Key("ZOO_PORT"),
                Some(v) if v <= (3, 5, 5) && !zoo_servers_set => ClientPortSetting::Key("ZOO_PORT"),
                Some(_) => ClientPortSetting::Servers,
            },
        },
        _ => ClientPortSetting::Fixed,
    })
}
