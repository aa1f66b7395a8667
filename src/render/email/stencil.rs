//! Inlining once per email layout.
//!
//! css-inline reads each email as a whole document (html5ever), and that was about 70 % of
//! an email's render time, though most of the document is the layout: the template's
//! markup and styles, the same from one piece to the next. So the layout is inlined once
//! and the pieces' values are set into the inlined copy:
//!
//! 1. **Stencil.** The template is rendered once per *shape* of the piece's context (which
//!    optional parts are there, how many facts, the values that are not text), with every
//!    text value replaced by a placeholder (`U+E000 n / U+E001`). css-inline inlines that
//!    document; a scan of its output records where each placeholder landed: in text (with
//!    the open elements around it), in an attribute value, in a comment or in raw text.
//! 2. **Check.** Each piece's template output must equal the stencil's with the piece's
//!    values in place of the placeholders (escaped where the template escaped them): a
//!    template that tests or filters a value (`{% if title == … %}`, `| upper`) fails the
//!    check and that email is inlined whole.
//! 3. **Fill.** Each value is written as css-inline writes it in that spot. Values that
//!    are HTML (the body, Thai/English `lang` spans) are read tag by tag: each element's
//!    `style` is looked up by its ancestry (tags, classes, ids from the root), learnt from
//!    css-inline's own output of an earlier email (a miss inlines that email whole and
//!    learns from it).
//!
//! It only stands in for css-inline where the result cannot differ:
//! - the stylesheet's selectors look at tags, classes, ids and ancestry only (no `[attr]`,
//!   pseudo-classes, `+` or `~`), so an element's style is a function of its ancestry;
//! - no placeholder lands in a `class`, `id` or `style` attribute, a tag or attribute name,
//!   or text where html5ever moves it (tables, `<head>`);
//! - HTML values hold only elements the parser keeps where they are written (no `<p>` in
//!   a `<p>`, no table, no element left open).
//!
//! Anything else falls back to inlining the whole email, which is always right. The
//! differential tests in `tests.rs` compare both paths byte for byte.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};

use tera::{Context, Value, escape_html};

/// The context keys whose values change from piece to piece (the rest come from the guide).
pub(super) const PIECE_KEYS: &[&str] = &[
    "lang",
    "title",
    "title_html",
    "summary_html",
    "preheader",
    "preheader_pad",
    "body",
    "greeting",
    "facts",
    "cta",
    "hero",
    "logo",
    "webview",
    "date",
];

const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';
/// Comments around HTML values in an email inlined whole, to learn their styles.
const MARK_START: &str = "<!--\u{E002}-->";
const MARK_END: &str = "<!--\u{E003}-->";
/// Bounds on what is remembered (a build has a few dozen shapes and styles).
const MAX_STENCILS: usize = 1024;
const MAX_STYLES: usize = 1 << 16;

/// Stencils and learnt styles of one template, shared by the rendering threads.
#[derive(Default)]
pub(super) struct Stencils {
    /// By context shape; `None`: this shape cannot be stencilled.
    stencils: RwLock<HashMap<u64, Option<Arc<Stencil>>>>,
    /// By element ancestry: the `style` attribute css-inline writes (`None`: none).
    styles: RwLock<HashMap<Box<str>, Option<Box<str>>>>,
    /// Emails filled from a stencil (tests check the fast path is taken).
    pub(super) filled: AtomicUsize,
}

/// How one email is inlined.
pub(super) enum Inlined {
    /// Filled from a stencil.
    Html(String),
    /// Inline `raw` whole (`learn`: the stencil fits but a style is not known yet).
    Whole { learn: Option<Learn> },
}

/// An email to inline whole with its HTML values marked, to learn their elements' styles.
pub(super) struct Learn {
    stencil: Arc<Stencil>,
    leaves: Vec<String>,
    /// The template output with the HTML values between marker comments.
    pub(super) marked: String,
}

