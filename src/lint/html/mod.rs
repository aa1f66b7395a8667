//! Lint rules for HTML pages: colors, fonts, contrast, logo, links, glyphs and tone, on
//! pages we made and pages we did not (an agency's hand-written page, a builder export).
//!
//! The page is read by [`parse`] (positions kept), its CSS by [`css`] (`<style>` blocks,
//! `style=` attributes and linked local stylesheets — each linked file is parsed and
//! checked once per run, its findings located in the CSS file). Rules live in
//! `lint::rules`; this module finds what they look at and where it is. Email HTML gets
//! the email rules (`lint::email`) on the same document and CSS; `brandpress-ignore`
//! comments then apply to every finding of the page, whichever rule made it.

pub(crate) mod cascade;
pub mod charset;
pub mod css;
pub mod parse;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use cascade::Cascade;
use css::{Decl, RuleKind, Sheet, resolve_vars};
use parse::{Document, Node};

use crate::channel::Channel;
use crate::lint::email;
use crate::lint::ignore::{self, Ignore};
use crate::lint::rules::{alt, color, contrast, font, glyph, link, logo};
use crate::lint::{Edit, FileKind, Finding, LintContext, Location, detect_kind};

/// The declarations of each element's `style` attribute, by element; elements with the
/// same attribute share one parse.
pub type InlineStyles = HashMap<usize, Arc<Vec<Decl>>>;

/// Line starts of a text, for offset → line/column.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        LineIndex {
            starts: std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect(),
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        (line, text[start..offset].chars().count() + 1)
    }

    pub fn line(&self, text: &str, offset: usize) -> usize {
        self.line_col(text, offset).0
    }

    /// The text of 1-based `line`, without its line ending.
    pub fn line_text<'t>(&self, text: &'t str, line: usize) -> Option<&'t str> {
        let start = *self.starts.get(line.checked_sub(1)?)?;
        let end = self.starts.get(line).map_or(text.len(), |&s| s - 1);
        let s = text.get(start..end.max(start))?;
        Some(s.strip_suffix('\r').unwrap_or(s))
    }
}

/// A stylesheet file linked from pages, read and parsed once per run.
#[derive(Debug)]
pub struct LinkedSheet {
    pub path: PathBuf,
    pub text: String,
    pub sheet: Arc<Sheet>,
}

impl LinkedSheet {
    /// Parses the stylesheet `text` read from `path`.
    pub fn new(path: PathBuf, text: String) -> LinkedSheet {
        let sheet = Arc::new(Sheet::parse(&text, 0));
        LinkedSheet { path, text, sheet }
    }
}

/// Rule id: HTML or CSS nested beyond the limits of this linter.
pub use crate::lint::rules::HTML_TOO_COMPLEX as TOO_COMPLEX;

/// An `html/too-complex` finding: what went beyond which limit, and what was done.
fn too_complex(location: Location, what: String) -> Finding {
    Finding::new(&TOO_COMPLEX, location, what)
        .fix("simplify the markup: no real page needs this; lint cannot check it fully")
}

/// Lints one HTML file; HTML written for email clients (see [`detect_kind`]) gets the
/// email rules too, as with [`lint_email`].
pub fn lint(ctx: &LintContext, path: &Path, bytes: &[u8]) -> Vec<Finding> {
    // Declared a web page (`--kind web`, `[lint.kinds]`): no second guess from the bytes.
    if ctx.declared_kind(path).is_none() && detect_kind(path, bytes) == FileKind::EmailHtml {
        return lint_email(ctx, path, bytes);
    }
    lint_web(ctx, path, bytes)
}

/// Lints one HTML file as a web page, without asking its bytes whether it is an email:
/// for a caller that has settled its kind ([`crate::lint::lint_bytes`]: detected or
/// declared), so the page is not sniffed twice.
pub fn lint_web(ctx: &LintContext, path: &Path, bytes: &[u8]) -> Vec<Finding> {
    let text = charset::decode(bytes);
    let mut page = Page::new(ctx, path, &text, false, None);
    page.src.editable = is_verbatim(bytes, &text);
    page.run()
}

/// Whether decoded HTML is the file's bytes as they are (UTF-8, no byte order mark), so
/// offsets into it are offsets into the file and findings may carry edits.
fn is_verbatim(bytes: &[u8], text: &str) -> bool {
    // the decoding borrowed the whole file (one with a byte order mark starts after it)
    text.as_ptr() == bytes.as_ptr() && text.len() == bytes.len()
}

