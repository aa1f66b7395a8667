//! Findings with a place on the picture (issue 14): PDF findings about an object carry
//! its `page_box` (points from the top-left corner of the page as shown, y down), checked
//! against where hayro draws it; image/off-palette names the regions of off pixels and
//! is placed at the largest; the JSON and SARIF reports and the lint cache carry both.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use brandpress::brand::Guide;
use brandpress::lint::image::{self, Decoded, palette_report};
use brandpress::lint::{Finding, LintContext, lint_file};
use lopdf::{Dictionary, Document, Object, Stream, dictionary};
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn guide() -> Guide {
    Guide::load(&root()).unwrap()
}

/// A one-page PDF: `page` entries (MediaBox, CropBox, Rotate…) on the page, `fonts` as its
/// font resources, `content` as its content stream.
fn pdf(
    page: Dictionary,
    fonts: impl FnOnce(&mut Document) -> Dictionary,
    content: &str,
) -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let fonts = fonts(&mut doc);
    let mut page_dict = dictionary! { "Resources" => dictionary! { "Font" => fonts } };
    for (k, v) in page.iter() {
        page_dict.set(k.clone(), v.clone());
    }
    support::one_page_pdf(doc, page_dict, content.as_bytes().to_vec())
}

fn boxes(media: [i64; 4]) -> Dictionary {
    dictionary! { "MediaBox" => media.iter().map(|v| Object::Integer(*v)).collect::<Vec<_>>() }
}

fn lint_pdf(bytes: &[u8]) -> Vec<Finding> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("แผ่นพับ.pdf");
    std::fs::write(&path, bytes).unwrap();
    let g = guide();
    let ctx = LintContext::new(&g);
    lint_file(&ctx, &path).unwrap()
}

/// The page box of the color finding whose found value starts with `found`.
fn color_box(findings: &[Finding], found: &str) -> [f32; 4] {
    let f = findings
        .iter()
        .find(|f| {
            f.rule == "color/off-palette"
                && f.found.as_deref().is_some_and(|v| v.starts_with(found))
        })
        .unwrap_or_else(|| panic!("a color finding for {found}: {findings:#?}"));
    f.location
        .page_box
        .unwrap_or_else(|| panic!("a page box: {f:#?}"))
}

/// Where hayro draws pixels for which `hit` holds, in points from the top-left corner
/// of the rendered page (rendered at 144 dpi: half-point pixels).
fn drawn_box(bytes: &[u8], hit: impl Fn(&[u8]) -> bool) -> [f32; 4] {
    let (w, h, rgba) = support::rasterize(bytes, 0, 144.0);
    let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
    for y in 0..h {
        for x in 0..w {
            let p = &rgba[(y * w + x) * 4..][..4];
            if hit(p) {
                (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x + 1), y1.max(y + 1));
            }
        }
    }
    assert!(x0 < x1, "hayro drew the object");
    let pt = |v: usize| v as f32 / 2.0;
    [pt(x0), pt(y0), pt(x1 - x0), pt(y1 - y0)]
}

fn assert_near(found: [f32; 4], expected: [f32; 4], what: &str) {
    for (a, b) in found.iter().zip(expected) {
        assert!(
            (a - b).abs() <= 1.0,
            "{what}: page box {found:?}, expected {expected:?} within 1 pt"
        );
    }
}

fn red(p: &[u8]) -> bool {
    p[0] > 200 && p[1] < 80 && p[2] < 80
}

fn blue(p: &[u8]) -> bool {
    p[2] > 200 && p[0] < 80 && p[1] < 80
}

#[test]
fn an_offbrand_rectangle_is_boxed_from_the_crop_box_corner() {
    let mut page = boxes([0, 0, 400, 300]);
    page.set(
        "CropBox",
        vec![20.into(), 10.into(), 380.into(), 290.into()],
    );
    let bytes = pdf(page, |_| dictionary! {}, "q 1 0 0 rg 50 60 100 40 re f Q\n");
    let found = color_box(&lint_pdf(&bytes), "#FF0000");
    // x from the crop box's left edge, y down from its top edge (290 − 100)
    assert_near(found, [30.0, 190.0, 100.0, 40.0], "by hand");
    assert_near(found, drawn_box(&bytes, red), "as hayro draws it");
}

