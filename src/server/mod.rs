//! `composefix server`: a Language Server over stdio (lsp-server + lsp-types, synchronous:
//! one thread checks, lsp-server's two threads read and write stdio).
//!
//! On open and change of a file of a project (compose file, override, `include`d or
//! `extends` file, `.env`) the project is checked again from the buffers, and diagnostics are
//! published for all its files. Changes that arrive while a check would run are applied
//! first, so that a burst of keystrokes costs one check. Code actions, hover and definition
//! answer from the last check.

// `WorkspaceEdit` maps are keyed by `lsp_types::Uri`, whose parsed form caches data in a cell
// that its `Hash` and `Eq` never read (they compare the text).
#![allow(clippy::mutable_key_type)]

mod actions;
mod navigate;
mod position;
mod uri;
mod workspace;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument,
    Notification as _, PublishDiagnostics,
};
use lsp_types::request::{
    CodeActionRequest, CodeActionResolveRequest, GotoDefinition, HoverRequest, Request as _,
};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, HoverContents,
    HoverProviderCapability, InitializeParams, MarkupContent, MarkupKind, OneOf, SaveOptions,
    ServerCapabilities, TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions,
};
use position::{Encoding, Positions};
use workspace::{Buffer, Workspace};

/// Serves the client on stdin and stdout until it says `exit`.
pub fn stdio() -> Result<(), String> {
    let (connection, io_threads) = Connection::stdio();
    serve(&connection)?;
    drop(connection);
    io_threads.join().map_err(|e| e.to_string())
}

/// What the server can do, with the position encoding chosen.
fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..Default::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![
                CodeActionKind::QUICKFIX,
                CodeActionKind::new(actions::FIX_ALL),
            ]),
            resolve_provider: Some(true),
            ..Default::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        ..Default::default()
    }
}

/// Runs the protocol on `connection` (stdio, or an in-memory pair in tests): initialize,
/// then messages until shutdown and exit.
pub fn serve(connection: &Connection) -> Result<(), String> {
    let (id, params) = connection.initialize_start().map_err(|e| e.to_string())?;
    let params: InitializeParams = serde_json::from_value(params).map_err(|e| e.to_string())?;
    let encoding = Encoding::negotiate(&params.capabilities);
    let lazy = params
        .capabilities
        .text_document
        .as_ref()
        .and_then(|t| t.code_action.as_ref())
        .and_then(|c| c.resolve_support.as_ref())
        .is_some_and(|r| r.properties.iter().any(|p| p == "edit"));
    let result = serde_json::json!({
        "capabilities": capabilities(encoding),
        "serverInfo": {"name": "composefix", "version": env!("CARGO_PKG_VERSION")},
    });
    connection
        .initialize_finish(id, result)
        .map_err(|e| e.to_string())?;
    let mut server = Server {
        connection,
        ws: Workspace::new(encoding),
        lazy,
    };
    server.run()
}

struct Server<'c> {
    connection: &'c Connection,
    ws: Workspace,
    /// The client resolves code actions' edits: "fix all" runs the fix loop only when chosen.
    lazy: bool,
}

