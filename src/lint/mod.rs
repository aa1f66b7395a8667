//! `brandpress lint`: checks any output — ours or one made by hand — against the guide.
//!
//! Files are found under the given paths, their kind is detected by content (the name
//! decides only between text formats, and says what a file that reads as nothing should
//! have been), and each kind's linter (`lint/<kind>`) runs in parallel. Rules produce
//! [`Finding`]s; the guide's `[lint.rules]` then sets or turns off each rule's severity;
//! reporters (`report/`) only format.
//!
//! Every file given to lint may be hostile, so:
//! - [`lint_bytes`] is a pure function of a file's bytes and the guide (plus files inside
//!   the linted roots, see [`roots`]): fuzz targets call it directly;
//! - each linter bounds its work (nesting depth, operators, decoded bytes, pixels) and
//!   reports what it could not check (`*/too-complex`, `image/too-large`) or read
//!   (`*/unreadable`) as a finding;
//! - a panic in one file's linter becomes a `lint/internal-error` finding on that file
//!   ([`guard`]), and the rest of the report completes.

pub mod baseline;
pub mod built;
pub mod cache;
pub mod changed;
pub mod consistency;
pub mod email;
pub mod finding;
pub mod fix;
pub mod guard;
pub mod guide;
pub mod html;
pub mod ignore;
pub mod image;
pub mod markdown;
pub mod pdf;
pub mod qr;
pub mod roots;
pub mod rules;
pub mod shard;
pub mod tone;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use rayon::prelude::*;

pub use finding::{Edit, Excerpt, Finding, Location, Severity};
pub use roots::{Reach, Roots};

use crate::brand::{Guide, LintKind, RuleLevel};
use crate::channel::Channel;
use crate::error::{Error, Result};

/// What a file is, detected from its bytes (and, for text formats, its name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Html,
    /// HTML written for email clients (table layout / MSO conditionals / email meta).
    EmailHtml,
    Png,
    Jpeg,
    /// A GIF (its first frame is checked).
    Gif,
    Webp,
    /// An SVG or SVGZ picture (rasterized at its size, then checked as an image).
    Svg,
    Pdf,
    /// A MIME message (`.eml`).
    Eml,
    Markdown,
    /// A file that goes with pages (CSS, scripts, fonts, plain text…): not linted on its
    /// own.
    Other,
    /// A format lint recognizes but cannot check (what it is, for the message): reported
    /// as `lint/unsupported-file`.
    Unsupported(&'static str),
    /// Neither detected from its bytes nor named like a known format: reported as
    /// `lint/unknown-kind`, so nothing passes unchecked without a word.
    Unknown,
}

/// Extensions of files that go with pages and are not linted on their own.
const COMPANIONS: &[&str] = &[
    "css",
    "js",
    "mjs",
    "map",
    "json",
    "xml",
    "txt",
    "ttf",
    "otf",
    "woff",
    "woff2",
    "eot",
    "webmanifest",
    "csv",
];

/// Formats lint recognizes but has no checker for, by magic bytes and by extension.
fn unsupported(ext: &str, bytes: &[u8]) -> Option<&'static str> {
    let brand = bytes.get(4..12);
    if brand == Some(b"ftypavif") || brand == Some(b"ftypavis") || ext == "avif" {
        return Some("an AVIF image (no pure-Rust AVIF decoder is used)");
    }
    if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") || ["tif", "tiff"].contains(&ext)
    {
        return Some("a TIFF image");
    }
    if ext == "bmp" {
        return Some("a BMP image");
    }
    if bytes.starts_with(&[0, 0, 1, 0]) || ext == "ico" || ext == "cur" {
        return Some("an ICO icon");
    }
    if ext == "mjml" {
        return Some("an MJML source (lint the HTML it compiles to)");
    }
    if bytes.starts_with(&[0x1F, 0x8B]) {
        return Some("a gzip archive (unpack it and lint what is inside)");
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Some("a zip archive (unpack it and lint what is inside)");
    }
    None
}

