//! NET004 host-docker-internal-without-host-gateway.

use crate::diagnostic::{Applicability, Fix};
use crate::diagnostic::{Diagnostic, Platform, Severity};
use crate::diagnostic::{FixAvailability, RuleInfo};
use crate::facts::connection::{self, HostClass};
use crate::facts::kafka;
use crate::facts::service::Service;
use crate::facts::values::{RunValue, contains_ignore_case, run_values};
use crate::fix::builders;
use crate::project::Project;
use crate::project::value::{Kind, Value};
use crate::rules::{Context, Rule};

rule_info!(
    HostDockerInternalWithoutHostGateway,
    INFO,
    "NET004",
    "host-docker-internal-without-host-gateway",
    Severity::Warning,
    &[Platform::Linux],
    FixAvailability::Safe
);

/// The Docker Desktop names that Docker Engine on Linux resolves only through `extra_hosts`.
const NAMES: [&str; 2] = ["host.docker.internal", "gateway.docker.internal"];

/// Where a service names the host: which name, in which key, at which bytes.
struct Use<'p> {
    name: String,
    place: String,
    value: &'p Value,
    host: std::ops::Range<usize>,
}

impl Rule for HostDockerInternalWithoutHostGateway {
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
        // `extra_hosts` is not allowed in another container's network namespace (NET006).
        if service.network_mode.joins_other() {
            return;
        }
        let mapped = mapped_names(service);
        let uses: Vec<Use> = uses(service.spec)
            .into_iter()
            .filter(|u| !mapped.contains(&u.name))
            .collect();
        let Some(first) = uses.first() else {
            if let Some(d) = advertised(cx, service) {
                out.push(d);
            }
            return;
        };
        let mut names: Vec<&str> = uses.iter().map(|u| u.name.as_str()).collect();
        names.dedup();
        let span = first
            .value
            .as_str()
            .and_then(|s| s.literal_span(first.host.clone()))
            .unwrap_or(first.value.origin.span);
        let entries = entries(&names);
        let d = Diagnostic::new(
            &INFO,
            format!(
                "{} reaches the host through `{}`, which Docker Engine on Linux does not resolve \
                 without an `extra_hosts` entry",
                first.place, first.name
            ),
        )
        .at(project.file(first.value.origin.file), span)
        .service(service.name)
        .help(format!(
            "map it to the host's gateway: `extra_hosts: [\"{}\"]`",
            entries.join("\", \"")
        ))
        .with_fix(fix(project, &[(service, entries)]));
        out.push(d);
    }
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

/// The `name:host-gateway` entries for the Desktop names used, in the order of [`NAMES`].
fn entries(names: &[&str]) -> Vec<String> {
    NAMES
        .iter()
        .filter(|n| names.contains(n))
        .map(|n| format!("{n}:host-gateway"))
        .collect()
}

/// The finding on a broker that advertises a Desktop name: the services sent there (the
/// brokers of its cluster for the inter-broker listener, clients bootstrapping through that
/// listener) must resolve it, and those without the mapping cannot on Linux.
fn advertised<'p>(cx: &Context<'p>, service: &Service<'p>) -> Option<Diagnostic> {
    let project = cx.project;
    let broker = cx.brokers().iter().find(|b| b.service == service.name)?;
    for endpoint in broker.effective_advertised() {
        let host = endpoint.host.to_ascii_lowercase();
        if !classify_name(&host) {
            continue;
        }
        let dialers: Vec<&Service<'p>> =
            kafka::advertised_dialers(project, cx.book(), cx.brokers(), broker, &endpoint.name)
                .into_iter()
                .filter_map(|name| cx.service(name))
                .filter(|s| !s.network_mode.joins_other() && !mapped_names(s).contains(&host))
                .collect();
        if dialers.is_empty() {
            continue;
        }
        let (value, span) = match &endpoint.source {
            Some(src) => (
                src.value,
                src.value
                    .as_str()
                    .and_then(|s| s.literal_span(src.host.clone()))
                    .unwrap_or(src.value.origin.span),
            ),
            None => {
                let v = broker.property("advertised.host.name")?.value;
                (v, v.origin.span)
            }
        };
        let who: Vec<String> = dialers
            .iter()
            .map(|s| {
                if s.name == service.name {
                    format!("`{}` itself (inter-broker)", s.name)
                } else {
                    format!("`{}`", s.name)
                }
            })
            .collect();
        let port = endpoint.port.map(|p| format!(":{p}")).unwrap_or_default();
        let entries = entries(&[host.as_str()]);
        let targets: Vec<(&Service, Vec<String>)> =
            dialers.iter().map(|s| (*s, entries.clone())).collect();
        let d = Diagnostic::new(
            &INFO,
            format!(
                "`{}` advertises `{host}{port}` on listener `{}`, which {} {} after \
                 bootstrap; Docker Engine on Linux does not resolve `{host}` without an \
                 `extra_hosts` entry",
                service.name,
                endpoint.name,
                and_list(&who),
                if who.len() == 1 { "dials" } else { "dial" },
            ),
        )
        .at(project.file(value.origin.file), span)
        .service(service.name)
        .help(format!(
            "map it to the host's gateway in each of them (`extra_hosts: [\"{}\"]`), or \
             advertise the service name to containers",
            entries.join("\", \"")
        ))
        .with_fix(fix(project, &targets));
        return Some(d);
    }
    None
}

