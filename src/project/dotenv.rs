//! `.env` / `env_file` parsing with the syntax and quirks of compose-go's `dotenv` package.
//!
//! What is accepted, as in compose-go v2:
//!
//! * a UTF-8 BOM at the start is ignored; CRLF line endings work (trailing `\r` is trimmed);
//! * blank lines and lines whose first non-blank character is `#` are ignored;
//! * statements are `KEY=VALUE`, `KEY: VALUE` (YAML style) or a bare `KEY` (taken from the lookup,
//!   skipped when unset), optionally prefixed by `export` and whitespace;
//! * keys are letters, digits (Unicode), `_`, `.`, `-`, `[` and `]`; spaces around them are trimmed;
//! * unquoted values run to the end of the line, are trimmed, end at the first ` #` (a space then
//!   `#`), and are interpolated;
//! * single-quoted values are literal except that `\'` is a quote;
//! * double-quoted values may span lines, support `\a \b \f \n \r \t \v \\ \" \$` and `\0nnn`
//!   (octal) escapes, keep other backslashes, and are interpolated (`\$` gives a literal `$`);
//! * after a closing quote the rest of the line is parsed as further statements (so `# comments`
//!   are ignored there).
//!
//! Unlike compose-go, which refuses the whole file, a statement that cannot be read is an error
//! for its line, and reading goes on at the next line: a linter reports every bad line and still
//! knows the variables of the good ones.
//!
//! Interpolation uses [`interpolate`](crate::project::interpolate): a variable is looked up among
//! the keys defined earlier in the file first, then in the caller's lookup (so a file's own lines
//! win over earlier env files, as compose-go#793 made it). compose-go additionally lets the process
//! environment win over earlier lines (compose-go#403); a caller that needs that must not pass
//! such variables through the file.

use std::cell::Cell;
use std::collections::HashMap;

use crate::diagnostic::RuleInfo;
use crate::project::codes;
use crate::project::interpolate::{Budget, InterpolationError, Variables, interpolate};

/// One assignment read from an env file, in file order (a later duplicate overrides an earlier one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DotenvEntry {
    /// The variable name.
    pub key: String,
    /// The value after unquoting, unescaping and interpolation (unknown variables count as "").
    pub value: String,
    /// 1-based line where the statement starts.
    pub line: usize,
    /// False when the value used a variable whose value is unknown (unset without a default, or
    /// itself defined from an unknown value earlier in the file).
    pub known: bool,
}

/// A syntax or interpolation error in an env file, located at a 1-based line and column
/// (columns count characters).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub(crate) struct DotenvError {
    /// 1-based line of the error.
    pub line: usize,
    /// 1-based column of the error, in characters.
    pub column: usize,
    /// What went wrong.
    pub message: String,
    /// What kind of problem, for its code.
    kind: Problem,
}

/// The kinds of [`DotenvError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Problem {
    Syntax,
    Required,
    Invalid,
    TooLarge,
}

impl DotenvError {
    /// The finding's code: `SYN007` for a required variable, `SYN008` for a malformed
    /// expression, `SYN004` past the interpolation budget, `SYN001` for other syntax.
    pub(crate) fn code(&self) -> &'static RuleInfo {
        match self.kind {
            Problem::Syntax => &codes::INVALID_YAML,
            Problem::Required => &codes::REQUIRED_VARIABLE,
            Problem::Invalid => &codes::INVALID_INTERPOLATION,
            Problem::TooLarge => &codes::RESOURCE_LIMIT,
        }
    }
}

