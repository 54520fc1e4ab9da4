//! Findings the engine itself produces about a run (`SUP`): suppression comments that silence
//! nothing. Declared here so that the registry lists them beside every other code.

use crate::diagnostic::{FixAvailability, Platform, RuleInfo, Severity};

rule_info!(
    UNUSED_SUPPRESSION,
    "SUP001",
    "unused-suppression",
    Severity::Warning,
    &Platform::ALL,
    FixAvailability::Safe
);

/// The engine's codes, in order.
pub(crate) static ALL: &[&RuleInfo] = &[&UNUSED_SUPPRESSION];
