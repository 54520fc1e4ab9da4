//! SEC003 no-new-privileges-unset.

use super::on_service_key;
use crate::diagnostic::{
    Activation, Applicability, Diagnostic, Fix, FixAvailability, Platform, RuleInfo, Severity,
};
use crate::facts::privileges::{no_new_privileges, security_opts};
use crate::facts::service::Service;
use crate::fix::builders;
use crate::project::Project;
use crate::project::value::Value;
use crate::rules::{Context, Rule};
use crate::source::ScalarStyle;

rule_info!(
    NoNewPrivilegesUnset,
    INFO,
    "SEC003",
    "no-new-privileges-unset",
    Severity::Warning,
    &Platform::ALL,
    FixAvailability::Safe,
    Activation::OptIn
);

/// The entry the fix writes.
const ENTRY: &str = "no-new-privileges:true";

impl Rule for NoNewPrivilegesUnset {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_service<'p>(
        &self,
        cx: &Context<'p>,
        service: &Service<'p>,
        out: &mut Vec<Diagnostic>,
    ) {
        if no_new_privileges(service.spec) != Some(false) {
            return;
        }
        let Some(d) = on_service_key(
            cx,
            &INFO,
            service,
            format!(
                "`{}` does not set `no-new-privileges`: a process in it can gain privileges \
                 through setuid binaries or file capabilities",
                service.name
            ),
        ) else {
            return;
        };
        out.push(
            d.help(format!("add `security_opt: [\"{ENTRY}\"]`"))
                .with_fix(fix(cx.project, service)),
        );
    }
}

/// The entry quoted as the list's first item is (plain, single or double quotes).
fn in_style_of(list: &Value) -> String {
    let style = list
        .as_seq()
        .and_then(|items| items.first())
        .and_then(Value::as_str)
        .map(|s| s.style);
    match style {
        Some(ScalarStyle::Plain) => ENTRY.to_string(),
        Some(ScalarStyle::SingleQuoted) => format!("'{ENTRY}'"),
        _ => format!("\"{ENTRY}\""),
    }
}

/// Turns a `no-new-privileges:false` entry on, else appends the entry to `security_opt` in its
/// style, else adds `security_opt`. None when the service's settings come from an anchor that
/// other services share (the edit would change them too).
fn fix(project: &Project, service: &Service) -> Option<Fix> {
    let edit = match service.spec.get("security_opt") {
        Some(list) => {
            if builders::services_sharing(project, list).len() > 1 {
                return None;
            }
            match security_opts(service.spec)
                .iter()
                .find(|o| o.name == "no-new-privileges")
            {
                Some(off) => builders::replace_scalar(project, off.item, ENTRY)?,
                None => builders::add_item(project, list, &in_style_of(list))?,
            }
        }
        None => {
            if builders::services_sharing(project, service.spec).len() > 1 {
                return None;
            }
            builders::add_key(
                project,
                service.spec,
                "security_opt",
                &format!("[\"{ENTRY}\"]"),
            )?
        }
    };
    Some(Fix::new(
        format!("Add `{ENTRY}` to `security_opt`"),
        Applicability::Safe,
        vec![edit],
    ))
}
