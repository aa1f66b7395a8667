//! The web channel: one responsive HTML page per piece from `templates/web/page.html`
//! (tera, autoescaped), plus shared assets: `brand.css` from the guide and the layout
//! stylesheet, the brand fonts and the logo.
//!
//! Output: `web/<slug>/index.html`, `web/<slug>/<images>`, `web/assets/…`; a segment's
//! variant of a piece goes to `web/<segment>/<slug>/` (with its own copies of the
//! piece's images), its relative links to `web/assets/` one folder longer.

mod css;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;
use tera::{Context, Tera};

use crate::assets::{self, Assets, Format};
use crate::content::{Facts, Labels, LocalFile, Piece, format_date};
use crate::error::{Error, Result};
use crate::links;
use crate::paths::Sandbox;
use crate::project::Project;
use crate::render::html;
use crate::render::{Channel, Output, Rendered, Renderer};

pub use css::{WebFont, brand_css, web_fonts};

/// Loads every `*.html` template of a channel directory with autoescaping on, naming the
/// file and line of a template error. Templates come in pull requests like content, so
/// each file is read through the project's sandbox (a template linked to a file outside
/// the project is refused), and tera's `get_env` is disabled: a template must not publish
/// the CI runner's secrets.
pub fn load_templates(dir: &Path, sandbox: &Sandbox) -> Result<Tera> {
    if !dir.is_dir() {
        return Err(Error::file(dir, "template directory not found"));
    }
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::file(dir, e))?;
        let path = entry.path();
        if entry.file_type().is_dir() || path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let rel = path.strip_prefix(dir).unwrap_or(path);
        let text = read_template(path, sandbox)?;
        files.push((rel.to_string_lossy().replace('\\', "/"), text));
    }
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html"]);
    tera.register_function("get_env", |_: &HashMap<String, tera::Value>| {
        Err(tera::Error::msg(
            "get_env is disabled: templates must not read the environment",
        ))
    });
    tera.add_raw_templates(files)
        .map_err(|e| Error::file(dir, tera_message(&e)))?;
    Ok(tera)
}

/// A template or stylesheet from `templates/`, read inside the sandbox.
pub fn read_template(path: &Path, sandbox: &Sandbox) -> Result<String> {
    let resolved = sandbox
        .resolve(
            path.parent().unwrap_or(Path::new("")),
            Path::new(path.file_name().unwrap_or_default()),
        )
        .map_err(|problem| Error::file(path, format!("template {problem}")))?;
    let bytes = sandbox
        .read(&resolved)
        .map_err(|problem| Error::file(path, format!("template {problem}")))?;
    String::from_utf8(bytes).map_err(|_| Error::file(path, "template is not UTF-8"))
}

/// A tera error with its whole chain ("Failed to parse … --> 3:5 …").
pub fn tera_message(e: &tera::Error) -> String {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

pub struct WebRenderer<'a> {
    project: &'a Project,
    tera: Tera,
    fonts: Vec<WebFont>,
}

#[derive(Serialize)]
struct FactsView<'a> {
    #[serde(flatten)]
    facts: &'a Facts,
    starts_display: Option<String>,
    ends_display: Option<String>,
}

impl<'a> WebRenderer<'a> {
    pub fn new(project: &'a Project) -> Result<Self> {
        Self::with_assets(project, Arc::new(Assets::load(&project.guide)?))
    }

    /// The renderer over the build's asset store (the fonts' families and weights read
    /// from the faces parsed once for every channel).
    pub fn with_assets(project: &'a Project, assets: Arc<Assets>) -> Result<Self> {
        let dir = project.templates_dir(Channel::Web);
        let tera = load_templates(&dir, &project.guide.sandbox)?;
        if !tera.get_template_names().any(|n| n == "page.html") {
            return Err(Error::file(
                dir.join("page.html"),
                "the web channel needs this template",
            ));
        }
        Ok(WebRenderer {
            project,
            tera,
            fonts: web_fonts(&project.guide, &assets),
        })
    }
}

