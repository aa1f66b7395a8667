//! `brandpress lsp`: a Language Server over stdio for the editor.
//!
//! - **Project.** At initialize the server looks for the project — the workspace folder,
//!   or the nearest folder above it with `brand/brand.toml` (else above the first file
//!   opened) — and loads its guide. A guide that does not load is an error diagnostic on
//!   the file the error names (`brand/brand.toml` at its line and column) and a
//!   `window/showMessage`; the guide's own findings (`guide/*`) are diagnostics on it too.
//!   The guide is loaded again when `brand/brand.toml` is saved, or when a file under
//!   `brand/` changes on disk (`workspace/didChangeWatchedFiles`, registered when the
//!   client can).
//! - **Diagnostics.** Markdown, HTML and CSS documents inside the project are linted as
//!   they are in the editor (full text sync), with the linters and `[lint.rules]` levels
//!   `brandpress lint` uses: Markdown and HTML through [`lint::lint_bytes`], a stylesheet
//!   as a page linking it would ([`lint::html::lint_stylesheet`]). Linked stylesheets and
//!   files a page names are read from disk inside the project. Changes that arrive
//!   together are linted once, when no message is waiting. Documents over
//!   [`MAX_DOCUMENT_BYTES`] are not linted as you type (one information diagnostic says
//!   so). Closing a document clears its diagnostics.
//! - **Positions** are UTF-16 code units unless the client offers UTF-8 ([`position`]).
//! - **Quick fixes** come from each finding's [`crate::lint::Edit`] in the document.
//! - **Hover** on a color literal gives the nearest brand color, its role, the CIEDE2000
//!   ΔE and lint's verdict (the classifier of `color/*`); on a banned term, a preferred
//!   term's replaced form or a misspelled brand name, the rule and what to write instead.

pub mod diagnostics;
pub mod hover;
pub mod position;

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    DidSaveTextDocument, Notification as _, PublishDiagnostics, ShowMessage,
};
use lsp_types::request::{CodeActionRequest, HoverRequest, RegisterCapability, Request as _};
use lsp_types::{
    CodeActionOrCommand, CodeActionProviderCapability, Diagnostic, DiagnosticSeverity, Hover,
    HoverContents, HoverProviderCapability, InitializeParams, MarkupContent, MarkupKind,
    MessageType, PublishDiagnosticsParams, ServerCapabilities, ShowMessageParams,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Url,
};

use crate::brand::{GUIDE_PATH, Guide};
use crate::error::{Error, Result};
use crate::lint::{self, FileKind, LintContext, Roots};
use diagnostics::Located;
use position::{Encoding, Lines, LintLines};

/// Documents larger than this are not linted as you type (`brandpress lint` checks them).
pub const MAX_DOCUMENT_BYTES: usize = 2 * 1024 * 1024;

/// Runs the server on stdin/stdout until the client asks it to exit. `Ok(true)` after a
/// `shutdown` request and `exit`, `Ok(false)` when the client exited (or vanished)
/// without a shutdown (exit code 1, as the protocol says).
pub fn run_stdio() -> Result<bool> {
    let (connection, io) = Connection::stdio();
    let clean = serve(&connection)?;
    drop(connection);
    io.join()
        .map_err(|e| Error::usage(format!("lsp: the connection failed: {e}")))?;
    Ok(clean)
}

fn protocol(e: impl std::fmt::Display) -> Error {
    Error::usage(format!("lsp: {e}"))
}

/// What a document is linted as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DocKind {
    Markdown,
    Html,
    Css,
}

impl DocKind {
    /// By extension, else by the client's language id; `None`: not ours to lint.
    fn of(path: &Path, language: &str) -> Option<DocKind> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        match ext.as_str() {
            "md" | "markdown" => Some(DocKind::Markdown),
            "html" | "htm" | "xhtml" => Some(DocKind::Html),
            "css" => Some(DocKind::Css),
            _ => match language {
                "markdown" => Some(DocKind::Markdown),
                "html" => Some(DocKind::Html),
                "css" => Some(DocKind::Css),
                _ => None,
            },
        }
    }
}

/// An open document.
struct Doc {
    /// The file's path (canonical where it exists), which findings name.
    path: PathBuf,
    kind: Option<DocKind>,
    version: i32,
    text: String,
    lines: Lines,
    /// Its findings as last linted (`None`: changed since).
    findings: Option<Vec<Located>>,
}

/// What ends a round of the message loop.
enum Next {
    /// Load the guide again (it changed, or the project was just found).
    Reload,
    /// The client is done: `true` after a shutdown request.
    Exit(bool),
}

