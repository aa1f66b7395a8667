//! `font/missing-glyph`: visible text with characters that none of the brand fonts in
//! its font stack has (Thai text set in a Latin-only face shows tofu). Coverage is each
//! brand font's cmap, read from the faces the asset store parsed (the same faces the cards
//! and the flyer are set in), loaded once per run.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};

use crate::assets;
use crate::brand::Guide;
use crate::lint::{Finding, Location};
use crate::text::{FaceId, FontStore};

/// Coverage of every brand family (lower-case name → its files' faces).
#[derive(Default)]
pub struct BrandFonts {
    store: Arc<FontStore>,
    families: BTreeMap<String, Vec<FaceId>>,
    /// The same fonts for text inside SVG pictures lint rasterizes.
    svg: Option<assets::SvgFonts>,
    /// Each brand face's answers for the characters pages use most, remembered.
    coverage: Vec<(FaceId, Coverage)>,
}

/// Characters below this have their coverage remembered per face (Latin, Thai,
/// punctuation: every character of a Thai and English page).
const REMEMBERED: u32 = 0x3000;

/// Whether a face maps each character below [`REMEMBERED`], filled in as lint meets the
/// characters: a page's text is checked character by character against every face of its
/// stack, and a cmap lookup (`ttf_parser`'s subtable search) costs far more than reading
/// one remembered answer. Threads share it: an answer is a pure function of the face, so
/// two threads storing it at once store the same value.
struct Coverage {
    /// Per character: 0 not looked up yet, 1 has a glyph, 2 has none.
    known: Box<[AtomicU8]>,
}

impl Coverage {
    fn new() -> Coverage {
        Coverage {
            known: (0..REMEMBERED).map(|_| AtomicU8::new(0)).collect(),
        }
    }

    /// Whether the face has `c`, looked up through `lookup` the first time.
    fn has(&self, c: char, lookup: impl FnOnce() -> bool) -> bool {
        let Some(slot) = self.known.get(c as usize) else {
            return lookup();
        };
        match slot.load(Ordering::Relaxed) {
            1 => true,
            2 => false,
            _ => {
                let has = lookup();
                slot.store(if has { 1 } else { 2 }, Ordering::Relaxed);
                has
            }
        }
    }
}

impl std::fmt::Debug for BrandFonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.families.iter()).finish()
    }
}

impl BrandFonts {
    /// The brand fonts of `guide` through the asset store. A guide that loaded has fonts
    /// that parse (guide validation checks every file); should one not, lint goes on with
    /// no coverage for it rather than failing every file.
    pub fn load(guide: &Guide) -> BrandFonts {
        match assets::BrandFonts::load(guide) {
            Ok(fonts) => BrandFonts::from_assets(guide, &fonts),
            Err(_) => BrandFonts::default(),
        }
    }

    /// The families of `guide` over the faces already in `fonts`.
    pub fn from_assets(guide: &Guide, fonts: &assets::BrandFonts) -> BrandFonts {
        let mut families: BTreeMap<String, Vec<FaceId>> = BTreeMap::new();
        for role in guide.fonts.values() {
            for family in [&role.latin, &role.thai] {
                for file in &family.files {
                    let Some(file) = fonts.file(&guide.font_path(file.get_ref())) else {
                        continue;
                    };
                    let list = families
                        .entry(family.family.get_ref().to_lowercase())
                        .or_default();
                    if !list.contains(&file.face) {
                        list.push(file.face);
                    }
                }
            }
        }
        let mut coverage: Vec<(FaceId, Coverage)> = Vec::new();
        for face in families.values().flatten() {
            if !coverage.iter().any(|(f, _)| f == face) {
                coverage.push((*face, Coverage::new()));
            }
        }
        BrandFonts {
            store: Arc::clone(fonts.store()),
            families,
            svg: Some(fonts.svg()),
            coverage,
        }
    }

    /// The brand fonts for SVG text (an empty database when they could not be loaded).
    pub fn svg_fonts(&self) -> assets::SvgFonts {
        self.svg.clone().unwrap_or_else(|| assets::SvgFonts {
            fontdb: Arc::default(),
            family: String::new(),
        })
    }

