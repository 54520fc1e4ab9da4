//! Turns schema errors into findings a person understands, placed at the offending key or value.

use super::codes;
use crate::diagnostic::Diagnostic;
use crate::project::value::{Kind, Origin, Value};
use crate::source::{SourceFile, Span};
use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::paths::LocationSegment;
use jsonschema::{JsonType, ValidationError};
use std::collections::BTreeSet;
use std::sync::{Arc, LazyLock};

/// One step of an instance path.
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

fn steps(error: &ValidationError) -> Vec<Step> {
    error
        .instance_path()
        .iter()
        .map(|s| match s {
            LocationSegment::Property(p) => Step::Key(p.into_owned()),
            LocationSegment::Index(i) => Step::Index(i),
        })
        .collect()
}

/// The value at `path`, with the origin of the key that holds it (None for list items).
fn lookup<'v>(root: &'v Value, path: &[Step]) -> (&'v Value, Option<Origin>) {
    let mut value = root;
    let mut key_origin = None;
    for step in path {
        let next = match step {
            Step::Key(k) => value
                .as_map()
                .and_then(|m| m.entry(k))
                .map(|(o, v)| (v, Some(*o))),
            Step::Index(i) => value.as_seq().and_then(|s| s.get(*i)).map(|v| (v, None)),
        };
        match next {
            Some((v, o)) => {
                value = v;
                key_origin = o;
            }
            None => break,
        }
    }
    (value, key_origin)
}

/// Where the path is, in words: "in service `kafka`", "in `deploy.resources` of service `web`".
fn context(path: &[Step]) -> String {
    let kinds = [
        ("services", "service"),
        ("networks", "network"),
        ("volumes", "volume"),
        ("secrets", "secret"),
        ("configs", "config"),
        ("models", "model"),
    ];
    let dotted = |rest: &[Step]| {
        rest.iter()
            .map(|s| match s {
                Step::Key(k) => k.clone(),
                Step::Index(i) => format!("[{i}]"),
            })
            .collect::<Vec<_>>()
            .join(".")
            .replace(".[", "[")
    };
    match path {
        [] => "at the top level".to_string(),
        [Step::Key(section), Step::Key(name), rest @ ..] => {
            match kinds.iter().find(|(s, _)| s == section) {
                Some((_, kind)) if rest.is_empty() => format!("in {kind} `{name}`"),
                Some((_, kind)) => format!("in `{}` of {kind} `{name}`", dotted(rest)),
                None => format!("in `{}`", dotted(path)),
            }
        }
        _ => format!("in `{}`", dotted(path)),
    }
}

/// The `description` of the schema holding the keyword that failed, to explain a bad value.
fn description(error: &ValidationError) -> Option<String> {
    let pointer = error.schema_path().as_str();
    let parent = &pointer[..pointer.rfind('/')?];
    let text = super::SCHEMA_JSON
        .pointer(parent)?
        .get("description")?
        .as_str()?;
    Some(text.to_string())
}

/// For a path to a top-level section holding named resources, the kind of resource.
fn named_section(path: &[Step]) -> Option<&'static str> {
    match path {
        [Step::Key(section)] => match section.as_str() {
            "services" => Some("service"),
            "networks" => Some("network"),
            "volumes" => Some("volume"),
            "secrets" => Some("secret"),
            "configs" => Some("config"),
            "models" => Some("model"),
            _ => None,
        },
        _ => None,
    }
}

/// Where the thing `name_of` names sits: its parent's place (a list item's list is already
/// named by `name_of`, so its place is the list's parent's).
fn parent_context(path: &[Step]) -> String {
    let parent = match path {
        [] => return String::new(),
        [rest @ .., Step::Key(_), Step::Index(_)] => rest,
        [rest @ .., _] => rest,
    };
    let place = context(parent);
    if path.len() == 1 {
        String::new()
    } else {
        place
    }
}

/// The thing at `path` and where it is: "`ports` in service `web`".
fn subject(path: &[Step]) -> String {
    let context = parent_context(path);
    if context.is_empty() {
        name_of(path)
    } else {
        format!("{} {context}", name_of(path))
    }
}

fn name_of(path: &[Step]) -> String {
    match path.last() {
        Some(Step::Key(k)) => format!("`{k}`"),
        Some(Step::Index(i)) => {
            let parent = match path.len().checked_sub(2).map(|i| &path[i]) {
                Some(Step::Key(k)) => format!("`{k}`"),
                _ => "the list".to_string(),
            };
            format!("item {} of {parent}", i + 1)
        }
        None => "the file".to_string(),
    }
}

