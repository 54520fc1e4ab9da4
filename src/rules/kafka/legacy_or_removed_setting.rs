//! KAF012 legacy-or-removed-setting.

use crate::diagnostic::{Applicability, Edit, Fix};
use crate::diagnostic::{Diagnostic, Platform, Severity};
use crate::diagnostic::{FixAvailability, RuleInfo};
use crate::facts::address_book::Addressee;
use crate::facts::bootstrap::bootstrap_targets;
use crate::facts::kafka::{self, Broker, Family, TagVersion, runs_start_script};
use crate::facts::service::Service;
use crate::fix::builders;
use crate::images::{self as catalog, Image, entrypoint};
use crate::project::Project;
use crate::project::value::Value;
use crate::rules::kafka::remedy::kraft;
use crate::rules::{Context, Rule};

rule_info!(
    LegacyOrRemovedSetting,
    INFO,
    "KAF012",
    "legacy-or-removed-setting",
    Severity::Error,
    &Platform::ALL,
    FixAvailability::Review
);

/// Variables the cp-kafka entrypoint refuses ("… is deprecated. Please use
/// KAFKA_ADVERTISED_LISTENERS instead.").
const CONFLUENT_REFUSED: [&str; 4] = [
    "KAFKA_ADVERTISED_PORT",
    "KAFKA_ADVERTISED_HOST",
    "KAFKA_HOST",
    "KAFKA_PORT",
];

/// Broker properties removed in Kafka 3.0 (KAFKA-12945).
const REMOVED: [&str; 4] = [
    "advertised.host.name",
    "advertised.port",
    "host.name",
    "port",
];

/// One legacy or removed setting of a service.
struct Hit<'p> {
    key: &'p str,
    value: &'p Value,
    severity: Severity,
    text: String,
}

impl Rule for LegacyOrRemovedSetting {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_service(&self, cx: &Context<'_>, service: &Service<'_>, out: &mut Vec<Diagnostic>) {
        let Some((repo, tag)) = service.repository else {
            return;
        };
        let project = cx.project;
        let broker = cx.broker(service.name);
        let hits = match broker {
            Some(b) => broker_hits(service, b, repo, tag),
            None => companion_hits(service, repo, tag),
        };
        let fix = match broker {
            Some(b) => broker_fix(cx, service, b, &hits),
            None => registry_fix(cx, service, &hits)
                .or_else(|| zookeeper_image_fix(project, service, &hits)),
        };
        if let Some(d) = diagnose(project, service.name, repo, &hits) {
            out.push(d.with_fix(fix));
        }
    }
}

/// Whether the tag names release `major` or later (the newest release counts; an unknown tag
/// does not).
fn at_least(tag: TagVersion, major: u32) -> bool {
    match tag {
        TagVersion::Known(m, _) => m >= major,
        TagVersion::Newest => true,
        TagVersion::Unknown => false,
    }
}

/// The text of a value when known and not empty (the scripts test `-n`).
fn filled(value: &Value) -> Option<String> {
    if value.as_str().is_some_and(|s| !s.is_known()) {
        return None;
    }
    value
        .scalar_text()
        .map(|t| t.into_owned())
        .filter(|t| !t.is_empty())
}