impl Stencils {
    /// The email for `ctx` (whose template output is `raw`), from a stencil when it can be.
    /// `render` renders the template; `inline` is css-inline.
    pub(super) fn inline(
        &self,
        ctx: &Context,
        raw: &str,
        render: &dyn Fn(&Context) -> Option<String>,
        inline: &dyn Fn(&str) -> Option<String>,
    ) -> Inlined {
        let whole = Inlined::Whole { learn: None };
        // Our placeholder and marker characters (U+E000–E003, private use: icon fonts use
        // them) in the template or the guide's values: not stencilled.
        let ours = memchr::memmem::find_iter(raw.as_bytes(), &[0xEE, 0x80])
            .any(|at| matches!(raw.as_bytes().get(at + 2), Some(0x80..=0x83)));
        if ours {
            return whole;
        }
        let key = shape_key(ctx);
        let known = self.stencils.read().ok().and_then(|s| s.get(&key).cloned());
        let stencil = match known {
            Some(Some(stencil)) => stencil,
            Some(None) => return whole,
            None => {
                let stencil = build(ctx, render, inline).map(Arc::new);
                if let Ok(mut all) = self.stencils.write()
                    && all.len() < MAX_STENCILS
                {
                    all.insert(key, stencil.clone());
                }
                match stencil {
                    Some(s) => s,
                    None => return whole,
                }
            }
        };
        let mut leaves = Vec::new();
        for k in PIECE_KEYS {
            if let Some(v) = ctx.get(k) {
                collect_leaves(v, &mut leaves);
            }
        }
        if leaves.len() != stencil.leaves || !stencil.matches(raw, &leaves) {
            return whole;
        }
        let styles = match self.styles.read() {
            Ok(s) => s,
            Err(_) => return whole,
        };
        match stencil.fill(&leaves, &styles) {
            Fill::Html(html) => {
                self.filled.fetch_add(1, Ordering::Relaxed);
                Inlined::Html(html)
            }
            Fill::Unknown => Inlined::Whole {
                learn: Some(Learn {
                    marked: stencil.marked(&leaves),
                    stencil: stencil.clone(),
                    leaves: leaves.iter().map(|s| s.to_string()).collect(),
                }),
            },
            Fill::No => whole,
        }
    }

    /// Learns the styles of the HTML values from css-inline's output of `learn.marked`;
    /// returns that output without the markers (the email, as if inlined unmarked).
    pub(super) fn learn(&self, learn: &Learn, inlined: &str) -> String {
        let leaves: Vec<&str> = learn.leaves.iter().map(String::as_str).collect();
        let mut found = Vec::new();
        let mut rest = inlined;
        // All or nothing: a value the parser moved may have moved what follows it too.
        let learnt = learn
            .stencil
            .fragments(&leaves)
            .iter()
            .all(|(chain, value)| {
                let Some(start) = rest.find(MARK_START) else {
                    return false;
                };
                let after = &rest[start + MARK_START.len()..];
                let Some(end) = after.find(MARK_END) else {
                    return false;
                };
                rest = &after[end + MARK_END.len()..];
                learn_styles(chain, value, &after[..end], &mut found).is_some()
            });
        if learnt
            && !rest.contains(MARK_START)
            && let Ok(mut styles) = self.styles.write()
        {
            for (key, style) in found {
                if styles.len() >= MAX_STYLES {
                    break;
                }
                styles.entry(key).or_insert(style);
            }
        }
        inlined.replace(MARK_START, "").replace(MARK_END, "")
    }
}

/// A context string that becomes a placeholder: text that html5ever reads the same way
/// wherever the placeholder reads (not empty or blank, no CR or NUL, no placeholder
/// characters of its own).
fn is_slot(s: &str) -> bool {
    !s.trim().is_empty()
        && !s
            .chars()
            .any(|c| matches!(c, '\r' | '\0' | '\u{E000}'..='\u{E003}'))
}

/// The shape of the piece's context: everything but the slot strings.
fn shape_key(ctx: &Context) -> u64 {
    fn shape(v: &Value, h: &mut DefaultHasher) {
        match v {
            Value::Null => 0u8.hash(h),
            Value::Bool(b) => (1u8, b).hash(h),
            Value::Number(n) => (2u8, n.as_f64().map(f64::to_bits), n.as_i64()).hash(h),
            Value::String(s) if is_slot(s) => 3u8.hash(h),
            Value::String(s) => (4u8, s).hash(h),
            Value::Array(a) => {
                (5u8, a.len()).hash(h);
                a.iter().for_each(|v| shape(v, h));
            }
            Value::Object(m) => {
                (6u8, m.len()).hash(h);
                for (k, v) in m {
                    k.hash(h);
                    shape(v, h);
                }
            }
        }
    }
    let mut h = DefaultHasher::new();
    for k in PIECE_KEYS {
        match ctx.get(k) {
            Some(v) => shape(v, &mut h),
            None => 7u8.hash(&mut h),
        }
    }
    h.finish()
}

fn collect_leaves<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::String(s) if is_slot(s) => out.push(s),
        Value::Array(a) => a.iter().for_each(|v| collect_leaves(v, out)),
        Value::Object(m) => m.values().for_each(|v| collect_leaves(v, out)),
        _ => {}
    }
}

fn placeholder(n: usize) -> String {
    format!("{OPEN}{n}/{CLOSE}")
}

fn with_placeholders(v: &Value, next: &mut usize) -> Value {
    match v {
        Value::String(s) if is_slot(s) => {
            *next += 1;
            Value::String(placeholder(*next - 1))
        }
        Value::Array(a) => Value::Array(a.iter().map(|v| with_placeholders(v, next)).collect()),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), with_placeholders(v, next)))
                .collect(),
        ),
        v => v.clone(),
    }
}

