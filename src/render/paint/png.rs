//! The raster painter: a scene drawn into a tiny-skia pixmap, in scene units as pixels.
//!
//! Glyphs are drawn from coverage masks cached per face, glyph, size and subpixel offset
//! ([`super::glyphs`]), shared by every card of a run when the caller passes one cache
//! ([`paint_with`]); their origins are snapped to a 1/4 px grid. SVG pictures are drawn by resvg and raster pictures from the asset
//! store's premultiplied pixels (made once per build), bicubic-filtered. Clipped groups
//! are drawn into a pixmap of their own (their rectangle rounded to whole pixels) and
//! composited, so a picture cropped by a band never bleeds past it.

use tiny_skia::{
    Color, FillRule, FilterQuality, GradientStop, LinearGradient, Paint, PathBuilder, Pixmap,
    PixmapPaint, PixmapRef, Point, Shader, SpreadMode, Stroke, Transform,
};

use crate::assets::{Content, Picture};
use crate::brand::Rgb;
use crate::scene::{Fill, Item, Scene};
use crate::text::FontStore;

use super::glyphs::GlyphCache;

/// Paints `scene` on a pixmap of its size (rounded up to whole pixels), with a glyph cache
/// of its own.
pub fn paint(scene: &Scene, fonts: &FontStore) -> Result<Pixmap, String> {
    paint_with(scene, fonts, &GlyphCache::default())
}

/// Paints `scene` on a pixmap of its size, drawing glyphs through `glyphs` (one cache for
/// every scene set in `fonts`: the same pixels as [`paint`], faster).
pub fn paint_with(scene: &Scene, fonts: &FontStore, glyphs: &GlyphCache) -> Result<Pixmap, String> {
    let (w, h) = scene.size;
    let (pw, ph) = (w.ceil() as u32, h.ceil() as u32);
    let no_pixels = || format!("a {w}×{h} picture has no pixels");
    let (mut pixmap, rest) = match scene.items.split_first() {
        Some((
            Item::Rect {
                rect,
                fill: Fill::Solid(ink),
            },
            rest,
        )) if covers(*rect, pw, ph) => (filled(pw, ph, ink.rgb).ok_or_else(no_pixels)?, rest),
        _ => (Pixmap::new(pw, ph).ok_or_else(no_pixels)?, &scene.items[..]),
    };
    let painter = Painter { fonts, glyphs };
    painter.items(&mut pixmap, rest)?;
    Ok(pixmap)
}

/// A quick PNG of an opaque picture (`rgb`, `w × h` pixels, 3 bytes each) for a preview
/// nobody publishes (the contact sheet's thumbnails): the `png` crate's fast deflate, no
/// palette search.
pub fn encode_preview(w: u32, h: u32, rgb: &[u8]) -> Option<Vec<u8>> {
    let mut png = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut png, w, h);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Fast);
        let mut writer = encoder.write_header().ok()?;
        writer.write_image_data(rgb).ok()?;
    }
    Some(png)
}

/// Whether `rect` is the whole `w × h` pixmap (what [`fill_rect`] clears instead of
/// filling).
fn covers(rect: [f32; 4], w: u32, h: u32) -> bool {
    rect == [0.0, 0.0, w as f32, h as f32]
}

/// A `w × h` pixmap of the opaque color `rgb`, its pixels written once instead of zeroed
/// and then filled (a card's background is 3–8 MB of pixels): the pixels of a pixmap
/// given back by [`recycle`] when there is one large enough (no fresh pages to fault in,
/// no copy), else a new buffer.
fn filled(w: u32, h: u32, rgb: Rgb) -> Option<Pixmap> {
    let size = tiny_skia::IntSize::from_wh(w, h)?;
    // The row length limit of `Pixmap::new`, and no overflow of the byte count.
    i32::try_from(u64::from(w) * 4).ok()?;
    let pixels = usize::try_from(u64::from(w) * u64::from(h)).ok()?;
    let len = pixels.checked_mul(4)?;
    let spare = {
        let mut spares = SPARE_PIXELS.lock().unwrap_or_else(|e| e.into_inner());
        // the smallest that holds the picture, so a story card's buffer stays for the
        // next story card
        let at = (0..spares.len())
            .filter(|&i| spares[i].capacity() >= len)
            .min_by_key(|&i| spares[i].capacity());
        at.map(|i| spares.swap_remove(i))
    };
    let Some(mut buffer) = spare else {
        return Pixmap::from_vec(pixel(rgb).repeat(pixels), size);
    };
    buffer.resize(len, 0);
    fill(&mut buffer, pixel(rgb));
    Pixmap::from_vec(buffer, size)
}