/// Lints a stylesheet on its own (a CSS file open in the editor server): the findings a
/// page linking it gets for it, located in the CSS file, with its `brandpress-ignore`
/// comments applied.
pub fn lint_stylesheet(ctx: &LintContext, path: &Path, text: &str) -> Vec<Finding> {
    let linked = LinkedSheet::new(path.to_path_buf(), text.to_string());
    let mut page = Page::new(ctx, path, "", false, None);
    page.check_linked(&linked);
    page.out
}

/// Lints one email HTML file: the HTML and tone rules (email channel), the email rules
/// (`lint::email`) on the same document and CSS, and its plain-text sibling.
pub fn lint_email(ctx: &LintContext, path: &Path, bytes: &[u8]) -> Vec<Finding> {
    let text = charset::decode(bytes);
    let rules = EmailRules {
        size: email::quoted_printable_len(bytes),
        encoded: false,
        plain_text_sibling: true,
    };
    let mut page = Page::new(ctx, path, &text, true, Some(rules));
    page.src.editable = is_verbatim(bytes, &text);
    let mut findings = page.run();
    let (encoding, bom) = charset::sniff(bytes);
    if encoding != encoding_rs::UTF_8 {
        // At the declaration: the byte order mark, else the `<meta>` that names it.
        let (location, how) = match text.to_ascii_lowercase().find("charset") {
            Some(at) if bom == 0 => {
                let (line, col) = crate::error::line_col(&text, at);
                (Location::at(path, line, col), "its <meta> charset")
            }
            _ => (Location::at(path, 1, 1), "its byte order mark"),
        };
        findings.push(email::charset_finding(
            location,
            &format!("the email HTML is in {} ({how})", encoding.name()),
            encoding.name(),
        ));
    }
    findings
}

/// Lints the decoded HTML part of an `.eml` file at `path`: the HTML and tone rules and
/// the email rules, with the part's `brandpress-ignore` comments, and the email channel's
/// tone (a message's HTML part is email whatever its markup looks like). Locations are
/// lines of the part.
/// `sent` is the part's size in the message, transfer encoding included.
pub fn lint_email_part(ctx: &LintContext, path: &Path, html: &str, sent: usize) -> Vec<Finding> {
    let rules = EmailRules {
        size: sent,
        encoded: true,
        plain_text_sibling: false,
    };
    Page::new(ctx, path, html, true, Some(rules)).run()
}

/// The email rules a page gets.
#[derive(Debug, Clone, Copy)]
struct EmailRules {
    /// Bytes of the HTML as sent.
    size: usize,
    /// Whether `size` is the real transfer-encoded size (an `.eml` part).
    encoded: bool,
    /// Whether an HTML file's `.txt` sibling is looked for.
    plain_text_sibling: bool,
}

/// A file whose offsets findings point into.
struct Src<'a> {
    path: &'a Path,
    text: &'a str,
    lines: LineIndex,
    /// Whether `text` is the file's bytes as they are, so findings may carry edits
    /// (`lint --fix`): not for HTML decoded from another encoding or an email part.
    editable: bool,
}

impl Src<'_> {
    fn loc(&self, offset: usize) -> Location {
        let (line, col) = self.lines.line_col(self.text, offset);
        Location::at(self.path, line, col)
    }

    /// The edit replacing `start..end` by `replacement`, if the text there is `found`
    /// exactly (so a value read through character references or a trimmed copy never
    /// gives a wrong range) and the file may be edited.
    fn edit(&self, start: usize, end: usize, found: &str, replacement: String) -> Option<Edit> {
        (self.editable && start <= end && self.text.get(start..end) == Some(found)).then(|| Edit {
            path: self.path.to_path_buf(),
            start,
            end,
            replacement,
        })
    }
}

struct Page<'a> {
    ctx: &'a LintContext<'a>,
    src: Src<'a>,
    /// The folder relative references resolve in: the file's, or below it by a relative
    /// `<base href>`; none when `<base href>` is a web address (relative references are
    /// then URLs on the web, not files).
    dir: Option<PathBuf>,
    doc: Document,
    /// The email channel (tone rules, logo minimum size).
    email: bool,
    email_rules: Option<EmailRules>,
    out: Vec<Finding>,
}

