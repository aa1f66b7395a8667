//! `brandpress lint` over the real-world sample (`tests/fixtures/real-world/`: files from public
//! test suites, sources and licenses in its README.md): the run finishes with a complete report
//! in every format, no file crashes it, and each file gets the verdict a careful reader would give
//! it (damaged PNGs and JPEGs unreadable, a password-protected PDF `pdf/encrypted`, a Pantone
//! spot color named, fonts not embedded where poppler's `pdffonts` says so, UTF-16 HTML read
//! like its UTF-8 original…). The full corpus these come from is assembled by
//! `scripts/fetch-real-world.sh` and linted by `scripts/lint-real-world.sh`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::Value;

const SAMPLE: &str = "tests/fixtures/real-world";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file of the sample (the READMEs too: they are linted as Markdown), as paths relative
/// to the repository, sorted.
fn sample_files() -> Vec<String> {
    let mut files: Vec<String> = walkdir::WalkDir::new(root().join(SAMPLE))
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(root())
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    files.sort();
    files
}

/// Lints the sample folder as a user would (`brandpress lint tests/fixtures/real-world`), so
/// its pages' relative links resolve inside it.
fn lint(format: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_brandpress"))
        .current_dir(root())
        .env("NO_COLOR", "1")
        .args(["lint", "--project", ".", "--format", format, SAMPLE])
        .output()
        .expect("run brandpress")
}

/// A finding of the JSON report.
#[derive(Debug, Clone)]
struct Finding {
    rule: String,
    severity: String,
    message: String,
    found: String,
    line: Option<u64>,
}

struct Report {
    code: i32,
    json: Value,
    /// Findings by file, keyed by the path relative to the repository.
    by_file: BTreeMap<String, Vec<Finding>>,
}

/// The JSON report of the whole sample, linted once for every test of this file.
fn report() -> &'static Report {
    static REPORT: OnceLock<Report> = OnceLock::new();
    REPORT.get_or_init(|| {
        let out = lint("json");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let code = out.status.code().unwrap_or(-1);
        assert!(
            !stderr.contains("panicked"),
            "brandpress panicked on the sample: {stderr}"
        );
        let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "the JSON report does not parse ({e}); exit {code}; stderr: {stderr}; stdout starts: {}",
                String::from_utf8_lossy(&out.stdout[..out.stdout.len().min(300)])
            )
        });
        let mut by_file: BTreeMap<String, Vec<Finding>> = BTreeMap::new();
        for f in json["findings"].as_array().expect("findings array") {
            let path = f["path"].as_str().expect("path").replace('\\', "/");
            let path = Path::new(&path);
            let rel = path
                .strip_prefix(root())
                .unwrap_or(path)
                .to_string_lossy()
                .trim_start_matches("./")
                .to_string();
            let text = |k: &str| f[k].as_str().unwrap_or_default().to_string();
            by_file.entry(rel).or_default().push(Finding {
                rule: text("rule"),
                severity: text("severity"),
                message: text("message"),
                found: text("found"),
                line: f["line"].as_u64(),
            });
        }
        Report {
            code,
            json,
            by_file,
        }
    })
}

/// The findings on one sample file (`kind/name`).
fn findings(file: &str) -> &'static [Finding] {
    let path = format!("{SAMPLE}/{file}");
    assert!(root().join(&path).is_file(), "no sample file {path}");
    report()
        .by_file
        .get(&path)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

fn rules(file: &str) -> Vec<&'static str> {
    let mut r: Vec<_> = findings(file).iter().map(|f| f.rule.as_str()).collect();
    r.sort();
    r.dedup();
    r
}

fn has(file: &str, rule: &str) -> bool {
    findings(file).iter().any(|f| f.rule == rule)
}

