//! Inline suppression: marks the findings a `# composefix: ignore[…]` comment silences, and
//! reports (SUP001) the comments, or the codes of a comment, that silence nothing.

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Location, RuleInfo, Suppression};
use crate::rules::{self, engine_codes::UNUSED_SUPPRESSION};
use crate::source::directive::{Directive, Scope};
use crate::source::{SourceFile, Span};
use std::sync::Arc;

/// Marks the findings of one project that its suppression comments silence, then appends a
/// SUP001 finding for every comment or code that silenced none. `runs` tells whether a rule
/// ran in this run: a code whose rule did not run is never called unused.
pub(super) fn apply(
    directives: &[Directive],
    diagnostics: &mut Vec<Diagnostic>,
    runs: &dyn Fn(&RuleInfo) -> bool,
) {
    if directives.is_empty() {
        return;
    }
    // Per directive, per selector: the rule it names (None: no rule) and whether it was used.
    let mut used: Vec<Vec<(Option<&'static RuleInfo>, bool)>> = directives
        .iter()
        .map(|d| {
            d.selectors
                .iter()
                .map(|s| (rules::find(&s.text), false))
                .collect()
        })
        .collect();
    for d in diagnostics.iter_mut() {
        silence(directives, &mut used, d);
    }
    if !runs(&UNUSED_SUPPRESSION) {
        return;
    }
    let mut unused = Vec::new();
    for (directive, selectors) in directives.iter().zip(&used) {
        unused.extend(report_unused(directive, selectors, runs));
    }
    for mut d in unused {
        silence(directives, &mut used, &mut d);
        diagnostics.push(d);
    }
}

/// Marks `d` as suppressed by the first directive that covers it, and every selector that
/// names its rule as used.
fn silence(
    directives: &[Directive],
    used: &mut [Vec<(Option<&'static RuleInfo>, bool)>],
    d: &mut Diagnostic,
) {
    let Some(location) = &d.location else {
        return;
    };
    let line = location.file.line_col(location.span.start).line;
    for (directive, selectors) in directives.iter().zip(used.iter_mut()) {
        let covers = directive.file.path() == location.file.path()
            && match directive.scope {
                Some(Scope::Line(l)) => l == line,
                Some(Scope::File) => true,
                None => false,
            };
        if !covers {
            continue;
        }
        for (rule, was_used) in selectors.iter_mut() {
            if rule.is_some_and(|r| r.code == d.rule.code) {
                *was_used = true;
                if d.suppression.is_none() {
                    d.suppression = Some(Suppression {
                        location: Location {
                            file: Arc::clone(&directive.file),
                            span: directive.span,
                        },
                        reason: directive.reason.clone(),
                    });
                }
            }
        }
    }
}

/// The SUP001 finding of one directive, if any of it is unused.
fn report_unused(
    directive: &Directive,
    selectors: &[(Option<&'static RuleInfo>, bool)],
    runs: &dyn Fn(&RuleInfo) -> bool,
) -> Option<Diagnostic> {
    let file = &directive.file;
    let Some(scope) = &directive.scope else {
        return Some(
            Diagnostic::new(
                &UNUSED_SUPPRESSION,
                "this `# composefix:` comment is not understood, so it silences nothing",
            )
            .at(file, directive.span)
            .help("write `# composefix: ignore[CODE, …] reason` or `# composefix: ignore-file[CODE, …] reason`")
            .with_fix(Some(remove_comment(directive))),
        );
    };
    let where_ = match scope {
        Scope::Line(l) => format!("on line {l}"),
        Scope::File => "in this file".to_string(),
    };
    let mut reasons = Vec::new();
    let mut unused = Vec::new();
    for (selector, (rule, was_used)) in directive.selectors.iter().zip(selectors) {
        match rule {
            None => {
                reasons.push(format!("`{}` names no rule", selector.text));
                unused.push(selector.span);
            }
            Some(r) if !was_used && runs(r) && r.code != UNUSED_SUPPRESSION.code => {
                reasons.push(format!("no {} finding starts {where_}", r.code));
                unused.push(selector.span);
            }
            Some(_) => {}
        }
    }
    let (&first, _) = unused.split_first()?;
    let all = unused.len() == directive.selectors.len();
    let fix = if all {
        remove_comment(directive)
    } else {
        keep_selectors(directive, &unused)
    };
    let span = if all {
        directive.span
    } else {
        unused.iter().fold(first, |a, s| a.cover(*s))
    };
    Some(
        Diagnostic::new(
            &UNUSED_SUPPRESSION,
            format!("unused suppression: {}", reasons.join("; ")),
        )
        .at(file, span)
        .help(if all {
            "remove the comment"
        } else {
            "remove the unused codes from the comment"
        })
        .with_fix(Some(fix)),
    )
}

/// Removes the comment: from the end of the content before it when it follows content, the
/// whole line when it stands alone.
fn remove_comment(directive: &Directive) -> Fix {
    let file = &directive.file;
    let span = if directive.trailing {
        let before = &file.text()[..directive.span.start];
        let start = before.trim_end_matches([' ', '\t']).len();
        Span::new(start, directive.span.end)
    } else {
        line_span(file, directive.span.start)
    };
    Fix::new(
        "Remove the unused suppression comment",
        Applicability::Safe,
        vec![Edit {
            file: Arc::clone(file),
            span,
            content: String::new(),
        }],
    )
}

/// The whole line holding `offset`, with its line break.
fn line_span(file: &SourceFile, offset: usize) -> Span {
    let line = file.line_col(offset).line;
    let lines = file.lines();
    let start = lines.line_start(line).unwrap_or(0);
    let end = lines.line_start(line + 1).unwrap_or(file.text().len());
    Span::new(start, end)
}

/// Rewrites the brackets of the comment without the `unused` selectors.
fn keep_selectors(directive: &Directive, unused: &[Span]) -> Fix {
    let first = directive.selectors[0].span;
    let last = directive.selectors[directive.selectors.len() - 1].span;
    let kept: Vec<&str> = directive
        .selectors
        .iter()
        .filter(|s| !unused.contains(&s.span))
        .map(|s| s.text.as_str())
        .collect();
    Fix::new(
        "Remove the unused codes from the suppression comment",
        Applicability::Safe,
        vec![Edit {
            file: Arc::clone(&directive.file),
            span: first.cover(last),
            content: kept.join(", "),
        }],
    )
}
