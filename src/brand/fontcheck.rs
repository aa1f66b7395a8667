//! Whole-file checks of a font before anything uses it.
//!
//! ttf-parser and rustybuzz parse lazily and forgive a lot: a font truncated to 95 % still
//! "parses" (its face opens, its metrics read), and the tables past the cut are silently
//! treated as absent — glyphs vanish, shaping loses its Thai rules — with no error
//! anywhere. Brand fonts arrive in pull requests, so [`check_font_data`] reads every face of
//! a file fully up front and says what is wrong: the table directory and every table inside
//! the file, the tables a text font needs present and readable, and a sample of glyph
//! outlines and advances readable. The guide calls it when it loads; the text engine calls
//! it before it takes a face into its store.

use ttf_parser::{Face, GlyphId, OutlineBuilder, RawFace, Tag};

/// Glyphs outlined per face at most (spread over the whole glyph range).
const SAMPLE_GLYPHS: u32 = 1024;
/// Characters (letters and digits the cmap maps) whose glyphs must have an outline.
const SAMPLE_INKED: usize = 256;

/// `Ok` when every face of the font file `data` parses fully; otherwise what is wrong
/// (one sentence, without the file name).
pub fn check_font_data(data: &[u8]) -> Result<(), String> {
    let faces = ttf_parser::fonts_in_collection(data).unwrap_or(1);
    if faces == 0 {
        return Err("is a font collection without fonts".into());
    }
    for index in 0..faces {
        check_face(data, index).map_err(|e| {
            if faces > 1 {
                format!("face {index} of the collection {e}")
            } else {
                e
            }
        })?;
    }
    Ok(())
}

fn check_face(data: &[u8], index: u32) -> Result<(), String> {
    let raw = RawFace::parse(data, index)
        .map_err(|e| format!("is not a font file ({e}): its table directory is unreadable"))?;
    check_table_bounds(&raw, data.len())?;
    let face = Face::parse(data, index).map_err(|e| format!("is not a usable font: {e}"))?;
    check_required_tables(&raw, &face)?;
    check_glyphs(&face)?;
    rustybuzz::Face::from_slice(data, index)
        .ok_or("cannot be used for shaping (rustybuzz refuses it)")?;
    Ok(())
}

/// Every table record lies inside the file (the last table's length may include the
/// padding to a 4-byte boundary, as many tools write it).
fn check_table_bounds(raw: &RawFace<'_>, file_len: usize) -> Result<(), String> {
    if raw.table_records.is_empty() {
        return Err("has an empty table directory".into());
    }
    let padded = (file_len as u64).div_ceil(4) * 4;
    for record in raw.table_records {
        let end = u64::from(record.offset) + u64::from(record.length);
        if end > padded {
            return Err(format!(
                "is truncated or corrupt: its {} table ends at byte {end}, past the end of the {file_len}-byte file",
                tag_name(record.tag)
            ));
        }
    }
    Ok(())
}

/// head, hhea, maxp (ttf-parser insists), cmap, hmtx and outlines (glyf + loca, CFF or
/// CFF2) present and readable.
fn check_required_tables(raw: &RawFace<'_>, face: &Face<'_>) -> Result<(), String> {
    let tables = face.tables();
    let has = |tag: &[u8; 4]| raw.table(Tag::from_bytes(tag)).is_some();
    for (tag, readable) in [
        (b"cmap", tables.cmap.is_some()),
        (b"hmtx", tables.hmtx.is_some()),
    ] {
        if !readable {
            let why = if has(tag) { "unreadable" } else { "missing" };
            return Err(format!(
                "has no usable {} table ({why})",
                tag_name(Tag::from_bytes(tag))
            ));
        }
    }
    if tables.glyf.is_none() && tables.cff.is_none() && tables.cff2.is_none() {
        let why = if has(b"glyf") || has(b"loca") {
            "its glyf/loca tables are unreadable"
        } else if has(b"CFF ") {
            "its CFF table is unreadable"
        } else {
            "it has neither glyf/loca nor CFF tables"
        };
        return Err(format!("has no glyph outlines: {why}"));
    }
    let unicode = tables
        .cmap
        .is_some_and(|c| c.subtables.into_iter().any(|s| s.is_unicode()));
    if !unicode {
        return Err("has no Unicode cmap subtable, so no character can be found in it".into());
    }
    Ok(())
}

/// Counts outline segments; only whether outlining works matters.
struct Count(usize);

