//! Findings of the loader (`SYN`): the file cannot be read as Compose reads it. Declared
//! here, where they are produced.

use crate::diagnostic::RuleInfo;

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

/// The loader's codes, in order.
pub(crate) static ALL: &[&RuleInfo] = &[
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
];
