//! Command lines: the client programs and flags (`--bootstrap-server`, kcat's `-b`, a database
//! client's `-h`/`-p`) whose values are addresses.

use super::entry::parse_port;
use super::list::list;
use super::{Target, default_port, parse_value};

/// A program whose flags name a server.
#[derive(Clone, Copy)]
enum Program {
    /// kcat/kafkacat: `-b` is its broker list (elsewhere `-b` is often a bind address).
    Kcat,
    /// A database client with `-h`/`--host`: its scheme and its short port flag.
    Client {
        scheme: &'static str,
        port_flag: &'static str,
    },
}

/// The program an argument runs, by base name.
fn program(arg: &str) -> Option<Program> {
    let name = arg.rsplit('/').next().unwrap_or(arg);
    let client = |scheme, port_flag| Some(Program::Client { scheme, port_flag });
    match name {
        "kcat" | "kafkacat" => Some(Program::Kcat),
        "redis-cli" | "valkey-cli" => client("redis", "-p"),
        "psql" | "pg_isready" | "pg_dump" | "pg_dumpall" | "pg_restore" => client("postgres", "-p"),
        // `-p` is mysql's password; its port is `-P`.
        "mysql" | "mariadb" | "mysqladmin" | "mysqldump" | "mariadb-admin" | "mariadb-dump" => {
            client("mysql", "-P")
        }
        _ => None,
    }
}

/// Flags whose value is a URL or a `host:port` list, for any program.
const LIST_FLAGS: [&str; 5] = [
    "--bootstrap-server",
    "--bootstrap-servers",
    "--broker-list",
    "--brokers",
    "--url",
];

/// The `-h`/`--host` (and port) of the client program being read.
struct HostFlag {
    scheme: &'static str,
    port_flag: &'static str,
    host: Option<(usize, Target)>,
    port: Option<u16>,
}

impl HostFlag {
    /// The finished target: the written port, else the client's default.
    fn finish(self, out: &mut Vec<(usize, Target)>) {
        if let Some((index, mut t)) = self.host {
            t.scheme = Some(self.scheme.to_string());
            t.port = self.port.or(default_port(self.scheme));
            t.port_written = self.port.is_some();
            out.push((index, t));
        }
    }
}

