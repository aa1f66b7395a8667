//! Campaign facts read back from text: amounts, promo codes, dates, links, phone numbers
//! and LINE IDs, in Thai and English, each with the byte range it was read from and a
//! normalized value that compares equal however the channel wrote it (`฿89`, `89 บาท` and
//! `89.-` are all THB 89.00; `1 ธ.ค. 2569`, `๑ ธ.ค. ๖๙` and `2026-12-01` are all
//! 2026-12-01).
//!
//! The readers are linear scans over the text's characters, with no regular expressions
//! and no backtracking: any text, hostile or huge, is read in one pass per kind, and at
//! most [`MAX_FACTS`] facts are kept.
//!
//! - [`amount`]: `฿89`, `฿ 1,290`, `89 บาท`, `89.-`, `THB 1,290`, `1,290.00`, `$12`,
//!   `USD 12`, Thai digits.
//! - [`date`]: Thai months, full (`ธันวาคม`) and abbreviated (`ธ.ค.`), with Buddhist-era
//!   years (`2569`, `พ.ศ. 2569`, short `69`); English months (`1 Dec 2026`,
//!   `December 1, 2026`); ISO (`2026-12-01`); day/month/year (`1/12/2569`); ranges
//!   (`1–31 ธ.ค.`, `1 ธ.ค. – 5 ม.ค. 2570`, `Dec 1–31, 2026`).
//! - [`contact`]: Thai phone numbers (`02-123-4567`, `081 234 5678`,
//!   `+66 81 234 5678`) as E.164, LINE IDs (`@tonkla`), links without their UTM
//!   parameters.
//! - Promo codes: upper-case codes with a digit (`WINTER26`, `MEMBER2X`), any code after a
//!   code word (`code`, `โค้ด`, `รหัส`, `coupon`, `คูปอง`), and the codes the caller knows
//!   ([`Hints::codes`], from the campaign's front matter).

pub mod amount;
pub mod contact;
pub mod date;

use std::fmt;
use std::ops::Range;

pub use amount::{Amount, Currency};
pub use date::{Date, DateSpan};

/// Facts kept per text; more are dropped (a page does not state thousands of prices).
pub const MAX_FACTS: usize = 10_000;

/// What a fact is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FactKind {
    Amount,
    PromoCode,
    Date,
    Url,
    Phone,
    LineId,
}

impl FactKind {
    /// The kind's name in reports and the manifest.
    pub fn name(self) -> &'static str {
        match self {
            FactKind::Amount => "amount",
            FactKind::PromoCode => "promo_code",
            FactKind::Date => "date",
            FactKind::Url => "url",
            FactKind::Phone => "phone",
            FactKind::LineId => "line_id",
        }
    }
}

/// A fact's normalized value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Value {
    Amount(Amount),
    /// Upper case, as codes are entered.
    PromoCode(String),
    Date(DateSpan),
    /// Without `utm_*` parameters and fragment, host in lower case.
    Url(String),
    /// E.164: `+6621234567`.
    Phone(String),
    /// Lower case with its `@`.
    LineId(String),
}

impl Value {
    pub fn kind(&self) -> FactKind {
        match self {
            Value::Amount(_) => FactKind::Amount,
            Value::PromoCode(_) => FactKind::PromoCode,
            Value::Date(_) => FactKind::Date,
            Value::Url(_) => FactKind::Url,
            Value::Phone(_) => FactKind::Phone,
            Value::LineId(_) => FactKind::LineId,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Amount(a) => a.fmt(f),
            Value::Date(d) => d.fmt(f),
            Value::PromoCode(s) | Value::Url(s) | Value::Phone(s) | Value::LineId(s) => {
                f.write_str(s)
            }
        }
    }
}

/// One fact found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub value: Value,
    /// Byte range of the text it was read from.
    pub range: Range<usize>,
}

impl Fact {
    pub fn kind(&self) -> FactKind {
        self.value.kind()
    }
}

/// What the caller already knows about the campaign.
#[derive(Debug, Clone, Default)]
pub struct Hints {
    /// Promo codes of the campaign: found wherever they stand, in any case.
    pub codes: Vec<String>,
}

/// Every fact in `text`, in text order. Dates are read first, so a date's numbers are
/// not read again as amounts or phone numbers; an amount's digits are not a phone number.
pub fn extract(text: &str, hints: &Hints) -> Vec<Fact> {
    let mut facts: Vec<Fact> = Vec::new();
    // bytes already read as a fact (one flag per byte: linear whatever the text holds)
    let mut taken = vec![false; text.len()];
    let mut add = |facts: &mut Vec<Fact>, range: Range<usize>, value: Value| {
        let range = range.start.min(text.len())..range.end.min(text.len());
        if taken[range.clone()].iter().any(|t| *t) {
            return;
        }
        taken[range.clone()].iter_mut().for_each(|t| *t = true);
        facts.push(Fact { value, range });
    };
    for (range, span) in date::find(text) {
        add(&mut facts, range, Value::Date(span));
    }
    for (range, url) in contact::urls(text) {
        add(&mut facts, range, Value::Url(url));
    }
    for (range, a) in amount::find(text) {
        add(&mut facts, range, Value::Amount(a));
    }
    for (range, phone) in contact::phones(text) {
        add(&mut facts, range, Value::Phone(phone));
    }
    for (range, id) in contact::line_ids(text) {
        add(&mut facts, range, Value::LineId(id));
    }
    for (range, code) in promo_codes(text, hints) {
        add(&mut facts, range, Value::PromoCode(code));
    }
    facts.sort_by_key(|f| (f.range.start, f.range.end));
    facts.truncate(MAX_FACTS);
    facts
}

