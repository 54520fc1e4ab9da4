//! KAF011 required-image-variables-missing.

use crate::diagnostic::{Diagnostic, Platform, Severity};
use crate::facts::address_book::{AddressBook, Addressee};
use crate::facts::completeness::is_partial;
use crate::facts::hostlist;
use crate::facts::kafka::{
    self, Broker, Family, Requirement, TagVersion, cluster_members, decode_cluster_id,
    derived_cluster_id, image_version, required_missing, runs_start_script,
};
use crate::fix::{Applicability, Edit, Fix, builders};
use crate::project::Project;
use crate::project::value::{FileId, Value};
use crate::rules::{FixAvailability, Rule, RuleInfo};
use crate::source::{Span, plain_or_quoted};

rule_info!(
    RequiredImageVariablesMissing,
    INFO,
    "KAF011",
    "required-image-variables-missing",
    Severity::Error,
    &Platform::ALL,
    FixAvailability::Safe
);

/// The Confluent start script every Confluent image runs unless `command` replaces it.
const CONFLUENT_RUN: &str = "/etc/confluent/docker/run";

/// Kafka Connect worker images built on `kafka-connect-base` (§3.2).
const CONNECT_IMAGES: [&str; 4] = [
    "confluentinc/cp-kafka-connect",
    "confluentinc/cp-kafka-connect-base",
    "confluentinc/cp-server-connect",
    "confluentinc/cp-server-connect-base",
];

/// What the Connect entrypoint requires of every worker (`dub ensure`); the REST advertised
/// host name only from CP 5 (older workers needed the internal converters instead).
const CONNECT_REQUIRED: [&str; 7] = [
    "CONNECT_BOOTSTRAP_SERVERS",
    "CONNECT_GROUP_ID",
    "CONNECT_CONFIG_STORAGE_TOPIC",
    "CONNECT_OFFSET_STORAGE_TOPIC",
    "CONNECT_STATUS_STORAGE_TOPIC",
    "CONNECT_KEY_CONVERTER",
    "CONNECT_VALUE_CONVERTER",
];

/// The converter whose use makes the entrypoint require a Schema Registry URL.
const AVRO_CONVERTER: &str = "io.confluent.connect.avro.AvroConverter";

/// A service that fails its image's checks.
struct Failure<'p> {
    service: &'p str,
    spec: &'p Value,
    repo: &'p str,
    tag: TagVersion,
    missing: Vec<Requirement>,
}

impl Rule for RequiredImageVariablesMissing {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        // A file meant to be combined with others, or whose `env_file` is missing, may get
        // the variables from elsewhere.
        if is_partial(project) {
            return;
        }
        let book = AddressBook::new(project);
        let brokers = kafka::brokers(project);
        for (name, spec) in project.services() {
            let Some((repo, tag)) = image_version(spec) else {
                continue;
            };
            let missing = match brokers.iter().find(|b| b.service == name) {
                Some(broker) => required_missing(broker),
                None => companion_missing(spec, repo, tag),
            };
            if missing.is_empty() {
                continue;
            }
            let failure = Failure {
                service: name,
                spec,
                repo,
                tag,
                missing,
            };
            let broker = brokers.iter().find(|b| b.service == name);
            let fix = fix(project, &book, &brokers, broker, &failure);
            out.push(diagnose(project, broker, &failure).with_fix(fix));
        }
    }
}

