//! SEC006 capabilities-not-dropped.

use super::{at_origin, key_origin, on_service_key};
use crate::diagnostic::{Activation, Diagnostic, FixAvailability, Platform, RuleInfo, Severity};
use crate::facts::privileges::{drops_all, has_unknown_item};
use crate::facts::service::Service;
use crate::rules::{Context, Rule};

rule_info!(
    CapabilitiesNotDropped,
    INFO,
    "SEC006",
    "capabilities-not-dropped",
    Severity::Warning,
    &Platform::ALL,
    FixAvailability::None,
    Activation::OptIn
);

impl Rule for CapabilitiesNotDropped {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_service<'p>(
        &self,
        cx: &Context<'p>,
        service: &Service<'p>,
        out: &mut Vec<Diagnostic>,
    ) {
        let spec = service.spec;
        if drops_all(spec) || has_unknown_item(spec, "cap_drop") {
            return;
        }
        let message = format!(
            "`{}` keeps Docker's default capabilities (`NET_RAW`, `DAC_OVERRIDE`, `SETUID`, \
             `MKNOD` and ten more): most services need none of them, and each one is room for an \
             attacker inside the container",
            service.name
        );
        let d = match key_origin(service, "cap_drop") {
            Some(origin) => Some(at_origin(cx, &INFO, service, origin, message)),
            None => on_service_key(cx, &INFO, service, message),
        };
        if let Some(d) = d {
            out.push(d.help(
                "add `cap_drop: [ALL]` and give back in `cap_add` only what the service needs \
                 (for example `CHOWN`, `SETUID`, `SETGID`, `NET_BIND_SERVICE`)",
            ));
        }
    }
}
