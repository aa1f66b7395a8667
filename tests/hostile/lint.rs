//! Hostile-input cases: lint. Files given to `brandpress lint` are untrusted: nested
//! without end, compressed into bombs, corrupt, truncated, mislabelled, linking out of
//! the linted folder, named in Thai. Each ends with a finding (or a clean report), never
//! a crash, a hang, a blow-up or an echo of a file outside the linted paths. See `main.rs`.
//!
//! Big and bomb inputs are generated here, not committed; `tests/fixtures/hostile/` holds
//! two 2 KB JPEGs (baseline and progressive) to cut.

use lopdf::{Dictionary, Document, Object, ObjectId, Stream, dictionary};

use crate::harness::{Case, Expect, Fixture, Outcome, SECRET, repo};

fn finding(rule: &'static str, path: &'static str, exit: i32) -> Expect {
    Expect::Finding { rule, path, exit }
}

/// Writes `bytes` at `rel` under the project.
fn file(
    rel: &'static str,
    bytes: impl AsRef<[u8]> + Send + Sync + 'static,
) -> impl Fn(&Fixture) + Send + Sync {
    move |f: &Fixture| f.write(rel, bytes.as_ref())
}

/// A page with `body` (and `head` in its head).
fn page(head: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=th><head><meta charset=utf-8>{head}</head><body>{body}</body></html>"
    )
}

/// An email page (detected as email HTML by its meta).
fn email_page(body: &str) -> String {
    page("<meta name=\"x-apple-disable-message-reformatting\">", body)
}

fn nested(open: &str, inner: &str, close: &str, n: usize) -> String {
    format!("{}{inner}{}", open.repeat(n), close.repeat(n))
}

/// A CSS file outside the project, the secret and an off-palette color on one line: if
/// lint read it, the human report would print that line.
fn evil_css(f: &Fixture) {
    std::fs::write(
        f.outside.join("evil.css"),
        format!("body {{ color: #E63946; }} /* {SECRET} */\n"),
    )
    .unwrap();
}

/// A case running `lint` with the human format (which prints source lines) on `path`.
fn lint_human(
    name: &'static str,
    path: &str,
    setup: impl Fn(&Fixture) + Send + Sync + 'static,
    check: impl Fn(&Outcome, &Fixture) -> Result<(), String> + Send + Sync + 'static,
) -> Case {
    let target = format!("{{project}}/{path}");
    Case::new(
        name,
        setup,
        &["lint", "--project", "{project}", &target],
        Expect::Custom(Box::new(check)),
    )
}

/// No finding of the JSON report is located in, or traced to, a file outside the
/// project (findings may quote the page's own reference to one).
fn nothing_from_outside(o: &Outcome, f: &Fixture) -> Result<(), String> {
    let outside = f.outside.to_string_lossy().to_string();
    let report = o.report()?;
    for x in report["findings"].as_array().into_iter().flatten() {
        for path in [&x["path"], &x["source"]["path"]] {
            if path
                .as_str()
                .is_some_and(|p| p.contains(&outside) || p.contains("evil"))
            {
                return Err(o.fail(format!("a finding is located outside: {x}")));
            }
        }
    }
    Ok(())
}

fn hostile_fixture(name: &str) -> Vec<u8> {
    std::fs::read(repo().join("tests/fixtures/hostile").join(name)).unwrap()
}

// ---- PDFs built here ------------------------------------------------------------------

