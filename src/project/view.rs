//! The project as `docker compose config` shows it: its name first, services of inactive
//! profiles left out, `depends_on` entries in their long form, and relative paths (build
//! contexts, bind-mount sources, watch paths, config and secret files, bind devices of local
//! volumes) made absolute against the folder each was declared for ([`Project::base_dir`]),
//! as compose-go's `ResolveRelativePaths` does. The rules read the model as loaded; only
//! `config` prints this view.

use super::Project;
use super::value::{FileId, Kind, Map, Origin, Str, Value};
use std::path::{Component, Path, PathBuf};

/// The model `config` prints; None when the project has none.
pub fn config_model(project: &Project) -> Option<Value> {
    let mut model = project.model.clone()?;
    let origin = model.origin;
    let Kind::Map(root) = &mut model.kind else {
        return Some(model);
    };
    // The project name comes first, as compose-go prints it.
    let mut named = Map::with_capacity(root.len() + 1);
    let name = Value::new(Kind::Str(plain(project.name.clone())), origin);
    named.insert("name".to_string(), origin, name);
    for (key, key_origin, value) in std::mem::take(root).into_entries() {
        if key != "name" {
            named.insert(key, key_origin, value);
        }
    }
    *root = named;
    if let Some(Value {
        kind: Kind::Map(services),
        ..
    }) = root.get_mut("services")
    {
        services.retain(|_, service| is_active(service, &project.profiles));
        let declared_in: Vec<FileId> = services.iter().map(|(_, o, _)| o.file).collect();
        for (service, file) in services.values_mut().zip(declared_in) {
            resolve_service(project, service, file);
        }
    }
    for section in ["configs", "secrets"] {
        for resource in entries(root.get_mut(section)) {
            if let Some(file) = field(resource, "file") {
                resolve(project, file);
            }
        }
    }
    for volume in entries(root.get_mut("volumes")) {
        let local = volume
            .get("driver")
            .and_then(Value::scalar_text)
            .is_some_and(|d| d == "local");
        let Some(opts) = field(volume, "driver_opts") else {
            continue;
        };
        let bind = opts
            .get("o")
            .and_then(Value::scalar_text)
            .is_some_and(|o| o == "bind");
        if local && bind {
            if let Some(device) = field(opts, "device") {
                resolve(project, device);
            }
        }
    }
    Some(model)
}

/// compose-go's `HasProfile`: a service without profiles always runs; one with profiles runs
/// when one of them is active, or `*` is.
pub fn is_active(service: &Value, active: &[String]) -> bool {
    let profiles: Vec<String> = match service.get("profiles") {
        Some(Value {
            kind: Kind::Seq(items),
            ..
        }) => items
            .iter()
            .filter_map(|p| p.scalar_text().map(|s| s.into_owned()))
            .collect(),
        _ => Vec::new(),
    };
    profiles.is_empty()
        || active
            .iter()
            .any(|a| a == "*" || profiles.iter().any(|p| p == a))
}

/// The values of a mapping section (`configs`, `volumes`, …).
fn entries(section: Option<&mut Value>) -> Vec<&mut Value> {
    match section {
        Some(Value {
            kind: Kind::Map(m), ..
        }) => m.values_mut().collect(),
        _ => Vec::new(),
    }
}

fn field<'v>(value: &'v mut Value, key: &str) -> Option<&'v mut Value> {
    match &mut value.kind {
        Kind::Map(m) => m.get_mut(key),
        _ => None,
    }
}

/// The paths of one service, declared (its name written) in file `declared_in`.
fn resolve_service(project: &Project, service: &mut Value, declared_in: FileId) {
    if let Some(build) = field(service, "build") {
        if matches!(build.kind, Kind::Str(_)) {
            resolve_context(project, build);
        }
        // compose-go's default context `.` is added where the service is declared, so it is
        // that file's folder (the project's for a service that `extends` another file's).
        if let Kind::Map(m) = &mut build.kind
            && !m.contains_key("context")
        {
            let origin = Origin {
                file: declared_in,
                ..build.origin
            };
            let dot = Value::new(Kind::Str(plain(".".to_string())), origin);
            m.insert("context".to_string(), origin, dot);
        }
        if let Some(context) = field(build, "context") {
            resolve_context(project, context);
        }
        for context in entries(field(build, "additional_contexts")) {
            resolve_context(project, context);
        }
    }
    if let Some(Value {
        kind: Kind::Seq(volumes),
        ..
    }) = field(service, "volumes")
    {
        for volume in volumes {
            match &volume.kind {
                Kind::Str(_) => resolve_short_volume(project, volume),
                Kind::Map(m) => {
                    let bind = m
                        .get("type")
                        .and_then(Value::scalar_text)
                        .is_some_and(|t| t == "bind");
                    if bind && let Some(source) = field(volume, "source") {
                        resolve(project, source);
                    }
                }
                _ => {}
            }
        }
    }
    if let Some(Value {
        kind: Kind::Map(deps),
        ..
    }) = field(service, "depends_on")
    {
        for dep in deps.values_mut() {
            canonical_dependency(dep);
        }
    }
    if let Some(Value {
        kind: Kind::Seq(watch),
        ..
    }) = field(service, "develop").and_then(|d| field(d, "watch"))
    {
        for rule in watch {
            if let Some(path) = field(rule, "path") {
                resolve(project, path);
            }
        }
    }
}

