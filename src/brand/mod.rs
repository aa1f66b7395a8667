//! The brand guide (`brand/brand.toml`): loading, validation and lookups.
//!
//! Loading fails with a `file:line:col` error for anything the guide gets wrong: bad
//! syntax, unknown keys, bad hex values, missing font or logo files, a font file whose
//! family is not the one declared, pairs below WCAG AA without an exception.

pub mod card;
pub mod color;
mod fontcheck;
pub mod model;
pub mod schema;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

pub use color::Rgb;
pub use fontcheck::check_font_data;
pub use model::*;
use toml::Spanned;

use crate::error::{Error, Result, SourceFile};
use crate::paths::{PathProblem, Sandbox};

/// Where the guide lives inside a project.
pub const GUIDE_PATH: &str = "brand/brand.toml";

/// The optional font role for code (`[fonts.code]`): its families count as brand fonts,
/// and templates set `code` and `pre` in [`Guide::code_stack`] (`--font-code` on the web).
pub const CODE_ROLE: &str = "code";

/// Scripts the brand sets type for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Script {
    Latin,
    Thai,
}

/// A loaded, validated brand guide.
#[derive(Debug, Clone)]
pub struct Guide {
    /// The project directory (the guide is `root/brand/brand.toml`).
    pub root: PathBuf,
    /// The guide's text, kept for error excerpts and finding locations.
    pub source: SourceFile,
    pub brand: BrandInfo,
    pub colors: Colors,
    pub fonts: BTreeMap<String, FontRole>,
    pub logo: Logo,
    pub tone: Tone,
    pub channels: Channels,
    pub lint: LintConfig,
    pub links: LinksConfig,
    /// `[segments.<name>]`, by name.
    pub segments: BTreeMap<String, Segment>,
    /// Where pieces and the guide may read files from: the project and `asset_roots`.
    pub sandbox: Sandbox,
}

impl Guide {
    /// Loads and validates `<root>/brand/brand.toml`.
    pub fn load(root: &Path) -> Result<Guide> {
        let path = display_path(&root.join(GUIDE_PATH));
        if !path.exists() {
            return Err(Error::file(
                &path,
                "no brand guide here; run `brandpress init DIR` to start a project, or pass --project DIR",
            ));
        }
        Guide::from_source(root, SourceFile::read(&path)?)
    }

