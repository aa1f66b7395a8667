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
//!
//! Nesting is capped as Blink and WebKit cap it: an element that would open deeper than
//! [`MAX_DEPTH`] becomes a sibling of the deepest open element instead, so a hostile page
//! of 100,000 nested `<div>`s is read in linear time into a tree every rule can walk;
//! [`Document::too_deep`] remembers where, for an `html/too-complex` finding.

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
    /// Offset of the first start tag that opened at [`MAX_DEPTH`] and was made a sibling.
    pub too_deep: Option<usize>,
}

/// Deepest element nesting kept (Blink's and WebKit's HTML parser limit).
pub const MAX_DEPTH: usize = 512;

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
                too_deep: None,
            },
            stack: vec![0],
            open: vec![(0, 0)],
            open_classes: [0; 16],
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
    /// Open elements, the synthetic root first.
    stack: Vec<usize>,
    /// For each open element, its [`class_of`] bits and a hash of its name: searches
    /// of the stack compare integers, not strings.
    open: Vec<(u16, u64)>,
    /// How many open elements have each class bit (so a search for an open `p` when
    /// there is none costs nothing).
    open_classes: [u32; 16],
}

// Element classes for the stack searches of implied end tags.
const P: u16 = 1;
const LI: u16 = 1 << 1;
const DT_DD: u16 = 1 << 2;
const TR: u16 = 1 << 3;
const TD_TH: u16 = 1 << 4;
/// Scopes that stop the search for an open `p`.
const SCOPE_P: u16 = 1 << 5;
const SCOPE_LI: u16 = 1 << 6;
const SCOPE_DL: u16 = 1 << 7;
const SCOPE_TR: u16 = 1 << 8;
const SCOPE_TD: u16 = 1 << 9;

fn class_of(name: &str) -> u16 {
    match name {
        "p" => P,
        "li" => LI,
        "dt" | "dd" => DT_DD,
        "tr" => TR | SCOPE_TD,
        "td" | "th" => TD_TH | SCOPE_P,
        "button" | "body" | "html" => SCOPE_P,
        "table" => SCOPE_P | SCOPE_TR | SCOPE_TD,
        "ul" | "ol" | "menu" => SCOPE_LI,
        "dl" => SCOPE_DL,
        "tbody" | "thead" | "tfoot" => SCOPE_TR,
        _ => 0,
    }
}

