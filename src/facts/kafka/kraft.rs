//! KRaft identifiers as Kafka reads them: the voters of `controller.quorum.voters`, and
//! cluster ids (which variable holds one, whether it decodes, a valid one derived from a seed).

use super::broker::Broker;
use crate::images::Family;
use crate::project::value::Value;
use std::ops::Range;

/// One voter of `controller.quorum.voters`: `id@host:port`, with byte ranges in the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Voter {
    /// The node id.
    pub id: u32,
    /// The host as written (IPv6 without brackets).
    pub host: String,
    /// The port.
    pub port: u16,
    /// Bytes of `id@host:port`.
    pub entry: Range<usize>,
    /// Bytes of the host.
    pub host_range: Range<usize>,
    /// Bytes of the port.
    pub port_range: Range<usize>,
}

/// Parses `controller.quorum.voters` as Kafka does (`id@host:port`, comma-separated, entries
/// trimmed); None when an entry does not parse ("must contain a parseable set of voters").
pub(crate) fn parse_voters(text: &str) -> Option<Vec<Voter>> {
    let mut out = Vec::new();
    let mut start = 0;
    for piece in text.split(',') {
        let lead = piece.len() - piece.trim_start().len();
        let entry = start + lead..start + piece.trim_end().len();
        start += piece.len() + 1;
        if entry.is_empty() {
            continue;
        }
        out.push(parse_voter(text, entry)?);
    }
    Some(out)
}

/// One `id@host:port` filling `entry` of `text`.
fn parse_voter(text: &str, entry: Range<usize>) -> Option<Voter> {
    let raw = &text[entry.clone()];
    let (id, address) = raw.split_once('@')?;
    let id: u32 = id.parse().ok()?;
    let colon = address.rfind(':')?;
    let (host, port) = (&address[..colon], &address[colon + 1..]);
    let port: u16 = port.parse().ok()?;
    let (host, host_start) = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(inner) => (inner, 1),
        None => (host, 0),
    };
    let valid = |c: char| c.is_ascii_alphanumeric() || "-._%:".contains(c);
    if host.is_empty() || !host.chars().all(valid) || (host_start == 0 && host.contains(':')) {
        return None;
    }
    let at = entry.start + raw.find('@')? + 1;
    Some(Voter {
        id,
        host: host.to_string(),
        port,
        entry: entry.clone(),
        host_range: at + host_start..at + host_start + host.len(),
        port_range: at + colon + 1..entry.end,
    })
}

/// Why a cluster id is refused (Kafka's `Uuid.fromString`, RULES.md §3.4 item 10).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ClusterIdError {
    /// Longer than 24 characters: "too long to be decoded as a base64 UUID".
    TooLong(usize),
    /// Not base64url (a character outside `A-Z a-z 0-9 - _`, bad padding, a lone last
    /// character): Java's URL decoder throws.
    NotBase64,
    /// Decodes to this many bytes, not 16.
    Bytes(usize),
}

/// Decodes a KRaft cluster id as Kafka's `Uuid.fromString` does: at most 24 characters,
/// Java's base64url decoder (padding optional but exact, unused trailing bits ignored), and
/// exactly 16 bytes. `kafka-local-cluster-01` is valid; `my-cluster` is not.
pub(crate) fn decode_cluster_id(text: &str) -> Result<[u8; 16], ClusterIdError> {
    if text.len() > 24 {
        return Err(ClusterIdError::TooLong(text.chars().count()));
    }
    let bytes = decode_base64url(text).ok_or(ClusterIdError::NotBase64)?;
    bytes
        .as_slice()
        .try_into()
        .map_err(|_| ClusterIdError::Bytes(bytes.len()))
}

/// Java's `Base64.getUrlDecoder().decode`: None where it throws.
fn decode_base64url(text: &str) -> Option<Vec<u8>> {
    let (data, padding) = match text.find('=') {
        Some(i) => (&text[..i], &text[i..]),
        None => (text, ""),
    };
    let mut out = Vec::with_capacity(data.len() * 3 / 4);
    let mut bits: u32 = 0;
    let mut count = 0;
    for c in data.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(v);
        count += 1;
        if count == 4 {
            out.extend_from_slice(&bits.to_be_bytes()[1..]);
            bits = 0;
            count = 0;
        }
    }
    // Padding, when present, must complete the last unit exactly and end the input.
    let expected = match count {
        0 => "",
        2 => "==",
        3 => "=",
        _ => return None,
    };
    if !padding.is_empty() && padding != expected {
        return None;
    }
    match count {
        2 => out.push((bits >> 4) as u8),
        3 => out.extend_from_slice(&((bits >> 2) as u16).to_be_bytes()),
        _ => {}
    }
    Some(out)
}