/// The variables a Confluent companion's entrypoint requires and the service lacks (§3.2).
fn companion_missing(spec: &Value, repo: &str, tag: TagVersion) -> Vec<Requirement> {
    if !runs_start_script(spec, CONFLUENT_RUN) {
        return Vec::new();
    }
    let env = spec.get("environment").and_then(Value::as_map);
    let has = |key: &str| env.is_some_and(|e| e.contains_key(key));
    let text = |key: &str| {
        env.and_then(|e| e.get(key))
            .and_then(Value::as_str)
            .filter(|s| s.is_known())
            .map(|s| s.text.trim().to_string())
    };
    let mut out = Vec::new();
    let mut need = |keys: &[&str], detail: Option<String>| {
        if !keys.iter().any(|k| has(k)) {
            out.push(Requirement {
                keys: keys.iter().map(|k| k.to_string()).collect(),
                property: None,
                detail,
            });
        }
    };
    match repo {
        // CP 8 ships no ZooKeeper image: KAF012 reports the tag.
        "confluentinc/cp-zookeeper" if !matches!(tag, TagVersion::Known(8.., _)) => {
            need(
                &["ZOOKEEPER_CLIENT_PORT", "ZOOKEEPER_SECURE_CLIENT_PORT"],
                None,
            );
            if has("ZOOKEEPER_SERVERS") {
                need(
                    &["ZOOKEEPER_SERVER_ID"],
                    Some("`ZOOKEEPER_SERVERS` is set without `ZOOKEEPER_SERVER_ID`".into()),
                );
            }
        }
        "confluentinc/cp-schema-registry" => {
            need(&["SCHEMA_REGISTRY_HOST_NAME"], None);
            need(
                &[
                    "SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS",
                    "SCHEMA_REGISTRY_KAFKASTORE_CONNECTION_URL",
                ],
                None,
            );
        }
        r if CONNECT_IMAGES.contains(&r) => {
            for key in CONNECT_REQUIRED {
                need(&[key], None);
            }
            let advertised_era = match tag {
                TagVersion::Known(major, _) => major >= 5,
                TagVersion::Newest => true,
                TagVersion::Unknown => false,
            };
            if advertised_era {
                need(&["CONNECT_REST_ADVERTISED_HOST_NAME"], None);
            }
            for side in ["KEY", "VALUE"] {
                if text(&format!("CONNECT_{side}_CONVERTER")).as_deref() == Some(AVRO_CONVERTER) {
                    let url = format!("CONNECT_{side}_CONVERTER_SCHEMA_REGISTRY_URL");
                    need(
                        &[url.as_str()],
                        Some(format!(
                            "`CONNECT_{side}_CONVERTER` is the Avro converter and `{url}` is not set"
                        )),
                    );
                }
            }
        }
        _ => {}
    }
    out
}

/// How the message names the image: repository and the version its checks were taken from.
fn describe(repo: &str, tag: TagVersion) -> String {
    // wurstmeister tags name the Scala version first; its checks do not depend on either.
    if repo == "wurstmeister/kafka" {
        return repo.to_string();
    }
    match tag {
        TagVersion::Known(major, Some(minor)) => format!("{repo} {major}.{minor}"),
        TagVersion::Known(major, None) => format!("{repo} {major}"),
        TagVersion::Newest => format!("{repo} (no version tag: its newest release)"),
        TagVersion::Unknown => format!("{repo} (any version)"),
    }
}

/// One requirement as the message states it.
fn phrase(r: &Requirement) -> String {
    if let Some(detail) = &r.detail {
        return detail.clone();
    }
    match r.keys.as_slice() {
        [key] => format!("`{key}` is not set"),
        keys => format!("none of `{}` is set", keys.join("`, `")),
    }
}

fn diagnose(project: &Project, broker: Option<&Broker>, f: &Failure) -> Diagnostic {
    let phrases: Vec<String> = f.missing.iter().map(phrase).collect();
    let message = format!(
        "the {} entrypoint of `{}` exits at start-up: {}",
        describe(f.repo, f.tag),
        f.service,
        phrases.join("; ")
    );
    let keys: Vec<String> = f
        .missing
        .iter()
        .filter_map(|r| r.keys.first().map(|k| format!("`{k}`")))
        .collect();
    let apache_partial = broker.is_some_and(|b| b.family == Family::Apache);
    let help = if apache_partial {
        format!(
            "any `KAFKA_*` broker setting replaces apache/kafka's single-node defaults, so the whole \
             KRaft configuration must be given: set {}, or remove the `KAFKA_*` settings to run on \
             the defaults",
            keys.join(", ")
        )
    } else if keys.iter().any(|k| k == "`CLUSTER_ID`") {
        format!(
            "set {} (a cluster id is 16 base64url bytes, e.g. from `kafka-storage random-uuid`, \
             the same on every node of the cluster)",
            keys.join(", ")
        )
    } else {
        format!("set {}", keys.join(", "))
    };
    let (file, span) = primary(broker, f);
    Diagnostic::new(&INFO, message)
        .at(project.file(file), span)
        .service(f.service)
        .help(help)
}

