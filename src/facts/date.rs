//! Dates and date ranges, Thai and English (see the module docs of [`super`]).
//!
//! Buddhist-era years are Gregorian plus 543. A year from 2400 on, or after `พ.ศ.`, is
//! Buddhist; a two-digit year after a Thai month is a short Buddhist year (`69` is
//! 2569, 2026), after an English month a short Gregorian one (`26` is 2026).

use std::fmt;
use std::ops::Range;

use super::digit;

/// A calendar date; the year is unknown where the text leaves it out (`1–31 ธ.ค.`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    pub year: Option<i32>,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Whether two dates can be the same day (a missing year matches any).
    pub fn same(&self, other: &Date) -> bool {
        self.month == other.month
            && self.day == other.day
            && (self.year.is_none() || other.year.is_none() || self.year == other.year)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.year {
            Some(y) => write!(f, "{y:04}-{:02}-{:02}", self.month, self.day),
            None => write!(f, "--{:02}-{:02}", self.month, self.day),
        }
    }
}

/// A date, or a range of dates (`end` after `start`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateSpan {
    pub start: Date,
    pub end: Option<Date>,
}

impl fmt::Display for DateSpan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.end {
            Some(end) => write!(f, "{}/{end}", self.start),
            None => self.start.fmt(f),
        }
    }
}

/// Thai month names, full then abbreviated, by month number.
const THAI_MONTHS: [(&str, &str); 12] = [
    ("มกราคม", "ม.ค."),
    ("กุมภาพันธ์", "ก.พ."),
    ("มีนาคม", "มี.ค."),
    ("เมษายน", "เม.ย."),
    ("พฤษภาคม", "พ.ค."),
    ("มิถุนายน", "มิ.ย."),
    ("กรกฎาคม", "ก.ค."),
    ("สิงหาคม", "ส.ค."),
    ("กันยายน", "ก.ย."),
    ("ตุลาคม", "ต.ค."),
    ("พฤศจิกายน", "พ.ย."),
    ("ธันวาคม", "ธ.ค."),
];

const ENGLISH_MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// A month name found in the text.
#[derive(Clone, Copy)]
struct Month {
    month: u8,
    thai: bool,
    range: (usize, usize),
}

