//! `brandpress serve`: builds the project, serves the output folder on 127.0.0.1, watches
//! `brand/`, `content/` and `templates/`, rebuilds on every (debounced) change through the
//! build cache, and tells open pages what changed over server-sent events.
//!
//! - **Server:** tiny_http, one thread per request and per event stream (`events.rs`);
//!   the codebase is synchronous (rayon, threads), so no async runtime.
//! - **Pages reload only when their output changed:** the campaign manifest's SHA-256 of
//!   every file before and after a build tell which; the client (`client.js`, injected
//!   into HTML as it is served, never on disk) reloads its page, or only the frames and
//!   pictures whose files changed.
//! - **Bad edits:** a build that fails leaves the last good output served and pushes its
//!   error (the miette text `brandpress build` prints, without colors) to every page as
//!   an overlay; the next good build clears it. The server never exits on bad input.
//! - **Email preview:** served email HTML has the guide's production `base_url` rewritten
//!   to this server, so its pictures show; the files keep their production URLs.

mod events;
pub mod http;

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use notify::event::{AccessKind, AccessMode, EventKind, ModifyKind};
use notify::{RecursiveMode, Watcher};

use crate::brand::display_path;
use crate::build::{self, BuildOptions, CacheUse, LockWait};
use crate::error::{Error, Result};
use crate::manifest::CampaignManifest;
use crate::project::Project;

/// The folders whose changes rebuild.
pub const WATCHED: [&str; 3] = ["brand", "content", "templates"];

/// How long the watcher waits for a burst of file events (an editor's save, a `git
/// checkout`) to end before a rebuild.
const DEBOUNCE: Duration = Duration::from_millis(200);

/// A rebuild changing more files than this reloads every page instead of naming them.
const MAX_NAMED_CHANGES: usize = 2_000;

pub struct ServeOptions {
    pub project: PathBuf,
    /// Output folder [default: `<project>/out`].
    pub out: Option<PathBuf>,
    /// 0 picks a free port.
    pub port: u16,
    /// Open the default browser on the served URL.
    pub open: bool,
    /// Seconds a rebuild waits for another build into the same output.
    pub lock_timeout: Duration,
}

/// What every request thread reads.
pub struct State {
    root: PathBuf,
    out: PathBuf,
    port: u16,
    origin: String,
    lock_timeout: Duration,
    hub: events::Hub,
    now: Mutex<Now>,
    book: Mutex<Book>,
    /// A rebuild is running (Ctrl-C waits for it).
    building: AtomicBool,
}

/// The brand book, rendered in memory from the guide (`crate::book`) and served under
/// [`BOOK`]; rendered again when a file under `brand/` changed.
#[derive(Default)]
struct Book {
    /// Of `brand/`'s files (paths, sizes, modification times) when it was rendered.
    fingerprint: Option<u64>,
    /// Relative path → bytes.
    files: Arc<BTreeMap<String, Vec<u8>>>,
}

/// Where the brand book is served.
pub const BOOK: &str = "/brand-book/";

/// The state of the last build.
#[derive(Default)]
struct Now {
    /// Counts the builds that changed the output (pages remember the one they show).
    generation: u64,
    /// The last build's error, rendered; none after a good build.
    error: Option<String>,
    /// The guide's `[channels.web] base_url` at the last good build.
    base_url: Option<String>,
}

impl State {
    fn now(&self) -> std::sync::MutexGuard<'_, Now> {
        self.now.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn generation(&self) -> u64 {
        self.now().generation
    }

    pub fn has_error(&self) -> bool {
        self.now().error.is_some()
    }

    /// `{"generation": N, "error": null | "text", "clients": N}`.
    pub fn status_json(&self) -> String {
        let now = self.now();
        serde_json::json!({
            "generation": now.generation,
            "error": now.error,
            "clients": self.hub.len(),
        })
        .to_string()
    }

    /// What a new event stream is told first: the generation, then the error if any.
    fn hello(&self) -> Vec<events::Message> {
        let now = self.now();
        let mut first = vec![events::message(
            "hello",
            &serde_json::json!({ "generation": now.generation, "error": now.error }).to_string(),
        )];
        if let Some(e) = &now.error {
            first.push(events::message("build-error", e));
        }
        first
    }

