//! The serde model of `brand/brand.toml`. Unknown keys are rejected everywhere; values
//! that later checks must point at are kept `Spanned`.

use std::collections::BTreeMap;
use std::fmt;

use schemars::JsonSchema;
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use toml::Spanned;

use super::color::Rgb;

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GuideFile {
    pub brand: BrandInfo,
    pub colors: Colors,
    pub fonts: BTreeMap<String, FontRole>,
    pub logo: Logo,
    #[serde(default)]
    pub tone: Tone,
    #[serde(default)]
    pub channels: Channels,
    #[serde(default)]
    pub lint: LintConfig,
    #[serde(default)]
    pub links: LinksConfig,
    /// `[segments.<name>]`: the customer segments pieces may target and vary for.
    #[serde(default)]
    pub segments: BTreeMap<String, Segment>,
}

/// `[segments.<name>]`: a customer segment. Its name is a path segment of the outputs made
/// for it (`out/web/<name>/<slug>/`), so it is lower-case letters, digits and '-'.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Segment {
    /// What people call it (`"สมาชิก Tonkla Club"`).
    pub label: String,
    pub description: Option<String>,
}

/// `[links]`: which links are the brand's own, and how they are tagged.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LinksConfig {
    /// The brand's domains (`"tonkla.example"`; subdomains included). Only links to them
    /// get UTM tags and are checked for them. Default: the host of `[channels.web]
    /// base_url`.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub domains: Vec<Spanned<String>>,
    /// `utm_medium` per channel; defaults: web `referral`, email `email`, social
    /// `social`, print `offline`.
    #[serde(default)]
    pub utm_medium: BTreeMap<crate::channel::Channel, String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BrandInfo {
    pub name: String,
    /// Canonical spellings of brand and product names ("LINE", "iPhone").
    #[serde(default)]
    pub terms: Vec<String>,
    /// Whether raw HTML inside Markdown is passed through (escaped otherwise).
    #[serde(default)]
    pub allow_raw_html: bool,
    /// Folders outside the project that pieces may take pictures from (a monorepo's
    /// shared images), relative to the project root. Nothing else outside is readable.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub asset_roots: Vec<Spanned<String>>,
}

/// `[colors]`: settings plus one `[colors.<name>]` table per brand color, in the order
/// the guide declares them.
#[derive(Debug, Clone)]
pub struct Colors {
    pub tolerance: f32,
    pub near_miss: f32,
    pub pairs: Vec<ColorPair>,
    pub palette: Vec<(Spanned<String>, ColorDef)>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ColorDef {
    pub hex: Rgb,
    #[schemars(with = "String")]
    pub role: Spanned<String>,
    /// Print values in percent (C, M, Y, K).
    #[schemars(with = "Option<[f32; 4]>")]
    pub cmyk: Option<Spanned<[f32; 4]>>,
    /// The variant used in dark mode.
    pub dark: Option<Rgb>,
    /// The spot ink printing this color (`"PANTONE 3425 C"`): a PDF Separation or
    /// DeviceN colorant of that name is this color, whatever its alternate.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub spot: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ColorPair {
    #[schemars(with = "String")]
    pub text: Spanned<String>,
    #[schemars(with = "String")]
    pub background: Spanned<String>,
    /// Why this pair may stay below WCAG AA.
    #[schemars(with = "Option<String>")]
    pub exception: Option<Spanned<String>>,
}

impl<'de> Deserialize<'de> for Colors {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ColorsVisitor;
        impl<'de> Visitor<'de> for ColorsVisitor {
            type Value = Colors;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a [colors] table of settings and [colors.<name>] tables")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Colors, A::Error> {
                let mut colors = Colors {
                    tolerance: 1.0,
                    near_miss: 5.0,
                    pairs: Vec::new(),
                    palette: Vec::new(),
                };
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    match key.get_ref().as_str() {
                        "tolerance" => colors.tolerance = map.next_value()?,
                        "near_miss" => colors.near_miss = map.next_value()?,
                        "pairs" => colors.pairs = map.next_value()?,
                        name => {
                            let def = map.next_value_seed(ColorEntry(name))?;
                            colors.palette.push((key, def));
                        }
                    }
                }
                Ok(colors)
            }
        }
        deserializer.deserialize_map(ColorsVisitor)
    }
}

/// A `[colors.<name>]` table; any other value under `[colors]` is an unknown setting.
struct ColorEntry<'a>(&'a str);