/// Where a placeholder landed in the inlined stencil.
#[derive(Debug, Clone)]
enum Spot {
    /// Text; the open elements around it, and whether an HTML value may go there.
    Text(Option<Arc<Chain>>),
    /// An attribute value (`quoted`: between quotes in the template).
    Attr { quoted: bool },
    /// A comment (Outlook's conditional blocks): written as the template wrote it.
    Comment,
    /// Text of `<style>`, `<script>` and the like: written as the template wrote it.
    Raw,
}

/// The elements open around a text placeholder.
#[derive(Debug)]
struct Chain {
    /// `tag.class#id` of each, root first, joined by `>`.
    key: String,
    /// Their tag names, root first.
    tags: Vec<String>,
}

#[derive(Debug)]
struct Slot {
    leaf: usize,
    /// The template escaped the value (`{{ x }}`, not `{{ x | safe }}`).
    escaped: bool,
    spot: Spot,
}

#[derive(Debug)]
pub(super) struct Stencil {
    leaves: usize,
    /// The template's output around the placeholders (one more than `slots`).
    raw: Vec<String>,
    /// css-inline's output around the placeholders.
    out: Vec<String>,
    slots: Vec<Slot>,
}

impl Slot {
    /// Whether `value` goes here as HTML: unescaped markup in text that may hold it.
    fn is_html(&self, value: &str) -> bool {
        !self.escaped && value.contains(['<', '&']) && matches!(self.spot, Spot::Text(Some(_)))
    }
}

enum Fill {
    Html(String),
    /// A style is not known yet: inline whole, and learn.
    Unknown,
    /// This email does not fit the stencil.
    No,
}

fn build(
    ctx: &Context,
    render: &dyn Fn(&Context) -> Option<String>,
    inline: &dyn Fn(&str) -> Option<String>,
) -> Option<Stencil> {
    let mut stencil_ctx = ctx.clone();
    let mut next = 0;
    for k in PIECE_KEYS {
        if let Some(v) = ctx.get(k) {
            stencil_ctx.insert(*k, &with_placeholders(v, &mut next));
        }
    }
    let raw = render(&stencil_ctx)?;
    if !styles_are_simple(&raw) {
        return None;
    }
    let (raw_parts, raw_slots) = split_placeholders(&raw)?;
    if raw_slots.iter().any(|&(leaf, _)| leaf >= next) {
        return None;
    }
    let inlined = inline(&raw)?;
    let (out, spots) = scan_inlined(&inlined)?;
    if spots.len() != raw_slots.len() {
        return None;
    }
    let mut slots = Vec::with_capacity(spots.len());
    for (i, ((leaf, spot), &(raw_leaf, escaped))) in spots.into_iter().zip(&raw_slots).enumerate() {
        if leaf != raw_leaf {
            return None;
        }
        let spot = match spot {
            Spot::Attr { .. } => Spot::Attr {
                quoted: attr_is_quoted(raw_parts[i])?,
            },
            spot => spot,
        };
        slots.push(Slot {
            leaf,
            escaped,
            spot,
        });
    }
    Some(Stencil {
        leaves: next,
        raw: raw_parts.into_iter().map(str::to_string).collect(),
        out,
        slots,
    })
}

/// Whether the attribute value a placeholder starts in (`before` is the text before it)
/// is quoted: the last of `"`, `'`, `=` before it says.
fn attr_is_quoted(before: &str) -> Option<bool> {
    match before.bytes().rev().find(|b| b"\"'=<>".contains(b))? {
        b'"' | b'\'' => Some(true),
        b'=' => Some(false),
        _ => None,
    }
}

/// Text split at its placeholders: the text around them and, for each, its leaf and
/// whether it was escaped.
type Split<'a> = (Vec<&'a str>, Vec<(usize, bool)>);

/// Splits at placeholders (`&#x2F;` for `/`: escaped by tera).
fn split_placeholders(s: &str) -> Option<Split<'_>> {
    let mut parts = Vec::new();
    let mut slots = Vec::new();
    let mut rest = s;
    while let Some(at) = rest.find(OPEN) {
        parts.push(&rest[..at]);
        let tail = &rest[at + OPEN.len_utf8()..];
        let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
        let leaf: usize = tail[..digits].parse().ok()?;
        let tail = &tail[digits..];
        let (escaped, tail) = if let Some(t) = tail.strip_prefix('/') {
            (false, t)
        } else if let Some(t) = tail.strip_prefix("&#x2F;") {
            (true, t)
        } else {
            return None;
        };
        rest = tail.strip_prefix(CLOSE)?;
        slots.push((leaf, escaped));
    }
    if rest.contains(CLOSE) {
        return None;
    }
    parts.push(rest);
    Some((parts, slots))
}

/// Elements whose text css-inline writes unescaped.
const RAW_TEXT: &[&str] = &[
    "style",
    "script",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "plaintext",
    "noscript",
];