/// The base64url form (no padding, 22 characters) of a 16-byte id.
fn encode_cluster_id(bytes: &[u8; 16]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(22);
    for chunk in bytes.chunks(3) {
        let mut group = [0u8; 3];
        group[..chunk.len()].copy_from_slice(chunk);
        let n = u32::from_be_bytes([0, group[0], group[1], group[2]]);
        for i in 0..=chunk.len() {
            let index = (n >> (18 - 6 * i)) & 63;
            out.push(char::from(ALPHABET[index as usize]));
        }
    }
    out
}

/// A valid cluster id derived from `seed` (the FNV-1a 128-bit hash of its bytes), so the same
/// project always gets the same id: never all zeros, and never starting with `-` (which
/// command lines take for an option; Kafka's own `Uuid.randomUuid` avoids it too).
pub(crate) fn derived_cluster_id(seed: &str) -> String {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    let hash = seed
        .bytes()
        .fold(OFFSET, |h, b| (h ^ u128::from(b)).wrapping_mul(PRIME));
    let mut bytes = hash.to_be_bytes();
    if bytes.iter().all(|b| *b == 0) {
        bytes[0] = 1;
    }
    if bytes[0] >> 2 == 62 {
        bytes[0] ^= 0x80;
    }
    encode_cluster_id(&bytes)
}

impl<'p> Broker<'p> {
    /// The variable holding the KRaft cluster id the image reads (`CLUSTER_ID` for Confluent
    /// and Apache, `KAFKA_CLUSTER_ID` or the older `KAFKA_KRAFT_CLUSTER_ID` for bitnami), with
    /// its value, when set.
    pub fn cluster_id_setting(&self) -> Option<(&'p str, &'p Value)> {
        let keys: &[&str] = match self.family {
            Family::Confluent | Family::Apache => &["CLUSTER_ID"],
            Family::Bitnami => &["KAFKA_CLUSTER_ID", "KAFKA_KRAFT_CLUSTER_ID"],
            Family::Other => &["CLUSTER_ID", "KAFKA_CLUSTER_ID"],
            Family::Wurstmeister | Family::Redpanda => &[],
        };
        let env = self.spec.get("environment")?.as_map()?;
        keys.iter()
            .find_map(|k| env.iter().find(|(key, _, _)| key == k))
            .map(|(k, _, v)| (k, v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_ids() {
        let valid = [
            "kafka-local-cluster-01",
            "MkU3OEVBNTcwNTJENDM2Qk",
            "ciWo7IWazngRchmPES6q5A==",
            "5L6g3nShT-eMCtK--X86sw",
        ];
        for id in valid {
            assert!(decode_cluster_id(id).is_ok(), "{id}");
        }
        let invalid = [
            ("my-cluster", ClusterIdError::Bytes(7)),
            ("", ClusterIdError::Bytes(0)),
            ("abcdefghijklmnopqrstuvwxyz", ClusterIdError::TooLong(26)),
            ("MkU3OEVBNTcwNTJENDM2QkM", ClusterIdError::Bytes(17)),
            ("MkU3OEVBNTcwNTJENDM2Q", ClusterIdError::NotBase64),
            ("MkU3OEVBNTcwNTJENDM2Qk=", ClusterIdError::NotBase64),
            ("MkU3OEVBNTcwNTJENDM2+k", ClusterIdError::NotBase64),
        ];
        for (id, error) in invalid {
            assert_eq!(decode_cluster_id(id), Err(error), "{id}");
        }
        let bytes: [u8; 16] = std::array::from_fn(|i| (i * 17) as u8);
        let encoded = encode_cluster_id(&bytes);
        assert_eq!(encoded.len(), 22);
        assert_eq!(decode_cluster_id(&encoded), Ok(bytes));
        let derived = derived_cluster_id("shop kafka-1 kafka-2");
        assert_eq!(derived, derived_cluster_id("shop kafka-1 kafka-2"));
        assert_ne!(derived, derived_cluster_id("shop kafka-1"));
        assert!(decode_cluster_id(&derived).is_ok() && !derived.starts_with('-'));
    }

    #[test]
    fn voters() {
        let v = parse_voters("1@kafka-1:9093, 2@[::1]:29093").unwrap();
        assert_eq!(
            (v[0].id, v[0].host.as_str(), v[0].port),
            (1, "kafka-1", 9093)
        );
        assert_eq!(
            (v[0].host_range.clone(), v[0].port_range.clone()),
            (2..9, 10..14)
        );
        assert_eq!(
            (v[1].id, v[1].host.as_str(), v[1].entry.clone()),
            (2, "::1", 16..29)
        );
        assert!(parse_voters("1@kafka").is_none() && parse_voters("kafka:9093").is_none());
    }
}
