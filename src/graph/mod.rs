//! `composefix graph`: one project as a diagram. Services are grouped by network, the host
//! publishes their ports, and edges say who connects to whom; an edge whose value a finding
//! points inside is drawn broken, with the finding's code. The model is built from the facts
//! (`edges`) and the findings of a check, never from the text; `mermaid` and `dot` render it.

mod dot;
mod edges;
mod mermaid;

use crate::diagnostic::Diagnostic;
use crate::facts::service::{NetworkMode, Service, services};
use crate::project::Project;
use crate::project::value::Origin;
use crate::source::Span;
use edges::End;
use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// The text format of a diagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A Mermaid `flowchart` (GitHub renders it in Markdown).
    Mermaid,
    /// A Graphviz `digraph`.
    Dot,
}

/// The diagram of `project` in `format`; `findings` (a check of the same project) mark the
/// edges they point inside as broken.
pub fn render(project: &Project, findings: &[Diagnostic], format: Format) -> String {
    let graph = Graph::new(project, findings);
    match format {
        Format::Mermaid => mermaid::render(&graph),
        Format::Dot => dot::render(&graph),
    }
}

/// What a node stands for (the renderers give each its own shape).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum NodeKind {
    Service,
    /// The developer's machine.
    Host,
    /// An address outside the project.
    External,
}

/// A box of the diagram.
#[derive(Debug)]
struct Node {
    /// Unique, and an identifier in both formats: ASCII letters, digits and `_`.
    id: String,
    /// The label's lines, plain text: the renderers escape them.
    lines: Vec<String>,
    kind: NodeKind,
}

/// A network (or a `network_mode`) and the services drawn inside it.
#[derive(Debug)]
struct Group {
    title: String,
    /// Indexes into `Graph::nodes`.
    nodes: Vec<usize>,
}

/// Why an edge is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum EdgeKind {
    /// The host forwards a published port to the service.
    Publishes,
    /// The service connects to an address.
    Connects,
    /// `depends_on`.
    DependsOn,
}

/// An arrow between two nodes.
#[derive(Debug)]
struct Edge {
    /// Indexes into `Graph::nodes`.
    from: usize,
    to: usize,
    label: String,
    kind: EdgeKind,
    /// The codes of the findings inside the edge's value, sorted: empty when it works.
    codes: Vec<&'static str>,
}

impl Edge {
    /// The label as drawn: with `✗ CODE, CODE` when the edge is broken.
    fn text(&self) -> String {
        if self.codes.is_empty() {
            self.label.clone()
        } else {
            format!("{} ✗ {}", self.label, self.codes.join(", "))
        }
    }
}

/// A project as nodes, groups and edges, in a deterministic order: services and groups in file
/// order, then the host, then external addresses sorted; edges by kind, then file order.
#[derive(Debug)]
struct Graph {
    nodes: Vec<Node>,
    groups: Vec<Group>,
    edges: Vec<Edge>,
}

impl Graph {
    fn new(project: &Project, findings: &[Diagnostic]) -> Graph {
        let services = services(project);
        let mut ids = Ids::default();
        let mut nodes = Vec::new();
        let mut groups: Vec<Group> = Vec::new();
        let mut index: HashMap<&str, usize> = HashMap::new();
        for service in &services {
            let (networks, mut lines) = placement(service);
            lines.insert(0, service.name.to_string());
            if let Some(image) = service.image {
                lines.insert(1, image.to_string());
            }
            index.insert(service.name, nodes.len());
            let first = networks.into_iter().next().unwrap_or_default();
            match groups.iter_mut().find(|g| g.title == first) {
                Some(g) => g.nodes.push(nodes.len()),
                None => groups.push(Group {
                    title: first,
                    nodes: vec![nodes.len()],
                }),
            }
            nodes.push(Node {
                id: ids.make("s", service.name),
                lines,
                kind: NodeKind::Service,
            });
        }
        let raw = edges::edges(project, &services);
        let mut extra: HashMap<(NodeKind, String), usize> = HashMap::new();
        let mut end = |end: &End| -> usize {
            let (kind, name) = match end {
                End::Service(name) => match index.get(name) {
                    Some(&i) => return i,
                    None => (NodeKind::External, name.to_string()),
                },
                End::Host => (NodeKind::Host, "host".to_string()),
                End::External(host) => (NodeKind::External, host.clone()),
            };
            *extra.entry((kind, name.clone())).or_insert_with(|| {
                let id = match kind {
                    NodeKind::Host => "host".to_string(),
                    _ => ids.make("e", &name),
                };
                nodes.push(Node {
                    id,
                    lines: vec![name],
                    kind,
                });
                nodes.len() - 1
            })
        };
        let findings = Findings::new(findings);
        let mut edges: Vec<Edge> = Vec::new();
        let mut seen: HashMap<(usize, usize, &str, EdgeKind), usize> = HashMap::new();
        for raw in &raw {
            let (from, to) = (end(&raw.from), end(&raw.to));
            let codes = findings.inside(project, &raw.origin);
            match seen.entry((from, to, &raw.label, raw.kind)) {
                Entry::Occupied(same) => {
                    let same = &mut edges[*same.get()];
                    same.codes.extend(codes);
                    same.codes.sort_unstable();
                    same.codes.dedup();
                }
                Entry::Vacant(new) => {
                    new.insert(edges.len());
                    edges.push(Edge {
                        from,
                        to,
                        label: raw.label.clone(),
                        kind: raw.kind,
                        codes,
                    });
                }
            }
        }
        let mut graph = Graph {
            nodes,
            groups,
            edges,
        };
        graph.order_extra_nodes(services.len());
        graph
    }

