//! `logo/dark-mode` (issue 14): a logo that disappears in the page's dark styles, or in an
//! email under forced inversion (the background inverted, images not), is a finding; a
//! dark variant served by `<picture>` or a class swap is what dark mode shows; the example
//! (which names `[logo] dark`) is clean.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `brandpress lint --format json` of `files` with the example guide: the findings of
/// `logo/dark-mode`, as (line, message).
fn dark_findings(files: &[&Path], extra: &[&str]) -> Vec<(u64, String)> {
    let out = Command::new(env!("CARGO_BIN_EXE_brandpress"))
        .args(["lint", "--no-cache", "--format", "json", "--project"])
        .arg(root())
        .args(extra)
        .args(files)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
    });
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "logo/dark-mode")
        .map(|f| {
            assert_eq!(f["severity"], "warning");
            (
                f["line"].as_u64().unwrap_or(0),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A transparent logo: an ink-black bar (brand ink #1B1B1B).
const BLACK: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 40" width="100" height="40"><rect x="10" y="10" width="80" height="20" fill="#1B1B1B"/></svg>"##;
/// Its dark variant: the bar in ink's dark value.
const LIGHT: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 40" width="100" height="40"><rect x="10" y="10" width="80" height="20" fill="#F4EFE6"/></svg>"##;

const STYLE: &str = "body { background: #FFF8EE; color: #1B1B1B; }\n\
    @media (prefers-color-scheme: dark) { body { background: #151A18; color: #F4EFE6; } }\n";

fn page(dir: &Path, style: &str, header: &str) -> PathBuf {
    std::fs::write(dir.join("logo-black.svg"), BLACK).unwrap();
    std::fs::write(dir.join("logo-light.svg"), LIGHT).unwrap();
    let html = format!(
        "<!doctype html>\n<html lang=\"th\">\n<head>\n<meta charset=\"utf-8\">\n<title>กาแฟเย็น</title>\n<style>\n{style}</style>\n</head>\n<body>\n<header>{header}</header>\n<p>โคลด์บรูว์สองแก้ว 89 บาท ถึงสิ้นเดือนธันวาคม</p>\n</body>\n</html>\n"
    );
    let path = dir.join("หน้า.html");
    std::fs::write(&path, html).unwrap();
    path
}

#[test]
fn a_black_logo_disappears_on_the_pages_dark_background() {
    let tmp = tempfile::tempdir().unwrap();
    let path = page(
        tmp.path(),
        STYLE,
        "<img src=\"logo-black.svg\" alt=\"Tonkla Coffee\" width=\"100\" height=\"40\">",
    );
    let found = dark_findings(&[path.parent().unwrap()], &[]);
    assert_eq!(found.len(), 1, "{found:?}");
    let (line, message) = &found[0];
    assert_eq!(*line, 12, "at the <img>");
    assert!(message.contains("in dark mode"), "{message}");
    assert!(message.contains("logo-black.svg"), "{message}");
    assert!(message.contains("#151A18"), "{message}");
    assert!(message.contains("0% of its pixels"), "{message}");
}

#[test]
fn the_same_logo_in_light_mode_only_is_clean() {
    // no dark styles: the page stays light, the logo shows
    let tmp = tempfile::tempdir().unwrap();
    let path = page(
        tmp.path(),
        "body { background: #FFF8EE; color: #1B1B1B; }\n",
        "<img src=\"logo-black.svg\" alt=\"Tonkla Coffee\" width=\"100\" height=\"40\">",
    );
    assert_eq!(dark_findings(&[path.parent().unwrap()], &[]), []);
}

#[test]
fn a_dark_variant_in_a_picture_source_is_what_dark_mode_shows() {
    let tmp = tempfile::tempdir().unwrap();
    let path = page(
        tmp.path(),
        STYLE,
        "<picture><source media=\"(prefers-color-scheme: dark)\" srcset=\"logo-light.svg\"><img src=\"logo-black.svg\" alt=\"Tonkla Coffee\" width=\"100\" height=\"40\"></picture>",
    );
    assert_eq!(dark_findings(&[path.parent().unwrap()], &[]), []);
    // a "dark variant" that is the black logo again is no help
    let path = page(
        tmp.path(),
        STYLE,
        "<picture><source media=\"(prefers-color-scheme: dark)\" srcset=\"logo-black.svg\"><img src=\"logo-black.svg\" alt=\"Tonkla Coffee\" width=\"100\" height=\"40\"></picture>",
    );
    let found = dark_findings(&[path.parent().unwrap()], &[]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].1.contains("its dark variant"), "{}", found[0].1);
}

#[test]
fn a_class_swap_to_the_dark_variant_is_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let style = format!(
        "{STYLE}.logo-dark {{ display: none; }}\n\
         @media (prefers-color-scheme: dark) {{ .logo-light {{ display: none; }} .logo-dark {{ display: block; }} }}\n"
    );
    let path = page(
        tmp.path(),
        &style,
        "<img class=\"logo-light\" src=\"logo-black.svg\" alt=\"Tonkla Coffee\" width=\"100\" height=\"40\"><img class=\"logo-dark\" src=\"logo-light.svg\" alt=\"Tonkla Coffee\" width=\"100\" height=\"40\">",
    );
    assert_eq!(dark_findings(&[path.parent().unwrap()], &[]), []);
}

/// A 100×40 PNG: a black bar, on transparent or (`boxed`) on baked-in white.
fn png(boxed: bool) -> Vec<u8> {
    let mut img = image::RgbaImage::new(100, 40);
    for (x, y, p) in img.enumerate_pixels_mut() {
        let bar = (10..90).contains(&x) && (10..30).contains(&y);
        *p = match (bar, boxed) {
            (true, _) => image::Rgba([0x1B, 0x1B, 0x1B, 255]),
            (false, true) => image::Rgba([255, 255, 255, 255]),
            (false, false) => image::Rgba([0, 0, 0, 0]),
        };
    }
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn email(dir: &Path, logo: &str) -> PathBuf {
    let html = format!(
        "<!doctype html>\n<html lang=\"th\">\n<head>\n<meta charset=\"utf-8\">\n<title>จดหมายข่าว</title>\n</head>\n<body style=\"margin: 0; background-color: #FFFFFF;\">\n<table role=\"presentation\" width=\"100%\" bgcolor=\"#FFFFFF\"><tr><td>\n<img src=\"{logo}\" alt=\"Tonkla Coffee\" width=\"100\" height=\"40\" style=\"display: block;\">\n<p style=\"color: #1B1B1B;\">สวัสดีค่ะ โคลด์บรูว์สองแก้ว 89 บาท</p>\n</td></tr></table>\n</body>\n</html>\n"
    );
    let path = dir.join("จดหมาย.html");
    std::fs::write(&path, html).unwrap();
    path
}

#[test]
fn forced_inversion_hides_a_transparent_dark_logo_but_not_a_boxed_one() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("logo-clear.png"), png(false)).unwrap();
    std::fs::write(tmp.path().join("logo-boxed.png"), png(true)).unwrap();
    // transparent: the white email turns black, the black bar stays black
    let path = email(tmp.path(), "logo-clear.png");
    let found = dark_findings(
        &[
            &path,
            &tmp.path().join("logo-clear.png"),
            &tmp.path().join("logo-boxed.png"),
        ],
        &["--kind", "email"],
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].1.contains("forced inversion"), "{}", found[0].1);
    assert!(found[0].1.contains("#000000"), "{}", found[0].1);
    // baked-in white: a white box on the black email, the bar on it as before — seen
    let path = email(tmp.path(), "logo-boxed.png");
    assert_eq!(
        dark_findings(
            &[
                &path,
                &tmp.path().join("logo-clear.png"),
                &tmp.path().join("logo-boxed.png")
            ],
            &["--kind", "email"]
        ),
        []
    );
    // the same transparent logo on a web page: no forced inversion there
    let path = email(tmp.path(), "logo-clear.png");
    assert_eq!(
        dark_findings(
            &[&path, &tmp.path().join("logo-clear.png")],
            &["--kind", "web"]
        ),
        []
    );
}

