//! HYG015 quoted-volume.

use super::{services, setting, trees};
use crate::diagnostic::{Activation, Applicability, Diagnostic, Edit, Fix};
use crate::diagnostic::{FixAvailability, Platform, RuleInfo, Severity};
use crate::rules::{Context, Rule};
use crate::source::{NodeKind, ScalarStyle, plain_or_quoted, yaml11_not_a_string};
use std::collections::HashSet;
use std::sync::Arc;

rule_info!(
    QuotedVolume,
    INFO,
    "HYG015",
    "quoted-volume",
    Severity::Info,
    &Platform::ALL,
    FixAvailability::Safe,
    Activation::OptIn
);

/// True when `value`, written plain, reads back as the same string in every YAML reader
/// Compose users meet: not a YAML 1.1 boolean, null or number, no indicator in front, no
/// `: ` or ` #`, and inside `[...]` none of `,[]{}` nor a `:` (older readers split there).
fn plain_means_the_same(value: &str, flow: bool) -> bool {
    plain_or_quoted(value) == value
        && !yaml11_not_a_string(value)
        && !(flow && value.contains([',', '[', ']', '{', '}', ':']))
}

impl Rule for QuotedVolume {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_project(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (_, file, doc) in trees(cx.project) {
            let text = file.text();
            let mut seen = HashSet::new();
            for (service, _, spec) in services(doc) {
                let Some(volumes) = setting(doc, spec, "volumes", &mut seen) else {
                    continue;
                };
                let NodeKind::Sequence { items, flow } = &doc.node(volumes).kind else {
                    continue;
                };
                for &item in items {
                    let node = doc.node(item);
                    let NodeKind::Scalar { value, style } = &node.kind else {
                        continue;
                    };
                    if !matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted)
                        || node.tag.is_some()
                    {
                        continue;
                    }
                    // Without escapes the quotes hold the value exactly as written.
                    let span = node.span;
                    let inner = text.get(span.start + 1..span.end.saturating_sub(1));
                    if inner != Some(value.as_str()) || !plain_means_the_same(value, *flow) {
                        continue;
                    }
                    let edit = Edit {
                        file: Arc::clone(file),
                        span,
                        content: value.clone(),
                    };
                    out.push(
                        Diagnostic::new(
                            &INFO,
                            format!(
                                "volume `{value}` of service `{service}` is quoted though its \
                                 text needs no quotes"
                            ),
                        )
                        .at(file, span)
                        .service(service)
                        .help("write short-syntax volumes as plain scalars")
                        .with_fix(Some(Fix::new(
                            format!("Unquote `{value}`"),
                            Applicability::Safe,
                            vec![edit],
                        ))),
                    );
                }
            }
        }
    }
}
