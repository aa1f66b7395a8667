//! A position-keeping HTML reader for the linter.
//!
//! Why not scraper/html5ever: their tree has no source positions (html5ever's tokenizer
//! reports a line per token, but no column and no byte offset), and every rule here must
//! point at a line and column — of an attribute value, of a word inside a text. This
//! reader follows the WHATWG tokenizer where it matters for linting (comments, doctype,
//! bogus comments, raw text in `script`/`style`, escapable raw text in `title`/`textarea`,
//! quoted and unquoted attributes, character references) and builds the tree with the
//! parts of tree construction that change nesting in real pages: void elements,
//! self-closing tags, end tags that close open children, and implied end tags for
//! `p`, `li`, `dt`/`dd`, `tr`, `td`/`th`, `option`. It never fails: like a browser, it
//! reads any byte soup into some tree. Every node keeps the byte offsets it came from.

/// One element with the byte range it spans in the source.
#[derive(Debug, Clone)]
pub struct Element {
    /// Lower-case tag name.
    pub name: String,
    pub attrs: Vec<Attr>,
    /// Offset of the `<` of the start tag.
    pub start: usize,
    /// Offset just past the start tag's `>`.
    pub tag_end: usize,
    /// Offset just past the element's end (end tag, implied end, or end of file).
    pub end: usize,
    pub parent: Option<usize>,
    pub children: Vec<Node>,
}

impl Element {
    /// An attribute's value by (lower-case) name.
    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.name == name)
    }

    pub fn attr_value(&self, name: &str) -> Option<&str> {
        self.attr(name).map(|a| a.value.as_str())
    }

    /// Whether the `class` attribute lists `class`.
    pub fn has_class(&self, class: &str) -> bool {
        self.attr_value("class")
            .is_some_and(|c| c.split_ascii_whitespace().any(|c| c == class))
    }
}

/// An attribute: decoded value and where the name and the value start.
#[derive(Debug, Clone)]
pub struct Attr {
    pub name: String,
    pub value: Text,
    pub name_start: usize,
}

impl std::ops::Deref for Attr {
    type Target = Text;
    fn deref(&self) -> &Text {
        &self.value
    }
}

/// Decoded text with a map back to source offsets (character references change lengths).
#[derive(Debug, Clone, Default)]
pub struct Text {
    pub value: String,
    /// Source offset of the first byte.
    pub start: usize,
    /// `(decoded offset, source offset)` checkpoints, one per character reference.
    marks: Vec<(usize, usize)>,
}

impl Text {
    /// The source offset of byte `i` of the decoded text.
    pub fn source_offset(&self, i: usize) -> usize {
        let k = self.marks.partition_point(|&(d, _)| d <= i);
        match k.checked_sub(1).map(|k| self.marks[k]) {
            Some((d, s)) => s + (i - d),
            None => self.start + i,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.value
    }
}

impl std::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.value
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Node {
    Element(usize),
    Text(usize),
}

/// A comment with its source range and content (between `<!--` and `-->`).
#[derive(Debug, Clone)]
pub struct Comment {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// A parsed page. Element 0 is a synthetic root holding the top-level nodes.
#[derive(Debug, Clone)]
pub struct Document {
    pub elements: Vec<Element>,
    /// Text nodes; the raw content of `script`/`style` is kept undecoded.
    pub texts: Vec<Text>,
    /// The element each text node belongs to.
    pub text_parent: Vec<usize>,
    pub comments: Vec<Comment>,
}

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];
const RAW_TEXT: &[&str] = &["script", "style", "xmp", "iframe", "noembed", "noframes"];
const ESCAPABLE_RAW: &[&str] = &["title", "textarea"];
/// Start tags that close an open `p`.
const CLOSES_P: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "details",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "ul",
];

impl Document {
    pub fn parse(src: &str) -> Document {
        let mut b = Builder {
            src,
            doc: Document {
                elements: vec![Element {
                    name: String::new(),
                    attrs: Vec::new(),
                    start: 0,
                    tag_end: 0,
                    end: src.len(),
                    parent: None,
                    children: Vec::new(),
                }],
                texts: Vec::new(),
                text_parent: Vec::new(),
                comments: Vec::new(),
            },
            stack: vec![0],
        };
        b.run();
        b.doc
    }

