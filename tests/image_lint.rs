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
    let tmp = tempfile::tempdir().unwrap();
    let social = tmp.path().join("out/social");
    std::fs::create_dir_all(&social).unwrap();
    std::fs::copy(fixture("odd-size.png"), social.join("odd-size.png")).unwrap();
    let ctx = LintContext::new(&g)
        .within(brandpress::lint::Roots::of(&[tmp.path().join("out")]).unwrap());
    let findings = lint_file(&ctx, &social.join("odd-size.png")).unwrap();
    assert_eq!(rules(&findings), ["image/dimensions"], "{findings:?}");
    assert_eq!(findings[0].found.as_deref(), Some("1000×500"));
    assert!(
        findings[0]
            .expected
            .as_deref()
            .unwrap()
            .contains("og 1200×630")
    );
    // Presets pass; pictures outside a social folder (a page's hero, an icon, a loose
    // file) are free-size.
    let at = |p: &str| tmp.path().join(p);
    assert!(image::check_dimensions(&ctx, &at("out/social/a-og.png"), (1200, 630)).is_none());
    assert!(image::check_dimensions(&ctx, &at("out/social/story.png"), (1080, 1920)).is_none());
    assert!(image::check_dimensions(&ctx, &at("out/social/card.jpg"), (1080, 1081)).is_some());
    assert!(image::check_dimensions(&ctx, &at("out/web/a/hero.png"), (800, 450)).is_none());
    assert!(image::check_dimensions(&ctx, &at("out/web/favicon.png"), (16, 16)).is_none());
    let loose = LintContext::new(&g);
    assert!(
        lint_file(&loose, &fixture("odd-size.png"))
            .unwrap()
            .is_empty()
    );
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

// ---- corrupt, truncated and oversized images ----------------------------------------

fn hostile(name: &str) -> Vec<u8> {
    std::fs::read(root().join("tests/fixtures/hostile").join(name)).unwrap()
}

fn unreadable(name: &str, bytes: &[u8]) -> String {
    let g = guide();
    let ctx = LintContext::new(&g);
    let findings = image::lint(&ctx, Path::new(name), bytes);
    let broken: Vec<_> = findings
        .iter()
        .filter(|f| f.rule == "image/unreadable")
        .collect();
    assert_eq!(
        broken.len(),
        1,
        "{name} ({} bytes): {findings:?}",
        bytes.len()
    );
    broken[0].message.clone()
}

/// The fixtures themselves are whole: cutting them is what breaks them.
#[test]
fn whole_hostile_fixtures_read() {
    let g = guide();
    let ctx = LintContext::new(&g);
    for name in ["baseline.jpg", "progressive.jpg"] {
        let bytes = hostile(name);
        assert_eq!(image::check_structure(&bytes), Ok(()), "{name}");
        let img = image::decode(&bytes).unwrap();
        assert_eq!((img.width, img.height), (96, 64));
        let f = image::lint(&ctx, Path::new("out/web/x").join(name).as_path(), &bytes);
        assert!(
            f.iter().all(|f| f.rule != "image/unreadable"),
            "{name}: {f:?}"
        );
    }
}

#[test]
fn jpegs_truncated_in_a_scan_or_without_eoi_are_unreadable() {
    for name in ["baseline.jpg", "progressive.jpg"] {
        let bytes = hostile(name);
        // mid-scan (the first scan starts before byte 700 in both), just before EOI,
        // and without the final EOI marker
        for cut in [bytes.len() / 2, bytes.len() - 40, bytes.len() - 2] {
            let msg = unreadable(name, &bytes[..cut]);
            assert!(msg.contains("truncated"), "{name} cut at {cut}: {msg}");
        }
    }
}

#[test]
fn pngs_with_crc_errors_or_without_iend_are_unreadable() {
    let png = tiny_png();
    assert!(
        image::check_structure(&png).is_ok(),
        "the whole PNG is fine"
    );
    // a flipped bit in the IDAT data: the chunk's CRC no longer matches
    let idat = png.windows(4).position(|w| w == b"IDAT").unwrap();
    let mut flipped = png.clone();
    flipped[idat + 6] ^= 0x01;
    assert!(unreadable("x.png", &flipped).contains("CRC error in the IDAT chunk"));
    // no IEND (the last 12 bytes)
    let msg = unreadable("x.png", &png[..png.len() - 12]);
    assert!(msg.contains("without its IEND"), "{msg}");
    // cut inside a chunk
    let msg = unreadable("x.png", &png[..idat + 10]);
    assert!(msg.contains("truncated"), "{msg}");
}

