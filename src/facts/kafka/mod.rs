//! Kafka brokers as their images see them (RULES.md §3): the image family and version, the
//! broker properties the environment sets, and the listener model those properties give.

use super::address_book::{AddressBook, Addressee};
use super::connection::parse_value;
use super::hostlist;
use super::images::{self, image_of, repository};
use super::values::args;
use crate::facts::network_mode::NetworkMode;
use crate::images::reference::repository_before_unknown_tag;
use crate::images::{self as catalog, Image, Reference, entrypoint};
use crate::project::Project;
use crate::project::interpolate::SegmentKind;
use crate::project::value::Value;
use std::ops::Range;

pub use crate::images::env::property_of;
pub use crate::images::{Family, TagVersion};

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

/// One listener or advertised listener: `NAME://host:port`.
#[derive(Debug, Clone)]
pub struct Endpoint<'p> {
    /// The listener name, upper-case (Kafka compares names case-sensitively, but images
    /// upper-case the protocol map; names are written upper-case in practice).
    pub name: String,
    /// The host as written; empty for `PLAINTEXT://:9092`.
    pub host: String,
    /// The port.
    pub port: Option<u16>,
    /// Where it is written, when it is (derived and default listeners have no source).
    pub source: Option<EndpointSource<'p>>,
}

/// Where an endpoint is written: the value and the byte ranges inside its text.
#[derive(Debug, Clone)]
pub struct EndpointSource<'p> {
    /// The variable or flag value holding the list.
    pub value: &'p Value,
    /// The environment key, or None for a command-line flag.
    pub key: Option<&'p str>,
    /// Where the list starts in the value's text (a flag written `--flag=list` starts later).
    pub offset: usize,
    /// Bytes of `host[:port]` (without `NAME://`) in the value's text.
    pub entry: Range<usize>,
    /// Bytes of the host in the value's text.
    pub host: Range<usize>,
}

