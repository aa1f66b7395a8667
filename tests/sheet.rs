//! The contact sheet (`src/sheet`): `out/index.html` written by every build, with every
//! output of the campaign manifest, PDF pages as real thumbnails reused while the PDF is
//! unchanged, findings from `check` (and boxes drawn on cards), and `lint --sheet DIR` for
//! foreign files, writing nothing outside DIR. Every test works on a copy of the bundled
//! Thai + English example.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use brandpress::build::{BuildOptions, CacheUse, LockWait, build_locked_cached};
use brandpress::lint::html::parse::Document;
use brandpress::manifest::{CampaignManifest, sha256_hex};
use brandpress::project::Project;
use brandpress::render::Channel;
use support::copy_dir;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn example() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("project");
    for dir in ["brand", "content", "templates"] {
        copy_dir(&root().join(dir), &project.join(dir));
    }
    (tmp, project)
}

fn build(project: &Path, out: &Path) {
    let p = Project::load(project).unwrap_or_else(|e| panic!("{e:?}"));
    let options = BuildOptions {
        out: out.to_path_buf(),
        channels: Channel::ALL.to_vec(),
        shard: None,
    };
    build_locked_cached(&p, &options, &LockWait::default(), CacheUse::Reuse)
        .unwrap_or_else(|e| panic!("{e:?}"));
}

fn brandpress(args: &[&str], cwd: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_brandpress"))
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap()
}

/// Every local URL the page refers to (`href`, `src`, `data-src` and CSS `url()`),
/// percent-decoded.
fn references(html: &str) -> Vec<String> {
    let doc = Document::parse(html);
    let mut refs = Vec::new();
    for e in &doc.elements {
        for a in &e.attrs {
            if ["href", "src", "data-src"].contains(&a.name.as_str()) {
                refs.push(a.value.as_str().to_string());
            }
        }
    }
    for part in html.split("url(\"").skip(1) {
        refs.push(part.split('"').next().unwrap().to_string());
    }
    refs.into_iter()
        .filter(|r| !r.starts_with('#') && !r.contains("://") && !r.starts_with("data:"))
        .map(|r| {
            percent_encoding::percent_decode_str(&r)
                .decode_utf8()
                .unwrap()
                .into_owned()
        })
        .collect()
}

/// SHA-256 of every file of the sheet (`index.html`, `_sheet/…`) under `out`.
fn sheet_files(out: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(out) {
        let entry = entry.unwrap();
        let rel = entry
            .path()
            .strip_prefix(out)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if entry.file_type().is_file() && (rel == "index.html" || rel.starts_with("_sheet/")) {
            files.insert(rel, sha256_hex(&std::fs::read(entry.path()).unwrap()));
        }
    }
    files
}

#[test]
fn every_build_writes_a_sheet_of_every_output_deterministically() {
    let (_tmp, project) = example();
    let out = project.join("out");
    build(&project, &out);
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    let manifest: CampaignManifest =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let refs: BTreeSet<String> = references(&html).into_iter().collect();
    for record in &manifest.outputs {
        assert!(
            refs.contains(&record.path),
            "{} is not on the sheet",
            record.path
        );
    }
    // every file it refers to exists, inside out/
    let canonical_out = out.canonicalize().unwrap();
    for r in &refs {
        let path = out
            .join(r)
            .canonicalize()
            .unwrap_or_else(|e| panic!("{r}: {e}"));
        assert!(path.starts_with(&canonical_out), "{r} leads outside out/");
    }
    // the sheet is not a campaign output
    assert!(
        !manifest
            .outputs
            .iter()
            .any(|r| r.path == "index.html" || r.path.starts_with("_sheet/"))
    );
    let marker = std::fs::read_to_string(out.join(brandpress::build::MARKER)).unwrap();
    assert!(!marker.contains("_sheet") && !marker.contains("\"index.html\""));
    // Thai titles, marked as Thai; the build did not lint
    assert!(
        html.contains("<span class=\"title\" lang=\"th\">โคลด์บรูว์รับลมหนาว"),
        "the Thai piece's title: {}",
        &html[..html.len().min(3000)]
    );
    assert!(html.contains("not linted: run <code>brandpress check</code>"));
    // the same outputs, the same sheet, byte for byte, wherever it is built
    let again = project.join("again");
    build(&project, &again);
    assert_eq!(sheet_files(&out), sheet_files(&again));
    // nothing of the sheet is linted as an output
    let lint = brandpress(&["lint", "--format", "json", "--no-cache", "out"], &project);
    let report = String::from_utf8_lossy(&lint.stdout);
    assert!(
        !report.contains("_sheet/") && !report.contains("out/index.html"),
        "{report}"
    );
}

