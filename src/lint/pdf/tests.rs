use std::path::Path;

use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Document, Object, ObjectId, Stream, dictionary};

use super::one_page::finish_one_page;
use super::*;
use crate::brand::Guide;

fn guide() -> Guide {
    Guide::load(Path::new(env!("CARGO_MANIFEST_DIR"))).expect("example guide loads")
}

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/pdf")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn run(bytes: &[u8]) -> Vec<Finding> {
    let guide = guide();
    lint(&LintContext::new(&guide), Path::new("x.pdf"), bytes)
}

fn rules(findings: &[Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.rule).collect()
}

const A5: [f32; 2] = [148.0 * PT_PER_MM, 210.0 * PT_PER_MM];

/// A one-page PDF with `ops` as content, a Helvetica font `F1`, and the given boxes
/// (trim = A5 at (9, 9) when `with_trim`, media = trim + 9 pt).
fn make_pdf(ops: Vec<Operation>, with_trim: bool, bleed_pt: f32) -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
    });
    let resources_id = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font_id },
    });
    let content = Content { operations: ops };
    let content_id = doc.add_object(Stream::new(dictionary! {}, content.encode().unwrap()));
    let b = bleed_pt;
    let trim = vec![b.into(), b.into(), (A5[0] + b).into(), (A5[1] + b).into()];
    let media = vec![
        0.into(),
        0.into(),
        (A5[0] + 2.0 * b).into(),
        (A5[1] + 2.0 * b).into(),
    ];
    let mut page = dictionary! {
        "Contents" => content_id,
        "Resources" => resources_id,
        "MediaBox" => media.clone(),
    };
    if with_trim {
        page.set("TrimBox", trim);
        page.set("BleedBox", media);
    }
    finish_one_page(doc, pages_id, page)
}

fn fill_rect(color_op: &str, values: &[f32]) -> Vec<Operation> {
    vec![
        Operation::new(color_op, values.iter().map(|v| (*v).into()).collect()),
        Operation::new("re", vec![10.into(), 10.into(), 100.into(), 100.into()]),
        Operation::new("f", vec![]),
    ]
}

#[test]
fn garbage_is_reported_not_a_panic() {
    let f = run(b"%PDF-1.7\nthis is not a pdf");
    assert_eq!(rules(&f), vec!["pdf/unreadable"]);
}

#[test]
fn off_palette_fill_is_flagged_and_brand_fill_is_not() {
    // #E4002B red: far from every brand color.
    let bad = run(&make_pdf(fill_rect("rg", &[0.894, 0.0, 0.169]), true, 8.6));
    let colors: Vec<_> = bad
        .iter()
        .filter(|f| f.rule.starts_with("color/"))
        .collect();
    assert_eq!(colors.len(), 1, "{bad:#?}");
    assert_eq!(colors[0].rule, "color/off-palette");
    assert_eq!(colors[0].location.page, Some(1));
    assert_eq!(colors[0].found.as_deref(), Some("#E4002B"));

    // forest #1F5C4A exactly, and forest's CMYK values.
    let good = run(&make_pdf(
        [
            fill_rect("rg", &[31.0 / 255.0, 92.0 / 255.0, 74.0 / 255.0]),
            fill_rect("k", &[0.66, 0.0, 0.20, 0.64]),
        ]
        .concat(),
        true,
        8.6,
    ));
    assert!(
        !good.iter().any(|f| f.rule.starts_with("color/")),
        "{good:#?}"
    );
}

#[test]
fn near_miss_and_off_cmyk() {
    // forest shifted a little: #256552.
    let f = run(&make_pdf(
        fill_rect("rg", &[37.0 / 255.0, 101.0 / 255.0, 82.0 / 255.0]),
        true,
        8.6,
    ));
    assert!(rules(&f).contains(&"color/near-miss"), "{f:#?}");
    // CMYK 0/100/100/0 (process red) is off-palette; 0/0/0/100 (ink) and paper are fine.
    let f = run(&make_pdf(
        [
            fill_rect("k", &[0.0, 1.0, 1.0, 0.0]),
            fill_rect("k", &[0.0, 0.0, 0.0, 1.0]),
            fill_rect("k", &[0.0, 0.0, 0.0, 0.0]),
        ]
        .concat(),
        true,
        8.6,
    ));
    let colors: Vec<_> = f.iter().filter(|x| x.rule.starts_with("color/")).collect();
    assert_eq!(colors.len(), 1, "{colors:#?}");
    assert_eq!(colors[0].found.as_deref(), Some("cmyk(0, 100, 100, 0)"));
}

#[test]
fn colors_set_but_never_painted_are_ignored_and_repeats_counted() {
    let mut ops = vec![Operation::new("rg", vec![1.into(), 0.into(), 0.into()])];
    ops.extend(fill_rect("rg", &[0.0, 0.0, 1.0]));
    ops.extend(fill_rect("rg", &[0.0, 0.0, 1.0]));
    let f = run(&make_pdf(ops, true, 8.6));
    let colors: Vec<_> = f.iter().filter(|x| x.rule.starts_with("color/")).collect();
    assert_eq!(colors.len(), 1, "{colors:#?}");
    assert_eq!(colors[0].found.as_deref(), Some("#0000FF"));
    assert!(
        colors[0].message.ends_with("(used 2 times)"),
        "{}",
        colors[0].message
    );
}

#[test]
fn registration_color_is_accepted() {
    let mut doc_ops = vec![Operation::new("CS", vec![Object::Name(b"Reg".to_vec())])];
    doc_ops.push(Operation::new("SCN", vec![1.into()]));
    doc_ops.push(Operation::new("m", vec![0.into(), 0.into()]));
    doc_ops.push(Operation::new("l", vec![5.into(), 0.into()]));
    doc_ops.push(Operation::new("S", vec![]));
    let bytes = make_pdf(doc_ops, true, 8.6);
    // Add the /Reg separation space to the resources.
    let mut doc = Document::load_mem(&bytes).unwrap();
    let page = *doc.get_pages().get(&1).unwrap();
    let res_id = doc
        .get_dictionary(page)
        .unwrap()
        .get(b"Resources")
        .unwrap()
        .as_reference()
        .unwrap();
    let sep: Object = vec![
        Object::Name(b"Separation".to_vec()),
        Object::Name(b"All".to_vec()),
        Object::Name(b"DeviceCMYK".to_vec()),
        Object::Null,
    ]
    .into();
    doc.get_dictionary_mut(res_id)
        .unwrap()
        .set("ColorSpace", dictionary! { "Reg" => sep });
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    let f = run(&out);
    assert!(!f.iter().any(|x| x.rule.starts_with("color/")), "{f:#?}");
}

#[test]
fn page_size_and_bleed() {
    // A5 trim with 3 mm (8.5 pt) bleed: fine.
    let f = run(&make_pdf(vec![], true, 8.6));
    assert!(!rules(&f).contains(&"pdf/page-size"), "{f:#?}");
    assert!(!rules(&f).contains(&"pdf/bleed"), "{f:#?}");
    // 1 mm bleed: too little.
    let f = run(&make_pdf(vec![], true, 2.8));
    assert!(rules(&f).contains(&"pdf/bleed"), "{f:#?}");
    // No trim box: the media box (A5 + 2 × 1 pt) is within tolerance… but no bleed.
    let f = run(&make_pdf(vec![], false, 0.5));
    assert!(!rules(&f).contains(&"pdf/page-size"), "{f:#?}");
    assert!(rules(&f).contains(&"pdf/bleed"), "{f:#?}");
    // A4 Chromium print: wrong size for an A5 guide, no bleed.
    let f = run(&fixture("chromium-offbrand.pdf"));
    let size = f
        .iter()
        .find(|x| x.rule == "pdf/page-size")
        .expect("page size");
    assert_eq!(size.found.as_deref(), Some("209.9 × 297.0 mm"));
    assert!(rules(&f).contains(&"pdf/bleed"));
}

#[test]
fn base14_font_is_not_embedded_and_off_brand() {
    let f = run(&make_pdf(vec![], true, 8.6));
    assert!(rules(&f).contains(&"pdf/font-not-embedded"), "{f:#?}");
    let off = f
        .iter()
        .find(|x| x.rule == "font/off-brand")
        .expect("off-brand");
    assert_eq!(off.found.as_deref(), Some("Helvetica"));
}

#[test]
fn chromium_print_with_non_brand_fonts_is_flagged() {
    let f = run(&fixture("chromium-offbrand.pdf"));
    let off: Vec<_> = f
        .iter()
        .filter(|x| x.rule == "font/off-brand")
        .filter_map(|x| x.found.clone())
        .collect();
    assert!(off.contains(&"DejaVuSerif-Bold".to_string()), "{off:?}");
    assert!(off.contains(&"DejaVuSerif".to_string()), "{off:?}");
    // Noto Sans Thai is a brand font: not flagged.
    assert!(!off.iter().any(|n| n.contains("NotoSansThai")), "{off:?}");
    assert!(!rules(&f).contains(&"pdf/font-not-embedded"), "{f:#?}");
    // The red promo box (#E4002B) is off-palette.
    assert!(
        f.iter()
            .any(|x| x.rule == "color/off-palette" && x.found.as_deref() == Some("#E4002B")),
        "{f:#?}"
    );
}

