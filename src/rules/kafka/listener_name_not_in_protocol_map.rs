//! KAF006 listener-name-not-in-protocol-map.

use super::listener_list::{self, span};
use crate::diagnostic::{Applicability, Fix};
use crate::diagnostic::{Diagnostic, Platform, Severity};
use crate::diagnostic::{FixAvailability, RuleInfo};
use crate::facts::kafka::{self, BUILT_IN_PROTOCOLS, Broker, Endpoint, Family, Setting};
use crate::facts::service::Service;
use crate::fix::builders;
use crate::project::Project;
use crate::rules::{Context, Rule};
use std::ops::Range;

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

    fn check_broker(
        &self,
        cx: &Context<'_>,
        service: &Service<'_>,
        broker: &Broker<'_>,
        out: &mut Vec<Diagnostic>,
    ) {
        if !listener_list::readable(broker, &READ) {
            return;
        }
        let map = broker
            .property(MAP)
            .filter(|s| s.text().is_some_and(|t| !t.trim().is_empty()));
        // An unset map means the built-in names only, if nothing else can set it.
        if map.is_none() && (cx.is_partial() || !kafka::unset_means_default(broker)) {
            return;
        }
        if let Some(d) = diagnose(cx.project, service, broker, map) {
            out.push(d);
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
fn diagnose(
    project: &Project,
    service: &Service,
    broker: &Broker,
    map: Option<&Setting>,
) -> Option<Diagnostic> {
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
        // The entrypoint's check is a substring match over the allowed names: `PLAIN` passes
        // it, and Kafka then refuses the map while parsing it.
        let message = if "PLAINTEXT SSL SASL_PLAINTEXT SASL_SSL".contains(protocol.as_str()) {
            format!(
                "`{key}` maps `{name}` to `{protocol}`, which is not a security protocol: the \
                 bitnami entrypoint's check lets it through (it matches part of an allowed \
                 name), then Kafka stops at start-up parsing the map (use PLAINTEXT, SSL, \
                 SASL_PLAINTEXT or SASL_SSL)"
            )
        } else {
            format!(
                "`{key}` maps `{name}` to `{protocol}`: the bitnami entrypoint exits with \
                 \"Authentication protocol {protocol} is not supported!\" (use PLAINTEXT, SSL, \
                 SASL_PLAINTEXT or SASL_SSL)"
            )
        };
        (file, at, message)
    };
    let mut d = Diagnostic::new(&INFO, message)
        .at(&file, at)
        .service(broker.service);
    if missing.is_empty() {
        d = d.with_fix(map.and_then(|m| protocol_fix(project, broker, m, &key)));
    } else {
        let added: Vec<String> = missing
            .iter()
            .map(|u| format!("{}:PLAINTEXT", u.name))
            .collect();
        d = d
            .help(format!(
                "map every listener name to its security protocol, e.g. add `{}` to `{key}`",
                added.join(",")
            ))
            .with_fix(fix(project, service, map, &pairs, &uses, &missing, &key));
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

/// Replaces each protocol bitnami rejects with the one it most likely means (`review`: a
/// guess, though a deterministic one); None when one of them has no likely meaning.
fn protocol_fix(project: &Project, broker: &Broker, map: &Setting, key: &str) -> Option<Fix> {
    let sasl = has_sasl_settings(broker);
    let mut edits = Vec::new();
    let mut changes = Vec::new();
    for (range, protocol) in protocols(map.text()?) {
        if BUILT_IN_PROTOCOLS.contains(&protocol.to_ascii_uppercase().as_str()) {
            continue;
        }
        let meant = intended(protocol, sasl)?;
        edits.push(builders::replace_part(project, map.value, range, meant)?);
        changes.push(format!("`{protocol}` with `{meant}`"));
    }
    if edits.is_empty() {
        return None;
    }
    Some(Fix::new(
        format!("Replace {} in `{key}`", changes.join(", ")),
        Applicability::Review,
        edits,
    ))
}

/// The protocol of each `NAME:PROTOCOL` entry of a map, with its bytes in the text.
fn protocols(text: &str) -> Vec<(Range<usize>, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for entry in text.split(',') {
        if let Some(colon) = entry.find(':') {
            let after = &entry[colon + 1..];
            let protocol = after.trim();
            let at = start + colon + 1 + (after.len() - after.trim_start().len());
            out.push((at..at + protocol.len(), protocol));
        }
        start += entry.len() + 1;
    }
    out
}

/// Whether the broker is configured for SASL: a `sasl.*` or `*.sasl.*` property (bitnami
/// refuses SASL listeners without `KAFKA_CFG_SASL_ENABLED_MECHANISMS`).
fn has_sasl_settings(broker: &Broker) -> bool {
    broker
        .properties
        .iter()
        .any(|(p, _)| p.starts_with("sasl.") || p.contains(".sasl."))
}

/// The protocol a misspelt one most likely means: the transport (plain text or TLS) the
/// spelling names — anything built on `PLAIN` (`PLAIN`, `PLAINTEX`, `SASL_PLAIN`,
/// `SSL_PLAINTEXT`) is plain text, else the one protocol within two edits — with SASL when
/// the broker has SASL settings. None when the spelling names no transport for sure.
fn intended(protocol: &str, sasl: bool) -> Option<&'static str> {
    let upper = protocol.to_ascii_uppercase();
    let bare = ["SASL_", "SSL_"]
        .iter()
        .find_map(|p| upper.strip_prefix(p))
        .unwrap_or(&upper);
    let plain = if bare.starts_with("PLAIN") {
        true
    } else {
        nearest_protocol(&upper)?.ends_with("PLAINTEXT")
    };
    Some(match (plain, sasl) {
        (true, false) => "PLAINTEXT",
        (true, true) => "SASL_PLAINTEXT",
        (false, false) => "SSL",
        (false, true) => "SASL_SSL",
    })
}

/// The one built-in protocol nearest to `upper` within two edits; None for short words
/// (`SASL` is one edit from `SSL` but says nothing of the transport) or a tie.
fn nearest_protocol(upper: &str) -> Option<&'static str> {
    if upper.len() < 5 {
        return None;
    }
    let scored: Vec<(usize, &'static str)> = BUILT_IN_PROTOCOLS
        .iter()
        .map(|p| (strsim::osa_distance(upper, p), *p))
        .filter(|(d, _)| *d <= 2)
        .collect();
    let best = scored.iter().map(|(d, _)| *d).min()?;
    match scored
        .iter()
        .filter(|(d, _)| *d == best)
        .collect::<Vec<_>>()[..]
    {
        [(_, p)] => Some(p),
        _ => None,
    }
}

/// Appends the missing names to the map, or creates the map with every name in use. None when
/// a name cannot be a map entry (`PLAINTEXT://host:9092` written where a name belongs): the
/// `:` would split it, and the finding would stay.
fn fix(
    project: &Project,
    service: &Service,
    map: Option<&Setting>,
    pairs: &[(String, String)],
    uses: &[Use],
    missing: &[&Use],
    key: &str,
) -> Option<Fix> {
    let listener_name = |n: &str| {
        !n.is_empty()
            && n.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    };
    if !uses.iter().all(|u| listener_name(&u.name)) {
        return None;
    }
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
                .any(|s| s != service.name);
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
            let env = service.environment()?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misspelt_protocols_map_to_the_transport_they_name() {
        for plain in [
            "PLAIN",
            "PLAINTEX",
            "plain",
            "SASL_PLAIN",
            "SSL_PLAINTEXT",
            "PLAIN_TEXT",
        ] {
            assert_eq!(intended(plain, false), Some("PLAINTEXT"), "{plain}");
            assert_eq!(intended(plain, true), Some("SASL_PLAINTEXT"), "{plain}");
        }
        assert_eq!(intended("SASLPLAINTEXT", false), Some("PLAINTEXT"));
        assert_eq!(intended("SASL_SLL", true), Some("SASL_SSL"));
        assert_eq!(intended("SASL_SLL", false), Some("SSL"));
    }

    #[test]
    fn unclear_protocols_have_no_guess() {
        for unclear in ["SASL", "TLS", "KERBEROS", "SCRAM-SHA-256", "SLL", ""] {
            assert_eq!(intended(unclear, false), None, "{unclear}");
        }
    }

    #[test]
    fn protocols_carry_their_bytes() {
        let text = "CONTROLLER:PLAIN, CLIENT: SASL_PLAIN ,X";
        let found = protocols(text);
        assert_eq!(found.len(), 2);
        for (range, protocol) in found {
            assert_eq!(&text[range], protocol);
        }
        assert_eq!(protocols(text)[1].1, "SASL_PLAIN");
    }
}
