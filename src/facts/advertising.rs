//! What servers that hand out their own address (RULES.md ADV001–ADV004) are configured to
//! advertise: MongoDB replica-set members, Redis Cluster nodes, Pulsar standalone brokers and
//! Elasticsearch/OpenSearch nodes. Each fact is None when the service is not such a server or
//! when a value it depends on is unknown: the rules then stay silent.

use crate::facts::service::Service;
use crate::facts::values::{Arg, args_known, command_lines, flag_value, has_flag};
use crate::images::TagVersion;
use crate::images::advertising::{self as catalog, Advertiser};
use crate::project::value::Value;

/// An environment setting: None when unset, `Some(None)` when its value is unknown (an unset
/// variable, a bare `KEY` taken from the shell), else its text.
fn env_text(service: &Service, key: &str) -> Option<Option<String>> {
    let value = service.env()?.get(key)?;
    if value.as_str().is_some_and(|s| !s.is_known()) {
        return Some(None);
    }
    Some(value.scalar_text().map(|t| t.trim().to_string()))
}

/// The command lines of `entrypoint` and `command` (each with the words of its `sh -c`
/// scripts); None when some argument is unknown, so that an option's absence proves nothing.
fn known_lines<'p>(service: &Service<'p>) -> Option<Vec<Vec<Arg<'p>>>> {
    let spec = service.spec;
    if !args_known(spec, "entrypoint") || !args_known(spec, "command") {
        return None;
    }
    let mut lines = command_lines(spec, "entrypoint");
    lines.extend(command_lines(spec, "command"));
    Some(lines)
}

/// The base name of a program argument (`/usr/bin/mongod` → `mongod`).
fn program<'a>(arg: &'a Arg) -> &'a str {
    arg.text.rsplit('/').next().unwrap_or(&arg.text)
}

/// A member of a MongoDB replica set.
#[derive(Debug)]
pub(crate) struct ReplicaSetMember<'p> {
    /// The replica set's name.
    pub set: String,
    /// The host the member advertises when it is written (Bitnami's
    /// `MONGODB_ADVERTISED_HOSTNAME`, known and not overridden by `MONGODB_ADVERTISE_IP`).
    pub advertised: Option<&'p Value>,
}

/// The replica set a service joins: Bitnami's `MONGODB_REPLICA_SET_MODE` (primary, secondary,
/// arbiter) with `MONGODB_REPLICA_SET_NAME` (default `replicaset`), or `mongod --replSet
/// <name>` (`--replSet=<name>`, a legacy `name/seeds` form) on the official image.
pub(crate) fn replica_set_member<'p>(service: &Service<'p>) -> Option<ReplicaSetMember<'p>> {
    if service.is_helper() {
        return None;
    }
    match catalog::advertiser(service.repo()?)? {
        Advertiser::BitnamiMongo => {
            let mode = env_text(service, "MONGODB_REPLICA_SET_MODE")??;
            if !catalog::BITNAMI_MONGO_MEMBER_MODES.contains(&mode.to_ascii_lowercase().as_str()) {
                return None;
            }
            let set = match env_text(service, "MONGODB_REPLICA_SET_NAME") {
                None => catalog::BITNAMI_MONGO_DEFAULT_SET.to_string(),
                Some(name) => name.filter(|n| !n.is_empty())?,
            };
            let advertises_ip = match env_text(service, "MONGODB_ADVERTISE_IP") {
                None => false,
                Some(None) => true, // unknown: it may be yes
                Some(Some(v)) => catalog::bitnami_yes(&v),
            };
            let advertised = service
                .env_value("MONGODB_ADVERTISED_HOSTNAME")
                .filter(|v| !advertises_ip && v.as_str().is_some_and(|s| s.is_known()));
            Some(ReplicaSetMember { set, advertised })
        }
        Advertiser::Mongo => {
            let lines = known_lines(service)?;
            let set = lines
                .iter()
                .find_map(|line| flag_value(line, &["--replSet"]))?
                .text;
            let set = set.split('/').next().unwrap_or(set).trim();
            (!set.is_empty()).then(|| ReplicaSetMember {
                set: set.to_string(),
                advertised: None,
            })
        }
        _ => None,
    }
}

/// The `configs` of a service, as `(source, target)`: short syntax names the source and mounts
/// it at `/<source>`; the long syntax says both.
fn service_configs(service: &Service) -> Vec<(String, String)> {
    let Some(configs) = service.spec.get("configs").and_then(Value::as_seq) else {
        return Vec::new();
    };
    configs
        .iter()
        .filter_map(|c| match c.as_map() {
            Some(m) => {
                let source = m.get("source")?.scalar_text()?.into_owned();
                let target = m
                    .get("target")
                    .and_then(Value::scalar_text)
                    .map_or_else(|| format!("/{source}"), |t| t.into_owned());
                Some((source, target))
            }
            None => {
                let source = c.scalar_text()?.into_owned();
                Some((source.clone(), format!("/{source}")))
            }
        })
        .collect()
}

