//! `brandpress build`: every selected channel × every piece, rendered in parallel and
//! written straight into a staging tree beside the output folder, which replaces the
//! output only when every piece rendered.
//!
//! The output is whole, current and ours:
//! - **whole**: the new tree is flushed to disk (`Staging::flush`), then swapped in with
//!   one atomic rename (`swap.rs`), so a crash or `kill -9` at any moment leaves the
//!   complete old output or the complete new one; a failing piece or a write error
//!   removes the staging tree and leaves the old output untouched;
//! - **current**: each build starts from an empty tree, so files of deleted pieces
//!   vanish; a partial build (`--channels web`) keeps the other channels' files of pieces
//!   that still exist (`manifest.rs`);
//! - **ours**: only a folder marked as a brandpress output (or an empty or new one) is
//!   replaced, never the project or a user's folder (`out_dir.rs`); one build at a time
//!   per output (`lock.rs`); no two outputs on one path (`claims.rs`).
//!
//! Each rendering job writes its own files as soon as they are rendered, so memory does
//! not grow with the number of outputs.

mod cache;
mod campaign;
mod claims;
mod lock;
mod manifest;
mod out_dir;
mod shard;
mod staging;
mod swap;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use rayon::prelude::*;

pub use crate::content::shard::Shard;
use crate::manifest::{CampaignManifest, MANIFEST};
pub use lock::{BuildLock, LockWait};
pub use out_dir::{MARKER, OutDir};
pub use shard::{MergeSummary, merge};
// the brand book (`src/book`) writes its folder as a build writes its output
pub use staging::{remove_tree, sync_folder};
pub use swap::{recover, swap_in};

use manifest::{Entry, Manifest, ShardOf};
use out_dir::Existing;
use staging::Staging;

use crate::assets::Assets;
use crate::error::{Error, Result};
use crate::project::Project;
use crate::render::{self, Channel, Renderer};

pub struct BuildOptions {
    pub out: PathBuf,
    pub channels: Vec<Channel>,
    /// `--shard I/N`: build only this shard's pieces (and every channel's shared assets;
    /// see `shard.rs`).
    pub shard: Option<Shard>,
}

#[derive(Debug)]
pub struct BuildSummary {
    pub pieces: usize,
    /// The files this build rendered, under the output folder.
    pub outputs: Vec<PathBuf>,
    /// Files of channels not built this time, kept from the previous output.
    pub kept: usize,
    /// Rendering jobs (a piece in a channel, or a channel's shared assets) rendered.
    pub rendered: usize,
    /// Rendering jobs whose files were reused from the build cache (`cache.rs`).
    pub reused: usize,
    pub warnings: Vec<String>,
    pub seconds: f64,
}

use crate::i18n::count;

impl BuildSummary {
    pub fn line(&self) -> String {
        format!(
            "built {}: {}{}{} in {:.2}s{}",
            count(self.pieces, "piece", "pieces"),
            count(self.outputs.len(), "file", "files"),
            match self.reused {
                0 => String::new(),
                n => format!(
                    " ({n} of {} from the cache)",
                    count(n + self.rendered, "job", "jobs")
                ),
            },
            match self.kept {
                0 => String::new(),
                n => format!(" (and {n} kept from other channels)"),
            },
            self.seconds,
            match self.warnings.len() {
                0 => String::new(),
                n => format!(", {}", count(n, "warning", "warnings")),
            }
        )
    }
}

/// Builds into `options.out`, waiting up to five minutes for another build of it.
pub fn build(project: &Project, options: &BuildOptions) -> Result<BuildSummary> {
    build_locked(project, options, &LockWait::default()).map(|(summary, _lock)| summary)
}

/// Builds, and returns the output folder's lock still held, so the caller can read the
/// new output before another build replaces it.
pub fn build_locked(
    project: &Project,
    options: &BuildOptions,
    wait: &LockWait,
) -> Result<(BuildSummary, BuildLock)> {
    build_locked_cached(project, options, wait, CacheUse::Reuse)
}

/// Whether a build reuses the build cache's files (`cache.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheUse {
    /// Reuse every job whose inputs are unchanged.
    Reuse,
    /// Render everything (`--no-cache`), then refresh the cache with it.
    Cold,
}

