//! The variables a Kafka image's start script requires (RULES.md §3.2, KAF011), per image
//! family and version, and whether a broker's container exits at start-up for lack of them.

use super::broker::{Broker, image_version};
use crate::images::{self as catalog, Family, TagVersion};

/// Whether the container exits at start-up, before Kafka binds or advertises anything: the
/// address rules (KAF002–KAF005, KAF013, KAF015) stay silent on such a broker (RULES.md §1.5
/// item 3). Covers KAF008 sub-case 4 and KAF011 ([`missing_required`]).
pub(crate) fn exits_at_startup(broker: &Broker) -> bool {
    wurstmeister_listeners_missing(broker) || missing_required(broker)
}

/// wurstmeister's `start-kafka.sh` exits "Missing environment variable KAFKA_LISTENERS. Must be
/// specified when using KAFKA_ADVERTISED_LISTENERS" when `KAFKA_ADVERTISED_LISTENERS` is set and
/// `KAFKA_LISTENERS` and `KAFKA_ADVERTISED_HOST_NAME` are both empty (its test is
/// `-z "$KAFKA_ADVERTISED_HOST_NAME$KAFKA_LISTENERS"`). False when a value involved is unknown.
pub(crate) fn wurstmeister_listeners_missing(broker: &Broker) -> bool {
    if broker.family != Family::Wurstmeister {
        return false;
    }
    let filled = |property: &str| match broker.property(property) {
        None => Some(false),
        Some(s) => s.scalar().map(|t| !t.is_empty()),
    };
    filled("advertised.listeners") == Some(true)
        && filled("listeners") == Some(false)
        && filled("advertised.host.name") == Some(false)
}

/// A variable an image's entrypoint requires and a service lacks (RULES.md §3.2, KAF011).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Requirement {
    /// The variables any one of which would do; the first is the one to add.
    pub keys: Vec<String>,
    /// The broker property the first key sets, if it sets one.
    pub property: Option<&'static str>,
    /// What is wrong when a value, not a variable, is missing (a listener absent from a list).
    pub detail: Option<String>,
}

/// The broker properties only a KRaft node needs.
const KRAFT_PROPERTIES: [&str; 4] = [
    "process.roles",
    "node.id",
    "controller.quorum.voters",
    "controller.listener.names",
];

impl Requirement {
    /// Whether only a KRaft node needs it (its roles, node id, quorum, controller listener,
    /// `CLUSTER_ID`).
    pub(crate) fn is_kraft(&self) -> bool {
        self.property.is_some_and(|p| KRAFT_PROPERTIES.contains(&p))
            || self.keys.iter().any(|k| k == "CLUSTER_ID")
    }

    fn key(key: &str, property: Option<&'static str>) -> Self {
        Requirement {
            keys: vec![key.to_string()],
            property,
            detail: None,
        }
    }
}

/// Whether KAF011 reports `broker` (or would, were its project complete): its image's
/// entrypoint exits because a required variable is missing. The address rules (KAF002–KAF005,
/// KAF013, KAF015) stay silent on such a broker (RULES.md §1.5 item 3).
fn missing_required(broker: &Broker) -> bool {
    !required_missing(broker).is_empty()
}

/// The variables `broker`'s image entrypoint requires that its environment lacks (§3.2), for
/// the version its tag names: `latest` or no tag means the newest release; a tag that is an
/// unset variable keeps only what every release requires. Empty when the entrypoint does not
/// run (a `command` that skips it), when `process.roles` is unknown, and for images without a
/// checking entrypoint, and when a mounted configuration file may hold the settings.
pub(crate) fn required_missing(broker: &Broker) -> Vec<Requirement> {
    let Some((repo, tag)) = image_version(broker.spec) else {
        return Vec::new();
    };
    if broker.property("process.roles").is_some() && broker.roles().is_none() {
        return Vec::new();
    }
    type Check = fn(&Broker, (u32, Option<u32>)) -> Vec<Requirement>;
    let check: Check = match broker.family {
        Family::Confluent => confluent_requirements,
        Family::Apache => apache_requirements,
        Family::Bitnami => bitnami_requirements,
        Family::Wurstmeister => wurstmeister_requirements,
        _ => return Vec::new(),
    };
    let Some(versions) = catalog::entrypoint_releases(repo) else {
        return Vec::new();
    };
    if !broker.reads_environment() || broker.mounts_config() {
        return Vec::new();
    }
    match tag {
        TagVersion::Known(major, minor) => check(broker, (major, minor)),
        // The first version listed is the newest.
        TagVersion::Newest => versions
            .first()
            .map_or_else(Vec::new, |v| check(broker, *v)),
        TagVersion::Unknown => {
            let mut all = versions.iter().map(|v| check(broker, *v));
            let first = all.next().unwrap_or_default();
            all.fold(first, |common, next| {
                common.into_iter().filter(|r| next.contains(r)).collect()
            })
        }
    }
}

