//! Fuzz target: the connection-string parser, through a check of a project whose URLs, bootstrap
//! lists, commands and listeners are the input (`properties::connection_strings`: no panic,
//! the input reaches the rules as written, findings inside the file).

#![no_main]

#[path = "../../tests/properties/mod.rs"]
mod properties;

use std::sync::LazyLock;

/// The project directory of every input, made once per process.
static SCRATCH: LazyLock<properties::Scratch> = LazyLock::new(properties::Scratch::new);

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    properties::connection_strings(data, &SCRATCH);
});
