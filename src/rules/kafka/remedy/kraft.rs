//! KRaft settings the Kafka fixes derive from the project (KAF010, KAF011, KAF012): the node
//! ids of a cluster, its voters, a node's controller listener, the KRaft block that takes over
//! from ZooKeeper mode on KRaft-only images, and image tag changes.
//!
//! Every value comes from the project alone, so the same file always gets the same fix, and
//! each node of a cluster computes the same answer in its own finding.

use crate::diagnostic::Edit;
use crate::facts::address_book::{AddressBook, Addressee};
use crate::facts::images::zookeeper_client_port;
use crate::facts::kafka::{
    Broker, Family, Voter, cluster_members, decode_cluster_id, derived_cluster_id, parse_voters,
};
use crate::facts::service::Service;
use crate::fix::builders;
use crate::images;
use crate::project::Project;
use crate::rules::Context;

/// Ports tried, in order, for a new controller listener (RULES.md §4 KAF011).
const CONTROLLER_PORTS: [u16; 3] = [29093, 39093, 19093];

/// The parsed `controller.quorum.voters` of `b`, when known and parseable.
fn own_voters(b: &Broker) -> Option<Vec<Voter>> {
    parse_voters(b.text("controller.quorum.voters")?)
}

/// Whether voter `v`, as `b` writes it, names `b`: one of its names, or loopback on a
/// controller.
fn names_itself(book: &AddressBook, b: &Broker, v: &Voter) -> bool {
    match book.resolve(b.service, &v.host) {
        Addressee::Service(s) => s == b.service,
        Addressee::Loopback | Addressee::AnyAddress => b.is_controller(),
        _ => false,
    }
}

/// The voters of `b`'s own list that name `b` (only a controller can be one).
fn own_entries(book: &AddressBook, b: &Broker) -> Vec<Voter> {
    if !b.is_controller() {
        return Vec::new();
    }
    own_voters(b)
        .into_iter()
        .flatten()
        .filter(|v| names_itself(book, b, v))
        .collect()
}

/// The one value of `values`, when they all agree.
fn only<T: Ord + Clone>(mut values: Vec<T>) -> Option<T> {
    values.sort();
    values.dedup();
    match values.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    }
}

/// The node id `b`'s own voters give it.
pub(crate) fn voter_id(book: &AddressBook, b: &Broker) -> Option<u32> {
    only(own_entries(book, b).iter().map(|v| v.id).collect())
}

/// The id a node declares: `node.id`, else `broker.id` (which Kafka copies to `node.id`, and
/// which must equal it when both are set).
fn declared_id(b: &Broker) -> Option<u32> {
    b.node_id()
        .or_else(|| b.property("broker.id")?.scalar()?.parse().ok())
}

/// The smallest id from 1 (Kafka's and Confluent's examples start there) not in `used`.
fn smallest_unused(used: &[u32]) -> u32 {
    (1..=u32::MAX).find(|i| !used.contains(i)).unwrap_or(1)
}

/// The node id of each node among `members`, in their order: the one it declares, else the
/// one its voters give it, else the smallest id no node or voter of the cluster uses yet. None
/// for a controller its own voters leave out (a new id would still be no voter's).
fn assign_ids<'p>(book: &AddressBook, members: &[&Broker<'p>]) -> Vec<(&'p str, Option<u32>)> {
    let mut used: Vec<u32> = members.iter().filter_map(|m| declared_id(m)).collect();
    used.extend(
        members
            .iter()
            .flat_map(|m| own_voters(m).unwrap_or_default())
            .map(|v| v.id),
    );
    members
        .iter()
        .map(|m| {
            let id = declared_id(m).or_else(|| voter_id(book, m)).or_else(|| {
                let left_out =
                    m.is_controller() && m.property("controller.quorum.voters").is_some();
                (!left_out).then(|| {
                    let id = smallest_unused(&used);
                    used.push(id);
                    id
                })
            });
            (m.service, id)
        })
        .collect()
}

