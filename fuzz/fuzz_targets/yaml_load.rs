//! Fuzz target: the YAML parser on arbitrary text (`properties::yaml_load`: no panic, every
//! span in the text, the nodes a tree).

#![no_main]

#[path = "../../tests/properties/mod.rs"]
mod properties;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    properties::yaml_load(data);
});
