//! Project loading, as `docker compose` does it: discovery, reading, interpolation, schema
//! validation, `include`, `extends`, `env_file`, and merging of `-f` and override files.
//!
//! Every value of the resulting model keeps its [`value::Origin`], so findings point at the
//! file and bytes where a value was written, through aliases, merges, overrides and includes.

pub(crate) mod codes;
pub mod discover;
pub(crate) mod dotenv;
pub mod emit;
mod env_file;
mod extends;
mod include;
pub(crate) mod interpolate;
mod merge;
mod normalize;
pub mod schema;
pub mod value;
pub(crate) mod vars;
mod yaml;

use crate::diagnostic::Diagnostic;
use crate::source::directive::Directive;
use crate::source::{Limits, ParseErrorKind, SourceFile, Span};
use discover::ProjectFiles;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use value::{FileId, Kind, Value};
use vars::Environment;

/// How to load.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// `--env-file` files, in order; when empty, `.env` beside the project is read.
    pub env_files: Vec<PathBuf>,
    /// Use the process environment for interpolation (off by default for reproducibility).
    pub use_process_env: bool,
    /// Resource limits per file.
    pub limits: Limits,
    /// Texts to use instead of what is on disk (the fixer's work in progress), by path.
    pub overlay: HashMap<PathBuf, String>,
    /// Leave the full validation of files that fail the schema screen to
    /// [`Project::validate_schema`], so that the caller can do other work while the full
    /// validator compiles on another thread.
    pub defer_schema: bool,
}

impl LoadOptions {
    /// The bytes of `path`: from the overlay when it holds the file, else from disk.
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        match self.overlay.get(path) {
            Some(text) => Ok(text.clone().into_bytes()),
            None => {
                regular_file(path)?;
                std::fs::read(path)
            }
        }
    }
}

/// An error unless `path` is a regular file: a device (`/dev/zero`), a FIFO or a directory
/// named as a compose or env file would be read forever, block, or fail obscurely.
fn regular_file(path: &Path) -> std::io::Result<()> {
    if std::fs::metadata(path)?.is_file() {
        Ok(())
    } else {
        Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        ))
    }
}

/// The most composefix reads of an env file, as of a compose file (16 MiB).
const MAX_ENV_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// The text of an env file: a regular file of at most [`MAX_ENV_FILE_BYTES`], in UTF-8.
pub(crate) fn read_env_file(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    regular_file(path)?;
    let mut text = String::new();
    std::fs::File::open(path)?
        .take(MAX_ENV_FILE_BYTES + 1)
        .read_to_string(&mut text)?;
    if text.len() as u64 > MAX_ENV_FILE_BYTES {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "larger than the 16 MiB limit",
        ));
    }
    Ok(text)
}

/// A loaded project: its files, the merged model and what went wrong while loading.
#[derive(Debug)]
pub struct Project {
    /// The project name (`name:` or the directory's name).
    pub name: String,
    /// The project directory.
    pub dir: PathBuf,
    /// The files read, indexed by [`FileId`]: compose files, includes, extends targets, env files.
    pub files: Vec<Arc<SourceFile>>,
    /// How many of `files` are compose files named for the project (base and overrides).
    pub named_files: usize,
    /// The merged, interpolated model; None when no file could be read as a mapping.
    pub model: Option<Value>,
    /// `SYN` and `SCH` findings.
    pub diagnostics: Vec<Diagnostic>,
    /// Files whose schema validation was deferred ([`LoadOptions::defer_schema`]): each file's
    /// value as the schema sees it.
    unvalidated: Vec<(Value, Arc<SourceFile>)>,
    /// The `# composefix:` suppression comments of its compose files.
    pub directives: Vec<Directive>,
}

impl Project {
    /// Validates the files whose validation was deferred, adding their `SCH` findings.
    pub fn validate_schema(&mut self) {
        for (root, file) in std::mem::take(&mut self.unvalidated) {
            crate::project::schema::validate(&root, &file, &mut self.diagnostics);
        }
    }

    /// The file a value was written in.
    pub fn file(&self, id: FileId) -> &Arc<SourceFile> {
        &self.files[id.0 as usize]
    }

    /// The services of the merged model, in order.
    pub fn services(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.model
            .as_ref()
            .and_then(|m| m.get("services"))
            .and_then(Value::as_map)
            .into_iter()
            .flat_map(|m| m.iter().map(|(k, _, v)| (k, v)))
    }
}

/// A named file that could not be read at all: the tool cannot do its job (exit 2).
#[derive(Debug, thiserror::Error)]
#[error("cannot read `{}`: {source}", path.display())]
pub struct ReadError {
    /// The path.
    pub path: PathBuf,
    /// Why.
    #[source]
    pub source: std::io::Error,
}

