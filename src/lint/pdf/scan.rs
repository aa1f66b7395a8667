//! One pass over a page's content streams (and the Form XObjects they draw) that
//! collects what the PDF rules look at: the colors actually painted with (each color
//! space resolved to gray, RGB, CMYK or a spot ink with its alternate color), the fonts
//! in the resources, and the visible text; then the colors the page's printed
//! annotations paint.
//!
//! A hostile PDF is small and does enormous work: a form drawn twenty times from itself
//! is 20⁸ invocations at a nesting depth of 8, a Flate stream of 4 MB inflates to
//! gigabytes. So the scan draws on one [`Budget`] per file — content operators
//! interpreted, form XObjects drawn, bytes decoded — decodes every stream against what is
//! left of it, and stops where it runs out (the linter reports `pdf/too-complex`).

use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;

use lopdf::content::Content;
use lopdf::{DecompressError, Dictionary, Document, Encoding, Object, ObjectId, Stream};

use super::function::Function;

/// Content operators interpreted per file, over all pages and forms (a 100-page print
/// PDF has well under a million).
pub const MAX_OPERATORS: u64 = 1_000_000;
/// Form XObjects drawn per file.
pub const MAX_FORMS: u64 = 10_000;
/// Bytes decoded per file: content streams, forms, font maps.
pub const MAX_DECODED: usize = 64 * 1024 * 1024;
/// Graphics states saved (`q`) at once; deeper saves are ignored (PDF readers stop at a
/// few dozen).
const MAX_SAVED_STATES: usize = 256;

/// What ran out first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    Operators,
    Forms,
    Bytes,
}

/// The work left for one file.
#[derive(Debug, Clone)]
pub struct Budget {
    pub operators: u64,
    pub forms: u64,
    pub bytes: usize,
    /// Set when a limit is reached; the scan stops there.
    pub exhausted: Option<Limit>,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            operators: MAX_OPERATORS,
            forms: MAX_FORMS,
            bytes: MAX_DECODED,
            exhausted: None,
        }
    }
}

impl Budget {
    /// Spends `n` operators; `false` (and exhausted) when there are not that many left.
    pub fn operators(&mut self, n: u64) -> bool {
        self.spend(n, Limit::Operators)
    }

    pub fn spend(&mut self, n: u64, limit: Limit) -> bool {
        if self.exhausted.is_some() {
            return false;
        }
        let left = match limit {
            Limit::Operators => &mut self.operators,
            Limit::Forms => &mut self.forms,
            Limit::Bytes => unreachable!("bytes are spent by decode"),
        };
        if *left < n {
            *left = 0;
            self.exhausted = Some(limit);
            return false;
        }
        *left -= n;
        true
    }

    /// Decodes a stream against the bytes left; `None` when it fails (exhausted if it
    /// would not fit).
    pub fn decode(&mut self, stream: &Stream) -> Option<Vec<u8>> {
        if self.exhausted.is_some() {
            return None;
        }
        match decoded(stream, self.bytes) {
            Ok(bytes) => {
                self.bytes -= bytes.len().min(self.bytes);
                Some(bytes)
            }
            Err(Undecodable::OverLimit) => {
                self.bytes = 0;
                self.exhausted = Some(Limit::Bytes);
                None
            }
            Err(_) => None,
        }
    }

    /// A page's content streams, decoded against the bytes left and joined; and what
    /// is damaged about them (a stream that is missing or does not decode).
    pub fn page_content(
        &mut self,
        doc: &Document,
        page_id: ObjectId,
    ) -> (Option<Vec<u8>>, Option<String>) {
        let mut content = Vec::new();
        let mut damaged = None;
        for id in doc.get_page_contents(page_id) {
            let Ok(stream) = doc.get_object(id).and_then(Object::as_stream) else {
                damaged.get_or_insert_with(|| {
                    format!("content stream {} {} R is missing", id.0, id.1)
                });
                continue;
            };
            if self.exhausted.is_some() {
                return (None, damaged);
            }
            match decoded(stream, self.bytes) {
                Ok(bytes) => {
                    self.bytes -= bytes.len().min(self.bytes);
                    if content.is_empty() {
                        content = bytes;
                    } else {
                        content.extend_from_slice(&bytes);
                    }
                    content.push(b'\n');
                }
                Err(Undecodable::OverLimit) => {
                    self.bytes = 0;
                    self.exhausted = Some(Limit::Bytes);
                    return (None, damaged);
                }
                Err(Undecodable::Broken(e)) => {
                    damaged.get_or_insert_with(|| {
                        format!("content stream {} {} R does not decode ({e})", id.0, id.1)
                    });
                }
            }
        }
        (Some(content), damaged)
    }
}

/// Why a stream's bytes could not be had.
enum Undecodable {
    /// They would be more than the bytes left.
    OverLimit,
    /// The data is broken, truncated or in a filter that cannot be decoded: why.
    Broken(String),
}

/// A stream's decoded bytes, at most `limit` of them. A stream whose only filter is
/// FlateDecode, without parameters (nearly every content stream), is inflated here in one
/// pass that also tells broken or truncated data ([`check_flate`]); others are checked,
/// then decoded by lopdf.
fn decoded(stream: &Stream, limit: usize) -> Result<Vec<u8>, Undecodable> {
    let flate_only = matches!(stream.filters().as_deref(), Ok([name]) if *name == b"FlateDecode");
    if flate_only && !stream.content.is_empty() && !stream.dict.has(b"DecodeParms") {
        return inflate(&stream.content, limit);
    }
    check_flate(stream, limit).map_err(Undecodable::Broken)?;
    match stream.get_plain_content_with_limit(limit) {
        Ok(bytes) => Ok(bytes),
        Err(lopdf::Error::Decompress(DecompressError::MemoryLimitExceeded { .. })) => {
            Err(Undecodable::OverLimit)
        }
        Err(e) => Err(Undecodable::Broken(e.to_string())),
    }
}

/// zlib `data` inflated whole: an error when it is broken, truncated (ends before the
/// end of its deflate stream) or inflates to more than `limit` bytes.
fn inflate(data: &[u8], limit: usize) -> Result<Vec<u8>, Undecodable> {
    use flate2::{Decompress, FlushDecompress, Status};
    let mut z = Decompress::new(true);
    // most content streams deflate 3 to 6 times
    let mut out: Vec<u8> = Vec::with_capacity(
        data.len()
            .saturating_mul(4)
            .clamp(256, limit.saturating_add(1).max(256)),
    );
    loop {
        if out.len() > limit {
            return Err(Undecodable::OverLimit);
        }
        if out.len() == out.capacity() {
            // room for what may come, but never past the first byte over the limit
            let room = out
                .capacity()
                .max(4096)
                .min(limit.saturating_add(1).saturating_sub(out.len()))
                .max(1);
            out.reserve_exact(room);
        }
        let (read, written) = (z.total_in(), z.total_out());
        let rest = &data[(read as usize).min(data.len())..];
        let status = z
            .decompress_vec(rest, &mut out, FlushDecompress::None)
            .map_err(|e| Undecodable::Broken(format!("broken Flate data: {e}")))?;
        if out.len() > limit {
            return Err(Undecodable::OverLimit);
        }
        if status == Status::StreamEnd {
            return Ok(out);
        }
        if z.total_in() == read && z.total_out() == written {
            return Err(Undecodable::Broken(
                "the Flate data ends before its stream does (truncated)".into(),
            ));
        }
    }
}

/// Checks that a stream whose only filter is FlateDecode holds whole, uncorrupted
/// zlib data, reading no further than `limit` output bytes (the decode that follows
/// enforces the limit). lopdf's decoder keeps whatever it could inflate of a broken
/// stream and says nothing, which would make a corrupt page look clean.
fn check_flate(stream: &Stream, limit: usize) -> Result<(), String> {
    use flate2::{Decompress, FlushDecompress, Status};
    let flate_only = matches!(stream.filters().as_deref(), Ok([name]) if *name == b"FlateDecode");
    if !flate_only || stream.content.is_empty() {
        return Ok(());
    }
    let data = &stream.content;
    let mut inflate = Decompress::new(true);
    let mut out = vec![0u8; 64 * 1024];
    loop {
        let (read, written) = (inflate.total_in(), inflate.total_out());
        let rest = &data[(read as usize).min(data.len())..];
        let status = inflate
            .decompress(rest, &mut out, FlushDecompress::None)
            .map_err(|e| format!("broken Flate data: {e}"))?;
        if status == Status::StreamEnd || inflate.total_out() as usize > limit {
            return Ok(());
        }
        if inflate.total_in() == read && inflate.total_out() == written {
            return Err("the Flate data ends before its stream does (truncated)".into());
        }
    }
}

/// A color as the PDF states it, components 0–1. Colors of other spaces arrive here
/// already resolved: Indexed as its base color, Lab (and ICC RGB) as sRGB, Separation and
/// DeviceN of process inks as their alternate color, spot inks as [`PdfColor::Spot`].
#[derive(Debug, Clone, PartialEq)]
pub enum PdfColor {
    Gray(f32),
    Rgb([f32; 3]),
    Cmyk([f32; 4]),
    /// A Separation `All` (registration, printer's marks) or `None` (no ink) color, or
    /// a spot color at tint 0 (no ink either).
    Registration,
    /// Spot inks (Separation or DeviceN colorants other than the process inks) at a tint
    /// above 0: their names as the PDF gives them, and the color their alternate space
    /// and tint transform give (`None` when the transform could not be evaluated).
    Spot {
        inks: Arc<[String]>,
        alternate: Option<Box<PdfColor>>,
    },
    /// Patterns, and colors whose space could not be read: not compared with the palette.
    Other,
}

