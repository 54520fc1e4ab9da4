//! The schema's regular expressions for the screen: a small backtracking matcher for the
//! syntax the Compose schema uses (anchors, `.`, classes, groups, alternation, `?`, `*`, `+`).
//!
//! Building a `regex` for each pattern costs more than checking a typical file (the automata
//! compiler alone fills a few hundred KB of tables), while these patterns are tiny and the
//! strings they test are names. Whatever this matcher does not read exactly as the full
//! validator does (escapes, counted repetition, a long string, too many steps) gives None, and
//! the screen leaves the instance to the full validator.

use std::cell::Cell;

/// Longest string tested here; longer ones go to the full validator (bounds recursion).
const MAX_TEXT: usize = 256;

/// Matching steps allowed before giving up.
const MAX_STEPS: usize = 20_000;

/// A parsed pattern: alternatives of sequences.
#[derive(Debug)]
pub(super) struct Regex {
    alternatives: Vec<Vec<Piece>>,
    /// True when `.` appears: it reads line separators differently across engines.
    has_dot: bool,
    /// For `^` and literal characters only (`^x-`, most of the schema's patterns): them.
    prefix: Option<String>,
}

#[derive(Debug)]
struct Piece {
    atom: Atom,
    /// Fewest repetitions (0 or 1).
    min: u8,
    /// False for at most one repetition.
    repeat: bool,
}

#[derive(Debug)]
enum Atom {
    Char(char),
    /// `.`: any character but a line feed.
    Any,
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
    Group(Vec<Vec<Piece>>),
    Start,
    End,
}

impl Regex {
    /// Parses `source`, or None when it uses syntax this matcher does not support.
    pub(super) fn new(source: &str) -> Option<Regex> {
        let mut parser = Parser {
            chars: source.chars().collect(),
            at: 0,
        };
        let alternatives = parser.alternatives()?;
        if parser.at != parser.chars.len() {
            return None;
        }
        let prefix = match alternatives.as_slice() {
            [only] => match only.split_first() {
                Some((first, rest)) if matches!(first.atom, Atom::Start) => rest
                    .iter()
                    .map(|p| match p.atom {
                        Atom::Char(c) if p.min == 1 && !p.repeat => Some(c),
                        _ => None,
                    })
                    .collect(),
                _ => None,
            },
            _ => None,
        };
        Some(Regex {
            alternatives,
            has_dot: source.contains('.'),
            prefix,
        })
    }

    /// Whether the pattern matches anywhere in `text` (a search, as JSON Schema's `pattern`),
    /// or None when undecided.
    pub(super) fn is_match(&self, text: &str) -> Option<bool> {
        if let Some(prefix) = &self.prefix {
            return Some(text.starts_with(prefix.as_str()));
        }
        if text.len() > MAX_TEXT || (self.has_dot && text.contains(['\r', '\u{2028}', '\u{2029}']))
        {
            return None;
        }
        let matcher = Matcher {
            text,
            steps: Cell::new(0),
        };
        // A pattern anchored at `^` can only match from the start.
        let anchored = self.alternatives.iter().all(|sequence| {
            matches!(
                sequence.first(),
                Some(Piece {
                    atom: Atom::Start,
                    ..
                })
            )
        });
        let starts = text
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(text.len()))
            .take(if anchored { 1 } else { usize::MAX });
        for start in starts {
            if matcher.alternatives(&self.alternatives, start, &mut |_| true) {
                return Some(true);
            }
            if matcher.steps.get() > MAX_STEPS {
                return None;
            }
        }
        Some(false)
    }
}

struct Parser {
    chars: Vec<char>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += 1;
        Some(c)
    }

    fn alternatives(&mut self) -> Option<Vec<Vec<Piece>>> {
        let mut alternatives = vec![self.sequence()?];
        while self.peek() == Some('|') {
            self.at += 1;
            alternatives.push(self.sequence()?);
        }
        Some(alternatives)
    }

    fn sequence(&mut self) -> Option<Vec<Piece>> {
        let mut pieces = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            self.at += 1;
            let atom = match c {
                '^' => Atom::Start,
                '$' => Atom::End,
                '.' => Atom::Any,
                '[' => self.class()?,
                '(' => {
                    let group = self.alternatives()?;
                    (self.next()? == ')').then_some(())?;
                    Atom::Group(group)
                }
                '\\' | '{' | '}' | ']' | '?' | '*' | '+' => return None,
                c => Atom::Char(c),
            };
            let (min, repeat) = match self.peek() {
                Some('?') => (0, false),
                Some('*') => (0, true),
                Some('+') => (1, true),
                _ => (1, false),
            };
            if min != 1 || repeat {
                self.at += 1;
                if matches!(atom, Atom::Start | Atom::End) {
                    return None;
                }
            }
            pieces.push(Piece { atom, min, repeat });
        }
        Some(pieces)
    }

    /// A bracket class after its `[`.
    fn class(&mut self) -> Option<Atom> {
        let negated = self.peek() == Some('^');
        if negated {
            self.at += 1;
        }
        let mut ranges = Vec::new();
        let mut first = true;
        loop {
            let c = self.next()?;
            match c {
                ']' if !first => break,
                '\\' | '[' => return None,
                _ => {}
            }
            first = false;
            let is_range = self.peek() == Some('-') && self.chars.get(self.at + 1) != Some(&']');
            if is_range {
                self.at += 1;
                let end = self.next()?;
                if end == '\\' || end == '[' || end < c {
                    return None;
                }
                ranges.push((c, end));
            } else {
                ranges.push((c, c));
            }
        }
        Some(Atom::Class { negated, ranges })
    }
}

/// One search over one text, with a step budget.
struct Matcher<'t> {
    text: &'t str,
    steps: Cell<usize>,
}