    pub fn root(&self) -> &Element {
        &self.elements[0]
    }

    /// Ancestors of element `i`, nearest first (not including `i`, nor the synthetic root).
    pub fn ancestors(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(self.elements[i].parent, |&p| self.elements[p].parent)
            .filter(|&p| p != 0)
    }

    /// The first element with this name.
    pub fn find(&self, name: &str) -> Option<usize> {
        self.elements.iter().position(|e| e.name == name)
    }
}

struct Builder<'a> {
    src: &'a str,
    doc: Document,
    stack: Vec<usize>,
}

impl Builder<'_> {
    fn run(&mut self) {
        let src = self.src;
        let bytes = src.as_bytes();
        let mut i = 0;
        let mut text_start = 0;
        while i < bytes.len() {
            if bytes[i] != b'<' {
                i += 1;
                continue;
            }
            let rest = &src[i..];
            let next = bytes.get(i + 1).copied().unwrap_or(0);
            let consumed = if rest.starts_with("<!--") {
                self.text(text_start, i);
                let (content_end, end) = match src[i + 4..].find("-->") {
                    Some(k) => (i + 4 + k, i + 4 + k + 3),
                    None => (src.len(), src.len()),
                };
                self.doc.comments.push(Comment {
                    text: src[i + 4..content_end].to_string(),
                    start: i,
                    end,
                });
                Some(end)
            } else if next == b'!' || next == b'?' {
                // doctype, CDATA, processing instruction: skipped up to `>`
                self.text(text_start, i);
                Some(src[i..].find('>').map(|k| i + k + 1).unwrap_or(src.len()))
            } else if next == b'/' && bytes.get(i + 2).is_some_and(u8::is_ascii_alphabetic) {
                self.text(text_start, i);
                let name_end = name_end(bytes, i + 2);
                let name = src[i + 2..name_end].to_ascii_lowercase();
                let end = src[name_end..]
                    .find('>')
                    .map(|k| name_end + k + 1)
                    .unwrap_or(src.len());
                self.end_tag(&name, i, end);
                Some(end)
            } else if next.is_ascii_alphabetic() {
                self.text(text_start, i);
                Some(self.start_tag(i))
            } else {
                None
            };
            match consumed {
                Some(end) => {
                    i = end;
                    text_start = end;
                }
                None => i += 1,
            }
        }
        self.text(text_start, src.len());
        while self.stack.len() > 1 {
            self.close_top(src.len());
        }
    }

    fn text(&mut self, start: usize, end: usize) {
        if start < end {
            let text = decode(&self.src[start..end], start);
            self.push_text(text);
        }
    }

    fn push_text(&mut self, text: Text) {
        let parent = *self.stack.last().expect("root stays on the stack");
        let id = self.doc.texts.len();
        self.doc.texts.push(text);
        self.doc.text_parent.push(parent);
        self.doc.elements[parent].children.push(Node::Text(id));
    }

    fn current(&self) -> &str {
        &self.doc.elements[*self.stack.last().expect("root")].name
    }

    fn close_top(&mut self, at: usize) {
        if let Some(top) = self.stack.pop() {
            self.doc.elements[top].end = at;
        }
    }

    /// Closes open elements up to and including the nearest `name`, stopping at `scope`.
    fn close_implied(&mut self, names: &[&str], scope: &[&str], at: usize) {
        for depth in (1..self.stack.len()).rev() {
            let name = &self.doc.elements[self.stack[depth]].name;
            if names.contains(&name.as_str()) {
                while self.stack.len() > depth {
                    self.close_top(at);
                }
                return;
            }
            if scope.contains(&name.as_str()) {
                return;
            }
        }
    }

    fn start_tag(&mut self, start: usize) -> usize {
        let src = self.src;
        let bytes = src.as_bytes();
        let ne = name_end(bytes, start + 1);
        let name = src[start + 1..ne].to_ascii_lowercase();
        let mut attrs: Vec<Attr> = Vec::new();
        let mut i = ne;
        let mut self_closing = false;
        loop {
            while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
                self_closing = bytes[i] == b'/';
                i += 1;
            }
            if i >= bytes.len() {
                break;
            }
            if bytes[i] == b'>' {
                i += 1;
                break;
            }
            self_closing = false;
            let name_start = i;
            i += 1; // the first character may be anything but space, '/', '>'
            while i < bytes.len()
                && !bytes[i].is_ascii_whitespace()
                && !matches!(bytes[i], b'/' | b'>' | b'=')
            {
                i += 1;
            }
            let attr_name = src[name_start..i].to_ascii_lowercase();
            let mut j = i;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            let value = if bytes.get(j) == Some(&b'=') {
                j += 1;
                while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                    j += 1;
                }
                match bytes.get(j) {
                    Some(&q @ (b'"' | b'\'')) => {
                        let vs = j + 1;
                        let ve = src[vs..]
                            .find(q as char)
                            .map(|k| vs + k)
                            .unwrap_or(src.len());
                        i = (ve + 1).min(src.len());
                        decode(&src[vs..ve], vs)
                    }
                    _ => {
                        let vs = j;
                        let mut ve = j;
                        while ve < bytes.len()
                            && !bytes[ve].is_ascii_whitespace()
                            && bytes[ve] != b'>'
                        {
                            ve += 1;
                        }
                        i = ve;
                        decode(&src[vs..ve], vs)
                    }
                }
            } else {
                Text {
                    start: i,
                    ..Text::default()
                }
            };
            if !attrs.iter().any(|a| a.name == attr_name) {
                attrs.push(Attr {
                    name: attr_name,
                    value,
                    name_start,
                });
            }
        }
        let tag_end = i;

        // implied end tags
        if CLOSES_P.contains(&name.as_str()) {
            self.close_implied(
                &["p"],
                &["button", "table", "td", "th", "body", "html"],
                start,
            );
        }
        match name.as_str() {
            "li" => self.close_implied(&["li"], &["ul", "ol", "menu"], start),
            "dt" | "dd" => self.close_implied(&["dt", "dd"], &["dl"], start),
            "tr" => self.close_implied(&["tr"], &["table", "tbody", "thead", "tfoot"], start),
            "td" | "th" => self.close_implied(&["td", "th"], &["tr", "table"], start),
            "option" if self.current() == "option" => self.close_top(start),
            _ => {}
        }

        let parent = *self.stack.last().expect("root");
        let id = self.doc.elements.len();
        self.doc.elements.push(Element {
            name: name.clone(),
            attrs,
            start,
            tag_end,
            end: tag_end,
            parent: Some(parent),
            children: Vec::new(),
        });
        self.doc.elements[parent].children.push(Node::Element(id));
        if VOID.contains(&name.as_str()) || (self_closing && !is_html_container(&name)) {
            return tag_end;
        }
        let raw = RAW_TEXT.contains(&name.as_str());
        if raw || ESCAPABLE_RAW.contains(&name.as_str()) {
            // content runs to the matching end tag, whatever it holds
            let close = format!("</{name}");
            let content_end = find_ci(&src[tag_end..], &close)
                .map(|k| tag_end + k)
                .unwrap_or(src.len());
            let end = src[content_end..]
                .find('>')
                .map(|k| content_end + k + 1)
                .unwrap_or(src.len());
            if content_end > tag_end {
                let content = &src[tag_end..content_end];
                let text = if raw {
                    Text {
                        value: content.to_string(),
                        start: tag_end,
                        marks: Vec::new(),
                    }
                } else {
                    decode(content, tag_end)
                };
                self.stack.push(id);
                self.push_text(text);
                self.stack.pop();
            }
            self.doc.elements[id].end = end;
            return end;
        }
        self.stack.push(id);
        tag_end
    }

    fn end_tag(&mut self, name: &str, _start: usize, end: usize) {
        if let Some(depth) = (1..self.stack.len())
            .rev()
            .find(|&d| self.doc.elements[self.stack[d]].name == name)
        {
            while self.stack.len() > depth {
                self.close_top(end);
            }
        }
    }
}