    /// Parses and validates a guide from text already read.
    pub fn from_source(root: &Path, source: SourceFile) -> Result<Guide> {
        let file: GuideFile = toml::from_str(&source.text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            Error::from(source.error(span, e.message().trim().to_string(), "here"))
        })?;
        if let Ok(table) = toml::de::DeTable::parse(&source.text)
            && let Some((span, c)) = crate::untrusted::first_control_char(table.get_ref())
        {
            return Err(source
                .error(
                    span,
                    format!(
                        "this value holds the control character {}; guide values reach email headers and pages, so they must be plain text",
                        crate::untrusted::char_name(c)
                    ),
                    "control character",
                )
                .into());
        }
        let asset_roots: Vec<PathBuf> = file
            .brand
            .asset_roots
            .iter()
            .map(|r| PathBuf::from(r.get_ref()))
            .collect();
        let guide = Guide {
            sandbox: Sandbox::new(root, &asset_roots),
            root: root.to_path_buf(),
            source,
            brand: file.brand,
            colors: file.colors,
            fonts: file.fonts,
            logo: file.logo,
            tone: file.tone,
            channels: file.channels,
            lint: file.lint,
            links: file.links,
            segments: file.segments,
        };
        guide.validate()?;
        Ok(guide)
    }

    /// The palette in declaration order.
    pub fn palette(&self) -> impl Iterator<Item = (&str, &ColorDef)> {
        self.colors
            .palette
            .iter()
            .map(|(name, def)| (name.get_ref().as_str(), def))
    }

    pub fn color(&self, name: &str) -> Option<&ColorDef> {
        self.palette().find(|(n, _)| *n == name).map(|(_, def)| def)
    }

    /// The first color with `role`, with its name.
    pub fn role(&self, role: &str) -> Option<(&str, &ColorDef)> {
        self.palette().find(|(_, def)| def.role.get_ref() == role)
    }

    /// The role's color value, or `fallback` if the guide has no such role.
    pub fn role_rgb(&self, role: &str, fallback: Rgb) -> Rgb {
        self.role(role).map(|(_, def)| def.hex).unwrap_or(fallback)
    }

    /// The palette color nearest to `rgb` by CIEDE2000, with its ΔE.
    pub fn nearest(&self, rgb: Rgb) -> Option<(&str, &ColorDef, f32)> {
        self.palette()
            .map(|(name, def)| (name, def, def.hex.delta_e(rgb)))
            .min_by(|a, b| a.2.total_cmp(&b.2))
    }

    pub fn font_role(&self, role: &str) -> Option<&FontRole> {
        self.fonts.get(role)
    }

    /// The `heading` or `body` role (both required by validation).
    pub fn heading(&self) -> &FontRole {
        &self.fonts["heading"]
    }

    pub fn body(&self) -> &FontRole {
        &self.fonts["body"]
    }

    /// The optional [`CODE_ROLE`] role (monospace, for inline code and code blocks).
    pub fn code(&self) -> Option<&FontRole> {
        self.fonts.get(CODE_ROLE)
    }

    /// The CSS font-family stack for code. With a `[fonts.code]` role it is built like
    /// every stack — the role's Latin family, then its Thai family (so Thai inside code
    /// keeps a brand face), then its fallbacks — and ends with the generic `monospace`
    /// unless the fallbacks already name a generic family. Without one, code is set in
    /// the body stack.
    pub fn code_stack(&self) -> String {
        let Some(role) = self.code() else {
            return self.css_stack(self.body());
        };
        let mut stack = self.css_stack(role);
        if !role
            .fallbacks
            .iter()
            .any(|f| GENERIC_FAMILIES.contains(&f.as_str()))
        {
            stack.push_str(", monospace");
        }
        stack
    }

    /// Every brand font family name (Latin and Thai, all roles).
    pub fn font_families(&self) -> BTreeSet<&str> {
        self.fonts
            .values()
            .flat_map(|r| {
                [
                    r.latin.family.get_ref().as_str(),
                    r.thai.family.get_ref().as_str(),
                ]
            })
            .collect()
    }

    /// The brand's domains, lower case: `[links] domains`, else the host of
    /// `[channels.web] base_url`, else none.
    pub fn brand_domains(&self) -> Vec<String> {
        if !self.links.domains.is_empty() {
            return self
                .links
                .domains
                .iter()
                .map(|d| d.get_ref().trim().to_ascii_lowercase())
                .collect();
        }
        self.channels
            .web
            .base_url
            .as_deref()
            .and_then(|u| url::Url::parse(u).ok())
            .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
            .into_iter()
            .collect()
    }

    /// Whether `host` is one of the brand's domains or below one (`shop.tonkla.example`).
    pub fn is_brand_host(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.brand_domains().iter().any(|d| {
            host == *d
                || host
                    .strip_suffix(d.as_str())
                    .is_some_and(|rest| rest.ends_with('.'))
        })
    }

    /// `utm_medium` for links published on `channel` (`[links.utm_medium]`).
    pub fn utm_medium(&self, channel: crate::channel::Channel) -> &str {
        use crate::channel::Channel;
        if let Some(m) = self.links.utm_medium.get(&channel) {
            return m;
        }
        match channel {
            Channel::Web => "referral",
            Channel::Email => "email",
            Channel::Social => "social",
            Channel::Print => "offline",
        }
    }

    pub fn fonts_dir(&self) -> PathBuf {
        self.root.join("brand/fonts")
    }

    pub fn font_path(&self, file: &str) -> PathBuf {
        self.fonts_dir().join(file)
    }

    /// Paths of the font files of one role and script.
    pub fn font_files(&self, role: &FontRole, script: Script) -> Vec<PathBuf> {
        let family = match script {
            Script::Latin => &role.latin,
            Script::Thai => &role.thai,
        };
        family
            .files
            .iter()
            .map(|f| self.font_path(f.get_ref()))
            .collect()
    }

    /// Every distinct brand font file, in guide order.
    pub fn all_font_files(&self) -> Vec<PathBuf> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for role in self.fonts.values() {
            for fam in [&role.latin, &role.thai] {
                for f in &fam.files {
                    if seen.insert(f.get_ref().clone()) {
                        out.push(self.font_path(f.get_ref()));
                    }
                }
            }
        }
        out
    }

    /// The span of the value at `path` in the guide (`0..0` when absent).
    pub fn value_span(&self, path: &[&str]) -> std::ops::Range<usize> {
        toml::de::DeTable::parse(&self.source.text)
            .ok()
            .and_then(|t| crate::untrusted::value_span(t.get_ref(), path))
            .unwrap_or(0..0)
    }

    /// The sandbox of the logo SVG: it may read images under `brand/` only.
    pub fn brand_sandbox(&self) -> Sandbox {
        Sandbox::only(&self.root.join("brand"))
    }

    pub fn logo_path(&self, file: &str) -> PathBuf {
        self.root.join("brand").join(file)
    }

    /// The logo file to use: the first SVG, else the first file.
    pub fn logo_file(&self) -> Option<&str> {
        let files = || self.logo.files.iter().map(|f| f.get_ref().as_str());
        files()
            .find(|f| f.ends_with(".svg"))
            .or_else(|| files().next())
    }

    /// A CSS font-family stack for a role: Latin family, Thai family, then fallbacks.
    pub fn css_stack(&self, role: &FontRole) -> String {
        let mut parts = vec![
            css_family(role.latin.family.get_ref()),
            css_family(role.thai.family.get_ref()),
        ];
        parts.extend(role.fallbacks.iter().map(|f| css_family(f)));
        parts.dedup();
        parts.join(", ")
    }

    /// The tone rules in force for a channel (`None` for Markdown sources).
    pub fn tone_for(&self, channel: Option<crate::channel::Channel>) -> ToneOverride {
        let base = ToneOverride {
            banned: Some(self.tone.banned.clone()),
            max_sentence_words: self.tone.max_sentence_words,
            max_exclamations: self.tone.max_exclamations,
        };
        match channel.and_then(|c| self.tone.channels.get(&c)) {
            Some(o) => ToneOverride {
                banned: o.banned.clone().or(base.banned),
                max_sentence_words: o.max_sentence_words.or(base.max_sentence_words),
                max_exclamations: o.max_exclamations.or(base.max_exclamations),
            },
            None => base,
        }
    }

    /// Checks relations between parts of the guide and the files it names.
    fn validate(&self) -> Result<()> {
        let mut errors: Vec<Error> = Vec::new();
        let mut err = |span: std::ops::Range<usize>, msg: String, label: &str| {
            errors.push(self.source.error(span, msg, label).into());
        };

        self.validate_segments(&mut err);

        // [links] domains: host names, not URLs
        for domain in &self.links.domains {
            let d = domain.get_ref();
            let host_like = !d.is_empty()
                && d.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
                && !d.starts_with(['.', '-'])
                && d.contains('.');
            if !host_like {
                err(
                    domain.span(),
                    format!(
                        "[links] domains: {d:?} is not a domain name (write \"tonkla.example\", no scheme or path)"
                    ),
                    "this domain",
                );
            }
        }

        // [lint] photos globs
        for glob in &self.lint.photos {
            if let Err(e) = globset::Glob::new(glob.get_ref()) {
                err(
                    glob.span(),
                    format!(
                        "[lint] photos {:?} is not a usable glob: {}",
                        glob.get_ref(),
                        e.kind()
                    ),
                    "this glob",
                );
            }
        }
        // [lint.kinds] globs
        for glob in self.lint.kinds.keys() {
            if let Err(e) = globset::Glob::new(glob.get_ref()) {
                err(
                    glob.span(),
                    format!(
                        "[lint.kinds] {:?} is not a usable glob: {}",
                        glob.get_ref(),
                        e.kind()
                    ),
                    "this glob",
                );
            }
        }

        // colors
        if self.colors.palette.is_empty() {
            err(
                0..0,
                "the guide declares no colors: add [colors.<name>] tables".into(),
                "",
            );
        }
        if !(self.colors.tolerance > 0.0 && self.colors.tolerance < self.colors.near_miss) {
            err(
                0..0,
                format!(
                    "[colors] tolerance ({}) must be above 0 and below near_miss ({})",
                    self.colors.tolerance, self.colors.near_miss
                ),
                "",
            );
        }
        let mut names = BTreeSet::new();
        let mut spots = std::collections::BTreeMap::new();
        for (name, def) in &self.colors.palette {
            if !valid_token(name.get_ref()) {
                err(
                    name.span(),
                    format!(
                        "color name {:?} must be lower-case letters, digits and '-'",
                        name.get_ref()
                    ),
                    "used as a CSS token name",
                );
            }
            names.insert(name.get_ref().as_str());
            if let Some(spot) = &def.spot {
                // Compared as lint compares PDF colorant names: no case, spaces collapsed.
                let key = spot
                    .get_ref()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_lowercase();
                if key.is_empty() {
                    err(
                        spot.span(),
                        "a spot color needs the ink's name (\"PANTONE 3425 C\")".into(),
                        "empty",
                    );
                } else if let Some(other) = spots.insert(key, name.get_ref().as_str()) {
                    err(
                        spot.span(),
                        format!("spot {:?} is also color {other:?}'s", spot.get_ref()),
                        "one ink, one palette color",
                    );
                }
            }
            if let Some(cmyk) = &def.cmyk
                && cmyk.get_ref().iter().any(|v| !(0.0..=100.0).contains(v))
            {
                err(
                    cmyk.span(),
                    "CMYK values are percentages from 0 to 100".into(),
                    "out of range",
                );
            }
        }
        for role in ["text", "background", "primary"] {
            if self.role(role).is_none() {
                err(
                    self.colors_span(),
                    format!("no color has role \"{role}\"; every channel needs one"),
                    "in [colors]",
                );
            }
        }
        for pair in &self.colors.pairs {
            let (Some(fg), Some(bg)) = (
                self.named_color(&pair.text, &mut err),
                self.named_color(&pair.background, &mut err),
            ) else {
                continue;
            };
            let ratio = fg.hex.contrast(bg.hex);
            match &pair.exception {
                Some(reason) if reason.get_ref().trim().is_empty() => err(
                    reason.span(),
                    "an exception needs a reason".into(),
                    "say why this pair may stay below AA",
                ),
                Some(_) => {}
                None if ratio < color::AA_NORMAL => err(
                    pair.text.span().start..pair.background.span().end,
                    format!(
                        "{} on {}: contrast {ratio:.2}:1 is below WCAG AA ({}:1)",
                        pair.text.get_ref(),
                        pair.background.get_ref(),
                        color::AA_NORMAL
                    ),
                    "pair below AA",
                ),
                None => {}
            }
        }

        // fonts
        for role in ["heading", "body"] {
            if !self.fonts.contains_key(role) {
                err(
                    0..0,
                    format!("[fonts.{role}] is missing; the channels need it"),
                    "",
                );
            }
        }
        for (role, def) in &self.fonts {
            for family in [&def.latin, &def.thai] {
                self.check_family(role, family, &mut err);
            }
        }

        // logo
        if self.logo.files.is_empty() {
            err(0..0, "[logo] files is empty".into(), "");
        }
        let brand_dir = self.root.join("brand");
        for file in self.logo.files.iter().chain(&self.logo.dark) {
            if let Err(problem) = self.sandbox.resolve(&brand_dir, Path::new(file.get_ref())) {
                err(
                    file.span(),
                    format!("logo file {:?} {problem}", file.get_ref()),
                    "logo file",
                );
            }
        }
        if let Some(profile) = &self.channels.print.cmyk_profile
            && let Err(problem) = self.sandbox.resolve(&brand_dir, Path::new(profile))
        {
            let span = self.value_span(&["channels", "print", "cmyk_profile"]);
            err(
                span,
                format!("cmyk_profile {profile:?} {problem}"),
                "ICC profile",
            );
        }
        if let Some(base) = &self.channels.web.base_url {
            let ok = url::Url::parse(base).is_ok_and(|u| {
                matches!(u.scheme(), "http" | "https")
                    && u.host().is_some()
                    && u.query().is_none()
                    && u.fragment().is_none()
            }) && !base.chars().any(|c| c.is_control() || c.is_whitespace());
            if !ok {
                err(
                    self.value_span(&["channels", "web", "base_url"]),
                    format!(
                        "base_url {base:?} must be an http(s) URL without query or fragment: every channel links to it"
                    ),
                    "not a site URL",
                );
            }
        }
        for root in &self.brand.asset_roots {
            let dir = self.root.join(root.get_ref());
            if !dir.is_dir() {
                err(
                    root.span(),
                    format!("asset root {} is not a folder", dir.display()),
                    "asset root",
                );
            }
        }
        for bg in &self.logo.backgrounds {
            self.named_color(bg, &mut err);
        }
        if !(0.0..=2.0).contains(&self.logo.clear_space) {
            err(
                0..0,
                "[logo] clear_space is a fraction of the logo height, 0 to 2".into(),
                "",
            );
        }

        // the social card layout (colors by palette name, contrast, logo background) and
        // the card presets (names, sizes within the pixel limits)
        if let Err(e) = card::CardStyle::resolve(self) {
            errors.push(e);
        }

        // roles the templates use
        for (role, template) in template_roles(&self.root.join("templates"), &self.sandbox) {
            if self.role(&role).is_none() {
                errors.push(Error::file(
                    &template,
                    format!("uses color role \"{role}\" (--role-{role}), which no color in {GUIDE_PATH} has"),
                ));
            }
        }
        Error::collect(errors)
    }

    fn colors_span(&self) -> std::ops::Range<usize> {
        self.source
            .text
            .find("[colors]")
            .map(|i| i..i + 8)
            .unwrap_or(0..0)
    }

    fn named_color(
        &self,
        name: &Spanned<String>,
        err: &mut impl FnMut(std::ops::Range<usize>, String, &str),
    ) -> Option<&ColorDef> {
        let found = self.color(name.get_ref());
        if found.is_none() {
            err(
                name.span(),
                format!("unknown color {:?}", name.get_ref()),
                "not a [colors.<name>] table",
            );
        }
        found
    }

    fn check_family(
        &self,
        role: &str,
        family: &FontFamily,
        err: &mut impl FnMut(std::ops::Range<usize>, String, &str),
    ) {
        if family.files.is_empty() {
            err(
                family.family.span(),
                format!("[fonts.{role}] lists no files"),
                "",
            );
        }
        let mut db = fontdb::Database::new();
        for file in &family.files {
            let read = self
                .sandbox
                .resolve(&self.fonts_dir(), Path::new(file.get_ref()))
                .and_then(|path| self.sandbox.read(&path));
            let path = self.font_path(file.get_ref());
            match read {
                Ok(data) => {
                    let before = db.len();
                    let damage = check_font_data(&data).err();
                    db.load_font_data(data);
                    if db.len() == before {
                        err(
                            file.span(),
                            format!("{} is not a font file", path.display()),
                            "unreadable",
                        );
                    } else if let Some(why) = damage {
                        err(
                            file.span(),
                            format!("{} is a damaged font file: {why}", path.display()),
                            "damaged font",
                        );
                    }
                }
                Err(PathProblem::Missing { .. }) => err(
                    file.span(),
                    format!("font file {} not found", path.display()),
                    "no such file in brand/fonts/",
                ),
                Err(problem) => err(
                    file.span(),
                    format!("font file {:?} {problem}", file.get_ref()),
                    "font file",
                ),
            }
        }
        if db.is_empty() {
            return;
        }
        let wanted = family.family.get_ref();
        let has = db
            .faces()
            .any(|f| f.families.iter().any(|(n, _)| n == wanted));
        if !has {
            let found: BTreeSet<String> = db
                .faces()
                .flat_map(|f| f.families.iter().map(|(n, _)| n.clone()))
                .collect();
            err(
                family.family.span(),
                format!(
                    "font family {wanted:?} is not in its files (they hold {})",
                    found.into_iter().collect::<Vec<_>>().join(", ")
                ),
                "family not found",
            );
        }
    }
}

