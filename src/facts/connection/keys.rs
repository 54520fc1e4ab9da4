//! Environment keys: which name a client-side address, a server-side (bind or advertised) one
//! or a browser URL, which host and port keys pair up, and the port a key's words imply.

use super::entry::parse_port;
use crate::facts::values::{contains_ignore_case, ends_with_ignore_case, starts_with_ignore_case};

/// The last words of client-side keys (§1.4); `BOOTSTRAP_SERVERS` ends in `SERVERS`.
const CLIENT_WORDS: [&str; 18] = [
    "URL",
    "URI",
    "DSN",
    "HOST",
    "HOSTS",
    "HOSTNAME",
    "SERVER",
    "SERVERS",
    "ADDR",
    "ADDRESS",
    "ENDPOINT",
    "BROKER",
    "BROKERS",
    "BOOTSTRAPSERVERS",
    "BROKERCONNECT",
    "CONNECT",
    "CONNECTION",
    "SEEDS",
];

/// Substrings that make a key server-side (a bind or advertised address, §1.4).
const SERVER_SIDE: [&str; 5] = ["LISTEN", "BIND", "ADVERTISED", "ANNOUNCE", "PUBLISH"];

/// Whether a key names the service's own listening or advertised address (§1.4): some part
/// of it says listen, bind, advertise, announce or publish, case-insensitively.
pub(crate) fn is_server_side_key(key: &str) -> bool {
    SERVER_SIDE.iter().any(|w| contains_ignore_case(key, w))
}

/// Whether a key names where a client connects (§1.4): its last `_`-separated word is one of
/// the client words (or it ends in `CONNECTION_STRING`), case-insensitively, and it is not
/// [server-side](is_server_side_key). The broker-property exception is the caller's, which
/// knows the service.
pub(crate) fn is_client_key(key: &str) -> bool {
    let (rest, last) = match key.bytes().rposition(|b| b == b'_') {
        Some(i) => (&key[..i], &key[i + 1..]),
        None => ("", key),
    };
    let client = CLIENT_WORDS.iter().any(|w| w.eq_ignore_ascii_case(last))
        || (last.eq_ignore_ascii_case("STRING")
            && last_word(rest).eq_ignore_ascii_case("CONNECTION"));
    // Most keys fail the word test: the substring test comes second.
    client && !is_server_side_key(key)
}

/// The last `_`-separated word of `key` (all of it without a `_`).
fn last_word(key: &str) -> &str {
    key.bytes()
        .rposition(|b| b == b'_')
        .map_or(key, |i| &key[i + 1..])
}

/// Prefixes of keys whose URLs a browser on the host opens (§1.4).
const BROWSER_PREFIXES: [&str; 6] = [
    "NEXT_PUBLIC_",
    "NUXT_PUBLIC_",
    "VITE_",
    "REACT_APP_",
    "EXPO_PUBLIC_",
    "PUBLIC_",
];

/// Suffixes (or whole names) of browser-URL keys (§1.4).
const BROWSER_SUFFIXES: [&str; 4] = ["PUBLIC_URL", "EXTERNAL_URL", "SITE_URL", "ROOT_URL"];

/// Substrings of browser-URL keys (§1.4), plus `BROWSER` and `_PUBLIC_` (Ory's
/// `KRATOS_BROWSER_URL`, `SERVE_PUBLIC_BASE_URL`, Penpot's `PENPOT_PUBLIC_URI`), which name
/// the URL a browser is sent to just as plainly.
const BROWSER_PARTS: [&str; 7] = [
    "CALLBACK",
    "REDIRECT",
    "CORS",
    "ORIGIN",
    "ALLOWED_HOSTS",
    "BROWSER",
    "_PUBLIC_",
];

/// Whether a key carries a host-side (browser) URL, where `localhost:<published port>` is right:
/// the loopback rules NET001, NET002 and CMP001 skip these keys (§1.4).
pub(crate) fn is_browser_url_key(key: &str) -> bool {
    BROWSER_PREFIXES
        .iter()
        .any(|p| starts_with_ignore_case(key, p))
        || BROWSER_SUFFIXES
            .iter()
            .any(|s| ends_with_ignore_case(key, s))
        || BROWSER_PARTS.iter().any(|p| contains_ignore_case(key, p))
}

