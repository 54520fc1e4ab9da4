//! Connection strings (RULES.md §1.4): the hosts and ports a client-side value or command line
//! names, with byte ranges so diagnostics and fixes can point inside the value.
//!
//! [`parse_value`] tells the formats apart and hands each to its sub-module: `url` (URLs and
//! listener lists), `jdbc` (JDBC URLs), `list` (`host:port` lists and KRaft voters), all of
//! which read their entries with `entry`. `command` finds the addresses in command lines,
//! `keys` reads what environment keys say, and `host_class` classifies hosts.

mod command;
mod entry;
mod host_class;
mod jdbc;
mod keys;
mod list;
mod url;

pub(crate) use command::command_targets;
pub(crate) use host_class::{DESKTOP_LEGACY, HostClass, classify, single_label};
pub(crate) use keys::{
    host_port_pairs, inferred_port, is_browser_url_key, is_client_key, is_server_side_key,
};

use jdbc::jdbc;
use list::{is_voter, list, voters};
use std::ops::Range;
use url::{scheme_end, urls};

/// The §1.4 default port of a lower-cased scheme (or JDBC sub-protocol); none for http/https.
use crate::images::ports::scheme_port as default_port;

/// One address found in a value, with byte ranges into the parsed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The lower-cased scheme (`postgres`, `plaintext`, `mongodb+srv`); `jdbc:` plus the
    /// lower-cased sub-protocol for JDBC (`jdbc:mysql`, `jdbc:oracle:thin`); the client's scheme
    /// for `-h`/`-p` flags (`redis`, `postgres`, `mysql`); `None` for lists, voters and bare hosts.
    pub scheme: Option<String>,
    /// The host as written, IPv6 without brackets; empty for `PLAINTEXT://:9092`.
    pub host: String,
    /// The written port, else the scheme's default from §1.4 (never 80/443 for http/https).
    pub port: Option<u16>,
    /// Whether `port` was written; `false` when it is a scheme default or absent.
    pub port_written: bool,
    /// The bytes of the host (brackets excluded), so a fix can replace just the host.
    pub host_range: Range<usize>,
    /// The bytes of `host[:port]` (brackets included; a SQL Server `\instance` too).
    pub range: Range<usize>,
    /// The listener name of `NAME://host:port` when `NAME` is not a §1.4 URL scheme (Kafka reads
    /// any such name as a listener), or the KRaft voter id of `id@host:port`, as written.
    pub listener: Option<String>,
    /// A `mongodb+srv://` host: a DNS SRV name, never loopback-checked (§1.4).
    pub srv: bool,
}

impl Target {
    /// A host written alone (no scheme, port or listener): there an any-address is a bind
    /// address, not a target (§1.4, `HOST=0.0.0.0`).
    pub fn is_bare(&self) -> bool {
        self.scheme.is_none() && !self.port_written && self.listener.is_none()
    }

    /// The same target in a text that has `by` more bytes in front of it.
    fn shifted(mut self, by: usize) -> Target {
        self.host_range = self.host_range.start + by..self.host_range.end + by;
        self.range = self.range.start + by..self.range.end + by;
        self
    }
}

