//! What the server knows: the open buffers, the projects they belong to, and each project's
//! last check. A project is checked as the command line checks it (the same discovery of
//! `composefix.toml`, selection, targets and inline suppression), with the open buffers as the
//! loader's overlay and the parses of unchanged files kept between checks.

use super::position::{Encoding, Positions};
use super::uri;
use crate::config::ConfigChoice;
use crate::diagnostic::{self as finding, Severity};
use crate::engine::{self, CheckOptions, CheckResult};
use crate::project::discover::{self, ProjectFiles};
use crate::project::{LoadOptions, Project};
use crate::source::{ParseCache, SourceFile};
use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    PublishDiagnosticsParams, Uri,
};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

/// An open buffer.
pub(super) struct Buffer {
    /// The URI the client gave.
    pub(super) uri: Uri,
    /// The text as the editor holds it.
    pub(super) text: String,
    /// The client's version of it.
    pub(super) version: i32,
}

/// One project the open buffers belong to.
pub(super) struct Tracked {
    /// The compose files named for it (base, then override).
    pub(super) files: Vec<PathBuf>,
    /// Every file it reads: its compose files, includes, `extends` files, env files, `.env`.
    members: HashSet<PathBuf>,
    /// The last check, once checked.
    pub(super) result: Option<CheckResult>,
    /// Set when a member changed since the last check.
    dirty: bool,
    /// Set when the last check's findings are not published yet.
    fresh: bool,
}

impl Tracked {
    /// The project as loaded by the last check.
    pub(super) fn project(&self) -> Option<&Project> {
        self.result.as_ref()?.projects.first()
    }

    /// The findings of the last check in `path` (suppressed ones left out).
    pub(super) fn findings_in<'a>(
        &'a self,
        path: &'a Path,
    ) -> impl Iterator<Item = &'a finding::Diagnostic> + 'a {
        self.result
            .iter()
            .flat_map(|r| &r.diagnostics)
            .filter(|d| d.suppression.is_none())
            .filter(move |d| d.location.as_ref().is_some_and(|l| l.file.path() == path))
    }
}

/// The server's state.
pub(super) struct Workspace {
    /// How positions count characters.
    pub(super) encoding: Encoding,
    /// Open buffers by path.
    pub(super) buffers: HashMap<PathBuf, Buffer>,
    /// The projects of the open buffers.
    pub(super) projects: Vec<Tracked>,
    parses: ParseCache,
    /// Files given diagnostics, to clear them when their findings go.
    published: HashSet<PathBuf>,
}

impl Workspace {
    /// An empty workspace.
    pub(super) fn new(encoding: Encoding) -> Self {
        Workspace {
            encoding,
            buffers: HashMap::new(),
            projects: Vec::new(),
            parses: ParseCache::default(),
            published: HashSet::new(),
        }
    }

    /// The check options of a project, with every open buffer in the overlay. A project
    /// whose only file exists in the editor alone is checked as stdin is.
    pub(super) fn options(&self, files: &[PathBuf]) -> CheckOptions {
        let overlay = self
            .buffers
            .iter()
            .map(|(path, b)| (path.clone(), b.text.clone()))
            .collect();
        let load = LoadOptions {
            overlay,
            parses: Some(self.parses.clone()),
            ..LoadOptions::default()
        };
        let mut opts = CheckOptions {
            load,
            config: ConfigChoice::Discover,
            ..CheckOptions::default()
        };
        match files {
            [only] if !only.exists() => {
                opts.paths = vec![PathBuf::from("-")];
                opts.stdin_filename = Some(only.to_string_lossy().into_owned());
                opts.stdin_text = self.buffers.get(only).map(|b| b.text.clone().into_bytes());
            }
            _ => opts.files = files.to_vec(),
        }
        opts
    }

    /// The kept parse of a file, when its text is the one given.
    pub(super) fn parse_of(&self, file: &SourceFile) -> Option<Arc<crate::source::Document>> {
        self.parses.get(file.path(), file.text())
    }

