//! Who can reach what, on which platform (RULES.md §2): the answer to "can client C (a
//! service, or a program on the host) connect to address A:P?", with the reason when not.

use crate::diagnostic::Platform;
use crate::facts::address_book::{AddressBook, Addressee};
use crate::facts::listens::{Listens, listens};
use crate::facts::network_mode::NetworkMode;
use crate::facts::ports::{Published, published};
use crate::project::Project;
use crate::project::value::Value;
use std::sync::Arc;

/// Who connects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Client<'a> {
    /// A program on the host machine (a browser, a test, a CLI).
    Host,
    /// A service of the project.
    Service(&'a str),
}

/// Why a connection fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blocked {
    /// Loopback inside a container is the container itself, which does not listen there.
    OwnContainer,
    /// No service publishes the port on the host.
    NotPublished,
    /// The host cannot route to container IPs (Docker Desktop and other VM-based engines).
    ContainerIpFromHost,
    /// Service names and container-only names resolve inside Compose networks only.
    NameFromHost,
    /// The two services share no network.
    NoSharedNetwork,
    /// Docker Engine on Linux resolves the host-gateway names only through `extra_hosts`.
    NeedsHostGateway,
    /// A legacy Docker Desktop name, which no other engine resolves.
    DesktopOnly,
}

impl Blocked {
    /// The reason in words, for messages.
    pub fn reason(self) -> &'static str {
        match self {
            Blocked::OwnContainer => "inside a container, loopback is the container itself",
            Blocked::NotPublished => "no service publishes that port on the host",
            Blocked::ContainerIpFromHost => {
                "the host cannot route to container IPs on Docker Desktop and other VM-based engines"
            }
            Blocked::NameFromHost => "the name resolves only inside the Compose network",
            Blocked::NoSharedNetwork => "the two services share no network",
            Blocked::NeedsHostGateway => {
                "Docker Engine on Linux resolves it only with an `extra_hosts` entry"
            }
            Blocked::DesktopOnly => "only Docker Desktop resolves it",
        }
    }
}

/// One service as the topology sees it.
struct Node<'p> {
    name: &'p str,
    listens: Listens,
    published: Vec<Published<'p>>,
    /// `network_mode` `service:X` / `container:X`: the namespace owner; `host`: the host.
    namespace: Namespace<'p>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Namespace<'p> {
    Own,
    Host,
    Of(&'p str),
}

/// The project's reachability facts.
pub struct Topology<'p> {
    /// Shared with [`crate::rules::Context`], which needs it without the rest.
    book: Arc<AddressBook<'p>>,
    nodes: Vec<Node<'p>>,
    /// Node index by service key.
    index: std::collections::HashMap<&'p str, usize>,
}

impl<'p> Topology<'p> {
    /// Computes listening and published ports of every service; `book` is the project's
    /// address book, built once for the checks too.
    pub fn new(project: &'p Project, book: Arc<AddressBook<'p>>) -> Self {
        let services: Vec<(&'p str, &'p Value)> = project.services().collect();
        let workers = crate::parallel::workers(services.len());
        let nodes = crate::parallel::map_in_order(&services, workers, |&(name, service)| Node {
            name,
            listens: listens(service),
            published: published(service),
            namespace: namespace(service),
        });
        let index = nodes.iter().enumerate().map(|(i, n)| (n.name, i)).collect();
        Topology { book, nodes, index }
    }

