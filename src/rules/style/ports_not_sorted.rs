//! HYG013 ports-not-sorted.

use super::{Owner, Sorting, get, scalar, services, setting, trees};
use crate::diagnostic::{Activation, Diagnostic, FixAvailability, Platform, RuleInfo, Severity};
use crate::facts::ports::sort_port;
use crate::project::value::{FileId, Value};
use crate::rules::{Context, Rule};
use crate::source::{Document, NodeId, NodeKind, Span};
use std::collections::HashMap;
use std::collections::HashSet;

rule_info!(
    PortsNotSorted,
    INFO,
    "HYG013",
    "ports-not-sorted",
    Severity::Info,
    &Platform::ALL,
    FixAvailability::Safe,
    Activation::OptIn
);

/// How a finding names a `ports` entry: a short-syntax entry as written, a long-syntax one by
/// its `published` (else `target`) port.
fn label(doc: &Document, item: NodeId) -> String {
    if let Some(text) = scalar(doc, item) {
        return text.to_string();
    }
    ["published", "target"]
        .iter()
        .find_map(|k| Some(format!("{k}: {}", scalar(doc, get(doc, item, k)?)?)))
        .unwrap_or_else(|| "the long-syntax entry".into())
}

impl Rule for PortsNotSorted {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_project(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        // The interpolated entry written at each place: ports are compared after
        // interpolation, and a written entry that no service uses has no known port.
        let mut written: HashMap<(FileId, Span), &Value> = HashMap::new();
        for (_, service) in cx.project.services() {
            for item in service.get("ports").and_then(Value::as_seq).unwrap_or(&[]) {
                written.insert((item.origin.file, item.origin.span), item);
            }
        }
        for (id, file, doc) in trees(cx.project) {
            let mut seen = HashSet::new();
            for (service, _, spec) in services(doc) {
                let Some(ports) = setting(doc, spec, "ports", &mut seen) else {
                    continue;
                };
                let NodeKind::Sequence { items, .. } = &doc.node(ports).kind else {
                    continue;
                };
                let keys: Vec<Option<u16>> = items
                    .iter()
                    .map(|&i| {
                        written
                            .get(&(id, doc.node(i).span))
                            .and_then(|v| sort_port(v))
                    })
                    .collect();
                let sorting = Sorting {
                    rule: &INFO,
                    file,
                    doc,
                    collection: ports,
                    at: items.clone(),
                    service: Owner::One(service),
                    title: format!("Sort the ports of `{service}`"),
                    help: "list `ports` by host port (the container port when none is published)"
                        .into(),
                };
                sorting.report(
                    &keys,
                    |i, j| {
                        format!(
                            "port `{}` of service `{service}` is out of order: it belongs before `{}`",
                            label(doc, items[i]),
                            label(doc, items[j])
                        )
                    },
                    out,
                );
            }
        }
    }
}
