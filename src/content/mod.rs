//! Content pieces: `content/**/*.md` with TOML front matter between `+++` lines, parsed
//! into one channel-neutral [`Piece`] (front matter + document model) per file.

pub mod doc;
pub mod markdown;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;
use toml::value::Datetime;

pub use doc::{Block, BlockKind, Inline};

use crate::error::{Error, Result, SourceFile};
use crate::render::Channel;

/// Front matter of a piece.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: String,
    pub summary: String,
    /// URL path segment; defaults to the file name without extension.
    pub slug: Option<Spanned<String>>,
    pub date: Option<Datetime>,
    /// `th` or `en`; detected from the text when absent.
    pub lang: Option<Spanned<String>>,
    /// Campaign id, shared by the pieces of one campaign (used for UTM tags).
    pub campaign: Option<String>,
    pub cta: Option<Cta>,
    /// Hero image, relative to the piece's file.
    pub hero: Option<Spanned<String>>,
    #[serde(default)]
    pub facts: Facts,
    /// Channels this piece is published to; all when absent.
    pub channels: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    pub segments: Vec<String>,
    /// Per-channel replacements for title, summary and CTA text.
    #[serde(default)]
    pub overrides: BTreeMap<String, Override>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cta {
    pub text: String,
    pub url: String,
}

/// Campaign facts: the values every channel must state identically.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Facts {
    pub price: Option<String>,
    pub promo_code: Option<String>,
    pub starts: Option<Datetime>,
    pub ends: Option<Datetime>,
    /// Any further facts (`[facts] seats = "40"`).
    #[serde(flatten)]
    pub other: BTreeMap<String, toml::Value>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    pub title: Option<String>,
    pub summary: Option<String>,
    pub cta_text: Option<String>,
}

/// One piece of content, ready for every renderer.
#[derive(Debug, Clone)]
pub struct Piece {
    /// The source file, as found under the project.
    pub source: SourceFile,
    pub meta: FrontMatter,
    pub slug: String,
    pub lang: String,
    pub body: Vec<Block>,
    /// Line of the first body line in the source file.
    pub body_line: usize,
}