/// [`build_locked`], reusing the build cache or not.
pub fn build_locked_cached(
    project: &Project,
    options: &BuildOptions,
    wait: &LockWait,
    cache_use: CacheUse,
) -> Result<(BuildSummary, BuildLock)> {
    let started = Instant::now();
    let sharded = options.shard.map(|s| shard::only(project, s));
    let project = sharded.as_ref().unwrap_or(project);
    // One asset store for every channel: fonts, logo and heroes are read once.
    let assets = Arc::new(Assets::load(&project.guide)?);
    let renderers = options
        .channels
        .iter()
        .map(|&c| render::renderer(c, project, &assets))
        .collect::<Result<Vec<_>>>()?;
    let out = OutDir::resolve(&options.out, &project.root)?;
    let lock = BuildLock::acquire(&out.sibling("lock"), &out.path, wait)?;
    let mut warnings = swap::recover(&out)?;
    let existing = out.existing()?;
    let mut cache = cache::Cache::open(&out, cache_use == CacheUse::Reuse, &mut warnings);
    let plan = Plan::new(project, &renderers, cache.is_some(), &mut warnings);
    let plan_digest = cache::plan(&options.channels, &plan.keys, &project.guide.source.text);

    // Nothing changed since the last complete build, and its output is as it left it:
    // leave the output alone (no staging, no swap, nothing written).
    if existing == Existing::Ours
        && let (Some(cache), Some(digest)) = (&cache, &plan_digest)
        && let Some(stamp) = cache.unchanged(&out.path, digest)
    {
        warnings.extend(stamp.warnings);
        let summary = BuildSummary {
            pieces: project.pieces.len(),
            outputs: stamp
                .outputs
                .iter()
                .map(|p| out.path.join(p.split('/').collect::<PathBuf>()))
                .collect(),
            kept: 0,
            rendered: 0,
            reused: plan.jobs.len(),
            warnings,
            seconds: started.elapsed().as_secs_f64(),
        };
        return Ok((summary, lock));
    }
    // the index is read while the spare tree is walked
    let (staging, index_warnings) = std::thread::scope(|s| {
        let reading = cache.as_mut().map(|cache| {
            s.spawn(move || {
                let mut warnings = Vec::new();
                cache.read_index(&mut warnings);
                warnings
            })
        });
        let staging = Staging::create(&out);
        (staging, reading.map(join).unwrap_or_default())
    });
    warnings.extend(index_warnings);
    let staging = staging?;

    let mut kept = Vec::new();
    let mut records = Vec::new();
    if existing == Existing::Ours {
        kept = keep_previous(&out, &staging, project, &options.channels, &mut warnings)?;
        if !kept.is_empty() {
            // (reading the previous campaign manifest is the slow part of a partial build)
            records = kept_records(&out.path, &kept, project);
        }
    }
    let mut rendered = staging
        .writing_back(|| render_into(&staging, project, &renderers, &plan, cache.as_ref()))?;
    let job_warnings = rendered.warnings.clone();
    warnings.extend(rendered.warnings);
    records.extend(rendered.records);

    // The cache's index is written (and its unused blobs removed) while the manifests and
    // the sheet are written, the tree flushed and swapped in: it names only blobs already
    // stored, whatever becomes of this build.
    let thumbs = std::mem::take(&mut rendered.thumbs);
    let finished = std::thread::scope(|s| -> Result<_> {
        let finishing = cache.map(|cache| {
            let channels = &options.channels;
            s.spawn(move || {
                let mut warnings = Vec::new();
                let dir = cache.dir().to_path_buf();
                cache.finish(channels, &mut warnings);
                (dir, warnings)
            })
        });
        let shard = options.shard.map(|s| ShardOf {
            index: s.index(),
            count: s.count(),
            channels: kept
                .iter()
                .map(|e| e.channel.clone())
                .chain(options.channels.iter().map(|c| c.name().to_string()))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect(),
        });
        // the output as the swap left it, for the stamp (the cache's clean-up touches
        // only blobs no output file is)
        // (a partial build's kept files are not in its plan: the next build goes the
        // usual way)
        let stamped = finishing.is_some() && plan_digest.is_some() && kept.is_empty();
        let result = publish(
            &staging,
            &out,
            project,
            &rendered.entries,
            &kept,
            (records, thumbs),
            (shard, stamped),
        );
        let finished = finishing.map(join);
        let tree = result?;
        drop(staging); // keeps the old tree, which the swap left at the staging name, as the spare
        Ok((finished, tree))
    })?;
    if let Some((dir, cache_warnings)) = finished.0 {
        warnings.extend(cache_warnings);
        if let (Some(digest), Some(tree)) = (&plan_digest, finished.1) {
            let outputs = rendered.entries.iter().map(|e| e.path.clone()).collect();
            cache::Stamp::write(&dir, tree, digest, outputs, job_warnings);
        }
    }

    let summary = BuildSummary {
        pieces: project.pieces.len(),
        outputs: rendered
            .entries
            .iter()
            .map(|e| out.path.join(e.relative()))
            .collect(),
        kept: kept.len(),
        rendered: rendered.rendered,
        reused: rendered.reused,
        warnings,
        seconds: started.elapsed().as_secs_f64(),
    };
    Ok((summary, lock))
}