/// The Thai month names as [`month_at`] tries them, by their first character (a letter
/// of the Thai block, U+0E00–U+0E7F): (name, month), in the order of THAI_MONTHS (full
/// name, abbreviation, abbreviation without its dot). Most Thai letters start no month
/// name, and `month_at` runs at every letter of the text.
fn thai_month_names(first: char) -> &'static [(&'static str, u8)] {
    static NAMES: std::sync::LazyLock<Vec<Vec<(&'static str, u8)>>> =
        std::sync::LazyLock::new(|| {
            let mut names = vec![Vec::new(); 0x80];
            for (k, (full, abbr)) in THAI_MONTHS.iter().enumerate() {
                for name in [*full, *abbr, abbr.trim_end_matches('.')] {
                    let first = name.chars().next().map_or(0, |c| c as u32);
                    if let Some(slot) = first
                        .checked_sub(0x0E00)
                        .and_then(|i| names.get_mut(i as usize))
                    {
                        slot.push((name, k as u8 + 1));
                    }
                }
            }
            names
        });
    (first as u32)
        .checked_sub(0x0E00)
        .and_then(|i| NAMES.get(i as usize))
        .map_or(&[], Vec::as_slice)
}

/// The month name starting at byte `i`, if any: Thai full or abbreviated (also without
/// its last dot, "ธ.ค"), English full or three letters (and "Sept"), capitalized, as a
/// word.
fn month_at(text: &str, i: usize) -> Option<Month> {
    let rest = &text[i..];
    // Thai month names start with a Thai letter (UTF-8 lead byte E0), English ones with
    // an upper-case ASCII letter: any other byte starts no month.
    let first = *rest.as_bytes().first()?;
    if first != 0xE0 && !first.is_ascii_uppercase() {
        return None;
    }
    if first == 0xE0 {
        // Only the names that start with the text's character are compared, in the
        // order of THAI_MONTHS (full name, abbreviation, abbreviation without its dot).
        let c = rest.chars().next()?;
        for &(name, month) in thai_month_names(c) {
            if rest.starts_with(name) {
                return Some(Month {
                    month,
                    thai: true,
                    range: (i, i + name.len()),
                });
            }
        }
        // (English names start with an ASCII letter)
        return None;
    }
    if text[..i]
        .chars()
        .next_back()
        .is_some_and(|c| c.is_ascii_alphabetic())
    {
        return None;
    }
    let word_len = rest
        .bytes()
        .position(|b| !b.is_ascii_alphabetic())
        .unwrap_or(rest.len());
    if word_len < 3 {
        return None;
    }
    // English month names are capitalized ("May", "DEC"): "you may 5" is no date
    if !rest.starts_with(|c: char| c.is_ascii_uppercase()) {
        return None;
    }
    let word = rest[..word_len].to_ascii_lowercase();
    let k = ENGLISH_MONTHS.iter().position(|m| {
        *m == word
            || (word.len() == 3 && m.starts_with(&word))
            || (word == "sept" && *m == "september")
    })?;
    // "May" alone is a month only next to a day number (checked by the callers)
    let mut end = i + word_len;
    if word.len() < ENGLISH_MONTHS[k].len() && text[end..].starts_with('.') {
        end += 1;
    }
    Some(Month {
        month: k as u8 + 1,
        thai: false,
        range: (i, end),
    })
}

/// A run of digits (ASCII or Thai) ending right before byte `end` (spaces skipped
/// first): its value, its start and how many digits.
fn number_before(text: &str, end: usize) -> Option<(u32, usize, usize)> {
    let trimmed = text[..end].trim_end_matches([' ', '\u{a0}']);
    let mut start = trimmed.len();
    let mut count = 0;
    for (k, c) in trimmed.char_indices().rev() {
        if digit(c).is_some() && count < 4 {
            start = k;
            count += 1;
        } else {
            break;
        }
    }
    if count == 0 {
        return None;
    }
    // a digit before the run: a longer number, not a day
    if trimmed[..start]
        .chars()
        .next_back()
        .is_some_and(|c| digit(c).is_some() || c.is_ascii_alphabetic())
    {
        return None;
    }
    let value = trimmed[start..]
        .chars()
        .try_fold(0u32, |v, c| Some(v * 10 + digit(c)?))?;
    Some((value, start, count))
}

/// A run of digits starting at byte `start` (spaces skipped first): value, end, count.
fn number_after(text: &str, start: usize) -> Option<(u32, usize, usize)> {
    let skipped = text[start..].len() - text[start..].trim_start_matches([' ', '\u{a0}']).len();
    let from = start + skipped;
    let mut end = from;
    let mut count = 0;
    let mut value = 0u32;
    for (k, c) in text[from..].char_indices() {
        match digit(c) {
            Some(d) if count < 4 => {
                value = value * 10 + d;
                count += 1;
                end = from + k + c.len_utf8();
            }
            _ => break,
        }
    }
    if count == 0
        || text[end..]
            .chars()
            .next()
            .is_some_and(|c| digit(c).is_some() || c.is_ascii_alphabetic())
    {
        return None;
    }
    Some((value, end, count))
}

/// Dashes between the two ends of a range.
fn dash_before(text: &str, end: usize) -> Option<usize> {
    let t = text[..end].trim_end_matches([' ', '\u{a0}']);
    if let Some(d) = ['–', '—', '-', '~'].iter().find(|d| t.ends_with(**d)) {
        return Some(t.len() - d.len_utf8());
    }
    // "1 ถึง 31 ธันวาคม", "1 to 31 December"
    ["ถึง", " to"]
        .iter()
        .find(|w| t.ends_with(**w))
        .map(|w| t.len() - w.len())
}

fn dash_after(text: &str, start: usize) -> Option<usize> {
    let skipped = text[start..].len() - text[start..].trim_start_matches([' ', '\u{a0}']).len();
    let from = start + skipped;
    let rest = &text[from..];
    if let Some(d) = ['–', '—', '-', '~'].iter().find(|d| rest.starts_with(**d)) {
        return Some(from + d.len_utf8());
    }
    // "ถึง" (to), "to", "until"
    for word in ["ถึง", "to ", "until ", "จนถึง"] {
        if rest.starts_with(word) {
            return Some(from + word.len());
        }
    }
    None
}

/// The year after a month ending at byte `end`: value as Gregorian and its end.
fn year_after(text: &str, end: usize, thai: bool) -> Option<(i32, usize)> {
    let mut at = end;
    let rest = text[at..].trim_start_matches([' ', '\u{a0}', ',']);
    let mut buddhist = false;
    let mut gregorian = false;
    let mut rest_start = text.len() - rest.len();
    for (era, be) in [
        ("พ.ศ.", true),
        ("พ.ศ", true),
        ("ค.ศ.", false),
        ("ค.ศ", false),
    ] {
        if rest.starts_with(era) {
            buddhist = be;
            gregorian = !be;
            rest_start += era.len();
            break;
        }
    }
    at = rest_start;
    let (value, end, count) = number_after(text, at)?;
    let value = value as i32;
    let year = match count {
        4 if buddhist || value >= 2400 => value - 543,
        4 => value,
        2 if gregorian => 2000 + value,
        2 if thai || buddhist => 2500 + value - 543,
        2 => 2000 + value,
        _ => return None,
    };
    (1900..=2200).contains(&year).then_some((year, end))
}

fn days_in(month: u8, year: Option<i32>) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 => match year {
            Some(y) if !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) => 28,
            _ => 29,
        },
        _ => 31,
    }
}

