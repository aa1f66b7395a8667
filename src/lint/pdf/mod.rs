//! Lint rules for PDF files — ours or anyone's (Chromium prints, LibreOffice exports…):
//!
//! - `pdf/unreadable`: the file does not parse as a PDF; or it does, damaged (truncated,
//!   its cross-reference table rebuilt — also when the table points a page at another
//!   object, which poppler and qpdf repair the same way), and what could be read is checked.
//! - `pdf/encrypted`: the file is encrypted and needs a password to open; nothing else is
//!   checked. One encrypted with an empty user password (against editing or printing
//!   only) is decrypted as it loads and checked like any other, and so is one whose crypt
//!   filters leave streams and strings in the clear (`/StmF` and `/StrF` `/Identity`,
//!   encryption version 4 or 5: only embedded files are encrypted, `/EFF`), whatever its
//!   password.
//! - `pdf/font-not-embedded`: a font whose descriptor has no `FontFile`/`FontFile2`/
//!   `FontFile3` stream (an entry that is not a stream embeds nothing; the standard 14 are
//!   not embedded either). Type 3 fonts are skipped: their glyphs are drawings inside the
//!   file. Fonts are those a viewer renders with: the page content's (and its forms' and
//!   tiling patterns'), those of annotations' and form fields' appearance streams (`/AP`,
//!   every state, ZapfDingbats in check boxes), and the font of the `/DA` string of an
//!   annotation the viewer draws itself — a free-text annotation without a normal
//!   appearance, a text, choice or button field without one or in a form with
//!   `/NeedAppearances true` (the field's `/DA`, inherited, else the form's): the font
//!   the form's default resources (`/AcroForm /DR`) define under that name, else the
//!   name alone (the viewer substitutes one), else, when the `/DA` names none and there
//!   is no appearance at all, "the viewer's default font". The other fonts of `/DR`
//!   (Acrobat puts `Helv` and `ZaDb` in every form) and a document default `/DA` that no
//!   such field uses render nothing and are not checked (this rule and `font/off-brand`).
//!   (A `FontFile` reference to an object that did not load, in a damaged file, counts as
//!   embedded.) Names that are not UTF-8 (GBK `SimHei`…) are printed with `#xx` escapes, as PDF
//!   writes them.
//!   Not told apart yet: a font used only for invisible text (`3 Tr`, OCR layers), which
//!   pdffonts lists too.
//! - `font/off-brand`: a font whose name is not one of the guide's families (subset
//!   prefixes and style suffixes ignored).
//! - `color/off-palette`, `color/near-miss`: colors painted with (fill and stroke, paths
//!   and text, in the page content, the forms it draws and the appearance streams of its
//!   printed annotations) compared with the palette by the lint context's classifier
//!   (`rules::color::Palette`, as CSS and image colors are): RGB and gray by CIEDE2000
//!   against the hex values and their dark variants (`tolerance` / `near_miss`), CMYK
//!   against the guide's CMYK values (within 2 points of one = on palette; else converted
//!   naively to RGB and compared by ΔE).
//!
//!   Every color space is resolved to one of those first (`scan.rs`):
//!
//!   - Indexed: the table entry, in its base space (Lab bases scaled to their ranges).
//!   - Lab: converted to sRGB (palette crate; the space's white point adapted to D65).
//!   - ICCBased gray and RGB: converted to sRGB through the embedded profile with moxcms
//!     (pure Rust, already in the tree through `image`; qcms would be a second CMS and
//!     lcms2 needs C). Profiles over 1 MiB or that do not parse are taken as device
//!     values. Device black and white (all 0, all 1) stay black and paper, whatever the
//!     medium's black looks like through the profile. ICCBased CMYK stays CMYK: print
//!     values are compared with the guide's as numbers, as a print shop specifies them.
//!   - Separation and DeviceN: the tints through the tint transform (a PDF function of
//!     Type 0, 2, 3 or 4, evaluated in `function.rs` with limits on samples, nesting,
//!     program size, steps and stack; the work is charged to the file's budget) into the
//!     alternate space. Colorants that are all process inks (`Cyan`, `Magenta`,
//!     `Yellow`, `Black`) are that alternate color. Other colorants are spot inks: see
//!     `color/unknown-spot`.
//!
//!   Accepted without a palette entry: white paper (gray 1, RGB 1/1/1, CMYK 0/0/0/0)
//!   because it is no ink; pure K (CMYK 0/0/0/100) when some brand color's CMYK is pure K
//!   (the brand's print black); registration colors (`Separation /All` or `/None`), used
//!   for crop marks, and spot inks at tint 0 (no ink). Black, however it is written
//!   (`0 g`, `0 0 0 rg`, `0 0 0 1 k`, rich black: K 100 with some C/M/Y), is the brand's
//!   black when the palette color nearest to `#000000` is a neutral close to it (ink
//!   `#1B1B1B`); otherwise it is judged as any other color.
//!
//!   Not judged: patterns and shadings (gradients), images (their pixels are the image
//!   linter's job), and colors whose space or tint transform cannot be read or
//!   evaluated. Annotations count when they print (flag `Print`, not `Hidden` or
//!   `NoView`; popups never): their normal appearance (`/AP /N`, the `/AS` state), or
//!   without one the `/C` (border, icon; not a link's 0-wide border) and `/IC`
//!   (interior) colors a viewer draws them with; findings say "annotation fill/stroke".
//! - `color/unknown-spot`: a spot ink whose name is not one of the guide's spot colors
//!   (`[colors.<name>] spot = "PANTONE 3425 C"`, compared without case and with runs of
//!   white space as one). A spot ink the guide names is that brand color, whatever its
//!   alternate. When the guide names no spot colors at all, a spot ink is judged by its
//!   alternate color instead (`spot "PANTONE 485 C" (alternate cmyk(0, 95, 100, 0))`).
//! - `pdf/page-size`: the trim box (else crop box, else media box) is not the guide's
//!   page size, in either orientation, within 1 pt.
//! - `pdf/bleed`: no bleed box beyond the trim box, or less bleed than `bleed_mm`.
//! - Tone rules (`tone/*`) on the text extracted from each page.
//! - `link/utm-missing`, `link/utm-mismatch`: the web addresses of link annotations, as the
//!   print channel's links.
//! - `link/qr-mismatch` (and the UTM rules) on the QR codes of pages that can hold one,
//!   rasterized with hayro ([`crate::lint::qr`]).

mod function;
mod scan;
mod text;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use lopdf::xref::XrefRecovery;
use lopdf::{DecompressError, Dictionary, Document, LoadOptions, Object, ObjectId, Stream};

pub use scan::{
    Area, Budget, FontUse, Limit, MAX_DECODED, MAX_FORMS, MAX_OPERATORS, MAX_RECT_FILL,
    PROCESS_INKS, PageScan, Paint, PaintKind, PdfColor, RectFill, intersects, scan_page,
};

use crate::brand::{Guide, Rgb};
use crate::lint::rules::color::{CMYK_TOLERANCE, Nearest, Palette};
use crate::lint::rules::{self, Rule};
use crate::lint::{Finding, LintContext, Location};
pub use text::page_texts;

/// Points per millimetre.
pub use crate::units::PT_PER_MM;

/// Tolerance of page size comparisons, in points.
const SIZE_TOLERANCE_PT: f32 = 1.0;

/// Bytes all object and cross-reference streams of a file may decode to while it loads
/// (lopdf decodes them eagerly; real ones are a few hundred KB each).
const LOAD_DECODED: usize = 32 * 1024 * 1024;
/// Bytes one such stream may decode to.
const LOAD_DECODED_PER_STREAM: usize = 8 * 1024 * 1024;

/// Distinct off-palette colors listed per file; more are counted in one last finding.
const MAX_COLOR_FINDINGS: usize = 200;

