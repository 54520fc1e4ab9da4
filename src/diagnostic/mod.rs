//! The one finding type every stage produces and every report renders, with the fixes it
//! carries and the metadata of the rule that produced it.

#[macro_use]
mod rule;
mod fix;

pub use fix::{Applicability, Edit, Fix, apply_edits};
pub use rule::{Activation, FixAvailability, RuleInfo};

use crate::source::{SourceFile, Span};
use std::sync::Arc;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Advice; never fails CI by default.
    Info,
    /// Fails in common usage or on some platforms.
    Warning,
    /// Cannot work.
    Error,
}

impl Severity {
    /// The lowercase word used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A platform a finding can occur on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Platform {
    /// Docker Desktop for Mac and other VM-based engines on macOS.
    Mac,
    /// Docker Desktop for Windows.
    Windows,
    /// Docker Engine running natively on Linux.
    Linux,
}

impl Platform {
    /// All platforms, in output order.
    pub const ALL: [Platform; 3] = [Platform::Mac, Platform::Windows, Platform::Linux];

    /// The lowercase name used on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Mac => "mac",
            Platform::Windows => "windows",
            Platform::Linux => "linux",
        }
    }
}

/// A place in a file.
#[derive(Debug, Clone)]
pub struct Location {
    /// The file.
    pub file: Arc<SourceFile>,
    /// The bytes.
    pub span: Span,
}

/// A secondary place the message refers to (shown as an extra label).
#[derive(Debug, Clone)]
pub struct Label {
    /// Where.
    pub location: Location,
    /// What it is.
    pub message: String,
}

/// One finding.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// The rule that produced it.
    pub rule: &'static RuleInfo,
    /// The severity (the rule's unless the rule varies it).
    pub severity: Severity,
    /// The platforms on which the problem occurs.
    pub platforms: Vec<Platform>,
    /// What is wrong and what follows from it.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// Where it is; None for findings about no particular place (a path that does not exist).
    pub location: Option<Location>,
    /// Other places worth showing.
    pub labels: Vec<Label>,
    /// The service concerned, if any.
    pub service: Option<String>,
    /// The correction, when the rule knows one.
    pub fix: Option<Fix>,
    /// The severity on each platform, when it differs by platform (RULES.md §0); empty when
    /// `severity` holds everywhere.
    pub severities: Vec<(Platform, Severity)>,
    /// The inline comment that silences the finding; a suppressed finding is still reported by
    /// the machine formats (marked) and with `--show-suppressed`, and never fails the run.
    pub suppression: Option<Suppression>,
    /// Bytes of the finding's file that no report may show (a literal credential): the human
    /// report masks them in its source excerpts, and no other format quotes the file.
    pub redact: Vec<Span>,
}

/// An inline `# composefix: ignore[…]` comment that silences a finding.
#[derive(Debug, Clone)]
pub struct Suppression {
    /// Where the comment is.
    pub location: Location,
    /// The text after the brackets, the team's reason; None when the comment gives none.
    pub reason: Option<String>,
}

impl Diagnostic {
    /// A finding of `rule` with the rule's severity and platforms.
    pub fn new(rule: &'static RuleInfo, message: impl Into<String>) -> Self {
        Diagnostic {
            rule,
            severity: rule.severity,
            platforms: rule.platforms.to_vec(),
            message: message.into(),
            help: None,
            location: None,
            labels: Vec::new(),
            service: None,
            fix: None,
            severities: Vec::new(),
            suppression: None,
            redact: Vec::new(),
        }
    }

    /// Marks bytes of the finding's file as secret: reports never show them.
    pub fn redact(mut self, span: Span) -> Self {
        self.redact.push(span);
        self
    }

    /// Gives the finding a severity per platform: it occurs on the listed platforms and, once
    /// [`Diagnostic::target`] has run, takes the highest severity among the targeted ones.
    pub fn per_platform(mut self, severities: &[(Platform, Severity)]) -> Self {
        self.platforms = severities.iter().map(|(p, _)| *p).collect();
        self.severity = severities
            .iter()
            .map(|(_, s)| *s)
            .max()
            .unwrap_or(self.severity);
        self.severities = severities.to_vec();
        self
    }

    /// Narrows the finding to the platforms a run targets: false when it occurs on none of
    /// them; otherwise its severity becomes the highest among the targeted platforms.
    pub fn target(&mut self, targets: &[Platform]) -> bool {
        if !self.platforms.iter().any(|p| targets.contains(p)) {
            return false;
        }
        if let Some(max) = self
            .severities
            .iter()
            .filter(|(p, _)| targets.contains(p))
            .map(|(_, s)| *s)
            .max()
        {
            self.severity = max;
        }
        true
    }

    /// Places the finding.
    pub fn at(mut self, file: &Arc<SourceFile>, span: Span) -> Self {
        self.location = Some(Location {
            file: Arc::clone(file),
            span,
        });
        self
    }

    /// Adds the remedy.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Names the service concerned.
    pub fn service(mut self, service: impl Into<String>) -> Self {
        self.service = Some(service.into());
        self
    }

    /// Attaches a fix.
    pub fn with_fix(mut self, fix: Option<Fix>) -> Self {
        self.fix = fix;
        self
    }

    /// Adds a secondary label.
    pub fn label(mut self, file: &Arc<SourceFile>, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            location: Location {
                file: Arc::clone(file),
                span,
            },
            message: message.into(),
        });
        self
    }

    /// Sort key: file, position, code.
    pub fn sort_key(&self) -> (String, usize, &'static str) {
        match &self.location {
            Some(l) => (l.file.name().to_string(), l.span.start, self.rule.code),
            None => (String::new(), 0, self.rule.code),
        }
    }
}