fn broker_hits<'p>(
    service: &Service<'p>,
    b: &Broker<'p>,
    repo: &str,
    tag: TagVersion,
) -> Vec<Hit<'p>> {
    let mut out = Vec::new();
    if !b.reads_environment() {
        return out;
    }
    let confluent = b.family == Family::Confluent && catalog::checks_confluent_env(repo);
    let env = service.env();
    if confluent {
        for (key, _, value) in env.into_iter().flat_map(|e| e.iter()) {
            if CONFLUENT_REFUSED.contains(&key) && filled(value).is_some() {
                out.push(Hit {
                    key,
                    value,
                    severity: Severity::Error,
                    text: format!(
                        "`{key}` makes the {repo} entrypoint exit at start-up (\"… is deprecated. \
                         Please use KAFKA_ADVERTISED_LISTENERS instead.\")"
                    ),
                });
            }
        }
    }
    // The enterprise image was renamed `cp-server` before CP 7: its newest tags run Kafka 2.
    let enterprise = catalog::image(repo) == Some(Image::CpEnterpriseKafka);
    let kafka3 = match b.family {
        Family::Confluent if enterprise => matches!(tag, TagVersion::Known(7.., _)),
        Family::Confluent => at_least(tag, 7),
        Family::Apache => true,
        Family::Bitnami => at_least(tag, 3),
        _ => false,
    };
    if kafka3 {
        for (property, setting) in &b.properties {
            let refused = out.iter().any(|h| h.key == setting.key);
            if REMOVED.contains(&property.as_str()) && !refused && filled(setting.value).is_some() {
                out.push(Hit {
                    key: setting.key,
                    value: setting.value,
                    severity: Severity::Warning,
                    text: format!(
                        "`{}` sets `{property}`, which Kafka 3.0 removed: it is ignored and the \
                         broker advertises its listeners instead",
                        setting.key
                    ),
                });
            }
        }
    }
    if kraft::kraft_only(service)
        && let Some(setting) = b.property("zookeeper.connect")
    {
        out.push(Hit {
            key: setting.key,
            value: setting.value,
            severity: Severity::Error,
            text: format!(
                "`{}` configures ZooKeeper mode, which {} no longer has (Kafka 4.0 is KRaft only)",
                setting.key,
                version_name(repo, tag)
            ),
        });
    }
    out
}

/// The image as messages name it: `repo` and its tag's version, or "the newest …".
fn version_name(repo: &str, tag: TagVersion) -> String {
    match tag {
        TagVersion::Known(major, Some(minor)) => format!("{repo} {major}.{minor}"),
        TagVersion::Known(major, None) => format!("{repo} {major}"),
        _ => format!("the newest {repo} (the tag names no version)"),
    }
}

fn companion_hits<'p>(service: &Service<'p>, repo: &str, tag: TagVersion) -> Vec<Hit<'p>> {
    let mut out = Vec::new();
    match catalog::image(repo) {
        Some(Image::CpSchemaRegistry)
            if runs_start_script(service.spec, entrypoint::CONFLUENT_RUN) =>
        {
            let env = service.env();
            if let Some((key, _, value)) = env
                .into_iter()
                .flat_map(|e| e.iter())
                .find(|(k, _, v)| *k == "SCHEMA_REGISTRY_PORT" && filled(v).is_some())
            {
                out.push(Hit {
                    key,
                    value,
                    severity: Severity::Error,
                    text: "`SCHEMA_REGISTRY_PORT` makes the Schema Registry entrypoint exit at \
                           start-up (\"PORT is deprecated. Please use SCHEMA_REGISTRY_LISTENERS \
                           instead.\")"
                        .into(),
                });
            }
        }
        Some(Image::CpZookeeper) if matches!(tag, TagVersion::Known(8.., _)) => {
            if let Some(image) = service.image_value() {
                out.push(Hit {
                    key: "image",
                    value: image,
                    severity: Severity::Error,
                    text: format!(
                        "{} does not exist: Confluent Platform 8 publishes no ZooKeeper image \
                         (Kafka 4.0 removed ZooKeeper mode), so the pull fails",
                        version_name(repo, tag)
                    ),
                });
            }
        }
        _ => {}
    }
    out
}