    /// Sorts the nodes after the services (host first, then external addresses by name) and
    /// renumbers the edges' ends.
    fn order_extra_nodes(&mut self, services: usize) {
        let mut extra: Vec<(usize, Node)> = self.nodes.drain(services..).enumerate().collect();
        extra.sort_by(|(_, a), (_, b)| {
            (a.kind != NodeKind::Host, &a.lines).cmp(&(b.kind != NodeKind::Host, &b.lines))
        });
        let mut renumber = vec![0; extra.len()];
        for (new, (old, node)) in extra.into_iter().enumerate() {
            renumber[old] = services + new;
            self.nodes.push(node);
        }
        for edge in &mut self.edges {
            for end in [&mut edge.from, &mut edge.to] {
                if *end >= services {
                    *end = renumber[*end - services];
                }
            }
        }
    }
}

/// The groups a service is drawn in, first the one it is drawn in, and the notes its label
/// gets: the other networks it is on.
fn placement(service: &Service) -> (Vec<String>, Vec<String>) {
    let mode = match service.network_mode {
        NetworkMode::Unset => None,
        NetworkMode::Network(name) => return (vec![name.to_string()], Vec::new()),
        NetworkMode::Bridge => Some("bridge".to_string()),
        NetworkMode::Host => Some("host".to_string()),
        NetworkMode::None => Some("none".to_string()),
        NetworkMode::Service(owner) => Some(format!("service:{owner}")),
        NetworkMode::Container(owner) => Some(format!("container:{owner}")),
        NetworkMode::Unknown => Some("unknown".to_string()),
    };
    if let Some(mode) = mode {
        return (vec![format!("network_mode: {mode}")], Vec::new());
    }
    let networks: Vec<String> = service
        .networks()
        .map(|m| m.iter().map(|(name, _, _)| name.to_string()).collect())
        .unwrap_or_default();
    match networks.as_slice() {
        [] => (vec!["default".to_string()], Vec::new()),
        [_] => (networks, Vec::new()),
        [_, others @ ..] => {
            let note = format!("also on: {}", others.join(", "));
            (networks, vec![note])
        }
    }
}

/// The unsuppressed findings by file, sorted by where they start: each edge looks up the
/// findings inside its value without a scan of them all.
struct Findings<'d>(HashMap<&'d Path, Vec<(Span, &'static str)>>);

impl<'d> Findings<'d> {
    fn new(findings: &'d [Diagnostic]) -> Self {
        let mut by_file: HashMap<&Path, Vec<(Span, &'static str)>> = HashMap::new();
        for d in findings.iter().filter(|d| d.suppression.is_none()) {
            if let Some(l) = &d.location {
                by_file
                    .entry(l.file.path())
                    .or_default()
                    .push((l.span, d.rule.code));
            }
        }
        for list in by_file.values_mut() {
            list.sort_by_key(|(span, _)| span.start);
        }
        Findings(by_file)
    }

    /// The codes of the findings located inside `origin`'s bytes, sorted, each once.
    fn inside(&self, project: &Project, origin: &Origin) -> Vec<&'static str> {
        let Some(list) = self.0.get(project.file(origin.file).path()) else {
            return Vec::new();
        };
        let first = list.partition_point(|(span, _)| span.start < origin.span.start);
        let codes: BTreeSet<&'static str> = list[first..]
            .iter()
            .take_while(|(span, _)| span.start < origin.span.end)
            .filter(|(span, _)| span.end <= origin.span.end)
            .map(|(_, code)| *code)
            .collect();
        codes.into_iter().collect()
    }
}

/// Node identifiers: a prefix and the name's letters and digits (others become `_`), with a
/// number when two names give the same identifier.
#[derive(Default)]
struct Ids(BTreeSet<String>);

impl Ids {
    fn make(&mut self, prefix: &str, name: &str) -> String {
        let clean: String = name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let base = format!("{prefix}_{clean}");
        let mut id = base.clone();
        let mut n = 2;
        while !self.0.insert(id.clone()) {
            id = format!("{base}_{n}");
            n += 1;
        }
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_after_the_services_are_sorted_and_edges_follow_them() {
        let yaml = "services:
  a-b:
    image: app
    environment:
      Z_URL: http://zed.example:1
      A_URL: http://alpha.example:2
      GW_HOST: host.docker.internal
    depends_on: [ghost, a_b]
  a_b:
    image: app
    ports: ['127.0.0.1:80:8080']
";
        let project = crate::project::from_yaml(yaml);
        let graph = Graph::new(&project, &[]);
        let ids: Vec<&str> = graph.nodes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "s_a_b",
                "s_a_b_2",
                "host",
                "e_alpha_example",
                "e_ghost",
                "e_zed_example"
            ]
        );
        let edges: Vec<String> = graph
            .edges
            .iter()
            .map(|e| {
                let (from, to) = (&graph.nodes[e.from].id, &graph.nodes[e.to].id);
                format!("{from} {to} {}", e.text())
            })
            .collect();
        assert_eq!(
            edges,
            [
                "host s_a_b_2 127.0.0.1:80→8080/tcp",
                "s_a_b e_zed_example Z_URL :1",
                "s_a_b e_alpha_example A_URL :2",
                "s_a_b host GW_HOST",
                "s_a_b e_ghost depends_on",
                "s_a_b s_a_b_2 depends_on",
            ]
        );
        assert_eq!(graph.groups.len(), 1);
        assert_eq!(graph.groups[0].nodes, [0, 1]);
    }
}
