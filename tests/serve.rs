//! `brandpress serve` over plain HTTP (no browser): static serving and its safety, the
//! email preview, live reload over server-sent events, the build-error overlay's events,
//! and a port already in use. Every wait has a timeout; the server is killed on drop.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use support::copy_dir;

/// The first build of a fresh copy is cold (debug builds, a 2-core CI machine).
const START: Duration = Duration::from_secs(300);
/// A rebuild after one edit.
const REBUILD: Duration = Duration::from_secs(180);
const IO: Duration = Duration::from_secs(60);

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A copy of the example project in a fresh temporary folder, with a file beside it that
/// must never be served.
fn example() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("project");
    for dir in ["brand", "content", "templates"] {
        copy_dir(&root().join(dir), &project.join(dir));
    }
    std::fs::write(tmp.path().join("secret.txt"), "TOP-SECRET ความลับ").unwrap();
    std::fs::write(project.join("secret.txt"), "TOP-SECRET ความลับ").unwrap();
    (tmp, project)
}

/// A running `brandpress serve`, killed on drop.
struct Server {
    child: Child,
    port: u16,
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
            port: 0,
            stderr,
        };
        let line = rx.recv_timeout(START).unwrap_or_else(|_| {
            panic!(
                "serve printed no URL in {START:?}; stderr:\n{}",
                server.stderr()
            )
        });
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://127.0.0.1:"))
            .unwrap_or_else(|| panic!("no URL in {line:?}"));
        server.port = url
            .trim_start_matches("http://127.0.0.1:")
            .trim_end_matches('/')
            .parse()
            .unwrap();
        server
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    fn get(&self, path: &str) -> Reply {
        request(self.port, "GET", path, &format!("127.0.0.1:{}", self.port))
    }

    fn events(&self) -> Events {
        Events::open(self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
struct Reply {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Reply {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }
}

/// One raw HTTP/1.0 request (the path sent as it is: no client normalizes it away).
fn request(port: u16, method: &str, path: &str, host: &str) -> Reply {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(IO)).unwrap();
    stream.set_write_timeout(Some(IO)).unwrap();
    write!(stream, "{method} {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).unwrap();
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    Reply {
        status,
        head,
        body: bytes[split + 4..].to_vec(),
    }
}

/// An open `/__brandpress/events` stream: (event, data) pairs on a channel.
struct Events {
    rx: Receiver<(String, String)>,
    _stream: TcpStream,
}

impl Events {
    fn open(port: u16) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.set_write_timeout(Some(IO)).unwrap();
        write!(
            stream,
            "GET /__brandpress/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        let reader = stream.try_clone().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(reader).lines().map_while(Result::ok);
            // the response head
            for line in lines.by_ref() {
                if line.is_empty() {
                    break;
                }
            }
            let (mut event, mut data) = (String::new(), Vec::<String>::new());
            for line in lines {
                if line.is_empty() {
                    if !event.is_empty() && tx.send((event.clone(), data.join("\n"))).is_err() {
                        return;
                    }
                    event.clear();
                    data.clear();
                } else if let Some(e) = line.strip_prefix("event: ") {
                    event = e.to_string();
                } else if let Some(d) = line.strip_prefix("data: ") {
                    data.push(d.to_string());
                }
            }
        });
        Events {
            rx,
            _stream: stream,
        }
    }

    /// The first event named `name` within `timeout` (others are skipped).
    fn wait(&self, name: &str, timeout: Duration, server: &Server) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok((e, data)) if e == name => return data,
                Ok(_) => {}
                Err(_) => panic!(
                    "no {name} event in {timeout:?}; serve's stderr:\n{}",
                    server.stderr()
                ),
            }
        }
    }
}

