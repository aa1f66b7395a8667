//! Markdown (CommonMark + strikethrough and tables' cells as text) to the document model,
//! with pulldown-cmark.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::doc::{Block, BlockKind, Inline};

/// How deep blocks (quotes, lists) and inline spans (emphasis, links) may nest. Deeper
/// Markdown is refused ([`Parsed::too_deep`]): every later walk of the document model is
/// then bounded, and no hostile piece can exhaust the stack.
pub const MAX_DEPTH: usize = 100;

/// A parsed body: the blocks, every link and image reference with its position, and
/// where the body first nests deeper than [`MAX_DEPTH`] (what lies deeper is left out).
#[derive(Debug, Default)]
pub struct Parsed {
    pub blocks: Vec<Block>,
    pub references: Vec<Reference>,
    /// Byte offset (in the body) of the first container beyond [`MAX_DEPTH`].
    pub too_deep: Option<usize>,
}

/// A link destination or image source as written, with its byte range in the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub url: String,
    pub image: bool,
    pub span: std::ops::Range<usize>,
}

/// Parses a Markdown body. `first_line` is the 1-based line of the body's first line in
/// its file, so blocks carry file lines.
pub fn parse(body: &str, first_line: usize) -> Vec<Block> {
    parse_full(body, first_line).blocks
}

/// [`parse`], keeping the references and the depth check.
pub fn parse_full(body: &str, first_line: usize) -> Parsed {
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(body.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |offset: usize| first_line + line_starts.partition_point(|&s| s <= offset) - 1;

    let mut builder = Builder::default();
    let options = Options::ENABLE_STRIKETHROUGH;
    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        // Beyond the depth limit, skip whole subtrees (every Start has its End).
        if builder.skipping > 0 {
            match event {
                Event::Start(_) => builder.skipping += 1,
                Event::End(_) => builder.skipping -= 1,
                _ => {}
            }
            continue;
        }
        if let Event::Start(tag) = &event {
            if builder.stack.len() > MAX_DEPTH {
                builder.too_deep.get_or_insert(range.start);
                builder.skipping = 1;
                continue;
            }
            if let Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } = tag {
                builder.references.push(Reference {
                    url: dest_url.to_string(),
                    image: matches!(tag, Tag::Image { .. }),
                    span: range.clone(),
                });
            }
        }
        builder.event(event, line_of(range.start));
    }
    let too_deep = builder.too_deep;
    let references = std::mem::take(&mut builder.references);
    Parsed {
        blocks: builder.finish(),
        references,
        too_deep,
    }
}

/// A container being built: the blocks collected so far, and inline spans if it is a
/// heading or paragraph.
enum Frame {
    Root(Vec<Block>),
    Heading {
        level: u8,
        line: usize,
        inlines: Vec<Inline>,
    },
    Paragraph {
        line: usize,
        inlines: Vec<Inline>,
    },
    List {
        ordered: bool,
        start: u64,
        line: usize,
        items: Vec<Vec<Block>>,
    },
    Item(Vec<Block>),
    Quote {
        line: usize,
        blocks: Vec<Block>,
    },
    Code {
        lang: Option<String>,
        line: usize,
        text: String,
    },
    Html {
        line: usize,
        text: String,
    },
    Span {
        kind: SpanKind,
        inlines: Vec<Inline>,
    },
    Image {
        src: String,
        title: String,
        alt: Vec<Inline>,
    },
}

enum SpanKind {
    Emphasis,
    Strong,
    Strike,
    Link { url: String, title: String },
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    references: Vec<Reference>,
    /// Open containers being skipped because they nest too deep.
    skipping: usize,
    too_deep: Option<usize>,
}

