//! Tone rules on visible text: `tone/banned-term`, `tone/preferred-term`,
//! `tone/brand-spelling`, `tone/sentence-length`, `tone/exclamation`.
//!
//! The rules run on the visible text of every output and on Markdown sources, in Thai
//! and English. Words come from ICU's dictionary word segmenter, so Thai (written
//! without spaces between words) has word boundaries and word counts too; term matching
//! ignores Latin case and collapses whitespace. [`ToneRules`] compiles a guide's terms
//! for one channel once — all of them into two Aho–Corasick automatons (`matcher`), so
//! checking a text costs one pass over it however many terms the guide lists; [`check`]
//! is the one-call form.

mod brand;
mod matcher;
mod sentences;
mod terms;
mod text;

use std::collections::HashMap;
use std::ops::Range;

use crate::brand::Guide;
use crate::channel::Channel;

use brand::BrandTerm;
use matcher::Matcher;
use terms::{Preferred, Term};
use text::{Fold, Text};

use crate::lint::rules::Rule;
pub use crate::lint::rules::{
    TONE_BANNED_TERM as BANNED_TERM, TONE_BRAND_SPELLING as BRAND_SPELLING,
    TONE_EXCLAMATION as EXCLAMATION, TONE_PREFERRED_TERM as PREFERRED_TERM,
    TONE_SENTENCE_LENGTH as SENTENCE_LENGTH,
};

/// The exclamation limit when the guide sets none: one per sentence, so "!!" is flagged.
pub const DEFAULT_MAX_EXCLAMATIONS: usize = 1;

/// One tone problem in a text, as a byte range of that text; each linter maps the range
/// to its own location (line/column, page…).
#[derive(Debug, Clone, PartialEq)]
pub struct ToneHit {
    pub rule: &'static Rule,
    pub range: Range<usize>,
    pub message: String,
    pub expected: Option<String>,
    pub found: Option<String>,
    pub fix: Option<String>,
}

/// A guide's tone rules for one channel, compiled once and reusable for any number of
/// texts (and across threads).
#[derive(Debug, Clone)]
pub struct ToneRules {
    banned: Vec<Term>,
    preferred: Vec<Preferred>,
    /// Longest key first, so longer names claim their text before shorter ones.
    brand: Vec<BrandTerm>,
    /// Banned and preferred terms, over the collapsed text.
    terms: Option<Matcher<TermUse>>,
    /// Brand terms (by index in `brand`), over the squeezed text.
    brands: Option<Matcher<usize>>,
    max_sentence_words: Option<usize>,
    max_exclamations: usize,
}

/// What a key of the collapsed-text automaton stands for (by index).
#[derive(Debug, Clone, Copy)]
enum TermUse {
    Banned(usize),
    /// The word a preferred entry replaces.
    InsteadOf(usize),
    /// The word it wants, when that contains the replaced one.
    Containing(usize),
}

