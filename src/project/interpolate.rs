//! Compose variable interpolation (`$VAR`, `${VAR:-default}`, …) that records where every byte of the result came from.
//!
//! The grammar and its corner cases follow compose-go's `template` package (v2), which is what
//! `docker compose` runs:
//!
//! * `$$` is a literal `$`; `$NAME` and `${NAME}` substitute (`NAME` is `[_A-Za-z][_A-Za-z0-9]*`);
//! * `${NAME<op>operand}` with `<op>` one of `:-`, `-`, `:+`, `+`, `:?`, `?`; the operand is itself a
//!   template, interpolated only when it is used;
//! * a `$` followed by anything else (a digit, a space, the end of the string…) stays a literal `$`;
//! * a `${` that does not form one of the expressions above is an "invalid interpolation format" error;
//! * the operand runs to the last `}` on the same line and is then cut at the `}` that balances the
//!   `${` (counting every `{`, and skipping the character after each `{`, as compose-go does); an
//!   operand can never span a newline.
//!
//! Unlike Compose, an unset variable without a default is not silently "": it becomes an
//! [`SegmentKind::Unknown`] segment so that analysis knows the value is not known.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// The bytes that variable values may still add to interpolated text, shared by every file of
/// a project: an expansion bomb (`A1=${A0}${A0}`, `A2=${A1}${A1}`, … in `.env`, or a large
/// value used thousands of times) stops here instead of exhausting memory. Literal text is not
/// counted: it is bounded by the size of the file it is written in.
#[derive(Debug)]
pub(crate) struct Budget {
    limit: usize,
    left: AtomicUsize,
    reported: AtomicBool,
}

impl Budget {
    /// A budget of `limit` bytes.
    pub(crate) fn new(limit: usize) -> Self {
        Budget {
            limit,
            left: AtomicUsize::new(limit),
            reported: AtomicBool::new(false),
        }
    }

    /// Takes `bytes` from the budget; false (and nothing taken) when not that many are left.
    fn take(&self, bytes: usize) -> bool {
        self.left
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                left.checked_sub(bytes)
            })
            .is_ok()
    }

    /// True the first time it is called: the budget running out is reported once per project,
    /// not at every value interpolated after it.
    pub(crate) fn first_report(&self) -> bool {
        !self.reported.swap(true, Ordering::Relaxed)
    }
}

/// Looks a variable up by name; `None` means unset, which Compose distinguishes from set-but-empty.
pub(crate) trait Variables {
    /// Returns the value of `name`, or `None` when it is unset.
    fn get(&self, name: &str) -> Option<&str>;
}

impl<S: BuildHasher> Variables for HashMap<String, String, S> {
    fn get(&self, name: &str) -> Option<&str> {
        HashMap::get(self, name).map(String::as_str)
    }
}

/// A lookup in which every variable is unset, to analyse a file without any environment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct NoVariables;

impl Variables for NoVariables {
    fn get(&self, _name: &str) -> Option<&str> {
        None
    }
}

/// The result of interpolating one string, with the origin of every byte of `text`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Interpolated {
    /// The interpolated text, as Compose would compute it (unknown variables contribute nothing).
    pub text: String,
    /// Contiguous, ordered segments covering all of `text`. An expression that contributes no
    /// bytes (an unknown or empty variable, an empty default) still leaves a zero-length segment,
    /// so every expression that was evaluated is visible.
    pub segments: Vec<Segment>,
}

/// One piece of an [`Interpolated`] text and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Byte range of this piece in [`Interpolated::text`].
    pub text: Range<usize>,
    /// Where the bytes came from.
    pub kind: SegmentKind,
}

/// The origin of a [`Segment`], so a fix can edit the right bytes of the user's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SegmentKind {
    /// Bytes copied from the input; `raw` is their byte range in the input. A literal is either
    /// verbatim (`raw` and `text` have the same length and bytes) or a single `$$` escape (`raw`
    /// is the two bytes `$$`, `text` is one `$`).
    Literal {
        /// Byte range in the input string.
        raw: Range<usize>,
        /// `Some(name)` when these bytes come from the default, alternative or error operand of
        /// the expression for variable `name` (the innermost one), `None` for top-level text.
        default_of: Option<String>,
    },
    /// Text produced from a variable: the value of a set variable (possibly empty), or the empty
    /// string of a `${VAR+x}` / `${VAR:+x}` whose alternative does not apply.
    Variable {
        /// The variable name.
        name: String,
        /// The whole `$VAR` / `${...}` expression in the input.
        raw: Range<usize>,
    },
    /// An unset variable without a usable default: contributes no text, its value is unknown.
    Unknown {
        /// The variable name.
        name: String,
        /// The whole `$VAR` / `${...}` expression in the input.
        raw: Range<usize>,
    },
}