/// Foreign (SVG/MathML) elements may self-close; HTML containers ignore the slash.
fn is_html_container(name: &str) -> bool {
    matches!(
        name,
        "div" | "span" | "p" | "a" | "td" | "th" | "li" | "section" | "table" | "tr" | "body"
    )
}

fn name_end(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !matches!(bytes[i], b'/' | b'>') {
        i += 1;
    }
    i
}

fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let h = hay.as_bytes();
    let n = needle.as_bytes();
    if n.len() > h.len() {
        return None;
    }
    (0..=h.len() - n.len()).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// Decodes character references in `raw` (found at source offset `start`).
pub fn decode(raw: &str, start: usize) -> Text {
    if !raw.contains('&') {
        return Text {
            value: raw.to_string(),
            start,
            marks: Vec::new(),
        };
    }
    let mut value = String::with_capacity(raw.len());
    let mut marks = Vec::new();
    let mut i = 0;
    while let Some(k) = raw[i..].find('&') {
        let amp = i + k;
        value.push_str(&raw[i..amp]);
        match reference(&raw[amp..]) {
            Some((c, len)) => {
                marks.push((value.len(), start + amp));
                value.push(c);
                i = amp + len;
                marks.push((value.len(), start + i));
            }
            None => {
                value.push('&');
                i = amp + 1;
            }
        }
    }
    value.push_str(&raw[i..]);
    Text {
        value,
        start,
        marks,
    }
}