/// Client-side addresses in a command line (§1.4): `--bootstrap-server(s)`, `--broker-list`,
/// `--brokers`, `--url` (as `--flag value` or `--flag=value`), kcat's `-b`, and `-h`/`--host`
/// with the port flag of redis-cli, psql and mysql (and their relatives). Each target comes with
/// the index of the argument holding it; its ranges index that argument (for `--flag=value`, the
/// whole argument). A `-h` target's range is the host alone: its port is another argument.
pub(crate) fn command_targets(args: &[&str]) -> Vec<(usize, Target)> {
    let mut out = Vec::new();
    let mut kcat = false;
    let mut host: Option<HostFlag> = None;
    let mut i = 0;
    while i < args.len() {
        let arg = args[i];
        match program(arg) {
            Some(Program::Kcat) => kcat = true,
            Some(Program::Client { scheme, port_flag }) => {
                if let Some(h) = host.take() {
                    h.finish(&mut out);
                }
                host = Some(HostFlag {
                    scheme,
                    port_flag,
                    host: None,
                    port: None,
                });
            }
            None => {}
        }
        let (flag, value) = match arg.split_once('=') {
            Some((flag, _)) if flag.starts_with("--") => (flag, Some((i, flag.len() + 1))),
            _ => match arg.strip_prefix("-b").filter(|v| kcat && !v.is_empty()) {
                Some(_) => ("-b", Some((i, 2))),
                None => (arg, None),
            },
        };
        let is_list = LIST_FLAGS.contains(&flag) || (flag == "-b" && kcat);
        let is_host = flag == "-h" || flag == "--host";
        let is_port = host
            .as_ref()
            .is_some_and(|h| flag == "--port" || flag == h.port_flag);
        let wanted = is_list || is_port || (is_host && host.is_some());
        if !wanted {
            i += 1;
            continue;
        }
        // The value: after `=` (or `-b`) in this argument, else the next argument.
        let (index, offset) = value.unwrap_or((i + 1, 0));
        i = index + 1;
        let Some(text) = args.get(index).and_then(|a| a.get(offset..)) else {
            continue;
        };
        match host.as_mut() {
            Some(h) if is_host => {
                h.host = list(text)
                    .filter(|l| l.len() == 1)
                    .and_then(|mut l| l.pop())
                    .filter(|t| !t.port_written && t.range.end == text.len())
                    .map(|t| (index, t.shifted(offset)));
            }
            Some(h) if is_port => h.port = parse_port(text),
            _ => out.extend(
                parse_value(text)
                    .into_iter()
                    .map(|t| (index, t.shifted(offset))),
            ),
        }
    }
    if let Some(h) = host {
        h.finish(&mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::render;
    use super::*;

    /// Command targets as `index:scheme|host|port|listener|range`.
    fn commands(args: &[&str]) -> Vec<String> {
        command_targets(args)
            .into_iter()
            .map(|(i, t)| format!("{i}:{}", render(args[i], &t)))
            .collect()
    }

    #[test]
    fn command_flags() {
        let cases: &[(&[&str], &[&str])] = &[
            (
                &["kafka-topics", "--bootstrap-server", "kafka:9092", "--list"],
                &["2:-|kafka|9092|-|kafka:9092"],
            ),
            (
                &["kafka-topics", "--bootstrap-server=kafka:9092", "--list"],
                &["1:-|kafka|9092|-|kafka:9092"],
            ),
            (
                &[
                    "kafka-consumer-groups",
                    "--bootstrap-servers",
                    "a:9092,b:9092",
                ],
                &["2:-|a|9092|-|a:9092", "2:-|b|9092|-|b:9092"],
            ),
            (
                &["x", "--bootstrap-servers=localhost:9092"],
                &["1:-|localhost|9092|-|localhost:9092"],
            ),
            (
                &["kafka-console-producer", "--broker-list", "localhost:9092"],
                &["2:-|localhost|9092|-|localhost:9092"],
            ),
            (
                &["kafka-console-producer", "--broker-list=kafka:29092"],
                &["1:-|kafka|29092|-|kafka:29092"],
            ),
            (
                &["kcat", "-b", "kafka:9092", "-L"],
                &["2:-|kafka|9092|-|kafka:9092"],
            ),
            (
                &["/usr/bin/kafkacat", "-C", "-bkafka:9092", "-t", "x"],
                &["2:-|kafka|9092|-|kafka:9092"],
            ),
            (
                &["rpk", "topic", "list", "--brokers", "redpanda:9092"],
                &["4:-|redpanda|9092|-|redpanda:9092"],
            ),
            (
                &["rpk", "cluster", "info", "--brokers=localhost:19092"],
                &["3:-|localhost|19092|-|localhost:19092"],
            ),
            (
                &["wait", "--url", "http://api:8000/health"],
                &["2:http|api|8000|-|api:8000"],
            ),
            (
                &["wait", "--url=postgres://db/app"],
                &["1:postgres|db|(5432)|-|db"],
            ),
            (
                &["redis-cli", "-h", "redis", "-p", "6380", "ping"],
                &["2:redis|redis|6380|-|redis"],
            ),
            (
                &["redis-cli", "-h", "localhost", "ping"],
                &["2:redis|localhost|(6379)|-|localhost"],
            ),
            (
                &["psql", "--host=db", "--port=5433", "-U", "app"],
                &["1:postgres|db|5433|-|db"],
            ),
            (
                &["psql", "--host", "127.0.0.1", "--port", "5432"],
                &["2:postgres|127.0.0.1|5432|-|127.0.0.1"],
            ),
            (
                &["mysql", "-h", "mysql", "-P", "3307", "-p", "secret"],
                &["2:mysql|mysql|3307|-|mysql"],
            ),
            (
                &["mysql", "-h", "db", "-p", "3307"],
                &["2:mysql|db|(3306)|-|db"],
            ),
            (
                &["redis-cli", "-h", "[::1]"],
                &["2:redis|::1|(6379)|-|[::1]"],
            ),
            // `-b` outside kcat and `-h` outside a database client are someone else's flags
            (&["gunicorn", "-b", "127.0.0.1:8000", "app:app"], &[]),
            (
                &["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"],
                &[],
            ),
            (&["flask", "run", "-h", "localhost", "-p", "5000"], &[]),
            // values that are not addresses
            (&["psql", "-h", "/var/run/postgresql"], &[]),
            (&["redis-cli", "-h", "redis:6379"], &[]),
            (&["kafka-topics", "--bootstrap-server"], &[]),
            (&["redis-cli", "-h"], &[]),
            (&[], &[]),
        ];
        for (args, expected) in cases {
            assert_eq!(&commands(args), expected, "{args:?}");
        }
    }
}
