//! The print channel, end to end on the example project: fonts, boxes, inks, QR code,
//! determinism, and our own PDF lint on the result.
//!
//! Pure Rust, no system tools: pages are rasterized with hayro and the font list is read
//! with lopdf (poppler's `pdftoppm`/`pdffonts` are an optional manual cross-check:
//! `scripts/install-test-deps.sh` installs them).

mod support;

use std::path::PathBuf;

use brandpress::lint::pdf::{PT_PER_MM, extract_text};
use brandpress::lint::{LintContext, lint_file};
use brandpress::project::Project;
use brandpress::render::print::{CROP_MARK_ROOM_MM, PrintRenderer};
use lopdf::content::Content;
use lopdf::{Document, Object};
use support::rasterize;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn project() -> Project {
    Project::load(&root()).expect("example project loads")
}

fn flyer(project: &Project, slug: &str) -> (Vec<u8>, Vec<String>) {
    let renderer = PrintRenderer::new(project).expect("renderer");
    let piece = project
        .pieces
        .iter()
        .find(|p| p.slug == slug)
        .expect("piece");
    renderer.render_pdf(piece).expect("renders")
}

#[test]
fn fonts_are_embedded_brand_fonts() {
    let (pdf, _) = flyer(&project(), "cold-brew-winter");
    let doc = Document::load_mem(&pdf).unwrap();
    let mut names = Vec::new();
    for (_, obj) in doc.objects.iter() {
        let Ok(dict) = obj.as_dict() else { continue };
        if dict.get(b"Type").and_then(|t| t.as_name()).ok() != Some(b"FontDescriptor") {
            continue;
        }
        let name = dict.get(b"FontName").unwrap().as_name().unwrap();
        names.push(String::from_utf8_lossy(name).into_owned());
        assert!(
            dict.has(b"FontFile2") || dict.has(b"FontFile3"),
            "{name:?} not embedded"
        );
    }
    let mut families: Vec<&str> = names
        .iter()
        .map(|n| n.split_once('+').map(|(_, r)| r).unwrap_or(n))
        .collect();
    families.sort();
    assert_eq!(
        families,
        vec![
            "NotoSans-Bold",
            "NotoSans-Regular",
            "NotoSansThai-Bold",
            "NotoSansThai-Regular"
        ]
    );
}

/// Every font dictionary the pages use, as `pdffonts` lists them: (base font name,
/// whether its program is embedded). A composite (Type0) font is embedded when its
/// descendant CID font's descriptor holds the font program.
fn page_fonts(doc: &Document) -> Vec<(String, bool, usize)> {
    let mut fonts = std::collections::BTreeMap::new();
    for page in doc.get_pages().values() {
        for font in doc.get_page_fonts(*page).unwrap().values() {
            let name = font.get(b"BaseFont").unwrap().as_name().unwrap();
            let name = String::from_utf8_lossy(name).into_owned();
            let descendant = match font.get(b"DescendantFonts") {
                Ok(d) => {
                    let d = doc.dereference(d).unwrap().1.as_array().unwrap();
                    doc.dereference(&d[0]).unwrap().1.as_dict().unwrap()
                }
                Err(_) => font,
            };
            let descriptor = descendant
                .get(b"FontDescriptor")
                .and_then(|d| doc.dereference(d))
                .and_then(|(_, d)| d.as_dict());
            let program = descriptor.ok().and_then(|d| {
                [&b"FontFile"[..], b"FontFile2", b"FontFile3"]
                    .iter()
                    .find_map(|k| d.get(k).ok())
            });
            let size = program
                .and_then(|p| doc.dereference(p).ok())
                .and_then(|(_, p)| p.as_stream().ok())
                .map(|s| {
                    s.decompressed_content()
                        .unwrap_or_else(|_| s.content.clone())
                        .len()
                })
                .unwrap_or(0);
            fonts.insert(name, (program.is_some(), size));
        }
    }
    fonts.into_iter().map(|(n, (e, s))| (n, e, s)).collect()
}

