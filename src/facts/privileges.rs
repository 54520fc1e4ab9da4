//! What a service is allowed to do in the kernel: its capabilities (`cap_add`, `cap_drop`,
//! spelled as Docker reads them), its `security_opt` entries and its `user`, each with the
//! value written, for the security rules.

use crate::project::value::{Kind, Value};

/// One `cap_add` / `cap_drop` entry whose text is known.
#[derive(Debug, Clone)]
pub(crate) struct Capability<'p> {
    /// The capability as Docker reads it: upper-case, trimmed, without `CAP_`. `CAP_ALL` stays
    /// `CAP_ALL`: Docker accepts `ALL` only without the prefix and refuses the file otherwise.
    pub name: String,
    /// The entry.
    pub value: &'p Value,
}

/// The entries of `cap_add` or `cap_drop` (`key`) whose text is known.
pub(crate) fn capabilities<'p>(service: &'p Value, key: &str) -> Vec<Capability<'p>> {
    let Some(items) = service.get(key).and_then(Value::as_seq) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|value| {
            let text = match &value.kind {
                Kind::Str(s) if s.is_known() => s.text.trim().to_ascii_uppercase(),
                _ => return None,
            };
            let name = match text.strip_prefix("CAP_") {
                Some("ALL") | None => text,
                Some(bare) => bare.to_string(),
            };
            Some(Capability { name, value })
        })
        .collect()
}

/// Whether the service drops every capability (`cap_drop: [ALL]`, any case).
pub(crate) fn drops_all(service: &Value) -> bool {
    capabilities(service, "cap_drop")
        .iter()
        .any(|c| c.name == "ALL")
}

/// Whether the service has capability `name` (bare, upper-case) added, or `ALL`.
pub(crate) fn adds(service: &Value, name: &str) -> bool {
    capabilities(service, "cap_add")
        .iter()
        .any(|c| c.name == name || c.name == "ALL")
}

/// Whether `service` has an unknown entry (an unset variable) in `key`'s list, so that what
/// the list holds is not known.
pub(crate) fn has_unknown_item(service: &Value, key: &str) -> bool {
    service
        .get(key)
        .and_then(Value::as_seq)
        .is_some_and(|items| {
            items
                .iter()
                .any(|v| v.as_str().is_some_and(|s| !s.is_known()))
        })
}

/// One `security_opt` entry: `name[:value]` or `name[=value]`.
#[derive(Debug, Clone)]
pub(crate) struct SecurityOpt<'p> {
    /// The option's name, lower-case (`no-new-privileges`, `seccomp`, `label`).
    pub name: String,
    /// What follows the first `:` or `=`, trimmed, when there is one.
    pub value: Option<String>,
    /// The entry.
    pub item: &'p Value,
}

/// The `security_opt` entries whose text is known.
pub(crate) fn security_opts(service: &Value) -> Vec<SecurityOpt<'_>> {
    let Some(items) = service.get("security_opt").and_then(Value::as_seq) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| {
            let text = match &item.kind {
                Kind::Str(s) if s.is_known() => s.text.trim(),
                _ => return None,
            };
            let (name, value) = match text.find([':', '=']) {
                Some(i) => (&text[..i], Some(text[i + 1..].trim().to_string())),
                None => (text, None),
            };
            Some(SecurityOpt {
                name: name.trim().to_ascii_lowercase(),
                value,
                item,
            })
        })
        .collect()
}

/// Whether `no-new-privileges` is on: `no-new-privileges`, `no-new-privileges:true` or `=true`.
/// None when an entry is unknown (an unset variable), so that nothing can be said.
pub(crate) fn no_new_privileges(service: &Value) -> Option<bool> {
    if has_unknown_item(service, "security_opt") {
        return None;
    }
    Some(security_opts(service).iter().any(|o| {
        o.name == "no-new-privileges"
            && o.value
                .as_deref()
                .is_none_or(|v| v.eq_ignore_ascii_case("true"))
    }))
}

/// Whether a `user` value runs the process as root: user `root` or uid 0, with or without a
/// group (`0:0`, `root:1000`). None when the value is unknown.
pub(crate) fn is_root_user(user: &Value) -> Option<bool> {
    let text = match &user.kind {
        Kind::Int(i) => return Some(*i == 0),
        Kind::Str(s) if s.is_known() => s.text.trim(),
        _ => return None,
    };
    let name = text.split(':').next().unwrap_or_default().trim();
    Some(name == "root" || name.parse::<i64>().is_ok_and(|uid| uid == 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(yaml: &str) -> crate::project::Project {
        crate::project::from_yaml(&format!("services:\n  a: {yaml}\n"))
    }

    #[test]
    fn capability_spellings() {
        let project =
            spec("{cap_add: [cap_sys_admin, ' NET_ADMIN ', CAP_ALL, all], cap_drop: [All]}");
        let (_, s) = project.services().next().unwrap();
        let names: Vec<String> = capabilities(s, "cap_add")
            .into_iter()
            .map(|c| c.name)
            .collect();
        assert_eq!(names, ["SYS_ADMIN", "NET_ADMIN", "CAP_ALL", "ALL"]);
        assert!(drops_all(s) && adds(s, "SYS_RAWIO"));
    }

    #[test]
    fn security_options_and_users() {
        for (opts, want) in [
            ("[no-new-privileges]", Some(true)),
            ("['no-new-privileges:true']", Some(true)),
            ("['no-new-privileges=true']", Some(true)),
            ("['no-new-privileges:false']", Some(false)),
            ("['seccomp:unconfined']", Some(false)),
            ("['${UNSET_OPT_X}']", None),
        ] {
            let project = spec(&format!("{{security_opt: {opts}}}"));
            let (_, s) = project.services().next().unwrap();
            assert_eq!(no_new_privileges(s), want, "{opts}");
        }
        for (user, want) in [
            ("root", Some(true)),
            ("0", Some(true)),
            ("'0:0'", Some(true)),
            ("'root:1000'", Some(true)),
            ("'1000:0'", Some(false)),
            ("node", Some(false)),
            ("'${UNSET_USER_X}'", None),
        ] {
            let project = spec(&format!("{{user: {user}}}"));
            let (_, s) = project.services().next().unwrap();
            assert_eq!(is_root_user(s.get("user").unwrap()), want, "{user}");
        }
    }
}
