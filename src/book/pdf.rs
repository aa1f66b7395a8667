//! The book as a PDF, `brand-book.pdf`: A4 pages laid out here into [`Scene`]s with the
//! shared text engine (rustybuzz shaping, ICU4X Thai line breaks) and drawn by the print
//! channel's PDF painter ([`crate::render::paint::pdf`]): the brand fonts embedded and
//! subset, colors in the guide's CMYK where it has them, the logo as vectors.
//! Deterministic: no creation date, the document id is the guide's hash.

use std::sync::Arc;

use krilla::geom::Transform;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::{Document, SerializeSettings};

use crate::assets::{Assets, Picture};
use crate::brand::Guide;
use crate::error::{Error, Result};
use crate::render::paint::pdf::{self as painter, PdfContext};
use crate::scene::{Fill, Ink, Item, Scene};
use crate::text::{Align, FontChoice, FontStore, TextStyle};
use crate::units::{PT_PER_CSS_PX, PT_PER_MM};

use super::model::{
    Book, DISPLAY_LATIN, DISPLAY_THAI, LATIN_SAMPLE, Swatch, THAI_SAMPLE, cmyk_label, rgb_label,
};

/// A4 in pt.
const PAGE: (f32, f32) = (595.28, 841.89);
const MARGIN: f32 = 42.0;
const WIDTH: f32 = PAGE.0 - 2.0 * MARGIN;
/// The most pages a book may have (a guide with hundreds of colors is refused, not
/// printed on thousands of pages).
const MAX_PAGES: usize = 60;

/// A logo drawn stretched: the PDF painter draws pictures at one scale, so these are
/// painted apart, with a transform.
struct Stretched {
    page: usize,
    picture: Arc<Picture>,
    origin: (f32, f32),
    scale: (f32, f32),
}

struct Pager<'a> {
    store: &'a FontStore,
    body: FontChoice,
    bold: FontChoice,
    heading: FontChoice,
    text: Ink,
    pages: Vec<Scene>,
    y: f32,
    stretched: Vec<Stretched>,
}

impl Pager<'_> {
    fn scene(&mut self) -> &mut Scene {
        self.pages.last_mut().expect("a page")
    }

    fn new_page(&mut self) -> Result<()> {
        if self.pages.len() >= MAX_PAGES {
            return Err(Error::usage(format!(
                "brand book: more than {MAX_PAGES} pages; the guide is too large to print as a book"
            )));
        }
        self.pages.push(Scene::new(PAGE));
        self.y = MARGIN;
        Ok(())
    }

    /// Starts a new page unless `height` more fits on this one.
    fn need(&mut self, height: f32) -> Result<()> {
        if self.y + height > PAGE.1 - MARGIN {
            self.new_page()?;
        }
        Ok(())
    }

    /// Lays `text` out at `(x, y)` in a column `width` wide; returns its height.
    fn text_at(
        &mut self,
        text: &str,
        choice: &FontChoice,
        size: f32,
        ink: Ink,
        (x, y): (f32, f32),
        width: f32,
    ) -> Result<f32> {
        let style = TextStyle {
            size_px: size,
            line_height: 1.4,
            choice: choice.clone(),
            align: Align::Left,
        };
        let layout = crate::text::layout(self.store, text, &style, (width.max(1.0), 1.0e6))
            .map_err(|e| Error::usage(format!("brand book: {e}")))?;
        let height = layout.height;
        self.scene().push_layout(&layout, text, (x, y), ink);
        Ok(height)
    }

    /// A paragraph across the column at the cursor, moving it down.
    fn para(&mut self, text: &str, choice: &FontChoice, size: f32, after: f32) -> Result<()> {
        let choice = choice.clone();
        let estimate = size * 1.4 * (1.0 + text.chars().count() as f32 * size * 0.5 / WIDTH);
        self.need(estimate.min(PAGE.1 / 2.0))?;
        let (y, ink) = (self.y, self.text);
        let h = self.text_at(text, &choice, size, ink, (MARGIN, y), WIDTH)?;
        self.y += h + after;
        Ok(())
    }

    fn heading(&mut self, text: &str) -> Result<()> {
        self.need(120.0)?;
        self.y += 8.0;
        let choice = self.heading.clone();
        self.para(text, &choice, 22.0, 8.0)
    }

    fn subheading(&mut self, text: &str) -> Result<()> {
        self.need(80.0)?;
        self.y += 4.0;
        let choice = self.bold.clone();
        self.para(text, &choice, 12.0, 4.0)
    }

    fn rect(&mut self, rect: [f32; 4], ink: Ink) {
        self.scene().push(Item::Rect {
            rect,
            fill: Fill::Solid(ink),
        });
    }

    /// A rectangle's outline; `dash` > 0 draws it dashed.
    fn outline(&mut self, [x, y, w, h]: [f32; 4], width: f32, ink: Ink, dash: f32) {
        let sides = [
            ((x, y), (x + w, y)),
            ((x + w, y), (x + w, y + h)),
            ((x + w, y + h), (x, y + h)),
            ((x, y + h), (x, y)),
        ];
        for (from, to) in sides {
            if dash <= 0.0 {
                self.scene().push(Item::Line {
                    from,
                    to,
                    width,
                    ink,
                });
                continue;
            }
            let len = ((to.0 - from.0).powi(2) + (to.1 - from.1).powi(2)).sqrt();
            let steps = (len / (2.0 * dash)).ceil().max(1.0) as usize;
            for i in 0..steps {
                let a = i as f32 * 2.0 * dash / len;
                let b = ((i as f32 * 2.0 + 1.0) * dash / len).min(1.0);
                let at = |t: f32| (from.0 + (to.0 - from.0) * t, from.1 + (to.1 - from.1) * t);
                self.scene().push(Item::Line {
                    from: at(a),
                    to: at(b),
                    width,
                    ink,
                });
            }
        }
    }

    /// The logo `height` tall with its top-left corner at `(x, y)`; returns its width.
    fn logo(&mut self, picture: &Arc<Picture>, (x, y): (f32, f32), height: f32) -> f32 {
        let (pw, ph) = picture.size();
        let scale = height / ph.max(1e-3);
        self.scene().push(Item::Picture {
            picture: Arc::clone(picture),
            origin: (x, y),
            scale,
        });
        pw * scale
    }
}

