use std::path::{Path, PathBuf};

use super::*;
use crate::brand::Guide;

fn guide() -> Guide {
    Guide::load(Path::new(env!("CARGO_MANIFEST_DIR"))).expect("example guide")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/email")
        .join(name)
}

/// Lints `html` as `dir/mail.html`, with a sibling .txt unless `txt` is false.
fn lint_str(html: &str, txt: bool) -> Vec<Finding> {
    let g = guide();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mail.html");
    std::fs::write(&path, html).unwrap();
    if txt {
        std::fs::write(dir.path().join("mail.txt"), "text").unwrap();
    }
    let roots = crate::lint::Roots::of(&[dir.path().to_path_buf()]).unwrap();
    lint(&LintContext::new(&g).within(roots), &path, html.as_bytes())
}

fn rules<'a>(f: &'a [Finding], rule: &str) -> Vec<&'a Finding> {
    f.iter().filter(|f| f.rule == rule).collect()
}

const HEAD: &str = "<!DOCTYPE html><html lang=\"th\"><head><meta name=\"x-apple-disable-message-reformatting\"></head><body>\n";

fn email(body: &str) -> String {
    format!("{HEAD}{body}\n</body></html>")
}

#[test]
fn size_warns_near_and_errors_beyond_gmail_clipping() {
    let small = email("<p style=\"color:#1B1B1B\">สวัสดี</p>");
    assert!(rules(&lint_str(&small, true), "email/size").is_empty());
    // English: 1 byte a letter as sent. 88 KB of it, plus the 4 KB the guide allows the
    // sending platform, is near the clip; twice that is past it.
    let line = "<p>Tonkla Coffee cold brew</p>\n";
    let filler = line.repeat(88 * 1024 / line.len());
    let near = lint_str(&email(&filler), true);
    assert_eq!(rules(&near, "email/size")[0].severity, Severity::Warning);
    let big = lint_str(&email(&filler.repeat(2)), true);
    assert_eq!(rules(&big, "email/size")[0].severity, Severity::Error);
    // Thai: 3 bytes a character in the file, 9 as quoted-printable. 40 KB of Thai HTML
    // is clipped by Gmail.
    let thai = "<p>ต้นกล้าคอฟฟี่โคลด์บรูว์</p>\n";
    let filler = thai.repeat(40 * 1024 / thai.len());
    assert!(email(&filler).len() < 45 * 1024);
    let f = lint_str(&email(&filler), true);
    let size = rules(&f, "email/size");
    assert_eq!(size[0].severity, Severity::Error, "{f:?}");
    assert!(
        size[0].message.contains("quoted-printable"),
        "{}",
        size[0].message
    );
}

#[test]
fn quoted_printable_counts_thai_three_times() {
    assert_eq!(quoted_printable_len("hello".as_bytes()), 5);
    assert_eq!(quoted_printable_len("a=b".as_bytes()), 5);
    assert_eq!(quoted_printable_len("ก".as_bytes()), 9);
    let thai = "สวัสดี".repeat(200);
    let n = quoted_printable_len(thai.as_bytes());
    // 3,600 bytes of =XX, plus a soft break every 25 codes (75 columns).
    assert!(
        (3 * thai.len()..3 * thai.len() + 3 * thai.len() / 20).contains(&n),
        "{n}"
    );
}

