//! HYG006 port-yaml11-ambiguous.

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, FixAvailability, Platform};
use crate::diagnostic::{RuleInfo, Severity};
use crate::facts::service::Service;
use crate::project::Project;
use crate::project::value::{Kind, Value};
use crate::rules::{Context, Rule};
use crate::source::ScalarStyle;
use crate::source::yaml11_base60;
use std::sync::Arc;

rule_info!(
    PortYaml11Ambiguous,
    INFO,
    "HYG006",
    "port-yaml11-ambiguous",
    Severity::Warning,
    &Platform::ALL,
    FixAvailability::Safe
);

impl Rule for PortYaml11Ambiguous {
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
        let ports = service.ports();
        for item in ports {
            let Kind::Str(s) = &item.kind else {
                continue;
            };
            let file = project.file(item.origin.file);
            let written = file
                .text()
                .get(item.origin.span.start..item.origin.span.end)
                .unwrap_or_default();
            if s.style != ScalarStyle::Plain || written != s.text || !yaml11_base60(written) {
                continue;
            }
            let quote = quote_of(project, ports);
            let fix = Fix::new(
                format!("Quote `{written}`"),
                Applicability::Safe,
                vec![Edit {
                    file: Arc::clone(file),
                    span: item.origin.span,
                    content: format!("{quote}{written}{quote}"),
                }],
            );
            out.push(
                Diagnostic::new(
                    &INFO,
                    format!(
                        "unquoted port `{written}` is a base-60 number to YAML 1.1 readers \
                         (docker-compose v1, PyYAML-based tools), which see the port `{}`",
                        sexagesimal_value(written)
                    ),
                )
                .at(file, item.origin.span)
                .service(service.name)
                .help(format!("quote it: `\"{written}\"`"))
                .with_fix(Some(fix)),
            );
        }
    }
}

/// The number a YAML 1.1 reader makes of a base-60 integer.
fn sexagesimal_value(text: &str) -> String {
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.strip_prefix('+').unwrap_or(text)),
    };
    let mut total: u128 = 0;
    for part in digits.split(':') {
        let n: u128 = part.replace('_', "").parse().unwrap_or(0);
        total = total.saturating_mul(60).saturating_add(n);
    }
    format!("{sign}{total}")
}

/// The quote the file's port items already use (the first quoted one of this service, else
/// of any service), double quotes when none is quoted.
fn quote_of(project: &Project, ports: &[Value]) -> char {
    let style_of = |items: &[Value]| {
        items
            .iter()
            .find_map(|v| match v.as_str().map(|s| s.style) {
                Some(ScalarStyle::SingleQuoted) => Some('\''),
                Some(ScalarStyle::DoubleQuoted) => Some('"'),
                _ => None,
            })
    };
    style_of(ports)
        .or_else(|| {
            project
                .services()
                .find_map(|(_, s)| s.get("ports").and_then(Value::as_seq).and_then(&style_of))
        })
        .unwrap_or('"')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_60() {
        for yes in ["22:22", "21:21", "2222:22", "1:2:3", "25:5"] {
            assert!(yaml11_base60(yes), "{yes}");
        }
        for no in [
            "80:80",
            "8080:80",
            "0:22",
            "22",
            "22:22/tcp",
            "127.0.0.1:22:22",
            "3000-3005:3000-3005",
            "22:",
            "22:222",
        ] {
            assert!(!yaml11_base60(no), "{no}");
        }
        assert_eq!(sexagesimal_value("22:22"), "1342");
    }

    #[test]
    fn quoted_and_plain() {
        let found = crate::rules::findings_of(
            &PortYaml11Ambiguous,
            "services:\n  a:\n    image: x\n    ports: [22:22, '21:21', 80:80]\n",
        );
        assert_eq!(found.len(), 1);
        let fix = found[0].fix.as_ref().expect("a fix");
        assert_eq!(fix.edits[0].content, "'22:22'");
    }
}
