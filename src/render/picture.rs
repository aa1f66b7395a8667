//! Heroes and logos as every channel reads them: SVG parsed inside a sandbox, rasters
//! decoded within the pixel limits of [`super::limits`].
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
//! same way on every channel: PNG, JPEG, and GIF (its first frame, on its logical screen).

use std::io::Read;
use std::ops::Range;
use std::path::Path;
use std::sync::{Arc, Mutex};

use resvg::usvg;

use super::limits;
use crate::brand::Guide;
use crate::content::Piece;
use crate::error::{Error, Result};
use crate::lint::image::{self, Decoded};
use crate::paths::{MAX_ASSET_BYTES, Sandbox};

/// What a picture file holds, judged from its first bytes (and `.svg` / `.svgz` names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Svg,
    Png,
    Jpeg,
    Gif,
}

/// The format of `bytes` read from `path`; `None` for anything else (WebP, PDF, text…).
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

/// The brand fonts for `<text>` inside SVGs, built once per renderer.
#[derive(Clone)]
pub struct SvgFonts {
    pub fontdb: Arc<fontdb::Database>,
    /// The family used when an SVG names none we have (the body's Latin family).
    pub family: String,
}

impl SvgFonts {
    /// Every brand font file, and the body's Latin family as the default.
    pub fn from_guide(guide: &Guide) -> Result<SvgFonts> {
        let mut db = fontdb::Database::new();
        for f in &guide.all_font_files() {
            db.load_font_file(f).map_err(|e| Error::file(f, e))?;
        }
        Ok(SvgFonts {
            fontdb: Arc::new(db),
            family: guide.body().latin.family.get_ref().clone(),
        })
    }
}

const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];

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

/// An SVG file shown by an `<image>` inside another SVG: parsed the way the SVG spec
/// (and usvg's own loader) wants, with its external images ignored — so an SVG showing
/// itself cannot recurse until the stack overflows — and inflated within the size limit
/// when compressed. `data:` images inside still go through `opts`.
pub fn nested_svg(data: &[u8], opts: &usvg::Options) -> Option<usvg::Tree> {
    let plain;
    let data = if data.starts_with(GZIP_MAGIC) {
        plain = gunzip(data).ok()?;
        &plain[..]
    } else {
        data
    };
    usvg::Tree::from_data_nested(data, opts).ok()
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

/// Inflates gzipped SVG up to [`MAX_ASSET_BYTES`].
fn gunzip(bytes: &[u8]) -> Result<Vec<u8>, String> {
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

/// An error about a piece's hero at its `hero = …` line: `hero image <file> <problem>`.
pub fn hero_error(piece: &Piece, path: &Path, problem: &str) -> Error {
    let msg = format!("hero image {} {problem}", path.display());
    let span = piece.hero.as_ref().map(|h| h.span.clone());
    match span.or_else(|| front_matter_span(piece, "hero", "")) {
        Some(span) => piece.source.error(span, msg, "hero").into(),
        None => Error::file(&piece.source.path, msg),
    }
}

/// Byte span of the front matter line `key = ...` whose value holds `value` (else the
/// first `key = ...` line), for errors about what a piece sets.
pub fn front_matter_span(piece: &Piece, key: &str, value: &str) -> Option<Range<usize>> {
    let text: &str = &piece.source.text;
    let end = text.get(3..)?.find("\n+++").map(|i| i + 3)?;
    let mut offset = 0;
    let mut first = None;
    for line in text[..end].split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            let span = offset + (line.len() - trimmed.len())..offset + line.trim_end().len();
            if !value.is_empty() && rest.contains(value) {
                return Some(span);
            }
            first.get_or_insert(span);
        }
        offset += line.len();
    }
    first
}

/// Decodes a PNG, JPEG or GIF (first frame) to straight RGBA, after checking its header
/// against the pixel limits.
pub fn decode_raster(bytes: &[u8]) -> Result<Decoded, String> {
    limits::check_raster(bytes)?;
    match sniff(bytes, Path::new("")) {
        Some(Format::Png | Format::Jpeg) => {
            image::decode(bytes).map_err(|e| format!("cannot be decoded: {e}"))
        }
        Some(Format::Gif) => decode_gif_first_frame(bytes),
        _ => Err("is not a PNG, JPEG or GIF image".into()),
    }
}

