//! The rule registry: every rule brandpress reports, as a typed static. It is the one source
//! of a rule's id, default severity and documentation: findings take their severity from
//! it (`Finding::new(&rules::PDF_BLEED, …)`), and the README table, `docs/rules/`, SARIF's
//! `rules` and `brandpress explain` are generated from it.
//!
//! Adding a rule is one entry here; `cargo test` then says which generated files to refresh
//! (`BRANDPRESS_BLESS=1 cargo test --lib registry`).

use std::fmt;

use serde::Serialize;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        })
    }
}

/// One lint rule.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    /// Stable id, `family/name`.
    pub id: &'static str,
    /// The severity a finding of this rule has unless the guide's `[lint.rules]` sets
    /// another. A few rules are graduated (their rationale says when) and lower it.
    pub severity: Severity,
    /// One line.
    pub summary: &'static str,
    /// Why the rule exists and what it checks.
    pub rationale: &'static str,
    /// Something the rule reports.
    pub bad: &'static str,
    /// The same thing, fixed.
    pub good: &'static str,
    /// What `brandpress lint --fix` does to a finding of this rule (and where), if the
    /// rule is fixable; `None` for rules whose fix needs a person.
    pub fix: Option<&'static str>,
}

impl Rule {
    /// Where the rule's generated documentation lives in this repository.
    pub fn doc_path(&self) -> String {
        format!("docs/rules/{}.md", self.id)
    }

    /// The rule's documentation as Markdown: `docs/rules/<id>.md`, SARIF `help` and
    /// `brandpress explain --format markdown` are this text.
    pub fn markdown(&self) -> String {
        format!(
            "<!-- generated from src/registry.rs by `BRANDPRESS_BLESS=1 cargo test --lib registry`; do not edit -->\n\
             # `{id}`\n\n\
             Default severity: **{sev}**\n\n\
             {summary}\n\n\
             ## Why\n\n{rationale}\n\n\
             ## Reported\n\n```text\n{bad}\n```\n\n\
             ## Not reported\n\n```text\n{good}\n```\n\n\
             {fixable}\
             Change its severity or turn it off in `brand/brand.toml`:\n\n\
             ```toml\n[lint.rules]\n\"{id}\" = \"warning\"   # error | warning | info | off\n```\n\n\
             Silence one place with a reason: `<!-- brandpress-ignore {id}: the reason -->` in HTML and Markdown, `/* brandpress-ignore {id}: the reason */` in CSS.\n",
            id = self.id,
            sev = self.severity,
            summary = self.summary,
            rationale = self.rationale,
            bad = self.bad,
            good = self.good,
            fixable = match self.fix {
                Some(fix) => format!("## Fixable\n\n`brandpress lint --fix` {fix}\n\n"),
                None => String::new(),
            },
        )
    }
}

impl fmt::Display for Rule {
    /// `brandpress explain` in a terminal.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} ({} by default)", self.id, self.severity)?;
        writeln!(f)?;
        writeln!(f, "{}", self.summary)?;
        writeln!(f)?;
        writeln!(f, "{}", self.rationale)?;
        writeln!(f)?;
        writeln!(f, "Reported:")?;
        for line in self.bad.lines() {
            writeln!(f, "    {line}")?;
        }
        writeln!(f)?;
        writeln!(f, "Not reported:")?;
        for line in self.good.lines() {
            writeln!(f, "    {line}")?;
        }
        writeln!(f)?;
        if let Some(fix) = self.fix {
            writeln!(f, "Fixable: `brandpress lint --fix` {fix}")?;
            writeln!(f)?;
        }
        write!(
            f,
            "Docs: {}. Set its severity in [lint.rules]; silence one place with `brandpress-ignore {}: the reason`.",
            self.doc_path(),
            self.id
        )
    }
}

macro_rules! rules {
    (@fix) => { None };
    (@fix $fix:literal) => { Some($fix) };
    ($($name:ident = $id:literal, $sev:ident,
        $summary:literal,
        why: $rationale:literal,
        bad: $bad:literal,
        good: $good:literal
        $(, fix: $fix:literal)?;)*) => {
        $(
            #[doc = $summary]
            pub static $name: Rule = Rule {
                id: $id,
                severity: Severity::$sev,
                summary: $summary,
                rationale: $rationale,
                bad: $bad,
                good: $good,
                fix: rules!(@fix $($fix)?),
            };
        )*
        /// Every rule brandpress knows, in a stable order (the README's and SARIF's order).
        pub static RULES: &[&Rule] = &[$(&$name),*];
    };
}

