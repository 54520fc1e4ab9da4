//! HYG005 invalid-container-name.

use crate::diagnostic::{Diagnostic, FixAvailability, Platform, RuleInfo, Severity};
use crate::facts::service::Service;
use crate::rules::{Context, Rule};

rule_info!(
    InvalidContainerName,
    INFO,
    "HYG005",
    "invalid-container-name",
    Severity::Error,
    &Platform::ALL,
    FixAvailability::None
);

/// A character Docker allows after the first of a container name.
fn allowed(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_.-".contains(c)
}

/// Docker's rule for container names: `^[a-zA-Z0-9][a-zA-Z0-9_.-]+$`.
fn docker_accepts(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric()) && name.len() >= 2 && chars.all(allowed)
}

/// The Compose Specification's pattern for `container_name`, unanchored as the schema writes
/// it (`[a-zA-Z0-9][a-zA-Z0-9_.-]+`): some part of the name matches. A name failing it is the
/// schema's (SCH003).
fn schema_accepts(name: &str) -> bool {
    let chars: Vec<char> = name.chars().collect();
    chars
        .windows(2)
        .any(|w| w[0].is_ascii_alphanumeric() && allowed(w[1]))
}

impl Rule for InvalidContainerName {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_service<'p>(
        &self,
        cx: &Context<'p>,
        service: &Service<'p>,
        out: &mut Vec<Diagnostic>,
    ) {
        let Some(value) = service.spec.get("container_name") else {
            return;
        };
        let Some(s) = value.as_str().filter(|s| s.is_known()) else {
            return;
        };
        if docker_accepts(&s.text) || !schema_accepts(&s.text) {
            return;
        }
        let shown = value.quoted_text().unwrap_or_default();
        out.push(
            Diagnostic::new(
                &INFO,
                format!(
                    "container name `{shown}` is refused by Docker, which allows only letters, \
                     digits, `_`, `.` and `-`, starting with a letter or digit"
                ),
            )
            .at(cx.project.file(value.origin.file), value.origin.span)
            .service(service.name)
            .help("rename it, e.g. with `-` in place of spaces and slashes"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for ok in ["web", "my-app_1.0", "a1"] {
            assert!(docker_accepts(ok), "{ok}");
        }
        for (name, schema) in [
            ("my app", true),
            ("-web", true),
            ("team/web", true),
            ("web!", true),
            ("a", false),
            ("!", false),
            ("", false),
        ] {
            assert!(!docker_accepts(name), "{name}");
            assert_eq!(schema_accepts(name), schema, "{name}");
        }
    }
}
