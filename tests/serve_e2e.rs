//! `brandpress serve` in a real headless Chromium (DevTools protocol, `headless_chrome`):
//! the contact sheet loads; an edit to a piece updates the open web page and the card on
//! the sheet with no manual reload; a broken guide shows the error overlay on the open
//! pages, and fixing it takes the overlay away.
//!
//! Skipped, with a notice, when no Chromium is installed, unless
//! `BRANDPRESS_REQUIRE_CHROMIUM=1` (CI sets it; `scripts/install-test-deps.sh` installs
//! it). `BRANDPRESS_SERVE_SHOTS=DIR` saves screenshots of every step into DIR.

mod support;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use headless_chrome::protocol::cdp::Page::CaptureScreenshotFormatOption;
use headless_chrome::{Browser, LaunchOptions, Tab};
use serde_json::Value;
use support::copy_dir;

const START: Duration = Duration::from_secs(300);
const REBUILD: Duration = Duration::from_secs(180);

/// The browser to drive: `BRANDPRESS_CHROMIUM`, else the first Chromium or Chrome on the
/// PATH.
fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("BRANDPRESS_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ]
    .iter()
    .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
    .find(|p| p.is_file())
}

/// A running `brandpress serve --port 0`, killed on drop.
struct Server {
    child: Child,
    origin: String,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    fn start(project: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_brandpress"))
            .args(["serve", "--port", "0", "--project"])
            .arg(project)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("brandpress starts");
        let stderr = Arc::new(Mutex::new(String::new()));
        {
            let stderr = stderr.clone();
            let pipe = child.stderr.take().unwrap();
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    let mut s = stderr.lock().unwrap();
                    s.push_str(&line);
                    s.push('\n');
                }
            });
        }
        let (tx, rx) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let mut server = Server {
            child,
            origin: String::new(),
            stderr,
        };
        let line = rx
            .recv_timeout(START)
            .unwrap_or_else(|_| panic!("serve printed no URL; stderr:\n{}", server.stderr()));
        server.origin = line
            .split_whitespace()
            .find(|w| w.starts_with("http://127.0.0.1:"))
            .unwrap_or_else(|| panic!("no URL in {line:?}"))
            .trim_end_matches('/')
            .to_string();
        server
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Evaluates `js` (awaiting a promise) in `tab`.
fn eval(tab: &Tab, js: &str) -> Value {
    tab.evaluate(js, true)
        .unwrap_or_else(|e| panic!("evaluating {js}: {e}"))
        .value
        .unwrap_or(Value::Null)
}

/// What a tab that timed out was showing, for the failure message: its address, load
/// state, whether the live-reload script ran and the overlay is there, and the event
/// streams serve has open (each evaluation can fail on a page mid-reload).
fn where_tab_is(tab: &Tab) -> String {
    const STATE: &str = r#"(async () => JSON.stringify({
  href: location.href,
  readyState: document.readyState,
  liveReload: typeof window.__brandpress,
  overlay: !!document.getElementById("brandpress-overlay"),
  status: await fetch("/__brandpress/status").then((r) => r.text()).catch((e) => String(e)),
}))()"#;
    match tab.evaluate(STATE, true) {
        Ok(v) => format!("the tab: {}", v.value.unwrap_or(Value::Null)),
        Err(e) => format!(
            "the tab's state did not evaluate ({e}); its URL {}",
            tab.get_url()
        ),
    }
}