use crate::lint::rules::PDF_ENCRYPTED as ENCRYPTED;
use crate::lint::rules::PDF_TOO_COMPLEX as TOO_COMPLEX;
/// Rule ids.
use crate::lint::rules::PDF_UNREADABLE as UNREADABLE;

/// Lints one pdf file.
pub fn lint(ctx: &LintContext, path: &Path, bytes: &[u8]) -> Vec<Finding> {
    let doc = match load(bytes) {
        Ok(doc) => doc,
        Err(e) => return vec![e.finding(path)],
    };
    if let Some(locked) = still_encrypted(&doc) {
        return vec![encrypted(path, locked)];
    }
    let guide = ctx.guide;
    let mut findings = Vec::new();
    if let Some(why) = damage(&doc, bytes) {
        findings.push(unreadable(
            path,
            format!("{why}; what could be read is checked"),
        ));
    }
    let pages = doc.get_pages();
    if pages.is_empty() {
        findings.push(unreadable(path, "the PDF has no pages".to_string()));
        return findings;
    }
    let total = pages.len();
    let tone = ctx.tone(Some(crate::channel::Channel::Print));
    let mut budget = Budget::default();
    let mut fonts_seen: HashSet<FontKey> = HashSet::new();
    let mut colors = Colors::default();
    let judge = Judge {
        palette: &ctx.palette,
        spots: Spots::of(guide),
    };
    let mut damaged_reported = false;
    // what each page's geometry shows of QR codes, for the QR check
    let mut qr_reads = BTreeMap::new();
    // the decoded content of the pages the QR check may rasterize
    let mut qr_contents = BTreeMap::new();
    let last = pages.keys().next_back().copied().unwrap_or(0);
    for (number, page_id) in pages {
        let page = number as usize;
        let at = || Location {
            page: Some(page),
            ..Location::file(path)
        };
        if doc.get_dictionary(page_id).is_err() {
            findings.push(unreadable_at(
                at(),
                format!(
                    "page {page}: object {} {} R is missing or not a page dictionary: the page is not checked",
                    page_id.0, page_id.1
                ),
            ));
            continue;
        }
        findings.extend(check_boxes(guide, &doc, page_id, at()));
        let view = PageView::of(&doc, page_id);
        let at_area = |area: Option<Area>| Location {
            page_box: area.and_then(|a| view.as_ref()?.page_box(a)),
            ..at()
        };
        let mut scan = scan_page(&doc, page_id, &mut budget);
        if crate::lint::qr::looked_at(page, last as usize)
            && let Some(content) = scan.content.take()
        {
            qr_contents.insert(page, content);
        }
        if let Some(view) = &view {
            let read = crate::lint::qr::read_page(&scan, |a| view.page_box(a), view.raster_scale());
            qr_reads.insert(page, read);
        }
        for font in &scan.fonts {
            if fonts_seen.insert(FontKey::of(font)) {
                let where_ = at_area(scan.font_area(font));
                findings.extend(check_font(guide, &doc, &font.dict, where_));
            }
        }
        for (kind, color, area) in &scan.paints {
            colors.add(&judge, *kind, color, false, at_area(*area), &mut findings);
        }
        for (kind, color, area) in &scan.annotation_paints {
            colors.add(&judge, *kind, color, true, at_area(*area), &mut findings);
        }
        for hit in tone.check(&scan.text) {
            let mut f = Finding::new(hit.rule, at(), hit.message);
            f.expected = hit.expected;
            f.found = hit.found;
            f.fix = hit.fix;
            findings.push(f);
        }
        for font in pattern_fonts(&doc, page_id, &mut budget) {
            if fonts_seen.insert(FontKey::of(&font)) {
                findings.extend(check_font(guide, &doc, &font.dict, at()));
            }
        }
        for (font, used) in annotation_fonts(&doc, page_id, &mut budget) {
            if fonts_seen.insert(FontKey::of(&font)) {
                findings.extend(check_form_font(guide, &doc, &font, used, at()));
            }
        }
        for uri in link_uris(&doc, page_id, &mut budget) {
            findings.extend(rules::link::check_utm_in(
                guide,
                crate::channel::Channel::Print,
                &uri,
                at(),
                ctx.campaign.as_deref(),
            ));
        }
        if let Some(why) = &scan.damaged
            && !damaged_reported
        {
            damaged_reported = true;
            findings.push(unreadable_at(
                at(),
                format!("page {page}: {why}; the rest of that stream is not checked"),
            ));
        }
        if let Some(limit) = budget.exhausted {
            findings.push(too_complex(at(), limit, page, total));
            break;
        }
    }
    colors.finish(&mut findings);
    if budget.exhausted.is_none() {
        // a file too complex to scan is not drawn either
        findings.extend(crate::lint::qr::check_pdf(
            ctx,
            path,
            bytes,
            &doc,
            &qr_reads,
            &qr_contents,
        ));
    }
    findings
}

/// Why a PDF did not load.
enum LoadError {
    /// Not a PDF, or too damaged to read.
    Unreadable(String),
    /// Encrypted with a security handler or password lopdf cannot open (what it said).
    Encrypted(String),
    /// An object stream decodes beyond `limit` bytes (one of `streams`).
    TooComplex { limit: usize, streams: usize },
}

impl LoadError {
    fn finding(self, path: &Path) -> Finding {
        match self {
            LoadError::Unreadable(message) => unreadable(path, message),
            LoadError::Encrypted(why) => encrypted(path, Some(why)),
            LoadError::TooComplex { limit, streams } => Finding::new(
                &TOO_COMPLEX,
                Location::file(path),
                format!(
                    "an object stream decodes to more than {} KiB (the limit for the {streams} object streams of this file): not checked",
                    limit / 1024
                ),
            )
            .fix("export the PDF again; a real PDF's object streams are far smaller"),
        }
    }
}

/// Loads a PDF with its streams' decoding bounded.
/// The text of every page as the tone rules read it (one page after another), for the
/// campaign checks; none when the file does not open (encrypted, unreadable).
pub fn text(bytes: &[u8]) -> Option<String> {
    let doc = load(bytes).ok()?;
    if still_encrypted(&doc).is_some() {
        return None;
    }
    let mut budget = Budget::default();
    let mut out = String::new();
    for (_, page_id) in doc.get_pages() {
        out.push_str(&scan_page(&doc, page_id, &mut budget).text);
        out.push('\n');
        if budget.exhausted.is_some() {
            break;
        }
    }
    Some(out)
}

fn load(bytes: &[u8]) -> Result<Document, LoadError> {
    if bytes.is_empty() {
        return Err(LoadError::Unreadable("the file is empty".into()));
    }
    // Every object stream may use its share of the whole load budget.
    let streams = count(bytes, b"/ObjStm") + count(bytes, b"/XRef");
    let per_stream = (LOAD_DECODED / streams.max(1)).min(LOAD_DECODED_PER_STREAM);
    let options = LoadOptions {
        max_decompressed_size: Some(per_stream),
        ..LoadOptions::default()
    };
    let mut doc = load_with(bytes, &options, streams)?;
    let mut unlocked = None;
    if doc.trailer.has(b"Encrypt") && encrypts_nothing_readable(&doc) {
        // Only embedded files are encrypted: everything lint reads is plain. lopdf loads no
        // objects of a file it cannot authenticate, so load it again as an unencrypted one.
        let plain = without_encrypt(bytes);
        doc = load_with(&plain, &options, streams)?;
        unlocked = Some(plain);
    }
    if missing_pages(&doc) {
        // The cross-reference table points a page somewhere else (lopdf rebuilds it by
        // itself only when the catalog or page tree does not load): rebuild it from the
        // objects in the file, which `damage` then reports.
        let rebuilt = LoadOptions {
            force_reconstruct: true,
            ..options.clone()
        };
        if let Ok(fixed) = load_with(unlocked.as_deref().unwrap_or(bytes), &rebuilt, streams)
            && !fixed.get_pages().is_empty()
            && !missing_pages(&fixed)
        {
            doc = fixed;
        }
    }
    Ok(doc)
}