#[test]
fn text_is_extracted_from_chromium_identity_h_fonts() {
    let pages = extract_text(&fixture("chromium-offbrand.pdf")).unwrap();
    assert_eq!(pages.len(), 1);
    let text = &pages[0];
    assert!(text.contains("Cold Brew"), "{text}");
    assert!(text.contains("ถูกที่สุด"), "{text}");
    assert!(text.contains("สกัดเย็น"), "{text}");
}

#[test]
fn font_names_normalize_to_families() {
    assert_eq!(font_family_key("ABCDEF+NotoSansThai-Bold"), "notosansthai");
    assert_eq!(font_family_key("NotoSans-Regular"), "notosans");
    assert_eq!(font_family_key("Arial,BoldItalic"), "arial");
    assert_eq!(font_family_key("ArialMT"), "arial");
    assert_eq!(font_family_key("NotoSansThaiBold"), "notosansthai");
    assert_eq!(family_key("Noto Sans Thai"), "notosansthai");
    assert_eq!(font_family_key("Bold"), "bold");
}

#[test]
fn naive_cmyk_conversion() {
    assert_eq!(cmyk_to_rgb([0.0, 0.0, 0.0, 1.0]), Rgb(0, 0, 0));
    assert_eq!(cmyk_to_rgb([0.0, 0.0, 0.0, 0.0]), Rgb(255, 255, 255));
    // forest's CMYK converts close to its hex.
    assert!(cmyk_to_rgb([0.66, 0.0, 0.20, 0.64]).delta_e(Rgb(0x1F, 0x5C, 0x4A)) < 1.0);
}

#[test]
fn libreoffice_export_fonts_colors_and_text() {
    let bytes = fixture("libreoffice-export.pdf");
    let f = run(&bytes);
    let off: Vec<_> = f
        .iter()
        .filter(|x| x.rule == "font/off-brand")
        .filter_map(|x| x.found.clone())
        .collect();
    assert_eq!(off, vec!["LiberationSans".to_string()], "{f:#?}");
    assert!(!rules(&f).contains(&"pdf/font-not-embedded"), "{f:#?}");
    // The brand colors it uses (forest, ink, roast) are on the palette.
    assert!(!f.iter().any(|x| x.rule.starts_with("color/")), "{f:#?}");
    let text = extract_text(&bytes).unwrap().join("\n");
    assert!(text.contains("โคลด์บรูว์ของต้นกล้า"), "{text}");
    assert!(text.contains("Order on LINE today."), "{text}");
}

// ---- hostile PDFs: budgets, bombs, damage ------------------------------------------

/// A one-page PDF whose page draws form `/X0`; the form's content is `form` and its
/// resources name itself as `/X0` (so `/X0 Do` in it draws itself again).
fn self_drawing_form(form: &[u8]) -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let form_id = doc.new_object_id();
    let resources = dictionary! { "XObject" => dictionary! { "X0" => form_id } };
    doc.objects.insert(
        form_id,
        Object::Stream(Stream::new(
            dictionary! {
                "Type" => "XObject",
                "Subtype" => "Form",
                "BBox" => vec![0.into(), 0.into(), 10.into(), 10.into()],
                "Resources" => resources.clone(),
            },
            form.to_vec(),
        )),
    );
    page_pdf(doc, pages_id, b"/X0 Do".to_vec(), resources)
}

/// Finishes `doc` with one A5 page (trim and bleed set) of `content` and `resources`.
fn page_pdf(
    mut doc: Document,
    pages_id: ObjectId,
    content: Vec<u8>,
    resources: Dictionary,
) -> Vec<u8> {
    let content_id = doc.add_object(Stream::new(dictionary! {}, content));
    page_pdf_with(doc, pages_id, content_id, resources)
}

fn page_pdf_with(
    doc: Document,
    pages_id: ObjectId,
    content_id: ObjectId,
    resources: Dictionary,
) -> Vec<u8> {
    let b = 8.6f32;
    let media = vec![
        0.into(),
        0.into(),
        (A5[0] + 2.0 * b).into(),
        (A5[1] + 2.0 * b).into(),
    ];
    let trim = vec![b.into(), b.into(), (A5[0] + b).into(), (A5[1] + b).into()];
    let page = dictionary! {
        "Contents" => content_id,
        "Resources" => resources,
        "MediaBox" => media.clone(),
        "TrimBox" => trim,
        "BleedBox" => media,
    };
    finish_one_page(doc, pages_id, page)
}

/// `n` zero bytes… as spaces (valid content), zlib-compressed.
fn deflated_spaces(n: usize) -> Vec<u8> {
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..n / chunk.len() {
        z.write_all(&chunk).unwrap();
    }
    z.finish().unwrap()
}

fn too_complex(findings: &[Finding]) -> Vec<&Finding> {
    findings
        .iter()
        .filter(|f| f.rule == "pdf/too-complex")
        .collect()
}

/// The case: a form drawn 20 times from itself (under a kilobyte) hung lint for
/// minutes; the budget stops it and says so.
#[test]
fn a_form_drawing_itself_exhausts_the_budget_not_the_clock() {
    let bytes = self_drawing_form(&b"/X0 Do ".repeat(20));
    assert!(bytes.len() < 2048, "{}", bytes.len());
    let started = std::time::Instant::now();
    let f = run(&bytes);
    assert!(started.elapsed().as_secs() < 30, "{:?}", started.elapsed());
    let limit = too_complex(&f);
    assert_eq!(limit.len(), 1, "{f:#?}");
    assert_eq!(limit[0].location.page, Some(1));
    assert!(
        limit[0].message.contains(&MAX_FORMS.to_string()),
        "{}",
        limit[0].message
    );
}

#[test]
fn operators_are_counted_across_pages_and_forms() {
    // 1.2 million operators in one content stream
    let bytes = self_drawing_form(&b"0 0 m ".repeat(10));
    assert!(too_complex(&run(&bytes)).is_empty(), "a small form is fine");
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let content = b"0 g ".repeat(1_200_000);
    let bytes = page_pdf(doc, pages_id, content, Dictionary::new());
    let f = run(&bytes);
    let limit = too_complex(&f);
    assert_eq!(limit.len(), 1, "{f:#?}");
    assert!(limit[0].message.contains(&MAX_OPERATORS.to_string()));
}

/// A Flate bomb as page content: decoding stops at the budget, with the numbers.
#[test]
fn a_flate_bomb_is_decoded_only_up_to_the_budget() {
    let bomb = deflated_spaces(MAX_DECODED + (8 << 20));
    assert!(bomb.len() < 1 << 20, "{}", bomb.len());
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let content_id = doc.add_object(Stream::new(dictionary! { "Filter" => "FlateDecode" }, bomb));
    let bytes = page_pdf_with(doc, pages_id, content_id, Dictionary::new());
    let f = run(&bytes);
    let limit = too_complex(&f);
    assert_eq!(limit.len(), 1, "{f:#?}");
    assert!(limit[0].message.contains("64 MiB"), "{}", limit[0].message);
}

#[test]
fn truncated_and_damaged_pdfs_are_unreadable() {
    let whole = make_pdf(fill_rect("rg", &[0.894, 0.0, 0.169]), true, 8.6);
    assert!(!rules(&run(&whole)).contains(&"pdf/unreadable"));
    for keep in [whole.len() * 9 / 10, whole.len() / 2, 20, 5, 0] {
        let f = run(&whole[..keep]);
        assert!(rules(&f).contains(&"pdf/unreadable"), "{keep}: {f:#?}");
    }
    // a whole file whose page content is not the Flate data it claims to be
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let content_id = doc.add_object(Stream::new(
        dictionary! { "Filter" => "FlateDecode" },
        b"\x78\x9c not deflate data at all".to_vec(),
    ));
    let bytes = page_pdf_with(doc, pages_id, content_id, Dictionary::new());
    let f = run(&bytes);
    let broken: Vec<_> = f.iter().filter(|f| f.rule == "pdf/unreadable").collect();
    assert_eq!(broken.len(), 1, "{f:#?}");
    assert!(
        broken[0].message.contains("does not decode"),
        "{}",
        broken[0].message
    );
    assert_eq!(broken[0].location.page, Some(1));
    // Flate data cut short (a valid start, no end): truncated, and said so
    let content =
        "q 0.894 0 0.169 rg 10 10 100 50 re f Q BT /F1 12 Tf (กาแฟเย็น) Tj ET ".repeat(200);
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut z, content.as_bytes()).unwrap();
    let deflated = z.finish().unwrap();
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let content_id = doc.add_object(Stream::new(
        dictionary! { "Filter" => "FlateDecode" },
        deflated[..deflated.len() / 2].to_vec(),
    ));
    let f = run(&page_pdf_with(doc, pages_id, content_id, Dictionary::new()));
    let broken: Vec<_> = f.iter().filter(|f| f.rule == "pdf/unreadable").collect();
    assert_eq!(broken.len(), 1, "{f:#?}");
    assert!(
        broken[0].message.contains("truncated"),
        "{}",
        broken[0].message
    );
}