/// Pixel buffers kept for [`filled`]: a few per thread that paints cards (each thread
/// has a card of each preset in flight at most, now and then two).
const SPARES: usize = 8;

/// Pixel buffers given back by [`recycle`], for any thread.
static SPARE_PIXELS: std::sync::Mutex<Vec<Vec<u8>>> = std::sync::Mutex::new(Vec::new());

/// Gives `pixmap`'s pixels back, for the next [`paint_with`] of a scene with a solid
/// background to paint over instead of allocating (a renderer that paints many pictures
/// calls this once it has encoded each).
pub fn recycle(pixmap: Pixmap) {
    let mut spares = SPARE_PIXELS.lock().unwrap_or_else(|e| e.into_inner());
    if spares.len() < SPARES {
        spares.push(pixmap.take());
    }
}

/// The premultiplied RGBA bytes of the opaque color `rgb`.
fn pixel(rgb: Rgb) -> [u8; 4] {
    let c = color(rgb).premultiply().to_color_u8();
    [c.red(), c.green(), c.blue(), c.alpha()]
}

/// Writes `pixel` over every pixel of `bytes` (whole pixels), 64 bytes a store where it
/// can: `Pixmap::fill` writes one pixel at a time, twice as slow as this on a card.
fn fill(bytes: &mut [u8], pixel: [u8; 4]) {
    const BLOCK: usize = 64;
    let mut block = [0u8; BLOCK];
    for px in block.chunks_exact_mut(4) {
        px.copy_from_slice(&pixel);
    }
    let mut blocks = bytes.chunks_exact_mut(BLOCK);
    for b in &mut blocks {
        b.copy_from_slice(&block);
    }
    let rest = blocks.into_remainder();
    let n = rest.len();
    rest.copy_from_slice(&block[..n]);
}

struct Painter<'f> {
    fonts: &'f FontStore,
    glyphs: &'f GlyphCache,
}

impl Painter<'_> {
    fn items(&self, pixmap: &mut Pixmap, items: &[Item]) -> Result<(), String> {
        for item in items {
            match item {
                Item::Rect { rect, fill } => fill_rect(pixmap, *rect, fill),
                Item::Path { path, ink } => {
                    pixmap.fill_path(
                        path,
                        &solid(ink.rgb),
                        FillRule::Winding,
                        Transform::identity(),
                        None,
                    );
                }
                Item::Line {
                    from,
                    to,
                    width,
                    ink,
                } => {
                    let mut pb = PathBuilder::new();
                    pb.move_to(from.0, from.1);
                    pb.line_to(to.0, to.1);
                    if let Some(path) = pb.finish() {
                        let stroke = Stroke {
                            width: *width,
                            ..Stroke::default()
                        };
                        pixmap.stroke_path(
                            &path,
                            &solid(ink.rgb),
                            &stroke,
                            Transform::identity(),
                            None,
                        );
                    }
                }
                Item::Text(run) => {
                    for g in &run.glyphs {
                        self.glyphs.draw(
                            pixmap,
                            self.fonts,
                            g.face,
                            g.glyph_id,
                            run.size,
                            (g.x, g.y),
                            run.ink.rgb,
                        );
                    }
                }
                Item::Picture {
                    picture,
                    origin,
                    scale,
                } => draw_picture(pixmap, picture, *origin, *scale)?,
                Item::Qr(qr) => {
                    for rect in qr.dark_runs() {
                        fill_rect(pixmap, rect, &Fill::Solid(qr.ink));
                    }
                }
                Item::Clip {
                    rect: [x, y, w, h],
                    items,
                } => {
                    let (x, y) = (x.round(), y.round());
                    let (w, h) = (w.round().max(0.0) as u32, h.round().max(0.0) as u32);
                    let Some(mut band) = Pixmap::new(w, h) else {
                        continue;
                    };
                    self.items(&mut band, items)?;
                    pixmap.draw_pixmap(
                        x as i32,
                        y as i32,
                        band.as_ref(),
                        &PixmapPaint::default(),
                        Transform::identity(),
                        None,
                    );
                }
            }
        }
        Ok(())
    }
}

