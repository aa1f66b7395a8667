//! The analysed form of one text that every tone rule shares: folded copies for matching
//! terms, sentences, and words (ICU dictionary segmentation, so Thai has words too).
//! Folded copies and sentences are computed at most once, and only when a rule asks;
//! the segmenter runs only on what needs it: sentences that may be too long, and the
//! Thai run around a term match's edge.

use std::cell::OnceCell;
use std::ops::Range;
use std::sync::LazyLock;

use icu_segmenter::options::WordBreakInvariantOptions;
use icu_segmenter::{WordSegmenter, WordSegmenterBorrowed};

/// One segmenter for the process: the dictionary model (compiled data) keeps Thai words
/// whole ("อร่อย", "มาก") where the LSTM model splits them ("อ|ร่อย", "มา|ก").
static SEGMENTER: LazyLock<WordSegmenterBorrowed<'static>> =
    LazyLock::new(|| WordSegmenter::new_dictionary(WordBreakInvariantOptions::default()));

/// Thai letters, vowels, tone marks and signs (U+0E00–U+0E7F), digits included.
pub(super) fn is_thai(c: char) -> bool {
    ('\u{0E00}'..='\u{0E7F}').contains(&c)
}

/// A Thai character that is part of a word (not a Thai digit).
fn is_thai_letter(c: char) -> bool {
    is_thai(c) && !c.is_numeric()
}

/// Characters that are invisible and never part of a word: dropped before matching, so
/// "ถูก\u{200B}ที่สุด" (a zero-width space some editors insert) still matches.
fn is_ignorable(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{00AD}' | '\u{2060}' | '\u{FEFF}'
    )
}

/// Hyphens that brand spellings ignore ("I-phone", "LINE‑MAN").
fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

/// A Latin-side word character: letters, digits, underscore.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// How [`Folded`] treats separators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fold {
    /// Lower case, whitespace runs collapsed to one space (banned and preferred terms).
    Collapse,
    /// Lower case, whitespace and hyphens dropped (brand spellings).
    Squeeze,
}

/// A lower-cased, separator-normalised copy of a text with, for every byte of the copy,
/// the start of the original character it came from.
#[derive(Debug)]
pub(super) struct Folded<'a> {
    src: &'a str,
    pub text: String,
    starts: Vec<u32>,
}