/// The PDFs a build wrote into `out`, by SHA-256, from its campaign manifest.
fn built_pdfs(out: &Path) -> BTreeMap<String, String> {
    let manifest: CampaignManifest =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    manifest
        .outputs
        .iter()
        .filter(|r| r.path.ends_with(".pdf"))
        .map(|r| (r.sha256.clone(), r.path.clone()))
        .collect()
}

#[test]
fn pdf_thumbnails_are_real_pages_reused_while_the_pdf_is_unchanged() {
    let (_tmp, project) = example();
    let out = project.join("out");
    build(&project, &out);
    let pdfs = built_pdfs(&out);
    assert!(pdfs.len() >= 2);
    let thumbs = |out: &Path| -> BTreeMap<String, (u64, PathBuf)> {
        use std::os::unix::fs::MetadataExt;
        std::fs::read_dir(out.join("_sheet/thumbs"))
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    (e.metadata().unwrap().ino(), e.path()),
                )
            })
            .collect()
    };
    let first = thumbs(&out);
    for sha in pdfs.keys() {
        let page1 = first
            .keys()
            .find(|n| n.starts_with(&format!("{sha}-p1-")))
            .unwrap_or_else(|| panic!("no thumbnail of {}", pdfs[sha]));
        // `<sha>-p1-<w>x<h>.png`: the page's size in points
        let size = page1
            .rsplit_once("-p1-")
            .unwrap()
            .1
            .trim_end_matches(".png");
        let (w, h) = size.split_once('x').unwrap();
        let (w, h): (f64, f64) = (w.parse().unwrap(), h.parse().unwrap());
        // the same size hayro reads from the PDF
        let pdf = std::fs::read(out.join(&pdfs[sha])).unwrap();
        let (rw, rh, _) = support::rasterize(&pdf, 0, 72.0);
        assert!(
            (rw as f64 - w).abs() <= 1.0 && (rh as f64 - h).abs() <= 1.0,
            "{size} vs {rw}x{rh}"
        );
        // a real PNG with the page's shape and something drawn on it
        let decoder = png::Decoder::new(std::io::Cursor::new(
            std::fs::read(&first[page1].1).unwrap(),
        ));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).unwrap();
        let (tw, th) = (info.width as f64, info.height as f64);
        assert!(tw.max(th) >= 250.0, "{tw}x{th}");
        assert!(
            ((tw / th) - (w / h)).abs() < 0.02,
            "ratio {tw}x{th} vs page {w}x{h}"
        );
        let px = info.color_type.samples();
        let pixels: Vec<&[u8]> = buf[..info.buffer_size()].chunks(px).collect();
        let inked = pixels
            .iter()
            .filter(|p| p.iter().take(3).any(|&c| c < 200))
            .count();
        let colors: BTreeSet<&[u8]> = pixels.iter().copied().collect();
        assert!(
            inked * 20 > pixels.len(),
            "mostly blank: {inked} of {}",
            pixels.len()
        );
        assert!(colors.len() > 50, "{} colors", colors.len());
    }

    // no change: the thumbnails are the same files (nothing rasterized)
    build(&project, &out);
    assert_eq!(thumbs(&out), first);

    // one piece edited: its PDF gets a new thumbnail, the others' are linked, not redrawn
    let md = project.join("content/winter-2026/new-year-beans.md");
    let text = std::fs::read_to_string(&md).unwrap();
    std::fs::write(&md, format!("{text}\nOne more line for the flyer.\n")).unwrap();
    build(&project, &out);
    let second = thumbs(&out);
    let manifest: CampaignManifest =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let mut kept = 0;
    let mut new = 0;
    for r in manifest.outputs.iter().filter(|r| r.path.ends_with(".pdf")) {
        let (name, (ino, _)) = second
            .iter()
            .find(|(n, _)| n.starts_with(&format!("{}-p1-", r.sha256)))
            .unwrap();
        match first.get(name) {
            Some((old, _)) => {
                assert_eq!(old, ino, "{name} was rewritten");
                kept += 1;
            }
            None => new += 1,
        }
    }
    assert!(kept >= 1 && new >= 1, "kept {kept}, new {new}");
    // the old PDF's thumbnail is gone with it
    assert!(second.len() <= first.len() + new);
}

