//! Where text ends on its line, as far as extraction needs it: how wide a shown string is
//! (the font's `/Widths`, or a CID font's `/W` and `/DW`), so that a jump to the right
//! between two strings of one line is read as what it is — a word space, or a table
//! cell, a tab stop or a second column, which the tone rules must not read as one
//! sentence (see `lint::tone::text::sentences`: a tab ends a sentence).

use std::collections::HashMap;

use lopdf::{Dictionary, Document, Object};

/// A jump of more than this many ems between two strings of a line is a cell gap (a
/// tab); more than [`WORD_GAP_EMS`], a word space.
pub const CELL_GAP_EMS: f32 = 1.2;
/// See [`CELL_GAP_EMS`]; with estimated widths ([`Widths::estimated`]) gaps must be
/// twice as wide to count.
pub const WORD_GAP_EMS: f32 = 0.2;

/// Entries read from a `/Widths` or `/W` array at most (a font has at most 65,536 codes).
const MAX_ENTRIES: usize = 65_536;

/// Glyph widths of one font, in thousandths of an em.
#[derive(Debug)]
pub struct Widths {
    /// Simple fonts: one-byte codes from `first`.
    simple: Option<(u32, Vec<f32>)>,
    /// CID fonts with two-byte codes (Identity-H/V): widths by CID.
    cid: Option<HashMap<u32, f32>>,
    /// Width of a code without an entry.
    missing: f32,
    /// No widths in the font (the standard 14): an average width is assumed.
    pub estimated: bool,
    /// The font's ascent and descent in ems (its descriptor's `/Ascent` and `/Descent`,
    /// else 0.9 and −0.25): how far a line of it reaches above and below its baseline,
    /// for the box of a text run.
    pub ascent: f32,
    pub descent: f32,
}

impl Default for Widths {
    fn default() -> Self {
        Widths {
            simple: None,
            cid: None,
            missing: 0.0,
            estimated: false,
            ascent: DEFAULT_ASCENT,
            descent: DEFAULT_DESCENT,
        }
    }
}

/// Ascent and descent assumed for a font whose descriptor gives none (or absurd ones).
const DEFAULT_ASCENT: f32 = 0.9;
const DEFAULT_DESCENT: f32 = -0.25;

/// The ascent and descent (ems) of `font`'s descriptor, or of its descendant's for a
/// composite font.
fn metrics(doc: &Document, font: &Dictionary) -> (f32, f32) {
    fn dict<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Dictionary> {
        deref(doc, o).as_dict().ok()
    }
    let descriptor = font
        .get(b"FontDescriptor")
        .ok()
        .and_then(|o| dict(doc, o))
        .or_else(|| {
            let descendant = font
                .get(b"DescendantFonts")
                .ok()
                .map(|o| deref(doc, o))
                .and_then(|o| o.as_array().ok())
                .and_then(|a| a.first())
                .and_then(|o| dict(doc, o))?;
            descendant
                .get(b"FontDescriptor")
                .ok()
                .and_then(|o| dict(doc, o))
        });
    let value = |key: &[u8]| {
        descriptor
            .and_then(|d| d.get(key).ok())
            .and_then(|o| number(deref(doc, o)))
            .map(|v| v / 1000.0)
    };
    let ascent = value(b"Ascent")
        .filter(|a| *a > 0.05 && *a <= 2.5)
        .unwrap_or(DEFAULT_ASCENT);
    let descent = value(b"Descent")
        .filter(|d| *d <= 0.0 && *d >= -1.5)
        .unwrap_or(DEFAULT_DESCENT);
    (ascent, descent)
}

fn number(o: &Object) -> Option<f32> {
    o.as_float()
        .ok()
        .or_else(|| o.as_i64().ok().map(|i| i as f32))
}

fn deref<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(id) => doc.get_object(*id).unwrap_or(o),
        _ => o,
    }
}

