//! The requests `serve` answers: the output folder's files (safely: nothing outside it,
//! whatever the URL or a symbolic link says), the live-reload client and event stream,
//! and an outputs listing when the folder has no `index.html`.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

use percent_encoding::percent_decode_str;
use tiny_http::{Header, Method, Request, Response, StatusCode};

use super::State;
use super::events;
use crate::manifest::CampaignManifest;

/// The reload client, served at [`CLIENT`].
const CLIENT_JS: &str = include_str!("client.js");
/// URL prefix of serve's own resources; no output can be there (no output folder starts
/// with `__`).
pub const PREFIX: &str = "/__brandpress/";
const CLIENT: &str = "/__brandpress/client.js";
pub const EVENTS: &str = "/__brandpress/events";
const STATUS: &str = "/__brandpress/status";
const OUTPUTS: &str = "/__brandpress/outputs";

/// HTML files larger than this are served as they are (no reload client, no email
/// rewrite) instead of being read into memory.
const MAX_REWRITTEN_HTML: u64 = 32 << 20;
/// Longest request target accepted.
const MAX_URL: usize = 8 << 10;

/// Answers one request (on its own thread).
pub fn handle(state: &State, request: Request) {
    let url = request.url().to_string();
    if url.len() > MAX_URL {
        return reply(request, error_page(414, "URL too long", ""));
    }
    if !host_ok(state, &request) {
        // DNS rebinding: a page of another site resolving its name to 127.0.0.1 must not
        // read the preview.
        return reply(request, error_page(421, "Misdirected request", ""));
    }
    let head = match request.method() {
        Method::Get => false,
        Method::Head => true,
        _ => {
            let response =
                error_page(405, "Method not allowed", "").with_header(header("Allow", "GET, HEAD"));
            return reply(request, response);
        }
    };
    let (path, query) = match url.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (url.as_str(), None),
    };
    let path = path.split('#').next().unwrap_or_default();
    match path {
        EVENTS if !head => return events(state, request),
        CLIENT => {
            let r = Response::from_string(CLIENT_JS)
                .with_header(header("Content-Type", "text/javascript; charset=utf-8"))
                .boxed();
            return reply(request, r);
        }
        STATUS => {
            let r = Response::from_string(state.status_json())
                .with_header(header("Content-Type", "application/json"))
                .boxed();
            return reply(request, r);
        }
        OUTPUTS => return reply(request, html(state, listing(state))),
        p if p.starts_with(PREFIX) => return reply(request, not_found(state, p)),
        p if p == super::BOOK.trim_end_matches('/') => {
            let r = Response::from_string(String::new())
                .with_status_code(301)
                .with_header(header("Location", super::BOOK))
                .boxed();
            return reply(request, r);
        }
        p if p.starts_with(super::BOOK) => {
            let r = book_response(state, &p[super::BOOK.len() - 1..]);
            return reply(request, r);
        }
        _ => {}
    }
    let response = match resolve(&state.out, path) {
        Resolved::File(file, relative) => file_response(state, &file, &relative),
        Resolved::Redirect => {
            let mut to = format!("{path}/");
            if let Some(q) = query {
                to.push('?');
                to.push_str(q);
            }
            Response::from_string(String::new())
                .with_status_code(301)
                .with_header(header("Location", &to))
                .boxed()
        }
        Resolved::Listing => html(state, listing(state)),
        Resolved::NotFound => not_found(state, path),
        Resolved::Bad(why) => error_page(400, "Bad request", why),
    };
    reply(request, response)
}

/// Sends `response` with the headers every response has.
fn reply(request: Request, response: Response<Box<dyn Read + Send>>) {
    let response = response
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"));
    // A client that went away is no error of ours.
    let _ = request.respond(response);
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("ASCII header")
}

/// The `Host` header names this server (127.0.0.1 or localhost on our port); requests
/// without one (HTTP/1.0) are let through.
fn host_ok(state: &State, request: &Request) -> bool {
    let Some(host) = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str().to_ascii_lowercase())
    else {
        return true;
    };
    let port = state.port;
    [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ]
    .contains(&host)
}

fn events(state: &State, request: Request) {
    let Some(rx) = state.hub.subscribe() else {
        return reply(
            request,
            error_page(503, "Too many open pages", "close some tabs"),
        );
    };
    let first = state.hello();
    events::stream(request.into_writer(), &first, rx);
}