fn ink(s: &Swatch) -> Ink {
    match s.cmyk {
        Some(v) => Ink::cmyk(v, s.rgb),
        None => Ink::rgb(s.rgb),
    }
}

/// The swatch of a role, by the guide's role names.
fn role<'b>(book: &'b Book, role: &str) -> Option<&'b Swatch> {
    book.swatches.iter().find(|s| s.role == role)
}

/// Renders the book's PDF; returns its bytes and page count.
pub fn render(book: &Book, guide: &Guide, assets: &Assets) -> Result<(Vec<u8>, usize)> {
    let store = assets.font_store();
    let body = crate::text::brand::role_choice(guide, store, guide.body(), guide.body().weight)?;
    let bold = crate::text::brand::role_choice(guide, store, guide.body(), 700)?;
    let heading =
        crate::text::brand::role_choice(guide, store, guide.heading(), guide.heading().weight)?;
    let text_ink = role(book, "text").map(ink).unwrap_or(Ink::KEY);
    let mut p = Pager {
        store,
        body,
        bold,
        heading,
        text: text_ink,
        pages: Vec::new(),
        y: MARGIN,
        stretched: Vec::new(),
    };
    p.new_page()?;
    cover(&mut p, book)?;
    colors(&mut p, book)?;
    contrast(&mut p, book)?;
    type_specimens(&mut p, book)?;
    logo(&mut p, book)?;
    tone(&mut p, book)?;

    let mut pdf_fonts = Vec::with_capacity(store.len());
    for file in assets.fonts().files() {
        let (data, index) = store
            .data(file.face)
            .ok_or_else(|| Error::file(&file.path, "font face missing from the store"))?;
        pdf_fonts.push(
            krilla::text::Font::new(data.into(), index)
                .ok_or_else(|| Error::file(&file.path, "krilla cannot use this font for PDF"))?,
        );
    }
    let ctx = PdfContext {
        guide,
        fonts: &pdf_fonts,
    };
    let mut doc = Document::new_with(SerializeSettings::default());
    for (i, scene) in p.pages.iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE.0, PAGE.1)
            .ok_or_else(|| Error::usage("brand book: empty page size"))?;
        let mut page = doc.start_page_with(settings);
        let mut surface = page.surface();
        let mut painted = painter::paint(&mut surface, scene, &ctx).map(|_| ());
        for s in p.stretched.iter().filter(|s| s.page == i) {
            let mut one = Scene::new(PAGE);
            one.push(Item::Picture {
                picture: Arc::clone(&s.picture),
                origin: (0.0, 0.0),
                scale: 1.0,
            });
            surface.push_transform(&Transform::from_row(
                s.scale.0, 0.0, 0.0, s.scale.1, s.origin.0, s.origin.1,
            ));
            let done = painter::paint(&mut surface, &one, &ctx).map(|_| ());
            surface.pop();
            painted = painted.and(done);
        }
        surface.finish();
        page.finish();
        painted.map_err(|e| Error::file(&guide.source.path, format!("brand book: {e}")))?;
    }
    let meta = Metadata::new()
        .title(format!("{} — brand book", book.brand))
        .language("en".into())
        .creator("brandpress".into())
        .producer(format!("brandpress {}", env!("CARGO_PKG_VERSION")))
        .document_id(book.guide_hash.clone());
    doc.set_metadata(meta);
    let pages = p.pages.len();
    let bytes = doc.finish().map_err(|e| {
        Error::file(
            &guide.source.path,
            format!("brand book: cannot write the PDF: {e:?}"),
        )
    })?;
    Ok((bytes, pages))
}