/// Detects a file's kind from its first bytes. The name decides between text formats,
/// and what a file whose bytes are no known format was meant to be: random bytes or an
/// empty file named `.png` are a PNG (that its linter reports unreadable), not "other".
pub fn detect_kind(path: &Path, bytes: &[u8]) -> FileKind {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return FileKind::Png;
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return FileKind::Jpeg;
    }
    if bytes.starts_with(b"%PDF-") {
        return FileKind::Pdf;
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return FileKind::Gif;
    }
    if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return FileKind::Webp;
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "png" => return FileKind::Png,
        "jpg" | "jpeg" | "jpe" | "jfif" => return FileKind::Jpeg,
        "pdf" => return FileKind::Pdf,
        "gif" => return FileKind::Gif,
        "webp" => return FileKind::Webp,
        "svg" | "svgz" => return FileKind::Svg,
        "md" | "markdown" => return FileKind::Markdown,
        _ => {}
    }
    if let Some(what) = unsupported(&ext, bytes) {
        return FileKind::Unsupported(what);
    }
    let head = html::charset::decode(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
    let trimmed = head.trim_start_matches('\u{feff}').trim_start();
    // XHTML may open with an XML prolog (and comments) before its doctype.
    let xhtml =
        trimmed.starts_with("<?xml") && (head.contains("<!doctype html") || head.contains("<html"));
    if trimmed.starts_with("<svg")
        || (trimmed.starts_with("<?xml") && head.contains("<svg") && !xhtml)
    {
        return FileKind::Svg;
    }
    if trimmed.starts_with("<!doctype html")
        || trimmed.starts_with("<html")
        || xhtml
        || ext == "html"
        || ext == "htm"
    {
        return if looks_like_email(bytes) {
            FileKind::EmailHtml
        } else {
            FileKind::Html
        };
    }
    let mime = [
        "mime-version:",
        "content-type: multipart",
        "from:",
        "subject:",
    ];
    if ext == "eml" || mime.iter().filter(|h| head.contains(*h)).count() >= 2 {
        return FileKind::Eml;
    }
    let hidden = path
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with('.'));
    if COMPANIONS.contains(&ext.as_str()) || hidden {
        // hidden files (.DS_Store, .gitkeep, a tool's lock) are not published pages
        FileKind::Other
    } else {
        FileKind::Unknown
    }
}

/// How much of a page [`looks_like_email`] reads.
const EMAIL_SNIFF_BYTES: usize = 64 * 1024;

/// Whether an HTML document was written for email clients, judged by its structure, as
/// ESP templates (Mailchimp, SendGrid, Postmark, MJML output, hand-made ones) are written:
/// client markers (MSO conditionals, Outlook namespaces, Apple's reformatting meta) decide
/// alone; otherwise at least three points from `mso-` CSS properties, presentation tables,
/// `cellpadding`/`cellspacing`, `bgcolor`, an XHTML 1.0 doctype, ESP merge tags, a 600 px
/// body and many inline styles. A page with a `<script>` is never email (clients drop
/// scripts, so no one writes them into an email).
pub fn looks_like_email(bytes: &[u8]) -> bool {
    let head =
        html::charset::decode(&bytes[..bytes.len().min(EMAIL_SNIFF_BYTES)]).to_ascii_lowercase();
    if head.contains("<!--[if mso")
        || head.contains("x-apple-disable-message-reformatting")
        || head.contains("urn:schemas-microsoft-com:office")
    {
        return true;
    }
    if head.contains("<script") {
        return false;
    }
    let has = |s: &str| head.contains(s);
    let signals = [
        (has("mso-"), 3),
        (
            has("role=\"presentation\"") || has("role='presentation'") || has("role=presentation"),
            2,
        ),
        (has("cellpadding=") || has("cellspacing="), 1),
        (has("bgcolor="), 1),
        (has("xhtml 1.0 transitional") || has("xhtml 1.0 strict"), 2),
        (
            has("*|") || has("{{") || has("{%") || has("<%") || has("[[") || has("%%"),
            2,
        ),
        (has("unsubscribe"), 1),
        (
            has("width=\"600\"") || has("max-width: 600px") || has("max-width:600px"),
            1,
        ),
        (head.matches("style=\"").count() >= 10, 1),
    ];
    signals
        .iter()
        .filter(|(hit, _)| *hit)
        .map(|(_, n)| n)
        .sum::<u32>()
        >= 3
}

/// Channels whose tone rules are compiled once per run (`None`: Markdown sources).
const TONE_CHANNELS: [Option<Channel>; 5] = [
    None,
    Some(Channel::Web),
    Some(Channel::Email),
    Some(Channel::Social),
    Some(Channel::Print),
];

/// Style attributes and `<style>` blocks parsed in a run, by their text.
#[derive(Default)]
struct ParsedStyles {
    attributes: Mutex<HashMap<String, Arc<Vec<html::css::Decl>>>>,
    blocks: Mutex<HashMap<String, Arc<html::css::Sheet>>>,
}

/// `make(text)` through `memory`: texts up to [`STYLE_REMEMBERED_BYTES`] are remembered
/// (emptied at [`TONE_REMEMBERED_TEXTS`]), longer ones made each time.
fn remembered<T>(
    memory: &Mutex<HashMap<String, Arc<T>>>,
    text: &str,
    make: impl FnOnce() -> T,
) -> Arc<T> {
    if text.len() > STYLE_REMEMBERED_BYTES {
        return Arc::new(make());
    }
    if let Some(known) = memory.lock().unwrap_or_else(|e| e.into_inner()).get(text) {
        return known.clone();
    }
    let made = Arc::new(make());
    let mut memory = memory.lock().unwrap_or_else(|e| e.into_inner());
    if memory.len() >= TONE_REMEMBERED_TEXTS {
        memory.clear();
    }
    memory.insert(text.to_string(), made.clone());
    made
}

/// Longest style attribute or `<style>` block remembered by text (a template's is a few KB).
const STYLE_REMEMBERED_BYTES: usize = 64 * 1024;

