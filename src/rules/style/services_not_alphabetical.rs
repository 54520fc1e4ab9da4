//! HYG010 services-not-alphabetical.

use super::{Name, Owner, Sorting, entries, scalar, trees};
use crate::diagnostic::{Activation, Diagnostic, FixAvailability, Platform, RuleInfo, Severity};
use crate::rules::{Context, Rule};

rule_info!(
    ServicesNotAlphabetical,
    INFO,
    "HYG010",
    "services-not-alphabetical",
    Severity::Info,
    &Platform::ALL,
    FixAvailability::Safe,
    Activation::OptIn
);

impl Rule for ServicesNotAlphabetical {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_project(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (_, file, doc) in trees(cx.project) {
            let Some(services) = doc.root().and_then(|r| super::get(doc, r, "services")) else {
                continue;
            };
            let written = entries(doc, services);
            let names: Vec<Option<&str>> = written.iter().map(|(k, _)| scalar(doc, *k)).collect();
            let keys: Vec<Option<Name>> = written
                .iter()
                .zip(&names)
                .map(|((k, _), n)| n.filter(|_| !super::is_merge_key(doc, *k)).map(Name))
                .collect();
            let sorting = Sorting {
                rule: &INFO,
                file,
                doc,
                collection: services,
                at: written.iter().map(|(k, _)| *k).collect(),
                service: Owner::EachEntry(names.clone()),
                title: "Sort the services alphabetically".into(),
                help: "order services by name; the fix moves each service with its comments".into(),
            };
            let name = |i: usize| names[i].unwrap_or_default();
            sorting.report(
                &keys,
                |i, j| {
                    format!(
                        "service `{}` is out of alphabetical order: it belongs before `{}`",
                        name(i),
                        name(j)
                    )
                },
                out,
            );
        }
    }
}