impl Broker<'_> {
    fn needs(&self, out: &mut Vec<Requirement>, property: &'static str, key: &str) {
        if self.property(property).is_none() {
            out.push(Requirement::key(key, Some(property)));
        }
    }

    fn controller_only(&self) -> bool {
        self.roles()
            .is_some_and(|r| !r.is_empty() && r.iter().all(|r| r == "controller"))
    }
}

/// cp-kafka / cp-server (§3.2): up to 7.3 ZooKeeper and advertised listeners always; 7.4–7.9
/// in KRaft `CLUSTER_ID` and advertised listeners (not on a controller), else as before; 8+
/// KRaft only. A 7 tag without a minor counts as 7.4+.
fn confluent_requirements(b: &Broker, (major, minor): (u32, Option<u32>)) -> Vec<Requirement> {
    let mut out = Vec::new();
    let zookeeper_era = major < 7 || major == 7 && minor.is_some_and(|m| m <= 3);
    if zookeeper_era || major == 7 && b.roles().is_none() {
        b.needs(&mut out, "zookeeper.connect", "KAFKA_ZOOKEEPER_CONNECT");
        b.needs(
            &mut out,
            "advertised.listeners",
            "KAFKA_ADVERTISED_LISTENERS",
        );
        return out;
    }
    if major >= 8 {
        b.needs(&mut out, "process.roles", "KAFKA_PROCESS_ROLES");
    }
    if !b.env_has("CLUSTER_ID") {
        out.push(Requirement::key("CLUSTER_ID", None));
    }
    if !b.controller_only() {
        b.needs(
            &mut out,
            "advertised.listeners",
            "KAFKA_ADVERTISED_LISTENERS",
        );
    }
    out
}

/// apache/kafka (§3.2): with no broker variable the image's single-node defaults apply; any
/// one discards them, so the whole KRaft set must be given (3.x may run on ZooKeeper instead).
fn apache_requirements(b: &Broker, (major, _): (u32, Option<u32>)) -> Vec<Requirement> {
    let mut out = Vec::new();
    if b.properties.is_empty()
        || major < 4 && b.roles().is_none() && b.property("zookeeper.connect").is_some()
    {
        return out;
    }
    b.needs(&mut out, "process.roles", "KAFKA_PROCESS_ROLES");
    if !b.has_node_id() {
        out.push(Requirement::key("KAFKA_NODE_ID", Some("node.id")));
    }
    let quorum = [
        "controller.quorum.voters",
        "controller.quorum.bootstrap.servers",
    ];
    if quorum.iter().all(|p| b.property(p).is_none()) {
        out.push(Requirement {
            keys: vec![
                "KAFKA_CONTROLLER_QUORUM_VOTERS".into(),
                "KAFKA_CONTROLLER_QUORUM_BOOTSTRAP_SERVERS".into(),
            ],
            property: Some("controller.quorum.voters"),
            detail: None,
        });
    }
    b.needs(
        &mut out,
        "controller.listener.names",
        "KAFKA_CONTROLLER_LISTENER_NAMES",
    );
    if ["listeners", "advertised.listeners"]
        .iter()
        .all(|p| b.property(p).is_none())
    {
        out.push(Requirement {
            keys: vec![
                "KAFKA_LISTENERS".into(),
                "KAFKA_ADVERTISED_LISTENERS".into(),
            ],
            property: Some("listeners"),
            detail: None,
        });
    }
    out
}