/// Whether a page of the page tree is not a dictionary that loaded.
fn missing_pages(doc: &Document) -> bool {
    doc.get_pages()
        .values()
        .any(|id| doc.get_dictionary(*id).is_err())
}

fn load_with(bytes: &[u8], options: &LoadOptions, streams: usize) -> Result<Document, LoadError> {
    match Document::load_mem_with_options(bytes, options.clone()) {
        Ok(doc) => Ok(doc),
        Err(lopdf::Error::Decompress(DecompressError::MemoryLimitExceeded { limit })) => {
            Err(LoadError::TooComplex { limit, streams })
        }
        Err(e @ (lopdf::Error::Decryption(_) | lopdf::Error::InvalidPassword)) => {
            Err(LoadError::Encrypted(e.to_string()))
        }
        Err(e) => Err(LoadError::Unreadable(format!("not a readable PDF: {e}"))),
    }
}

/// Whether an encryption dictionary leaves streams and strings in the clear: security
/// handler version 4 or 5 with `/StmF` and `/StrF` both the `/Identity` crypt filter
/// (their default, ISO 32000-1 Table 20), which encrypts only embedded files (`/EFF`).
/// Such a file shows its pages to anyone, whatever its password.
fn encrypts_nothing_readable(doc: &Document) -> bool {
    let Some(dict) = doc
        .trailer
        .get(b"Encrypt")
        .ok()
        .and_then(|e| deref(doc, e).as_dict().ok())
    else {
        return false;
    };
    let version = dict.get(b"V").and_then(Object::as_i64).unwrap_or(0);
    let identity = |key: &[u8]| match dict.get(key) {
        Err(_) => true,
        Ok(o) => deref(doc, o).as_name().ok() == Some(b"Identity"),
    };
    (4..=5).contains(&version) && identity(b"StmF") && identity(b"StrF")
}

/// `bytes` with every `/Encrypt` key (of the trailers and cross-reference stream
/// dictionaries) renamed `/Encrypx`, a key nothing reads: same length, so that every
/// offset stays right.
fn without_encrypt(bytes: &[u8]) -> Vec<u8> {
    const KEY: &[u8] = b"/Encrypt";
    let mut out = bytes.to_vec();
    let mut i = 0;
    while let Some(at) = out[i..].windows(KEY.len()).position(|w| w == KEY) {
        let end = i + at + KEY.len();
        // `/EncryptMetadata` is another key.
        let delimited = out
            .get(end)
            .is_none_or(|b| !(b.is_ascii_alphanumeric() || *b == b'#' || *b == b'_'));
        if delimited {
            out[end - 1] = b'x';
        }
        i = end;
    }
    out
}

/// `pdf/encrypted`: a PDF that opens only with a password (lopdf opens and decrypts one
/// whose user password is empty by itself; that one is checked). `why` is what failed,
/// when decrypting it did.
fn encrypted(path: &Path, why: Option<String>) -> Finding {
    let message = match why {
        Some(why) => {
            format!("the PDF is encrypted and could not be decrypted ({why}): not checked")
        }
        None => "the PDF is encrypted and needs a password to open: not checked".to_string(),
    };
    Finding::new(&ENCRYPTED, Location::file(path), message)
        .fix("export or request a copy without a password to open (editing restrictions may stay)")
}

/// Whether a loaded PDF is still encrypted (`Some`), and if so why it was not decrypted
/// when that is not a password (`Some(Some(why))`). lopdf decrypts a file whose user
/// password is empty as it loads and drops `/Encrypt` from the trailer; one it could not
/// decrypt keeps it and has no objects. lopdf only decrypts an `/Encrypt` dictionary
/// given by reference: a direct one (legal, and what pdf.js's test files use) is never
/// decrypted, so the empty password is tried on its own to tell the two cases apart.
fn still_encrypted(doc: &Document) -> Option<Option<String>> {
    let encrypt = doc.trailer.get(b"Encrypt").ok()?;
    let dict = deref(doc, encrypt).as_dict().ok();
    let handler = dict
        .and_then(|d| d.get(b"Filter").ok())
        .and_then(|f| f.as_name().ok())
        .unwrap_or(b"Standard");
    if handler != b"Standard" {
        return Some(Some(format!(
            "security handler /{}, which lint does not support",
            String::from_utf8_lossy(handler)
        )));
    }
    let mut probe = Document::with_version("1.7");
    if let Some(dict) = dict {
        let id = probe.add_object(dict.clone());
        probe.trailer.set("Encrypt", id);
    }
    if let Ok(file_id) = doc.trailer.get(b"ID") {
        probe.trailer.set("ID", file_id.clone());
    }
    if probe.authenticate_user_password("").is_ok() {
        return Some(Some(
            "it opens without a password, but its encryption dictionary is not one lint can decrypt".into(),
        ));
    }
    Some(None)
}

/// Occurrences of `needle` in `bytes`.
fn count(bytes: &[u8], needle: &[u8]) -> usize {
    memchr::memmem::find_iter(bytes, needle).count()
}

/// Why a PDF that loaded is still damaged: its cross-reference table had to be rebuilt,
/// or it does not end with `%%EOF` (a truncated file).
fn damage(doc: &Document, bytes: &[u8]) -> Option<String> {
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    if count(tail, b"%%EOF") == 0 {
        return Some(format!(
            "the file is truncated: it does not end with %%EOF ({} bytes)",
            bytes.len()
        ));
    }
    if doc.xref_recovery == Some(XrefRecovery::Reconstructed) {
        return Some("the file is damaged: its cross-reference table had to be rebuilt".into());
    }
    None
}

fn unreadable(path: &Path, message: String) -> Finding {
    unreadable_at(Location::file(path), message)
}

fn unreadable_at(location: Location, message: String) -> Finding {
    Finding::new(&UNREADABLE, location, message)
        .fix("export the PDF again, or check that the file was copied whole")
}

/// `pdf/too-complex`: the budget ran out on page `page` of `total`.
fn too_complex(at: Location, limit: Limit, page: usize, total: usize) -> Finding {
    let what = match limit {
        Limit::Operators => format!("more than {MAX_OPERATORS} content operators"),
        Limit::Forms => format!("more than {MAX_FORMS} form XObjects drawn"),
        Limit::Bytes => format!(
            "more than {} MiB of streams decoded (a stream inflates beyond what is left)",
            MAX_DECODED / (1024 * 1024)
        ),
    };
    let rest = if page < total {
        format!("pages {page}–{total} are not fully checked")
    } else {
        format!("page {page} is not fully checked")
    };
    Finding::new(
        &TOO_COMPLEX,
        at,
        format!("lint stopped at page {page} of {total}: {what}; {rest}"),
    )
    .fix("simplify the PDF (flatten repeated forms, export again); a print flyer needs far less")
}

/// The text of every page, as the tone rules see it (pages separated by form feeds).
pub fn extract_text(bytes: &[u8]) -> Result<Vec<String>, String> {
    let doc = load(bytes).map_err(|e| e.finding(Path::new("")).message)?;
    if let Some(locked) = still_encrypted(&doc) {
        return Err(encrypted(Path::new(""), locked).message);
    }
    let mut budget = Budget::default();
    Ok(doc
        .get_pages()
        .values()
        .map(|id| scan_page(&doc, *id, &mut budget).text)
        .collect())
}

/// Colors painted with, judged once each: one finding per off-palette color and file
/// (at its first page, counting its uses), at most [`MAX_COLOR_FINDINGS`] of them.
#[derive(Default)]
struct Colors {
    /// Verdict per exact color: the finding's index, or `None` when fine or unlisted.
    judged: HashMap<(PaintKind, ColorKey), Option<usize>>,
    /// Finding index and uses per found value.
    by_found: HashMap<String, (usize, usize)>,
    /// Distinct off-palette colors beyond the listed ones, and where the first was.
    unlisted: usize,
    first_unlisted: Option<Location>,
}

