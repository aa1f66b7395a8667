//! One pass over a page's content streams (and the Form XObjects they draw) that
//! collects what the PDF rules look at: the colors actually painted with, the fonts in
//! the resources, and the visible text.
//!
//! A hostile PDF is small and does enormous work: a form drawn twenty times from itself
//! is 20⁸ invocations at a nesting depth of 8, a Flate stream of 4 MB inflates to
//! gigabytes. So the scan draws on one [`Budget`] per file — content operators
//! interpreted, form XObjects drawn, bytes decoded — decodes every stream against what is
//! left of it, and stops where it runs out (the linter reports `pdf/too-complex`).

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use lopdf::content::Content;
use lopdf::{DecompressError, Dictionary, Document, Encoding, Object, ObjectId, Stream};

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
        if self.exhausted.is_some() || check_flate(stream, self.bytes).is_err() {
            return None;
        }
        match stream.get_plain_content_with_limit(self.bytes) {
            Ok(bytes) => {
                self.bytes -= bytes.len().min(self.bytes);
                Some(bytes)
            }
            Err(lopdf::Error::Decompress(DecompressError::MemoryLimitExceeded { .. })) => {
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
            if let Err(e) = check_flate(stream, self.bytes) {
                damaged.get_or_insert_with(|| {
                    format!("content stream {} {} R does not decode ({e})", id.0, id.1)
                });
                continue;
            }
            match stream.get_plain_content_with_limit(self.bytes) {
                Ok(bytes) => {
                    self.bytes -= bytes.len().min(self.bytes);
                    content.extend_from_slice(&bytes);
                    content.push(b'\n');
                }
                Err(lopdf::Error::Decompress(DecompressError::MemoryLimitExceeded { .. })) => {
                    self.bytes = 0;
                    self.exhausted = Some(Limit::Bytes);
                    return (None, damaged);
                }
                Err(e) => {
                    damaged.get_or_insert_with(|| {
                        format!("content stream {} {} R does not decode ({e})", id.0, id.1)
                    });
                }
            }
        }
        (Some(content), damaged)
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

/// A color as the PDF states it, components 0–1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PdfColor {
    Gray(f32),
    Rgb([f32; 3]),
    Cmyk([f32; 4]),
    /// A Separation `All` (registration, printer's marks) or `None` (no ink) color.
    Registration,
    /// Patterns, Lab, Indexed, DeviceN, spot colors: not compared with the palette.
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

/// What one page contains.
#[derive(Debug, Default)]
pub struct PageScan {
    pub paints: Vec<(PaintKind, PdfColor)>,
    pub fonts: Vec<FontUse>,
    pub text: String,
    /// The first content stream that is missing, does not decode or does not parse, as
    /// a description.
    pub damaged: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Space {
    Gray,
    Rgb,
    Cmyk,
    Registration,
    Other,
}

impl Space {
    fn initial(self) -> PdfColor {
        match self {
            Space::Gray => PdfColor::Gray(0.0),
            Space::Rgb => PdfColor::Rgb([0.0; 3]),
            Space::Cmyk => PdfColor::Cmyk([0.0, 0.0, 0.0, 1.0]),
            Space::Registration => PdfColor::Registration,
            Space::Other => PdfColor::Other,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct GState {
    fill_space: Space,
    fill: PdfColor,
    stroke_space: Space,
    stroke: PdfColor,
    render_mode: i64,
}

impl Default for GState {
    fn default() -> Self {
        GState {
            fill_space: Space::Gray,
            fill: PdfColor::Gray(0.0),
            stroke_space: Space::Gray,
            stroke: PdfColor::Gray(0.0),
            render_mode: 0,
        }
    }
}

/// Deepest Form XObject nesting followed (guards against reference cycles).
const MAX_DEPTH: usize = 8;

struct Scanner<'a, 'b> {
    doc: &'a Document,
    out: PageScan,
    encodings: HashMap<Vec<u8>, Option<Encoding<'a>>>,
    /// Resource dictionaries whose fonts are recorded, and the fonts (by id).
    fonts_recorded: HashSet<*const Dictionary>,
    font_ids: HashSet<ObjectId>,
    /// Decoded forms by object id: a form drawn again is not decoded again.
    forms: HashMap<ObjectId, Rc<Vec<u8>>>,
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
        fonts_recorded: HashSet::new(),
        font_ids: HashSet::new(),
        forms: HashMap::new(),
        budget,
    };
    if let Some(content) = content {
        scanner.run(&content, &resources, GState::default(), 0);
    }
    scanner.out
}

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

fn clamp(v: f32) -> f32 {
    v.clamp(0.0, 1.0)
}

fn color_from(space: Space, operands: &[Object]) -> PdfColor {
    let n = numbers(operands);
    match (space, n.as_slice()) {
        (Space::Gray, [g, ..]) => PdfColor::Gray(clamp(*g)),
        (Space::Rgb, [r, g, b, ..]) => PdfColor::Rgb([clamp(*r), clamp(*g), clamp(*b)]),
        (Space::Cmyk, [c, m, y, k, ..]) => {
            PdfColor::Cmyk([clamp(*c), clamp(*m), clamp(*y), clamp(*k)])
        }
        (Space::Registration, _) => PdfColor::Registration,
        _ => PdfColor::Other,
    }
}

impl<'a> Scanner<'a, '_> {
    fn sub_dict(&self, resources: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
        resources
            .get(key)
            .ok()
            .map(|o| deref(self.doc, o))
            .and_then(|o| o.as_dict().ok())
    }

    fn color_space(&self, resources: &'a Dictionary, name: &[u8]) -> Space {
        match name {
            b"DeviceGray" | b"G" | b"CalGray" => return Space::Gray,
            b"DeviceRGB" | b"RGB" | b"CalRGB" => return Space::Rgb,
            b"DeviceCMYK" | b"CMYK" => return Space::Cmyk,
            b"Pattern" => return Space::Other,
            _ => {}
        }
        let Some(spaces) = self.sub_dict(resources, b"ColorSpace") else {
            return Space::Other;
        };
        let Ok(obj) = spaces.get(name) else {
            return Space::Other;
        };
        self.space_of(deref(self.doc, obj))
    }

    fn space_of(&self, obj: &Object) -> Space {
        match obj {
            Object::Name(n) => match n.as_slice() {
                b"DeviceGray" | b"CalGray" => Space::Gray,
                b"DeviceRGB" | b"CalRGB" => Space::Rgb,
                b"DeviceCMYK" => Space::Cmyk,
                _ => Space::Other,
            },
            Object::Array(items) => {
                let family = items.first().and_then(|o| o.as_name().ok()).unwrap_or(b"");
                match family {
                    b"ICCBased" => {
                        let n = items
                            .get(1)
                            .map(|o| deref(self.doc, o))
                            .and_then(|o| o.as_stream().ok())
                            .and_then(|s| s.dict.get(b"N").ok())
                            .and_then(|n| n.as_i64().ok());
                        match n {
                            Some(1) => Space::Gray,
                            Some(3) => Space::Rgb,
                            Some(4) => Space::Cmyk,
                            _ => Space::Other,
                        }
                    }
                    b"CalGray" => Space::Gray,
                    b"CalRGB" => Space::Rgb,
                    b"Separation" => {
                        let colorant = items
                            .get(1)
                            .map(|o| deref(self.doc, o))
                            .and_then(|o| o.as_name().ok());
                        match colorant {
                            Some(b"All") | Some(b"None") => Space::Registration,
                            _ => Space::Other,
                        }
                    }
                    _ => Space::Other,
                }
            }
            _ => Space::Other,
        }
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
        // Text position, to start a new line when the baseline moves by more than half
        // the font size (marks raised by a point or two stay on their line).
        let mut last_y: Option<f32> = None;
        let mut line_y = 0.0f32;
        let mut tm_scale = 1.0f32;
        let mut font_size = 0.0f32;
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
                "q" if stack.len() < MAX_SAVED_STATES => stack.push(gs),
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
                    let color = color_from(space, args);
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
                    if op.operator == "cs" {
                        gs.fill_space = space;
                        gs.fill = space.initial();
                    } else {
                        gs.stroke_space = space;
                        gs.stroke = space.initial();
                    }
                }
                "sc" | "scn" => gs.fill = color_from(gs.fill_space, args),
                "SC" | "SCN" => gs.stroke = color_from(gs.stroke_space, args),
                "f" | "F" | "f*" => self.out.paints.push((PaintKind::Fill, gs.fill)),
                "S" | "s" => self.out.paints.push((PaintKind::Stroke, gs.stroke)),
                "B" | "B*" | "b" | "b*" => {
                    self.out.paints.push((PaintKind::Fill, gs.fill));
                    self.out.paints.push((PaintKind::Stroke, gs.stroke));
                }
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
                }
                "Td" | "TD" => {
                    let ty = args.get(1).and_then(|o| o.as_float().ok()).unwrap_or(0.0);
                    line_y += ty * tm_scale;
                    self.text_at(line_y, font_size * tm_scale, &mut last_y);
                }
                "T*" => self.newline(),
                "Tm" => {
                    let n = numbers(args);
                    if let [_, _, _, d, _, f] = n.as_slice() {
                        tm_scale = if d.abs() > 1e-6 { d.abs() } else { 1.0 };
                        line_y = *f;
                        self.text_at(line_y, font_size * tm_scale, &mut last_y);
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
                        self.out.text.push_str(text);
                    }
                    if marked.len() < MAX_SAVED_STATES {
                        marked.push(actual.is_some());
                    }
                }
                "EMC" => {
                    marked.pop();
                }
                "Tj" | "TJ" | "'" | "\"" => {
                    if matches!(gs.render_mode, 0 | 2 | 4 | 6) {
                        self.out.paints.push((PaintKind::Fill, gs.fill));
                    }
                    if matches!(gs.render_mode, 1 | 2 | 5 | 6) {
                        self.out.paints.push((PaintKind::Stroke, gs.stroke));
                    }
                    if op.operator != "Tj" && op.operator != "TJ" {
                        self.newline();
                    }
                    if marked.iter().any(|m| *m) {
                        continue;
                    }
                    let Some(name) = font.clone() else { continue };
                    self.show_text(resources, &name, args);
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
                    self.run(&bytes, inner, gs, depth + 1);
                    if self.budget.exhausted.is_some() {
                        return;
                    }
                }
                _ => {}
            }
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

    fn text_at(&mut self, y: f32, size: f32, last: &mut Option<f32>) {
        if let Some(prev) = *last
            && (y - prev).abs() > (size.abs() * 0.5).max(0.5)
        {
            self.newline();
        }
        *last = Some(y);
    }

    fn newline(&mut self) {
        if !self.out.text.is_empty() && !self.out.text.ends_with('\n') {
            self.out.text.push('\n');
        }
    }

    fn show_text(&mut self, resources: &'a Dictionary, font: &[u8], args: &[Object]) {
        let Some(enc) = self.font_encoding(resources, font) else {
            return;
        };
        let mut text = String::new();
        let strings: Vec<&Object> = match args.last() {
            Some(Object::Array(items)) => items.iter().collect(),
            Some(last) => vec![last],
            None => Vec::new(),
        };
        for item in strings {
            match item {
                Object::String(bytes, _) => {
                    if let Ok(s) = enc.bytes_to_string(bytes) {
                        text.push_str(&s);
                    }
                }
                // A large negative adjustment in a TJ array is a word space.
                other => {
                    if let Ok(n) = other.as_float()
                        && n < -200.0
                        && !text.ends_with(' ')
                    {
                        text.push(' ');
                    }
                }
            }
        }
        self.out.text.push_str(&text.replace('\u{FFFD}', ""));
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