fn name_hash(name: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    name.hash(&mut h);
    h.finish()
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
                let (content_end, end) = comment_end(src, i);
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

    fn push_open(&mut self, id: usize) {
        let name = &self.doc.elements[id].name;
        let (class, hash) = (class_of(name), name_hash(name));
        self.count_classes(class, true);
        self.open.push((class, hash));
        self.stack.push(id);
    }

    fn pop_open(&mut self) -> Option<usize> {
        if self.stack.len() <= 1 {
            return None;
        }
        if let Some((class, _)) = self.open.pop() {
            self.count_classes(class, false);
        }
        self.stack.pop()
    }

    fn count_classes(&mut self, class: u16, open: bool) {
        for (bit, count) in self.open_classes.iter_mut().enumerate() {
            if class & (1 << bit) != 0 {
                *count = if open {
                    *count + 1
                } else {
                    count.saturating_sub(1)
                };
            }
        }
    }

    fn close_top(&mut self, at: usize) {
        if let Some(top) = self.pop_open() {
            self.doc.elements[top].end = at;
        }
    }

    /// Closes open elements up to and including the nearest of class `names`, stopping
    /// at one of class `scope`.
    fn close_implied(&mut self, names: u16, scope: u16, at: usize) {
        let any_open = (0..16).any(|bit| names & (1 << bit) != 0 && self.open_classes[bit] > 0);
        if !any_open {
            return;
        }
        for depth in (1..self.stack.len()).rev() {
            let class = self.open[depth].0;
            if class & names != 0 {
                while self.stack.len() > depth {
                    self.close_top(at);
                }
                return;
            }
            if class & scope != 0 {
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
        let mut seen: Option<std::collections::HashSet<String>> = None;
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
            // the first of duplicate attributes wins (a set once there are many, so a
            // tag with 100,000 attributes is not quadratic)
            let duplicate = if attrs.len() < 16 {
                attrs.iter().any(|a| a.name == attr_name)
            } else {
                let names =
                    seen.get_or_insert_with(|| attrs.iter().map(|a| a.name.clone()).collect());
                !names.insert(attr_name.clone())
            };
            if !duplicate {
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
            self.close_implied(P, SCOPE_P, start);
        }
        match name.as_str() {
            "li" => self.close_implied(LI, SCOPE_LI, start),
            "dt" | "dd" => self.close_implied(DT_DD, SCOPE_DL, start),
            "tr" => self.close_implied(TR, SCOPE_TR, start),
            "td" | "th" => self.close_implied(TD_TH, SCOPE_TD, start),
            "option" if self.current() == "option" => self.close_top(start),
            _ => {}
        }

        let leaf = VOID.contains(&name.as_str()) || (self_closing && !is_html_container(&name));
        if !leaf && self.stack.len() > MAX_DEPTH {
            // the stack holds the synthetic root too: MAX_DEPTH elements are open
            self.close_top(start);
            self.doc.too_deep.get_or_insert(start);
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
        if leaf {
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
                self.push_open(id);
                self.push_text(text);
                self.pop_open();
            }
            self.doc.elements[id].end = end;
            return end;
        }
        self.push_open(id);
        tag_end
    }

    fn end_tag(&mut self, name: &str, _start: usize, end: usize) {
        let hash = name_hash(name);
        if let Some(depth) = (1..self.stack.len())
            .rev()
            .find(|&d| self.open[d].1 == hash && self.doc.elements[self.stack[d]].name == name)
        {
            while self.stack.len() > depth {
                self.close_top(end);
            }
        }
    }
}

/// Where the comment starting at `start` (`<!--`) ends: the end of its content and the
/// end of the comment. As browsers read them, `<!-->` and `<!--->` are whole, empty
/// comments; an unclosed comment runs to the end of the file.
pub fn comment_end(src: &str, start: usize) -> (usize, usize) {
    let body = start + 4;
    let rest = &src[body..];
    if rest.starts_with('>') {
        return (body, body + 1);
    }
    if rest.starts_with("->") {
        return (body, body + 2);
    }
    match rest.find("-->") {
        Some(k) => (body + k, body + k + 3),
        None => (src.len(), src.len()),
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
    // look no further than the longest reference (not to the end of the text, which is
    // quadratic on a text of `&`s)
    let semi = body.bytes().take(33).position(|b| b == b';')?;
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

    #[test]
    fn nesting_is_capped_like_browsers_and_linear() {
        let n = 100_000;
        let src = format!("{}<p>ลึกมาก</p>{}", "<div>".repeat(n), "</div>".repeat(n));
        let started = std::time::Instant::now();
        let doc = Document::parse(&src);
        assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
        assert_eq!(doc.too_deep, Some(MAX_DEPTH * "<div>".len()));
        let depth = |i: usize| doc.ancestors(i).count();
        assert!((1..doc.elements.len()).all(|i| depth(i) < MAX_DEPTH));
        // nothing is lost: every element and the text are there
        assert_eq!(doc.elements.len(), n + 2);
        assert_eq!(doc.texts[0].as_str(), "ลึกมาก");
        // a shallow page is untouched
        assert_eq!(Document::parse("<div><p>x</p></div>").too_deep, None);
    }

    #[test]
    fn abrupt_comments_end_where_browsers_end_them() {
        for (src, text) in [("<!-->x", ""), ("<!--->x", ""), ("<!-- a -->x", " a ")] {
            let doc = Document::parse(src);
            assert_eq!(doc.comments[0].text, text, "{src}");
            assert_eq!(doc.texts[0].as_str(), "x", "{src}");
        }
        assert_eq!(comment_end("<!--", 0), (4, 4), "unclosed: to the end");
    }

    #[test]
    fn hostile_tags_and_references_are_linear() {
        // 100,000 attributes on one tag, a text of 300,000 `&`s
        let attrs: String = (0..100_000).map(|i| format!(" a{i}=x")).collect();
        let src = format!("<p{attrs} a5=dup>{}</p>", "&".repeat(300_000));
        let started = std::time::Instant::now();
        let doc = Document::parse(&src);
        assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
        let p = doc.find("p").unwrap();
        assert_eq!(doc.elements[p].attrs.len(), 100_000, "the first a5 wins");
        assert_eq!(doc.texts[0].len(), 300_000);
    }
}