type Then<'k> = dyn FnMut(usize) -> bool + 'k;

impl Matcher<'_> {
    /// Counts a step; false once the budget is spent (the search then fails, and the caller
    /// reports it as undecided).
    fn step(&self) -> bool {
        self.steps.set(self.steps.get() + 1);
        self.steps.get() <= MAX_STEPS
    }

    fn alternatives(&self, alternatives: &[Vec<Piece>], at: usize, then: &mut Then) -> bool {
        alternatives
            .iter()
            .any(|sequence| self.sequence(sequence, at, then))
    }

    fn sequence(&self, pieces: &[Piece], at: usize, then: &mut Then) -> bool {
        match pieces.split_first() {
            None => then(at),
            Some((piece, rest)) => {
                self.piece(piece, 0, at, &mut |next| self.sequence(rest, next, then))
            }
        }
    }

    /// `piece` repeated `count` times so far, ending at `at`: tries one more repetition, then
    /// stopping. A repetition that consumes nothing is not repeated.
    fn piece(&self, piece: &Piece, count: u8, at: usize, then: &mut Then) -> bool {
        if !self.step() {
            return false;
        }
        if piece.repeat && piece.atom.accepts('a').is_some() {
            return self.run(&piece.atom, piece.min, at, then);
        }
        let more = piece.repeat || count == 0;
        if more
            && self.atom(&piece.atom, at, &mut |next| {
                (next != at || count < piece.min)
                    && self.piece(piece, count.saturating_add(1), next, then)
            })
        {
            return true;
        }
        count >= piece.min && then(at)
    }

    /// A repeated one-character atom: the longest run of matching characters from `at`, then
    /// each shorter one, down to `min` characters (a loop, not a recursion per character).
    fn run(&self, atom: &Atom, min: u8, at: usize, then: &mut Then) -> bool {
        let rest = self.text.get(at..).unwrap_or_default();
        let len = rest
            .find(|c: char| atom.accepts(c) != Some(true))
            .unwrap_or(rest.len());
        if len == 0 {
            return min == 0 && then(at);
        }
        if then(at + len) {
            return true;
        }
        rest[..len]
            .char_indices()
            .rev()
            .map(|(end, _)| end)
            .filter(|&end| end > 0 || min == 0)
            .any(|end| self.step() && then(at + end))
    }

    fn atom(&self, atom: &Atom, at: usize, then: &mut Then) -> bool {
        match atom {
            Atom::Start => at == 0 && then(at),
            Atom::End => at == self.text.len() && then(at),
            Atom::Group(alternatives) => self.alternatives(alternatives, at, then),
            Atom::Char(_) | Atom::Any | Atom::Class { .. } => {
                let next = self.text.get(at..).and_then(|rest| rest.chars().next());
                next.is_some_and(|c| atom.accepts(c) == Some(true) && then(at + c.len_utf8()))
            }
        }
    }
}

impl Atom {
    /// Whether a one-character atom matches `c`; None for the others.
    fn accepts(&self, c: char) -> Option<bool> {
        match self {
            Atom::Char(want) => Some(c == *want),
            Atom::Any => Some(c != '\n'),
            Atom::Class { negated, ranges } => {
                Some(ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != *negated)
            }
            Atom::Group(_) | Atom::Start | Atom::End => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Regex;

    /// The schema's own patterns, and a few more shapes, against the `regex` crate (the
    /// engine under the full validator) on many strings.
    #[test]
    fn agrees_with_the_regex_crate() {
        let patterns = [
            "^x-",
            "^[a-zA-Z0-9._-]+$",
            ".+",
            "^[a-zA-Z0-9][a-zA-Z0-9_.-]+$",
            "^([a-z0-9][a-z0-9_-]*)?$",
            "^all$",
            "^ab",
            "^(|always|never|missing|if_not_present|build|daily|weekly|every_([0-9]+[wdhms])+)$",
            "^(|no|always|unless-stopped|on-failure(:[0-9]+)?)$",
            "a(b|c)*d",
            "[^a-c]x?$",
        ];
        let pieces = [
            "",
            "x",
            "-",
            "x-",
            "a",
            "b",
            "c",
            "d",
            "A",
            "Z",
            "0",
            "9",
            "_",
            ".",
            ":",
            " ",
            "é",
            "\n",
            "all",
            "no",
            "always",
            "unless-stopped",
            "on-failure",
            ":3",
            ":",
            "every_",
            "2d",
            "10w",
            "h",
            "daily",
            "never",
            "build",
            "abd",
            "acbd",
            "my-app",
            "x-y",
        ];
        let mut texts = vec![String::new()];
        for a in pieces {
            for b in pieces {
                for c in ["", "1", "d", "-", "$", "x"] {
                    texts.push(format!("{a}{b}{c}"));
                }
            }
        }
        for source in patterns {
            let ours = Regex::new(source).expect(source);
            let theirs = regex::Regex::new(source).unwrap();
            for text in &texts {
                assert_eq!(
                    ours.is_match(text),
                    Some(theirs.is_match(text)),
                    "{source} on {text:?}"
                );
            }
        }
    }

    #[test]
    fn declines_what_it_does_not_read() {
        for source in [
            r"\d+", "a{2}", "[a-z", "(a", "a)", "*a", "^*", "[\\w]", "[z-a]",
        ] {
            assert!(Regex::new(source).is_none(), "{source}");
        }
        let dot = Regex::new(".+").unwrap();
        assert_eq!(dot.is_match("a\rb"), None);
        assert_eq!(dot.is_match(&"a".repeat(300)), None);
    }

    #[test]
    fn gives_up_on_runaway_searches() {
        let nested = Regex::new("^(a*)*b$").unwrap();
        assert_eq!(nested.is_match(&"a".repeat(200)), None);
    }
}
