//! Glyph coverage masks, rasterized once and shared by every card of a run.
//!
//! Painting a glyph with tiny-skia's `fill_path` rebuilds its edges, supersamples it and
//! compiles three raster pipelines, for every glyph of every card: 55–60 % of a card. Here a
//! glyph is rasterized once per face, glyph id, size and subpixel offset into an 8-bit
//! coverage mask (tiny-skia's own anti-aliasing rasterizer), and
//! each placement composites that mask with integer arithmetic.
//!
//! **Positions.** A glyph origin is snapped to a grid of [`SUBPIXEL`] steps a pixel in x and
//! y (at most 1/8 px away from where the layout put it; tiny-skia's rasterizer itself
//! samples edges on a 1/4 px grid), so a glyph has at most 16 masks a size. The mask holds
//! the rasterizer's coverage (the alpha of opaque white filled into a transparent pixmap)
//! and [`blend`] is tiny-skia's low-precision source-over with coverage
//! (`div255(v) = (v + 255) >> 8`), but the cards' pixels are not those of filling each
//! glyph path where the layout put it: besides the snapping, tiny-skia's supersampler
//! rounds edges in absolute fixed-point coordinates, so even at a grid position some edge
//! pixels of a glyph in its own small pixmap gain or lose the samples of one sub-scanline
//! (at most 64 levels of 255; tested below). On the bundled cards 1.4 % of the pixels
//! differ from the former painter, all on glyph edges.
//!
//! **Bounds.** Masks larger than [`MAX_MASK_BYTES`] (a glyph of several hundred pixels) are
//! not cached; the cache holds at most its byte budget (default [`DEFAULT_BUDGET`]) and
//! empties a shard when an insertion would pass it. Shards are `RwLock`ed, so the rayon
//! threads rendering cards share it; a glyph rasterized by two threads at once is simply
//! rasterized twice (both masks are equal).

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};

use tiny_skia::{FillRule, Paint, Pixmap, Transform};

use crate::brand::Rgb;
use crate::text::{FaceId, FontStore, glyph_path};

/// Subpixel positions a pixel, in x and in y.
pub const SUBPIXEL: i64 = 4;
/// The largest mask cached (bytes = pixels).
pub const MAX_MASK_BYTES: usize = 256 * 1024;
/// Default byte budget of a cache: enough for every glyph of both scripts at a few sizes.
pub const DEFAULT_BUDGET: usize = 64 * 1024 * 1024;
/// Glyph origins farther than this from the canvas (px) are not drawn (they cannot touch it,
/// and the grid arithmetic stays far from overflow).
const FAR: f32 = 1.0e6;
const SHARDS: usize = 16;

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
struct Key {
    face: FaceId,
    glyph: u16,
    size: u32,
    /// Subpixel offset, x then y, each `0..SUBPIXEL`.
    sub: (u8, u8),
}

/// One glyph's coverage at one subpixel offset: `width × height` bytes, its top-left pixel
/// at `(left, top)` from the glyph's snapped whole-pixel origin.
#[derive(Debug)]
pub struct GlyphMask {
    left: i32,
    top: i32,
    width: usize,
    height: usize,
    coverage: Vec<u8>,
}

/// What drawing a glyph needs: its mask, or its outline for one too large to cache.
enum Glyph {
    Mask(Arc<GlyphMask>),
    /// No outline (a space), or nothing to draw.
    Empty,
    /// Too large to cache: rasterized for this placement only.
    Large(GlyphMask),
}

/// Glyph masks shared by the cards of a run (see the module docs).
pub struct GlyphCache {
    shards: Vec<RwLock<HashMap<Key, Option<Arc<GlyphMask>>>>>,
    bytes: Vec<AtomicUsize>,
    shard_budget: usize,
    hasher: std::collections::hash_map::RandomState,
}

impl Default for GlyphCache {
    fn default() -> Self {
        GlyphCache::with_budget(DEFAULT_BUDGET)
    }
}

impl std::fmt::Debug for GlyphCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GlyphCache")
            .field("masks", &self.len())
            .field("bytes", &self.bytes())
            .finish()
    }
}

impl GlyphCache {
    /// A cache holding at most about `budget` bytes of masks.
    pub fn with_budget(budget: usize) -> GlyphCache {
        GlyphCache {
            shards: (0..SHARDS).map(|_| RwLock::new(HashMap::new())).collect(),
            bytes: (0..SHARDS).map(|_| AtomicUsize::new(0)).collect(),
            shard_budget: budget / SHARDS,
            hasher: Default::default(),
        }
    }

