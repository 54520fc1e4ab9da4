//! SEC008 host-namespace-shared.

use super::at_value;
use crate::diagnostic::{Activation, Diagnostic, FixAvailability, Platform, RuleInfo, Severity};
use crate::facts::service::{NetworkMode, Service};
use crate::project::value::Kind;
use crate::rules::network::host_network_mode;
use crate::rules::{Context, Rule};

rule_info!(
    HostNamespaceShared,
    INFO,
    "SEC008",
    "host-namespace-shared",
    Severity::Error,
    &Platform::ALL,
    FixAvailability::None,
    Activation::OptIn
);

/// What sharing each host namespace exposes.
const WHAT: [(&str, &str); 3] = [
    (
        "network_mode",
        "the host's network: it can bind any host port, reach services listening on the \
         host's loopback and see all its traffic",
    ),
    (
        "pid",
        "the host's processes: it can see every process of the host and, with `SYS_PTRACE` or \
         as root, signal or inspect them",
    ),
    (
        "ipc",
        "the host's shared memory and semaphores: it can read and corrupt what host processes \
         share there",
    ),
];

impl Rule for HostNamespaceShared {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_service<'p>(
        &self,
        cx: &Context<'p>,
        service: &Service<'p>,
        out: &mut Vec<Diagnostic>,
    ) {
        for (key, what) in WHAT {
            let Some(value) = service.spec.get(key) else {
                continue;
            };
            let host = match key {
                // NET005 reports host networking when it runs (RULES.md §5).
                "network_mode" => {
                    service.network_mode == NetworkMode::Host && !cx.runs(&host_network_mode::INFO)
                }
                _ => matches!(&value.kind, Kind::Str(s) if s.is_known() && s.text == "host"),
            };
            if !host {
                continue;
            }
            out.push(
                at_value(
                    cx,
                    &INFO,
                    service,
                    value,
                    format!("`{key}: host` gives `{}` {what}", service.name),
                )
                .help(format!(
                    "remove `{key}: host`; {}",
                    match key {
                        "network_mode" => "publish the ports the host needs with `ports`",
                        "pid" => "to debug another service, use `pid: \"service:<name>\"`",
                        _ => "to share memory with another service, use `ipc: \"service:<name>\"`",
                    }
                )),
            );
        }
    }
}
