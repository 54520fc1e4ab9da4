//! ADV004 elasticsearch-discovery-unset.

use crate::diagnostic::{
    Applicability, Diagnostic, Fix, FixAvailability, Platform, RuleInfo, Severity,
};
use crate::facts::address_book::Addressee;
use crate::facts::advertising::{
    NodeName, SearchDiscovery, SearchSetting, search_discovery, search_node,
};
use crate::facts::connection::single_label;
use crate::facts::hostlist;
use crate::facts::service::Service;
use crate::fix::builders;
use crate::images::TagVersion;
use crate::images::advertising::{Advertiser, FIRST_BOOTSTRAPPED_ELASTICSEARCH, SINGLE_NODE};
use crate::project::value::Value;
use crate::rules::{Context, Rule};
use std::net::{IpAddr, SocketAddr};
use std::ops::Range;

rule_info!(
    ElasticsearchDiscoveryUnset,
    INFO,
    "ADV004",
    "elasticsearch-discovery-unset",
    Severity::Error,
    &Platform::ALL,
    FixAvailability::Safe
);

impl Rule for ElasticsearchDiscoveryUnset {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_project(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        // A fragment of a project may get its settings, or more nodes, from another file.
        if cx.is_partial() {
            return;
        }
        let nodes: Vec<(&Service, SearchDiscovery)> = cx
            .services()
            .iter()
            .filter_map(|s| Some((s, search_discovery(s)?)))
            .collect();
        initial_masters(cx, &nodes, out);
        seed_hosts(cx, &nodes, out);
    }

    fn check_service<'p>(
        &self,
        cx: &Context<'p>,
        service: &Service<'p>,
        out: &mut Vec<Diagnostic>,
    ) {
        // A fragment of a project may get its settings, or more nodes, from another file.
        if cx.is_partial() {
            return;
        }
        let Some(node) = search_node(service).filter(|n| !n.discovery) else {
            return;
        };
        let Some(image) = service.image_value() else {
            return;
        };
        let project = cx.project;
        let nodes = cx
            .services()
            .iter()
            .filter(|s| search_node(s).is_some())
            .count();
        let product = match node.kind {
            Advertiser::OpenSearch => "OpenSearch",
            _ => "Elasticsearch",
        };
        let (key, value) = SINGLE_NODE;
        // Elasticsearch 6 has no discovery-settings check: what stops it is a host setting
        // (`vm.max_map_count`), which Docker Desktop's VM meets and many Linux hosts do not.
        let before_bootstrapping = matches!(
            (node.kind, service.repository),
            (Advertiser::Elasticsearch, Some((_, TagVersion::Known(major, _))))
                if major < FIRST_BOOTSTRAPPED_ELASTICSEARCH
        );
        let mut d = if before_bootstrapping {
            Diagnostic::new(
                &INFO,
                format!(
                    "`{}` runs Elasticsearch 6 without `{key}: {value}`: the image binds a \
                     non-loopback address, so the node enforces its bootstrap checks and exits \
                     on a host whose `vm.max_map_count` is below 262144 (the default of most \
                     Linux hosts; Docker Desktop's VM sets it)",
                    service.name
                ),
            )
        } else {
            Diagnostic::new(
                &INFO,
                format!(
                    "`{}` runs {product} without discovery settings: the image binds a \
                     non-loopback address, so the node enforces its bootstrap checks and exits \
                     because none of `discovery.type`, `discovery.seed_hosts` or \
                     `cluster.initial_master_nodes` is set",
                    service.name
                ),
            )
        }
        .at(project.file(image.origin.file), image.origin.span)
        .service(service.name);
        if before_bootstrapping {
            d.severity = Severity::Warning;
            d.platforms = vec![Platform::Linux];
        }
        if nodes == 1 {
            d = d.help(format!(
                "run it as a cluster of one: `{key}: {value}` in its `environment`"
            ));
            let env = service.environment();
            let shared = env.is_some_and(|e| builders::services_sharing(project, e).len() > 1);
            let edit = builders::set_service_env(project, service.spec, key, value);
            d = d.with_fix(edit.map(|e| {
                Fix::new(
                    format!("Add `{key}: {value}`"),
                    if shared {
                        Applicability::Review
                    } else {
                        Applicability::Safe
                    },
                    vec![e],
                )
            }));
        } else {
            d = d.help(format!(
                "the project runs {nodes} nodes: give each `discovery.seed_hosts` (the other \
                 nodes' service names) and `cluster.initial_master_nodes` (their `node.name` \
                 values), or `{key}: {value}` to a node that stands alone"
            ));
        }
        out.push(d);
    }
}

