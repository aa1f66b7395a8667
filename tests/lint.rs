//! `brandpress lint` end to end: the built binary on fixtures, every output format, and
//! each HTML rule passing and failing on small pages.

mod support;
use std::path::{Path, PathBuf};
use std::process::Command;
use support::copy_dir;

use brandpress::brand::Guide;
use brandpress::lint::{self, LintContext, Roots};
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_brandpress"));
    c.current_dir(root()).env("NO_COLOR", "1");
    c
}

fn lint_json(args: &[&str]) -> (i32, Value) {
    let out = bin()
        .args(["lint", "--project", ".", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap(), v)
}

fn line_of(path: &str, needle: &str) -> u64 {
    let text = std::fs::read_to_string(root().join(path)).unwrap();
    text.lines().position(|l| l.contains(needle)).unwrap() as u64 + 1
}

const PAGE: &str = "tests/fixtures/lint/agency/agency-page.html";

#[test]
fn agency_page_gets_exactly_its_findings() {
    let (code, v) = lint_json(&["tests/fixtures/lint/agency"]);
    assert_eq!(code, 1);
    let mut got: Vec<(String, String, u64)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    got.sort();
    let mut want = vec![
        (
            "color/off-palette".to_string(),
            PAGE.to_string(),
            line_of(PAGE, "#E63946"),
        ),
        (
            "contrast/insufficient".into(),
            PAGE.into(),
            line_of(PAGE, "class=\"fine-print\""),
        ),
        ("font/off-brand".into(), PAGE.into(), line_of(PAGE, "Kanit")),
        (
            "logo/missing-alt".into(),
            PAGE.into(),
            line_of(PAGE, "logo.svg"),
        ),
    ];
    // The banned Thai term is found by the tone rules (src/lint/tone.rs, another branch);
    // this assertion switches itself on once tone::check reports the guide's term.
    let guide = Guide::load(&root()).unwrap();
    if !lint::tone::check(&guide, Some(brandpress::channel::Channel::Web), "ถูกที่สุด").is_empty()
    {
        want.push((
            "tone/banned-term".into(),
            PAGE.into(),
            line_of(PAGE, "ถูกที่สุด"),
        ));
    }
    want.sort();
    assert_eq!(got, want, "{v:#}");
    // the off-palette color names the nearest brand color and suggests the exact value
    let off = &v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "color/off-palette")
        .unwrap();
    assert_eq!(off["found"], "#E63946");
    assert_eq!(off["column"], 36);
    assert!(off["fix"].as_str().unwrap().starts_with("use var(--color-"));
}

#[test]
fn json_output_has_the_stable_shape() {
    let (_, v) = lint_json(&["tests/fixtures/lint/agency"]);
    let top: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
    assert_eq!(top, ["findings", "summary"]);
    let summary: Vec<_> = v["summary"].as_object().unwrap().keys().cloned().collect();
    assert_eq!(summary, ["errors", "files", "warnings"]);
    assert_eq!(v["summary"]["files"], 3);
    for f in v["findings"].as_array().unwrap() {
        for key in [
            "rule", "severity", "path", "line", "column", "message", "expected", "found",
        ] {
            assert!(f.get(key).is_some(), "{key} missing in {f}");
        }
        assert!(["error", "warning", "info"].contains(&f["severity"].as_str().unwrap()));
    }
}

#[test]
fn sarif_output_validates_against_the_2_1_0_schema() {
    let out = bin()
        .args([
            "lint",
            "--project",
            ".",
            "--format",
            "sarif",
            "tests/fixtures/lint/agency",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/fixtures/sarif/sarif-schema-2.1.0.json"))
            .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // and it is not valid by accident: a broken log fails
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&broken));

    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for r in run["results"].as_array().unwrap() {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(!uri.starts_with('/') && !uri.contains('\\'), "{uri}");
        assert!(
            r["partialFingerprints"]["brandpressFinding/v1"]
                .as_str()
                .unwrap()
                .len()
                == 32
        );
    }
}