/// Host names the service's `extra_hosts` already maps (list `name:ip`/`name=ip` or mapping).
fn mapped_names(service: &Service) -> Vec<String> {
    match service.extra_hosts().map(|v| &v.kind) {
        Some(Kind::Map(m)) => m.iter().map(|(k, _, _)| k.to_ascii_lowercase()).collect(),
        _ => Vec::new(),
    }
}

fn uses(service: &Value) -> Vec<Use<'_>> {
    let mut out = Vec::new();
    for v in run_values(service) {
        if !v.key.is_some_and(connection::is_server_side_key) {
            scan(&v, &mut out);
        }
    }
    out
}

/// Appends the uses of the Desktop names in one string value.
fn scan<'p>(v: &RunValue<'p>, out: &mut Vec<Use<'p>>) {
    let value = v.value;
    let Some(s) = value
        .as_str()
        .filter(|s| s.is_known() && contains_ignore_case(&s.text, ".docker.internal"))
    else {
        return;
    };
    for word in words(&s.text) {
        for t in connection::parse_value(&s.text[word.clone()]) {
            let host = t.host.to_ascii_lowercase();
            if classify_name(&host) {
                let at = word.start + t.host_range.start..word.start + t.host_range.end;
                out.push(Use {
                    name: host,
                    place: v.place(),
                    value,
                    host: at,
                });
            }
        }
    }
}

fn classify_name(host: &str) -> bool {
    connection::classify(host) == HostClass::HostGateway && NAMES.contains(&host)
}

/// The words of a value, split on whitespace and on `=` (flags like `--url=...`), as ranges.
fn words(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let sep = c.is_whitespace() || c == '=' || c == '"' || c == '\'';
        match (sep, start) {
            (true, Some(s)) => {
                out.push(s..i);
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(s..text.len());
    }
    out
}

/// Adds the missing `name:host-gateway` entries to each service: to `extra_hosts` in the form
/// it already uses (list or mapping), or as a new `extra_hosts` key after its other keys.
fn fix(project: &Project, targets: &[(&Service, Vec<String>)]) -> Option<Fix> {
    let all: Vec<&str> = targets
        .first()
        .map(|(_, e)| e.iter().map(String::as_str).collect())
        .unwrap_or_default();
    let mut title = format!("Add `extra_hosts: [\"{}\"]`", all.join("\", \""));
    if targets.len() > 1 {
        let names: Vec<String> = targets
            .iter()
            .map(|(s, _)| format!("`{}`", s.name))
            .collect();
        title.push_str(&format!(" to {}", names.join(", ")));
    }
    let mut edits = Vec::new();
    for (service, entries) in targets {
        match service.extra_hosts() {
            Some(existing) => {
                for e in entries {
                    let (name, target) = e.split_once(':')?;
                    edits.push(builders::set_entry(project, existing, name, target, ':')?);
                }
            }
            None => {
                let items: Vec<String> = entries.iter().map(|e| format!("\"{e}\"")).collect();
                let value = format!("[{}]", items.join(", "));
                edits.push(builders::add_key(
                    project,
                    service.spec,
                    "extra_hosts",
                    &value,
                )?);
            }
        }
    }
    Some(Fix::new(title, Applicability::Safe, edits))
}