/// Polls `js` until it returns something `done` accepts.
fn until(
    tab: &Tab,
    js: &str,
    timeout: Duration,
    server: &Server,
    done: impl Fn(&Value) -> bool,
) -> Value {
    // a background tab may not render: bring it to the front
    let _ = tab.activate();
    let deadline = Instant::now() + timeout;
    loop {
        // a page reloading under us fails an evaluation now and then: try again
        if let Ok(v) = tab.evaluate(js, true) {
            let v = v.value.unwrap_or(Value::Null);
            if done(&v) {
                return v;
            }
            if Instant::now() > deadline {
                panic!(
                    "waited {timeout:?} for {js}; last {v}; {}; serve's stderr:\n{}",
                    where_tab_is(tab),
                    server.stderr()
                );
            }
        } else if Instant::now() > deadline {
            panic!(
                "waited {timeout:?} for {js}; {}; serve's stderr:\n{}",
                where_tab_is(tab),
                server.stderr()
            );
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// Saves a screenshot of `tab` into `$BRANDPRESS_SERVE_SHOTS` when it is set.
fn shot(tab: &Tab, name: &str) {
    let Some(dir) = std::env::var_os("BRANDPRESS_SERVE_SHOTS") else {
        return;
    };
    let _ = tab.activate();
    // the brand fonts (font-display: swap) before the picture
    let _ = tab.evaluate("document.fonts.ready.then(() => true)", true);
    let png = tab
        .capture_screenshot(CaptureScreenshotFormatOption::Png, None, None, true)
        .expect("a screenshot");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(Path::new(&dir).join(format!("{name}.png")), png).unwrap();
}

/// The piece's og card as the sheet shows it: its URL and the SHA-256 of the bytes at that
/// URL (fetched by the page), or null while the sheet has no such picture.
const CARD: &str = r#"(async () => {
  const img = [...document.images].find((i) => i.src.includes("social/cold-brew-winter-og.png"));
  if (!img) return null;
  const bytes = await (await fetch(img.src)).arrayBuffer();
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return img.src + " " + [...hash].map((b) => b.toString(16).padStart(2, "0")).join("");
})()"#;

const OVERLAY: &str = r#"(() => { const o = document.getElementById("brandpress-overlay"); return o ? o.innerText : null; })()"#;

#[test]
fn serve_live_reloads_and_shows_errors_in_chromium() {
    let Some(chrome) = chromium() else {
        if std::env::var("BRANDPRESS_REQUIRE_CHROMIUM").as_deref() == Ok("1") {
            panic!(
                "BRANDPRESS_REQUIRE_CHROMIUM=1 but no Chromium found (run scripts/install-test-deps.sh)"
            );
        }
        eprintln!(
            "notice: skipping the serve end-to-end test: no Chromium (scripts/install-test-deps.sh installs it)"
        );
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("project");
    for dir in ["brand", "content", "templates"] {
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join(dir),
            &project.join(dir),
        );
    }
    let server = Server::start(&project);
    let browser = Browser::new(
        LaunchOptions::default_builder()
            .path(Some(chrome))
            .sandbox(false)
            .window_size(Some((1280, 900)))
            .idle_browser_timeout(Duration::from_secs(600))
            .build()
            .unwrap(),
    )
    .expect("Chromium starts");

    // the contact sheet
    let sheet = browser.new_tab().unwrap();
    // a loaded CI machine (the sheet's frames, a debug build serving them) can take longer
    // than headless_chrome's 20 s default to fire a page's load event
    sheet.set_default_timeout(REBUILD);
    sheet
        .navigate_to(&format!("{}/", server.origin))
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    let title = eval(&sheet, "document.title");
    assert!(title.as_str().is_some_and(|t| !t.is_empty()), "{title}");
    let card_before = until(&sheet, CARD, REBUILD, &server, Value::is_string);
    eval(&sheet, "window.__beforeEdit = true");
    shot(&sheet, "1-sheet");

    // the piece's web page
    let page = browser.new_tab().unwrap();
    page.set_default_timeout(REBUILD);
    page.navigate_to(&format!("{}/web/cold-brew-winter/", server.origin))
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    let text = eval(&page, "document.body.innerText");
    assert!(text.as_str().unwrap().contains("โคลด์บรูว์รับลมหนาว"), "{text}");
    // wait for the page's event stream, then mark the page: a reload forgets the mark
    until(
        &page,
        "fetch('/__brandpress/status').then(r => r.json()).then(s => s.clients)",
        REBUILD,
        &server,
        |v| v.as_u64().is_some_and(|n| n >= 2),
    );
    eval(&page, "window.__beforeEdit = true");
    shot(&page, "2-page");

    // edit the piece: the page and the card update by themselves
    let piece = project.join("content/winter-2026/cold-brew-winter.md");
    let source = std::fs::read_to_string(&piece).unwrap();
    let edited = source.replacen("สั่งคู่กันคุ้มกว่า\"", "ส่งฟรีถึงออฟฟิศ\"", 1);
    assert_ne!(
        edited, source,
        "the example's summary changed: update this test"
    );
    std::fs::write(&piece, edited).unwrap();
    until(
        &page,
        "document.body.innerText.includes('ส่งฟรีถึงออฟฟิศ') && window.__beforeEdit === undefined",
        REBUILD,
        &server,
        |v| v == &Value::Bool(true),
    );
    shot(&page, "3-page-edited");
    // the sheet reloaded by itself, and its card is the new one
    until(
        &sheet,
        "window.__beforeEdit === undefined",
        REBUILD,
        &server,
        |v| v == &Value::Bool(true),
    );
    let card_after = until(&sheet, CARD, REBUILD, &server, Value::is_string);
    assert_ne!(
        card_after, card_before,
        "the card on the sheet did not change"
    );
    shot(&sheet, "4-sheet-edited");

    // break the guide: every open page shows the error with its file:line:col
    let guide = project.join("brand/brand.toml");
    let good = std::fs::read_to_string(&guide).unwrap();
    let line = good
        .lines()
        .position(|l| l.starts_with("hex = \"#"))
        .unwrap()
        + 1;
    let broken = good.replacen("hex = \"#1F5C4A\"", "hex = \"#1F5C4\"", 1);
    assert_ne!(
        broken, good,
        "the example's first color changed: update this test"
    );
    std::fs::write(&guide, broken).unwrap();
    let at = format!("brand.toml:{line}:7");
    for tab in [&page, &sheet] {
        until(tab, OVERLAY, REBUILD, &server, |v| {
            v.as_str().is_some_and(|t| t.contains(&at))
        });
    }
    // the last good output is still there under the overlay
    let text = eval(&page, "document.body.innerText");
    assert!(text.as_str().unwrap().contains("ส่งฟรีถึงออฟฟิศ"));
    shot(&page, "5-page-error");
    shot(&sheet, "6-sheet-error");

    // fix it: the overlay goes
    std::fs::write(&guide, good).unwrap();
    for tab in [&page, &sheet] {
        until(tab, OVERLAY, REBUILD, &server, Value::is_null);
    }
    shot(&page, "7-page-fixed");
}