impl Interpolated {
    /// True when no unset variable without a default was used, i.e. `text` is the real value.
    pub fn is_known(&self) -> bool {
        !self
            .segments
            .iter()
            .any(|segment| matches!(segment.kind, SegmentKind::Unknown { .. }))
    }

    /// True when some segment is not top-level literal text, i.e. the input used a variable
    /// expression (`$$` escapes alone do not count).
    pub fn has_variables(&self) -> bool {
        self.segments.iter().any(|segment| {
            !matches!(
                segment.kind,
                SegmentKind::Literal {
                    default_of: None,
                    ..
                }
            )
        })
    }

    /// The text with each part that came from a variable replaced by the variable's name
    /// (`${PW}!`): what messages may quote, since a variable's value (from `.env` or the
    /// environment) may be a secret, and the file's own text is not.
    pub fn naming_variables(&self) -> String {
        let mut out = String::with_capacity(self.text.len());
        for segment in &self.segments {
            match &segment.kind {
                SegmentKind::Literal { .. } => {
                    out.push_str(self.text.get(segment.text.clone()).unwrap_or_default());
                }
                SegmentKind::Variable { name, .. } | SegmentKind::Unknown { name, .. } => {
                    out.push_str("${");
                    out.push_str(name);
                    out.push('}');
                }
            }
        }
        out
    }

    /// The part `range` of `text` with the segments that produced it, so a piece of a string
    /// (the value of a `KEY=value` item) keeps its provenance. Zero-length segments at either
    /// end of `range` are kept; a range out of bounds or off a char boundary gives an empty result.
    pub fn slice(&self, range: Range<usize>) -> Interpolated {
        let Some(text) = self.text.get(range.clone()) else {
            return Interpolated::default();
        };
        let segments = self
            .segments
            .iter()
            .filter_map(|segment| {
                let start = segment.text.start.max(range.start);
                let end = segment.text.end.min(range.end);
                if start > end || (start == end && !segment.text.is_empty()) {
                    return None;
                }
                let kind = match &segment.kind {
                    SegmentKind::Literal { raw, default_of } if raw.len() == segment.text.len() => {
                        let raw_start = raw.start + (start - segment.text.start);
                        SegmentKind::Literal {
                            raw: raw_start..raw_start + (end - start),
                            default_of: default_of.clone(),
                        }
                    }
                    other => other.clone(),
                };
                Some(Segment {
                    text: start - range.start..end - range.start,
                    kind,
                })
            })
            .collect();
        Interpolated {
            text: text.to_owned(),
            segments,
        }
    }

    /// Maps a byte range of `text` back to the input, when it lies inside one verbatim literal
    /// segment, so a fix can edit exactly those bytes of the user's file. `None` when the range
    /// touches a variable value, a `$$` escape, spans several segments or is out of bounds.
    pub fn source_range(&self, text: Range<usize>) -> Option<Range<usize>> {
        self.segments
            .iter()
            .find_map(|segment| match &segment.kind {
                SegmentKind::Literal { raw, .. }
                    if raw.len() == segment.text.len()
                        && segment.text.start <= text.start
                        && text.start <= text.end
                        && text.end <= segment.text.end =>
                {
                    let start = raw.start + (text.start - segment.text.start);
                    Some(start..start + text.len())
                }
                _ => None,
            })
    }
}

/// Why a string could not be interpolated; `raw` is always a byte range of the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum InterpolationError {
    /// `${VAR:?msg}` / `${VAR?msg}` with the variable unset (or empty for `:?`); `message` is the
    /// interpolated `msg` and `raw` the whole expression.
    #[error("required variable {name} is missing a value{}", message_suffix(.message))]
    Required {
        /// The required variable.
        name: String,
        /// The interpolated error message (may be empty).
        message: String,
        /// The whole `${...}` expression in the input.
        raw: Range<usize>,
    },
    /// A malformed `${...}` expression.
    #[error("invalid interpolation format: {reason}")]
    Invalid {
        /// From the `$` to the closing `}` (or the end of the line) in the input.
        raw: Range<usize>,
        /// What is wrong with the expression.
        reason: String,
    },
    /// The value of `name` would take the project's text from variables past the [`Budget`].
    #[error(
        "interpolating `${{{name}}}` goes past the limit of {} of text from variables for the project",
        crate::project::read::size_words(*.limit)
    )]
    TooLarge {
        /// The variable whose value did not fit.
        name: String,
        /// The budget's limit, in bytes.
        limit: usize,
        /// The whole `$VAR` / `${...}` expression in the input.
        raw: Range<usize>,
    },
}

impl InterpolationError {
    /// The byte range of the offending expression in the input, to point a diagnostic at it.
    pub(crate) fn raw(&self) -> &Range<usize> {
        match self {
            Self::Required { raw, .. } | Self::Invalid { raw, .. } | Self::TooLarge { raw, .. } => {
                raw
            }
        }
    }
}