impl<'a> Folded<'a> {
    pub fn new(src: &'a str, mode: Fold) -> Folded<'a> {
        let collapsed = Folded::collapse(src);
        match mode {
            Fold::Collapse => collapsed,
            Fold::Squeeze => collapsed.squeeze(),
        }
    }

    /// Lower case, ignorables dropped, whitespace runs as one space (none at the ends).
    fn collapse(src: &'a str) -> Folded<'a> {
        let mut f = Folded {
            src,
            text: String::with_capacity(src.len()),
            starts: Vec::with_capacity(src.len()),
        };
        let mut space: Option<usize> = None;
        for (i, c) in src.char_indices() {
            if c.is_ascii() {
                if c.is_ascii_whitespace() {
                    space.get_or_insert(i);
                } else {
                    f.flush_space(&mut space);
                    f.text.push(c.to_ascii_lowercase());
                    f.starts.push(i as u32);
                }
            } else if is_thai(c) {
                // Thai has no case.
                f.flush_space(&mut space);
                f.push(c, i);
            } else if c.is_whitespace() {
                space.get_or_insert(i);
            } else if !is_ignorable(c) {
                f.flush_space(&mut space);
                for lc in c.to_lowercase() {
                    f.push(lc, i);
                }
            }
        }
        f
    }

    /// This copy without spaces and hyphens.
    fn squeeze(&self) -> Folded<'a> {
        let mut f = Folded {
            src: self.src,
            text: String::with_capacity(self.text.len()),
            starts: Vec::with_capacity(self.text.len()),
        };
        for (i, c) in self.text.char_indices() {
            if c != ' ' && !is_hyphen(c) {
                f.push(c, self.starts[i] as usize);
            }
        }
        f
    }

    fn flush_space(&mut self, space: &mut Option<usize>) {
        if let Some(s) = space.take()
            && !self.text.is_empty()
        {
            self.text.push(' ');
            self.starts.push(s as u32);
        }
    }

    fn push(&mut self, c: char, start: usize) {
        self.text.push(c);
        let n = c.len_utf8();
        self.starts.extend(std::iter::repeat_n(start as u32, n));
    }

    /// The original byte range of a non-empty range of the folded text that does not end
    /// in a collapsed space.
    pub fn original(&self, r: Range<usize>) -> Range<usize> {
        let last = self.starts[r.end - 1] as usize;
        let len = self.src[last..].chars().next().map_or(0, char::len_utf8);
        self.starts[r.start] as usize..last + len
    }
}

/// Folds a guide term the way texts are folded; `None` if nothing is left of it.
pub(super) fn fold_term(term: &str, mode: Fold) -> Option<String> {
    let key = Folded::new(term, mode).text;
    (!key.is_empty()).then_some(key)
}

/// One text under analysis.
pub(super) struct Text<'a> {
    pub src: &'a str,
    collapsed: OnceCell<Folded<'a>>,
    squeezed: OnceCell<Folded<'a>>,
    sentences: OnceCell<Vec<Range<usize>>>,
    /// Word boundaries inside runs of Thai, sorted: every run segmented once, however
    /// many term matches ask about it.
    thai_breaks: OnceCell<Vec<usize>>,
}

impl<'a> Text<'a> {
    pub fn new(src: &'a str) -> Text<'a> {
        Text {
            src,
            collapsed: OnceCell::new(),
            squeezed: OnceCell::new(),
            sentences: OnceCell::new(),
            thai_breaks: OnceCell::new(),
        }
    }

    pub fn folded(&self, mode: Fold) -> &Folded<'a> {
        let collapsed = self.collapsed.get_or_init(|| Folded::collapse(self.src));
        match mode {
            Fold::Collapse => collapsed,
            Fold::Squeeze => self.squeezed.get_or_init(|| collapsed.squeeze()),
        }
    }

    /// Number of word-like segments (Thai words by the dictionary, Latin words, numbers)
    /// in `r`, which must start and end on word boundaries (a sentence does).
    pub fn word_count(&self, r: &Range<usize>) -> usize {
        let mut it = SEGMENTER.segment_str(&self.src[r.clone()]);
        let mut words = 0;
        let mut prev = 0;
        while let Some(b) = it.next() {
            if b > prev && it.is_word_like() {
                words += 1;
            }
            prev = b;
        }
        words
    }

    /// Whether a term match may start or end at byte `p`. Between two Thai characters the
    /// segmenter decides (so "ถูก" is not a word inside "ถูกใจ"); where the script
    /// changes there is always a boundary ("ผ่านLINE"); elsewhere a boundary is anywhere
    /// not between two word characters (so "guaranteed" is not inside "unguaranteed",
    /// but "iPhone" is a word in "iPhone's").
    pub fn is_edge(&self, p: usize) -> bool {
        let before = self.src[..p].chars().next_back();
        let after = self.src[p..].chars().next();
        let (Some(a), Some(b)) = (before, after) else {
            return true;
        };
        match (is_thai(a), is_thai(b)) {
            (true, true) => self.thai_break(p),
            (false, false) => !(is_word_char(a) && is_word_char(b)),
            _ => true,
        }
    }

    /// Whether the dictionary segmenter breaks the run of Thai characters around `p` at
    /// `p`. ICU segments each run of Thai on its own, so the run is all it needs to see.
    fn thai_break(&self, p: usize) -> bool {
        self.thai_breaks
            .get_or_init(|| thai_breaks(self.src))
            .binary_search(&p)
            .is_ok()
    }