#[test]
fn random_bytes_and_empty_files_named_as_images_are_unreadable() {
    let junk: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    for name in ["ภาพ.png", "ภาพ.jpg"] {
        assert!(unreadable(name, &junk).contains("not a PNG or JPEG"));
        assert!(unreadable(name, b"").contains("empty"));
    }
}

/// Huge sizes are read from the header and reported with their numbers before any
/// pixel is decoded.
#[test]
fn oversized_images_are_too_large_before_decoding() {
    let g = guide();
    let ctx = LintContext::new(&g);
    // a 60000×60000 PNG header (with a tiny, wrong IDAT): nothing is inflated
    let png = png_with_size(60_000, 60_000);
    // a JPEG whose frame header claims 65535×65535
    let mut jpeg = hostile("baseline.jpg");
    let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    jpeg[sof + 5..sof + 9].copy_from_slice(&[0xFF, 0xFF, 0xFF, 0xFF]);
    for (name, bytes, size) in [
        ("huge.png", png, "60000×60000"),
        ("huge.jpg", jpeg, "65535×65535"),
    ] {
        let started = std::time::Instant::now();
        let findings = image::lint(&ctx, Path::new(name), &bytes);
        assert!(started.elapsed().as_secs() < 5);
        let big: Vec<_> = findings
            .iter()
            .filter(|f| f.rule == "image/too-large")
            .collect();
        assert_eq!(big.len(), 1, "{name}: {findings:?}");
        assert!(big[0].message.starts_with(size), "{}", big[0].message);
        assert!(
            big[0].message.contains("50 megapixels"),
            "{}",
            big[0].message
        );
    }
}

/// A valid 4×4 RGB PNG in forest.
fn tiny_png() -> Vec<u8> {
    let mut bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut bytes, 4, 4);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().unwrap();
        writer
            .write_image_data(&[0x1F, 0x5C, 0x4A].repeat(16))
            .unwrap();
    }
    bytes
}

/// A structurally whole PNG (valid CRCs, IEND) whose IHDR claims `w`×`h`.
fn png_with_size(w: u32, h: u32) -> Vec<u8> {
    let chunk = |kind: &[u8], data: &[u8]| {
        let mut c = (data.len() as u32).to_be_bytes().to_vec();
        c.extend_from_slice(kind);
        c.extend_from_slice(data);
        let crc = crc32fast::hash(&c[4..]);
        c.extend_from_slice(&crc.to_be_bytes());
        c
    };
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    [
        b"\x89PNG\r\n\x1a\n".to_vec(),
        chunk(b"IHDR", &ihdr),
        chunk(b"IDAT", &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]),
        chunk(b"IEND", b""),
    ]
    .concat()
}

// ---- WebP, GIF and SVG cards ----------------------------------------------------------

/// `agency-card.png` re-encoded by the `image` crate's encoders as `format`.
fn agency_card_as(format: ::image::ImageFormat) -> Vec<u8> {
    let png = ::image::load_from_memory(&std::fs::read(fixture("agency-card.png")).unwrap())
        .unwrap()
        .to_rgba8();
    let mut out = std::io::Cursor::new(Vec::new());
    ::image::DynamicImage::ImageRgba8(png)
        .write_to(&mut out, format)
        .unwrap();
    out.into_inner()
}

#[test]
fn webp_and_gif_cards_are_linted_like_png() {
    let g = guide();
    let ctx = LintContext::new(&g);
    let tmp = tempfile::tempdir().unwrap();
    for (name, format) in [
        ("การ์ด.webp", ::image::ImageFormat::WebP),
        ("card.gif", ::image::ImageFormat::Gif),
    ] {
        let path = tmp.path().join(name);
        std::fs::write(&path, agency_card_as(format)).unwrap();
        let findings = lint_file(&ctx, &path).unwrap();
        assert_eq!(
            rules(&findings),
            ["image/off-palette"],
            "{name}: {findings:?}"
        );
        assert!(
            findings[0].message.contains("#3366CC"),
            "{}",
            findings[0].message
        );
        assert_eq!(findings[0].location.pixel_box, Some([0, 0, 1200, 630]));
    }
    // A truncated WebP is unreadable, not clean.
    let webp = agency_card_as(::image::ImageFormat::WebP);
    let path = tmp.path().join("cut.webp");
    std::fs::write(&path, &webp[..webp.len() / 2]).unwrap();
    assert_eq!(
        rules(&lint_file(&ctx, &path).unwrap()),
        ["image/unreadable"]
    );
}

