//! Lint rules for Markdown sources: the tone rules on the visible text of the body, the
//! title and the summary (and their per-channel overrides) of our pieces, and the text
//! fields of other tools' front matter (see [`front_matter`]), located in the `.md` file;
//! `<!-- brandpress-ignore rule/id: reason -->` ignores apply to the next line.
//!
//! Not prose, so never checked: front matter itself, code blocks (fenced and indented),
//! HTML (comments included). Inline code is checked for terms, but a `!` in it is no
//! exclamation mark; an image's alt text is a text of its own; the `!` of `![alt](src)`
//! is syntax. (The tone rules themselves never count the `!` of CSS's `!important`.)

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::content;
use crate::lint::html::LineIndex;
use crate::lint::html::parse::comment_end;
use crate::lint::rules::{
    TONE_BRAND_SPELLING as BRAND_SPELLING, TONE_PREFERRED_TERM as PREFERRED_TERM,
};
use crate::lint::{Finding, LintContext, Location, ignore};

/// Text to check, with the source offset of each run of its bytes: `(offset in text,
/// offset in file)` pairs, sorted; bytes between two runs follow the first one.
type Chunk = (String, Vec<(usize, usize)>);

/// Lints one Markdown source.
pub fn lint(ctx: &LintContext, path: &Path, bytes: &[u8]) -> Vec<Finding> {
    let text = String::from_utf8_lossy(bytes);
    let text: &str = &text;
    let lines = LineIndex::new(text);
    let loc = |offset: usize| {
        let (l, c) = lines.line_col(text, offset);
        Location::at(path, l, c)
    };
    let mut out = Vec::new();
    let (mut chunks, body_start) = front_matter(text);

    let body = &text[body_start..];
    let mut current: Chunk = Default::default();
    // the alt text of an image: a text of its own, as HTML lint reads `alt`
    let mut alt: Chunk = Default::default();
    let mut in_image = 0usize;
    let mut in_code_block = false;
    let mut ignores = Vec::new();
    let flush = |c: &mut Chunk, chunks: &mut Vec<_>| {
        if !c.0.trim().is_empty() {
            chunks.push(std::mem::take(c));
        } else {
            *c = Default::default();
        }
    };
    for (event, range) in Parser::new_ext(body, Options::ENABLE_STRIKETHROUGH).into_offset_iter() {
        let into = if in_image > 0 { &mut alt } else { &mut current };
        match event {
            // code blocks are not prose: none of their text reaches the tone rules
            Event::Text(_) if in_code_block => {}
            Event::Text(ref t) | Event::Code(ref t) => {
                let code = matches!(event, Event::Code(_));
                let at = body[range.clone()]
                    .find(t.as_ref())
                    .map(|k| range.start + k)
                    .unwrap_or(range.start);
                into.1.push((into.0.len(), body_start + at));
                if code {
                    // `!important`, `a != b`: a `!` in code is no exclamation mark (same
                    // byte length, so the runs still map the text)
                    into.0.push_str(&t.replace('!', "_").replace('！', "＿"));
                } else {
                    into.0.push_str(t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                into.1.push((into.0.len(), body_start + range.start));
                into.0.push(' ');
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                comments(
                    ctx,
                    &h,
                    body_start + range.start,
                    text,
                    &lines,
                    path,
                    &mut ignores,
                    &mut out,
                );
            }
            Event::Start(Tag::Image { .. }) => in_image += 1,
            Event::End(TagEnd::Image) => {
                in_image = in_image.saturating_sub(1);
                if in_image == 0 {
                    flush(&mut alt, &mut chunks);
                }
            }
            Event::Start(Tag::CodeBlock(_)) => {
                flush(&mut current, &mut chunks);
                in_code_block = true;
            }
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            Event::Start(Tag::Paragraph | Tag::Heading { .. } | Tag::Item | Tag::TableCell)
            | Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell,
            ) => flush(&mut current, &mut chunks),
            _ => {}
        }
    }
    flush(&mut current, &mut chunks);
    flush(&mut alt, &mut chunks);

    let rules = ctx.tone(None);
    // only files read as they are get edits (offsets into the lossy copy of a file that is
    // not UTF-8 are not offsets into the file)
    let utf8 = std::str::from_utf8(bytes).is_ok();
    for (chunk, runs) in chunks {
        for hit in rules.check(&chunk) {
            let offset = map(&runs, hit.range.clone());
            let edit = if utf8
                && (hit.rule.id == PREFERRED_TERM.id || hit.rule.id == BRAND_SPELLING.id)
                && let Some(replacement) = &hit.expected
            {
                verbatim_edit(path, text, &chunk, &runs, hit.range.clone(), replacement)
            } else {
                None
            };
            let mut f = Finding::new(hit.rule, loc(offset), hit.message);
            f.edit = edit;
            f.expected = hit.expected;
            f.found = hit
                .found
                .or_else(|| chunk.get(hit.range.clone()).map(str::to_string));
            f.fix = hit.fix;
            out.push(f);
        }
    }
    ignore::apply(&mut out, path, &ignores);
    out
}

/// The texts of the front matter to check and the byte offset of the body.
///
/// - `+++` TOML front matter ([`content::split`]): read with the content's own schema
///   first (title, summary, CTA text and their overrides are checked). Front matter that
///   is not a valid piece — Hugo's, a piece with a typo — has its top-level string
///   [`TEXT_FIELDS`] checked; TOML that does not parse has none. `brandpress build`
///   reports why a piece's front matter is invalid.
/// - `---` YAML front matter (Jekyll, Hugo, Astro, Docusaurus): a first line `---`, closed
///   by a line `---` or `...` (as Jekyll reads it); its top-level text fields are read by
///   [`yaml_fields`].
/// - Front matter never reaches the tone rules as prose. Unclosed front matter — a `+++`
///   line that no `+++` closes, or a `---` line followed by a `key:` line that no `---`
///   closes — has no end, so nothing of the file is checked: lint cannot tell where a
///   body would start (`brandpress build` reports an unclosed `+++` of a piece as
///   "front matter is not closed"). A first `---` line followed by anything else, and
///   never closed, is a thematic break: the whole file is the body.
fn front_matter(text: &str) -> (Vec<Chunk>, usize) {
    match content::split(text) {
        content::Split::Front {
            toml,
            offset,
            body_offset,
        } => (toml_fields(toml, offset), body_offset),
        content::Split::Unclosed { .. } => (Vec::new(), text.len()),
        content::Split::None { body_offset } => match split_yaml(text, body_offset) {
            YamlSplit::Front {
                yaml,
                offset,
                body_offset,
            } => (yaml_fields(yaml, offset), body_offset),
            YamlSplit::Unclosed => (Vec::new(), text.len()),
            YamlSplit::None => (Vec::new(), body_offset),
        },
    }
}

/// The text fields of foreign front matter (Hugo, Jekyll, Astro, Docusaurus…) that the
/// tone rules check, when their values are strings; other keys are skipped. Keys compare
/// ignoring ASCII case (Hugo's do).
pub const TEXT_FIELDS: &[&str] = &["title", "description", "summary", "excerpt", "subtitle"];

fn is_text_field(key: &str) -> bool {
    TEXT_FIELDS.iter().any(|f| f.eq_ignore_ascii_case(key))
}

/// The texts of `+++` front matter `fm`, which starts at byte `fm_start` of the file.
fn toml_fields(fm: &str, fm_start: usize) -> Vec<Chunk> {
    let mut values: Vec<(String, Range<usize>)> = Vec::new();
    if let Ok(parsed) = toml::from_str::<content::FrontMatter>(fm) {
        let mut own = vec![Some(parsed.title), Some(parsed.summary)];
        own.push(parsed.cta.map(|c| c.text));
        for o in parsed.overrides.into_values() {
            own.extend([o.title, o.summary, o.cta_text]);
        }
        for v in own.into_iter().flatten() {
            let span = v.span();
            values.push((v.into_inner(), span));
        }
    } else if let Ok(table) = toml::from_str::<BTreeMap<String, toml::Spanned<toml::Value>>>(fm) {
        // top-level keys only: `[params] description = …` is a table here
        for (key, v) in table {
            let span = v.span();
            if is_text_field(&key)
                && let toml::Value::String(s) = v.into_inner()
            {
                values.push((s, span));
            }
        }
    }
    values.sort_by_key(|(_, span)| span.start);
    values
        .into_iter()
        .map(|(value, span)| {
            // locate the value's text inside its (quoted) source; escapes fall back to
            // the start of the value
            let at = fm[span.clone()].find(value.as_str()).unwrap_or(0);
            (value, vec![(0, fm_start + span.start + at)])
        })
        .collect()
}

/// Where a text's `---` front matter is (after the byte-order mark, at `start`).
#[derive(Debug, PartialEq)]
enum YamlSplit<'a> {
    Front {
        yaml: &'a str,
        offset: usize,
        body_offset: usize,
    },
    /// A `---` line, then a `key:` line, and no closing line.
    Unclosed,
    None,
}

