//! QR codes in PDFs read from the page's geometry (issue 13, PDF lint speed): a code
//! drawn as vector modules is read without rasterizing and reads as the raster does; a
//! code embedded as an image is still found (rasterized); a code to the wrong address
//! still yields its finding; a path of 100,000 tiny squares stays within the work limits.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use brandpress::lint::pdf::{Budget, scan_page};
use brandpress::lint::qr;
use lopdf::content::{Content, Operation};
use lopdf::{Document, Object, Stream, dictionary};
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// An A5 page (420 × 595 pt).
const PAGE: [f32; 2] = [419.53, 595.28];

/// The dark modules of `data`'s QR code (level M), row by row, and its width.
fn modules(data: &str) -> (Vec<bool>, usize) {
    let code = qrcode::QrCode::with_error_correction_level(data, qrcode::EcLevel::M).unwrap();
    let width = code.width();
    let dark = code
        .to_colors()
        .into_iter()
        .map(|c| c == qrcode::Color::Dark)
        .collect();
    (dark, width)
}

fn op(name: &str, operands: Vec<Object>) -> Operation {
    Operation::new(name, operands)
}

fn reals(v: &[f32]) -> Vec<Object> {
    v.iter().map(|x| Object::Real(*x)).collect()
}

/// A one-page PDF of `ops`, with `xobjects` in its resources.
fn pdf(ops: Vec<Operation>, xobjects: lopdf::Dictionary) -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    // a stream must be an indirect object: each image goes into the file on its own
    let mut xobjects = xobjects;
    for (_, value) in xobjects.iter_mut() {
        if let Object::Stream(_) = value {
            let stream = std::mem::replace(value, Object::Null);
            *value = doc.add_object(stream).into();
        }
    }
    let page = dictionary! {
        "MediaBox" => vec![0.into(), 0.into(), Object::Real(PAGE[0]), Object::Real(PAGE[1])],
        "Resources" => dictionary! { "XObject" => xobjects },
    };
    support::one_page_pdf(doc, page, Content { operations: ops }.encode().unwrap())
}

/// The operators that draw `data`'s code as our print renderer does: a white quiet
/// zone laid on a dark band, then one path of the dark modules' runs (`m l l l h`, y
/// flipped by the matrix), `module` pt wide, top-left corner at (`x`, `y`) from the
/// page's top-left.
fn vector_code(data: &str, [x, y]: [f32; 2], module: f32) -> Vec<Operation> {
    let (dark, n) = modules(data);
    let flip = reals(&[1.0, 0.0, 0.0, -1.0, 0.0, PAGE[1]]);
    let quiet = 4.0 * module;
    let side = n as f32 * module;
    let mut ops = vec![
        // a dark band under the code, as our footer has
        op("q", vec![]),
        op("cm", flip.clone()),
        op("k", reals(&[0.66, 0.0, 0.2, 0.64])),
        op(
            "re",
            reals(&[0.0, y - 2.0 * quiet, PAGE[0], side + 4.0 * quiet]),
        ),
        op("f", vec![]),
        op("Q", vec![]),
        // the quiet zone
        op("q", vec![]),
        op("cm", flip.clone()),
        op("k", reals(&[0.0, 0.0, 0.0, 0.0])),
        op(
            "re",
            reals(&[x - quiet, y - quiet, side + 2.0 * quiet, side + 2.0 * quiet]),
        ),
        op("f", vec![]),
        op("Q", vec![]),
        op("q", vec![]),
        op("cm", flip),
        op("k", reals(&[0.0, 0.0, 0.0, 1.0])),
    ];
    for row in 0..n {
        let mut col = 0;
        while col < n {
            if !dark[row * n + col] {
                col += 1;
                continue;
            }
            let start = col;
            while col < n && dark[row * n + col] {
                col += 1;
            }
            let (x0, x1) = (x + start as f32 * module, x + col as f32 * module);
            let (y0, y1) = (y + row as f32 * module, y + (row + 1) as f32 * module);
            ops.push(op("m", reals(&[x0, y0])));
            ops.push(op("l", reals(&[x1, y0])));
            ops.push(op("l", reals(&[x1, y1])));
            ops.push(op("l", reals(&[x0, y1])));
            ops.push(op("h", vec![]));
        }
    }
    ops.push(op("f", vec![]));
    ops.push(op("Q", vec![]));
    ops
}