/// The counter agrees byte for byte with mail-builder's encoder (what our `.eml` files
/// are written with) on Thai and English text, line ends of every kind, trailing white
/// space, `=` and long lines, and on pseudo-random bytes.
#[test]
fn quoted_printable_len_matches_mail_builders_encoder() {
    fn encoded(input: &[u8]) -> usize {
        let mut out = Vec::new();
        mail_builder::encoders::quoted_printable::quoted_printable_encode(input, &mut out, true)
            .unwrap();
        out.len()
    }
    let mut cases: Vec<Vec<u8>> = [
        "",
        " ",
        "\t",
        "\n",
        "\r\n",
        "\r",
        "a \nb\t\r\nc ",
        "\r=\n",
        "x=\r\n=\n\n",
        "ต้นกล้า คอฟฟี่ \n",
        "<p style=\"color: #1F5C4A;\">Cold brew ต้นกล้าคอฟฟี่</p>\r\n",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    cases.push("a".repeat(300).into_bytes());
    cases.push(format!("{}ก{} \n", "b".repeat(74), "c".repeat(75)).into_bytes());
    cases.push(std::fs::read(fixture("agency-promo.html")).expect("fixture"));
    // xorshift: bytes weighted toward the interesting ones.
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    for len in [1usize, 2, 3, 77, 78, 153, 1000, 5000] {
        let mut bytes = Vec::with_capacity(len);
        for _ in 0..len {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let pick = b" \t\r\n=a\xE0\x7F";
            bytes.push(if x.is_multiple_of(3) {
                (x >> 8) as u8
            } else {
                pick[(x >> 16) as usize % pick.len()]
            });
        }
        cases.push(bytes);
    }
    for case in &cases {
        assert_eq!(
            quoted_printable_len(case),
            encoded(case),
            "{:?}",
            String::from_utf8_lossy(case)
        );
    }
}

#[test]
fn an_eml_counts_its_html_part_as_encoded() {
    // A message whose HTML part is 70 KB of Thai: under the clip as UTF-8, over it as
    // base64 (mail-builder's choice for mostly non-ASCII text) with the allowance.
    let line = "<p>ต้นกล้าคอฟฟี่โคลด์บรูว์</p>\n";
    let html = email(&line.repeat(70 * 1024 / line.len()));
    assert!(html.len() < 90 * 1024);
    let msg = mail_builder::MessageBuilder::new()
        .from(("Tonkla", "hello@tonkla.example"))
        .subject("ทดสอบ")
        .text_body("สวัสดี")
        .html_body(html.as_str())
        .write_to_vec()
        .unwrap();
    let g = guide();
    let f = lint(&LintContext::new(&g), Path::new("m.eml"), &msg);
    let size = rules(&f, "email/size");
    assert!(!size.is_empty(), "{f:?}");
    assert!(
        !size[0].message.contains("quoted-printable"),
        "{}",
        size[0].message
    );
}

#[test]
fn unsupported_css_reports_the_clients_and_locates_the_use() {
    let html = email(
        "<div style=\"padding: 8px\">ok</div>\n<div style=\"box-shadow: 0 1px 2px #000\">x</div>",
    );
    let f = lint_str(&html, true);
    let hits = rules(&f, "email/unsupported-css");
    assert_eq!(hits.len(), 1, "{hits:#?}");
    assert_eq!(hits[0].severity, Severity::Warning);
    assert!(hits[0].message.contains("Gmail") && hits[0].message.contains("Outlook for Windows"));
    assert_eq!(
        (hits[0].location.line, hits[0].location.column),
        (Some(3), Some(1))
    );
    let clean = email("<div style=\"padding: 8px; color: #1B1B1B\">ok</div>");
    assert!(rules(&lint_str(&clean, true), "email/unsupported-css").is_empty());
}

#[test]
fn media_blocks_and_outlook_only_losses_with_mso_fallbacks_are_info() {
    let html = format!(
        "{HEAD}<style>@media (prefers-color-scheme: dark) {{ .a {{ box-shadow: none !important }} }}</style>\n<!--[if mso]><table><tr><td><![endif]-->\n<td style=\"border-radius: 8px\">x</td>\n</body></html>"
    );
    let f = lint_str(&html, true);
    let hits = rules(&f, "email/unsupported-css");
    assert!(
        hits.iter()
            .any(|h| h.found.as_deref() == Some("@media (prefers-color-scheme)")),
        "the media feature in the @media prelude: {hits:#?}"
    );
    assert!(
        hits.iter().all(|h| h.severity == Severity::Info),
        "{hits:#?}"
    );
}

#[test]
fn font_fallback_needs_a_web_safe_font_after_the_brand_font() {
    let ok = email("<p style=\"font-family: 'Noto Sans Thai', Tahoma, Arial, sans-serif\">ก</p>");
    assert!(rules(&lint_str(&ok, true), "email/font-fallback").is_empty());
    let generic = email("<p style=\"font-family: 'Noto Sans Thai', sans-serif\">ก</p>");
    let f = lint_str(&generic, true);
    let hit = rules(&f, "email/font-fallback");
    assert_eq!(hit.len(), 1);
    assert_eq!(hit[0].severity, Severity::Warning);
    assert!(
        hit[0].message.contains("brand font “Noto Sans Thai”"),
        "{}",
        hit[0].message
    );
    let none = email("<p style=\"font-family: 'Noto Sans Thai'\">ก</p>");
    assert_eq!(
        rules(&lint_str(&none, true), "email/font-fallback")[0].severity,
        Severity::Error
    );
}

#[test]
fn missing_alt_allows_only_decorative_and_tracking_images() {
    let ok = email(
        "<img src=\"a.png\" alt=\"โลโก้\"><img src=\"s.png\" alt=\"\" role=\"presentation\"><img src=\"t.gif\" alt=\"\" width=\"1\" height=\"1\">",
    );
    assert!(rules(&lint_str(&ok, true), "email/missing-alt").is_empty());
    let bad = email("<img src=\"a.png\">\n<img src=\"b.png\" alt=\"\">");
    let f = lint_str(&bad, true);
    let hits = rules(&f, "email/missing-alt");
    assert_eq!(hits.len(), 2);
    assert_eq!(hits[0].severity, Severity::Error);
    assert_eq!(hits[1].severity, Severity::Warning);
    assert_eq!(hits[1].location.line, Some(3));
}

#[test]
fn width_beyond_the_guide_is_flagged() {
    let ok = email(
        "<table width=\"600\"><tr><td style=\"max-width: 600px\">x</td></tr></table><img src=\"a\" alt=\"a\" width=\"100%\">",
    );
    assert!(rules(&lint_str(&ok, true), "email/width").is_empty());
    let bad = email(
        "<table width=\"700\"><tr><td>x</td></tr></table><div style=\"min-width: 640px\">y</div>",
    );
    assert_eq!(rules(&lint_str(&bad, true), "email/width").len(), 2);
}

#[test]
fn plain_text_alternative_is_required() {
    let html = email("<p>x</p>");
    assert!(rules(&lint_str(&html, true), "email/missing-plain-text").is_empty());
    assert_eq!(
        rules(&lint_str(&html, false), "email/missing-plain-text").len(),
        1
    );
    let g = guide();
    let ctx = LintContext::new(&g);
    let html_only = b"MIME-Version: 1.0\r\nSubject: x\r\nFrom: a@b.example\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>x</p></body></html>\r\n";
    let f = lint(&ctx, Path::new("m.eml"), html_only);
    assert_eq!(rules(&f, "email/missing-plain-text").len(), 1);
}

#[test]
fn mjml_agency_email_is_flagged() {
    // tests/fixtures/email/README.md says how this file was made (MJML 5.4.1).
    let path = fixture("agency-promo.html");
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(detect_kind(&path, &bytes), FileKind::EmailHtml);
    let g = guide();
    let roots = crate::lint::Roots::of(&[fixture("")]).unwrap();
    let ctx = LintContext::new(&g).within(roots);
    let f = lint(&ctx, &path, &bytes);
    let font = rules(&f, "email/font-fallback");
    assert!(
        font.iter().any(|h| h.message.contains("Prompt")),
        "{font:#?}"
    );
    assert!(!rules(&f, "email/width").is_empty(), "640 px body");
    assert!(
        !rules(&f, "email/missing-alt").is_empty(),
        "logo with alt=\"\""
    );
    assert!(!rules(&f, "email/missing-plain-text").is_empty());
    let css = rules(&f, "email/unsupported-css");
    for want in ["box-shadow", "text-shadow", "@import"] {
        assert!(
            css.iter().any(|h| h.message.contains(want)),
            "{want}: {css:#?}"
        );
    }
    // After the HTML rules land (merge of the html lint), the same file must also be
    // flagged for its off-brand colors and font:
    let all = crate::lint::lint_file(&ctx, &path).unwrap();
    if all
        .iter()
        .any(|f| f.rule.starts_with("color/") || f.rule.starts_with("font/"))
    {
        assert!(
            all.iter().any(|f| f.rule == "color/off-palette"),
            "#E91E63 / #3366FF"
        );
        assert!(all.iter().any(|f| f.rule == "font/off-brand"), "Prompt");
    }
}

#[test]
fn built_example_emails_have_no_email_rule_errors_or_warnings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let project = crate::project::Project::load(root).unwrap();
    let out = tempfile::tempdir().unwrap();
    crate::build::build(
        &project,
        &crate::build::BuildOptions {
            out: out.path().to_path_buf(),
            channels: vec![crate::render::Channel::Email],
            shard: None,
        },
    )
    .unwrap();
    let ctx = LintContext::new(&project.guide);
    let report = crate::lint::lint_paths(&ctx, &[out.path().join("email")]).unwrap();
    assert!(report.files >= 8);
    let bad: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("email/") && f.severity != Severity::Info)
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn plain_text_sibling_outside_the_linted_paths_is_not_looked_at() {
    // Linting one file: its .txt sibling is outside the linted paths, so lint neither
    // looks for it nor claims it is missing.
    let g = guide();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mail.html");
    let html = email("<p>สวัสดี</p>");
    std::fs::write(&path, &html).unwrap();
    let roots = crate::lint::Roots::of(std::slice::from_ref(&path)).unwrap();
    let f = lint(&LintContext::new(&g).within(roots), &path, html.as_bytes());
    assert!(rules(&f, "email/missing-plain-text").is_empty(), "{f:#?}");
}

