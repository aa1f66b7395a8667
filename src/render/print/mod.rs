//! The print channel: one press-ready PDF flyer per piece, `print/<slug>.pdf` (a
//! segment's variant: `print/<segment>/<slug>.pdf`).
//!
//! - Page size from `[channels.print] page`; the media box is the trim box plus
//!   `bleed_mm` on every side (trim and bleed boxes written), backgrounds run into the
//!   bleed; optional crop marks outside the trim in registration color (`Separation All`).
//! - Text is set by the shared engine ([`crate::text`]: rustybuzz shaping, ICU line
//!   breaking) in the brand fonts, embedded and subset by krilla, at the guide's
//!   `[fonts.*] size` ranges (px × 0.75 = pt) with inline bold in the bold faces. A flyer
//!   is one page when the hero band and then the text can shrink (to the guide's minimum
//!   sizes) to fit it; otherwise it flows onto more pages (see `flow`).
//! - Colors in CMYK from the guide's `cmyk` values (black text as pure K); a color
//!   without CMYK values is printed in RGB with a build warning. SVG art (logo, hero) is
//!   drawn as vectors with brand colors mapped to CMYK; PNG/JPEG heroes are checked for
//!   300 dpi at their printed size. Logos and heroes come from the build's asset store
//!   ([`crate::assets`]: sandboxed, within its pixel limits, decoded once for every
//!   channel); PNG and JPEG heroes are embedded as they are, a WebP hero as its pixels and
//!   a GIF hero as its first frame, as on the cards.
//! - Untrusted pieces meet limits with their line: at most 50 pages, nesting that leaves a
//!   column of at least 8 ems, titles and calls to action that fit (see `flow`).
//! - A QR code (vector, K) to the piece's web page, tagged `utm_source=print`.
//! - Layout and paint are apart: `flow` lays the piece out into one
//!   [`Scene`] a page ([`PrintRenderer::pages`]), and the PDF painter
//!   ([`crate::render::paint::pdf`]) draws each onto a krilla page; crop marks are the only
//!   thing drawn here.
//! - Deterministic: the creation date is the piece's `date`, the document id a hash of
//!   the piece and guide sources, so rebuilds are byte-identical. `pdfa = true` exports
//!   PDF/A-2b (needs `cmyk_profile`, since krilla must embed an ICC profile for CMYK; its
//!   output intent is krilla's sRGB one — krilla 0.8 writes no CMYK/PDF/X output intent).

mod flow;

use std::sync::Arc;

use krilla::color::{cmyk, separation};
use krilla::configure::{Archival, ConfigurationBuilder};
use krilla::geom::{PathBuilder, Rect, Transform};
use krilla::metadata::{DateTime, Metadata};
use krilla::page::PageSettings;
use krilla::paint::Stroke;
use krilla::surface::Surface;
use krilla::{Document, SerializeSettings};

use crate::assets::{self, Assets, Content, Picture};
use crate::brand::{ColorDef, Guide, PageSize};
use crate::content::Piece;
use crate::error::{Error, Result};
use crate::project::Project;
use crate::render::paint::glyphs::GlyphCache;
use crate::render::paint::pdf::{self as painter, PdfContext};
use crate::render::paint::png;
use crate::render::{
    Channel, Output, PREVIEW_LONG_SIDE, PREVIEW_PAGES, PagePreview, Rendered, Renderer,
};
use crate::scene::{Fill, Ink, Item, Scene};
use crate::text::{FontChoice, FontStore};
use crate::units::PT_PER_MM;

/// Room for crop marks outside the bleed, in mm.
pub const CROP_MARK_ROOM_MM: f32 = 6.0;

/// Print colors resolved from the guide once.
#[derive(Clone)]
pub struct Inks {
    pub text: Ink,
    pub background: Ink,
    pub primary: Ink,
    pub surface: Ink,
    pub accent: Ink,
    /// Light text on the primary color.
    pub on_primary: Ink,
}

/// Faces for each text style.
#[derive(Clone)]
pub struct Faces {
    pub heading: FontChoice,
    pub body: FontChoice,
    pub bold: FontChoice,
    /// The body role's italic faces, when the guide lists any (else emphasis stays
    /// upright).
    pub italic: Option<FontChoice>,
}

