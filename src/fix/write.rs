//! Putting fixes out: a unified diff, or an atomic write in place.

use std::io::Write;
use std::path::{Path, PathBuf};

/// A unified diff of `old` → `new` with `a/` and `b/` headers, empty when they are equal.
pub fn unified_diff(name: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

/// Why a file was not written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The file changed on disk since composefix read it.
    #[error("`{0}` changed on disk since it was read; not overwritten")]
    Changed(PathBuf),
    /// The file system refused.
    #[error("cannot write `{0}`: {1}")]
    Io(PathBuf, std::io::Error),
}

/// Writes `text` over `path` atomically: a temporary file in the same directory, fsync,
/// rename. Keeps the permissions; writes through a symlink to its target; refuses when the
/// file no longer holds `expected`.
pub fn write_atomic(path: &Path, expected: &str, text: &str) -> Result<(), WriteError> {
    let io = |e: std::io::Error| WriteError::Io(path.to_path_buf(), e);
    let target = std::fs::canonicalize(path).map_err(io)?;
    let current = std::fs::read(&target).map_err(io)?;
    if current != expected.as_bytes() {
        return Err(WriteError::Changed(path.to_path_buf()));
    }
    let permissions = std::fs::metadata(&target).map_err(io)?.permissions();
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.composefix-{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(text.as_bytes())?;
        file.set_permissions(permissions)?;
        file.sync_all()?;
        std::fs::rename(&temp, &target)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&temp);
        return Err(io(e));
    }
    Ok(())
}
