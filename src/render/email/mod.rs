//! The email channel: one HTML email per piece from `templates/email/email.html` (tera),
//! with every style inlined (css-inline; only `@media` and `@font-face` stay in a
//! `<style>` block), a table layout at the guide's `[channels.email] width` that holds
//! in Outlook (MSO ghost tables, a VML button), Gmail (inline styles) and Apple Mail
//! (dark mode), a plain-text alternative, and a ready `.eml`.
//!
//! Output: `email/<slug>.html`, `email/<slug>.txt`, `email/<slug>.eml` (a segment's
//! variant: `email/<segment>/<slug>.*`),
//! `email/<slug>-hero.{png,jpg,gif}` (when the piece has a hero and `[channels.web]
//! base_url` is set: emails need absolute image URLs; a WebP hero is converted to
//! JPEG or PNG, which every client shows) and `email/assets/logo.png` (the logo rendered
//! at 2×: Gmail and Outlook do not show SVG).

mod mime;
pub mod personalize;
mod stencil;
pub mod text;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};

use resvg::{tiny_skia, usvg};

use serde::Serialize;
use tera::{Context, Tera};

use crate::assets::{self, Assets, Content, Format, limits};
use crate::brand::{Guide, Script};
use crate::content::FactKind;
use crate::content::{Piece, format_date};
use crate::error::{Error, Result};
use crate::links;
use crate::project::Project;
use crate::render::html;
use crate::render::web::{load_templates, tera_message, web_fonts};
use crate::render::{Channel, Output, Rendered, Renderer};

pub use mime::{Mailbox, message_date};

/// The template every project's `templates/email/` must hold.
pub const TEMPLATE: &str = "email.html";
/// Where the raster logo is written, relative to the output directory.
pub const LOGO_PNG: &str = "email/assets/logo.png";
/// The Content-ID of the logo inside `.eml` files built without a `base_url`.
pub const LOGO_CID: &str = "logo@brandpress";
/// Displayed logo height in CSS px (at least the guide's email minimum).
const LOGO_HEIGHT: f32 = 56.0;
/// Fonts Outlook for Windows uses instead of the brand fonts (it ignores web fonts and
/// would fall back to Times New Roman); Tahoma has Thai on every Windows.
pub const MSO_FONT: &str = "Tahoma, Arial, sans-serif";

/// The email renderer; built once per build, shared by the rendering threads.
pub struct EmailRenderer<'a> {
    project: &'a Project,
    tera: Tera,
    from: Mailbox,
    logo: RasterLogo,
    assets: Arc<Assets>,
    /// The heading's first font file for Latin and for Thai, for measuring the Outlook
    /// button (faces of the asset store, parsed once).
    measure: [Option<std::path::PathBuf>; 2],
    /// The template context's values that come from the guide alone (brand, width,
    /// colors, font stacks, web fonts), built once per build: each piece's context
    /// starts as a copy of it.
    guide_context: Context,
    /// The template inlined once per layout ([`stencil`]); `None`: every email is inlined
    /// whole (the differential tests' reference).
    stencils: Option<stencil::Stencils>,
}

struct RasterLogo {
    png: Vec<u8>,
    width: u32,
    height: u32,
}

#[derive(Serialize)]
struct Fact {
    label: String,
    value: String,
    code: bool,
}

#[derive(Serialize)]
struct FontFace {
    family: String,
    url: String,
    weight: u16,
}

impl<'a> EmailRenderer<'a> {
    pub fn new(project: &'a Project) -> Result<Self> {
        Self::with_assets(project, Arc::new(Assets::load(&project.guide)?))
    }