#[test]
fn svg_cards_are_rasterized_and_linted() {
    let g = guide();
    let ctx = LintContext::new(&g);
    let tmp = tempfile::tempdir().unwrap();
    let card = |extra: &str| {
        format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630">
  <rect width="1200" height="630" fill="#1F5C4A"/>
  <text x="60" y="300" font-size="72" fill="#FFF8EE" font-family="Noto Sans Thai">โคลด์บรูว์รับลมหนาว</text>
  {extra}
</svg>"##
        )
    };
    let clean = tmp.path().join("card.svg");
    std::fs::write(&clean, card("")).unwrap();
    let findings = lint_file(&ctx, &clean).unwrap();
    assert!(findings.is_empty(), "{findings:?}");
    let red = tmp.path().join("card-red.svg");
    std::fs::write(
        &red,
        card(r##"<rect x="600" y="0" width="600" height="630" fill="#E63946"/>"##),
    )
    .unwrap();
    let findings = lint_file(&ctx, &red).unwrap();
    assert_eq!(rules(&findings), ["image/off-palette"], "{findings:?}");
    assert!(
        findings[0].message.contains("#E63946"),
        "{}",
        findings[0].message
    );
    // An SVG may not read files outside the linted paths.
    let sneaky = tmp.path().join("sneaky.svg");
    std::fs::write(
        &sneaky,
        r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="1200" height="630"><image xlink:href="/etc/passwd" width="10" height="10"/></svg>"#,
    )
    .unwrap();
    let ctx = ctx.within(brandpress::lint::Roots::of(&[tmp.path().to_path_buf()]).unwrap());
    let findings = lint_file(&ctx, &sneaky).unwrap();
    assert_eq!(rules(&findings), ["image/unreadable"], "{findings:?}");
}

// ---- JPEG color spaces and coding -------------------------------------------------------

/// Mean absolute difference per channel of two decoded images of one size.
fn mean_difference(a: &Decoded, b: &Decoded) -> f64 {
    assert_eq!((a.width, a.height), (b.width, b.height));
    let sum: u64 = a
        .rgba
        .iter()
        .zip(&b.rgba)
        .enumerate()
        .filter(|(i, _)| i % 4 != 3)
        .map(|(_, (x, y))| u64::from(x.abs_diff(*y)))
        .sum();
    sum as f64 / (a.rgba.len() / 4 * 3) as f64
}

/// Pillow's pair of test images (the same picture saved as Adobe CMYK and as RGB) decode
/// to the same colors: the CMYK one is read as inverted CMYK, as Photoshop writes it.
#[test]
fn cmyk_jpegs_decode_to_the_colors_of_their_rgb_twin() {
    let cmyk = image::decode(&std::fs::read(fixture("pil_sample_cmyk.jpg")).unwrap()).unwrap();
    let rgb = image::decode(&std::fs::read(fixture("pil_sample_rgb.jpg")).unwrap()).unwrap();
    let d = mean_difference(&cmyk, &rgb);
    assert!(d < 6.0, "mean difference {d:.1} per channel");
    assert!(cmyk.rgba.chunks_exact(4).all(|p| p[3] == 255));
}

