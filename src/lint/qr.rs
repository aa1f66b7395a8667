//! QR codes in images and PDF pages: decoded, and their addresses checked — the bridge
//! from paper and screens to the campaign's page (`link/qr-mismatch`, and the UTM rules
//! `link/utm-missing` and `link/utm-mismatch` as for the file's other links).
//!
//! Decoding is rqrr's (pure Rust, the quirc algorithm), on the image's luminance (pixels
//! composited on white). It is bounded:
//! - a raster over [`MAX_QR_PIXELS`] is box-downscaled until it fits;
//! - a cheap pre-scan ([`finders`]) looks for finder patterns (a dark–light–dark–light–dark
//!   run of 1:1:3:1:1 on a mid-grey threshold, stacked over at least two modules' rows).
//!   Fewer than three: there is no QR code to find, and rqrr does not run (most images
//!   and pages, so lint keeps its speed). More than [`MAX_FINDERS`]: a picture of noise or
//!   a sheet of codes, not a brand piece; it is not searched (rqrr's grouping of finder
//!   patterns grows with their square);
//! - at most [`MAX_CODES`] grids are decoded per raster; a grid that does not decode
//!   (damaged, not a QR code) is ignored.
//!
//! PDF pages are rasterized with hayro at [`PDF_DPI`], without anti-aliasing: rqrr needs
//! modules of about 4 px and more (measured on our flyer: its 0.49 mm modules are not
//! read at 200 dpi, 3.9 px, and are from 220 dpi on), and a printed code's modules are
//! 0.4 mm and more, 4.7 px at 300 dpi. Bounds and cost:
//! - only pages that can hold a code are drawn: pages drawing an image (an XObject, or
//!   an inline image) or at least [`MIN_PATH_SEGMENTS`] path segments (a vector code is
//!   dozens of rectangles), among a file's first two pages and its last (where flyers,
//!   posters and brochures put their code: a long report's middle pages are not drawn);
//! - not pages whose images hold more than [`MAX_IMAGE_PIXELS`], whose content runs over
//!   [`MAX_CONTENT_BYTES`] or that paint with a tiling pattern (the renderer decodes
//!   images whole, can take hundreds of megabytes for a pattern, and cannot be stopped);
//! - each is drawn first at half the resolution ([`PREVIEW_DIVISOR`], a quarter of the
//!   pixels), where the finder pre-scan decides whether to draw again, at full resolution,
//!   only the part of the page the finder patterns span, and run rqrr there;
//! - at most [`MAX_PAGE_PIXELS`] a page (a larger page is drawn at a lower resolution:
//!   A4 at 300 dpi is 8.7 megapixels).
//!
//! What a code's address is compared with:
//! - our own outputs (a folder with `manifest.json` above the file, inside the linted
//!   paths, as [`crate::lint::consistency`] finds them): the piece's web page,
//!   `[channels.web] base_url` + `web/<slug>/`, the piece and campaign as the manifest
//!   records them for the file's path (the record's hash is not required to match: an
//!   edited file is still that piece's output);
//! - files made elsewhere: the brand's own domains (`[links] domains`). With
//!   `lint --campaign NAME`, a `utm_campaign` naming another campaign is a
//!   `link/utm-mismatch`. (Comparing foreign files' codes with each other is the
//!   campaign group's job and is not done here.)
//!
//! Addresses are compared without their `utm_*` parameters and fragment, by the `url`
//! crate's normal form (host case, default port, an empty path as `/`). Payloads that are
//! not `http:`/`https:` URLs (text, vCards, Wi-Fi settings) are not links and are not
//! checked.

mod vector;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use vector::{PageRead, read_page};

use crate::channel::Channel;
use crate::lint::{Finding, LintContext, Location, Reach, rules};
use crate::manifest::{MANIFEST, Record};

/// Pixels rqrr is given at most; larger rasters are downscaled first.
pub const MAX_QR_PIXELS: usize = 16_000_000;
/// Finder patterns beyond which a raster is not searched.
pub const MAX_FINDERS: usize = 64;
/// QR codes decoded per raster at most.
pub const MAX_CODES: usize = 16;
/// Resolution PDF pages are rasterized at.
pub const PDF_DPI: f32 = 300.0;
/// A PDF page is first drawn at [`PDF_DPI`] divided by this, and drawn again at full
/// resolution only when it shows three finder patterns or more there.
pub const PREVIEW_DIVISOR: f32 = 2.0;
/// Pixels one rasterized PDF page may have.
pub const MAX_PAGE_PIXELS: f32 = 12_000_000.0;
/// PDF pages rasterized per file at most.
pub const MAX_PAGES: usize = 3;
/// Path segments (`re`, `m`) a page draws for it to be rasterized without an image.
pub const MIN_PATH_SEGMENTS: usize = 40;
/// Pixels of images (and their soft masks) a page may hold for it to be rasterized: the
/// renderer decodes them whole (4 bytes a pixel). A scanned A4 page at 400 dpi is 15.5
/// megapixels.
pub const MAX_IMAGE_PIXELS: u64 = 20_000_000;
/// Bytes of content operators a page may have for it to be rasterized.
pub const MAX_CONTENT_BYTES: usize = 4 << 20;
/// Form XObjects looked into per page when deciding whether to rasterize it.
const MAX_FORMS: usize = 64;

/// A decoded QR code.
#[derive(Debug, Clone, PartialEq)]
pub struct Code {
    /// The payload, as text.
    pub text: String,
    /// The bounding box `[x, y, w, h]` in the raster's pixels.
    pub bounds: [f32; 4],
}

/// Every QR code in a `width × height` raster of 8-bit luminance (row by row).
/// Bounded as the module docs say; never panics on any input.
pub fn decode_luma(width: usize, height: usize, luma: &[u8]) -> Vec<Code> {
    if width == 0 || height == 0 || luma.len() < width * height {
        return Vec::new();
    }
    // downscale (box filter) until it fits
    let mut factor = 1;
    while (width / factor) * (height / factor) > MAX_QR_PIXELS {
        factor += 1;
    }
    let scaled;
    let (w, h, pixels) = if factor == 1 {
        (width, height, luma)
    } else {
        let (w, h) = (width / factor, height / factor);
        let mut out = vec![0u8; w * h];
        for y in 0..h {
            for x in 0..w {
                let mut sum = 0u32;
                for dy in 0..factor {
                    let row = (y * factor + dy) * width + x * factor;
                    sum += luma[row..row + factor]
                        .iter()
                        .map(|v| u32::from(*v))
                        .sum::<u32>();
                }
                out[y * w + x] = (sum / (factor * factor) as u32) as u8;
            }
        }
        scaled = out;
        (w, h, scaled.as_slice())
    };
    let dark = |i: usize| pixels[i] < 128;
    let rows = |y: usize, mask: &mut Vec<u64>| mask_luma(&pixels[y * w..y * w + w], mask);
    search(w, h, factor, dark, rows, |i| pixels[i])
}

