//! The binary end to end: build the example and an `init` project, parse the pages, and
//! check that bad input exits 2 with file:line:col and writes nothing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use brandpress::lint::html::parse::{Document, Element, Node};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn brandpress(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_brandpress"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run brandpress")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Copies the example project (guide, content, templates) into a temporary directory.
fn copy_example(dir: &Path) {
    for sub in ["brand", "content", "templates"] {
        for entry in walkdir::WalkDir::new(repo().join(sub)) {
            let entry = entry.unwrap();
            let rel = entry.path().strip_prefix(repo()).unwrap();
            let dest = dir.join(rel);
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&dest).unwrap();
            } else {
                std::fs::copy(entry.path(), &dest).unwrap();
            }
        }
    }
}

/// The first element of `doc` named `name` whose attributes include every `(name, value)`
/// of `attrs` (`class` matches one class of the list).
fn first<'d>(doc: &'d Document, name: &str, attrs: &[(&str, &str)]) -> Option<&'d Element> {
    all(doc, name, attrs).into_iter().next()
}

fn all<'d>(doc: &'d Document, name: &str, attrs: &[(&str, &str)]) -> Vec<&'d Element> {
    doc.elements
        .iter()
        .filter(|e| {
            (name.is_empty() || e.name == name)
                && attrs.iter().all(|(k, v)| match *k {
                    "class" => e.has_class(v),
                    _ => e.attr_value(k) == Some(*v),
                })
        })
        .collect()
}

/// The text inside an element, its descendants' included, in document order.
fn text_of(doc: &Document, e: &Element) -> String {
    let mut out = String::new();
    let mut stack: Vec<&Node> = e.children.iter().rev().collect();
    while let Some(node) = stack.pop() {
        match *node {
            Node::Text(t) => out.push_str(&doc.texts[t]),
            Node::Element(c) => stack.extend(doc.elements[c].children.iter().rev()),
        }
    }
    out
}

fn build_web(project: &Path, out: &Path) -> Output {
    let out = brandpress(&[
        "build",
        "--project",
        project.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--channels",
        "web",
    ]);
    assert!(out.status.success(), "build failed: {}", text(&out.stderr));
    out
}

#[test]
fn builds_the_example_web_pages_from_the_guide() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let result = build_web(&repo(), &out);
    let stdout = text(&result.stdout);
    assert!(stdout.starts_with("built 4 pieces: "), "{stdout}");

    // Colors and fonts come from the guide.
    let css = std::fs::read_to_string(out.join("web/assets/brand.css")).unwrap();
    assert!(css.contains("--color-forest: #1F5C4A;"), "{css}");
    assert!(css.contains("--role-primary: var(--color-forest);"));
    assert!(css.contains("--font-heading: \"Noto Sans\", \"Noto Sans Thai\""));
    assert!(
        css.contains("font-family: \"Noto Sans Thai\"; src: url(\"fonts/NotoSansThai-Bold.ttf\")")
    );
    assert!(css.contains("font-weight: 700"));
    assert!(
        css.contains("@media (prefers-color-scheme: dark)")
            && css.contains("--color-paper: #151A18;")
    );
    assert!(
        out.join("web/assets/fonts/NotoSansThai-Regular.ttf")
            .is_file()
    );
    assert!(out.join("web/assets/logo.svg").is_file());

    // A Thai page: lang="th" on the document, Latin runs marked, OG meta, escaping.
    let page = std::fs::read_to_string(out.join("web/cold-brew-winter/index.html")).unwrap();
    let doc = Document::parse(&page);
    let html = first(&doc, "html", &[]).unwrap();
    assert_eq!(html.attr_value("lang"), Some("th"));
    let h1 = text_of(&doc, first(&doc, "h1", &[]).unwrap());
    assert_eq!(h1, "โคลด์บรูว์รับลมหนาว สองแก้ว 89 บาท");
    let og = first(&doc, "meta", &[("property", "og:image")]).unwrap();
    assert_eq!(
        og.attr_value("content"),
        Some("https://tonkla.example/campaigns/social/cold-brew-winter-og.png")
    );
    let tw = first(&doc, "meta", &[("name", "twitter:image")]).unwrap();
    assert_eq!(tw.attr_value("content"), og.attr_value("content"));
    assert!(
        first(
            &doc,
            "link",
            &[("rel", "stylesheet"), ("href", "../assets/brand.css")]
        )
        .is_some()
    );
    let cta = first(&doc, "a", &[("class", "cta")]).unwrap();
    assert!(cta.attr_value("href").unwrap().contains("utm_source=web"));
    assert!(
        page.contains("<span lang=\"en\">LINE</span>"),
        "Latin inside Thai is marked"
    );
    assert!(
        out.join("web/cold-brew-winter/cold-brew.svg").is_file(),
        "hero copied"
    );
    let facts = text_of(&doc, first(&doc, "", &[("class", "facts")]).unwrap());
    assert!(
        facts.contains("WINTER26") && facts.contains("1 ธ.ค. 2569"),
        "{facts}"
    );

    // An English page with Thai inside: the Thai run carries lang="th".
    let page = std::fs::read_to_string(out.join("web/new-year-beans/index.html")).unwrap();
    let doc = Document::parse(&page);
    assert_eq!(
        first(&doc, "html", &[]).unwrap().attr_value("lang"),
        Some("en")
    );
    let thai: Vec<String> = all(&doc, "span", &[("lang", "th")])
        .into_iter()
        .map(|e| text_of(&doc, e))
        .collect();
    assert_eq!(thai, ["ขอบคุณครับ"]);
}

