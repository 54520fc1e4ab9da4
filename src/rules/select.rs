//! `--select` / `--ignore`: which rules run, by code, code prefix or name.

use super::registry;
use crate::diagnostic::RuleInfo;

/// The rules a run reports.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    select: Vec<String>,
    ignore: Vec<String>,
}

/// A selector that names no rule.
#[derive(Debug, Clone, thiserror::Error)]
#[error("`{0}` is not a rule code, code prefix or rule name")]
pub struct SelectionError(pub String);

fn matches(selector: &str, rule: &RuleInfo) -> bool {
    selector.eq_ignore_ascii_case("ALL")
        || rule.name.eq_ignore_ascii_case(selector)
        || (rule.code.len() >= selector.len()
            && rule.code[..selector.len()].eq_ignore_ascii_case(selector))
}

impl Selection {
    /// Builds a selection; every selector must name at least one rule. An empty `select` means
    /// every rule.
    pub fn new(select: &[String], ignore: &[String]) -> Result<Self, SelectionError> {
        for selector in select.iter().chain(ignore) {
            if !registry().any(|r| matches(selector, r)) {
                return Err(SelectionError(selector.clone()));
            }
        }
        Ok(Selection {
            select: select.to_vec(),
            ignore: ignore.to_vec(),
        })
    }

    /// True when `rule` is reported.
    pub fn enabled(&self, rule: &RuleInfo) -> bool {
        let selected = self.select.is_empty() || self.select.iter().any(|s| matches(s, rule));
        selected && !self.ignore.iter().any(|s| matches(s, rule))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::codes as load;
    use crate::project::schema::codes as schema;

    #[test]
    fn codes_prefixes_and_names() {
        let s = Selection::new(&["SYN".into()], &["duplicate-key".into()]).unwrap();
        assert!(s.enabled(&load::INVALID_YAML));
        assert!(!s.enabled(&load::DUPLICATE_KEY));
        assert!(!s.enabled(&schema::UNKNOWN_KEY));
        let s = Selection::new(&["sch001".into()], &[]).unwrap();
        assert!(s.enabled(&schema::UNKNOWN_KEY));
        assert!(!s.enabled(&schema::WRONG_TYPE));
        assert!(Selection::new(&["NOPE".into()], &[]).is_err());
    }
}