    /// Email HTML with the production `base_url` pointing at this server instead.
    pub fn localize_email(&self, html: &str) -> String {
        let Some(base) = self.now().base_url.clone() else {
            return html.to_string();
        };
        localize(html, &base, &self.origin)
    }

    /// A file of the brand book.
    pub fn book_file(&self, relative: &str) -> Option<Vec<u8>> {
        let files = self
            .book
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .files
            .clone();
        files.get(relative).cloned()
    }

    /// Renders the brand book again when `brand/` changed; the URL paths of its files
    /// that changed.
    fn refresh_book(&self, guide: &crate::brand::Guide) -> Vec<String> {
        let fingerprint = fingerprint(&self.root.join("brand"));
        let mut book = self.book.lock().unwrap_or_else(|e| e.into_inner());
        if fingerprint.is_some() && book.fingerprint == fingerprint {
            return Vec::new();
        }
        match crate::book::render(guide) {
            Ok((files, _pages)) => {
                let files: BTreeMap<String, Vec<u8>> = files.into_iter().collect();
                let changed = files
                    .iter()
                    .filter(|(p, bytes)| book.files.get(*p) != Some(*bytes))
                    .map(|(p, _)| p)
                    .chain(book.files.keys().filter(|p| !files.contains_key(*p)))
                    .map(|p| format!("{BOOK}{p}"))
                    .collect();
                *book = Book {
                    fingerprint,
                    files: Arc::new(files),
                };
                changed
            }
            Err(e) => {
                eprintln!("warning: the brand book: {}", render_error(&e));
                Vec::new()
            }
        }
    }

    /// Builds (through the build cache), then tells the open pages.
    fn rebuild(&self) {
        self.building.store(true, Ordering::SeqCst);
        let before = hashes(&self.out);
        let built = self.build();
        self.building.store(false, Ordering::SeqCst);
        match built {
            Ok((summary, base_url, after, project)) => {
                for w in &summary.warnings {
                    eprintln!("warning: {w}");
                }
                eprintln!("{}", summary.line());
                let mut changed: Vec<String> = after
                    .iter()
                    .filter(|(path, hash)| before.get(*path) != Some(*hash))
                    .map(|(path, _)| path)
                    .chain(before.keys().filter(|p| !after.contains_key(*p)))
                    .map(|p| format!("/{p}"))
                    .collect();
                if !changed.is_empty() {
                    // the contact sheet shows every output
                    changed.push("/index.html".to_string());
                }
                changed.extend(self.refresh_book(&project.guide));
                changed.sort();
                changed.dedup();
                let all = changed.len() > MAX_NAMED_CHANGES;
                if all {
                    changed.clear();
                }
                let mut now = self.now();
                now.base_url = base_url;
                now.error = None;
                if all || !changed.is_empty() {
                    now.generation += 1;
                }
                let data = serde_json::json!({
                    "generation": now.generation,
                    "changed": changed,
                    "all": all,
                });
                drop(now);
                self.hub
                    .broadcast(&events::message("reload", &data.to_string()));
            }
            Err(e) => {
                let text = render_error(&e);
                eprintln!("{text}");
                eprintln!("(serving the last good output; fix the error and save to rebuild)");
                self.now().error = Some(text.clone());
                self.hub.broadcast(&events::message("build-error", &text));
            }
        }
    }

    #[allow(clippy::type_complexity)]
    fn build(
        &self,
    ) -> Result<(
        build::BuildSummary,
        Option<String>,
        BTreeMap<String, String>,
        Project,
    )> {
        let project = Project::load(&self.root)?;
        let base_url = project.guide.channels.web.base_url.clone();
        let out = self.out.clone();
        let on_wait = |lock: &Path| {
            eprintln!(
                "waiting for another build into {} to finish (lock {})…",
                out.display(),
                lock.display()
            )
        };
        let wait = LockWait {
            timeout: self.lock_timeout,
            on_wait: &on_wait,
        };
        let (summary, lock) = build::build_locked_cached(
            &project,
            &BuildOptions {
                out: self.out.clone(),
                channels: crate::render::AVAILABLE.to_vec(),
                shard: None,
            },
            &wait,
            CacheUse::Reuse,
        )?;
        // read while the lock is held: exactly this build's files
        let after = hashes(&self.out);
        drop(lock);
        Ok((summary, base_url, after, project))
    }
}

