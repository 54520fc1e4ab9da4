//! SEC018 tmpfs-exec-or-suid.

use super::at_value;
use crate::diagnostic::{Activation, Diagnostic, FixAvailability, Platform, RuleInfo, Severity};
use crate::facts::mounts::tmpfs_entries;
use crate::facts::service::Service;
use crate::rules::{Context, Rule};

rule_info!(
    TmpfsExecOrSuid,
    INFO,
    "SEC018",
    "tmpfs-exec-or-suid",
    Severity::Warning,
    &Platform::ALL,
    FixAvailability::None,
    Activation::OptIn
);

impl Rule for TmpfsExecOrSuid {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_service<'p>(
        &self,
        cx: &Context<'p>,
        service: &Service<'p>,
        out: &mut Vec<Diagnostic>,
    ) {
        for entry in tmpfs_entries(service.spec) {
            let found: Vec<&str> = entry
                .options
                .iter()
                .map(|(o, _)| o.as_str())
                .filter(|o| *o == "exec" || *o == "suid")
                .collect();
            if found.is_empty() {
                continue;
            }
            let text = entry
                .value
                .quoted_text()
                .map(|t| t.into_owned())
                .unwrap_or_default();
            let path = text.split(':').next().unwrap_or_default();
            let options: Vec<String> = found.iter().map(|o| format!("`{o}`")).collect();
            out.push(
                at_value(
                    cx,
                    &INFO,
                    service,
                    entry.value,
                    format!(
                        "the tmpfs `{path}` of `{}` is mounted with {}: a writable scratch \
                         space where dropped programs can run{}",
                        service.name,
                        options.join(" and "),
                        if found.contains(&"suid") { " and setuid binaries gain their owner's rights" } else { "" }
                    ),
                )
                .help("remove the option (Docker mounts tmpfs `noexec,nosuid` by default), unless the service runs programs from it"),
            );
        }
    }
}
