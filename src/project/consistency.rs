//! The consistency errors compose-go raises on a merged project that its schema accepts
//! (`loader/validate.go` `checkConsistency`, and the `ShellCommand` decoder): a container path
//! mounted twice, a secret with no content, a string command it cannot split into words.
//! Dependency errors are rules (HYG007, HYG017), which see profiles and sibling files.

use super::canonical::{clean_path, long_volume};
use super::command_words::{CommandError, command_words};
use super::schema::codes;
use super::value::{Kind, Value};
use crate::diagnostic::Diagnostic;
use crate::source::{SourceFile, Span};
use std::sync::Arc;

/// Findings for the inconsistencies of `model`; `files` are the project's files by id.
pub(super) fn check(model: &Value, files: &[Arc<SourceFile>], out: &mut Vec<Diagnostic>) {
    let at = |d: Diagnostic, v: &Value, span: Span| match files.get(v.origin.file.0 as usize) {
        Some(file) => d.at(file, span),
        None => d,
    };
    if let Some(services) = model.get("services").and_then(Value::as_map) {
        for (name, _, service) in services.iter() {
            for (v, d) in mount_conflicts(service).chain(refused_commands(service)) {
                out.push(at(d.service(name), v, v.origin.span));
            }
        }
    }
    if let Some(secrets) = model.get("secrets").and_then(Value::as_map) {
        for (name, key, secret) in secrets.iter() {
            if let Some(d) = empty_secret(name, secret)
                && let Some(file) = files.get(key.file.0 as usize)
            {
                out.push(d.at(file, key.span));
            }
        }
    }
}

/// A `tmpfs` path or volume target that an earlier mount of the service already takes:
/// compose-go refuses it ("target … already mounted"). Volumes are compared after Compose
/// keeps one per target, so only a clash with `tmpfs` counts between them.
fn mount_conflicts(service: &Value) -> impl Iterator<Item = (&Value, Diagnostic)> {
    let tmpfs: Vec<(&Value, String)> = match service.get("tmpfs") {
        Some(Value {
            kind: Kind::Seq(items),
            ..
        }) => items
            .iter()
            .filter_map(|i| Some((i, tmpfs_path(i)?)))
            .collect(),
        Some(item) => tmpfs_path(item).map(|p| (item, p)).into_iter().collect(),
        None => Vec::new(),
    };
    let volumes: Vec<(&Value, String)> = service
        .get("volumes")
        .and_then(Value::as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(|item| {
            let long = long_volume(item.clone());
            let target = long.get("target")?.as_str().filter(|s| s.is_known())?;
            let at = item.get("target").unwrap_or(item);
            Some((at, target.text.clone()))
        })
        .collect();
    let mut seen: Vec<(&str, &'static str)> = Vec::new();
    let mut out = Vec::new();
    for (key, mounts) in [("tmpfs", &tmpfs), ("volumes", &volumes)] {
        for (v, path) in mounts {
            match seen.iter().find(|(p, _)| p == path) {
                Some((_, first)) if !(key == "volumes" && *first == "volumes") => {
                    out.push((
                        *v,
                        Diagnostic::new(
                            &codes::INVALID_VALUE,
                            format!(
                                "`{path}` is already mounted by this service's `{first}`: \
                                 Compose refuses the project (target already mounted)"
                            ),
                        )
                        .help("mount each container path once: remove one of the two mounts"),
                    ));
                }
                Some(_) => {}
                None => seen.push((path, key)),
            }
        }
    }
    out.into_iter()
}

/// The container path of a `tmpfs` entry (`/path[:options]`).
fn tmpfs_path(item: &Value) -> Option<String> {
    let text = item.as_str().filter(|s| s.is_known())?;
    let path = text.text.split(':').next()?;
    (!path.is_empty()).then(|| clean_path(path))
}

/// A string `command`, `entrypoint` or hook command that compose-go cannot split into words.
fn refused_commands(service: &Value) -> impl Iterator<Item = (&Value, Diagnostic)> {
    let hooks = ["post_start", "pre_stop"]
        .into_iter()
        .filter_map(|key| service.get(key).and_then(Value::as_seq))
        .flatten()
        .filter_map(|hook| hook.get("command"));
    ["command", "entrypoint"]
        .into_iter()
        .filter_map(|key| service.get(key))
        .chain(hooks)
        .filter_map(|v| {
            let text = v.as_str().filter(|s| s.is_known())?;
            let why = match command_words(&text.text).err()? {
                CommandError::Parenthesis(_) => "a `(` outside quotes",
                CommandError::Unterminated => {
                    "a quote, backquote, `$(` or `)` that is not closed, or a trailing `\\`"
                }
            };
            Some((
                v,
                Diagnostic::new(
                    &codes::INVALID_VALUE,
                    format!(
                        "Compose cannot split this command into arguments ({why}): it refuses \
                         the project (invalid command line string)"
                    ),
                )
                .help(
                    "quote the argument that holds it, or write the command as a list of arguments",
                ),
            ))
        })
}

/// A secret that is neither external nor given by `file` or `environment`.
fn empty_secret(name: &str, secret: &Value) -> Option<Diagnostic> {
    let map = secret.as_map()?;
    let external = map
        .get("external")
        .is_some_and(|v| !matches!(v.kind, Kind::Bool(false)));
    if external || map.contains_key("file") || map.contains_key("environment") {
        return None;
    }
    Some(
        Diagnostic::new(
            &codes::MISSING_KEY,
            format!(
                "secret `{name}` has neither `file` nor `environment`: Compose refuses the \
                 project (it must declare either `file` or `environment`)"
            ),
        )
        .help("give its content with `file: ./path` or `environment: VARIABLE`, or mark it `external: true`"),
    )
}
