//! Host classes (RULES.md §1.2): loopback, any-address, host-gateway and legacy Docker Desktop
//! names, told from the host alone.

use std::net::{Ipv4Addr, Ipv6Addr};

/// The §1.2 classes of a host that need no knowledge of the project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HostClass {
    /// `localhost`, `127.0.0.0/8`, `::1`, `ip6-localhost`: the container itself.
    Loopback,
    /// `0.0.0.0`, `::` or an empty host: a bind address, or loopback when connected to.
    AnyAddress,
    /// A current name of the host machine (`host.docker.internal` and the engines' own).
    HostGateway,
    /// A legacy or odd Docker Desktop name (`docker.for.mac.localhost`, ...).
    DesktopLegacy,
    /// Anything else: a service name, container IP or external host, for a later layer.
    Other,
}

/// Current host-gateway names (§1.2).
const HOST_GATEWAY: [&str; 5] = [
    "host.docker.internal",
    "gateway.docker.internal",
    "host.containers.internal",
    "host.lima.internal",
    "host.rancher-desktop.internal",
];

/// Legacy Docker Desktop names (§1.2).
pub(crate) const DESKTOP_LEGACY: [&str; 6] = [
    "docker.for.mac.localhost",
    "docker.for.mac.host.internal",
    "docker.for.mac.http.internal",
    "docker.for.win.localhost",
    "docker.for.win.host.internal",
    "kubernetes.docker.internal",
];

/// The §1.2 class of a host, case-insensitive, brackets and a trailing dot ignored.
/// `ip6-loopback` is loopback too: Docker's `/etc/hosts` maps it to `::1` with `ip6-localhost`.
pub(crate) fn classify(host: &str) -> HostClass {
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    let host = host.strip_suffix('.').unwrap_or(host);
    let v4 = |ip: Ipv4Addr| {
        if ip.is_loopback() {
            HostClass::Loopback
        } else if ip.is_unspecified() {
            HostClass::AnyAddress
        } else {
            HostClass::Other
        }
    };
    if host.is_empty() {
        return HostClass::AnyAddress;
    }
    // Both address parsers read hex digits in either case: no lower-cased copy is needed.
    if let Ok(ip) = host.parse::<Ipv4Addr>() {
        return v4(ip);
    }
    let addr = host.split('%').next().unwrap_or_default();
    // Every IPv6 address has a colon: names skip the parse.
    if addr.contains(':')
        && let Ok(ip) = addr.parse::<Ipv6Addr>()
    {
        return match ip.to_ipv4_mapped() {
            Some(ip) => v4(ip),
            None if ip.is_loopback() => HostClass::Loopback,
            None if ip.is_unspecified() => HostClass::AnyAddress,
            None => HostClass::Other,
        };
    }
    let is_one_of = |names: &[&str]| names.iter().any(|n| n.eq_ignore_ascii_case(host));
    if is_one_of(&["localhost", "ip6-localhost", "ip6-loopback"]) {
        HostClass::Loopback
    } else if is_one_of(&HOST_GATEWAY) {
        HostClass::HostGateway
    } else if is_one_of(&DESKTOP_LEGACY) {
        HostClass::DesktopLegacy
    } else {
        HostClass::Other
    }
}

/// Words that are settings, not hosts (`ONLY_MAILCOW_HOSTNAME: n`, `SEED_SELF_HOST: true`).
const NOT_HOSTS: [&str; 16] = [
    "true", "false", "yes", "no", "y", "n", "on", "off", "none", "null", "auto", "default",
    "disabled", "enabled", "any", "all",
];

/// A single DNS label (no dot, not an IP address) that is not a word settings use: a host
/// that inside a Compose network must be a service's name.
pub(crate) fn single_label(host: &str) -> bool {
    !host.is_empty()
        && host.as_bytes()[0].is_ascii_alphabetic()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && !NOT_HOSTS.iter().any(|w| w.eq_ignore_ascii_case(host))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        use HostClass::*;
        for (host, class) in [
            ("localhost", Loopback),
            ("LocalHost.", Loopback),
            ("127.0.0.1", Loopback),
            ("127.1.2.3", Loopback),
            ("::1", Loopback),
            ("[::1]", Loopback),
            ("0:0:0:0:0:0:0:1", Loopback),
            ("::ffff:127.0.0.1", Loopback),
            ("::FFFF:127.0.0.1", Loopback),
            ("[0:0:0:0:0:0:0:1%Lo]", Loopback),
            ("ip6-localhost", Loopback),
            ("ip6-loopback", Loopback),
            ("0.0.0.0", AnyAddress),
            ("::", AnyAddress),
            ("[::]", AnyAddress),
            ("", AnyAddress),
            ("host.docker.internal", HostGateway),
            ("Host.Docker.Internal.", HostGateway),
            ("gateway.docker.internal", HostGateway),
            ("host.containers.internal", HostGateway),
            ("host.lima.internal", HostGateway),
            ("host.rancher-desktop.internal", HostGateway),
            ("docker.for.mac.localhost", DesktopLegacy),
            ("docker.for.mac.host.internal", DesktopLegacy),
            ("docker.for.mac.http.internal", DesktopLegacy),
            ("docker.for.win.localhost", DesktopLegacy),
            ("docker.for.win.host.internal", DesktopLegacy),
            ("kubernetes.docker.internal", DesktopLegacy),
            ("host.orb.internal", Other),
            ("db", Other),
            ("foo.localhost", Other),
            ("128.0.0.1", Other),
            ("172.18.0.2", Other),
            ("fe80::1%eth0", Other),
            ("FE80::1", Other),
            ("1.2.3", Other),
        ] {
            assert_eq!(classify(host), class, "{host:?}");
        }
    }
}
