//! Whether a project is whole: a file written to be combined with others (`docker compose -f
//! base.yml -f this.yml`) refers to services, networks and volumes it does not declare, so
//! names that are missing from it may well exist.

use crate::facts::resources::{Section, uses};
use crate::project::value::Value;
use crate::project::{LoadOptions, Project};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::SystemTime;

/// True when the project cannot run on its own: a service has neither `image`, `build` nor
/// `extends`; or refers to an undeclared network, named volume or `depends_on` service
/// (Compose refuses each of these); or the loader could not read an included or extended file.
pub(crate) fn is_partial(project: &Project) -> bool {
    let Some(model) = project.model.as_ref() else {
        return true;
    };
    let declared = |key: &str| -> Vec<&str> {
        model
            .get(key)
            .and_then(Value::as_map)
            .map(|m| m.iter().map(|(k, _, _)| k).collect())
            .unwrap_or_default()
    };
    let (networks, volumes) = (declared("networks"), declared("volumes"));
    let services: std::collections::HashSet<&str> = project.services().map(|(n, _)| n).collect();
    let keys = |service: &Value, key: &str| -> Vec<String> {
        service
            .get(key)
            .and_then(Value::as_map)
            .map(|m| m.iter().map(|(k, _, _)| k.to_string()).collect())
            .unwrap_or_default()
    };
    let incomplete_service = project.services().any(|(_, s)| {
        keys(s, "networks")
            .iter()
            .any(|n| n != "default" && !networks.contains(&n.as_str()))
            || keys(s, "depends_on")
                .iter()
                .any(|d| !services.contains(&d.as_str()))
            || named_volumes(s).any(|v| !volumes.contains(&v))
    });
    incomplete_service || is_fragment(project)
}

/// True when the project is plainly a piece of a larger one: a service has neither `image`,
/// `build` nor `extends` (an override written for `-f base.yml -f this.yml`); or a service
/// uses a network, named volume, secret or config while the project declares nothing of that
/// kind at all; or the loader could not read an included or extended file. The names such a
/// project refers to without declaring them may be declared in the files it is combined with.
pub(crate) fn is_fragment(project: &Project) -> bool {
    let Some(model) = project.model.as_ref() else {
        return true;
    };
    project.services().any(|(_, s)| {
        ["image", "build", "extends"]
            .iter()
            .all(|k| s.get(k).is_none())
    }) || leans_on_other_declarations(model, project)
        || project.diagnostics.iter().any(|d| d.rule.code == "SYN006")
}

/// Whether the project's file is not the one Compose runs by default in its folder
/// (`compose.yaml`, `docker-compose.yml`, …) and a service uses a resource of a kind the
/// project has no top-level section for: docker-elk's `extensions/*/*-compose.yml` and
/// jitsi's `etherpad.yml` (given with `-f` after the main file) name the network the main file
/// declares. A default-named file is run alone, and Compose refuses it then.
fn leans_on_other_declarations(model: &Value, project: &Project) -> bool {
    let default_named = project.named.first().is_some_and(|id| {
        project
            .file(*id)
            .path()
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| crate::project::discover::BASE_NAMES.contains(&n))
    });
    !default_named
        && project.services().any(|(_, service)| {
            uses(service).iter().any(|u| {
                u.must_be_declared
                    && !(u.section == Section::Networks && u.name == "default")
                    && model.get(u.section.key()).is_none()
            })
        })
}

/// At most this many folders above the project's are searched by [`included_elsewhere`].
const MAX_PARENTS: usize = 2;

/// Whether a default-named compose file (`compose.yaml`, `docker-compose.yml`, …) of the
/// project's folder or of one of the [`MAX_PARENTS`] folders above it `include`s the project's
/// file, or `extends` a service from it: laradock's `flowise/compose.yml` is included by
/// `docker-compose.yml`, whose networks and volumes it uses. Checked alone (a pre-commit hook
/// names the changed file), such a file names what its includer declares. The search stops at
/// a repository root (`.git`); the files are read only for their `include` and `extends`
/// paths, never shown, each within the size limit.
pub(crate) fn included_elsewhere(project: &Project) -> bool {
    let Some(first) = project.named.first().map(|id| project.file(*id)) else {
        return false;
    };
    let Ok(me) = std::fs::canonicalize(first.path()) else {
        return false;
    };
    let mut dir = me.parent();
    for _ in 0..=MAX_PARENTS {
        let Some(d) = dir else { break };
        for name in crate::project::discover::BASE_NAMES {
            let candidate = d.join(name);
            if candidate == me || !candidate.is_file() {
                continue;
            }
            let Some(file) = read_once(&candidate) else {
                continue;
            };
            if file
                .references
                .iter()
                .any(|p| std::fs::canonicalize(d.join(p)).is_ok_and(|p| p == me))
            {
                return true;
            }
        }
        if d.join(".git").exists() {
            break;
        }
        dir = d.parent();
    }
    false
}