#[test]
fn github_and_human_formats() {
    let out = bin()
        .args([
            "lint",
            "--project",
            ".",
            "--format",
            "github",
            "tests/fixtures/lint/agency",
        ])
        .output()
        .unwrap();
    let s = String::from_utf8(out.stdout).unwrap();
    let line = line_of(PAGE, "#E63946");
    assert!(
        s.contains(&format!("::error file={PAGE},line={line},col=36,title=color/off-palette::#E63946 is not a brand color")),
        "{s}"
    );
    let out = bin()
        .args(["lint", "--project", ".", "tests/fixtures/lint/agency"])
        .output()
        .unwrap();
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(
        s.contains("error[logo/missing-alt]: the logo has no alt text"),
        "{s}"
    );
    assert!(
        !s.contains('\x1b'),
        "no color when not a terminal / NO_COLOR"
    );
    assert!(s.contains("= expected: alt=\"Tonkla Coffee\""));
}

#[test]
fn the_built_example_lints_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("out");
    let status = bin()
        .args(["build", "--project", ".", "--out"])
        .arg(&out_dir)
        .status()
        .unwrap();
    assert!(status.success());
    let (code, v) = lint_json(&[out_dir.to_str().unwrap()]);
    assert_eq!(v["summary"]["errors"], 0, "{v:#}");
    assert_eq!(code, 0);
    assert!(v["summary"]["files"].as_u64().unwrap() > 5);
}

#[test]
fn unknown_rule_ids_in_the_guide_exit_2_with_the_key_position() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("brand")).unwrap();
    copy_dir(&root().join("brand"), &tmp.path().join("brand"));
    let guide = tmp.path().join("brand/brand.toml");
    let mut text = std::fs::read_to_string(&guide).unwrap();
    text.push_str("\"color/off-pallete\" = \"warning\"\n");
    std::fs::write(&guide, &text).unwrap();
    let line = text.lines().count();
    let out = bin()
        .arg("lint")
        .arg("--project")
        .arg(tmp.path())
        .arg(root().join(PAGE))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("brand.toml:{line}:1")) && err.contains("color/off-pallete"),
        "{err}"
    );
}

// ---- each rule passing and failing on a small page ----------------------------------