/// The codes the page's geometry shows, boxes from the top-left corner (no crop box,
/// no rotation), read at the raster's resolution for an A5 page.
fn vector_read(bytes: &[u8]) -> qr::PageRead {
    let doc = Document::load_mem(bytes).unwrap();
    let page = *doc.get_pages().values().next().unwrap();
    let scan = scan_page(&doc, page, &mut Budget::default());
    let to_page = |[x0, y0, x1, y1]: [f32; 4]| Some([x0, PAGE[1] - y1, x1 - x0, y1 - y0]);
    qr::read_page(&scan, to_page, qr::raster_scale(PAGE[0], PAGE[1]))
}

/// The codes the raster reading finds on page 1.
fn raster_read(bytes: &[u8]) -> Vec<qr::Code> {
    let mut coded = qr::pdf_codes(bytes, &[1]);
    assert!(coded.len() <= 1);
    coded.pop().map(|(_, codes)| codes).unwrap_or_default()
}

fn lint_json(project: &Path, file: &Path) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_brandpress"))
        .args(["lint", "--format", "json", "--no-cache", "--project"])
        .arg(project)
        .arg(file)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("no JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)))
}

fn qr_findings(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "link/qr-mismatch")
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect()
}

/// A Thai slug, percent-encoded as a URL carries it.
const THAI_URL: &str = "https://tonkla.example/campaigns/web/%E0%B8%81%E0%B8%B2%E0%B9%81%E0%B8%9F-%E0%B9%80%E0%B8%A2%E0%B9%87%E0%B8%99/?utm_source=print&utm_medium=print&utm_campaign=winter-2026";

#[test]
fn a_vector_code_reads_from_geometry_as_from_the_raster() {
    for (data, at, module) in [
        (THAI_URL, [320.0, 500.0], 1.52),
        // text payload in Thai (not a link: read, not checked), larger modules
        ("กาแฟเย็น ลด 20% ที่ร้านต้นกล้า", [40.0, 60.0], 3.0),
    ] {
        let bytes = pdf(vector_code(data, at, module), lopdf::Dictionary::new());
        let vector = vector_read(&bytes);
        assert!(vector.clean, "{vector:?}");
        assert_eq!(vector.codes.len(), 1, "{vector:?}");
        assert!(vector.segments > 40, "{vector:?}");
        let raster = raster_read(&bytes);
        assert_eq!(raster.len(), 1, "{raster:?}");
        assert_eq!(vector.codes[0].text, data);
        assert_eq!(raster[0].text, data);
        // the same place, within a module and a half: the geometry gives the modules'
        // exact edges, the raster reading its grid fitted to the finder patterns
        for (v, r) in vector.codes[0].bounds.iter().zip(raster[0].bounds) {
            assert!(
                (v - r).abs() <= 1.5 * module,
                "{:?} vs {:?}",
                vector.codes[0],
                raster[0]
            );
        }
    }
}

#[test]
fn a_covered_or_tiny_vector_code_is_left_to_the_raster() {
    // painted over after it: not trusted (the page is rasterized)
    let mut ops = vector_code(THAI_URL, [320.0, 500.0], 1.52);
    ops.extend([
        op("k", reals(&[0.0, 0.0, 0.0, 0.0])),
        op("re", reals(&[330.0, 20.0, 20.0, 20.0])),
        op("f", vec![]),
    ]);
    let read = vector_read(&pdf(ops, lopdf::Dictionary::new()));
    assert!(!read.clean && read.codes.is_empty(), "{read:?}");
    // modules of 0.5 pt (2 px at 300 dpi): the raster does not read them either
    let read = vector_read(&pdf(
        vector_code(THAI_URL, [320.0, 500.0], 0.5),
        lopdf::Dictionary::new(),
    ));
    assert!(!read.clean && read.codes.is_empty(), "{read:?}");
}