/// The print renderer: fonts, logo and colors loaded once, shared by every piece.
pub struct PrintRenderer<'a> {
    project: &'a Project,
    store: Arc<FontStore>,
    pdf_fonts: Vec<krilla::text::Font>,
    faces: Faces,
    inks: Inks,
    /// The logo when it is an SVG (drawn as vectors in brand CMYK).
    logo: Option<Arc<Picture>>,
    assets: Arc<Assets>,
    cmyk_profile: Option<Vec<u8>>,
    /// Guide-level warnings (colors printed in RGB), repeated in every piece's result.
    warnings: Vec<String>,
    /// Glyph masks of the page previews, shared by every piece.
    glyphs: GlyphCache,
}

fn font_error(e: impl std::fmt::Display) -> Error {
    Error::usage(format!("print: {e}"))
}

impl<'a> PrintRenderer<'a> {
    pub fn new(project: &'a Project) -> Result<Self> {
        Self::with_assets(project, Arc::new(Assets::load(&project.guide)?))
    }

    /// The renderer over the build's asset store (fonts parsed once for every channel).
    pub fn with_assets(project: &'a Project, assets: Arc<Assets>) -> Result<Self> {
        let guide = &project.guide;
        let store = Arc::clone(assets.font_store());
        let mut pdf_fonts = Vec::with_capacity(store.len());
        for file in assets.fonts().files() {
            let (data, index) = store.data(file.face).ok_or_else(|| font_error("face"))?;
            let path = &file.path;
            let font = krilla::text::Font::new(data.into(), index)
                .ok_or_else(|| Error::file(path, "krilla cannot use this font for PDF"))?;
            pdf_fonts.push(font);
        }
        let faces = Faces {
            heading: crate::text::brand::role_choice(
                guide,
                &store,
                guide.heading(),
                guide.heading().weight,
            )?,
            body: crate::text::brand::role_choice(
                guide,
                &store,
                guide.body(),
                guide.body().weight,
            )?,
            bold: crate::text::brand::role_choice(guide, &store, guide.body(), 700)?,
            italic: None,
        };
        let faces = Faces {
            italic: italic_choice(guide, &store, &faces.body),
            ..faces
        };
        let mut warnings = Vec::new();
        let mut ink = |role: &str, fallback: Option<&str>| -> Ink {
            let def = guide
                .role(role)
                .or_else(|| fallback.and_then(|r| guide.role(r)));
            match def {
                Some((name, def)) => ink_of(name, def, &mut warnings),
                None => Ink::KEY,
            }
        };
        let inks = Inks {
            text: ink("text", None),
            background: ink("background", None),
            primary: ink("primary", None),
            surface: ink("surface", Some("background")),
            accent: ink("accent", Some("primary")),
            on_primary: ink("background", None),
        };
        warnings.dedup();
        let logo = match guide.logo_file() {
            Some(file) if file.ends_with(".svg") => match assets.logo()? {
                logo if matches!(logo.content, Content::Svg(_)) => Some(logo),
                _ => {
                    return Err(Error::file(
                        guide.logo_path(file),
                        "is named .svg but holds a raster image",
                    ));
                }
            },
            Some(file) => {
                warnings.push(format!(
                    "print: the logo {file} is not SVG; the flyer is printed without it (add an SVG to [logo] files)"
                ));
                None
            }
            None => None,
        };
        let print = &guide.channels.print;
        let cmyk_profile = match (&print.cmyk_profile, print.pdfa) {
            (Some(file), _) => {
                let path = guide.root.join("brand").join(file);
                let bytes = std::fs::read(&path).map_err(|e| Error::file(&path, e))?;
                if krilla::icc::ICCProfile::<4>::new(&bytes).is_none() {
                    return Err(Error::file(&path, "not a CMYK ICC profile krilla can use"));
                }
                Some(bytes)
            }
            (None, true) => {
                return Err(Error::file(
                    guide.source.path.clone(),
                    "[channels.print] pdfa = true needs cmyk_profile = \"<file under brand/>.icc\": PDF/A requires an ICC profile for the CMYK colors",
                ));
            }
            (None, false) => None,
        };
        Ok(PrintRenderer {
            project,
            store,
            pdf_fonts,
            faces,
            inks,
            logo,
            assets,
            cmyk_profile,
            warnings,
            glyphs: GlyphCache::default(),
        })
    }

