//! Paths read from content and the guide, resolved in one place.
//!
//! Pieces and the guide arrive in pull requests, so every path they name — a hero, a body
//! image, a link to a local file, a logo, a font, an image inside the logo SVG — is
//! untrusted. A [`Sandbox`] turns such a reference into a file on disk only when the file,
//! after every symbolic link is followed, lies inside the project root or one of the extra
//! asset roots the guide lists (`[brand] asset_roots`, for a monorepo's shared images).
//! Everything else is a [`PathProblem`] that the caller reports at the file, line and
//! column that named the path.
//!
//! File names that end up in the output are checked here too ([`unsafe_name`]): a name
//! that is reserved or unsafe on any common OS is refused before anything is written.

use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The largest file a piece or the guide may pull in (heroes, images, fonts, logos).
pub const MAX_ASSET_BYTES: u64 = 64 * 1024 * 1024;

/// The roots files may be read from: canonical paths, the project root first.
#[derive(Debug, Clone)]
pub struct Sandbox {
    roots: Vec<PathBuf>,
    /// What the roots are, for messages ("the project", "brand/").
    scope: Scope,
}

/// Whether a sandbox is the project (and its asset roots) or one folder of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Project,
    /// One folder, as the user knows it (`brand/`).
    Folder(String),
}

/// Why a reference does not name a readable file inside the sandbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathProblem {
    /// An absolute path (`/etc/passwd`, `C:\x`).
    Absolute,
    /// It resolves (after symbolic links) outside every root.
    Outside { resolved: PathBuf, scope: Scope },
    /// No such file.
    Missing { path: PathBuf },
    /// It exists but is not a regular file (a folder, a device, a pipe).
    NotAFile { path: PathBuf },
    /// Bigger than [`MAX_ASSET_BYTES`].
    TooLarge { path: PathBuf, bytes: u64 },
    /// Reading it failed.
    Unreadable { path: PathBuf, message: String },
}

impl fmt::Display for PathProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathProblem::Absolute => f.write_str(
                "is an absolute path, outside the project: write it relative to the file that names it",
            ),
            PathProblem::Outside {
                resolved,
                scope: Scope::Project,
            } => write!(
                f,
                "is outside the project (it resolves to {}); list its folder in [brand] asset_roots to allow it",
                resolved.display()
            ),
            PathProblem::Outside {
                resolved,
                scope: Scope::Folder(folder),
            } => write!(
                f,
                "is outside {folder}, the only folder it may read from (it resolves to {})",
                resolved.display()
            ),
            PathProblem::Missing { path } => write!(f, "not found ({})", path.display()),
            PathProblem::NotAFile { path } => {
                write!(f, "is not a regular file ({})", path.display())
            }
            PathProblem::TooLarge { path, bytes } => write!(
                f,
                "is {bytes} bytes, over the {} MiB limit ({})",
                MAX_ASSET_BYTES / (1024 * 1024),
                path.display()
            ),
            PathProblem::Unreadable { path, message } => {
                write!(f, "cannot be read ({}): {message}", path.display())
            }
        }
    }
}

impl Sandbox {
    /// A sandbox of `root` and `extra` roots (each relative to `root` unless absolute).
    /// Roots that do not exist are left out: nothing can be read from them anyway.
    pub fn new(root: &Path, extra: &[PathBuf]) -> Sandbox {
        let mut roots = Vec::new();
        let root_canon = canonical_or_absolute(root);
        roots.push(root_canon.clone());
        for e in extra {
            if let Ok(c) = root_canon.join(e).canonicalize() {
                roots.push(c);
            }
        }
        Sandbox {
            roots,
            scope: Scope::Project,
        }
    }

    /// A sandbox of exactly these canonical roots (what lint may read); none: nothing.
    pub fn of(roots: Vec<PathBuf>) -> Sandbox {
        Sandbox {
            roots,
            scope: Scope::Project,
        }
    }

    /// A sandbox of one folder only (the logo SVG may only read images under `brand/`).
    pub fn only(dir: &Path) -> Sandbox {
        let name = dir
            .file_name()
            .map(|n| format!("{}/", n.to_string_lossy()))
            .unwrap_or_else(|| dir.display().to_string());
        Sandbox {
            roots: vec![canonical_or_absolute(dir)],
            scope: Scope::Folder(name),
        }
    }

    fn outside(&self, resolved: PathBuf) -> PathProblem {
        PathProblem::Outside {
            resolved,
            scope: self.scope.clone(),
        }
    }

