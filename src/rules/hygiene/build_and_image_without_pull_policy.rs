//! HYG003 build-and-image-without-pull-policy.

use crate::diagnostic::{Diagnostic, FixAvailability, Platform, RuleInfo, Severity};
use crate::facts::images::named_repository;
use crate::facts::service::Service;
use crate::images::{Reference, official};
use crate::project::value::Value;
use crate::rules::{Context, Rule};

rule_info!(
    BuildAndImageWithoutPullPolicy,
    INFO,
    "HYG003",
    "build-and-image-without-pull-policy",
    Severity::Info,
    &Platform::ALL,
    FixAvailability::None
);

impl Rule for BuildAndImageWithoutPullPolicy {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_service<'p>(
        &self,
        cx: &Context<'p>,
        service: &Service<'p>,
        out: &mut Vec<Diagnostic>,
    ) {
        if !service.is_built() || service.spec.get("pull_policy").is_some() {
            return;
        }
        let Some(image) = service.image_value() else {
            return;
        };
        // No registry serves a one-part name outside Docker's library: the pull fails and
        // Compose builds, as meant.
        if image
            .as_str()
            .filter(|s| s.is_known())
            .is_some_and(|s| official::is_local_only(&Reference::parse(&s.text)))
        {
            return;
        }
        // A build that caches from the image's own repository publishes that image: pulling
        // it is what the file means.
        if let Some(repository) = named_repository(image)
            && service
                .spec
                .get("build")
                .and_then(|b| b.get("cache_from"))
                .and_then(Value::as_seq)
                .unwrap_or_default()
                .iter()
                .any(|from| named_repository(from) == Some(repository))
        {
            return;
        }
        let shown = image.quoted_text().unwrap_or_default();
        out.push(
            Diagnostic::new(
                &INFO,
                format!(
                    "`{shown}` is both built and named as `image` without `pull_policy`: when \
                     it is not on this machine, Compose first tries to pull it, and if a \
                     registry has an image by that name, runs that one instead of building"
                ),
            )
            .at(cx.project.file(image.origin.file), image.origin.span)
            .service(service.name)
            .help("add `pull_policy: build` to always build, or `pull_policy: missing` to make pulling a published image the intent"),
        );
    }
}
