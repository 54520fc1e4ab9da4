//! KAF013 replication-factor-exceeds-brokers.

use crate::diagnostic::{Applicability, Edit, Fix};
use crate::diagnostic::{Diagnostic, Platform, Severity};
use crate::diagnostic::{FixAvailability, RuleInfo};
use crate::facts::address_book::Addressee;
use crate::facts::bootstrap::bootstrap_targets;
use crate::facts::kafka::{self, Broker, Family};
use crate::facts::service::Service;
use crate::fix::builders;
use crate::images::{self as catalog, Image, repository};
use crate::project::Project;
use crate::project::value::Value;
use crate::rules::{Context, Rule};

rule_info!(
    ReplicationFactorExceedsBrokers,
    INFO,
    "KAF013",
    "replication-factor-exceeds-brokers",
    Severity::Error,
    &Platform::ALL,
    FixAvailability::Safe
);

/// A replication setting a broker reads: property, environment suffix, default where the
/// image generates its configuration from the environment, and whether it is a
/// transaction-state key (a warning unless the project uses transactions).
struct BrokerKey {
    property: &'static str,
    suffix: &'static str,
    default: Option<u64>,
    transactional: bool,
    /// Only Confluent Server (`cp-server`) reads it, with a default of 3, from this major
    /// release on (an unknown or missing tag counts as new enough).
    cp_server: Option<u32>,
    /// What breaks when the value is above the broker count.
    consequence: &'static str,
}

const OFFSETS: &str =
    "consumer groups never get a coordinator (__consumer_offsets cannot be created)";
const TRANSACTIONS: &str =
    "transactional producers (exactly-once) fail: __transaction_state cannot be created";
/// `transaction.state.log.min.isr` above the topic's replicas: the topic exists, writes fail.
const TRANSACTIONS_ISR: &str = "__transaction_state is created, but it has fewer replicas than \
     each write needs in sync, so transactional producers (exactly-once) fail";
const CONNECT: &str = "Connect's internal topics cannot be created, so the worker does not start";

const BROKER_KEYS: [BrokerKey; 6] = [
    BrokerKey {
        property: "offsets.topic.replication.factor",
        suffix: "OFFSETS_TOPIC_REPLICATION_FACTOR",
        default: Some(3),
        transactional: false,
        cp_server: None,
        consequence: OFFSETS,
    },
    BrokerKey {
        property: "transaction.state.log.replication.factor",
        suffix: "TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
        default: Some(3),
        transactional: true,
        cp_server: None,
        consequence: TRANSACTIONS,
    },
    BrokerKey {
        property: "default.replication.factor",
        suffix: "DEFAULT_REPLICATION_FACTOR",
        default: None,
        transactional: false,
        cp_server: None,
        consequence: "topics created without an explicit replication factor (auto-created \
                      ones too) cannot be created",
    },
    BrokerKey {
        property: "min.insync.replicas",
        suffix: "MIN_INSYNC_REPLICAS",
        default: None,
        transactional: false,
        cp_server: None,
        consequence: "producers with `acks=all` fail with NotEnoughReplicas",
    },
    BrokerKey {
        property: "confluent.license.topic.replication.factor",
        suffix: "CONFLUENT_LICENSE_TOPIC_REPLICATION_FACTOR",
        default: Some(3),
        transactional: false,
        cp_server: Some(0),
        consequence: "the license topic (_confluent-command) cannot be created, so Confluent \
                      Server's licensed features fail",
    },
    // Cluster linking came with Confluent Platform 7.0 (a preview, off by default, in 6.x):
    // older brokers never create `_confluent-link-metadata`.
    BrokerKey {
        property: "confluent.cluster.link.metadata.topic.replication.factor",
        suffix: "CONFLUENT_CLUSTER_LINK_METADATA_TOPIC_REPLICATION_FACTOR",
        default: Some(3),
        transactional: false,
        cp_server: Some(7),
        consequence: "cluster links cannot be created (_confluent-link-metadata)",
    },
];

/// Connect's internal topics (`-1` takes the broker default).
const CONNECT_KEYS: [&str; 3] = [
    "CONNECT_CONFIG_STORAGE_REPLICATION_FACTOR",
    "CONNECT_OFFSET_STORAGE_REPLICATION_FACTOR",
    "CONNECT_STATUS_STORAGE_REPLICATION_FACTOR",
];

/// One setting above what the cluster can hold.
struct Excess<'p> {
    service: &'p str,
    key: String,
    value: u64,
    wanted: u64,
    /// The written setting, or None when the default bites (the fix adds the key).
    setting: Option<&'p Value>,
    env: Option<&'p Value>,
    /// The service's value, where the finding goes when nothing is written.
    spec: &'p Value,
    transactional: bool,
    /// It breaks only a feature of Confluent Server (licensing, cluster links, the metrics
    /// reporter), not the broker: a warning (issue 15 §2).
    feature_only: bool,
    consequence: &'static str,
}