#[test]
fn rebuilds_are_identical() {
    let tmp = tempfile::tempdir().unwrap();
    build_web(&repo(), &tmp.path().join("a"));
    build_web(&repo(), &tmp.path().join("b"));
    for page in ["cold-brew-winter", "new-year-beans"] {
        let rel = format!("web/{page}/index.html");
        assert_eq!(
            std::fs::read(tmp.path().join("a").join(&rel)).unwrap(),
            std::fs::read(tmp.path().join("b").join(&rel)).unwrap()
        );
    }
}

#[test]
fn init_creates_a_project_that_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("new-brand");
    let out = brandpress(&["init", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    for file in [
        "brand/brand.toml",
        "brand/fonts/NotoSansThai-Regular.ttf",
        "brand/fonts/OFL.txt",
        "brand/logo.svg",
        "templates/web/page.html",
        "content/welcome.md",
    ] {
        assert!(dir.join(file).is_file(), "{file} missing");
    }
    let result = brandpress(&["build", "--project", dir.to_str().unwrap()]);
    assert!(result.status.success(), "{}", text(&result.stderr));
    let page = std::fs::read_to_string(dir.join("out/web/welcome/index.html")).unwrap();
    assert!(page.contains("<html lang=\"th\">"));

    // A second init into the same directory refuses and changes nothing.
    let again = brandpress(&["init", dir.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(2));
    assert!(text(&again.stderr).contains("already exists and is not empty"));
}

/// Breaks the guide of a copied project and checks: exit 2, file:line:col, nothing written.
fn assert_broken_guide(from: &str, to: &str, expect: &str) {
    let tmp = tempfile::tempdir().unwrap();
    copy_example(tmp.path());
    let guide = tmp.path().join("brand/brand.toml");
    let original = std::fs::read_to_string(&guide).unwrap();
    assert!(original.contains(from));
    std::fs::write(&guide, original.replacen(from, to, 1)).unwrap();
    let out_dir = tmp.path().join("out");
    let result = brandpress(&["build", "--project", tmp.path().to_str().unwrap()]);
    assert_eq!(
        result.status.code(),
        Some(2),
        "stderr: {}",
        text(&result.stderr)
    );
    let stderr = text(&result.stderr);
    assert!(stderr.contains(expect), "expected {expect:?} in:\n{stderr}");
    assert!(!stderr.contains("panicked"));
    assert!(
        !out_dir.exists(),
        "nothing may be written for a broken guide"
    );
}

#[test]
fn broken_guide_exits_2_with_position_and_writes_nothing() {
    let guide = std::fs::read_to_string(repo().join("brand/brand.toml")).unwrap();
    let line_of = |needle: &str| guide[..guide.find(needle).unwrap()].matches('\n').count() + 1;
    let hex = line_of("hex = \"#1F5C4A\"");
    assert_broken_guide(
        "hex = \"#1F5C4A\"",
        "hex = \"#1F5C4\"",
        &format!("brand/brand.toml:{hex}:7: invalid hex color \"#1F5C4\""),
    );
    let key = line_of("near_miss = 5.0") + 1;
    assert_broken_guide(
        "near_miss = 5.0",
        "near_miss = 5.0\nnear_mis = 4.0",
        &format!(
            "brand/brand.toml:{key}:12: invalid type: floating point `4.0`, expected `near_mis` to be a [colors.near_mis] table"
        ),
    );
    assert_broken_guide(
        "files = [\"NotoSansThai-Bold.ttf\"]",
        "files = [\"NotoSansThai-Black.ttf\"]",
        "NotoSansThai-Black.ttf not found",
    );
}

#[test]
fn broken_content_exits_2_with_position() {
    let tmp = tempfile::tempdir().unwrap();
    copy_example(tmp.path());
    let piece = tmp
        .path()
        .join("content/winter-2026/member-double-points.md");
    let original = std::fs::read_to_string(&piece).unwrap();
    std::fs::write(
        &piece,
        original.replacen("lang = \"th\"", "lang = \"thai\"", 1),
    )
    .unwrap();
    // A duplicate slug in another file.
    std::fs::write(
        tmp.path().join("content/copy.md"),
        "+++\ntitle = \"สำเนา\"\nsummary = \"ซ้ำ\"\nslug = \"cold-brew-winter\"\n+++\nข้อความ\n",
    )
    .unwrap();
    let result = brandpress(&["build", "--project", tmp.path().to_str().unwrap()]);
    assert_eq!(result.status.code(), Some(2));
    let stderr = text(&result.stderr);
    assert!(
        stderr.contains("member-double-points.md:6:8: lang \"thai\" is not supported"),
        "{stderr}"
    );
    // copy.md sorts first, so the example's own piece is the duplicate.
    assert!(
        stderr.contains("cold-brew-winter.md:4:8: slug \"cold-brew-winter\" is already used by")
            && stderr.contains("content/copy.md"),
        "{stderr}"
    );
    assert!(!tmp.path().join("out").exists());
}

#[test]
fn usage_errors_exit_2() {
    let result = brandpress(&["build", "--channels", "fax"]);
    assert_eq!(result.status.code(), Some(2));
    assert!(text(&result.stderr).contains("unknown channel \"fax\""));
    let tmp = tempfile::tempdir().unwrap();
    let result = brandpress(&["build", "--project", tmp.path().to_str().unwrap()]);
    assert_eq!(result.status.code(), Some(2));
    assert!(
        text(&result.stderr).contains("no brand guide here"),
        "{}",
        text(&result.stderr)
    );
}

#[test]
fn brand_validate_prints_a_summary() {
    let result = brandpress(&["brand", "validate", "--project", repo().to_str().unwrap()]);
    assert!(result.status.success(), "{}", text(&result.stderr));
    let stdout = text(&result.stdout);
    assert!(stdout.contains("Tonkla Coffee: brand guide OK"), "{stdout}");
    assert!(
        stdout.contains("contrast ink on paper: 16.33:1"),
        "{stdout}"
    );
}

#[test]
fn lint_walks_the_output() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    build_web(&repo(), &out);
    let result = brandpress(&[
        "lint",
        out.to_str().unwrap(),
        "--project",
        repo().to_str().unwrap(),
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&result.stdout).expect("json report");
    assert!(json["summary"]["files"].as_u64().unwrap() >= 10, "{json}");
    let missing = brandpress(&[
        "lint",
        "/nonexistent/path",
        "--project",
        repo().to_str().unwrap(),
    ]);
    assert_eq!(missing.status.code(), Some(2));
}
