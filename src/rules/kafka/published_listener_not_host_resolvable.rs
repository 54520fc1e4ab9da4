//! KAF004 published-listener-not-host-resolvable.

use super::address::{advertising, location};
use crate::diagnostic::{Diagnostic, Platform, Severity};
use crate::diagnostic::{FixAvailability, RuleInfo};
use crate::facts::address_book::Addressee;
use crate::facts::kafka::Broker;
use crate::facts::service::Service;
use crate::rules::kafka::remedy::dual_listener;
use crate::rules::{Context, Rule};

rule_info!(
    PublishedListenerNotHostResolvable,
    INFO,
    "KAF004",
    "published-listener-not-host-resolvable",
    Severity::Warning,
    &Platform::ALL,
    FixAvailability::Review
);

impl Rule for PublishedListenerNotHostResolvable {
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
        if !advertising(service, broker) {
            return;
        }
        let project = cx.project;
        let book = cx.book();
        let advertised = broker.effective_advertised();
        // Some advertised listener already serves the host (loopback, a LAN address, a
        // qualified name, a host-gateway name): nothing to report.
        let host_facing = advertised
            .iter()
            .any(|a| match book.resolve(broker.service, &a.host) {
                Addressee::Loopback | Addressee::HostGateway | Addressee::DesktopLegacy => true,
                Addressee::External | Addressee::ContainerIp => {
                    a.host.contains('.') || a.host.contains(':')
                }
                _ => false,
            });
        if host_facing || advertised.iter().any(|a| a.host.is_empty()) {
            return;
        }
        let (listeners, _) = broker.effective_listeners();
        // Fixed or ephemeral: with `"9092"` the host still reaches the listener, on a port
        // Docker picks.
        let mappings = service.port_targets();
        let controllers = broker.controller_names();
        let hit = advertised.iter().find_map(|a| {
            // Controllers serve no clients (KAF009 reports advertising them).
            if controllers.contains(&a.name) || a.name == "CONTROLLER" {
                return None;
            }
            // A container name; a literal (static) container IP is MAC001's.
            let Addressee::Service(_) = book.resolve(broker.service, &a.host) else {
                return None;
            };
            if a.host.parse::<std::net::IpAddr>().is_ok() {
                return None;
            }
            let bind = listeners.iter().find(|l| l.name == a.name)?.port?;
            let mapping = mappings.iter().find(|m| m.ports.contains(&bind))?;
            Some((a, bind, mapping.host_port))
        });
        let Some((a, bind, host_port)) = hit else {
            return;
        };
        let (published, bootstrap) = match host_port {
            Some(p) => (format!("host port {p}"), format!("`localhost:{p}`")),
            None => (
                format!("an ephemeral host port (`\"{bind}\"`)"),
                "the host port Docker picked".to_string(),
            ),
        };
        let message = format!(
            "`{}` publishes {published} to its `{}` listener, which advertises `{}:{}`: a \
             client on the host bootstraps through {bootstrap}, gets `{}` back, and cannot \
             resolve it (only containers can)",
            broker.service,
            a.name,
            a.host,
            a.port.unwrap_or_default(),
            a.host
        );
        let (file, span) = location(project, broker);
        out.push(
            Diagnostic::new(&INFO, message)
                .at(file, span)
                .service(broker.service)
                .help(match host_port {
                    Some(p) => format!(
                        "add a listener for the host advertised as `localhost:{p}`, or remove \
                         the `ports` entry if only containers should connect"
                    ),
                    // A listener advertised to the host must name the host port: none to
                    // build while Docker picks it (several brokers publishing `"9092"` would
                    // collide on a fixed one).
                    None => format!(
                        "publish a fixed host port (`\"H:H\"`) and add a listener for the host \
                         advertised as `localhost:H`, or remove the `ports` entry if only \
                         containers should connect (`{bind}` is published on a random host port)"
                    ),
                })
                .with_fix(
                    dual_listener::rewrite(cx, service, broker, "Add a listener for the host").map(
                        |mut f| {
                            f.applicability = crate::diagnostic::Applicability::Review;
                            f
                        },
                    ),
                ),
        );
    }
}