impl Rule for ReplicationFactorExceedsBrokers {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    // Per project: a cluster is reported once, for all its brokers, and the Connect workers
    // are judged against the cluster they bootstrap from.
    fn check_project(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let project = cx.project;
        let brokers = cx.brokers();
        // A file meant to join brokers defined elsewhere cannot count the cluster.
        if brokers.is_empty() || cx.is_partial() {
            return;
        }
        let book = cx.book();
        let transactions = uses_transactions(cx);
        let mut reported: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for broker in brokers {
            if broker.family == Family::Redpanda || reported.contains(&broker.service) {
                continue;
            }
            let members = kafka::cluster_members(book, brokers, broker);
            reported.extend(members.iter().map(|b| b.service));
            let Some(n) = kafka::cluster_broker_count(book, brokers, broker) else {
                continue;
            };
            if n == 0 || members.iter().any(|b| kafka::exits_at_startup(b)) {
                continue;
            }
            // Controllers create no topics; a mounted configuration hides the values.
            let excess: Vec<Excess> = members
                .iter()
                .filter(|b| b.is_broker() && !b.mounts_config())
                .filter_map(|b| Some((cx.service(b.service)?, b)))
                .flat_map(|(service, b)| broker_excess(service, b, n))
                .collect();
            if let Some(d) = diagnose(project, &excess, n, transactions) {
                out.push(d);
            }
        }
        // Connect workers, by the broker they bootstrap from.
        for service in cx.services() {
            if !is_connect(service) {
                continue;
            }
            let target = bootstrap_targets(service.spec).iter().find_map(|t| {
                match book.resolve(service.name, &t.target.host) {
                    Addressee::Service(s) => cx.broker(s),
                    _ => None,
                }
            });
            let Some(broker) = target else { continue };
            let Some(n) = kafka::cluster_broker_count(book, brokers, broker) else {
                continue;
            };
            if n == 0 || kafka::exits_at_startup(broker) {
                continue;
            }
            let excess = connect_excess(service, n);
            if let Some(d) = diagnose(project, &excess, n, transactions) {
                out.push(d);
            }
        }
    }
}

/// Whether a broker's image writes Kafka's defaults (3) rather than the tarball's
/// `server.properties` (1): Confluent's images, and Apache's once it has settings. Other
/// images (Strimzi's, Debezium's, a `build:`) often start from the tarball's file: only what
/// they set explicitly counts.
fn defaults_bite(service: &Service, broker: &Broker) -> bool {
    // confluent-local ships its own single-node defaults (replication factors of 1).
    let local = service.known_image == Some(Image::ConfluentLocal);
    match broker.family {
        Family::Confluent => !local,
        Family::Apache => !broker.properties.is_empty(),
        Family::Bitnami | Family::Wurstmeister | Family::Redpanda | Family::Other => false,
    }
}

fn number(value: &Value) -> Option<u64> {
    if value.as_str().is_some_and(|s| !s.is_known()) {
        return None;
    }
    value.scalar_text()?.trim().parse().ok()
}

