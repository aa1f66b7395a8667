//! Content pieces: `content/**/*.md` with TOML front matter between `+++` lines, parsed
//! into one channel-neutral [`Piece`] (front matter + document model) per file.

pub mod doc;
pub mod markdown;

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;
use toml::value::Datetime;

pub use doc::{Block, BlockKind, Inline};

use crate::channel::Channel;
use crate::error::{Error, Result, SourceFile};
pub use crate::i18n::{Labels, Lang, format_date};
use crate::paths::{PathProblem, Sandbox};
use crate::untrusted::{char_name, first_control_char, value_span};

/// Front matter of a piece.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: Spanned<String>,
    pub summary: Spanned<String>,
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
    pub channels: Option<Spanned<Vec<Channel>>>,
    #[serde(default)]
    pub segments: Vec<String>,
    /// Per-channel replacements for title, summary and CTA text.
    #[serde(default)]
    pub overrides: BTreeMap<Channel, Override>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cta {
    pub text: Spanned<String>,
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
    pub title: Option<Spanned<String>>,
    pub summary: Option<Spanned<String>>,
    pub cta_text: Option<Spanned<String>>,
}

/// A text field of the front matter that channels show (and may override).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Title,
    Summary,
    CtaText,
}

/// One piece of content, ready for every renderer.
#[derive(Debug, Clone)]
pub struct Piece {
    /// The source file, as found under the project.
    pub source: SourceFile,
    pub meta: FrontMatter,
    /// Byte offset of the front matter in the source: its values' spans are relative to it.
    pub front_offset: usize,
    pub slug: String,
    pub lang: Lang,
    pub body: Vec<Block>,
    /// Line of the first body line in the source file.
    pub body_line: usize,
    /// Every link and image reference of the body, with its byte range in the file.
    pub references: Vec<markdown::Reference>,
    /// The hero picture, once [`Piece::resolve_files`] found it inside the project.
    pub hero: Option<LocalFile>,
    /// Local files the body references (images, linked documents), by the reference as
    /// written, once resolved inside the project; published next to the piece.
    pub files: BTreeMap<String, LocalFile>,
}

/// A file a piece references, resolved inside the project (see [`crate::paths`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalFile {
    /// The canonical path on disk.
    pub path: PathBuf,
    /// Its file name in the output, unique within the piece and safe on every OS.
    pub name: String,
    /// Where the piece names it (byte range in the piece's file), for errors.
    pub span: std::ops::Range<usize>,
}

impl LocalFile {
    /// The output name as a relative URL (percent-encoded).
    pub fn url(&self) -> String {
        crate::paths::url_segment(&self.name)
    }
}

/// Output names the web channel uses itself inside a piece's folder.
const RESERVED_PIECE_FILES: &[&str] = &["index.html"];

