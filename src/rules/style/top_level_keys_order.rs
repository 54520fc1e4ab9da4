//! HYG011 top-level-keys-order.

use super::{Name, Owner, Sorting, entries, scalar, trees};
use crate::diagnostic::{Activation, Diagnostic, FixAvailability, Platform, RuleInfo, Severity};
use crate::rules::{Context, Rule};

rule_info!(
    TopLevelKeysOrder,
    INFO,
    "HYG011",
    "top-level-keys-order",
    Severity::Info,
    &Platform::ALL,
    FixAvailability::Safe,
    Activation::OptIn
);

/// dclint's order after the `x-*` extensions, then `models` (newer than dclint's list).
const ORDER: [&str; 9] = [
    "version", "name", "include", "services", "networks", "volumes", "secrets", "configs", "models",
];

/// A top-level key's place: extensions first, by name, then [`ORDER`]; None for other keys.
fn place(key: &str) -> Option<(usize, Name<'_>)> {
    if key.starts_with("x-") {
        return Some((0, Name(key)));
    }
    let at = ORDER.iter().position(|k| *k == key)?;
    Some((at + 1, Name("")))
}

impl Rule for TopLevelKeysOrder {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_project(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (_, file, doc) in trees(cx.project) {
            let Some(root) = doc.root() else { continue };
            let written = entries(doc, root);
            let names: Vec<Option<&str>> = written.iter().map(|(k, _)| scalar(doc, *k)).collect();
            let keys: Vec<_> = names.iter().map(|n| n.and_then(place)).collect();
            let sorting = Sorting {
                rule: &INFO,
                file,
                doc,
                collection: root,
                at: written.iter().map(|(k, _)| *k).collect(),
                service: Owner::None,
                title: "Put the top-level keys in order".into(),
                help: "order top-level keys as `x-*` (alphabetically), `version`, `name`, \
                       `include`, `services`, `networks`, `volumes`, `secrets`, `configs`"
                    .into(),
            };
            let name = |i: usize| names[i].unwrap_or_default();
            sorting.report(
                &keys,
                |i, j| {
                    format!(
                        "top-level key `{}` is out of order: it belongs before `{}`",
                        name(i),
                        name(j)
                    )
                },
                out,
            );
        }
    }
}