/// A `depends_on` entry in compose-go's canonical form: a name alone is
/// `{condition: service_started, required: true}`, and a long entry gets the default of what
/// it leaves out.
fn canonical_dependency(dep: &mut Value) {
    let origin = dep.origin;
    if matches!(dep.kind, Kind::Null) {
        dep.kind = Kind::Map(Default::default());
    }
    let Kind::Map(m) = &mut dep.kind else {
        return;
    };
    if !m.contains_key("condition") {
        let started = Value::new(Kind::Str(plain("service_started".into())), origin);
        m.insert("condition".to_string(), origin, started);
    }
    if !m.contains_key("required") {
        m.insert(
            "required".to_string(),
            origin,
            Value::new(Kind::Bool(true), origin),
        );
    }
}

/// The text of a string whose every part is known (an unset variable leaves it as written).
fn known_text(value: &Value) -> Option<&str> {
    match &value.kind {
        Kind::Str(s) if s.is_known() => Some(&s.text),
        _ => None,
    }
}

/// A build context: local paths only, not URLs, Git references or `service:` contexts.
fn resolve_context(project: &Project, value: &mut Value) {
    let Some(text) = known_text(value) else {
        return;
    };
    let remote = text.contains("://")
        || text.starts_with("service:")
        || [
            "http://",
            "https://",
            "git://",
            "ssh://",
            "github.com/",
            "git@",
        ]
        .iter()
        .any(|p| text.starts_with(p));
    if !remote {
        resolve(project, value);
    }
}

/// A short-syntax volume `SRC:DST[:MODE]` whose source is a relative host path (`.`, `./x`,
/// `../x`): a named volume or an absolute path stays.
fn resolve_short_volume(project: &Project, value: &mut Value) {
    let Some(text) = known_text(value) else {
        return;
    };
    let Some((source, rest)) = text.split_once(':') else {
        return;
    };
    if !source.starts_with('.') {
        return;
    }
    let base = project.base_dir(value.origin.file);
    let resolved = format!("{}:{rest}", absolute(&base, source));
    set_text(value, resolved);
}

/// A relative path, made absolute against the folder its file's paths are resolved against.
fn resolve(project: &Project, value: &mut Value) {
    let Some(text) = known_text(value) else {
        return;
    };
    if text.is_empty() || text.starts_with('/') || text.starts_with('~') || is_windows_abs(text) {
        return;
    }
    let resolved = absolute(&project.base_dir(value.origin.file), text);
    set_text(value, resolved);
}

fn is_windows_abs(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && (b[2] == b'\\' || b[2] == b'/')
}

/// A plain string written by no one (its text is resolved, not read).
fn plain(text: String) -> Str {
    Str {
        text,
        style: crate::source::ScalarStyle::Plain,
        raw_offset: None,
        interpolation: None,
    }
}

fn set_text(value: &mut Value, text: String) {
    value.kind = Kind::Str(plain(text));
}

/// `base` joined with `rel` and cleaned (`.` and `..` resolved within the path), as Go's
/// `filepath.Join`; a relative `base` is taken from the working directory first.
fn absolute(base: &Path, rel: &str) -> String {
    // A project named by a relative `-f compose.yaml` has the empty folder as directory.
    let base = if base.as_os_str().is_empty() {
        Path::new(".")
    } else {
        base
    };
    let base = std::path::absolute(base).unwrap_or_else(|_| base.to_path_buf());
    let mut out = PathBuf::new();
    for part in base.join(rel).components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_and_cleans_as_go() {
        let base = Path::new("/p/app");
        assert_eq!(absolute(base, "."), "/p/app");
        assert_eq!(absolute(base, "./src/"), "/p/app/src");
        assert_eq!(absolute(base, "../lib/./x"), "/p/lib/x");
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(
            absolute(Path::new(""), "src"),
            cwd.join("src").display().to_string()
        );
    }
}
