//! The dual-listener rewrite (RULES.md §3.5), shared by the Kafka fixes: a broker gets one
//! listener for containers (`INTERNAL://<service>:<Pi>`) and one for the host
//! (`EXTERNAL://localhost:<Pe>`, published as `"Pe:Pe"`), and the project's clients of the
//! broker bootstrap from the internal one.

use crate::diagnostic::{Applicability, Edit, Fix};
use crate::facts::address_book::{AddressBook, Addressee};
use crate::facts::bootstrap::bootstrap_targets;
use crate::facts::kafka::{self, BUILT_IN_PROTOCOLS, Broker, Endpoint, EndpointSource, Family};
use crate::facts::ports::targets;
use crate::facts::service::Service;
use crate::fix::builders::{self, Piece};
use crate::project::Project;
use crate::project::interpolate::SegmentKind;
use crate::project::value::{Str, Value};
use crate::rules::Context;
use std::ops::Range;

/// Internal ports tried in order (§3.5).
const INTERNAL_PORTS: [u16; 3] = [29092, 19092, 39092];

/// The listener layout the rewrite produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Layout {
    /// The listener containers use, and its port.
    pub internal: (String, u16),
    /// The listener the host uses, and its (published, equal) port.
    pub external: (String, u16),
}

/// Plans the layout for `broker`, whose service is `service`: keeps the names that already play a role (the inter-broker
/// listener stays the internal one; a listener advertised on loopback becomes the external
/// one), keeps the published host port clients use (9092 when there is none), and picks a free
/// internal port.
pub(crate) fn plan(book: &AddressBook, service: &Service, broker: &Broker) -> Layout {
    let (listeners, _) = broker.effective_listeners();
    let advertised = broker.effective_advertised();
    let controllers = broker.controller_names();
    let inter_broker = broker.inter_broker_name();
    let internal_name = if listeners.iter().any(|l| l.name == inter_broker) {
        inter_broker
    } else if broker.family == Family::Bitnami {
        "CLIENT".to_string()
    } else {
        "INTERNAL".to_string()
    };
    let external_name = advertised
        .iter()
        .find(|a| {
            a.name != internal_name
                && !controllers.contains(&a.name)
                && book.resolve(broker.service, &a.host) == Addressee::Loopback
        })
        .map_or_else(|| "EXTERNAL".to_string(), |a| a.name.clone());
    let listener_ports: Vec<u16> = listeners
        .iter()
        .filter(|l| !controllers.contains(&l.name))
        .filter_map(|l| l.port)
        .collect();
    // The host port clients use: one published to a listener, preferring the external one's.
    let mappings = service.published();
    let external_bind = listeners
        .iter()
        .find(|l| l.name == external_name)
        .and_then(|l| l.port);
    let to_listener = |port: Option<u16>| {
        mappings
            .iter()
            .find(|m| port.is_some_and(|p| m.target_ports.contains(&p)))
            .map(|m| *m.host_ports.start())
    };
    let pe = to_listener(external_bind)
        .or_else(|| listener_ports.iter().find_map(|p| to_listener(Some(*p))))
        .unwrap_or(9092);
    let internal_port = listeners
        .iter()
        .find(|l| l.name == internal_name)
        .and_then(|l| l.port)
        .filter(|p| *p != pe);
    let all_ports: Vec<u16> = listeners.iter().filter_map(|l| l.port).collect();
    let pi = internal_port.unwrap_or_else(|| {
        INTERNAL_PORTS
            .into_iter()
            .find(|p| *p != pe && !all_ports.contains(p))
            .unwrap_or(29092)
    });
    Layout {
        internal: (internal_name, pi),
        external: (external_name, pe),
    }
}