#[test]
fn unreadable_eml_is_email_unreadable_not_size() {
    let g = guide();
    let ctx = LintContext::new(&g);
    for bytes in [&b""[..], b"\x00\x01\x02 random \xff\xfe bytes", b"\n\n\n"] {
        let f = lint(&ctx, Path::new("ข่าว.eml"), bytes);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].rule, "email/unreadable");
        assert_eq!(f[0].severity, Severity::Error);
    }
    let ok = "MIME-Version: 1.0\r\nSubject: =?UTF-8?B?4LiB4Liy4LmB4Lif?=\r\nFrom: a@b.example\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nกาแฟ\r\n";
    let f = lint(&ctx, Path::new("ข่าว.eml"), ok.as_bytes());
    assert!(rules(&f, "email/unreadable").is_empty(), "{f:#?}");
}

#[test]
fn deep_email_html_is_linear_and_flagged() {
    // 100,000 nested <div>s: html5ever took hours; the linter's reader is linear
    let deep = email(&format!(
        "{}<p style=\"color:#E63946\">ลึก</p>{}",
        "<div>".repeat(100_000),
        "</div>".repeat(100_000)
    ));
    let started = std::time::Instant::now();
    let f = lint_str(&deep, true);
    assert!(started.elapsed().as_secs() < 30, "{:?}", started.elapsed());
    assert!(rules(&f, "email/size").len() == 1);
    // nested @media in a <style>: skipped beyond the limit, reported
    let media = format!(
        "<style>{}p{{color:red}}{}</style>",
        "@media screen{".repeat(20_000),
        "}".repeat(20_000)
    );
    let f = lint_str(&email(&media), true);
    assert_eq!(rules(&f, "html/too-complex").len(), 1, "{f:#?}");
}

