//! Lint rules for email files — HTML written for email clients and `.eml` messages,
//! ours or anyone's:
//!
//! - `email/size`: HTML over ~90 KB warns, over 102 KB is an error (Gmail clips it).
//! - `email/unsupported-css`: CSS that Gmail, Outlook for Windows, Apple Mail or Yahoo
//!   drop, from the caniemail data (`caniemail.json`). Constructs inside `@media` and the
//!   at-rules themselves are info (clients without support skip them whole), and so are
//!   losses in Outlook alone when the email ships MSO conditional fallbacks.
//! - `email/font-fallback`: a web font without a web-safe fallback after it.
//! - `email/missing-alt`: images other than the logo without alt text.
//! - `email/width`: elements declaring a width wider than the guide's email width.
//! - `email/missing-plain-text`: an HTML email without its `.txt`, an `.eml` without a
//!   text/plain part.
//!
//! - `email/unreadable`: an `.eml` file that is not a MIME message.
//!
//! Email HTML is linted as a page by the HTML linter with the email rules on: one reader
//! (`html::parse`, position-keeping and linear on any input — html5ever's tree builder
//! searches its stack of open elements at every tag, which takes hours on a hostile page
//! of 100,000 nested `<div>`s), one CSS model (`html::css`: `<style>` blocks with their
//! `@media`/`@font-face` context, `style=""` attributes), one set of `brandpress-ignore`
//! comments for every rule. For `.eml` files the same runs on the decoded HTML part.
//! The logo's alt text is `logo/missing-alt`'s (reported once, not again here).

pub mod caniemail;
mod eml;

pub use eml::lint_eml;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use crate::lint::html::css::{Decl, RuleKind, Sheet};
use crate::lint::html::parse::{Document, Element};
use crate::lint::rules::logo;
use crate::lint::{FileKind, Finding, LintContext, Location, Reach, Severity, detect_kind};

/// Gmail clips HTML beyond this many bytes.
pub const GMAIL_CLIP: usize = 102 * 1024;
/// Size from which `email/size` warns.
pub const SIZE_WARNING: usize = 90 * 1024;

/// Web-safe families: installed on (nearly) every Windows and macOS, so Outlook and
/// Gmail can use them.
const WEB_SAFE: &[&str] = &[
    "arial",
    "helvetica",
    "helvetica neue",
    "tahoma",
    "verdana",
    "georgia",
    "times new roman",
    "times",
    "trebuchet ms",
    "courier new",
    "courier",
    "lucida grande",
    "lucida sans unicode",
    "lucida console",
    "segoe ui",
    "calibri",
    "cambria",
    "garamond",
    "palatino",
    "palatino linotype",
    "book antiqua",
    "impact",
    "arial black",
    "consolas",
    "microsoft sans serif",
    "leelawadee",
    "leelawadee ui",
    "thonburi",
    "cordia new",
    "angsana new",
    "browallia new",
    "-apple-system",
    "blinkmacsystemfont",
];

/// Lints one email file (email HTML or `.eml`). Email HTML is linted as a page with the
/// email rules on (see [`crate::lint::html::lint_email`]).
pub fn lint(ctx: &LintContext, path: &Path, bytes: &[u8]) -> Vec<Finding> {
    if detect_kind(path, bytes) == FileKind::Eml {
        return lint_eml(ctx, path, bytes);
    }
    crate::lint::html::lint_email(ctx, path, bytes)
}

/// `email/missing-plain-text` for an email HTML file without its `.txt` sibling. Only a
/// sibling inside the linted paths counts; outside them (a single file linted, a link
/// out) nothing is said.
pub fn plain_text_sibling(ctx: &LintContext, path: &Path) -> Option<Finding> {
    let txt = path.with_extension("txt");
    let missing = match ctx.roots.reach(&txt) {
        Reach::Inside(found) => !found.is_file(),
        Reach::Missing => true,
        Reach::Outside => false,
    };
    missing.then(|| {
        Finding::new(
            &crate::lint::rules::EMAIL_MISSING_PLAIN_TEXT,
            Location::file(path),
            "HTML email without a plain-text alternative",
        )
        .expected(txt.display().to_string())
        .fix("send a text/plain part too (brandpress build writes <slug>.txt): spam filters and text-only clients expect one")
    })
}