    /// The address the flyer's QR code points at: the piece's web page, tagged
    /// `utm_source=print` (none without `[channels.web] base_url`).
    fn qr_url(&self, piece: &Piece) -> Option<String> {
        self.project
            .page_url(piece)
            .map(|u| crate::links::decorate(&u, Channel::Print, piece, &self.project.guide))
    }

    /// Lays the piece out into pages.
    fn flow(
        &self,
        piece: &Piece,
        hero: Option<&Arc<Picture>>,
        url: Option<&str>,
    ) -> Result<flow::Flowed> {
        let ctx = self.flow_context(hero, url);
        flow::flow(&ctx, piece).map_err(|e| flow_error(piece, e))
    }

    /// What laying out one piece needs, with a fresh [`flow::Memo`].
    fn flow_context<'c>(
        &'c self,
        hero: Option<&'c Arc<Picture>>,
        url: Option<&'c str>,
    ) -> flow::FlowContext<'c> {
        let guide = &self.project.guide;
        let print = &guide.channels.print;
        let (w_mm, h_mm) = print.page.mm();
        let page_scale = if print.page == PageSize::A5 { 1.0 } else { 1.1 };
        flow::FlowContext {
            guide,
            store: &self.store,
            faces: &self.faces,
            inks: &self.inks,
            trim: (w_mm * PT_PER_MM, h_mm * PT_PER_MM),
            bleed: print.bleed_mm.max(0.0) * PT_PER_MM,
            margin: if print.page == PageSize::A5 {
                12.0
            } else {
                15.0
            } * PT_PER_MM,
            sizes: flow::Sizes::of(guide, page_scale),
            page_scale,
            logo: self.logo.as_ref(),
            hero,
            url,
            memo: flow::Memo::default(),
        }
    }

    /// The piece laid out: one scene a page, in pt from the trim box's top-left corner
    /// (backgrounds run `bleed_mm` past it), as the PDF painter draws them.
    pub fn pages(&self, piece: &Piece) -> Result<Vec<Scene>> {
        let hero = self.assets.hero(piece)?;
        let url = self.qr_url(piece);
        Ok(self.flow(piece, hero.as_ref(), url.as_deref())?.pages)
    }

    /// Renders one piece to PDF bytes, with warnings.
    pub fn render_pdf(&self, piece: &Piece) -> Result<(Vec<u8>, Vec<String>)> {
        self.render_pdf_shown(piece)
            .map(|(bytes, warnings, _)| (bytes, warnings))
    }

    /// [`Self::render_pdf`], with what the PDF shows: the text of its pages as laid out
    /// and the QR code's address.
    pub fn render_pdf_shown(
        &self,
        piece: &Piece,
    ) -> Result<(Vec<u8>, Vec<String>, crate::render::Shown)> {
        self.render_pdf_pages(piece)
            .map(|f| (f.bytes, f.warnings, f.shown))
    }

    /// The trim box, bleed and crop-mark slug of every page, in pt.
    fn boxes(&self) -> PageBoxes {
        let print = &self.project.guide.channels.print;
        let (w_mm, h_mm) = print.page.mm();
        PageBoxes {
            trim: (w_mm * PT_PER_MM, h_mm * PT_PER_MM),
            bleed: print.bleed_mm.max(0.0) * PT_PER_MM,
            // Crop marks need room outside the bleed: the media box grows by a slug.
            slug: if print.crop_marks {
                CROP_MARK_ROOM_MM * PT_PER_MM
            } else {
                0.0
            },
            crop_marks: print.crop_marks,
        }
    }

    /// [`Self::render_pdf_shown`], with the pages' scenes.
    fn render_pdf_pages(&self, piece: &Piece) -> Result<Flyer> {
        let guide = &self.project.guide;
        let print = &guide.channels.print;
        let PageBoxes {
            trim, bleed, slug, ..
        } = self.boxes();
        let mut warnings = self.warnings.clone();

        let url = self.qr_url(piece);
        if url.is_none() {
            warnings.push(format!(
                "print/{}.pdf: no QR code, [channels.web] base_url is not set",
                piece.slug
            ));
        }
        let hero = self.assets.hero(piece)?;
        let flowed = self.flow(piece, hero.as_ref(), url.as_deref())?;
        warnings.extend(crate::text::missing::report(
            guide,
            &piece.source.path,
            "the print PDF",
            &flowed.missing,
        )?);
        let hero_pixels = hero.as_ref().and_then(|h| match &h.content {
            Content::Raster(frame) => Some(frame.width),
            Content::Svg(_) => None,
        });
        if let (Some(px), Some(width_pt)) = (hero_pixels, flowed.hero_width_pt) {
            let dpi = px as f32 / (width_pt / 72.0);
            if dpi < 300.0 {
                warnings.push(format!(
                    "print/{}.pdf: the hero image prints at {dpi:.0} dpi (below 300 dpi); supply one at least {:.0} px wide",
                    piece.slug,
                    (width_pt / 72.0 * 300.0).ceil()
                ));
            }
        }

        let mut settings = SerializeSettings::default();
        if print.pdfa {
            settings.configuration = ConfigurationBuilder::new()
                .with_archival_validator(Archival::A2_B)
                .finish()
                .map_err(|e| Error::usage(format!("print: PDF/A configuration: {e:?}")))?;
            settings.cmyk_profile = self
                .cmyk_profile
                .as_deref()
                .and_then(krilla::icc::ICCProfile::<4>::new);
        }
        let mut doc = Document::new_with(settings);
        let out = slug + bleed;
        let media = (trim.0 + 2.0 * out, trim.1 + 2.0 * out);
        let mut rgb_left = 0;
        let paint = PdfContext {
            guide,
            fonts: &self.pdf_fonts,
        };
        for scene in &flowed.pages {
            let page_settings = PageSettings::from_wh(media.0, media.1)
                .ok_or_else(|| Error::usage("print: empty page size"))?
                .with_trim_box(Rect::from_xywh(out, out, trim.0, trim.1))
                .with_bleed_box(Rect::from_xywh(
                    slug,
                    slug,
                    trim.0 + 2.0 * bleed,
                    trim.1 + 2.0 * bleed,
                ));
            let mut page = doc.start_page_with(page_settings);
            let mut surface = page.surface();
            let painted = paint_page(&mut surface, scene, &paint, (bleed, slug), print.crop_marks);
            surface.finish();
            rgb_left += painted.map_err(|e| match &hero {
                // The only raster picture of a flyer is its hero.
                Some(_) => assets::hero_error(piece, &piece.hero_path().unwrap_or_default(), &e),
                None => Error::file(&piece.source.path, format!("print: {e}")),
            })?;
            page.finish();
        }
        if rgb_left > 0 {
            warnings.push(format!(
                "print/{}.pdf: {rgb_left} color(s) in the artwork match no brand color with CMYK values and print as RGB",
                piece.slug
            ));
        }
        let mut meta = Metadata::new()
            .title(piece.title(Channel::Print).to_string())
            .language(piece.lang.to_string())
            .creator("brandpress".into())
            .producer(format!("brandpress {}", env!("CARGO_PKG_VERSION")))
            .document_id(content_id(piece, guide));
        if let Some(date) = piece.meta.date.as_ref().and_then(|d| d.date) {
            meta = meta.creation_date(
                DateTime::new(date.year)
                    .month(date.month)
                    .day(date.day)
                    .hour(0)
                    .minute(0)
                    .second(0)
                    .utc_offset_hour(0)
                    .utc_offset_minute(0),
            );
        }
        doc.set_metadata(meta);
        let bytes = doc.finish().map_err(|e| {
            // krilla decodes images only now: a PNG or JPEG whose header read fine but
            // whose data is broken ends up here.
            let why = match &e {
                krilla::error::KrillaError::Image(..) => format!(
                    "{e} (the hero image, or an image inside the hero or logo SVG, is corrupt)"
                ),
                _ => format!("{e:?}"),
            };
            Error::file(
                &piece.source.path,
                format!("print: cannot write the PDF: {why}"),
            )
        })?;
        let shown = crate::render::Shown {
            text: flowed
                .pages
                .iter()
                .map(Scene::shown_text)
                .collect::<Vec<_>>()
                .join("\n"),
            links: url.into_iter().collect(),
            preset: None,
        };
        Ok(Flyer {
            bytes,
            warnings,
            shown,
            pages: flowed.pages,
        })
    }

    /// A page as the contact sheet shows it: the whole media box on white paper, at most
    /// [`PREVIEW_LONG_SIDE`] pixels on its long side, painted from the page's scene by
    /// the card painter (the PDF's CMYK inks as their screen colors). `None` when the
    /// page cannot be painted (the sheet then rasterizes the PDF itself).
    fn preview(&self, scene: &Scene) -> Option<PagePreview> {
        let boxes = self.boxes();
        let out = boxes.slug + boxes.bleed;
        let media = (boxes.trim.0 + 2.0 * out, boxes.trim.1 + 2.0 * out);
        let scale = (PREVIEW_LONG_SIDE / media.0.max(media.1)).min(4.0);
        let size = ((media.0 * scale).floor(), (media.1 * scale).floor());
        let mut page = Scene::new(size);
        page.push(Item::Rect {
            rect: [0.0, 0.0, size.0, size.1],
            fill: Fill::Solid(Ink::PAPER),
        });
        page.items.extend(
            scene
                .transformed(scale, (out * scale, out * scale), size)
                .items,
        );
        if boxes.crop_marks {
            let at = |(x, y): (f32, f32)| ((x + out) * scale, (y + out) * scale);
            for (from, to) in crop_marks(scene.size, boxes.bleed, boxes.slug) {
                page.push(Item::Line {
                    from: at(from),
                    to: at(to),
                    width: CROP_MARK_WIDTH * scale,
                    ink: Ink::KEY,
                });
            }
        }
        let pixmap = png::paint_with(&page, &self.store, &self.glyphs).ok()?;
        // opaque (white paper under everything): the premultiplied pixels are the colors
        let rgb: Vec<u8> = pixmap
            .data()
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect();
        let png = png::encode_preview(pixmap.width(), pixmap.height(), &rgb)?;
        Some(PagePreview { size: media, png })
    }
}