    /// The renderer over the build's asset store.
    pub fn with_assets(project: &'a Project, assets: Arc<Assets>) -> Result<Self> {
        let guide = &project.guide;
        let dir = project.templates_dir(Channel::Email);
        let tera = load_templates(&dir, &project.guide.sandbox)?;
        if !tera.get_template_names().any(|n| n == TEMPLATE) {
            return Err(Error::file(
                dir.join(TEMPLATE),
                "the email channel needs this template (`brandpress init` writes one)",
            ));
        }
        let from = Mailbox::parse(&guide.channels.email.from).ok_or_else(|| {
            Error::file(
                &guide.source.path,
                format!(
                    "[channels.email] from = {:?} is not a mailbox: use \"Name <address@domain>\"",
                    guide.channels.email.from
                ),
            )
        })?;
        let logo = raster_logo(guide, &assets)?;
        let first = |script| guide.font_files(guide.heading(), script).into_iter().next();
        let measure = [first(Script::Latin), first(Script::Thai)];
        let guide_context = guide_context(project, &assets);
        Ok(EmailRenderer {
            project,
            tera,
            from,
            logo,
            assets,
            measure,
            guide_context,
            stencils: Some(stencil::Stencils::default()),
        })
    }

    /// The renderer that inlines every email whole, as the stencils must match.
    #[doc(hidden)]
    pub fn without_stencils(mut self) -> Self {
        self.stencils = None;
        self
    }

    /// How many emails were filled from a stencil rather than inlined whole.
    #[doc(hidden)]
    pub fn stencilled(&self) -> usize {
        self.stencils
            .as_ref()
            .map_or(0, |s| s.filled.load(std::sync::atomic::Ordering::Relaxed))
    }

    /// The email with its styles inlined: filled from the layout's stencil when it fits,
    /// else inlined whole by css-inline.
    fn inline(&self, ctx: &Context, raw: &str) -> Result<String, css_inline::InlineError> {
        let Some(stencils) = &self.stencils else {
            return inline_css(raw);
        };
        let render = |c: &Context| self.tera.render(TEMPLATE, c).ok();
        let inline = |html: &str| inline_css(html).ok();
        match stencils.inline(ctx, raw, &render, &inline) {
            stencil::Inlined::Html(html) => Ok(html),
            stencil::Inlined::Whole { learn: None } => inline_css(raw),
            stencil::Inlined::Whole { learn: Some(learn) } => {
                Ok(stencils.learn(&learn, &inline_css(&learn.marked)?))
            }
        }
    }

    /// The width in px Outlook's VML button needs for `text` at 17 px bold, plus padding.
    fn button_width(&self, text: &str) -> u32 {
        let fonts = self.assets.fonts();
        let faces = self
            .measure
            .each_ref()
            .map(|p| p.as_deref().and_then(|p| fonts.face(p)).map(|f| f.ttf()));
        let size = 17.0f32;
        let mut width = 0.0f32;
        for ch in text.chars() {
            let order = if crate::content::doc::is_thai(ch) {
                [1, 0]
            } else {
                [0, 1]
            };
            let advance = order.iter().find_map(|&i| {
                let face = faces[i].as_ref()?;
                let gid = face.glyph_index(ch)?;
                let adv = face.glyph_hor_advance(gid)? as f32;
                Some(adv / face.units_per_em() as f32 * size)
            });
            // Unknown glyphs: an average Latin width. Outlook's Tahoma is a little wider
            // than Noto, hence the 10 % margin below.
            width += advance.unwrap_or(size * 0.6);
        }
        let max = self
            .project
            .guide
            .channels
            .email
            .width
            .saturating_sub(64)
            .max(120);
        ((width * 1.1 + 64.0).ceil() as u32).clamp(120, max)
    }

