//! The graph as a Graphviz `digraph`: a `cluster` subgraph per group, broken edges red and
//! dashed.

use super::{EdgeKind, Graph, Node, NodeKind};
use std::fmt::Write;

/// The DOT text of `graph`.
pub(super) fn render(graph: &Graph) -> String {
    let mut out = String::from("digraph composefix {\n    rankdir=LR;\n    node [shape=box];\n");
    for (i, group) in graph.groups.iter().enumerate() {
        let _ = writeln!(out, "    subgraph cluster_{i} {{");
        let _ = writeln!(out, "        label=\"{}\";", escape(&group.title));
        for &n in &group.nodes {
            let _ = writeln!(out, "        {}", node(&graph.nodes[n]));
        }
        out.push_str("    }\n");
    }
    for n in graph.nodes.iter().filter(|n| n.kind != NodeKind::Service) {
        let _ = writeln!(out, "    {}", node(n));
    }
    for edge in &graph.edges {
        let style = if !edge.codes.is_empty() {
            " color=red style=dashed"
        } else if edge.kind == EdgeKind::DependsOn {
            " style=dashed"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "    \"{}\" -> \"{}\" [label=\"{}\"{style}];",
            graph.nodes[edge.from].id,
            graph.nodes[edge.to].id,
            escape(&edge.text())
        );
    }
    out.push_str("}\n");
    out
}

/// A node statement: services are boxes (the default), the host an ellipse, addresses
/// outside the project hexagons.
fn node(node: &Node) -> String {
    let lines: Vec<String> = node.lines.iter().map(|l| escape(l)).collect();
    let shape = match node.kind {
        NodeKind::Service => "",
        NodeKind::Host => " shape=ellipse",
        NodeKind::External => " shape=hexagon",
    };
    format!("\"{}\" [label=\"{}\"{shape}];", node.id, lines.join("\\n"))
}

/// Text safe inside a quoted DOT string: `\` and `"` escaped, control characters as spaces.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_quotes_and_backslashes() {
        assert_eq!(escape("a\"b\\n|<c>\t"), "a\\\"b\\\\n|<c> ");
    }
}