/// Slugs the channels use for their own folders (`web/assets/`).
const RESERVED_SLUGS: &[(&str, &str)] = &[(
    "assets",
    "the web channel keeps the shared stylesheet, fonts and logo in web/assets/",
)];

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
        let fm_table = toml::de::DeTable::parse(fm).ok();
        if let Some(table) = &fm_table
            && let Some((span, c)) = first_control_char(table.get_ref())
        {
            return Err(source
                .error(
                    fm_offset + span.start..fm_offset + span.end,
                    format!(
                        "front matter: this value holds the control character {}; titles, subjects and links must be plain text",
                        char_name(c)
                    ),
                    "control character",
                )
                .into());
        }
        let span_of = |path: &[&str]| -> std::ops::Range<usize> {
            fm_table
                .as_ref()
                .and_then(|t| value_span(t.get_ref(), path))
                .map(|r| fm_offset + r.start..fm_offset + r.end)
                .unwrap_or(0..0)
        };
        if let Some(campaign) = &meta.campaign
            && !valid_campaign(campaign)
        {
            return Err(source
                .error(
                    span_of(&["campaign"]),
                    format!(
                        "campaign {campaign:?} must be letters, digits, '-', '_' or '.': it goes into UTM tags and email Message-IDs"
                    ),
                    "not a campaign id",
                )
                .into());
        }
        if let Some(cta) = &meta.cta
            && let Err(why) = crate::links::classify(&cta.url, false)
        {
            return Err(source
                .error(span_of(&["cta", "url"]), format!("CTA url: {why}"), "here")
                .into());
        }
        let slug = match &meta.slug {
            Some(slug) => {
                if let Some(why) = slug_problem(slug.get_ref()) {
                    return Err(source
                        .error(
                            fm_offset + slug.span().start..fm_offset + slug.span().end,
                            format!("slug {:?} cannot be used: {why}", slug.get_ref()),
                            "unsafe slug",
                        )
                        .into());
                }
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
                if let Some(why) = slug_problem(&slug) {
                    return Err(Error::file(
                        &source.path,
                        format!(
                            "the slug {slug:?} taken from the file name cannot be used: {why}; rename the file or set `slug = \"...\"` in the front matter"
                        ),
                    ));
                }
                slug
            }
        };
        let body_line = source.line_col(body_offset).0;
        if let Some((at, c)) = body
            .char_indices()
            .find(|&(_, c)| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        {
            return Err(source
                .error(
                    body_offset + at..body_offset + at + c.len_utf8(),
                    format!(
                        "the body holds the control character {}; remove it",
                        char_name(c)
                    ),
                    "control character",
                )
                .into());
        }
        let parsed = markdown::parse_full(body, body_line);
        if let Some(at) = parsed.too_deep {
            return Err(source
                .error(
                    body_offset + at..body_offset + at,
                    format!(
                        "Markdown nests more than {} levels deep here (quotes, lists or emphasis inside each other)",
                        markdown::MAX_DEPTH
                    ),
                    "too deep",
                )
                .into());
        }
        let mut references = parsed.references;
        for r in &mut references {
            r.span = body_offset + r.span.start..body_offset + r.span.end;
            if let Err(why) = crate::links::classify(&r.url, r.image) {
                let what = if r.image { "image" } else { "link" };
                return Err(source
                    .error(r.span.clone(), format!("{what}: {why}"), what)
                    .into());
            }
        }
        let blocks = parsed.blocks;
        let lang = match &meta.lang {
            Some(lang) if lang.get_ref().parse::<Lang>().is_ok() => {
                lang.get_ref().parse::<Lang>().unwrap_or(Lang::En)
            }
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
            None => Lang::detect(&format!(
                "{} {} {}",
                meta.title.get_ref(),
                meta.summary.get_ref(),
                doc::plain_blocks(&blocks)
            )),
        };
        if meta.title.get_ref().trim().is_empty() {
            return Err(Error::file(&source.path, "front matter: title is empty"));
        }
        Ok(Piece {
            front_offset: fm_offset,
            source,
            meta,
            slug,
            lang,
            body: blocks,
            body_line,
            references,
            hero: None,
            files: BTreeMap::new(),
        })
    }

    /// Reads and parses a piece, then resolves its files inside `sandbox`.
    pub fn load(path: &Path, sandbox: &Sandbox) -> Result<Piece> {
        let mut piece = Piece::parse(SourceFile::read(path)?)?;
        piece.resolve_files(sandbox)?;
        Ok(piece)
    }

    /// Finds the hero and every local file the body references inside `sandbox`, and
    /// gives each a safe output name unique within the piece. A path that leaves the
    /// project, is missing, or has a name unsafe on some OS is an error at the line and
    /// column that wrote it. Links to local paths that do not exist stay links (they may
    /// name a page of the site); images must exist.
    pub fn resolve_files(&mut self, sandbox: &Sandbox) -> Result<()> {
        let dir = self
            .source
            .path
            .parent()
            .unwrap_or(Path::new(""))
            .to_path_buf();
        let mut names: BTreeMap<String, PathBuf> = RESERVED_PIECE_FILES
            .iter()
            .map(|n| (n.to_string(), PathBuf::new()))
            .collect();
        let source = self.source.clone();
        let fm_start = source.text.find('\n').map(|i| i + 1).unwrap_or(0);
        let mut take = |reference: &str,
                        span: std::ops::Range<usize>,
                        required: bool,
                        what: &str|
         -> Result<Option<LocalFile>> {
            let path = match sandbox.resolve(&dir, Path::new(reference)) {
                Ok(path) => path,
                Err(PathProblem::Missing { .. } | PathProblem::NotAFile { .. }) if !required => {
                    return Ok(None);
                }
                Err(problem) => {
                    return Err(source
                        .error(span, format!("{what} {reference:?} {problem}"), what)
                        .into());
                }
            };
            let name = Path::new(reference)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if let Some(why) = crate::paths::unsafe_name(&name) {
                return Err(source
                    .error(
                        span,
                        format!("{what} {reference:?} cannot be published under the name {name:?}: {why}"),
                        what,
                    )
                    .into());
            }
            Ok(Some(LocalFile {
                name: unique_name(&mut names, &name, &path),
                path,
                span,
            }))
        };
        if let Some(hero) = &self.meta.hero {
            let span = fm_start + hero.span().start..fm_start + hero.span().end;
            let reference = crate::paths::decode_reference(hero.get_ref()).map_err(|why| {
                Error::from(source.error(span.clone(), format!("hero: {why}"), "hero"))
            })?;
            self.hero = take(&reference, span, true, "hero image")?;
        }
        let mut files = BTreeMap::new();
        for r in &self.references {
            let Ok(crate::links::Target::Relative(path)) = crate::links::classify(&r.url, r.image)
            else {
                continue;
            };
            if files.contains_key(&r.url) || (!r.image && path.ends_with(".md")) {
                continue;
            }
            let what = if r.image { "image" } else { "linked file" };
            if let Some(file) = take(&path, r.span.clone(), r.image, what)? {
                files.insert(r.url.clone(), file);
            }
        }
        self.files = files;
        Ok(())
    }

    /// Whether this piece is published to `channel`.
    pub fn publishes_to(&self, channel: Channel) -> bool {
        match &self.meta.channels {
            Some(list) => list.get_ref().contains(&channel),
            None => true,
        }
    }

    fn override_for(&self, channel: Channel) -> Option<&Override> {
        self.meta.overrides.get(&channel)
    }

    /// The front matter value `channel` shows for `field`: the channel's override, else
    /// the piece's own.
    fn field(&self, channel: Channel, field: Field) -> Option<&Spanned<String>> {
        let o = self.override_for(channel);
        match field {
            Field::Title => Some(o.and_then(|o| o.title.as_ref()).unwrap_or(&self.meta.title)),
            Field::Summary => Some(
                o.and_then(|o| o.summary.as_ref())
                    .unwrap_or(&self.meta.summary),
            ),
            Field::CtaText => {
                let cta = self.meta.cta.as_ref()?;
                Some(o.and_then(|o| o.cta_text.as_ref()).unwrap_or(&cta.text))
            }
        }
    }

    /// Where in the source file the value `channel` shows for `field` is, for errors
    /// about that text (a title too long for a card…).
    pub fn field_span(&self, channel: Channel, field: Field) -> Option<Range<usize>> {
        let span = self.field(channel, field)?.span();
        Some(self.front_offset + span.start..self.front_offset + span.end)
    }

    pub fn title(&self, channel: Channel) -> &str {
        self.field(channel, Field::Title)
            .map_or("", |v| v.get_ref())
    }

    pub fn summary(&self, channel: Channel) -> &str {
        self.field(channel, Field::Summary)
            .map_or("", |v| v.get_ref())
    }

    pub fn cta_text(&self, channel: Channel) -> Option<&str> {
        self.field(channel, Field::CtaText)
            .map(|v| v.get_ref().as_str())
    }

    /// Path of the hero image, once resolved inside the project
    /// ([`Piece::resolve_files`]); `None` without a hero or before resolution.
    pub fn hero_path(&self) -> Option<PathBuf> {
        self.hero.as_ref().map(|h| h.path.clone())
    }

    /// The local file a body reference (as written) names, once resolved.
    pub fn local_file(&self, reference: &str) -> Option<&LocalFile> {
        self.files.get(reference)
    }

    /// The visible body text.
    pub fn body_text(&self) -> String {
        doc::plain_blocks(&self.body)
    }

    pub fn is_thai(&self) -> bool {
        self.lang == Lang::Th
    }
}

