//! Text read from PDFs as the tone rules see it: table cells and tab stops on one
//! baseline are cells (a tab between them), not one run of words or one long sentence
//! (issue 11, "tables are not sentences").

use std::path::Path;

use brandpress::brand::Guide;
use brandpress::lint::pdf::{Budget, scan_page};
use brandpress::lint::{LintContext, lint_bytes};
use lopdf::content::{Content, Operation};
use lopdf::{Document, Object, Stream, dictionary};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn page_texts(doc: &Document) -> Vec<String> {
    let mut budget = Budget::default();
    doc.get_pages()
        .values()
        .map(|&id| scan_page(doc, id, &mut budget).text)
        .collect()
}

/// pdf.js's table sample (a third-party PDF): each row is its cells.
#[test]
fn a_real_table_reads_as_rows_of_cells() {
    let bytes =
        std::fs::read(root().join("tests/fixtures/pdf/pdfjs-bug2014080-table.pdf")).unwrap();
    let doc = Document::load_mem(&bytes).unwrap();
    let text = page_texts(&doc).join("\n");
    for row in ["Monday\t23\t15", "Tuesday\t28\t13", "Friday\t17\t19"] {
        assert!(text.contains(row), "{row:?} not in {text:?}");
    }
    // the prose above the table stays words with spaces
    assert!(text.contains("The following table shows"), "{text:?}");
}

/// A PDF with one Helvetica font (widths given) drawing `rows` of `cells` at `x`
/// positions on shared baselines, as office tools place table cells.
fn table_pdf(rows: &[Vec<(f32, &str)>]) -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let widths: Vec<Object> = (32..=126).map(|_| Object::Integer(556)).collect();
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "TrueType", "BaseFont" => "NotoSans-Regular",
        "FirstChar" => 32, "Widths" => widths, "Encoding" => "WinAnsiEncoding",
    });
    let mut ops = vec![Operation::new("BT", vec![])];
    ops.push(Operation::new("Tf", vec!["F1".into(), 10.into()]));
    for (r, row) in rows.iter().enumerate() {
        for (x, text) in row {
            let y = 700.0 - 20.0 * r as f32;
            ops.push(Operation::new(
                "Tm",
                vec![
                    1.into(),
                    0.into(),
                    0.into(),
                    1.into(),
                    (*x).into(),
                    y.into(),
                ],
            ));
            ops.push(Operation::new("Tj", vec![Object::string_literal(*text)]));
        }
    }
    ops.push(Operation::new("ET", vec![]));
    let content = doc.add_object(Stream::new(
        dictionary! {},
        Content { operations: ops }.encode().unwrap(),
    ));
    let pages = doc.new_object_id();
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages, "Contents" => content,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
    });
    doc.objects.insert(
        pages,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
        ),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// A row of 8 cells of 4 words each is 32 words on one baseline: cells, not a sentence
/// over the guide's 28 words. The same words written as one string stay one sentence.
#[test]
fn table_rows_are_not_long_sentences() {
    let cells: Vec<(f32, &str)> = (0..8)
        .map(|i| (40.0 + 125.0 * i as f32, "cold brew coffee cup"))
        .collect();
    let words_as_cells = table_pdf(&[cells.clone(), cells]);
    let doc = Document::load_mem(&words_as_cells).unwrap();
    let text = page_texts(&doc).join("\n");
    assert_eq!(text.matches('\t').count(), 14, "{text:?}");
    let guide = Guide::load(root()).unwrap();
    let ctx = LintContext::new(&guide);
    let findings = lint_bytes(&ctx, Path::new("table.pdf"), &words_as_cells);
    assert!(
        !findings.iter().any(|f| f.rule == "tone/sentence-length"),
        "{findings:#?}"
    );
    // the same 32 words as one run of prose
    let prose = vec![(40.0, "cold brew coffee cup ".repeat(8).leak() as &str)];
    let prose = table_pdf(&[prose]);
    let findings = lint_bytes(&ctx, Path::new("prose.pdf"), &prose);
    assert!(
        findings.iter().any(|f| f.rule == "tone/sentence-length"),
        "{findings:#?}"
    );
}

