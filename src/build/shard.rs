//! Shards of one build for a CI fleet (`build --shard I/N`), and `brandpress merge`, which
//! joins the shards' output folders into one.
//!
//! A shard builds the pieces [`Shard::has_piece`] gives it (each with every segment
//! variant and every channel), and **every** channel's shared assets (`brand.css`, fonts,
//! logos). Assets go to every shard, not to one, for two reasons: each shard's folder is a
//! whole site that lints on its own (pages find their stylesheet), and at merge the copies
//! must be byte-identical, which proves that every job built with the same guide and
//! templates. The union of the shards is then the single build, byte for byte: the same
//! files, and manifests that list the same entries and records.
//!
//! [`merge`] writes its output exactly as a build does: into a staging tree beside the
//! output (`staging.rs`), flushed, then swapped in atomically (`swap.rs`), under the
//! output's lock (`lock.rs`), refusing an output folder that is not ours (`out_dir.rs`).
//! Each shard folder is untrusted (an artifact downloaded from another job): only files
//! its marker lists are taken, on plain relative paths, reached through real folders,
//! and each must have the SHA-256 its campaign manifest records. Two shards may hold one
//! path only with the same bytes and the same entry.

use std::collections::hash_map::Entry as Slot;
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::claims::check_relative;
use super::lock::{BuildLock, LockWait};
use super::manifest::{Entry, Manifest, ShardOf, is_plain_file};
use super::out_dir::OutDir;
use super::staging::Staging;
use super::swap;
use crate::content::shard::Shard;
use crate::error::{Error, Result};
use crate::manifest::{CampaignManifest, MANIFEST, MARKER, Record, sha256_hex};
use crate::project::Project;

/// A campaign manifest bigger than this is not read (a planted one could be huge).
const MAX_CAMPAIGN_MANIFEST: u64 = 256 << 20;

/// More shard folders than any fleet has ([`crate::content::shard::MAX_SHARDS`]).
const MAX_SHARD_DIRS: usize = crate::content::shard::MAX_SHARDS as usize;

/// The project as shard `shard` sees it: only its pieces. Pieces of other shards are
/// neither rendered nor kept from a previous output in this folder.
pub fn only(project: &Project, shard: Shard) -> Project {
    Project {
        root: project.root.clone(),
        guide: project.guide.clone(),
        pieces: project
            .pieces
            .iter()
            .filter(|p| shard.has_piece(&p.slug))
            .cloned()
            .collect(),
    }
}

/// What [`merge`] did.
#[derive(Debug)]
pub struct MergeSummary {
    pub shards: usize,
    /// Files of the merged output.
    pub files: usize,
    /// Paths more than one shard held with the same bytes (the shared assets).
    pub shared: usize,
    /// Repairs of a swap a killed build or merge left half done.
    pub warnings: Vec<String>,
    pub seconds: f64,
}

impl MergeSummary {
    pub fn line(&self) -> String {
        use crate::i18n::count;
        format!(
            "merged {}: {}{} in {:.2}s",
            count(self.shards, "shard", "shards"),
            count(self.files, "file", "files"),
            match self.shared {
                0 => String::new(),
                n => format!(" ({n} shared, identical in every shard that has them)"),
            },
            self.seconds
        )
    }
}

/// One merged file: where it comes from, with its hash.
struct Taken {
    shard: usize,
    entry: Entry,
    sha256: String,
}

