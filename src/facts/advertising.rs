//! What servers that hand out their own address (RULES.md ADV001–ADV004) are configured to
//! advertise: MongoDB replica-set members, Redis Cluster nodes, Pulsar standalone brokers and
//! Elasticsearch/OpenSearch nodes. Each fact is None when the service is not such a server or
//! when a value it depends on is unknown: the rules then stay silent.

use crate::facts::service::Service;
use crate::facts::values::{Arg, args_known, command_lines, flag_value, has_flag};
use crate::images::TagVersion;
use crate::images::advertising::{self as catalog, Advertiser};
use crate::project::Project;
use crate::project::value::Value;
use std::borrow::Cow;

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

/// The words of every command line, joined by spaces (quotes removed): where settings written
/// into an inline configuration by a script (`echo "cluster-enabled yes" >> redis.conf`) show.
fn joined(lines: &[Vec<Arg>]) -> String {
    let words: Vec<&str> = lines.iter().flatten().map(|a| a.text.as_str()).collect();
    words.join(" ")
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

/// How a Redis Cluster node is set up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RedisNodeKind {
    /// `redis-server` with `--cluster-enabled yes` (or `cluster-enabled yes` in an inline
    /// configuration): options can be added to its command.
    CommandLine,
    /// `bitnami/redis-cluster`: its scripts write the configuration from the environment.
    Bitnami,
    /// `grokzen/redis-cluster`: a whole cluster in one container.
    Grokzen,
}

/// A Redis node in cluster mode.
#[derive(Debug)]
pub(crate) struct RedisClusterNode {
    /// How it is set up.
    pub kind: RedisNodeKind,
    /// The ports its clients connect to.
    pub client_ports: Vec<u16>,
    /// Whether it announces an address of its choosing (`cluster-announce-ip`, or
    /// `cluster-announce-hostname` from Redis 7) rather than the container's IP.
    pub announced: bool,
}

/// Settings of a Redis configuration that announce an address.
const ANNOUNCES: [&str; 2] = ["cluster-announce-ip", "cluster-announce-hostname"];