impl ToneRules {
    /// Compiles the tone rules in force for `channel` (`None`: Markdown sources), with
    /// the channel's overrides merged in (`Guide::tone_for`).
    pub fn new(guide: &Guide, channel: Option<Channel>) -> ToneRules {
        let tone = guide.tone_for(channel);
        let banned = tone
            .banned
            .unwrap_or_default()
            .iter()
            .filter_map(|t| Term::new(t))
            .collect();
        let preferred = guide
            .tone
            .preferred
            .iter()
            .flat_map(|p| {
                p.instead_of
                    .iter()
                    .filter_map(|y| Preferred::new(&p.use_, y))
            })
            .collect();
        let name = guide.brand.name.as_str();
        let mut brand: Vec<BrandTerm> = Vec::new();
        let names = guide.brand.terms.iter().map(String::as_str).chain([name]);
        for term in names {
            if let Some(t) = BrandTerm::new(term, term.eq_ignore_ascii_case(name))
                && !brand.iter().any(|b| b.canonical() == t.canonical())
            {
                brand.push(t);
            }
        }
        brand.sort_by_key(|t| std::cmp::Reverse(t.key_len()));
        let banned: Vec<Term> = banned;
        let preferred: Vec<Preferred> = preferred;
        let terms = Matcher::new(
            banned
                .iter()
                .enumerate()
                .map(|(i, t)| (t.key.clone(), TermUse::Banned(i)))
                .chain(preferred.iter().enumerate().flat_map(|(i, p)| {
                    std::iter::once((p.instead_of.key.clone(), TermUse::InsteadOf(i))).chain(
                        p.containing
                            .as_ref()
                            .map(|c| (c.key.clone(), TermUse::Containing(i))),
                    )
                })),
        );
        let brands = Matcher::new(
            brand
                .iter()
                .enumerate()
                .map(|(i, b)| (b.key().to_string(), i)),
        );
        ToneRules {
            banned,
            preferred,
            brand,
            terms,
            brands,
            max_sentence_words: tone.max_sentence_words,
            max_exclamations: tone.max_exclamations.unwrap_or(DEFAULT_MAX_EXCLAMATIONS),
        }
    }

    /// All tone hits in `text`, ordered by position.
    pub fn check(&self, text: &str) -> Vec<ToneHit> {
        let mut hits = Vec::new();
        if text.trim().is_empty() {
            return hits;
        }
        let text = Text::new(text);
        let mut banned = Vec::new();
        let mut instead_of = Vec::new();
        let mut containing: HashMap<usize, Vec<Range<usize>>> = HashMap::new();
        if let Some(m) = &self.terms {
            m.find(&text, text.folded(Fold::Collapse), |u, r| match u {
                TermUse::Banned(i) => banned.push((i, r)),
                TermUse::InsteadOf(i) => instead_of.push((i, r)),
                TermUse::Containing(i) => containing.entry(i).or_default().push(r),
            });
        }
        terms::banned(&self.banned, banned, &text, &mut hits);
        terms::preferred(&self.preferred, instead_of, &containing, &text, &mut hits);
        let mut names = Vec::new();
        if let Some(m) = &self.brands {
            m.find(&text, text.folded(Fold::Squeeze), |i, r| names.push((i, r)));
        }
        brand::brand_spelling(&self.brand, names, &text, &mut hits);
        if let Some(max) = self.max_sentence_words {
            sentences::sentence_length(max, &text, &mut hits);
        }
        sentences::exclamation(self.max_exclamations, &text, &mut hits);
        hits.sort_by_key(|h| (h.range.start, h.range.end));
        hits
    }
}

/// Checks `text` against the guide's tone rules for `channel` (`None`: Markdown source).
/// Compiling the rules is cheap (a few short strings); to check many texts for one
/// channel, build a [`ToneRules`] once.
pub fn check(guide: &Guide, channel: Option<Channel>, text: &str) -> Vec<ToneHit> {
    ToneRules::new(guide, channel).check(text)
}

#[cfg(test)]
pub(super) mod tests {
    use std::path::Path;

    use super::*;
    use crate::brand::GUIDE_PATH;
    use crate::error::SourceFile;

