//! NET003 unknown-single-label-host.

use crate::diagnostic::{Applicability, Fix};
use crate::diagnostic::{Diagnostic, Platform, Severity};
use crate::diagnostic::{FixAvailability, RuleInfo};
use crate::facts::address_book::{AddressBook, Addressee};
use crate::facts::clients::{ClientTarget, PortSource};
use crate::facts::connection::single_label;
use crate::facts::hostlist::{self, HostPort};
use crate::facts::values::{contains_ignore_case, ends_with_ignore_case};
use crate::fix::builders;
use crate::project::Project;
use crate::rules::{Context, Rule};

rule_info!(
    UnknownSingleLabelHost,
    INFO,
    "NET003",
    "unknown-single-label-host",
    Severity::Warning,
    &Platform::ALL,
    FixAvailability::Review
);

/// Key suffixes under which a bare word is a host name (`DB_HOST: database`). Bare words under
/// other client keys are often something else: Laravel's `DB_CONNECTION: mysql` is a driver,
/// `APP_SERVER: gunicorn` a program.
/// `X_HOSTNAME` is left out: it is as often the service's own name (`CLUSTER_HOSTNAME`).
const BARE_HOST_SUFFIXES: [&str; 4] = ["HOST", "HOSTS", "ADDR", "ADDRESS"];

/// Keys that name the service's own host name or domain, not a server it connects to.
const OWN_NAME_KEYS: [&str; 5] = [
    "HOST",
    "HOSTNAME",
    "VIRTUAL_HOST",
    "LETSENCRYPT_HOST",
    "SERVER_HOST",
];

/// Words naming a key's own identity or scope rather than a server.
const OWN_NAME_PARTS: [&str; 4] = ["DOMAIN", "PUBLIC", "EXTERNAL", "VIRTUAL"];

