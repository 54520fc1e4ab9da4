//! The strings a service uses when it runs: environment values and the arguments of
//! `command` and `entrypoint` (never labels or healthchecks, RULES.md §1.4).

use crate::project::value::{Kind, Value};

/// One such string, with where it is written.
pub struct RunValue<'p> {
    /// The environment key, or None for a `command`/`entrypoint` argument.
    pub key: Option<&'p str>,
    /// How messages name the place: `` `KEY` `` or `` `command` ``.
    pub place: String,
    /// The value.
    pub value: &'p Value,
}

/// Every environment value (in key order), then every `command` and `entrypoint` argument.
pub fn run_values(service: &Value) -> Vec<RunValue<'_>> {
    let mut out = Vec::new();
    if let Some(env) = service.get("environment").and_then(Value::as_map) {
        for (key, _, value) in env.iter() {
            out.push(RunValue {
                key: Some(key),
                place: format!("`{key}`"),
                value,
            });
        }
    }
    for key in ["command", "entrypoint"] {
        let place = format!("`{key}`");
        match service.get(key) {
            Some(Value {
                kind: Kind::Seq(items),
                ..
            }) => {
                out.extend(items.iter().map(|value| RunValue {
                    key: None,
                    place: place.clone(),
                    value,
                }));
            }
            Some(value) => out.push(RunValue {
                key: None,
                place,
                value,
            }),
            None => {}
        }
    }
    out
}
