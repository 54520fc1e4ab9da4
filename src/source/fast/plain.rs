//! Plain scalars: where one may start (in block or flow context), one line of a block one, and
//! its continuation over more-indented lines.

use super::scanner::{is_break, is_end, is_flow_indicator, is_sep};
use super::{Fast, Parser, bail};
use crate::source::tree::Span;

/// Why a plain scalar's line ended.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Stop {
    /// At a line break or the end of the text.
    Eol,
    /// Before ` #`.
    Comment,
    /// At a `:` followed by a space or line end: the scalar was a key.
    Colon,
}

impl Parser<'_> {
    /// True when a plain scalar may start under the cursor: not at an indicator (`-` is fine
    /// before a non-space, as in `-Xmx1g`; `?` and `:` are left to granit).
    pub(super) fn plain_starts_here(&self, flow: bool) -> bool {
        match self.peek() {
            b'-' => {
                let next = self.at(self.pos + 1);
                !(is_sep(next) || (flow && is_flow_indicator(next)))
            }
            b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|'
            | b'>' | b'\'' | b'"' | b'%' | b'@' | b'`' | b' ' => false,
            c => !is_end(c),
        }
    }

    /// One line of a block plain scalar from the cursor: returns its trimmed range and why it
    /// ended, with the cursor at the stop (the line end, the space before `#`, or the `:`).
    pub(super) fn plain_line(&mut self) -> (usize, usize, Stop) {
        let start = self.pos;
        let mut end = start;
        loop {
            match self.peek() {
                b'\n' | b'\r' | 0 => return (start, end, Stop::Eol),
                b' ' if self.at(self.pos + 1) == b'#' => return (start, end, Stop::Comment),
                b' ' => self.pos += 1,
                b':' if is_sep(self.at(self.pos + 1)) => return (start, end, Stop::Colon),
                _ => {
                    self.pos += 1;
                    end = self.pos;
                }
            }
        }
    }

    /// Continues a plain scalar `text[start..end]` over more-indented lines (folded: one line
    /// break reads as a space, each blank line as a newline). A line starting with an indicator
    /// (as a plain scalar could not) is not taken, conservatively. The cursor ends at the end of
    /// the last line taken, before its line break or comment.
    pub(super) fn plain_continuation(
        &mut self,
        parent: usize,
        start: usize,
        end: usize,
    ) -> Fast<(String, Span)> {
        let mut value: Option<String> = None;
        let mut end = end;
        loop {
            let (line_end, line_start) = (self.pos, self.line_start);
            let mut blanks = 0;
            self.line_break();
            let indent = loop {
                let indent = self.skip_spaces();
                if !is_break(self.peek()) {
                    break indent;
                }
                blanks += 1;
                self.line_break();
            };
            if self.peek() == 0 || indent <= parent || !self.plain_starts_here(false) {
                self.pos = line_end;
                self.line_start = line_start;
                break;
            }
            let (s, e, stop) = self.plain_line();
            ensure!(stop != Stop::Colon);
            let first = self.slice(start, end)?;
            let v = value.get_or_insert_with(|| first.to_owned());
            if blanks == 0 {
                v.push(' ');
            }
            for _ in 0..blanks {
                v.push('\n');
            }
            v.push_str(self.slice(s, e)?);
            end = e;
            if stop == Stop::Comment {
                break;
            }
        }
        let value = match value {
            Some(v) => v,
            None => self.slice(start, end)?.to_owned(),
        };
        Some((value, Span::new(start, end)))
    }
}
