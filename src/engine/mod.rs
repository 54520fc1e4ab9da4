//! The engine: one run of `composefix check` (find the projects, load them, run the rules,
//! filter, sort) and the fix loop over it ([`fix()`]), with atomic writes ([`write`](mod@write)) and diffs ([`diff`]).

pub mod diff;
mod exclude;
mod fixes;
mod suppress;
mod verify;
pub mod write;

pub use fixes::{FixOutcome, Withheld, fix};

use crate::config::discover::Configs;
use crate::config::{ConfigChoice, ConfigError, Overrides, Settings};
use crate::diagnostic::Diagnostic;
use crate::project::discover::{self, ProjectFiles};
use crate::project::value::FileId;
use crate::project::{self, LoadOptions, Project};
use crate::rules;
use exclude::Exclude;
use std::path::{Path, PathBuf};

/// What to check and how.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// Files and directories named on the command line (`-` for stdin).
    pub paths: Vec<PathBuf>,
    /// `-f` files: exactly one project, merged in order.
    pub files: Vec<PathBuf>,
    /// The name stdin stands for.
    pub stdin_filename: Option<String>,
    /// The bytes of stdin once read ([`read_stdin`]): the fix loop loads the project many
    /// times, and stdin can be read only once.
    pub stdin_text: Option<Vec<u8>>,
    /// Loading options.
    pub load: LoadOptions,
    /// Which configuration file applies.
    pub config: ConfigChoice,
    /// What the command line sets over the configuration.
    pub overrides: Overrides,
    /// A directory search takes compose file names only, not other YAML files whose
    /// top-level keys are Compose's (`--no-sniff`).
    pub no_sniff: bool,
    /// Called with (projects loaded, projects in all) as a big run loads, so the command
    /// line can show progress; only for runs of more than [`PROGRESS_FROM`] projects.
    pub progress: Option<fn(usize, usize)>,
}

/// The number of projects from which a run reports progress.
pub const PROGRESS_FROM: usize = 300;

/// What was checked, for summaries.
#[derive(Debug, Clone, Default)]
pub struct Totals {
    /// Files read.
    pub files: usize,
    /// Projects loaded.
    pub projects: usize,
    /// The names (as reports show them) of the files read, each once, in the order read: the
    /// JUnit report has a test suite for each, passing when the file has no finding.
    pub file_names: Vec<String>,
}

/// Why a run could not do its job (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// A named path does not exist.
    #[error("`{0}` does not exist")]
    MissingPath(PathBuf),
    /// No PATH and no compose file here or above.
    #[error("no compose file found in the current directory or its parents (looked for {})", discover::BASE_NAMES.join(", "))]
    NoProject,
    /// A named file could not be read.
    #[error(transparent)]
    Read(#[from] project::ReadError),
    /// Reading stdin failed.
    #[error("cannot read standard input: {0}")]
    Stdin(std::io::Error),
    /// A configuration file is unreadable or invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
}

/// The outcome of a run.
#[derive(Debug)]
pub struct CheckResult {
    /// The projects loaded.
    pub projects: Vec<Project>,
    /// Findings after selection and target filtering, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// What was read.
    pub totals: Totals,
    /// Directories named on the command line that hold no compose file.
    pub empty_dirs: Vec<PathBuf>,
    /// True when an unsuppressed finding is at or above its project's fail level.
    pub failing: bool,
}

impl CheckOptions {
    /// The path stdin stands for (`--stdin-filename`, else `stdin.yaml`), when a PATH is `-`.
    pub fn stdin_path(&self) -> Option<PathBuf> {
        self.paths
            .iter()
            .any(|p| p.as_os_str() == "-")
            .then(|| PathBuf::from(self.stdin_filename.as_deref().unwrap_or("stdin.yaml")))
    }
}

/// Reads stdin into `opts.stdin_text` when a PATH is `-` and it has not been read yet.
pub fn read_stdin(opts: &mut CheckOptions) -> Result<(), RunError> {
    if opts.stdin_text.is_none() && opts.stdin_path().is_some() {
        opts.stdin_text = Some(stdin_bytes()?);
    }
    Ok(())
}

fn stdin_bytes() -> Result<Vec<u8>, RunError> {
    let mut text = Vec::new();
    std::io::Read::read_to_end(&mut std::io::stdin(), &mut text).map_err(RunError::Stdin)?;
    Ok(text)
}

/// The projects the command line names, each once, and the named directories that hold none.
pub fn resolve_projects(
    opts: &CheckOptions,
    configs: &mut Configs,
) -> Result<(Vec<ProjectFiles>, Vec<PathBuf>), RunError> {
    if !opts.files.is_empty() {
        for f in &opts.files {
            if !f.exists() {
                return Err(RunError::MissingPath(f.clone()));
            }
        }
        let files = ProjectFiles {
            files: opts.files.clone(),
        };
        return Ok((vec![files], Vec::new()));
    }
    let mut projects: Vec<ProjectFiles> = Vec::new();
    // The same project named twice (`./compose.yaml` found under `.` and named as
    // `compose.yaml`) is loaded once.
    let mut seen: std::collections::HashSet<Vec<PathBuf>> = std::collections::HashSet::new();
    let canonical = |p: &ProjectFiles| -> Vec<PathBuf> {
        p.files
            .iter()
            .map(|f| std::fs::canonicalize(f).unwrap_or_else(|_| f.clone()))
            .collect()
    };
    let mut empty_dirs = Vec::new();
    for path in opts.paths.iter().filter(|p| p.as_os_str() != "-") {
        let found = if path.is_dir() {
            let exclude = Exclude::new(configs.for_dir(path)?, &opts.overrides)?;
            let mut found = discover::projects_under(path, !opts.no_sniff);
            found.retain(|p| !p.files.first().is_some_and(|f| exclude.excludes(f)));
            if found.is_empty() {
                empty_dirs.push(path.clone());
            }
            found
        } else if path.exists() {
            vec![discover::project_of_file(path)]
        } else {
            return Err(RunError::MissingPath(path.clone()));
        };
        for p in found {
            if seen.insert(canonical(&p)) {
                projects.push(p);
            }
        }
    }
    if opts.paths.is_empty() {
        let cwd = std::env::current_dir().unwrap_or_default();
        let found = discover::project_in_dir_with(&cwd, opts.load.use_process_env);
        projects.push(found.ok_or(RunError::NoProject)?);
    }
    Ok((projects, empty_dirs))
}

