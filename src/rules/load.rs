//! Findings of the loader (`SYN`: the file cannot be read as Compose reads it) and of the schema
//! validator (`SCH`: the file breaks the Compose Specification).

use super::{FixAvailability, RuleInfo};
use crate::diagnostic::{Platform, Severity};

macro_rules! load_rule {
    ($ident:ident, $code:literal, $name:literal) => {
        rule_info!(
            $ident,
            $code,
            $name,
            Severity::Error,
            &Platform::ALL,
            FixAvailability::None
        );
    };
}

load_rule!(INVALID_YAML, "SYN001", "invalid-yaml");
load_rule!(DUPLICATE_KEY, "SYN002", "duplicate-key");
load_rule!(MULTIPLE_DOCUMENTS, "SYN003", "multiple-documents");
load_rule!(RESOURCE_LIMIT, "SYN004", "resource-limit-exceeded");
load_rule!(INVALID_MERGE_KEY, "SYN005", "invalid-merge-key");
load_rule!(MISSING_FILE, "SYN006", "missing-file");
load_rule!(REQUIRED_VARIABLE, "SYN007", "required-variable-unset");
load_rule!(INVALID_INTERPOLATION, "SYN008", "invalid-interpolation");
load_rule!(INVALID_EXTENDS, "SYN009", "invalid-extends");
load_rule!(EMPTY_FILE, "SYN010", "empty-compose-file");
load_rule!(UNKNOWN_KEY, "SCH001", "unknown-key");
load_rule!(WRONG_TYPE, "SCH002", "wrong-type");
load_rule!(INVALID_VALUE, "SCH003", "invalid-value");
load_rule!(MISSING_KEY, "SCH004", "missing-required-key");

/// All loader and schema codes, in order.
pub static ALL: &[&RuleInfo] = &[
    &INVALID_YAML,
    &DUPLICATE_KEY,
    &MULTIPLE_DOCUMENTS,
    &RESOURCE_LIMIT,
    &INVALID_MERGE_KEY,
    &MISSING_FILE,
    &REQUIRED_VARIABLE,
    &INVALID_INTERPOLATION,
    &INVALID_EXTENDS,
    &EMPTY_FILE,
    &UNKNOWN_KEY,
    &WRONG_TYPE,
    &INVALID_VALUE,
    &MISSING_KEY,
];
