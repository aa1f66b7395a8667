//! Page flow: the piece laid out into pages of drawing operations (trim coordinates in
//! pt, y down, origin at the trim box's top-left), then painted with krilla.
//!
//! Pieces are untrusted, so the flow has limits and says which line broke them
//! ([`FlowError`]): at most [`MAX_PAGES`] pages (a 10 MB body is refused, not set into
//! thousands of pages), quotes and lists nest only while a column of at least
//! [`MIN_COLUMN_EMS`] ems is left, and a title or call to action that does not fit its
//! place even at the smallest size is an error, never text running off the page.

use std::collections::BTreeSet;
use std::ops::Range;
use std::sync::Arc;

use krilla::color::{cmyk, separation};
use krilla::geom::{Point, Rect};
use krilla::paint::{Fill, Paint, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};

use super::vector::{self, InkMap, Svg, cmyk_paint, rect_path};
use super::{Faces, Inks};
use crate::brand::{Guide, Rgb};
use crate::content::{Block, BlockKind, Inline, Piece};
use crate::render::Channel;
use crate::text::{Align, FontChoice, FontStore, Line, PositionedGlyph, fit, layout};
use crate::units::PT_PER_MM;

/// The most pages a flyer may have.
pub const MAX_PAGES: usize = 50;
/// The narrowest text column nesting may leave, in ems of the body size (8 ems of 10 pt
/// body text is 28 mm: a few words per line).
pub const MIN_COLUMN_EMS: f32 = 8.0;
/// The most characters a piece may set: far more than [`MAX_PAGES`] pages hold (a page of
/// body text holds about 3,000), checked before any shaping so a 10 MB body costs nothing.
pub const MAX_CHARS: usize = MAX_PAGES * 8_000;

/// Where a layout problem is in the piece.
#[derive(Debug, Clone, PartialEq)]
pub enum At {
    /// The piece as a whole.
    Piece,
    /// A 1-based line of the piece's file (a body block).
    Line(usize),
    /// A front matter key (`title`, `text` of `[cta]`) holding this value.
    Field(&'static str, String),
}

/// A layout error and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowError {
    pub at: At,
    pub message: String,
}

impl From<String> for FlowError {
    fn from(message: String) -> Self {
        FlowError {
            at: At::Piece,
            message,
        }
    }
}

impl FlowError {
    fn at(at: At, message: String) -> Self {
        FlowError {
            at,
            message: format!("print layout: {message}"),
        }
    }
}

/// A print color.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Ink {
    /// Percentages C, M, Y, K.
    Cmyk([f32; 4]),
    /// A color the guide gives no CMYK values for.
    Rgb(Rgb),
}

impl Ink {
    fn paint(self) -> Paint {
        match self {
            Ink::Cmyk(v) => cmyk_paint(v),
            Ink::Rgb(c) => krilla::color::rgb::Color::new(c.0, c.1, c.2).into(),
        }
    }
}

/// One drawing operation.
pub enum Op<'a> {
    Rect {
        rect: [f32; 4],
        ink: Ink,
    },
    /// One line of text.
    Glyphs {
        glyphs: Vec<PositionedGlyph>,
        baseline: f32,
        text: Arc<str>,
        end: usize,
        size: f32,
        ink: Ink,
    },
    Svg {
        svg: &'a Svg,
        rect: [f32; 4],
    },
    Image {
        image: krilla::image::Image,
        rect: [f32; 4],
    },
    Qr {
        modules: Arc<Vec<bool>>,
        width: usize,
        rect: [f32; 4],
    },
    Line {
        from: (f32, f32),
        to: (f32, f32),
        width: f32,
        ink: Ink,
    },
}

/// The operations of one page.
pub type PageOps<'a> = Vec<Op<'a>>;

/// The hero image of a piece.
pub enum HeroKind {
    Svg(Box<Svg>),
    Raster(krilla::image::Image),
}

