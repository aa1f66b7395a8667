//! Content pieces: `content/**/*.md` with TOML front matter between `+++` lines, parsed
//! into one channel-neutral [`Piece`] (front matter + document model) per file.

pub mod doc;
pub mod markdown;
pub mod shard;

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
    /// Customer segments this piece targets (`[segments.<name>]` of the guide).
    #[serde(default)]
    pub segments: Vec<Spanned<String>>,
    /// The email greeting line; `{name}` is the recipient's first name ([`Greeting`]).
    pub greeting: Option<Spanned<String>>,
    /// Per-channel replacements for title, summary and CTA text.
    #[serde(default)]
    pub overrides: BTreeMap<Channel, Override>,
    /// Per-segment versions: `[variants.<segment>]`, for segments listed in `segments`.
    #[serde(default)]
    pub variants: BTreeMap<String, Variant>,
}

/// `[variants.<segment>]`: what a segment's outputs say differently. Every key is
/// optional; what it leaves out is the piece's own.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    pub title: Option<Spanned<String>>,
    pub summary: Option<Spanned<String>>,
    pub cta: Option<VariantCta>,
    /// Hero image, relative to the piece's file.
    pub hero: Option<Spanned<String>>,
    pub greeting: Option<Spanned<String>>,
    /// Facts that differ for the segment (a members' price); merged over the piece's.
    pub facts: Option<Facts>,
}

