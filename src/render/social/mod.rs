//! The social channel: one PNG card per piece and preset of `[channels.social] presets`,
//! written as `social/<slug>-<preset>.png` (the web pages' `og:image` points at
//! `social/<slug>-og.png`).
//!
//! A card is composed from `[channels.social.layout]` (see [`CardStyle`]): a palette
//! background (solid or gradient), the optional hero image cover-fitted into its band
//! (right side of landscape and square cards, top of portrait ones), the logo with its
//! clear space, the title (heading font) and summary (body font) auto-fitted by the
//! shared text engine ([`crate::text`]), the price / promo code line and the call to
//! action in an accent pill, and on the presets `[channels.social] qr` names a QR code
//! to the piece's web page (`utm_source=social`) at the bottom right, in its quiet zone.
//! Text that does not fit even at the guide's smallest size is an error naming the piece
//! and the card, never clipped.
//!
//! Sizes of `[fonts.<role>] size` are for a 630 px tall Open Graph card and scale with
//! the card's shorter side. Fonts, the logo tree and the SVG options are built once per
//! renderer and shared by the threads rendering cards.
//!
//! Layout and painting are apart: [`SocialRenderer::layout`] places everything into a
//! [`Scene`] (with the regions and the title's lines, for tests and lint), and the PNG
//! painter ([`crate::render::paint::png`]) draws it.

use std::collections::BTreeSet;
use std::sync::Arc;

use rayon::prelude::*;
use tiny_skia::Pixmap;

pub use crate::brand::card::CardStyle;

use crate::assets::{self, Assets, Picture};
use crate::brand::{CardPreset, Guide};
use crate::channel::CARD_PHOTO_KEYWORD as PHOTO_KEYWORD;
use crate::content::FactKind;
use crate::content::{Field, Piece};
use crate::error::{Error, Result};
use crate::project::Project;
use crate::render::paint::glyphs::GlyphCache;
use crate::render::paint::png as painter;
use crate::render::{Channel, Output, Rendered, Renderer};
use crate::scene::{self, Fill, Ink, Item, Scene};
use crate::text::{self, Align, FitError, FontChoice, FontStore, Layout, TextStyle};

pub mod png;

/// Line height of titles (Thai marks stack above and below: keep room for them).
const TITLE_LINE_HEIGHT: f32 = 1.3;
/// Line height of the summary.
const BODY_LINE_HEIGHT: f32 = 1.45;
/// The card height the guide's font sizes are meant for.
const REFERENCE_SIDE: f32 = 630.0;
/// Share of the card's shorter side a QR code's modules take (a 1080 px wide story card:
/// about 220 px, 5 px a module for a 41-module code).
const QR_SHARE: f32 = 0.2;
/// Pixels a QR module takes at least.
const QR_MIN_MODULE: f32 = 3.0;

/// A laid-out card: its scene, and where things went.
pub struct CardLayout {
    pub scene: Scene,
    /// `[x, y, w, h]` of the hero photo, recorded in the PNG for the image linter.
    pub photo: Option<[u32; 4]>,
    /// Where each element went, `[x, y, w, h]` in px: `logo`, `logo-clear` (the logo
    /// with its clear space), `title`, `summary`, `facts`, `cta` (the pill), `qr` (the
    /// QR code with its quiet zone).
    pub regions: Vec<(&'static str, [f32; 4])>,
    /// The title as broken into lines.
    pub title_lines: Vec<String>,
    /// Characters of the card's texts that no brand font has, left out (sorted).
    pub missing: Vec<char>,
}

impl CardLayout {
    /// The region named `name`.
    pub fn region(&self, name: &str) -> Option<[f32; 4]> {
        self.regions.iter().find(|r| r.0 == name).map(|r| r.1)
    }
}

/// A rendered card: its layout and the painted pixels.
pub struct Card {
    pub pixmap: Pixmap,
    pub layout: CardLayout,
}

impl std::fmt::Debug for Card {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Card")
            .field("size", &(self.pixmap.width(), self.pixmap.height()))
            .field("photo", &self.layout.photo)
            .field("regions", &self.layout.regions)
            .field("title_lines", &self.layout.title_lines)
            .field("missing", &self.layout.missing)
            .finish()
    }
}

impl Card {
    /// The region named `name` (see [`CardLayout::regions`]).
    pub fn region(&self, name: &str) -> Option<[f32; 4]> {
        self.layout.region(name)
    }

