//! Where a Kafka broker or a Confluent companion connects to ZooKeeper: the
//! `KAFKA_ZOOKEEPER_CONNECT` family of keys, parsed as `host:port` lists.

use crate::facts::hostlist::{self, HostPort};
use crate::facts::images;
use crate::facts::service::Service;
use crate::images::env::companion_zookeeper_key;
use crate::images::repository;
use crate::project::value::Value;

/// The keys a broker reads its ZooKeeper connection from (Confluent and Apache spelling,
/// Bitnami's `KAFKA_CFG_` one).
const BROKER_KEYS: [&str; 2] = ["KAFKA_ZOOKEEPER_CONNECT", "KAFKA_CFG_ZOOKEEPER_CONNECT"];

/// One ZooKeeper connection setting: KAF001 flags its loopback entries, the graph draws them.
#[derive(Debug, Clone)]
pub(crate) struct ZookeeperConnect<'p> {
    /// The environment key.
    pub key: &'static str,
    /// Its value, a known string.
    pub value: &'p Value,
    /// The `host[:port]` entries, ranges into the value's text.
    pub entries: Vec<HostPort>,
}

/// The ZooKeeper connection settings of a service, in key order: a broker's
/// `KAFKA_ZOOKEEPER_CONNECT` keys, or the one key of a Confluent companion that reads
/// ZooKeeper (`SCHEMA_REGISTRY_KAFKASTORE_CONNECTION_URL`, ...). Values not known yield none.
pub(crate) fn zookeeper_connects<'p>(service: &Service<'p>) -> Vec<ZookeeperConnect<'p>> {
    let Some(env) = service.env() else {
        return Vec::new();
    };
    let keys: Vec<&'static str> = if images::is_kafka_broker(service.spec) {
        BROKER_KEYS.to_vec()
    } else {
        let repo = service.image.map(repository).unwrap_or_default();
        companion_zookeeper_key(repo).into_iter().collect()
    };
    keys.into_iter()
        .filter_map(|key| {
            let value = env.get(key)?;
            let text = value.as_str().filter(|s| s.is_known())?;
            Some(ZookeeperConnect {
                key,
                value,
                entries: hostlist::parse(&text.text),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broker_and_companion_keys() {
        let yaml = "services:\n  kafka:\n    image: confluentinc/cp-kafka:7.6.0\n    \
                    environment:\n      KAFKA_ZOOKEEPER_CONNECT: zk:2181,localhost:2182/kafka\n  \
                    sr:\n    image: confluentinc/cp-schema-registry:7.6.0\n    environment:\n      \
                    SCHEMA_REGISTRY_KAFKASTORE_CONNECTION_URL: zk:2181\n  \
                    other:\n    image: redis\n    environment:\n      \
                    SCHEMA_REGISTRY_KAFKASTORE_CONNECTION_URL: zk:2181\n";
        let project = crate::project::from_yaml(yaml);
        let services = crate::facts::service::services(&project);
        let shown = |s: &Service| -> Vec<String> {
            zookeeper_connects(s)
                .iter()
                .flat_map(|c| {
                    c.entries
                        .iter()
                        .map(move |e| format!("{} {}", c.key, e.host))
                })
                .collect()
        };
        assert_eq!(
            shown(&services[0]),
            [
                "KAFKA_ZOOKEEPER_CONNECT zk",
                "KAFKA_ZOOKEEPER_CONNECT localhost"
            ]
        );
        assert_eq!(
            shown(&services[1]),
            ["SCHEMA_REGISTRY_KAFKASTORE_CONNECTION_URL zk"]
        );
        assert!(shown(&services[2]).is_empty());
    }
}
