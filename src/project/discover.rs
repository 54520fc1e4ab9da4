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
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// Whether a file's text has a top-level `services:` or `include:` key (read up to 1 MiB).
fn looks_like_compose(path: &Path) -> bool {
    use std::io::Read;
    let mut text = Vec::new();
    let read = std::fs::File::open(path).and_then(|f| f.take(1 << 20).read_to_end(&mut text));
    read.is_ok()
        && text.split(|&b| b == b'\n').any(|line| {
            ["services:", "include:"]
                .iter()
                .any(|key| line.starts_with(key.as_bytes()))
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

/// The project `docker compose` would load with no `-f` in `dir`: the first base file found
/// in `dir` or its parents, with its override.
pub fn project_in_dir(dir: &Path) -> Option<ProjectFiles> {
    dir.ancestors().find_map(|d| {
        BASE_NAMES
            .iter()
            .map(|n| d.join(n))
            .find(|p| p.is_file())
            .map(|p| project_of_file(&p))
    })
}

/// Every project under `dir`, searched recursively, skipping what `.gitignore` ignores.
pub fn projects_under(dir: &Path) -> Vec<ProjectFiles> {
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
            })
        })
        .map(ignore::DirEntry::into_path)
        .collect();
    files.sort();
    let mut projects: Vec<ProjectFiles> = Vec::new();
    for file in &files {
        let project = project_of_file(file);
        if !projects.contains(&project) {
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

    #[test]
    fn other_names_with_compose_as_a_word() {
        let dir = tempfile::tempdir().unwrap();
        let compose = "services:\n  a: {image: redis}\n";
        let found = [
            "docker-compose-cluster.yml",
            "docker-compose_default.yaml",
            "compose-v3.yaml",
            "app-compose.yml",
            "app.docker-compose.yaml",
            "path__docker-compose.yml",
        ];
        for name in found {
            std::fs::write(dir.path().join(name), compose).unwrap();
        }
        // A CI workflow named like a compose file, and a word that only contains `compose`.
        std::fs::write(dir.path().join("compose-test.yml"), "on: push\njobs: {}\n").unwrap();
        std::fs::write(dir.path().join("composer.yaml"), compose).unwrap();
        let mut names: Vec<String> = projects_under(dir.path())
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
        let mut expected = found.map(String::from).to_vec();
        expected.sort();
        assert_eq!(names, expected);
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
        let projects = projects_under(dir.path());
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
