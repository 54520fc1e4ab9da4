//! A Kafka broker's listener ports, read from its listener settings or its image's defaults.

use super::Source;
use crate::facts::connection::parse_value;
use crate::images as catalog;
use crate::project::value::Value;

/// A Kafka broker's listener ports and where they come from, when its listeners are known:
/// `KAFKA_LISTENERS` (or `KAFKA_CFG_LISTENERS`); for Confluent and Apache images the ports of
/// the advertised listeners, from which the image derives the listeners (not for a KRaft
/// controller, whose listener is never advertised); the Apache image's defaults when it has
/// no Kafka settings. JMX ports are added by the caller.
pub(super) fn kafka_ports(service: &Value, repo: &str) -> Option<(Vec<u16>, Source)> {
    let env = service.get("environment").and_then(Value::as_map);
    let text = |key: &str| {
        let v = env?.get(key)?;
        let s = v.as_str()?;
        s.is_known().then(|| s.text.clone())
    };
    let ports = |list: &str| -> Option<Vec<u16>> {
        parse_value(list)
            .into_iter()
            .map(|t| t.port.filter(|_| t.port_written))
            .collect()
    };
    for key in ["KAFKA_LISTENERS", "KAFKA_CFG_LISTENERS"] {
        if let Some(list) = text(key) {
            return Some((ports(&list)?, Source::Setting(key.into())));
        }
    }
    let derives = catalog::ports::derives_listeners(repo);
    let controller = text("KAFKA_PROCESS_ROLES").is_some_and(|r| r.contains("controller"));
    if derives
        && !controller
        && let Some(list) = text("KAFKA_ADVERTISED_LISTENERS")
    {
        let source = Source::Setting("KAFKA_ADVERTISED_LISTENERS".into());
        return Some((ports(&list)?, source));
    }
    let no_kafka_env = env.is_none_or(|e| e.iter().all(|(k, _, _)| !k.starts_with("KAFKA_")));
    if let Some(ports) = catalog::ports::unconfigured_kafka_ports(repo).filter(|_| no_kafka_env) {
        return Some((ports.to_vec(), Source::Image));
    }
    None
}
