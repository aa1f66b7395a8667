//! `brandpress brand book`: the HTML page and the PDF generated from the guide, on temp
//! copies of the example project. Pure Rust checks (lopdf, hayro); the command line for
//! the errors and the refusals.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use brandpress::book::{self, MARKER, PDF_NAME};
use brandpress::lint::pdf::extract_text;
use brandpress::project::Project;
use support::{copy_dir, rasterize};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A copy of the example project (guide, content, templates) under `dir`.
fn example(dir: &Path) -> PathBuf {
    let project = dir.join("ต้นกล้า-project");
    for sub in ["brand", "content", "templates"] {
        copy_dir(&root().join(sub), &project.join(sub));
    }
    project
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_brandpress"))
}

/// The palette's hex values as the guide writes them, read with toml alone.
fn palette_hexes(project: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(project.join("brand/brand.toml")).unwrap();
    let doc: toml::Table = text.parse().unwrap();
    let colors = doc["colors"].as_table().unwrap();
    colors
        .iter()
        .filter_map(|(name, v)| {
            let hex = v.as_table()?.get("hex")?.as_str()?;
            Some((name.clone(), hex.to_ascii_uppercase()))
        })
        .collect()
}

/// WCAG 2.1 contrast from two `#RRGGBB` values, computed here from the formula.
fn wcag_contrast(a: &str, b: &str) -> f64 {
    let lum = |hex: &str| {
        let ch = |i: usize| {
            let v = u8::from_str_radix(&hex[1 + 2 * i..3 + 2 * i], 16).unwrap() as f64 / 255.0;
            if v <= 0.04045 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * ch(0) + 0.7152 * ch(1) + 0.0722 * ch(2)
    };
    let (x, y) = (lum(a), lum(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

fn write(project: &Path, dir: &Path) -> book::BookSummary {
    let project = Project::load(project).expect("example loads");
    book::write_book(&project, dir).expect("the book is written")
}

#[test]
fn the_html_shows_every_color_the_contrast_of_a_known_pair_and_thai_specimens() {
    let tmp = tempfile::tempdir().unwrap();
    let project = example(tmp.path());
    let dir = tmp.path().join("หนังสือ-book");
    let summary = write(&project, &dir);
    assert!(summary.files.contains(&"index.html".to_string()));
    assert!(summary.pdf_pages >= 3, "{summary:?}");
    let html = std::fs::read_to_string(dir.join("index.html")).unwrap();

    let palette = palette_hexes(&project);
    assert_eq!(palette.len(), 6);
    for (name, hex) in &palette {
        assert!(html.contains(hex), "{name} {hex} missing");
    }
    // ink #1B1B1B on paper #FFF8EE, as the matrix cell states it
    let hex = |n: &str| palette.iter().find(|(k, _)| k == n).unwrap().1.clone();
    let ratio = wcag_contrast(&hex("ink"), &hex("paper"));
    let cell = html
        .split("<td ")
        .find(|td| td.contains("title=\"ink on paper\""))
        .expect("the ink on paper cell");
    assert!(
        cell.contains(&format!("{ratio:.2}:1")),
        "{ratio:.2} in {cell}"
    );
    assert!(cell.contains("AAA") && cell.contains("declared"), "{cell}");
    // saffron on paper fails, and is shown as failing
    let ratio = wcag_contrast(&hex("saffron"), &hex("paper"));
    assert!(ratio < 3.0);
    let cell = html
        .split("<td ")
        .find(|td| td.contains("title=\"saffron on paper\""))
        .unwrap();
    assert!(
        cell.contains(&format!("{ratio:.2}:1")) && cell.contains("fail"),
        "{cell}"
    );
    // the declared exception's reason
    assert!(html.contains("display text of 32 px and more on cards only"));

    // Thai specimens with stacked marks, in every role's @font-face fonts
    for thai in ["ที่นี่", "ผู้ใหญ่", "ปั้น", "กุ้ง", "น้ำ"]
    {
        assert!(html.contains(thai), "{thai}");
    }
    assert!(html.contains("lang=\"th\""));
    for font in [
        "NotoSans-Regular.ttf",
        "NotoSans-Bold.ttf",
        "NotoSansThai-Regular.ttf",
        "NotoSansThai-Bold.ttf",
    ] {
        assert!(html.contains(&format!("url(\"fonts/{font}\")")), "{font}");
        assert_eq!(
            std::fs::read(dir.join("fonts").join(font)).unwrap(),
            std::fs::read(project.join("brand/fonts").join(font)).unwrap()
        );
    }
    // logo rules: the real logo, each minimum size, the don'ts
    assert_eq!(
        std::fs::read(dir.join("logo.svg")).unwrap(),
        std::fs::read(project.join("brand/logo.svg")).unwrap()
    );
    assert!(html.contains("style=\"height: 15mm"), "print minimum in mm");
    assert!(html.contains("height=\"96\""), "social minimum in px");
    assert!(
        html.contains("place it on roast"),
        "a disallowed background"
    );
    assert!(html.contains("stretch") && html.contains("recolor"));
    let recolored = std::fs::read_to_string(dir.join("logo-recolored.svg")).unwrap();
    assert_ne!(
        recolored,
        std::fs::read_to_string(dir.join("logo.svg")).unwrap()
    );
    // tone: banned and preferred terms, spellings, sentence length
    for t in [
        "ถูกที่สุด",
        "cheapest",
        "ผู้บริโภค",
        "สั่งเลย",
        "tonkla coffee",
        "at most 28 words",
    ] {
        assert!(html.contains(t), "{t}");
    }
}

#[test]
fn the_html_passes_our_own_lint() {
    let tmp = tempfile::tempdir().unwrap();
    let project = example(tmp.path());
    let dir = project.join("brand-book");
    write(&project, &dir);
    let out = bin()
        .arg("lint")
        .arg(&dir)
        .arg("--project")
        .arg(&project)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let on_page: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| !f["path"].as_str().unwrap().ends_with(PDF_NAME))
        .collect();
    assert!(on_page.is_empty(), "{on_page:#?}");
}

#[test]
fn the_pdf_embeds_the_brand_fonts_shows_thai_and_draws_every_page() {
    let tmp = tempfile::tempdir().unwrap();
    let project = example(tmp.path());
    let dir = tmp.path().join("book");
    let summary = write(&project, &dir);
    let pdf = std::fs::read(dir.join(PDF_NAME)).unwrap();
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    assert_eq!(doc.get_pages().len(), summary.pdf_pages);
    let mut fonts = Vec::new();
    for (_, obj) in doc.objects.iter() {
        let Ok(dict) = obj.as_dict() else { continue };
        if dict.get(b"Type").and_then(|t| t.as_name()).ok() != Some(b"FontDescriptor") {
            continue;
        }
        let name =
            String::from_utf8_lossy(dict.get(b"FontName").unwrap().as_name().unwrap()).into_owned();
        assert!(
            dict.has(b"FontFile2") || dict.has(b"FontFile3"),
            "{name} not embedded"
        );
        fonts.push(
            name.split_once('+')
                .map_or(name.clone(), |(_, n)| n.to_string()),
        );
    }
    fonts.sort();
    assert_eq!(
        fonts,
        [
            "NotoSans-Bold",
            "NotoSans-Regular",
            "NotoSansThai-Bold",
            "NotoSansThai-Regular"
        ]
    );
    let text = extract_text(&pdf).unwrap().join("\n");
    for t in [
        "ผู้ใหญ่",
        "กุ้ง",
        "น้ำ",
        "Tonkla Coffee",
        "#1F5C4A",
        "C 66 M 0 Y 20 K 64",
    ] {
        assert!(text.contains(t), "{t} not in the PDF text:\n{text}");
    }
    // no creation date: the same guide gives the same bytes
    assert!(!pdf.windows(12).any(|w| w == b"CreationDate"));
    for page in 0..summary.pdf_pages {
        let (w, h, rgba) = rasterize(&pdf, page, 36.0);
        let inked = rgba
            .chunks_exact(4)
            .filter(|p| p[0] < 200 || p[1] < 200 || p[2] < 200)
            .count();
        assert!(
            inked * 200 > w * h,
            "page {page} is nearly blank: {inked} of {} pixels",
            w * h
        );
    }
    // The cover band is printed in forest's CMYK ink: dark, green over red.
    let (w, _, rgba) = rasterize(&pdf, 0, 36.0);
    let at = |x: usize, y: usize| &rgba[(y * w + x) * 4..(y * w + x) * 4 + 3];
    let band = at(w - 10, 10);
    assert!(
        band[1] > band[0] && u32::from(band[0]) + u32::from(band[1]) + u32::from(band[2]) < 360,
        "cover band {band:?}"
    );
}

#[test]
fn the_same_guide_gives_the_same_bytes_and_a_palette_change_changes_the_book() {
    let tmp = tempfile::tempdir().unwrap();
    let project = example(tmp.path());
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    write(&project, &a);
    write(&project, &b);
    let files = |d: &Path| -> Vec<(String, Vec<u8>)> {
        let mut out: Vec<_> = walk(d)
            .into_iter()
            .map(|p| {
                (
                    p.strip_prefix(d).unwrap().to_string_lossy().into_owned(),
                    std::fs::read(&p).unwrap(),
                )
            })
            .collect();
        out.sort();
        out
    };
    let first = files(&a);
    assert_eq!(first, files(&b), "two books of one guide differ");

    let guide = project.join("brand/brand.toml");
    let text = std::fs::read_to_string(&guide).unwrap();
    std::fs::write(&guide, text.replace("#1F5C4A", "#2A6B55")).unwrap();
    write(&project, &a); // replaces the earlier book in place
    let html = std::fs::read_to_string(a.join("index.html")).unwrap();
    assert!(html.contains("#2A6B55") && !html.contains("#1F5C4A"));
    let old_pdf = &first.iter().find(|(p, _)| p == PDF_NAME).unwrap().1;
    assert_ne!(&std::fs::read(a.join(PDF_NAME)).unwrap(), old_pdf);
    let text = extract_text(&std::fs::read(a.join(PDF_NAME)).unwrap())
        .unwrap()
        .join("\n");
    assert!(text.contains("#2A6B55"), "{text}");
}

#[test]
fn the_dark_logo_variant_is_shown_on_dark_backgrounds() {
    let tmp = tempfile::tempdir().unwrap();
    let project = example(tmp.path());
    let night = std::fs::read_to_string(project.join("brand/logo.svg"))
        .unwrap()
        .replace("#FFF8EE", "#151A18");
    std::fs::write(project.join("brand/logo-กลางคืน.svg"), &night).unwrap();
    let guide = project.join("brand/brand.toml");
    let text: String = std::fs::read_to_string(&guide)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("dark = \"logo"))
        .map(|l| {
            if l.starts_with("backgrounds = [") {
                format!("{l}\ndark = \"logo-กลางคืน.svg\"\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(&guide, text).unwrap();
    let dir = tmp.path().join("book");
    write(&project, &dir);
    assert_eq!(
        std::fs::read_to_string(dir.join("logo-dark.svg")).unwrap(),
        night
    );
    let html = std::fs::read_to_string(dir.join("index.html")).unwrap();
    // paper's and mist's dark variants are dark surfaces; forest's dark is a light text color
    for (name, dark) in [("paper", "#151A18"), ("mist", "#22302A")] {
        assert!(
            html.contains(&format!("on {name}'s dark variant ({dark})")),
            "{name}"
        );
    }
    assert!(!html.contains("on forest's dark variant"));
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn a_bad_guide_is_an_error_at_its_line_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let project = example(tmp.path());
    let guide = project.join("brand/brand.toml");
    let text = std::fs::read_to_string(&guide).unwrap();
    std::fs::write(
        &guide,
        text.replace("hex = \"#F2A541\"", "hex = \"#F2A54\""),
    )
    .unwrap();
    let line = std::fs::read_to_string(&guide)
        .unwrap()
        .lines()
        .position(|l| l.contains("#F2A54\""))
        .unwrap()
        + 1;
    let out = bin()
        .args(["brand", "book", "--project"])
        .arg(&project)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("brand.toml:{line}:7")),
        "no file:line:col in {stderr}"
    );
    assert!(!project.join("brand-book").exists());
    let leftovers: Vec<_> = std::fs::read_dir(&project)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("brand-book"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn unsafe_book_folders_are_refused_and_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let project = example(tmp.path());
    let foreign = tmp.path().join("รูปภาพ");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("keep.txt"), "ของฉัน").unwrap();
    let brand_before = walk(&project.join("brand")).len();
    for (out, why) in [
        (project.join("brand"), "brand/"),
        (project.join("content/book"), "content/"),
        (project.clone(), "project folder"),
        (tmp.path().to_path_buf(), "project folder"),
        (project.join("out/brand-book"), "inside out/"),
        (foreign.clone(), MARKER),
        (foreign.join("keep.txt"), "is a file"),
    ] {
        let res = bin()
            .args(["brand", "book", "--project"])
            .arg(&project)
            .arg("--out")
            .arg(&out)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&res.stderr);
        assert_eq!(res.status.code(), Some(2), "{out:?} accepted: {stderr}");
        assert!(stderr.contains(why), "{out:?}: {stderr}");
    }
    assert_eq!(
        std::fs::read_to_string(foreign.join("keep.txt")).unwrap(),
        "ของฉัน"
    );
    assert_eq!(walk(&project.join("brand")).len(), brand_before);
    assert!(!project.join("out").exists());
    #[cfg(unix)]
    {
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&foreign, &link).unwrap();
        let project = Project::load(&project).unwrap();
        let err = book::write_book(&project, &link).unwrap_err().to_string();
        assert!(err.contains("symbolic link"), "{err}");
        assert!(!foreign.join("index.html").exists());
    }
    // the default folder is written, and written again over itself; a killed writer's
    // staging folder beside it is removed
    let leftover = project.join(".brand-book.staging-4242-1-0");
    std::fs::create_dir(&leftover).unwrap();
    std::fs::write(leftover.join("index.html"), "ครึ่งเดียว").unwrap();
    for _ in 0..2 {
        let res = bin()
            .args(["brand", "book", "--project"])
            .arg(&project)
            .output()
            .unwrap();
        assert!(
            res.status.success(),
            "{}",
            String::from_utf8_lossy(&res.stderr)
        );
    }
    let marker = std::fs::read_to_string(project.join("brand-book").join(MARKER)).unwrap();
    assert!(
        marker.contains("index.html") && marker.contains(PDF_NAME),
        "{marker}"
    );
}
