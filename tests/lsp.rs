//! `brandpress lsp` spoken to as an editor would: the binary is spawned and driven over
//! stdio with JSON-RPC messages in Content-Length frames, in a copy of the example
//! project. Every wait has a deadline, so a server that stops answering fails the test
//! instead of hanging it.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use url::Url;

/// How long any one answer may take (a debug build loads ICU's Thai dictionary on the
/// first lint).
const DEADLINE: Duration = Duration::from_secs(60);

struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: mpsc::Receiver<Value>,
    /// Messages received while waiting for something else.
    seen: Vec<Value>,
    next_id: i64,
}

impl Client {
    fn start(cwd: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_brandpress"))
            .arg("lsp")
            .arg("--stdio")
            .current_dir(cwd)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("brandpress lsp starts");
        let stdout = child.stdout.take().unwrap();
        let (tx, incoming) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut header = String::new();
                    if r.read_line(&mut header).unwrap_or(0) == 0 {
                        return;
                    }
                    let header = header.trim_end();
                    if header.is_empty() {
                        break;
                    }
                    if let Some(n) = header.strip_prefix("Content-Length: ") {
                        length = n.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("a Content-Length header")];
                if r.read_exact(&mut body).is_err() {
                    return;
                }
                let message: Value = serde_json::from_slice(&body).expect("a JSON-RPC message");
                if tx.send(message).is_err() {
                    return;
                }
            }
        });
        Client {
            stdin: child.stdin.take(),
            child,
            incoming,
            seen: Vec::new(),
            next_id: 1,
        }
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        let stdin = self.stdin.as_mut().expect("stdin open");
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its response's `result` (panics on an error).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let response = self.wait(&format!("the response to {method}"), |m| {
            m.get("id") == Some(&json!(id)) && m.get("method").is_none()
        });
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    /// The first message (received before or within the deadline) that `matches`.
    fn wait(&mut self, what: &str, matches: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.seen.iter().position(&matches) {
            return self.seen.remove(i);
        }
        let end = Instant::now() + DEADLINE;
        loop {
            let left = end.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(m) if matches(&m) => return m,
                Ok(m) => self.seen.push(m),
                Err(_) => panic!("no {what} within {DEADLINE:?}; received: {:#?}", self.seen),
            }
        }
    }

    /// The next diagnostics published for `uri` (with `version`, when given).
    fn diagnostics(&mut self, uri: &Url, version: Option<i64>) -> Vec<Value> {
        let uri = uri.as_str().to_string();
        let m = self.wait(&format!("diagnostics for {uri}"), |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri.as_str()
                && version.is_none_or(|v| m["params"]["version"] == v)
        });
        m["params"]["diagnostics"].as_array().unwrap().clone()
    }

    fn initialize(&mut self, root: &Path, capabilities: Value) -> Value {
        let root_uri = Url::from_file_path(root).unwrap();
        let result = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root_uri,
                "capabilities": capabilities,
                "workspaceFolders": [{"uri": root_uri, "name": "project"}],
            }),
        );
        self.notify("initialized", json!({}));
        result
    }

    fn open(&mut self, uri: &Url, language: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        );
    }

    /// Waits for the process to end, killing it after the deadline.
    fn exit_code(mut self) -> Option<i32> {
        drop(self.stdin.take());
        let end = Instant::now() + DEADLINE;
        while Instant::now() < end {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        panic!("brandpress lsp did not exit within {DEADLINE:?}");
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A copy of the example project's guide (fonts, logo) in a fresh folder.
fn project() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    support::copy_dir(&repo.join("brand"), &root.join("brand"));
    std::fs::create_dir_all(root.join("content")).unwrap();
    std::fs::create_dir_all(root.join("web")).unwrap();
    (tmp, root)
}

/// The UTF-16 position of byte `offset` of `text`.
fn utf16(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    json!({"line": line, "character": text[start..offset].encode_utf16().count()})
}

fn range(text: &str, start: usize, end: usize) -> Value {
    json!({"start": utf16(text, start), "end": utf16(text, end)})
}

fn by_code<'d>(diags: &'d [Value], code: &str) -> Vec<&'d Value> {
    diags.iter().filter(|d| d["code"] == code).collect()
}

