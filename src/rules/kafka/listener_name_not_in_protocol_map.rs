//! KAF006 listener-name-not-in-protocol-map.

use super::listener_list::{self, span};
use crate::diagnostic::{Diagnostic, Platform, Severity};
use crate::facts::completeness::is_partial;
use crate::facts::kafka::{self, BUILT_IN_PROTOCOLS, Broker, Endpoint, Family, Setting};
use crate::fix::{Applicability, Fix, builders};
use crate::project::Project;
use crate::rules::{FixAvailability, Rule, RuleInfo};

rule_info!(
    ListenerNameNotInProtocolMap,
    INFO,
    "KAF006",
    "listener-name-not-in-protocol-map",
    Severity::Error,
    &Platform::ALL,
    FixAvailability::Safe
);

const MAP: &str = "listener.security.protocol.map";

/// Properties whose unknown value (an unset variable) keeps the rule silent.
const READ: [&str; 5] = [
    "listeners",
    "advertised.listeners",
    "controller.listener.names",
    MAP,
    "process.roles",
];

/// A listener name the broker uses, and where (None: only in `controller.listener.names`).
struct Use<'p> {
    name: String,
    endpoint: Option<Endpoint<'p>>,
}

impl Rule for ListenerNameNotInProtocolMap {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        let partial = is_partial(project);
        for broker in kafka::brokers(project) {
            if broker.family == Family::Redpanda || listener_list::unknown(&broker, &READ) {
                continue;
            }
            let map = broker
                .property(MAP)
                .filter(|s| s.text().is_some_and(|t| !t.trim().is_empty()));
            // An unset map means the built-in names only, if nothing else can set it.
            if map.is_none() && (partial || !kafka::unset_means_default(&broker)) {
                continue;
            }
            if let Some(d) = diagnose(project, &broker, map) {
                out.push(d);
            }
        }
    }
}

/// Every listener name the broker uses, first occurrence first.
fn uses<'p>(broker: &Broker<'p>) -> Vec<Use<'p>> {
    let mut out: Vec<Use> = Vec::new();
    let endpoints = broker
        .listeners()
        .into_iter()
        .chain(broker.advertised())
        .flatten();
    for e in endpoints {
        if !out.iter().any(|u| u.name == e.name) {
            out.push(Use {
                name: e.name.clone(),
                endpoint: Some(e),
            });
        }
    }
    for name in broker.controller_names() {
        if !out.iter().any(|u| u.name == name) {
            out.push(Use {
                name,
                endpoint: None,
            });
        }
    }
    out
}

/// Whether `name` has a protocol: in the map when it is set; else the built-in names, and
/// controller names in KRaft (Kafka maps those to PLAINTEXT). Old bitnami tags ran KRaft from
/// `KAFKA_ENABLE_KRAFT` with a shipped map holding `CONTROLLER`, so bitnami's controller names
/// count as mapped too.
fn mapped(broker: &Broker, map: Option<&[(String, String)]>, name: &str) -> bool {
    if let Some(map) = map {
        return map.iter().any(|(n, _)| n == name);
    }
    let controller = broker.controller_names().iter().any(|c| c == name);
    BUILT_IN_PROTOCOLS.contains(&name)
        || (controller && broker.roles().is_some())
        || (broker.family == Family::Bitnami && (controller || name == "CONTROLLER"))
}

