//! Cluster membership (RULES.md §3.6): which brokers of a project form one cluster (same
//! ZooKeeper ensemble and chroot, same KRaft voters or cluster id), and how many brokers it has.

use super::broker::Broker;
use crate::facts::address_book::{AddressBook, Addressee};
use crate::facts::connection::parse_value;
use crate::facts::hostlist;
use crate::facts::network_mode::NetworkMode;
use crate::images::Family;
use crate::project::value::Value;

/// How many brokers `broker`'s cluster has (RULES.md §3.6): nodes among `brokers` with the
/// same normalised `zookeeper.connect`, the same KRaft voters (else the same cluster id) whose
/// roles include `broker`, each counted `deploy.replicas`/`scale` times. A node whose cluster
/// cannot be told (no ZooKeeper, voters or id; Redpanda) is alone. None when a value involved
/// is unknown.
pub(crate) fn cluster_broker_count(
    book: &AddressBook,
    brokers: &[Broker],
    broker: &Broker,
) -> Option<usize> {
    let key = cluster_key(book, broker)?;
    let mut count = 0;
    for other in brokers {
        if other.is_broker() && cluster_key(book, other).as_ref() == Some(&key) {
            count += replicas(other.spec)?;
        }
    }
    Some(count)
}

/// What identifies a broker's cluster, as text; None when a value involved is unknown.
fn cluster_key(book: &AddressBook, broker: &Broker) -> Option<String> {
    let alone = Some(format!("alone {}", broker.service));
    if broker.family == Family::Redpanda {
        return alone;
    }
    // A loopback host is the node itself: two nodes that both say `localhost` are two clusters.
    // With host networking, loopback is the host, which such nodes share.
    let host_network = NetworkMode::of(broker.spec) == NetworkMode::Host;
    let host = |h: &str| match book.resolve(broker.service, h) {
        Addressee::Service(s) => s.to_string(),
        Addressee::Loopback | Addressee::AnyAddress if host_network => "the host".to_string(),
        Addressee::Loopback | Addressee::AnyAddress => broker.service.to_string(),
        _ => h.to_ascii_lowercase(),
    };
    if broker.property("process.roles").is_some() {
        if let Some(voters) = broker.property("controller.quorum.voters") {
            let mut ids: Vec<String> = parse_value(voters.text()?)
                .iter()
                .map(|t| {
                    let id = t.listener.as_deref().unwrap_or_default();
                    format!("{id}@{}:{:?}", host(&t.host), t.port)
                })
                .collect();
            ids.sort();
            return Some(format!("voters {}", ids.join(",")));
        }
        return match cluster_id(broker.spec) {
            Some(Some(id)) => Some(format!("id {id}")),
            Some(None) => None,
            None => alone,
        };
    }
    let Some(zk) = broker.property("zookeeper.connect") else {
        return alone;
    };
    let text = zk.text()?;
    let chroot = text.rsplit_once('/').map(|(_, c)| c).unwrap_or_default();
    // The ensemble's members, not their ports: brokers listing the same ZooKeeper services
    // join one cluster even when one of them has a port wrong for one member.
    let mut hosts: Vec<String> = hostlist::parse(text)
        .iter()
        .map(|e| host(&e.host))
        .collect();
    hosts.sort();
    hosts.dedup();
    Some(format!("zk {}/{chroot}", hosts.join(",")))
}

/// The KRaft cluster id (`CLUSTER_ID`, `KAFKA_CLUSTER_ID`, `KAFKA_KRAFT_CLUSTER_ID`): None when
/// unset, `Some(None)` when unknown.
fn cluster_id(spec: &Value) -> Option<Option<String>> {
    let env = spec.get("environment")?.as_map()?;
    let value = ["CLUSTER_ID", "KAFKA_CLUSTER_ID", "KAFKA_KRAFT_CLUSTER_ID"]
        .iter()
        .find_map(|k| env.get(k))?;
    let known = value.as_str().is_none_or(|s| s.is_known());
    Some(
        known
            .then(|| value.scalar_text())
            .flatten()
            .map(|t| t.trim().to_string()),
    )
}

/// How many containers a service runs: `deploy.replicas`, else `scale`, else 1; None when
/// unknown.
fn replicas(spec: &Value) -> Option<usize> {
    let value = spec
        .get("deploy")
        .and_then(|d| d.get("replicas"))
        .or_else(|| spec.get("scale"));
    let Some(value) = value else {
        return Some(1);
    };
    if value.as_str().is_some_and(|s| !s.is_known()) {
        return None;
    }
    value.scalar_text()?.trim().parse().ok()
}

/// Every node of `broker`'s cluster among `brokers` (RULES.md §3.6), `broker` included: same
/// normalised `zookeeper.connect`, or same KRaft voters (else the same cluster id). A node whose
/// cluster cannot be told (a value involved is unknown, or nothing names a cluster) is alone.
pub(crate) fn cluster_members<'a, 'p>(
    book: &AddressBook,
    brokers: &'a [Broker<'p>],
    broker: &Broker,
) -> Vec<&'a Broker<'p>> {
    let key = cluster_key(book, broker);
    brokers
        .iter()
        .filter(|b| {
            b.service == broker.service
                || key.is_some() && cluster_key(book, b).as_ref() == key.as_ref()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::kafka::brokers;
    use crate::project::from_yaml as load;

    #[test]
    fn clusters() {
        let project = load(
            r#"
services:
  zk:
    image: confluentinc/cp-zookeeper:7.6.0
  a:
    image: confluentinc/cp-kafka:7.6.0
    environment:
      KAFKA_ZOOKEEPER_CONNECT: zk:2181
  b:
    image: confluentinc/cp-kafka:7.6.0
    environment:
      KAFKA_ZOOKEEPER_CONNECT: zk
    deploy:
      replicas: 2
  other-root:
    image: confluentinc/cp-kafka:7.6.0
    environment:
      KAFKA_ZOOKEEPER_CONNECT: zk:2181/other
  k1:
    image: apache/kafka:3.8.0
    environment:
      KAFKA_PROCESS_ROLES: broker,controller
      KAFKA_CONTROLLER_QUORUM_VOTERS: 1@k1:9093,2@k2:9093
  k2:
    image: apache/kafka:3.8.0
    environment:
      KAFKA_PROCESS_ROLES: broker,controller
      KAFKA_CONTROLLER_QUORUM_VOTERS: 2@k2:9093,1@k1:9093
  c1:
    image: apache/kafka:3.8.0
    environment:
      KAFKA_PROCESS_ROLES: controller
      KAFKA_CONTROLLER_QUORUM_VOTERS: 1@localhost:9093
  c2:
    image: apache/kafka:3.8.0
    environment:
      KAFKA_PROCESS_ROLES: broker,controller
      KAFKA_CONTROLLER_QUORUM_VOTERS: 1@localhost:9093
  unknown:
    image: confluentinc/cp-kafka:7.6.0
    environment:
      KAFKA_ZOOKEEPER_CONNECT: ${ZK}
"#,
        );
        let book = AddressBook::new(&project);
        let brokers = brokers(&project);
        let counts: Vec<(&str, Option<usize>)> = brokers
            .iter()
            .map(|b| (b.service, cluster_broker_count(&book, &brokers, b)))
            .collect();
        assert_eq!(
            counts,
            [
                ("a", Some(3)),
                ("b", Some(3)),
                ("other-root", Some(1)),
                ("k1", Some(2)),
                ("k2", Some(2)),
                ("c1", Some(0)),
                ("c2", Some(1)),
                ("unknown", None),
            ]
        );
    }
}