fn valid(d: &Date) -> bool {
    (1..=12).contains(&d.month) && d.day >= 1 && d.day <= days_in(d.month, d.year)
}

/// Every date and range in `text` with its byte range.
pub fn find(text: &str) -> Vec<(Range<usize>, DateSpan)> {
    let mut out: Vec<(Range<usize>, DateSpan)> = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let found = month_at(text, i)
            .and_then(|m| around_month(text, m))
            .or_else(|| numeric_at(text, i));
        match found {
            Some((range, span)) if range.end > i => {
                // a range's first part may have been read already ("1 ธ.ค. – 5 ม.ค.")
                while out.last().is_some_and(|(r, _)| r.end > range.start) {
                    out.pop();
                }
                out.push((range.clone(), span));
                i = range.end;
            }
            _ => i += text[i..].chars().next().map_or(1, char::len_utf8),
        }
    }
    out.sort_by_key(|(r, _)| r.start);
    out
}

/// A date around the month name `m`: day before (Thai and British order, with a range
/// `1–31 ธ.ค.`), or day after (American order, `Dec 1–31, 2026`); a year after; a whole
/// range `1 ธ.ค. – 5 ม.ค. 2570`.
fn around_month(text: &str, m: Month) -> Option<(Range<usize>, DateSpan)> {
    let (ms, me) = m.range;
    // day before the month
    if let Some((day, ds, dcount)) = number_before(text, ms)
        && dcount <= 2
    {
        let mut start = ds;
        let mut first_day = None;
        if let Some(dash) = dash_before(text, ds)
            && let Some((d0, s0, c0)) = number_before(text, dash)
            && c0 <= 2
        {
            first_day = Some(d0);
            start = s0;
        }
        let (year, mut end) = match year_after(text, me, m.thai) {
            Some((y, e)) => (Some(y), e),
            None => (None, me),
        };
        let mut span = match first_day {
            Some(d0) => DateSpan {
                start: Date {
                    year,
                    month: m.month,
                    day: d0 as u8,
                },
                end: Some(Date {
                    year,
                    month: m.month,
                    day: day as u8,
                }),
            },
            None => DateSpan {
                start: Date {
                    year,
                    month: m.month,
                    day: day as u8,
                },
                end: None,
            },
        };
        // "1 ธ.ค. – 5 ม.ค. 2570": a second date after a dash
        if span.end.is_none()
            && let Some(after_dash) = dash_after(text, end)
            && let Some((d2, d2_end, c2)) = number_after(text, after_dash)
            && c2 <= 2
        {
            let skipped = text[d2_end..].len() - text[d2_end..].trim_start().len();
            if let Some(m2) = month_at(text, d2_end + skipped) {
                let (y2, e2) = match year_after(text, m2.range.1, m2.thai) {
                    Some((y, e)) => (Some(y), e),
                    None => (None, m2.range.1),
                };
                let end_date = Date {
                    year: y2,
                    month: m2.month,
                    day: d2 as u8,
                };
                if span.start.year.is_none() {
                    span.start.year = y2.map(|y| if m2.month < m.month { y - 1 } else { y });
                }
                span.end = Some(end_date);
                end = e2;
            }
        }
        if !valid(&span.start) || span.end.as_ref().is_some_and(|e| !valid(e)) {
            return None;
        }
        return Some((start..end, span));
    }
    // English order: month, day, optional range, optional year
    if !m.thai {
        let (day, dend, dcount) = number_after(text, me)?;
        if dcount > 2 {
            return None;
        }
        let mut end = dend;
        let mut last_day = None;
        if let Some(after) = dash_after(text, dend)
            && let Some((d2, e2, c2)) = number_after(text, after)
            && c2 <= 2
        {
            last_day = Some(d2);
            end = e2;
        }
        let year = match year_after(text, end, false) {
            Some((y, e))
                if text[end..].trim_start().starts_with(',') || text[end..].starts_with(' ') =>
            {
                end = e;
                Some(y)
            }
            _ => None,
        };
        let start = Date {
            year,
            month: m.month,
            day: day as u8,
        };
        let span = DateSpan {
            start,
            end: last_day.map(|d| Date {
                year,
                month: m.month,
                day: d as u8,
            }),
        };
        if !valid(&span.start) || span.end.as_ref().is_some_and(|e| !valid(e)) {
            return None;
        }
        return Some((ms..end, span));
    }
    None
}

