//! SEC010 dangerous-capability-added.

use super::at_value;
use crate::diagnostic::{Activation, Diagnostic, FixAvailability, Platform, RuleInfo, Severity};
use crate::facts::privileges::capabilities;
use crate::facts::service::Service;
use crate::rules::{Context, Rule};

rule_info!(
    DangerousCapabilityAdded,
    INFO,
    "SEC010",
    "dangerous-capability-added",
    Severity::Error,
    &Platform::ALL,
    FixAvailability::None,
    Activation::OptIn
);

/// The capabilities reported, by tier (compose-lint's CL-0024, CL-0011, CL-0028, CL-0029,
/// CL-0030 and CL-0027), with the tier's severity and words.
const TIERS: [(&[&str], Severity, &str); 6] = [
    (
        &["ALL", "SYS_ADMIN", "SYS_MODULE", "SYS_RAWIO"],
        Severity::Error,
        "hands over code execution on the host",
    ),
    (
        &["NET_ADMIN", "BPF", "SYS_BOOT"],
        Severity::Warning,
        "reaches past the container (network configuration, kernel programs, reboot)",
    ),
    (
        &["PERFMON", "SYS_TIME"],
        Severity::Warning,
        "reaches the host itself (host-wide kernel sampling, the host's clock)",
    ),
    (
        &["SYS_NICE", "IPC_LOCK", "LEASE", "SYS_RESOURCE"],
        Severity::Warning,
        "lets the container degrade the host (CPU scheduling, locked memory, leases, limits)",
    ),
    (
        &["SYSLOG"],
        Severity::Warning,
        "reads host state (the host kernel's log)",
    ),
    (
        &["SYS_PTRACE", "DAC_READ_SEARCH"],
        Severity::Info,
        "widens what a process in the container can read (other processes' memory, any file)",
    ),
];

/// The tier of a capability (bare, upper-case), when it is reported.
pub(crate) fn tier(name: &str) -> Option<(Severity, &'static str)> {
    TIERS
        .iter()
        .find(|(members, _, _)| members.contains(&name))
        .map(|(_, severity, words)| (*severity, *words))
}

impl Rule for DangerousCapabilityAdded {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_service<'p>(
        &self,
        cx: &Context<'p>,
        service: &Service<'p>,
        out: &mut Vec<Diagnostic>,
    ) {
        for cap in capabilities(service.spec, "cap_add") {
            let Some((severity, words)) = tier(&cap.name) else {
                continue;
            };
            let mut d = at_value(
                cx,
                &INFO,
                service,
                cap.value,
                format!("capability `{}` of `{}` {words}", cap.name, service.name),
            )
            .help(format!(
                "remove `{}` from `cap_add` unless the service cannot work without it",
                cap.name
            ));
            d.severity = severity;
            out.push(d);
        }
    }
}