pub struct Hero {
    pub kind: HeroKind,
}

impl Hero {
    pub fn new(kind: HeroKind) -> Hero {
        Hero { kind }
    }

    fn aspect(&self) -> f32 {
        match &self.kind {
            HeroKind::Svg(s) => s.aspect(),
            HeroKind::Raster(i) => {
                let (w, h) = i.size();
                w as f32 / h.max(1) as f32
            }
        }
    }

    /// Pixels across, for raster images.
    pub fn pixel_width(&self) -> Option<u32> {
        match &self.kind {
            HeroKind::Raster(i) => Some(i.size().0),
            HeroKind::Svg(_) => None,
        }
    }
}

/// What the flow needs.
pub struct FlowContext<'a> {
    pub guide: &'a Guide,
    pub store: &'a FontStore,
    pub faces: &'a Faces,
    pub inks: &'a Inks,
    /// Trim size in pt.
    pub trim: (f32, f32),
    pub bleed: f32,
    pub margin: f32,
    pub body_pt: f32,
    pub logo: Option<&'a Svg>,
    pub hero: Option<&'a Hero>,
    pub url: Option<&'a str>,
}

/// The laid-out pages, the hero's printed width in pt (for the dpi check), and the
/// characters no brand font has (left out; reported as `font/missing-glyph`).
pub struct Flowed<'a> {
    pub pages: Vec<PageOps<'a>>,
    pub hero_width_pt: Option<f32>,
    pub missing: BTreeSet<char>,
}

struct Cursor<'a> {
    pages: Vec<PageOps<'a>>,
    y: f32,
    top: f32,
    bottom: f32,
    background: Ink,
    trim: (f32, f32),
    bleed: f32,
    /// The source line of the block being set (0 before the body).
    line: usize,
    missing: BTreeSet<char>,
}

impl<'a> Cursor<'a> {
    fn new_page(&mut self) -> Result<(), FlowError> {
        if self.pages.len() >= MAX_PAGES {
            let at = if self.line > 0 {
                At::Line(self.line)
            } else {
                At::Piece
            };
            return Err(FlowError::at(
                at,
                format!(
                    "the flyer would run past {MAX_PAGES} pages, the most a print piece may have; shorten the text or leave print out of the piece's channels"
                ),
            ));
        }
        let b = self.bleed;
        self.pages.push(vec![Op::Rect {
            rect: [-b, -b, self.trim.0 + 2.0 * b, self.trim.1 + 2.0 * b],
            ink: self.background,
        }]);
        self.y = self.top;
        Ok(())
    }

    fn ensure(&mut self, height: f32) -> Result<(), FlowError> {
        if self.y + height > self.bottom && self.y > self.top {
            self.new_page()?;
        }
        Ok(())
    }

    /// Notes the characters a layout left out.
    fn laid_out(&mut self, layout: &crate::text::Layout) {
        self.missing.extend(&layout.missing);
    }

    fn push(&mut self, op: Op<'a>) {
        if let Some(page) = self.pages.last_mut() {
            page.push(op);
        }
    }
}

struct TextStyle {
    choice: FontChoice,
    size: f32,
    line_height: f32,
    ink: Ink,
}

fn err(e: impl std::fmt::Display) -> String {
    format!("print layout: {e}")
}

/// Refuses a piece with more text than [`MAX_PAGES`] pages could hold, before shaping it.
fn check_amount(piece: &Piece) -> Result<(), FlowError> {
    let chars = |t: &str| t.chars().count();
    let total = chars(piece.title(Channel::Print))
        + chars(piece.summary(Channel::Print))
        + chars(&piece.body_text())
        + chars(piece.cta_text(Channel::Print).unwrap_or(""));
    if total > MAX_CHARS {
        return Err(FlowError::at(
            At::Piece,
            format!(
                "the piece has {total} characters of text, more than {MAX_PAGES} pages (the most a print piece may have) could hold ({MAX_CHARS}); shorten it or leave print out of its channels"
            ),
        ));
    }
    Ok(())
}

