//! HYG004 image-tag-unpinned.

use crate::diagnostic::{Diagnostic, FixAvailability, Platform, RuleInfo, Severity};
use crate::facts::service::Service;
use crate::images::{Reference, official};
use crate::project::interpolate::SegmentKind;
use crate::project::value::Str;
use crate::rules::{Context, Rule};

rule_info!(
    ImageTagUnpinned,
    INFO,
    "HYG004",
    "image-tag-unpinned",
    Severity::Warning,
    &Platform::ALL,
    FixAvailability::None
);

/// Tags that move to another image over time (dclint's default list).
const MOVING: [&str; 9] = [
    "latest", "stable", "edge", "test", "nightly", "dev", "beta", "canary", "lts",
];

impl Rule for ImageTagUnpinned {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_service<'p>(
        &self,
        cx: &Context<'p>,
        service: &Service<'p>,
        out: &mut Vec<Diagnostic>,
    ) {
        if service.is_built() {
            return;
        }
        let Some(value) = service.image_value() else {
            return;
        };
        let Some(s) = value.as_str() else {
            return;
        };
        let Some((problem, range)) = unpinned(s) else {
            return;
        };
        // A one-part name outside Docker's library is no registry's image: it is built or
        // loaded on the machine (a test suite's `web`), and no tag pins what it holds.
        if official::is_local_only(&Reference::parse(&s.text)) {
            return;
        }
        let span = s.literal_span(range).unwrap_or(value.origin.span);
        let shown = value.quoted_text().unwrap_or_default();
        let message = match problem {
            Problem::NoTag => format!(
                "image `{shown}` has no tag: Compose runs its `latest`, whichever image has \
                 that tag when the stack starts (pulled or built), so the version can change \
                 without the file changing"
            ),
            Problem::Moving(tag) => format!(
                "image `{shown}` uses the moving tag `{tag}`: each pull may bring another \
                 version"
            ),
        };
        out.push(
            Diagnostic::new(&INFO, message)
                .at(cx.project.file(value.origin.file), span)
                .service(service.name)
                .help("pin a release tag (`postgres:16.4`), or a digest (`@sha256:…`)"),
        );
    }
}

/// What is wrong with a reference's tag.
#[derive(Debug, PartialEq, Eq)]
enum Problem {
    NoTag,
    Moving(String),
}

/// Whether an image reference is unpinned, and the bytes of the text to point at (the tag, or
/// the whole reference when it has none). None when pinned, or when an unknown variable
/// stands where the tag would be.
fn unpinned(s: &Str) -> Option<(Problem, std::ops::Range<usize>)> {
    let text = s.text.as_str();
    if text.is_empty() || text.contains('@') {
        return None;
    }
    let name_start = text.rfind('/').map_or(0, |i| i + 1);
    // An unset variable after the last `/` may hold the tag: nothing is known then.
    let unknown_in_name = s.interpolation.as_ref().is_some_and(|i| {
        i.segments.iter().any(|seg| {
            matches!(seg.kind, SegmentKind::Unknown { .. })
                && (seg.text.start > name_start || (name_start == 0 && seg.text.start == 0))
        })
    });
    if unknown_in_name {
        return None;
    }
    match text[name_start..].find(':') {
        None => Some((Problem::NoTag, 0..text.len())),
        Some(colon) => {
            let tag = &text[name_start + colon + 1..];
            MOVING.iter().any(|m| tag.eq_ignore_ascii_case(m)).then(|| {
                (
                    Problem::Moving(tag.to_string()),
                    name_start + colon + 1..text.len(),
                )
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::findings_of;

    fn fired(image: &str) -> usize {
        findings_of(
            &ImageTagUnpinned,
            &format!("services:\n  a:\n    image: \"{image}\"\n"),
        )
        .len()
    }

    #[test]
    fn tags() {
        for image in [
            "nginx",
            "nginx:latest",
            "nginx:${UNSET_TAG_X:-latest}",
            "${UNSET_REG_X}/nginx",
            "localhost:5000/app",
            "ghcr.io/org/app:edge",
        ] {
            assert_eq!(fired(image), 1, "{image}");
        }
        for image in [
            "nginx:1.27",
            "nginx@sha256:0123",
            "nginx:latest@sha256:0123",
            "nginx:${UNSET_TAG_X}",
            "${UNSET_IMAGE_X}",
            "${UNSET_REG_X}/nginx:${UNSET_TAG_X}",
            "${UNSET_NAME_X}nginx",
            "localhost:5000/app:2.1",
        ] {
            assert_eq!(fired(image), 0, "{image}");
        }
    }

    #[test]
    fn built_images_name_the_build() {
        let found = findings_of(
            &ImageTagUnpinned,
            "services:\n  a:\n    build: .\n    image: myorg/app\n",
        );
        assert!(found.is_empty());
    }
}
