//! Reading the files a project names, safely: a hostile compose file must not make composefix
//! read (and then quote) a device, a FIFO, `/proc/self/environ` or a file outside the
//! repository it lints.

use std::io::Read;
use std::path::{Path, PathBuf};

/// The bytes of the regular file `path`, at most `max_bytes` of them.
///
/// The file type is checked on the path before opening (opening a FIFO would block) and again on
/// the opened file; a larger file is an error of kind [`std::io::ErrorKind::FileTooLarge`]
/// after reading at most one byte past the limit (`/proc` files claim a size of 0).
pub(crate) fn regular_file(path: &Path, max_bytes: usize) -> std::io::Result<Vec<u8>> {
    if !std::fs::metadata(path)?.is_file() {
        return Err(not_regular());
    }
    let file = std::fs::File::open(path)?;
    if !file.metadata()?.is_file() {
        return Err(not_regular());
    }
    let mut bytes = Vec::new();
    file.take(max_bytes as u64 + 1).read_to_end(&mut bytes)?;
    if bytes.len() > max_bytes {
        return Err(std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            format!("larger than the limit of {}", size_words(max_bytes)),
        ));
    }
    Ok(bytes)
}

fn not_regular() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a regular file")
}

/// `16 MiB`, `1 KiB` or `100 bytes`: a limit as a reader would write it.
pub(crate) fn size_words(bytes: usize) -> String {
    const MIB: usize = 1024 * 1024;
    if bytes >= MIB && bytes % MIB == 0 {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= 1024 && bytes % 1024 == 0 {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

/// The directory no `include`, `extends` or `env_file` may leave: the nearest ancestor of the
/// project directory holding `.git`, else the project directory itself (resolved).
pub(crate) fn repository_root(project_dir: &Path) -> PathBuf {
    let dir = if project_dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        project_dir
    };
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    dir.ancestors()
        .find(|a| a.join(".git").exists())
        .unwrap_or(&dir)
        .to_path_buf()
}

/// True when `path`, with symlinks and `..` resolved, lies below `root`. A path that does not
/// exist is judged by its resolved folder (reading it fails anyway).
pub(crate) fn is_within(path: &Path, root: &Path) -> bool {
    let resolved = std::fs::canonicalize(path).or_else(|e| {
        let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
        let parent = std::fs::canonicalize(parent.unwrap_or(Path::new(".")))?;
        path.file_name().map(|n| parent.join(n)).ok_or(e)
    });
    match resolved {
        Ok(real) => real.starts_with(root),
        Err(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_up_to_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, "12345").unwrap();
        assert_eq!(regular_file(&path, 5).unwrap(), b"12345");
        let err = regular_file(&path, 4).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::FileTooLarge);
        assert_eq!(err.to_string(), "larger than the limit of 4 bytes");
        let err = regular_file(dir.path(), 4).unwrap_err();
        assert_eq!(err.to_string(), "not a regular file");
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_opening_it() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            return;
        }
        // Opening a FIFO without a writer would block this test forever.
        let err = regular_file(&fifo, 1024).unwrap_err();
        assert_eq!(err.to_string(), "not a regular file");
    }

    #[test]
    fn the_root_is_the_nearest_repository() {
        let dir = tempfile::tempdir().unwrap();
        let real = std::fs::canonicalize(dir.path()).unwrap();
        std::fs::create_dir_all(real.join("repo/.git")).unwrap();
        std::fs::create_dir_all(real.join("repo/app/sub")).unwrap();
        assert_eq!(
            repository_root(&real.join("repo/app/sub")),
            real.join("repo")
        );
        std::fs::create_dir_all(real.join("plain/app")).unwrap();
        assert_eq!(
            repository_root(&real.join("plain/app")),
            real.join("plain/app")
        );
        let root = real.join("repo");
        assert!(is_within(&root.join("app/../app/sub"), &root));
        assert!(is_within(&root.join("app/missing.yaml"), &root));
        assert!(!is_within(&root.join("app/../../plain"), &root));
        assert!(!is_within(Path::new("/etc/passwd"), &root));
    }
}
