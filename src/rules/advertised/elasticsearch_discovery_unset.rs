//! ADV004 elasticsearch-discovery-unset.

use crate::diagnostic::{
    Applicability, Diagnostic, Fix, FixAvailability, Platform, RuleInfo, Severity,
};
use crate::facts::advertising::search_node;
use crate::facts::service::Service;
use crate::fix::builders;
use crate::images::advertising::{Advertiser, SINGLE_NODE};
use crate::rules::{Context, Rule};

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
        let mut d = Diagnostic::new(
            &INFO,
            format!(
                "`{}` runs {product} without discovery settings: the image binds a non-loopback \
                 address, so the node enforces its bootstrap checks and exits because none of \
                 `discovery.type`, `discovery.seed_hosts` or `cluster.initial_master_nodes` is set",
                service.name
            ),
        )
        .at(project.file(image.origin.file), image.origin.span)
        .service(service.name);
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