/// bitnami `kafka_validate` (§3.2): before 4.0 ZooKeeper or KRaft (both only when migrating),
/// KRaft needs a node id and voters; 4.0+ is KRaft only and needs roles and a node id; a
/// controller needs its listener names, one of them in `KAFKA_CFG_LISTENERS`.
fn bitnami_requirements(b: &Broker, (major, _): (u32, Option<u32>)) -> Vec<Requirement> {
    let mut out = Vec::new();
    let roles = b.roles();
    let zookeeper = b.property("zookeeper.connect").is_some();
    // Images from before bitnami's 2023 rewrite read `KAFKA_ENABLE_KRAFT` and `broker.id`.
    let legacy_kraft = b.env_has("KAFKA_ENABLE_KRAFT");
    if major >= 4 {
        b.needs(&mut out, "process.roles", "KAFKA_CFG_PROCESS_ROLES");
    } else if roles.is_none() && !zookeeper {
        out.push(Requirement {
            keys: vec![
                "KAFKA_CFG_PROCESS_ROLES".into(),
                "KAFKA_CFG_ZOOKEEPER_CONNECT".into(),
            ],
            property: Some("process.roles"),
            detail: None,
        });
    }
    if major >= 4 || roles.is_some() {
        let id = b.property("node.id").is_some()
            || legacy_kraft && major < 4 && b.property("broker.id").is_some();
        if !id {
            out.push(Requirement::key("KAFKA_CFG_NODE_ID", Some("node.id")));
        }
    }
    if major < 4 && roles.is_some() {
        if zookeeper && !migrating(b) {
            out.push(Requirement {
                keys: vec!["KAFKA_CFG_ZOOKEEPER_METADATA_MIGRATION_ENABLE".into()],
                property: None,
                detail: Some(
                    "both `KAFKA_CFG_PROCESS_ROLES` and `KAFKA_CFG_ZOOKEEPER_CONNECT` are set"
                        .into(),
                ),
            });
        }
        b.needs(
            &mut out,
            "controller.quorum.voters",
            "KAFKA_CFG_CONTROLLER_QUORUM_VOTERS",
        );
    }
    if b.is_controller() {
        b.needs(
            &mut out,
            "controller.listener.names",
            "KAFKA_CFG_CONTROLLER_LISTENER_NAMES",
        );
        let names = b.controller_names();
        match b.listeners() {
            None if b.property("listeners").is_none() => {
                out.push(Requirement::key("KAFKA_CFG_LISTENERS", Some("listeners")))
            }
            Some(listeners)
                if !names.is_empty() && !listeners.iter().any(|l| names.contains(&l.name)) =>
            {
                out.push(Requirement {
                    keys: vec!["KAFKA_CFG_LISTENERS".into()],
                    property: Some("listeners"),
                    detail: Some(format!("it has no `{}` listener", names.join("`/`"))),
                });
            }
            _ => {}
        }
    }
    out
}

/// Whether bitnami's ZooKeeper-to-KRaft migration flag is on (or unknown).
fn migrating(b: &Broker) -> bool {
    b.property("zookeeper.metadata.migration.enable")
        .is_some_and(|s| {
            s.scalar()
                .is_none_or(|t| matches!(t.to_ascii_lowercase().as_str(), "yes" | "true" | "1"))
        })
}

