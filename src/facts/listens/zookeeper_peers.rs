//! A ZooKeeper's peer ports (quorum and election), read from its server list and extra
//! configuration.

use super::{Evidence, Listens, Source};
use crate::images as catalog;
use crate::project::value::Map;

/// Adds a ZooKeeper's peer ports from `ZOO_SERVERS` / `ZOOKEEPER_SERVERS` (`zoo1:2888:3888`)
/// and the `*Port` settings of `ZOO_CFG_EXTRA`; false when those cannot be read or
/// `ZOO_CFG_EXTRA` sets the client port.
pub(super) fn zookeeper_peer_ports(repo: &str, env: Option<&Map>, out: &mut Listens) -> bool {
    let Some(env) = env.filter(|_| catalog::is_zookeeper(repo)) else {
        return true;
    };
    let mut understood = true;
    for key in ["ZOO_SERVERS", "ZOOKEEPER_SERVERS", "ZOO_CFG_EXTRA"] {
        let Some(v) = env.get(key) else { continue };
        let Some(text) = v.as_str().filter(|s| s.is_known()).map(|s| s.text.as_str()) else {
            understood = false;
            continue;
        };
        for entry in text.split([' ', '\t', '\n', ';']) {
            if key == "ZOO_CFG_EXTRA" {
                let Some((k, v)) = entry.split_once('=') else {
                    continue;
                };
                if k == "clientPort" {
                    understood = false;
                } else if k.to_ascii_lowercase().ends_with("port") {
                    match v.trim().parse() {
                        Ok(p) => out.add_from(p, Evidence::Configured, Source::Secondary),
                        Err(_) => understood = false,
                    }
                }
                continue;
            }
            let address = entry.split_once('=').map_or(entry, |(_, a)| a);
            for part in address.split(':').skip(1) {
                if let Ok(p) = part.parse() {
                    out.add_from(p, Evidence::Configured, Source::Secondary);
                }
            }
        }
    }
    understood
}
