//! Hygiene rules (HYG001–HYG009 and HYG017, RULES.md §5.1): what Compose ignores, refuses or silently
//! does otherwise than the file says, independent of networking.

pub(crate) mod build_and_image_without_pull_policy;
pub(crate) mod depends_on_cycle;
pub(crate) mod depends_on_unknown_service;
pub(crate) mod duplicate_container_name;
pub(crate) mod image_tag_unpinned;
pub(crate) mod invalid_container_name;
pub(crate) mod obsolete_version_field;
pub(crate) mod port_yaml11_ambiguous;
pub(crate) mod undefined_top_level_resource;
pub(crate) mod unused_top_level_resource;

/// Whether two services with these profiles run together under one choice of a single
/// profile (or none): one of them always runs, or they share a profile. Services kept apart
/// by profiles (`dev` and `prod` variants of one container) never run together that way.
fn run_together(a: &[&str], b: &[&str]) -> bool {
    a.is_empty() || b.is_empty() || a.iter().any(|p| b.contains(p))
}
