//! KAF001 zookeeper-connect-loopback.

use crate::diagnostic::{Applicability, Fix};
use crate::diagnostic::{Diagnostic, Platform, Severity};
use crate::diagnostic::{FixAvailability, RuleInfo};
use crate::facts::hostlist;
use crate::facts::images;
use crate::facts::kafka::{ZookeeperConnect, zookeeper_connects};
use crate::facts::service::Service;
use crate::fix::builders;
use crate::project::Project;
use crate::rules::{Context, Rule};

rule_info!(
    ZookeeperConnectLoopback,
    INFO,
    "KAF001",
    "zookeeper-connect-loopback",
    Severity::Error,
    &Platform::ALL,
    FixAvailability::Safe
);

impl Rule for ZookeeperConnectLoopback {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_service(&self, cx: &Context<'_>, service: &Service<'_>, out: &mut Vec<Diagnostic>) {
        if service.network_mode.shares_namespace() {
            return;
        }
        let broker = images::is_kafka_broker(service.spec);
        let hits = hits(service);
        if hits.is_empty() {
            return;
        }
        let zookeepers: Vec<(&str, u16)> = cx
            .services()
            .iter()
            .filter_map(|s| Some((s.name, images::zookeeper_client_port(s.spec)?)))
            .collect();
        // The ZooKeeper keys of Confluent companions are checked only when the project has a
        // ZooKeeper.
        if !broker && zookeepers.is_empty() {
            return;
        }
        if let Some(d) = diagnose(cx, service.name, &hits, &zookeepers) {
            out.push(d);
        }
    }
}

/// The ZooKeeper connections with loopback entries, only those entries kept.
fn hits<'p>(service: &Service<'p>) -> Vec<ZookeeperConnect<'p>> {
    let mut hits = zookeeper_connects(service);
    for hit in &mut hits {
        hit.entries
            .retain(|e| hostlist::is_loopback_or_any(&e.host));
    }
    hits.retain(|h| !h.entries.is_empty());
    hits
}

fn diagnose(
    cx: &Context,
    service: &str,
    hits: &[ZookeeperConnect],
    zookeepers: &[(&str, u16)],
) -> Option<Diagnostic> {
    let project = cx.project;
    let first = hits.first()?;
    let text = &first.value.as_str()?.text;
    let shown = &text[first.entries[0].range.clone()];
    let keys: Vec<String> = hits.iter().map(|h| format!("`{}`", h.key)).collect();
    let message = format!(
        "{} points at `{shown}`: inside the `{service}` container that is the container itself, not ZooKeeper",
        keys.join(" and ")
    );
    let span = first
        .value
        .as_str()
        .and_then(|s| s.literal_span(first.entries[0].range.clone()))
        .unwrap_or(first.value.origin.span);
    let file = project.file(first.value.origin.file);
    let mut d = Diagnostic::new(&INFO, message)
        .at(file, span)
        .service(service);
    match zookeepers {
        [] => {
            d = d.help(
                "add a ZooKeeper service and point at it by name (`zookeeper:2181`), or use \
                 `host.docker.internal:2181` if ZooKeeper runs on the host",
            );
            d = d.with_fix(host_fix(cx, service, hits));
        }
        [(zk, port), rest @ ..] => {
            let target = format!("{zk}:{port}");
            let others: Vec<&str> = rest.iter().map(|(n, _)| *n).collect();
            d = d.help(if others.is_empty() {
                format!("point it at the ZooKeeper service: `{target}`")
            } else {
                format!(
                    "point it at a ZooKeeper service: `{target}`, or one of {}",
                    others.join(", ")
                )
            });
            d = d.with_fix(fix(project, service, hits, &target, !others.is_empty()));
        }
    }
    Some(d)
}

fn fix(
    project: &Project,
    service: &str,
    hits: &[ZookeeperConnect],
    target: &str,
    several: bool,
) -> Option<Fix> {
    let mut edits = Vec::new();
    let mut shared_with: Vec<String> = Vec::new();
    for hit in hits {
        for entry in &hit.entries {
            edits.push(builders::replace_part(
                project,
                hit.value,
                entry.range.clone(),
                target,
            )?);
        }
        for other in builders::services_sharing(project, hit.value) {
            if other != service && !shared_with.contains(&other) {
                shared_with.push(other);
            }
        }
    }
    let keys: Vec<&str> = hits.iter().map(|h| h.key).collect();
    let mut title = format!("Point `{}` at `{target}`", keys.join("`, `"));
    let applicability = if several || !shared_with.is_empty() {
        if !shared_with.is_empty() {
            title.push_str(&format!(
                " (the value is shared with {})",
                shared_with.join(", ")
            ));
        }
        Applicability::Review
    } else {
        Applicability::Safe
    };
    Some(Fix::new(title, applicability, edits))
}

/// Without a ZooKeeper service: points each loopback entry at ZooKeeper on the host, keeping
/// its port and `/chroot`, and maps `host.docker.internal` for every service that holds the
/// value (NET002's edit). Review: ZooKeeper may instead be a service the project lacks.
fn host_fix(cx: &Context, service: &str, hits: &[ZookeeperConnect]) -> Option<Fix> {
    let project = cx.project;
    let mut edits = Vec::new();
    let mut holders: Vec<String> = vec![service.to_string()];
    for hit in hits {
        for entry in &hit.entries {
            let new = match entry.port {
                Some(port) => format!("host.docker.internal:{port}"),
                None => "host.docker.internal".to_string(),
            };
            edits.push(builders::replace_part(
                project,
                hit.value,
                entry.range.clone(),
                &new,
            )?);
        }
        for other in builders::services_sharing(project, hit.value) {
            if !holders.contains(&other) {
                holders.push(other);
            }
        }
    }
    for s in cx.services() {
        if holders.iter().any(|h| h == s.name) && !s.network_mode.shares_namespace() {
            edits.extend(builders::map_host_gateway(project, s.spec)?);
        }
    }
    let keys: Vec<&str> = hits.iter().map(|h| h.key).collect();
    let mut title = format!(
        "Point `{}` at ZooKeeper on the host (`host.docker.internal`)",
        keys.join("`, `")
    );
    let others: Vec<&str> = holders.iter().skip(1).map(String::as_str).collect();
    if !others.is_empty() {
        title.push_str(&format!(
            " (the value is shared with {})",
            others.join(", ")
        ));
    }
    Some(Fix::new(title, Applicability::Review, edits))
}