/// Bytes of `html` sent as quoted-printable, counted through mail-builder's encoder (the
/// one our `.eml` files are written with): `=XX` for every byte outside printable ASCII,
/// soft line breaks, CRLF line ends. ESPs (Mailchimp, SendGrid) send HTML this way, so a
/// Thai character, 3 bytes in UTF-8, is 9 as sent.
///
/// The count follows mail-builder 0.4's `quoted_printable_encode(…, is_body: true)` byte
/// for byte without writing anything (its encoder formats every escaped byte, which cost
/// more than the rest of an email's lint); a test holds the two equal.
pub fn quoted_printable_len(html: &[u8]) -> usize {
    const LINE: usize = 76;
    let mut total = 0;
    let mut line = 0;
    let mut prev = 0u8;
    let last = html.len().wrapping_sub(1);
    for (pos, &ch) in html.iter().enumerate() {
        let escaped = ch == b'='
            || ch >= 127
            || ((ch == b' ' || ch == b'\t')
                && (matches!(html.get(pos + 1..), Some([b'\n', ..] | [b'\r', b'\n', ..]))
                    || pos == last));
        if escaped {
            if line + 3 > LINE {
                total += 3; // soft break "=\r\n"
                line = 0;
            }
            total += 3;
            line += 3;
        } else if ch == b'\n' {
            total += if prev != b'\r' { 2 } else { 1 };
            line = 0;
        } else {
            prev = ch;
            if line + 1 > LINE {
                total += 3;
                line = 0;
            }
            total += 1;
            line += 1;
        }
    }
    total
}

/// `email/charset` at `location`: `what` says which part or file, `label` the charset.
pub fn charset_finding(location: Location, what: &str, label: &str) -> Finding {
    Finding::new(
        &crate::lint::rules::EMAIL_CHARSET,
        location,
        format!("{what}, not UTF-8: sending platforms may re-encode it and clients that ignore the declaration show mojibake"),
    )
    .expected("UTF-8")
    .found(label.to_string())
    .fix("save the email as UTF-8 and declare charset=utf-8")
}

/// A CSS construct found in the document.
struct Use {
    offset: usize,
    in_media: bool,
    found: String,
}

/// What the email rules read of a page: the document and the CSS the HTML linter
/// parsed from it (one reader, one CSS model for web and email rules).
pub struct EmailPage<'a> {
    pub doc: &'a Document,
    /// The page's text (MSO conditionals are looked for in it).
    pub text: &'a str,
    /// `<style>` blocks: the element and its parsed sheet, in document order.
    pub styles: &'a [(usize, Arc<Sheet>)],
    /// Declarations of `style=""` attributes by element.
    pub inline: &'a crate::lint::html::InlineStyles,
    /// Bytes of the HTML as sent (what Gmail counts): an `.eml` part as it is in the
    /// message, an HTML file as quoted-printable.
    pub size: usize,
    /// Whether `size` is the part's own transfer encoding (an `.eml`), not an estimate.
    pub encoded: bool,
}

/// Email constructs gathered from a page's CSS and attributes.
struct Gathered<'t> {
    table: &'t caniemail::Table,
    email_width: u32,
    uses: BTreeMap<usize, Vec<Use>>,
    stacks: Vec<(String, usize)>,
    declared_fonts: Vec<String>,
    widths: Vec<(usize, String)>,
}

