//! KAF011 required-image-variables-missing.

use crate::diagnostic::{Applicability, Edit, Fix};
use crate::diagnostic::{Diagnostic, Platform, Severity};
use crate::diagnostic::{FixAvailability, RuleInfo};
use crate::facts::address_book::{AddressBook, Addressee};
use crate::facts::hostlist;
use crate::facts::kafka::{
    Broker, Family, Requirement, TagVersion, required_missing, runs_start_script,
};
use crate::facts::service::Service;
use crate::fix::builders;
use crate::images::{self as catalog, Image, entrypoint};
use crate::project::Project;
use crate::project::value::{FileId, Value};
use crate::rules::kafka::remedy::{dual_listener, kraft};
use crate::rules::{Context, Rule};
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
struct Failure<'a, 'p> {
    service: &'a Service<'p>,
    repo: &'p str,
    tag: TagVersion,
    missing: Vec<Requirement>,
}

impl Rule for RequiredImageVariablesMissing {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_service(&self, cx: &Context<'_>, service: &Service<'_>, out: &mut Vec<Diagnostic>) {
        // A file meant to be combined with others, or whose `env_file` is missing, may get
        // the variables from elsewhere.
        if cx.is_partial() {
            return;
        }
        let Some((repo, tag)) = service.repository else {
            return;
        };
        let broker = cx.broker(service.name);
        let mut missing = match broker {
            Some(broker) => required_missing(broker),
            None => companion_missing(service, repo, tag),
        };
        // ZooKeeper settings on an image without ZooKeeper mode are KAF012's finding; the
        // KRaft variables such a broker lacks are the same cause.
        if broker.is_some_and(|b| kraft::zookeeper_mode_removed(service, b)) {
            missing.retain(|r| !r.is_kraft());
        }
        if missing.is_empty() {
            return;
        }
        let failure = Failure {
            service,
            repo,
            tag,
            missing,
        };
        let fix = fix(cx, broker, &failure);
        out.push(diagnose(cx.project, broker, &failure).with_fix(fix));
    }
}