/// Longest text whose tone hits [`LintContext::tone_hits`] remembers (a block of a page).
const TONE_REMEMBERED_BYTES: usize = 4096;
/// Texts remembered per channel before the memory starts again (a few MB at most).
const TONE_REMEMBERED_TEXTS: usize = 20_000;

/// Tone hits of one channel by text.
type ToneMemory = Mutex<HashMap<String, Arc<[tone::ToneHit]>>>;

/// What the linters share: built once per run, used by every thread.
pub struct LintContext<'a> {
    pub guide: &'a Guide,
    /// The palette with Lab values computed once.
    pub palette: Arc<rules::color::Palette>,
    /// The brand fonts' cmaps, loaded once.
    pub fonts: Arc<rules::glyph::BrandFonts>,
    /// Where linters may read files other than the one they lint.
    pub roots: Roots,
    /// Linked stylesheets by canonical path, parsed once.
    sheets: Mutex<HashMap<PathBuf, Arc<html::LinkedSheet>>>,
    /// Output folders' campaign manifests (records by path), read once per run: a
    /// 1,000-piece campaign's `manifest.json` is megabytes, and each of its cards and
    /// PDFs looks its record up.
    manifests: Mutex<HashMap<PathBuf, Arc<HashMap<String, crate::manifest::Record>>>>,
    /// Tone rules per channel of [`TONE_CHANNELS`], compiled on first use.
    tone: Arc<[OnceLock<tone::ToneRules>; 5]>,
    /// Tone hits per channel of [`TONE_CHANNELS`] by text ([`LintContext::tone_hits`]).
    tone_hits: Arc<[ToneMemory; 5]>,
    /// Style attributes and `<style>` blocks parsed, by text ([`LintContext::style_attribute`],
    /// [`LintContext::style_block`]).
    styles: Arc<ParsedStyles>,
    /// What every file is, from `--kind` (overrides the guide and the bytes).
    pub forced: Option<LintKind>,
    /// `[lint.kinds]` compiled: a file matching a glob is that kind.
    kinds: Arc<Vec<(globset::GlobMatcher, LintKind)>>,
    /// `--campaign`: the files linted are one campaign made elsewhere.
    pub campaign: Option<String>,
    /// `--changed-since`: only changed files (and outputs of changed pieces) are linted.
    pub changed: Option<Arc<changed::Changed>>,
    /// Whether our own unchanged outputs are replayed from the lint cache ([`cache`]):
    /// on for the command line unless `--no-cache`, off for the editor and tests.
    pub cache: bool,
    /// `--shard I/N`: only this shard's files are linted ([`shard`]).
    pub shard: Option<crate::content::shard::Shard>,
}

/// The guide's `[lint.kinds]` globs, compiled (the guide validated them at load).
fn compile_kinds(guide: &Guide) -> Vec<(globset::GlobMatcher, LintKind)> {
    guide
        .lint
        .kinds
        .iter()
        .filter_map(|(glob, kind)| {
            let glob = globset::GlobBuilder::new(glob.get_ref())
                .literal_separator(true)
                .build()
                .ok()?;
            Some((glob.compile_matcher(), *kind))
        })
        .collect()
}

impl<'a> LintContext<'a> {
    /// A context that reads nothing but the bytes it is given (no roots); see
    /// [`LintContext::within`].
    pub fn new(guide: &'a Guide) -> LintContext<'a> {
        LintContext {
            guide,
            palette: Arc::new(rules::color::Palette::new(guide)),
            fonts: Arc::new(rules::glyph::BrandFonts::load(guide)),
            roots: Roots::none(),
            sheets: Mutex::new(HashMap::new()),
            manifests: Mutex::new(HashMap::new()),
            tone: Arc::new(Default::default()),
            tone_hits: Arc::new(Default::default()),
            styles: Arc::default(),
            forced: None,
            kinds: Arc::new(compile_kinds(guide)),
            campaign: None,
            changed: None,
            cache: false,
            shard: None,
        }
    }

    /// This context, taking every file as `kind` (`--kind`).
    pub fn forcing(mut self, kind: Option<LintKind>) -> LintContext<'a> {
        self.forced = kind;
        self
    }

    /// What `path` is declared to be: `--kind`, else the first `[lint.kinds]` glob that
    /// matches its path below the linted folder (or as given).
    pub fn declared_kind(&self, path: &Path) -> Option<LintKind> {
        if self.forced.is_some() {
            return self.forced;
        }
        if self.kinds.is_empty() {
            return None;
        }
        let relative = self.roots.relative(path);
        self.kinds
            .iter()
            .find(|(glob, _)| glob.is_match(&relative) || glob.is_match(path))
            .map(|(_, kind)| *kind)
    }