fn split_yaml(text: &str, start: usize) -> YamlSplit<'_> {
    let rest = &text[start..];
    let Some(first_end) = rest.find('\n') else {
        return YamlSplit::None;
    };
    if rest[..first_end].trim_end() != "---" {
        return YamlSplit::None;
    }
    let fm_start = start + first_end + 1;
    // YAML front matter opens with a `key:` line (after blank and comment lines); a
    // first `---` followed by anything else is a thematic break (slides, a rule on top)
    let yamlish = |block: &str| {
        block
            .lines()
            .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .is_none_or(|l| key_line(l).is_some())
    };
    let mut offset = fm_start;
    for line in text[fm_start..].split_inclusive('\n') {
        let l = line.trim_end();
        if l == "---" || l == "..." {
            let yaml = &text[fm_start..offset];
            if !yamlish(yaml) {
                return YamlSplit::None;
            }
            return YamlSplit::Front {
                yaml,
                offset: fm_start,
                body_offset: offset + line.len(),
            };
        }
        offset += line.len();
    }
    let rest = &text[fm_start..];
    if rest.trim().is_empty() || !yamlish(rest) {
        YamlSplit::None
    } else {
        YamlSplit::Unclosed
    }
}

/// A chunk under construction, keeping its runs contiguous where the source is.
#[derive(Default)]
struct Builder {
    chunk: Chunk,
}