/// `brandpress-ignore` comments silence email findings as they do HTML ones: in HTML
/// (next element), in CSS (next line) and for the whole file; never without a reason.
#[test]
fn ignores_apply_to_email_findings() {
    let with_reason = email(
        "<!-- brandpress-ignore email/missing-alt: ภาพตกแต่งจากพาร์ทเนอร์ -->\n<img src=\"b.png\">\n<style>\n/* brandpress-ignore email/unsupported-css: เงาเป็นของเสริม */\n.a { box-shadow: 0 1px 2px #1B1B1B }\n</style>\n<!-- brandpress-ignore-file email/missing-plain-text: ระบบส่งเมลสร้างข้อความธรรมดาเอง -->",
    );
    let f = lint_str(&with_reason, false);
    for rule in [
        "email/missing-alt",
        "email/unsupported-css",
        "email/missing-plain-text",
        "lint/ignore-without-reason",
    ] {
        assert!(rules(&f, rule).is_empty(), "{rule}: {f:#?}");
    }
    let without = email("<!-- brandpress-ignore email/missing-alt -->\n<img src=\"b.png\">");
    let f = lint_str(&without, true);
    assert_eq!(rules(&f, "lint/ignore-without-reason").len(), 1, "{f:#?}");
    assert_eq!(rules(&f, "email/missing-alt").len(), 1, "{f:#?}");
    // the ignore covers the next element only
    let next_only = email(
        "<!-- brandpress-ignore email/missing-alt: ภาพตกแต่ง -->\n<img src=\"a.png\">\n<img src=\"b.png\">",
    );
    let f = lint_str(&next_only, true);
    let hits = rules(&f, "email/missing-alt");
    assert_eq!(hits.len(), 1, "{f:#?}");
    assert_eq!(hits[0].location.line, Some(4));
}

