//! `extends`: a service inherits another's configuration, from the same file or another.

use super::Loader;
use super::merge::merge;
use super::value::{FileId, Kind, Map, Value};
use super::vars::Environment;
use crate::diagnostic::Diagnostic;
use crate::project::codes;
use crate::source::Span;
use std::path::Path;
use std::sync::Arc;

/// Resolves every `extends` in the services of `root` (written in file `id`, in `dir`).
pub(super) fn apply(
    loader: &mut Loader,
    id: FileId,
    root: &mut Value,
    dir: &Path,
    env: &Environment,
) {
    let Some(Value {
        kind: Kind::Map(services),
        ..
    }) = root_services(root)
    else {
        return;
    };
    let names: Vec<String> = services.iter().map(|(k, _, _)| k.to_string()).collect();
    for name in names {
        resolve(loader, id, services, &name, dir, env, &mut Vec::new());
    }
}

fn root_services(root: &mut Value) -> Option<&mut Value> {
    match &mut root.kind {
        Kind::Map(m) => m.get_mut("services"),
        _ => None,
    }
}

/// The service `name` of `services` with its `extends` resolved in place.
fn resolve(
    loader: &mut Loader,
    id: FileId,
    services: &mut Map,
    name: &str,
    dir: &Path,
    env: &Environment,
    chain: &mut Vec<String>,
) {
    let Some(service) = services.get(name) else {
        return;
    };
    let Some(extends) = service.get("extends") else {
        return;
    };
    let (base_name, name_span, file) = match &extends.kind {
        Kind::Str(s) => (s.text.clone(), extends.origin.span, None),
        Kind::Map(m) => {
            let Some(svc) = m.get("service") else { return }; // the schema reports it
            let Some(base) = svc.scalar_text() else {
                return;
            };
            let file = m
                .get("file")
                .and_then(|f| Some((f.scalar_text()?.into_owned(), f.origin.span)));
            (base.into_owned(), svc.origin.span, file)
        }
        _ => return,
    };
    let file_arc = Arc::clone(&loader.files[id.0 as usize]);
    let base = match file {
        None => {
            if chain.iter().any(|c| c == &base_name) || base_name == name {
                loader.diagnostics.push(
                    Diagnostic::new(
                        &codes::INVALID_EXTENDS,
                        format!("service `{name}` extends `{base_name}`, which extends it back"),
                    )
                    .at(&file_arc, name_span)
                    .service(name),
                );
                strip_extends(services, name);
                return;
            }
            chain.push(name.to_string());
            resolve(loader, id, services, &base_name, dir, env, chain);
            chain.pop();
            match services.get(&base_name) {
                Some(base) => base.clone(),
                None => {
                    report_unknown(loader, &file_arc, name_span, name, &base_name, None);
                    strip_extends(services, name);
                    return;
                }
            }
        }
        Some((path, path_span)) => {
            let path = dir.join(path);
            match other_file_service(loader, &path, &base_name, env, (id, path_span)) {
                Ok(base) => base,
                Err(found_file) => {
                    if found_file {
                        report_unknown(loader, &file_arc, name_span, name, &base_name, Some(&path));
                    }
                    strip_extends(services, name);
                    return;
                }
            }
        }
    };
    let Some(child) = services.get(name).cloned() else {
        return;
    };
    let mut base = base;
    remove_key(&mut base, "extends");
    let mut child = child;
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

/// The resolved service `name` of another file; Err(true) when the file was read but lacks
/// the service, Err(false) when the file could not be read (already reported).
fn other_file_service(
    loader: &mut Loader,
    path: &Path,
    name: &str,
    env: &Environment,
    from: (FileId, Span),
) -> Result<Value, bool> {
    let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    if !loader.parsed.contains_key(&key) {
        // Mark first, so a file that extends itself does not recurse forever.
        loader.parsed.insert(key.clone(), None);
        let parsed = loader
            .parse_path(path, env, Some(from))
            .map(|(id, mut root)| {
                let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
                apply(loader, id, &mut root, &dir, env);
                (id, root)
            });
        let read = parsed.is_some();
        loader.parsed.insert(key.clone(), parsed);
        if !read {
            return Err(false);
        }
    }
    match loader.parsed.get(&key) {
        Some(Some((_, root))) => root
            .get("services")
            .and_then(|s| s.get(name))
            .cloned()
            .ok_or(true),
        _ => Err(false),
    }
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
