//! KAF014 env-prefix-or-key-mistake.

use crate::diagnostic::{Applicability, Edit, Fix};
use crate::diagnostic::{Diagnostic, Platform, Severity};
use crate::diagnostic::{FixAvailability, RuleInfo};
use crate::facts::kafka::{Broker, Family, TagVersion, property_of};
use crate::facts::service::Service;
use crate::fix::builders;
use crate::project::Project;
use crate::project::value::{Kind, Origin, Value};
use crate::rules::{Context, Rule};

rule_info!(
    EnvPrefixOrKeyMistake,
    INFO,
    "KAF014",
    "env-prefix-or-key-mistake",
    Severity::Warning,
    &Platform::ALL,
    FixAvailability::Safe
);

/// Broker configuration names of Kafka 2.8 (kafka.apache.org/28/documentation, broker configs).
const CONFIGS_2_8: &str = include_str!("../../facts/kafka_broker_configs/2.8.txt");
/// Broker configuration names of Kafka 3.9, the last 3.x (kafka.apache.org/39).
const CONFIGS_3: &str = include_str!("../../facts/kafka_broker_configs/3.x.txt");
/// Broker configuration names of Kafka 4.1 (kafka.apache.org/41).
const CONFIGS_4: &str = include_str!("../../facts/kafka_broker_configs/4.x.txt");

/// Plain `KAFKA_<X>` names older bitnami images copied besides those `property_of` knows:
/// `KAFKA_PORT` (bitnami 1.x `libkafka.sh`).
const BITNAMI_OLD_ALIASES: [&str; 1] = ["PORT"];

/// `KAFKA_*` variables bitnami's scripts read or set themselves (`kafka-env.sh`): never broker
/// properties, whatever their names look like.
const BITNAMI_IMAGE_VARS: [&str; 13] = [
    "KAFKA_LOG_DIR",
    "KAFKA_HOME",
    "KAFKA_OPTS",
    "KAFKA_HEAP_OPTS",
    "KAFKA_CONF_FILE",
    "KAFKA_CONF_DIR",
    "KAFKA_DATA_DIR",
    "KAFKA_BASE_DIR",
    "KAFKA_VOLUME_DIR",
    "KAFKA_CERTS_DIR",
    "KAFKA_CLUSTER_ID",
    "KAFKA_KRAFT_CLUSTER_ID",
    "KAFKA_INITIAL_CONTROLLERS",
];

/// Property prefixes that plugins, Confluent Server, per-listener settings and logging use:
/// a name under them is never reported as a misspelling.
const EXEMPT_PREFIXES: [&str; 7] = [
    "confluent.",
    "listener.name.",
    "sasl.",
    "log4j",
    "jmx.",
    "kafka.rest.",
    "cfg.",
];

/// Properties of the Confluent image's refused legacy variables (`KAFKA_ADVERTISED_HOST`):
/// KAF012 reports them, and no broker property is meant.
const LEGACY: [&str; 1] = ["advertised.host"];

/// The Kafka release lines whose broker configuration names ship with composefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KafkaLine {
    /// 2.8 (the last ZooKeeper-only line; wurstmeister, cp-kafka 6 and older).
    V2,
    /// 3.x (cp-kafka 7, apache/kafka 3, bitnami 3).
    V3,
    /// 4.x (cp-kafka 8, apache/kafka 4, bitnami 4, `latest`).
    V4,
}

impl KafkaLine {
    /// The broker configuration names of this line.
    fn names(self) -> impl Iterator<Item = &'static str> {
        let text = match self {
            KafkaLine::V2 => CONFIGS_2_8,
            KafkaLine::V3 => CONFIGS_3,
            KafkaLine::V4 => CONFIGS_4,
        };
        text.lines().map(str::trim).filter(|l| !l.is_empty())
    }

    /// How messages name the line.
    fn label(self) -> &'static str {
        match self {
            KafkaLine::V2 => "Kafka 2.8",
            KafkaLine::V3 => "Kafka 3.x",
            KafkaLine::V4 => "Kafka 4.x",
        }
    }
}

/// Every shipped name, all lines together.
fn all_names() -> impl Iterator<Item = &'static str> {
    [KafkaLine::V2, KafkaLine::V3, KafkaLine::V4]
        .into_iter()
        .flat_map(KafkaLine::names)
}

/// The names of `line`, or of every line when the image's Kafka line is not known.
fn names_of(line: Option<KafkaLine>) -> Vec<&'static str> {
    match line {
        Some(line) => line.names().collect(),
        None => all_names().collect(),
    }
}

