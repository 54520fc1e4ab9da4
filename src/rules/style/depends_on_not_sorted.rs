//! HYG014 depends-on-not-sorted.

use super::{Name, Owner, Sorting, entries, scalar, services, setting, trees};
use crate::diagnostic::{Activation, Diagnostic, FixAvailability, Platform, RuleInfo, Severity};
use crate::rules::{Context, Rule};
use crate::source::NodeKind;
use std::collections::HashSet;

rule_info!(
    DependsOnNotSorted,
    INFO,
    "HYG014",
    "depends-on-not-sorted",
    Severity::Info,
    &Platform::ALL,
    FixAvailability::Safe,
    Activation::OptIn
);

impl Rule for DependsOnNotSorted {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_project(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (_, file, doc) in trees(cx.project) {
            let mut seen = HashSet::new();
            for (service, _, spec) in services(doc) {
                let Some(deps) = setting(doc, spec, "depends_on", &mut seen) else {
                    continue;
                };
                // Short syntax names items, long syntax keys.
                let at: Vec<_> = match &doc.node(deps).kind {
                    NodeKind::Sequence { items, .. } => items.clone(),
                    NodeKind::Mapping { .. } => {
                        entries(doc, deps).iter().map(|(k, _)| *k).collect()
                    }
                    _ => continue,
                };
                let names: Vec<Option<&str>> = at.iter().map(|n| scalar(doc, *n)).collect();
                let keys: Vec<Option<Name>> = names.iter().map(|n| n.map(Name)).collect();
                let sorting = Sorting {
                    rule: &INFO,
                    file,
                    doc,
                    collection: deps,
                    at,
                    service: Owner::One(service),
                    title: format!("Sort the dependencies of `{service}`"),
                    help: "list `depends_on` entries alphabetically".into(),
                };
                let name = |i: usize| names[i].unwrap_or_default();
                sorting.report(
                    &keys,
                    |i, j| {
                        format!(
                            "dependency `{}` of service `{service}` is out of alphabetical order: \
                             it belongs before `{}`",
                            name(i),
                            name(j)
                        )
                    },
                    out,
                );
            }
        }
    }
}
