//! The build cache: a content-addressed store beside the output (`.<out>.cache/`) that
//! lets a build put a job's files in place without rendering them again.
//!
//! **Where.** Beside the output, not inside it: the output is replaced whole by every
//! build (`swap.rs`), so a cache inside it would be published and would have to be moved
//! across every swap; beside it, it is on the same filesystem (hard links work), never
//! published, never linted, and outlives every swap. It is the output's: the build's lock
//! (`lock.rs`) guards both.
//!
//! **Keys.** One rendering job (a channel's shared assets, or one edition of a piece in
//! one channel) has the key SHA-256 of everything its files depend on: this cache's
//! format, the tool's version and executable (size and modification time, so a rebuilt
//! brandpress never reuses an older one's outputs), the channel, the guide sections the
//! channel reads ([`crate::render::guide_sections`]: a tone-only change re-renders
//! nothing), every file under `templates/<channel>/` and under `brand/` (fonts, logo,
//! profiles), and for a piece its source path and bytes, its segment, and the bytes of its
//! hero and of every file it references.
//!
//! **Values.** A job's files (its build-manifest entries and campaign-manifest records,
//! each with the SHA-256 and size of its bytes), its warnings and the contact sheet's
//! thumbnails of its PDFs (painted by the print renderer; a build into a new output folder
//! links them instead of rasterizing the PDFs), in `index.bin`; the bytes are blobs named
//! by their SHA-256 under `blobs/`. A newly rendered file is
//! hard-linked from the staging tree into the store (nothing is written twice), and a
//! reused one hard-linked from the store into the staging tree, so a no-op build writes
//! no file data at all.
//!
//! **Never trusted.** A hard-linked blob is the same file as the output's copy, so a user
//! editing `out/` in place edits the blob: every blob's size and modification time are
//! recorded, and a blob whose stat differs is hashed again and dropped when its bytes no
//! longer match (its job renders again). A missing index, a foreign or damaged one
//! (unreadable, too large, another format or version, unsafe paths, records that do not
//! match their blob) is ignored with a warning and replaced after the build; blobs no
//! index entry refers to are removed after each build that changed the index. The index
//! is bounded by the build itself: it keeps the jobs of this build, plus those of channels
//! this build did not render.
//!
//! **Binary.** The index and the stamp are postcard (a compact serde form) after a text
//! header naming the format and the tool: a one-piece edit of a 1,000-piece campaign
//! reads and writes the whole index, and as JSON (18 MB) that was about half of its CPU
//! time. The header is checked before the body is decoded, so another version's index
//! is named in the warning; a body whose SHA-256 (written after it) does not match, or
//! that does not decode, is "damaged".

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::manifest::Entry;
use super::out_dir::OutDir;
use super::staging::{FileId, file_id};
use crate::channel::Channel;
use crate::content::Piece;
use crate::manifest::{Record, sha256_hex};
use crate::project::Project;

/// The layout of `index.bin` and of the keys; bumped whenever either changes (1 was
/// JSON; 3 added the jobs' contact-sheet thumbnails).
pub const FORMAT: u32 = 3;
/// The sibling folder's kind: `.<out>.cache`.
pub const CACHE: &str = "cache";
const INDEX: &str = "index.bin";
/// Format 1's index and stamp, removed when a format 2 index is written.
const OLD_INDEX: &str = "index.json";
const OLD_STAMP: &str = "stamp.json";
/// The first line of the index and of the stamp.
const INDEX_MAGIC: &str = "brandpress build cache index";
const STAMP_MAGIC: &str = "brandpress build stamp";
const BLOBS: &str = "blobs";
/// The last complete build's plan and the stat of every node of the output it left.
const STAMP: &str = "stamp.bin";
/// A stamp larger than this is not read.
const MAX_STAMP_BYTES: u64 = 256 << 20;
/// An index larger than this is not read.
const MAX_INDEX_BYTES: u64 = 1 << 30;
/// Files under `brand/` or `templates/<channel>/` hashed into a key, at most.
const MAX_DEP_FILES: usize = 10_000;
/// Bytes of one dependency (a font, a hero) hashed into a key, at most; a larger file
/// makes its jobs uncacheable rather than slow.
const MAX_DEP_BYTES: u64 = 512 << 20;

/// A job's key: hex SHA-256.
pub type Key = String;

/// One cached job.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Job {
    /// The channel's name (a job may have no files).
    pub channel: String,
    pub files: Vec<File>,
    pub warnings: Vec<String>,
    /// The contact sheet's thumbnails of the job's PDFs, as the renderer painted them.
    pub thumbs: Vec<Thumb>,
}

