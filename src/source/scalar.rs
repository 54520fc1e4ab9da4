//! YAML 1.2 core-schema resolution of plain scalars, as Compose (go-yaml v3) reads them:
//! `yes`/`on` are strings, `22:22` is a string, `0o17` is octal.

/// The type a plain scalar resolves to.
#[derive(Debug, Clone, PartialEq)]
pub enum ScalarValue {
    /// `null`, `Null`, `NULL`, `~` or empty.
    Null,
    /// `true`/`false` in the three core-schema spellings.
    Bool(bool),
    /// A decimal, `0o` octal or `0x` hexadecimal integer that fits in 64 bits.
    Int(i64),
    /// A float, `.inf` or `.nan` in their core-schema spellings.
    Float(f64),
    /// Anything else.
    String,
}

/// Resolves a plain (unquoted, untagged) scalar.
pub fn resolve_plain(s: &str) -> ScalarValue {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return ScalarValue::Null,
        "true" | "True" | "TRUE" => return ScalarValue::Bool(true),
        "false" | "False" | "FALSE" => return ScalarValue::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return ScalarValue::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return ScalarValue::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return ScalarValue::Float(f64::NAN),
        _ => {}
    }
    if let Some(int) = resolve_int(s) {
        return int;
    }
    if is_float(s) {
        if let Ok(f) = s.parse::<f64>() {
            return ScalarValue::Float(f);
        }
    }
    ScalarValue::String
}

fn resolve_int(s: &str) -> Option<ScalarValue> {
    let (radix, digits, negative) = if let Some(d) = s.strip_prefix("0o") {
        (8, d, false)
    } else if let Some(d) = s.strip_prefix("0x") {
        (16, d, false)
    } else {
        let (neg, d) = match s.as_bytes().first()? {
            b'-' => (true, &s[1..]),
            b'+' => (false, &s[1..]),
            _ => (false, s),
        };
        (10, d, neg)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    // An integer too large for 64 bits is still an integer to YAML; Compose would fail on it,
    // so keep it as a float to stay typed as a number.
    match i64::from_str_radix(digits, radix) {
        Ok(v) => Some(ScalarValue::Int(if negative { -v } else { v })),
        Err(_) => digits
            .parse::<f64>()
            .ok()
            .map(|f| ScalarValue::Float(if negative { -f } else { f })),
    }
}

/// `[-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`
fn is_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'-' | b'+')) {
        i += 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - int_start;
    let mut frac_digits = 0;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let f = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        frac_digits = i - f;
    }
    if int_digits == 0 && frac_digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            i += 1;
        }
        let e = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == e {
            return false;
        }
    }
    i == b.len()
}

/// True for a YAML 1.1 base-60 integer (`[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+`, as PyYAML and
/// other YAML 1.1 readers resolve it): `22:22` is read as 1342.
pub fn yaml11_base60(text: &str) -> bool {
    let text = text.strip_prefix(['-', '+']).unwrap_or(text);
    let mut parts = text.split(':');
    let Some(first) = parts.next() else {
        return false;
    };
    let first_ok = first.starts_with(|c: char| ('1'..='9').contains(&c))
        && first.chars().all(|c| c.is_ascii_digit() || c == '_');
    let mut rest = 0;
    let rest_ok = parts.all(|p| {
        rest += 1;
        (1..=2).contains(&p.len())
            && p.chars().all(|c| c.is_ascii_digit())
            && (p.len() == 1 || p.as_bytes()[0] <= b'5')
    });
    first_ok && rest > 0 && rest_ok
}

/// True when a YAML 1.1 reader (PyYAML, older tools around Compose) would not read plain `s`
/// as a string: its booleans (`yes`, `off`, `y`), null, and number shapes (base 60 `22:22`,
/// `0b1`, `1_000`). Conservative: anything starting like a number and made only of number
/// characters counts.
pub fn yaml11_not_a_string(s: &str) -> bool {
    const WORDS: [&str; 22] = [
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false",
        "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
    ];
    if WORDS.contains(&s) || resolve_plain(s) != ScalarValue::String {
        return true;
    }
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    body.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && body
            .chars()
            .all(|c| c.is_ascii_hexdigit() || "xXoObB_:.+-".contains(c))
}