/// The codes of a `w × h` raster (`factor` times smaller than the image the boxes are
/// given in) whose pixel `i` (row by row) is `dark(i)` at the pre-scan's mid-grey
/// threshold and has luminance `luma(i)`.
fn search(
    w: usize,
    h: usize,
    factor: usize,
    dark: impl Fn(usize) -> bool,
    rows: impl Fn(usize, &mut Vec<u64>),
    luma: impl Fn(usize) -> u8,
) -> Vec<Code> {
    let Some(marks) = finder_marks_by(w, h, &dark, &rows).filter(|m| m.len() >= 3) else {
        return Vec::new();
    };
    // only finder patterns that can be the three corners of one code are searched (a
    // photo's texture passes the pattern test here and there, never in that shape)
    let marks = corners(&marks);
    if marks.is_empty() {
        return Vec::new();
    }
    // rqrr reads only the part of the raster the finder patterns span: a code reaches
    // 3.5 modules past its finders' centers, its quiet zone 4 more (a code on a poster or
    // a story card is a small part of it, and rqrr's thresholding and region filling are
    // linear in the pixels it is given)
    let [x0, y0, x1, y1] = span(&marks, w, h);
    let (cw, ch) = (x1 - x0, y1 - y0);
    let at = |x: usize, y: usize| luma((y0 + y) * w + x0 + x);
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(cw, ch, at);
    let mut out: Vec<Code> = Vec::new();
    for grid in prepared.detect_grids().into_iter().take(MAX_CODES) {
        let Ok((_, text)) = grid.decode() else {
            continue;
        };
        let xs = grid
            .bounds
            .iter()
            .map(|p| (p.x as f32 + x0 as f32) * factor as f32);
        let ys = grid
            .bounds
            .iter()
            .map(|p| (p.y as f32 + y0 as f32) * factor as f32);
        let (x0, x1) = xs.fold((f32::MAX, f32::MIN), |(a, b), v| (a.min(v), b.max(v)));
        let (y0, y1) = ys.fold((f32::MAX, f32::MIN), |(a, b), v| (a.min(v), b.max(v)));
        let code = Code {
            text,
            bounds: [
                x0.max(0.0),
                y0.max(0.0),
                (x1 - x0).max(0.0),
                (y1 - y0).max(0.0),
            ],
        };
        if !out.contains(&code) {
            out.push(code);
        }
    }
    out
}

/// The finder patterns among `marks` (center x, center y, module size) that are the
/// corners of a possible code: three of about the same module size (within 2×), two of
/// them at about the same distance (within 40 %) from the third, at about a right angle
/// there (within ±30°, for a code seen in perspective), that distance 10 to 180 modules
/// (versions 1 to 40: 14 to 170).
fn corners(marks: &[[usize; 3]]) -> Vec<[usize; 3]> {
    let mut keep = vec![false; marks.len()];
    let p = |m: &[usize; 3]| (m[0] as f32, m[1] as f32, m[2].max(1) as f32);
    for (i, a) in marks.iter().enumerate() {
        let (ax, ay, au) = p(a);
        for (j, b) in marks.iter().enumerate().skip(i + 1) {
            let (bx, by, bu) = p(b);
            for (k, c) in marks.iter().enumerate().skip(j + 1) {
                let (cx, cy, cu) = p(c);
                if au.max(bu).max(cu) > 2.0 * au.min(bu).min(cu) {
                    continue;
                }
                let unit = (au + bu + cu) / 3.0;
                // each of the three as the corner
                let corner = [
                    ((ax, ay), (bx, by), (cx, cy)),
                    ((bx, by), (ax, ay), (cx, cy)),
                    ((cx, cy), (ax, ay), (bx, by)),
                ];
                let l_shaped = corner.iter().any(|&((ox, oy), (px, py), (qx, qy))| {
                    let (ux, uy, vx, vy) = (px - ox, py - oy, qx - ox, qy - oy);
                    let (lu, lv) = (ux.hypot(uy), vx.hypot(vy));
                    let modules = (lu + lv) / 2.0 / unit;
                    lu > 0.0
                        && lv > 0.0
                        && lu.max(lv) <= 1.4 * lu.min(lv)
                        && (10.0..=180.0).contains(&modules)
                        && ((ux * vx + uy * vy) / (lu * lv)).abs() <= 0.5
                });
                if l_shaped {
                    keep[i] = true;
                    keep[j] = true;
                    keep[k] = true;
                }
            }
        }
    }
    marks
        .iter()
        .zip(keep)
        .filter_map(|(m, keep)| keep.then_some(*m))
        .collect()
}

/// The box `[x0, y0, x1, y1]` (end exclusive) of a `w × h` raster that holds every code
/// whose finder patterns are `marks` (center x, center y, module size), quiet zones
/// included: eight modules (of at least 2 px) around each center.
fn span(marks: &[[usize; 3]], w: usize, h: usize) -> [usize; 4] {
    let reach = |m: &[usize; 3]| 8 * m[2].max(2);
    let x0 = marks.iter().map(|m| m[0].saturating_sub(reach(m))).min();
    let y0 = marks.iter().map(|m| m[1].saturating_sub(reach(m))).min();
    let x1 = marks.iter().map(|m| (m[0] + reach(m) + 1).min(w)).max();
    let y1 = marks.iter().map(|m| (m[1] + reach(m) + 1).min(h)).max();
    match (x0, y0, x1, y1) {
        (Some(x0), Some(y0), Some(x1), Some(y1)) if x0 < x1 && y0 < y1 => [x0, y0, x1, y1],
        _ => [0, 0, w, h],
    }
}

/// Every QR code in straight 8-bit RGBA pixels (composited on white).
pub fn decode_rgba(width: usize, height: usize, rgba: &[u8]) -> Vec<Code> {
    if rgba.len() < width.saturating_mul(height).saturating_mul(4) {
        return Vec::new();
    }
    // within rqrr's size the image is read in place: the pre-scan tests each pixel's
    // luminance as it goes, and only the part rqrr reads is converted
    if width * height <= MAX_QR_PIXELS && width > 0 && height > 0 {
        let luma = |i: usize| luma_on_white(&rgba[i * 4..i * 4 + 4]);
        let dark = |i: usize| dark_on_white(&rgba[i * 4..i * 4 + 4]);
        let rows = |y: usize, mask: &mut Vec<u64>| {
            mask_rgba(&rgba[y * width * 4..(y + 1) * width * 4], mask);
        };
        return search(width, height, 1, dark, rows, luma);
    }
    let luma: Vec<u8> = rgba
        .chunks_exact(4)
        .take(width * height)
        .map(luma_on_white)
        .collect();
    decode_luma(width, height, &luma)
}

/// The luminance of a straight RGBA pixel composited on white.
fn luma_on_white(p: &[u8]) -> u8 {
    let y = (u32::from(p[0]) * 54 + u32::from(p[1]) * 183 + u32::from(p[2]) * 19) >> 8;
    match u32::from(p[3]) {
        255 => y as u8,
        a => ((y * a + 255 * (255 - a)) / 255) as u8,
    }
}

/// Whether a straight RGBA pixel composited on white is darker than mid-grey:
/// `luma_on_white(p) < 128` without the division (`⌊v / 255⌋ < 128` is `v < 128 · 255`).
#[inline(always)]
fn dark_on_white(p: &[u8]) -> bool {
    let y = (u32::from(p[0]) * 54 + u32::from(p[1]) * 183 + u32::from(p[2]) * 19) >> 8;
    let a = u32::from(p[3]);
    y * a + 255 * (255 - a) < 128 * 255
}