#[test]
fn a_rotated_and_scaled_matrix_moves_the_box() {
    let content = "q 0 0 1 rg 2 0 0 2 200 100 cm 0.70710678 0.70710678 -0.70710678 0.70710678 0 0 cm 0 0 10 10 re f Q\n\
                   q 1 0 0 rg 0.5 0 0 0.5 0 0 cm 20 20 m 120 20 l 70 120 l h f Q\n";
    let bytes = pdf(boxes([0, 0, 400, 300]), |_| dictionary! {}, content);
    let findings = lint_pdf(&bytes);
    // the square turned 45° and doubled: a diamond 28.28 pt across, its bottom at y 100
    let s = 20.0 * std::f32::consts::FRAC_1_SQRT_2;
    assert_near(
        color_box(&findings, "#0000FF"),
        [200.0 - s, 300.0 - 100.0 - 2.0 * s, 2.0 * s, 2.0 * s],
        "rotated",
    );
    assert_near(
        color_box(&findings, "#0000FF"),
        drawn_box(&bytes, blue),
        "rotated, as hayro draws it",
    );
    // the triangle halved: 10..60 across, 10..60 up
    assert_near(
        color_box(&findings, "#FF0000"),
        [10.0, 240.0, 50.0, 50.0],
        "scaled",
    );
}

#[test]
fn a_rotated_page_gives_boxes_as_the_page_is_shown() {
    let mut page = boxes([0, 0, 400, 300]);
    page.set("Rotate", 90);
    let bytes = pdf(page, |_| dictionary! {}, "1 0 0 rg 50 60 100 40 re f\n");
    let found = color_box(&lint_pdf(&bytes), "#FF0000");
    // a quarter turn clockwise: the page is 300 wide and 400 tall, its left edge on top
    assert_near(found, [60.0, 50.0, 40.0, 100.0], "by hand");
    assert_near(found, drawn_box(&bytes, red), "as hayro draws it");
}

#[test]
fn a_clipped_rectangle_is_boxed_where_it_shows() {
    let bytes = pdf(
        boxes([0, 0, 400, 300]),
        |_| dictionary! {},
        "q 100 100 50 50 re W n 1 0 0 rg 0 0 400 300 re f Q\n",
    );
    let found = color_box(&lint_pdf(&bytes), "#FF0000");
    assert_near(found, [100.0, 150.0, 50.0, 50.0], "clipped");
    assert_near(found, drawn_box(&bytes, red), "as hayro draws it");
}

/// A composite font with two-byte codes whose ToUnicode map reads them as Thai
/// (ราคา, "price"), with known widths and ascent and descent; not embedded.
fn thai_font(doc: &mut Document) -> Dictionary {
    let cmap = "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
                /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
                /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
                1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n\
                4 beginbfchar\n<0001> <0E23>\n<0002> <0E32>\n<0003> <0E04>\n<0004> <0E32>\nendbfchar\n\
                endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
    let cmap = doc.add_object(Stream::new(dictionary! {}, cmap.as_bytes().to_vec()));
    let descriptor = dictionary! {
        "Type" => "FontDescriptor",
        "FontName" => "OffBrandThai",
        "Flags" => 32,
        "Ascent" => 800,
        "Descent" => -200,
        "FontBBox" => vec![0.into(), (-200).into(), 1000.into(), 800.into()],
        "ItalicAngle" => 0,
        "CapHeight" => 700,
        "StemV" => 80,
    };
    let cid = dictionary! {
        "Type" => "Font",
        "Subtype" => "CIDFontType2",
        "BaseFont" => "OffBrandThai",
        "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 },
        "FontDescriptor" => descriptor,
        "DW" => 1000,
        "W" => vec![1.into(), vec![600.into(), 500.into(), 600.into(), 500.into()].into()],
    };
    let font = dictionary! {
        "Type" => "Font",
        "Subtype" => "Type0",
        "BaseFont" => "OffBrandThai",
        "Encoding" => "Identity-H",
        "DescendantFonts" => vec![cid.into()],
        "ToUnicode" => cmap,
    };
    let font = doc.add_object(font);
    dictionary! { "F1" => font }
}

