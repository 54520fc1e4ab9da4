//! The one image-reference parser: `[registry/]repository[:tag][@digest]`, and the version a
//! tag names.

/// An image reference split into its parts, each borrowed from the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Reference<'a> {
    /// The registry host (`docker.io`, `localhost:5000`), None for Docker Hub written short.
    pub registry: Option<&'a str>,
    /// The repository without registry, tag or digest (`confluentinc/cp-kafka`).
    pub repository: &'a str,
    /// The tag (`7.6.0`), None when the reference has none.
    pub tag: Option<&'a str>,
    /// The digest after `@` (`sha256:…`).
    pub digest: Option<&'a str>,
}

/// What an image tag says about the image's version (RULES.md KAF011).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagVersion {
    /// A numeric tag: the major, and the minor when the tag gives one (`7` gives none).
    Known(u32, Option<u32>),
    /// `latest`, no tag, or a tag that is no version: the newest release.
    Newest,
    /// The tag is an unset variable (`cp-kafka:${TAG}`): any release.
    Unknown,
}

impl<'a> Reference<'a> {
    /// Parses a reference in one byte scan: a dozen facts ask for the repository of every
    /// service.
    pub(crate) fn parse(image: &'a str) -> Reference<'a> {
        let bytes = image.as_bytes();
        // Up to the digest's `@`: the first `/`, whether a `.` or `:` comes before it (a
        // registry host), and the tag's `:` (the first after the last `/`).
        let (mut first_slash, mut host_mark, mut tag) = (None, false, None);
        let mut end = bytes.len();
        for (i, &b) in bytes.iter().enumerate() {
            match b {
                b'@' => {
                    end = i;
                    break;
                }
                b'/' => {
                    first_slash = first_slash.or(Some(i));
                    tag = None;
                }
                b':' | b'.' => {
                    host_mark |= first_slash.is_none();
                    if b == b':' && tag.is_none() {
                        tag = Some(i);
                    }
                }
                _ => {}
            }
        }
        let name = &image[..tag.unwrap_or(end)];
        let digest = image.get(end + 1..).filter(|_| end < bytes.len());
        let tag = tag.map(|t| &image[t + 1..end]);
        // A first component with a dot, a colon or `localhost` is a registry host.
        let (registry, repository) = match first_slash {
            Some(slash) if host_mark || &name[..slash] == "localhost" => {
                (Some(&name[..slash]), &name[slash + 1..])
            }
            _ => (None, name),
        };
        Reference {
            registry,
            repository,
            tag,
            digest,
        }
    }

    /// What the tag says about the version: `7.8.0`, `3.7.0-debian-12-r3`, `v3.9`, `7`; a
    /// missing or non-numeric tag is the newest release.
    pub(crate) fn version(&self) -> TagVersion {
        let Some(tag) = self.tag else {
            return TagVersion::Newest;
        };
        let tag = tag.strip_prefix('v').unwrap_or(tag);
        let mut parts = tag.split(['.', '-']);
        let major = parts.next().and_then(|m| m.parse().ok());
        let minor = parts.next().and_then(|m| m.parse().ok());
        match major {
            Some(major) => TagVersion::Known(major, minor),
            None => TagVersion::Newest,
        }
    }

    /// The `major.minor` of the tag (`7.8.0` → 7.8, `8` → 8.0); None for `latest`, no tag or
    /// anything else.
    pub(crate) fn major_minor(&self) -> Option<(u32, u32)> {
        match self.version() {
            TagVersion::Known(major, minor) => Some((major, minor.unwrap_or(0))),
            _ => None,
        }
    }

    /// The `major.minor.patch` the tag starts with, strictly (`3.5.5`, `3.9.2-jre-17`,
    /// `3.4` → `3.4.0`); None without a minor or with a `v` (ZooKeeper's tags have neither).
    pub(crate) fn release(&self) -> Option<(u32, u32, u32)> {
        let mut parts = self
            .tag?
            .split(|c: char| !c.is_ascii_digit() && c != '.')
            .next()?
            .split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        let patch = parts.next().map_or(Some(0), |p| p.parse().ok())?;
        Some((major, minor, patch))
    }
}

/// Tags that move to a new image as releases come out (dclint's default list, which HYG004
/// and SEC016 share): such a tag pins nothing.
pub(crate) const MOVING_TAGS: [&str; 9] = [
    "latest", "stable", "edge", "test", "nightly", "dev", "beta", "canary", "lts",
];

/// Whether `tag` is one of [`MOVING_TAGS`] (any case).
pub(crate) fn is_moving_tag(tag: &str) -> bool {
    MOVING_TAGS.iter().any(|t| t.eq_ignore_ascii_case(tag))
}

/// The repository of an image reference, without registry host, tag or digest:
/// `docker.io/confluentinc/cp-kafka:7.6.0` → `confluentinc/cp-kafka`.
pub(crate) fn repository(image: &str) -> &str {
    Reference::parse(image).repository
}

/// The repository of a reference whose text is known only up to `prefix`, when the unknown
/// rest lies in the tag (`confluentinc/cp-kafka:${TAG}`): the family is known, the version
/// is not.
pub(crate) fn repository_before_unknown_tag(prefix: &str) -> Option<&str> {
    let name = prefix.rfind('/').map_or(prefix, |i| &prefix[i + 1..]);
    name.contains(':').then(|| repository(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repositories() {
        let cases = [
            ("confluentinc/cp-kafka:7.6.0", "confluentinc/cp-kafka"),
            ("docker.io/confluentinc/cp-kafka", "confluentinc/cp-kafka"),
            ("quay.io/debezium/kafka:2.7", "debezium/kafka"),
            ("localhost:5000/team/kafka:dev", "team/kafka"),
            ("bitnami/kafka@sha256:abc", "bitnami/kafka"),
            ("zookeeper:3.9", "zookeeper"),
            ("registry:5000/zookeeper", "zookeeper"),
            ("localhost/kafka", "kafka"),
            ("localhostx/kafka", "localhostx/kafka"),
            ("team/kafka:1.0/x", "team/kafka:1.0/x"),
            ("a.b/c/d:e@sha256:f/g", "c/d"),
        ];
        for (image, repo) in cases {
            assert_eq!(repository(image), repo, "{image}");
        }
    }

    #[test]
    fn parts() {
        let r = Reference::parse("localhost:5000/team/kafka:dev@sha256:abc");
        assert_eq!(r.registry, Some("localhost:5000"));
        assert_eq!(r.repository, "team/kafka");
        assert_eq!(r.tag, Some("dev"));
        assert_eq!(r.digest, Some("sha256:abc"));
        let r = Reference::parse("zookeeper");
        assert_eq!((r.registry, r.tag, r.digest), (None, None, None));
    }

    #[test]
    fn versions() {
        let v = |image| Reference::parse(image).major_minor();
        assert_eq!(v("confluentinc/cp-kafka:7.8.0"), Some((7, 8)));
        assert_eq!(v("bitnami/kafka:3.7.0-debian-12-r3"), Some((3, 7)));
        assert_eq!(v("apache/kafka:4"), Some((4, 0)));
        assert_eq!(v("bitnami/kafka:latest"), None);
        assert_eq!(v("bitnami/kafka"), None);
        let r = |image| Reference::parse(image).release();
        assert_eq!(r("zookeeper:3.5.5"), Some((3, 5, 5)));
        assert_eq!(r("zookeeper:3.9.2-jre-17"), Some((3, 9, 2)));
        assert_eq!(r("zookeeper:3.4"), Some((3, 4, 0)));
        assert_eq!(r("zookeeper:3"), None);
        assert_eq!(r("zookeeper"), None);
    }
}