/// One row's dark pixels as bits (bit `x % 64` of word `x / 64`), from RGBA. The test is
/// [`dark_on_white`]'s in 16-bit lanes (`r·54 + g·183 + b·19 ≤ 65,280` and
/// `y·a + 255·(255 − a) ≤ 65,025`), which the compiler vectorizes: a pixel costs about 10
/// instructions instead of 25.
fn mask_rgba(row: &[u8], mask: &mut Vec<u64>) {
    mask.clear();
    mask.extend(row.chunks(64 * 4).map(|chunk| {
        let mut bytes = [0u8; 64];
        for (b, p) in bytes.iter_mut().zip(chunk.chunks_exact(4)) {
            let y = (u16::from(p[0]) * 54 + u16::from(p[1]) * 183 + u16::from(p[2]) * 19) >> 8;
            let a = u16::from(p[3]);
            *b = u8::from(y * a + 255 * (255 - a) < 128 * 255);
        }
        pack_bits(&bytes)
    }));
}

/// One row's dark pixels as bits, from 8-bit luminance.
fn mask_luma(row: &[u8], mask: &mut Vec<u64>) {
    mask.clear();
    mask.extend(row.chunks(64).map(|chunk| {
        let mut bytes = [0u8; 64];
        for (b, v) in bytes.iter_mut().zip(chunk) {
            *b = u8::from(*v < 128);
        }
        pack_bits(&bytes)
    }));
}

/// 64 bytes of 0 or 1 as the bits of one word (byte `k` → bit `k`): each 8 bytes are
/// gathered into the top byte of one multiplication (byte `k` meets the constant's byte
/// `7 − k`, `0x80 >> (7 − k)`, at bit `56 + k`; no other products reach or carry into the
/// top byte).
fn pack_bits(bytes: &[u8; 64]) -> u64 {
    let mut word = 0u64;
    for (i, eight) in bytes.chunks_exact(8).enumerate() {
        let mut b = [0u8; 8];
        b.copy_from_slice(eight);
        let x = u64::from_le_bytes(b);
        word |= (x.wrapping_mul(0x0102_0408_1020_4080) >> 56) << (i * 8);
    }
    word
}

/// The end of the run of pixels of `dark`'s color that starts at `x` in a row of `w`
/// pixels whose dark pixels are `mask`'s bits.
fn run_end(mask: &[u64], x: usize, dark: bool, w: usize) -> usize {
    let flip = if dark { !0u64 } else { 0 };
    let mut word = x / 64;
    // bits that differ from the run's color, from x on
    let mut differ = (mask[word] ^ flip) & (!0u64 << (x % 64));
    loop {
        if differ != 0 {
            return (word * 64 + differ.trailing_zeros() as usize).min(w);
        }
        word += 1;
        if word >= mask.len() {
            return w;
        }
        differ = mask[word] ^ flip;
    }
}

/// An open run of finder-pattern hits, stacked row over row.
struct Stack {
    center: usize,
    unit: usize,
    first_row: usize,
    last_row: usize,
    rows: usize,
}

impl Stack {
    /// Center and module size.
    fn mark(&self) -> [usize; 3] {
        [self.center, (self.first_row + self.last_row) / 2, self.unit]
    }

    /// Whether this is a finder pattern: stacked over two modules' rows at least, and
    /// 1:1:3:1:1 down its center column too (text strokes pass the row test, rarely
    /// both).
    fn is_finder(&self, w: usize, h: usize, dark_at: &impl Fn(usize) -> bool) -> bool {
        if self.rows < 2 * self.unit {
            return false;
        }
        let (x, y) = (self.center, (self.first_row + self.last_row) / 2);
        let dark = |y: usize| dark_at(y * w + x);
        if x >= w || y >= h || !dark(y) {
            return false;
        }
        // runs up and down from the center: dark (the center's), light, dark
        let mut runs = [0usize; 5];
        let limit = 8 * self.unit.max(1) + 8;
        for (dir, slots) in [(-1isize, [2usize, 1, 0]), (1, [2, 3, 4])] {
            let mut yy = y as isize;
            for (k, slot) in slots.into_iter().enumerate() {
                let want_dark = k != 1;
                let mut n = 0;
                while yy >= 0 && (yy as usize) < h && dark(yy as usize) == want_dark && n < limit {
                    n += 1;
                    yy += dir;
                }
                runs[slot] += n;
            }
        }
        runs[2] = runs[2].saturating_sub(1); // the center pixel was counted twice
        finder_ratio(&runs).is_some()
    }
}

/// How many finder patterns (the squares in three corners of a QR code) a raster seems
/// to hold: rows with a dark–light–dark–light–dark run of 1:1:3:1:1 (modules of 2 px or
/// more, on a fixed mid-grey threshold), stacked with the same center over at least two
/// modules' height, and 1:1:3:1:1 down the center column as well. Linear in the pixels;
/// counting stops past [`MAX_FINDERS`].
pub fn finders(w: usize, h: usize, luma: &[u8]) -> usize {
    finder_marks(w, h, luma).map_or(MAX_FINDERS + 1, |m| m.len())
}

/// The finder patterns [`finders`] counts, as (center x, center y, module size) in
/// pixels; `None` past [`MAX_FINDERS`].
pub fn finder_marks(w: usize, h: usize, luma: &[u8]) -> Option<Vec<[usize; 3]>> {
    if luma.len() < w * h {
        return Some(Vec::new());
    }
    let rows = |y: usize, mask: &mut Vec<u64>| mask_luma(&luma[y * w..y * w + w], mask);
    finder_marks_by(w, h, &|i: usize| luma[i] < 128, &rows)
}

/// [`finder_marks`] of a raster whose pixel `i` (row by row) is dark when `dark(i)`, and
/// whose row `y`'s dark pixels `rows(y, mask)` writes as bits (rows are scanned run by
/// run, a word of 64 pixels at a time; `dark_at` is asked only down a candidate's column).
fn finder_marks_by(
    w: usize,
    h: usize,
    dark_at: &impl Fn(usize) -> bool,
    rows: &impl Fn(usize, &mut Vec<u64>),
) -> Option<Vec<[usize; 3]>> {
    if w == 0 || h == 0 {
        return Some(Vec::new());
    }
    let mut open: Vec<Stack> = Vec::new();
    let mut found: Vec<[usize; 3]> = Vec::new();
    let mut mask: Vec<u64> = Vec::with_capacity(w.div_ceil(64));
    for y in 0..h {
        rows(y, &mut mask);
        if mask.len() != w.div_ceil(64) {
            return Some(found);
        }
        // the last five runs, r4 the last; runs alternate colors (kept in registers: an
        // array rotated per run goes through memory, and grain has a run every 2 px)
        let (mut r1, mut r2, mut r3, mut r4) = (0usize, 0, 0, 0);
        let mut x = 0;
        while x < w {
            let dark = mask[x / 64] >> (x % 64) & 1 == 1;
            let end = run_end(&mask, x, dark, w);
            let r0 = r1;
            (r1, r2, r3, r4) = (r2, r3, r4, end - x);
            x = end;
            // a run of `dark` ended at x (finder_ratio needs 14 px at least)
            if dark
                && r0 + r1 + r2 + r3 + r4 >= 14
                && let Some((unit, _)) = finder_ratio(&[r0, r1, r2, r3, r4])
            {
                let center = x - r4 - r3 - r2 / 2;
                match open
                    .iter_mut()
                    .find(|s| s.last_row + 2 >= y && s.center.abs_diff(center) <= s.unit.max(unit))
                {
                    Some(s) => {
                        if s.last_row != y {
                            s.rows += 1;
                            s.last_row = y;
                        }
                    }
                    None => open.push(Stack {
                        center,
                        unit,
                        first_row: y,
                        last_row: y,
                        rows: 1,
                    }),
                }
            }
        }
        // close the stacks this row did not continue
        open.retain(|s| {
            let alive = s.last_row + 2 > y;
            if !alive && s.is_finder(w, h, dark_at) {
                found.push(s.mark());
            }
            alive
        });
        if found.len() > MAX_FINDERS || open.len() > 4 * MAX_FINDERS {
            return None;
        }
    }
    found.extend(
        open.iter()
            .filter(|s| s.is_finder(w, h, dark_at))
            .map(Stack::mark),
    );
    (found.len() <= MAX_FINDERS).then_some(found)
}