impl Builder {
    /// Appends `s`, which is the source text at file offset `at`.
    fn push(&mut self, s: &str, at: usize) {
        if s.is_empty() {
            return;
        }
        let (text, runs) = &mut self.chunk;
        let follows = runs
            .last()
            .is_some_and(|&(o, f)| f + (text.len() - o) == at);
        if !follows {
            runs.push((text.len(), at));
        }
        text.push_str(s);
    }

    /// Appends `c`, which stands for the source text at file offset `at` (a line break,
    /// an escape).
    fn push_char(&mut self, c: char, at: usize) {
        let (text, runs) = &mut self.chunk;
        runs.push((text.len(), at));
        text.push(c);
    }

    fn trim_end(&mut self) {
        let (text, runs) = &mut self.chunk;
        let len = text.trim_end_matches([' ', '\t']).len();
        text.truncate(len);
        while runs.last().is_some_and(|&(o, _)| o >= len && o > 0) {
            runs.pop();
        }
    }

    fn finish(self) -> Option<Chunk> {
        (!self.chunk.0.trim().is_empty()).then_some(self.chunk)
    }
}

/// `key` and the offset of its value in a top-level `key: value` line (no indentation);
/// quoted keys are unquoted. `None` for anything else (comments, sequence entries `- x`,
/// `? complex keys`, flow collections, document markers).
fn key_line(line: &str) -> Option<(&str, usize)> {
    let first = line.chars().next()?;
    if first.is_whitespace() || "#-?[]{},&*!|>%@`".contains(first) {
        return None;
    }
    let (key, after) = if first == '"' || first == '\'' {
        let close = line[1..].find(first)? + 1;
        (&line[1..close], close + 1)
    } else {
        let colon = line
            .match_indices(':')
            .map(|(i, _)| i)
            .find(|&i| line[i + 1..].is_empty() || line[i + 1..].starts_with([' ', '\t']))?;
        (line[..colon].trim_end(), colon)
    };
    let rest = &line[after..];
    if !rest.starts_with(':') || !(rest.len() == 1 || rest[1..].starts_with([' ', '\t'])) {
        return None;
    }
    let value = after + 1 + (rest[1..].len() - rest[1..].trim_start().len());
    Some((key, value))
}

/// Whether a plain YAML scalar reads as something other than a string: null, a boolean
/// (YAML 1.1's `yes`/`no`/`on`/`off` too, as Jekyll's parser reads them), a number, a
/// date.
fn non_string_plain(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "" | "~" | "null" | "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n"
    ) || matches!(lower.as_str(), ".inf" | "-.inf" | "+.inf" | ".nan")
    {
        return true;
    }
    let digits = lower.replace('_', "");
    if (digits.contains(|c: char| c.is_ascii_digit()) && digits.parse::<f64>().is_ok())
        || ["0x", "0o", "0b"].iter().any(|p| {
            digits
                .strip_prefix(p)
                .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_hexdigit()))
        })
    {
        return true;
    }
    // 2024-01-14, 2024-01-14T07:07:07+01:00, 2013-05-06 02:12:52 +0200
    let b = s.as_bytes();
    b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit)
        && s[10..]
            .chars()
            .all(|c| c.is_ascii_digit() || " T:+-.Z".contains(c))
}