/// How the effective listeners were found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// `listeners` (or Redpanda `--kafka-addr`) is set.
    Explicit,
    /// The image derives them from the advertised listeners (Confluent, Apache).
    Derived,
    /// Nothing sets them: the image's or Kafka's defaults.
    Default,
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

    /// The explicit listeners: `listeners`, or Redpanda's `--kafka-addr` (empty when the
    /// setting holds an unset variable).
    pub fn listeners(&self) -> Option<Vec<Endpoint<'p>>> {
        match self.family {
            Family::Redpanda => self.flag_endpoints("--kafka-addr"),
            _ => self.endpoints("listeners"),
        }
    }

    /// The explicit advertised listeners: `advertised.listeners`, or Redpanda's
    /// `--advertise-kafka-addr`.
    pub fn advertised(&self) -> Option<Vec<Endpoint<'p>>> {
        match self.family {
            Family::Redpanda => self.flag_endpoints("--advertise-kafka-addr"),
            _ => self.endpoints("advertised.listeners"),
        }
    }

    /// The listeners the broker binds, and how they were found.
    pub fn effective_listeners(&self) -> (Vec<Endpoint<'p>>, Origin) {
        if let Some(explicit) = self.listeners() {
            return (explicit, Origin::Explicit);
        }
        let derives = matches!(self.family, Family::Confluent | Family::Apache);
        if derives && let Some(advertised) = self.advertised() {
            let derived = advertised
                .into_iter()
                .map(|e| Endpoint {
                    host: "0.0.0.0".into(),
                    source: None,
                    ..e
                })
                .collect();
            return (derived, Origin::Derived);
        }
        let plain = |name: &str, host: &str, port: u16| Endpoint {
            name: name.to_string(),
            host: host.to_string(),
            port: Some(port),
            source: None,
        };
        let defaults = match self.family {
            Family::Apache if self.properties.is_empty() => vec![
                plain("PLAINTEXT", "localhost", 29092),
                plain("CONTROLLER", "localhost", 29093),
                plain("PLAINTEXT_HOST", "0.0.0.0", 9092),
            ],
            // Without `--kafka-addr` the addresses come from `redpanda.yaml` (often mounted):
            // unknown.
            Family::Redpanda => Vec::new(),
            Family::Wurstmeister => {
                let port = self
                    .property("port")
                    .and_then(|s| s.scalar()?.parse().ok())
                    .unwrap_or(9092);
                vec![plain("PLAINTEXT", "", port)]
            }
            _ => vec![plain("PLAINTEXT", "", 9092)],
        };
        (defaults, Origin::Default)
    }

    /// The advertised endpoints: explicit, else the legacy `advertised.host.name` and
    /// `advertised.port` on images whose Kafka still reads them (< 3.0), else the listeners.
    /// Empty when they cannot be known: a mounted broker configuration, or an unknown image
    /// with a legacy host name.
    pub fn effective_advertised(&self) -> Vec<Endpoint<'p>> {
        if let Some(explicit) = self.advertised() {
            return explicit;
        }
        // Unknown (empty): a mounted configuration may advertise anything, and an image we do
        // not know may still read the legacy host name.
        let legacy_unknown = self.family == Family::Other
            && (self.property("advertised.host.name").is_some()
                || self.property("host.name").is_some());
        if self.mounts_config() || legacy_unknown {
            return Vec::new();
        }
        let (listeners, origin) = self.effective_listeners();
        if self.honours_legacy_host_settings()
            && let Some(host) = self.property("advertised.host.name")
        {
            let port = self
                .property("advertised.port")
                .or_else(|| self.property("port"))
                .and_then(|s| s.scalar()?.parse().ok())
                .or(listeners.first().and_then(|l| l.port));
            return vec![Endpoint {
                name: "PLAINTEXT".into(),
                host: host.scalar().unwrap_or_default(),
                port,
                source: None,
            }];
        }
        if origin == Origin::Default && self.family == Family::Apache && self.properties.is_empty()
        {
            let ad = |name: &str, port| Endpoint {
                name: name.to_string(),
                host: "localhost".into(),
                port: Some(port),
                source: None,
            };
            return vec![ad("PLAINTEXT", 29092), ad("PLAINTEXT_HOST", 9092)];
        }
        // Kafka advertises the listeners, controllers excluded.
        let controllers = self.controller_names();
        listeners
            .into_iter()
            .filter(|l| !controllers.contains(&l.name))
            .collect()
    }

    /// Whether the image's Kafka still reads `advertised.host.name`/`host.name`/`port`
    /// (removed in Kafka 3.0, KAFKA-12945): wurstmeister (Kafka ≤ 2.8), Confluent < 7,
    /// bitnami < 3.
    pub fn honours_legacy_host_settings(&self) -> bool {
        match (self.family, self.version) {
            (Family::Wurstmeister, _) => true,
            (Family::Confluent, Some((major, _))) => major < 7,
            (Family::Bitnami, Some((major, _))) => major < 3,
            _ => false,
        }
    }

    /// `listener.security.protocol.map` as `(NAME, PROTOCOL)` pairs, when set.
    pub fn protocol_map(&self) -> Option<Vec<(String, String)>> {
        let text = self.text("listener.security.protocol.map")?;
        Some(
            text.split(',')
                .filter_map(|pair| {
                    let (name, protocol) = pair.split_once(':')?;
                    Some((
                        name.trim().to_ascii_uppercase(),
                        protocol.trim().to_ascii_uppercase(),
                    ))
                })
                .collect(),
        )
    }

    /// The security protocol of listener `name`: from the map when it is set, else the
    /// built-in names map to themselves (and, in KRaft, controller names to PLAINTEXT).
    pub fn protocol(&self, name: &str) -> Option<String> {
        let name = name.to_ascii_uppercase();
        if let Some(map) = self.protocol_map() {
            return map.into_iter().find(|(n, _)| *n == name).map(|(_, p)| p);
        }
        if BUILT_IN_PROTOCOLS.contains(&name.as_str()) {
            return Some(name);
        }
        (self.roles().is_some() && self.controller_names().contains(&name))
            .then(|| "PLAINTEXT".to_string())
    }

    /// `controller.listener.names`, upper-case.
    pub fn controller_names(&self) -> Vec<String> {
        self.text("controller.listener.names")
            .map(|t| {
                t.split(',')
                    .map(|n| n.trim().to_ascii_uppercase())
                    .filter(|n| !n.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The listener brokers replicate through: `inter.broker.listener.name`, else the name
    /// of `security.inter.broker.protocol`, else `PLAINTEXT`.
    pub fn inter_broker_name(&self) -> String {
        self.text("inter.broker.listener.name")
            .or_else(|| self.text("security.inter.broker.protocol"))
            .map_or("PLAINTEXT".to_string(), |t| t.trim().to_ascii_uppercase())
    }

    /// The endpoints of a listener-list property; an empty list when the property is set
    /// but unknown (an unset variable), so that nothing is concluded from defaults.
    fn endpoints(&self, property: &str) -> Option<Vec<Endpoint<'p>>> {
        let setting = self.property(property)?;
        let Some(text) = setting.text() else {
            return Some(Vec::new());
        };
        Some(parse_endpoints(setting.value, Some(setting.key), text, 0))
    }

    /// Endpoints from a Redpanda flag (`--kafka-addr a://h:p,b://h:p`, `--flag=list`, or
    /// `--flag list` in one argument).
    fn flag_endpoints(&self, flag: &str) -> Option<Vec<Endpoint<'p>>> {
        let args: Vec<_> = ["entrypoint", "command"]
            .iter()
            .flat_map(|k| args(self.spec, k))
            .collect();
        for (i, arg) in args.iter().enumerate() {
            let (value, offset, text) = if arg.text == flag {
                let next = args.get(i + 1)?;
                (next.value, next.offset, next.text.clone())
            } else if let Some(rest) = arg
                .text
                .strip_prefix(flag)
                .and_then(|r| r.strip_prefix('=').or_else(|| r.strip_prefix(' ')))
            {
                // `--flag=list`, or `--flag list` as one list item (Redpanda's own examples).
                (
                    arg.value,
                    arg.offset.map(|o| o + flag.len() + 1),
                    rest.to_string(),
                )
            } else {
                continue;
            };
            let mut endpoints = parse_endpoints(value, None, &text, offset.unwrap_or(0));
            if offset.is_none() {
                endpoints.iter_mut().for_each(|e| e.source = None);
            }
            return Some(endpoints);
        }
        None
    }
}

/// Protocol names that map to themselves when the protocol map is unset.
pub const BUILT_IN_PROTOCOLS: [&str; 4] = ["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"];

/// Parses a listener list (`NAME://host:port,...`; a Redpanda entry without a name is
/// `PLAINTEXT`).
fn parse_endpoints<'p>(
    value: &'p Value,
    key: Option<&'p str>,
    text: &str,
    offset: usize,
) -> Vec<Endpoint<'p>> {
    parse_value(text)
        .into_iter()
        .map(|t| Endpoint {
            name: t
                .listener
                .clone()
                .or_else(|| t.scheme.clone())
                .unwrap_or_else(|| "PLAINTEXT".into())
                .to_ascii_uppercase(),
            host: t.host.clone(),
            port: t.port,
            source: Some(EndpointSource {
                value,
                key,
                offset,
                entry: offset + t.range.start..offset + t.range.end,
                host: offset + t.host_range.start..offset + t.host_range.end,
            }),
        })
        .collect()
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
pub fn brokers(project: &Project) -> Vec<Broker<'_>> {
    project
        .services()
        .filter_map(|(name, spec)| broker(name, spec))
        .collect()
}

