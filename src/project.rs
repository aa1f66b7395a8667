//! A project: a directory with `brand/brand.toml`, `content/` and `templates/`.

use std::path::{Path, PathBuf};

use crate::brand::{Guide, display_path};
use crate::channel::Channel;
use crate::content::{self, Piece};
use crate::error::Result;

pub struct Project {
    pub root: PathBuf,
    pub guide: Guide,
    pub pieces: Vec<Piece>,
}

impl Project {
    /// Loads the guide and every piece, reporting every broken file at once.
    pub fn load(root: &Path) -> Result<Project> {
        let root = display_path(root);
        let guide = Guide::load(&root)?;
        let pieces = content::load_all(&root, &guide.sandbox)?;
        content::check_segments(&pieces, &guide)?;
        Ok(Project {
            root,
            guide,
            pieces,
        })
    }

    pub fn templates_dir(&self, channel: Channel) -> PathBuf {
        self.root.join("templates").join(channel.name())
    }

    /// The public URL of a piece's web page, when the guide sets `[channels.web] base_url`.
    pub fn page_url(&self, piece: &Piece) -> Option<String> {
        let base = self.guide.channels.web.base_url.as_deref()?;
        let sep = if base.ends_with('/') { "" } else { "/" };
        Some(format!(
            "{base}{sep}{}/{}/",
            piece.channel_dir(Channel::Web),
            piece.slug
        ))
    }

    /// The public URL of a file in the output directory (`social/x-og.png`).
    pub fn output_url(&self, relative: &str) -> Option<String> {
        let base = self.guide.channels.web.base_url.as_deref()?;
        let sep = if base.ends_with('/') { "" } else { "/" };
        Some(format!("{base}{sep}{relative}"))
    }
}
