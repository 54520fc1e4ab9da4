//! KAF009 controller-listener-misuse.

use super::listener_list::{self, span};
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::diagnostic::{Diagnostic, Platform, Severity};
use crate::diagnostic::{FixAvailability, RuleInfo};
use crate::facts::connection::parse_value;
use crate::facts::kafka::{self, Broker, Endpoint, Family, Origin};
use crate::facts::service::Service;
use crate::fix::builders;
use crate::project::Project;
use crate::rules::{Context, Rule};
use crate::source::{SourceFile, Span};
use std::sync::Arc;

rule_info!(
    ControllerListenerMisuse,
    INFO,
    "KAF009",
    "controller-listener-misuse",
    Severity::Error,
    &Platform::ALL,
    FixAvailability::Safe
);

/// Properties whose unknown value (an unset variable) keeps the rule silent.
const READ: [&str; 7] = [
    "process.roles",
    "controller.listener.names",
    "listeners",
    "advertised.listeners",
    "controller.quorum.voters",
    "node.id",
    "listener.security.protocol.map",
];

/// One misuse: what happens, where, and the edits that repair it.
struct Problem {
    message: String,
    at: (Arc<SourceFile>, Span),
    edits: Option<Vec<Edit>>,
    /// The repair edits a value other services hold too (an anchor).
    shared: bool,
}

impl Rule for ControllerListenerMisuse {
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
        let Some(roles) = broker.roles() else {
            return;
        };
        let problems = problems(cx.project, service, broker, &roles, cx.is_partial());
        if let Some(d) = diagnose(broker, problems) {
            out.push(d);
        }
    }
}

/// Every misuse of one KRaft node, in the order of the sub-cases.
fn problems(
    project: &Project,
    service: &Service,
    broker: &Broker,
    roles: &[String],
    partial: bool,
) -> Vec<Problem> {
    let has = |r: &str| roles.iter().any(|x| x == r);
    let only = |r: &str| roles.iter().all(|x| x == r) && has(r);
    let controllers = broker.controller_names();
    let mut out = Vec::new();
    if controllers.is_empty() {
        // Missing `controller.listener.names` is KAF010's.
        return out;
    }
    if has("broker") {
        out.extend(advertised_controller(project, broker, &controllers));
    }
    if only("controller") {
        out.extend(controller_advertises(project, service, broker));
    }
    if has("controller") {
        out.extend(controller_not_listening(
            project,
            service,
            broker,
            &controllers,
            partial,
        ));
    }
    if only("broker") {
        out.extend(broker_listens_as_controller(project, broker, &controllers));
    }
    out
}

/// One finding: the first problem's message and place, the others as labels, and every repair
/// (they touch different settings).
fn diagnose(broker: &Broker, problems: Vec<Problem>) -> Option<Diagnostic> {
    let first = problems.first()?;
    let mut d = Diagnostic::new(&INFO, first.message.clone())
        .at(&first.at.0, first.at.1)
        .service(broker.service)
        .help(
            "controller listeners are bound by controllers and named in \
             `controller.listener.names`; they are never advertised and never bound by \
             broker-only nodes",
        );
    for other in &problems[1..] {
        d = d.label(&other.at.0, other.at.1, other.message.clone());
    }
    let edits: Vec<Edit> = problems
        .iter()
        .filter_map(|p| p.edits.clone())
        .flatten()
        .collect();
    if !edits.is_empty() {
        let applicability = if problems.iter().any(|p| p.shared) {
            Applicability::Review
        } else {
            Applicability::Safe
        };
        d = d.with_fix(Some(Fix::new(
            "Keep the controller listener to the controller",
            applicability,
            edits,
        )));
    }
    Some(d)
}

/// Sub-case 1: a broker advertises a controller listener to clients.
fn advertised_controller(
    project: &Project,
    broker: &Broker,
    controllers: &[String],
) -> Option<Problem> {
    let advertised = broker.advertised()?;
    let setting = broker.property("advertised.listeners")?;
    let is_controller = |e: &Endpoint| controllers.contains(&e.name);
    let first = advertised.iter().find(|e| is_controller(e))?;
    let message = format!(
        "`{}` advertises the controller listener `{}`: the `{}` broker exits at start-up with \
         \"The advertised.listeners config must not contain KRaft controller listeners from \
         controller.listener.names when process.roles contains the broker role\"",
        setting.key, first.name, broker.service
    );
    let keep: Vec<bool> = advertised.iter().map(|e| !is_controller(e)).collect();
    let edits = listener_list::retain(project, &advertised, &keep).map(|e| vec![e]);
    Some(Problem {
        message,
        at: name_at(project, first)?,
        edits,
        shared: listener_list::shared(project, broker.service, setting.value),
    })
}