/// The string values of the top-level [`TEXT_FIELDS`] of `---` front matter `yaml`,
/// which starts at byte `base` of the file, each mapped to its place in the file.
///
/// A line-based reader, not a YAML parser. It reads top-level `key: value` lines (key at
/// the start of the line, plain or quoted) whose value is
/// - a plain scalar, on the key's line and on more-indented lines after it (joined with
///   spaces; a ` #` comment ends it), unless it reads as null, a boolean, a number or a
///   date;
/// - a `"double-quoted"` (escapes decoded) or `'single-quoted'` scalar, over one or more
///   lines (line breaks fold to spaces);
/// - a `|` literal or `>` folded block scalar (chomping and indentation indicators
///   accepted): `|` keeps its line breaks (each line ends a sentence), `>` folds lines
///   into spaces.
///
/// It does not understand, and skips (never reading them as prose): nested mappings
/// (`params:` then `  description: …`), sequences and flow collections (`tags: [a, b]`,
/// `- a`), anchors, aliases and tags (`&a`, `*a`, `!!str`), complex keys (`? …`),
/// several documents, a quoted value that starts on the line after its key, a plain
/// value after a comment (`title: # c`), tab-indented block scalar lines. It does not
/// validate: duplicate keys are each checked, and a quoted value runs to its closing
/// quote (`None` if the key's line and the indented lines after it have none).
fn yaml_fields(yaml: &str, base: usize) -> Vec<Chunk> {
    // (offset in yaml, line without its line break)
    let lines: Vec<(usize, &str)> = {
        let mut at = 0;
        yaml.split_inclusive('\n')
            .map(|l| {
                let start = at;
                at += l.len();
                (start, l.trim_end_matches(['\n', '\r']))
            })
            .collect()
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let (start, line) = lines[i];
        i += 1;
        let Some((key, v)) = key_line(line) else {
            continue;
        };
        if !is_text_field(key) {
            continue;
        }
        let value = &line[v..];
        let at = base + start + v;
        let chunk = match value.chars().next() {
            Some('"' | '\'') => quoted(yaml, start + v, base),
            Some('|' | '>') => {
                let (chunk, next) = block_scalar(value, &lines[i..], base);
                i += next;
                chunk
            }
            Some('[' | '{' | '&' | '*' | '!' | '%' | '@' | '`' | '#') => None,
            _ => {
                let (chunk, next) = plain(value, at, &lines[i..], base);
                i += next;
                chunk
            }
        };
        out.extend(chunk);
    }
    out
}

/// The number of lines after a key's line that belong to its value: indented or blank
/// lines (trailing blank lines excluded).
fn continuation(lines: &[(usize, &str)]) -> usize {
    let n = lines
        .iter()
        .take_while(|(_, l)| l.trim().is_empty() || l.starts_with([' ', '\t']))
        .count();
    lines[..n]
        .iter()
        .rposition(|(_, l)| !l.trim().is_empty())
        .map_or(0, |k| k + 1)
}

/// A plain scalar starting with `first` (at file offset `at`) and going on over the
/// indented `lines` after it. Returns the text and the number of lines it took.
fn plain(first: &str, at: usize, lines: &[(usize, &str)], base: usize) -> (Option<Chunk>, usize) {
    let n = continuation(lines);
    let comment = |s: &str| {
        s.match_indices('#')
            .find(|&(k, _)| k == 0 || s[..k].ends_with([' ', '\t']))
            .map(|(k, _)| k)
    };
    let mut b = Builder::default();
    let mut ended = false;
    let first_part = match comment(first) {
        Some(k) => {
            ended = true;
            &first[..k]
        }
        None => first,
    };
    b.push(first_part.trim_end(), at);
    // a value on the next lines that is a sequence or a mapping is not a scalar
    let next = lines[..n].iter().find(|(_, l)| !l.trim().is_empty());
    if first_part.trim().is_empty()
        && next.is_some_and(|(_, l)| {
            let t = l.trim_start();
            t.starts_with("- ") || t == "-" || key_line(t).is_some()
        })
    {
        return (None, n);
    }
    let mut blank = false;
    for &(start, line) in &lines[..n] {
        if ended {
            break;
        }
        let t = line.trim_start();
        if t.is_empty() {
            blank = true;
            continue;
        }
        let indent = line.len() - t.len();
        let part = match comment(t) {
            Some(k) => {
                ended = true;
                t[..k].trim_end()
            }
            None => t.trim_end(),
        };
        if part.is_empty() {
            continue;
        }
        if !b.chunk.0.is_empty() {
            b.push_char(if blank { '\n' } else { ' ' }, base + start);
        }
        blank = false;
        b.push(part, base + start + indent);
    }
    if non_string_plain(b.chunk.0.trim()) {
        return (None, n);
    }
    (b.finish(), n)
}

