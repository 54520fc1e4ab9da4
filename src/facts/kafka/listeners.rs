//! The listener model: the listeners a broker binds and advertises (explicit, derived by the
//! image, or defaulted), their security protocols, and the controller and inter-broker names.

use super::broker::Broker;
use crate::facts::connection::parse_value;
use crate::facts::values::args;
use crate::images::Family;
use crate::project::value::Value;
use std::ops::Range;

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

impl<'p> Broker<'p> {
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
    fn honours_legacy_host_settings(&self) -> bool {
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

    /// Whether some effective listener speaks SASL (`SASL_PLAINTEXT`, `SASL_SSL`), so that the
    /// broker reads its `sasl.*` settings; None when its listeners are not known.
    pub fn speaks_sasl(&self) -> Option<bool> {
        let (listeners, _) = self.effective_listeners();
        if listeners.is_empty() {
            return None;
        }
        Some(listeners.iter().any(|l| {
            self.protocol(&l.name)
                .is_some_and(|p| p.starts_with("SASL_"))
        }))
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
pub(crate) const BUILT_IN_PROTOCOLS: [&str; 4] = ["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"];

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::kafka::brokers;
    use crate::project::from_yaml as load;

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
}
