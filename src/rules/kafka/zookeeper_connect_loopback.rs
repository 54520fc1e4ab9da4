//! KAF001 zookeeper-connect-loopback.

use crate::diagnostic::{Applicability, Fix};
use crate::diagnostic::{Diagnostic, Platform, Severity};
use crate::diagnostic::{FixAvailability, RuleInfo};
use crate::facts::hostlist;
use crate::facts::images;
use crate::facts::kafka::{ZookeeperConnect, zookeeper_connects};
use crate::facts::service::Service;
use crate::fix::builders;
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

/// The ZooKeeper connections with loopback entries, only those entries kept, each with
/// whether every entry of the connection is loopback.
fn hits<'p>(service: &Service<'p>) -> Vec<(ZookeeperConnect<'p>, bool)> {
    let mut hits: Vec<(ZookeeperConnect, bool)> = zookeeper_connects(service)
        .into_iter()
        .map(|mut hit| {
            let total = hit.entries.len();
            hit.entries
                .retain(|e| hostlist::is_loopback_or_any(&e.host));
            let all = hit.entries.len() == total;
            (hit, all)
        })
        .collect();
    hits.retain(|(h, _)| !h.entries.is_empty());
    hits
}

fn diagnose(
    cx: &Context,
    service: &str,
    hits: &[(ZookeeperConnect, bool)],
    zookeepers: &[(&str, u16)],
) -> Option<Diagnostic> {
    let project = cx.project;
    let (first, _) = hits.first()?;
    let text = &first.value.as_str()?.text;
    let shown = &text[first.entries[0].range.clone()];
    let keys: Vec<String> = hits.iter().map(|(h, _)| format!("`{}`", h.key)).collect();
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
            let hits: Vec<ZookeeperConnect> = hits.iter().map(|(h, _)| h.clone()).collect();
            d = d.with_fix(host_fix(cx, service, &hits));
        }
        [(zk, port)] => {
            d = d.help(format!("point it at the ZooKeeper service: `{zk}:{port}`"));
            d = d.with_fix(fix(cx, service, hits, zookeepers));
        }
        _ => {
            let all: Vec<String> = zookeepers
                .iter()
                .map(|(n, p)| format!("`{n}:{p}`"))
                .collect();
            d = d.help(format!(
                "point each entry at its own ZooKeeper service: {}",
                all.join(", ")
            ));
            d = d.with_fix(fix(cx, service, hits, zookeepers));
        }
    }
    Some(d)
}

/// Points the loopback entries at the ZooKeeper services, each entry at its own service:
/// the one publishing the entry's host port, else (as many entries as services) the services
/// in file order; when neither tells, and every entry is loopback, the whole list becomes the
/// ensemble (every ZooKeeper service once). Never one service twice. `safe` only for one
/// entry and one ZooKeeper service, in a value no other service shares.
fn fix(
    cx: &Context,
    service: &str,
    hits: &[(ZookeeperConnect, bool)],
    zookeepers: &[(&str, u16)],
) -> Option<Fix> {
    let project = cx.project;
    let address = |(name, port): &(&str, u16)| format!("{name}:{port}");
    let mut edits = Vec::new();
    let mut shared_with: Vec<String> = Vec::new();
    let mut targets: Vec<String> = Vec::new();
    let mut exact = true;
    for (hit, all_loopback) in hits {
        let by_port: Option<Vec<&(&str, u16)>> = hit
            .entries
            .iter()
            .map(|e| {
                let port = e.port?;
                cx.topology()
                    .publishers(port)
                    .find_map(|(name, _)| zookeepers.iter().find(|(z, _)| *z == name))
            })
            .collect();
        let distinct = |picked: &[&(&str, u16)]| {
            picked
                .iter()
                .enumerate()
                .all(|(i, a)| picked[..i].iter().all(|b| b.0 != a.0))
        };
        let picked = match by_port {
            Some(picked) if distinct(&picked) => Some(picked),
            _ if hit.entries.len() == zookeepers.len() => {
                exact &= zookeepers.len() == 1;
                Some(zookeepers.iter().collect())
            }
            _ => None,
        };
        match picked {
            Some(picked) => {
                for (entry, zk) in hit.entries.iter().zip(picked) {
                    let new = address(zk);
                    edits.push(builders::replace_part(
                        project,
                        hit.value,
                        entry.range.clone(),
                        &new,
                    )?);
                    targets.push(new);
                }
            }
            None if *all_loopback => {
                exact = false;
                let (first, last) = (hit.entries.first()?, hit.entries.last()?);
                let ensemble: Vec<String> = zookeepers.iter().map(address).collect();
                let new = ensemble.join(",");
                edits.push(builders::replace_part(
                    project,
                    hit.value,
                    first.range.start..last.range.end,
                    &new,
                )?);
                targets.push(new);
            }
            None => return None,
        }
        for other in builders::services_sharing(project, hit.value) {
            if other != service && !shared_with.contains(&other) {
                shared_with.push(other);
            }
        }
    }
    let keys: Vec<&str> = hits.iter().map(|(h, _)| h.key).collect();
    let mut title = format!(
        "Point `{}` at `{}`",
        keys.join("`, `"),
        targets.join("`, `")
    );
    let applicability = if !exact || zookeepers.len() > 1 || !shared_with.is_empty() {
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
