//! The brand book: `brandpress brand book [--out DIR]` writes the guide as a document a
//! designer reads — `DIR/index.html` (with the brand fonts and the logo copied beside it)
//! and `DIR/brand-book.pdf`, drawn by the print engine's PDF painter.
//!
//! What it shows, all computed from the guide and its files:
//! - swatches: hex, RGB, CMYK (the guide's values; a color without them prints as RGB, as
//!   the print channel prints it) and the dark-mode variant;
//! - the WCAG contrast matrix: every palette color as text on every other as background,
//!   graded AAA / AA / AA large / fail by [`crate::brand::Rgb::contrast`] (the one contrast
//!   function lint uses), the guide's declared pairs and their exceptions marked;
//! - font specimens, Latin and Thai, for every font role and every weight its files have;
//! - the logo from its real file: clear space drawn around it, each minimum size, every
//!   allowed background, and the don'ts (a background the guide does not allow, the logo
//!   stretched, the logo recolored), each labelled;
//! - tone: banned terms, preferred terms, the brand's spellings, sentence length.
//!
//! Where: the default folder is `<project>/brand-book/` ([`default_dir`]), beside `out/`
//! and not inside it, since `build` swaps `out/` whole. The folder is written as a build
//! writes its output: every file into a fresh staging folder beside it, flushed, then
//! swapped in by one atomic rename. A folder that is a project source (`brand/`,
//! `content/`, `templates/`), the project or a folder holding it, a symbolic link, a file,
//! or a non-empty folder without our marker ([`MARKER`]) is refused before anything is
//! written. One writer at a time holds `.<dir-name>.lock` beside it; the staging folders
//! of a killed writer are removed by the next one. The bytes are deterministic: the same
//! guide and files give the same book.

mod html;
mod model;
mod pdf;

use std::path::{Path, PathBuf};

use crate::assets::Assets;
use crate::brand::Guide;
use crate::build::{BuildLock, LockWait, OutDir, recover, remove_tree, swap_in, sync_folder};
use crate::error::{Error, Result};
use crate::project::Project;

pub use model::{Book, Cell, Grade, Swatch};

/// The marker file at the top of every book folder: a folder with it may be replaced.
pub const MARKER: &str = ".brandpress-book";

/// The book's PDF file name inside its folder.
pub const PDF_NAME: &str = "brand-book.pdf";

/// What [`write_book`] wrote.
#[derive(Debug, Clone)]
pub struct BookSummary {
    /// The book folder (absolute, symlink-free).
    pub dir: PathBuf,
    /// Every file written, relative to `dir`, sorted.
    pub files: Vec<String>,
    /// Pages of the PDF.
    pub pdf_pages: usize,
    /// Leftovers of an interrupted writer that could not be removed.
    pub warnings: Vec<String>,
}

/// The default book folder: `<project>/brand-book/`.
pub fn default_dir(project_root: &Path) -> PathBuf {
    project_root.join("brand-book")
}

/// Refuses a book folder inside the build's default output `<project>/out`: a build
/// replaces that folder whole, so the book would vanish with the next build.
pub fn refuse_inside_build_output(project_root: &Path, dir: &Path) -> Result<()> {
    let root = match project_root.as_os_str().is_empty() {
        true => Path::new("."),
        false => project_root,
    };
    let (Ok(root), Ok(dir_abs)) = (root.canonicalize(), std::path::absolute(dir)) else {
        return Ok(());
    };
    let out = root.join("out");
    // The folder may not exist yet: compare its nearest existing ancestor.
    let mut probe = dir_abs.as_path();
    let canonical = loop {
        if let Ok(c) = probe.canonicalize() {
            let rest = dir_abs.strip_prefix(probe).unwrap_or(Path::new(""));
            break c.join(rest);
        }
        match probe.parent() {
            Some(p) => probe = p,
            None => return Ok(()),
        }
    };
    if canonical.starts_with(&out) {
        return Err(Error::file(
            dir,
            "refusing to write the brand book inside out/: `brandpress build` replaces out/ whole, so the book would vanish with the next build (the default is <project>/brand-book/)",
        ));
    }
    Ok(())
}

/// Files in memory: (path relative to the book folder, bytes).
pub type Files = Vec<(String, Vec<u8>)>;

