//! Line arithmetic on a file's text: where lines start and end, indentation, line endings.
//! A line break is CR, LF or CRLF, as everywhere in the crate ([`crate::source::lines`]).

pub(super) use crate::source::lines::{ends_with_break, eol, line_start, next_line};

/// The column (in bytes) of `offset` on its line, ignoring a BOM at the start of the file.
pub(super) fn column(text: &str, offset: usize) -> usize {
    let start = line_start(text, offset);
    let prefix = &text[start..offset];
    prefix.strip_prefix('\u{feff}').unwrap_or(prefix).len()
}

/// The last byte that belongs to a span ending at `end` (a block scalar's span ends after its
/// final line break, which belongs to its last line).
pub(super) fn last_byte(start: usize, end: usize) -> usize {
    if end > start { end - 1 } else { end }
}

/// True when the line holding `offset` holds only blanks and a comment.
pub(super) fn is_comment_line(text: &str, offset: usize) -> bool {
    let start = line_start(text, offset);
    let end = next_line(text, offset);
    text[start..end].trim_start().starts_with('#')
}