    /// Whether a canonical path lies inside a root.
    pub fn contains(&self, canonical: &Path) -> bool {
        self.roots.iter().any(|r| canonical.starts_with(r))
    }

    /// The file that `reference` (a relative path, as written in a piece or the guide)
    /// names when read from `base_dir`: canonical, a regular file, inside the sandbox.
    pub fn resolve(&self, base_dir: &Path, reference: &Path) -> Result<PathBuf, PathProblem> {
        if reference.has_root()
            || reference
                .components()
                .any(|c| matches!(c, Component::Prefix(_) | Component::RootDir))
        {
            return Err(PathProblem::Absolute);
        }
        let joined = base_dir.join(reference);
        let canonical = match joined.canonicalize() {
            Ok(c) => c,
            Err(_) => {
                // Missing: say so only when the path would have stayed inside, so a
                // probe cannot tell which files exist outside.
                let lexical = lexical_normal(&canonical_or_absolute(base_dir).join(reference));
                if !self.contains(&lexical) {
                    return Err(self.outside(lexical));
                }
                return Err(PathProblem::Missing { path: joined });
            }
        };
        if !self.contains(&canonical) {
            return Err(self.outside(canonical));
        }
        let meta = std::fs::metadata(&canonical).map_err(|e| PathProblem::Unreadable {
            path: joined.clone(),
            message: e.to_string(),
        })?;
        if !meta.is_file() {
            return Err(PathProblem::NotAFile { path: joined });
        }
        if meta.len() > MAX_ASSET_BYTES {
            return Err(PathProblem::TooLarge {
                path: joined,
                bytes: meta.len(),
            });
        }
        Ok(canonical)
    }

    /// Reads a file [`Sandbox::resolve`] returned, within [`MAX_ASSET_BYTES`].
    pub fn read(&self, canonical: &Path) -> Result<Vec<u8>, PathProblem> {
        if !self.contains(canonical) {
            return Err(self.outside(canonical.to_path_buf()));
        }
        use std::io::Read;
        let file = std::fs::File::open(canonical).map_err(|e| PathProblem::Unreadable {
            path: canonical.to_path_buf(),
            message: e.to_string(),
        })?;
        let mut bytes = Vec::new();
        file.take(MAX_ASSET_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| PathProblem::Unreadable {
                path: canonical.to_path_buf(),
                message: e.to_string(),
            })?;
        if bytes.len() as u64 > MAX_ASSET_BYTES {
            return Err(PathProblem::TooLarge {
                path: canonical.to_path_buf(),
                bytes: bytes.len() as u64,
            });
        }
        Ok(bytes)
    }

    /// usvg options whose image loader reads only files inside this sandbox (relative to
    /// `svg_dir`); every refused `href` is recorded in the returned [`Refusals`], which
    /// the caller turns into an error naming the SVG file once parsing is done.
    pub fn svg_options(&self, svg_dir: &Path) -> (resvg::usvg::Options<'static>, Refusals) {
        let refusals = Refusals::default();
        let sandbox = self.clone();
        let dir = svg_dir.to_path_buf();
        let record = refusals.clone();
        let resolve_string = Box::new(
            move |href: &str, opts: &resvg::usvg::Options| -> Option<resvg::usvg::ImageKind> {
                let reference = match decode_reference(href) {
                    Ok(r) => r,
                    Err(why) => {
                        record.push(format!("<image href={href:?}>: {why}"));
                        return None;
                    }
                };
                let loaded = sandbox
                    .resolve(&dir, Path::new(&reference))
                    .and_then(|path| sandbox.read(&path));
                match loaded {
                    Ok(data) => svg_image_kind(data, opts),
                    Err(problem) => {
                        record.push(format!("<image href={href:?}> {problem}"));
                        None
                    }
                }
            },
        );
        let options = resvg::usvg::Options {
            resources_dir: Some(svg_dir.to_path_buf()),
            image_href_resolver: resvg::usvg::ImageHrefResolver {
                resolve_data: resvg::usvg::ImageHrefResolver::default_data_resolver(),
                resolve_string,
            },
            ..Default::default()
        };
        (options, refusals)
    }
}

/// Image references an SVG tried to load and was refused.
#[derive(Debug, Clone, Default)]
pub struct Refusals(Arc<Mutex<Vec<String>>>);

impl Refusals {
    fn push(&self, message: String) {
        if let Ok(mut v) = self.0.lock() {
            v.push(message);
        }
    }