/// Words placed one by one with ordinary spacing (a justified line) keep single
/// spaces: no tab inside a sentence.
#[test]
fn word_by_word_placement_is_not_a_table() {
    let words = ["Two", "cold", "brews", "for", "89", "baht"];
    let mut x = 40.0;
    let mut row = Vec::new();
    for w in words {
        row.push((x, w));
        // the word's width (0.556 em a character at 10 pt) plus a 0.4 em space
        x += w.len() as f32 * 5.56 + 4.0;
    }
    let doc = Document::load_mem(&table_pdf(&[row])).unwrap();
    let text = page_texts(&doc).join("\n");
    assert_eq!(text.trim(), "Two cold brews for 89 baht");
}

/// A Thai flyer printed by headless Chromium (a third-party PDF: shaped glyphs of Noto
/// Sans Thai, subset, with a ToUnicode CMap; see tests/fixtures/campaign-foreign/): the
/// text comes back in logical order with its marks — above and below vowels, tone marks,
/// sara am and the preposed vowels (เ แ โ ไ) before their consonant — and the date and
/// code read as facts.
#[test]
fn thai_printed_by_chromium_reads_in_logical_order() {
    let bytes = std::fs::read(root().join("tests/fixtures/campaign-foreign/flyer.pdf")).unwrap();
    let doc = Document::load_mem(&bytes).unwrap();
    let text = page_texts(&doc).join("\n");
    for line in [
        "โคลด์บรูว์รับลมหนาว",
        "สองแก้วเพียง 89 บาท ที่ทุกสาขาของต้นกล้า",
        "กรอกโค้ด WINTER26 ตอนชำระเงิน",
        "สิทธิ์นี้ใช้ได้ถึงวันที่ 30 ธ.ค. 2569 เท่านั้น",
        "สั่งเลย tonkla.example/order/cold-brew",
        "สอบถามโทร 02-123-4567 หรือ LINE @tonkla",
    ] {
        assert!(
            text.lines().any(|l| l.trim() == line),
            "{line:?} not a line of {text:?}"
        );
    }
}

/// One page of Helvetica text drawn by `ops` (between `BT` and `ET`).
fn text_pdf(ops: Vec<Operation>) -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
    });
    let mut all = vec![
        Operation::new("BT", vec![]),
        Operation::new("Tf", vec!["F1".into(), 10.into()]),
    ];
    all.extend(ops);
    all.push(Operation::new("ET", vec![]));
    let content = doc.add_object(Stream::new(
        dictionary! {},
        Content { operations: all }.encode().unwrap(),
    ));
    let pages = doc.new_object_id();
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages, "Contents" => content,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
    });
    doc.objects.insert(
        pages,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
        ),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// An `/ActualText` span opened before the `Tm` that moves to the next line (as Chromium
/// writes Thai clusters) reads on that line, where its glyphs are; a span that draws no
/// glyph still reads as its text.
#[test]
fn actual_text_reads_where_its_glyphs_are() {
    let tm = |y: i64| {
        Operation::new(
            "Tm",
            vec![1.into(), 0.into(), 0.into(), 1.into(), 40.into(), y.into()],
        )
    };
    let span = |text: &str| {
        Operation::new(
            "BDC",
            vec![
                "Span".into(),
                Object::Dictionary(dictionary! { "ActualText" => Object::string_literal(text) }),
            ],
        )
    };
    let tj = |s: &str| Operation::new("Tj", vec![Object::string_literal(s)]);
    let emc = || Operation::new("EMC", vec![]);
    let bytes = text_pdf(vec![
        tm(700),
        tj("first line"),
        span("Se"),
        tm(680),
        tj("xx"),
        emc(),
        tj("cond line"),
        span("!"),
        emc(),
    ]);
    let doc = Document::load_mem(&bytes).unwrap();
    let text = page_texts(&doc).join("\n");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines, ["first line", "Second line!"], "{text:?}");
}