/// Formats the optional `: message` tail of a [`InterpolationError::Required`], as compose-go does.
fn message_suffix(message: &str) -> String {
    if message.is_empty() {
        String::new()
    } else {
        format!(": {message}")
    }
}

/// Interpolates `input` as Compose does, looking variables up in `vars`, and records the origin
/// of every byte of the result (see the module documentation for the exact grammar). The
/// bytes that variable values add are taken from `budget`.
pub(crate) fn interpolate(
    input: &str,
    vars: &dyn Variables,
    budget: &Budget,
) -> Result<Interpolated, InterpolationError> {
    let mut builder = Builder {
        input,
        vars,
        budget,
        out: Interpolated::default(),
    };
    builder.template(0..input.len(), None)?;
    Ok(builder.out)
}

/// The operator of a braced expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operator {
    /// `:-` / `-`: use the operand when the variable is missing.
    Default,
    /// `:+` / `+`: use the operand when the variable is present.
    Alternative,
    /// `:?` / `?`: fail with the operand as message when the variable is missing.
    Required,
}

/// Accumulates the interpolated text and its segments while walking the input.
struct Builder<'a> {
    input: &'a str,
    vars: &'a dyn Variables,
    budget: &'a Budget,
    out: Interpolated,
}

impl<'a> Builder<'a> {
    /// Interpolates `input[range]` as an independent template (offsets stay absolute).
    fn template(
        &mut self,
        range: Range<usize>,
        default_of: Option<&str>,
    ) -> Result<(), InterpolationError> {
        let bytes = self.input.as_bytes();
        let end = range.end.min(bytes.len());
        let mut literal_start = range.start;
        let mut i = range.start;
        while i < end {
            if bytes.get(i) != Some(&b'$') {
                i += 1;
                continue;
            }
            let next = if i + 1 < end {
                bytes.get(i + 1).copied()
            } else {
                None
            };
            let resume = match next {
                Some(b'$') => {
                    self.verbatim(literal_start..i, default_of);
                    self.escape(i..i + 2, default_of);
                    i + 2
                }
                Some(b'{') => {
                    self.verbatim(literal_start..i, default_of);
                    self.braced(i, end)?
                }
                Some(byte) if is_name_start(byte) => {
                    self.verbatim(literal_start..i, default_of);
                    let name_end = scan_name(bytes, i + 1, end);
                    self.lookup(i + 1..name_end, i..name_end)?;
                    name_end
                }
                _ => {
                    i += 1;
                    continue;
                }
            };
            i = resume;
            literal_start = resume;
        }
        self.verbatim(literal_start..end, default_of);
        Ok(())
    }

    /// Handles the `${` at `dollar`; returns the offset just after the expression.
    fn braced(&mut self, dollar: usize, end: usize) -> Result<usize, InterpolationError> {
        let bytes = self.input.as_bytes();
        let at = |i: usize| if i < end { bytes.get(i).copied() } else { None };
        let name_start = dollar + 2;
        let name_end = scan_name(bytes, name_start, end);
        if name_end == name_start {
            let reason = match at(name_start) {
                Some(b'}') => "empty variable name in `${}`",
                None | Some(b'\n') => "`${` is not closed",
                Some(_) => "a variable name must start with a letter or `_`",
            };
            return Err(self.invalid(dollar, end, reason.to_owned()));
        }
        let first = at(name_end);
        let second = at(name_end + 1).and_then(operator_of);
        let (operator, colon, operator_len) = match (first, first.and_then(operator_of), second) {
            (Some(b'}'), _, _) => {
                self.lookup(name_start..name_end, dollar..name_end + 1)?;
                return Ok(name_end + 1);
            }
            (Some(b':'), _, Some(operator)) => (operator, true, 2),
            (_, Some(operator), _) => (operator, false, 1),
            (None | Some(b'\n'), _, _) => {
                return Err(self.invalid(dollar, end, "missing closing `}`".to_owned()));
            }
            (Some(b':'), _, _) => {
                let reason = "`:` must be followed by `-`, `+` or `?`".to_owned();
                return Err(self.invalid(dollar, end, reason));
            }
            (Some(_), _, _) => {
                let found = self.slice(name_end..end).chars().next().unwrap_or('?');
                let name = self.slice(name_start..name_end);
                let reason = format!("unexpected {found:?} after variable name `{name}`");
                return Err(self.invalid(dollar, end, reason));
            }
        };

        // compose-go: the operand regex `(.*)}` runs to the last `}` on the line, then the match is
        // cut at the `}` that balances the `${`.
        let operand_start = name_end + operator_len;
        let line = bytes.get(operand_start..end).unwrap_or(&[]);
        let line_end = line
            .iter()
            .position(|&b| b == b'\n')
            .map_or(end, |p| operand_start + p);
        let last_brace = bytes
            .get(operand_start..line_end)
            .unwrap_or(&[])
            .iter()
            .rposition(|&b| b == b'}')
            .map(|p| operand_start + p);
        let Some(last_brace) = last_brace else {
            return Err(self.invalid(dollar, end, "missing closing `}`".to_owned()));
        };
        let close = balanced_close(bytes, dollar, last_brace + 1).unwrap_or(last_brace);
        let expression = dollar..close + 1;
        let operand = operand_start..close;
        let name = self.slice(name_start..name_end);

        let vars = self.vars;
        let value = vars.get(name);
        let missing = value.is_none_or(|v| colon && v.is_empty());
        match (operator, value) {
            (Operator::Default, Some(value)) if !missing => {
                self.variable(name, expression.clone(), value)?;
            }
            (Operator::Default, _) => self.operand(operand, name)?,
            (Operator::Alternative, _) if !missing => self.operand(operand, name)?,
            (Operator::Alternative, value) => {
                self.variable(name, expression.clone(), value.unwrap_or_default())?;
            }
            (Operator::Required, Some(value)) if !missing => {
                self.variable(name, expression.clone(), value)?;
            }
            (Operator::Required, _) => {
                let mut message = Builder {
                    input: self.input,
                    vars,
                    budget: self.budget,
                    out: Interpolated::default(),
                };
                message.template(operand, Some(name))?;
                return Err(InterpolationError::Required {
                    name: name.to_owned(),
                    message: message.out.text,
                    raw: expression,
                });
            }
        }
        Ok(expression.end)
    }