/// The first frame of a GIF drawn on its logical screen (transparent elsewhere), which is
/// what a browser shows before the animation starts.
fn decode_gif_first_frame(bytes: &[u8]) -> Result<Decoded, String> {
    let (width, height) = limits::check_raster(bytes)?;
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    // A frame may claim more than its screen (up to 65535² pixels): the decoder refuses
    // frames over the pixel limit before allocating them.
    if let Some(bytes) = std::num::NonZeroU64::new(limits::MAX_PIXELS * 4) {
        options.set_memory_limit(gif::MemoryLimit::Bytes(bytes));
    }
    let broken = |e: gif::DecodingError| format!("is a broken GIF: {e}");
    let mut decoder = options.read_info(bytes).map_err(broken)?;
    let frame = decoder
        .read_next_frame()
        .map_err(broken)?
        .ok_or("is a GIF without any frame")?;
    let (w, h) = (width as usize, height as usize);
    let mut rgba = vec![0u8; w * h * 4];
    let (fl, ft) = (usize::from(frame.left), usize::from(frame.top));
    let fw = usize::from(frame.width);
    if fw == 0 {
        return Err("is a GIF whose first frame is empty".into());
    }
    for (row, line) in frame.buffer.chunks_exact(fw * 4).enumerate() {
        let y = ft + row;
        if y >= h || fl >= w {
            break;
        }
        let n = fw.min(w - fl);
        let dst = (y * w + fl) * 4;
        rgba[dst..dst + n * 4].copy_from_slice(&line[..n * 4]);
    }
    Ok(Decoded {
        width,
        height,
        rgba,
        photo: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gif(screen: (u16, u16), frame: (u16, u16, u16, u16), rgba: [u8; 4]) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut enc = gif::Encoder::new(&mut out, screen.0, screen.1, &[]).unwrap();
            let (l, t, w, h) = frame;
            let mut pixels = rgba.repeat(usize::from(w) * usize::from(h));
            let mut f = gif::Frame::from_rgba_speed(w, h, &mut pixels, 10);
            f.left = l;
            f.top = t;
            enc.write_frame(&f).unwrap();
            // A second frame that must not show.
            let mut other = [0u8, 0, 255, 255].repeat(usize::from(w) * usize::from(h));
            enc.write_frame(&gif::Frame::from_rgba_speed(w, h, &mut other, 10))
                .unwrap();
        }
        out
    }

    #[test]
    fn gif_first_frame_lands_on_its_screen() {
        let bytes = gif((4, 3), (1, 1, 2, 2), [0x1F, 0x5C, 0x4A, 255]);
        let d = decode_raster(&bytes).unwrap();
        assert_eq!((d.width, d.height), (4, 3));
        let px = |x: usize, y: usize| &d.rgba[(y * 4 + x) * 4..(y * 4 + x) * 4 + 4];
        assert_eq!(px(1, 1), [0x1F, 0x5C, 0x4A, 255]);
        assert_eq!(px(2, 2), [0x1F, 0x5C, 0x4A, 255]);
        assert_eq!(px(0, 0)[3], 0, "outside the frame is transparent");
        // A frame hanging over the screen's edge is clipped, not a panic.
        let bytes = gif((2, 2), (1, 1, 3, 3), [9, 9, 9, 255]);
        let d = decode_raster(&bytes).unwrap();
        assert_eq!(&d.rgba[12..16], [9, 9, 9, 255]);
    }

    #[test]
    fn rasters_over_the_limits_are_refused_before_decoding() {
        // A GIF header claiming 60000×60000: refused from the header.
        let mut bytes = b"GIF89a".to_vec();
        bytes.extend_from_slice(&60000u16.to_le_bytes());
        bytes.extend_from_slice(&60000u16.to_le_bytes());
        bytes.extend_from_slice(&[0, 0, 0]);
        let e = decode_raster(&bytes).unwrap_err();
        assert!(e.contains("60000×60000"), "{e}");
        assert!(decode_raster(b"GIF89a").is_err());
        assert!(decode_raster(b"%PDF-1.7").is_err());
    }

    #[test]
    fn formats_are_sniffed_from_bytes() {
        let p = Path::new("hero.png");
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest", p), Some(Format::Png));
        assert_eq!(sniff(b"GIF89a....", p), Some(Format::Gif));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0], p), Some(Format::Jpeg));
        assert_eq!(sniff(b"<svg/>", p), None, "SVG needs its name");
        assert_eq!(sniff(b"  <svg/>", Path::new("a.SVG")), Some(Format::Svg));
        assert_eq!(sniff(b"RIFF....WEBP", p), None);
    }
}
