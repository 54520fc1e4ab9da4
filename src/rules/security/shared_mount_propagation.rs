//! SEC014 shared-mount-propagation.

use super::at_value;
use crate::diagnostic::{Activation, Diagnostic, FixAvailability, Platform, RuleInfo, Severity};
use crate::facts::mounts::{MountKind, mounts};
use crate::facts::service::Service;
use crate::rules::{Context, Rule};

rule_info!(
    SharedMountPropagation,
    INFO,
    "SEC014",
    "shared-mount-propagation",
    Severity::Warning,
    &Platform::ALL,
    FixAvailability::None,
    Activation::OptIn
);

impl Rule for SharedMountPropagation {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_service<'p>(
        &self,
        cx: &Context<'p>,
        service: &Service<'p>,
        out: &mut Vec<Diagnostic>,
    ) {
        for mount in mounts(cx.project, service.spec) {
            let Some(mode) = mount
                .propagation
                .as_deref()
                .filter(|m| *m == "shared" || *m == "rshared")
            else {
                continue;
            };
            // Propagation is a property of bind mounts; Docker ignores it on named volumes.
            if mount.kind != MountKind::Bind {
                continue;
            }
            let path = mount.source.as_deref().unwrap_or_default();
            out.push(
                at_value(
                    cx,
                    &INFO,
                    service,
                    mount.propagation_value.unwrap_or(mount.value),
                    format!(
                        "`{path}` is mounted into `{}` with `{mode}` propagation: mounts made in \
                         the container appear on the host, and the host's in the container",
                        service.name
                    ),
                )
                .help("remove the propagation mode (the default is `rprivate`), or use `rslave` when the container only needs to see the host's mounts"),
            );
        }
    }
}
