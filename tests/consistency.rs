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
    // and the web page's call to action goes to another product of the order folder;
    // its other links (the page itself) are no mismatch
    let page = out.join("web/cold-brew-winter/index.html");
    let web = std::fs::read_to_string(&page).unwrap();
    // (the template writes `/` as `&#x2F;` in attributes)
    assert!(web.contains("order&#x2F;cold-brew?"));
    std::fs::write(
        &page,
        web.replace("order&#x2F;cold-brew?", "order&#x2F;hot-brew?"),
    )
    .unwrap();
    let (code, report) = brandpress(&["lint", "--format", "json"], &out);
    assert_eq!(code, 1);
    let found = mismatches(&report);
    assert_eq!(found.len(), 3, "{found:#?}");
    let link = found
        .iter()
        .find(|(p, _, _)| p.ends_with("web/cold-brew-winter/index.html"))
        .unwrap();
    assert!(
        link.1
            .contains("web says link https://tonkla.example/order/hot-brew,")
            && link
                .1
                .contains("email and email text say https://tonkla.example/order/cold-brew"),
        "{link:?}"
    );
    let line = std::fs::read_to_string(&page)
        .unwrap()
        .lines()
        .position(|l| l.contains("hot-brew"))
        .unwrap() as u64
        + 1;
    assert_eq!(link.2, line);
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

const FOREIGN: &str = "tests/fixtures/campaign-foreign";

/// `brandpress lint --campaign winter-2026 FILES…` run from `dir` (paths as a user types
/// them, relative to it): the exit code and the JSON report.
fn lint_campaign(dir: &Path, files: &[&str], campaign: bool) -> (i32, Value) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_brandpress"));
    cmd.current_dir(dir).arg("lint");
    if campaign {
        cmd.args(["--campaign", "winter-2026"]);
    }
    let out = cmd
        .args(["--format", "json", "--project"])
        .arg(root())
        .args(files)
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code().unwrap_or(-1), json)
}

fn first_line_with(path: &Path, needle: &str) -> u64 {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .position(|l| l.contains(needle))
        .unwrap() as u64
        + 1
}

/// Issue 12, "Done when": a campaign made elsewhere — a hand-written page, an email
/// compiled by MJML that carries another promo code, and a Thai flyer printed by headless
/// Chromium that ends the offer a day early, the Thai way (`30 ธ.ค. 2569`) — fails lint
/// with both sides named, at the email's line and the flyer's page. The page's navigation,
/// footer and social links, and the same call to action tagged for each channel, are no
/// mismatch.
#[test]
fn a_foreign_campaign_fails_with_both_channels_named() {
    let files = [
        "tests/fixtures/campaign-foreign/landing.html",
        "tests/fixtures/campaign-foreign/email.html",
        "tests/fixtures/campaign-foreign/flyer.pdf",
    ];
    let (_, alone) = lint_campaign(&root(), &files, false);
    assert!(mismatches(&alone).is_empty(), "{:#?}", mismatches(&alone));
    let (code, report) = lint_campaign(&root(), &files, true);
    assert_eq!(code, 1);
    let found = mismatches(&report);
    assert_eq!(found.len(), 2, "{found:#?}");
    let errors = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "consistency/mismatch")
        .all(|f| f["severity"] == "error");
    assert!(errors);

    let email = &found
        .iter()
        .find(|(p, _, _)| p.ends_with("email.html"))
        .unwrap();
    assert_eq!(
        email.1,
        "tests/fixtures/campaign-foreign/email.html says promo code WINTER25, \
         tests/fixtures/campaign-foreign/flyer.pdf and tests/fixtures/campaign-foreign/landing.html say WINTER26"
    );
    // the first line that says it: MJML's hidden preheader, which the inbox shows
    assert_eq!(
        email.2,
        first_line_with(&root().join(FOREIGN).join("email.html"), "WINTER25")
    );

    let flyer = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["rule"] == "consistency/mismatch"
                && f["path"].as_str().unwrap().ends_with("flyer.pdf")
        })
        .unwrap();
    assert_eq!(
        flyer["message"],
        "tests/fixtures/campaign-foreign/flyer.pdf says date 2026-12-30, \
         tests/fixtures/campaign-foreign/email.html and tests/fixtures/campaign-foreign/landing.html say 2026-12-31"
    );
    assert_eq!(
        flyer["found"], "30 ธ.ค. 2569",
        "read back from Chromium's glyphs"
    );
    assert_eq!(flyer["page"], 1);
}

