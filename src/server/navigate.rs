//! Hover and go-to-definition: what the node under the cursor is (a service name, a
//! `depends_on` entry, a host or port in a connection string, an `extends` or `include`
//! target), answered from the project's facts.

use crate::config::discover::Configs;
use crate::config::{ConfigChoice, Overrides, Settings};
use crate::diagnostic::Platform;
use crate::facts::address_book::Addressee;
use crate::facts::clients::{ClientTarget, client_targets};
use crate::facts::topology::Client;
use crate::project::Project;
use crate::project::value::Value;
use crate::rules::Context;
use crate::source::{Document, NodeId, NodeKind, SourceFile, Span};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One step from the root to a node: a mapping key or a sequence index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Step {
    /// The value (or key) of this mapping key.
    Key(String),
    /// This item of a sequence.
    Index(usize),
}

/// The scalar under the cursor: the route to it, its value and bytes, and whether it is a key.
#[derive(Debug)]
pub(super) struct Hit {
    /// From the root; for a key, the route ends with the key itself.
    pub(super) route: Vec<Step>,
    /// The scalar's value.
    pub(super) value: String,
    /// Its bytes.
    pub(super) span: Span,
    /// True for a mapping key.
    pub(super) is_key: bool,
}

fn contains(span: Span, offset: usize) -> bool {
    span.start <= offset && offset <= span.end
}

fn scalar(doc: &Document, id: NodeId) -> Option<&str> {
    match &doc.node(id).kind {
        NodeKind::Scalar { value, .. } => Some(value),
        _ => None,
    }
}

/// The scalar at `offset` of a parsed file, with its route (aliases are not followed).
pub(super) fn locate(doc: &Document, offset: usize) -> Option<Hit> {
    let mut route = Vec::new();
    let mut at = doc.root()?;
    loop {
        let node = doc.node(at);
        match &node.kind {
            NodeKind::Scalar { value, .. } => {
                return contains(node.span, offset).then(|| Hit {
                    route,
                    value: value.clone(),
                    span: node.span,
                    is_key: false,
                });
            }
            NodeKind::Mapping { entries, .. } => {
                let mut next = None;
                for (k, v) in entries {
                    let key = scalar(doc, *k).unwrap_or_default().to_string();
                    let key_span = doc.node(*k).span;
                    if contains(key_span, offset) {
                        route.push(Step::Key(key.clone()));
                        return Some(Hit {
                            route,
                            value: key,
                            span: key_span,
                            is_key: true,
                        });
                    }
                    if contains(doc.node(*v).span, offset) {
                        route.push(Step::Key(key));
                        next = Some(*v);
                        break;
                    }
                }
                at = next?;
            }
            NodeKind::Sequence { items, .. } => {
                let (i, item) = items
                    .iter()
                    .enumerate()
                    .find(|(_, item)| contains(doc.node(**item).span, offset))?;
                route.push(Step::Index(i));
                at = *item;
            }
            NodeKind::Alias { .. } => return None,
        }
    }
}

fn key(step: Option<&Step>) -> Option<&str> {
    match step {
        Some(Step::Key(k)) => Some(k),
        _ => None,
    }
}

/// Where the key of service `name` is written in the merged project.
pub(super) fn service_key(project: &Project, name: &str) -> Option<(Arc<SourceFile>, Span)> {
    let services = project.model.as_ref()?.get("services")?.as_map()?;
    let (origin, _) = services.entry(name)?;
    Some((Arc::clone(project.file(origin.file)), origin.span))
}

/// The service a route names (a `depends_on` or `links` entry, an `extends` service).
fn named_service(hit: &Hit) -> Option<String> {
    let r = &hit.route;
    if key(r.first()) != Some("services") || r.len() < 3 {
        return None;
    }
    match (key(r.get(2)), r.get(3), hit.is_key) {
        (Some("depends_on"), Some(Step::Index(_)), false) if r.len() == 4 => {
            Some(hit.value.clone())
        }
        (Some("depends_on"), Some(Step::Key(_)), true) if r.len() == 4 => Some(hit.value.clone()),
        (Some("links"), Some(Step::Index(_)), false) if r.len() == 4 => {
            Some(hit.value.split(':').next().unwrap_or_default().to_string())
        }
        _ => None,
    }
}