/// wurstmeister `start-kafka.sh` (§3.2): ZooKeeper always; a listener or an advertised host
/// name (`HOSTNAME_COMMAND` fills one), unless `KAFKA_ADVERTISED_LISTENERS` is set, whose own
/// exit is KAF008's.
fn wurstmeister_requirements(b: &Broker, _: (u32, Option<u32>)) -> Vec<Requirement> {
    let mut out = Vec::new();
    b.needs(&mut out, "zookeeper.connect", "KAFKA_ZOOKEEPER_CONNECT");
    let named = ["listeners", "advertised.host.name", "advertised.listeners"]
        .iter()
        .any(|p| b.property(p).is_some());
    if !named && !b.env_has("HOSTNAME_COMMAND") {
        out.push(Requirement {
            keys: vec![
                "KAFKA_LISTENERS".into(),
                "KAFKA_ADVERTISED_HOST_NAME".into(),
                "HOSTNAME_COMMAND".into(),
            ],
            property: Some("listeners"),
            detail: None,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::address_book::AddressBook;
    use crate::facts::kafka::{brokers, cluster_members};
    use crate::project::from_yaml as load;

    #[test]
    fn wurstmeister_exit() {
        let project = load(
            r#"
services:
  exits:
    image: wurstmeister/kafka:2.13-2.8.1
    environment:
      KAFKA_ZOOKEEPER_CONNECT: zookeeper:2181
      KAFKA_ADVERTISED_LISTENERS: INSIDE://kafka:9093
  host-name:
    image: wurstmeister/kafka:2.13-2.8.1
    environment:
      KAFKA_ZOOKEEPER_CONNECT: zookeeper:2181
      KAFKA_ADVERTISED_LISTENERS: INSIDE://kafka:9093
      KAFKA_ADVERTISED_HOST_NAME: kafka
  unknown:
    image: wurstmeister/kafka:2.13-2.8.1
    environment:
      KAFKA_ZOOKEEPER_CONNECT: zookeeper:2181
      KAFKA_ADVERTISED_LISTENERS: INSIDE://kafka:9093
      KAFKA_LISTENERS: ${LISTENERS}
  confluent:
    image: confluentinc/cp-kafka:7.6.0
    environment:
      KAFKA_ZOOKEEPER_CONNECT: zookeeper:2181
      KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://kafka:9092
"#,
        );
        let exits: Vec<&str> = brokers(&project)
            .iter()
            .filter(|b| exits_at_startup(b))
            .map(|b| b.service)
            .collect();
        assert_eq!(exits, ["exits"]);
    }

    #[test]
    fn required_variables() {
        let project = load(
            r#"
services:
  cp73:
    image: confluentinc/cp-kafka:7.3.0
    environment:
      KAFKA_PROCESS_ROLES: broker,controller
  cp76:
    image: confluentinc/cp-kafka:7.6.0
    environment:
      KAFKA_PROCESS_ROLES: controller
  cp-latest:
    image: confluentinc/cp-kafka
    environment:
      KAFKA_ZOOKEEPER_CONNECT: zookeeper:2181
      KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://kafka:9092
  cp-tag:
    image: confluentinc/cp-kafka:${TAG}
    environment:
      KAFKA_ZOOKEEPER_CONNECT: zookeeper:2181
  cp-run-other:
    image: confluentinc/cp-kafka:7.6.0
    command: kafka-server-start /etc/kafka/server.properties
  apache-zk:
    image: apache/kafka:3.7.0
    environment:
      KAFKA_ZOOKEEPER_CONNECT: zookeeper:2181
  apache-partial:
    image: apache/kafka:3.8.0
    environment:
      KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://localhost:9092
  apache-defaults:
    image: apache/kafka:3.8.0
  bn3:
    image: bitnami/kafka:3.7
    environment:
      - KAFKA_CFG_PROCESS_ROLES=controller,broker
      - KAFKA_CFG_CONTROLLER_LISTENER_NAMES=CONTROLLER
      - KAFKA_CFG_LISTENERS=PLAINTEXT://:9092
  bn4:
    image: bitnami/kafka:4.0
    environment:
      - KAFKA_CFG_ZOOKEEPER_CONNECT=zookeeper:2181
  wm:
    image: wurstmeister/kafka
    environment:
      KAFKA_ZOOKEEPER_CONNECT: zookeeper:2181
"#,
        );
        let got: Vec<(&str, Vec<String>)> = brokers(&project)
            .iter()
            .map(|b| {
                let keys = required_missing(b)
                    .into_iter()
                    .map(|r| r.keys.join("|"))
                    .collect();
                (b.service, keys)
            })
            .collect();
        let expected: [(&str, &[&str]); 11] = [
            (
                "cp73",
                &["KAFKA_ZOOKEEPER_CONNECT", "KAFKA_ADVERTISED_LISTENERS"],
            ),
            ("cp76", &["CLUSTER_ID"]),
            ("cp-latest", &["KAFKA_PROCESS_ROLES", "CLUSTER_ID"]),
            ("cp-tag", &["KAFKA_ADVERTISED_LISTENERS"]),
            ("cp-run-other", &[]),
            ("apache-zk", &[]),
            (
                "apache-partial",
                &[
                    "KAFKA_PROCESS_ROLES",
                    "KAFKA_NODE_ID",
                    "KAFKA_CONTROLLER_QUORUM_VOTERS|KAFKA_CONTROLLER_QUORUM_BOOTSTRAP_SERVERS",
                    "KAFKA_CONTROLLER_LISTENER_NAMES",
                ],
            ),
            ("apache-defaults", &[]),
            (
                "bn3",
                &[
                    "KAFKA_CFG_NODE_ID",
                    "KAFKA_CFG_CONTROLLER_QUORUM_VOTERS",
                    "KAFKA_CFG_LISTENERS",
                ],
            ),
            ("bn4", &["KAFKA_CFG_PROCESS_ROLES", "KAFKA_CFG_NODE_ID"]),
            (
                "wm",
                &["KAFKA_LISTENERS|KAFKA_ADVERTISED_HOST_NAME|HOSTNAME_COMMAND"],
            ),
        ];
        assert_eq!(got.len(), expected.len());
        for ((service, keys), (name, want)) in got.iter().zip(expected) {
            assert_eq!(
                (*service, keys.as_slice()),
                (
                    name,
                    want.iter()
                        .map(|s| s.to_string())
                        .collect::<Vec<_>>()
                        .as_slice()
                )
            );
        }
        let book = AddressBook::new(&project);
        let all = brokers(&project);
        assert!(missing_required(&all[0]) && exits_at_startup(&all[0]));
        assert_eq!(cluster_members(&book, &all, &all[0]).len(), 1);
    }
}
