//! SEC011 sensitive-host-path-mounted.

use super::at_value;
use super::host_control_socket_mounted::socket_of;
use crate::diagnostic::{Activation, Diagnostic, FixAvailability, Platform, RuleInfo, Severity};
use crate::facts::mounts::{MountKind, mounts};
use crate::facts::service::Service;
use crate::rules::{Context, Rule};

rule_info!(
    SensitiveHostPathMounted,
    INFO,
    "SEC011",
    "sensitive-host-path-mounted",
    Severity::Error,
    &Platform::ALL,
    FixAvailability::None,
    Activation::OptIn
);

/// Host paths whose write is root on the host, with what a write there reaches; they and what
/// lies below them (compose-lint CL-0025).
const ROOT_EQUIVALENT: [(&str, &str); 14] = [
    ("/etc", "`cron.d`, `sudoers`, `shadow` and `ld.so.preload`"),
    ("/root", "root's `authorized_keys`"),
    ("/boot", "the kernel and initramfs"),
    (
        "/var/lib/docker",
        "every container's filesystem and image layers",
    ),
    ("/var/lib/containerd", "every container's snapshot"),
    ("/proc", "`core_pattern`, a program the kernel runs as root"),
    ("/usr/bin", "programs root runs"),
    ("/usr/sbin", "programs root runs"),
    ("/usr/local/bin", "programs root runs"),
    ("/usr/local/sbin", "programs root runs"),
    ("/bin", "programs root runs"),
    ("/sbin", "programs root runs"),
    ("/lib/modules", "the kernel's modules"),
    ("/usr/lib/modules", "the kernel's modules"),
];

/// Root-equivalent for what they contain, so matched exactly: `/var/lib` holds
/// `/var/lib/docker`, while `/var/lib/mysql` is an application's own data.
const ROOT_EQUIVALENT_EXACT: [(&str, &str); 5] = [
    (
        "/var/lib",
        "`/var/lib/docker`, every container's filesystem",
    ),
    ("/usr", "programs and libraries root runs"),
    ("/usr/lib", "libraries root runs"),
    ("/lib", "libraries root runs"),
    ("/lib64", "libraries root runs"),
];

/// Paths whose files are world-readable by design: read-only, they disclose nothing.
const WRITE_ONLY_GRANT: [&str; 12] = [
    "/lib/modules",
    "/usr/lib/modules",
    "/usr",
    "/usr/bin",
    "/usr/sbin",
    "/usr/local/bin",
    "/usr/local/sbin",
    "/bin",
    "/sbin",
    "/usr/lib",
    "/lib",
    "/lib64",
];

/// Files that expose nothing: the time zone, and the character devices every container has.
const HARMLESS: [&str; 7] = [
    "/etc/localtime",
    "/etc/timezone",
    "/dev/null",
    "/dev/zero",
    "/dev/full",
    "/dev/random",
    "/dev/urandom",
];

/// Credential directories of a home directory.
const HOME_CREDENTIALS: [&str; 5] = [".ssh", ".docker", ".aws", ".kube", ".gnupg"];

/// Whether `path` is `dir` or below it.
fn under(path: &str, dir: &str) -> bool {
    path == dir
        || path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// What a bind of `path` exposes: `(root-equivalent when written, what)`.
fn exposure(path: &str) -> Option<(bool, String)> {
    if HARMLESS.contains(&path) {
        return None;
    }
    if let Some((dir, what)) = ROOT_EQUIVALENT.iter().find(|(dir, _)| under(path, dir)) {
        if path == *dir {
            return Some((true, (*what).to_string()));
        }
        return Some((true, format!("the host's `{dir}`")));
    }
    if let Some((_, what)) = ROOT_EQUIVALENT_EXACT.iter().find(|(dir, _)| *dir == path) {
        return Some((true, (*what).to_string()));
    }
    if under(path, "/sys") {
        return Some((false, "the host kernel's settings and hardware".to_string()));
    }
    if under(path, "/dev") {
        return Some((false, "the host's device nodes".to_string()));
    }
    if ["/run/", "/var/run/"].iter().any(|d| path.starts_with(d)) {
        return Some((false, "the state of the host's services".to_string()));
    }
    let home = path.strip_prefix("~/").or_else(|| {
        path.strip_prefix("/home/")
            .and_then(|r| r.split_once('/').map(|(_, r)| r))
    });
    if let Some(rest) = home {
        let first = rest.split('/').next().unwrap_or_default();
        if HOME_CREDENTIALS.contains(&first) {
            return Some((false, format!("the credentials in `{first}`")));
        }
    }
    if path == "~"
        || path == "/home"
        || path
            .strip_prefix("/home/")
            .is_some_and(|r| !r.contains('/'))
    {
        return Some((
            false,
            "a home directory with its keys and tokens".to_string(),
        ));
    }
    None
}

impl Rule for SensitiveHostPathMounted {
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
            // A control socket, or a directory holding one, is SEC001's.
            if socket_of(path).is_some() {
                continue;
            }
            let Some((root_equivalent, what)) = exposure(path) else {
                continue;
            };
            if mount.read_only && WRITE_ONLY_GRANT.iter().any(|p| under(path, p)) {
                continue;
            }
            let (severity, message) = if root_equivalent && !mount.read_only {
                (
                    Severity::Error,
                    format!(
                        "`{path}` is mounted writable into `{}`: a write there reaches {what}, \
                         which is root on the host",
                        service.name
                    ),
                )
            } else if root_equivalent {
                (
                    Severity::Warning,
                    format!(
                        "`{path}` is mounted read-only into `{}`: the container can read what \
                         the host keeps there (keys, password hashes, configuration)",
                        service.name
                    ),
                )
            } else {
                (
                    Severity::Warning,
                    format!(
                        "`{path}` is mounted into `{}`: it exposes {what} to the container",
                        service.name
                    ),
                )
            };
            let mut d = at_value(cx, &INFO, service, mount.value, message).help(
                "mount only the file or directory the service needs, read-only (`:ro`), or copy \
                 it into the image",
            );
            d.severity = severity;
            out.push(d);
        }
    }
}
