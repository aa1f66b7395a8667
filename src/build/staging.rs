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
//!
//! **The spare tree.** Making 2,000 folders and 8,000 links for a new tree, and removing
//! the old one after the swap, is most of what an incremental build costs. So the old
//! output the swap moved aside is kept beside the output as `.<out>.spare`
//! ([`Staging::into_spare`]), and the next build renames it to its staging name and
//! brings it up to date instead of starting empty: a file already there that is the same
//! file (device and inode) as the one to put in place — the cache's blob, or the previous
//! output's file — stays; any other file at an output's path is unlinked first and the
//! output created new; whatever no output claimed is removed before the flush
//! ([`Staging::flush`]), with the folders left empty. The spare is a folder we own but do
//! not trust: it is walked without following links, anything that is not a plain file
//! or folder is removed, and nothing is ever written through a file found there. A spare
//! that cannot be used is removed and the build starts from an empty tree. Any state of
//! a spare is fine to start from (a failed build's half-updated tree too), since every
//! file in it is checked or replaced; the swap alone decides what the output is.

use std::collections::{HashMap, HashSet};
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
/// The previous build's old output, kept in the build cache's folder to be the next
/// staging tree.
pub const SPARE: &str = "spare";
/// Nodes of a spare tree walked at most; a larger one is removed, not reused.
const MAX_SPARE_NODES: usize = 4_000_000;

/// How often a long build's files are written back while it renders
/// ([`Staging::writing_back`]).
const WRITE_BACK_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// A file's identity: device and inode.
pub type FileId = (u64, u64);

#[derive(Debug)]
pub struct Staging {
    root: PathBuf,
    claims: Claims,
    /// Folders already created, so each is made once (a `mkdir` per file is slow).
    made: Mutex<HashSet<PathBuf>>,
    /// Files of the spare tree no output has claimed yet (relative path → identity);
    /// empty for a fresh tree.
    spare: Mutex<HashMap<PathBuf, Option<FileId>>>,
    /// The spare tree's folders, deepest last, and as a set.
    spare_dirs: Vec<PathBuf>,
    spare_dir_set: HashSet<PathBuf>,
    /// Where the tree goes when this `Staging` is dropped (`.<out>.cache/spare`), when
    /// the cache folder is a real folder.
    spare_at: Option<PathBuf>,
}

#[cfg(unix)]
pub fn file_id(meta: &std::fs::Metadata) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
pub fn file_id(_meta: &std::fs::Metadata) -> Option<FileId> {
    None
}

impl Staging {
    /// A staging folder beside `out`: the spare tree the previous build left
    /// (`.<out>.spare`) renamed to a fresh staging name, else a new, empty folder.
    pub fn create(out: &OutDir) -> Result<Staging> {
        let mut staging = Self::create_empty(out)?;
        let cache = out.sibling(super::cache::CACHE);
        if !std::fs::symlink_metadata(&cache).is_ok_and(|m| m.is_dir()) {
            return Ok(staging);
        }
        let spare = cache.join(SPARE);
        staging.spare_at = Some(spare.clone());
        match std::fs::symlink_metadata(&spare) {
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => {
                remove_tree(&spare);
                return Ok(staging);
            }
            Err(_) => return Ok(staging),
        }
        // the empty folder made the fresh name ours; the spare takes its place
        if std::fs::remove_dir(&staging.root).is_err()
            || std::fs::rename(&spare, &staging.root).is_err()
        {
            remove_tree(&spare);
            let _ = std::fs::create_dir(&staging.root);
            return Ok(staging);
        }
        if !staging.take_spare() {
            remove_tree(&staging.root);
            staging.spare_dirs.clear();
            staging.spare_dir_set.clear();
            staging.lock_spare().clear();
            staging.lock_made().clear();
            std::fs::create_dir(&staging.root).map_err(|e| Error::file(&staging.root, e))?;
        }
        Ok(staging)
    }

