//! The typed view of one service that rules read: its image (parsed once), network mode,
//! environment, ports, command line, names and profiles. Built once per project (see
//! `rules::Context`), so that rules neither walk the YAML value for these keys nor re-parse
//! what a fact already parsed.

use crate::facts::images::{image_of, is_helper};
use crate::facts::kafka::image_version;
use crate::facts::ports::{PortTarget, Published, published, targets};
use crate::facts::values::{Arg, args};
use crate::images::{self, Family, Image, TagVersion};
use crate::project::value::{Map, Origin, Value};

pub(crate) use crate::facts::network_mode::NetworkMode;

/// One service as rules see it.
#[derive(Debug, Clone)]
pub struct Service<'p> {
    /// The service key.
    pub name: &'p str,
    /// The service's value, for fix builders and the keys this view does not cover.
    pub spec: &'p Value,
    /// The image reference, when its text is known.
    pub image: Option<&'p str>,
    /// The image's repository and what its tag says, also when only the tag is an unset
    /// variable (`cp-kafka:${TAG}`).
    pub repository: Option<(&'p str, TagVersion)>,
    /// The catalog's image, when the repository is one it knows.
    pub known_image: Option<Image>,
    /// How the image turns environment into Kafka settings.
    pub family: Family,
    /// The network mode.
    pub network_mode: NetworkMode<'p>,
    map: Option<&'p Map>,
}

impl<'p> Service<'p> {
    /// The view of service `name` whose value is `spec`.
    pub fn new(name: &'p str, spec: &'p Value) -> Service<'p> {
        let repository = image_version(spec);
        let repo = repository.map(|(r, _)| r);
        Service {
            name,
            spec,
            image: image_of(spec),
            repository,
            known_image: repo.and_then(images::image),
            family: repo.map_or(Family::Other, Family::of),
            network_mode: NetworkMode::of(spec),
            map: spec.as_map(),
        }
    }

    /// The repository of the image, without registry, tag or digest.
    pub fn repo(&self) -> Option<&'p str> {
        self.repository.map(|(r, _)| r)
    }

    /// A key of the service with the origin of its key, for locations and fixes.
    fn entry(&self, key: &str) -> Option<(&'p Origin, &'p Value)> {
        self.map?.entry(key)
    }

    /// The `image` value, when written (its text known or not).
    pub fn image_value(&self) -> Option<&'p Value> {
        self.entry("image").map(|(_, v)| v)
    }

    /// The `network_mode` key and value, when written.
    pub fn network_mode_entry(&self) -> Option<(&'p Origin, &'p Value)> {
        self.entry("network_mode")
    }

    /// The `environment` value (the loader turns the list form into a mapping).
    pub fn environment(&self) -> Option<&'p Value> {
        self.entry("environment").map(|(_, v)| v)
    }

    /// The environment as a mapping, in file order.
    pub fn env(&self) -> Option<&'p Map> {
        self.environment()?.as_map()
    }

    /// The value of environment variable `key`.
    pub fn env_value(&self, key: &str) -> Option<&'p Value> {
        self.env()?.get(key)
    }

    /// Whether the environment sets `key` (to any value, null included).
    pub fn sets_env(&self, key: &str) -> bool {
        self.env().is_some_and(|e| e.contains_key(key))
    }

    /// The `ports` key and value, when written.
    pub fn ports_entry(&self) -> Option<(&'p Origin, &'p Value)> {
        self.entry("ports")
    }

    /// The `ports` entries (empty when there are none).
    pub fn ports(&self) -> &'p [Value] {
        self.ports_entry()
            .and_then(|(_, v)| v.as_seq())
            .unwrap_or_default()
    }

    /// The published mappings with a fixed host port.
    pub fn published(&self) -> Vec<Published<'p>> {
        published(self.spec)
    }

    /// The container side of every published entry, on a fixed or an ephemeral host port
    /// (`"9092"`: Docker picks a free host port, host clients still reach the container).
    pub(crate) fn port_targets(&self) -> Vec<PortTarget<'p>> {
        targets(self.spec)
    }

    /// The `expose` key and value, when written.
    pub fn expose_entry(&self) -> Option<(&'p Origin, &'p Value)> {
        self.entry("expose")
    }

    /// The `command` value, when written.
    pub fn command_value(&self) -> Option<&'p Value> {
        self.entry("command").map(|(_, v)| v)
    }

    /// The `entrypoint` value, when written.
    pub fn entrypoint_value(&self) -> Option<&'p Value> {
        self.entry("entrypoint").map(|(_, v)| v)
    }

    /// The arguments of `command`, as argv.
    pub fn command(&self) -> Vec<Arg<'p>> {
        args(self.spec, "command")
    }

    /// The arguments of `entrypoint`, as argv.
    pub fn entrypoint(&self) -> Vec<Arg<'p>> {
        args(self.spec, "entrypoint")
    }

    /// Whether the service is a one-shot client run from a server image (RULES.md §1.3.1).
    pub fn is_helper(&self) -> bool {
        is_helper(self.spec)
    }

    /// Whether Compose builds the image from source (`build`), so that no catalog knows what
    /// it runs.
    pub fn is_built(&self) -> bool {
        self.entry("build").is_some()
    }

    /// The `hostname` value, when written.
    pub fn hostname(&self) -> Option<&'p Value> {
        self.entry("hostname").map(|(_, v)| v)
    }

    /// The services it depends on, `depends_on` in either form (the loader makes a list a
    /// mapping), with the origin of each name, for locations.
    pub fn depends_on(&self) -> impl Iterator<Item = (&'p str, &'p Origin, &'p Value)> + use<'p> {
        self.entry("depends_on")
            .and_then(|(_, v)| v.as_map())
            .into_iter()
            .flat_map(Map::iter)
    }

    /// The `networks` key and value, when written.
    pub fn networks_entry(&self) -> Option<(&'p Origin, &'p Value)> {
        self.entry("networks")
    }

    /// The `networks` the service joins, by name, with each one's settings.
    pub fn networks(&self) -> Option<&'p Map> {
        self.networks_entry()?.1.as_map()
    }

    /// Whether the service sets `aliases` on any of its networks.
    pub fn has_aliases(&self) -> bool {
        self.networks()
            .is_some_and(|m| m.iter().any(|(_, _, n)| n.get("aliases").is_some()))
    }

    /// The `extra_hosts` value, when written.
    pub fn extra_hosts(&self) -> Option<&'p Value> {
        self.entry("extra_hosts").map(|(_, v)| v)
    }

    /// The `labels` value, when written.
    pub fn labels(&self) -> Option<&'p Value> {
        self.entry("labels").map(|(_, v)| v)
    }

    /// The `profiles` value, when written.
    pub fn profiles(&self) -> Option<&'p Value> {
        self.entry("profiles").map(|(_, v)| v)
    }

    /// The `healthcheck` value, when written.
    pub fn healthcheck(&self) -> Option<&'p Value> {
        self.entry("healthcheck").map(|(_, v)| v)
    }
}