    /// Sentences (trimmed byte ranges), see [`sentences`].
    pub fn sentences(&self) -> &[Range<usize>] {
        self.sentences.get_or_init(|| sentences(self.src))
    }

    /// Whether `p` starts an English sentence: only punctuation, bullets or numbering
    /// precede it in its sentence, and the sentence has no Thai (Thai has no capitals,
    /// so a capital there says nothing about the sentence start).
    pub fn starts_latin_sentence(&self, p: usize) -> bool {
        let sentences = self.sentences();
        let i = sentences.partition_point(|s| s.start <= p);
        match i.checked_sub(1).map(|i| &sentences[i]) {
            Some(s) if p < s.end => {
                !self.src[s.start..p].chars().any(char::is_alphanumeric)
                    && !self.src[s.clone()].chars().any(is_thai)
            }
            _ => true,
        }
    }
}

/// Word boundaries the dictionary segmenter finds in each maximal run of Thai
/// characters of `src`, as sorted byte offsets.
fn thai_breaks(src: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut run: Option<usize> = None;
    let segment = |start: usize, end: usize, out: &mut Vec<usize>| {
        out.extend(SEGMENTER.segment_str(&src[start..end]).map(|b| start + b));
    };
    for (i, c) in src.char_indices() {
        match (is_thai(c), run) {
            (true, None) => run = Some(i),
            (false, Some(start)) => {
                segment(start, i, &mut out);
                run = None;
            }
            _ => {}
        }
    }
    if let Some(start) = run {
        segment(start, src.len(), &mut out);
    }
    out.dedup();
    out
}

/// Marks that end a sentence wherever they stand (in runs: "?!", "!!!").
fn is_terminal(c: char) -> bool {
    matches!(c, '!' | '?' | '！' | '？' | '…' | '。')
}

/// Separators between labels ("Home | About", "Tea · Coffee").
fn is_label_separator(c: char) -> bool {
    matches!(c, '|' | '｜' | '•' | '·' | '¦')
}

/// Closing quotes and brackets that belong to the sentence they follow.
fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | ')' | ']' | '»' | '」' | '）')
}

/// Latin abbreviations whose full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "vs", "jr", "sr", "no", "approx", "fig",
];