    /// This context, reading referenced files (stylesheets, siblings) inside `roots`.
    pub fn within(&self, roots: Roots) -> LintContext<'a> {
        LintContext {
            guide: self.guide,
            palette: self.palette.clone(),
            fonts: self.fonts.clone(),
            roots,
            sheets: Mutex::new(HashMap::new()),
            manifests: Mutex::new(HashMap::new()),
            tone: self.tone.clone(),
            tone_hits: self.tone_hits.clone(),
            styles: self.styles.clone(),
            forced: self.forced,
            kinds: self.kinds.clone(),
            campaign: self.campaign.clone(),
            changed: self.changed.clone(),
            cache: self.cache,
            shard: self.shard,
        }
    }

    /// This context, linting only what changed (`--changed-since`; see [`changed`]).
    pub fn only_changed(mut self, changed: Option<changed::Changed>) -> LintContext<'a> {
        self.changed = changed.map(Arc::new);
        self
    }

    /// This context, replaying our unchanged outputs' findings from the lint cache
    /// (`true`) or linting every file (`--no-cache`).
    pub fn caching(mut self, on: bool) -> LintContext<'a> {
        self.cache = on;
        self
    }

    /// This context, linting only shard `I/N`'s files (`--shard`; see [`shard`]).
    pub fn sharded(mut self, shard: Option<crate::content::shard::Shard>) -> LintContext<'a> {
        self.shard = shard;
        self
    }

    /// This context for files that are one campaign made elsewhere (`--campaign`).
    pub fn in_campaign(mut self, campaign: Option<String>) -> LintContext<'a> {
        self.campaign = campaign;
        self
    }

    /// The guide's tone rules for `channel` (`None`: Markdown sources), compiled once.
    pub fn tone(&self, channel: Option<Channel>) -> std::borrow::Cow<'_, tone::ToneRules> {
        match TONE_CHANNELS.iter().position(|c| *c == channel) {
            Some(i) => std::borrow::Cow::Borrowed(
                self.tone[i].get_or_init(|| tone::ToneRules::new(self.guide, channel)),
            ),
            None => std::borrow::Cow::Owned(tone::ToneRules::new(self.guide, channel)),
        }
    }

    /// The guide's tone hits in `text` for `channel`, remembered per run: the blocks a
    /// campaign repeats (a footer on every page, an email's HTML file and the same HTML
    /// inside its `.eml`) are checked once. Texts longer than [`TONE_REMEMBERED_BYTES`]
    /// are checked each time, and the memory is emptied at [`TONE_REMEMBERED_TEXTS`].
    pub fn tone_hits(&self, channel: Channel, text: &str) -> Arc<[tone::ToneHit]> {
        let check = || Arc::from(self.tone(Some(channel)).check(text));
        let Some(i) = TONE_CHANNELS.iter().position(|c| *c == Some(channel)) else {
            return check();
        };
        if text.len() > TONE_REMEMBERED_BYTES {
            return check();
        }
        let memory = &self.tone_hits[i];
        if let Some(hits) = memory.lock().unwrap_or_else(|e| e.into_inner()).get(text) {
            return hits.clone();
        }
        let hits: Arc<[tone::ToneHit]> = check();
        let mut memory = memory.lock().unwrap_or_else(|e| e.into_inner());
        if memory.len() >= TONE_REMEMBERED_TEXTS {
            memory.clear();
        }
        memory.insert(text.to_string(), hits.clone());
        hits
    }

    /// The declarations of a `style` attribute (offsets in the attribute), parsed once per
    /// run: a campaign's emails inline the same few rules on every element.
    pub fn style_attribute(&self, css: &str) -> Arc<Vec<html::css::Decl>> {
        remembered(&self.styles.attributes, css, || {
            html::css::style_attribute(css, 0)
        })
    }

    /// A `<style>` block found at byte offset `base` of its page, parsed once per run (at
    /// offset 0, then moved to `base`): every email of a campaign carries the same one.
    pub fn style_block(&self, css: &str, base: usize) -> Arc<html::css::Sheet> {
        let sheet = remembered(&self.styles.blocks, css, || html::css::Sheet::parse(css, 0));
        if base == 0 {
            sheet
        } else {
            Arc::new(sheet.moved(base))
        }
    }

    /// The campaign manifest of the output folder `dir` (its records by path), read on
    /// first use ([`crate::manifest::CampaignManifest::previous`]: empty when missing or
    /// unreadable).
    pub fn manifest_records(&self, dir: &Path) -> Arc<HashMap<String, crate::manifest::Record>> {
        let mut manifests = self.manifests.lock().unwrap_or_else(|e| e.into_inner());
        manifests
            .entry(dir.to_path_buf())
            .or_insert_with(|| {
                Arc::new(
                    crate::manifest::CampaignManifest::previous(dir)
                        .into_iter()
                        .map(|r| (r.path.clone(), r))
                        .collect(),
                )
            })
            .clone()
    }

    /// A linked stylesheet inside the roots, read and parsed on first use; `true` the
    /// first time (the caller then reports the sheet's own findings, so they appear once
    /// per run). `None` when it is outside the roots or unreadable.
    pub fn linked_sheet(&self, path: &Path) -> Option<(Arc<html::LinkedSheet>, bool)> {
        // one name for the sheet whichever page links it first (`web/assets/brand.css`,
        // not `web/a/../assets/brand.css`), so its findings do not depend on the order
        // the pages were linted in
        let path = &lexical(path);
        let key = self.roots.file(path)?;
        let mut sheets = self.sheets.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = sheets.get(&key) {
            cache::note_sheet(path, false);
            return Some((s.clone(), false));
        }
        let bytes = std::fs::read(&key).ok()?;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let linked = Arc::new(html::LinkedSheet::new(
            crate::brand::display_path(path),
            text,
        ));
        sheets.insert(key, linked.clone());
        cache::note_sheet(path, true);
        Some((linked, true))
    }
}

