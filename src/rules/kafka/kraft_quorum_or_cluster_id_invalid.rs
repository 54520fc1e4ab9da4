//! KAF010 kraft-quorum-or-cluster-id-invalid.

use crate::diagnostic::{Applicability, Edit, Fix};
use crate::diagnostic::{Diagnostic, Platform, Severity};
use crate::diagnostic::{FixAvailability, RuleInfo};
use crate::facts::address_book::{AddressBook, Addressee};
use crate::facts::kafka::{
    Broker, ClusterIdError, Family, TagVersion, Voter, cluster_members, decode_cluster_id,
    derived_cluster_id, parse_voters, required_missing,
};
use crate::facts::service::Service;
use crate::fix::builders;
use crate::project::Project;
use crate::project::value::Value;
use crate::rules::kafka::remedy::kraft;
use crate::rules::{Context as Checked, Rule};
use std::ops::Range;

rule_info!(
    KraftQuorumOrClusterIdInvalid,
    INFO,
    "KAF010",
    "kraft-quorum-or-cluster-id-invalid",
    Severity::Error,
    &Platform::ALL,
    FixAvailability::Review
);

/// One thing wrong with a node's KRaft settings.
struct Problem<'p> {
    /// What is wrong, as the message says it.
    text: String,
    /// The value it is about, and the bytes inside its text.
    at: Option<(&'p Value, Range<usize>)>,
    /// Edits that correct it, when there are.
    edits: Vec<Edit>,
    /// What the edits do, for the fix title.
    title: Option<String>,
}

impl<'p> Problem<'p> {
    fn new(text: String, at: Option<(&'p Value, Range<usize>)>) -> Self {
        Problem {
            text,
            at,
            edits: Vec::new(),
            title: None,
        }
    }
}

/// What the checks of one node need to know about the project.
struct Context<'a, 'p> {
    project: &'p Project,
    book: &'a AddressBook<'p>,
    brokers: &'a [Broker<'p>],
    /// The project may get settings from elsewhere: skip absence and cross-node checks.
    partial: bool,
}

impl Rule for KraftQuorumOrClusterIdInvalid {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_broker(
        &self,
        cx: &Checked<'_>,
        service: &Service<'_>,
        b: &Broker<'_>,
        out: &mut Vec<Diagnostic>,
    ) {
        if b.family == Family::Redpanda || b.roles().is_none() || !b.reads_environment() {
            return;
        }
        let cx = Context {
            project: cx.project,
            book: cx.book(),
            brokers: cx.brokers(),
            partial: cx.is_partial(),
        };
        let problems = problems(&cx, service, b);
        if let Some(d) = diagnose(cx.project, b, problems) {
            out.push(d);
        }
    }
}

fn problems<'p>(cx: &Context<'_, 'p>, service: &Service, b: &Broker<'p>) -> Vec<Problem<'p>> {
    // KAF011 reports what the image's own script refuses.
    let reported: Vec<&str> = required_missing(b)
        .iter()
        .filter_map(|r| r.property)
        .collect();
    // A mounted configuration file may hold what the environment lacks.
    let complete = !cx.partial && !b.mounts_config();
    let absent = |property: &str| {
        complete && b.property(property).is_none() && !reported.contains(&property)
    };
    let mut out = Vec::new();
    if absent("node.id") && !b.has_node_id() {
        let key = format!("{}NODE_ID", b.family.prefix());
        let id = kraft::node_id_for(cx.book, cx.brokers, b).map(|id| id.to_string());
        out.push(with_setting(
            cx,
            service,
            Problem::new(
                format!(
                    "`node.id` is not set (`{key}`): Kafka refuses to start in KRaft mode without it"
                ),
                None,
            ),
            &key,
            id,
        ));
    }
    out.extend(quorum(cx, service, b, &reported));
    if absent("controller.listener.names") {
        let key = format!("{}CONTROLLER_LISTENER_NAMES", b.family.prefix());
        let name = kraft::controller_name_for(cx.book, cx.brokers, b);
        out.push(with_setting(
            cx,
            service,
            Problem::new(
                format!("`controller.listener.names` is not set (`{key}`): the node cannot find the controller listener"),
                None,
            ),
            &key,
            name,
        ));
    }
    out.extend(cluster_id(cx, b));
    out
}