    /// The refusals so far, one message each.
    pub fn take(&self) -> Vec<String> {
        self.0
            .lock()
            .map(|mut v| std::mem::take(&mut *v))
            .unwrap_or_default()
    }

    /// `Err` naming `svg` and every refused reference, if there were any.
    pub fn check(&self, svg: &Path) -> Result<(), String> {
        let refused = self.take();
        if refused.is_empty() {
            return Ok(());
        }
        Err(format!("{}: {}", svg.display(), refused.join("; ")))
    }
}

fn svg_image_kind(data: Vec<u8>, opts: &resvg::usvg::Options) -> Option<resvg::usvg::ImageKind> {
    use resvg::usvg::ImageKind;
    let data = Arc::new(data);
    if data.starts_with(b"\x89PNG") {
        Some(ImageKind::PNG(data))
    } else if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageKind::JPEG(data))
    } else if data.starts_with(b"GIF8") {
        Some(ImageKind::GIF(data))
    } else if data.len() > 12 && &data[0..4] == b"RIFF" && &data[8..12] == b"WEBP" {
        Some(ImageKind::WEBP(data))
    } else {
        // A nested SVG: parsed as the SVG spec says for <image> (its own external images
        // ignored, so an SVG that shows itself cannot recurse forever), svgz inflated
        // within limits.
        nested_svg(&data, opts).map(ImageKind::SVG)
    }
}

/// The first bytes of gzip data (a `.svgz`).
pub const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];

/// An SVG file shown by an `<image>` inside another SVG: parsed the way the SVG spec
/// (and usvg's own loader) wants, with its external images ignored — so an SVG showing
/// itself cannot recurse until the stack overflows — and inflated within the size limit
/// when compressed. `data:` images inside still go through `opts`.
pub fn nested_svg(data: &[u8], opts: &resvg::usvg::Options) -> Option<resvg::usvg::Tree> {
    let plain;
    let data = if data.starts_with(GZIP_MAGIC) {
        plain = gunzip(data).ok()?;
        &plain[..]
    } else {
        data
    };
    resvg::usvg::Tree::from_data_nested(data, opts).ok()
}

/// Inflates gzipped SVG up to [`MAX_ASSET_BYTES`].
pub fn gunzip(bytes: &[u8]) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .take(MAX_ASSET_BYTES + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("is not readable compressed SVG: {e}"))?;
    if out.len() as u64 > MAX_ASSET_BYTES {
        return Err(format!(
            "inflates to more than {} MiB (compressed SVG is limited like any file)",
            MAX_ASSET_BYTES / (1024 * 1024)
        ));
    }
    Ok(out)
}

/// A Markdown or SVG reference as a path: `%XX` escapes decoded (browsers decode them, so
/// `%2e%2e/` is `../`), and never a URL with a scheme.
pub fn decode_reference(reference: &str) -> Result<String, String> {
    let bytes = reference.trim().as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    let text = String::from_utf8(out).map_err(|_| "its %-escapes are not UTF-8".to_string())?;
    if text.chars().any(|c| c.is_control()) {
        return Err("it holds a control character".into());
    }
    Ok(text)
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// `path` made absolute without touching the disk when it cannot be canonicalized.
fn canonical_or_absolute(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| {
        let abs = if path.is_absolute() {
            path.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(path)
        };
        lexical_normal(&abs)
    })
}

/// `a/b/../c` → `a/c`, without following links (for paths that do not exist).
fn lexical_normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Names Windows reserves for devices, with or without an extension.
const RESERVED: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// The longest file name or slug we write, in bytes (most file systems stop at 255).
pub const MAX_NAME_BYTES: usize = 200;

/// Why a file name (or slug) that will become part of an output path is unsafe on some
/// common OS; `None` when it is safe everywhere.
pub fn unsafe_name(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("it is empty".into());
    }
    if name.len() > MAX_NAME_BYTES {
        return Some(format!(
            "it is {} bytes long; names are limited to {MAX_NAME_BYTES} bytes",
            name.len()
        ));
    }
    let stem = name.split('.').next().unwrap_or("").trim_end();
    if RESERVED.contains(&stem.to_ascii_lowercase().as_str()) {
        return Some(format!(
            "{stem:?} is a reserved device name on Windows (CON, PRN, AUX, NUL, COM1–9, LPT1–9)"
        ));
    }
    if name.starts_with('-') {
        return Some("it starts with '-', which command-line tools read as an option".into());
    }
    if name == "." || name == ".." {
        return Some("it names a folder, not a file".into());
    }
    if let Some(c) = name.chars().find(|c| {
        c.is_control() || matches!(c, '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*')
    }) {
        return Some(format!(
            "it holds {c:?}, which is not allowed in file names on Windows"
        ));
    }
    if name.ends_with('.') || name.ends_with(' ') {
        return Some("it ends with a dot or a space, which Windows drops".into());
    }
    None
}

