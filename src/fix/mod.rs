//! Fixes: byte-range edits on the files as written, never a re-serialisation.
//!
//! Rules attach a [`Fix`] to a finding; [`builders`] make its edits in the file's own style;
//! [`engine`] applies fixes in passes, re-loading and re-checking until nothing changes, and
//! verifies the result before [`write`](mod@write) puts it on disk atomically or renders a diff.

pub mod builders;
mod text;
