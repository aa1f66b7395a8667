//! Page flow: the piece laid out into pages, one [`Scene`] each (trim coordinates in pt,
//! y down, origin at the trim box's top-left), which the PDF painter
//! ([`crate::render::paint::pdf`]) then draws.
//!
//! Pieces are untrusted, so the flow has limits and says which line broke them
//! ([`FlowError`]): at most [`MAX_PAGES`] pages (a 10 MB body is refused, not set into
//! thousands of pages), quotes and lists nest only while a column of at least
//! [`MIN_COLUMN_EMS`] ems is left, and a title or call to action that does not fit its
//! place even at the smallest size is an error, never text running off the page.
//!
//! Sizes come from the guide's font roles (`[fonts.*] size`, CSS px at 0.75 pt/px, see
//! [`Sizes`]). A flyer is one page when it can be: the flow first tries one page with the
//! hero band shrinking, then with the text shrinking to the guide's minimum sizes
//! ([`one_page_plans`]); only when none fits does it flow at full size onto more pages,
//! keeping the footer band with the last text rather than alone on a page. A word wider
//! than its column even at the role's minimum size is an error, never a split word.

use std::cell::{OnceCell, RefCell};
use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::rc::Rc;
use std::sync::Arc;

use super::{Faces, Inks};
use crate::assets::Picture;
use crate::brand::Guide;
use crate::content::{Block, BlockKind, Field, Inline, Piece};
use crate::render::Channel;
use crate::scene::{Fill, GlyphRun, Ink, Item, Qr, Scene};
use crate::text::{Align, FontChoice, FontStore, ShapedText, fit_shaped, shape_styled};
use crate::units::{PT_PER_MM, css_px_to_pt};

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
    /// A front matter text as the print channel reads it (with its overrides).
    Front(Field),
}

/// A layout error and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowError {
    pub at: At,
    pub message: String,
    /// Set when a one-page attempt ran out of its page (not a problem of the piece).
    page_full: bool,
}

impl From<String> for FlowError {
    fn from(message: String) -> Self {
        FlowError {
            at: At::Piece,
            message,
            page_full: false,
        }
    }
}

impl FlowError {
    fn at(at: At, message: String) -> Self {
        FlowError {
            at,
            message: format!("print layout: {message}"),
            page_full: false,
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
    /// Text sizes from the guide.
    pub sizes: Sizes,
    /// 1 on A5, more on larger pages (the footer band grows with it).
    pub page_scale: f32,
    /// The logo, when it is an SVG (drawn as vectors in brand CMYK).
    pub logo: Option<&'a Arc<Picture>>,
    pub hero: Option<&'a Arc<Picture>>,
    pub url: Option<&'a str>,
    /// What the piece's layout attempts share (make one per piece).
    pub memo: Memo,
}

/// What every layout attempt of one piece shares, so trying a dozen plans costs one
/// shaping: each text shaped once per face choice (shaping depends on neither size nor
/// column width), and the QR code encoded once.
#[derive(Default)]
pub struct Memo {
    shapes: RefCell<HashMap<(String, FontChoice, Spans), Rc<ShapedText>>>,
    qr: OnceCell<Result<Qr, String>>,
}

impl Memo {
    /// `text` shaped with `choice` and `spans` (see [`shape_styled`]), once.
    fn shaped(
        &self,
        store: &FontStore,
        text: &str,
        choice: &FontChoice,
        spans: &[(Range<usize>, FontChoice)],
    ) -> Result<Rc<ShapedText>, FlowError> {
        let key = (text.to_string(), choice.clone(), spans.to_vec());
        if let Some(shaped) = self.shapes.borrow().get(&key) {
            return Ok(Rc::clone(shaped));
        }
        let shaped = Rc::new(shape_styled(store, text, choice, spans).map_err(err)?);
        self.shapes.borrow_mut().insert(key, Rc::clone(&shaped));
        Ok(shaped)
    }

    /// [`crate::text::layout`] over the shaped text.
    fn layout(
        &self,
        store: &FontStore,
        text: &str,
        style: &crate::text::TextStyle,
        box_size: (f32, f32),
    ) -> Result<crate::text::Layout, FlowError> {
        self.shaped(store, text, &style.choice, &[])?
            .layout(style.size_px, style.line_height, style.align, box_size)
            .map_err(|e| err(e).into())
    }

    /// How many distinct texts have been shaped.
    #[cfg(test)]
    fn shaped_texts(&self) -> usize {
        self.shapes.borrow().len()
    }

    /// The QR code of `url` (placed by the caller), encoded once.
    fn qr(&self, url: &str) -> Result<Qr, String> {
        self.qr.get_or_init(|| Qr::new(url, Ink::KEY)).clone()
    }
}

/// The guide's size ranges in pt, `(min, max)`: `[fonts.heading] size` and
/// `[fonts.body] size` (CSS px × [`crate::units::PT_PER_CSS_PX`]), and where body text
/// starts. A role without `size` gets the bundled guide's ranges (heading 28–72 px, body
/// 16–32 px).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sizes {
    pub heading: (f32, f32),
    pub body: (f32, f32),
    /// Body size before any shrinking, within `body`.
    pub body_start: f32,
}

impl Sizes {
    /// The sizes of `guide` for a page `page_scale` times A5.
    pub fn of(guide: &Guide, page_scale: f32) -> Sizes {
        let range = |role: &crate::brand::FontRole, default: (f32, f32)| {
            let (min, max) = role.size.as_ref().map_or(default, |r| (r.min, r.max));
            let ok = |v: f32| v.is_finite() && v > 0.0;
            let (min, max) = if ok(min) && ok(max) {
                (min.min(max), max.max(min))
            } else {
                default
            };
            (css_px_to_pt(min), css_px_to_pt(max))
        };
        let heading = range(guide.heading(), (28.0, 72.0));
        let body = range(guide.body(), (16.0, 32.0));
        let body_start = (body.0 * (1.0 + (page_scale - 1.0) * 1.25)).clamp(body.0, body.1);
        Sizes {
            heading,
            body,
            body_start,
        }
    }
}

/// How one attempt lays the flyer out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Plan {
    /// The tallest the hero band may be, as a share of the page height.
    pub hero_share: f32,
    /// 0: text at its starting sizes; 1: every role at its guide minimum.
    pub shrink: f32,
    /// At most this many pages (1 for a one-page attempt).
    pub page_limit: usize,
    /// Pages from this index on keep room for the footer band at their bottom.
    pub reserve_from: usize,
}