/// A quoted scalar whose opening quote is at `open` in `yaml` (at `base` in the file),
/// over its line and the indented or blank lines after it; `None` if no quote closes it
/// there.
fn quoted(yaml: &str, open: usize, base: usize) -> Option<Chunk> {
    let q = yaml[open..].chars().next()?;
    let line_end = yaml[open..].find('\n').map_or(yaml.len(), |k| open + k + 1);
    let mut limit = line_end;
    for line in yaml[line_end..].split_inclusive('\n') {
        if !(line.trim().is_empty() || line.starts_with([' ', '\t'])) {
            break;
        }
        limit += line.len();
    }
    let mut b = Builder::default();
    let mut it = yaml[open + 1..limit]
        .char_indices()
        .map(|(k, c)| (open + 1 + k, c))
        .peekable();
    while let Some((k, c)) = it.next() {
        match c {
            '\'' if q == '\'' => {
                if it.peek().is_some_and(|&(_, n)| n == '\'') {
                    it.next();
                    b.push_char('\'', base + k);
                } else {
                    return b.finish();
                }
            }
            '"' if q == '"' => return b.finish(),
            '\\' if q == '"' => {
                let (_, e) = it.next()?;
                let decoded = match e {
                    'n' => Some('\n'),
                    't' | '\t' => Some('\t'),
                    '0' => Some('\0'),
                    'a' => Some('\u{7}'),
                    'b' => Some('\u{8}'),
                    'e' => Some('\u{1b}'),
                    'f' => Some('\u{c}'),
                    'r' => Some('\r'),
                    'v' => Some('\u{b}'),
                    'N' => Some('\u{85}'),
                    '_' => Some('\u{a0}'),
                    'L' => Some('\u{2028}'),
                    'P' => Some('\u{2029}'),
                    'x' | 'u' | 'U' => {
                        let len = match e {
                            'x' => 2,
                            'u' => 4,
                            _ => 8,
                        };
                        let mut hex = String::new();
                        for _ in 0..len {
                            hex.push(it.next()?.1);
                        }
                        u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32)
                    }
                    '\r' | '\n' => {
                        // an escaped line break joins the lines without a space
                        if e == '\r' && it.peek().is_some_and(|&(_, n)| n == '\n') {
                            it.next();
                        }
                        while it.peek().is_some_and(|&(_, n)| n == ' ' || n == '\t') {
                            it.next();
                        }
                        None
                    }
                    other => Some(other), // \" \\ \/ \  and unknown escapes
                };
                if let Some(d) = decoded {
                    b.push_char(d, base + k);
                }
            }
            '\r' | '\n' => {
                // line folding: trailing and leading blanks go, one break is a space,
                // each further (empty) line a line break
                b.trim_end();
                let mut breaks = 0;
                let mut c = c;
                loop {
                    if c == '\n' {
                        breaks += 1;
                    }
                    match it.peek() {
                        Some(&(_, ch)) if matches!(ch, ' ' | '\t' | '\r' | '\n') => {
                            c = ch;
                            it.next();
                        }
                        _ => break,
                    }
                }
                if breaks <= 1 {
                    b.push_char(' ', base + k);
                } else {
                    for _ in 1..breaks {
                        b.push_char('\n', base + k);
                    }
                }
            }
            _ => {
                let s = &yaml[k..k + c.len_utf8()];
                b.push(s, base + k);
            }
        }
    }
    None
}

