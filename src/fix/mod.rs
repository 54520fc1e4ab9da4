//! Fixes: byte-range edits on the files as written, never a re-serialisation.
//!
//! Rules attach a [`Fix`](crate::diagnostic::Fix) to a finding; [`builders`] make its edits
//! in the file's own style; the engine ([`crate::engine::fix`]) applies fixes in passes,
//! re-loading and re-checking until nothing changes, and verifies the result before
//! [`crate::engine::write`] puts it on disk atomically or renders a diff.

pub mod builders;
pub mod reorder;
mod text;