impl<'de> serde::de::DeserializeSeed<'de> for ColorEntry<'_> {
    type Value = ColorDef;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<ColorDef, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ColorEntry<'_> {
    type Value = ColorDef;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "`{}` to be a [colors.{}] table (settings here are tolerance, near_miss and pairs)",
            self.0, self.0
        )
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ColorDef, A::Error> {
        ColorDef::deserialize(serde::de::value::MapAccessDeserializer::new(map))
    }
}

/// `[fonts.<role>]`: one family per script, plus CSS fallbacks.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FontRole {
    pub latin: FontFamily,
    pub thai: FontFamily,
    #[serde(default = "default_weight")]
    pub weight: u16,
    #[serde(default)]
    pub fallbacks: Vec<String>,
    /// Size bounds in px for auto-fitting text (cards, print headings).
    pub size: Option<SizeRange>,
}

fn default_weight() -> u16 {
    400
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FontFamily {
    #[schemars(with = "String")]
    pub family: Spanned<String>,
    /// Font files under `brand/fonts/`.
    #[schemars(with = "Vec<String>")]
    pub files: Vec<Spanned<String>>,
}

#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SizeRange {
    pub min: f32,
    pub max: f32,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Logo {
    /// Logo files under `brand/` (SVG preferred, PNG accepted).
    #[schemars(with = "Vec<String>")]
    pub files: Vec<Spanned<String>>,
    pub alt: String,
    /// Clear space around the logo, as a fraction of its height.
    #[serde(default = "default_clear_space")]
    pub clear_space: f32,
    /// Color names the logo may be placed on.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub backgrounds: Vec<Spanned<String>>,
    #[serde(default)]
    pub min_size: LogoMinSize,
    /// A variant for dark backgrounds under `brand/` (light marks), which pages and
    /// emails show in dark mode (`prefers-color-scheme: dark`).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub dark: Option<Spanned<String>>,
}

fn default_clear_space() -> f32 {
    0.25
}

/// Minimum logo sizes per channel: px for screens, mm for print.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LogoMinSize {
    pub web: f32,
    pub email: f32,
    pub social: f32,
    pub print: f32,
}

