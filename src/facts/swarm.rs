//! Whether a project is a Swarm stack file (`docker stack deploy -c`): `docker stack` has its
//! own loader, for which the top-level `version` still selects the schema (docker/cli#3445),
//! and some settings mean something only to it.

use crate::project::Project;
use crate::project::value::Value;

/// `deploy` settings that only Swarm acts on (Compose ignores them).
const SWARM_ONLY: [&str; 4] = [
    "placement",
    "update_config",
    "rollback_config",
    "endpoint_mode",
];

/// `deploy.mode` values that only Swarm runs.
const SWARM_MODES: [&str; 3] = ["global", "replicated-job", "global-job"];

/// True when a service's `deploy` uses a setting only Swarm acts on: the file is written for
/// `docker stack deploy`.
pub(crate) fn is_stack_file(project: &Project) -> bool {
    project.services().any(|(_, service)| {
        let Some(deploy) = service.get("deploy") else {
            return false;
        };
        SWARM_ONLY.iter().any(|k| deploy.get(k).is_some())
            || deploy
                .get("mode")
                .and_then(Value::scalar_text)
                .is_some_and(|m| SWARM_MODES.contains(&m.as_ref()))
    })
}

#[cfg(test)]
mod tests {
    use super::is_stack_file;

    #[test]
    fn swarm_only_deploy_settings_make_a_stack_file() {
        let stack = |yaml: &str| is_stack_file(&crate::project::from_yaml(yaml));
        assert!(stack(
            "services:\n  node-exporter:\n    image: prom/node-exporter:v1.8.2\n    deploy:\n      mode: global\n"
        ));
        assert!(stack(
            "services:\n  a:\n    image: x:1\n    deploy:\n      placement:\n        constraints: [node.role == manager]\n"
        ));
        assert!(!stack(
            "services:\n  a:\n    image: x:1\n    deploy:\n      replicas: 2\n      resources:\n        limits: {cpus: '0.5'}\n"
        ));
    }
}
