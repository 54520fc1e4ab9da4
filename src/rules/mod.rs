//! The rules engine: rule metadata, the registry, selection and the [`Rule`] trait.
//!
//! Every code a user can see is registered here, including the `SYN` and `SCH` findings that
//! the loader and the schema validator produce and the engine's own (`SUP`).

pub(crate) mod advertised;
mod context;
pub(crate) mod engine_codes;
pub(crate) mod hygiene;
pub(crate) mod kafka;
pub(crate) mod mac;
pub(crate) mod network;
pub(crate) mod ports;
pub(crate) mod security;
mod select;
pub(crate) mod style;

use crate::diagnostic::RuleInfo;

pub use select::{Layer, Selection, SelectionError, names_a_rule};

use crate::diagnostic::Diagnostic;
use crate::facts::kafka::Broker;
use crate::facts::service::Service;
use crate::project::Project;
pub use context::Context;

/// A check over a loaded project. Rules produce data: they never print, write or fail.
///
/// A rule works at one level and implements that level's method; the engine does the looping
/// (as zizmor separates workflow, job and step audits): [`Rule::check_project`] once per
/// project, [`Rule::check_service`] once per service, [`Rule::check_broker`] once per Kafka
/// broker or controller.
pub trait Rule: Sync {
    /// The rule's metadata.
    fn info(&self) -> &'static RuleInfo;
    /// Appends this rule's findings about the project as a whole.
    fn check_project(&self, _cx: &Context<'_>, _out: &mut Vec<Diagnostic>) {}
    /// Appends this rule's findings about one service.
    fn check_service<'p>(
        &self,
        _cx: &Context<'p>,
        _service: &Service<'p>,
        _out: &mut Vec<Diagnostic>,
    ) {
    }
    /// Appends this rule's findings about one Kafka broker, `service` being its service.
    fn check_broker<'p>(
        &self,
        _cx: &Context<'p>,
        _service: &Service<'p>,
        _broker: &Broker<'p>,
        _out: &mut Vec<Diagnostic>,
    ) {
    }
}

/// The findings of `rule` alone on `yaml`: how unit tests run a rule.
#[cfg(test)]
pub(crate) fn findings_of(rule: &dyn Rule, yaml: &str) -> Vec<Diagnostic> {
    let project = crate::project::from_yaml(yaml);
    let mut out = Vec::new();
    check(rule, &Context::new(&project), &mut out);
    out
}

/// Runs one rule at every level over the project of `cx`.
fn check(rule: &dyn Rule, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    rule.check_project(cx, out);
    for service in cx.services() {
        rule.check_service(cx, service, out);
    }
    for broker in cx.brokers() {
        if let Some(service) = cx.service(broker.service) {
            rule.check_broker(cx, service, broker, out);
        }
    }
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
    &network::sibling_port_not_listening::SiblingPortNotListening,
    &mac::container_ip_advertised_to_host::ContainerIpAdvertisedToHost,
    &mac::desktop_legacy_dns_name::DesktopLegacyDnsName,
    &mac::unpublished_port_unreachable_from_host::UnpublishedPortUnreachableFromHost,
    &advertised::mongo_replset_advertised_loopback::MongoReplsetAdvertisedLoopback,
    &advertised::redis_cluster_unannounced::RedisClusterUnannounced,
    &advertised::pulsar_standalone_advertised_address::PulsarStandaloneAdvertisedAddress,
    &advertised::elasticsearch_discovery_unset::ElasticsearchDiscoveryUnset,
    &ports::host_port_conflict::HostPortConflict,
    &ports::published_target_not_listening::PublishedTargetNotListening,
    &hygiene::obsolete_version_field::ObsoleteVersionField,
    &hygiene::duplicate_container_name::DuplicateContainerName,
    &hygiene::build_and_image_without_pull_policy::BuildAndImageWithoutPullPolicy,
    &hygiene::image_tag_unpinned::ImageTagUnpinned,
    &hygiene::invalid_container_name::InvalidContainerName,
    &hygiene::port_yaml11_ambiguous::PortYaml11Ambiguous,
    &hygiene::depends_on_unknown_service::DependsOnUnknownService,
    &hygiene::undefined_top_level_resource::UndefinedTopLevelResource,
    &hygiene::unused_top_level_resource::UnusedTopLevelResource,
    &style::services_not_alphabetical::ServicesNotAlphabetical,
    &style::top_level_keys_order::TopLevelKeysOrder,
    &style::service_keys_order::ServiceKeysOrder,
    &style::ports_not_sorted::PortsNotSorted,
    &style::depends_on_not_sorted::DependsOnNotSorted,
    &style::quoted_volume::QuotedVolume,
    &style::project_name_missing::ProjectNameMissing,
    &hygiene::depends_on_cycle::DependsOnCycle,
    &security::host_control_socket_mounted::HostControlSocketMounted,
    &security::privileged_mode::PrivilegedMode,
    &security::no_new_privileges_unset::NoNewPrivilegesUnset,
    &security::port_bound_all_interfaces::PortBoundAllInterfaces,
    &security::capabilities_not_dropped::CapabilitiesNotDropped,
    &security::filesystem_writable::FilesystemWritable,
    &security::host_namespace_shared::HostNamespaceShared,
    &security::security_profile_disabled::SecurityProfileDisabled,
    &security::dangerous_capability_added::DangerousCapabilityAdded,
    &security::sensitive_host_path_mounted::SensitiveHostPathMounted,
    &security::logging_disabled::LoggingDisabled,
    &security::dangerous_device::DangerousDevice,
    &security::shared_mount_propagation::SharedMountPropagation,
    &security::runs_as_root::RunsAsRoot,
    &security::image_without_digest::ImageWithoutDigest,
    &security::literal_credential::LiteralCredential,
    &security::tmpfs_exec_or_suid::TmpfsExecOrSuid,
    &security::resources_unlimited::ResourcesUnlimited,
];

/// Every code a user can see, in listing order: the loader's and the schema's, then the checks'.
pub fn registry() -> impl Iterator<Item = &'static RuleInfo> {
    crate::project::codes::ALL
        .iter()
        .chain(crate::project::schema::codes::ALL)
        .copied()
        .chain(CHECKS.iter().map(|r| r.info()))
        .chain(engine_codes::ALL.iter().copied())
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
    let cx = Context::with_selection(project, selection);
    if workers < 2 {
        rules.iter().for_each(|rule| check(*rule, &cx, out));
        return;
    }
    // Each worker takes the next rule; findings come back in registry order.
    let found = crate::parallel::map_in_order(&rules, workers, |rule| {
        let mut found = Vec::new();
        check(*rule, &cx, &mut found);
        found
    });
    out.extend(found.into_iter().flatten());
}