/// Fills a rectangle; a solid fill covering the whole pixmap clears it to that color.
fn fill_rect(pixmap: &mut Pixmap, [x, y, w, h]: [f32; 4], fill: &Fill) {
    let whole = covers([x, y, w, h], pixmap.width(), pixmap.height());
    let paint = match fill {
        Fill::Solid(ink) if whole => {
            pixmap.fill(color(ink.rgb));
            return;
        }
        Fill::Solid(ink) => solid(ink.rgb),
        Fill::Linear { from, to, stops } => {
            let Some(first) = stops.first() else {
                return;
            };
            let n = (stops.len() as f32 - 1.0).max(1.0);
            let gradient = stops
                .iter()
                .enumerate()
                .map(|(i, ink)| GradientStop::new(i as f32 / n, color(ink.rgb)))
                .collect();
            Paint {
                shader: LinearGradient::new(
                    Point::from_xy(from.0, from.1),
                    Point::from_xy(to.0, to.1),
                    gradient,
                    SpreadMode::Pad,
                    Transform::identity(),
                )
                .unwrap_or(Shader::SolidColor(color(first.rgb))),
                anti_alias: true,
                ..Default::default()
            }
        }
    };
    if let Some(rect) = tiny_skia::Rect::from_xywh(x, y, w, h) {
        pixmap.fill_rect(rect, &paint, Transform::identity(), None);
    }
}

fn draw_picture(
    pixmap: &mut Pixmap,
    picture: &Picture,
    (x, y): (f32, f32),
    scale: f32,
) -> Result<(), String> {
    let t = Transform::from_row(scale, 0.0, 0.0, scale, x, y);
    match &picture.content {
        Content::Svg(tree) => resvg::render(tree, t, &mut pixmap.as_mut()),
        Content::Raster(image) => {
            let data = picture.premultiplied().unwrap_or_default();
            let pixels = PixmapRef::from_bytes(data, image.width, image.height)
                .ok_or("the picture decodes to less data than its size says")?;
            let paint = PixmapPaint {
                quality: FilterQuality::Bicubic,
                ..Default::default()
            };
            pixmap.draw_pixmap(0, 0, pixels, &paint, t, None);
        }
    }
    Ok(())
}

fn color(rgb: Rgb) -> Color {
    Color::from_rgba8(rgb.0, rgb.1, rgb.2, 255)
}

fn solid(rgb: Rgb) -> Paint<'static> {
    let mut paint = Paint::default();
    paint.set_color(color(rgb));
    paint.anti_alias = true;
    paint
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::Ink;

    /// A `w × h` scene: a solid background of `bg`, and a square of `ink` at (2, 3).
    fn scene(w: f32, h: f32, bg: Rgb, ink: Rgb) -> Scene {
        let mut scene = Scene::new((w, h));
        scene.push(Item::Rect {
            rect: [0.0, 0.0, w, h],
            fill: Fill::Solid(Ink::rgb(bg)),
        });
        scene.push(Item::Rect {
            rect: [2.0, 3.0, 4.0, 4.0],
            fill: Fill::Solid(Ink::rgb(ink)),
        });
        scene
    }

    /// What tiny-skia paints for [`scene`] on a new pixmap.
    fn expected(w: u32, h: u32, bg: Rgb, ink: Rgb) -> Vec<u8> {
        let mut p = Pixmap::new(w, h).unwrap();
        p.fill(color(bg));
        fill_rect(&mut p, [2.0, 3.0, 4.0, 4.0], &Fill::Solid(Ink::rgb(ink)));
        p.take()
    }

    #[test]
    fn a_recycled_pixmap_is_painted_over_whole() {
        let fonts = FontStore::default();
        let (green, cream, red) = (Rgb(0x1F, 0x5C, 0x4A), Rgb(0xF5, 0xEE, 0xDC), Rgb(200, 0, 0));
        // a large picture given back, then smaller ones of other sizes and colors painted
        // on its pixels (odd widths: rows that end inside a 64-byte block)
        let big = paint(&scene(97.0, 61.0, red, green), &fonts).unwrap();
        recycle(big);
        for (w, h, bg, ink) in [
            (33, 17, cream, green),
            (97, 61, green, cream),
            (5, 9, red, red),
        ] {
            let painted = paint(&scene(w as f32, h as f32, bg, ink), &fonts).unwrap();
            assert_eq!((painted.width(), painted.height()), (w, h));
            assert!(
                painted.data() == expected(w, h, bg, ink).as_slice(),
                "{w}×{h}: not what a new pixmap shows"
            );
            recycle(painted);
        }
    }

    #[test]
    fn fill_writes_every_pixel_whatever_the_length() {
        for pixels in [0, 1, 15, 16, 17, 100] {
            let mut bytes = vec![7u8; pixels * 4];
            fill(&mut bytes, [1, 2, 3, 255]);
            assert!(
                bytes.chunks_exact(4).all(|p| p == [1, 2, 3, 255]),
                "{pixels}"
            );
        }
    }
}