    /// Walks the spare tree now at the staging root: files and folders are listed,
    /// anything else removed. False when it cannot be used.
    fn take_spare(&mut self) -> bool {
        let mut files = HashMap::new();
        let mut dirs = Vec::new();
        let mut made = HashSet::new();
        for (n, entry) in walkdir::WalkDir::new(&self.root)
            .follow_links(false)
            .min_depth(1)
            .into_iter()
            .enumerate()
        {
            let Ok(entry) = entry else { return false };
            if n > MAX_SPARE_NODES {
                return false;
            }
            let Ok(rel) = entry.path().strip_prefix(&self.root) else {
                return false;
            };
            let kind = entry.file_type();
            if kind.is_dir() {
                made.insert(entry.path().to_path_buf());
                dirs.push(rel.to_path_buf());
            } else if kind.is_file() {
                let id = entry.metadata().ok().as_ref().and_then(file_id);
                files.insert(rel.to_path_buf(), id);
            } else if std::fs::remove_file(entry.path()).is_err() {
                return false;
            }
        }
        self.spare_dir_set = dirs.iter().cloned().collect();
        self.spare_dirs = dirs;
        *self.lock_spare() = files;
        *self.lock_made() = made;
        true
    }

    /// Makes room at `rel` for a new file: a spare file there is unlinked. When `same`
    /// names the file to put there (with its identity when the caller just stated it)
    /// and the spare's is that very file, it stays and true is returned (nothing to do).
    fn clear_spare(&self, rel: &Path, same: Option<(&Path, Option<FileId>)>) -> Result<bool> {
        let Some(found) = self.lock_spare().remove(rel) else {
            if self.spare_dir_set.contains(rel) {
                // a spare folder where a file goes (its files are pruned as gone)
                remove_tree(&self.root.join(rel));
            }
            return Ok(false);
        };
        let path = self.root.join(rel);
        if let (Some(found), Some((same, known))) = (found, same)
            && known
                .or_else(|| std::fs::metadata(same).ok().as_ref().and_then(file_id))
                .is_some_and(|id| id == found)
        {
            return Ok(true);
        }
        std::fs::remove_file(&path).map_err(|e| Error::file(&path, e))?;
        Ok(false)
    }