    /// Emits a used default/alternative operand; an empty one leaves a zero-length literal.
    fn operand(&mut self, operand: Range<usize>, name: &str) -> Result<(), InterpolationError> {
        if operand.is_empty() {
            let kind = SegmentKind::Literal {
                raw: operand,
                default_of: Some(name.to_owned()),
            };
            self.push(kind, "");
            Ok(())
        } else {
            self.template(operand, Some(name))
        }
    }

    /// Emits `$NAME` / `${NAME}`: the value when set, an unknown otherwise.
    fn lookup(&mut self, name: Range<usize>, raw: Range<usize>) -> Result<(), InterpolationError> {
        let name = self.slice(name);
        let vars = self.vars;
        match vars.get(name) {
            Some(value) => self.variable(name, raw, value),
            None => {
                let kind = SegmentKind::Unknown {
                    name: name.to_owned(),
                    raw,
                };
                self.push(kind, "");
                Ok(())
            }
        }
    }

    /// Emits the value of variable `name` for the expression at `raw`, paid from the budget.
    fn variable(
        &mut self,
        name: &str,
        raw: Range<usize>,
        value: &str,
    ) -> Result<(), InterpolationError> {
        if !self.budget.take(value.len()) {
            return Err(InterpolationError::TooLarge {
                name: name.to_owned(),
                limit: self.budget.limit,
                raw,
            });
        }
        let kind = SegmentKind::Variable {
            name: name.to_owned(),
            raw,
        };
        self.push(kind, value);
        Ok(())
    }

    /// Emits a `$$` escape as its own one-byte literal.
    fn escape(&mut self, raw: Range<usize>, default_of: Option<&str>) {
        let kind = SegmentKind::Literal {
            raw,
            default_of: default_of.map(str::to_owned),
        };
        self.push(kind, "$");
    }

    /// Copies `input[raw]` verbatim, extending the previous literal when it has the same origin.
    fn verbatim(&mut self, raw: Range<usize>, default_of: Option<&str>) {
        if raw.is_empty() {
            return;
        }
        let input = self.input;
        let piece = input.get(raw.clone()).unwrap_or_default();
        if let Some(last) = self.out.segments.last_mut() {
            if let SegmentKind::Literal {
                raw: last_raw,
                default_of: last_of,
            } = &mut last.kind
            {
                if last_raw.end == raw.start
                    && last_raw.len() == last.text.len()
                    && last_of.as_deref() == default_of
                {
                    last_raw.end = raw.end;
                    self.out.text.push_str(piece);
                    last.text.end = self.out.text.len();
                    return;
                }
            }
        }
        let kind = SegmentKind::Literal {
            raw,
            default_of: default_of.map(str::to_owned),
        };
        self.push(kind, piece);
    }

    /// Appends `text` to the output as a new segment of the given kind.
    fn push(&mut self, kind: SegmentKind, text: &str) {
        let start = self.out.text.len();
        self.out.text.push_str(text);
        self.out.segments.push(Segment {
            text: start..self.out.text.len(),
            kind,
        });
    }