/// The Redis Cluster node a service runs (RULES.md ADV002), from its image and command line and
/// the top-level `configs` with inline `content` it mounts.
pub(crate) fn redis_cluster_node<'p>(
    project: &'p Project,
    service: &Service<'p>,
) -> Option<RedisClusterNode> {
    if service.is_helper() {
        return None;
    }
    let advertiser = service.repo().and_then(catalog::advertiser);
    let lines = known_lines(service)?;
    let text = joined(&lines);
    let announced_in = |text: &str| ANNOUNCES.iter().any(|a| text.contains(a));
    let port_of = |key: &str| -> Option<u16> {
        match env_text(service, key) {
            None => Some(crate::images::ports::REDIS),
            Some(v) => v?.parse().ok(),
        }
    };
    match advertiser {
        Some(Advertiser::BitnamiRedisCluster) => {
            let extra = match env_text(service, "REDIS_EXTRA_FLAGS") {
                None => String::new(),
                Some(v) => v?,
            };
            let hostname = env_text(service, "REDIS_CLUSTER_ANNOUNCE_HOSTNAME")
                .is_some_and(|v| v.is_none_or(|h| !h.is_empty()));
            let dynamic = match env_text(service, "REDIS_CLUSTER_DYNAMIC_IPS") {
                None => catalog::bitnami_yes(catalog::BITNAMI_REDIS_CLUSTER_DYNAMIC_IPS_DEFAULT),
                Some(v) => catalog::bitnami_yes(&v?),
            };
            let ip = env_text(service, "REDIS_CLUSTER_ANNOUNCE_IP")
                .is_some_and(|v| v.is_none_or(|ip| !ip.is_empty()));
            // Without dynamic IPs and without an address the container exits at validation.
            if !dynamic && !ip {
                return None;
            }
            Some(RedisClusterNode {
                kind: RedisNodeKind::Bitnami,
                client_ports: vec![port_of("REDIS_PORT_NUMBER")?],
                announced: hostname || !dynamic || announced_in(&extra) || announced_in(&text),
            })
        }
        Some(Advertiser::GrokzenRedisCluster) => {
            let command = lines.last().filter(|_| service.command_value().is_some());
            // Another command than `redis-cluster` is run as it is, without a cluster.
            if command.is_some_and(|c| c.first().is_none_or(|a| a.text != catalog::GROKZEN_COMMAND))
            {
                return None;
            }
            let number = |key: &str, default: u16| -> Option<u16> {
                match env_text(service, key) {
                    None => Some(default),
                    Some(v) => v?.parse().ok(),
                }
            };
            let (first, masters, replicas) = catalog::GROKZEN_DEFAULTS;
            let first = number("INITIAL_PORT", first)?;
            let nodes = number("MASTERS", masters)?
                .checked_mul(number("SLAVES_PER_MASTER", replicas)?.checked_add(1)?)?;
            let last = first.checked_add(nodes.checked_sub(1)?)?;
            let announced = service.sets_env("IP") || command.is_some_and(|c| c.len() > 1);
            Some(RedisClusterNode {
                kind: RedisNodeKind::Grokzen,
                client_ports: (first..=last).collect(),
                announced,
            })
        }
        _ => {
            let server = matches!(
                advertiser,
                Some(Advertiser::Redis | Advertiser::BitnamiRedis)
            ) || lines
                .iter()
                .flatten()
                .any(|a| matches!(program(a), "redis-server" | "valkey-server"));
            if !server {
                return None;
            }
            let inline = inline_configs(project, service);
            let configured =
                |t: &str| t.contains("cluster-enabled yes") || t.contains("cluster-enabled=yes");
            if !configured(&text) && !inline.iter().any(|c| configured(c)) {
                return None;
            }
            // A configuration file passed on the command line may announce an address.
            let inline_targets = inline_config_targets(service);
            let file_config = lines
                .iter()
                .flatten()
                .any(|a| a.text.ends_with(".conf") && !inline_targets.contains(&a.text));
            if file_config {
                return None;
            }
            let port = match lines.iter().find_map(|l| flag_value(l, &["--port"])) {
                Some(flag) => flag.text.trim().parse().ok()?,
                None if advertiser == Some(Advertiser::BitnamiRedis) => {
                    port_of("REDIS_PORT_NUMBER")?
                }
                None => inline
                    .iter()
                    .flat_map(|c| c.lines())
                    .find_map(|l| l.trim().strip_prefix("port "))
                    .map_or(Some(crate::images::ports::REDIS), |p| p.trim().parse().ok())?,
            };
            Some(RedisClusterNode {
                kind: RedisNodeKind::CommandLine,
                client_ports: vec![port],
                announced: announced_in(&text) || inline.iter().any(|c| announced_in(c)),
            })
        }
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

/// The inline `content` of the top-level `configs` a service mounts (known text only).
fn inline_configs<'p>(project: &'p Project, service: &Service) -> Vec<&'p str> {
    let Some(top) = project
        .model
        .as_ref()
        .and_then(|m| m.get("configs"))
        .and_then(Value::as_map)
    else {
        return Vec::new();
    };
    service_configs(service)
        .iter()
        .filter_map(|(source, _)| {
            let content = top.get(source)?.get("content")?.as_str()?;
            content.is_known().then_some(content.text.as_str())
        })
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

/// A discovery setting of an Elasticsearch or OpenSearch node.
#[derive(Debug, Clone, Copy)]
pub(crate) enum SearchSetting<'p> {
    /// Set nowhere: the default applies.
    Unset,
    /// Set where composefix does not read it (an `-E` option, maybe a configuration mounted
    /// into the config directory, two environment keys at once) or to an unknown value.
    Unknown,
    /// Set in the environment to a known string.
    Env {
        /// The key as written (`cluster.initial_master_nodes`, `ES_SETTING_...`).
        key: &'p str,
        /// Its value.
        value: &'p Value,
    },
}