/// `path` with its `.` and `..` components resolved by name (a `..` after a symbolic
/// link may lead elsewhere on disk: this is the name shown, the reading goes through
/// [`Roots`]).
fn lexical(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if matches!(out.components().next_back(), Some(Component::Normal(_))) {
                    out.pop();
                } else if !matches!(out.components().next_back(), Some(Component::RootDir)) {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// The result of a lint run.
#[derive(Debug, Default)]
pub struct LintReport {
    pub files: usize,
    /// The findings that count: with a baseline, the new ones only.
    pub findings: Vec<Finding>,
    /// With `--baseline`: the findings it recorded (not failures), and what it did.
    pub baseline: Option<baseline::Baselined>,
}

impl LintReport {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }
}

/// Every file under `paths` (files or directories), sorted. Symbolic links inside
/// folders are not followed (see [`symlinks`]).
pub fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    Ok(collect(paths)?.0)
}

/// Symbolic links found inside the folders under `paths`, sorted.
pub fn symlinks(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    Ok(collect(paths)?.1)
}

fn collect(paths: &[PathBuf]) -> Result<(Vec<PathBuf>, Vec<PathBuf>)> {
    let mut files = Vec::new();
    let mut links = Vec::new();
    for path in paths {
        if !path.exists() {
            return Err(Error::file(path, "no such file or directory"));
        }
        // caches are not inputs: the build cache beside an output (`.out.cache/`, marked
        // with a CACHEDIR.TAG) and the lint cache's `.brandpress/` folder
        // and neither is a contact sheet (`crate::sheet`): its `_sheet/` folder and page,
        // nor a brand book (`crate::book`, marked): it shows banned terms and don'ts on purpose
        let not_cache = |e: &walkdir::DirEntry| {
            e.depth() == 0
                || if e.file_type().is_dir() {
                    !(e.file_name() == ".brandpress"
                        || e.path().join("CACHEDIR.TAG").is_file()
                        || e.path().join(crate::book::MARKER).is_file()
                        || crate::sheet::is_sheet_dir(e.path()))
                } else {
                    !crate::sheet::is_sheet_page(e.path())
                }
        };
        for entry in walkdir::WalkDir::new(path)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(not_cache)
        {
            let entry = entry.map_err(|e| Error::file(path, e))?;
            if entry.file_type().is_file() {
                files.push(entry.into_path());
            } else if entry.path_is_symlink() && entry.depth() > 0 {
                links.push(entry.into_path());
            }
        }
    }
    for list in [&mut files, &mut links] {
        list.sort();
        list.dedup();
    }
    Ok((files, links))
}

/// Counts one file on the progress bar when dropped, however its lint ended.
struct Tick<'a>(&'a crate::progress::Bar);

impl Drop for Tick<'_> {
    fn drop(&mut self) {
        self.0.inc();
    }
}