/// True when a YAML 1.1 reader resolves plain `s` to something other than a string: PyYAML's
/// implicit resolvers for null, bool, int and float (`yes`, `0755`, `1_000`, `22:22`, `~`),
/// plus the `y`/`n` booleans of Go's yaml.v2. Exact where [`yaml11_not_a_string`] is
/// conservative:
/// `127.0.0.1` and `8080:80` stay strings.
fn yaml11_resolves_non_string(s: &str) -> bool {
    const WORDS: [&str; 26] = [
        "~", "null", "Null", "NULL", "y", "Y", "n", "N", "yes", "Yes", "YES", "no", "No", "NO",
        "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
    ];
    let all = |t: &str, ok: fn(char) -> bool| !t.is_empty() && t.chars().all(ok);
    let digits_ = |c: char| c.is_ascii_digit() || c == '_';
    if WORDS.contains(&s) || matches!(s, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let int = body
        .strip_prefix("0b")
        .is_some_and(|t| all(t, |c| "01_".contains(c)))
        || body
            .strip_prefix("0x")
            .is_some_and(|t| all(t, |c| c.is_ascii_hexdigit() || c == '_'))
        || body
            .strip_prefix('0')
            .is_some_and(|t| t.chars().all(|c| ('0'..='7').contains(&c) || c == '_'))
        || (body.starts_with(|c: char| ('1'..='9').contains(&c)) && all(body, digits_))
        || yaml11_base60(s);
    if int || matches!(body, ".inf" | ".Inf" | ".INF") {
        return true;
    }
    // Floats: `1.5`, `1.`, `.5`, `1_0.5e+3`, and base 60 `1:30.5`.
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(at) => (&body[..at], Some(&body[at + 1..])),
        None => (body, None),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        e.strip_prefix(['-', '+'])
            .is_some_and(|d| all(d, |c| c.is_ascii_digit()))
    });
    let Some((whole, fraction)) = mantissa.split_once('.') else {
        return false;
    };
    let whole_ok = if whole.is_empty() {
        all(fraction, digits_)
    } else {
        (whole.starts_with(|c: char| c.is_ascii_digit()) && all(whole, digits_))
            || (exponent.is_none() && yaml11_base60(whole))
    };
    exponent_ok && whole_ok && fraction.chars().all(digits_)
}

/// `s` as a YAML scalar: plain when YAML 1.2 and YAML 1.1 readers both read it back as the
/// same string (as `docker compose config` writes `"yes"` and `"22:22"`), else double-quoted.
pub fn plain_or_quoted(s: &str) -> String {
    let plain_ok = !s.is_empty()
        && resolve_plain(s) == ScalarValue::String
        && !yaml11_resolves_non_string(s)
        && !s.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@` ".contains(c))
        && !s.ends_with(' ')
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.ends_with(':')
        && s.chars().all(|c| !c.is_control());
    if plain_ok {
        return s.to_string();
    }
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = std::fmt::Write::write_fmt(&mut out, format_args!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_schema() {
        use ScalarValue::*;
        let cases = [
            ("", Null),
            ("~", Null),
            ("NULL", Null),
            ("true", Bool(true)),
            ("False", Bool(false)),
            ("yes", String),
            ("on", String),
            ("off", String),
            ("22:22", String),
            ("8080", Int(8080)),
            ("-1", Int(-1)),
            ("+5", Int(5)),
            ("0o17", Int(15)),
            ("0x1F", Int(31)),
            ("017", Int(17)),
            ("1.5", Float(1.5)),
            ("1e3", Float(1000.0)),
            (".5", Float(0.5)),
            ("1.", Float(1.0)),
            ("-.inf", Float(f64::NEG_INFINITY)),
            ("1.2.3", String),
            ("0b101", String),
            ("1_000", String),
            ("e5", String),
            (".", String),
            ("-", String),
            ("localhost:2181", String),
        ];
        for (input, want) in cases {
            assert_eq!(resolve_plain(input), want, "{input:?}");
        }
        assert!(matches!(resolve_plain(".nan"), Float(f) if f.is_nan()));
        for yaml11 in [
            "yes", "Off", "y", "~", "22:22", "0b101", "1_000", "-1.5", ".inf",
        ] {
            assert!(yaml11_not_a_string(yaml11), "{yaml11}");
        }
        for other in [
            "yes", "N", "~", "0755", "1_000", "22:22", "-1.5", ".5", "1:30.5", ".NaN",
        ] {
            assert!(yaml11_resolves_non_string(other), "{other}");
            assert!(plain_or_quoted(other).starts_with('"'), "{other}");
        }
        for string in [
            "127.0.0.1",
            "8080:80",
            "1.2.3",
            "nginx:1.27",
            "60:60",
            "e5",
            "yes!",
        ] {
            assert!(!yaml11_resolves_non_string(string), "{string}");
            assert_eq!(plain_or_quoted(string), string);
        }
        for string in [
            "./data:/data",
            "data",
            "/var/run/docker.sock:/var/run/docker.sock",
            "1st",
        ] {
            assert!(!yaml11_not_a_string(string), "{string}");
        }
    }
}