impl<'p> SearchSetting<'p> {
    /// The key, value and text of a setting read from the environment.
    pub(crate) fn env(&self) -> Option<(&'p str, &'p Value, Cow<'p, str>)> {
        match *self {
            SearchSetting::Env { key, value } => Some((key, value, value.scalar_text()?)),
            _ => None,
        }
    }
}

/// What a node is called, as `cluster.initial_master_nodes` must write it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NodeName {
    /// Its `node.name`, or else the `hostname:` that the name defaults to.
    Known(String),
    /// Neither is set: the node is named after its container ID, which no file can write.
    ContainerId,
    /// Set to something composefix cannot read.
    Unknown,
}

/// How an Elasticsearch or OpenSearch node finds the others and bootstraps a cluster
/// (RULES.md ADV004, multi-node).
#[derive(Debug)]
pub(crate) struct SearchDiscovery<'p> {
    /// Whether its version bootstraps a new cluster from `cluster.initial_master_nodes`
    /// (Elasticsearch 7 and later, every OpenSearch).
    pub bootstraps: bool,
    /// Its name.
    pub name: NodeName,
    /// Whether it is master-eligible (`node.roles`, `node.master`); None when unknown.
    pub master_eligible: Option<bool>,
    /// `cluster.initial_master_nodes` (or OpenSearch's cluster-manager name); unknown when
    /// `discovery.type` is set, which overrides it.
    pub initial_masters: SearchSetting<'p>,
    /// `discovery.seed_hosts` (or 6.x's `discovery.zen.ping.unicast.hosts`).
    pub seed_hosts: SearchSetting<'p>,
}

