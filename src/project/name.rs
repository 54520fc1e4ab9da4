//! The project name, chosen as compose-go chooses it: `COMPOSE_PROJECT_NAME` (from `.env`,
//! `--env-file` or the process environment), else the files' top-level `name:`, else the
//! project directory's name; a name from a file or the directory is normalised (lower case,
//! only `a-z`, `0-9`, `_` and `-`, no leading `_` or `-`).

use super::interpolate::{Budget, Variables, interpolate};
use std::path::Path;

/// The variable that names the project, and that interpolation sees.
pub(crate) const VARIABLE: &str = "COMPOSE_PROJECT_NAME";

/// compose-go's `NormalizeProjectName`: lower case, the allowed characters only, no leading
/// `_` or `-`.
pub(crate) fn normalize(name: &str) -> String {
    let kept: String = name
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_' || *c == '-')
        .collect();
    kept.trim_start_matches(['_', '-']).to_string()
}

/// The name of the project directory, normalised; `project` when it has none (the root).
pub(crate) fn of_dir(dir: &Path) -> String {
    let base = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    base.file_name()
        .and_then(|n| n.to_str())
        .map(normalize)
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "project".to_string())
}

/// The top-level `name:` of a compose file's text, read before the file is loaded so that
/// `${COMPOSE_PROJECT_NAME}` can be interpolated in it (compose-go reads the names first too):
/// a block-style `name:` line in column 0, interpolated, normalised. None when there is none.
pub(crate) fn declared(text: &[u8], vars: &dyn Variables, budget: &Budget) -> Option<String> {
    let text = std::str::from_utf8(text).ok()?;
    let raw = text.lines().rev().find_map(|l| l.strip_prefix("name:"))?;
    let raw = match raw.find(" #") {
        Some(i) => &raw[..i],
        None => raw,
    }
    .trim();
    let unquoted = raw
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .or_else(|| raw.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')))
        .unwrap_or(raw);
    let value = interpolate(unquoted, vars, budget)
        .map(|r| r.text)
        .unwrap_or_default();
    Some(normalize(&value)).filter(|n| !n.is_empty())
}

/// The bytes of the last line of a dotenv text that sets [`VARIABLE`] (`export` allowed).
pub(crate) fn assignment(text: &str) -> Option<crate::source::Span> {
    let mut found = None;
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_start();
        let body = body.strip_prefix("export ").map_or(body, str::trim_start);
        if body
            .strip_prefix(VARIABLE)
            .is_some_and(|rest| rest.trim_start().starts_with(['=', ':']))
        {
            let end = start + line.trim_end_matches(['\n', '\r']).len();
            found = Some(crate::source::Span::new(start, end));
        }
        start += line.len();
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_as_compose_go() {
        assert_eq!(normalize("UNNORMALIZED PATH"), "unnormalizedpath");
        assert_eq!(normalize("-_My.App_1"), "myapp_1");
        assert_eq!(normalize("42my_project"), "42my_project");
        assert_eq!(normalize("élan"), "lan");
    }

    #[test]
    fn reads_the_declared_name() {
        let budget = Budget::new(1 << 20);
        let vars = super::super::interpolate::NoVariables;
        assert_eq!(
            declared(b"services: {}\nname: \"Shop\" # the shop\n", &vars, &budget).as_deref(),
            Some("shop")
        );
        assert_eq!(declared(b"services:\n  name: x\n", &vars, &budget), None);
    }

    #[test]
    fn finds_the_line_that_sets_the_variable() {
        let text = "A=1\nexport COMPOSE_PROJECT_NAME=Shop\nCOMPOSE_PROJECT_NAMES=x\n";
        let span = assignment(text).unwrap();
        assert_eq!(
            &text[span.start..span.end],
            "export COMPOSE_PROJECT_NAME=Shop"
        );
        assert_eq!(assignment("B=2\n"), None);
    }
}
