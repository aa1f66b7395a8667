//! The contact sheet: one HTML page (`index.html`, its assets under `_sheet/`) that shows
//! every output of a campaign side by side — pages in frames at desktop and phone widths,
//! emails at 600 and 375 px, each also in dark mode (the framed page's own
//! `prefers-color-scheme: dark` styles) and under a forced inversion like Gmail's app,
//! cards as images, PDF pages as thumbnails rasterized in-process with hayro — with each
//! output's lint findings beside it and, where a finding has a place, drawn on the picture.
//!
//! **Who writes it.** Every `build` (and `merge`) writes it into the staging tree before
//! the swap, with the findings the lint cache holds for outputs whose bytes it linked
//! (build itself does not lint); `check` and `lint --sheet DIR` write it again with the
//! findings of their lint. It is not a campaign output: neither the build's marker nor
//! `manifest.json` lists it, the build cache never stores it, and lint's walker skips a
//! `_sheet/` folder holding [`STAMP`] and the page the stamp names.
//!
//! **Cost.** The sheet is text written once per build; the only slow part is
//! rasterizing PDF pages, so thumbnails are named by their PDF's SHA-256 and taken
//! (hard-linked) from the previous output when the PDF did not change: a no-op build
//! rasterizes nothing.
//!
//! **Standalone.** It works from `file://` with no server and no network: no CDN, no
//! `fetch()`; the findings are in the page itself. Frames of `file://` pages are
//! cross-origin, so an output with findings at a line and column gets a preview copy
//! (`_sheet/preview/`) whose elements carry the findings' numbers and which scrolls to
//! and outlines one when the sheet posts it a message (`preview.rs`).
//!
//! **Deterministic.** Same outputs and findings, same bytes: items sorted, no times, no
//! absolute paths.

mod html;
mod preview;
mod thumbs;

pub use thumbs::Thumb;

use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};
use crate::lint::Finding;
use crate::manifest::{Record, sha256_hex};

/// The folder of the sheet's own files, beside its page.
pub const DIR: &str = "_sheet";
/// The file in [`DIR`] that says the folder is a contact sheet's; it holds the sheet
/// page's file name (lint skips both).
pub const STAMP: &str = ".brandpress-sheet";
/// The sheet page's name.
pub const PAGE: &str = "index.html";
/// The page's name in a folder that already has an `index.html` that is not a sheet (an
/// agency's delivery with its own landing page): never overwritten.
pub const PAGE_BESIDE: &str = "contact-sheet.html";

/// What an output is shown as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// A web page: frames at 1280 and 390 px.
    Page,
    /// An HTML email: frames at 600 and 375 px.
    Email,
    /// A picture (a social card): an `<img>`.
    Image,
    /// A PDF: its pages as thumbnails.
    Pdf,
    /// Anything else (stylesheets, fonts, `.txt`, `.eml`): a link.
    File,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Page => "page",
            Kind::Email => "email",
            Kind::Image => "image",
            Kind::Pdf => "pdf",
            Kind::File => "file",
        }
    }
}

/// One output on the sheet.
#[derive(Debug, Clone)]
pub struct Item {
    /// Where the sheet links it: relative to the sheet's folder, `/`-separated (a foreign
    /// file outside the folder starts with `../`).
    pub href: String,
    /// Where its bytes are read now (the staging tree during a build).
    pub file: PathBuf,
    pub kind: Kind,
    /// The channel (`web`, `email`, `social`, `print`), or for a foreign file the kind
    /// lint gave it.
    pub channel: String,
    /// The piece's slug, or the folder of a foreign file; empty for shared assets.
    pub group: String,
    pub segment: Option<String>,
    pub sha256: String,
    /// The findings on this output; `None`: not linted (or its lint is out of date).
    pub findings: Option<Vec<Finding>>,
}

/// A group's heading: the piece's title in its language.
#[derive(Debug, Clone, Default)]
pub struct Title {
    pub text: String,
    pub lang: Option<String>,
}