/// Elements without an end tag.
const VOID: &[&str] = &[
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "input",
    "keygen", "link", "meta", "param", "source", "track", "wbr",
];

/// Parents whose text html5ever moves or reads specially: text there is not stencilled.
const UNSAFE_TEXT_PARENTS: &[&str] = &[
    "html", "head", "table", "tbody", "thead", "tfoot", "tr", "colgroup", "select", "frameset",
    "template", "pre", "textarea", "listing",
];

/// Parents where an HTML value is not read as markup, or moved.
const NO_HTML_PARENTS: &[&str] = &["title", "textarea", "option", "optgroup"];

/// css-inline's output of a stencil: the text around the placeholders, and where each
/// placeholder (by leaf) landed.
type Scanned = (Vec<String>, Vec<(usize, Spot)>);

/// Scans css-inline's output of the stencil: the text around the placeholders, and where
/// each landed. `None` when one landed where it cannot be filled in.
fn scan_inlined(s: &str) -> Option<Scanned> {
    let mut out = Parts::default();
    let mut stack: Vec<(String, String)> = Vec::new(); // (tag, "tag.class#id")
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' {
            let end = s[i..].find('<').map_or(s.len(), |e| i + e);
            let text_spot = || {
                let (parent, _) = stack.last()?;
                if UNSAFE_TEXT_PARENTS.contains(&parent.as_str()) {
                    return None;
                }
                let html_ok = !NO_HTML_PARENTS.contains(&parent.as_str());
                Some(Spot::Text(html_ok.then(|| {
                    Arc::new(Chain {
                        key: stack
                            .iter()
                            .map(|(_, k)| k.as_str())
                            .collect::<Vec<_>>()
                            .join(">"),
                        tags: stack.iter().map(|(t, _)| t.clone()).collect(),
                    })
                })))
            };
            out.take(&s[i..end], text_spot)?;
            i = end;
        } else if s[i..].starts_with("<!--") {
            let end = i + 4 + s[i + 4..].find("-->")? + 3;
            out.take(&s[i..end], || Some(Spot::Comment))?;
            i = end;
        } else if s[i..].starts_with("<!") || s[i..].starts_with("<?") {
            let end = i + s[i..].find('>')? + 1;
            if s[i..end].contains(OPEN) {
                return None;
            }
            out.part.push_str(&s[i..end]);
            i = end;
        } else if s[i..].starts_with("</") {
            let end = i + s[i..].find('>')? + 1;
            let name = &s[i + 2..end - 1];
            let (top, _) = stack.pop()?;
            if top != name {
                return None;
            }
            out.part.push_str(&s[i..end]);
            i = end;
        } else {
            let tag = read_tag(s, i)?;
            if tag.name.contains(OPEN) || matches!(tag.name, "svg" | "math") {
                return None;
            }
            // The tag up to each placeholder in an attribute value.
            let mut from = i;
            let mut class = Cow::Borrowed("");
            let mut id = Cow::Borrowed("");
            for a in &tag.attrs {
                if a.name.contains(OPEN) {
                    return None;
                }
                let has = a.raw_value.contains(OPEN);
                // The attributes that decide an element's style (the stylesheet selects
                // by tag, class and id only).
                if has && matches!(a.name, "class" | "id" | "style" | "data-css-inline") {
                    return None;
                }
                match a.name {
                    "class" => class = decode(a.raw_value)?,
                    "id" => id = decode(a.raw_value)?,
                    _ => {}
                }
                if has {
                    let value_start = a.value_at;
                    out.part.push_str(&s[from..value_start]);
                    // (css-inline writes every value quoted: how the template wrote it
                    // is read from the template's output when the stencil is built)
                    out.take(a.raw_value, || Some(Spot::Attr { quoted: true }))?;
                    from = value_start + a.raw_value.len();
                }
            }
            out.part.push_str(&s[from..tag.end]);
            i = tag.end;
            let name = tag.name.to_string();
            if RAW_TEXT.contains(&tag.name) {
                let close = format!("</{name}>");
                let end = i + s[i..].find(&close)?;
                out.take(&s[i..end], || Some(Spot::Raw))?;
                out.part.push_str(&close);
                i = end + close.len();
            } else if !VOID.contains(&tag.name) {
                let key = element_key(&name, &class, &id);
                stack.push((name, key));
            }
        }
    }
    if !stack.is_empty() {
        return None;
    }
    out.parts.push(out.part);
    Some((out.parts, out.spots))
}

/// The text around the placeholders, as it is scanned, and where each landed.
#[derive(Default)]
struct Parts {
    parts: Vec<String>,
    spots: Vec<(usize, Spot)>,
    /// The text since the last placeholder.
    part: String,
}

