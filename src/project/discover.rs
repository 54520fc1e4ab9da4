//! Which files form which project, as `docker compose` would group them.

use std::path::{Path, PathBuf};

/// Base file names Compose looks for, in its order of preference.
pub const BASE_NAMES: [&str; 4] = [
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];

const OVERRIDE_NAMES: [(&str, [&str; 2]); 4] = [
    (
        "compose.yaml",
        ["compose.override.yaml", "compose.override.yml"],
    ),
    (
        "compose.yml",
        ["compose.override.yml", "compose.override.yaml"],
    ),
    (
        "docker-compose.yaml",
        [
            "docker-compose.override.yaml",
            "docker-compose.override.yml",
        ],
    ),
    (
        "docker-compose.yml",
        [
            "docker-compose.override.yml",
            "docker-compose.override.yaml",
        ],
    ),
];

/// The files of one project, merged in order; the first is the base.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProjectFiles {
    /// The files, base first.
    pub files: Vec<PathBuf>,
}

impl ProjectFiles {
    /// The project directory: the base file's folder.
    pub fn dir(&self) -> PathBuf {
        self.files
            .first()
            .and_then(|f| f.parent())
            .map(Path::to_path_buf)
            .unwrap_or_default()
    }
}

/// True for names a directory search picks up: `compose.yaml`, `docker-compose.*.yml`,
/// `*.compose.yaml` and the like.
pub fn is_compose_file_name(name: &str) -> bool {
    let Some(stem) = yaml_stem(name) else {
        return false;
    };
    stem == "compose"
        || stem == "docker-compose"
        || stem.starts_with("docker-compose.")
        || stem.starts_with("compose.")
        || stem.ends_with(".compose")
}

/// True for other YAML names with `compose` as a word of their own (`docker-compose-cluster`,
/// `compose-v3`, `app-compose`, `docker-compose_default`): a directory search takes such a
/// file when its text has a top-level `services:` or `include:`, since names like these are
/// also given to CI workflows and other YAML.
fn is_loose_compose_name(name: &str) -> bool {
    yaml_stem(name).is_some_and(|stem| {
        stem.split(['.', '-', '_'])
            .any(|word| word.eq_ignore_ascii_case("compose"))
    })
}

fn yaml_stem(name: &str) -> Option<&str> {
    name.strip_suffix(".yaml")
        .or_else(|| name.strip_suffix(".yml"))
}

/// The top-level keys Compose reads (and `x-` extensions): a YAML file whose top-level keys
/// are all among them and include `services` is a compose file whatever its name.
const TOP_LEVEL_KEYS: [&str; 9] = [
    "version", "name", "include", "services", "networks", "volumes", "secrets", "configs", "models",
];

/// The top-level keys of a block-style YAML file, read from its text (up to 1 MiB): the lines
/// that start in column 0 with a key. None when the file cannot be read.
fn top_level_keys(path: &Path) -> Option<Vec<String>> {
    use std::io::Read;
    let mut text = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(1 << 20).read_to_end(&mut text))
        .ok()?;
    let text = String::from_utf8_lossy(&text);
    let keys = text
        .lines()
        .filter(|l| !l.starts_with([' ', '\t', '#', '-', '.', '%']) && !l.is_empty())
        .filter_map(|l| {
            let key = l.split(':').next()?.trim();
            Some(key.trim_matches(['"', '\'']).to_string())
        })
        .collect();
    Some(keys)
}

/// A loose name (`compose` as a word) is taken with a top-level `services` or `include`.
fn looks_like_compose(path: &Path) -> bool {
    top_level_keys(path).is_some_and(|keys| keys.iter().any(|k| k == "services" || k == "include"))
}

/// Any other YAML name is taken when its top-level keys are all Compose keys and include
/// `services` (`--no-sniff` turns this off).
fn sniffs_as_compose(path: &Path) -> bool {
    top_level_keys(path).is_some_and(|keys| {
        keys.iter().any(|k| k == "services")
            && keys
                .iter()
                .all(|k| TOP_LEVEL_KEYS.contains(&k.as_str()) || k.starts_with("x-"))
    })
}

