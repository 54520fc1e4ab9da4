//! The security pack (RULES.md §5.2, SEC001–SEC019): opt-in as a group (`--select SEC`,
//! `extend-select = ["SEC"]`), at parity with compose-lint 0.36.2. Each finding lands on the
//! item at fault (one capability, one mount, one port, one environment key); a setting that is
//! missing is reported on the service's key.

pub(crate) mod capabilities_not_dropped;
pub(crate) mod dangerous_capability_added;
pub(crate) mod dangerous_device;
pub(crate) mod filesystem_writable;
pub(crate) mod host_control_socket_mounted;
pub(crate) mod host_namespace_shared;
pub(crate) mod image_without_digest;
pub(crate) mod literal_credential;
pub(crate) mod logging_disabled;
pub(crate) mod no_new_privileges_unset;
pub(crate) mod port_bound_all_interfaces;
pub(crate) mod privileged_mode;
pub(crate) mod resources_unlimited;
pub(crate) mod runs_as_root;
pub(crate) mod security_profile_disabled;
pub(crate) mod sensitive_host_path_mounted;
pub(crate) mod shared_mount_propagation;
pub(crate) mod tmpfs_exec_or_suid;

use crate::diagnostic::{Diagnostic, RuleInfo};
use crate::facts::service::Service;
use crate::project::value::{Origin, Value};
use crate::rules::Context;

/// A finding of `rule` placed on `value`, for `service`.
fn at_value(
    cx: &Context<'_>,
    rule: &'static RuleInfo,
    service: &Service,
    value: &Value,
    message: String,
) -> Diagnostic {
    at_origin(cx, rule, service, &value.origin, message)
}

/// A finding of `rule` placed at `origin`, for `service`.
fn at_origin(
    cx: &Context<'_>,
    rule: &'static RuleInfo,
    service: &Service,
    origin: &Origin,
    message: String,
) -> Diagnostic {
    Diagnostic::new(rule, message)
        .at(cx.project.file(origin.file), origin.span)
        .service(service.name)
}

/// A finding of `rule` about a setting `service` does not have, placed on the service's key:
/// the honest place for something absent. None when the key's place is unknown, or when the
/// service is not a mapping (the schema reports it; nothing is missing from it).
fn on_service_key(
    cx: &Context<'_>,
    rule: &'static RuleInfo,
    service: &Service,
    message: String,
) -> Option<Diagnostic> {
    service.spec.as_map()?;
    let (origin, _) = cx
        .project
        .model
        .as_ref()?
        .get("services")?
        .as_map()?
        .entry(service.name)?;
    Some(at_origin(cx, rule, service, origin, message))
}

/// The origin of `key`'s key in the service, when the service writes it.
fn key_origin<'p>(service: &Service<'p>, key: &str) -> Option<&'p Origin> {
    service.spec.as_map()?.entry(key).map(|(o, _)| o)
}