/// Where the finding points: a listed value that lacks something, else the `image` value.
fn primary(broker: Option<&Broker>, f: &Failure) -> (FileId, Span) {
    let listed = broker.and_then(|b| {
        f.missing
            .iter()
            .filter(|r| r.detail.is_some())
            .find_map(|r| b.property(r.property?))
    });
    let value = listed
        .map(|s| s.value)
        .or_else(|| f.spec.get("image"))
        .unwrap_or(f.spec);
    (value.origin.file, value.origin.span)
}

/// The fix: deterministic values for the missing variables (§4 KAF011), when every one of
/// them has one.
fn fix(
    project: &Project,
    book: &AddressBook,
    brokers: &[Broker],
    broker: Option<&Broker>,
    f: &Failure,
) -> Option<Fix> {
    let mut vars: Vec<(String, String)> = Vec::new();
    let mut review = false;
    match broker {
        Some(b) if b.family == Family::Apache => {
            vars = apache_block(brokers, b, f)?;
            review = true;
        }
        // A fix is offered only when it settles the whole finding.
        Some(b) => {
            if f.missing.iter().any(|r| r.keys != ["CLUSTER_ID"]) || b.roles().is_none() {
                return None;
            }
            vars.push((
                "CLUSTER_ID".into(),
                cluster_id_for(project, book, brokers, b),
            ));
            review = true;
        }
        None => {
            for r in &f.missing {
                let key = r.keys.first()?;
                let value = match key.as_str() {
                    "ZOOKEEPER_CLIENT_PORT" => zookeeper_port(book, brokers, f.service).to_string(),
                    "SCHEMA_REGISTRY_HOST_NAME" | "CONNECT_REST_ADVERTISED_HOST_NAME" => {
                        f.service.to_string()
                    }
                    _ => return None,
                };
                vars.push((key.clone(), value));
            }
        }
    }
    if vars.is_empty() {
        return None;
    }
    let env = f.spec.get("environment");
    let shared = env.is_some_and(|e| builders::services_sharing(project, e).len() > 1);
    let edits = add_vars(project, f.spec, &vars)?;
    let names: Vec<String> = vars.iter().map(|(k, _)| format!("`{k}`")).collect();
    let applicability = if review || shared {
        Applicability::Review
    } else {
        Applicability::Safe
    };
    Some(Fix::new(
        format!("Set {}", names.join(", ")),
        applicability,
        edits,
    ))
}

/// Adds variables to the service's `environment` in its form, or writes a new one.
fn add_vars(project: &Project, spec: &Value, vars: &[(String, String)]) -> Option<Vec<Edit>> {
    if let Some(env) = spec.get("environment") {
        return vars
            .iter()
            .map(|(k, v)| builders::set_env(project, env, k, v))
            .collect();
    }
    let entries: Vec<String> = vars
        .iter()
        .map(|(k, v)| format!("{k}: {}", plain_or_quoted(v)))
        .collect();
    let map = format!("{{{}}}", entries.join(", "));
    Some(vec![builders::add_key(project, spec, "environment", &map)?])
}

/// The client port brokers use for this ZooKeeper (`KAFKA_ZOOKEEPER_CONNECT` entries naming
/// it), else 2181.
fn zookeeper_port(book: &AddressBook, brokers: &[Broker], zookeeper: &str) -> u16 {
    brokers
        .iter()
        .filter_map(|b| Some((b.service, b.text("zookeeper.connect")?)))
        .flat_map(|(consumer, text)| {
            hostlist::parse(text)
                .into_iter()
                .filter(move |e| book.resolve(consumer, &e.host) == Addressee::Service(zookeeper))
                .filter_map(|e| e.port)
        })
        .next()
        .unwrap_or(2181)
}

/// The id for a node without one: a valid id its cluster already uses, else one derived from
/// the project and the cluster's service names, so every node gets the same.
fn cluster_id_for(project: &Project, book: &AddressBook, brokers: &[Broker], b: &Broker) -> String {
    let members = cluster_members(book, brokers, b);
    let existing = members.iter().find_map(|m| {
        let (_, value) = m.cluster_id_setting()?;
        let text = value
            .as_str()
            .filter(|s| s.is_known())?
            .text
            .trim()
            .to_string();
        decode_cluster_id(&text).is_ok().then_some(text)
    });
    existing.unwrap_or_else(|| {
        let mut names: Vec<&str> = members.iter().map(|m| m.service).collect();
        names.sort_unstable();
        derived_cluster_id(&format!("{} {}", project.name, names.join(" ")))
    })
}