/// The service as a broker, when it is one.
pub fn broker<'p>(name: &'p str, spec: &'p Value) -> Option<Broker<'p>> {
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
    })
}

/// Whether the container exits at start-up, before Kafka binds or advertises anything: the
/// address rules (KAF002–KAF005, KAF013, KAF015) stay silent on such a broker (RULES.md §1.5
/// item 3). Covers KAF008 sub-case 4 and KAF011 ([`missing_required`]).
pub fn exits_at_startup(broker: &Broker) -> bool {
    wurstmeister_listeners_missing(broker) || missing_required(broker)
}

/// wurstmeister's `start-kafka.sh` exits "Missing environment variable KAFKA_LISTENERS. Must be
/// specified when using KAFKA_ADVERTISED_LISTENERS" when `KAFKA_ADVERTISED_LISTENERS` is set and
/// `KAFKA_LISTENERS` and `KAFKA_ADVERTISED_HOST_NAME` are both empty (its test is
/// `-z "$KAFKA_ADVERTISED_HOST_NAME$KAFKA_LISTENERS"`). False when a value involved is unknown.
pub fn wurstmeister_listeners_missing(broker: &Broker) -> bool {
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

/// Whether a property the environment leaves unset takes Kafka's or the image's documented
/// default: true for the known images, false for `confluentinc/confluent-local` (whose image
/// sets a whole KRaft configuration of its own) and for unknown images (which may bake one in).
pub fn unset_means_default(broker: &Broker) -> bool {
    let repo = image_of(broker.spec).map(repository).unwrap_or_default();
    matches!(
        broker.family,
        Family::Confluent | Family::Apache | Family::Bitnami | Family::Wurstmeister
    ) && catalog::image(repo) != Some(Image::ConfluentLocal)
}

/// How many brokers `broker`'s cluster has (RULES.md §3.6): nodes among `brokers` with the
/// same normalised `zookeeper.connect`, the same KRaft voters (else the same cluster id) whose
/// roles include `broker`, each counted `deploy.replicas`/`scale` times. A node whose cluster
/// cannot be told (no ZooKeeper, voters or id; Redpanda) is alone. None when a value involved
/// is unknown.
pub fn cluster_broker_count(
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
pub fn cluster_members<'a, 'p>(
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

/// The repository of a service's image and what its tag says, also when only the tag comes
/// from an unset variable (`confluentinc/cp-kafka:${TAG}`). None when there is no image or its
/// repository is unknown.
pub fn image_version(service: &Value) -> Option<(&str, TagVersion)> {
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

/// One voter of `controller.quorum.voters`: `id@host:port`, with byte ranges in the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Voter {
    /// The node id.
    pub id: u32,
    /// The host as written (IPv6 without brackets).
    pub host: String,
    /// The port.
    pub port: u16,
    /// Bytes of `id@host:port`.
    pub entry: Range<usize>,
    /// Bytes of the host.
    pub host_range: Range<usize>,
    /// Bytes of the port.
    pub port_range: Range<usize>,
}

/// Parses `controller.quorum.voters` as Kafka does (`id@host:port`, comma-separated, entries
/// trimmed); None when an entry does not parse ("must contain a parseable set of voters").
pub fn parse_voters(text: &str) -> Option<Vec<Voter>> {
    let mut out = Vec::new();
    let mut start = 0;
    for piece in text.split(',') {
        let lead = piece.len() - piece.trim_start().len();
        let entry = start + lead..start + piece.trim_end().len();
        start += piece.len() + 1;
        if entry.is_empty() {
            continue;
        }
        out.push(parse_voter(text, entry)?);
    }
    Some(out)
}

/// One `id@host:port` filling `entry` of `text`.
fn parse_voter(text: &str, entry: Range<usize>) -> Option<Voter> {
    let raw = &text[entry.clone()];
    let (id, address) = raw.split_once('@')?;
    let id: u32 = id.parse().ok()?;
    let colon = address.rfind(':')?;
    let (host, port) = (&address[..colon], &address[colon + 1..]);
    let port: u16 = port.parse().ok()?;
    let (host, host_start) = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(inner) => (inner, 1),
        None => (host, 0),
    };
    let valid = |c: char| c.is_ascii_alphanumeric() || "-._%:".contains(c);
    if host.is_empty() || !host.chars().all(valid) || (host_start == 0 && host.contains(':')) {
        return None;
    }
    let at = entry.start + raw.find('@')? + 1;
    Some(Voter {
        id,
        host: host.to_string(),
        port,
        entry: entry.clone(),
        host_range: at + host_start..at + host_start + host.len(),
        port_range: at + colon + 1..entry.end,
    })
}

/// Why a cluster id is refused (Kafka's `Uuid.fromString`, RULES.md §3.4 item 10).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClusterIdError {
    /// Longer than 24 characters: "too long to be decoded as a base64 UUID".
    TooLong(usize),
    /// Not base64url (a character outside `A-Z a-z 0-9 - _`, bad padding, a lone last
    /// character): Java's URL decoder throws.
    NotBase64,
    /// Decodes to this many bytes, not 16.
    Bytes(usize),
}

/// Decodes a KRaft cluster id as Kafka's `Uuid.fromString` does: at most 24 characters,
/// Java's base64url decoder (padding optional but exact, unused trailing bits ignored), and
/// exactly 16 bytes. `kafka-local-cluster-01` is valid; `my-cluster` is not.
pub fn decode_cluster_id(text: &str) -> Result<[u8; 16], ClusterIdError> {
    if text.len() > 24 {
        return Err(ClusterIdError::TooLong(text.chars().count()));
    }
    let bytes = decode_base64url(text).ok_or(ClusterIdError::NotBase64)?;
    bytes
        .as_slice()
        .try_into()
        .map_err(|_| ClusterIdError::Bytes(bytes.len()))
}

/// Java's `Base64.getUrlDecoder().decode`: None where it throws.
fn decode_base64url(text: &str) -> Option<Vec<u8>> {
    let (data, padding) = match text.find('=') {
        Some(i) => (&text[..i], &text[i..]),
        None => (text, ""),
    };
    let mut out = Vec::with_capacity(data.len() * 3 / 4);
    let mut bits: u32 = 0;
    let mut count = 0;
    for c in data.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(v);
        count += 1;
        if count == 4 {
            out.extend_from_slice(&bits.to_be_bytes()[1..]);
            bits = 0;
            count = 0;
        }
    }
    // Padding, when present, must complete the last unit exactly and end the input.
    let expected = match count {
        0 => "",
        2 => "==",
        3 => "=",
        _ => return None,
    };
    if !padding.is_empty() && padding != expected {
        return None;
    }
    match count {
        2 => out.push((bits >> 4) as u8),
        3 => out.extend_from_slice(&((bits >> 2) as u16).to_be_bytes()),
        _ => {}
    }
    Some(out)
}