fn diagnose(project: &Project, service: &str, repo: &str, hits: &[Hit]) -> Option<Diagnostic> {
    let severity = hits.iter().map(|h| h.severity).max()?;
    let first = hits.iter().find(|h| h.severity == severity)?;
    let texts: Vec<&str> = hits.iter().map(|h| h.text.as_str()).collect();
    let mut d = Diagnostic::new(&INFO, format!("`{service}`: {}", texts.join("; ")))
        .at(
            project.file(first.value.origin.file),
            first.value.origin.span,
        )
        .service(service);
    d.severity = severity;
    let help = if hits.iter().any(|h| h.key == "image") {
        "use a 7.x tag of `confluentinc/cp-zookeeper`, or move the cluster to KRaft and drop ZooKeeper"
    } else if hits.iter().any(|h| h.key == "SCHEMA_REGISTRY_PORT") {
        "set the port in `SCHEMA_REGISTRY_LISTENERS` (`http://0.0.0.0:<port>`) instead"
    } else if hits.iter().any(|h| h.key.ends_with("ZOOKEEPER_CONNECT")) {
        let pin = catalog::last_zookeeper_release(repo).map_or_else(
            || "pin an image tag that still has ZooKeeper mode".to_string(),
            |tag| format!("pin a tag that still has ZooKeeper mode (`{repo}:{tag}`)"),
        );
        return Some(d.help(format!(
            "{pin}, or migrate to KRaft (`KAFKA_PROCESS_ROLES`, `KAFKA_NODE_ID`, the controller \
             quorum, `CLUSTER_ID`) and drop the ZooKeeper settings"
        )));
    } else {
        "describe what the broker binds and advertises with `KAFKA_LISTENERS` and \
         `KAFKA_ADVERTISED_LISTENERS`, and remove the legacy keys"
    };
    Some(d.help(help))
}

/// The Schema Registry fix: the port moves into `SCHEMA_REGISTRY_LISTENERS` — of every
/// registry that shares the setting when it is written once in an anchor (`review` then).
fn registry_fix(cx: &Context, service: &Service, hits: &[Hit]) -> Option<Fix> {
    let project = cx.project;
    let hit = hits.iter().find(|h| h.key == "SCHEMA_REGISTRY_PORT")?;
    let env = service.environment()?;
    if empties_a_mapping(env, &[hit.key]) {
        return None;
    }
    let listeners = format!("http://0.0.0.0:{}", filled(hit.value)?.trim());
    let mut edits = vec![builders::remove_key(project, env, hit.key)?];
    let sharing = builders::services_sharing(project, hit.value);
    for other in cx
        .services()
        .iter()
        .filter(|o| sharing.iter().any(|s| s == o.name))
    {
        let other_env = other.environment()?;
        if !other.env()?.contains_key("SCHEMA_REGISTRY_LISTENERS") {
            let edit =
                builders::set_env(project, other_env, "SCHEMA_REGISTRY_LISTENERS", &listeners)?;
            if !edits
                .iter()
                .any(|e| e.span == edit.span && e.content == edit.content)
            {
                edits.push(edit);
            }
        }
    }
    Some(Fix::new(
        "Move `SCHEMA_REGISTRY_PORT` into `SCHEMA_REGISTRY_LISTENERS`",
        if sharing.len() > 1 {
            Applicability::Review
        } else {
            Applicability::Safe
        },
        edits,
    ))
}

/// The `cp-zookeeper` 8 fix (`review`): the tag of the last release line that has the image.
fn zookeeper_image_fix(project: &Project, service: &Service, hits: &[Hit]) -> Option<Fix> {
    if hits.len() != 1 || hits.first()?.key != "image" {
        return None;
    }
    pin_last_zookeeper_release(project, service)
}

/// Whether every node of `b`'s cluster that is configured for ZooKeeper on a KRaft-only image
/// has a release with ZooKeeper mode to go back to.
fn cluster_can_stay_on_zookeeper(cx: &Context, b: &Broker) -> bool {
    kafka::cluster_members(cx.book(), cx.brokers(), b)
        .iter()
        .filter_map(|m| Some((cx.service(m.service)?, m)))
        .filter(|(s, m)| kraft::zookeeper_mode_removed(s, m))
        .all(|(s, _)| {
            s.repository
                .is_some_and(|(repo, _)| catalog::last_zookeeper_release(repo).is_some())
        })
}