/// The rewrite of `broker` (whose service is `service`) as one fix, or None when a value
/// involved cannot be edited in place (an unset variable, a value from `.env`) or the broker
/// has no environment to edit.
pub(crate) fn rewrite(
    cx: &Context,
    service: &Service,
    broker: &Broker,
    title: &str,
) -> Option<Fix> {
    let project = cx.project;
    let book = cx.book();
    // A listener published on an ephemeral host port (`"9092"`): the host listener would have
    // to advertise a port Docker has not picked yet, and pinning one (for every broker of a
    // cluster publishing `"9092"`) would collide.
    let listener_ports: Vec<u16> = broker
        .effective_listeners()
        .0
        .iter()
        .filter_map(|l| l.port)
        .collect();
    if service
        .port_targets()
        .iter()
        .any(|t| t.host_port.is_none() && listener_ports.iter().any(|p| t.ports.contains(p)))
    {
        return None;
    }
    let layout = plan(book, service, broker);
    let (internal, pi) = (&layout.internal.0, layout.internal.1);
    let (external, pe) = (&layout.external.0, layout.external.1);
    let mut edits = match broker.family {
        Family::Redpanda => redpanda_edits(project, book, service, broker, &layout)?,
        _ => kafka_edits(project, book, service, broker, &layout)?,
    };
    edits.extend(port_edits(project, service, &layout)?);
    // Re-point the project's clients of the broker at the internal listener.
    let address = format!("{}:{pi}", broker.service);
    for client in cx.services() {
        if client.name == broker.service {
            continue;
        }
        for t in bootstrap_targets(client.spec) {
            if book.resolve(client.name, &t.target.host) != Addressee::Service(broker.service)
                || t.port == Some(pi)
            {
                continue;
            }
            let range = t.value_range(t.target.range.clone())?;
            edits.push(builders::replace_part(project, t.value, range, &address)?);
        }
    }
    let secure = broker
        .effective_listeners()
        .0
        .iter()
        .any(|l| broker.protocol(&l.name).is_some_and(|p| p != "PLAINTEXT"));
    let per_listener = broker
        .properties
        .iter()
        .any(|(p, _)| p.starts_with("listener.name."));
    let single = kafka::cluster_broker_count(book, cx.brokers(), broker) == Some(1);
    let safe = single && !secure && !per_listener;
    Some(Fix::new(
        format!(
            "{title}: `{internal}://{}:{pi}` for containers, `{external}://localhost:{pe}` for the host",
            broker.service
        ),
        if safe {
            Applicability::Safe
        } else {
            Applicability::Review
        },
        edits,
    ))
}

/// One entry of a new listener list: its name, and its text in pieces.
struct NewEntry {
    name: String,
    pieces: Vec<Piece>,
}

impl NewEntry {
    /// `NAME://host:port`, the host given as a piece.
    fn new(name: &str, host: Piece, port: u16) -> Self {
        NewEntry {
            name: name.to_string(),
            pieces: vec![
                Piece::Text(format!("{name}://")),
                host,
                Piece::Text(format!(":{port}")),
            ],
        }
    }
}

/// The entries joined with commas.
fn joined(entries: &[NewEntry]) -> Vec<Piece> {
    let mut out = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        if i > 0 {
            out.push(Piece::Text(",".into()));
        }
        out.extend(e.pieces.iter().cloned());
    }
    out
}

/// Bytes of an endpoint as a piece of the value `target` that the rewrite replaces: kept as
/// the file writes them when a variable writes them there (`${HOST:-localhost}` stays), else
/// `text`.
fn piece(
    e: &Endpoint,
    bytes: fn(&EndpointSource) -> Range<usize>,
    target: Option<&Value>,
    text: String,
) -> Piece {
    let written = e.source.as_ref().filter(|s| {
        target.is_some_and(|t| std::ptr::eq(t, s.value))
            && s.value
                .as_str()
                .is_some_and(|v| has_variables_in(v, bytes(s)))
    });
    match written {
        Some(s) => Piece::Kept(bytes(s)),
        None => Piece::Text(text),
    }
}

/// Whether a variable expression writes some of bytes `range` of a string.
fn has_variables_in(s: &Str, range: Range<usize>) -> bool {
    s.interpolation.as_ref().is_some_and(|i| {
        i.segments.iter().any(|seg| {
            let top_level = matches!(
                seg.kind,
                SegmentKind::Literal {
                    default_of: None,
                    ..
                }
            );
            // An empty expression counts where it touches the range.
            let touches = if seg.text.is_empty() {
                range.start <= seg.text.start && seg.text.start <= range.end
            } else {
                seg.text.start < range.end && range.start < seg.text.end
            };
            !top_level && touches
        })
    })
}