fn cover(p: &mut Pager, book: &Book) -> Result<()> {
    let band = 150.0;
    let primary = role(book, "primary").or(book.swatches.first());
    let on = role(book, "background").map(ink).unwrap_or(Ink::PAPER);
    if let Some(s) = primary {
        p.rect([0.0, 0.0, PAGE.0, band], ink(s));
    }
    let logo_h = 84.0;
    let w = p.logo(&book.logo.picture, (MARGIN, (band - logo_h) / 2.0), logo_h);
    let x = MARGIN + w + 24.0;
    let heading = p.heading.clone();
    let body = p.body.clone();
    let h = p.text_at(
        &book.brand,
        &heading,
        30.0,
        on,
        (x, 40.0),
        PAGE.0 - x - MARGIN,
    )?;
    p.text_at(
        "Brand book · generated by brandpress from brand/brand.toml",
        &body,
        11.0,
        on,
        (x, 40.0 + h + 4.0),
        PAGE.0 - x - MARGIN,
    )?;
    p.y = band + 24.0;
    Ok(())
}

fn colors(p: &mut Pager, book: &Book) -> Result<()> {
    p.heading("Colors")?;
    let body = p.body.clone();
    p.para(
        "Each brand color with its screen values, its print values and its dark-mode variant (the narrow band).",
        &body,
        9.5,
        10.0,
    )?;
    let cols = 3;
    let gap = 14.0;
    let w = (WIDTH - gap * (cols - 1) as f32) / cols as f32;
    let chip = 64.0;
    let tile = chip + 78.0;
    let bold = p.bold.clone();
    for row in book.swatches.chunks(cols) {
        p.need(tile)?;
        let y = p.y;
        for (i, s) in row.iter().enumerate() {
            let x = MARGIN + i as f32 * (w + gap);
            let dark_w = if s.dark.is_some() { w * 0.25 } else { 0.0 };
            p.rect([x, y, w - dark_w, chip], ink(s));
            if let Some(d) = s.dark {
                p.rect([x + w - dark_w, y, dark_w, chip], Ink::rgb(d));
            }
            let line = p.text;
            p.outline([x, y, w, chip], 0.5, line, 0.0);
            let mut ty = y + chip + 5.0;
            ty += p.text_at(
                &format!("{} · {}", s.name, s.role),
                &bold,
                9.5,
                line,
                (x, ty),
                w,
            )?;
            let mut lines = vec![
                format!("HEX {}", s.rgb),
                rgb_label(s.rgb),
                format!("CMYK {}", cmyk_label(s.cmyk)),
                format!(
                    "Dark {}",
                    s.dark.map_or("same as light".into(), |d| d.to_string())
                ),
            ];
            if let Some(sp) = &s.spot {
                lines.push(format!("Spot {sp}"));
            }
            for l in lines {
                ty += p.text_at(&l, &body, 7.5, line, (x, ty), w)?;
            }
        }
        p.y = y + tile;
    }
    Ok(())
}