/// The files a compose file's `include` entries and its services' `extends.file` name.
fn referenced_paths(root: &Value) -> Vec<&str> {
    fn text(v: &Value) -> Option<&str> {
        v.as_str().map(|s| s.text.as_str())
    }
    let mut out = Vec::new();
    for item in root
        .get("include")
        .and_then(Value::as_seq)
        .unwrap_or_default()
    {
        match item.get("path") {
            Some(path) => match path.as_seq() {
                Some(paths) => out.extend(paths.iter().filter_map(text)),
                None => out.extend(text(path)),
            },
            None => out.extend(text(item)),
        }
    }
    let services = root.get("services").and_then(Value::as_map);
    for (_, _, service) in services.into_iter().flat_map(|m| m.iter()) {
        out.extend(
            service
                .get("extends")
                .and_then(|e| e.get("file"))
                .and_then(text),
        );
    }
    out
}

/// At most this many sibling files are read; beyond it the evidence is incomplete.
const MAX_SIBLINGS: usize = 128;

/// What the other YAML files beside the project's first compose file define and use
/// (`kafka.yml` beside `console.yml`, used as `docker compose -f kafka.yml -f console.yml`):
/// a name missing from the project but defined there, or a declaration unused in the project
/// but used there, is most likely right once the files are combined. The files are read only
/// for these names, never shown; at most [`MAX_SIBLINGS`] of them, each within the size
/// limit. In a folder with more, any name may be defined in a file not read, so every
/// question is answered yes.
#[derive(Debug, Default)]
pub(crate) struct Siblings {
    /// The services they define.
    services: HashSet<String>,
    /// The networks, volumes, secrets and configs their services use.
    uses: HashSet<(Section, String)>,
    /// The networks, volumes, secrets and configs they declare at the top level.
    declares: HashSet<(Section, String)>,
    /// Whether the folder had more sibling files than were read.
    truncated: bool,
}

impl Siblings {
    /// Whether a sibling file may define service `name`.
    pub(crate) fn may_define_service(&self, name: &str) -> bool {
        self.truncated || self.services.contains(name)
    }

    /// Whether a service of a sibling file may use resource `name` of `section`.
    pub(crate) fn may_use(&self, section: Section, name: &str) -> bool {
        self.truncated || self.uses.contains(&(section, name.to_string()))
    }

    /// Whether a sibling file may declare resource `name` of `section`.
    pub(crate) fn may_declare(&self, section: Section, name: &str) -> bool {
        self.truncated || self.declares.contains(&(section, name.to_string()))
    }
}

/// Reads the project's [`Siblings`].
pub(crate) fn siblings(project: &Project) -> Siblings {
    let mut out = Siblings::default();
    let Some(first) = project.files.first() else {
        return out;
    };
    let dir = match first.path().parent() {
        Some(dir) if dir.as_os_str().is_empty() => Path::new("."),
        Some(dir) => dir,
        None => return out,
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    // The project's own files (what they hold is known anyway), by name within the folder.
    let own: HashSet<&std::ffi::OsStr> = project
        .files
        .iter()
        .filter(|f| f.path().parent() == first.path().parent())
        .filter_map(|f| f.path().file_name())
        .collect();
    let paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|e| e == "yml" || e == "yaml")
                && p.file_name().is_some_and(|n| !own.contains(n))
        })
        .collect();
    out.truncated = paths.len() > MAX_SIBLINGS;
    if out.truncated {
        return out;
    }
    for path in paths {
        let Some(file) = read_once(&path) else {
            continue;
        };
        out.services.extend(file.defines.services.iter().cloned());
        out.uses.extend(file.defines.uses.iter().cloned());
        out.declares.extend(file.defines.declares.iter().cloned());
    }
    out
}

/// What another compose file of the folder (or one above) defines, uses and names.
#[derive(Debug, Default)]
struct ReadFile {
    /// Its services and the resources they use.
    defines: Siblings,
    /// The files its `include` entries and its services' `extends.file` name.
    references: Vec<String>,
}