/// Where a Markdown text's `+++` front matter is; every reader of front matter (content,
/// Markdown lint) splits with this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split<'a> {
    /// The front matter's TOML and its byte offset, and the body's byte offset.
    Front {
        toml: &'a str,
        offset: usize,
        body_offset: usize,
    },
    /// The text does not start with a `+++` line; the body starts at `body_offset` (after a
    /// byte-order mark).
    None { body_offset: usize },
    /// A `+++` line opens front matter that no `+++` line closes.
    Unclosed { opened: usize },
}

/// Splits `+++`-delimited TOML front matter from the body.
pub fn split(text: &str) -> Split<'_> {
    let text_start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[text_start..];
    let none = Split::None {
        body_offset: text_start,
    };
    let Some(first_end) = rest.find('\n') else {
        return none;
    };
    if rest[..first_end].trim_end() != "+++" {
        return none;
    }
    let fm_start = text_start + first_end + 1;
    let mut offset = fm_start;
    for line in text[fm_start..].split_inclusive('\n') {
        if line.trim_end() == "+++" {
            return Split::Front {
                toml: &text[fm_start..offset],
                offset: fm_start,
                body_offset: offset + line.len(),
            };
        }
        offset += line.len();
    }
    Split::Unclosed { opened: text_start }
}

