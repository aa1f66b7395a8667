//! `tone/banned-term` and `tone/preferred-term`: words the guide forbids, and words it
//! wants replaced ("use X, not Y"). Matching ignores Latin case and collapses whitespace;
//! a match must start and end on word boundaries (see [`Text::is_edge`]). The matches
//! come from the guide's automaton (`super::matcher`); here they become hits.

use std::collections::HashMap;
use std::ops::Range;

use super::text::{Fold, Text, fold_term};
use super::{BANNED_TERM, PREFERRED_TERM, ToneHit};

/// A guide term folded for matching.
#[derive(Debug, Clone)]
pub(super) struct Term {
    /// As the guide writes it.
    pub term: String,
    /// Folded (`Fold::Collapse`), as texts are.
    pub key: String,
}

impl Term {
    pub fn new(term: &str) -> Option<Term> {
        Some(Term {
            term: term.trim().to_string(),
            key: fold_term(term, Fold::Collapse)?,
        })
    }
}

/// "use X instead of Y", one entry per Y.
#[derive(Debug, Clone)]
pub(super) struct Preferred {
    pub instead_of: Term,
    use_: String,
    /// X, when X contains Y ("LINE Official Account" instead of "LINE"): a Y inside an
    /// X already in the text is what the guide wants.
    pub containing: Option<Term>,
}

impl Preferred {
    pub fn new(use_: &str, instead_of: &str) -> Option<Preferred> {
        let instead_of = Term::new(instead_of)?;
        let containing = Term::new(use_).filter(|u| u.key.contains(instead_of.key.as_str()));
        Some(Preferred {
            instead_of,
            use_: use_.trim().to_string(),
            containing,
        })
    }
}

/// Hits for the banned terms found: `found` holds (term index, range) in text order.
pub(super) fn banned(
    terms: &[Term],
    mut found: Vec<(usize, Range<usize>)>,
    text: &Text<'_>,
    hits: &mut Vec<ToneHit>,
) {
    // term by term, each in text order (the order hits had when each term searched the
    // text on its own; the caller's final sort is stable)
    found.sort_by_key(|(i, r)| (*i, r.start));
    for (i, range) in found {
        let term = &terms[i];
        let found = &text.src[range.clone()];
        hits.push(ToneHit {
            rule: &BANNED_TERM,
            message: format!("“{found}” is a banned term (tone.banned: “{}”)", term.term),
            expected: None,
            found: Some(found.to_string()),
            fix: Some(format!("remove or rephrase “{found}”")),
            range,
        });
    }
}

/// Hits for the replaced words found (`instead_of`: entry index, range), except those
/// inside an occurrence of the entry's wanted word (`containing`, in text order).
pub(super) fn preferred(
    terms: &[Preferred],
    mut instead_of: Vec<(usize, Range<usize>)>,
    containing: &HashMap<usize, Vec<Range<usize>>>,
    text: &Text<'_>,
    hits: &mut Vec<ToneHit>,
) {
    instead_of.sort_by_key(|(i, r)| (*i, r.start));
    for (i, range) in instead_of {
        let p = &terms[i];
        // occurrences of one term do not overlap: only the last one starting at or
        // before `range` can contain it
        if let Some(wanted) = containing.get(&i) {
            let k = wanted.partition_point(|w| w.start <= range.start);
            if k > 0 && range.end <= wanted[k - 1].end {
                continue;
            }
        }
        let found = &text.src[range.clone()];
        let replacement = match_capital(found, &p.use_);
        hits.push(ToneHit {
            rule: &PREFERRED_TERM,
            message: format!(
                "the guide says: use “{}”, not “{}”",
                p.use_, p.instead_of.term
            ),
            expected: Some(replacement.clone()),
            found: Some(found.to_string()),
            fix: Some(format!("replace “{found}” with “{replacement}”")),
            range,
        });
    }
}

