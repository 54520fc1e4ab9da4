//! Project loading, as `docker compose` does it: discovery, reading, interpolation, schema
//! validation, `include`, `extends`, `env_file`, and merging of `-f` and override files.
//!
//! Every value of the resulting model keeps its [`value::Origin`], so findings point at the
//! file and bytes where a value was written, through aliases, merges, overrides and includes.

mod canonical;
pub(crate) mod command_words;
mod consistency;
pub(crate) use canonical::clean_path;
pub(crate) mod codes;
pub mod discover;
pub(crate) mod dotenv;
pub mod emit;
mod env_file;
mod extends;
mod include;
pub(crate) mod interpolate;
pub mod masking;
mod merge;
pub(crate) mod name;
mod normalize;
mod read;
pub mod schema;
pub mod value;
pub(crate) mod vars;
pub mod view;
mod yaml;

use crate::diagnostic::Diagnostic;
use crate::source::directive::Directive;
use crate::source::{Limits, ParseErrorKind, SourceFile, Span};
use discover::ProjectFiles;
use interpolate::Variables;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use value::{FileId, Kind, Origin, Value};
use vars::Environment;

/// How to load.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// `--env-file` files, in order; when empty, `.env` beside the project is read.
    pub env_files: Vec<PathBuf>,
    /// Use the process environment for interpolation (off by default for reproducibility).
    pub use_process_env: bool,
    /// `--profile` names; when empty, those of `COMPOSE_PROFILES` in the project's variables.
    /// Only what `config` prints depends on them: the rules check every service.
    pub profiles: Vec<String>,
    /// Resource limits per file.
    pub limits: Limits,
    /// Texts to use instead of what is on disk (the fixer's work in progress), by path.
    pub overlay: HashMap<PathBuf, String>,
    /// Leave the full validation of files that fail the schema screen to
    /// [`Project::validate_schema`], so that the caller can do other work while the full
    /// validator compiles on another thread.
    pub defer_schema: bool,
    /// Parses kept from earlier loads: a file whose text is unchanged is not parsed again
    /// (the language server's re-check after a keystroke).
    pub parses: Option<crate::source::ParseCache>,
}

impl LoadOptions {
    /// The bytes of `path`: from the overlay when it holds the file, else from disk (a regular
    /// file of at most the size limit).
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        match self.overlay.get(path) {
            Some(text) => Ok(text.clone().into_bytes()),
            None => read::regular_file(path, self.limits.max_bytes),
        }
    }
}

/// Why a file the project refers to was not read: the finding's code and message.
struct Refused {
    code: &'static crate::diagnostic::RuleInfo,
    message: String,
}

impl Refused {
    /// The finding, at the place that names the file when there is one.
    fn diagnostic(self, at: Option<&Arc<SourceFile>>, span: Span) -> Diagnostic {
        let d = Diagnostic::new(self.code, self.message);
        match at {
            Some(file) => d.at(file, span),
            None => d,
        }
    }
}

/// The finding for a file that could not be read: `SYN004` when over the size limit, else
/// `SYN006`.
fn refused_read(path: &Path, e: &std::io::Error) -> Refused {
    let code = if e.kind() == std::io::ErrorKind::FileTooLarge {
        &codes::RESOURCE_LIMIT
    } else {
        &codes::MISSING_FILE
    };
    Refused {
        code,
        message: format!("cannot read `{}`: {e}", display_name(path)),
    }
}

/// A file whose validation is deferred: its value as the schema sees it, the same filled from
/// the files before it when it is an override ([`schema::filled_from`]), and the file.
type Unvalidated = (Value, Option<Value>, Arc<SourceFile>);

/// Validates one file's value; an override's with what the files before it give.
fn validate_file(
    root: &Value,
    filled: Option<&Value>,
    file: &Arc<SourceFile>,
    out: &mut Vec<Diagnostic>,
) {
    match filled {
        Some(filled) => schema::validate_override(root, filled, file, out),
        None => schema::validate(root, file, out),
    }
}

/// The service names, and for each place a value was written the indices of the services
/// holding it.
type Holders = (Vec<String>, HashMap<(FileId, Span), Vec<u32>>);

