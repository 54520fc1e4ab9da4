//! `env_file` and `label_file`: variables read from files into a service's environment, below
//! `environment`, and labels read into its `labels`, below `labels`, once the project's files
//! are merged (compose-go reads them last, below every file's `environment`); and
//! `environment` variables written without a value, taken from the project's variables.

use super::Loader;
use super::interpolate::{Interpolated, Segment, SegmentKind, Variables};
use super::value::{Kind, Map, Origin, Str, Value};
use super::vars::Environment;
use crate::source::{ScalarStyle, SourceFile, Span};
use std::path::Path;
use std::sync::Arc;

/// The services of a root value, mutably.
fn services(root: &mut Value) -> Option<&mut Map> {
    let Kind::Map(root) = &mut root.kind else {
        return None;
    };
    match root.get_mut("services") {
        Some(Value {
            kind: Kind::Map(services),
            ..
        }) => Some(services),
        _ => None,
    }
}

fn service_map(service: &mut Value) -> Option<&mut Map> {
    match &mut service.kind {
        Kind::Map(m) => Some(m),
        _ => None,
    }
}

/// Gives each `environment` variable and build argument written without a value (`- TOKEN`)
/// the value of the variable of that name the project is interpolated with, when there is
/// one, as compose-go does (its `ResolveEnvironment` and `Normalize`). Redacted output names
/// the variable.
pub(super) fn fill_bare_variables(root: &mut Value, env: &Environment) {
    let Some(services) = services(root) else {
        return;
    };
    for service in services.values_mut() {
        let Some(service) = service_map(service) else {
            continue;
        };
        if let Some(environment) = service.get_mut("environment") {
            fill_from(environment, env);
        }
        if let Some(Value {
            kind: Kind::Map(build),
            ..
        }) = service.get_mut("build")
            && let Some(args) = build.get_mut("args")
        {
            fill_from(args, env);
        }
    }
}

/// The entries without value of a mapping, given the variable of their name.
fn fill_from(mapping: &mut Value, env: &Environment) {
    let Kind::Map(entries) = &mut mapping.kind else {
        return;
    };
    let bare: Vec<String> = entries
        .iter()
        .filter(|(_, _, v)| matches!(v.kind, Kind::Null))
        .map(|(k, _, _)| k.to_string())
        .collect();
    for name in bare {
        let (Some(text), Some(value)) = (env.get(&name), entries.get_mut(&name)) else {
            continue;
        };
        let segment = Segment {
            text: 0..text.len(),
            kind: SegmentKind::Variable {
                name: name.clone(),
                raw: 0..0,
            },
        };
        let interpolation = Interpolated {
            text: text.to_string(),
            segments: vec![segment],
        };
        value.kind = Kind::Str(Str {
            interpolation: Some(Box::new(interpolation)),
            ..Str::plain(text)
        });
    }
}

/// Reads the `env_file`s of every service of the merged `root` into its `environment`, and
/// its `label_file`s into its `labels` (as compose-go's `WithServicesLabelsResolved`), and drops
/// the keys.
pub(super) fn apply(loader: &mut Loader, root: &mut Value, env: &Environment) {
    let Some(services) = services(root) else {
        return;
    };
    for service in services.values_mut() {
        let Kind::Map(service) = &mut service.kind else {
            continue;
        };
        consume(loader, service, ("env_file", "environment"), env);
        // A label file's `${VAR}` sees the labels read before it, not the project's variables.
        consume(
            loader,
            service,
            ("label_file", "labels"),
            &Environment::default(),
        );
    }
}

/// Reads the files that `service`'s key `from` names into its mapping `into`, and drops `from`.
fn consume(loader: &mut Loader, service: &mut Map, (from, into): (&str, &str), env: &Environment) {
    let Some(files) = service.remove(from) else {
        return;
    };
    let entries: Vec<&Value> = match &files.kind {
        Kind::Seq(items) => items.iter().collect(),
        _ => vec![&files],
    };
    // Read last to first: a key already set (by `environment`, or by a later file) is kept,
    // so the later of several files wins, as in compose-go.
    for entry in entries.into_iter().rev() {
        let (path, required, span, written_in) = match &entry.kind {
            Kind::Str(s) => (s.text.clone(), true, entry.origin.span, entry.origin.file),
            Kind::Map(m) => {
                let Some(p) = m.get("path") else { continue };
                let Some(text) = p.scalar_text() else {
                    continue;
                };
                // `required: false`, or the string `"false"` an interpolation leaves.
                let required =
                    m.get("required").and_then(Value::scalar_text).as_deref() != Some("false");
                (text.into_owned(), required, p.origin.span, p.origin.file)
            }
            _ => continue,
        };
        // Relative to the folder of the file that wrote it (an `extends` base's own), as
        // compose-go resolves it.
        let path = loader.base_dir(written_in).join(path);
        if !required && !path.exists() {
            continue;
        }
        let file = Arc::clone(&loader.files[written_in.0 as usize]);
        let text = match loader.read_env_text(&path, true) {
            Ok(text) => text,
            Err(refused) => {
                let help = if from == "env_file" {
                    "create the file, or mark it optional with `required: false`"
                } else {
                    "create the file"
                };
                loader
                    .diagnostics
                    .push(refused.diagnostic(Some(&file), span).help(help));
                continue;
            }
        };
        read_into(loader, &path, text, service, into, env);
    }
}

fn read_into(
    loader: &mut Loader,
    path: &Path,
    text: String,
    service: &mut Map,
    into: &str,
    env: &Environment,
) {
    let (entries, problems) = super::dotenv::parse(&text, env, &loader.budget);
    let (file_id, file) = loader.add_file(SourceFile::new(
        path.to_path_buf(),
        super::display_name(path),
        text,
    ));
    loader.report_dotenv(&file, problems);
    let environment = match service.get_mut(into) {
        Some(Value {
            kind: Kind::Map(m), ..
        }) => m,
        _ => {
            let origin = Origin {
                file: file_id,
                span: Span::at(0),
                via_alias: None,
            };
            service.insert(
                into.to_string(),
                origin,
                Value::new(Kind::Map(Map::default()), origin),
            );
            match service.get_mut(into) {
                Some(Value {
                    kind: Kind::Map(m), ..
                }) => m,
                _ => return,
            }
        }
    };
    for entry in entries {
        // A key set by `environment` or a later env_file stays; within this file, a later
        // duplicate overrides an earlier one.
        if environment
            .get(&entry.key)
            .is_some_and(|v| v.origin.file != file_id)
        {
            continue;
        }
        let start = file.lines().line_start(entry.line).unwrap_or(0);
        let end = file.text()[start..]
            .find('\n')
            .map_or(file.text().len(), |i| start + i);
        let origin = Origin {
            file: file_id,
            span: Span::new(start, end),
            via_alias: None,
        };
        // A value built from an unknown variable is unknown as a whole.
        let (text, interpolation) = if entry.known {
            (entry.value, None)
        } else {
            let unknown = SegmentKind::Unknown {
                name: entry.key.clone(),
                raw: 0..0,
            };
            let segments = vec![Segment {
                text: 0..0,
                kind: unknown,
            }];
            (
                String::new(),
                Some(Box::new(Interpolated {
                    text: String::new(),
                    segments,
                })),
            )
        };
        let value = Value::new(
            Kind::Str(Str {
                text,
                style: ScalarStyle::Plain,
                raw_offset: None,
                interpolation,
            }),
            origin,
        );
        environment.insert(entry.key, origin, value);
    }
}