/// `replacement` with a capital first letter when `found` starts with one and
/// `replacement` starts lower case ("Register" → "Sign up").
fn match_capital(found: &str, replacement: &str) -> String {
    let capital = found.chars().next().is_some_and(char::is_uppercase);
    let mut chars = replacement.chars();
    match chars.next() {
        Some(first) if capital && first.is_lowercase() => {
            first.to_uppercase().chain(chars).collect()
        }
        _ => replacement.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{example, example_with, hits_of};
    use super::super::{BANNED_TERM, PREFERRED_TERM};

    #[test]
    fn banned_thai_term_is_found_with_exact_range() {
        let guide = example();
        for text in [
            "กาแฟเมล็ดนี้ราคาถูกที่สุดในย่านนี้",
            "อร่อยถูกที่สุด!",
            "ถูกที่สุดในกรุงเทพฯ สั่งเลย",
            "ลองเลย ถูก\u{200B}ที่สุด",
        ] {
            let hits = hits_of(&guide, None, text, &BANNED_TERM);
            assert_eq!(hits.len(), 1, "{text}: {hits:?}");
            let found = &text[hits[0].range.clone()];
            assert_eq!(found.replace('\u{200B}', ""), "ถูกที่สุด", "{text}");
            assert_eq!(hits[0].rule.severity, crate::lint::Severity::Error);
        }
        assert_eq!(
            &"ราคาถูกที่สุด"[hits_of(&guide, None, "ราคาถูกที่สุด", &BANNED_TERM)[0]
                .range
                .clone()],
            "ถูกที่สุด"
        );
    }

    #[test]
    fn banned_thai_term_respects_thai_word_boundaries() {
        // A guide that also bans the single word "ถูก" (cheap) must not flag "ถูกใจ" (to like).
        let guide = example_with("banned = [", "banned = [\"ถูก\", ");
        assert!(hits_of(&guide, None, "เมนูนี้ถูกใจลูกค้าทุกคน", &BANNED_TERM).is_empty());
        let text = "ของดีราคาถูกมาก";
        let hits = hits_of(&guide, None, text, &BANNED_TERM);
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(&text[hits[0].range.clone()], "ถูก");
        // A multi-word term (ดี|ที่สุด|ใน|โลก) must start and end on segment boundaries.
        let text = "เมล็ดกาแฟดีที่สุดในโลก";
        let hits = hits_of(&guide, None, text, &BANNED_TERM);
        assert_eq!(hits.len(), 1);
        assert_eq!(&text[hits[0].range.clone()], "ดีที่สุดในโลก");
        // ...so it is not found when its last word runs on into a longer one (โลกาภิวัตน์).
        let text = "แบรนด์ที่ดีที่สุดในโลกาภิวัตน์";
        assert!(hits_of(&guide, None, text, &BANNED_TERM).is_empty());
    }

    #[test]
    fn banned_english_terms_ignore_case_and_whitespace_but_not_word_edges() {
        let guide = example();
        let text = "The CHEAPEST beans, 100%\n  Organic and guaranteed!";
        let hits = hits_of(
            &guide,
            Some(crate::channel::Channel::Web),
            text,
            &BANNED_TERM,
        );
        let found: Vec<&str> = hits.iter().map(|h| &text[h.range.clone()]).collect();
        assert_eq!(found, vec!["CHEAPEST", "100%\n  Organic", "guaranteed"]);
        for clean in [
            "Our beans are cheaper than ever.",
            "Nothing here is unguaranteed or guaranteeds.",
            "Freshly roasted, 100 organic farms.",
        ] {
            assert!(
                hits_of(&guide, None, clean, &BANNED_TERM).is_empty(),
                "{clean}"
            );
        }
    }

    #[test]
    fn preferred_terms_suggest_the_guides_word() {
        let guide = example();
        let text = "Register today to earn points.";
        let hits = hits_of(&guide, None, text, &PREFERRED_TERM);
        assert_eq!(hits.len(), 1);
        let hit = &hits[0];
        assert_eq!(&text[hit.range.clone()], "Register");
        assert_eq!(hit.expected.as_deref(), Some("Sign up"));
        assert_eq!(hit.found.as_deref(), Some("Register"));
        assert_eq!(
            hit.fix.as_deref(),
            Some("replace “Register” with “Sign up”")
        );
        assert_eq!(hit.rule.severity, crate::lint::Severity::Warning);
        assert!(
            hits_of(
                &guide,
                None,
                "Sign up today; registered members earn points.",
                &PREFERRED_TERM
            )
            .is_empty()
        );
    }

    #[test]
    fn preferred_thai_terms_match_whole_words() {
        let guide = example();
        let text = "ผู้บริโภคชอบโคลด์บรูว์ ซื้อด่วนวันนี้";
        let hits = hits_of(&guide, None, text, &PREFERRED_TERM);
        let found: Vec<(&str, Option<&str>)> = hits
            .iter()
            .map(|h| (&text[h.range.clone()], h.expected.as_deref()))
            .collect();
        assert_eq!(
            found,
            vec![("ผู้บริโภค", Some("ลูกค้า")), ("ซื้อด่วน", Some("สั่งเลย"))]
        );
        assert!(hits_of(&guide, None, "ลูกค้าชอบโคลด์บรูว์ สั่งเลยวันนี้", &PREFERRED_TERM).is_empty());
    }

    #[test]
    fn preferred_term_containing_the_old_one_is_not_flagged() {
        let guide = example_with(
            "[[tone.preferred]]",
            "[[tone.preferred]]\nuse = \"LINE Official Account\"\ninstead_of = [\"LINE\"]\n\n[[tone.preferred]]",
        );
        let text = "Follow our LINE Official Account, not just LINE.";
        let hits = hits_of(&guide, None, text, &PREFERRED_TERM);
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].range.start, text.rfind("LINE").unwrap());
    }
}