/// Lays the piece out into pages.
pub fn flow<'a>(ctx: &FlowContext<'a>, piece: &Piece) -> Result<Flowed<'a>, FlowError> {
    check_amount(piece)?;
    let (w, h) = ctx.trim;
    let m = ctx.margin;
    let mut cur = Cursor {
        pages: Vec::new(),
        y: m,
        top: m,
        bottom: h - m,
        background: ctx.inks.background,
        trim: ctx.trim,
        bleed: ctx.bleed,
        line: 0,
        missing: BTreeSet::new(),
    };
    cur.new_page()?;
    let b = ctx.bleed;
    let mut hero_width_pt = None;

    // Hero: full bleed across the top.
    if let Some(hero) = ctx.hero {
        let full_w = w + 2.0 * b;
        let mut hh = full_w / hero.aspect();
        let mut hw = full_w;
        if hh > 0.45 * h {
            hh = 0.45 * h;
            hw = hh * hero.aspect();
        }
        let rect = [(w - hw) / 2.0, -b, hw, hh];
        hero_width_pt = Some(hw);
        match &hero.kind {
            HeroKind::Svg(svg) => cur.push(Op::Svg { svg, rect }),
            HeroKind::Raster(image) => cur.push(Op::Image {
                image: image.clone(),
                rect,
            }),
        }
        cur.y = hh - b + 6.0 * PT_PER_MM;
    }

    // Logo and title side by side.
    let logo_size = ctx.guide.logo.min_size.print.max(18.0) * PT_PER_MM;
    let gap = 5.0 * PT_PER_MM;
    let title_x = if ctx.logo.is_some() {
        m + logo_size + gap
    } else {
        m
    };
    let title_w = w - m - title_x;
    let scale = ctx.body_pt / 10.0;
    let title = piece.title(Channel::Print);
    let title_style = crate::text::TextStyle {
        size_px: 28.0 * scale,
        line_height: 1.25,
        choice: ctx.faces.heading.clone(),
        align: Align::Left,
    };
    let title_box = (title_w, 3.0 * 28.0 * scale * 1.25);
    let title_layout = match fit(
        ctx.store,
        title,
        &title_style,
        title_box,
        16.0 * scale,
        28.0 * scale,
    ) {
        Ok(l) => l,
        // Longer than three lines at the smallest size: more lines, as long as the page
        // holds them.
        Err(crate::text::FitError::DoesNotFit { layout, .. })
            if cur.y + layout.height <= cur.bottom =>
        {
            *layout
        }
        Err(crate::text::FitError::DoesNotFit { layout, min_size }) => {
            return Err(FlowError::at(
                At::Field("title", title.to_string()),
                format!(
                    "the title needs {} lines even at {min_size:.0} pt and does not fit on the page; shorten it or set a shorter one in [overrides.print]",
                    layout.lines.len()
                ),
            ));
        }
        Err(e) => return Err(err(e).into()),
    };
    cur.laid_out(&title_layout);
    if let Some(logo) = ctx.logo {
        cur.push(Op::Svg {
            svg: logo,
            rect: [m, cur.y, logo_size, logo_size],
        });
    }
    let title_text: Arc<str> = title.into();
    let title_top = cur.y;
    for line in &title_layout.lines {
        let dy = title_top;
        cur.push(Op::line(
            line,
            title_x,
            dy,
            &title_text,
            title_layout.size_px,
            ctx.inks.primary,
        ));
    }
    let logo_bottom = if ctx.logo.is_some() { logo_size } else { 0.0 };
    cur.y = title_top + title_layout.height.max(logo_bottom) + gap;

    let body = TextStyle {
        choice: ctx.faces.body.clone(),
        size: ctx.body_pt,
        line_height: 1.5,
        ink: ctx.inks.text,
    };
    let line_px = body.size * body.line_height;
    let summary = TextStyle {
        choice: ctx.faces.bold.clone(),
        size: ctx.body_pt * 1.2,
        line_height: 1.45,
        ink: ctx.inks.text,
    };
    text_block(
        ctx,
        &mut cur,
        piece.summary(Channel::Print),
        &summary,
        m,
        w - 2.0 * m,
    )?;
    cur.y += 0.8 * line_px;

    flow_blocks(ctx, &mut cur, &piece.body, m, w - 2.0 * m, &body)?;

    // Facts box.
    let fact_lines: Vec<String> = piece
        .fact_lines()
        .into_iter()
        .map(|f| format!("{}: {}", f.label, f.value))
        .collect();
    if !fact_lines.is_empty() {
        let pad = 4.0 * PT_PER_MM;
        let bold = TextStyle {
            choice: ctx.faces.bold.clone(),
            ..body_like(&body)
        };
        let text = fact_lines.join("\n");
        let lay = layout(
            ctx.store,
            &text,
            &style_of(&bold),
            (w - 2.0 * m - 2.0 * pad, f32::INFINITY),
        )
        .map_err(err)?;
        cur.laid_out(&lay);
        let box_h = lay.height + 2.0 * pad;
        cur.y += 0.5 * line_px;
        cur.ensure(box_h)?;
        cur.push(Op::Rect {
            rect: [m, cur.y, w - 2.0 * m, box_h],
            ink: ctx.inks.surface,
        });
        let text: Arc<str> = text.into();
        let top = cur.y + pad;
        for line in &lay.lines {
            cur.push(Op::line(line, m + pad, top, &text, bold.size, bold.ink));
        }
        cur.y += box_h;
    }

    // Footer band with the call to action and the QR code, on the last page.
    let footer_h = 32.0 * PT_PER_MM * scale.sqrt();
    if cur.y + gap > h - footer_h {
        cur.new_page()?;
    }
    let band_top = h - footer_h;
    cur.push(Op::Rect {
        rect: [-b, band_top, w + 2.0 * b, footer_h + b],
        ink: ctx.inks.primary,
    });
    let qr_size = footer_h - 2.0 * 5.0 * PT_PER_MM;
    let mut cta_w = w - 2.0 * m;
    if let Some(url) = ctx.url {
        let (modules, width) = vector::qr_matrix(url).map_err(err)?;
        let quiet = qr_size / width as f32 * 4.0;
        let qx = w - m - qr_size;
        let qy = band_top + (footer_h - qr_size) / 2.0;
        cur.push(Op::Rect {
            rect: [
                qx - quiet,
                qy - quiet,
                qr_size + 2.0 * quiet,
                qr_size + 2.0 * quiet,
            ],
            ink: Ink::Cmyk([0.0; 4]),
        });
        cur.push(Op::Qr {
            modules: Arc::new(modules),
            width,
            rect: [qx, qy, qr_size, qr_size],
        });
        cta_w -= qr_size + quiet + gap;
    }
    let cta = piece.cta_text(Channel::Print).unwrap_or(title);
    let cta_style = crate::text::TextStyle {
        size_px: 20.0 * scale,
        line_height: 1.25,
        choice: ctx.faces.heading.clone(),
        align: Align::Left,
    };
    let cta_box = (cta_w, footer_h - 2.0 * 5.0 * PT_PER_MM - 2.0 * body.size);
    let cta_top = band_top + 5.0 * PT_PER_MM;
    let cta_layout = match fit(
        ctx.store,
        cta,
        &cta_style,
        cta_box,
        11.0 * scale,
        20.0 * scale,
    ) {
        Ok(l) => l,
        // A line more than planned still fits above the page's trim edge.
        Err(crate::text::FitError::DoesNotFit { layout, .. }) if cta_top + layout.height <= h => {
            *layout
        }
        Err(crate::text::FitError::DoesNotFit { layout, min_size }) => {
            return Err(FlowError::at(
                At::Field("text", cta.to_string()),
                format!(
                    "the call to action needs {} lines even at {min_size:.0} pt and runs off the footer band; shorten it or set a shorter cta_text in [overrides.print]",
                    layout.lines.len()
                ),
            ));
        }
        Err(e) => return Err(err(e).into()),
    };
    cur.laid_out(&cta_layout);
    let cta_text: Arc<str> = cta.into();
    for line in &cta_layout.lines {
        cur.push(Op::line(
            line,
            m,
            cta_top,
            &cta_text,
            cta_layout.size_px,
            ctx.inks.on_primary,
        ));
    }
    if let Some(url) = ctx.url {
        // The address without tracking parameters, for people who type it.
        let short = url.split('?').next().unwrap_or(url);
        let short = short
            .trim_start_matches("https://")
            .trim_start_matches("http://");
        let small = TextStyle {
            choice: ctx.faces.body.clone(),
            size: ctx.body_pt * 0.85,
            line_height: 1.3,
            ink: ctx.inks.on_primary,
        };
        let lay =
            layout(ctx.store, short, &style_of(&small), (cta_w, f32::INFINITY)).map_err(err)?;
        cur.laid_out(&lay);
        let text: Arc<str> = short.into();
        let top = cta_top + cta_layout.height + 2.0 * PT_PER_MM;
        for line in &lay.lines {
            cur.push(Op::line(line, m, top, &text, small.size, small.ink));
        }
    }
    Ok(Flowed {
        pages: cur.pages,
        hero_width_pt,
        missing: cur.missing,
    })
}