/// The same ignores in the HTML part of an `.eml`.
#[test]
fn ignores_apply_in_eml_html_parts() {
    let g = guide();
    let ctx = LintContext::new(&g);
    let eml = |html: &str| {
        format!(
            "MIME-Version: 1.0\r\nSubject: x\r\nFrom: a@b.example\r\nContent-Type: multipart/alternative; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nกาแฟ\r\n--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}\r\n--b--\r\n"
        )
    };
    let ignored = eml(&email(
        "<!-- brandpress-ignore email/missing-alt: ภาพตกแต่ง -->\n<img src=\"b.png\">",
    ));
    let f = lint(&ctx, Path::new("ข่าว.eml"), ignored.as_bytes());
    assert!(rules(&f, "email/missing-alt").is_empty(), "{f:#?}");
    assert!(rules(&f, "lint/ignore-without-reason").is_empty(), "{f:#?}");
    let no_reason = eml(&email(
        "<!-- brandpress-ignore email/missing-alt -->\n<img src=\"b.png\">",
    ));
    let f = lint(&ctx, Path::new("ข่าว.eml"), no_reason.as_bytes());
    assert_eq!(rules(&f, "email/missing-alt").len(), 1, "{f:#?}");
    let why = rules(&f, "lint/ignore-without-reason");
    assert_eq!(why.len(), 1, "{f:#?}");
    // at its line in the .eml file: the HTML part starts on line 13
    assert_eq!(why[0].location.line, Some(14), "{why:#?}");
}

/// A file line's text, for checking where a finding points.
fn line_of(bytes: &[u8], line: usize) -> String {
    String::from_utf8_lossy(bytes)
        .split('\n')
        .nth(line - 1)
        .unwrap_or_default()
        .to_string()
}

/// Findings in a quoted-printable HTML part (mail-builder's choice for mostly ASCII
/// HTML, and what ESPs send) point at their line and column in the `.eml` file, past
/// soft line breaks and `=E0=B8=81` escapes of Thai text.
#[test]
fn eml_findings_point_at_the_line_in_the_file() {
    let filler = "<p style=\"color:#1B1B1B\">Fresh cold brew, every morning, at the shop.</p>\n";
    let html = email(&format!(
        "{}<p>กาแฟสดจากต้นกล้า <span style=\"color:#FF00FF\">ลด 20%</span> today only, while stocks last at every branch</p>\n",
        filler.repeat(30)
    ));
    let msg = mail_builder::MessageBuilder::new()
        .from(("Tonkla", "hello@tonkla.example"))
        .subject("ทดสอบ")
        .text_body("สวัสดี")
        .html_body(html.as_str())
        .write_to_vec()
        .unwrap();
    let raw = String::from_utf8_lossy(&msg);
    assert!(
        raw.contains("quoted-printable") && raw.contains("=E0=B8"),
        "the test needs a quoted-printable part with Thai escapes: {raw}"
    );
    let g = guide();
    let f = lint(&LintContext::new(&g), Path::new("m.eml"), &msg);
    let color = rules(&f, "color/off-palette");
    assert_eq!(color.len(), 1, "{f:#?}");
    let (line, col) = (
        color[0].location.line.unwrap(),
        color[0].location.column.unwrap(),
    );
    let text = line_of(&msg, line);
    let at: String = text.chars().skip(col - 1).collect();
    assert!(at.starts_with("#FF00FF"), "line {line}:{col} is {text:?}");
    assert!(
        !color[0].message.contains("part, line"),
        "{}",
        color[0].message
    );
}