impl<'a> Page<'a> {
    fn new(
        ctx: &'a LintContext<'a>,
        path: &'a Path,
        text: &'a str,
        email: bool,
        email_rules: Option<EmailRules>,
    ) -> Page<'a> {
        Page {
            ctx,
            src: Src {
                path,
                text,
                lines: LineIndex::new(text),
                editable: false,
            },
            dir: None,
            doc: Document::parse(text),
            email,
            email_rules,
            out: Vec::new(),
        }
    }

    fn run(mut self) -> Vec<Finding> {
        self.dir = base_dir(&self.doc, self.src.path);
        // stylesheets in document order
        let mut sheets: Vec<Arc<Sheet>> = Vec::new();
        let mut css_ignores = Vec::new();
        let mut own_sheets = Vec::new();
        let mut first_seen = Vec::new();
        if let Some(at) = self.doc.too_deep {
            self.out.push(too_complex(
                self.src.loc(at),
                format!(
                    "elements nested deeper than {} levels: deeper ones are checked as siblings of the deepest (as browsers build them)",
                    parse::MAX_DEPTH
                ),
            ));
        }
        for (i, e) in self.doc.elements.iter().enumerate() {
            if e.name == "style" {
                if let Some(Node::Text(t)) = e.children.first() {
                    let t = &self.doc.texts[*t];
                    let sheet = self.ctx.style_block(t, t.start);
                    if let Some(at) = sheet.too_deep {
                        self.out.push(too_deep_css(self.src.loc(at)));
                    }
                    sheets.push(sheet.clone());
                    own_sheets.push((i, sheet));
                    css_comment_ignores(
                        self.ctx,
                        &self.src,
                        t,
                        t.start,
                        &mut css_ignores,
                        &mut self.out,
                    );
                }
            } else if e.name == "link"
                && e.attr_value("rel").is_some_and(|r| {
                    r.split_ascii_whitespace()
                        .any(|w| w.eq_ignore_ascii_case("stylesheet"))
                })
                && let Some(href) = e.attr_value("href")
                && link::is_local(href)
                && let Some(dir) = &self.dir
                && let link::Target::Found(p) = link::resolve(&self.ctx.roots, dir, href)
                && let Some((linked, first)) = self.ctx.linked_sheet(&p)
            {
                if first {
                    first_seen.push(linked.clone());
                }
                sheets.push(linked.sheet.clone());
            }
        }
        for linked in first_seen {
            self.check_linked(&linked);
        }
        let sheet_refs: Vec<&Sheet> = sheets.iter().map(|s| &**s).collect();
        let vars = css::custom_properties(&sheet_refs);

        // declarations of <style> blocks and style attributes
        for (_, sheet) in &own_sheets {
            for rule in &sheet.rules {
                let fonts = rule.kind != RuleKind::AtRule;
                check_decls(
                    self.ctx,
                    &rule.decls,
                    &self.src,
                    &|o| o,
                    &vars,
                    self.dir.as_deref(),
                    fonts,
                    self.email,
                    &mut self.out,
                );
            }
        }
        let mut inline: InlineStyles = HashMap::new();
        for (i, e) in self.doc.elements.iter().enumerate() {
            if let Some(style) = e.attr("style") {
                // an email inlines the same few rules on many elements
                let decls = self.ctx.style_attribute(style);
                check_decls(
                    self.ctx,
                    &decls,
                    &self.src,
                    &|o| style.source_offset(o),
                    &vars,
                    self.dir.as_deref(),
                    true,
                    self.email,
                    &mut self.out,
                );
                inline.insert(i, decls);
            }
            for attr in ["color", "bgcolor", "fill", "stroke", "stop-color"] {
                if let Some(a) = e.attr(attr)
                    && let Some(c) = color::parse_color(a)
                    && let Some(mut f) = self.ctx.palette.check_at(&c, || self.src.loc(a.start))
                {
                    // an attribute takes no var(): the hex
                    if let Some(exact) = self.ctx.palette.exact_for(&c, &|_| false) {
                        let lead = a.len() - a.trim_start().len();
                        let (start, end) = (lead + c.range.start, lead + c.range.end);
                        f.edit = self.src.edit(
                            a.source_offset(start),
                            a.source_offset(end),
                            &a[start..end],
                            exact,
                        );
                    }
                    self.out.push(f);
                }
            }
            if e.name == "font"
                && let Some(face) = e.attr("face")
                && let Some(f) = font::check(self.ctx.guide, face, face, self.src.loc(face.start))
            {
                self.out.push(f);
            }
        }

        let cascade = Cascade::new(&self.doc, &sheet_refs, &inline, &vars);
        if cascade.incomplete {
            self.out.push(too_complex(
                Location::file(self.src.path),
                format!(
                    "too many style rules for this many elements: matching stopped after {} selector checks, so contrast, logo size and glyph checks are incomplete",
                    cascade::MAX_MATCH_WORK
                ),
            ));
        }
        let mut out = std::mem::take(&mut self.out);
        self.elements(&cascade, &mut out);
        self.out = out;
        let logo_page = crate::lint::rules::logo_dark::Page {
            doc: &self.doc,
            sheets: &sheet_refs,
            inline: &inline,
            light: &cascade,
            dir: self.dir.as_deref(),
            email: self.email,
        };
        let src = &self.src;
        self.out.extend(crate::lint::rules::logo_dark::check(
            self.ctx,
            &logo_page,
            &|o| src.loc(o),
        ));
        self.tone();
        if let Some(rules) = self.email_rules {
            let page = email::EmailPage {
                doc: &self.doc,
                text: self.src.text,
                styles: &own_sheets,
                inline: &inline,
                size: rules.size,
                encoded: rules.encoded,
            };
            let src = &self.src;
            email::check_page(self.ctx, src.path, &page, &|o| src.loc(o), &mut self.out);
            if rules.plain_text_sibling {
                self.out
                    .extend(email::plain_text_sibling(self.ctx, src.path));
            }
        }

        // ignores
        let mut ignores = css_ignores;
        for c in &self.doc.comments {
            let Some(d) = ignore::parse(&c.text) else {
                continue;
            };
            // elements are in source order
            let elements = &self.doc.elements[1..];
            let next = elements
                .get(elements.partition_point(|e| e.start < c.end))
                .map(|e| (e.start, e.end.max(e.start + 1) - 1));
            let lines = next.map(|(s, e)| {
                (
                    self.src.lines.line(self.src.text, c.start),
                    self.src.lines.line(self.src.text, e.max(s)),
                )
            });
            ignore::admit(
                self.ctx,
                d,
                self.src.loc(c.start + 4),
                lines,
                &mut ignores,
                &mut self.out,
            );
        }
        ignore::apply(&mut self.out, self.src.path, &ignores);
        self.map_to_source();
        self.out
    }

    /// Findings of a linked stylesheet, located in the CSS file (once per run).
    fn check_linked(&mut self, linked: &LinkedSheet) {
        let src = Src {
            path: &linked.path,
            text: &linked.text,
            lines: LineIndex::new(&linked.text),
            // read as UTF-8 (lossily: `--fix` leaves files that are not UTF-8 alone)
            editable: true,
        };
        let vars = linked.sheet.custom_properties();
        let dir = linked.path.parent().unwrap_or(Path::new("")).to_path_buf();
        let mut found = Vec::new();
        if let Some(at) = linked.sheet.too_deep {
            found.push(too_deep_css(src.loc(at)));
        }
        for rule in &linked.sheet.rules {
            check_decls(
                self.ctx,
                &rule.decls,
                &src,
                &|o| o,
                vars,
                Some(&dir),
                rule.kind != RuleKind::AtRule,
                self.email,
                &mut found,
            );
        }
        let mut ignores = Vec::new();
        css_comment_ignores(self.ctx, &src, &linked.text, 0, &mut ignores, &mut found);
        ignore::apply(&mut found, &linked.path, &ignores);
        crate::lint::finding::attach_excerpts(&mut found, &linked.path, &linked.text);
        self.out.extend(found);
    }

    /// Rules on elements: contrast, logo, links, glyphs.
    fn elements(&self, cascade: &Cascade, out: &mut Vec<Finding>) {
        let ctx = self.ctx;
        let roots = &ctx.roots;
        // whether each element is inside <head> (parents come before children)
        let mut in_head = vec![false; self.doc.elements.len()];
        for (i, e) in self.doc.elements.iter().enumerate().skip(1) {
            let p = e.parent.unwrap_or(0);
            in_head[i] = p != 0 && (in_head[p] || self.doc.elements[p].name == "head");
        }
        for (i, e) in self.doc.elements.iter().enumerate().skip(1) {
            // links
            for name in ["href", "src", "poster"] {
                if let Some(a) = e.attr(name)
                    && !(name == "href" && e.name == "base")
                    && let Some(dir) = &self.dir
                    && let Some(f) = link::check(roots, dir, a, self.src.loc(a.start))
                {
                    out.push(f);
                }
            }
            if matches!(e.name.as_str(), "a" | "area")
                && let Some(href) = e.attr("href")
            {
                let channel = if self.email {
                    Channel::Email
                } else {
                    Channel::Web
                };
                // with --campaign, a utm_campaign naming another campaign is a mismatch
                if let Some(f) = link::check_utm_in(
                    ctx.guide,
                    channel,
                    href,
                    self.src.loc(href.start),
                    ctx.campaign.as_deref(),
                ) {
                    out.push(f);
                }
            }
            if let Some(a) = e.attr("srcset")
                && let Some(dir) = &self.dir
            {
                let mut from = 0;
                for cand in a.split(',') {
                    let url = cand.split_whitespace().next().unwrap_or("");
                    let off = from + cand.find(url).unwrap_or(0);
                    from += cand.len() + 1;
                    if let Some(f) =
                        link::check(roots, dir, url, self.src.loc(a.source_offset(off)))
                    {
                        out.push(f);
                    }
                }
            }
            // alt text that reads badly (web and email)
            if e.name == "img"
                && let Some(a) = e.attr("alt")
                && let Some(f) =
                    alt::check(a, e.attr_value("src").unwrap_or(""), self.src.loc(a.start))
            {
                out.push(f);
            }
            // logo
            if e.name == "img" {
                let src = e.attr_value("src").unwrap_or("");
                let alt = e.attr_value("alt");
                if logo::is_logo(ctx.guide, src, alt) {
                    let at = self.src.loc(e.start);
                    if let Some(mut f) = logo::missing_alt(ctx.guide, alt, at.clone()) {
                        f.edit = self.logo_alt_edit(e);
                        out.push(f);
                    }
                    let min = if self.email {
                        ctx.guide.logo.min_size.email
                    } else {
                        ctx.guide.logo.min_size.web
                    };
                    for dim in ["width", "height"] {
                        let declared = cascade.px(i, dim).map(|v| (v, at.clone())).or_else(|| {
                            let a = e.attr(dim)?;
                            Some((logo::px(a)?, self.src.loc(a.start)))
                        });
                        if let Some((v, loc)) = declared
                            && let Some(f) = logo::min_size(min, dim, v, loc)
                        {
                            out.push(f);
                        }
                    }
                }
            }
            // text: contrast and glyphs
            if matches!(
                e.name.as_str(),
                "script" | "style" | "title" | "textarea" | "noscript" | "template"
            ) || in_head[i]
            {
                continue;
            }
            let texts: Vec<usize> = e
                .children
                .iter()
                .filter_map(|n| match n {
                    Node::Text(t) if !self.doc.texts[*t].trim().is_empty() => Some(*t),
                    _ => None,
                })
                .collect();
            if texts.is_empty() || cascade.hidden(i) {
                continue;
            }
            if let (Some((fg, alpha)), Some(bg)) = (cascade.color(i), cascade.background(i))
                && alpha > 0.0
            {
                let fg = contrast::blend(fg, alpha, bg);
                let (size, bold) = cascade.font(i);
                if let Some(f) = contrast::check(fg, bg, size, bold, self.src.loc(e.start)) {
                    out.push(f);
                }
            }
            if let Some(stack) = cascade.font_stack(i) {
                for t in texts {
                    let text = &self.doc.texts[t];
                    if let Some((at, missing)) = ctx.fonts.missing(&stack, text) {
                        out.push(glyph::finding(
                            &stack,
                            &missing,
                            self.src.loc(text.source_offset(at)),
                        ));
                    }
                }
            }
        }
    }

    /// The edit giving the logo `e` the guide's alt: written into an empty (or blank)
    /// quoted `alt`, or inserted as ` alt="…"` after `<img` where there is none.
    fn logo_alt_edit(&self, e: &parse::Element) -> Option<Edit> {
        let alt = logo::attribute_value(logo::alt_text(self.ctx.guide));
        if alt.is_empty() {
            return None;
        }
        let text = self.src.text;
        match e.attr("alt") {
            Some(a) => {
                let (start, end) = (a.start, a.source_offset(a.len()));
                let quote = text.get(start.checked_sub(1)?..start)?;
                if !(quote == "\"" || quote == "'") || text.get(end..end + 1)? != quote {
                    return None;
                }
                let blank = text.get(start..end)?;
                if !blank.chars().all(|c| c.is_ascii_whitespace()) {
                    return None;
                }
                self.src.edit(start, end, blank, alt)
            }
            None => {
                let at = e.start + "<img".len();
                let tag = text.get(e.start..at)?;
                let next = text.get(at..)?.chars().next()?;
                if !tag.eq_ignore_ascii_case("<img")
                    || !(next.is_ascii_whitespace() || next == '/' || next == '>')
                {
                    return None;
                }
                self.src.edit(at, at, "", format!(" alt=\"{alt}\""))
            }
        }
    }

    /// Tone rules on the visible text, block by block (inline elements join their
    /// block's text), plus `alt` and `title` attributes.
    fn tone(&mut self) {
        let channel = if self.email {
            Channel::Email
        } else {
            Channel::Web
        };
        let mut chunks: Vec<Chunk> = Vec::new();
        let mut current = Chunk::default();
        walk_text(&self.doc, &mut current, &mut chunks);
        chunks.push(current);
        for e in &self.doc.elements {
            for name in ["alt", "title"] {
                if let Some(a) = e.attr(name)
                    && !a.trim().is_empty()
                {
                    let mut c = Chunk::default();
                    c.push(a);
                    chunks.push(c);
                }
            }
        }
        for chunk in chunks {
            if chunk.text.trim().is_empty() {
                continue;
            }
            for hit in self.ctx.tone_hits(channel, &chunk.text).iter() {
                let offset = chunk.source_offset(hit.range.start);
                let mut f = Finding::new(hit.rule, self.src.loc(offset), hit.message.clone());
                f.expected = hit.expected.clone();
                f.found = hit
                    .found
                    .clone()
                    .or_else(|| chunk.text.get(hit.range.clone()).map(str::to_string));
                f.fix = hit.fix.clone();
                self.out.push(f);
            }
        }
    }

    /// Points text findings of our own pages back to their Markdown source
    /// (`<meta name="brandpress:source" content="content/x.md">`).
    fn map_to_source(&mut self) {
        let Some(meta) = self
            .doc
            .elements
            .iter()
            .find(|e| e.name == "meta" && e.attr_value("name") == Some("brandpress:source"))
        else {
            return;
        };
        let Some(rel) = meta.attr_value("content").filter(|s| !s.is_empty()) else {
            return;
        };
        let md_path = self.ctx.guide.root.join(rel);
        let Some(md) = read_project_markdown(&self.ctx.roots, &self.ctx.guide.root, &md_path)
        else {
            return;
        };
        let lines = LineIndex::new(&md);
        let shown = crate::brand::display_path(&md_path);
        for f in &mut self.out {
            if f.source.is_some()
                || !(f.rule.starts_with("tone/") || f.rule == "font/missing-glyph")
            {
                continue;
            }
            if let Some(found) = &f.found
                && let Some(at) = md.find(found.as_str())
            {
                let (line, col) = lines.line_col(&md, at);
                f.source = Some(Location::at(&shown, line, col));
            }
        }
    }
}

