//! SVG pictures drawn as PDF paths with brand colors mapped to their CMYK values (see
//! [`InkMap`]); an SVG with gradients, images, text, clips, masks or filters is drawn by
//! krilla-svg in RGB instead.

use krilla::color::{cmyk, rgb};
use krilla::geom::{Path, PathBuilder, Rect, Size, Transform};
use krilla::num::NormalizedF32;
use krilla::paint::{Fill, FillRule, LineCap, LineJoin, Paint, Stroke, StrokeDash};
use krilla::surface::Surface;
use krilla_svg::{SurfaceExt, SvgSettings};
use resvg::usvg::{self, Node, tiny_skia_path::PathSegment};

use crate::brand::{Guide, Rgb};

/// True when every node is a path with a solid color (groups may have opacity): then
/// colors are mapped to CMYK; otherwise krilla-svg draws it in RGB.
fn is_simple(group: &usvg::Group) -> bool {
    if group.clip_path().is_some() || group.mask().is_some() || !group.filters().is_empty() {
        return false;
    }
    group.children().iter().all(|node| match node {
        Node::Group(g) => is_simple(g),
        Node::Path(p) => {
            let solid = |paint: &usvg::Paint| matches!(paint, usvg::Paint::Color(_));
            p.fill().is_none_or(|f| solid(f.paint())) && p.stroke().is_none_or(|s| solid(s.paint()))
        }
        Node::Image(_) | Node::Text(_) => false,
    })
}

/// Maps screen colors to print colors: a color within the guide's tolerance of a brand
/// color with CMYK values becomes that CMYK color; others stay RGB.
pub struct InkMap<'g> {
    pub guide: &'g Guide,
}

impl InkMap<'_> {
    /// The print paint of an sRGB color, and whether it had to stay RGB.
    pub fn paint(&self, c: Rgb) -> (Paint, bool) {
        if let Some((_, def, de)) = self.guide.nearest(c)
            && de <= self.guide.colors.tolerance
            && let Some(v) = &def.cmyk
        {
            return (cmyk_paint(*v.get_ref()), false);
        }
        (rgb::Color::new(c.0, c.1, c.2).into(), true)
    }
}

/// A CMYK paint from percentages.
pub fn cmyk_paint(v: [f32; 4]) -> Paint {
    let b = |p: f32| (p.clamp(0.0, 100.0) * 2.55).round() as u8;
    cmyk::Color::new(b(v[0]), b(v[1]), b(v[2]), b(v[3])).into()
}

/// Draws `tree` at its declared size times `scale`, its top-left corner at (`x`, `y`).
/// Returns how many colors stayed RGB.
pub fn draw_svg(
    surface: &mut Surface,
    tree: &usvg::Tree,
    (x, y): (f32, f32),
    scale: f32,
    inks: &InkMap,
) -> usize {
    let size = tree.size();
    surface.push_transform(&Transform::from_row(scale, 0.0, 0.0, scale, x, y));
    let mut rgb_left = 0;
    if is_simple(tree.root()) {
        draw_group(surface, tree.root(), inks, &mut rgb_left);
    } else if let Some(sz) = Size::from_wh(size.width(), size.height()) {
        surface.draw_svg(tree, sz, SvgSettings::default());
        rgb_left += 1;
    }
    surface.pop();
    rgb_left
}

fn draw_group(surface: &mut Surface, group: &usvg::Group, inks: &InkMap, rgb_left: &mut usize) {
    let opacity = group.opacity().get();
    if opacity < 1.0 {
        surface.push_opacity(NormalizedF32::new(opacity).unwrap_or(NormalizedF32::ONE));
    }
    for node in group.children() {
        match node {
            Node::Group(g) => draw_group(surface, g, inks, rgb_left),
            Node::Path(p) if p.is_visible() => draw_path(surface, p, inks, rgb_left),
            _ => {}
        }
    }
    if opacity < 1.0 {
        surface.pop();
    }
}

fn color_of(paint: &usvg::Paint) -> Option<Rgb> {
    match paint {
        usvg::Paint::Color(c) => Some(Rgb(c.red, c.green, c.blue)),
        _ => None,
    }
}

fn draw_path(surface: &mut Surface, p: &usvg::Path, inks: &InkMap, rgb_left: &mut usize) {
    let Some(data) = p.data().clone().transform(p.abs_transform()) else {
        return;
    };
    let Some(path) = to_krilla_path(&data) else {
        return;
    };
    let fill = p.fill().and_then(|f| {
        let (paint, is_rgb) = inks.paint(color_of(f.paint())?);
        *rgb_left += usize::from(is_rgb);
        Some(Fill {
            paint,
            opacity: NormalizedF32::new(f.opacity().get()).unwrap_or(NormalizedF32::ONE),
            rule: match f.rule() {
                usvg::FillRule::NonZero => FillRule::NonZero,
                usvg::FillRule::EvenOdd => FillRule::EvenOdd,
            },
        })
    });
    let ts = p.abs_transform();
    let scale =
        ((ts.sx * ts.sx + ts.ky * ts.ky).sqrt() + (ts.kx * ts.kx + ts.sy * ts.sy).sqrt()) / 2.0;
    let stroke = p.stroke().and_then(|s| {
        let (paint, is_rgb) = inks.paint(color_of(s.paint())?);
        *rgb_left += usize::from(is_rgb);
        Some(Stroke {
            paint,
            width: s.width().get() * scale,
            miter_limit: s.miterlimit().get(),
            line_cap: match s.linecap() {
                usvg::LineCap::Butt => LineCap::Butt,
                usvg::LineCap::Round => LineCap::Round,
                usvg::LineCap::Square => LineCap::Square,
            },
            line_join: match s.linejoin() {
                usvg::LineJoin::Miter | usvg::LineJoin::MiterClip => LineJoin::Miter,
                usvg::LineJoin::Round => LineJoin::Round,
                usvg::LineJoin::Bevel => LineJoin::Bevel,
            },
            opacity: NormalizedF32::new(s.opacity().get()).unwrap_or(NormalizedF32::ONE),
            dash: s.dasharray().map(|d| StrokeDash {
                array: d.iter().map(|v| v * scale).collect(),
                offset: s.dashoffset() * scale,
            }),
        })
    });
    surface.set_fill(fill);
    surface.set_stroke(stroke);
    surface.draw_path(&path);
    surface.set_stroke(None);
}

pub(super) fn to_krilla_path(data: &usvg::tiny_skia_path::Path) -> Option<Path> {
    let mut pb = PathBuilder::new();
    for seg in data.segments() {
        match seg {
            PathSegment::MoveTo(p) => pb.move_to(p.x, p.y),
            PathSegment::LineTo(p) => pb.line_to(p.x, p.y),
            PathSegment::QuadTo(a, p) => pb.quad_to(a.x, a.y, p.x, p.y),
            PathSegment::CubicTo(a, b, p) => pb.cubic_to(a.x, a.y, b.x, b.y, p.x, p.y),
            PathSegment::Close => pb.close(),
        }
    }
    pb.finish()
}

/// A rectangle path.
pub fn rect_path(x: f32, y: f32, w: f32, h: f32) -> Option<Path> {
    let mut pb = PathBuilder::new();
    pb.push_rect(Rect::from_xywh(x, y, w, h)?);
    pb.finish()
}