/// Splits a text into sentences, as trimmed byte ranges of non-blank text.
///
/// A sentence ends at:
/// - a line break (every newline, so paragraphs and list items are separate; callers
///   with hard-wrapped prose should join its lines first);
/// - a run of `!`, `?`, `！`, `？`, `…`, `。` (with closing quotes), unless a Latin letter,
///   digit or URL character follows directly ("Yahoo!Japan", "?a=1");
/// - a `.` followed by a space, a closing quote or the end, except after a Thai letter
///   (Thai does not use full stops; "ธ.ค." and "กทม." are abbreviations), after a
///   single letter or a word with an inner dot ("J.", "e.g."), after a listed
///   abbreviation ("Mr."); "1.5", "฿89.-" and "tonkla.example" have no space after the
///   dot and never end a sentence;
/// - a tab, or a label separator standing between spaces (`|`, `｜`, `•`, `·`, `¦`): the
///   cells of a table row (PDF text marks cell gaps with tabs) and link lists such as
///   "Home | About | Privacy" are labels, not one sentence;
/// - whitespace between two Thai letters: Thai writes no full stop and separates clauses
///   and sentences with a space, so such a space is a boundary for counting words (a
///   space before the repetition mark "ๆ" is not).
pub(super) fn sentences(src: &str) -> Vec<Range<usize>> {
    let chars: Vec<(usize, char)> = src.char_indices().collect();
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let pos = |i: usize| chars.get(i).map_or(src.len(), |&(p, _)| p);
    let mut out = Vec::new();
    let mut start = 0;
    let push = |r: Range<usize>, out: &mut Vec<Range<usize>>| {
        let s = &src[r.clone()];
        let lead = s.len() - s.trim_start().len();
        let trimmed = s.trim();
        if !trimmed.is_empty() {
            out.push(r.start + lead..r.start + lead + trimmed.len());
        }
    };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        let label_separator = is_label_separator(c)
            && i > 0
            && at(i - 1).is_some_and(char::is_whitespace)
            && at(i + 1).is_none_or(char::is_whitespace);
        // (sentence end, next sentence start, index to continue from)
        let cut: Option<(usize, usize, usize)> =
            if matches!(c, '\n' | '\r' | '\t' | '\u{2028}' | '\u{2029}') || label_separator {
                Some((pos(i), pos(i + 1), i + 1))
            } else if is_terminal(c) {
                let mut j = i;
                while at(j).is_some_and(is_terminal) {
                    j += 1;
                }
                while at(j).is_some_and(is_closer) {
                    j += 1;
                }
                let glued = at(j).is_some_and(|n| {
                    n.is_ascii_alphanumeric() || matches!(n, '/' | '=' | '&' | '.' | '_' | '-')
                });
                (!glued).then(|| (pos(j), pos(j), j))
            } else if c == '.' && is_full_stop(&chars, i) {
                let mut j = i + 1;
                while at(j).is_some_and(is_closer) {
                    j += 1;
                }
                Some((pos(j), pos(j), j))
            } else if c.is_whitespace() && i > 0 && at(i - 1).is_some_and(is_thai_letter) {
                let mut j = i;
                while at(j).is_some_and(|n| n.is_whitespace() && !matches!(n, '\n' | '\r')) {
                    j += 1;
                }
                let clause = at(j).is_some_and(|n| is_thai_letter(n) && n != 'ๆ');
                clause.then(|| (pos(i), pos(j), j))
            } else {
                None
            };
        match cut {
            Some((end, next, j)) => {
                push(start..end, &mut out);
                start = next;
                i = j;
            }
            None => i += 1,
        }
    }
    push(start..src.len(), &mut out);
    out
}

