//! HYG017 depends-on-cycle.

use crate::diagnostic::{Diagnostic, FixAvailability, Platform, RuleInfo, Severity};
use crate::facts::resources::dependencies;
use crate::project::value::Origin;
use crate::rules::{Context, Rule};
use std::collections::{HashMap, HashSet};

rule_info!(
    DependsOnCycle,
    INFO,
    "HYG017",
    "depends-on-cycle",
    Severity::Error,
    &Platform::ALL,
    FixAvailability::None
);

/// The dependency graph: for each service (by index, in file order) the services it starts
/// after, with where each is named.
type Graph<'p> = Vec<Vec<(usize, Origin)>>;

impl Rule for DependsOnCycle {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_project(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let project = cx.project;
        if cx.is_fragment() {
            return;
        }
        let names: Vec<&str> = project.services().map(|(n, _)| n).collect();
        let index: HashMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
        let graph: Graph = project
            .services()
            .map(|(_, service)| {
                dependencies(service)
                    .into_iter()
                    .filter_map(|(name, origin)| Some((*index.get(name)?, origin)))
                    .collect()
            })
            .collect();
        let mut reported: HashSet<Vec<usize>> = HashSet::new();
        for cycle in cycles(&graph) {
            let mut members = cycle.clone();
            members.sort_unstable();
            if !reported.insert(members) {
                continue;
            }
            // Shown from the service written first, at its dependency on the next one.
            let first = (0..cycle.len()).min_by_key(|&i| cycle[i]).unwrap_or(0);
            let ring: Vec<usize> = cycle[first..]
                .iter()
                .chain(&cycle[..first])
                .copied()
                .collect();
            let next = ring.get(1).copied().unwrap_or(ring[0]);
            let Some((_, origin)) = graph[ring[0]].iter().find(|(t, _)| *t == next) else {
                continue;
            };
            let path = ring
                .iter()
                .chain(std::iter::once(&ring[0]))
                .map(|&i| format!("`{}`", names[i]))
                .collect::<Vec<_>>()
                .join(" → ");
            out.push(
                Diagnostic::new(
                    &INFO,
                    format!("dependency cycle {path}: Compose refuses the project"),
                )
                .at(project.file(origin.file), origin.span)
                .service(names[ring[0]])
                .help("remove one of these dependencies"),
            );
        }
    }
}

/// The cycles a depth-first walk meets, each as the services on it in walk order (a service
/// that depends on itself is a cycle of one).
fn cycles(graph: &Graph) -> Vec<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnPath,
        Done,
    }
    fn walk(
        at: usize,
        graph: &Graph,
        marks: &mut [Mark],
        path: &mut Vec<usize>,
        out: &mut Vec<Vec<usize>>,
    ) {
        marks[at] = Mark::OnPath;
        path.push(at);
        for &(next, _) in &graph[at] {
            match marks[next] {
                Mark::New => walk(next, graph, marks, path, out),
                Mark::OnPath => {
                    let start = path.iter().position(|&p| p == next).unwrap_or(0);
                    out.push(path[start..].to_vec());
                }
                Mark::Done => {}
            }
        }
        path.pop();
        marks[at] = Mark::Done;
    }
    let mut marks = vec![Mark::New; graph.len()];
    let mut out = Vec::new();
    for start in 0..graph.len() {
        if marks[start] == Mark::New {
            walk(start, graph, &mut marks, &mut Vec::new(), &mut out);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::findings_of;

    #[test]
    fn reports_each_cycle_once_from_its_first_service() {
        let yaml = "services:\n  a:\n    image: x:1\n    depends_on: [b]\n  b:\n    image: x:1\n    \
                    links: [c]\n  c:\n    image: x:1\n    depends_on: [a]\n  d:\n    image: x:1\n    \
                    depends_on: [d, a]\n";
        let found = findings_of(&DependsOnCycle, yaml);
        let messages: Vec<&str> = found.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "dependency cycle `a` → `b` → `c` → `a`: Compose refuses the project",
                "dependency cycle `d` → `d`: Compose refuses the project",
            ]
        );
    }

    #[test]
    fn a_chain_is_no_cycle() {
        let yaml = "services:\n  a:\n    image: x:1\n    depends_on: [b, c]\n  b:\n    image: x:1\n    \
                    depends_on: [c]\n  c:\n    image: x:1\n    depends_on: [missing]\n";
        assert!(findings_of(&DependsOnCycle, yaml).is_empty());
    }
}