/// [`split`], for a piece: front matter is required. Returns the front matter, its byte
/// offset, the body and its byte offset.
fn split_front_matter(source: &SourceFile) -> Result<(&str, usize, &str, usize)> {
    let text: &str = &source.text;
    match split(text) {
        Split::Front {
            toml,
            offset,
            body_offset,
        } => Ok((toml, offset, &text[body_offset..], body_offset)),
        Split::None { body_offset } => Err(source
            .error(
                body_offset..body_offset,
                "missing front matter",
                "expected `+++` here",
            )
            .with_help("start the file with a `+++` line, TOML keys (title, summary…), then `+++`")
            .into()),
        Split::Unclosed { opened } => Err(source
            .error(
                opened..opened + 3,
                "front matter is not closed",
                "opened here",
            )
            .with_help("end the front matter with a line holding only `+++`")
            .into()),
    }
}

/// Why a slug cannot name output folders and files, if it cannot.
fn slug_problem(slug: &str) -> Option<String> {
    if let Some(why) = crate::paths::unsafe_name(slug) {
        return Some(format!("it is reserved or unsafe as a file name: {why}"));
    }
    RESERVED_SLUGS
        .iter()
        .find(|(s, _)| *s == slug)
        .map(|(_, why)| format!("it is reserved: {why}"))
}

