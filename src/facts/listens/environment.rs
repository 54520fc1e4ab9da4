//! The ports a service's environment sets: port keys, listener URLs and JVM options (Java
//! agents, JMX), and whether an entry may move a port in a way not understood.

use super::{Evidence, Listens, Source};
use crate::facts::connection::parse_value;
use crate::facts::values::{contains_ignore_case, ends_with_ignore_case};
use crate::images::{self as catalog, zookeeper};

/// Environment keys whose value is a port the server opens besides its own (§1.3). Keys
/// ending in `_METRICS_PORT` or `_JMX_PORT` count too, and keys ending in `LISTENERS` (not
/// advertised ones) hold listener URLs (`SCHEMA_REGISTRY_LISTENERS`, Confluent Server's
/// `KAFKA_CONFLUENT_METADATA_SERVER_LISTENERS`).
use crate::images::env::SECONDARY_PORT_KEYS as PORT_KEYS;

/// Words that contain `PORT` without naming a port (`KAFKA_METRIC_REPORTERS`).
const NOT_PORT_WORDS: [&str; 13] = [
    "SUPPORT",
    "SUPPORTED",
    "REPORT",
    "REPORTS",
    "REPORTER",
    "REPORTERS",
    "REPORTING",
    "EXPORT",
    "EXPORTER",
    "EXPORTERS",
    "IMPORT",
    "TRANSPORT",
    "PASSPORT",
];

/// Reads the ports one environment entry of a `repo` service sets (`text` is None for an
/// unknown value); false when it may set one in a way not understood here, or sets a port key
/// the image ignores to another port than the default (the author expects a port we cannot
/// vouch for). ZooKeeper keys are read with the image.
pub(super) fn env_ports(key: &str, text: Option<&str>, repo: &str, out: &mut Listens) -> bool {
    // The key lists are upper-case; keys are compared ignoring ASCII case.
    let is = |k: &&str| k.eq_ignore_ascii_case(key);
    if zookeeper::CLIENT_PORT_KEYS.iter().any(is) {
        return true;
    }
    let mut understood = text.is_none_or(|t| jvm_ports(key, t, out));
    let setting = || Source::Setting(key.to_string());
    let port = text.and_then(|t| t.trim().parse::<u16>().ok());
    if let Some((reads, default)) = catalog::ports::server_port_key(key, repo) {
        match port {
            Some(p) if reads => out.add_from(p, Evidence::Configured, setting()),
            Some(p) if p == default => {}
            _ => understood = false,
        }
    } else if PORT_KEYS.iter().any(is)
        || ends_with_ignore_case(key, "_METRICS_PORT")
        || ends_with_ignore_case(key, "_JMX_PORT")
    {
        match port {
            Some(p) => out.add_from(p, Evidence::Configured, setting()),
            None => understood = false,
        }
    } else if ends_with_ignore_case(key, "LISTENERS") && !contains_ignore_case(key, "ADVERTISED") {
        let Some(text) = text else { return false };
        for t in parse_value(text) {
            match t.port {
                Some(p) if t.port_written => out.add_from(p, Evidence::Configured, setting()),
                _ => understood = false,
            }
        }
    } else if key.split(['_', '.', '-']).any(|w| {
        contains_ignore_case(w, "PORT") && !NOT_PORT_WORDS.iter().any(|n| n.eq_ignore_ascii_case(w))
    }) {
        // A setting we do not know may move the server's port (or be a client's).
        understood = false;
    }
    understood
}

/// Adds the ports JVM options open: a Java agent's (a Prometheus exporter's
/// `-javaagent:x.jar=1234:config.yml` or `=host:1234:…`, Jolokia's `=port=8778,…`) and
/// `-Dcom.sun.management.jmxremote.port=N` / `.rmi.port=N`. False for an agent whose port is
/// not written in one of these ways.
fn jvm_ports(key: &str, text: &str, out: &mut Listens) -> bool {
    // Both forms (`-javaagent:`, `jmxremote.`) have a `j`: other values are skipped at once.
    if !text.as_bytes().contains(&b'j') {
        return true;
    }
    let mut understood = true;
    let mut add = |port: Option<u16>| match port {
        Some(p) => out.add_from(p, Evidence::Configured, Source::Setting(key.to_string())),
        None => understood = false,
    };
    for word in text.split_whitespace() {
        let word = word.trim_matches(['"', '\'']);
        if let Some(agent) = word.strip_prefix("-javaagent:") {
            add(agent.split_once('=').and_then(|(_, args)| agent_port(args)));
        } else if let Some((name, value)) = word.split_once('=')
            && (name.ends_with("jmxremote.port") || name.ends_with("jmxremote.rmi.port"))
        {
            add(value.parse().ok());
        }
    }
    understood
}

/// The port in a Java agent's arguments: `1234:config.yml`, `host:1234:config.yml` or
/// `port=8778,host=…`.
fn agent_port(args: &str) -> Option<u16> {
    if let Some(port) = args.split(',').find_map(|kv| kv.strip_prefix("port=")) {
        return port.parse().ok();
    }
    args.split(':').take(2).find_map(|part| part.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::super::service_listens;

    #[test]
    fn server_port_keys_count_for_the_images_that_read_them() {
        let got = service_listens(
            r#"
services:
  official: {image: redis:7.2, environment: {REDIS_PORT_NUMBER: "6380"}}
  bitnami: {image: bitnami/redis:7.2, environment: {REDIS_PORT_NUMBER: "6380"}}
  default: {image: mongo:7, environment: {MONGODB_PORT_NUMBER: "27017"}}
  pg: {image: docker.io/library/postgres:16, environment: {PGPORT: "5433"}}
"#,
        );
        let summary: Vec<(&str, Vec<u16>, bool)> = got
            .iter()
            .map(|(n, l)| (n.as_str(), l.known().map(|(p, _)| p).collect(), l.complete))
            .collect();
        assert_eq!(
            summary,
            [
                ("official", vec![6379], false),
                ("bitnami", vec![6380], true),
                ("default", vec![27017], true),
                ("pg", vec![5433], true),
            ]
        );
    }
}
