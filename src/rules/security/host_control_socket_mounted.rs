//! SEC001 host-control-socket-mounted.

use super::at_value;
use crate::diagnostic::{Activation, Diagnostic, FixAvailability, Platform, RuleInfo, Severity};
use crate::facts::mounts::{MountKind, mounts};
use crate::facts::service::Service;
use crate::rules::{Context, Rule};

rule_info!(
    HostControlSocketMounted,
    INFO,
    "SEC001",
    "host-control-socket-mounted",
    Severity::Error,
    &Platform::ALL,
    FixAvailability::None,
    Activation::OptIn
);

/// Control sockets a mount can name, by a part of their path, with whose API they are.
const SOCKETS: [(&str, &str); 5] = [
    ("docker.sock", "the Docker daemon's socket"),
    ("containerd.sock", "containerd's socket"),
    ("crio.sock", "CRI-O's socket"),
    ("podman.sock", "Podman's socket"),
    ("systemd/private", "systemd's private socket"),
];

/// Directories that hold a control socket on a stock host; mounting one of them, or a
/// directory above one (`/var`, `/`), mounts the socket.
const SOCKET_DIRS: [(&str, &str); 4] = [
    ("/run/containerd", "containerd's socket"),
    ("/run/systemd", "systemd's private socket"),
    ("/var/run", "the Docker and containerd sockets"),
    ("/run", "the Docker and containerd sockets"),
];

/// What control socket a bind of host path `path` (normalised) hands to the container.
pub(crate) fn socket_of(path: &str) -> Option<&'static str> {
    if !path.starts_with(['/', '~']) {
        return None;
    }
    if path == "/" {
        return Some("the Docker and containerd sockets");
    }
    if let Some((_, what)) = SOCKETS.iter().find(|(marker, _)| path.contains(marker)) {
        return Some(what);
    }
    SOCKET_DIRS
        .iter()
        .find(|(dir, _)| *dir == path || dir.starts_with(&format!("{path}/")))
        .map(|(_, what)| *what)
}

impl Rule for HostControlSocketMounted {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_service<'p>(
        &self,
        cx: &Context<'p>,
        service: &Service<'p>,
        out: &mut Vec<Diagnostic>,
    ) {
        for mount in mounts(cx.project, service.spec) {
            if mount.kind != MountKind::Bind {
                continue;
            }
            let Some(path) = mount.source.as_deref() else {
                continue;
            };
            let Some(what) = socket_of(path) else {
                continue;
            };
            let ro = if mount.read_only {
                " (read-only changes nothing: it applies to the file, not to the API behind it)"
            } else {
                ""
            };
            out.push(
                at_value(
                    cx,
                    &INFO,
                    service,
                    mount.value,
                    format!(
                        "`{path}` gives `{}` {what}: whoever controls the container controls the \
                         host's containers, which is root on the host{ro}",
                        service.name
                    ),
                )
                .help(
                    "remove the mount; a tool that needs the Docker API should reach a socket \
                     proxy that allows only the calls it makes",
                ),
            );
        }
    }
}