#[test]
fn the_whole_sample_gives_a_complete_report() {
    let files = sample_files();
    assert!(files.len() >= 50, "{files:?}");
    let r = report();
    assert!(
        r.code == 0 || r.code == 1,
        "exit code {} (0 or 1 expected)",
        r.code
    );
    // Someone else's brand: the sample has error findings, so the exit code is 1.
    assert_eq!(r.code, 1);
    assert_eq!(
        r.json["summary"]["files"].as_u64(),
        Some(files.len() as u64),
        "every sample file is checked and counted"
    );
    let internal: Vec<_> = r
        .by_file
        .iter()
        .flat_map(|(p, fs)| fs.iter().map(move |f| (p, f)))
        .filter(|(_, f)| f.rule == "lint/internal-error")
        .collect();
    assert!(internal.is_empty(), "{internal:#?}");
    for path in r.by_file.keys() {
        assert!(
            files.contains(path),
            "a finding on {path}, which is not a sample file"
        );
    }
    let errors = r.json["summary"]["errors"].as_u64().unwrap();
    let counted = r
        .by_file
        .values()
        .flatten()
        .filter(|f| f.severity == "error")
        .count() as u64;
    assert_eq!(errors, counted, "the summary counts the error findings");
}

#[test]
fn sarif_of_the_whole_sample_parses() {
    let out = lint("sarif");
    let code = out.status.code().unwrap_or(-1);
    assert!(code == 0 || code == 1, "exit code {code}");
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "SARIF does not parse: {e}: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let json_findings = report().by_file.values().map(Vec::len).sum::<usize>();
    assert_eq!(results.len(), json_findings, "SARIF has every finding");
    assert!(results.iter().all(|r| {
        r["ruleId"]
            .as_str()
            .is_some_and(|id| id != "lint/internal-error")
    }));
}

// --- images -------------------------------------------------------------------------------

#[test]
fn damaged_pngsuite_files_are_unreadable_errors() {
    // PngSuite's x*.png: bad signature, added CR bytes, bad IHDR checksum, bit depth 0, no IDAT.
    for name in [
        "xs1n0g01.png",
        "xcrn0g04.png",
        "xhdn0g08.png",
        "xd0n2c08.png",
        "xdtn0g01.png",
    ] {
        let file = format!("image/{name}");
        let f = findings(&file);
        assert!(
            f.iter()
                .any(|f| f.rule == "image/unreadable" && f.severity == "error"),
            "{file}: {f:#?}"
        );
        assert!(!has(&file, "image/off-palette"), "{file}: {f:#?}");
    }
}

#[test]
fn a_jpeg_without_a_frame_header_is_unreadable() {
    assert_eq!(rules("image/missing-sof.jpg"), ["image/unreadable"]);
}

#[test]
fn decodable_pictures_are_judged_by_their_pixels() {
    // Gradients, photos and test cards in PNG (plain and interlaced palette), baseline and
    // progressive JPEG, lossy WebP and an animated GIF: none is in the guide's palette.
    for name in [
        "basn2c08.png",
        "basi3p02.png",
        "testorig.jpg",
        "testimgint.jpg",
        "balloon-sq3.jpg",
        "simple-rgb.webp",
        "any-disposal.gif",
        // a broken tEXt chunk is ancillary: the picture is still read
        "image-rs-issue2026-bad-text-chunk.png",
    ] {
        let file = format!("image/{name}");
        assert!(
            has(&file, "image/off-palette"),
            "{file}: {:#?}",
            findings(&file)
        );
        assert!(!has(&file, "image/unreadable"), "{file}");
    }
}

#[test]
fn bmp_tiff_and_ico_are_never_passed_silently() {
    // Unsupported today (`lint/unsupported-file`, a warning); judged by their pixels if a
    // decoder is added. Either way they get a finding and never count as checked clean.
    for name in ["Info_8_Bit.bmp", "l1.tiff", "smile.ico"] {
        let file = format!("image/{name}");
        let f = findings(&file);
        assert!(
            f.iter().any(
                |f| (f.rule == "lint/unsupported-file" && f.severity == "warning")
                    || f.rule == "image/off-palette"
            ),
            "{file}: {f:#?}"
        );
    }
}

#[test]
fn a_cmyk_jpeg_is_judged_by_its_real_colors() {
    // jpeg-decoder's reference rendering of this file (jpg-cmyk-1.png) is a blue gradient that
    // brandpress reports 98.5 % off-palette; the CMYK JPEG itself passes clean today.
    let f = findings("image/jpg-cmyk-1.jpg");
    assert!(f.iter().any(|f| f.rule == "image/off-palette"), "{f:#?}");
}

