//! KAF008 listener-set-inconsistent.

use super::listener_list::{self, Written, span};
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::diagnostic::{Diagnostic, Platform, Severity};
use crate::diagnostic::{FixAvailability, RuleInfo};
use crate::facts::connection::{HostClass, classify};
use crate::facts::kafka::{self, Broker, Endpoint, Family, Setting};
use crate::facts::service::Service;
use crate::fix::builders;
use crate::project::Project;
use crate::rules::{Context, Rule};
use crate::source::{SourceFile, Span};
use std::net::IpAddr;
use std::sync::Arc;

rule_info!(
    ListenerSetInconsistent,
    INFO,
    "KAF008",
    "listener-set-inconsistent",
    Severity::Error,
    &Platform::ALL,
    FixAvailability::Safe
);

/// Properties whose unknown value (an unset variable) keeps the rule silent.
const READ: [&str; 5] = [
    "listeners",
    "advertised.listeners",
    "advertised.host.name",
    "controller.listener.names",
    "process.roles",
];

/// Ports a listener moved off a shared port may take, in order of preference (§3.5).
const FREE_PORTS: [u16; 3] = [29092, 19092, 39092];

/// One inconsistency: what happens, where, and the edits that repair it.
struct Problem {
    message: String,
    at: (Arc<SourceFile>, Span),
    edits: Option<Vec<Edit>>,
    /// Sub-cases 1 and 4 repair safely; 2 and 3 need review.
    safe: bool,
    /// The repair edits a value other services hold too (an anchor).
    shared: bool,
}

impl Rule for ListenerSetInconsistent {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_broker(
        &self,
        cx: &Context<'_>,
        service: &Service<'_>,
        broker: &Broker<'_>,
        out: &mut Vec<Diagnostic>,
    ) {
        if !listener_list::readable(broker, &READ) {
            return;
        }
        let problems = problems(cx.project, service, broker, cx.is_partial());
        if let Some(d) = diagnose(broker, problems) {
            out.push(d);
        }
    }
}

/// Every inconsistency of one broker, in the order of the sub-cases. A rule that relies on a
/// key being unset skips partial projects (the key may be set elsewhere).
fn problems(project: &Project, service: &Service, broker: &Broker, partial: bool) -> Vec<Problem> {
    let mut out = Vec::new();
    let advertised = broker.advertised().unwrap_or_default();
    match broker.listeners() {
        Some(listeners) => {
            out.extend(not_listened(project, broker, &listeners, &advertised));
            out.extend(duplicate_names(project, broker, &listeners, "listeners"));
            out.extend(shared_ports(project, broker, &listeners, &advertised));
        }
        None if !partial && kafka::wurstmeister_listeners_missing(broker) => {
            out.extend(wurstmeister_missing(project, service, broker, &advertised));
        }
        None if !partial => out.extend(default_listeners(project, service, broker, &advertised)),
        None => {}
    }
    out.extend(duplicate_names(
        project,
        broker,
        &advertised,
        "advertised.listeners",
    ));
    out
}

/// Assembles one finding: the first problem's message and place, the others as labels, and
/// the safe repairs if there are any, else the first repair that needs review.
fn diagnose(broker: &Broker, problems: Vec<Problem>) -> Option<Diagnostic> {
    let first = problems.first()?;
    let mut d = Diagnostic::new(&INFO, first.message.clone())
        .at(&first.at.0, first.at.1)
        .service(broker.service);
    for other in &problems[1..] {
        d = d.label(&other.at.0, other.at.1, other.message.clone());
    }
    let safe: Vec<&Problem> = problems
        .iter()
        .filter(|p| p.safe && p.edits.is_some())
        .collect();
    let fix = if safe.is_empty() {
        problems.iter().find_map(|p| {
            let edits = p.edits.clone()?;
            Some(Fix::new(
                "Make the listener names and ports unique",
                Applicability::Review,
                edits,
            ))
        })
    } else {
        let applicability = if safe.iter().any(|p| p.shared) {
            Applicability::Review
        } else {
            Applicability::Safe
        };
        let edits = safe
            .iter()
            .filter_map(|p| p.edits.clone())
            .flatten()
            .collect();
        Some(Fix::new(
            "Bind a listener for every advertised name",
            applicability,
            edits,
        ))
    };
    Some(
        d.help(
            "every advertised name needs a listener of the same name, and listener names and \
             ports must be unique",
        )
        .with_fix(fix),
    )
}