/// A list setting as the node reads it: comma-separated entries, trimmed, with their byte
/// ranges in the text.
fn entries(text: &str) -> Vec<(&str, Range<usize>)> {
    let mut out = Vec::new();
    let mut start = 0;
    for part in text.split(',') {
        let entry = part.trim();
        if !entry.is_empty() {
            let lead = part.len() - part.trim_start().len();
            out.push((entry, start + lead..start + lead + entry.len()));
        }
        start += part.len() + 1;
    }
    out
}

/// An `IP` or `IP:PORT` entry, which names a node by its transport address: composefix does
/// not know the containers' addresses, so it may name any node.
fn is_address(entry: &str) -> bool {
    entry.parse::<IpAddr>().is_ok() || entry.parse::<SocketAddr>().is_ok()
}

/// The file span of `range` of a setting's text, or the whole value's.
fn span_of(value: &Value, range: Range<usize>) -> crate::source::Span {
    value
        .as_str()
        .and_then(|s| s.literal_span(range))
        .unwrap_or(value.origin.span)
}

/// One node's `cluster.initial_master_nodes`, read.
struct MasterList<'a, 'p> {
    service: &'a Service<'p>,
    node: &'a SearchDiscovery<'p>,
    key: &'p str,
    value: &'p Value,
    entries: Vec<(String, Range<usize>)>,
}