impl Parts {
    /// Takes the placeholders out of `text` (each ends a part, at the `spot` it says),
    /// keeps the rest.
    fn take(&mut self, text: &str, spot: impl Fn() -> Option<Spot>) -> Option<()> {
        let (pieces, found) = split_placeholders(text)?;
        for (k, piece) in pieces.iter().enumerate() {
            self.part.push_str(piece);
            if let Some(&(leaf, _)) = found.get(k) {
                self.parts.push(std::mem::take(&mut self.part));
                self.spots.push((leaf, spot()?));
            }
        }
        Some(())
    }
}

/// An element's part of an ancestry key: what the stylesheet can select it by.
fn element_key(tag: &str, class: &str, id: &str) -> String {
    format!("{tag}.{class}#{id}")
}

/// The ancestry key of a child of the element whose key is `parent`.
fn child_key(parent: &str, tag: &str, class: &str, id: &str) -> String {
    format!("{parent}>{tag}.{class}#{id}")
}

struct Attr<'a> {
    name: &'a str,
    /// The value as written (entities not decoded).
    raw_value: &'a str,
    /// Byte offset of the value in the scanned string.
    value_at: usize,
}

struct TagRead<'a> {
    name: &'a str,
    attrs: Vec<Attr<'a>>,
    /// Byte offset just after the `>`.
    end: usize,
}

/// A start tag at `at` as css-inline writes them and as our HTML writer writes them:
/// `<name a="v" …>`, lower case, double-quoted values. `None` for anything else.
fn read_tag(s: &str, at: usize) -> Option<TagRead<'_>> {
    let b = s.as_bytes();
    let mut i = at + 1;
    let name_end = i + b[i..]
        .iter()
        .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || **c == b':')
        .count();
    if name_end == i || !b[i].is_ascii_lowercase() {
        return None;
    }
    let name = &s[i..name_end];
    i = name_end;
    let mut attrs = Vec::new();
    loop {
        match b.get(i)? {
            b'>' => {
                return Some(TagRead {
                    name,
                    attrs,
                    end: i + 1,
                });
            }
            b' ' => i += 1,
            _ => {
                let n_end = i + b[i..]
                    .iter()
                    .take_while(|c| !matches!(c, b'=' | b' ' | b'>' | b'"' | b'\'' | b'/'))
                    .count();
                if n_end == i || b.get(n_end) != Some(&b'=') || b.get(n_end + 1) != Some(&b'"') {
                    return None;
                }
                let value_at = n_end + 2;
                let value_end = value_at + s[value_at..].find('"')?;
                attrs.push(Attr {
                    name: &s[i..n_end],
                    raw_value: &s[value_at..value_end],
                    value_at,
                });
                i = value_end + 1;
            }
        }
    }
}

/// Text or an attribute value with the entities our writers and css-inline use decoded;
/// `None` for any other `&`.
fn decode(s: &str) -> Option<Cow<'_, str>> {
    if !s.contains('&') {
        return Some(Cow::Borrowed(s));
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let (c, len) = [
            ("&amp;", '&'),
            ("&lt;", '<'),
            ("&gt;", '>'),
            ("&quot;", '"'),
            ("&#x27;", '\''),
            ("&#39;", '\''),
            ("&#x2F;", '/'),
            ("&nbsp;", '\u{a0}'),
        ]
        .iter()
        .find(|(e, _)| rest.starts_with(e))
        .map(|(e, c)| (*c, e.len()))?;
        out.push(c);
        rest = &rest[len..];
    }
    out.push_str(rest);
    Some(Cow::Owned(out))
}

