//! ADV002 redis-cluster-unannounced.

use crate::diagnostic::{Diagnostic, FixAvailability, Platform, RuleInfo, Severity};
use crate::facts::advertising::{RedisNodeKind, redis_cluster_node};
use crate::facts::ports;
use crate::facts::service::Service;
use crate::rules::{Context, Rule};

rule_info!(
    RedisClusterUnannounced,
    INFO,
    "ADV002",
    "redis-cluster-unannounced",
    Severity::Error,
    &[Platform::Mac, Platform::Windows],
    FixAvailability::None
);

impl Rule for RedisClusterUnannounced {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_service<'p>(
        &self,
        cx: &Context<'p>,
        service: &Service<'p>,
        out: &mut Vec<Diagnostic>,
    ) {
        // A node in the host's or another container's network has no container IP of its own.
        if service.network_mode.shares_namespace() {
            return;
        }
        let project = cx.project;
        let Some(node) = redis_cluster_node(project, service).filter(|n| !n.announced) else {
            return;
        };
        // The first `ports` entry that publishes a client port: host clients connect there.
        let Some((target, port)) = ports::targets(service.spec).into_iter().find_map(|t| {
            let port = node
                .client_ports
                .iter()
                .copied()
                .find(|p| t.protocol == "tcp" && t.ports.contains(p))?;
            Some((t, port))
        }) else {
            return;
        };
        let how = match node.kind {
            RedisNodeKind::CommandLine => {
                "no `--cluster-announce-ip` or `--cluster-announce-hostname` (Redis 7) is set"
            }
            RedisNodeKind::Bitnami => {
                "neither `REDIS_CLUSTER_ANNOUNCE_HOSTNAME` nor `REDIS_CLUSTER_ANNOUNCE_IP` with \
                 `REDIS_CLUSTER_DYNAMIC_IPS: \"no\"` is set (with dynamic IPs, the default, the \
                 image announces the container's IP and ignores `REDIS_CLUSTER_ANNOUNCE_IP`)"
            }
            RedisNodeKind::Grokzen => "`IP` is not set",
        };
        let d = Diagnostic::new(
            &INFO,
            format!(
                "`{}` is a Redis Cluster node that publishes client port {port}, but {how}: the \
                 node announces its container IP, so `CLUSTER SLOTS` and `MOVED` replies send \
                 clients on the host to an address Docker Desktop does not route",
                service.name
            ),
        )
        .at(
            project.file(target.value.origin.file),
            target.value.origin.span,
        )
        .service(service.name)
        .help(
            "run the client that uses the cluster as a service of the project, where container \
             IPs are reachable; announcing `127.0.0.1` instead makes the nodes dial themselves \
             when they talk to each other, so the cluster only forms when it has one node",
        );
        out.push(d);
    }
}
