//! Fuzz target: the project loader with interpolation and a `.env` (`properties::project_load`: no
//! panic, findings inside their files, nothing of the process environment in the model or a
//! finding). The input is the compose text, then `properties::ENV_SEPARATOR` and the `.env`.

#![no_main]

#[path = "../../tests/properties/mod.rs"]
mod properties;

use std::sync::LazyLock;

/// The project directory of every input, made once per process.
static SCRATCH: LazyLock<properties::Scratch> = LazyLock::new(properties::Scratch::new);

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    properties::project_load(data, &SCRATCH);
});