#[test]
fn an_arithmetic_coded_jpeg_is_read() {
    assert!(!has("image/testimgari.jpg", "image/unreadable"));
    assert!(has("image/testimgari.jpg", "image/off-palette"));
}

// --- PDF ----------------------------------------------------------------------------------

#[test]
fn a_pdf_that_needs_a_password_is_reported_encrypted() {
    let f = findings("pdf/encrypted-40-bit-R3.pdf");
    assert!(
        f.iter()
            .any(|f| f.rule == "pdf/encrypted" && f.severity == "warning"),
        "{f:#?}"
    );
    // not checked, so nothing else is said about it
    assert_eq!(rules("pdf/encrypted-40-bit-R3.pdf"), ["pdf/encrypted"]);
}

#[test]
fn only_pdfs_that_need_a_password_are_left_unchecked() {
    // pdf.js bug1782186.pdf: AESV2 with the user password "Hello": not readable, said so.
    assert!(has("pdf/bug1782186.pdf", "pdf/encrypted"));
    // pdf.js encrypted-attachment.pdf: only the attachment is encrypted; the page is
    // checked like any other.
    let f = "pdf/encrypted-attachment.pdf";
    assert!(!has(f, "pdf/encrypted"), "{:#?}", findings(f));
    assert!(has(f, "pdf/page-size"), "{:#?}", findings(f));
}

#[test]
fn a_truncated_pdf_is_reported_and_what_can_be_read_is_checked() {
    let f = findings("pdf/issue6069.pdf");
    assert!(
        f.iter()
            .any(|f| f.rule == "pdf/unreadable" && f.message.contains("truncated")),
        "{f:#?}"
    );
}

#[test]
fn a_pantone_separation_is_named() {
    // pdf.js issue5470.pdf fills with /Separation /PANTONE#20485#20M (a red).
    let f = findings("pdf/issue5470.pdf");
    assert!(
        f.iter()
            .any(|f| f.rule == "color/off-palette" && f.message.contains("PANTONE 485")),
        "{f:#?}"
    );
}

#[test]
fn separation_colors_are_evaluated_through_their_alternate_space() {
    // veraPDF 6-2-4-4-t01-pass-d: Separation /Red, /Green, /Blue over CalRGB.
    let f = findings("pdf/verapdf-6-2-4-4-t01-pass-d.pdf");
    assert!(
        f.iter()
            .any(|f| f.rule == "color/off-palette" && f.message.contains("spot")),
        "{f:#?}"
    );
}

#[test]
fn non_embedded_fonts_agree_with_pdffonts() {
    // pdffonts: MS-Gothic (CID, SJIS) not embedded.
    assert!(
        findings("pdf/noembed-sjis.pdf")
            .iter()
            .any(|f| f.rule == "pdf/font-not-embedded" && f.found == "MS-Gothic"),
        "{:#?}",
        findings("pdf/noembed-sjis.pdf")
    );
    // pdffonts: CBTOEA+ArialMT-Identity-H not embedded (a subset name without a font file).
    assert!(has(
        "pdf/verapdf-6-2-11-4-1-t01-fail-e.pdf",
        "pdf/font-not-embedded"
    ));
    // pdffonts: Helvetica, named by a FreeText annotation's /DA, not embedded.
    assert!(has(
        "pdf/freetext_no_appearance.pdf",
        "pdf/font-not-embedded"
    ));
    // pdffonts: the one font is embedded.
    assert!(!has(
        "pdf/verapdf-6-3-6-t01-fail-a.pdf",
        "pdf/font-not-embedded"
    ));
}

#[test]
fn a_font_file_that_is_not_a_stream_is_not_embedded() {
    assert!(has(
        "pdf/verapdf-6-2-11-4-1-t01-fail-a.pdf",
        "pdf/font-not-embedded"
    ));
}