/// A variant's CTA: its text, its URL or both.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariantCta {
    pub text: Option<Spanned<String>>,
    pub url: Option<Spanned<String>>,
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
    /// The segment this piece is the variant for; none for the piece itself.
    pub segment: Option<String>,
    /// The piece as each segment with a `[variants.<segment>]` sees it, by segment name:
    /// front matter with the variant's values in place, rendered into
    /// `<channel>/<segment>/…`. Empty for a variant.
    pub variants: Vec<Piece>,
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
        let at = |span: &Range<usize>| fm_offset + span.start..fm_offset + span.end;
        check_segment_list(&source, &meta, fm_offset, fm_table.as_ref())?;
        if let Some(greeting) = &meta.greeting {
            Greeting::parse(greeting.get_ref())
                .map_err(|why| Error::from(source.error(at(&greeting.span()), why, "greeting")))?;
        }
        let mut piece = Piece {
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
            segment: None,
            variants: Vec::new(),
        };
        piece.variants = piece
            .meta
            .variants
            .iter()
            .map(|(name, variant)| piece.with_variant(name, variant))
            .collect::<Result<_>>()?;
        Ok(piece)
    }

    /// This piece as the segment `name` sees it: the variant's values in place of the
    /// piece's (spans and all, so errors and findings point at the variant's lines).
    /// A value the variant sets also replaces the channel overrides of that value, which
    /// were written for the piece's own copy.
    fn with_variant(&self, name: &str, variant: &Variant) -> Result<Piece> {
        let mut meta = self.meta.clone();
        meta.variants.clear();
        if let Some(title) = &variant.title {
            meta.title = title.clone();
            meta.overrides.values_mut().for_each(|o| o.title = None);
        }
        if let Some(summary) = &variant.summary {
            meta.summary = summary.clone();
            meta.overrides.values_mut().for_each(|o| o.summary = None);
        }
        if let Some(vc) = &variant.cta {
            let text = vc
                .text
                .clone()
                .or_else(|| meta.cta.as_ref().map(|c| c.text.clone()));
            let url = vc
                .url
                .as_ref()
                .map(|u| u.get_ref().clone())
                .or_else(|| meta.cta.as_ref().map(|c| c.url.clone()));
            let (Some(text), Some(url)) = (text, url) else {
                return Err(self
                    .source
                    .error(
                        self.key_span(&["variants", name, "cta"]),
                        format!(
                            "[variants.{name}.cta] needs both text and url: the piece has no CTA of its own to take the other from"
                        ),
                        "incomplete CTA",
                    )
                    .into());
            };
            if let Some(u) = &vc.url
                && let Err(why) = crate::links::classify(u.get_ref(), false)
            {
                let span = self.front_offset + u.span().start..self.front_offset + u.span().end;
                return Err(self
                    .source
                    .error(span, format!("CTA url: {why}"), "here")
                    .into());
            }
            if vc.text.is_some() {
                meta.overrides.values_mut().for_each(|o| o.cta_text = None);
            }
            meta.cta = Some(Cta { text, url });
        }
        if let Some(hero) = &variant.hero {
            meta.hero = Some(hero.clone());
        }
        if let Some(greeting) = &variant.greeting {
            Greeting::parse(greeting.get_ref()).map_err(|why| {
                let span = self.front_offset + greeting.span().start
                    ..self.front_offset + greeting.span().end;
                Error::from(self.source.error(span, why, "greeting"))
            })?;
            meta.greeting = Some(greeting.clone());
        }
        if let Some(facts) = &variant.facts {
            meta.facts = meta.facts.merged(facts);
        }
        Ok(Piece {
            meta,
            segment: Some(name.to_string()),
            variants: Vec::new(),
            hero: None,
            ..self.clone_shallow()
        })
    }

    /// A copy without its variants (which a variant never has).
    fn clone_shallow(&self) -> Piece {
        Piece {
            source: self.source.clone(),
            meta: self.meta.clone(),
            front_offset: self.front_offset,
            slug: self.slug.clone(),
            lang: self.lang,
            body: self.body.clone(),
            body_line: self.body_line,
            references: self.references.clone(),
            hero: self.hero.clone(),
            files: self.files.clone(),
            segment: self.segment.clone(),
            variants: Vec::new(),
        }
    }

    /// The span of the front matter key at `path` (`[variants.members]` → `members`).
    pub fn key_span(&self, path: &[&str]) -> Range<usize> {
        let text = &self.source.text;
        let end = match split(text) {
            Split::Front { toml, offset, .. } => offset + toml.len(),
            _ => return 0..0,
        };
        toml::de::DeTable::parse(&text[self.front_offset..end])
            .ok()
            .and_then(|t| crate::brand::key_span(t.get_ref(), path))
            .map(|r| self.front_offset + r.start..self.front_offset + r.end)
            .unwrap_or(0..0)
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
        for variant in &mut self.variants {
            variant.resolve_files(sandbox)?;
        }
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

    /// The folder of this piece's outputs on `channel`, relative to the output folder:
    /// `web`, or `web/<segment>` for a segment's variant.
    pub fn channel_dir(&self, channel: Channel) -> String {
        match &self.segment {
            Some(segment) => format!("{}/{segment}", channel.name()),
            None => channel.name().to_string(),
        }
    }

    /// How many folders below its channel's folder this piece's outputs sit (0 for the
    /// piece, 1 for a variant): relative URLs to shared assets climb this much further.
    pub fn depth(&self) -> usize {
        usize::from(self.segment.is_some())
    }

    /// The piece and each of its variants: everything a channel renders for it.
    pub fn editions(&self) -> impl Iterator<Item = &Piece> {
        std::iter::once(self).chain(&self.variants)
    }

    /// The variant for `segment`, if the piece has one.
    pub fn variant(&self, segment: &str) -> Option<&Piece> {
        self.variants
            .iter()
            .find(|v| v.segment.as_deref() == Some(segment))
    }

    /// The segments the piece targets, as listed.
    pub fn segment_names(&self) -> Vec<&str> {
        self.meta
            .segments
            .iter()
            .map(|s| s.get_ref().as_str())
            .collect()
    }

    /// Who this piece's outputs are for, sorted: a variant serves its segment; the piece
    /// itself serves [`ALL_READERS`] and every segment it targets without a variant.
    pub fn serves(&self) -> Vec<String> {
        if let Some(segment) = &self.segment {
            return vec![segment.clone()];
        }
        let mut out: Vec<String> = self
            .meta
            .segments
            .iter()
            .map(|s| s.get_ref().clone())
            .filter(|s| !self.meta.variants.contains_key(s))
            .collect();
        out.sort();
        out.insert(0, ALL_READERS.to_string());
        out
    }

    /// The facts the outputs for `segment` state: its variant's (merged over the
    /// piece's) when it has one, else the piece's own.
    pub fn facts_for(&self, segment: Option<&str>) -> &Facts {
        segment
            .and_then(|s| self.variant(s))
            .map_or(&self.meta.facts, |v| &v.meta.facts)
    }

    /// The greeting the email shows, parsed; none when neither the piece nor its
    /// variant has one.
    pub fn greeting(&self) -> Option<Greeting> {
        self.meta
            .greeting
            .as_ref()
            .and_then(|g| Greeting::parse(g.get_ref()).ok())
    }
}