/// Parses an env file as Compose reads it, resolving `${...}` against earlier keys, then `lookup`;
/// variable values are paid from `budget`. Returns the entries of the statements that could be
/// read and an error for each line that could not.
pub(crate) fn parse(
    text: &str,
    lookup: &dyn Variables,
    budget: &Budget,
) -> (Vec<DotenvEntry>, Vec<DotenvError>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut parser = Parser {
        text,
        line_starts: std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect(),
        lookup,
        budget,
        defined: HashMap::new(),
        entries: Vec::new(),
    };
    let mut errors = Vec::new();
    let mut pos = 0;
    loop {
        pos = parser.statement_start(pos);
        if pos >= text.len() {
            return (parser.entries, errors);
        }
        pos = match parser.statement(pos) {
            Ok(next) => next,
            Err(error) => {
                // Go on at the line after the error.
                let next = parser.line_starts.get(error.line).copied();
                errors.push(error);
                next.unwrap_or(text.len())
            }
        };
    }
}

/// A value defined earlier in the file, for interpolating later lines.
struct Defined {
    value: String,
    known: bool,
}

/// The lookup seen by interpolation: earlier keys of the file, then the caller's lookup.
struct Scope<'a> {
    lookup: &'a dyn Variables,
    defined: &'a HashMap<String, Defined>,
    /// Set when a looked-up earlier key had an unknown value.
    tainted: Cell<bool>,
}

impl Variables for Scope<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        let Some(defined) = self.defined.get(name) else {
            return self.lookup.get(name);
        };
        if !defined.known {
            self.tainted.set(true);
        }
        Some(&defined.value)
    }
}

/// Parsing state over the BOM-stripped text.
struct Parser<'a> {
    text: &'a str,
    /// Byte offset of the start of each line.
    line_starts: Vec<usize>,
    lookup: &'a dyn Variables,
    budget: &'a Budget,
    defined: HashMap<String, Defined>,
    entries: Vec<DotenvEntry>,
}

