//! Variable values kept out of findings: a message names `${PW}` instead of the value `.env`
//! or the environment gave it, unless the project's compose files write that value themselves.
//! Rules build their messages from resolved values (a listener's host, a ZooKeeper entry);
//! this one pass, after every rule, keeps all of them from quoting what may be a secret.

use crate::diagnostic::Diagnostic;
use crate::project::Project;
use crate::project::interpolate::SegmentKind;
use crate::project::value::{Kind, Value};
use aho_corasick::{AhoCorasick, MatchKind};
use std::collections::HashMap;

/// Replaces, in the messages, help, labels and fix titles of `diagnostics`, each value a
/// variable gave to `project`'s model with the variable's name (`${PW}`), where the value
/// stands as a whole word and no compose file of the project writes it literally.
pub fn name_variables(project: &Project, diagnostics: &mut [Diagnostic]) {
    if diagnostics.is_empty() {
        return;
    }
    let Some(model) = &project.model else { return };
    let mut found = HashMap::new();
    collect(model, &mut found);
    if found.is_empty() {
        return;
    }
    let mut values: Vec<(&str, &str)> = found.into_iter().collect();
    values.sort_unstable();
    let Ok(all) = AhoCorasick::new(values.iter().map(|(v, _)| v)) else {
        return;
    };
    let mut written = vec![false; values.len()];
    for file in project.files.iter().filter(|f| f.tree().is_some()) {
        for m in all.find_overlapping_iter(file.text()) {
            written[m.pattern().as_usize()] = true;
        }
    }
    let hidden: Vec<(&str, String)> = values
        .iter()
        .zip(&written)
        .filter(|(_, written)| !**written)
        .map(|((value, name), _)| (*value, format!("${{{name}}}")))
        .collect();
    if hidden.is_empty() {
        return;
    }
    // Leftmost-longest: a value that holds another is replaced whole.
    let Ok(hiding) = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(hidden.iter().map(|(v, _)| v))
    else {
        return;
    };
    for d in diagnostics {
        mask(&hiding, &hidden, &mut d.message);
        if let Some(help) = &mut d.help {
            mask(&hiding, &hidden, help);
        }
        for label in &mut d.labels {
            mask(&hiding, &hidden, &mut label.message);
        }
        if let Some(fix) = &mut d.fix {
            mask(&hiding, &hidden, &mut fix.title);
        }
    }
}

/// Each non-empty text a variable produced in `value`, with the variable's name (the first
/// name seen for a value).
fn collect<'v>(value: &'v Value, out: &mut HashMap<&'v str, &'v str>) {
    match &value.kind {
        Kind::Str(s) => {
            let Some(interpolation) = &s.interpolation else {
                return;
            };
            for segment in &interpolation.segments {
                if let SegmentKind::Variable { name, .. } = &segment.kind
                    && let Some(text) = interpolation.text.get(segment.text.clone())
                    && !text.is_empty()
                {
                    out.entry(text).or_insert(name);
                }
            }
        }
        Kind::Seq(items) => items.iter().for_each(|v| collect(v, out)),
        Kind::Map(map) => map.iter().for_each(|(_, _, v)| collect(v, out)),
        Kind::Null | Kind::Bool(_) | Kind::Int(_) | Kind::Float(_) => {}
    }
}

/// `text` with each whole-word occurrence of a hidden value replaced by its variable.
fn mask(hiding: &AhoCorasick, hidden: &[(&str, String)], text: &mut String) {
    let mut out = String::new();
    let mut copied = 0;
    for m in hiding.find_iter(text.as_str()) {
        let (value, name) = &hidden[m.pattern().as_usize()];
        let prev = text[..m.start()].chars().next_back();
        let next = text[m.end()..].chars().next();
        let starts = !value.starts_with(is_word) || !prev.is_some_and(is_word);
        let ends = !value.ends_with(is_word) || !next.is_some_and(is_word);
        if starts && ends {
            out.push_str(&text[copied..m.start()]);
            out.push_str(name);
            copied = m.end();
        }
    }
    if copied > 0 {
        out.push_str(&text[copied..]);
        *text = out;
    }
}

/// A character that continues a word: a value next to one is part of another word.
fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

#[cfg(test)]
mod tests {
    use super::{AhoCorasick, MatchKind, mask};

    fn masked(text: &str, hidden: &[(&str, &str)]) -> String {
        let hidden: Vec<(&str, String)> =
            hidden.iter().map(|(v, n)| (*v, (*n).to_owned())).collect();
        let hiding = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(hidden.iter().map(|(v, _)| v))
            .expect("builds");
        let mut text = text.to_owned();
        mask(&hiding, &hidden, &mut text);
        text
    }

    #[test]
    fn a_whole_value_is_named() {
        assert_eq!(
            masked("points at `10.0.0.5:2181`", &[("10.0.0.5", "${ZK_IP}")]),
            "points at `${ZK_IP}:2181`"
        );
    }

    #[test]
    fn part_of_another_word_is_kept() {
        assert_eq!(
            masked("`kafka1` and `kafka`", &[("kafka", "${HOST}")]),
            "`kafka1` and `${HOST}`"
        );
    }

    #[test]
    fn the_longest_value_is_named_whole() {
        assert_eq!(
            masked(
                "`s3cret-long` then `s3cret`",
                &[("s3cret", "${A}"), ("s3cret-long", "${B}")]
            ),
            "`${B}` then `${A}`"
        );
    }

    #[test]
    fn a_value_that_starts_with_punctuation_matches_anywhere() {
        assert_eq!(masked("x://a:9092", &[("://a", "${P}")]), "x${P}:9092");
    }
}
