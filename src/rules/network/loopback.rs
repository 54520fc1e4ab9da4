//! What NET001 and NET002 share: a service connecting to loopback on a port it does not
//! listen on itself, and the sibling services that do listen there.

use crate::facts::bootstrap::is_bootstrap_key;
use crate::facts::clients::ClientTarget;
use crate::facts::connection::{HostClass, classify};
use crate::facts::service::Service;
use crate::facts::topology::{Blocked, Client, Topology};
use crate::images::env::companion_zookeeper_key;
use crate::rules::Context;

/// One connection to loopback that reaches nothing, since the service does not listen there.
pub(super) struct LoopbackUse<'p> {
    /// The address as the service writes it.
    pub target: ClientTarget<'p>,
    /// The port it connects to.
    pub port: u16,
}

impl LoopbackUse<'_> {
    /// The address for messages: as written when the port is written next to the host
    /// (`[::1]:5672`), else host and port joined.
    pub(super) fn shown(&self) -> String {
        let t = &self.target;
        let written = t
            .value_range(t.target.range.clone())
            .zip(t.value.as_str())
            .and_then(|(r, s)| s.text.get(r));
        match written {
            Some(w) if t.target.port_written && t.key.is_some() => w.to_string(),
            _ if t.target.host.contains(':') => format!("[{}]:{}", t.target.host, self.port),
            _ => format!("{}:{}", t.target.host, self.port),
        }
    }
}

/// The client-side addresses of `service` that are loopback (or an any-address inside a URL
/// or list), with a known port the service itself does not listen on. Browser-facing keys are
/// left out: a browser on the host opens them, where `localhost` is right (§1.4).
///
/// With a Kafka broker in the project, Kafka bootstrap addresses are CMP001's (§1.5).
pub(super) fn loopback_uses<'p>(cx: &Context<'p>, service: &Service<'p>) -> Vec<LoopbackUse<'p>> {
    // Only bridge networking: with `host` loopback is the host, and another container's
    // namespace is shared on purpose.
    if service.network_mode.is_set() {
        return Vec::new();
    }
    let repo = service
        .image
        .map(crate::images::repository)
        .unwrap_or_default();
    // As `facts::bootstrap` finds them: bootstrap keys, and scheme-less command-line lists.
    let kafka_owned = |t: &ClientTarget| match t.key {
        Some(key) => is_bootstrap_key(key),
        None => t.target.scheme.is_none(),
    };
    let project_has_broker = !cx.brokers().is_empty();
    cx.client_targets(service.spec)
        .iter()
        .filter(|t| !t.browser)
        .filter(|t| !(project_has_broker && kafka_owned(t)))
        // Keys read by the Kafka rules (KAF001's ZooKeeper connection of Confluent
        // companions); the loopback rules leave them alone (RULES.md §1.5).
        .filter(|t| t.key.is_none() || t.key != companion_zookeeper_key(repo))
        // The classes the address book resolves first: no name lookup is needed.
        .filter(|t| match classify(&t.target.host) {
            HostClass::Loopback => true,
            HostClass::AnyAddress => !t.target.is_bare(),
            _ => false,
        })
        .filter_map(|t| {
            let port = t.port?;
            // The topology is built only once a loopback address is found.
            let blocked = cx.topology().reach(
                crate::diagnostic::Platform::Linux,
                Client::Service(service.name),
                &t.target.host,
                Some(port),
            );
            (blocked == Err(Blocked::OwnContainer)).then(|| LoopbackUse {
                target: t.clone(),
                port,
            })
        })
        .collect()
}

/// A sibling that serves a port: it listens there, or publishes it as a host port that
/// forwards to container port `target`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Sibling<'p> {
    /// The service.
    pub name: &'p str,
    /// The container port to connect to from another container.
    pub target: u16,
    /// True when only the published host port matched.
    pub via_published: bool,
}

/// The services other than `name`, in their own network namespace, that listen on `port`
/// (any evidence) or publish host port `port`. Listening matches come first.
pub(super) fn siblings_serving<'p>(
    topology: &Topology<'p>,
    name: &str,
    port: u16,
) -> Vec<Sibling<'p>> {
    let mut out: Vec<Sibling<'p>> = Vec::new();
    for other in topology.book().services() {
        if other == name || !topology.in_own_namespace(other) {
            continue;
        }
        if topology.listens(other).is_some_and(|l| l.contains(port)) {
            out.push(Sibling {
                name: other,
                target: port,
                via_published: false,
            });
        }
    }
    for (other, mapping) in topology.publishers(port) {
        if other == name || out.iter().any(|s| s.name == other) {
            continue;
        }
        // A host range maps to an equal-length container range.
        let offset = port - mapping.host_ports.start();
        let target = mapping.target_ports.start().saturating_add(offset);
        out.push(Sibling {
            name: other,
            target,
            via_published: true,
        });
    }
    out
}