/// A missing-setting problem with its fix: `key` set to `value` in the node's environment.
fn with_setting<'p>(
    cx: &Context<'_, 'p>,
    service: &Service,
    mut problem: Problem<'p>,
    key: &str,
    value: Option<String>,
) -> Problem<'p> {
    let Some(value) = value else {
        return problem;
    };
    let edit = service
        .environment()
        .and_then(|env| builders::set_env(cx.project, env, key, &value));
    if let Some(edit) = edit {
        problem.edits.push(edit);
        problem.title = Some(format!("set `{key}` to `{value}`"));
    }
    problem
}

/// Sub-cases 2, 4 and 5: the quorum setting, this node's place in it, and each voter.
fn quorum<'p>(
    cx: &Context<'_, 'p>,
    service: &Service,
    b: &Broker<'p>,
    reported: &[&str],
) -> Vec<Problem<'p>> {
    let mut out = Vec::new();
    let voters = b
        .property("controller.quorum.voters")
        .filter(|s| s.text().is_none_or(|t| !t.trim().is_empty()));
    let Some(setting) = voters else {
        let bootstrap = b.property("controller.quorum.bootstrap.servers").is_some()
            || bootstrap_default(service, b);
        if !bootstrap
            && !cx.partial
            && !b.mounts_config()
            && !reported.contains(&"controller.quorum.voters")
        {
            let key = format!("{}CONTROLLER_QUORUM_VOTERS", b.family.prefix());
            let voters = kraft::voters_for(cx.book, cx.brokers, b);
            out.push(with_setting(
                cx,
                service,
                Problem::new(
                    format!(
                        "neither `controller.quorum.voters` (`{key}`) nor \
                         `controller.quorum.bootstrap.servers` is set: the node does not know its controllers"
                    ),
                    None,
                ),
                &key,
                voters,
            ));
        }
        return out;
    };
    let Some(text) = setting.text() else {
        return out;
    };
    let whole = Some((setting.value, 0..text.len()));
    let Some(list) = parse_voters(text) else {
        out.push(Problem::new(
            format!(
                "`{}` = `{text}` is not a list of `id@host:port` voters: Kafka refuses it \
                 (\"must contain a parseable set of voters\")",
                setting.key
            ),
            whole,
        ));
        return out;
    };
    let ids: Vec<u32> = list.iter().map(|v| v.id).collect();
    let repair = || id_repair(cx, b);
    if let Some(id) = b.node_id() {
        if b.is_controller() && !ids.contains(&id) {
            out.push(repaired(
                Problem::new(
                    format!(
                        "this controller's `node.id` {id} is not among the voter ids of `{}`",
                        setting.key
                    ),
                    whole.clone(),
                ),
                repair(),
            ));
        }
        if !b.is_controller() && ids.contains(&id) {
            out.push(repaired(
                Problem::new(
                    format!(
                        "this broker-only node's `node.id` {id} is a voter in `{}`: only controllers may be voters",
                        setting.key
                    ),
                    whole.clone(),
                ),
                repair(),
            ));
        }
        if !cx.partial
            && let Some(twin) = cluster_members(cx.book, cx.brokers, b)
                .into_iter()
                .take_while(|m| m.service != b.service)
                .find(|m| m.node_id() == Some(id))
        {
            let at = b.property("node.id").or_else(|| b.property("broker.id"));
            out.push(repaired(
                Problem::new(
                    format!(
                        "`node.id` {id} is also the id of `{}` in the same cluster",
                        twin.service
                    ),
                    at.map(|s| (s.value, 0..s.text().map_or(0, str::len))),
                ),
                repair(),
            ));
        }
    }
    // In the host's or another container's network namespace names and `localhost` mean
    // something else.
    if !cx.partial && !service.network_mode.shares_namespace() {
        for voter in &list {
            out.extend(voter_problem(cx, b, setting.value, &list, voter));
        }
    }
    out
}