    /// Opens (or reopens) a buffer and makes sure a project holds it.
    pub(super) fn open(&mut self, path: PathBuf, buffer: Buffer) {
        self.buffers.insert(path.clone(), buffer);
        if self.mark(&path) {
            return;
        }
        // The project of the buffer's folder first: the buffer may be its override, an
        // included or `extends` file, or its `.env`.
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        if let Some(found) = discover::project_in_dir(&dir).filter(|p| p.dir() == dir) {
            self.track(found);
            if self.projects.iter().any(|p| p.members.contains(&path)) {
                return;
            }
        }
        let is_env = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n == ".env" || n.ends_with(".env"));
        if !is_env {
            self.track(discover::project_of_file(&path));
        }
    }

    /// Follows a change of a buffer: every project that reads it is checked again.
    pub(super) fn changed(&mut self, path: &Path) {
        self.mark(path);
    }

    /// Closes a buffer: its projects are checked again from disk, and a project none of whose
    /// files is open any more is forgotten (its diagnostics cleared).
    pub(super) fn close(&mut self, path: &Path) -> Vec<PublishDiagnosticsParams> {
        self.buffers.remove(path);
        self.mark(path);
        let open: Vec<PathBuf> = self.buffers.keys().cloned().collect();
        self.projects
            .retain(|p| open.iter().any(|o| p.members.contains(o)));
        self.flush()
    }

    /// A configuration file was saved: every project is checked again.
    pub(super) fn config_saved(&mut self) {
        for p in &mut self.projects {
            p.dirty = true;
        }
    }

    /// Marks the projects reading `path`; false when none does.
    fn mark(&mut self, path: &Path) -> bool {
        let mut any = false;
        for p in &mut self.projects {
            if p.members.contains(path) {
                p.dirty = true;
                any = true;
            }
        }
        any
    }

    fn track(&mut self, files: ProjectFiles) {
        if self.projects.iter().any(|p| p.files == files.files) {
            return;
        }
        let mut tracked = Tracked {
            members: files.files.iter().cloned().collect(),
            files: files.files,
            result: None,
            dirty: true,
            fresh: true,
        };
        self.check(&mut tracked);
        self.projects.push(tracked);
    }

    /// True when a project waits for a check, or its findings for publishing.
    pub(super) fn has_pending(&self) -> bool {
        self.projects.iter().any(|p| p.dirty || p.fresh)
    }

    fn check(&self, tracked: &mut Tracked) {
        tracked.dirty = false;
        tracked.fresh = true;
        let opts = self.options(&tracked.files);
        // A configuration that cannot be used is shown as the command line shows it; the
        // project's findings stay as they were.
        let Ok(result) = engine::check(&opts) else {
            return;
        };
        let mut members: HashSet<PathBuf> = tracked.files.iter().cloned().collect();
        for project in &result.projects {
            members.extend(project.files.iter().map(|f| f.path().to_path_buf()));
            members.insert(project.dir.join(".env"));
        }
        tracked.members = members;
        tracked.result = Some(result);
    }

    /// Checks the projects that changed; returns the diagnostics to publish: for every file
    /// of those projects, and an empty set for each file whose findings are gone.
    pub(super) fn flush(&mut self) -> Vec<PublishDiagnosticsParams> {
        let mut touched: BTreeSet<PathBuf> = BTreeSet::new();
        let mut projects = std::mem::take(&mut self.projects);
        for p in projects.iter_mut() {
            if p.dirty {
                self.check(p);
            }
            if !std::mem::take(&mut p.fresh) {
                continue;
            }
            touched.extend(
                p.members
                    .iter()
                    .filter(|m| m.is_file() || self.buffers.contains_key(*m))
                    .cloned(),
            );
        }
        self.projects = projects;
        // Files published before that no project reads any more.
        let known: HashSet<&PathBuf> = self.projects.iter().flat_map(|p| &p.members).collect();
        touched.extend(
            self.published
                .iter()
                .filter(|p| !known.contains(p))
                .cloned(),
        );
        let mut out = Vec::new();
        for path in touched {
            let diagnostics = self.diagnostics_of(&path);
            if diagnostics.is_empty()
                && !self.published.contains(&path)
                && !self.buffers.contains_key(&path)
            {
                continue;
            }
            if diagnostics.is_empty() {
                self.published.remove(&path);
            } else {
                self.published.insert(path.clone());
            }
            let buffer = self.buffers.get(&path);
            out.push(PublishDiagnosticsParams {
                uri: buffer.map_or_else(|| uri::from_path(&path), |b| b.uri.clone()),
                diagnostics,
                version: buffer.map(|b| b.version),
            });
        }
        out
    }

    /// The URI the client knows a file by.
    pub(super) fn uri_of(&self, path: &Path) -> Uri {
        self.buffers
            .get(path)
            .map_or_else(|| uri::from_path(path), |b| b.uri.clone())
    }

    /// The LSP diagnostics of one file, from every project that reads it.
    fn diagnostics_of(&self, path: &Path) -> Vec<lsp_types::Diagnostic> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for p in &self.projects {
            for d in p.findings_in(path) {
                let l = lsp_diagnostic(d, self.encoding, |p| self.uri_of(p));
                if seen.insert((l.range.start, l.range.end, d.rule.code, d.message.clone())) {
                    out.push(l);
                }
            }
        }
        out
    }
}

/// The range of a span of a loaded file.
pub(super) fn range_in(
    file: &SourceFile,
    span: crate::source::Span,
    encoding: Encoding,
) -> lsp_types::Range {
    Positions::indexed(file.text(), file.lines(), encoding).range(span)
}

/// A finding as the protocol has it: code, severity, the rule's document as
/// `codeDescription`, the help after the message, related places from the labels.
pub(super) fn lsp_diagnostic(
    d: &finding::Diagnostic,
    encoding: Encoding,
    uri_of: impl Fn(&Path) -> Uri,
) -> lsp_types::Diagnostic {
    let range = d
        .location
        .as_ref()
        .map(|l| range_in(&l.file, l.span, encoding))
        .unwrap_or_default();
    let severity = match d.severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    };
    let mut message = d.message.clone();
    if d.platforms.len() < crate::diagnostic::Platform::ALL.len() {
        let on: Vec<&str> = d.platforms.iter().map(|p| p.as_str()).collect();
        message.push_str(&format!(" (on {})", on.join(", ")));
    }
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .map(|label| DiagnosticRelatedInformation {
            location: Location {
                uri: uri_of(label.location.file.path()),
                range: range_in(&label.location.file, label.location.span, encoding),
            },
            message: label.message.clone(),
        })
        .collect();
    lsp_types::Diagnostic {
        range,
        severity: Some(severity),
        code: Some(NumberOrString::String(d.rule.code.to_string())),
        code_description: Uri::from_str(&d.rule.doc_url())
            .ok()
            .map(|href| CodeDescription { href }),
        source: Some("composefix".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}
