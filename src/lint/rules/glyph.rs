//! `font/missing-glyph`: visible text with characters that none of the brand fonts in
//! its font stack has (Thai text set in a Latin-only face shows tofu). Coverage comes
//! from each brand font file's cmap (ttf-parser), loaded once per run.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use crate::brand::Guide;
use crate::lint::{Finding, Location};

/// The characters one font file maps.
#[derive(Debug, Default)]
pub struct Coverage {
    chars: HashSet<u32>,
}

impl Coverage {
    pub fn from_font(data: &[u8]) -> Option<Coverage> {
        let face = ttf_parser::Face::parse(data, 0).ok()?;
        let mut chars = HashSet::new();
        if let Some(cmap) = face.tables().cmap {
            for sub in cmap.subtables {
                if sub.is_unicode() {
                    sub.codepoints(|c| {
                        if sub.glyph_index(c).is_some_and(|g| g.0 != 0) {
                            chars.insert(c);
                        }
                    });
                }
            }
        }
        Some(Coverage { chars })
    }

    pub fn has(&self, c: char) -> bool {
        self.chars.contains(&(c as u32))
    }
}

/// Coverage of every brand family (lower-case name → its files' coverage).
#[derive(Debug, Default)]
pub struct BrandFonts {
    families: BTreeMap<String, Vec<Arc<Coverage>>>,
}

impl BrandFonts {
    /// Loads the cmaps of every brand font file once; unreadable files are skipped
    /// (guide validation reports them).
    pub fn load(guide: &Guide) -> BrandFonts {
        let mut files: BTreeMap<String, Arc<Coverage>> = BTreeMap::new();
        let mut families: BTreeMap<String, Vec<Arc<Coverage>>> = BTreeMap::new();
        for role in guide.fonts.values() {
            for family in [&role.latin, &role.thai] {
                for file in &family.files {
                    let cov = match files.get(file.get_ref()) {
                        Some(c) => c.clone(),
                        None => {
                            let Some(c) = std::fs::read(guide.font_path(file.get_ref()))
                                .ok()
                                .and_then(|d| Coverage::from_font(&d))
                            else {
                                continue;
                            };
                            let c = Arc::new(c);
                            files.insert(file.get_ref().clone(), c.clone());
                            c
                        }
                    };
                    let list = families
                        .entry(family.family.get_ref().to_lowercase())
                        .or_default();
                    if !list.iter().any(|c| Arc::ptr_eq(c, &cov)) {
                        list.push(cov);
                    }
                }
            }
        }
        BrandFonts { families }
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
        let covs: Vec<&Arc<Coverage>> = stack
            .iter()
            .filter_map(|f| self.families.get(&f.to_lowercase()))
            .flatten()
            .collect();
        let mut first = None;
        let mut missing: Vec<char> = Vec::new();
        for (i, c) in text.char_indices() {
            if ignorable(c) || covs.iter().any(|cov| cov.has(c)) {
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