#[test]
fn only_embedded_subset_brand_fonts_are_used() {
    let (pdf, _) = flyer(&project(), "cold-brew-winter");
    let doc = Document::load_mem(&pdf).unwrap();
    let fonts = page_fonts(&doc);
    assert!(!fonts.is_empty());
    let originals: Vec<(String, u64)> = std::fs::read_dir(root().join("brand/fonts"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "ttf"))
        .map(|e| {
            let name = e.path().file_stem().unwrap().to_string_lossy().into_owned();
            (name, e.metadata().unwrap().len())
        })
        .collect();
    for (name, embedded, size) in &fonts {
        // A subset carries a six-letter tag: ABCDEF+NotoSans-Regular.
        let (tag, family) = name
            .split_once('+')
            .unwrap_or_else(|| panic!("{name}: not a subset"));
        assert!(
            tag.len() == 6 && tag.bytes().all(|b| b.is_ascii_uppercase()),
            "{name}"
        );
        assert!(family.starts_with("NotoSans"), "{name}");
        assert!(*embedded, "{name} is not embedded");
        // Really subset: the embedded program is smaller than the brand's file.
        let (_, full) = originals
            .iter()
            .find(|(n, _)| n == family)
            .unwrap_or_else(|| panic!("{name}: not a brand font"));
        assert!(
            *size > 0 && (*size as u64) < *full,
            "{name}: {size} of {full} bytes"
        );
    }
}

fn boxes(doc: &Document, page: lopdf::ObjectId, key: &[u8]) -> [f32; 4] {
    let arr = doc
        .get_dictionary(page)
        .unwrap()
        .get(key)
        .unwrap()
        .as_array()
        .unwrap();
    let v: Vec<f32> = arr.iter().map(|o| o.as_float().unwrap()).collect();
    [v[0], v[1], v[2], v[3]]
}

#[test]
fn trim_bleed_and_media_boxes() {
    let project = project();
    let (pdf, _) = flyer(&project, "cold-brew-winter");
    let doc = Document::load_mem(&pdf).unwrap();
    let print = &project.guide.channels.print;
    let (w, h) = print.page.mm();
    let bleed = print.bleed_mm * PT_PER_MM;
    let slug = if print.crop_marks {
        CROP_MARK_ROOM_MM * PT_PER_MM
    } else {
        0.0
    };
    for page in doc.get_pages().values() {
        let trim = boxes(&doc, *page, b"TrimBox");
        let bleed_box = boxes(&doc, *page, b"BleedBox");
        let media = boxes(&doc, *page, b"MediaBox");
        assert!(
            ((trim[2] - trim[0]) - w * PT_PER_MM).abs() < 0.1,
            "{trim:?}"
        );
        assert!(
            ((trim[3] - trim[1]) - h * PT_PER_MM).abs() < 0.1,
            "{trim:?}"
        );
        for i in 0..2 {
            assert!(
                (trim[i] - bleed_box[i] - bleed).abs() < 0.1,
                "{trim:?} {bleed_box:?}"
            );
            assert!((bleed_box[i + 2] - trim[i + 2] - bleed).abs() < 0.1);
            assert!((bleed_box[i] - media[i] - slug).abs() < 0.1, "{media:?}");
        }
    }
}

/// (operator, fill color operands) at each text-showing operator of every page.
fn text_fills(pdf: &[u8]) -> Vec<Vec<f32>> {
    let doc = Document::load_mem(pdf).unwrap();
    let mut out = Vec::new();
    for page in doc.get_pages().values() {
        let content = Content::decode(&doc.get_page_content(*page)).unwrap();
        let mut fill: Vec<f32> = Vec::new();
        let mut stack = Vec::new();
        for op in &content.operations {
            match op.operator.as_str() {
                "q" => stack.push(fill.clone()),
                "Q" => fill = stack.pop().unwrap_or_default(),
                "k" | "rg" | "g" | "sc" | "scn" => {
                    fill = op
                        .operands
                        .iter()
                        .filter_map(|o| o.as_float().ok())
                        .collect();
                    if op.operator == "rg" {
                        fill.insert(0, -1.0); // mark RGB
                    }
                }
                "Tj" | "TJ" => out.push(fill.clone()),
                _ => {}
            }
        }
    }
    out
}