impl Builder {
    fn event(&mut self, event: Event, line: usize) {
        if self.stack.is_empty() {
            self.stack.push(Frame::Root(Vec::new()));
        }
        match event {
            Event::Start(tag) => self.start(tag, line),
            Event::End(end) => self.end(end),
            Event::Text(t) => self.text(&t, line),
            Event::Code(c) => self.inline(Inline::Code(c.into_string()), line),
            Event::SoftBreak => self.inline(Inline::SoftBreak, line),
            Event::HardBreak => self.inline(Inline::LineBreak, line),
            Event::Rule => self.block(Block {
                kind: BlockKind::Rule,
                line,
            }),
            Event::Html(html) => match self.stack.last_mut() {
                Some(Frame::Html { text, .. }) => text.push_str(&html),
                _ => self.inline(Inline::Html(html.into_string()), line),
            },
            Event::InlineHtml(html) => self.inline(Inline::Html(html.into_string()), line),
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag, line: usize) {
        let frame = match tag {
            Tag::Heading { level, .. } => Frame::Heading {
                level: heading_level(level),
                line,
                inlines: Vec::new(),
            },
            Tag::Paragraph => Frame::Paragraph {
                line,
                inlines: Vec::new(),
            },
            Tag::List(start) => Frame::List {
                ordered: start.is_some(),
                start: start.unwrap_or(1),
                line,
                items: Vec::new(),
            },
            Tag::Item => Frame::Item(Vec::new()),
            Tag::BlockQuote(_) => Frame::Quote {
                line,
                blocks: Vec::new(),
            },
            Tag::CodeBlock(kind) => Frame::Code {
                lang: match kind {
                    pulldown_cmark::CodeBlockKind::Fenced(l) if !l.is_empty() => {
                        Some(l.into_string())
                    }
                    _ => None,
                },
                line,
                text: String::new(),
            },
            Tag::HtmlBlock => Frame::Html {
                line,
                text: String::new(),
            },
            Tag::Emphasis => Frame::Span {
                kind: SpanKind::Emphasis,
                inlines: Vec::new(),
            },
            Tag::Strong => Frame::Span {
                kind: SpanKind::Strong,
                inlines: Vec::new(),
            },
            Tag::Strikethrough => Frame::Span {
                kind: SpanKind::Strike,
                inlines: Vec::new(),
            },
            Tag::Link {
                dest_url, title, ..
            } => Frame::Span {
                kind: SpanKind::Link {
                    url: dest_url.into_string(),
                    title: title.into_string(),
                },
                inlines: Vec::new(),
            },
            Tag::Image {
                dest_url, title, ..
            } => Frame::Image {
                src: dest_url.into_string(),
                title: title.into_string(),
                alt: Vec::new(),
            },
            // Other containers (tables, footnotes) add no structure of
            // their own: their text lands in the enclosing block.
            _ => return,
        };
        self.stack.push(frame);
    }

    fn end(&mut self, end: TagEnd) {
        let closes = matches!(
            end,
            TagEnd::Heading(_)
                | TagEnd::Paragraph
                | TagEnd::List(_)
                | TagEnd::Item
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock
                | TagEnd::HtmlBlock
                | TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
                | TagEnd::Image
        );
        if !closes || self.stack.len() < 2 {
            return;
        }
        match self.stack.pop().expect("frame") {
            Frame::Heading {
                level,
                line,
                inlines,
            } => self.block(Block {
                kind: BlockKind::Heading {
                    level,
                    content: inlines,
                },
                line,
            }),
            Frame::Paragraph { line, inlines } => self.block(Block {
                kind: BlockKind::Paragraph(inlines),
                line,
            }),
            Frame::List {
                ordered,
                start,
                line,
                items,
            } => self.block(Block {
                kind: BlockKind::List {
                    ordered,
                    start,
                    items,
                },
                line,
            }),
            Frame::Item(blocks) => {
                if let Some(Frame::List { items, .. }) = self.stack.last_mut() {
                    items.push(blocks);
                }
            }
            Frame::Quote { line, blocks } => self.block(Block {
                kind: BlockKind::Quote(blocks),
                line,
            }),
            Frame::Code { lang, line, text } => self.block(Block {
                kind: BlockKind::Code { lang, text },
                line,
            }),
            Frame::Html { line, text } => self.block(Block {
                kind: BlockKind::Html(text),
                line,
            }),
            Frame::Span { kind, inlines } => {
                let inline = match kind {
                    SpanKind::Emphasis => Inline::Emphasis(inlines),
                    SpanKind::Strong => Inline::Strong(inlines),
                    SpanKind::Strike => Inline::Strike(inlines),
                    SpanKind::Link { url, title } => Inline::Link {
                        url,
                        title,
                        content: inlines,
                    },
                };
                self.inline(inline, 0)
            }
            Frame::Image { src, title, alt } => self.inline(
                Inline::Image {
                    src,
                    title,
                    alt: Inline::plain(&alt),
                },
                0,
            ),
            Frame::Root(_) => unreachable!("root is never popped"),
        }
    }

    fn text(&mut self, text: &str, line: usize) {
        if let Some(Frame::Code { text: code, .. }) = self.stack.last_mut() {
            code.push_str(text);
            return;
        }
        // Merge with a preceding text span: pulldown-cmark splits text at entities.
        if let Some(inlines) = self.inlines_mut()
            && let Some(Inline::Text(prev)) = inlines.last_mut()
        {
            prev.push_str(text);
            return;
        }
        self.inline(Inline::Text(text.to_string()), line)
    }

    fn inlines_mut(&mut self) -> Option<&mut Vec<Inline>> {
        match self.stack.last_mut()? {
            Frame::Heading { inlines, .. }
            | Frame::Paragraph { inlines, .. }
            | Frame::Span { inlines, .. }
            | Frame::Image { alt: inlines, .. } => Some(inlines),
            _ => None,
        }
    }

    /// Adds an inline to the current span; in a tight list item (no paragraph) it opens
    /// an implicit paragraph.
    fn inline(&mut self, inline: Inline, line: usize) {
        if let Some(inlines) = self.inlines_mut() {
            inlines.push(inline);
            return;
        }
        if let Some(Frame::Item(blocks)) | Some(Frame::Quote { blocks, .. }) = self.stack.last_mut()
        {
            if let Some(Block {
                kind: BlockKind::Paragraph(inlines),
                ..
            }) = blocks.last_mut()
            {
                inlines.push(inline);
            } else {
                blocks.push(Block {
                    kind: BlockKind::Paragraph(vec![inline]),
                    line,
                });
            }
            return;
        }
        if let Some(Frame::Root(blocks)) = self.stack.last_mut() {
            blocks.push(Block {
                kind: BlockKind::Paragraph(vec![inline]),
                line,
            });
        }
    }

    fn block(&mut self, block: Block) {
        match self.stack.last_mut() {
            Some(Frame::Root(blocks))
            | Some(Frame::Item(blocks))
            | Some(Frame::Quote { blocks, .. }) => blocks.push(block),
            _ => {}
        }
    }

    fn finish(mut self) -> Vec<Block> {
        // pulldown-cmark's events are balanced, so only the root is left.
        match self.stack.drain(..).next() {
            Some(Frame::Root(blocks)) => blocks,
            _ => Vec::new(),
        }
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_blocks_with_lines_and_inlines() {
        let md = "## หัวข้อ\n\nย่อหน้า **ตัวหนา** และ [ลิงก์](https://x.example)\n\n- หนึ่ง\n- สอง\n";
        let blocks = parse(md, 10);
        assert_eq!(blocks.len(), 3);
        assert_eq!(blocks[0].line, 10);
        assert!(matches!(
            &blocks[0].kind,
            BlockKind::Heading { level: 2, .. }
        ));
        assert_eq!(blocks[1].line, 12);
        let BlockKind::Paragraph(inlines) = &blocks[1].kind else {
            panic!("paragraph")
        };
        assert_eq!(inlines[0], Inline::Text("ย่อหน้า ".into()));
        assert_eq!(
            inlines[1],
            Inline::Strong(vec![Inline::Text("ตัวหนา".into())])
        );
        assert!(matches!(&inlines[3], Inline::Link { url, .. } if url == "https://x.example"));
        let BlockKind::List {
            items,
            ordered: false,
            ..
        } = &blocks[2].kind
        else {
            panic!("list")
        };
        assert_eq!(items.len(), 2);
        assert_eq!(blocks[2].plain(), "- หนึ่ง\n- สอง");
        assert_eq!(blocks[2].line, 14);
    }

    #[test]
    fn keeps_raw_html_as_its_own_block() {
        let blocks = parse("<div>x</div>\n\ntext\n", 1);
        assert!(matches!(&blocks[0].kind, BlockKind::Html(h) if h.contains("<div>")));
        assert!(matches!(&blocks[1].kind, BlockKind::Paragraph(_)));
    }

    #[test]
    fn nested_lists_and_quotes() {
        let blocks = parse("> quote *em*\n\n1. a\n   - b\n2. c\n", 1);
        assert!(matches!(&blocks[0].kind, BlockKind::Quote(b) if b.len() == 1));
        let BlockKind::List {
            ordered: true,
            items,
            ..
        } = &blocks[1].kind
        else {
            panic!()
        };
        assert_eq!(items.len(), 2);
        assert_eq!(
            items[0].len(),
            2,
            "item text and nested list: {:?}",
            items[0]
        );
    }
}
