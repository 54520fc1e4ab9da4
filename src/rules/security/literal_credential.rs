//! SEC017 literal-credential.

use super::at_origin;
use crate::diagnostic::{Activation, Diagnostic, FixAvailability, Platform, RuleInfo, Severity};
use crate::facts::service::Service;
use crate::facts::values::{contains_ignore_case, ends_with_ignore_case};
use crate::images::env::names_credentials_file;
use crate::project::Project;
use crate::project::interpolate::SegmentKind;
use crate::project::value::{Kind, MergeTag, Str, Value};
use crate::rules::{Context, Rule};
use crate::source::Span;

rule_info!(
    LiteralCredential,
    INFO,
    "SEC017",
    "literal-credential",
    Severity::Warning,
    &Platform::ALL,
    FixAvailability::None,
    Activation::OptIn
);

/// Parts of an environment key that name a credential (compose-lint CL-0020's list).
const CREDENTIAL_WORDS: [&str; 11] = [
    "PASSWORD",
    "PASSPHRASE",
    "TOKEN",
    "SECRET",
    "API_KEY",
    "APIKEY",
    "PRIVATE_KEY",
    "ACCESS_KEY",
    "SECRET_KEY",
    "ENCRYPTION_KEY",
    "CREDENTIAL",
];

/// Endings of an environment key that name a credential.
const CREDENTIAL_ENDINGS: [&str; 5] = ["_PASS", "_PWD", "PASSWD", "_SALT", "_DSN"];

/// Values that switch a feature, not credentials (`MYSQL_ALLOW_EMPTY_PASSWORD: "yes"`).
const FLAGS: [&str; 8] = ["yes", "no", "true", "false", "0", "1", "on", "off"];

/// Parts of a key that make it a quantity about credentials (`TOKEN_TTL: 3600`,
/// `PASSWORD_MIN_LENGTH: 12`), when the value is a number.
const QUANTITY_WORDS: [&str; 20] = [
    "TTL",
    "TIMEOUT",
    "EXPIRE",
    "EXPIRY",
    "EXPIRATION",
    "VALIDITY",
    "LIFETIME",
    "MAX_AGE",
    "ROTATION",
    "INTERVAL",
    "RETENTION",
    "DURATION",
    "LENGTH",
    "_LIMIT",
    "_SIZE",
    "TOKENS",
    "ROUNDS",
    "ITERATIONS",
    "_ATTEMPTS",
    "_RETRIES",
];

/// Whether `key` names a credential (a `*_FILE` key names the file holding one).
pub(crate) fn is_credential_key(key: &str) -> bool {
    !ends_with_ignore_case(key, "_FILE")
        && (CREDENTIAL_WORDS
            .iter()
            .any(|w| contains_ignore_case(key, w))
            || CREDENTIAL_ENDINGS
                .iter()
                .any(|e| ends_with_ignore_case(key, e)))
}

/// A number, with an optional time unit (`3600`, `30s`, `1.5h`).
fn is_quantity(value: &str) -> bool {
    let digits = value.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    !digits.is_empty()
        && value.len() - digits.len() <= 2
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.chars().next().is_some_and(|c| c.is_ascii_digit())
}

/// Whether bytes of `range` of `s` are written in the file: as literal text, or as the
/// default of a `${VAR:-default}` (also when `.env` sets the variable, since the default is
/// still in the file). A value that only a variable supplies is not; one that merely contains
/// a variable is (`hunter2${X}` ships `hunter2`, as compose-lint measured).
fn written_in_file(
    project: &Project,
    value: &Value,
    s: &Str,
    range: std::ops::Range<usize>,
) -> bool {
    if range.is_empty() {
        return false;
    }
    let Some(interp) = &s.interpolation else {
        return s.raw_offset.is_some();
    };
    interp.segments.iter().any(|seg| {
        let overlaps = seg.text.start < range.end && range.start < seg.text.end;
        match &seg.kind {
            SegmentKind::Literal { .. } => overlaps,
            SegmentKind::Variable { raw, .. } => overlaps && has_default(project, value, s, raw),
            SegmentKind::Unknown { .. } => false,
        }
    })
}

/// Whether the expression at `raw` (of the scalar's raw text) is `${VAR:-x}` or `${VAR-x}` with
/// a non-empty default.
fn has_default(project: &Project, value: &Value, s: &Str, raw: &std::ops::Range<usize>) -> bool {
    let Some(base) = s.raw_offset else {
        return false;
    };
    let text = project.file(value.origin.file).text();
    let Some(expr) = text.get(base + raw.start..base + raw.end) else {
        return false;
    };
    let Some(inner) = expr.strip_prefix("${").and_then(|e| e.strip_suffix('}')) else {
        return false;
    };
    inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .is_some_and(|i| {
            let rest = &inner[i..];
            let default = rest.strip_prefix(":-").or_else(|| rest.strip_prefix('-'));
            default.is_some_and(|d| !d.is_empty())
        })
}

