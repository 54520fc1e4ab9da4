//! Which services are Kafka brokers, and what they are made of: the image family and the
//! version its tag names, and the broker properties the environment sets.

use crate::facts::images::{self, image_of};
use crate::facts::values::args;
use crate::images::env::property_of;
use crate::images::reference::repository_before_unknown_tag;
use crate::images::{self as catalog, Family, Reference, TagVersion, entrypoint};
use crate::project::Project;
use crate::project::interpolate::SegmentKind;
use crate::project::value::Value;

/// An environment variable that sets a broker property.
#[derive(Debug, Clone, Copy)]
pub struct Setting<'p> {
    /// The variable, as written.
    pub key: &'p str,
    /// Its value.
    pub value: &'p Value,
}

impl<'p> Setting<'p> {
    /// The text, when known (no unset variable in it).
    pub fn text(&self) -> Option<&'p str> {
        let s = self.value.as_str()?;
        s.is_known().then_some(s.text.as_str())
    }

    /// The text of a number or string value, when known.
    pub fn scalar(&self) -> Option<String> {
        if self.value.as_str().is_some_and(|s| !s.is_known()) {
            return None;
        }
        self.value.scalar_text().map(|t| t.trim().to_string())
    }
}

/// A Kafka broker or controller service.
#[derive(Debug, Clone)]
pub struct Broker<'p> {
    /// The service key.
    pub service: &'p str,
    /// The service's value.
    pub spec: &'p Value,
    /// The image family.
    pub family: Family,
    /// The image tag's `major.minor`, when the tag says it.
    pub version: Option<(u32, u32)>,
    /// The broker properties the environment sets, in environment order.
    pub properties: Vec<(String, Setting<'p>)>,
    /// What identifies its cluster and how many brokers that has, computed once for all the
    /// project's brokers on first use (`cluster::cluster_broker_count`): counting each broker's
    /// cluster by comparing it with every other broker was quadratic.
    pub(crate) cluster: std::sync::OnceLock<Cluster>,
}

/// A broker's cluster: its broker count and nodes.
#[derive(Debug, Clone)]
pub(crate) struct Cluster {
    /// How many brokers it has; None when unknown.
    pub(crate) brokers: Option<usize>,
    /// Its nodes, by position among the project's brokers (empty when the key is unknown).
    pub(crate) members: std::sync::Arc<[usize]>,
}

impl<'p> Broker<'p> {
    /// The setting of property `name` (`listeners`, `advertised.listeners`).
    pub fn property(&self, name: &str) -> Option<&Setting<'p>> {
        self.properties
            .iter()
            .rev()
            .find(|(p, _)| p == name)
            .map(|(_, s)| s)
    }

    /// The known text of property `name`.
    pub fn text(&self, name: &str) -> Option<&'p str> {
        self.property(name)?.text()
    }

    /// The process roles (`broker`, `controller`) in KRaft mode; None in ZooKeeper mode.
    pub fn roles(&self) -> Option<Vec<String>> {
        let text = self.text("process.roles")?;
        Some(
            text.split(',')
                .map(|r| r.trim().to_ascii_lowercase())
                .filter(|r| !r.is_empty())
                .collect(),
        )
    }

    /// Whether the node serves clients (a broker, in ZooKeeper mode always).
    pub fn is_broker(&self) -> bool {
        self.roles().is_none_or(|r| r.iter().any(|r| r == "broker"))
    }

    /// Whether the node is a KRaft controller.
    pub fn is_controller(&self) -> bool {
        self.roles()
            .is_some_and(|r| r.iter().any(|r| r == "controller"))
    }

    /// Whether the environment sets variable `key`, to any value.
    pub fn env_has(&self, key: &str) -> bool {
        self.spec
            .get("environment")
            .and_then(Value::as_map)
            .is_some_and(|env| env.contains_key(key))
    }

    /// Whether the node has an id: `node.id`, or `broker.id`, which Kafka copies to `node.id`
    /// when only it is set (bitnami's script insists on `KAFKA_CFG_NODE_ID`).
    pub fn has_node_id(&self) -> bool {
        self.property("node.id").is_some()
            || self.family != Family::Bitnami && self.property("broker.id").is_some()
    }

    /// The node id, when known.
    pub fn node_id(&self) -> Option<u32> {
        let setting = self.property("node.id").or_else(|| {
            (self.family != Family::Bitnami)
                .then(|| self.property("broker.id"))
                .flatten()
        })?;
        setting.scalar()?.parse().ok()
    }
}

