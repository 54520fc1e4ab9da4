//! HYG002 duplicate-container-name.

use super::run_together;
use crate::diagnostic::{Diagnostic, FixAvailability, Platform, RuleInfo, Severity};
use crate::facts::resources::profiles;
use crate::project::value::Value;
use crate::rules::{Context, Rule};
use std::collections::HashMap;

rule_info!(
    DuplicateContainerName,
    INFO,
    "HYG002",
    "duplicate-container-name",
    Severity::Error,
    &Platform::ALL,
    FixAvailability::None
);

/// A service that set a container name: its name, the value and its profiles.
type Named<'p> = (&'p str, &'p Value, Vec<&'p str>);

impl Rule for DuplicateContainerName {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_project(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let project = cx.project;
        let mut seen: HashMap<&str, Vec<Named>> = HashMap::new();
        for (name, service) in project.services() {
            let Some(value) = service.get("container_name") else {
                continue;
            };
            let Some(text) = value
                .as_str()
                .filter(|s| s.is_known())
                .map(|s| s.text.as_str())
            else {
                continue;
            };
            let mine = profiles(service);
            let earlier = seen.entry(text).or_default();
            if let Some((first, first_value, _)) =
                earlier.iter().find(|(_, _, p)| run_together(p, &mine))
            {
                out.push(
                    Diagnostic::new(
                        &INFO,
                        format!(
                            "container name `{text}` is already used by service `{first}`: \
                             Docker refuses to create the second container"
                        ),
                    )
                    .at(project.file(value.origin.file), value.origin.span)
                    .service(name)
                    .label(
                        project.file(first_value.origin.file),
                        first_value.origin.span,
                        "first used here",
                    )
                    .help("give each service its own `container_name`, or remove it and let Compose name the containers"),
                );
            }
            earlier.push((name, value, mine));
        }
    }
}