/// A problem with the cluster's id repair as its fix, when there is one.
fn repaired<'p>(mut problem: Problem<'p>, repair: Option<(Vec<Edit>, String)>) -> Problem<'p> {
    if let Some((edits, title)) = repair {
        problem.edits = edits;
        problem.title = Some(title);
    }
    problem
}

/// Sub-case 4's repair for `b`'s cluster: node ids and voter ids made to agree. Every voter
/// must name a node of the cluster with a known id, each node one id, and every controller be
/// named. The named nodes take the ids their voters give them when those are free; otherwise
/// the voters take the nodes' ids, in every node that writes them. A broker-only node whose id
/// is a voter's or another node's gets the smallest free one. None when nothing needs to
/// change, or when neither way leaves every id unique.
fn id_repair<'p>(cx: &Context<'_, 'p>, b: &Broker<'p>) -> Option<(Vec<Edit>, String)> {
    if cx.partial {
        return None;
    }
    let list = parse_voters(b.text("controller.quorum.voters")?)?;
    let members = cluster_members(cx.book, cx.brokers, b);
    let current: Vec<(&str, u32)> = members
        .iter()
        .map(|m| Some((m.service, m.node_id()?)))
        .collect::<Option<_>>()?;
    // The id each voter gives the node it names, from `b`'s side.
    let mut named: Vec<(&str, u32)> = Vec::new();
    for v in &list {
        let Addressee::Service(s) = cx.book.resolve(b.service, &v.host) else {
            return None;
        };
        members.iter().find(|m| m.service == s)?;
        if named.iter().any(|(n, id)| *n == s && *id != v.id) {
            return None;
        }
        named.push((s, v.id));
    }
    let voter_of = |service: &str| named.iter().find(|(n, _)| *n == service).map(|(_, id)| *id);
    if members
        .iter()
        .any(|m| m.is_controller() && voter_of(m.service).is_none())
    {
        return None;
    }
    let id_of = |service: &str| {
        current
            .iter()
            .find(|(n, _)| *n == service)
            .map(|(_, id)| *id)
    };
    // The node ids after renumbering the named nodes, and the voter ids after renumbering the
    // voters: the first way that leaves every id unique.
    let by_nodes: Vec<(&str, Option<u32>)> = current
        .iter()
        .map(|(s, id)| (*s, Some(voter_of(s).unwrap_or(*id))))
        .collect();
    let new_voters: Vec<u32> = named.iter().filter_map(|(s, _)| id_of(s)).collect();
    let (ids, voter_ids, renumber_voters) = if unique(&by_nodes, &voters_of(&named)) {
        (by_nodes, voters_of(&named), false)
    } else {
        let kept: Vec<(&str, Option<u32>)> =
            current.iter().map(|(s, id)| (*s, Some(*id))).collect();
        (kept, new_voters, true)
    };
    let ids = free_brokers(ids, &voter_ids, |s| voter_of(s).is_some());
    if !unique(&ids, &voter_ids) {
        return None;
    }
    let mut edits: Vec<Edit> = Vec::new();
    let mut changes: Vec<String> = Vec::new();
    for (service, id) in &ids {
        let (Some(id), Some(old)) = (id, id_of(service)) else {
            return None;
        };
        if *id == old {
            continue;
        }
        let m = members.iter().find(|m| m.service == *service)?;
        for property in ["node.id", "broker.id"] {
            if let Some(setting) = m.property(property) {
                push_once(
                    &mut edits,
                    builders::replace_scalar(cx.project, setting.value, &id.to_string())?,
                );
            }
        }
        changes.push(format!("the node.id of `{service}` to {id}"));
    }
    if renumber_voters {
        let before = edits.len();
        for m in members
            .iter()
            .filter(|m| m.property("controller.quorum.voters").is_some())
        {
            let setting = m.property("controller.quorum.voters")?;
            for v in parse_voters(setting.text()?)? {
                let Addressee::Service(s) = cx.book.resolve(m.service, &v.host) else {
                    return None;
                };
                let id = id_of(s)?;
                if id != v.id {
                    let text = setting.text()?;
                    let at = v.entry.start + text.get(v.entry.clone())?.find('@')?;
                    let edit = builders::replace_part(
                        cx.project,
                        setting.value,
                        v.entry.start..at,
                        &id.to_string(),
                    )?;
                    push_once(&mut edits, edit);
                }
            }
        }
        if edits.len() > before {
            changes.push("the voter ids to the node ids of the nodes they name".to_string());
        }
    }
    if edits.is_empty() {
        return None;
    }
    Some((edits, format!("set {}", changes.join(", "))))
}