/// The Kafka line of a broker's image, from its family and tag; None when the tag does not
/// tell (an unset variable, an unknown image).
fn kafka_line(service: &Service, broker: &Broker) -> Option<KafkaLine> {
    if broker.family == Family::Wurstmeister {
        return Some(KafkaLine::V2);
    }
    let (_, tag) = service.repository?;
    let major = match tag {
        TagVersion::Known(major, _) => major,
        TagVersion::Newest => return Some(KafkaLine::V4),
        TagVersion::Unknown => return None,
    };
    match broker.family {
        // Confluent Platform 7 ships Kafka 3, 8 ships Kafka 4.
        Family::Confluent => Some(match major {
            8.. => KafkaLine::V4,
            7 => KafkaLine::V3,
            _ => KafkaLine::V2,
        }),
        Family::Apache | Family::Bitnami => match major {
            4.. => Some(KafkaLine::V4),
            3 => Some(KafkaLine::V3),
            0..=2 if broker.family == Family::Bitnami => Some(KafkaLine::V2),
            _ => None,
        },
        _ => None,
    }
}

/// Whether `name` is a broker configuration of any shipped line (case and dots aside: the
/// Confluent image writes `zookeeper.clientCnxnSocket` from `KAFKA_ZOOKEEPER_CLIENT_CNXN_SOCKET`).
fn is_known(name: &str) -> bool {
    let name_bare: Vec<u8> = name
        .bytes()
        .filter(|b| *b != b'.')
        .map(|b| b.to_ascii_lowercase())
        .collect();
    // Compared without allocating: this runs for every broker setting against every name.
    all_names().any(|k| {
        k.bytes()
            .filter(|b| *b != b'.')
            .map(|b| b.to_ascii_lowercase())
            .eq(name_bare.iter().copied())
    })
}

/// Whether `name` lies where plugins and per-listener settings live.
fn is_exempt(name: &str) -> bool {
    LEGACY.contains(&name)
        || EXEMPT_PREFIXES.iter().any(|p| name.starts_with(p))
        || name.contains(".sasl.")
        || name.ends_with(".opts")
        || name.contains("..")
}

/// The known names nearest to an unknown `name`: optimal string alignment distance at most 2
/// (1 for names shorter than 12 bytes, none below 6), every name at the smallest distance.
fn nearest(name: &str, candidates: &[&'static str]) -> Vec<&'static str> {
    let limit = match name.len() {
        0..6 => return Vec::new(),
        6..12 => 1,
        _ => 2,
    };
    // An edit changes the length by at most one character: names whose lengths differ by
    // more than the limit are not measured (a file with many broker keys checks them all
    // against every known name, on every re-check of the fix loop).
    let chars = name.chars().count();
    let scored: Vec<(usize, &'static str)> = candidates
        .iter()
        .filter(|c| c.chars().count().abs_diff(chars) <= limit)
        .map(|c| (strsim::osa_distance(name, &c.to_ascii_lowercase()), *c))
        .filter(|(d, _)| *d <= limit)
        .collect();
    let Some(best) = scored.iter().map(|(d, _)| *d).min() else {
        return Vec::new();
    };
    let mut out: Vec<&'static str> = scored
        .into_iter()
        .filter(|(d, _)| *d == best)
        .map(|(_, c)| c)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The variable that sets broker property `name` in `family`'s image; None when the family
/// cannot write it (bitnami and wurstmeister have no escape for `_` and `-`; mixed case).
fn env_key(family: Family, name: &str) -> Option<String> {
    if name.chars().any(|c| c.is_ascii_uppercase()) {
        return None;
    }
    let escapes = matches!(family, Family::Confluent | Family::Apache);
    if !escapes && name.contains(['_', '-']) {
        return None;
    }
    let encoded = name
        .replace('_', "___")
        .replace('-', "__")
        .replace('.', "_")
        .to_ascii_uppercase();
    Some(format!("{}{encoded}", family.prefix()))
}

/// What is wrong with one variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mistake {
    /// Sub-case 1: a plain `KAFKA_<X>` on bitnami that no alias copies.
    BitnamiPlain,
    /// Sub-case 2: a bitnami `KAFKA_CFG_<X>` on another image.
    CfgPrefix,
    /// Sub-case 3: a misspelt property.
    Misspelt,
    /// Sub-case 4: `__` escapes on an image that does not unescape.
    Escape,
}

/// One misnamed variable of a broker.
struct Hit<'p> {
    /// The variable as written.
    key: &'p str,
    /// Where the variable is written.
    origin: &'p Origin,
    /// Its value.
    value: &'p Value,
    /// The kind of mistake.
    mistake: Mistake,
    /// The variable to use instead, when there is one.
    rename: Option<String>,
    /// The explanation.
    text: String,
}

impl Rule for EnvPrefixOrKeyMistake {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_broker(
        &self,
        cx: &Context<'_>,
        service: &Service<'_>,
        broker: &Broker<'_>,
        out: &mut Vec<Diagnostic>,
    ) {
        if broker.family == Family::Redpanda || !broker.reads_environment() {
            return;
        }
        let hits = broker_hits(service, broker);
        if let Some(d) = diagnose(cx, service, broker, &hits) {
            out.push(d);
        }
    }
}

/// The misnamed variables of a broker, in environment order.
fn broker_hits<'p>(service: &Service<'p>, broker: &Broker) -> Vec<Hit<'p>> {
    let Some(env) = service.env() else {
        return Vec::new();
    };
    let line = kafka_line(service, broker);
    env.iter()
        .filter(|(_, _, value)| is_set(value))
        .filter_map(|(key, origin, value)| {
            let (mistake, rename, mut text) = classify(broker, line, key)?;
            if let Some(set) = rename.as_deref().filter(|r| env.contains_key(r)) {
                text.push_str(&format!(" (`{set}` is set too: `{key}` can go)"));
            }
            let rename = rename.filter(|r| !env.contains_key(r));
            Some(Hit {
                key,
                origin,
                value,
                mistake,
                rename,
                text,
            })
        })
        .collect()
}

