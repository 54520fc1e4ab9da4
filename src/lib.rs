//! composefix: a static analyzer and fixer for Docker Compose files.
//!
//! The pipeline flows one way, and each module imports only from those listed before it
//! (`tests/layers.rs` keeps it so): [`source`] parses YAML with spans; [`diagnostic`] is the
//! finding type and its fixes; [`project`] loads projects as Compose does (and validates them
//! against the Compose Specification); [`fix`] builds text edits in the file's own style;
//! `images` is the catalog of what images do; `facts` turns services into typed facts;
//! [`rules`] turn facts into findings; [`config`] reads `composefix.toml` into the settings a
//! project runs with; [`engine`] runs a check and the fix loop; [`graph`] draws a project and
//! its findings as a diagram; [`report`] renders the findings; [`server`] is the language
//! server (`composefix server`) over all of them.
//!
//! The public surface is what the binary, the integration tests and the benchmarks use: the
//! parser ([`source`]), the loader and model ([`project`]), findings ([`diagnostic`]), the edit
//! builders ([`fix::builders`]), the rule registry and selection ([`rules`]), a check and the
//! fix loop ([`engine`]), the diagram of a project ([`graph`]) and the output formats
//! ([`report`]). `images` and `facts` are
//! internal: rules read them, nothing outside the crate does.

// `pub` marks the library's surface (what main.rs, tests and benches use); everything else is
// `pub(crate)`, and this lint keeps it so.
#![warn(unreachable_pub)]

mod parallel;
pub mod source;
#[macro_use]
pub mod diagnostic;
pub mod config;
pub mod engine;
pub(crate) mod facts;
pub mod fix;
pub mod graph;
pub(crate) mod images;
pub mod project;
pub mod report;
pub mod rules;
pub mod server;