#[test]
fn a_thai_text_run_is_boxed_from_descent_to_ascent_along_its_advance() {
    // 2.2 em of glyphs at 20 pt plus 1 pt of character spacing after each of the 4
    // glyphs: 48 pt wide; 0.2 em below the baseline to 0.8 em above it
    let content = "BT /F1 20 Tf 0 0.5 0 rg 1 Tc 1 0 0 1 60 200 Tm <0001000200030004> Tj ET\n\
                   BT /F1 10 Tf 0 0.5 0 rg 2 0 0 2 100 50 Tm <00010002> Tj ET\n";
    let bytes = pdf(boxes([0, 0, 400, 300]), thai_font, content);
    let text = brandpress::lint::pdf::extract_text(&bytes).unwrap();
    assert!(text[0].contains("ราคา"), "the run reads as Thai: {text:?}");
    let findings = lint_pdf(&bytes);
    assert_near(
        color_box(&findings, "#008000"),
        [60.0, 84.0, 48.0, 20.0],
        "first run",
    );
    // the font is placed at its first run too
    let font = findings
        .iter()
        .find(|f| f.rule == "font/off-brand")
        .expect("an off-brand font");
    assert_near(
        font.location.page_box.unwrap(),
        [60.0, 84.0, 48.0, 20.0],
        "the font's first run",
    );
}

#[test]
fn chromiums_offbrand_band_is_boxed_where_hayro_draws_it() {
    let path = root().join("tests/fixtures/pdf/chromium-offbrand.pdf");
    let bytes = std::fs::read(&path).unwrap();
    let g = guide();
    let ctx = LintContext::new(&g);
    let findings = lint_file(&ctx, &path).unwrap();
    // the red band behind "Two for 89 baht" (#E4002B)
    let found = color_box(&findings, "#E4002B");
    let drawn = drawn_box(&bytes, |p| p[0] > 200 && p[1] < 40 && p[2] < 80);
    assert_near(found, drawn, "Chromium's band");
}

#[test]
fn json_and_sarif_carry_page_and_pixel_boxes() {
    let pdf = root().join("tests/fixtures/pdf/chromium-offbrand.pdf");
    let card = root().join("tests/fixtures/image/agency-card.png");
    let run = |format: &str| -> Value {
        let out = Command::new(env!("CARGO_BIN_EXE_brandpress"))
            .args(["lint", "--no-cache", "--format", format, "--project"])
            .arg(root())
            .arg(&pdf)
            .arg(&card)
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let json = run("json");
    let band = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["found"]
                .as_str()
                .is_some_and(|v| v.starts_with("#E4002B"))
        })
        .expect("the band's finding");
    let b: Vec<f64> = band["page_box"]
        .as_array()
        .expect("page_box in JSON")
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(b.len(), 4);
    assert!(
        band["page_box"].to_string().len() < 40,
        "written short: {}",
        band["page_box"]
    );
    let sarif = run("sarif");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let band = results
        .iter()
        .find(|r| {
            r["message"]["text"]
                .as_str()
                .is_some_and(|t| t.contains("#E4002B"))
        })
        .unwrap();
    assert_eq!(band["properties"]["page_box"].as_array().unwrap().len(), 4);
    assert_eq!(band["properties"]["page"], 1);
    let card = results
        .iter()
        .find(|r| r["ruleId"] == "image/off-palette")
        .unwrap();
    assert_eq!(
        card["properties"]["pixel_box"],
        serde_json::json!([0, 0, 1200, 630])
    );
}

// ---- cards ---------------------------------------------------------------------------

