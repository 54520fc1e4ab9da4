//! Byte offset → line and column, in O(log lines).

/// A 1-based line and a 1-based column counted in Unicode scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineCol {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in Unicode scalar values (a BOM at the start of the file is not counted).
    pub column: usize,
}

/// The byte offset at which every line starts. A line ends at CR, LF or CRLF, as the parser
/// breaks lines ([`super::lines`]): CRLF and lone-CR files get the same line numbers as LF files.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

const BOM: char = '\u{feff}';

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(super::lines::break_ends(text));
        LineIndex { starts }
    }

    /// Number of lines (a final newline does not start a new line of its own).
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// Always false: even an empty text has one (empty) line.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The byte offset where 1-based `line` starts, if it exists.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line.checked_sub(1)?).copied()
    }

    /// Line and column of `offset` (clamped to the text and to a char boundary).
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        let prefix = &text[start..offset];
        let mut column = prefix.chars().count() + 1;
        if start == 0 && prefix.starts_with(BOM) {
            column -= 1;
        }
        LineCol { line, column }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lf_crlf_bom_and_multibyte() {
        let text = "\u{feff}a: 1\r\nbé: x\r\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 3), LineCol { line: 1, column: 1 });
        let x = text.find('x').unwrap();
        assert_eq!(idx.line_col(text, x), LineCol { line: 2, column: 5 });
        assert_eq!(
            idx.line_col(text, text.len()),
            LineCol { line: 3, column: 1 }
        );
    }

    #[test]
    fn lone_cr_ends_a_line() {
        let text = "a: 1\rb: 2\r\nc: 3\r";
        let idx = LineIndex::new(text);
        let c = text.find('c').unwrap();
        assert_eq!(idx.line_col(text, c), LineCol { line: 3, column: 1 });
        let two = text.find('2').unwrap();
        assert_eq!(idx.line_col(text, two), LineCol { line: 2, column: 4 });
    }

    #[test]
    fn offsets_inside_a_char_are_clamped() {
        let text = "é";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 1), LineCol { line: 1, column: 1 });
    }
}