/// Sub-case 2: a controller-only node with advertised listeners, which the Confluent and
/// Apache entrypoints and Kafka before 3.9 refuse.
fn controller_advertises(project: &Project, service: &Service, broker: &Broker) -> Option<Problem> {
    let setting = broker.property("advertised.listeners")?;
    let text = setting.text()?;
    let refused = match broker.family {
        Family::Confluent | Family::Apache => true,
        Family::Bitnami => broker.version.is_some_and(|v| v < (3, 9)),
        _ => false,
    };
    if !refused || text.trim().is_empty() {
        return None;
    }
    let why = if broker.family == Family::Bitnami {
        "Kafka before 3.9 refuses it (\"advertised.listeners config must be empty when \
         process.roles=controller\")"
    } else {
        "the image's entrypoint refuses it (\"KAFKA_ADVERTISED_LISTENERS is not supported on a \
         KRaft controller\")"
    };
    let message = format!(
        "`{}` is set on `{}`, a controller-only node: {why}, and the container exits at start-up",
        setting.key, broker.service
    );
    let env = service.environment()?;
    let edits = builders::remove_key(project, env, setting.key).map(|e| vec![e]);
    Some(Problem {
        message,
        at: span(project, setting.value, 0..text.len()),
        edits,
        shared: listener_list::shared(project, broker.service, setting.value),
    })
}

/// Sub-case 3: a controller that binds none of its controller listeners. bitnami's entrypoint
/// checks this itself before Kafka starts, which KAF011 reports.
fn controller_not_listening(
    project: &Project,
    service: &Service,
    broker: &Broker,
    controllers: &[String],
    partial: bool,
) -> Option<Problem> {
    let (listeners, origin) = broker.effective_listeners();
    let guessed = origin != Origin::Explicit && (partial || !kafka::unset_means_default(broker));
    if broker.family == Family::Bitnami
        || guessed
        || listeners.iter().any(|l| controllers.contains(&l.name))
    {
        return None;
    }
    let names = controllers.join(",");
    let (where_, setting) = match broker.property("listeners") {
        Some(s) => (format!("the listeners of `{}`", s.key), s),
        None => {
            let s = broker.property("advertised.listeners")?;
            (
                format!("the listeners the image derives from `{}`", s.key),
                s,
            )
        }
    };
    let message = format!(
        "`{}` is a KRaft controller, but none of `controller.listener.names` (`{names}`) is \
         among {where_}: it exits at start-up with \"controller.listener.names must contain at \
         least one value appearing in the 'listeners' configuration when running the KRaft \
         controller role\"",
        broker.service
    );
    let at = span(project, setting.value, 0..setting.text()?.len());
    let edits = add_controller(project, service, broker, controllers, &listeners, origin);
    Some(Problem {
        message,
        at,
        edits,
        shared: listener_list::shared(project, broker.service, setting.value),
    })
}

/// Binds the first controller name on this node's port in the voters, and maps it when the
/// map is set without it.
fn add_controller(
    project: &Project,
    service: &Service,
    broker: &Broker,
    controllers: &[String],
    listeners: &[Endpoint],
    origin: Origin,
) -> Option<Vec<Edit>> {
    let name = controllers.first()?;
    let node = broker.property("node.id")?.scalar()?;
    let voters = broker.text("controller.quorum.voters")?;
    let port = parse_value(voters)
        .into_iter()
        .find(|t| t.listener.as_deref() == Some(node.as_str()))?
        .port?;
    if listeners.iter().any(|l| l.port == Some(port)) {
        return None;
    }
    let host = listener_list::bind_host(listeners);
    let entry = listener_list::entry(name, host, port);
    let env = service.environment()?;
    let mut edits = vec![if origin == Origin::Explicit {
        listener_list::append(project, listeners, &[entry])?
    } else {
        let mut all: Vec<String> = listeners
            .iter()
            .filter_map(|l| Some(listener_list::entry(&l.name, &l.host, l.port?)))
            .collect();
        all.push(entry);
        let key = format!("{}LISTENERS", broker.family.prefix());
        builders::set_env(project, env, &key, &all.join(","))?
    }];
    if let Some(map) = broker.property("listener.security.protocol.map")
        && broker.protocol(name).is_none()
    {
        let text = map.text()?;
        let end = text.trim_end().len();
        let sep = if text.contains(", ") { ", " } else { "," };
        edits.push(builders::replace_part(
            project,
            map.value,
            end..end,
            &format!("{sep}{name}:PLAINTEXT"),
        )?);
    }
    Some(edits)
}

/// Sub-case 4: a broker-only node binds a controller listener.
fn broker_listens_as_controller(
    project: &Project,
    broker: &Broker,
    controllers: &[String],
) -> Option<Problem> {
    let listeners = broker.listeners()?;
    let setting = broker.property("listeners")?;
    let is_controller = |e: &Endpoint| controllers.contains(&e.name);
    let first = listeners.iter().find(|e| is_controller(e))?;
    let message = format!(
        "`{}` binds the controller listener `{}` on `{}`, a broker-only node: it exits at \
         start-up with \"controller.listener.names must not contain a value appearing in the \
         'listeners' configuration when running KRaft with just the broker role\"",
        setting.key, first.name, broker.service
    );
    let keep: Vec<bool> = listeners.iter().map(|e| !is_controller(e)).collect();
    let edits = listener_list::retain(project, &listeners, &keep).map(|e| vec![e]);
    Some(Problem {
        message,
        at: name_at(project, first)?,
        edits,
        shared: listener_list::shared(project, broker.service, setting.value),
    })
}

/// The file bytes of an endpoint's name.
fn name_at(project: &Project, endpoint: &Endpoint) -> Option<(Arc<SourceFile>, Span)> {
    let w = listener_list::written(endpoint)?;
    Some(span(project, w.value, w.name))
}
