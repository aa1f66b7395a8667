//! Just enough CSS parsing for email lint: rules, at-rules and declarations with their
//! byte offsets, and whether they sit inside `@media` (progressive enhancement) or
//! `@font-face`.

/// Where a declaration or rule sits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ctx {
    /// Inside `@media`/`@supports` (clients without support skip the whole block).
    pub in_media: bool,
    /// Inside `@font-face` (descriptors, not properties).
    pub in_font_face: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    AtRule {
        name: String,
        prelude: String,
        offset: usize,
    },
    Rule {
        selectors: String,
        offset: usize,
        ctx: Ctx,
    },
    Decl(Decl),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Decl {
    /// Lower-case property name.
    pub prop: String,
    /// The value without `!important`.
    pub value: String,
    pub important: bool,
    pub offset: usize,
    pub ctx: Ctx,
}

/// Deepest nesting of `@media`-like blocks read; deeper blocks are skipped.
pub const MAX_BLOCK_DEPTH: usize = 32;

/// A style sheet's items, in order.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub items: Vec<Item>,
    /// Offset of the first block nested deeper than [`MAX_BLOCK_DEPTH`] (skipped).
    pub too_deep: Option<usize>,
}

/// Every item of a style sheet, in order.
pub fn parse_sheet(css: &str) -> Sheet {
    let clean = strip_comments(css);
    let mut sheet = Sheet::default();
    block(&clean, 0, clean.len(), Ctx::default(), 0, &mut sheet);
    sheet
}

/// The declarations of a `style` attribute.
pub fn parse_declarations(css: &str) -> Vec<Decl> {
    let clean = strip_comments(css);
    let mut out = Vec::new();
    declarations(&clean, 0, clean.len(), Ctx::default(), &mut out);
    out.into_iter()
        .filter_map(|i| match i {
            Item::Decl(d) => Some(d),
            _ => None,
        })
        .collect()
}

