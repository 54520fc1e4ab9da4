//! Reading a configuration file: TOML with spans, every key and code checked, every error
//! pointing at its bytes with a "did you mean" where one is close.

use super::{Config, ConfigError, glob};
use crate::diagnostic::{Platform, RuleInfo, Severity};
use crate::rules::{self, Layer, Selection, names_a_rule};
use crate::source::{SourceFile, Span};
use std::path::Path;
use std::sync::Arc;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The top-level keys, for "did you mean".
const KEYS: [&str; 8] = [
    "select",
    "extend-select",
    "ignore",
    "target",
    "fail-level",
    "exclude",
    "per-file-ignores",
    "rules",
];

/// The keys of a `[rules.CODE]` table.
const RULE_KEYS: [&str; 1] = ["severity"];

/// Reads the configuration file at `path`.
pub fn parse(path: &Path) -> Result<Config, ConfigError> {
    let read_error = |message: String| ConfigError::Read {
        path: path.to_path_buf(),
        message,
    };
    let meta = std::fs::metadata(path).map_err(|e| read_error(e.to_string()))?;
    if !meta.is_file() {
        return Err(read_error("not a regular file".into()));
    }
    if meta.len() > 1 << 20 {
        return Err(read_error("larger than 1 MiB".into()));
    }
    let text = std::fs::read_to_string(path).map_err(|e| read_error(e.to_string()))?;
    let name = crate::project::display_name(path);
    let file = Arc::new(SourceFile::new(path.to_path_buf(), name, text));
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let dir = absolute.parent().map(Path::to_path_buf).unwrap_or_default();
    Reader { file: &file }.config(dir)
}

/// Reads one file's TOML, with the file at hand for errors.
struct Reader<'a> {
    file: &'a Arc<SourceFile>,
}

type Value<'i> = Spanned<DeValue<'i>>;

/// A key of a table, with its span.
type Key<'i> = Spanned<std::borrow::Cow<'i, str>>;