/// A place to jump to: a file and bytes in it (empty at 0 for "the file").
pub(super) type Target = (PathBuf, Option<(Arc<SourceFile>, Span)>);

/// Where the thing under the cursor is defined.
pub(super) fn definition(
    project: &Project,
    file: &SourceFile,
    doc: &Document,
    parse: &dyn Fn(&SourceFile) -> Option<Arc<Document>>,
    offset: usize,
) -> Option<Target> {
    if let Some((_, service)) = connection_at(project, file.path(), offset) {
        let (key_file, span) = service_key(project, service)?;
        return Some((key_file.path().to_path_buf(), Some((key_file, span))));
    }
    let hit = locate(doc, offset)?;
    let dir = file.path().parent().unwrap_or(Path::new(""));
    if let Some(name) = named_service(&hit) {
        let (key_file, span) = service_key(project, &name)?;
        return Some((key_file.path().to_path_buf(), Some((key_file, span))));
    }
    let r = &hit.route;
    let is = |i: usize, k: &str| key(r.get(i)) == Some(k);
    if is(0, "services") && is(2, "extends") && !hit.is_key {
        // `extends: svc`, or `extends: {service: svc, file: other.yaml}`.
        let (service, other) = match r.get(3) {
            None => (Some(hit.value.clone()), None),
            Some(Step::Key(k)) if k == "service" => {
                (Some(hit.value.clone()), sibling(doc, r, "file"))
            }
            Some(Step::Key(k)) if k == "file" => (None, Some(hit.value.clone())),
            _ => return None,
        };
        let target = other.map_or_else(|| file.path().to_path_buf(), |f| dir.join(f));
        let Some(service) = service else {
            return Some((target, None));
        };
        let target_file = project.files.iter().find(|f| f.path() == target)?;
        let target_doc = parse(target_file)?;
        let span = service_key_in(&target_doc, &service)?;
        return Some((target, Some((Arc::clone(target_file), span))));
    }
    if is(0, "include") && !hit.is_key {
        let names_path = match (r.get(1), r.get(2), r.get(3)) {
            (Some(Step::Index(_)), None, None) => true,
            (Some(Step::Index(_)), Some(Step::Key(k)), _) => k == "path",
            _ => false,
        };
        return names_path.then(|| (dir.join(&hit.value), None));
    }
    None
}

/// The scalar value of key `name` in the mapping that holds the end of `route`.
fn sibling(doc: &Document, route: &[Step], name: &str) -> Option<String> {
    let mut at = doc.root()?;
    for step in &route[..route.len() - 1] {
        at = child(doc, at, step)?;
    }
    let NodeKind::Mapping { entries, .. } = &doc.node(at).kind else {
        return None;
    };
    let (_, v) = entries
        .iter()
        .find(|(k, _)| scalar(doc, *k) == Some(name))?;
    scalar(doc, *v).map(str::to_string)
}

fn child(doc: &Document, at: NodeId, step: &Step) -> Option<NodeId> {
    match (&doc.node(at).kind, step) {
        (NodeKind::Mapping { entries, .. }, Step::Key(name)) => entries
            .iter()
            .find(|(k, _)| scalar(doc, *k) == Some(name.as_str()))
            .map(|(_, v)| *v),
        (NodeKind::Sequence { items, .. }, Step::Index(i)) => items.get(*i).copied(),
        _ => None,
    }
}

/// The bytes of the key of service `name` in a parsed file.
fn service_key_in(doc: &Document, name: &str) -> Option<Span> {
    let services = child(doc, doc.root()?, &Step::Key("services".into()))?;
    let NodeKind::Mapping { entries, .. } = &doc.node(services).kind else {
        return None;
    };
    let (k, _) = entries
        .iter()
        .find(|(k, _)| scalar(doc, *k) == Some(name))?;
    Some(doc.node(*k).span)
}

