//! The strings a service uses when it runs: environment values and the arguments of
//! `command` and `entrypoint` (never labels or healthchecks, RULES.md §1.4).

use crate::project::command_words::command_words;
use crate::project::value::{Kind, Value};

/// One such string, with where it is written.
pub(crate) struct RunValue<'p> {
    /// The environment key, or None for a `command`/`entrypoint` argument.
    pub key: Option<&'p str>,
    /// `environment`, `command` or `entrypoint`.
    pub field: &'static str,
    /// The value.
    pub value: &'p Value,
}

impl RunValue<'_> {
    /// How messages name the place: `` `KEY` `` or `` `command` `` (built only for a finding).
    pub(crate) fn place(&self) -> String {
        backticked(self.key.unwrap_or(self.field))
    }
}

/// `text` between backticks, as messages name a key or field: without `format!`'s machinery,
/// for places built for every address of every service.
pub(crate) fn backticked(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('`');
    out.push_str(text);
    out.push('`');
    out
}

/// Whether `text` contains `needle` (ASCII), ignoring ASCII case, without allocating: the
/// cheap test before parsing every string of every service, and the word tests on
/// environment keys. Bytes are compared only where the first one matches.
pub(crate) fn contains_ignore_case(text: &str, needle: &str) -> bool {
    let (text, needle) = (text.as_bytes(), needle.as_bytes());
    let Some((first, rest)) = needle.split_first() else {
        return true;
    };
    let Some(last) = text.len().checked_sub(needle.len()) else {
        return false;
    };
    let (lower, upper) = (first.to_ascii_lowercase(), first.to_ascii_uppercase());
    text[..=last].iter().enumerate().any(|(i, &b)| {
        (b == lower || b == upper) && text[i + 1..i + needle.len()].eq_ignore_ascii_case(rest)
    })
}

/// Whether `text` starts with `prefix` (ASCII), ignoring ASCII case, without allocating.
pub(crate) fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.as_bytes()
        .get(..prefix.len())
        .is_some_and(|h| h.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// Whether `text` ends with `suffix` (ASCII), ignoring ASCII case, without allocating.
pub(crate) fn ends_with_ignore_case(text: &str, suffix: &str) -> bool {
    text.len()
        .checked_sub(suffix.len())
        .is_some_and(|cut| text.as_bytes()[cut..].eq_ignore_ascii_case(suffix.as_bytes()))
}

/// `true`, or a string Compose reads as true (`"true"`, `${RO:-true}`).
/// (`yes`, `on` and `1` too, as Compose converts interpolated booleans.)
pub(crate) fn is_true(value: &Value) -> bool {
    match &value.kind {
        Kind::Bool(b) => *b,
        Kind::Str(s) if s.is_known() => {
            matches!(
                s.text.trim().to_ascii_lowercase().as_str(),
                "true" | "yes" | "on" | "y" | "1"
            )
        }
        _ => false,
    }
}

/// Every environment value (in key order), then every `command` and `entrypoint` argument.
pub(crate) fn run_values(service: &Value) -> Vec<RunValue<'_>> {
    let mut out = Vec::new();
    if let Some(env) = service.get("environment").and_then(Value::as_map) {
        for (key, _, value) in env.iter() {
            out.push(RunValue {
                key: Some(key),
                field: "environment",
                value,
            });
        }
    }
    for key in ["command", "entrypoint"] {
        match service.get(key) {
            Some(Value {
                kind: Kind::Seq(items),
                ..
            }) => {
                out.extend(items.iter().map(|value| RunValue {
                    key: None,
                    field: key,
                    value,
                }));
            }
            Some(value) => out.push(RunValue {
                key: None,
                field: key,
                value,
            }),
            None => {}
        }
    }
    out
}

/// One argument of `command` or `entrypoint`.
#[derive(Debug, Clone)]
pub struct Arg<'p> {
    /// The argument after shell-like unquoting.
    pub text: String,
    /// The value holding it: a list item, or the whole string of the string form.
    pub value: &'p Value,
    /// Where `text` starts in `value`'s text, when it is written there unchanged (a word
    /// without quotes inside it, or wholly quoted), so ranges in `text` map back to the file.
    pub offset: Option<usize>,
}