/// The book's files, in memory: (relative path, bytes), sorted by path, and the PDF's
/// page count. Nothing is written.
pub fn render(guide: &Guide) -> Result<(Files, usize)> {
    let assets = Assets::load(guide)?;
    let book = Book::from_guide(guide, &assets)?;
    let mut files = html::files(&book, guide)?;
    let (pdf, pages) = pdf::render(&book, guide, &assets)?;
    files.push((PDF_NAME.to_string(), pdf));
    let listing: String = files.iter().map(|(p, _)| format!("{p}\n")).collect();
    files.push((MARKER.to_string(), listing.into_bytes()));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok((files, pages))
}

/// Renders the book of `project` and puts it at `dir` in one atomic swap. `dir` must not
/// be a project source folder, the project or a folder holding it, a link or a file, and
/// if it holds anything it must be a book written before (it has [`MARKER`]). On any error
/// nothing at `dir` has changed.
pub fn write_book(project: &Project, dir: &Path) -> Result<BookSummary> {
    write_guide_book(&project.guide, dir)
}

/// [`write_book`] from the guide alone (the book reads no piece, so a broken piece does
/// not stop it).
pub fn write_guide_book(guide: &Guide, dir: &Path) -> Result<BookSummary> {
    let root = match guide.root.as_os_str().is_empty() {
        true => Path::new("."),
        false => guide.root.as_path(),
    };
    let out = OutDir::resolve(dir, root)?;
    // One writer at a time (the preview server and the command line may both write
    // it); under the lock, the leftovers of a killed writer are put back or removed.
    let _lock = BuildLock::acquire(&out.sibling("lock"), &out.path, &LockWait::default())?;
    let warnings = recover(&out)?;
    check_existing(&out.path)?;
    let (files, pdf_pages) = render(guide)?;
    let staging = create_staging(&out)?;
    let written = write_files(&staging, &files).and_then(|()| {
        sync_folder(&staging)?;
        swap_in(&out, &staging)
    });
    // After the swap the old book sits at the staging path; after a failure, the
    // unfinished new one. Either way it goes.
    remove_tree(&staging);
    written?;
    Ok(BookSummary {
        dir: out.path,
        files: files.into_iter().map(|(p, _)| p).collect(),
        pdf_pages,
        warnings,
    })
}

/// Refuses what is at `path` unless it is missing, an empty folder or a book.
fn check_existing(path: &Path) -> Result<()> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::file(path, e)),
    };
    if meta.file_type().is_symlink() {
        return Err(Error::file(
            path,
            "the book folder is a symbolic link; brandpress writes only into a real folder it owns (choose another --out)",
        ));
    }
    if !meta.is_dir() {
        return Err(Error::file(
            path,
            "is a file, not a book folder; choose another --out",
        ));
    }
    let marker = path.join(MARKER);
    if std::fs::symlink_metadata(&marker).is_ok_and(|m| m.is_file()) {
        return Ok(());
    }
    let mut entries = std::fs::read_dir(path).map_err(|e| Error::file(path, e))?;
    if entries.next().is_none() {
        return Ok(());
    }
    Err(Error::file(
        path,
        format!(
            "refusing to replace a non-empty folder that is not a brand book (it has no {MARKER} marker); the book replaces its whole folder, so choose an empty or new --out"
        ),
    ))
}

fn create_staging(out: &OutDir) -> Result<PathBuf> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    for attempt in 0..100u32 {
        let root = out.sibling(&format!("staging-{}-{nanos}-{attempt}", std::process::id()));
        match std::fs::create_dir(&root) {
            Ok(()) => return Ok(root),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(Error::file(&root, e)),
        }
    }
    Err(Error::file(
        out.parent(),
        "cannot create a staging folder for the brand book",
    ))
}

/// Writes every file new (never following a link), each folder once, then flushes them.
fn write_files(root: &Path, files: &[(String, Vec<u8>)]) -> Result<()> {
    use std::io::Write;
    let mut made: Vec<PathBuf> = Vec::new();
    for (rel, bytes) in files {
        let path = root.join(rel);
        if let Some(parent) = path.parent()
            && parent != root
            && !made.iter().any(|m| m == parent)
        {
            std::fs::create_dir(parent).map_err(|e| Error::file(parent, e))?;
            made.push(parent.to_path_buf());
        }
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| Error::file(&path, e))?;
        file.write_all(bytes)
            .and_then(|()| file.sync_all())
            .map_err(|e| Error::file(&path, e))?;
    }
    for dir in &made {
        sync_folder(dir)?;
    }
    Ok(())
}
