//! What a user can know about a rule without running it: its code, name, severity,
//! platforms, fix availability and document. Declared here so that every layer that produces
//! findings (the loader, the schema, the rules) can name its codes.

use super::{Platform, Severity};

/// Declares a rule's [`RuleInfo`] (and, given a type, the rule's unit struct) from its code
/// and name: the document is read once, from `rules/<CODE>-<name>.md`, and is also the rustdoc.
macro_rules! rule_info {
    ($ident:ident, $code:literal, $name:literal, $severity:expr, $platforms:expr, $fix:expr) => {
        rule_info!(@info $ident, $code, $name, $severity, $platforms, $fix, $crate::diagnostic::Activation::Default);
    };
    ($rule:ident, $ident:ident, $code:literal, $name:literal, $severity:expr, $platforms:expr, $fix:expr) => {
        rule_info!($rule, $ident, $code, $name, $severity, $platforms, $fix, $crate::diagnostic::Activation::Default);
    };
    ($rule:ident, $ident:ident, $code:literal, $name:literal, $severity:expr, $platforms:expr, $fix:expr, $activation:expr) => {
        #[doc = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/", $code, "-", $name, ".md"))]
        pub(crate) struct $rule;
        rule_info!(@info $ident, $code, $name, $severity, $platforms, $fix, $activation);
    };
    (@info $ident:ident, $code:literal, $name:literal, $severity:expr, $platforms:expr, $fix:expr, $activation:expr) => {
        #[doc = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/", $code, "-", $name, ".md"))]
        pub(crate) static $ident: $crate::diagnostic::RuleInfo = $crate::diagnostic::RuleInfo {
            code: $code,
            name: $name,
            severity: $severity,
            platforms: $platforms,
            fix: $fix,
            activation: $activation,
            doc: include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/rules/",
                $code,
                "-",
                $name,
                ".md"
            )),
        };
    };
}

/// Declares a code of the loader or the schema: an error on every platform, without a fix.
macro_rules! load_rule {
    ($ident:ident, $code:literal, $name:literal) => {
        rule_info!(
            $ident,
            $code,
            $name,
            $crate::diagnostic::Severity::Error,
            &$crate::diagnostic::Platform::ALL,
            $crate::diagnostic::FixAvailability::None
        );
    };
}

/// Whether a rule's findings come with a fix, and how safe it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixAvailability {
    /// Message only.
    None,
    /// Applied by `--write`.
    Safe,
    /// Applied only with `--unsafe-fixes`.
    Review,
}

impl FixAvailability {
    /// The word used in listings and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            FixAvailability::None => "none",
            FixAvailability::Safe => "safe",
            FixAvailability::Review => "review",
        }
    }
}

/// Whether a rule runs when no selector names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activation {
    /// Runs unless ignored.
    Default,
    /// Runs only when a selector names it (`--select`, `extend-select`, `ALL`): style rules
    /// and the security pack, which a team adopts on purpose.
    OptIn,
}

impl Activation {
    /// The word used in listings and JSON: `on` or `off` without `--select`.
    pub fn as_str(self) -> &'static str {
        match self {
            Activation::Default => "on",
            Activation::OptIn => "off",
        }
    }
}

/// What a user can know about a rule without running it.
#[derive(Debug)]
pub struct RuleInfo {
    /// The stable code, e.g. `KAF001`.
    pub code: &'static str,
    /// The stable kebab-case name.
    pub name: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// Platforms on which its findings occur.
    pub platforms: &'static [Platform],
    /// Whether it fixes.
    pub fix: FixAvailability,
    /// Whether it runs without being selected.
    pub activation: Activation,
    /// The rule document (`rules/<CODE>-<name>.md`).
    pub doc: &'static str,
}

impl RuleInfo {
    /// The document's first paragraph under "What it does", for listings.
    pub fn summary(&self) -> &'static str {
        let Some(start) = self.doc.find("## What it does") else {
            return "";
        };
        let rest = &self.doc[start + "## What it does".len()..];
        let rest = rest.trim_start();
        let end = rest.find("\n\n").unwrap_or(rest.len());
        rest[..end].trim()
    }

    /// The summary's first sentence on one line of at most 80 characters (cut at a word,
    /// with `…`), for aligned listings (`composefix rules`).
    pub fn one_line(&self) -> String {
        const MAX: usize = 80;
        let summary = self.summary();
        let sentence = summary
            .find(". ")
            .or_else(|| summary.find(".\n"))
            .map_or(summary, |i| &summary[..=i]);
        let mut line = String::new();
        for word in sentence.split_whitespace() {
            if line.chars().count() + word.chars().count() + 1 > MAX - 1 {
                line.push('…');
                return line;
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        line
    }

    /// Whether the rule belongs to the security pack (`SEC`): the formats that rank security
    /// findings (SARIF's `security-severity`) mark its results.
    pub fn is_security(&self) -> bool {
        self.code.starts_with("SEC")
    }

    /// Where the rule document is published (`rules/<CODE>-<name>.md` in the repository), for
    /// the formats that link to it: the one place this address is spelled.
    pub fn doc_url(&self) -> String {
        format!(
            "https://github.com/composefix/composefix/blob/main/rules/{}-{}.md",
            self.code, self.name
        )
    }
}