/// Whether a variable holds a known, non-empty value: an unset variable (or a bare `- KEY`
/// taken from the shell) could mean anything, and the images skip empty values.
fn is_set(value: &Value) -> bool {
    if matches!(value.kind, Kind::Null) || value.as_str().is_some_and(|s| !s.is_known()) {
        return false;
    }
    value.scalar_text().is_some_and(|t| !t.trim().is_empty())
}

/// The mistake a variable makes, the variable to use instead and the explanation.
fn classify(
    broker: &Broker,
    line: Option<KafkaLine>,
    key: &str,
) -> Option<(Mistake, Option<String>, String)> {
    cfg_prefix(broker, key)
        .or_else(|| escape(broker, key))
        .or_else(|| bitnami_plain(broker, line, key))
        .or_else(|| misspelt(broker, line, key))
}

/// Sub-case 2: `KAFKA_CFG_<X>` on an image that maps every `KAFKA_*` variable.
fn cfg_prefix(broker: &Broker, key: &str) -> Option<(Mistake, Option<String>, String)> {
    // An unknown image (a `build:`) may be bitnami's underneath.
    if matches!(broker.family, Family::Bitnami | Family::Other) {
        return None;
    }
    let rest = key.strip_prefix("KAFKA_CFG_").filter(|r| !r.is_empty())?;
    let property = property_of(broker.family, key)?;
    let new = format!("KAFKA_{rest}");
    let text = format!(
        "`{key}` is bitnami's naming: this image turns it into the property `{property}`, \
         which Kafka ignores (\"supplied but isn't a known config\"), so the setting never \
         applies; the image reads `{new}`"
    );
    Some((Mistake::CfgPrefix, Some(new), text))
}

/// Sub-case 4: `__`/`___` escapes on bitnami or wurstmeister, which turn every `_` into `.`.
fn escape(broker: &Broker, key: &str) -> Option<(Mistake, Option<String>, String)> {
    if !matches!(broker.family, Family::Bitnami | Family::Wurstmeister) || !key.contains("__") {
        return None;
    }
    let property = property_of(broker.family, key)?;
    let image = family_name(broker.family);
    let text = format!(
        "`{key}` uses the Confluent `__`/`___` escapes, but {image} turns every `_` into `.`: \
         it sets `{property}`, which Kafka ignores"
    );
    Some((Mistake::Escape, bitnami_spelling(broker.family, key), text))
}

