//! LSP positions (line, character) ↔ byte offsets. The client counts `character` in UTF-16
//! code units unless both sides agree on UTF-8 (`positionEncoding`); lines break where the
//! rest of the crate breaks them ([`crate::source::lines`]): CR, LF and CRLF.

use crate::source::{LineIndex, Span, lines};
use lsp_types::{ClientCapabilities, Position, PositionEncodingKind, Range};

/// What a position's `character` counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Encoding {
    /// Bytes of UTF-8.
    Utf8,
    /// UTF-16 code units (the protocol's default).
    Utf16,
}

impl Encoding {
    /// UTF-8 when the client offers it (no conversion needed), else UTF-16, which every
    /// client understands.
    pub(super) fn negotiate(capabilities: &ClientCapabilities) -> Self {
        let offered = capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref());
        if offered.is_some_and(|kinds| kinds.contains(&PositionEncodingKind::UTF8)) {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        }
    }

    /// The kind to announce in the server's capabilities.
    pub(super) fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }

    fn width(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
        }
    }
}

/// A text with its line starts, to convert positions in both directions.
pub(super) struct Positions<'a> {
    text: &'a str,
    lines: std::borrow::Cow<'a, LineIndex>,
    encoding: Encoding,
}

impl<'a> Positions<'a> {
    /// Converts for `text`, indexing its lines.
    pub(super) fn new(text: &'a str, encoding: Encoding) -> Self {
        Positions {
            text,
            lines: std::borrow::Cow::Owned(LineIndex::new(text)),
            encoding,
        }
    }

    /// Converts for `text` with its line index already built (a loaded file's).
    pub(super) fn indexed(text: &'a str, lines: &'a LineIndex, encoding: Encoding) -> Self {
        Positions {
            text,
            lines: std::borrow::Cow::Borrowed(lines),
            encoding,
        }
    }

    /// The position of a byte offset (clamped to the text and to a char boundary).
    pub(super) fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let start = lines::line_start(self.text, offset);
        let line = self.lines.line_col(self.text, start).line - 1;
        let character: usize = self.text[start..offset]
            .chars()
            .map(|c| self.encoding.width(c))
            .sum();
        Position::new(line as u32, character as u32)
    }

    /// The range of a span.
    pub(super) fn range(&self, span: Span) -> Range {
        Range::new(self.position(span.start), self.position(span.end))
    }

    /// The byte offset of a position: a line past the end is the end of the text, a
    /// character past the end of its line is the end of the line, one inside a character
    /// (half of a surrogate pair) is the start of that character.
    pub(super) fn offset(&self, position: Position) -> usize {
        let Some(start) = self.lines.line_start(position.line as usize + 1) else {
            return self.text.len();
        };
        let end = lines::line_end(self.text, start);
        let mut units = 0;
        for (i, c) in self.text[start..end].char_indices() {
            let next = units + self.encoding.width(c);
            if next > position.character as usize {
                return start + i;
            }
            units = next;
        }
        end
    }

    /// The byte span of a range.
    pub(super) fn span(&self, range: Range) -> Span {
        let start = self.offset(range.start);
        Span::new(start, self.offset(range.end).max(start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_counts_an_emoji_as_two_units_and_utf8_as_four_bytes() {
        let text = "# 🚀 é\r\nkafka:\r  host: localhost:2181\n";
        let host = text.find("localhost").unwrap();
        let utf16 = Positions::new(text, Encoding::Utf16);
        assert_eq!(utf16.position(host), Position::new(2, 8));
        assert_eq!(utf16.offset(Position::new(2, 8)), host);
        let e = text.find('é').unwrap();
        // `#`, space, the rocket (2 units), space.
        assert_eq!(utf16.position(e), Position::new(0, 5));
        assert_eq!(utf16.offset(Position::new(0, 5)), e);
        // Inside the surrogate pair: the start of the rocket.
        assert_eq!(utf16.offset(Position::new(0, 3)), 2);
        let utf8 = Positions::new(text, Encoding::Utf8);
        assert_eq!(utf8.position(e), Position::new(0, 7));
        assert_eq!(utf8.offset(Position::new(0, 7)), e);
        // Past the end of a line, and of the text.
        assert_eq!(utf16.offset(Position::new(0, 99)), text.find('\r').unwrap());
        assert_eq!(utf16.offset(Position::new(9, 0)), text.len());
        // The CRLF's LF, and the lone CR, end their lines.
        assert_eq!(utf16.position(text.find('k').unwrap()), Position::new(1, 0));
        assert_eq!(utf16.position(text.len()), Position::new(3, 0));
    }

    #[test]
    fn the_client_chooses_the_encoding() {
        let mut capabilities = ClientCapabilities::default();
        assert_eq!(Encoding::negotiate(&capabilities), Encoding::Utf16);
        capabilities.general = Some(lsp_types::GeneralClientCapabilities {
            position_encodings: Some(vec![
                PositionEncodingKind::UTF16,
                PositionEncodingKind::UTF8,
            ]),
            ..Default::default()
        });
        assert_eq!(Encoding::negotiate(&capabilities), Encoding::Utf8);
    }
}