#[test]
fn deep_nesting_and_cycles_end() {
    // arrays nested 100,000 deep in the page's content and in an object
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let deep = [b"[".repeat(100_000), b"]".repeat(100_000), b" Tj".to_vec()].concat();
    let bytes = page_pdf(doc, pages_id, deep, Dictionary::new());
    let f = run(&bytes);
    assert!(f.iter().all(|f| f.rule != "lint/internal-error"), "{f:#?}");
    // a page tree whose Kids include the tree itself
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let mut bytes = page_pdf(doc, pages_id, b"0 g".to_vec(), Dictionary::new());
    let mut doc = Document::load_mem(&bytes).unwrap();
    let root = doc
        .catalog()
        .unwrap()
        .get(b"Pages")
        .unwrap()
        .as_reference()
        .unwrap();
    let kids = doc
        .get_dictionary_mut(root)
        .unwrap()
        .get_mut(b"Kids")
        .unwrap();
    if let Object::Array(kids) = kids {
        kids.push(Object::Reference(root));
    }
    bytes.clear();
    doc.save_to(&mut bytes).unwrap();
    let started = std::time::Instant::now();
    let _ = run(&bytes);
    assert!(started.elapsed().as_secs() < 30);
}

/// Dark variants are palette colors in PDFs too (as in CSS and images): forest's dark
/// #7FC4AE passes; a color near it is a near miss of the dark variant, not an
/// off-palette color far from every light one.
#[test]
fn dark_variants_are_brand_colors() {
    let rgb = |hex: u32| {
        [
            ((hex >> 16) & 0xFF) as f32 / 255.0,
            ((hex >> 8) & 0xFF) as f32 / 255.0,
            (hex & 0xFF) as f32 / 255.0,
        ]
    };
    let f = run(&make_pdf(
        [
            fill_rect("rg", &rgb(0x7FC4AE)),
            fill_rect("rg", &rgb(0x151A18)),
        ]
        .concat(),
        true,
        8.6,
    ));
    assert!(!f.iter().any(|f| f.rule.starts_with("color/")), "{f:#?}");
    // the guide's forest dark shifted a little
    let f = run(&make_pdf(fill_rect("rg", &rgb(0x86CAB4)), true, 8.6));
    let colors: Vec<_> = f.iter().filter(|f| f.rule.starts_with("color/")).collect();
    assert_eq!(colors.len(), 1, "{f:#?}");
    assert_eq!(colors[0].rule, "color/near-miss");
    assert_eq!(colors[0].expected.as_deref(), Some("forest (dark) #7FC4AE"));
}

// ------------------------------------------------------------------ black

/// Adds a ToUnicode map to font `F1` of a one-page PDF, so that codes 1–4 read as Thai
/// (`ส`, `ว`, `ั`, `ด`).
fn with_thai_to_unicode(bytes: &[u8]) -> Vec<u8> {
    let mut doc = Document::load_mem(bytes).unwrap();
    let cmap = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
/CMapName /Thai def 1 begincodespacerange <00> <FF> endcodespacerange\n\
4 beginbfchar <01> <0E2A> <02> <0E27> <03> <0E31> <04> <0E14> endbfchar\n\
endcmap CMapName currentdict /CMap defineresource pop end end\n";
    let map_id = doc.add_object(Stream::new(dictionary! {}, cmap.to_vec()));
    let font_id = doc
        .objects
        .iter()
        .find(|(_, o)| {
            o.as_dict().is_ok_and(|d| {
                d.get(b"BaseFont")
                    .is_ok_and(|n| n.as_name().ok() == Some(b"Helvetica"))
            })
        })
        .map(|(id, _)| *id)
        .unwrap();
    doc.get_dictionary_mut(font_id)
        .unwrap()
        .set("ToUnicode", map_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// A rectangle filled, a line stroked and Thai text drawn in one color, set with
/// `fill_op` / `stroke_op`.
fn black_page(fill_op: &str, stroke_op: &str, values: &[f32]) -> Vec<u8> {
    let v = || values.iter().map(|v| (*v).into()).collect::<Vec<Object>>();
    let ops = vec![
        Operation::new(fill_op, v()),
        Operation::new(stroke_op, v()),
        Operation::new("re", vec![10.into(), 10.into(), 100.into(), 100.into()]),
        Operation::new("f", vec![]),
        Operation::new("m", vec![0.into(), 0.into()]),
        Operation::new("l", vec![50.into(), 0.into()]),
        Operation::new("S", vec![]),
        Operation::new("BT", vec![]),
        Operation::new("Tf", vec![Object::Name(b"F1".to_vec()), 12.into()]),
        Operation::new("Td", vec![20.into(), 200.into()]),
        Operation::new(
            "Tj",
            vec![Object::String(
                vec![1, 2, 3, 1, 4, 3],
                lopdf::StringFormat::Hexadecimal,
            )],
        ),
        Operation::new("ET", vec![]),
    ];
    with_thai_to_unicode(&make_pdf(ops, true, 8.6))
}

fn color_findings(findings: &[Finding]) -> Vec<(&'static str, Option<String>)> {
    findings
        .iter()
        .filter(|f| f.rule.starts_with("color/"))
        .map(|f| (f.rule, f.found.clone()))
        .collect()
}

#[test]
fn black_is_black_however_it_is_written() {
    let blacks: [(&str, &str, &[f32]); 5] = [
        ("g", "G", &[0.0]),
        ("rg", "RG", &[0.0, 0.0, 0.0]),
        ("k", "K", &[0.0, 0.0, 0.0, 1.0]),
        ("k", "K", &[0.6, 0.4, 0.4, 1.0]),
        // ink #1B1B1B itself, for comparison.
        ("rg", "RG", &[27.0 / 255.0, 27.0 / 255.0, 27.0 / 255.0]),
    ];
    for (fill, stroke, values) in blacks {
        let bytes = black_page(fill, stroke, values);
        let f = run(&bytes);
        assert_eq!(color_findings(&f), vec![], "{fill} {values:?}: {f:#?}");
        let text = extract_text(&bytes).unwrap().join("");
        assert!(text.contains("สวัสดั"), "{text:?}");
    }
    // Registration color for crop marks, next to black text.
    let f = run(&registration_page(black_page("g", "G", &[0.0])));
    assert_eq!(color_findings(&f), vec![], "{f:#?}");
    // A near-black that is not black is still judged against the palette: gray 0.05
    // (#0D0D0D) is a near miss of ink.
    let f = run(&black_page("g", "G", &[0.05]));
    let colors = color_findings(&f);
    assert!(
        !colors.is_empty() && colors.iter().all(|(r, _)| *r == "color/near-miss"),
        "{f:#?}"
    );
}

/// Adds a registration (`Separation /All`) stroke to the content of a one-page PDF.
fn registration_page(bytes: Vec<u8>) -> Vec<u8> {
    let mut doc = Document::load_mem(&bytes).unwrap();
    let page = *doc.get_pages().get(&1).unwrap();
    let page_dict = doc.get_dictionary(page).unwrap();
    let res_id = page_dict.get(b"Resources").unwrap().as_reference().unwrap();
    let content_id = page_dict.get(b"Contents").unwrap().as_reference().unwrap();
    let sep: Object = vec![
        Object::Name(b"Separation".to_vec()),
        Object::Name(b"All".to_vec()),
        Object::Name(b"DeviceCMYK".to_vec()),
        Object::Null,
    ]
    .into();
    doc.get_dictionary_mut(res_id)
        .unwrap()
        .set("ColorSpace", dictionary! { "Reg" => sep });
    let stream = doc
        .get_object_mut(content_id)
        .unwrap()
        .as_stream_mut()
        .unwrap();
    let mut content = stream
        .decompressed_content()
        .unwrap_or(stream.content.clone());
    content.extend_from_slice(b"\n/Reg CS 1 SCN 0 0 m 0 20 l S\n");
    stream.set_plain_content(content);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

#[test]
fn black_without_a_brand_black_is_reported_as_before() {
    let mut g = guide();
    g.colors
        .palette
        .retain(|(name, _)| !matches!(name.get_ref().as_str(), "ink" | "paper"));
    let palette = Palette::new(&g);
    assert!(brand_black(&palette).is_none());
    for color in [
        PdfColor::Gray(0.0),
        PdfColor::Rgb([0.0; 3]),
        PdfColor::Cmyk([0.0, 0.0, 0.0, 1.0]),
        PdfColor::Cmyk([0.6, 0.4, 0.4, 1.0]),
    ] {
        assert!(judge_color(&palette, &color).is_some(), "{color:?}");
    }
    assert!(judge_color(&palette, &PdfColor::Registration).is_none());
    // With the bundled guide, ink is the brand's black.
    let palette = Palette::new(&guide());
    assert!(brand_black(&palette).is_some());
}

// ------------------------------------------------------------------ encryption

/// `bytes` encrypted (RC4 128-bit, revision 3) with `user` as the user password.
fn encrypt(bytes: &[u8], user: &str) -> Vec<u8> {
    use lopdf::{EncryptionState, EncryptionVersion, Permissions};
    let mut doc = Document::load_mem(bytes).unwrap();
    doc.trailer.set(
        "ID",
        vec![
            Object::string_literal(b"0123456789abcdef".to_vec()),
            Object::string_literal(b"0123456789abcdef".to_vec()),
        ],
    );
    let state = EncryptionState::try_from(EncryptionVersion::V2 {
        document: &doc,
        owner_password: "owner",
        user_password: user,
        key_length: 128,
        permissions: Permissions::PRINTABLE,
    })
    .unwrap();
    doc.encrypt(&state).unwrap();
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

#[test]
fn encrypted_pdfs_are_reported_unless_they_open_without_a_password() {
    // Off-palette red, so that a checked file has a color finding.
    let plain = make_pdf(fill_rect("rg", &[0.894, 0.0, 0.169]), true, 8.6);
    let locked = encrypt(&plain, "secret");
    assert!(count(&locked, b"/Encrypt") > 0);
    // lopdf loads it without its objects (0 pages): before pdf/encrypted, this was
    // "pdf/unreadable: the PDF has no pages".
    let d = Document::load_mem(&locked).unwrap();
    assert!(d.is_encrypted() && d.get_pages().is_empty());
    let f = run(&locked);
    assert_eq!(rules(&f), vec!["pdf/encrypted"], "{f:#?}");
    assert_eq!(f[0].severity, crate::registry::Severity::Warning);
    assert!(f[0].message.contains("not checked"), "{}", f[0].message);
    assert!(extract_text(&locked).is_err());

    // An empty user password (restrictions only): decrypted and checked as usual.
    let open = encrypt(&plain, "");
    assert!(count(&open, b"/Encrypt") > 0);
    let f = run(&open);
    let mut got = rules(&f);
    let mut want = rules(&run(&plain));
    got.sort_unstable();
    want.sort_unstable();
    assert_eq!(got, want, "{f:#?}");
    assert!(got.contains(&"color/off-palette"), "{f:#?}");
}

// ------------------------------------------------------------------ form and annotation fonts

/// A one-page PDF whose page content uses no font that the form's fonts share: an
/// AcroForm whose default resources hold Courier (not embedded) and a brand font (Noto
/// Sans Thai, embedded); a check box whose appearance uses ZapfDingbats; a FreeText
/// annotation whose /DA names a font nothing defines; a text field whose /DA names the
/// /DR font.
fn form_pdf() -> Vec<u8> {
    let mut doc = Document::load_mem(&make_pdf(vec![], true, 8.6)).unwrap();
    let courier = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Courier",
    });
    let file = doc.add_object(Stream::new(dictionary! {}, b"not really a font".to_vec()));
    let descriptor = doc.add_object(dictionary! {
        "Type" => "FontDescriptor", "FontName" => "ABCDEF+NotoSansThai-Regular",
        "FontFile2" => file,
    });
    let thai = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "TrueType",
        "BaseFont" => "ABCDEF+NotoSansThai-Regular", "FontDescriptor" => descriptor,
    });
    let zadb = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "ZapfDingbats",
    });
    let check_on = doc.add_object(Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Form", "BBox" => vec![0.into(), 0.into(), 10.into(), 10.into()],
            "Resources" => dictionary! { "Font" => dictionary! { "ZaDb" => zadb } },
        },
        b"q BT /ZaDb 8 Tf 1 1 Td (4) Tj ET Q".to_vec(),
    ));
    let check_off = doc.add_object(Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Form", "BBox" => vec![0.into(), 0.into(), 10.into(), 10.into()] },
        Vec::new(),
    ));
    let page = *doc.get_pages().get(&1).unwrap();
    let rect = || Object::from(vec![10.into(), 10.into(), 20.into(), 20.into()]);
    let checkbox = doc.add_object(dictionary! {
        "Type" => "Annot", "Subtype" => "Widget", "FT" => "Btn", "T" => Object::string_literal("agree"),
        "Rect" => rect(), "P" => page, "AS" => "Off",
        "AP" => dictionary! { "N" => dictionary! { "Yes" => check_on, "Off" => check_off } },
    });
    let free_text = doc.add_object(dictionary! {
        "Type" => "Annot", "Subtype" => "FreeText", "Rect" => rect(),
        "Contents" => Object::string_literal("note"),
        "DA" => Object::string_literal("/Tahoma 10 Tf 0 g"),
    });
    let text_field = doc.add_object(dictionary! {
        "Type" => "Annot", "Subtype" => "Widget", "FT" => "Tx", "T" => Object::string_literal("name"),
        "Rect" => rect(), "P" => page,
        "DA" => Object::string_literal("/Cour 10 Tf 0 g"),
    });
    doc.get_dictionary_mut(page).unwrap().set(
        "Annots",
        vec![checkbox.into(), free_text.into(), text_field.into()],
    );
    // In the default resources but named by no field a viewer draws: never rendered.
    let bold = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica-Bold",
    });
    let form = dictionary! {
        "Fields" => vec![checkbox.into(), text_field.into()],
        "DR" => dictionary! { "Font" => dictionary! { "Cour" => courier, "Thai" => thai, "HeBo" => bold } },
        "DA" => Object::string_literal("/Thai 0 Tf 0 g"),
    };
    let root = doc.trailer.get(b"Root").unwrap().as_reference().unwrap();
    doc.get_dictionary_mut(root).unwrap().set("AcroForm", form);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