rules! {
    COLOR_OFF_PALETTE = "color/off-palette", Error,
        "A color that is not in the brand palette (beyond colors.near_miss ΔE).",
        why: "Every color a reader sees should be one of the guide's palette colors (or its `dark` variant). Colors in CSS, inline styles, `bgcolor`, SVG fills, card pixels and PDF fills and strokes are compared in CIEDE2000 with every palette color; farther than `colors.near_miss` from all of them is off-palette. The finding names the nearest brand color.",
        bad: ".promo { border-top: 4px solid #E63946; }",
        good: ".promo { border-top: 4px solid var(--color-roast); }";
    COLOR_NEAR_MISS = "color/near-miss", Warning,
        "A color close to, but not exactly, a brand color (within colors.near_miss ΔE).",
        why: "A near miss is almost always a brand color retyped or picked by eye: #215E4C for forest #1F5C4A. It looks right on one screen and drifts on the next channel. The finding names the brand color it was meant to be.",
        bad: "h1 { color: #215E4C; }",
        good: "h1 { color: #1F5C4A; }",
        fix: "writes the exact brand color: `var(--color-<name>)` in a web page whose stylesheets define it (the guide's `brand.css` linked), the hex otherwise (a stylesheet that does not define it itself, emails, HTML attributes, dark variants), in the letter case the color was written in. Colors with transparency are left as they are.";
    COLOR_UNKNOWN_SPOT = "color/unknown-spot", Error,
        "A PDF spot ink (Separation or DeviceN colorant) that is not one of the guide's spot colors.",
        why: "A spot ink is a separate plate and a separate can of ink at the press: a colorant the guide does not name (`[colors.<name>] spot = \"PANTONE 3425 C\"`) is an ink the brand does not print with, whatever its on-screen alternate looks like. Names are compared without case and with runs of spaces as one. When the guide names no spot colors at all, spot inks are judged by their alternate color as `color/off-palette` and `color/near-miss` instead.",
        bad: "/CS0 [/Separation /PANTONE#20485#20C /DeviceCMYK …]   (guide: spot = \"PANTONE 3425 C\")",
        good: "/CS0 [/Separation /PANTONE#203425#20C /DeviceCMYK …]";
    CONSISTENCY_MISMATCH = "consistency/mismatch", Error,
        "A price, promo code or date that one channel of a campaign states differently from the piece's facts or the other channels.",
        why: "A campaign must say the same thing everywhere: a different promo code in the email than on the web page costs sales and trust. Each output's facts are read from what it shows (the text laid out on cards and PDFs, the visible text of pages and emails; recorded in `out/manifest.json`) and compared with the piece's `[facts]`, or with the majority of its channels where the source is silent. Files made elsewhere are compared with each other with `lint --campaign NAME DIR`. A fact a channel leaves out is not a mismatch.",
        bad: "email: ใช้โค้ด WINTER25   (front matter and web: WINTER26)",
        good: "email: ใช้โค้ด WINTER26";
    FONT_OFF_BRAND = "font/off-brand", Error,
        "A font-family stack whose first family is not a brand font.",
        why: "Text must be set in the guide's families for its script (Thai and Latin). A stack may end in fallbacks, but the first family must be a brand font; PDFs must use brand fonts only. A generic family first (`monospace`, `serif`, `system-ui`) is accepted where the guide has a role for it (`monospace` with a `[fonts.code]` role) or allows it (`[lint] generic_families`).",
        bad: "body { font-family: Arial, sans-serif; }",
        good: "body { font-family: 'Noto Sans Thai', 'Noto Sans', sans-serif; }",
        fix: "moves the first brand family of a `font-family` stack that names one to the front (`Kanit, 'Noto Sans Thai'` becomes `'Noto Sans Thai', Kanit`). A stack without a brand family is left for a person to choose.";
    FONT_MISSING_GLYPH = "font/missing-glyph", Warning,
        "Visible text with characters the brand font for its script does not have.",
        why: "Characters the brand fonts cannot draw (emoji, Arabic, rare symbols) fall back to whatever font the reader has, or to empty boxes on cards and in print. At build time the characters are left out of cards and PDFs with this warning.",
        bad: "<h1>Cold brew ☕ ใหม่</h1>",
        good: "<h1>Cold brew ใหม่</h1>";
    CONTRAST_INSUFFICIENT = "contrast/insufficient", Error,
        "Text whose contrast with its background is below WCAG AA.",
        why: "Text must reach WCAG 2 AA contrast with its background: 4.5:1 for body text, 3:1 for large text. The background is found through the cascade (`background`, `bgcolor`) of the element and its ancestors.",
        bad: "<p style=\"color:#C9A66B;background:#F7F1E8\">ลด 20%</p>",
        good: "<p style=\"color:#3B2A20;background:#F7F1E8\">ลด 20%</p>";
    LOGO_MISSING_ALT = "logo/missing-alt", Error,
        "The logo image without alt text.",
        why: "The logo is the brand's name for screen readers and for email clients that block images. It needs the guide's alt text (`[logo] alt`).",
        bad: "<img src=\"logo.svg\">",
        good: "<img src=\"logo.svg\" alt=\"Tonkla Coffee\">",
        fix: "writes the guide's `[logo] alt` (the brand name if it is empty) into the logo's `alt`.";
    LOGO_MIN_SIZE = "logo/min-size", Error,
        "The logo declared smaller than the guide's minimum size.",
        why: "Below the guide's `[logo.min_size]` for the channel the logo's details blur and the brand is not recognised. Declared widths (attribute or CSS) are compared with it.",
        bad: "<img src=\"logo.svg\" alt=\"Tonkla Coffee\" width=\"40\">",
        good: "<img src=\"logo.svg\" alt=\"Tonkla Coffee\" width=\"160\">";
    LOGO_DARK_MODE = "logo/dark-mode", Warning,
        "A logo that disappears in dark mode: on the page's dark background, or on an email's background inverted by the Gmail apps.",
        why: "Most phones read mail and pages in dark mode. The logo (an image whose file is a guide logo file or `[logo] dark`, or whose alt is the logo alt or the brand name) is decoded and laid over its background in (a) the page's own `@media (prefers-color-scheme: dark)` styles — a logo they hide, or a `<picture>` `<source media=\"(prefers-color-scheme: dark)\">`, shows the dark variant instead — and (b) for emails, forced inversion as the Gmail apps and Outlook for Windows and iOS apply it: the background's lightness is turned over but images are not inverted (Litmus, \"The Ultimate Guide to Dark Mode for Email Marketers\"; mailpeek, \"Dark Mode in Email: Why Every Client Does It Differently\"). It disappears when fewer than 25% of its opaque pixels stand out at 3:1 (WCAG 2.2 SC 1.4.11, non-text contrast). A logo with its own opaque background stays visible (as a box) and is not reported. Name a light-marked variant in the guide (`[logo] dark = \"logo-dark.svg\"`) and serve it in dark mode.",
        bad: "<img src=\"logo-black.png\" alt=\"Tonkla Coffee\">   (transparent, on a page whose dark style is background: #151A18)",
        good: "<picture><source media=\"(prefers-color-scheme: dark)\" srcset=\"logo-dark.svg\"><img src=\"logo.svg\" alt=\"Tonkla Coffee\"></picture>";
    LINK_BROKEN_LOCAL = "link/broken-local", Error,
        "A local link or resource that does not exist.",
        why: "A relative link, image, stylesheet or script that points at a file that is not there is a broken page in production. Remote URLs are not fetched.",
        bad: "<img src=\"hero.jpg\" alt=\"\">   (no hero.jpg beside the page)",
        good: "<img src=\"hero.png\" alt=\"\">   (hero.png exists)";
    LINK_OUTSIDE_ROOT = "link/outside-root", Warning,
        "A local link, stylesheet or symbolic link leading outside the linted paths: not read, not checked.",
        why: "Lint reads only the files and folders it was given. A link that leaves them (`../../secret.css`, a symbolic link to elsewhere) is neither read nor echoed, so what it points at is not checked.",
        bad: "<link rel=\"stylesheet\" href=\"../../shared/site.css\">",
        good: "<link rel=\"stylesheet\" href=\"assets/site.css\">";
    LINK_UTM_MISSING = "link/utm-missing", Warning,
        "A link to the brand's own site in an email, card or print file without UTM tags.",
        why: "Visits from a campaign link without `utm_source` land in analytics as direct traffic, so the channel's results go uncounted. The brand's domains are `[links] domains` (default: the host of `[channels.web] base_url`); third-party links are not tagged. Links inside web pages are exempt: a site's own navigation needs no campaign tags.",
        bad: "<a href=\"https://tonkla.example/menu\">   (in an email)",
        good: "<a href=\"https://tonkla.example/menu?utm_source=email&utm_medium=email&utm_campaign=winter-2026\">";
    LINK_UTM_MISMATCH = "link/utm-mismatch", Warning,
        "A brand link whose UTM tags name another channel than the file's (`utm_source=web` in an email) or another medium than the guide's.",
        why: "A link copied from one channel into another keeps its tags, so the email's visits are counted as the web page's. `utm_source` must name the file's channel and `utm_medium` the guide's medium for it (`[links.utm_medium]`).",
        bad: "<a href=\"https://tonkla.example/?utm_source=web&utm_medium=referral\">   (in an email)",
        good: "<a href=\"https://tonkla.example/?utm_source=email&utm_medium=email\">";
    LINK_QR_MISMATCH = "link/qr-mismatch", Error,
        "A QR code (in a PDF or an image) that does not lead to the campaign's page, or not to the brand's site at all.",
        why: "The QR code is the bridge from paper and screens to the campaign's page: a flyer whose QR goes to last month's page, a partner's site or a typo sends every scan to the wrong place, and nothing on the paper shows it. Lint decodes every QR code it finds in PNG and JPEG images and on PDF pages (rasterized at 300 dpi) and compares its address, UTM parameters and fragment ignored, with the campaign's page. For our own outputs that is the piece's web page (`[channels.web] base_url` + `web/<slug>/`, the piece read from `out/manifest.json`); for files made elsewhere, the address must at least be on one of the brand's domains (`[links] domains`). Its UTM tags are checked as the file's links are (`link/utm-missing`, `link/utm-mismatch`: print for PDFs, social for images). Findings give the page and the code's box in points (PDF) or pixels (images). Limits: 8 PDF pages rasterized per file (only pages that draw images or many path segments, each first at half the resolution), 12 megapixels a page, 16 QR codes an image or page.",
        bad: "QR on print/cold-brew-winter.pdf -> https://tonkla.example/web/summer-menu/?utm_source=print",
        good: "QR on print/cold-brew-winter.pdf -> https://tonkla.example/web/cold-brew-winter/?utm_source=print&utm_medium=print&utm_campaign=winter-2026";
    LINT_IGNORE_WITHOUT_REASON = "lint/ignore-without-reason", Warning,
        "A brandpress-ignore comment without a reason; the ignore is not applied.",
        why: "Every ignore must say why, so a reviewer can judge it later. An ignore without a reason is not applied and is reported.",
        bad: "<!-- brandpress-ignore color/off-palette -->",
        good: "<!-- brandpress-ignore color/off-palette: the partner's logo colors -->";
    LINT_IGNORE_UNKNOWN_RULE = "lint/ignore-unknown-rule", Warning,
        "A brandpress-ignore comment naming a rule brandpress does not know.",
        why: "An ignore naming a misspelled or removed rule silences nothing; it is reported so the typo is found.",
        bad: "/* brandpress-ignore color/off-pallete: the partner's colors */",
        good: "/* brandpress-ignore color/off-palette: the partner's colors */";
    LINT_IGNORE_MALFORMED = "lint/ignore-malformed", Warning,
        "A brandpress-ignore comment with an invalid until= date, an empty or missing (where the guide requires one) by=, or an unknown key; the ignore is not applied.",
        why: "An ignore may say until when it holds (`until=2027-03-31`, an ISO date) and who approved it (`by=design@tonkla`, no spaces), before the colon and in any order. A date that is not a real ISO date, an empty approver, a key brandpress does not know or one given twice is a typo that would otherwise change what the exception means, so the ignore is not applied and the comment is reported. A guide that sets `[lint] ignores_need_approver = true` requires `by=` on every ignore: one without is reported here too, and not applied.",
        bad: "<!-- brandpress-ignore color/off-palette until=31/03/2027 by=design@tonkla: partner logo -->",
        good: "<!-- brandpress-ignore color/off-palette until=2027-03-31 by=design@tonkla: partner logo -->";
    LINT_EXPIRED_IGNORE = "lint/expired-ignore", Error,
        "A brandpress-ignore comment whose until= date has passed; the ignore is no longer applied.",
        why: "An exception with an expiry date was granted until then and no longer: from the day after `until=` (compared with today's date in UTC; `BRANDPRESS_TODAY=YYYY-MM-DD` sets another day, to see what expires next month), the ignore is not applied, so what it covered is reported again, and the ignore itself is an error naming the date and the approver. It is an error, not a warning, because the exception ran out: a warning would let an expired exception live on unnoticed in CI, while an error asks on the day it expires for a decision — fix what it ignores, or renew it with a later date and an approver. A baseline (`--baseline`) never absorbs it, so a baseline cannot extend an exception either.",
        bad: "<!-- brandpress-ignore color/off-palette until=2025-12-31 by=design@tonkla: partner logo -->   (today 2026-01-05)",
        good: "<!-- brandpress-ignore color/off-palette until=2026-06-30 by=design@tonkla: partner logo, renewed -->";
    LINT_UNKNOWN_KIND = "lint/unknown-kind", Warning,
        "A file that is none of the formats lint checks or knows (nor CSS, fonts, scripts, text): not checked.",
        why: "Lint detects each file's kind from its bytes. A file that is none of HTML, email, PNG, JPEG, WebP, GIF, SVG, PDF or Markdown (nor a known companion such as CSS or fonts, nor a format `lint/unsupported-file` names) is reported, so nothing passes silently unchecked.",
        bad: "out/web/promo/banner.heic",
        good: "out/web/promo/banner.png";
    LINT_UNSUPPORTED_FILE = "lint/unsupported-file", Warning,
        "A file of a format lint knows but cannot check (AVIF, TIFF, BMP, ICO, an archive, an MJML source): not checked.",
        why: "A file lint recognizes but has no checker for is reported rather than counted as checked clean, so a delivery in an unchecked format never passes silently. Convert it to a format lint checks, or lint what it compiles to.",
        bad: "out/social/card.avif   (or email/promo.mjml)",
        good: "out/social/card.png   (or the HTML MJML compiles email/promo.mjml to)";
    LINT_UNREADABLE = "lint/unreadable", Error,
        "A file that could not be read from disk.",
        why: "A file lint cannot read (permissions, I/O error) is not checked; the finding says why.",
        bad: "out/web/index.html   (mode 000)",
        good: "out/web/index.html   (readable)";
    LINT_INTERNAL_ERROR = "lint/internal-error", Error,
        "brandpress failed on this file (a bug): the file is not checked, the rest of the report is complete.",
        why: "If a linter fails on a file, that file gets this finding with a hint for the bug report, and every other file is still checked and reported.",
        bad: "(a file that makes a linter fail)",
        good: "(any file lint handles)";
    HTML_TOO_COMPLEX = "html/too-complex", Error,
        "HTML or CSS nested beyond lint's limits (elements, blocks, selectors, functions): the part beyond is not fully checked.",
        why: "Lint bounds its work on hostile files: elements nested deeper than 512, CSS blocks deeper than 32, selectors and functions beyond their limits. No real page comes near; the part beyond is not fully checked.",
        bad: "<div><div><div>…  (100,000 levels)",
        good: "<main><section><p>…</p></section></main>";
    GUIDE_UNUSED_COLOR = "guide/unused-color", Info,
        "A palette color with no role in use, no pair and no logo background.",
        why: "A palette color nothing uses is either dead weight or a role someone forgot to assign.",
        bad: "[colors.mint]   (no role, pair or logo background names it)",
        good: "[colors.mint]\nrole = \"accent\"";
    GUIDE_DUPLICATE_COLOR = "guide/duplicate-color", Warning,
        "Two palette colors within colors.tolerance of each other.",
        why: "Two palette colors nobody can tell apart make near misses legal and split one role in two.",
        bad: "[colors.forest]\nhex = \"#1F5C4A\"\n[colors.pine]\nhex = \"#205D4B\"",
        good: "[colors.forest]\nhex = \"#1F5C4A\"";
    TONE_BANNED_TERM = "tone/banned-term", Error,
        "A term the guide bans.",
        why: "`[tone] banned` lists words the brand never uses (claims legal will not sign, competitors' slogans). Terms are matched on whole Thai words (dictionary segmentation) and English words, case-insensitively.",
        bad: "กาแฟที่ถูกที่สุดในเมือง",
        good: "กาแฟคุ้มค่าในเมือง";
    TONE_PREFERRED_TERM = "tone/preferred-term", Warning,
        "A term the guide replaces with a preferred one.",
        why: "`[tone] preferred` maps a term to the brand's word for it; the finding carries the replacement.",
        bad: "สั่งซื้อได้ที่ร้าน",
        good: "สั่งได้ที่ร้าน",
        fix: "replaces the term with the preferred one in Markdown sources, byte for byte (the text around it, Thai included, is kept).";
    TONE_BRAND_SPELLING = "tone/brand-spelling", Error,
        "A brand or product name spelled differently from the guide.",
        why: "Brand and product names have one spelling (`[brand] terms`); spacing, case and hyphen variants are found and reported with the canonical spelling.",
        bad: "Ton Kla coffee",
        good: "Tonkla Coffee",
        fix: "writes the canonical spelling in Markdown sources, byte for byte (the text around it, Thai included, is kept).";
    TONE_SENTENCE_LENGTH = "tone/sentence-length", Warning,
        "A sentence longer than the guide's maximum.",
        why: "Long sentences lose readers on every channel. Words are counted properly for Thai (dictionary segmentation, since Thai has no spaces between words) and English.",
        bad: "(a sentence of 40 words when [tone] max_sentence_words = 25)",
        good: "(two sentences of 20 words)";
    TONE_EXCLAMATION = "tone/exclamation", Warning,
        "More exclamation marks than the guide allows.",
        why: "Exclamation marks are rationed (`[tone] max_exclamations`, one per sentence by default).",
        bad: "ลดทันที 20%!!",
        good: "ลดทันที 20%!";
    IMAGE_OFF_PALETTE = "image/off-palette", Error,
        "An image with more off-palette pixels than lint.image_off_palette.",
        why: "Flat graphics (cards, banners) should be drawn in brand colors. Pixels are classified like CSS colors; when more than `lint.image_off_palette` of them are off-palette the image is reported with its share and pixel box. The photo area our cards record in their PNG metadata is skipped.",
        bad: "(a card whose background is #E63946)",
        good: "(a card whose background is cream #F7F1E8)";
    IMAGE_DIMENSIONS = "image/dimensions", Error,
        "A social card whose size is not one of the guide's presets.",
        why: "Social platforms crop or blur images that are not their size. Images in a `social/` folder below the linted root (where `build` writes cards) must match one of `[channels.social] presets`; other pictures (icons, logos, page illustrations) are free-size.",
        bad: "social/og.png 1000×500",
        good: "social/og.png 1200×630";
    IMAGE_UNREADABLE = "image/unreadable", Error,
        "An image that cannot be read (not the format its name says, corrupt or truncated).",
        why: "A corrupt or truncated picture shows broken on every platform; it is reported instead of passing as clean.",
        bad: "hero.jpg   (cut off mid-scan)",
        good: "hero.jpg   (whole)";
    IMAGE_TOO_LARGE = "image/too-large", Error,
        "An image with more pixels than lint decodes (the limit is in the message): its colors are not checked.",
        why: "Lint does not decode pictures beyond its pixel limit, so a decompression bomb cannot exhaust memory. No channel needs such a picture.",
        bad: "hero.png 60000×60000",
        good: "hero.png 2400×1260";
    EMAIL_UNREADABLE = "email/unreadable", Error,
        "An .eml file that is not a readable MIME message.",
        why: "A message that does not parse as MIME cannot be sent as it is.",
        bad: "promo.eml   (random bytes)",
        good: "promo.eml   (a MIME message)";
    EMAIL_SIZE = "email/size", Error,
        "Email HTML over Gmail's 102 KB clipping limit as sent (warning above 90 KB).",
        why: "Gmail clips HTML beyond 102 KB behind a \"View entire message\" link, hiding the footer and the unsubscribe link. It counts the HTML as sent: after transfer encoding (an `.eml` part as it is in the message; an HTML file as quoted-printable, where a Thai character is 9 bytes) plus what the sending platform adds (`[channels.email] sending_overhead_kb`, 4 KB by default). Graduated: an error above 102 KB, a warning from 90 KB.",
        bad: "promo.html 40 KB of Thai: 115 KB as sent",
        good: "promo.html 40 KB of English: 44 KB as sent";
    EMAIL_CHARSET = "email/charset", Warning,
        "Email HTML or a message part in a charset other than UTF-8.",
        why: "Mail in legacy charsets (`TIS-620`, `windows-874`, `ISO-8859-1`) is re-encoded by some sending platforms and shown as mojibake by clients that ignore the declaration; UTF-16 is not a mail charset at all. UTF-8 carries Thai and English in one message.",
        bad: "Content-Type: text/html; charset=TIS-620",
        good: "Content-Type: text/html; charset=utf-8";
    EMAIL_UNSUPPORTED_CSS = "email/unsupported-css", Warning,
        "CSS that major email clients drop (caniemail data).",
        why: "Gmail, Outlook for Windows, Apple Mail and Yahoo drop some CSS (caniemail.com data). Graduated: constructs inside `@media` and losses in Outlook alone when the email ships MSO fallbacks are info, since clients without support skip them whole.",
        bad: "<div style=\"display:grid\">",
        good: "<table role=\"presentation\">";
    EMAIL_FONT_FALLBACK = "email/font-fallback", Error,
        "A brand web font without a web-safe fallback for clients lacking @font-face.",
        why: "Outlook and Gmail ignore web fonts; without a web-safe family after the brand font they fall back to Times New Roman. Graduated: a stack that ends only in a generic family is a warning.",
        bad: "font-family: 'Noto Sans Thai';",
        good: "font-family: 'Noto Sans Thai', Tahoma, Arial, sans-serif;";
    EMAIL_LANG = "email/lang", Warning,
        "An email without `lang` and `dir` on a wrapper inside `<body>`, or a Thai or English block marked as the other language.",
        why: "Webmail clients strip `<html>` and its `lang`, so screen readers read Thai with an English voice (or the reverse) unless a wrapper inside `<body>` carries `lang` and `dir`. A block in the other language needs its own `lang` (Email Markup Consortium accessibility checks).",
        bad: "<body><table role=\"presentation\">…สวัสดี…",
        good: "<body><div lang=\"th\" dir=\"ltr\"><table role=\"presentation\">…สวัสดี…";
    EMAIL_LAYOUT_TABLE_ROLE = "email/layout-table-role", Warning,
        "A layout table in an email without `role=\"presentation\"`.",
        why: "Email layouts are nested tables; without `role=\"presentation\"` a screen reader announces every table, row and cell before the words. Tables of data (with `<th>` or a caption) keep their role.",
        bad: "<table width=\"600\" cellpadding=\"0\">",
        good: "<table role=\"presentation\" width=\"600\" cellpadding=\"0\">";
    IMAGE_ALT_QUALITY = "image/alt-quality", Warning,
        "Alt text that does not read well with images blocked: a file name, or words such as \"image of\" or \"รูปภาพ\".",
        why: "Alt text is read aloud and shown when images are blocked. A file name (`hero_v2.png`) says nothing, and \"image of\" / \"รูปภาพ\" repeats what screen readers already announce.",
        bad: "<img src=\"hero.png\" alt=\"IMG_2041.jpg\">   <img alt=\"รูปภาพกาแฟ\">",
        good: "<img src=\"hero.png\" alt=\"โคลด์บรูว์สองแก้วบนโต๊ะไม้\">";
    EMAIL_MISSING_ALT = "email/missing-alt", Error,
        "An email image other than the logo without alt text (the logo is logo/missing-alt).",
        why: "Most clients block images until the reader allows them; alt text is what shows instead. Graduated: an empty alt on an image that is not a spacer is a warning.",
        bad: "<img src=\"hero.png\">",
        good: "<img src=\"hero.png\" alt=\"Cold brew ใหม่\">";
    EMAIL_WIDTH = "email/width", Warning,
        "An email element wider than the guide's email width.",
        why: "Elements wider than `[channels.email] width` make clients scroll sideways or shrink the whole message.",
        bad: "<table width=\"800\">   (guide width 600)",
        good: "<table width=\"600\">";
    EMAIL_MISSING_PLAIN_TEXT = "email/missing-plain-text", Warning,
        "An email without its plain-text alternative.",
        why: "A message without a text/plain part scores worse with spam filters and is unreadable in text-only clients. An email HTML file needs its `.txt` beside it; an `.eml` needs a text/plain part. A warning, since many sending services write the text part themselves.",
        bad: "promo.eml   (text/html only)",
        good: "promo.eml   (multipart/alternative: text/plain and text/html)";
    PDF_BLEED = "pdf/bleed", Error,
        "A print PDF without the guide's bleed.",
        why: "Printers trim the sheet; without bleed (`[channels.print] bleed_mm` beyond the trim box on every side) a trim a fraction of a millimetre off leaves white edges. Printers reject such files.",
        bad: "(a PDF whose TrimBox equals its MediaBox)",
        good: "(a PDF with 3 mm between TrimBox and BleedBox on every side)";
    PDF_FONT_NOT_EMBEDDED = "pdf/font-not-embedded", Error,
        "A PDF font that is not embedded.",
        why: "A font that is not embedded is replaced by the printer's or viewer's own; Thai text may not show at all.",
        bad: "/Font /Helvetica   (no FontFile)",
        good: "/Font /NotoSansThai   (FontFile2, subset)";
    PDF_PAGE_SIZE = "pdf/page-size", Error,
        "A PDF page whose size is not the guide's page size.",
        why: "The trim size of every page must be the guide's `[channels.print] page` size (A5, A4…), or the printer scales it.",
        bad: "Letter 215.9×279.4 mm   (guide: A5)",
        good: "A5 148×210 mm";
    PDF_UNREADABLE = "pdf/unreadable", Error,
        "A PDF that cannot be read (not a PDF, corrupt or truncated).",
        why: "A corrupt or truncated PDF is reported instead of passing as clean.",
        bad: "flyer.pdf   (cut off)",
        good: "flyer.pdf   (whole)";
    PDF_TOO_COMPLEX = "pdf/too-complex", Error,
        "A PDF beyond lint's work limits (operators, form XObject uses, decoded bytes): the rest is not checked.",
        why: "Lint bounds its work per PDF (content operators, form XObject uses, decoded stream bytes) so a hostile file cannot hang CI. No real flyer comes near.",
        bad: "(a form XObject that draws itself 20 times)",
        good: "(any real flyer)";
    PDF_ENCRYPTED = "pdf/encrypted", Warning,
        "An encrypted PDF that needs a password to open: not checked.",
        why: "Lint cannot read the pages of a PDF locked with a user password, so nothing in it is checked; it is reported rather than passed as clean. A PDF encrypted only against editing (empty user password) opens without one and is checked normally. A warning: the file may be fine, but lint cannot say.",
        bad: "flyer.pdf   (opens only with a password)",
        good: "flyer.pdf   (no password to open; print permissions allowed)";
}