/// Reads one whole string as a fact of `kind` (a front matter value: `price = "฿89"`),
/// `None` when it is not one.
pub fn parse(kind: FactKind, s: &str) -> Option<Value> {
    let whole = |r: &Range<usize>| s[..r.start].trim().is_empty() && s[r.end..].trim().is_empty();
    match kind {
        FactKind::Amount => amount::find(s)
            .into_iter()
            .find(|(r, _)| whole(r))
            .map(|(_, a)| Value::Amount(a)),
        FactKind::Date => date::find(s)
            .into_iter()
            .find(|(r, _)| whole(r))
            .map(|(_, d)| Value::Date(d)),
        FactKind::Url => contact::urls(s)
            .into_iter()
            .find(|(r, _)| whole(r))
            .map(|(_, u)| Value::Url(u)),
        FactKind::Phone => contact::phones(s)
            .into_iter()
            .find(|(r, _)| whole(r))
            .map(|(_, p)| Value::Phone(p)),
        FactKind::LineId => contact::line_ids(s)
            .into_iter()
            .find(|(r, _)| whole(r))
            .map(|(_, l)| Value::LineId(l)),
        FactKind::PromoCode => {
            let code = s.trim();
            (is_code_token(code) && !code.is_empty()).then(|| Value::PromoCode(code.to_uppercase()))
        }
    }
}

/// A decimal digit, ASCII or Thai (๐–๙).
pub(crate) fn digit(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '๐'..='๙' => Some(c as u32 - '๐' as u32),
        _ => None,
    }
}

/// Characters of a promo code.
fn is_code_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

fn is_code_token(s: &str) -> bool {
    (3..=24).contains(&s.len()) && s.chars().all(is_code_char)
}

/// Words after which the next token is a code.
const CODE_WORDS: &[&str] = &[
    "code",
    "codes",
    "coupon",
    "promo",
    "voucher",
    "โค้ด",
    "รหัส",
    "คูปอง",
    "โค๊ด",
];

/// Promo codes in `text` (see the module docs).
fn promo_codes(text: &str, hints: &Hints) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    let mut prev_word = String::new();
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < text.len() {
        let c = text[i..].chars().next().unwrap_or(' ');
        if !is_code_char(c) {
            // a Thai word before a code: keep the last Thai run as the previous word
            if ('\u{0E00}'..='\u{0E7F}').contains(&c) {
                let end = text[i..]
                    .char_indices()
                    .find(|(_, c)| !('\u{0E00}'..='\u{0E7F}').contains(c))
                    .map_or(text.len(), |(k, _)| i + k);
                prev_word = text[i..end].to_string();
                i = end;
                continue;
            }
            if !c.is_whitespace() && !matches!(c, ':' | '"' | '“' | '”' | '\'' | '(') {
                prev_word.clear();
            }
            i += c.len_utf8();
            continue;
        }
        let end = bytes[i..]
            .iter()
            .position(|&b| !(b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
            .map_or(text.len(), |k| i + k);
        let token = text[i..end].trim_matches(['-', '_']);
        let start = i + text[i..end].find(token).unwrap_or(0);
        let range = start..start + token.len();
        let upper = token.chars().any(|c| c.is_ascii_uppercase())
            && !token.chars().any(|c| c.is_ascii_lowercase());
        let has_digit = token.chars().any(|c| c.is_ascii_digit());
        let has_letter = token.chars().any(|c| c.is_ascii_alphabetic());
        // The previous word is a Thai run (no case) or an ASCII token: comparing its
        // bytes without ASCII case is comparing it in lower case.
        let after_word = CODE_WORDS.iter().any(|w| {
            prev_word.len() >= w.len()
                && prev_word.as_bytes()[prev_word.len() - w.len()..]
                    .eq_ignore_ascii_case(w.as_bytes())
        });
        let known = hints.codes.iter().any(|k| k.eq_ignore_ascii_case(token));
        let looks = upper && has_digit && has_letter && token.len() >= 4 && !is_unit(token);
        // after a code word: a code-like token (upper case or with a digit), or any
        // Latin token after a Thai code word ("รหัส tonklanew"); never a code word itself
        // ("promo code") nor an English word ("code at checkout")
        let thai_word = prev_word
            .chars()
            .any(|c| ('\u{0E00}'..='\u{0E7F}').contains(&c));
        let code_like = upper || has_digit || thai_word;
        let is_word = CODE_WORDS.iter().any(|w| w.eq_ignore_ascii_case(token));
        let named = after_word && has_letter && code_like && !is_word && token.len() >= 4;
        if is_code_token(token) && (known || looks || named) {
            out.push((range, token.to_uppercase()));
        }
        prev_word = token.to_string();
        i = end;
    }
    out
}

/// Upper-case tokens with digits that are units or formats, not codes.
fn is_unit(token: &str) -> bool {
    let t = token.to_ascii_uppercase();
    t.starts_with("UTF")
        || t.starts_with("ISO")
        || matches!(
            t.as_str(),
            "MP3" | "MP4" | "H264" | "A4" | "A5" | "4K" | "5G" | "4G" | "HTML5" | "CSS3" | "ES6"
        )
        || t.ends_with("MM")
        || t.ends_with("KB")
        || t.ends_with("MB")
        || t.ends_with("GB")
        || t.ends_with("ML")
        || t.ends_with("PX")
}

#[cfg(test)]
mod tests;