/// The views of every service of a project, in file order.
pub(crate) fn services(project: &crate::project::Project) -> Vec<Service<'_>> {
    project
        .services()
        .map(|(name, spec)| Service::new(name, spec))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(yaml: &str, f: impl FnOnce(&Service)) {
        let project = crate::project::from_yaml(yaml);
        let services = services(&project);
        f(&services[0]);
    }

    #[test]
    fn network_modes() {
        let cases = [
            ("{image: x}", NetworkMode::Unset),
            ("{network_mode: bridge}", NetworkMode::Bridge),
            ("{network_mode: default}", NetworkMode::Bridge),
            ("{network_mode: host}", NetworkMode::Host),
            ("{network_mode: none}", NetworkMode::None),
            ("{network_mode: 'service:db'}", NetworkMode::Service("db")),
            (
                "{network_mode: 'container:abc'}",
                NetworkMode::Container("abc"),
            ),
            ("{network_mode: mynet}", NetworkMode::Network("mynet")),
            ("{network_mode: '${UNSET_MODE_X}'}", NetworkMode::Unknown),
        ];
        for (spec, expected) in cases {
            view(&format!("services:\n  a: {spec}\n"), |s| {
                assert_eq!(s.network_mode, expected, "{spec}");
            });
        }
        assert!(NetworkMode::Unknown.is_set() && NetworkMode::Unknown.is_bridged());
        assert!(NetworkMode::Host.shares_namespace() && !NetworkMode::Host.joins_other());
        assert!(NetworkMode::Service("db").joins_other());
        assert!(!NetworkMode::Network("n").is_bridged());
    }

    #[test]
    fn image_and_environment() {
        let yaml = "services:\n  k:\n    image: docker.io/confluentinc/cp-kafka:7.6.0\n    \
                    environment: [A=1, B]\n    ports: ['9092:9092']\n    command: a 'b c'\n";
        view(yaml, |s| {
            assert_eq!(s.image, Some("docker.io/confluentinc/cp-kafka:7.6.0"));
            assert_eq!(
                s.repository,
                Some(("confluentinc/cp-kafka", TagVersion::Known(7, Some(6))))
            );
            assert_eq!(s.known_image, Some(Image::CpKafka));
            assert_eq!(s.family, Family::Confluent);
            assert_eq!(
                s.env_value("A").and_then(Value::scalar_text).as_deref(),
                Some("1")
            );
            assert!(s.sets_env("B") && !s.sets_env("C"));
            assert_eq!(s.depends_on().count(), 0);
            assert_eq!(s.ports().len(), 1);
            assert_eq!(s.published().len(), 1);
            let argv: Vec<String> = s.command().into_iter().map(|a| a.text).collect();
            assert_eq!(argv, ["a", "b c"]);
        });
    }

    #[test]
    fn depends_on_in_both_forms() {
        for spec in [
            "[db, cache]",
            "{db: {condition: service_started}, cache: {}}",
        ] {
            view(&format!("services:\n  a: {{depends_on: {spec}}}\n"), |s| {
                let names: Vec<&str> = s.depends_on().map(|(n, _, _)| n).collect();
                assert_eq!(names, ["db", "cache"], "{spec}");
            });
        }
    }

    #[test]
    fn image_with_unknown_tag_keeps_its_repository() {
        view(
            "services:\n  k: {image: 'bitnami/kafka:${UNSET_TAG_X}'}\n",
            |s| {
                assert_eq!(s.image, None);
                assert_eq!(s.repository, Some(("bitnami/kafka", TagVersion::Unknown)));
                assert_eq!(s.family, Family::Bitnami);
            },
        );
    }
}
