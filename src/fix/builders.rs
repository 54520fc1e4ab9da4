//! Edits that keep the file's style: quoting, indentation, dash column, flow or block, list or
//! map `environment`, line endings, a BOM, a missing final newline, comments.
//!
//! Every builder works on model values and the spans they remember; it returns None when the
//! text is not written in a way it can edit safely (a block scalar, a value from `.env`).

use super::text::{
    column, ends_with_break, eol, is_comment_line, last_byte, line_start, next_line,
};
use crate::diagnostic::Edit;
use crate::project::Project;
use crate::project::interpolate::{Budget, Interpolated, NoVariables, SegmentKind, interpolate};
use crate::project::value::{Kind, Origin, Str, Value};
use crate::source::{ScalarStyle, SourceFile, Span, plain_or_quoted};
use std::ops::Range;
use std::sync::Arc;

fn file_of(project: &Project, origin: &Origin) -> Arc<SourceFile> {
    Arc::clone(project.file(origin.file))
}

fn edit(file: &Arc<SourceFile>, span: Span, content: impl Into<String>) -> Edit {
    Edit {
        file: Arc::clone(file),
        span,
        content: content.into(),
    }
}

/// `s` written in `style`, escaped as that style requires; None for block scalars.
fn quoted(style: ScalarStyle, s: &str) -> Option<String> {
    match style {
        ScalarStyle::Plain => Some(plain_or_quoted(s)),
        ScalarStyle::SingleQuoted => Some(format!("'{}'", s.replace('\'', "''"))),
        ScalarStyle::DoubleQuoted => Some(format!("\"{}\"", escape_double(s))),
        ScalarStyle::Literal | ScalarStyle::Folded => None,
    }
}

fn escape_double(s: &str) -> String {
    let quoted = serde_json::to_string(s).unwrap_or_default();
    quoted[1..quoted.len() - 1].to_string()
}

/// Replaces a whole scalar with `new`, keeping its quoting style.
pub fn replace_scalar(project: &Project, value: &Value, new: &str) -> Option<Edit> {
    let file = file_of(project, &value.origin);
    let style = match &value.kind {
        Kind::Str(s) => s.style,
        Kind::Null | Kind::Bool(_) | Kind::Int(_) | Kind::Float(_) => ScalarStyle::Plain,
        Kind::Seq(_) | Kind::Map(_) => return None,
    };
    let span = value.origin.span;
    let written = &file.text()[span.start..span.end];
    // A value cut out of a `KEY=value` list item is only part of its scalar.
    if let Kind::Str(s) = &value.kind {
        // Never bake a variable's value (or an unknown) into the file; a value written whole
        // as the default of `${VAR:-default}` is edited there, where the default is.
        if s.interpolation.as_ref().is_some_and(|i| i.has_variables()) {
            return replace_part(project, value, 0..s.text.len(), new);
        }
        let whole = match style {
            ScalarStyle::Plain => s.raw_offset == Some(span.start),
            _ => s.raw_offset == Some(span.start + 1),
        };
        if !whole {
            return replace_part(project, value, 0..s.text.len(), new);
        }
    }
    if span.is_empty() || written.starts_with(['&', '*', '!']) {
        return None;
    }
    // A number stays a number: `published: 8080` becomes `8081`, not `"8081"`.
    if matches!(value.kind, Kind::Int(_)) && new.parse::<i64>().is_ok() {
        return Some(edit(&file, span, new));
    }
    Some(edit(&file, span, quoted(style, new)?))
}

/// Replaces bytes `range` of a string's text (one host of a URL, one entry of a list, the
/// default inside `${VAR:-default}`), when those bytes are written literally in the file.
pub fn replace_part(
    project: &Project,
    value: &Value,
    range: Range<usize>,
    new: &str,
) -> Option<Edit> {
    let Kind::Str(s) = &value.kind else {
        return None;
    };
    let span = s.literal_span(range.clone())?;
    let file = file_of(project, &value.origin);
    let content = match s.style {
        ScalarStyle::Plain => {
            let mut whole = s.text.clone();
            whole.replace_range(range, new);
            if plain_or_quoted(&whole) != whole
                && !new
                    .chars()
                    .all(|c| c.is_alphanumeric() || "-._:/@".contains(c))
            {
                return None;
            }
            new.to_string()
        }
        ScalarStyle::SingleQuoted => new.replace('\'', "''"),
        ScalarStyle::DoubleQuoted => escape_double(new),
        ScalarStyle::Literal | ScalarStyle::Folded => {
            if new.contains(['\r', '\n']) {
                return None;
            }
            new.to_string()
        }
    };
    Some(edit(&file, span, content))
}

