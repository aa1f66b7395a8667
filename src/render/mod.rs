//! Renderers: one per channel, each turning the document model into output files.
//!
//! A renderer is built once per build (templates and fonts loaded once) and then renders
//! pieces in parallel; it returns one piece's files, which the build writes into its
//! staging tree at once (the output folder is replaced only when every piece rendered).

pub mod email;
pub mod html;
pub mod paint;
pub mod print;
pub mod social;
pub mod web;

use std::path::PathBuf;
use std::sync::Arc;

use crate::assets::Assets;
use crate::content::Piece;
use crate::error::Result;
use crate::project::Project;

pub use crate::channel::Channel;

/// A file to write, relative to the output directory.
#[derive(Debug, Clone)]
pub struct Output {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
    /// What a picture or PDF shows, for the campaign manifest (HTML and text outputs are
    /// read back from their bytes instead).
    pub shown: Option<Shown>,
    /// Pictures of its pages for the contact sheet, painted from the layout (a PDF's
    /// thumbnails, so the sheet need not rasterize the PDF again); empty for the others.
    pub previews: Vec<PagePreview>,
}

/// Pixels on the long side of a page preview (the contact sheet's PDF thumbnails).
pub const PREVIEW_LONG_SIDE: f32 = 280.0;
/// Pages of an output given previews, at most.
pub const PREVIEW_PAGES: usize = 12;

/// One page of an output as the contact sheet shows it.
#[derive(Debug, Clone)]
pub struct PagePreview {
    /// The page's size in its own unit (PDF points: the media box).
    pub size: (f32, f32),
    /// A PNG of the page, [`PREVIEW_LONG_SIDE`] pixels on its long side.
    pub png: Vec<u8>,
}

impl Output {
    pub fn new(path: impl Into<PathBuf>, bytes: impl Into<Vec<u8>>) -> Self {
        Self {
            path: path.into(),
            bytes: bytes.into(),
            shown: None,
            previews: Vec::new(),
        }
    }

    /// This output with what it shows.
    pub fn showing(mut self, shown: Shown) -> Self {
        self.shown = Some(shown);
        self
    }

    /// This output with pictures of its pages.
    pub fn with_previews(mut self, previews: Vec<PagePreview>) -> Self {
        self.previews = previews;
        self
    }
}

/// What a laid-out output shows: the text as it was laid out (line by line, in logical
/// order with its Thai marks), the links it carries (a QR code's address) and, for
/// cards, the preset.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shown {
    pub text: String,
    pub links: Vec<String>,
    pub preset: Option<String>,
}

/// What rendering one piece (or a channel's shared assets) produced.
#[derive(Debug, Default)]
pub struct Rendered {
    pub outputs: Vec<Output>,
    /// Non-fatal problems worth telling the user (printed by the build).
    pub warnings: Vec<String>,
}

impl From<Vec<Output>> for Rendered {
    fn from(outputs: Vec<Output>) -> Self {
        Rendered {
            outputs,
            warnings: Vec::new(),
        }
    }
}

/// A channel renderer. Built once per build; `render` runs on many threads at once.
pub trait Renderer: Sync {
    fn channel(&self) -> Channel;
    /// Files shared by every piece of the channel (stylesheets, fonts, logo).
    fn assets(&self) -> Result<Rendered> {
        Ok(Rendered::default())
    }
    /// The files of one piece.
    fn render(&self, piece: &Piece) -> Result<Rendered>;
}

/// Channels this build of brandpress can render.
pub const AVAILABLE: &[Channel] = &Channel::ALL;

/// Builds the renderer of `channel` for a project over the build's asset store (one
/// store for every channel: fonts, logo and pictures are read once).
pub fn renderer<'a>(
    channel: Channel,
    project: &'a Project,
    assets: &Arc<Assets>,
) -> Result<Box<dyn Renderer + 'a>> {
    let assets = Arc::clone(assets);
    Ok(match channel {
        Channel::Web => Box::new(web::WebRenderer::with_assets(project, assets)?),
        Channel::Email => Box::new(email::EmailRenderer::with_assets(project, assets)?),
        Channel::Social => Box::new(social::SocialRenderer::with_assets(project, assets)?),
        Channel::Print => Box::new(print::PrintRenderer::with_assets(project, assets)?),
    })
}

/// The sections of the guide a channel's outputs depend on: `[brand]`, `[colors]`,
/// `[fonts]`, `[logo]`, `[links]`, `[segments]` and `[channels.web]` (its `base_url`
/// reaches every channel's links) for all, plus the channel's own `[channels.<name>]`.
/// `[tone]`, `[lint]` and the other channels' settings are read by lint only, so
/// changing them re-renders nothing (the build cache keys on this list).
pub fn guide_sections(channel: Channel) -> Vec<String> {
    let mut sections: Vec<String> = ["brand", "colors", "fonts", "logo", "links", "segments"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    sections.push("channels.web".into());
    if channel != Channel::Web {
        sections.push(format!("channels.{}", channel.name()));
    }
    sections
}

/// SHA-256 of the guide sections `channel` depends on ([`guide_sections`]), as written
/// (a section's value, not its comments or place in the file).
pub fn guide_digest(guide: &crate::brand::Guide, channel: Channel) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let table: toml::Table = toml::from_str(&guide.source.text).unwrap_or_default();
    let mut hash = Sha256::new();
    for section in guide_sections(channel) {
        let mut value = Some(&table);
        let mut found: Option<&toml::Value> = None;
        for key in section.split('.') {
            found = value.and_then(|t| t.get(key));
            value = found.and_then(|v| v.as_table());
        }
        hash.update(section.as_bytes());
        hash.update(b"\0");
        // `Value`'s JSON form is canonical for one source (key order as written)
        hash.update(serde_json::to_vec(&found).unwrap_or_default());
        hash.update(b"\0");
    }
    hash.finalize().into()
}