/// The module size and total width when `runs` (dark, light, dark, light, dark) are a
/// finder pattern's 1:1:3:1:1 with modules of at least 2 px.
fn finder_ratio(runs: &[usize; 5]) -> Option<(usize, usize)> {
    let total: usize = runs.iter().sum();
    if total < 14 || runs.contains(&0) {
        return None;
    }
    let unit = total as f32 / 7.0;
    let ok = runs
        .iter()
        .zip([1.0, 1.0, 3.0, 1.0, 1.0])
        .all(|(r, e)| (*r as f32 - unit * e).abs() <= unit * e * 0.5 + 1.0);
    ok.then_some((unit.round() as usize, total))
}

/// What a linted file is, for the QR checks.
struct Context {
    channel: Channel,
    campaign: Option<String>,
    /// The piece's web page, for our own outputs.
    page: Option<String>,
    /// The piece, for messages.
    piece: Option<String>,
}

/// The QR findings of an image decoded to RGBA (PNG, JPEG). Images are the social
/// channel's, unless our manifest records the file under another channel.
pub fn check_image(
    ctx: &LintContext,
    path: &Path,
    image: &crate::lint::image::Decoded,
) -> Vec<Finding> {
    let codes = decode_rgba(image.width as usize, image.height as usize, &image.rgba);
    if codes.is_empty() {
        return Vec::new();
    }
    let file = context(ctx, path, Channel::Social);
    let mut findings = Vec::new();
    for code in codes {
        let [x, y, w, h] = code.bounds;
        let location = Location {
            pixel_box: Some([x as u32, y as u32, w.ceil() as u32, h.ceil() as u32]),
            ..Location::file(path)
        };
        findings.extend(check_code(ctx, &file, &code.text, location, ""));
    }
    findings
}

/// The QR findings of a PDF (its bytes, and the document lint loaded): candidate pages
/// rasterized with hayro and searched, as the module docs say. PDFs are the print
/// channel's.
///
/// A candidate page whose codes its geometry shows ([`read_page`]: `reads`, by page
/// number) is not rasterized when nothing else on it could hold a code — no image, and
/// fewer than [`MIN_PATH_SEGMENTS`] path segments besides the codes read.
pub fn check_pdf(
    ctx: &LintContext,
    path: &Path,
    bytes: &[u8],
    doc: &lopdf::Document,
    reads: &BTreeMap<usize, PageRead>,
    contents: &BTreeMap<usize, Vec<u8>>,
) -> Vec<Finding> {
    let mut raster = Vec::new();
    let mut coded: Vec<(usize, Vec<Code>)> = Vec::new();
    for (number, tally) in candidates(doc, contents) {
        match reads.get(&number) {
            Some(read) if read.clean && tally.without(read.segments).is_none() => {
                if !read.codes.is_empty() {
                    coded.push((number, read.codes.clone()));
                }
            }
            _ => raster.push(number),
        }
    }
    if !raster.is_empty() {
        coded.extend(pdf_codes(bytes, &raster));
        coded.sort_by_key(|(number, _)| *number);
    }
    let mut file = None;
    let mut findings = Vec::new();
    for (number, codes) in coded {
        let file = file.get_or_insert_with(|| context(ctx, path, Channel::Print));
        for code in codes {
            let [x, y, cw, ch] = code.bounds;
            let location = Location {
                page: Some(number),
                ..Location::file(path)
            };
            let at = format!(
                " (the code at {x:.0},{y:.0} pt from the page's top-left corner, {cw:.0}×{ch:.0} pt)"
            );
            findings.extend(check_code(ctx, file, &code.text, location, &at));
        }
    }
    findings
}

/// The QR codes on `pages` (1-based numbers) of a PDF, rasterized with hayro at
/// [`PDF_DPI`] (lower for a page over [`MAX_PAGE_PIXELS`]) without anti-aliasing, so a
/// module is whole pixels of ink or paper; boxes in points from the top-left corner of
/// the page as shown (its crop box).
pub fn pdf_codes(bytes: &[u8], pages: &[usize]) -> Vec<(usize, Vec<Code>)> {
    let Ok(pdf) = hayro::hayro_syntax::Pdf::new(bytes.to_vec()) else {
        return Vec::new();
    };
    let all = pdf.pages();
    let cache = hayro::RenderCache::new();
    let render = hayro::RenderSettings {
        aliasing_threshold: Some(128),
        ..Default::default()
    };
    let mut out = Vec::new();
    for &number in pages.iter().take(MAX_PAGES) {
        let Some(page) = number.checked_sub(1).and_then(|i| all.get(i)) else {
            continue;
        };
        let (pw, ph) = page.render_dimensions();
        if !(pw.is_finite() && ph.is_finite()) || pw < 1.0 || ph < 1.0 {
            continue;
        }
        let scale = raster_scale(pw, ph);
        let draw = |scale: f32| {
            let settings = hayro::PixmapSettings {
                x_scale: scale,
                y_scale: scale,
                bg_color: hayro::vello_cpu::color::palette::css::WHITE,
            };
            hayro::render(page, &cache, &Default::default(), &render, &settings)
        };
        // a first look at half the resolution (a quarter of the pixels): the finder
        // patterns of a printed code are 2 px a module and more there
        let glance = draw(scale / PREVIEW_DIVISOR);
        let (gw, gh) = (glance.width() as usize, glance.height() as usize);
        let luma: Vec<u8> = glance
            .data_as_u8_slice()
            .chunks_exact(4)
            .map(|p| {
                ((u32::from(p[0]) * 54 + u32::from(p[1]) * 183 + u32::from(p[2]) * 19) >> 8) as u8
            })
            .collect();
        let Some(marks) = finder_marks(gw, gh, &luma).filter(|m| m.len() >= 3) else {
            continue;
        };
        drop((glance, luma));
        // only the part of the page the finder patterns span is drawn again, at full
        // resolution: a code reaches 3.5 modules past its finders' centers, its quiet
        // zone 4 more
        let (full_w, full_h) = ((pw * scale) as u32, (ph * scale) as u32);
        let reach = |unit: usize| ((8 * unit.max(2)) as f32 * PREVIEW_DIVISOR) as u32;
        let to_full = |v: usize| (v as f32 * PREVIEW_DIVISOR) as u32;
        let x0 = marks
            .iter()
            .map(|m| to_full(m[0]).saturating_sub(reach(m[2])))
            .min();
        let y0 = marks
            .iter()
            .map(|m| to_full(m[1]).saturating_sub(reach(m[2])))
            .min();
        let x1 = marks
            .iter()
            .map(|m| (to_full(m[0]) + reach(m[2])).min(full_w))
            .max();
        let y1 = marks
            .iter()
            .map(|m| (to_full(m[1]) + reach(m[2])).min(full_h))
            .max();
        let (Some(x0), Some(y0), Some(x1), Some(y1)) = (x0, y0, x1, y1) else {
            continue;
        };
        if x1 <= x0 || y1 <= y0 {
            continue;
        }
        let pixmap = draw_region(page, &cache, &render, scale, [x0, y0, x1 - x0, y1 - y0]);
        let (w, h) = (pixmap.width() as usize, pixmap.height() as usize);
        // premultiplied on an opaque white background: the same as straight RGBA
        let codes: Vec<Code> = decode_rgba(w, h, pixmap.data_as_u8_slice())
            .into_iter()
            .map(|c| {
                let [x, y, bw, bh] = c.bounds;
                Code {
                    bounds: [
                        (x + x0 as f32) / scale,
                        (y + y0 as f32) / scale,
                        bw / scale,
                        bh / scale,
                    ],
                    ..c
                }
            })
            .collect();
        if !codes.is_empty() {
            out.push((number, codes));
        }
    }
    out
}