/// The brand green and paper in an Adobe CMYK JPEG written by ImageMagick read as brand
/// colors; an RGB JPEG without the YCbCr transform (libjpeg-turbo `cjpeg -rgb`) and an
/// arithmetic-coded one (`cjpeg -arithmetic`) too.
#[test]
fn cmyk_and_rgb_transform_jpegs_of_brand_colors_pass() {
    let g = guide();
    let ctx = LintContext::new(&g);
    for name in ["brand-cmyk.jpg", "brand-rgb.jpg", "brand-arithmetic.jpg"] {
        let bytes = std::fs::read(fixture(name)).unwrap();
        let img = image::decode(&bytes).unwrap();
        assert_eq!((img.width, img.height), (96, 64), "{name}");
        let at = |x: usize, y: usize| {
            let i = (y * 96 + x) * 4;
            brandpress::brand::Rgb(img.rgba[i], img.rgba[i + 1], img.rgba[i + 2])
        };
        let forest = brandpress::brand::Rgb(0x1F, 0x5C, 0x4A);
        let paper = brandpress::brand::Rgb(0xFF, 0xF8, 0xEE);
        assert!(
            at(20, 30).delta_e(forest) < 1.0,
            "{name}: {}",
            at(20, 30).hex()
        );
        assert!(
            at(75, 30).delta_e(paper) < 1.0,
            "{name}: {}",
            at(75, 30).hex()
        );
        let findings = lint_file(&ctx, &fixture(name)).unwrap();
        assert!(findings.is_empty(), "{name}: {findings:?}");
    }
}

/// An arithmetic-coded JPEG (libjpeg-turbo `cjpeg -arithmetic`) is read (see
/// `cmyk_and_rgb_transform_jpegs_of_brand_colors_pass`); a broken one is unreadable, the
/// finding says why, and libjpeg's failure does not escape as a panic.
#[test]
fn broken_arithmetic_coded_jpegs_are_named_as_such() {
    let mut bytes = std::fs::read(fixture("brand-arithmetic.jpg")).unwrap();
    // its scan names a component the frame does not have
    let sos = bytes.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
    bytes[sos + 5] = 9;
    let msg = unreadable("brand-arithmetic.jpg", &bytes);
    assert!(msg.contains("arithmetic-coded JPEG (SOF9)"), "{msg}");
}

/// A lossless JPEG (SOF3, 16-bit grey, from jpeg-decoder's reference tests), which
/// zune-jpeg declines, is read through jpeg-decoder: every pixel equals the top 8 bits of
/// the reference PNG the IJG library made from it, and it is judged, not unreadable.
#[test]
fn lossless_jpegs_are_read() {
    let img = image::decode(&std::fs::read(fixture("jpeg_lossless_sel1.jpg")).unwrap()).unwrap();
    let mut reference = png::Decoder::new(std::io::Cursor::new(
        std::fs::read(fixture("jpeg_lossless_sel1.png")).unwrap(),
    ))
    .read_info()
    .unwrap();
    let mut buf = vec![0; reference.output_buffer_size()];
    let info = reference.next_frame(&mut buf).unwrap();
    assert_eq!(
        (info.color_type, info.bit_depth),
        (png::ColorType::Grayscale, png::BitDepth::Sixteen)
    );
    assert_eq!((img.width, img.height), (info.width, info.height));
    let want: Vec<u8> = buf[..info.buffer_size()].chunks(2).map(|v| v[0]).collect();
    let got: Vec<u8> = img.rgba.chunks(4).map(|p| p[0]).collect();
    assert_eq!(got.len(), want.len());
    let differ = got.iter().zip(&want).filter(|(a, b)| a != b).count();
    assert_eq!(differ, 0, "{differ} pixels differ from the reference");
    assert!(
        img.rgba
            .chunks(4)
            .all(|p| p[0] == p[1] && p[1] == p[2] && p[3] == 255)
    );
    // not a flat picture: the comparison means something
    assert!(want.iter().max() > want.iter().min());
    let g = guide();
    let ctx = LintContext::new(&g);
    let findings = lint_file(&ctx, &fixture("jpeg_lossless_sel1.jpg")).unwrap();
    assert!(
        !rules(&findings).contains(&"image/unreadable"),
        "{findings:?}"
    );
}

/// A lossless JPEG whose frame header claims more pixels than lint decodes is refused
/// from its header, before jpeg-decoder allocates anything; a cut one is unreadable.
#[test]
fn lossless_jpeg_limits_hold() {
    let bytes = std::fs::read(fixture("jpeg_lossless_sel1.jpg")).unwrap();
    // the SOF3 segment: FF C3, length, precision, height, width
    let sof = bytes.windows(2).position(|w| w == [0xFF, 0xC3]).unwrap();
    let mut big = bytes.clone();
    big[sof + 5..sof + 9].copy_from_slice(&[0xFF, 0xFF, 0xFF, 0xFF]);
    let err = image::decode(&big).unwrap_err();
    assert!(err.contains("too large"), "{err}");
    let cut = &bytes[..bytes.len() / 2];
    assert!(!unreadable("cut-lossless.jpg", cut).is_empty());
}

