//! Lint rules for Markdown sources: the tone rules on the visible text of the body, the
//! title and the summary (and their per-channel overrides), located in the `.md` file;
//! `<!-- brandpress-ignore rule/id: reason -->` ignores apply to the next line.

use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::content;
use crate::lint::html::LineIndex;
use crate::lint::html::parse::comment_end;
use crate::lint::{Finding, LintContext, Location, ignore};

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

    // The front matter is read with the content's own schema; a file that is not a valid
    // piece has its body checked, not its front matter (`brandpress build` reports why).
    let (front, body_start) = match content::split(text) {
        content::Split::Front {
            toml,
            offset,
            body_offset,
        } => (Some((toml, offset)), body_offset),
        content::Split::None { body_offset } => (None, body_offset),
        content::Split::Unclosed { opened } => (None, opened),
    };
    if let Some((fm, fm_start)) = front
        && let Ok(parsed) = toml::from_str::<content::FrontMatter>(fm)
    {
        let mut values = vec![Some(parsed.title), Some(parsed.summary)];
        values.push(parsed.cta.map(|c| c.text));
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