/// The other endpoints of a list, as written, that the rewrite keeps.
fn kept(
    endpoints: &[Endpoint],
    layout: &Layout,
    controllers: &[String],
    keep_controllers: bool,
    target: Option<&Value>,
) -> Vec<NewEntry> {
    endpoints
        .iter()
        .filter(|e| e.name != layout.internal.0 && e.name != layout.external.0)
        .filter(|e| keep_controllers || !controllers.contains(&e.name))
        .map(|e| {
            let text = match e.port {
                Some(p) => format!("{}:{p}", e.host),
                None => e.host.clone(),
            };
            NewEntry {
                name: e.name.clone(),
                pieces: vec![
                    Piece::Text(format!("{}://", e.name)),
                    piece(e, |s| s.entry.clone(), target, text),
                ],
            }
        })
        .collect()
}

/// The loopback endpoint the external listener takes the place of, whose host it keeps when
/// a variable writes it: the one of its name, else the one on its port, else the first.
fn replaced<'e, 'p>(
    book: &AddressBook,
    broker: &Broker,
    layout: &Layout,
    advertised: &'e [Endpoint<'p>],
) -> Option<&'e Endpoint<'p>> {
    let controllers = broker.controller_names();
    let loopback: Vec<&Endpoint> = advertised
        .iter()
        .filter(|a| {
            !controllers.contains(&a.name)
                && book.resolve(broker.service, &a.host) == Addressee::Loopback
        })
        .collect();
    let (external, pe) = (&layout.external.0, layout.external.1);
    loopback
        .iter()
        .find(|a| a.name == *external)
        .or_else(|| loopback.iter().find(|a| a.port == Some(pe)))
        .or_else(|| loopback.first())
        .copied()
}