/// The byte range of the password of a `scheme://user:password@host` in `text`, when there is
/// a non-empty one.
fn url_password(text: &str) -> Option<std::ops::Range<usize>> {
    let mut from = 0;
    while let Some(i) = text[from..].find("://") {
        let start = from + i + 3;
        let rest = &text[start..];
        let end = rest.find(['/', '?', '#', ' ']).unwrap_or(rest.len());
        let authority = &rest[..end];
        if let Some(at) = authority.rfind('@') {
            if let Some(colon) = authority[..at].find(':') {
                if colon + 1 < at {
                    return Some(start + colon + 1..start + at);
                }
            }
        }
        from = start;
    }
    None
}

impl Rule for LiteralCredential {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check_service<'p>(
        &self,
        cx: &Context<'p>,
        service: &Service<'p>,
        out: &mut Vec<Diagnostic>,
    ) {
        let Some(env) = service.env() else {
            return;
        };
        for (key, key_origin, value) in env.iter() {
            let Some((what, secret)) = credential(cx.project, key, value) else {
                continue;
            };
            out.push(
                at_origin(
                    cx,
                    &INFO,
                    service,
                    key_origin,
                    format!(
                        "`{key}` of `{}` holds {what} written in the file: whoever can read the \
                         file, its history or `docker inspect` has it",
                        service.name
                    ),
                )
                .help(format!(
                    "write `{key}: ${{{key}}}` and set it in an untracked `.env`, or pass a \
                     secret (`secrets:`, with `{key}_FILE` where the image reads one)"
                ))
                .redact(secret),
            );
        }
    }
}

/// What literal credential the environment entry holds, if any, and the bytes that hold it:
/// "a credential" for a credential-shaped key (the whole value), "a password in a URL" for
/// `user:password@` in any value (the password).
fn credential(project: &Project, key: &str, value: &Value) -> Option<(&'static str, Span)> {
    let whole = value.origin.span;
    // `!reset` removes the inherited value: nothing is set.
    if value.tag == Some(MergeTag::Reset) {
        return None;
    }
    let s = match &value.kind {
        // Known or not: an unset variable takes nothing away from the literal part.
        Kind::Str(s) => s,
        Kind::Int(_) | Kind::Float(_) => {
            let text = value.scalar_text()?;
            return (is_credential_key(key)
                && !names_credentials_file(key)
                && !FLAGS.contains(&text.as_ref())
                && !quantity_key(key))
            .then_some(("a credential", whole));
        }
        _ => return None,
    };
    let text = s.text.trim().trim_matches(['"', '\'']);
    // A URL without user information under a credential-shaped key (`OAUTH_TOKEN_URL`,
    // `…_CREDENTIALS_ENDPOINT_URL`) is an address, not a credential; a DSN's key sits there.
    let url_without_password = text.split_once("://").is_some_and(|(_, rest)| {
        !rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())].contains('@')
    });
    // Values under a credential-shaped key that are no credential: a file name, an address,
    // nothing, a flag, a quantity.
    let exempt = names_credentials_file(key)
        || url_without_password
        || text.is_empty()
        || FLAGS.iter().any(|f| f.eq_ignore_ascii_case(text))
        || (quantity_key(key) && is_quantity(text));
    if is_credential_key(key) && !exempt && written_in_file(project, value, s, 0..s.text.len()) {
        return Some(("a credential", whole));
    }
    let password = url_password(&s.text)?;
    let span = s.literal_span(password.clone()).unwrap_or(whole);
    written_in_file(project, value, s, password).then_some(("a password in a URL", span))
}

/// Whether `key` names a quantity (a lifetime, a length, a count).
fn quantity_key(key: &str) -> bool {
    QUANTITY_WORDS.iter().any(|w| contains_ignore_case(key, w))
        || ends_with_ignore_case(key, "_PORT")
        || ends_with_ignore_case(key, "_COST")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_keys_and_urls() {
        for key in [
            "POSTGRES_PASSWORD",
            "db_pass",
            "GITHUB_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
            "SENTRY_DSN",
        ] {
            assert!(is_credential_key(key), "{key}");
        }
        for key in ["POSTGRES_PASSWORD_FILE", "PWD", "COMPASS_URL", "USER"] {
            assert!(!is_credential_key(key), "{key}");
        }
        assert_eq!(
            url_password("postgres://app:s3cret@db:5432/app"),
            Some(15..21)
        );
        assert_eq!(url_password("http://user@host/"), None);
        assert_eq!(url_password("redis://:@cache"), None);
        assert!(names_credentials_file("KAFKA_SSL_KEYSTORE_CREDENTIALS"));
        assert!(names_credentials_file(
            "KAFKA_LISTENER_NAME_BROKER_SSL_KEY_CREDENTIALS"
        ));
        assert!(!names_credentials_file("AWS_CREDENTIALS"));
        assert!(is_quantity("3600") && is_quantity("30s") && !is_quantity("hunter2"));
    }
}
