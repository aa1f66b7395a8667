//! The document model as HTML, shared by the web and email channels. Text is escaped;
//! raw HTML passes only when the guide allows it; runs of another script than the
//! piece's language get a `lang` attribute (Thai in an English piece and vice versa), so
//! browsers pick the right font, line breaking and voice.

use std::fmt::Write;

use tera::escape_html;

use crate::brand::Guide;
use crate::content::doc::{Block, BlockKind, Inline, thai_runs};
use crate::content::{LocalFile, Piece};
use crate::render::Channel;

/// How to write a piece's body.
pub struct HtmlOptions<'a> {
    /// The piece's language (`th` or `en`).
    pub lang: &'a str,
    /// Pass raw HTML from the Markdown through (else it is shown escaped).
    pub allow_raw_html: bool,
    /// Rewrites link targets (UTM decoration): see [`crate::links::decorate`].
    pub link: &'a (dyn Fn(&str) -> String + Sync),
    /// Rewrites image sources (copied assets).
    pub image: &'a (dyn Fn(&str) -> String + Sync),
}

/// A piece's body as HTML for `channel`: links decorated for the channel (through
/// [`crate::links::decorate`]), raw HTML as the guide allows, and references to the
/// piece's local files (images, linked documents) through `local`, which gives the URL
/// the channel publishes each one at.
pub fn piece_body(
    piece: &Piece,
    guide: &Guide,
    channel: Channel,
    local: &(dyn Fn(&LocalFile) -> String + Sync),
) -> String {
    let link = |url: &str| match piece.local_file(url) {
        Some(file) => local(file),
        None => crate::links::decorate(url, channel, piece, guide),
    };
    let image = |src: &str| match piece.local_file(src) {
        Some(file) => local(file),
        None => src.to_string(),
    };
    blocks(
        &piece.body,
        &HtmlOptions {
            lang: &piece.lang,
            allow_raw_html: guide.brand.allow_raw_html,
            link: &link,
            image: &image,
        },
    )
}

/// The blocks as HTML.
pub fn blocks(blocks: &[Block], options: &HtmlOptions) -> String {
    let mut out = String::new();
    for block in blocks {
        write_block(&mut out, block, options);
    }
    out
}

fn write_block(out: &mut String, block: &Block, o: &HtmlOptions) {
    match &block.kind {
        BlockKind::Heading { level, content } => {
            // The page title is the h1: body headings start at h2.
            let level = (*level + 1).min(6);
            let _ = write!(out, "<h{level}>");
            inlines(out, content, o);
            let _ = writeln!(out, "</h{level}>");
        }
        BlockKind::Paragraph(content) => {
            out.push_str("<p>");
            inlines(out, content, o);
            out.push_str("</p>\n");
        }
        BlockKind::List {
            ordered,
            start,
            items,
        } => {
            match (*ordered, *start) {
                (true, 1) => out.push_str("<ol>\n"),
                (true, n) => {
                    let _ = writeln!(out, "<ol start=\"{n}\">");
                }
                (false, _) => out.push_str("<ul>\n"),
            }
            for item in items {
                out.push_str("<li>");
                // A tight item is one paragraph: no <p> inside the <li>.
                match item.as_slice() {
                    [
                        Block {
                            kind: BlockKind::Paragraph(content),
                            ..
                        },
                    ] => inlines(out, content, o),
                    blocks => blocks.iter().for_each(|b| write_block(out, b, o)),
                }
                out.push_str("</li>\n");
            }
            out.push_str(if *ordered { "</ol>\n" } else { "</ul>\n" });
        }
        BlockKind::Quote(blocks) => {
            out.push_str("<blockquote>\n");
            blocks.iter().for_each(|b| write_block(out, b, o));
            out.push_str("</blockquote>\n");
        }
        BlockKind::Code { text, .. } => {
            let _ = writeln!(out, "<pre><code>{}</code></pre>", escape_html(text));
        }
        BlockKind::Rule => out.push_str("<hr>\n"),
        BlockKind::Html(html) => {
            if is_comment(html) {
                // Comments (including lint ignores) stay in the source only.
            } else if o.allow_raw_html {
                out.push_str(html);
            } else {
                let _ = writeln!(out, "<p>{}</p>", escape_html(html.trim()));
            }
        }
    }
}

