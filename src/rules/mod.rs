//! The rules engine: rule metadata, the registry, selection and the [`Rule`] trait.
//!
//! Every code a user can see is registered here, including the `SYN` and `SCH` findings that
//! the loader and the schema validator produce.

/// Declares a rule's [`RuleInfo`] (and, given a type, the rule's unit struct) from its code
/// and name: the document is read once, from `rules/<CODE>-<name>.md`, and is also the rustdoc.
macro_rules! rule_info {
    ($ident:ident, $code:literal, $name:literal, $severity:expr, $platforms:expr, $fix:expr) => {
        #[doc = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/", $code, "-", $name, ".md"))]
        pub static $ident: $crate::rules::RuleInfo = $crate::rules::RuleInfo {
            code: $code,
            name: $name,
            severity: $severity,
            platforms: $platforms,
            fix: $fix,
            doc: include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/rules/",
                $code,
                "-",
                $name,
                ".md"
            )),
        };
    };
    ($rule:ident, $ident:ident, $code:literal, $name:literal, $severity:expr, $platforms:expr, $fix:expr) => {
        #[doc = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/", $code, "-", $name, ".md"))]
        pub struct $rule;
        rule_info!($ident, $code, $name, $severity, $platforms, $fix);
    };
}

mod context;
pub mod kafka;
pub mod load;
pub mod mac;
pub mod network;
pub mod ports;
mod select;

pub use select::{Selection, SelectionError};

use crate::diagnostic::{Diagnostic, Platform, Severity};
use crate::project::Project;
pub use context::Context;

/// Whether a rule's findings come with a fix, and how safe it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixAvailability {
    /// Message only.
    None,
    /// Applied by `--write`.
    Safe,
    /// Applied only with `--unsafe-fixes`.
    Review,
}

impl FixAvailability {
    /// The word used in listings and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            FixAvailability::None => "none",
            FixAvailability::Safe => "safe",
            FixAvailability::Review => "review",
        }
    }
}

/// What a user can know about a rule without running it.
#[derive(Debug)]
pub struct RuleInfo {
    /// The stable code, e.g. `KAF001`.
    pub code: &'static str,
    /// The stable kebab-case name.
    pub name: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// Platforms on which its findings occur.
    pub platforms: &'static [Platform],
    /// Whether it fixes.
    pub fix: FixAvailability,
    /// The rule document (`rules/<CODE>-<name>.md`).
    pub doc: &'static str,
}

impl RuleInfo {
    /// The document's first paragraph under "What it does", for listings.
    pub fn summary(&self) -> &'static str {
        let Some(start) = self.doc.find("## What it does") else {
            return "";
        };
        let rest = &self.doc[start + "## What it does".len()..];
        let rest = rest.trim_start();
        let end = rest.find("\n\n").unwrap_or(rest.len());
        rest[..end].trim()
    }
}

/// A check over a loaded project. Rules produce data: they never print, write or fail.
pub trait Rule: Sync {
    /// The rule's metadata.
    fn info(&self) -> &'static RuleInfo;
    /// Appends this rule's findings for the project of `cx`.
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>);
}

/// The checks that run over loaded projects, one line per rule.
pub static CHECKS: &[&dyn Rule] = &[
    &kafka::zookeeper_connect_loopback::ZookeeperConnectLoopback,
    &kafka::advertised_address_unusable::AdvertisedAddressUnusable,
    &kafka::advertised_loopback_but_container_clients::AdvertisedLoopbackButContainerClients,
    &kafka::published_listener_not_host_resolvable::PublishedListenerNotHostResolvable,
    &kafka::kraft_quorum_or_cluster_id_invalid::KraftQuorumOrClusterIdInvalid,
    &kafka::required_image_variables_missing::RequiredImageVariablesMissing,
    &kafka::legacy_or_removed_setting::LegacyOrRemovedSetting,
    &kafka::replication_factor_exceeds_brokers::ReplicationFactorExceedsBrokers,
    &kafka::env_prefix_or_key_mistake::EnvPrefixOrKeyMistake,
    &kafka::listener_name_not_in_protocol_map::ListenerNameNotInProtocolMap,
    &kafka::inter_broker_listener_not_advertised::InterBrokerListenerNotAdvertised,
    &kafka::listener_set_inconsistent::ListenerSetInconsistent,
    &kafka::controller_listener_misuse::ControllerListenerMisuse,
    &kafka::listener_bound_to_loopback::ListenerBoundToLoopback,
    &kafka::client_bootstrap_loopback::KafkaClientBootstrapLoopback,
    &kafka::client_uses_host_listener::KafkaClientUsesHostListener,
    &kafka::connect_rest_advertised_host_loopback::ConnectRestAdvertisedHostLoopback,
    &kafka::host_listener_port_mapping_mismatch::HostListenerPortMappingMismatch,
    &network::loopback_target_is_sibling_service::LoopbackTargetIsSiblingService,
    &network::loopback_target_without_sibling::LoopbackTargetWithoutSibling,
    &network::unknown_single_label_host::UnknownSingleLabelHost,
    &network::host_docker_internal_without_host_gateway::HostDockerInternalWithoutHostGateway,
    &network::host_network_mode::HostNetworkMode,
    &network::ports_on_shared_network_namespace::PortsOnSharedNetworkNamespace,
    &mac::container_ip_advertised_to_host::ContainerIpAdvertisedToHost,
    &mac::desktop_legacy_dns_name::DesktopLegacyDnsName,
    &mac::unpublished_port_unreachable_from_host::UnpublishedPortUnreachableFromHost,
    &ports::host_port_conflict::HostPortConflict,
    &ports::published_target_not_listening::PublishedTargetNotListening,
];

/// Every code a user can see, in listing order: the loader's and the schema's, then the checks'.
pub fn registry() -> impl Iterator<Item = &'static RuleInfo> {
    load::ALL
        .iter()
        .copied()
        .chain(CHECKS.iter().map(|r| r.info()))
}

/// Finds a rule by code or name (case-insensitive).
pub fn find(code_or_name: &str) -> Option<&'static RuleInfo> {
    registry().find(|r| {
        r.code.eq_ignore_ascii_case(code_or_name) || r.name.eq_ignore_ascii_case(code_or_name)
    })
}

/// Runs every selected check over `project`, appending findings in registry order.
pub fn run(project: &Project, selection: &Selection, out: &mut Vec<Diagnostic>) {
    let rules: Vec<&dyn Rule> = CHECKS
        .iter()
        .copied()
        .filter(|r| selection.enabled(r.info()))
        .collect();
    let workers = crate::parallel::workers(project.services().count());
    let cx = Context::new(project);
    if workers < 2 {
        rules.iter().for_each(|rule| rule.check(&cx, out));
        return;
    }
    // Each worker takes the next rule; findings come back in registry order.
    let found = crate::parallel::map_in_order(&rules, workers, |rule| {
        let mut found = Vec::new();
        rule.check(&cx, &mut found);
        found
    });
    out.extend(found.into_iter().flatten());
}
