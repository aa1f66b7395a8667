//! The plain-text alternative of an email: the document model as readable text, links
//! written as `text (url)`.

use std::fmt::Write;

use crate::content::doc::{Block, BlockKind, Inline};

/// The blocks as plain text; `link` decorates link targets.
pub fn blocks(blocks: &[Block], link: &dyn Fn(&str) -> String) -> String {
    let mut out = String::new();
    for block in blocks {
        write_block(&mut out, block, "", link);
    }
    out.trim_end().to_string()
}

fn write_block(out: &mut String, block: &Block, indent: &str, link: &dyn Fn(&str) -> String) {
    match &block.kind {
        BlockKind::Heading { content, .. } => {
            let text = inlines(content, link);
            let _ = writeln!(out, "{indent}{text}");
            let _ = writeln!(
                out,
                "{indent}{}\n",
                "-".repeat(text.chars().count().clamp(3, 60))
            );
        }
        BlockKind::Paragraph(content) => {
            for line in inlines(content, link).lines() {
                let _ = writeln!(out, "{indent}{}", line.trim_end());
            }
            out.push('\n');
        }
        BlockKind::List {
            ordered,
            start,
            items,
        } => {
            for (i, item) in items.iter().enumerate() {
                let marker = if *ordered {
                    format!("{}. ", *start as usize + i)
                } else {
                    "- ".to_string()
                };
                let mut inner = String::new();
                let pad = " ".repeat(marker.len());
                for b in item {
                    write_block(&mut inner, b, "", link);
                }
                for (n, line) in inner.trim_end().lines().enumerate() {
                    if n == 0 {
                        let _ = writeln!(out, "{indent}{marker}{line}");
                    } else if line.is_empty() {
                        out.push('\n');
                    } else {
                        let _ = writeln!(out, "{indent}{pad}{line}");
                    }
                }
            }
            out.push('\n');
        }
        BlockKind::Quote(inner) => {
            let mut text = String::new();
            for b in inner {
                write_block(&mut text, b, "", link);
            }
            for line in text.trim_end().lines() {
                let _ = writeln!(out, "{indent}> {line}");
            }
            out.push('\n');
        }
        BlockKind::Code { text, .. } => {
            for line in text.lines() {
                let _ = writeln!(out, "{indent}    {line}");
            }
            out.push('\n');
        }
        BlockKind::Rule => out.push_str("----------\n\n"),
        BlockKind::Html(_) => {}
    }
}

/// Inline spans as text; a link whose text differs from its target reads `text (url)`.
pub fn inlines(content: &[Inline], link: &dyn Fn(&str) -> String) -> String {
    let mut out = String::new();
    for inline in content {
        match inline {
            Inline::Text(t) | Inline::Code(t) => out.push_str(t),
            Inline::Emphasis(c) | Inline::Strong(c) | Inline::Strike(c) => {
                out.push_str(&inlines(c, link))
            }
            Inline::Link { url, content, .. } => {
                let text = inlines(content, link);
                let target = link(url);
                if text.trim().is_empty() || text == *url || text == target {
                    out.push_str(&target);
                } else {
                    let _ = write!(out, "{text} ({target})");
                }
            }
            Inline::Image { alt, .. } => {
                if !alt.is_empty() {
                    let _ = write!(out, "[{alt}]");
                }
            }
            Inline::LineBreak | Inline::SoftBreak => out.push('\n'),
            Inline::Html(_) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::markdown;

    #[test]
    fn links_lists_and_quotes_read_as_text() {
        let md = "## วิธีรับสิทธิ์\n\n1. เพิ่มเพื่อนใน [LINE](https://line.example/add)\n2. กรอกโค้ด **WINTER26**\n\n> อร่อยมาก\n";
        let tag = |u: &str| format!("{u}?utm_source=email");
        let text = blocks(&markdown::parse(md, 1), &tag);
        assert!(text.starts_with("วิธีรับสิทธิ์\n---"), "{text}");
        assert!(
            text.contains("1. เพิ่มเพื่อนใน LINE (https://line.example/add?utm_source=email)"),
            "{text}"
        );
        assert!(text.contains("2. กรอกโค้ด WINTER26"), "{text}");
        assert!(text.contains("> อร่อยมาก"), "{text}");
    }
}
