//! `exclude` (configuration) and `--exclude` (command line): paths a directory search skips.
//! Files named on the command line are always checked.

use crate::config::{Config, ConfigError, Overrides, glob, matches_path};
use globset::GlobMatcher;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The exclusions of one directory search, each glob with the directory it is relative to.
pub(super) struct Exclude {
    globs: Vec<(GlobMatcher, PathBuf)>,
}

impl Exclude {
    /// The configuration's globs (relative to its directory) and the command line's (relative
    /// to the current directory).
    pub(super) fn new(config: Option<Arc<Config>>, cli: &Overrides) -> Result<Self, ConfigError> {
        let mut globs = Vec::new();
        if let Some(c) = config {
            globs.extend(c.exclude.iter().map(|g| (g.clone(), c.dir.clone())));
        }
        let cwd = std::path::absolute(".").unwrap_or_default();
        for pattern in &cli.exclude {
            let matcher = glob(pattern).map_err(|message| ConfigError::Read {
                path: PathBuf::from(format!("--exclude {pattern}")),
                message: format!("invalid glob: {message}"),
            })?;
            globs.push((matcher, cwd.clone()));
        }
        Ok(Exclude { globs })
    }

    /// True when `path` (or a directory above it) matches an exclusion.
    pub(super) fn excludes(&self, path: &Path) -> bool {
        if self.globs.is_empty() {
            return false;
        }
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        self.globs.iter().any(|(glob, base)| {
            path.strip_prefix(base)
                .is_ok_and(|rel| matches_path(glob, rel))
        })
    }
}