/// The id of `service` among `ids`, when no other node has it.
fn unique_id(ids: &[(&str, Option<u32>)], service: &str) -> Option<u32> {
    let id = ids.iter().find(|(s, _)| *s == service)?.1?;
    let twins = ids.iter().filter(|(_, other)| *other == Some(id)).count();
    (twins == 1).then_some(id)
}

/// The `node.id` for `b`, which sets none: the id its voters give it, else the smallest one its
/// cluster does not use (ids are handed out in file order to the nodes that lack one, so the
/// nodes of one cluster never get the same). None when that id is taken, or for a controller its
/// own voters leave out.
pub(crate) fn node_id_for(book: &AddressBook, brokers: &[Broker], b: &Broker) -> Option<u32> {
    let members = cluster_of(book, brokers, b)?;
    unique_id(&assign_ids(book, &members), b.service)
}

/// The cluster `b` belongs to: the nodes with its voters (else its cluster id, [`cluster_members`]);
/// for a node without a quorum setting that takes the voters the project's other nodes write
/// ([`adopted_voters`]), their cluster and every node that takes the same. None when that
/// cannot be told.
fn cluster_of<'a, 'p>(
    book: &AddressBook,
    brokers: &'a [Broker<'p>],
    b: &Broker,
) -> Option<Vec<&'a Broker<'p>>> {
    let Some((text, peer)) = adopted_voters(brokers, b)? else {
        return Some(cluster_members(book, brokers, b));
    };
    let members = cluster_members(book, brokers, peer);
    Some(
        brokers
            .iter()
            .filter(|m| {
                members.iter().any(|x| x.service == m.service)
                    || m.service == b.service
                    || adopted_voters(brokers, m)
                        .flatten()
                        .is_some_and(|(t, _)| t == text)
            })
            .collect(),
    )
}

/// Whether `b` sets neither `controller.quorum.voters` nor `controller.quorum.bootstrap.servers`.
fn lacks_quorum(b: &Broker) -> bool {
    b.property("controller.quorum.voters").is_none()
        && b.property("controller.quorum.bootstrap.servers").is_none()
}

/// The voters a KRaft node without a quorum setting takes: the list the project's other KRaft
/// nodes write (those with its cluster id, when it sets one), with one node that writes it;
/// `Some(None)` when it is no such node or no other node writes one; None when they disagree,
/// use bootstrap servers, or a value involved is unknown.
fn adopted_voters<'a, 'p>(
    brokers: &'a [Broker<'p>],
    b: &Broker,
) -> Option<Option<(&'p str, &'a Broker<'p>)>> {
    if !lacks_quorum(b) || b.property("process.roles").is_none() {
        return Some(None);
    }
    let id = match cluster_id_text(b) {
        Some(text) => Some(text?),
        None => None,
    };
    let peers = brokers
        .iter()
        .filter(|m| m.service != b.service && m.family != Family::Redpanda)
        .filter(|m| m.property("process.roles").is_some())
        .filter(|m| id.is_none() || cluster_id_text(m) == Some(id));
    let mut found: Option<(&str, &Broker)> = None;
    for m in peers {
        if m.property("controller.quorum.bootstrap.servers").is_some() {
            return None;
        }
        let Some(setting) = m.property("controller.quorum.voters") else {
            continue;
        };
        let text = setting.text()?.trim();
        parse_voters(text)?;
        match found {
            Some((other, _)) if other != text => return None,
            Some(_) => {}
            None => found = Some((text, m)),
        }
    }
    Some(found)
}

/// `b`'s controller listener names: `controller.listener.names`, else the one
/// [`controller_name_for`] finds.
fn controller_names_of(book: &AddressBook, brokers: &[Broker], b: &Broker) -> Vec<String> {
    if b.property("controller.listener.names").is_some() {
        return b.controller_names();
    }
    controller_name_for(book, brokers, b).into_iter().collect()
}

/// The port of the voter entries that name `b` in its own list, when they agree.
fn own_voter_port(book: &AddressBook, b: &Broker) -> Option<u16> {
    only(own_entries(book, b).iter().map(|v| v.port).collect())
}