    /// A slice of the input; empty if the range were ever off a char boundary.
    fn slice(&self, range: Range<usize>) -> &'a str {
        self.input.get(range).unwrap_or_default()
    }

    /// An [`InterpolationError::Invalid`] spanning from `dollar` to the next `}` (inclusive) or
    /// the end of the line.
    fn invalid(&self, dollar: usize, end: usize, reason: String) -> InterpolationError {
        let bytes = self.input.as_bytes();
        let stop = bytes
            .get(dollar + 2..end)
            .and_then(|rest| rest.iter().position(|&b| b == b'}' || b == b'\n'))
            .map_or(end, |p| {
                let at = dollar + 2 + p;
                if bytes.get(at) == Some(&b'}') {
                    at + 1
                } else {
                    at
                }
            });
        InterpolationError::Invalid {
            raw: dollar..stop.max(dollar),
            reason,
        }
    }
}

/// The operator introduced by `byte` (after an optional `:`), if any.
fn operator_of(byte: u8) -> Option<Operator> {
    match byte {
        b'-' => Some(Operator::Default),
        b'+' => Some(Operator::Alternative),
        b'?' => Some(Operator::Required),
        _ => None,
    }
}

/// Whether `byte` can start a variable name.
fn is_name_start(byte: u8) -> bool {
    byte == b'_' || byte.is_ascii_alphabetic()
}

/// The end of the variable name starting at `start` (`start` itself when there is none).
fn scan_name(bytes: &[u8], start: usize, end: usize) -> usize {
    match bytes.get(start) {
        Some(&b) if start < end && is_name_start(b) => {}
        _ => return start,
    }
    let mut i = start + 1;
    while i < end
        && bytes
            .get(i)
            .is_some_and(|&b| b == b'_' || b.is_ascii_alphanumeric())
    {
        i += 1;
    }
    i
}