impl Reader<'_> {
    fn error(
        &self,
        span: std::ops::Range<usize>,
        message: String,
        help: Option<String>,
    ) -> ConfigError {
        ConfigError::Invalid {
            file: Arc::clone(self.file),
            span: Span::new(span.start, span.end),
            message,
            help,
        }
    }

    fn config(&self, dir: std::path::PathBuf) -> Result<Config, ConfigError> {
        let text = self.file.text();
        let root = DeTable::parse(text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            self.error(span, format!("invalid TOML: {}", e.message().trim()), None)
        })?;
        let mut config = Config {
            file: Arc::clone(self.file),
            dir,
            layer: Layer::default(),
            targets: Vec::new(),
            fail_level: None,
            per_file_ignores: Vec::new(),
            exclude: Vec::new(),
            severities: Vec::new(),
        };
        for (key, value) in root.get_ref() {
            match key.get_ref().as_ref() {
                "select" => config.layer.select = Some(self.selectors(value)?),
                "extend-select" => config.layer.extend_select = self.selectors(value)?,
                "ignore" => config.layer.ignore = self.selectors(value)?,
                "target" => config.targets = self.targets(value)?,
                "fail-level" => config.fail_level = Some(self.severity(value)?),
                "exclude" => {
                    for (pattern, span) in self.strings(value)? {
                        config.exclude.push(self.glob(&pattern, span)?);
                    }
                }
                "per-file-ignores" => {
                    for (pattern, codes) in self.table(value)? {
                        let matcher = self.glob(pattern.get_ref(), pattern.span())?;
                        let codes = self.selectors(codes)?;
                        let rules =
                            Selection::new(&codes, &[]).expect("every selector was checked");
                        config.per_file_ignores.push((matcher, rules));
                    }
                }
                "rules" => {
                    for (code, table) in self.table(value)? {
                        let rule = rules::find(code.get_ref()).ok_or_else(|| {
                            self.error(
                                code.span(),
                                format!("`{}` is not a rule code or name", code.get_ref()),
                                suggest_rule(code.get_ref()),
                            )
                        })?;
                        self.rule(rule, table, &mut config)?;
                    }
                }
                other => {
                    return Err(self.error(
                        key.span(),
                        format!("unknown key `{other}`"),
                        Some(match closest(other, KEYS) {
                            Some(k) => format!("did you mean `{k}`?"),
                            None => format!(
                                "the keys are {}",
                                KEYS.map(|k| format!("`{k}`")).join(", ")
                            ),
                        }),
                    ));
                }
            }
        }
        Ok(config)
    }

    fn rule(
        &self,
        rule: &'static RuleInfo,
        table: &Value<'_>,
        config: &mut Config,
    ) -> Result<(), ConfigError> {
        for (key, value) in self.table(table)? {
            match key.get_ref().as_ref() {
                "severity" => {
                    let severity = self.severity(value)?;
                    config.severities.retain(|(r, _)| r.code != rule.code);
                    config.severities.push((rule, severity));
                }
                other => {
                    return Err(self.error(
                        key.span(),
                        format!("unknown key `{other}` for rule {}", rule.code),
                        Some(match closest(other, RULE_KEYS) {
                            Some(k) => format!("did you mean `{k}`?"),
                            None => "a rule takes `severity`; no rule has options yet".to_string(),
                        }),
                    ));
                }
            }
        }
        Ok(())
    }

    fn table<'v, 'i>(
        &self,
        value: &'v Value<'i>,
    ) -> Result<Vec<(&'v Key<'i>, &'v Value<'i>)>, ConfigError> {
        match value.get_ref() {
            DeValue::Table(t) => Ok(t.iter().collect()),
            other => Err(self.error(
                value.span(),
                format!("expected a table, found {}", other.type_str()),
                None,
            )),
        }
    }

    /// A string or an array of strings, each with its span.
    fn strings(
        &self,
        value: &Value<'_>,
    ) -> Result<Vec<(String, std::ops::Range<usize>)>, ConfigError> {
        let one = |v: &Value<'_>| match v.get_ref() {
            DeValue::String(s) => Ok((s.to_string(), v.span())),
            other => Err(self.error(
                v.span(),
                format!("expected a string, found {}", other.type_str()),
                None,
            )),
        };
        match value.get_ref() {
            DeValue::Array(items) => items.iter().map(one).collect(),
            _ => Ok(vec![one(value)?]),
        }
    }

    fn selectors(&self, value: &Value<'_>) -> Result<Vec<String>, ConfigError> {
        let mut out = Vec::new();
        for (s, span) in self.strings(value)? {
            if !names_a_rule(&s) {
                return Err(self.error(
                    span,
                    format!("`{s}` is not a rule code, code prefix or rule name"),
                    suggest_rule(&s),
                ));
            }
            out.push(s);
        }
        Ok(out)
    }

    fn targets(&self, value: &Value<'_>) -> Result<Vec<Platform>, ConfigError> {
        self.strings(value)?
            .into_iter()
            .map(|(s, span)| {
                Platform::ALL
                    .into_iter()
                    .find(|p| p.as_str() == s)
                    .ok_or_else(|| {
                        self.error(
                            span,
                            format!("`{s}` is not a platform"),
                            Some("the platforms are `mac`, `windows` and `linux`".into()),
                        )
                    })
            })
            .collect()
    }

    fn severity(&self, value: &Value<'_>) -> Result<Severity, ConfigError> {
        let levels = [Severity::Error, Severity::Warning, Severity::Info];
        match value.get_ref() {
            DeValue::String(s) => levels
                .into_iter()
                .find(|l| l.as_str() == s.as_ref())
                .ok_or_else(|| {
                    self.error(
                        value.span(),
                        format!("`{s}` is not a severity"),
                        Some(match closest(s, levels.map(Severity::as_str)) {
                            Some(l) => {
                                format!("did you mean `{l}`? (`error`, `warning` or `info`)")
                            }
                            None => "the severities are `error`, `warning` and `info`".into(),
                        }),
                    )
                }),
            other => Err(self.error(
                value.span(),
                format!("expected a string, found {}", other.type_str()),
                None,
            )),
        }
    }

    fn glob(
        &self,
        pattern: &str,
        span: std::ops::Range<usize>,
    ) -> Result<globset::GlobMatcher, ConfigError> {
        glob(pattern).map_err(|e| self.error(span, format!("invalid glob `{pattern}`: {e}"), None))
    }
}

/// The closest of `candidates` to `word`, if close enough to be a typo.
fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&word.to_ascii_lowercase(), c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// "did you mean" for a code or name that names no rule.
fn suggest_rule(word: &str) -> Option<String> {
    let upper = word.to_ascii_uppercase();
    rules::registry()
        .flat_map(|r| [(r.code, r), (r.name, r)])
        .map(|(c, r)| {
            let score = if c == r.code {
                strsim::jaro_winkler(&upper, c)
            } else {
                strsim::jaro_winkler(&word.to_ascii_lowercase(), c)
            };
            (score, r)
        })
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, r)| format!("did you mean `{}` ({})?", r.code, r.name))
}