/// Lints `html` written to a temp dir (with `extra` files), returning (rule, line) pairs.
/// The page's folder is the linted root: its neighbours may be read.
fn lint_page(html: &str, extra: &[(&str, &str)]) -> Vec<(&'static str, usize)> {
    let guide = Guide::load(&root()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let ctx = LintContext::new(&guide).within(Roots::of(&[tmp.path().to_path_buf()]).unwrap());
    for (name, text) in extra {
        let p = tmp.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let page = tmp.path().join("page.html");
    std::fs::write(&page, html).unwrap();
    let mut f: Vec<_> = lint::html::lint(&ctx, &page, html.as_bytes())
        .into_iter()
        .map(|f| (f.rule, f.location.line.unwrap_or(0)))
        .collect();
    f.sort();
    f
}

const HEAD: &str = "<!doctype html><html lang=th><head><style>body{background:#FFF8EE;color:#1B1B1B;font-family:\"Noto Sans Thai\",\"Noto Sans\",sans-serif}</style></head><body>\n";

fn page(body: &str) -> String {
    format!("{HEAD}{body}\n</body></html>")
}

#[test]
fn rule_color() {
    assert_eq!(
        lint_page(&page("<p style=\"color:#1F5C4A\">กาแฟ</p>"), &[]),
        []
    );
    assert_eq!(
        lint_page(&page("<p style=\"color:#2A6652\">กาแฟ</p>"), &[]),
        [("color/near-miss", 2)]
    );
    assert_eq!(
        lint_page(&page("<svg><rect fill=\"#00ff00\"/></svg>"), &[]),
        [("color/off-palette", 2)]
    );
    // custom properties used through var() are checked where they are defined
    let css = ":root { --accent: rgb(230, 57, 70); }\n.x { border-color: var(--accent); }\n";
    assert_eq!(
        lint_page(
            &page("<link rel=stylesheet href=s.css><p class=x>กาแฟ</p>"),
            &[("s.css", css)]
        ),
        [("color/off-palette", 1)],
        "found once, where the custom property is defined (line 1 of s.css)"
    );
    let guide = Guide::load(&root()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let ctx = LintContext::new(&guide).within(Roots::of(&[tmp.path().to_path_buf()]).unwrap());
    std::fs::write(tmp.path().join("s.css"), css).unwrap();
    let html = page("<link rel=stylesheet href=s.css><p class=x>กาแฟ</p>");
    let p = tmp.path().join("p.html");
    std::fs::write(&p, &html).unwrap();
    let f = lint::html::lint(&ctx, &p, html.as_bytes());
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(
        f[0].location.path,
        tmp.path().join("s.css"),
        "located in the CSS file"
    );
    assert_eq!(
        (f[0].location.line, f[0].location.column),
        (Some(1), Some(19))
    );
    // a second page linking the same sheet does not repeat its findings
    assert!(lint::html::lint(&ctx, &p, html.as_bytes()).is_empty());
}

#[test]
fn rule_font() {
    assert_eq!(
        lint_page(
            &page(
                "<h2 style=\"font-family: var(--f)\">x</h2><style>:root{--f:'Noto Sans', sans-serif}</style>"
            ),
            &[]
        ),
        []
    );
    assert_eq!(
        lint_page(
            &page("<style>\nh2 { font: bold 2rem/1.2 Georgia, serif }\n</style><h2>x</h2>"),
            &[]
        ),
        [("font/off-brand", 3)]
    );
}

#[test]
fn rule_contrast() {
    assert_eq!(
        lint_page(
            &page("<div style=\"background:#1F5C4A\"><p style=\"color:#FFF8EE\">กาแฟ</p></div>"),
            &[]
        ),
        []
    );
    // saffron on paper: fails as body text, and still as large text (1.95:1 < 3:1)
    assert_eq!(
        lint_page(&page("<p style=\"color:#F2A541\">กาแฟ</p>"), &[]),
        [("contrast/insufficient", 2)]
    );
    // a background image: not statically known, no finding
    assert_eq!(
        lint_page(
            &page("<div style=\"background:url(x.png)\"><p style=\"color:#F2A541\">x</p></div>"),
            &[("x.png", "png")]
        ),
        []
    );
}

#[test]
fn rule_logo() {
    let files = [("logo.svg", "<svg/>")];
    assert_eq!(
        lint_page(
            &page("<img src=\"logo.svg\" alt=\"Tonkla Coffee\" width=48 height=48>"),
            &files
        ),
        []
    );
    assert_eq!(
        lint_page(
            &page("<img src=\"logo.svg\" alt=\"\" width=48 height=48>"),
            &files
        ),
        [("logo/missing-alt", 2)]
    );
    assert_eq!(
        lint_page(
            &page("<img src=\"logo.svg\" alt=\"Tonkla Coffee\" style=\"width:32px\">"),
            &files
        ),
        [("logo/min-size", 2)]
    );
}

#[test]
fn rule_link() {
    assert_eq!(
        lint_page(
            &page(
                "<a href=\"a.html#x\">ก</a><a href=\"mailto:x@y.z\">ก</a><a href=\"https://x.example/\">ก</a>"
            ),
            &[("a.html", "")]
        ),
        []
    );
    assert_eq!(
        lint_page(&page("<img alt=\"\" src=\"img/nope.png\">"), &[]),
        [("link/broken-local", 2)]
    );
}

/// Stylesheets and links that leave the linted paths — by `..`, by an absolute path,
/// by a symbolic link — are neither read nor checked: `link/outside-root`, and nothing
/// from the file outside.
#[test]
fn references_out_of_the_linted_folder_are_not_read() {
    let guide = Guide::load(&root()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(out.join("web")).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(
        outside.join("secret.css"),
        "p { color: #E63946 } /* ความลับ */\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.join("secret.css"), out.join("web/link.css")).unwrap();
    let html = page(&format!(
        "<link rel=stylesheet href=\"../../outside/secret.css\">\n<link rel=stylesheet href=\"{}\">\n<link rel=stylesheet href=link.css>\n<img alt=\"\" src=\"../../outside/secret.css\">",
        outside.join("secret.css").display()
    ));
    let page_path = out.join("web/page.html");
    std::fs::write(&page_path, &html).unwrap();
    let ctx = LintContext::new(&guide);
    let report = lint::lint_paths(&ctx, std::slice::from_ref(&out)).unwrap();
    let found: Vec<(&str, Option<usize>)> = report
        .findings
        .iter()
        .filter(|f| !f.rule.starts_with("guide/"))
        .map(|f| (f.rule, f.location.line))
        .collect();
    assert_eq!(
        found,
        [
            // the symbolic link itself (web/link.css sorts before web/page.html)
            ("link/outside-root", None),
            ("link/outside-root", Some(2)),
            // the absolute path is a site path: looked for in the linted folder only
            ("link/broken-local", Some(3)),
            ("link/outside-root", Some(4)),
            ("link/outside-root", Some(5)),
        ],
        "{:#?}",
        report.findings
    );
    assert!(report.findings.iter().all(|f| {
        !f.location.path.starts_with(&outside)
            && f.excerpt
                .as_ref()
                .is_none_or(|e| !e.text.contains("ความลับ"))
    }));
}

/// A linted folder can hold a FIFO where a page names its logo: opening it for reading
/// blocks until something writes to it, so a planted one hung `logo/dark-mode` forever.
/// Only regular files are read; the run finishes with the page's other findings.
#[cfg(target_os = "linux")]
#[test]
fn a_fifo_named_as_the_logo_is_never_opened() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    std::fs::create_dir_all(site.join("assets")).unwrap();
    let fifo = site.join("assets/logo.svg");
    use rustix::fs::{CWD, FileType, Mode, mknodat};
    mknodat(CWD, &fifo, FileType::Fifo, Mode::from_raw_mode(0o600), 0).unwrap();
    std::fs::write(
        site.join("index.html"),
        "<!DOCTYPE html><html lang=\"th\"><head><meta charset=\"utf-8\"><title>ต้นกล้า</title>\n<style>@media (prefers-color-scheme: dark){body{background:#111111}}</style></head>\n<body><img src=\"assets/logo.svg\" alt=\"Tonkla Coffee logo\" width=\"120\" height=\"40\"><p>กาแฟดี</p></body></html>\n",
    )
    .unwrap();
    let mut child = bin()
        .args(["lint", "--project", ".", "--format", "json", "--no-cache"])
        .arg(&site)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // not a timing: a deadline far beyond a run's fraction of a second, for a hang
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("lint did not finish: it opened the FIFO");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let mut stdout = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut stdout).unwrap();
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(status.code(), Some(1), "{stdout}");
    assert!(
        rules_of(&v).iter().any(|r| r == "color/near-miss"),
        "{stdout}"
    );
}

#[test]
fn rule_glyph() {
    assert_eq!(lint_page(&page("<p>กาแฟ Cold Brew</p>"), &[]), []);
    assert_eq!(
        lint_page(
            &page("<p style=\"font-family:'Noto Sans', sans-serif\">กาแฟ</p>"),
            &[]
        ),
        [("font/missing-glyph", 2)]
    );
}

#[test]
fn ignores_need_a_reason() {
    let body = "<!-- brandpress-ignore color/off-palette: partner logo colors -->\n<p style=\"border:1px solid red\">x</p>\n<p style=\"border:1px solid red\">x</p>";
    assert_eq!(lint_page(&page(body), &[]), [("color/off-palette", 4)]);
    let body =
        "<!-- brandpress-ignore color/off-palette -->\n<p style=\"border:1px solid red\">x</p>";
    assert_eq!(
        lint_page(&page(body), &[]),
        [("color/off-palette", 3), ("lint/ignore-without-reason", 2)]
    );
    let body = "<!-- brandpress-ignore-file color/off-palette: archived page -->\n<p style=\"border:1px solid red\">x</p>";
    assert_eq!(lint_page(&page(body), &[]), []);
}

#[test]
fn markdown_ignores_without_reason_are_findings() {
    let guide = Guide::load(&root()).unwrap();
    let ctx = LintContext::new(&guide);
    let md = "+++\ntitle = \"กาแฟ\"\nsummary = \"x\"\n+++\n<!-- brandpress-ignore tone/banned-term -->\nถูกที่สุด\n";
    let f = lint::markdown::lint(&ctx, Path::new("content/x.md"), md.as_bytes());
    let rules: Vec<_> = f.iter().map(|f| (f.rule, f.location.line)).collect();
    assert!(
        rules.contains(&("lint/ignore-without-reason", Some(5))),
        "{rules:?}"
    );
}

/// ESP templates carry no Outlook or Apple marker in their first bytes, but they are email:
/// Lee Munroe's responsive template (MIT; tests/fixtures/email/leemunroe/) and its inlined
/// build are recognized by structure (`mso-` properties, presentation tables), and email
/// rules run on them. Our web pages and the agency page stay web pages.
#[test]
fn esp_templates_are_recognized_as_email_by_structure() {
    use brandpress::lint::{FileKind, detect_kind, looks_like_email};
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let g = Guide::load(&root).unwrap();
    let ctx = LintContext::new(&g);
    for name in ["email.html", "email-inlined.html"] {
        let path = root.join("tests/fixtures/email/leemunroe").join(name);
        let bytes = std::fs::read(&path).unwrap();
        assert!(
            !bytes.windows(13).any(|w| w == b"<!--[if mso]>"),
            "no client marker"
        );
        assert_eq!(detect_kind(&path, &bytes), FileKind::EmailHtml, "{name}");
        let findings = lint::lint_file(&ctx, &path).unwrap();
        assert!(
            findings.iter().any(|f| f.rule.starts_with("email/")),
            "{name}: {:?}",
            findings.iter().map(|f| f.rule).collect::<Vec<_>>()
        );
    }
    let page = root.join("tests/fixtures/lint/agency/agency-page.html");
    assert_eq!(
        detect_kind(&page, &std::fs::read(&page).unwrap()),
        FileKind::Html
    );
    // A page with a script is never an email, whatever its tables look like.
    let scripted = r##"<!DOCTYPE html><html><body><table role="presentation" bgcolor="#fff" style="mso-table-lspace:0"><tr><td>สวัสดี</td></tr></table><script>1</script></body></html>"##;
    assert!(!looks_like_email(scripted.as_bytes()));
    // Merge tags, presentation tables and bgcolor without any client marker.
    let esp = r##"<!DOCTYPE html><html><body bgcolor="#ffffff"><table role="presentation" width="600"><tr><td>สวัสดี *|FNAME|*</td></tr></table></body></html>"##;
    assert!(looks_like_email(esp.as_bytes()));
    let plain = "<!DOCTYPE html><html><body><p>ราคา 89 บาท</p></body></html>";
    assert!(!looks_like_email(plain.as_bytes()));
}

fn rules_of(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

/// `--kind` settles what the bytes leave open: an agency page taken as email gets the email
/// rules, an ESP template taken as a web page does not; a folder's stylesheets and
/// pictures keep their own kinds.
#[test]
fn kind_on_the_command_line_overrides_detection() {
    let page = "tests/fixtures/lint/agency/agency-page.html";
    let (_, web) = lint_json(&[page]);
    assert!(!rules_of(&web).iter().any(|r| r.starts_with("email/")));
    let (_, email) = lint_json(&["--kind", "email", page]);
    assert!(
        rules_of(&email).iter().any(|r| r.starts_with("email/")),
        "{:?}",
        rules_of(&email)
    );
    let esp = "tests/fixtures/email/leemunroe/email.html";
    let (_, as_web) = lint_json(&["--kind", "web", esp]);
    assert!(!rules_of(&as_web).iter().any(|r| r.starts_with("email/")));
    // A folder with a page, its stylesheet and an SVG logo, all taken as email: the
    // stylesheet is not read as a page, the logo is still an image.
    let (_, folder) = lint_json(&["--kind", "email", "tests/fixtures/lint/agency"]);
    let files: std::collections::BTreeSet<&str> = folder["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect();
    assert!(files.iter().all(|f| !f.ends_with(".css")), "{files:?}");
    // An unknown kind is a usage error.
    let out = bin()
        .args(["lint", "--project", ".", "--kind", "fax", page])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("fax"));
}

/// `[lint.kinds]` maps paths of a delivery to kinds: cards must have preset sizes there,
/// and an HTML folder is email. A glob that is not one is a guide error at its line.
#[test]
fn the_guide_maps_paths_to_kinds() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("project");
    std::fs::create_dir_all(project.join("brand")).unwrap();
    for entry in std::fs::read_dir(root().join("brand")).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), project.join("brand").join(entry.file_name())).unwrap();
        }
    }
    let fonts = project.join("brand/fonts");
    std::fs::create_dir_all(&fonts).unwrap();
    for entry in std::fs::read_dir(root().join("brand/fonts")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), fonts.join(entry.file_name())).unwrap();
    }
    let guide = project.join("brand/brand.toml");
    let text = std::fs::read_to_string(&guide).unwrap();
    let with_kinds = |kinds: &str| {
        let mut t = text.clone();
        if t.contains("[lint]") {
            t = t.replacen("[lint]", &format!("[lint.kinds]\n{kinds}\n\n[lint]"), 1);
        } else {
            t.push_str(&format!("\n[lint.kinds]\n{kinds}\n"));
        }
        std::fs::write(&guide, t).unwrap();
    };
    with_kinds("\"cards/*\" = \"card\"\n\"mail/**\" = \"email\"");
    let delivery = tmp.path().join("delivery");
    std::fs::create_dir_all(delivery.join("cards")).unwrap();
    std::fs::create_dir_all(delivery.join("mail/th")).unwrap();
    std::fs::copy(
        root().join("tests/fixtures/image/odd-size.png"),
        delivery.join("cards/โปร.png"),
    )
    .unwrap();
    std::fs::copy(
        root().join("tests/fixtures/image/odd-size.png"),
        delivery.join("illustration.png"),
    )
    .unwrap();
    std::fs::copy(
        root().join("tests/fixtures/lint/agency/agency-page.html"),
        delivery.join("mail/th/promo.html"),
    )
    .unwrap();
    let out = bin()
        .args(["lint", "--format", "json", "--project"])
        .arg(&project)
        .arg(&delivery)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let at = |suffix: &str| -> Vec<String> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["path"].as_str().unwrap().ends_with(suffix))
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(at("โปร.png"), ["image/dimensions"]);
    assert!(
        at("illustration.png").is_empty(),
        "{:?}",
        at("illustration.png")
    );
    assert!(
        at("promo.html").iter().any(|r| r.starts_with("email/")),
        "{:?}",
        at("promo.html")
    );

    with_kinds("\"cards/[*\" = \"card\"");
    let out = bin()
        .args(["lint", "--project"])
        .arg(&project)
        .arg(&delivery)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cards/[*") && err.contains("brand.toml"),
        "{err}"
    );
}

