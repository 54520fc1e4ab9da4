//! Kafka clients (RULES.md §3.1 companions table): the bootstrap addresses a service gives
//! its Kafka client, wherever the image reads them.

use super::clients::{ClientTarget, PortSource, client_targets};
use super::connection::parse_value;
use super::images::{self, image_of, repository};
use super::kafka;
use crate::images::{self as catalog, Image};
use crate::project::value::Value;

/// Whether an environment key holds Kafka bootstrap servers: the companions' keys and the
/// generic `*BOOTSTRAP_SERVERS`, `*KAFKA_BROKERS`, `KAFKA_BROKERCONNECT` (kafdrop),
/// `KAFKA_CLUSTERS_<n>_BOOTSTRAPSERVERS` (kafka-ui) and `CDK_CLUSTERS_<n>_BOOTSTRAPSERVERS`
/// (Conduktor) forms.
pub(crate) fn is_bootstrap_key(key: &str) -> bool {
    let key = key.to_ascii_uppercase();
    [
        "BOOTSTRAP_SERVERS",
        "BOOTSTRAP_SERVER",
        "BOOTSTRAPSERVERS",
        "KAFKA_BROKERS",
        "KAFKA_BROKER",
        "KAFKA_BROKERCONNECT",
    ]
    .iter()
    .any(|suffix| key.ends_with(suffix))
}

/// The Kafka bootstrap addresses of a service that is not a broker: bootstrap keys of its
/// environment, Kafka flags of its command line (`--bootstrap-server`, `--broker-list`, rpk's
/// `--brokers`, kcat's `-b`), and `bootstrap.servers` inside AKHQ's `AKHQ_CONFIGURATION`.
pub(crate) fn bootstrap_targets(service: &Value) -> Vec<ClientTarget<'_>> {
    if kafka::broker("", service).is_some() {
        return Vec::new();
    }
    let helper = images::is_helper(service);
    let mut out: Vec<ClientTarget> = client_targets(service)
        .into_iter()
        .filter(|t| match t.key {
            // A helper reusing a companion image runs another program: the image's settings
            // are unused, only its command line counts (§1.3.1).
            Some(_) if helper => false,
            Some(key) => is_bootstrap_key(key),
            // Client flags give lists without a scheme only for Kafka (`--url` values and
            // `-h` hosts carry one).
            None => t.target.scheme.is_none(),
        })
        .collect();
    if !helper {
        out.extend(akhq_targets(service));
    }
    out
}

/// `bootstrap.servers` lines of AKHQ's YAML configuration string.
fn akhq_targets(service: &Value) -> Vec<ClientTarget<'_>> {
    let repo = image_of(service).map(repository).unwrap_or_default();
    if catalog::image(repo) != Some(Image::Akhq) {
        return Vec::new();
    }
    let Some((key, value)) = service
        .get("environment")
        .and_then(Value::as_map)
        .and_then(|env| {
            env.iter()
                .find(|(k, _, _)| *k == "AKHQ_CONFIGURATION")
                .map(|(k, _, v)| (k, v))
        })
    else {
        return Vec::new();
    };
    let Some(text) = value
        .as_str()
        .filter(|s| s.is_known())
        .map(|s| s.text.as_str())
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix("bootstrap.servers:") {
            let rest_start = line_start + (line.len() - trimmed.len()) + "bootstrap.servers:".len();
            let list = rest.trim_end();
            let lead = list.len() - list.trim_start().len();
            let unquoted = list.trim().trim_matches(['"', '\'']);
            let quote = usize::from(list.trim_start().starts_with(['"', '\'']));
            let offset = rest_start + lead + quote;
            for target in parse_value(unquoted) {
                out.push(ClientTarget {
                    key: Some(key),
                    place: format!("`{key}` (`bootstrap.servers`)"),
                    value,
                    offset: Some(offset),
                    port: target.port,
                    port_source: if target.port_written {
                        PortSource::Written
                    } else {
                        PortSource::Unknown
                    },
                    target,
                    browser: false,
                });
            }
        }
        line_start += line.len();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bootstrap_places() {
        let yaml = r#"
services:
  kafka:
    image: confluentinc/cp-kafka:7.6.0
    environment:
      KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://kafka:9092
      KAFKA_ZOOKEEPER_CONNECT: zookeeper:2181
  sr:
    image: confluentinc/cp-schema-registry:7.6.0
    environment:
      SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS: PLAINTEXT://localhost:9092
      SCHEMA_REGISTRY_HOST_NAME: sr
  ui:
    image: provectuslabs/kafka-ui
    environment:
      KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS: kafka:9092
      KAFKA_CLUSTERS_0_ZOOKEEPER: zookeeper:2181
  tools:
    image: confluentinc/cp-kafka:7.6.0
    command: ["kafka-topics", "--bootstrap-server", "kafka:9092", "--list"]
  cat:
    image: edenhill/kcat:1.7.1
    command: kcat -b localhost:9092 -L
  akhq:
    image: tchiotludo/akhq:0.25.0
    environment:
      AKHQ_CONFIGURATION: |
        akhq:
          connections:
            docker-kafka-server:
              properties:
                bootstrap.servers: "kafka:29092"
"#;
        let project = crate::project::from_yaml(yaml);
        let got: Vec<String> = project
            .services()
            .flat_map(|(name, s)| {
                bootstrap_targets(s).into_iter().map(move |t| {
                    let text = &t.value.as_str().unwrap().text;
                    format!("{name} {} {}", t.place, &text[t.host_range().unwrap()])
                })
            })
            .collect();
        assert_eq!(
            got,
            [
                "sr `SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS` localhost",
                "ui `KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS` kafka",
                "tools `command` kafka",
                "cat `command` localhost",
                "akhq `AKHQ_CONFIGURATION` (`bootstrap.servers`) kafka",
            ]
        );
    }
}