/// Listener, advertised listener, protocol map and inter-broker settings, and the legacy keys
/// wurstmeister's script would otherwise prefer.
fn kafka_edits(
    project: &Project,
    book: &AddressBook,
    service: &Service,
    broker: &Broker,
    layout: &Layout,
) -> Option<Vec<Edit>> {
    let env = service.environment()?;
    let prefix = broker.family.prefix();
    let (internal, pi) = (&layout.internal.0, layout.internal.1);
    let (external, pe) = (&layout.external.0, layout.external.1);
    let controllers = broker.controller_names();
    let (listeners, _) = broker.effective_listeners();
    // Keep the file's way of writing a bind-all host.
    let bind = if broker
        .listeners()
        .is_some_and(|l| l.iter().any(|e| e.host.is_empty()))
    {
        ""
    } else {
        "0.0.0.0"
    };
    let listeners_value = broker.property("listeners").map(|s| s.value);
    let advertised_value = broker.property("advertised.listeners").map(|s| s.value);
    let mut new_listeners = vec![
        NewEntry::new(internal, Piece::Text(bind.into()), pi),
        NewEntry::new(external, Piece::Text(bind.into()), pe),
    ];
    new_listeners.extend(kept(
        &listeners,
        layout,
        &controllers,
        true,
        listeners_value,
    ));
    let advertised = broker.effective_advertised();
    let internal_host = match internal_endpoint(book, broker, layout, &advertised) {
        Some(e) => piece(e, |s| s.host.clone(), advertised_value, e.host.clone()),
        None => Piece::Text(broker.service.to_string()),
    };
    let external_host = match replaced(book, broker, layout, &advertised) {
        Some(e) => piece(e, |s| s.host.clone(), advertised_value, "localhost".into()),
        None => Piece::Text("localhost".into()),
    };
    let mut new_advertised = vec![
        NewEntry::new(internal, internal_host, pi),
        NewEntry::new(external, external_host, pe),
    ];
    new_advertised.extend(kept(
        &advertised,
        layout,
        &controllers,
        false,
        advertised_value,
    ));
    let mut edits = vec![
        set_list(
            project,
            env,
            broker,
            "listeners",
            &format!("{prefix}LISTENERS"),
            &joined(&new_listeners),
        )?,
        set_list(
            project,
            env,
            broker,
            "advertised.listeners",
            &format!("{prefix}ADVERTISED_LISTENERS"),
            &joined(&new_advertised),
        )?,
    ];
    // Every name needs a protocol; new names are PLAINTEXT.
    let names: Vec<String> = new_listeners.iter().map(|l| l.name.clone()).collect();
    let missing: Vec<&String> = names
        .iter()
        .filter(|n| broker.protocol(n).is_none())
        .collect();
    if !missing.is_empty() {
        let map = match broker.protocol_map() {
            Some(mut map) => {
                map.extend(
                    missing
                        .iter()
                        .map(|n| (n.to_string(), "PLAINTEXT".to_string())),
                );
                map
            }
            None => names
                .iter()
                .map(|n| {
                    let protocol = if BUILT_IN_PROTOCOLS.contains(&n.as_str()) {
                        n.clone()
                    } else {
                        "PLAINTEXT".to_string()
                    };
                    (n.clone(), protocol)
                })
                .collect(),
        };
        let text: Vec<String> = map.iter().map(|(n, p)| format!("{n}:{p}")).collect();
        edits.push(set(
            project,
            env,
            broker,
            "listener.security.protocol.map",
            &format!("{prefix}LISTENER_SECURITY_PROTOCOL_MAP"),
            &text.join(","),
        )?);
    }
    if broker.inter_broker_name() != *internal {
        if broker.property("security.inter.broker.protocol").is_some() {
            return None;
        }
        edits.push(set(
            project,
            env,
            broker,
            "inter.broker.listener.name",
            &format!("{prefix}INTER_BROKER_LISTENER_NAME"),
            internal,
        )?);
    }
    if broker.family == Family::Wurstmeister {
        for legacy in ["advertised.host.name", "advertised.port", "port"] {
            if let Some(setting) = broker.property(legacy) {
                edits.push(builders::remove_key(project, env, setting.key)?);
            }
        }
    }
    Some(edits)
}

/// The advertised endpoint whose host containers use for the internal listener: the one it
/// already advertises when that names the broker (a `hostname`, an alias); None when the
/// service name is to be used.
fn internal_endpoint<'e, 'p>(
    book: &AddressBook,
    broker: &Broker,
    layout: &Layout,
    advertised: &'e [Endpoint<'p>],
) -> Option<&'e Endpoint<'p>> {
    advertised.iter().find(|a| {
        a.name == layout.internal.0
            && book.resolve(broker.service, &a.host) == Addressee::Service(broker.service)
    })
}

/// The host containers use for the internal listener, as text.
fn internal_host(book: &AddressBook, broker: &Broker, layout: &Layout) -> String {
    let advertised = broker.effective_advertised();
    internal_endpoint(book, broker, layout, &advertised)
        .map_or_else(|| broker.service.to_string(), |a| a.host.clone())
}

/// Sets a broker property: its variable where one is written, else a new variable `key`.
fn set(
    project: &Project,
    env: &Value,
    broker: &Broker,
    property: &str,
    key: &str,
    value: &str,
) -> Option<Edit> {
    match broker.property(property) {
        Some(setting) => builders::replace_scalar(project, setting.value, value),
        None => builders::set_env(project, env, key, value),
    }
}

/// Sets a listener-list property to `pieces`: its variable where one is written (keeping the
/// variables of kept pieces), else a new variable `key`.
fn set_list(
    project: &Project,
    env: &Value,
    broker: &Broker,
    property: &str,
    key: &str,
    pieces: &[Piece],
) -> Option<Edit> {
    match broker.property(property) {
        Some(setting) => builders::replace_pieces(project, setting.value, pieces),
        None => builders::set_env(project, env, key, &Piece::all_text(pieces)?),
    }
}