fn broker_excess<'p>(service: &Service<'p>, broker: &Broker<'p>, n: usize) -> Vec<Excess<'p>> {
    let n = n as u64;
    let env = service.environment();
    let mut out = Vec::new();
    let mut rf_transactions = None;
    let cp_server = service
        .image
        .is_some_and(|i| catalog::image(repository(i)) == Some(Image::CpServer));
    let read = |key: &BrokerKey| match key.cp_server {
        None => true,
        Some(since) => cp_server && broker.version.is_none_or(|(major, _)| major >= since),
    };
    for key in BROKER_KEYS.iter().filter(|k| read(k)) {
        let setting = broker.property(key.property);
        let value = match setting {
            Some(s) => match number(s.value) {
                Some(v) => v,
                None => continue,
            },
            None if defaults_bite(service, broker) => match key.default {
                Some(d) => d,
                None => continue,
            },
            None => continue,
        };
        if key.transactional {
            rf_transactions = Some(value);
        }
        if value > n {
            out.push(Excess {
                service: broker.service,
                key: setting.map_or_else(
                    || format!("{}{}", broker.family.prefix(), key.suffix),
                    |s| s.key.to_string(),
                ),
                value,
                wanted: n.min(3),
                setting: setting.map(|s| s.value),
                env,
                spec: service.spec,
                transactional: key.transactional,
                feature_only: key.cp_server.is_some(),
                consequence: key.consequence,
            });
        }
    }
    // Confluent's metrics reporter creates its topic with 3 replicas unless told otherwise,
    // as a broker property (`KAFKA_CONFLUENT_METRICS_REPORTER_TOPIC_REPLICAS`) or by the
    // reporter's own variable.
    let reporter = broker
        .text("metric.reporters")
        .is_some_and(|r| r.contains("ConfluentMetricsReporter"));
    if reporter {
        let own = "CONFLUENT_METRICS_REPORTER_TOPIC_REPLICAS";
        let (key, setting) = match broker.property("confluent.metrics.reporter.topic.replicas") {
            Some(s) => (s.key.to_string(), Some(s.value)),
            None => (own.to_string(), service.env_value(own)),
        };
        let value = match setting {
            Some(v) => number(v),
            None => Some(3),
        };
        if let Some(value) = value.filter(|v| *v > n) {
            out.push(Excess {
                service: broker.service,
                key,
                value,
                wanted: n.min(3),
                setting,
                env,
                spec: service.spec,
                transactional: false,
                feature_only: true,
                consequence: "the metrics topic cannot be created: the broker logs errors and \
                              keeps running, but Control Center sees no metrics",
            });
        }
    }
    // `transaction.state.log.min.isr` must not exceed the replicas that can exist.
    let isr_setting = broker.property("transaction.state.log.min.isr");
    let isr = match isr_setting {
        Some(s) => number(s.value),
        None if defaults_bite(service, broker) => Some(2),
        None => None,
    };
    let rf = rf_transactions.unwrap_or(if defaults_bite(service, broker) { 3 } else { 1 });
    if let Some(isr) = isr
        && isr > rf.min(n)
    {
        out.push(Excess {
            service: broker.service,
            key: isr_setting.map_or_else(
                || format!("{}TRANSACTION_STATE_LOG_MIN_ISR", broker.family.prefix()),
                |s| s.key.to_string(),
            ),
            value: isr,
            wanted: rf.min(n).min(2),
            setting: isr_setting.map(|s| s.value),
            env,
            spec: service.spec,
            transactional: true,
            feature_only: false,
            consequence: TRANSACTIONS_ISR,
        });
    }
    out
}

/// Kafka Connect workers by image (Confluent, Debezium) or by their worker settings.
fn is_connect(service: &Service) -> bool {
    if service.is_helper() {
        return false;
    }
    let repo = service.image.map(repository).unwrap_or_default();
    catalog::is_confluent_connect(repo)
        || (service.sets_env("CONNECT_GROUP_ID") && service.sets_env("CONNECT_BOOTSTRAP_SERVERS"))
}

fn connect_excess<'p>(service: &Service<'p>, n: usize) -> Vec<Excess<'p>> {
    let n = n as u64;
    let env = service.environment();
    CONNECT_KEYS
        .iter()
        .filter_map(|key| {
            let setting = service.env_value(key);
            let value = match setting {
                Some(v) => {
                    let text = v.scalar_text()?;
                    if text.trim() == "-1" {
                        return None;
                    }
                    number(v)?
                }
                None => 3,
            };
            (value > n).then(|| Excess {
                service: service.name,
                key: key.to_string(),
                value,
                wanted: n.min(3),
                setting,
                env,
                spec: service.spec,
                transactional: false,
                feature_only: false,
                consequence: CONNECT,
            })
        })
        .collect()
}

/// Whether the project shows transactional producers (§4 KAF013).
fn uses_transactions(cx: &Context) -> bool {
    cx.services().iter().any(|s| {
        s.env().is_some_and(|env| {
            env.iter().any(|(k, _, v)| {
                let key = k.to_ascii_uppercase();
                let text = v.scalar_text().unwrap_or_default().to_ascii_lowercase();
                (key.ends_with("PROCESSING_GUARANTEE") && text.starts_with("exactly_once"))
                    || (key == "CONNECT_EXACTLY_ONCE_SOURCE_SUPPORT" && text == "enabled")
                    || key.contains("TRANSACTIONAL_ID")
            })
        })
    })
}