#[test]
fn an_unused_default_appearance_font_is_not_reported() {
    // veraPDF PDF/A-4 6-1-11-t01-pass-a: a valid PDF/A (all fonts embedded); its AcroForm has
    // `/DA (/Helv 0 Tf 0 g )` and no field with variable text.
    assert!(!has(
        "pdf/verapdf-a4-6-1-11-t01-pass-a.pdf",
        "pdf/font-not-embedded"
    ));
}

// --- email and .eml -------------------------------------------------------------------------

#[test]
fn third_party_email_templates_are_linted_as_email() {
    for name in [
        "caniemail-css-list.html",
        "caniemail-css-direction.html",
        "mailchimp-transactional_basic.html",
        "postmark-basic-welcome.html",
        "sendgrid-different_languages.html",
    ] {
        let file = format!("email-templates/{name}");
        assert!(
            findings(&file).iter().any(|f| f.rule.starts_with("email/")),
            "{file} was not linted as email: {:?}",
            rules(&file)
        );
    }
}

#[test]
fn links_below_a_web_base_href_are_web_addresses() {
    // caniemail html-base.html: `<base href="https://www.example.com/1/">`, then relative
    // links: browsers and mail clients resolve them on the web, so no file is missing.
    let file = "email-templates/caniemail-html-base.html";
    assert!(
        !rules(file).contains(&"link/broken-local"),
        "{:#?}",
        findings(file)
    );
}

#[test]
fn non_ascii_css_values_in_an_email_are_read() {
    // caniemail css-list.html: `list-style-type:"👍"`, `symbols(cyclic "†" "‡")`, Ⓐ…Ⓩ; the
    // issue's panic. Its colors are reported at their line.
    let f = findings("email-templates/caniemail-css-list.html");
    assert!(
        f.iter()
            .any(|f| f.rule == "color/off-palette" && f.line.is_some()),
        "{f:#?}"
    );
}

#[test]
fn sendgrid_unsubscribe_tags_are_placeholders_not_broken_links() {
    // The template links its social icons to `facebook.com` etc. without a scheme (relative
    // links that are really broken) and unsubscribes with `<%asm_global_unsubscribe_raw_url%>`.
    let mut broken: Vec<_> = findings("email-templates/sendgrid-different_languages.html")
        .iter()
        .filter(|f| f.rule.starts_with("link/"))
        .map(|f| (f.rule.as_str(), f.found.as_str()))
        .collect();
    broken.sort();
    let expected: Vec<_> = [
        "facebook.com",
        "google.com",
        "instagram.com",
        "pinterest.com",
        "twitter.com",
    ]
    .into_iter()
    .map(|found| ("link/broken-local", found))
    .collect();
    assert_eq!(broken, expected);
}

#[test]
fn a_windows_1252_eml_is_flagged_and_its_html_checked() {
    // Thunderbird message: text/plain and text/html in windows-1252, quoted-printable, an
    // inline image by cid:.
    let file = "eml/mail-parser-thirdparty-019.eml";
    assert!(has(file, "email/charset"), "{:#?}", findings(file));
    assert!(
        !findings(file).iter().any(|f| f.rule.starts_with("link/")),
        "cid: is not a local link: {:#?}",
        findings(file)
    );
}

// --- web and Markdown -------------------------------------------------------------------------

#[test]
fn utf16_html_is_read_like_its_utf8_original() {
    // h5bp-index-utf16.html is h5bp-index.html through `iconv -t UTF-16` (BOM, little-endian).
    let key = |file: &str| {
        let mut v: Vec<_> = findings(file)
            .iter()
            .map(|f| (f.rule.clone(), f.line, f.found.clone()))
            .collect();
        v.sort();
        v
    };
    let utf8 = key("web/h5bp-index.html");
    assert!(!utf8.is_empty());
    assert_eq!(key("web/h5bp-index-utf16.html"), utf8);
}

#[test]
fn commonmark_edge_cases_give_no_finding() {
    // Example 628 `foo <!--> foo -->` was the Markdown panic; the others: tabs, a
    // thematic-break-looking `---` first line, raw HTML blocks, entities.
    for n in ["001", "025", "096", "148", "180", "628"] {
        let file = format!("markdown/commonmark-example-{n}.md");
        assert_eq!(rules(&file), Vec::<&str>::new(), "{file}");
    }
}
