//! Heroes and logos as every channel reads them: SVG parsed inside a sandbox, rasters
//! recognised from their bytes.
//!
//! One function parses an SVG file for social cards, print and email ([`load_svg`]): usvg
//! gets the image loader of [`Sandbox::svg_options`], so `<image href>` may only read files
//! inside the sandbox (the logo: `brand/`; a hero: the project), and every refused `href`
//! is an error naming the SVG and the reference instead of a silently missing picture.
//! Compressed SVG (`.svgz`, and gzipped `data:` images inside an SVG) is inflated with a
//! size limit, never unbounded. After parsing, [`super::limits::check_svg`] checks the
//! declared size and every raster inside before anything is drawn.
//!
//! Raster formats are recognised from their bytes, not their file names ([`sniff`]), the
//! same way on every channel: PNG, JPEG, WebP and GIF (decoded by [`super::decode`]).

use std::path::Path;
use std::sync::{Arc, Mutex};

use resvg::usvg;

use super::limits;
use crate::content::Piece;
use crate::error::Error;
use crate::paths::{GZIP_MAGIC, Sandbox, gunzip};

/// What a picture file holds, judged from its first bytes (and `.svg` / `.svgz` names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Svg,
    Png,
    Jpeg,
    Gif,
    Webp,
}

impl Format {
    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Svg => "svg",
            Format::Png => "png",
            Format::Jpeg => "jpg",
            Format::Gif => "gif",
            Format::Webp => "webp",
        }
    }
}

/// The format of `bytes` read from `path`; `None` for anything else (PDF, BMP, text…).
pub fn sniff(bytes: &[u8], path: &Path) -> Option<Format> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(Format::Png);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(Format::Jpeg);
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Some(Format::Gif);
    }
    if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        return Some(Format::Webp);
    }
    let named_svg = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("svg") || e.eq_ignore_ascii_case("svgz"));
    let text = bytes.trim_ascii_start();
    let looks_svg = text.starts_with(b"<")
        || bytes.starts_with(GZIP_MAGIC)
        || text.starts_with(b"\xEF\xBB\xBF<");
    (named_svg && looks_svg).then_some(Format::Svg)
}

/// The brand fonts for `<text>` inside SVGs: the build's one font database (see
/// [`super::fonts::BrandFonts`]).
#[derive(Clone)]
pub struct SvgFonts {
    pub fontdb: Arc<fontdb::Database>,
    /// The family used when an SVG names none we have (the body's Latin family).
    pub family: String,
}

/// Reads and parses the SVG file `path` (see [`parse_svg`]). Errors are messages without
/// the file name; callers say which file (and which piece line) they are about.
pub fn load_svg(path: &Path, sandbox: &Sandbox, fonts: &SvgFonts) -> Result<usvg::Tree, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot be read: {e}"))?;
    parse_svg(&bytes, path, sandbox, fonts)
}

/// Parses SVG bytes read from `path`: `<image href>`s resolve relative to its folder inside
/// `sandbox` (a refused one is an error naming it), text uses the brand fonts, and the
/// result passes [`limits::check_svg`].
pub fn parse_svg(
    bytes: &[u8],
    path: &Path,
    sandbox: &Sandbox,
    fonts: &SvgFonts,
) -> Result<usvg::Tree, String> {
    let plain;
    let bytes = if bytes.starts_with(GZIP_MAGIC) {
        plain = gunzip(bytes)?;
        &plain[..]
    } else {
        bytes
    };
    // usvg parses UTF-8 only; its own error says so when this is not.
    if let Ok(text) = std::str::from_utf8(bytes) {
        limits::check_svg_nesting(text)?;
    }
    let dir = path.parent().unwrap_or(Path::new(""));
    let (mut options, refusals) = sandbox.svg_options(dir);
    options.fontdb = fonts.fontdb.clone();
    options.font_family = fonts.family.clone();
    let inflate_problems = Arc::new(Mutex::new(Vec::<String>::new()));
    options.image_href_resolver.resolve_data = bounded_data_resolver(
        std::mem::replace(
            &mut options.image_href_resolver.resolve_data,
            Box::new(|_, _, _| None),
        ),
        inflate_problems.clone(),
    );
    let tree =
        usvg::Tree::from_data(bytes, &options).map_err(|e| format!("is not a usable SVG: {e}"))?;
    let mut refused = refusals.take();
    if let Ok(mut more) = inflate_problems.lock() {
        refused.append(&mut more);
    }
    if !refused.is_empty() {
        return Err(format!(
            "tries to load what it may not: {}",
            refused.join("; ")
        ));
    }
    limits::check_svg(&tree)?;
    Ok(tree)
}

/// usvg's `data:` resolver, except that a gzipped SVG inside is inflated with a limit
/// (usvg's own inflates without one); what goes wrong is recorded in `problems`.
fn bounded_data_resolver(
    inner: usvg::ImageHrefDataResolverFn<'static>,
    problems: Arc<Mutex<Vec<String>>>,
) -> usvg::ImageHrefDataResolverFn<'static> {
    Box::new(
        move |mime: &str, data: Arc<Vec<u8>>, opts: &usvg::Options| {
            if !data.starts_with(GZIP_MAGIC) {
                return inner(mime, data, opts);
            }
            match gunzip(&data) {
                Ok(plain) => usvg::Tree::from_data_nested(&plain, opts)
                    .ok()
                    .map(usvg::ImageKind::SVG),
                Err(e) => {
                    if let Ok(mut p) = problems.lock() {
                        p.push(format!("a compressed data: image that {e}"));
                    }
                    None
                }
            }
        },
    )
}

/// An error about a piece's hero at its `hero = …` line: `hero image <file> <problem>`.
pub fn hero_error(piece: &Piece, path: &Path, problem: &str) -> Error {
    let msg = format!("hero image {} {problem}", path.display());
    let declared = piece.meta.hero.as_ref().map(|h| {
        let span = h.span();
        piece.front_offset + span.start..piece.front_offset + span.end
    });
    match piece.hero.as_ref().map(|h| h.span.clone()).or(declared) {
        Some(span) => piece.source.error(span, msg, "hero").into(),
        None => Error::file(&piece.source.path, msg),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_sniffed_from_bytes() {
        let p = Path::new("hero.png");
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest", p), Some(Format::Png));
        assert_eq!(sniff(b"GIF89a....", p), Some(Format::Gif));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0], p), Some(Format::Jpeg));
        assert_eq!(sniff(b"<svg/>", p), None, "SVG needs its name");
        assert_eq!(sniff(b"  <svg/>", Path::new("a.SVG")), Some(Format::Svg));
        assert_eq!(sniff(b"RIFF....WEBPVP8L", p), Some(Format::Webp));
        assert_eq!(sniff(b"RIFF....WAVE", p), None);
        assert_eq!(sniff(b"%PDF-1.7", p), None);
    }
}
