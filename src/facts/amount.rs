//! Amounts of money: a number with a currency before or after it, or a number written
//! as a price (`1,290.00`, `89.-`).

use std::fmt;
use std::ops::Range;

use super::digit;

/// A currency a campaign states prices in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Currency {
    Thb,
    Usd,
    /// A price without its currency (`1,290.00`): equal to any currency's same number
    /// when compared ([`Amount::same`]).
    Unstated,
}

/// An amount in hundredths (satang, cents).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Amount {
    pub minor: i64,
    pub currency: Currency,
}

impl Amount {
    /// Whether two amounts state the same price (an unstated currency matches any).
    pub fn same(&self, other: &Amount) -> bool {
        self.minor == other.minor
            && (self.currency == other.currency
                || self.currency == Currency::Unstated
                || other.currency == Currency::Unstated)
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let code = match self.currency {
            Currency::Thb => "THB ",
            Currency::Usd => "USD ",
            Currency::Unstated => "",
        };
        write!(f, "{code}{}.{:02}", self.minor / 100, self.minor % 100)
    }
}

/// Markers before a number: (text, currency), longest first.
const BEFORE: &[(&str, Currency)] = &[
    ("THB", Currency::Thb),
    ("USD", Currency::Usd),
    ("US$", Currency::Usd),
    ("฿", Currency::Thb),
    ("$", Currency::Usd),
];

/// Markers after a number.
const AFTER: &[(&str, Currency)] = &[
    ("บาท", Currency::Thb),
    ("THB", Currency::Thb),
    ("baht", Currency::Thb),
    ("Baht", Currency::Thb),
    ("USD", Currency::Usd),
    ("฿", Currency::Thb),
    (".-", Currency::Thb),
];

/// A number as written: its value in hundredths, its byte range, whether it had
/// thousands separators and how many decimals.
struct Number {
    minor: i64,
    range: Range<usize>,
    grouped: bool,
    decimals: usize,
}

/// Reads the number starting at byte `i` of `text` (a digit there).
fn number(text: &str, i: usize) -> Option<Number> {
    let mut units: i64 = 0;
    let mut end = i;
    let mut grouped = false;
    let mut digits = 0;
    let chars: Vec<(usize, char)> = text[i..]
        .char_indices()
        .take(64)
        .map(|(k, c)| (i + k, c))
        .collect();
    let mut k = 0;
    while k < chars.len() {
        let (at, c) = chars[k];
        if let Some(d) = digit(c) {
            units = units.checked_mul(10)?.checked_add(i64::from(d))?;
            digits += 1;
            end = at + c.len_utf8();
            k += 1;
        } else if c == ','
            && digits > 0
            && chars
                .get(k + 1..k + 4)
                .is_some_and(|g| g.iter().all(|(_, c)| digit(*c).is_some()))
            && chars.get(k + 4).is_none_or(|(_, c)| digit(*c).is_none())
        {
            grouped = true;
            k += 1;
        } else {
            break;
        }
    }
    if digits == 0 || digits > 12 {
        return None;
    }
    let mut minor = units.checked_mul(100)?;
    let mut decimals = 0;
    // decimals: ".5", ".50" (not ".-", not a third decimal)
    if let (Some((_, '.')), Some((_, d1))) = (chars.get(k), chars.get(k + 1))
        && let Some(d1) = digit(*d1)
    {
        let d2 = chars.get(k + 2).and_then(|(_, c)| digit(*c));
        let d3 = chars.get(k + 3).and_then(|(_, c)| digit(*c));
        if d3.is_none() {
            minor += i64::from(d1) * 10 + i64::from(d2.unwrap_or(0));
            decimals = if d2.is_some() { 2 } else { 1 };
            let last = chars[k + decimals];
            end = last.0 + last.1.len_utf8();
        }
    }
    Some(Number {
        minor,
        range: i..end,
        grouped,
        decimals,
    })
}

/// Every amount in `text` with its byte range.
pub fn find(text: &str) -> Vec<(Range<usize>, Amount)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        // a number starts at a digit that does not continue a word or another number
        let prev = text[..i].chars().next_back();
        let starts = digit(c).is_some()
            && !prev.is_some_and(|p| {
                digit(p).is_some() || p.is_ascii_alphabetic() || p == '.' || p == ','
            })
            || prev == Some('$') && digit(c).is_some();
        if !starts {
            i += c.len_utf8();
            continue;
        }
        let Some(n) = number(text, i) else {
            i += c.len_utf8();
            continue;
        };
        let mut range = n.range.clone();
        let before = text[..n.range.start].trim_end_matches([' ', '\u{a0}']);
        let after_start = n.range.end;
        let after = &text[after_start..];
        let after_trim = after.trim_start_matches([' ', '\u{a0}']);
        let mut currency = None;
        if let Some((m, cur)) = BEFORE.iter().find(|(m, _)| before.ends_with(m)) {
            // a Latin marker is a word of its own ("THB 89", not "XTHB 89")
            let at = before.len() - m.len();
            let word_start = !before[..at]
                .chars()
                .next_back()
                .is_some_and(|p| p.is_ascii_alphanumeric());
            if word_start {
                currency = Some(*cur);
                range.start = at;
            }
        }
        if currency.is_none()
            && let Some((m, cur)) = AFTER.iter().find(|(m, _)| {
                // ".-" sticks to the number; words may follow a space
                if *m == ".-" {
                    after.starts_with(m)
                } else {
                    after_trim.starts_with(m)
                        && !after_trim[m.len()..]
                            .chars()
                            .next()
                            .is_some_and(|n| n.is_ascii_alphabetic())
                }
            })
        {
            currency = Some(*cur);
            let skip = if *m == ".-" {
                0
            } else {
                after.len() - after_trim.len()
            };
            range.end = after_start + skip + m.len();
        } else if currency.is_some()
            && let Some(m) = [".-", ".–"].iter().find(|m| after.starts_with(**m))
        {
            // "฿89.-"
            range.end = after_start + m.len();
        }
        let currency = match currency {
            Some(c) => Some(c),
            // a price without currency: grouped with two decimals ("1,290.00")
            None if n.grouped && n.decimals == 2 => Some(Currency::Unstated),
            None => None,
        };
        if let Some(currency) = currency {
            out.push((
                range.clone(),
                Amount {
                    minor: n.minor,
                    currency,
                },
            ));
            i = range.end.max(i + 1);
        } else {
            i = n.range.end.max(i + 1);
        }
        while !text.is_char_boundary(i) {
            i += 1;
        }
    }
    out
}