impl Widths {
    /// The widths of `font` (a font dictionary), with its ascent and descent.
    pub fn of(doc: &Document, font: &Dictionary) -> Widths {
        let (ascent, descent) = metrics(doc, font);
        Widths {
            ascent,
            descent,
            ..Widths::read(doc, font)
        }
    }

    fn read(doc: &Document, font: &Dictionary) -> Widths {
        let array = |d: &Dictionary, key: &[u8]| -> Option<Vec<Object>> {
            d.get(key)
                .ok()
                .map(|o| deref(doc, o))
                .and_then(|o| o.as_array().ok())
                .map(|a| a.iter().take(MAX_ENTRIES).cloned().collect())
        };
        let subtype = font.get(b"Subtype").and_then(|s| s.as_name()).ok();
        if subtype == Some(b"Type0") {
            let identity = font
                .get(b"Encoding")
                .and_then(|e| e.as_name())
                .is_ok_and(|n| n == b"Identity-H" || n == b"Identity-V");
            let descendant = array(font, b"DescendantFonts")
                .and_then(|a| a.first().cloned())
                .and_then(|d| deref(doc, &d).as_dict().ok().cloned());
            let Some(cid_font) = descendant.filter(|_| identity) else {
                return Widths {
                    missing: 1000.0,
                    estimated: true,
                    ..Widths::default()
                };
            };
            let default = cid_font.get(b"DW").ok().and_then(number).unwrap_or(1000.0);
            let mut map = HashMap::new();
            if let Some(w) = array(&cid_font, b"W") {
                let mut i = 0;
                while i < w.len() && map.len() < MAX_ENTRIES {
                    let Some(first) = number(deref(doc, &w[i])) else {
                        break;
                    };
                    let first = first.max(0.0) as u32;
                    match w.get(i + 1).map(|o| deref(doc, o)) {
                        Some(Object::Array(list)) => {
                            for (k, o) in list.iter().take(MAX_ENTRIES).enumerate() {
                                if let Some(v) = number(o) {
                                    map.insert(first.saturating_add(k as u32), v);
                                }
                            }
                            i += 2;
                        }
                        Some(o) => {
                            let (Some(last), Some(v)) =
                                (number(o), w.get(i + 2).and_then(|o| number(deref(doc, o))))
                            else {
                                break;
                            };
                            let last = (last.max(0.0) as u32)
                                .min(first.saturating_add(MAX_ENTRIES as u32));
                            for cid in first..=last {
                                if map.len() >= MAX_ENTRIES {
                                    break;
                                }
                                map.insert(cid, v);
                            }
                            i += 3;
                        }
                        None => break,
                    }
                }
            }
            return Widths {
                cid: Some(map),
                missing: default,
                estimated: false,
                ..Widths::default()
            };
        }
        let first = font
            .get(b"FirstChar")
            .ok()
            .and_then(number)
            .unwrap_or(0.0)
            .max(0.0) as u32;
        let missing = font
            .get(b"FontDescriptor")
            .ok()
            .map(|o| deref(doc, o))
            .and_then(|o| o.as_dict().ok())
            .and_then(|d| d.get(b"MissingWidth").ok())
            .and_then(number);
        match array(font, b"Widths") {
            Some(w) if !w.is_empty() => Widths {
                simple: Some((
                    first,
                    w.iter()
                        .map(|o| number(deref(doc, o)).unwrap_or(0.0))
                        .collect(),
                )),
                missing: missing.unwrap_or(0.0),
                estimated: false,
                ..Widths::default()
            },
            _ => Widths {
                missing: 550.0,
                estimated: true,
                ..Widths::default()
            },
        }
    }