/// Every output's SHA-256 by path, from the campaign manifest (none before a first build).
fn hashes(out: &Path) -> BTreeMap<String, String> {
    CampaignManifest::previous(out)
        .into_iter()
        .map(|r| (r.path, r.sha256))
        .collect()
}

/// A fingerprint of the files under `dir` (paths, sizes, modification times); none when
/// it cannot be read or holds more than 10,000 entries.
fn fingerprint(dir: &Path) -> Option<u64> {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for (n, entry) in walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .enumerate()
    {
        if n > 10_000 {
            return None;
        }
        let entry = entry.ok()?;
        let meta = entry.metadata().ok()?;
        entry.path().hash(&mut hasher);
        meta.len().hash(&mut hasher);
        meta.modified().ok()?.hash(&mut hasher);
    }
    Some(hasher.finish())
}

/// `html` with every `base` URL (also HTML-escaped) rewritten to `origin/`.
fn localize(html: &str, base: &str, origin: &str) -> String {
    let base = base.trim_end_matches('/');
    if base.is_empty() {
        return html.to_string();
    }
    let local = format!("{origin}/");
    let mut text = html.replace(&format!("{base}/"), &local);
    let escaped = http::escape(base);
    if escaped != base {
        text = text.replace(&format!("{escaped}/"), &local);
    }
    text
}

/// The error as `brandpress build` prints it (miette's graphical report), without colors.
pub fn render_error(error: &Error) -> String {
    let mut text = String::new();
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_links(false)
            .with_wrap_lines(false);
    if handler.render_report(&mut text, error).is_err() {
        text = error.messages().join("\n");
    }
    text.trim_end().to_string()
}

/// The address to listen on: 127.0.0.1 only. A port in use is an error naming it.
fn listen(port: u16) -> Result<TcpListener> {
    TcpListener::bind(("127.0.0.1", port)).map_err(|e| {
        let why = match e.kind() {
            std::io::ErrorKind::AddrInUse => format!(
                "port {port} is already in use on 127.0.0.1: stop what listens there, or pick another with --port (--port 0 picks a free one)"
            ),
            _ => format!("cannot listen on 127.0.0.1:{port}: {e}"),
        };
        Error::usage(why)
    })
}

/// Runs the server until Ctrl-C (or SIGTERM).
pub fn run(options: &ServeOptions) -> Result<()> {
    let root = display_path(&options.project);
    if !root.join("brand").is_dir() {
        return Err(Error::file(
            &root,
            "not a brandpress project (no brand/ folder): pass --project DIR",
        ));
    }
    let out = options.out.clone().unwrap_or_else(|| root.join("out"));
    let listener = listen(options.port)?;
    let port = listener
        .local_addr()
        .map_err(|e| Error::usage(format!("reading the listening address: {e}")))?
        .port();
    let origin = format!("http://127.0.0.1:{port}");
    let state = Arc::new(State {
        root: root.clone(),
        out,
        port,
        origin: origin.clone(),
        lock_timeout: options.lock_timeout,
        hub: events::Hub::default(),
        now: Mutex::new(Now::default()),
        book: Mutex::new(Book::default()),
        building: AtomicBool::new(false),
    });

    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        ctrlc::set_handler(move || {
            if stop.swap(true, Ordering::SeqCst) {
                // a second Ctrl-C: do not wait for the running build
                std::process::exit(130);
            }
        })
        .map_err(|e| Error::usage(format!("cannot handle Ctrl-C: {e}")))?;
    }

    // Watch before the first build, so an edit made while it runs is not missed.
    let (tx, rx) = mpsc::channel::<notify::Result<notify::Event>>();
    let mut watcher = notify::recommended_watcher(tx)
        .map_err(|e| Error::usage(format!("cannot watch the project: {e}")))?;
    for dir in WATCHED {
        let path = root.join(dir);
        if path.is_dir() {
            watcher
                .watch(&path, RecursiveMode::Recursive)
                .map_err(|e| Error::file(&path, format!("cannot watch: {e}")))?;
        }
    }

    state.rebuild();
    let server = tiny_http::Server::from_listener(listener, None)
        .map_err(|e| Error::usage(format!("cannot serve on {origin}: {e}")))?;
    println!(
        "serving {origin}/ — watching {} (Ctrl-C stops)",
        WATCHED.map(|d| format!("{d}/")).join(", ")
    );
    use std::io::Write;
    let _ = std::io::stdout().flush();
    if options.open {
        open_browser(&format!("{origin}/"));
    }

    let builder = {
        let state = state.clone();
        let stop = stop.clone();
        std::thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                match rx.recv_timeout(Duration::from_millis(100)) {
                    Ok(event) if changes(&event) => {
                        // debounce: the burst (an editor's save, a checkout) ends when
                        // nothing relevant arrived for DEBOUNCE
                        let mut quiet_since = std::time::Instant::now();
                        while quiet_since.elapsed() < DEBOUNCE {
                            match rx.recv_timeout(DEBOUNCE.saturating_sub(quiet_since.elapsed())) {
                                Ok(e) if changes(&e) => quiet_since = std::time::Instant::now(),
                                Ok(_) | Err(RecvTimeoutError::Timeout) => {}
                                Err(RecvTimeoutError::Disconnected) => break,
                            }
                        }
                        if !stop.load(Ordering::SeqCst) {
                            state.rebuild();
                        }
                    }
                    Ok(_) | Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
        })
    };

    while !stop.load(Ordering::SeqCst) {
        match server.recv_timeout(Duration::from_millis(100)) {
            Ok(Some(request)) => {
                let state = state.clone();
                std::thread::spawn(move || http::handle(&state, request));
            }
            Ok(None) => {}
            Err(e) => eprintln!("warning: accepting a connection: {e}"),
        }
    }
    eprintln!("stopping…");
    state.hub.close();
    drop(server);
    if state.building.load(Ordering::SeqCst) {
        eprintln!("waiting for the running build to finish (Ctrl-C again to quit now)…");
    }
    let _ = builder.join();
    drop(watcher);
    eprintln!("stopped");
    Ok(())
}