/// Inserts `prefix` (text that a plain scalar may start with, such as `127.0.0.1:`) before the
/// first byte of a scalar as written: inside its quotes, and before a leading `${VAR}` (which
/// [`replace_part`] cannot do, a range at 0 mapping after the variable). An integer becomes a
/// string. None for block scalars and values not written literally in the file.
pub fn prefix_scalar(project: &Project, value: &Value, prefix: &str) -> Option<Edit> {
    match &value.kind {
        Kind::Str(s) => {
            if matches!(s.style, ScalarStyle::Literal | ScalarStyle::Folded)
                || !prefix
                    .chars()
                    .all(|c| c.is_alphanumeric() || ".:[]".contains(c))
            {
                return None;
            }
            let base = s.raw_offset?;
            let file = file_of(project, &value.origin);
            let span = value.origin.span;
            if base < span.start || base > span.end {
                return None;
            }
            Some(edit(&file, Span::new(base, base), prefix))
        }
        Kind::Int(i) => replace_scalar(project, value, &format!("{prefix}{i}")),
        _ => None,
    }
}

/// A piece of the new text of a value rewritten by [`replace_pieces`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// New text.
    Text(String),
    /// Bytes of the old value's text, kept as the file writes them (`${HOST:-localhost}`
    /// stays a variable).
    Kept(Range<usize>),
}

impl Piece {
    /// The text of `pieces` when all of them are new text (nothing to keep from a file).
    pub fn all_text(pieces: &[Piece]) -> Option<String> {
        pieces
            .iter()
            .map(|p| match p {
                Piece::Text(t) => Some(t.as_str()),
                Piece::Kept(_) => None,
            })
            .collect()
    }
}

/// Replaces a whole string value by `pieces`. A value written with variables is rewritten in
/// its raw form when every variable of it lies in a kept piece and takes the default written
/// there: kept pieces are copied from the file, new text has each `$` written `$$`. A variable
/// set in `.env` or the shell, or an unset one without default, is never baked into the file:
/// such a value is edited only as [`replace_scalar`] allows (a value written whole as a
/// default is edited there).
pub fn replace_pieces(project: &Project, value: &Value, pieces: &[Piece]) -> Option<Edit> {
    let Kind::Str(s) = &value.kind else {
        return replace_scalar(project, value, &Piece::all_text(pieces)?);
    };
    let text: String = pieces
        .iter()
        .map(|p| match p {
            Piece::Text(t) => Some(t.as_str()),
            Piece::Kept(range) => s.text.get(range.clone()),
        })
        .collect::<Option<String>>()?;
    // A value with `$` in its raw text (a variable, a `$$`) is rewritten raw when it can be.
    match s.interpolation.as_deref() {
        Some(interp) => replace_raw(project, value, s, interp, pieces, &text)
            .or_else(|| replace_scalar(project, value, &text)),
        None => replace_scalar(project, value, &text),
    }
}

