//! The campaign manifest `out/manifest.json` (issue 12): every output with its hash and
//! what it says, valid against `docs/manifest.schema.json`, the same bytes on every build,
//! and the campaign's facts read back from every channel — the PDF's and the cards' laid-out
//! Thai text included.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use sha2::{Digest, Sha256};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn build(out: &Path) -> Value {
    let status = Command::new(env!("CARGO_BIN_EXE_brandpress"))
        .args(["build", "--project"])
        .arg(root())
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap()
}

#[test]
fn the_manifest_lists_every_output_with_what_it_says() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let manifest = build(&out);

    // valid against the documented schema, which can fail
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("docs/manifest.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&manifest)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let mut broken = manifest.clone();
    broken["outputs"][0]["sha256"] = "not a hash".into();
    assert!(!validator.is_valid(&broken));

    // every file written is listed once, with its hash
    let outputs = manifest["outputs"].as_array().unwrap();
    let mut on_disk = Vec::new();
    for entry in walkdir::WalkDir::new(&out).min_depth(1) {
        let entry = entry.unwrap();
        let rel = entry
            .path()
            .strip_prefix(&out)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        // (the contact sheet, `index.html` and `_sheet/`, is not a campaign output)
        let sheet = rel == "index.html" || rel.starts_with("_sheet/");
        if entry.file_type().is_file() && rel != "manifest.json" && !rel.starts_with('.') && !sheet
        {
            on_disk.push((rel, entry.path().to_path_buf()));
        }
    }
    assert_eq!(outputs.len(), on_disk.len());
    for (rel, path) in &on_disk {
        let record = outputs
            .iter()
            .find(|r| r["path"] == rel.as_str())
            .unwrap_or_else(|| panic!("{rel} not in the manifest"));
        let hash: String = Sha256::digest(std::fs::read(path).unwrap())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(record["sha256"], hash.as_str(), "{rel}");
    }

    // the same fact on every channel of a piece, read from what each channel shows
    let facts = |path: &str| -> Vec<(String, String)> {
        let r = outputs.iter().find(|r| r["path"] == path).unwrap();
        r["facts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["kind"].as_str().unwrap().to_string(),
                    f["value"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    for path in [
        "web/cold-brew-winter/index.html",
        "email/cold-brew-winter.html",
        "email/cold-brew-winter.txt",
        "social/cold-brew-winter-og.png",
        "print/cold-brew-winter.pdf",
    ] {
        let f = facts(path);
        assert!(
            f.contains(&("amount".into(), "THB 89.00".into())),
            "{path}: {f:?}"
        );
        assert!(
            f.contains(&("promo_code".into(), "WINTER26".into())),
            "{path}: {f:?}"
        );
    }
    let pdf = outputs
        .iter()
        .find(|r| r["path"] == "print/cold-brew-winter.pdf")
        .unwrap();
    assert!(
        facts("print/cold-brew-winter.pdf")
            .contains(&("date".into(), "2026-12-01/2026-12-31".into())),
        "the flyer's validity, a Thai Buddhist-era range"
    );
    // the flyer's Thai text as laid out, in logical order with its marks
    assert!(pdf["text"].as_str().unwrap().contains("โคลด์บรูว์"), "{pdf:#}");
    assert!(
        pdf["links"][0]
            .as_str()
            .unwrap()
            .contains("utm_source=print"),
        "the QR code's address: {pdf:#}"
    );
    let card = outputs
        .iter()
        .find(|r| r["path"] == "social/cold-brew-winter-story.png")
        .unwrap();
    assert_eq!(card["preset"], "story");
    assert_eq!(card["campaign"], "winter-2026");
    assert_eq!(card["source"], "content/winter-2026/cold-brew-winter.md");

    // a web-only build keeps the other channels' files, and their records
    let web_only = Command::new(env!("CARGO_BIN_EXE_brandpress"))
        .args(["build", "--channels", "web", "--project"])
        .arg(root())
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(web_only.status.success());
    let partial: Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(
        partial, manifest,
        "same inputs, same manifest after a partial build"
    );

    // deterministic: a second build writes the same manifest
    let again = tmp.path().join("again");
    build(&again);
    assert_eq!(
        std::fs::read(out.join("manifest.json")).unwrap(),
        std::fs::read(again.join("manifest.json")).unwrap()
    );
}