/// The client address written at `offset` of `path` (its host or port), with the service
/// that connects and the service the host names, if any.
fn connection_at<'p>(
    project: &'p Project,
    path: &Path,
    offset: usize,
) -> Option<(ClientTarget<'p>, &'p str)> {
    let (target, _) = client_at(project, path, offset)?;
    let ctx = Context::new(project);
    let consumer = target.1;
    match ctx.book().resolve(consumer, &target.0.host()) {
        Addressee::Service(s) => {
            let s = project.services().map(|(n, _)| n).find(|n| *n == s)?;
            Some((target.0, s))
        }
        _ => None,
    }
}

/// The client target whose entry (`host:port`) is written at `offset` of `path`, with the
/// service it belongs to and the entry's bytes.
fn client_at<'p>(
    project: &'p Project,
    path: &Path,
    offset: usize,
) -> Option<((ClientTarget<'p>, &'p str), Span)> {
    for (name, service) in project.services() {
        for t in client_targets(service) {
            if project.file(t.value.origin.file).path() != path {
                continue;
            }
            let entry = t
                .value_range(t.target.range.clone())
                .and_then(|r| t.value.as_str()?.literal_span(r));
            if let Some(span) = entry.filter(|s| contains(*s, offset)) {
                return Some(((t, name), span));
            }
        }
    }
    None
}

/// The hover text (Markdown) of the thing at `offset`.
pub(super) fn hover(
    project: &Project,
    file: &SourceFile,
    doc: Option<&Document>,
    offset: usize,
) -> Option<(String, Span)> {
    if let Some(((target, consumer), span)) = client_at(project, file.path(), offset) {
        return Some((connection_text(project, &target, consumer), span));
    }
    let hit = locate(doc?, offset)?;
    let r = &hit.route;
    let service = if r.len() == 2 && key(r.first()) == Some("services") && hit.is_key {
        Some(hit.value.clone())
    } else {
        named_service(&hit)
    }?;
    let ctx = Context::new(project);
    project
        .services()
        .any(|(n, _)| n == service)
        .then(|| (service_text(&ctx, &service), hit.span))
}

/// The platforms a project is checked for, as its configuration says.
fn targets(project: &Project) -> Vec<Platform> {
    let dir = if project.dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        project.dir.as_path()
    };
    let config = Configs::new(ConfigChoice::Discover)
        .for_dir(dir)
        .ok()
        .flatten();
    Settings::new(config, &Overrides::default())
        .map(|s| s.targets)
        .unwrap_or_else(|_| Platform::ALL.to_vec())
}

fn ports_text(ports: &std::ops::RangeInclusive<u16>) -> String {
    if ports.start() == ports.end() {
        ports.start().to_string()
    } else {
        format!("{}-{}", ports.start(), ports.end())
    }
}

/// What a service is: image, listening ports, published ports, Kafka listeners.
fn service_text(ctx: &Context, name: &str) -> String {
    let topology = ctx.topology();
    let mut out = format!("**service `{name}`**");
    let image = ctx
        .project
        .services()
        .find(|(n, _)| *n == name)
        .and_then(|(_, s)| s.get("image"))
        .and_then(Value::scalar_text);
    if let Some(image) = image {
        out.push_str(&format!(" (image `{image}`)"));
    }
    out.push_str("\n\n");
    if let Some(listens) = topology.listens(name) {
        let ports: Vec<String> = listens.known().map(|(p, _)| format!("`{p}`")).collect();
        if !ports.is_empty() {
            out.push_str(&format!("- listens on {}\n", ports.join(", ")));
        }
    }
    for p in topology.published(name) {
        let ip = p
            .host_ip
            .as_deref()
            .map_or(String::new(), |ip| format!("{ip}:"));
        out.push_str(&format!(
            "- publishes host port `{ip}{}` → container port `{}`/{}\n",
            ports_text(&p.host_ports),
            ports_text(&p.target_ports),
            p.protocol
        ));
    }
    if let Some(broker) = ctx.broker(name) {
        for l in broker.effective_listeners().0 {
            let port = l.port.map_or(String::new(), |p| p.to_string());
            out.push_str(&format!(
                "- Kafka listener `{}` on `{}:{port}`\n",
                l.name, l.host
            ));
        }
        for l in broker.effective_advertised() {
            let port = l.port.map_or(String::new(), |p| p.to_string());
            out.push_str(&format!(
                "- advertises `{}` as `{}:{port}`\n",
                l.name, l.host
            ));
        }
    }
    out
}

