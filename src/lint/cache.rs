//! The lint cache: our own outputs whose bytes, guide and neighbours are unchanged since
//! the last lint are not linted again; their findings are replayed.
//!
//! A file's findings are a function of its bytes, the guide (and the brand folder's fonts
//! and logo), the tool version, the lint options (linted roots, `--kind`, today's date)
//! and a few other files a linter consults: the stylesheets a page links, the files its
//! links point at, the `.txt` beside an email, the page beside a hero image, the
//! Markdown source a page names, and the file's record in `manifest.json`. While a file
//! is linted every such read is recorded ([`note_read`], called by
//! [`Roots::reach`](super::Roots::reach) and by the Markdown source reader), and the
//! entry keeps the state of each (its canonical path and SHA-256, a folder, or nothing).
//! An entry is replayed only when the file's SHA-256 and every recorded state still
//! match, so a changed file, guide, stylesheet or linked file lints again.
//!
//! Only files listed in an output folder of ours (`.brandpress-output` and
//! `manifest.json` at its top) are cached: anything else lints every time. SVG pictures
//! resolve their own references, unrecorded, so they are never cached either.
//!
//! The cache lives beside the output, never inside what is published:
//! `<parent>/.brandpress/<output name>.lint-cache.json` (the build replaces the output
//! folder whole, so a cache inside it would not outlive a build). It is untrusted: one
//! that does not read (corrupt, foreign, too big) is ignored with a warning and
//! rewritten. `lint --no-cache` neither reads nor writes it.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::{Edit, Excerpt, Finding, Location, Severity};
use crate::manifest::{CampaignManifest, MANIFEST, MARKER, sha256_hex};

/// What the cache file says it is.
const FORMAT: &str = "brandpress-lint-cache";
/// Bumped when the entry format or what a finding holds changes.
const FORMAT_VERSION: u32 = 2;
/// A cache file bigger than this is not read (a planted one could be huge).
const MAX_CACHE_BYTES: u64 = 256 << 20;
/// Brand folders bigger than this are not hashed: lint runs without the cache.
const MAX_BRAND_BYTES: u64 = 256 << 20;
/// Files in the brand folder hashed at most.
const MAX_BRAND_FILES: usize = 10_000;
/// Findings kept per file (more, and the file lints each time).
const MAX_FINDINGS: usize = 10_000;

thread_local! {
    /// The paths read while the current thread lints one file (`None`: not recording).
    static READS: RefCell<Option<Vec<PathBuf>>> = const { RefCell::new(None) };
}

/// Records that the linter on this thread consulted `path` (a stylesheet, a link's
/// target, a sibling file). Cheap, and a no-op when no cached lint is running.
pub fn note_read(path: &Path) {
    READS.with(|r| {
        if let Some(reads) = r.borrow_mut().as_mut()
            && reads.len() < 100_000
        {
            reads.push(path.to_path_buf());
        }
    });
}

/// Runs `f`, returning what it returned, the paths it read ([`note_read`]) and the
/// stylesheets it linked ([`note_sheet`]).
fn recording<R>(f: impl FnOnce() -> R) -> (R, Vec<PathBuf>, Vec<(PathBuf, bool)>) {
    READS.with(|r| *r.borrow_mut() = Some(Vec::new()));
    SHEETS.with(|s| *s.borrow_mut() = Some(Vec::new()));
    let out = f();
    let reads = READS.with(|r| r.borrow_mut().take()).unwrap_or_default();
    let sheets = SHEETS.with(|s| s.borrow_mut().take()).unwrap_or_default();
    (out, reads, sheets)
}

