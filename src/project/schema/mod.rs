//! Compose Specification validation: each file, after interpolation, against the project's own
//! JSON Schema (`compose-spec.json`, written from the specification's documentation).
//!
//! Every violation becomes a finding at the exact key or value, in words: an unknown key with
//! the closest known one, a wrong type with what was expected, a missing key, a bad value.

pub(crate) mod codes;
mod instance;
mod messages;
mod pattern;
mod screen;

use crate::diagnostic::Diagnostic;
use crate::project::value::{Kind, Value};
use crate::source::SourceFile;
use instance::ComposeJson;
use jsonschema::Validator;
use screen::Verdict;
use std::sync::{Arc, LazyLock};

/// The schema text, as shipped.
pub const SCHEMA: &str = include_str!("compose-spec.json");

/// The schema, parsed once: the validator is built from it and messages read its descriptions.
static SCHEMA_JSON: LazyLock<serde_json::Value> = LazyLock::new(|| {
    serde_json::from_str(SCHEMA).expect("internal error: compose-spec.json is not JSON")
});

static VALIDATOR: LazyLock<Validator<ComposeJson>> = LazyLock::new(|| {
    jsonschema::options_for::<ComposeJson>()
        .with_draft(jsonschema::Draft::Draft7)
        .build(&SCHEMA_JSON)
        .expect("internal error: compose-spec.json is not a valid schema")
});

/// Starts compiling the full validator on another thread (once per process), so that rules
/// run meanwhile; the first full validation waits for it. Only needed once a file fails the
/// screen: a valid file never needs the full validator.
pub fn compile_in_background() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        // If the thread cannot start, the first validation compiles the schema itself.
        let _ = std::thread::Builder::new().name("schema".into()).spawn(|| {
            LazyLock::force(&VALIDATOR);
            messages::prepare();
        });
    });
}

/// Validates one file's root value, appending a finding per violation.
pub fn validate(root: &Value, file: &Arc<SourceFile>, out: &mut Vec<Diagnostic>) {
    if screen::verdict(root) == Verdict::Valid {
        return;
    }
    let mut found = Vec::new();
    for error in VALIDATOR.iter_errors(root) {
        messages::explain(&error, root, file, &mut found);
    }
    found.sort_by_key(|d: &Diagnostic| d.location.as_ref().map(|l| l.span.start));
    out.extend(found);
}

/// Validates an override file's root value as [`validate`] does, except that a required key
/// it leaves out is not missing when `filled` (the same value with what it leaves out taken
/// from the files merged before it) has it: compose-go validates the merged project, so an
/// override may give only the keys it changes (`depends_on: {db: {required: false}}`).
pub fn validate_override(
    root: &Value,
    filled: &Value,
    file: &Arc<SourceFile>,
    out: &mut Vec<Diagnostic>,
) {
    let mut own = Vec::new();
    validate(root, file, &mut own);
    let missing = |d: &Diagnostic| d.rule.code == codes::MISSING_KEY.code;
    if !own.iter().any(missing) {
        out.extend(own);
        return;
    }
    let mut merged = Vec::new();
    validate(filled, file, &mut merged);
    let span = |d: &Diagnostic| d.location.as_ref().map(|l| l.span);
    out.extend(own.into_iter().filter(|d| {
        !missing(d)
            || merged
                .iter()
                .any(|m| missing(m) && m.message == d.message && span(m) == span(d))
    }));
}

/// `over` with the keys it leaves out of each mapping taken from `base` at the same place,
/// wherever both are mappings: what an override file's value is once merged, as far as
/// required keys go.
pub(crate) fn filled_from(over: &Value, base: &Value) -> Value {
    let mut out = over.clone();
    if let (Kind::Map(o), Kind::Map(b)) = (&mut out.kind, &base.kind) {
        for (key, origin, value) in b.iter() {
            match o.get_mut(key) {
                Some(mine) => *mine = filled_from(mine, value),
                None => o.insert(key.to_string(), *origin, value.clone()),
            }
        }
    }
    out
}

/// True when `root` is valid, by the full validator; for tests and benchmarks that compare
/// verdicts.
pub fn is_valid(root: &Value) -> bool {
    VALIDATOR.is_valid(root)
}

/// The screen's verdict: `Some(valid)` when it decides, None when only the full validator can.
pub fn quick_verdict(root: &Value) -> Option<bool> {
    match screen::verdict(root) {
        Verdict::Valid => Some(true),
        Verdict::Invalid => Some(false),
        Verdict::Unknown => None,
    }
}

/// The JSON instance the schema sees: interpolated strings, typed scalars.
pub fn to_json(value: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match &value.kind {
        Kind::Null => J::Null,
        Kind::Bool(b) => J::Bool(*b),
        Kind::Int(i) => J::from(*i),
        Kind::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        Kind::Str(s) => J::String(s.text.clone()),
        Kind::Seq(items) => J::Array(items.iter().map(to_json).collect()),
        Kind::Map(map) => J::Object(
            map.iter()
                .map(|(k, _, v)| (k.to_string(), to_json(v)))
                .collect(),
        ),
    }
}