fn base_of_override(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    let dir = path.parent()?;
    OVERRIDE_NAMES
        .iter()
        .filter(|(_, overrides)| overrides.contains(&name))
        .map(|(base, _)| dir.join(base))
        .find(|p| p.is_file())
}

fn override_of_base(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    let dir = path.parent()?;
    let (_, overrides) = OVERRIDE_NAMES.iter().find(|(base, _)| *base == name)?;
    overrides.iter().map(|o| dir.join(o)).find(|p| p.is_file())
}

/// The project a named file stands for: a base file with its override, an override with its
/// base, any other file alone.
pub fn project_of_file(path: &Path) -> ProjectFiles {
    if let Some(base) = base_of_override(path) {
        return ProjectFiles {
            files: vec![base, path.to_path_buf()],
        };
    }
    let mut files = vec![path.to_path_buf()];
    files.extend(override_of_base(path));
    ProjectFiles { files }
}

/// The project `docker compose` would load with no `-f` in `dir`: the files `COMPOSE_FILE`
/// names in `dir`'s `.env`, else the first base file found in `dir` or its parents, with its
/// override.
pub fn project_in_dir(dir: &Path) -> Option<ProjectFiles> {
    project_in_dir_with(dir, false)
}

/// [`project_in_dir`], where `COMPOSE_FILE` of the process environment (when
/// `use_process_env`) wins over the one of `.env`, as compose-go's environment does.
pub fn project_in_dir_with(dir: &Path, use_process_env: bool) -> Option<ProjectFiles> {
    let from_process = use_process_env
        .then(|| std::env::var("COMPOSE_FILE").ok())
        .flatten()
        .map(|list| {
            let separator = std::env::var("COMPOSE_PATH_SEPARATOR").ok();
            split_files(dir, &list, separator)
        });
    if let Some(files) = from_process
        .flatten()
        .or_else(|| compose_file_variable(dir))
    {
        return Some(files);
    }
    dir.ancestors().find_map(|d| {
        BASE_NAMES
            .iter()
            .map(|n| d.join(n))
            .find(|p| p.is_file())
            .map(|p| project_of_file(&p))
    })
}

/// The files of `COMPOSE_FILE` in the `.env` of `dir` (at most 1 MiB), split at its
/// `COMPOSE_PATH_SEPARATOR` (default `:`, as on Unix) and relative to `dir`, as compose-go's
/// `WithConfigFileEnv` reads them; None when the variable is not set there.
fn compose_file_variable(dir: &Path) -> Option<ProjectFiles> {
    use super::interpolate::{Budget, NoVariables};
    let bytes = super::read::regular_file(&dir.join(".env"), 1 << 20).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (entries, _) = super::dotenv::parse(&text, &NoVariables, &Budget::new(1 << 20));
    let value = |key: &str| {
        entries
            .iter()
            .rev()
            .find(|e| e.key == key)
            .map(|e| e.value.clone())
    };
    let list = value("COMPOSE_FILE")?;
    split_files(dir, &list, value("COMPOSE_PATH_SEPARATOR"))
}

/// The files of a `COMPOSE_FILE` list, split at `separator` (default `:`), relative to `dir`.
fn split_files(dir: &Path, list: &str, separator: Option<String>) -> Option<ProjectFiles> {
    let separator = separator
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| ":".to_string());
    let files: Vec<PathBuf> = list
        .split(separator.as_str())
        .filter(|f| !f.is_empty())
        .map(|f| dir.join(f))
        .collect();
    (!files.is_empty()).then_some(ProjectFiles { files })
}