impl Colors {
    fn add(
        &mut self,
        judge: &Judge,
        kind: PaintKind,
        color: &PdfColor,
        annotation: bool,
        at: Location,
        findings: &mut Vec<Finding>,
    ) {
        let key = (kind, ColorKey::of(color));
        let index = match self.judged.get(&key) {
            Some(index) => *index,
            None => {
                let index = judge.color(color).and_then(|verdict| {
                    if let Some((i, _)) = self.by_found.get(&verdict.found) {
                        return Some(*i);
                    }
                    if self.by_found.len() >= MAX_COLOR_FINDINGS {
                        self.unlisted += 1;
                        self.first_unlisted.get_or_insert(at.clone());
                        return None;
                    }
                    findings.push(verdict.finding(kind, annotation, at));
                    let i = findings.len() - 1;
                    self.by_found.insert(verdict.found, (i, 0));
                    Some(i)
                });
                self.judged.insert(key, index);
                index
            }
        };
        if let Some(i) = index
            && let Some(f) = &findings[i].found
            && let Some(entry) = self.by_found.get_mut(f)
        {
            entry.1 += 1;
        }
    }

    /// Adds the use counts to the messages, and the finding for unlisted colors.
    fn finish(self, findings: &mut Vec<Finding>) {
        for (i, uses) in self.by_found.into_values() {
            if uses > 1 {
                findings[i].message = format!("{} (used {uses} times)", findings[i].message);
            }
        }
        if let Some(at) = self.first_unlisted {
            findings.push(Finding::new(&crate::lint::rules::COLOR_OFF_PALETTE, at,
                format!(
                    "{} more off-palette colors, not listed one by one (the first {MAX_COLOR_FINDINGS} are)",
                    self.unlisted
                ),
            ));
        }
    }
}

/// A color's exact value, as a key: its bits, and a spot color's inks.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum ColorKey {
    Bits([u32; 4]),
    Spot(Arc<[String]>, Option<[u32; 4]>),
}

impl ColorKey {
    fn of(color: &PdfColor) -> ColorKey {
        match color {
            PdfColor::Spot { inks, alternate } => {
                ColorKey::Spot(inks.clone(), alternate.as_deref().map(color_bits))
            }
            other => ColorKey::Bits(color_bits(other)),
        }
    }
}

/// The exact bits of a process color.
fn color_bits(color: &PdfColor) -> [u32; 4] {
    match *color {
        PdfColor::Gray(g) => [1, g.to_bits(), 0, 0],
        PdfColor::Rgb([r, g, b]) => [r.to_bits(), g.to_bits(), b.to_bits(), 2],
        PdfColor::Cmyk(c) => c.map(f32::to_bits),
        PdfColor::Registration => [3, 3, 3, 3],
        PdfColor::Spot { .. } | PdfColor::Other => [4, 4, 4, 4],
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum FontKey {
    Id(ObjectId),
    Name(String),
}

impl FontKey {
    fn of(font: &FontUse) -> FontKey {
        match font.id {
            Some(id) => FontKey::Id(id),
            None => FontKey::Name(format!(
                "{}/{}",
                font.resource,
                base_font(&font.dict).unwrap_or_default()
            )),
        }
    }
}

// ------------------------------------------------------------------ page boxes

fn inherited<'a>(doc: &'a Document, page: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let mut dict = page;
    for _ in 0..32 {
        if let Ok(v) = dict.get(key) {
            return doc.dereference(v).ok().map(|(_, o)| o);
        }
        let parent = dict.get(b"Parent").ok()?.as_reference().ok()?;
        dict = doc.get_dictionary(parent).ok()?;
    }
    None
}

/// A box as `[x0, y0, x1, y1]`, normalized.
fn page_box(doc: &Document, page: &Dictionary, key: &[u8]) -> Option<[f32; 4]> {
    let arr = inherited(doc, page, key)?.as_array().ok()?;
    let n: Vec<f32> = arr
        .iter()
        .filter_map(|o| doc.dereference(o).ok()?.1.as_float().ok())
        .collect();
    let [a, b, c, d] = n.as_slice() else {
        return None;
    };
    Some([a.min(*c), b.min(*d), a.max(*c), b.max(*d)])
}

/// How a page is shown: its visible box (CropBox within the MediaBox, else the
/// MediaBox) and its `/Rotate`, to turn places in default user space into a finding's
/// `page_box` — top-left origin, y down, as a renderer draws the page.
struct PageView {
    /// `[x0, y0, x1, y1]`, y up.
    visible: [f32; 4],
    /// Clockwise quarter turns: 0–3.
    quarter_turns: u8,
}

impl PageView {
    fn of(doc: &Document, page_id: ObjectId) -> Option<PageView> {
        let page = doc.get_dictionary(page_id).ok()?;
        let media = page_box(doc, page, b"MediaBox")?;
        let visible = match page_box(doc, page, b"CropBox") {
            // the crop box is clipped to the media box (ISO 32000-1 §14.11.2)
            Some(c) => {
                let v = [
                    c[0].max(media[0]),
                    c[1].max(media[1]),
                    c[2].min(media[2]),
                    c[3].min(media[3]),
                ];
                if v[0] < v[2] && v[1] < v[3] { v } else { media }
            }
            None => media,
        };
        if !visible.iter().all(|v| v.is_finite())
            || visible[0] >= visible[2]
            || visible[1] >= visible[3]
        {
            return None;
        }
        let rotate = inherited(doc, page, b"Rotate")
            .and_then(|o| o.as_i64().ok())
            .unwrap_or(0);
        Some(PageView {
            visible,
            quarter_turns: (rotate.rem_euclid(360) / 90) as u8,
        })
    }

    /// Pixels per point the QR check rasterizes this page at
    /// ([`crate::lint::qr::raster_scale`]).
    fn raster_scale(&self) -> f32 {
        let [x0, y0, x1, y1] = self.visible;
        crate::lint::qr::raster_scale(x1 - x0, y1 - y0)
    }

    /// `area` as `[x, y, width, height]` from the top-left corner of the page as shown,
    /// clipped to it; `None` when it lies outside.
    fn page_box(&self, area: Area) -> Option<[f32; 4]> {
        let [vx0, vy0, vx1, vy1] = self.visible;
        let x0 = area[0].max(vx0);
        let y0 = area[1].max(vy0);
        let x1 = area[2].min(vx1);
        let y1 = area[3].min(vy1);
        if x0 > x1 || y0 > y1 {
            return None;
        }
        // unrotated: u right from the left edge, v down from the top edge
        let (w, h) = (vx1 - vx0, vy1 - vy0);
        let (u0, u1) = (x0 - vx0, x1 - vx0);
        let (v0, v1) = (vy1 - y1, vy1 - y0);
        let [a, b, c, d] = match self.quarter_turns {
            // a quarter turn clockwise: the left edge becomes the top
            1 => [h - v1, u0, h - v0, u1],
            2 => [w - u1, h - v1, w - u0, h - v0],
            3 => [v0, w - u1, v1, w - u0],
            _ => [u0, v0, u1, v1],
        };
        let round = |v: f32| (v * 100.0).round() / 100.0;
        Some([round(a), round(b), round(c - a), round(d - b)])
    }
}

fn check_boxes(guide: &Guide, doc: &Document, page_id: ObjectId, at: Location) -> Vec<Finding> {
    let mut out = Vec::new();
    let Ok(page) = doc.get_dictionary(page_id) else {
        return out;
    };
    let Some(media) = page_box(doc, page, b"MediaBox") else {
        out.push(Finding::new(
            &crate::lint::rules::PDF_PAGE_SIZE,
            at,
            "the page has no MediaBox",
        ));
        return out;
    };
    let crop = page_box(doc, page, b"CropBox").unwrap_or(media);
    let trim = page_box(doc, page, b"TrimBox");
    let finished = trim.unwrap_or(crop);
    let print = &guide.channels.print;
    let (w_mm, h_mm) = print.page.mm();
    let (w, h) = (finished[2] - finished[0], finished[3] - finished[1]);
    let (ew, eh) = (w_mm * PT_PER_MM, h_mm * PT_PER_MM);
    let close = |a: f32, b: f32| (a - b).abs() <= SIZE_TOLERANCE_PT;
    if !((close(w, ew) && close(h, eh)) || (close(w, eh) && close(h, ew))) {
        let which = if trim.is_some() {
            "trim box"
        } else {
            "page (no TrimBox)"
        };
        out.push(
            Finding::new(
                &crate::lint::rules::PDF_PAGE_SIZE,
                at.clone(),
                format!(
                    "the {which} is {:.1} × {:.1} mm, not the guide's {:?} page",
                    w / PT_PER_MM,
                    h / PT_PER_MM,
                    print.page
                ),
            )
            .expected(format!("{:?} ({w_mm} × {h_mm} mm)", print.page))
            .found(format!("{:.1} × {:.1} mm", w / PT_PER_MM, h / PT_PER_MM))
            .fix("set the document's page size to the guide's (channels.print.page)"),
        );
    }
    if print.bleed_mm > 0.0 {
        let want = print.bleed_mm * PT_PER_MM;
        let bleed = page_box(doc, page, b"BleedBox");
        let have = match (trim, bleed) {
            (Some(t), Some(b)) => Some(
                [t[0] - b[0], t[1] - b[1], b[2] - t[2], b[3] - t[3]]
                    .into_iter()
                    .fold(f32::INFINITY, f32::min),
            ),
            // Without a bleed box, content may extend to the crop/media box.
            (Some(t), None) => Some(
                [
                    t[0] - crop[0],
                    t[1] - crop[1],
                    crop[2] - t[2],
                    crop[3] - t[3],
                ]
                .into_iter()
                .fold(f32::INFINITY, f32::min),
            ),
            _ => None,
        };
        let message = match have {
            None => Some("the page has no TrimBox, so it has no bleed".to_string()),
            Some(b) if b + 0.5 < want => Some(format!(
                "the bleed is {:.1} mm, less than the guide's {} mm",
                (b / PT_PER_MM).max(0.0),
                print.bleed_mm
            )),
            _ => None,
        };
        if let Some(message) = message {
            out.push(
                Finding::new(&crate::lint::rules::PDF_BLEED, at, message)
                    .expected(format!("{} mm bleed on every side", print.bleed_mm))
                    .fix("export with a trim box and bleed (e.g. \"use document bleed settings\")"),
            );
        }
    }
    out
}

// ------------------------------------------------------------------ fonts

/// How a font outside the page content is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FormUse {
    /// In the resources of an annotation's or form field's appearance stream (`/AP`).
    Appearance,
    /// In the form's default resources (`/AcroForm /DR`), named by the `/DA` of an
    /// annotation or field the viewer draws itself (no appearance stream).
    DefaultResources,
    /// Named by such a `/DA` (or not named: the viewer's default) and defined by no
    /// resource: the viewer substitutes a font of its own.
    DefaultAppearance,
}