/// Links and ways to reach the brand are compared too: a call to action that goes to
/// another page of the order folder, another phone number or another LINE ID is a
/// mismatch; the same link with other UTM tags, a trailing slash and the host in capitals
/// is not, and a channel that leaves the phone number out says nothing about it.
#[test]
fn links_phones_and_line_ids_that_differ_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    for f in ["landing.html", "email.html", "flyer.pdf"] {
        std::fs::copy(root().join(FOREIGN).join(f), dir.join(f)).unwrap();
    }
    let edit = |file: &str, from: &str, to: &str| {
        let path = dir.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{from} not in {file}");
        std::fs::write(&path, text.replace(from, to)).unwrap();
    };
    // the same promo code everywhere: only what this test changes is left to find
    edit("email.html", "WINTER25", "WINTER26");
    // the same call to action written another way
    edit(
        "landing.html",
        "https://tonkla.example/order/cold-brew?utm_source=web&amp;utm_medium=referral",
        "HTTPS://Tonkla.Example/order/cold-brew/?utm_medium=referral&amp;utm_source=web",
    );
    let files = ["landing.html", "email.html", "flyer.pdf"];
    let (_, report) = lint_campaign(dir, &files, true);
    let found = mismatches(&report);
    assert_eq!(found.len(), 1, "only the flyer's date: {found:#?}");

    // the email's button goes elsewhere, its phone number and LINE ID are others
    edit("email.html", "/order/cold-brew?", "/order/hot-brew?");
    edit("email.html", "02-123-4567", "081 234 5678");
    edit("email.html", "@tonkla", "@tonkla.shop");
    let (code, report) = lint_campaign(dir, &files, true);
    assert_eq!(code, 1);
    let found = mismatches(&report);
    let message = |needle: &str| {
        found
            .iter()
            .find(|(p, m, _)| p == "email.html" && m.contains(needle))
            .unwrap_or_else(|| panic!("{needle}: {found:#?}"))
    };
    let link = message("link");
    assert_eq!(
        link.1,
        "email.html says link https://tonkla.example/order/hot-brew, \
         flyer.pdf and landing.html say https://tonkla.example/order/cold-brew"
    );
    assert_eq!(
        link.2,
        first_line_with(&dir.join("email.html"), "/order/hot-brew")
    );
    let phone = message("phone number");
    assert_eq!(
        phone.1,
        "email.html says phone number +66812345678, flyer.pdf and landing.html say +6621234567"
    );
    assert_eq!(
        phone.2,
        first_line_with(&dir.join("email.html"), "081 234 5678")
    );
    let line = message("LINE ID");
    assert!(
        line.1.contains(
            "email.html says LINE ID @tonkla.shop, flyer.pdf and landing.html say @tonkla"
        ),
        "{line:?}"
    );
    assert_eq!(found.len(), 4, "{found:#?}");

    // a channel that leaves the phone number and the link out is not a mismatch
    let html = std::fs::read_to_string(dir.join("email.html")).unwrap();
    let kept: String = html
        .lines()
        .filter(|l| !l.contains("081 234 5678") && !l.contains("/order/hot-brew"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(dir.join("email.html"), kept).unwrap();
    let (_, report) = lint_campaign(dir, &files, true);
    let found = mismatches(&report);
    assert_eq!(found.len(), 1, "only the flyer's date: {found:#?}");
}