/// A contact-sheet thumbnail of one of a job's PDFs (`_sheet/thumbs/<name>`, whose name
/// holds the PDF's SHA-256, the page and its size; see [`crate::sheet::Thumb`]), kept
/// with the job so that a build into a new output folder (a CI job restoring only the
/// cache) links it instead of rasterizing the PDF again.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thumb {
    pub name: String,
    /// The PNG's SHA-256 (its blob) and size.
    pub sha256: String,
    pub bytes: u64,
}

impl Job {
    /// The blobs the job refers to, with their sizes: its files' and its thumbnails'.
    fn blobs(&self) -> impl Iterator<Item = (&String, u64)> {
        let files = self
            .files
            .iter()
            .map(|f| (&f.record.sha256, f.record.bytes));
        files.chain(self.thumbs.iter().map(|t| (&t.sha256, t.bytes)))
    }
}

/// One file of a job: where it goes and what the campaign manifest says of it (its
/// `sha256` names the blob, `bytes` is its size).
#[derive(Debug, Clone)]
pub struct File {
    pub entry: Entry,
    pub record: Record,
}

/// A file as the index stores it: the entry's fields in order, every one present (the
/// entry's JSON form leaves out empty ones, which a binary form cannot).
type StoredFile = (String, String, Option<String>, Option<String>, Record);

impl Serialize for File {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let e = &self.entry;
        (&e.path, &e.channel, &e.piece, &e.segment, &self.record).serialize(s)
    }
}

impl<'de> Deserialize<'de> for File {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (path, channel, piece, segment, record) = StoredFile::deserialize(d)?;
        let entry = Entry {
            path,
            channel,
            piece,
            segment,
        };
        Ok(File { entry, record })
    }
}

/// A blob's stat when it was last known to hold its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Stat {
    size: u64,
    secs: i64,
    nanos: u32,
}

/// The index's body (its header holds the format and the tool).
#[derive(Debug, Default, Serialize, Deserialize)]
struct Index {
    jobs: HashMap<Key, Job>,
    blobs: HashMap<String, Stat>,
}

/// The cache of one build.
pub struct Cache {
    dir: PathBuf,
    old: Index,
    /// Jobs of this build rendered and stored.
    jobs: Mutex<HashMap<Key, Job>>,
    /// Keys of the old index's jobs this build reused (their jobs are taken from `old`
    /// at the end, not copied as they are reused).
    reused: Mutex<HashSet<Key>>,
    /// Blobs known good in this build (verified or just stored), with their stat.
    good: Mutex<HashMap<String, Option<Stat>>>,
    /// The identity of each blob verified by its stat, so staging need not state it
    /// again to find it already in the spare tree.
    ids: Mutex<HashMap<String, FileId>>,
    /// Blobs whose stat changed but whose bytes still match (the index is rewritten).
    restat: AtomicUsize,
    /// Jobs found in the index whose blobs were missing or damaged.
    damaged: AtomicUsize,
    /// Whether to reuse anything (`--no-cache` renders everything, then refreshes it).
    reuse: bool,
}

/// What the executable and this cache's format make of a key.
fn tool_identity() -> String {
    let exe = std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| format!("{}:{:?}", m.len(), m.modified().ok()))
        // no identity: a key no other run will make
        .unwrap_or_else(|_| format!("unknown-{}", std::process::id()));
    format!(
        "brandpress {} cache {FORMAT} exe {exe}",
        env!("CARGO_PKG_VERSION")
    )
}

fn tool_version() -> String {
    format!("brandpress {}", env!("CARGO_PKG_VERSION"))
}

/// SHA-256 with each field length-prefixed, so fields never run into each other.
struct KeyHasher(Sha256);

