//! Fuzz target: the fix loop: check, fix with unsafe fixes, re-check the fixed text
//! (`properties::fix_application`: no panic, no syntax or schema finding the original did
//! not have).

#![no_main]

#[path = "../../tests/properties/mod.rs"]
mod properties;

use std::sync::LazyLock;

/// The project directory of every input, made once per process.
static SCRATCH: LazyLock<properties::Scratch> = LazyLock::new(properties::Scratch::new);

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    properties::fix_application(data, &SCRATCH);
});
