//! The PDF painter: a scene drawn onto a krilla page surface, in scene units as points.
//!
//! - Colors print in CMYK where the scene's [`Ink`] has CMYK values; the others stay RGB
//!   and are counted, so the renderer can warn about them.
//! - Glyph runs are drawn in the brand fonts (embedded and subset by krilla), each glyph
//!   with its cluster's text, so the PDF's text copies and extracts as it reads.
//! - SVG pictures are drawn as vectors with brand colors mapped to CMYK (`svg.rs`); PNG and
//!   JPEG pictures are embedded as their files, WebP and GIF as their decoded pixels.
//! - QR codes are one path of merged module runs.

mod svg;

use std::ops::Range;

use krilla::geom::{Point, Size, Transform};
use krilla::paint::{Fill, FillRule, Paint, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};

pub use svg::{InkMap, cmyk_paint, rect_path};

use crate::assets::{Content, Format, Picture};
use crate::brand::Guide;
use crate::scene::{Fill as SceneFill, Ink, Item, Scene};
use crate::text::PositionedGlyph;

/// What painting needs besides the scene.
pub struct PdfContext<'a> {
    /// Maps SVG colors to the brand's CMYK values.
    pub guide: &'a Guide,
    /// The brand fonts for krilla, indexed by [`crate::text::FaceId`].
    pub fonts: &'a [Font],
}

/// Paints `scene` onto `surface` (in the surface's current coordinates). Returns how many
/// colors had to stay RGB; an error names a picture krilla cannot read.
pub fn paint(surface: &mut Surface, scene: &Scene, ctx: &PdfContext) -> Result<usize, String> {
    let mut rgb_left = 0;
    paint_items(surface, &scene.items, ctx, &mut rgb_left)?;
    Ok(rgb_left)
}

/// The paint of an ink: CMYK when it has values, else RGB.
pub fn ink_paint(ink: Ink) -> Paint {
    match ink.cmyk {
        Some(v) => cmyk_paint(v),
        None => krilla::color::rgb::Color::new(ink.rgb.0, ink.rgb.1, ink.rgb.2).into(),
    }
}

fn paint_items(
    surface: &mut Surface,
    items: &[Item],
    ctx: &PdfContext,
    rgb_left: &mut usize,
) -> Result<(), String> {
    let count = |ink: &Ink| usize::from(ink.cmyk.is_none());
    for item in items {
        match item {
            Item::Rect {
                rect: [x, y, w, h],
                fill,
            } => {
                let ink = match fill {
                    SceneFill::Solid(ink) => *ink,
                    // Print backgrounds are solid; a gradient prints as its first color.
                    SceneFill::Linear { stops, .. } => match stops.first() {
                        Some(ink) => *ink,
                        None => continue,
                    },
                };
                if let Some(path) = rect_path(*x, *y, *w, *h) {
                    fill_path(surface, &path, ink);
                    *rgb_left += count(&ink);
                }
            }
            Item::Path { path, ink } => {
                if let Some(path) = svg::to_krilla_path(path) {
                    fill_path(surface, &path, *ink);
                    *rgb_left += count(ink);
                }
            }
            Item::Text(run) => {
                surface.set_fill(Some(Fill {
                    paint: ink_paint(run.ink),
                    ..Fill::default()
                }));
                *rgb_left += count(&run.ink);
                draw_line(
                    surface,
                    ctx.fonts,
                    &run.glyphs,
                    run.baseline,
                    &run.text,
                    run.end,
                    run.size,
                );
            }
            Item::Picture {
                picture,
                origin,
                scale,
            } => *rgb_left += draw_picture(surface, picture, *origin, *scale, ctx)?,
            Item::Qr(qr) => {
                let mut pb = krilla::geom::PathBuilder::new();
                for [x, y, w, h] in qr.dark_runs() {
                    if let Some(r) = krilla::geom::Rect::from_xywh(x, y, w, h) {
                        pb.push_rect(r);
                    }
                }
                if let Some(path) = pb.finish() {
                    fill_path(surface, &path, qr.ink);
                    *rgb_left += count(&qr.ink);
                }
            }
            Item::Line {
                from,
                to,
                width,
                ink,
            } => {
                let mut pb = krilla::geom::PathBuilder::new();
                pb.move_to(from.0, from.1);
                pb.line_to(to.0, to.1);
                if let Some(path) = pb.finish() {
                    surface.set_fill(None);
                    surface.set_stroke(Some(Stroke {
                        paint: ink_paint(*ink),
                        width: *width,
                        ..Stroke::default()
                    }));
                    surface.draw_path(&path);
                    surface.set_stroke(None);
                    *rgb_left += count(ink);
                }
            }
            Item::Clip {
                rect: [x, y, w, h],
                items: inner,
            } => {
                let Some(path) = rect_path(*x, *y, *w, *h) else {
                    continue;
                };
                surface.push_clip_path(&path, &FillRule::NonZero);
                surface.push_transform(&Transform::from_translate(*x, *y));
                let done = paint_items(surface, inner, ctx, rgb_left);
                surface.pop();
                surface.pop();
                done?;
            }
        }
    }
    Ok(())
}

