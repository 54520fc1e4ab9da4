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
            for part in server_address(entry).split(':').skip(1) {
                if let Ok(p) = part.parse() {
                    out.add_from(p, Evidence::Configured, Source::Secondary);
                }
            }
        }
    }
    understood
}

/// The address of one server-list entry: `server.1=zoo1:2888:3888` → `zoo1:2888:3888`.
fn server_address(entry: &str) -> &str {
    entry.split_once('=').map_or(entry, |(_, a)| a)
}

/// The hosts a ZooKeeper names as its ensemble's servers (`ZOO_SERVERS`, `ZOOKEEPER_SERVERS`),
/// itself included; values with an unset variable are not read.
pub(crate) fn zookeeper_peer_hosts<'a>(repo: &str, env: Option<&'a Map>) -> Vec<&'a str> {
    let Some(env) = env.filter(|_| catalog::is_zookeeper(repo)) else {
        return Vec::new();
    };
    ["ZOO_SERVERS", "ZOOKEEPER_SERVERS"]
        .iter()
        .filter_map(|key| env.get(key)?.as_str().filter(|s| s.is_known()))
        .flat_map(|s| s.text.split([' ', '\t', '\n', ';']))
        .filter_map(|entry| {
            let (host, _) = server_address(entry).split_once(':')?;
            (!host.is_empty()).then_some(host)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn peer_hosts_of_both_server_list_styles() {
        let p = crate::project::from_yaml(
            "services:\n  a:\n    image: zookeeper:3.9\n    environment:\n      \
             ZOO_SERVERS: server.1=zoo1:2888:3888;2181 server.2=localhost:2888:3888;2181\n  \
             b:\n    image: confluentinc/cp-zookeeper:7.6.1\n    environment:\n      \
             ZOOKEEPER_SERVERS: localhost:22888:23888;zk2:32888:33888\n",
        );
        let hosts: Vec<Vec<&str>> = p
            .services()
            .map(|(_, s)| {
                let repo = crate::facts::images::repository(
                    s.get("image")
                        .and_then(|i| i.as_str())
                        .map_or("", |i| &i.text),
                );
                super::zookeeper_peer_hosts(repo, s.get("environment").and_then(|e| e.as_map()))
            })
            .collect();
        assert_eq!(hosts, [vec!["zoo1", "localhost"], vec!["localhost", "zk2"]]);
    }
}
