//! Lists: `host[:port]` entries separated by `,`, `;` or whitespace (a `/chroot` after the last),
//! and KRaft voters `id@host:port`.

use super::Target;
use super::entry::{entry, target};
use std::ops::Range;

/// A separator of list entries: `,`, `;` or whitespace.
pub(super) fn is_sep(b: u8) -> bool {
    b == b',' || b == b';' || b.is_ascii_whitespace()
}

/// The non-empty pieces of `range` between bytes for which `sep` holds.
pub(super) fn pieces(text: &str, range: Range<usize>, sep: fn(u8) -> bool) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = range.start;
    for (i, &b) in text.as_bytes()[range.clone()].iter().enumerate() {
        let i = range.start + i;
        if sep(b) {
            if start < i {
                out.push(start..i);
            }
            start = i + 1;
        }
    }
    if start < range.end {
        out.push(start..range.end);
    }
    out
}

/// Whether the value starts like a KRaft voter (`1@`).
pub(super) fn is_voter(text: &str, start: usize) -> bool {
    let digits = text.as_bytes()[start..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    digits > 0 && text.as_bytes().get(start + digits) == Some(&b'@')
}

/// KRaft voters `1@kafka1:9093,2@kafka2:9093`: every entry needs an id and a port.
pub(super) fn voters(text: &str) -> Option<Vec<Target>> {
    let mut out = Vec::new();
    for piece in pieces(text, 0..text.len(), is_sep) {
        let at = piece.start + text[piece.clone()].find('@')?;
        let id = &text[piece.start..at];
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let e = entry(text, at + 1..piece.end, false)?;
        e.port?; // a voter always has a port
        let mut t = target(text, e, None, None);
        t.listener = Some(id.to_string());
        out.push(t);
    }
    Some(out)
}

/// A `host[:port]` list separated by `,`, `;` or whitespace, or one bare host. Only the last
/// entry may carry a `/chroot`; a `/` followed by a digit is a CIDR prefix, not a chroot.
pub(super) fn list(text: &str) -> Option<Vec<Target>> {
    let all = pieces(text, 0..text.len(), is_sep);
    let last = all.len().checked_sub(1)?;
    let mut out = Vec::new();
    for (i, mut piece) in all.into_iter().enumerate() {
        if let Some(slash) = text[piece.clone()].find('/') {
            let chroot = &text[piece.start + slash + 1..piece.end];
            if i != last || chroot.starts_with(|c: char| c.is_ascii_digit()) {
                return None;
            }
            piece.end = piece.start + slash;
        }
        out.push(target(text, entry(text, piece, false)?, None, None));
    }
    Some(out)
}