fn body_like(s: &TextStyle) -> TextStyle {
    TextStyle {
        choice: s.choice.clone(),
        size: s.size,
        line_height: s.line_height,
        ink: s.ink,
    }
}

fn style_of(s: &TextStyle) -> crate::text::TextStyle {
    crate::text::TextStyle {
        size_px: s.size,
        line_height: s.line_height,
        choice: s.choice.clone(),
        align: Align::Left,
    }
}

impl Op<'_> {
    /// One laid-out line placed with its origin at (`dx`, `dy`), keeping the text it
    /// shows (for copy/paste and text extraction).
    fn line(line: &Line, dx: f32, dy: f32, text: &Arc<str>, size: f32, ink: Ink) -> Self {
        Op::Glyphs {
            glyphs: shift(&line.glyphs, dx, dy),
            baseline: line.baseline + dy,
            text: text.clone(),
            end: line.text_range.end,
            size,
            ink,
        }
    }
}

fn shift(glyphs: &[PositionedGlyph], dx: f32, dy: f32) -> Vec<PositionedGlyph> {
    glyphs
        .iter()
        .map(|g| PositionedGlyph {
            x: g.x + dx,
            y: g.y + dy,
            ..*g
        })
        .collect()
}

/// Sets `text` at x in `width`, line by line, breaking pages between lines.
fn text_block(
    ctx: &FlowContext,
    cur: &mut Cursor,
    text: &str,
    style: &TextStyle,
    x: f32,
    width: f32,
) -> Result<(), FlowError> {
    if text.trim().is_empty() {
        return Ok(());
    }
    let lay = layout(ctx.store, text, &style_of(style), (width, f32::INFINITY)).map_err(err)?;
    cur.laid_out(&lay);
    let shared: Arc<str> = text.into();
    let line_px = style.size * style.line_height;
    for (i, line) in lay.lines.iter().enumerate() {
        cur.ensure(line_px)?;
        let dy = cur.y - i as f32 * line_px;
        cur.push(Op::line(line, x, dy, &shared, style.size, style.ink));
        cur.y += line_px;
    }
    Ok(())
}