#[test]
fn fonts_of_forms_and_annotations_are_checked() {
    let f = run(&form_pdf());
    let found = |rule: &str| -> Vec<String> {
        let mut v: Vec<String> = f
            .iter()
            .filter(|x| x.rule == rule)
            .filter_map(|x| x.found.clone())
            .collect();
        v.sort();
        v
    };
    // Helvetica is the page's own font; the rest are the form's.
    assert_eq!(
        found("pdf/font-not-embedded"),
        vec!["Courier", "Helvetica", "Tahoma", "ZapfDingbats"],
        "{f:#?}"
    );
    assert_eq!(
        found("font/off-brand"),
        vec!["Courier", "Helvetica", "Tahoma", "ZapfDingbats"],
        "{f:#?}"
    );
    let courier = f
        .iter()
        .find(|x| x.rule == "pdf/font-not-embedded" && x.found.as_deref() == Some("Courier"))
        .unwrap();
    assert!(
        courier.message.contains("/AcroForm /DR"),
        "{}",
        courier.message
    );
    // Found on the page of the field that uses it.
    assert_eq!(courier.location.page, Some(1));
    let zadb = f
        .iter()
        .find(|x| x.rule == "pdf/font-not-embedded" && x.found.as_deref() == Some("ZapfDingbats"))
        .unwrap();
    assert!(zadb.message.contains("/AP"), "{}", zadb.message);
    assert_eq!(zadb.location.page, Some(1));
    let tahoma = f
        .iter()
        .find(|x| x.rule == "pdf/font-not-embedded" && x.found.as_deref() == Some("Tahoma"))
        .unwrap();
    assert!(tahoma.message.contains("/DA"), "{}", tahoma.message);
    // Each font once.
    assert_eq!(
        rules(&f)
            .iter()
            .filter(|r| **r == "pdf/font-not-embedded")
            .count(),
        4
    );
}

#[test]
fn a_real_world_aes256_pdf_with_a_password_is_reported_encrypted() {
    let bytes = fixture("pdfjs-issue6010-aes256-password.pdf");
    let f = run(&bytes);
    assert_eq!(rules(&f), vec!["pdf/encrypted"], "{f:#?}");
    assert!(
        f[0].message.contains("needs a password"),
        "{}",
        f[0].message
    );
    // Its /Encrypt dictionary is direct, which lopdf does not decrypt even with the
    // password; the password does check out against it: the file is locked, not damaged.
    let doc = Document::load_mem(&bytes).unwrap();
    let mut probe = Document::with_version("1.7");
    let id = probe.add_object(
        doc.trailer
            .get(b"Encrypt")
            .unwrap()
            .as_dict()
            .unwrap()
            .clone(),
    );
    probe.trailer.set("Encrypt", id);
    probe
        .trailer
        .set("ID", doc.trailer.get(b"ID").unwrap().clone());
    assert!(probe.authenticate_user_password("abc").is_ok());
    assert!(probe.authenticate_user_password("").is_err());
}

#[test]
fn a_direct_encrypt_dictionary_is_told_apart_by_its_empty_password() {
    use lopdf::{EncryptionState, EncryptionVersion, Permissions};
    let with_user = |user: &str| {
        let mut doc = Document::with_version("1.7");
        let file_id = Object::string_literal(b"0123456789abcdef".to_vec());
        doc.trailer.set("ID", vec![file_id.clone(), file_id]);
        let state = EncryptionState::try_from(EncryptionVersion::V2 {
            document: &doc,
            owner_password: "owner",
            user_password: user,
            key_length: 128,
            permissions: Permissions::PRINTABLE,
        })
        .unwrap();
        doc.trailer.set("Encrypt", state.encode().unwrap());
        doc
    };
    assert_eq!(still_encrypted(&with_user("secret")), Some(None));
    let open = still_encrypted(&with_user(""));
    assert!(
        open.as_ref().is_some_and(|why| why
            .as_ref()
            .is_some_and(|w| w.contains("opens without a password"))),
        "{open:?}"
    );
    let mut pubsec = with_user("");
    let mut dict = pubsec
        .trailer
        .get(b"Encrypt")
        .unwrap()
        .as_dict()
        .unwrap()
        .clone();
    dict.set("Filter", Object::Name(b"Adobe.PubSec".to_vec()));
    pubsec.trailer.set("Encrypt", dict);
    let why = still_encrypted(&pubsec).flatten().unwrap_or_default();
    assert!(why.contains("/Adobe.PubSec"), "{why}");
    assert_eq!(still_encrypted(&Document::with_version("1.7")), None);
}

// ------------------------------------------------------------------ spot, DeviceN, Indexed, Lab