/// [`replace_pieces`] for a value with variables: its raw text, from its first byte (which
/// must be text, not a variable) to the end of its scalar, rebuilt from `pieces`, checked to
/// interpolate to `text` and to keep every variable.
fn replace_raw(
    project: &Project,
    value: &Value,
    s: &Str,
    interp: &Interpolated,
    pieces: &[Piece],
    text: &str,
) -> Option<Edit> {
    let only_defaults = interp
        .segments
        .iter()
        .all(|seg| matches!(seg.kind, SegmentKind::Literal { .. }));
    if !only_defaults {
        return None;
    }
    let base = s.raw_offset?;
    let file = file_of(project, &value.origin);
    // The value runs to the end of its scalar (a `KEY=value` item's value too).
    let quote = usize::from(s.style != ScalarStyle::Plain);
    let input = file
        .text()
        .get(base..value.origin.span.end.checked_sub(quote)?)?;
    let edge = |at: usize, first: bool| {
        if at == s.text.len() {
            Some(input.len())
        } else {
            cut(interp, at, first)
        }
    };
    let mut raw = String::new();
    let mut kept: Vec<Range<usize>> = Vec::new();
    for piece in pieces {
        match piece {
            Piece::Text(t) => raw.push_str(&t.replace('$', "$$")),
            Piece::Kept(range) => {
                let bytes = edge(range.start, true)?..edge(range.end, false)?;
                raw.push_str(input.get(bytes.clone())?);
                kept.push(bytes);
            }
        }
    }
    let every_default_kept = interp.segments.iter().all(|seg| match &seg.kind {
        SegmentKind::Literal {
            raw,
            default_of: Some(_),
        } => kept
            .iter()
            .any(|k| k.start <= raw.start && raw.end <= k.end),
        _ => true,
    });
    // Without variables nothing is taken from the budget.
    let means = interpolate(&raw, &NoVariables, &Budget::new(0)).is_ok_and(|i| i.text == text);
    if !every_default_kept || !means {
        return None;
    }
    let start = base + cut(interp, 0, true)?;
    let end = base + input.len();
    let content = match s.style {
        ScalarStyle::Plain => {
            let span = value.origin.span;
            let whole = format!(
                "{}{raw}{}",
                file.text().get(span.start..start)?,
                file.text().get(end..span.end)?
            );
            if plain_or_quoted(&whole) != whole {
                return None;
            }
            raw
        }
        ScalarStyle::SingleQuoted => raw.replace('\'', "''"),
        ScalarStyle::DoubleQuoted => escape_double(&raw),
        ScalarStyle::Literal | ScalarStyle::Folded => return None,
    };
    Some(edit(&file, Span::new(start, end), content))
}

/// The raw position (in the interpolation's input) of position `at` of the interpolated text,
/// where top-level text starts or ends there (never inside a `${...}`); `first` picks the
/// earliest of several (an empty expression between two pieces of text), else the latest.
fn cut(interp: &Interpolated, at: usize, first: bool) -> Option<usize> {
    let found = interp.segments.iter().filter_map(|seg| match &seg.kind {
        SegmentKind::Literal {
            raw,
            default_of: None,
        } if seg.text.start <= at && at <= seg.text.end => {
            if raw.len() == seg.text.len() {
                Some(raw.start + (at - seg.text.start))
            } else if at == seg.text.start {
                Some(raw.start)
            } else if at == seg.text.end {
                Some(raw.end)
            } else {
                None
            }
        }
        _ => None,
    });
    if first { found.min() } else { found.max() }
}

/// The entries of `map` written inside its own node (merged files add entries elsewhere).
fn own_entries(map_value: &Value) -> Vec<(&str, &Origin, &Value)> {
    let Some(map) = map_value.as_map() else {
        return Vec::new();
    };
    let o = &map_value.origin;
    map.iter()
        .filter(|(_, k, _)| {
            k.file == o.file && o.span.start <= k.span.start && k.span.end <= o.span.end
        })
        .collect()
}

fn is_flow(file: &SourceFile, value: &Value) -> bool {
    matches!(
        file.text().as_bytes().get(value.origin.span.start),
        Some(b'{' | b'[')
    )
}

/// Where a new line goes after the entries of a block collection: after the line of the last
/// entry's last byte (its trailing comment stays on it; comment lines after it stay below).
fn after_last(file: &SourceFile, end: Span) -> usize {
    next_line(file.text(), last_byte(end.start, end.end))
}

/// A line inserted at `at` (a line start, or the end of a file without final newline).
fn line_insert(file: &Arc<SourceFile>, at: usize, line: &str) -> Edit {
    let text = file.text();
    let nl = eol(text);
    if at == text.len() && !text.is_empty() && !ends_with_break(text) {
        edit(file, Span::at(at), format!("{nl}{line}"))
    } else {
        edit(file, Span::at(at), format!("{line}{nl}"))
    }
}

