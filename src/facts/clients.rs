//! The addresses a service connects to (RULES.md §1.4): every client-side environment value
//! and command-line flag, parsed, with the port each one means.

use super::connection::{
    Target, command_targets, host_port_pairs, inferred_port, is_browser_url_key, is_client_key,
    parse_value,
};
use super::images::{self, image_of, repository};
use super::values::{Arg, backticked, command_lines, starts_with_ignore_case};
use crate::images::entrypoint;
use crate::project::value::Value;
use crate::source::Span;
use std::ops::Range;

/// How the port of a target is known.
#[derive(Debug, Clone, Copy)]
pub enum PortSource<'p> {
    /// Written next to the host.
    Written,
    /// The scheme's default (`postgres://db/app` → 5432).
    SchemeDefault,
    /// The `X_PORT` key paired with the `X_HOST` key.
    Pair {
        /// The port key.
        key: &'p str,
        /// Its value.
        value: &'p Value,
    },
    /// Inferred from a word of the key (`POSTGRES_HOST` → 5432).
    Inferred,
    /// Not known.
    Unknown,
}

/// One address a service connects to.
#[derive(Debug, Clone)]
pub struct ClientTarget<'p> {
    /// The environment key, or None for a command-line flag.
    pub key: Option<&'p str>,
    /// How messages name the place: `` `KEY` ``, `` `command` `` or `` `entrypoint` ``.
    pub place: String,
    /// The string value holding the address.
    pub value: &'p Value,
    /// Where the parsed text starts in `value`'s text; None when the parsed text is not
    /// written there unchanged (a command word with quotes inside it).
    pub offset: Option<usize>,
    /// The parsed address; its ranges index the parsed text.
    pub target: Target,
    /// The port it means, when known.
    pub port: Option<u16>,
    /// How the port is known.
    pub port_source: PortSource<'p>,
    /// A key whose URLs a browser on the host opens (§1.4): loopback is right there.
    pub browser: bool,
}

impl ClientTarget<'_> {
    /// The range of `value`'s text holding `range` of the parsed text.
    pub fn value_range(&self, range: Range<usize>) -> Option<Range<usize>> {
        let offset = self.offset?;
        Some(offset + range.start..offset + range.end)
    }

    /// The host's range in `value`'s text.
    pub fn host_range(&self) -> Option<Range<usize>> {
        self.value_range(self.target.host_range.clone())
    }

    /// The file bytes of the host (or of the whole value when they cannot be told apart).
    pub fn host_span(&self) -> Span {
        self.host_range()
            .and_then(|r| self.value.as_str()?.literal_span(r))
            .unwrap_or(self.value.origin.span)
    }

    /// The host, lower-case.
    pub fn host(&self) -> String {
        self.target.host.to_ascii_lowercase()
    }
}