impl KeyHasher {
    fn new() -> Self {
        Self(Sha256::new())
    }
    fn field(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.update((bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }
    fn finish(self) -> [u8; 32] {
        self.0.finalize().into()
    }
}

/// Hashes every file under `dir` (following links; names relative to it, sorted) into
/// `h`. A missing folder hashes as empty.
fn hash_tree(h: &mut KeyHasher, dir: &Path, skip: &[&Path]) -> Result<(), String> {
    if !dir.exists() {
        h.field(b"(none)");
        return Ok(());
    }
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
        if entry.file_type().is_file() && !skip.contains(&entry.path()) {
            files.push(entry.into_path());
            if files.len() > MAX_DEP_FILES {
                return Err(format!(
                    "{}: more than {MAX_DEP_FILES} files",
                    dir.display()
                ));
            }
        }
    }
    for file in files {
        let rel = file.strip_prefix(dir).unwrap_or(&file);
        h.field(rel.to_string_lossy().as_bytes());
        h.field(&read_limited(&file)?);
    }
    Ok(())
}

fn read_limited(path: &Path) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut bytes = Vec::new();
    file.take(MAX_DEP_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    if bytes.len() as u64 > MAX_DEP_BYTES {
        return Err(format!("{}: larger than the cache hashes", path.display()));
    }
    Ok(bytes)
}

/// What every job of `channel` depends on: tool, guide sections, templates and the files
/// under `brand/`. An error (an unreadable or huge file) means: do not cache the channel.
pub fn channel_digest(project: &Project, channel: Channel) -> Result<[u8; 32], String> {
    let mut h = KeyHasher::new();
    h.field(tool_identity().as_bytes())
        .field(channel.name().as_bytes())
        .field(&crate::render::guide_digest(&project.guide, channel));
    h.field(b"templates");
    hash_tree(&mut h, &project.templates_dir(channel), &[])?;
    h.field(b"brand");
    let brand = project.root.join("brand");
    // the guide itself is in by its sections
    hash_tree(&mut h, &brand, &[project.guide.source.path.as_path()])?;
    Ok(h.finish())
}

/// What a piece's jobs depend on besides their channel: its source (path and bytes), its
/// segment, and the bytes of its hero and referenced files. None when one cannot be read
/// (the renderer reports it).
pub fn piece_digest(project: &Project, piece: &Piece) -> Option<[u8; 32]> {
    let mut h = KeyHasher::new();
    let path = piece.source.path.as_path();
    let rel = path.strip_prefix(&project.root).unwrap_or(path);
    h.field(rel.to_string_lossy().as_bytes())
        .field(piece.source.text.as_bytes())
        .field(piece.segment.as_deref().unwrap_or("").as_bytes())
        .field(if piece.segment.is_some() { b"1" } else { b"0" });
    match &piece.hero {
        Some(hero) => {
            h.field(b"hero").field(hero.name.as_bytes());
            h.field(&read_limited(&hero.path).ok()?);
        }
        None => {
            h.field(b"no hero");
        }
    }
    for (written, file) in &piece.files {
        h.field(written.as_bytes()).field(file.name.as_bytes());
        h.field(&read_limited(&file.path).ok()?);
    }
    Some(h.finish())
}

/// A job's key: its channel's digest and, for a piece's job, the piece's.
pub fn key(channel: &[u8; 32], piece: Option<&[u8; 32]>) -> Key {
    let mut h = KeyHasher::new();
    h.field(channel);
    match piece {
        Some(p) => h.field(b"piece").field(p),
        None => h.field(b"assets"),
    };
    hex(&h.finish())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// A relative, `/`-separated path with only plain names (never `..`, a root or a
/// drive).
fn is_safe_relative(path: &str) -> bool {
    !path.is_empty()
        && path.split('/').all(|part| {
            !part.is_empty() && part != "." && part != ".." && !part.contains(['\\', ':', '\0'])
        })
}

fn stat_of(meta: &std::fs::Metadata) -> Option<Stat> {
    let modified = meta.modified().ok()?;
    let (secs, nanos) = match modified.duration_since(UNIX_EPOCH) {
        Ok(d) => (i64::try_from(d.as_secs()).ok()?, d.subsec_nanos()),
        Err(e) => (
            -i64::try_from(e.duration().as_secs()).ok()?,
            e.duration().subsec_nanos(),
        ),
    };
    Some(Stat {
        size: meta.len(),
        secs,
        nanos,
    })
}

impl Cache {
    /// Opens the cache beside `out`, reading its index unless `reuse` is false. Anything
    /// wrong with it becomes a warning and an empty cache; None when the cache folder
    /// cannot be used at all (a link or a file planted at its name, a read-only parent).
    pub fn open(out: &OutDir, reuse: bool, warnings: &mut Vec<String>) -> Option<Cache> {
        let dir = out.sibling(CACHE);
        match std::fs::symlink_metadata(&dir) {
            Ok(meta) if !meta.is_dir() => {
                warnings.push(format!(
                    "{}: not a folder; the build cache is not used (remove it to cache builds)",
                    dir.display()
                ));
                return None;
            }
            _ => {}
        }
        if let Err(e) = std::fs::create_dir_all(dir.join(BLOBS)) {
            warnings.push(format!(
                "{}: {e}; the build cache is not used",
                dir.display()
            ));
            return None;
        }
        // the standard mark of a cache folder, which backup tools skip
        let tag = dir.join("CACHEDIR.TAG");
        if !tag.exists() {
            let _ = std::fs::write(
                &tag,
                "Signature: 8a477f597d28d172789f06886806bc55\n# brandpress build cache: remove it at any time (https://bford.info/cachedir/)\n",
            );
        }
        Some(Cache {
            dir,
            old: Index::default(),
            jobs: Mutex::default(),
            reused: Mutex::default(),
            good: Mutex::default(),
            ids: Mutex::default(),
            restat: AtomicUsize::new(0),
            damaged: AtomicUsize::new(0),
            reuse,
        })
    }

    /// Reads the index (a build that renders or reuses jobs; a build that changes
    /// nothing never needs it, see [`Stamp`]). Anything wrong with it becomes a warning and
    /// an empty index.
    pub fn read_index(&mut self, warnings: &mut Vec<String>) {
        // the stamp describes the output as the last complete build left it; this build
        // replaces that output, and writes a new stamp when it is done
        let _ = std::fs::remove_file(self.dir.join(STAMP));
        if !self.reuse {
            return;
        }
        self.old = match read_index(&self.dir.join(INDEX)) {
            Ok(index) => index,
            Err(problem) => {
                warnings.push(format!(
                    "{}: {problem}; the build cache is ignored and rebuilt",
                    self.dir.join(INDEX).display()
                ));
                Index::default()
            }
        };
    }

    /// The cache's folder (`.<out>.cache`).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The stamp of the last complete build when this build's `plan` is the same and the
    /// output is still exactly as that build left it (see [`Stamp`]).
    pub fn unchanged(&self, out: &Path, plan: &str) -> Option<Stamp> {
        if !self.reuse {
            return None;
        }
        let stamp = Stamp::read(&self.dir.join(STAMP))?;
        let index = std::fs::symlink_metadata(self.dir.join(INDEX))
            .ok()
            .as_ref()
            .and_then(node_stat);
        (stamp.plan == plan && index == Some(stamp.index) && stamp.holds(out)).then_some(stamp)
    }

    pub fn blob_path(&self, sha: &str) -> PathBuf {
        self.dir.join(BLOBS).join(&sha[..2]).join(sha)
    }

    /// The device and inode of the blob `sha` when this build verified it by its stat.
    pub fn blob_id(&self, sha: &str) -> Option<FileId> {
        self.ids
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(sha)
            .copied()
    }

    /// The cached files of the job `key` of `channel` for `piece` (slug and segment),
    /// when every one of them is safe and its blob still holds its bytes.
    pub fn lookup(
        &self,
        key: &str,
        channel: Channel,
        piece: Option<(&str, Option<&str>)>,
    ) -> Option<Job> {
        if !self.reuse {
            return None;
        }
        let job = self.old.jobs.get(key)?;
        let fits = job.channel == channel.name()
            && job.thumbs.iter().all(|t| {
                // a thumbnail of one of the job's PDFs, under a name the sheet makes
                crate::sheet::Thumb::parse(&t.name)
                    .is_some_and(|(pdf, _)| job.files.iter().any(|f| f.record.sha256 == pdf))
                    && is_sha256_hex(&t.sha256)
            })
            && job.files.iter().all(|f| {
                let e = &f.entry;
                let r = &f.record;
                is_safe_relative(&e.path)
                    && is_sha256_hex(&r.sha256)
                    && r.path == e.path
                    && e.channel == channel.name()
                    && r.channel == e.channel
                    && e.piece.as_deref() == piece.map(|p| p.0)
                    && e.segment.as_deref() == piece.and_then(|p| p.1)
                    && r.piece == e.piece
            });
        if !fits || !job.blobs().all(|(sha, bytes)| self.verify(sha, bytes)) {
            self.damaged.fetch_add(1, Ordering::Relaxed);
            return None;
        }
        self.reused
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key.to_string());
        Some(job.clone())
    }

    /// Whether the blob `sha` holds its `bytes` bytes: its stat as recorded, else its
    /// bytes hashed again. A damaged blob is removed.
    fn verify(&self, sha: &str, bytes: u64) -> bool {
        // held throughout, so a blob is never checked while another job stores it
        let mut good = self.lock_good();
        if let Some(known) = good.get(sha) {
            return known.is_some_and(|s| s.size == bytes);
        }
        let path = self.blob_path(sha);
        let ok = match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.is_file() && meta.len() == bytes => {
                let stat = stat_of(&meta);
                if stat.is_some() && stat.as_ref() == self.old.blobs.get(sha) {
                    if let Some(id) = file_id(&meta) {
                        let mut ids = self.ids.lock().unwrap_or_else(|e| e.into_inner());
                        ids.insert(sha.to_string(), id);
                    }
                    stat
                } else if std::fs::read(&path).is_ok_and(|b| sha256_hex(&b) == sha) {
                    self.restat.fetch_add(1, Ordering::Relaxed);
                    stat
                } else {
                    None
                }
            }
            _ => None,
        };
        if ok.is_none() {
            let _ = std::fs::remove_file(&path);
        }
        good.insert(sha.to_string(), ok);
        ok.is_some()
    }