/// The arguments of `command` (`key` = "command") or `entrypoint`: list items as they are, the
/// string form split as Compose splits it (quotes removed, no expansion, nothing from a shell
/// operator on, nothing of a string Compose refuses). Unknown values (interpolation without
/// default) are left out, and so is everything after them.
pub(crate) fn args<'p>(service: &'p Value, key: &str) -> Vec<Arg<'p>> {
    let mut out = Vec::new();
    match service.get(key) {
        Some(Value {
            kind: Kind::Seq(items),
            ..
        }) => {
            for item in items {
                let Some(s) = item.as_str() else {
                    match item.scalar_text() {
                        Some(t) => out.push(Arg {
                            text: t.into_owned(),
                            value: item,
                            offset: None,
                        }),
                        None => break,
                    }
                    continue;
                };
                if !s.is_known() {
                    break;
                }
                out.push(Arg {
                    text: s.text.clone(),
                    value: item,
                    offset: Some(0),
                });
            }
        }
        Some(value) => {
            if let Some(s) = value.as_str().filter(|s| s.is_known())
                && let Ok(split) = command_words(&s.text)
            {
                // Compose passes only the words before a shell operator.
                let line = &s.text[..split.dropped_from.unwrap_or(s.text.len())];
                out.extend(shell_words(line).into_iter().map(|(text, offset)| Arg {
                    text,
                    value,
                    offset,
                }));
            }
        }
        None => {}
    }
    out
}

/// The command lines of `command` (`key` = "command") or `entrypoint`: its [`args`], then the
/// words of each `sh -c` script among them, whose offsets point into the script's value.
pub(crate) fn command_lines<'p>(service: &'p Value, key: &str) -> Vec<Vec<Arg<'p>>> {
    let args = args(service, key);
    let scripts: Vec<Vec<Arg<'p>>> = args
        .iter()
        .zip(args.iter().skip(1))
        .filter(|(flag, _)| flag.text == "-c")
        .map(|(_, script)| {
            shell_words(&script.text)
                .into_iter()
                .map(|(text, at)| Arg {
                    text,
                    value: script.value,
                    offset: script.offset.zip(at).map(|(s, w)| s + w),
                })
                .collect()
        })
        .collect();
    std::iter::once(args).chain(scripts).collect()
}

/// The value of an option on a command line, with the value holding it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FlagValue<'a, 'p> {
    /// The option's value after unquoting.
    pub text: &'a str,
    /// The value holding it (a list item, or the whole string of the string form).
    pub value: &'p Value,
    /// Where `text` starts in `value`'s text, when it is written there unchanged.
    pub offset: Option<usize>,
}

/// The value of the first of `names` on a command line: `--flag value`, `--flag=value`, or one
/// list item `"--flag value"` (Redpanda's examples write it so, and images whose entrypoint
/// splits `$@` read it as two words). Options are matched whole: `-a` is not `-ab`.
pub(crate) fn flag_value<'a, 'p>(line: &'a [Arg<'p>], names: &[&str]) -> Option<FlagValue<'a, 'p>> {
    line.iter().enumerate().find_map(|(i, arg)| {
        names.iter().find_map(|name| {
            if arg.text == *name {
                let next = line.get(i + 1)?;
                return Some(FlagValue {
                    text: next.text.as_str(),
                    value: next.value,
                    offset: next.offset,
                });
            }
            let rest = arg.text.strip_prefix(name)?;
            let text = rest.strip_prefix(['=', ' '])?.trim_end();
            Some(FlagValue {
                text,
                value: arg.value,
                offset: arg.offset.map(|o| o + name.len() + 1),
            })
        })
    })
}

/// Whether a command line names one of `names` as an option, with or without a value (its
/// value may be an unknown variable).
pub(crate) fn has_flag(line: &[Arg], names: &[&str]) -> bool {
    line.iter().any(|arg| {
        names.iter().any(|name| {
            arg.text
                .strip_prefix(name)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['=', ' ']))
        })
    })
}

/// Whether every argument of `command` (`key` = "command") or `entrypoint` is known: [`args`]
/// stops at an unknown one, so a rule that needs an option to be absent must ask this first.
pub(crate) fn args_known(service: &Value, key: &str) -> bool {
    match service.get(key) {
        None => true,
        Some(Value {
            kind: Kind::Seq(items),
            ..
        }) => items.iter().all(|i| {
            i.as_str()
                .map_or(i.scalar_text().is_some(), |s| s.is_known())
        }),
        Some(value) => value.as_str().is_some_and(|s| s.is_known()),
    }
}

