//! PRT001 host-port-conflict.

use crate::diagnostic::{Applicability, Fix};
use crate::diagnostic::{Diagnostic, Platform, Severity};
use crate::diagnostic::{FixAvailability, RuleInfo};
use crate::facts::ports::{HostPortIndex, PortSet, Published, ips_overlap};
use crate::facts::service::Service;
use crate::fix::builders;
use crate::project::Project;
use crate::project::value::Value;
use crate::rules::{Context, Rule};
use std::collections::BTreeSet;

rule_info!(
    HostPortConflict,
    INFO,
    "PRT001",
    "host-port-conflict",
    Severity::Error,
    &Platform::ALL,
    FixAvailability::Review
);

/// A service's mappings with what decides whether it runs next to another.
struct Publisher<'p> {
    name: &'p str,
    profiles: BTreeSet<String>,
    replicas: u64,
    ports: Vec<Published<'p>>,
}

fn profiles(service: &Service) -> BTreeSet<String> {
    service
        .profiles()
        .and_then(Value::as_seq)
        .map(|p| {
            p.iter()
                .filter_map(|v| v.scalar_text().map(|s| s.into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// `scale`. `deploy.replicas` is left out: stack files for Swarm set it with published ports
/// that the routing mesh shares between replicas.
fn replicas(service: &Service) -> u64 {
    service
        .spec
        .get("scale")
        .and_then(Value::scalar_text)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1)
}

fn clash(a: &Published, b: &Published) -> bool {
    !a.flexible
        && !b.flexible
        && a.protocol == b.protocol
        && a.host_ports.start() <= b.host_ports.end()
        && b.host_ports.start() <= a.host_ports.end()
        && ips_overlap(a.host_ip.as_deref(), b.host_ip.as_deref())
}

impl Rule for HostPortConflict {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_project(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let project = cx.project;
        let publishers: Vec<Publisher> = cx
            .services()
            .iter()
            // With `network_mode` host or another container's namespace, Docker discards or
            // refuses `ports` (NET005, NET006): nothing is published.
            .filter(|s| !s.network_mode.shares_namespace())
            .map(|s| Publisher {
                name: s.name,
                profiles: profiles(s),
                replicas: replicas(s),
                ports: s.published(),
            })
            .collect();
        let by_port = HostPortIndex::new(
            publishers
                .iter()
                .map(|p| p.ports.iter().map(|m| m.host_ports.clone()).collect()),
        );
        let used: PortSet = publishers
            .iter()
            .flat_map(|p| p.ports.iter().map(|m| m.host_ports.clone()))
            .collect();
        for (i, later) in publishers.iter().enumerate() {
            let mut conflicts: Vec<(&Published, String, bool)> = Vec::new();
            // Replicas share one mapping: no other host port helps, only removing the scale.
            let mut replicas_clash = false;
            for (j, mapping) in later.ports.iter().enumerate() {
                // Earlier mappings of the same service, then earlier services.
                if later.ports[..j].iter().any(|o| clash(o, mapping)) {
                    conflicts.push((mapping, "another entry of the same service".into(), false));
                    continue;
                }
                if later.replicas > 1 && !mapping.flexible {
                    replicas_clash = true;
                    conflicts.push((
                        mapping,
                        format!("its other {} replicas", later.replicas - 1),
                        false,
                    ));
                    continue;
                }
                // Only publishers of one of these host ports can clash: looked up by port range,
                // in file order, so large projects stay linear.
                let candidates = by_port.publishers(&mapping.host_ports, i);
                for earlier in candidates.iter().map(|&k| &publishers[k]) {
                    if earlier.ports.iter().any(|o| clash(o, mapping)) {
                        let disjoint = !earlier.profiles.is_empty()
                            && !later.profiles.is_empty()
                            && earlier.profiles.is_disjoint(&later.profiles);
                        conflicts.push((mapping, format!("service `{}`", earlier.name), disjoint));
                        break;
                    }
                }
            }
            let Some((first, with, _)) = conflicts.first() else {
                continue;
            };
            let port = describe(first);
            let mut d = Diagnostic::new(
                &INFO,
                format!("host port {port} is also published by {with}: the second container fails to start with \"port is already allocated\""),
            )
            .at(project.file(first.value.origin.file), span(first))
            .service(later.name)
            .help("publish a different host port (the container port can stay), or remove one of the mappings");
            if conflicts.iter().all(|(_, _, disjoint)| *disjoint) {
                d.severity = Severity::Warning;
                d.message.push_str(" (only when both profiles are enabled)");
            }
            if !replicas_clash {
                d = d.with_fix(fix(project, &conflicts, &used));
            }
            out.push(d);
        }
    }
}

fn describe(m: &Published) -> String {
    let ports = if m.host_ports.start() == m.host_ports.end() {
        m.host_ports.start().to_string()
    } else {
        format!("{}-{}", m.host_ports.start(), m.host_ports.end())
    };
    let ip = m
        .host_ip
        .as_deref()
        .map(|ip| format!("{ip}:"))
        .unwrap_or_default();
    format!("`{ip}{ports}/{}`", m.protocol)
}

fn span(m: &Published) -> crate::source::Span {
    m.value
        .as_str()
        .and_then(|s| s.literal_span(m.host_port_text.clone()))
        .unwrap_or(m.value.origin.span)
}

/// Moves each conflicting single host port to the next port nobody publishes. None when a
/// mapping is written where several services take it (inherited through `extends`, an
/// anchor): moving it there moves it for all of them, and the conflict stays.
fn fix(project: &Project, conflicts: &[(&Published, String, bool)], used: &PortSet) -> Option<Fix> {
    let mut taken = used.clone();
    let mut edits = Vec::new();
    let mut moves = Vec::new();
    for (m, _, _) in conflicts {
        if m.host_ports.start() != m.host_ports.end()
            || builders::services_sharing(project, m.value).len() > 1
        {
            return None;
        }
        let old = *m.host_ports.start();
        let new = taken.next_free_after(old)?;
        taken.insert(new..=new);
        let edit = match m.value.as_str() {
            Some(_) => {
                builders::replace_part(project, m.value, m.host_port_text.clone(), &new.to_string())
            }
            None => builders::replace_scalar(project, m.value, &new.to_string()),
        };
        edits.push(edit?);
        moves.push(format!("{old} to {new}"));
    }
    Some(Fix::new(
        format!("Move host port {}", moves.join(", ")),
        Applicability::Review,
        edits,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn findings(yaml: &str) -> Vec<(Option<String>, String)> {
        crate::rules::findings_of(&HostPortConflict, yaml)
            .into_iter()
            .map(|d| (d.service, d.message))
            .collect()
    }

    #[test]
    fn ranges_are_compared_as_intervals() {
        let got = findings(
            "services:\n  a: {image: x, ports: [\"8000-8010:8000-8010\"]}\n  b: {image: x, ports: [\"7000-8000:7000-8000\"]}\n  c: {image: x, ports: [\"8011:80\", \"9000:90\"]}\n  d: {image: x, ports: [\"8010:80\"]}\n",
        );
        let services: Vec<_> = got.iter().map(|(s, _)| s.as_deref().unwrap()).collect();
        assert_eq!(services, ["b", "d"], "{got:?}");
        assert!(got[1].1.contains("published by service `a`"), "{got:?}");
    }

    #[test]
    fn many_full_ranges_are_one_stretch_each() {
        // 200 services publishing every port: 65,535 ports each would be 13 million entries.
        let mut yaml = String::from("services:\n");
        for i in 0..200 {
            yaml.push_str(&format!(
                "  s{i}: {{image: x, ports: [\"1-65535:1-65535\"]}}\n"
            ));
        }
        let got = findings(&yaml);
        assert_eq!(got.len(), 199);
        assert!(
            got.iter()
                .all(|(_, m)| m.contains("published by service `s0`"))
        );
    }
}