impl FormUse {
    fn describe(self) -> &'static str {
        match self {
            FormUse::Appearance => "used by an annotation or form field's appearance (/AP)",
            FormUse::DefaultResources => {
                "in the form's default resources (/AcroForm /DR), set by the /DA of a form field or annotation without an appearance stream, which the viewer draws"
            }
            FormUse::DefaultAppearance => {
                "set by the /DA of a form field or annotation without an appearance stream, which the viewer draws, and defined nowhere"
            }
        }
    }
}

/// Deepest nesting of form XObjects followed inside an appearance stream.
const MAX_APPEARANCE_DEPTH: usize = 4;

fn deref<'a>(doc: &'a Document, obj: &'a Object) -> &'a Object {
    doc.dereference(obj).map(|(_, o)| o).unwrap_or(obj)
}

fn dict_at<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
    dict.get(key)
        .ok()
        .map(|o| deref(doc, o))
        .and_then(|o| o.as_dict().ok())
}

/// The fonts of a resources dictionary, each costing an operator of the budget.
fn resource_fonts(
    doc: &Document,
    resources: &Dictionary,
    used: FormUse,
    budget: &mut Budget,
    out: &mut Vec<(FontUse, FormUse)>,
) {
    let Some(fonts) = dict_at(doc, resources, b"Font") else {
        return;
    };
    for (name, obj) in fonts.iter() {
        if !budget.operators(1) {
            return;
        }
        if let Ok(dict) = deref(doc, obj).as_dict() {
            out.push((
                FontUse {
                    id: obj.as_reference().ok(),
                    resource: pdf_name(name),
                    dict: dict.clone(),
                },
                used,
            ));
        }
    }
}

/// The fonts of an appearance stream's resources and of the forms they hold.
fn appearance_fonts(
    doc: &Document,
    stream: &Stream,
    depth: usize,
    budget: &mut Budget,
    out: &mut Vec<(FontUse, FormUse)>,
) {
    appearance_fonts_in(doc, stream, depth, budget, out, &mut HashSet::new());
}

/// [`appearance_fonts`], each form and resource dictionary read once: forms that draw
/// the same forms (a DAG, as in pdf.js's bug1669099.pdf) made 5.7 million font
/// copies and 1 GB from a 187 KB file when each path was walked again.
fn appearance_fonts_in(
    doc: &Document,
    stream: &Stream,
    depth: usize,
    budget: &mut Budget,
    out: &mut Vec<(FontUse, FormUse)>,
    seen: &mut HashSet<*const Dictionary>,
) {
    let Some(resources) = dict_at(doc, &stream.dict, b"Resources") else {
        return;
    };
    if !seen.insert(resources as *const Dictionary) {
        return;
    }
    resource_fonts(doc, resources, FormUse::Appearance, budget, out);
    if depth >= MAX_APPEARANCE_DEPTH {
        return;
    }
    let Some(xobjects) = dict_at(doc, resources, b"XObject") else {
        return;
    };
    for (_, obj) in xobjects.iter() {
        if !budget.operators(1) {
            return;
        }
        if let Ok(form) = deref(doc, obj).as_stream()
            && form.dict.get(b"Subtype").and_then(|s| s.as_name()).ok() == Some(b"Form")
            && seen.insert(&form.dict as *const Dictionary)
        {
            appearance_fonts_in(doc, form, depth + 1, budget, out, seen);
        }
    }
}

/// The font resource name a default appearance string sets (`/Helv 0 Tf 0 g` → `Helv`);
/// empty when it sets none (`0 g`, `/ 12 Tf`: the viewer's default font).
fn da_font(da: &[u8]) -> Vec<u8> {
    let Ok(content) = lopdf::content::Content::decode(da) else {
        return Vec::new();
    };
    content
        .operations
        .iter()
        .rev()
        .find(|op| op.operator == "Tf")
        .and_then(|op| op.operands.first())
        .and_then(|o| o.as_name().ok())
        .map(<[u8]>::to_vec)
        .unwrap_or_default()
}

/// The interactive form dictionary.
fn acroform(doc: &Document) -> Option<&Dictionary> {
    dict_at(doc, doc.catalog().ok()?, b"AcroForm")
}

/// An entry of a field, inherited from its ancestors (`/Parent`) when it has none.
fn inherited_field<'a>(doc: &'a Document, field: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let mut node = field;
    for _ in 0..MAX_APPEARANCE_DEPTH * 2 {
        if let Ok(v) = node.get(key) {
            return Some(deref(doc, v));
        }
        node = dict_at(doc, node, b"Parent")?;
    }
    None
}

