//! The graph as a Mermaid `flowchart LR` (GitHub renders it in Markdown): a `subgraph` per
//! group, broken edges dotted and coloured by `linkStyle`.

use super::{EdgeKind, Graph, Node, NodeKind};
use std::fmt::Write;

/// The Mermaid text of `graph`.
pub(super) fn render(graph: &Graph) -> String {
    let mut out = String::from("flowchart LR\n");
    for (i, group) in graph.groups.iter().enumerate() {
        let _ = writeln!(out, "    subgraph g{i}[\"{}\"]", escape(&group.title));
        for &n in &group.nodes {
            let _ = writeln!(out, "        {}", node(&graph.nodes[n]));
        }
        out.push_str("    end\n");
    }
    for n in graph.nodes.iter().filter(|n| n.kind != NodeKind::Service) {
        let _ = writeln!(out, "    {}", node(n));
    }
    for edge in &graph.edges {
        let arrow = if edge.codes.is_empty() && edge.kind != EdgeKind::DependsOn {
            "-->"
        } else {
            "-.->"
        };
        let _ = writeln!(
            out,
            "    {} {arrow}|\"{}\"| {}",
            graph.nodes[edge.from].id,
            escape(&edge.text()),
            graph.nodes[edge.to].id
        );
    }
    // Links are numbered in the order they are written, from 0.
    let broken: Vec<String> = (graph.edges.iter().enumerate())
        .filter(|(_, e)| !e.codes.is_empty())
        .map(|(i, _)| i.to_string())
        .collect();
    if !broken.is_empty() {
        let _ = writeln!(out, "    linkStyle {} stroke:#d00", broken.join(","));
    }
    out
}

/// A node with its quoted label, lines joined by `<br>`; services are boxes, the host a
/// stadium, addresses outside the project hexagons.
fn node(node: &Node) -> String {
    let lines: Vec<String> = node.lines.iter().map(|l| escape(l)).collect();
    let text = lines.join("<br>");
    let (open, close) = match node.kind {
        NodeKind::Service => ("[", "]"),
        NodeKind::Host => ("([", "])"),
        NodeKind::External => ("{{", "}}"),
    };
    format!("{}{open}\"{text}\"{close}", node.id)
}

/// Text safe inside a quoted Mermaid label: quotes, `<>`, `|`, `&`, `` ` `` and `#` (which
/// starts an entity code) written as entity codes, control characters as spaces.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '|' => out.push_str("#124;"),
            '&' => out.push_str("#amp;"),
            '`' => out.push_str("#96;"),
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
    fn escapes_what_mermaid_reads() {
        assert_eq!(
            escape("a\"b|c<d>&#e`\n"),
            "a#quot;b#124;c#lt;d#gt;#amp;#35;e#96; "
        );
        assert_eq!(escape("KAFKA :9092 ✗ KAF001"), "KAFKA :9092 ✗ KAF001");
    }
}