/// Pixels per point a `pw × ph` pt page is rasterized at: [`PDF_DPI`], less for a page
/// over [`MAX_PAGE_PIXELS`].
pub fn raster_scale(pw: f32, ph: f32) -> f32 {
    (PDF_DPI / 72.0)
        .min((MAX_PAGE_PIXELS / (pw * ph)).sqrt())
        .min(f32::from(u16::MAX) / pw.max(ph))
}

/// The part `[x, y, w, h]` (pixels at `scale`, from the top-left corner of the page as
/// shown) of a page, drawn at `scale` on white.
fn draw_region<'a>(
    page: &'a hayro::hayro_syntax::page::Page<'a>,
    cache: &hayro::RenderCache<'a>,
    render: &hayro::RenderSettings,
    scale: f32,
    [x, y, w, h]: [u32; 4],
) -> hayro::vello_cpu::Pixmap {
    use hayro::hayro_interpret::util::TransformExt;
    use hayro::kurbo::Affine;
    use hayro::vello_cpu;
    let (w, h) = (
        w.min(u32::from(u16::MAX)) as u16,
        h.min(u32::from(u16::MAX)) as u16,
    );
    let mut ctx = vello_cpu::RenderContext::new(w, h);
    let transform = Affine::translate((-f64::from(x), -f64::from(y)))
        * Affine::scale(f64::from(scale))
        * page.initial_transform(true).to_kurbo();
    hayro::render_into(
        page,
        cache,
        &Default::default(),
        render,
        &mut ctx,
        transform,
    );
    ctx.flush();
    let mut pixmap = vello_cpu::Pixmap::new(ctx.width(), ctx.height());
    ctx.render_with(
        &mut pixmap,
        &mut vello_cpu::Resources::default(),
        vello_cpu::RasterizerSettings {
            target_init: vello_cpu::TargetInit::Clear(vello_cpu::color::palette::css::WHITE),
            ..Default::default()
        },
    );
    pixmap
}

/// The 1-based numbers of the pages worth rasterizing, among the first two and the last
/// ([`MAX_PAGES`]): those
/// drawing an image, or at least [`MIN_PATH_SEGMENTS`] path segments, in their content
/// or the forms it draws. Decoding is charged to one lint budget.
pub fn candidate_pages(doc: &lopdf::Document) -> Vec<usize> {
    candidates(doc, &BTreeMap::new())
        .into_iter()
        .map(|(n, _)| n)
        .collect()
}

/// Whether page `number` (1-based) of a PDF whose last page is `last` is one the QR
/// check may rasterize: the first two and the last (at most [`MAX_PAGES`] are).
pub fn looked_at(number: usize, last: usize) -> bool {
    number <= 2 || number == last
}

/// [`candidate_pages`], each with what it draws; `contents` has pages' content already
/// decoded, by page number.
fn candidates(doc: &lopdf::Document, contents: &BTreeMap<usize, Vec<u8>>) -> Vec<(usize, Tally)> {
    let mut budget = crate::lint::pdf::Budget::default();
    let mut out = Vec::new();
    let pages = doc.get_pages();
    let last = pages.keys().next_back().copied().unwrap_or(0);
    let looked_at = pages
        .into_iter()
        .filter(|(n, _)| looked_at(*n as usize, last as usize))
        .take(MAX_PAGES);
    for (number, page_id) in looked_at {
        if budget.exhausted.is_some() {
            break;
        }
        let mut tally = Tally::default();
        match contents.get(&(number as usize)) {
            Some(content) => tally.add(content),
            None => {
                if let (Some(content), _) = budget.page_content(doc, page_id) {
                    tally.add(&content);
                }
            }
        }
        let mut forms = 0;
        let mut seen = std::collections::HashSet::new();
        let mut stack: Vec<lopdf::Dictionary> = Vec::new();
        if let Ok((dict, ids)) = doc.get_page_resources(page_id) {
            stack.extend(dict.cloned());
            stack.extend(
                ids.iter()
                    .filter_map(|id| doc.get_dictionary(*id).ok().cloned()),
            );
        }
        while let Some(resources) = stack.pop() {
            if forms >= MAX_FORMS || !tally.affordable() {
                break;
            }
            // the renderer's tiling patterns can take hundreds of megabytes (pdf.js's
            // `tiling-pattern-box`: 560 MB); a QR code is not painted with one
            if let Some(patterns) = resources
                .get(b"Pattern")
                .ok()
                .and_then(|o| resolve(doc, o).as_dict().ok())
            {
                tally.tiling |= patterns.iter().any(|(_, p)| {
                    resolve(doc, p).as_stream().is_ok_and(|s| {
                        s.dict
                            .get(b"PatternType")
                            .ok()
                            .and_then(|t| resolve(doc, t).as_i64().ok())
                            == Some(1)
                    })
                });
            }
            let Some(xobjects) = resources
                .get(b"XObject")
                .ok()
                .and_then(|o| resolve(doc, o).as_dict().ok())
            else {
                continue;
            };
            for (_, x) in xobjects.iter() {
                if let lopdf::Object::Reference(id) = x
                    && !seen.insert(*id)
                {
                    continue;
                }
                let Ok(stream) = resolve(doc, x).as_stream() else {
                    continue;
                };
                match stream.dict.get(b"Subtype").and_then(|s| s.as_name()) {
                    Ok(b"Image") => {
                        tally.images += 1;
                        // the renderer decodes an image and its soft mask whole, whatever
                        // the size it is drawn at
                        let pixels = |d: &lopdf::Dictionary| {
                            let n = |k: &[u8]| {
                                d.get(k)
                                    .ok()
                                    .and_then(|o| resolve(doc, o).as_i64().ok())
                                    .map_or(0, |v| v.clamp(0, 1 << 20) as u64)
                            };
                            n(b"Width") * n(b"Height")
                        };
                        tally.image_pixels += pixels(&stream.dict);
                        if let Some(mask) = stream
                            .dict
                            .get(b"SMask")
                            .ok()
                            .and_then(|o| resolve(doc, o).as_stream().ok())
                        {
                            tally.image_pixels += pixels(&mask.dict);
                        }
                    }
                    Ok(b"Form") if forms < MAX_FORMS => {
                        forms += 1;
                        if let Some(content) = budget.decode(stream) {
                            tally.add(&content);
                        }
                        if let Some(r) = stream
                            .dict
                            .get(b"Resources")
                            .ok()
                            .and_then(|o| resolve(doc, o).as_dict().ok())
                        {
                            stack.push(r.clone());
                        }
                    }
                    _ => {}
                }
            }
        }
        if tally.worth() && tally.affordable() {
            out.push((number as usize, tally));
        }
    }
    out
}