/// Whether an annotation has a normal appearance stream (`/AP /N`: a stream, or states
/// one of which is a stream).
fn has_normal_appearance(doc: &Document, annot: &Dictionary) -> bool {
    match dict_at(doc, annot, b"AP")
        .and_then(|ap| ap.get(b"N").ok())
        .map(|n| deref(doc, n))
    {
        Some(Object::Stream(_)) => true,
        Some(Object::Dictionary(states)) => states
            .iter()
            .any(|(_, state)| deref(doc, state).as_stream().is_ok()),
        _ => false,
    }
}

/// The default appearance string a viewer draws an annotation's text with, when it draws
/// the annotation itself: a free-text annotation without a normal appearance, or a text,
/// choice or button field's widget without one or in a form with `/NeedAppearances true`
/// (its `/DA`, inherited from its parent fields, else the form's), and whether it has a
/// normal appearance all the same. `None` when the annotation's own appearance stream is
/// what is drawn (its fonts are in its resources), or it shows no text.
fn drawn_da<'a>(
    doc: &'a Document,
    annot: &'a Dictionary,
    form: Option<&'a Dictionary>,
) -> Option<(&'a [u8], bool)> {
    let subtype = annot.get(b"Subtype").and_then(Object::as_name).ok();
    let appearance = has_normal_appearance(doc, annot);
    let field_type = inherited_field(doc, annot, b"FT").and_then(|t| t.as_name().ok());
    let drawn = match subtype {
        Some(b"FreeText") => !appearance,
        Some(b"Widget") => {
            let need = form
                .and_then(|f| f.get(b"NeedAppearances").ok())
                .and_then(|n| deref(doc, n).as_bool().ok())
                == Some(true);
            matches!(field_type, Some(b"Tx" | b"Ch" | b"Btn")) && (need || !appearance)
        }
        _ => false,
    };
    if !drawn {
        return None;
    }
    let da = inherited_field(doc, annot, b"DA").or_else(|| {
        (subtype == Some(b"Widget"))
            .then(|| form?.get(b"DA").ok().map(|o| deref(doc, o)))
            .flatten()
    });
    let da = da.and_then(|o| o.as_str().ok()).unwrap_or_default();
    // A check box or radio button draws its mark (ZapfDingbats, by convention) whatever
    // its /DA says; only a font it names is one the viewer looks up.
    if subtype == Some(b"Widget") && field_type == Some(b"Btn") && da_font(da).is_empty() {
        return None;
    }
    Some((da, appearance))
}

/// The font a viewer draws an annotation's text with from its `/DA` (see [`drawn_da`]):
/// the one the annotation's or the form's default resources define under that name, else
/// a font dictionary holding only the name (the viewer substitutes a font of its own; its
/// default one when the `/DA` names none).
fn da_font_use(doc: &Document, da: &[u8], resources: &[Option<&Dictionary>]) -> (FontUse, FormUse) {
    let name = da_font(da);
    if !name.is_empty() {
        for fonts in resources
            .iter()
            .flatten()
            .filter_map(|r| dict_at(doc, r, b"Font"))
        {
            if let Ok(obj) = fonts.get(&name)
                && let Ok(dict) = deref(doc, obj).as_dict()
            {
                return (
                    FontUse {
                        id: obj.as_reference().ok(),
                        resource: format!("DR/{}", pdf_name(&name)),
                        dict: dict.clone(),
                    },
                    FormUse::DefaultResources,
                );
            }
        }
    }
    let base = if name.is_empty() {
        VIEWER_DEFAULT_FONT.to_vec()
    } else {
        name.clone()
    };
    let mut dict = Dictionary::new();
    dict.set("Type", Object::Name(b"Font".to_vec()));
    dict.set("BaseFont", Object::Name(base));
    (
        FontUse {
            id: None,
            resource: format!("DA/{}", pdf_name(&name)),
            dict,
        },
        FormUse::DefaultAppearance,
    )
}

/// The name printed for the font of a `/DA` that names none.
const VIEWER_DEFAULT_FONT: &[u8] = b"(the viewer's default font)";

/// The web addresses of a page's link annotations (`/Subtype /Link` with a `/URI`
/// action), for the UTM rules: a printed PDF's links are the print channel's.
fn link_uris(doc: &Document, page_id: ObjectId, budget: &mut Budget) -> Vec<String> {
    let Some(annots) = doc
        .get_dictionary(page_id)
        .ok()
        .and_then(|page| page.get(b"Annots").ok())
        .map(|o| deref(doc, o))
        .and_then(|o| o.as_array().ok())
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for annot in annots {
        if !budget.operators(1) {
            break;
        }
        let Ok(annot) = deref(doc, annot).as_dict() else {
            continue;
        };
        if annot.get(b"Subtype").and_then(|s| s.as_name()).ok() != Some(b"Link") {
            continue;
        }
        let uri = dict_at(doc, annot, b"A")
            .filter(|a| a.get(b"S").and_then(|s| s.as_name()).ok() == Some(b"URI"))
            .and_then(|a| a.get(b"URI").ok())
            .map(|o| deref(doc, o))
            .and_then(|o| o.as_str().ok())
            .map(|b| String::from_utf8_lossy(b).into_owned());
        if let Some(uri) = uri
            && out.len() < 1000
        {
            out.push(uri);
        }
    }
    out
}