/// The voter ids of `named`.
fn voters_of(named: &[(&str, u32)]) -> Vec<u32> {
    named.iter().map(|(_, id)| *id).collect()
}

/// Whether every node has an id, no two nodes the same, and no two voters the same.
fn unique(ids: &[(&str, Option<u32>)], voter_ids: &[u32]) -> bool {
    let known: Vec<u32> = ids.iter().filter_map(|(_, id)| *id).collect();
    let mut sorted = known.clone();
    sorted.sort_unstable();
    sorted.dedup();
    let mut voters = voter_ids.to_vec();
    voters.sort_unstable();
    voters.dedup();
    known.len() == ids.len() && sorted.len() == known.len() && voters.len() == voter_ids.len()
}

/// `ids` with each node that no voter names (a broker-only node) moved to the smallest free id
/// when its id is a voter id or another node's.
fn free_brokers<'s>(
    mut ids: Vec<(&'s str, Option<u32>)>,
    voter_ids: &[u32],
    is_named: impl Fn(&str) -> bool,
) -> Vec<(&'s str, Option<u32>)> {
    for i in 0..ids.len() {
        let (service, id) = ids[i];
        if is_named(service) {
            continue;
        }
        let clash = |id: u32| {
            voter_ids.contains(&id)
                || ids
                    .iter()
                    .enumerate()
                    .any(|(j, (_, other))| j != i && *other == Some(id))
        };
        if id.is_some_and(clash) {
            ids[i].1 = (1..=u32::MAX).find(|c| !clash(*c));
        }
    }
    ids
}

/// Adds `edit` unless the same bytes are already edited (a value shared through an anchor).
fn push_once(edits: &mut Vec<Edit>, edit: Edit) {
    if !edits
        .iter()
        .any(|e| e.span == edit.span && e.file.path() == edit.file.path())
    {
        edits.push(edit);
    }
}

/// bitnami 4.1+ defaults `KAFKA_CFG_CONTROLLER_QUORUM_BOOTSTRAP_SERVERS=localhost:9093`.
fn bootstrap_default(service: &Service, b: &Broker) -> bool {
    if b.family != Family::Bitnami {
        return false;
    }
    match service.repository.map(|(_, t)| t) {
        Some(TagVersion::Known(major, minor)) => major > 4 || major == 4 && minor != Some(0),
        _ => true,
    }
}