/// A finding as stored: [`Finding`] with its rule id as a string and its excerpt.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Stored {
    rule: String,
    severity: String,
    location: StoredLocation,
    message: String,
    expected: Option<String>,
    found: Option<String>,
    fix: Option<String>,
    edit: Option<StoredEdit>,
    source: Option<StoredLocation>,
    excerpt: Option<(String, usize)>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredLocation {
    path: PathBuf,
    line: Option<usize>,
    column: Option<usize>,
    page: Option<usize>,
    pixel_box: Option<[u32; 4]>,
    #[serde(default)]
    page_box: Option<[f32; 4]>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredEdit {
    path: PathBuf,
    start: usize,
    end: usize,
    replacement: String,
}

impl StoredLocation {
    fn of(l: &Location) -> StoredLocation {
        StoredLocation {
            path: l.path.clone(),
            line: l.line,
            column: l.column,
            page: l.page,
            pixel_box: l.pixel_box,
            page_box: l.page_box,
        }
    }

    fn back(self) -> Location {
        Location {
            path: self.path,
            line: self.line,
            column: self.column,
            page: self.page,
            pixel_box: self.pixel_box,
            page_box: self.page_box,
        }
    }
}

fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

impl Stored {
    /// `None` for what a cache cannot hold (grouped findings, made later in the run).
    fn of(f: &Finding) -> Option<Stored> {
        if !f.outputs.is_empty() {
            return None;
        }
        Some(Stored {
            rule: f.rule.to_string(),
            severity: severity_name(f.severity).to_string(),
            location: StoredLocation::of(&f.location),
            message: f.message.clone(),
            expected: f.expected.clone(),
            found: f.found.clone(),
            fix: f.fix.clone(),
            edit: f.edit.as_ref().map(|e| StoredEdit {
                path: e.path.clone(),
                start: e.start,
                end: e.end,
                replacement: e.replacement.clone(),
            }),
            source: f.source.as_ref().map(StoredLocation::of),
            excerpt: f.excerpt.as_ref().map(|e| (e.text.clone(), e.column)),
        })
    }

    /// The finding back; `None` when the rule or severity is unknown (a foreign cache).
    fn back(self) -> Option<Finding> {
        let rule = crate::registry::info(&self.rule)?;
        let severity = match self.severity.as_str() {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            "info" => Severity::Info,
            _ => return None,
        };
        let mut f = Finding::new(rule, self.location.back(), self.message);
        f.severity = severity;
        f.expected = self.expected;
        f.found = self.found;
        f.fix = self.fix;
        f.edit = self.edit.map(|e| Edit {
            path: e.path,
            start: e.start,
            end: e.end,
            replacement: e.replacement,
        });
        f.source = self.source.map(StoredLocation::back);
        f.excerpt = self.excerpt.map(|(text, column)| Excerpt { text, column });
        Some(f)
    }
}

/// One linted file.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    /// SHA-256 of the file's bytes.
    sha256: String,
    /// Hash of the file's `manifest.json` record.
    record: String,
    /// Each file the linter consulted, with its state then ([`state`]).
    deps: Vec<(PathBuf, String)>,
    /// Stylesheets the page linked ([`super::LintContext::linked_sheet`]).
    sheets: Vec<PathBuf>,
    findings: Vec<Stored>,
}

/// A linked stylesheet's own findings, reported by the first page that links it in a run.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct SheetEntry {
    state: String,
    findings: Vec<Stored>,
}

/// The cache file.
#[derive(Debug, Default, Serialize, Deserialize)]
struct CacheFile {
    format: String,
    version: u32,
    /// `CARGO_PKG_VERSION`.
    tool: String,
    /// SHA-256 over the guide and the brand folder.
    guide: String,
    /// By `<options digest> <path as linted>`.
    files: BTreeMap<String, Entry>,
    /// By `<options digest> <stylesheet path>`.
    sheets: BTreeMap<String, SheetEntry>,
}

/// One output folder of ours among the linted paths.
struct Output {
    /// Canonical.
    root: PathBuf,
    /// Where its cache lives.
    file: PathBuf,
    /// Its files (relative, `/`-separated), from the marker.
    files: HashSet<String>,
    /// The hash of each file's `manifest.json` record, read on first need: only pictures
    /// and PDFs consult their record (the QR code's campaign and page), and the campaign
    /// manifest is large.
    records: std::sync::OnceLock<HashMap<String, String>>,
    old: CacheFile,
    new: Mutex<CacheFile>,
}

/// The lint cache of one run: one cache file per output folder of ours linted.
pub struct LintCache {
    outputs: Vec<Output>,
    /// Tool version, guide and options: what every entry of this run is keyed on.
    options: String,
    /// The state of each consulted file, computed once per run.
    states: Mutex<HashMap<PathBuf, String>>,
    /// Entries replayed and written this run.
    pub hits: std::sync::atomic::AtomicUsize,
    pub misses: std::sync::atomic::AtomicUsize,
}

/// The files the marker of output folder `root` lists (none when it does not read).
fn marker_files(root: &Path) -> HashSet<String> {
    #[derive(Deserialize)]
    struct Marker {
        files: Vec<MarkerFile>,
    }
    #[derive(Deserialize)]
    struct MarkerFile {
        path: String,
    }
    let Ok(file) = std::fs::File::open(root.join(MARKER)) else {
        return HashSet::new();
    };
    let mut bytes = Vec::new();
    if file
        .take(MAX_CACHE_BYTES + 1)
        .read_to_end(&mut bytes)
        .is_err()
        || bytes.len() as u64 > MAX_CACHE_BYTES
    {
        return HashSet::new();
    }
    serde_json::from_slice::<Marker>(&bytes)
        .map(|m| m.files.into_iter().map(|f| f.path).collect())
        .unwrap_or_default()
}