/// The bundled guide with `spot` names on some palette colors.
fn guide_with_spots(spots: &[(&str, &str)]) -> Guide {
    let mut g = guide();
    for (color, spot) in spots {
        let def = g
            .colors
            .palette
            .iter_mut()
            .find(|(name, _)| name.get_ref() == color)
            .map(|(_, def)| def)
            .expect("palette color");
        def.spot = Some(toml::Spanned::new(0..0, spot.to_string()));
    }
    g
}

fn run_with(guide: &Guide, bytes: &[u8]) -> Vec<Finding> {
    lint(&LintContext::new(guide), Path::new("x.pdf"), bytes)
}

/// A Type 2 tint transform from no ink to `cmyk` (0–1) at tint 1.
fn cmyk_tint(cmyk: [f32; 4]) -> Object {
    Object::Dictionary(dictionary! {
        "FunctionType" => 2,
        "Domain" => vec![0.into(), 1.into()],
        "C0" => vec![0.into(), 0.into(), 0.into(), 0.into()],
        "C1" => cmyk.iter().map(|v| Object::Real(*v)).collect::<Vec<_>>(),
        "N" => 1,
    })
}

/// An A5 page with trim and bleed whose resources name the given color spaces, and
/// `ops` as content.
fn spaces_pdf(spaces: Vec<(&str, Object)>, ops: Vec<Operation>) -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let mut cs = Dictionary::new();
    for (name, space) in spaces {
        let space = indirect_streams(&mut doc, space);
        let id = doc.add_object(space);
        cs.set(name, id);
    }
    let content = Content { operations: ops };
    let content_id = doc.add_object(Stream::new(dictionary! {}, content.encode().unwrap()));
    let b = 8.6f32;
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "Contents" => content_id,
        "Resources" => dictionary! { "ColorSpace" => cs },
        "MediaBox" => vec![0.into(), 0.into(), (A5[0] + 2.0 * b).into(), (A5[1] + 2.0 * b).into()],
        "TrimBox" => vec![b.into(), b.into(), (A5[0] + b).into(), (A5[1] + b).into()],
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1,
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// `obj` with the streams inside its arrays made indirect objects (a stream cannot be
/// written inside an array).
fn indirect_streams(doc: &mut Document, obj: Object) -> Object {
    match obj {
        Object::Array(items) => Object::Array(
            items
                .into_iter()
                .map(|item| match item {
                    Object::Stream(s) => Object::Reference(doc.add_object(s)),
                    other => indirect_streams(doc, other),
                })
                .collect(),
        ),
        other => other,
    }
}

fn fill_in(space: &str, values: &[f32]) -> Vec<Operation> {
    vec![
        Operation::new("cs", vec![Object::Name(space.as_bytes().to_vec())]),
        Operation::new("scn", values.iter().map(|v| (*v).into()).collect()),
        Operation::new("re", vec![10.into(), 10.into(), 100.into(), 100.into()]),
        Operation::new("f", vec![]),
    ]
}

fn separation(name: &str, cmyk: [f32; 4]) -> Object {
    Object::Array(vec![
        Object::Name(b"Separation".to_vec()),
        Object::Name(name.as_bytes().to_vec()),
        Object::Name(b"DeviceCMYK".to_vec()),
        cmyk_tint(cmyk),
    ])
}

/// Pantone 485 C, as its CMYK alternate: a red no brand color is near.
const PANTONE_485: [f32; 4] = [0.0, 0.95, 1.0, 0.0];

#[test]
fn spot_colors_are_judged_by_name_when_the_guide_names_spots() {
    let g = guide_with_spots(&[("forest", "PANTONE 3425 C")]);
    let pdf = spaces_pdf(
        vec![
            // The guide's spot, its alternate far from forest: on palette by name
            // (case and spacing aside).
            ("CS0", separation("pantone  3425 c", PANTONE_485)),
            ("CS1", separation("PANTONE 485 C", PANTONE_485)),
        ],
        [
            fill_in("CS0", &[1.0]),
            fill_in("CS1", &[0.8]),
            fill_in("CS1", &[1.0]),
        ]
        .concat(),
    );
    let f = run_with(&g, &pdf);
    let colors = color_findings(&f);
    assert_eq!(
        colors,
        vec![("color/unknown-spot", Some("\"PANTONE 485 C\"".to_string()))],
        "{f:#?}"
    );
    let finding = f.iter().find(|f| f.rule == "color/unknown-spot").unwrap();
    assert!(
        finding.message.contains("PANTONE 485 C"),
        "{}",
        finding.message
    );
    assert!(
        finding.message.contains("(used 2 times)"),
        "{}",
        finding.message
    );
    assert_eq!(
        finding.expected.as_deref(),
        Some("\"PANTONE 3425 C\" (forest)")
    );
}

#[test]
fn without_guide_spots_a_spot_is_judged_by_its_alternate() {
    let pdf = spaces_pdf(
        vec![
            ("CS0", separation("PANTONE 485 C", PANTONE_485)),
            // A spot whose alternate is forest's CMYK: on palette.
            ("CS1", separation("Forest Green", [0.66, 0.0, 0.20, 0.64])),
            // Tint 0 is no ink at all.
            ("CS2", separation("PANTONE 802 C", [0.6, 0.0, 0.9, 0.0])),
        ],
        [
            fill_in("CS0", &[1.0]),
            fill_in("CS1", &[1.0]),
            fill_in("CS2", &[0.0]),
        ]
        .concat(),
    );
    let f = run(&pdf);
    assert_eq!(
        color_findings(&f),
        vec![(
            "color/off-palette",
            Some("spot \"PANTONE 485 C\" (alternate cmyk(0, 95, 100, 0))".to_string())
        )],
        "{f:#?}"
    );
}

#[test]
fn devicen_process_and_spot_colorants() {
    // DeviceN of process inks only is CMYK: forest's values pass, red does not.
    let process = Object::Array(vec![
        Object::Name(b"DeviceN".to_vec()),
        vec![
            Object::Name(b"Cyan".to_vec()),
            Object::Name(b"Magenta".to_vec()),
            Object::Name(b"Yellow".to_vec()),
            Object::Name(b"Black".to_vec()),
        ]
        .into(),
        Object::Name(b"DeviceCMYK".to_vec()),
        // Type 4 identity: the tints are the CMYK values.
        Object::Stream(Stream::new(
            dictionary! {
                "FunctionType" => 4,
                "Domain" => vec![0.into(), 1.into(), 0.into(), 1.into(), 0.into(), 1.into(), 0.into(), 1.into()],
                "Range" => vec![0.into(), 1.into(), 0.into(), 1.into(), 0.into(), 1.into(), 0.into(), 1.into()],
            },
            b"{ }".to_vec(),
        )),
    ]);
    // A spot beside black: the spot is named; with no ink of it, black alone.
    let spot_and_black = Object::Array(vec![
        Object::Name(b"DeviceN".to_vec()),
        vec![
            Object::Name(b"PANTONE 485 C".to_vec()),
            Object::Name(b"Black".to_vec()),
        ]
        .into(),
        Object::Name(b"DeviceCMYK".to_vec()),
        Object::Stream(Stream::new(
            dictionary! {
                "FunctionType" => 4,
                "Domain" => vec![0.into(), 1.into(), 0.into(), 1.into()],
                "Range" => vec![0.into(), 1.into(), 0.into(), 1.into(), 0.into(), 1.into(), 0.into(), 1.into()],
            },
            // t k → 0 0.95t t k
            b"{ exch dup 0.95 mul exch 3 -1 roll 0 4 1 roll }".to_vec(),
        )),
    ]);
    let pdf = spaces_pdf(
        vec![("P", process), ("S", spot_and_black)],
        [
            fill_in("P", &[0.66, 0.0, 0.20, 0.64]),
            fill_in("P", &[0.0, 0.95, 1.0, 0.0]),
            fill_in("S", &[1.0, 0.0]),
        ]
        .concat(),
    );
    let g = guide_with_spots(&[("roast", "PANTONE 4975 C")]);
    let found: Vec<_> = color_findings(&run_with(&g, &pdf));
    assert_eq!(
        found,
        vec![
            ("color/off-palette", Some("cmyk(0, 95, 100, 0)".to_string())),
            ("color/unknown-spot", Some("\"PANTONE 485 C\"".to_string())),
        ]
    );
    // Without guide spots, the spot is judged by its alternate (tint 1, no black).
    assert_eq!(
        color_findings(&run(&pdf)),
        vec![
            ("color/off-palette", Some("cmyk(0, 95, 100, 0)".to_string())),
            (
                "color/off-palette",
                Some("spot \"PANTONE 485 C\" (alternate cmyk(0, 95, 100, 0))".to_string())
            ),
        ]
    );
}