/// A base64 part has no byte map: its findings point at the part's first body line and
/// name their line in the decoded part.
#[test]
fn base64_part_findings_point_at_the_part() {
    let html = email("<p>ต้นกล้า</p>\n<p style=\"color:#FF00FF\">x</p>");
    let body = mail_builder::encoders::base64::base64_encode(html.as_bytes()).unwrap();
    let body = String::from_utf8(body).unwrap();
    let msg = format!(
        "MIME-Version: 1.0\r\nSubject: x\r\nFrom: a@b.example\r\nContent-Type: multipart/alternative; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nกาแฟ\r\n--b\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{body}\r\n--b--\r\n"
    );
    let g = guide();
    let f = lint(&LintContext::new(&g), Path::new("m.eml"), msg.as_bytes());
    let color = rules(&f, "color/off-palette");
    assert_eq!(color.len(), 1, "{f:#?}");
    assert_eq!(color[0].location.line, Some(14), "{:#?}", color[0]);
    assert!(
        color[0]
            .message
            .contains("(text/html part, base64: line 3:"),
        "{}",
        color[0].message
    );
}

/// `email/charset`: a part in TIS-620 (legacy Thai) at its Content-Type header; an
/// email HTML file declaring windows-874 at its `<meta>`.
#[test]
fn non_utf8_charsets_are_flagged() {
    let (thai, _, _) = encoding_rs::WINDOWS_874.encode("กาแฟสด");
    let mut msg = b"MIME-Version: 1.0\r\nSubject: x\r\nFrom: a@b.example\r\nContent-Type: text/plain; charset=TIS-620\r\nContent-Transfer-Encoding: 8bit\r\n\r\n".to_vec();
    msg.extend_from_slice(&thai);
    msg.extend_from_slice(b"\r\n");
    let g = guide();
    let f = lint(&LintContext::new(&g), Path::new("m.eml"), &msg);
    let charset = rules(&f, "email/charset");
    assert_eq!(charset.len(), 1, "{f:#?}");
    assert_eq!(charset[0].location.line, Some(4));
    assert!(
        charset[0].message.contains("TIS-620"),
        "{}",
        charset[0].message
    );
    assert_eq!(charset[0].severity, Severity::Warning);
    // UTF-8 and ASCII are fine
    let ok = "MIME-Version: 1.0\r\nSubject: x\r\nFrom: a@b.example\r\nContent-Type: text/plain; charset=\"us-ascii\"\r\n\r\nhello\r\n";
    let f = lint(&LintContext::new(&g), Path::new("m.eml"), ok.as_bytes());
    assert!(rules(&f, "email/charset").is_empty(), "{f:#?}");

    let page = "<!DOCTYPE html><html lang=\"th\"><head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-874\">\n<meta name=\"x-apple-disable-message-reformatting\"></head><body>\n<p>กาแฟ</p>\n</body></html>";
    let (bytes, _, _) = encoding_rs::WINDOWS_874.encode(page);
    let g = guide();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mail.html");
    std::fs::write(&path, &bytes).unwrap();
    std::fs::write(dir.path().join("mail.txt"), "text").unwrap();
    let roots = crate::lint::Roots::of(&[dir.path().to_path_buf()]).unwrap();
    let f = lint(&LintContext::new(&g).within(roots), &path, &bytes);
    let charset = rules(&f, "email/charset");
    assert_eq!(charset.len(), 1, "{f:#?}");
    assert_eq!(charset[0].location.line, Some(2), "{:#?}", charset[0]);
    assert!(
        charset[0].message.contains("windows-874"),
        "{}",
        charset[0].message
    );
    // and the Thai text was read right: no tone finding on mojibake
    let utf8 = lint_str(&email("<p>กาแฟ</p>"), true);
    assert!(rules(&utf8, "email/charset").is_empty(), "{utf8:#?}");
}

/// The logo's missing alt is `logo/missing-alt` only; other images are `email/missing-alt`.
#[test]
fn logo_without_alt_is_reported_once() {
    let html = email("<img src=\"assets/logo.svg\" width=\"160\">\n<img src=\"ภาพ.png\">");
    let f = lint_str(&html, true);
    let logo = rules(&f, "logo/missing-alt");
    assert_eq!(logo.len(), 1, "{f:#?}");
    assert_eq!(logo[0].location.line, Some(2));
    let other = rules(&f, "email/missing-alt");
    assert_eq!(other.len(), 1, "{f:#?}");
    assert_eq!(other[0].location.line, Some(3));
    // an empty alt on the logo: the logo rule's finding, not the email one
    let f = lint_str(&email("<img src=\"x/logo.svg\" alt=\"\">"), true);
    assert_eq!(rules(&f, "logo/missing-alt").len(), 1, "{f:#?}");
    assert!(rules(&f, "email/missing-alt").is_empty(), "{f:#?}");
}

