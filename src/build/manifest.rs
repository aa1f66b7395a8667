//! The manifest of a build: every file it wrote, with the channel and piece behind it.
//! It is stored in the marker file at the top of the output ([`MARKER`]), so the next
//! build both recognises the folder as ours and knows what each file belongs to.
//!
//! A partial build (`--channels web`) starts from a fresh tree like any build; the
//! manifest lets it keep the *other* channels' previous files: those of the channels'
//! shared assets and of pieces that still exist and still publish to that channel. Files
//! of deleted pieces vanish from every channel. The previous output is untrusted (it may
//! come from a pull request), so a kept file must be a regular file reached through real
//! folders, on a plain relative path.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::claims::check_relative;
use crate::error::{Error, Result};
use crate::project::Project;
use crate::render::Channel;

/// A manifest bigger than this is not read (a planted one could be huge).
const MAX_MANIFEST_BYTES: u64 = 64 << 20;

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// `brandpress <version>`.
    pub generator: String,
    /// Which shard of a split this output is (`build --shard I/N`); none for a whole
    /// build or a merge. `merge` refuses a split with a shard missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<ShardOf>,
    pub files: Vec<Entry>,
}

/// A shard's place in its split, with the channels its folder holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShardOf {
    /// 1-based.
    pub index: u32,
    pub count: u32,
    /// Sorted channel names: those the build rendered and those it kept.
    pub channels: Vec<String>,
}

/// One output file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Relative to the output folder, `/`-separated.
    pub path: String,
    pub channel: String,
    /// The slug of the piece it was rendered from; none for a channel's shared assets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub piece: Option<String>,
    /// The segment whose variant of the piece it is; none for the piece's own outputs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
}

impl Entry {
    pub fn new(path: &Path, channel: Channel, piece: Option<&str>) -> Entry {
        Entry {
            path: path
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/"),
            channel: channel.name().to_string(),
            piece: piece.map(str::to_string),
            segment: None,
        }
    }

    /// This entry as an output of `segment`'s variant of its piece.
    pub fn for_segment(mut self, segment: Option<&str>) -> Entry {
        self.segment = segment.map(str::to_string);
        self
    }

    pub fn relative(&self) -> PathBuf {
        self.path.split('/').collect()
    }
}

impl Manifest {
    pub fn new(mut files: Vec<Entry>) -> Manifest {
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Manifest {
            generator: format!("brandpress {}", env!("CARGO_PKG_VERSION")),
            shard: None,
            files,
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).expect("a manifest serializes");
        bytes.push(b'\n');
        bytes
    }

    /// Reads the manifest of a previous output (its marker file).
    pub fn read(marker: &Path) -> Result<Manifest> {
        let file = std::fs::File::open(marker).map_err(|e| Error::file(marker, e))?;
        let mut bytes = Vec::new();
        file.take(MAX_MANIFEST_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::file(marker, e))?;
        if bytes.len() as u64 > MAX_MANIFEST_BYTES {
            return Err(Error::file(
                marker,
                format!("manifest over {MAX_MANIFEST_BYTES} bytes"),
            ));
        }
        serde_json::from_slice(&bytes).map_err(|e| Error::file(marker, e))
    }

    /// The previous files a build of `built` channels keeps: other channels' files whose
    /// piece still exists and still publishes there (for a segment's variant: whose piece
    /// still has that variant), and those channels' shared assets.
    pub fn kept(&self, project: &Project, built: &[Channel]) -> Vec<Entry> {
        let publishes: HashMap<&str, &crate::content::Piece> = project
            .pieces
            .iter()
            .map(|p| (p.slug.as_str(), p))
            .collect();
        let mut seen = HashSet::new();
        self.files
            .iter()
            .filter(|entry| {
                let Ok(channel) = entry.channel.parse::<Channel>() else {
                    return false;
                };
                if built.contains(&channel) || !entry.path.starts_with(&format!("{channel}/")) {
                    return false;
                }
                let piece_alive = match &entry.piece {
                    None => true,
                    Some(slug) => publishes.get(slug.as_str()).is_some_and(|p| {
                        p.publishes_to(channel)
                            && entry
                                .segment
                                .as_deref()
                                .is_none_or(|s| p.variant(s).is_some())
                    }),
                };
                piece_alive
                    && check_relative(&entry.relative()).is_ok()
                    && seen.insert(entry.path.clone())
            })
            .cloned()
            .collect()
    }
}

/// Whether `rel` under `root` is a regular file reached through real folders only (no
/// symbolic link anywhere on the way).
pub fn is_plain_file(root: &Path, rel: &Path) -> bool {
    let mut path = root.to_path_buf();
    let mut parts = rel.components().peekable();
    while let Some(part) = parts.next() {
        path.push(part);
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            return false;
        };
        let want_dir = parts.peek().is_some();
        if meta.file_type().is_symlink() || (want_dir && !meta.is_dir()) {
            return false;
        }
        if !want_dir && !meta.is_file() {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::out_dir::MARKER;

    #[test]
    fn round_trips_sorted_with_thai_paths() {
        let m = Manifest::new(vec![
            Entry::new(Path::new("web/ข่าว/index.html"), Channel::Web, Some("ข่าว")),
            Entry::new(Path::new("email/assets/logo.png"), Channel::Email, None),
        ]);
        let tmp = tempfile::tempdir().unwrap();
        let marker = tmp.path().join(MARKER);
        std::fs::write(&marker, m.to_bytes()).unwrap();
        let back = Manifest::read(&marker).unwrap();
        assert_eq!(back.files[0].path, "email/assets/logo.png");
        assert_eq!(back.files[1].relative(), Path::new("web/ข่าว/index.html"));
        assert_eq!(back.files[1].piece.as_deref(), Some("ข่าว"));
    }

    #[cfg(unix)]
    #[test]
    fn a_file_behind_a_link_is_not_plain() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("out");
        std::fs::create_dir_all(root.join("email")).unwrap();
        std::fs::write(root.join("email/a.html"), "ก").unwrap();
        std::fs::create_dir_all(tmp.path().join("outside")).unwrap();
        std::fs::write(tmp.path().join("outside/b.html"), "ข").unwrap();
        std::os::unix::fs::symlink(tmp.path().join("outside"), root.join("print")).unwrap();
        std::os::unix::fs::symlink(tmp.path().join("outside/b.html"), root.join("email/b.html"))
            .unwrap();
        assert!(is_plain_file(&root, Path::new("email/a.html")));
        assert!(!is_plain_file(&root, Path::new("email/b.html")));
        assert!(!is_plain_file(&root, Path::new("print/b.html")));
        assert!(!is_plain_file(&root, Path::new("email")));
    }
}
