//! Block scalars: `|` literal and `>` folded, with clip or strip chomping.

use super::props::Props;
use super::scanner::is_sep;
use super::{Fast, Next, Parser, bail};
use crate::source::tree::{NodeId, ScalarStyle, Span};

impl<'a> Parser<'a> {
    /// A `|` or `>` block scalar (the cursor on the indicator) in a block of indentation
    /// `parent`. Clip and strip chomping; the content indentation is that of the first
    /// non-blank line. The span runs from the first content character to the start of the
    /// line that ends the scalar (the rule of `parse.rs`).
    pub(super) fn block_scalar(
        &mut self,
        parent: usize,
        props: &Props<'a>,
    ) -> Fast<(NodeId, Next)> {
        let literal = self.peek() == b'|';
        self.pos += 1;
        let strip = self.peek() == b'-';
        if strip {
            self.pos += 1;
        }
        ensure!(is_sep(self.peek()));
        self.end_of_line()?;
        let mut value = String::new();
        let mut widest_blank = 0;
        let indent = loop {
            let indent = self.skip_spaces();
            match self.peek() {
                b'\n' | b'\r' => {
                    widest_blank = widest_blank.max(indent);
                    value.push('\n');
                    self.line_break();
                }
                0 => return bail(),
                _ => break indent,
            }
        };
        ensure!(indent > parent && widest_blank <= indent);
        let start = self.pos;
        let end = self.block_lines(&mut value, indent, literal)?;
        if !strip {
            value.push('\n');
        }
        let style = if literal {
            ScalarStyle::Literal
        } else {
            ScalarStyle::Folded
        };
        let node = self.push_scalar(value, style, Span::new(start, end), props);
        let next = self.next_line()?;
        Some((node, Self::dedent(next, parent)?))
    }

    /// The content lines of a block scalar, the cursor on the first one's content: appends them
    /// to `value` (literal: line breaks kept; folded: a single break between two lines that do
    /// not start with a space reads as a space, as in granit) and
    /// returns the span end. Leaves the cursor at the start of the line that ends the scalar.
    fn block_lines(&mut self, value: &mut String, indent: usize, literal: bool) -> Fast<usize> {
        // Whether the previous content line started with a space ("more indented"): folding
        // joins only lines that do not.
        let mut spaced: Option<bool> = None;
        let mut blanks = 0;
        loop {
            let start = self.pos;
            let this_spaced = self.peek() == b' ';
            self.skip_to_eol();
            if let Some(prev_spaced) = spaced {
                let folds = !literal && !prev_spaced && !this_spaced;
                let breaks = if folds { blanks } else { blanks + 1 };
                if breaks == 0 {
                    value.push(' ');
                }
                for _ in 0..breaks {
                    value.push('\n');
                }
            }
            value.push_str(self.slice(start, self.pos)?);
            spaced = Some(this_spaced);
            blanks = 0;
            if self.peek() == 0 {
                return Some(self.pos);
            }
            self.line_break();
            loop {
                let spaces = self.skip_spaces();
                match self.peek() {
                    b'\n' | b'\r' => {
                        ensure!(spaces <= indent);
                        blanks += 1;
                        self.line_break();
                    }
                    0 if self.pos >= self.bytes.len() => {
                        ensure!(spaces <= indent);
                        self.pos = self.line_start;
                        return Some(self.line_start);
                    }
                    _ if spaces >= indent => {
                        self.pos = self.line_start + indent;
                        break;
                    }
                    _ => {
                        self.pos = self.line_start;
                        return Some(self.line_start);
                    }
                }
            }
        }
    }
}