fn service_of(path: &[Step]) -> Option<String> {
    match path {
        [Step::Key(s), Step::Key(name), ..] if s == "services" => Some(name.clone()),
        _ => None,
    }
}

fn json_type(t: JsonType) -> &'static str {
    match t {
        JsonType::Array => "a list",
        JsonType::Boolean => "a boolean",
        JsonType::Integer => "an integer",
        JsonType::Null => "null",
        JsonType::Number => "a number",
        JsonType::Object => "a mapping",
        JsonType::String => "a string",
    }
}

fn type_list(kind: &TypeKind) -> Vec<&'static str> {
    match kind {
        TypeKind::Single(t) => vec![json_type(*t)],
        TypeKind::Multiple(set) => set.iter().map(json_type).collect(),
    }
}

fn words(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// Every property name the schema knows, for "did you mean".
static KNOWN_KEYS: LazyLock<BTreeSet<String>> = LazyLock::new(|| {
    fn walk(v: &serde_json::Value, out: &mut BTreeSet<String>) {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(serde_json::Value::Object(props)) = m.get("properties") {
                    out.extend(props.keys().cloned());
                }
                m.values().for_each(|v| walk(v, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    walk(&super::SCHEMA_JSON, &mut out);
    out
});

/// Builds what messages need (done on the schema thread, off the checker's path).
pub(super) fn prepare() {
    LazyLock::force(&KNOWN_KEYS);
}

/// The key of the mapping the error is about (its schema's `properties`) closest to `key`:
/// `servics` at the top level is `services`, not `service`. None when the schema node cannot
/// be found (behind a `$ref`) or no key is close.
fn suggest_here(error: &ValidationError, key: &str) -> Option<&'static str> {
    let pointer = error.schema_path().as_str();
    let parent = &pointer[..pointer.rfind('/')?];
    let properties = super::SCHEMA_JSON
        .pointer(parent)?
        .get("properties")?
        .as_object()?;
    closest(key, properties.keys().map(String::as_str))
}

/// The candidate closest to `key`, when close enough to be a typo.
fn closest<'a>(key: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|k| (strsim::damerau_levenshtein(key, k), k))
        .filter(|&(d, k)| d > 0 && d <= 2.max(key.len() / 4) && d < k.len())
        .min_by_key(|&(d, _)| d)
        .map(|(_, k)| k)
}

/// The known key closest to `key`, when close enough to be a typo.
pub(super) fn suggest(key: &str) -> Option<&'static str> {
    closest(key, KNOWN_KEYS.iter().map(String::as_str))
}

struct At<'a> {
    file: &'a Arc<SourceFile>,
    root: &'a Value,
}

impl At<'_> {
    fn diag(
        &self,
        rule: &'static crate::diagnostic::RuleInfo,
        message: String,
        span: Span,
        path: &[Step],
    ) -> Diagnostic {
        let mut d = Diagnostic::new(rule, message).at(self.file, span);
        d.service = service_of(path);
        d
    }
}

/// Appends the findings one schema error stands for.
pub(super) fn explain(
    error: &ValidationError,
    root: &Value,
    file: &Arc<SourceFile>,
    out: &mut Vec<Diagnostic>,
) {
    let at = At { file, root };
    explain_at(&at, error, out);
}

