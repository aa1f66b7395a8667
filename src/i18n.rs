//! Words and formats that depend on the reader's language: the piece language ([`Lang`]),
//! the labels of the facts box, Thai (Buddhist-era) and English dates. Bottom layer.

use std::fmt;
use std::ops::Deref;
use std::str::FromStr;

use serde::{Serialize, Serializer};
use toml::value::Datetime;

/// A piece's language: the languages brandpress sets text in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    Th,
    En,
}

impl Lang {
    /// The BCP 47 tag (`th`, `en`), as `lang=""`, `Content-Language` and PDF metadata use it.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Th => "th",
            Lang::En => "en",
        }
    }

    /// The language of a text with no declared one: Thai when at least a fifth of its
    /// letters are Thai.
    pub fn detect(text: &str) -> Lang {
        let letters = text.chars().filter(|c| c.is_alphabetic()).count();
        let thai = text
            .chars()
            .filter(|c| ('\u{0E00}'..='\u{0E7F}').contains(c))
            .count();
        if letters > 0 && thai * 5 >= letters {
            Lang::Th
        } else {
            Lang::En
        }
    }
}

/// The tag as a string, so templates and headers take `&piece.lang` as `&str`.
impl Deref for Lang {
    type Target = str;
    fn deref(&self) -> &str {
        self.tag()
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

impl FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Lang, String> {
        match s {
            "th" => Ok(Lang::Th),
            "en" => Ok(Lang::En),
            _ => Err(format!("lang {s:?} is not supported: use \"th\" or \"en\"")),
        }
    }
}

impl Serialize for Lang {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.tag())
    }
}

impl PartialEq<&str> for Lang {
    fn eq(&self, other: &&str) -> bool {
        self.tag() == *other
    }
}

/// Labels of the facts box, in the piece's language.
#[derive(Serialize)]
pub struct Labels {
    pub price: &'static str,
    pub promo_code: &'static str,
    pub valid: &'static str,
    pub until: &'static str,
}

impl Labels {
    pub fn for_lang(lang: Lang) -> Labels {
        if lang == Lang::Th {
            Labels {
                price: "ราคา",
                promo_code: "โค้ดส่วนลด",
                valid: "ระยะเวลา",
                until: "ถึง",
            }
        } else {
            Labels {
                price: "Price",
                promo_code: "Promo code",
                valid: "Valid",
                until: "to",
            }
        }
    }
}

/// `n` and the English noun for it, singular for one: "1 piece", "3 pieces", "0 errors".
/// Messages of the tool itself are English; `many` is the plural.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A date as readers of `lang` expect it: Thai uses the Buddhist era and Thai month
/// abbreviations ("1 ธ.ค. 2569"); English "1 Dec 2026".
pub fn format_date(date: &Datetime, lang: Lang) -> String {
    let Some(d) = date.date else {
        return date.to_string();
    };
    const TH: [&str; 12] = [
        "ม.ค.",
        "ก.พ.",
        "มี.ค.",
        "เม.ย.",
        "พ.ค.",
        "มิ.ย.",
        "ก.ค.",
        "ส.ค.",
        "ก.ย.",
        "ต.ค.",
        "พ.ย.",
        "ธ.ค.",
    ];
    const EN: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let m = (d.month.clamp(1, 12) - 1) as usize;
    if lang == Lang::Th {
        format!("{} {} {}", d.day, TH[m], d.year as u32 + 543)
    } else {
        format!("{} {} {}", d.day, EN[m], d.year)
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn counts_are_grammatical() {
        assert_eq!(count(1, "piece", "pieces"), "1 piece");
        assert_eq!(count(0, "piece", "pieces"), "0 pieces");
        assert_eq!(count(2, "info", "info"), "2 info");
    }

    use super::*;

    #[test]
    fn thai_dates_use_the_buddhist_era() {
        let d: Datetime = "2026-12-01".parse().unwrap();
        assert_eq!(format_date(&d, Lang::Th), "1 ธ.ค. 2569");
        assert_eq!(format_date(&d, Lang::En), "1 Dec 2026");
        assert_eq!(Labels::for_lang(Lang::Th).promo_code, "โค้ดส่วนลด");
    }

    #[test]
    fn languages_are_detected_and_parsed() {
        assert_eq!(Lang::detect("กาแฟสกัดเย็น Cold Brew"), Lang::Th);
        assert_eq!(Lang::detect("Cold brew is back"), Lang::En);
        assert_eq!("th".parse::<Lang>(), Ok(Lang::Th));
        assert!("jp".parse::<Lang>().is_err());
        assert_eq!(&*Lang::Th, "th");
    }
}