/// A loaded project: its files, the merged model and what went wrong while loading.
#[derive(Debug)]
pub struct Project {
    /// The project name: `COMPOSE_PROJECT_NAME`, else `name:`, else the directory's name
    /// (see [`name`]).
    pub name: String,
    /// The project directory.
    pub dir: PathBuf,
    /// The active profiles (`--profile`, else `COMPOSE_PROFILES`); `*` activates them all.
    pub profiles: Vec<String>,
    /// For the compose files whose relative paths are not resolved against their own folder
    /// (override files, included files with a `project_directory`), the folder they are.
    bases: HashMap<FileId, PathBuf>,
    /// The files read, indexed by [`FileId`]: compose files, includes, extends targets, env files.
    pub files: Vec<Arc<SourceFile>>,
    /// The compose files named for the project (base and overrides), as opposed to those it
    /// `include`s or `extends` and its env files.
    pub named: Vec<FileId>,
    /// The merged, interpolated model; None when no file could be read as a mapping.
    pub model: Option<Value>,
    /// `SYN` and `SCH` findings.
    pub diagnostics: Vec<Diagnostic>,
    /// Files whose schema validation was deferred ([`LoadOptions::defer_schema`]): each file's
    /// value as the schema sees it.
    unvalidated: Vec<Unvalidated>,
    /// The `# composefix:` suppression comments of its compose files.
    pub directives: Vec<Directive>,
    /// For each place a value of a service was written, the services (by index) holding it;
    /// built on first use by [`Project::services_holding`].
    holders: OnceLock<Holders>,
}

impl Project {
    /// Validates the files whose validation was deferred, adding their `SCH` findings.
    pub fn validate_schema(&mut self) {
        for (root, filled, file) in std::mem::take(&mut self.unvalidated) {
            validate_file(&root, filled.as_ref(), &file, &mut self.diagnostics);
        }
    }

    /// The names of the services whose merged value holds a value written at `origin`: more
    /// than one when it is shared through an anchor, a merge key or `extends`. One walk of the
    /// model answers every later question, so fixes that ask for each service stay linear.
    pub fn services_holding(&self, origin: &Origin) -> Vec<&str> {
        let holders = self.holders.get_or_init(|| {
            fn walk(v: &Value, i: u32, out: &mut HashMap<(FileId, Span), Vec<u32>>) {
                let held = out.entry((v.origin.file, v.origin.span)).or_default();
                if held.last() != Some(&i) {
                    held.push(i);
                }
                match &v.kind {
                    Kind::Map(m) => m.iter().for_each(|(_, _, v)| walk(v, i, out)),
                    Kind::Seq(items) => items.iter().for_each(|v| walk(v, i, out)),
                    _ => {}
                }
            }
            let mut names = Vec::new();
            let mut out = HashMap::new();
            for (i, (name, service)) in self.services().enumerate() {
                names.push(name.to_string());
                walk(service, i as u32, &mut out);
            }
            (names, out)
        });
        let (names, index) = holders;
        index
            .get(&(origin.file, origin.span))
            .map(|held| held.iter().map(|&i| names[i as usize].as_str()).collect())
            .unwrap_or_default()
    }

    /// The file a value was written in.
    pub fn file(&self, id: FileId) -> &Arc<SourceFile> {
        &self.files[id.0 as usize]
    }