    /// The hero as email clients can show it: SVG rasterized to PNG at twice the
    /// email's width; PNG, JPEG and GIF as they are; WebP (which Outlook for Windows and
    /// older clients do not show) converted, to JPEG when it is a photo (lossy and opaque)
    /// and to PNG otherwise, at most twice the email's width.
    fn hero(
        &self,
        piece: &Piece,
        rendered: &mut Rendered,
    ) -> Result<Option<BTreeMap<&str, String>>> {
        let Some((bytes, format)) = self.assets.hero_file(piece)? else {
            return Ok(None);
        };
        let path = piece.hero_path().unwrap_or_default();
        let bad = |e: String| assets::hero_error(piece, &path, &e);
        let width = self.project.guide.channels.email.width;
        let (bytes, ext) = match format {
            Format::Png | Format::Jpeg | Format::Gif => (bytes, format.extension()),
            Format::Svg | Format::Webp => {
                let hero = self.assets.picture(&path).map_err(bad)?;
                match &hero.content {
                    Content::Svg(tree) => {
                        let (png, _, _) =
                            rasterize(tree, Scale::ToWidth(width * 2)).map_err(bad)?;
                        (png, "png")
                    }
                    Content::Raster(image) => {
                        let image = assets::decode::fit_width(image, width * 2);
                        if image.is_opaque() && assets::decode::is_lossy_webp(&hero.bytes) {
                            (assets::decode::encode_jpeg(&image, 85).map_err(bad)?, "jpg")
                        } else {
                            (assets::decode::encode_png(&image).map_err(bad)?, "png")
                        }
                    }
                }
            }
        };
        let rel = format!(
            "{}/{}-hero.{ext}",
            piece.channel_dir(Channel::Email),
            piece.slug
        );
        let Some(url) = self.project.output_url(&rel) else {
            rendered.warnings.push(format!(
                "{}: hero image left out of the email: set [channels.web] base_url so email clients can load it",
                piece.source.path.display()
            ));
            return Ok(None);
        };
        rendered.outputs.push(Output::new(rel, bytes));
        Ok(Some(BTreeMap::from([
            ("src", url),
            ("alt", piece.title(Channel::Email).to_string()),
        ])))
    }
}

impl Renderer for EmailRenderer<'_> {
    fn channel(&self) -> Channel {
        Channel::Email
    }

    fn assets(&self) -> Result<Rendered> {
        Ok(vec![Output::new(LOGO_PNG, self.logo.png.clone())].into())
    }

    fn render(&self, piece: &Piece) -> Result<Rendered> {
        let project = self.project;
        let guide = &project.guide;
        let mut rendered = Rendered::default();
        let link = |url: &str| links::decorate(url, Channel::Email, piece, guide);

        let hero = self.hero(piece, &mut rendered)?;
        // The piece's local files are published once, by the web channel.
        let local = |file: &crate::content::LocalFile| {
            project
                .output_url(&format!("web/{}/{}", piece.slug, file.url()))
                .unwrap_or_else(|| file.url())
        };
        let body = html::piece_body(piece, guide, Channel::Email, &local);
        if project.guide.channels.web.base_url.is_none() && body.contains("<img") {
            rendered.warnings.push(format!(
                "{}: the email's body images have relative URLs: set [channels.web] base_url",
                piece.source.path.display()
            ));
        }

        let title = piece.title(Channel::Email);
        let summary = piece.summary(Channel::Email);
        let facts = facts(piece);
        let page_url = project.page_url(piece);
        // The web page's link, decorated once for the logo, the web-view links and the text.
        let page_link = page_url.as_deref().map(&link);
        let logo_src = project
            .output_url(LOGO_PNG)
            .unwrap_or_else(|| format!("{}assets/logo.png", "../".repeat(piece.depth())));
        let cta = piece.meta.cta.as_ref().map(|cta| {
            let text = piece.cta_text(Channel::Email).unwrap_or(cta.text.get_ref());
            BTreeMap::from([
                ("text", text.to_string()),
                ("url", link(&cta.url)),
                ("vml_width", self.button_width(text).to_string()),
            ])
        });

        let mut ctx = self.guide_context.clone();
        ctx.insert("lang", &piece.lang);
        ctx.insert("title", title);
        ctx.insert("title_html", &html::text_with_lang(title, &piece.lang));
        ctx.insert("summary_html", &html::text_with_lang(summary, &piece.lang));
        ctx.insert("preheader", summary);
        // Hidden filler after the preheader, so clients do not pull body text into
        // the inbox preview.
        ctx.insert(
            "preheader_pad",
            &(90usize.saturating_sub(summary.chars().count()) / 2 + 8),
        );
        ctx.insert("body", &body);
        ctx.insert("greeting", &personalize::greeting_html(piece, guide));
        ctx.insert("facts", &facts);
        ctx.insert("cta", &cta);
        ctx.insert("hero", &hero);
        // Sizes are numbers: the template writes them into style attributes, where a
        // stencil's text placeholder cannot go.
        ctx.insert(
            "logo",
            &serde_json::json!({
                "src": logo_src,
                "alt": guide.logo.alt,
                "width": self.logo.width,
                "height": self.logo.height,
                "href": page_link.clone().unwrap_or_default(),
            }),
        );
        ctx.insert(
            "webview",
            &page_link.as_ref().map(|url| {
                BTreeMap::from([
                    ("url", url.clone()),
                    (
                        "text",
                        if piece.is_thai() {
                            "ดูบนเว็บ"
                        } else {
                            "View in browser"
                        }
                        .to_string(),
                    ),
                ])
            }),
        );
        ctx.insert(
            "date",
            &piece.meta.date.as_ref().map(|d| format_date(d, piece.lang)),
        );
        let template_path = || project.templates_dir(Channel::Email).join(TEMPLATE);
        let raw = self.tera.render(TEMPLATE, &ctx).map_err(|e| {
            Error::file(
                template_path(),
                format!(
                    "rendering {}: {}",
                    piece.source.path.display(),
                    tera_message(&e)
                ),
            )
        })?;
        let html = self.inline(&ctx, &raw).map_err(|e| {
            Error::file(
                template_path(),
                format!("inlining the styles of {}: {e}", piece.slug),
            )
        })?;

        let text = plain_text(
            piece,
            guide,
            &facts,
            cta.as_ref(),
            page_link.as_deref(),
            &link,
        );
        let logo_cid = (!logo_src.contains("://")).then_some(&self.logo.png[..]);
        // Without a base_url the .eml carries the logo as a related part.
        let eml_html = match logo_cid {
            Some(_) => Cow::Owned(html.replace(
                &format!("src=\"{logo_src}\""),
                &format!("src=\"cid:{LOGO_CID}\""),
            )),
            None => Cow::Borrowed(html.as_str()),
        };
        let eml = mime::message(&mime::Message {
            from: &self.from,
            subject: title,
            lang: &piece.lang,
            date: piece.meta.date.as_ref().map(message_date).unwrap_or(0),
            message_id: mime::message_id(piece, &self.from),
            text: &text,
            html: &eml_html,
            logo_png: logo_cid,
            seed: &match &piece.segment {
                None => format!(
                    "{}|{}",
                    piece.slug,
                    piece.meta.campaign.as_deref().unwrap_or("")
                ),
                Some(segment) => format!(
                    "{}|{}|{segment}",
                    piece.slug,
                    piece.meta.campaign.as_deref().unwrap_or("")
                ),
            },
        })
        .map_err(|e| Error::file(&piece.source.path, format!("building the .eml: {e}")))?;

        let stem = format!("{}/{}", piece.channel_dir(Channel::Email), piece.slug);
        rendered
            .outputs
            .push(Output::new(format!("{stem}.html"), html));
        rendered
            .outputs
            .push(Output::new(format!("{stem}.txt"), text));
        rendered
            .outputs
            .push(Output::new(format!("{stem}.eml"), eml));
        Ok(rendered)
    }
}