/// Joins the output folders `shards` into `out` (replacing it as a build does).
/// Returns the output's lock still held, so the caller can check the merged output
/// before another build or merge replaces it.
pub fn merge(
    out: &Path,
    project_root: &Path,
    shards: &[PathBuf],
    wait: &LockWait,
) -> Result<(MergeSummary, BuildLock)> {
    let started = Instant::now();
    if shards.is_empty() {
        return Err(Error::usage("merge needs at least one shard folder"));
    }
    if shards.len() > MAX_SHARD_DIRS {
        return Err(Error::usage(format!(
            "merge takes at most {MAX_SHARD_DIRS} shard folders"
        )));
    }
    let out = OutDir::resolve(out, project_root)?;
    for dir in shards {
        refuse_overlap(dir, &out.path)?;
    }
    let lock = BuildLock::acquire(&out.sibling("lock"), &out.path, wait)?;
    let warnings = swap::recover(&out)?;
    out.existing()?;
    let staging = Staging::create(&out)?;

    let mut taken: HashMap<String, Taken> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut records: HashMap<String, Record> = HashMap::new();
    let mut shared = 0;
    let mut splits: Vec<(usize, ShardOf)> = Vec::new();
    for (i, dir) in shards.iter().enumerate() {
        let marker = dir.join(MARKER);
        if !is_plain_file(dir, Path::new(MARKER)) {
            return Err(Error::file(
                dir,
                format!(
                    "not a brandpress output folder (no {MARKER} marker): give merge the --out folders of `brandpress build --shard`"
                ),
            ));
        }
        let manifest = Manifest::read(&marker)?;
        if let Some(of) = &manifest.shard {
            splits.push((i, of.clone()));
        }
        let campaign = read_campaign(dir)?;
        let mut hashes: HashMap<&str, &Record> = HashMap::new();
        for r in &campaign.outputs {
            hashes.insert(r.path.as_str(), r);
        }
        for entry in manifest.files {
            let rel = entry.relative();
            check_relative(&rel).map_err(|e| Error::file(&marker, e))?;
            if entry.path == MARKER || entry.path == MANIFEST {
                return Err(Error::file(
                    &marker,
                    format!("lists {:?}, which merge writes itself", entry.path),
                ));
            }
            if !is_plain_file(dir, &rel) {
                return Err(Error::file(
                    dir.join(&rel),
                    "listed in the shard's manifest but missing or not a plain file (a link, a folder); was the artifact uploaded whole?",
                ));
            }
            let path = dir.join(&rel);
            let bytes = std::fs::read(&path).map_err(|e| Error::file(&path, e))?;
            let sha256 = sha256_hex(&bytes);
            drop(bytes);
            if let Some(record) = hashes.get(entry.path.as_str())
                && record.sha256 != sha256
            {
                return Err(Error::file(
                    &path,
                    format!(
                        "changed since its shard was built (its {MANIFEST} records another SHA-256)"
                    ),
                ));
            }
            match taken.entry(entry.path.clone()) {
                Slot::Occupied(first) => {
                    let first = first.get();
                    if first.sha256 != sha256 || first.entry != entry {
                        return Err(Error::file(
                            &path,
                            format!(
                                "{} also has {:?} with {}: shards may share a file only when it is identical (built from one guide, templates and content); rebuild the shards from one commit",
                                shards[first.shard].display(),
                                entry.path,
                                if first.sha256 != sha256 {
                                    "other bytes"
                                } else {
                                    "another channel or piece"
                                }
                            ),
                        ));
                    }
                    shared += 1;
                }
                Slot::Vacant(slot) => {
                    let owner = format!("{} (shard folder)", dir.display());
                    if !staging.keep(dir, &rel, &owner)? {
                        return Err(Error::file(&path, "vanished while merging"));
                    }
                    order.push(entry.path.clone());
                    slot.insert(Taken {
                        shard: i,
                        entry,
                        sha256,
                    });
                }
            }
        }
        for record in campaign.outputs {
            let Some(file) = taken.get(&record.path) else {
                return Err(Error::file(
                    dir.join(MANIFEST),
                    format!(
                        "records {:?}, which the shard's {MARKER} does not list",
                        record.path
                    ),
                ));
            };
            if file.sha256 != record.sha256 {
                // the file came from an earlier shard with these bytes; a record for
                // other bytes is the shard's own file, already refused above
                continue;
            }
            records.entry(record.path.clone()).or_insert(record);
        }
    }

    check_split(shards, &splits)?;

    let files = order.len();
    let entries: Vec<Entry> = order
        .iter()
        .filter_map(|p| taken.remove(p).map(|t| t.entry))
        .collect();
    staging.write(
        Path::new(MARKER),
        &Manifest::new(entries).to_bytes(),
        "the merge's manifest",
    )?;
    let campaign = CampaignManifest::new(records.into_values().collect());
    staging.write(
        Path::new(MANIFEST),
        &campaign.to_bytes(),
        "the merged campaign manifest",
    )?;
    // the contact sheet of the union, as one build writes it (the shards' thumbnails reused)
    crate::sheet::for_merge(
        project_root,
        &out.path,
        staging.root(),
        &campaign.outputs,
        shards,
        &|rel, file| super::stage_sheet_file(&staging, rel, file),
    )?;
    staging.flush()?;
    swap::swap_in(&out, staging.root())?;
    drop(staging); // removes the old tree, which the swap left at the staging name
    Ok((
        MergeSummary {
            shards: shards.len(),
            files,
            shared,
            warnings,
            seconds: started.elapsed().as_secs_f64(),
        },
        lock,
    ))
}