impl<'a> Parser<'a> {
    /// The text from `pos` on (empty past the end).
    fn rest(&self, pos: usize) -> &'a str {
        self.text.get(pos..).unwrap_or_default()
    }

    /// Skips whitespace (newlines included) and comment lines; returns where the next statement
    /// starts, or the text length at the end.
    fn statement_start(&self, mut pos: usize) -> usize {
        loop {
            let rest = self.rest(pos);
            pos += rest
                .char_indices()
                .find(|&(_, c)| !c.is_whitespace())
                .map_or(rest.len(), |(i, _)| i);
            let rest = self.rest(pos);
            if !rest.starts_with('#') {
                return pos;
            }
            pos += rest.find('\n').unwrap_or(rest.len());
        }
    }

    /// Parses the statement at `start`; returns where parsing continues.
    fn statement(&mut self, start: usize) -> Result<usize, DotenvError> {
        let line = self.line_col(start).0;
        let mut pos = start;
        // compose-go strips `export` when the regexp `^export\s+` matches.
        let rest = self.rest(pos);
        if rest.starts_with("export")
            && matches!(
                rest.as_bytes().get(6),
                Some(b'\t' | b'\n' | b'\x0C' | b'\r' | b' ')
            )
        {
            pos += 6 + inline_space_len(self.rest(pos + 6));
        }

        let key_start = pos;
        let mut terminator = None;
        for (i, c) in self.rest(key_start).char_indices() {
            match c {
                '=' | ':' | '\n' => {
                    terminator = Some((key_start + i, c));
                    break;
                }
                c if is_inline_space(c) || is_key_char(c) => {}
                c => {
                    let message = format!("unexpected character {c:?} in variable name");
                    return Err(self.error(key_start + i, message));
                }
            }
        }
        // A bare key on the last line without a newline is inherited too (compose-go would read
        // it as a value with an empty key).
        let (key_end, inherited) = match terminator {
            Some((at, c)) => (at, c == '\n'),
            None => (self.text.len(), true),
        };
        let key = self
            .text
            .get(key_start..key_end)
            .unwrap_or_default()
            .trim_end();
        if key.contains(' ') {
            return Err(self.error(key_start, "key cannot contain a space".to_owned()));
        }
        if inherited {
            if !key.is_empty() {
                if let Some(value) = self.lookup.get(key) {
                    self.define(key, value.to_owned(), line, true);
                }
            }
            return Ok(key_end + 1);
        }

        let value_start = key_end + 1 + inline_space_len(self.rest(key_end + 1));
        let rest = self.rest(value_start);
        match rest.chars().next() {
            Some(quote @ ('"' | '\'')) => self.quoted(key, line, value_start, quote),
            _ => {
                let line_end = rest.find('\n').unwrap_or(rest.len());
                let raw = rest.get(..line_end).unwrap_or_default();
                let raw = raw
                    .find(" #")
                    .map_or(raw, |i| raw.get(..i).unwrap_or_default());
                let (value, known) =
                    self.expand(raw.trim_end(), |err| value_start + err.raw().start)?;
                self.define(key, value, line, known);
                Ok(value_start + line_end)
            }
        }
    }

    /// Parses a quoted value whose opening `quote` is at `open`; returns the offset after the
    /// closing quote.
    fn quoted(
        &mut self,
        key: &str,
        line: usize,
        open: usize,
        quote: char,
    ) -> Result<usize, DotenvError> {
        let body_start = open + quote.len_utf8();
        let mut body = String::new();
        let mut escaped = false;
        let mut close = None;
        for (i, c) in self.rest(body_start).char_indices() {
            if escaped {
                escaped = false;
                // An escaped quote drops its backslash; any other escape is kept for later.
                if c != quote {
                    body.push('\\');
                }
                body.push(c);
            } else if c == '\\' {
                escaped = true;
            } else if c == quote {
                close = Some(body_start + i);
                break;
            } else {
                body.push(c);
            }
        }
        let Some(close) = close else {
            return Err(self.error(open, "unterminated quoted value".to_owned()));
        };
        let (value, known) = if quote == '"' {
            self.expand(&expand_escapes(&body), |_| open)?
        } else {
            (body, true)
        };
        self.define(key, value, line, known);
        Ok(close + quote.len_utf8())
    }

    /// Interpolates `raw`; `position` maps an interpolation error to a text offset.
    fn expand(
        &self,
        raw: &str,
        position: impl Fn(&InterpolationError) -> usize,
    ) -> Result<(String, bool), DotenvError> {
        let scope = Scope {
            lookup: self.lookup,
            defined: &self.defined,
            tainted: Cell::new(false),
        };
        match interpolate(raw, &scope, self.budget) {
            Ok(result) => {
                let known = result.is_known() && !scope.tainted.get();
                Ok((result.text, known))
            }
            Err(err) => {
                let kind = match err {
                    InterpolationError::Required { .. } => Problem::Required,
                    InterpolationError::Invalid { .. } => Problem::Invalid,
                    InterpolationError::TooLarge { .. } => Problem::TooLarge,
                };
                let mut error = self.error(position(&err), err.to_string());
                error.kind = kind;
                Err(error)
            }
        }
    }

    /// Records an entry and makes it visible to later interpolation.
    fn define(&mut self, key: &str, value: String, line: usize, known: bool) {
        self.defined.insert(
            key.to_owned(),
            Defined {
                value: value.clone(),
                known,
            },
        );
        self.entries.push(DotenvEntry {
            key: key.to_owned(),
            value,
            line,
            known,
        });
    }

    /// An error located at byte offset `pos`.
    fn error(&self, pos: usize, message: String) -> DotenvError {
        let (line, column) = self.line_col(pos);
        DotenvError {
            line,
            column,
            message,
            kind: Problem::Syntax,
        }
    }

    /// 1-based line and character column of byte offset `pos`.
    fn line_col(&self, pos: usize) -> (usize, usize) {
        let line = self
            .line_starts
            .partition_point(|&start| start <= pos)
            .max(1);
        let start = self.line_starts.get(line - 1).copied().unwrap_or(0);
        let column = self
            .text
            .get(start..pos)
            .map_or(pos.saturating_sub(start), |s| s.chars().count());
        (line, column + 1)
    }
}