/// Text as css-inline writes it.
fn push_text(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '\u{a0}' => out.push_str("&nbsp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
}

/// An attribute value as css-inline writes it.
fn push_attr(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '\u{a0}' => out.push_str("&nbsp;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

/// Whether a stylesheet's style rules select by tag, class, id and ancestry only (the
/// rules inside `@`-rules are kept as they are, not inlined). Every `<style` in the
/// document is read, comments included: more than css-inline reads, never less.
fn styles_are_simple(html: &str) -> bool {
    let lower = html.to_ascii_lowercase();
    let mut rest = lower.as_str();
    while let Some(at) = rest.find("<style") {
        let after = &rest[at + 6..];
        let Some(open_end) = after.find('>') else {
            return false;
        };
        let body = &after[open_end + 1..];
        let Some(close) = body.find("</style") else {
            return false;
        };
        if !css_is_simple(&body[..close]) {
            return false;
        }
        rest = &body[close..];
    }
    true
}

fn css_is_simple(css: &str) -> bool {
    let b = css.as_bytes();
    let mut i = 0;
    // Skips a `{…}` block from its `{`, strings and comments included; the index after it.
    let skip_block = |mut i: usize| -> Option<usize> {
        let mut depth = 0usize;
        while i < b.len() {
            match b[i] {
                b'{' => depth += 1,
                b'}' => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        return Some(i + 1);
                    }
                }
                q @ (b'"' | b'\'') => {
                    i += 1;
                    while i < b.len() && b[i] != q {
                        i += if b[i] == b'\\' { 2 } else { 1 };
                    }
                }
                b'/' if b.get(i + 1) == Some(&b'*') => {
                    i += 2 + css[i + 2..].find("*/")? + 1;
                }
                _ => {}
            }
            i += 1;
        }
        None
    };
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if css[i..].starts_with("/*") {
            match css[i + 2..].find("*/") {
                Some(e) => i += 2 + e + 2,
                None => return false,
            }
        } else if css[i..].starts_with("<!--") {
            i += 4;
        } else if css[i..].starts_with("-->") {
            i += 3;
        } else if c == b'@' {
            // An @-rule that css-inline keeps as it is (`@layer` blocks are inlined, and
            // not read here): to its `;` or through its block.
            let name_len = css[i + 1..]
                .bytes()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == b'-')
                .count();
            if !matches!(
                &css[i + 1..i + 1 + name_len],
                "media"
                    | "font-face"
                    | "charset"
                    | "import"
                    | "keyframes"
                    | "-webkit-keyframes"
                    | "page"
                    | "supports"
            ) {
                return false;
            }
            let semi = css[i..].find(';').map(|e| i + e);
            let brace = css[i..].find('{').map(|e| i + e);
            match (semi, brace) {
                (Some(s), Some(br)) if s < br => i = s + 1,
                (Some(s), None) => i = s + 1,
                (_, Some(br)) => match skip_block(br) {
                    Some(e) => i = e,
                    None => return false,
                },
                (None, None) => return false,
            }
        } else {
            let Some(brace) = css[i..].find('{').map(|e| i + e) else {
                return false;
            };
            let selector = &css[i..brace];
            if selector
                .bytes()
                .any(|c| b"[]:+~\\|()\"'/@{};!".contains(&c))
            {
                return false;
            }
            match skip_block(brace) {
                Some(e) => i = e,
                None => return false,
            }
        }
    }
    true
}

impl Stencil {
    /// Whether the template's output for the piece is the stencil's with its values.
    fn matches(&self, raw: &str, leaves: &[&str]) -> bool {
        let mut rest = raw;
        for (part, slot) in self.raw.iter().zip(&self.slots) {
            let Some(r) = rest.strip_prefix(part.as_str()) else {
                return false;
            };
            let value = leaves[slot.leaf];
            let r = if slot.escaped {
                match strip_escaped(r, value) {
                    Some(r) => r,
                    None => return false,
                }
            } else {
                match r.strip_prefix(value) {
                    Some(r) => r,
                    None => return false,
                }
            };
            rest = r;
        }
        self.raw.last().is_some_and(|last| rest == last)
    }

    /// The template output with the HTML values between marker comments.
    fn marked(&self, leaves: &[&str]) -> String {
        let mut out = String::new();
        for (part, slot) in self.raw.iter().zip(&self.slots) {
            out.push_str(part);
            let value = leaves[slot.leaf];
            if slot.escaped {
                out.push_str(&escape_html(value));
            } else if slot.is_html(value) {
                out.push_str(MARK_START);
                out.push_str(value);
                out.push_str(MARK_END);
            } else {
                out.push_str(value);
            }
        }
        out.push_str(self.raw.last().map_or("", String::as_str));
        out
    }

    /// The HTML values of an email, with the elements around each, in document order.
    fn fragments<'a>(&self, leaves: &[&'a str]) -> Vec<(Arc<Chain>, &'a str)> {
        self.slots
            .iter()
            .filter_map(|slot| match &slot.spot {
                Spot::Text(Some(chain)) if slot.is_html(leaves[slot.leaf]) => {
                    Some((chain.clone(), leaves[slot.leaf]))
                }
                _ => None,
            })
            .collect()
    }

    fn fill(&self, leaves: &[&str], styles: &HashMap<Box<str>, Option<Box<str>>>) -> Fill {
        let mut out = String::with_capacity(
            self.out.iter().map(String::len).sum::<usize>()
                + leaves.iter().map(|l| l.len() * 2).sum::<usize>(),
        );
        for (part, slot) in self.out.iter().zip(&self.slots) {
            out.push_str(part);
            let value = leaves[slot.leaf];
            let special = |chars: &[char]| !slot.escaped && value.contains(chars);
            match &slot.spot {
                Spot::Text(chain) => {
                    if special(&['<', '&']) {
                        let Some(chain) = chain else {
                            return Fill::No;
                        };
                        if let Err(miss) = fill_html(&mut out, chain, value, styles) {
                            return miss;
                        }
                    } else {
                        push_text(&mut out, value);
                    }
                }
                Spot::Attr { quoted } => {
                    if special(&['"', '\'', '&', '<', '>', '`', '='])
                        || (!quoted && value.contains(|c: char| c.is_ascii_whitespace()))
                    {
                        return Fill::No;
                    }
                    push_attr(&mut out, value);
                }
                Spot::Comment => {
                    if special(&['<', '>']) || value.ends_with(['-', '!']) {
                        return Fill::No;
                    }
                    push_as_rendered(&mut out, value, slot.escaped);
                }
                Spot::Raw => {
                    if special(&['<']) {
                        return Fill::No;
                    }
                    push_as_rendered(&mut out, value, slot.escaped);
                }
            }
        }
        out.push_str(self.out.last().map_or("", String::as_str));
        Fill::Html(out)
    }
}