fn resolve<'a>(doc: &'a lopdf::Document, o: &'a lopdf::Object) -> &'a lopdf::Object {
    match o {
        lopdf::Object::Reference(id) => doc.get_object(*id).unwrap_or(o),
        _ => o,
    }
}

/// What a page draws that a QR code is made of.
#[derive(Default)]
struct Tally {
    images: usize,
    segments: usize,
    /// Pixels of the images and soft masks the page draws, as stored.
    image_pixels: u64,
    /// Bytes of content the page's operators take.
    bytes: usize,
    /// Whether it paints with a tiling pattern.
    tiling: bool,
}

impl Tally {
    /// Counts `re` and `m` operators and inline images (`BI`) in content bytes (a token
    /// scan: a string holding ` re ` counts too, which costs at most one rasterization).
    fn add(&mut self, content: &[u8]) {
        // the bytes that end a token: PDF white space (NUL included) and the delimiters
        const fn ends() -> [bool; 256] {
            let mut t = [false; 256];
            let stops = b"\0 \t\n\x0c\r[]()<>/{}%";
            let mut i = 0;
            while i < stops.len() {
                t[stops[i] as usize] = true;
                i += 1;
            }
            t
        }
        static ENDS: [bool; 256] = ends();
        self.bytes += content.len();
        let mut start = 0;
        for (i, &b) in content.iter().enumerate() {
            if !ENDS[usize::from(b)] {
                continue;
            }
            match &content[start..i] {
                b"re" | b"m" => self.segments += 1,
                b"BI" => self.images += 1,
                _ => {}
            }
            start = i + 1;
        }
        match &content[start.min(content.len())..] {
            b"re" | b"m" => self.segments += 1,
            b"BI" => self.images += 1,
            _ => {}
        }
    }

    fn worth(&self) -> bool {
        self.images > 0 || self.segments >= MIN_PATH_SEGMENTS
    }

    /// What is left worth rasterizing without `segments` path segments (the codes read
    /// from the page's geometry): `None` when nothing is.
    fn without(&self, segments: usize) -> Option<&Tally> {
        let rest = self.segments.saturating_sub(segments);
        (self.images > 0 || rest >= MIN_PATH_SEGMENTS).then_some(self)
    }

    /// Whether drawing the page stays within the work limits: a page whose images hold
    /// more than [`MAX_IMAGE_PIXELS`] or whose content runs over [`MAX_CONTENT_BYTES`] is
    /// not drawn (pdf.js's `issue16263` has a 151-megapixel soft mask: seconds to draw).
    fn affordable(&self) -> bool {
        self.image_pixels <= MAX_IMAGE_PIXELS && self.bytes <= MAX_CONTENT_BYTES && !self.tiling
    }
}

/// The file's channel, campaign and page: from our manifest when a folder of ours holds
/// it, else `channel` and `--campaign`.
fn context(ctx: &LintContext, path: &Path, channel: Channel) -> Context {
    if let Some(record) = our_record(ctx, path) {
        let channel = record.channel.parse().unwrap_or(channel);
        let page = record.piece.as_deref().and_then(|slug| {
            let base = ctx.guide.channels.web.base_url.as_deref()?;
            let sep = if base.ends_with('/') { "" } else { "/" };
            // a segment's variant has its page at web/<segment>/<slug>/ (Project::page_url)
            let seg = record
                .segment
                .as_deref()
                .map(|s| format!("{s}/"))
                .unwrap_or_default();
            Some(format!("{base}{sep}web/{seg}{slug}/"))
        });
        return Context {
            channel,
            campaign: record.campaign.or_else(|| ctx.campaign.clone()),
            page,
            piece: record.piece,
        };
    }
    Context {
        channel,
        campaign: ctx.campaign.clone(),
        page: None,
        piece: None,
    }
}

/// The manifest record of `path` when an output folder of ours, inside the linted
/// paths, holds it.
fn our_record(ctx: &LintContext, path: &Path) -> Option<Record> {
    for dir in path.ancestors().skip(1) {
        let dir: PathBuf = if dir.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            dir.to_path_buf()
        };
        if !matches!(ctx.roots.reach(&dir), Reach::Inside(_)) {
            return None;
        }
        if dir.join(MANIFEST).is_file() {
            let relative = path.strip_prefix(&dir).ok()?;
            let relative = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            return ctx.manifest_records(&dir).get(&relative).cloned();
        }
        if dir == Path::new(".") {
            return None;
        }
    }
    None
}

/// `url` without its `utm_*` parameters and fragment, in the `url` crate's normal form.
pub fn target(url: &url::Url) -> String {
    let mut url = url.clone();
    url.set_fragment(None);
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !k.to_ascii_lowercase().starts_with("utm_"))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    url.to_string()
}

/// The checks on one decoded payload.
fn check_code(
    ctx: &LintContext,
    file: &Context,
    payload: &str,
    location: Location,
    at: &str,
) -> Vec<Finding> {
    let Ok(url) = url::Url::parse(payload.trim()) else {
        return Vec::new();
    };
    if !matches!(url.scheme(), "http" | "https") {
        return Vec::new();
    }
    let mut findings = Vec::new();
    let shown = target(&url);
    let brand = url.host_str().is_some_and(|h| ctx.guide.is_brand_host(h));
    let expected = file
        .page
        .as_deref()
        .and_then(|p| url::Url::parse(p).ok())
        .map(|p| target(&p));
    match (&expected, brand) {
        (Some(page), _) if *page != shown => {
            let piece = file.piece.as_deref().unwrap_or("the piece");
            findings.push(
                Finding::new(
                    &rules::LINK_QR_MISMATCH,
                    location.clone(),
                    format!("QR code leads to {shown}, not to the web page of {piece}{at}"),
                )
                .expected(page.clone())
                .found(payload.to_string())
                .fix("generate the QR code from the piece's web page (brandpress build does)"),
            );
        }
        (None, false) => {
            let host = url.host_str().unwrap_or_default();
            findings.push(
                Finding::new(
                    &rules::LINK_QR_MISMATCH,
                    location.clone(),
                    format!("QR code leads off the brand's site, to {host}{at}"),
                )
                .expected(format!(
                    "a page on the brand's domains ({})",
                    brand_domains(ctx)
                ))
                .found(payload.to_string())
                .fix("point the QR code at the campaign's page on the brand's site"),
            );
        }
        _ => {}
    }
    if let Some(mut f) = rules::link::check_utm_in(
        ctx.guide,
        file.channel,
        payload,
        location,
        file.campaign.as_deref(),
    ) {
        f.message = format!("QR code: {}{at}", f.message);
        findings.push(f);
    }
    findings
}

