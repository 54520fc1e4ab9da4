//! Cluster membership (RULES.md §3.6): which brokers of a project form one cluster (same
//! ZooKeeper ensemble and chroot, same KRaft voters or cluster id), and how many brokers it has.

use super::broker::{Broker, Cluster};
use crate::facts::address_book::{AddressBook, Addressee};
use crate::facts::connection::parse_value;
use crate::facts::hostlist;
use crate::facts::network_mode::NetworkMode;
use crate::images::Family;
use crate::project::value::Value;
use std::collections::HashMap;
use std::sync::Arc;

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
    cluster(book, brokers, broker).brokers
}

/// `broker`'s cluster. The first call computes every broker's of `brokers` (all the project's
/// brokers: callers never pass a part) in one pass and keeps it in each broker, so that asking
/// for every broker stays linear.
fn cluster<'b>(book: &AddressBook, brokers: &[Broker], broker: &'b Broker) -> &'b Cluster {
    if let Some(cluster) = broker.cluster.get() {
        return cluster;
    }
    let keys: Vec<Option<String>> = brokers.iter().map(|b| cluster_key(book, b)).collect();
    let mut counts: HashMap<&str, Option<usize>> = HashMap::new();
    let mut members: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, (b, key)) in brokers.iter().zip(&keys).enumerate() {
        let Some(key) = key.as_deref() else { continue };
        members.entry(key).or_default().push(i);
        if b.is_broker() {
            let count = counts.entry(key).or_insert(Some(0));
            *count = count.and_then(|n| Some(n + replicas(b.spec)?));
        }
    }
    let members: HashMap<&str, Arc<[usize]>> =
        members.into_iter().map(|(k, m)| (k, m.into())).collect();
    let of = |key: &Option<String>| Cluster {
        brokers: key
            .as_deref()
            .and_then(|k| *counts.get(k).unwrap_or(&Some(0))),
        members: key
            .as_deref()
            .and_then(|k| members.get(k))
            .cloned()
            .unwrap_or_else(|| Arc::new([])),
    };
    for (b, key) in brokers.iter().zip(&keys) {
        let _ = b.cluster.set(of(key));
    }
    broker
        .cluster
        .get_or_init(|| of(&cluster_key(book, broker)))
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
    let members = &cluster(book, brokers, broker).members;
    if members.is_empty() {
        return brokers
            .iter()
            .filter(|b| b.service == broker.service)
            .collect();
    }
    members.iter().map(|&i| &brokers[i]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::kafka::brokers;
    use crate::project::from_yaml as load;

    #[test]
    fn every_broker_of_a_large_project_is_counted_from_one_table() {
        // Two interleaved ZooKeeper clusters and brokers alone: each broker's count and members
        // come from one pass over the brokers, not from comparing it with every other.
        let mut yaml = String::from("services:\n");
        for i in 0..3000 {
            let zk = ["zk-a", "zk-b", ""][i % 3];
            let env = if zk.is_empty() {
                String::new()
            } else {
                format!(", environment: {{KAFKA_ZOOKEEPER_CONNECT: \"{zk}:2181\"}}")
            };
            yaml.push_str(&format!(
                "  k{i}: {{image: \"confluentinc/cp-kafka:7.6.0\"{env}}}\n"
            ));
        }
        let project = load(&yaml);
        let book = AddressBook::new(&project);
        let brokers = brokers(&project);
        let counts: Vec<Option<usize>> = brokers
            .iter()
            .map(|b| cluster_broker_count(&book, &brokers, b))
            .collect();
        assert!(counts.iter().step_by(3).all(|&n| n == Some(1000)));
        assert!(counts.iter().skip(2).step_by(3).all(|&n| n == Some(1)));
        assert_eq!(cluster_members(&book, &brokers, &brokers[4]).len(), 1000);
        assert_eq!(cluster_members(&book, &brokers, &brokers[5]).len(), 1);
    }

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
