//! Glyph outlines as tiny-skia paths (the PNG painter fills them; the PDF painter hands
//! glyph ids to krilla instead).

use tiny_skia::{Path, PathBuilder};

use super::fonts::{FaceId, FontStore};

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
    outline(store.face(face)?.ttf(), glyph_id, size_px)
}