fn push_as_rendered(out: &mut String, value: &str, escaped: bool) {
    if escaped {
        out.push_str(&escape_html(value));
    } else {
        out.push_str(value);
    }
}

/// `r` without `escape_html(value)` at its start.
fn strip_escaped<'a>(r: &'a str, value: &str) -> Option<&'a str> {
    let mut r = r;
    let mut plain = value;
    while let Some(at) = plain.find(['&', '<', '>', '"', '\'', '/']) {
        r = r.strip_prefix(&plain[..at])?;
        let c = plain.as_bytes()[at];
        let e = match c {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#x27;",
            _ => "&#x2F;",
        };
        r = r.strip_prefix(e)?;
        plain = &plain[at + 1..];
    }
    r.strip_prefix(plain)
}

/// Elements an HTML value may hold: the parser keeps them where they are written, and
/// css-inline writes them back as read.
const PHRASING: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "data", "del", "dfn", "em", "i", "img",
    "ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u",
    "var", "wbr",
];
/// Block elements: each closes an open `<p>`, so none may go where one is open.
const BLOCK: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "blockquote",
    "hr",
    "pre",
    "div",
    "dl",
    "dt",
    "dd",
    "figure",
    "figcaption",
];
/// Where the parser stops looking for an open `<p>` ("button scope").
const SCOPE: &[&str] = &[
    "applet", "caption", "html", "table", "td", "th", "marquee", "object", "template", "button",
];
const HEADINGS: &[&str] = &["h1", "h2", "h3", "h4", "h5", "h6"];

/// A token of an HTML value, or of css-inline's output of one.
enum Token<'a> {
    Text(&'a str),
    Start(TagRead<'a>),
    End(&'a str),
}

fn next_token<'a>(s: &'a str, i: &mut usize) -> Option<Option<Token<'a>>> {
    if *i >= s.len() {
        return Some(None);
    }
    let rest = &s[*i..];
    if let Some(r) = rest.strip_prefix("</") {
        let end = r.find('>')?;
        let name = &r[..end];
        if name.is_empty()
            || !name
                .bytes()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        {
            return None;
        }
        *i += 2 + end + 1;
        return Some(Some(Token::End(name)));
    }
    if rest.starts_with('<') {
        let tag = read_tag(s, *i)?;
        *i = tag.end;
        return Some(Some(Token::Start(tag)));
    }
    let end = rest.find('<').unwrap_or(rest.len());
    *i += end;
    Some(Some(Token::Text(&rest[..end])))
}

/// Writes an HTML value as css-inline would, inside `chain`, with each element's learnt
/// style. `Unknown` when a style is not learnt yet; `No` when the value holds anything the
/// parser could move.
fn fill_html(
    out: &mut String,
    chain: &Chain,
    value: &str,
    styles: &HashMap<Box<str>, Option<Box<str>>>,
) -> Result<(), Fill> {
    let mut tags: Vec<&str> = chain.tags.iter().map(String::as_str).collect();
    let depth = tags.len();
    let mut keys: Vec<String> = vec![chain.key.clone()];
    let mut i = 0;
    loop {
        let token = match next_token(value, &mut i) {
            Some(Some(t)) => t,
            Some(None) => break,
            None => return Err(Fill::No),
        };
        match token {
            Token::Text(t) => {
                if t.contains(['\r', '\0']) {
                    return Err(Fill::No);
                }
                match decode(t) {
                    Some(t) => push_text(out, &t),
                    None => return Err(Fill::No),
                }
            }
            Token::End(name) => {
                if tags.len() <= depth || tags.last() != Some(&name) {
                    return Err(Fill::No);
                }
                tags.pop();
                keys.pop();
                out.push_str("</");
                out.push_str(name);
                out.push('>');
            }
            Token::Start(tag) => {
                let name = tag.name;
                if !allowed_here(name, &tags) {
                    return Err(Fill::No);
                }
                if name == "pre" && value[tag.end..].starts_with(['\n', '\r']) {
                    return Err(Fill::No);
                }
                let mut attrs: Vec<(&str, Cow<str>)> = Vec::with_capacity(tag.attrs.len());
                for a in &tag.attrs {
                    // html5ever lower-cases names; namespaced ones are written apart.
                    if matches!(a.name, "style" | "data-css-inline")
                        || !a
                            .name
                            .bytes()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
                        || attrs.iter().any(|(n, _)| *n == a.name)
                    {
                        return Err(Fill::No);
                    }
                    match decode(a.raw_value) {
                        Some(v) => attrs.push((a.name, v)),
                        None => return Err(Fill::No),
                    }
                }
                let get = |n: &str| {
                    attrs
                        .iter()
                        .find(|(k, _)| *k == n)
                        .map_or("", |(_, v)| v.as_ref())
                };
                let key = child_key(
                    keys.last().map_or("", String::as_str),
                    name,
                    get("class"),
                    get("id"),
                );
                let Some(style) = styles.get(key.as_str()) else {
                    return Err(Fill::Unknown);
                };
                out.push('<');
                out.push_str(name);
                // css-inline keeps `class` apart and writes it first; taking it out of
                // the list moves the last attribute into its place.
                if let Some(at) = attrs.iter().position(|(n, _)| *n == "class") {
                    let (_, class) = attrs.swap_remove(at);
                    out.push_str(" class=\"");
                    push_attr(out, &class);
                    out.push('"');
                }
                for (n, v) in &attrs {
                    out.push(' ');
                    out.push_str(n);
                    out.push_str("=\"");
                    push_attr(out, v);
                    out.push('"');
                }
                if let Some(style) = style {
                    out.push_str(" style=\"");
                    out.push_str(style);
                    out.push('"');
                }
                out.push('>');
                if !VOID.contains(&name) {
                    tags.push(name);
                    keys.push(key);
                }
            }
        }
    }
    if tags.len() != depth {
        return Err(Fill::No);
    }
    Ok(())
}

