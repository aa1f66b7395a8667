//! Shaping runs with rustybuzz, in font units (size-independent, so one shaping
//! serves every size that auto-fit tries).

use rustybuzz::{Direction, Language, UnicodeBuffer};

use super::fonts::{FaceId, FontStore};
use super::itemize::{Run, ScriptClass};

/// One shaped glyph in font units of its face.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShapedGlyph {
    /// Face the glyph id belongs to.
    pub face: FaceId,
    /// Glyph id in that face.
    pub glyph_id: u16,
    /// Byte offset in the shaped text where the glyph's cluster starts.
    pub cluster: usize,
    /// Horizontal advance (font units).
    pub x_advance: i32,
    /// Horizontal offset from the pen position (font units).
    pub x_offset: i32,
    /// Vertical offset, positive up (font units).
    pub y_offset: i32,
}

/// Parsed rustybuzz faces, kept for the duration of one shaping call.
pub(crate) struct ShaperFaces<'a> {
    faces: Vec<(FaceId, rustybuzz::Face<'a>)>,
}

impl<'a> ShaperFaces<'a> {
    pub(crate) fn new(store: &'a FontStore) -> Self {
        let _ = store;
        Self { faces: Vec::new() }
    }

    fn get(&mut self, store: &'a FontStore, id: FaceId) -> Option<&rustybuzz::Face<'a>> {
        if let Some(pos) = self.faces.iter().position(|(i, _)| *i == id) {
            return Some(&self.faces[pos].1);
        }
        let entry = store.face(id)?;
        let face = rustybuzz::Face::from_slice(&entry.data, entry.index)?;
        self.faces.push((id, face));
        self.faces.last().map(|(_, f)| f)
    }
}

/// Shapes one run of `text` (the run's range indexes `text`), appending glyphs
/// with clusters as byte offsets into `text`. LTR; Thai runs get script Thai and
/// language `th`, other runs a guessed script and language `en`.
/// A face that cannot be parsed yields no glyphs.
pub(crate) fn shape_run<'a>(
    faces: &mut ShaperFaces<'a>,
    store: &'a FontStore,
    text: &str,
    run: &Run,
    out: &mut Vec<ShapedGlyph>,
) {
    let Some(slice) = text.get(run.range.clone()) else {
        return;
    };
    if slice.is_empty() {
        return;
    }
    let Some(face) = faces.get(store, run.face) else {
        return;
    };
    let mut buffer = UnicodeBuffer::new();
    buffer.push_str(slice);
    buffer.set_direction(Direction::LeftToRight);
    match run.script {
        ScriptClass::Thai => {
            buffer.set_script(rustybuzz::script::THAI);
            if let Ok(lang) = "th".parse::<Language>() {
                buffer.set_language(lang);
            }
        }
        ScriptClass::Other => {
            buffer.guess_segment_properties();
            buffer.set_direction(Direction::LeftToRight);
            if let Ok(lang) = "en".parse::<Language>() {
                buffer.set_language(lang);
            }
        }
    }
    let shaped = rustybuzz::shape(face, &[], buffer);
    for (info, pos) in shaped.glyph_infos().iter().zip(shaped.glyph_positions()) {
        out.push(ShapedGlyph {
            face: run.face,
            glyph_id: u16::try_from(info.glyph_id).unwrap_or(0),
            cluster: run.range.start + info.cluster as usize,
            x_advance: pos.x_advance,
            x_offset: pos.x_offset,
            y_offset: pos.y_offset,
        });
    }
}
