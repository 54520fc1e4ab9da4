//! ADV001 mongo-replset-advertised-loopback.

use crate::diagnostic::{
    Applicability, Diagnostic, Fix, FixAvailability, Platform, RuleInfo, Severity,
};
use crate::facts::advertising::{ReplicaSetMember, replica_set_member};
use crate::facts::connection::{HostClass, classify};
use crate::fix::builders;
use crate::rules::{Context, Rule};

rule_info!(
    MongoReplsetAdvertisedLoopback,
    INFO,
    "ADV001",
    "mongo-replset-advertised-loopback",
    Severity::Error,
    &Platform::ALL,
    FixAvailability::Safe
);

impl Rule for MongoReplsetAdvertisedLoopback {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_project(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let project = cx.project;
        // Members in the host's or another container's network share its loopback.
        let members: Vec<(&str, ReplicaSetMember)> = cx
            .services()
            .iter()
            .filter(|s| !s.network_mode.shares_namespace())
            .filter_map(|s| Some((s.name, replica_set_member(s)?)))
            .collect();
        for (name, member) in &members {
            let Some(value) = member.advertised else {
                continue;
            };
            let Some(host) = value.as_str().map(|s| s.text.trim()) else {
                continue;
            };
            if host.is_empty() || classify(host) != HostClass::Loopback {
                continue;
            }
            let others: Vec<String> = members
                .iter()
                .filter(|(n, m)| n != name && m.set == member.set)
                .map(|(n, _)| format!("`{n}`"))
                .collect();
            if others.is_empty() {
                continue;
            }
            let key = "MONGODB_ADVERTISED_HOSTNAME";
            let mut d = Diagnostic::new(
                &INFO,
                format!(
                    "`{key}` is `{host}` on `{name}`, a member of replica set `{}` with {}: \
                     members and drivers connect to the hosts the set advertises, so `{host}` \
                     makes each of them dial itself",
                    member.set,
                    others.join(", ")
                ),
            )
            .at(project.file(value.origin.file), value.origin.span)
            .service(*name)
            .help(format!(
                "advertise the service name (`{key}: {name}`); note: tools on the host then \
                 receive the service names from replica-set discovery, so connect them with \
                 `directConnection=true`, or map each name to 127.0.0.1 (`/etc/hosts`) with \
                 its port published"
            ));
            // A value shared through an anchor would advertise one name for several members.
            if builders::services_sharing(project, value).len() == 1 {
                let edit = builders::replace_part(
                    project,
                    value,
                    0..value.as_str().map_or(0, |s| s.text.len()),
                    name,
                )
                .or_else(|| builders::replace_scalar(project, value, name));
                d = d.with_fix(edit.map(|e| {
                    Fix::new(format!("Advertise `{name}`"), Applicability::Safe, vec![e])
                }));
            }
            out.push(d);
        }
    }
}