/// Element findings land on the element's own line, also after a table written without
/// `<tbody>` (the HTML parser implies one; the old email reader then shifted findings
/// onto a `<tbody>` line, an `<img>` on line 135 reported at 221).
#[test]
fn findings_keep_their_line_after_an_implicit_tbody() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("promo.html");
    let mut html = String::from(
        "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n<html><head><!--[if mso]><xml></xml><![endif]--></head><body>\n<div lang=\"th\" dir=\"ltr\">\n",
    );
    for i in 0..3 {
        html.push_str(&format!(
            "<table role=\"presentation\" width=\"100%\">\n<tr>\n<td>แถว {i}</td>\n</tr>\n</table>\n"
        ));
    }
    let img_line = html.lines().count() + 1;
    html.push_str("<img src=\"https://x.example/hero.png\" width=\"600\">\n");
    html.push_str("<p style=\"color:#E63946\">ราคาพิเศษ</p>\n</div></body></html>\n");
    let color_line = img_line + 1;
    std::fs::write(&path, &html).unwrap();
    std::fs::write(tmp.path().join("promo.txt"), "ราคาพิเศษ").unwrap();
    let g = Guide::load(&root()).unwrap();
    let ctx = LintContext::new(&g).within(Roots::of(&[tmp.path().to_path_buf()]).unwrap());
    let findings = lint::lint_file(&ctx, &path).unwrap();
    let line_of = |rule: &str| {
        findings
            .iter()
            .find(|f| f.rule == rule)
            .unwrap_or_else(|| panic!("{rule}: {findings:?}"))
            .location
            .line
    };
    assert_eq!(line_of("email/missing-alt"), Some(img_line));
    assert_eq!(line_of("color/off-palette"), Some(color_line));
}