/// Everything one sheet shows.
#[derive(Debug, Default)]
pub struct Sheet {
    /// The page's heading (the brand's name, or the linted folder).
    pub heading: String,
    pub items: Vec<Item>,
    /// Titles of groups, by group.
    pub titles: HashMap<String, Title>,
    /// Findings on no output shown (the guide's, a Markdown source's).
    pub general: Vec<Finding>,
    /// Whether findings were looked for at all (a build without a lint cache: none).
    pub linted: bool,
    /// The sheet page's file name ([`PAGE`] or [`PAGE_BESIDE`]).
    pub page: String,
    /// The public URL the output folder is published under (`[channels.web] base_url`):
    /// emails carry absolute image URLs under it, which their preview copies point back
    /// into the folder, so their pictures show from disk.
    pub site_base: Option<String>,
    /// Thumbnails already in the sheet's folder, by PDF SHA-256: the pages the build's
    /// renderer painted from its layout (see [`painted`]).
    pub painted: HashMap<String, Vec<Thumb>>,
}

/// A file of the sheet, to write at a path relative to the sheet's folder.
#[derive(Debug)]
pub enum Content {
    Bytes(Vec<u8>),
    /// An unchanged thumbnail: the previous one, to hard-link (or copy).
    Link(PathBuf),
}

/// What [`Sheet::render`] made, and how much work it took.
#[derive(Debug, Default)]
pub struct Rendered {
    pub files: Vec<(String, Content)>,
    /// PDF pages rasterized (not reused).
    pub rasterized: usize,
}

/// Work limits of one sheet.
const MAX_ITEMS: usize = 200_000;
/// Findings listed per output (more are counted).
const MAX_FINDINGS_SHOWN: usize = 200;
/// A foreign file bigger than this is left off the sheet (lint caps its reads too).
const MAX_READ_BYTES: u64 = 512 << 20;

impl Sheet {
    /// The sheet of a folder we built: one item per campaign-manifest record, read from
    /// `read_root` (the staging tree, or the output), with the findings `findings` gives
    /// (by the record's path).
    pub fn of_records(
        heading: &str,
        records: &[Record],
        read_root: &Path,
        titles: HashMap<String, Title>,
        mut findings: Option<HashMap<String, Vec<Finding>>>,
    ) -> Sheet {
        let linted = findings.is_some();
        let items = records
            .iter()
            .take(MAX_ITEMS)
            .map(|r| Item {
                href: r.path.clone(),
                file: read_root.join(&r.path),
                kind: kind_of_record(r),
                channel: r.channel.clone(),
                group: r.piece.clone().unwrap_or_default(),
                segment: r.segment.clone(),
                sha256: r.sha256.clone(),
                findings: findings
                    .as_mut()
                    .and_then(|f| f.remove(&r.path).or(Some(Vec::new()))),
            })
            .collect();
        Sheet {
            heading: heading.to_string(),
            items,
            titles,
            general: Vec::new(),
            linted,
            page: PAGE.to_string(),
            site_base: None,
            painted: HashMap::new(),
        }
    }