/// Sub-case 5: the voter's host must reach the controller with that node id, on a port where
/// that controller has a controller listener.
fn voter_problem<'p>(
    cx: &Context<'_, 'p>,
    b: &Broker<'p>,
    value: &'p Value,
    list: &[Voter],
    voter: &Voter,
) -> Option<Problem<'p>> {
    let members = cluster_members(cx.book, cx.brokers, b);
    let controllers: Vec<&Broker> = members
        .iter()
        .copied()
        .filter(|m| m.is_controller())
        .collect();
    let owner = controllers
        .iter()
        .copied()
        .find(|m| m.node_id() == Some(voter.id))
        .or_else(|| unique_controller(cx.brokers, voter.id));
    let at = Some((value, voter.host_range.clone()));
    // A problem with the voter's host, with the host fix when one is known.
    let host_problem =
        |text: String| with_host_fix(cx, value, voter, owner, &controllers, text, at.clone());
    let shown = &voter.host;
    let reached = match cx.book.resolve(b.service, &voter.host) {
        Addressee::Loopback | Addressee::AnyAddress => {
            let alone = b.is_controller()
                && controllers.iter().all(|c| c.service == b.service)
                && b.node_id().is_none_or(|id| id == voter.id);
            if alone {
                return None;
            }
            let text = match owner {
                Some(o) => format!(
                    "voter `{}@{shown}:{}` points at this container itself, not at `{}` (node.id {})",
                    voter.id, voter.port, o.service, voter.id
                ),
                None => format!(
                    "voter `{}@{shown}:{}` points at this container itself, which is no controller with node.id {}",
                    voter.id, voter.port, voter.id
                ),
            };
            return Some(host_problem(text));
        }
        Addressee::Service(s) => s,
        Addressee::External
            if !voter.host.contains('.')
                && voter.host.parse::<std::net::IpAddr>().is_err()
                && !cx.book.on_external_network(b.service) =>
        {
            let text = format!(
                "voter `{}@{shown}:{}` names `{shown}`, which is no service of the project: \
                 the node cannot reach its controller",
                voter.id, voter.port
            );
            return Some(host_problem(text));
        }
        _ => return None,
    };
    match owner {
        Some(o) if o.service != reached => {
            let text = format!(
                "voter `{}@{shown}:{}` names `{reached}`, but node.id {} is `{}`",
                voter.id, voter.port, voter.id, o.service
            );
            // Both nodes are voters already: the ids are crossed, not the host.
            let crossed = list.iter().any(|v| {
                v.entry != voter.entry
                    && cx.book.resolve(b.service, &v.host) == Addressee::Service(o.service)
            }) && controllers.iter().any(|c| c.service == reached);
            if crossed {
                return Some(repaired(Problem::new(text, at), id_repair(cx, b)));
            }
            Some(host_problem(text))
        }
        Some(o) => port_problem(cx.project, o, value, voter),
        None => {
            let target = cx.brokers.iter().find(|x| x.service == reached);
            let why = match target {
                Some(t) if !t.is_controller() => "which is not a controller".to_string(),
                Some(t) => match t.node_id() {
                    Some(id) => {
                        // The right node, numbered differently: the ids must agree.
                        let text = format!(
                            "voter `{}@{shown}:{}` names `{reached}`, whose node.id is {id}",
                            voter.id, voter.port
                        );
                        return Some(repaired(Problem::new(text, at), id_repair(cx, b)));
                    }
                    None => return None,
                },
                None => "which is not a Kafka node".to_string(),
            };
            let text = format!(
                "voter `{}@{shown}:{}` names `{reached}`, {why}",
                voter.id, voter.port
            );
            Some(host_problem(text))
        }
    }
}

/// The only controller of the project with node id `id`.
fn unique_controller<'a, 'p>(brokers: &'a [Broker<'p>], id: u32) -> Option<&'a Broker<'p>> {
    let mut found = brokers
        .iter()
        .filter(|b| b.is_controller() && b.node_id() == Some(id));
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

/// The voter's port must be a controller listener of its node.
fn port_problem<'p>(
    project: &Project,
    owner: &Broker,
    value: &'p Value,
    voter: &Voter,
) -> Option<Problem<'p>> {
    let names = owner.controller_names();
    let listeners = owner.listeners()?;
    if names.is_empty() {
        return None;
    }
    let controller_ports: Vec<u16> = listeners
        .iter()
        .filter(|l| names.contains(&l.name))
        .filter_map(|l| l.port)
        .collect();
    if controller_ports.is_empty() || controller_ports.contains(&voter.port) {
        return None;
    }
    let ports: Vec<String> = controller_ports.iter().map(u16::to_string).collect();
    let mut problem = Problem::new(
        format!(
            "voter `{}@{}:{}` uses port {}, but `{}` listens for controllers on {}",
            voter.id,
            voter.host,
            voter.port,
            voter.port,
            owner.service,
            ports.join(", ")
        ),
        Some((value, voter.port_range.clone())),
    );
    // One controller port: the voter's port is that one.
    if let [port] = controller_ports.as_slice()
        && let Some(edit) =
            builders::replace_part(project, value, voter.port_range.clone(), &port.to_string())
    {
        problem.edits.push(edit);
        problem.title = Some(format!(
            "point voter `{}@{}:{}` at port {port}, `{}`'s controller listener",
            voter.id, voter.host, voter.port, owner.service
        ));
    }
    Some(problem)
}