/// The bitnami variable for the property an escaped `KAFKA_CFG_` variable means, when bitnami
/// can write it: never with `-` (its script reads shell variables only), and with `_` only
/// inside `sasl_ssl` and `sasl_plaintext`, the words it restores after turning `_` into `.`.
fn bitnami_spelling(family: Family, key: &str) -> Option<String> {
    if family != Family::Bitnami {
        return None;
    }
    let rest = key.strip_prefix("KAFKA_CFG_")?;
    let meant = property_of(Family::Confluent, &format!("KAFKA_{rest}"))?;
    if meant.contains('-') {
        return None;
    }
    let new = format!("KAFKA_CFG_{}", meant.replace('.', "_").to_ascii_uppercase());
    (property_of(Family::Bitnami, &new).as_deref() == Some(meant.as_str())).then_some(new)
}

/// Sub-case 1: a plain `KAFKA_<X>` that bitnami neither copies to `KAFKA_CFG_<X>` nor reads.
fn bitnami_plain(
    broker: &Broker,
    line: Option<KafkaLine>,
    key: &str,
) -> Option<(Mistake, Option<String>, String)> {
    if broker.family != Family::Bitnami
        || key.starts_with("KAFKA_CFG_")
        || property_of(Family::Bitnami, key).is_some()
        || BITNAMI_IMAGE_VARS.contains(&key)
    {
        return None;
    }
    let rest = key.strip_prefix("KAFKA_")?;
    if BITNAMI_OLD_ALIASES.contains(&rest) {
        return None;
    }
    let property = rest.to_ascii_lowercase().replace('_', ".");
    if !names_of(line).contains(&property.as_str()) {
        return None;
    }
    let new = format!("KAFKA_CFG_{rest}");
    let text = format!(
        "`{key}` is not one of the plain variables bitnami copies to `KAFKA_CFG_*`, so \
         `{property}` is never written to server.properties and the broker runs without it"
    );
    Some((Mistake::BitnamiPlain, Some(new), text))
}

/// Sub-case 3: a property no Kafka line has, close to one the image's line has.
fn misspelt(
    broker: &Broker,
    line: Option<KafkaLine>,
    key: &str,
) -> Option<(Mistake, Option<String>, String)> {
    let property = property_of(broker.family, key)?;
    if is_exempt(&property) || is_known(&property) {
        return None;
    }
    let mut close = nearest(&property, &names_of(line));
    if close.is_empty() && line.is_some() {
        close = nearest(&property, &names_of(None));
    }
    if close.is_empty() {
        return None;
    }
    let kafka = line.map_or("Kafka", KafkaLine::label);
    // A broker without a SASL listener reads no `sasl.*` setting: the key is better removed
    // than renamed to one (`KAFKA_SSL_ENABLED_MECHANISMS` on an SSL-only broker).
    if broker.speaks_sasl() == Some(false) {
        close.retain(|n| !is_sasl_setting(n));
        if close.is_empty() {
            let text = format!(
                "`{key}` sets `{property}`, which {kafka} does not know: the broker logs it as \
                 \"supplied but isn't a known config\" and ignores it; no listener of the \
                 broker uses SASL, so no similar setting applies either: remove it"
            );
            return Some((Mistake::Misspelt, None, text));
        }
    }
    // A slip inside the name is a typo; another first word (`ssl.` for `sasl.`) is a guess
    // the fix does not make, nor a rename for an unknown image, whose naming is not known.
    let first_word = |n: &str| n.split('.').next().unwrap_or_default().to_ascii_lowercase();
    let rename = match close.as_slice() {
        [one] if first_word(one) == first_word(&property) && broker.family != Family::Other => {
            env_key(broker.family, one)
        }
        _ => None,
    };
    let first = close.first()?;
    let suggestion = match (&rename, close.len()) {
        (Some(new), _) => format!("`{first}` (`{new}`)"),
        (None, 1) => format!("`{first}`"),
        _ => format!("one of `{}`", close.join("`, `")),
    };
    let text = format!(
        "`{key}` sets `{property}`, which {kafka} does not know: the broker logs it as \
         \"supplied but isn't a known config\" and ignores it; did you mean {suggestion}?"
    );
    Some((Mistake::Misspelt, rename, text))
}

/// Whether a broker property configures SASL (`sasl.enabled.mechanisms`,
/// `listener.name.x.sasl.jaas.config`).
fn is_sasl_setting(name: &str) -> bool {
    name.starts_with("sasl.") || name.contains(".sasl.")
}

/// The image family as messages name it.
fn family_name(family: Family) -> &'static str {
    match family {
        Family::Confluent => "the Confluent image",
        Family::Apache => "the apache/kafka image",
        Family::Bitnami => "bitnami",
        Family::Wurstmeister => "wurstmeister",
        Family::Redpanda | Family::Other => "this image",
    }
}