/// UTF-16 pages (with a BOM) and legacy Thai pages (`windows-874` in a meta tag) are read
/// as browsers read them: no bogus findings from mis-decoded bytes, and a banned Thai term
/// is found at its line.
#[test]
fn utf16_and_legacy_thai_html_are_decoded() {
    let tmp = tempfile::tempdir().unwrap();
    let page = |meta: &str| {
        format!(
            "<!DOCTYPE html>\n<html lang=\"th\"><head>{meta}<title>โปร</title></head>\n<body>\n<p>โคลด์บรูว์ของต้นกล้า ถูกที่สุด ในย่านนี้</p>\n<p>สั่งเลยวันนี้ รับฟรีอีกแก้ว</p>\n</body></html>\n"
        )
    };
    let utf16 = tmp.path().join("utf16.html");
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(page("").encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(&utf16, bytes).unwrap();
    let legacy = tmp.path().join("tis620.html");
    let text = page("<meta charset=\"windows-874\">");
    let (bytes, _, _) = encoding_rs::WINDOWS_874.encode(&text);
    std::fs::write(&legacy, &*bytes).unwrap();
    let g = Guide::load(&root()).unwrap();
    let ctx = LintContext::new(&g).within(Roots::of(&[tmp.path().to_path_buf()]).unwrap());
    for path in [utf16, legacy] {
        let findings = lint::lint_file(&ctx, &path).unwrap();
        let rules: Vec<&str> = findings.iter().map(|f| f.rule).collect();
        assert_eq!(rules, ["tone/banned-term"], "{path:?}: {findings:?}");
        assert_eq!(findings[0].location.line, Some(4));
        let excerpt = &findings[0].excerpt.as_ref().expect("an excerpt").text;
        assert!(excerpt.contains("ถูกที่สุด"), "{excerpt}");
    }
}

/// A table row and a list of links are labels, not one long sentence (issue 11: "tables
/// are not sentences"); the same words as prose still are one.
#[test]
fn rule_tone_tables_and_link_lists_are_not_sentences() {
    let links: Vec<String> = (1..=14)
        .map(|i| format!("<a href=\"#s{i}\">สาขาที่ {i} สยาม</a>"))
        .collect();
    let cells: String = (1..=14)
        .map(|i| format!("<td>Cold brew {i} cups</td>"))
        .collect();
    let body = format!(
        "<nav><p>{}</p></nav>\n<nav>{}</nav>\n<table><tr>{cells}</tr></table>",
        links.join(" | "),
        links.join(" ")
    );
    let found = lint_page(&page(&body), &[]);
    assert!(
        !found
            .iter()
            .any(|(rule, _)| *rule == "tone/sentence-length"),
        "{found:?}"
    );
    // the same words run together as prose: one sentence, too long
    let prose: Vec<String> = (1..=14).map(|i| format!("branch {i} at Siam")).collect();
    let found = lint_page(&page(&format!("<p>{}</p>", prose.join(" and "))), &[]);
    assert!(found.contains(&("tone/sentence-length", 2)), "{found:?}");
}

/// UTM tags on brand links (issue 12): an email link to the brand's site without tags,
/// or tagged for the web, is a finding; third-party links and merge tags are not; a web
/// page's own links need no tags, but tags they carry must be the web's.
#[test]
fn rule_link_utm() {
    let guide = Guide::load(&root()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let ctx = LintContext::new(&guide).within(Roots::of(&[tmp.path().to_path_buf()]).unwrap());
    let body = "<!DOCTYPE html><html lang=\"th\"><head><meta name=\"x-apple-disable-message-reformatting\"></head><body><div lang=\"th\" dir=\"ltr\">\n\
        <a href=\"https://tonkla.example/menu\">เมนู</a>\n\
        <a href=\"https://shop.tonkla.example/?utm_source=web&amp;utm_medium=referral\">ร้าน</a>\n\
        <a href=\"https://tonkla.example/?utm_source=email&amp;utm_medium=social\">x</a>\n\
        <a href=\"https://tonkla.example/?utm_source=email&amp;utm_medium=email&amp;utm_campaign=winter-2026\">ok</a>\n\
        <a href=\"https://www.lineman.example/tonkla\">LINE MAN</a>\n\
        <a href=\"*|ARCHIVE|*\">archive</a>\n\
        </div></body></html>";
    let path = tmp.path().join("mail.html");
    std::fs::write(&path, body).unwrap();
    std::fs::write(tmp.path().join("mail.txt"), "x").unwrap();
    let found: Vec<(&str, usize, String)> = lint::html::lint_email(&ctx, &path, body.as_bytes())
        .into_iter()
        .filter(|f| f.rule.starts_with("link/utm"))
        .map(|f| (f.rule, f.location.line.unwrap_or(0), f.message))
        .collect();
    let rules: Vec<(&str, usize)> = found.iter().map(|(r, l, _)| (*r, *l)).collect();
    assert_eq!(
        rules,
        [
            ("link/utm-missing", 2),
            ("link/utm-mismatch", 3),
            ("link/utm-mismatch", 4)
        ],
        "{found:#?}"
    );
    assert!(
        found[1].2.contains("utm_source=web in an email"),
        "{found:#?}"
    );
    assert!(found[2].2.contains("utm_medium=social"), "{found:#?}");
    // linted as one campaign (`--campaign`), a link tagged for another is a mismatch too
    let spring = LintContext::new(&guide)
        .within(Roots::of(&[tmp.path().to_path_buf()]).unwrap())
        .in_campaign(Some("spring-2027".into()));
    let other: Vec<(&str, usize)> = lint::html::lint_email(&spring, &path, body.as_bytes())
        .into_iter()
        .filter(|f| f.rule.starts_with("link/utm"))
        .map(|f| (f.rule, f.location.line.unwrap_or(0)))
        .collect();
    assert_eq!(
        other,
        [
            ("link/utm-missing", 2),
            ("link/utm-mismatch", 3),
            ("link/utm-mismatch", 4),
            ("link/utm-mismatch", 5)
        ],
        "utm_campaign=winter-2026 in a spring-2027 email"
    );
    // on a web page: no tags needed, but an email's tags are wrong there
    let web = page_utm(&page(
        "<a href=\"https://tonkla.example/menu\">เมนู</a>\n<a href=\"https://tonkla.example/?utm_source=email\">x</a>",
    ));
    assert_eq!(web, [("link/utm-mismatch", 3)]);
}

fn page_utm(html: &str) -> Vec<(&'static str, usize)> {
    lint_page(html, &[])
        .into_iter()
        .filter(|(r, _)| r.starts_with("link/utm"))
        .collect()
}

/// `<base href>` decides where relative references go: below a web address they are
/// web addresses (nothing to find on disk); below a relative folder they resolve there.
#[test]
fn rule_links_follow_base_href() {
    let broken = |html: &str, files: &[(&str, &str)]| -> Vec<usize> {
        lint_page(html, files)
            .into_iter()
            .filter(|(r, _)| *r == "link/broken-local")
            .map(|(_, l)| l)
            .collect()
    };
    let body = "<img src=\"ภาพ/hero.png\" alt=\"กาแฟ\">\n<a href=\"menu.html\">เมนู</a>";
    assert_eq!(
        broken(&page(body), &[]),
        [2, 3],
        "no base: files beside the page"
    );
    let web = page(&format!(
        "<base href=\"https://tonkla.example/th/\">\n{body}"
    ));
    assert_eq!(
        broken(&web, &[]),
        Vec::<usize>::new(),
        "web base: web addresses"
    );
    let local = page(&format!("<base href=\"assets/\">\n{body}"));
    let found = broken(
        &local,
        &[
            ("assets/ภาพ/hero.png", "x"),
            ("assets/menu.html", "<p>x</p>"),
        ],
    );
    assert_eq!(
        found,
        Vec::<usize>::new(),
        "relative base: resolved below it"
    );
    assert_eq!(broken(&local, &[("ภาพ/hero.png", "x")]), [3, 4]);
}