/// What a connection string's address resolves to, and whether it connects on each target
/// platform.
fn connection_text(project: &Project, target: &ClientTarget, consumer: &str) -> String {
    let ctx = Context::new(project);
    let host = target.host();
    let port = target.port;
    let address = port.map_or(host.clone(), |p| format!("{host}:{p}"));
    let mut out = format!("**`{address}`** from `{consumer}` ({})\n\n", target.place);
    let resolved = ctx.book().resolve(consumer, &host);
    let what = match resolved {
        Addressee::Loopback | Addressee::AnyAddress => {
            format!("the container of `{consumer}` itself (loopback)")
        }
        Addressee::HostGateway => "the host machine (host gateway)".to_string(),
        Addressee::DesktopLegacy => "the host machine (a legacy Docker Desktop name)".to_string(),
        Addressee::Service(s) => format!("service `{s}`"),
        Addressee::ExtraHost => format!("an `extra_hosts` entry of `{consumer}`"),
        Addressee::ContainerIp => "a container IP that belongs to no service".to_string(),
        Addressee::External => "a host outside the project".to_string(),
    };
    out.push_str(&format!("resolves to {what}\n"));
    if let Addressee::Service(s) = resolved {
        let topology = ctx.topology();
        if let (Some(p), Some(listens)) = (port, topology.listens(s)) {
            let says = if listens.contains(p) {
                "listens"
            } else {
                "is not known to listen"
            };
            out.push_str(&format!("- `{s}` {says} on port `{p}`\n"));
        }
        for published in topology.published(s) {
            if port.is_some_and(|p| published.target_ports.contains(&p)) {
                out.push_str(&format!(
                    "- published on host port `{}`\n",
                    ports_text(&published.host_ports)
                ));
            }
        }
        if let (Some(broker), Some(p)) = (ctx.broker(s), port) {
            for l in broker
                .effective_listeners()
                .0
                .iter()
                .filter(|l| l.port == Some(p))
            {
                out.push_str(&format!("- Kafka listener `{}`", l.name));
                let advertised = broker.effective_advertised();
                if let Some(a) = advertised.iter().find(|a| a.name == l.name) {
                    let ap = a.port.map_or(String::new(), |p| p.to_string());
                    out.push_str(&format!(", which advertises `{}:{ap}`", a.host));
                }
                out.push('\n');
            }
        }
    }
    out.push('\n');
    for platform in targets(project) {
        let verdict = match ctx
            .topology()
            .reach(platform, Client::Service(consumer), &host, port)
        {
            Ok(()) => "connects".to_string(),
            Err(why) => format!("does not connect: {}", why.reason()),
        };
        out.push_str(&format!("- {}: {verdict}\n", platform.as_str()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_route_to_a_key_and_a_value() {
        let text = "services:\n  app:\n    depends_on: [db]\n  db:\n    image: postgres\n";
        let doc = crate::source::parse(text, &Default::default()).unwrap();
        let hit = locate(&doc, text.find("[db]").unwrap() + 1).unwrap();
        assert_eq!(
            hit.route,
            [
                Step::Key("services".into()),
                Step::Key("app".into()),
                Step::Key("depends_on".into()),
                Step::Index(0)
            ]
        );
        assert_eq!((hit.value.as_str(), hit.is_key), ("db", false));
        assert_eq!(named_service(&hit).as_deref(), Some("db"));
        let hit = locate(&doc, text.find("db:").unwrap()).unwrap();
        assert!(hit.is_key);
        assert_eq!(hit.route.len(), 2);
        assert_eq!(
            service_key_in(&doc, "db"),
            Some(Span::new(
                text.find("db:").unwrap(),
                text.find("db:").unwrap() + 2
            ))
        );
    }
}
