//! Parses kept between loads, for a caller that loads one project again and again while a few
//! of its files change (the language server re-checks after every keystroke): a file whose
//! text has not changed is not parsed again.

use super::{Document, Limits, ParseError, parse};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The last parse of each file, by path, with the text it was made from. Cloning shares the
/// cache; loads on several threads may use it at once.
#[derive(Debug, Clone, Default)]
pub struct ParseCache {
    parsed: Arc<Mutex<HashMap<PathBuf, Kept>>>,
}

/// A text and its parse.
type Kept = (Arc<str>, Arc<Document>);

impl ParseCache {
    /// The parse of `text`, read from `path`: the kept one when `path` was last parsed from
    /// the same text, else a new one, kept when it succeeds.
    pub fn parse(
        &self,
        path: &Path,
        text: &str,
        limits: &Limits,
    ) -> Result<Arc<Document>, ParseError> {
        if let Some(doc) = self.get(path, text) {
            return Ok(doc);
        }
        let doc = Arc::new(parse(text, limits)?);
        if let Ok(mut parsed) = self.parsed.lock() {
            parsed.insert(path.to_path_buf(), (Arc::from(text), Arc::clone(&doc)));
        }
        Ok(doc)
    }

    /// The kept parse of `path`, if it was made from `text`.
    pub fn get(&self, path: &Path, text: &str) -> Option<Arc<Document>> {
        let parsed = self.parsed.lock().ok()?;
        let (kept, doc) = parsed.get(path)?;
        (**kept == *text).then(|| Arc::clone(doc))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unchanged_text_is_not_parsed_again() {
        let cache = ParseCache::default();
        let path = Path::new("compose.yaml");
        let limits = Limits::default();
        let first = cache.parse(path, "a: 1\n", &limits).unwrap();
        let again = cache.parse(path, "a: 1\n", &limits).unwrap();
        assert!(Arc::ptr_eq(&first, &again));
        let changed = cache.parse(path, "a: 2\n", &limits).unwrap();
        assert!(!Arc::ptr_eq(&first, &changed));
        assert!(cache.get(path, "a: 1\n").is_none());
        assert!(cache.parse(path, "a: [\n", &limits).is_err());
        assert!(
            cache.get(path, "a: 2\n").is_some(),
            "a failed parse keeps the last good one"
        );
    }
}