#[test]
fn cmyk_inks_and_body_text_in_pure_k() {
    let (pdf, warnings) = flyer(&project(), "cold-brew-winter");
    let fills = text_fills(&pdf);
    assert!(!fills.is_empty());
    // Every text fill is CMYK (4 components), none RGB.
    assert!(fills.iter().all(|f| f.len() == 4), "{fills:?}");
    // Body text is pure K: 0 0 0 1.
    let pure_k = fills
        .iter()
        .filter(|f| f.as_slice() == [0.0, 0.0, 0.0, 1.0])
        .count();
    assert!(pure_k > 5, "{fills:?}");
    // Headings in forest (66/0/20/64).
    assert!(
        fills
            .iter()
            .any(|f| (f[0] - 0.66).abs() < 0.01 && (f[3] - 0.64).abs() < 0.01)
    );
    // Every guide color has CMYK values, so no RGB warning.
    assert!(!warnings.iter().any(|w| w.contains("RGB")), "{warnings:?}");
}

#[test]
fn thai_text_is_extractable_from_our_pdf() {
    let (pdf, _) = flyer(&project(), "cold-brew-winter");
    let pages = extract_text(&pdf).unwrap();
    let all = pages.join("\n");
    assert!(all.contains("โคลด์บรูว์รับลมหนาว"), "{all}");
    assert!(all.contains("ชั่วโมง"), "{all}");
    assert!(all.contains("น้ำตาล"), "{all}");
    assert!(all.contains("WINTER26"), "{all}");
}

#[test]
fn our_flyers_pass_our_lint() {
    let project = project();
    let renderer = PrintRenderer::new(&project).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for piece in &project.pieces {
        let (pdf, _) = renderer.render_pdf(piece).unwrap();
        let path = dir.path().join(format!("{}.pdf", piece.slug));
        std::fs::write(&path, &pdf).unwrap();
        let findings = lint_file(&LintContext::new(&project.guide), &path).unwrap();
        assert!(findings.is_empty(), "{}: {findings:#?}", piece.slug);
    }
}

#[test]
fn rebuilds_are_byte_identical() {
    let project = project();
    let (a, _) = flyer(&project, "cold-brew-winter");
    let (b, _) = flyer(&project, "cold-brew-winter");
    assert_eq!(a, b);
    // The creation date is the piece's date.
    let doc = Document::load_mem(&a).unwrap();
    let info = doc.trailer.get(b"Info").unwrap().as_reference().unwrap();
    let date = doc
        .get_dictionary(info)
        .unwrap()
        .get(b"CreationDate")
        .unwrap();
    let Object::String(s, _) = date else {
        panic!("{date:?}")
    };
    assert!(
        String::from_utf8_lossy(s).starts_with("D:20261128"),
        "{s:?}"
    );
}

fn decode_qr(w: usize, h: usize, rgba: &[u8]) -> Vec<String> {
    let luma = |x: usize, y: usize| {
        let p = &rgba[(y * w + x) * 4..(y * w + x) * 4 + 3];
        ((u16::from(p[0]) * 3 + u16::from(p[1]) * 6 + u16::from(p[2])) / 10) as u8
    };
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, luma);
    img.detect_grids()
        .into_iter()
        .filter_map(|g| g.decode().ok().map(|(_, text)| text))
        .collect()
}