#[test]
fn indexed_and_lab_colors_are_resolved() {
    // An Indexed palette over DeviceRGB: entry 0 forest, entry 1 a red.
    let indexed = Object::Array(vec![
        Object::Name(b"Indexed".to_vec()),
        Object::Name(b"DeviceRGB".to_vec()),
        1.into(),
        Object::String(
            vec![0x1F, 0x5C, 0x4A, 0xE4, 0x00, 0x2B],
            lopdf::StringFormat::Hexadecimal,
        ),
    ]);
    // Lab (D50): saffron #F2A541 is about L 74 a 17 b 61; pure Lab red far off.
    let lab = Object::Array(vec![
        Object::Name(b"Lab".to_vec()),
        Object::Dictionary(dictionary! {
            "WhitePoint" => vec![0.9642.into(), 1.into(), 0.8249.into()],
            "Range" => vec![(-128).into(), 127.into(), (-128).into(), 127.into()],
        }),
    ]);
    let pdf = spaces_pdf(
        vec![("I", indexed), ("L", lab)],
        [
            fill_in("I", &[0.0]),
            fill_in("I", &[1.0]),
            fill_in("L", &[50.0, 80.0, 60.0]),
        ]
        .concat(),
    );
    let found = color_findings(&run(&pdf));
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0], ("color/off-palette", Some("#E4002B".to_string())));
    // Lab 50/80/60 is a strong red, about #E50000 in sRGB.
    let lab_hex = found[1].1.clone().unwrap();
    let rgb: crate::brand::Rgb = lab_hex.parse().unwrap();
    assert!(rgb.0 > 200 && rgb.1 < 40 && rgb.2 < 40, "{lab_hex}");
}

#[test]
fn broken_tint_transforms_and_spaces_are_not_a_panic() {
    let broken = |f: Object| {
        Object::Array(vec![
            Object::Name(b"Separation".to_vec()),
            Object::Name(b"Spot".to_vec()),
            Object::Name(b"DeviceCMYK".to_vec()),
            f,
        ])
    };
    let pdf = spaces_pdf(
        vec![
            // A program that underflows its stack, one that never closes, a sampled
            // function without samples, an Indexed space with no table.
            (
                "A",
                broken(Object::Stream(Stream::new(
                    dictionary! { "FunctionType" => 4, "Domain" => vec![0.into(), 1.into()],
                    "Range" => vec![0.into(), 1.into(), 0.into(), 1.into(), 0.into(), 1.into(), 0.into(), 1.into()] },
                    b"{ pop pop pop }".to_vec(),
                ))),
            ),
            (
                "B",
                broken(Object::Stream(Stream::new(
                    dictionary! { "FunctionType" => 4, "Domain" => vec![0.into(), 1.into()],
                    "Range" => vec![0.into(), 1.into()] },
                    b"{ 1 { 2 ".to_vec(),
                ))),
            ),
            (
                "C",
                broken(Object::Stream(Stream::new(
                    dictionary! { "FunctionType" => 0, "Domain" => vec![0.into(), 1.into()],
                    "Range" => vec![0.into(), 1.into(), 0.into(), 1.into(), 0.into(), 1.into(), 0.into(), 1.into()],
                    "Size" => vec![1000.into()], "BitsPerSample" => 16 },
                    vec![],
                ))),
            ),
            (
                "D",
                Object::Array(vec![
                    Object::Name(b"Indexed".to_vec()),
                    Object::Name(b"DeviceRGB".to_vec()),
                    4.into(),
                ]),
            ),
        ],
        [
            fill_in("A", &[1.0]),
            fill_in("B", &[1.0]),
            fill_in("C", &[1.0]),
            fill_in("D", &[3.0]),
        ]
        .concat(),
    );
    // Their colors cannot be known: nothing is reported about them, and nothing breaks.
    assert!(color_findings(&run(&pdf)).is_empty());
    // With guide spots, the ink's name is still known and judged.
    let g = guide_with_spots(&[("forest", "PANTONE 3425 C")]);
    assert_eq!(
        color_findings(&run_with(&g, &pdf)),
        vec![("color/unknown-spot", Some("\"Spot\"".to_string()))]
    );
}

#[test]
fn real_world_separation_pantone_485_is_flagged() {
    // pdf.js issue 5470: text in Separation "PANTONE 485 M", a Type 4 transform.
    let bytes = fixture("pdfjs-issue5470-separation-pantone485.pdf");
    let f = run(&bytes);
    let found = color_findings(&f);
    assert_eq!(
        found,
        vec![(
            "color/off-palette",
            Some("spot \"PANTONE 485 M\" (alternate #EE3124)".to_string())
        )],
        "{f:#?}"
    );
    // With guide spots: flagged by name, and on palette when the guide prints it.
    let g = guide_with_spots(&[("forest", "PANTONE 3425 C")]);
    let f = run_with(&g, &bytes);
    assert_eq!(
        color_findings(&f),
        vec![("color/unknown-spot", Some("\"PANTONE 485 M\"".to_string()))]
    );
    let g = guide_with_spots(&[("roast", "Pantone 485 M")]);
    assert!(color_findings(&run_with(&g, &bytes)).is_empty());
}

#[test]
fn real_world_devicen_with_a_sampled_transform_is_evaluated() {
    let found = color_findings(&run(&fixture("pdfjs-devicen-sampled.pdf")));
    assert_eq!(
        found,
        vec![
            (
                "color/off-palette",
                Some("spot \"Red\" (alternate #FF0000)".to_string())
            ),
            (
                "color/off-palette",
                Some("spot \"Green\" (alternate #00FF00)".to_string())
            ),
            (
                "color/off-palette",
                Some("spot \"Blue\" (alternate #0000FF)".to_string())
            ),
        ]
    );
}

#[test]
fn real_world_separation_indexed_and_annotation_colors() {
    let found = color_findings(&run(&fixture("verapdf-6-2-4-4-t03-pass-a-separation.pdf")));
    assert_eq!(
        found,
        vec![
            (
                "color/off-palette",
                Some("spot \"Red\" (alternate #F16EB5)".to_string())
            ),
            (
                "color/off-palette",
                Some("spot \"Red\" (alternate #E6007E)".to_string())
            ),
        ]
    );
    let found = color_findings(&run(&fixture("verapdf-6-2-4-5-t01-pass-b-indexed.pdf")));
    assert_eq!(
        found,
        vec![("color/off-palette", Some("#33CC66".to_string()))]
    );
    let f = run(&fixture("verapdf-6-3-3-t02-pass-a-annotation.pdf"));
    assert_eq!(
        color_findings(&f),
        vec![("color/off-palette", Some("#00CCE6".to_string()))]
    );
    let annot = f.iter().find(|f| f.rule == "color/off-palette").unwrap();
    assert!(
        annot.message.starts_with("annotation fill color #00CCE6"),
        "{}",
        annot.message
    );
}

/// An A5 page with no content of its own and the given annotations.
fn annotated_pdf(annots: Vec<Dictionary>) -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let content_id = doc.add_object(Stream::new(dictionary! {}, b"q Q".to_vec()));
    let annots: Vec<Object> = annots
        .into_iter()
        .map(|a| Object::Reference(doc.add_object(a)))
        .collect();
    let b = 8.6f32;
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "Contents" => content_id,
        "Annots" => annots,
        "MediaBox" => vec![0.into(), 0.into(), (A5[0] + 2.0 * b).into(), (A5[1] + 2.0 * b).into()],
        "TrimBox" => vec![b.into(), b.into(), (A5[0] + b).into(), (A5[1] + b).into()],
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1,
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

fn rgb(r: f32, g: f32, b: f32) -> Object {
    vec![r.into(), g.into(), b.into()].into()
}

#[test]
fn printed_annotations_colors_are_judged() {
    let rect = || -> Object { vec![10.into(), 10.into(), 60.into(), 60.into()].into() };
    let pdf = annotated_pdf(vec![
        // A printed square without an appearance: the viewer draws /C and /IC.
        dictionary! { "Type" => "Annot", "Subtype" => "Square", "Rect" => rect(), "F" => 4,
        "C" => rgb(0.0, 0.0, 1.0), "IC" => rgb(1.0, 0.0, 0.0) },
        // A link without a border: its /C is never drawn.
        dictionary! { "Type" => "Annot", "Subtype" => "Link", "Rect" => rect(), "F" => 4,
        "Border" => vec![0.into(), 0.into(), 0.into()], "C" => rgb(0.0, 1.0, 0.0) },
        // A note that does not print, and a printed one that is hidden.
        dictionary! { "Type" => "Annot", "Subtype" => "Text", "Rect" => rect(),
        "C" => rgb(1.0, 1.0, 0.0) },
        dictionary! { "Type" => "Annot", "Subtype" => "Text", "Rect" => rect(), "F" => 6,
        "C" => rgb(1.0, 0.0, 1.0) },
        // A popup's color is its window's, on screen only.
        dictionary! { "Type" => "Annot", "Subtype" => "Popup", "Rect" => rect(), "F" => 4,
        "C" => rgb(0.5, 0.0, 1.0) },
    ]);
    let f = run(&pdf);
    assert_eq!(
        color_findings(&f),
        vec![
            ("color/off-palette", Some("#0000FF".to_string())),
            ("color/off-palette", Some("#FF0000".to_string())),
        ],
        "{f:#?}"
    );
    let messages: Vec<&str> = f
        .iter()
        .filter(|f| f.rule.starts_with("color/"))
        .map(|f| f.message.as_str())
        .collect();
    assert!(
        messages[0].starts_with("annotation stroke color #0000FF"),
        "{messages:?}"
    );
    assert!(
        messages[1].starts_with("annotation fill color #FF0000"),
        "{messages:?}"
    );
}