/// What a page shows, as the campaign manifest records it: its visible text, one block
/// per line, white space collapsed (the title first), and the targets of its links
/// (`<a>` and `<area>` `href`s), in document order.
pub fn shown(html: &str) -> (String, Vec<String>) {
    let doc = Document::parse(html);
    let mut chunks: Vec<Chunk> = Vec::new();
    let mut current = Chunk::default();
    walk_text(&doc, &mut current, &mut chunks);
    chunks.push(current);
    let text = chunks
        .iter()
        .map(|c| c.text.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let links = doc
        .elements
        .iter()
        .filter(|e| matches!(e.name.as_str(), "a" | "area"))
        .filter_map(|e| e.attr_value("href"))
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .collect();
    (text, links)
}

/// Text of one block, with where each piece came from.
#[derive(Default)]
struct Chunk {
    text: String,
    /// `(offset in text, the source text)`
    parts: Vec<(usize, parse::Text)>,
}

impl Chunk {
    fn push(&mut self, t: &parse::Text) {
        self.parts.push((self.text.len(), t.clone()));
        self.text.push_str(t);
    }

    fn source_offset(&self, i: usize) -> usize {
        let k = self.parts.partition_point(|(o, _)| *o <= i);
        match k.checked_sub(1) {
            Some(k) => {
                let (o, t) = &self.parts[k];
                t.source_offset(i - o)
            }
            None => 0,
        }
    }
}

const INLINE: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "label",
    "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "font",
];