#[test]
fn qr_code_decodes_to_the_tagged_page_url() {
    let project = project();
    let (pdf, _) = flyer(&project, "cold-brew-winter");
    let pages = Document::load_mem(&pdf).unwrap().get_pages().len();
    let (w, h, rgba) = rasterize(&pdf, pages - 1, 300.0);
    let found = decode_qr(w, h, &rgba);
    assert_eq!(
        found,
        vec![
            "https://tonkla.example/campaigns/web/cold-brew-winter/?utm_source=print&utm_medium=offline&utm_campaign=winter-2026"
                .to_string()
        ]
    );
}

#[test]
fn text_and_hero_show_on_the_rasterized_page() {
    // The first page of the example flyer: its hero SVG and its Thai title really paint
    // pixels (a page that rendered blank, or fonts that did not load, fail here).
    let project = project();
    let (pdf, _) = flyer(&project, "cold-brew-winter");
    let (w, h, rgba) = rasterize(&pdf, 0, 72.0);
    let dark = rgba
        .chunks_exact(4)
        .filter(|p| p[0] < 100 && p[1] < 100 && p[2] < 100)
        .count();
    let colored = rgba
        .chunks_exact(4)
        .filter(|p| p[0].abs_diff(p[1]) > 40 || p[1].abs_diff(p[2]) > 40)
        .count();
    assert!(dark > 200, "{dark} dark pixels of {w}×{h}: no text?");
    assert!(colored > w * h / 50, "{colored} colored pixels of {w}×{h}");
}

#[test]
fn without_base_url_there_is_no_qr_and_a_warning() {
    let mut project = project();
    project.guide.channels.web.base_url = None;
    let (pdf, warnings) = flyer(&project, "cold-brew-winter");
    assert!(
        warnings.iter().any(|w| w.contains("no QR code")),
        "{warnings:?}"
    );
    assert!(Document::load_mem(&pdf).is_ok());
}

#[test]
fn pdfa_without_a_cmyk_profile_is_a_clear_error() {
    let mut project = project();
    project.guide.channels.print.pdfa = true;
    let err = PrintRenderer::new(&project).err().expect("error");
    assert!(err.to_string().contains("cmyk_profile"), "{err}");
}

#[test]
fn long_content_flows_onto_more_pages() {
    let mut project = project();
    let piece = project
        .pieces
        .iter_mut()
        .find(|p| p.slug == "cold-brew-winter")
        .unwrap();
    let extra = piece.body.clone();
    for _ in 0..6 {
        piece.body.extend(extra.iter().cloned());
    }
    let (pdf, _) = flyer(&project, "cold-brew-winter");
    let doc = Document::load_mem(&pdf).unwrap();
    assert!(
        doc.get_pages().len() >= 4,
        "{} pages",
        doc.get_pages().len()
    );
}

fn piece_from(body: &str) -> brandpress::content::Piece {
    let text = format!(
        "+++\ntitle = \"โคลด์บรูว์รับลมหนาว\"\nsummary = \"สรุป\"\nslug = \"hostile\"\nlang = \"th\"\n+++\n\n{body}"
    );
    brandpress::content::Piece::parse(brandpress::error::SourceFile::new(
        "content/hostile.md",
        text,
    ))
    .unwrap()
}

fn render_piece(body: &str) -> brandpress::error::Result<(Vec<u8>, Vec<String>)> {
    let mut project = project();
    project.pieces = vec![piece_from(body)];
    let renderer = PrintRenderer::new(&project).expect("renderer");
    renderer.render_pdf(&project.pieces[0])
}