/// Runs `change`, which rewrites files of the output `out` that no manifest lists
/// (`check` writes the contact sheet again with its findings), keeping the last build's
/// no-op stamp valid when it was (see `cache.rs`): the next unchanged build leaves the
/// output alone instead of rebuilding it. Call it holding the output's lock.
pub fn keeping_stamp<T>(out: &Path, project_root: &Path, change: impl FnOnce() -> T) -> T {
    match OutDir::resolve(out, project_root) {
        Ok(dir) => cache::Stamp::carry_over(&dir.sibling(cache::CACHE), &dir.path, change),
        Err(_) => change(),
    }
}

/// The result of a thread of the build (a panic in it goes on in the caller).
fn join<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// Writes the build's manifest, the campaign manifest of `records` and the contact sheet
/// (with the thumbnails `thumbs` the build already wrote) into the staging tree, flushes
/// it and swaps it in place of the output. When `stamped`, returns every node of the
/// output as the swap left it, for the no-op stamp: walked in the staging tree while it
/// is flushed, since the swap changes only the stat of the tree's top folder (renaming a
/// folder changes its own change time, not its files' or subfolders').
fn publish(
    staging: &Staging,
    out: &OutDir,
    project: &Project,
    rendered: &[Entry],
    kept: &[Entry],
    (records, thumbs): (Vec<crate::manifest::Record>, Thumbs),
    (shard, stamped): (Option<ShardOf>, bool),
) -> Result<Option<cache::Tree>> {
    let campaign = CampaignManifest::new(records);
    // the manifests are written while the sheet is drawn (the campaign manifest of 1,000
    // pieces is 20 MB of JSON)
    let (manifests, sheet) = rayon::join(
        || -> Result<()> {
            let mut files = rendered.to_vec();
            files.extend(kept.iter().cloned());
            staging.write(
                Path::new(MARKER),
                &Manifest {
                    shard,
                    ..Manifest::new(files)
                }
                .to_bytes(),
                "the build's manifest",
            )?;
            staging.write(
                Path::new(MANIFEST),
                &campaign.to_bytes(),
                "the campaign manifest",
            )
        },
        // the contact sheet (`index.html`, `_sheet/`): not an output, listed in no manifest
        || {
            crate::sheet::for_build(
                &project.guide,
                &out.path,
                staging.root(),
                &campaign.outputs,
                crate::sheet::titles(project),
                thumbs.into_iter().collect(),
                &|rel, file| stage_sheet_file(staging, rel, file),
            )
        },
    );
    manifests?;
    sheet?;
    let tree = staging.flush_beside(|| {
        stamped
            .then(|| cache::Stamp::tree(staging.root()))
            .flatten()
    })?;
    swap::swap_in(out, staging.root())?;
    Ok(tree.and_then(|tree| cache::Stamp::moved(tree, &out.path)))
}