    /// True when the face maps `c` to a real glyph (not `.notdef`).
    fn has(&self, face: FaceId, c: char) -> bool {
        match self.coverage.iter().find(|(f, _)| *f == face) {
            Some((_, coverage)) => coverage.has(c, || self.lookup(face, c)),
            None => self.lookup(face, c),
        }
    }

    /// [`BrandFonts::has`] read from the face's cmap.
    fn lookup(&self, face: FaceId, c: char) -> bool {
        self.store
            .face(face)
            .and_then(|f| f.ttf().glyph_index(c))
            .is_some_and(|g| g.0 != 0)
    }

    pub fn is_brand(&self, family: &str) -> bool {
        self.families.contains_key(&family.to_lowercase())
    }

    /// The characters of `text` that no brand family of `stack` has, with the byte
    /// offset of the first one. `None` if the stack does not start with a brand family
    /// (that is `font/off-brand`'s finding) or all characters are covered.
    pub fn missing(&self, stack: &[String], text: &str) -> Option<(usize, Vec<char>)> {
        if !stack.first().is_some_and(|f| self.is_brand(f)) {
            return None;
        }
        let faces: Vec<FaceId> = stack
            .iter()
            .filter_map(|f| self.families.get(&f.to_lowercase()))
            .flatten()
            .copied()
            .collect();
        let mut first = None;
        let mut missing: Vec<char> = Vec::new();
        for (i, c) in text.char_indices() {
            if ignorable(c) || faces.iter().any(|face| self.has(*face, c)) {
                continue;
            }
            first.get_or_insert(i);
            if !missing.contains(&c) {
                missing.push(c);
            }
        }
        first.map(|i| (i, missing))
    }
}

/// Characters no font draws: spaces, controls, joiners, variation selectors.
fn ignorable(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c as u32, 0x00AD | 0x200B..=0x200F | 0x2060 | 0xFEFF | 0xFE00..=0xFE0F)
}

/// The finding for missing characters.
pub fn finding(stack: &[String], missing: &[char], location: Location) -> Finding {
    let list: Vec<String> = missing
        .iter()
        .map(|c| format!("{c} U+{:04X}", *c as u32))
        .collect();
    Finding::new(&crate::lint::rules::FONT_MISSING_GLYPH, location,
        format!(
            "the brand fonts in this text's stack ({}) have no glyph for {}",
            stack.join(", "),
            list.join(", ")
        ),
    )
    .expected("characters the brand fonts cover")
    .found(missing.iter().collect::<String>())
    .fix("put the script's brand family in the stack (e.g. var(--font-body)), or avoid the characters")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a face's remembered coverage says is what its cmap says, first time and after.
    #[test]
    fn remembered_coverage_is_the_cmap_answer() {
        let g = Guide::load(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
        let fonts = BrandFonts::load(&g);
        assert!(!fonts.coverage.is_empty());
        let (mut has, mut lacks) = (0, 0);
        for (face, _) in &fonts.coverage {
            for c in "Cold Brew โคลด์บรูว์ ถูกใจ ☕ — “ok” €\u{2FFF}\u{3000}\u{1F600}".chars()
            {
                let cmap = fonts.lookup(*face, c);
                assert_eq!(fonts.has(*face, c), cmap, "{c:?}");
                assert_eq!(fonts.has(*face, c), cmap, "{c:?} remembered");
                if cmap { has += 1 } else { lacks += 1 }
            }
        }
        assert!(has > 0 && lacks > 0);
    }

    #[test]
    fn thai_in_a_latin_only_stack_is_missing() {
        let g = Guide::load(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
        let fonts = BrandFonts::load(&g);
        let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let text = "Cold Brew ถูกใจ";
        assert!(
            fonts
                .missing(&s(&["Noto Sans", "Noto Sans Thai"]), text)
                .is_none()
        );
        let (at, chars) = fonts
            .missing(&s(&["Noto Sans", "sans-serif"]), text)
            .unwrap();
        assert_eq!(at, text.find('ถ').unwrap());
        assert!(chars.contains(&'ถ') && !chars.contains(&'C'));
        // an emoji no brand font has
        let (_, chars) = fonts
            .missing(&s(&["Noto Sans Thai", "Noto Sans"]), "กาแฟ ☕")
            .unwrap();
        assert_eq!(chars, ['☕']);
        // off-brand first family: not this rule's finding
        assert!(fonts.missing(&s(&["Kanit"]), text).is_none());
    }
}
