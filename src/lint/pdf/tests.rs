use std::path::Path;

use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Document, Object, ObjectId, Stream, dictionary};

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
        "Type" => "Page",
        "Parent" => pages_id,
        "Contents" => content_id,
        "Resources" => resources_id,
        "MediaBox" => media.clone(),
    };
    if with_trim {
        page.set("TrimBox", trim);
        page.set("BleedBox", media);
    }
    let page_id = doc.add_object(page);
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => vec![page_id.into()],
            "Count" => 1,
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
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
    mut doc: Document,
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
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "Contents" => content_id,
        "Resources" => resources,
        "MediaBox" => media.clone(),
        "TrimBox" => trim,
        "BleedBox" => media,
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => vec![page_id.into()],
            "Count" => 1,
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
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