    /// Encodes the card as a lossless PNG (see [`png`]): indexed when it has at most 256
    /// colors (zlib level 5, unfiltered), else RGB (fdeflate, adaptive filters); the photo box in a
    /// `brandpress:photo` tEXt chunk.
    pub fn encode_png(&self) -> Result<Vec<u8>> {
        self.encode_png_kind().map(|(bytes, _)| bytes)
    }

    /// [`Card::encode_png`], and how the card was written.
    pub fn encode_png_kind(&self) -> Result<(Vec<u8>, png::Kind)> {
        let texts: Vec<(&str, String)> = self
            .layout
            .photo
            .map(|[x, y, pw, ph]| (PHOTO_KEYWORD, format!("{x},{y},{pw},{ph}")))
            .into_iter()
            .collect();
        png::encode(
            self.pixmap.data(),
            self.pixmap.width(),
            self.pixmap.height(),
            &texts,
        )
        .map_err(|e| Error::usage(format!("PNG encoding failed: {e}")))
    }
}

/// Renders the social cards of every piece.
pub struct SocialRenderer<'a> {
    project: &'a Project,
    style: CardStyle,
    fonts: Arc<FontStore>,
    heading: FontChoice,
    body: FontChoice,
    strong: FontChoice,
    logo: Arc<Picture>,
    assets: Arc<Assets>,
    /// Glyph masks shared by every card this renderer paints (all threads).
    glyphs: GlyphCache,
}

impl<'a> SocialRenderer<'a> {
    /// Loads the fonts, the logo and the card layout once.
    pub fn new(project: &'a Project) -> Result<Self> {
        Self::with_assets(project, Arc::new(Assets::load(&project.guide)?))
    }

    /// The renderer over the build's asset store (fonts and logo loaded once for every
    /// channel).
    pub fn with_assets(project: &'a Project, assets: Arc<Assets>) -> Result<Self> {
        let guide = &project.guide;
        let style = CardStyle::resolve(guide)?;
        let fonts = assets.font_store();
        let heading =
            text::brand::role_choice(guide, fonts, guide.heading(), guide.heading().weight)?;
        let body = text::brand::role_choice(guide, fonts, guide.body(), guide.body().weight)?;
        let strong = text::brand::role_choice(guide, fonts, guide.body(), 700)?;

        let logo = assets.logo()?;
        Ok(SocialRenderer {
            project,
            style,
            fonts: Arc::clone(fonts),
            heading,
            body,
            strong,
            logo,
            assets,
            glyphs: GlyphCache::default(),
        })
    }

    fn guide(&self) -> &Guide {
        &self.project.guide
    }

    /// The brand fonts the cards are set in (what the PNG painter outlines glyphs from).
    pub fn fonts(&self) -> &FontStore {
        &self.fonts
    }

    /// Loads a piece's hero image, if it has one, through the asset store (decoded once
    /// for every channel). An SVG hero reads images relative to its own folder, inside
    /// the project.
    pub fn hero(&self, piece: &Piece) -> Result<Option<Arc<Picture>>> {
        self.assets.hero(piece)
    }

    /// The address of the QR code a card of `preset` carries: the piece's web page, tagged
    /// `utm_source=social`, when the guide lists the preset in `[channels.social] qr` and
    /// sets `[channels.web] base_url`.
    pub fn qr_url(&self, piece: &Piece, preset: &CardPreset) -> Option<String> {
        let guide = self.guide();
        if !guide
            .channels
            .social
            .qr
            .iter()
            .any(|n| n.get_ref() == &preset.name)
        {
            return None;
        }
        self.project
            .page_url(piece)
            .map(|u| crate::links::decorate(&u, Channel::Social, piece, guide))
    }

    /// Renders one card of `piece` at `preset` (loading the hero image itself).
    pub fn card(&self, piece: &Piece, preset: &CardPreset) -> Result<Card> {
        let hero = self.hero(piece)?;
        self.compose(piece, preset, hero.as_ref())
    }

    /// Lays one card out and paints it.
    pub fn compose(
        &self,
        piece: &Piece,
        preset: &CardPreset,
        hero: Option<&Arc<Picture>>,
    ) -> Result<Card> {
        let layout = self.layout(piece, preset, hero)?;
        let pixmap =
            painter::paint_with(&layout.scene, &self.fonts, &self.glyphs).map_err(|e| {
                let problem = format!("card {}-{}: {e}", piece.slug, preset.name);
                match hero {
                    Some(_) => {
                        assets::hero_error(piece, &piece.hero_path().unwrap_or_default(), &problem)
                    }
                    None => Error::file(&piece.source.path, problem),
                }
            })?;
        Ok(Card { pixmap, layout })
    }

