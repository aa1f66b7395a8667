//! PDF print color end to end: `brandpress lint` on real spot, DeviceN and Indexed files
//! (pdf.js and veraPDF test files, see `tests/fixtures/pdf/README.md`), with a guide
//! that names spot inks (`[colors.<name>] spot = "…"`) and with one that names none.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> String {
    root()
        .join("tests/fixtures/pdf")
        .join(name)
        .display()
        .to_string()
}

/// A copy of the bundled project's guide with `extra` lines added to palette colors:
/// `(color, line)` inserts `line` right under `[colors.<color>]`.
fn project_with(extra: &[(&str, &str)]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&root().join("brand"), &tmp.path().join("brand"));
    let path = tmp.path().join("brand/brand.toml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    for (color, line) in extra {
        let header = format!("[colors.{color}]\n");
        let at = text.find(&header).expect("color table") + header.len();
        text.insert_str(at, &format!("{line}\n"));
    }
    std::fs::write(&path, text).unwrap();
    tmp
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

/// `brandpress lint --format json` with the project at `project`: exit code and the
/// color findings as (rule, found, message).
fn color_findings(project: &Path, files: &[String]) -> (i32, Vec<(String, String, String)>) {
    let out = Command::new(env!("CARGO_BIN_EXE_brandpress"))
        .args(["lint", "--format", "json", "--project"])
        .arg(project)
        .args(files)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let findings = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"].as_str().unwrap().starts_with("color/"))
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["found"].as_str().unwrap_or("").to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (out.status.code().unwrap(), findings)
}

#[test]
fn a_pantone_485_separation_is_judged_by_its_alternate_when_the_guide_names_no_spots() {
    let (code, found) = color_findings(
        &root(),
        &[fixture("pdfjs-issue5470-separation-pantone485.pdf")],
    );
    assert_eq!(code, 1, "color/off-palette is an error");
    assert_eq!(found.len(), 1, "{found:?}");
    let (rule, value, message) = &found[0];
    assert_eq!(rule, "color/off-palette");
    assert_eq!(value, "spot \"PANTONE 485 M\" (alternate #EE3124)");
    assert!(message.contains("not in the palette"), "{message}");
}

#[test]
fn spot_inks_the_guide_does_not_name_are_flagged_by_name() {
    let project = project_with(&[("forest", "spot = \"PANTONE 3425 C\"")]);
    let files = [
        fixture("pdfjs-issue5470-separation-pantone485.pdf"),
        fixture("pdfjs-devicen-sampled.pdf"),
        fixture("verapdf-6-2-4-4-t03-pass-a-separation.pdf"),
        // Process colors are still judged by value beside the spot checks.
        fixture("verapdf-6-2-4-5-t01-pass-b-indexed.pdf"),
    ];
    let (code, found) = color_findings(project.path(), &files);
    assert_eq!(code, 1);
    let summary: Vec<(&str, &str)> = found
        .iter()
        .map(|(rule, value, _)| (rule.as_str(), value.as_str()))
        .collect();
    assert_eq!(
        summary,
        vec![
            // Files in path order: pdfjs-devicen…, pdfjs-issue5470…, verapdf-…
            ("color/unknown-spot", "\"Red\""),
            ("color/unknown-spot", "\"Green\""),
            ("color/unknown-spot", "\"Blue\""),
            ("color/unknown-spot", "\"PANTONE 485 M\""),
            // veraPDF's "Red" Separation: one finding per file for both of its tints.
            ("color/unknown-spot", "\"Red\""),
            ("color/off-palette", "#33CC66"),
        ],
        "{found:#?}"
    );
    for (rule, _, message) in &found {
        if rule == "color/unknown-spot" {
            assert!(
                message
                    .contains("not one of the guide's spot colors (\"PANTONE 3425 C\" (forest))"),
                "{message}"
            );
        }
    }
}

#[test]
fn a_spot_ink_the_guide_names_is_that_brand_color_whatever_its_alternate() {
    // PANTONE 485 M's alternate is a red nowhere near roast: the name decides.
    let project = project_with(&[
        ("roast", "spot = \"pantone   485 m\""),
        ("forest", "spot = \"Red\""),
    ]);
    let (code, found) = color_findings(
        project.path(),
        &[
            fixture("pdfjs-issue5470-separation-pantone485.pdf"),
            fixture("verapdf-6-2-4-4-t03-pass-a-separation.pdf"),
        ],
    );
    // (The files still break other rules — page size, fonts — hence exit 1.)
    assert_eq!(code, 1);
    assert_eq!(found, vec![]);
}

#[test]
fn the_guide_refuses_an_empty_or_shared_spot_name() {
    for (extra, message) in [
        (
            vec![("forest", "spot = \"  \"")],
            "a spot color needs the ink's name",
        ),
        (
            vec![
                ("forest", "spot = \"PANTONE 3425 C\""),
                ("roast", "spot = \"Pantone 3425  C\""),
            ],
            "is also color \"forest\"'s",
        ),
    ] {
        let project = project_with(&extra);
        let out = Command::new(env!("CARGO_BIN_EXE_brandpress"))
            .args(["brand", "validate", "--project"])
            .arg(project.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(message) && err.contains("brand.toml:"),
            "{err}"
        );
    }
}
