//! `consistency/mismatch` (issue 12): one campaign says one thing on every channel. The
//! built example is consistent; an email edited to another promo code, or a plain-text
//! part with another price, is named with the channels that disagree and the line.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn brandpress(args: &[&str], path: &Path) -> (i32, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_brandpress"))
        .args(args)
        .arg("--project")
        .arg(root())
        .arg(path)
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code().unwrap_or(-1), json)
}

fn mismatches(report: &Value) -> Vec<(String, String, u64)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "consistency/mismatch")
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

#[test]
fn channels_that_say_something_else_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let built = Command::new(env!("CARGO_BIN_EXE_brandpress"))
        .args(["build", "--project"])
        .arg(root())
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(built.status.success());

    // as built: every channel agrees with the front matter
    let (code, report) = brandpress(&["lint", "--format", "json"], &out);
    assert!(mismatches(&report).is_empty(), "{:#?}", mismatches(&report));
    assert_eq!(code, 0);

    // an agency edits the email: another promo code (every mention), and the plain-text
    // part another price
    let html = out.join("email/cold-brew-winter.html");
    let text = std::fs::read_to_string(&html)
        .unwrap()
        .replace("WINTER26", "WINTER25");
    std::fs::write(&html, text).unwrap();
    let txt = out.join("email/cold-brew-winter.txt");
    let text = std::fs::read_to_string(&txt).unwrap();
    assert!(text.contains("฿89") && text.contains("89 บาท"));
    std::fs::write(&txt, text.replace("฿89", "฿99").replace("89 บาท", "99 บาท")).unwrap();
    let (code, report) = brandpress(&["lint", "--format", "json"], &out);
    assert_eq!(code, 1);
    let found = mismatches(&report);
    assert_eq!(found.len(), 2, "{found:#?}");
    let code_finding = found
        .iter()
        .find(|(p, _, _)| p.ends_with("cold-brew-winter.html"))
        .unwrap();
    assert!(
        code_finding.1.contains("email says promo code WINTER25")
            && code_finding
                .1
                .contains("print, social and web say WINTER26"),
        "{code_finding:?}"
    );
    let line = std::fs::read_to_string(&html)
        .unwrap()
        .lines()
        .position(|l| l.contains("WINTER25"))
        .unwrap() as u64
        + 1;
    assert_eq!(code_finding.2, line, "at the first line that says it");
    let price = found
        .iter()
        .find(|(p, _, _)| p.ends_with("cold-brew-winter.txt"))
        .unwrap();
    assert!(
        price.1.contains("email text says price THB 99.00") && price.1.contains("THB 89.00"),
        "{price:?}"
    );

    // the same files delivered by an agency (no manifest): `--campaign` compares them
    // with each other, each named by its file
    let delivery = tmp.path().join("delivery");
    std::fs::create_dir_all(&delivery).unwrap();
    for (from, to) in [
        ("email/cold-brew-winter.html", "อีเมล.html"),
        ("email/cold-brew-winter.txt", "อีเมล.txt"),
        ("print/cold-brew-winter.pdf", "flyer.pdf"),
        ("web/cold-brew-winter/index.html", "landing.html"),
    ] {
        std::fs::copy(out.join(from), delivery.join(to)).unwrap();
    }
    let (_, report) = brandpress(&["lint", "--format", "json"], &delivery);
    assert!(
        mismatches(&report).is_empty(),
        "without --campaign, files stand alone"
    );
    let (code, report) = brandpress(
        &["lint", "--campaign", "winter-2026", "--format", "json"],
        &delivery,
    );
    assert_eq!(code, 1);
    let messages: Vec<String> = mismatches(&report).into_iter().map(|m| m.1).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("อีเมล.html says promo code WINTER25")
                && m.contains("flyer.pdf")
                && m.contains("landing.html")),
        "{messages:#?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("อีเมล.txt says price THB 99.00")),
        "{messages:#?}"
    );

    // a planted manifest cannot make lint read outside the folder
    let manifest = out.join("manifest.json");
    let planted = std::fs::read_to_string(&manifest)
        .unwrap()
        .replace("\"email/cold-brew-winter.html\"", "\"../../etc/passwd\"");
    std::fs::write(&manifest, planted).unwrap();
    let (_, report) = brandpress(&["lint", "--format", "json"], &out);
    assert!(
        !mismatches(&report)
            .iter()
            .any(|(p, _, _)| p.contains("passwd")),
        "{:#?}",
        mismatches(&report)
    );
}
