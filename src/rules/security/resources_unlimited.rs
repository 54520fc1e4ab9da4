//! SEC019 resources-unlimited.

use super::{at_value, on_service_key};
use crate::diagnostic::{Activation, Diagnostic, FixAvailability, Platform, RuleInfo, Severity};
use crate::facts::service::Service;
use crate::project::value::{Kind, Value};
use crate::rules::{Context, Rule};

rule_info!(
    ResourcesUnlimited,
    INFO,
    "SEC019",
    "resources-unlimited",
    Severity::Info,
    &Platform::ALL,
    FixAvailability::None,
    Activation::OptIn
);

/// What a limit's value says: no limit (`0`, `-1` for pids, empty), a limit, or unknown (an
/// unset variable, which counts as set: no guessing).
fn limits(value: Option<&Value>, none: &[&str]) -> bool {
    let Some(value) = value else {
        return false;
    };
    match &value.kind {
        Kind::Null => false,
        Kind::Str(s) if !s.is_known() => true,
        _ => value.scalar_text().is_some_and(|t| {
            let t = t.trim().to_ascii_lowercase();
            !t.is_empty() && !none.contains(&t.as_str())
        }),
    }
}

const NO_MEMORY: [&str; 5] = ["0", "0b", "0k", "0m", "0g"];
const NO_CPU: [&str; 3] = ["0", "0.0", "-1"];

impl Rule for ResourcesUnlimited {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_service<'p>(
        &self,
        cx: &Context<'p>,
        service: &Service<'p>,
        out: &mut Vec<Diagnostic>,
    ) {
        let spec = service.spec;
        let deploy = spec
            .get("deploy")
            .and_then(|d| d.get("resources"))
            .and_then(|r| r.get("limits"));
        let field = |k: &str| deploy.and_then(|l| l.get(k));
        let memory =
            limits(spec.get("mem_limit"), &NO_MEMORY) || limits(field("memory"), &NO_MEMORY);
        let cpu = limits(spec.get("cpus"), &NO_CPU)
            || limits(spec.get("cpu_quota"), &NO_CPU)
            || limits(field("cpus"), &NO_CPU);
        let missing = match (memory, cpu) {
            (true, true) => None,
            (false, true) => Some("no memory limit"),
            (true, false) => Some("no CPU limit"),
            (false, false) => Some("no memory limit and no CPU limit"),
        };
        if let Some(missing) = missing {
            if let Some(d) = on_service_key(
                cx,
                &INFO,
                service,
                format!(
                    "`{}` has {missing}: it can take the host's memory or CPU until other \
                     services starve",
                    service.name
                ),
            ) {
                out.push(d.help(
                    "set `deploy.resources.limits` (`memory: 512M`, `cpus: \"0.5\"`), or \
                     `mem_limit` and `cpus`, from what the service uses",
                ));
            }
        }
        for value in [spec.get("pids_limit"), field("pids")]
            .into_iter()
            .flatten()
        {
            let unlimited = match &value.kind {
                Kind::Int(i) => *i <= 0,
                Kind::Str(s) if s.is_known() => s.text.trim().parse::<i64>().is_ok_and(|i| i <= 0),
                _ => false,
            };
            if unlimited {
                out.push(
                    at_value(
                        cx,
                        &INFO,
                        service,
                        value,
                        format!(
                            "`{}` sets no process limit: a fork bomb in it exhausts the host's \
                             process table",
                            service.name
                        ),
                    )
                    .help("set a positive `pids_limit` (for example `200`)"),
                );
            }
        }
    }
}
