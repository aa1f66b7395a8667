//! Line break opportunities: UAX #14 with ICU's Thai dictionary, plus Thai rules.

use icu_segmenter::LineSegmenter;
use icu_segmenter::options::LineBreakOptions;
use unicode_segmentation::UnicodeSegmentation;

/// MAI YAMOK, the repetition mark: it ends the word it repeats.
pub const MAI_YAMOK: char = 'ๆ';

/// Characters that never start a line: repetition/abbreviation marks and closing
/// punctuation (quotes, brackets, stops).
pub fn never_starts_line(c: char) -> bool {
    matches!(
        c,
        MAI_YAMOK
            | 'ฯ'
            | ')'
            | ']'
            | '}'
            | '”'
            | '’'
            | '»'
            | '›'
            | '!'
            | '?'
            | ','
            | '.'
            | ':'
            | ';'
            | '%'
            | '、'
            | '。'
            | '，'
            | '！'
            | '？'
    )
}

/// Byte offsets in `text` (one paragraph without line separators) after which a
/// line may end, sorted, each > 0 and on a grapheme boundary; `text.len()` is
/// included for non-empty text.
///
/// Uses ICU4X's dictionary segmenter for Thai words (the dictionary gives word
/// breaks; the LSTM model is slower and sometimes lets `ๆ` start a word). A break
/// before a character that [`never_starts_line`] is removed; a break removed
/// before `ๆ` is moved after it, because `ๆ` closes its word.
pub fn break_opportunities(text: &str) -> Vec<usize> {
    if text.is_empty() {
        return Vec::new();
    }
    let segmenter = LineSegmenter::new_dictionary(LineBreakOptions::default());
    let mut raw: Vec<usize> = segmenter
        .segment_str(text)
        .filter(|&p| p > 0 && p <= text.len())
        .collect();

    // Thai rules on top of UAX #14.
    let mut extra = Vec::new();
    raw.retain(|&p| {
        let Some(next) = text[p..].chars().next() else {
            return true;
        };
        if !never_starts_line(next) {
            return true;
        }
        if next == MAI_YAMOK {
            // Allow the break after the (run of) repetition mark(s) instead.
            let mut end = p;
            for c in text[p..].chars() {
                if c == MAI_YAMOK {
                    end += c.len_utf8();
                } else {
                    break;
                }
            }
            if text[end..]
                .chars()
                .next()
                .is_none_or(|c| !never_starts_line(c))
            {
                extra.push(end);
            }
        }
        false
    });
    raw.extend(extra);

    // Never break inside a grapheme cluster.
    let boundaries: Vec<usize> = text
        .grapheme_indices(true)
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
        .collect();
    raw.retain(|p| boundaries.binary_search(p).is_ok());
    raw.push(text.len());
    raw.sort_unstable();
    raw.dedup();
    raw
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str) -> Vec<&str> {
        let mut prev = 0;
        break_opportunities(text)
            .into_iter()
            .map(|p| {
                let s = &text[prev..p];
                prev = p;
                s
            })
            .collect()
    }

    #[test]
    fn thai_words_from_dictionary() {
        assert_eq!(
            pieces("ลดราคาพิเศษสำหรับสมาชิก"),
            ["ลด", "ราคา", "พิเศษ", "สำหรับ", "สมาชิก"]
        );
    }

    #[test]
    fn mai_yamok_stays_with_its_word() {
        let p = pieces("รีบๆหน่อยนะ");
        assert!(p.iter().all(|s| !s.starts_with(MAI_YAMOK)), "{p:?}");
        assert_eq!(p[0], "รีบๆ");
    }

    #[test]
    fn no_break_before_closing_quote() {
        let p = pieces("“ราคาพิเศษ”สำหรับคุณ");
        assert!(p.iter().all(|s| !s.starts_with('”')), "{p:?}");
    }

    #[test]
    fn empty_and_marks_only() {
        assert!(break_opportunities("").is_empty());
        // Lone marks and ๆ alone must not panic.
        assert_eq!(break_opportunities("ๆ"), vec!["ๆ".len()]);
        assert_eq!(pieces("\u{0E49}\u{0E49}").concat(), "\u{0E49}\u{0E49}");
    }
}