/// Fonts of a page's annotations and form fields: those of their appearance streams
/// (`/AP`: normal, rollover and down, every state of a check box), and the one a viewer
/// draws with from a `/DA` string when it draws the annotation itself ([`drawn_da`]).
/// A font of the form's default resources (`/AcroForm /DR`) or a document-wide `/DA` that
/// no such annotation uses draws nothing and is not returned.
fn annotation_fonts(
    doc: &Document,
    page_id: ObjectId,
    budget: &mut Budget,
) -> Vec<(FontUse, FormUse)> {
    let mut out = Vec::new();
    let Some(annots) = doc
        .get_dictionary(page_id)
        .ok()
        .and_then(|page| page.get(b"Annots").ok())
        .map(|o| deref(doc, o))
        .and_then(|o| o.as_array().ok())
    else {
        return out;
    };
    let form = acroform(doc);
    let dr = form.and_then(|f| dict_at(doc, f, b"DR"));
    // Fonts drawn by the viewer from a /DA, after those of every appearance stream, so
    // that a font used both ways is reported as an appearance's.
    let mut drawn = Vec::new();
    for annot in annots {
        if !budget.operators(1) {
            break;
        }
        let Ok(annot) = deref(doc, annot).as_dict() else {
            continue;
        };
        if let Some(ap) = dict_at(doc, annot, b"AP") {
            for key in [b"N".as_slice(), b"R", b"D"] {
                let Ok(value) = ap.get(key).map(|o| deref(doc, o)) else {
                    continue;
                };
                match value {
                    Object::Stream(stream) => appearance_fonts(doc, stream, 0, budget, &mut out),
                    Object::Dictionary(states) => {
                        for (_, state) in states.iter() {
                            if !budget.operators(1) {
                                break;
                            }
                            if let Ok(stream) = deref(doc, state).as_stream() {
                                appearance_fonts(doc, stream, 0, budget, &mut out);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        // A `/DA` that names no font (`0 g`, `/ 12 Tf`) gets the viewer's default font
        // when the viewer has nothing else to draw; a field that keeps its appearance
        // stream under `/NeedAppearances` is printed as that stream.
        if let Some((da, appearance)) = drawn_da(doc, annot, form)
            && !(appearance && da_font(da).is_empty())
        {
            drawn.push(da_font_use(doc, da, &[dict_at(doc, annot, b"DR"), dr]));
        }
    }
    out.extend(drawn);
    out
}

/// The fonts of a page's tiling patterns (`/Resources /Pattern`, and the forms they
/// draw): text drawn as a pattern's cell is rendered with them.
fn pattern_fonts(doc: &Document, page_id: ObjectId, budget: &mut Budget) -> Vec<FontUse> {
    let mut out = Vec::new();
    let Some(patterns) = doc
        .get_dictionary(page_id)
        .ok()
        .and_then(|page| inherited(doc, page, b"Resources"))
        .and_then(|r| r.as_dict().ok())
        .and_then(|r| dict_at(doc, r, b"Pattern"))
    else {
        return out;
    };
    let mut found = Vec::new();
    for (_, pattern) in patterns.iter() {
        if !budget.operators(1) {
            break;
        }
        if let Ok(cell) = deref(doc, pattern).as_stream() {
            appearance_fonts(doc, cell, 0, budget, &mut found);
        }
    }
    out.extend(found.into_iter().map(|(font, _)| font));
    out
}

/// [`check_font`] for a font outside the page content, saying where it is used.
fn check_form_font(
    guide: &Guide,
    doc: &Document,
    font: &FontUse,
    used: FormUse,
    at: Location,
) -> Vec<Finding> {
    let mut findings = check_font(guide, doc, &font.dict, at);
    for f in &mut findings {
        f.message = format!("{} ({})", f.message, used.describe());
    }
    findings
}

fn name_of(obj: Option<&Object>) -> Option<String> {
    obj.and_then(|o| o.as_name().ok()).map(pdf_name)
}

/// A PDF name's bytes as text: as they are when they are UTF-8, else with every byte
/// outside printable ASCII written `#xx`, as in the file (`#CB#CE#CC#E5`, GBK for 宋体),
/// rather than replacement characters.
pub fn pdf_name(bytes: &[u8]) -> String {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return text.to_string();
    }
    let mut out = String::with_capacity(bytes.len() * 3);
    for &b in bytes {
        if b.is_ascii_graphic() && b != b'#' {
            out.push(b as char);
        } else {
            out.push_str(&format!("#{b:02X}"));
        }
    }
    out
}

/// The font's base font name; for Type 0 fonts the descendant's.
fn base_font(dict: &Dictionary) -> Option<String> {
    name_of(dict.get(b"BaseFont").ok())
}

/// The dictionary holding the font descriptor: the font itself, or its descendant.
fn descriptor_owner<'a>(doc: &'a Document, font: &'a Dictionary) -> &'a Dictionary {
    if font.get(b"Subtype").and_then(|s| s.as_name()).ok() == Some(b"Type0") {
        let first = font
            .get_deref(b"DescendantFonts", doc)
            .ok()
            .and_then(|o| o.as_array().ok())
            .and_then(|a| a.first())
            .and_then(|o| doc.dereference(o).ok())
            .and_then(|(_, o)| o.as_dict().ok());
        if let Some(d) = first {
            return d;
        }
    }
    font
}

fn check_font(guide: &Guide, doc: &Document, font: &Dictionary, at: Location) -> Vec<Finding> {
    let mut out = Vec::new();
    if font.get(b"Subtype").and_then(|s| s.as_name()).ok() == Some(b"Type3") {
        return out;
    }
    let owner = descriptor_owner(doc, font);
    let name = base_font(owner)
        .or_else(|| base_font(font))
        .unwrap_or_else(|| "(unnamed font)".into());
    let embedded = owner
        .get_deref(b"FontDescriptor", doc)
        .ok()
        .and_then(|o| o.as_dict().ok())
        .is_some_and(|d| {
            // A font program is a stream; anything else there (`null`, a dictionary)
            // embeds nothing. A reference to an object that did not load is given the
            // benefit of the doubt: the file is damaged, and a repairing reader may find it.
            [b"FontFile".as_slice(), b"FontFile2", b"FontFile3"]
                .iter()
                .any(|key| {
                    d.get(key).is_ok_and(|f| match doc.dereference(f) {
                        Ok((_, o)) => o.as_stream().is_ok(),
                        Err(_) => f.as_reference().is_ok(),
                    })
                })
        });
    if !embedded {
        out.push(
            Finding::new(
                &crate::lint::rules::PDF_FONT_NOT_EMBEDDED,
                at.clone(),
                format!("font {name} is not embedded: the printer will substitute another"),
            )
            .found(name.clone())
            .fix("embed all fonts when exporting the PDF"),
        );
    }
    let families = guide.font_families();
    let family = font_family_key(&name);
    if !families.iter().any(|f| family_key(f) == family) {
        let list = families.iter().copied().collect::<Vec<_>>().join(", ");
        out.push(
            Finding::new(
                &crate::lint::rules::FONT_OFF_BRAND,
                at,
                format!("font {name} is not a brand font"),
            )
            .expected(list)
            .found(strip_subset(&name).to_string())
            .fix("set the text in the brand fonts from brand/fonts/"),
        );
    }
    out
}

/// `ABCDEF+Name` → `Name`.
fn strip_subset(name: &str) -> &str {
    match name.split_once('+') {
        Some((tag, rest)) if tag.len() == 6 && tag.bytes().all(|b| b.is_ascii_uppercase()) => rest,
        _ => name,
    }
}

/// A family name compared without case, spaces, hyphens or underscores.
pub fn family_key(family: &str) -> String {
    family
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Style words PostScript names append to the family (`NotoSans-Bold`, `ArialMT`,
/// `Arial,BoldItalic`, `NotoSansThaiBold`).
const STYLE_WORDS: &[&str] = &[
    "regular",
    "italic",
    "oblique",
    "bold",
    "semibold",
    "demibold",
    "extrabold",
    "ultrabold",
    "black",
    "heavy",
    "medium",
    "light",
    "extralight",
    "ultralight",
    "thin",
    "book",
    "roman",
    "condensed",
    "semicondensed",
    "extracondensed",
    "narrow",
    "identityh",
    "identityv",
    "psmt",
    "mt",
    "ps",
];

/// The family part of a PDF font name, as a [`family_key`].
pub fn font_family_key(name: &str) -> String {
    let name = strip_subset(name);
    let name = name.split(',').next().unwrap_or(name);
    // PostScript names: Family-Style; keep everything before the first hyphen unless the
    // name is only "-Identity-H" suffixed.
    let family = name.split('-').next().unwrap_or(name);
    let mut key = family_key(family);
    loop {
        let before = key.len();
        for word in STYLE_WORDS {
            if key.len() > word.len()
                && let Some(stripped) = key.strip_suffix(word)
            {
                key = stripped.to_string();
            }
        }
        if key.len() == before {
            break;
        }
    }
    key
}

// ------------------------------------------------------------------ colors

/// A judged off-palette or near-miss color.
struct ColorVerdict {
    rule: &'static Rule,
    found: String,
    expected: String,
    delta: Option<f32>,
}

impl ColorVerdict {
    fn finding(&self, kind: PaintKind, annotation: bool, at: Location) -> Finding {
        let what = match (kind, annotation) {
            (PaintKind::Fill, false) => "fill",
            (PaintKind::Stroke, false) => "stroke",
            (PaintKind::Fill, true) => "annotation fill",
            (PaintKind::Stroke, true) => "annotation stroke",
        };
        if self.rule.id == rules::COLOR_UNKNOWN_SPOT.id {
            return Finding::new(
                self.rule,
                at,
                format!(
                    "{what} color uses spot ink {}, which is not one of the guide's spot colors ({})",
                    self.found, self.expected
                ),
            )
            .expected(self.expected.clone())
            .found(self.found.clone())
            .fix(format!(
                "print it with one of the guide's spot inks ({}) or with the brand's CMYK",
                self.expected
            ));
        }
        let closeness = match self.delta {
            Some(d) => format!(" (ΔE {d:.1} from {})", self.expected),
            None => format!(" (nearest {})", self.expected),
        };
        let message = if self.rule.id == rules::COLOR_NEAR_MISS.id {
            format!(
                "{what} color {} is close to but not a brand color{closeness}",
                self.found
            )
        } else {
            format!(
                "{what} color {} is not in the palette{closeness}",
                self.found
            )
        };
        Finding::new(self.rule, at, message)
            .expected(self.expected.clone())
            .found(self.found.clone())
            .fix(format!("use {} exactly", self.expected))
    }
}

fn to_u8(v: f32) -> u8 {
    (v.clamp(0.0, 1.0) * 255.0).round() as u8
}

/// Naive CMYK → RGB (no profile): `(1 - c)(1 - k)` per channel.
pub fn cmyk_to_rgb([c, m, y, k]: [f32; 4]) -> Rgb {
    Rgb(
        to_u8((1.0 - c) * (1.0 - k)),
        to_u8((1.0 - m) * (1.0 - k)),
        to_u8((1.0 - y) * (1.0 - k)),
    )
}

fn cmyk_text(c: [f32; 4]) -> String {
    format!(
        "cmyk({:.0}, {:.0}, {:.0}, {:.0})",
        c[0] * 100.0,
        c[1] * 100.0,
        c[2] * 100.0,
        c[3] * 100.0
    )
}

/// How far (CIEDE2000 from `#000000`) the palette's black may be: ink as print black
/// looks, about L* 10–20 (`#1B1B1B` is ΔE ≈ 9.6 from it).
const BLACK_DELTA: f32 = 15.0;
/// Chroma (C*ab) up to which a palette color is a neutral.
const NEUTRAL_CHROMA: f32 = 5.0;
/// CMYK black ink (K, 0–1) from which a CMYK color is black, whatever its C/M/Y (rich
/// black).
const BLACK_K: f32 = 1.0 - CMYK_TOLERANCE / 100.0;

/// The brand's black: the palette color (or dark variant) nearest to `#000000`, when it
/// is a neutral within [`BLACK_DELTA`] of it. Black written in any device space
/// (`0 g`, `0 0 0 rg`, `0 0 0 1 k`, rich black) is that color.
fn brand_black(palette: &Palette) -> Option<Nearest<'_>> {
    let n = palette.nearest(Rgb(0, 0, 0))?;
    let lab = n.hex.to_lab();
    let chroma = lab.a.hypot(lab.b);
    (n.delta <= BLACK_DELTA && chroma <= NEUTRAL_CHROMA).then_some(n)
}

/// Whether a color is black: gray and RGB within `colors.tolerance` of `#000000`, CMYK
/// with full black ink (K ≥ 98 %, any C/M/Y: K100 and rich black).
fn is_black(palette: &Palette, color: &PdfColor) -> bool {
    let rgb = match *color {
        PdfColor::Gray(g) => Rgb(to_u8(g), to_u8(g), to_u8(g)),
        PdfColor::Rgb([r, g, b]) => Rgb(to_u8(r), to_u8(g), to_u8(b)),
        PdfColor::Cmyk([.., k]) => return k >= BLACK_K,
        PdfColor::Registration | PdfColor::Spot { .. } | PdfColor::Other => return false,
    };
    palette.within_tolerance(rgb.delta_e(Rgb(0, 0, 0)))
}

/// What colors are judged against: the palette, and the guide's spot inks.
struct Judge<'p> {
    palette: &'p Palette,
    spots: Spots,
}

impl Judge<'_> {
    /// `None` when the color is fine; otherwise what is wrong with it. A spot ink is
    /// judged by its name when the guide names spot inks, else by its alternate color.
    fn color(&self, color: &PdfColor) -> Option<ColorVerdict> {
        let PdfColor::Spot { inks, alternate } = color else {
            return judge_color(self.palette, color);
        };
        let names = inks
            .iter()
            .map(|ink| format!("\"{ink}\""))
            .collect::<Vec<_>>()
            .join(" + ");
        if !self.spots.is_empty() {
            let unknown: Vec<String> = inks
                .iter()
                .filter(|ink| {
                    !PROCESS_INKS.contains(&ink.as_str()) && self.spots.brand(ink).is_none()
                })
                .map(|ink| format!("\"{ink}\""))
                .collect();
            if unknown.is_empty() {
                return None;
            }
            return Some(ColorVerdict {
                rule: &rules::COLOR_UNKNOWN_SPOT,
                found: unknown.join(" + "),
                expected: self.spots.list(),
                delta: None,
            });
        }
        let mut verdict = judge_color(self.palette, alternate.as_deref()?)?;
        verdict.found = format!("spot {names} (alternate {})", verdict.found);
        Some(verdict)
    }
}

/// The guide's spot inks (`[colors.<name>] spot`), by [`spot_key`].
struct Spots(BTreeMap<String, (String, String)>);

impl Spots {
    fn of(guide: &Guide) -> Spots {
        Spots(
            guide
                .palette()
                .filter_map(|(name, def)| {
                    let spot = def.spot.as_ref()?.get_ref();
                    Some((spot_key(spot), (spot.clone(), name.to_string())))
                })
                .collect(),
        )
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The palette color a spot ink is, if the guide names it.
    fn brand(&self, ink: &str) -> Option<&str> {
        self.0.get(&spot_key(ink)).map(|(_, color)| color.as_str())
    }

    /// `"PANTONE 3425 C" (forest), …`
    fn list(&self) -> String {
        self.0
            .values()
            .map(|(spot, color)| format!("\"{spot}\" ({color})"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A spot ink's name as compared: lower case, runs of white space as one space.
pub fn spot_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// `None` when the color is fine; otherwise what is wrong with it.
fn judge_color(palette: &Palette, color: &PdfColor) -> Option<ColorVerdict> {
    let verdict = |n: Nearest, found: String, expected: String| {
        let rule: &'static Rule = if palette.within_near_miss(n.delta) {
            &rules::COLOR_NEAR_MISS
        } else {
            &rules::COLOR_OFF_PALETTE
        };
        ColorVerdict {
            rule,
            found,
            expected,
            delta: Some(n.delta),
        }
    };
    let by_delta_e = |rgb: Rgb, found: String| -> Option<ColorVerdict> {
        let n = palette.nearest(rgb)?;
        if palette.within_tolerance(n.delta) {
            return None;
        }
        Some(verdict(n, found, n.label()))
    };
    if is_black(palette, color) && brand_black(palette).is_some() {
        return None;
    }
    match *color {
        PdfColor::Registration | PdfColor::Spot { .. } | PdfColor::Other => None,
        PdfColor::Gray(g) if g >= 0.999 => None,
        PdfColor::Rgb([r, g, b]) if r.min(g).min(b) >= 0.999 => None,
        PdfColor::Gray(g) => {
            let v = to_u8(g);
            let rgb = Rgb(v, v, v);
            by_delta_e(rgb, format!("gray {:.2} ({})", g, rgb.hex()))
        }
        PdfColor::Rgb([r, g, b]) => {
            let rgb = Rgb(to_u8(r), to_u8(g), to_u8(b));
            by_delta_e(rgb, rgb.hex())
        }
        PdfColor::Cmyk(c) => {
            let pct = c.map(|v| v * 100.0);
            if pct.iter().all(|v| *v < 0.5) {
                return None; // no ink: paper
            }
            if palette.cmyk_is_brand(pct) {
                return None;
            }
            let n = palette.nearest(cmyk_to_rgb(c))?;
            // A color the guide gives no CMYK for (a dark variant among them) may match
            // by its hex value.
            if n.cmyk.is_none() && palette.within_tolerance(n.delta) {
                return None;
            }
            let expected = match n.cmyk {
                Some(v) => format!("{} cmyk({}, {}, {}, {})", n.name, v[0], v[1], v[2], v[3]),
                None => n.label(),
            };
            Some(verdict(n, cmyk_text(c), expected))
        }
    }
}

#[cfg(test)]
mod one_page;
#[cfg(test)]
mod tests;
