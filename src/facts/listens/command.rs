//! The ports a server's command line sets: `--port`/`-p`, Redpanda's address flags and their
//! defaults, Redis Cluster's bus, and arguments that may set a port in a way not understood.

use super::{Evidence, Listens, Source};
use crate::facts::connection::parse_value;
use crate::facts::values::args;
use crate::images as catalog;
use crate::project::value::Value;

/// What a server's command line says about its ports.
pub(super) struct CommandPorts {
    /// False when an argument could set a port in a way not understood here.
    pub(super) understood: bool,
    /// `--port`/`-p` sets the server's port: the image default no longer holds.
    pub(super) sets_port: bool,
    /// `--cluster-enabled yes` (Redis Cluster).
    pub(super) cluster_bus: bool,
}

/// Adds the ports a server's command line sets (`--port N`, `-p N` for redis-server and
/// postgres, Redpanda's address flags and their defaults). List items are split on spaces as
/// well: images whose entrypoint expands `$@` unquoted (Redpanda's) see them as words.
pub(super) fn command_ports(service: &Value, redpanda: bool, out: &mut Listens) -> CommandPorts {
    let mut all: Vec<String> = Vec::new();
    for key in ["entrypoint", "command"] {
        for arg in args(service, key) {
            all.extend(arg.text.split_whitespace().map(str::to_string));
        }
    }
    let mut result = CommandPorts {
        understood: true,
        sets_port: false,
        cluster_bus: false,
    };
    let mut redpanda_flags = catalog::ports::REDPANDA_FLAGS.map(|(flag, port)| (flag, port, false));
    for (i, arg) in all.iter().enumerate() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with('-') => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let value = || inline.clone().or_else(|| all.get(i + 1).cloned());
        if flag == "--port" || (flag == "-p" && !redpanda) {
            result.sets_port = true;
            match value().and_then(|v| v.trim().parse().ok()) {
                Some(p) => out.add_from(p, Evidence::Configured, Source::Setting(flag.into())),
                None => result.understood = false,
            }
        } else if let Some(entry) = redpanda_flags.iter_mut().find(|(f, _, _)| *f == flag) {
            entry.2 = true;
            for t in parse_value(&value().unwrap_or_default()) {
                match t.port {
                    Some(p) if t.port_written => {
                        out.add_from(p, Evidence::Configured, Source::Setting(flag.into()));
                    }
                    _ => result.understood = false,
                }
            }
        } else if flag == "--cluster-enabled" {
            result.cluster_bus |= value().is_some_and(|v| v == "yes");
        } else if arg.to_ascii_lowercase().contains("port")
            || [
                ".conf",
                ".cnf",
                ".properties",
                ".cfg",
                ".yaml",
                ".yml",
                ".json",
            ]
            .iter()
            .any(|ext| arg.ends_with(ext))
            || arg == "--shardsvr"
            || arg == "--configsvr"
        {
            result.understood = false;
        }
    }
    if redpanda {
        for (_, default, set) in redpanda_flags {
            if !set {
                out.add_from(default, Evidence::ImageDefault, Source::Image);
            }
        }
        out.add_from(
            catalog::ports::REDPANDA_ADMIN,
            Evidence::ImageDefault,
            Source::Image,
        );
    }
    result
}
