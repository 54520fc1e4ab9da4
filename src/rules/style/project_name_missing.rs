//! HYG016 project-name-missing.

use super::{entries, trees};
use crate::diagnostic::{Activation, Diagnostic, FixAvailability, Platform, RuleInfo, Severity};
use crate::project::value::Kind;
use crate::rules::{Context, Rule};

rule_info!(
    ProjectNameMissing,
    INFO,
    "HYG016",
    "project-name-missing",
    Severity::Info,
    &Platform::ALL,
    FixAvailability::None,
    Activation::OptIn
);

impl Rule for ProjectNameMissing {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_project(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let project = cx.project;
        let Some(model) = &project.model else { return };
        // Any file of the project may name it (an override often does); an empty name is none.
        let named = model.get("name").is_some_and(|v| match &v.kind {
            Kind::Null => false,
            Kind::Str(s) => !s.text.is_empty() || !s.is_known(),
            _ => true,
        });
        if named {
            return;
        }
        // The finding sits on the first key of the project's first file, where `name:` goes.
        let Some((_, file, doc)) = trees(project).next() else {
            return;
        };
        let Some(&(first, _)) = doc.root().and_then(|r| entries(doc, r).first()) else {
            return;
        };
        out.push(
            Diagnostic::new(
                &INFO,
                format!(
                    "the project has no `name:`: its name comes from the directory (`{}`), so \
                     another checkout or directory runs it as another project",
                    project.name
                ),
            )
            .at(file, doc.node(first).span)
            .help("add a top-level `name:` to the compose file"),
        );
    }
}