/// Sub-case 1: advertised names that `listeners` does not define (controller names are
/// KAF009's).
fn not_listened(
    project: &Project,
    broker: &Broker,
    listeners: &[Endpoint],
    advertised: &[Endpoint],
) -> Option<Problem> {
    let controllers = broker.controller_names();
    let missing = missing_names(advertised, |n| {
        listeners.iter().any(|l| l.name == n) || controllers.iter().any(|c| c == n)
    });
    let first = missing.first()?;
    let (adv_key, lis_key) = (
        key(broker, "advertised.listeners")?,
        key(broker, "listeners")?,
    );
    let message = format!(
        "{} advertised in `{adv_key}` but not defined in `{lis_key}`: the `{}` broker exits at \
         start-up with \"advertised.listeners listener names must be equal to or a subset of \
         the ones defined in listeners\"",
        names_are(&missing),
        broker.service
    );
    let host = listener_list::bind_host(listeners);
    let used: Vec<u16> = listeners.iter().filter_map(|l| l.port).collect();
    let edits = new_entries(&missing, host, &used)
        .and_then(|entries| listener_list::append(project, listeners, &entries))
        .map(|e| vec![e]);
    let shared = listeners
        .first()
        .and_then(|l| l.source.as_ref())
        .is_some_and(|s| listener_list::shared(project, broker.service, s.value));
    Some(Problem {
        message,
        at: name_at(project, first)?,
        edits,
        safe: true,
        shared,
    })
}

/// bitnami (and wurstmeister with `KAFKA_ADVERTISED_HOST_NAME`) leave `listeners` to Kafka's
/// default `PLAINTEXT://:9092` (wurstmeister: `KAFKA_PORT`): sub-case 1 against that default. `CONTROLLER` is KAF009's, and
/// a bitnami controller without listeners is KAF011's.
fn default_listeners(
    project: &Project,
    service: &Service,
    broker: &Broker,
    advertised: &[Endpoint],
) -> Option<Problem> {
    let bitnami = broker.family == Family::Bitnami && !broker.is_controller();
    let wurstmeister = broker.family == Family::Wurstmeister;
    if !bitnami && !wurstmeister {
        return None;
    }
    let controllers = broker.controller_names();
    let missing = missing_names(advertised, |n| {
        n == "PLAINTEXT" || n == "CONTROLLER" || controllers.iter().any(|c| c == n)
    });
    let first = missing.first()?;
    let adv_key = key(broker, "advertised.listeners")?;
    let lis_key = format!("{}LISTENERS", broker.family.prefix());
    // Kafka's default listener: port 9092, or wurstmeister's `KAFKA_PORT`.
    let port = broker.effective_listeners().0.first()?.port?;
    let message = format!(
        "`{lis_key}` is not set, so Kafka binds only its default `PLAINTEXT://:{port}`, but \
         {} advertised in `{adv_key}`: the `{}` broker exits at start-up with \
         \"advertised.listeners listener names must be equal to or a subset of the ones defined \
         in listeners\"",
        names_are(&missing),
        broker.service
    );
    let host = if bitnami { "" } else { "0.0.0.0" };
    let edits = new_entries(&missing, host, &[port]).and_then(|entries| {
        let value = std::iter::once(listener_list::entry("PLAINTEXT", host, port))
            .chain(entries)
            .collect::<Vec<_>>()
            .join(",");
        let env = service.environment()?;
        Some(vec![builders::set_env(project, env, &lis_key, &value)?])
    });
    Some(Problem {
        message,
        at: name_at(project, first)?,
        edits,
        safe: true,
        shared: env_shared(project, service),
    })
}