const PIECE: &str = "# กาแฟสกัดเย็นหน้าหนาว Winter cold brew\n\n\
ต้นกล้า คอฟฟี่ ราคาถูกที่สุด สำหรับ ผู้บริโภค ทุกคน\n\n\
Freshly roasted beans, delivered to your office.\n";

#[test]
fn diagnostics_code_actions_and_hovers_over_stdio() {
    let (_tmp, root) = project();
    let mut client = Client::start(&root);
    let init = client.initialize(&root, json!({}));
    let caps = &init["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16", "{init}");
    assert_eq!(caps["textDocumentSync"]["change"], 1, "full sync: {init}");
    assert_eq!(caps["hoverProvider"], true);
    assert_eq!(caps["codeActionProvider"], true);
    assert_eq!(init["serverInfo"]["name"], "brandpress");

    // a Thai + English piece, linted as typed (not as saved: the file is not on disk)
    let md_path = root.join("content/winter.md");
    let md = Url::from_file_path(&md_path).unwrap();
    client.open(&md, "markdown", PIECE);
    let diags = client.diagnostics(&md, Some(1));

    let banned = by_code(&diags, "tone/banned-term");
    assert_eq!(banned.len(), 1, "{diags:#?}");
    let at = PIECE.find("ถูกที่สุด").unwrap();
    let want = range(PIECE, at, at + "ถูกที่สุด".len());
    assert_eq!(banned[0]["range"], want, "{:#?}", banned[0]);
    // UTF-16 columns, not bytes nor anything else: "ต้นกล้า คอฟฟี่ ราคา" is 19 units, 53 bytes
    assert_eq!(want["start"], json!({"line": 2, "character": 19}));
    assert_eq!(banned[0]["severity"], 1);
    assert_eq!(banned[0]["source"], "brandpress");
    assert!(
        banned[0]["codeDescription"]["href"]
            .as_str()
            .is_some_and(|h| h.ends_with("docs/rules/tone/banned-term.md")),
        "{:#?}",
        banned[0]
    );
    assert!(banned[0]["message"].as_str().unwrap().contains("ถูกที่สุด"));

    let preferred = by_code(&diags, "tone/preferred-term");
    assert_eq!(preferred.len(), 1, "{diags:#?}");
    let at = PIECE.find("ผู้บริโภค").unwrap();
    let term = at..at + "ผู้บริโภค".len();
    assert_eq!(preferred[0]["range"], range(PIECE, term.start, term.end));
    assert_eq!(preferred[0]["severity"], 2);

    // hover on the banned term names the rule
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": md}, "position": utf16(PIECE, PIECE.find("ที่สุด").unwrap())}),
    );
    let text = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(text.contains("tone/banned-term"), "{hover}");
    let at = PIECE.find("ถูกที่สุด").unwrap();
    assert_eq!(hover["range"], range(PIECE, at, at + "ถูกที่สุด".len()));
    // and on the preferred term's replaced form, what to write
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": md}, "position": utf16(PIECE, term.start + 3)}),
    );
    let text = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(
        text.contains("tone/preferred-term") && text.contains("ลูกค้า"),
        "{hover}"
    );

    // the quick fix for the preferred term replaces exactly its range
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": md},
            "range": preferred[0]["range"],
            "context": {"diagnostics": [preferred[0]]},
        }),
    );
    let actions = actions.as_array().expect("a list of code actions");
    let fix = actions
        .iter()
        .find(|a| a["diagnostics"][0]["code"] == "tone/preferred-term")
        .unwrap_or_else(|| panic!("a quick fix for tone/preferred-term: {actions:#?}"));
    assert_eq!(fix["kind"], "quickfix");
    let edits = fix["edit"]["changes"][md.as_str()].as_array().unwrap();
    assert_eq!(edits.len(), 1, "{fix:#?}");
    assert_eq!(edits[0]["range"], range(PIECE, term.start, term.end));
    assert_eq!(edits[0]["newText"], "ลูกค้า");
    // no action where nothing is fixable
    let none = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": md},
            "range": range(PIECE, PIECE.find("Freshly").unwrap(), PIECE.find("Freshly").unwrap()),
            "context": {"diagnostics": []},
        }),
    );
    assert_eq!(none, json!([]));

    // the fixed text, sent as the editor applies it: the preferred-term finding is gone,
    // every other byte is kept
    let fixed = format!("{}ลูกค้า{}", &PIECE[..term.start], &PIECE[term.end..]);
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": md, "version": 2},
            "contentChanges": [{"text": fixed}],
        }),
    );
    let diags = client.diagnostics(&md, Some(2));
    assert!(
        by_code(&diags, "tone/preferred-term").is_empty(),
        "{diags:#?}"
    );
    assert_eq!(by_code(&diags, "tone/banned-term").len(), 1, "{diags:#?}");

    // a stylesheet: its off-palette color is a diagnostic, and hover gives the nearest
    // brand color with its role and ΔE
    let css_text = "/* โปรหน้าหนาว */ .promo { border-top: 4px solid #E63946; }\n";
    let css = Url::from_file_path(root.join("web/style.css")).unwrap();
    client.open(&css, "css", css_text);
    let diags = client.diagnostics(&css, Some(1));
    let off = by_code(&diags, "color/off-palette");
    assert_eq!(off.len(), 1, "{diags:#?}");
    let at = css_text.find("#E63946").unwrap();
    let color = range(css_text, at, at + 7);
    assert_eq!(off[0]["range"], color);
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": css}, "position": utf16(css_text, at + 3)}),
    );
    let text = hover["contents"]["value"].as_str().unwrap_or_default();
    for part in [
        "off the palette",
        "roast #6B3E26",
        "role *secondary*",
        "ΔE 26.8",
        "var(--color-roast)",
    ] {
        assert!(text.contains(part), "{part}: {hover}");
    }
    assert_eq!(hover["range"], color);
    // nothing to say about a selector
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": css}, "position": utf16(css_text, css_text.find("promo").unwrap())}),
    );
    assert_eq!(hover, Value::Null);

    // a Thai page in a legacy charset, as the editor decoded it: columns are still
    // UTF-16 units of the editor's text
    let html_text = "<!doctype html>\n<html lang=\"th\"><head><meta charset=\"windows-874\"><title>โปรหน้าหนาว</title></head>\n\
<body><p style=\"color:#2A6652\">ต้นกล้า คอฟฟี่ ราคาถูกที่สุด</p></body></html>\n";
    let html = Url::from_file_path(root.join("web/promo.html")).unwrap();
    client.open(&html, "html", html_text);
    let diags = client.diagnostics(&html, Some(1));
    let banned = by_code(&diags, "tone/banned-term");
    assert_eq!(banned.len(), 1, "{diags:#?}");
    let at = html_text.find("ถูกที่สุด").unwrap();
    assert_eq!(banned[0]["range"], range(html_text, at, at + "ถูกที่สุด".len()));
    let near = by_code(&diags, "color/near-miss");
    assert_eq!(near.len(), 1, "{diags:#?}");
    let at = html_text.find("#2A6652").unwrap();
    assert_eq!(near[0]["range"], range(html_text, at, at + 7));
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": html}, "position": utf16(html_text, at + 1)}),
    );
    let text = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(
        text.contains("near miss") && text.contains("forest #1F5C4A"),
        "{hover}"
    );

    // closing clears the document's diagnostics
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": css}}),
    );
    assert_eq!(client.diagnostics(&css, None), Vec::<Value>::new());

    assert_eq!(client.request("shutdown", Value::Null), Value::Null);
    client.notify("exit", Value::Null);
    assert_eq!(client.exit_code(), Some(0));
}

