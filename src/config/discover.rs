//! Which configuration file applies to a directory: the nearest `composefix.toml` (or
//! `.composefix.toml`) in it or above it, up to the repository root (the first directory
//! holding `.git`), so that a checkout never picks up a file from outside it.

use super::{Config, ConfigChoice, ConfigError, FILE_NAMES, parse};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The configuration file for `dir`, if any, without reading it.
pub fn nearest(dir: &Path) -> Option<PathBuf> {
    let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    for d in dir.ancestors() {
        for name in FILE_NAMES {
            let candidate = d.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
        if d.join(".git").exists() {
            break;
        }
    }
    None
}

/// Reads each configuration file once, however many projects it applies to.
#[derive(Debug, Default)]
pub struct Configs {
    choice: ConfigChoice,
    read: HashMap<PathBuf, Arc<Config>>,
}

impl Configs {
    /// Configurations as `choice` says.
    pub fn new(choice: ConfigChoice) -> Self {
        Configs {
            choice,
            read: HashMap::new(),
        }
    }

    /// The configuration that applies to a project in `dir`.
    pub fn for_dir(&mut self, dir: &Path) -> Result<Option<Arc<Config>>, ConfigError> {
        let path = match &self.choice {
            ConfigChoice::Isolated => return Ok(None),
            ConfigChoice::File(path) => path.clone(),
            ConfigChoice::Discover => match nearest(dir) {
                Some(path) => path,
                None => return Ok(None),
            },
        };
        if let Some(config) = self.read.get(&path) {
            return Ok(Some(Arc::clone(config)));
        }
        let config = Arc::new(parse(&path)?);
        self.read.insert(path, Arc::clone(&config));
        Ok(Some(config))
    }
}
