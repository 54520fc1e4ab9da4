//! HYG009 unused-top-level-resource.

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, FixAvailability, Platform};
use crate::diagnostic::{RuleInfo, Severity};
use crate::facts::resources::{Section, joins_default_network, uses, within};
use crate::fix::builders;
use crate::project::Project;
use crate::project::value::{Origin, Value};
use crate::rules::{Context, Rule};
use std::collections::HashSet;

rule_info!(
    UnusedTopLevelResource,
    INFO,
    "HYG009",
    "unused-top-level-resource",
    Severity::Warning,
    &Platform::ALL,
    FixAvailability::Safe
);

impl Rule for UnusedTopLevelResource {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_project(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let project = cx.project;
        let Some(model) = project.model.as_ref() else {
            return;
        };
        // A project that refers to what it does not declare is combined with other files,
        // which may use what it declares; without services nothing can be judged.
        if project.services().next().is_none() || cx.is_partial() {
            return;
        }
        let mut used: HashSet<(&str, &str)> = HashSet::new();
        for (_, service) in project.services() {
            for u in uses(service) {
                used.insert((u.section.key(), u.name));
            }
            if joins_default_network(service) {
                used.insert(("networks", "default"));
            }
        }
        for section in Section::ALL {
            let key = section.key();
            let Some(declared) = model.get(key).and_then(Value::as_map) else {
                continue;
            };
            let section_value = model.get(key).expect("internal error: section just read");
            let unused: Vec<(&str, &Origin)> = declared
                .iter()
                .filter(|(name, origin, _)| {
                    !used.contains(&(key, *name)) && project.named.contains(&origin.file)
                })
                .map(|(name, origin, _)| (name, origin))
                .collect();
            // A file given with `-f` beside this one may use them (zulip's `ci/base.yaml`
            // declares the secrets of `compose.yaml`); read only when something is unused.
            let unused: Vec<(&str, &Origin)> = unused
                .into_iter()
                .filter(|(name, _)| !cx.siblings().may_use(section, name))
                .collect();
            for (name, origin) in &unused {
                let noun = section.noun();
                let fix = removal(project, model, section_value, key, name, &unused);
                out.push(
                    Diagnostic::new(
                        &INFO,
                        format!("{noun} `{name}` is declared but no service uses it"),
                    )
                    .at(project.file(origin.file), origin.span)
                    .help(format!(
                        "remove the declaration, or use the {noun} in a service"
                    ))
                    .with_fix(fix),
                );
            }
        }
    }
}

/// Removes the declaration `name` of `section` with its comment lines; the whole section
/// when every entry it writes is unused (an empty section would be null). None when the
/// entry is not written inside the section itself (a merge key brought it), or when the
/// removed text holds an anchor that an alias elsewhere uses.
fn removal(
    project: &Project,
    model: &Value,
    section: &Value,
    key: &str,
    name: &str,
    unused: &[(&str, &Origin)],
) -> Option<Fix> {
    let map = section.as_map()?;
    let (origin, _) = map.entry(name)?;
    if !within(origin, &section.origin) {
        return None;
    }
    let own: Vec<&str> = map
        .iter()
        .filter(|(_, o, _)| within(o, &section.origin))
        .map(|(n, _, _)| n)
        .collect();
    let all_unused = own.iter().all(|n| unused.iter().any(|(u, _)| u == n));
    let edit = if all_unused {
        let (section_key, _) = model.as_map()?.entry(key)?;
        if section_key.file != section.origin.file || model.origin.file != section.origin.file {
            return None;
        }
        builders::remove_key(project, model, key)?
    } else {
        builders::remove_key(project, section, name)?
    };
    if breaks_an_alias(&edit) {
        return None;
    }
    // An explicit engine name or `external` means something outside the project may refer
    // to it by that name (a container a service starts through the Docker socket).
    let removed = if all_unused { own } else { vec![name] };
    let named_outside = removed.iter().any(|n| {
        map.get(n)
            .is_some_and(|d| d.get("name").is_some() || d.get("external").is_some())
    });
    let applicability = if named_outside {
        Applicability::Review
    } else {
        Applicability::Safe
    };
    Some(Fix::new(
        format!("Remove the unused declaration `{name}`"),
        applicability,
        vec![edit],
    ))
}

/// Whether the text an edit deletes defines an anchor (`&name`) that an alias (`*name`)
/// outside it uses. Read from the text, conservatively: an `&` in a quoted string counts too.
fn breaks_an_alias(edit: &Edit) -> bool {
    let text = edit.file.text();
    let removed = &text[edit.span.start..edit.span.end];
    let rest = format!("{}{}", &text[..edit.span.start], &text[edit.span.end..]);
    let name_char = |c: char| !c.is_whitespace() && !",[]{}".contains(c);
    removed.match_indices('&').any(|(i, _)| {
        let name: String = removed[i + 1..]
            .chars()
            .take_while(|c| name_char(*c))
            .collect();
        !name.is_empty() && rest.contains(&format!("*{name}"))
    })
}