// ---- GIF frames ---------------------------------------------------------------------------

/// A GIF of `frames`, each a full `w`×`h` frame of one color, made by the `image` crate's
/// encoder.
fn gif_of(w: u32, h: u32, frames: &[[u8; 3]]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = ::image::codecs::gif::GifEncoder::new(&mut out);
        for c in frames {
            let buffer =
                ::image::RgbaImage::from_pixel(w, h, ::image::Rgba([c[0], c[1], c[2], 255]));
            encoder.encode_frame(::image::Frame::new(buffer)).unwrap();
        }
    }
    out
}

#[test]
fn every_gif_frame_is_checked_and_the_worst_is_named() {
    let g = guide();
    let ctx = LintContext::new(&g);
    let tmp = tempfile::tempdir().unwrap();
    // a brand frame, then an off-palette one: the second is reported
    let path = tmp.path().join("แอนิเมชัน.gif");
    std::fs::write(
        &path,
        gif_of(120, 63, &[[0x1F, 0x5C, 0x4A], [0xE6, 0x39, 0x46]]),
    )
    .unwrap();
    let findings = lint_file(&ctx, &path).unwrap();
    assert_eq!(rules(&findings), ["image/off-palette"], "{findings:?}");
    assert!(
        findings[0].message.starts_with("frame 2 of 2: 100.0%"),
        "{}",
        findings[0].message
    );
    // brand colors in every frame pass
    std::fs::write(
        &path,
        gif_of(120, 63, &[[0x1F, 0x5C, 0x4A], [0xFF, 0xF8, 0xEE]]),
    )
    .unwrap();
    assert!(lint_file(&ctx, &path).unwrap().is_empty());
    // Pillow's animated test GIF (5 frames with disposal, sky blue): all frames decode
    let findings = lint_file(&ctx, &fixture("dispose_bgnd.gif")).unwrap();
    assert_eq!(rules(&findings), ["image/off-palette"], "{findings:?}");
    assert!(
        findings[0].message.contains(" of 5: "),
        "{}",
        findings[0].message
    );
    assert!(
        findings[0].message.contains("#87CEEB"),
        "{}",
        findings[0].message
    );
}

// ---- photos: sampled shares, declared photos, heroes ------------------------------------------

/// `w`×`h` forest with a share of pixels in distinct off-palette reds, scattered by a
/// fixed-seed generator; returns the image and its exact number of red pixels.
fn speckled(w: u32, h: u32, share: f64) -> (Decoded, u64) {
    let mut img = solid(w, h, [0x1F, 0x5C, 0x4A]);
    let mut state = 0x1234_5678_9ABC_DEF1u64;
    let mut reds = 0;
    for y in 0..h {
        for x in 0..w {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            if (state >> 11) as f64 / (1u64 << 53) as f64 <= share {
                let v = state as u32;
                set(
                    &mut img,
                    x,
                    y,
                    [
                        200 + (v % 56) as u8,
                        (v >> 8) as u8 % 40,
                        (v >> 16) as u8 % 60,
                    ],
                );
                reds += 1;
            }
        }
    }
    (img, reds)
}