    /// Lays one card out into its scene.
    pub fn layout(
        &self,
        piece: &Piece,
        preset: &CardPreset,
        hero: Option<&Arc<Picture>>,
    ) -> Result<CardLayout> {
        let guide = self.guide();
        let style = &self.style;
        let card_name = format!("{}-{}", piece.slug, preset.name);
        let (w, h) = (preset.width as f32, preset.height as f32);
        if preset.width == 0 || preset.height == 0 {
            return Err(Error::usage(format!(
                "card preset {:?} has no pixels",
                preset.name
            )));
        }
        let mut scene = Scene::new((w, h));

        // Background.
        let fill = match style.background.as_slice() {
            [one] => Fill::Solid(Ink::rgb(one.rgb)),
            stops => Fill::Linear {
                from: (0.0, 0.0),
                to: (w, h),
                stops: stops.iter().map(|p| Ink::rgb(p.rgb)).collect(),
            },
        };
        scene.push(Item::Rect {
            rect: [0.0, 0.0, w, h],
            fill,
        });

        // Geometry.
        let short = w.min(h);
        let scale = short / REFERENCE_SIDE;
        let pad = style.padding * short;
        let logo_h = (style.logo_size * short).max(guide.logo.min_size.social);
        let clear = guide.logo.clear_space * logo_h;
        let margin = pad.max(clear);
        let landscape = w >= h;
        let hero_box = hero.map(|_| {
            if landscape {
                let hx = (w * (1.0 - style.hero)).round();
                [hx as u32, 0, preset.width - hx as u32, preset.height]
            } else {
                let hh = (h * style.hero).round();
                [0, 0, preset.width, hh as u32]
            }
        });
        let (x0, x1, top, bottom) = match hero_box {
            Some([hx, ..]) if landscape => (margin, hx as f32 - margin, margin, h - margin),
            Some([_, _, _, hh]) => (margin, w - margin, hh as f32 + margin, h - margin),
            None => (margin, w - margin, margin, h - margin),
        };
        let col_w = x1 - x0;

        // Hero, cover-fitted into its box.
        if let (Some(pic), Some([bx, by, bw, bh])) = (hero, hero_box) {
            if bw == 0 || bh == 0 {
                return Err(Error::usage(format!("card {card_name}: empty hero area")));
            }
            let (iw, ih) = pic.size();
            let s = (bw as f32 / iw).max(bh as f32 / ih);
            scene.push(Item::Clip {
                rect: [bx as f32, by as f32, bw as f32, bh as f32],
                items: vec![Item::Picture {
                    picture: Arc::clone(pic),
                    origin: ((bw as f32 - iw * s) / 2.0, (bh as f32 - ih * s) / 2.0),
                    scale: s,
                }],
            });
        }

        // Logo with its clear space.
        let (lw0, lh0) = self.logo.size();
        let logo_scale = logo_h / lh0;
        let logo_w = lw0 * logo_scale;
        let clear_zone = [
            x0 - clear,
            top - clear,
            x0 + logo_w + clear,
            top + logo_h + clear,
        ];
        let hero_hit = hero_box.is_some_and(|[bx, by, bw, bh]| {
            let hb = [bx as f32, by as f32, (bx + bw) as f32, (by + bh) as f32];
            clear_zone[0] < hb[2]
                && hb[0] < clear_zone[2]
                && clear_zone[1] < hb[3]
                && hb[1] < clear_zone[3]
        });
        if clear_zone[0] < 0.0 || clear_zone[1] < 0.0 || clear_zone[2] > w || hero_hit {
            return Err(Error::file(
                &piece.source.path,
                format!(
                    "social card {card_name} ({}×{}): no room for the logo and its clear space",
                    preset.width, preset.height
                ),
            ));
        }
        scene.push(Item::Picture {
            picture: Arc::clone(&self.logo),
            origin: (x0, top),
            scale: logo_scale,
        });
        let mut regions = vec![
            ("logo", [x0, top, logo_w, logo_h]),
            (
                "logo-clear",
                [
                    clear_zone[0],
                    clear_zone[1],
                    clear_zone[2] - clear_zone[0],
                    clear_zone[3] - clear_zone[1],
                ],
            ),
        ];

        // Bottom: call to action and facts.
        let min_body = guide.body().size.map(|s| s.min).unwrap_or(16.0) * scale;
        let max_body = guide.body().size.map(|s| s.max).unwrap_or(32.0) * scale;
        let meta = (max_body * 0.8).max(min_body);
        let gap = meta * 0.8;
        let mut y_bottom = bottom;
        let mut missing = BTreeSet::new();
        let fit_err = |what: &str, e: FitError| -> Error {
            self.fit_error(piece, &card_name, preset, what, e)
        };
        // QR code to the piece's web page, bottom right, in its quiet zone of 4 modules
        // (whole pixels a module, so every module is crisp); the call to action and facts
        // sit beside it, the title and summary above it.
        let mut text_w = col_w;
        let mut qr_top = None;
        if let Some(url) = self.qr_url(piece, preset) {
            let mut qr = scene::Qr::new(&url, Ink::rgb(style.qr_dark)).map_err(|e| {
                Error::file(
                    &piece.source.path,
                    format!("social card {card_name}: no QR code for {url}: {e}"),
                )
            })?;
            let n = qr.width as f32;
            let module = (short * QR_SHARE / n).floor().max(QR_MIN_MODULE);
            let size = module * n;
            let quiet = 4.0 * module;
            let side = size + 2.0 * quiet;
            let (bx, by) = ((x1 - side).floor(), (bottom - side).floor());
            if bx < x0 || by < top {
                return Err(Error::file(
                    &piece.source.path,
                    format!(
                        "social card {card_name} ({}×{}): no room for the QR code ({side:.0} px with its quiet zone)",
                        preset.width, preset.height
                    ),
                ));
            }
            scene.push(Item::Rect {
                rect: [bx, by, side, side],
                fill: Fill::Solid(Ink::rgb(style.qr_light)),
            });
            qr.rect = [bx + quiet, by + quiet, size, size];
            scene.push(Item::Qr(qr));
            regions.push(("qr", [bx, by, side, side]));
            text_w = (bx - gap - x0).max(0.0);
            qr_top = Some(by);
        }
        if let Some(cta) = piece.cta_text(Channel::Social) {
            let pill_h = (meta * 2.1).round();
            let pad_x = meta;
            let layout = self
                .fit_line(&self.strong, cta, text_w - 2.0 * pad_x, min_body, meta)
                .map_err(|e| fit_err("call to action", e))?;
            let pill_w = layout.width + 2.0 * pad_x;
            let pill_y = bottom - pill_h;
            if let Some(path) = scene::rounded_rect([x0, pill_y, pill_w, pill_h], pill_h / 2.0) {
                scene.push(Item::Path {
                    path,
                    ink: Ink::rgb(style.accent.rgb),
                });
            }
            regions.push(("cta", [x0, pill_y, pill_w, pill_h]));
            missing.extend(&layout.missing);
            let ty = pill_y + (pill_h - layout.height) / 2.0;
            scene.push_layout(
                &layout,
                cta,
                (x0 + pad_x, ty),
                Ink::rgb(style.accent_text.rgb),
            );
            y_bottom = pill_y - gap;
        }
        if let Some(facts) = facts_line(piece) {
            let layout = self
                .fit_line(&self.strong, &facts, text_w, min_body, meta)
                .map_err(|e| fit_err("price and promo code", e))?;
            let fy = y_bottom - layout.height;
            regions.push(("facts", [x0, fy, layout.width, layout.height]));
            missing.extend(&layout.missing);
            scene.push_layout(&layout, &facts, (x0, fy), Ink::rgb(style.text.rgb));
            y_bottom = fy - gap * 0.5;
        }
        if let Some(qr_top) = qr_top {
            y_bottom = y_bottom.min(qr_top - gap);
        }

        // Title and summary between the logo's clear space and the bottom block.
        let y = top + logo_h + clear.max(pad * 0.5);
        let avail = y_bottom - y;
        let summary = piece.summary(Channel::Social).trim();
        let title_h = if summary.is_empty() {
            avail
        } else {
            avail * 0.62
        };
        let heading = guide.heading().size;
        let (tmin, tmax) = (
            heading.map(|s| s.min).unwrap_or(28.0) * scale,
            heading.map(|s| s.max).unwrap_or(72.0) * scale,
        );
        let title = piece.title(Channel::Social);
        if avail <= 0.0 {
            return Err(fit_err(
                "title",
                FitError::InvalidRange {
                    min_size: tmin,
                    max_size: tmax,
                },
            ));
        }
        let title_layout = self
            .fit(
                &self.heading,
                title,
                TITLE_LINE_HEIGHT,
                (col_w, title_h),
                tmin,
                tmax,
            )
            .map_err(|e| fit_err("title", e))?;
        scene.push_layout(&title_layout, title, (x0, y), Ink::rgb(style.title.rgb));
        missing.extend(&title_layout.missing);
        regions.push(("title", [x0, y, title_layout.width, title_layout.height]));
        let title_lines = title_layout
            .lines
            .iter()
            .map(|l| title.get(l.text_range.clone()).unwrap_or("").to_string())
            .collect();
        if !summary.is_empty() {
            let sy = y + title_layout.height + meta * 0.5;
            let smax = max_body.min(title_layout.size_px * 0.6).max(min_body);
            let layout = self
                .fit(
                    &self.body,
                    summary,
                    BODY_LINE_HEIGHT,
                    (col_w, (y_bottom - sy).max(0.0)),
                    min_body,
                    smax,
                )
                .map_err(|e| fit_err("summary", e))?;
            scene.push_layout(&layout, summary, (x0, sy), Ink::rgb(style.text.rgb));
            regions.push(("summary", [x0, sy, layout.width, layout.height]));
            missing.extend(&layout.missing);
        }
        Ok(CardLayout {
            scene,
            photo: hero_box,
            regions,
            title_lines,
            missing: missing.into_iter().collect(),
        })
    }

