//! SEC012 logging-disabled.

use super::at_value;
use crate::diagnostic::{Activation, Diagnostic, FixAvailability, Platform, RuleInfo, Severity};
use crate::facts::service::Service;
use crate::project::value::Kind;
use crate::rules::{Context, Rule};

rule_info!(
    LoggingDisabled,
    INFO,
    "SEC012",
    "logging-disabled",
    Severity::Warning,
    &Platform::ALL,
    FixAvailability::None,
    Activation::OptIn
);

impl Rule for LoggingDisabled {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_service<'p>(
        &self,
        cx: &Context<'p>,
        service: &Service<'p>,
        out: &mut Vec<Diagnostic>,
    ) {
        let Some(driver) = service.spec.get("logging").and_then(|l| l.get("driver")) else {
            return;
        };
        if !matches!(&driver.kind, Kind::Str(s) if s.is_known() && s.text.trim().eq_ignore_ascii_case("none"))
        {
            return;
        }
        out.push(
            at_value(
                cx,
                &INFO,
                service,
                driver,
                format!(
                    "logging is off for `{}`: nothing it prints is kept, so an incident leaves \
                     no trace to investigate",
                    service.name
                ),
            )
            .help("remove `driver: none` (Docker's default is `json-file`), or send the logs to a collector"),
        );
    }
}
