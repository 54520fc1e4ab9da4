//! Single- and double-quoted scalars: escapes and line folding.

use super::scanner::{is_break, is_end};
use super::{Fast, Parser, bail};
use crate::source::tree::{ScalarStyle, Span};

impl Parser<'_> {
    /// A single- or double-quoted scalar from the cursor (on the quote); continuation lines must
    /// be indented deeper than `parent` (`usize::MAX`: the scalar must fit on its line).
    /// Returns the value, style and span (quotes included), the cursor after the closing quote.
    pub(super) fn quoted(&mut self, parent: usize) -> Fast<(String, ScalarStyle, Span)> {
        let open = self.pos;
        let double = self.peek() == b'"';
        self.pos += 1;
        if let Some(value) = self.quoted_simple(double) {
            return Some((value, style_of(double), Span::new(open, self.pos)));
        }
        let mut out = String::new();
        // Output bytes that line folding may not trim (escapes).
        let mut kept = 0;
        loop {
            let chunk = self.pos;
            while !matches!(self.peek(), b'"' | b'\'' | b'\\' | b'\n' | b'\r' | 0) {
                self.pos += 1;
            }
            out.push_str(self.slice(chunk, self.pos)?);
            match self.peek() {
                b'\'' if !double && self.at(self.pos + 1) == b'\'' => {
                    out.push('\'');
                    self.pos += 2;
                    kept = out.len();
                }
                b'\'' if !double => break,
                b'"' if double => break,
                b'\\' if double => {
                    self.escape(&mut out, parent)?;
                    kept = out.len();
                }
                b'\'' | b'"' | b'\\' => {
                    out.push(char::from(self.peek()));
                    self.pos += 1;
                }
                b'\n' | b'\r' => {
                    out.truncate(out.trim_end_matches(' ').len().max(kept));
                    self.fold_quoted(&mut out, parent)?;
                    kept = out.len();
                }
                _ => return bail(),
            }
        }
        self.pos += 1;
        Some((out, style_of(double), Span::new(open, self.pos)))
    }

    /// The common quoted scalar: on one line, without escapes. Consumes it (closing quote
    /// included) and returns its value; otherwise leaves the cursor alone.
    fn quoted_simple(&mut self, double: bool) -> Option<String> {
        let quote = if double { b'"' } else { b'\'' };
        let rest = self.bytes.get(self.pos..)?;
        let len = rest
            .iter()
            .position(|&b| b == quote || b == b'\\' || is_break(b))?;
        let closed = rest.get(len) == Some(&quote);
        let doubled = !double && rest.get(len + 1) == Some(&b'\'');
        if !closed || doubled {
            return None;
        }
        let value = self.text.get(self.pos..self.pos + len)?.to_owned();
        self.pos += len + 1;
        Some(value)
    }

    /// A double-quoted escape under the cursor (on the backslash), appended to `out`. An
    /// escaped line break joins the next line without a space.
    fn escape(&mut self, out: &mut String, parent: usize) -> Fast<()> {
        let code = self.at(self.pos + 1);
        self.pos += 2;
        let c = match code {
            b'0' => '\0',
            b'a' => '\x07',
            b'b' => '\x08',
            b't' => '\t',
            b'n' => '\n',
            b'v' => '\x0b',
            b'f' => '\x0c',
            b'r' => '\r',
            b'e' => '\x1b',
            b' ' => ' ',
            b'"' => '"',
            b'/' => '/',
            b'\\' => '\\',
            b'N' => '\u{85}',
            b'_' => '\u{a0}',
            b'L' => '\u{2028}',
            b'P' => '\u{2029}',
            b'x' => self.hex(2)?,
            b'u' => self.hex(4)?,
            b'U' => self.hex(8)?,
            b'\n' | b'\r' => {
                self.pos -= 1;
                self.line_break();
                let indent = self.skip_spaces();
                ensure!(indent > parent && !is_end(self.peek()));
                return Some(());
            }
            _ => return bail(),
        };
        out.push(c);
        Some(())
    }

    /// `digits` hex digits under the cursor as a character.
    fn hex(&mut self, digits: usize) -> Fast<char> {
        let hex = self.slice(self.pos, self.pos + digits)?;
        ensure!(hex.bytes().all(|b| b.is_ascii_hexdigit()));
        self.pos += digits;
        char::from_u32(u32::from_str_radix(hex, 16).ok()?)
    }

    /// A line break inside a quoted scalar (trailing spaces already trimmed): one break reads as
    /// a space, blank lines as newlines; the next line's indentation is skipped.
    fn fold_quoted(&mut self, out: &mut String, parent: usize) -> Fast<()> {
        let mut breaks = 0;
        loop {
            self.line_break();
            breaks += 1;
            let indent = self.skip_spaces();
            if !is_break(self.peek()) {
                ensure!(indent > parent && self.peek() != 0);
                break;
            }
        }
        if breaks == 1 {
            out.push(' ');
        }
        for _ in 1..breaks {
            out.push('\n');
        }
        Some(())
    }
}

/// The style of a quoted scalar.
fn style_of(double: bool) -> ScalarStyle {
    if double {
        ScalarStyle::DoubleQuoted
    } else {
        ScalarStyle::SingleQuoted
    }
}