    fn fit(
        &self,
        choice: &FontChoice,
        text: &str,
        line_height: f32,
        box_size: (f32, f32),
        min: f32,
        max: f32,
    ) -> Result<Layout, FitError> {
        let style = TextStyle {
            size_px: max,
            line_height,
            choice: choice.clone(),
            align: Align::Left,
        };
        text::fit(&self.fonts, text, &style, box_size, min, max)
    }

    /// Fits `text` on one line of `width`.
    fn fit_line(
        &self,
        choice: &FontChoice,
        text: &str,
        width: f32,
        min: f32,
        max: f32,
    ) -> Result<Layout, FitError> {
        // One line at the largest size is `max × 1.2` tall: a second line never fits.
        self.fit(choice, text, 1.2, (width.max(1.0), max * 1.2), min, max)
    }

    fn fit_error(
        &self,
        piece: &Piece,
        card: &str,
        preset: &CardPreset,
        what: &str,
        e: FitError,
    ) -> Error {
        let detail = match &e {
            FitError::DoesNotFit { min_size, layout } => format!(
                "does not fit even at the smallest size {min_size:.0}px ({} lines)",
                layout.lines.len()
            ),
            FitError::InvalidRange { .. } => "has no room left on the card".to_string(),
            FitError::Text(t) => t.to_string(),
        };
        let msg = format!(
            "social card {card} ({}×{}): the {what} {detail}; shorten it or set a shorter text in [overrides.social]",
            preset.width, preset.height
        );
        let field = match what {
            "title" => Some(Field::Title),
            "summary" => Some(Field::Summary),
            "call to action" => Some(Field::CtaText),
            _ => None,
        };
        match field.and_then(|f| piece.field_span(Channel::Social, f)) {
            Some(span) => piece.source.error(span, msg, "this text").into(),
            None => Error::file(&piece.source.path, msg),
        }
    }
}