/// The inliner, configured once for the process: every style rule goes into `style`
/// attributes; `@media` and `@font-face` rules stay in one `<style>` block.
static INLINER: LazyLock<css_inline::CSSInliner<'static>> = LazyLock::new(|| {
    css_inline::CSSInliner::options()
        .keep_at_rules(true)
        .keep_style_tags(false)
        .load_remote_stylesheets(false)
        // An email from the bundled template is about 250 nodes (elements, text,
        // comments): room for them up front instead of growing the arena 3 times.
        .preallocate_node_capacity(256)
        .build()
});

/// Inlines every style rule into `style` attributes; `@media` and `@font-face` rules
/// stay in one `<style>` block (clients without support ignore them).
pub fn inline_css(html: &str) -> std::result::Result<String, css_inline::InlineError> {
    INLINER.inline(html)
}

/// The context values every piece of the build shares: they depend on the guide and the
/// asset store only.
fn guide_context(project: &Project, assets: &Assets) -> Context {
    let guide = &project.guide;
    let mut ctx = Context::new();
    ctx.insert("brand", &guide.brand.name);
    ctx.insert("width", &guide.channels.email.width);
    ctx.insert("c", &role_colors(guide, false));
    ctx.insert("d", &role_colors(guide, true));
    ctx.insert(
        "font",
        &BTreeMap::from([
            ("heading", email_stack(guide, guide.heading())),
            ("body", email_stack(guide, guide.body())),
            ("code", email_code_stack(guide)),
            ("heading_weight", guide.heading().weight.to_string()),
        ]),
    );
    ctx.insert("mso_font", MSO_FONT);
    ctx.insert("web_fonts", &font_faces(project, assets));
    ctx
}