/// compose-go's `isSpace`: whitespace that is not a line break.
fn is_inline_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\u{0B}' | '\u{0C}' | '\r' | ' ' | '\u{85}' | '\u{A0}'
    )
}

/// Byte length of the leading [`is_inline_space`] characters of `s`.
fn inline_space_len(s: &str) -> usize {
    s.char_indices()
        .find(|&(_, c)| !is_inline_space(c))
        .map_or(s.len(), |(i, _)| i)
}

/// Characters compose-go accepts in a key: letters and digits (Unicode), `_ . - [ ]`.
fn is_key_char(c: char) -> bool {
    matches!(c, '_' | '.' | '-' | '[' | ']') || c.is_alphabetic() || c.is_numeric()
}

/// Expands the escapes of a double-quoted value as compose-go does (`\$` becomes `$$` so that
/// interpolation yields a literal `$`; unsupported escapes are kept as written).
fn expand_escapes(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(&next) = chars.peek() else {
            out.push('\\');
            break;
        };
        let simple = match next {
            'a' => Some("\u{07}"),
            'b' => Some("\u{08}"),
            'f' => Some("\u{0C}"),
            'n' => Some("\n"),
            'r' => Some("\r"),
            't' => Some("\t"),
            'v' => Some("\u{0B}"),
            '"' => Some("\""),
            '\\' => Some("\\"),
            '$' => Some("$$"),
            _ => None,
        };
        if let Some(replacement) = simple {
            chars.next();
            out.push_str(replacement);
        } else if next == '0' {
            // `\0` plus up to three digits is rewritten to `\ddd` and unquoted as a Go octal
            // escape; when that fails compose-go keeps the rewritten text (without the `0`).
            chars.next();
            let mut digits = String::new();
            while digits.len() < 3 {
                match chars.peek() {
                    Some(&d) if d.is_ascii_digit() => {
                        digits.push(d);
                        chars.next();
                    }
                    _ => break,
                }
            }
            match u8::from_str_radix(&digits, 8) {
                Ok(byte) if digits.len() == 3 => out.push(char::from(byte)),
                _ => {
                    out.push('\\');
                    out.push_str(&digits);
                }
            }
        } else {
            out.push('\\');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::interpolate::NoVariables;

    /// The entries, or the first error.
    fn parse(text: &str, lookup: &dyn Variables) -> Result<Vec<DotenvEntry>, DotenvError> {
        let (entries, mut errors) = super::parse(text, lookup, &Budget::new(1 << 30));
        if errors.is_empty() {
            Ok(entries)
        } else {
            Err(errors.remove(0))
        }
    }

    #[test]
    fn a_bad_line_is_an_error_and_the_others_are_read() {
        let text = "A=1\nB=${\nlol$wut\nC='open\nD=${A}2\n";
        let (entries, errors) = super::parse(text, &NoVariables, &Budget::new(1 << 30));
        let got: Vec<_> = entries
            .iter()
            .map(|e| (e.key.as_str(), e.value.as_str()))
            .collect();
        assert_eq!(got, [("A", "1"), ("D", "12")]);
        let lines: Vec<_> = errors.iter().map(|e| (e.line, e.code().code)).collect();
        assert_eq!(lines, [(2, "SYN008"), (3, "SYN001"), (4, "SYN001")]);
    }

    #[test]
    fn an_expansion_bomb_stops_at_the_budget() {
        let mut text = String::from("A0=xx\n");
        for k in 1..40 {
            text.push_str(&format!("A{k}=${{A{}}}${{A{}}}\n", k - 1, k - 1));
        }
        let (entries, errors) = super::parse(&text, &NoVariables, &Budget::new(1 << 20));
        assert!(entries.iter().all(|e| e.value.len() <= 1 << 20));
        assert_eq!(errors[0].code().code, "SYN004");
        assert_eq!(errors[0].line, 20);
    }

    fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|&(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }

    /// Parses with no lookup and returns `(key, value)` pairs.
    fn pairs(text: &str) -> Vec<(String, String)> {
        parse(text, &NoVariables)
            .unwrap_or_else(|e| panic!("{text:?}: {e}"))
            .into_iter()
            .map(|e| (e.key, e.value))
            .collect()
    }

    fn one(text: &str) -> String {
        let mut all = pairs(text);
        assert_eq!(all.len(), 1, "{text:?}: {all:?}");
        all.remove(0).1
    }

    #[test]
    fn single_line_values() {
        let cases: &[(&str, &str)] = &[
            ("FOO=bar", "bar"),
            ("FOO =bar", "bar"),
            ("FOO= bar", "bar"),
            ("FOO=bar ", "bar"),
            ("  FOO=bar", "bar"),
            ("\tFOO=bar", "bar"),
            ("FOO=", ""),
            ("FOO=foobar=", "foobar="),
            ("FOO=1:B", "1:B"),
            ("FOO: 1", "1"),
            ("FOO: Foo=bar", "Foo=bar"),
            ("export FOO=2", "2"),
            ("export\tFOO=2", "2"),
            ("  export FOO=2", "2"),
            ("FOO=a b  c", "a b  c"),
            ("FOO=héllo wörld", "héllo wörld"),
            // inline comments need a space before `#`
            ("FOO=bar # this is foo", "bar"),
            ("FOO=bar# not a comment", "bar# not a comment"),
            ("FOO=bar\t# tab is not enough", "bar\t# tab is not enough"),
            ("FOO= #bar", "#bar"),
            // quoted values
            ("FOO=\"bar\"", "bar"),
            ("FOO='bar'", "bar"),
            ("FOO=\"bar#baz\" # comment", "bar#baz"),
            ("FOO='bar#baz' # comment", "bar#baz"),
            ("FOO=\"'d'\"", "'d'"),
            ("FOO=\"\"", ""),
            ("FOO=''", ""),
            ("FOO=\" padded \"", " padded "),
        ];
        for &(text, value) in cases {
            assert_eq!(one(text), value, "{text:?}");
        }
    }

    #[test]
    fn keys() {
        let cases: &[(&str, &str)] = &[
            ("FOO.BAR=1", "FOO.BAR"),
            ("a[1]=1", "a[1]"),
            ("my-key=1", "my-key"),
            ("árvíztűrő-TÜKÖRFÚRÓGÉP=1", "árvíztűrő-TÜKÖRFÚRÓGÉP"),
            ("exportFOO=1", "exportFOO"),
            ("export_FOO =1", "export_FOO"),
            ("export.FOO= 1", "export.FOO"),
            ("export=1", "export"),
            ("1ABC=1", "1ABC"),
            ("=value", ""),
        ];
        for &(text, key) in cases {
            let all = pairs(text);
            assert_eq!(all.len(), 1, "{text:?}");
            assert_eq!(all[0].0, key, "{text:?}");
        }
    }

    #[test]
    fn blank_lines_and_comments() {
        let text = "\n# comment\n\t # indented comment\r\n\nA=1\n   \nB=2 # trailing\n#C=3";
        assert_eq!(
            pairs(text),
            vec![
                ("A".to_owned(), "1".to_owned()),
                ("B".to_owned(), "2".to_owned())
            ]
        );
        assert!(pairs("").is_empty());
        assert!(pairs("# only a comment").is_empty());
        assert!(pairs("\r\n\r\n").is_empty());
    }

    #[test]
    fn line_numbers() {
        let text = "# header\nA=1\n\nB=\"multi\nline\"\nC=3\n";
        let entries = parse(text, &NoVariables).expect("parses");
        let lines: Vec<_> = entries.iter().map(|e| (e.key.as_str(), e.line)).collect();
        assert_eq!(lines, vec![("A", 2), ("B", 4), ("C", 6)]);
        assert_eq!(entries[1].value, "multi\nline");
    }

    #[test]
    fn single_quotes_are_literal() {
        assert_eq!(one("FOO='$BAR ${X:-y}'"), "$BAR ${X:-y}");
        assert_eq!(one(r"FOO='a\nb'"), r"a\nb");
        assert_eq!(one(r"FOO='Let\'s go!'"), "Let's go!");
        assert_eq!(one("FOO='multi\nline'"), "multi\nline");
    }

    #[test]
    fn double_quote_escapes() {
        let cases: &[(&str, &str)] = &[
            (r#"FOO="bar\nbaz""#, "bar\nbaz"),
            (r#"FOO="a\tb""#, "a\tb"),
            (r#"FOO="a\rb""#, "a\rb"),
            (r#"FOO="a\\b""#, r"a\b"),
            (r#"FOO="escaped\"bar""#, "escaped\"bar"),
            (r#"FOO="{\"hello\": \"json\"}""#, "{\"hello\": \"json\"}"),
            (r#"FOO="bar\\\n\ b\az""#, "bar\\\n\\ b\u{07}z"),
            (r#"FOO="bar\\r""#, r"bar\r"),
            (r#"FOO="\q""#, r"\q"),
            (r#"FOO="\0123""#, "S"),
            (r#"FOO="\0""#, r"\"),
            (r#"FOO="\01""#, r"\1"),
            (r#"FOO="ends\\""#, r"ends\"),
            (r#"FOO="foo\$BAR""#, "foo$BAR"),
            (r#"FOO="foo\${BAR}""#, "foo${BAR}"),
            ("FOO=\"line1\nline2\"", "line1\nline2"),
        ];
        for &(text, value) in cases {
            assert_eq!(one(text), value, "{text:?}");
        }
    }

    #[test]
    fn interpolation_uses_earlier_lines() {
        let text = "FOO=test\nBAR=$FOO\nBAZ=\"${FOO}bar\"\nQUX='${FOO}'\nDEF=${NOPE:-dflt}";
        let entries = parse(text, &NoVariables).expect("parses");
        let values: Vec<_> = entries.iter().map(|e| e.value.as_str()).collect();
        assert_eq!(values, vec!["test", "test", "testbar", "${FOO}", "dflt"]);
        assert!(entries.iter().all(|e| e.known));
        assert_eq!(one("FOO=$$BAR"), "$BAR");
        assert_eq!(one("FOO=\"$$BAR\""), "$BAR");
    }

    #[test]
    fn earlier_lines_take_precedence_over_the_lookup() {
        let lookup = vars(&[("FOO", "from-env"), ("HOST", "db")]);
        let text = "BEFORE=${FOO}\nFOO=from-file\nBAR=${FOO}\nURL=pg://$HOST:5432";
        let entries = parse(text, &lookup).expect("parses");
        let values: Vec<_> = entries.iter().map(|e| e.value.as_str()).collect();
        assert_eq!(
            values,
            vec!["from-env", "from-file", "from-file", "pg://db:5432"]
        );
        assert!(entries.iter().all(|e| e.known));
    }

    #[test]
    fn unknown_values_are_flagged_and_propagate() {
        let text = "A=$MISSING\nB=x${A}\nC=${A:-d}\nD=plain\nE=${MISSING:-fallback}";
        let entries = parse(text, &NoVariables).expect("parses");
        let known: Vec<_> = entries.iter().map(|e| (e.key.as_str(), e.known)).collect();
        assert_eq!(
            known,
            vec![
                ("A", false),
                ("B", false),
                ("C", false),
                ("D", true),
                ("E", true)
            ]
        );
        assert_eq!(entries[0].value, "");
        assert_eq!(entries[1].value, "x");
    }

    #[test]
    fn bare_keys_come_from_the_lookup() {
        let lookup = vars(&[("FROM_ENV", "v"), ("LAST", "l")]);
        let text = "FROM_ENV\nNOT_SET\nUSE=$FROM_ENV\nexport LAST";
        let entries = parse(text, &lookup).expect("parses");
        let got: Vec<_> = entries
            .iter()
            .map(|e| (e.key.as_str(), e.value.as_str(), e.line))
            .collect();
        assert_eq!(
            got,
            vec![("FROM_ENV", "v", 1), ("USE", "v", 3), ("LAST", "l", 4)]
        );
        assert!(parse("ALONE\r\n", &NoVariables).expect("parses").is_empty());
    }

    #[test]
    fn duplicates_are_kept_in_order() {
        let text = "A=1\nA=2\nB=$A";
        assert_eq!(
            pairs(text),
            vec![
                ("A".to_owned(), "1".to_owned()),
                ("A".to_owned(), "2".to_owned()),
                ("B".to_owned(), "2".to_owned())
            ]
        );
    }

    #[test]
    fn crlf_and_bom() {
        let text = "\u{feff}A=1\r\nB=\"two\"\r\n# c\r\nC=three # x\r\nD='4'\r\n";
        assert_eq!(
            pairs(text),
            vec![
                ("A".to_owned(), "1".to_owned()),
                ("B".to_owned(), "two".to_owned()),
                ("C".to_owned(), "three".to_owned()),
                ("D".to_owned(), "4".to_owned())
            ]
        );
    }

    #[test]
    fn rest_of_line_after_a_quote_is_more_statements() {
        // compose-go keeps parsing after the closing quote.
        assert_eq!(
            pairs("A=\"1\"B=2"),
            vec![
                ("A".to_owned(), "1".to_owned()),
                ("B".to_owned(), "2".to_owned())
            ]
        );
    }

    #[test]
    fn required_variable_error_gives_the_line() {
        let err = parse("A=1\n\nB=x${NEED:?set NEED}\n", &NoVariables).expect_err("required");
        assert_eq!(
            err,
            DotenvError {
                line: 3,
                column: 4,
                message: "required variable NEED is missing a value: set NEED".to_owned(),
                kind: Problem::Required,
            }
        );
        assert_eq!(
            err.to_string(),
            "line 3: required variable NEED is missing a value: set NEED"
        );
        let err = parse("A=1\nB=\"${EMPTY:?}\"", &vars(&[("EMPTY", "")])).expect_err("empty");
        assert_eq!((err.line, err.column), (2, 3));
        let err = parse("A=${", &NoVariables).expect_err("invalid");
        assert_eq!((err.line, err.column), (1, 3));
        assert!(err.message.starts_with("invalid interpolation format"));
    }

    #[test]
    fn unterminated_quotes() {
        for text in [
            "A=1\nB=2\nKEY=\"value",
            "A=1\nB=2\nKEY='value\nmore",
            "A=1\nB=2\nK=\"a\\\"",
        ] {
            let err = parse(text, &NoVariables).expect_err(text);
            assert_eq!(err.line, 3, "{text:?}");
            assert_eq!(err.message, "unterminated quoted value", "{text:?}");
            assert!(
                err.to_string()
                    .starts_with("line 3: unterminated quoted value")
            );
        }
    }

    #[test]
    fn malformed_keys() {
        let err = parse("ok=1\nlol$wut", &NoVariables).expect_err("bad key");
        assert_eq!((err.line, err.column), (2, 4));
        assert_eq!(err.message, "unexpected character '$' in variable name");
        let err = parse("FOO BAR=1", &NoVariables).expect_err("space");
        assert_eq!(err.message, "key cannot contain a space");
        let err = parse("ümlaut ✓=1", &NoVariables).expect_err("symbol");
        assert_eq!((err.line, err.column), (1, 8));
    }

    #[test]
    fn arbitrary_input_never_panics() {
        let samples = [
            "=",
            "\"",
            "'",
            "\\",
            "A=\"\\",
            "export",
            "export ",
            "export\n",
            "A='",
            "A=\"\u{0}\"",
            "\u{feff}",
            "A:",
            "é",
            "A=${a:-{",
            "A=\"\\0999\"",
            "\u{85}A=1",
            "A=\u{A0}b",
        ];
        for sample in samples {
            let _ = parse(sample, &NoVariables);
        }
    }
}