    /// The address book.
    pub fn book(&self) -> &AddressBook<'p> {
        &self.book
    }

    /// What `service` listens on (empty for unknown services).
    pub fn listens(&self, service: &str) -> Option<&Listens> {
        self.node(service).map(|n| &n.listens)
    }

    /// The fixed host ports `service` publishes (none in another namespace, where Docker
    /// refuses or discards them).
    pub fn published(&self, service: &str) -> &[Published<'p>] {
        match self.node(service) {
            Some(n) if n.namespace == Namespace::Own => &n.published,
            _ => &[],
        }
    }

    /// Whether `service` has its own network namespace (no `network_mode` host, `service:` or
    /// `container:`), so that its service name reaches it.
    pub fn in_own_namespace(&self, service: &str) -> bool {
        self.node(service)
            .is_some_and(|n| n.namespace == Namespace::Own)
    }

    /// The services publishing host port `port`.
    pub fn publishers(&self, port: u16) -> impl Iterator<Item = (&'p str, &Published<'p>)> + '_ {
        self.nodes
            .iter()
            .filter(|n| n.namespace == Namespace::Own)
            .flat_map(move |n| {
                n.published
                    .iter()
                    .filter(move |p| p.host_ports.contains(&port))
                    .map(move |p| (n.name, p))
            })
    }

    /// Whether `client` can connect to `host:port` on `platform`; `port` None when unknown.
    pub fn reach(
        &self,
        platform: Platform,
        client: Client,
        host: &str,
        port: Option<u16>,
    ) -> Result<(), Blocked> {
        match client {
            Client::Service(c) => self.reach_from_service(platform, c, host, port),
            Client::Host => self.reach_from_host(platform, host, port),
        }
    }

    /// The platforms on which `client` cannot connect to `host:port`, with the first reason.
    pub fn failing(
        &self,
        client: Client,
        host: &str,
        port: Option<u16>,
    ) -> (Vec<Platform>, Option<Blocked>) {
        let mut platforms = Vec::new();
        let mut reason = None;
        for platform in Platform::ALL {
            if let Err(why) = self.reach(platform, client, host, port) {
                platforms.push(platform);
                reason.get_or_insert(why);
            }
        }
        (platforms, reason)
    }

    fn reach_from_service(
        &self,
        platform: Platform,
        client: &str,
        host: &str,
        port: Option<u16>,
    ) -> Result<(), Blocked> {
        let owner = match self.node(client).map(|n| n.namespace) {
            // The host's network namespace: names and loopback are the host's.
            Some(Namespace::Host) => return Ok(()),
            Some(Namespace::Of(owner)) => owner,
            _ => client,
        };
        match self.book.resolve(owner, host) {
            Addressee::Loopback | Addressee::AnyAddress => {
                let listening = |name: &str| {
                    self.node(name)
                        .is_some_and(|n| port.is_none_or(|p| n.listens.contains(p)))
                };
                // Containers sharing one namespace share its loopback.
                let sharing = self.nodes.iter().any(|n| {
                    (n.name == owner || n.namespace == Namespace::Of(owner)) && listening(n.name)
                });
                if sharing {
                    Ok(())
                } else {
                    Err(Blocked::OwnContainer)
                }
            }
            Addressee::Service(target) => {
                if target == owner
                    || self.node(target).map(|n| n.namespace) == Some(Namespace::Of(owner))
                    || self.book.share_network(owner, target)
                {
                    Ok(())
                } else {
                    Err(Blocked::NoSharedNetwork)
                }
            }
            Addressee::HostGateway if platform == Platform::Linux => Err(Blocked::NeedsHostGateway),
            Addressee::DesktopLegacy if platform == Platform::Linux => Err(Blocked::DesktopOnly),
            _ => Ok(()),
        }
    }

    fn reach_from_host(
        &self,
        platform: Platform,
        host: &str,
        port: Option<u16>,
    ) -> Result<(), Blocked> {
        // Names are resolved as no service would: only the host's own resolver applies.
        match self.book.resolve("", host) {
            Addressee::Loopback | Addressee::AnyAddress => match port {
                Some(p) if self.publishers(p).next().is_none() => Err(Blocked::NotPublished),
                _ => Ok(()),
            },
            Addressee::Service(_) if host.parse::<std::net::IpAddr>().is_ok() => {
                self.ip_from_host(platform)
            }
            Addressee::ContainerIp => self.ip_from_host(platform),
            Addressee::Service(_) | Addressee::HostGateway | Addressee::DesktopLegacy => {
                Err(Blocked::NameFromHost)
            }
            Addressee::ExtraHost | Addressee::External => Ok(()),
        }
    }

    fn ip_from_host(&self, platform: Platform) -> Result<(), Blocked> {
        if platform == Platform::Linux {
            Ok(())
        } else {
            Err(Blocked::ContainerIpFromHost)
        }
    }

    fn node(&self, service: &str) -> Option<&Node<'p>> {
        self.index.get(service).map(|&i| &self.nodes[i])
    }
}

fn namespace(service: &Value) -> Namespace<'_> {
    match NetworkMode::of(service) {
        NetworkMode::Host => Namespace::Host,
        NetworkMode::Service(owner) | NetworkMode::Container(owner) => Namespace::Of(owner),
        _ => Namespace::Own,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Platform::*;

    #[test]
    fn reachability() {
        let yaml = r#"
services:
  db:
    image: postgres
    ports: ["5433:5432"]
    networks:
      back: {ipv4_address: 10.5.0.5}
  app:
    image: app
    expose: ["8080"]
    networks: [back]
  sidecar:
    image: envoy
    network_mode: service:app
  lonely:
    image: app
    networks: [front]
networks:
  back:
    ipam: {config: [{subnet: 10.5.0.0/16}]}
  front: {}
"#;
        let project = crate::project::from_yaml(yaml);
        let t = Topology::new(&project, Arc::new(AddressBook::new(&project)));
        let app = Client::Service("app");
        let (none, all) = (Vec::<Platform>::new(), Platform::ALL.to_vec());
        type Case<'a> = (
            Client<'a>,
            &'a str,
            Option<u16>,
            Vec<Platform>,
            Option<Blocked>,
        );
        let cases: [Case; 10] = [
            (
                app,
                "localhost",
                Some(5432),
                all.clone(),
                Some(Blocked::OwnContainer),
            ),
            (app, "localhost", Some(8080), none.clone(), None),
            (
                Client::Service("sidecar"),
                "localhost",
                Some(8080),
                none.clone(),
                None,
            ),
            (app, "db", Some(5432), none.clone(), None),
            (
                Client::Service("lonely"),
                "db",
                Some(5432),
                all.clone(),
                Some(Blocked::NoSharedNetwork),
            ),
            (
                app,
                "host.docker.internal",
                None,
                vec![Linux],
                Some(Blocked::NeedsHostGateway),
            ),
            (Client::Host, "localhost", Some(5433), none.clone(), None),
            (
                Client::Host,
                "localhost",
                Some(5432),
                all.clone(),
                Some(Blocked::NotPublished),
            ),
            (
                Client::Host,
                "10.5.0.5",
                Some(5432),
                vec![Mac, Windows],
                Some(Blocked::ContainerIpFromHost),
            ),
            (
                Client::Host,
                "db",
                Some(5432),
                all,
                Some(Blocked::NameFromHost),
            ),
        ];
        for (client, host, port, platforms, reason) in cases {
            assert_eq!(
                t.failing(client, host, port),
                (platforms, reason),
                "{client:?} → {host}:{port:?}"
            );
        }
    }
}