fn contrast(p: &mut Pager, book: &Book) -> Result<()> {
    p.new_page()?;
    p.heading("Contrast")?;
    let body = p.body.clone();
    let bold = p.bold.clone();
    p.para(
        "Every brand color as text (rows) on every brand color as background (columns), graded by the WCAG 2.1 contrast ratio. AAA: 7:1 and more. AA: 4.5:1 and more, for body text. AA large: 3:1 and more, for text of 24 px (18.66 px bold) and larger only. Fail: below 3:1. Outlined cells are the pairs the guide declares; † marks a declared exception.",
        &body,
        9.0,
        10.0,
    )?;
    let n = book.swatches.len();
    let cell = (WIDTH / (n as f32 + 1.0)).min(80.0);
    let gap = 3.0;
    let k = cell / 72.0;
    let text = p.text;
    // column heads
    p.need(cell * 1.4)?;
    let y = p.y;
    for (b, s) in book.swatches.iter().enumerate() {
        let x = MARGIN + (b as f32 + 1.0) * cell;
        p.text_at(&s.name, &bold, 8.0 * k.max(0.8), text, (x, y), cell - gap)?;
    }
    p.y += 14.0;
    let mut notes = Vec::new();
    for (t, ts) in book.swatches.iter().enumerate() {
        p.need(cell)?;
        let y = p.y;
        p.text_at(
            &ts.name,
            &bold,
            8.0 * k.max(0.8),
            text,
            (MARGIN, y + cell / 2.0 - 6.0),
            cell - gap,
        )?;
        for (b, bs) in book.swatches.iter().enumerate() {
            let x = MARGIN + (b as f32 + 1.0) * cell;
            let r = [x, y, cell - gap, cell - gap];
            p.rect(r, ink(bs));
            let Some(c) = book.cell(t, b) else {
                p.outline(r, 0.5, text, 2.0);
                continue;
            };
            p.outline(r, 0.4, text, 0.0);
            if c.declared {
                let accent = role(book, "accent").map(ink).unwrap_or(text);
                p.outline(
                    [x - 1.5, y - 1.5, cell - gap + 3.0, cell - gap + 3.0],
                    2.0,
                    accent,
                    0.0,
                );
            }
            let fg = ink(ts);
            let pad = 5.0 * k;
            let inner = cell - gap - 2.0 * pad;
            let mut ty = y + pad;
            ty += p.text_at("Aa ก้", &bold, 15.0 * k, fg, (x + pad, ty), inner)?;
            ty += p.text_at(
                &format!("{:.2}:1", c.ratio),
                &body,
                8.5 * k,
                fg,
                (x + pad, ty),
                inner,
            )?;
            let mut mark = c.grade.label().to_string();
            if c.exception.is_some() {
                mark.push_str(" †");
                notes.push(format!(
                    "† {} on {}: {}",
                    ts.name,
                    bs.name,
                    c.exception.as_deref().unwrap_or("")
                ));
            }
            p.text_at(&mark, &bold, 8.0 * k, fg, (x + pad, ty), inner)?;
        }
        p.y = y + cell;
    }
    p.y += 8.0;
    for n in notes {
        p.para(&n, &body, 8.5, 2.0)?;
    }
    Ok(())
}

fn type_specimens(p: &mut Pager, book: &Book) -> Result<()> {
    p.new_page()?;
    p.heading("Type")?;
    let body = p.body.clone();
    p.para(
        "Each font role in each weight its files have, in Latin and in Thai: tone marks and vowels stack above and below their consonant (ที่ ผู้ ปั้น กุ้ง น้ำ).",
        &body,
        9.5,
        8.0,
    )?;
    for s in &book.specimens {
        p.need(190.0)?;
        let line = p.text;
        let y = p.y;
        p.outline([MARGIN, y, WIDTH, 0.0], 0.5, line, 0.0);
        p.y += 6.0;
        p.subheading(&format!(
            "{} · {}{}",
            s.role,
            s.weight,
            if s.weight == s.role_weight {
                " (the role's weight)"
            } else {
                ""
            }
        ))?;
        let file = |f: &std::path::PathBuf| {
            f.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        };
        p.para(
            &format!(
                "Latin: {} ({}) · Thai: {} ({})",
                s.latin_family,
                file(&s.latin_file),
                s.thai_family,
                file(&s.thai_file)
            ),
            &body,
            8.0,
            6.0,
        )?;
        let display = (s.display_px * PT_PER_CSS_PX).min(26.0);
        let text = (s.text_px * PT_PER_CSS_PX).clamp(9.0, 14.0);
        p.para(DISPLAY_LATIN, &s.choice, display, 2.0)?;
        p.para(DISPLAY_THAI, &s.choice, display, 4.0)?;
        p.para(LATIN_SAMPLE, &s.choice, text, 2.0)?;
        p.para(THAI_SAMPLE, &s.choice, text, 12.0)?;
    }
    Ok(())
}