/// Loads the project made of `files`.
pub fn load(files: &ProjectFiles, opts: &LoadOptions) -> Result<Project, ReadError> {
    let mut inputs = Vec::new();
    for path in &files.files {
        let text = opts.read(path).map_err(|source| ReadError {
            path: path.clone(),
            source,
        })?;
        inputs.push((path.clone(), display_name(path), text));
    }
    Ok(load_inputs(files.dir(), inputs, opts))
}

/// Loads one file's text given directly (stdin), as if it were the file at `path`.
pub fn load_text(path: &Path, text: Vec<u8>, opts: &LoadOptions) -> Project {
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    load_inputs(
        dir,
        vec![(path.to_path_buf(), display_name(path), text)],
        opts,
    )
}

/// Loads `yaml` as the file `compose.yaml` with default options: the one way unit tests
/// build a project from text.
#[cfg(test)]
pub(crate) fn from_yaml(yaml: &str) -> Project {
    load_text(
        Path::new("compose.yaml"),
        yaml.into(),
        &LoadOptions::default(),
    )
}

/// Env files given on the command line, which no file names.
fn unlocated(paths: &[PathBuf]) -> Vec<(PathBuf, Option<(FileId, Span)>)> {
    paths.iter().map(|p| (p.clone(), None)).collect()
}

fn load_inputs(
    dir: PathBuf,
    inputs: Vec<(PathBuf, String, Vec<u8>)>,
    opts: &LoadOptions,
) -> Project {
    let mut loader = Loader::new(opts);
    let env = loader.project_environment(&dir, &unlocated(&opts.env_files));
    let mut model: Option<Value> = None;
    let named_files = inputs.len();
    for (path, name, bytes) in inputs {
        let Some((id, mut root)) = loader.parse_bytes(&path, name, bytes, &env) else {
            continue;
        };
        loader.finish_file(id, &mut root, &env);
        model = Some(match model {
            None => root,
            Some(base) => merge::merge_files(base, root),
        });
    }
    let name = model
        .as_ref()
        .and_then(|m| m.get("name"))
        .and_then(Value::scalar_text)
        .map(|s| s.into_owned())
        .unwrap_or_else(|| default_project_name(&dir));
    Project {
        name,
        dir,
        files: loader.files,
        named_files,
        model,
        diagnostics: loader.diagnostics,
        unvalidated: loader.unvalidated,
        directives: loader.directives,
    }
}

fn default_project_name(dir: &Path) -> String {
    let base = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    base.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("project")
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// One file read alone as schema validation sees it: parsed, aliases and merge keys applied,
/// interpolated with the variables of its folder (or `opts.env_files`). None when the file is
/// not YAML. For tools that compare schema verdicts.
pub fn read_file_value(path: &Path, opts: &LoadOptions) -> Option<Value> {
    let bytes = std::fs::read(path).ok()?;
    let mut loader = Loader::new(opts);
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let env = loader.project_environment(&dir, &unlocated(&opts.env_files));
    loader
        .read_value(path, display_name(path), bytes, &env)
        .map(|(_, v)| v)
}

/// How reports name a file: relative to the working directory when below it.
pub fn display_name(path: &Path) -> String {
    let rel = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    rel.strip_prefix("./").unwrap_or(&rel).display().to_string()
}

/// State shared while loading one project and the files it pulls in.
struct Loader<'a> {
    opts: &'a LoadOptions,
    files: Vec<Arc<SourceFile>>,
    diagnostics: Vec<Diagnostic>,
    /// Files parsed for `extends: file:`, by path.
    parsed: HashMap<PathBuf, Option<(FileId, Value)>>,
    /// Includes being loaded, to stop cycles.
    including: Vec<PathBuf>,
    /// Values left for [`Project::validate_schema`].
    unvalidated: Vec<(Value, Arc<SourceFile>)>,
    directives: Vec<Directive>,
}

impl<'a> Loader<'a> {
    fn new(opts: &'a LoadOptions) -> Self {
        Loader {
            opts,
            files: Vec::new(),
            diagnostics: Vec::new(),
            parsed: HashMap::new(),
            including: Vec::new(),
            unvalidated: Vec::new(),
            directives: Vec::new(),
        }
    }

    /// The variables of a project in `dir`: its `.env` (or the given env files) and, when
    /// allowed, the process environment.
    /// The variables of a project in `dir`: its `env_files` (each with where it is written,
    /// when a file names it), or its `.env`.
    fn project_environment(
        &mut self,
        dir: &Path,
        env_files: &[(PathBuf, Option<(FileId, Span)>)],
    ) -> Environment {
        let mut env = Environment::new(self.opts.use_process_env);
        let default_env = dir.join(".env");
        let files = if env_files.is_empty() {
            if default_env.is_file() {
                vec![(default_env, None)]
            } else {
                Vec::new()
            }
        } else {
            env_files.to_vec()
        };
        for (file, written) in files {
            if let Err(problem) = env.add_file(&file, self.opts.use_process_env) {
                let mut d = Diagnostic::new(
                    &codes::MISSING_FILE,
                    format!(
                        "cannot use env file `{}`: {}",
                        display_name(&problem.path),
                        problem.message
                    ),
                )
                .help("interpolation goes on without the variables of this file");
                if let Some((id, span)) = written {
                    d = d.at(&self.files[id.0 as usize], span);
                }
                self.diagnostics.push(d);
            }
        }
        env
    }