/// Loads every project the options name; also returns the named directories that hold none.
pub fn load_projects(opts: &CheckOptions) -> Result<(Vec<Project>, Vec<PathBuf>), RunError> {
    load_all(opts, &opts.load, &mut Configs::new(opts.config.clone()))
}

/// Loads every project the options name, with `load` options.
fn load_all(
    opts: &CheckOptions,
    load: &LoadOptions,
    configs: &mut Configs,
) -> Result<(Vec<Project>, Vec<PathBuf>), RunError> {
    let mut projects = Vec::new();
    if let Some(path) = opts.stdin_path() {
        // The fixer's text of stdin, else what was read of it, else stdin itself.
        let text = match (load.overlay.get(&path), &opts.stdin_text) {
            (Some(text), _) => text.clone().into_bytes(),
            (None, Some(text)) => text.clone(),
            (None, None) => stdin_bytes()?,
        };
        projects.push(project::load_text(&path, text, load));
    }
    let (named, empty_dirs) = resolve_projects(opts, configs)?;
    // Projects load in parallel, on as many threads as there are cores; the calling thread is
    // one of them.
    // (Asking for the core count reads cgroup files: not worth it for one project.)
    let workers = if named.len() < 2 {
        1
    } else {
        std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(named.len())
    };
    let done = std::sync::atomic::AtomicUsize::new(0);
    let progress = opts.progress.filter(|_| named.len() > PROGRESS_FROM);
    let loaded = crate::parallel::map_in_order(&named, workers, |files| {
        let project = project::load(files, load);
        if let Some(report) = progress {
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            if n % 50 == 0 || n == named.len() {
                report(n, named.len());
            }
        }
        project
    });
    for p in loaded {
        projects.push(p?);
    }
    drop_fragments(&mut projects, &opts.paths);
    Ok((projects, empty_dirs))
}

/// Leaves out the projects a directory search found that are only fragments of another: every
/// file of theirs is `include`d or `extends`-ed by another project, which checks it in
/// context. A file named on the command line is always checked as named.
fn drop_fragments(projects: &mut Vec<Project>, named: &[PathBuf]) {
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let used: std::collections::HashSet<PathBuf> = projects
        .iter()
        .flat_map(|p| {
            p.files
                .iter()
                .enumerate()
                .filter(|(i, _)| !p.named.contains(&FileId(*i as u32)))
                .map(|(_, f)| f)
        })
        .map(|f| canonical(f.path()))
        .collect();
    if used.is_empty() {
        return;
    }
    let named: Vec<PathBuf> = named
        .iter()
        .filter(|p| p.is_file())
        .map(|p| canonical(p))
        .collect();
    projects.retain(|p| {
        p.named.is_empty()
            || p.named.iter().any(|id| {
                let path = canonical(p.file(*id).path());
                named.contains(&path) || !used.contains(&path)
            })
    });
}

/// Runs a check.
pub fn check(opts: &CheckOptions) -> Result<CheckResult, RunError> {
    // A file that may break the schema is validated after the rules, while the full
    // validator compiles (see `schema::compile_in_background`).
    let load = LoadOptions {
        defer_schema: true,
        ..opts.load.clone()
    };
    let mut configs = Configs::new(opts.config.clone());
    let (mut projects, empty_dirs) = load_all(opts, &load, &mut configs)?;
    let mut diagnostics = Vec::new();
    let mut failing = false;
    for project in &mut projects {
        let dir = if project.dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            project.dir.as_path()
        };
        let settings = Settings::new(configs.for_dir(dir)?, &opts.overrides)?;
        let mut found = Vec::new();
        rules::run(project, &settings.selection, &mut found);
        project.validate_schema();
        found.extend(project.diagnostics.iter().cloned());
        found.retain_mut(|d| {
            settings.selection.enabled(d.rule) && d.target(&settings.targets) && settings.adjust(d)
        });
        crate::project::masking::name_variables(project, &mut found);
        suppress::apply(&project.directives, &mut found, &|r| settings.runs(r));
        failing |= found
            .iter()
            .any(|d| d.suppression.is_none() && d.severity >= settings.fail_level);
        diagnostics.append(&mut found);
    }
    diagnostics.sort_by(|a, b| {
        a.sort_key()
            .cmp(&b.sort_key())
            .then_with(|| a.message.cmp(&b.message))
    });
    diagnostics.dedup_by(|a, b| a.sort_key() == b.sort_key() && a.message == b.message);
    let mut seen = std::collections::HashSet::new();
    let file_names: Vec<String> = projects
        .iter()
        .flat_map(|p| &p.files)
        .filter(|f| seen.insert(f.name()))
        .map(|f| f.name().to_string())
        .collect();
    let totals = Totals {
        files: projects.iter().map(|p| p.files.len()).sum(),
        projects: projects.len(),
        file_names,
    };
    Ok(CheckResult {
        projects,
        diagnostics,
        totals,
        empty_dirs,
        failing,
    })
}
