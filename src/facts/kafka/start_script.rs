//! What an image's start script makes of a broker's settings: whether it runs and turns the
//! environment into the configuration, whether a mounted configuration file may stand in for
//! the environment, and whether a property left unset takes its documented default.

use super::broker::Broker;
use crate::facts::images::{image_of, repository};
use crate::images::{self as catalog, Family, Image, entrypoint};
use crate::project::value::Value;

/// Whether the image's start script runs on the environment as written: no `command` or
/// `entrypoint`, or one that calls the script without a shell step that could set variables or
/// patch the image's checks first (`export`, `VAR=…`, `sed`, another `*.sh`, as kafka-ui's
/// `update_run.sh` does to cp-kafka's `configure`).
pub(crate) fn runs_start_script(spec: &Value, script: &str) -> bool {
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

impl Broker<'_> {
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
}

/// Whether a property the environment leaves unset takes Kafka's or the image's documented
/// default: true for the known images, false for `confluentinc/confluent-local` (whose image
/// sets a whole KRaft configuration of its own) and for unknown images (which may bake one in).
pub(crate) fn unset_means_default(broker: &Broker) -> bool {
    let repo = image_of(broker.spec).map(repository).unwrap_or_default();
    matches!(
        broker.family,
        Family::Confluent | Family::Apache | Family::Bitnami | Family::Wurstmeister
    ) && catalog::image(repo) != Some(Image::ConfluentLocal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::kafka::brokers;
    use crate::project::from_yaml as load;

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
}