fn logo(p: &mut Pager, book: &Book) -> Result<()> {
    p.new_page()?;
    p.heading("Logo")?;
    let body = p.body.clone();
    let bold = p.bold.clone();
    let l = &book.logo;
    let text = p.text;
    let accent = role(book, "accent").map(ink).unwrap_or(text);
    let size = 72.0;
    let clear = l.clear_space * size;
    let (pw, ph) = l.picture.size();
    let logo_w = pw / ph.max(1e-3) * size;

    p.subheading("Clear space")?;
    p.para(
        &format!(
            "Keep {}% of the logo's height clear on every side (the dashed zone).",
            (l.clear_space * 100.0).round()
        ),
        &body,
        9.0,
        8.0,
    )?;
    p.need(size + 2.0 * clear + 30.0)?;
    let (x, y) = (MARGIN, p.y);
    p.outline(
        [x, y, logo_w + 2.0 * clear, size + 2.0 * clear],
        1.0,
        accent,
        3.0,
    );
    p.logo(&l.picture, (x + clear, y + clear), size);
    p.outline([x + clear, y + clear, logo_w, size], 0.4, text, 0.0);
    p.text_at(
        &format!("clear space {} × height", l.clear_space),
        &body,
        8.0,
        text,
        (x + logo_w + 2.0 * clear + 12.0, y + clear),
        200.0,
    )?;
    p.y = y + size + 2.0 * clear + 16.0;

    p.subheading("Minimum sizes (height)")?;
    let tallest = l
        .min_sizes
        .iter()
        .map(|m| min_height(m.value, m.unit))
        .fold(0.0f32, f32::max)
        .min(200.0);
    p.need(tallest + 30.0)?;
    let (mut x, y) = (MARGIN, p.y);
    for m in &l.min_sizes {
        let h = min_height(m.value, m.unit).min(200.0);
        let w = p.logo(&l.picture, (x, y + tallest - h), h);
        p.text_at(
            &format!("{} {} {}", m.channel, m.value, m.unit),
            &body,
            8.0,
            text,
            (x, y + tallest + 4.0),
            w.max(60.0),
        )?;
        x += w.max(60.0) + 24.0;
    }
    p.y = y + tallest + 24.0;

    let tile = size + 2.0 * clear;
    let tile_w = logo_w + 2.0 * clear;
    p.need(tile + 70.0)?;
    p.subheading("Backgrounds")?;
    let mut tiles: Vec<Tile> = l
        .allowed
        .iter()
        .map(|&i| {
            let s = &book.swatches[i];
            (
                format!("Do: on {} {}", s.name, s.rgb),
                ink(s),
                None,
                Arc::clone(&l.picture),
            )
        })
        .collect();
    tile_rows(p, &mut tiles, tile, tile_w, clear, size, &bold)?;

    if let Some((name, _, picture)) = &l.dark {
        let mut dark: Vec<_> = l
            .dark_backgrounds
            .iter()
            .filter_map(|&i| {
                let s = &book.swatches[i];
                let d = s.dark?;
                Some((
                    format!("Dark mode: {name} on {}'s dark {d}", s.name),
                    Ink::rgb(d),
                    None,
                    Arc::clone(picture),
                ))
            })
            .collect();
        if !dark.is_empty() {
            p.need(tile + 70.0)?;
            p.subheading("Dark mode (screens)")?;
            tile_rows(p, &mut dark, tile, tile_w, clear, size, &bold)?;
        }
    }

    p.need(tile + 70.0)?;
    p.subheading("Don'ts")?;
    let base = l
        .allowed
        .first()
        .map(|&i| ink(&book.swatches[i]))
        .unwrap_or(Ink::PAPER);
    let mut donts = Vec::new();
    if let Some(i) = l.disallowed {
        let s = &book.swatches[i];
        donts.push((
            format!("Don't: place it on {} {}", s.name, s.rgb),
            ink(s),
            None,
            Arc::clone(&l.picture),
        ));
    }
    donts.push((
        "Don't: stretch or squash it".to_string(),
        base,
        Some((2.0, 1.0)),
        Arc::clone(&l.picture),
    ));
    if let Some((_, pic)) = &l.recolored {
        donts.push((
            "Don't: recolor it, not even in brand colors".to_string(),
            base,
            None,
            Arc::clone(pic),
        ));
    }
    tile_rows(p, &mut donts, tile, tile_w, clear, size, &bold)
}