/// A campaign id: it reaches UTM parameters and the email Message-ID header.
fn valid_campaign(campaign: &str) -> bool {
    !campaign.is_empty()
        && campaign.len() <= crate::paths::MAX_NAME_BYTES
        && campaign
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// `name`, or `stem-2.ext`, `stem-3.ext`… when another file already took it.
fn unique_name(taken: &mut BTreeMap<String, PathBuf>, name: &str, path: &Path) -> String {
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() => (s, format!(".{e}")),
        _ => (name, String::new()),
    };
    let mut candidate = name.to_string();
    let mut n = 1;
    loop {
        // Case-insensitive file systems (macOS, Windows) fold case.
        let key = candidate.to_lowercase();
        match taken.get(&key) {
            Some(p) if p == path => return candidate,
            Some(_) => {
                n += 1;
                candidate = format!("{stem}-{n}{ext}");
            }
            None => {
                taken.insert(key, path.to_path_buf());
                return candidate;
            }
        }
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
pub fn load_all(root: &Path, sandbox: &Sandbox) -> Result<Vec<Piece>> {
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
        match Piece::load(&path, sandbox) {
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
        let labels = Labels::for_lang(self.lang);
        let facts = &self.meta.facts;
        let date = |d: &Datetime| format_date(d, self.lang);
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
        assert_eq!(p.lang, Lang::Th);
        assert_eq!(p.meta.facts.promo_code.as_deref(), Some("WINTER26"));
        assert_eq!(p.body[0].line, 11);
        assert_eq!(
            format_date(p.meta.facts.starts.as_ref().unwrap(), Lang::Th),
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
        assert_eq!(p.lang, Lang::En);
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

    #[test]
    fn untrusted_values_are_refused_where_they_are_written() {
        let at = |text: &str| piece(text).unwrap_err().to_string();
        let fm =
            |extra: &str| format!("+++\ntitle = \"ลด\"\nsummary = \"ส\"\n{extra}\n+++\nเนื้อหา\n");
        let e = at(&fm(
            "[overrides.email]\ntitle = \"Beans\\r\\nBcc: x@evil.example\"",
        ));
        assert!(
            e.starts_with("content/x.md:5:9:") && e.contains("U+000D"),
            "{e}"
        );
        let e = at(&fm("campaign = \"w>\\nBcc: x\""));
        assert!(e.starts_with("content/x.md:4:12:"), "{e}");
        let e = at(&fm("campaign = \"a b\""));
        assert!(
            e.starts_with("content/x.md:4:12:") && e.contains("campaign"),
            "{e}"
        );
        let e = at(&fm("[cta]\ntext = \"สั่ง\"\nurl = \"javascript:alert(1)\""));
        assert!(
            e.starts_with("content/x.md:6:7:") && e.contains("javascript"),
            "{e}"
        );
        let e = at(&fm("[facts]\nnote = \"ok\\u0000\""));
        assert!(
            e.starts_with("content/x.md:5:8:") && e.contains("NUL"),
            "{e}"
        );
        let e = at("+++\ntitle = \"a\"\nsummary = \"b\"\n+++\nline\n\nสวัสดี\u{1b}[2J\n");
        assert!(
            e.starts_with("content/x.md:7:7:") && e.contains("escape"),
            "{e}"
        );
        let e = at("+++\ntitle = \"a\"\nsummary = \"b\"\n+++\n\n[x](vbscript:msgbox)\n");
        assert!(
            e.starts_with("content/x.md:6:1:") && e.contains("vbscript"),
            "{e}"
        );
        // Tabs stay allowed in the body and in values.
        assert!(piece(&fm("[facts]\nnote = \"a\\tb\"")).is_ok());
    }

    #[test]
    fn slugs_that_are_unsafe_names_or_reserved_folders_are_refused() {
        for (slug, needle) in [
            ("con", "reserved device name"),
            ("assets", "web/assets/"),
            ("-x", "starts with '-'"),
        ] {
            let e = piece(&format!(
                "+++\ntitle = \"a\"\nsummary = \"b\"\nslug = \"{slug}\"\n+++\n"
            ))
            .unwrap_err()
            .to_string();
            assert!(
                e.starts_with("content/x.md:4:8:") && e.contains(needle),
                "{e}"
            );
        }
        let e = Piece::parse(SourceFile::new(
            "content/AUX.md",
            "+++\ntitle = \"a\"\nsummary = \"b\"\n+++\n",
        ))
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("content/AUX.md") && e.contains("reserved"),
            "{e}"
        );
    }

    #[test]
    fn markdown_nested_beyond_the_limit_is_an_error_at_its_line() {
        let deep = format!(
            "+++\ntitle = \"a\"\nsummary = \"b\"\n+++\nok\n\n{} x\n",
            ">".repeat(500)
        );
        let e = piece(&deep).unwrap_err().to_string();
        assert!(
            e.starts_with("content/x.md:7:") && e.contains("nests more than 100"),
            "{e}"
        );
        let fine = format!(
            "+++\ntitle = \"a\"\nsummary = \"b\"\n+++\n{} x\n",
            ">".repeat(40)
        );
        assert!(piece(&fine).is_ok());
    }

    #[test]
    fn local_files_get_unique_safe_names() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for (rel, bytes) in [
            ("content/a/pic.png", "a"),
            ("content/b/pic.png", "b"),
            ("content/b/PIC.PNG", "c"),
        ] {
            std::fs::create_dir_all(root.join(rel).parent().unwrap()).unwrap();
            std::fs::write(root.join(rel), bytes).unwrap();
        }
        let md = "+++\ntitle = \"a\"\nsummary = \"b\"\nhero = \"a/pic.png\"\n+++\n![a](a/pic.png) ![b](b/pic.png) ![c](b/PIC.PNG) [menu](../menu/)\n";
        std::fs::write(root.join("content/p.md"), md).unwrap();
        let p = Piece::load(&root.join("content/p.md"), &Sandbox::new(root, &[])).unwrap();
        assert_eq!(p.hero.as_ref().unwrap().name, "pic.png");
        let names: Vec<&str> = p.files.values().map(|f| f.name.as_str()).collect();
        // b/PIC.PNG comes third: pic-2.png is taken case-insensitively.
        assert_eq!(names, ["pic.png", "PIC-3.PNG", "pic-2.png"]);
        // A link to a page that is not a file stays a link.
        assert!(p.local_file("../menu/").is_none());
    }
}