/// The discovery settings of the Elasticsearch or OpenSearch node a service runs, of any
/// version; None for other images and helpers with an entrypoint of their own.
pub(crate) fn search_discovery<'p>(service: &Service<'p>) -> Option<SearchDiscovery<'p>> {
    let (repo, version) = service.repository?;
    let bootstraps = match catalog::advertiser(repo)? {
        Advertiser::Elasticsearch => match version {
            TagVersion::Known(major, _) => major >= catalog::FIRST_BOOTSTRAPPED_ELASTICSEARCH,
            TagVersion::Newest => true,
            TagVersion::Unknown => false,
        },
        Advertiser::OpenSearch => true,
        _ => return None,
    };
    if service.is_helper() {
        return None;
    }
    // A mounted `elasticsearch.yml` may set what the environment leaves unset.
    let default = if mounts_search_config(service) {
        SearchSetting::Unknown
    } else {
        SearchSetting::Unset
    };
    let (mut name, mut masters, mut seeds, mut roles) = (default, default, default, default);
    for (key, _, value) in service.env().into_iter().flat_map(|e| e.iter()) {
        let setting = catalog::search_setting(key);
        let slot = if setting == catalog::NODE_NAME {
            &mut name
        } else if catalog::INITIAL_MASTERS.contains(&setting.as_str()) {
            &mut masters
        } else if catalog::SEED_HOSTS.contains(&setting.as_str()) {
            &mut seeds
        } else if catalog::ROLE_SETTINGS.contains(&setting.as_str()) {
            &mut roles
        } else {
            continue;
        };
        let known = value.as_str().is_none_or(|s| s.is_known()) && value.scalar_text().is_some();
        // Two keys for one setting (`node.name` and `NODE_NAME`): which one wins is the
        // image's business.
        *slot = match slot {
            SearchSetting::Env { .. } => SearchSetting::Unknown,
            _ if known => SearchSetting::Env { key, value },
            _ => SearchSetting::Unknown,
        };
    }
    // Settings given as `-E` options, or command lines that cannot be read.
    match known_lines(service) {
        Some(lines) => {
            for arg in lines.iter().flatten() {
                let option = arg.text.strip_prefix("-E").unwrap_or(&arg.text);
                let Some((setting, _)) = option.split_once('=') else {
                    continue;
                };
                let setting = setting.trim();
                if setting == catalog::NODE_NAME {
                    name = SearchSetting::Unknown;
                } else if catalog::INITIAL_MASTERS.contains(&setting) {
                    masters = SearchSetting::Unknown;
                } else if catalog::SEED_HOSTS.contains(&setting) {
                    seeds = SearchSetting::Unknown;
                } else if catalog::ROLE_SETTINGS.contains(&setting) {
                    roles = SearchSetting::Unknown;
                }
            }
        }
        None => {
            (name, masters, seeds, roles) = (
                SearchSetting::Unknown,
                SearchSetting::Unknown,
                SearchSetting::Unknown,
                SearchSetting::Unknown,
            );
        }
    }
    // With `discovery.type` set (`single-node`) the list is ignored (7.x) or refused (8.x):
    // what it names no longer decides bootstrapping.
    let typed = |key: &str| catalog::search_setting(key) == catalog::SINGLE_NODE.0;
    let env_typed = service
        .env()
        .is_some_and(|e| e.iter().any(|(k, _, _)| typed(k)));
    let option_typed = known_lines(service).is_some_and(|lines| {
        lines.iter().flatten().any(|a| {
            let option = a.text.strip_prefix("-E").unwrap_or(&a.text);
            option
                .split_once('=')
                .is_some_and(|(k, _)| k.trim() == catalog::SINGLE_NODE.0)
        })
    });
    if env_typed || option_typed {
        masters = SearchSetting::Unknown;
    }
    let name = match name {
        SearchSetting::Env { .. } => match name.env() {
            Some((_, _, text)) if !text.trim().is_empty() => {
                NodeName::Known(text.trim().to_string())
            }
            _ => NodeName::Unknown,
        },
        SearchSetting::Unknown => NodeName::Unknown,
        SearchSetting::Unset => match service.hostname() {
            None => NodeName::ContainerId,
            Some(h) => match h.as_str().filter(|s| s.is_known()) {
                Some(s) if !s.text.trim().is_empty() => NodeName::Known(s.text.trim().to_string()),
                _ => NodeName::Unknown,
            },
        },
    };
    let master_eligible = match roles {
        SearchSetting::Unset => Some(true),
        SearchSetting::Unknown => None,
        SearchSetting::Env { key, .. } => roles.env().and_then(|(_, _, text)| {
            if catalog::search_setting(key) == catalog::ROLE_SETTINGS[0] {
                let list = text.trim().trim_start_matches('[').trim_end_matches(']');
                Some(
                    list.split(',')
                        .any(|r| catalog::MASTER_ROLES.contains(&r.trim())),
                )
            } else {
                match text.trim() {
                    "true" => Some(true),
                    "false" => Some(false),
                    _ => None,
                }
            }
        }),
    };
    Some(SearchDiscovery {
        bootstraps,
        name,
        master_eligible,
        initial_masters: masters,
        seed_hosts: seeds,
    })
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
    fn redis_cluster_nodes() {
        let yaml = r#"
services:
  flags:
    image: redis:7
    command: redis-server --cluster-enabled yes --port 7001
    ports: ["7001:7001"]
  list-announced:
    image: redis:7
    command: ["--cluster-enabled", "yes", "--cluster-announce-ip", "127.0.0.1"]
  inline:
    image: redis:7
    configs: [{source: node, target: /usr/local/etc/redis/redis.conf}]
    command: redis-server /usr/local/etc/redis/redis.conf
  mounted-file:
    image: redis:7
    command: redis-server /conf/redis.conf --cluster-enabled yes
  plain:
    image: redis:7
  bitnami:
    image: bitnami/redis-cluster:7.2
    environment: {REDIS_CLUSTER_ANNOUNCE_IP: 127.0.0.1, REDIS_PORT_NUMBER: "7002"}
  bitnami-static:
    image: bitnami/redis-cluster:7.2
    environment: {REDIS_CLUSTER_ANNOUNCE_IP: 127.0.0.1, REDIS_CLUSTER_DYNAMIC_IPS: "no"}
  grokzen:
    image: grokzen/redis-cluster:7.0.10
  grokzen-ip:
    image: grokzen/redis-cluster:7.0.10
    environment: {IP: 0.0.0.0, MASTERS: "2", SLAVES_PER_MASTER: "0"}
  unknown:
    image: redis:7
    command: ["--cluster-enabled", "yes", "${MORE}"]
configs:
  node:
    content: |
      port 7003
      cluster-enabled yes
"#;
        with_services(yaml, |project, services| {
            let got: Vec<Option<(RedisNodeKind, Vec<u16>, bool)>> = services
                .iter()
                .map(|s| {
                    redis_cluster_node(project, s).map(|n| (n.kind, n.client_ports, n.announced))
                })
                .collect();
            use RedisNodeKind::*;
            assert_eq!(
                got,
                [
                    Some((CommandLine, vec![7001], false)),
                    Some((CommandLine, vec![6379], true)),
                    Some((CommandLine, vec![7003], false)),
                    None,
                    None,
                    Some((Bitnami, vec![7002], false)),
                    Some((Bitnami, vec![6379], true)),
                    Some((Grokzen, (7000..=7005).collect(), false)),
                    Some((Grokzen, vec![7000, 7001], true)),
                    None,
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

    #[test]
    fn search_discoveries() {
        let yaml = r#"
services:
  named:
    image: elasticsearch:8.13.0
    environment:
      node.name: es01
      cluster.initial_master_nodes: es01,es02
      discovery.seed_hosts: es02
  by-hostname:
    image: opensearchproject/opensearch:2
    hostname: os01
    environment: [node.roles=data, "cluster.initial_cluster_manager_nodes=os01"]
  container-id:
    image: elasticsearch:7.17.0
    environment: {ES_SETTING_DISCOVERY_SEED__HOSTS: "${SEEDS}"}
  option:
    image: elasticsearch:8.13.0
    command: ["-Enode.name=es04", "-Ecluster.initial_master_nodes=es04"]
  single:
    image: elasticsearch:8.13.0
    environment: {discovery.type: single-node, cluster.initial_master_nodes: es05}
  old:
    image: elasticsearch:6.8.23
  kibana:
    image: kibana:8.13.0
"#;
        with_services(yaml, |_, services| {
            type Read<'a> = (bool, NodeName, Option<bool>, &'a str, &'a str);
            let got: Vec<Option<Read>> = services
                .iter()
                .map(|s| {
                    let d = search_discovery(s)?;
                    fn show<'p>(s: &SearchSetting<'p>) -> &'p str {
                        match *s {
                            SearchSetting::Unset => "unset",
                            SearchSetting::Unknown => "unknown",
                            SearchSetting::Env { key, .. } => key,
                        }
                    }
                    let masters = show(&d.initial_masters);
                    let seeds = show(&d.seed_hosts);
                    Some((d.bootstraps, d.name, d.master_eligible, masters, seeds))
                })
                .collect();
            let known = |n: &str| NodeName::Known(n.to_string());
            assert_eq!(
                got,
                [
                    Some((
                        true,
                        known("es01"),
                        Some(true),
                        "cluster.initial_master_nodes",
                        "discovery.seed_hosts"
                    )),
                    Some((
                        true,
                        known("os01"),
                        Some(false),
                        "cluster.initial_cluster_manager_nodes",
                        "unset"
                    )),
                    Some((true, NodeName::ContainerId, Some(true), "unset", "unknown")),
                    Some((true, NodeName::Unknown, Some(true), "unknown", "unset")),
                    Some((true, NodeName::ContainerId, Some(true), "unknown", "unset")),
                    Some((false, NodeName::ContainerId, Some(true), "unset", "unset")),
                    None,
                ]
            );
        });
    }
}