    /// Renders the page and its files. Thumbnails of a PDF whose SHA-256 has thumbnails
    /// in one of `previous` (sheet folders of earlier outputs: `<out>/_sheet`) are
    /// linked from there, not rasterized again.
    pub fn render(&self, previous: &[PathBuf]) -> Rendered {
        let mut out = Rendered::default();
        let pdfs: Vec<&Item> = {
            let mut seen = std::collections::HashSet::new();
            self.items
                .iter()
                .filter(|i| i.kind == Kind::Pdf && seen.insert(i.sha256.clone()))
                .collect()
        };
        // (a build's own PDFs all come with their painted thumbnails, fresh or cached)
        let old = if pdfs.iter().all(|p| self.painted.contains_key(&p.sha256)) {
            HashMap::new()
        } else {
            thumbs::previous(previous)
        };
        let made = thumbs::make(&pdfs, &old, &self.painted);
        let mut pages: HashMap<String, Vec<thumbs::Thumb>> = HashMap::new();
        for (sha, result) in made {
            out.rasterized += result.rasterized;
            for (name, content) in result.files {
                out.files.push((format!("{DIR}/thumbs/{name}"), content));
            }
            pages.insert(sha, result.pages);
        }
        let previews = preview::copies(&self.items, self.site_base.as_deref(), previous);
        let page = html::page(self, &pages, &previews);
        for (name, content) in previews.files {
            out.files.push((format!("{DIR}/preview/{name}"), content));
        }
        out.files.push((
            format!("{DIR}/sheet.css"),
            Content::Bytes(include_str!("sheet.css").as_bytes().to_vec()),
        ));
        out.files.push((
            format!("{DIR}/sheet.js"),
            Content::Bytes(include_str!("sheet.js").as_bytes().to_vec()),
        ));
        out.files.push((
            format!("{DIR}/preview.js"),
            Content::Bytes(include_str!("preview.js").as_bytes().to_vec()),
        ));
        out.files.push((
            format!("{DIR}/{STAMP}"),
            Content::Bytes(self.page.clone().into_bytes()),
        ));
        out.files
            .push((self.page.clone(), Content::Bytes(page.into_bytes())));
        out.files.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }
}

/// Where a sheet's files go: `put(relative path, content)`.
pub type Put<'a> = &'a (dyn Fn(&Path, Content) -> Result<()> + Sync);

/// The sheet a build or merge writes into its staging tree (`staging_root`, which will
/// replace `out`): its outputs `records`, with the lint cache's findings for those whose
/// bytes it linked, thumbnails of unchanged PDFs taken from `out`'s current sheet and
/// from `previous` (other sheet folders, e.g. the shards a merge joins). Returns the PDF
/// pages rasterized.
pub fn for_build(
    guide: &crate::brand::Guide,
    out: &Path,
    staging_root: &Path,
    records: &[Record],
    titles: HashMap<String, Title>,
    painted: HashMap<String, Vec<Thumb>>,
    put: Put,
) -> Result<usize> {
    let ready = Ready {
        painted,
        others: &[],
    };
    for_output(guide, out, staging_root, records, titles, ready, put)
}

/// Thumbnails a sheet need not draw: those already in its folder and other outputs whose
/// sheets it may link them from.
#[derive(Default)]
pub struct Ready<'a> {
    /// By PDF SHA-256, the pages a renderer painted (see [`painted`]).
    pub painted: HashMap<String, Vec<Thumb>>,
    /// Other output folders (a merge's shards).
    pub others: &'a [PathBuf],
}

/// Where the thumbnail named `name` goes, relative to the output.
pub fn thumb_path(name: &str) -> PathBuf {
    Path::new(DIR).join("thumbs").join(name)
}

/// The thumbnails of the PDF `sha256` whose pages a renderer painted (`previews`, page by
/// page), with where each goes, relative to the output: the build writes them there and
/// hands them to [`for_build`], so the sheet does not rasterize that PDF.
pub fn painted(sha256: &str, previews: &[crate::render::PagePreview]) -> Vec<(PathBuf, Thumb)> {
    previews
        .iter()
        .take(thumbs::MAX_PAGES)
        .enumerate()
        .map(|(i, p)| {
            let thumb = Thumb::new(sha256, i + 1, p.size);
            (thumb_path(&thumb.name), thumb)
        })
        .collect()
}

