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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_file_changed_since_it_was_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("compose.yaml");
        std::fs::write(&path, "services: {}\n# edited meanwhile\n").unwrap();
        let err = write_atomic(&path, "services: {}\n", "fixed\n").unwrap_err();
        assert!(matches!(err, WriteError::Changed(_)));
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "services: {}\n# edited meanwhile\n"
        );
        write_atomic(&path, "services: {}\n# edited meanwhile\n", "fixed\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "fixed\n");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file left"
        );
    }

    #[test]
    fn diff_headers() {
        assert_eq!(unified_diff("c.yaml", "a\n", "a\n"), "");
        assert_eq!(
            unified_diff("c.yaml", "a\n", "b\n"),
            "--- a/c.yaml\n+++ b/c.yaml\n@@ -1 +1 @@\n-a\n+b\n"
        );
    }
}
