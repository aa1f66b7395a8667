//! `tone/brand-spelling`: brand and product names (`brand.terms`, plus `brand.name`)
//! written any other way than the guide's canonical spelling.
//!
//! A name is found ignoring case, whitespace and hyphens ("I-phone", "Tonkla  coffee",
//! "line man"), on word boundaries. Longer names win where names overlap ("LINE MAN"
//! before "LINE"). A found form that differs from the canonical one is a finding,
//! except where it is most likely an ordinary word, which we cannot tell from the brand
//! by spelling alone ("a line of text", "cold brew" as a method):
//!
//! - an all-lower-case form spelled like the name, hyphens read as spaces ("line",
//!   "cold brew", "cold-brew coffee", "line man") is
//!   taken as ordinary words when the canonical name looks like capitalised ordinary
//!   words (each word Capitalised or ALL CAPS: "LINE", "Cold Brew"). Names with an
//!   inner capital ("iPhone") are never ordinary words, so "iphone" is flagged; nor is
//!   the brand's own name (`brand.name`), so "tonkla coffee" is flagged;
//! - the same form with only its first letter capitalised at the start of an English
//!   sentence ("Line up early.") is ordinary for the same names; at the start of a Thai
//!   sentence ("Line ของร้าน") it is the brand misspelled.
//!
//! Any other variant is flagged: "Line" inside a sentence, "LiNE", "Cold brew",
//! "Tonkla coffee", "LINE-MAN", "IPHONE", "i-phone".

use std::collections::BTreeMap;
use std::ops::Range;

use super::text::{Fold, Text, fold_term};
use super::{BRAND_SPELLING, ToneHit};

/// One canonical spelling, folded for matching.
#[derive(Debug, Clone)]
pub(super) struct BrandTerm {
    canonical: String,
    key: String,
    /// The lower-case form read as ordinary words, if the name may be one.
    ordinary: Option<String>,
}

impl BrandTerm {
    pub fn new(canonical: &str, is_brand_name: bool) -> Option<BrandTerm> {
        let canonical = collapse_spaces(canonical);
        let key = fold_term(&canonical, Fold::Squeeze)?;
        let ordinary = (!is_brand_name && looks_like_ordinary_words(&canonical))
            .then(|| canonical.to_lowercase().replace('-', " "));
        Some(BrandTerm {
            canonical,
            key,
            ordinary,
        })
    }

    pub fn key_len(&self) -> usize {
        self.key.len()
    }

    /// The name folded (`Fold::Squeeze`), as texts are.
    pub fn key(&self) -> &str {
        &self.key
    }

    pub fn canonical(&self) -> &str {
        &self.canonical
    }

    /// Whether `found` (spaces collapsed) at `start` is the canonical spelling or an
    /// ordinary word.
    fn accepts(&self, found: &str, start: usize, text: &Text<'_>) -> bool {
        if found == self.canonical {
            return true;
        }
        let Some(ordinary) = &self.ordinary else {
            return false;
        };
        let lower = found.to_lowercase().replace('-', " ");
        if lower != *ordinary {
            return false;
        }
        let mut chars = found.chars();
        if !found.chars().any(char::is_uppercase) {
            return true;
        }
        let capitalised =
            chars.next().is_some_and(char::is_uppercase) && !chars.any(char::is_uppercase);
        capitalised && text.starts_latin_sentence(start)
    }
}

/// Each word is Capitalised or ALL CAPS (no inner capital after a lower-case letter).
fn looks_like_ordinary_words(name: &str) -> bool {
    name.split([' ', '-']).all(|word| {
        let mut chars = word.chars();
        match chars.next() {
            Some(first) if first.is_lowercase() => !chars.any(char::is_uppercase),
            Some(_) => {
                let rest: Vec<char> = chars.collect();
                rest.iter().all(|c| !c.is_lowercase()) || rest.iter().all(|c| !c.is_uppercase())
            }
            None => true,
        }
    })
}