/// A rendered flyer: the PDF, its warnings, what it shows and its pages' scenes.
struct Flyer {
    bytes: Vec<u8>,
    warnings: Vec<String>,
    shown: crate::render::Shown,
    pages: Vec<Scene>,
}

/// A page's boxes, in pt.
struct PageBoxes {
    trim: (f32, f32),
    bleed: f32,
    slug: f32,
    crop_marks: bool,
}

/// A layout error at the piece line or front matter value it is about.
fn flow_error(piece: &Piece, e: flow::FlowError) -> Error {
    let span = match &e.at {
        flow::At::Line(line) => line_span(&piece.source.text, *line),
        flow::At::Front(field) => piece.field_span(Channel::Print, *field),
        flow::At::Piece => None,
    };
    match span {
        Some(span) => piece.source.error(span, e.message, "here").into(),
        None => Error::file(&piece.source.path, e.message),
    }
}

/// Byte span of the 1-based `line` of `text`, without its line break.
fn line_span(text: &str, line: usize) -> Option<std::ops::Range<usize>> {
    let start = if line <= 1 {
        0
    } else {
        text.match_indices('\n').nth(line - 2).map(|(i, _)| i + 1)?
    };
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    Some(start..end)
}

/// The body choice with its italic faces, if the body role lists an italic file for
/// either script (the other script keeps its upright face).
fn italic_choice(guide: &Guide, store: &FontStore, body: &FontChoice) -> Option<FontChoice> {
    let italic = |script| {
        guide
            .font_files(guide.body(), script)
            .iter()
            .filter_map(|p| store.id_for_path(p))
            .find(|id| store.face(*id).is_some_and(|f| f.ttf().is_italic()))
    };
    let (latin, thai) = (
        italic(crate::brand::Script::Latin),
        italic(crate::brand::Script::Thai),
    );
    if latin.is_none() && thai.is_none() {
        return None;
    }
    Some(FontChoice {
        latin: latin.unwrap_or(body.latin),
        thai: thai.unwrap_or(body.thai),
        fallbacks: body.fallbacks.clone(),
    })
}