/// Where a URL path leads inside the output folder.
#[derive(Debug, PartialEq)]
pub enum Resolved {
    /// A file, and its path relative to the output folder (`/`-separated).
    File(PathBuf, String),
    /// A folder named without its trailing slash (relative links need it).
    Redirect,
    /// The output folder itself, without an `index.html`.
    Listing,
    NotFound,
    Bad(&'static str),
}

/// Resolves a request path (still percent-encoded) against `root`. Nothing outside
/// `root` is ever returned: `..` segments, backslashes, NUL and non-UTF-8 are refused
/// before the file system is asked, and the real path (symbolic links followed) must lie
/// under the real root.
pub fn resolve(root: &Path, path: &str) -> Resolved {
    if !path.starts_with('/') {
        return Resolved::Bad("the path must start with /");
    }
    let Ok(decoded) = percent_decode_str(path).decode_utf8() else {
        return Resolved::Bad("the path is not UTF-8");
    };
    if decoded.contains(['\0', '\\']) {
        return Resolved::Bad("the path holds a NUL or a backslash");
    }
    let mut relative = PathBuf::new();
    let mut parts = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return Resolved::Bad("the path climbs out with .."),
            s => {
                // one normal component each (no drive letters or roots on Windows)
                let mut components = Path::new(s).components();
                if !matches!(
                    (components.next(), components.next()),
                    (Some(Component::Normal(_)), None)
                ) {
                    return Resolved::Bad("the path has an unusual segment");
                }
                relative.push(s);
                parts.push(s);
            }
        }
    }
    let Ok(real_root) = root.canonicalize() else {
        return if parts.is_empty() {
            Resolved::Listing
        } else {
            Resolved::NotFound
        };
    };
    let Ok(real) = real_root.join(&relative).canonicalize() else {
        return if parts.is_empty() {
            Resolved::Listing
        } else {
            Resolved::NotFound
        };
    };
    if !real.starts_with(&real_root) {
        return Resolved::NotFound;
    }
    let Ok(meta) = std::fs::metadata(&real) else {
        return Resolved::NotFound;
    };
    let mut rel = parts.join("/");
    if meta.is_dir() {
        if !parts.is_empty() && !decoded.ends_with('/') {
            return Resolved::Redirect;
        }
        let index = real.join("index.html");
        match index.canonicalize() {
            Ok(i) if i.starts_with(&real_root) && i.is_file() => {
                if !rel.is_empty() {
                    rel.push('/');
                }
                rel.push_str("index.html");
                return Resolved::File(i, rel);
            }
            _ if parts.is_empty() => return Resolved::Listing,
            _ => return Resolved::NotFound,
        }
    }
    if !meta.is_file() {
        return Resolved::NotFound;
    }
    Resolved::File(real, rel)
}

/// The content type for a file name.
pub fn content_type(name: &str) -> &'static str {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "txt" | "md" => "text/plain; charset=utf-8",
        // shown as text rather than downloaded: a preview
        "eml" => "text/plain; charset=utf-8",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "icc" | "icm" => "application/vnd.iccprofile",
        _ => "application/octet-stream",
    }
}

fn file_response(state: &State, file: &Path, relative: &str) -> Response<Box<dyn Read + Send>> {
    let kind = content_type(relative);
    let Ok(mut handle) = std::fs::File::open(file) else {
        return not_found(state, relative);
    };
    let size = handle.metadata().map(|m| m.len()).unwrap_or(u64::MAX);
    if kind.starts_with("text/html") && size <= MAX_REWRITTEN_HTML {
        let mut bytes = Vec::new();
        if handle.read_to_end(&mut bytes).is_err() {
            return not_found(state, relative);
        }
        let mut text = String::from_utf8_lossy(&bytes).into_owned();
        let email = relative
            .split('/')
            .next()
            .is_some_and(|top| top == crate::channel::Channel::Email.name());
        if email {
            text = state.localize_email(&text);
        }
        return html(state, text);
    }
    Response::new(
        StatusCode(200),
        vec![header("Content-Type", kind)],
        Box::new(handle) as Box<dyn Read + Send>,
        usize::try_from(size).ok(),
        None,
    )
}

