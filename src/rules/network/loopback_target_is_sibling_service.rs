//! NET001 loopback-target-is-sibling-service.

use super::loopback::{LoopbackUse, Sibling, loopback_uses, siblings_serving};
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::diagnostic::{Diagnostic, Platform, Severity};
use crate::diagnostic::{FixAvailability, RuleInfo};
use crate::facts::clients::PortSource;
use crate::facts::service::Service;
use crate::facts::topology::{Blocked, Client, Topology};
use crate::fix::builders;
use crate::project::Project;
use crate::rules::{Context, Rule};

/// Web schemes: a URL with one of these may be handed to a browser on the host.
const WEB_SCHEMES: [&str; 4] = ["http", "https", "ws", "wss"];

/// A web URL to a port some service publishes on the host: a browser on the host would reach
/// it at `localhost`, and such URLs are often handed to browsers (base URLs, dashboard links)
/// under names no list can foresee. Only unpublished ports are certain mistakes there.
fn maybe_for_browser(topology: &Topology, u: &LoopbackUse) -> bool {
    let scheme = u.target.target.scheme.as_deref().unwrap_or_default();
    WEB_SCHEMES.contains(&scheme) && topology.publishers(u.port).next().is_some()
}

rule_info!(
    LoopbackTargetIsSiblingService,
    INFO,
    "NET001",
    "loopback-target-is-sibling-service",
    Severity::Error,
    &Platform::ALL,
    FixAvailability::Safe
);

impl Rule for LoopbackTargetIsSiblingService {
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
        let name = service.name;
        let found: Vec<(LoopbackUse, Vec<Sibling>)> = loopback_uses(cx, service)
            .into_iter()
            .filter(|u| !maybe_for_browser(cx.topology(), u))
            .map(|u| {
                let siblings = siblings_serving(cx.topology(), name, u.port);
                (u, siblings)
            })
            .filter(|(_, s)| !s.is_empty())
            .collect();
        let Some((first, siblings)) = found.first() else {
            return;
        };
        let (platforms, reason) = cx.topology().failing(
            Client::Service(name),
            &first.target.target.host,
            Some(first.port),
        );
        let sibling = siblings[0];
        let serves = if sibling.via_published {
            format!(
                "`{}` publishes host port {} (its container port {})",
                sibling.name, first.port, sibling.target
            )
        } else {
            format!("`{}` listens on {}", sibling.name, first.port)
        };
        let others: Vec<&str> = found[1..]
            .iter()
            .map(|(u, _)| u.target.place.as_str())
            .filter(|p| *p != first.target.place)
            .collect();
        let also = if others.is_empty() {
            String::new()
        } else {
            format!(" (and so does {})", others.join(", "))
        };
        let why = match reason {
            Some(Blocked::OwnContainer) | None => {
                format!("inside the `{name}` container loopback is the container itself")
            }
            Some(other) => other.reason().to_string(),
        };
        let message = format!(
            "{} connects to `{}`{also}, but {why}; {serves}",
            first.target.place,
            first.shown(),
        );
        let mut d = Diagnostic::new(&INFO, message)
            .at(
                project.file(first.target.value.origin.file),
                first.target.host_span(),
            )
            .service(name)
            .help(format!(
                "connect to the service by name: `{}:{}`{}",
                sibling.name,
                sibling.target,
                if siblings.len() > 1 {
                    let names: Vec<String> = siblings[1..]
                        .iter()
                        .map(|s| format!("`{}`", s.name))
                        .collect();
                    format!(" (or {})", names.join(", "))
                } else {
                    String::new()
                }
            ))
            .with_fix(fix(project, cx.topology(), name, &found));
        d.platforms = platforms;
        out.push(d);
    }
}

/// Points every use at its first sibling; safe when each use has exactly one sibling that
/// shares a network with the service, and no value is shared with other services.
fn fix(
    project: &Project,
    topology: &Topology,
    name: &str,
    found: &[(LoopbackUse, Vec<Sibling>)],
) -> Option<Fix> {
    let mut edits = Vec::new();
    let mut safe = true;
    let mut targets = Vec::new();
    for (u, siblings) in found {
        let sibling = siblings[0];
        if !topology.book().share_network(name, sibling.name) {
            return None;
        }
        safe &= siblings.len() == 1
            && builders::services_sharing(project, u.target.value)
                .iter()
                .all(|s| s == name);
        edits.extend(rewrite(project, u, sibling.name, sibling.target)?);
        targets.push(format!("`{}:{}`", sibling.name, sibling.target));
    }
    targets.dedup();
    let applicability = if safe {
        Applicability::Safe
    } else {
        Applicability::Review
    };
    Some(Fix::new(
        format!("Connect to {}", targets.join(", ")),
        applicability,
        edits,
    ))
}

/// Edits that make one address `host:port`: the host replaced (brackets of an IPv6 host
/// too), and the port where it differs, in the value itself or its `X_PORT` key.
pub(super) fn rewrite(
    project: &Project,
    u: &LoopbackUse,
    host: &str,
    port: u16,
) -> Option<Vec<Edit>> {
    let t = &u.target;
    let text = &t.value.as_str()?.text;
    let mut host_range = t.host_range()?;
    if host_range.start > 0
        && text.as_bytes().get(host_range.start - 1) == Some(&b'[')
        && text.as_bytes().get(host_range.end) == Some(&b']')
    {
        host_range = host_range.start - 1..host_range.end + 1;
    }
    if port == u.port {
        return Some(vec![builders::replace_part(
            project, t.value, host_range, host,
        )?]);
    }
    match t.port_source {
        PortSource::Written => {
            let end = t.value_range(t.target.range.clone())?.end;
            let colon = host_range.end;
            if text.as_bytes().get(colon) != Some(&b':') {
                return None;
            }
            Some(vec![
                builders::replace_part(project, t.value, host_range, host)?,
                builders::replace_part(project, t.value, colon + 1..end, &port.to_string())?,
            ])
        }
        PortSource::SchemeDefault => Some(vec![builders::replace_part(
            project,
            t.value,
            host_range,
            &format!("{host}:{port}"),
        )?]),
        PortSource::Pair { value, .. } => Some(vec![
            builders::replace_part(project, t.value, host_range, host)?,
            builders::replace_scalar(project, value, &port.to_string())?,
        ]),
        PortSource::Inferred | PortSource::Unknown => None,
    }
}