#[test]
fn the_example_with_its_dark_logo_is_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("โครงการ");
    for part in ["brand", "content", "templates"] {
        support::copy_dir(&root().join(part), &project.join(part));
    }
    let out = Command::new(env!("CARGO_BIN_EXE_brandpress"))
        .current_dir(&project)
        .args(["build", "--channels", "web,email"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = project.join("out/web/cold-brew-winter/index.html");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains(
            "<source media=\"(prefers-color-scheme: dark)\" srcset=\"..&#x2F;assets&#x2F;logo-dark.svg\">"
        ),
        "the page serves the dark logo in dark mode"
    );
    assert!(project.join("out/web/assets/logo-dark.svg").is_file());
    let lint = |project: &Path| {
        let out = Command::new(env!("CARGO_BIN_EXE_brandpress"))
            .current_dir(project)
            .args(["lint", "out", "--no-cache", "--format", "json"])
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "logo/dark-mode")
            .map(|f| f["path"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(lint(&project), Vec::<String>::new());

    // without the dark variant the forest disc melts into the dark header (#22302A)
    let guide = project.join("brand/brand.toml");
    let text = std::fs::read_to_string(&guide).unwrap();
    std::fs::write(&guide, text.replace("dark = \"logo-dark.svg\"\n", "")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_brandpress"))
        .current_dir(&project)
        .args(["build", "--channels", "web"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let found = lint(&project);
    assert!(
        found
            .iter()
            .any(|p| p.ends_with("cold-brew-winter/index.html")),
        "{found:?}"
    );
}

#[test]
fn the_dark_logo_is_path_checked_like_the_other_logo_files() {
    use brandpress::brand::Guide;
    use brandpress::error::SourceFile;
    let text = std::fs::read_to_string(root().join("brand/brand.toml")).unwrap();
    let guide = Guide::load(&root()).unwrap();
    assert_eq!(
        guide.logo.dark.as_ref().map(|d| d.get_ref().as_str()),
        Some("logo-dark.svg")
    );
    for bad in ["../../../etc/passwd", "ไม่มี-โลโก้.svg"] {
        let broken = text.replace("dark = \"logo-dark.svg\"", &format!("dark = \"{bad}\""));
        let e = Guide::from_source(&root(), SourceFile::new("brand/brand.toml", broken))
            .err()
            .unwrap_or_else(|| panic!("{bad} is refused"));
        let messages = e.messages().join("\n");
        let line = text[..text.find("dark = \"logo-dark.svg\"").unwrap()]
            .matches('\n')
            .count()
            + 1;
        assert!(messages.contains(bad), "{messages}");
        assert!(
            messages.starts_with(&format!("brand/brand.toml:{line}:")),
            "at the key: {messages}"
        );
    }
}