/// Host-key suffixes that pair with `X_PORT` (§1.4).
const PAIR_SUFFIXES: [&str; 4] = ["_HOST", "_HOSTNAME", "_SERVER", "_ADDR"];

/// Host and port keys that go together: `X_HOST`, `X_HOSTNAME`, `X_SERVER` or `X_ADDR` with
/// `X_PORT` (same prefix, case-insensitive), in environment order. The host key must be
/// client-side and the prefix non-empty (`HOST`/`PORT` alone is usually the service's own bind
/// address), and the port value must be a port.
pub(crate) fn host_port_pairs(env: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (key, _) in env {
        let prefix = PAIR_SUFFIXES.iter().find_map(|s| {
            let cut = key.len().checked_sub(s.len())?;
            let tail = key.get(cut..)?;
            tail.eq_ignore_ascii_case(s).then(|| &key[..cut])
        });
        let Some(prefix) = prefix.filter(|p| !p.is_empty() && is_client_key(key)) else {
            continue;
        };
        let port_key = env.iter().find(|(k, v)| {
            k.len() == prefix.len() + 5
                && k.get(..prefix.len())
                    .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
                && k.get(prefix.len()..)
                    .is_some_and(|s| s.eq_ignore_ascii_case("_PORT"))
                && parse_port(v.trim()).is_some()
        });
        if let Some((port_key, _)) = port_key {
            out.push((key.to_string(), port_key.to_string()));
        }
    }
    out
}

/// Key words that name a kind of server, with its usual port (§1.4 bare-host inference).
const KINDS: [(&str, u16); 11] = [
    ("PG", 5432),
    ("POSTGRES", 5432),
    ("POSTGRESQL", 5432),
    ("MYSQL", 3306),
    ("MARIADB", 3306),
    ("REDIS", 6379),
    ("MONGO", 27017),
    ("MONGODB", 27017),
    ("RABBIT", 5672),
    ("RABBITMQ", 5672),
    ("AMQP", 5672),
];

/// Host words glued to a kind in one-word keys: `PGHOST`, `REDISHOST`, `MYSQLHOST`.
const GLUED: [&str; 5] = ["HOSTNAME", "HOST", "SERVER", "ADDR", "URL"];