impl Renderer for WebRenderer<'_> {
    fn channel(&self) -> Channel {
        Channel::Web
    }

    fn assets(&self) -> Result<Rendered> {
        let guide = &self.project.guide;
        let mut css = brand_css(guide, &self.fonts, "fonts");
        let layout = self.project.templates_dir(Channel::Web).join("layout.css");
        if layout.is_file() {
            css.push('\n');
            css.push_str(&read_template(&layout, &guide.sandbox)?);
        }
        let mut outputs = vec![Output::new("web/assets/brand.css", css)];
        for font in &self.fonts {
            let path = guide.font_path(&font.file);
            let bytes = std::fs::read(&path).map_err(|e| Error::file(&path, e))?;
            outputs.push(Output::new(
                format!("web/assets/fonts/{}", font.file),
                bytes,
            ));
        }
        for logo in guide.logo.files.iter().chain(&guide.logo.dark) {
            let path = guide.logo_path(logo.get_ref());
            let bytes = std::fs::read(&path).map_err(|e| Error::file(&path, e))?;
            let name = Path::new(logo.get_ref()).file_name().unwrap_or_default();
            outputs.push(Output::new(Path::new("web/assets").join(name), bytes));
        }
        Ok(outputs.into())
    }

    fn render(&self, piece: &Piece) -> Result<Rendered> {
        let project = self.project;
        let guide = &project.guide;
        let dir = format!("{}/{}", piece.channel_dir(Channel::Web), piece.slug);
        // `../` up to `web/`: one more from a segment's folder (`web/<segment>/<slug>/`).
        let up = "../".repeat(1 + piece.depth());
        let mut outputs = Vec::new();

        // Files next to the page: the hero and the body's local images and linked files,
        // all resolved inside the project when the piece was loaded. The hero is held to
        // the formats every channel accepts (browsers show them all, WebP and GIF too),
        // and pictures to the same pixel limits as on every other channel.
        for (i, file) in piece.hero.iter().chain(piece.files.values()).enumerate() {
            let at = |problem: String| -> Error {
                piece
                    .source
                    .error(
                        file.span.clone(),
                        format!("{} {problem}", file.name),
                        "here",
                    )
                    .into()
            };
            let bytes = guide
                .sandbox
                .read(&file.path)
                .map_err(|problem| at(problem.to_string()))?;
            let is_hero = i == 0 && piece.hero.is_some();
            if is_hero {
                assets::check(&bytes, &file.path).map_err(at)?;
            } else if let Some(Format::Png | Format::Jpeg | Format::Gif | Format::Webp) =
                assets::sniff(&bytes, &file.path)
            {
                assets::limits::check_raster(&bytes).map_err(at)?;
            }
            outputs.push(Output::new(format!("{dir}/{}", file.name), bytes));
        }
        let hero = piece.hero.as_ref().map(|h| h.url());
        let link = |url: &str| links::decorate(url, Channel::Web, piece, guide);
        let local = |file: &LocalFile| file.url();
        let body = html::piece_body(piece, guide, Channel::Web, &local);

        let title = piece.title(Channel::Web);
        let summary = piece.summary(Channel::Web);
        let og_rel = format!(
            "{}/{}-og.png",
            piece.channel_dir(Channel::Social),
            piece.slug
        );
        let mut ctx = Context::new();
        ctx.insert("lang", &piece.lang);
        ctx.insert("title", title);
        ctx.insert("title_html", &html::text_with_lang(title, &piece.lang));
        ctx.insert("summary", summary);
        ctx.insert("summary_html", &html::text_with_lang(summary, &piece.lang));
        ctx.insert("body", &body);
        ctx.insert("slug", &piece.slug);
        let source = piece
            .source
            .path
            .strip_prefix(&project.root)
            .unwrap_or(&piece.source.path);
        ctx.insert("source", &source.to_string_lossy().replace('\\', "/"));
        ctx.insert(
            "cta",
            &piece.meta.cta.as_ref().map(|cta| {
                BTreeMap::from([
                    (
                        "text",
                        piece
                            .cta_text(Channel::Web)
                            .unwrap_or(cta.text.get_ref())
                            .to_string(),
                    ),
                    ("url", link(&cta.url)),
                ])
            }),
        );
        ctx.insert(
            "facts",
            &FactsView {
                facts: &piece.meta.facts,
                starts_display: piece
                    .meta
                    .facts
                    .starts
                    .as_ref()
                    .map(|d| format_date(d, piece.lang)),
                ends_display: piece
                    .meta
                    .facts
                    .ends
                    .as_ref()
                    .map(|d| format_date(d, piece.lang)),
            },
        );
        ctx.insert(
            "date",
            &piece.meta.date.as_ref().map(|d| format_date(d, piece.lang)),
        );
        ctx.insert("labels", &Labels::for_lang(piece.lang));
        ctx.insert("brand", &guide.brand.name);
        ctx.insert("assets", &format!("{up}assets"));
        let logo_file = guide.logo_file().unwrap_or_default();
        let logo_name = Path::new(logo_file)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("");
        // the dark variant, served in dark mode by a <picture> source ("" without one)
        let dark_src = guide
            .logo
            .dark
            .as_ref()
            .and_then(|d| Path::new(d.get_ref()).file_name()?.to_str())
            .map_or(String::new(), |name| format!("{up}assets/{name}"));
        ctx.insert(
            "logo",
            &BTreeMap::from([
                ("src", format!("{up}assets/{logo_name}")),
                ("alt", guide.logo.alt.clone()),
                ("dark_src", dark_src),
            ]),
        );
        ctx.insert("hero", &hero);
        ctx.insert("segments", &piece.segment_names());
        ctx.insert("segment", &piece.segment);
        ctx.insert(
            "og",
            &BTreeMap::from([
                (
                    "image",
                    project
                        .output_url(&og_rel)
                        .unwrap_or_else(|| format!("{up}../{og_rel}")),
                ),
                ("url", project.page_url(piece).unwrap_or_default()),
                (
                    "locale",
                    if piece.is_thai() { "th_TH" } else { "en_US" }.to_string(),
                ),
            ]),
        );
        let page = self.tera.render("page.html", &ctx).map_err(|e| {
            Error::file(
                project.templates_dir(Channel::Web).join("page.html"),
                format!(
                    "rendering {}: {}",
                    piece.source.path.display(),
                    tera_message(&e)
                ),
            )
        })?;
        outputs.push(Output::new(format!("{dir}/index.html"), page));
        Ok(outputs.into())
    }
}