/// A file of the brand book (kept in memory): the same path checks as the output's.
fn book_response(state: &State, path: &str) -> Response<Box<dyn Read + Send>> {
    let Ok(decoded) = percent_decode_str(path).decode_utf8() else {
        return error_page(400, "Bad request", "the path is not UTF-8");
    };
    if decoded.contains(['\0', '\\']) || decoded.split('/').any(|s| s == "..") {
        return error_page(400, "Bad request", "the path climbs out or holds NUL");
    }
    let mut relative = decoded.trim_start_matches('/').to_string();
    if relative.is_empty() || relative.ends_with('/') {
        relative.push_str("index.html");
    }
    let Some(bytes) = state.book_file(&relative) else {
        return not_found(state, &format!("{}{relative}", super::BOOK));
    };
    let kind = content_type(&relative);
    if kind.starts_with("text/html") {
        return html(state, String::from_utf8_lossy(&bytes).into_owned());
    }
    Response::from_data(bytes)
        .with_header(header("Content-Type", kind))
        .boxed()
}

/// An HTML response with the reload client injected (before `</body>`, else at the end).
fn html(state: &State, mut text: String) -> Response<Box<dyn Read + Send>> {
    let tag = format!(
        "<script src=\"{CLIENT}\" data-generation=\"{}\"></script>",
        state.generation()
    );
    match rfind_ascii_ci(&text, "</body") {
        Some(at) => text.insert_str(at, &tag),
        None => text.push_str(&tag),
    }
    Response::from_string(text)
        .with_header(header("Content-Type", "text/html; charset=utf-8"))
        .boxed()
}

