//! SEC007 filesystem-writable.

use super::{at_value, on_service_key};
use crate::diagnostic::{Activation, Diagnostic, FixAvailability, Platform, RuleInfo, Severity};
use crate::facts::service::Service;
use crate::facts::values::is_true;
use crate::project::value::Kind;
use crate::rules::{Context, Rule};

rule_info!(
    FilesystemWritable,
    INFO,
    "SEC007",
    "filesystem-writable",
    Severity::Info,
    &Platform::ALL,
    FixAvailability::None,
    Activation::OptIn
);

impl Rule for FilesystemWritable {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_service<'p>(
        &self,
        cx: &Context<'p>,
        service: &Service<'p>,
        out: &mut Vec<Diagnostic>,
    ) {
        let value = service.spec.get("read_only");
        if let Some(v) = value {
            let unknown = matches!(&v.kind, Kind::Str(s) if !s.is_known());
            if unknown || is_true(v) {
                return;
            }
        }
        let message = format!(
            "the root filesystem of `{}` is writable: an attacker in the container can change \
             its programs and leave tools behind",
            service.name
        );
        let d = match value {
            Some(v) => Some(at_value(cx, &INFO, service, v, message)),
            None => on_service_key(cx, &INFO, service, message),
        };
        if let Some(d) = d {
            out.push(d.help(
                "set `read_only: true` and give the paths it writes a `tmpfs` entry (`/tmp`, \
                 `/run`) or a volume",
            ));
        }
    }
}