/// Whether the parser would put a `name` start tag where it is written, with `open`
/// elements (root first) around it.
fn allowed_here(name: &str, open: &[&str]) -> bool {
    let parent = open.last().copied().unwrap_or("");
    if PHRASING.contains(&name) {
        // An <a> inside an <a> closes the first.
        return !(name == "a" && open.contains(&"a"));
    }
    if !BLOCK.contains(&name) {
        return false;
    }
    let p_open = open
        .iter()
        .rev()
        .take_while(|t| !SCOPE.contains(t))
        .any(|t| *t == "p");
    let in_phrasing_or_heading = PHRASING.contains(&parent) || HEADINGS.contains(&parent);
    if p_open || in_phrasing_or_heading {
        return false;
    }
    match name {
        "li" => matches!(parent, "ul" | "ol"),
        "dt" | "dd" => parent == "dl",
        _ => !matches!(parent, "ul" | "ol" | "dl"),
    }
}

/// Learns the style of each element of an HTML value from css-inline's output of it (the
/// text between the markers), walking both tag by tag; nothing when they differ.
fn learn_styles(
    chain: &Chain,
    value: &str,
    inlined: &str,
    found: &mut Vec<(Box<str>, Option<Box<str>>)>,
) -> Option<()> {
    let mut learnt = Vec::new();
    let mut keys: Vec<String> = vec![chain.key.clone()];
    let (mut i, mut j) = (0, 0);
    fn next_tag<'a>(s: &'a str, i: &mut usize) -> Option<Option<Token<'a>>> {
        loop {
            match next_token(s, i) {
                Some(Some(Token::Text(_))) => continue,
                other => return other,
            }
        }
    }
    fn attr<'a>(t: &TagRead<'a>, n: &str) -> Option<Cow<'a, str>> {
        match t.attrs.iter().find(|a| a.name == n) {
            Some(a) => decode(a.raw_value),
            None => Some(Cow::Borrowed("")),
        }
    }
    loop {
        match (next_tag(value, &mut i)?, next_tag(inlined, &mut j)?) {
            (None, None) => break,
            (Some(Token::End(x)), Some(Token::End(y))) if x == y && keys.len() > 1 => {
                keys.pop();
            }
            (Some(Token::Start(x)), Some(Token::Start(y))) if x.name == y.name => {
                let key = child_key(
                    keys.last().map_or("", String::as_str),
                    x.name,
                    &attr(&x, "class")?,
                    &attr(&x, "id")?,
                );
                // An element with a style of its own shows css-inline's merge, not the
                // stylesheet's style alone.
                if !x.attrs.iter().any(|a| a.name == "style") {
                    let style = y
                        .attrs
                        .iter()
                        .find(|a| a.name == "style")
                        .map(|a| a.raw_value.into());
                    learnt.push((key.clone().into_boxed_str(), style));
                }
                if !VOID.contains(&x.name) {
                    keys.push(key);
                }
            }
            _ => return None,
        }
    }
    // Every element closed where it was opened: the value left the document around it
    // as the stencil has it.
    if keys.len() != 1 {
        return None;
    }
    found.extend(learnt);
    Some(())
}

#[cfg(test)]
mod tests;