/// Inserts `text` before the closing bracket of a flow collection.
fn flow_insert(
    file: &Arc<SourceFile>,
    collection: &Value,
    empty: bool,
    item: &str,
) -> Option<Edit> {
    let close = collection.origin.span.end.checked_sub(1)?;
    let before = file.text()[..close].trim_end();
    let at = before.len();
    let content = if empty {
        item.to_string()
    } else {
        format!(", {item}")
    };
    Some(edit(file, Span::at(at), content))
}

/// Sets `key` to `value` in an `environment` block, in the form it uses: `KEY: value` in a
/// mapping, `- KEY=value` in a list, flow or block. An existing key gets its value replaced.
pub fn set_env(project: &Project, env: &Value, key: &str, value: &str) -> Option<Edit> {
    set_entry(project, env, key, value, '=')
}

/// Sets `key` in a keyed setting that may be written as a mapping or as a list of
/// `KEY<separator>value` items (`environment` with `=`, `extra_hosts` with `:`).
pub fn set_entry(
    project: &Project,
    env: &Value,
    key: &str,
    value: &str,
    separator: char,
) -> Option<Edit> {
    let map = env.as_map()?;
    if let Some(existing) = map.get(key) {
        if matches!(existing.kind, Kind::Null) {
            return None;
        }
        return replace_scalar(project, existing, value);
    }
    let file = file_of(project, &env.origin);
    let entry = if map.from_list {
        plain_or_quoted(&format!("{key}{separator}{value}"))
    } else {
        format!("{}: {}", plain_or_quoted(key), plain_or_quoted(value))
    };
    if is_flow(&file, env) {
        return flow_insert(&file, env, map.is_empty(), &entry);
    }
    let text = file.text();
    let entries = own_entries(env);
    let Some((_, first_key, _)) = entries.first() else {
        // Only merged entries (`<<: *defaults`): the new key goes below the merge key.
        let line = format!("{}{entry}", " ".repeat(column(text, env.origin.span.start)));
        return Some(line_insert(
            &file,
            after_last(&file, env.origin.span),
            &line,
        ));
    };
    let (_, last_key, last_value) = entries.last()?;
    let line = if map.from_list {
        let start = line_start(text, first_key.span.start);
        let item = &text[start..first_key.span.start];
        let dash = item.find('-')?;
        let gap = item[dash + 1..]
            .chars()
            .take_while(|c| *c == ' ')
            .count()
            .max(1);
        // Quote the new item as its siblings are quoted.
        let raw = format!("{key}{separator}{value}");
        let entry = match item.trim_end().chars().last() {
            Some('"') => format!("\"{}\"", escape_double(&raw)),
            Some('\'') => format!("'{}'", raw.replace('\'', "''")),
            _ => entry,
        };
        format!(
            "{}-{}{entry}",
            " ".repeat(column(text, start) + dash),
            " ".repeat(gap)
        )
    } else {
        format!("{}{entry}", " ".repeat(column(text, first_key.span.start)))
    };
    let end = last_value.origin.span.cover(last_key.span);
    Some(line_insert(&file, after_last(&file, end), &line))
}

/// Adds `key: value` (`value` already YAML, one line) at the end of a block or flow mapping,
/// at the indentation of its keys.
pub fn add_key(project: &Project, map_value: &Value, key: &str, value: &str) -> Option<Edit> {
    let map = map_value.as_map()?;
    if map.contains_key(key) {
        return None;
    }
    let file = file_of(project, &map_value.origin);
    let entry = format!("{key}: {value}");
    if is_flow(&file, map_value) {
        return flow_insert(&file, map_value, map.is_empty(), &entry);
    }
    let entries = own_entries(map_value);
    let (_, first_key, _) = entries.first()?;
    let (_, last_key, last_value) = entries.last()?;
    let line = format!(
        "{}{entry}",
        " ".repeat(column(file.text(), first_key.span.start))
    );
    Some(line_insert(
        &file,
        after_last(&file, last_value.origin.span.cover(last_key.span)),
        &line,
    ))
}

