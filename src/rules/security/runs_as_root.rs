//! SEC015 runs-as-root.

use super::at_value;
use crate::diagnostic::{Activation, Diagnostic, FixAvailability, Platform, RuleInfo, Severity};
use crate::facts::privileges::is_root_user;
use crate::facts::service::Service;
use crate::rules::{Context, Rule};

rule_info!(
    RunsAsRoot,
    INFO,
    "SEC015",
    "runs-as-root",
    Severity::Warning,
    &Platform::ALL,
    FixAvailability::None,
    Activation::OptIn
);

impl Rule for RunsAsRoot {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_service<'p>(
        &self,
        cx: &Context<'p>,
        service: &Service<'p>,
        out: &mut Vec<Diagnostic>,
    ) {
        let Some(user) = service.spec.get("user") else {
            return;
        };
        if is_root_user(user) != Some(true) {
            return;
        }
        let written = user
            .quoted_text()
            .map(|t| t.into_owned())
            .unwrap_or_default();
        out.push(
            at_value(
                cx,
                &INFO,
                service,
                user,
                format!(
                    "`user: {written}` runs `{}` as root: a process that breaks out of the \
                     container is root on the host unless user namespaces remap it",
                    service.name
                ),
            )
            .help(
                "run as an unprivileged user (`user: \"1000:1000\"`), giving it the files it needs",
            ),
        );
    }
}