/// Every client-side address of a service (§1.4): values of client-side environment keys
/// (not a broker's own `KAFKA_*` properties, which the KAF rules read, nor those of a Kafka
/// image running a client tool, which nothing reads, nor an Elasticsearch or OpenSearch
/// node's `discovery.seed_hosts`, which ADV004 reads), and the client flags of
/// `command` and `entrypoint`, including inside `sh -c` scripts. Unknown values yield nothing.
pub(crate) fn client_targets(service: &Value) -> Vec<ClientTarget<'_>> {
    let mut out = Vec::new();
    let broker = images::is_kafka_broker(service) || images::is_kafka_image(service);
    let search_node = images::is_search_image(service);
    if let Some(env) = service.get("environment").and_then(Value::as_map) {
        // Ports are often written as numbers: `DB_PORT: 5432`.
        let owned: Vec<(&str, String)> = env
            .iter()
            .filter(|(_, _, v)| v.as_str().is_none_or(|s| s.is_known()))
            .filter_map(|(k, _, v)| Some((k, v.scalar_text()?.into_owned())))
            .collect();
        let texts: Vec<(&str, &str)> = owned.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let pairs = host_port_pairs(&texts);
        for (key, _, value) in env.iter() {
            if !is_client_key(key)
                || (broker && starts_with_ignore_case(key, "KAFKA_"))
                || (search_node && images::is_seed_hosts_key(key))
            {
                continue;
            }
            let Some(s) = value.as_str().filter(|s| s.is_known()) else {
                continue;
            };
            for target in parse_value(&s.text) {
                let (port, port_source) = if target.port_written {
                    (target.port, PortSource::Written)
                } else if target.port.is_some() {
                    (target.port, PortSource::SchemeDefault)
                } else if let Some((port_key, port_value)) = pairs
                    .iter()
                    .find(|(h, _)| h == key)
                    .and_then(|(_, p)| env.entry(p).map(|(_, v)| (p, v)))
                {
                    let port = port_value.scalar_text().and_then(|t| t.trim().parse().ok());
                    let port_key = env
                        .iter()
                        .map(|(k, _, _)| k)
                        .find(|k| k == port_key)
                        .unwrap_or(key);
                    (
                        port,
                        PortSource::Pair {
                            key: port_key,
                            value: port_value,
                        },
                    )
                } else if let Some(port) = inferred_port(key) {
                    (Some(port), PortSource::Inferred)
                } else {
                    (None, PortSource::Unknown)
                };
                out.push(ClientTarget {
                    key: Some(key),
                    place: backticked(key),
                    value,
                    offset: Some(0),
                    target,
                    port,
                    port_source,
                    browser: is_browser_url_key(key),
                });
            }
        }
    }
    // Without an `entrypoint` of its own, a `command` is the arguments of the image's
    // entrypoint program (kcat's images take `command: -b kafka:9092 -L`).
    let program = service
        .get("entrypoint")
        .is_none()
        .then(|| image_of(service).map(repository))
        .flatten()
        .and_then(entrypoint::entrypoint_program);
    for key in ["entrypoint", "command"] {
        for line in command_lines(service, key) {
            let lead = program.filter(|_| key == "command");
            let words: Vec<&str> = lead
                .into_iter()
                .chain(line.iter().map(|a| a.text.as_str()))
                .collect();
            let mut found = command_targets(&words);
            found.sort_by_key(|(index, t)| (*index, t.range.start));
            for (index, target) in found {
                // The program's name is not in the file.
                let Some(index) = index.checked_sub(usize::from(lead.is_some())) else {
                    continue;
                };
                let Arg { value, offset, .. } = &line[index];
                let (port, port_source) = match (target.port, target.port_written) {
                    (Some(p), true) => (Some(p), PortSource::Written),
                    (Some(p), false) => (Some(p), PortSource::SchemeDefault),
                    (None, _) => (None, PortSource::Unknown),
                };
                out.push(ClientTarget {
                    key: None,
                    place: backticked(key),
                    value,
                    offset: *offset,
                    target,
                    port,
                    port_source,
                    browser: false,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_with_ports() {
        let yaml = r#"
services:
  app:
    image: app
    environment:
      - DATABASE_URL=postgres://u:p@localhost/app
      - REDIS_HOST=localhost
      - CACHE_HOST=cache
      - CACHE_PORT=11211
      - DB_HOST=db
      - NEXT_PUBLIC_API_URL=http://localhost:8000
      - LISTEN_ADDR=0.0.0.0:80
    command: ["sh", "-c", "redis-cli -h redis -p 6380 ping && kcat -b kafka:9092 -L"]
"#;
        let project = crate::project::from_yaml(yaml);
        let (_, service) = project.services().next().unwrap();
        let got: Vec<String> = client_targets(service)
            .iter()
            .map(|t| {
                let text = &t.value.as_str().unwrap().text;
                format!(
                    "{} {} {:?} {} {}",
                    t.place,
                    t.host(),
                    t.port,
                    t.browser,
                    &text[t.host_range().unwrap()]
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                "`DATABASE_URL` localhost Some(5432) false localhost",
                "`REDIS_HOST` localhost Some(6379) false localhost",
                "`CACHE_HOST` cache Some(11211) false cache",
                "`DB_HOST` db None false db",
                "`NEXT_PUBLIC_API_URL` localhost Some(8000) true localhost",
                "`command` redis Some(6380) false redis",
                "`command` kafka Some(9092) false kafka",
            ]
        );
    }
}