#[cfg(unix)]
#[test]
fn a_build_after_check_leaves_the_checked_output_alone() {
    use std::os::unix::fs::MetadataExt;
    let (_tmp, project) = example();
    let run = brandpress(&["check"], &project);
    assert!(run.status.code().is_some_and(|c| c <= 1), "{run:?}");
    let out = project.join("out");
    let ino = |p: &Path| std::fs::metadata(p).unwrap().ino();
    let (dir, page) = (ino(&out), ino(&out.join("index.html")));

    // check rewrote the sheet after its build: the build's no-op stamp still holds
    let run = brandpress(&["build"], &project);
    assert!(run.status.success(), "{run:?}");
    assert_eq!(ino(&out), dir, "no new tree swapped in");
    assert_eq!(ino(&out.join("index.html")), page);
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        html.contains("<li class=\"finding"),
        "check's findings stay"
    );

    // an edit still builds a new output
    let piece = project.join("content/winter-2026/member-double-points.md");
    let text = std::fs::read_to_string(&piece).unwrap();
    assert!(text.contains("รับแต้มสองเท่าทันที"));
    std::fs::write(
        &piece,
        text.replacen("รับแต้มสองเท่าทันที", "รับแต้มสองเท่าทันทีทุกสาขา", 1),
    )
    .unwrap();
    let run = brandpress(&["build"], &project);
    assert!(run.status.success(), "{run:?}");
    assert_ne!(ino(&out), dir, "the edit is built");
}

#[test]
fn check_puts_findings_on_the_sheet_with_previews_that_point_at_them() {
    let (_tmp, project) = example();
    let run = brandpress(&["check"], &project);
    assert!(run.status.code().is_some_and(|c| c <= 1), "{run:?}");
    let out = project.join("out");
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        html.contains("<li class=\"finding info\""),
        "findings listed"
    );
    assert!(html.contains("email/unsupported-css"));
    assert!(!html.contains("not linted: run"), "every output was linted");
    // an email with findings at lines is framed through its preview copy, whose
    // elements carry the findings' numbers
    let previews: Vec<PathBuf> = std::fs::read_dir(out.join("_sheet/preview"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(!previews.is_empty());
    let copies: Vec<String> = previews
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    assert!(
        copies.iter().any(|c| c.contains("data-bp-f=\"")),
        "marked elements"
    );
    for (copy, path) in copies.iter().zip(&previews) {
        assert!(
            copy.contains("<base href=\"../../"),
            "links lead back to the original"
        );
        assert!(
            copy.contains("addEventListener(\"message\""),
            "the listener"
        );
        // emails show their pictures from out/, not from the production site
        assert!(
            !copy.contains("src=\"https://tonkla.example/campaigns/"),
            "{}",
            path.display()
        );
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            html.contains(&format!("src=\"_sheet/preview/{name}\"")),
            "{name} framed"
        );
    }
    // a later build shows the same findings from the lint cache, without linting
    let run = brandpress(&["build"], &project);
    assert!(run.status.success(), "{run:?}");
    let rebuilt = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(rebuilt.contains("email/unsupported-css"));
    assert!(!rebuilt.contains("not linted: run"));
}

/// A 1200×630 card in the guide's forest green with a red square at `square`.
fn card_with_square(square: [u32; 4]) -> Vec<u8> {
    let (w, h) = (1200u32, 630u32);
    let mut rgb = Vec::with_capacity((w * h * 3) as usize);
    for y in 0..h {
        for x in 0..w {
            let inside = x >= square[0]
                && x < square[0] + square[2]
                && y >= square[1]
                && y < square[1] + square[3];
            rgb.extend_from_slice(if inside {
                &[255, 0, 0]
            } else {
                &[0x1F, 0x5C, 0x4A]
            });
        }
    }
    let mut png = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut png, w, h);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder
            .write_header()
            .unwrap()
            .write_image_data(&rgb)
            .unwrap();
    }
    png
}

