//! `composefix.toml` / `.composefix.toml`: a team's settings, found by walking up from each
//! project's directory to the repository root, then overlaid by the command line.
//!
//! [`parse`](mod@parse) reads a file into a [`Config`], pointing every error at its bytes;
//! [`discover`] finds the file that applies to a directory; [`Settings`] is what one project
//! runs with: the file's settings under the command line's.

pub mod discover;
mod parse;

use crate::diagnostic::{Diagnostic, Platform, RuleInfo, Severity};
use crate::rules::{Layer, Selection};
use crate::source::{SourceFile, Span};
use globset::{Glob, GlobMatcher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use parse::parse;

/// The names a configuration file may have, in the order they are looked for in a directory.
pub const FILE_NAMES: [&str; 2] = ["composefix.toml", ".composefix.toml"];

/// Which configuration file applies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ConfigChoice {
    /// The nearest `composefix.toml` above each project (the default).
    #[default]
    Discover,
    /// This file, for every project (`--config FILE`).
    File(PathBuf),
    /// None (`--isolated`).
    Isolated,
}

/// One configuration file, read.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file (its text, for error snippets).
    pub file: Arc<SourceFile>,
    /// The directory its globs are relative to.
    pub dir: PathBuf,
    /// `select`, `extend-select` and `ignore`.
    pub layer: Layer,
    /// `target`; empty when not set.
    pub targets: Vec<Platform>,
    /// `fail-level`.
    pub fail_level: Option<Severity>,
    /// `[per-file-ignores]`: glob → the rules it silences.
    pub per_file_ignores: Vec<(GlobMatcher, Selection)>,
    /// `exclude`: globs of paths a directory search skips.
    pub exclude: Vec<GlobMatcher>,
    /// `[rules.CODE] severity = …`.
    pub severities: Vec<(&'static RuleInfo, Severity)>,
}

/// A configuration file that cannot be used: the run stops with exit 2.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ConfigError {
    /// The file cannot be read.
    #[error("cannot read `{}`: {message}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// A key or value is wrong, at a place in the file.
    #[error("{}:{}:{}: {message}", file.name(), file.line_col(span.start).line, file.line_col(span.start).column)]
    Invalid {
        /// The file.
        file: Arc<SourceFile>,
        /// Where.
        span: Span,
        /// What is wrong.
        message: String,
        /// How to fix it ("did you mean").
        help: Option<String>,
    },
}

/// What the command line sets: each, when given, wins over the file.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--select`, `--extend-select`, `--ignore`.
    pub layer: Layer,
    /// `--target`; empty when not given.
    pub targets: Vec<Platform>,
    /// `--fail-level`.
    pub fail_level: Option<Severity>,
    /// `--exclude`, relative to the current directory.
    pub exclude: Vec<String>,
}

/// What one project runs with.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The rules reported.
    pub selection: Selection,
    /// The platforms checked for (never empty).
    pub targets: Vec<Platform>,
    /// The lowest severity that fails the run.
    pub fail_level: Severity,
    /// The configuration file the settings come from, if any.
    pub config: Option<Arc<Config>>,
}

impl Settings {
    /// The settings of a project under `config` (if any) with the command line's overrides.
    pub fn new(config: Option<Arc<Config>>, cli: &Overrides) -> Result<Self, ConfigError> {
        let mut selection = Selection::default();
        if let Some(c) = &config {
            selection = selection
                .with(c.layer.clone())
                .map_err(|e| ConfigError::Read {
                    path: c.file.path().to_path_buf(),
                    message: e.to_string(),
                })?;
        }
        let selection = selection
            .with(cli.layer.clone())
            .map_err(|e| ConfigError::Read {
                path: PathBuf::from("the command line"),
                message: e.to_string(),
            })?;
        let targets = if !cli.targets.is_empty() {
            cli.targets.clone()
        } else {
            match &config {
                Some(c) if !c.targets.is_empty() => c.targets.clone(),
                _ => Platform::ALL.to_vec(),
            }
        };
        let fail_level = cli
            .fail_level
            .or(config.as_ref().and_then(|c| c.fail_level))
            .unwrap_or(Severity::Warning);
        Ok(Settings {
            selection,
            targets,
            fail_level,
            config,
        })
    }

    /// True when `rule` runs: selected, and its findings occur on a targeted platform.
    pub fn runs(&self, rule: &RuleInfo) -> bool {
        self.selection.enabled(rule) && rule.platforms.iter().any(|p| self.targets.contains(p))
    }

    /// Applies the file's per-file ignores (false: drop the finding) and severities.
    pub fn adjust(&self, d: &mut Diagnostic) -> bool {
        let Some(config) = &self.config else {
            return true;
        };
        if let Some(l) = &d.location
            && !config.per_file_ignores.is_empty()
            && let Ok(path) = std::path::absolute(l.file.path())
            && let Ok(rel) = path.strip_prefix(&config.dir)
        {
            let ignored = config
                .per_file_ignores
                .iter()
                .any(|(glob, rules)| matches_path(glob, rel) && rules.enabled(d.rule));
            if ignored {
                return false;
            }
        }
        if let Some((_, severity)) = config
            .severities
            .iter()
            .find(|(r, _)| r.code == d.rule.code)
        {
            d.severity = *severity;
            d.severities.clear();
        }
        true
    }
}

/// True when `glob` matches `path` or one of its parent directories (`vendor` excludes
/// `vendor/a/compose.yaml`, as in `.gitignore`).
pub fn matches_path(glob: &GlobMatcher, path: &Path) -> bool {
    path.ancestors()
        .filter(|p| !p.as_os_str().is_empty())
        .any(|p| glob.is_match(p))
}

/// Compiles a glob of the configuration or the command line.
pub fn glob(pattern: &str) -> Result<GlobMatcher, String> {
    Glob::new(pattern)
        .map(|g| g.compile_matcher())
        .map_err(|e| e.kind().to_string())
}