/// The controller listener name for `b`, which sets none: on a controller, the only listener
/// that is neither advertised nor the inter-broker one (and, when its own voter entry gives a
/// port, on that port); on a broker-only node, the name every controller of its cluster uses,
/// when its protocol map (if set) maps it.
pub(crate) fn controller_name_for(
    book: &AddressBook,
    brokers: &[Broker],
    b: &Broker,
) -> Option<String> {
    if !b.is_controller() {
        let names: Vec<Vec<String>> = cluster_of(book, brokers, b)?
            .iter()
            .filter(|m| m.is_controller())
            .map(|m| m.controller_names())
            .collect();
        let [name] = only(names)?.try_into().ok()?;
        let unmapped = b
            .protocol_map()
            .is_some_and(|map| map.iter().all(|(n, _)| *n != name));
        return (!unmapped).then_some(name);
    }
    if b.property("advertised.listeners")
        .is_some_and(|s| s.text().is_none())
    {
        return None;
    }
    let advertised: Vec<String> = b
        .advertised()
        .unwrap_or_default()
        .into_iter()
        .map(|e| e.name)
        .collect();
    let inter_broker = b.is_broker().then(|| b.inter_broker_name());
    let port = own_voter_port(book, b);
    only(
        b.listeners()?
            .into_iter()
            .filter(|l| !advertised.contains(&l.name) && inter_broker.as_ref() != Some(&l.name))
            .filter(|l| port.is_none_or(|p| l.port == Some(p)))
            .map(|l| l.name)
            .collect(),
    )
}

/// The port of `c`'s controller listener, when it has exactly one.
pub(crate) fn controller_port(book: &AddressBook, brokers: &[Broker], c: &Broker) -> Option<u16> {
    let names = controller_names_of(book, brokers, c);
    only(
        c.listeners()?
            .iter()
            .filter(|l| names.contains(&l.name))
            .filter_map(|l| l.port)
            .collect(),
    )
}

/// The known text of the cluster id `b` sets: None when it sets none, `Some(None)` when the
/// value is unknown.
fn cluster_id_text<'p>(b: &Broker<'p>) -> Option<Option<&'p str>> {
    let (_, value) = b.cluster_id_setting()?;
    Some(
        value
            .as_str()
            .filter(|s| s.is_known())
            .map(|s| s.text.trim()),
    )
}

/// `controller.quorum.voters` for `b`, which has neither voters nor bootstrap servers: the
/// list the project's other KRaft nodes write ([`adopted_voters`]); when none writes one,
/// `id@host:port` of each controller of `b`'s cluster — `b` alone on a single node. None when
/// the nodes disagree, or a controller's id or port cannot be told.
pub(crate) fn voters_for(book: &AddressBook, brokers: &[Broker], b: &Broker) -> Option<String> {
    if let Some((text, _)) = adopted_voters(brokers, b)? {
        return Some(text.to_string());
    }
    // Without a cluster id, only a node alone in the project is its own cluster.
    let others = brokers.iter().any(|m| {
        m.service != b.service
            && m.family != Family::Redpanda
            && m.property("process.roles").is_some()
    });
    if b.cluster_id_setting().is_none() && others {
        return None;
    }
    let members = cluster_members(book, brokers, b);
    let ids = assign_ids(book, &members);
    let mut voters: Vec<(u32, String)> = Vec::new();
    for c in members.iter().filter(|m| m.is_controller()) {
        let id = unique_id(&ids, c.service)?;
        let port = controller_port(book, brokers, c)?;
        voters.push((id, format!("{id}@{}:{port}", c.service)));
    }
    voters.sort();
    let list: Vec<String> = voters.into_iter().map(|(_, v)| v).collect();
    (!list.is_empty()).then(|| list.join(","))
}