/// The base64url form (no padding, 22 characters) of a 16-byte id.
pub fn encode_cluster_id(bytes: &[u8; 16]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(22);
    for chunk in bytes.chunks(3) {
        let mut group = [0u8; 3];
        group[..chunk.len()].copy_from_slice(chunk);
        let n = u32::from_be_bytes([0, group[0], group[1], group[2]]);
        for i in 0..=chunk.len() {
            let index = (n >> (18 - 6 * i)) & 63;
            out.push(char::from(ALPHABET[index as usize]));
        }
    }
    out
}

/// A valid cluster id derived from `seed` (the FNV-1a 128-bit hash of its bytes), so the same
/// project always gets the same id: never all zeros, and never starting with `-` (which
/// command lines take for an option; Kafka's own `Uuid.randomUuid` avoids it too).
pub fn derived_cluster_id(seed: &str) -> String {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    let hash = seed
        .bytes()
        .fold(OFFSET, |h, b| (h ^ u128::from(b)).wrapping_mul(PRIME));
    let mut bytes = hash.to_be_bytes();
    if bytes.iter().all(|b| *b == 0) {
        bytes[0] = 1;
    }
    if bytes[0] >> 2 == 62 {
        bytes[0] ^= 0x80;
    }
    encode_cluster_id(&bytes)
}