#[test]
fn images_of_many_colors_are_sampled_with_a_sound_interval() {
    let g = guide();
    let ctx = LintContext::new(&g);
    let (img, reds) = speckled(1200, 630, 0.4);
    let truth = reds as f64 / (1200.0 * 630.0);
    let report = palette_report(&ctx, &img);
    let sample = report.sample.expect("a photo-like image is sampled");
    assert_eq!(sample.population, 1200 * 630);
    assert!(sample.drawn < sample.population);
    assert!(
        sample.low <= truth && truth <= sample.high,
        "{truth} not in {sample:?}"
    );
    // the sample grows until the interval is at most ±5 points: 256 pixels give ±8 at 40 %
    assert!(sample.high - sample.low <= 0.10, "{sample:?}");
    assert!(sample.drawn > 256, "{sample:?}");
    assert!(
        (report.share() - truth).abs() < 0.05,
        "{} vs {truth}",
        report.share()
    );
    let f = image::check_palette(&ctx, Path::new("photo.png"), &img).unwrap();
    assert!(f.message.contains("(95% interval"), "{}", f.message);
    assert!(
        f.message.contains("sampled 1,024 of 756,000 pixels"),
        "{}",
        f.message
    );
    // the same report every time (fixed seed)
    assert_eq!(palette_report(&ctx, &img), report);
    // Near the threshold the sample grows until its interval clears it: 2.4% is flagged,
    // 1.6% is not (the guide allows 2%). The rest is a forest-to-paper gradient with
    // ±1 noise (thousands of colors, all blends of the palette).
    for (share, flagged) in [(0.024, true), (0.016, false)] {
        let (mut img, _) = speckled(1200, 630, share);
        let mut state = 0x00DD_BA11u64;
        for y in 0..630u32 {
            for x in 0..1200u32 {
                let i = ((y * 1200 + x) * 4) as usize;
                if img.rgba[i..i + 3] != [0x1F, 0x5C, 0x4A] {
                    continue; // a red speck
                }
                let t = x as f32 / 1199.0;
                for (k, (a, b)) in [(0x1F, 0xFF), (0x5C, 0xF8), (0x4A, 0xEE)]
                    .into_iter()
                    .enumerate()
                {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    let v = a as f32 + t * (b as f32 - a as f32) + (state % 3) as f32 - 1.0;
                    img.rgba[i + k] = v.round().clamp(0.0, 255.0) as u8;
                }
            }
        }
        let report = palette_report(&ctx, &img);
        let sample = report.sample.expect("many colors");
        assert!(
            sample.drawn > 4096,
            "{share}: the first sample was decisive: {sample:?}"
        );
        assert!(
            sample.low > 0.02 || sample.high <= 0.02,
            "{share}: {sample:?}"
        );
        assert_eq!(
            image::check_palette(&ctx, Path::new("p.png"), &img).is_some(),
            flagged,
            "{share}: {report:?}"
        );
    }
}

/// Grain of few colors (a noisy greyscale scan: 256 greys, every pixel unlike its
/// neighbours) is sampled, not weighed pixel by pixel against its neighbourhood; a flat
/// off-palette card of the same size is still measured exactly.
#[test]
fn grain_of_few_colors_is_sampled_and_flat_cards_are_exact() {
    let g = guide();
    let ctx = LintContext::new(&g);
    let mut grain = solid(1200, 630, [0, 0, 0]);
    let mut state = 0x0BAD_5EEDu64;
    for p in grain.rgba.chunks_exact_mut(4) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let v = (state >> 24) as u8;
        p[..3].copy_from_slice(&[v, v, v]);
    }
    let report = palette_report(&ctx, &grain);
    let sample = report.sample.expect("grain is sampled");
    assert!(sample.low > 0.02, "{sample:?}");
    assert!(image::check_palette(&ctx, Path::new("scan.png"), &grain).is_some());
    // flat: an off-brand background with a brand-colour block, every pixel judged
    let mut flat = solid(1200, 630, [0x33, 0x66, 0xCC]);
    paint(&mut flat, [100, 100, 300, 200], [0x1F, 0x5C, 0x4A]);
    let report = palette_report(&ctx, &flat);
    assert!(report.sample.is_none(), "{report:?}");
    assert_eq!(report.considered, 1200 * 630);
}

/// A guide with `[lint] photos` globs.
fn guide_with_photos() -> Guide {
    let text = std::fs::read_to_string(root().join("brand/brand.toml")).unwrap();
    let text = text.replace(
        "[lint.rules]",
        "[lint]\nphotos = [\"**/photos/**\", \"*.photo.jpg\"]\n\n[lint.rules]",
    );
    Guide::from_source(
        &root(),
        brandpress::error::SourceFile::new("brand/brand.toml", text),
    )
    .unwrap()
}