/// A minimum size as a height in pt.
fn min_height(value: f32, unit: &str) -> f32 {
    if unit == "mm" {
        value * PT_PER_MM
    } else {
        value * PT_PER_CSS_PX
    }
}

/// A logo tile: its label, its background, the logo's stretch `(sx, sy)` and the logo.
type Tile = (String, Ink, Option<(f32, f32)>, Arc<Picture>);

/// Logo tiles in rows: a background, the logo (stretched by `(sx, sy)` when given) and
/// a label under each.
fn tile_rows(
    p: &mut Pager,
    tiles: &mut [Tile],
    tile: f32,
    tile_w: f32,
    clear: f32,
    size: f32,
    bold: &FontChoice,
) -> Result<()> {
    let gap = 16.0;
    let mut x = MARGIN;
    p.need(tile + 30.0)?;
    let mut y = p.y;
    for (label, bg, stretch, picture) in tiles.iter() {
        let (sx, sy) = stretch.unwrap_or((1.0, 1.0));
        let w = tile_w + (sx - 1.0) * (tile_w - 2.0 * clear);
        if x + w > PAGE.0 - MARGIN && x > MARGIN {
            x = MARGIN;
            p.y = y + tile + 34.0;
            p.need(tile + 30.0)?;
            y = p.y;
        }
        p.rect([x, y, w, tile], *bg);
        let text = p.text;
        p.outline([x, y, w, tile], 0.4, text, 0.0);
        match stretch {
            None => {
                p.logo(picture, (x + clear, y + clear), size);
            }
            Some(_) => {
                let (_, ph) = picture.size();
                let k = size / ph.max(1e-3);
                p.stretched.push(Stretched {
                    page: p.pages.len() - 1,
                    picture: Arc::clone(picture),
                    origin: (x + clear, y + clear),
                    scale: (k * sx, k * sy),
                });
            }
        }
        p.text_at(label, bold, 8.0, text, (x, y + tile + 4.0), w.max(110.0))?;
        x += w.max(110.0) + gap;
    }
    p.y = y + tile + 34.0;
    Ok(())
}

fn tone(p: &mut Pager, book: &Book) -> Result<()> {
    let t = &book.tone;
    p.need(260.0)?;
    p.heading("Tone")?;
    let body = p.body.clone();
    if let Some(n) = t.max_sentence_words {
        let mut line = format!("Sentences of at most {n} words");
        for (ch, words, _) in &t.channels {
            if let Some(w) = words {
                line.push_str(&format!("; {ch}: at most {w}"));
            }
        }
        line.push_str(". Thai words are counted by the dictionary, not by spaces.");
        p.para(&line, &body, 9.5, 4.0)?;
    }
    if let Some(n) = t.max_exclamations {
        p.para(
            &format!("At most {n} exclamation mark(s) in a piece."),
            &body,
            9.5,
            4.0,
        )?;
    }
    if !t.banned.is_empty() {
        p.subheading("Never write")?;
        p.para(&t.banned.join("  ·  "), &body, 10.0, 6.0)?;
    }
    if !t.preferred.is_empty() {
        p.subheading("Preferred terms")?;
        for (use_, instead) in &t.preferred {
            p.para(
                &format!("Write {use_}, not {}", instead.join(", ")),
                &body,
                10.0,
                2.0,
            )?;
        }
        p.y += 4.0;
    }
    if !t.spellings.is_empty() {
        p.subheading("Spelling of names")?;
        for (good, bad) in &t.spellings {
            p.para(&format!("Write {good}, not {bad}"), &body, 10.0, 2.0)?;
        }
    }
    Ok(())
}