#[test]
fn an_appearance_stream_is_judged_instead_of_the_annotations_own_colors() {
    // The appearance paints forest; the annotation's /C says red, but the viewer draws
    // the appearance.
    let mut doc = Document::with_version("1.7");
    let ap_id = doc.add_object(Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Form",
        "BBox" => vec![0.into(), 0.into(), 50.into(), 50.into()] },
        b"0.1216 0.3608 0.2902 rg 0 0 50 50 re f".to_vec(),
    ));
    let pages_id = doc.new_object_id();
    let content_id = doc.add_object(Stream::new(dictionary! {}, b"q Q".to_vec()));
    let annot_id = doc.add_object(dictionary! {
        "Type" => "Annot", "Subtype" => "Square", "F" => 4,
        "Rect" => vec![10.into(), 10.into(), 60.into(), 60.into()],
        "C" => rgb(1.0, 0.0, 0.0),
        "AP" => dictionary! { "N" => ap_id },
    });
    let b = 8.6f32;
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
        "Annots" => vec![annot_id.into()],
        "MediaBox" => vec![0.into(), 0.into(), (A5[0] + 2.0 * b).into(), (A5[1] + 2.0 * b).into()],
        "TrimBox" => vec![b.into(), b.into(), (A5[0] + b).into(), (A5[1] + b).into()],
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1,
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut good = Vec::new();
    doc.save_to(&mut good).unwrap();
    assert!(color_findings(&run(&good)).is_empty());

    // The same appearance painting a red: reported, as an annotation's.
    if let Ok(Object::Stream(s)) = doc.get_object_mut(ap_id) {
        s.set_content(b"0.9 0.1 0.1 rg 0 0 50 50 re f".to_vec());
    }
    let mut bad = Vec::new();
    doc.save_to(&mut bad).unwrap();
    let f = run(&bad);
    assert_eq!(
        color_findings(&f),
        vec![("color/off-palette", Some("#E61A1A".to_string()))]
    );
}

#[test]
fn iccbased_rgb_is_converted_by_its_profile() {
    // Adobe RGB (1998) 0.1875/0.7656/0.6766 is #00C5AD in sRGB, not #30C3AD.
    let found = color_findings(&run(&fixture(
        "verapdf-6-2-4-2-t02-pass-a-iccbased-adobergb.pdf",
    )));
    assert_eq!(
        found,
        vec![("color/off-palette", Some("#00C5AD".to_string()))]
    );
}

#[test]
fn black_in_a_press_gray_profile_is_black() {
    // Through its profile, this file's `0 scn` text is #2B2B2B: still 100 % black ink.
    let f = run(&fixture("verapdf-6-3-5-t02-pass-a-icc-gray-black.pdf"));
    assert!(color_findings(&f).is_empty(), "{f:#?}");
    assert!(
        rules(&f).contains(&"font/off-brand"),
        "the file is read: {f:#?}"
    );
}

#[test]
fn costly_tint_transforms_draw_on_the_budget() {
    // A 9,000-token program evaluated by 200,000 `scn`s would be 1.8 billion steps: the
    // evaluations are charged to the operator budget, which runs out instead.
    let program = format!("{{ {} }}", "1 add 1 sub ".repeat(2250));
    let space = Object::Array(vec![
        Object::Name(b"Separation".to_vec()),
        Object::Name(b"Slow".to_vec()),
        Object::Name(b"DeviceGray".to_vec()),
        Object::Stream(Stream::new(
            dictionary! { "FunctionType" => 4, "Domain" => vec![0.into(), 1.into()],
            "Range" => vec![0.into(), 1.into()] },
            program.into_bytes(),
        )),
    ]);
    let mut ops = vec![Operation::new("cs", vec![Object::Name(b"S".to_vec())])];
    for i in 0..200_000 {
        ops.push(Operation::new(
            "scn",
            vec![((i % 100) as f32 / 100.0).into()],
        ));
    }
    let start = std::time::Instant::now();
    let f = run(&spaces_pdf(vec![("S", space)], ops));
    assert_eq!(too_complex(&f).len(), 1, "{:?}", rules(&f));
    assert!(start.elapsed().as_secs() < 30, "{:?}", start.elapsed());
}

// ------------------------------------------------------------------ real-world verdicts (issue 11)

fn not_embedded(findings: &[Finding]) -> Vec<String> {
    let mut v: Vec<String> = findings
        .iter()
        .filter(|f| f.rule == "pdf/font-not-embedded")
        .filter_map(|f| f.found.clone())
        .collect();
    v.sort();
    v
}

#[test]
fn a_pdf_encrypting_only_its_attachments_is_checked() {
    // /StmF and /StrF /Identity, /EFF /StdCF (AES-256): the user password (000000) only
    // guards the attachment; poppler shows the page and its Helvetica without one.
    let f = run(&fixture("pdfjs-encrypted-attachment.pdf"));
    assert!(!rules(&f).contains(&"pdf/encrypted"), "{f:#?}");
    assert_eq!(not_embedded(&f), vec!["Helvetica"], "{f:#?}");
    assert!(!rules(&f).contains(&"pdf/unreadable"), "{f:#?}");
    // RC4 added by an update whose user password is "test" (pdf.js's test manifest): the
    // page is encrypted, and stays unchecked.
    let f = run(&fixture("pdfjs-issue15893-rc4-password-update.pdf"));
    assert_eq!(rules(&f), vec!["pdf/encrypted"], "{f:#?}");
    assert!(
        f[0].message.contains("needs a password"),
        "{}",
        f[0].message
    );
}

#[test]
fn encrypt_keys_are_renamed_in_place() {
    let bytes = b"<< /Encrypt 12 0 R /EncryptMetadata false /Encrypt<</V 4>> >>/Encrypt";
    let out = without_encrypt(bytes);
    assert_eq!(out.len(), bytes.len());
    assert_eq!(
        out,
        b"<< /Encrypx 12 0 R /EncryptMetadata false /Encrypx<</V 4>> >>/Encrypx".to_vec()
    );
}

#[test]
fn identity_crypt_filters_only_count_from_version_4() {
    let with = |encrypt: Dictionary| {
        let mut doc = Document::with_version("1.7");
        doc.trailer.set("Encrypt", encrypt);
        encrypts_nothing_readable(&doc)
    };
    assert!(with(
        dictionary! { "V" => 5, "StmF" => "Identity", "StrF" => "Identity", "EFF" => "StdCF" }
    ));
    assert!(with(dictionary! { "V" => 4 }));
    assert!(!with(
        dictionary! { "V" => 4, "StmF" => "StdCF", "StrF" => "Identity" }
    ));
    assert!(!with(
        dictionary! { "V" => 4, "StmF" => "Identity", "StrF" => "StdCF" }
    ));
    // Before crypt filters (V 1, 2), everything is encrypted.
    assert!(!with(
        dictionary! { "V" => 2, "StmF" => "Identity", "StrF" => "Identity" }
    ));
}

#[test]
fn a_default_da_and_unused_default_resources_render_nothing() {
    // PDF/A-4 pass file: /AcroForm << /DA (/Helv 0 Tf 0 g ) >>, no /DR, no field.
    let f = run(&fixture("verapdf-a4-6-1-11-t01-pass-a-default-da.pdf"));
    assert_eq!(not_embedded(&f), Vec::<String>::new(), "{f:#?}");
    // PDF/A-2b pass file: /DR holds Helvetica, Helvetica-Bold and ZapfDingbats
    // (Acrobat's defaults); the one check box has its appearance streams.
    let f = run(&fixture("verapdf-6-4-1-t02-pass-a-acroform-dr.pdf"));
    assert_eq!(not_embedded(&f), Vec::<String>::new(), "{f:#?}");
}

/// A page with one annotation `annot` and a form with `form` entries whose /DR holds a
/// non-embedded Helvetica as `Helv`.
fn one_annotation_pdf(annot: Dictionary, form: Dictionary, appearance: bool) -> Vec<u8> {
    let mut doc = Document::load_mem(&make_pdf(vec![], true, 8.6)).unwrap();
    let helv = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica-Oblique",
    });
    let mut annot = annot;
    if appearance {
        let ap = doc.add_object(Stream::new(
            dictionary! { "Type" => "XObject", "Subtype" => "Form", "BBox" => vec![0.into(), 0.into(), 10.into(), 10.into()] },
            b"0 0 1 rg 0 0 10 10 re f".to_vec(),
        ));
        annot.set("AP", dictionary! { "N" => ap });
    }
    annot.set("Rect", vec![10.into(), 10.into(), 20.into(), 20.into()]);
    let annot = doc.add_object(annot);
    let page = *doc.get_pages().get(&1).unwrap();
    doc.get_dictionary_mut(page)
        .unwrap()
        .set("Annots", vec![annot.into()]);
    let mut form = form;
    form.set("Fields", vec![annot.into()]);
    form.set(
        "DR",
        dictionary! { "Font" => dictionary! { "Helv" => helv } },
    );
    let root = doc.trailer.get(b"Root").unwrap().as_reference().unwrap();
    doc.get_dictionary_mut(root).unwrap().set("AcroForm", form);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