fn flow_blocks(
    ctx: &FlowContext,
    cur: &mut Cursor,
    blocks: &[Block],
    x: f32,
    width: f32,
    body: &TextStyle,
) -> Result<(), FlowError> {
    let line_px = body.size * body.line_height;
    for block in blocks {
        cur.line = block.line;
        match &block.kind {
            BlockKind::Heading { level, content } => {
                let factor = match level {
                    1 => 1.5,
                    2 => 1.3,
                    _ => 1.15,
                };
                let style = TextStyle {
                    choice: ctx.faces.heading.clone(),
                    size: body.size * factor,
                    line_height: 1.3,
                    ink: ctx.inks.primary,
                };
                cur.y += 0.4 * line_px;
                // Keep the heading with two lines of what follows.
                cur.ensure(style.size * style.line_height + 2.0 * line_px)?;
                text_block(ctx, cur, &Inline::plain(content), &style, x, width)?;
                cur.y += 0.2 * line_px;
            }
            BlockKind::Paragraph(content) => {
                text_block(ctx, cur, &Inline::plain(content), body, x, width)?;
                cur.y += 0.5 * line_px;
            }
            BlockKind::List {
                ordered,
                start,
                items,
            } => {
                let indent = 6.0 * PT_PER_MM;
                check_nesting(block, "list", width - indent, body)?;
                for (i, item) in items.iter().enumerate() {
                    let marker = if *ordered {
                        format!("{}.", start + i as u64)
                    } else {
                        "•".to_string()
                    };
                    cur.ensure(line_px)?;
                    let before = cur.y;
                    let pages_before = cur.pages.len();
                    text_block(ctx, cur, &marker, body, x, indent)?;
                    // The item's text starts on the marker's line.
                    if cur.pages.len() == pages_before {
                        cur.y = before;
                    }
                    flow_blocks(ctx, cur, item, x + indent, width - indent, body)?;
                }
                cur.y += 0.3 * line_px;
            }
            BlockKind::Quote(inner) => {
                let indent = 6.0 * PT_PER_MM;
                check_nesting(block, "quote", width - indent, body)?;
                let top = cur.y;
                let page = cur.pages.len();
                flow_blocks(ctx, cur, inner, x + indent, width - indent, body)?;
                if cur.pages.len() == page {
                    cur.push(Op::Line {
                        from: (x + 1.5, top),
                        to: (x + 1.5, cur.y - 0.5 * line_px),
                        width: 2.0,
                        ink: ctx.inks.accent,
                    });
                }
            }
            BlockKind::Code { text, .. } => {
                text_block(ctx, cur, text, body, x, width)?;
                cur.y += 0.5 * line_px;
            }
            BlockKind::Rule => {
                cur.ensure(line_px)?;
                let y = cur.y + 0.5 * line_px;
                cur.push(Op::Line {
                    from: (x, y),
                    to: (x + width, y),
                    width: 0.75,
                    ink: ctx.inks.primary,
                });
                cur.y += line_px;
            }
            BlockKind::Html(_) => {}
        }
    }
    Ok(())
}