/// The guide as linted with: the context and the roots lint may read in.
struct Linter<'g> {
    ctx: LintContext<'g>,
    roots: Roots,
}

struct Server<'c> {
    conn: &'c Connection,
    encoding: Encoding,
    /// The project's folder, once found.
    root: Option<PathBuf>,
    docs: HashMap<Url, Doc>,
    /// Files that have diagnostics about the guide (load errors, `guide/*`).
    guide_uris: BTreeSet<Url>,
    /// Whether the client was told that no project was found.
    told_no_project: bool,
}

/// The nearest folder at or above `start` with `brand/brand.toml`.
fn find_project(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|d| d.join(GUIDE_PATH).is_file())
        .map(|d| d.canonicalize().unwrap_or_else(|_| d.to_path_buf()))
}

/// The canonical path of a document's file (its folder's, when the file is new).
fn canonical(path: &Path) -> PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    match (path.parent(), path.file_name()) {
        (Some(dir), Some(name)) => dir
            .canonicalize()
            .map(|d| d.join(name))
            .unwrap_or_else(|_| path.to_path_buf()),
        _ => path.to_path_buf(),
    }
}

fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        ..Default::default()
    }
}

/// Serves one client on `conn`: initialize, then messages until `exit` (see
/// [`run_stdio`] for what the result means).
pub fn serve(conn: &Connection) -> Result<bool> {
    let (id, params) = conn.initialize_start().map_err(protocol)?;
    let params: InitializeParams = serde_json::from_value(params)
        .map_err(|e| protocol(format!("bad initialize parameters: {e}")))?;
    let encoding = Encoding::negotiate(&params.capabilities);
    let result = serde_json::json!({
        "capabilities": capabilities(encoding),
        "serverInfo": { "name": "brandpress", "version": env!("CARGO_PKG_VERSION") },
    });
    conn.initialize_finish(id, result).map_err(protocol)?;

    let mut server = Server {
        conn,
        encoding,
        root: workspace_roots(&params)
            .iter()
            .find_map(|r| find_project(r)),
        docs: HashMap::new(),
        guide_uris: BTreeSet::new(),
        told_no_project: false,
    };
    let dynamic = params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|d| d.dynamic_registration)
        .unwrap_or(false);
    if dynamic {
        server.watch_brand_folder();
    }
    loop {
        let guide = server.load_guide();
        let base = guide.as_ref().map(LintContext::new);
        let linter = match (&base, &server.root) {
            (Some(base), Some(root)) => {
                Roots::of(std::slice::from_ref(root))
                    .ok()
                    .map(|roots| Linter {
                        ctx: base.within(roots.clone()),
                        roots,
                    })
            }
            _ => None,
        };
        match server.run(linter.as_ref())? {
            Next::Reload => continue,
            Next::Exit(clean) => return Ok(clean),
        }
    }
}

/// The folders the client opened: its workspace folders, else its root.
#[allow(deprecated)] // root_uri and root_path: older clients send only these
fn workspace_roots(params: &InitializeParams) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = params
        .workspace_folders
        .iter()
        .flatten()
        .filter_map(|f| f.uri.to_file_path().ok())
        .collect();
    if roots.is_empty() {
        roots.extend(params.root_uri.as_ref().and_then(|u| u.to_file_path().ok()));
    }
    if roots.is_empty() {
        roots.extend(params.root_path.as_ref().map(PathBuf::from));
    }
    roots
}