impl Gathered<'_> {
    /// A declaration at `offset` (its name in a `<style>`, its element for `style=""`).
    fn decl(&mut self, d: &Decl, offset: usize, in_media: bool) {
        for (i, found) in self.table.declaration(&d.name, &d.value) {
            self.uses.entry(i).or_default().push(Use {
                offset,
                in_media,
                found,
            });
        }
        if d.name == "font-family" && !in_media {
            self.stacks.push((d.value.clone(), offset));
        }
        if matches!(d.name.as_str(), "width" | "min-width" | "max-width")
            && !in_media
            && let Some(px) = d
                .value
                .trim()
                .strip_suffix("px")
                .and_then(|v| v.trim().parse::<f32>().ok())
            && px > self.email_width as f32
        {
            self.widths
                .push((offset, format!("{}: {}", d.name, d.value)));
        }
    }

    /// A `<style>` block; `media_attr`: its `media` attribute limits it.
    fn sheet(&mut self, sheet: &Sheet, media_attr: bool) {
        for at in &sheet.at_rules {
            for (i, found) in self.table.at_rule(&at.name, &at.prelude) {
                self.uses.entry(i).or_default().push(Use {
                    offset: at.offset,
                    in_media: true,
                    found,
                });
            }
            if at.name == "import" && at.prelude.contains("family=") {
                self.declared_fonts.extend(google_families(&at.prelude));
            }
        }
        for rule in &sheet.rules {
            let in_media = rule.context.media.is_some() || media_attr;
            if rule.context.keyframes {
                continue; // animation frames, not element styles
            }
            match rule.kind {
                RuleKind::AtRule => {
                    if rule.at.as_deref() == Some("font-face") {
                        for d in rule.decls.iter().filter(|d| d.name == "font-family") {
                            self.declared_fonts
                                .push(d.value.trim().trim_matches(['"', '\'']).to_string());
                        }
                    }
                }
                RuleKind::Style | RuleKind::Conditional => {
                    for (i, found) in self.table.selectors(&rule.prelude) {
                        self.uses.entry(i).or_default().push(Use {
                            offset: rule.offset,
                            in_media,
                            found,
                        });
                    }
                    for d in &rule.decls {
                        self.decl(d, d.name_offset, in_media);
                    }
                }
            }
        }
    }
}