/// Splits the visible text of the page into blocks: inline elements join their block's
/// text. Walks the tree with an explicit stack (no recursion, whatever the depth).
fn walk_text(doc: &Document, current: &mut Chunk, chunks: &mut Vec<Chunk>) {
    // the title is the only visible text of the head
    let title = doc
        .find("title")
        .and_then(|ti| match doc.elements[ti].children.first() {
            Some(Node::Text(t)) => Some(*t),
            _ => None,
        });
    enum Step {
        /// The next child of an element.
        Children(usize, usize),
        /// Leaving a block element: its text ends a chunk.
        EndBlock,
    }
    let mut stack = vec![Step::Children(0, 0)];
    while let Some(step) = stack.pop() {
        let (el, k) = match step {
            Step::EndBlock => {
                chunks.push(std::mem::take(current));
                continue;
            }
            Step::Children(el, k) => (el, k),
        };
        let Some(node) = doc.elements[el].children.get(k) else {
            continue;
        };
        stack.push(Step::Children(el, k + 1));
        match *node {
            Node::Text(t) => current.push(&doc.texts[t]),
            Node::Element(c) => {
                let name = doc.elements[c].name.as_str();
                if matches!(
                    name,
                    "script" | "style" | "template" | "noscript" | "textarea"
                ) {
                    continue;
                }
                if name == "head" {
                    if let Some(t) = title {
                        let mut chunk = Chunk::default();
                        chunk.push(&doc.texts[t]);
                        chunks.push(chunk);
                    }
                    continue;
                }
                if name == "a" && follows_link(doc, el, k) {
                    // links side by side ("Home About Privacy") are labels, one each
                    chunks.push(std::mem::take(current));
                }
                if INLINE.contains(&name) {
                    stack.push(Step::Children(c, 0));
                } else {
                    chunks.push(std::mem::take(current));
                    stack.push(Step::EndBlock);
                    stack.push(Step::Children(c, 0));
                }
            }
        }
    }
}