impl Plan {
    const FULL: Plan = Plan {
        hero_share: 0.45,
        shrink: 0.0,
        page_limit: MAX_PAGES,
        reserve_from: usize::MAX,
    };
}

/// The one-page attempts, in order: the hero band shrinking from 45 % of the page to
/// 15 %, then (with the smallest band) the text shrinking to the guide's minimum sizes.
pub fn one_page_plans(has_hero: bool) -> Vec<Plan> {
    let one = |hero_share, shrink| Plan {
        hero_share,
        shrink,
        page_limit: 1,
        reserve_from: usize::MAX,
    };
    let mut plans = Vec::new();
    if has_hero {
        plans.extend([0.45, 0.38, 0.31, 0.24].map(|h| one(h, 0.0)));
    }
    plans.extend([0.0, 0.25, 0.5, 0.75, 1.0].map(|t| one(0.15, t)));
    plans
}

fn lerp(a: f32, b: f32, t: f32) -> f32 {
    a + (b - a) * t
}

/// The laid-out pages, the hero's printed width in pt (for the dpi check), and the
/// characters no brand font has (left out; reported as `font/missing-glyph`).
pub struct Flowed {
    pub pages: Vec<Scene>,
    pub hero_width_pt: Option<f32>,
    pub missing: BTreeSet<char>,
    /// The footer band needed a page of its own.
    footer_alone: bool,
    /// How far down the last page the text reaches (pt; 0 when only the footer is on it).
    text_end: f32,
}

struct Cursor {
    pages: Vec<Scene>,
    y: f32,
    top: f32,
    bottom: f32,
    /// The text bottom of pages that keep room for the footer band.
    reserved_bottom: f32,
    page_limit: usize,
    reserve_from: usize,
    background: Ink,
    trim: (f32, f32),
    bleed: f32,
    /// The source line of the block being set (0 before the body).
    line: usize,
    missing: BTreeSet<char>,
}

