//! Line arithmetic on a file's text: where lines start and end, indentation, line endings.

/// The file's line ending: `\r\n` when its first line ends so, else `\n`.
pub(super) fn eol(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// Offset of the start of the line holding `offset`.
pub(super) fn line_start(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1)
}

/// Offset just past the line break ending the line holding `offset`, or the end of the text
/// when that line has no break.
pub(super) fn next_line(text: &str, offset: usize) -> usize {
    text[offset.min(text.len())..]
        .find('\n')
        .map_or(text.len(), |i| offset + i + 1)
}

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
