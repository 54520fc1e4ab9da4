//! An invalid configuration file, rendered as miette renders a finding: the key or code in
//! its TOML, the message, and the "did you mean".

use crate::config::ConfigError;
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode};
use std::fmt;

/// A configuration error in miette's terms.
struct Report<'a> {
    error: &'a ConfigError,
    source: Option<NamedSource<String>>,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.error {
            ConfigError::Invalid { message, .. } => write!(f, "invalid configuration: {message}"),
            other => write!(f, "{other}"),
        }
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        match self.error {
            ConfigError::Invalid { help: Some(h), .. } => Some(Box::new(h)),
            _ => None,
        }
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        match self.error {
            ConfigError::Invalid { span, .. } => Some(Box::new(std::iter::once(
                LabeledSpan::new_primary_with_span(None, (span.start, span.len())),
            ))),
            _ => None,
        }
    }
}

/// The error as text for stderr: a snippet of the TOML when the error has a place.
pub fn config_error(error: &ConfigError, color: bool) -> String {
    let source = match error {
        ConfigError::Invalid { file, .. } => {
            Some(NamedSource::new(file.name(), file.text().to_string()))
        }
        ConfigError::Read { .. } => None,
    };
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let mut text = String::new();
    let rendered = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false)
        .render_report(&mut text, &Report { error, source });
    match rendered {
        Ok(()) => text,
        Err(_) => error.to_string(),
    }
}