    /// Width of a shown string's bytes, in ems.
    pub fn advance(&self, bytes: &[u8]) -> f32 {
        let thousandths: f32 = match (&self.simple, &self.cid) {
            (_, Some(map)) => bytes
                .chunks(2)
                .map(|c| {
                    let cid = c.iter().fold(0u32, |v, b| (v << 8) | u32::from(*b));
                    map.get(&cid).copied().unwrap_or(self.missing)
                })
                .sum(),
            (Some((first, widths)), None) => bytes
                .iter()
                .map(|&b| {
                    u32::from(b)
                        .checked_sub(*first)
                        .and_then(|i| widths.get(i as usize))
                        .copied()
                        .unwrap_or(self.missing)
                })
                .sum(),
            (None, None) => bytes.len() as f32 * self.missing,
        };
        thousandths / 1000.0
    }

    /// How many glyphs a shown string's bytes draw, and how many of them are the
    /// one-byte code 32 that word spacing (`Tw`) widens.
    pub fn glyphs(&self, bytes: &[u8]) -> (usize, usize) {
        if self.cid.is_some() {
            (bytes.len().div_ceil(2), 0)
        } else {
            (bytes.len(), bytes.iter().filter(|b| **b == b' ').count())
        }
    }

    /// What a jump of `gap` ems to the right between two strings of a line is: a tab
    /// (a cell), a space (a word) or nothing.
    pub fn separator(&self, gap: f32) -> Option<char> {
        let scale = if self.estimated { 2.0 } else { 1.0 };
        if gap > CELL_GAP_EMS * scale {
            Some('\t')
        } else if gap > WORD_GAP_EMS * scale {
            Some(' ')
        } else {
            None
        }
    }
}

/// The text of each page as the tone rules read it, with the web addresses of its link
/// annotations, for the campaign checks (`consistency/mismatch` names the page a fact is
/// on); none when the file does not open (encrypted, unreadable). The work is bounded by
/// one [`Budget`](super::Budget) for the whole file: pages after it runs out are left out.
pub fn page_texts(bytes: &[u8]) -> Option<Vec<(String, Vec<String>)>> {
    let doc = super::load(bytes).ok()?;
    if super::still_encrypted(&doc).is_some() {
        return None;
    }
    let mut budget = super::Budget::default();
    let mut pages = Vec::new();
    for (_, page_id) in doc.get_pages() {
        let text = super::scan_page(&doc, page_id, &mut budget).text;
        let links = super::link_uris(&doc, page_id, &mut budget);
        pages.push((text, links));
        if budget.exhausted.is_some() {
            break;
        }
    }
    Some(pages)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    #[test]
    fn simple_and_cid_widths() {
        let doc = Document::with_version("1.7");
        let simple = dictionary! {
            "Type" => "Font", "Subtype" => "TrueType", "FirstChar" => 32,
            "Widths" => vec![250.into(), 333.into(), 500.into()],
        };
        let w = Widths::of(&doc, &simple);
        assert!(!w.estimated);
        assert!((w.advance(b" !\"") - 1.083).abs() < 1e-3);
        let cid = dictionary! {
            "Type" => "Font", "Subtype" => "Type0", "Encoding" => "Identity-H",
            "DescendantFonts" => vec![Object::Dictionary(dictionary! {
                "DW" => 1000,
                "W" => vec![3.into(), vec![600.into(), 700.into()].into(), 10.into(), 20.into(), 400.into()],
            })],
        };
        let w = Widths::of(&doc, &cid);
        // CIDs 3, 4, 15 and 99 (default)
        assert!((w.advance(&[0, 3, 0, 4, 0, 15, 0, 99]) - 2.7).abs() < 1e-3);
        assert_eq!(w.separator(3.0), Some('\t'));
        assert_eq!(w.separator(0.5), Some(' '));
        assert_eq!(w.separator(0.05), None);
        // the standard 14: estimated, so only wide gaps count
        let helv =
            dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica" };
        let w = Widths::of(&doc, &helv);
        assert!(w.estimated);
        assert_eq!(w.separator(2.0), Some(' '));
        assert_eq!(w.separator(3.0), Some('\t'));
    }
}
