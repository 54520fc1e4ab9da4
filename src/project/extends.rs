//! `extends`: a service inherits another's configuration, from the same file or another.

use super::Loader;
use super::merge::merge;
use super::value::{FileId, Kind, Map, Value};
use super::vars::Environment;
use crate::diagnostic::Diagnostic;
use crate::project::codes;
use crate::source::Span;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Resolves every `extends` in the services of `root` (written in file `id`, in `dir`).
pub(super) fn apply(
    loader: &mut Loader,
    id: FileId,
    root: &mut Value,
    dir: &Path,
    env: &Environment,
) {
    let key = file_key(loader.files[id.0 as usize].path());
    let Some(Value {
        kind: Kind::Map(services),
        ..
    }) = root_services(root)
    else {
        return;
    };
    let names: Vec<String> = services.iter().map(|(k, _, _)| k.to_string()).collect();
    let file = File { id, key: &key, dir };
    for name in names {
        resolve(loader, &file, services, &name, env);
    }
}

/// How files are told apart: by their resolved path.
fn file_key(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// The file whose services are being resolved.
struct File<'a> {
    id: FileId,
    key: &'a Path,
    dir: &'a Path,
}

fn root_services(root: &mut Value) -> Option<&mut Value> {
    match &mut root.kind {
        Kind::Map(m) => m.get_mut("services"),
        _ => None,
    }
}

/// The service `name` of `services` with its `extends` resolved in place. The services being
/// resolved, across files, are on `loader.extending`: meeting one again is a cycle.
fn resolve(loader: &mut Loader, file: &File, services: &mut Map, name: &str, env: &Environment) {
    let Some(service) = services.get(name) else {
        return;
    };
    let Some(extends) = service.get("extends") else {
        return;
    };
    let (base_name, name_span, other) = match &extends.kind {
        Kind::Str(s) => (s.text.clone(), extends.origin.span, None),
        Kind::Map(m) => {
            let Some(svc) = m.get("service") else { return }; // the schema reports it
            let Some(base) = svc.scalar_text() else {
                return;
            };
            let other = m
                .get("file")
                .and_then(|f| Some((file.dir.join(&*f.scalar_text()?), f.origin.span)));
            (base.into_owned(), svc.origin.span, other)
        }
        _ => return,
    };
    let file_arc = Arc::clone(&loader.files[file.id.0 as usize]);
    let base_key = other
        .as_ref()
        .map_or_else(|| file.key.to_path_buf(), |(path, _)| file_key(path));
    loader
        .extending
        .push((file.key.to_path_buf(), name.to_string()));
    let cycle = loader
        .extending
        .iter()
        .any(|(k, n)| *k == base_key && *n == base_name);
    let base = if cycle {
        let place = match &other {
            Some((path, _)) => format!(" of `{}`", super::display_name(path)),
            None => String::new(),
        };
        loader.diagnostics.push(
            Diagnostic::new(
                &codes::INVALID_EXTENDS,
                format!("service `{name}` extends `{base_name}`{place}, which extends it back"),
            )
            .at(&file_arc, name_span)
            .service(name),
        );
        None
    } else {
        match &other {
            None => {
                resolve(loader, file, services, &base_name, env);
                let base = services.get(&base_name).cloned();
                if base.is_none() {
                    report_unknown(loader, &file_arc, name_span, name, &base_name, None);
                }
                base
            }
            Some((path, path_span)) => {
                match other_file_service(
                    loader,
                    path,
                    &base_key,
                    &base_name,
                    env,
                    (file.id, *path_span),
                ) {
                    Ok(base) => Some(base),
                    Err(found_file) => {
                        if found_file {
                            report_unknown(
                                loader,
                                &file_arc,
                                name_span,
                                name,
                                &base_name,
                                Some(path),
                            );
                        }
                        None
                    }
                }
            }
        }
    };
    loader.extending.pop();
    let Some(mut base) = base else {
        strip_extends(services, name);
        return;
    };
    let Some(mut child) = services.get(name).cloned() else {
        return;
    };
    remove_key(&mut base, "extends");
    remove_key(&mut child, "extends");
    let key_origin = services
        .entry(name)
        .map(|(o, _)| *o)
        .unwrap_or(child.origin);
    let mut path = vec!["services".to_string(), name.to_string()];
    if let Some(merged) = merge(Some(base), child, &mut path) {
        services.insert(name.to_string(), key_origin, merged);
    }
}

/// The resolved service `name` of another file (`key` resolved from `path`); Err(true) when
/// the file was read but lacks the service, Err(false) when it could not be read (already
/// reported). The file is read once; its services are resolved as they are asked for.
fn other_file_service(
    loader: &mut Loader,
    path: &Path,
    key: &Path,
    name: &str,
    env: &Environment,
    from: (FileId, Span),
) -> Result<Value, bool> {
    if !loader.parsed.contains_key(key) {
        let parsed = loader.parse_path(path, env, Some(from));
        loader.parsed.insert(key.to_path_buf(), parsed);
    }
    // Taken out while its services resolve (they may extend further files).
    let Some(Some((id, mut root))) = loader.parsed.remove(key) else {
        loader.parsed.insert(key.to_path_buf(), None);
        return Err(false);
    };
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    if let Some(Value {
        kind: Kind::Map(services),
        ..
    }) = root_services(&mut root)
    {
        let file = File { id, key, dir: &dir };
        resolve(loader, &file, services, name, env);
    }
    let service = root.get("services").and_then(|s| s.get(name)).cloned();
    loader.parsed.insert(key.to_path_buf(), Some((id, root)));
    service.ok_or(true)
}

fn report_unknown(
    loader: &mut Loader,
    file: &Arc<crate::source::SourceFile>,
    span: Span,
    name: &str,
    base: &str,
    other: Option<&Path>,
) {
    let place = match other {
        Some(p) => format!("`{}`", super::display_name(p)),
        None => "this file".to_string(),
    };
    loader.diagnostics.push(
        Diagnostic::new(
            &codes::INVALID_EXTENDS,
            format!("service `{name}` extends `{base}`, which is not a service of {place}"),
        )
        .at(file, span)
        .service(name),
    );
}

fn strip_extends(services: &mut Map, name: &str) {
    if let Some(service) = services.get_mut(name) {
        remove_key(service, "extends");
    }
}

fn remove_key(value: &mut Value, key: &str) {
    if let Kind::Map(m) = &mut value.kind {
        m.remove(key);
    }
}