fn ink_of(name: &str, def: &ColorDef, warnings: &mut Vec<String>) -> Ink {
    match &def.cmyk {
        Some(v) => Ink::cmyk(*v.get_ref(), def.hex),
        None => {
            warnings.push(format!(
                "print: color {name} has no cmyk values in the guide; printed as RGB {}",
                def.hex.hex()
            ));
            Ink::rgb(def.hex)
        }
    }
}

/// Paints one page's scene inside the media box (the trim box `bleed + slug` in from its
/// corner), then the crop marks; returns how many colors had to stay RGB.
fn paint_page(
    surface: &mut Surface,
    scene: &Scene,
    ctx: &PdfContext,
    (bleed, slug): (f32, f32),
    crop_marks: bool,
) -> Result<usize, String> {
    let offset = slug + bleed;
    surface.push_transform(&Transform::from_translate(offset, offset));
    let painted = painter::paint(surface, scene, ctx);
    if crop_marks && painted.is_ok() {
        draw_crop_marks(surface, scene.size, bleed, slug);
    }
    surface.pop();
    painted
}

/// Crop marks at the trim box's corners, from 1 mm outside the bleed to the slug's edge,
/// in registration color (every separation).
fn draw_crop_marks(surface: &mut Surface, (w, h): (f32, f32), bleed: f32, slug: f32) {
    let registration: krilla::color::Color = separation::Color::new(
        255,
        separation::SeparationSpace::new(
            separation::SeparationColorant::AllColorants,
            cmyk::Color::new(255, 255, 255, 255).into(),
        ),
    )
    .into();
    let mut pb = PathBuilder::new();
    for (from, to) in crop_marks((w, h), bleed, slug) {
        pb.move_to(from.0, from.1);
        pb.line_to(to.0, to.1);
    }
    if let Some(path) = pb.finish() {
        surface.set_fill(None);
        surface.set_stroke(Some(Stroke {
            paint: registration.into(),
            width: CROP_MARK_WIDTH,
            ..Stroke::default()
        }));
        surface.draw_path(&path);
        surface.set_stroke(None);
    }
}