impl Piece {
    /// Parses one Markdown file with front matter.
    pub fn parse(source: SourceFile) -> Result<Piece> {
        let (fm, fm_offset, body, body_offset) = split_front_matter(&source)?;
        let meta: FrontMatter = toml::from_str(fm).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            Error::from(source.error(
                fm_offset + span.start..fm_offset + span.end,
                format!("front matter: {}", e.message().trim()),
                "here",
            ))
        })?;
        let slug = match &meta.slug {
            Some(slug) => {
                if !valid_slug(slug.get_ref()) {
                    return Err(source
                        .error(
                            fm_offset + slug.span().start..fm_offset + slug.span().end,
                            format!(
                                "slug {:?} must be lower-case letters, digits and '-'",
                                slug.get_ref()
                            ),
                            "not a URL-safe slug",
                        )
                        .into());
                }
                slug.get_ref().clone()
            }
            None => {
                let stem = source
                    .path
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .unwrap_or("");
                let slug = slugify(stem);
                if slug.is_empty() {
                    return Err(Error::file(
                        &source.path,
                        "cannot derive a slug from the file name; set `slug = \"...\"` in the front matter",
                    ));
                }
                slug
            }
        };
        let body_line = source.line_col(body_offset).0;
        let blocks = markdown::parse(body, body_line);
        let lang = match &meta.lang {
            Some(lang) if ["th", "en"].contains(&lang.get_ref().as_str()) => lang.get_ref().clone(),
            Some(lang) => {
                return Err(source
                    .error(
                        fm_offset + lang.span().start..fm_offset + lang.span().end,
                        format!(
                            "lang {:?} is not supported: use \"th\" or \"en\"",
                            lang.get_ref()
                        ),
                        "unknown language",
                    )
                    .into());
            }
            None => detect_lang(&format!(
                "{} {} {}",
                meta.title,
                meta.summary,
                doc::plain_blocks(&blocks)
            )),
        };
        if let Some(channels) = &meta.channels {
            for c in channels.get_ref() {
                if c.parse::<Channel>().is_err() {
                    return Err(source
                        .error(
                            fm_offset + channels.span().start..fm_offset + channels.span().end,
                            format!("unknown channel {c:?}: use web, email, social or print"),
                            "here",
                        )
                        .into());
                }
            }
        }
        for key in meta.overrides.keys() {
            if key.parse::<Channel>().is_err() {
                return Err(Error::file(
                    &source.path,
                    format!("[overrides.{key}]: unknown channel (web, email, social, print)"),
                ));
            }
        }
        if meta.title.trim().is_empty() {
            return Err(Error::file(&source.path, "front matter: title is empty"));
        }
        Ok(Piece {
            source,
            meta,
            slug,
            lang,
            body: blocks,
            body_line,
        })
    }

    /// Whether this piece is published to `channel`.
    pub fn publishes_to(&self, channel: Channel) -> bool {
        match &self.meta.channels {
            Some(list) => list.get_ref().iter().any(|c| c.parse() == Ok(channel)),
            None => true,
        }
    }

    fn override_for(&self, channel: Channel) -> Option<&Override> {
        self.meta.overrides.get(channel.name())
    }

    pub fn title(&self, channel: Channel) -> &str {
        self.override_for(channel)
            .and_then(|o| o.title.as_deref())
            .unwrap_or(&self.meta.title)
    }

    pub fn summary(&self, channel: Channel) -> &str {
        self.override_for(channel)
            .and_then(|o| o.summary.as_deref())
            .unwrap_or(&self.meta.summary)
    }

    pub fn cta_text(&self, channel: Channel) -> Option<&str> {
        let cta = self.meta.cta.as_ref()?;
        Some(
            self.override_for(channel)
                .and_then(|o| o.cta_text.as_deref())
                .unwrap_or(&cta.text),
        )
    }

    /// Path of the hero image, resolved against the piece's directory.
    pub fn hero_path(&self) -> Option<PathBuf> {
        let hero = self.meta.hero.as_ref()?;
        Some(
            self.source
                .path
                .parent()
                .unwrap_or(Path::new(""))
                .join(hero.get_ref()),
        )
    }

    /// The visible body text.
    pub fn body_text(&self) -> String {
        doc::plain_blocks(&self.body)
    }

    pub fn is_thai(&self) -> bool {
        self.lang == "th"
    }
}

/// Splits `+++`-delimited TOML front matter from the body. Returns the front matter, its
/// byte offset, the body and its byte offset.
fn split_front_matter(source: &SourceFile) -> Result<(&str, usize, &str, usize)> {
    let text: &str = &source.text;
    let text_start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[text_start..];
    let missing = || {
        Error::from(
            source
                .error(
                    text_start..text_start,
                    "missing front matter",
                    "expected `+++` here",
                )
                .with_help(
                    "start the file with a `+++` line, TOML keys (title, summary…), then `+++`",
                ),
        )
    };
    let first_end = rest.find('\n').ok_or_else(missing)?;
    if rest[..first_end].trim_end() != "+++" {
        return Err(missing());
    }
    let fm_start = text_start + first_end + 1;
    let mut offset = fm_start;
    for line in text[fm_start..].split_inclusive('\n') {
        if line.trim_end() == "+++" {
            let body_start = offset + line.len();
            return Ok((
                &text[fm_start..offset],
                fm_start,
                &text[body_start..],
                body_start,
            ));
        }
        offset += line.len();
    }
    Err(source
        .error(
            text_start..text_start + 3,
            "front matter is not closed",
            "opened here",
        )
        .with_help("end the front matter with a line holding only `+++`")
        .into())
}

/// Guesses `th` when at least a fifth of the letters are Thai.
pub fn detect_lang(text: &str) -> String {
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    let thai = text.chars().filter(|c| doc::is_thai(*c)).count();
    if letters > 0 && thai * 5 >= letters {
        "th".into()
    } else {
        "en".into()
    }
}