/// Refuses a quote or list whose content would get a column narrower than
/// [`MIN_COLUMN_EMS`]: each level indents by 6 mm, and 40 nested quotes leave no width
/// at all.
fn check_nesting(block: &Block, what: &str, inner: f32, body: &TextStyle) -> Result<(), FlowError> {
    let min = MIN_COLUMN_EMS * body.size;
    if inner >= min {
        return Ok(());
    }
    Err(FlowError::at(
        At::Line(block.line),
        format!(
            "{what} nesting leaves no room for text at this page width: the text would be {:.1} mm wide, and the narrowest column is {:.1} mm; nest fewer levels",
            inner.max(0.0) / PT_PER_MM,
            min / PT_PER_MM
        ),
    ))
}

/// What painting needs.
pub struct PaintContext<'a> {
    pub guide: &'a Guide,
    pub fonts: &'a [Font],
    pub trim: (f32, f32),
    pub bleed: f32,
    /// Room outside the bleed for crop marks (0 without them).
    pub slug: f32,
    pub crop_marks: bool,
}

/// Paints one page's operations; returns how many colors had to stay RGB.
pub fn paint(surface: &mut Surface, ops: &[Op], ctx: &PaintContext) -> usize {
    let offset = ctx.slug + ctx.bleed;
    surface.push_transform(&krilla::geom::Transform::from_translate(offset, offset));
    let inks = InkMap { guide: ctx.guide };
    let mut rgb_left = 0;
    let count = |ink: Ink| usize::from(matches!(ink, Ink::Rgb(_)));
    for op in ops {
        match op {
            Op::Rect {
                rect: [x, y, w, h],
                ink,
            } => {
                if let Some(path) = rect_path(*x, *y, *w, *h) {
                    surface.set_fill(Some(Fill {
                        paint: ink.paint(),
                        ..Fill::default()
                    }));
                    surface.draw_path(&path);
                    rgb_left += count(*ink);
                }
            }
            Op::Glyphs {
                glyphs,
                baseline,
                text,
                end,
                size,
                ink,
            } => {
                surface.set_fill(Some(Fill {
                    paint: ink.paint(),
                    ..Fill::default()
                }));
                rgb_left += count(*ink);
                draw_line(surface, ctx.fonts, glyphs, *baseline, text, *end, *size);
            }
            Op::Svg {
                svg,
                rect: [x, y, w, h],
            } => {
                if let Some(r) = Rect::from_xywh(*x, *y, *w, *h) {
                    rgb_left += vector::draw_svg(surface, svg, r, &inks);
                }
            }
            Op::Image {
                image,
                rect: [x, y, w, h],
            } => {
                if let Some(size) = krilla::geom::Size::from_wh(*w, *h) {
                    surface.push_transform(&krilla::geom::Transform::from_translate(*x, *y));
                    surface.draw_image(image.clone(), size);
                    surface.pop();
                }
            }
            Op::Qr {
                modules,
                width,
                rect: [x, y, s, _],
            } => vector::draw_qr(surface, modules, *width, *x, *y, *s),
            Op::Line {
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
                        paint: ink.paint(),
                        width: *width,
                        ..Stroke::default()
                    }));
                    surface.draw_path(&path);
                    surface.set_stroke(None);
                    rgb_left += count(*ink);
                }
            }
        }
    }
    if ctx.crop_marks {
        draw_crop_marks(surface, ctx);
    }
    surface.pop();
    rgb_left
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

