//! Stable fingerprints of findings, for the formats whose consumers track a finding across runs
//! (SARIF `partialFingerprints`, GitLab Code Quality `fingerprint`).
//!
//! A fingerprint hashes the rule code, the file name as reported, the service, the flagged text
//! (the bytes of the primary span) and the message, each prefixed by its length, with FNV-1a
//! 64. It does not hash the line, column or offset, so a finding keeps its fingerprint when
//! lines are added or removed above it. Findings that agree on all of these (the same text
//! flagged twice in one service) get their occurrence number, in report order, hashed in too, so
//! that every finding of a report has its own fingerprint. FNV-1a is fixed by its definition,
//! unlike std's `DefaultHasher`, whose output may change between Rust releases.

use crate::diagnostic::Diagnostic;
use std::collections::HashMap;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// Feeds `bytes` to an FNV-1a 64 state.
fn update(mut hash: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(FNV_PRIME);
    }
    hash
}

/// FNV-1a 64 over length-prefixed fields, so that ("ab", "c") and ("a", "bc") differ.
fn fnv1a(fields: &[&[u8]]) -> u64 {
    fields.iter().fold(FNV_OFFSET, |hash, field| {
        update(update(hash, &(field.len() as u64).to_le_bytes()), field)
    })
}

/// The hash of a finding without its occurrence number.
fn base(d: &Diagnostic) -> u64 {
    let (file, text) = match &d.location {
        Some(l) => (
            l.file.name(),
            l.file.text().get(l.span.start..l.span.end).unwrap_or(""),
        ),
        None => ("", ""),
    };
    fnv1a(&[
        d.rule.code.as_bytes(),
        file.as_bytes(),
        d.service.as_deref().unwrap_or("").as_bytes(),
        text.as_bytes(),
        d.message.as_bytes(),
    ])
}

/// The fingerprint of each finding of `diagnostics`, in order, as 16 hex digits. Computed over
/// the whole report, suppressed findings included, so that every format numbers occurrences
/// alike.
pub(super) fn fingerprints(diagnostics: &[Diagnostic]) -> Vec<String> {
    let mut seen: HashMap<u64, u64> = HashMap::new();
    diagnostics
        .iter()
        .map(|d| {
            let hash = base(d);
            let occurrence = seen.entry(hash).or_insert(0);
            *occurrence += 1;
            let hash = if *occurrence == 1 {
                hash
            } else {
                fnv1a(&[&hash.to_le_bytes(), &occurrence.to_le_bytes()])
            };
            format!("{hash:016x}")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_reference_values() {
        // FNV-1a 64 of "" and "a", from the FNV reference.
        assert_eq!(update(FNV_OFFSET, b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(update(FNV_OFFSET, b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_ne!(fnv1a(&[b"ab", b"c"]), fnv1a(&[b"a", b"bc"]));
    }

    #[test]
    fn the_same_text_flagged_twice_gets_two_fingerprints_and_no_line_counts() {
        use crate::source::{SourceFile, Span};
        use std::sync::Arc;
        let rule = crate::rules::find("NET001").unwrap();
        let finding = |text: &str, at: usize| {
            let file = Arc::new(SourceFile::new("c.yaml".into(), "c.yaml".into(), text));
            Diagnostic::new(rule, "m")
                .service("web")
                .at(&file, Span::new(at, at + 9))
        };
        let text = "a: localhost\nb: localhost\n";
        let prints = fingerprints(&[finding(text, 3), finding(text, 16)]);
        assert_ne!(prints[0], prints[1]);
        // Moved down a line, the first keeps its fingerprint.
        let moved = fingerprints(&[finding(&format!("\n{text}"), 4)]);
        assert_eq!(moved[0], prints[0]);
        assert_eq!(prints[0].len(), 16);
    }
}
