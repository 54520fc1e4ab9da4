//! `--write`: an atomic write in place that a hostile directory cannot redirect.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// Why a file was not written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The file changed on disk since composefix read it.
    #[error("`{0}` changed on disk since it was read; not overwritten")]
    Changed(PathBuf),
    /// The file has no write permission: composefix does not replace what its owner protected.
    #[error("`{0}` is read-only; not overwritten")]
    ReadOnly(PathBuf),
    /// The file system refused.
    #[error("cannot write `{0}`: {1}")]
    Io(PathBuf, std::io::Error),
}

/// Writes `text` over `path` atomically: a temporary file in the same directory, fsync,
/// rename. Keeps the permissions and, where allowed, the owner; writes through a symlink to its
/// target; refuses when the file no longer holds `expected` or is read-only.
///
/// The temporary file gets a fresh name and is created exclusively (`O_CREAT|O_EXCL`, which
/// also refuses a symlink planted at that name), mode 0600 until it gets the file's own mode,
/// before any content is written; it is removed on every error.
pub fn write_atomic(path: &Path, expected: &str, text: &str) -> Result<(), WriteError> {
    let io = |e: std::io::Error| WriteError::Io(path.to_path_buf(), e);
    let target = std::fs::canonicalize(path).map_err(io)?;
    let current = std::fs::read(&target).map_err(io)?;
    if current != expected.as_bytes() {
        return Err(WriteError::Changed(path.to_path_buf()));
    }
    let metadata = std::fs::metadata(&target).map_err(io)?;
    if metadata.permissions().readonly() {
        return Err(WriteError::ReadOnly(path.to_path_buf()));
    }
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (temp, mut file) = create_temp(dir, &name).map_err(io)?;
    let result = (|| {
        file.set_permissions(metadata.permissions())?;
        keep_owner(&file, &metadata)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&temp, &target)?;
        // The rename itself is durable once the directory is synced (best effort).
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&temp);
        return Err(io(e));
    }
    Ok(())
}

/// How many temporary names this process has tried, so that no two are alike.
static TEMP_COUNTER: AtomicU32 = AtomicU32::new(0);

/// Creates `.<name>.composefix-<pid>-<nanos>-<n>.tmp` in `dir`, exclusively (never an existing
/// file or symlink), readable and writable by its owner only; a taken name gets another.
fn create_temp(dir: &Path, name: &str) -> std::io::Result<(PathBuf, File)> {
    let mut tries = 0;
    loop {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp = dir.join(format!(
            ".{name}.composefix-{}-{nanos:08x}-{n}.tmp",
            std::process::id()
        ));
        match open_new(&temp) {
            Ok(file) => return Ok((temp, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && tries < 16 => tries += 1,
            Err(e) => return Err(e),
        }
    }
}

/// Opens `path` as a new file, mode 0600: fails when anything is there, a symlink too
/// (`O_EXCL` does not follow it), so a file planted by someone else is never written.
fn open_new(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Gives the new file the owner and group of the one it replaces; a user who may not (not
/// root, or not in the group) keeps their own, as any editor would.
#[cfg(unix)]
fn keep_owner(file: &File, original: &std::fs::Metadata) -> std::io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    match std::os::unix::fs::fchown(file, Some(original.uid()), Some(original.gid())) {
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => Ok(()),
        other => other,
    }
}

#[cfg(not(unix))]
fn keep_owner(_: &File, _: &std::fs::Metadata) -> std::io::Result<()> {
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

    #[cfg(unix)]
    #[test]
    fn a_symlink_planted_at_a_temporary_name_is_never_followed() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside");
        std::fs::write(&outside, "keep\n").unwrap();
        std::fs::set_permissions(&outside, std::fs::Permissions::from_mode(0o644)).unwrap();
        let planted = dir.path().join(".compose.yaml.composefix-1.tmp");
        std::os::unix::fs::symlink(&outside, &planted).unwrap();
        let dangling = dir.path().join(".dangling.tmp");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
        for link in [&planted, &dangling] {
            let err = open_new(link).unwrap_err();
            assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
        }
        assert!(!dir.path().join("nowhere").exists());
        // The name of the reproducer's attack (the old fixed name) does not matter any more.
        let path = dir.path().join("compose.yaml");
        std::fs::write(&path, "old\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        let old_name = format!(".compose.yaml.composefix-{}.tmp", std::process::id());
        std::os::unix::fs::symlink(&outside, dir.path().join(old_name)).unwrap();
        write_atomic(&path, "old\n", "new\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\n");
        assert!(!path.is_symlink());
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "keep\n");
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&outside), 0o644, "the outside file was not chmod-ed");
        assert_eq!(mode(&path), 0o640);
    }

    #[cfg(unix)]
    #[test]
    fn a_new_file_is_private_until_it_gets_its_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t");
        drop(open_new(&path).unwrap());
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode & 0o077, 0, "{mode:o}");
    }

    #[test]
    fn a_taken_temporary_name_gets_another() {
        let dir = tempfile::tempdir().unwrap();
        let (a, _) = create_temp(dir.path(), "c.yaml").unwrap();
        let (b, _) = create_temp(dir.path(), "c.yaml").unwrap();
        assert_ne!(a, b);
    }

    #[cfg(unix)]
    #[test]
    fn a_read_only_file_is_not_replaced() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("compose.yaml");
        std::fs::write(&path, "old\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
        let err = write_atomic(&path, "old\n", "new\n").unwrap_err();
        assert!(matches!(err, WriteError::ReadOnly(_)), "{err}");
        assert!(err.to_string().contains("read-only"));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