    /// Masks held (glyphs without outline count too).
    pub fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.read().map(|m| m.len()).unwrap_or(0))
            .sum()
    }

    /// Whether the cache holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes of coverage held.
    pub fn bytes(&self) -> usize {
        self.bytes.iter().map(|b| b.load(Ordering::Relaxed)).sum()
    }

    fn glyph(&self, fonts: &FontStore, key: Key) -> Glyph {
        let shard = (self.hasher.hash_one(key) as usize) % SHARDS;
        if let Ok(map) = self.shards[shard].read()
            && let Some(found) = map.get(&key)
        {
            return match found {
                Some(mask) => Glyph::Mask(Arc::clone(mask)),
                None => Glyph::Empty,
            };
        }
        let Some(mask) = rasterize(fonts, key) else {
            if let Ok(mut map) = self.shards[shard].write() {
                map.insert(key, None);
            }
            return Glyph::Empty;
        };
        let size = mask.coverage.len();
        if size > MAX_MASK_BYTES {
            return Glyph::Large(mask);
        }
        let mask = Arc::new(mask);
        if let Ok(mut map) = self.shards[shard].write() {
            let held = &self.bytes[shard];
            if held.load(Ordering::Relaxed) + size > self.shard_budget {
                map.clear();
                held.store(0, Ordering::Relaxed);
            }
            if map.insert(key, Some(Arc::clone(&mask))).is_none() {
                held.fetch_add(size, Ordering::Relaxed);
            }
        }
        Glyph::Mask(mask)
    }

    /// Draws glyph `glyph` of `face` at `size` px with its origin at `(x, y)` (snapped to
    /// the subpixel grid) in the opaque color `rgb`.
    #[allow(clippy::too_many_arguments)]
    pub fn draw(
        &self,
        pixmap: &mut Pixmap,
        fonts: &FontStore,
        face: FaceId,
        glyph: u16,
        size: f32,
        (x, y): (f32, f32),
        rgb: Rgb,
    ) {
        if !(x.is_finite() && y.is_finite() && x.abs() < FAR && y.abs() < FAR) {
            return;
        }
        let (ix, sx) = snap(x);
        let (iy, sy) = snap(y);
        let key = Key {
            face,
            glyph,
            size: size.to_bits(),
            sub: (sx, sy),
        };
        match self.glyph(fonts, key) {
            Glyph::Mask(mask) => composite(pixmap, &mask, ix, iy, rgb),
            Glyph::Large(mask) => composite(pixmap, &mask, ix, iy, rgb),
            Glyph::Empty => {}
        }
    }
}

/// `v` on the subpixel grid: whole pixels and the subpixel step.
fn snap(v: f32) -> (i64, u8) {
    let steps = (f64::from(v) * SUBPIXEL as f64).round() as i64;
    (steps.div_euclid(SUBPIXEL), steps.rem_euclid(SUBPIXEL) as u8)
}

/// Rasterizes `key`'s glyph at its subpixel offset; `None` when it has no outline or no
/// pixels.
fn rasterize(fonts: &FontStore, key: Key) -> Option<GlyphMask> {
    let size = f32::from_bits(key.size);
    let path = glyph_path(fonts, key.face, key.glyph, size)?;
    let b = path.bounds();
    if !(b.left().is_finite() && b.right().is_finite())
        || [b.left(), b.top(), b.right(), b.bottom()]
            .iter()
            .any(|v| v.abs() > FAR)
    {
        return None;
    }
    // One pixel of margin each side, and one more for the subpixel offset.
    let left = b.left().floor() as i32 - 1;
    let top = b.top().floor() as i32 - 1;
    let width = (b.right().ceil() as i32 - left + 2).max(1) as u32;
    let height = (b.bottom().ceil() as i32 - top + 2).max(1) as u32;
    // A glyph of a sane size is far below this (16 M pixels); past it, nothing is drawn.
    if u64::from(width) * u64::from(height) > 64 * 1024 * 1024 {
        return None;
    }
    // A pixmap, not a `tiny_skia::Mask`: filling a transparent pixmap with opaque white
    // leaves the rasterizer's coverage exactly in the alpha channel (the low-precision
    // pipeline), where a mask's float pipeline may store one less.
    let mut pixmap = Pixmap::new(width, height)?;
    let fx = f32::from(key.sub.0) / SUBPIXEL as f32;
    let fy = f32::from(key.sub.1) / SUBPIXEL as f32;
    let mut white = Paint::default();
    white.set_color_rgba8(255, 255, 255, 255);
    white.anti_alias = true;
    pixmap.fill_path(
        &path,
        &white,
        FillRule::Winding,
        Transform::from_translate(fx - left as f32, fy - top as f32),
        None,
    );
    let coverage = pixmap.data().chunks_exact(4).map(|p| p[3]).collect();
    Some(GlyphMask {
        left,
        top,
        width: width as usize,
        height: height as usize,
        coverage,
    })
}