    /// The folder that relative paths written in file `id` are resolved against, as compose-go
    /// resolves them: the project directory for the named files, the include's project
    /// directory for an included file, else the file's own folder (an `extends` file).
    pub fn base_dir(&self, id: FileId) -> PathBuf {
        base_dir(&self.bases, &self.files, id)
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
///
/// A named file over the size limit is a `SYN004` finding; one that cannot be read at all (or
/// is not a regular file) is a [`ReadError`].
pub fn load(files: &ProjectFiles, opts: &LoadOptions) -> Result<Project, ReadError> {
    let mut inputs = Vec::new();
    let mut too_large = Vec::new();
    for path in &files.files {
        match opts.read(path) {
            Ok(text) => inputs.push((path.clone(), display_name(path), text)),
            Err(e) if e.kind() == std::io::ErrorKind::FileTooLarge => too_large.push(
                Diagnostic::new(
                    &codes::RESOURCE_LIMIT,
                    format!("`{}` is {e}", display_name(path)),
                )
                .help("raise the limit with `--max-file-size`"),
            ),
            Err(source) => {
                return Err(ReadError {
                    path: path.clone(),
                    source,
                });
            }
        }
    }
    let mut project = load_inputs(files.dir(), inputs, opts);
    project.diagnostics.splice(0..0, too_large);
    Ok(project)
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

/// The first file of `files` read from each of `paths` (an env file or an include may come
/// before a compose file, and may name the same file again).
fn named_ids(files: &[Arc<SourceFile>], paths: &[PathBuf]) -> Vec<FileId> {
    paths
        .iter()
        .filter_map(|p| files.iter().position(|f| f.path() == p))
        .map(|i| FileId(i as u32))
        .collect()
}

fn load_inputs(
    dir: PathBuf,
    inputs: Vec<(PathBuf, String, Vec<u8>)>,
    opts: &LoadOptions,
) -> Project {
    let mut loader = Loader::new(opts, &dir);
    let mut env = loader.project_environment(&dir, &unlocated(&opts.env_files));
    let named_by_variable = env
        .get(name::VARIABLE)
        .filter(|n| !n.is_empty())
        .map(str::to_string);
    if let Some(given) = &named_by_variable {
        loader.check_name_variable(&dir, given);
    } else {
        // `${COMPOSE_PROJECT_NAME}` is the name the files declare, else the directory's.
        let declared = inputs
            .iter()
            .filter_map(|(_, _, text)| name::declared(text, &env, &loader.budget))
            .next_back();
        let name = declared.unwrap_or_else(|| name::of_dir(&dir));
        env.set(name::VARIABLE, name);
    }
    let mut model: Option<Value> = None;
    let paths: Vec<PathBuf> = inputs.iter().map(|(p, _, _)| p.clone()).collect();
    for (path, name, bytes) in inputs {
        let Some((id, mut root)) = loader.parse_bytes(&path, name, bytes, &env, model.as_ref())
        else {
            continue;
        };
        loader.bases.insert(id, dir.clone());
        loader.finish_file(id, &mut root, &env);
        model = Some(match model {
            None => merge::strip_tags(root),
            Some(base) => merge::merge_files(base, root),
        });
    }
    if let Some(model) = &mut model {
        env_file::fill_bare_variables(model, &env);
        env_file::apply(&mut loader, model, &env);
        consistency::check(model, &loader.files, &mut loader.diagnostics);
    }
    let declared = model
        .as_ref()
        .and_then(|m| m.get("name"))
        .and_then(Value::scalar_text)
        .map(|s| name::normalize(&s))
        .filter(|n| !n.is_empty());
    let name = named_by_variable
        .or(declared)
        .unwrap_or_else(|| name::of_dir(&dir));
    let profiles = if opts.profiles.is_empty() {
        env.get("COMPOSE_PROFILES")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect()
    } else {
        opts.profiles.clone()
    };
    Project {
        name,
        dir,
        profiles,
        bases: loader.bases,
        named: named_ids(&loader.files, &paths),
        files: loader.files,
        model,
        diagnostics: loader.diagnostics,
        unvalidated: loader.unvalidated,
        directives: loader.directives,
        holders: OnceLock::new(),
    }
}

/// [`Project::base_dir`], for the loader too.
fn base_dir(bases: &HashMap<FileId, PathBuf>, files: &[Arc<SourceFile>], id: FileId) -> PathBuf {
    bases.get(&id).cloned().unwrap_or_else(|| {
        files
            .get(id.0 as usize)
            .and_then(|f| f.path().parent())
            .map(Path::to_path_buf)
            .unwrap_or_default()
    })
}

/// One file read alone as schema validation sees it: parsed, aliases and merge keys applied,
/// interpolated with the variables of its folder (or `opts.env_files`). None when the file is
/// not YAML. For tools that compare schema verdicts.
pub fn read_file_value(path: &Path, opts: &LoadOptions) -> Option<Value> {
    let bytes = opts.read(path).ok()?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut loader = Loader::new(opts, &dir);
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
    /// The repository root ([`read::repository_root`]) no referenced file may leave.
    root: PathBuf,
    files: Vec<Arc<SourceFile>>,
    diagnostics: Vec<Diagnostic>,
    /// Files parsed for `extends: file:`, by path.
    parsed: HashMap<PathBuf, Option<(FileId, Value)>>,
    /// Includes being loaded, to stop cycles.
    including: Vec<PathBuf>,
    /// Services whose `extends` are being resolved (file, service), to stop cycles.
    extending: Vec<(PathBuf, String)>,
    /// Values left for [`Project::validate_schema`].
    unvalidated: Vec<Unvalidated>,
    directives: Vec<Directive>,
    /// What variable values may still add to interpolated text.
    budget: interpolate::Budget,
    /// See [`Project::base_dir`].
    bases: HashMap<FileId, PathBuf>,
}

impl<'a> Loader<'a> {
    fn new(opts: &'a LoadOptions, project_dir: &Path) -> Self {
        Loader {
            opts,
            root: read::repository_root(project_dir),
            files: Vec::new(),
            diagnostics: Vec::new(),
            parsed: HashMap::new(),
            including: Vec::new(),
            extending: Vec::new(),
            unvalidated: Vec::new(),
            directives: Vec::new(),
            budget: interpolate::Budget::new(opts.limits.max_interpolated_bytes),
            bases: HashMap::new(),
        }
    }

    /// The variables of a project in `dir`: its `env_files` (each with where it is written,
    /// when a file names it), or its `.env`; and, when allowed, the process environment.
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
        for (path, written) in files {
            let from_command_line = written.is_none() && !env_files.is_empty();
            let at = written.map(|(id, span)| (Arc::clone(&self.files[id.0 as usize]), span));
            let text = match self.read_env_text(&path, !from_command_line) {
                Ok(text) => text,
                Err(refused) => {
                    let (file, span) = at.map_or((None, Span::at(0)), |(f, s)| (Some(f), s));
                    let d = refused
                        .diagnostic(file.as_ref(), span)
                        .help("interpolation goes on without the variables of this file");
                    self.diagnostics.push(d);
                    continue;
                }
            };
            let problems = env.add_text(&text, self.opts.use_process_env, &self.budget);
            if !problems.is_empty() {
                let (_, file) =
                    self.add_file(SourceFile::new(path.clone(), display_name(&path), text));
                self.report_dotenv(&file, problems);
            }
        }
        env
    }

    /// compose-go refuses a `COMPOSE_PROJECT_NAME` that is not already normalised ("invalid
    /// project name"): `SCH003`, at the line of the env file that sets it when a file does
    /// (the process environment wins over the files when it is used).
    fn check_name_variable(&mut self, dir: &Path, given: &str) {
        let normal = name::normalize(given);
        if normal == given {
            return;
        }
        let mut d = Diagnostic::new(
            &schema::codes::INVALID_VALUE,
            format!(
                "invalid project name `{given}` in `{}`: Compose takes only lower-case letters, \
                 digits, `_` and `-`, starting with a letter or a digit",
                name::VARIABLE
            ),
        )
        .help(format!("name the project `{normal}`"));
        let from_process = self.opts.use_process_env && std::env::var_os(name::VARIABLE).is_some();
        let files = if self.opts.env_files.is_empty() {
            vec![dir.join(".env")]
        } else {
            self.opts.env_files.clone()
        };
        let written = files
            .iter()
            .rev()
            .filter(|_| !from_process)
            .find_map(|path| {
                let bytes = read::regular_file(path, self.opts.limits.max_bytes).ok()?;
                let text = String::from_utf8(bytes).ok()?;
                let span = name::assignment(&text)?;
                Some((path.clone(), text, span))
            });
        if let Some((path, text, span)) = written {
            let (_, file) = self.add_file(SourceFile::new(path.clone(), display_name(&path), text));
            d = d.at(&file, span);
        }
        self.diagnostics.push(d);
    }

    /// Findings for the lines of an env file that could not be used, at those lines.
    fn report_dotenv(&mut self, file: &Arc<SourceFile>, problems: Vec<dotenv::DotenvError>) {
        for problem in problems {
            let start = file.lines().line_start(problem.line).unwrap_or(0);
            let line = &file.text()[start..];
            let end = start + line.find('\n').unwrap_or(line.len());
            self.diagnostics.push(
                Diagnostic::new(problem.code(), format!("env file: {}", problem.message))
                    .at(file, Span::new(start, end))
                    .help("the other lines of the file are still used"),
            );
        }
    }

    /// The text of an env file: within the repository root unless the command line named it
    /// (`inside_only` false), a regular file, at most the size limit, UTF-8.
    fn read_env_text(&self, path: &Path, inside_only: bool) -> Result<String, Refused> {
        let bytes = if inside_only {
            self.read_referenced(path)?
        } else {
            read::regular_file(path, self.opts.limits.max_bytes)
                .map_err(|e| refused_read(path, &e))?
        };
        String::from_utf8(bytes).map_err(|_| Refused {
            code: &codes::INVALID_YAML,
            message: format!("env file `{}` is not UTF-8 text", display_name(path)),
        })
    }

    /// The bytes of a file a compose file refers to (`include`, `extends`, `env_file`): never
    /// outside the repository root, only a regular file, at most the size limit.
    fn read_referenced(&self, path: &Path) -> Result<Vec<u8>, Refused> {
        if self.opts.overlay.contains_key(path) {
            return self.opts.read(path).map_err(|e| refused_read(path, &e));
        }
        if !read::is_within(path, &self.root) {
            return Err(Refused {
                code: &codes::MISSING_FILE,
                message: format!(
                    "`{}` is outside the repository root `{}`: composefix does not read it",
                    display_name(path),
                    self.root.display()
                ),
            });
        }
        self.opts.read(path).map_err(|e| refused_read(path, &e))
    }

    /// See [`Project::base_dir`].
    fn base_dir(&self, id: FileId) -> PathBuf {
        base_dir(&self.bases, &self.files, id)
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
        match self.read_referenced(path) {
            Ok(bytes) => self.parse_bytes(path, display_name(path), bytes, env, None),
            Err(refused) => {
                let at = from.map(|(id, span)| (Arc::clone(&self.files[id.0 as usize]), span));
                let (file, span) = at.map_or((None, Span::at(0)), |(f, s)| (Some(f), s));
                self.diagnostics
                    .push(refused.diagnostic(file.as_ref(), span));
                None
            }
        }
    }

    /// Parse, convert, interpolate, validate and normalize one compose file; an override file
    /// is validated with `base`, the model of the files before it ([`schema::validate_override`]).
    fn parse_bytes(
        &mut self,
        path: &Path,
        name: String,
        bytes: Vec<u8>,
        env: &Environment,
        base: Option<&Value>,
    ) -> Option<(FileId, Value)> {
        let (id, mut root) = self.read_value(path, name, bytes, env)?;
        let file = Arc::clone(&self.files[id.0 as usize]);
        // The schema judges what the file contributes: a `!reset` entry is a removal, not a
        // value, and `!override` only says how to merge.
        let tagged = {
            let text = file.text();
            text.contains("!reset") || text.contains("!override")
        };
        let resolved;
        let view = if tagged {
            resolved = merge::strip_tags(root.clone());
            &resolved
        } else {
            &root
        };
        if crate::project::schema::quick_verdict(view) == Some(true) {
            // Valid: the full validator is not needed.
        } else {
            let filled = base.map(|b| schema::filled_from(view, b));
            if self.opts.defer_schema {
                schema::compile_in_background();
                self.unvalidated.push((view.clone(), filled, file));
            } else {
                validate_file(view, filled.as_ref(), &file, &mut self.diagnostics);
            }
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
        let parsed = match &self.opts.parses {
            Some(cache) => cache.parse(path, file.text(), &limits),
            None => crate::source::parse(file.text(), &limits).map(Arc::new),
        };
        let doc = match parsed {
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
        let converted = yaml::to_value(&doc, &file, id, budget);
        file.keep_tree(doc);
        let mut root = match converted {
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
        vars::interpolate_value(&mut root, env, &self.budget, &file, &mut self.diagnostics);
        Some((id, root))
    }

    /// `include` and `extends` of one loaded file (its `env_file`s are read once the project's
    /// files are merged, [`env_file::apply`], each relative to the base of the file that names it).
    fn finish_file(&mut self, id: FileId, root: &mut Value, env: &Environment) {
        let dir = self.base_dir(id);
        include::apply(self, id, root, &dir, env);
        extends::apply(self, id, root, &dir, env);
    }
}