fn draw_crop_marks(surface: &mut Surface, ctx: &PaintContext) {
    let (w, h) = ctx.trim;
    let b = ctx.bleed;
    let start = b + 1.0 * PT_PER_MM;
    let end = b + ctx.slug;
    let registration: krilla::color::Color = separation::Color::new(
        255,
        separation::SeparationSpace::new(
            separation::SeparationColorant::AllColorants,
            cmyk::Color::new(255, 255, 255, 255).into(),
        ),
    )
    .into();
    let mut pb = krilla::geom::PathBuilder::new();
    for (cx, sx) in [(0.0, -1.0), (w, 1.0)] {
        for (cy, sy) in [(0.0, -1.0), (h, 1.0)] {
            // Horizontal mark on the trim line y = cy, vertical on x = cx.
            pb.move_to(cx + sx * start, cy);
            pb.line_to(cx + sx * end, cy);
            pb.move_to(cx, cy + sy * start);
            pb.line_to(cx, cy + sy * end);
        }
    }
    if let Some(path) = pb.finish() {
        surface.set_fill(None);
        surface.set_stroke(Some(Stroke {
            paint: registration.into(),
            width: 0.25,
            ..Stroke::default()
        }));
        surface.draw_path(&path);
        surface.set_stroke(None);
    }
}