/// The cluster id for `b`'s cluster: the valid id a node of it already sets, else one derived
/// from the project name and the cluster's service names, so every node gets the same.
pub(crate) fn cluster_id_for(
    project: &Project,
    book: &AddressBook,
    brokers: &[Broker],
    b: &Broker,
) -> String {
    let members = cluster_members(book, brokers, b);
    let existing = members.iter().find_map(|m| {
        let text = cluster_id_text(m)??;
        decode_cluster_id(text).is_ok().then(|| text.to_string())
    });
    existing.unwrap_or_else(|| {
        let mut names: Vec<&str> = members.iter().map(|m| m.service).collect();
        names.sort_unstable();
        derived_cluster_id(&format!("{} {}", project.name, names.join(" ")))
    })
}

/// Whether the service's image has no ZooKeeper mode: cp-kafka / cp-server 8+, apache/kafka
/// 4+, bitnami 4+ (`latest` or no tag counts as the newest; an unknown tag does not).
pub(crate) fn kraft_only(service: &Service) -> bool {
    service
        .repository
        .is_some_and(|(repo, tag)| images::is_kraft_only(repo, tag))
}

/// Whether `b` is configured for ZooKeeper (a ZooKeeper address, no `process.roles`) on an
/// image whose release has no ZooKeeper mode: one cause, which KAF012 reports and whose
/// missing KRaft variables KAF011 then leaves alone (RULES.md §1.5).
pub(crate) fn zookeeper_mode_removed(service: &Service, b: &Broker) -> bool {
    kraft_only(service) && b.roles().is_none() && b.property("zookeeper.connect").is_some()
}

/// The variable that sets `property` on `b`: the one written, else `<prefix><suffix>`.
fn key(b: &Broker, property: &str, suffix: &str) -> String {
    b.property(property).map_or_else(
        || format!("{}{suffix}", b.family.prefix()),
        |s| s.key.to_string(),
    )
}

/// Whether `m` can take part in a KRaft block: a node of a family whose environment the block
/// writes, read by its start script, not yet in KRaft mode.
fn convertible(m: &Broker) -> bool {
    matches!(
        m.family,
        Family::Confluent | Family::Apache | Family::Bitnami
    ) && m.reads_environment()
        && !m.mounts_config()
}

/// The nodes a KRaft block for `b` turns into one cluster: its ZooKeeper cluster on a
/// KRaft-only image (each node such a node without `process.roles`), else `b` when it is the
/// project's only broker.
fn block_members<'a, 'p>(cx: &'a Context<'p>, b: &Broker) -> Option<Vec<&'a Broker<'p>>> {
    let (book, brokers) = (cx.book(), cx.brokers());
    if b.property("zookeeper.connect").is_none() {
        return match brokers {
            [only] if only.service == b.service && convertible(only) => Some(vec![only]),
            _ => None,
        };
    }
    let members = cluster_members(book, brokers, b);
    members
        .iter()
        .all(|m| {
            convertible(m)
                && cx.service(m.service).is_some_and(kraft_only)
                && m.property("process.roles").is_none()
        })
        .then_some(members)
}

/// The port for `m`'s controller listener: the one it has, else the first of 29093, 39093,
/// 19093 no listener of it uses.
fn block_port(book: &AddressBook, brokers: &[Broker], m: &Broker) -> Option<u16> {
    if let Some(port) = controller_port(book, brokers, m) {
        return Some(port);
    }
    let used: Vec<u16> = m
        .listeners()
        .into_iter()
        .chain(m.advertised())
        .flatten()
        .filter_map(|l| l.port)
        .collect();
    CONTROLLER_PORTS.into_iter().find(|p| !used.contains(p))
}

/// `NAME://host:port` of an explicit listener.
fn endpoint(e: &crate::facts::kafka::Endpoint) -> String {
    match e.port {
        Some(port) => format!("{}://{}:{port}", e.name, e.host),
        None => format!("{}://{}", e.name, e.host),
    }
}

