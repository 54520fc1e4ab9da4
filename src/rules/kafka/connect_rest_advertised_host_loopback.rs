//! CMP003 connect-rest-advertised-host-loopback.

use crate::diagnostic::{Applicability, Fix};
use crate::diagnostic::{Diagnostic, Platform, Severity};
use crate::diagnostic::{FixAvailability, RuleInfo};
use crate::facts::connection::{HostClass, classify};
use crate::facts::service::Service;
use crate::fix::builders;
use crate::images::{self as catalog, Image, repository};
use crate::project::value::Value;
use crate::rules::{Context, Rule};

rule_info!(
    ConnectRestAdvertisedHostLoopback,
    INFO,
    "CMP003",
    "connect-rest-advertised-host-loopback",
    Severity::Warning,
    &Platform::ALL,
    FixAvailability::Safe
);

/// The keys of a Connect worker: advertised REST host, group id, bootstrap servers.
struct Keys {
    advertised: &'static str,
    group: &'static str,
    bootstrap: &'static str,
}

const CONFLUENT: Keys = Keys {
    advertised: "CONNECT_REST_ADVERTISED_HOST_NAME",
    group: "CONNECT_GROUP_ID",
    bootstrap: "CONNECT_BOOTSTRAP_SERVERS",
};

/// Debezium's image exports `ADVERTISED_HOST_NAME` as the REST advertised host, over any
/// `CONNECT_REST_ADVERTISED_HOST_NAME` (RULES.md §3.1).
const DEBEZIUM: Keys = Keys {
    advertised: "ADVERTISED_HOST_NAME",
    group: "GROUP_ID",
    bootstrap: "BOOTSTRAP_SERVERS",
};

/// The worker keys of a service: by image, or any service configuring a Connect worker
/// through `CONNECT_BOOTSTRAP_SERVERS` and `CONNECT_GROUP_ID`.
fn worker_keys(service: &Service) -> Option<&'static Keys> {
    let repo = service.image.map(repository).unwrap_or_default();
    if catalog::image(repo) == Some(Image::DebeziumConnect) {
        return Some(&DEBEZIUM);
    }
    let env = service.env()?;
    let confluent = catalog::is_confluent_connect(repo) || catalog::is_confluent_demo_connect(repo);
    (confluent || (env.contains_key(CONFLUENT.bootstrap) && env.contains_key(CONFLUENT.group)))
        .then_some(&CONFLUENT)
}

fn env_text(service: &Service, key: &str) -> Option<String> {
    let v = service.env_value(key)?;
    if v.as_str().is_some_and(|s| !s.is_known()) {
        return None;
    }
    Some(v.scalar_text()?.trim().to_string())
}

/// The group a worker joins: its group id and the normalised bootstrap list.
fn group(service: &Service, keys: &Keys) -> Option<(String, Vec<String>)> {
    let id = env_text(service, keys.group)?;
    let mut servers: Vec<String> = env_text(service, keys.bootstrap)?
        .split([',', ' '])
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .collect();
    servers.sort();
    Some((id, servers))
}

impl Rule for ConnectRestAdvertisedHostLoopback {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_service(&self, cx: &Context<'_>, service: &Service<'_>, out: &mut Vec<Diagnostic>) {
        let Some(keys) = worker_keys(service) else {
            return;
        };
        let project = cx.project;
        let name = service.name;
        // With `network_mode` loopback is shared (host, another container); a helper that
        // reuses the image does not run the worker.
        if service.network_mode.is_set() || service.is_helper() {
            return;
        }
        let Some(value) = service.env_value(keys.advertised) else {
            return;
        };
        let Some(text) = value.as_str().filter(|s| s.is_known()).map(|s| &s.text) else {
            return;
        };
        let host = text.trim();
        if !matches!(classify(host), HostClass::Loopback | HostClass::AnyAddress) || host.is_empty()
        {
            return;
        }
        let own = group(service, keys);
        let peers: Vec<&str> = cx
            .services()
            .iter()
            .filter(|s| s.name != name && own.is_some())
            .filter(|s| worker_keys(s).is_some_and(|k| group(s, k) == own))
            .map(|s| s.name)
            .collect();
        let replacement = service
            .hostname()
            .and_then(Value::scalar_text)
            .map_or_else(|| name.to_string(), |h| h.into_owned());
        let mut d = Diagnostic::new(
            &INFO,
            format!(
                "`{}` is `{host}`: Connect workers forward REST requests to the leader's \
                 advertised address, and `{host}` makes each worker call itself{}",
                keys.advertised,
                if peers.is_empty() {
                    " (harmless alone; it breaks as soon as a second worker joins)".to_string()
                } else {
                    format!(
                        ", so requests forwarded by `{}` (same group `{}`) fail",
                        peers.join("` and `"),
                        own.map(|(id, _)| id).unwrap_or_default()
                    )
                }
            ),
        )
        .at(project.file(value.origin.file), value.origin.span)
        .service(name)
        .help(format!(
            "advertise a name every worker resolves: `{}: {replacement}`",
            keys.advertised
        ))
        .with_fix(
            // The written text, also inside `${VAR:-default}`; else the whole scalar.
            builders::replace_part(project, value, 0..text.len(), &replacement)
                .or_else(|| builders::replace_scalar(project, value, &replacement))
                .map(|edit| {
                    Fix::new(
                        format!("Advertise `{replacement}`"),
                        Applicability::Safe,
                        vec![edit],
                    )
                }),
        );
        if !peers.is_empty() {
            d.severity = Severity::Error;
        }
        out.push(d);
    }
}
