//! NET006 ports-on-shared-network-namespace.

use crate::diagnostic::{Applicability, Edit, Fix};
use crate::diagnostic::{Diagnostic, Platform, Severity};
use crate::diagnostic::{FixAvailability, RuleInfo};
use crate::facts::service::{NetworkMode, Service};
use crate::fix::builders;
use crate::project::Project;
use crate::project::value::{Kind, Origin, Value};
use crate::rules::{Context, Rule};

rule_info!(
    PortsOnSharedNetworkNamespace,
    INFO,
    "NET006",
    "ports-on-shared-network-namespace",
    Severity::Error,
    &Platform::ALL,
    FixAvailability::Safe
);

/// Settings Docker refuses for a container that joins another's network namespace.
const REFUSED: [&str; 9] = [
    "ports",
    "expose",
    "hostname",
    "dns",
    "dns_search",
    "dns_opt",
    "mac_address",
    "extra_hosts",
    "networks",
];

impl Rule for PortsOnSharedNetworkNamespace {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_service<'p>(
        &self,
        cx: &Context<'p>,
        service: &Service<'p>,
        out: &mut Vec<Diagnostic>,
    ) {
        let project = cx.project;
        let (kind, owner) = match service.network_mode {
            NetworkMode::Service(owner) => ("service", owner),
            NetworkMode::Container(owner) => ("container", owner),
            _ => return,
        };
        let (Some(map), Some((_, mode))) = (service.spec.as_map(), service.network_mode_entry())
        else {
            return;
        };
        let found: Vec<(&str, &Origin)> = REFUSED
            .iter()
            .filter_map(|k| map.entry(k).map(|(o, _)| (*k, o)))
            .collect();
        let Some((_, origin)) = found.first() else {
            return;
        };
        let name = service.name;
        let keys: Vec<String> = found.iter().map(|(k, _)| format!("`{k}`")).collect();
        let shown = keys.join(", ");
        let subject = format!("{kind} `{owner}`");
        let mut d = Diagnostic::new(
            &INFO,
            format!(
                "{shown} cannot be used with `network_mode: {kind}:{owner}`: `{name}` runs in the \
                 network of {subject}, so Docker refuses to start it"
            ),
        )
        .at(project.file(origin.file), origin.span)
        .service(name)
        .label(
            project.file(mode.origin.file),
            mode.origin.span,
            "the shared network namespace",
        );
        d = d.help(
            if found.iter().any(|(k, _)| *k == "ports") && kind == "service" {
                format!("publish the ports on `{owner}`, whose network `{name}` uses")
            } else {
                format!("remove {shown}; the namespace's owner decides its network settings")
            },
        );
        let owner_service = (kind == "service").then(|| cx.service(owner)).flatten();
        d = d.with_fix(fix(project, service, owner, owner_service, &found));
        out.push(d);
    }
}

/// Moves `ports` to the owner service (skipping entries it already has) and removes the other
/// refused keys. Safe when only `ports`/`expose` are involved; removing DNS, host or network
/// settings is for a person to review.
fn fix(
    project: &Project,
    service: &Service,
    owner: &str,
    owner_service: Option<&Service>,
    found: &[(&str, &Origin)],
) -> Option<Fix> {
    let mut edits: Vec<Edit> = Vec::new();
    let mut moved = 0;
    for (key, _) in found {
        if *key == "ports" {
            let owner_service = owner_service?;
            edits.extend(move_ports(project, service, owner_service)?);
            moved += 1;
        }
        edits.push(builders::remove_key(project, service.spec, key)?);
    }
    let review = found.iter().any(|(k, _)| *k != "ports" && *k != "expose");
    let title = if moved > 0 {
        format!("Publish the ports on `{owner}` and remove what the shared namespace refuses")
    } else {
        "Remove the settings the shared network namespace refuses".to_string()
    };
    let applicability = if review {
        Applicability::Review
    } else {
        Applicability::Safe
    };
    Some(Fix::new(title, applicability, edits))
}

/// Edits that add the service's port entries (their text as written) to the owner's `ports`.
fn move_ports(project: &Project, service: &Service, owner: &Service) -> Option<Vec<Edit>> {
    let ports = service.ports_entry()?.1.as_seq()?;
    let text_of = |v: &Value| {
        let file = project.file(v.origin.file);
        let text = file.text();
        let span = v.origin.span;
        match &v.kind {
            Kind::Map(_) => None, // long syntax: a block that cannot move as one line
            _ => Some(text[span.start..span.end].to_string()),
        }
    };
    let existing: Vec<String> = owner
        .ports()
        .iter()
        .filter_map(|v| v.scalar_text().map(|s| s.into_owned()))
        .collect();
    let mut items = Vec::new();
    for p in ports {
        let text = p.scalar_text()?;
        if !existing.contains(&text.into_owned()) {
            items.push(text_of(p)?);
        }
    }
    if items.is_empty() {
        return Some(Vec::new());
    }
    match owner.ports_entry() {
        Some((_, list)) if list.as_seq().is_some() => items
            .iter()
            .map(|item| builders::add_item(project, list, item))
            .collect(),
        _ => Some(vec![builders::add_key(
            project,
            owner.spec,
            "ports",
            &format!("[{}]", items.join(", ")),
        )?]),
    }
}
