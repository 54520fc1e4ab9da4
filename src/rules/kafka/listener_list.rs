//! Where the entries of a Kafka listener list are written, and edits that keep the list's
//! style: its separator, and `NAME://:port` or `NAME://0.0.0.0:port` bind hosts.

use crate::diagnostic::Edit;
use crate::facts::kafka::{Broker, Endpoint, Family};
use crate::fix::builders;
use crate::project::Project;
use crate::project::value::Value;
use crate::source::{SourceFile, Span};
use std::ops::Range;
use std::sync::Arc;

/// One entry of a listener list as written: its value and byte ranges inside the value's text.
#[derive(Debug, Clone)]
pub(crate) struct Written<'p> {
    /// The value holding the list.
    pub value: &'p Value,
    /// The bytes of `NAME://host:port`.
    pub entry: Range<usize>,
    /// The bytes of `NAME`.
    pub name: Range<usize>,
    /// The bytes of the host.
    pub host: Range<usize>,
}

/// Where an endpoint is written, when it is (derived and default listeners are not).
pub(crate) fn written<'p>(endpoint: &Endpoint<'p>) -> Option<Written<'p>> {
    let source = endpoint.source.as_ref()?;
    let text = source.value.as_str()?.text.as_str();
    let host = source.host.clone();
    let is_sep = |c: char| c == ',' || c.is_whitespace();
    let start = text
        .get(..host.start)?
        .rfind(is_sep)
        .map_or(source.offset, |i| i + 1)
        .max(source.offset);
    let end = text
        .get(host.end..)?
        .find(is_sep)
        .map_or(text.len(), |i| host.end + i);
    let name_len = text.get(start..host.start)?.find("://")?;
    Some(Written {
        value: source.value,
        entry: start..end,
        name: start..start + name_len,
        host,
    })
}

/// The file bytes of `range` of a value's text, or of the whole value when they cannot be told.
pub(crate) fn span(
    project: &Project,
    value: &Value,
    range: Range<usize>,
) -> (Arc<SourceFile>, Span) {
    let span = value
        .as_str()
        .and_then(|s| s.literal_span(range))
        .unwrap_or(value.origin.span);
    (Arc::clone(project.file(value.origin.file)), span)
}

/// The bind host new entries of `list` take: empty when every written entry has an empty host
/// (`PLAINTEXT://:9092`), else `0.0.0.0`.
pub(crate) fn bind_host(list: &[Endpoint]) -> &'static str {
    if !list.is_empty() && list.iter().all(|e| e.host.is_empty()) {
        ""
    } else {
        "0.0.0.0"
    }
}

/// `NAME://host:port`.
pub(crate) fn entry(name: &str, host: &str, port: u16) -> String {
    format!("{name}://{host}:{port}")
}

/// The separator between the first two entries of `list` as written (`,` or `, `), else `,`.
fn separator(list: &[Written]) -> String {
    match list {
        [a, b, ..] => a
            .value
            .as_str()
            .and_then(|s| s.text.get(a.entry.end..b.entry.start))
            .filter(|sep| sep.trim() == ",")
            .unwrap_or(",")
            .to_string(),
        _ => ",".to_string(),
    }
}

/// The written entries of one list, in order; None when any is not written in the same value.
fn all_written<'p>(list: &[Endpoint<'p>]) -> Option<Vec<Written<'p>>> {
    let written: Vec<Written> = list.iter().map(written).collect::<Option<_>>()?;
    let first = written.first()?;
    written
        .iter()
        .all(|w| std::ptr::eq(w.value, first.value))
        .then_some(written)
}

/// Whether these rules can read the broker's listener settings: it is not Redpanda (flags, no
/// listener names), and none of `properties` is set to a value the analyzer cannot know.
pub(crate) fn readable(broker: &Broker, properties: &[&str]) -> bool {
    broker.family != Family::Redpanda && !unknown(broker, properties)
}

/// Whether one of `properties` is set to a value the analyzer cannot know (an unset variable,
/// a bare `KEY` taken from the shell): the rules reading it stay silent.
pub(crate) fn unknown(broker: &Broker, properties: &[&str]) -> bool {
    properties
        .iter()
        .any(|p| broker.property(p).is_some_and(|s| s.scalar().is_none()))
}

/// Whether a service other than `service` holds `value` (written once in an anchor): editing
/// it changes them too.
pub(crate) fn shared(project: &Project, service: &str, value: &Value) -> bool {
    builders::services_sharing(project, value)
        .iter()
        .any(|s| s != service)
}

/// Appends `entries` after the last entry of `list`, with the list's separator.
pub(crate) fn append(project: &Project, list: &[Endpoint], entries: &[String]) -> Option<Edit> {
    let written = all_written(list)?;
    let last = written.last()?;
    let sep = separator(&written);
    let added: String = entries.iter().map(|e| format!("{sep}{e}")).collect();
    builders::replace_part(project, last.value, last.entry.end..last.entry.end, &added)
}

/// Rewrites `list` in place keeping entry `i` when `keep[i]`; None when nothing would be left.
pub(crate) fn retain(project: &Project, list: &[Endpoint], keep: &[bool]) -> Option<Edit> {
    let written = all_written(list)?;
    let (first, last) = (written.first()?, written.last()?);
    let text = &first.value.as_str()?.text;
    let kept: Vec<&str> = written
        .iter()
        .zip(keep)
        .filter(|(_, k)| **k)
        .filter_map(|(w, _)| text.get(w.entry.clone()))
        .collect();
    if kept.is_empty() {
        return None;
    }
    let whole = first.entry.start..last.entry.end;
    builders::replace_part(
        project,
        first.value,
        whole,
        &kept.join(&separator(&written)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::kafka;

    #[test]
    fn entries_and_edits() {
        let project = crate::project::from_yaml(
            "services:\n  kafka:\n    image: confluentinc/cp-kafka:7.6.0\n    environment:\n      - KAFKA_LISTENERS=INTERNAL://:29092, CONTROLLER://:9093, EXTERNAL://:9092\n",
        );
        let brokers = kafka::brokers(&project);
        let listeners = brokers[0].listeners().unwrap();
        let text = &listeners[0]
            .source
            .as_ref()
            .unwrap()
            .value
            .as_str()
            .unwrap()
            .text;
        let w: Vec<(&str, &str)> = listeners
            .iter()
            .map(|e| {
                let w = written(e).unwrap();
                (&text[w.entry], &text[w.name])
            })
            .collect();
        assert_eq!(
            w,
            [
                ("INTERNAL://:29092", "INTERNAL"),
                ("CONTROLLER://:9093", "CONTROLLER"),
                ("EXTERNAL://:9092", "EXTERNAL")
            ]
        );
        assert_eq!(bind_host(&listeners), "");
        let edit = retain(&project, &listeners, &[true, false, true]).unwrap();
        assert_eq!(edit.content, "INTERNAL://:29092, EXTERNAL://:9092");
        let edit = append(&project, &listeners, &["X://:1".into()]).unwrap();
        assert_eq!(edit.content, ", X://:1");
        assert!(retain(&project, &listeners, &[false; 3]).is_none());
    }
}