/// CSS generic font families (lower case): valid last resorts in any font stack.
pub const GENERIC_FAMILIES: &[&str] = &[
    "serif",
    "sans-serif",
    "monospace",
    "cursive",
    "fantasy",
    "system-ui",
    "ui-sans-serif",
    "ui-serif",
    "ui-monospace",
    "ui-rounded",
    "emoji",
    "math",
];

/// Quotes a family name for CSS unless it is a generic family.
pub fn css_family(name: &str) -> String {
    if GENERIC_FAMILIES.contains(&name) {
        name.to_string()
    } else {
        format!("\"{name}\"")
    }
}

fn valid_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Color roles the templates reference as `--role-<name>`, with the first file using each.
fn template_roles(dir: &Path, sandbox: &Sandbox) -> BTreeMap<String, PathBuf> {
    let mut roles = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        // Files linked from outside the project are not read (the web renderer refuses them).
        let inside = entry
            .path()
            .canonicalize()
            .is_ok_and(|p| sandbox.contains(&p));
        if !entry.file_type().is_file() || !inside {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        for (i, _) in text.match_indices("--role-") {
            let name: String = text[i + 7..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            if !name.is_empty() {
                roles
                    .entry(name)
                    .or_insert_with(|| entry.path().to_path_buf());
            }
        }
    }
    roles
}

/// Drops a leading `./` so paths print the way users typed them.
pub fn display_path(path: &Path) -> PathBuf {
    path.strip_prefix(".")
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

/// Segment names that outputs or the manifest use themselves, with why.
const RESERVED_SEGMENTS: &[(&str, &str)] = &[
    (
        "all",
        "the manifest says \"all\" for outputs that serve every reader",
    ),
    (
        "assets",
        "the web and email channels keep their shared files in <channel>/assets/",
    ),
];

/// Why `name` cannot name a segment, if it cannot: it becomes a folder of every channel's
/// output (`out/web/<name>/<slug>/`), so it must be a safe, URL-clean path segment.
pub fn segment_name_problem(name: &str) -> Option<String> {
    if let Some((_, why)) = RESERVED_SEGMENTS.iter().find(|(n, _)| *n == name) {
        return Some(format!("it is reserved: {why}"));
    }
    if let Some(why) = crate::paths::unsafe_name(name) {
        return Some(format!("it is unsafe as a folder name: {why}"));
    }
    let clean = !name.is_empty()
        && name.len() <= 64
        && !name.starts_with('-')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    (!clean).then(|| {
        "segment names are 1 to 64 lower-case letters, digits and '-' (not first): each is a folder of the outputs made for it".to_string()
    })
}

/// Characters a greeting fallback word may not hold: they are merge-tag or HTML syntax
/// on some platform, and the fallback goes inside a merge tag.
const FALLBACK_FORBIDDEN: &[char] = &['{', '}', '|', '*', '\'', '"', '<', '>', '&', '\\', '%'];

impl Guide {
    /// `[segments.*]` names and labels, and `[channels.email] greeting_fallback`.
    fn validate_segments(&self, err: &mut impl FnMut(std::ops::Range<usize>, String, &str)) {
        for (name, segment) in &self.segments {
            if let Some(why) = segment_name_problem(name) {
                let span = self.key_span(&["segments", name]);
                err(
                    span,
                    format!("segment name {name:?} cannot be used: {why}"),
                    "segment name",
                );
            }
            if segment.label.trim().is_empty() {
                err(
                    self.value_span(&["segments", name, "label"]),
                    format!("[segments.{name}] label is empty: name the segment for people"),
                    "empty label",
                );
            }
        }
        let fallback = &self.channels.email.greeting_fallback;
        for (lang, word) in [("th", &fallback.th), ("en", &fallback.en)] {
            let w = word.get_ref();
            let bad = w.chars().find(|c| FALLBACK_FORBIDDEN.contains(c));
            if w.trim().is_empty() || w.chars().count() > 40 || bad.is_some() {
                err(
                    word.span(),
                    format!(
                        "greeting_fallback {lang} = {w:?} must be 1 to 40 characters of plain text{}: it stands in for an empty first name inside the platform's merge tag",
                        bad.map(|c| format!(" (not {c:?})")).unwrap_or_default()
                    ),
                    "fallback word",
                );
            }
        }
    }

    /// The span of the key at `path` in the guide (`0..0` when absent).
    fn key_span(&self, path: &[&str]) -> std::ops::Range<usize> {
        toml::de::DeTable::parse(&self.source.text)
            .ok()
            .and_then(|t| key_span(t.get_ref(), path))
            .unwrap_or(0..0)
    }

    /// The segment named `name`, if the guide declares it.
    pub fn segment(&self, name: &str) -> Option<&Segment> {
        self.segments.get(name)
    }
}

/// The span of the key (not the value) at `path` in a parsed TOML table: `members` in
/// `[segments.members]` or in `members = { … }`.
pub fn key_span(table: &toml::de::DeTable, path: &[&str]) -> Option<std::ops::Range<usize>> {
    let (first, rest) = path.split_first()?;
    let (key, value) = table.iter().find(|(k, _)| k.get_ref().as_ref() == *first)?;
    match (rest.is_empty(), value.get_ref()) {
        (true, _) => Some(key.span()),
        (false, toml::de::DeValue::Table(t)) => key_span(t, rest),
        _ => None,
    }
}

#[cfg(test)]
mod segment_tests {
    use super::segment_name_problem;

    #[test]
    fn segment_names_are_safe_folder_names() {
        for good in ["members", "office", "coffee-lovers", "vip2"] {
            assert_eq!(segment_name_problem(good), None, "{good}");
        }
        for (bad, needle) in [
            ("all", "reserved"),
            ("assets", "reserved"),
            ("Members", "lower-case"),
            ("สมาชิก", "lower-case"),
            ("-x", "'-'"),
            ("a/b", "unsafe"),
            ("con", "unsafe"),
            ("", ""),
        ] {
            let why = segment_name_problem(bad).expect(bad);
            assert!(why.contains(needle), "{bad}: {why}");
        }
    }
}