#[test]
fn nesting_that_leaves_no_column_is_an_error_at_its_line() {
    // Line 8 of the file: the front matter is lines 1–6, then a blank line.
    let e = render_piece(&format!("{} ลึกมาก\n", ">".repeat(40)))
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("content/hostile.md:8:1: print layout: quote nesting"),
        "{e}"
    );
    // 8 ems of the guide's smallest body size, 16 px = 12 pt.
    assert!(e.contains("narrowest column is 33.9 mm"), "{e}");
    // A few levels still print.
    assert!(render_piece(&format!("{} ลึก\n", ">".repeat(5))).is_ok());
    let list: String = (0..30)
        .map(|i| format!("{}- รายการ\n", "  ".repeat(i)))
        .collect();
    let e = render_piece(&list).unwrap_err().to_string();
    assert!(e.contains("list nesting leaves no room for text"), "{e}");
}

#[test]
fn characters_no_brand_font_has_are_left_out_and_reported() {
    let (pdf, warnings) = render_piece("กาแฟ ☕ 😀 مرحبا 你好 เย็น\n").unwrap();
    let w: Vec<&String> = warnings
        .iter()
        .filter(|w| w.contains("font/missing-glyph"))
        .collect();
    assert_eq!(w.len(), 1, "{warnings:?}");
    assert!(w[0].contains("content/hostile.md") && w[0].contains("print PDF"));
    assert!(
        w[0].contains("😀 (U+1F600)") && w[0].contains("م (U+0645)"),
        "{}",
        w[0]
    );
    // The text around them is all there.
    let text = extract_text(&pdf).unwrap().concat();
    assert!(text.contains("กาแฟ") && text.contains("เย็น"), "{text}");
}

#[test]
fn a_flyer_stops_at_fifty_pages() {
    let para = "โคลด์บรูว์ของต้นกล้าสกัดเย็นนาน 18 ชั่วโมง หอม นุ่ม ไม่ขม ".repeat(20);
    let e = render_piece(&format!("{para}\n\n").repeat(300))
        .unwrap_err()
        .to_string();
    assert!(e.contains("run past 50 pages"), "{e}");
    assert!(e.starts_with("content/hostile.md:"), "{e}");
}

#[test]
fn the_example_flyers_are_one_page_each() {
    // The A5 cold brew flyer used to spill its facts and footer onto a mostly empty
    // second page: the hero band and the text shrink first.
    let project = project();
    assert!(project.guide.channels.print.page == brandpress::brand::PageSize::A5);
    for slug in ["cold-brew-winter", "member-double-points", "new-year-beans"] {
        let (pdf, _) = flyer(&project, slug);
        let doc = Document::load_mem(&pdf).unwrap();
        assert_eq!(doc.get_pages().len(), 1, "{slug}");
        // Still all there: title, body text and the facts.
        let text = extract_text(&pdf).unwrap().concat();
        if slug == "cold-brew-winter" {
            for part in ["โคลด์บรูว์", "WINTER26", "LINE", "cold-brew-"] {
                assert!(text.contains(part), "{part} missing from {text}");
            }
        }
    }
}

/// The tallest band of page `index` with no ink (anything well away from the paper
/// color) inside the trim box, as a share of the trim height.
fn largest_blank(pdf: &[u8], index: usize) -> f32 {
    let doc = Document::load_mem(pdf).unwrap();
    let page = doc.get_pages()[&(index as u32 + 1)];
    let media = boxes(&doc, page, b"MediaBox");
    let trim = boxes(&doc, page, b"TrimBox");
    let dpi = 36.0;
    let (w, _, rgba) = rasterize(pdf, index, dpi);
    let px = |pt: f32| (pt * dpi / 72.0).round() as usize;
    // PDF y grows upwards; rows from the top.
    let (x0, x1) = (px(trim[0] - media[0]) + 1, px(trim[2] - media[0]) - 1);
    let (y0, y1) = (px(media[3] - trim[3]) + 1, px(media[3] - trim[1]) - 1);
    let paper = [0xFF_u8, 0xF8, 0xEE];
    let (mut run, mut largest) = (0, 0);
    for y in y0..y1 {
        let inked = (x0..x1).any(|x| {
            let p = &rgba[(y * w + x) * 4..][..3];
            p.iter()
                .zip(paper)
                .map(|(a, b)| a.abs_diff(b) as u32)
                .sum::<u32>()
                > 90
        });
        run = if inked { 0 } else { run + 1 };
        largest = largest.max(run);
    }
    largest as f32 / (y1 - y0) as f32
}