fn collapse_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Hits for the brand names found: `found` holds (index in `terms`, range) of every
/// whole-word occurrence. `terms` must be sorted longest key first: names claim their
/// text in that order, so "LINE MAN" is not also read as "LINE".
pub(super) fn brand_spelling(
    terms: &[BrandTerm],
    mut found: Vec<(usize, Range<usize>)>,
    text: &Text<'_>,
    hits: &mut Vec<ToneHit>,
) {
    found.sort_by_key(|(i, r)| (*i, r.start));
    // claimed ranges never overlap: start → end
    let mut claimed: BTreeMap<usize, usize> = BTreeMap::new();
    for (i, range) in found {
        let overlaps = claimed
            .range(..range.end)
            .next_back()
            .is_some_and(|(_, &end)| end > range.start);
        if overlaps {
            continue;
        }
        claimed.insert(range.start, range.end);
        let term = &terms[i];
        let raw = &text.src[range.clone()];
        let found = collapse_spaces(raw);
        if term.accepts(&found, range.start, text) {
            continue;
        }
        hits.push(ToneHit {
            rule: &BRAND_SPELLING,
            message: format!(
                "“{found}” is spelled “{}” in the brand guide",
                term.canonical
            ),
            expected: Some(term.canonical.clone()),
            found: Some(raw.to_string()),
            fix: Some(format!("replace “{found}” with “{}”", term.canonical)),
            range,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::BRAND_SPELLING;
    use super::super::tests::{example, example_with, hits_of};
    use super::*;

    fn found(text: &str) -> Vec<(&str, String)> {
        hits_of(&example(), None, text, &BRAND_SPELLING)
            .into_iter()
            .map(|h| (&text[h.range], h.expected.unwrap_or_default()))
            .collect()
    }

    #[test]
    fn canonical_spellings_and_ordinary_words_pass() {
        for text in [
            "Order Tonkla Coffee on LINE or LINE MAN, even from your iPhone.",
            "สั่ง Cold Brew ผ่าน LINE MAN ได้ทุกวัน",
            "เพิ่มเพื่อน Tonkla Coffee ในLINE",
            "A line of text, a brew guide for cold brew, a line man, cold-brew coffee.",
            "Line up early. Cold brew keeps.\n- Line two",
        ] {
            assert!(found(text).is_empty(), "{text}: {:?}", found(text));
        }
    }

    #[test]
    fn capitalised_ordinary_form_mid_sentence_is_the_brand_misspelled() {
        assert_eq!(
            found("Wake up: Cold brew and Line up."),
            vec![
                ("Cold brew", "Cold Brew".to_string()),
                ("Line", "LINE".to_string())
            ]
        );
        assert_eq!(found("Line ของร้านเรา"), vec![("Line", "LINE".to_string())]);
    }

    #[test]
    fn variants_are_flagged_with_the_canonical_spelling() {
        assert_eq!(
            found("Get Tonkla coffee on your I-phone via Line."),
            vec![
                ("Tonkla coffee", "Tonkla Coffee".to_string()),
                ("I-phone", "iPhone".to_string()),
                ("Line", "LINE".to_string()),
            ]
        );
        assert_eq!(
            found("สั่งผ่าน Line Man หรือ LINE-MAN ได้เลย tonkla coffee"),
            vec![
                ("Line Man", "LINE MAN".to_string()),
                ("LINE-MAN", "LINE MAN".to_string()),
                ("tonkla coffee", "Tonkla Coffee".to_string()),
            ]
        );
        assert_eq!(
            found("ใช้ iphone หรือ IPHONE's app"),
            vec![
                ("iphone", "iPhone".to_string()),
                ("IPHONE", "iPhone".to_string())
            ]
        );
    }

    #[test]
    fn names_are_not_found_inside_longer_words() {
        assert!(found("Our lineup, an online manager, and airline mandates.").is_empty());
        assert!(found("Lines and Linear algebra").is_empty());
    }

    #[test]
    fn hit_carries_fix_and_severity() {
        let text = "สั่งผ่านแอป Line วันนี้";
        let hits = hits_of(
            &example(),
            Some(crate::channel::Channel::Social),
            text,
            &BRAND_SPELLING,
        );
        assert_eq!(hits.len(), 1);
        let hit = &hits[0];
        assert_eq!(&text[hit.range.clone()], "Line");
        assert_eq!(hit.rule.severity, crate::lint::Severity::Error);
        assert_eq!(hit.found.as_deref(), Some("Line"));
        assert_eq!(hit.fix.as_deref(), Some("replace “Line” with “LINE”"));
    }

    #[test]
    fn thai_brand_terms_match_thai_words() {
        let guide = example_with("terms = [", "terms = [\"ต้นกล้า\", ");
        let text = "ร้านต้น กล้า และต้นกล้าสาขาใหม่";
        let hits = hits_of(&guide, None, text, &BRAND_SPELLING);
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(&text[hits[0].range.clone()], "ต้น กล้า");
    }

    #[test]
    fn ordinary_word_shapes() {
        assert!(looks_like_ordinary_words("LINE"));
        assert!(looks_like_ordinary_words("Cold Brew"));
        assert!(looks_like_ordinary_words("LINE MAN"));
        assert!(!looks_like_ordinary_words("iPhone"));
        assert!(!looks_like_ordinary_words("YouTube"));
    }
}