/// Where the cache of output folder `root` lives.
pub fn cache_path(root: &Path) -> Option<PathBuf> {
    let name = root.file_name()?.to_string_lossy().into_owned();
    Some(
        root.parent()?
            .join(".brandpress")
            .join(format!("{name}.lint-cache.json")),
    )
}

/// The state of a consulted file: where it leads and what it holds.
fn state(path: &Path) -> String {
    let Ok(canonical) = path.canonicalize() else {
        return "missing".to_string();
    };
    let Ok(meta) = std::fs::metadata(&canonical) else {
        return "missing".to_string();
    };
    if meta.is_dir() {
        return format!("dir {}", canonical.display());
    }
    if !meta.is_file() || meta.len() > MAX_CACHE_BYTES {
        // a device, a fifo or a huge file: never equal to an earlier state
        return format!("unhashed {}", std::process::id());
    }
    match std::fs::read(&canonical) {
        Ok(bytes) => format!("file {} {}", canonical.display(), sha256_hex(&bytes)),
        Err(_) => "unreadable".to_string(),
    }
}

/// SHA-256 over the guide's text and every file of the brand folder (fonts, logo);
/// `None` when the folder is too big to hash.
fn guide_hash(guide: &crate::brand::Guide) -> Option<String> {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(guide.source.text.as_bytes());
    let brand = guide.root.join("brand");
    let mut total = 0u64;
    let mut n = 0usize;
    for entry in walkdir::WalkDir::new(&brand)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if !entry.file_type().is_file() {
            continue;
        }
        n += 1;
        total += entry.metadata().map_or(0, |m| m.len());
        if n > MAX_BRAND_FILES || total > MAX_BRAND_BYTES {
            return None;
        }
        let bytes = std::fs::read(entry.path()).ok()?;
        h.update(entry.path().to_string_lossy().as_bytes());
        h.update([0]);
        h.update(sha256_hex(&bytes).as_bytes());
    }
    Some(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// Reads a cache file; `Err` says why it is not used (a missing file is `Ok(None)`).
fn read_cache(path: &Path) -> Result<Option<CacheFile>, String> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    let mut bytes = Vec::new();
    file.take(MAX_CACHE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_CACHE_BYTES {
        return Err(format!("over {MAX_CACHE_BYTES} bytes"));
    }
    let cache: CacheFile = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
    if cache.format != FORMAT {
        return Err("not a brandpress lint cache".to_string());
    }
    Ok(Some(cache))
}

impl LintCache {
    /// The cache for linting `paths`, or `None` when none of them is in an output folder
    /// of ours (or the guide cannot be hashed). A cache that does not read is reported on
    /// stderr and ignored.
    pub fn open(ctx: &super::LintContext, paths: &[PathBuf]) -> Option<LintCache> {
        let mut roots: Vec<PathBuf> = Vec::new();
        for path in paths {
            let Ok(canonical) = path.canonicalize() else {
                continue;
            };
            if let Some(root) = canonical
                .ancestors()
                .find(|d| d.join(MARKER).is_file() && d.join(MANIFEST).is_file())
                && !roots.iter().any(|r| r == root)
            {
                roots.push(root.to_path_buf());
            }
        }
        if roots.is_empty() {
            return None;
        }
        let guide = guide_hash(ctx.guide)?;
        let tool = env!("CARGO_PKG_VERSION");
        let today = super::ignore::today();
        let cwd = std::env::current_dir().unwrap_or_default();
        let options = crate::manifest::sha256_hex(
            format!(
                "{tool}\0{guide}\0{:?}\0{:?}\0{today:?}\0{}\0{:?}",
                ctx.roots,
                ctx.forced,
                cwd.display(),
                ctx.campaign
            )
            .as_bytes(),
        )[..16]
            .to_string();
        let mut outputs = Vec::new();
        for root in roots {
            let Some(file) = cache_path(&root) else {
                continue;
            };
            let files = marker_files(&root);
            let old = match read_cache(&file) {
                Ok(Some(c))
                    if c.version == FORMAT_VERSION && c.tool == tool && c.guide == guide =>
                {
                    c
                }
                // another version or guide: nothing in it applies
                Ok(_) => CacheFile::default(),
                Err(why) => {
                    eprintln!(
                        "warning: ignoring the lint cache {}: {why}",
                        crate::brand::display_path(&file).display()
                    );
                    CacheFile::default()
                }
            };
            let new = CacheFile {
                format: FORMAT.to_string(),
                version: FORMAT_VERSION,
                tool: tool.to_string(),
                guide: guide.clone(),
                ..Default::default()
            };
            outputs.push(Output {
                root,
                file,
                files,
                records: std::sync::OnceLock::new(),
                old,
                new: Mutex::new(new),
            });
        }
        Some(LintCache {
            outputs,
            options,
            states: Mutex::new(HashMap::new()),
            hits: Default::default(),
            misses: Default::default(),
        })
    }

    /// The output folder of ours that lists `path`, and the file's path in it.
    fn output_of(&self, path: &Path) -> Option<(&Output, String)> {
        let canonical = path.canonicalize().ok()?;
        self.outputs.iter().find_map(|o| {
            let rel = canonical.strip_prefix(&o.root).ok()?;
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            o.files.contains(&rel).then_some((o, rel))
        })
    }

    fn state_of(&self, path: &Path) -> String {
        if let Some(s) = self
            .states
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(path)
        {
            return s.clone();
        }
        let s = state(path);
        self.states
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_path_buf(), s.clone());
        s
    }

    fn key(&self, path: &Path) -> String {
        format!("{} {}", self.options, path.display())
    }

    /// Lints `path` (its `bytes`) with `lint`, or replays its findings from the cache.
    pub fn lint(
        &self,
        ctx: &super::LintContext,
        path: &Path,
        bytes: &[u8],
        lint: impl FnOnce() -> Vec<Finding>,
    ) -> Vec<Finding> {
        use std::sync::atomic::Ordering::Relaxed;
        let Some((output, rel)) = self.output_of(path) else {
            return lint();
        };
        use super::FileKind as K;
        let record = match super::detect_kind(path, bytes) {
            K::Svg => return lint(),
            K::Png | K::Jpeg | K::Gif | K::Webp | K::Pdf => output
                .records
                .get_or_init(|| {
                    CampaignManifest::previous(&output.root)
                        .into_iter()
                        .map(|r| {
                            let hash = sha256_hex(&serde_json::to_vec(&r).unwrap_or_default());
                            (r.path, hash)
                        })
                        .collect()
                })
                .get(&rel)
                .map_or("none", String::as_str),
            _ => "",
        };
        let sha = sha256_hex(bytes);
        let key = self.key(path);
        if let Some(found) = self.replay(ctx, output, &key, &sha, record) {
            self.hits.fetch_add(1, Relaxed);
            return found;
        }
        self.misses.fetch_add(1, Relaxed);
        let (findings, reads, sheets) = recording(lint);
        self.store(output, key, path, (sha, record), (reads, sheets), &findings);
        findings
    }

    /// The findings of an unchanged file, with its linked stylesheets' findings when this
    /// page is the first of the run to link them.
    fn replay(
        &self,
        ctx: &super::LintContext,
        output: &Output,
        key: &str,
        sha: &str,
        record: &str,
    ) -> Option<Vec<Finding>> {
        let entry = output.old.files.get(key)?;
        if entry.sha256 != sha || entry.record != record {
            return None;
        }
        if entry.deps.iter().any(|(p, s)| self.state_of(p) != *s) {
            return None;
        }
        let mut sheets = Vec::new();
        for sheet in &entry.sheets {
            let stored = output.old.sheets.get(&self.key(sheet))?;
            if self.state_of(sheet) != stored.state {
                return None;
            }
            sheets.push((sheet, stored));
        }
        let mut findings: Vec<Finding> = entry
            .findings
            .iter()
            .cloned()
            .map(Stored::back)
            .collect::<Option<_>>()?;
        let mut new = output.new.lock().unwrap_or_else(|e| e.into_inner());
        for (sheet, stored) in sheets {
            // the page reads its stylesheet as a fresh lint would, so the run reports a
            // sheet's findings once whichever page comes first
            if let Some((_, true)) = ctx.linked_sheet(sheet) {
                findings.extend(stored.findings.iter().cloned().filter_map(Stored::back));
            }
            new.sheets.insert(self.key(sheet), stored.clone());
        }
        new.files.insert(key.to_string(), entry.clone());
        Some(findings)
    }

    /// Keeps a fresh lint's findings, with the state of what it read.
    fn store(
        &self,
        output: &Output,
        key: String,
        path: &Path,
        (sha, record): (String, &str),
        (reads, linked): (Vec<PathBuf>, Vec<(PathBuf, bool)>),
        findings: &[Finding],
    ) {
        if findings.len() > MAX_FINDINGS
            || findings
                .iter()
                .any(|f| f.rule == super::rules::LINT_INTERNAL_ERROR.id)
        {
            return;
        }
        let sheets: Vec<PathBuf> = linked.iter().map(|(p, _)| p.clone()).collect();
        let sheet_paths: HashSet<PathBuf> = sheets
            .iter()
            .map(|p| crate::brand::display_path(p))
            .collect();
        let mut own = Vec::new();
        let mut by_sheet: HashMap<PathBuf, Vec<Stored>> = HashMap::new();
        for f in findings {
            let Some(stored) = Stored::of(f) else {
                return;
            };
            if f.location.path == path {
                own.push(stored);
            } else if sheet_paths.contains(&f.location.path) {
                by_sheet
                    .entry(f.location.path.clone())
                    .or_default()
                    .push(stored);
            } else {
                // a finding on another file that is not a linked sheet: not cacheable
                return;
            }
        }
        let mut deps: Vec<(PathBuf, String)> = Vec::new();
        let mut seen = HashSet::new();
        for p in reads {
            if seen.insert(p.clone()) {
                let s = self.state_of(&p);
                deps.push((p, s));
            }
        }
        let mut new = output.new.lock().unwrap_or_else(|e| e.into_inner());
        for (sheet, first) in &linked {
            if *first {
                // this page reported the sheet's findings (it was the first to link it)
                let display = crate::brand::display_path(sheet);
                new.sheets.insert(
                    self.key(sheet),
                    SheetEntry {
                        state: self.state_of(sheet),
                        findings: by_sheet.remove(&display).unwrap_or_default(),
                    },
                );
            }
        }
        new.files.insert(
            key,
            Entry {
                sha256: sha,
                record: record.to_string(),
                deps,
                sheets,
                findings: own,
            },
        );
    }

    /// Writes each output's cache: this run's entries, and the earlier ones of files that
    /// still exist (another folder linted on its own keeps its entries). A cache that
    /// cannot be written is a warning.
    pub fn save(self) {
        for output in self.outputs {
            let mut new = output.new.into_inner().unwrap_or_else(|e| e.into_inner());
            for (key, entry) in output.old.files {
                if new.files.contains_key(&key) {
                    continue;
                }
                let path = key.split_once(' ').map_or("", |(_, p)| p);
                if Path::new(path).is_file() {
                    new.files.insert(key, entry);
                }
            }
            for (key, sheet) in output.old.sheets {
                new.sheets.entry(key).or_insert(sheet);
            }
            if let Err(e) = write_atomic(&output.file, &new) {
                eprintln!(
                    "warning: could not write the lint cache {}: {e}",
                    crate::brand::display_path(&output.file).display()
                );
            }
        }
    }
}