/// Whether a file event can change the build: not the opens and reads (our own builds
/// cause those); watcher errors are printed and ignored (the next event rebuilds).
fn changes(event: &notify::Result<notify::Event>) -> bool {
    match event {
        Ok(event) => match event.kind {
            EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
            EventKind::Access(_) => false,
            // reading a file can update its access time (inotify's IN_ATTRIB); no build
            // input is metadata
            EventKind::Modify(ModifyKind::Metadata(_)) => false,
            _ => true,
        },
        Err(e) => {
            eprintln!("warning: watching the project: {e}");
            false
        }
    }
}

/// Opens `url` in the default browser; a failure is a warning.
fn open_browser(url: &str) {
    let mut command = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    command
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    if let Err(e) = command.spawn() {
        eprintln!("warning: could not open a browser ({e}): open {url} yourself");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_base_url_points_at_the_local_server() {
        let html = r#"<img src="https://tonkla.example/campaigns/email/assets/logo.png" alt="ต้นกล้า"><a href="https://tonkla.example/order?x=1">สั่งเลย</a>"#;
        let local = localize(
            html,
            "https://tonkla.example/campaigns/",
            "http://127.0.0.1:4747",
        );
        assert_eq!(
            local,
            r#"<img src="http://127.0.0.1:4747/email/assets/logo.png" alt="ต้นกล้า"><a href="https://tonkla.example/order?x=1">สั่งเลย</a>"#
        );
        // without a trailing slash in the guide, the same
        assert_eq!(
            localize(
                html,
                "https://tonkla.example/campaigns",
                "http://127.0.0.1:1"
            ),
            local.replace(":4747", ":1")
        );
        assert_eq!(localize(html, "", "http://127.0.0.1:1"), html);
    }

    #[test]
    fn a_position_error_renders_with_file_line_col_and_no_color() {
        let src = crate::error::SourceFile::new(
            Path::new("brand/brand.toml"),
            "[brand]\nname = \"ต้นกล้า\n",
        );
        let e = Error::At(Box::new(src.error(8..12, "unterminated string", "here")));
        let text = render_error(&e);
        assert!(text.contains("brand/brand.toml:2:1"), "{text}");
        assert!(!text.contains('\u{1b}'), "{text:?}");
    }

    #[test]
    fn a_port_in_use_names_the_port() {
        let taken = TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let port = taken.local_addr().unwrap().port();
        let e = listen(port).unwrap_err().to_string();
        assert!(e.contains(&format!("port {port} is already in use")), "{e}");
    }
}