/// Keeps the previous output's files of channels this build does not render (see
/// `manifest.rs` for which).
fn keep_previous(
    out: &OutDir,
    staging: &Staging,
    project: &Project,
    built: &[Channel],
    warnings: &mut Vec<String>,
) -> Result<Vec<Entry>> {
    let Some(marker) = out.marker() else {
        return Ok(Vec::new());
    };
    let manifest = match Manifest::read(&marker) {
        Ok(m) => m,
        Err(e) => {
            warnings.push(format!(
                "{e}; the other channels' previous files are not kept"
            ));
            return Ok(Vec::new());
        }
    };
    let mut kept = Vec::new();
    for entry in manifest.kept(project, built) {
        let owner = format!("the previous build's {} channel", entry.channel);
        if staging.keep(&out.path, &entry.relative(), &owner)? {
            kept.push(entry);
        } else {
            warnings.push(format!(
                "{}: listed in the previous build but missing or not a plain file; not kept",
                out.path.join(entry.relative()).display()
            ));
        }
    }
    Ok(kept)
}

/// What the rendering jobs wrote.
#[derive(Default)]
struct Written {
    entries: Vec<Entry>,
    /// The campaign manifest's records of the same files.
    records: Vec<crate::manifest::Record>,
    warnings: Vec<String>,
    /// Jobs rendered, and jobs whose files came from the build cache.
    rendered: usize,
    reused: usize,
    /// Thumbnails of the contact sheet already written, by PDF SHA-256 (painted by the
    /// print renderer from its layout).
    thumbs: Thumbs,
}

/// Thumbnails of the contact sheet the build wrote, by PDF SHA-256.
type Thumbs = Vec<Painted>;

/// The thumbnails of one PDF (its SHA-256) on the contact sheet.
type Painted = (String, Vec<crate::sheet::Thumb>);

/// Campaign manifest records of files kept from the previous build: the previous
/// manifest's record where the file still has its hash, else one read from its bytes.
fn kept_records(old: &Path, kept: &[Entry], project: &Project) -> Vec<crate::manifest::Record> {
    let previous = CampaignManifest::previous(old);
    kept.iter()
        .filter_map(|entry| {
            let bytes = std::fs::read(old.join(entry.relative())).ok()?;
            let sha = crate::manifest::sha256_hex(&bytes);
            let same = previous
                .iter()
                .find(|r| r.path == entry.path && r.sha256 == sha && r.channel == entry.channel);
            Some(match same {
                Some(r) => r.clone(),
                None => {
                    // the piece (or its segment's variant) the file was made from
                    let piece = project
                        .pieces
                        .iter()
                        .find(|p| Some(&p.slug) == entry.piece.as_ref())
                        .and_then(|p| match &entry.segment {
                            Some(s) => p.variant(s),
                            None => Some(p),
                        });
                    campaign::record(
                        entry,
                        &render::Output::new(entry.relative(), bytes),
                        piece,
                        &project.root,
                    )
                }
            })
        })
        .collect()
}

/// Renders every job in parallel, each writing its files into staging at once. Every
/// rendering error is reported; after the first error nothing more is written, and after
/// a write error nothing more is rendered either.
/// The rendering jobs of a build and their cache keys.
struct Plan<'p> {
    /// Every piece and, right after it, each of its segments' variants.
    editions: Vec<&'p crate::content::Piece>,
    /// (renderer, edition): a channel's shared assets first, then its pieces, channel by
    /// channel.
    jobs: Vec<(usize, Option<usize>)>,
    /// Each job's cache key; none without a cache or when an input cannot be read.
    keys: Vec<Option<cache::Key>>,
}

