//! HYG012 service-keys-order.

use super::{Name, Owner, Sorting, entries, is_merge_key, scalar, services, trees};
use crate::diagnostic::{Activation, Diagnostic, FixAvailability, Platform, RuleInfo, Severity};
use crate::rules::{Context, Rule};

rule_info!(
    ServiceKeysOrder,
    INFO,
    "HYG012",
    "service-keys-order",
    Severity::Info,
    &Platform::ALL,
    FixAvailability::Safe,
    Activation::OptIn
);

/// dclint's documented groups, in order: core definitions, dependencies, data and
/// configuration, environment, networking, runtime behaviour, operational metadata, security
/// context. Every other key follows, alphabetically.
const GROUPS: [&[&str]; 8] = [
    &["image", "build", "container_name"],
    &["depends_on"],
    &["volumes", "volumes_from", "configs", "secrets"],
    &["environment", "env_file"],
    &["ports", "networks", "network_mode", "extra_hosts"],
    &[
        "command",
        "entrypoint",
        "working_dir",
        "restart",
        "healthcheck",
    ],
    &["logging", "labels"],
    &["user", "isolation"],
];

/// A service key's place: its position in [`GROUPS`], else after them all by name.
fn place(key: &str) -> (usize, Name<'_>) {
    match GROUPS.iter().flat_map(|g| g.iter()).position(|k| *k == key) {
        Some(at) => (at, Name("")),
        None => (usize::MAX, Name(key)),
    }
}

impl Rule for ServiceKeysOrder {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_project(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (_, file, doc) in trees(cx.project) {
            for (service, _, spec) in services(doc) {
                let written = entries(doc, spec);
                let names: Vec<Option<&str>> =
                    written.iter().map(|(k, _)| scalar(doc, *k)).collect();
                let keys: Vec<_> = written
                    .iter()
                    .zip(&names)
                    .map(|((k, _), n)| n.filter(|_| !is_merge_key(doc, *k)).map(place))
                    .collect();
                let sorting = Sorting {
                    rule: &INFO,
                    file,
                    doc,
                    collection: spec,
                    at: written.iter().map(|(k, _)| *k).collect(),
                    service: Owner::One(service),
                    title: format!("Put the keys of `{service}` in order"),
                    help: "order service keys as `image`, `build`, `container_name`, \
                           `depends_on`, `volumes`, `volumes_from`, `configs`, `secrets`, \
                           `environment`, `env_file`, `ports`, `networks`, `network_mode`, \
                           `extra_hosts`, `command`, `entrypoint`, `working_dir`, `restart`, \
                           `healthcheck`, `logging`, `labels`, `user`, `isolation`, then the \
                           others alphabetically"
                        .into(),
                };
                let name = |i: usize| names[i].unwrap_or_default();
                sorting.report(
                    &keys,
                    |i, j| {
                        format!(
                            "key `{}` of service `{service}` is out of order: it belongs before `{}`",
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