/// One such file, read once per run for all the projects that ask (a folder of 100 files
/// checked at once asks about the same files for each), and again only when it changes (its
/// length or modification time), as for the language server.
fn read_once(path: &Path) -> Option<Arc<ReadFile>> {
    type Cache = Mutex<HashMap<PathBuf, (u64, Option<SystemTime>, Arc<ReadFile>)>>;
    static READ: OnceLock<Cache> = OnceLock::new();
    let meta = std::fs::metadata(path).ok()?;
    let stamp = (meta.len(), meta.modified().ok());
    let cache = READ.get_or_init(Cache::default);
    if let Some((len, modified, file)) = cache.lock().ok()?.get(path)
        && (*len, *modified) == stamp
    {
        return Some(Arc::clone(file));
    }
    // A file that is no YAML mapping defines nothing; that is kept too.
    let root = crate::project::read_file_value(path, &LoadOptions::default());
    let mut file = ReadFile::default();
    if let Some(root) = &root {
        file.references = referenced_paths(root)
            .into_iter()
            .map(str::to_owned)
            .collect();
        for section in Section::ALL {
            let declared = root.get(section.key()).and_then(Value::as_map);
            file.defines.declares.extend(
                declared
                    .into_iter()
                    .flat_map(|m| m.iter())
                    .map(|(name, _, _)| (section, name.to_string())),
            );
        }
        let services = root.get("services").and_then(Value::as_map);
        for (name, _, service) in services.into_iter().flat_map(|m| m.iter()) {
            file.defines.services.insert(name.to_string());
            file.defines.uses.extend(
                uses(service)
                    .into_iter()
                    .map(|u| (u.section, u.name.to_string())),
            );
        }
    }
    let file = Arc::new(file);
    cache
        .lock()
        .ok()?
        .insert(path.to_path_buf(), (stamp.0, stamp.1, Arc::clone(&file)));
    Some(file)
}

/// The named volumes a service mounts (`data:/var/lib/x`, or long syntax `type: volume`).
fn named_volumes(service: &Value) -> impl Iterator<Item = &str> {
    service
        .get("volumes")
        .and_then(Value::as_seq)
        .into_iter()
        .flatten()
        .filter_map(|v| match v.as_str() {
            Some(s) if s.is_known() => {
                let (source, _) = s.text.split_once(':')?;
                let bind = source.is_empty()
                    || source.starts_with(['/', '.', '~', '$'])
                    || source.contains('/')
                    || source.contains('\\');
                (!bind).then_some(source)
            }
            Some(_) => None,
            None => {
                let volume = v.get("type")?.as_str()?.text == "volume";
                let source = v.get("source")?.as_str()?;
                volume.then_some(source.text.as_str())
            }
        })
}

#[cfg(test)]
mod tests {
    use super::is_partial;

    fn partial(yaml: &str) -> bool {
        let project = crate::project::from_yaml(yaml);
        is_partial(&project)
    }

    #[test]
    fn fragments() {
        let whole = "services:\n  a:\n    image: x\n    networks: [back]\n    volumes: [data:/d, ./src:/src]\nnetworks:\n  back: {}\nvolumes:\n  data: {}\n";
        assert!(!partial(whole));
        assert!(partial(
            "services:\n  a:\n    image: x\n    networks: [back]\n"
        ));
        assert!(partial(
            "services:\n  a:\n    image: x\n    volumes: [data:/d]\n"
        ));
        assert!(partial(
            "services:\n  a:\n    image: x\n    depends_on: [db]\n"
        ));
        assert!(partial("services:\n  a:\n    environment: {A: b}\n"));
    }

    #[test]
    fn a_file_using_a_kind_it_declares_nothing_of_is_a_fragment() {
        let named = |name: &str, yaml: &str| {
            let opts = crate::project::LoadOptions::default();
            super::is_fragment(&crate::project::load_text(
                std::path::Path::new(name),
                yaml.into(),
                &opts,
            ))
        };
        let fragment = |yaml: &str| named("elk-compose.yml", yaml);
        // Compose runs a default-named file alone, and refuses it then.
        assert!(!named(
            "docker-compose.yml",
            "services:\n  a:\n    image: x\n    volumes: [data:/d]\n"
        ));
        assert!(fragment(
            "services:\n  a:\n    image: x\n    networks: [elk]\n"
        ));
        assert!(fragment(
            "services:\n  a:\n    image: x\n    secrets: [pw]\n"
        ));
        // Declaring the kind but not the name is a mistake in a whole file.
        assert!(!fragment(
            "services:\n  a:\n    image: x\n    networks: [back, typo]\nnetworks:\n  back: {}\n"
        ));
        assert!(!fragment(
            "services:\n  a:\n    image: x\n    networks: [default]\n    volumes: [./src:/src]\n"
        ));
    }

    #[test]
    fn a_sibling_file_is_read_again_when_it_changes() {
        let dir = tempfile::tempdir().expect("temp dir");
        let main = dir.path().join("main.yaml");
        std::fs::write(&main, "services:\n  app:\n    image: x:1\n").expect("write");
        let sibling = dir.path().join("other.yaml");
        let opts = crate::project::LoadOptions::default();
        let project = || {
            let text = std::fs::read(&main).expect("read");
            crate::project::load_text(&main, text, &opts)
        };
        std::fs::write(&sibling, "services:\n  db:\n    image: y:1\n").expect("write");
        assert!(super::siblings(&project()).services.contains("db"));
        std::fs::write(&sibling, "services:\n  cache:\n    image: redis:7.4\n").expect("write");
        let now = super::siblings(&project());
        assert!(now.services.contains("cache") && !now.services.contains("db"));
    }
}