/// tiny-skia's low-precision `div255`.
#[inline(always)]
fn div255(v: u32) -> u32 {
    (v + 255) >> 8
}

/// Source-over of the opaque color `rgb` at coverage `c` on a premultiplied pixel, as
/// tiny-skia's pipeline does it (scale the color by the coverage, then source-over).
#[inline(always)]
fn blend(px: &mut [u8], [r, g, b]: [u32; 3], c: u32) {
    let inv = 255 - c;
    px[0] = (div255(r * c) + div255(u32::from(px[0]) * inv)) as u8;
    px[1] = (div255(g * c) + div255(u32::from(px[1]) * inv)) as u8;
    px[2] = (div255(b * c) + div255(u32::from(px[2]) * inv)) as u8;
    px[3] = (c + div255(u32::from(px[3]) * inv)) as u8;
}

/// Draws `mask` with its glyph origin at whole pixel `(ix, iy)`, clipped to the pixmap.
fn composite(pixmap: &mut Pixmap, mask: &GlyphMask, ix: i64, iy: i64, rgb: Rgb) {
    let (pw, ph) = (i64::from(pixmap.width()), i64::from(pixmap.height()));
    let x0 = ix + i64::from(mask.left);
    let y0 = iy + i64::from(mask.top);
    let (mx0, my0) = ((-x0).max(0), (-y0).max(0));
    let mx1 = (pw - x0).min(mask.width as i64);
    let my1 = (ph - y0).min(mask.height as i64);
    if mx0 >= mx1 || my0 >= my1 {
        return;
    }
    let color = [u32::from(rgb.0), u32::from(rgb.1), u32::from(rgb.2)];
    let solid = [rgb.0, rgb.1, rgb.2, 255];
    let stride = pw as usize * 4;
    let data = pixmap.data_mut();
    for my in my0 as usize..my1 as usize {
        let row = &mask.coverage[my * mask.width..][mx0 as usize..mx1 as usize];
        // Both at least 0: `my0` and `mx0` skip what lies above and left of the pixmap.
        let start = (y0 + my as i64) as usize * stride + (x0 + mx0) as usize * 4;
        let out = &mut data[start..start + row.len() * 4];
        for (&c, px) in row.iter().zip(out.chunks_exact_mut(4)) {
            match c {
                0 => {}
                255 => px.copy_from_slice(&solid),
                c => blend(px, color, u32::from(c)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::Assets;
    use crate::brand::Guide;
    use tiny_skia::Color;

    fn fonts() -> Arc<FontStore> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let guide = Guide::load(root).unwrap();
        let assets = Assets::load(&guide).unwrap();
        Arc::clone(assets.font_store())
    }

    /// Glyph ids of Thai and Latin text in every face of the store.
    fn glyphs(fonts: &FontStore) -> Vec<(FaceId, u16)> {
        let text = "ต้นกล้า คอฟฟี่ น้ำปั้นลิ้นเยิ้มกี่ ฤดูฐาน Cold Brew ฿150 gjQ@%";
        let mut out = Vec::new();
        for id in 0..fonts.len() as u32 {
            let face = FaceId(id);
            let Some(f) = fonts.face(face) else { continue };
            for ch in text.chars() {
                if let Some(g) = f.ttf().glyph_index(ch) {
                    out.push((face, g.0));
                }
            }
        }
        assert!(out.len() > 40, "{} glyphs", out.len());
        out
    }

    #[test]
    fn a_glyph_on_the_grid_is_what_fill_path_paints() {
        let fonts = fonts();
        let cache = GlyphCache::default();
        let ink = Rgb(0x1F, 0x5C, 0x4A);
        let (mut exact, mut checked) = (0, 0);
        for (i, &(face, glyph)) in glyphs(&fonts).iter().enumerate() {
            let size = [72.0, 32.0, 25.6, 13.0][i % 4];
            // Grid positions, with every subpixel step in x and y, and a translucent and an
            // opaque background.
            let (x, y) = (
                20.0 + (i % 4) as f32 * 0.25,
                60.0 + ((i / 4) % 4) as f32 * 0.25,
            );
            for bg in [
                Color::from_rgba8(255, 248, 238, 255),
                Color::from_rgba8(40, 90, 200, 120),
            ] {
                let mut ours = Pixmap::new(140, 120).unwrap();
                ours.fill(bg);
                let mut theirs = ours.clone();
                checked += 1;
                cache.draw(&mut ours, &fonts, face, glyph, size, (x, y), ink);
                if let Some(path) = glyph_path(&fonts, face, glyph, size) {
                    let mut paint = Paint::default();
                    paint.set_color_rgba8(ink.0, ink.1, ink.2, 255);
                    paint.anti_alias = true;
                    theirs.fill_path(
                        &path,
                        &paint,
                        FillRule::Winding,
                        Transform::from_translate(x, y),
                        None,
                    );
                }
                // tiny-skia's coverage of a pixel can differ between the glyph drawn on the
                // card and the same glyph in its own small pixmap: its supersampler rounds
                // edges in absolute fixed-point coordinates, so a few edge pixels gain or
                // lose samples of one sub-scanline (at most 64 levels of 255).
                let worst = ours
                    .data()
                    .iter()
                    .zip(theirs.data())
                    .map(|(a, b)| a.abs_diff(*b))
                    .max()
                    .unwrap_or(0);
                assert!(
                    worst <= 64,
                    "{worst}: glyph {glyph} of face {face:?} at {size} px, ({x}, {y})"
                );
                if worst == 0 {
                    exact += 1;
                }
            }
        }
        // Some glyphs are the same to the bit (56 of 276 when written).
        assert!(exact * 8 > checked, "{exact} of {checked} exact");
        assert!(!cache.is_empty());
    }

    #[test]
    fn glyphs_are_snapped_clipped_and_cached_within_budget() {
        let fonts = fonts();
        let (face, glyph) = glyphs(&fonts)
            .into_iter()
            .find(|&(f, g)| glyph_path(&fonts, f, g, 40.0).is_some())
            .unwrap();
        let ink = Rgb(0, 0, 0);
        let cache = GlyphCache::default();
        // 0.3 snaps to 0.25: the same pixels as drawing at 0.25.
        let mut a = Pixmap::new(100, 100).unwrap();
        let mut b = a.clone();
        cache.draw(&mut a, &fonts, face, glyph, 40.0, (10.3, 50.0), ink);
        cache.draw(&mut b, &fonts, face, glyph, 40.0, (10.25, 50.0), ink);
        assert!(a.data() == b.data());
        assert!(a.data().iter().any(|&v| v != 0));
        assert_eq!(cache.len(), 1);
        // Partly and wholly off the canvas, and at absurd positions: no panic.
        for at in [
            (-15.0, 50.0),
            (95.0, 10.0),
            (50.0, 130.0),
            (-1.0e9, 5.0),
            (f32::NAN, 5.0),
            (5.0, f32::INFINITY),
        ] {
            cache.draw(&mut a, &fonts, face, glyph, 40.0, at, ink);
        }
        // A tiny budget keeps the cache from growing past one shard's share.
        let small = GlyphCache::with_budget(SHARDS * 4096);
        let mut p = Pixmap::new(200, 200).unwrap();
        for size in 20..80 {
            small.draw(&mut p, &fonts, face, glyph, size as f32, (50.0, 100.0), ink);
        }
        assert!(small.bytes() <= SHARDS * 4096 + MAX_MASK_BYTES, "{small:?}");
        assert!(small.len() < 60, "{small:?}");
        // A huge glyph is drawn (uncached), not refused.
        let mut big = Pixmap::new(1200, 1200).unwrap();
        small.draw(&mut big, &fonts, face, glyph, 1100.0, (50.0, 1000.0), ink);
        assert!(big.data().iter().any(|&v| v != 0));
    }
}