/// Byte offset of the last case-insensitive ASCII `needle` in `hay`.
fn rfind_ascii_ci(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    (0..=h.len().checked_sub(n.len())?)
        .rev()
        .find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

fn not_found(state: &State, path: &str) -> Response<Box<dyn Read + Send>> {
    let body = page(
        "Not found",
        &format!(
            "<h1>404 — not in the output</h1><p><code>{}</code> is not a file of this build.</p>\
             <p><a href=\"/\">The campaign</a> · <a href=\"{OUTPUTS}\">every output</a></p>",
            escape(path)
        ),
    );
    let mut r = html(state, body);
    r = r.with_status_code(404);
    r
}

fn error_page(code: u16, title: &str, detail: &str) -> Response<Box<dyn Read + Send>> {
    let body = page(
        title,
        &format!("<h1>{code} {}</h1><p>{}</p>", escape(title), escape(detail)),
    );
    Response::from_string(body)
        .with_status_code(code)
        .with_header(header("Content-Type", "text/html; charset=utf-8"))
        .boxed()
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} · brandpress serve</title>\
         <style>body{{font:15px/1.5 system-ui,'Noto Sans Thai',sans-serif;margin:2rem;color:#222}}\
         h2{{margin-top:2rem}}ul{{padding-left:1.2rem}}\
         .cards{{display:flex;flex-wrap:wrap;gap:12px}}.cards figure{{margin:0;width:220px}}\
         .cards img{{width:100%;height:auto;border:1px solid #ddd}}\
         figcaption{{font-size:12px;word-break:break-all}}</style></head>\
         <body>{body}</body></html>\n",
        escape(title)
    )
}

/// Every output of the last good build by channel, from its campaign manifest: cards as
/// pictures, the rest as links.
fn listing(state: &State) -> String {
    let records = CampaignManifest::previous(&state.out);
    let mut body = format!(
        "<h1>Outputs</h1><p><a href=\"/\">The contact sheet</a> · <a href=\"{}\">the brand book</a></p>",
        super::BOOK
    );
    if records.is_empty() {
        body.push_str(&format!(
            "<p>Nothing built yet{}.</p>",
            if state.has_error() {
                ": the project does not build (see the error)"
            } else {
                ""
            }
        ));
    }
    let mut channels: Vec<&str> = records.iter().map(|r| r.channel.as_str()).collect();
    channels.dedup();
    for channel in channels {
        body.push_str(&format!("<h2>{}</h2>", escape(channel)));
        let mine = records.iter().filter(|r| r.channel == channel);
        let (cards, others): (Vec<_>, Vec<_>) = mine.partition(|r| r.preset.is_some());
        if !cards.is_empty() {
            body.push_str("<div class=\"cards\">");
            for r in cards {
                let href = url_path(&r.path);
                body.push_str(&format!(
                    "<figure><a href=\"{href}\"><img src=\"{href}\" alt=\"{}\" loading=\"lazy\"></a>\
                     <figcaption>{}</figcaption></figure>",
                    escape(r.text.as_deref().unwrap_or(&r.path)),
                    escape(&r.path)
                ));
            }
            body.push_str("</div>");
        }
        body.push_str("<ul>");
        for r in others {
            let href = url_path(&r.path);
            let shown = r.path.strip_suffix("index.html").unwrap_or(&r.path);
            body.push_str(&format!(
                "<li><a href=\"{href}\">{}</a></li>",
                escape(shown)
            ));
        }
        body.push_str("</ul>");
    }
    page("Outputs", &body)
}

/// `/` + the percent-encoded path (each segment), `index.html` left off.
fn url_path(relative: &str) -> String {
    use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
    const SEGMENT: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'%')
        .add(b'<')
        .add(b'>')
        .add(b'?')
        .add(b'`')
        .add(b'{')
        .add(b'}')
        .add(b'&')
        .add(b'\'');
    let trimmed = relative.strip_suffix("index.html").unwrap_or(relative);
    let mut out = String::from("/");
    out.push_str(
        &trimmed
            .split('/')
            .map(|s| utf8_percent_encode(s, SEGMENT).to_string())
            .collect::<Vec<_>>()
            .join("/"),
    );
    out
}

/// Escapes text and quoted attribute values: [`crate::render::html::escape`].
pub use crate::render::html::escape;

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir_all(out.join("web/ต้นกล้า")).unwrap();
        std::fs::write(out.join("web/ต้นกล้า/index.html"), "<p>กาแฟ</p>").unwrap();
        std::fs::write(out.join("a.png"), b"png").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "outside").unwrap();
        dir
    }

    #[test]
    fn files_folders_and_thai_paths_resolve_inside_the_root() {
        let dir = tree();
        let out = dir.path().join("out");
        let real = out.canonicalize().unwrap();
        assert_eq!(
            resolve(&out, "/a.png"),
            Resolved::File(real.join("a.png"), "a.png".into())
        );
        let thai = "/web/%E0%B8%95%E0%B9%89%E0%B8%99%E0%B8%81%E0%B8%A5%E0%B9%89%E0%B8%B2/";
        assert_eq!(
            resolve(&out, thai),
            Resolved::File(
                real.join("web/ต้นกล้า/index.html"),
                "web/ต้นกล้า/index.html".into()
            )
        );
        assert_eq!(
            resolve(&out, thai.trim_end_matches('/')),
            Resolved::Redirect
        );
        assert_eq!(resolve(&out, "/"), Resolved::Listing);
        assert_eq!(resolve(&out, "/nope.html"), Resolved::NotFound);
    }

    #[test]
    fn traversal_nul_backslash_and_bad_utf8_are_refused() {
        let dir = tree();
        let out = dir.path().join("out");
        for bad in [
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2E%2fsecret.txt",
            "/web/..%2f..%2fsecret.txt",
            "/a.png%00.html",
            "/..%5csecret.txt",
            "/%ff",
            "relative",
        ] {
            assert!(
                matches!(resolve(&out, bad), Resolved::Bad(_)),
                "{bad}: {:?}",
                resolve(&out, bad)
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_out_of_the_root_is_not_followed() {
        let dir = tree();
        let out = dir.path().join("out");
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), out.join("leak.txt")).unwrap();
        std::os::unix::fs::symlink(dir.path(), out.join("up")).unwrap();
        assert_eq!(resolve(&out, "/leak.txt"), Resolved::NotFound);
        assert_eq!(resolve(&out, "/up/secret.txt"), Resolved::NotFound);
    }

    #[test]
    fn content_types_and_html_injection_point() {
        assert_eq!(content_type("web/x/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("social/x-og.PNG"), "image/png");
        assert_eq!(content_type("print/x.pdf"), "application/pdf");
        assert_eq!(
            content_type("web/assets/fonts/NotoSansThai-Regular.ttf"),
            "font/ttf"
        );
        assert_eq!(content_type("noext"), "application/octet-stream");
        assert_eq!(
            rfind_ascii_ci("<p>ไทย</p></BODY></html>", "</body"),
            Some(16)
        );
        assert_eq!(rfind_ascii_ci("x", "</body"), None);
        assert_eq!(
            url_path("web/ต้นกล้า/index.html"),
            "/web/ต้นกล้า/".replace(
                "ต้นกล้า",
                "%E0%B8%95%E0%B9%89%E0%B8%99%E0%B8%81%E0%B8%A5%E0%B9%89%E0%B8%B2"
            )
        );
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
