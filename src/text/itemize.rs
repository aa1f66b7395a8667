//! Splits a paragraph into runs of one script class and one face.
//!
//! Works on grapheme clusters, so a Thai cluster (consonant + vowels + tone mark,
//! SARA AM) always stays in one run and one face: splitting it would make the
//! shaper insert dotted circles.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use super::fonts::{FaceId, FontChoice, FontStore};

/// Script class of a run: only Thai needs its own face and shaping rules here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScriptClass {
    /// Thai block U+0E00–U+0E7F.
    Thai,
    /// Everything else (Latin and other scripts, digits, punctuation, symbols).
    Other,
}

/// A maximal piece of text of one script class shaped with one face.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// Byte range in the itemized text.
    pub range: Range<usize>,
    /// Script class of the run.
    pub script: ScriptClass,
    /// Face chosen for it.
    pub face: FaceId,
}

/// True for the Thai Unicode block.
pub fn is_thai(c: char) -> bool {
    ('\u{0E00}'..='\u{0E7F}').contains(&c)
}

/// Characters a shaper hides; they need no glyph in the face.
pub fn is_default_ignorable(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}'..='\u{1160}' | '\u{17B4}'..='\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E0FFF}')
        || c.is_control()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Thai,
    Other,
    Neutral,
}

fn classify(grapheme: &str) -> Class {
    match grapheme.chars().next() {
        Some(c) if is_thai(c) => Class::Thai,
        Some(c) if c.is_alphabetic() => Class::Other,
        _ => Class::Neutral,
    }
}

/// Splits `text` (one paragraph, no line separators) into runs.
///
/// Neutral clusters (spaces, digits, punctuation, symbols, stray marks) join the
/// script of the preceding strong cluster, or the following one at the start.
/// Each cluster gets the first face among the script's face, `choice.fallbacks`,
/// then the other script's face, whose cmap covers all its characters; if none
/// covers it, the script's face (shaping then drops the `.notdef` glyphs of what it
/// lacks and reports those characters; never a panic).
/// Faces not in `store` are skipped.
pub fn itemize(text: &str, store: &FontStore, choice: &FontChoice) -> Vec<Run> {
    let graphemes: Vec<(usize, &str)> = text.grapheme_indices(true).collect();
    if graphemes.is_empty() {
        return Vec::new();
    }
    // Resolve neutral clusters to the surrounding strong class.
    let classes: Vec<Class> = graphemes.iter().map(|(_, g)| classify(g)).collect();
    let first_strong = classes
        .iter()
        .copied()
        .find(|c| *c != Class::Neutral)
        .unwrap_or(Class::Other);
    let mut current = first_strong;
    let resolved: Vec<ScriptClass> = classes
        .iter()
        .map(|c| {
            if *c != Class::Neutral {
                current = *c;
            }
            if current == Class::Thai {
                ScriptClass::Thai
            } else {
                ScriptClass::Other
            }
        })
        .collect();

    // Parse each face once for cmap look-ups.
    let mut ids: Vec<FaceId> = Vec::new();
    for id in [choice.latin, choice.thai]
        .into_iter()
        .chain(choice.fallbacks.iter().copied())
    {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let parsed: Vec<(FaceId, &ttf_parser::Face<'_>)> = ids
        .iter()
        .filter_map(|id| store.face(*id).map(|f| (*id, f.ttf())))
        .collect();
    let covers = |id: FaceId, g: &str| -> bool {
        parsed.iter().find(|(i, _)| *i == id).is_some_and(|(_, f)| {
            g.chars()
                .all(|c| is_default_ignorable(c) || f.glyph_index(c).is_some())
        })
    };

    let mut runs: Vec<Run> = Vec::new();
    for (i, (start, g)) in graphemes.iter().enumerate() {
        let script = resolved[i];
        let (primary, other) = match script {
            ScriptClass::Thai => (choice.thai, choice.latin),
            ScriptClass::Other => (choice.latin, choice.thai),
        };
        let face = std::iter::once(primary)
            .chain(choice.fallbacks.iter().copied())
            .chain(std::iter::once(other))
            .find(|id| covers(*id, g))
            .unwrap_or(primary);
        // A neutral cluster (digits, symbols) that only another script's face
        // covers is shaped as that script, e.g. "20%" after Thai in the Latin face.
        let script = if classes[i] == Class::Neutral && face != primary && face == other {
            match script {
                ScriptClass::Thai => ScriptClass::Other,
                ScriptClass::Other => ScriptClass::Thai,
            }
        } else {
            script
        };
        let end = start + g.len();
        match runs.last_mut() {
            Some(last) if last.script == script && last.face == face => last.range.end = end,
            _ => runs.push(Run {
                range: *start..end,
                script,
                face,
            }),
        }
    }
    runs
}