/// Whether the environment block is itself written once for several services.
fn env_shared(project: &Project, service: &Service) -> bool {
    service
        .environment()
        .is_some_and(|env| listener_list::shared(project, service.name, env))
}

/// Sub-case 4: wurstmeister's entrypoint refuses advertised listeners without listeners.
fn wurstmeister_missing(
    project: &Project,
    service: &Service,
    broker: &Broker,
    advertised: &[Endpoint],
) -> Option<Problem> {
    let setting = broker.property("advertised.listeners")?;
    let message = format!(
        "`{}` is set without `KAFKA_LISTENERS`: the wurstmeister entrypoint of `{}` exits with \
         \"Missing environment variable KAFKA_LISTENERS. Must be specified when using \
         KAFKA_ADVERTISED_LISTENERS\"",
        setting.key, broker.service
    );
    let named: Vec<&Endpoint> = advertised.iter().collect();
    let edits = new_entries(&named, "0.0.0.0", &[]).and_then(|entries| {
        let env = service.environment()?;
        Some(vec![builders::set_env(
            project,
            env,
            "KAFKA_LISTENERS",
            &entries.join(","),
        )?])
    });
    Some(Problem {
        message,
        at: whole(project, setting)?,
        edits,
        safe: true,
        shared: env_shared(project, service),
    })
}

/// Sub-case 2: a name defined twice in one list. Exact repetitions are dropped (review);
/// two different entries under one name need a choice, so they get no fix.
fn duplicate_names(
    project: &Project,
    broker: &Broker,
    list: &[Endpoint],
    property: &str,
) -> Option<Problem> {
    let same_name = |j: usize| {
        list[..j]
            .iter()
            .any(|x| x.name == list[j].name && !ipv4_and_ipv6(x, &list[j]))
    };
    let repeat = |j: usize| {
        list[..j]
            .iter()
            .any(|x| x.name == list[j].name && x.host == list[j].host && x.port == list[j].port)
    };
    let dup = (0..list.len()).find(|j| same_name(*j))?;
    let message = format!(
        "listener name `{}` appears twice in `{}`: the `{}` broker exits at start-up with \"Each \
         listener must have a different name\"",
        list[dup].name,
        key(broker, property)?,
        broker.service
    );
    let exact = (0..list.len()).all(|j| !same_name(j) || repeat(j));
    let keep: Vec<bool> = (0..list.len()).map(|j| !repeat(j)).collect();
    let edits = exact
        .then(|| listener_list::retain(project, list, &keep))
        .flatten()
        .map(|e| vec![e]);
    Some(Problem {
        message,
        at: name_at(project, &list[dup])?,
        edits,
        safe: false,
        shared: false,
    })
}

/// Sub-case 3: two listeners on one port (one IPv4 and one IPv6 address may share it).
fn shared_ports(
    project: &Project,
    broker: &Broker,
    listeners: &[Endpoint],
    advertised: &[Endpoint],
) -> Option<Problem> {
    let (earlier, later) = listeners.iter().enumerate().find_map(|(i, e)| {
        let port = e.port.filter(|p| *p != 0)?;
        let earlier = listeners[..i]
            .iter()
            .find(|x| x.port == Some(port) && x.name != e.name && !ipv4_and_ipv6(x, e))?;
        Some((earlier, e))
    })?;
    let port = later.port?;
    // Keep the port of the listener advertised to the host (loopback), move the other.
    let to_host = |e: &Endpoint| {
        advertised
            .iter()
            .any(|a| a.name == e.name && classify(&a.host) == HostClass::Loopback)
    };
    let moved = if to_host(later) && !to_host(earlier) {
        earlier
    } else {
        later
    };
    let message = format!(
        "listeners `{}` and `{}` both bind port {port} in `{}`: the `{}` broker exits at start-up \
         (\"Each listener must have a different port\")",
        earlier.name,
        later.name,
        key(broker, "listeners")?,
        broker.service
    );
    let used: Vec<u16> = listeners.iter().filter_map(|l| l.port).collect();
    let edits = FREE_PORTS
        .iter()
        .find(|p| !used.contains(p))
        .and_then(|free| move_port(project, moved, advertised, port, *free));
    Some(Problem {
        message,
        at: name_at(project, later)?,
        edits,
        safe: false,
        shared: false,
    })
}