    /// Records a rendered job, hard-linking each of its files and thumbnails from
    /// `staged` (the staging tree) into the store. A file that cannot be stored leaves
    /// the job out.
    pub fn store(&self, key: &str, job: Job, staged: &Path) {
        let files = job
            .files
            .iter()
            .map(|f| (&f.record.sha256, f.entry.relative()));
        let thumbs = job
            .thumbs
            .iter()
            .map(|t| (&t.sha256, crate::sheet::thumb_path(&t.name)));
        for (sha, rel) in files.chain(thumbs) {
            if !self.store_blob(sha, &staged.join(rel)) {
                return;
            }
        }
        self.lock_jobs().insert(key.to_string(), job);
    }

    fn store_blob(&self, sha: &str, from: &Path) -> bool {
        if !is_sha256_hex(sha) {
            return false;
        }
        let mut good = self.lock_good();
        if good.get(sha).is_some_and(|known| known.is_some()) {
            return true;
        }
        let path = self.blob_path(sha);
        let _ = std::fs::remove_file(&path);
        let linked = path
            .parent()
            .is_some_and(|p| std::fs::create_dir_all(p).is_ok())
            && (std::fs::hard_link(from, &path).is_ok() || std::fs::copy(from, &path).is_ok());
        let stat = if linked {
            std::fs::symlink_metadata(&path)
                .ok()
                .and_then(|m| stat_of(&m))
        } else {
            None
        };
        good.insert(sha.to_string(), stat);
        stat.is_some()
    }