/// Every project under `dir`, searched recursively, skipping what `.gitignore` ignores; with
/// `sniff`, also YAML files of other names whose top-level keys are Compose's.
pub fn projects_under(dir: &Path, sniff: bool) -> Vec<ProjectFiles> {
    let mut files: Vec<PathBuf> = ignore::WalkBuilder::new(dir)
        .hidden(false)
        .filter_entry(|e| e.file_name() != ".git")
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .filter(|e| {
            e.file_name().to_str().is_some_and(|name| {
                is_compose_file_name(name)
                    || (is_loose_compose_name(name) && looks_like_compose(e.path()))
                    || (sniff && yaml_stem(name).is_some() && sniffs_as_compose(e.path()))
            })
        })
        .map(ignore::DirEntry::into_path)
        .collect();
    files.sort();
    // Each project once, in the order of its first file (a set: a folder of 1,000 files
    // compared each project with every earlier one).
    let mut seen: std::collections::HashSet<ProjectFiles> = std::collections::HashSet::new();
    let mut projects: Vec<ProjectFiles> = Vec::new();
    for file in &files {
        let project = project_of_file(file);
        if seen.insert(project.clone()) {
            projects.push(project);
        }
    }
    projects
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_file_names() {
        for yes in [
            "compose.yaml",
            "compose.yml",
            "docker-compose.yml",
            "docker-compose.prod.yaml",
            "kafka.compose.yml",
            "compose.override.yaml",
        ] {
            assert!(is_compose_file_name(yes), "{yes}");
        }
        for no in [
            "values.yaml",
            "compose.json",
            "my-compose.txt",
            "docker-compose",
        ] {
            assert!(!is_compose_file_name(no), "{no}");
        }
    }

    fn first_names(projects: &[ProjectFiles]) -> Vec<String> {
        let mut names: Vec<String> = projects
            .iter()
            .map(|p| {
                p.files[0]
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        names.sort();
        names
    }

    /// Which names a directory search takes, and which it leaves.
    #[test]
    fn other_names_with_compose_as_a_word_and_sniffed_files() {
        let dir = tempfile::tempdir().unwrap();
        let compose = "services:\n  a: {image: redis}\n";
        let named = [
            "docker-compose-cluster.yml",
            "docker-compose_default.yaml",
            "compose-v3.yaml",
            "app-compose.yml",
            "app.docker-compose.yaml",
            "path__docker-compose.yml",
        ];
        for name in named {
            std::fs::write(dir.path().join(name), compose).unwrap();
        }
        // Other names, taken for their top-level keys: all Compose keys, `services` among them.
        let sniffed = ["composer.yaml", "stack.yml"];
        std::fs::write(dir.path().join("composer.yaml"), compose).unwrap();
        std::fs::write(
            dir.path().join("stack.yml"),
            "# a stack\nx-common: &c {restart: always}\nname: shop\nservices:\n  a: {image: redis}\nvolumes: {}\n",
        )
        .unwrap();
        // Left: a CI workflow named like a compose file, a Helm values file with a `services:`
        // key among others, a YAML file without services.
        std::fs::write(dir.path().join("compose-test.yml"), "on: push\njobs: {}\n").unwrap();
        std::fs::write(
            dir.path().join("values.yaml"),
            "replicaCount: 1\nservices:\n  a: {}\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("networks.yml"), "networks: {}\n").unwrap();

        let mut expected: Vec<String> = named
            .iter()
            .chain(&sniffed)
            .map(|s| s.to_string())
            .collect();
        expected.sort();
        assert_eq!(first_names(&projects_under(dir.path(), true)), expected);
        // --no-sniff: the names only.
        let mut expected: Vec<String> = named.map(String::from).to_vec();
        expected.sort();
        assert_eq!(first_names(&projects_under(dir.path(), false)), expected);
    }

    #[test]
    fn base_and_override_form_one_project() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("compose.yaml");
        let over = dir.path().join("compose.override.yaml");
        let other = dir.path().join("docker-compose.prod.yml");
        for f in [&base, &over, &other] {
            std::fs::write(f, "services: {}\n").unwrap();
        }
        let projects = projects_under(dir.path(), true);
        assert_eq!(projects.len(), 2);
        assert_eq!(projects[0].files, vec![base.clone(), over.clone()]);
        assert_eq!(projects[1].files, vec![other]);
        assert_eq!(
            project_of_file(&over).files,
            vec![base.clone(), over.clone()]
        );
        assert_eq!(project_in_dir(dir.path()).unwrap().files, vec![base, over]);
    }
}