/// One finding for the service, at its first misnamed variable, with the fix.
fn diagnose(cx: &Context, service: &Service, broker: &Broker, hits: &[Hit]) -> Option<Diagnostic> {
    let project = cx.project;
    let first = hits.first()?;
    let texts: Vec<&str> = hits.iter().map(|h| h.text.as_str()).collect();
    let help = help(hits);
    let d = Diagnostic::new(&INFO, format!("`{}`: {}", broker.service, texts.join("; ")))
        .at(project.file(first.origin.file), first.origin.span)
        .service(broker.service)
        .help(help);
    Some(d.with_fix(fix(cx, service, broker, hits)))
}

/// The remedy: the renames, or what to do when there is none.
fn help(hits: &[Hit]) -> String {
    let renames: Vec<String> = hits
        .iter()
        .filter_map(|h| Some(format!("`{}` → `{}`", h.key, h.rename.as_ref()?)))
        .collect();
    if !renames.is_empty() {
        return format!("rename {}, keeping the values", renames.join(", "));
    }
    if hits.iter().all(|h| h.mistake == Mistake::Escape) {
        return "write the property with single underscores where it has dots; a property \
                with `-` in its name, or `_` (outside bitnami's `sasl_ssl` and \
                `sasl_plaintext`), cannot be set through this image's environment (mount a \
                server.properties instead)"
            .into();
    }
    "name the variable after a property the broker knows (see Kafka's broker configs), or \
     remove it; when the intended variable is already set, the misnamed one can go"
        .into()
}

/// Renames the misnamed variables: the safe ones (sub-cases 1 and 2) first, and only when none
/// is left the misspelt ones (review), so `--write` never waits on a guess.
fn fix(cx: &Context, service: &Service, broker: &Broker, hits: &[Hit]) -> Option<Fix> {
    let project = cx.project;
    let env = service.environment()?;
    let safe: Vec<&Hit> = hits
        .iter()
        .filter(|h| matches!(h.mistake, Mistake::BitnamiPlain | Mistake::CfgPrefix))
        .filter(|h| h.rename.is_some())
        .collect();
    let (chosen, mut applicability) = if safe.is_empty() {
        let review: Vec<&Hit> = hits
            .iter()
            .filter(|h| matches!(h.mistake, Mistake::Misspelt | Mistake::Escape))
            .filter(|h| h.rename.is_some())
            .collect();
        (review, Applicability::Review)
    } else {
        (safe, Applicability::Safe)
    };
    let mut edits: Vec<Edit> = Vec::new();
    let mut titles: Vec<String> = Vec::new();
    for hit in chosen {
        let new = hit.rename.as_deref()?;
        edits.push(builders::rename_key(project, env, hit.key, new)?);
        titles.push(format!("`{}` to `{new}`", hit.key));
        if !shared_by_same_family(project, cx.brokers(), broker, hit.value) {
            applicability = Applicability::Review;
        }
    }
    if edits.is_empty() {
        return None;
    }
    Some(Fix::new(
        format!("Rename {}", titles.join(", ")),
        applicability,
        edits,
    ))
}

