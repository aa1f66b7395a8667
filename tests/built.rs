//! Lint of a folder we built (`src/lint/built.rs`, issue 12): one problem is reported
//! once, at the Markdown line the writer fixes, naming every channel and output that
//! carries it; cards are checked for tone through the text they laid out, with the
//! social channel's tone settings.

mod support;
use std::path::{Path, PathBuf};
use std::process::Command;
use support::copy_dir;

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const PIECE: &str = r#"+++
title = "ลาเต้ร้อนรับหน้าหนาว"
summary = "ลาเต้ร้อนแก้วใหญ่ราคาพิเศษทุกสาขา"
campaign = "winter-2026"
channels = ["web", "email", "social", "print"]

[cta]
text = "สั่งเลย"
url = "https://tonkla.example/order"
+++

## ลาเต้แก้วโปรด

ลาเต้ร้อนของเรา ถูกที่สุด ในย่านนี้ ชงจากเมล็ดกาแฟดอยช้าง

ดื่มได้ทุกวัน
"#;

/// A project with the example's guide and templates and one piece.
fn project(piece: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&root().join("brand"), &tmp.path().join("brand"));
    copy_dir(&root().join("templates"), &tmp.path().join("templates"));
    let content = tmp.path().join("content");
    std::fs::create_dir_all(&content).unwrap();
    std::fs::write(content.join("hot-latte.md"), piece).unwrap();
    tmp
}

fn check(project: &Path, format: &str) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_brandpress"))
        .args(["check", "--format", format, "--project"])
        .arg(project)
        .current_dir(project)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

fn findings<'a>(report: &'a Value, rule: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

#[test]
fn a_banned_word_is_one_error_at_its_markdown_line() {
    let tmp = project(PIECE);
    let (code, stdout) = check(tmp.path(), "json");
    assert_eq!(code, 1, "{stdout}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let banned = findings(&report, "tone/banned-term");
    assert_eq!(
        banned.len(),
        1,
        "one finding, not one per output: {banned:#?}"
    );
    let f = banned[0];
    assert_eq!(f["path"], "content/hot-latte.md");
    assert_eq!(f["line"], 14, "the body line with the word");
    assert_eq!(
        f["column"], 17,
        "in characters: the 15 of ลาเต้ร้อนของเรา, a space"
    );
    assert_eq!(f["found"], "ถูกที่สุด");
    let message = f["message"].as_str().unwrap();
    assert!(
        message.contains("web") && message.contains("email") && message.contains("print"),
        "names the channels: {message}"
    );
    // each output's own finding stays under it, at its own place
    let outputs: Vec<&str> = f["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["path"].as_str().unwrap())
        .collect();
    for expected in [
        "web/hot-latte/index.html",
        "email/hot-latte.html",
        "email/hot-latte.eml",
        "print/hot-latte.pdf",
    ] {
        assert!(
            outputs.iter().any(|p| p.ends_with(expected)),
            "{expected} in {outputs:?}"
        );
    }
    let pdf = f["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["path"].as_str().unwrap().ends_with(".pdf"))
        .unwrap();
    assert_eq!(pdf["page"], 1);
    assert_eq!(report["summary"]["errors"], 1);

    // SARIF: the result is at the Markdown line, the outputs are related locations
    let (_, sarif) = check(tmp.path(), "sarif");
    let sarif: Value = serde_json::from_str(&sarif).unwrap();
    let result = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "tone/banned-term")
        .unwrap();
    let physical = &result["locations"][0]["physicalLocation"];
    assert_eq!(physical["artifactLocation"]["uri"], "content/hot-latte.md");
    assert_eq!(physical["region"]["startLine"], 14);
    assert!(result["relatedLocations"].as_array().unwrap().len() >= 4);

    // GitHub: one annotation on the Markdown line
    let (_, github) = check(tmp.path(), "github");
    let lines: Vec<&str> = github
        .lines()
        .filter(|l| l.contains("title=tone/banned-term"))
        .collect();
    assert_eq!(lines.len(), 1, "{github}");
    assert!(lines[0].starts_with("::error file=content/hot-latte.md,line=14,col=17,"));

    // human: the source excerpt, then where it shows
    let (_, human) = check(tmp.path(), "human");
    let block = human
        .split("\n\n")
        .find(|b| b.contains("tone/banned-term"))
        .unwrap();
    assert!(block.contains("content/hot-latte.md:14:17"), "{block}");
    assert!(block.contains("ลาเต้ร้อนของเรา ถูกที่สุด"), "{block}");
    assert!(
        block.contains("in: ") && block.contains(".pdf (page 1)"),
        "{block}"
    );
}

#[test]
fn card_text_is_checked_with_the_social_tone() {
    // 18 words: within the guide's 28, over [tone.channels.social]'s 16; and a banned
    // word that only the summary (so the card too) carries
    let summary = "Our hot latte is made every morning with beans from Doi Chang and fresh milk \
                   from farms near Chiang Mai";
    let piece = PIECE
        .replace(
            "ลาเต้ร้อนแก้วใหญ่ราคาพิเศษทุกสาขา",
            &format!("{summary}, guaranteed"),
        )
        .replace(" ถูกที่สุด", "");
    let tmp = project(&piece);
    let (_, stdout) = check(tmp.path(), "json");
    let report: Value = serde_json::from_str(&stdout).unwrap();

    let banned = findings(&report, "tone/banned-term");
    assert_eq!(banned.len(), 1, "{banned:#?}");
    assert_eq!(banned[0]["path"], "content/hot-latte.md");
    assert_eq!(banned[0]["line"], 3, "the summary line");
    let channels = banned[0]["message"].as_str().unwrap();
    assert!(
        channels.contains("social"),
        "the cards carry it: {channels}"
    );
    let cards = banned[0]["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["path"].as_str().unwrap().ends_with(".png"))
        .count();
    assert_eq!(cards, 3, "og, square and story");

    // the sentence is too long for social copy only
    let long = findings(&report, "tone/sentence-length");
    assert_eq!(long.len(), 1, "{long:#?}");
    let outputs = long[0]["outputs"].as_array().unwrap();
    assert!(
        outputs
            .iter()
            .all(|o| o["path"].as_str().unwrap().ends_with(".png")),
        "the web page, email and PDF may say it: {outputs:#?}"
    );
}

#[test]
fn the_bundled_example_has_no_tone_findings_on_its_cards() {
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
    let lint = Command::new(env!("CARGO_BIN_EXE_brandpress"))
        .args(["lint", "--format", "json", "--project"])
        .arg(root())
        .arg(&out)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&lint.stdout).unwrap();
    let tone: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"].as_str().unwrap().starts_with("tone/"))
        .collect();
    assert!(tone.is_empty(), "{tone:#?}");
}