/// The email rules on one page: size, CSS support, font fallbacks, alt text, width.
/// The logo's alt text is `logo/missing-alt`'s, so it is not reported here again; nested
/// CSS beyond the limits is reported once, by the HTML linter.
pub fn check_page(
    ctx: &LintContext,
    path: &Path,
    page: &EmailPage,
    at: &dyn Fn(usize) -> Location,
    findings: &mut Vec<Finding>,
) {
    let doc = page.doc;
    let size = page.size;

    // email/size: the HTML as sent, plus what the sending platform adds.
    let overhead =
        (f64::from(ctx.guide.channels.email.sending_overhead_kb.max(0.0)) * 1024.0) as usize;
    let sent = size + overhead;
    if sent > SIZE_WARNING {
        let error = sent > GMAIL_CLIP;
        findings.push(
            Finding::new(
                &crate::lint::rules::EMAIL_SIZE,
                Location::file(path),
                format!(
                    "{} ({:.1} KB as sent{}, with the guide's {:.0} KB for the sending platform)",
                    if error {
                        "HTML is over 102 KB: Gmail clips it behind “View entire message”"
                    } else {
                        "HTML is close to Gmail's 102 KB clipping limit"
                    },
                    size as f64 / 1024.0,
                    if page.encoded {
                        ""
                    } else {
                        " as quoted-printable"
                    },
                    overhead as f64 / 1024.0
                ),
            )
            .expected(format!("at most {} KB", SIZE_WARNING / 1024))
            .found(format!("{:.1} KB", sent as f64 / 1024.0))
            .fix("trim markup: fewer nested tables, shorter class names, no unused CSS")
            .with_severity(if error {
                Severity::Error
            } else {
                Severity::Warning
            }),
        );
    }

    // CSS of <style> blocks and style attributes, in document order.
    let raw = page.text;
    let has_mso = raw.contains("<!--[if mso") || raw.contains("<!--[if gte mso");
    let table = caniemail::table();
    let email_width = ctx.guide.channels.email.width;
    let mut g = Gathered {
        table,
        email_width,
        uses: BTreeMap::new(),
        stacks: Vec::new(),
        declared_fonts: Vec::new(),
        widths: Vec::new(),
    };
    let mut styles = page.styles.iter().peekable();
    for (i, el) in doc.elements.iter().enumerate().skip(1) {
        let name = el.name.as_str();
        let offset = el.start;
        while let Some((e, sheet)) = styles.next_if(|(e, _)| *e <= i) {
            let media_attr = doc.elements[*e]
                .attr_value("media")
                .is_some_and(|m| !m.trim().is_empty() && m.trim() != "all");
            g.sheet(sheet, media_attr);
        }
        if name == "link"
            && let Some(href) = el.attr_value("href")
            && href.contains("family=")
        {
            g.declared_fonts.extend(google_families(href));
        }
        if let Some(decls) = page.inline.get(&i) {
            for d in decls.iter() {
                g.decl(d, offset, false);
            }
        }
        if let Some(w) = el.attr_value("width")
            && !w.contains('%')
            && let Ok(px) = w.trim().trim_end_matches("px").parse::<u32>()
            && px > email_width
        {
            g.widths.push((offset, format!("<{name} width=\"{w}\">")));
        }
        if name == "img"
            && !logo::is_logo(
                ctx.guide,
                el.attr_value("src").unwrap_or(""),
                el.attr_value("alt"),
            )
        {
            findings.extend(check_alt(el, at(offset)));
        }
    }
    let Gathered {
        uses,
        stacks,
        declared_fonts,
        widths,
        ..
    } = g;

    // email/unsupported-css: one finding per construct, at its first use.
    for (i, list) in uses {
        let f = &table.features[i];
        let first = &list[0];
        let outlook_only = f.unsupported == ["outlook-windows"];
        let enhancement = list.iter().all(|u| u.in_media);
        let severity = if enhancement || (outlook_only && has_mso) {
            Severity::Info
        } else {
            Severity::Warning
        };
        let more = match list.len() {
            1 => String::new(),
            n => format!(" ({} uses)", n),
        };
        let mut message = format!(
            "{} is not supported by {}{more}",
            f.title,
            table.names(&f.unsupported)
        );
        if !f.partial.is_empty() {
            message.push_str(&format!("; partly by {}", table.names(&f.partial)));
        }
        findings.push(
            Finding::new(&crate::lint::rules::EMAIL_UNSUPPORTED_CSS, at(first.offset), message)
                .with_severity(severity)
                .found(first.found.clone())
                .fix(if enhancement {
                    format!("fine as an enhancement: those clients skip it ({})", f.url)
                } else if outlook_only {
                    format!("give Outlook an MSO conditional fallback, or accept the loss there ({})", f.url)
                } else {
                    format!("use a widely supported alternative (tables, attributes, padding), or accept the loss ({})", f.url)
                }),
        );
    }

    // email/font-fallback
    let brand: Vec<String> = ctx
        .guide
        .font_families()
        .iter()
        .map(|f| f.to_ascii_lowercase())
        .collect();
    let mut seen = Vec::new();
    for (stack, offset) in stacks {
        if seen.contains(&stack) {
            continue;
        }
        seen.push(stack.clone());
        let families: Vec<String> = stack
            .split(',')
            .map(|f| {
                f.trim()
                    .trim_matches(['"', '\''])
                    .trim()
                    .to_ascii_lowercase()
            })
            .filter(|f| !f.is_empty())
            .collect();
        let is_web_font = |f: &String| {
            brand.contains(f)
                || declared_fonts.iter().any(|d| d.eq_ignore_ascii_case(f))
                || !(WEB_SAFE.contains(&f.as_str())
                    || crate::brand::GENERIC_FAMILIES.contains(&f.as_str()))
        };
        let Some(first) = families.iter().position(is_web_font) else {
            continue;
        };
        let after = &families[first + 1..];
        let safe = after.iter().any(|f| WEB_SAFE.contains(&f.as_str()));
        let generic = after
            .iter()
            .any(|f| crate::brand::GENERIC_FAMILIES.contains(&f.as_str()));
        if safe {
            continue;
        }
        let font = stack
            .split(',')
            .map(|f| f.trim().trim_matches(['"', '\'']).trim())
            .filter(|f| !f.is_empty())
            .nth(first)
            .unwrap_or_default();
        let kind = if brand.contains(&font.to_ascii_lowercase()) {
            "brand font"
        } else {
            "web font"
        };
        findings.push(
            Finding::new(
                &crate::lint::rules::EMAIL_FONT_FALLBACK,
                at(offset),
                if generic {
                    format!("{kind} “{font}” falls back only to a generic family: Outlook for Windows shows Times New Roman")
                } else {
                    format!("{kind} “{font}” has no fallback: Gmail and Outlook cannot load it")
                },
            )
            .found(stack.clone())
            .expected(format!("{stack}, Tahoma, Arial, sans-serif"))
            .fix("add web-safe fonts after it (Tahoma has Thai on Windows), then a generic family")
            .with_severity(if generic { Severity::Warning } else { Severity::Error }),
        );
    }

    check_lang(ctx.guide, doc, at, findings);
    check_table_roles(doc, at, findings);

    // email/width: one finding per declared value.
    let mut by_value: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for (offset, found) in widths {
        by_value
            .entry(found)
            .and_modify(|e| e.1 += 1)
            .or_insert((offset, 1));
    }
    let mut by_value: Vec<_> = by_value.into_iter().collect();
    by_value.sort_by_key(|(_, (o, _))| *o);
    for (found, (offset, n)) in by_value {
        findings.push(
            Finding::new(
                &crate::lint::rules::EMAIL_WIDTH,
                at(offset),
                format!(
                    "wider than the guide's email width{}: clients scale or clip it",
                    if n > 1 {
                        format!(" ({n} uses)")
                    } else {
                        String::new()
                    }
                ),
            )
            .expected(format!("at most {email_width} px"))
            .found(found)
            .fix(format!(
                "lay the email out at {email_width} px ([channels.email] width)"
            )),
        );
    }
}