#[test]
fn declared_photos_and_our_heroes_are_not_judged_by_pixel_share() {
    let g = guide_with_photos();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let agency = std::fs::read(fixture("agency-card.png")).unwrap();
    let put = |rel: &str, bytes: &[u8]| {
        let p = out.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let photo = put("web/ภาพ/photos/beans.png", &agency);
    let loose = put("web/ภาพ/beans.png", &agency);
    let email_hero = put("email/cold-brew-hero.png", &agency);
    let web_hero = put("web/cold-brew/beans%20hero.png", &agency);
    put(
        "web/cold-brew/index.html",
        br#"<html lang="th"><body><img class="hero-image" src="beans%2520hero.png" alt=""></body></html>"#,
    );
    let not_hero = put("web/cold-brew/other.png", &agency);
    let ctx = LintContext::new(&g)
        .within(brandpress::lint::Roots::of(std::slice::from_ref(&out)).unwrap());
    for p in [&photo, &email_hero, &web_hero] {
        assert!(image::declared_photo(&ctx, p), "{}", p.display());
        assert!(lint_file(&ctx, p).unwrap().is_empty(), "{}", p.display());
    }
    for p in [&loose, &not_hero] {
        assert!(!image::declared_photo(&ctx, p), "{}", p.display());
        assert_eq!(rules(&lint_file(&ctx, p).unwrap()), ["image/off-palette"]);
    }
    // a declared photo is still read: a broken one is unreadable
    let cut = put("photos/cut.png", &agency[..agency.len() / 2]);
    assert_eq!(rules(&lint_file(&ctx, &cut).unwrap()), ["image/unreadable"]);
    // a bad glob is a guide error naming it
    let text = std::fs::read_to_string(root().join("brand/brand.toml"))
        .unwrap()
        .replace(
            "[lint.rules]",
            "[lint]\nphotos = [\"photos/[\"]\n\n[lint.rules]",
        );
    let err = Guide::from_source(
        &root(),
        brandpress::error::SourceFile::new("brand/brand.toml", text),
    )
    .unwrap_err();
    assert!(format!("{err:?}").contains("photos"), "{err:?}");
}

/// Indexed PNGs are widened through their palette by lint's own fast path; every pixel
/// must be what the `image` crate (a separate decoder) reads: 1-, 2-, 4- and 8-bit
/// indices, rows that end mid-byte, a partial tRNS, an index past the palette, and
/// PngSuite's interlaced 2-bit `basi3p02.png`.
#[test]
fn indexed_pngs_read_as_the_image_crate_reads_them() {
    fn check(bytes: &[u8], what: &str) {
        let ours = image::decode(bytes).unwrap();
        let theirs = ::image::load_from_memory(bytes).unwrap().to_rgba8();
        assert_eq!((ours.width, ours.height), theirs.dimensions(), "{what}");
        assert_eq!(ours.rgba, theirs.into_raw(), "{what}");
    }
    // (bit depth, palette entries): the last has indices past its palette
    for (depth, entries) in [(1u8, 2usize), (2, 4), (4, 11), (8, 256), (8, 200)] {
        let colors = 1usize << depth;
        let (w, h) = (13u32, 7u32); // 13 px: rows end mid-byte below 8 bits
        let plte: Vec<u8> = (0..entries)
            .flat_map(|i| [(i * 37) as u8, (i * 91) as u8, (255 - i * 13 % 256) as u8])
            .collect();
        let trns: Vec<u8> = (0..entries / 2).map(|i| (i * 50) as u8).collect();
        let per_byte = 8 / depth as usize;
        let line = (w as usize).div_ceil(per_byte);
        let mut data = vec![0u8; line * h as usize];
        for y in 0..h as usize {
            for x in 0..w as usize {
                let index = ((x * 7 + y * 3) * 5 % colors) as u8;
                let shift = 8 - depth as usize * (x % per_byte + 1);
                data[y * line + x / per_byte] |= index << shift;
            }
        }
        let mut bytes = Vec::new();
        let mut encoder = png::Encoder::new(&mut bytes, w, h);
        encoder.set_color(png::ColorType::Indexed);
        encoder.set_depth(png::BitDepth::from_u8(depth).unwrap());
        encoder.set_palette(plte);
        encoder.set_trns(trns);
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(&data).unwrap();
        writer.finish().unwrap();
        if entries < colors {
            // an index past the palette: opaque black for us (decoders differ)
            let ours = image::decode(&bytes).unwrap();
            let i = (0..(w * h) as usize)
                .find(|i| (i % w as usize * 7 + i / w as usize * 3) * 5 % colors >= entries)
                .unwrap();
            assert_eq!(&ours.rgba[i * 4..i * 4 + 4], &[0, 0, 0, 255]);
            continue;
        }
        check(&bytes, &format!("{depth}-bit, {entries} colors"));
    }
    let suite = root().join("tests/fixtures/real-world/image/basi3p02.png");
    check(&std::fs::read(suite).unwrap(), "basi3p02.png");
}