    /// Removes the spare tree's files no output claimed, then its folders left empty.
    fn prune_spare(&self) -> Result<()> {
        let rest: Vec<PathBuf> = self.lock_spare().drain().map(|(rel, _)| rel).collect();
        for rel in rest {
            let path = self.root.join(rel);
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(Error::file(&path, e));
                }
                _ => {}
            }
        }
        for dir in self.spare_dirs.iter().rev() {
            // only an empty folder goes
            let _ = std::fs::remove_dir(self.root.join(dir));
        }
        Ok(())
    }

    /// Creates a new, empty staging folder beside `out`.
    fn create_empty(out: &OutDir) -> Result<Staging> {
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
                        spare: Mutex::default(),
                        spare_dirs: Vec::new(),
                        spare_dir_set: HashSet::new(),
                        spare_at: None,
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
        self.clear_spare(rel, None)?;
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
        if self.clear_spare(rel, Some((&from, None)))? {
            return Ok(true);
        }
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
    /// the cache's blob `from` (whose identity the cache may know from stating it), or a
    /// copy where links are not possible. The same owner may put the same bytes on one
    /// path twice; different bytes are an error.
    pub fn link(&self, from: &Path, id: Option<FileId>, rel: &Path, owner: &str) -> Result<()> {
        let to = self.root.join(rel);
        if self.claims.claim(rel, owner)? == Claimed::Again {
            return match (std::fs::read(&to), std::fs::read(from)) {
                (Ok(a), Ok(b)) if a == b => Ok(()),
                _ => Err(differing_again(rel, owner)),
            };
        }
        if self.clear_spare(rel, Some((from, id)))? {
            return Ok(());
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
    /// First removes what is left of the spare tree that no output claimed.
    pub fn flush(&self) -> Result<()> {
        self.flush_beside(|| ())
    }

    /// Runs `work` (the rendering that fills the tree) while another thread puts what it
    /// has written so far on disk every [`WRITE_BACK_EVERY`]. The kernel starts writing
    /// on its own only past a share of memory or after half a minute, so a full build's
    /// hundreds of megabytes were all written by the final flush, both cores idle while
    /// the disk caught up; written back as they come, the final flush has only the last
    /// second's files left. A build shorter than that never writes back early.
    pub fn writing_back<T>(&self, work: impl FnOnce() -> T) -> T {
        #[cfg(target_os = "linux")]
        {
            use std::sync::mpsc::{RecvTimeoutError, channel};
            let Ok(root) = File::open(&self.root) else {
                return work();
            };
            let (stop, stopped) = channel::<()>();
            std::thread::scope(|s| {
                s.spawn(move || {
                    while let Err(RecvTimeoutError::Timeout) =
                        stopped.recv_timeout(WRITE_BACK_EVERY)
                    {
                        // best effort: the final flush reports what fails
                        let _ = rustix::fs::syncfs(&root);
                    }
                });
                let value = work();
                drop(stop);
                value
            })
        }
        #[cfg(not(target_os = "linux"))]
        work()
    }

    /// [`Staging::flush`], running `beside` on another thread while the tree is written
    /// to disk (the build stamps the finished tree then: the flush is mostly waiting on
    /// the disk, the stamp mostly on the file system's caches).
    pub fn flush_beside<T: Send>(&self, beside: impl FnOnce() -> T + Send) -> Result<T> {
        self.prune_spare()?;
        std::thread::scope(|s| {
            let beside = s.spawn(beside);
            let flushed = self.sync();
            let value = beside
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            flushed.map(|()| value)
        })
    }

    /// Writes every file and folder of the tree to disk.
    fn sync(&self) -> Result<()> {
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
        if std::fs::create_dir_all(dir).is_err() {
            // a spare file where a folder goes: unlinked, then the folders made
            if let Ok(rel) = dir.strip_prefix(&self.root) {
                for prefix in rel.ancestors().filter(|p| !p.as_os_str().is_empty()) {
                    if self.lock_spare().remove(prefix).is_some() {
                        let path = self.root.join(prefix);
                        std::fs::remove_file(&path).map_err(|e| Error::file(&path, e))?;
                    }
                }
            }
            std::fs::create_dir_all(dir).map_err(|e| Error::file(dir, e))?;
        }
        self.lock_made().insert(dir.to_path_buf());
        Ok(())
    }

    fn lock_made(&self) -> std::sync::MutexGuard<'_, HashSet<PathBuf>> {
        self.made.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn lock_spare(&self) -> std::sync::MutexGuard<'_, HashMap<PathBuf, Option<FileId>>> {
        self.spare.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for Staging {
    /// Keeps the tree at the staging name (the old output after the swap, or the
    /// unfinished tree after a failure) as the next build's spare, else removes it.
    fn drop(&mut self) {
        if let Some(spare) = &self.spare_at {
            remove_tree(spare);
            if std::fs::rename(&self.root, spare).is_ok() {
                return;
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writing_back_returns_the_work_and_a_panic_in_it_goes_on() {
        let tmp = tempfile::tempdir().unwrap();
        let out = OutDir::resolve(&tmp.path().join("out"), tmp.path()).unwrap();
        let staging = Staging::create(&out).unwrap();
        let rel = Path::new("social/ข่าว-ปีใหม่.txt");
        let value = staging.writing_back(|| {
            staging.write(rel, "สวัสดีปีใหม่".as_bytes(), "a test").unwrap();
            7
        });
        assert_eq!(value, 7);
        // the thread that writes back ends with the work, however it ends
        let failed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            staging.writing_back(|| panic!("a renderer panicked"))
        }));
        assert!(failed.is_err());
        staging.flush().unwrap();
        assert_eq!(
            std::fs::read_to_string(staging.root().join(rel)).unwrap(),
            "สวัสดีปีใหม่"
        );
    }
}