    /// After the swap: writes the new index (this build's jobs and the previous ones of
    /// channels not built) and removes unreferenced blobs, unless nothing changed.
    /// Problems are warnings: the build itself succeeded.
    pub fn finish(self, built: &[Channel], warnings: &mut Vec<String>) {
        let damaged = self.damaged.load(Ordering::Relaxed);
        if damaged > 0 {
            warnings.push(format!(
                "the build cache had missing or damaged files for {damaged} jobs; they were rendered again"
            ));
        }
        let mut jobs = self.jobs.into_inner().unwrap_or_else(|e| e.into_inner());
        let reused = self.reused.into_inner().unwrap_or_else(|e| e.into_inner());
        let good = self.good.into_inner().unwrap_or_else(|e| e.into_inner());
        // every reused key is one of the old index's
        let unchanged = self.reuse
            && damaged == 0
            && self.restat.load(Ordering::Relaxed) == 0
            && jobs.is_empty()
            && reused.len() == self.old.jobs.len();
        if unchanged {
            return;
        }
        let mut old = self.old.jobs;
        for key in reused {
            if let Some(job) = old.remove(&key) {
                jobs.entry(key).or_insert(job);
            }
        }
        let built: HashSet<&str> = built.iter().map(|c| c.name()).collect();
        for (key, job) in old {
            if !built.contains(job.channel.as_str()) && !jobs.contains_key(&key) {
                jobs.insert(key, job);
            }
        }
        let mut blobs = HashMap::new();
        for (sha, _) in jobs.values().flat_map(Job::blobs) {
            let stat = match good.get(sha) {
                Some(s) => *s,
                None => self.old.blobs.get(sha).copied(),
            };
            if let Some(stat) = stat {
                blobs.insert(sha.clone(), stat);
            }
        }
        // jobs of other channels whose blobs are unknown are dropped
        jobs.retain(|_, j| j.blobs().all(|(sha, _)| blobs.contains_key(sha)));
        let index = Index { jobs, blobs };
        if let Err(e) = write_index(&self.dir, &index) {
            warnings.push(format!(
                "{}: {e}; the next build renders everything",
                self.dir.join(INDEX).display()
            ));
            let _ = std::fs::remove_file(self.dir.join(INDEX));
            return;
        }
        let _ = std::fs::remove_file(self.dir.join(OLD_INDEX));
        let _ = std::fs::remove_file(self.dir.join(OLD_STAMP));
        remove_unreferenced(&self.dir.join(BLOBS), &index.blobs);
    }