    fn add_file(&mut self, file: SourceFile) -> (FileId, Arc<SourceFile>) {
        let id = FileId(self.files.len() as u32);
        let file = Arc::new(file);
        self.files.push(Arc::clone(&file));
        (id, file)
    }

    /// Reads and parses a file the project refers to; a missing one is reported at `from`.
    fn parse_path(
        &mut self,
        path: &Path,
        env: &Environment,
        from: Option<(FileId, Span)>,
    ) -> Option<(FileId, Value)> {
        match self.opts.read(path) {
            Ok(bytes) => self.parse_bytes(path, display_name(path), bytes, env),
            Err(e) => {
                let mut d = Diagnostic::new(
                    &codes::MISSING_FILE,
                    format!("cannot read `{}`: {e}", display_name(path)),
                );
                if let Some((id, span)) = from {
                    d = d.at(&Arc::clone(&self.files[id.0 as usize]), span);
                }
                self.diagnostics.push(d);
                None
            }
        }
    }

    /// Parse, convert, interpolate, validate and normalize one compose file.
    fn parse_bytes(
        &mut self,
        path: &Path,
        name: String,
        bytes: Vec<u8>,
        env: &Environment,
    ) -> Option<(FileId, Value)> {
        let (id, mut root) = self.read_value(path, name, bytes, env)?;
        let file = Arc::clone(&self.files[id.0 as usize]);
        if crate::project::schema::quick_verdict(&root) == Some(true) {
            // Valid: the full validator is not needed.
        } else if self.opts.defer_schema {
            crate::project::schema::compile_in_background();
            self.unvalidated.push((root.clone(), file));
        } else {
            crate::project::schema::validate(&root, &file, &mut self.diagnostics);
        }
        if !matches!(root.kind, Kind::Map(_)) {
            return None;
        }
        normalize::normalize_services(&mut root);
        Some((id, root))
    }

    /// Parse, convert and interpolate one file: the value the schema validates.
    fn read_value(
        &mut self,
        path: &Path,
        name: String,
        bytes: Vec<u8>,
        env: &Environment,
    ) -> Option<(FileId, Value)> {
        let limits = self.opts.limits;
        let (text, utf8_error) = match String::from_utf8(bytes) {
            Ok(text) => (text, None),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                (String::from_utf8_lossy(e.as_bytes()).into_owned(), Some(at))
            }
        };
        let (id, file) = self.add_file(SourceFile::new(path.to_path_buf(), name, text));
        if let Some(at) = utf8_error {
            self.diagnostics.push(
                // The span covers the replacement character that stands for the first bad
                // byte in the text: one byte would end inside it.
                Diagnostic::new(&codes::INVALID_YAML, "the file is not UTF-8 text")
                    .at(
                        &file,
                        Span::new(at, at + char::REPLACEMENT_CHARACTER.len_utf8()),
                    )
                    .help("save the file as UTF-8"),
            );
            return None;
        }
        let doc = match crate::source::parse(file.text(), &limits) {
            Ok(doc) => doc,
            Err(e) => {
                let code = match e.kind {
                    ParseErrorKind::Syntax => &codes::INVALID_YAML,
                    ParseErrorKind::MultipleDocuments => &codes::MULTIPLE_DOCUMENTS,
                    ParseErrorKind::Limit => &codes::RESOURCE_LIMIT,
                };
                self.diagnostics
                    .push(Diagnostic::new(code, e.message).at(&file, e.span));
                return None;
            }
        };
        self.directives
            .extend(crate::source::directive::directives(&file, &doc));
        let budget = limits.max_expanded_nodes + 4 * doc.len();
        let mut root = match yaml::to_value(&doc, &file, id, budget) {
            Ok(Some(root)) => root,
            Ok(None) => {
                self.diagnostics.push(
                    Diagnostic::new(&codes::EMPTY_FILE, "the compose file is empty")
                        .at(&file, Span::at(0))
                        .help("add `services:` or delete the file"),
                );
                return None;
            }
            Err(problems) => {
                self.diagnostics.extend(problems);
                return None;
            }
        };
        vars::interpolate_value(&mut root, env, &file, &mut self.diagnostics);
        Some((id, root))
    }

    /// `include`, `extends` and `env_file` of one loaded file.
    fn finish_file(&mut self, id: FileId, root: &mut Value, env: &Environment) {
        let dir = self.files[id.0 as usize]
            .path()
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        include::apply(self, id, root, &dir, env);
        extends::apply(self, id, root, &dir, env);
        env_file::apply(self, id, root, &dir, env);
    }
}