/// The folder a page's relative references resolve in (see `Page::dir`): the first
/// `<base href>` of the document decides, as in browsers. A web address (`https://…`,
/// `//cdn…`) or a root-relative one (`/x/`) makes them web addresses; a relative one
/// (`assets/`) moves them below the file's folder.
fn base_dir(doc: &Document, path: &Path) -> Option<PathBuf> {
    let folder = path.parent().unwrap_or(Path::new("")).to_path_buf();
    let Some(href) = doc
        .elements
        .iter()
        .filter(|e| e.name == "base")
        .find_map(|e| e.attr_value("href"))
        .map(str::trim)
        .filter(|h| !h.is_empty())
    else {
        return Some(folder);
    };
    if !link::is_local(href) || href.starts_with('/') || link::is_placeholder(href) {
        return None;
    }
    // the base's folder: up to its last '/' ("a/b/x.html" → "a/b")
    let dir = href.rfind('/').map_or("", |i| &href[..i]);
    Some(folder.join(dir))
}

/// Whether child `k` of element `el` comes right after a link: nothing but white space
/// and label separators (`|`, `·`, `•`, `/`) between them.
fn follows_link(doc: &Document, el: usize, k: usize) -> bool {
    for node in doc.elements[el].children[..k].iter().rev() {
        match *node {
            Node::Text(t) => {
                let separators_only = doc.texts[t]
                    .chars()
                    .all(|c| c.is_whitespace() || matches!(c, '|' | '·' | '•' | '/' | '¦'));
                if !separators_only {
                    return false;
                }
            }
            Node::Element(e) => return doc.elements[e].name == "a",
        }
    }
    false
}

