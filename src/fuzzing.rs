//! Entry points for the fuzz targets in `fuzz/` and for their regression tests
//! (`tests/fuzz_regressions.rs`): each takes arbitrary bytes and must return without a
//! panic, a hang or unbounded memory. They run the same code a user's input reaches.

use std::path::Path;
use std::sync::OnceLock;

use crate::brand::Guide;

use crate::content::Piece;
use crate::error::SourceFile;
use crate::lint::{self, FileKind, LintContext};
use crate::render::html;

/// A lint context for the bundled example's guide (this repository's `brand/`), built
/// once: what the lint targets check against.
pub fn example_context() -> &'static LintContext<'static> {
    static GUIDE: OnceLock<Guide> = OnceLock::new();
    static CTX: OnceLock<LintContext<'static>> = OnceLock::new();
    let guide = GUIDE.get_or_init(|| {
        Guide::load(Path::new(env!("CARGO_MANIFEST_DIR"))).expect("the example guide loads")
    });
    CTX.get_or_init(|| LintContext::new(guide))
}

/// The front matter and Markdown loader, then every walk the renderers make of the
/// document model (HTML, plain text).
pub fn content(bytes: &[u8]) {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let Ok(piece) = Piece::parse(SourceFile::new("content/fuzz.md", text)) else {
        return;
    };
    let id = |s: &str| s.to_string();
    let options = html::HtmlOptions {
        lang: &piece.lang,
        allow_raw_html: false,
        link: &id,
        image: &id,
    };
    let _ = html::blocks(&piece.body, &options);
    let _ = piece.body_text();
    let _ = piece.fact_lines();
}

/// One linter on bytes given as a file of `kind` (the file name picks text kinds apart),
/// without the per-file panic guard, so the fuzzer sees every panic, plus the excerpts
/// the reporters show.
pub fn lint_as(ctx: &LintContext, kind: FileKind, bytes: &[u8]) -> Vec<lint::Finding> {
    let name = match kind {
        FileKind::Html => "fuzz.html",
        FileKind::EmailHtml => "fuzz-email.html",
        FileKind::Png => "fuzz.png",
        FileKind::Jpeg => "fuzz.jpg",
        FileKind::Pdf => "fuzz.pdf",
        FileKind::Eml => "fuzz.eml",
        FileKind::Markdown => "fuzz.md",
        _ => "fuzz.bin",
    };
    let path = Path::new(name);
    let mut findings = lint::lint_kind(ctx, path, bytes, kind);
    lint::finding::attach_excerpts(&mut findings, path, &String::from_utf8_lossy(bytes));
    findings
}

/// HTML and CSS lint: the first byte picks a web page, email HTML or an `.eml`.
pub fn html_css(ctx: &LintContext, data: &[u8]) {
    let (kind, bytes) = match data.split_first() {
        Some((b, rest)) => (
            [FileKind::Html, FileKind::EmailHtml, FileKind::Eml][*b as usize % 3],
            rest,
        ),
        None => (FileKind::Html, data),
    };
    lint_as(ctx, kind, bytes);
}

/// Image lint: PNG, or JPEG when the bytes start like one.
pub fn image(ctx: &LintContext, data: &[u8]) {
    let kind = if data.starts_with(&[0xFF, 0xD8]) {
        FileKind::Jpeg
    } else {
        FileKind::Png
    };
    lint_as(ctx, kind, data);
}

/// PDF lint.
pub fn pdf(ctx: &LintContext, data: &[u8]) {
    lint_as(ctx, FileKind::Pdf, data);
}