/// The shards of a split (`build --shard I/N`, recorded in each folder's marker) must
/// all be there: for every channel one of them holds, shards 1 to N, each once. A missing
/// shard's pieces would be missing from the merged campaign, and from its campaign-wide
/// checks, without a word. `splits` pairs a folder's place in `dirs` with its shard.
fn check_split(dirs: &[PathBuf], splits: &[(usize, ShardOf)]) -> Result<()> {
    // (read from untrusted markers: a shard out of range, or a name that is no channel,
    // is refused before anything loops over 1..N or reaches a message)
    for (dir, of) in splits {
        let known = of
            .channels
            .iter()
            .all(|c| c.parse::<crate::render::Channel>().is_ok());
        if Shard::new(of.index, of.count).is_none() || !known {
            return Err(Error::file(
                dirs[*dir].join(MARKER),
                "names an impossible shard or an unknown channel; was it written by brandpress?",
            ));
        }
    }
    let Some((first_dir, first)) = splits.first() else {
        return Ok(());
    };
    let n = first.count;
    if let Some((dir, other)) = splits.iter().find(|(_, s)| s.count != n) {
        return Err(Error::usage(format!(
            "{} is shard {}/{n} but {} is shard {}/{}: merge the shards of one split",
            dirs[*first_dir].display(),
            first.index,
            dirs[*dir].display(),
            other.index,
            other.count
        )));
    }
    // channel → shard number → the folder holding it
    let mut holders: BTreeMap<&str, BTreeMap<u32, usize>> = BTreeMap::new();
    for (dir, of) in splits {
        for channel in &of.channels {
            if let Some(before) = holders
                .entry(channel.as_str())
                .or_default()
                .insert(of.index, *dir)
                && before != *dir
            {
                return Err(Error::usage(format!(
                    "{} and {} are both shard {}/{n} of the {channel} channel: give merge each shard once",
                    dirs[before].display(),
                    dirs[*dir].display(),
                    of.index
                )));
            }
        }
    }
    for (channel, held) in &holders {
        let missing: Vec<u32> = (1..=n).filter(|k| !held.contains_key(k)).collect();
        if missing.is_empty() {
            continue;
        }
        const SHOWN: usize = 10;
        let mut named = missing
            .iter()
            .take(SHOWN)
            .map(|k| format!("{k}/{n}"))
            .collect::<Vec<_>>()
            .join(", ");
        if missing.len() > SHOWN {
            named.push_str(&format!(" and {} more", missing.len() - SHOWN));
        }
        return Err(Error::usage(format!(
            "the {channel} channel is missing {} of {n} shards ({named}): their pieces would be left out of the merged campaign and its checks; give merge every shard's --out folder",
            missing.len()
        )));
    }
    Ok(())
}

/// A shard folder must not be the output, inside it or hold it: the swap would replace
/// or move what is being read.
fn refuse_overlap(dir: &Path, out: &Path) -> Result<()> {
    let canonical = dir
        .canonicalize()
        .map_err(|e| Error::file(dir, format!("shard folder: {e}")))?;
    if !canonical.is_dir() {
        return Err(Error::file(dir, "a shard must be a folder"));
    }
    if canonical.starts_with(out) || out.starts_with(&canonical) {
        return Err(Error::file(
            dir,
            format!(
                "a shard folder cannot be the merge's output {} nor be inside it or hold it; merge into a new folder",
                out.display()
            ),
        ));
    }
    Ok(())
}

/// A shard's campaign manifest, size-capped. Unlike a build (which can do without the
/// previous one), a merge cannot: without it the merged manifest would miss records.
fn read_campaign(dir: &Path) -> Result<CampaignManifest> {
    let path = dir.join(MANIFEST);
    if !is_plain_file(dir, Path::new(MANIFEST)) {
        return Err(Error::file(&path, "missing or not a plain file"));
    }
    let file = std::fs::File::open(&path).map_err(|e| Error::file(&path, e))?;
    let mut bytes = Vec::new();
    file.take(MAX_CAMPAIGN_MANIFEST + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::file(&path, e))?;
    if bytes.len() as u64 > MAX_CAMPAIGN_MANIFEST {
        return Err(Error::file(
            &path,
            format!("over {MAX_CAMPAIGN_MANIFEST} bytes"),
        ));
    }
    serde_json::from_slice(&bytes).map_err(|e| Error::file(&path, e))
}