/// In the manifest's `serves`, the readers of a piece's own outputs: everyone not served
/// by a segment's variant. Reserved as a segment name.
pub const ALL_READERS: &str = "all";

/// Segments one piece may target.
pub const MAX_SEGMENTS: usize = 64;
/// Variants one piece may have: each is rendered into every channel again.
pub const MAX_VARIANTS: usize = 16;

/// The segments a piece lists and its `[variants.*]`, checked on their own: every name
/// a safe segment name, listed once, and every variant for a listed segment. Whether the
/// guide declares them is [`check_segments`]'s job (a piece is parsed without the guide).
fn check_segment_list(
    source: &SourceFile,
    meta: &FrontMatter,
    fm_offset: usize,
    table: Option<&toml::Spanned<toml::de::DeTable>>,
) -> Result<()> {
    let at = |span: Range<usize>| fm_offset + span.start..fm_offset + span.end;
    if let Some(name) = meta.segments.get(MAX_SEGMENTS) {
        return Err(source
            .error(
                at(name.span()),
                format!("a piece targets at most {MAX_SEGMENTS} segments"),
                "one too many",
            )
            .into());
    }
    if let Some(name) = meta.variants.keys().nth(MAX_VARIANTS) {
        let span = table
            .and_then(|t| crate::brand::key_span(t.get_ref(), &["variants", name]))
            .map(&at)
            .unwrap_or(0..0);
        return Err(source
            .error(
                span,
                format!(
                    "a piece has at most {MAX_VARIANTS} variants: each one is rendered into every channel"
                ),
                "one too many",
            )
            .into());
    }
    let mut seen = std::collections::BTreeSet::new();
    for name in &meta.segments {
        if let Some(why) = crate::brand::segment_name_problem(name.get_ref()) {
            return Err(source
                .error(
                    at(name.span()),
                    format!("segment {:?} cannot be used: {why}", name.get_ref()),
                    "segment",
                )
                .into());
        }
        if !seen.insert(name.get_ref().as_str()) {
            return Err(source
                .error(
                    at(name.span()),
                    format!("segment {:?} is listed twice", name.get_ref()),
                    "listed again",
                )
                .into());
        }
    }
    for name in meta.variants.keys() {
        if !seen.contains(name.as_str()) {
            let span = table
                .and_then(|t| crate::brand::key_span(t.get_ref(), &["variants", name]))
                .map(&at)
                .unwrap_or(0..0);
            let listed = if seen.is_empty() {
                "the piece lists no segments".to_string()
            } else {
                format!(
                    "the piece lists {}",
                    seen.iter()
                        .map(|s| format!("{s:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            return Err(source
                .error(
                    span,
                    format!(
                        "[variants.{name}] is for a segment the piece does not target: add {name:?} to `segments` ({listed})"
                    ),
                    "variant for an unlisted segment",
                )
                .into());
        }
    }
    Ok(())
}

/// Checks every piece's segments against the guide's `[segments.*]`: a segment the guide
/// does not declare is an error at the name (in `segments = [...]`), and a segment name
/// that is also a piece's slug is refused (`web/<segment>/<slug>/` would run into that
/// piece's `web/<slug>/` folder). Every problem is reported at once.
pub fn check_segments(pieces: &[Piece], guide: &crate::brand::Guide) -> Result<()> {
    let slugs: BTreeMap<&str, &Piece> = pieces.iter().map(|p| (p.slug.as_str(), p)).collect();
    let mut errors = Vec::new();
    for piece in pieces {
        for name in &piece.meta.segments {
            let span = piece.front_offset + name.span().start..piece.front_offset + name.span().end;
            let n = name.get_ref();
            if guide.segment(n).is_none() {
                let known = if guide.segments.is_empty() {
                    "the guide declares none; add [segments.NAME] with a label to brand/brand.toml"
                        .to_string()
                } else {
                    format!(
                        "the guide declares {}",
                        guide
                            .segments
                            .keys()
                            .map(|k| format!("{k:?}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                errors.push(
                    piece
                        .source
                        .error(
                            span,
                            format!("segment {n:?} is not in the brand guide: {known}"),
                            "unknown segment",
                        )
                        .into(),
                );
            } else if let Some(other) = slugs.get(n.as_str()) {
                errors.push(
                    piece
                        .source
                        .error(
                            span,
                            format!(
                                "segment {n:?} is also the slug of {}: its outputs would share folders; rename the segment or the piece",
                                other.source.path.display()
                            ),
                            "segment named like a piece",
                        )
                        .into(),
                );
            }
        }
    }
    Error::collect(errors)
}

/// An email greeting line, `"สวัสดีคุณ {name}"`: text and `{name}`, the recipient's first
/// name, which the email channel writes in the guide's merge-tag syntax with its fallback
/// word. `{name}` is the only placeholder; any other brace, and a platform's own merge
/// tags (`*|FNAME|*`, `{{ … }}`), are errors, so a greeting works on every platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Greeting {
    pub parts: Vec<GreetingPart>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GreetingPart {
    Text(String),
    Name,
}

/// The placeholder of the recipient's first name in a greeting.
pub const NAME_PLACEHOLDER: &str = "{name}";

impl Greeting {
    pub fn parse(text: &str) -> std::result::Result<Greeting, String> {
        if text.trim().is_empty() {
            return Err("greeting is empty".into());
        }
        if text.chars().count() > 200 {
            return Err("greeting is longer than 200 characters: it is one line".into());
        }
        if text.contains("*|") || text.contains("|*") {
            return Err(format!(
                "greeting holds a merge tag of its own: write {NAME_PLACEHOLDER} for the first name, and set the platform with [channels.email] merge_tags in the guide"
            ));
        }
        let mut parts = Vec::new();
        let mut rest = text;
        while !rest.is_empty() {
            match rest.find(['{', '}']) {
                None => {
                    parts.push(GreetingPart::Text(rest.to_string()));
                    break;
                }
                Some(i) => {
                    if i > 0 {
                        parts.push(GreetingPart::Text(rest[..i].to_string()));
                    }
                    if rest[i..].starts_with(NAME_PLACEHOLDER) {
                        parts.push(GreetingPart::Name);
                        rest = &rest[i + NAME_PLACEHOLDER.len()..];
                    } else {
                        return Err(format!(
                            "greeting: {NAME_PLACEHOLDER} is the only placeholder (the first name); remove the other braces"
                        ));
                    }
                }
            }
        }
        Ok(Greeting { parts })
    }

    /// The greeting with `name` in place of `{name}`.
    pub fn with_name(&self, name: &str) -> String {
        self.parts
            .iter()
            .map(|p| match p {
                GreetingPart::Text(t) => t.as_str(),
                GreetingPart::Name => name,
            })
            .collect()
    }
}

impl Facts {
    /// These facts with `over`'s in place: each fact `over` states replaces this one's.
    pub fn merged(&self, over: &Facts) -> Facts {
        let mut other = self.other.clone();
        other.extend(over.other.clone());
        Facts {
            price: over.price.clone().or_else(|| self.price.clone()),
            promo_code: over.promo_code.clone().or_else(|| self.promo_code.clone()),
            starts: over.starts.or(self.starts),
            ends: over.ends.or(self.ends),
            other,
        }
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
    // read and parsed in parallel (a 1,000-piece campaign: about half the time), kept in
    // path order, errors too
    let loaded: Vec<Result<Piece>> = {
        use rayon::prelude::*;
        paths
            .par_iter()
            .map(|path| Piece::load(path, sandbox))
            .collect()
    };
    let mut errors = Vec::new();
    let mut pieces: Vec<Piece> = Vec::with_capacity(loaded.len());
    for loaded in loaded {
        match loaded {
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
    fn variants_take_the_pieces_values_they_leave_out() {
        let p = piece(
            "+++\ntitle = \"วันสมาชิก\"\nsummary = \"แต้มสองเท่า\"\nlang = \"th\"\nsegments = [\"members\", \"office\"]\n[cta]\ntext = \"สมัคร\"\nurl = \"https://tonkla.example/join\"\n[facts]\nprice = \"฿89\"\npromo_code = \"MEMBER2X\"\n[overrides.social]\ntitle = \"การ์ด\"\ncta_text = \"สมัครเลย\"\n[variants.members]\ntitle = \"สำหรับสมาชิก\"\ngreeting = \"สวัสดีคุณ {name}\"\ncta = { text = \"ดูแต้ม\" }\nfacts = { price = \"฿79\" }\n+++\nเนื้อหา\n",
        )
        .unwrap();
        assert_eq!(p.variants.len(), 1);
        let v = p.variant("members").unwrap();
        assert_eq!(v.segment.as_deref(), Some("members"));
        // the variant's title wins over the piece's channel override of the title
        assert_eq!(v.title(Channel::Social), "สำหรับสมาชิก");
        assert_eq!(p.title(Channel::Social), "การ์ด");
        assert_eq!(v.summary(Channel::Web), "แต้มสองเท่า");
        assert_eq!(v.cta_text(Channel::Social), Some("ดูแต้ม"));
        assert_eq!(
            v.meta.cta.as_ref().unwrap().url,
            "https://tonkla.example/join"
        );
        assert_eq!(v.meta.facts.price.as_deref(), Some("฿79"));
        assert_eq!(v.meta.facts.promo_code.as_deref(), Some("MEMBER2X"));
        assert_eq!(p.facts_for(Some("members")).price.as_deref(), Some("฿79"));
        assert_eq!(p.facts_for(Some("office")).price.as_deref(), Some("฿89"));
        assert_eq!(p.facts_for(None).price.as_deref(), Some("฿89"));
        // its spans are the variant's lines
        let span = v.field_span(Channel::Web, Field::Title).unwrap();
        assert_eq!(v.source.line_col(span.start), (16, 9));
        // where outputs go, and whom they serve
        assert_eq!(p.channel_dir(Channel::Web), "web");
        assert_eq!(v.channel_dir(Channel::Print), "print/members");
        assert_eq!((p.depth(), v.depth()), (0, 1));
        assert_eq!(p.serves(), ["all", "office"]);
        assert_eq!(v.serves(), ["members"]);
        assert_eq!(p.editions().count(), 2);
        assert!(p.greeting().is_none());
        assert_eq!(v.greeting().unwrap().with_name("สมชาย"), "สวัสดีคุณ สมชาย");
    }

    #[test]
    fn segment_and_variant_mistakes_point_at_their_line() {
        let at = |extra: &str| {
            piece(&format!(
                "+++\ntitle = \"ลด\"\nsummary = \"ส\"\n{extra}\n+++\nเนื้อหา\n"
            ))
            .unwrap_err()
            .to_string()
        };
        let e = at("segments = [\"members\"]\n[variants.office]\ntitle = \"x\"");
        assert!(
            e.starts_with("content/x.md:5:11:") && e.contains("add \"office\" to `segments`"),
            "{e}"
        );
        let e = at("segments = [\"members\", \"members\"]");
        assert!(
            e.starts_with("content/x.md:4:24:") && e.contains("twice"),
            "{e}"
        );
        let e = at("segments = [\"Members\"]");
        assert!(
            e.starts_with("content/x.md:4:13:") && e.contains("lower-case"),
            "{e}"
        );
        let e = at("segments = [\"all\"]");
        assert!(e.contains("reserved"), "{e}");
        let e = at("segments = [\"members\"]\n[variants.members]\nprice = \"฿79\"");
        assert!(
            e.starts_with("content/x.md:6:1:") && e.contains("unknown field `price`"),
            "{e}"
        );
        let e = at("greeting = \"สวัสดี {first_name}\"");
        assert!(
            e.starts_with("content/x.md:4:12:") && e.contains("{name}"),
            "{e}"
        );
        let names: Vec<String> = (0..17).map(|i| format!("\"s{i}\"")).collect();
        let tables: String = (0..17)
            .map(|i| format!("[variants.s{i}]\ntitle = \"ส{i}\"\n"))
            .collect();
        let e = at(&format!("segments = [{}]\n{tables}", names.join(", ")));
        assert!(e.contains("at most 16 variants"), "{e}");
        let names: Vec<String> = (0..65).map(|i| format!("\"s{i}\"")).collect();
        let e = at(&format!("segments = [{}]", names.join(", ")));
        assert!(e.contains("at most 64 segments"), "{e}");
        let e = at(
            "segments = [\"members\"]\n[variants.members]\ncta = { text = \"ดู\", url = \"javascript:x\" }",
        );
        assert!(
            e.starts_with("content/x.md:6:") && e.contains("javascript"),
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