#[test]
fn a_broken_guide_is_a_diagnostic_and_is_loaded_again_when_saved() {
    let (_tmp, root) = project();
    let guide_path = root.join("brand/brand.toml");
    let good = std::fs::read_to_string(&guide_path).unwrap();
    let broken = good.replacen("hex = \"#1F5C4A\"", "hex = \"#1F5C4\"", 1);
    assert_ne!(broken, good);
    std::fs::write(&guide_path, &broken).unwrap();

    let mut client = Client::start(&root);
    // a client offering UTF-8 positions gets them
    let init = client.initialize(
        &root,
        json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}}),
    );
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    let shown = client.wait("showMessage", |m| m["method"] == "window/showMessage");
    assert_eq!(shown["params"]["type"], 1, "{shown}");
    assert!(
        shown["params"]["message"]
            .as_str()
            .unwrap()
            .contains("#1F5C4"),
        "{shown}"
    );
    let guide = Url::from_file_path(&guide_path).unwrap();
    let diags = client.diagnostics(&guide, None);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let at = broken.find("\"#1F5C4\"").unwrap();
    let line = broken[..at].matches('\n').count();
    let column = at - broken[..at].rfind('\n').map_or(0, |i| i + 1);
    assert_eq!(
        diags[0]["range"]["start"],
        json!({"line": line, "character": column})
    );
    assert_eq!(diags[0]["severity"], 1);
    assert!(diags[0]["message"].as_str().unwrap().contains("hex"));

    // nothing is linted while the guide is broken
    let md = Url::from_file_path(root.join("content/winter.md")).unwrap();
    client.open(&md, "markdown", PIECE);
    assert_eq!(client.diagnostics(&md, Some(1)), Vec::<Value>::new());

    // fixed and saved: the guide's error is cleared and the open piece is linted, in UTF-8
    std::fs::write(&guide_path, &good).unwrap();
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": guide}}),
    );
    let diags = client.diagnostics(&guide, None);
    assert!(diags.iter().all(|d| d["severity"] != 1), "{diags:#?}");
    let diags = client.diagnostics(&md, Some(1));
    let banned = by_code(&diags, "tone/banned-term");
    assert_eq!(banned.len(), 1, "{diags:#?}");
    let at = PIECE.find("ถูกที่สุด").unwrap();
    let line_start = PIECE[..at].rfind('\n').unwrap() + 1;
    assert_eq!(
        banned[0]["range"]["start"],
        json!({"line": 2, "character": at - line_start}),
        "UTF-8 columns are bytes"
    );

    // broken again on disk, as another program writes it: a watched-file change reloads
    std::fs::write(&guide_path, &broken).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": guide, "type": 2}]}),
    );
    let diags = client.diagnostics(&guide, None);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0]["severity"], 1);
    assert_eq!(client.diagnostics(&md, Some(1)), Vec::<Value>::new());

    // exit without shutdown: exit code 1, as the protocol says
    client.notify("exit", Value::Null);
    assert_eq!(client.exit_code(), Some(1));
}