impl Rule for UnknownSingleLabelHost {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_project(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let project = cx.project;
        if cx.is_partial() {
            return;
        }
        let book = cx.book();
        // Unknown names repeat across services: compute each one's suggestions once, which
        // keeps the rule at project level.
        let mut suggested: std::collections::HashMap<String, Vec<&str>> =
            std::collections::HashMap::new();
        // Read only when some name is unknown.
        let in_sibling = |host: &str| cx.siblings().may_define_service(host);
        for service in cx.services() {
            let name = service.name;
            if service.network_mode.is_set()
                || service.spec.get("external_links").is_some()
                || book.on_external_network(name)
            {
                continue;
            }
            let unknown: Vec<ClientTarget> = cx
                .client_targets(service.spec)
                .iter()
                .filter(|t| {
                    candidate(t)
                        && book.resolve(name, &t.target.host) == Addressee::External
                        && !in_sibling(&t.target.host)
                })
                .cloned()
                .collect();
            let Some(first) = unknown.first() else {
                continue;
            };
            let host = first.target.host.as_str();
            let suggestions = suggested
                .entry(host.to_ascii_lowercase())
                .or_insert_with(|| suggestions(book, host))
                .clone();
            let mut hosts: Vec<String> = unknown
                .iter()
                .map(|t| format!("`{}`", t.target.host))
                .collect();
            hosts.dedup();
            let message = format!(
                "{} connects to {}, which is not a service of this project: inside the Compose \
                 network the name does not resolve",
                first.place,
                hosts.join(", ")
            );
            let help = match suggestions.as_slice() {
                [] => "use the name of the service that runs this server, or add the service (or \
                       an `extra_hosts` entry) that this name refers to"
                    .to_string(),
                [one] => format!("did you mean the service `{one}`?"),
                many => format!(
                    "did you mean one of the services {}?",
                    many.iter()
                        .map(|s| format!("`{s}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            let fix = match suggestions.as_slice() {
                [one] => fix(project, &unknown, host, one),
                _ => None,
            };
            // Its includer may define the host.
            if cx.is_included_elsewhere() {
                return;
            }
            out.push(
                Diagnostic::new(&INFO, message)
                    .at(project.file(first.value.origin.file), first.host_span())
                    .service(name)
                    .help(help)
                    .with_fix(fix),
            );
        }
        // A broker's ZooKeeper address is one of its own `KAFKA_*` properties, which the
        // client-address facts leave to the Kafka rules: an unknown host in it is reported
        // here all the same.
        for broker in cx.brokers() {
            let Some(service) = cx.service(broker.service) else {
                continue;
            };
            if service.network_mode.is_set()
                || service.spec.get("external_links").is_some()
                || book.on_external_network(service.name)
            {
                continue;
            }
            let Some(setting) = broker.property("zookeeper.connect") else {
                continue;
            };
            let Some(text) = setting.text() else { continue };
            let unknown: Vec<HostPort> = hostlist::parse(text)
                .into_iter()
                .filter(|e| {
                    single_label(&e.host)
                        && book.resolve(service.name, &e.host) == Addressee::External
                        && !in_sibling(&e.host)
                })
                .collect();
            let Some(first) = unknown.first() else {
                continue;
            };
            let host = first.range.start..first.range.start + first.host.len();
            let span = setting
                .value
                .as_str()
                .and_then(|s| s.literal_span(host))
                .unwrap_or(setting.value.origin.span);
            let suggestions = suggestions(book, &first.host);
            let help = match suggestions.as_slice() {
                [one] => format!("did you mean the ZooKeeper service `{one}`?"),
                _ => "use the name of the ZooKeeper service".to_string(),
            };
            if cx.is_included_elsewhere() {
                return;
            }
            out.push(
                Diagnostic::new(
                    &INFO,
                    format!(
                        "`{}` connects to `{}`, which is not a service of this project: inside \
                         the Compose network the name does not resolve, and the broker cannot \
                         reach ZooKeeper",
                        setting.key, first.host
                    ),
                )
                .at(project.file(setting.value.origin.file), span)
                .service(service.name)
                .help(help),
            );
        }
    }
}

/// A host that must be a service name: a single DNS label (no dot, not an IP), written where
/// a host is certain (a URL, a `host:port` list, a host key, a client flag).
fn candidate(t: &ClientTarget) -> bool {
    if !single_label(&t.target.host) || t.target.srv || t.browser {
        return false;
    }
    let Some(key) = t.key else {
        return true;
    };
    if OWN_NAME_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key))
        || OWN_NAME_PARTS.iter().any(|p| contains_ignore_case(key, p))
    {
        return false;
    }
    if !t.target.is_bare() {
        return true;
    }
    matches!(t.port_source, PortSource::Pair { .. })
        || BARE_HOST_SUFFIXES.iter().any(|s| is_last_word(key, s))
}

/// Whether `word` is all of `key` or its last `_`-separated word, ignoring ASCII case.
fn is_last_word(key: &str, word: &str) -> bool {
    ends_with_ignore_case(key, word)
        && key
            .len()
            .checked_sub(word.len() + 1)
            .is_none_or(|underscore| key.as_bytes()[underscore] == b'_')
}

/// Services whose name is close to `host`: at most 3 edits apart, one a prefix of the other
/// (`postgres`/`postgresql`), or an abbreviation (`db` of `database`).
fn suggestions<'p>(book: &AddressBook<'p>, host: &str) -> Vec<&'p str> {
    let host = host.to_ascii_lowercase();
    book.services()
        .filter(|s| {
            let s = s.to_ascii_lowercase();
            strsim::levenshtein(&s, &host) <= 3.min(host.len().max(s.len()) / 2)
                || (s.len() >= 2
                    && host.len() >= 2
                    && (s.starts_with(&host) || host.starts_with(&s)))
                || abbreviates(&s, &host)
                || abbreviates(&host, &s)
        })
        .collect()
}

/// `short` (two or three letters) keeps the first letter of `long` and the rest of its
/// letters in order (`db` of `database`, `pg` of `postgres`).
fn abbreviates(short: &str, long: &str) -> bool {
    if !(2..=3).contains(&short.len())
        || short.len() >= long.len()
        || short.get(..1) != long.get(..1)
    {
        return false;
    }
    let mut rest = long.chars();
    short.chars().all(|c| rest.any(|l| l == c))
}

/// Replaces the unknown host with the suggested service wherever the service writes it.
fn fix(project: &Project, unknown: &[ClientTarget], host: &str, service: &str) -> Option<Fix> {
    let mut edits = Vec::new();
    for t in unknown.iter().filter(|t| t.target.host == host) {
        edits.push(builders::replace_part(
            project,
            t.value,
            t.host_range()?,
            service,
        )?);
    }
    Some(Fix::new(
        format!("Connect to the service `{service}` instead of `{host}`"),
        Applicability::Review,
        edits,
    ))
}

#[cfg(test)]
mod tests {
    use super::abbreviates;

    #[test]
    fn abbreviations() {
        assert!(abbreviates("db", "database"));
        assert!(abbreviates("pg", "postgres"));
        assert!(!abbreviates("db", "redis"));
        assert!(!abbreviates("d", "database"));
    }
}