#[test]
fn a_long_piece_flows_on_with_no_page_mostly_empty() {
    for copies in [2, 3] {
        let mut project = project();
        let piece = project
            .pieces
            .iter_mut()
            .find(|p| p.slug == "cold-brew-winter")
            .unwrap();
        let extra = piece.body.clone();
        for _ in 1..copies {
            piece.body.extend(extra.iter().cloned());
        }
        let (pdf, _) = flyer(&project, "cold-brew-winter");
        let pages = Document::load_mem(&pdf).unwrap().get_pages().len();
        assert!(pages >= 2, "{copies} copies: {pages} pages");
        for i in 0..pages {
            let share = largest_blank(&pdf, i);
            assert!(
                share < 0.5,
                "{copies} copies: page {} of {pages} is mostly empty (a blank band {:.0} % of its height)",
                i + 1,
                share * 100.0
            );
        }
    }
    // The measure sees a mostly empty page: the old example flyer's second page, its
    // facts box above the footer band, had a blank band of about half its height.
}

#[test]
fn text_that_cannot_fit_is_an_error_naming_the_piece() {
    // One word wider than the column even at the guide's smallest body size.
    let e = render_piece(&format!("ok {}\n", "W".repeat(60)))
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("content/hostile.md:8:1: print layout: a word is wider than its"),
        "{e}"
    );
    assert!(e.contains("12.0 pt"), "{e}");
    // A word a little too wide for the starting size sets its paragraph smaller instead.
    assert!(render_piece(&format!("{}\n", "W".repeat(22))).is_ok());
    // A title word: at the title's front matter line.
    let mut project = project();
    let text = format!(
        "+++\nslug = \"wide\"\ntitle = \"{}\"\nsummary = \"s\"\nlang = \"en\"\n+++\n\nBody.\n",
        "W".repeat(30)
    );
    let piece = brandpress::content::Piece::parse(brandpress::error::SourceFile::new(
        "content/wide.md",
        text,
    ))
    .unwrap();
    project.pieces = vec![piece];
    let renderer = PrintRenderer::new(&project).unwrap();
    let e = renderer
        .render_pdf(&project.pieces[0])
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("content/wide.md:3:") && e.contains(": print layout: a word of the title"),
        "{e}"
    );
    // Past the page budget: an error, never a cut.
    let para = "กาแฟเย็น ".repeat(300);
    let e = render_piece(&format!("{para}\n\n").repeat(120))
        .unwrap_err()
        .to_string();
    assert!(e.contains("run past 50 pages"), "{e}");
}

#[test]
fn bold_text_in_a_paragraph_is_set_in_the_bold_face() {
    // The hostile piece's title and summary are Thai: without bold Latin in the body,
    // the Latin bold face is not on the page at all.
    let fonts_of = |body: &str| -> Vec<String> {
        let (pdf, _) = render_piece(body).unwrap();
        let doc = Document::load_mem(&pdf).unwrap();
        page_fonts(&doc)
            .into_iter()
            .map(|(n, _, _)| n.split_once('+').map_or(n.clone(), |(_, f)| f.to_string()))
            .collect()
    };
    let plain = fonts_of("Cold brew, กาแฟ plain text.\n");
    assert!(!plain.iter().any(|f| f == "NotoSans-Bold"), "{plain:?}");
    let bold = fonts_of("Cold brew, กาแฟ **strong text** and *emphasis*.\n");
    assert!(bold.iter().any(|f| f == "NotoSans-Bold"), "{bold:?}");
    // No italic face in the guide: emphasis stays upright, in the regular face.
    assert!(bold.iter().any(|f| f == "NotoSans-Regular"), "{bold:?}");
}