/// A block scalar with header `header` (`|`, `>-`, `|2`…), its content the `lines` after
/// it. Returns the text and the number of lines it took.
fn block_scalar(header: &str, lines: &[(usize, &str)], base: usize) -> (Option<Chunk>, usize) {
    let folded = header.starts_with('>');
    let indicators = header[1..].split([' ', '\t']).next().unwrap_or("");
    let ok = indicators
        .chars()
        .all(|c| matches!(c, '+' | '-' | '1'..='9'))
        && header[1 + indicators.len()..]
            .trim_start()
            .chars()
            .next()
            .is_none_or(|c| c == '#');
    let n = continuation(lines);
    if !ok {
        return (None, n);
    }
    let explicit = indicators
        .chars()
        .find(|c| c.is_ascii_digit())
        .and_then(|c| c.to_digit(10))
        .map(|d| d as usize);
    let indent = explicit.or_else(|| {
        lines[..n]
            .iter()
            .find(|(_, l)| !l.trim().is_empty())
            .map(|(_, l)| l.len() - l.trim_start_matches(' ').len())
    });
    let Some(indent) = indent.filter(|&i| i > 0) else {
        return (None, n);
    };
    let mut b = Builder::default();
    let mut pending_breaks = 0;
    let mut prev_more_indented = false;
    for &(start, line) in &lines[..n] {
        if line.trim().is_empty() {
            pending_breaks += 1;
            continue;
        }
        let lead = line.len() - line.trim_start_matches(' ').len();
        if lead < indent {
            break; // less indented than the block: invalid YAML, stop reading
        }
        let content = &line[indent..];
        let more_indented = content.starts_with([' ', '\t']);
        if !b.chunk.0.is_empty() {
            let at = base + start;
            if folded && pending_breaks == 0 && !more_indented && !prev_more_indented {
                b.push_char(' ', at);
            } else {
                let breaks = if folded && !more_indented && !prev_more_indented {
                    pending_breaks
                } else {
                    pending_breaks + 1
                };
                for _ in 0..breaks {
                    b.push_char('\n', at);
                }
            }
        }
        pending_breaks = 0;
        prev_more_indented = more_indented;
        b.push(content, base + start + indent);
    }
    (b.finish(), n)
}

/// The edit replacing `range` of `chunk` by `replacement` in the file, when the range is
/// the file's own bytes, verbatim (one run of text: not across a line break pulldown
/// joined, an escape or front-matter quoting), and the replacement is plain words that
/// need no escaping in Markdown, TOML or YAML.
fn verbatim_edit(
    path: &Path,
    text: &str,
    chunk: &str,
    runs: &[(usize, usize)],
    range: Range<usize>,
    replacement: &str,
) -> Option<crate::lint::Edit> {
    const SYNTAX: &[char] = &[
        '\\', '"', '\'', '`', '*', '_', '[', ']', '<', '>', '#', '|', '\n', '\r', '&', '!',
    ];
    let found = chunk.get(range.clone())?;
    if range.is_empty() || found == replacement || replacement.contains(SYNTAX) {
        return None;
    }
    let start = map(runs, range.clone());
    let last = chunk[..range.end].char_indices().next_back()?.0;
    let end = map(runs, last..range.end) + (range.end - last);
    (text.get(start..end)? == found).then(|| crate::lint::Edit {
        path: path.to_path_buf(),
        start,
        end,
        replacement: replacement.to_string(),
    })
}

fn map(runs: &[(usize, usize)], range: Range<usize>) -> usize {
    let k = runs.partition_point(|(o, _)| *o <= range.start);
    match k.checked_sub(1) {
        Some(k) => runs[k].1 + (range.start - runs[k].0),
        None => runs.first().map(|r| r.1).unwrap_or(0),
    }
}

