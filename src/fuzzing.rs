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

/// The CSS value scanners on one declaration value: colors (`colors_in`, `parse_color`,
/// then the palette comparison the color rules make), `url(…)`s, top-level commas and
/// `var()` substitution; then the same text as a `style` attribute, each declaration's
/// value through the scanners. Ranges the scanners return must slice their value.
pub fn css_value(ctx: &LintContext, data: &[u8]) {
    use crate::lint::html::css;
    use crate::lint::rules::{color, link};

    static PALETTE: OnceLock<color::Palette> = OnceLock::new();
    let palette = PALETTE.get_or_init(|| color::Palette::new(ctx.guide));
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let value = |v: &str| {
        for c in color::colors_in(v) {
            assert!(v.get(c.range.clone()).is_some(), "{:?} in {v:?}", c.range);
            let _ = palette.check(&c, lint::Location::at("fuzz.css", 1, 1));
        }
        if let Some(c) = color::parse_color(v) {
            let _ = palette.check(&c, lint::Location::at("fuzz.css", 1, 1));
        }
        for (_, range) in link::css_urls(v) {
            assert!(v.get(range.clone()).is_some(), "{range:?} in {v:?}");
        }
        let _ = css::split_commas(v);
        // variables that refer to themselves and to each other, and one that grows
        let _ = css::resolve_vars(v, &|name| match name {
            "--a" => Some("var(--a)".into()),
            "--b" => Some("var(--a, #fff) var(--c)".into()),
            "--c" => Some(format!("{v} {v}")),
            "--d" => Some("#0b3d2e".into()),
            _ => None,
        });
    };
    value(text);
    for d in css::style_attribute(text, 0) {
        let _ = color::is_color_property(&d.name);
        value(&d.value);
    }
}

/// The link checker on an arbitrary reference: merge-tag detection, the scheme and path
/// classification content goes through, and the lint's local-file check (against this
/// repository's lint fixtures, read only). A placeholder is never reported.
pub fn links(data: &[u8]) {
    use crate::lint::rules::link;

    static ROOTS: OnceLock<(lint::Roots, std::path::PathBuf)> = OnceLock::new();
    let (roots, dir) = ROOTS.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lint");
        (
            lint::Roots::of(std::slice::from_ref(&dir)).expect("the lint fixtures exist"),
            dir,
        )
    });
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let tags = link::merge_tags(text);
    let mut end = 0;
    for r in &tags {
        assert!(r.start >= end && r.start < r.end, "{tags:?} in {text:?}");
        assert!(text.get(r.clone()).is_some(), "{r:?} in {text:?}");
        end = r.end;
    }
    let _ = link::strip_merge_tags(text);
    let whole = link::is_merge_tag(text);
    let placeholder = link::is_placeholder(text);
    assert!(!whole || placeholder, "{text:?}");
    let _ = crate::links::is_file_reference(text);
    let _ = crate::links::classify(text, false);
    let _ = crate::links::classify(text, true);
    let found = link::check(roots, dir, text, lint::Location::at("fuzz.html", 1, 1));
    assert!(!placeholder || found.is_none(), "{text:?}");
    for (url, _) in link::css_urls(text) {
        let _ = link::check(roots, dir, &url, lint::Location::at("fuzz.css", 1, 1));
    }
}