/// compose-go's `getFirstBraceClosingIndex` on `bytes[start..end]`: the `}` where the brace count
/// returns to zero, counting every `{` and skipping the byte that follows it.
fn balanced_close(bytes: &[u8], start: usize, end: usize) -> Option<usize> {
    let mut open = 0usize;
    let mut i = start;
    while i < end {
        match bytes.get(i) {
            Some(b'}') => {
                open = open.saturating_sub(1);
                if open == 0 {
                    return Some(i);
                }
            }
            Some(b'{') => {
                open += 1;
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Interpolation with a budget no test reaches.
    fn interpolate(input: &str, vars: &dyn Variables) -> Result<Interpolated, InterpolationError> {
        super::interpolate(input, vars, &Budget::new(1 << 30))
    }

    #[test]
    fn naming_variables_hides_their_values() {
        let vars: HashMap<String, String> = [("PW".to_owned(), "s3cret".to_owned())].into();
        let result = interpolate("x${PW}!$$ ${NOPE:-dflt} $NOPE", &vars).expect("interpolates");
        assert_eq!(result.text, "xs3cret!$ dflt ");
        assert_eq!(result.naming_variables(), "x${PW}!$ dflt ${NOPE}");
    }

    #[test]
    fn variable_values_are_paid_from_the_budget() {
        let vars: HashMap<String, String> = [("A".to_owned(), "x".repeat(10))].into();
        let budget = Budget::new(25);
        assert!(super::interpolate("${A}${A}", &vars, &budget).is_ok());
        let err = super::interpolate("lit ${A}", &vars, &budget).expect_err("over budget");
        assert_eq!(err.raw(), &(4..8));
        assert!(
            matches!(err, InterpolationError::TooLarge { ref name, limit: 25, .. } if name == "A")
        );
        // Literal text costs nothing.
        assert!(super::interpolate("literal text $$", &vars, &budget).is_ok());
    }

    fn env() -> HashMap<String, String> {
        [("SET", "value"), ("EMPTY", ""), ("ZK", "zk1:2181")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }

    /// Checks the documented invariants of a result against its input.
    fn check_invariants(input: &str, result: &Interpolated) {
        let mut cursor = 0;
        for segment in &result.segments {
            assert_eq!(
                segment.text.start, cursor,
                "{input:?}: segments not contiguous"
            );
            assert!(result.text.get(segment.text.clone()).is_some(), "{input:?}");
            cursor = segment.text.end;
            let raw = match &segment.kind {
                SegmentKind::Literal { raw, .. } => {
                    let raw_text = input.get(raw.clone()).expect("raw on char boundaries");
                    let text = &result.text[segment.text.clone()];
                    assert!(
                        raw_text == text || (raw_text == "$$" && text == "$"),
                        "{input:?}: literal {raw_text:?} vs {text:?}"
                    );
                    raw
                }
                SegmentKind::Unknown { raw, .. } => {
                    assert!(segment.text.is_empty());
                    raw
                }
                SegmentKind::Variable { raw, .. } => raw,
            };
            assert!(input.get(raw.clone()).is_some(), "{input:?}: raw {raw:?}");
        }
        assert_eq!(
            cursor,
            result.text.len(),
            "{input:?}: segments do not cover text"
        );
    }

    #[test]
    fn table_of_forms() {
        // (input, text, known)
        let cases: &[(&str, &str, bool)] = &[
            ("", "", true),
            ("plain text", "plain text", true),
            ("$SET", "value", true),
            ("${SET}", "value", true),
            ("$UNSET", "", false),
            ("${UNSET}", "", false),
            ("${EMPTY}", "", true),
            // :- default when unset or empty
            ("${SET:-d}", "value", true),
            ("${UNSET:-d}", "d", true),
            ("${EMPTY:-d}", "d", true),
            // - default when unset
            ("${SET-d}", "value", true),
            ("${UNSET-d}", "d", true),
            ("${EMPTY-d}", "", true),
            // :+ replacement when set and non-empty
            ("${SET:+r}", "r", true),
            ("${UNSET:+r}", "", true),
            ("${EMPTY:+r}", "", true),
            // + replacement when set
            ("${SET+r}", "r", true),
            ("${UNSET+r}", "", true),
            ("${EMPTY+r}", "r", true),
            // required forms that pass
            ("${SET:?err}", "value", true),
            ("${SET?err}", "value", true),
            ("${EMPTY?err}", "", true),
            // explicit empty default
            ("${UNSET:-}", "", true),
            ("${UNSET-}", "", true),
            // nesting
            ("${UNSET:-${SET:-x}}", "value", true),
            ("${UNSET:-${UNSET2:-x}}", "x", true),
            ("${UNSET:-prefix_${SET}}", "prefix_value", true),
            ("${UNSET:-prefix_${NOPE}}", "prefix_", false),
            ("${UNSET:-${SET}_suffix}", "value_suffix", true),
            ("${UNSET-${SET} ${SET}}", "value value", true),
            ("${UNSET-$SET}", "value", true),
            ("${SET:+[${SET}]}", "[value]", true),
            ("${SET:-${NOPE}}", "value", true),
            // operands are only evaluated when used (compose-go v2.13)
            ("${SET:-${NOPE:?boom}}", "value", true),
            ("${SET:-${}}", "value", true),
            // operand text containing operator characters
            ("${UNSET:-/non:-alphanumeric}", "/non:-alphanumeric", true),
            ("${UNSET-myerror?msg}", "myerror?msg", true),
            ("${SET?bar-baz}", "value", true),
            ("${UNSET:-a}}", "a}", true),
            ("${UNSET:-{x}}", "{x}", true),
            // compose-go skips the byte after `{` when balancing: `{}` hides the `}`
            ("${SET:-{}}}", "value", true),
            ("${UNSET:-{}}}", "{}}", true),
            // $$ escapes
            ("$$", "$", true),
            ("$$SET", "$SET", true),
            ("$$$SET", "$value", true),
            ("$${SET}", "${SET}", true),
            ("${UNSET:-$$}", "$", true),
            // unbraced names are greedy ASCII identifiers
            ("$SET.x", "value.x", true),
            ("$SET-bar", "value-bar", true),
            ("$SETx", "", false),
            ("$SET$SET", "valuevalue", true),
            ("${SET}x", "valuex", true),
            // `$` not followed by a name, `$` or `{` stays literal
            ("$1", "$1", true),
            ("$ ", "$ ", true),
            ("a$", "a$", true),
            ("$}", "$}", true),
            ("$-x", "$-x", true),
            ("$é", "$é", true),
            ("100$ and $5", "100$ and $5", true),
            // UTF-8 around expressions
            ("héllo ${UNSET:-wörld} ✓", "héllo wörld ✓", true),
            ("ü$SET€", "üvalue€", true),
            // multi-line input: expressions on each line
            ("a=${SET}\nb=${UNSET:-x}", "a=value\nb=x", true),
        ];
        let vars = env();
        for &(input, text, known) in cases {
            let result =
                interpolate(input, &vars).unwrap_or_else(|e| panic!("{input:?} failed: {e}"));
            assert_eq!(result.text, text, "{input:?}");
            assert_eq!(result.is_known(), known, "{input:?}");
            check_invariants(input, &result);
        }
    }

    #[test]
    fn required_errors() {
        // (input, name, message, raw)
        let cases: &[(&str, &str, &str, Range<usize>)] = &[
            ("${UNSET:?need it}", "UNSET", "need it", 0..17),
            ("${EMPTY:?need it}", "EMPTY", "need it", 0..17),
            ("${UNSET?need it}", "UNSET", "need it", 0..16),
            ("x ${UNSET:?}", "UNSET", "", 2..12),
            ("${UNSET?}", "UNSET", "", 0..9),
            ("${UNSET:?msg ${SET}}", "UNSET", "msg value", 0..20),
            ("${UNSET?bar-baz}", "UNSET", "bar-baz", 0..16),
            ("é${UNSET:-${NOPE:?inner}}", "NOPE", "inner", 11..25),
        ];
        let vars = env();
        for (input, name, message, raw) in cases {
            let err = interpolate(input, &vars).expect_err(input);
            assert_eq!(
                err,
                InterpolationError::Required {
                    name: (*name).to_owned(),
                    message: (*message).to_owned(),
                    raw: raw.clone(),
                },
                "{input:?}"
            );
            assert!(input.get(err.raw().clone()).is_some());
        }
        let err = interpolate("${UNSET:?}", &vars).expect_err("required");
        assert_eq!(
            err.to_string(),
            "required variable UNSET is missing a value"
        );
        let err = interpolate("${UNSET:?set it}", &vars).expect_err("required");
        assert_eq!(
            err.to_string(),
            "required variable UNSET is missing a value: set it"
        );
    }

    #[test]
    fn invalid_expressions() {
        // (input, raw of the offending expression)
        let cases: &[(&str, Range<usize>)] = &[
            ("${", 0..2),
            ("${}", 0..3),
            ("${ }", 0..4),
            ("${ foo}", 0..7),
            ("${foo }", 0..7),
            ("${foo!}", 0..7),
            ("${VAR:x}", 0..8),
            ("${VAR:}", 0..7),
            ("${1abc}", 0..7),
            ("${VAR", 0..5),
            ("a ${UNSET:-x", 2..12),
            ("${UNSET:-x\n}", 0..10),
            ("é${", 2..4),
            ("ok ${SET} then ${-x}", 15..20),
            // an invalid expression inside a used default
            ("${UNSET:-${}}", 9..12),
        ];
        let vars = env();
        for (input, raw) in cases {
            match interpolate(input, &vars) {
                Err(InterpolationError::Invalid { raw: got, .. }) => {
                    assert_eq!(&got, raw, "{input:?}");
                    assert!(input.get(got).is_some(), "{input:?}");
                }
                other => panic!("{input:?}: expected invalid, got {other:?}"),
            }
        }
        let err = interpolate("${}", &vars).expect_err("invalid");
        assert!(
            err.to_string()
                .starts_with("invalid interpolation format: ")
        );
    }

    #[test]
    fn default_segment_points_into_the_input() {
        let input = "${ZK_UNSET:-localhost:2181}";
        let result = interpolate(input, &env()).expect("interpolates");
        assert_eq!(result.text, "localhost:2181");
        assert_eq!(
            result.segments,
            vec![Segment {
                text: 0..14,
                kind: SegmentKind::Literal {
                    raw: 12..26,
                    default_of: Some("ZK_UNSET".to_owned()),
                },
            }]
        );
        assert_eq!(&input[12..26], "localhost:2181");
        assert!(result.is_known());
        assert!(result.has_variables());

        let input = "zk=${ZK_UNSET:-localhost:2181}/kafka";
        let result = interpolate(input, &env()).expect("interpolates");
        let host = result.text.find("localhost").expect("host in text");
        let raw = result.source_range(host..host + 9).expect("maps back");
        assert_eq!(&input[raw], "localhost");
        assert_eq!(result.source_range(0..3), Some(0..3));
        assert_eq!(result.source_range(0..5), None, "spans two segments");
    }

    #[test]
    fn set_variable_segments() {
        let input = "zk=${ZK:-localhost:2181}/kafka";
        let result = interpolate(input, &env()).expect("interpolates");
        assert_eq!(result.text, "zk=zk1:2181/kafka");
        assert_eq!(
            result.segments,
            vec![
                Segment {
                    text: 0..3,
                    kind: SegmentKind::Literal {
                        raw: 0..3,
                        default_of: None
                    },
                },
                Segment {
                    text: 3..11,
                    kind: SegmentKind::Variable {
                        name: "ZK".to_owned(),
                        raw: 3..24
                    },
                },
                Segment {
                    text: 11..17,
                    kind: SegmentKind::Literal {
                        raw: 24..30,
                        default_of: None
                    },
                },
            ]
        );
        assert_eq!(result.source_range(4..6), None, "inside a variable value");
    }

    #[test]
    fn plain_and_empty_inputs() {
        let result = interpolate("", &env()).expect("empty");
        assert!(result.segments.is_empty());
        assert!(!result.has_variables());

        let result = interpolate("héllo wörld", &NoVariables).expect("plain");
        assert_eq!(result.segments.len(), 1);
        assert_eq!(
            result.segments[0].kind,
            SegmentKind::Literal {
                raw: 0.."héllo wörld".len(),
                default_of: None
            }
        );
        assert!(!result.has_variables());
        assert!(result.is_known());

        let result = interpolate("a $1 b$", &NoVariables).expect("lone dollars");
        assert_eq!(result.segments.len(), 1, "lone `$` stays in the literal");
    }

    #[test]
    fn escape_segments() {
        let result = interpolate("$$VAR x", &NoVariables).expect("escape");
        assert_eq!(result.text, "$VAR x");
        assert_eq!(
            result.segments,
            vec![
                Segment {
                    text: 0..1,
                    kind: SegmentKind::Literal {
                        raw: 0..2,
                        default_of: None
                    },
                },
                Segment {
                    text: 1..6,
                    kind: SegmentKind::Literal {
                        raw: 2..7,
                        default_of: None
                    },
                },
            ]
        );
        assert!(!result.has_variables(), "`$$` alone is not a variable");
        assert_eq!(
            result.source_range(0..1),
            None,
            "escapes do not map byte for byte"
        );
        assert_eq!(result.source_range(1..4), Some(2..5));
    }

    #[test]
    fn unknown_and_zero_length_segments() {
        let result = interpolate("a${NOPE}b", &env()).expect("unknown");
        assert_eq!(result.text, "ab");
        assert_eq!(
            result.segments[1],
            Segment {
                text: 1..1,
                kind: SegmentKind::Unknown {
                    name: "NOPE".to_owned(),
                    raw: 1..8
                },
            }
        );
        assert!(!result.is_known());
        assert!(result.has_variables());

        let result = interpolate("${UNSET:-}", &env()).expect("empty default");
        assert_eq!(
            result.segments,
            vec![Segment {
                text: 0..0,
                kind: SegmentKind::Literal {
                    raw: 9..9,
                    default_of: Some("UNSET".to_owned())
                },
            }]
        );
        assert!(result.is_known());
        assert!(result.has_variables());

        let result = interpolate("${EMPTY}", &env()).expect("empty variable");
        assert_eq!(
            result.segments,
            vec![Segment {
                text: 0..0,
                kind: SegmentKind::Variable {
                    name: "EMPTY".to_owned(),
                    raw: 0..8
                },
            }]
        );

        let result = interpolate("${UNSET+x}", &env()).expect("unapplied alternative");
        assert_eq!(
            result.segments,
            vec![Segment {
                text: 0..0,
                kind: SegmentKind::Variable {
                    name: "UNSET".to_owned(),
                    raw: 0..10
                },
            }]
        );
    }

    #[test]
    fn nested_default_segments() {
        let input = "${A:-pre_${B:-x}_${SET}}";
        let result = interpolate(input, &env()).expect("nested");
        assert_eq!(result.text, "pre_x_value");
        let kinds: Vec<_> = result.segments.iter().map(|s| &s.kind).collect();
        assert_eq!(
            kinds,
            vec![
                &SegmentKind::Literal {
                    raw: 5..9,
                    default_of: Some("A".to_owned())
                },
                &SegmentKind::Literal {
                    raw: 14..15,
                    default_of: Some("B".to_owned())
                },
                &SegmentKind::Literal {
                    raw: 16..17,
                    default_of: Some("A".to_owned())
                },
                &SegmentKind::Variable {
                    name: "SET".to_owned(),
                    raw: 17..23
                },
            ]
        );
        check_invariants(input, &result);

        let result = interpolate("${SET:+<${SET}>}", &env()).expect("alternative");
        assert_eq!(result.text, "<value>");
        assert_eq!(
            result.segments[0].kind,
            SegmentKind::Literal {
                raw: 7..8,
                default_of: Some("SET".to_owned())
            }
        );
    }

    #[test]
    fn slices_keep_provenance() {
        let input = "KAFKA=${ZK_UNSET:-localhost:2181},x${NOPE}";
        let result = interpolate(input, &env()).expect("interpolates");
        assert_eq!(result.text, "KAFKA=localhost:2181,x");
        let value = result.slice(6..result.text.len());
        assert_eq!(value.text, "localhost:2181,x");
        check_invariants(input, &value);
        assert_eq!(value.segments[0].text, 0..14);
        let raw = value.source_range(0..9).expect("maps back");
        assert_eq!(&input[raw], "localhost");
        assert!(!value.is_known(), "the trailing unknown is kept");
        let key = result.slice(0..5);
        assert_eq!(key.text, "KAFKA");
        assert_eq!(key.source_range(0..5), Some(0..5));
        assert!(key.is_known() && !key.has_variables());
        let middle = result.slice(8..10);
        assert_eq!(middle.source_range(0..2), Some(20..22));
        assert_eq!(result.slice(3..99), Interpolated::default());
    }

    #[test]
    fn arbitrary_strings_never_panic() {
        let samples = [
            "$",
            "${",
            "${{",
            "}}",
            "$}{",
            "${a:-{{{",
            "${a:-}}}}",
            "${a:-${b:-${c",
            "$\u{0}",
            "${é}",
            "${a:-é}",
            "$$$$$",
            "${a}${",
            "${a:-\n",
            "{${a:-{}}}",
            "${_:+${_}}",
        ];
        for sample in samples {
            if let Ok(result) = interpolate(sample, &NoVariables) {
                check_invariants(sample, &result);
            }
            if let Ok(result) = interpolate(sample, &env()) {
                check_invariants(sample, &result);
            }
        }
    }
}