/// Whether a Redpanda image runs the broker: the image's default command, or `redpanda start`
/// (not `rpk topic create ...` and other client commands, §1.3.1).
fn runs_redpanda(spec: &Value) -> bool {
    let words: Vec<String> = ["entrypoint", "command"]
        .iter()
        .flat_map(|k| args(spec, k))
        .flat_map(|a| {
            a.text
                .split_whitespace()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    words.is_empty() || entrypoint::starts_redpanda(words.iter().map(String::as_str))
}

/// The Kafka brokers and controllers of a project (§3.1), Redpanda included.
pub(crate) fn brokers(project: &Project) -> Vec<Broker<'_>> {
    project
        .services()
        .filter_map(|(name, spec)| broker(name, spec))
        .collect()
}

/// The service as a broker, when it is one.
pub(crate) fn broker<'p>(name: &'p str, spec: &'p Value) -> Option<Broker<'p>> {
    // Most services have nothing Kafka about them: no broker setting, no command, and an
    // image that is no broker's. Decide those without parsing the image reference twice.
    let kafka_env = spec
        .get("environment")
        .and_then(Value::as_map)
        .is_some_and(images::has_broker_key);
    let runs_something = spec.get("command").is_some() || spec.get("entrypoint").is_some();
    let image_text = spec
        .get("image")
        .and_then(Value::as_str)
        .map_or("", |s| s.text.as_str());
    let kafka_image = catalog::may_name_broker(image_text);
    if !kafka_env && !runs_something && !kafka_image {
        return None;
    }
    // The family is known when only the tag is an unset variable (`cp-kafka:${TAG}`).
    let repo = image_version(spec).map(|(r, _)| r).unwrap_or_default();
    let family = Family::of(repo);
    let redpanda = family == Family::Redpanda && runs_redpanda(spec);
    // A helper (§1.3.1) runs a client, whatever settings it carries to please the image.
    if !redpanda && (!images::is_kafka_broker(spec) || images::is_helper(spec)) {
        return None;
    }
    let version = image_of(spec).and_then(|i| Reference::parse(i).major_minor());
    let properties = spec
        .get("environment")
        .and_then(Value::as_map)
        .into_iter()
        .flat_map(|env| env.iter())
        .filter_map(|(key, _, value)| Some((property_of(family, key)?, Setting { key, value })))
        .collect();
    Some(Broker {
        service: name,
        spec,
        family,
        version,
        properties,
        cluster: std::sync::OnceLock::new(),
    })
}

/// The repository of a service's image and what its tag says, also when only the tag comes
/// from an unset variable (`confluentinc/cp-kafka:${TAG}`). None when there is no image or its
/// repository is unknown.
pub(crate) fn image_version(service: &Value) -> Option<(&str, TagVersion)> {
    let s = service.get("image")?.as_str()?;
    if s.is_known() {
        let reference = Reference::parse(&s.text);
        return Some((reference.repository, reference.version()));
    }
    let first_unknown = s.interpolation.as_ref()?.segments.iter().find_map(|seg| {
        matches!(seg.kind, SegmentKind::Unknown { .. }).then_some(seg.text.start)
    })?;
    let prefix = s.text.get(..first_unknown)?;
    repository_before_unknown_tag(prefix).map(|repo| (repo, TagVersion::Unknown))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::from_yaml as load;

    /// The `major.minor` of an image tag, as brokers record it.
    fn tag_version(image: &str) -> Option<(u32, u32)> {
        Reference::parse(image).major_minor()
    }

    #[test]
    fn properties_per_family() {
        let cases = [
            (
                Family::Confluent,
                "KAFKA_ADVERTISED_LISTENERS",
                Some("advertised.listeners"),
            ),
            (
                Family::Confluent,
                "KAFKA_LISTENER_NAME_INTERNAL_SASL_ENABLED__MECHANISMS",
                Some("listener.name.internal.sasl.enabled-mechanisms"),
            ),
            (Family::Apache, "KAFKA_CONFLUENT___X", Some("confluent_x")),
            (Family::Confluent, "KAFKA_HEAP_OPTS", None),
            (Family::Bitnami, "KAFKA_CFG_LISTENERS", Some("listeners")),
            (Family::Bitnami, "KAFKA_LISTENERS", Some("listeners")),
            (Family::Bitnami, "KAFKA_ADVERTISED_HOST_NAME", None),
            (
                Family::Bitnami,
                "KAFKA_CFG_LISTENER_NAME_SASL_SSL_X",
                Some("listener.name.sasl_ssl.x"),
            ),
            (
                Family::Wurstmeister,
                "KAFKA_ADVERTISED_HOST_NAME",
                Some("advertised.host.name"),
            ),
            (Family::Wurstmeister, "KAFKA_CREATE_TOPICS", None),
            (Family::Redpanda, "KAFKA_LISTENERS", None),
        ];
        for (family, key, property) in cases {
            assert_eq!(
                property_of(family, key).as_deref(),
                property,
                "{family:?} {key}"
            );
        }
    }

    #[test]
    fn versions() {
        assert_eq!(tag_version("confluentinc/cp-kafka:7.8.0"), Some((7, 8)));
        assert_eq!(
            tag_version("bitnami/kafka:3.7.0-debian-12-r3"),
            Some((3, 7))
        );
        assert_eq!(tag_version("apache/kafka:4"), Some((4, 0)));
        assert_eq!(tag_version("localhost:5000/kafka"), None);
        assert_eq!(tag_version("bitnami/kafka:latest"), None);
        assert_eq!(tag_version("bitnami/kafka"), None);
    }

    #[test]
    fn image_versions() {
        let project = load(
            r#"
services:
  a: {image: 'confluentinc/cp-kafka:${TAG}'}
  b: {image: 'bitnami/kafka:3.7.0-debian-12-r3'}
  c: {image: confluentinc/cp-kafka:7}
  d: {image: apache/kafka}
  e: {image: '${REGISTRY}/kafka:1.0'}
"#,
        );
        let tags: Vec<_> = project.services().map(|(_, s)| image_version(s)).collect();
        assert_eq!(
            tags,
            [
                Some(("confluentinc/cp-kafka", TagVersion::Unknown)),
                Some(("bitnami/kafka", TagVersion::Known(3, Some(7)))),
                Some(("confluentinc/cp-kafka", TagVersion::Known(7, None))),
                Some(("apache/kafka", TagVersion::Newest)),
                None,
            ]
        );
    }
}