impl Cursor {
    fn new_page(&mut self) -> Result<(), FlowError> {
        if self.pages.len() >= self.page_limit && self.page_limit < MAX_PAGES {
            return Err(FlowError {
                at: At::Piece,
                message: "the page is full".into(),
                page_full: true,
            });
        }
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
        let mut page = Scene::new(self.trim);
        page.push(Item::Rect {
            rect: [-b, -b, self.trim.0 + 2.0 * b, self.trim.1 + 2.0 * b],
            fill: Fill::Solid(self.background),
        });
        self.pages.push(page);
        self.y = self.top;
        if self.pages.len() > self.reserve_from {
            self.bottom = self.bottom.min(self.reserved_bottom);
        }
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

    fn push(&mut self, item: Item) {
        if let Some(page) = self.pages.last_mut() {
            page.push(item);
        }
    }

    /// Adds the lines of `layout` to the current page (see [`Scene::push_layout`]).
    fn push_layout(&mut self, layout: &crate::text::Layout, text: &str, at: (f32, f32), ink: Ink) {
        if let Some(page) = self.pages.last_mut() {
            page.push_layout(layout, text, at, ink);
        }
    }
}

struct TextStyle {
    choice: FontChoice,
    size: f32,
    /// The smallest size a word too wide for the column may set the block at.
    min: f32,
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

/// Lays the piece out into pages: on one page if any [`one_page_plans`] attempt fits,
/// else at full size onto as many pages as it needs.
pub fn flow(ctx: &FlowContext, piece: &Piece) -> Result<Flowed, FlowError> {
    check_amount(piece)?;
    for plan in one_page_plans(ctx.hero.is_some()) {
        match flow_with(ctx, piece, &plan) {
            Ok(flowed) => return Ok(flowed),
            Err(e) if e.page_full => continue,
            // A problem of the piece (a word too wide, a title too long): the flow onto
            // more pages below reports it, without trying every smaller size first.
            Err(_) => break,
        }
    }
    // More pages: at full size, half shrunk and at the guide's minimum sizes, keeping the
    // one with the fewest pages and, of those, the fullest last page.
    let mut best: Option<Flowed> = None;
    for shrink in [0.0, 0.5, 1.0] {
        let plan = Plan {
            shrink,
            ..Plan::FULL
        };
        let flowed = match flow_with(ctx, piece, &plan) {
            Ok(flowed) => flowed,
            Err(e) if best.is_none() => return Err(e),
            Err(_) => continue,
        };
        // The last page but one keeping room for the footer band moves text over to the
        // last page: needed when the band would be alone on its page, and a fuller last
        // page otherwise.
        let mut candidates = Vec::new();
        if flowed.pages.len() >= 2 {
            let reserve = Plan {
                reserve_from: flowed.pages.len() - 2,
                ..plan
            };
            if let Ok(f) = flow_with(ctx, piece, &reserve) {
                candidates.push(f);
            }
        }
        if !flowed.footer_alone || candidates.is_empty() {
            candidates.push(flowed);
        }
        for flowed in candidates {
            let better = best.as_ref().is_none_or(|b| {
                (flowed.pages.len(), -flowed.text_end) < (b.pages.len(), -b.text_end)
            });
            if better {
                best = Some(flowed);
            }
        }
    }
    best.ok_or_else(|| FlowError::at(At::Piece, "the flyer could not be laid out".into()))
}

/// Lays the piece out following `plan`.
fn flow_with(ctx: &FlowContext, piece: &Piece, plan: &Plan) -> Result<Flowed, FlowError> {
    let (w, h) = ctx.trim;
    let m = ctx.margin;
    let s = &ctx.sizes;
    let t = plan.shrink.clamp(0.0, 1.0);
    // Space between parts closes up as the text shrinks, to 70 %.
    let k = lerp(1.0, 0.7, t);
    let gap = 5.0 * PT_PER_MM;
    let footer_h = 32.0 * PT_PER_MM * ctx.page_scale.sqrt();
    let mut cur = Cursor {
        pages: Vec::new(),
        y: m,
        top: m,
        bottom: h - m,
        reserved_bottom: h - footer_h - gap,
        page_limit: plan.page_limit,
        reserve_from: plan.reserve_from,
        background: ctx.inks.background,
        trim: ctx.trim,
        bleed: ctx.bleed,
        line: 0,
        missing: BTreeSet::new(),
    };
    cur.new_page()?;
    let b = ctx.bleed;
    let mut hero_width_pt = None;

    // Hero: a full-bleed band across the top, its picture covering the band (cropped
    // top and bottom when the band is shorter than the picture).
    if let Some(hero) = ctx.hero {
        let full_w = w + 2.0 * b;
        let (pw, ph) = hero.size();
        let natural = full_w / (pw / ph);
        let band = natural.min(plan.hero_share * h);
        hero_width_pt = Some(full_w);
        if band < natural {
            // Cropped top and bottom: the picture in the band's own coordinates.
            let picture = Item::picture_in(hero, [0.0, (band - natural) / 2.0, full_w, natural]);
            cur.push(Item::Clip {
                rect: [-b, -b, full_w, band],
                items: vec![picture],
            });
        } else {
            cur.push(Item::picture_in(hero, [-b, -b, full_w, natural]));
        }
        cur.y = band - b + 6.0 * PT_PER_MM * k;
    }

    // Logo and title side by side.
    let logo_size = ctx.guide.logo.min_size.print.max(18.0) * PT_PER_MM;
    let title_x = if ctx.logo.is_some() {
        m + logo_size + gap
    } else {
        m
    };
    let title_w = w - m - title_x;
    let title = piece.title(Channel::Print);
    let (title_min, title_max) = (s.heading.0, lerp(s.heading.1, s.heading.0, t));
    let title_style = crate::text::TextStyle {
        size_px: title_max,
        line_height: 1.2,
        choice: ctx.faces.heading.clone(),
        align: Align::Left,
    };
    let title_box = (title_w, 2.0 * title_max * 1.2);
    if split_even_at(ctx, title, &title_style, title_w, title_min)? {
        return Err(FlowError::at(
            At::Front(Field::Title),
            format!(
                "a word of the title is wider than its {:.0} mm column even at {title_min:.1} pt, the guide's smallest heading size; shorten it or set a shorter one in [overrides.print]",
                title_w / PT_PER_MM
            ),
        ));
    }
    let title_shaped = ctx
        .memo
        .shaped(ctx.store, title, &title_style.choice, &[])?;
    let title_layout = match fit_shaped(
        &title_shaped,
        &title_style,
        title_box,
        title_min,
        title_max,
    ) {
        Ok(l) => l,
        // Longer than planned at the smallest size: more lines, as long as the page
        // holds them.
        Err(crate::text::FitError::DoesNotFit { layout, .. })
            if cur.y + layout.height <= cur.bottom =>
        {
            *layout
        }
        Err(crate::text::FitError::DoesNotFit { layout, min_size }) => {
            return Err(FlowError::at(
                At::Front(Field::Title),
                format!(
                    "the title needs {} lines even at {min_size:.1} pt and does not fit on the page; shorten it or set a shorter one in [overrides.print]",
                    layout.lines.len()
                ),
            ));
        }
        Err(e) => return Err(err(e).into()),
    };
    cur.laid_out(&title_layout);
    if let Some(logo) = ctx.logo {
        cur.push(Item::picture_in(logo, [m, cur.y, logo_size, logo_size]));
    }
    let title_top = cur.y;
    cur.push_layout(&title_layout, title, (title_x, title_top), ctx.inks.primary);
    let logo_bottom = if ctx.logo.is_some() { logo_size } else { 0.0 };
    cur.y = title_top + title_layout.height.max(logo_bottom) + gap * k;

    let body = TextStyle {
        choice: ctx.faces.body.clone(),
        size: lerp(s.body_start, s.body.0, t),
        min: s.body.0,
        // Lines close up a little as the text shrinks.
        line_height: lerp(1.45, 1.3, t),
        ink: ctx.inks.text,
    };
    let line_px = body.size * body.line_height;
    let summary = TextStyle {
        choice: ctx.faces.bold.clone(),
        // A step above the body, closing to the body size as the text shrinks.
        size: lerp((body.size * 1.2).min(s.body.1), body.size, t),
        min: s.body.0,
        line_height: 1.4,
        ink: ctx.inks.text,
    };
    text_block(
        ctx,
        &mut cur,
        piece.summary(Channel::Print),
        &[],
        &summary,
        (m, w - 2.0 * m),
        At::Front(Field::Summary),
    )?;
    cur.y += 0.6 * line_px * k;

    let body_ctx = BodyStyles {
        space: k,
        body: &body,
        heading_min: s.heading.0,
        heading_top: lerp(s.heading.0 * 1.2, s.heading.0, t),
    };
    flow_blocks(ctx, &mut cur, &piece.body, m, w - 2.0 * m, &body_ctx)?;

    // Facts box.
    let fact_lines: Vec<String> = piece
        .fact_lines()
        .into_iter()
        .map(|f| format!("{}: {}", f.label, f.value))
        .collect();
    if !fact_lines.is_empty() {
        let pad = 4.0 * PT_PER_MM * k.sqrt();
        let bold = TextStyle {
            choice: ctx.faces.bold.clone(),
            ..body_like(&body)
        };
        let text = fact_lines.join("\n");
        let lay = ctx.memo.layout(
            ctx.store,
            &text,
            &style_of(&bold),
            (w - 2.0 * m - 2.0 * pad, f32::INFINITY),
        )?;
        cur.laid_out(&lay);
        let box_h = lay.height + 2.0 * pad;
        cur.y += 0.5 * line_px * k;
        cur.ensure(box_h)?;
        cur.push(Item::Rect {
            rect: [m, cur.y, w - 2.0 * m, box_h],
            fill: Fill::Solid(ctx.inks.surface),
        });
        debug_assert_eq!(lay.size_px, bold.size);
        let top = cur.y + pad;
        cur.push_layout(&lay, &text, (m + pad, top), bold.ink);
        cur.y += box_h;
    }

    // Footer band with the call to action and the QR code, on the last page.
    let mut footer_alone = false;
    let mut text_end = cur.y;
    if cur.y + gap * k > h - footer_h {
        cur.new_page()?;
        footer_alone = true;
        text_end = 0.0;
    }
    let band_top = h - footer_h;
    cur.push(Item::Rect {
        rect: [-b, band_top, w + 2.0 * b, footer_h + b],
        fill: Fill::Solid(ctx.inks.primary),
    });
    let qr_size = footer_h - 2.0 * 5.0 * PT_PER_MM;
    let mut cta_w = w - 2.0 * m;
    if let Some(url) = ctx.url {
        let mut qr = ctx.memo.qr(url).map_err(err)?;
        let quiet = qr_size / qr.width as f32 * 4.0;
        let qx = w - m - qr_size;
        let qy = band_top + (footer_h - qr_size) / 2.0;
        cur.push(Item::Rect {
            rect: [
                qx - quiet,
                qy - quiet,
                qr_size + 2.0 * quiet,
                qr_size + 2.0 * quiet,
            ],
            fill: Fill::Solid(Ink::PAPER),
        });
        qr.rect = [qx, qy, qr_size, qr_size];
        cur.push(Item::Qr(qr));
        cta_w -= qr_size + quiet + gap;
    }
    let cta = piece.cta_text(Channel::Print).unwrap_or(title);
    // The call to action: the heading face from the heading minimum down to the body
    // minimum, so the band holds it.
    let (cta_min, cta_max) = (s.body.0, s.heading.0.max(s.body.0));
    let cta_style = crate::text::TextStyle {
        size_px: cta_max,
        line_height: 1.2,
        choice: ctx.faces.heading.clone(),
        align: Align::Left,
    };
    let small = TextStyle {
        choice: ctx.faces.body.clone(),
        size: s.body.0,
        min: s.body.0,
        line_height: 1.3,
        ink: ctx.inks.on_primary,
    };
    let url_room = if ctx.url.is_some() {
        small.size * small.line_height + 2.0 * PT_PER_MM
    } else {
        0.0
    };
    let cta_box = (cta_w, footer_h - 2.0 * 5.0 * PT_PER_MM - url_room);
    let cta_top = band_top + 5.0 * PT_PER_MM;
    let cta_at = At::Front(Field::CtaText);
    if split_even_at(ctx, cta, &cta_style, cta_w, cta_min)? {
        return Err(FlowError::at(
            cta_at,
            format!(
                "a word of the call to action is wider than the footer band's {:.0} mm even at {cta_min:.1} pt; shorten it or set a shorter cta_text in [overrides.print]",
                cta_w / PT_PER_MM
            ),
        ));
    }
    let cta_shaped = ctx.memo.shaped(ctx.store, cta, &cta_style.choice, &[])?;
    let cta_layout = match fit_shaped(&cta_shaped, &cta_style, cta_box, cta_min, cta_max) {
        Ok(l) => l,
        // A line more than planned still fits above the page's trim edge.
        Err(crate::text::FitError::DoesNotFit { layout, .. }) if cta_top + layout.height <= h => {
            *layout
        }
        Err(crate::text::FitError::DoesNotFit { layout, min_size }) => {
            return Err(FlowError::at(
                cta_at,
                format!(
                    "the call to action needs {} lines even at {min_size:.1} pt and runs off the footer band; shorten it or set a shorter cta_text in [overrides.print]",
                    layout.lines.len()
                ),
            ));
        }
        Err(e) => return Err(err(e).into()),
    };
    cur.laid_out(&cta_layout);
    cur.push_layout(&cta_layout, cta, (m, cta_top), ctx.inks.on_primary);
    if let Some(url) = ctx.url {
        // The address without tracking parameters, for people who type it.
        let short = url.split('?').next().unwrap_or(url);
        let short = short
            .trim_start_matches("https://")
            .trim_start_matches("http://");
        let lay = ctx
            .memo
            .layout(ctx.store, short, &style_of(&small), (cta_w, f32::INFINITY))?;
        cur.laid_out(&lay);
        let top = cta_top + cta_layout.height + 2.0 * PT_PER_MM;
        cur.push_layout(&lay, short, (m, top), small.ink);
    }
    Ok(Flowed {
        pages: cur.pages,
        hero_width_pt,
        missing: cur.missing,
        footer_alone,
        text_end,
    })
}

/// True when `text` in `style` has a word wider than `width` even at `min` pt.
fn split_even_at(
    ctx: &FlowContext,
    text: &str,
    style: &crate::text::TextStyle,
    width: f32,
    min: f32,
) -> Result<bool, FlowError> {
    let shaped = ctx.memo.shaped(ctx.store, text, &style.choice, &[])?;
    let lay = shaped
        .layout(min, style.line_height, Align::Left, (width, f32::INFINITY))
        .map_err(err)?;
    Ok(lay.overflow)
}

fn body_like(s: &TextStyle) -> TextStyle {
    TextStyle {
        choice: s.choice.clone(),
        size: s.size,
        min: s.min,
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

/// Faces for parts of a text: byte ranges set in another face than the block's.
type Spans = Vec<(Range<usize>, FontChoice)>;

/// The text of inline content with the ranges set in bold (`Strong`) or italic
/// (`Emphasis`, when the guide has an italic face; else it stays in its face).
fn styled_text(inlines: &[Inline], faces: &Faces) -> (String, Spans) {
    fn walk(
        inlines: &[Inline],
        faces: &Faces,
        face: Option<&FontChoice>,
        out: &mut String,
        spans: &mut Spans,
    ) {
        for inline in inlines {
            let start = out.len();
            match inline {
                Inline::Strong(inner) => walk(inner, faces, Some(&faces.bold), out, spans),
                Inline::Emphasis(inner) => {
                    let face = faces.italic.as_ref().or(face);
                    walk(inner, faces, face, out, spans)
                }
                Inline::Strike(inner) | Inline::Link { content: inner, .. } => {
                    walk(inner, faces, face, out, spans)
                }
                other => {
                    out.push_str(&Inline::plain(std::slice::from_ref(other)));
                    if let Some(face) = face.filter(|_| out.len() > start) {
                        match spans.last_mut() {
                            Some((range, f)) if range.end == start && f == face => {
                                range.end = out.len()
                            }
                            _ => spans.push((start..out.len(), face.clone())),
                        }
                    }
                }
            }
        }
    }
    let mut out = String::new();
    let mut spans = Vec::new();
    walk(inlines, faces, None, &mut out, &mut spans);
    (out, spans)
}

/// Sets `text` (with `spans` in other faces) at x in `width`, line by line, breaking
/// pages between lines. A word wider than the column sets the block smaller, down to the
/// style's minimum; wider even then, it is an error at `at`.
fn text_block(
    ctx: &FlowContext,
    cur: &mut Cursor,
    text: &str,
    spans: &[(Range<usize>, FontChoice)],
    style: &TextStyle,
    (x, width): (f32, f32),
    at: At,
) -> Result<(), FlowError> {
    if text.trim().is_empty() {
        return Ok(());
    }
    let shaped = ctx.memo.shaped(ctx.store, text, &style.choice, spans)?;
    let at_size = |size: f32| {
        shaped
            .layout(size, style.line_height, Align::Left, (width, f32::INFINITY))
            .map_err(err)
    };
    let mut lay = at_size(style.size)?;
    if lay.overflow {
        let min = style.min.min(style.size);
        let smallest = at_size(min)?;
        if smallest.overflow {
            return Err(FlowError::at(
                at,
                format!(
                    "a word is wider than its {:.1} mm column even at {min:.1} pt, the guide's smallest size for it; shorten the word or break it with a space",
                    width / PT_PER_MM
                ),
            ));
        }
        // The largest size (to 0.25 pt) at which no word is split.
        let (mut lo, mut hi) = (smallest, style.size);
        while hi - lo.size_px > 0.25 {
            let mid = (lo.size_px + hi) / 2.0;
            let l = at_size(mid)?;
            if l.overflow {
                hi = mid;
            } else {
                lo = l;
            }
        }
        lay = lo;
    }
    let size = lay.size_px;
    draw_lines(cur, &lay, text, size, style, x)
}

/// Places the lines of `lay` from the cursor down, starting a page where one is full.
fn draw_lines(
    cur: &mut Cursor,
    lay: &crate::text::Layout,
    text: &str,
    size: f32,
    style: &TextStyle,
    x: f32,
) -> Result<(), FlowError> {
    cur.laid_out(lay);
    let shared: Arc<str> = text.into();
    let line_px = size * style.line_height;
    for (i, line) in lay.lines.iter().enumerate() {
        cur.ensure(line_px)?;
        let dy = cur.y - i as f32 * line_px;
        cur.push(Item::Text(GlyphRun::line(
            line,
            (x, dy),
            &shared,
            size,
            style.ink,
        )));
        cur.y += line_px;
    }
    Ok(())
}

/// Body text and heading sizes for the blocks.
struct BodyStyles<'s> {
    body: &'s TextStyle,
    /// Factor of the space between blocks.
    space: f32,
    /// The guide's smallest heading size: level 2 and deeper headings.
    heading_min: f32,
    /// Level 1 headings.
    heading_top: f32,
}

fn flow_blocks(
    ctx: &FlowContext,
    cur: &mut Cursor,
    blocks: &[Block],
    x: f32,
    width: f32,
    styles: &BodyStyles,
) -> Result<(), FlowError> {
    let body = styles.body;
    let line_px = body.size * body.line_height;
    // Space between blocks.
    let space = line_px * styles.space;
    for block in blocks {
        cur.line = block.line;
        let at = At::Line(block.line);
        match &block.kind {
            BlockKind::Heading { level, content } => {
                let style = TextStyle {
                    choice: ctx.faces.heading.clone(),
                    size: if *level == 1 {
                        styles.heading_top
                    } else {
                        styles.heading_min
                    },
                    min: styles.heading_min,
                    line_height: 1.25,
                    ink: ctx.inks.primary,
                };
                cur.y += 0.4 * space;
                // Keep the heading with two lines of what follows.
                cur.ensure(style.size * style.line_height + 2.0 * line_px)?;
                text_block(
                    ctx,
                    cur,
                    &Inline::plain(content),
                    &[],
                    &style,
                    (x, width),
                    at,
                )?;
                cur.y += 0.2 * space;
            }
            BlockKind::Paragraph(content) => {
                let (text, spans) = styled_text(content, ctx.faces);
                text_block(ctx, cur, &text, &spans, body, (x, width), at)?;
                cur.y += 0.5 * space;
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
                    // The marker may stick out of its indent (a long number); it is
                    // never split.
                    let lay = ctx.memo.layout(
                        ctx.store,
                        &marker,
                        &style_of(body),
                        (f32::INFINITY, f32::INFINITY),
                    )?;
                    draw_lines(cur, &lay, &marker, body.size, body, x)?;
                    // The item's text starts on the marker's line.
                    if cur.pages.len() == pages_before {
                        cur.y = before;
                    }
                    flow_blocks(ctx, cur, item, x + indent, width - indent, styles)?;
                }
                cur.y += 0.3 * space;
            }
            BlockKind::Quote(inner) => {
                let indent = 6.0 * PT_PER_MM;
                check_nesting(block, "quote", width - indent, body)?;
                let top = cur.y;
                let page = cur.pages.len();
                flow_blocks(ctx, cur, inner, x + indent, width - indent, styles)?;
                if cur.pages.len() == page {
                    cur.push(Item::Line {
                        from: (x + 1.5, top),
                        to: (x + 1.5, cur.y - 0.5 * space),
                        width: 2.0,
                        ink: ctx.inks.accent,
                    });
                }
            }
            BlockKind::Code { text, .. } => {
                text_block(ctx, cur, text, &[], body, (x, width), at)?;
                cur.y += 0.5 * space;
            }
            BlockKind::Rule => {
                cur.ensure(line_px)?;
                let y = cur.y + 0.5 * line_px;
                cur.push(Item::Line {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn guide() -> Guide {
        Guide::load(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    #[test]
    fn sizes_are_the_guide_ranges_in_points() {
        let mut guide = guide();
        // brand.toml: heading 28–72 px, body 16–32 px.
        let a5 = Sizes::of(&guide, 1.0);
        assert_eq!(a5.heading, (21.0, 54.0));
        assert_eq!(a5.body, (12.0, 24.0));
        assert_eq!(
            a5.body_start, 12.0,
            "A5 body text starts at the guide's minimum"
        );
        let a4 = Sizes::of(&guide, 1.1);
        assert!(a4.body_start > 12.0 && a4.body_start <= 24.0, "{a4:?}");
        // Other ranges are followed; missing or unusable ones fall back to the bundled.
        let body = guide.fonts.get_mut("body").unwrap();
        body.size = Some(crate::brand::SizeRange {
            min: 20.0,
            max: 40.0,
        });
        assert_eq!(Sizes::of(&guide, 1.0).body, (15.0, 30.0));
        let body = guide.fonts.get_mut("body").unwrap();
        body.size = Some(crate::brand::SizeRange {
            min: f32::NAN,
            max: 40.0,
        });
        assert_eq!(Sizes::of(&guide, 1.0).body, (12.0, 24.0));
        guide.fonts.get_mut("heading").unwrap().size = None;
        assert_eq!(Sizes::of(&guide, 1.0).heading, (21.0, 54.0));
    }

    #[test]
    fn layout_attempts_shape_each_text_once_and_reuse_it() {
        let project =
            crate::project::Project::load(std::path::Path::new(env!("CARGO_MANIFEST_DIR")))
                .unwrap();
        let renderer = super::super::PrintRenderer::new(&project).unwrap();
        let mut piece = project
            .pieces
            .iter()
            .find(|p| p.slug == "cold-brew-winter")
            .unwrap()
            .clone();
        // Thai and English paragraphs too long for one page: every one-page plan is tried
        // and fails, then three multi-page plans and their footer variants.
        let para = "กาแฟสกัดเย็นของเราหมักนานสิบหกชั่วโมง รสชาติกลมกล่อม ไม่ขม \
                    Our cold brew steeps for sixteen hours, smooth and never bitter. ";
        let body = (0..40).map(|_| para).collect::<Vec<_>>().join("\n\n");
        piece.body = crate::content::markdown::parse(&body, 1);
        let url = "https://example.com/cold-brew-winter/?utm_source=print";
        let ctx = renderer.flow_context(None, Some(url));
        let first = flow(&ctx, &piece).unwrap();
        assert!(first.pages.len() > 1, "{} pages", first.pages.len());
        let shaped = ctx.memo.shaped_texts();
        // title, summary, the paragraph, the call to action, the address and the fact
        // box: each once, however many attempts laid them out.
        assert!((3..=8).contains(&shaped), "{shaped} texts shaped");
        assert!(ctx.memo.qr.get().is_some_and(|q| q.is_ok()), "QR encoded");
        // Flowing again with the warm memo shapes nothing new and lays out the same pages
        // as a fresh memo does.
        let again = flow(&ctx, &piece).unwrap();
        assert_eq!(ctx.memo.shaped_texts(), shaped);
        let fresh = flow(&renderer.flow_context(None, Some(url)), &piece).unwrap();
        let pages = |f: &Flowed| -> Vec<(usize, String)> {
            f.pages
                .iter()
                .map(|p| (p.items.len(), p.shown_text()))
                .collect()
        };
        assert!(pages(&first)[0].1.contains("กาแฟสกัดเย็น"));
        for other in [&again, &fresh] {
            assert_eq!(pages(other), pages(&first));
            assert_eq!(other.text_end, first.text_end);
        }
    }

    #[test]
    fn one_page_attempts_shrink_the_hero_before_the_text() {
        let plans = one_page_plans(true);
        assert!(plans.iter().all(|p| p.page_limit == 1));
        let first_text_shrink = plans.iter().position(|p| p.shrink > 0.0).unwrap();
        let smallest_hero = plans
            .iter()
            .map(|p| p.hero_share)
            .fold(f32::INFINITY, f32::min);
        assert!(
            plans[..first_text_shrink]
                .windows(2)
                .all(|w| w[1].hero_share < w[0].hero_share),
            "{plans:?}"
        );
        assert!(
            plans[first_text_shrink..]
                .iter()
                .all(|p| p.hero_share == smallest_hero),
            "{plans:?}"
        );
        assert_eq!(
            plans.last().unwrap().shrink,
            1.0,
            "ends at the minimum sizes"
        );
        // Without a hero only the text shrinks.
        assert!(
            one_page_plans(false)
                .iter()
                .all(|p| p.hero_share == smallest_hero)
        );
    }
}