/// The apache/kafka single-node KRaft block for a partial environment (§4 KAF011): only the
/// missing settings, for the project's only broker, when it runs as a combined node.
fn apache_block(brokers: &[Broker], b: &Broker, f: &Failure) -> Option<Vec<(String, String)>> {
    if brokers.len() != 1 || b.roles().is_some_and(|r| r.len() != 2) {
        return None;
    }
    let missing = |key: &str| {
        f.missing
            .iter()
            .any(|r| r.keys.first().is_some_and(|k| k == key))
    };
    let id = b.node_id().unwrap_or(1);
    let controller = b
        .controller_names()
        .first()
        .cloned()
        .unwrap_or_else(|| "CONTROLLER".into());
    let listeners = b.listeners();
    let advertised = b.advertised();
    let used: Vec<u16> = listeners
        .iter()
        .chain(advertised.iter())
        .flatten()
        .filter_map(|l| l.port)
        .collect();
    let port = listeners
        .iter()
        .flatten()
        .find(|l| l.name == controller)
        .and_then(|l| l.port)
        .or_else(|| {
            [29093, 39093, 19093]
                .into_iter()
                .find(|p| !used.contains(p))
        })?;
    let mut vars: Vec<(String, String)> = Vec::new();
    let mut add = |k: &str, v: String| vars.push((k.to_string(), v));
    if missing("KAFKA_PROCESS_ROLES") {
        add("KAFKA_PROCESS_ROLES", "broker,controller".into());
    }
    if missing("KAFKA_NODE_ID") {
        add("KAFKA_NODE_ID", id.to_string());
    }
    let bind = format!("{controller}://0.0.0.0:{port}");
    match (&listeners, &advertised) {
        (Some(l), _) if l.iter().any(|l| l.name == controller) => {}
        // Explicit listeners without the controller: written out again with it.
        (Some(l), _) => add("KAFKA_LISTENERS", joined(l.iter().map(endpoint), &bind)),
        (None, Some(a)) => add(
            "KAFKA_LISTENERS",
            joined(a.iter().map(|e| bound(&e.name, e.port)), &bind),
        ),
        (None, None) => {
            add(
                "KAFKA_LISTENERS",
                format!("PLAINTEXT://0.0.0.0:9092,{bind}"),
            );
            add(
                "KAFKA_ADVERTISED_LISTENERS",
                format!("PLAINTEXT://{}:9092", b.service),
            );
        }
    }
    if missing("KAFKA_CONTROLLER_LISTENER_NAMES") {
        add("KAFKA_CONTROLLER_LISTENER_NAMES", controller.clone());
    }
    if let Some(map) = b.text("listener.security.protocol.map")
        && b.protocol_map()?.iter().all(|(n, _)| *n != controller)
    {
        add(
            "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP",
            format!("{map},{controller}:PLAINTEXT"),
        );
    }
    if missing("KAFKA_CONTROLLER_QUORUM_VOTERS") {
        add(
            "KAFKA_CONTROLLER_QUORUM_VOTERS",
            format!("{id}@{}:{port}", b.service),
        );
    }
    for key in [
        "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR",
        "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
        "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR",
    ] {
        if !b.env_has(key) {
            add(key, "1".into());
        }
    }
    Some(vars)
}

/// `NAME://host:port` of an explicit listener.
fn endpoint(e: &kafka::Endpoint) -> String {
    match e.port {
        Some(port) => format!("{}://{}:{port}", e.name, e.host),
        None => format!("{}://{}", e.name, e.host),
    }
}

/// `NAME://0.0.0.0:port`, the bind form of an advertised listener.
fn bound(name: &str, port: Option<u16>) -> String {
    port.map_or_else(
        || format!("{name}://0.0.0.0"),
        |p| format!("{name}://0.0.0.0:{p}"),
    )
}

/// A listener list with one more entry.
fn joined(entries: impl Iterator<Item = String>, extra: &str) -> String {
    let mut all: Vec<String> = entries.collect();
    all.push(extra.to_string());
    all.join(",")
}