/// Splits a command line into words as a POSIX shell would (single and double quotes,
/// backslash escapes; no expansion), each with its start in `text` when the word is written
/// there unchanged.
pub(crate) fn shell_words(text: &str) -> Vec<(String, Option<usize>)> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut word = String::new();
        // Quotes or escapes inside the word shift its bytes; a wholly quoted word does not.
        let mut quotes = 0;
        let mut escaped = false;
        let mut whole_quote = None;
        while let Some(&(i, c)) = chars.peek() {
            if c.is_whitespace() {
                break;
            }
            chars.next();
            match c {
                '\'' | '"' => {
                    quotes += 1;
                    if i == start {
                        whole_quote = Some(c);
                    }
                    for (_, q) in chars.by_ref() {
                        if q == c {
                            break;
                        }
                        word.push(q);
                    }
                }
                '\\' => {
                    escaped = true;
                    if let Some((_, next)) = chars.next() {
                        word.push(next);
                    }
                }
                _ => word.push(c),
            }
        }
        let offset = match (quotes, whole_quote, escaped) {
            (0, _, false) => Some(start),
            (1, Some(q), false) if !word.contains(q) => Some(start + 1),
            _ => None,
        };
        out.push((word, offset));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{
        args_known, command_lines, contains_ignore_case, ends_with_ignore_case, flag_value,
        has_flag, shell_words, starts_with_ignore_case,
    };

    #[test]
    fn contains_ignoring_case() {
        assert!(contains_ignore_case(
            "http://HOST.Docker.Internal:80",
            ".docker.internal"
        ));
        assert!(contains_ignore_case(".docker.internal", ".docker.internal"));
        assert!(!contains_ignore_case(
            "host.docker.interna",
            ".docker.internal"
        ));
        assert!(!contains_ignore_case("", "docker."));
        assert!(contains_ignore_case(
            "kafka_advertised_listeners",
            "ADVERTISED"
        ));
        assert!(contains_ignore_case("BIND", "BIND"));
        assert!(!contains_ignore_case("BIN_D", "BIND"));
        assert!(contains_ignore_case("é_bind", "BIND"));
    }

    #[test]
    fn affixes_ignoring_case() {
        assert!(starts_with_ignore_case("Kafka_Brokers", "KAFKA_"));
        assert!(!starts_with_ignore_case("KAFK", "KAFKA_"));
        assert!(!starts_with_ignore_case("éKAFKA_", "KAFKA_"));
        assert!(ends_with_ignore_case("app_public_url", "PUBLIC_URL"));
        assert!(!ends_with_ignore_case("URL", "PUBLIC_URL"));
        assert!(!ends_with_ignore_case("PUBLIC_URLé", "PUBLIC_URL"));
    }

    #[test]
    fn words() {
        let w = |t: &str| shell_words(t);
        assert_eq!(
            w("redis-server --port 7000"),
            [
                ("redis-server".to_string(), Some(0)),
                ("--port".into(), Some(13)),
                ("7000".into(), Some(20))
            ]
        );
        assert_eq!(
            w(r#"sh -c "echo a && kafka-topics --bootstrap-server kafka:9092""#),
            [
                ("sh".to_string(), Some(0)),
                ("-c".into(), Some(3)),
                (
                    "echo a && kafka-topics --bootstrap-server kafka:9092".into(),
                    Some(7)
                )
            ]
        );
        assert_eq!(w("--url='a b'x"), [("--url=a bx".to_string(), None)]);
        assert_eq!(w(r"a\ b"), [("a b".to_string(), None)]);
        assert_eq!(w("  "), Vec::<(String, Option<usize>)>::new());
    }

    #[test]
    fn flag_forms() {
        let yaml = r#"
services:
  a:
    command: ["--x", "1.2.3.4", "--y=5.6.7.8", "--z 9.9.9.9", "--xx", "no", "-a", "h"]
  b:
    command: mongod --replSet=rs0 --bind_ip_all
  c:
    command: ["--cluster-announce-ip", "${UNSET_ANNOUNCE_X}", "--port", "7000"]
  d:
    command: "redis-server --cluster-announce-ip ${UNSET_ANNOUNCE_X}"
"#;
        let project = crate::project::from_yaml(yaml);
        let services: Vec<_> = project.services().map(|(_, s)| s).collect();
        let line = &command_lines(services[0], "command")[0];
        let got = |names: &[&str]| flag_value(line, names).map(|f| (f.text.to_string(), f.offset));
        assert_eq!(got(&["--x"]), Some(("1.2.3.4".into(), Some(0))));
        assert_eq!(got(&["--y"]), Some(("5.6.7.8".into(), Some(4))));
        assert_eq!(got(&["--z"]), Some(("9.9.9.9".into(), Some(4))));
        assert_eq!(got(&["--w", "-a"]), Some(("h".into(), Some(0))));
        assert_eq!(got(&["--w"]), None);
        assert!(has_flag(line, &["--xx"]) && !has_flag(line, &["--q"]));
        let line = &command_lines(services[1], "command")[0];
        assert_eq!(
            flag_value(line, &["--replSet"]).map(|f| f.text),
            Some("rs0")
        );
        // An unknown value: the line is incomplete.
        assert!(!args_known(services[2], "command") && !args_known(services[3], "command"));
        assert!(args_known(services[0], "command") && args_known(services[0], "entrypoint"));
    }
}