#[test]
fn serves_the_output_reloads_on_edits_and_shows_errors() {
    let (tmp, project) = example();
    let server = Server::start(&project);
    let out = project.join("out");

    // `/`: the contact sheet (or the outputs listing), with the reload client
    let home = server.get("/");
    assert_eq!(home.status, 200, "{}", home.text());
    assert_eq!(
        home.header("Content-Type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(home.header("Cache-Control").as_deref(), Some("no-store"));
    assert!(home.text().contains("/__brandpress/client.js"));
    // HEAD: the same head, no body
    let head = request(
        server.port,
        "HEAD",
        "/",
        &format!("127.0.0.1:{}", server.port),
    );
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert!(head.header("Content-Length").is_some());

    // a page: its Thai text, the client injected into what is served only
    let page = server.get("/web/cold-brew-winter/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("โคลด์บรูว์"), "{}", page.text());
    assert!(page.text().contains("/__brandpress/client.js"));
    let on_disk = std::fs::read_to_string(out.join("web/cold-brew-winter/index.html")).unwrap();
    assert!(!on_disk.contains("__brandpress"));
    // a folder without its slash is redirected (relative links need it)
    let folder = server.get("/web/cold-brew-winter?x=1");
    assert_eq!(folder.status, 301);
    assert_eq!(
        folder.header("Location").as_deref(),
        Some("/web/cold-brew-winter/?x=1")
    );
    // a card and a PDF with their types
    let card = server.get("/social/cold-brew-winter-og.png");
    assert_eq!(card.status, 200);
    assert_eq!(card.header("Content-Type").as_deref(), Some("image/png"));
    assert_eq!(
        card.body,
        std::fs::read(out.join("social/cold-brew-winter-og.png")).unwrap()
    );
    let pdf = server.get("/print/cold-brew-winter.pdf");
    assert_eq!(
        pdf.header("Content-Type").as_deref(),
        Some("application/pdf")
    );
    assert!(pdf.body.starts_with(b"%PDF-"));

    // the email: production base_url rewritten to this server as served, not on disk
    let origin = format!("http://127.0.0.1:{}/", server.port);
    let email = server.get("/email/cold-brew-winter.html").text();
    assert!(
        email.contains(&format!("src=\"{origin}email/assets/logo.png\"")),
        "{email}"
    );
    assert!(!email.contains("https://tonkla.example/campaigns/"));
    let email_on_disk = std::fs::read_to_string(out.join("email/cold-brew-winter.html")).unwrap();
    assert!(
        email_on_disk.contains("src=\"https://tonkla.example/campaigns/email/assets/logo.png\"")
    );
    assert!(!email_on_disk.contains("127.0.0.1"));
    let logo = server.get("/email/assets/logo.png");
    assert_eq!(logo.status, 200);
    assert_eq!(logo.header("Content-Type").as_deref(), Some("image/png"));

    // the brand book, rendered from the guide, and the outputs listing
    let book = server.get("/brand-book/");
    assert_eq!(book.status, 200, "{}", book.text());
    assert!(book.text().contains("#1F5C4A"), "{}", book.text());
    assert!(book.text().contains("/__brandpress/client.js"));
    let book_pdf = server.get("/brand-book/brand-book.pdf");
    assert_eq!(
        book_pdf.header("Content-Type").as_deref(),
        Some("application/pdf")
    );
    assert!(book_pdf.body.starts_with(b"%PDF-"));
    assert_eq!(server.get("/brand-book").status, 301);
    assert_eq!(server.get("/brand-book/../secret.txt").status, 400);
    assert_eq!(server.get("/brand-book/nope.css").status, 404);
    let listing = server.get("/__brandpress/outputs").text();
    assert!(
        listing.contains("/social/cold-brew-winter-og.png"),
        "{listing}"
    );

    // nothing outside out/, however the path is spelled
    #[cfg(unix)]
    std::os::unix::fs::symlink(tmp.path().join("secret.txt"), out.join("leak.txt")).unwrap();
    for bad in [
        "/../secret.txt",
        "/../../secret.txt",
        "/../Cargo.toml",
        "/%2e%2e/secret.txt",
        "/%2e%2e/%2e%2e/secret.txt",
        "/web/..%2f..%2fsecret.txt",
        "/web/%2E%2E/%2E%2E/secret.txt",
        "/..%5c..%5csecret.txt",
        "/secret.txt%00.html",
        "/web/cold-brew-winter/index.html%00",
        "/%ff%fe",
        "/leak.txt",
        "//secret.txt",
    ] {
        let r = server.get(bad);
        assert!(
            r.status == 400 || r.status == 404,
            "{bad}: {} {}",
            r.status,
            r.text()
        );
        assert!(!r.text().contains("TOP-SECRET"), "{bad} leaked");
    }
    let missing = server.get("/web/no-such-piece/");
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("404"));
    // another site's name pointed at 127.0.0.1 (DNS rebinding) is refused
    let rebound = request(
        server.port,
        "GET",
        "/",
        &format!("evil.example:{}", server.port),
    );
    assert_eq!(rebound.status, 421);
    let post = request(
        server.port,
        "POST",
        "/",
        &format!("127.0.0.1:{}", server.port),
    );
    assert_eq!(post.status, 405);

    // live reload: an edit to a piece's summary (Thai text, on its page and cards) rebuilds it and names its outputs
    let events = server.events();
    let hello = events.wait("hello", IO, &server);
    assert!(hello.contains("\"error\":null"), "{hello}");
    let piece = project.join("content/winter-2026/cold-brew-winter.md");
    let text = std::fs::read_to_string(&piece).unwrap();
    let edited = text.replacen("สั่งคู่กันคุ้มกว่า\"", "ส่งฟรีถึงออฟฟิศ\"", 1);
    assert_ne!(
        edited, text,
        "the example's summary changed: update this test"
    );
    std::fs::write(&piece, &edited).unwrap();
    let reload = events.wait("reload", REBUILD, &server);
    assert!(
        reload.contains("\"/web/cold-brew-winter/index.html\""),
        "{reload}"
    );
    assert!(
        reload.contains("\"/social/cold-brew-winter-og.png\""),
        "{reload}"
    );
    // only that piece's outputs (and the sheet) changed
    assert!(!reload.contains("line-man-delivery"), "{reload}");
    let page = server.get("/web/cold-brew-winter/").text();
    assert!(page.contains("ส่งฟรีถึงออฟฟิศ"), "{page}");
    let new_card = server.get("/social/cold-brew-winter-og.png");
    assert_ne!(new_card.body, card.body, "the card was not redrawn");

    // a broken guide: an error event with file:line:col; the last good output stays
    let guide = project.join("brand/brand.toml");
    let good = std::fs::read_to_string(&guide).unwrap();
    let line = good
        .lines()
        .position(|l| l.starts_with("hex = \"#"))
        .expect("a color")
        + 1;
    let broken = good.replacen("hex = \"#1F5C4A\"", "hex = \"#1F5C4\"", 1);
    assert_ne!(
        broken, good,
        "the example's first color changed: update this test"
    );
    std::fs::write(&guide, &broken).unwrap();
    let error = events.wait("build-error", REBUILD, &server);
    assert!(
        error.contains(&format!("brand.toml:{line}:7")),
        "no brand.toml:{line}:7 in {error}"
    );
    assert!(!error.contains('\u{1b}'), "ANSI colors in {error:?}");
    let status = server.get("/__brandpress/status").text();
    assert!(status.contains("brand.toml"), "{status}");
    let page = server.get("/web/cold-brew-winter/").text();
    assert!(page.contains("ส่งฟรีถึงออฟฟิศ"), "the last good output is gone");
    // a page opened now gets the error at once
    let late = server.events();
    late.wait("hello", IO, &server);
    let again = late.wait("build-error", IO, &server);
    assert!(again.contains(&format!("brand.toml:{line}:7")));

    // fixed (to a new forest green): the error clears, every output that shows the color
    // and the brand book are rebuilt and named
    std::fs::write(
        &guide,
        good.replacen("hex = \"#1F5C4A\"", "hex = \"#1F5C4B\"", 1),
    )
    .unwrap();
    let cleared = events.wait("reload", REBUILD, &server);
    for path in [
        "/brand-book/index.html",
        "/web/assets/brand.css",
        "/social/line-man-delivery-og.png",
    ] {
        assert!(
            cleared.contains(&format!("\"{path}\"")),
            "{path} not in {cleared}"
        );
    }
    let status = server.get("/__brandpress/status").text();
    assert!(status.contains("\"error\":null"), "{status}");
    assert!(server.get("/brand-book/").text().contains("#1F5C4B"));
    assert_eq!(server.get("/web/cold-brew-winter/").status, 200);
}

#[test]
fn a_port_in_use_is_an_error_naming_it() {
    let taken = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = taken.local_addr().unwrap().port();
    let (_tmp, project) = example();
    let mut child = Command::new(env!("CARGO_BIN_EXE_brandpress"))
        .args(["serve", "--port", &port.to_string(), "--project"])
        .arg(&project)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + IO;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("serve did not exit with its port taken");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("port {port} is already in use")),
        "{stderr}"
    );
    // it failed before building anything
    assert!(!project.join("out").exists());
}

#[test]
fn a_folder_that_is_not_a_project_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_brandpress"))
        .args(["serve", "--port", "0", "--project"])
        .arg(tmp.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no brand/ folder"));
}
