//! Who dials an address a broker advertises: after bootstrap, a Kafka client is sent to the
//! address advertised on the listener it reached, and brokers replicate through the address
//! of the inter-broker listener. Rules that judge an advertised address ask who must resolve it.

use super::broker::Broker;
use super::cluster::cluster_members;
use crate::facts::address_book::{AddressBook, Addressee};
use crate::facts::bootstrap::bootstrap_targets;
use crate::facts::network_mode::NetworkMode;
use crate::project::Project;

/// The services that dial the address `broker` advertises on listener `listener`, in file
/// order: the brokers of its cluster (`broker` included) when it is the inter-broker listener,
/// and every other service whose Kafka bootstrap address names `broker` at that listener's port.
/// Services on the host network or in another namespace are left out (they resolve names
/// elsewhere).
pub(crate) fn advertised_dialers<'p>(
    project: &'p Project,
    book: &AddressBook,
    brokers: &[Broker<'p>],
    broker: &Broker<'p>,
    listener: &str,
) -> Vec<&'p str> {
    let mut out: Vec<&'p str> = Vec::new();
    if broker.is_broker() && broker.inter_broker_name() == listener {
        out.extend(
            cluster_members(book, brokers, broker)
                .into_iter()
                .filter(|b| b.is_broker())
                .map(|b| b.service),
        );
    }
    let port = broker
        .effective_listeners()
        .0
        .into_iter()
        .find(|l| l.name == listener)
        .and_then(|l| l.port);
    let Some(port) = port else { return out };
    for (name, spec) in project.services() {
        if name == broker.service || NetworkMode::of(spec).is_set() || out.contains(&name) {
            continue;
        }
        let dials = bootstrap_targets(spec).iter().any(|t| {
            t.port == Some(port)
                && book.resolve(name, &t.target.host) == Addressee::Service(broker.service)
        });
        if dials {
            out.push(name);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::kafka::brokers;
    use crate::project::from_yaml as load;

    #[test]
    fn inter_broker_and_clients() {
        let project = load(
            r#"
services:
  kafka:
    image: confluentinc/cp-kafka:7.6.1
    environment:
      KAFKA_ZOOKEEPER_CONNECT: zookeeper:2181
      KAFKA_LISTENERS: INTERNAL://0.0.0.0:19092,EXTERNAL://0.0.0.0:9092
      KAFKA_ADVERTISED_LISTENERS: INTERNAL://kafka:19092,EXTERNAL://localhost:9092
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT
      KAFKA_INTER_BROKER_LISTENER_NAME: INTERNAL
  app:
    image: edenhill/kcat:1.7.1
    command: kcat -b kafka:9092 -L
  other:
    image: edenhill/kcat:1.7.1
    command: kcat -b kafka:19092 -L
"#,
        );
        let book = AddressBook::new(&project);
        let all = brokers(&project);
        let dialers = |l| advertised_dialers(&project, &book, &all, &all[0], l);
        assert_eq!(dialers("INTERNAL"), ["kafka", "other"]);
        assert_eq!(dialers("EXTERNAL"), ["app"]);
        assert!(dialers("NONE").is_empty());
    }
}