impl Renderer for SocialRenderer<'_> {
    fn channel(&self) -> Channel {
        Channel::Social
    }

    fn render(&self, piece: &Piece) -> Result<Rendered> {
        let hero = self.hero(piece)?;
        let cards = self
            .guide()
            .channels
            .social
            .presets
            .par_iter()
            .map(|preset| {
                let card = self.compose(piece, preset, hero.as_ref())?;
                let output = Output::new(
                    format!(
                        "{}/{}-{}.png",
                        piece.channel_dir(Channel::Social),
                        piece.slug,
                        preset.name
                    ),
                    card.encode_png()?,
                )
                .showing(crate::render::Shown {
                    text: card.layout.scene.shown_text(),
                    links: self.qr_url(piece, preset).into_iter().collect(),
                    preset: Some(preset.name.clone()),
                });
                crate::render::paint::png::recycle(card.pixmap);
                Ok((output, card.layout.missing))
            })
            .collect::<Result<Vec<_>>>()?;
        let missing: BTreeSet<char> = cards.iter().flat_map(|(_, m)| m.iter().copied()).collect();
        let mut warnings = text::missing::report(
            self.guide(),
            &piece.source.path,
            "the social cards",
            &missing,
        )?
        .into_iter()
        .collect::<Vec<_>>();
        let guide = self.guide();
        if !guide.channels.social.qr.is_empty() && guide.channels.web.base_url.is_none() {
            warnings.push(format!(
                "social/{}: no QR code on the cards [channels.social] qr names, [channels.web] base_url is not set",
                piece.slug
            ));
        }
        Ok(Rendered {
            outputs: cards.into_iter().map(|(o, _)| o).collect(),
            warnings,
        })
    }
}

