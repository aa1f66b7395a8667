//! The staging tree: a fresh folder beside the output (`.<out>.staging-<pid>-<time>`)
//! that a build writes into while it renders, and that replaces the output only when
//! everything rendered (`swap.rs`).
//!
//! The folder is created by this build (`create_dir` fails on anything already there,
//! a symbolic link included) and every file in it is created new (`O_CREAT|O_EXCL`, which
//! never follows a link), so nothing planted in the old output or beside it can redirect
//! a write. The whole tree is flushed to disk once, before the swap ([`Staging::flush`]),
//! so a power cut after the swap leaves a whole tree. Dropping a `Staging` removes
//! whatever is at its path: the unfinished tree after a failure, or the old output that
//! the swap moved there.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use super::claims::{Claimed, Claims, differing_again};
use super::manifest::is_plain_file;
use super::out_dir::OutDir;
use crate::error::{Error, Result};

pub const STAGING: &str = "staging-";

#[derive(Debug)]
pub struct Staging {
    root: PathBuf,
    claims: Claims,
    /// Folders already created, so each is made once (a `mkdir` per file is slow).
    made: Mutex<HashSet<PathBuf>>,
}

impl Staging {
    /// Creates a new, empty staging folder beside `out`.
    pub fn create(out: &OutDir) -> Result<Staging> {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        for attempt in 0..100u32 {
            let root = out.sibling(&format!(
                "{STAGING}{}-{nanos}-{attempt}",
                std::process::id()
            ));
            match std::fs::create_dir(&root) {
                Ok(()) => {
                    return Ok(Staging {
                        root,
                        claims: Claims::default(),
                        made: Mutex::default(),
                    });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(Error::file(&root, e)),
            }
        }
        Err(Error::file(
            out.parent(),
            "could not create a staging folder with a fresh name",
        ))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Writes one output (claiming its path for `owner`). The same owner
    /// may write the same bytes to one path twice (one image used twice); different bytes
    /// are an error.
    pub fn write(&self, rel: &Path, bytes: &[u8], owner: &str) -> Result<()> {
        let path = self.root.join(rel);
        if self.claims.claim(rel, owner)? == Claimed::Again {
            return match std::fs::read(&path) {
                Ok(existing) if existing == bytes => Ok(()),
                _ => Err(differing_again(rel, owner)),
            };
        }
        self.make_parent(&path)?;
        let mut file = create_new(&path)?;
        file.write_all(bytes).map_err(|e| Error::file(&path, e))
    }

    /// Puts a file of the previous output at the same place in the new tree (a hard link,
    /// or a copy where links are not possible). Returns false, writing nothing, when the
    /// previous file is missing or is not a plain file.
    pub fn keep(&self, old_root: &Path, rel: &Path, owner: &str) -> Result<bool> {
        if !is_plain_file(old_root, rel) {
            return Ok(false);
        }
        if self.claims.claim(rel, owner)? == Claimed::Again {
            return Ok(true);
        }
        let from = old_root.join(rel);
        let to = self.root.join(rel);
        self.make_parent(&to)?;
        if std::fs::hard_link(&from, &to).is_ok() {
            return Ok(true);
        }
        let bytes = std::fs::read(&from).map_err(|e| Error::file(&from, e))?;
        let mut file = create_new(&to)?;
        file.write_all(&bytes).map_err(|e| Error::file(&to, e))?;
        Ok(true)
    }

    /// Puts a file of the build cache at `rel` (claiming it for `owner`): a hard link to
    /// the cache's blob `from`, or a copy where links are not possible. The same owner
    /// may put the same bytes on one path twice; different bytes are an error.
    pub fn link(&self, from: &Path, rel: &Path, owner: &str) -> Result<()> {
        let to = self.root.join(rel);
        if self.claims.claim(rel, owner)? == Claimed::Again {
            return match (std::fs::read(&to), std::fs::read(from)) {
                (Ok(a), Ok(b)) if a == b => Ok(()),
                _ => Err(differing_again(rel, owner)),
            };
        }
        self.make_parent(&to)?;
        if std::fs::hard_link(from, &to).is_ok() {
            return Ok(());
        }
        let bytes = std::fs::read(from).map_err(|e| Error::file(from, e))?;
        let mut file = create_new(&to)?;
        file.write_all(&bytes).map_err(|e| Error::file(&to, e))
    }

    /// Puts the whole tree on disk before the swap. On Linux one `syncfs` flushes the
    /// filesystem holding it: one journal commit instead of one per file (flushing each
    /// of 1,500 files made a 300-piece web and email build 2.5× slower). Elsewhere every
    /// file, then every folder deepest first, is flushed.
    pub fn flush(&self) -> Result<()> {
        #[cfg(target_os = "linux")]
        {
            let root = File::open(&self.root).map_err(|e| Error::file(&self.root, e))?;
            rustix::fs::syncfs(&root).map_err(|e| Error::file(&self.root, e))
        }
        #[cfg(not(target_os = "linux"))]
        {
            let entries: Vec<walkdir::DirEntry> = walkdir::WalkDir::new(&self.root)
                .contents_first(true)
                .into_iter()
                .filter_map(|e| e.ok())
                .collect();
            for entry in entries {
                if entry.file_type().is_dir() {
                    sync_folder(entry.path())?;
                } else if entry.file_type().is_file() {
                    File::open(entry.path())
                        .and_then(|f| f.sync_all())
                        .map_err(|e| Error::file(entry.path(), e))?;
                }
            }
            Ok(())
        }
    }

    fn make_parent(&self, path: &Path) -> Result<()> {
        let dir = path.parent().unwrap_or(&self.root);
        let made = |d: &Path| self.lock_made().contains(d);
        if dir == self.root || made(dir) {
            return Ok(());
        }
        std::fs::create_dir_all(dir).map_err(|e| Error::file(dir, e))?;
        self.lock_made().insert(dir.to_path_buf());
        Ok(())
    }

    fn lock_made(&self) -> std::sync::MutexGuard<'_, HashSet<PathBuf>> {
        self.made.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        remove_tree(&self.root);
    }
}

/// Creates a file that must not exist yet (never follows a link at its name).
fn create_new(path: &Path) -> Result<File> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| Error::file(path, e))
}

/// Flushes a folder's entries to disk.
pub fn sync_folder(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)
            .and_then(|f| f.sync_all())
            .map_err(|e| Error::file(dir, e))
    }
    #[cfg(not(unix))]
    {
        // Folders cannot be opened for flushing on Windows; NTFS journals renames.
        let _ = dir;
        Ok(())
    }
}

/// Removes a folder tree (or a link or file) at `path` without following links.
pub fn remove_tree(path: &Path) -> bool {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => std::fs::remove_dir_all(path).is_ok(),
        Ok(_) => std::fs::remove_file(path).is_ok(),
        Err(_) => true,
    }
}