/// The brand's domains, for messages.
fn brand_domains(ctx: &LintContext) -> String {
    let mut hosts: Vec<String> = ctx
        .guide
        .links
        .domains
        .iter()
        .map(|d| d.get_ref().clone())
        .collect();
    if hosts.is_empty()
        && let Some(host) = ctx
            .guide
            .channels
            .web
            .base_url
            .as_deref()
            .and_then(|b| url::Url::parse(b).ok())
            .and_then(|u| u.host_str().map(str::to_string))
    {
        hosts.push(host);
    }
    if hosts.is_empty() {
        "none set: [links] domains".to_string()
    } else {
        hosts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_tally_counts_path_and_image_operators_between_delimiters() {
        let mut tally = Tally::default();
        tally.add(b"0 0 m 1 1 l h 2 2 3 3 re\n[(re) 4]TJ<</W 1>>BI /W 1 ID x EI\0m");
        // `m` twice (the last after a NUL), `re` twice (once inside a string, counted
        // as the module docs say), `BI` once; `l`, `h`, `ID` are not counted
        assert_eq!((tally.segments, tally.images), (4, 1));
        assert_eq!(tally.bytes, 60);
        let mut tally = Tally::default();
        tally.add(b"remm BIm mre");
        assert_eq!((tally.segments, tally.images), (0, 0));
    }

    #[test]
    fn bytes_pack_into_bits() {
        for pattern in 0..=255u8 {
            let mut bytes = [0u8; 64];
            for (k, b) in bytes.iter_mut().enumerate() {
                *b = (pattern >> (k % 8)) & 1;
            }
            let word = pack_bits(&bytes);
            for (k, b) in bytes.iter().enumerate() {
                assert_eq!(
                    (word >> k) & 1,
                    u64::from(*b),
                    "pattern {pattern:#010b} bit {k}"
                );
            }
        }
    }

    /// Rows of every length around a word's edge, with runs of every length from 1 to
    /// past 64, and alpha: the bit masks and their runs say what each pixel says.
    #[test]
    fn row_masks_and_runs_match_each_pixel() {
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut mask = Vec::new();
        for w in [1usize, 2, 63, 64, 65, 127, 128, 129, 300] {
            for _ in 0..20 {
                // runs of random length and colour, some pixels translucent
                let mut rgba = Vec::with_capacity(w * 4);
                while rgba.len() < w * 4 {
                    let len = 1 + (next() % 90) as usize;
                    let shade = (next() % 256) as u8;
                    let alpha = if next() % 4 == 0 {
                        (next() % 256) as u8
                    } else {
                        255
                    };
                    for _ in 0..len {
                        if rgba.len() < w * 4 {
                            rgba.extend_from_slice(&[shade, shade, shade.wrapping_add(40), alpha]);
                        }
                    }
                }
                let dark: Vec<bool> = rgba
                    .chunks_exact(4)
                    .map(|p| luma_on_white(p) < 128)
                    .collect();
                mask_rgba(&rgba, &mut mask);
                assert_eq!(mask.len(), w.div_ceil(64));
                for (x, d) in dark.iter().enumerate() {
                    assert_eq!(mask[x / 64] >> (x % 64) & 1 == 1, *d, "w {w} x {x}");
                    assert_eq!(dark_on_white(&rgba[x * 4..x * 4 + 4]), *d);
                }
                let luma: Vec<u8> = rgba.chunks_exact(4).map(luma_on_white).collect();
                let mut luma_mask = Vec::new();
                mask_luma(&luma, &mut luma_mask);
                assert_eq!(luma_mask, mask);
                // run by run, as the pre-scan reads the row
                let mut x = 0;
                while x < w {
                    let end = run_end(&mask, x, dark[x], w);
                    assert!(end > x && end <= w);
                    assert!(dark[x..end].iter().all(|d| *d == dark[x]));
                    assert!(end == w || dark[end] != dark[x], "w {w} run {x}..{end}");
                    x = end;
                }
            }
        }
    }

    /// A PDF of `pages` pages, each drawing one image of `w`×`h` pixels (with a soft mask
    /// of the same size when `masked`), or a tiling pattern when `tiling`.
    fn pdf_with(pages: usize, (w, h): (i64, i64), masked: bool, tiling: bool) -> lopdf::Document {
        use lopdf::{Object, Stream, dictionary};
        let mut doc = lopdf::Document::with_version("1.7");
        let pages_id = doc.new_object_id();
        let mut image = dictionary! {
            "Type" => "XObject", "Subtype" => "Image", "Width" => w, "Height" => h,
            "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
        };
        if masked {
            let mask = doc.add_object(Stream::new(
                dictionary! { "Type" => "XObject", "Subtype" => "Image", "Width" => w,
                "Height" => h, "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8 },
                vec![],
            ));
            image.set("SMask", mask);
        }
        let image = doc.add_object(Stream::new(image, vec![]));
        let pattern = doc.add_object(Stream::new(
            dictionary! { "PatternType" => 1, "PaintType" => 1, "TilingType" => 1,
            "BBox" => vec![0.into(), 0.into(), 1.into(), 1.into()], "XStep" => 1, "YStep" => 1 },
            b"0 0 1 1 re f".to_vec(),
        ));
        let mut kids = Vec::new();
        for _ in 0..pages {
            let mut resources = dictionary! { "XObject" => dictionary! { "Im0" => image } };
            if tiling {
                resources.set("Pattern", dictionary! { "P0" => pattern });
            }
            let content = doc.add_object(Stream::new(
                dictionary! {},
                b"q 100 0 0 100 0 0 cm /Im0 Do Q".to_vec(),
            ));
            let page = doc.add_object(dictionary! {
                "Type" => "Page", "Parent" => pages_id, "Contents" => content,
                "Resources" => resources,
                "MediaBox" => vec![0.into(), 0.into(), 420.into(), 595.into()],
            });
            kids.push(Object::Reference(page));
        }
        doc.objects.insert(
            pages_id,
            Object::Dictionary(
                dictionary! { "Type" => "Pages", "Count" => pages as i64, "Kids" => kids },
            ),
        );
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        doc.trailer.set("Root", catalog);
        doc
    }

    #[test]
    fn pages_are_drawn_only_where_a_code_is_likely_and_affordable() {
        // a flyer's first two pages and its last
        assert_eq!(
            candidate_pages(&pdf_with(9, (600, 600), false, false)),
            [1, 2, 9]
        );
        // a 151-megapixel soft mask (pdf.js issue16263) is not decoded for a QR look
        assert!(candidate_pages(&pdf_with(1, (34_862, 4_332), true, false)).is_empty());
        assert_eq!(
            candidate_pages(&pdf_with(1, (3_000, 3_000), true, false)),
            [1]
        );
        assert!(candidate_pages(&pdf_with(1, (600, 600), false, true)).is_empty());
    }

    /// `data` as a QR code (qrcode crate, level M) drawn `module` px a module on white,
    /// with a quiet zone of 4 modules and `margin` more px around it.
    fn drawn(data: &str, module: usize, margin: usize) -> (usize, Vec<u8>) {
        let code = qrcode::QrCode::with_error_correction_level(data, qrcode::EcLevel::M).unwrap();
        let n = code.width();
        let colors = code.to_colors();
        let side = (n + 8) * module + 2 * margin;
        let mut luma = vec![255u8; side * side];
        for (i, c) in colors.iter().enumerate() {
            if *c != qrcode::Color::Dark {
                continue;
            }
            let (row, col) = (i / n, i % n);
            for dy in 0..module {
                for dx in 0..module {
                    let y = margin + (row + 4) * module + dy;
                    let x = margin + (col + 4) * module + dx;
                    luma[y * side + x] = 0;
                }
            }
        }
        (side, luma)
    }

    #[test]
    fn decodes_codes_with_thai_payloads_and_their_boxes() {
        for (data, module) in [
            (
                "https://tonkla.example/campaigns/web/cold-brew-winter/?utm_source=print",
                4,
            ),
            ("https://tonkla.example/campaigns/web/กาแฟเย็น/", 3),
            ("ต้นกล้า คอฟฟี่ ลด 20% ถึง ๓๑ ธ.ค.", 6),
        ] {
            let (side, luma) = drawn(data, module, 17);
            assert!((3..=6).contains(&finders(side, side, &luma)), "{data}");
            let codes = decode_luma(side, side, &luma);
            assert_eq!(codes.len(), 1, "{data}");
            assert_eq!(codes[0].text, data);
            let [x, y, w, h] = codes[0].bounds;
            // the box is the code without its quiet zone, within a module
            let start = (17 + 4 * module) as f32;
            assert!((x - start).abs() <= module as f32 + 1.0, "{x} {start}");
            assert!((y - start).abs() <= module as f32 + 1.0, "{y} {start}");
            let size = (side - 2 * 17 - 8 * module) as f32;
            assert!((w - size).abs() <= 2.0 * module as f32 + 2.0, "{w} {size}");
            assert!((h - size).abs() <= 2.0 * module as f32 + 2.0, "{h} {size}");
        }
    }

    #[test]
    fn rgba_is_composited_on_white_and_large_rasters_are_downscaled() {
        let data = "https://tonkla.example/campaigns/web/new-year-beans/";
        let (side, luma) = drawn(data, 5, 0);
        // transparent light modules: white once composited
        let rgba: Vec<u8> = luma
            .iter()
            .flat_map(|v| {
                if *v == 0 {
                    [27, 27, 27, 255]
                } else {
                    [0, 0, 0, 0]
                }
            })
            .collect();
        assert_eq!(decode_rgba(side, side, &rgba)[0].text, data);
        // a big raster (a code 120 px a module, 20 megapixels) is downscaled, still read,
        // and its box is given in the raster's own pixels
        let (side, luma) = drawn(data, 12, 0);
        let k = 10;
        let big_side = side * k;
        let mut big = vec![255u8; big_side * big_side];
        for y in 0..big_side {
            for x in 0..big_side {
                big[y * big_side + x] = luma[(y / k) * side + x / k];
            }
        }
        assert!(big_side * big_side > MAX_QR_PIXELS);
        let codes = decode_luma(big_side, big_side, &big);
        assert_eq!(codes.len(), 1);
        assert_eq!(codes[0].text, data);
        assert!(
            codes[0].bounds[2] > big_side as f32 * 0.6,
            "{:?}",
            codes[0].bounds
        );
    }

    #[test]
    fn only_finder_patterns_in_a_codes_shape_are_searched() {
        // a version-2 code (25 modules) of 4 px modules: corners 18 modules apart
        let code = [[30, 30, 4], [102, 30, 4], [30, 102, 4]];
        assert_eq!(corners(&code), code.to_vec());
        // the same seen in perspective (one side 30 % longer, 80° corner) still is
        assert_eq!(corners(&[[30, 30, 4], [124, 46, 4], [30, 102, 4]]).len(), 3);
        // in a row, far apart, too close, or of unlike sizes: a texture, not a code
        assert!(corners(&[[30, 30, 4], [102, 30, 4], [174, 30, 4]]).is_empty());
        assert!(corners(&[[30, 30, 2], [2000, 30, 2], [30, 2000, 2]]).is_empty());
        assert!(corners(&[[30, 30, 4], [50, 30, 4], [30, 50, 4]]).is_empty());
        assert!(corners(&[[30, 30, 2], [102, 30, 9], [30, 102, 4]]).is_empty());
        // a fourth, stray pattern is dropped from the search
        let mut four = code.to_vec();
        four.push([900, 700, 4]);
        assert_eq!(corners(&four), code.to_vec());
    }

    #[test]
    fn no_codes_in_garbage_and_no_panic() {
        let mut rng = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let noise: Vec<u8> = (0..640 * 480).map(|_| next() as u8).collect();
        let stripes: Vec<u8> = (0..300 * 300)
            .map(|i| if (i % 300) / 3 % 2 == 0 { 0 } else { 255 })
            .collect();
        for (w, h, luma) in [
            (0, 0, Vec::new()),
            (1, 1, vec![0]),
            (3, 1, vec![0, 255, 0]),
            (10, 10, vec![0; 10]), // shorter than its size says
            (640, 480, noise),
            (300, 300, stripes),
            (500, 400, vec![0; 500 * 400]),
            (500, 400, vec![255; 500 * 400]),
        ] {
            assert!(decode_luma(w, h, &luma).is_empty(), "{w}×{h}");
        }
        assert!(decode_rgba(5, 5, &[0; 7]).is_empty());
    }

    /// A sheet of many finder patterns (a tiled code) is not searched: the pre-scan stops
    /// counting past the limit, so rqrr's grouping never sees them all.
    #[test]
    fn too_many_finder_patterns_are_not_searched() {
        let (side, one) = drawn("https://tonkla.example/", 3, 0);
        let tiles = 6;
        let big = side * tiles;
        let mut sheet = vec![255u8; big * big];
        for y in 0..big {
            for x in 0..big {
                sheet[y * big + x] = one[(y % side) * side + x % side];
            }
        }
        assert!(finders(big, big, &sheet) > MAX_FINDERS);
        assert!(decode_luma(big, big, &sheet).is_empty());
        // two codes side by side are both read
        let mut two = vec![255u8; 2 * side * side];
        for y in 0..side {
            for x in 0..2 * side {
                two[y * 2 * side + x] = one[y * side + x % side];
            }
        }
        assert_eq!(decode_luma(2 * side, side, &two).len(), 2);
    }

    #[test]
    fn targets_ignore_utm_parameters_and_fragments() {
        let t = |s: &str| target(&url::Url::parse(s).unwrap());
        assert_eq!(
            t(
                "https://Tonkla.example/campaigns/web/x/?utm_source=print&utm_medium=offline&utm_campaign=w#top"
            ),
            "https://tonkla.example/campaigns/web/x/"
        );
        assert_eq!(
            t("https://tonkla.example:443/web/x/?id=7&UTM_SOURCE=print"),
            "https://tonkla.example/web/x/?id=7"
        );
        assert_ne!(
            t("https://tonkla.example/web/x/"),
            t("https://tonkla.example/web/y/")
        );
        assert_eq!(
            t("https://tonkla.example/web/กาแฟ/"),
            "https://tonkla.example/web/%E0%B8%81%E0%B8%B2%E0%B9%81%E0%B8%9F/"
        );
    }
}