fn diagnose(
    project: &Project,
    excess: &[Excess],
    n: usize,
    transactions: bool,
) -> Option<Diagnostic> {
    let first = excess.first()?;
    let breaks_the_broker = |e: &Excess| {
        if e.transactional {
            transactions
        } else {
            !e.feature_only
        }
    };
    let severity = if excess.iter().any(breaks_the_broker) {
        Severity::Error
    } else {
        Severity::Warning
    };
    // Replicas Kafka cannot place, and an in-sync minimum above the replicas there are; when
    // __transaction_state cannot be created at all, its minimum is one more setting to lower.
    let unplaced_transactions = excess
        .iter()
        .any(|e| e.transactional && e.consequence != TRANSACTIONS_ISR);
    let (isr, placed): (Vec<&Excess>, Vec<&Excess>) = excess
        .iter()
        .partition(|e| e.consequence == TRANSACTIONS_ISR && !unplaced_transactions);
    let mut keys: Vec<String> = Vec::new();
    for e in &placed {
        let item = format!(
            "`{}` is {}{}",
            e.key,
            e.value,
            if e.setting.is_none() {
                " (the image's default)"
            } else {
                ""
            }
        );
        if !keys.contains(&item) {
            keys.push(item);
        }
    }
    let brokers = if n == 1 {
        "1 broker".to_string()
    } else {
        format!("{n} brokers")
    };
    let mut consequences: Vec<&str> = Vec::new();
    for e in placed.iter().filter(|e| e.consequence != TRANSACTIONS_ISR) {
        if !consequences.contains(&e.consequence) {
            consequences.push(e.consequence);
        }
    }
    let mut parts = Vec::new();
    if !placed.is_empty() {
        parts.push(format!(
            "{} but the cluster has {brokers}: Kafka cannot place the replicas, so {}",
            keys.join(", "),
            consequences.join("; ")
        ));
    }
    if let Some(e) = isr.first() {
        parts.push(format!(
            "`{}` is {}{}: {TRANSACTIONS_ISR}",
            e.key,
            e.value,
            if e.setting.is_none() {
                " (the image's default)"
            } else {
                ""
            }
        ));
    }
    let message = parts.join("; ");
    let place = first.setting.or(first.env).unwrap_or(first.spec);
    let mut d = Diagnostic::new(&INFO, message)
        .at(project.file(place.origin.file), place.origin.span)
        .service(first.service)
        .help(format!(
            "set {} to at most {n}",
            excess
                .iter()
                .map(|e| format!("`{}`", e.key))
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .with_fix(fix(project, excess));
    d.severity = severity;
    Some(d)
}

/// Sets each offending key to what the cluster can hold, adding missing keys in the
/// environment's own style. Each place is edited once (an anchor shared by several brokers),
/// and an edit in a place other services share makes the fix `review`.
fn fix(project: &Project, excess: &[Excess]) -> Option<Fix> {
    let mut edits: Vec<Edit> = Vec::new();
    // (where, key) already edited: the value's span, or the environment's for added keys.
    let mut done: Vec<(crate::source::Span, &str)> = Vec::new();
    let mut shared = false;
    for e in excess {
        let place = e.setting.or(e.env)?;
        let key = (place.origin.span, e.key.as_str());
        if done.contains(&key) {
            continue;
        }
        done.push(key);
        shared |= builders::services_sharing(project, place)
            .iter()
            .any(|other| other != e.service);
        let value = e.wanted.to_string();
        edits.push(match e.setting {
            Some(setting) => builders::replace_scalar(project, setting, &value)?,
            None => builders::set_env(project, place, &e.key, &value)?,
        });
    }
    let mut keys: Vec<&str> = excess.iter().map(|e| e.key.as_str()).collect();
    keys.dedup();
    Some(Fix::new(
        format!("Set `{}` to {}", keys.join("`, `"), excess[0].wanted),
        if shared {
            Applicability::Review
        } else {
            Applicability::Safe
        },
        edits,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ZooKeeper and one cp-kafka 7.6.1 broker with the offsets topic at 1, and `extra`
    /// environment lines.
    fn single_broker(extra: &str) -> String {
        format!(
            "services:\n  zookeeper:\n    image: confluentinc/cp-zookeeper:7.6.1\n    \
             environment:\n      ZOOKEEPER_CLIENT_PORT: 2181\n  kafka:\n    \
             image: confluentinc/cp-kafka:7.6.1\n    environment:\n      \
             KAFKA_BROKER_ID: 1\n      KAFKA_ZOOKEEPER_CONNECT: zookeeper:2181\n      \
             KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://kafka:29092\n      \
             KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: 1\n{extra}"
        )
    }

    #[test]
    fn the_message_names_only_what_the_flagged_keys_break() {
        // The transaction-state topic is left at the image's default of 3: only transactional
        // producers fail.
        let found = crate::rules::findings_of(&ReplicationFactorExceedsBrokers, &single_broker(""));
        assert_eq!(found.len(), 1, "{found:?}");
        let message = &found[0].message;
        assert!(message.contains(TRANSACTIONS), "{message}");
        assert!(!message.contains("consumer groups"), "{message}");
        assert_eq!(found[0].severity, Severity::Warning);
    }

    #[test]
    fn an_in_sync_minimum_above_the_replicas_says_the_topic_exists() {
        // The transaction-state topic has 1 replica; its minimum in-sync replicas stays 2.
        let yaml = single_broker("      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: 1\n");
        let found = crate::rules::findings_of(&ReplicationFactorExceedsBrokers, &yaml);
        assert_eq!(found.len(), 1, "{found:?}");
        let message = &found[0].message;
        assert!(message.contains(TRANSACTIONS_ISR), "{message}");
        assert!(!message.contains("cannot place"), "{message}");
        assert_eq!(found[0].severity, Severity::Warning);
    }
}