#[test]
fn a_default_resources_font_counts_when_a_field_the_viewer_draws_uses_it() {
    let field = |da: &str| {
        dictionary! {
            "Type" => "Annot", "Subtype" => "Widget", "FT" => "Tx",
            "T" => Object::string_literal("ชื่อ"), "DA" => Object::string_literal(da),
        }
    };
    let found = |bytes: Vec<u8>| not_embedded(&run(&bytes));
    let oblique = vec!["Helvetica".to_string(), "Helvetica-Oblique".to_string()];
    let page_only = vec!["Helvetica".to_string()];
    // No appearance stream: the viewer draws the field with /Helv from the /DR.
    let f = run(&one_annotation_pdf(
        field("/Helv 9 Tf 0 g"),
        dictionary! {},
        false,
    ));
    assert_eq!(not_embedded(&f), oblique, "{f:#?}");
    let helv = f
        .iter()
        .find(|x| x.found.as_deref() == Some("Helvetica-Oblique"))
        .unwrap();
    assert!(helv.message.contains("/AcroForm /DR"), "{}", helv.message);
    // Its own appearance stream is what is drawn…
    assert_eq!(
        found(one_annotation_pdf(
            field("/Helv 9 Tf 0 g"),
            dictionary! {},
            true
        )),
        page_only
    );
    // …unless the form asks viewers to build appearances again.
    assert_eq!(
        found(one_annotation_pdf(
            field("/Helv 9 Tf 0 g"),
            dictionary! { "NeedAppearances" => true },
            true
        )),
        oblique
    );
    // The field's /DA may come from the form's.
    let mut bare = field("");
    bare.remove(b"DA");
    assert_eq!(
        found(one_annotation_pdf(
            bare,
            dictionary! { "DA" => Object::string_literal("/Helv 0 Tf 0 g") },
            false
        )),
        oblique
    );
    // A signature field shows no text of its own.
    let mut sig = field("/Helv 9 Tf 0 g");
    sig.set("FT", "Sig");
    assert_eq!(
        found(one_annotation_pdf(sig, dictionary! {}, false)),
        page_only
    );
}

#[test]
fn a_da_that_names_no_font_is_never_an_empty_name() {
    let no_name = |subtype: &str, appearance: bool| {
        let annot = dictionary! {
            "Type" => "Annot", "Subtype" => subtype, "FT" => "Tx",
            "Contents" => Object::string_literal("หมายเหตุ"),
            "DA" => Object::string_literal("/ 12 Tf 0 g"),
        };
        run(&one_annotation_pdf(
            annot,
            dictionary! { "NeedAppearances" => true },
            appearance,
        ))
    };
    for (subtype, appearance) in [("Widget", true), ("Highlight", false), ("Ink", true)] {
        let f = no_name(subtype, appearance);
        assert_eq!(not_embedded(&f), vec!["Helvetica"], "{subtype}: {f:#?}");
        assert!(
            f.iter().all(|x| !x.message.contains("font  ")),
            "{subtype}: {f:#?}"
        );
    }
    // A check box without appearances draws its mark, not text in a font of the /DA.
    let check_box = dictionary! {
        "Type" => "Annot", "Subtype" => "Widget", "FT" => "Btn", "V" => "Yes", "AS" => "Yes",
        "DA" => Object::string_literal("0 g"),
    };
    let f = run(&one_annotation_pdf(check_box, dictionary! {}, false));
    assert_eq!(not_embedded(&f), vec!["Helvetica"], "{f:#?}");
    // Nothing else to draw: the viewer sets the text in its default font.
    let f = no_name("FreeText", false);
    assert_eq!(
        not_embedded(&f),
        vec!["(the viewer's default font)", "Helvetica"],
        "{f:#?}"
    );
    // The veraPDF file (/DA (Some Text), no /AP) that poppler lists as Helvetica [none].
    let f = run(&fixture(
        "verapdf-6-3-3-t01-fail-c-freetext-no-appearance.pdf",
    ));
    assert_eq!(
        not_embedded(&f),
        vec!["(the viewer's default font)"],
        "{f:#?}"
    );
}

#[test]
fn a_font_file_that_is_not_a_stream_embeds_nothing() {
    // /FontFile3 19 0 R, where 19 is no stream; pdffonts: emb no.
    let f = run(&fixture(
        "verapdf-6-2-11-4-1-t01-fail-a-fontfile-not-stream.pdf",
    ));
    assert_eq!(not_embedded(&f), vec!["QUAJCC+TrajanPro-Regular"], "{f:#?}");
}

#[test]
fn font_names_that_are_not_utf8_are_escaped() {
    // /BaseFont /#ba#da#cc#e5,Bold: 黑体 (SimHei) in GBK.
    let f = run(&fixture("pdfjs-issue2128r-gbk-font-name.pdf"));
    let names = not_embedded(&f);
    assert_eq!(names, vec!["#BA#DA#CC#E5,Bold"], "{f:#?}");
    assert!(f.iter().all(|x| !x.message.contains('\u{FFFD}')), "{f:#?}");
    assert_eq!(
        pdf_name("NotoSansThai-ตัวหนา".as_bytes()),
        "NotoSansThai-ตัวหนา"
    );
    assert_eq!(pdf_name(b"A#\xff B"), "A#23#FF#20B");
}

#[test]
fn fonts_of_tiling_patterns_are_checked() {
    // Card suits drawn as text in ZapfDingbats in a tiling pattern's cell.
    let f = run(&fixture("pdfjs-issue15716-pattern-zapfdingbats.pdf"));
    assert_eq!(not_embedded(&f), vec!["ZapfDingbats"], "{f:#?}");
}

#[test]
fn a_page_the_xref_table_misplaces_is_read_after_a_rebuild() {
    // qpdf's bad34.pdf: the cross-reference entry of the page points at another object.
    let f = run(&fixture("qpdf-bad34-xref-offsets.pdf"));
    assert_eq!(not_embedded(&f), vec!["Helvetica"], "{f:#?}");
    assert!(
        f.iter()
            .any(|x| x.rule == "pdf/unreadable" && x.message.contains("rebuilt")),
        "{f:#?}"
    );
    assert!(rules(&f).contains(&"pdf/page-size"), "{f:#?}");
}

#[test]
fn a_font_drawn_by_an_appearance_is_reported_as_such_even_when_dr_has_it() {
    // pdf.js issue18561.pdf: Helvetica (26 0 R) in the text fields' appearance streams and
    // in /AcroForm /DR; one field the viewer draws itself names it too.
    let f = run(&fixture("pdfjs-issue18561-helvetica-appearance-and-dr.pdf"));
    assert_eq!(not_embedded(&f), vec!["Helvetica"], "{f:#?}");
    let helvetica = f
        .iter()
        .find(|x| x.rule == "pdf/font-not-embedded")
        .unwrap();
    assert!(helvetica.message.contains("(/AP)"), "{}", helvetica.message);
}

/// Appearance forms that draw the same forms (a DAG) are read once each: 30 forms a
/// level, each level drawing all of the next, is 30⁴ paths but 120 forms (pdf.js's
/// bug1669099.pdf, 187 KB, took 1 GB before).
#[test]
fn shared_appearance_forms_are_read_once() {
    let mut doc = Document::with_version("1.7");
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
    });
    let mut level: Vec<ObjectId> = Vec::new();
    for depth in 0..5 {
        let mut next = Vec::new();
        for i in 0..30 {
            let mut xobjects = Dictionary::new();
            for (k, id) in level.iter().enumerate() {
                xobjects.set(format!("F{k}"), *id);
            }
            let form = doc.add_object(Stream::new(
                dictionary! {
                    "Type" => "XObject", "Subtype" => "Form",
                    "BBox" => vec![0.into(), 0.into(), 10.into(), 10.into()],
                    "Resources" => dictionary! {
                        "Font" => dictionary! { format!("H{depth}_{i}") => font },
                        "XObject" => xobjects,
                    },
                },
                b"".to_vec(),
            ));
            next.push(form);
        }
        level = next;
    }
    let top = doc
        .get_object(level[0])
        .unwrap()
        .as_stream()
        .unwrap()
        .clone();
    let mut budget = Budget::default();
    let mut out = Vec::new();
    appearance_fonts(&doc, &top, 0, &mut budget, &mut out);
    // the top form, then 30 forms on each of the 4 levels below it
    assert_eq!(out.len(), 1 + 30 * 4, "{}", out.len());
    assert!(budget.exhausted.is_none());
}

/// Link annotations of a printed PDF are the print channel's links: a brand link
/// without UTM tags, or tagged for the web, is a finding; a third party's is not.
#[test]
fn link_annotations_carry_print_utm_tags() {
    let bytes = make_pdf(Vec::new(), true, 9.0);
    let mut doc = Document::load_mem(&bytes).unwrap();
    let page_id = *doc.get_pages().values().next().unwrap();
    let link = |uri: &str| {
        Object::Dictionary(dictionary! {
            "Type" => "Annot", "Subtype" => "Link",
            "Rect" => vec![0.into(), 0.into(), 10.into(), 10.into()],
            "A" => dictionary! { "S" => "URI", "URI" => Object::string_literal(uri) },
        })
    };
    let annots = vec![
        link("https://tonkla.example/menu"),
        link("https://tonkla.example/?utm_source=web&utm_medium=referral"),
        link("https://tonkla.example/?utm_source=print&utm_medium=offline"),
        link("https://www.lineman.example/ต้นกล้า"),
    ];
    doc.get_dictionary_mut(page_id)
        .unwrap()
        .set("Annots", Object::Array(annots));
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    let found: Vec<&str> = rules(&run(&out))
        .into_iter()
        .filter(|r| r.starts_with("link/"))
        .collect();
    assert_eq!(
        found,
        ["link/utm-missing", "link/utm-mismatch"],
        "{found:?}"
    );
}