/// A voter-host problem with its fix: the owner of the id, else the controller whose name is
/// nearest to the written host (a typo such as `kafka-0` for `kafka-combined`).
fn with_host_fix<'p>(
    cx: &Context<'_, 'p>,
    value: &'p Value,
    voter: &Voter,
    owner: Option<&Broker>,
    controllers: &[&Broker],
    text: String,
    at: Option<(&'p Value, Range<usize>)>,
) -> Problem<'p> {
    let mut problem = Problem::new(text, at);
    let nearest = || {
        controllers
            .iter()
            .map(|c| c.service)
            .min_by_key(|name| (distance(name, &voter.host), *name))
    };
    let Some(target) = owner.map(|o| o.service).or_else(nearest) else {
        return problem;
    };
    if target.eq_ignore_ascii_case(&voter.host) {
        return problem;
    }
    if let Some(edit) = builders::replace_part(cx.project, value, voter.host_range.clone(), target)
    {
        problem.edits.push(edit);
        problem.title = Some(format!(
            "point voter `{}@{}:{}` at `{target}`",
            voter.id, voter.host, voter.port
        ));
    }
    problem
}

/// Levenshtein distance, by characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// Sub-case 6: the cluster id must decode to 16 bytes, and be the same on every node.
fn cluster_id<'p>(cx: &Context<'_, 'p>, b: &Broker<'p>) -> Option<Problem<'p>> {
    let (key, value) = b.cluster_id_setting()?;
    let text = known_text(value)?;
    let at = Some((value, 0..text.len()));
    let problem = match decode_cluster_id(text) {
        Err(e) => {
            let why = match e {
                ClusterIdError::TooLong(n) => format!("{n} characters, more than 24"),
                ClusterIdError::NotBase64
                    if text
                        .bytes()
                        .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_') =>
                {
                    format!(
                        "{} characters: base64url cannot end in a lone character, and 16 bytes \
                         take 22",
                        text.len()
                    )
                }
                ClusterIdError::NotBase64 => "not base64url".to_string(),
                ClusterIdError::Bytes(n) => format!("it decodes to {n} bytes, not 16"),
            };
            Problem::new(
                format!(
                    "`{key}` = `{text}` is not a valid cluster id ({why}): formatting the storage \
                     fails, so the node never starts"
                ),
                at,
            )
        }
        Ok(id) if !cx.partial => {
            let first = cluster_members(cx.book, cx.brokers, b)
                .into_iter()
                .take_while(|m| m.service != b.service)
                .find_map(|m| Some((m.service, valid_id(m)?)))
                .filter(|(_, other)| *other != id)?;
            Problem::new(
                format!(
                    "`{key}` differs from the cluster id of `{}`: nodes formatted with different ids \
                     refuse each other",
                    first.0
                ),
                at,
            )
        }
        Ok(_) => return None,
    };
    Some(with_id_fix(cx, b, problem))
}

/// The decoded id of a node, when it has a valid known one.
fn valid_id(b: &Broker) -> Option<[u8; 16]> {
    let (_, value) = b.cluster_id_setting()?;
    decode_cluster_id(known_text(value)?).ok()
}

/// The text of a string value, when known.
fn known_text(value: &Value) -> Option<&str> {
    value
        .as_str()
        .filter(|s| s.is_known())
        .map(|s| s.text.as_str())
}