/// Parses every address in a value: URLs (also multi-host, listener lists and `mongodb+srv`),
/// JDBC URLs, KRaft voters, `host:port` lists (a trailing `/chroot` belongs to the last entry),
/// bare hosts and IPv6. Ranges index `text`; a value that is none of these yields nothing.
pub(crate) fn parse_value(text: &str) -> Vec<Target> {
    let start = text.len() - text.trim_start().len();
    let head = text.as_bytes().get(start..start + 5);
    let parsed = if head.is_some_and(|h| h.eq_ignore_ascii_case(b"jdbc:")) {
        jdbc(text, start)
    } else if scheme_end(text, start).is_some() {
        urls(text, start)
    } else if is_voter(text, start) {
        voters(text)
    } else {
        list(text)
    };
    parsed.unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A target as `scheme|host|port|listener|range`: `-` for none, a default port in
    /// parentheses, `|srv` appended for SRV hosts.
    pub(super) fn render(text: &str, t: &Target) -> String {
        let port = match (t.port, t.port_written) {
            (Some(p), true) => p.to_string(),
            (Some(p), false) => format!("({p})"),
            (None, _) => "-".to_string(),
        };
        format!(
            "{}|{}|{}|{}|{}{}",
            t.scheme.as_deref().unwrap_or("-"),
            t.host,
            port,
            t.listener.as_deref().unwrap_or("-"),
            &text[t.range.clone()],
            if t.srv { "|srv" } else { "" }
        )
    }

    /// Every §1.4 format (the table's examples verbatim first), and edge cases.
    const ROWS: &[(&str, &[&str])] = &[
        // URL
        (
            "postgres://u:p@db:5432/app?sslmode=disable",
            &["postgres|db|5432|-|db:5432"],
        ),
        // multi-host URL
        (
            "mongodb://a:27017,b:27017/db?replicaSet=rs0",
            &["mongodb|a|27017|-|a:27017", "mongodb|b|27017|-|b:27017"],
        ),
        (
            "postgresql://h1:5432,h2:5433/db",
            &[
                "postgresql|h1|5432|-|h1:5432",
                "postgresql|h2|5433|-|h2:5433",
            ],
        ),
        // mongodb+srv
        (
            "mongodb+srv://cluster0.example.net/",
            &["mongodb+srv|cluster0.example.net|-|-|cluster0.example.net|srv"],
        ),
        // JDBC
        (
            "jdbc:postgresql://db:5432/x",
            &["jdbc:postgresql|db|5432|-|db:5432"],
        ),
        ("jdbc:mysql://db/x", &["jdbc:mysql|db|(3306)|-|db"]),
        (
            "jdbc:sqlserver://db:1433;databaseName=x",
            &["jdbc:sqlserver|db|1433|-|db:1433"],
        ),
        (
            "jdbc:oracle:thin:@db:1521:XE",
            &["jdbc:oracle:thin|db|1521|-|db:1521"],
        ),
        (
            "jdbc:oracle:thin:@//db:1521/svc",
            &["jdbc:oracle:thin|db|1521|-|db:1521"],
        ),
        // host:port list
        (
            "kafka1:9092,kafka2:9092",
            &["-|kafka1|9092|-|kafka1:9092", "-|kafka2|9092|-|kafka2:9092"],
        ),
        (
            "zk1:2181,zk2:2181/kafka",
            &["-|zk1|2181|-|zk1:2181", "-|zk2|2181|-|zk2:2181"],
        ),
        // KRaft voters
        (
            "1@kafka1:9093,2@kafka2:9093",
            &["-|kafka1|9093|1|kafka1:9093", "-|kafka2|9093|2|kafka2:9093"],
        ),
        // Kafka listener list
        (
            "INTERNAL://kafka:29092,EXTERNAL://localhost:9092",
            &[
                "internal|kafka|29092|INTERNAL|kafka:29092",
                "external|localhost|9092|EXTERNAL|localhost:9092",
            ],
        ),
        // host + port pair and bare host: the host value alone
        ("localhost", &["-|localhost|-|-|localhost"]),
        // IPv6
        ("[::1]:6379", &["-|::1|6379|-|[::1]:6379"]),
        // every §1.4 URL scheme, default ports (none for http/https/tcp/ws/clickhouse)
        ("postgres://db", &["postgres|db|(5432)|-|db"]),
        ("postgresql://db/app", &["postgresql|db|(5432)|-|db"]),
        ("mysql://root:pw@mysql/app", &["mysql|mysql|(3306)|-|mysql"]),
        (
            "mariadb://mariadb:3307/app",
            &["mariadb|mariadb|3307|-|mariadb:3307"],
        ),
        ("redis://redis", &["redis|redis|(6379)|-|redis"]),
        ("rediss://:secret@cache/0", &["rediss|cache|(6379)|-|cache"]),
        (
            "amqp://guest:guest@rabbitmq/%2F",
            &["amqp|rabbitmq|(5672)|-|rabbitmq"],
        ),
        ("amqps://mq", &["amqps|mq|(5671)|-|mq"]),
        ("mongodb://mongo/app", &["mongodb|mongo|(27017)|-|mongo"]),
        ("nats://nats", &["nats|nats|(4222)|-|nats"]),
        ("http://api/v1", &["http|api|-|-|api"]),
        (
            "https://api.example.com",
            &["https|api.example.com|-|-|api.example.com"],
        ),
        ("http://web:8080/", &["http|web|8080|-|web:8080"]),
        ("tcp://docker:2375", &["tcp|docker|2375|-|docker:2375"]),
        ("pulsar://pulsar", &["pulsar|pulsar|(6650)|-|pulsar"]),
        (
            "pulsar+ssl://pulsar:6651",
            &["pulsar+ssl|pulsar|6651|-|pulsar:6651"],
        ),
        ("ws://socket/ws", &["ws|socket|-|-|socket"]),
        ("wss://socket:8443", &["wss|socket|8443|-|socket:8443"]),
        ("clickhouse://ch:9000/db", &["clickhouse|ch|9000|-|ch:9000"]),
        (
            "PLAINTEXT://kafka:9092",
            &["plaintext|kafka|9092|PLAINTEXT|kafka:9092"],
        ),
        ("SSL://kafka:9093", &["ssl|kafka|9093|SSL|kafka:9093"]),
        (
            "SASL_PLAINTEXT://kafka:9094",
            &["sasl_plaintext|kafka|9094|SASL_PLAINTEXT|kafka:9094"],
        ),
        (
            "SASL_SSL://broker.example.com:9095",
            &["sasl_ssl|broker.example.com|9095|SASL_SSL|broker.example.com:9095"],
        ),
        // uppercase schemes keep their defaults; hosts stay as written
        ("POSTGRES://DB:5433", &["postgres|DB|5433|-|DB:5433"]),
        ("REDIS://Cache", &["redis|Cache|(6379)|-|Cache"]),
        ("HTTP://web/", &["http|web|-|-|web"]),
        // userinfo: percent-encoded `@`, and a raw `@` split on the last one
        (
            "postgres://u%40x:p%40ss@db/app",
            &["postgres|db|(5432)|-|db"],
        ),
        (
            "postgres://user:p@ss@db:5432/app",
            &["postgres|db|5432|-|db:5432"],
        ),
        // query strings and paths
        (
            "redis://redis:6379/0?timeout=5s&x=http://other",
            &["redis|redis|6379|-|redis:6379"],
        ),
        ("mysql://db?ssl=true", &["mysql|db|(3306)|-|db"]),
        ("http://web:8000#frag", &["http|web|8000|-|web:8000"]),
        // empty host listener, any-address
        ("PLAINTEXT://:9092", &["plaintext||9092|PLAINTEXT|:9092"]),
        (
            "PLAINTEXT://0.0.0.0:9092,CONTROLLER://:9093",
            &[
                "plaintext|0.0.0.0|9092|PLAINTEXT|0.0.0.0:9092",
                "controller||9093|CONTROLLER|:9093",
            ],
        ),
        (
            "PLAINTEXT://kafka:29092,PLAINTEXT_HOST://localhost:9092",
            &[
                "plaintext|kafka|29092|PLAINTEXT|kafka:29092",
                "plaintext_host|localhost|9092|PLAINTEXT_HOST|localhost:9092",
            ],
        ),
        (
            "INTERNAL://kafka:29092 , EXTERNAL://localhost:9092",
            &[
                "internal|kafka|29092|INTERNAL|kafka:29092",
                "external|localhost|9092|EXTERNAL|localhost:9092",
            ],
        ),
        ("0.0.0.0", &["-|0.0.0.0|-|-|0.0.0.0"]),
        // IPv6 with and without port
        ("[::1]", &["-|::1|-|-|[::1]"]),
        ("::1", &["-|::1|-|-|::1"]),
        ("redis://[::1]/0", &["redis|::1|(6379)|-|[::1]"]),
        (
            "http://[fe80::1%25eth0]:8080/",
            &["http|fe80::1%25eth0|8080|-|[fe80::1%25eth0]:8080"],
        ),
        (
            "[::1]:2181; 127.0.0.1",
            &["-|::1|2181|-|[::1]:2181", "-|127.0.0.1|-|-|127.0.0.1"],
        ),
        // chroot, `;` and whitespace separators
        ("zk:2181/kafka", &["-|zk|2181|-|zk:2181"]),
        (
            "zk1:2181;zk2:2181",
            &["-|zk1|2181|-|zk1:2181", "-|zk2|2181|-|zk2:2181"],
        ),
        (
            " kafka1:9092  kafka2:9092\tkafka3:9092 ",
            &[
                "-|kafka1|9092|-|kafka1:9092",
                "-|kafka2|9092|-|kafka2:9092",
                "-|kafka3|9092|-|kafka3:9092",
            ],
        ),
        (
            "zk1, zk2 ,zk3/chroot",
            &["-|zk1|-|-|zk1", "-|zk2|-|-|zk2", "-|zk3|-|-|zk3"],
        ),
        ("localhost:8080/api", &["-|localhost|8080|-|localhost:8080"]),
        ("my_db:5432", &["-|my_db|5432|-|my_db:5432"]),
        (
            "host.docker.internal:5432",
            &["-|host.docker.internal|5432|-|host.docker.internal:5432"],
        ),
        // several URLs
        (
            "nats://n1:4222,nats://n2",
            &["nats|n1|4222|-|n1:4222", "nats|n2|(4222)|-|n2"],
        ),
        (
            "http://es1:9200 http://es2:9200",
            &["http|es1|9200|-|es1:9200", "http|es2|9200|-|es2:9200"],
        ),
        // mongodb+srv with userinfo and options
        (
            "mongodb+srv://u:p@cluster0.abcde.mongodb.net/db?retryWrites=true",
            &["mongodb+srv|cluster0.abcde.mongodb.net|-|-|cluster0.abcde.mongodb.net|srv"],
        ),
        // JDBC sub-forms
        (
            "jdbc:mysql://u:p@h1:3306,h2/x?useSSL=false",
            &["jdbc:mysql|h1|3306|-|h1:3306", "jdbc:mysql|h2|(3306)|-|h2"],
        ),
        (
            "jdbc:postgresql://h1:5432,h2:5433/x?targetServerType=primary",
            &[
                "jdbc:postgresql|h1|5432|-|h1:5432",
                "jdbc:postgresql|h2|5433|-|h2:5433",
            ],
        ),
        (
            "jdbc:mariadb:loadbalance://db/x",
            &["jdbc:mariadb:loadbalance|db|(3306)|-|db"],
        ),
        (
            "JDBC:PostgreSQL://db/x",
            &["jdbc:postgresql|db|(5432)|-|db"],
        ),
        (
            "jdbc:sqlserver://db;databaseName=x;encrypt=false",
            &["jdbc:sqlserver|db|-|-|db"],
        ),
        (
            "jdbc:sqlserver://db\\SQLEXPRESS:1433;databaseName=x",
            &["jdbc:sqlserver|db|1433|-|db\\SQLEXPRESS:1433"],
        ),
        (
            "jdbc:oracle:thin:scott/tiger@db:1521:XE",
            &["jdbc:oracle:thin|db|1521|-|db:1521"],
        ),
        (
            "jdbc:oracle:thin:@db:1521/svc",
            &["jdbc:oracle:thin|db|1521|-|db:1521"],
        ),
        (
            "jdbc:oracle:thin:@tcp://db:1521/svc",
            &["jdbc:oracle:thin|db|1521|-|db:1521"],
        ),
        (
            "jdbc:oracle:thin:@oracle",
            &["jdbc:oracle:thin|oracle|-|-|oracle"],
        ),
        // KRaft voters with IPv6
        (
            "1@[::1]:9093 2@kafka2:9093",
            &["-|::1|9093|1|[::1]:9093", "-|kafka2|9093|2|kafka2:9093"],
        ),
        // unparseable values yield nothing
        ("", &[]),
        ("   ", &[]),
        ("hello world!", &[]),
        ("/var/lib/data", &[]),
        ("file:///tmp/x", &[]),
        ("unix:///var/run/docker.sock", &[]),
        ("postgresql://%2Fvar%2Frun%2Fpostgresql/db", &[]),
        ("jdbc:h2:mem:test", &[]),
        ("jdbc:sqlite:/data/x.db", &[]),
        (
            "jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS=(HOST=db)(PORT=1521)))",
            &[],
        ),
        ("jdbc:oracle:thin:@db:XE", &[]),
        ("kafka:notaport", &[]),
        ("kafka:99999", &[]),
        ("kafka:", &[]),
        ("kafka:+9092", &[]),
        ("admin@example.com", &[]),
        ("5432", &[]),
        ("1.2.3", &[]),
        ("10:30", &[]),
        ("127.0.0.0/8", &[]),
        ("${DB_HOST}", &[]),
        ("-Xmx512m", &[]),
        ("zk1:2181/a,zk2:2181", &[]),
        ("1@kafka1,2@kafka2", &[]),
        ("1@kafka1:9093,kafka2:9093", &[]),
        ("[kafka]:9092", &[]),
        ("[::1]6379", &[]),
        ("http://", &[]),
        ("http://:/", &[]),
        ("http://bad host/", &[]),
        ("http://localhost:3000 for details", &[]),
        ("see http://localhost:3000", &[]),
    ];

    #[test]
    fn formats_table() {
        for (text, expected) in ROWS {
            let targets = parse_value(text);
            let got: Vec<String> = targets.iter().map(|t| render(text, t)).collect();
            assert_eq!(&got, expected, "parsing {text:?}");
            for t in &targets {
                assert_eq!(
                    &text[t.host_range.clone()],
                    t.host,
                    "host range of {text:?}"
                );
                assert!(t.range.start <= t.host_range.start && t.host_range.end <= t.range.end);
            }
        }
    }

    #[test]
    fn bare_targets() {
        let bare = |text: &str| {
            parse_value(text)
                .iter()
                .map(Target::is_bare)
                .collect::<Vec<_>>()
        };
        assert_eq!(bare("0.0.0.0"), [true]);
        assert_eq!(bare("0.0.0.0:9092"), [false]);
        assert_eq!(bare("PLAINTEXT://0.0.0.0"), [false]);
        assert_eq!(bare("postgres://0.0.0.0"), [false]);
        assert_eq!(bare("1@kafka:9093"), [false]);
    }

    /// A deterministic xorshift generator.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }
    }

    fn check_ranges(text: &str, t: &Target) {
        assert!(text.get(t.range.clone()).is_some(), "range of {text:?}");
        assert_eq!(
            text.get(t.host_range.clone()),
            Some(t.host.as_str()),
            "{text:?}"
        );
    }

    fn check_everything(rng: &mut Rng, text: &str) {
        for t in parse_value(text) {
            check_ranges(text, &t);
        }
        let args: Vec<&str> = text.split(' ').collect();
        for (i, t) in command_targets(&args) {
            check_ranges(args[i], &t);
        }
        let _ = (
            classify(text),
            is_client_key(text),
            is_browser_url_key(text),
        );
        let _ = inferred_port(text);
        let cut = rng.below(text.len() + 1);
        if let (Some(a), Some(b)) = (text.get(..cut), text.get(cut..)) {
            let _ = host_port_pairs(&[(a, b), (b, a)]);
        }
    }

    #[test]
    fn never_panics() {
        let chars: Vec<char> = "abcdefghijklmnopqrstuvwxyz0123456789:/@[],;.%?=_- \té\\"
            .chars()
            .collect();
        let tokens = [
            "postgres://",
            "jdbc:",
            "jdbc:oracle:thin:@",
            "jdbc:sqlserver://",
            "mongodb+srv://",
            "PLAINTEXT://",
            "//",
            "[",
            "]",
            "::1",
            "1@",
            ":9092",
            ":",
            "localhost",
            "db",
            "/",
            "@",
            ",",
            ";",
            " ",
            "%40",
            "\\",
            "kcat",
            "-b",
            "redis-cli",
            "-h",
            "-p",
            "mysql",
            "-P",
            "--url=",
            "--bootstrap-server",
            "=",
            "é",
            "127.0.0.1",
            "0",
        ];
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for _ in 0..20_000 {
            let len = rng.below(40);
            let text: String = (0..len).map(|_| chars[rng.below(chars.len())]).collect();
            check_everything(&mut rng, &text);
        }
        for _ in 0..20_000 {
            let len = rng.below(10);
            let text: String = (0..len).map(|_| tokens[rng.below(tokens.len())]).collect();
            check_everything(&mut rng, &text);
        }
    }
}