/// For the contact sheet a build writes without linting (`crate::sheet`): every entry of
/// output folder `out`'s cache as `(path as linted, SHA-256 linted, findings)`, sorted by
/// key; `None` without a cache made with this tool version and this guide (and brand
/// folder). An entry's other recorded states are not checked: the sheet shows what the
/// last lint of those bytes found.
pub fn replay_for_sheet(
    guide: &crate::brand::Guide,
    out: &Path,
) -> Option<Vec<(String, String, Vec<Finding>)>> {
    let cache = read_cache(&cache_path(out)?).ok()??;
    if cache.version != FORMAT_VERSION
        || cache.tool != env!("CARGO_PKG_VERSION")
        || cache.guide != guide_hash(guide)?
    {
        return None;
    }
    Some(
        cache
            .files
            .into_iter()
            .filter_map(|(key, entry)| {
                let path = key.split_once(' ').map(|(_, p)| p.to_string())?;
                let findings = entry
                    .findings
                    .into_iter()
                    .map(Stored::back)
                    .collect::<Option<Vec<_>>>()?;
                Some((path, entry.sha256, findings))
            })
            .collect(),
    )
}

thread_local! {
    /// The stylesheets the current thread's page linked (see [`note_sheet`]).
    static SHEETS: RefCell<Option<Vec<(PathBuf, bool)>>> = const { RefCell::new(None) };
}

/// Records that the page linted on this thread links the stylesheet at `path`, and
/// whether it is the first page of the run to do so (so it reports the sheet's findings).
pub fn note_sheet(path: &Path, first: bool) {
    SHEETS.with(|s| {
        if let Some(list) = s.borrow_mut().as_mut()
            && !list.iter().any(|(p, _)| p == path)
            && list.len() < 10_000
        {
            list.push((path.to_path_buf(), first));
        }
    });
}

/// Writes `cache` to `path` through a temporary file and a rename, so a reader never
/// sees half a cache and two lints at once leave one whole.
fn write_atomic(path: &Path, cache: &CacheFile) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let bytes = serde_json::to_vec(cache).map_err(std::io::Error::other)?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id()
    ));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}