/// `cluster.initial_master_nodes` (RULES.md ADV004, multi-node). Elasticsearch's
/// `ClusterBootstrapService` exits at start on a list with duplicates, and bootstraps only on
/// a master-eligible node that its own list names, once the nodes its entries name are more
/// than half of them. A list naming a subset of the masters, or one wrong entry among three,
/// still bootstraps: wrong entries are reported only when no node can bootstrap at all.
fn initial_masters(
    cx: &Context<'_>,
    nodes: &[(&Service, SearchDiscovery)],
    out: &mut Vec<Diagnostic>,
) {
    let project = cx.project;
    let mut lists = Vec::new();
    for (service, node) in nodes {
        match node.initial_masters {
            SearchSetting::Unset => {}
            SearchSetting::Unknown => return,
            SearchSetting::Env { .. } => {
                let Some((key, value, text)) = node.initial_masters.env() else {
                    return;
                };
                // A version that does not bootstrap this way (6.x, an unknown tag), or a
                // list in another syntax: nothing is certain.
                if !node.bootstraps || text.trim_start().starts_with('[') {
                    return;
                }
                let entries = entries(&text)
                    .into_iter()
                    .map(|(e, r)| (e.to_string(), r))
                    .collect();
                lists.push(MasterList {
                    service,
                    node,
                    key,
                    value,
                    entries,
                });
            }
        }
    }
    if lists.is_empty() {
        return;
    }
    // Duplicates: the node does not start.
    for list in &lists {
        for (i, (entry, range)) in list.entries.iter().enumerate() {
            if list.entries[..i].iter().any(|(e, _)| e == entry) {
                out.push(
                    Diagnostic::new(
                        &INFO,
                        format!(
                            "`{}` names `{entry}` twice: the node refuses the setting and does \
                             not start",
                            list.key
                        ),
                    )
                    .at(
                        project.file(list.value.origin.file),
                        span_of(list.value, range.clone()),
                    )
                    .service(list.service.name)
                    .help(format!("remove the second `{entry}`")),
                );
            }
        }
    }
    let eligible = |n: &SearchDiscovery| n.master_eligible != Some(false);
    // A master-eligible node whose name is unknown may be what any entry names.
    if nodes
        .iter()
        .any(|(_, n)| eligible(n) && n.name == NodeName::Unknown)
    {
        return;
    }
    let names: Vec<&str> = nodes
        .iter()
        .filter(|(_, n)| eligible(n))
        .filter_map(|(_, n)| match &n.name {
            NodeName::Known(name) => Some(name.as_str()),
            _ => None,
        })
        .collect();
    let names_node = |entry: &str| is_address(entry) || names.contains(&entry);
    let bootstraps = |list: &MasterList| {
        let mut seen: Vec<&str> = Vec::new();
        let duplicates = list.entries.iter().any(|(e, _)| {
            let twice = seen.contains(&e.as_str());
            seen.push(e);
            twice
        });
        let own = list.entries.iter().any(|(e, _)| match &list.node.name {
            NodeName::Known(name) => e == name || is_address(e),
            _ => is_address(e),
        });
        let named = list.entries.iter().filter(|(e, _)| names_node(e)).count();
        !duplicates && eligible(list.node) && own && named * 2 > list.entries.len()
    };
    if lists.iter().any(bootstraps) {
        return;
    }
    let listing = match names.as_slice() {
        [] => "give each master-eligible node a `node.name` and list those names".to_string(),
        names => format!(
            "list the master-eligible nodes' names: {}",
            names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    for list in &lists {
        let named = list.entries.iter().filter(|(e, _)| names_node(e)).count();
        for (i, (entry, range)) in list.entries.iter().enumerate() {
            // A duplicate is reported above, once.
            if names_node(entry) || list.entries[..i].iter().any(|(e, _)| e == entry) {
                continue;
            }
            // The service of that name, when the entry is one.
            let namesake = nodes.iter().find(|(s, _)| s.name == entry.as_str());
            let (why, help) = match namesake.map(|(s, n)| (s.name, n, &n.name)) {
                Some((service, _, NodeName::ContainerId)) => (
                    format!(
                        "the service `{service}` sets neither `node.name` nor `hostname`, so \
                         its node is named after its container ID, which no list can name"
                    ),
                    format!("set `node.name: {service}` in the environment of `{service}`"),
                ),
                Some((service, n, NodeName::Known(name))) if eligible(n) => (
                    format!("the node of the service `{service}` is named `{name}`"),
                    format!("write the node's name `{name}`"),
                ),
                _ => (
                    "it is no master-eligible node's `node.name`".to_string(),
                    listing.clone(),
                ),
            };
            out.push(
                Diagnostic::new(
                    &INFO,
                    format!(
                        "`{}` names `{entry}`, which no node answers to: {why}. With {named} of \
                         its {} entries naming a node (bootstrapping needs more than half), no \
                         node bootstraps the cluster and it never forms",
                        list.key,
                        list.entries.len()
                    ),
                )
                .at(
                    project.file(list.value.origin.file),
                    span_of(list.value, range.clone()),
                )
                .service(list.service.name)
                .help(help),
            );
        }
    }
}

/// `discovery.seed_hosts` (RULES.md ADV004, multi-node): each entry must be a name of a
/// service (the address book, as NET003 resolves hosts), and not loopback when the project
/// runs several nodes, each in its own container.
fn seed_hosts(cx: &Context<'_>, nodes: &[(&Service, SearchDiscovery)], out: &mut Vec<Diagnostic>) {
    let project = cx.project;
    let book = cx.book();
    let in_sibling = |host: &str| cx.siblings().may_define_service(host);
    let services: Vec<&str> = nodes.iter().map(|(s, _)| s.name).collect();
    for (service, node) in nodes {
        let Some((key, value, text)) = node.seed_hosts.env() else {
            continue;
        };
        let name = service.name;
        if service.network_mode.is_set()
            || service.spec.get("external_links").is_some()
            || book.on_external_network(name)
        {
            continue;
        }
        let others: Vec<String> = services
            .iter()
            .filter(|s| **s != name)
            .map(|s| format!("`{s}`"))
            .collect();
        let help = match others.as_slice() {
            [] => "list the service names of the other nodes".to_string(),
            others => format!("list the other nodes' service names: {}", others.join(", ")),
        };
        for entry in hostlist::parse(&text) {
            let host = entry.host.as_str();
            let why = match book.resolve(name, host) {
                Addressee::Loopback | Addressee::AnyAddress if nodes.len() > 1 => format!(
                    "inside the container of `{name}` that is the node itself, and the other \
                     nodes run in containers of their own"
                ),
                Addressee::External if single_label(host) && !in_sibling(host) => {
                    "it is not a service of this project: inside the Compose network the name \
                     does not resolve"
                        .to_string()
                }
                _ => continue,
            };
            let range = entry.range.start..entry.range.start + host.len();
            out.push(
                Diagnostic::new(
                    &INFO,
                    format!("`{key}` lists `{host}`, where the node finds no other node: {why}"),
                )
                .at(project.file(value.origin.file), span_of(value, range))
                .service(name)
                .help(help.clone()),
            );
        }
    }
}