fn fill_path(surface: &mut Surface, path: &krilla::geom::Path, ink: Ink) {
    surface.set_fill(Some(Fill {
        paint: ink_paint(ink),
        ..Fill::default()
    }));
    surface.draw_path(path);
}

/// Draws a picture; returns how many of its colors stayed RGB.
fn draw_picture(
    surface: &mut Surface,
    picture: &Picture,
    origin: (f32, f32),
    scale: f32,
    ctx: &PdfContext,
) -> Result<usize, String> {
    match &picture.content {
        Content::Svg(tree) => Ok(svg::draw_svg(
            surface,
            tree,
            origin,
            scale,
            &InkMap { guide: ctx.guide },
        )),
        Content::Raster(frame) => {
            let image = match picture.format {
                Format::Png => krilla::image::Image::from_png(picture.bytes.clone().into(), true),
                Format::Jpeg => krilla::image::Image::from_jpeg(picture.bytes.clone().into(), true),
                _ => Ok(krilla::image::Image::from_rgba8(
                    frame.rgba.clone(),
                    frame.width,
                    frame.height,
                )),
            }
            .map_err(|e| format!("cannot be read: {e}"))?;
            let (w, h) = picture.size();
            if let Some(size) = Size::from_wh(w * scale, h * scale) {
                surface.push_transform(&Transform::from_translate(origin.0, origin.1));
                surface.draw_image(image, size);
                surface.pop();
            }
            Ok(0)
        }
    }
}

/// Draws one line of glyphs, split into runs of one face.
fn draw_line(
    surface: &mut Surface,
    fonts: &[Font],
    glyphs: &[PositionedGlyph],
    baseline: f32,
    text: &str,
    end: usize,
    size: f32,
) {
    let mut start = 0;
    while start < glyphs.len() {
        let face = glyphs[start].face;
        let mut stop = start;
        while stop < glyphs.len() && glyphs[stop].face == face {
            stop += 1;
        }
        let run = &glyphs[start..stop];
        let Some(font) = fonts.get(face.0 as usize) else {
            start = stop;
            continue;
        };
        let origin = run[0].x;
        let mut pen = origin;
        let kg: Vec<KrillaGlyph> = run
            .iter()
            .enumerate()
            .map(|(i, g)| {
                let range = cluster_range(glyphs, start + i, end);
                let k = KrillaGlyph {
                    glyph_id: GlyphId::new(u32::from(g.glyph_id)),
                    text_range: range,
                    x_advance: g.advance / size,
                    x_offset: (g.x - pen) / size,
                    y_offset: (baseline - g.y) / size,
                    y_advance: 0.0,
                    location: None,
                };
                pen += g.advance;
                k
            })
            .collect();
        surface.draw_glyphs(
            Point::from_xy(origin, baseline),
            &kg,
            font.clone(),
            text,
            size,
            false,
        );
        start = stop;
    }
}

/// The text range of glyph `i`'s cluster: from its cluster to the next larger cluster
/// on the line (or the line's end).
fn cluster_range(glyphs: &[PositionedGlyph], i: usize, end: usize) -> Range<usize> {
    let c = glyphs[i].cluster;
    let next = glyphs[i + 1..]
        .iter()
        .map(|g| g.cluster)
        .find(|n| *n > c)
        .unwrap_or(end.max(c));
    c..next
}