/// The registry entry of a rule id.
pub fn info(id: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.id == id)
}

/// A finding's rule id against a rule: `assert_eq!(finding.rule, BANNED_TERM)`.
impl PartialEq<Rule> for &str {
    fn eq(&self, rule: &Rule) -> bool {
        *self == rule.id
    }
}

/// The rule table the README and `docs/rules/README.md` show, one row per rule.
pub fn table(link_docs: bool) -> String {
    let mut t = String::from("| rule | default | fixable | what it finds |\n|---|---|---|---|\n");
    for r in RULES {
        let id = if link_docs {
            format!("[`{}`]({}.md)", r.id, r.id)
        } else {
            format!("`{}`", r.id)
        };
        let fixable = if r.fix.is_some() { "yes" } else { "" };
        t.push_str(&format!(
            "| {id} | {} | {fixable} | {} |\n",
            r.severity, r.summary
        ));
    }
    t
}

/// Every file generated from the registry, as (path in the repository, contents): one
/// Markdown page per rule and an index.
pub fn generated_docs() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> =
        RULES.iter().map(|r| (r.doc_path(), r.markdown())).collect();
    files.push((
        "docs/rules/README.md".to_string(),
        format!(
            "<!-- generated from src/registry.rs by `BRANDPRESS_BLESS=1 cargo test --lib registry`; do not edit -->\n\
             # Lint rules\n\n\
             Every rule `brandpress lint` reports, with its default severity. `brandpress explain RULE`\n\
             prints a rule's page in the terminal.\n\n{}",
            table(true)
        ),
    ));
    files
}

