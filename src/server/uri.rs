//! `file:` URIs ↔ paths, as editors write them (percent-encoded, `/` separators).

use lsp_types::Uri;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The path of a `file:` URI; None for other schemes (an unsaved `untitled:` buffer).
pub(super) fn to_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // `file://host/path` names a host: only the local one (empty or `localhost`) is a path.
    let path = match rest.strip_prefix("localhost") {
        Some(p) if p.starts_with('/') => p,
        _ => rest,
    };
    if !path.starts_with('/') {
        return None;
    }
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    let text = String::from_utf8(out).ok()?;
    // `file:///C:/x` on Windows.
    let text = match text.as_bytes() {
        [b'/', drive, b':', ..] if drive.is_ascii_alphabetic() && cfg!(windows) => {
            text[1..].to_string()
        }
        _ => text,
    };
    Some(PathBuf::from(text))
}

/// The `file:` URI of an absolute path.
pub(super) fn from_path(path: &Path) -> Uri {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut out = String::from("file://");
    if !text.starts_with('/') {
        out.push('/');
    }
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(char::from(b));
            }
            b':' if out.len() <= 10 => out.push(':'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    Uri::from_str(&out).expect("internal error: an encoded path is a valid URI")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_with_spaces_and_non_ascii_go_both_ways() {
        let path = Path::new("/home/me/my stack/été/compose.yaml");
        let uri = from_path(path);
        assert_eq!(
            uri.as_str(),
            "file:///home/me/my%20stack/%C3%A9t%C3%A9/compose.yaml"
        );
        assert_eq!(to_path(&uri).as_deref(), Some(path));
        let untitled = Uri::from_str("untitled:Untitled-1").unwrap();
        assert_eq!(to_path(&untitled), None);
    }
}