/// A variable an image's entrypoint requires and a service lacks (RULES.md §3.2, KAF011).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// The variables any one of which would do; the first is the one to add.
    pub keys: Vec<String>,
    /// The broker property the first key sets, if it sets one.
    pub property: Option<&'static str>,
    /// What is wrong when a value, not a variable, is missing (a listener absent from a list).
    pub detail: Option<String>,
}

impl Requirement {
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
pub fn missing_required(broker: &Broker) -> bool {
    !required_missing(broker).is_empty()
}

/// The variables `broker`'s image entrypoint requires that its environment lacks (§3.2), for
/// the version its tag names: `latest` or no tag means the newest release; a tag that is an
/// unset variable keeps only what every release requires. Empty when the entrypoint does not
/// run (a `command` that skips it), when `process.roles` is unknown, and for images without a
/// checking entrypoint, and when a mounted configuration file may hold the settings.
pub fn required_missing(broker: &Broker) -> Vec<Requirement> {
    let Some((repo, tag)) = image_version(broker.spec) else {
        return Vec::new();
    };
    if broker.property("process.roles").is_some() && broker.roles().is_none() {
        return Vec::new();
    }
    type Check = fn(&Broker, (u32, Option<u32>)) -> Vec<Requirement>;
    let (check, versions): (Check, &[(u32, Option<u32>)]) = match broker.family {
        // The enterprise image was renamed `cp-server`: its newest tags are ZooKeeper-era.
        Family::Confluent if catalog::image(repo) == Some(Image::CpEnterpriseKafka) => {
            (confluent_requirements, &[(7, Some(3))])
        }
        Family::Confluent if catalog::checks_confluent_env(repo) => (
            confluent_requirements,
            &[(8, Some(0)), (7, Some(3)), (7, Some(4))],
        ),
        Family::Apache => (apache_requirements, &[(4, Some(0)), (3, Some(9))]),
        Family::Bitnami => (bitnami_requirements, &[(4, Some(1)), (3, Some(9))]),
        Family::Wurstmeister => (wurstmeister_requirements, &[(2, Some(8))]),
        _ => return Vec::new(),
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

/// Whether the image's start script runs on the environment as written: no `command` or
/// `entrypoint`, or one that calls the script without a shell step that could set variables or
/// patch the image's checks first (`export`, `VAR=…`, `sed`, another `*.sh`, as kafka-ui's
/// `update_run.sh` does to cp-kafka's `configure`).
pub fn runs_start_script(spec: &Value, script: &str) -> bool {
    let words: Vec<String> = ["entrypoint", "command"]
        .iter()
        .filter_map(|k| spec.get(k))
        .flat_map(|v| -> Vec<String> {
            match v.as_seq() {
                Some(items) => items
                    .iter()
                    .filter_map(|i| i.scalar_text().map(|s| s.into_owned()))
                    .collect(),
                None => v
                    .scalar_text()
                    .map(|s| s.into_owned())
                    .into_iter()
                    .collect(),
            }
        })
        .collect();
    if words.is_empty() {
        return true;
    }
    let text = words.join(" ");
    if !text.contains(script) {
        return false;
    }
    let rest = text
        .replace(script, "")
        .replace(entrypoint::BITNAMI_KAFKA_ENTRYPOINT, "");
    ![
        "export ",
        "sed ",
        "source ",
        ". /",
        "env ",
        "=",
        ".sh",
        "configure",
    ]
    .iter()
    .any(|m| rest.contains(m))
}

impl<'p> Broker<'p> {
    /// Whether the image's start script turns the environment into the broker's configuration
    /// (a `command` that starts Kafka on a file of its own ignores it, [`runs_start_script`]);
    /// true for images whose script is not known.
    pub fn reads_environment(&self) -> bool {
        entrypoint::kafka_start_script(self.family)
            .is_none_or(|script| runs_start_script(self.spec, script))
    }

    /// Whether the service mounts a broker configuration the image reads besides the
    /// environment (apache's file input `/mnt/shared/config`, `/opt/kafka/config`, bitnami's
    /// `/bitnami/kafka/config`, a `server.properties`): settings missing from the environment
    /// may be in it.
    pub fn mounts_config(&self) -> bool {
        let targets = self
            .spec
            .get("volumes")
            .and_then(Value::as_seq)
            .into_iter()
            .flatten()
            .filter_map(|v| match v.get("target") {
                Some(t) => t.scalar_text().map(|t| t.into_owned()),
                None => {
                    let text = v.scalar_text()?;
                    text.split(':').nth(1).map(str::to_string)
                }
            });
        targets.into_iter().any(|t| {
            let t = t.trim_end_matches('/');
            entrypoint::KAFKA_CONFIG_DIRS
                .iter()
                .any(|d| t == *d || t.starts_with(&format!("{d}/")))
                || entrypoint::KAFKA_CONFIG_FILES
                    .iter()
                    .any(|f| t.rsplit('/').next() == Some(f))
        })
    }

    /// Whether the environment sets variable `key`, to any value.
    pub fn env_has(&self, key: &str) -> bool {
        self.spec
            .get("environment")
            .and_then(Value::as_map)
            .is_some_and(|env| env.contains_key(key))
    }

    /// The variable holding the KRaft cluster id the image reads (`CLUSTER_ID` for Confluent
    /// and Apache, `KAFKA_CLUSTER_ID` or the older `KAFKA_KRAFT_CLUSTER_ID` for bitnami), with
    /// its value, when set.
    pub fn cluster_id_setting(&self) -> Option<(&'p str, &'p Value)> {
        let keys: &[&str] = match self.family {
            Family::Confluent | Family::Apache => &["CLUSTER_ID"],
            Family::Bitnami => &["KAFKA_CLUSTER_ID", "KAFKA_KRAFT_CLUSTER_ID"],
            Family::Other => &["CLUSTER_ID", "KAFKA_CLUSTER_ID"],
            Family::Wurstmeister | Family::Redpanda => &[],
        };
        let env = self.spec.get("environment")?.as_map()?;
        keys.iter()
            .find_map(|k| env.iter().find(|(key, _, _)| key == k))
            .map(|(k, _, v)| (k, v))
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

    fn load(yaml: &str) -> Project {
        let opts = crate::project::LoadOptions::default();
        crate::project::load_text(std::path::Path::new("c.yaml"), yaml.into(), &opts)
    }

    fn show(endpoints: &[Endpoint]) -> Vec<String> {
        endpoints
            .iter()
            .map(|e| format!("{}://{}:{:?}", e.name, e.host, e.port))
            .collect()
    }

    #[test]
    fn listener_model() {
        let project = load(
            r#"
services:
  cp:
    image: confluentinc/cp-kafka:7.6.0
    environment:
      KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://kafka:29092,PLAINTEXT_HOST://localhost:9092
  bn:
    image: bitnami/kafka:3.7
    environment:
      - KAFKA_CFG_PROCESS_ROLES=broker,controller
      - KAFKA_CFG_LISTENERS=PLAINTEXT://:9092,CONTROLLER://:9093
      - KAFKA_CFG_CONTROLLER_LISTENER_NAMES=CONTROLLER
  wm:
    image: wurstmeister/kafka:2.13-2.8.1
    environment:
      KAFKA_ADVERTISED_HOST_NAME: 192.168.1.5
      KAFKA_ZOOKEEPER_CONNECT: zookeeper:2181
  ap:
    image: apache/kafka:3.8.0
  rp:
    image: redpandadata/redpanda:v24.1.1
    command:
      - redpanda
      - start
      - --kafka-addr internal://0.0.0.0:9092,external://0.0.0.0:19092
      - --advertise-kafka-addr internal://redpanda:9092,external://localhost:19092
"#,
        );
        let brokers = brokers(&project);
        let got: Vec<(String, Vec<String>, Vec<String>)> = brokers
            .iter()
            .map(|b| {
                (
                    b.service.to_string(),
                    show(&b.effective_listeners().0),
                    show(&b.effective_advertised()),
                )
            })
            .collect();
        let expected = [
            (
                "cp",
                vec![
                    "PLAINTEXT://0.0.0.0:Some(29092)",
                    "PLAINTEXT_HOST://0.0.0.0:Some(9092)",
                ],
                vec![
                    "PLAINTEXT://kafka:Some(29092)",
                    "PLAINTEXT_HOST://localhost:Some(9092)",
                ],
            ),
            (
                "bn",
                vec!["PLAINTEXT://:Some(9092)", "CONTROLLER://:Some(9093)"],
                vec!["PLAINTEXT://:Some(9092)"],
            ),
            (
                "wm",
                vec!["PLAINTEXT://:Some(9092)"],
                vec!["PLAINTEXT://192.168.1.5:Some(9092)"],
            ),
            (
                "ap",
                vec![
                    "PLAINTEXT://localhost:Some(29092)",
                    "CONTROLLER://localhost:Some(29093)",
                    "PLAINTEXT_HOST://0.0.0.0:Some(9092)",
                ],
                vec![
                    "PLAINTEXT://localhost:Some(29092)",
                    "PLAINTEXT_HOST://localhost:Some(9092)",
                ],
            ),
            (
                "rp",
                vec![
                    "INTERNAL://0.0.0.0:Some(9092)",
                    "EXTERNAL://0.0.0.0:Some(19092)",
                ],
                vec![
                    "INTERNAL://redpanda:Some(9092)",
                    "EXTERNAL://localhost:Some(19092)",
                ],
            ),
        ];
        assert_eq!(got.len(), expected.len());
        for (g, (name, l, a)) in got.iter().zip(expected) {
            assert_eq!(
                (g.0.as_str(), &g.1, &g.2),
                (
                    name,
                    &l.iter().map(|s| s.to_string()).collect(),
                    &a.iter().map(|s| s.to_string()).collect()
                ),
                "{name}"
            );
        }
        let bn = &brokers[1];
        assert_eq!(bn.roles(), Some(vec!["broker".into(), "controller".into()]));
        assert_eq!(bn.protocol("CONTROLLER").as_deref(), Some("PLAINTEXT"));
        assert_eq!(bn.inter_broker_name(), "PLAINTEXT");
    }

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

    #[test]
    fn cluster_ids() {
        let valid = [
            "kafka-local-cluster-01",
            "MkU3OEVBNTcwNTJENDM2Qk",
            "ciWo7IWazngRchmPES6q5A==",
            "5L6g3nShT-eMCtK--X86sw",
        ];
        for id in valid {
            assert!(decode_cluster_id(id).is_ok(), "{id}");
        }
        let invalid = [
            ("my-cluster", ClusterIdError::Bytes(7)),
            ("", ClusterIdError::Bytes(0)),
            ("abcdefghijklmnopqrstuvwxyz", ClusterIdError::TooLong(26)),
            ("MkU3OEVBNTcwNTJENDM2QkM", ClusterIdError::Bytes(17)),
            ("MkU3OEVBNTcwNTJENDM2Q", ClusterIdError::NotBase64),
            ("MkU3OEVBNTcwNTJENDM2Qk=", ClusterIdError::NotBase64),
            ("MkU3OEVBNTcwNTJENDM2+k", ClusterIdError::NotBase64),
        ];
        for (id, error) in invalid {
            assert_eq!(decode_cluster_id(id), Err(error), "{id}");
        }
        let bytes: [u8; 16] = std::array::from_fn(|i| (i * 17) as u8);
        let encoded = encode_cluster_id(&bytes);
        assert_eq!(encoded.len(), 22);
        assert_eq!(decode_cluster_id(&encoded), Ok(bytes));
        let derived = derived_cluster_id("shop kafka-1 kafka-2");
        assert_eq!(derived, derived_cluster_id("shop kafka-1 kafka-2"));
        assert_ne!(derived, derived_cluster_id("shop kafka-1"));
        assert!(decode_cluster_id(&derived).is_ok() && !derived.starts_with('-'));
    }

    #[test]
    fn voters_and_tags() {
        let v = parse_voters("1@kafka-1:9093, 2@[::1]:29093").unwrap();
        assert_eq!(
            (v[0].id, v[0].host.as_str(), v[0].port),
            (1, "kafka-1", 9093)
        );
        assert_eq!(
            (v[0].host_range.clone(), v[0].port_range.clone()),
            (2..9, 10..14)
        );
        assert_eq!(
            (v[1].id, v[1].host.as_str(), v[1].entry.clone()),
            (2, "::1", 16..29)
        );
        assert!(parse_voters("1@kafka").is_none() && parse_voters("kafka:9093").is_none());
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

    #[test]
    fn start_scripts_and_mounted_config() {
        let project = load(
            r#"
services:
  plain: {image: confluentinc/cp-kafka:7.6.0}
  run: {image: confluentinc/cp-kafka:7.6.0, command: /etc/confluent/docker/run}
  patched:
    image: confluentinc/cp-kafka:7.6.0
    command: bash -c '/tmp/update_run.sh && /etc/confluent/docker/run'
  exported:
    image: confluentinc/cp-kafka:7.6.0
    command: ["sh", "-c", "export CLUSTER_ID=x; /etc/confluent/docker/run"]
  own-file:
    image: confluentinc/cp-kafka:7.6.0
    command: kafka-server-start /etc/kafka/server.properties
  file-input:
    image: apache/kafka:3.8.0
    volumes: [./config:/mnt/shared/config]
  properties:
    image: bitnami/kafka:3.7
    volumes: [{type: bind, source: ./s.properties, target: /bitnami/kafka/config/server.properties}]
  log4j:
    image: apache/kafka:3.8.0
    volumes: [./log4j.properties:/opt/kafka/log4j.properties:ro]
"#,
        );
        let script = "/etc/confluent/docker/run";
        let runs: Vec<&str> = project
            .services()
            .filter(|(_, s)| runs_start_script(s, script))
            .map(|(n, _)| n)
            .collect();
        assert_eq!(runs, ["plain", "run", "file-input", "properties", "log4j"]);
        let mounted: Vec<&str> = brokers(&project)
            .into_iter()
            .filter(|b| b.mounts_config())
            .map(|b| b.service)
            .collect();
        assert_eq!(mounted, ["file-input", "properties"]);
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