/// The README's rule table sits between these lines.
pub const README_BEGIN: &str = "<!-- rules:begin (generated from the registry: BRANDPRESS_BLESS=1 cargo test --lib registry) -->";
pub const README_END: &str = "<!-- rules:end -->";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_well_formed() {
        let mut ids: Vec<_> = RULES.iter().map(|r| r.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len());
        assert!(
            RULES
                .iter()
                .all(|r| r.id.contains('/') && r.doc_path().ends_with(&format!("{}.md", r.id)))
        );
    }

    /// `BRANDPRESS_BLESS=1` rewrites generated files instead of failing on them.
    fn bless() -> bool {
        std::env::var_os("BRANDPRESS_BLESS").is_some_and(|v| v == "1")
    }

    /// The README's rule table is the registry's, row for row.
    #[test]
    fn the_readme_rule_table_is_generated_from_the_registry() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let path = root.join("README.md");
        let readme = std::fs::read_to_string(&path).unwrap();
        let begin = readme
            .find(README_BEGIN)
            .expect("README has the rules:begin line");
        let start = begin + README_BEGIN.len() + 1;
        let end = readme[start..]
            .find(README_END)
            .expect("README has the rules:end line")
            + start;
        let want = table(false);
        if readme[start..end] != want {
            if bless() {
                let text = format!("{}{want}{}", &readme[..start], &readme[end..]);
                std::fs::write(&path, text).unwrap();
            } else {
                panic!(
                    "README.md's rule table differs from the registry; run \
                     `BRANDPRESS_BLESS=1 cargo test --lib registry` to regenerate it"
                );
            }
        }
    }

    /// `docs/rules/` holds exactly the pages the registry generates.
    #[test]
    fn the_rule_docs_are_generated_from_the_registry() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let files = generated_docs();
        let mut stale = Vec::new();
        for (rel, want) in &files {
            let path = root.join(rel);
            if std::fs::read_to_string(&path).ok().as_deref() != Some(want.as_str()) {
                if bless() {
                    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                    std::fs::write(&path, want).unwrap();
                } else {
                    stale.push(rel.clone());
                }
            }
        }
        for entry in walkdir::WalkDir::new(root.join("docs/rules"))
            .into_iter()
            .flatten()
        {
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry.path().strip_prefix(root).unwrap();
            let rel = rel.to_string_lossy().replace('\\', "/");
            if !files.iter().any(|(p, _)| *p == rel) {
                if bless() {
                    std::fs::remove_file(entry.path()).unwrap();
                } else {
                    stale.push(format!("{rel} (no such rule)"));
                }
            }
        }
        assert!(
            stale.is_empty(),
            "out of date with the registry: {stale:#?}; run `BRANDPRESS_BLESS=1 cargo test --lib registry`"
        );
    }

    /// Each rule's examples and rationale are filled in.
    #[test]
    fn every_rule_is_documented() {
        for r in RULES {
            assert!(r.summary.ends_with('.'), "{}", r.id);
            assert!(r.rationale.len() > 40, "{}", r.id);
            assert!(
                !r.bad.is_empty() && !r.good.is_empty() && r.bad != r.good,
                "{}",
                r.id
            );
        }
    }
}