#[test]
fn off_palette_regions_are_boxed_on_their_card() {
    let (_tmp, project) = example();
    let out = project.join("out");
    build(&project, &out);
    // the agency retouched a card: a red square on the forest card
    let card = "social/new-year-beans-og.png";
    std::fs::write(out.join(card), card_with_square([120, 63, 240, 126])).unwrap();
    let run = brandpress(&["lint", "--sheet", "out", "--format", "json"], &project);
    assert!(run.status.code().is_some_and(|c| c <= 1), "{run:?}");
    let report = String::from_utf8_lossy(&run.stdout);
    assert!(report.contains("image/off-palette"), "{report}");
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    // the card's tile has the box, in percent of the picture: 10% in, 20% wide and high
    let tile = html
        .split("<section ")
        .find(|s| s.contains(&format!("<a href=\"{card}\">")))
        .unwrap();
    assert!(tile.contains("data-rules=\"image/off-palette\""), "{tile}");
    assert!(
        tile.contains("style=\"left:10.000%;top:10.000%;width:20.000%;height:20.000%\""),
        "{tile}"
    );
}

#[test]
fn lint_sheet_reviews_a_foreign_delivery_and_writes_only_into_its_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let delivery = tmp.path().join("ส่งงาน delivery");
    let fixtures = root().join("tests/fixtures/real-world");
    for (dir, files) in [
        (
            "email",
            &["mailchimp-simple-basic.html", "sendgrid-handlebars.html"][..],
        ),
        ("image", &["basn2c08.png", "testorig.jpg"][..]),
        ("pdf", &[][..]),
    ] {
        std::fs::create_dir_all(delivery.join(dir)).unwrap();
        for f in files {
            std::fs::copy(fixtures.join(dir).join(f), delivery.join(dir).join(f)).unwrap();
        }
    }
    // a PDF of ours among them, and a page of the agency's own with Thai text
    let (_ex, project) = example();
    build(&project, &project.join("out"));
    std::fs::copy(
        project.join("out/print/cold-brew-winter.pdf"),
        delivery.join("pdf/flyer.pdf"),
    )
    .unwrap();
    std::fs::write(
        delivery.join("index.html"),
        "<!doctype html><html lang=\"th\"><head><title>หน้าแรกของเอเจนซี</title></head><body><p style=\"color:#ff00ff\">ราคาถูกที่สุด</p></body></html>",
    )
    .unwrap();
    let before: BTreeMap<PathBuf, Vec<u8>> = walkdir::WalkDir::new(tmp.path())
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().to_path_buf(), std::fs::read(e.path()).unwrap()))
        .collect();

    let guide = format!("--project={}", project.display());
    let review = tmp.path().join("review");
    let run = brandpress(
        &[
            "lint",
            &guide,
            "--sheet",
            review.to_str().unwrap(),
            delivery.to_str().unwrap(),
        ],
        tmp.path(),
    );
    assert!(run.status.code().is_some_and(|c| c <= 1), "{run:?}");
    let page = review.join("index.html");
    let html = std::fs::read_to_string(&page).unwrap();
    // every file of the delivery, linked relatively, and its findings
    for f in [
        "email/mailchimp-simple-basic.html",
        "image/basn2c08.png",
        "pdf/flyer.pdf",
        "index.html",
    ] {
        assert!(
            html.contains(&format!("{}/{f}", "../ส่งงาน%20delivery")),
            "{f}"
        );
    }
    assert!(html.contains("หน้าแรกของเอเจนซี"), "the page's Thai title");
    assert!(html.contains("<li class=\"finding"), "findings listed");
    for r in references(&html) {
        assert!(review.join(&r).exists(), "{r}");
    }
    assert!(
        std::fs::read_dir(review.join("_sheet/thumbs"))
            .unwrap()
            .count()
            >= 1,
        "the PDF's page drawn"
    );
    // nothing changed or added outside review/
    let after: BTreeMap<PathBuf, Vec<u8>> = walkdir::WalkDir::new(tmp.path())
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file() && !e.path().starts_with(&review))
        .map(|e| (e.path().to_path_buf(), std::fs::read(e.path()).unwrap()))
        .collect();
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    assert!(before == after, "a file outside the sheet's folder changed");

    // the sheet in the delivery itself: its own index.html is kept, the sheet goes beside
    // it, and linting the folder again does not lint the sheet
    let run = brandpress(
        &[
            "lint",
            &guide,
            "--format",
            "json",
            "--sheet",
            delivery.to_str().unwrap(),
        ],
        tmp.path(),
    );
    assert!(run.status.code().is_some_and(|c| c <= 1), "{run:?}");
    assert_eq!(
        std::fs::read(delivery.join("index.html")).unwrap(),
        before[&delivery.join("index.html")]
    );
    assert!(delivery.join("contact-sheet.html").is_file());
    let first: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let again = brandpress(
        &[
            "lint",
            &guide,
            "--format",
            "json",
            delivery.to_str().unwrap(),
        ],
        tmp.path(),
    );
    let second: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(
        first["files"], second["files"],
        "the sheet's files are not linted"
    );
    assert!(!String::from_utf8_lossy(&again.stdout).contains("_sheet"));
}