/// Sets `key` to `value` in a service's `environment`, in the form it uses ([`set_env`]), or
/// adds an `environment` mapping holding it when the service has none: a block mapping one
/// indentation step below the service's keys (the step the file uses), or a flow mapping in a
/// flow service.
pub fn set_service_env(project: &Project, service: &Value, key: &str, value: &str) -> Option<Edit> {
    if let Some(env) = service.get("environment") {
        return set_env(project, env, key, value);
    }
    let entry = format!("{}: {}", plain_or_quoted(key), plain_or_quoted(value));
    let file = file_of(project, &service.origin);
    if is_flow(&file, service) {
        return add_key(project, service, "environment", &format!("{{{entry}}}"));
    }
    add_block_key(project, service, "environment", &entry)
}

/// Adds `key:` at the end of a block mapping with `child` (one line, already YAML) below it,
/// one indentation step deeper: the step of the mapping's own nested blocks, else of the
/// mapping's keys under its parent, else two spaces.
pub fn add_block_key(project: &Project, map_value: &Value, key: &str, child: &str) -> Option<Edit> {
    let map = map_value.as_map()?;
    if map.contains_key(key) {
        return None;
    }
    let file = file_of(project, &map_value.origin);
    let text = file.text();
    let entries = own_entries(map_value);
    let (_, first_key, _) = entries.first()?;
    let (_, last_key, last_value) = entries.last()?;
    let indent = column(text, first_key.span.start);
    let step = indent_step(&file, &entries, indent).unwrap_or(2);
    let nl = eol(text);
    let lines = format!(
        "{}{key}:{nl}{}{child}",
        " ".repeat(indent),
        " ".repeat(indent + step)
    );
    Some(line_insert(
        &file,
        after_last(&file, last_value.origin.span.cover(last_key.span)),
        &lines,
    ))
}

/// The indentation step a block mapping's entries use: how much deeper the first nested block
/// mapping's keys (or a block sequence's dashes) sit than their key, else how much deeper the
/// mapping's keys sit than the line above them.
fn indent_step(
    file: &SourceFile,
    entries: &[(&str, &Origin, &Value)],
    indent: usize,
) -> Option<usize> {
    let text = file.text();
    let nested = entries.iter().find_map(|(_, key, value)| {
        if is_flow(file, value) || value.origin.file != key.file {
            return None;
        }
        let start = match &value.kind {
            Kind::Map(m) => m.iter().next().map(|(_, k, _)| k.span.start)?,
            Kind::Seq(items) => {
                let first = items.first()?;
                let line = line_start(text, first.origin.span.start);
                line + text[line..first.origin.span.start].rfind('-')?
            }
            _ => return None,
        };
        let child = column(text, start);
        (line_start(text, start) != line_start(text, key.span.start) && child > indent)
            .then(|| child - indent)
    });
    nested.or_else(|| {
        let line = line_start(text, entries.first()?.1.span.start);
        let above = line_start(text, line.checked_sub(1)?);
        let parent = text[above..line].len() - text[above..line].trim_start().len();
        (indent > parent).then(|| indent - parent)
    })
}

