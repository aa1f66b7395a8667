//! The channel-neutral document model every renderer consumes: blocks and inline spans.
//! Each block keeps the 1-based line of the Markdown it came from, so findings on
//! outputs can point back at the source.

/// A block of the body.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub kind: BlockKind,
    /// 1-based line in the source file.
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum BlockKind {
    Heading {
        level: u8,
        content: Vec<Inline>,
    },
    Paragraph(Vec<Inline>),
    List {
        ordered: bool,
        start: u64,
        items: Vec<Vec<Block>>,
    },
    Quote(Vec<Block>),
    Code {
        lang: Option<String>,
        text: String,
    },
    Rule,
    /// Raw HTML from the Markdown; renderers pass it through only where the guide allows.
    Html(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    Text(String),
    Emphasis(Vec<Inline>),
    Strong(Vec<Inline>),
    Strike(Vec<Inline>),
    Code(String),
    Link {
        url: String,
        title: String,
        content: Vec<Inline>,
    },
    Image {
        src: String,
        alt: String,
        title: String,
    },
    /// A hard line break.
    LineBreak,
    /// A soft break (a newline in the source paragraph).
    SoftBreak,
    Html(String),
}

impl Inline {
    /// The visible text of inline spans (images contribute their alt text).
    pub fn plain(inlines: &[Inline]) -> String {
        let mut out = String::new();
        for inline in inlines {
            inline.push_plain(&mut out);
        }
        out
    }

    fn push_plain(&self, out: &mut String) {
        match self {
            Inline::Text(t) | Inline::Code(t) => out.push_str(t),
            Inline::Emphasis(c) | Inline::Strong(c) | Inline::Strike(c) => {
                c.iter().for_each(|i| i.push_plain(out))
            }
            Inline::Link { content, .. } => content.iter().for_each(|i| i.push_plain(out)),
            Inline::Image { alt, .. } => out.push_str(alt),
            Inline::LineBreak => out.push('\n'),
            Inline::SoftBreak => out.push(' '),
            Inline::Html(_) => {}
        }
    }
}

impl Block {
    /// The visible text of a block, paragraphs separated by blank lines.
    pub fn plain(&self) -> String {
        match &self.kind {
            BlockKind::Heading { content, .. } | BlockKind::Paragraph(content) => {
                Inline::plain(content)
            }
            BlockKind::List {
                ordered,
                start,
                items,
            } => items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let bullet = if *ordered {
                        format!("{}. ", *start + i as u64)
                    } else {
                        "- ".into()
                    };
                    bullet + &plain_blocks(item)
                })
                .collect::<Vec<_>>()
                .join("\n"),
            BlockKind::Quote(blocks) => plain_blocks(blocks),
            BlockKind::Code { text, .. } => text.clone(),
            BlockKind::Rule | BlockKind::Html(_) => String::new(),
        }
    }
}

/// The visible text of blocks, separated by blank lines.
pub fn plain_blocks(blocks: &[Block]) -> String {
    blocks
        .iter()
        .map(Block::plain)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Thai letters, vowels, tone marks and digits (U+0E00–U+0E7F).
pub fn is_thai(c: char) -> bool {
    ('\u{0E00}'..='\u{0E7F}').contains(&c)
}

/// Splits text into alternating runs of Thai and non-Thai. Spaces and punctuation stay with
/// the run before them, so `lang` spans cover whole phrases.
pub fn thai_runs(text: &str) -> Vec<(bool, &str)> {
    let mut runs: Vec<(bool, &str)> = Vec::new();
    let mut start = 0;
    let mut current: Option<bool> = None;
    for (i, c) in text.char_indices() {
        let thai = if is_thai(c) {
            Some(true)
        } else if c.is_alphabetic() {
            Some(false)
        } else {
            None
        };
        if let (Some(t), Some(cur)) = (thai, current)
            && t != cur
        {
            runs.push((cur, &text[start..i]));
            start = i;
        }
        if thai.is_some() {
            current = thai;
        }
    }
    if start < text.len() {
        runs.push((current.unwrap_or(false), &text[start..]));
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thai_runs_split_mixed_text() {
        let runs = thai_runs("สั่งผ่าน LINE วันนี้");
        assert_eq!(
            runs,
            vec![(true, "สั่งผ่าน "), (false, "LINE "), (true, "วันนี้")]
        );
        assert_eq!(thai_runs("Cold Brew 89.-"), vec![(false, "Cold Brew 89.-")]);
        assert_eq!(thai_runs(""), vec![]);
    }
}