/// Whether the `.` at `chars[i]` ends a sentence (see [`sentences`]).
fn is_full_stop(chars: &[(usize, char)], i: usize) -> bool {
    let next = chars.get(i + 1).map(|&(_, c)| c);
    if !next.is_none_or(|n| n.is_whitespace() || is_closer(n)) {
        return false;
    }
    let Some(prev) = i.checked_sub(1).map(|p| chars[p].1) else {
        return false;
    };
    if prev == '.' {
        return true; // the end of an ellipsis "..."
    }
    if is_thai(prev) && !prev.is_numeric() {
        return false;
    }
    let from = chars[..i]
        .iter()
        .rposition(|&(_, c)| c.is_whitespace())
        .map_or(0, |p| p + 1);
    let token: String = chars[from..i]
        .iter()
        .map(|&(_, c)| c)
        .skip_while(|c| !c.is_alphanumeric())
        .collect();
    let letters = token.chars().count();
    if token.contains('.') || (letters == 1 && token.chars().all(char::is_alphabetic)) {
        return false;
    }
    !ABBREVIATIONS.contains(&token.to_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(s: &str) -> Vec<&str> {
        sentences(s).into_iter().map(|r| &s[r]).collect()
    }

    #[test]
    fn thai_words_come_from_the_dictionary() {
        let s = "ลดราคาพิเศษสำหรับสมาชิก";
        let t = Text::new(s);
        assert_eq!(t.word_count(&(0..s.len())), 5); // ลด|ราคา|พิเศษ|สำหรับ|สมาชิก
        let t = Text::new("Cold Brew 1.5 ลิตร ฿89.-");
        assert_eq!(t.word_count(&(0..t.src.len())), 5);
    }

    #[test]
    fn edges_follow_words_in_both_scripts() {
        let s = "ของถูกใจ unguaranteed ผ่านLINE";
        let t = Text::new(s);
        let thuk = s.find("ถูก").unwrap();
        assert!(t.is_edge(thuk)); // ของ|ถูกใจ
        assert!(!t.is_edge(thuk + "ถูก".len())); // inside ถูกใจ
        let un = s.find("guaranteed").unwrap();
        assert!(!t.is_edge(un));
        assert!(t.is_edge(s.find("LINE").unwrap()));
        assert!(t.is_edge(0) && t.is_edge(s.len()));
    }

    #[test]
    fn folding_maps_back_to_original_bytes() {
        let s = "Tonkla\n  COFFEE ถูก\u{200B}ที่สุด";
        let f = Folded::new(s, Fold::Collapse);
        assert_eq!(f.text, "tonkla coffee ถูกที่สุด");
        let at = f.text.find("ถูกที่สุด").unwrap();
        assert_eq!(&s[f.original(at..f.text.len())], "ถูก\u{200B}ที่สุด");
        let f = Folded::new("I-phone  x", Fold::Squeeze);
        assert_eq!(f.text, "iphonex");
        assert_eq!(f.original(0..6), 0..7);
        let f = Folded::new("  ÀB\u{00A0}Ç ", Fold::Collapse);
        assert_eq!(f.text, "àb ç");
        assert_eq!(f.original(0..f.text.len()), 2..9); // "ÀB\u{A0}Ç"
    }

    #[test]
    fn english_sentences_skip_decimals_and_abbreviations() {
        assert_eq!(
            split("Only ฿89.- for 1.5 L. Mr. Lee, e.g. you, loves it! Really?! Yes… ok"),
            vec![
                "Only ฿89.- for 1.5 L. Mr. Lee, e.g. you, loves it!",
                "Really?!",
                "Yes…",
                "ok"
            ]
        );
        assert_eq!(
            split("Visit tonkla.example/?a=1 now.\n\nNext line"),
            vec!["Visit tonkla.example/?a=1 now.", "Next line"]
        );
    }

    #[test]
    fn thai_spaces_end_clauses_but_abbreviations_do_not() {
        assert_eq!(
            split("ใช้ได้ถึง 31 ธ.ค. 2569 เท่านั้น สั่งเลย ดี ๆ"),
            vec!["ใช้ได้ถึง 31 ธ.ค. 2569 เท่านั้น", "สั่งเลย", "ดี ๆ"]
        );
        assert_eq!(
            split("สั่งผ่าน LINE MAN ครบ 150 บาท ส่งฟรี"),
            vec!["สั่งผ่าน LINE MAN ครบ 150 บาท", "ส่งฟรี"]
        );
    }

    #[test]
    fn tabs_and_label_separators_end_labels() {
        // a table row from PDF text (cells separated by tabs), a link list
        assert_eq!(
            split("กาแฟเย็น\t฿89\tCold brew coffee\t฿75"),
            ["กาแฟเย็น", "฿89", "Cold brew coffee", "฿75"]
        );
        assert_eq!(
            split("Home | เกี่ยวกับเรา | Privacy policy · Terms"),
            ["Home", "เกี่ยวกับเรา", "Privacy policy", "Terms"]
        );
        // not between spaces: part of the word
        assert_eq!(split("a|b and c·d"), ["a|b and c·d"]);
    }

    #[test]
    fn sentence_start_ignores_bullets_and_numbers() {
        let s = "- Line up here\n1. Line two and Line\nLine ของร้าน";
        let t = Text::new(s);
        assert!(t.starts_latin_sentence(2));
        let second = s.find("1. Line").unwrap() + 3;
        assert!(t.starts_latin_sentence(second));
        assert!(!t.starts_latin_sentence(s.find("and Line").unwrap() + 4));
        assert!(!t.starts_latin_sentence(s.rfind("Line").unwrap()));
    }
}
