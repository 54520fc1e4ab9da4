//! How Compose turns a string `command` or `entrypoint` into the argument list it gives the
//! container: compose-go splits it with go-shellwords 1.0.12 (no shell, no expansion). That
//! splitter stops at the first `;`, `&`, `|`, `<` or `>` outside quotes and drops the rest of
//! the line without a word, and refuses a `(` (and an unmatched `)`) outside quotes.

/// The words Compose reads from a string command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CommandWords {
    /// The arguments, quotes and escapes removed.
    pub words: Vec<String>,
    /// The byte offset of the shell operator where splitting stopped: Compose drops the text
    /// from there on.
    pub dropped_from: Option<usize>,
}

/// Why Compose refuses a string command (compose-go: "invalid command line string").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CommandError {
    /// A `(` outside quotes that does not open `$(`, at this byte offset.
    Parenthesis(usize),
    /// A quote, backquote, `$(` or trailing backslash left open.
    Unterminated,
}

/// Splits `line` as compose-go does.
pub(crate) fn command_words(line: &str) -> Result<CommandWords, CommandError> {
    let mut words = Vec::new();
    let mut word = String::new();
    // Whether a word is under way: a quoted empty word ("") counts.
    let mut in_word = false;
    let (mut escaped, mut single, mut double, mut back, mut dollar) =
        (false, false, false, false, false);
    let mut dropped_from = None;
    for (i, c) in line.char_indices() {
        if escaped {
            word.push(c);
            escaped = false;
            in_word = true;
            continue;
        }
        if c == '\\' {
            if single {
                word.push(c);
            } else {
                escaped = true;
            }
            continue;
        }
        if matches!(c, ' ' | '\t' | '\r' | '\n') {
            if single || double || back || dollar {
                word.push(c);
            } else if in_word {
                words.push(std::mem::take(&mut word));
                in_word = false;
            }
            continue;
        }
        match c {
            '`' if !single && !double && !dollar => back = !back,
            ')' if !single && !double && !back => dollar = !dollar,
            '(' if !single && !double && !back => {
                if dollar || !word.ends_with('$') {
                    return Err(CommandError::Parenthesis(i));
                }
                dollar = true;
            }
            '"' if !single && !dollar => {
                if double {
                    in_word = true;
                }
                double = !double;
                continue;
            }
            '\'' if !double && !dollar => {
                if single {
                    in_word = true;
                }
                single = !single;
                continue;
            }
            ';' | '&' | '|' | '<' | '>' if !(single || double || back || dollar) => {
                // `2>` names a descriptor: the digit word goes with the operator.
                if c == '>' && word.starts_with(|d: char| d.is_ascii_digit()) {
                    in_word = false;
                }
                dropped_from = Some(i);
                break;
            }
            _ => {}
        }
        in_word = true;
        word.push(c);
    }
    if in_word {
        words.push(word);
    }
    if escaped || single || double || back || dollar {
        return Err(CommandError::Unterminated);
    }
    Ok(CommandWords {
        words,
        dropped_from,
    })
}

#[cfg(test)]
mod tests {
    use super::{CommandError, CommandWords, command_words};

    fn words(line: &str) -> Vec<String> {
        command_words(line).unwrap().words
    }

    #[test]
    fn splits_on_blanks_and_removes_quotes() {
        assert_eq!(
            words("bundle exec thin -p 3000"),
            ["bundle", "exec", "thin", "-p", "3000"]
        );
        assert_eq!(
            words(r#"sh -c "echo 'a b'"  x\ y"#),
            ["sh", "-c", "echo 'a b'", "x y"]
        );
        assert_eq!(words(r#"a "" b"#), ["a", "", "b"]);
        assert_eq!(words("  \t\n"), Vec::<String>::new());
        // A backslash inside double quotes escapes any character, as go-shellwords does.
        assert_eq!(words(r#""a\b""#), ["ab"]);
        assert_eq!(words(r"'a\b'"), [r"a\b"]);
    }

    #[test]
    fn stops_at_an_operator_outside_quotes() {
        assert_eq!(
            command_words("echo a && echo b"),
            Ok(CommandWords {
                words: vec!["echo".into(), "a".into()],
                dropped_from: Some(7)
            })
        );
        assert_eq!(words("sh -c 'a && b' | tee"), ["sh", "-c", "a && b"]);
        assert_eq!(words("run 2>/dev/null"), ["run"]);
        assert_eq!(words("run x>/dev/null"), ["run", "x"]);
        assert_eq!(words(r"echo a \&\& b"), ["echo", "a", "&&", "b"]);
    }

    #[test]
    fn keeps_substitutions_and_backquotes_in_the_word() {
        assert_eq!(
            words("echo $(date -u) `id`"),
            ["echo", "$(date -u)", "`id`"]
        );
    }

    #[test]
    fn refuses_what_compose_refuses() {
        assert_eq!(
            command_words("--constraints=Label(a, b)"),
            Err(CommandError::Parenthesis(19))
        );
        assert_eq!(command_words("echo 'open"), Err(CommandError::Unterminated));
        assert_eq!(command_words("echo a)"), Err(CommandError::Unterminated));
        assert_eq!(command_words("echo \\"), Err(CommandError::Unterminated));
        assert!(command_words("echo 'Label(a)'").is_ok());
    }
}