/// The finding for one broker: its unmapped names (or bitnami's unsupported protocols).
fn diagnose(project: &Project, broker: &Broker, map: Option<&Setting>) -> Option<Diagnostic> {
    let pairs = broker.protocol_map().unwrap_or_default();
    let map_pairs = map.map(|_| pairs.as_slice());
    let uses = uses(broker);
    let missing: Vec<&Use> = uses
        .iter()
        .filter(|u| !mapped(broker, map_pairs, &u.name))
        .collect();
    // bitnami's entrypoint rejects protocols outside the four Kafka knows.
    let bad: Vec<&(String, String)> = if broker.family == Family::Bitnami {
        pairs
            .iter()
            .filter(|(_, p)| !BUILT_IN_PROTOCOLS.contains(&p.as_str()))
            .collect()
    } else {
        Vec::new()
    };
    let key = map.map_or_else(
        || format!("{}LISTENER_SECURITY_PROTOCOL_MAP", broker.family.prefix()),
        |s| s.key.to_string(),
    );
    let (file, at, message) = if let Some(first) = missing.first() {
        let names: Vec<String> = missing.iter().map(|u| format!("`{}`", u.name)).collect();
        let (file, at) = place(project, broker, first, map)?;
        let why = if map.is_some() {
            format!("{} not in `{key}`", is_are(&names))
        } else {
            format!(
                "{} not one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL and `{key}` is not set",
                is_are(&names)
            )
        };
        let message = format!(
            "{why}: the `{}` broker exits at start-up with \"No security protocol \
             defined for listener {}\"",
            broker.service, first.name
        );
        (file, at, message)
    } else {
        let (name, protocol) = bad.first()?;
        let map = map?;
        let (file, at) = span(project, map.value, 0..map.text()?.len());
        let message = format!(
            "`{key}` maps `{name}` to `{protocol}`: the bitnami entrypoint exits with \
             \"Authentication protocol {protocol} is not supported!\" (use PLAINTEXT, SSL, \
             SASL_PLAINTEXT or SASL_SSL)"
        );
        (file, at, message)
    };
    let mut d = Diagnostic::new(&INFO, message)
        .at(&file, at)
        .service(broker.service);
    if !missing.is_empty() {
        let added: Vec<String> = missing
            .iter()
            .map(|u| format!("{}:PLAINTEXT", u.name))
            .collect();
        d = d
            .help(format!(
                "map every listener name to its security protocol, e.g. add `{}` to `{key}`",
                added.join(",")
            ))
            .with_fix(fix(project, broker, map, &pairs, &uses, &missing, &key));
    }
    Some(d)
}

/// "listener `A` is" / "listeners `A`, `B` are".
fn is_are(names: &[String]) -> String {
    match names {
        [one] => format!("listener {one} is"),
        _ => format!("listeners {} are", names.join(", ")),
    }
}

/// Where to point: the name in its listener list, else `controller.listener.names`.
fn place(
    project: &Project,
    broker: &Broker,
    first: &Use,
    map: Option<&Setting>,
) -> Option<(
    std::sync::Arc<crate::source::SourceFile>,
    crate::source::Span,
)> {
    if let Some(w) = first.endpoint.as_ref().and_then(listener_list::written) {
        return Some(span(project, w.value, w.name));
    }
    let setting = broker.property("controller.listener.names").or(map)?;
    Some(span(project, setting.value, 0..setting.text()?.len()))
}

/// Appends the missing names to the map, or creates the map with every name in use.
fn fix(
    project: &Project,
    broker: &Broker,
    map: Option<&Setting>,
    pairs: &[(String, String)],
    uses: &[Use],
    missing: &[&Use],
    key: &str,
) -> Option<Fix> {
    // A name that says SSL or SASL was probably not meant to be PLAINTEXT.
    let guessed = missing
        .iter()
        .any(|u| u.name.contains("SSL") || u.name.contains("SASL"));
    let (edit, title, plaintext_only, shared) = match map {
        Some(setting) => {
            let text = setting.text()?;
            let end = text.trim_end().len();
            let sep = if text.contains(", ") { ", " } else { "," };
            let added: String = missing
                .iter()
                .map(|u| format!("{sep}{}:PLAINTEXT", u.name))
                .collect();
            let edit = builders::replace_part(project, setting.value, end..end, &added)?;
            let shared = builders::services_sharing(project, setting.value)
                .iter()
                .any(|s| s != broker.service);
            let plaintext = pairs.iter().all(|(_, p)| p == "PLAINTEXT");
            (
                edit,
                format!("Add {} to `{key}`", added.trim_start_matches(sep)),
                plaintext,
                shared,
            )
        }
        None => {
            let value: Vec<String> = uses
                .iter()
                .map(|u| {
                    let protocol = if BUILT_IN_PROTOCOLS.contains(&u.name.as_str()) {
                        u.name.as_str()
                    } else {
                        "PLAINTEXT"
                    };
                    format!("{}:{protocol}", u.name)
                })
                .collect();
            let value = value.join(",");
            let env = broker.spec.get("environment")?;
            let edit = builders::set_env(project, env, key, &value)?;
            (edit, format!("Set `{key}` to `{value}`"), true, false)
        }
    };
    let applicability = if plaintext_only && !guessed && !shared {
        Applicability::Safe
    } else {
        Applicability::Review
    };
    Some(Fix::new(title, applicability, vec![edit]))
}