pub fn valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && !slug.starts_with('-')
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn slugify(stem: &str) -> String {
    let mut out = String::new();
    for c in stem.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Finds and parses every `*.md` under `<root>/content`, sorted by path. Reports every
/// broken file, and two pieces sharing a slug, together.
pub fn load_all(root: &Path) -> Result<Vec<Piece>> {
    let dir = crate::brand::display_path(&root.join("content"));
    if !dir.is_dir() {
        return Err(Error::file(
            &dir,
            "no content directory (expected content/**/*.md)",
        ));
    }
    let mut paths = Vec::new();
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::file(&dir, e))?;
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "md") {
            paths.push(entry.into_path());
        }
    }
    let mut errors = Vec::new();
    let mut pieces: Vec<Piece> = Vec::new();
    for path in paths {
        match SourceFile::read(&path).and_then(Piece::parse) {
            Ok(piece) => pieces.push(piece),
            Err(e) => errors.push(e),
        }
    }
    let mut seen: BTreeMap<&str, &Piece> = BTreeMap::new();
    for piece in &pieces {
        if let Some(first) = seen.insert(&piece.slug, piece) {
            let span = piece
                .meta
                .slug
                .as_ref()
                .map(|s| {
                    let fm = piece.source.text.find('\n').map(|i| i + 1).unwrap_or(0);
                    fm + s.span().start..fm + s.span().end
                })
                .unwrap_or(0..0);
            errors.push(
                piece
                    .source
                    .error(
                        span,
                        format!(
                            "slug {:?} is already used by {}",
                            piece.slug,
                            first.source.path.display()
                        ),
                        "duplicate slug",
                    )
                    .into(),
            );
        }
    }
    Error::collect(errors)?;
    Ok(pieces)
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
    pub fn for_lang(lang: &str) -> Labels {
        if lang == "th" {
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

/// What a stated fact is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FactKind {
    Price,
    PromoCode,
    Validity,
    Other,
}

/// A fact as every channel states it: labelled and formatted in the piece's language.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FactLine {
    pub kind: FactKind,
    pub label: String,
    pub value: String,
}

impl Piece {
    /// The piece's facts in the order channels state them: price, promo code, validity,
    /// then any further facts (`weight = "250 g"` → "weight: 250 g").
    pub fn fact_lines(&self) -> Vec<FactLine> {
        let labels = Labels::for_lang(&self.lang);
        let facts = &self.meta.facts;
        let date = |d: &Datetime| format_date(d, &self.lang);
        let line = |kind, label: &str, value: String| FactLine {
            kind,
            label: label.to_string(),
            value,
        };
        let mut out = Vec::new();
        if let Some(price) = &facts.price {
            out.push(line(FactKind::Price, labels.price, price.clone()));
        }
        if let Some(code) = &facts.promo_code {
            out.push(line(FactKind::PromoCode, labels.promo_code, code.clone()));
        }
        let validity = match (&facts.starts, &facts.ends) {
            (Some(s), Some(e)) => Some(format!("{} {} {}", date(s), labels.until, date(e))),
            (Some(s), None) => Some(date(s)),
            (None, Some(e)) => Some(format!("{} {}", labels.until, date(e))),
            (None, None) => None,
        };
        if let Some(v) = validity {
            out.push(line(FactKind::Validity, labels.valid, v));
        }
        for (key, value) in &facts.other {
            let value = match value {
                toml::Value::String(s) => s.clone(),
                toml::Value::Datetime(d) => date(d),
                other => other.to_string(),
            };
            out.push(line(FactKind::Other, &key.replace(['_', '-'], " "), value));
        }
        out
    }
}

