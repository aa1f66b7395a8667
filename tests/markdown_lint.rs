//! Markdown lint on ordinary sources (issue 11): front matter of other tools (Hugo,
//! Jekyll, Astro, Docusaurus; YAML `---` and TOML `+++`) is never read as prose, only
//! its text fields are checked, each at its own line and column; and a `!` in code, in
//! comments, in image syntax or in `!important` is no exclamation mark.

use std::path::{Path, PathBuf};

use brandpress::brand::Guide;
use brandpress::error::SourceFile;
use brandpress::lint::{self, Finding, LintContext};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The example guide, `brand/brand.toml` (max_sentence_words = 28, max_exclamations = 1).
fn guide() -> Guide {
    Guide::load(&root()).expect("the example guide loads")
}

/// The example guide with `from` replaced by `to`.
fn guide_with(from: &str, to: &str) -> Guide {
    let path = root().join("brand/brand.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "no {from:?} in the guide");
    Guide::from_source(&root(), SourceFile::new(path, text.replacen(from, to, 1))).unwrap()
}

fn lint_text(guide: &Guide, name: &str, text: &str) -> Vec<Finding> {
    lint::lint_bytes(&LintContext::new(guide), Path::new(name), text.as_bytes())
}

/// `(rule, line, column, found)` of each finding, in file order.
fn summary(findings: &[Finding]) -> Vec<(String, usize, usize, String)> {
    let mut v: Vec<_> = findings
        .iter()
        .map(|f| {
            (
                f.rule.to_string(),
                f.location.line.unwrap_or(0),
                f.location.column.unwrap_or(0),
                f.found.clone().unwrap_or_default(),
            )
        })
        .collect();
    v.sort();
    v
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(root().join("tests/fixtures/real-world/markdown").join(name))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// `n` Thai words that the dictionary segmenter keeps apart, written without spaces (one
/// clause: counted in words, not split at spaces).
fn thai_words(n: usize) -> String {
    ["กาแฟ", "เย็น", "ราคา", "พิเศษ", "สำหรับ", "สมาชิก"]
        .iter()
        .cycle()
        .take(n)
        .copied()
        .collect()
}

/// A Jekyll post in Thai: a banned term in a double-quoted `title:`, a `tags:` list of
/// banned and off-brand words (not text: never checked), a 30-word Thai `description:`
/// without spaces, a folded `excerpt: >-`, a literal `summary: |`, a single-quoted
/// `subtitle:` with a `''` escape.
fn jekyll_thai() -> String {
    format!(
        "---
layout: post
title: \"โคลด์บรูว์ ถูกที่สุด ในอารีย์\"
date: 2026-11-20 09:00:00 +0700
categories: [โปรโมชัน, กาแฟ]
tags:
- กาแฟ
- ถูกที่สุด
- ผู้บริโภค
- cheapest
- Cold brew
description: {}
excerpt: >-
  {}
  ลูกค้าซื้อด่วนได้ที่ร้าน
summary: |
  Fresh beans, roasted daily.
  Not the cheapest, the freshest.
subtitle: 'It''s guaranteed fresh'
permalink: /2026/11/cold-brew/
---

เนื้อหา ของร้าน
",
        thai_words(30),
        thai_words(20)
    )
}

/// A Hugo post with TOML front matter that is not brandpress's schema (`draft`, `tags`,
/// `categories`, a `[params]` table).
const HUGO_THAI: &str = "+++
title = 'Cold brew ของ Tonkla Coffee'
date = 2024-01-14T07:07:07+01:00
draft = true
tags = ['ถูกที่สุด', 'cheapest', 'ผู้บริโภค']
categories = ['โปรโมชัน']
description = \"\"\"
ลดราคาพิเศษสำหรับสมาชิก
ส่งฟรี ถูกที่สุด ในอารีย์\"\"\"
[params]
subtitle = 'guaranteed'
+++
## เนื้อหา
";

/// Docusaurus/Astro-shaped YAML: a quoted key and escapes, a nested `seo:` mapping (not
/// read), a plain scalar on the line after its key, a flow sequence.
const DOCS_YAML: &str = "---
\"title\": \"Cold Brew \\\"cheapest\\\" เลย\"
sidebar_position: 2
seo:
  description: ถูกที่สุด
description:
  A plain scalar on the next line, guaranteed.
keywords: [ถูกที่สุด]
---
";

type Expected = &'static [(&'static str, usize, usize, &'static str)];

/// Every finding of each source, exactly: nothing inside front matter but the tone
/// findings of its text fields, at their line and column (in characters).
#[test]
fn front_matter_of_other_tools_is_not_prose() {
    let g = guide();
    let jekyll_thai = jekyll_thai();
    let cases: Vec<(&str, String, Expected)> = vec![
        (
            "hugo-quick-start-post.md",
            fixture("hugo-quick-start-post.md"),
            &[],
        ),
        // `+++` around YAML lines: not TOML, skipped whole
        (
            "hugo-summary-divider.md",
            fixture("hugo-summary-divider.md"),
            &[],
        ),
        (
            "hugo-front-matter-page.md",
            fixture("hugo-front-matter-page.md"),
            &[],
        ),
        (
            "jekyll-post-excerpt-with-layout.markdown",
            fixture("jekyll-post-excerpt-with-layout.markdown"),
            &[],
        ),
        (
            // the 26-word description passes; the body's second sentence has 30 words
            "jekyll-contribute-post.md",
            fixture("jekyll-contribute-post.md"),
            &[("tone/sentence-length", 8, 104, "30 words")],
        ),
        (
            "jekyll-3-7-0-released.md",
            fixture("jekyll-3-7-0-released.md"),
            &[],
        ),
        (
            "jekyll-thai.md",
            jekyll_thai.clone(),
            &[
                ("tone/banned-term", 3, 20, "ถูกที่สุด"),
                // 30 dictionary words, in one clause
                ("tone/sentence-length", 12, 14, "30 words"),
                ("tone/preferred-term", 15, 9, "ซื้อด่วน"),
                ("tone/banned-term", 18, 11, "cheapest"),
                ("tone/banned-term", 19, 18, "guaranteed"),
            ],
        ),
        (
            "hugo-thai.md",
            HUGO_THAI.to_string(),
            &[
                ("tone/brand-spelling", 2, 10, "Cold brew"),
                ("tone/banned-term", 9, 8, "ถูกที่สุด"),
            ],
        ),
        (
            "docs.mdx.md",
            DOCS_YAML.to_string(),
            &[
                ("tone/banned-term", 2, 23, "cheapest"),
                ("tone/banned-term", 7, 36, "guaranteed"),
            ],
        ),
        (
            // a byte-order mark, CRLF line ends, a `...` closing line ("Cold brew" opening
            // an English sentence may be the generic drink: no brand-spelling finding)
            "crlf.md",
            "\u{feff}---\r\ntitle: Cold brew, the cheapest\r\n...\r\nถูกที่สุด\r\n".to_string(),
            &[
                ("tone/banned-term", 2, 23, "cheapest"),
                ("tone/banned-term", 4, 1, "ถูกที่สุด"),
            ],
        ),
        (
            // unclosed front matter: no end, so nothing is checked
            "unclosed-yaml.md",
            "---\ntitle: ถูกที่สุด\ntags:\n- cheapest\n\nถูกที่สุด!!\n".to_string(),
            &[],
        ),
        (
            "unclosed-toml.md",
            "+++\ntitle = 'ถูกที่สุด'\n\nถูกที่สุด!!\n".to_string(),
            &[],
        ),
        (
            // a first `---` that no key follows and nothing closes is a thematic break
            "thematic-break.md",
            "---\n\nถูกที่สุด\n".to_string(),
            &[("tone/banned-term", 3, 1, "ถูกที่สุด")],
        ),
    ];
    let mut failures = Vec::new();
    for (name, text, want) in &cases {
        let got = summary(&lint_text(&g, name, text));
        let mut want: Vec<(String, usize, usize, String)> = want
            .iter()
            .map(|(r, l, c, f)| (r.to_string(), *l, *c, f.to_string()))
            .collect();
        want.sort();
        if got != want {
            failures.push(format!("{name}:\n  got  {got:?}\n  want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Thai values are counted in dictionary words: 28 words without a space pass, 29 do not
/// (a count by spaces would see one word).
#[test]
fn thai_text_fields_are_counted_in_words() {
    let g = guide(); // max_sentence_words = 28
    for (n, flagged) in [(28, false), (29, true)] {
        let md = format!(
            "---\ntags: [กาแฟ]\ndescription: \"{}\"\n---\n",
            thai_words(n)
        );
        let got = summary(&lint_text(&g, "t.md", &md));
        let want = if flagged {
            vec![(
                "tone/sentence-length".to_string(),
                3,
                15,
                format!("{n} words"),
            )]
        } else {
            vec![]
        };
        assert_eq!(got, want, "{n} words");
    }
}

/// With no exclamation mark allowed, only real ones are found: not a `!` in inline code,
/// code blocks, HTML comments, image syntax, nor CSS's `!important`.
#[test]
fn exclamation_marks_in_code_and_markup_are_not_counted() {
    let g = guide_with("max_exclamations = 1", "max_exclamations = 0");
    let cases: &[(&str, Expected)] = &[
        ("Use `!important` and `a != b` here.\n", &[]),
        ("```sh\necho \"hi!!\"\n```\n", &[]),
        ("Text.\n\n    indented code!!\n", &[]),
        ("<!-- wow!! -->\nText\n", &[]),
        ("Text <!-- inline wow!! --> here\n", &[]),
        ("Text <!-- a comment\nover lines! --> here\n", &[]),
        ("![Logo](logo.png) ![Cup](cup.png)\n", &[]),
        (
            "<style>\np { color: red !important }\n</style>\n\nHi\n",
            &[],
        ),
        ("Avoid !important in CSS.\n", &[]),
        // real ones: in text, and in alt text (visible, as HTML lint reads `alt`)
        ("Hi! `x!`\n", &[("tone/exclamation", 1, 3, "!")]),
        ("![Wow!](x.png)\n", &[("tone/exclamation", 1, 6, "!")]),
    ];
    for (md, want) in cases {
        let got = summary(&lint_text(&g, "x.md", md));
        let want: Vec<(String, usize, usize, String)> = want
            .iter()
            .map(|(r, l, c, f)| (r.to_string(), *l, *c, f.to_string()))
            .collect();
        assert_eq!(got, want, "{md:?}");
    }
}

/// In HTML pages CSS never reaches the tone rules: neither `<style>` nor `style=`
/// (`!important`, `content: "!!"`); the visible text does.
#[test]
fn css_important_in_html_is_not_an_exclamation() {
    let g = guide_with("max_exclamations = 1", "max_exclamations = 0");
    let page = "<!doctype html>
<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Tonkla Coffee</title>
<style>p { color: #1F3D2B !important; } p::after { content: \"!!\"; }</style>
</head><body>
<p style=\"color: #1F3D2B !important\">Fresh beans</p>
<p>Use <code>!important</code> sparingly.</p>
<p>Hi!</p>
</body></html>
";
    let exclamations: Vec<_> = summary(&lint_text(&g, "page.html", page))
        .into_iter()
        .filter(|f| f.0 == "tone/exclamation")
        .collect();
    assert_eq!(
        exclamations,
        vec![("tone/exclamation".to_string(), 7, 6, "!".to_string())]
    );
}