    fn lock_jobs(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Job>> {
        self.jobs.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn lock_good(&self) -> std::sync::MutexGuard<'_, HashMap<String, Option<Stat>>> {
        self.good.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A build's plan: what decides every byte of its output. The channels built, every
/// job's key in order (each holds the tool, the guide sections, templates, brand files
/// and the piece's inputs), and the guide's own bytes (sections no job reads, `[tone]`
/// and `[lint]`, may still shape what a build writes beside the jobs). None when a job
/// cannot be cached.
pub fn plan(channels: &[Channel], keys: &[Option<Key>], guide: &str) -> Option<String> {
    let mut h = KeyHasher::new();
    h.field(tool_identity().as_bytes());
    h.field(&(channels.len() as u64).to_le_bytes());
    for channel in channels {
        h.field(channel.name().as_bytes());
    }
    h.field(&(keys.len() as u64).to_le_bytes());
    for key in keys {
        h.field(key.as_deref()?.as_bytes());
    }
    h.field(guide.as_bytes());
    Some(hex(&h.finish()))
}

/// The record a complete build leaves in the cache (`stamp.bin`): its plan, what its
/// summary says (the files it rendered, the jobs' warnings), and the stat of every folder
/// and file of the output it left (kind, device, inode, size, modification and change
/// times, as git's index keeps them), and of the cache's index. The next build with the same plan whose output
/// still stats the same changes nothing: it leaves the output as it is, with no staging
/// and no swap. Any edit of the output (a file changed, replaced, added or removed
/// anywhere: each changes a node's times or its folder's) sends the build the usual way,
/// which puts the output right. A build that goes the usual way removes the stamp first.
#[derive(Debug, Serialize, Deserialize)]
pub struct Stamp {
    plan: String,
    /// The files the build rendered, relative to the output, in its summary's order.
    pub outputs: Vec<String>,
    /// The warnings of its jobs.
    pub warnings: Vec<String>,
    /// Every node of the output: relative path (`""` the output itself) and stat.
    tree: Vec<(String, NodeStat)>,
    /// The cache's index as the build left it (an index changed since is read again).
    index: NodeStat,
}

/// kind (0 file, 1 folder), device, inode, size, mtime s, mtime ns, ctime s, ctime ns.
pub type NodeStat = [i64; 8];

#[cfg(unix)]
fn node_stat(meta: &std::fs::Metadata) -> Option<NodeStat> {
    use std::os::unix::fs::MetadataExt;
    let kind = match meta.file_type() {
        t if t.is_file() => 0,
        t if t.is_dir() => 1,
        _ => return None,
    };
    Some([
        kind,
        meta.dev() as i64,
        meta.ino() as i64,
        meta.size() as i64,
        meta.mtime(),
        meta.mtime_nsec(),
        meta.ctime(),
        meta.ctime_nsec(),
    ])
}

#[cfg(not(unix))]
fn node_stat(_meta: &std::fs::Metadata) -> Option<NodeStat> {
    // no inode or change time to trust: every build goes the usual way
    None
}

/// Every node of an output and its stat, as [`Stamp::tree`] records it.
pub type Tree = Vec<(String, NodeStat)>;

impl Stamp {
    /// Every node of `out` as this build left it: taken after everything that changes
    /// its nodes' stat (the swap, the old tree moved aside as the spare). None when a node
    /// cannot be stated (the next build then goes the usual way).
    pub fn tree(out: &Path) -> Option<Tree> {
        let mut tree = Vec::new();
        for entry in walkdir::WalkDir::new(out).follow_links(false) {
            let entry = entry.ok()?;
            let rel = entry.path().strip_prefix(out).ok()?.to_str()?;
            let stat = entry.metadata().ok().as_ref().and_then(node_stat)?;
            tree.push((rel.replace(std::path::MAIN_SEPARATOR, "/"), stat));
        }
        Some(tree)
    }

    /// `tree`, taken of a tree since renamed to `out`: the same nodes, the top folder's
    /// stat taken again (a rename changes the renamed folder's change time only). None
    /// when `out` cannot be stated or the tree has no top folder.
    pub fn moved(mut tree: Tree, out: &Path) -> Option<Tree> {
        let stat = std::fs::symlink_metadata(out)
            .ok()
            .as_ref()
            .and_then(node_stat)?;
        let (_, top) = tree.iter_mut().find(|(rel, _)| rel.is_empty())?;
        *top = stat;
        Some(tree)
    }

    /// Writes the stamp of the output whose nodes are `tree`, with the index as the
    /// cache's [`Cache::finish`] left it (so this comes after it). Nothing is written when
    /// the index cannot be stated.
    pub fn write(
        cache_dir: &Path,
        tree: Tree,
        plan: &str,
        outputs: Vec<String>,
        warnings: Vec<String>,
    ) {
        let Some(index) = std::fs::symlink_metadata(cache_dir.join(INDEX))
            .ok()
            .as_ref()
            .and_then(node_stat)
        else {
            return;
        };
        let stamp = Stamp {
            plan: plan.to_string(),
            outputs,
            warnings,
            tree,
            index,
        };
        let Ok(bytes) = encode(STAMP_MAGIC, &stamp) else {
            return;
        };
        let temp = cache_dir.join(format!("{STAMP}.{}.tmp", std::process::id()));
        if std::fs::write(&temp, bytes).is_err()
            || std::fs::rename(&temp, cache_dir.join(STAMP)).is_err()
        {
            let _ = std::fs::remove_file(&temp);
        }
    }

    /// Runs `change` on an output the last build stamped (`check` rewriting the contact
    /// sheet with its findings), then records the output's nodes again when the stamp
    /// held just before: the next build with the same plan is still a no-op. A stamp
    /// that did not hold (an output edited by hand since) is left as it is.
    pub fn carry_over<T>(cache_dir: &Path, out: &Path, change: impl FnOnce() -> T) -> T {
        let path = cache_dir.join(STAMP);
        let held = Stamp::read(&path).filter(|stamp| {
            let index = std::fs::symlink_metadata(cache_dir.join(INDEX))
                .ok()
                .as_ref()
                .and_then(node_stat);
            index == Some(stamp.index) && stamp.holds(out)
        });
        let result = change();
        if let Some(stamp) = held {
            match Stamp::tree(out) {
                Some(tree) => {
                    Stamp::write(cache_dir, tree, &stamp.plan, stamp.outputs, stamp.warnings)
                }
                None => {
                    let _ = std::fs::remove_file(&path);
                }
            }
        }
        result
    }

    fn read(path: &Path) -> Option<Stamp> {
        let meta = std::fs::symlink_metadata(path).ok()?;
        if !meta.is_file() || meta.len() > MAX_STAMP_BYTES {
            return None;
        }
        let stamp: Stamp = decode(STAMP_MAGIC, &std::fs::read(path).ok()?).ok()?;
        // untrusted like the index: only plain relative paths, and the top first
        let safe = stamp.tree.first().is_some_and(|(p, _)| p.is_empty())
            && stamp.tree[1..].iter().all(|(p, _)| is_safe_relative(p))
            && stamp.outputs.iter().all(|p| is_safe_relative(p));
        safe.then_some(stamp)
    }

    /// Whether every node of the output still has its recorded stat (the folders' times
    /// change when an entry is added, removed or renamed in them).
    fn holds(&self, out: &Path) -> bool {
        use rayon::prelude::*;
        self.tree.par_iter().all(|(rel, stat)| {
            let path = if rel.is_empty() {
                out.to_path_buf()
            } else {
                out.join(rel)
            };
            std::fs::symlink_metadata(&path)
                .ok()
                .as_ref()
                .and_then(node_stat)
                .is_some_and(|now| &now == stat)
        })
    }
}

fn read_index(path: &Path) -> Result<Index, String> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Index::default()),
        Err(e) => return Err(e.to_string()),
    };
    if !meta.is_file() {
        return Err("not a file".into());
    }
    if meta.len() > MAX_INDEX_BYTES {
        return Err(format!("larger than {MAX_INDEX_BYTES} bytes"));
    }
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    decode(INDEX_MAGIC, &bytes)
}

