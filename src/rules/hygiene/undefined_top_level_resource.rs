//! HYG008 undefined-top-level-resource.

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, FixAvailability, Platform};
use crate::diagnostic::{RuleInfo, Severity};
use crate::facts::resources::{Section, Use, uses};
use crate::fix::builders;
use crate::project::Project;
use crate::project::value::Value;
use crate::rules::{Context, Rule};
use crate::source::{Span, plain_or_quoted};
use std::sync::Arc;

rule_info!(
    UndefinedTopLevelResource,
    INFO,
    "HYG008",
    "undefined-top-level-resource",
    Severity::Error,
    &Platform::ALL,
    FixAvailability::Review
);

impl Rule for UndefinedTopLevelResource {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_project(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let project = cx.project;
        let Some(model) = project.model.as_ref() else {
            return;
        };
        if cx.is_fragment() {
            return;
        }
        for (name, service) in project.services() {
            for used in uses(service) {
                if !used.must_be_declared || is_declared(model, &used) {
                    continue;
                }
                // Its includer may declare the resource.
                if cx.is_included_elsewhere() {
                    return;
                }
                // So may a file given with it (`-f`) or the override it expects.
                if cx.siblings().may_declare(used.section, used.name) {
                    continue;
                }
                let noun = used.section.noun();
                let what = used.name;
                let d = Diagnostic::new(
                    &INFO,
                    format!(
                        "{noun} `{what}` is not declared under the top-level `{}`: Compose \
                         refuses to start `{name}`",
                        used.section.key()
                    ),
                )
                .at(project.file(used.origin.file), used.origin.span)
                .service(name)
                .help(format!(
                    "declare `{what}` under `{}`, or correct the name",
                    used.section.key()
                ));
                out.push(d.with_fix(declare(project, model, &used)));
            }
        }
    }
}

fn is_declared(model: &Value, used: &Use) -> bool {
    if used.section == Section::Networks && used.name == "default" {
        return true;
    }
    model
        .get(used.section.key())
        .and_then(Value::as_map)
        .is_some_and(|m| m.contains_key(used.name))
}

/// Declares a volume or network with Compose's defaults, in the file of the use: a new entry
/// of its section, or the section at the end of the file. Secrets and configs need a source
/// only the user knows: no fix.
fn declare(project: &Project, model: &Value, used: &Use) -> Option<Fix> {
    if !matches!(used.section, Section::Volumes | Section::Networks) {
        return None;
    }
    let key = used.section.key();
    let entry = plain_or_quoted(used.name);
    let edit = match model.get(key) {
        Some(section) if section.origin.file == used.origin.file => {
            builders::add_key(project, section, &entry, "{}")?
        }
        Some(_) => return None,
        None if model.origin.file == used.origin.file => {
            let file = project.file(used.origin.file);
            let text = file.text();
            let indent = child_indent(project, model)?;
            let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
            let lead = if text.is_empty() || text.ends_with('\n') {
                ""
            } else {
                nl
            };
            Edit {
                file: Arc::clone(file),
                span: Span::at(text.len()),
                content: format!("{lead}{key}:{nl}{indent}{entry}: {{}}{nl}"),
            }
        }
        None => return None,
    };
    let noun = used.section.noun();
    Some(Fix::new(
        format!("Declare {noun} `{}` with Compose's defaults", used.name),
        Applicability::Review,
        vec![edit],
    ))
}

/// The indentation of the service keys under a block `services:`, for a new section written
/// the same way. None when `services` is written in flow style or not at column 0.
fn child_indent(project: &Project, model: &Value) -> Option<String> {
    let root = model.as_map()?;
    let (services_key, services) = root.entry("services")?;
    let (_, first, _) = services.as_map()?.iter().next()?;
    if first.file != services_key.file {
        return None;
    }
    let text = project.file(first.file).text();
    let line = text[..first.span.start].rfind('\n').map_or(0, |i| i + 1);
    let indent = &text[line..first.span.start];
    let key_line = text[..services_key.span.start]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let at_column_zero = key_line == services_key.span.start;
    (at_column_zero && !indent.is_empty() && indent.chars().all(|c| c == ' '))
        .then(|| indent.to_string())
}
