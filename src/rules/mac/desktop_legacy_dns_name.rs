//! MAC002 desktop-legacy-dns-name.

use crate::diagnostic::{Applicability, Fix};
use crate::diagnostic::{Diagnostic, Platform, Severity};
use crate::diagnostic::{FixAvailability, RuleInfo};
use crate::facts::connection::DESKTOP_LEGACY;
use crate::facts::service::Service;
use crate::facts::values::{RunValue, contains_ignore_case, run_values};
use crate::fix::builders;
use crate::project::Project;
use crate::project::value::Value;
use crate::rules::{Context, Rule};
use std::ops::Range;

rule_info!(
    DesktopLegacyDnsName,
    INFO,
    "MAC002",
    "desktop-legacy-dns-name",
    Severity::Warning,
    &Platform::ALL,
    FixAvailability::Safe
);

/// One legacy name in one value.
struct Hit<'p> {
    name: &'static str,
    place: String,
    advertised: bool,
    value: &'p Value,
    range: Range<usize>,
}

impl Rule for DesktopLegacyDnsName {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_service<'p>(
        &self,
        cx: &Context<'p>,
        service: &Service<'p>,
        out: &mut Vec<Diagnostic>,
    ) {
        let project = cx.project;
        let name = service.name;
        let hits = hits(service.spec);
        let Some(first) = hits.first() else { return };
        let advertised = hits.iter().any(|h| h.advertised);
        let span = first
            .value
            .as_str()
            .and_then(|s| s.literal_span(first.range.clone()))
            .unwrap_or(first.value.origin.span);
        let mut d = if advertised {
            let h = hits.iter().find(|h| h.advertised).unwrap_or(first);
            Diagnostic::new(
                &INFO,
                format!(
                    "{} advertises `{}`, a deprecated Docker Desktop name for the host: clients \
                     on the host cannot resolve it, and it exists on no other engine",
                    h.place, h.name
                ),
            )
            .help("advertise `localhost:<published port>` to clients on the host, and the service name to containers")
        } else {
            Diagnostic::new(
                &INFO,
                format!(
                    "{} uses `{}`, a deprecated Docker Desktop name for the host that other \
                     engines do not resolve",
                    first.place, first.name
                ),
            )
            .help("use `host.docker.internal` (with `extra_hosts: [\"host.docker.internal:host-gateway\"]` on Linux)")
        };
        if advertised {
            d.severity = Severity::Error;
        } else {
            d = d.with_fix(fix(project, &hits));
        }
        out.push(
            d.at(project.file(first.value.origin.file), span)
                .service(name),
        );
    }
}

fn hits(service: &Value) -> Vec<Hit<'_>> {
    let mut out = Vec::new();
    for v in run_values(service) {
        find(&v, &mut out);
    }
    out
}

/// Appends every whole-name occurrence of a legacy name in one string value. The key is
/// read only once the value may hold one.
fn find<'p>(v: &RunValue<'p>, out: &mut Vec<Hit<'p>>) {
    let value = v.value;
    let Some(s) = value
        .as_str()
        .filter(|s| s.is_known() && contains_ignore_case(&s.text, "docker."))
    else {
        return;
    };
    let key = v.key.unwrap_or_default();
    let advertised = ["ADVERTISED", "ANNOUNCE"]
        .iter()
        .any(|w| contains_ignore_case(key, w));
    // A kubeconfig-like setting names the Kubernetes API the host sees, on purpose.
    let kube = contains_ignore_case(key, "KUBE");
    let lower = s.text.to_ascii_lowercase();
    for name in DESKTOP_LEGACY {
        if kube && name == "kubernetes.docker.internal" {
            continue;
        }
        let mut from = 0;
        while let Some(at) = lower[from..].find(name) {
            let start = from + at;
            let end = start + name.len();
            let part = |c: Option<char>| {
                c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
            };
            if !part(lower[..start].chars().next_back()) && !part(lower[end..].chars().next()) {
                out.push(Hit {
                    name,
                    place: v.place(),
                    advertised,
                    value,
                    range: start..end,
                });
            }
            from = end;
        }
    }
}

/// Replaces every container-side use with `host.docker.internal`; None when one of them is not
/// written literally in the file (a value from `.env`).
fn fix(project: &Project, hits: &[Hit]) -> Option<Fix> {
    let mut edits = Vec::new();
    for h in hits {
        edits.push(builders::replace_part(
            project,
            h.value,
            h.range.clone(),
            "host.docker.internal",
        )?);
    }
    let names: Vec<&str> = hits.iter().map(|h| h.name).collect();
    Some(Fix::new(
        format!("Replace `{}` with `host.docker.internal`", names[0]),
        Applicability::Safe,
        edits,
    ))
}
