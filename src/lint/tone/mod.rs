//! Tone rules on visible text: `tone/banned-term`, `tone/preferred-term`,
//! `tone/brand-spelling`, `tone/sentence-length`, `tone/exclamation`.
//!
//! The rules run on the visible text of every output and on Markdown sources, in Thai
//! and English. Words come from ICU's dictionary word segmenter, so Thai (written
//! without spaces between words) has word boundaries and word counts too; term matching
//! ignores Latin case and collapses whitespace. [`ToneRules`] compiles a guide's terms
//! for one channel once; [`check`] is the one-call form.

mod brand;
mod sentences;
mod terms;
mod text;

use std::ops::Range;

use crate::brand::Guide;
use crate::lint::Severity;

use brand::BrandTerm;
use terms::{Preferred, Term};
use text::Text;

/// Rule id: a term from `tone.banned` (or the channel's override list).
pub const BANNED_TERM: &str = "tone/banned-term";
/// Rule id: a word `tone.preferred` says to replace.
pub const PREFERRED_TERM: &str = "tone/preferred-term";
/// Rule id: a brand term (`brand.terms`, `brand.name`) not spelled canonically.
pub const BRAND_SPELLING: &str = "tone/brand-spelling";
/// Rule id: a sentence longer than `max_sentence_words`.
pub const SENTENCE_LENGTH: &str = "tone/sentence-length";
/// Rule id: more than `max_exclamations` exclamation marks in one sentence.
pub const EXCLAMATION: &str = "tone/exclamation";

/// The exclamation limit when the guide sets none: one per sentence, so "!!" is flagged.
pub const DEFAULT_MAX_EXCLAMATIONS: usize = 1;

/// One tone problem in a text, as a byte range of that text; each linter maps the range
/// to its own location (line/column, page…).
#[derive(Debug, Clone, PartialEq)]
pub struct ToneHit {
    pub rule: &'static str,
    pub severity: Severity,
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
    max_sentence_words: Option<usize>,
    max_exclamations: usize,
}

impl ToneRules {
    /// Compiles the tone rules in force for `channel` (`None`: Markdown sources), with
    /// the channel's overrides merged in (`Guide::tone_for`).
    pub fn new(guide: &Guide, channel: Option<&str>) -> ToneRules {
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
        ToneRules {
            banned,
            preferred,
            brand,
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
        terms::banned(&self.banned, &text, &mut hits);
        terms::preferred(&self.preferred, &text, &mut hits);
        brand::brand_spelling(&self.brand, &text, &mut hits);
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
pub fn check(guide: &Guide, channel: Option<&str>, text: &str) -> Vec<ToneHit> {
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
    pub fn hits_of(guide: &Guide, channel: Option<&str>, text: &str, rule: &str) -> Vec<ToneHit> {
        check(guide, channel, text)
            .into_iter()
            .filter(|h| h.rule == rule)
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
        assert_eq!(check(&guide, Some("web"), text), vec![]);
        assert_eq!(check(&guide, None, ""), vec![]);
        assert_eq!(check(&guide, None, " \n "), vec![]);
    }

    #[test]
    fn hits_come_in_text_order_with_their_rules() {
        let guide = example();
        let text = "Register now for the cheapest Cold brew!! ซื้อด่วนที่ Line";
        let rules: Vec<(&str, &str)> = check(&guide, None, text)
            .iter()
            .map(|h| (h.rule, &text[h.range.clone()]))
            .collect();
        assert_eq!(
            rules,
            vec![
                (PREFERRED_TERM, "Register"),
                (BANNED_TERM, "cheapest"),
                (BRAND_SPELLING, "Cold brew"),
                (EXCLAMATION, "!!"),
                (PREFERRED_TERM, "ซื้อด่วน"),
                (BRAND_SPELLING, "Line"),
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
            hits_of(&guide, channel, text, BANNED_TERM)
                .into_iter()
                .map(|h| text[h.range].to_string())
                .collect()
        };
        assert_eq!(found(Some("email")), vec!["สุดคุ้ม"]);
        assert_eq!(found(Some("web")), vec!["ถูกที่สุด"]);
        assert_eq!(found(None), vec!["ถูกที่สุด"]);
    }

    /// Every example piece's title, summary and body passes without error-severity hits.
    #[test]
    fn example_content_has_no_tone_errors() {
        use crate::render::Channel;
        let guide = example();
        let pieces =
            crate::content::load_all(root(), &guide.sandbox).expect("example content loads");
        assert!(pieces.len() >= 4);
        let mut errors = Vec::new();
        for piece in &pieces {
            for channel in Channel::ALL {
                let rules = ToneRules::new(&guide, Some(channel.name()));
                let body = piece.body_text();
                let texts = [piece.title(channel), piece.summary(channel), body.as_str()];
                for text in texts {
                    for hit in rules.check(text) {
                        if hit.severity == Severity::Error {
                            errors.push(format!("{}: {hit:?}", piece.slug));
                        }
                    }
                }
            }
        }
        assert!(errors.is_empty(), "{errors:#?}");
    }
}