#[test]
fn a_wrong_address_in_a_vector_code_is_still_found() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("flyer.pdf");
    let bytes = pdf(
        vector_code("https://evil.example/โปรโมชั่น", [320.0, 500.0], 1.52),
        lopdf::Dictionary::new(),
    );
    std::fs::write(&file, &bytes).unwrap();
    assert_eq!(vector_read(&bytes).codes.len(), 1);
    let hits = qr_findings(&lint_json(&root(), &file));
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert!(hits[0].contains("evil.example"), "{hits:?}");
}

#[test]
fn a_code_embedded_as_an_image_is_still_found() {
    let (dark, n) = modules("https://evil.example/ภาพ");
    // 8 px a module, 4 modules of white around, as a direct image stream
    let (scale, quiet) = (8, 4);
    let side = (n + 2 * quiet) * scale;
    let image = Stream::new(image_dict(side), image_pixels(&dark, n, scale, quiet));
    let xobjects = dictionary! { "Im0" => Object::Stream(image) };
    let ops = vec![
        op("q", vec![]),
        op("cm", reals(&[90.0, 0.0, 0.0, 90.0, 300.0, 40.0])),
        op("Do", vec![Object::Name(b"Im0".to_vec())]),
        op("Q", vec![]),
    ];
    let bytes = pdf(ops, xobjects);
    let read = vector_read(&bytes);
    assert!(read.codes.is_empty(), "no geometry to read: {read:?}");
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("agency.pdf");
    std::fs::write(&file, &bytes).unwrap();
    let hits = qr_findings(&lint_json(&root(), &file));
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert!(hits[0].contains("evil.example"), "{hits:?}");
}

fn image_dict(side: usize) -> lopdf::Dictionary {
    dictionary! {
        "Type" => "XObject",
        "Subtype" => "Image",
        "Width" => side as i64,
        "Height" => side as i64,
        "ColorSpace" => "DeviceGray",
        "BitsPerComponent" => 8,
    }
}

fn image_pixels(dark: &[bool], n: usize, scale: usize, quiet: usize) -> Vec<u8> {
    let side = (n + 2 * quiet) * scale;
    (0..side * side)
        .map(|i| {
            let (row, col) = (i / side / scale, i % side / scale);
            let inside = (quiet..quiet + n).contains(&row) && (quiet..quiet + n).contains(&col);
            if inside && dark[(row - quiet) * n + col - quiet] {
                0
            } else {
                255
            }
        })
        .collect()
}

#[test]
fn a_hundred_thousand_tiny_squares_stay_within_the_work_limit() {
    // one path of 100,000 squares of 0.2 pt on a 0.4 pt pitch, filled once
    let mut ops = vec![op("k", reals(&[0.0, 0.0, 0.0, 1.0]))];
    for i in 0..100_000 {
        let (x, y) = (20.0 + (i % 800) as f32 * 0.4, 20.0 + (i / 800) as f32 * 0.4);
        ops.push(op("re", reals(&[x, y, 0.2, 0.2])));
    }
    ops.push(op("f", vec![]));
    let bytes = pdf(ops, lopdf::Dictionary::new());
    let doc = Document::load_mem(&bytes).unwrap();
    let page = *doc.get_pages().values().next().unwrap();
    let scan = scan_page(&doc, page, &mut Budget::default());
    assert!(
        scan.rect_fills.is_empty(),
        "a path over {} rectangles is not kept",
        brandpress::lint::pdf::MAX_RECT_FILL
    );
    let read = vector_read(&bytes);
    assert!(read.codes.is_empty() && read.clean, "{read:?}");
    // and the file lints (the raster reading, bounded as before, finds nothing)
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("grain.pdf");
    std::fs::write(&file, &bytes).unwrap();
    assert!(qr_findings(&lint_json(&root(), &file)).is_empty());
}