/// A date as readers of `lang` expect it: Thai uses the Buddhist era and Thai month
/// abbreviations ("1 ธ.ค. 2569"); English "1 Dec 2026".
pub fn format_date(date: &Datetime, lang: &str) -> String {
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
    if lang == "th" {
        format!("{} {} {}", d.day, TH[m], d.year as u32 + 543)
    } else {
        format!("{} {} {}", d.day, EN[m], d.year)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn piece(text: &str) -> Result<Piece> {
        Piece::parse(SourceFile::new("content/x.md", text))
    }

    #[test]
    fn parses_front_matter_and_body() {
        let p = piece(
            "+++\ntitle = \"ลดราคา\"\nsummary = \"สรุป\"\nslug = \"promo\"\n[facts]\nprice = \"฿89\"\npromo_code = \"WINTER26\"\nstarts = 2026-12-01\n+++\n\nเนื้อหา\n",
        )
        .unwrap();
        assert_eq!(p.slug, "promo");
        assert_eq!(p.lang, "th");
        assert_eq!(p.meta.facts.promo_code.as_deref(), Some("WINTER26"));
        assert_eq!(p.body[0].line, 11);
        assert_eq!(
            format_date(p.meta.facts.starts.as_ref().unwrap(), "th"),
            "1 ธ.ค. 2569"
        );
    }

    #[test]
    fn front_matter_errors_point_at_file_line_col() {
        let e = piece("+++\ntitle = \"a\"\nsummary = \"b\"\ncolour = 1\n+++\n").unwrap_err();
        let text = e.to_string();
        assert!(
            text.starts_with("content/x.md:4:1: front matter: unknown field `colour`"),
            "{text}"
        );
        let e = piece("+++\ntitle = \"a\"\nsummary = 3\n+++\n").unwrap_err();
        assert!(e.to_string().starts_with("content/x.md:3:11:"), "{e}");
    }

    #[test]
    fn missing_or_unclosed_front_matter_is_an_error() {
        assert!(
            piece("# just markdown\n")
                .unwrap_err()
                .to_string()
                .contains("missing front matter")
        );
        assert!(
            piece("+++\ntitle = \"a\"\n")
                .unwrap_err()
                .to_string()
                .contains("not closed")
        );
    }

    #[test]
    fn slug_defaults_to_file_stem_and_is_validated() {
        let p = Piece::parse(SourceFile::new(
            "content/Cold Brew_Promo.md",
            "+++\ntitle = \"a\"\nsummary = \"b\"\n+++\n",
        ))
        .unwrap();
        assert_eq!(p.slug, "cold-brew-promo");
        assert_eq!(p.lang, "en");
        let e =
            piece("+++\ntitle = \"a\"\nsummary = \"b\"\nslug = \"Bad Slug\"\n+++\n").unwrap_err();
        assert!(e.to_string().starts_with("content/x.md:4:8:"), "{e}");
    }

    #[test]
    fn fact_lines_are_labelled_in_the_piece_language() {
        let p = piece(
            "+++\ntitle = \"ลด\"\nsummary = \"ส\"\nlang = \"th\"\n[facts]\nprice = \"฿89\"\nends = 2026-12-31\nweight = \"250 g\"\n+++\n",
        )
        .unwrap();
        let lines: Vec<(FactKind, String, String)> = p
            .fact_lines()
            .into_iter()
            .map(|f| (f.kind, f.label, f.value))
            .collect();
        assert_eq!(
            lines,
            [
                (FactKind::Price, "ราคา".into(), "฿89".into()),
                (
                    FactKind::Validity,
                    "ระยะเวลา".into(),
                    "ถึง 31 ธ.ค. 2569".into()
                ),
                (FactKind::Other, "weight".into(), "250 g".into()),
            ]
        );
    }

    #[test]
    fn channels_and_overrides() {
        let p = piece(
            "+++\ntitle = \"Web title\"\nsummary = \"s\"\nchannels = [\"web\", \"email\"]\n[overrides.email]\ntitle = \"Email title\"\n+++\n",
        )
        .unwrap();
        assert!(p.publishes_to(Channel::Email));
        assert!(!p.publishes_to(Channel::Print));
        assert_eq!(p.title(Channel::Email), "Email title");
        assert_eq!(p.title(Channel::Web), "Web title");
        let e =
            piece("+++\ntitle = \"a\"\nsummary = \"b\"\nchannels = [\"fax\"]\n+++\n").unwrap_err();
        assert!(e.to_string().contains("unknown channel \"fax\""), "{e}");
    }
}