/// Appends `args` to a command: words at the end of a one-line string (without variables),
/// items at the end of a list, quoted as its first item is.
pub fn append_args(project: &Project, command: &Value, args: &[&str]) -> Option<Edit> {
    let file = file_of(project, &command.origin);
    let text = file.text();
    match &command.kind {
        Kind::Str(s) => {
            if s.interpolation.is_some() || s.text.contains(['\n', '\r']) {
                return None;
            }
            let span = command.origin.span;
            let written = text.get(span.start..span.end)?;
            let words = format!(" {}", args.join(" "));
            let at = match s.style {
                ScalarStyle::Plain => {
                    let whole = format!("{}{words}", s.text);
                    if plain_or_quoted(&whole) != whole || written != s.text {
                        return None;
                    }
                    span.end
                }
                ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => span.end.checked_sub(1)?,
                ScalarStyle::Literal | ScalarStyle::Folded => return None,
            };
            Some(edit(&file, Span::at(at), words))
        }
        Kind::Seq(items) => {
            let quote = items
                .first()
                .and_then(|i| text.get(i.origin.span.start..i.origin.span.start + 1))
                .and_then(|c| c.chars().next())
                .filter(|c| *c == '"' || *c == '\'');
            let item = |a: &str| match quote {
                Some('"') => format!("\"{}\"", escape_double(a)),
                Some(_) => format!("'{}'", a.replace('\'', "''")),
                None => plain_or_quoted(a),
            };
            if is_flow(&file, command) {
                let joined: Vec<String> = args.iter().map(|a| item(a)).collect();
                return flow_insert(&file, command, items.is_empty(), &joined.join(", "));
            }
            let mine: Vec<&Value> = items
                .iter()
                .filter(|v| v.origin.file == command.origin.file)
                .collect();
            let (first, last) = (mine.first()?, mine.last()?);
            let start = line_start(text, first.origin.span.start);
            let prefix = &text[start..first.origin.span.start];
            let dash = prefix.rfind('-')?;
            let indent = " ".repeat(column(text, start + dash));
            let gap = &prefix[dash + 1..];
            let lines: Vec<String> = args
                .iter()
                .map(|a| format!("{indent}-{gap}{}", item(a)))
                .collect();
            Some(line_insert(
                &file,
                after_last(&file, last.origin.span),
                &lines.join(eol(text)),
            ))
        }
        _ => None,
    }
}

/// Appends `item` (already YAML, one line) to a sequence, with the dash column and spacing of
/// its items, or inside the brackets of a flow sequence.
pub fn add_item(project: &Project, seq_value: &Value, item: &str) -> Option<Edit> {
    let items = seq_value.as_seq()?;
    let file = file_of(project, &seq_value.origin);
    if is_flow(&file, seq_value) {
        return flow_insert(&file, seq_value, items.is_empty(), item);
    }
    let mine: Vec<&Value> = items
        .iter()
        .filter(|v| v.origin.file == seq_value.origin.file)
        .collect();
    let first = mine.first()?;
    let last = mine.last()?;
    let text = file.text();
    let start = line_start(text, first.origin.span.start);
    let prefix = &text[start..first.origin.span.start];
    let dash = prefix.rfind('-')?;
    let indent = " ".repeat(column(text, start + dash));
    let line = format!("{indent}-{}{item}", &prefix[dash + 1..]);
    Some(line_insert(
        &file,
        after_last(&file, last.origin.span),
        &line,
    ))
}

/// The lines `from..to` (line starts) widened to take the comment lines right above that are
/// indented like the entry: the entry's own comment, not its neighbours'.
fn with_own_comments(text: &str, from: usize, indent: usize) -> usize {
    let mut start = from;
    while start > 0 {
        let prev = line_start(text, start - 1);
        if !is_comment_line(text, prev)
            || column(text, prev + text[prev..].find('#').unwrap_or(0)) != indent
        {
            break;
        }
        start = prev;
    }
    start
}

/// Removes `key` and its value, with its own comment lines and trailing comment.
pub fn remove_key(project: &Project, map_value: &Value, key: &str) -> Option<Edit> {
    let (key_origin, value) = map_value.as_map()?.entry(key)?;
    let file = file_of(project, key_origin);
    let text = file.text();
    if is_flow(&file, map_value) {
        return remove_flow(&file, key_origin.span.cover(value.origin.span));
    }
    let from = line_start(text, key_origin.span.start);
    let from = with_own_comments(text, from, column(text, key_origin.span.start));
    let to = next_line(
        text,
        last_byte(
            value.origin.span.start,
            value.origin.span.end.max(key_origin.span.end),
        ),
    );
    Some(edit(&file, whole_lines(text, from, to), ""))
}