/// A Markdown source of the project that a page names in its `brandpress:source` meta:
/// read only if it is a `.md` file inside the project's `content/` folder (after
/// following symbolic links, as `roots` canonicalizes paths), so a hostile page cannot
/// make lint read other files.
pub(crate) fn read_project_markdown(
    roots: &crate::lint::Roots,
    root: &Path,
    path: &Path,
) -> Option<String> {
    crate::lint::cache::note_read(path);
    let content = roots.canonical(&root.join("content"))?;
    let file = roots.canonical(path)?;
    if !file.starts_with(&content) || file.extension().is_none_or(|e| e != "md") || !file.is_file()
    {
        return None;
    }
    let bytes = std::fs::read(&file).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// An `html/too-complex` finding for CSS blocks nested too deep.
fn too_deep_css(location: Location) -> Finding {
    too_complex(
        location,
        format!(
            "CSS blocks nested deeper than {} levels: the rules inside are not checked",
            css::MAX_BLOCK_DEPTH
        ),
    )
}

/// Colors, font stacks and `url()`s of declarations. `map` turns an offset in the parsed
/// text into an offset in `src` (attribute values are decoded).
#[allow(clippy::too_many_arguments)]
fn check_decls(
    ctx: &LintContext,
    decls: &[Decl],
    src: &Src,
    map: &dyn Fn(usize) -> usize,
    vars: &HashMap<String, String>,
    dir: Option<&Path>,
    fonts: bool,
    email: bool,
    out: &mut Vec<Finding>,
) {
    // `lint --fix` writes var(--color-x) where the sheets in force define it (a page with
    // the guide's brand.css), except in emails (clients drop custom properties)
    let brand_var = |name: &str| !email && vars.contains_key(name);
    for d in decls {
        if color::is_color_property(&d.name) {
            for c in color::colors_in(&d.value) {
                if let Some(mut f) = ctx
                    .palette
                    .check_at(&c, || src.loc(map(d.offset + c.range.start)))
                {
                    // never `--color-x: var(--color-x)`
                    let own = |name: &str| name != d.name && brand_var(name);
                    if let Some(exact) = ctx.palette.exact_for(&c, &own) {
                        f.edit = src.edit(
                            map(d.offset + c.range.start),
                            map(d.offset + c.range.end),
                            &d.value[c.range.clone()],
                            exact,
                        );
                    }
                    out.push(f);
                }
            }
        }
        if fonts && (d.name == "font-family" || d.name == "font") {
            let resolved = resolve_vars(&d.value, &|n| vars.get(n).cloned());
            let family = match (&resolved, d.name.as_str()) {
                (Some(r), "font") => font::shorthand_families(r),
                (Some(r), _) => Some(r.clone()),
                (None, _) => None,
            };
            if let Some(family) = family
                && let Some(mut f) =
                    font::check(ctx.guide, &family, &d.value, src.loc(map(d.offset)))
            {
                // only a stack written out (no var()) in `font-family`
                if d.name == "font-family"
                    && resolved.as_deref() == Some(d.value.as_str())
                    && let Some(fixed) = font::brand_first(ctx.guide, &d.value)
                {
                    f.edit = src.edit(
                        map(d.offset),
                        map(d.offset + d.value.len()),
                        &d.value,
                        fixed,
                    );
                }
                out.push(f);
            }
        }
        if let Some(dir) = dir
            && d.value.contains("url(")
        {
            for (url, range) in link::css_urls(&d.value) {
                if let Some(f) =
                    link::check(&ctx.roots, dir, &url, src.loc(map(d.offset + range.start)))
                {
                    out.push(f);
                }
            }
        }
    }
}

/// `/* brandpress-ignore … */` comments in CSS text found at `base` of `src`.
fn css_comment_ignores(
    ctx: &LintContext,
    src: &Src,
    css: &str,
    base: usize,
    ignores: &mut Vec<Ignore>,
    out: &mut Vec<Finding>,
) {
    let mut from = 0;
    while let Some(k) = css[from..].find("/*") {
        let start = from + k;
        let end = css[start + 2..]
            .find("*/")
            .map(|e| start + 2 + e)
            .unwrap_or(css.len());
        if let Some(d) = ignore::parse(&css[start + 2..end]) {
            let first = src.lines.line(src.text, base + start);
            let last = src.lines.line(src.text, base + end) + 1;
            ignore::admit(
                ctx,
                d,
                src.loc(base + start),
                Some((first, last)),
                ignores,
                out,
            );
        }
        from = (end + 2).min(css.len());
    }
}
