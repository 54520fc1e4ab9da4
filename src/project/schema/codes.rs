//! Findings of the schema validator (`SCH`): the file breaks the Compose Specification.

use crate::diagnostic::RuleInfo;

load_rule!(UNKNOWN_KEY, "SCH001", "unknown-key");
load_rule!(WRONG_TYPE, "SCH002", "wrong-type");
load_rule!(INVALID_VALUE, "SCH003", "invalid-value");
load_rule!(MISSING_KEY, "SCH004", "missing-required-key");

/// The schema's codes, in order.
pub(crate) static ALL: &[&RuleInfo] = &[&UNKNOWN_KEY, &WRONG_TYPE, &INVALID_VALUE, &MISSING_KEY];