fn explain_at(at: &At, error: &ValidationError, out: &mut Vec<Diagnostic>) {
    let path = steps(error);
    let (value, key_origin) = lookup(at.root, &path);
    // A finding about a whole collection is shown at the key that holds it.
    let span = match (&value.kind, key_origin) {
        (Kind::Seq(_) | Kind::Map(_) | Kind::Null, Some(key)) => key.span,
        _ => value.origin.span,
    };
    let subject = subject(&path);
    // A string holding an unset variable is unknown: what it will be is not judged.
    let unknown = value.as_str().is_some_and(|s| !s.is_known());
    match error.kind() {
        ValidationErrorKind::Pattern { .. }
        | ValidationErrorKind::Enum { .. }
        | ValidationErrorKind::Format { .. }
        | ValidationErrorKind::MinLength { .. }
            if unknown => {}
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            for key in unexpected {
                let key_span = value
                    .as_map()
                    .and_then(|m| m.entry(key))
                    .map_or(span, |(o, _)| o.span);
                if let Some(kind) = named_section(&path) {
                    out.push(at.diag(
                        &codes::INVALID_VALUE,
                        format!(
                            "invalid {kind} name `{key}`: names may only use letters, digits, `.`, `_` and `-`"
                        ),
                        key_span,
                        &path,
                    ));
                    continue;
                }
                if path.is_empty() && is_version_one_service(at.root, key) {
                    out.push(
                        at.diag(
                            &codes::UNKNOWN_KEY,
                            format!(
                                "`{key}` is a service written in the version 1 format (services \
                                 at the top level), which Compose v2 no longer reads"
                            ),
                            key_span,
                            &path,
                        )
                        .help("move the services under a top-level `services:` key"),
                    );
                    continue;
                }
                let place = crate::project::schema::messages::context(&path);
                let mut d = at.diag(
                    &codes::UNKNOWN_KEY,
                    format!("unknown key `{key}` {place}"),
                    key_span,
                    &path,
                );
                d = match suggest_here(error, key).or_else(|| suggest(key)) {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None => d.help("remove it, or prefix it with `x-` to keep it as an extension"),
                };
                out.push(d);
            }
        }
        ValidationErrorKind::Type { kind } => {
            let expected = words(&type_list(kind));
            out.push(at.diag(
                &codes::WRONG_TYPE,
                format!("{subject} must be {expected}, not {}", value.type_name()),
                span,
                &path,
            ));
        }
        ValidationErrorKind::Required { property } => {
            let property = property.as_str().unwrap_or_default();
            out.push(at.diag(
                &codes::MISSING_KEY,
                format!("{subject} lacks the required key `{property}`"),
                span,
                &path,
            ));
        }
        ValidationErrorKind::AnyOf { context: branches }
        | ValidationErrorKind::OneOfNotValid { context: branches } => {
            explain_alternatives(at, &path, value, branches, out);
        }
        ValidationErrorKind::Enum { options } => {
            let allowed: Vec<String> = options
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter(|o| o.as_str() != Some(""))
                        .map(|o| format!("`{}`", o.as_str().map_or(o.to_string(), str::to_string)))
                        .collect()
                })
                .unwrap_or_default();
            let allowed: Vec<&str> = allowed.iter().map(String::as_str).collect();
            out.push(at.diag(
                &codes::INVALID_VALUE,
                format!("{subject} must be one of {}", words(&allowed)),
                span,
                &path,
            ));
        }
        ValidationErrorKind::Pattern { pattern } => {
            let shown = value.quoted_text().unwrap_or_default();
            let help = description(error)
                .unwrap_or_else(|| format!("expected a value matching `{pattern}`"));
            out.push(
                at.diag(
                    &codes::INVALID_VALUE,
                    format!("invalid value `{shown}` for {subject}"),
                    span,
                    &path,
                )
                .help(help),
            );
        }
        // Items holding an unset variable are unknown: `${A}:${A}` and `${B}:${B}` only look
        // alike while both are empty.
        ValidationErrorKind::UniqueItems if !repeats_a_known_item(value) => {}
        ValidationErrorKind::UniqueItems => {
            out.push(at.diag(
                &codes::INVALID_VALUE,
                format!("{subject} repeats an item"),
                span,
                &path,
            ));
        }
        ValidationErrorKind::Not { schema } => {
            let rule = schema
                .get("description")
                .and_then(|d| d.as_str())
                .unwrap_or("a combination of keys that is not allowed")
                .trim_end_matches('.');
            let mut chars = rule.chars();
            let rule: String = chars
                .next()
                .map(|c| c.to_lowercase().chain(chars).collect())
                .unwrap_or_default();
            let place = crate::project::schema::messages::context(&path);
            out.push(at.diag(
                &codes::INVALID_VALUE,
                format!("{rule} {place}"),
                span,
                &path,
            ));
        }
        ValidationErrorKind::OneOfMultipleValid { .. } => {
            out.push(at.diag(
                &codes::INVALID_VALUE,
                format!("{subject} matches more than one of the accepted forms"),
                span,
                &path,
            ));
        }
        _ => {
            out.push(at.diag(
                &codes::INVALID_VALUE,
                format!("{subject}: {error}"),
                span,
                &path,
            ));
        }
    }
}