fn write_index(dir: &Path, index: &Index) -> std::io::Result<()> {
    let bytes = encode(INDEX_MAGIC, index).map_err(std::io::Error::other)?;
    let temp = dir.join(format!("{INDEX}.{}.tmp", std::process::id()));
    std::fs::write(&temp, bytes)?;
    std::fs::rename(&temp, dir.join(INDEX)).inspect_err(|_| {
        let _ = std::fs::remove_file(&temp);
    })
}

/// The header of the index and of the stamp: three text lines, what the file is, the
/// format and the tool that wrote it; the postcard body follows, then the SHA-256 of the
/// body, so a flipped byte anywhere (a URL inside a record, not only a path) makes the
/// file damaged rather than trusted.
fn header(magic: &str) -> String {
    format!("{magic}\nformat {FORMAT}\ntool {}\n", tool_version())
}

fn encode<T: Serialize>(magic: &str, body: &T) -> Result<Vec<u8>, String> {
    let mut bytes = header(magic).into_bytes();
    let start = bytes.len();
    bytes.extend(postcard::to_stdvec(body).map_err(|e| e.to_string())?);
    let digest = Sha256::digest(&bytes[start..]);
    bytes.extend_from_slice(&digest);
    Ok(bytes)
}

/// Decodes a file [`encode`] wrote: its header is checked first (another format or
/// version is named), then the whole body must decode, with nothing after it.
fn decode<T: serde::de::DeserializeOwned>(magic: &str, bytes: &[u8]) -> Result<T, String> {
    let not_ours = || "not a brandpress cache index".to_string();
    let mut lines = bytes.splitn(4, |&b| b == b'\n');
    let mut line = || lines.next().and_then(|l| std::str::from_utf8(l).ok());
    if line() != Some(magic) {
        return Err(not_ours());
    }
    let format = line()
        .and_then(|l| l.strip_prefix("format "))
        .ok_or_else(not_ours)?;
    let tool = line()
        .and_then(|l| l.strip_prefix("tool "))
        .ok_or_else(not_ours)?;
    if format != FORMAT.to_string() || tool != tool_version() {
        // (shortened: the header of a damaged file may be long)
        let cut = |s: &str| s.chars().take(80).collect::<String>();
        return Err(format!(
            "written by {} (cache format {}), not by {} (format {FORMAT})",
            cut(tool),
            cut(format),
            tool_version()
        ));
    }
    let rest = &bytes[header(magic).len()..];
    let Some((body, digest)) = rest.split_at_checked(rest.len().saturating_sub(32)) else {
        return Err("damaged (cut short)".into());
    };
    if digest.len() != 32 || Sha256::digest(body).as_slice() != digest {
        return Err("damaged (its checksum does not match)".into());
    }
    match postcard::take_from_bytes::<T>(body) {
        Ok((value, [])) => Ok(value),
        Ok(_) => Err("damaged (bytes after its end)".into()),
        Err(e) => Err(format!("damaged ({e})")),
    }
}

