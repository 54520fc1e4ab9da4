//! What the checks share about one project: the facts several checks ask for, each computed
//! once per run, on first use. Without it every check rebuilt the address book, the brokers,
//! the topology and every service's client addresses (about half of all check time on a
//! 2000-service file).

use crate::diagnostic::{Activation, RuleInfo};
use crate::facts::address_book::AddressBook;
use crate::facts::clients::{ClientTarget, client_targets};
use crate::facts::completeness;
use crate::facts::kafka::{self, Broker};
use crate::facts::service::{self, Service};
use crate::facts::topology::Topology;
use crate::project::Project;
use crate::project::value::Value;
use crate::rules::Selection;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// One project and its shared facts. Checks may run on several threads at once.
pub struct Context<'p> {
    /// The project checked.
    pub project: &'p Project,
    services: OnceLock<(Vec<Service<'p>>, HashMap<&'p str, usize>)>,
    book: OnceLock<Arc<AddressBook<'p>>>,
    brokers: OnceLock<(Vec<Broker<'p>>, HashMap<&'p str, usize>)>,
    topology: OnceLock<Topology<'p>>,
    partial: OnceLock<bool>,
    fragment: OnceLock<bool>,
    included: OnceLock<bool>,
    siblings: OnceLock<completeness::Siblings>,
    /// Client addresses by service, keyed by the service value's address.
    clients: OnceLock<HashMap<usize, Vec<ClientTarget<'p>>>>,
    /// The rules the run reports, so that a rule can leave an item to a more specific one
    /// that runs too (RULES.md §5: SEC008 leaves `network_mode: host` to NET005).
    selection: Option<Selection>,
}

impl<'p> Context<'p> {
    /// The context of `project`; nothing is computed yet.
    pub fn new(project: &'p Project) -> Self {
        Context {
            project,
            services: OnceLock::new(),
            book: OnceLock::new(),
            brokers: OnceLock::new(),
            topology: OnceLock::new(),
            partial: OnceLock::new(),
            fragment: OnceLock::new(),
            included: OnceLock::new(),
            siblings: OnceLock::new(),
            clients: OnceLock::new(),
            selection: None,
        }
    }

    /// The context of `project` for a run that reports the rules of `selection`.
    pub fn with_selection(project: &'p Project, selection: &Selection) -> Self {
        Context {
            selection: Some(selection.clone()),
            ..Context::new(project)
        }
    }

    /// Whether the run reports `rule`; without a selection, whether the rule runs by default.
    pub fn runs(&self, rule: &RuleInfo) -> bool {
        match &self.selection {
            Some(selection) => selection.enabled(rule),
            None => rule.activation == Activation::Default,
        }
    }

    /// The typed view of every service, in file order.
    pub fn services(&self) -> &[Service<'p>] {
        &self.indexed_services().0
    }

    /// The view of service `name`.
    pub fn service(&self, name: &str) -> Option<&Service<'p>> {
        let (all, index) = self.indexed_services();
        index.get(name).map(|&i| &all[i])
    }

    fn indexed_services(&self) -> &(Vec<Service<'p>>, HashMap<&'p str, usize>) {
        self.services.get_or_init(|| {
            let all = service::services(self.project);
            let index = all.iter().enumerate().map(|(i, s)| (s.name, i)).collect();
            (all, index)
        })
    }

    /// The project's names, addresses and networks.
    pub fn book(&self) -> &AddressBook<'p> {
        self.shared_book()
    }

    /// The address book, to share with the topology.
    fn shared_book(&self) -> &Arc<AddressBook<'p>> {
        self.book
            .get_or_init(|| Arc::new(AddressBook::new(self.project)))
    }

    /// The project's Kafka brokers and controllers.
    pub fn brokers(&self) -> &[Broker<'p>] {
        &self.indexed_brokers().0
    }

    /// The broker or controller that service `name` runs, found by name (a check that asks
    /// for every service's would be quadratic as a scan).
    pub fn broker(&self, name: &str) -> Option<&Broker<'p>> {
        let (all, index) = self.indexed_brokers();
        index.get(name).map(|&i| &all[i])
    }

    fn indexed_brokers(&self) -> &(Vec<Broker<'p>>, HashMap<&'p str, usize>) {
        self.brokers.get_or_init(|| {
            let all = kafka::brokers(self.project);
            let index = all
                .iter()
                .enumerate()
                .map(|(i, b)| (b.service, i))
                .collect();
            (all, index)
        })
    }

    /// The project's reachability facts.
    pub fn topology(&self) -> &Topology<'p> {
        self.topology
            .get_or_init(|| Topology::new(self.project, Arc::clone(self.shared_book())))
    }

    /// Whether the project cannot run on its own (`completeness::is_partial`); eight checks
    /// ask.
    pub fn is_partial(&self) -> bool {
        *self
            .partial
            .get_or_init(|| completeness::is_partial(self.project))
    }

    /// Whether the project is plainly a piece of a larger one (`completeness::is_fragment`);
    /// computed once, since service-level rules ask for every service.
    pub fn is_fragment(&self) -> bool {
        *self
            .fragment
            .get_or_init(|| completeness::is_fragment(self.project))
    }

    /// Whether a compose file in the project's folder or above it includes or extends it
    /// (`completeness::included_elsewhere`): asked only before reporting a name the project
    /// lacks, since it reads those files.
    pub fn is_included_elsewhere(&self) -> bool {
        *self
            .included
            .get_or_init(|| completeness::included_elsewhere(self.project))
    }

    /// What the other YAML files beside the project define and use
    /// (`completeness::siblings`): asked only before reporting a name the project lacks or a
    /// declaration it does not use, since it reads those files.
    pub(crate) fn siblings(&self) -> &completeness::Siblings {
        self.siblings
            .get_or_init(|| completeness::siblings(self.project))
    }

    /// The client addresses of `service`, a service of the project (another value gets its
    /// addresses computed on the spot).
    pub fn client_targets(&self, service: &'p Value) -> Cow<'_, [ClientTarget<'p>]> {
        let all = self.clients.get_or_init(|| {
            let services: Vec<&Value> = self.project.services().map(|(_, s)| s).collect();
            let workers = crate::parallel::workers(services.len());
            let targets = crate::parallel::map_in_order(&services, workers, |s| client_targets(s));
            services.iter().map(|s| key(s)).zip(targets).collect()
        });
        match all.get(&key(service)) {
            Some(targets) => Cow::Borrowed(targets),
            None => Cow::Owned(client_targets(service)),
        }
    }
}

/// A service value's identity: its address in the model.
fn key(service: &Value) -> usize {
    std::ptr::from_ref(service) as usize
}
