//! Glyph outlines as tiny-skia paths and filling a whole layout into a pixmap.

use std::collections::HashMap;

use tiny_skia::{FillRule, Paint, Path, PathBuilder, PixmapMut, Transform};

use super::fonts::{FaceId, FontStore};
use super::layout::Layout;

/// ttf-parser outline sink scaling font units to pixels and flipping y (down).
struct SkiaBuilder {
    pb: PathBuilder,
    scale: f32,
}

impl ttf_parser::OutlineBuilder for SkiaBuilder {
    fn move_to(&mut self, x: f32, y: f32) {
        self.pb.move_to(x * self.scale, -y * self.scale);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.pb.line_to(x * self.scale, -y * self.scale);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let s = self.scale;
        self.pb.quad_to(x1 * s, -y1 * s, x * s, -y * s);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let s = self.scale;
        self.pb
            .cubic_to(x1 * s, -y1 * s, x2 * s, -y2 * s, x * s, -y * s);
    }
    fn close(&mut self) {
        self.pb.close();
    }
}

fn outline(face: &ttf_parser::Face<'_>, glyph_id: u16, size_px: f32) -> Option<Path> {
    let upem = f32::from(face.units_per_em());
    if upem <= 0.0 || !(size_px.is_finite() && size_px > 0.0) {
        return None;
    }
    let mut b = SkiaBuilder {
        pb: PathBuilder::new(),
        scale: size_px / upem,
    };
    face.outline_glyph(ttf_parser::GlyphId(glyph_id), &mut b)?;
    b.pb.finish()
}

/// The outline of a glyph at `size_px`, origin at the glyph origin on the
/// baseline, y down. `None` for glyphs without outline (spaces), unknown faces
/// or non-positive sizes.
pub fn glyph_path(store: &FontStore, face: FaceId, glyph_id: u16, size_px: f32) -> Option<Path> {
    let parsed = store.face(face)?.parse()?;
    outline(&parsed, glyph_id, size_px)
}

/// Fills every glyph of `layout` with `paint`, the layout's top-left corner at
/// `origin` (px) in the pixmap. Glyphs of faces not in `store` are skipped.
pub fn draw_layout(
    pixmap: &mut PixmapMut<'_>,
    layout: &Layout,
    store: &FontStore,
    origin: (f32, f32),
    paint: &Paint<'_>,
) {
    let mut faces: HashMap<FaceId, Option<ttf_parser::Face<'_>>> = HashMap::new();
    let mut paths: HashMap<(FaceId, u16), Option<Path>> = HashMap::new();
    for line in &layout.lines {
        for g in &line.glyphs {
            let path = paths.entry((g.face, g.glyph_id)).or_insert_with(|| {
                let face = faces
                    .entry(g.face)
                    .or_insert_with(|| store.face(g.face).and_then(|f| f.parse()));
                face.as_ref()
                    .and_then(|f| outline(f, g.glyph_id, layout.size_px))
            });
            if let Some(path) = path {
                let t = Transform::from_translate(origin.0 + g.x, origin.1 + g.y);
                pixmap.fill_path(path, paint, FillRule::Winding, t, None);
            }
        }
    }
}