/// Where the service mounts configs.
fn inline_config_targets(service: &Service) -> Vec<String> {
    service_configs(service)
        .into_iter()
        .map(|(_, t)| t)
        .collect()
}

/// A Pulsar broker started with `bin/pulsar standalone`.
#[derive(Debug)]
pub(crate) struct PulsarStandalone<'p> {
    /// The `standalone` argument, after which an advertised address goes.
    pub standalone: Arg<'p>,
    /// Whether `standalone` is an item of its own in the `command` list (new options then go
    /// at the end of the list) rather than a word inside a string.
    pub own_item: bool,
    /// Whether the advertised address is set: `--advertised-address`/`-a`, or
    /// `advertisedAddress`/`advertisedListeners` in the environment (also with
    /// `PULSAR_PREFIX_`).
    pub advertised: bool,
}

/// The Pulsar standalone broker a service runs (RULES.md ADV003).
pub(crate) fn pulsar_standalone<'p>(service: &Service<'p>) -> Option<PulsarStandalone<'p>> {
    if service.repo().and_then(catalog::advertiser) != Some(Advertiser::Pulsar) {
        return None;
    }
    let lines = known_lines(service)?;
    let (line, at) = lines.iter().find_map(|line| {
        let [pulsar, standalone] = catalog::PULSAR_STANDALONE;
        line.windows(2)
            .position(|w| program(&w[0]) == pulsar && w[1].text == standalone)
            .map(|i| (line, i + 1))
    })?;
    let standalone = line[at].clone();
    let own_item = standalone.offset == Some(0)
        && standalone
            .value
            .as_str()
            .is_some_and(|s| s.text == standalone.text);
    let by_flag = has_flag(&line[at + 1..], &catalog::PULSAR_ADVERTISED_FLAGS);
    let by_env = catalog::PULSAR_ADVERTISED_SETTINGS.iter().any(|k| {
        service.sets_env(k) || service.sets_env(&format!("{}{k}", catalog::PULSAR_ENV_PREFIX))
    });
    Some(PulsarStandalone {
        standalone,
        own_item,
        advertised: by_flag || by_env,
    })
}

/// An Elasticsearch or OpenSearch node.
#[derive(Debug)]
pub(crate) struct SearchNode {
    /// Elasticsearch or OpenSearch.
    pub kind: Advertiser,
    /// Whether a discovery setting is configured (environment, `-E` options).
    pub discovery: bool,
}

/// The Elasticsearch (6 and later) or OpenSearch node a service runs, None when it may be
/// configured where composefix does not look (a configuration mounted into the image's
/// config directory) or runs in development mode (transport bound to loopback), where the
/// bootstrap checks only warn.
pub(crate) fn search_node(service: &Service) -> Option<SearchNode> {
    let kind = catalog::advertiser(service.repo()?)?;
    match kind {
        Advertiser::Elasticsearch => match service.repository?.1 {
            TagVersion::Known(major, _) if major < catalog::FIRST_CHECKED_ELASTICSEARCH => {
                return None;
            }
            TagVersion::Unknown => return None,
            _ => {}
        },
        Advertiser::OpenSearch => {}
        _ => return None,
    }
    if service.is_helper() || mounts_search_config(service) {
        return None;
    }
    let lines = known_lines(service)?;
    let mut discovery = false;
    for (key, _, value) in service.env().into_iter().flat_map(|e| e.iter()) {
        let setting = catalog::search_setting(key);
        if catalog::DISCOVERY_SETTINGS.contains(&setting.as_str()) {
            discovery = true;
        }
        if catalog::BIND_SETTINGS.contains(&setting.as_str()) {
            let known = value.as_str().is_none_or(|s| s.is_known());
            let host = value.scalar_text()?;
            if !known || is_loopback(&host) {
                return None;
            }
        }
    }
    // `-Ediscovery.type=single-node`, `-E discovery.type=single-node`.
    discovery |= lines.iter().flatten().any(|a| {
        let setting = a.text.strip_prefix("-E").unwrap_or(&a.text);
        catalog::DISCOVERY_SETTINGS
            .iter()
            .any(|d| setting.strip_prefix(d).is_some_and(|r| r.starts_with('=')))
    });
    Some(SearchNode { kind, discovery })
}

fn is_loopback(host: &str) -> bool {
    use crate::facts::connection::{HostClass, classify};
    host.split(',')
        .all(|h| classify(h.trim()) == HostClass::Loopback || h.trim() == "_local_")
}

