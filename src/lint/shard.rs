//! `lint --shard I/N`: the files of the linted paths that are shard `I`'s.
//!
//! In a folder we built (one holding `manifest.json`) a file goes with its piece, as
//! `build --shard` splits them: an output of a piece to the piece's shard, a channel's
//! shared asset to shard 1. Any other file (a foreign folder, a file the manifest does
//! not list) goes by its path below the linted folder, so every machine of a fleet agrees
//! wherever it checked the files out.
//!
//! The campaign-wide checks (`consistency/mismatch`) are not run on a shard: they are run
//! once over the whole campaign by `brandpress merge` (or by an unsharded lint).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::content::shard::Shard;
use crate::lint::Roots;
use crate::manifest::CampaignManifest;

/// Which files a shard lints.
pub struct Selection {
    shard: Shard,
    /// Every output of our folders → its piece (none: a shared asset).
    pieces: HashMap<PathBuf, Option<String>>,
}

impl Selection {
    /// The selection of `shard` among `paths`, reading the campaign manifests of the
    /// folders among them that we built (`ours`).
    pub fn new(shard: Shard, ours: &[PathBuf]) -> Selection {
        let mut pieces = HashMap::new();
        for dir in ours {
            for record in CampaignManifest::previous(dir) {
                if let Some(path) = super::consistency::inside(dir, &record.path) {
                    pieces.insert(path, record.piece);
                }
            }
        }
        Selection { shard, pieces }
    }

    /// Whether `path` (as found under the linted paths) is this shard's.
    pub fn keeps(&self, path: &Path, roots: &Roots) -> bool {
        match self.pieces.get(path) {
            Some(Some(slug)) => self.shard.has_piece(slug),
            Some(None) => self.shard.is_first(),
            None => {
                let relative = roots.relative(path);
                let relative: Vec<_> = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect();
                self.shard.has_path(&relative.join("/"))
            }
        }
    }
}