/// The variables a Confluent companion's entrypoint requires and the service lacks (§3.2).
fn companion_missing(service: &Service, repo: &str, tag: TagVersion) -> Vec<Requirement> {
    if !runs_start_script(service.spec, entrypoint::CONFLUENT_RUN) {
        return Vec::new();
    }
    let has = |key: &str| service.sets_env(key);
    let text = |key: &str| {
        service
            .env_value(key)
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
    match catalog::image(repo) {
        // CP 8 ships no ZooKeeper image: KAF012 reports the tag.
        Some(Image::CpZookeeper) if !matches!(tag, TagVersion::Known(8.., _)) => {
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
        Some(Image::CpSchemaRegistry) => {
            need(&["SCHEMA_REGISTRY_HOST_NAME"], None);
            need(
                &[
                    "SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS",
                    "SCHEMA_REGISTRY_KAFKASTORE_CONNECTION_URL",
                ],
                None,
            );
        }
        // Kafka Connect worker images built on `kafka-connect-base` (§3.2).
        Some(Image::CpKafkaConnect) => {
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
    if catalog::image(repo) == Some(Image::WurstmeisterKafka) {
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
        f.service.name,
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
        .service(f.service.name)
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
        .or_else(|| f.service.image_value())
        .unwrap_or(f.service.spec);
    (value.origin.file, value.origin.span)
}

/// The fix: deterministic values for the missing variables (§4 KAF011), when every one of
/// them has one.
fn fix(cx: &Context, broker: Option<&Broker>, f: &Failure) -> Option<Fix> {
    if let Some(b) = broker {
        return broker_fix(cx, b, f);
    }
    let project = cx.project;
    let mut vars: Vec<(String, String)> = Vec::new();
    for r in &f.missing {
        let key = r.keys.first()?;
        let value = match key.as_str() {
            "ZOOKEEPER_CLIENT_PORT" => {
                zookeeper_port(cx.book(), cx.brokers(), f.service.name).to_string()
            }
            "SCHEMA_REGISTRY_HOST_NAME" | "CONNECT_REST_ADVERTISED_HOST_NAME" => {
                f.service.name.to_string()
            }
            _ => return None,
        };
        vars.push((key.clone(), value));
    }
    let shared = f
        .service
        .environment()
        .is_some_and(|e| builders::services_sharing(project, e).len() > 1);
    let applicability = if shared {
        Applicability::Review
    } else {
        Applicability::Safe
    };
    env_fix(project, f.service, &vars, applicability)
}

/// Sets `vars` in the service's environment, as one fix titled after them.
fn env_fix(
    project: &Project,
    service: &Service,
    vars: &[(String, String)],
    applicability: Applicability,
) -> Option<Fix> {
    if vars.is_empty() {
        return None;
    }
    let edits = add_vars(project, service, vars)?;
    let names: Vec<String> = vars.iter().map(|(k, _)| format!("`{k}`")).collect();
    Some(Fix::new(
        format!("Set {}", names.join(", ")),
        applicability,
        edits,
    ))
}

/// A broker's fix (`review`): the KRaft block where ZooKeeper mode is gone or apache/kafka's
/// defaults were discarded; the first KRaft-capable tag for a complete KRaft node on a
/// ZooKeeper-only cp-kafka; a listener for wurstmeister; else the one value of each missing
/// variable (node id, voters, controller listener, cluster id, ZooKeeper address).
fn broker_fix(cx: &Context, b: &Broker, f: &Failure) -> Option<Fix> {
    let project = cx.project;
    let roles_missing = f
        .missing
        .iter()
        .any(|r| r.property == Some("process.roles"));
    let block = b.family == Family::Apache || roles_missing && kraft::kraft_only(f.service);
    if block && let Some(vars) = kraft::kraft_block(cx, b) {
        return env_fix(project, f.service, &vars, Applicability::Review);
    }
    if roles_missing {
        return None;
    }
    if let Some(fix) = kraft_tag_fix(project, b, f) {
        return Some(fix);
    }
    if b.family == Family::Wurstmeister {
        return wurstmeister_fix(cx, b, f);
    }
    let vars: Vec<(String, String)> = f
        .missing
        .iter()
        .map(|r| value_for(project, cx.book(), cx.brokers(), b, r))
        .collect::<Option<_>>()?;
    env_fix(project, f.service, &vars, Applicability::Review)
}

/// The variable to set for a missing requirement and the one value it can take: KRaft
/// settings from the node's cluster on a KRaft node, the project's only ZooKeeper on a
/// ZooKeeper-mode one.
fn value_for(
    project: &Project,
    book: &AddressBook,
    brokers: &[Broker],
    b: &Broker,
    r: &Requirement,
) -> Option<(String, String)> {
    if r.detail.is_some() {
        return None;
    }
    if b.roles().is_none() {
        let key = r.keys.iter().find(|k| k.ends_with("ZOOKEEPER_CONNECT"))?;
        return Some((key.clone(), kraft::zookeeper_connect_for(project, book, b)?));
    }
    let value = match r.property {
        None if r.keys == ["CLUSTER_ID"] => kraft::cluster_id_for(project, book, brokers, b),
        Some("node.id") => kraft::node_id_for(book, brokers, b)?.to_string(),
        Some("controller.quorum.voters") => kraft::voters_for(book, brokers, b)?,
        Some("controller.listener.names") => kraft::controller_name_for(book, brokers, b)?,
        _ => return None,
    };
    Some((r.keys.first()?.clone(), value))
}

/// cp-kafka / cp-server before 7.4 has no KRaft branch in its entrypoint: a node whose KRaft
/// settings are otherwise complete gets tag 7.4.0, the first with one (`review`: an upgrade).
fn kraft_tag_fix(project: &Project, b: &Broker, f: &Failure) -> Option<Fix> {
    let zookeeper_era = match f.tag {
        TagVersion::Known(major, Some(minor)) => major < 7 || major == 7 && minor <= 3,
        TagVersion::Known(major, None) => major < 7,
        _ => false,
    };
    let product = matches!(
        catalog::image(f.repo),
        Some(Image::CpKafka | Image::CpServer)
    );
    if !zookeeper_era || !product || b.roles().is_none() {
        return None;
    }
    // At 7.4 the script needs `CLUSTER_ID` and (but on a controller) advertised listeners;
    // Kafka needs the node id, the quorum and the controller listener name.
    let advertised = b.property("advertised.listeners").is_some()
        || b.roles().is_some_and(|r| r == ["controller"]);
    let complete = advertised
        && b.env_has("CLUSTER_ID")
        && b.has_node_id()
        && b.property("controller.listener.names").is_some()
        && (b.property("controller.quorum.voters").is_some()
            || b.property("controller.quorum.bootstrap.servers").is_some());
    if !complete
        || f.missing
            .iter()
            .any(|r| r.property != Some("zookeeper.connect"))
    {
        return None;
    }
    let tag = catalog::FIRST_CONFLUENT_KRAFT_TAG;
    let edit = kraft::replace_tag(project, f.service, tag)?;
    Some(Fix::new(
        format!(
            "Use `{}:{tag}`, the first release whose entrypoint runs KRaft",
            f.repo
        ),
        Applicability::Review,
        vec![edit],
    ))
}

/// wurstmeister without a listener: the ZooKeeper address when it lacks one too, and a
/// PLAINTEXT listener bound on all interfaces, advertised as the service name — or, when a
/// port of it is published to the host, the dual-listener layout (§3.5), so that host clients
/// get an address they can reach.
fn wurstmeister_fix(cx: &Context, b: &Broker, f: &Failure) -> Option<Fix> {
    let project = cx.project;
    let mut zookeeper = None;
    for r in &f.missing {
        match r.property {
            Some("zookeeper.connect") => {
                let address = kraft::zookeeper_connect_for(project, cx.book(), b)?;
                zookeeper = Some((r.keys.first()?.clone(), address));
            }
            Some("listeners") if r.detail.is_none() => {}
            _ => return None,
        }
    }
    let (listeners, _) = b.effective_listeners();
    let port = listeners.first().and_then(|l| l.port).unwrap_or(9092);
    let published = f
        .service
        .published()
        .iter()
        .any(|p| p.protocol == "tcp" && p.target_ports.contains(&port));
    let listener_missing = f.missing.iter().any(|r| r.property == Some("listeners"));
    if published && listener_missing {
        let mut fix = dual_listener::rewrite(cx, f.service, b, "Add listeners")?;
        if let Some((key, value)) = zookeeper {
            fix.edits
                .extend(add_vars(project, f.service, &[(key, value)])?);
        }
        fix.applicability = Applicability::Review;
        return Some(fix);
    }
    let mut vars: Vec<(String, String)> = zookeeper.into_iter().collect();
    if listener_missing {
        vars.push((
            "KAFKA_LISTENERS".into(),
            format!("PLAINTEXT://0.0.0.0:{port}"),
        ));
        vars.push((
            "KAFKA_ADVERTISED_LISTENERS".into(),
            format!("PLAINTEXT://{}:{port}", b.service),
        ));
    }
    env_fix(project, f.service, &vars, Applicability::Review)
}

/// Adds variables to the service's `environment` in its form, or writes a new one.
fn add_vars(project: &Project, service: &Service, vars: &[(String, String)]) -> Option<Vec<Edit>> {
    if let Some(env) = service.environment() {
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
    Some(vec![builders::add_key(
        project,
        service.spec,
        "environment",
        &map,
    )?])
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