impl Server<'_> {
    fn run(&mut self) -> Result<(), String> {
        loop {
            let message = if self.ws.has_pending() {
                match self.connection.receiver.try_recv() {
                    Ok(m) => m,
                    Err(e) if e.is_empty() => {
                        self.publish();
                        continue;
                    }
                    Err(_) => return Ok(()),
                }
            } else {
                match self.connection.receiver.recv() {
                    Ok(m) => m,
                    Err(_) => return Ok(()),
                }
            };
            match message {
                Message::Request(request) => {
                    if self
                        .connection
                        .handle_shutdown(&request)
                        .map_err(|e| e.to_string())?
                    {
                        return Ok(());
                    }
                    // A request sees every change before it.
                    self.publish();
                    let response = self.request(request);
                    self.send(response.into())?;
                }
                Message::Notification(n) => self.notification(n),
                Message::Response(_) => {}
            }
        }
    }

    fn send(&self, message: Message) -> Result<(), String> {
        self.connection
            .sender
            .send(message)
            .map_err(|e| e.to_string())
    }

    /// Checks what changed and publishes the diagnostics.
    fn publish(&mut self) {
        for params in self.ws.flush() {
            let n = Notification::new(PublishDiagnostics::METHOD.to_string(), params);
            let _ = self.send(n.into());
        }
    }

    fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Ok(p) =
                    n.extract::<lsp_types::DidOpenTextDocumentParams>(DidOpenTextDocument::METHOD)
                else {
                    return;
                };
                let Some(path) = uri::to_path(&p.text_document.uri) else {
                    return;
                };
                if !is_project_file(&path, &p.text_document.text) {
                    return;
                }
                let buffer = Buffer {
                    uri: p.text_document.uri,
                    text: p.text_document.text,
                    version: p.text_document.version,
                };
                self.ws.open(path, buffer);
            }
            DidChangeTextDocument::METHOD => {
                let Ok(p) = n.extract::<lsp_types::DidChangeTextDocumentParams>(
                    DidChangeTextDocument::METHOD,
                ) else {
                    return;
                };
                let Some(path) = uri::to_path(&p.text_document.uri) else {
                    return;
                };
                let encoding = self.ws.encoding;
                let Some(buffer) = self.ws.buffers.get_mut(&path) else {
                    return;
                };
                for change in p.content_changes {
                    match change.range {
                        Some(range) => {
                            let span = Positions::new(&buffer.text, encoding).span(range);
                            buffer
                                .text
                                .replace_range(span.start..span.end, &change.text);
                        }
                        None => buffer.text = change.text,
                    }
                }
                buffer.version = p.text_document.version;
                self.ws.changed(&path);
            }
            DidCloseTextDocument::METHOD => {
                let Ok(p) = n
                    .extract::<lsp_types::DidCloseTextDocumentParams>(DidCloseTextDocument::METHOD)
                else {
                    return;
                };
                let Some(path) = uri::to_path(&p.text_document.uri) else {
                    return;
                };
                for params in self.ws.close(&path) {
                    let n = Notification::new(PublishDiagnostics::METHOD.to_string(), params);
                    let _ = self.send(n.into());
                }
            }
            DidSaveTextDocument::METHOD => {
                let Ok(p) =
                    n.extract::<lsp_types::DidSaveTextDocumentParams>(DidSaveTextDocument::METHOD)
                else {
                    return;
                };
                let Some(path) = uri::to_path(&p.text_document.uri) else {
                    return;
                };
                let name = path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default();
                if crate::config::FILE_NAMES.contains(&name) {
                    self.ws.config_saved();
                }
            }
            _ => {}
        }
    }

    fn request(&mut self, request: Request) -> Response {
        let id = request.id.clone();
        let result = match request.method.as_str() {
            CodeActionRequest::METHOD => self.code_action(request),
            CodeActionResolveRequest::METHOD => self.resolve(request),
            HoverRequest::METHOD => self.hover(request),
            GotoDefinition::METHOD => self.definition(request),
            _ => {
                return Response::new_err(
                    id,
                    ErrorCode::MethodNotFound as i32,
                    format!("unknown method `{}`", request.method),
                );
            }
        };
        match result {
            Ok(value) => Response::new_ok(id, value),
            Err(message) => Response::new_err(id, ErrorCode::InvalidParams as i32, message),
        }
    }

    fn code_action(&self, request: Request) -> Result<serde_json::Value, String> {
        let p: lsp_types::CodeActionParams = params(request, CodeActionRequest::METHOD)?;
        let Some(path) = uri::to_path(&p.text_document.uri) else {
            return Ok(serde_json::Value::Null);
        };
        let found = actions::actions(
            &self.ws,
            &path,
            &p.text_document.uri,
            p.range,
            p.context.only.as_deref(),
            self.lazy,
        );
        serde_json::to_value(found).map_err(|e| e.to_string())
    }

    fn resolve(&self, request: Request) -> Result<serde_json::Value, String> {
        let mut action: lsp_types::CodeAction = params(request, CodeActionResolveRequest::METHOD)?;
        let target = action
            .data
            .as_ref()
            .and_then(|d| d.get("fixAll"))
            .and_then(|u| u.as_str())
            .and_then(|u| u.parse::<lsp_types::Uri>().ok());
        if let Some(uri) = target
            && let Some(path) = uri::to_path(&uri)
        {
            action.edit = actions::resolve_fix_all(&self.ws, &path, &uri);
        }
        serde_json::to_value(action).map_err(|e| e.to_string())
    }

    /// The project, file and byte offset a position names.
    fn place(
        &self,
        position: &lsp_types::TextDocumentPositionParams,
    ) -> Option<(
        &crate::project::Project,
        std::sync::Arc<crate::source::SourceFile>,
        usize,
    )> {
        let path = uri::to_path(&position.text_document.uri)?;
        self.ws.projects.iter().find_map(|t| {
            let project = t.project()?;
            let file = project.files.iter().find(|f| f.path() == path)?;
            let offset = Positions::indexed(file.text(), file.lines(), self.ws.encoding)
                .offset(position.position);
            Some((project, std::sync::Arc::clone(file), offset))
        })
    }

    fn hover(&self, request: Request) -> Result<serde_json::Value, String> {
        let p: lsp_types::HoverParams = params(request, HoverRequest::METHOD)?;
        let Some((project, file, offset)) = self.place(&p.text_document_position_params) else {
            return Ok(serde_json::Value::Null);
        };
        let doc = self.ws.parse_of(&file);
        let Some((text, span)) = navigate::hover(project, &file, doc.as_deref(), offset) else {
            return Ok(serde_json::Value::Null);
        };
        let hover = lsp_types::Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: text,
            }),
            range: Some(workspace::range_in(&file, span, self.ws.encoding)),
        };
        serde_json::to_value(hover).map_err(|e| e.to_string())
    }

    fn definition(&self, request: Request) -> Result<serde_json::Value, String> {
        let p: lsp_types::GotoDefinitionParams = params(request, GotoDefinition::METHOD)?;
        let Some((project, file, offset)) = self.place(&p.text_document_position_params) else {
            return Ok(serde_json::Value::Null);
        };
        let Some(doc) = self.ws.parse_of(&file) else {
            return Ok(serde_json::Value::Null);
        };
        let parse = |f: &crate::source::SourceFile| self.ws.parse_of(f);
        let Some((path, at)) = navigate::definition(project, &file, &doc, &parse, offset) else {
            return Ok(serde_json::Value::Null);
        };
        let range = at
            .map(|(f, span)| workspace::range_in(&f, span, self.ws.encoding))
            .unwrap_or_default();
        let location = lsp_types::Location {
            uri: self.ws.uri_of(&path),
            range,
        };
        serde_json::to_value(lsp_types::GotoDefinitionResponse::Scalar(location))
            .map_err(|e| e.to_string())
    }
}

fn params<P: serde::de::DeserializeOwned>(request: Request, method: &str) -> Result<P, String> {
    request
        .extract(method)
        .map(|(_, p): (RequestId, P)| p)
        .map_err(|e| format!("{e:?}"))
}

/// Whether an opened file is one the server checks: a compose file by name, a YAML file whose
/// lines start `services:`, `include:` or `name:` as a compose file's do, or an env file
/// (which only joins a project found beside it).
fn is_project_file(path: &std::path::Path, text: &str) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    if crate::project::discover::is_compose_file_name(name)
        || name == ".env"
        || name.ends_with(".env")
    {
        return true;
    }
    let yaml = name.ends_with(".yaml") || name.ends_with(".yml");
    yaml && crate::source::lines::break_ends(text)
        .chain([0])
        .any(|start| {
            ["services:", "include:"]
                .iter()
                .any(|k| text[start..].starts_with(k))
        })
}
