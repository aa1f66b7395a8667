//! Lint rules for Markdown sources: the tone rules on the visible text of the body, the
//! title and the summary (and their per-channel overrides), located in the `.md` file;
//! `<!-- brandpress-ignore rule/id: reason -->` ignores apply to the next line.

use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde::Deserialize;
use toml::Spanned;

use crate::lint::html::LineIndex;
use crate::lint::html::parse::comment_end;
use crate::lint::{Finding, LintContext, Location, ignore};

#[derive(Deserialize, Default)]
struct Front {
    title: Option<Spanned<String>>,
    summary: Option<Spanned<String>>,
    #[serde(default)]
    overrides: std::collections::BTreeMap<String, FrontOverride>,
}

#[derive(Deserialize, Default)]
struct FrontOverride {
    title: Option<Spanned<String>>,
    summary: Option<Spanned<String>>,
    cta_text: Option<Spanned<String>>,
}

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
    // (text to check, source offset of each byte's run) — runs map text back to the file
    let mut chunks: Vec<(String, Vec<(usize, usize)>)> = Vec::new();

    let (front, body_start) = split(text);
    if let Some((fm, fm_start)) = front {
        let parsed: Front = toml::from_str(fm).unwrap_or_default();
        let mut values = vec![parsed.title, parsed.summary];
        for o in parsed.overrides.into_values() {
            values.extend([o.title, o.summary, o.cta_text]);
        }
        for v in values.into_iter().flatten() {
            let span = v.span();
            let raw = &fm[span.clone()];
            // locate the value's text inside its (quoted) source; escapes fall back to
            // the start of the value
            let at = raw.find(v.get_ref().as_str()).unwrap_or(0);
            chunks.push((v.into_inner(), vec![(0, fm_start + span.start + at)]));
        }
    }

    let body = &text[body_start..];
    let mut current: (String, Vec<(usize, usize)>) = Default::default();
    let mut ignores = Vec::new();
    let flush = |c: &mut (String, Vec<(usize, usize)>), chunks: &mut Vec<_>| {
        if !c.0.trim().is_empty() {
            chunks.push(std::mem::take(c));
        } else {
            *c = Default::default();
        }
    };
    for (event, range) in Parser::new_ext(body, Options::ENABLE_STRIKETHROUGH).into_offset_iter() {
        match event {
            Event::Text(t) | Event::Code(t) => {
                let at = body[range.clone()]
                    .find(t.as_ref())
                    .map(|k| range.start + k)
                    .unwrap_or(range.start);
                current.1.push((current.0.len(), body_start + at));
                current.0.push_str(&t);
            }
            Event::SoftBreak | Event::HardBreak => {
                current.1.push((current.0.len(), body_start + range.start));
                current.0.push(' ');
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                comments(
                    &h,
                    body_start + range.start,
                    text,
                    &lines,
                    path,
                    &mut ignores,
                    &mut out,
                );
            }
            Event::Start(Tag::Image { .. }) => {}
            Event::Start(Tag::Paragraph | Tag::Heading { .. } | Tag::Item | Tag::TableCell)
            | Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell,
            ) => flush(&mut current, &mut chunks),
            _ => {}
        }
    }
    flush(&mut current, &mut chunks);

    let rules = ctx.tone(None);
    for (chunk, runs) in chunks {
        for hit in rules.check(&chunk) {
            let offset = map(&runs, hit.range.clone());
            let mut f = Finding::new(hit.rule, loc(offset), hit.message);
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

fn map(runs: &[(usize, usize)], range: Range<usize>) -> usize {
    let k = runs.partition_point(|(o, _)| *o <= range.start);
    match k.checked_sub(1) {
        Some(k) => runs[k].1 + (range.start - runs[k].0),
        None => runs.first().map(|r| r.1).unwrap_or(0),
    }
}

/// Ignore directives in an HTML block or inline HTML at `base`.
fn comments(
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

/// The TOML front matter between `+++` lines (with its offset) and where the body starts.
fn split(text: &str) -> (Option<(&str, usize)>, usize) {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[start..];
    let Some(first_end) = rest.find('\n') else {
        return (None, start);
    };
    if rest[..first_end].trim_end() != "+++" {
        return (None, start);
    }
    let fm_start = start + first_end + 1;
    let mut offset = fm_start;
    for line in text[fm_start..].split_inclusive('\n') {
        if line.trim_end() == "+++" {
            return (
                Some((&text[fm_start..offset], fm_start)),
                offset + line.len(),
            );
        }
        offset += line.len();
    }
    (None, start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_and_body_split() {
        let md = "+++\ntitle = \"กาแฟ\"\n+++\n# Hi\n";
        let (fm, body) = split(md);
        assert_eq!(fm.unwrap().0, "title = \"กาแฟ\"\n");
        assert_eq!(&md[body..], "# Hi\n");
        assert_eq!(split("# no front matter").0, None);
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