fn solid(w: u32, h: u32, c: [u8; 3]) -> Decoded {
    Decoded {
        width: w,
        height: h,
        rgba: [c[0], c[1], c[2], 255].repeat((w * h) as usize),
        photo: None,
    }
}

fn paint(img: &mut Decoded, [x0, y0, w, h]: [u32; 4], c: [u8; 3]) {
    for y in y0..y0 + h {
        for x in x0..x0 + w {
            let i = ((y * img.width + x) * 4) as usize;
            img.rgba[i..i + 3].copy_from_slice(&c);
        }
    }
}

#[test]
fn a_card_names_its_offpalette_regions_largest_first() {
    let g = guide();
    let ctx = LintContext::new(&g);
    // a forest card with a red button at the bottom right and a small stray patch
    let mut img = solid(1200, 630, [0x1F, 0x5C, 0x4A]);
    paint(&mut img, [700, 400, 300, 100], [0xE4, 0x00, 0x2B]);
    paint(&mut img, [100, 60, 40, 40], [0x33, 0x66, 0xCC]);
    let report = palette_report(&ctx, &img);
    assert_eq!(report.region_count, 2);
    assert_eq!(report.regions[0].pixel_box, [700, 400, 300, 100]);
    assert_eq!(report.regions[0].off, 30_000);
    assert_eq!(report.regions[1].pixel_box, [100, 60, 40, 40]);
    assert_eq!(
        report.pixel_box,
        Some([100, 60, 900, 440]),
        "the box of all of them"
    );
    let f = image::check_palette(&ctx, Path::new("การ์ด.png"), &img).expect("4.2% > 2%");
    assert_eq!(
        f.location.pixel_box,
        Some([700, 400, 300, 100]),
        "placed at the largest"
    );
    assert!(
        f.message.contains(
            "in 2 regions, the largest at 700,400 300×100 (4.0%); others at 100,60 40×40 (0.2%)"
        ),
        "{}",
        f.message
    );
}

// ---- the lint cache ------------------------------------------------------------------

#[test]
fn the_lint_cache_replays_page_boxes_identically() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("โครงการ");
    for part in ["brand", "content", "templates"] {
        support::copy_dir(&root().join(part), &project.join(part));
    }
    // an off-brand red rectangle in the hero picture, drawn as vectors in the flyer
    let hero = project.join("content/winter-2026/cold-brew.svg");
    let svg = std::fs::read_to_string(&hero).unwrap().replace(
        "<circle cx=\"640\" cy=\"90\" r=\"60\" fill=\"#F2A541\"/>",
        "<circle cx=\"640\" cy=\"90\" r=\"60\" fill=\"#F2A541\"/><rect x=\"600\" y=\"200\" width=\"120\" height=\"100\" fill=\"#E4002B\"/>",
    );
    std::fs::write(&hero, svg).unwrap();
    let brandpress = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_brandpress"))
            .current_dir(&project)
            .args(args)
            .env("BRANDPRESS_LINT_CACHE_STATS", "1")
            .env("BRANDPRESS_TODAY", "2026-11-20")
            .output()
            .unwrap()
    };
    let out = brandpress(&["build", "--channels", "print"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let plain = brandpress(&["lint", "out", "--format", "json", "--no-cache"]);
    let first = brandpress(&["lint", "out", "--format", "json"]);
    let second = brandpress(&["lint", "out", "--format", "json"]);
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(
        stderr.contains("lint cache: ") && !stderr.contains(" 0 replayed"),
        "{stderr}"
    );
    assert_eq!(first.stdout, plain.stdout);
    assert_eq!(second.stdout, plain.stdout, "replayed byte for byte");
    let v: Value = serde_json::from_slice(&second.stdout).unwrap();
    let band = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["found"]
                .as_str()
                .is_some_and(|s| s.starts_with("#E4002B"))
        })
        .expect("the rectangle's finding");
    assert_eq!(band["page"], 1);
    assert!(band["page_box"].is_array(), "{band}");
}