/// ISO `2026-12-01` or day/month/year `1/12/2569`, `01.12.2026` starting at byte `i`.
fn numeric_at(text: &str, i: usize) -> Option<(Range<usize>, DateSpan)> {
    let c = text[i..].chars().next()?;
    digit(c)?;
    if text[..i].chars().next_back().is_some_and(|p| {
        digit(p).is_some() || p.is_ascii_alphabetic() || matches!(p, '/' | '-' | '.')
    }) {
        return None;
    }
    let (a, a_end, a_count) = number_after(text, i)?;
    let sep = text[a_end..].chars().next()?;
    if !matches!(sep, '-' | '/' | '.') {
        return None;
    }
    let (b, b_end, b_count) = number_after(text, a_end + 1)?;
    if !text[b_end..].starts_with(sep) {
        return None;
    }
    let (c3, c_end, c_count) = number_after(text, b_end + 1)?;
    let date = if a_count == 4 && sep == '-' && b_count <= 2 && c_count <= 2 {
        // ISO year-month-day
        let year = if a >= 2400 { a as i32 - 543 } else { a as i32 };
        Date {
            year: Some(year),
            month: b as u8,
            day: c3 as u8,
        }
    } else if a_count <= 2 && b_count <= 2 && c_count == 4 {
        // day/month/year, as Thailand and Europe write it
        let year = if c3 >= 2400 {
            c3 as i32 - 543
        } else {
            c3 as i32
        };
        Date {
            year: Some(year),
            month: b as u8,
            day: a as u8,
        }
    } else {
        return None;
    };
    if !valid(&date) || text[c_end..].starts_with(sep) {
        return None;
    }
    Some((
        i..c_end,
        DateSpan {
            start: date,
            end: None,
        },
    ))
}