/// Lints every file under `paths` in parallel. The paths are the linted roots: linters
/// read nothing outside them (see [`roots`]).
///
/// Fails (exit 2) on unknown rule ids in `[lint.rules]` and on paths that do not exist;
/// anything wrong with a file is a finding on it. The guide's own findings (`guide/*`)
/// come first in the report.
pub fn lint_paths(ctx: &LintContext, paths: &[PathBuf]) -> Result<LintReport> {
    rules::validate_levels(ctx.guide)?;
    if let Some(Err(e)) = ignore::today_override() {
        return Err(Error::usage(e));
    }
    let ctx = &ctx.within(Roots::of(paths)?.remembering());
    let (mut files, mut links) = collect(paths)?;
    if let Some(changed) = &ctx.changed {
        files.retain(|f| changed.keeps(f));
        links.retain(|f| changed.keeps(f));
    }
    let ours = consistency::manifest_dirs(paths);
    let selection = ctx.shard.map(|s| shard::Selection::new(s, &ours));
    if let Some(selection) = &selection {
        files.retain(|f| selection.keeps(f, &ctx.roots));
        links.retain(|f| selection.keeps(f, &ctx.roots));
    }
    let cache = if ctx.cache {
        cache::LintCache::open(ctx, paths)
    } else {
        None
    };
    let bar = crate::progress::bar("linting", files.len());
    let results: Vec<Vec<Finding>> = files
        .par_iter()
        .map(|path| {
            let _tick = Tick(&bar);
            let found = match &cache {
                Some(cache) => std::fs::read(path)
                    .map_err(|e| Error::file(path, e))
                    .map(|bytes| cache.lint(ctx, path, &bytes, || lint_bytes(ctx, path, &bytes))),
                None => lint_file(ctx, path),
            };
            match found {
                Ok(findings) => findings,
                Err(e) => vec![unreadable_file(path, &e)],
            }
        })
        .collect();
    if let Some(cache) = cache {
        if std::env::var_os("BRANDPRESS_LINT_CACHE_STATS").is_some() {
            eprintln!(
                "lint cache: {} replayed, {} linted",
                cache.hits.load(std::sync::atomic::Ordering::Relaxed),
                cache.misses.load(std::sync::atomic::Ordering::Relaxed)
            );
        }
        cache.save();
    }
    let mut report = LintReport {
        files: files.len(),
        // the guide's own findings once per fleet: in shard 1
        findings: match ctx.shard {
            Some(s) if !s.is_first() => Vec::new(),
            _ => guide::lint(ctx.guide),
        },
        baseline: None,
    };
    for path in &links {
        report.findings.extend(symlink_finding(ctx, path));
    }
    for findings in results {
        report.findings.extend(findings);
    }
    // one campaign, one message: across the outputs of a folder we built, and across
    // the files of a campaign made elsewhere (`--campaign`)
    for dir in &ours {
        let cards = built::card_text(ctx, dir);
        match &selection {
            None => {
                report.findings.extend(cards);
                report.findings.extend(consistency::check(ctx, dir));
            }
            // campaign-wide checks run at `brandpress merge`, over every shard
            Some(selection) => report.findings.extend(
                cards
                    .into_iter()
                    .filter(|f| selection.keeps(&f.location.path, &ctx.roots)),
            ),
        }
    }
    if ctx.campaign.is_some() {
        // one group per folder given (a delivery folder), and one for the files named
        for group in paths.iter().filter(|p| !ours.contains(p) && p.is_dir()) {
            let members: Vec<PathBuf> = files
                .iter()
                .filter(|f| f.starts_with(group))
                .cloned()
                .collect();
            report
                .findings
                .extend(consistency::check_files(ctx, &members));
        }
        let named: Vec<PathBuf> = files
            .iter()
            .filter(|f| paths.iter().any(|p| !p.is_dir() && p == *f))
            .cloned()
            .collect();
        if !named.is_empty() {
            report
                .findings
                .extend(consistency::check_files(ctx, &named));
        }
    }
    apply_levels(ctx.guide, &mut report.findings);
    // one problem, reported once: at the Markdown line it comes from
    report.findings = built::group_by_source(ctx, &ours, std::mem::take(&mut report.findings));
    if let Some(changed) = &ctx.changed {
        report.findings.retain(|f| changed.keeps_finding(f));
    }
    report.findings.sort_by(|a, b| {
        (&a.location.path, a.location.line, a.location.column, a.rule).cmp(&(
            &b.location.path,
            b.location.line,
            b.location.column,
            b.rule,
        ))
    });
    Ok(report)
}

/// A file that could not be read from disk (permissions, a folder that vanished).
fn unreadable_file(path: &Path, error: &Error) -> Finding {
    Finding::new(
        &crate::lint::rules::LINT_UNREADABLE,
        Location::file(path),
        format!("cannot read this file, so it is not checked: {error}"),
    )
}

/// A symbolic link in a linted folder: its target is linted where it lies if that is
/// inside the roots; a link out of them is reported and not followed.
fn symlink_finding(ctx: &LintContext, path: &Path) -> Option<Finding> {
    match ctx.roots.reach(path) {
        Reach::Inside(_) => None,
        Reach::Missing => Some(
            Finding::new(
                &crate::lint::rules::LINK_BROKEN_LOCAL,
                Location::file(path),
                "a symbolic link to nothing",
            )
            .expected("an existing local file"),
        ),
        Reach::Outside => Some(
            Finding::new(
                &rules::LINK_OUTSIDE_ROOT,
                Location::file(path),
                "a symbolic link to something outside the linted paths: not followed, not checked",
            )
            .fix("copy the file into the folder, or lint the folder it lives in too"),
        ),
    }
}

/// Reads and lints one file.
pub fn lint_file(ctx: &LintContext, path: &Path) -> Result<Vec<Finding>> {
    let bytes = std::fs::read(path).map_err(|e| Error::file(path, e))?;
    Ok(lint_bytes(ctx, path, &bytes))
}

