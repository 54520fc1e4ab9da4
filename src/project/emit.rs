//! The resolved model as YAML, like `docker compose config`: block style, two-space indent,
//! strings quoted only when needed. Unknown variables stay as `${VAR}` and literal dollars are
//! written `$$`, so the output can be fed back to `docker compose -f -`.

use super::interpolate::SegmentKind;
use super::value::{Kind, Str, Value};
use std::fmt::Write;

/// Renders `value` as a YAML document.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match &value.kind {
        Kind::Map(m) if !m.is_empty() => map(&mut out, value, 0),
        Kind::Seq(s) if !s.is_empty() => seq(&mut out, value, 0),
        _ => {
            out.push_str(&scalar(value));
            out.push('\n');
        }
    }
    out
}

fn indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

fn map(out: &mut String, value: &Value, level: usize) {
    let Kind::Map(m) = &value.kind else { return };
    for (key, _, v) in m.iter() {
        indent(out, level);
        out.push_str(&crate::source::plain_or_quoted(key));
        out.push(':');
        child(out, v, level);
    }
}

fn seq(out: &mut String, value: &Value, level: usize) {
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
                map(&mut first, item, level + 2);
                out.push(' ');
                out.push_str(first.trim_start());
            }
            _ => child(out, item, level),
        }
    }
}

fn child(out: &mut String, v: &Value, level: usize) {
    match &v.kind {
        Kind::Map(m) if !m.is_empty() => {
            out.push('\n');
            map(out, v, level + 2);
        }
        Kind::Seq(s) if !s.is_empty() => {
            out.push('\n');
            seq(out, v, level + 2);
        }
        _ => {
            let _ = writeln!(out, " {}", scalar(v));
        }
    }
}

fn scalar(v: &Value) -> String {
    match &v.kind {
        Kind::Null => "null".into(),
        Kind::Bool(b) => b.to_string(),
        Kind::Int(i) => i.to_string(),
        Kind::Float(f) if f.is_nan() => ".nan".into(),
        Kind::Float(f) if f.is_infinite() => if *f > 0.0 { ".inf" } else { "-.inf" }.into(),
        Kind::Float(f) => format!("{f:?}"),
        Kind::Str(s) => crate::source::plain_or_quoted(&compose_text(s)),
        Kind::Map(_) => "{}".into(),
        Kind::Seq(_) => "[]".into(),
    }
}

/// The text Compose should read back: `$` escaped, unknown variables restored.
fn compose_text(s: &Str) -> String {
    let Some(interp) = &s.interpolation else {
        return s.text.replace('$', "$$");
    };
    let mut out = String::new();
    for seg in &interp.segments {
        match &seg.kind {
            SegmentKind::Unknown { name, .. } if !name.is_empty() => {
                let _ = write!(out, "${{{name}}}");
            }
            _ => out.push_str(&s.text[seg.text.clone()].replace('$', "$$")),
        }
    }
    out
}
