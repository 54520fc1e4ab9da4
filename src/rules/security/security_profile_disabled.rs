//! SEC009 security-profile-disabled.

use super::at_value;
use crate::diagnostic::{Activation, Diagnostic, FixAvailability, Platform, RuleInfo, Severity};
use crate::facts::privileges::security_opts;
use crate::facts::service::Service;
use crate::rules::{Context, Rule};

rule_info!(
    SecurityProfileDisabled,
    INFO,
    "SEC009",
    "security-profile-disabled",
    Severity::Error,
    &Platform::ALL,
    FixAvailability::None,
    Activation::OptIn
);

impl Rule for SecurityProfileDisabled {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_service<'p>(
        &self,
        cx: &Context<'p>,
        service: &Service<'p>,
        out: &mut Vec<Diagnostic>,
    ) {
        for opt in security_opts(service.spec) {
            let value = opt.value.as_deref().map(str::to_ascii_lowercase);
            let what = match (opt.name.as_str(), value.as_deref()) {
                ("seccomp", Some("unconfined")) => {
                    "turns off Docker's seccomp profile, which blocks about 44 system calls \
                     used in kernel exploits and escapes"
                }
                ("apparmor", Some("unconfined")) => {
                    "turns off the AppArmor profile that keeps the container from mounting, \
                     writing to `/proc` and `/sys` and other host-facing operations"
                }
                ("label", Some("disable")) => {
                    "turns off SELinux separation, so the container's processes are no longer \
                     confined to its own files"
                }
                _ => continue,
            };
            let written = opt
                .item
                .quoted_text()
                .map(|t| t.into_owned())
                .unwrap_or_default();
            out.push(
                at_value(
                    cx,
                    &INFO,
                    service,
                    opt.item,
                    format!("`{written}` {what} for `{}`", service.name),
                )
                .help(
                    "remove the entry; if a system call or operation is really needed, allow \
                     that one in a custom profile (`seccomp:./profile.json`)",
                ),
            );
        }
    }
}