/// The role colors as hex (`primary`, `text`, …); `dark` picks each color's dark variant.
fn role_colors(guide: &Guide, dark: bool) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (_, def) in guide.palette() {
        let role = def.role.get_ref().clone();
        if out.contains_key(&role) {
            continue;
        }
        let rgb = if dark {
            def.dark.unwrap_or(def.hex)
        } else {
            def.hex
        };
        out.insert(role, rgb.to_string());
    }
    fill_missing_roles(&mut out);
    out
}

/// Roles the templates use that the guide leaves out fall back to a role it gives, as in
/// print: the guide must give text, background and primary (guide validation says so), so
/// no color outside the palette is ever invented.
fn fill_missing_roles(colors: &mut BTreeMap<String, String>) {
    for (role, fallbacks) in [
        ("secondary", &["primary"][..]),
        ("accent", &["secondary", "primary"][..]),
        ("surface", &["background"][..]),
    ] {
        if !colors.contains_key(role)
            && let Some(hex) = fallbacks.iter().find_map(|f| colors.get(*f)).cloned()
        {
            colors.insert(role.to_string(), hex);
        }
    }
}

/// A font stack safe inside a `style="…"` attribute (single quotes), ending with the
/// Outlook/Gmail-safe fallbacks when the guide lists none.
pub fn email_stack(guide: &Guide, role: &crate::brand::FontRole) -> String {
    let mut stack = guide.css_stack(role).replace('"', "'");
    let lower = stack.to_ascii_lowercase();
    if !["tahoma", "arial", "helvetica", "verdana"]
        .iter()
        .any(|f| lower.contains(f))
    {
        stack.push_str(", Tahoma, Arial");
    }
    if !lower.contains("sans-serif") && !lower.ends_with("serif") {
        stack.push_str(", sans-serif");
    }
    stack
}

/// The stack for `code` and `pre`: the body's email stack when the guide has no code role
/// (code is set in the body font), else [`Guide::code_stack`] with single quotes. Outlook
/// and Gmail have none of the brand's web fonts, so when the code role names no web-safe
/// family, Courier New (Latin) and Tahoma (Thai on Windows) go before the generic family.
pub fn email_code_stack(guide: &Guide) -> String {
    if guide.code().is_none() {
        return email_stack(guide, guide.body());
    }
    let stack = guide.code_stack().replace('"', "'");
    let lower = stack.to_ascii_lowercase();
    let web_safe = [
        "courier",
        "consolas",
        "lucida console",
        "tahoma",
        "arial",
        "helvetica",
        "verdana",
    ];
    if web_safe.iter().any(|f| lower.contains(f)) {
        return stack;
    }
    const SAFE: &str = "'Courier New', Tahoma";
    match stack.rsplit_once(", ") {
        Some((head, last)) if crate::brand::GENERIC_FAMILIES.contains(&last) => {
            format!("{head}, {SAFE}, {last}")
        }
        _ => format!("{stack}, {SAFE}, monospace"),
    }
}

/// `@font-face` sources for clients that load web fonts (Apple Mail, iOS): the web
/// channel's font files under `base_url`.
fn font_faces(project: &Project, assets: &Assets) -> Vec<FontFace> {
    if project.guide.channels.web.base_url.is_none() {
        return Vec::new();
    }
    web_fonts(&project.guide, assets)
        .into_iter()
        .filter(|f| !f.italic)
        .filter_map(|f| {
            Some(FontFace {
                url: project.output_url(&format!("web/assets/fonts/{}", f.file))?,
                family: f.family,
                weight: f.weight,
            })
        })
        .collect()
}

/// The facts box rows: the piece's facts, the promo code set apart.
fn facts(piece: &Piece) -> Vec<Fact> {
    piece
        .fact_lines()
        .into_iter()
        .map(|f| Fact {
            code: f.kind == FactKind::PromoCode,
            label: f.label,
            value: f.value,
        })
        .collect()
}

