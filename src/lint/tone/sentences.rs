//! `tone/sentence-length` and `tone/exclamation`, per sentence (see
//! [`super::text::sentences`] for where sentences, and Thai clauses, end).

use super::text::Text;
use super::{EXCLAMATION, SENTENCE_LENGTH, ToneHit};

/// Sentences with more than `max` words (Thai words by the dictionary segmenter).
pub(super) fn sentence_length(max: usize, text: &Text<'_>, hits: &mut Vec<ToneHit>) {
    for sentence in text.sentences() {
        // A sentence has at most as many words as characters: skip short ones without
        // segmenting.
        if sentence.len() <= max || text.src[sentence.clone()].chars().count() <= max {
            continue;
        }
        let words = text.word_count(sentence);
        if words > max {
            hits.push(ToneHit {
                rule: &SENTENCE_LENGTH,
                range: sentence.clone(),
                message: format!("sentence of {words} words; the guide allows {max}"),
                expected: Some(format!("at most {max} words")),
                found: Some(format!("{words} words")),
                fix: Some("split it into shorter sentences".into()),
            });
        }
    }
}

fn is_exclamation(c: char) -> bool {
    matches!(c, '!' | '！')
}

/// Whether the `!` at byte `i` of `s` is CSS's `!important` (a word of its own after the
/// mark, any case), which is no exclamation mark.
fn is_important(s: &str, i: usize) -> bool {
    const WORD: &str = "important";
    let rest = &s.as_bytes()[i + 1..];
    rest.len() >= WORD.len()
        && rest[..WORD.len()].eq_ignore_ascii_case(WORD.as_bytes())
        && !s[i + 1 + WORD.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// Sentences with more than `max` exclamation marks (`!` and full-width `！`, not the
/// `!` of CSS's `!important`); with the usual limit of one, "!!" is always a finding.
/// The range runs from the first to the last mark.
pub(super) fn exclamation(max: usize, text: &Text<'_>, hits: &mut Vec<ToneHit>) {
    if !text.src.contains(['!', '！']) {
        return;
    }
    for sentence in text.sentences() {
        let s = &text.src[sentence.clone()];
        let marks: Vec<usize> = s
            .char_indices()
            .filter(|&(i, c)| is_exclamation(c) && !(c == '!' && is_important(s, i)))
            .map(|(i, _)| sentence.start + i)
            .collect();
        let (Some(&first), Some(&last)) = (marks.first(), marks.last()) else {
            continue;
        };
        if marks.len() <= max {
            continue;
        }
        let end = last + text.src[last..].chars().next().map_or(1, char::len_utf8);
        let found = &text.src[first..end];
        let one_run = found.chars().all(is_exclamation);
        let allowed = if max == 0 {
            "no".to_string()
        } else {
            format!("at most {max}")
        };
        let fix = match (one_run, max) {
            (true, 0) => format!("remove “{found}”"),
            (true, _) => format!("replace “{found}” with “{}”", "!".repeat(max)),
            (false, _) => format!("keep {allowed} “!” in this sentence"),
        };
        hits.push(ToneHit {
            rule: &EXCLAMATION,
            range: first..end,
            message: format!(
                "{} exclamation marks in one sentence; the guide allows {max}",
                marks.len()
            ),
            expected: Some(format!("{allowed} “!” per sentence")),
            found: Some(found.to_string()),
            fix: Some(fix),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{example, example_with, hits_of};
    use super::super::{EXCLAMATION, SENTENCE_LENGTH};

    /// `n` Thai words that the dictionary keeps apart, with no spaces.
    fn thai_words(n: usize) -> String {
        ["กาแฟ", "เย็น", "ราคา", "พิเศษ", "สำหรับ", "สมาชิก"]
            .iter()
            .cycle()
            .take(n)
            .copied()
            .collect()
    }

    fn english_words(n: usize) -> String {
        ["fresh", "beans", "roasted", "in", "Bangkok", "daily"]
            .iter()
            .cycle()
            .take(n)
            .copied()
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn long_english_sentence_is_flagged_short_ones_pass() {
        let guide = example(); // max_sentence_words = 28
        let long = format!("{}.", english_words(29));
        let text = format!("Short one. {long} Another short one!");
        let hits = hits_of(&guide, None, &text, &SENTENCE_LENGTH);
        assert_eq!(hits.len(), 1);
        assert_eq!(&text[hits[0].range.clone()], long);
        assert_eq!(hits[0].found.as_deref(), Some("29 words"));
        assert_eq!(hits[0].rule.severity, crate::lint::Severity::Warning);
        let ok = format!("{}. {}.", english_words(28), english_words(28));
        assert!(hits_of(&guide, None, &ok, &SENTENCE_LENGTH).is_empty());
        // Decimals and abbreviations do not split a sentence: 25 + "1.5", "litres", "e.g",
        // "more" is 29 words; split anywhere, neither part would be too long.
        let tricky = format!("{} 1.5 litres, e.g. more.", english_words(25));
        assert_eq!(hits_of(&guide, None, &tricky, &SENTENCE_LENGTH).len(), 1);
    }

    #[test]
    fn long_thai_sentence_counts_dictionary_words() {
        let guide = example();
        let long = thai_words(29);
        let hits = hits_of(&guide, None, &long, &SENTENCE_LENGTH);
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].range, 0..long.len());
        assert_eq!(hits[0].found.as_deref(), Some("29 words"));
        // The same words split into clauses by spaces pass.
        let clauses = format!("{} {}", thai_words(20), thai_words(9));
        assert!(hits_of(&guide, None, &clauses, &SENTENCE_LENGTH).is_empty());
        // A space next to a number is not a clause break: 27 words + "31" + "ธ.ค." (ธ, ค).
        let date = format!("{} 31 ธ.ค.", thai_words(27));
        assert_eq!(hits_of(&guide, None, &date, &SENTENCE_LENGTH).len(), 1);
        assert!(
            hits_of(
                &guide,
                None,
                &format!("{} 31", thai_words(27)),
                &SENTENCE_LENGTH
            )
            .is_empty()
        );
    }

    #[test]
    fn social_channel_override_applies() {
        let guide = example(); // [tone.channels.social] max_sentence_words = 16
        let text = thai_words(20);
        assert!(
            hits_of(
                &guide,
                Some(crate::channel::Channel::Web),
                &text,
                &SENTENCE_LENGTH
            )
            .is_empty()
        );
        assert!(hits_of(&guide, None, &text, &SENTENCE_LENGTH).is_empty());
        let hits = hits_of(
            &guide,
            Some(crate::channel::Channel::Social),
            &text,
            &SENTENCE_LENGTH,
        );
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].expected.as_deref(), Some("at most 16 words"));
        let english = format!("{}.", english_words(17));
        assert_eq!(
            hits_of(
                &guide,
                Some(crate::channel::Channel::Social),
                &english,
                &SENTENCE_LENGTH
            )
            .len(),
            1
        );
        assert!(
            hits_of(
                &guide,
                Some(crate::channel::Channel::Social),
                &english_words(16),
                &SENTENCE_LENGTH
            )
            .is_empty()
        );
    }

    #[test]
    fn double_exclamation_is_flagged_in_both_scripts() {
        let guide = example(); // max_exclamations = 1
        for (text, found) in [
            ("Free delivery!! Order now.", "!!"),
            ("ส่งฟรี！！ สั่งเลย", "！！"),
            ("ลดราคา!?! วันนี้", "!?!"),
        ] {
            let hits = hits_of(&guide, None, text, &EXCLAMATION);
            assert_eq!(hits.len(), 1, "{text}");
            assert_eq!(&text[hits[0].range.clone()], found);
            assert_eq!(hits[0].rule.severity, crate::lint::Severity::Warning);
        }
        let hits = hits_of(&guide, None, "Wow!!!", &EXCLAMATION);
        assert_eq!(hits[0].fix.as_deref(), Some("replace “!!!” with “!”"));
        for ok in ["Free delivery! Order now!", "ส่งฟรี! สั่งเลย!", "ส่งฟรี!สั่งเลย!"]
        {
            assert!(hits_of(&guide, None, ok, &EXCLAMATION).is_empty(), "{ok}");
        }
    }

    /// CSS's `!important`, quoted in prose, is no exclamation mark.
    #[test]
    fn important_is_not_an_exclamation() {
        let guide = example_with("max_exclamations = 1", "max_exclamations = 0");
        for ok in [
            "Avoid !important in your CSS",
            "color: red !IMPORTANT; ใช้ !important ให้น้อย",
            "!important",
        ] {
            assert!(hits_of(&guide, None, ok, &EXCLAMATION).is_empty(), "{ok}");
        }
        for (text, found) in [
            ("Avoid !important in your CSS!", "!"),
            ("Wow!importantly", "!"),
            ("ส่งฟรี!important_x", "!"),
        ] {
            let hits = hits_of(&guide, None, text, &EXCLAMATION);
            assert_eq!(hits.len(), 1, "{text}: {hits:?}");
            assert_eq!(hits[0].found.as_deref(), Some(found), "{text}");
        }
        let guide = example(); // one per sentence: "!important" no longer makes it two
        assert!(hits_of(&guide, None, "Never use !important here!", &EXCLAMATION).is_empty());
    }

    #[test]
    fn exclamation_limit_comes_from_the_guide() {
        let guide = example_with("max_exclamations = 1", "max_exclamations = 0");
        let hits = hits_of(&guide, None, "สั่งเลย!", &EXCLAMATION);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].fix.as_deref(), Some("remove “!”"));
        let guide = example_with("max_exclamations = 1", "max_exclamations = 2");
        assert!(hits_of(&guide, None, "Great!!", &EXCLAMATION).is_empty());
        assert_eq!(hits_of(&guide, None, "Great!!!", &EXCLAMATION).len(), 1);
    }
}