fn inlines(out: &mut String, content: &[Inline], o: &HtmlOptions) {
    for inline in content {
        match inline {
            Inline::Text(text) => text_runs(out, text, o.lang),
            Inline::Emphasis(c) => wrap(out, "em", c, o),
            Inline::Strong(c) => wrap(out, "strong", c, o),
            Inline::Strike(c) => wrap(out, "s", c, o),
            Inline::Code(code) => {
                let _ = write!(out, "<code>{}</code>", escape_html(code));
            }
            Inline::Link {
                url,
                title,
                content,
            } => {
                let _ = write!(out, "<a href=\"{}\"", escape_html(&(o.link)(url)));
                if !title.is_empty() {
                    let _ = write!(out, " title=\"{}\"", escape_html(title));
                }
                out.push('>');
                inlines(out, content, o);
                out.push_str("</a>");
            }
            Inline::Image { src, alt, title } => {
                let _ = write!(
                    out,
                    "<img src=\"{}\" alt=\"{}\"",
                    escape_html(&(o.image)(src)),
                    escape_html(alt)
                );
                if !title.is_empty() {
                    let _ = write!(out, " title=\"{}\"", escape_html(title));
                }
                out.push_str(" loading=\"lazy\">");
            }
            Inline::LineBreak => out.push_str("<br>\n"),
            Inline::SoftBreak => out.push('\n'),
            Inline::Html(html) => {
                if is_comment(html) {
                } else if o.allow_raw_html {
                    out.push_str(html);
                } else {
                    out.push_str(&escape_html(html));
                }
            }
        }
    }
}

fn wrap(out: &mut String, tag: &str, content: &[Inline], o: &HtmlOptions) {
    let _ = write!(out, "<{tag}>");
    inlines(out, content, o);
    let _ = write!(out, "</{tag}>");
}

/// Escaped text with `lang` spans around runs in the other script.
pub fn text_runs(out: &mut String, text: &str, lang: &str) {
    for (thai, run) in thai_runs(text) {
        let run_lang = if thai { "th" } else { "en" };
        let has_letters = run.chars().any(char::is_alphabetic);
        if run_lang != lang && has_letters {
            let _ = write!(out, "<span lang=\"{run_lang}\">{}</span>", escape_html(run));
        } else {
            out.push_str(&escape_html(run));
        }
    }
}

/// Text with `lang` spans, as a String (for titles and summaries in templates).
pub fn text_with_lang(text: &str, lang: &str) -> String {
    let mut out = String::new();
    text_runs(&mut out, text, lang);
    out
}

/// `&`, `<`, `>`, `"` and `'` escaped, for text and quoted attribute values alike: the one
/// escape of the pages we write by hand rather than through tera (the contact sheet, the
/// brand book, the preview server's pages). Tera's own `escape_html` also escapes `/`.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn is_comment(html: &str) -> bool {
    let t = html.trim();
    t.starts_with("<!--") && t.ends_with("-->")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::markdown;

    fn render(md: &str, lang: &str, raw: bool) -> String {
        let id = |s: &str| s.to_string();
        let o = HtmlOptions {
            lang,
            allow_raw_html: raw,
            link: &id,
            image: &id,
        };
        blocks(&markdown::parse(md, 1), &o)
    }

    #[test]
    fn escape_covers_text_and_both_quotes_and_keeps_thai() {
        assert_eq!(
            escape("<a href=\"x\">&'ก่อน"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;ก่อน"
        );
    }

    #[test]
    fn escapes_text_and_marks_thai_runs_in_english() {
        let html = render("Order <now> via ร้านต้นกล้า", "en", false);
        assert_eq!(
            html,
            "<p>Order &lt;now&gt; via <span lang=\"th\">ร้านต้นกล้า</span></p>\n"
        );
    }

    #[test]
    fn marks_latin_runs_in_thai() {
        let html = render("สั่งผ่าน LINE ได้เลย", "th", false);
        assert_eq!(html, "<p>สั่งผ่าน <span lang=\"en\">LINE </span>ได้เลย</p>\n");
    }

    #[test]
    fn raw_html_only_when_allowed_and_comments_dropped() {
        let md = "<div class=\"x\">hi</div>\n\n<!-- brandpress-ignore x: y -->\n";
        assert_eq!(render(md, "en", true), "<div class=\"x\">hi</div>\n");
        assert!(render(md, "en", false).contains("&lt;div"));
    }

    #[test]
    fn headings_shift_below_the_page_title() {
        assert_eq!(render("# A", "en", false), "<h2>A</h2>\n");
    }
}
