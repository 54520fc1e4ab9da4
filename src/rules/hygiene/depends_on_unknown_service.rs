//! HYG007 depends-on-unknown-service.

use super::run_together;
use crate::diagnostic::{Diagnostic, FixAvailability, Platform, RuleInfo, Severity};
use crate::facts::resources::{ServiceRef, optional_dependencies, profiles, service_refs};
use crate::facts::service::Service;
use crate::rules::{Context, Rule};

rule_info!(
    DependsOnUnknownService,
    INFO,
    "HYG007",
    "depends-on-unknown-service",
    Severity::Error,
    &Platform::ALL,
    FixAvailability::None
);

impl Rule for DependsOnUnknownService {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_service<'p>(
        &self,
        cx: &Context<'p>,
        service: &Service<'p>,
        out: &mut Vec<Diagnostic>,
    ) {
        let project = cx.project;
        if cx.is_fragment() {
            return;
        }
        let mine = profiles(service.spec);
        // Asked only when a name is missing: a file given with `-f` beside the one that
        // defines the service (`kafka-3-4.yml` beside `kafka-0-1-2.yml`).
        let sibling = |name: &str| cx.siblings().may_define_service(name);
        for (how, target, origin) in service_refs(service.spec) {
            if target == service.name && how != ServiceRef::NetworkMode {
                continue;
            }
            let key = how.key();
            let (message, help) = match cx.service(target) {
                None if sibling(target) => continue,
                None => (
                    format!(
                        "`{key}` names `{target}`, which is not a service of the project: \
                         Compose refuses to start `{}`",
                        service.name
                    ),
                    "correct the name, or add the service".to_string(),
                ),
                Some(other) => {
                    let theirs = profiles(other.spec);
                    if theirs.is_empty() || (!mine.is_empty() && run_together(&mine, &theirs)) {
                        continue;
                    }
                    let list = theirs
                        .iter()
                        .map(|p| format!("`{p}`"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    let when = if mine.is_empty() {
                        "whenever it runs".to_string()
                    } else {
                        "under its own profiles".to_string()
                    };
                    (
                        format!(
                            "`{key}` names `{target}`, which runs only with profile {list}: \
                             Compose refuses to start `{}` {when}",
                            service.name
                        ),
                        format!("give `{target}` and `{}` a common profile", service.name),
                    )
                }
            };
            // Its includer may define the service.
            if cx.is_included_elsewhere() {
                return;
            }
            out.push(
                Diagnostic::new(&INFO, message)
                    .at(project.file(origin.file), origin.span)
                    .service(service.name)
                    .help(help),
            );
        }
        for (target, origin) in optional_dependencies(service.spec) {
            if cx.service(target).is_some() || sibling(target) || cx.is_included_elsewhere() {
                continue;
            }
            out.push(
                Diagnostic::new(
                    &INFO,
                    format!(
                        "`depends_on` names `{target}`, which is not a service of the project: \
                         `required: false` skips a service that a profile leaves out, not one \
                         that does not exist, so Compose refuses to start `{}`",
                        service.name
                    ),
                )
                .at(project.file(origin.file), origin.span)
                .service(service.name)
                .help("correct the name, add the service, or remove the entry"),
            );
        }
    }
}