/// Ignore directives in an HTML block or inline HTML at `base`.
#[allow(clippy::too_many_arguments)]
fn comments(
    ctx: &LintContext,
    html: &str,
    base: usize,
    text: &str,
    lines: &LineIndex,
    path: &Path,
    ignores: &mut Vec<ignore::Ignore>,
    out: &mut Vec<Finding>,
) {
    let mut from = 0;
    while let Some(k) = html[from..].find("<!--") {
        let start = from + k;
        // `<!-->` and `<!--->` are whole (empty) comments, as in HTML
        let (content_end, end) = comment_end(html, start);
        if let Some(d) = ignore::parse(&html[start + 4..content_end]) {
            let (first, col) = lines.line_col(text, base + start);
            let last = lines.line(text, base + content_end) + 1;
            ignore::admit(
                ctx,
                d,
                Location::at(path, first, col),
                Some((first, last)),
                ignores,
                out,
            );
        }
        from = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_and_body_split() {
        let md = "+++\ntitle = \"กาแฟ\"\n+++\n# Hi\n";
        let content::Split::Front {
            toml, body_offset, ..
        } = content::split(md)
        else {
            panic!("front matter not found");
        };
        assert_eq!(toml, "title = \"กาแฟ\"\n");
        assert_eq!(&md[body_offset..], "# Hi\n");
        assert_eq!(
            content::split("# no front matter"),
            content::Split::None { body_offset: 0 }
        );
        assert_eq!(
            content::split("+++\ntitle = 1\n"),
            content::Split::Unclosed { opened: 0 }
        );
    }

    /// The CTA text is checked too, at its place in the front matter.
    #[test]
    fn cta_text_is_checked_where_it_is_written() {
        let md = "+++\ntitle = \"กาแฟ\"\nsummary = \"สรุป\"\n[cta]\ntext = \"ซื้อด่วน\"\nurl = \"https://tonkla.example\"\n+++\nเนื้อหา\n";
        let f = lint_md(md);
        let hit = f
            .iter()
            .find(|f| f.rule == "tone/preferred-term")
            .expect("ซื้อด่วน in the CTA is found");
        assert_eq!((hit.location.line, hit.location.column), (Some(5), Some(9)));
    }

    /// The texts of `---` front matter (between the first two lines `---`), with the
    /// file line and column each text starts at.
    fn yaml_texts(md: &str) -> Vec<(String, (usize, usize))> {
        let YamlSplit::Front { yaml, offset, .. } = split_yaml(md, 0) else {
            panic!("no front matter in {md:?}");
        };
        let lines = LineIndex::new(md);
        yaml_fields(yaml, offset)
            .into_iter()
            .map(|(t, runs)| (t, lines.line_col(md, runs[0].1)))
            .collect()
    }

    #[test]
    fn yaml_scalars_are_read_with_their_places() {
        let md = "---\n\
            title: Plain  value # a comment\n\
            description: \"Double \\\"quoted\\\" \\u0E01\\x21\\\n  \\ end\"\n\
            summary: 'It''s\n  folded\n\n  twice'\n\
            excerpt: >-\n  folded\n  lines\n\n  para\n    more\n  back\n\
            subtitle: |2 # kept\n   literal\n  lines\n\
            Title: plain\n  over lines\n  # a comment line ends it\n\
            title:\n  next line\n\
            ---\nbody\n";
        let texts = yaml_texts(md);
        let strings: Vec<&str> = texts.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(
            strings,
            [
                "Plain  value",
                "Double \"quoted\" ก! end",
                "It's folded\ntwice",
                "folded lines\npara\n  more\nback",
                " literal\nlines",
                "plain over lines",
                "next line",
            ]
        );
        let places: Vec<(usize, usize)> = texts.iter().map(|(_, p)| *p).collect();
        assert_eq!(
            places,
            [(2, 8), (3, 15), (5, 11), (10, 3), (17, 3), (19, 8), (23, 3)]
        );
    }

    #[test]
    fn yaml_non_text_values_are_skipped() {
        let md = "---\n\
            title: 2024\n\
            summary: true\n\
            excerpt: ~\n\
            description: 2013-05-06 02:12:52 +0200\n\
            subtitle: [ถูกที่สุด, cheapest]\n\
            title: &anchor cheapest\n\
            title: !!str cheapest\n\
            title:\n  - cheapest\n\
            title:\n  nested: cheapest\n\
            description: \"never closed\n\
            tags: x\n\
            params:\n  title: cheapest\n\
            - title: cheapest\n\
            # title: cheapest\n\
            title: Infinity\n\
            title : spaced key\n\
            ---\n";
        let texts: Vec<String> = yaml_texts(md).into_iter().map(|(t, _)| t).collect();
        assert_eq!(texts, ["Infinity", "spaced key"]);
    }

    #[test]
    fn yaml_front_matter_is_found_like_jekyll() {
        assert_eq!(
            split_yaml("---\na: 1\n...\nbody", 0),
            YamlSplit::Front {
                yaml: "a: 1\n",
                offset: 4,
                body_offset: 13
            }
        );
        assert_eq!(
            split_yaml("--- \r\n---\r\n", 0),
            YamlSplit::Front {
                yaml: "",
                offset: 6,
                body_offset: 11
            }
        );
        assert_eq!(
            split_yaml("---\n\n# a: 1\ntitle: x\n", 0),
            YamlSplit::Unclosed
        );
        assert_eq!(split_yaml("---\nJust a rule above.\n", 0), YamlSplit::None);
        assert_eq!(
            split_yaml("---\n# Slide 1\n\nText\n---\n# Slide 2\n", 0),
            YamlSplit::None
        );
        assert_eq!(split_yaml("---\n", 0), YamlSplit::None);
        assert_eq!(split_yaml("----\na: 1\n---\n", 0), YamlSplit::None);
        assert_eq!(split_yaml("text\n---\n", 0), YamlSplit::None);
    }

    /// Our own pieces keep their schema; `+++` front matter that is not a piece has its
    /// text fields checked; TOML that does not parse, nothing.
    #[test]
    fn toml_front_matter_of_other_tools() {
        let f = lint_md(
            "+++\ntitle = 'cheapest'\ndraft = true\ntags = ['cheapest']\n[params]\ndescription = 'cheapest'\n+++\n",
        );
        let at: Vec<_> = f
            .iter()
            .map(|f| (f.rule, f.location.line, f.location.column))
            .collect();
        assert_eq!(at, [("tone/banned-term", Some(2), Some(10))]);
        assert!(lint_md("+++\ntitle: cheapest\n+++\n").is_empty());
        let f = lint_md("+++\ntitle = \"สรุป\"\nsummary = \"ถูกที่สุด\"\n+++\n");
        assert_eq!(f.len(), 1);
        assert_eq!(
            (f[0].location.line, f[0].location.column),
            (Some(3), Some(12))
        );
    }

    /// Every prefix of front matter in every form is read without a panic (cut inside
    /// escapes, quotes, block scalars, multi-byte characters), closed or not.
    #[test]
    fn every_prefix_of_front_matter_is_read() {
        let md = "\u{feff}---\r\n\"title\": \"ก\\u0E01\\x2\\\n ถูกที่สุด \\\"x\"\n\
            summary: 'it''s\n\n  ok'\nexcerpt: >2-\n   ถูกที่สุด\n\n    more\n\
            description: |\n  a\n\tb\nsubtitle: plain # c\n  next\n...\nbody!!\n";
        for (i, _) in md.char_indices() {
            let prefix = &md[..i];
            for text in [
                prefix.to_string(),
                format!("{prefix}\n---\n"),
                prefix.replacen("---", "+++", 1),
            ] {
                let (chunks, body) = front_matter(&text);
                assert!(body <= text.len() && text.is_char_boundary(body));
                for (t, runs) in chunks {
                    assert!(!t.trim().is_empty());
                    assert!(runs.windows(2).all(|w| w[0].0 < w[1].0), "{runs:?}");
                    assert!(runs.iter().all(|&(o, f)| o < t.len() && f < text.len()));
                }
            }
        }
        let at: Vec<_> = lint_md(md)
            .iter()
            .map(|f| (f.rule, f.location.line, f.location.column))
            .collect();
        assert_eq!(
            at,
            [
                ("tone/banned-term", Some(3), Some(2)),
                ("tone/banned-term", Some(8), Some(4)),
                ("tone/exclamation", Some(17), Some(5)),
            ]
        );
    }

    fn lint_md(md: &str) -> Vec<Finding> {
        let guide = crate::lint::tone::tests::example();
        lint(
            &LintContext::new(&guide),
            Path::new("content/x.md"),
            md.as_bytes(),
        )
    }

    /// CommonMark example 628: `<!-->` is a whole (empty) comment. It used to panic
    /// slicing the comment's text.
    #[test]
    fn abrupt_empty_comments_are_comments() {
        for md in [
            "<!-->\n",
            "<!--->\n",
            "ข้อความ <!--> ต่อ\n",
            "<!-- brandpress-ignore",
        ] {
            let f = lint_md(md);
            assert!(
                f.iter().all(|f| f.rule.starts_with("lint/")),
                "{md}: {f:#?}"
            );
        }
        // an ignore after an empty comment still applies to the next line
        let f = lint_md("<!--> <!-- brandpress-ignore tone/banned-term: quoting -->\nถูกที่สุด\n");
        assert!(f.is_empty(), "{f:#?}");
    }

    /// 10,000 nested quotes or list items: read without deep recursion, and a banned
    /// term at the bottom is still found.
    #[test]
    fn deep_nesting_still_finds_terms() {
        for md in [
            format!("{}ถูกที่สุด\n", "> ".repeat(10_000)),
            format!("{}ถูกที่สุด\n", "- ".repeat(10_000)),
            format!("{}ถูกที่สุด\n", "1. ".repeat(10_000)),
            format!("{}ถูกที่สุด{}\n", "*a ".repeat(10_000), " b*".repeat(10_000)),
        ] {
            let started = std::time::Instant::now();
            let f = lint_md(&md);
            assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
            assert!(f.iter().any(|f| f.rule == "tone/banned-term"), "{f:#?}");
        }
    }
}