impl OutlineBuilder for Count {
    fn move_to(&mut self, _: f32, _: f32) {
        self.0 += 1;
    }
    fn line_to(&mut self, _: f32, _: f32) {
        self.0 += 1;
    }
    fn quad_to(&mut self, _: f32, _: f32, _: f32, _: f32) {
        self.0 += 1;
    }
    fn curve_to(&mut self, _: f32, _: f32, _: f32, _: f32, _: f32, _: f32) {
        self.0 += 1;
    }
    fn close(&mut self) {}
}

/// Advances of every glyph, outlines of a sample spread over all glyphs (without
/// panicking: ttf-parser returns `None`), and the glyphs of a sample of mapped letters
/// and digits must have ink.
fn check_glyphs(face: &Face<'_>) -> Result<(), String> {
    let n = u32::from(face.number_of_glyphs());
    if n == 0 {
        return Err("has no glyphs".into());
    }
    for gid in 0..n {
        let gid = GlyphId(gid as u16);
        if face.glyph_hor_advance(gid).is_none() {
            return Err(format!(
                "has no advance width for glyph {} (its hmtx table is short)",
                gid.0
            ));
        }
    }
    let stride = n.div_ceil(SAMPLE_GLYPHS).max(1);
    for gid in (0..n).step_by(stride as usize) {
        let _ = face.outline_glyph(GlyphId(gid as u16), &mut Count(0));
    }
    let mut inked = Vec::new();
    if let Some(cmap) = face.tables().cmap {
        for sub in cmap.subtables.into_iter().filter(|s| s.is_unicode()) {
            sub.codepoints(|cp| {
                if let Some(c) = char::from_u32(cp)
                    && c.is_alphanumeric()
                {
                    inked.push(c);
                }
            });
        }
    }
    inked.sort_unstable();
    inked.dedup();
    let step = inked.len().div_ceil(SAMPLE_INKED).max(1);
    for c in inked.into_iter().step_by(step) {
        let Some(gid) = face.glyph_index(c) else {
            continue;
        };
        let mut count = Count(0);
        if face.outline_glyph(gid, &mut count).is_none() || count.0 == 0 {
            return Err(format!(
                "has no readable outline for {c:?} (U+{:04X}, glyph {}): its outline data is truncated or corrupt",
                u32::from(c),
                gid.0
            ));
        }
    }
    Ok(())
}

fn tag_name(tag: Tag) -> String {
    String::from_utf8_lossy(&tag.to_bytes())
        .trim_end()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn font(name: &str) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("brand/fonts")
            .join(name);
        std::fs::read(path).unwrap()
    }

    #[test]
    fn the_brand_fonts_pass() {
        for name in [
            "NotoSans-Regular.ttf",
            "NotoSans-Bold.ttf",
            "NotoSansThai-Regular.ttf",
            "NotoSansThai-Bold.ttf",
        ] {
            assert_eq!(check_font_data(&font(name)), Ok(()), "{name}");
        }
    }

    #[test]
    fn truncated_fonts_are_refused() {
        let full = font("NotoSansThai-Regular.ttf");
        for keep in [0.95, 0.5] {
            let cut = &full[..(full.len() as f64 * keep) as usize];
            // ttf-parser alone opens the truncated face without a word…
            assert!(Face::parse(cut, 0).is_ok(), "{keep}");
            // …the whole-file check does not.
            let e = check_font_data(cut).unwrap_err();
            assert!(e.contains("truncated"), "{keep}: {e}");
        }
        let e = check_font_data(&full[..10]).unwrap_err();
        assert!(e.contains("table directory"), "{e}");
        assert!(check_font_data(b"").is_err());
        assert!(check_font_data(b"Copyright (c) the Noto Project Authors").is_err());
    }

    #[test]
    fn a_bit_flipped_table_directory_is_refused() {
        let full = font("NotoSansThai-Regular.ttf");
        let raw = RawFace::parse(&full, 0).unwrap();
        let tables = raw.table_records.len() as usize;
        // Each 16-byte record after the 12-byte header: tag, checksum, offset, length.
        // Flip the top bit of each table's offset in turn: every one must be caught.
        for i in 0..tables {
            let mut bad = full.clone();
            bad[12 + 16 * i + 8] ^= 0x80;
            assert!(check_font_data(&bad).is_err(), "table record {i}");
        }
        // A flipped tag: the table the engine needs is gone.
        let mut bad = full.clone();
        let cmap = (0..tables)
            .find(|i| &full[12 + 16 * i..12 + 16 * i + 4] == b"cmap")
            .unwrap();
        bad[12 + 16 * cmap] ^= 0x20;
        let e = check_font_data(&bad).unwrap_err();
        assert!(e.contains("cmap"), "{e}");
    }
}