/// CSS nested beyond the limits is one `html/too-complex` finding through the whole
/// dispatch (the email rules read the same sheet).
#[test]
fn nested_css_in_email_is_reported_once() {
    let g = guide();
    let ctx = LintContext::new(&g);
    let media = format!(
        "<style>{}p{{color:#1B1B1B}}{}</style><p>ลึก</p>",
        "@media screen{".repeat(100),
        "}".repeat(100)
    );
    let html = email(&media);
    assert_eq!(
        detect_kind(Path::new("mail.html"), html.as_bytes()),
        FileKind::EmailHtml
    );
    let f = crate::lint::lint_bytes(&ctx, Path::new("mail.html"), html.as_bytes());
    assert_eq!(rules(&f, "html/too-complex").len(), 1, "{f:#?}");
}

#[test]
fn language_needs_a_wrapper_inside_body_and_blocks_in_their_own_language() {
    // No wrapper: <html lang> alone is stripped by webmail.
    let f = lint_str(&email("<p>โคลด์บรูว์รับลมหนาว สองแก้ว 89 บาท</p>"), true);
    let lang = rules(&f, "email/lang");
    assert_eq!(lang.len(), 1, "{f:?}");
    assert!(lang[0].message.contains("inside <body>"));
    // A wrapper without dir.
    let f = lint_str(
        &email("<div lang=\"th\"><p>โคลด์บรูว์รับลมหนาว สองแก้ว 89 บาท</p></div>"),
        true,
    );
    assert!(rules(&f, "email/lang")[0].message.contains("no dir"));
    // Complete, with the brand's own Latin name inside Thai text: clean.
    let ok = "<div lang=\"th\" dir=\"ltr\"><p>Tonkla Coffee ชวนคุณรับลมหนาวกับโคลด์บรูว์สองแก้ว</p></div>";
    assert!(rules(&lint_str(&email(ok), true), "email/lang").is_empty());
    // An English paragraph inside a Thai wrapper needs its own lang; with it, clean.
    let en = "<div lang=\"th\" dir=\"ltr\"><p>สวัสดีครับ</p><p>Cold brew, steeped for eighteen hours in Chiang Rai</p></div>";
    let f = lint_str(&email(en), true);
    let lang = rules(&f, "email/lang");
    assert_eq!(lang.len(), 1, "{f:?}");
    assert!(lang[0].message.starts_with("English text"));
    assert_eq!(lang[0].location.line, Some(2));
    let fixed = en.replace("<p>Cold", "<p lang=\"en\">Cold");
    assert!(rules(&lint_str(&email(&fixed), true), "email/lang").is_empty());
}

#[test]
fn layout_tables_need_role_presentation_and_data_tables_do_not() {
    let wrap = |t: &str| email(&format!("<div lang=\"th\" dir=\"ltr\">{t}</div>"));
    let layout =
        "<table width=\"600\"><tr><td>สวัสดี</td></tr></table><table><tr><td>x</td></tr></table>";
    let f = lint_str(&wrap(layout), true);
    let t = rules(&f, "email/layout-table-role");
    assert_eq!(t.len(), 1, "one finding per email: {f:?}");
    assert!(
        t[0].message.starts_with("2 layout tables"),
        "{}",
        t[0].message
    );
    let fine = "<table role=\"presentation\"><tr><td>สวัสดี</td></tr></table><table><tr><th>ราคา</th></tr><tr><td>฿89</td></tr></table>";
    assert!(rules(&lint_str(&wrap(fine), true), "email/layout-table-role").is_empty());
}

#[test]
fn alt_text_that_is_a_file_name_reads_badly() {
    let body = "<div lang=\"th\" dir=\"ltr\"><img src=\"https://x.example/hero.png\" alt=\"IMG_2041.jpg\" width=\"600\"><img src=\"https://x.example/b.png\" alt=\"รูปภาพกาแฟ\"><img src=\"https://x.example/c.png\" alt=\"โคลด์บรูว์สองแก้วบนโต๊ะไม้\"></div>";
    let f = lint_str(&email(body), true);
    let alt = rules(&f, "image/alt-quality");
    assert_eq!(alt.len(), 2, "{f:?}");
    assert_eq!(alt[0].found.as_deref(), Some("IMG_2041.jpg"));
}