/// Pins the image's last release with ZooKeeper mode (`review`: a downgrade, which keeps the
/// stack as its author configured it).
fn pin_last_zookeeper_release(project: &Project, service: &Service) -> Option<Fix> {
    let (repo, _) = service.repository?;
    let tag = catalog::last_zookeeper_release(repo)?;
    let edit = kraft::replace_tag(project, service, tag)?;
    Some(Fix::new(
        format!("Pin `{repo}:{tag}`, the last release with ZooKeeper mode"),
        Applicability::Review,
        vec![edit],
    ))
}

/// The broker fix (`review`): a ZooKeeper-mode node on a KRaft-only image gets the image's
/// last release with ZooKeeper mode; ZooKeeper settings of a KRaft node go; without listeners
/// of its own, the legacy host and port become the dual-listener block (§3.5); with them, the
/// legacy keys only go.
fn broker_fix(cx: &Context, service: &Service, b: &Broker, hits: &[Hit]) -> Option<Fix> {
    if hits.is_empty() {
        return None;
    }
    let project = cx.project;
    let (zookeeper, legacy): (Vec<&str>, Vec<&str>) = hits
        .iter()
        .map(|h| h.key)
        .partition(|k| k.ends_with("ZOOKEEPER_CONNECT"));
    // A node configured for ZooKeeper keeps working on the last release that has it. Where
    // no such release can be pulled (Bitnami's) for some node of its cluster, the whole
    // cluster moves to KRaft: the ZooKeeper settings go and the KRaft block (worked out while
    // they still tell the cluster) comes.
    if kraft::zookeeper_mode_removed(service, b) {
        if !legacy.is_empty() {
            return None;
        }
        if cluster_can_stay_on_zookeeper(cx, b) {
            return pin_last_zookeeper_release(project, service);
        }
        let block = kraft::kraft_block(cx, b)?;
        let env = service.environment()?;
        let mut edits: Vec<Edit> = zookeeper
            .iter()
            .map(|k| builders::remove_key(project, env, k))
            .collect::<Option<_>>()?;
        for (key, value) in &block {
            edits.push(builders::set_env(project, env, key, value)?);
        }
        let added: Vec<&str> = block.iter().map(|(k, _)| k.as_str()).collect();
        return Some(Fix::new(
            format!(
                "Move `{}` to KRaft: remove `{}`, set `{}`",
                service.name,
                zookeeper.join("`, `"),
                added.join("`, `")
            ),
            Applicability::Review,
            edits,
        ));
    }
    let all: Vec<&str> = hits.iter().map(|h| h.key).collect();
    let env = service.environment()?;
    if empties_a_mapping(env, &all) {
        return None;
    }
    let mut edits: Vec<Edit> = all
        .iter()
        .map(|k| builders::remove_key(project, env, k))
        .collect::<Option<_>>()?;
    if legacy.is_empty() {
        return Some(Fix::new(
            format!(
                "Remove `{}`: the image has no ZooKeeper mode",
                zookeeper.join("`, `")
            ),
            Applicability::Review,
            edits,
        ));
    }
    let names = format!("`{}`", all.join("`, `"));
    // Leaving ZooKeeper, the KRaft block (KAF011) writes the listeners.
    if !zookeeper.is_empty() {
        return Some(Fix::new(
            format!("Remove {names}: the image has no ZooKeeper mode nor legacy host settings"),
            Applicability::Review,
            edits,
        ));
    }
    if b.property("advertised.listeners").is_some() || b.property("listeners").is_some() {
        return Some(Fix::new(
            format!(
                "Remove {names}: the listener settings already say what the broker binds and advertises"
            ),
            Applicability::Review,
            edits,
        ));
    }
    let (block, title) = dual_listeners(service, b)?;
    for (key, value) in &block {
        edits.push(builders::set_env(project, env, key, value)?);
    }
    edits.extend(repoint_clients(cx, b)?);
    Some(Fix::new(
        format!("Replace {names} with {title}"),
        Applicability::Review,
        edits,
    ))
}