/// Redpanda's `--kafka-addr` and `--advertise-kafka-addr` values; the latter is added after
/// the former when missing.
fn redpanda_edits(
    project: &Project,
    book: &AddressBook,
    service: &Service,
    broker: &Broker,
    layout: &Layout,
) -> Option<Vec<Edit>> {
    let (internal, pi) = (layout.internal.0.to_ascii_lowercase(), layout.internal.1);
    let (external, pe) = (layout.external.0.to_ascii_lowercase(), layout.external.1);
    let host = internal_host(book, broker, layout);
    let controllers = broker.controller_names();
    let listeners = format!(
        "{internal}://0.0.0.0:{pi},{external}://0.0.0.0:{pe}{}",
        redpanda_kept(&broker.listeners()?, layout, &controllers)?
    );
    let advertised = format!(
        "{internal}://{host}:{pi},{external}://localhost:{pe}{}",
        redpanda_kept(
            &broker.advertised().unwrap_or_default(),
            layout,
            &controllers
        )?
    );
    let mut edits = vec![replace_list(project, &broker.listeners()?, &listeners)?];
    match broker.advertised() {
        Some(endpoints) => edits.push(replace_list(project, &endpoints, &advertised)?),
        None => {
            // After the listeners' flag, written the same way.
            let source = broker.listeners()?.first()?.source.clone()?;
            let text = &source.value.as_str()?.text;
            let separator = if text[..source.offset].ends_with('=') {
                "="
            } else {
                " "
            };
            let flag = format!("--advertise-kafka-addr{separator}{advertised}");
            edits.push(match service.command_value() {
                Some(command) if command.as_seq().is_some() => {
                    builders::add_item(project, command, &flag)?
                }
                _ => builders::replace_part(
                    project,
                    source.value,
                    text.len()..text.len(),
                    &format!(" {flag}"),
                )?,
            });
        }
    }
    Some(edits)
}

/// The other Redpanda endpoints of a list (`,name://host:port` each, as written), which the
/// rewrite keeps: a client or a port mapping may use them. None when a variable writes one
/// (its value is not to be baked into the file).
fn redpanda_kept(
    endpoints: &[Endpoint],
    layout: &Layout,
    controllers: &[String],
) -> Option<String> {
    let mut out = String::new();
    for e in endpoints {
        let renamed = [&layout.internal.0, &layout.external.0]
            .iter()
            .any(|n| n.eq_ignore_ascii_case(&e.name));
        if renamed || controllers.contains(&e.name) {
            continue;
        }
        let source = e.source.as_ref()?;
        let s = source.value.as_str()?;
        let name_end = source.entry.start.checked_sub("://".len())?;
        let name_start = s.text[..name_end]
            .rfind([',', ' ', '='])
            .map_or(0, |i| i + 1)
            .max(source.offset);
        if has_variables_in(s, name_start..source.entry.end) {
            return None;
        }
        out.push(',');
        out.push_str(s.text.get(name_start..source.entry.end)?);
    }
    Some(out)
}

/// Replaces a written endpoint list (from its first entry's name to its last entry's end)
/// with `new`, or the whole scalar when the part cannot be replaced in place.
fn replace_list(project: &Project, endpoints: &[Endpoint], new: &str) -> Option<Edit> {
    let first = endpoints.first()?.source.as_ref()?;
    let last = endpoints.last()?.source.as_ref()?;
    let end = last.entry.end;
    let text = &first.value.as_str()?.text;
    // The list starts after the flag (`--flag=list`, `--flag list`).
    let start = first.offset;
    builders::replace_part(project, first.value, start..end, new).or_else(|| {
        let mut whole = text.clone();
        whole.replace_range(start..end, new);
        builders::replace_scalar(project, first.value, &whole)
    })
}