/// Crop marks' line width, in pt.
const CROP_MARK_WIDTH: f32 = 0.25;

/// The crop marks of a `w × h` trim box (in pt from its top-left corner): at each corner
/// a horizontal mark on the trim line and a vertical one, from 1 mm outside the bleed to
/// the slug's edge.
fn crop_marks((w, h): (f32, f32), bleed: f32, slug: f32) -> Vec<((f32, f32), (f32, f32))> {
    let start = bleed + 1.0 * PT_PER_MM;
    let end = bleed + slug;
    let mut lines = Vec::with_capacity(8);
    for (cx, sx) in [(0.0, -1.0), (w, 1.0)] {
        for (cy, sy) in [(0.0, -1.0), (h, 1.0)] {
            lines.push(((cx + sx * start, cy), (cx + sx * end, cy)));
            lines.push(((cx, cy + sy * start), (cx, cy + sy * end)));
        }
    }
    lines
}

/// A stable id of what the PDF is made from (FNV-1a over the piece's source and the guide
/// sections print depends on, so a tone-only change leaves the PDF as it was).
fn content_id(piece: &Piece, guide: &Guide) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let sections = crate::render::guide_digest(guide, Channel::Print);
    for part in [piece.source.text.as_bytes(), b"\0", &sections[..]] {
        for b in part {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    match &piece.segment {
        // a segment's variant is another document
        Some(segment) => format!("{}-{segment}-{h:016x}", piece.slug),
        None => format!("{}-{h:016x}", piece.slug),
    }
}

impl Renderer for PrintRenderer<'_> {
    fn channel(&self) -> Channel {
        Channel::Print
    }

    fn render(&self, piece: &Piece) -> Result<Rendered> {
        let Flyer {
            bytes,
            warnings,
            shown,
            pages,
        } = self.render_pdf_pages(piece)?;
        // every page or none: the sheet rasterizes a PDF it has no whole set of pictures of
        let previews = pages
            .iter()
            .take(PREVIEW_PAGES)
            .map(|page| self.preview(page))
            .collect::<Option<Vec<_>>>()
            .unwrap_or_default();
        Ok(Rendered {
            outputs: vec![
                Output::new(
                    format!("{}/{}.pdf", piece.channel_dir(Channel::Print), piece.slug),
                    bytes,
                )
                .showing(shown)
                .with_previews(previews),
            ],
            warnings,
        })
    }
}