impl<'p> Plan<'p> {
    fn new(
        project: &'p Project,
        renderers: &[Box<dyn Renderer + '_>],
        cached: bool,
        warnings: &mut Vec<String>,
    ) -> Plan<'p> {
        let editions: Vec<&crate::content::Piece> =
            project.pieces.iter().flat_map(|p| p.editions()).collect();
        let mut jobs: Vec<(usize, Option<usize>)> =
            (0..renderers.len()).map(|r| (r, None)).collect();
        for (r, renderer) in renderers.iter().enumerate() {
            for (p, piece) in editions.iter().enumerate() {
                if piece.publishes_to(renderer.channel()) {
                    jobs.push((r, Some(p)));
                }
            }
        }
        if !cached {
            let keys = vec![None; jobs.len()];
            return Plan {
                editions,
                jobs,
                keys,
            };
        }
        // What each job's cache key is made of: its channel's inputs, and its piece's.
        let channel_digests = renderers
            .iter()
            .map(|r| {
                cache::channel_digest(project, r.channel())
                    .inspect_err(|e| {
                        warnings.push(format!(
                            "{e}; the {} channel's files are not cached",
                            r.channel()
                        ))
                    })
                    .ok()
            })
            .collect::<Vec<_>>();
        let piece_digests = editions
            .par_iter()
            .map(|piece| cache::piece_digest(project, piece))
            .collect::<Vec<_>>();
        let keys = jobs
            .iter()
            .map(|&(r, p)| {
                channel_digests[r].as_ref().and_then(|c| match p {
                    None => Some(cache::key(c, None)),
                    Some(p) => piece_digests[p].as_ref().map(|d| cache::key(c, Some(d))),
                })
            })
            .collect();
        Plan {
            editions,
            jobs,
            keys,
        }
    }
}