/// `email/lang`: a wrapper inside `<body>` with `lang` and `dir` (clients strip `<html>`),
/// and blocks whose words are Thai or Latin marked with the matching language.
fn check_lang(
    guide: &crate::brand::Guide,
    doc: &Document,
    at: &dyn Fn(usize) -> Location,
    findings: &mut Vec<Finding>,
) {
    let Some(body) = doc.elements.iter().position(|e| e.name == "body") else {
        return;
    };
    // The outermost elements inside <body> that carry lang (body itself counts for dir
    // only when a wrapper inside it has lang).
    let inside = |mut i: usize| {
        while let Some(p) = doc.elements[i].parent {
            if p == body {
                return true;
            }
            i = p;
        }
        false
    };
    let wrapper = (0..doc.elements.len())
        .find(|&i| i != body && inside(i) && doc.elements[i].attr("lang").is_some());
    match wrapper {
        None => {
            findings.push(
                Finding::new(
                    &crate::lint::rules::EMAIL_LANG,
                    at(doc.elements[body].start),
                    "no lang on a wrapper inside <body>: webmail strips <html lang>, and screen readers guess the language",
                )
                .expected("<div lang=\"th\" dir=\"ltr\"> (or lang=\"en\") around the content")
                .fix("wrap the email's content in an element with lang and dir"),
            );
            return;
        }
        Some(w) if doc.elements[w].attr("dir").is_none() => findings.push(
            Finding::new(
                &crate::lint::rules::EMAIL_LANG,
                at(doc.elements[w].start),
                "the language wrapper has lang but no dir",
            )
            .expected("dir=\"ltr\" next to lang")
            .fix("add dir=\"ltr\" (Thai and English both read left to right)"),
        ),
        Some(_) => {}
    }
    // Blocks in the other language: a text block's own words, Thai or Latin letters by
    // a three-quarter majority and at least 20 of them, against the nearest lang around
    // it. The brand's own names (`[brand] name` and `terms`: "Tonkla Coffee", "LINE") are
    // names in any language and do not count.
    let names: Vec<String> = std::iter::once(&guide.brand.name)
        .chain(&guide.brand.terms)
        .map(|n| n.to_lowercase())
        .filter(|n| !n.is_empty())
        .collect();
    let lang_of = |mut i: usize| loop {
        if let Some(l) = doc.elements[i].attr_value("lang") {
            return Some(l.trim().to_ascii_lowercase());
        }
        i = doc.elements[i].parent?;
    };
    // Any of the names, to skip the replacing in the many texts that hold none.
    // (A non-contiguous NFA: built in microseconds for a handful of names, where the
    // default DFA costs more to build than the search saves.)
    let any_name = aho_corasick::AhoCorasick::builder()
        .kind(Some(aho_corasick::AhoCorasickKind::NoncontiguousNFA))
        .build(&names)
        .ok();
    let mut own: HashMap<usize, (usize, usize)> = HashMap::new();
    for (t, text) in doc.texts.iter().enumerate() {
        let e = doc.text_parent[t];
        let entry = own.entry(e).or_default();
        let value = text.value.as_str();
        // Most text nodes are white space or punctuation between tags: no letters, no
        // brand name, nothing to count.
        if !value
            .chars()
            .any(|c| c.is_ascii_alphabetic() || !c.is_ascii())
        {
            continue;
        }
        let mut words = Cow::Borrowed(value);
        if !value.is_ascii() || value.bytes().any(|b| b.is_ascii_uppercase()) {
            words = Cow::Owned(value.to_lowercase());
        }
        if any_name
            .as_ref()
            .is_none_or(|ac| ac.is_match(words.as_ref()))
        {
            for name in &names {
                words = Cow::Owned(words.replace(name.as_str(), " "));
            }
        }
        for c in words.chars() {
            if thai_letter(c) {
                entry.0 += 1;
            } else if c.is_ascii_alphabetic() {
                entry.1 += 1;
            }
        }
    }
    const BLOCKS: &[&str] = &[
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "div", "span", "a",
    ];
    let mut blocks: Vec<_> = own.into_iter().collect();
    blocks.sort_by_key(|(e, _)| *e);
    for (e, (thai, latin)) in blocks {
        let el = &doc.elements[e];
        if !BLOCKS.contains(&el.name.as_str()) || !inside(e) || thai.max(latin) < 20 {
            continue;
        }
        let script = if thai * 4 >= (thai + latin) * 3 {
            "th"
        } else if latin * 4 >= (thai + latin) * 3 {
            "en"
        } else {
            continue;
        };
        let Some(lang) = lang_of(e) else { continue };
        let primary = lang.split(['-', '_']).next().unwrap_or("");
        let mismatch = match script {
            "th" => primary != "th",
            _ => primary == "th",
        };
        if mismatch {
            let words = if script == "th" { "Thai" } else { "English" };
            findings.push(
                Finding::new(
                    &crate::lint::rules::EMAIL_LANG,
                    at(el.start),
                    format!("{words} text in a block marked lang=\"{lang}\": a screen reader reads it with the wrong voice"),
                )
                .expected(format!("lang=\"{script}\" on this <{}>", el.name))
                .fix(format!("add lang=\"{script}\" to this element")),
            );
        }
    }
}