/// One A5 page of `content` with `resources`, in a document that may already hold
/// objects (`doc`, whose `pages_id` is reserved).
fn pdf_page(
    mut doc: Document,
    pages_id: ObjectId,
    content: Stream,
    resources: Dictionary,
) -> Vec<u8> {
    let content_id = doc.add_object(content);
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "Contents" => content_id,
        "Resources" => resources,
        "MediaBox" => vec![0.into(), 0.into(), 437.into(), 612.into()],
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1,
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// The 863-byte case: a form XObject that draws itself 20 times.
fn pdf_self_drawing_form() -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let form_id = doc.new_object_id();
    let resources = dictionary! { "XObject" => dictionary! { "X0" => form_id } };
    doc.objects.insert(
        form_id,
        Object::Stream(Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Form",
                "BBox" => vec![0.into(), 0.into(), 10.into(), 10.into()],
                "Resources" => resources.clone(),
            },
            b"/X0 Do ".repeat(20),
        )),
    );
    pdf_page(
        doc,
        pages_id,
        Stream::new(dictionary! {}, b"/X0 Do".to_vec()),
        resources,
    )
}

/// A page whose Flate-compressed content inflates to 256 MiB of spaces (from about
/// 256 KB).
fn pdf_flate_bomb() -> Vec<u8> {
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..256 {
        z.write_all(&chunk).unwrap();
    }
    let bomb = z.finish().unwrap();
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let content = Stream::new(dictionary! { "Filter" => "FlateDecode" }, bomb);
    pdf_page(doc, pages_id, content, Dictionary::new())
}

/// A small whole PDF with a red fill (off-palette).
fn pdf_red() -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let content = Stream::new(dictionary! {}, b"0.9 0 0.17 rg 10 10 100 100 re f".to_vec());
    pdf_page(doc, pages_id, content, Dictionary::new())
}