/// Lints one file's bytes: detects the kind, runs its linter, and gives each finding
/// its source line. Pure apart from reading files inside `ctx.roots`; never panics (a
/// panic inside becomes a `lint/internal-error` finding).
pub fn lint_bytes(ctx: &LintContext, path: &Path, bytes: &[u8]) -> Vec<Finding> {
    guard::guarded(path, || {
        let detected = detect_kind(path, bytes);
        let kind = match ctx.declared_kind(path) {
            Some(declared) => declared_file_kind(declared, detected),
            None => detected,
        };
        let mut findings = match kind {
            // detected a web page, or declared one: `html::lint` would sniff it again and
            // find the same
            FileKind::Html => html::lint_web(ctx, path, bytes),
            _ => lint_kind(ctx, path, bytes, kind),
        };
        if !findings.is_empty() {
            // Excerpts from the text the linter read: HTML decoded from its charset (UTF-16
            // included), other text as UTF-8; binary files have none.
            let text = match kind {
                FileKind::Html | FileKind::EmailHtml => Some(html::charset::decode(bytes)),
                _ if !bytes.contains(&0) => Some(html::charset::utf8_lossy(bytes)),
                _ => None,
            };
            if let Some(text) = text {
                finding::attach_excerpts(&mut findings, path, &text);
            }
        }
        findings
    })
}

/// The linter for a file declared `declared`, given what its bytes say (`detected`). A
/// declaration settles what the bytes leave open (which text kind an HTML file is, what a
/// file of unknown bytes was meant to be, that an image is a card) but never turns one
/// format into another: with `--kind email` over a folder, its stylesheets stay
/// stylesheets and its PNGs images.
fn declared_file_kind(declared: LintKind, detected: FileKind) -> FileKind {
    use FileKind as F;
    let text = matches!(
        detected,
        F::Html | F::EmailHtml | F::Eml | F::Markdown | F::Unknown
    );
    match declared {
        LintKind::Web if text => F::Html,
        LintKind::Email if text => F::EmailHtml,
        LintKind::Eml if text => F::Eml,
        LintKind::Markdown if text => F::Markdown,
        LintKind::Pdf if detected == F::Unknown => F::Pdf,
        LintKind::Card | LintKind::Image if detected == F::Unknown => F::Png,
        _ => detected,
    }
}

/// Runs the linter of `kind` on a file's bytes.
pub fn lint_kind(ctx: &LintContext, path: &Path, bytes: &[u8], kind: FileKind) -> Vec<Finding> {
    match kind {
        FileKind::Html => html::lint(ctx, path, bytes),
        FileKind::EmailHtml => html::lint_email(ctx, path, bytes),
        FileKind::Eml => email::lint_eml(ctx, path, bytes),
        FileKind::Png | FileKind::Jpeg => image::lint(ctx, path, bytes),
        FileKind::Gif | FileKind::Webp => image::lint_raster(ctx, path, bytes),
        FileKind::Svg => image::lint_svg(ctx, path, bytes),
        FileKind::Pdf => pdf::lint(ctx, path, bytes),
        FileKind::Markdown => markdown::lint(ctx, path, bytes),
        FileKind::Other => Vec::new(),
        FileKind::Unknown => vec![unknown_kind(path, bytes)],
        FileKind::Unsupported(what) => vec![
            Finding::new(
                &crate::lint::rules::LINT_UNSUPPORTED_FILE,
                Location::file(path),
                format!("not checked: {what}, a format lint cannot check"),
            )
            .fix("convert it to PNG, JPEG, WebP, GIF or SVG (images), or lint the HTML or PDF it becomes"),
        ],
    }
}

fn unknown_kind(path: &Path, bytes: &[u8]) -> Finding {
    let what = if bytes.is_empty() {
        "an empty file".to_string()
    } else {
        format!("{} bytes", bytes.len())
    };
    Finding::new(&crate::lint::rules::LINT_UNKNOWN_KIND, Location::file(path),
        format!("not checked: brandpress cannot tell what this file is ({what}, not HTML, email, an image, PDF or Markdown)"),
    )
    .fix("give the file the extension of its format, or keep it out of the linted folder")
}