/// Renames `key` of a mapping (or of a `KEY=value` list) to `new_key`, keeping its value and
/// quoting: only the key's bytes change. None when the key is not written literally (an escape,
/// a variable), or when `new_key` is already a key of the mapping or needs quoting.
pub fn rename_key(project: &Project, map_value: &Value, key: &str, new_key: &str) -> Option<Edit> {
    let map = map_value.as_map()?;
    if map.contains_key(new_key) || plain_or_quoted(new_key) != new_key {
        return None;
    }
    let (key_origin, _) = map.entry(key)?;
    let file = file_of(project, key_origin);
    let span = key_origin.span;
    let written = file.text().get(span.start..span.end)?;
    // The key's own bytes: a plain key, a quoted key without escapes, or a list item's key
    // with the spaces before `=`.
    let inner = written.trim_end();
    let inner = ["\"", "'"]
        .iter()
        .find_map(|q| inner.strip_prefix(q)?.strip_suffix(q))
        .unwrap_or(inner);
    if inner != key {
        return None;
    }
    let start = span.start + written.find(key)?;
    Some(edit(&file, Span::new(start, start + key.len()), new_key))
}

/// Removes item `index` of a sequence, with its own comment lines and trailing comment.
pub fn remove_item(project: &Project, seq_value: &Value, index: usize) -> Option<Edit> {
    let item = seq_value.as_seq()?.get(index)?;
    let file = file_of(project, &item.origin);
    let text = file.text();
    if is_flow(&file, seq_value) {
        return remove_flow(&file, item.origin.span);
    }
    let line = line_start(text, item.origin.span.start);
    let dash = line + text[line..item.origin.span.start].rfind('-')?;
    let from = with_own_comments(text, line, column(text, dash));
    let to = next_line(
        text,
        last_byte(item.origin.span.start, item.origin.span.end),
    );
    Some(edit(&file, whole_lines(text, from, to), ""))
}

/// The lines `from..to` to delete; when they end the file without a final newline, the line
/// break before them goes too, so the file keeps ending without one.
fn whole_lines(text: &str, from: usize, to: usize) -> Span {
    if to == text.len() && !ends_with_break(text) && from > 0 {
        let from = if text[..from].ends_with("\r\n") {
            from - 2
        } else {
            from - 1
        };
        return Span::new(from, to);
    }
    Span::new(from, to)
}

/// Removes one element of a flow collection with the comma that separates it.
fn remove_flow(file: &Arc<SourceFile>, span: Span) -> Option<Edit> {
    let text = file.text();
    let after = &text[span.end..];
    let trailing = after.len() - after.trim_start().len();
    if after.trim_start().starts_with(',') {
        let comma = span.end + trailing + 1;
        let spaces = text[comma..].len() - text[comma..].trim_start_matches(' ').len();
        return Some(edit(file, Span::new(span.start, comma + spaces), ""));
    }
    let before = text[..span.start].trim_end();
    if before.ends_with(',') {
        return Some(edit(file, Span::new(before.len() - 1, span.end), ""));
    }
    Some(edit(file, span, ""))
}

/// The services whose model holds a value written at the same place as `value` (an anchor
/// merged or aliased into several services): a fix there changes all of them.
pub fn services_sharing(project: &Project, value: &Value) -> Vec<String> {
    project
        .services_holding(&value.origin)
        .into_iter()
        .map(str::to_string)
        .collect()
}

/// The edit that maps `host.docker.internal` to the host's gateway for `service`, which Docker
/// Engine on Linux needs (NET004) once a fix points the service at the host (NET002, KAF001):
/// an entry in its `extra_hosts`, in the form that uses, or a new `extra_hosts` key.
/// `Some(None)` when the name is mapped already; None when the edit cannot be made.
pub fn map_host_gateway(project: &Project, service: &Value) -> Option<Option<Edit>> {
    let mapped = service
        .get("extra_hosts")
        .and_then(Value::as_map)
        .is_some_and(|m| {
            m.iter()
                .any(|(k, _, _)| k.eq_ignore_ascii_case("host.docker.internal"))
        });
    if mapped {
        return Some(None);
    }
    let edit = match service.get("extra_hosts") {
        Some(existing) => set_entry(
            project,
            existing,
            "host.docker.internal",
            "host-gateway",
            ':',
        )?,
        None => add_key(
            project,
            service,
            "extra_hosts",
            "[\"host.docker.internal:host-gateway\"]",
        )?,
    };
    Some(Some(edit))
}