/// Whether every service holding the variable (an anchor can give it to several) is a broker
/// of the same family, for which the rename means the same.
fn shared_by_same_family(
    project: &Project,
    brokers: &[Broker],
    broker: &Broker,
    value: &Value,
) -> bool {
    builders::services_sharing(project, value).iter().all(|s| {
        brokers
            .iter()
            .any(|b| b.service == s && b.family == broker.family)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_lists_hold_the_names_they_should() {
        assert!(KafkaLine::V2.names().any(|n| n == "advertised.host.name"));
        assert!(!KafkaLine::V3.names().any(|n| n == "advertised.host.name"));
        assert!(
            KafkaLine::V3
                .names()
                .any(|n| n == "controller.quorum.voters")
        );
        assert!(!KafkaLine::V4.names().any(|n| n == "zookeeper.connect"));
        assert!(
            KafkaLine::V4
                .names()
                .any(|n| n == "controller.quorum.bootstrap.servers")
        );
        for line in [KafkaLine::V2, KafkaLine::V3, KafkaLine::V4] {
            assert!(line.names().count() > 200);
            assert!(line.names().all(|n| !n.contains(' ')));
        }
    }

    #[test]
    fn known_names_ignore_case_and_dots() {
        assert!(is_known("zookeeper.clientcnxnsocket"));
        assert!(is_known("zookeeper.client.cnxn.socket"));
        assert!(is_known("advertised.listeners"));
        assert!(!is_known("advertised.listeneres"));
    }

    #[test]
    fn nearest_finds_typos_and_leaves_short_or_far_names() {
        assert_eq!(
            nearest("advertised.listeneres", &names_of(None)),
            vec!["advertised.listeners"]
        );
        assert_eq!(
            nearest("num.partition", &names_of(None)),
            vec!["num.partitions"]
        );
        assert!(nearest("host", &names_of(None)).is_empty());
        assert!(nearest("schema.registry.url", &names_of(None)).is_empty());
    }

    #[test]
    fn env_keys_follow_each_family() {
        assert_eq!(
            env_key(Family::Bitnami, "advertised.listeners").as_deref(),
            Some("KAFKA_CFG_ADVERTISED_LISTENERS")
        );
        assert_eq!(
            env_key(Family::Confluent, "a.b-c_d").as_deref(),
            Some("KAFKA_A_B__C___D")
        );
        assert_eq!(env_key(Family::Wurstmeister, "a-b"), None);
        assert_eq!(env_key(Family::Apache, "zookeeper.clientCnxnSocket"), None);
    }

    #[test]
    fn bitnami_spells_underscores_only_in_its_sasl_words() {
        assert_eq!(
            bitnami_spelling(
                Family::Bitnami,
                "KAFKA_CFG_LISTENER_NAME_SASL___PLAINTEXT_PLAIN_SASL_JAAS_CONFIG"
            )
            .as_deref(),
            Some("KAFKA_CFG_LISTENER_NAME_SASL_PLAINTEXT_PLAIN_SASL_JAAS_CONFIG")
        );
        for key in [
            "KAFKA_CFG_LISTENER_NAME_SASL___SSL_SCRAM__SHA__256_SASL_JAAS_CONFIG",
            "KAFKA_CFG_LISTENER_NAME_IN___SIDE_SSL_CLIENT_AUTH",
        ] {
            assert_eq!(bitnami_spelling(Family::Bitnami, key), None, "{key}");
        }
        assert_eq!(
            bitnami_spelling(
                Family::Wurstmeister,
                "KAFKA_LISTENER_NAME_SASL___PLAINTEXT_PLAIN_SASL_JAAS_CONFIG"
            ),
            None
        );
    }

    #[test]
    fn exempt_names_are_plugins_listeners_and_logging() {
        assert!(is_exempt("confluent.license.topic.replication.factor"));
        assert!(is_exempt("listener.name.internal.ssl.keystore.location"));
        assert!(is_exempt("plain.sasl.jaas.config"));
        assert!(is_exempt("log4j.root.loglevel"));
        assert!(!is_exempt("advertised.listeneres"));
    }

    fn ssl_broker(extra: &str) -> String {
        format!(
            "services:\n  kafka:\n    image: confluentinc/cp-kafka:7.6.0\n    environment:\n      \
             KAFKA_BROKER_ID: 1\n      KAFKA_ZOOKEEPER_CONNECT: zk:2181\n      \
             KAFKA_LISTENERS: SSL://0.0.0.0:9093{extra}\n      \
             KAFKA_ADVERTISED_LISTENERS: SSL://kafka:9093\n      \
             KAFKA_SSL_ENABLED_MECHANISMS: PLAIN,SSL\n"
        )
    }

    #[test]
    fn a_broker_without_sasl_is_told_to_remove_a_sasl_like_key() {
        let found = crate::rules::findings_of(&EnvPrefixOrKeyMistake, &ssl_broker(""));
        assert_eq!(found.len(), 1, "{found:?}");
        let message = &found[0].message;
        assert!(message.contains("remove it"), "{message}");
        assert!(!message.contains("did you mean"), "{message}");
        assert!(found[0].fix.is_none());
    }

    #[test]
    fn a_broker_with_a_sasl_listener_is_offered_the_sasl_setting() {
        let yaml = ssl_broker(",SASL_SSL://0.0.0.0:9094").replace(
            "SSL://kafka:9093\n",
            "SSL://kafka:9093,SASL_SSL://kafka:9094\n",
        );
        let found = crate::rules::findings_of(&EnvPrefixOrKeyMistake, &yaml);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0]
                .message
                .contains("did you mean `sasl.enabled.mechanisms`"),
            "{}",
            found[0].message
        );
    }
}