/// Applies the guide's `[lint.rules]` severities; `off` drops the finding.
pub fn apply_levels(guide: &Guide, findings: &mut Vec<Finding>) {
    findings.retain_mut(|f| {
        let level = guide
            .lint
            .rules
            .iter()
            .find(|(k, _)| k.get_ref() == f.rule)
            .map(|(_, v)| *v);
        match level {
            Some(RuleLevel::Off) => false,
            Some(RuleLevel::Error) => {
                f.severity = Severity::Error;
                true
            }
            Some(RuleLevel::Warning) => {
                f.severity = Severity::Warning;
                true
            }
            Some(RuleLevel::Info) => {
                f.severity = Severity::Info;
                true
            }
            None => true,
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_kinds_by_content() {
        let p = Path::new("x.bin");
        assert_eq!(detect_kind(p, b"\x89PNG\r\n\x1a\n...."), FileKind::Png);
        assert_eq!(detect_kind(p, b"%PDF-1.7\n"), FileKind::Pdf);
        assert_eq!(
            detect_kind(p, b"<!DOCTYPE html><html lang=th>"),
            FileKind::Html
        );
        assert_eq!(
            detect_kind(
                p,
                b"<!doctype html><html><!--[if mso]><xml></xml><![endif]-->"
            ),
            FileKind::EmailHtml
        );
        assert_eq!(
            detect_kind(
                p,
                b"MIME-Version: 1.0\r\nSubject: x\r\nContent-Type: multipart/alternative"
            ),
            FileKind::Eml
        );
        assert_eq!(detect_kind(Path::new("a.md"), b"+++\n"), FileKind::Markdown);
        assert_eq!(detect_kind(Path::new("a.css"), b"body{}"), FileKind::Other);
        assert_eq!(detect_kind(p, b"GIF89a\x01\x00"), FileKind::Gif);
        assert_eq!(detect_kind(p, b"RIFF\x10\0\0\0WEBPVP8 "), FileKind::Webp);
        assert_eq!(
            detect_kind(p, b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
            FileKind::Svg
        );
        assert_eq!(
            detect_kind(
                p,
                b"<?xml version='1.0'?>\n<svg xmlns='http://www.w3.org/2000/svg'/>"
            ),
            FileKind::Svg
        );
        // XHTML 1.0 Transitional, as ESPs write it, with its XML prolog
        let xhtml = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n<html xmlns=\"http://www.w3.org/1999/xhtml\"><body><svg></svg></body></html>";
        assert_eq!(detect_kind(Path::new("x.xhtml"), xhtml), FileKind::Html);
        assert!(matches!(
            detect_kind(p, b"\0\0\0\x1cftypavif\0\0\0\0"),
            FileKind::Unsupported(w) if w.contains("AVIF")
        ));
        assert!(matches!(
            detect_kind(p, b"II*\0\x08"),
            FileKind::Unsupported(_)
        ));
        assert!(matches!(
            detect_kind(p, b"\x1f\x8b\x08\0"),
            FileKind::Unsupported(_)
        ));
    }

    #[test]
    fn names_say_what_unrecognised_bytes_should_have_been() {
        for (name, kind) in [
            ("ภาพ.png", FileKind::Png),
            ("x.JPG", FileKind::Jpeg),
            ("x.jpeg", FileKind::Jpeg),
            ("ใบปลิว.pdf", FileKind::Pdf),
            ("x.eml", FileKind::Eml),
            ("x.bin", FileKind::Unknown),
            ("noextension", FileKind::Unknown),
            ("การ์ด.gif", FileKind::Gif),
            ("x.webp", FileKind::Webp),
            ("x.svg", FileKind::Svg),
            ("x.svgz", FileKind::Svg),
            ("x.css", FileKind::Other),
            ("x.txt", FileKind::Other),
            (".DS_Store", FileKind::Other),
            ("out/.lock", FileKind::Other),
        ] {
            for bytes in [&b""[..], b"\x07\x13 random bytes \xfe\xff"] {
                assert_eq!(
                    detect_kind(Path::new(name), bytes),
                    kind,
                    "{name} {bytes:?}"
                );
            }
        }
        // content still wins over the name
        assert_eq!(
            detect_kind(Path::new("x.pdf"), b"\x89PNG\r\n\x1a\n"),
            FileKind::Png
        );
    }

    /// Random bytes, empty files and unknown kinds never pass as clean.
    #[test]
    fn unreadable_and_unknown_files_are_findings() {
        let guide = Guide::load(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
        let ctx = LintContext::new(&guide);
        let junk = b"\x07\x13 random bytes \xfe\xff not an image".to_vec();
        for (name, rule) in [
            ("ภาพ.png", "image/unreadable"),
            ("ภาพ.jpg", "image/unreadable"),
            ("ใบปลิว.pdf", "pdf/unreadable"),
            ("ข่าว.eml", "email/unreadable"),
            ("data.bin", "lint/unknown-kind"),
            ("การ์ด.gif", "image/unreadable"),
            ("x.webp", "image/unreadable"),
            ("x.svg", "image/unreadable"),
            ("x.avif", "lint/unsupported-file"),
            ("favicon.ico", "lint/unsupported-file"),
            ("promo.mjml", "lint/unsupported-file"),
        ] {
            for bytes in [Vec::new(), junk.clone()] {
                let f = lint_bytes(&ctx, Path::new(name), &bytes);
                let rules: Vec<_> = f.iter().map(|f| f.rule).collect();
                assert_eq!(rules, [rule], "{name} ({} bytes)", bytes.len());
                assert!(info(rule).is_some());
            }
        }
        // companions and empty text formats are fine
        for name in ["x.css", "x.txt", "x.html", "x.md"] {
            assert!(lint_bytes(&ctx, Path::new(name), b"").is_empty(), "{name}");
        }
    }

    #[test]
    fn linked_sheets_have_one_name_whichever_page_links_them() {
        for (given, name) in [
            (
                "out/web/ร้าน/../assets/brand.css",
                "out/web/assets/brand.css",
            ),
            (
                "./out/web/./a/../../web/assets/x.css",
                "out/web/assets/x.css",
            ),
            ("../site/a.css", "../site/a.css"),
            ("/srv/out/../a.css", "/srv/a.css"),
            ("/../a.css", "/a.css"),
            ("a/..", "."),
        ] {
            assert_eq!(lexical(Path::new(given)), Path::new(name), "{given}");
        }
    }

    fn info(rule: &str) -> Option<&'static rules::Rule> {
        rules::info(rule)
    }
}