/// A Thai letter (a character of the Thai block that Unicode calls alphabetic), from a
/// table built once: `char::is_alphabetic` searches Unicode's tables for every call.
fn thai_letter(c: char) -> bool {
    static THAI: std::sync::LazyLock<[bool; 128]> = std::sync::LazyLock::new(|| {
        std::array::from_fn(|i| char::from_u32(0x0E00 + i as u32).is_some_and(char::is_alphabetic))
    });
    let u = c as u32;
    (0x0E00..0x0E80).contains(&u) && THAI[(u - 0x0E00) as usize]
}

/// `email/layout-table-role`: tables without `role="presentation"` (or `none`) that hold no
/// data (no `<th>`, no `<caption>`).
fn check_table_roles(doc: &Document, at: &dyn Fn(usize) -> Location, findings: &mut Vec<Finding>) {
    let mut data = vec![false; doc.elements.len()];
    for e in &doc.elements {
        if matches!(e.name.as_str(), "th" | "caption") {
            // The nearest table above is a data table.
            let mut p = e.parent;
            while let Some(j) = p {
                if doc.elements[j].name == "table" {
                    data[j] = true;
                    break;
                }
                p = doc.elements[j].parent;
            }
        }
    }
    let mut missing = Vec::new();
    for (i, e) in doc.elements.iter().enumerate() {
        if e.name == "table"
            && !data[i]
            && !matches!(
                e.attr_value("role")
                    .map(|r| r.trim().to_ascii_lowercase())
                    .as_deref(),
                Some("presentation" | "none")
            )
        {
            missing.push(e.start);
        }
    }
    let n = missing.len();
    if let Some(first) = missing.first() {
        findings.push(
            Finding::new(
                &crate::lint::rules::EMAIL_LAYOUT_TABLE_ROLE,
                at(*first),
                if n > 1 {
                    format!("{n} layout tables without role=\"presentation\": screen readers announce every row and cell")
                } else {
                    "a layout table without role=\"presentation\": screen readers announce every row and cell".to_string()
                },
            )
            .expected("role=\"presentation\"")
            .fix("add role=\"presentation\" to tables used for layout"),
        );
    }
}

