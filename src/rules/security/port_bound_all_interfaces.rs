//! SEC005 port-bound-all-interfaces.

use super::at_value;
use crate::diagnostic::{
    Activation, Applicability, Diagnostic, Fix, FixAvailability, Platform, RuleInfo, Severity,
};
use crate::facts::ports::{PortBind, port_binds};
use crate::facts::service::Service;
use crate::fix::builders;
use crate::project::Project;
use crate::project::value::Value;
use crate::rules::{Context, Rule};

rule_info!(
    PortBoundAllInterfaces,
    INFO,
    "SEC005",
    "port-bound-all-interfaces",
    Severity::Warning,
    &Platform::ALL,
    FixAvailability::Review,
    Activation::OptIn
);

impl Rule for PortBoundAllInterfaces {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_service<'p>(
        &self,
        cx: &Context<'p>,
        service: &Service<'p>,
        out: &mut Vec<Diagnostic>,
    ) {
        // With a shared network namespace Docker publishes nothing (NET005, NET006 say so).
        if service.network_mode.shares_namespace() {
            return;
        }
        for bind in port_binds(service.spec) {
            if !bind.all_interfaces() {
                continue;
            }
            let shown = shown(&bind);
            // Long syntax: on `host_ip` when written, else on `published`.
            let place = bind
                .host_ip_value
                .or_else(|| bind.item.get("published"))
                .unwrap_or(bind.item);
            let how = match (&bind.host_ip, bind.ephemeral) {
                (Some(ip), _) => format!("on `{ip}`, every interface of the host"),
                (None, true) => {
                    "on a host port Docker picks, on every interface of the host".to_string()
                }
                (None, false) => {
                    "without a host address, so on every interface of the host".to_string()
                }
            };
            let loopback = if bind.is_ipv6() { "::1" } else { "127.0.0.1" };
            out.push(
                at_value(
                    cx,
                    &INFO,
                    service,
                    place,
                    format!(
                        "port `{shown}` of `{}` is published {how}: any machine that can reach \
                         the host can connect to it, and Docker's rules bypass the host firewall",
                        service.name
                    ),
                )
                .help(format!(
                    "bind it to the interface its clients use, `{loopback}` when they run on \
                     this host"
                ))
                .with_fix(fix(cx.project, &bind, loopback)),
            );
        }
    }
}

/// The entry as a message shows it: the short syntax's text (variables named, not shown), or
/// `published:target` of the long syntax.
fn shown(bind: &PortBind) -> String {
    match bind.item.as_map() {
        Some(m) => {
            let text = |k: &str| {
                m.get(k)
                    .and_then(Value::quoted_text)
                    .map(|t| t.into_owned())
            };
            match (text("published"), text("target")) {
                (Some(p), Some(t)) => format!("{p}:{t}"),
                (_, t) => t.unwrap_or_default(),
            }
        }
        None => bind
            .item
            .quoted_text()
            .map(|t| t.into_owned())
            .unwrap_or_default(),
    }
}

/// Binds the entry to `loopback`: replaces the address written (short syntax or `host_ip`),
/// else writes one (`127.0.0.1:` before a short entry, `127.0.0.1::` before a bare container
/// port, a `host_ip` key in long syntax). `review`: it changes who can connect.
fn fix(project: &Project, bind: &PortBind, loopback: &str) -> Option<Fix> {
    if builders::services_sharing(project, bind.item).len() > 1 {
        return None;
    }
    let edit = if let Some(value) = bind.host_ip_value {
        builders::replace_scalar(project, value, loopback)?
    } else if bind.item.as_map().is_some() {
        builders::add_key(project, bind.item, "host_ip", loopback)?
    } else {
        let bracketed = if loopback.contains(':') {
            format!("[{loopback}]")
        } else {
            loopback.to_string()
        };
        match &bind.host_ip_text {
            Some(range) => builders::replace_part(project, bind.item, range.clone(), &bracketed)?,
            None if bind.ephemeral && bind.item.as_str().is_none_or(|s| !s.text.contains(':')) => {
                builders::prefix_scalar(project, bind.item, &format!("{bracketed}::"))?
            }
            None => builders::prefix_scalar(project, bind.item, &format!("{bracketed}:"))?,
        }
    };
    Some(Fix::new(
        format!("Bind the port to `{loopback}`"),
        Applicability::Review,
        vec![edit],
    ))
}