/// `"Pe:Pe"` published (an existing mapping of host port `Pe` is pointed at `Pe`), and
/// mappings that published the internal listener removed.
fn port_edits(project: &Project, service: &Service, layout: &Layout) -> Option<Vec<Edit>> {
    let (pi, pe) = (layout.internal.1, layout.external.1);
    let mut edits = Vec::new();
    let sides = targets(service.spec);
    let ports = service.ports_entry().map(|(_, v)| v);
    match sides.iter().find(|t| t.host_port == Some(pe)) {
        Some(t) if *t.ports.start() != pe => {
            edits.push(match t.value.as_str() {
                Some(_) => {
                    builders::replace_part(project, t.value, t.text.clone(), &pe.to_string())?
                }
                None => builders::replace_scalar(project, t.value, &pe.to_string())?,
            });
        }
        Some(_) => {}
        None => {
            let item = format!("\"{pe}:{pe}\"");
            edits.push(match ports {
                Some(ports) => builders::add_item(project, ports, &item)?,
                None => builders::add_key(project, service.spec, "ports", &format!("[{item}]"))?,
            });
        }
    }
    if let Some(ports) = ports
        && let Some(items) = ports.as_seq()
    {
        for (index, item) in items.iter().enumerate() {
            let internal = sides.iter().any(|t| {
                (std::ptr::eq(t.value, item)
                    || item.get("target").is_some_and(|v| std::ptr::eq(v, t.value)))
                    && *t.ports.start() == pi
                    && t.host_port != Some(pe)
            });
            if internal {
                edits.push(builders::remove_item(project, ports, index)?);
            }
        }
    }
    Some(edits)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(yaml: &str) -> Layout {
        let project = crate::project::from_yaml(yaml);
        let cx = Context::new(&project);
        let broker = &cx.brokers()[0];
        let service = cx.service(broker.service).expect("service");
        plan(cx.book(), service, broker)
    }

    #[test]
    fn plans() {
        let single_loopback = r#"
services:
  kafka:
    image: confluentinc/cp-kafka:7.6.0
    ports: ["9092:9092"]
    environment:
      KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://localhost:9092
"#;
        assert_eq!(
            layout(single_loopback),
            Layout {
                internal: ("PLAINTEXT".into(), 29092),
                external: ("EXTERNAL".into(), 9092)
            }
        );
        let named = r#"
services:
  kafka:
    image: bitnami/kafka:3.7
    ports: ["19094:9094"]
    environment:
      KAFKA_CFG_LISTENERS: CLIENT://:9092,EXTERNAL://:9094
      KAFKA_CFG_ADVERTISED_LISTENERS: CLIENT://localhost:9092,EXTERNAL://localhost:9094
      KAFKA_CFG_INTER_BROKER_LISTENER_NAME: CLIENT
"#;
        assert_eq!(
            layout(named),
            Layout {
                internal: ("CLIENT".into(), 9092),
                external: ("EXTERNAL".into(), 19094)
            }
        );
    }

    fn load(yaml: &str, opts: &crate::project::LoadOptions) -> Project {
        crate::project::load_text(std::path::Path::new("c.yaml"), yaml.into(), opts)
    }

    /// The file after the rewrite of the first broker, or None when it refuses.
    fn rewritten(project: &Project) -> Option<String> {
        let cx = Context::new(project);
        let broker = cx.brokers().first()?;
        let service = cx.service(broker.service)?;
        let fix = rewrite(&cx, service, broker, "Advertise two listeners")?;
        let edits: Vec<&Edit> = fix.edits.iter().collect();
        Some(crate::diagnostic::apply_edits(
            project.files[0].text(),
            &edits,
        ))
    }

    const BITNAMI_LIST: &str = r#"
services:
  kafka:
    image: bitnami/kafka:3.7
    ports:
      - "9092:9092"
    environment:
      - KAFKA_CFG_PROCESS_ROLES=controller,broker
      - KAFKA_CFG_LISTENERS=PLAINTEXT://:9092,CONTROLLER://:9093
      - KAFKA_CFG_ADVERTISED_LISTENERS=PLAINTEXT://${KAFKA_HOST:-127.0.0.1}:9092
      - KAFKA_CFG_CONTROLLER_LISTENER_NAMES=CONTROLLER
"#;

    #[test]
    fn the_external_listener_keeps_the_variable_of_the_loopback_host() {
        let project = load(BITNAMI_LIST, &Default::default());
        let out = rewritten(&project).expect("rewrite");
        assert!(out.contains(
            "- KAFKA_CFG_ADVERTISED_LISTENERS=PLAINTEXT://kafka:29092,EXTERNAL://${KAFKA_HOST:-127.0.0.1}:9092\n"
        ));
        assert!(out.contains(
            "- KAFKA_CFG_LISTENERS=PLAINTEXT://:29092,EXTERNAL://:9092,CONTROLLER://:9093\n"
        ));
    }

    #[test]
    fn a_quoted_value_keeps_its_quotes_and_its_variable() {
        let yaml = r#"
services:
  kafka:
    image: confluentinc/cp-kafka:7.6.0
    ports: ["9092:9092"]
    environment:
      KAFKA_ZOOKEEPER_CONNECT: zookeeper:2181
      KAFKA_ADVERTISED_LISTENERS: "PLAINTEXT://${KAFKA_HOST:-localhost}:9092"
"#;
        let project = load(yaml, &Default::default());
        let out = rewritten(&project).expect("rewrite");
        assert!(out.contains(
            "KAFKA_ADVERTISED_LISTENERS: \"PLAINTEXT://kafka:29092,EXTERNAL://${KAFKA_HOST:-localhost}:9092\"\n"
        ));
    }

    #[test]
    fn dollars_are_neither_doubled_nor_lost() {
        let yaml = "services:\n  a:\n    environment:\n      V: x$$y-${H:-hh}\n";
        let project = load(yaml, &Default::default());
        let services = crate::facts::service::services(&project);
        let value = services[0].env_value("V").expect("V");
        assert_eq!(value.as_str().map(|s| s.text.as_str()), Some("x$y-hh"));
        let pieces = [
            Piece::Kept(0..4),
            Piece::Text("$z-".into()),
            Piece::Kept(4..6),
        ];
        let edit = builders::replace_pieces(&project, value, &pieces).expect("edit");
        assert_eq!(edit.content, "x$$y-$$z-${H:-hh}");
        // Dropping the variable, or keeping half of it, is refused.
        let dropped = [Piece::Kept(0..4), Piece::Text("h2".into())];
        assert!(builders::replace_pieces(&project, value, &dropped).is_none());
        let half = [Piece::Kept(0..5), Piece::Text("2".into())];
        assert!(builders::replace_pieces(&project, value, &half).is_none());
        // A `$$` without any variable stays `$$` too.
        let yaml = "services:\n  a:\n    environment:\n      V: a$$b\n";
        let project = load(yaml, &Default::default());
        let services = crate::facts::service::services(&project);
        let value = services[0].env_value("V").expect("V");
        let pieces = [Piece::Kept(0..3), Piece::Text("$c".into())];
        let edit = builders::replace_pieces(&project, value, &pieces).expect("edit");
        assert_eq!(edit.content, "a$$b$$c");
    }

    #[test]
    fn a_variable_set_in_env_is_never_baked_into_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let env = dir.path().join(".env");
        std::fs::write(&env, "KAFKA_HOST=127.0.0.1\n").expect("write .env");
        let opts = crate::project::LoadOptions {
            env_files: vec![env],
            ..Default::default()
        };
        let project = load(BITNAMI_LIST, &opts);
        assert!(
            !kafka::brokers(&project)[0]
                .effective_advertised()
                .is_empty()
        );
        assert_eq!(rewritten(&project), None);
    }

    #[test]
    fn a_variable_the_rewrite_would_drop_or_cannot_know_refuses_it() {
        let dropped = BITNAMI_LIST.replace(
            "PLAINTEXT://:9092,CONTROLLER",
            "PLAINTEXT://:${PORT:-9092},CONTROLLER",
        );
        assert_eq!(rewritten(&load(&dropped, &Default::default())), None);
        let unset = BITNAMI_LIST.replace("${KAFKA_HOST:-127.0.0.1}", "${KAFKA_HOST}");
        assert_eq!(rewritten(&load(&unset, &Default::default())), None);
    }
}