/// "ราคา ฿89 · โค้ดส่วนลด WINTER26": the facts a card states, in the piece's language.
fn facts_line(piece: &Piece) -> Option<String> {
    let parts: Vec<String> = piece
        .fact_lines()
        .into_iter()
        .filter(|f| matches!(f.kind, FactKind::Price | FactKind::PromoCode))
        .map(|f| format!("{} {}", f.label, f.value))
        .collect();
    (!parts.is_empty()).then(|| parts.join("  ·  "))
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::assets::Picture;

    fn project() -> Project {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let guide = Guide::load(&root).unwrap();
        let piece = Piece::load(
            &root.join("content/winter-2026/line-man-delivery.md"),
            &guide.sandbox,
        )
        .unwrap();
        Project {
            guide: guide.clone(),
            pieces: vec![piece],
            root,
        }
    }

    /// Decodes a card PNG to RGBA with its color type and photo box.
    fn decode(bytes: &[u8]) -> (Vec<u8>, ::png::ColorType, Option<String>) {
        let mut decoder = ::png::Decoder::new(std::io::Cursor::new(bytes));
        decoder.set_transformations(::png::Transformations::EXPAND | ::png::Transformations::ALPHA);
        let mut reader = decoder.read_info().unwrap();
        let color = reader.info().color_type;
        let photo = reader
            .info()
            .uncompressed_latin1_text
            .iter()
            .find(|t| t.keyword == PHOTO_KEYWORD)
            .map(|t| t.text.clone());
        let mut buf = vec![0; reader.output_buffer_size()];
        let frame = reader.next_frame(&mut buf).unwrap();
        buf.truncate(frame.buffer_size());
        (buf, color, photo)
    }

    /// The written PNG holds exactly the painted pixels: an indexed one for the flat
    /// Thai card, an RGB one with its photo box for the same card with a photo hero.
    #[test]
    fn written_cards_decode_to_the_painted_pixels() {
        let p = project();
        let r = SocialRenderer::new(&p).unwrap();
        let piece = &p.pieces[0];
        assert!(piece.title(Channel::Social).contains("ส่งฟรี"));
        let og = p.guide.channels.social.presets[0].clone();

        let flat = r.compose(piece, &og, None).unwrap();
        assert!(!flat.layout.title_lines.is_empty());
        let (png, kind) = flat.encode_png_kind().unwrap();
        assert!(
            matches!(kind, png::Kind::Indexed { depth: 8, .. }),
            "{kind:?}"
        );
        let (pixels, color, photo) = decode(&png);
        assert_eq!(color, ::png::ColorType::Indexed);
        assert_eq!(photo, None);
        assert_eq!(pixels, flat.pixmap.data(), "indexed card pixels");

        let jpg = Path::new("tests/fixtures/image/pil_sample_rgb.jpg");
        let assets = Assets::load(&p.guide).unwrap();
        let hero = Picture::from_bytes(
            std::fs::read(p.root.join(jpg)).unwrap(),
            jpg,
            &p.guide.sandbox,
            assets.svg_fonts(),
        )
        .unwrap();
        let photo_card = r.compose(piece, &og, Some(&Arc::new(hero))).unwrap();
        let (png, kind) = photo_card.encode_png_kind().unwrap();
        assert_eq!(kind, png::Kind::Rgb);
        let (pixels, color, photo) = decode(&png);
        assert_eq!(color, ::png::ColorType::Rgb);
        let [x, y, w, h] = photo_card.layout.photo.unwrap();
        assert_eq!(photo, Some(format!("{x},{y},{w},{h}")));
        let rgba: Vec<u8> = photo_card.pixmap.data().to_vec();
        assert!(
            rgba.chunks_exact(4).all(|px| px[3] == 255),
            "cards are opaque"
        );
        assert_eq!(pixels, rgba, "truecolor card pixels");
    }
}