/// A character reference at the start of `s` (`&amp;`, `&#3585;`, `&#x0E01;`): the
/// character and the reference's length.
fn reference(s: &str) -> Option<(char, usize)> {
    let body = &s[1..];
    let semi = body.find(';').filter(|&k| k <= 32)?;
    let name = &body[..semi];
    let c = if let Some(num) = name.strip_prefix('#') {
        let n = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        char::from_u32(n).unwrap_or('\u{FFFD}')
    } else {
        named_reference(name)?
    };
    Some((c, semi + 2))
}

fn named_reference(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{A0}',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "hellip" => '…',
        "mdash" => '—',
        "ndash" => '–',
        "laquo" => '«',
        "raquo" => '»',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "middot" => '·',
        "bull" => '•',
        "euro" => '€',
        "pound" => '£',
        "yen" => '¥',
        "cent" => '¢',
        "times" => '×',
        "divide" => '÷',
        "deg" => '°',
        "plusmn" => '±',
        "sect" => '§',
        "para" => '¶',
        "thinsp" => '\u{2009}',
        "ensp" => '\u{2002}',
        "emsp" => '\u{2003}',
        "zwj" => '\u{200D}',
        "zwnj" => '\u{200C}',
        "shy" => '\u{AD}',
        "larr" => '←',
        "rarr" => '→',
        "uarr" => '↑',
        "darr" => '↓',
        "check" => '✓',
        "star" => '☆',
        "hearts" => '♥',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_offsets_of_elements_attributes_and_text() {
        let src = "<!doctype html><p class=\"a b\" id=x>ราคา &amp; โปร<br><img src='l.svg'></p>";
        let doc = Document::parse(src);
        let p = doc.find("p").unwrap();
        assert_eq!(doc.elements[p].start, src.find("<p").unwrap());
        assert!(doc.elements[p].has_class("b"));
        let id = doc.elements[p].attr("id").unwrap();
        assert_eq!(id.value.as_str(), "x");
        assert_eq!(id.start, src.find("x>").unwrap());
        let img = doc.find("img").unwrap();
        assert_eq!(doc.elements[img].parent, Some(p));
        let t = &doc.texts[0];
        assert_eq!(t.as_str(), "ราคา & โปร");
        let pro = t.find("โปร").unwrap();
        assert_eq!(&src[t.source_offset(pro)..][..9], "โปร");
    }

    #[test]
    fn implied_end_tags_and_raw_text() {
        let doc = Document::parse(
            "<ul><li>a<li>b</ul><p>one<p>two<div>x</div><style>p>a{color:red}</style><!-- c --><script>if(a<b){}</script>",
        );
        let lis: Vec<_> = doc
            .elements
            .iter()
            .filter(|e| e.name == "li")
            .map(|e| e.parent)
            .collect();
        assert_eq!(lis.len(), 2);
        assert_eq!(lis[0], lis[1], "second li is a sibling, not a child");
        let div = doc.find("div").unwrap();
        assert_ne!(doc.elements[doc.elements[div].parent.unwrap()].name, "p");
        let style = doc.find("style").unwrap();
        assert_eq!(doc.elements[style].children.len(), 1);
        assert!(!doc.elements.iter().any(|e| e.name == "a"));
        assert_eq!(doc.comments[0].text, " c ");
        assert!(!doc.elements.iter().any(|e| e.name == "b"));
    }
}
