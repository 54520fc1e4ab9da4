//! SEC016 image-without-digest.

use super::at_value;
use crate::diagnostic::{Activation, Diagnostic, FixAvailability, Platform, RuleInfo, Severity};
use crate::facts::service::Service;
use crate::images::Reference;
use crate::images::reference::is_moving_tag;
use crate::rules::{Context, Rule};

rule_info!(
    ImageWithoutDigest,
    INFO,
    "SEC016",
    "image-without-digest",
    Severity::Info,
    &Platform::ALL,
    FixAvailability::None,
    Activation::OptIn
);

impl Rule for ImageWithoutDigest {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_service<'p>(
        &self,
        cx: &Context<'p>,
        service: &Service<'p>,
        out: &mut Vec<Diagnostic>,
    ) {
        // With `build`, `image` names the build's result: there is nothing to pull.
        if service.is_built() {
            return;
        }
        let (Some(image), Some(value)) = (service.image, service.image_value()) else {
            return;
        };
        let reference = Reference::parse(image.trim());
        // No tag or a moving tag is HYG004's finding.
        let Some(tag) = reference.tag.filter(|t| !t.is_empty() && !is_moving_tag(t)) else {
            return;
        };
        if reference.digest.is_some() {
            return;
        }
        let written = value
            .quoted_text()
            .map(|t| t.into_owned())
            .unwrap_or_default();
        out.push(
            at_value(
                cx,
                &INFO,
                service,
                value,
                format!(
                    "`{written}` is pinned by its tag `{tag}` only: a tag can be pushed again, so \
                     the image that runs can change without the file changing"
                ),
            )
            .help(format!(
                "pin the digest too: `{written}@sha256:<digest>` (`docker buildx imagetools inspect {written}` prints it)"
            )),
        );
    }
}
