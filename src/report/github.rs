//! `--format github`: GitHub Actions workflow commands, one line per finding, which the runner
//! turns into annotations on the files of the pull request:
//! `::error file=F,line=L,col=C,endLine=EL,endColumn=EC,title=CODE name::message` (`warning`,
//! and `notice` for infos and for suppressed findings shown with `--show-suppressed`). The help
//! follows the message on a line of its own. Values are escaped as the runner requires.

use crate::diagnostic::{Diagnostic, Severity};
use std::io::{self, Write};

/// Escapes a command's message: `%`, CR and LF.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value: as a message, and `:` and `,`, which end a property.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

pub(super) fn write(out: &mut dyn Write, diagnostics: &[&Diagnostic]) -> io::Result<()> {
    for d in diagnostics {
        let command = match (d.suppression.is_some(), d.severity) {
            (false, Severity::Error) => "error",
            (false, Severity::Warning) => "warning",
            (true, _) | (false, Severity::Info) => "notice",
        };
        let mut properties = Vec::new();
        if let Some(l) = &d.location {
            let (start, end) = (l.file.line_col(l.span.start), l.file.line_col(l.span.end));
            properties.push(format!("file={}", escape_property(l.file.name())));
            properties.push(format!("line={}", start.line));
            properties.push(format!("col={}", start.column));
            properties.push(format!("endLine={}", end.line));
            properties.push(format!("endColumn={}", end.column));
        }
        let title = match super::suppressed_mark(d) {
            Some(mark) => format!("{} {} ({mark})", d.rule.code, d.rule.name),
            None => format!("{} {}", d.rule.code, d.rule.name),
        };
        properties.push(format!("title={}", escape_property(&title)));
        let message = match &d.help {
            Some(help) => format!("{}\nhelp: {help}", d.message),
            None => d.message.clone(),
        };
        writeln!(
            out,
            "::{command} {}::{}",
            properties.join(","),
            escape_data(&message)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_data("50%\r\nok: a,b"), "50%25%0D%0Aok: a,b");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
