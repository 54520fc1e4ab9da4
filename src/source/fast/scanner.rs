//! Reading the text: the screen for characters the fast path leaves to granit, byte classes, and
//! the cursor's moves over spaces, line breaks, blank lines and comments.

use super::{Fast, Next, Parser, bail};
use crate::source::tree::{Comment, Span};

/// Most consecutive comments accepted: granit buffers comments while it resolves some entries
/// and fails beyond 96, so stay well below.
const MAX_COMMENT_RUN: usize = 64;

/// Offset where the YAML starts (after a BOM), or `None` when the text holds characters whose
/// handling the fast path leaves to granit: tabs, lone carriage returns, other control
/// characters, Unicode line and paragraph separators, non-characters and BOMs inside the text.
pub(super) fn prescan(text: &str) -> Fast<usize> {
    // Node ids are 32 bits.
    ensure!(u32::try_from(text.len()).is_ok());
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let body = text.get(start..)?;
    if is_plain_ascii(body.as_bytes()) {
        return Some(start);
    }
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => {}
            '\r' => ensure!(chars.peek() == Some(&'\n')),
            '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}' => return bail(),
            c if c.is_control() => return bail(),
            _ => {}
        }
    }
    Some(start)
}

/// True when every byte is printable ASCII or `\n`: the common case, checked a block at a
/// time without branches so that the compiler vectorizes it.
fn is_plain_ascii(bytes: &[u8]) -> bool {
    bytes.chunks(64).all(|block| {
        block.iter().fold(true, |ok, &b| {
            ok & ((b == b'\n') | (b.wrapping_sub(b' ') < 95))
        })
    })
}

/// True for a line break byte (a `\r` is always followed by `\n`, see [`prescan`]).
pub(super) fn is_break(b: u8) -> bool {
    b == b'\n' || b == b'\r'
}

/// True at a line break or the end of the text (read as 0).
pub(super) fn is_end(b: u8) -> bool {
    is_break(b) || b == 0
}

/// True for a space, a line break or the end of the text: what must follow `-`, `:` and
/// properties in block context.
pub(super) fn is_sep(b: u8) -> bool {
    b == b' ' || is_end(b)
}

/// True for the flow indicators `,[]{}`.
pub(super) fn is_flow_indicator(b: u8) -> bool {
    matches!(b, b',' | b'[' | b']' | b'{' | b'}')
}

/// True for a byte that may appear in the anchor and alias names the fast path accepts.
pub(super) fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

impl<'a> Parser<'a> {
    // ----- the cursor -----

    /// The byte at `i`, or 0 past the end (the text holds no NUL, see [`prescan`]).
    pub(super) fn at(&self, i: usize) -> u8 {
        self.bytes.get(i).copied().unwrap_or(0)
    }

    /// The byte under the cursor.
    pub(super) fn peek(&self) -> u8 {
        self.at(self.pos)
    }

    /// The cursor's column in bytes (block indentation is made of ASCII spaces and `- `).
    pub(super) fn column(&self) -> usize {
        self.pos.saturating_sub(self.line_start)
    }

    /// `text[start..end]`, or a bail-out if that is not a slice (it always is).
    pub(super) fn slice(&self, start: usize, end: usize) -> Fast<&'a str> {
        self.text.get(start..end)
    }

    /// Skips spaces and returns how many.
    pub(super) fn skip_spaces(&mut self) -> usize {
        let start = self.pos;
        while self.peek() == b' ' {
            self.pos += 1;
        }
        self.pos - start
    }

    /// Moves past the line break under the cursor (if any) to the start of the next line.
    pub(super) fn line_break(&mut self) {
        match self.peek() {
            b'\r' => self.pos += 2,
            b'\n' => self.pos += 1,
            _ => return,
        }
        self.line_start = self.pos;
    }

    /// Moves to the end of the line (its line break or the end of the text).
    pub(super) fn skip_to_eol(&mut self) {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        self.pos += rest.iter().position(|&b| is_break(b)).unwrap_or(rest.len());
    }

    /// True at `-` followed by a space or line end: a block sequence entry.
    pub(super) fn at_dash(&self) -> bool {
        self.peek() == b'-' && is_sep(self.at(self.pos + 1))
    }

    /// True at a `---` or `...` marker line (only at column 0).
    pub(super) fn at_document_marker(&self) -> bool {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        self.column() == 0
            && (rest.starts_with(b"---") || rest.starts_with(b"..."))
            && is_sep(self.at(self.pos + 3))
    }

    // ----- lines and comments -----

    /// Records the comment under the cursor (`#` to the end of the line).
    pub(super) fn comment(&mut self, trailing: bool) -> Fast<()> {
        let start = self.pos;
        self.skip_to_eol();
        self.doc.comments.push(Comment {
            span: Span::new(start, self.pos),
            trailing,
        });
        self.comment_run += 1;
        ensure!(self.comment_run <= MAX_COMMENT_RUN);
        Some(())
    }

    /// Finishes a line after its content: spaces, an optional trailing comment, the line break.
    /// Returns where the line's content ended (its line break or the end of the text); bails on
    /// anything else left on the line.
    pub(super) fn end_of_line(&mut self) -> Fast<usize> {
        self.skip_spaces();
        if self.peek() == b'#' {
            ensure!(self.pos > 0 && self.at(self.pos - 1) == b' ');
            self.comment(true)?;
        }
        ensure!(is_end(self.peek()));
        let eol = self.pos;
        self.line_break();
        Some(eol)
    }

    /// From a line start, skips blank and comment lines; leaves the cursor on the first
    /// character of the next content line and returns its indentation (`None` at the end).
    pub(super) fn trivia(&mut self) -> Fast<Next> {
        loop {
            let indent = self.skip_spaces();
            match self.peek() {
                0 if self.pos >= self.bytes.len() => return Some(None),
                b'\n' | b'\r' => self.line_break(),
                b'#' => {
                    self.comment(false)?;
                    self.line_break();
                }
                _ => {
                    self.comment_run = 0;
                    return Some(Some(indent));
                }
            }
        }
    }

    /// [`Self::trivia`], bailing on document markers: the fast path reads one document.
    pub(super) fn next_line(&mut self) -> Fast<Next> {
        let next = self.trivia()?;
        ensure!(!self.at_document_marker());
        Some(next)
    }

    /// After a block value whose parent has indentation `parent`: the next content line may not
    /// be indented deeper (that would be an error or a construct the fast path leaves alone).
    pub(super) fn dedent(next: Next, parent: usize) -> Fast<Next> {
        ensure!(next.is_none_or(|indent| indent <= parent));
        Some(next)
    }
}
