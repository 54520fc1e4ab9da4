//! The variables a project is interpolated with, and the walk that interpolates a file.

use crate::diagnostic::Diagnostic;
use crate::parallel;
use crate::project::codes;
use crate::project::dotenv::{self, DotenvError};
use crate::project::interpolate::{
    Budget, Interpolated, InterpolationError, Segment, SegmentKind, Variables, interpolate,
};
use crate::project::value::{Kind, Str, Value};
use crate::source::{SourceFile, Span};
use std::collections::HashMap;
use std::sync::Arc;

/// Variables from `.env`, `--env-file` and, when asked, the process environment. Later sources
/// win over earlier ones, and the process environment wins over files, as in Compose.
#[derive(Debug, Clone, Default)]
pub(crate) struct Environment {
    values: HashMap<String, String>,
}

impl Variables for Environment {
    fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }
}

impl Environment {
    /// An environment with the process environment only when `use_process_env` is set.
    pub(crate) fn new(use_process_env: bool) -> Self {
        let mut env = Environment::default();
        if use_process_env {
            env.values.extend(std::env::vars());
        }
        env
    }

    /// Adds the variables of a dotenv file's text (variable values paid from `budget`);
    /// variables already set in the process environment keep their value when `process_wins`.
    /// Returns the lines that could not be read.
    pub(crate) fn add_text(
        &mut self,
        text: &str,
        process_wins: bool,
        budget: &Budget,
    ) -> Vec<DotenvError> {
        let (entries, errors) = dotenv::parse(text, self, budget);
        for entry in entries {
            if process_wins && std::env::var_os(&entry.key).is_some() {
                continue;
            }
            self.values.insert(entry.key, entry.value);
        }
        errors
    }
}

/// Interpolates every string of `value` in place, reporting `${VAR:?err}` with the variable
/// unset, malformed expressions and the project's interpolation budget running out. A value
/// that fails stays in the model as unknown.
///
/// The values of a large mapping (a big project's `services`) are interpolated on every core.
pub(crate) fn interpolate_value(
    value: &mut Value,
    vars: &(dyn Variables + Sync),
    budget: &Budget,
    file: &Arc<SourceFile>,
    out: &mut Vec<Diagnostic>,
) {
    match &mut value.kind {
        Kind::Str(s) => {
            if s.text.contains('$') {
                interpolate_str(s, value.origin.span, vars, budget, file, out);
            }
        }
        Kind::Seq(items) => {
            for item in items {
                interpolate_value(item, vars, budget, file, out);
            }
        }
        Kind::Map(map) => {
            let workers = parallel::workers(map.len());
            if workers < 2 {
                for v in map.values_mut() {
                    interpolate_value(v, vars, budget, file, out);
                }
                return;
            }
            let mut values: Vec<&mut Value> = map.values_mut().collect();
            let found = parallel::map_mut_in_order(&mut values, workers, |v| {
                let mut found = Vec::new();
                interpolate_value(v, vars, budget, file, &mut found);
                found
            });
            out.extend(found.into_iter().flatten());
        }
        Kind::Null | Kind::Bool(_) | Kind::Int(_) | Kind::Float(_) => {}
    }
}

fn interpolate_str(
    s: &mut Str,
    whole: Span,
    vars: &(dyn Variables + Sync),
    budget: &Budget,
    file: &Arc<SourceFile>,
    out: &mut Vec<Diagnostic>,
) {
    let at = |raw: &std::ops::Range<usize>| match s.raw_offset {
        Some(base) => Span::new(base + raw.start, base + raw.end),
        None => whole,
    };
    match interpolate(&s.text, vars, budget) {
        Ok(result) => {
            s.text.clone_from(&result.text);
            s.interpolation = Some(Box::new(result));
        }
        Err(InterpolationError::Required { name, message, raw }) => {
            let detail = if message.is_empty() {
                String::new()
            } else {
                format!(": {message}")
            };
            out.push(
                Diagnostic::new(
                    &codes::REQUIRED_VARIABLE,
                    format!("required variable `{name}` is not set{detail}"),
                )
                .at(file, at(&raw))
                .help(format!(
                    "set `{name}` in `.env` beside the compose file or pass `--env-file`"
                )),
            );
            mark_unknown(s, name, raw);
        }
        Err(InterpolationError::Invalid { raw, reason }) => {
            out.push(
                Diagnostic::new(
                    &codes::INVALID_INTERPOLATION,
                    format!("invalid interpolation format: {reason}"),
                )
                .at(file, at(&raw))
                .help("write a literal `$` as `$$`"),
            );
            mark_unknown(s, String::new(), raw);
        }
        Err(error @ InterpolationError::TooLarge { .. }) => {
            if budget.first_report() {
                out.push(
                    Diagnostic::new(&codes::RESOURCE_LIMIT, error.to_string())
                        .at(file, at(error.raw()))
                        .help("the values after this one that use variables are unknown"),
                );
            }
            mark_unknown(s, String::new(), error.raw().clone());
        }
    }
}

fn mark_unknown(s: &mut Str, name: String, raw: std::ops::Range<usize>) {
    s.text.clear();
    s.interpolation = Some(Box::new(Interpolated {
        text: String::new(),
        segments: vec![Segment {
            text: 0..0,
            kind: SegmentKind::Unknown { name, raw },
        }],
    }));
}

impl Environment {
    /// Adds the variables of `other`, which take precedence (an including project's variables
    /// win over an included project's own `.env`).
    pub(crate) fn extend_from(&mut self, other: &Environment) {
        self.values
            .extend(other.values.iter().map(|(k, v)| (k.clone(), v.clone())));
    }

    /// Sets `name` (the project name compose-go adds to the variables).
    pub(crate) fn set(&mut self, name: &str, value: String) {
        self.values.insert(name.to_string(), value);
    }
}