/// The cluster-id fix: one id for every node of the cluster that sets one — the only valid id
/// the cluster already uses, else one derived from the project and its node names.
fn with_id_fix<'p>(cx: &Context<'_, 'p>, b: &Broker<'p>, mut problem: Problem<'p>) -> Problem<'p> {
    let members = cluster_members(cx.book, cx.brokers, b);
    let mut valid: Vec<&str> = members
        .iter()
        .filter(|m| valid_id(m).is_some())
        .filter_map(|m| known_text(m.cluster_id_setting()?.1))
        .collect();
    valid.sort_unstable();
    valid.dedup_by(|a, b| decode_cluster_id(a).ok() == decode_cluster_id(b).ok());
    let id = match valid.as_slice() {
        [only] => only.to_string(),
        _ => {
            let mut names: Vec<&str> = members.iter().map(|m| m.service).collect();
            names.sort_unstable();
            derived_cluster_id(&format!("{} {}", cx.project.name, names.join(" ")))
        }
    };
    let mut edits = Vec::new();
    let mut changed = Vec::new();
    for m in &members {
        let Some((_, value)) = m.cluster_id_setting() else {
            continue;
        };
        let Some(text) = known_text(value) else {
            continue;
        };
        if text == id {
            continue;
        }
        let Some(edit) = builders::replace_scalar(cx.project, value, &id)
            .or_else(|| builders::replace_part(cx.project, value, 0..text.len(), &id))
        else {
            return problem;
        };
        // An anchor shared by several nodes is edited once.
        if !edits
            .iter()
            .any(|e: &Edit| e.span == edit.span && e.file.path() == edit.file.path())
        {
            edits.push(edit);
        }
        changed.push(format!("`{}`", m.service));
    }
    if !edits.is_empty() {
        problem.edits = edits;
        problem.title = Some(format!(
            "set the cluster id of {} to `{id}` (wipe their data volumes: the storage was formatted with the old id)",
            changed.join(", ")
        ));
    }
    problem
}

fn diagnose(project: &Project, b: &Broker, problems: Vec<Problem>) -> Option<Diagnostic> {
    let first = problems.first()?;
    let texts: Vec<&str> = problems.iter().map(|p| p.text.as_str()).collect();
    let message = format!(
        "KRaft node `{}` cannot start: {}",
        b.service,
        texts.join("; ")
    );
    let (file, span) = match &first.at {
        Some((value, range)) => (
            value.origin.file,
            value
                .as_str()
                .and_then(|s| s.literal_span(range.clone()))
                .unwrap_or(value.origin.span),
        ),
        None => {
            let roles = b.property("process.roles").map_or(b.spec, |s| s.value);
            (roles.origin.file, roles.origin.span)
        }
    };
    let mut d = Diagnostic::new(&INFO, message)
        .at(project.file(file), span)
        .service(b.service)
        .help(
            "every KRaft node needs `node.id`, `controller.listener.names` and the voters \
             `id@host:port` of the controllers (host = the controller's service name, port = its \
             controller listener); the cluster id is 22 base64url characters (16 bytes), the same \
             on every node",
        );
    // A fix is offered only when it settles every problem of the node.
    if problems.iter().any(|p| p.edits.is_empty()) {
        return Some(d);
    }
    let mut edits: Vec<Edit> = Vec::new();
    let mut titles: Vec<String> = Vec::new();
    for p in problems {
        let overlaps = p.edits.iter().any(|e| {
            edits.iter().any(|x| {
                x.file.path() == e.file.path()
                    && x.span.start < e.span.end
                    && e.span.start < x.span.end
            })
        });
        if overlaps {
            continue;
        }
        edits.extend(p.edits);
        titles.extend(p.title);
    }
    if !edits.is_empty() {
        let mut title = titles.join("; ");
        if let Some(c) = title.get_mut(..1) {
            c.make_ascii_uppercase();
        }
        d = d.with_fix(Some(Fix::new(title, Applicability::Review, edits)));
    }
    Some(d)
}
