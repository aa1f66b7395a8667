//! ESP merge tags in links and image sources (`*|UNSUB|*`, `{{ url }}`,
//! `<%asm_group_unsubscribe_raw_url%>`…) are placeholders the sending platform fills in,
//! not broken links: on real third-party template markup
//! (`tests/fixtures/real-world/email/`, sources and licenses in its README) and on small
//! pages, with Thai around them.

use std::path::{Path, PathBuf};
use std::process::Command;

use brandpress::brand::Guide;
use brandpress::lint::{self, FileKind, LintContext, Roots};
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const REAL: &str = "tests/fixtures/real-world/email";

/// Every `.html` of the real-world email fixtures, with its text.
fn real_templates() -> Vec<(PathBuf, String)> {
    let mut files: Vec<_> = std::fs::read_dir(root().join(REAL))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p, text)
        })
        .collect();
    files.sort();
    assert!(files.len() >= 3, "{files:?}");
    files
}

/// Lints `text` as the file `path` of `kind`, its folder the linted root: (rule, found).
fn lint_as(ctx: &LintContext, path: &Path, text: &str, kind: FileKind) -> Vec<(String, String)> {
    lint::lint_kind(ctx, path, text.as_bytes(), kind)
        .into_iter()
        .map(|f| (f.rule.to_string(), f.found.unwrap_or_default()))
        .collect()
}

fn links(findings: &[(String, String)]) -> Vec<&(String, String)> {
    findings
        .iter()
        .filter(|(rule, _)| rule.starts_with("link/"))
        .collect()
}

#[test]
fn real_esp_templates_have_no_link_findings_on_merge_tags() {
    let guide = Guide::load(&root()).unwrap();
    let ctx = LintContext::new(&guide).within(Roots::of(&[root().join(REAL)]).unwrap());
    for (path, text) in real_templates() {
        // the excerpts do put merge tags in href/src
        assert!(
            ["href=\"*|", "href=\"<%", "src=\"{{", "href=\"{{"]
                .iter()
                .any(|t| text.contains(t)),
            "{}",
            path.display()
        );
        for kind in [FileKind::EmailHtml, FileKind::Html] {
            let found = lint_as(&ctx, &path, &text, kind);
            assert!(!found.is_empty(), "{} was not linted", path.display());
            assert_eq!(
                links(&found),
                Vec::<&(String, String)>::new(),
                "{}",
                path.display()
            );
            // the same document with one missing picture: links are checked in it
            let broken = text.replace(
                "</body>",
                "<img alt=\"\" src=\"img/missing.png?u={{ id }}\"></body>",
            );
            let found = lint_as(&ctx, &path, &broken, kind);
            assert_eq!(
                links(&found),
                [&(
                    "link/broken-local".to_string(),
                    "img/missing.png?u={{ id }}".to_string()
                )],
                "{}",
                path.display()
            );
        }
    }
}

#[test]
fn the_cli_reports_no_link_on_the_real_templates() {
    let out = Command::new(env!("CARGO_BIN_EXE_brandpress"))
        .current_dir(root())
        .env("NO_COLOR", "1")
        .args(["lint", "--project", ".", "--format", "json", REAL])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
    });
    let findings = v["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    let link: Vec<_> = findings
        .iter()
        .filter(|f| f["rule"].as_str().unwrap().starts_with("link/"))
        .collect();
    assert!(link.is_empty(), "{link:#?}");
}

#[test]
fn every_merge_tag_syntax_in_a_thai_email() {
    let guide = Guide::load(&root()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let ctx = LintContext::new(&guide).within(Roots::of(&[tmp.path().to_path_buf()]).unwrap());
    let page = tmp.path().join("อีเมล.html");
    let html = "<!doctype html><html lang=th><head><style>body{background:#FFF8EE;color:#1B1B1B;font-family:\"Noto Sans Thai\",\"Noto Sans\",sans-serif}</style></head><body>\n\
        <p>ยกเลิกรับข่าว <a href=\"<%asm_group_unsubscribe_raw_url%>\">ที่นี่</a></p>\n\
        <p><a href=\"*|UNSUB|*\">เลิกรับ</a> <a href=\"{{ unsubscribe_url }}\">เลิกรับ</a>\n\
        <a href=\"https://x.example/?e={{email}}\">เว็บ</a> <a href=\"{% unsubscribe_url %}\">ก</a>\n\
        <a href=\"<%= unsubscribe_url %>\">ข</a> <a href=\"%asm_preferences_raw_url%\">ค</a>\n\
        <a href=\"-unsubscribe-\">ง</a> <a href=\"[[unsubscribe]]\">จ</a> <a href=\"{{{ unsubscribe }}}\">ฉ</a></p>\n\
        <img alt=\"โลโก้\" src=\"รูป/{{ logo }}.png\" srcset=\"{{ hero | img_url: '600x' }} 1x, *|HERO2X|* 2x\">\n\
        <div style=\"background-image:url('*|MC:BG|*')\">ข้อความ</div>\n\
        <p>100% <a href=\"100%.html\">ไม่มี</a> <a href=\"img/logo.png\">ไม่มี</a></p>\n\
        </body></html>";
    std::fs::write(&page, html).unwrap();
    let mut found: Vec<_> = lint::html::lint(&ctx, &page, html.as_bytes())
        .into_iter()
        .filter(|f| f.rule.starts_with("link/"))
        .map(|f| (f.rule, f.found.unwrap_or_default()))
        .collect();
    found.sort();
    // only the two near misses, which are plain missing files
    assert_eq!(
        found,
        [
            ("link/broken-local", "100%.html".to_string()),
            ("link/broken-local", "img/logo.png".to_string()),
        ]
    );
}
