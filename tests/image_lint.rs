//! The image linter on fixtures made by other tools (see tests/fixtures/image/README.md)
//! and on synthetic images: off-palette share, edges and gradients, photo areas, sizes.

use std::path::{Path, PathBuf};

use brandpress::brand::Guide;
use brandpress::lint::image::{self, Decoded, palette_report};
use brandpress::lint::{LintContext, lint_file};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn guide() -> Guide {
    Guide::load(&root()).unwrap()
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/image").join(name)
}

fn rules(findings: &[brandpress::lint::Finding]) -> Vec<&str> {
    findings.iter().map(|f| f.rule).collect()
}

#[test]
fn agency_card_is_flagged_with_share_colors_and_box() {
    let g = guide();
    let ctx = LintContext::new(&g);
    let findings = lint_file(&ctx, &fixture("agency-card.png")).unwrap();
    assert_eq!(rules(&findings), ["image/off-palette"], "{findings:?}");
    let f = &findings[0];
    // The whole card is off-palette: #3366CC background and the red circle.
    assert!(
        f.message.starts_with("100.0% of the pixels"),
        "{}",
        f.message
    );
    assert!(f.message.contains("#3366CC"), "{}", f.message);
    assert!(f.message.contains("#FF0000"), "{}", f.message);
    assert_eq!(f.location.pixel_box, Some([0, 0, 1200, 630]));
}

#[test]
fn off_palette_box_surrounds_the_offending_pixels() {
    // Forest card with a red square: only the square is off-palette.
    let g = guide();
    let ctx = LintContext::new(&g);
    let mut img = solid(1200, 630, [0x1F, 0x5C, 0x4A]);
    paint(&mut img, [100, 50, 200, 100], [255, 0, 0]);
    let report = palette_report(&ctx, &img);
    assert_eq!(report.off, 200 * 100);
    assert_eq!(report.pixel_box, Some([100, 50, 200, 100]));
    let f = image::check_palette(&ctx, Path::new("x.png"), &img).expect("2.6% > 2%");
    assert_eq!(f.rule, "image/off-palette");
    assert!(f.message.contains("2.6%"), "{}", f.message);
    // Below the threshold: a smaller square passes.
    let mut img = solid(1200, 630, [0x1F, 0x5C, 0x4A]);
    paint(&mut img, [100, 50, 100, 100], [255, 0, 0]);
    assert!(image::check_palette(&ctx, Path::new("x.png"), &img).is_none());
}

#[test]
fn declared_photo_area_is_not_counted() {
    let g = guide();
    let ctx = LintContext::new(&g);
    let mut img = solid(1200, 630, [0x1F, 0x5C, 0x4A]);
    paint(&mut img, [700, 0, 500, 630], [200, 30, 90]);
    assert!(image::check_palette(&ctx, Path::new("x.png"), &img).is_some());
    img.photo = Some([700, 0, 500, 630]);
    let report = palette_report(&ctx, &img);
    assert_eq!(report.off, 0);
    assert_eq!(report.considered, 700 * 630);
}

#[test]
fn gradients_between_palette_colors_pass_but_flat_tints_do_not() {
    let g = guide();
    let ctx = LintContext::new(&g);
    let (a, b) = ([0x1F, 0x5C, 0x4A], [0x6B, 0x3E, 0x26]); // forest → roast
    let mut img = solid(600, 300, a);
    for y in 0..300 {
        for x in 0..600 {
            let t = x as f32 / 599.0;
            let c =
                [0, 1, 2].map(|k| (a[k] as f32 + t * (b[k] as f32 - a[k] as f32)).round() as u8);
            set(&mut img, x, y, c);
        }
    }
    let report = palette_report(&ctx, &img);
    assert_eq!(
        report.off,
        0,
        "{:?}",
        &report.colors[..report.colors.len().min(5)]
    );
    // A flat 50 % tint of forest on paper is not a brand color.
    let tint = [0x8F, 0xAA, 0x9C];
    let mut img = solid(600, 300, [0xFF, 0xF8, 0xEE]);
    paint(&mut img, [100, 100, 200, 100], tint);
    let report = palette_report(&ctx, &img);
    // The tint's own one-pixel border touches paper and counts as an edge.
    assert!(report.off >= 198 * 98, "{report:?}");
}

#[test]
fn jpeg_in_brand_colors_decodes_and_passes() {
    let g = guide();
    let ctx = LintContext::new(&g);
    let path = fixture("brand-circle.jpg");
    let bytes = std::fs::read(&path).unwrap();
    let img = image::decode(&bytes).unwrap();
    assert_eq!((img.width, img.height), (1200, 630));
    let findings = lint_file(&ctx, &path).unwrap();
    assert!(findings.is_empty(), "{findings:?}");
}

#[test]
fn dimensions_must_be_a_preset() {
    let g = guide();
    let ctx = LintContext::new(&g);
    let findings = lint_file(&ctx, &fixture("odd-size.png")).unwrap();
    assert_eq!(rules(&findings), ["image/dimensions"], "{findings:?}");
    assert_eq!(findings[0].found.as_deref(), Some("1000×500"));
    assert!(
        findings[0]
            .expected
            .as_deref()
            .unwrap()
            .contains("og 1200×630")
    );
    // Presets pass; images of the web channel are free-size.
    assert!(image::check_dimensions(&ctx, Path::new("out/social/a-og.png"), (1200, 630)).is_none());
    assert!(image::check_dimensions(&ctx, Path::new("a.png"), (1080, 1920)).is_none());
    assert!(image::check_dimensions(&ctx, Path::new("out/web/a/hero.png"), (800, 450)).is_none());
    assert!(image::check_dimensions(&ctx, Path::new("card.jpg"), (1080, 1081)).is_some());
}

#[test]
fn broken_files_are_findings_not_panics() {
    let g = guide();
    let ctx = LintContext::new(&g);
    let bytes = std::fs::read(fixture("agency-card.png")).unwrap();
    for cut in [8, 40, 200, bytes.len() / 2] {
        let findings = image::lint(&ctx, Path::new("cut.png"), &bytes[..cut]);
        assert!(
            findings.iter().any(|f| f.rule == "image/unreadable"),
            "{cut}: {findings:?}"
        );
    }
    let findings = image::lint(&ctx, Path::new("x.jpg"), &[0xFF, 0xD8, 0xFF, 0xE0, 0, 16]);
    assert_eq!(rules(&findings), ["image/unreadable"]);
}

fn solid(w: u32, h: u32, c: [u8; 3]) -> Decoded {
    let mut rgba = Vec::with_capacity((w * h * 4) as usize);
    for _ in 0..w * h {
        rgba.extend_from_slice(&[c[0], c[1], c[2], 255]);
    }
    Decoded {
        width: w,
        height: h,
        rgba,
        photo: None,
    }
}

fn set(img: &mut Decoded, x: u32, y: u32, c: [u8; 3]) {
    let i = ((y * img.width + x) * 4) as usize;
    img.rgba[i..i + 3].copy_from_slice(&c);
}

fn paint(img: &mut Decoded, [x0, y0, w, h]: [u32; 4], c: [u8; 3]) {
    for y in y0..y0 + h {
        for x in x0..x0 + w {
            set(img, x, y, c);
        }
    }
}