/// Some bytes that are no format (deterministic).
fn junk(n: usize) -> Vec<u8> {
    (0..n as u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect()
}

/// A structurally whole PNG (valid CRCs, IEND) whose IHDR claims `w`×`h`.
fn png_with_size(w: u32, h: u32) -> Vec<u8> {
    let chunk = png_chunk;
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

/// A PNG chunk: length, type, data, CRC.
fn png_chunk(kind: &[u8], data: &[u8]) -> Vec<u8> {
    let mut c = (data.len() as u32).to_be_bytes().to_vec();
    c.extend_from_slice(kind);
    c.extend_from_slice(data);
    let crc = crc32fast::hash(&c[4..]);
    c.extend_from_slice(&crc.to_be_bytes());
    c
}

/// The harness's tiny PNG with a tEXt chunk inserted after its image data (decoders
/// have their pixels before they read it).
fn png_with_trailing_text() -> Vec<u8> {
    let png = crate::harness::tiny_png("png");
    let iend = png.len() - 12;
    [
        &png[..iend],
        &png_chunk(b"tEXt", b"Comment\0after the pixels"),
        &png[iend..],
    ]
    .concat()
}

/// A CRC error in a chunk after the image data.
fn png_crc_error() -> Vec<u8> {
    let mut png = png_with_trailing_text();
    let text = png.windows(4).rposition(|w| w == b"tEXt").unwrap();
    png[text + 8] ^= 0x01;
    png
}

fn jpeg_claiming(w: u16, h: u16) -> Vec<u8> {
    let mut jpeg = hostile_fixture("baseline.jpg");
    let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    jpeg[sof + 5..sof + 7].copy_from_slice(&h.to_be_bytes());
    jpeg[sof + 7..sof + 9].copy_from_slice(&w.to_be_bytes());
    jpeg
}

fn cut(bytes: Vec<u8>, keep: impl Fn(usize) -> usize) -> Vec<u8> {
    let n = keep(bytes.len());
    bytes[..n].to_vec()
}

/// An .eml whose HTML part nests 100,000 `<div>`s.
fn eml_deep() -> String {
    format!(
        "MIME-Version: 1.0\r\nFrom: a@tonkla.example\r\nSubject: deep\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{}\r\n",
        email_page(&nested("<div>", "ลึก", "</div>", 100_000))
    )
}

/// A guide banning 200,000 generated terms (Thai and Latin) besides its own.
fn huge_guide(f: &Fixture) {
    let terms: String = (0..200_000)
        .map(|i| {
            if i % 2 == 0 {
                format!("\"คำต้องห้าม{i}\", ")
            } else {
                format!("\"banned-{i}\", ")
            }
        })
        .collect();
    f.edit_guide(|g| g.replacen("banned = [", &format!("banned = [{terms}"), 1));
}

pub fn cases() -> Vec<Case> {
    vec![
        // ---- 1. depth limits, not stack overflows ----
        Case::lint(
            "html-100000-nested-divs",
            "out/web/deep.html",
            file(
                "out/web/deep.html",
                page("", &nested("<div>", "ลึก", "</div>", 100_000)),
            ),
            finding("html/too-complex", "deep.html", 1),
        ),
        Case::lint(
            "css-20000-nested-media-in-style",
            "out/web/media.html",
            file(
                "out/web/media.html",
                page(
                    &format!(
                        "<style>{}</style>",
                        nested("@media screen{", "p{color:red}", "}", 20_000)
                    ),
                    "<p>ต้นกล้า</p>",
                ),
            ),
            finding("html/too-complex", "media.html", 1),
        ),
        Case::lint(
            "css-20000-nested-media-in-linked-css",
            "out/web",
            |f: &Fixture| {
                f.write(
                    "out/web/page.html",
                    page("<link rel=stylesheet href=deep.css>", "<p>ต้นกล้า</p>"),
                );
                f.write(
                    "out/web/deep.css",
                    nested("@media screen{", "p{color:red}", "}", 20_000),
                );
            },
            finding("html/too-complex", "deep.css", 1),
        ),
        Case::lint(
            "css-unbalanced-braces-still-checks-colors",
            "out/web/braces.html",
            file(
                "out/web/braces.html",
                page(
                    &format!("<style>p{{color:#E63946}} a{}</style>", "{".repeat(50_000)),
                    "<p>x</p>",
                ),
            ),
            finding("color/off-palette", "braces.html", 1),
        ),
        Case::lint(
            "css-20000-nested-not-selectors",
            "out/web/not.html",
            file(
                "out/web/not.html",
                page(
                    &format!(
                        "<style>{} {{ color: #E63946 }}</style>",
                        nested(":not(", "p", ")", 20_000)
                    ),
                    "<p>x</p>",
                ),
            ),
            finding("color/off-palette", "not.html", 1),
        ),
        Case::lint(
            "css-20000-nested-calc-and-url-functions",
            "out/web/calc.html",
            file(
                "out/web/calc.html",
                page(
                    &format!(
                        "<style>p {{ width: {}; background: {}; color: #E63946 }}</style>",
                        nested("calc(", "1px", ")", 20_000),
                        nested("image-set(", "url(x.png)", ")", 20_000)
                    ),
                    "<p>x</p>",
                ),
            ),
            finding("color/off-palette", "calc.html", 1),
        ),
        Case::lint(
            "email-html-100000-nested-divs",
            "out/email/deep.html",
            file(
                "out/email/deep.html",
                email_page(&nested("<div>", "ลึก", "</div>", 100_000)),
            ),
            finding("html/too-complex", "deep.html", 1),
        ),
        Case::lint(
            "email-html-nested-tables",
            "out/email/tables.html",
            file(
                "out/email/tables.html",
                email_page(&nested(
                    "<table><tr><td>",
                    "ลึก",
                    "</td></tr></table>",
                    20_000,
                )),
            ),
            finding("html/too-complex", "tables.html", 1),
        ),
        Case::lint(
            "eml-with-100000-nested-divs",
            "out/email/deep.eml",
            file("out/email/deep.eml", eml_deep()),
            finding("html/too-complex", "deep.eml", 1),
        ),
        // ---- 9. Markdown ----
        Case::lint(
            "markdown-commonmark-628-abrupt-comment",
            "content/piece.md",
            |f: &Fixture| f.piece("", "<!-->\n\nโคลด์บรูว์ <!---> ของต้นกล้า\n"),
            Expect::Ok,
        ),
        Case::lint(
            "markdown-10000-nested-quotes-and-lists-find-terms",
            "content/piece.md",
            |f: &Fixture| {
                f.piece(
                    "",
                    &format!(
                        "{}ถูกที่สุด\n\n{}ถูกที่สุด\n",
                        "> ".repeat(10_000),
                        "- ".repeat(10_000)
                    ),
                )
            },
            finding("tone/banned-term", "piece.md", 1),
        ),
        // ---- 2. total-work budget for PDF lint ----
        Case::lint(
            "pdf-form-drawn-20-times-from-itself",
            "out/print/loop.pdf",
            file("out/print/loop.pdf", pdf_self_drawing_form()),
            finding("pdf/too-complex", "loop.pdf", 1),
        ),
        Case::lint(
            "pdf-1500000-operators",
            "out/print/busy.pdf",
            |f: &Fixture| {
                let mut doc = Document::with_version("1.7");
                let pages_id = doc.new_object_id();
                let content = Stream::new(dictionary! {}, b"0 g ".repeat(1_500_000));
                f.write(
                    "out/print/busy.pdf",
                    pdf_page(doc, pages_id, content, Dictionary::new()),
                );
            },
            finding("pdf/too-complex", "busy.pdf", 1),
        ),
        // ---- 3. decompression limits ----
        Case::lint(
            "pdf-flate-bomb-256-mib",
            "out/print/bomb.pdf",
            |f: &Fixture| f.write("out/print/bomb.pdf", pdf_flate_bomb()),
            finding("pdf/too-complex", "bomb.pdf", 1),
        ),
        Case::lint(
            "png-60000x60000-header",
            "out/social/huge.png",
            file("out/social/huge.png", png_with_size(60_000, 60_000)),
            finding("image/too-large", "huge.png", 1),
        ),
        Case::lint(
            "jpeg-claiming-65535x65535",
            "out/social/huge.jpg",
            file("out/social/huge.jpg", jpeg_claiming(65_535, 65_535)),
            finding("image/too-large", "huge.jpg", 1),
        ),
        // ---- 4. corrupt files are findings ----
        Case::lint(
            "png-crc-error-after-the-pixels",
            "out/web/crc.png",
            file("out/web/crc.png", png_crc_error()),
            finding("image/unreadable", "crc.png", 1),
        ),
        Case::lint(
            "png-without-iend",
            "out/web/noend.png",
            file("out/web/noend.png", {
                let png = png_with_trailing_text();
                png[..png.len() - 12].to_vec()
            }),
            finding("image/unreadable", "noend.png", 1),
        ),
        Case::lint(
            "jpeg-baseline-truncated-mid-scan",
            "out/web/cut.jpg",
            file(
                "out/web/cut.jpg",
                cut(hostile_fixture("baseline.jpg"), |n| n / 2),
            ),
            finding("image/unreadable", "cut.jpg", 1),
        ),
        Case::lint(
            "jpeg-progressive-truncated-mid-scan",
            "out/web/cut-progressive.jpg",
            file(
                "out/web/cut-progressive.jpg",
                cut(hostile_fixture("progressive.jpg"), |n| n / 2),
            ),
            finding("image/unreadable", "cut-progressive.jpg", 1),
        ),
        Case::lint(
            "jpeg-without-eoi",
            "out/web/noeoi.jpg",
            file(
                "out/web/noeoi.jpg",
                cut(hostile_fixture("progressive.jpg"), |n| n - 2),
            ),
            finding("image/unreadable", "noeoi.jpg", 1),
        ),
        Case::lint(
            "random-bytes-named-png",
            "out/web/random.png",
            file("out/web/random.png", junk(4096)),
            finding("image/unreadable", "random.png", 1),
        ),
        Case::lint(
            "empty-file-named-jpg",
            "out/web/empty.jpg",
            file("out/web/empty.jpg", Vec::new()),
            finding("image/unreadable", "empty.jpg", 1),
        ),
        Case::lint(
            "random-bytes-named-pdf",
            "out/print/random.pdf",
            file("out/print/random.pdf", junk(4096)),
            finding("pdf/unreadable", "random.pdf", 1),
        ),
        Case::lint(
            "empty-file-named-pdf",
            "out/print/empty.pdf",
            file("out/print/empty.pdf", Vec::new()),
            finding("pdf/unreadable", "empty.pdf", 1),
        ),
        Case::lint(
            "pdf-truncated-in-half",
            "out/print/half.pdf",
            file("out/print/half.pdf", cut(pdf_red(), |n| n / 2)),
            finding("pdf/unreadable", "half.pdf", 1),
        ),
        Case::lint(
            "pdf-truncated-before-its-eof-marker",
            "out/print/noeof.pdf",
            file("out/print/noeof.pdf", {
                let pdf = pdf_red();
                let eof = pdf.windows(5).rposition(|w| w == b"%%EOF").unwrap();
                pdf[..eof].to_vec()
            }),
            finding("pdf/unreadable", "noeof.pdf", 1),
        ),
        Case::lint(
            "eml-random-bytes-is-email-unreadable",
            "out/email/random.eml",
            file("out/email/random.eml", junk(4096)),
            finding("email/unreadable", "random.eml", 1),
        ),
        Case::lint(
            "unknown-kind-is-a-warning",
            "out/web/data.bin",
            file("out/web/data.bin", junk(512)),
            finding("lint/unknown-kind", "data.bin", 0),
        ),
        // ---- 8. one file's failure never loses the report ----
        Case::lint(
            "bad-files-beside-a-good-one-keep-the-report",
            "out",
            |f: &Fixture| {
                f.write("out/print/loop.pdf", pdf_self_drawing_form());
                f.write(
                    "out/web/deep.html",
                    page("", &nested("<div>", "x", "</div>", 100_000)),
                );
                f.write(
                    "out/web/cut.jpg",
                    cut(hostile_fixture("baseline.jpg"), |n| n / 2),
                );
                f.write(
                    "out/web/page.html",
                    page("", "<p style=\"color:#E63946\">ต้นกล้า</p>"),
                );
            },
            Expect::Custom(Box::new(|o: &Outcome, _: &Fixture| {
                o.expect_code(1)?;
                for rule in [
                    "pdf/too-complex",
                    "html/too-complex",
                    "image/unreadable",
                    "color/off-palette",
                ] {
                    if o.findings(rule)?.is_empty() {
                        return Err(o.fail(format!("no {rule} finding")));
                    }
                }
                Ok(())
            })),
        ),
        // ---- 5. lint echoes nothing from outside ----
        lint_human(
            "linked-css-escaping-with-dot-dot-is-not-read",
            "out",
            |f: &Fixture| {
                evil_css(f);
                f.write(
                    "out/web/page.html",
                    page(
                        "<link rel=stylesheet href=\"../../../outside/evil.css\">",
                        "<p>ต้นกล้า</p>",
                    ),
                );
            },
            |o: &Outcome, _: &Fixture| {
                if !o.stdout.contains("link/outside-root") {
                    return Err(o.fail("no link/outside-root finding"));
                }
                if o.stdout.contains("evil.css:1") {
                    return Err(o.fail("the outside stylesheet was read"));
                }
                Ok(())
            },
        ),
        Case::lint(
            "linked-css-absolute-path-is-not-read",
            "out",
            |f: &Fixture| {
                evil_css(f);
                let abs = f.outside.join("evil.css");
                f.write(
                    "out/web/page.html",
                    page(
                        &format!("<link rel=stylesheet href=\"{}\"><link rel=stylesheet href=\"/etc/passwd\">", abs.display()),
                        "<p>ต้นกล้า</p>",
                    ),
                );
            },
            Expect::Custom(Box::new(|o: &Outcome, f: &Fixture| {
                nothing_from_outside(o, f)?;
                if !o.findings("color/off-palette")?.is_empty() {
                    return Err(o.fail("the outside stylesheet was read"));
                }
                Ok(())
            })),
        ),
        lint_human(
            "symlinked-css-inside-the-linted-folder-is-not-followed",
            "out",
            |f: &Fixture| {
                evil_css(f);
                f.symlink(&f.outside.join("evil.css"), "out/web/style.css");
                f.write(
                    "out/web/page.html",
                    page("<link rel=stylesheet href=style.css>", "<p>ต้นกล้า</p>"),
                );
            },
            |o: &Outcome, _: &Fixture| {
                if o.stdout.matches("link/outside-root").count() < 2 {
                    return Err(o.fail("expected link/outside-root on the link and the symlink"));
                }
                if o.stdout.contains("color/off-palette") {
                    return Err(o.fail("the outside stylesheet was read"));
                }
                Ok(())
            },
        ),
        Case::lint(
            "symlinked-folder-inside-the-linted-folder-is-not-followed",
            "out",
            |f: &Fixture| {
                evil_css(f);
                f.symlink(&f.outside, "out/web/shared");
                f.write(
                    "out/web/page.html",
                    page("<link rel=stylesheet href=shared/evil.css>", "<p>ต้นกล้า</p>"),
                );
            },
            Expect::Custom(Box::new(|o: &Outcome, f: &Fixture| {
                nothing_from_outside(o, f)?;
                if o.findings("link/outside-root")?.len() < 2 {
                    return Err(o.fail("expected link/outside-root on the link and the symlink"));
                }
                Ok(())
            })),
        ),
        Case::lint(
            "source-meta-pointing-outside-is-not-read",
            "out/web/page.html",
            |f: &Fixture| {
                std::fs::write(f.outside.join("evil.md"), format!("{SECRET} ถูกที่สุด\n")).unwrap();
                f.write(
                    "out/web/page.html",
                    page(
                        "<meta name=\"brandpress:source\" content=\"../outside/evil.md\">",
                        "<p>ถูกที่สุด</p>",
                    ),
                );
            },
            Expect::Custom(Box::new(|o: &Outcome, f: &Fixture| {
                o.expect_code(1)?;
                nothing_from_outside(o, f)
            })),
        ),
        // ---- 6. SARIF URIs ----
        Case::new(
            "sarif-uri-of-a-thai-file-name-is-percent-encoded",
            file(
                "out/web/หน้า แรก#1%.html",
                page("", "<p style=\"color:#E63946\">ต้นกล้า</p>"),
            ),
            &[
                "lint",
                "--project",
                "{project}",
                "--format",
                "sarif",
                "out/web",
            ],
            Expect::Custom(Box::new(|o: &Outcome, _: &Fixture| {
                o.expect_code(1)?;
                let sarif = o.report()?;
                let uri = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
                    ["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                let want = "out/web/%E0%B8%AB%E0%B8%99%E0%B9%89%E0%B8%B2%20%E0%B9%81%E0%B8%A3%E0%B8%81%231%25.html";
                if uri != want {
                    return Err(o.fail(format!("uri {uri:?}, expected {want:?}")));
                }
                Ok(())
            })),
        ),
        // ---- 7. large guides ----
        Case::lint(
            "guide-with-200000-banned-terms",
            "out/web/page.html",
            |f: &Fixture| {
                huge_guide(f);
                f.write(
                    "out/web/page.html",
                    page(
                        "",
                        &"<p>กาแฟ banned-199999 และคำต้องห้าม42 ถูกที่สุด</p>".repeat(400),
                    ),
                );
            },
            Expect::Custom(Box::new(|o: &Outcome, _: &Fixture| {
                o.expect_code(1)?;
                let found: Vec<String> = o
                    .findings("tone/banned-term")?
                    .iter()
                    .filter_map(|f| f["found"].as_str().map(str::to_string))
                    .collect();
                for want in ["banned-199999", "ถูกที่สุด"] {
                    if !found.iter().any(|f| f == want) {
                        return Err(o.fail(format!("{want} not found")));
                    }
                }
                Ok(())
            })),
        ),
    ]
}