impl Default for LogoMinSize {
    fn default() -> Self {
        Self {
            web: 48.0,
            email: 48.0,
            social: 96.0,
            print: 15.0,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tone {
    #[serde(default)]
    pub banned: Vec<String>,
    #[serde(default)]
    pub preferred: Vec<PreferredTerm>,
    pub max_sentence_words: Option<usize>,
    pub max_exclamations: Option<usize>,
    /// Per-channel overrides (`[tone.channels.social]`).
    #[serde(default)]
    pub channels: BTreeMap<crate::channel::Channel, ToneOverride>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PreferredTerm {
    #[serde(rename = "use")]
    pub use_: String,
    pub instead_of: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ToneOverride {
    pub banned: Option<Vec<String>>,
    pub max_sentence_words: Option<usize>,
    pub max_exclamations: Option<usize>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Channels {
    #[serde(default)]
    pub web: WebChannel,
    #[serde(default)]
    pub email: EmailChannel,
    #[serde(default)]
    pub social: SocialChannel,
    #[serde(default)]
    pub print: PrintChannel,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WebChannel {
    /// Public URL the web pages are published under; `<base_url><slug>/`.
    pub base_url: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailChannel {
    #[serde(default = "default_email_width")]
    pub width: u32,
    /// The sender of the built `.eml` files: `Name <address@domain>`.
    #[serde(default = "default_email_from")]
    pub from: String,
    /// KB the sending platform adds to the HTML (tracking links, pixel, footer), counted
    /// by `email/size` on top of the encoded HTML.
    #[serde(default = "default_sending_overhead")]
    pub sending_overhead_kb: f32,
    /// The sending platform's merge-tag syntax, for the `{name}` of a piece's greeting.
    #[serde(default)]
    pub merge_tags: MergeTags,
    /// The word a greeting shows in place of an empty first name, per language.
    #[serde(default)]
    pub greeting_fallback: GreetingFallback,
}

/// Which sending platform fills in the recipient's first name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum MergeTags {
    /// `*|IF:FNAME|**|FNAME|**|ELSE:|*fallback*|END:IF|*`
    Mailchimp,
    /// `{{ contact.FIRSTNAME|default:'fallback' }}`
    Brevo,
    /// `{{#if first_name}}{{first_name}}{{else}}fallback{{/if}}` (dynamic templates)
    Sendgrid,
    /// No platform: the fallback word itself.
    #[default]
    None,
}

/// `greeting_fallback = { th = "ลูกค้า", en = "there" }`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GreetingFallback {
    #[serde(default = "default_fallback_th")]
    #[schemars(with = "String")]
    pub th: Spanned<String>,
    #[serde(default = "default_fallback_en")]
    #[schemars(with = "String")]
    pub en: Spanned<String>,
}

fn default_fallback_th() -> Spanned<String> {
    Spanned::new(0..0, "ลูกค้า".into())
}

fn default_fallback_en() -> Spanned<String> {
    Spanned::new(0..0, "there".into())
}

impl Default for GreetingFallback {
    fn default() -> Self {
        Self {
            th: default_fallback_th(),
            en: default_fallback_en(),
        }
    }
}

fn default_sending_overhead() -> f32 {
    4.0
}

fn default_email_width() -> u32 {
    600
}

fn default_email_from() -> String {
    "Newsletter <newsletter@example.com>".into()
}

impl Default for EmailChannel {
    fn default() -> Self {
        Self {
            width: default_email_width(),
            from: default_email_from(),
            sending_overhead_kb: default_sending_overhead(),
            merge_tags: MergeTags::default(),
            greeting_fallback: GreetingFallback::default(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SocialChannel {
    #[serde(default = "default_presets")]
    pub presets: Vec<CardPreset>,
    /// How cards are composed (`[channels.social.layout]`).
    #[serde(default)]
    pub layout: CardLayout,
    /// Presets whose cards carry a QR code to the piece's web page (`qr = ["story"]`).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub qr: Vec<Spanned<String>>,
}

impl Default for SocialChannel {
    fn default() -> Self {
        Self {
            presets: default_presets(),
            layout: CardLayout::default(),
            qr: Vec::new(),
        }
    }
}

/// `[channels.social.layout]`: the declarative card layout. Colors are palette names;
/// unset colors fall back to roles (background: `primary`, title and text: `background`,
/// accent: `accent` else `secondary`, accent text: `text`). Fractions are of the card's
/// shorter side unless said otherwise.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CardLayout {
    /// Solid background color.
    #[schemars(with = "Option<String>")]
    pub background: Option<Spanned<String>>,
    /// Two or more colors for a diagonal gradient (top-left to bottom-right) instead.
    #[schemars(with = "Option<Vec<String>>")]
    pub gradient: Option<Spanned<Vec<Spanned<String>>>>,
    /// Title color.
    #[schemars(with = "Option<String>")]
    pub title_color: Option<Spanned<String>>,
    /// Summary and facts color.
    #[schemars(with = "Option<String>")]
    pub text_color: Option<Spanned<String>>,
    /// Fill of the call-to-action pill.
    #[schemars(with = "Option<String>")]
    pub accent: Option<Spanned<String>>,
    /// Text color on the pill.
    #[schemars(with = "Option<String>")]
    pub accent_text: Option<Spanned<String>>,
    /// Margin around the content.
    #[serde(default = "default_card_padding")]
    pub padding: f32,
    /// Logo height (never below `[logo.min_size] social`).
    #[serde(default = "default_card_logo")]
    pub logo_size: f32,
    /// Share of the card the hero image takes: of the width on landscape and square cards,
    /// of the height on portrait ones.
    #[serde(default = "default_card_hero")]
    pub hero: f32,
}

impl CardLayout {
    /// Every color name the layout sets, for validation against the palette.
    pub fn color_names(&self) -> Vec<&Spanned<String>> {
        let mut out: Vec<&Spanned<String>> = [
            &self.background,
            &self.title_color,
            &self.text_color,
            &self.accent,
            &self.accent_text,
        ]
        .into_iter()
        .flatten()
        .collect();
        if let Some(g) = &self.gradient {
            out.extend(g.get_ref().iter());
        }
        out
    }
}

impl Default for CardLayout {
    fn default() -> Self {
        Self {
            background: None,
            gradient: None,
            title_color: None,
            text_color: None,
            accent: None,
            accent_text: None,
            padding: default_card_padding(),
            logo_size: default_card_logo(),
            hero: default_card_hero(),
        }
    }
}

fn default_card_padding() -> f32 {
    0.07
}

fn default_card_logo() -> f32 {
    0.14
}

fn default_card_hero() -> f32 {
    0.4
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CardPreset {
    pub name: String,
    pub width: u32,
    pub height: u32,
}

fn default_presets() -> Vec<CardPreset> {
    [
        ("og", 1200, 630),
        ("square", 1080, 1080),
        ("story", 1080, 1920),
    ]
    .into_iter()
    .map(|(name, width, height)| CardPreset {
        name: name.into(),
        width,
        height,
    })
    .collect()
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrintChannel {
    #[serde(default)]
    pub page: PageSize,
    #[serde(default = "default_bleed")]
    pub bleed_mm: f32,
    #[serde(default)]
    pub crop_marks: bool,
    /// Export PDF/A-2b (archival). CMYK colors then need `cmyk_profile`.
    #[serde(default)]
    pub pdfa: bool,
    /// An ICC profile for CMYK colors (under `brand/`), embedded when `pdfa` is on.
    #[serde(default)]
    pub cmyk_profile: Option<String>,
}

fn default_bleed() -> f32 {
    3.0
}

impl Default for PrintChannel {
    fn default() -> Self {
        Self {
            page: PageSize::default(),
            bleed_mm: default_bleed(),
            crop_marks: false,
            pdfa: false,
            cmyk_profile: None,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum PageSize {
    A4,
    #[default]
    A5,
    Letter,
}

impl PageSize {
    /// Width and height in millimetres.
    pub fn mm(self) -> (f32, f32) {
        match self {
            PageSize::A4 => (210.0, 297.0),
            PageSize::A5 => (148.0, 210.0),
            PageSize::Letter => (215.9, 279.4),
        }
    }
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LintConfig {
    /// Severity per rule id: "error", "warning", "info" or "off".
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, RuleLevel>")]
    pub rules: BTreeMap<Spanned<String>, RuleLevel>,
    /// Share of off-palette pixels an image may have (0.02 = 2 %).
    #[serde(default = "default_image_threshold")]
    pub image_off_palette: f32,
    /// Generic families (`monospace`, `serif`, `system-ui`…) a font stack may start with,
    /// say for `code` and `pre` in a guide without a `[fonts.code]` role.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub generic_families: Vec<Spanned<String>>,
    /// `[lint.kinds]`: what files matching a glob are, when their bytes do not say
    /// (`"emails/**" = "email"`, `"deliveries/cards/*" = "card"`). Globs match the path
    /// below the linted folder, or as given.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, LintKind>")]
    pub kinds: BTreeMap<Spanned<String>, LintKind>,
    /// `[lint] photos`: globs of images that are photos (`"**/photos/**"`), matched like
    /// `kinds`; their colors are not judged by pixel share (`image/off-palette`).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub photos: Vec<Spanned<String>>,
    /// `[lint] ignores_need_approver`: every brandpress-ignore must name its approver
    /// (`by=`); one without is `lint/ignore-malformed` and is not applied.
    #[serde(default)]
    pub ignores_need_approver: bool,
}

impl Default for LintConfig {
    fn default() -> Self {
        Self {
            rules: BTreeMap::new(),
            image_off_palette: default_image_threshold(),
            generic_families: Vec::new(),
            kinds: BTreeMap::new(),
            photos: Vec::new(),
            ignores_need_approver: false,
        }
    }
}

/// What a file is for lint, when the guide (`[lint.kinds]`) or the command line
/// (`--kind`) says so instead of its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum LintKind {
    /// A web page (HTML).
    Web,
    /// HTML written for email clients.
    Email,
    /// A MIME message (`.eml`).
    Eml,
    /// A social card: an image that must have a preset size.
    Card,
    /// Any other image (PNG, JPEG, WebP, GIF, SVG).
    Image,
    Pdf,
    Markdown,
}

impl LintKind {
    /// Every kind with its name, as the guide and `--kind` spell it.
    pub const ALL: [(&'static str, LintKind); 7] = [
        ("web", LintKind::Web),
        ("email", LintKind::Email),
        ("eml", LintKind::Eml),
        ("card", LintKind::Card),
        ("image", LintKind::Image),
        ("pdf", LintKind::Pdf),
        ("markdown", LintKind::Markdown),
    ];
}

impl std::str::FromStr for LintKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        LintKind::ALL
            .iter()
            .find(|(name, _)| *name == s)
            .map(|(_, k)| *k)
            .ok_or_else(|| {
                let names: Vec<&str> = LintKind::ALL.iter().map(|(n, _)| *n).collect();
                format!("unknown kind {s:?}; one of {}", names.join(", "))
            })
    }
}

fn default_image_threshold() -> f32 {
    0.02
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RuleLevel {
    Error,
    Warning,
    Info,
    Off,
}
