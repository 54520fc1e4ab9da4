//! Code actions: each finding's fix as a quick fix (safe fixes preferred, review fixes marked
//! in the title), "suppress CODE on this line" (the inline comment the engine reads), and
//! "fix all safe findings in this file" (the engine's fix loop on the buffers).

use super::position::{Encoding, Positions};
use super::workspace::{Tracked, Workspace, lsp_diagnostic, range_in};
use crate::diagnostic::{Applicability, Diagnostic};
use crate::engine;
use crate::project::Project;
use crate::source::directive::Scope;
use crate::source::{Document, NodeKind, SourceFile, Span, lines};
use lsp_types::{CodeAction, CodeActionKind, Range, TextEdit, Uri, WorkspaceEdit};
use std::collections::HashMap;
use std::path::Path;

/// The kind of the "fix all" action asked for on save or from the source-action menu.
pub(super) const FIX_ALL: &str = "source.fixAll.composefix";

/// The title of the "fix all" action.
pub(super) const FIX_ALL_TITLE: &str = "Fix all safe composefix findings in this file";

fn overlaps(a: Range, b: Range) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// The actions for the findings of `path` that `range` touches, and "fix all" when the file
/// has a safe fix. With `lazy`, "fix all" carries no edit: the client resolves it
/// ([`resolve_fix_all`]), so that the fix loop runs only when chosen.
pub(super) fn actions(
    ws: &Workspace,
    path: &Path,
    uri: &Uri,
    range: Range,
    only: Option<&[CodeActionKind]>,
    lazy: bool,
) -> Vec<CodeAction> {
    let wanted = |kind: &CodeActionKind| {
        only.is_none_or(|only| only.iter().any(|o| kind.as_str().starts_with(o.as_str())))
    };
    let mut out = Vec::new();
    let mut any_safe = None;
    let mut near = false;
    for tracked in ws
        .projects
        .iter()
        .filter(|p| p.findings_in(path).next().is_some())
    {
        let Some(project) = tracked.project() else {
            continue;
        };
        for d in tracked.findings_in(path) {
            let lsp = lsp_diagnostic(d, ws.encoding, |p| ws.uri_of(p));
            if d.fix
                .as_ref()
                .is_some_and(|f| f.applicability == Applicability::Safe)
            {
                any_safe.get_or_insert(tracked);
            }
            if !overlaps(lsp.range, range) {
                continue;
            }
            near = true;
            if let Some(fix) = &d.fix
                && !fix.edits.is_empty()
                && wanted(&CodeActionKind::QUICKFIX)
            {
                let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
                for e in &fix.edits {
                    changes
                        .entry(ws.uri_of(e.file.path()))
                        .or_default()
                        .push(TextEdit {
                            range: range_in(&e.file, e.span, ws.encoding),
                            new_text: e.content.clone(),
                        });
                }
                let title = match fix.applicability {
                    Applicability::Safe => format!("{}: {}", d.rule.code, fix.title),
                    Applicability::Review => format!(
                        "{}: {} (review: may change more than the finding)",
                        d.rule.code, fix.title
                    ),
                };
                out.push(CodeAction {
                    title,
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![lsp.clone()]),
                    edit: Some(WorkspaceEdit {
                        changes: Some(changes),
                        ..Default::default()
                    }),
                    is_preferred: Some(fix.applicability == Applicability::Safe),
                    ..Default::default()
                });
            }
            if wanted(&CodeActionKind::QUICKFIX)
                && let Some(file) = d.location.as_ref().map(|l| &l.file)
                && let Some(doc) = ws.parse_of(file)
                && let Some(edit) = suppression(project, file, &doc, d, ws.encoding)
            {
                let changes = HashMap::from([(uri.clone(), vec![edit])]);
                out.push(CodeAction {
                    title: format!("Suppress {} on this line", d.rule.code),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![lsp]),
                    edit: Some(WorkspaceEdit {
                        changes: Some(changes),
                        ..Default::default()
                    }),
                    ..Default::default()
                });
            }
        }
    }
    let kind = if near && only.is_none() {
        Some(CodeActionKind::QUICKFIX)
    } else {
        let fix_all = CodeActionKind::new(FIX_ALL);
        wanted(&fix_all).then_some(fix_all)
    };
    if let (Some(tracked), Some(kind)) = (any_safe, kind) {
        let data = serde_json::json!({ "fixAll": uri.as_str() });
        let edit = if lazy {
            None
        } else {
            fix_all(ws, tracked, path, uri)
        };
        if lazy || edit.is_some() {
            out.push(CodeAction {
                title: FIX_ALL_TITLE.to_string(),
                kind: Some(kind),
                edit,
                data: Some(data),
                ..Default::default()
            });
        }
    }
    out
}

/// The edit of a "fix all" action the client resolves.
pub(super) fn resolve_fix_all(ws: &Workspace, path: &Path, uri: &Uri) -> Option<WorkspaceEdit> {
    let tracked = ws
        .projects
        .iter()
        .find(|p| p.findings_in(path).next().is_some())?;
    fix_all(ws, tracked, path, uri)
}

/// The engine's fix loop (safe fixes) on the project, from the buffers: the new text of
/// `path` as one edit; None when it does not change.
fn fix_all(ws: &Workspace, tracked: &Tracked, path: &Path, uri: &Uri) -> Option<WorkspaceEdit> {
    let opts = ws.options(&tracked.files);
    let (outcome, _) = engine::fix(&opts, false).ok()?;
    if !outcome.failures.is_empty() {
        return None;
    }
    let (before, after) = outcome.changed.get(path)?;
    let end = Positions::new(before, ws.encoding).position(before.len());
    let edit = TextEdit {
        range: Range::new(lsp_types::Position::new(0, 0), end),
        new_text: after.clone(),
    };
    Some(WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
        ..Default::default()
    })
}

/// The edit that silences `d` with `# composefix: ignore[CODE]` at the end of the line where
/// it starts: the code joins the brackets of a suppression comment already there, and goes
/// before any other comment of the line (which stays as written, as the reason). None when
/// the line ends inside a multi-line scalar, where a comment would become text.
pub(super) fn suppression(
    project: &Project,
    file: &SourceFile,
    doc: &Document,
    d: &Diagnostic,
    encoding: Encoding,
) -> Option<TextEdit> {
    let at = d.location.as_ref()?.span.start;
    let text = file.text();
    let line = file.line_col(at).line;
    let code = d.rule.code;
    let (span, content) =
        if let Some(existing) = project.directives.iter().find(|x| {
            x.file.path() == file.path() && x.trailing && x.scope == Some(Scope::Line(line))
        }) {
            let last = existing.selectors.last()?.span;
            (Span::at(last.end), format!(", {code}"))
        } else {
            let end = lines::line_end(text, at);
            let inside_scalar = doc.nodes.iter().any(|n| {
                matches!(n.kind, NodeKind::Scalar { .. }) && n.span.start < end && n.span.end > end
            });
            if inside_scalar {
                return None;
            }
            let comment = doc
                .comments()
                .iter()
                .find(|c| c.trailing && file.line_col(c.span.start).line == line);
            match comment {
                Some(c) => (
                    Span::at(c.span.start),
                    format!("# composefix: ignore[{code}] "),
                ),
                None => (Span::at(end), format!("  # composefix: ignore[{code}]")),
            }
        };
    Some(TextEdit {
        range: range_in(file, span, encoding),
        new_text: content,
    })
}
