//! composefix: a static analyzer and fixer for Docker Compose files.
//!
//! The pipeline flows one way: [`source`] parses YAML with spans, [`project`] loads projects as
//! Compose does, [`schema`] validates each file, [`rules`] turn the model into diagnostics,
//! [`check`] runs it all for a command line, and [`report`] renders the findings.

pub mod check;
pub mod diagnostic;
pub mod facts;
pub mod fix;
pub(crate) mod images;
mod parallel;
pub mod project;
pub mod report;
pub mod rules;
pub mod schema;
pub mod source;
pub mod topology;