/// Renders every job in parallel, each writing its files into staging at once. Every
/// rendering error is reported; after the first error nothing more is written, and after
/// a write error nothing more is rendered either.
fn render_into(
    staging: &Staging,
    project: &Project,
    renderers: &[Box<dyn Renderer + '_>],
    plan: &Plan,
    cache: Option<&cache::Cache>,
) -> Result<Written> {
    let (editions, jobs) = (&plan.editions, &plan.jobs);
    // Rendered piece by piece, every channel of a piece one after the other, so a hero
    // is still in the asset store's cache when the next channel asks for it; results are
    // reported in the order above (channel by channel).
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by_key(|&i| (jobs[i].1, jobs[i].0));
    let failed = AtomicBool::new(false);
    let write_failed = AtomicBool::new(false);
    let bar = crate::progress::bar("rendering", jobs.len());
    let run = |i: usize| -> Result<Written> {
        let (r, p) = jobs[i];
        if write_failed.load(Ordering::Relaxed) {
            return Ok(Written::default());
        }
        let renderer = &renderers[r];
        let piece = p.map(|p| editions[p]);
        let channel = renderer.channel();
        let owner = match piece {
            None => format!("the {channel} channel's shared assets"),
            Some(piece) => piece.source.path.display().to_string(),
        };
        let cache = cache.zip(plan.keys[i].as_deref());
        let which = piece.map(|p| (p.slug.as_str(), p.segment.as_deref()));
        if let Some((cache, key)) = cache
            && let Some(job) = cache.lookup(key, channel, which)
        {
            let mut done = Written {
                warnings: job.warnings,
                reused: 1,
                ..Written::default()
            };
            if failed.load(Ordering::Relaxed) {
                return Ok(done);
            }
            let link = |sha: &str, rel: &Path, owner: &str| {
                let id = cache.blob_id(sha);
                staging
                    .link(&cache.blob_path(sha), id, rel, owner)
                    .inspect_err(|_| {
                        failed.store(true, Ordering::Relaxed);
                        write_failed.store(true, Ordering::Relaxed);
                    })
            };
            for file in job.files {
                link(&file.record.sha256, &file.entry.relative(), &owner)?;
                done.entries.push(file.entry);
                done.records.push(file.record);
            }
            // the PDFs' thumbnails, as the print renderer painted them (checked by
            // `lookup`: each names one of the job's PDFs)
            for thumb in job.thumbs {
                let rel = crate::sheet::thumb_path(&thumb.name);
                link(&thumb.sha256, &rel, SHEET)?;
                if let Some((pdf, painted)) = crate::sheet::Thumb::parse(&thumb.name) {
                    match done.thumbs.iter_mut().find(|(sha, _)| sha == pdf) {
                        Some((_, pages)) => pages.push(painted),
                        None => done.thumbs.push((pdf.to_string(), vec![painted])),
                    }
                }
            }
            return Ok(done);
        }
        let rendered = match piece {
            None => renderer.assets(),
            Some(piece) => renderer.render(piece),
        }
        .inspect_err(|_| failed.store(true, Ordering::Relaxed))?;
        let mut done = Written {
            entries: Vec::with_capacity(rendered.outputs.len()),
            records: Vec::with_capacity(rendered.outputs.len()),
            warnings: rendered.warnings,
            rendered: 1,
            reused: 0,
            thumbs: Vec::new(),
        };
        if failed.load(Ordering::Relaxed) {
            return Ok(done);
        }
        let mut thumbs = Vec::new();
        for mut output in rendered.outputs {
            staging
                .write(&output.path, &output.bytes, &owner)
                .inspect_err(|_| {
                    failed.store(true, Ordering::Relaxed);
                    write_failed.store(true, Ordering::Relaxed);
                })?;
            let entry = Entry::new(&output.path, channel, piece.map(|p| p.slug.as_str()))
                .for_segment(piece.and_then(|p| p.segment.as_deref()));
            let record = campaign::record(&entry, &output, piece, &project.root);
            if !output.previews.is_empty() {
                let previews = std::mem::take(&mut output.previews);
                let (painted, stored) = stage_previews(staging, &record.sha256, previews)?;
                done.thumbs.push(painted);
                thumbs.extend(stored);
            }
            done.records.push(record);
            done.entries.push(entry);
        }
        if let Some((cache, key)) = cache {
            let files = done.entries.iter().zip(&done.records);
            let job = cache::Job {
                channel: channel.name().to_string(),
                files: files
                    .map(|(entry, record)| cache::File {
                        entry: entry.clone(),
                        record: record.clone(),
                    })
                    .collect(),
                warnings: done.warnings.clone(),
                thumbs,
            };
            cache.store(key, job, staging.root());
        }
        Ok(done)
    };
    let mut results: Vec<(usize, Result<Written>)> = order
        .par_iter()
        .map(|&i| {
            let done = run(i);
            bar.inc();
            (i, done)
        })
        .collect();
    results.sort_by_key(|(i, _)| *i);

    let mut written = Written::default();
    let mut errors = Vec::new();
    for (_, result) in results {
        match result {
            Ok(done) => {
                written.entries.extend(done.entries);
                written.records.extend(done.records);
                written.warnings.extend(done.warnings);
                written.rendered += done.rendered;
                written.reused += done.reused;
                written.thumbs.extend(done.thumbs);
            }
            Err(e) => errors.push(e),
        }
    }
    Error::collect(errors)?;
    Ok(written)
}

/// Writes the page previews of the output `sha256` as its thumbnails on the contact
/// sheet; also returns them as the build cache keeps them.
fn stage_previews(
    staging: &Staging,
    sha256: &str,
    previews: Vec<render::PagePreview>,
) -> Result<(Painted, Vec<cache::Thumb>)> {
    let mut thumbs = Vec::with_capacity(previews.len());
    let mut stored = Vec::with_capacity(previews.len());
    for ((rel, thumb), preview) in crate::sheet::painted(sha256, &previews)
        .into_iter()
        .zip(previews)
    {
        stored.push(cache::Thumb {
            name: thumb.name.clone(),
            sha256: crate::manifest::sha256_hex(&preview.png),
            bytes: preview.png.len() as u64,
        });
        stage_sheet_file(staging, &rel, crate::sheet::Content::Bytes(preview.png))?;
        thumbs.push(thumb);
    }
    Ok(((sha256.to_string(), thumbs), stored))
}

/// Puts one file of the contact sheet into the staging tree (a thumbnail of an unchanged
/// PDF is hard-linked from the previous output's sheet).
fn stage_sheet_file(staging: &Staging, rel: &Path, file: crate::sheet::Content) -> Result<()> {
    match file {
        crate::sheet::Content::Bytes(bytes) => staging.write(rel, &bytes, SHEET),
        crate::sheet::Content::Link(from) => staging.link(&from, None, rel, SHEET),
    }
}

/// The owner of the contact sheet's files in the staging tree's claims.
const SHEET: &str = "the contact sheet";