/// [`for_build`], with the thumbnails `ready`.
pub fn for_output(
    guide: &crate::brand::Guide,
    out: &Path,
    staging_root: &Path,
    records: &[Record],
    titles: HashMap<String, Title>,
    ready: Ready,
    put: Put,
) -> Result<usize> {
    let started = std::time::Instant::now();
    let findings = cached_findings(guide, out, records);
    let mut sheet = Sheet::of_records(&guide.brand.name, records, staging_root, titles, findings);
    sheet.site_base = guide.channels.web.base_url.clone();
    sheet.painted = ready.painted;
    let mut previous = vec![out.join(DIR)];
    previous.extend(ready.others.iter().map(|o| o.join(DIR)));
    let rendered = sheet.render(&previous);
    let files = rendered.files.len();
    // put in parallel: a fresh build's sheet is thousands of new files (two thumbnails
    // and two preview pages a piece), and creating a file is mostly waiting on the
    // filesystem
    {
        use rayon::prelude::*;
        rendered
            .files
            .into_par_iter()
            .try_for_each(|(rel, content)| put(Path::new(&rel), content))?;
    }
    if std::env::var_os("BRANDPRESS_SHEET_STATS").is_some() {
        eprintln!(
            "contact sheet: {files} files, {} PDF pages rasterized, in {:.2}s",
            rendered.rasterized,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(rendered.rasterized)
}

/// The sheet `merge` writes into its staging tree: the one a single build of the union
/// writes (titles from the project at `project_root` when it loads, else the slugs),
/// taking thumbnails from the shards' sheets.
pub fn for_merge(
    project_root: &Path,
    out: &Path,
    staging_root: &Path,
    records: &[Record],
    shards: &[PathBuf],
    put: Put,
) -> Result<usize> {
    match crate::project::Project::load(project_root) {
        Ok(project) => for_output(
            &project.guide,
            out,
            staging_root,
            records,
            titles(&project),
            Ready {
                others: shards,
                ..Ready::default()
            },
            put,
        ),
        Err(_) => {
            let guide = crate::brand::Guide::load(project_root)?;
            for_output(
                &guide,
                out,
                staging_root,
                records,
                HashMap::new(),
                Ready {
                    others: shards,
                    ..Ready::default()
                },
                put,
            )
        }
    }
}

/// The sheet of output folder `out` of ours with the findings of a lint of it (`check`,
/// `lint --sheet OUT`), written into `out` (whose lock the caller holds). Titles come
/// from `project` when there is one.
pub fn write_checked(
    guide: &crate::brand::Guide,
    project: Option<&crate::project::Project>,
    out: &Path,
    findings: &[Finding],
) -> Result<PathBuf> {
    let records = crate::manifest::CampaignManifest::previous(out);
    let (on, general) = by_output(out, findings);
    let mut sheet = Sheet::of_records(
        &guide.brand.name,
        &records,
        out,
        project.map(titles).unwrap_or_default(),
        Some(on),
    );
    sheet.general = general;
    sheet.site_base = guide.channels.web.base_url.clone();
    let rendered = sheet.render(&[out.join(DIR)]);
    write_into(out, &rendered)?;
    Ok(out.join(&sheet.page))
}

/// `lint --sheet DIR`: the sheet of the files under `paths` with `findings`, written into
/// `dir` (created if missing; nothing is written outside it). A `dir` that is an output
/// folder of ours, linted alone, gets the sheet a build writes, with these findings.
/// Returns the sheet page's path.
pub fn write_foreign(
    guide: &crate::brand::Guide,
    project: Option<&crate::project::Project>,
    dir: &Path,
    paths: &[PathBuf],
    findings: &[Finding],
) -> Result<PathBuf> {
    if std::fs::symlink_metadata(dir).is_ok_and(|m| !m.is_dir()) {
        return Err(Error::file(
            dir,
            "--sheet needs a folder (a link or a file is not written into)",
        ));
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::file(dir, e))?;
    let ours = dir.join(crate::manifest::MARKER).is_file()
        && dir.join(crate::manifest::MANIFEST).is_file();
    let same = |p: &PathBuf| p.canonicalize().ok() == dir.canonicalize().ok();
    if ours && paths.len() == 1 && same(&paths[0]) {
        return write_checked(guide, project, dir, findings);
    }
    let files = crate::lint::collect_files(paths)?;
    let name = dir
        .canonicalize()
        .ok()
        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| dir.display().to_string());
    let sheet = of_lint(
        dir,
        &files,
        findings,
        &format!("{} · {name}", guide.brand.name),
    )?;
    let rendered = sheet.render(&[dir.join(DIR)]);
    write_into(dir, &rendered)?;
    Ok(dir.join(&sheet.page))
}

/// How a record of ours is shown.
fn kind_of_record(r: &Record) -> Kind {
    let ext = Path::new(&r.path)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match (r.channel.as_str(), ext.as_str()) {
        (_, "pdf") => Kind::Pdf,
        (_, "png" | "jpg" | "jpeg" | "webp" | "gif" | "svg") if r.piece.is_some() => Kind::Image,
        ("email", "html") => Kind::Email,
        (_, "html") => Kind::Page,
        _ => Kind::File,
    }
}

/// The titles of a project's pieces (and their variants: a variant's own title when it
/// has one), by slug.
pub fn titles(project: &crate::project::Project) -> HashMap<String, Title> {
    project
        .pieces
        .iter()
        .map(|p| {
            (
                p.slug.clone(),
                Title {
                    text: p.meta.title.get_ref().clone(),
                    lang: Some(p.lang.tag().to_string()),
                },
            )
        })
        .collect()
}

/// Findings of a lint run by the output they are on, as paths relative to `root` (the
/// output folder or the sheet's folder), and the ones on no output under it. A finding
/// grouped at its source gives each of its outputs its own finding.
pub fn by_output(
    root: &Path,
    findings: &[Finding],
) -> (HashMap<String, Vec<Finding>>, Vec<Finding>) {
    let base = root.canonicalize().ok();
    let mut on: HashMap<String, Vec<Finding>> = HashMap::new();
    let mut general = Vec::new();
    let mut place = |f: &Finding, general: &mut Vec<Finding>| match relative(
        root,
        base.as_deref(),
        &f.location.path,
    ) {
        Some(rel) => on.entry(rel).or_default().push(f.clone()),
        None => general.push(f.clone()),
    };
    for f in findings {
        if f.outputs.is_empty() {
            place(f, &mut general);
        } else {
            for o in &f.outputs {
                place(o, &mut general);
            }
            let mut source = f.clone();
            source.outputs.clear();
            general.push(source);
        }
    }
    (on, general)
}

/// `path` relative to `root` (`/`-separated, without `..`), when it is under it.
fn relative(root: &Path, canonical_root: Option<&Path>, path: &Path) -> Option<String> {
    let rel = match path.strip_prefix(root) {
        Ok(rel) => rel.to_path_buf(),
        Err(_) => {
            let canonical = path.canonicalize().ok()?;
            canonical.strip_prefix(canonical_root?).ok()?.to_path_buf()
        }
    };
    let parts: Vec<String> = rel
        .components()
        .map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Option<_>>()?;
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// One entry of the lint cache: the path as linted, the SHA-256 linted, the findings.
type Cached = (String, String, Vec<Finding>);

/// The findings the lint cache of output folder `out` holds for the outputs in `records`
/// whose bytes it linked (same path, same SHA-256, same guide and tool version), with the
/// project's rule levels applied; `None` when there is no usable cache.
pub fn cached_findings(
    guide: &crate::brand::Guide,
    out: &Path,
    records: &[Record],
) -> Option<HashMap<String, Vec<Finding>>> {
    let cached = crate::lint::cache::replay_for_sheet(guide, out)?;
    // the cache is keyed by the path as linted (`out/web/x/index.html`, or absolute):
    // an entry belongs to a record when its path ends with the record's path and its
    // bytes had the record's hash
    let mut by_sha: HashMap<&str, Vec<&Cached>> = HashMap::new();
    for entry in &cached {
        by_sha.entry(entry.1.as_str()).or_default().push(entry);
    }
    let mut found = HashMap::new();
    for r in records {
        let Some(candidates) = by_sha.get(r.sha256.as_str()) else {
            continue;
        };
        let wanted: Vec<&str> = r.path.split('/').collect();
        let hit = candidates.iter().find(|(path, _, _)| {
            let parts: Vec<String> = Path::new(path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            parts.len() >= wanted.len()
                && parts[parts.len() - wanted.len()..]
                    .iter()
                    .zip(&wanted)
                    .all(|(a, b)| a == b)
        });
        if let Some((_, _, findings)) = hit {
            let mut findings = findings.clone();
            crate::lint::apply_levels(guide, &mut findings);
            found.insert(r.path.clone(), findings);
        }
    }
    // every record whose lint is not in the cache is "not linted"
    Some(found).filter(|f: &HashMap<String, Vec<Finding>>| !f.is_empty())
}

/// Whether `dir` holds a contact sheet's folder ([`DIR`] with its [`STAMP`]); the sheet
/// page's name when it does.
pub fn sheet_page_in(dir: &Path) -> Option<String> {
    let stamp = dir.join(DIR).join(STAMP);
    let meta = std::fs::symlink_metadata(&stamp).ok()?;
    if !meta.is_file() || meta.len() > 256 {
        return None;
    }
    let name = std::fs::read_to_string(&stamp).ok()?;
    let name = name.trim();
    [PAGE, PAGE_BESIDE]
        .contains(&name)
        .then(|| name.to_string())
}

/// Whether `path` is a contact sheet's own folder (`_sheet` holding [`STAMP`]): lint's
/// walker skips it.
pub fn is_sheet_dir(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == DIR)
        && path.parent().is_some_and(|p| sheet_page_in(p).is_some())
}

/// Whether `path` is a contact sheet's page (the file the [`STAMP`] beside it names):
/// lint's walker skips it.
pub fn is_sheet_page(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    (name == PAGE || name == PAGE_BESIDE)
        && path
            .parent()
            .and_then(sheet_page_in)
            .is_some_and(|page| page == name)
}

/// Writes `rendered` into `dir` (a folder we built, after `check`'s lint, or the folder
/// of `lint --sheet`): each file through a temporary name and a rename, so a reader never
/// sees half a page and a hard-linked file is replaced, not written through; files of an
/// earlier sheet in `_sheet/` that this one does not have are removed. Writes nothing
/// outside `dir` and follows no link: `_sheet` and its subfolders must be real folders.
pub fn write_into(dir: &Path, rendered: &Rendered) -> Result<()> {
    let sheet_dir = dir.join(DIR);
    // a `_sheet` folder of someone else's is neither written into nor cleaned
    let foreign = std::fs::read_dir(&sheet_dir).is_ok_and(|mut d| d.next().is_some())
        && sheet_page_in(dir).is_none();
    if foreign {
        return Err(Error::file(
            &sheet_dir,
            "exists and is not a contact sheet's folder (no .brandpress-sheet in it): not written into; choose another --sheet folder",
        ));
    }
    let mut made: std::collections::HashSet<PathBuf> = std::collections::HashSet::new();
    let mut keep: std::collections::HashSet<PathBuf> = std::collections::HashSet::new();
    for (rel, content) in &rendered.files {
        let target = dir.join(rel);
        check_real_folders(dir, Path::new(rel))?;
        if let Some(parent) = target.parent()
            && made.insert(parent.to_path_buf())
        {
            std::fs::create_dir_all(parent).map_err(|e| Error::file(parent, e))?;
            check_real_folders(dir, Path::new(rel))?;
        }
        keep.insert(target.clone());
        if let Content::Link(from) = content
            && same_file(from, &target)
        {
            continue;
        }
        if let Ok(meta) = std::fs::symlink_metadata(&target)
            && !meta.is_file()
        {
            return Err(Error::file(
                &target,
                "is not a plain file (a link or a folder): the contact sheet is not written over it",
            ));
        }
        let tmp = target.with_file_name(format!(
            ".{}.tmp-{}",
            target
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            std::process::id()
        ));
        let written = match content {
            Content::Bytes(bytes) => std::fs::write(&tmp, bytes),
            Content::Link(from) => std::fs::copy(from, &tmp).map(|_| ()),
        };
        written
            .and_then(|()| std::fs::rename(&tmp, &target))
            .map_err(|e| {
                let _ = std::fs::remove_file(&tmp);
                Error::file(&target, e)
            })?;
    }
    // what an earlier sheet left that this one does not have
    if std::fs::symlink_metadata(&sheet_dir).is_ok_and(|m| m.is_dir()) {
        for entry in walkdir::WalkDir::new(&sheet_dir)
            .follow_links(false)
            .max_depth(3)
            .into_iter()
            .flatten()
        {
            if entry.file_type().is_file() && !keep.contains(entry.path()) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    Ok(())
}

/// Every folder from `dir` down to `rel`'s parent that exists is a real folder (not a
/// link that would lead the write out of `dir`).
fn check_real_folders(dir: &Path, rel: &Path) -> Result<()> {
    let mut at = dir.to_path_buf();
    let parts: Vec<Component> = rel.components().collect();
    for c in &parts[..parts.len().saturating_sub(1)] {
        let Component::Normal(name) = c else {
            return Err(Error::file(dir.join(rel), "not a plain relative path"));
        };
        at.push(name);
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(Error::file(
                    &at,
                    "is not a folder (a link or a file): the contact sheet is not written through it",
                ));
            }
            Err(_) => return Ok(()),
        }
    }
    Ok(())
}

fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(a), std::fs::symlink_metadata(b)) {
            (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        a.canonicalize().ok() == b.canonicalize().ok()
    }
}

/// The sheet of a lint run over foreign files (`lint --sheet DIR`): every linted file, as
/// what lint took it for, linked relative to `dir`, grouped by folder, with its findings.
pub fn of_lint(
    dir: &Path,
    files: &[PathBuf],
    findings: &[Finding],
    heading: &str,
) -> Result<Sheet> {
    let dir_abs = dir.canonicalize().map_err(|e| Error::file(dir, e))?;
    let mut by_file: BTreeMap<PathBuf, Vec<Finding>> = BTreeMap::new();
    let mut general = Vec::new();
    let canon: HashMap<PathBuf, PathBuf> = files
        .iter()
        .filter_map(|f| Some((f.canonicalize().ok()?, f.clone())))
        .collect();
    let mut place = |f: &Finding, general: &mut Vec<Finding>| match f
        .location
        .path
        .canonicalize()
        .ok()
        .filter(|c| canon.contains_key(c))
    {
        Some(c) => by_file.entry(c).or_default().push(f.clone()),
        None => general.push(f.clone()),
    };
    for f in findings {
        if f.outputs.is_empty() {
            place(f, &mut general);
        } else {
            for o in &f.outputs {
                place(o, &mut general);
            }
            let mut source = f.clone();
            source.outputs.clear();
            general.push(source);
        }
    }
    let mut items = Vec::new();
    let mut titles = HashMap::new();
    for (abs, given) in canon.iter().collect::<BTreeMap<_, _>>() {
        if items.len() >= MAX_ITEMS {
            break;
        }
        // the sheet's own files are not shown on it
        if abs.starts_with(dir_abs.join(DIR)) {
            continue;
        }
        let Ok(bytes) = read_head_or_all(abs) else {
            continue;
        };
        let href = relative_href(&dir_abs, abs);
        let (kind, channel) = match crate::lint::detect_kind(abs, &bytes) {
            crate::lint::FileKind::Html => (Kind::Page, "web"),
            crate::lint::FileKind::EmailHtml => (Kind::Email, "email"),
            crate::lint::FileKind::Png
            | crate::lint::FileKind::Jpeg
            | crate::lint::FileKind::Gif
            | crate::lint::FileKind::Webp
            | crate::lint::FileKind::Svg => (Kind::Image, "image"),
            crate::lint::FileKind::Pdf => (Kind::Pdf, "print"),
            crate::lint::FileKind::Eml => (Kind::File, "email"),
            crate::lint::FileKind::Markdown => (Kind::File, "markdown"),
            _ => (Kind::File, "other"),
        };
        let group = href
            .rsplit_once('/')
            .map(|(d, _)| d.to_string())
            .unwrap_or_default();
        let group = if group.is_empty() {
            ".".to_string()
        } else {
            group
        };
        if matches!(kind, Kind::Page | Kind::Email)
            && !titles.contains_key(&group)
            && let Some(t) = html_title(&bytes)
        {
            titles.insert(group.clone(), t);
        }
        items.push(Item {
            href,
            file: given.clone(),
            kind,
            channel: channel.to_string(),
            group,
            segment: None,
            sha256: sha256_hex(&bytes),
            findings: Some(by_file.remove(abs).unwrap_or_default()),
        });
    }
    // a page of the folder's own is never overwritten
    let ours = sheet_page_in(dir);
    let free = |name: &str| {
        std::fs::symlink_metadata(dir.join(name)).is_err() || ours.as_deref() == Some(name)
    };
    let page = match [PAGE, PAGE_BESIDE].into_iter().find(|n| free(n)) {
        Some(name) => name.to_string(),
        None => {
            return Err(Error::file(
                dir,
                format!(
                    "has its own {PAGE} and {PAGE_BESIDE}: the contact sheet is not written over them; choose another --sheet folder"
                ),
            ));
        }
    };
    Ok(Sheet {
        heading: heading.to_string(),
        items,
        titles,
        general,
        linted: true,
        page,
        site_base: None,
        painted: HashMap::new(),
    })
}

/// A file's bytes (lint read them already; a file too big to read again is left out).
fn read_head_or_all(path: &Path) -> std::io::Result<Vec<u8>> {
    let meta = std::fs::metadata(path)?;
    if meta.len() > MAX_READ_BYTES {
        return Err(std::io::Error::other("too big"));
    }
    std::fs::read(path)
}

/// The `/`-separated relative path from folder `from` to `to` (both canonical).
fn relative_href(from: &Path, to: &Path) -> String {
    let a: Vec<Component> = from.components().collect();
    let b: Vec<Component> = to.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = vec!["..".to_string(); a.len() - common];
    parts.extend(
        b[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// A page's `<title>` and its `lang`.
fn html_title(bytes: &[u8]) -> Option<Title> {
    let text = crate::lint::html::charset::decode(&bytes[..bytes.len().min(256 * 1024)]);
    let doc = crate::lint::html::parse::Document::parse(&text);
    let title = doc.find("title")?;
    let el = &doc.elements[title];
    let inner = text.get(el.tag_end..el.end)?;
    let inner = inner.rsplit_once("</").map_or(inner, |(t, _)| t);
    let text_value = crate::lint::html::parse::decode(inner, 0).value;
    let lang = doc.find("html").and_then(|h| {
        doc.elements[h]
            .attr_value("lang")
            .map(|l| l.chars().take(35).collect::<String>())
    });
    let t = text_value.split_whitespace().collect::<Vec<_>>().join(" ");
    (!t.is_empty()).then(|| Title {
        text: t.chars().take(200).collect(),
        lang,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_hrefs_climb_out_of_the_sheet_folder() {
        assert_eq!(
            relative_href(Path::new("/a/review"), Path::new("/a/delivery/หน้า.html")),
            "../delivery/หน้า.html"
        );
        assert_eq!(
            relative_href(Path::new("/a/d"), Path::new("/a/d/x/y.png")),
            "x/y.png"
        );
    }

    #[test]
    fn page_titles_are_read_in_thai() {
        let t = html_title(
            "<!doctype html><html lang=\"th\"><head><title>กาแฟ &amp; ขนม\n ฤดูหนาว</title></head></html>"
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(t.text, "กาแฟ & ขนม ฤดูหนาว");
        assert_eq!(t.lang.as_deref(), Some("th"));
        assert!(html_title(b"<html><body>no title</body></html>").is_none());
    }
}