impl Server<'_> {
    fn send(&self, message: impl Into<Message>) {
        // the client is gone when this fails; the loop ends at the next receive
        let _ = self.conn.sender.send(message.into());
    }

    fn notify<N: lsp_types::notification::Notification>(&self, params: N::Params) {
        self.send(Notification::new(N::METHOD.to_string(), params));
    }

    fn publish(&self, uri: Url, diagnostics: Vec<Diagnostic>, version: Option<i32>) {
        self.notify::<PublishDiagnostics>(PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        });
    }

    fn guide_path(&self) -> Option<PathBuf> {
        Some(self.root.as_ref()?.join(GUIDE_PATH))
    }

    /// Asks the client to report changes of files under `brand/` (the guide, its fonts
    /// and logo).
    fn watch_brand_folder(&self) {
        let options = lsp_types::DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![lsp_types::FileSystemWatcher {
                glob_pattern: lsp_types::GlobPattern::String("**/brand/**".to_string()),
                kind: None,
            }],
        };
        let params = lsp_types::RegistrationParams {
            registrations: vec![lsp_types::Registration {
                id: "brandpress-watch-brand".to_string(),
                method: DidChangeWatchedFiles::METHOD.to_string(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        self.send(Request::new(
            "brandpress-register-watch".to_string().into(),
            RegisterCapability::METHOD.to_string(),
            params,
        ));
    }

    /// Loads the project's guide, publishing its load errors (and `showMessage`), or its
    /// own findings, on the files they name; clears what the last load published.
    fn load_guide(&mut self) -> Option<Guide> {
        let root = self.root.clone()?;
        let guide_path = root.join(GUIDE_PATH);
        let loaded = Guide::load(&root).and_then(|g| lint::rules::validate_levels(&g).map(|()| g));
        let mut by_file: HashMap<PathBuf, Vec<Diagnostic>> = HashMap::new();
        let guide = match loaded {
            Ok(guide) => {
                let mut findings = lint::guide::lint(&guide);
                lint::apply_levels(&guide, &mut findings);
                let text = guide.source.text.to_string();
                let lint_lines = LintLines::new(&text);
                let lines = Lines::new(&text);
                for f in findings {
                    let span = diagnostics::span(&f, &guide.source.path, &text, &lint_lines);
                    let located = Located { finding: f, span };
                    by_file
                        .entry(guide_path.clone())
                        .or_default()
                        .push(diagnostics::diagnostic(
                            &text,
                            &lines,
                            self.encoding,
                            &located,
                        ));
                }
                Some(guide)
            }
            Err(e) => {
                let errors = diagnostics::guide_errors(&e, &guide_path, &root);
                let first = errors
                    .first()
                    .map(|e| e.message.lines().next().unwrap_or("").to_string())
                    .unwrap_or_default();
                self.notify::<ShowMessage>(ShowMessageParams {
                    typ: MessageType::ERROR,
                    message: format!(
                        "brandpress: the brand guide {} does not load, so nothing is linted: {first}",
                        guide_path.display()
                    ),
                });
                for err in errors {
                    let text = std::fs::read_to_string(&err.path).unwrap_or_default();
                    by_file
                        .entry(err.path.clone())
                        .or_default()
                        .push(err.diagnostic(&text, self.encoding));
                }
                None
            }
        };
        let old = std::mem::take(&mut self.guide_uris);
        for (path, diags) in by_file {
            if let Ok(uri) = Url::from_file_path(&path) {
                self.guide_uris.insert(uri.clone());
                self.publish(uri, diags, None);
            }
        }
        for uri in old.difference(&self.guide_uris) {
            self.publish(uri.clone(), Vec::new(), None);
        }
        guide
    }

    /// Handles messages until the guide must be loaded again or the client exits.
    fn run(&mut self, linter: Option<&Linter>) -> Result<Next> {
        for doc in self.docs.values_mut() {
            doc.findings = None;
        }
        self.lint_pending(linter);
        loop {
            let Ok(message) = self.conn.receiver.recv() else {
                return Ok(Next::Exit(false));
            };
            match message {
                Message::Request(req) => {
                    if self.conn.handle_shutdown(&req).map_err(protocol)? {
                        return Ok(Next::Exit(true));
                    }
                    self.lint_pending(linter);
                    let id = req.id.clone();
                    let method = req.method.clone();
                    // a bug answering one request must not end the session
                    let response = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        self.request(req, linter)
                    }))
                    .unwrap_or_else(|_| {
                        Response::new_err(
                            id,
                            ErrorCode::InternalError as i32,
                            format!("brandpress failed answering {method} (a bug)"),
                        )
                    });
                    self.send(response);
                }
                Message::Response(_) => {}
                Message::Notification(n) => {
                    if n.method == "exit" {
                        return Ok(Next::Exit(false));
                    }
                    if let Some(next) = self.notification(n) {
                        return Ok(next);
                    }
                }
            }
            if self.conn.receiver.is_empty() {
                self.lint_pending(linter);
            }
        }
    }

    /// Handles a notification; `Some` when the guide must be loaded again.
    fn notification(&mut self, n: Notification) -> Option<Next> {
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let p: lsp_types::DidOpenTextDocumentParams =
                    serde_json::from_value(n.params).ok()?;
                let doc = p.text_document;
                let path = canonical(&doc.uri.to_file_path().ok()?);
                let kind = DocKind::of(&path, &doc.language_id);
                let found = self.root.is_none() && kind.is_some();
                self.docs.insert(
                    doc.uri,
                    Doc {
                        lines: Lines::new(&doc.text),
                        path: path.clone(),
                        kind,
                        version: doc.version,
                        text: doc.text,
                        findings: None,
                    },
                );
                if found {
                    if let Some(root) = path.parent().and_then(find_project) {
                        self.root = Some(root);
                        return Some(Next::Reload);
                    }
                    if !self.told_no_project {
                        self.told_no_project = true;
                        self.notify::<lsp_types::notification::LogMessage>(
                            lsp_types::LogMessageParams {
                                typ: MessageType::INFO,
                                message: format!(
                                    "brandpress: no {GUIDE_PATH} in {} or above: brandpress lints files inside a project",
                                    path.display()
                                ),
                            },
                        );
                    }
                }
            }
            DidChangeTextDocument::METHOD => {
                let p: lsp_types::DidChangeTextDocumentParams =
                    serde_json::from_value(n.params).ok()?;
                let doc = self.docs.get_mut(&p.text_document.uri)?;
                // full sync: the last change holds the whole text
                let change = p.content_changes.into_iter().next_back()?;
                if change.range.is_some() {
                    return None;
                }
                doc.lines = Lines::new(&change.text);
                doc.text = change.text;
                doc.version = p.text_document.version;
                doc.findings = None;
            }
            DidCloseTextDocument::METHOD => {
                let p: lsp_types::DidCloseTextDocumentParams =
                    serde_json::from_value(n.params).ok()?;
                if self.docs.remove(&p.text_document.uri).is_some() {
                    self.publish(p.text_document.uri, Vec::new(), None);
                }
            }
            DidSaveTextDocument::METHOD => {
                let p: lsp_types::DidSaveTextDocumentParams =
                    serde_json::from_value(n.params).ok()?;
                let path = canonical(&p.text_document.uri.to_file_path().ok()?);
                if Some(path) == self.guide_path() {
                    return Some(Next::Reload);
                }
            }
            DidChangeWatchedFiles::METHOD => {
                let p: lsp_types::DidChangeWatchedFilesParams =
                    serde_json::from_value(n.params).ok()?;
                let brand = self.root.as_ref()?.join("brand");
                let changed = p.changes.iter().any(|c| {
                    c.uri
                        .to_file_path()
                        .is_ok_and(|p| canonical(&p).starts_with(&brand))
                });
                if changed {
                    return Some(Next::Reload);
                }
            }
            _ => {}
        }
        None
    }

    /// Lints every document changed since it was last linted, and publishes.
    fn lint_pending(&mut self, linter: Option<&Linter>) {
        let root = self.root.clone();
        let mut publish = Vec::new();
        for (uri, doc) in &mut self.docs {
            if doc.findings.is_some() {
                continue;
            }
            doc.findings = Some(Vec::new());
            let Some(kind) = doc.kind else {
                continue;
            };
            let inside = root.as_ref().is_some_and(|r| doc.path.starts_with(r));
            let (Some(linter), true) = (linter, inside) else {
                // no guide (it does not load) or not in the project: nothing to say, and
                // nothing left from an earlier guide
                publish.push((uri.clone(), Vec::new(), doc.version));
                continue;
            };
            if doc.text.len() > MAX_DOCUMENT_BYTES {
                let diag = Diagnostic {
                    range: Default::default(),
                    severity: Some(DiagnosticSeverity::INFORMATION),
                    source: Some("brandpress".to_string()),
                    message: format!(
                        "not checked as you type: {:.1} MB is over the editor server's {} MB limit; run `brandpress lint` on it",
                        doc.text.len() as f64 / 1_048_576.0,
                        MAX_DOCUMENT_BYTES / 1_048_576
                    ),
                    ..Default::default()
                };
                publish.push((uri.clone(), vec![diag], doc.version));
                continue;
            }
            let located = lint_document(linter, kind, &doc.path, &doc.text);
            let diags = located
                .iter()
                .map(|l| diagnostics::diagnostic(&doc.text, &doc.lines, self.encoding, l))
                .collect();
            doc.findings = Some(located);
            publish.push((uri.clone(), diags, doc.version));
        }
        for (uri, diags, version) in publish {
            self.publish(uri, diags, Some(version));
        }
    }

    fn request(&self, req: Request, linter: Option<&Linter>) -> Response {
        let id = req.id.clone();
        let result = match req.method.as_str() {
            HoverRequest::METHOD => serde_json::from_value(req.params)
                .map(|p| serde_json::to_value(self.hover(p, linter))),
            CodeActionRequest::METHOD => serde_json::from_value(req.params)
                .map(|p| serde_json::to_value(self.code_actions(p))),
            _ => {
                return Response::new_err(
                    id,
                    ErrorCode::MethodNotFound as i32,
                    format!("brandpress does not handle {}", req.method),
                );
            }
        };
        match result {
            Ok(Ok(value)) => Response::new_ok(id, value),
            Ok(Err(e)) | Err(e) => {
                Response::new_err(id, ErrorCode::InvalidParams as i32, e.to_string())
            }
        }
    }

    fn hover(&self, p: lsp_types::HoverParams, linter: Option<&Linter>) -> Option<Hover> {
        let at = p.text_document_position_params;
        let doc = self.docs.get(&at.text_document.uri)?;
        let kind = doc.kind?;
        let linter = linter?;
        if doc.text.len() > MAX_DOCUMENT_BYTES {
            return None;
        }
        let line = doc.lines.line_range(&doc.text, at.position.line as usize)?;
        let offset = doc.lines.offset(&doc.text, at.position, self.encoding);
        // the text around the cursor: its line, or a window of a long (minified) one
        let line = hover::window(&doc.text, line, offset);
        let line_text = &doc.text[line.clone()];
        let within = offset - line.start;
        let (range, value) = if let Some((range, color)) = (kind != DocKind::Markdown)
            .then(|| hover::color_at(line_text, within))
            .flatten()
        {
            let text = hover::color_text(linter.ctx.guide, &linter.ctx.palette, &color);
            (range, text)
        } else if kind != DocKind::Css {
            let channel = hover::channel(kind == DocKind::Markdown, &doc.text);
            hover::term_at(&linter.ctx.tone(channel), line_text, within)?
        } else {
            return None;
        };
        let span = line.start + range.start..line.start + range.end;
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value,
            }),
            range: Some(doc.lines.range(&doc.text, span, self.encoding)),
        })
    }

    fn code_actions(&self, p: lsp_types::CodeActionParams) -> Option<Vec<CodeActionOrCommand>> {
        let uri = p.text_document.uri;
        let doc = self.docs.get(&uri)?;
        let start = doc.lines.offset(&doc.text, p.range.start, self.encoding);
        let end = doc.lines.offset(&doc.text, p.range.end, self.encoding);
        let actions = doc
            .findings
            .iter()
            .flatten()
            .filter(|l| l.span.start <= end && start <= l.span.end)
            .filter_map(|l| {
                diagnostics::quick_fix(&uri, &doc.path, &doc.text, &doc.lines, self.encoding, l)
            })
            .map(CodeActionOrCommand::CodeAction)
            .collect();
        Some(actions)
    }
}