/// Removes every file under `blobs/` the index does not name, and anything else there.
fn remove_unreferenced(blobs: &Path, keep: &HashMap<String, Stat>) {
    let Ok(dirs) = std::fs::read_dir(blobs) else {
        return;
    };
    for dir in dirs.flatten() {
        let path = dir.path();
        let is_dir = dir.file_type().is_ok_and(|t| t.is_dir());
        if !is_dir {
            let _ = std::fs::remove_file(&path);
            continue;
        }
        let Ok(files) = std::fs::read_dir(&path) else {
            continue;
        };
        for file in files.flatten() {
            let name = file.file_name();
            if !name.to_str().is_some_and(|n| keep.contains_key(n)) {
                super::staging::remove_tree(&file.path());
            }
        }
        let _ = std::fs::remove_dir(&path); // only when empty
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_paths_are_safe() {
        for ok in ["web/ข่าว/index.html", "email/a.eml", "x"] {
            assert!(is_safe_relative(ok), "{ok}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "web/../../x",
            "web//x",
            "./x",
            "c:/x",
            "a\\..\\b",
        ] {
            assert!(!is_safe_relative(bad), "{bad}");
        }
    }

    #[test]
    fn key_fields_do_not_run_into_each_other() {
        let (mut a, mut b) = (KeyHasher::new(), KeyHasher::new());
        a.field(b"ab").field(b"c");
        b.field(b"a").field(b"bc");
        let (a, b) = (a.finish(), b.finish());
        assert_ne!(a, b);
        let c = [1u8; 32];
        assert_ne!(key(&c, None), key(&c, Some(&[0u8; 32])));
        assert!(is_sha256_hex(&key(&c, None)));
        assert!(!is_sha256_hex("../../../../etc/passwd"));
    }
}