/// Moves listener `moved` from `port` to `free`, and its advertised entry when it advertised
/// the same port.
fn move_port(
    project: &Project,
    moved: &Endpoint,
    advertised: &[Endpoint],
    port: u16,
    free: u16,
) -> Option<Vec<Edit>> {
    let mut edits = vec![port_edit(project, moved, free)?];
    if let Some(a) = advertised
        .iter()
        .find(|a| a.name == moved.name && a.port == Some(port))
    {
        edits.push(port_edit(project, a, free)?);
    }
    Some(edits)
}

/// Replaces the port of a written `NAME://host:port` entry.
fn port_edit(project: &Project, endpoint: &Endpoint, port: u16) -> Option<Edit> {
    let w: Written = listener_list::written(endpoint)?;
    let text = w.value.as_str()?.text.get(w.entry.clone())?;
    let colon = text.rfind(':')?;
    let range = w.entry.start + colon + 1..w.entry.end;
    builders::replace_part(project, w.value, range, &port.to_string())
}

/// The names of `list` for which `defined` fails, each once, in order.
fn missing_names<'a, 'p>(
    list: &'a [Endpoint<'p>],
    defined: impl Fn(&str) -> bool,
) -> Vec<&'a Endpoint<'p>> {
    let mut out: Vec<&Endpoint> = Vec::new();
    for e in list {
        if !defined(&e.name) && !out.iter().any(|m| m.name == e.name) {
            out.push(e);
        }
    }
    out
}

/// New `NAME://host:port` entries binding each endpoint's advertised port; None when a port is
/// unknown or would clash with `used` or with another new entry.
fn new_entries(endpoints: &[&Endpoint], host: &str, used: &[u16]) -> Option<Vec<String>> {
    let mut taken = used.to_vec();
    let mut out = Vec::new();
    for e in endpoints {
        let port = e.port?;
        if taken.contains(&port) {
            return None;
        }
        taken.push(port);
        out.push(listener_list::entry(&e.name, host, port));
    }
    Some(out)
}

/// One IPv4 and one IPv6 literal: Kafka lets those share a port or name (KIP-797).
fn ipv4_and_ipv6(a: &Endpoint, b: &Endpoint) -> bool {
    match (a.host.parse::<IpAddr>(), b.host.parse::<IpAddr>()) {
        (Ok(x), Ok(y)) => x.is_ipv4() != y.is_ipv4(),
        _ => false,
    }
}

/// The environment key that sets `property`, as written.
fn key<'p>(broker: &Broker<'p>, property: &str) -> Option<&'p str> {
    broker.property(property).map(|s| s.key)
}

/// "`A` is" / "`A`, `B` are".
fn names_are(endpoints: &[&Endpoint]) -> String {
    match endpoints {
        [one] => format!("`{}` is", one.name),
        _ => {
            let names: Vec<String> = endpoints.iter().map(|e| format!("`{}`", e.name)).collect();
            format!("{} are", names.join(", "))
        }
    }
}

/// The file bytes of an endpoint's name.
fn name_at(project: &Project, endpoint: &Endpoint) -> Option<(Arc<SourceFile>, Span)> {
    let w = listener_list::written(endpoint)?;
    Some(span(project, w.value, w.name))
}

/// The file bytes of a whole setting.
fn whole(project: &Project, setting: &Setting) -> Option<(Arc<SourceFile>, Span)> {
    Some(span(project, setting.value, 0..setting.text()?.len()))
}