/// A file name as a URL path segment: everything but unreserved characters
/// percent-encoded (RFC 3986), so `my pic#1.png` is `my%20pic%231.png`.
pub fn url_segment(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("project");
        std::fs::create_dir_all(root.join("content/sub")).unwrap();
        std::fs::write(root.join("content/sub/pic.png"), b"png").unwrap();
        std::fs::create_dir_all(dir.path().join("outside")).unwrap();
        std::fs::write(dir.path().join("outside/secret.txt"), b"secret").unwrap();
        (dir, root)
    }

    #[test]
    fn resolves_inside_and_refuses_outside() {
        let (dir, root) = project();
        let sandbox = Sandbox::new(&root, &[]);
        let content = root.join("content");
        assert!(sandbox.resolve(&content, Path::new("sub/pic.png")).is_ok());
        assert!(
            sandbox
                .resolve(&content, Path::new("./sub/../sub/pic.png"))
                .is_ok()
        );
        assert_eq!(
            sandbox.resolve(&content, Path::new("/etc/passwd")),
            Err(PathProblem::Absolute)
        );
        assert!(matches!(
            sandbox.resolve(&content, Path::new("../../outside/secret.txt")),
            Err(PathProblem::Outside { .. })
        ));
        // A missing file outside is "outside", not "missing": no probing.
        assert!(matches!(
            sandbox.resolve(&content, Path::new("../../outside/nope.txt")),
            Err(PathProblem::Outside { .. })
        ));
        assert!(matches!(
            sandbox.resolve(&content, Path::new("nope.png")),
            Err(PathProblem::Missing { .. })
        ));
        assert!(matches!(
            sandbox.resolve(&content, Path::new("sub")),
            Err(PathProblem::NotAFile { .. })
        ));
        drop(dir);
    }

    #[test]
    fn follows_symlinks_before_deciding() {
        let (dir, root) = project();
        let outside = dir.path().join("outside");
        std::os::unix::fs::symlink(outside.join("secret.txt"), root.join("content/s.txt")).unwrap();
        std::os::unix::fs::symlink(&outside, root.join("content/shared")).unwrap();
        std::os::unix::fs::symlink(root.join("content/sub/pic.png"), root.join("content/p.png"))
            .unwrap();
        let sandbox = Sandbox::new(&root, &[]);
        let content = root.join("content");
        for bad in ["s.txt", "shared/secret.txt"] {
            assert!(
                matches!(
                    sandbox.resolve(&content, Path::new(bad)),
                    Err(PathProblem::Outside { .. })
                ),
                "{bad}"
            );
        }
        // A link that stays inside is fine.
        assert!(sandbox.resolve(&content, Path::new("p.png")).is_ok());
        // An extra root opens exactly that folder.
        let sandbox = Sandbox::new(&root, &[PathBuf::from("../outside")]);
        assert!(sandbox.resolve(&content, Path::new("s.txt")).is_ok());
    }

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(decode_reference("%2e%2e/a%20b.png").unwrap(), "../a b.png");
        assert_eq!(decode_reference("100%").unwrap(), "100%");
        assert_eq!(decode_reference("a%e0%b8%81.png").unwrap(), "aก.png");
        assert!(decode_reference("a%00b").is_err());
        assert!(decode_reference("%ff").is_err());
    }

    #[test]
    fn unsafe_names() {
        for bad in [
            "con", "CON.png", "aux", "nul.md", "com1.txt", "lpt9", "-rf", "a:b", "a\u{1}b", "x.",
            "",
        ] {
            assert!(unsafe_name(bad).is_some(), "{bad}");
        }
        assert!(unsafe_name(&"a".repeat(201)).unwrap().contains("200 bytes"));
        for good in ["console.png", "pic.png", "รูป.png", "my pic#1.png", "a-b"] {
            assert_eq!(unsafe_name(good), None, "{good}");
        }
    }

    #[test]
    fn url_segments_are_percent_encoded() {
        assert_eq!(url_segment("my pic#1.png"), "my%20pic%231.png");
        assert_eq!(url_segment("ก.png"), "%E0%B8%81.png");
    }
}
