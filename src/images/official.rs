//! Docker Hub's official images: the only repositories a one-part name (`nginx`, `web`) can
//! be pulled from, since Docker Hub reads it as `library/<name>` and only Docker curates that
//! namespace. Any other one-part name can only be an image built or loaded on the machine.
//! Source: the `docker-library/official-images` `library/` folder (current and deprecated
//! entries that still serve pulls).

/// The official repositories, sorted (binary search).
const OFFICIAL: &[&str] = &[
    "adminer",
    "aerospike",
    "almalinux",
    "alpine",
    "alt",
    "amazoncorretto",
    "amazonlinux",
    "api-firewall",
    "arangodb",
    "archlinux",
    "backdrop",
    "bash",
    "bonita",
    "buildpack-deps",
    "busybox",
    "caddy",
    "cassandra",
    "centos",
    "chronograf",
    "cirros",
    "clearlinux",
    "clickhouse",
    "clojure",
    "composer",
    "consul",
    "convertigo",
    "couchbase",
    "couchdb",
    "crate",
    "dart",
    "debian",
    "docker",
    "drupal",
    "eclipse-mosquitto",
    "eclipse-temurin",
    "eggdrop",
    "elasticsearch",
    "elixir",
    "emqx",
    "erlang",
    "fedora",
    "flink",
    "fluentd",
    "friendica",
    "gazebo",
    "gcc",
    "geonetwork",
    "ghost",
    "golang",
    "gradle",
    "groovy",
    "haproxy",
    "haskell",
    "haxe",
    "hello-world",
    "hitch",
    "httpd",
    "hylang",
    "ibm-semeru-runtimes",
    "ibmjava",
    "influxdb",
    "irssi",
    "java",
    "jenkins",
    "jetty",
    "jobber",
    "joomla",
    "jruby",
    "julia",
    "kaazing-gateway",
    "kapacitor",
    "kibana",
    "kong",
    "krakend",
    "lightstreamer",
    "liquibase",
    "logstash",
    "mageia",
    "mariadb",
    "matomo",
    "maven",
    "mediawiki",
    "memcached",
    "mongo",
    "mongo-express",
    "monica",
    "mono",
    "mysql",
    "nats",
    "nats-streaming",
    "neo4j",
    "neurodebian",
    "nextcloud",
    "nginx",
    "node",
    "notary",
    "odoo",
    "open-liberty",
    "openjdk",
    "oraclelinux",
    "orientdb",
    "owncloud",
    "percona",
    "perl",
    "photon",
    "php",
    "php-zendserver",
    "phpmyadmin",
    "piwik",
    "plone",
    "postfixadmin",
    "postgres",
    "pypy",
    "python",
    "r-base",
    "rabbitmq",
    "rakudo-star",
    "redis",
    "redmine",
    "registry",
    "rethinkdb",
    "rocket.chat",
    "rockylinux",
    "ros",
    "ruby",
    "rust",
    "sapmachine",
    "satosa",
    "scratch",
    "sentry",
    "silverpeas",
    "sl",
    "solr",
    "sonarqube",
    "spark",
    "spiped",
    "storm",
    "swarm",
    "swift",
    "swipl",
    "teamspeak",
    "telegraf",
    "thrift",
    "tomcat",
    "tomee",
    "traefik",
    "ubuntu",
    "unit",
    "varnish",
    "vault",
    "websphere-liberty",
    "wordpress",
    "xwiki",
    "yourls",
    "znc",
    "zookeeper",
];

/// Whether `name`, a one-part repository (no `/`), is an official image Docker Hub serves.
pub(crate) fn is_official(name: &str) -> bool {
    OFFICIAL.binary_search(&name).is_ok()
}

/// Whether an image reference names an image no registry can serve, so it is built or
/// loaded locally: a one-part Docker Hub name that is no official image (`web`, `myapp`), or
/// Podman's `localhost/` prefix for local images (`localhost/app:1`; a registry on a port,
/// `localhost:5000/app`, is a registry).
pub(crate) fn is_local_only(reference: &super::Reference) -> bool {
    match reference.registry {
        Some(registry) => registry == "localhost",
        None => {
            !reference.repository.contains('/')
                && !reference.repository.is_empty()
                && !is_official(reference.repository)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_sorted_for_binary_search() {
        assert!(OFFICIAL.windows(2).all(|w| w[0] < w[1]), "sort OFFICIAL");
    }

    #[test]
    fn one_part_names_outside_the_library_are_local() {
        let local = |s: &str| is_local_only(&super::super::Reference::parse(s));
        assert!(local("web"));
        assert!(local("my-busybox-build-labels-array:latest"));
        assert!(!local("nginx"));
        assert!(!local("nginx:latest"));
        assert!(!local("myorg/app"));
        assert!(!local("localhost:5000/app"));
        assert!(local("localhost/test-image:1"));
    }
}