fn plain_text(
    piece: &Piece,
    guide: &Guide,
    facts: &[Fact],
    cta: Option<&BTreeMap<&str, String>>,
    page_link: Option<&str>,
    link: &dyn Fn(&str) -> String,
) -> String {
    let title = piece.title(Channel::Email);
    let mut out = personalize::greeting_text(piece, guide)
        .map(|g| format!("{g}\n\n"))
        .unwrap_or_default();
    out += &format!(
        "{title}\n{}\n\n{}\n\n",
        "=".repeat(title.chars().count().clamp(3, 60)),
        piece.summary(Channel::Email)
    );
    if !facts.is_empty() {
        for f in facts {
            out.push_str(&format!("{}: {}\n", f.label, f.value));
        }
        out.push('\n');
    }
    let body = text::blocks(&piece.body, link);
    if !body.is_empty() {
        out.push_str(&body);
        out.push_str("\n\n");
    }
    if let Some(cta) = cta {
        out.push_str(&format!("{}: {}\n\n", cta["text"], cta["url"]));
    }
    if let Some(url) = page_link {
        let label = if piece.is_thai() {
            "ดูบนเว็บ"
        } else {
            "View in browser"
        };
        out.push_str(&format!("{label}: {url}\n\n"));
    }
    out.push_str("-- \n");
    out.push_str(&guide.brand.name);
    if let Some(date) = &piece.meta.date {
        out.push_str(&format!(" · {}", format_date(date, piece.lang)));
    }
    out.push('\n');
    out
}

/// The guide's logo as a PNG at twice its displayed size, with the displayed size. An SVG
/// logo (parsed in the `brand/` sandbox by the asset store) is rasterized; a PNG logo is
/// sent as it is; a JPEG, WebP or GIF logo is converted to PNG.
fn raster_logo(guide: &Guide, assets: &Assets) -> Result<RasterLogo> {
    let logo = assets.logo()?;
    let path = assets.logo_path()?;
    let height = LOGO_HEIGHT.max(guide.logo.min_size.email).round() as u32;
    match &logo.content {
        Content::Svg(tree) => {
            let (png, w, h) =
                rasterize(tree, Scale::ToHeight(height * 2)).map_err(|e| Error::file(path, e))?;
            Ok(RasterLogo {
                png,
                width: (w as f32 / 2.0).round() as u32,
                height: (h as f32 / 2.0).round() as u32,
            })
        }
        Content::Raster(image) => {
            let (w, h) = (image.width, image.height);
            let width = (w as f32 * height as f32 / h.max(1) as f32).round() as u32;
            let png = if logo.format == Format::Png {
                logo.bytes.clone()
            } else {
                assets::decode::encode_png(image).map_err(|e| Error::file(path, e))?
            };
            Ok(RasterLogo { png, width, height })
        }
    }
}

/// How an SVG is scaled when rasterized.
#[derive(Debug, Clone, Copy)]
enum Scale {
    ToWidth(u32),
    ToHeight(u32),
}

/// Renders a parsed SVG at `scale`; returns the PNG and its size. The pixmap is checked
/// against the pixel limits first: a logo 100000 units wide and 1 high, drawn 112 px high,
/// would otherwise be an 11-gigapixel allocation.
fn rasterize(tree: &usvg::Tree, scale: Scale) -> Result<(Vec<u8>, u32, u32), String> {
    let size = tree.size();
    let s = match scale {
        Scale::ToWidth(w) => w as f32 / size.width(),
        Scale::ToHeight(h) => h as f32 / size.height(),
    };
    let (w, h) = (
        (size.width() * s).round().max(1.0),
        (size.height() * s).round().max(1.0),
    );
    limits::check_size(w, h).map_err(|e| format!("rasterized for email {e}"))?;
    let (w, h) = (w as u32, h as u32);
    let mut pixmap =
        tiny_skia::Pixmap::new(w, h).ok_or_else(|| format!("cannot be rendered at {w}×{h} px"))?;
    resvg::render(
        tree,
        tiny_skia::Transform::from_scale(s, s),
        &mut pixmap.as_mut(),
    );
    let png = pixmap
        .encode_png()
        .map_err(|e| format!("cannot be encoded as PNG: {e}"))?;
    Ok((png, w, h))
}

#[cfg(test)]
mod tests;