/// Comments replaced by spaces, so offsets stay those of the source.
fn strip_comments(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        let end = rest[start + 2..]
            .find("*/")
            .map(|e| start + 2 + e + 2)
            .unwrap_or(rest.len());
        // One ASCII byte per removed byte keeps every offset.
        out.extend(
            rest.as_bytes()[start..end]
                .iter()
                .map(|&b| if b == b'\n' { '\n' } else { ' ' }),
        );
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Index of the first of `stops` at depth 0 (outside strings and parentheses), from `pos`.
fn find_top(s: &[u8], mut pos: usize, end: usize, stops: &[u8]) -> usize {
    let mut depth = 0i32;
    let mut quote = 0u8;
    while pos < end {
        let c = s[pos];
        if quote != 0 {
            if c == b'\\' {
                pos += 1;
            } else if c == quote {
                quote = 0;
            }
        } else if c == b'"' || c == b'\'' {
            quote = c;
        } else if c == b'(' {
            depth += 1;
        } else if c == b')' {
            depth -= 1;
        } else if depth <= 0 && stops.contains(&c) {
            return pos;
        }
        pos += 1;
    }
    end
}

/// Index of the `}` closing the block opened just before `pos`.
fn matching_brace(s: &[u8], mut pos: usize, end: usize) -> usize {
    let mut depth = 1;
    while pos < end {
        pos = find_top(s, pos, end, b"{}");
        if pos >= end {
            return end;
        }
        if s[pos] == b'{' {
            depth += 1;
        } else {
            depth -= 1;
            if depth == 0 {
                return pos;
            }
        }
        pos += 1;
    }
    end
}

fn block(css: &str, mut pos: usize, end: usize, ctx: Ctx, depth: usize, sheet: &mut Sheet) {
    let s = css.as_bytes();
    while pos < end {
        while pos < end && (s[pos].is_ascii_whitespace() || s[pos] == b';' || s[pos] == b'}') {
            pos += 1;
        }
        if pos >= end {
            break;
        }
        let start = pos;
        let stop = find_top(s, pos, end, b"{;");
        if s[start] == b'@' {
            let name_end = css[start + 1..stop]
                .find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_'))
                .map(|i| start + 1 + i)
                .unwrap_or(stop);
            let name = css[start + 1..name_end].to_ascii_lowercase();
            let prelude = css[name_end..stop].trim().to_string();
            sheet.items.push(Item::AtRule {
                name: name.clone(),
                prelude,
                offset: start,
            });
            if stop >= end || s[stop] == b';' {
                pos = stop + 1;
                continue;
            }
            let close = matching_brace(s, stop + 1, end);
            match name.as_str() {
                "media" | "supports" | "document" | "layer" | "container"
                    if depth >= MAX_BLOCK_DEPTH =>
                {
                    sheet.too_deep.get_or_insert(start);
                }
                "media" | "supports" | "document" | "layer" | "container" => block(
                    css,
                    stop + 1,
                    close,
                    Ctx {
                        in_media: name != "layer",
                        ..ctx
                    },
                    depth + 1,
                    sheet,
                ),
                "font-face" => declarations(
                    css,
                    stop + 1,
                    close,
                    Ctx {
                        in_font_face: true,
                        ..ctx
                    },
                    &mut sheet.items,
                ),
                _ => {} // @keyframes, @page…: their contents are not element styles
            }
            pos = close + 1;
        } else {
            if stop >= end || s[stop] == b';' {
                pos = stop + 1; // stray text
                continue;
            }
            sheet.items.push(Item::Rule {
                selectors: css[start..stop].trim().to_string(),
                offset: start,
                ctx,
            });
            let close = matching_brace(s, stop + 1, end);
            declarations(css, stop + 1, close, ctx, &mut sheet.items);
            pos = close + 1;
        }
    }
}

fn declarations(css: &str, mut pos: usize, end: usize, ctx: Ctx, out: &mut Vec<Item>) {
    let s = css.as_bytes();
    while pos < end {
        let stop = find_top(s, pos, end, b";");
        let text = &css[pos..stop];
        if let Some(colon) = text.find(':') {
            let prop = text[..colon].trim().to_ascii_lowercase();
            let lead = text.len() - text.trim_start().len();
            let mut value = text[colon + 1..].trim().to_string();
            let lower = value.to_ascii_lowercase();
            let important = lower.ends_with("!important");
            if important {
                let cut = lower.rfind('!').unwrap_or(value.len());
                value = value[..cut].trim().to_string();
            }
            if !prop.is_empty()
                && prop
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                out.push(Item::Decl(Decl {
                    prop,
                    value,
                    important,
                    offset: pos + lead,
                    ctx,
                }));
            }
        }
        pos = stop + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rules_media_and_font_face_with_offsets() {
        let css = "/* c */ p.x { color: red; margin:0 !important }\n@media (max-width: 600px) { .a > b { width: 100% } }\n@font-face { font-family: 'Prompt'; src: url(a;b.ttf) }\n@import url(x.css);";
        let items = parse_sheet(css).items;
        let decls: Vec<_> = items
            .iter()
            .filter_map(|i| match i {
                Item::Decl(d) => Some(d),
                _ => None,
            })
            .collect();
        assert_eq!(decls[0].prop, "color");
        assert_eq!(&css[decls[0].offset..decls[0].offset + 5], "color");
        assert!(decls[1].important && decls[1].value == "0");
        assert!(decls[2].ctx.in_media && decls[2].prop == "width");
        assert!(decls[3].ctx.in_font_face && decls[3].value == "'Prompt'");
        assert_eq!(decls[4].value, "url(a;b.ttf)");
        assert!(
            items
                .iter()
                .any(|i| matches!(i, Item::AtRule { name, .. } if name == "import"))
        );
        assert!(items.iter().any(
            |i| matches!(i, Item::Rule { selectors, ctx, .. } if selectors == ".a > b" && ctx.in_media)
        ));
    }

    #[test]
    fn style_attribute_declarations() {
        let d = parse_declarations("font-family: 'Noto Sans', Tahoma; color:#1F5C4A;");
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].value, "'Noto Sans', Tahoma");
    }
}