    fn root() -> &'static Path {
        Path::new(env!("CARGO_MANIFEST_DIR"))
    }

    /// The example guide, `brand/brand.toml`.
    pub fn example() -> Guide {
        Guide::load(root()).expect("the example guide loads")
    }

    /// The example guide with its first `from` replaced by `to`.
    pub fn example_with(from: &str, to: &str) -> Guide {
        let path = root().join(GUIDE_PATH);
        let text = std::fs::read_to_string(&path).expect("example guide");
        assert!(text.contains(from), "the example guide has no {from:?}");
        Guide::from_source(root(), SourceFile::new(path, text.replacen(from, to, 1)))
            .expect("the modified guide loads")
    }

    /// Hits of one rule.
    pub fn hits_of(
        guide: &Guide,
        channel: Option<Channel>,
        text: &str,
        rule: &Rule,
    ) -> Vec<ToneHit> {
        check(guide, channel, text)
            .into_iter()
            .filter(|h| h.rule.id == rule.id)
            .collect()
    }

    #[test]
    fn rules_are_shared_across_render_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<ToneRules>();
    }

    #[test]
    fn clean_mixed_text_has_no_hits() {
        let guide = example();
        let text = "โคลด์บรูว์ของ Tonkla Coffee สกัดเย็นนาน 18 ชั่วโมง สั่งเลยผ่าน LINE!\n\n\
                    Sign up on LINE MAN and get your Cold Brew before 10:30.";
        assert_eq!(
            check(&guide, Some(crate::channel::Channel::Web), text),
            vec![]
        );
        assert_eq!(check(&guide, None, ""), vec![]);
        assert_eq!(check(&guide, None, " \n "), vec![]);
    }

    #[test]
    fn hits_come_in_text_order_with_their_rules() {
        let guide = example();
        let text = "Register now for the cheapest Cold brew!! ซื้อด่วนที่ Line";
        let rules: Vec<(&str, &str)> = check(&guide, None, text)
            .iter()
            .map(|h| (h.rule.id, &text[h.range.clone()]))
            .collect();
        assert_eq!(
            rules,
            vec![
                (PREFERRED_TERM.id, "Register"),
                (BANNED_TERM.id, "cheapest"),
                (BRAND_SPELLING.id, "Cold brew"),
                (EXCLAMATION.id, "!!"),
                (PREFERRED_TERM.id, "ซื้อด่วน"),
                (BRAND_SPELLING.id, "Line"),
            ]
        );
    }

    #[test]
    fn channel_override_replaces_banned_list() {
        let guide = example_with(
            "[tone.channels.social]",
            "[tone.channels.email]\nbanned = [\"สุดคุ้ม\"]\n\n[tone.channels.social]",
        );
        let text = "ราคาถูกที่สุด สุดคุ้ม";
        let found = |channel| -> Vec<String> {
            hits_of(&guide, channel, text, &BANNED_TERM)
                .into_iter()
                .map(|h| text[h.range].to_string())
                .collect()
        };
        assert_eq!(found(Some(crate::channel::Channel::Email)), vec!["สุดคุ้ม"]);
        assert_eq!(found(Some(crate::channel::Channel::Web)), vec!["ถูกที่สุด"]);
        assert_eq!(found(None), vec!["ถูกที่สุด"]);
    }

    /// Every example piece's title, summary and body passes without error-severity hits.
    #[test]
    fn example_content_has_no_tone_errors() {
        let guide = example();
        let pieces =
            crate::content::load_all(root(), &guide.sandbox).expect("example content loads");
        assert!(pieces.len() >= 4);
        let mut errors = Vec::new();
        for piece in &pieces {
            for channel in Channel::ALL {
                let rules = ToneRules::new(&guide, Some(channel));
                let body = piece.body_text();
                let texts = [piece.title(channel), piece.summary(channel), body.as_str()];
                for text in texts {
                    for hit in rules.check(text) {
                        if hit.rule.severity == crate::lint::Severity::Error {
                            errors.push(format!("{}: {hit:?}", piece.slug));
                        }
                    }
                }
            }
        }
        assert!(errors.is_empty(), "{errors:#?}");
    }

    /// The banned terms found term by term, as before the automaton: each term's
    /// `match_indices` in the folded text, kept on word edges.
    fn banned_one_by_one(rules: &ToneRules, src: &str) -> Vec<((usize, usize), String)> {
        let text = Text::new(src);
        let folded = text.folded(Fold::Collapse);
        let mut out = Vec::new();
        for t in &rules.banned {
            for (at, m) in folded.text.match_indices(t.key.as_str()) {
                let r = folded.original(at..at + m.len());
                if text.is_edge(r.start) && text.is_edge(r.end) {
                    out.push(((r.start, r.end), t.term.clone()));
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn the_automaton_finds_what_each_term_alone_finds() {
        // overlapping, nested and repeated terms in both scripts
        let guide = example_with(
            "banned = [",
            "banned = [\"ถูก\", \"ดี\", \"ดีที่สุด\", \"ที่สุด\", \"ในโลก\", \"aa\", \"a a\", \"aaa\", \"Cold\", \"cold brew\", \"brew\", ",
        );
        let rules = ToneRules::new(&guide, None);
        for src in [
            "เมล็ดกาแฟดีที่สุดในโลก ถูกใจ ถูกที่สุด ของดีราคาถูกมาก แบรนด์ที่ดีที่สุดในโลกาภิวัตน์",
            "aaaa a a a aa aaa. COLD  Brew, cold-brew, coldbrew; Brewing brew",
            "ดีดีดี ดี ดี\u{200B}ที่สุด ถูก\nถูก",
            "",
        ] {
            let auto: Vec<((usize, usize), String)> = {
                let mut v: Vec<_> = rules
                    .check(src)
                    .into_iter()
                    .filter(|h| *h.rule == BANNED_TERM)
                    .map(|h| {
                        let term = h.message.rsplit('“').next().unwrap().trim_end_matches("”)");
                        ((h.range.start, h.range.end), term.to_string())
                    })
                    .collect();
                v.sort();
                v
            };
            assert_eq!(auto, banned_one_by_one(&rules, src), "{src}");
        }
    }

    /// A guide of 200,000 banned terms: one automaton, one pass per text. (Measured:
    /// see the report of the issue; this test only checks the results.)
    #[test]
    fn a_guide_of_200000_terms_is_one_pass() {
        let terms: String = (0..200_000)
            .map(|i| {
                if i % 2 == 0 {
                    format!("\"คำต้องห้าม{i}\", ")
                } else {
                    format!("\"banned-{i}\", ")
                }
            })
            .collect();
        let guide = example_with("banned = [", &format!("banned = [{terms}"));
        let started = std::time::Instant::now();
        let rules = ToneRules::new(&guide, Some(crate::channel::Channel::Web));
        let compiled = started.elapsed();
        let text = "กาแฟของเรา banned-199999 และ คำต้องห้าม42 ไม่ใช่ banned-2x ถูกที่สุด ".repeat(200);
        let started = std::time::Instant::now();
        let hits: Vec<_> = rules
            .check(&text)
            .into_iter()
            .filter(|h| *h.rule == BANNED_TERM)
            .collect();
        eprintln!(
            "200,000 terms: compiled in {compiled:?}, {} bytes checked in {:?}",
            text.len(),
            started.elapsed()
        );
        let found: Vec<&str> = hits
            .iter()
            .map(|h| &text[h.range.clone()])
            .take(3)
            .collect();
        assert_eq!(found, ["banned-199999", "คำต้องห้าม42", "ถูกที่สุด"]);
        assert_eq!(hits.len(), 3 * 200);
    }

    #[test]
    fn thai_breaks_are_those_of_each_run() {
        let src = "ของถูกใจ abc ราคาถูกมาก, ดีที่สุดในโลกาภิวัตน์!ถูก";
        let text = Text::new(src);
        for (p, _) in src.char_indices().skip(1) {
            let (a, b) = (
                src[..p].chars().next_back().unwrap(),
                src[p..].chars().next().unwrap(),
            );
            if !(text::is_thai(a) && text::is_thai(b)) {
                continue;
            }
            // the run around p, segmented on its own
            let start = src[..p]
                .rfind(|c: char| !text::is_thai(c))
                .map_or(0, |i| i + 1);
            let end = src[p..]
                .find(|c: char| !text::is_thai(c))
                .map_or(src.len(), |i| p + i);
            let alone = icu_segmenter::WordSegmenter::new_dictionary(Default::default())
                .segment_str(&src[start..end])
                .any(|b| start + b == p);
            assert_eq!(text.is_edge(p), alone, "at {p}");
        }
    }
}