/// The port a bare host in this key most likely means, from a `_`-separated word of the key
/// naming the kind (`POSTGRES_HOST`, `SPRING_REDIS_HOST`, `PGHOST` → by kind); `None` when no
/// word names one (`DB_HOST`) or two words disagree. Whole words only: `PGBOUNCER_HOST` is not
/// PostgreSQL's port.
pub(crate) fn inferred_port(key: &str) -> Option<u16> {
    let key = key.to_ascii_uppercase();
    let mut found = None;
    for word in key.split('_') {
        let word = GLUED
            .iter()
            .find_map(|g| word.strip_suffix(g).filter(|w| !w.is_empty()))
            .unwrap_or(word);
        if let Some(&(_, port)) = KINDS.iter().find(|(kind, _)| *kind == word) {
            if found.is_some_and(|f| f != port) {
                return None;
            }
            found = Some(port);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_keys() {
        for key in [
            "DATABASE_URL",
            "SPRING_KAFKA_BOOTSTRAP_SERVERS",
            "KAFKA_BROKERCONNECT",
            "REDIS_HOST",
            "url",
            "Mongo_Uri",
            "SENTRY_DSN",
            "ES_HOSTS",
            "DB_HOSTNAME",
            "SMTP_SERVER",
            "SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS",
            "KAFKA_BOOTSTRAPSERVERS",
            "MEMCACHED_SERVERS",
            "CONSUL_ADDR",
            "BACKEND_ADDRESS",
            "S3_ENDPOINT",
            "KAFKA_BROKER",
            "KAFKA_BROKERS",
            "KAFKA_ZOOKEEPER_CONNECT",
            "DB_CONNECTION",
            "AZURE_STORAGE_CONNECTION_STRING",
            "CASSANDRA_SEEDS",
        ] {
            assert!(is_client_key(key), "{key} should be client-side");
        }
        for key in [
            "KAFKA_ADVERTISED_LISTENERS",
            "KAFKA_ADVERTISED_HOST_NAME",
            "KAFKA_LISTENERS",
            "LISTEN_ADDR",
            "BIND_HOST",
            "REDIS_CLUSTER_ANNOUNCE_HOSTNAME",
            "MERCURE_PUBLISH_URL",
            "DATABASEURL",
            "DB_PORT",
            "URLS",
            "CONNECTION_STRINGS",
            "DB_STRING",
            "",
        ] {
            assert!(!is_client_key(key), "{key} should not be client-side");
        }
    }

    #[test]
    fn browser_url_keys() {
        for key in [
            "NEXT_PUBLIC_API_URL",
            "NUXT_PUBLIC_API_BASE",
            "VITE_API_URL",
            "REACT_APP_BACKEND_URL",
            "EXPO_PUBLIC_API_URL",
            "PUBLIC_URL",
            "public_api_url",
            "APP_PUBLIC_URL",
            "GITLAB_EXTERNAL_URL",
            "EXTERNAL_URL",
            "SITE_URL",
            "WP_SITE_URL",
            "ROOT_URL",
            "GF_SERVER_ROOT_URL",
            "OAUTH_CALLBACK_URL",
            "LOGIN_REDIRECT_URI",
            "CORS_ORIGINS",
            "APP_ORIGIN",
            "DJANGO_ALLOWED_HOSTS",
            "KRATOS_BROWSER_URL",
            "SERVE_PUBLIC_BASE_URL",
            "PENPOT_PUBLIC_URI",
        ] {
            assert!(is_browser_url_key(key), "{key} should be a browser URL key");
        }
        for key in [
            "DATABASE_URL",
            "API_URL",
            "REDIS_HOST",
            "MY_PUBLICATION_HOST",
        ] {
            assert!(
                !is_browser_url_key(key),
                "{key} should not be a browser URL key"
            );
        }
    }

    #[test]
    fn pairs() {
        let env = [
            ("POSTGRES_HOST", "localhost"),
            ("POSTGRES_PORT", "5432"),
            ("redis_hostname", "redis"),
            ("REDIS_PORT", "6379"),
            ("SMTP_SERVER", "mail"),
            ("SMTP_PORT", " 25 "),
            ("CONSUL_ADDR", "consul"),
            ("CONSUL_PORT", "8500"),
            ("HOST", "0.0.0.0"),
            ("PORT", "3000"),
            ("LISTEN_HOST", "0.0.0.0"),
            ("LISTEN_PORT", "80"),
            ("MAIL_HOST", "mail"),
            ("MAIL_PORT", "smtp"),
            ("CACHE_HOST", "memcached"),
        ];
        let pair = |h: &str, p: &str| (h.to_string(), p.to_string());
        assert_eq!(
            host_port_pairs(&env),
            [
                pair("POSTGRES_HOST", "POSTGRES_PORT"),
                pair("redis_hostname", "REDIS_PORT"),
                pair("SMTP_SERVER", "SMTP_PORT"),
                pair("CONSUL_ADDR", "CONSUL_PORT"),
            ]
        );
        assert!(host_port_pairs(&[]).is_empty());
    }

    #[test]
    fn inferred_ports() {
        for (key, port) in [
            ("PG_HOST", Some(5432)),
            ("PGHOST", Some(5432)),
            ("POSTGRES_HOST", Some(5432)),
            ("POSTGRESQL_HOSTNAME", Some(5432)),
            ("MYSQL_HOST", Some(3306)),
            ("MYSQLHOST", Some(3306)),
            ("MARIADB_HOST", Some(3306)),
            ("SPRING_REDIS_HOST", Some(6379)),
            ("redis_url", Some(6379)),
            ("MONGO_HOST", Some(27017)),
            ("MONGODB_SERVER", Some(27017)),
            ("RABBIT_HOST", Some(5672)),
            ("RABBITMQ_HOST", Some(5672)),
            ("AMQP_ADDR", Some(5672)),
            ("DB_HOST", None),
            ("PGBOUNCER_HOST", None),
            ("PG_REDIS_HOST", None),
            ("HOST", None),
        ] {
            assert_eq!(inferred_port(key), port, "{key}");
        }
    }
}
