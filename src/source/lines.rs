//! What a line break is, once for the whole crate: CR, LF or CRLF, as YAML 1.2 says (§5.4).
//!
//! The parser breaks lines there, so the line index, the fix builders and everything that
//! counts lines must too: a file with lone-CR line endings is many lines, not one.

/// True for the bytes that end a line (`\r`, `\n`).
pub fn is_break(b: u8) -> bool {
    b == b'\r' || b == b'\n'
}

/// Offsets at which a line starts after the first: just past every CR, LF or CRLF.
pub fn break_ends(text: &str) -> impl Iterator<Item = usize> + '_ {
    let bytes = text.as_bytes();
    memchr::memchr2_iter(b'\r', b'\n', bytes).filter_map(move |i| {
        // The CR of a CRLF is not a break on its own: the LF after it ends the line.
        (bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n')).then_some(i + 1)
    })
}

/// Offset of the start of the line holding `offset` (a line break belongs to the line it
/// ends, both bytes of a CRLF included).
pub fn line_start(text: &str, offset: usize) -> usize {
    let bytes = text.as_bytes();
    let mut at = offset.min(text.len());
    if at > 0 && bytes.get(at) == Some(&b'\n') && bytes[at - 1] == b'\r' {
        at -= 1;
    }
    memchr::memrchr2(b'\r', b'\n', &bytes[..at]).map_or(0, |i| i + 1)
}

/// Offset of the line break ending the line holding `offset`, or the end of the text when
/// that line has none.
pub fn line_end(text: &str, offset: usize) -> usize {
    let bytes = text.as_bytes();
    let at = offset.min(text.len());
    if at > 0 && bytes.get(at) == Some(&b'\n') && bytes[at - 1] == b'\r' {
        return at - 1;
    }
    memchr::memchr2(b'\r', b'\n', &bytes[at..]).map_or(text.len(), |i| at + i)
}

/// Offset just past the line break ending the line holding `offset`, or the end of the text
/// when that line has none.
pub fn next_line(text: &str, offset: usize) -> usize {
    let end = line_end(text, offset);
    end + break_len(&text[end..])
}

/// The length of the line break `rest` starts with: 2 for CRLF, 1 for CR or LF, else 0.
pub fn break_len(rest: &str) -> usize {
    match rest.as_bytes() {
        [b'\r', b'\n', ..] => 2,
        [b'\r' | b'\n', ..] => 1,
        _ => 0,
    }
}

/// The file's line ending, as its first line break is written (`\n` when it has none).
pub fn eol(text: &str) -> &'static str {
    let end = line_end(text, 0);
    match &text.as_bytes()[end..] {
        [b'\r', b'\n', ..] => "\r\n",
        [b'\r', ..] => "\r",
        _ => "\n",
    }
}

/// True when the text ends with a line break.
pub fn ends_with_break(text: &str) -> bool {
    text.as_bytes().last().is_some_and(|b| is_break(*b))
}

/// True when the text holds a CR that is not part of a CRLF: a line ending that `patch` and
/// most diff tools do not take for one.
pub fn has_lone_cr(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'\r', bytes).any(|i| bytes.get(i + 1) != Some(&b'\n'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cr_lf_and_crlf_each_end_a_line() {
        let text = "a\rb\nc\r\nd";
        assert_eq!(break_ends(text).collect::<Vec<_>>(), [2, 4, 7]);
        assert_eq!(line_start(text, 2), 2);
        assert_eq!(line_start(text, 1), 0);
        assert_eq!(line_start(text, 6), 4, "the LF of a CRLF ends line c");
        assert_eq!(line_start(text, 5), 4);
        assert_eq!(line_end(text, 4), 5);
        assert_eq!(line_end(text, 6), 5);
        assert_eq!(next_line(text, 0), 2);
        assert_eq!(next_line(text, 4), 7);
        assert_eq!(next_line(text, 7), text.len());
        assert_eq!(eol(text), "\r");
        assert_eq!(eol("a\r\nb\n"), "\r\n");
        assert_eq!(eol("a"), "\n");
        assert!(has_lone_cr(text));
        assert!(!has_lone_cr("a\r\nb\n"));
        assert!(ends_with_break("a\r"));
    }
}