/// Whether removing `keys` leaves no entry of the environment in a file that wrote some of
/// them (an override that only held them): an empty `environment:` does not validate.
fn empties_a_mapping(env: &Value, keys: &[&str]) -> bool {
    let Some(map) = env.as_map() else {
        return true;
    };
    map.iter()
        .filter(|(k, _, _)| keys.contains(k))
        .any(|(_, origin, _)| {
            !map.iter()
                .any(|(k, o, _)| !keys.contains(&k) && o.file == origin.file)
        })
}

/// The port the legacy broker binds (`port`, else 9092).
fn bind_port(b: &Broker) -> u16 {
    b.property("port")
        .and_then(|s| s.scalar()?.parse().ok())
        .unwrap_or(9092)
}

/// The internal port of the dual-listener block: the first of 29092, 19092, 39092 not taken.
fn internal_port(b: &Broker) -> u16 {
    let bind = bind_port(b);
    [29092, 19092, 39092]
        .into_iter()
        .find(|p| *p != bind)
        .unwrap_or(29092)
}

/// The §3.5 block for a ZooKeeper-mode broker with no listener settings: an internal listener
/// for containers (`S:Pi`) and an external one on the legacy port for the host (`localhost`
/// and the host port published to it). None in KRaft, or when the protocol map or the
/// inter-broker settings are already given.
fn dual_listeners(service: &Service, b: &Broker) -> Option<(Vec<(String, String)>, String)> {
    let taken = [
        "process.roles",
        "listener.security.protocol.map",
        "inter.broker.listener.name",
        "security.inter.broker.protocol",
    ];
    if taken.iter().any(|p| b.property(p).is_some()) {
        return None;
    }
    let bind = bind_port(b);
    let host_ports: Vec<u16> = service
        .published()
        .iter()
        .filter(|p| p.protocol == "tcp" && p.target_ports.contains(&bind))
        .filter(|p| p.host_ports.start() == p.host_ports.end())
        .map(|p| *p.host_ports.start())
        .collect();
    let external_port = match host_ports.as_slice() {
        [one] => *one,
        _ => bind,
    };
    let internal = internal_port(b);
    let (i, e) = match b.family {
        Family::Bitnami => ("CLIENT", "EXTERNAL"),
        _ => ("INTERNAL", "EXTERNAL"),
    };
    let prefix = b.family.prefix();
    let s = b.service;
    let block = vec![
        (
            format!("{prefix}LISTENERS"),
            format!("{i}://0.0.0.0:{internal},{e}://0.0.0.0:{bind}"),
        ),
        (
            format!("{prefix}ADVERTISED_LISTENERS"),
            format!("{i}://{s}:{internal},{e}://localhost:{external_port}"),
        ),
        (
            format!("{prefix}LISTENER_SECURITY_PROTOCOL_MAP"),
            format!("{i}:PLAINTEXT,{e}:PLAINTEXT"),
        ),
        (format!("{prefix}INTER_BROKER_LISTENER_NAME"), i.to_string()),
    ];
    let title = format!(
        "listeners `{i}` (`{s}:{internal}`, for containers) and `{e}` (`localhost:{external_port}`, \
         for the host)"
    );
    Some((block, title))
}

/// Points the project's Kafka clients of the broker's legacy port at its internal listener.
fn repoint_clients(cx: &Context, b: &Broker) -> Option<Vec<Edit>> {
    let bind = bind_port(b);
    let target = format!("{}:{}", b.service, internal_port(b));
    let mut edits = Vec::new();
    for client in cx.services() {
        for t in bootstrap_targets(client.spec) {
            if !t.target.port_written
                || t.port != Some(bind)
                || cx.book().resolve(client.name, &t.target.host) != Addressee::Service(b.service)
            {
                continue;
            }
            let range = t.value_range(t.target.range.clone())?;
            edits.push(builders::replace_part(cx.project, t.value, range, &target)?);
        }
    }
    Some(edits)
}