/// Family names of a Google Fonts URL (`family=Prompt:wght@400&family=Noto+Sans`).
fn google_families(url: &str) -> Vec<String> {
    url.split("family=")
        .skip(1)
        .filter_map(|s| {
            let name = s.split([':', '&', ')', '"', '\'', ';']).next()?;
            Some(name.replace('+', " ").replace("%20", " "))
        })
        .collect()
}

fn check_alt(v: &Element, location: Location) -> Option<Finding> {
    let src = v.attr_value("src").unwrap_or("").to_string();
    match v.attr_value("alt") {
        None => Some(
            Finding::new(&crate::lint::rules::EMAIL_MISSING_ALT, location,
                "image without alt text: most clients block images until the reader allows them",
            )
            .found(src)
            .fix("add alt text saying what the image shows (alt=\"\" plus role=\"presentation\" for decoration)"),
        ),
        Some(alt) if alt.trim().is_empty() => {
            let decorative = matches!(v.attr_value("role"), Some("presentation" | "none"))
                || v.attr_value("aria-hidden") == Some("true");
            let px = |a: &str| v.attr_value(a).and_then(|w| w.trim().trim_end_matches("px").parse::<u32>().ok());
            let pixel = px("width").is_some_and(|w| w <= 1) && px("height").is_some_and(|h| h <= 1);
            (!decorative && !pixel).then(|| {
                Finding::new(&crate::lint::rules::EMAIL_MISSING_ALT, location,
                    "empty alt on an image not marked decorative",
                )
                .found(src)
                .fix("describe the image, or mark it role=\"presentation\" if it is decoration")
                .with_severity(Severity::Warning)
            })
        }
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests;
