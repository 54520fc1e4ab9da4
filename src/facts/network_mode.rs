//! `network_mode`, read in one place: how a service joins a network.

use crate::project::value::Value;

/// How a service joins a network (`network_mode`), the one reading of that key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetworkMode<'p> {
    /// No `network_mode`: the project's networks.
    Unset,
    /// `bridge` or `default`: Docker's default bridge.
    Bridge,
    /// `host`: the host's network namespace.
    Host,
    /// `none`: no network at all.
    None,
    /// `service:NAME`: the network namespace of another service of the project.
    Service(&'p str),
    /// `container:NAME`: the network namespace of a container outside the project.
    Container(&'p str),
    /// Another word: a network by name.
    Network(&'p str),
    /// Set, but not to known text (an unset variable, or not a string).
    Unknown,
}

impl<'p> NetworkMode<'p> {
    /// The network mode of a service value.
    pub fn of(service: &'p Value) -> NetworkMode<'p> {
        let Some(value) = service.get("network_mode") else {
            return NetworkMode::Unset;
        };
        let Some(s) = value.as_str().filter(|s| s.is_known()) else {
            return NetworkMode::Unknown;
        };
        match s.text.trim() {
            "bridge" | "default" => NetworkMode::Bridge,
            "host" => NetworkMode::Host,
            "none" => NetworkMode::None,
            text => match text.split_once(':') {
                Some(("service", owner)) => NetworkMode::Service(owner),
                Some(("container", owner)) => NetworkMode::Container(owner),
                _ => NetworkMode::Network(text),
            },
        }
    }

    /// Whether `network_mode` is written at all.
    pub fn is_set(self) -> bool {
        self != NetworkMode::Unset
    }

    /// Whether the service runs in another container's network namespace (`service:` or
    /// `container:`), where it can set no ports, DNS or hosts of its own.
    pub fn joins_other(self) -> bool {
        matches!(self, NetworkMode::Service(_) | NetworkMode::Container(_))
    }

    /// Whether names resolve differently than on the project's networks: the host's
    /// namespace or another container's.
    pub fn shares_namespace(self) -> bool {
        self == NetworkMode::Host || self.joins_other()
    }

    /// Whether the service is on a bridge network whose DNS Compose manages: unset, `bridge`,
    /// `default`, or a value not known.
    pub fn is_bridged(self) -> bool {
        matches!(
            self,
            NetworkMode::Unset | NetworkMode::Bridge | NetworkMode::Unknown
        )
    }
}
