//! Shaping runs with rustybuzz, in font units (size-independent, so one shaping
//! serves every size that auto-fit tries).

use rustybuzz::{Direction, Language, UnicodeBuffer, script};

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

/// Shapes one run of `text` (the run's range indexes `text`), appending glyphs
/// with clusters as byte offsets into `text`. LTR; Thai runs get script Thai and
/// language `th`, other runs a guessed script (Latin when only digits or
/// punctuation) and language `en`. Thai and Latin use the face's prepared plans.
/// A face that cannot be parsed yields no glyphs.
pub(crate) fn shape_run(store: &FontStore, text: &str, run: &Run, out: &mut Vec<ShapedGlyph>) {
    let Some(slice) = text.get(run.range.clone()) else {
        return;
    };
    if slice.is_empty() {
        return;
    }
    let Some(entry) = store.face(run.face) else {
        return;
    };
    let face = entry.shaper();
    let mut buffer = UnicodeBuffer::new();
    buffer.push_str(slice);
    buffer.set_direction(Direction::LeftToRight);
    let script = match run.script {
        ScriptClass::Thai => script::THAI,
        ScriptClass::Other => {
            buffer.guess_segment_properties();
            buffer.set_direction(Direction::LeftToRight);
            match buffer.script() {
                // Digits, punctuation and symbols alone: shape as Latin.
                s if s == script::COMMON || s == script::INHERITED || s == script::UNKNOWN => {
                    script::LATIN
                }
                s => s,
            }
        }
    };
    buffer.set_script(script);
    let lang = if script == script::THAI { "th" } else { "en" };
    if let Ok(lang) = lang.parse::<Language>() {
        buffer.set_language(lang);
    }
    let shaped = match entry.plan(script) {
        Some(plan) => rustybuzz::shape_with_plan(face, plan, buffer),
        None => rustybuzz::shape(face, &[], buffer),
    };
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
