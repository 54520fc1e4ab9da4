//! SEC002 privileged-mode.

use super::at_value;
use crate::diagnostic::{Activation, Diagnostic, FixAvailability, Platform, RuleInfo, Severity};
use crate::facts::service::Service;
use crate::facts::values::is_true;
use crate::rules::{Context, Rule};

rule_info!(
    PrivilegedMode,
    INFO,
    "SEC002",
    "privileged-mode",
    Severity::Error,
    &Platform::ALL,
    FixAvailability::None,
    Activation::OptIn
);

impl Rule for PrivilegedMode {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_service<'p>(
        &self,
        cx: &Context<'p>,
        service: &Service<'p>,
        out: &mut Vec<Diagnostic>,
    ) {
        let Some(value) = service.spec.get("privileged").filter(|v| is_true(v)) else {
            return;
        };
        out.push(
            at_value(
                cx,
                &INFO,
                service,
                value,
                format!(
                    "`{}` runs privileged: it has every capability, every host device and no \
                     seccomp or AppArmor confinement, so a process in it can take over the host",
                    service.name
                ),
            )
            .help("remove `privileged`; grant only the capabilities (`cap_add`) and devices (`devices`) it needs"),
        );
    }
}