/// Replication settings for a cluster of `n` brokers: factors `min(n, 3)`, minimum in-sync
/// replicas one less (at least 1, at most 2).
fn replication(n: usize) -> [(&'static str, String); 3] {
    let rf = n.clamp(1, 3);
    let isr = (rf - 1).clamp(1, 2);
    [
        ("OFFSETS_TOPIC_REPLICATION_FACTOR", rf.to_string()),
        ("TRANSACTION_STATE_LOG_REPLICATION_FACTOR", rf.to_string()),
        ("TRANSACTION_STATE_LOG_MIN_ISR", isr.to_string()),
    ]
}

/// The KRaft block that makes `b` a combined broker and controller, as variables to set (a
/// variable already written gets its value replaced): for a node without `process.roles` on a
/// KRaft-only image, every node of its ZooKeeper cluster becomes one (same voters, node ids
/// from `broker.id` or handed out, one cluster id); for apache/kafka with a partial
/// environment, the project's only broker becomes a single node (RULES.md §4 KAF011). Only
/// what is missing is added: roles, node id, a `CONTROLLER://0.0.0.0:29093` listener (and
/// protocol map entry when the map is set), the controller listener name, the voters, the
/// cluster id where the image needs one, and replication factors that fit the cluster.
pub(crate) fn kraft_block(cx: &Context, b: &Broker) -> Option<Vec<(String, String)>> {
    if b.roles().is_some_and(|r| r.len() != 2) {
        return None;
    }
    let (project, book, brokers) = (cx.project, cx.book(), cx.brokers());
    let members = block_members(cx, b)?;
    let ids = assign_ids(book, &members);
    let mut voters = Vec::new();
    for m in &members {
        let id = unique_id(&ids, m.service)?;
        voters.push((id, m.service, block_port(book, brokers, m)?));
    }
    voters.sort();
    let (id, _, port) = *voters.iter().find(|(_, s, _)| *s == b.service)?;
    let controller = b
        .controller_names()
        .first()
        .cloned()
        .unwrap_or_else(|| "CONTROLLER".into());
    let prefix = b.family.prefix();
    let mut vars: Vec<(String, String)> = Vec::new();
    let mut add = |k: String, v: String| vars.push((k, v));
    if b.property("process.roles").is_none() {
        add(format!("{prefix}PROCESS_ROLES"), "broker,controller".into());
    }
    if !b.has_node_id() {
        add(format!("{prefix}NODE_ID"), id.to_string());
    }
    let bind = format!("{controller}://0.0.0.0:{port}");
    let listeners = b.listeners();
    match (&listeners, b.advertised()) {
        (Some(l), _) if l.iter().any(|l| l.name == controller) => {}
        (Some(l), _) => {
            let mut all: Vec<String> = l.iter().map(endpoint).collect();
            all.push(bind);
            add(key(b, "listeners", "LISTENERS"), all.join(","));
        }
        (None, Some(a)) => {
            let mut all: Vec<String> = a
                .iter()
                .map(|e| match e.port {
                    Some(p) => format!("{}://0.0.0.0:{p}", e.name),
                    None => format!("{}://0.0.0.0", e.name),
                })
                .collect();
            all.push(bind);
            add(key(b, "listeners", "LISTENERS"), all.join(","));
        }
        (None, None) => {
            add(
                format!("{prefix}LISTENERS"),
                format!("PLAINTEXT://0.0.0.0:9092,{bind}"),
            );
            add(
                format!("{prefix}ADVERTISED_LISTENERS"),
                format!("PLAINTEXT://{}:9092", b.service),
            );
        }
    }
    if b.property("controller.listener.names").is_none() {
        add(
            format!("{prefix}CONTROLLER_LISTENER_NAMES"),
            controller.clone(),
        );
    }
    if let Some(map) = b.text("listener.security.protocol.map")
        && b.protocol_map()?.iter().all(|(n, _)| *n != controller)
    {
        add(
            key(
                b,
                "listener.security.protocol.map",
                "LISTENER_SECURITY_PROTOCOL_MAP",
            ),
            format!("{map},{controller}:PLAINTEXT"),
        );
    }
    let quorum = [
        "controller.quorum.voters",
        "controller.quorum.bootstrap.servers",
    ];
    if quorum.iter().all(|p| b.property(p).is_none()) {
        let list: Vec<String> = voters
            .iter()
            .map(|(id, s, port)| format!("{id}@{s}:{port}"))
            .collect();
        add(format!("{prefix}CONTROLLER_QUORUM_VOTERS"), list.join(","));
    }
    // cp-kafka requires a cluster id; several nodes must share one (apache's image default is
    // the same everywhere, bitnami's is random per node).
    let id_key = match b.family {
        Family::Bitnami => "KAFKA_CLUSTER_ID",
        _ => "CLUSTER_ID",
    };
    if b.cluster_id_setting().is_none() && (b.family == Family::Confluent || members.len() > 1) {
        add(id_key.into(), cluster_id_for(project, book, brokers, b));
    }
    // bitnami's own defaults are 1; the others default to 3.
    if b.family != Family::Bitnami {
        for (suffix, value) in replication(members.len()) {
            let key = format!("KAFKA_{suffix}");
            if !b.env_has(&key) {
                add(key, value);
            }
        }
    }
    Some(vars)
}

/// `<service>:<port>` of the project's only ZooKeeper service, when `b` reaches it by name.
pub(crate) fn zookeeper_connect_for(
    project: &Project,
    book: &AddressBook,
    b: &Broker,
) -> Option<String> {
    let mut found = project
        .services()
        .filter_map(|(name, spec)| Some((name, zookeeper_client_port(spec)?)));
    let (name, port) = found.next()?;
    if found.next().is_some() || book.resolve(b.service, name) != Addressee::Service(name) {
        return None;
    }
    Some(format!("{name}:{port}"))
}

/// Replaces the tag of a service's `image` (`repo:tag`, before any `@digest`) with `tag`.
pub(crate) fn replace_tag(project: &Project, service: &Service, tag: &str) -> Option<Edit> {
    let image = service.image_value()?;
    let text = &image.as_str().filter(|s| s.is_known())?.text;
    // A digest names the image whatever the tag says.
    if text.contains('@') {
        return None;
    }
    let name_start = text.rfind('/').map_or(0, |i| i + 1);
    match text[name_start..].find(':') {
        Some(colon) => {
            builders::replace_part(project, image, name_start + colon + 1..text.len(), tag)
        }
        None => builders::replace_part(project, image, text.len()..text.len(), &format!(":{tag}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::kafka;

    /// Runs `f` on the broker `name` of `yaml`.
    fn with<T>(
        yaml: &str,
        name: &str,
        f: impl Fn(&Project, &AddressBook, &[Broker], &Broker) -> T,
    ) -> T {
        let p = crate::project::from_yaml(yaml);
        let book = AddressBook::new(&p);
        let brokers = kafka::brokers(&p);
        let b = brokers.iter().find(|b| b.service == name).expect("broker");
        f(&p, &book, &brokers, b)
    }

    /// The KRaft block for the broker `name` of `yaml`.
    fn block_of(yaml: &str, name: &str) -> Option<Vec<(String, String)>> {
        let p = crate::project::from_yaml(yaml);
        let cx = Context::new(&p);
        let b = cx
            .brokers()
            .iter()
            .find(|b| b.service == name)
            .expect("broker");
        kraft_block(&cx, b)
    }

    const SINGLE: &str = r#"
services:
  kafka:
    image: confluentinc/cp-kafka:8.0.0
    environment:
      CLUSTER_ID: MkU3OEVBNTcwNTJENDM2Qk
      KAFKA_PROCESS_ROLES: broker,controller
      KAFKA_LISTENERS: PLAINTEXT://0.0.0.0:9092,CONTROLLER://0.0.0.0:9093
      KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://kafka:9092
"#;

    #[test]
    fn single_node_gets_its_own_voter() {
        let voters = with(SINGLE, "kafka", |_, book, brokers, b| {
            voters_for(book, brokers, b)
        });
        assert_eq!(voters.as_deref(), Some("1@kafka:9093"));
        let id = with(SINGLE, "kafka", |_, book, brokers, b| {
            node_id_for(book, brokers, b)
        });
        assert_eq!(id, Some(1));
        let name = with(SINGLE, "kafka", |_, book, brokers, b| {
            controller_name_for(book, brokers, b)
        });
        assert_eq!(name.as_deref(), Some("CONTROLLER"));
    }

    #[test]
    fn node_id_from_the_voters() {
        let yaml = r#"
services:
  kafka:
    image: bitnami/kafka:4.0
    environment:
      - KAFKA_CFG_PROCESS_ROLES=broker,controller
      - KAFKA_CFG_LISTENERS=PLAINTEXT://:9092,CONTROLLER://:9093
      - KAFKA_CFG_CONTROLLER_QUORUM_VOTERS=0@kafka:9093
"#;
        let id = with(yaml, "kafka", |_, book, brokers, b| {
            node_id_for(book, brokers, b)
        });
        assert_eq!(id, Some(0));
    }

    #[test]
    fn ids_are_handed_out_without_clashes() {
        let yaml = r#"
services:
  controller:
    image: apache/kafka:3.8.0
    environment:
      KAFKA_NODE_ID: 1
      KAFKA_PROCESS_ROLES: controller
      KAFKA_CONTROLLER_QUORUM_VOTERS: 1@controller:9093
  broker-a:
    image: apache/kafka:3.8.0
    environment:
      KAFKA_PROCESS_ROLES: broker
      KAFKA_CONTROLLER_QUORUM_VOTERS: 1@controller:9093
  broker-b:
    image: apache/kafka:3.8.0
    environment:
      KAFKA_PROCESS_ROLES: broker
      KAFKA_CONTROLLER_QUORUM_VOTERS: 1@controller:9093
"#;
        let a = with(yaml, "broker-a", |_, book, brokers, b| {
            node_id_for(book, brokers, b)
        });
        let b = with(yaml, "broker-b", |_, book, brokers, b| {
            node_id_for(book, brokers, b)
        });
        assert_eq!((a, b), (Some(2), Some(3)));
        // A broker-only node takes its controllers' listener name: here they set none either.
        let name = with(yaml, "broker-a", |_, book, brokers, b| {
            controller_name_for(book, brokers, b)
        });
        assert_eq!(name, None);
    }

    #[test]
    fn a_controller_left_out_of_its_voters_gets_no_id() {
        let yaml = r#"
services:
  controller:
    image: apache/kafka:3.8.0
    environment:
      KAFKA_PROCESS_ROLES: controller
      KAFKA_CONTROLLER_QUORUM_VOTERS: 1@other:9093
"#;
        let id = with(yaml, "controller", |_, book, brokers, b| {
            node_id_for(book, brokers, b)
        });
        assert_eq!(id, None);
    }

    #[test]
    fn voters_copied_from_the_cluster() {
        let yaml = r#"
services:
  controller:
    image: apache/kafka:3.8.0
    environment:
      CLUSTER_ID: MkU3OEVBNTcwNTJENDM2Qk
      KAFKA_NODE_ID: 1
      KAFKA_PROCESS_ROLES: controller
      KAFKA_CONTROLLER_QUORUM_VOTERS: 1@controller:9093
  broker:
    image: apache/kafka:3.8.0
    environment:
      CLUSTER_ID: MkU3OEVBNTcwNTJENDM2Qk
      KAFKA_NODE_ID: 2
      KAFKA_PROCESS_ROLES: broker
"#;
        let voters = with(yaml, "broker", |_, book, brokers, b| {
            voters_for(book, brokers, b)
        });
        assert_eq!(voters.as_deref(), Some("1@controller:9093"));
        let name = with(yaml, "broker", |_, book, brokers, b| {
            controller_name_for(book, brokers, b)
        });
        assert_eq!(name, None, "the controller sets no listener name");
        let with_names = yaml.replace(
            "KAFKA_PROCESS_ROLES: controller\n",
            "KAFKA_PROCESS_ROLES: controller\n      KAFKA_CONTROLLER_LISTENER_NAMES: CONTROLLER\n",
        );
        let name = with(&with_names, "broker", |_, book, brokers, b| {
            controller_name_for(book, brokers, b)
        });
        assert_eq!(name.as_deref(), Some("CONTROLLER"));
        // Without an id of its own, the broker takes the next one free in the controller's
        // cluster, which it joins.
        let without_id = yaml.replace("      KAFKA_NODE_ID: 2\n", "");
        let id = with(&without_id, "broker", |_, book, brokers, b| {
            node_id_for(book, brokers, b)
        });
        assert_eq!(id, Some(2));
    }

    #[test]
    fn block_for_a_zookeeper_cluster() {
        let yaml = r#"
name: shop
services:
  zookeeper:
    image: confluentinc/cp-zookeeper:7.9.0
    environment:
      ZOOKEEPER_CLIENT_PORT: 2181
  kafka-1:
    image: confluentinc/cp-kafka:8.0.0
    environment:
      KAFKA_BROKER_ID: 1
      KAFKA_ZOOKEEPER_CONNECT: zookeeper:2181
      KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://kafka-1:9092
  kafka-2:
    image: confluentinc/cp-kafka:8.0.0
    environment:
      KAFKA_ZOOKEEPER_CONNECT: zookeeper:2181
      KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://kafka-2:9092
"#;
        let block = block_of(yaml, "kafka-2").expect("block");
        let get = |k: &str| {
            block
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("KAFKA_NODE_ID"), Some("2"));
        assert_eq!(
            get("KAFKA_CONTROLLER_QUORUM_VOTERS"),
            Some("1@kafka-1:29093,2@kafka-2:29093")
        );
        assert_eq!(
            get("KAFKA_LISTENERS"),
            Some("PLAINTEXT://0.0.0.0:9092,CONTROLLER://0.0.0.0:29093")
        );
        assert_eq!(get("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"), Some("2"));
        assert_eq!(get("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"), Some("1"));
        let first = block_of(yaml, "kafka-1").expect("block");
        let id = |vars: &[(String, String)]| {
            vars.iter()
                .find(|(k, _)| k == "CLUSTER_ID")
                .map(|(_, v)| v.clone())
        };
        assert_eq!(id(&first), id(&block), "one cluster id for the cluster");
        assert!(
            !first.iter().any(|(k, _)| k == "KAFKA_NODE_ID"),
            "broker.id stands"
        );
    }

    #[test]
    fn no_block_for_a_zookeeper_era_image() {
        let yaml = r#"
services:
  zookeeper:
    image: confluentinc/cp-zookeeper:7.9.0
  kafka:
    image: confluentinc/cp-kafka:7.6.0
    environment:
      KAFKA_ZOOKEEPER_CONNECT: zookeeper:2181
"#;
        let block = block_of(yaml, "kafka");
        assert_eq!(block, None);
        let zk = with(yaml, "kafka", |p, book, _, b| {
            zookeeper_connect_for(p, book, b)
        });
        assert_eq!(zk.as_deref(), Some("zookeeper:2181"));
    }

    #[test]
    fn tags() {
        let p = crate::project::from_yaml(
            "services:\n  zk:\n    image: confluentinc/cp-zookeeper:8.0.0\n",
        );
        let services = crate::facts::service::services(&p);
        let edit = replace_tag(&p, &services[0], "7.9.0").expect("edit");
        assert_eq!(edit.content, "7.9.0");
        assert_eq!(
            &p.file(services[0].spec.origin.file).text()[edit.span.start..edit.span.end],
            "8.0.0"
        );
        // A registry port is no tag: the tag is added after the repository.
        let p =
            crate::project::from_yaml("services:\n  zk:\n    image: localhost:5000/cp-zookeeper\n");
        let services = crate::facts::service::services(&p);
        let edit = replace_tag(&p, &services[0], "7.9.0").expect("edit");
        assert_eq!(edit.content, ":7.9.0");
        assert_eq!(edit.span.start, edit.span.end);
        let p =
            crate::project::from_yaml("services:\n  zk:\n    image: cp-zookeeper@sha256:0123\n");
        let services = crate::facts::service::services(&p);
        assert!(
            replace_tag(&p, &services[0], "7.9.0").is_none(),
            "a digest wins"
        );
    }
}
