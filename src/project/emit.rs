//! The resolved model as YAML, like `docker compose config`: block style, two-space indent,
//! strings quoted only when needed. Unknown variables stay as `${VAR}` and literal dollars are
//! written `$$`, so the output can be fed back to `docker compose -f -`.
//!
//! Redacted ([`Redact::Secrets`], `composefix config --redact`), for output pasted into an
//! issue: every interpolated variable stays `${VAR}` and the value of every secret-looking key
//! ([`is_secret_key`]) is `<redacted>`.

use super::interpolate::SegmentKind;
use super::value::{Kind, Str, Value};
use std::fmt::Write;

/// Whether values are printed as resolved or with secrets hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Redact {
    /// Every value as resolved.
    Nothing,
    /// Interpolated variables as `${VAR}`, secret-looking keys' values as `<redacted>`.
    Secrets,
}

/// What a redacted value is printed as.
const REDACTED: &str = "<redacted>";

/// Renders `value` (a model's root) as a YAML document, in the canonical syntax
/// ([`super::canonical`]) that `docker compose config` prints.
pub fn to_yaml(value: &Value, redact: Redact) -> String {
    let value = &super::canonical::canonical(value);
    let mut out = String::new();
    let emitter = Emitter { redact };
    match &value.kind {
        Kind::Map(m) if !m.is_empty() => emitter.map(&mut out, value, 0),
        Kind::Seq(s) if !s.is_empty() => emitter.seq(&mut out, value, 0),
        _ => {
            out.push_str(&emitter.scalar(value));
            out.push('\n');
        }
    }
    out
}

/// True for a key whose value is likely a secret: its name holds `PASSWORD`, `PASSWD`,
/// `SECRET`, `TOKEN`, `KEY`, `CREDENTIAL` or `PRIVATE` (any case).
fn is_secret_key(key: &str) -> bool {
    let key = key.to_ascii_uppercase();
    [
        "PASSWORD",
        "PASSWD",
        "SECRET",
        "TOKEN",
        "KEY",
        "CREDENTIAL",
        "PRIVATE",
    ]
    .iter()
    .any(|word| key.contains(word))
}

struct Emitter {
    redact: Redact,
}

impl Emitter {
    fn map(&self, out: &mut String, value: &Value, level: usize) {
        let Kind::Map(m) = &value.kind else { return };
        for (key, _, v) in m.iter() {
            indent(out, level);
            out.push_str(&crate::source::plain_or_quoted(key));
            out.push(':');
            if self.redact == Redact::Secrets
                && is_secret_key(key)
                && !matches!(v.kind, Kind::Map(_) | Kind::Seq(_))
            {
                let _ = writeln!(out, " {}", crate::source::plain_or_quoted(REDACTED));
                continue;
            }
            self.child(out, v, level);
        }
    }

    fn seq(&self, out: &mut String, value: &Value, level: usize) {
        let Kind::Seq(items) = &value.kind else {
            return;
        };
        for item in items {
            indent(out, level);
            out.push('-');
            match &item.kind {
                Kind::Map(m) if !m.is_empty() => {
                    // First key on the dash line, the rest aligned under it.
                    let mut first = String::new();
                    self.map(&mut first, item, level + 2);
                    out.push(' ');
                    out.push_str(first.trim_start());
                }
                _ => self.child(out, item, level),
            }
        }
    }

    fn child(&self, out: &mut String, v: &Value, level: usize) {
        match &v.kind {
            Kind::Map(m) if !m.is_empty() => {
                out.push('\n');
                self.map(out, v, level + 2);
            }
            Kind::Seq(s) if !s.is_empty() => {
                out.push('\n');
                self.seq(out, v, level + 2);
            }
            _ => {
                let _ = writeln!(out, " {}", self.scalar(v));
            }
        }
    }

    fn scalar(&self, v: &Value) -> String {
        match &v.kind {
            Kind::Null => "null".into(),
            Kind::Bool(b) => b.to_string(),
            Kind::Int(i) => i.to_string(),
            Kind::Float(f) if f.is_nan() => ".nan".into(),
            Kind::Float(f) if f.is_infinite() => if *f > 0.0 { ".inf" } else { "-.inf" }.into(),
            Kind::Float(f) => format!("{f:?}"),
            Kind::Str(s) => crate::source::plain_or_quoted(&self.compose_text(s)),
            Kind::Map(_) => "{}".into(),
            Kind::Seq(_) => "[]".into(),
        }
    }

    /// The text Compose should read back: `$` escaped, unknown variables restored.
    fn compose_text(&self, s: &Str) -> String {
        let Some(interp) = &s.interpolation else {
            return s.text.replace('$', "$$");
        };
        let mut out = String::new();
        for seg in &interp.segments {
            match &seg.kind {
                SegmentKind::Unknown { name, .. } if !name.is_empty() => {
                    let _ = write!(out, "${{{name}}}");
                }
                SegmentKind::Variable { name, .. } if self.redact == Redact::Secrets => {
                    let _ = write!(out, "${{{name}}}");
                }
                _ => out.push_str(&s.text[seg.text.clone()].replace('$', "$$")),
            }
        }
        out
    }
}

fn indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::{LoadOptions, load_text};

    #[test]
    fn redacted_output_names_variables_and_hides_secret_keys() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".env"), "TAG=7.6.0\nHOST=db.internal\n").unwrap();
        let yaml = "services:\n  app:\n    image: \"app:${TAG}\"\n    environment:\n      \
                    DB_PASSWORD: hunter2\n      api_key: abc\n      URL: \"pg://${HOST}:5432\"\n      \
                    MODE: plain\n";
        let project = load_text(
            &dir.path().join("compose.yaml"),
            yaml.into(),
            &LoadOptions::default(),
        );
        let model = project.model.as_ref().unwrap();
        let plain = to_yaml(model, Redact::Nothing);
        assert!(
            plain.contains("app:7.6.0") && plain.contains("hunter2"),
            "{plain}"
        );
        let redacted = to_yaml(model, Redact::Secrets);
        assert_eq!(
            redacted,
            "services:\n  app:\n    image: app:${TAG}\n    environment:\n      \
             DB_PASSWORD: <redacted>\n      api_key: <redacted>\n      URL: pg://${HOST}:5432\n      \
             MODE: plain\n"
        );
        assert!(is_secret_key("KAFKA_SSL_KEY_PASSWORD") && !is_secret_key("MODE"));
    }

    #[test]
    fn a_bare_variable_is_resolved_and_redacted_by_name_and_unknown_ports_stay_short() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".env"), "REGION=eu-west-1\n").unwrap();
        let yaml = "services:\n  app:\n    image: app:1\n    environment:\n      - REGION\n      \
                    - UNSET\n    ports:\n      - \"${PORT}:80\"\n      - \"8080:80\"\n";
        let project = load_text(
            &dir.path().join("compose.yaml"),
            yaml.into(),
            &LoadOptions::default(),
        );
        let model = project.model.as_ref().unwrap();
        let ports = "    ports:\n      - ${PORT}:80\n      - mode: ingress\n        target: 80\n        \
                     published: \"8080\"\n        protocol: tcp\n";
        assert_eq!(
            to_yaml(model, Redact::Nothing),
            format!(
                "services:\n  app:\n    image: app:1\n    environment:\n      REGION: eu-west-1\n      \
                 UNSET: null\n{ports}"
            )
        );
        assert!(
            to_yaml(model, Redact::Secrets).contains("REGION: ${REGION}\n"),
            "the value came from a variable"
        );
    }
}