#[test]
fn a_grid_of_squares_that_is_no_code_reads_as_nothing() {
    // 25 × 25 modules in a checkerboard: a square grid of the right size, no finder
    // patterns
    let mut ops = vec![op("k", reals(&[0.0, 0.0, 0.0, 1.0]))];
    for row in 0..25 {
        for col in 0..25 {
            if (row + col) % 2 == 0 {
                let (x, y) = (100.0 + col as f32 * 2.0, 100.0 + row as f32 * 2.0);
                ops.push(op("re", reals(&[x, y, 2.0, 2.0])));
            }
        }
    }
    ops.push(op("f", vec![]));
    let read = vector_read(&pdf(ops, lopdf::Dictionary::new()));
    assert!(read.codes.is_empty() && read.clean, "{read:?}");
}

/// Crop marks as our print renderer draws them after everything else: one stroked path
/// of short lines, two at each corner of an A5 trim box on a bleed, plus `extra` lines
/// (`[x0, y0, x1, y1]`, from the page's top-left) in the same path.
fn crop_marks(extra: &[[f32; 4]]) -> Vec<Operation> {
    let flip = reals(&[1.0, 0.0, 0.0, -1.0, 0.0, PAGE[1]]);
    let (l, t, r, b) = (25.5, 25.5, PAGE[0] - 25.5, PAGE[1] - 25.5);
    let mut lines = vec![
        [l - 11.3, t, l - 25.5, t],
        [l, t - 11.3, l, t - 25.5],
        [r + 11.3, t, r + 25.5, t],
        [r, t - 11.3, r, t - 25.5],
        [l - 11.3, b, l - 25.5, b],
        [l, b + 11.3, l, b + 25.5],
        [r + 11.3, b, r + 25.5, b],
        [r, b + 11.3, r, b + 25.5],
    ];
    lines.extend_from_slice(extra);
    let mut ops = vec![
        op("q", vec![]),
        op("cm", flip),
        op("K", reals(&[1.0, 1.0, 1.0, 1.0])),
        op("w", reals(&[0.25])),
    ];
    for [x0, y0, x1, y1] in lines {
        ops.push(op("m", reals(&[x0, y0])));
        ops.push(op("l", reals(&[x1, y1])));
    }
    ops.push(op("S", vec![]));
    ops.push(op("Q", vec![]));
    ops
}

#[test]
fn crop_marks_after_a_vector_code_leave_it_read_from_geometry() {
    // the marks' path spans the whole page, but its lines stay in the corners: the
    // code is still read without rasterizing (our own flyers were all rasterized)
    let mut ops = vector_code(THAI_URL, [300.0, 440.0], 1.52);
    ops.extend(crop_marks(&[]));
    let bytes = pdf(ops, lopdf::Dictionary::new());
    let read = vector_read(&bytes);
    assert!(read.clean, "{read:?}");
    assert_eq!(read.codes.len(), 1, "{read:?}");
    assert_eq!(read.codes[0].text, THAI_URL);
    assert_eq!(raster_read(&bytes)[0].text, THAI_URL);
    // one more line in the same path, across the code's quiet zone: it may hide a
    // module, so the page is left to the raster
    let mut ops = vector_code(THAI_URL, [300.0, 440.0], 1.52);
    ops.extend(crop_marks(&[[290.0, 438.0, 400.0, 438.0]]));
    let read = vector_read(&pdf(ops, lopdf::Dictionary::new()));
    assert!(!read.clean && read.codes.is_empty(), "{read:?}");
}