#[test]
fn without_a_workspace_the_project_is_found_above_the_first_file() {
    let (_tmp, root) = project();
    let elsewhere = tempfile::tempdir().unwrap();
    let mut client = Client::start(elsewhere.path());
    client.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}}),
    );
    client.notify("initialized", json!({}));

    // a file in no project: nothing to say (and the log says why)
    let stray_path = elsewhere.path().canonicalize().unwrap().join("notes.md");
    let stray = Url::from_file_path(&stray_path).unwrap();
    client.open(&stray, "markdown", PIECE);
    let log = client.wait("logMessage", |m| m["method"] == "window/logMessage");
    assert!(
        log["params"]["message"]
            .as_str()
            .unwrap()
            .contains("brand/brand.toml"),
        "{log}"
    );

    // a piece in a project: its project is found and loaded, and the piece linted
    let md = Url::from_file_path(root.join("content/winter.md")).unwrap();
    client.open(&md, "markdown", PIECE);
    let diags = client.diagnostics(&md, Some(1));
    assert_eq!(by_code(&diags, "tone/banned-term").len(), 1, "{diags:#?}");
    // the stray file is outside it: still nothing
    assert_eq!(client.diagnostics(&stray, Some(1)), Vec::<Value>::new());

    assert_eq!(client.request("shutdown", Value::Null), Value::Null);
    client.notify("exit", Value::Null);
    assert_eq!(client.exit_code(), Some(0));
}