/// The thumbnails of our own PDFs are painted from the pages' layout, not rasterized from
/// the PDF: each must still show what its PDF shows. Compared with hayro's drawing of the
/// same page at the same size, it differs by a few levels a pixel (glyph edges, and the
/// brand's CMYK inks shown as the guide's screen colors where hayro converts CMYK
/// naively: about 7 on the example's flyers); another piece's page differs several times
/// more (about 25).
#[test]
fn painted_thumbnails_show_what_their_pdf_shows() {
    let (_tmp, project) = example();
    let out = project.join("out");
    build(&project, &out);
    let pdfs: Vec<(String, PathBuf)> = built_pdfs(&out)
        .into_iter()
        .map(|(sha, path)| (sha, out.join(path)))
        .collect();
    assert!(pdfs.len() >= 2);
    // page 1's thumbnail: its size in points (from its name) and its RGB pixels
    let thumb = |sha: &str| -> ((f32, f32), usize, usize, Vec<u8>) {
        let entry = std::fs::read_dir(out.join("_sheet/thumbs"))
            .unwrap()
            .map(|e| e.unwrap())
            .find(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with(&format!("{sha}-p1-"))
            })
            .unwrap_or_else(|| panic!("no thumbnail of {sha}"));
        let name = entry.file_name().to_string_lossy().into_owned();
        let size = name.rsplit_once("-p1-").unwrap().1.trim_end_matches(".png");
        let (w, h) = size.split_once('x').unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(std::fs::read(entry.path()).unwrap()));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!(info.color_type, png::ColorType::Rgb);
        buf.truncate(info.buffer_size());
        (
            (w.parse().unwrap(), h.parse().unwrap()),
            info.width as usize,
            info.height as usize,
            buf,
        )
    };
    // mean difference per channel between a thumbnail and hayro's page 1 of `pdf`
    let distance = |(size, tw, th, rgb): &((f32, f32), usize, usize, Vec<u8>), pdf: &Path| {
        // the scale the thumbnail was drawn at: its long side over the page's
        let dpi = 72.0 * (*tw).max(*th) as f32 / size.0.max(size.1);
        let (rw, rh, rgba) = support::rasterize(&std::fs::read(pdf).unwrap(), 0, dpi);
        let (w, h) = ((*tw).min(rw), (*th).min(rh));
        assert!(w + 2 >= *tw && h + 2 >= *th, "{tw}x{th} vs {rw}x{rh}");
        let mut sum = 0u64;
        for y in 0..h {
            for x in 0..w {
                for c in 0..3 {
                    let a = rgb[(y * tw + x) * 3 + c];
                    let b = rgba[(y * rw + x) * 4 + c];
                    sum += u64::from(a.abs_diff(b));
                }
            }
        }
        sum as f64 / (w * h * 3) as f64
    };
    for (i, (sha, pdf)) in pdfs.iter().enumerate() {
        let t = thumb(sha);
        let same = distance(&t, pdf);
        let (_, other) = &pdfs[(i + 1) % pdfs.len()];
        let different = distance(&t, other);
        eprintln!(
            "{}: same page {same:.2}, another piece's {different:.2}",
            pdf.display()
        );
        assert!(
            same < 9.0,
            "{}: {same:.2} from its PDF's page",
            pdf.display()
        );
        assert!(
            different > 2.5 * same,
            "{}: {same:.2} from its page, {different:.2} from another",
            pdf.display()
        );
    }
}