/// The bytes of a document as its file holds them: an HTML page declaring a legacy
/// charset (`<meta charset="windows-874">`, Thai pages of old) is encoded back into it, so
/// lint decodes it into the editor's text again and its offsets are offsets of that text.
/// (A character the charset cannot hold becomes a numeric reference, as browsers submit
/// it; findings after it on its line then point a little off.)
fn as_on_disk(kind: DocKind, text: &str) -> Cow<'_, [u8]> {
    if kind != DocKind::Html {
        return Cow::Borrowed(text.as_bytes());
    }
    let (encoding, _) = lint::html::charset::sniff(text.as_bytes());
    if encoding == encoding_rs::UTF_8 {
        return Cow::Borrowed(text.as_bytes());
    }
    encoding.encode(text).0
}

/// Lints a document's text as `brandpress lint` would lint the file, keeping the findings
/// located in it.
fn lint_document(linter: &Linter, kind: DocKind, path: &Path, text: &str) -> Vec<Located> {
    // a fresh cache of linked stylesheets each time: they may have changed on disk
    let ctx = linter.ctx.within(linter.roots.clone());
    let mut findings = match kind {
        DocKind::Css => {
            lint::guard::guarded(path, || lint::html::lint_stylesheet(&ctx, path, text))
        }
        DocKind::Markdown | DocKind::Html => {
            let bytes = as_on_disk(kind, text);
            let detected = lint::detect_kind(path, &bytes);
            let ours = match kind {
                DocKind::Markdown => detected == FileKind::Markdown,
                _ => matches!(detected, FileKind::Html | FileKind::EmailHtml),
            };
            if ours || ctx.declared_kind(path).is_some() {
                lint::lint_bytes(&ctx, path, &bytes)
            } else {
                // named otherwise (`.mdx`, an unsaved buffer): the editor's language decides
                let as_kind = match kind {
                    DocKind::Markdown => FileKind::Markdown,
                    _ => FileKind::Html,
                };
                lint::guard::guarded(path, || lint::lint_kind(&ctx, path, &bytes, as_kind))
            }
        }
    };
    lint::apply_levels(ctx.guide, &mut findings);
    findings.retain(|f| f.location.path == path);
    let lines = LintLines::new(text);
    findings
        .into_iter()
        .map(|f| Located {
            span: diagnostics::span(&f, path, text, &lines),
            finding: f,
        })
        .collect()
}
