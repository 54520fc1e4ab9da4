//! `include`: other compose projects whose resources join this one.

use super::Loader;
use super::merge::{merge, merge_files};
use super::value::{FileId, Kind, Value};
use super::vars::Environment;
use crate::diagnostic::Diagnostic;
use crate::project::codes;
use crate::source::Span;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Top-level sections an included project contributes.
const SECTIONS: [&str; 6] = [
    "services", "networks", "volumes", "configs", "secrets", "models",
];

/// One `include` entry, short or long form.
struct Entry {
    paths: Vec<(PathBuf, Span)>,
    project_dir: Option<PathBuf>,
    /// The `env_file` paths, with where each is written.
    env_files: Vec<(PathBuf, Option<(FileId, Span)>)>,
}

/// Loads every `include` of `root` and adds its resources. A resource `root` (or an earlier
/// include) defines too is merged, the definition already there over the included one, as
/// compose-go's `importResources` does.
pub(super) fn apply(
    loader: &mut Loader,
    id: FileId,
    root: &mut Value,
    dir: &Path,
    env: &Environment,
) {
    let Kind::Map(map) = &mut root.kind else {
        return;
    };
    let Some(includes) = map.remove("include") else {
        return;
    };
    let Some(items) = includes.as_seq() else {
        return;
    };
    for item in items {
        let Some(entry) = parse_entry(item, dir) else {
            continue;
        };
        let Some(included) = load_entry(loader, id, &entry, env) else {
            continue;
        };
        let Kind::Map(included) = included.kind else {
            continue;
        };
        for section in SECTIONS {
            let Some((
                key_origin,
                Value {
                    kind: Kind::Map(resources),
                    origin,
                    ..
                },
            )) = included.entry(section).map(|(o, v)| (*o, v.clone()))
            else {
                continue;
            };
            if !map.contains_key(section) {
                let empty = Value::new(Kind::Map(Default::default()), origin);
                map.insert(section.to_string(), key_origin, empty);
            }
            let Some(Value {
                kind: Kind::Map(target),
                ..
            }) = map.get_mut(section)
            else {
                continue;
            };
            for (name, name_origin, value) in resources.iter() {
                let (key_origin, merged) = match target.entry(name) {
                    Some((existing_origin, existing)) => {
                        let mut path = vec![section.to_string(), name.to_string()];
                        let merged = merge(Some(value.clone()), existing.clone(), &mut path);
                        (*existing_origin, merged)
                    }
                    None => (*name_origin, Some(value.clone())),
                };
                if let Some(merged) = merged {
                    target.insert(name.to_string(), key_origin, merged);
                }
            }
        }
    }
}

fn parse_entry(item: &Value, dir: &Path) -> Option<Entry> {
    let strings = |v: &Value| -> Vec<(String, Span)> {
        match &v.kind {
            Kind::Seq(items) => items
                .iter()
                .filter_map(|i| Some((i.scalar_text()?.into_owned(), i.origin.span)))
                .collect(),
            _ => v
                .scalar_text()
                .map(|s| vec![(s.into_owned(), v.origin.span)])
                .unwrap_or_default(),
        }
    };
    match &item.kind {
        Kind::Str(_) => Some(Entry {
            paths: strings(item)
                .into_iter()
                .map(|(p, s)| (dir.join(p), s))
                .collect(),
            project_dir: None,
            env_files: Vec::new(),
        }),
        Kind::Map(m) => {
            let paths = strings(m.get("path")?)
                .into_iter()
                .map(|(p, s)| (dir.join(p), s))
                .collect();
            let project_dir = m
                .get("project_directory")
                .and_then(Value::scalar_text)
                .map(|p| dir.join(&*p));
            let file = m.get("env_file").map(|v| v.origin.file);
            let env_files = m
                .get("env_file")
                .map(|v| {
                    strings(v)
                        .into_iter()
                        .map(|(p, span)| (dir.join(p), file.map(|f| (f, span))))
                        .collect()
                })
                .unwrap_or_default();
            Some(Entry {
                paths,
                project_dir,
                env_files,
            })
        }
        _ => None,
    }
}

/// Loads the files of one entry as a project of their own, merged in order.
fn load_entry(
    loader: &mut Loader,
    from: FileId,
    entry: &Entry,
    parent_env: &Environment,
) -> Option<Value> {
    let (first, _) = entry.paths.first()?;
    let project_dir = entry
        .project_dir
        .clone()
        .or_else(|| first.parent().map(Path::to_path_buf))
        .unwrap_or_default();
    let mut env = loader.project_environment(&project_dir, &entry.env_files);
    env.extend_from(parent_env);
    let mut model: Option<Value> = None;
    for (path, span) in &entry.paths {
        let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        if loader.including.contains(&key) {
            let file = Arc::clone(&loader.files[from.0 as usize]);
            loader.diagnostics.push(
                Diagnostic::new(
                    &codes::MISSING_FILE,
                    format!("`{}` includes itself", super::display_name(path)),
                )
                .at(&file, *span),
            );
            continue;
        }
        let Some((id, mut root)) = loader.parse_path(path, &env, Some((from, *span))) else {
            continue;
        };
        // Relative paths of every file of the entry are resolved against its project directory.
        loader.bases.insert(id, project_dir.clone());
        loader.including.push(key);
        loader.finish_file(id, &mut root, &env);
        loader.including.pop();
        model = Some(match model {
            None => root,
            Some(base) => merge_files(base, root),
        });
    }
    // The included project's own variables fill its environment and its env files.
    if let Some(model) = &mut model {
        super::env_file::fill_bare_variables(model, &env);
        super::env_file::apply(loader, model, &env);
    }
    model
}