/// For `anyOf`/`oneOf`: the branches whose value has the right type say what is wrong inside;
/// when no branch has the right type, the value has the wrong type.
/// Whether two items of a sequence are equal with every value in them known.
fn repeats_a_known_item(seq: &Value) -> bool {
    let Some(items) = seq.as_seq() else {
        return true;
    };
    let known: Vec<serde_json::Value> = items
        .iter()
        .filter(|v| is_known(v))
        .map(super::to_json)
        .collect();
    known
        .iter()
        .enumerate()
        .any(|(i, a)| known[i + 1..].contains(a))
}

/// Whether a value holds no unset variable.
fn is_known(value: &Value) -> bool {
    match &value.kind {
        Kind::Str(s) => s.is_known(),
        Kind::Seq(items) => items.iter().all(is_known),
        Kind::Map(map) => map.iter().all(|(_, _, v)| is_known(v)),
        _ => true,
    }
}

fn explain_alternatives(
    at: &At,
    path: &[Step],
    value: &Value,
    branches: &[Vec<ValidationError<'static>>],
    out: &mut Vec<Diagnostic>,
) {
    let depth = path.len();
    let type_mismatch = |errors: &Vec<ValidationError<'static>>| {
        errors.iter().any(|e| {
            e.instance_path().iter().count() == depth
                && matches!(
                    e.kind(),
                    ValidationErrorKind::Type { .. }
                        | ValidationErrorKind::Enum { .. }
                        | ValidationErrorKind::Pattern { .. }
                        | ValidationErrorKind::Constant { .. }
                )
        })
    };
    let fitting: Vec<&Vec<ValidationError<'static>>> =
        branches.iter().filter(|b| !type_mismatch(b)).collect();
    if let Some(best) = fitting.iter().min_by_key(|b| b.len()) {
        for e in best.iter() {
            explain_at(at, e, out);
        }
        return;
    }
    let mut expected: Vec<&'static str> = Vec::new();
    for branch in branches {
        for e in branch {
            if let ValidationErrorKind::Type { kind } = e.kind() {
                if e.instance_path().iter().count() == depth {
                    for t in type_list(kind) {
                        if !expected.contains(&t) {
                            expected.push(t);
                        }
                    }
                }
            }
        }
    }
    let subject = subject(path);
    let message = if expected.is_empty() || expected.contains(&value.type_name()) {
        let shown = value
            .quoted_text()
            .map(|s| format!(" `{s}`"))
            .unwrap_or_default();
        format!("invalid value{shown} for {subject}")
    } else {
        format!(
            "{subject} must be {}, not {}",
            words(&expected),
            value.type_name()
        )
    };
    let rule = if expected.is_empty() || expected.contains(&value.type_name()) {
        &codes::INVALID_VALUE
    } else {
        &codes::WRONG_TYPE
    };
    out.push(at.diag(rule, message, value.origin.span, path));
}

/// Whether the top-level `key` of `root` is a service of the version 1 format: the file has
/// no `services` and the key holds a mapping with `image` or `build`.
fn is_version_one_service(root: &Value, key: &str) -> bool {
    root.get("services").is_none()
        && root
            .get(key)
            .and_then(Value::as_map)
            .is_some_and(|m| m.contains_key("image") || m.contains_key("build"))
}

#[cfg(test)]
mod tests {
    use super::suggest;

    #[test]
    fn did_you_mean() {
        assert_eq!(suggest("enviroment"), Some("environment"));
        assert_eq!(suggest("helthcheck"), Some("healthcheck"));
        assert_eq!(suggest("port"), Some("ports"));
        assert_eq!(suggest("x-totally-unrelated-thing"), None);
    }

    /// The help of the first unknown-key finding of `yaml`.
    fn help_for(yaml: &str) -> Option<String> {
        let file = std::sync::Arc::new(crate::source::SourceFile::new(
            "compose.yaml".into(),
            "compose.yaml".into(),
            yaml,
        ));
        let project = crate::project::from_yaml(yaml);
        let mut out = Vec::new();
        crate::project::schema::validate(project.model.as_ref()?, &file, &mut out);
        out.into_iter().find(|d| d.rule.code == "SCH001")?.help
    }

    #[test]
    fn did_you_mean_prefers_the_keys_of_that_mapping() {
        let help = help_for("servics:\n  a:\n    image: x\n");
        assert_eq!(help.as_deref(), Some("did you mean `services`?"));
        let help = help_for("services:\n  a:\n    image: x\n    enviroment: {}\n");
        assert_eq!(help.as_deref(), Some("did you mean `environment`?"));
    }
}