/// Whether a volume or config is mounted into an Elasticsearch/OpenSearch config directory.
fn mounts_search_config(service: &Service) -> bool {
    let volumes = service
        .spec
        .get("volumes")
        .and_then(Value::as_seq)
        .unwrap_or_default();
    let targets = volumes
        .iter()
        .filter_map(|v| match v.get("target") {
            Some(t) => t.scalar_text().map(|t| t.into_owned()),
            None => v
                .scalar_text()
                .and_then(|t| t.split(':').nth(1).map(str::to_string)),
        })
        .chain(inline_config_targets(service));
    targets.into_iter().any(|t| {
        catalog::SEARCH_CONFIG_DIRS
            .iter()
            .any(|dir| t.trim_end_matches('/').starts_with(dir))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_services(yaml: &str, f: impl FnOnce(&crate::project::Project, &[Service])) {
        let project = crate::project::from_yaml(yaml);
        let services = crate::facts::service::services(&project);
        f(&project, &services);
    }

    #[test]
    fn replica_set_members() {
        let yaml = r#"
services:
  a:
    image: docker.io/bitnami/mongodb:7.0
    environment: {MONGODB_REPLICA_SET_MODE: primary, MONGODB_ADVERTISED_HOSTNAME: localhost}
  b:
    image: bitnami/mongodb
    environment: [MONGODB_REPLICA_SET_MODE=secondary, MONGODB_REPLICA_SET_NAME=rs0]
  c:
    image: mongo:7
    command: ["mongod", "--replSet=rs0/a:27017", "--bind_ip_all"]
  d:
    image: mongo:7
    command: mongod --bind_ip_all
  e:
    image: bitnami/mongodb
    environment: {MONGODB_REPLICA_SET_MODE: "${MODE}", MONGODB_ADVERTISED_HOSTNAME: localhost}
  f:
    image: bitnami/mongodb
    environment: {MONGODB_REPLICA_SET_MODE: primary, MONGODB_ADVERTISE_IP: "yes", MONGODB_ADVERTISED_HOSTNAME: localhost}
"#;
        with_services(yaml, |_, services| {
            let got: Vec<Option<(String, bool)>> = services
                .iter()
                .map(|s| replica_set_member(s).map(|m| (m.set, m.advertised.is_some())))
                .collect();
            assert_eq!(
                got,
                [
                    Some(("replicaset".into(), true)),
                    Some(("rs0".into(), false)),
                    Some(("rs0".into(), false)),
                    None,
                    None,
                    Some(("replicaset".into(), false)),
                ]
            );
        });
    }

    #[test]
    fn pulsar_standalones() {
        let yaml = r#"
services:
  string:
    image: apachepulsar/pulsar:3.3.0
    command: bin/pulsar standalone
  list:
    image: apachepulsar/pulsar:3.3.0
    command: ["bin/pulsar", "standalone", "-a", "localhost"]
  script:
    image: apachepulsar/pulsar-all:3.3.0
    command: sh -c "bin/apply-config-from-env.py conf/standalone.conf && bin/pulsar standalone"
    environment: {PULSAR_PREFIX_advertisedAddress: pulsar}
  broker:
    image: apachepulsar/pulsar:3.3.0
    command: bin/pulsar broker
"#;
        with_services(yaml, |_, services| {
            let got: Vec<Option<(bool, bool)>> = services
                .iter()
                .map(|s| pulsar_standalone(s).map(|p| (p.own_item, p.advertised)))
                .collect();
            assert_eq!(
                got,
                [
                    Some((false, false)),
                    Some((true, true)),
                    Some((false, true)),
                    None
                ]
            );
        });
    }

    #[test]
    fn search_nodes() {
        let yaml = r#"
services:
  es8:
    image: docker.elastic.co/elasticsearch/elasticsearch:8.13.0
  single:
    image: elasticsearch:7.17.0
    environment: [discovery.type=single-node]
  alias:
    image: opensearchproject/opensearch:2
    environment: {DISCOVERY_TYPE: single-node}
  flag:
    image: elasticsearch:8.13.0
    command: ["-Ediscovery.type=single-node"]
  old:
    image: elasticsearch:5.6
  dev:
    image: elasticsearch:8.13.0
    environment: {network.host: 127.0.0.1}
  mounted:
    image: elasticsearch:8.13.0
    volumes: ["./es.yml:/usr/share/elasticsearch/config/elasticsearch.yml"]
  unknown-tag:
    image: "elasticsearch:${UNSET_TAG_X}"
"#;
        with_services(yaml, |_, services| {
            let got: Vec<Option<bool>> = services
                .iter()
                .map(|s| search_node(s).map(|n| n.discovery))
                .collect();
            assert_eq!(
                got,
                [
                    Some(false),
                    Some(true),
                    Some(true),
                    Some(true),
                    None,
                    None,
                    None,
                    None
                ]
            );
        });
    }
}