/// Whether a color was used to fill or to stroke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaintKind {
    Fill,
    Stroke,
}

/// A font found in the resources of a page or of a form it draws.
#[derive(Debug, Clone)]
pub struct FontUse {
    /// Object id when the font is an indirect object (used to report it once).
    pub id: Option<ObjectId>,
    /// Resource name (`F1`), as a fallback key.
    pub resource: String,
    pub dict: Dictionary,
}

/// An affine matrix `[a b c d e f]` as PDF writes them: a point `(x, y)` maps to
/// `(a·x + c·y + e, b·x + d·y + f)`.
pub type Matrix = [f32; 6];

const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m` then `n` (PDF's `m × n`: what `cm` does with `m` to the current matrix `n`).
fn concat(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

fn apply(m: &Matrix, x: f32, y: f32) -> (f32, f32) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

/// Six finite operands as a matrix.
fn matrix_of(operands: &[Object]) -> Option<Matrix> {
    let n = numbers(operands);
    let m: Matrix = n.as_slice().try_into().ok()?;
    m.iter().all(|v| v.is_finite()).then_some(m)
}

/// A box `[x0, y0, x1, y1]` on the page, in default user space (points, y up) — where
/// a painted object lies, for the finding's `page_box`.
pub type Area = [f32; 4];

/// Coordinates beyond this many points are no place on a page (a degenerate matrix).
const MAX_COORD: f32 = 1.0e6;

/// `area` grown to hold point `(x, y)` (non-finite or far-off points are dropped).
fn grow(area: &mut Option<Area>, (x, y): (f32, f32)) {
    if !(x.is_finite() && y.is_finite() && x.abs() < MAX_COORD && y.abs() < MAX_COORD) {
        return;
    }
    *area = Some(match *area {
        None => [x, y, x, y],
        Some([x0, y0, x1, y1]) => [x0.min(x), y0.min(y), x1.max(x), y1.max(y)],
    });
}

/// The box holding rectangle `[x0, y0, x1, y1]` of a space mapped by `m`.
fn area_of(m: &Matrix, [x0, y0, x1, y1]: [f32; 4]) -> Option<Area> {
    let mut area = None;
    for (x, y) in [(x0, y0), (x1, y0), (x0, y1), (x1, y1)] {
        grow(&mut area, apply(m, x, y));
    }
    area
}

/// The key of a font resource: its object id, or its resource name when it is direct.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum FontRef {
    Id(ObjectId),
    Name(String),
}

/// One color painted with: how, the color, and where (the box of the path, text run or
/// annotation; `None` when the scan could not place it).
pub type Paint = (PaintKind, PdfColor, Option<Area>);

/// What one page contains.
#[derive(Debug, Default)]
pub struct PageScan {
    pub paints: Vec<Paint>,
    /// Colors the page's printed annotations paint: their normal appearance streams
    /// (`/AP /N`, the state `/AS` selects), or without one their `/C` and `/IC` colors;
    /// each placed at its annotation's `/Rect`.
    pub annotation_paints: Vec<Paint>,
    pub fonts: Vec<FontUse>,
    /// Where the first run of text in each font (by [`FontUse`]) is shown on the page.
    font_areas: HashMap<FontRef, Area>,
    pub text: String,
    /// The first content stream that is missing, does not decode or does not parse, as
    /// a description.
    pub damaged: Option<String>,
    /// Filled paths made only of axis-aligned rectangles (at least [`MIN_RECT_FILL`]):
    /// what a QR code drawn as vector modules is, read without rasterizing
    /// ([`crate::lint::qr`]).
    pub rect_fills: Vec<RectFill>,
    /// Paths filled that are one rectangle (sides parallel to the page's), as their
    /// index in [`PageScan::paints`] and the box they cover within the clip (at most
    /// [`MAX_PLAIN_RECTS`]): a QR code's quiet zone laid over a band of color.
    pub plain_rects: Vec<(usize, Area)>,
    /// Painted paths of 2 to [`MAX_PATH_PARTS`] subpaths, as their index in
    /// [`PageScan::paints`] (ascending) and the box each subpath covers within the clip
    /// (grown by half the line width for a stroke), at most [`MAX_PLAIN_RECTS`]: a page's
    /// crop marks are one path whose box is the whole page, but they cover its corners
    /// only.
    pub paint_parts: Vec<(usize, Vec<Area>)>,
    /// The page's content streams, decoded and joined (`None` when the budget ran out),
    /// for whoever looks at the page next ([`crate::lint::qr`]) not to decode them again.
    pub content: Option<Vec<u8>>,
}

impl PageScan {
    /// Whether paint `i` of the page may cover `zone`: by its subpaths' boxes when the
    /// scan kept them, else by its box (an unplaced paint may be anywhere).
    pub fn paint_may_cover(&self, i: usize, zone: Area) -> bool {
        let hits = |a: &Area| intersects(*a, zone);
        match self.paint_parts.binary_search_by_key(&i, |(n, _)| *n) {
            Ok(at) => self.paint_parts[at].1.iter().any(hits),
            Err(_) => self
                .paints
                .get(i)
                .is_none_or(|(_, _, area)| area.as_ref().is_none_or(hits)),
        }
    }
}

/// Whether two boxes overlap (touching edges do not).
pub fn intersects(a: Area, b: Area) -> bool {
    a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]
}

/// Subpaths a painted path may have for [`PageScan::paint_parts`] to keep their boxes.
pub const MAX_PATH_PARTS: usize = 32;

/// The boxes of the subpaths of the path being built, while there are at most
/// [`MAX_PATH_PARTS`] (`None` after that; `None` in the list: no point placed yet).
struct Subpaths(Option<Vec<Option<Area>>>);

impl Subpaths {
    fn new() -> Subpaths {
        Subpaths(Some(Vec::new()))
    }

    /// Starts a subpath (`m`, `re`, or a segment with none begun).
    fn begin(&mut self) {
        if let Some(boxes) = &mut self.0 {
            boxes.push(None);
            if boxes.len() > MAX_PATH_PARTS {
                self.0 = None;
            }
        }
    }

    /// Grows the current subpath's box by `point`.
    fn grow(&mut self, point: (f32, f32)) {
        if let Some(last) = self.0.as_mut().and_then(|b| b.last_mut()) {
            grow(last, point);
        }
    }

    fn is_empty(&self) -> bool {
        self.0.as_ref().is_some_and(Vec::is_empty)
    }

    /// The boxes of a path of at least two subpaths, starting again for the next path.
    fn take(&mut self) -> Option<Vec<Option<Area>>> {
        std::mem::replace(self, Subpaths::new())
            .0
            .filter(|b| b.len() >= 2)
    }
}

/// One-rectangle fills kept per page at most.
pub const MAX_PLAIN_RECTS: usize = 4096;

/// Rectangles a filled path has for [`PageScan::rect_fills`] to keep it (a version 1
/// QR code, 21 × 21 modules, has some 60 runs of dark modules).
pub const MIN_RECT_FILL: usize = 16;
/// Rectangles kept per path at most: a version 40 code (177 × 177 modules) has under
/// 16,000 runs of dark modules; a longer path is not a code and is not kept.
pub const MAX_RECT_FILL: usize = 20_000;
/// Rectangle fills kept per page at most.
pub const MAX_RECT_FILLS: usize = 16;

/// A filled path made only of rectangles whose sides are parallel to the page's.
#[derive(Debug, Clone)]
pub struct RectFill {
    /// `[x0, y0, x1, y1]` each, in the page's default space (y up).
    pub rects: Vec<Area>,
    pub color: PdfColor,
    /// Whether it is filled even-odd (`f*`).
    pub even_odd: bool,
    /// Its index in [`PageScan::paints`]: what is painted after it may cover it.
    pub paint: usize,
    /// The clip in force when it was filled; `None` is the whole page.
    pub clip: Option<Area>,
}

/// The subpaths of the path being built, while each is an axis-aligned rectangle.
#[derive(Default)]
struct RectPath {
    /// The rectangles closed so far; `None` once a subpath is not one (or too many).
    rects: Option<Vec<Area>>,
    /// The open subpath's points (page space), at most five.
    open: Vec<(f32, f32)>,
    /// Whether any subpath was begun since the path started (an empty path is not one).
    begun: bool,
}

impl RectPath {
    fn new() -> RectPath {
        RectPath {
            rects: Some(Vec::new()),
            ..RectPath::default()
        }
    }

    /// Ends the open subpath: kept when it is a rectangle, else the path is no longer
    /// made of rectangles. A lone `m` (no segment) draws nothing and is ignored.
    fn close_open(&mut self) {
        let points = std::mem::take(&mut self.open);
        if points.len() <= 1 {
            return;
        }
        match rect_of(&points) {
            Some(r) => self.push(r),
            None => self.rects = None,
        }
    }

    fn push(&mut self, r: Area) {
        if let Some(rects) = &mut self.rects {
            if rects.len() >= MAX_RECT_FILL {
                self.rects = None;
            } else {
                rects.push(r);
            }
        }
    }

    fn move_to(&mut self, p: (f32, f32)) {
        self.close_open();
        self.begun = true;
        self.open.push(p);
    }

    fn line_to(&mut self, p: (f32, f32)) {
        if self.open.is_empty() || self.open.len() >= 5 {
            self.rects = None;
            self.open.clear();
        } else {
            self.open.push(p);
        }
    }

    /// `re` in a space mapped by `m`: a rectangle when `m` keeps sides parallel.
    fn rect(&mut self, m: &Matrix, [x, y, w, h]: [f32; 4]) {
        self.close_open();
        self.begun = true;
        let corners =
            [(x, y), (x + w, y), (x + w, y + h), (x, y + h)].map(|(px, py)| apply(m, px, py));
        match rect_of(&corners) {
            Some(r) => self.push(r),
            None => self.rects = None,
        }
    }

    /// The rectangles of the finished path, when it is made of them only.
    fn finish(mut self) -> Option<Vec<Area>> {
        self.close_open();
        self.rects.filter(|r| self.begun && !r.is_empty())
    }
}

/// The box of four corners (a fifth equal to the first is allowed) when they are a
/// rectangle with sides parallel to the page's, in order around it.
fn rect_of(points: &[(f32, f32)]) -> Option<Area> {
    let points = match points {
        [a, b, c, d, e] if a == e => [*a, *b, *c, *d],
        [a, b, c, d] => [*a, *b, *c, *d],
        _ => return None,
    };
    if !points
        .iter()
        .all(|(x, y)| x.is_finite() && y.is_finite() && x.abs() < MAX_COORD && y.abs() < MAX_COORD)
    {
        return None;
    }
    let same = |a: f32, b: f32| (a - b).abs() <= 1e-3;
    let [a, b, c, d] = points;
    // a→b horizontal, b→c vertical, … or a→b vertical, b→c horizontal
    let h_first = same(a.1, b.1) && same(b.0, c.0) && same(c.1, d.1) && same(d.0, a.0);
    let v_first = same(a.0, b.0) && same(b.1, c.1) && same(c.0, d.0) && same(d.1, a.1);
    if !(h_first || v_first) {
        return None;
    }
    let [x0, x1] = [a.0.min(c.0), a.0.max(c.0)];
    let [y0, y1] = [a.1.min(c.1), a.1.max(c.1)];
    (x1 - x0 > 1e-3 && y1 - y0 > 1e-3).then_some([x0, y0, x1, y1])
}

impl PageScan {
    /// Where the first run of text in `font` is shown on this page, if it shows any.
    pub fn font_area(&self, font: &FontUse) -> Option<Area> {
        let key = match font.id {
            Some(id) => FontRef::Id(id),
            None => FontRef::Name(font.resource.clone()),
        };
        self.font_areas.get(&key).copied()
    }
}

/// A color space, resolved once per resource name.
#[derive(Debug, Clone)]
enum Space {
    Gray,
    Rgb,
    Cmyk,
    Registration,
    /// CIE L*a*b* with its a*/b* range.
    Lab {
        range: [f32; 4],
    },
    Indexed(Rc<Indexed>),
    /// ICCBased gray or RGB, converted to sRGB by its profile.
    Icc(Rc<Icc>),
    /// Separation (one colorant) and DeviceN.
    Spot(Rc<Spot>),
    Other,
}

#[derive(Debug)]
struct Indexed {
    base: Space,
    hival: usize,
    lookup: Vec<u8>,
}

struct Icc {
    /// Components: 1 (gray) or 3 (RGB).
    n: usize,
    to_srgb: std::sync::Arc<moxcms::TransformF32Executor>,
}

impl std::fmt::Debug for Icc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Icc({} components)", self.n)
    }
}

/// Bytes an ICC profile may have (sRGB and Adobe RGB are 3 KB or less; press CMYK
/// profiles, which are not parsed, are about 0.5–2 MB).
const MAX_ICC_PROFILE: usize = 1024 * 1024;

#[derive(Debug)]
struct Spot {
    /// The colorant names, as the PDF gives them.
    colorants: Vec<String>,
    alternate: Space,
    transform: Option<Function>,
    /// Every colorant is a process ink (or `None`): the color is its alternate.
    process: bool,
}

/// Colorant names of the process inks: a Separation or DeviceN of these is CMYK.
pub const PROCESS_INKS: &[&str] = &["Cyan", "Magenta", "Yellow", "Black"];

/// Tint transform steps (see `Function::cost`) charged as one content operator: a file
/// may spend about 16 million steps on its transforms.
const STEPS_PER_OPERATOR: u64 = 16;

/// Colors of an Indexed space's table at most (the specification's `hival` is ≤ 255).
const MAX_INDEXED: usize = 256;
/// Nesting of color spaces inside one another (Indexed of DeviceN of …).
const MAX_SPACE_DEPTH: usize = 4;

impl Space {
    /// Components a color in this space has.
    fn components(&self) -> usize {
        match self {
            Space::Gray | Space::Indexed(_) | Space::Registration => 1,
            Space::Icc(icc) => icc.n,
            Space::Rgb | Space::Lab { .. } => 3,
            Space::Cmyk => 4,
            Space::Spot(spot) => spot.colorants.len(),
            Space::Other => 0,
        }
    }

    /// The initial color (ISO 32000-1 §8.6.8: black, or tint 1 of every colorant,
    /// or index 0).
    fn initial(&self, work: &mut u64) -> PdfColor {
        match self {
            Space::Gray => PdfColor::Gray(0.0),
            Space::Rgb => PdfColor::Rgb([0.0; 3]),
            Space::Cmyk => PdfColor::Cmyk([0.0, 0.0, 0.0, 1.0]),
            Space::Lab { range, .. } => self.color(
                &[
                    0.0,
                    0.0f32.clamp(range[0], range[1]),
                    0.0f32.clamp(range[2], range[3]),
                ],
                work,
            ),
            Space::Indexed(_) => self.color(&[0.0], work),
            Space::Icc(icc) => self.color(&vec![0.0; icc.n], work),
            Space::Spot(spot) => self.color(&vec![1.0; spot.colorants.len()], work),
            Space::Registration => PdfColor::Registration,
            Space::Other => PdfColor::Other,
        }
    }

    /// The color of components `n` (operands of `sc`/`scn`); `work` counts the steps
    /// tint transforms cost.
    fn color(&self, n: &[f32], work: &mut u64) -> PdfColor {
        match (self, n) {
            (Space::Gray, [g, ..]) => PdfColor::Gray(clamp(*g)),
            (Space::Rgb, [r, g, b, ..]) => PdfColor::Rgb([clamp(*r), clamp(*g), clamp(*b)]),
            (Space::Cmyk, [c, m, y, k, ..]) => {
                PdfColor::Cmyk([clamp(*c), clamp(*m), clamp(*y), clamp(*k)])
            }
            (Space::Registration, _) => PdfColor::Registration,
            (Space::Lab { range }, [l, a, b, ..]) => PdfColor::Rgb(lab_to_srgb(
                l.clamp(0.0, 100.0),
                a.clamp(range[0], range[1]),
                b.clamp(range[2], range[3]),
            )),
            (Space::Icc(icc), n) if n.len() >= icc.n => {
                *work += 1;
                let src: Vec<f32> = n[..icc.n].iter().map(|v| clamp(*v)).collect();
                // Device black and white are full ink and no ink, whatever the medium's
                // black and paper look like through the profile (a press gray profile
                // shows its 100 % black as #2B2B2B): black as any black, paper as paper.
                if src.iter().all(|v| *v <= 0.0) {
                    return PdfColor::Gray(0.0);
                }
                if src.iter().all(|v| *v >= 1.0) {
                    return PdfColor::Gray(1.0);
                }
                let mut rgb = [0.0f32; 3];
                match icc.to_srgb.transform(&src, &mut rgb) {
                    Ok(()) if rgb.iter().all(|v| v.is_finite()) => PdfColor::Rgb(rgb.map(clamp)),
                    // A profile that does not transform: its device values as they are.
                    _ if icc.n == 1 => PdfColor::Gray(src[0]),
                    _ => PdfColor::Rgb([src[0], src[1], src[2]]),
                }
            }
            (Space::Indexed(indexed), [i, ..]) => {
                let i = (i.round().max(0.0) as usize).min(indexed.hival);
                let width = indexed.base.components();
                let Some(entry) = indexed.lookup.get(i * width..(i + 1) * width) else {
                    return PdfColor::Other;
                };
                let comps: Vec<f32> = entry
                    .iter()
                    .enumerate()
                    .map(|(c, byte)| indexed.base.component_of_byte(c, *byte))
                    .collect();
                indexed.base.color(&comps, work)
            }
            (Space::Spot(spot), tints) if tints.len() >= spot.colorants.len() => {
                let tints = &tints[..spot.colorants.len()];
                let alternate = spot.transform.as_ref().and_then(|f| {
                    *work += f.cost();
                    f.eval(tints)
                });
                let alternate = alternate
                    .filter(|v| v.len() >= spot.alternate.components())
                    .map(|v| spot.alternate.color(&v, work))
                    .filter(|c| !matches!(c, PdfColor::Other | PdfColor::Spot { .. }));
                if spot.process {
                    return alternate.unwrap_or(PdfColor::Other);
                }
                let inks: Vec<String> = spot
                    .colorants
                    .iter()
                    .zip(tints)
                    .filter(|(name, t)| **t > 0.0 && name.as_str() != "None")
                    .map(|(name, _)| name.clone())
                    .collect();
                if inks.is_empty() {
                    return PdfColor::Registration;
                }
                PdfColor::Spot {
                    inks: inks.into(),
                    alternate: alternate.map(Box::new),
                }
            }
            _ => PdfColor::Other,
        }
    }

    /// An Indexed table byte as component `c` of this (base) space.
    fn component_of_byte(&self, c: usize, byte: u8) -> f32 {
        let t = f32::from(byte) / 255.0;
        match self {
            Space::Lab { range, .. } => match c {
                0 => t * 100.0,
                1 => range[0] + t * (range[1] - range[0]),
                _ => range[2] + t * (range[3] - range[2]),
            },
            _ => t,
        }
    }
}

/// CIE L*a*b* (relative to the space's white point) → sRGB components 0–1: to XYZ,
/// adapted to D65 by scaling XYZ (von Kries in XYZ: the space's white becomes D65 white,
/// enough for the D50 and D65 of real files), then to sRGB by the palette crate.
fn lab_to_srgb(l: f32, a: f32, b: f32) -> [f32; 3] {
    use palette::{FromColor, Srgb, Xyz, white_point::D65};
    let fy = (l + 16.0) / 116.0;
    let fx = fy + a / 500.0;
    let fz = fy - b / 200.0;
    let inv = |t: f32| {
        if t > 6.0 / 29.0 {
            t * t * t
        } else {
            3.0 * (6.0f32 / 29.0).powi(2) * (t - 4.0 / 29.0)
        }
    };
    // X = x·Wx, adapted by Wx → D65x: the space's own white point cancels out.
    let xyz = Xyz::<D65, f32>::new(inv(fx) * 0.95047, inv(fy), inv(fz) * 1.08883);
    let rgb = Srgb::from_color(xyz);
    [clamp(rgb.red), clamp(rgb.green), clamp(rgb.blue)]
}

#[derive(Debug, Clone)]
struct GState {
    fill_space: Space,
    fill: PdfColor,
    stroke_space: Space,
    stroke: PdfColor,
    render_mode: i64,
    /// The current transformation matrix, user space to the page's default space.
    ctm: Matrix,
    line_width: f32,
    /// Text state: character and word spacing, horizontal scaling (1 = 100%), leading,
    /// rise.
    char_spacing: f32,
    word_spacing: f32,
    h_scale: f32,
    leading: f32,
    rise: f32,
    /// The box of the clipping path (page's default space); `None` is the whole page.
    clip: Option<Area>,
}

impl Default for GState {
    fn default() -> Self {
        GState {
            fill_space: Space::Gray,
            fill: PdfColor::Gray(0.0),
            stroke_space: Space::Gray,
            stroke: PdfColor::Gray(0.0),
            render_mode: 0,
            ctm: IDENTITY,
            line_width: 1.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            h_scale: 1.0,
            leading: 0.0,
            rise: 0.0,
            clip: None,
        }
    }
}

/// `area` within `clip`: `None` when nothing of it shows.
fn clipped(area: Option<Area>, clip: Option<Area>) -> Option<Area> {
    let a = area?;
    let Some(c) = clip else {
        return Some(a);
    };
    let b = [
        a[0].max(c[0]),
        a[1].max(c[1]),
        a[2].min(c[2]),
        a[3].min(c[3]),
    ];
    (b[0] <= b[2] && b[1] <= b[3]).then_some(b)
}

impl Scanner<'_, '_> {
    /// Records the subpath boxes (`cover` turns each into what the paint covers) of the
    /// paint about to be pushed, for [`PageScan::paint_parts`].
    fn keep_parts(&mut self, boxes: &[Option<Area>], cover: impl Fn(Option<Area>) -> Option<Area>) {
        // a subpath the scan could not place may be anywhere: the paint's box is used
        if self.out.paint_parts.len() < MAX_PLAIN_RECTS && boxes.iter().all(Option::is_some) {
            let covered = boxes.iter().filter_map(|b| cover(*b)).collect();
            self.out.paint_parts.push((self.out.paints.len(), covered));
        }
    }
}

/// The box a stroke of `path` covers: the path's, grown by half the line width as the
/// matrix scales it.
fn stroke_area(path: Option<Area>, gs: &GState) -> Option<Area> {
    let [x0, y0, x1, y1] = path?;
    let scale = (gs.ctm[0] * gs.ctm[3] - gs.ctm[1] * gs.ctm[2]).abs().sqrt();
    let half = (gs.line_width.abs() * scale / 2.0).min(MAX_COORD);
    let half = if half.is_finite() { half } else { 0.0 };
    Some([x0 - half, y0 - half, x1 + half, y1 + half])
}

/// Deepest Form XObject nesting followed (guards against reference cycles).
const MAX_DEPTH: usize = 8;

struct Scanner<'a, 'b> {
    doc: &'a Document,
    out: PageScan,
    encodings: HashMap<Vec<u8>, Option<Encoding<'a>>>,
    /// Glyph widths of the fonts, by the same key as `encodings`.
    widths: HashMap<Vec<u8>, Rc<super::text::Widths>>,
    /// Resource dictionaries whose fonts are recorded, and the fonts (by id).
    fonts_recorded: HashSet<*const Dictionary>,
    font_ids: HashSet<ObjectId>,
    /// Decoded forms by object id: a form drawn again is not decoded again.
    forms: HashMap<ObjectId, Rc<Vec<u8>>>,
    /// Color spaces resolved, by resources dictionary and name.
    spaces: HashMap<(*const Dictionary, Vec<u8>), Space>,
    budget: &'b mut Budget,
}

/// Scans one page, drawing on the file's `budget`.
pub fn scan_page(doc: &Document, page_id: ObjectId, budget: &mut Budget) -> PageScan {
    let resources = page_resources(doc, page_id, budget);
    let (content, damaged) = budget.page_content(doc, page_id);
    let mut scanner = Scanner {
        doc,
        out: PageScan {
            damaged,
            ..PageScan::default()
        },
        encodings: HashMap::new(),
        widths: HashMap::new(),
        fonts_recorded: HashSet::new(),
        font_ids: HashSet::new(),
        forms: HashMap::new(),
        spaces: HashMap::new(),
        budget,
    };
    if let Some(content) = &content {
        scanner.run(content, &resources, GState::default(), 0);
    }
    scanner.annotations(page_id);
    scanner.out.content = content;
    scanner.out
}

/// Annotation flags (ISO 32000-1 §12.5.3): hidden, print, no view.
const ANNOT_HIDDEN: i64 = 1 << 1;
const ANNOT_PRINT: i64 = 1 << 2;
const ANNOT_NO_VIEW: i64 = 1 << 5;

/// The page's resources, merged with those it inherits from the page tree (each entry
/// copied costs an operator of the budget).
fn page_resources(doc: &Document, page_id: ObjectId, budget: &mut Budget) -> Dictionary {
    let mut merged = Dictionary::new();
    let Ok((own, inherited)) = doc.get_page_resources(page_id) else {
        return merged;
    };
    let mut all: Vec<&Dictionary> = own.into_iter().collect();
    all.extend(
        inherited
            .iter()
            .filter_map(|id| doc.get_dictionary(*id).ok()),
    );
    for dict in all {
        if !budget.operators(dict.len() as u64 + 1) {
            break;
        }
        for (key, value) in dict.iter() {
            let value = deref(doc, value).clone();
            match (merged.get_mut(key), value) {
                (Ok(Object::Dictionary(existing)), Object::Dictionary(more)) => {
                    if !budget.operators(more.len() as u64) {
                        break;
                    }
                    for (k, v) in more.iter() {
                        if !existing.has(k) {
                            existing.set(k.clone(), v.clone());
                        }
                    }
                }
                (Ok(_), _) => {}
                (Err(_), value) => merged.set(key.clone(), value),
            }
        }
    }
    merged
}

fn deref<'a>(doc: &'a Document, obj: &'a Object) -> &'a Object {
    doc.dereference(obj).map(|(_, o)| o).unwrap_or(obj)
}

fn numbers(operands: &[Object]) -> Vec<f32> {
    operands.iter().filter_map(|o| o.as_float().ok()).collect()
}

/// An annotation color array (`/C`, `/IC`): empty is transparent, else gray, RGB or
/// CMYK by its length.
fn annot_color(doc: &Document, annot: &Dictionary, key: &[u8]) -> Option<PdfColor> {
    let items = deref(doc, annot.get(key).ok()?).as_array().ok()?;
    let n: Vec<f32> = items
        .iter()
        .filter_map(|o| deref(doc, o).as_float().ok())
        .collect();
    match n.as_slice() {
        [g] => Some(PdfColor::Gray(clamp(*g))),
        [r, g, b] => Some(PdfColor::Rgb([clamp(*r), clamp(*g), clamp(*b)])),
        [c, m, y, k] => Some(PdfColor::Cmyk([clamp(*c), clamp(*m), clamp(*y), clamp(*k)])),
        _ => None,
    }
}

/// A link annotation's border width: `/BS /W`, else `/Border`'s third value, else 1.
fn link_border(doc: &Document, annot: &Dictionary) -> f32 {
    if let Some(w) = annot
        .get(b"BS")
        .ok()
        .map(|o| deref(doc, o))
        .and_then(|o| o.as_dict().ok())
        .and_then(|bs| bs.get(b"W").ok())
        .and_then(|w| deref(doc, w).as_float().ok())
    {
        return w;
    }
    annot
        .get(b"Border")
        .ok()
        .map(|o| deref(doc, o))
        .and_then(|o| o.as_array().ok())
        .and_then(|a| a.get(2))
        .and_then(|w| deref(doc, w).as_float().ok())
        .unwrap_or(1.0)
}

/// An annotation's `/Rect`, normalized.
fn annot_rect(doc: &Document, annot: &Dictionary) -> Option<Area> {
    let items = deref(doc, annot.get(b"Rect").ok()?).as_array().ok()?;
    let n: Vec<f32> = items
        .iter()
        .filter_map(|o| deref(doc, o).as_float().ok())
        .collect();
    let [a, b, c, d] = n.as_slice() else {
        return None;
    };
    let mut area = None;
    grow(&mut area, (*a, *b));
    grow(&mut area, (*c, *d));
    area
}

fn first_number(operands: &[Object]) -> Option<f32> {
    operands
        .first()
        .and_then(|o| o.as_float().ok())
        .filter(|v| v.is_finite())
}

fn clamp(v: f32) -> f32 {
    v.clamp(0.0, 1.0)
}

impl<'a> Scanner<'a, '_> {
    fn sub_dict(&self, resources: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
        resources
            .get(key)
            .ok()
            .map(|o| deref(self.doc, o))
            .and_then(|o| o.as_dict().ok())
    }

    /// The color space a `cs`/`CS` operand names, resolved once per resources dict.
    fn color_space(&mut self, resources: &'a Dictionary, name: &[u8]) -> Space {
        match name {
            b"DeviceGray" | b"G" | b"CalGray" => return Space::Gray,
            b"DeviceRGB" | b"RGB" | b"CalRGB" => return Space::Rgb,
            b"DeviceCMYK" | b"CMYK" => return Space::Cmyk,
            b"Pattern" => return Space::Other,
            _ => {}
        }
        let key = (resources as *const Dictionary, name.to_vec());
        if let Some(space) = self.spaces.get(&key) {
            return space.clone();
        }
        let doc = self.doc;
        let space = match self
            .sub_dict(resources, b"ColorSpace")
            .and_then(|spaces| spaces.get(name).ok())
        {
            Some(obj) => self.space_of(deref(doc, obj), 0),
            None => Space::Other,
        };
        self.spaces.insert(key, space.clone());
        space
    }

    /// Resolves a color space object; tint transforms and lookup tables are decoded
    /// against the budget.
    fn space_of(&mut self, obj: &Object, depth: usize) -> Space {
        if depth > MAX_SPACE_DEPTH || !self.budget.operators(1) {
            return Space::Other;
        }
        let doc = self.doc;
        let items = match obj {
            Object::Name(n) => {
                return match n.as_slice() {
                    b"DeviceGray" | b"CalGray" | b"G" => Space::Gray,
                    b"DeviceRGB" | b"CalRGB" | b"RGB" => Space::Rgb,
                    b"DeviceCMYK" | b"CMYK" => Space::Cmyk,
                    _ => Space::Other,
                };
            }
            Object::Array(items) => items,
            _ => return Space::Other,
        };
        let item = |i: usize| items.get(i).map(|o| deref(doc, o));
        let family = item(0).and_then(|o| o.as_name().ok()).unwrap_or(b"");
        match family {
            b"ICCBased" => {
                let Some(stream) = item(1).and_then(|o| o.as_stream().ok()) else {
                    return Space::Other;
                };
                let n = stream
                    .dict
                    .get(b"N")
                    .map(|o| deref(doc, o))
                    .and_then(|n| n.as_i64());
                match n {
                    Ok(n @ (1 | 3)) => self.icc(stream, n as usize).unwrap_or(if n == 1 {
                        Space::Gray
                    } else {
                        Space::Rgb
                    }),
                    // CMYK stays CMYK: it is compared with the guide's CMYK by value.
                    Ok(4) => Space::Cmyk,
                    _ => Space::Other,
                }
            }
            b"CalGray" | b"DeviceGray" | b"G" => Space::Gray,
            b"CalRGB" | b"DeviceRGB" | b"RGB" => Space::Rgb,
            b"DeviceCMYK" | b"CMYK" => Space::Cmyk,
            b"Lab" => {
                let range = item(1)
                    .and_then(|o| o.as_dict().ok())
                    .and_then(|d| d.get(b"Range").ok())
                    .map(|o| deref(doc, o))
                    .and_then(|o| o.as_array().ok())
                    .map(|a| numbers(a))
                    .filter(|v| v.len() == 4)
                    .map(|v| [v[0], v[1], v[2], v[3]])
                    .unwrap_or([-100.0, 100.0, -100.0, 100.0]);
                Space::Lab { range }
            }
            b"Indexed" | b"I" => {
                let base = match item(1) {
                    Some(b) => self.space_of(b, depth + 1),
                    None => return Space::Other,
                };
                let width = base.components();
                let hival = item(2).and_then(|o| o.as_i64().ok()).unwrap_or(-1);
                if width == 0 || !(0..MAX_INDEXED as i64).contains(&hival) {
                    return Space::Other;
                }
                let lookup = match item(3) {
                    Some(Object::String(bytes, _)) => bytes.clone(),
                    Some(Object::Stream(stream)) => match self.budget.decode(stream) {
                        Some(bytes) => bytes,
                        None => return Space::Other,
                    },
                    _ => return Space::Other,
                };
                Space::Indexed(Rc::new(Indexed {
                    base,
                    hival: hival as usize,
                    lookup,
                }))
            }
            b"Separation" | b"DeviceN" => {
                let colorants: Vec<String> = if family == b"Separation" {
                    match item(1).and_then(|o| o.as_name().ok()) {
                        Some(b"All") | Some(b"None") => return Space::Registration,
                        Some(name) => vec![String::from_utf8_lossy(name).into_owned()],
                        None => return Space::Other,
                    }
                } else {
                    let Some(names) = item(1).and_then(|o| o.as_array().ok()) else {
                        return Space::Other;
                    };
                    if names.is_empty() || names.len() > super::function::MAX_COMPONENTS {
                        return Space::Other;
                    }
                    names
                        .iter()
                        .map(|n| {
                            deref(doc, n)
                                .as_name()
                                .map(|n| String::from_utf8_lossy(n).into_owned())
                                .unwrap_or_default()
                        })
                        .collect()
                };
                let alternate = match item(2) {
                    Some(alt) => self.space_of(alt, depth + 1),
                    None => Space::Other,
                };
                let transform = item(3)
                    .and_then(|f| Function::parse(doc, f, self.budget))
                    .filter(|f| {
                        f.inputs() == colorants.len() && f.outputs() >= alternate.components()
                    });
                let process = colorants
                    .iter()
                    .all(|c| c == "None" || PROCESS_INKS.contains(&c.as_str()));
                Space::Spot(Rc::new(Spot {
                    colorants,
                    alternate,
                    transform,
                    process,
                }))
            }
            _ => Space::Other,
        }
    }

    /// An ICCBased gray or RGB space converted to sRGB by its profile (moxcms), when the
    /// profile reads and transforms; `None` to take its values as device values.
    fn icc(&mut self, stream: &Stream, n: usize) -> Option<Space> {
        use moxcms::{ColorProfile, Layout, ParsingOptions, TransformOptions};
        let bytes = self.budget.decode(stream)?;
        let options = ParsingOptions {
            max_profile_size: MAX_ICC_PROFILE,
            max_allowed_clut_size: 1 << 20,
            max_allowed_trc_size: 40_000,
        };
        let profile = ColorProfile::new_from_slice_with_options(&bytes, options).ok()?;
        let layout = if n == 1 { Layout::Gray } else { Layout::Rgb };
        let to_srgb = profile
            .create_transform_f32(
                layout,
                &ColorProfile::new_srgb(),
                Layout::Rgb,
                TransformOptions::default(),
            )
            .ok()?;
        Some(Space::Icc(Rc::new(Icc { n, to_srgb })))
    }

    /// The color `operands` give in `space`, charging tint transforms to the budget.
    fn color_from(&mut self, space: &Space, operands: &[Object]) -> PdfColor {
        let mut work = 0;
        let color = space.color(&numbers(operands), &mut work);
        if work > 0 {
            self.budget.operators(work.div_ceil(STEPS_PER_OPERATOR));
        }
        color
    }

    /// The initial color of a space just selected.
    fn initial(&mut self, space: &Space) -> PdfColor {
        let mut work = 0;
        let color = space.initial(&mut work);
        if work > 0 {
            self.budget.operators(work.div_ceil(STEPS_PER_OPERATOR));
        }
        color
    }

    fn record_fonts(&mut self, resources: &'a Dictionary) {
        if !self.fonts_recorded.insert(resources as *const Dictionary) {
            return;
        }
        let Some(fonts) = self.sub_dict(resources, b"Font") else {
            return;
        };
        if !self.budget.operators(fonts.len() as u64) {
            return;
        }
        for (name, obj) in fonts.iter() {
            let id = obj.as_reference().ok();
            if let Some(id) = id
                && !self.font_ids.insert(id)
            {
                continue;
            }
            if let Ok(dict) = deref(self.doc, obj).as_dict() {
                self.out.fonts.push(FontUse {
                    id,
                    resource: String::from_utf8_lossy(name).into_owned(),
                    dict: dict.clone(),
                });
            }
        }
    }

    /// The decoder of a font resource, cached by resource name per resources dict.
    fn font_encoding(&mut self, resources: &'a Dictionary, name: &[u8]) -> Option<&Encoding<'a>> {
        let key = [format!("{:p}", resources).as_bytes(), b"/", name].concat();
        if !self.encodings.contains_key(&key) {
            let doc = self.doc;
            let enc = self
                .sub_dict(resources, b"Font")
                .and_then(|fonts| fonts.get(name).ok())
                .map(|o| deref(doc, o))
                .and_then(|o| o.as_dict().ok())
                .and_then(|font| font_decoder(doc, font, self.budget));
            self.encodings.insert(key.clone(), enc);
        }
        self.encodings.get(&key).and_then(|e| e.as_ref())
    }

    fn run(&mut self, content: &[u8], resources: &'a Dictionary, start: GState, depth: usize) {
        self.record_fonts(resources);
        let mut gs = start;
        let mut stack: Vec<GState> = Vec::new();
        let mut font: Option<Vec<u8>> = None;
        // Marked-content stack: whether each level carries /ActualText (then its text
        // replaces the glyphs shown inside it).
        let mut marked: Vec<bool> = Vec::new();
        // The /ActualText of the spans begun and not shown yet: it is read where the
        // span's first glyph is drawn, after the text has moved there (Chromium opens a
        // Thai cluster's span before the `Tm` that starts its line).
        let mut actual_pending = String::new();
        // Text position, to start a new line when the baseline moves by more than half
        // the font size (marks raised by a point or two stay on their line).
        let mut last_y: Option<f32> = None;
        let mut line_y = 0.0f32;
        // Where the line starts and where the last string shown on it ends (None at a
        // line's start): a jump between them is a word space or a cell (`text.rs`).
        let mut line_x = 0.0f32;
        let mut pen_x: Option<f32> = None;
        let mut tm_scale = 1.0f32;
        let mut font_size = 0.0f32;
        // Geometry: the box of the path being built (in the page's default space), and
        // the text and text line matrices.
        let mut path: Option<Area> = None;
        // the boxes of its subpaths, while there are at most MAX_PATH_PARTS
        let mut parts = Subpaths::new();
        let mut rect_path = RectPath::new();
        // `W`/`W*` seen: the path clips when it is painted (or ended with `n`)
        let mut clip_pending = false;
        let mut tm = IDENTITY;
        let mut tlm = IDENTITY;
        for (n, op) in Content::decode_iter(content).enumerate() {
            let op = match op {
                Ok(op) => op,
                Err(_) => {
                    self.out.damaged.get_or_insert_with(|| {
                        format!("a content stream does not parse after {n} operators")
                    });
                    return;
                }
            };
            if !self.budget.operators(1) {
                return;
            }
            let args = &op.operands;
            match op.operator.as_str() {
                "q" if stack.len() < MAX_SAVED_STATES => stack.push(gs.clone()),
                "q" => {}
                "Q" => {
                    if let Some(prev) = stack.pop() {
                        gs = prev;
                    }
                }
                // Device color operators: lower case fills, upper case strokes.
                op @ ("g" | "G" | "rg" | "RG" | "k" | "K") => {
                    let space = match op.to_ascii_lowercase().as_str() {
                        "g" => Space::Gray,
                        "rg" => Space::Rgb,
                        _ => Space::Cmyk,
                    };
                    let color = self.color_from(&space, args);
                    if op.starts_with(|c: char| c.is_ascii_lowercase()) {
                        (gs.fill_space, gs.fill) = (space, color);
                    } else {
                        (gs.stroke_space, gs.stroke) = (space, color);
                    }
                }
                "cs" | "CS" => {
                    let space = args
                        .first()
                        .and_then(|o| o.as_name().ok())
                        .map(|n| self.color_space(resources, n))
                        .unwrap_or(Space::Other);
                    let color = self.initial(&space);
                    if op.operator == "cs" {
                        (gs.fill_space, gs.fill) = (space, color);
                    } else {
                        (gs.stroke_space, gs.stroke) = (space, color);
                    }
                }
                "sc" | "scn" => gs.fill = self.color_from(&gs.fill_space.clone(), args),
                "SC" | "SCN" => gs.stroke = self.color_from(&gs.stroke_space.clone(), args),
                "cm" => {
                    if let Some(m) = matrix_of(args) {
                        gs.ctm = concat(&m, &gs.ctm);
                    }
                }
                "w" => {
                    if let Some(w) = args.first().and_then(|o| o.as_float().ok()) {
                        gs.line_width = w;
                    }
                }
                "m" | "l" | "c" | "v" | "y" => {
                    let n = numbers(args);
                    if op.operator == "m" || parts.is_empty() {
                        parts.begin();
                    }
                    for p in n.chunks_exact(2) {
                        let point = apply(&gs.ctm, p[0], p[1]);
                        grow(&mut path, point);
                        parts.grow(point);
                    }
                    match (op.operator.as_str(), n.as_slice()) {
                        ("m", [x, y]) => rect_path.move_to(apply(&gs.ctm, *x, *y)),
                        ("l", [x, y]) => rect_path.line_to(apply(&gs.ctm, *x, *y)),
                        _ => rect_path.rects = None,
                    }
                }
                "h" => rect_path.close_open(),
                "re" => {
                    if let [x, y, w, h] = numbers(args).as_slice() {
                        parts.begin();
                        for (px, py) in [(*x, *y), (x + w, *y), (*x, y + h), (x + w, y + h)] {
                            let point = apply(&gs.ctm, px, py);
                            grow(&mut path, point);
                            parts.grow(point);
                        }
                        rect_path.rect(&gs.ctm, [*x, *y, *w, *h]);
                    } else {
                        rect_path.rects = None;
                    }
                }
                "W" | "W*" => clip_pending = true,
                op @ ("n" | "f" | "F" | "f*" | "S" | "s" | "B" | "B*" | "b" | "b*") => {
                    let area = path.take();
                    let boxes = parts.take();
                    // the clip applies to what comes after this operator
                    let clip = gs.clip;
                    if std::mem::take(&mut clip_pending) {
                        // an empty path clips everything away
                        gs.clip = Some(clipped(area, clip).unwrap_or([0.0; 4]));
                    }
                    let rects = std::mem::replace(&mut rect_path, RectPath::new()).finish();
                    if let Some([rect]) = rects.as_deref()
                        && matches!(op, "f" | "F" | "f*" | "B" | "B*" | "b" | "b*")
                        && self.out.plain_rects.len() < MAX_PLAIN_RECTS
                        && let Some(covered) = clipped(Some(*rect), clip)
                    {
                        self.out.plain_rects.push((self.out.paints.len(), covered));
                    }
                    if let Some(rects) = rects
                        && matches!(op, "f" | "F" | "f*")
                        && rects.len() >= MIN_RECT_FILL
                        && self.out.rect_fills.len() < MAX_RECT_FILLS
                    {
                        self.out.rect_fills.push(RectFill {
                            rects,
                            color: gs.fill.clone(),
                            even_odd: op == "f*",
                            paint: self.out.paints.len(),
                            clip,
                        });
                    }
                    if matches!(op, "f" | "F" | "f*" | "B" | "B*" | "b" | "b*") {
                        let fill = clipped(area, clip);
                        if let Some(boxes) = &boxes {
                            self.keep_parts(boxes, |b| clipped(b, clip));
                        }
                        self.out
                            .paints
                            .push((PaintKind::Fill, gs.fill.clone(), fill));
                    }
                    if matches!(op, "S" | "s" | "B" | "B*" | "b" | "b*") {
                        let stroke = clipped(stroke_area(area, &gs), clip);
                        if let Some(boxes) = &boxes {
                            self.keep_parts(boxes, |b| clipped(stroke_area(b, &gs), clip));
                        }
                        self.out
                            .paints
                            .push((PaintKind::Stroke, gs.stroke.clone(), stroke));
                    }
                }
                "Tc" => gs.char_spacing = first_number(args).unwrap_or(gs.char_spacing),
                "Tw" => gs.word_spacing = first_number(args).unwrap_or(gs.word_spacing),
                "Tz" => gs.h_scale = first_number(args).map_or(gs.h_scale, |z| z / 100.0),
                "TL" => gs.leading = first_number(args).unwrap_or(gs.leading),
                "Ts" => gs.rise = first_number(args).unwrap_or(gs.rise),
                "Tr" => gs.render_mode = args.first().and_then(|o| o.as_i64().ok()).unwrap_or(0),
                "Tf" => {
                    font = args
                        .first()
                        .and_then(|o| o.as_name().ok())
                        .map(<[u8]>::to_vec);
                    font_size = args
                        .get(1)
                        .and_then(|o| o.as_float().ok())
                        .unwrap_or(font_size);
                }
                "BT" => {
                    tm_scale = 1.0;
                    line_y = 0.0;
                    line_x = 0.0;
                    (tm, tlm) = (IDENTITY, IDENTITY);
                }
                "Td" | "TD" => {
                    let tx = args.first().and_then(|o| o.as_float().ok()).unwrap_or(0.0);
                    let ty = args.get(1).and_then(|o| o.as_float().ok()).unwrap_or(0.0);
                    if op.operator == "TD" {
                        gs.leading = -ty;
                    }
                    tlm = concat(&[1.0, 0.0, 0.0, 1.0, tx, ty], &tlm);
                    tm = tlm;
                    line_y += ty * tm_scale;
                    line_x += tx * tm_scale;
                    let size = font_size * tm_scale;
                    if self.text_at(line_y, size, &mut last_y) {
                        pen_x = None;
                    }
                    self.gap(resources, font.as_deref(), line_x, size, &mut pen_x);
                }
                "T*" => {
                    self.newline();
                    pen_x = None;
                    tlm = concat(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.leading], &tlm);
                    tm = tlm;
                }
                "Tm" => {
                    if let Some(m) = matrix_of(args) {
                        (tm, tlm) = (m, m);
                    }
                    let n = numbers(args);
                    if let [_, _, _, d, e, f] = n.as_slice() {
                        tm_scale = if d.abs() > 1e-6 { d.abs() } else { 1.0 };
                        line_y = *f;
                        line_x = *e;
                        let size = font_size * tm_scale;
                        if self.text_at(line_y, size, &mut last_y) {
                            pen_x = None;
                        }
                        self.gap(resources, font.as_deref(), line_x, size, &mut pen_x);
                    }
                }
                "BMC" if marked.len() < MAX_SAVED_STATES => marked.push(false),
                "BDC" => {
                    let actual = args
                        .get(1)
                        .map(|o| deref(self.doc, o))
                        .and_then(|o| o.as_dict().ok())
                        .and_then(|d| d.get(b"ActualText").ok())
                        .and_then(|t| t.as_str().ok())
                        .map(decode_text_string);
                    if let Some(text) = &actual {
                        actual_pending.push_str(text);
                    }
                    if marked.len() < MAX_SAVED_STATES {
                        marked.push(actual.is_some());
                    }
                }
                "EMC" => {
                    // a span that drew no glyph still reads as its text
                    let closed = marked.pop();
                    if closed == Some(true) && !marked.iter().any(|m| *m) {
                        self.out.text.push_str(&std::mem::take(&mut actual_pending));
                    }
                }
                "Tj" | "TJ" | "'" | "\"" => {
                    if op.operator == "\"" {
                        let n = numbers(&args[..args.len().min(2)]);
                        if let [aw, ac] = n.as_slice() {
                            (gs.word_spacing, gs.char_spacing) = (*aw, *ac);
                        }
                    }
                    if op.operator == "'" || op.operator == "\"" {
                        tlm = concat(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.leading], &tlm);
                        tm = tlm;
                    }
                    let area = font.clone().and_then(|name| {
                        let (area, width) =
                            self.run_area(resources, &name, args, &gs, &tm, font_size);
                        tm = concat(&[1.0, 0.0, 0.0, 1.0, width, 0.0], &tm);
                        clipped(area, gs.clip)
                    });
                    if matches!(gs.render_mode, 0 | 2 | 4 | 6) {
                        self.out
                            .paints
                            .push((PaintKind::Fill, gs.fill.clone(), area));
                    }
                    if matches!(gs.render_mode, 1 | 2 | 5 | 6) {
                        self.out
                            .paints
                            .push((PaintKind::Stroke, gs.stroke.clone(), area));
                    }
                    if let (Some(area), Some(name)) = (area, font.as_deref())
                        && !matches!(gs.render_mode, 3 | 7)
                        && let Some(key) = self.font_ref(resources, name)
                    {
                        self.out.font_areas.entry(key).or_insert(area);
                    }
                    if op.operator != "Tj" && op.operator != "TJ" {
                        self.newline();
                        pen_x = None;
                    }
                    if marked.iter().any(|m| *m) {
                        self.out.text.push_str(&std::mem::take(&mut actual_pending));
                        continue;
                    }
                    let Some(name) = font.clone() else { continue };
                    let ems = self.show_text(resources, &name, args);
                    let start = pen_x.unwrap_or(line_x);
                    pen_x = Some(start + ems * font_size * tm_scale);
                }
                "Do" => {
                    if depth >= MAX_DEPTH {
                        continue;
                    }
                    let Some(name) = args.first().and_then(|o| o.as_name().ok()) else {
                        continue;
                    };
                    let Some(entry) = self
                        .sub_dict(resources, b"XObject")
                        .and_then(|x| x.get(name).ok())
                    else {
                        continue;
                    };
                    let id = entry.as_reference().ok();
                    let Ok(stream) = deref(self.doc, entry).as_stream() else {
                        continue;
                    };
                    if stream.dict.get(b"Subtype").and_then(|s| s.as_name()).ok() != Some(b"Form") {
                        continue;
                    }
                    let matrix = stream
                        .dict
                        .get(b"Matrix")
                        .ok()
                        .map(|o| deref(self.doc, o))
                        .and_then(|o| o.as_array().ok())
                        .and_then(|a| {
                            let items: Vec<Object> =
                                a.iter().map(|o| deref(self.doc, o).clone()).collect();
                            matrix_of(&items)
                        })
                        .unwrap_or(IDENTITY);
                    let inner = stream
                        .dict
                        .get(b"Resources")
                        .ok()
                        .map(|o| deref(self.doc, o))
                        .and_then(|o| o.as_dict().ok())
                        .unwrap_or(resources);
                    if !self.budget.spend(1, Limit::Forms) {
                        return;
                    }
                    let Some(bytes) = self.form_content(id, stream) else {
                        if self.budget.exhausted.is_some() {
                            return;
                        }
                        self.out.damaged.get_or_insert_with(|| {
                            format!("form /{} does not decode", String::from_utf8_lossy(name))
                        });
                        continue;
                    };
                    let mut inner_gs = gs.clone();
                    inner_gs.ctm = concat(&matrix, &gs.ctm);
                    // the form is clipped to its /BBox
                    let bbox = stream
                        .dict
                        .get(b"BBox")
                        .ok()
                        .map(|o| deref(self.doc, o))
                        .and_then(|o| o.as_array().ok())
                        .map(|a| {
                            let items: Vec<Object> =
                                a.iter().map(|o| deref(self.doc, o).clone()).collect();
                            numbers(&items)
                        });
                    if let Some([x0, y0, x1, y1]) =
                        bbox.as_deref().and_then(|b| <[f32; 4]>::try_from(b).ok())
                    {
                        let area = area_of(&inner_gs.ctm, [x0, y0, x1, y1]);
                        inner_gs.clip = Some(clipped(area, gs.clip).unwrap_or([0.0; 4]));
                    }
                    self.run(&bytes, inner, inner_gs, depth + 1);
                    if self.budget.exhausted.is_some() {
                        return;
                    }
                }
                _ => {}
            }
        }
        // a span left open at the end of the stream
        self.out.text.push_str(&actual_pending);
    }

    /// The colors of the page's printed annotations, into `annotation_paints`: what
    /// their normal appearance stream paints (the fonts and text it holds are left to
    /// the form-font check and out of the page text), or, for one without an
    /// appearance, the `/C` color a viewer draws its border or icon with (not a link's
    /// when its border is 0 wide) and the `/IC` interior color.
    fn annotations(&mut self, page_id: ObjectId) {
        let doc = self.doc;
        let Some(annots) = doc
            .get_dictionary(page_id)
            .ok()
            .and_then(|page| page.get(b"Annots").ok())
            .map(|o| deref(doc, o))
            .and_then(|o| o.as_array().ok())
        else {
            return;
        };
        let (fonts, text, paints, font_areas) = (
            self.out.fonts.len(),
            self.out.text.len(),
            std::mem::take(&mut self.out.paints),
            std::mem::take(&mut self.out.font_areas),
        );
        // what an appearance stream draws is in its own space and counts its paints
        // from 0 again: its rectangles and subpaths are not the page's
        let (plain_rects, rect_fills, paint_parts) = (
            self.out.plain_rects.len(),
            self.out.rect_fills.len(),
            self.out.paint_parts.len(),
        );
        static EMPTY: std::sync::LazyLock<Dictionary> = std::sync::LazyLock::new(Dictionary::new);
        let empty: &'a Dictionary = &EMPTY;
        for annot in annots {
            if !self.budget.operators(1) {
                break;
            }
            let Ok(annot) = deref(doc, annot).as_dict() else {
                continue;
            };
            let flags = annot
                .get(b"F")
                .map(|o| deref(doc, o))
                .and_then(|o| o.as_i64())
                .unwrap_or(0);
            let subtype = annot
                .get(b"Subtype")
                .map(|o| deref(doc, o))
                .and_then(|o| o.as_name())
                .unwrap_or(b"");
            if flags & ANNOT_PRINT == 0
                || flags & (ANNOT_HIDDEN | ANNOT_NO_VIEW) != 0
                || subtype == b"Popup"
            {
                continue;
            }
            let placed = self.out.paints.len();
            let rect = annot_rect(doc, annot);
            if let Some(stream) = self.normal_appearance(annot) {
                let resources = stream
                    .dict
                    .get(b"Resources")
                    .ok()
                    .map(|o| deref(doc, o))
                    .and_then(|o| o.as_dict().ok())
                    .unwrap_or(empty);
                if let Some(bytes) = self.budget.decode(stream) {
                    self.run(&bytes, resources, GState::default(), 1);
                }
                for paint in &mut self.out.paints[placed..] {
                    paint.2 = rect;
                }
                continue;
            }
            let border = if subtype == b"Link" {
                link_border(doc, annot)
            } else {
                1.0
            };
            if border > 0.0
                && let Some(c) = annot_color(doc, annot, b"C")
            {
                self.out.paints.push((PaintKind::Stroke, c, rect));
            }
            if let Some(c) = annot_color(doc, annot, b"IC") {
                self.out.paints.push((PaintKind::Fill, c, rect));
            }
        }
        self.out.annotation_paints = std::mem::replace(&mut self.out.paints, paints);
        self.out.plain_rects.truncate(plain_rects);
        self.out.rect_fills.truncate(rect_fills);
        self.out.paint_parts.truncate(paint_parts);
        self.out.fonts.truncate(fonts);
        self.out.text.truncate(text);
        self.out.font_areas = font_areas;
    }

    /// An annotation's normal appearance: `/AP /N`, or the state of it `/AS` names.
    fn normal_appearance(&self, annot: &'a Dictionary) -> Option<&'a Stream> {
        let doc = self.doc;
        let normal = deref(doc, self.sub_dict(annot, b"AP")?.get(b"N").ok()?);
        match normal {
            Object::Stream(stream) => Some(stream),
            Object::Dictionary(states) => {
                let state = annot.get(b"AS").ok()?.as_name().ok()?;
                deref(doc, states.get(state).ok()?).as_stream().ok()
            }
            _ => None,
        }
    }

    /// A form's content, decoded once per scan.
    fn form_content(&mut self, id: Option<ObjectId>, stream: &Stream) -> Option<Rc<Vec<u8>>> {
        if let Some(bytes) = id.and_then(|id| self.forms.get(&id)) {
            return Some(bytes.clone());
        }
        let bytes = Rc::new(self.budget.decode(stream)?);
        if let Some(id) = id {
            self.forms.insert(id, bytes.clone());
        }
        Some(bytes)
    }

    /// Moves the text to baseline `y`; a new line (returns true) when it moved by more
    /// than half the font size.
    fn text_at(&mut self, y: f32, size: f32, last: &mut Option<f32>) -> bool {
        let moved = last.is_some_and(|prev| (y - prev).abs() > (size.abs() * 0.5).max(0.5));
        if moved {
            self.newline();
        }
        *last = Some(y);
        moved
    }

    /// The text moves to `x` on its line, where the last string ended at `pen`: a jump
    /// to the right is a word space or a cell gap (a tab), by the font's widths.
    fn gap(
        &mut self,
        resources: &'a Dictionary,
        font: Option<&[u8]>,
        x: f32,
        size: f32,
        pen: &mut Option<f32>,
    ) {
        let (Some(end), Some(font)) = (*pen, font) else {
            return;
        };
        *pen = None;
        let size = size.abs();
        if size < 1e-3 || self.out.text.ends_with(['\n', '\t']) {
            return;
        }
        let widths = self.font_widths(resources, font);
        match widths.separator((x - end) / size) {
            Some('\t') => {
                let trimmed = self.out.text.trim_end_matches(' ').len();
                self.out.text.truncate(trimmed);
                self.out.text.push('\t');
            }
            Some(c) if !self.out.text.ends_with(' ') => self.out.text.push(c),
            _ => {}
        }
    }

    /// The glyph widths of font `name` of `resources`, read once.
    fn font_widths(&mut self, resources: &'a Dictionary, name: &[u8]) -> Rc<super::text::Widths> {
        let key = [format!("{:p}", resources).as_bytes(), b"/", name].concat();
        if let Some(w) = self.widths.get(&key) {
            return w.clone();
        }
        let doc = self.doc;
        let widths = self
            .sub_dict(resources, b"Font")
            .and_then(|fonts| fonts.get(name).ok())
            .map(|o| deref(doc, o))
            .and_then(|o| o.as_dict().ok())
            .map(|font| super::text::Widths::of(doc, font))
            .unwrap_or_default();
        let widths = Rc::new(widths);
        self.widths.insert(key, widths.clone());
        widths
    }

    /// The key of font resource `name` of `resources`.
    fn font_ref(&self, resources: &'a Dictionary, name: &[u8]) -> Option<FontRef> {
        let obj = self.sub_dict(resources, b"Font")?.get(name).ok()?;
        Some(match obj.as_reference() {
            Ok(id) => FontRef::Id(id),
            Err(_) => FontRef::Name(String::from_utf8_lossy(name).into_owned()),
        })
    }

    /// Where a show operator's strings land (the box from the font's descent to its
    /// ascent along the run, through the text and current matrices), and how far the
    /// text matrix moves (text space units).
    fn run_area(
        &mut self,
        resources: &'a Dictionary,
        font: &[u8],
        args: &[Object],
        gs: &GState,
        tm: &Matrix,
        size: f32,
    ) -> (Option<Area>, f32) {
        let widths = self.font_widths(resources, font);
        let (mut ems, mut glyphs, mut spaces) = (0.0f32, 0usize, 0usize);
        let strings: &[Object] = match args.last() {
            Some(Object::Array(items)) => items,
            Some(last) => std::slice::from_ref(last),
            None => &[],
        };
        for item in strings {
            match item {
                Object::String(bytes, _) => {
                    ems += widths.advance(bytes);
                    let (g, s) = widths.glyphs(bytes);
                    glyphs += g;
                    spaces += s;
                }
                other => {
                    if let Ok(n) = other.as_float() {
                        ems -= n / 1000.0;
                    }
                }
            }
        }
        let width =
            (ems * size + gs.char_spacing * glyphs as f32 + gs.word_spacing * spaces as f32)
                * gs.h_scale;
        if !width.is_finite() {
            return (None, 0.0);
        }
        let bottom = gs.rise + widths.descent * size;
        let top = gs.rise + widths.ascent * size;
        let m = concat(tm, &gs.ctm);
        let area = if glyphs > 0 {
            area_of(&m, [0.0, bottom, width, top])
        } else {
            None
        };
        (area, width)
    }

    fn newline(&mut self) {
        if !self.out.text.is_empty() && !self.out.text.ends_with('\n') {
            self.out.text.push('\n');
        }
    }

    /// Appends the text a show operator shows; returns its width in ems (glyph widths
    /// and `TJ` adjustments).
    fn show_text(&mut self, resources: &'a Dictionary, font: &[u8], args: &[Object]) -> f32 {
        let widths = self.font_widths(resources, font);
        let Some(enc) = self.font_encoding(resources, font) else {
            return 0.0;
        };
        let mut ems = 0.0f32;
        let mut text = String::new();
        let strings: Vec<&Object> = match args.last() {
            Some(Object::Array(items)) => items.iter().collect(),
            Some(last) => vec![last],
            None => Vec::new(),
        };
        for item in strings {
            match item {
                Object::String(bytes, _) => {
                    ems += widths.advance(bytes);
                    if let Ok(s) = enc.bytes_to_string(bytes) {
                        text.push_str(&s);
                    }
                }
                // A large negative adjustment in a TJ array is a word space.
                other => {
                    if let Ok(n) = other.as_float() {
                        ems -= n / 1000.0;
                        if n < -200.0 && !text.ends_with(' ') {
                            text.push(' ');
                        }
                    }
                }
            }
        }
        self.out.text.push_str(&text.replace('\u{FFFD}', ""));
        ems
    }
}

/// A decoder for the strings of a font: its ToUnicode CMap when it has one (lopdf only
/// reads it when the font has no `/Encoding`, so the map is read on its own), else its
/// simple encoding. The map is decoded against the budget.
fn font_decoder<'a>(
    doc: &'a Document,
    font: &'a Dictionary,
    budget: &mut Budget,
) -> Option<Encoding<'a>> {
    if font.has(b"ToUnicode") {
        let stream = font
            .get_deref(b"ToUnicode", doc)
            .ok()
            .and_then(|o| o.as_stream().ok())?;
        let plain = budget.decode(stream)?;
        let mut tmp = Dictionary::new();
        tmp.set("Type", Object::Name(b"Font".to_vec()));
        tmp.set(
            "ToUnicode",
            Object::Stream(Stream::new(Dictionary::new(), plain)),
        );
        return match tmp.get_font_encoding(doc) {
            Ok(Encoding::UnicodeMapEncoding(map)) => Some(Encoding::UnicodeMapEncoding(map)),
            _ => None,
        };
    }
    // An embedded CMap stream as /Encoding is not decoded (rare; its text is skipped);
    // names and differences dictionaries decode nothing.
    let encoding = font.get_deref(b"Encoding", doc).ok();
    if encoding.is_some_and(|e| e.as_stream().is_ok()) {
        return None;
    }
    font.get_font_encoding_with_limit(doc, budget.bytes).ok()
}

/// Decodes a PDF text string (UTF-16BE with BOM, else PDFDocEncoding ≈ Latin-1).
fn decode_text_string(bytes: &[u8]) -> String {
    if bytes.starts_with(&[0xFE, 0xFF]) {
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        bytes.iter().map(|&b| b as char).collect()
    }
}
