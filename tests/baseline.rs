//! `lint --baseline`: adopt lint on an old site and fail only on new problems; and
//! ignores with `until=` and `by=`, end to end with the built binary on a copy of the
//! agency fixture.

mod support;
use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;
use support::copy_dir;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A copy of `tests/fixtures/lint/agency/` in a temporary folder, with the baseline's
/// path beside it.
struct Site {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    baseline: PathBuf,
}

impl Site {
    fn new() -> Site {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("agency");
        copy_dir(&root().join("tests/fixtures/lint/agency"), &dir);
        let baseline = tmp.path().join("brandpress-baseline.json");
        Site {
            _tmp: tmp,
            dir,
            baseline,
        }
    }

    fn page(&self) -> PathBuf {
        self.dir.join("agency-page.html")
    }

    fn edit(&self, f: impl FnOnce(String) -> String) {
        let text = std::fs::read_to_string(self.page()).unwrap();
        let edited = f(text.clone());
        assert_ne!(edited, text, "the edit changed nothing");
        std::fs::write(self.page(), edited).unwrap();
    }

    /// `brandpress lint` on the copy with `args`, the guide of this repository.
    fn lint(&self, args: &[&str]) -> Output {
        self.lint_on(None, args)
    }

    fn lint_on(&self, today: Option<&str>, args: &[&str]) -> Output {
        let mut c = Command::new(env!("CARGO_BIN_EXE_brandpress"));
        c.current_dir(root())
            .env("NO_COLOR", "1")
            .env_remove("BRANDPRESS_TODAY")
            .args(["lint", "--project", "."])
            .arg(&self.dir)
            .args(args);
        if let Some(day) = today {
            c.env("BRANDPRESS_TODAY", day);
        }
        c.output().unwrap()
    }

    fn baseline_arg(&self) -> &str {
        self.baseline.to_str().unwrap()
    }

    /// Lints with the baseline, as JSON: exit code and report.
    fn json(&self) -> (i32, Value) {
        let out = self.lint(&["--format", "json", "--baseline", self.baseline_arg()]);
        (out.status.code().unwrap(), parse(&out))
    }

    fn update(&self) -> Output {
        self.lint(&["--baseline", self.baseline_arg(), "--update-baseline"])
    }
}

fn parse(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn rules_found(findings: &Value) -> Vec<(String, String)> {
    findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["found"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// The agency page's five errors, as `lint` reports them without a baseline.
const AGENCY_ERRORS: usize = 5;

#[test]
fn update_baseline_then_only_new_findings_fail() {
    let site = Site::new();
    // without a baseline the page fails
    let out = site.lint(&[]);
    assert_eq!(out.status.code(), Some(1));

    let out = site.update();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!("recorded {AGENCY_ERRORS} findings in")),
        "{stderr}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!(
            "baseline: {AGENCY_ERRORS} findings not shown, recorded in"
        )),
        "{stdout}"
    );
    assert!(stdout.contains("0 errors"), "{stdout}");

    // the file: versioned, sorted, paths relative to its folder, no line numbers
    let text = std::fs::read_to_string(&site.baseline).unwrap();
    let file: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(file["version"], 1);
    let entries = file["findings"].as_array().unwrap();
    assert_eq!(entries.len(), AGENCY_ERRORS);
    for e in entries {
        assert_eq!(e["path"], "agency/agency-page.html", "{e}");
        assert!(e.get("line").is_none(), "{e}");
    }
    assert!(
        text.contains("ถูกที่สุด"),
        "messages are kept for people:\n{text}"
    );
    // a second update writes the same bytes
    assert_eq!(site.update().status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&site.baseline).unwrap(), text);

    let (code, v) = site.json();
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["findings"], serde_json::json!([]));
    assert_eq!(v["summary"]["baselined"], AGENCY_ERRORS);
    assert_eq!(v["summary"]["errors"], 0);
    assert_eq!(v["baselined"].as_array().unwrap().len(), AGENCY_ERRORS);
}

#[test]
fn inserted_lines_and_moved_thai_text_stay_baselined() {
    let site = Site::new();
    assert_eq!(site.update().status.code(), Some(0));
    // lines inserted above every finding
    site.edit(|t| {
        t.replacen(
            "<head>\n",
            "<head>\n  <!-- หัวข้อ -->\n  <meta name=\"viewport\" content=\"width=device-width\">\n\n\n",
            1,
        )
    });
    let (code, v) = site.json();
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["summary"]["baselined"], AGENCY_ERRORS);
    // the paragraph with the banned Thai term moved below the next one, re-indented
    site.edit(|t| {
        let promo = t.lines().find(|l| l.contains("ถูกที่สุด")).unwrap().to_string();
        let fine = t
            .lines()
            .find(|l| l.contains("fine-print\">"))
            .unwrap()
            .to_string();
        t.replace(
            &format!("{promo}\n{fine}\n"),
            &format!("{fine}\n      {}\n", promo.trim()),
        )
    });
    let (code, v) = site.json();
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["summary"]["baselined"], AGENCY_ERRORS);
    let banned: Vec<&Value> = v["baselined"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "tone/banned-term")
        .collect();
    assert_eq!(banned.len(), 1);
    assert_eq!(banned[0]["found"], "ถูกที่สุด");
    let moved_to = std::fs::read_to_string(site.page())
        .unwrap()
        .lines()
        .position(|l| l.contains("ถูกที่สุด"))
        .unwrap()
        + 1;
    assert_eq!(banned[0]["line"], moved_to);
}

#[test]
fn fixing_one_and_adding_another_does_not_cancel_out() {
    let site = Site::new();
    assert_eq!(site.update().status.code(), Some(0));
    // #E63946 fixed, #123456 added in the same file
    site.edit(|t| {
        t.replace("solid #E63946;", "solid var(--color-roast);")
            .replace(
                "    .fine-print",
                "    .promo h2 { color: #123456; }\n    .fine-print",
            )
    });
    let (code, v) = site.json();
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(
        rules_found(&v["findings"]),
        [("color/off-palette".to_string(), "#123456".to_string())]
    );
    assert_eq!(v["summary"]["baselined"], AGENCY_ERRORS - 1);
    assert_eq!(v["summary"]["baseline_absent"], 1, "the fixed one");
    // human output names the new one only, and the count of the rest
    let out = site.lint(&["--baseline", site.baseline_arg()]);
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("error[color/off-palette]: #123456"), "{s}");
    assert!(!s.contains("#E63946"), "{s}");
    assert!(!s.contains("ถูกที่สุด"), "{s}");
    assert!(
        s.contains("baseline: 4 findings not shown")
            && s.contains("1 recorded finding is gone since"),
        "{s}"
    );
    // a second copy of a recorded problem is new too: the baseline is a multiset
    site.edit(|t| t.replace("<h1>", "<p class=\"fine-print\">ราคาพิเศษ</p>\n    <h1>"));
    let (code, v) = site.json();
    assert_eq!(code, 1);
    let new = rules_found(&v["findings"]);
    assert_eq!(new.len(), 2, "{new:?}");
    assert!(
        new.iter().any(|(r, _)| r == "contrast/insufficient"),
        "{new:?}"
    );
}

#[test]
fn sarif_marks_baseline_state() {
    let site = Site::new();
    assert_eq!(site.update().status.code(), Some(0));
    site.edit(|t| {
        t.replace(
            "    .fine-print",
            "    .x { color: #123456; }\n    .fine-print",
        )
    });
    let out = site.lint(&["--format", "sarif", "--baseline", site.baseline_arg()]);
    assert_eq!(out.status.code(), Some(1));
    let v = parse(&out);
    let results = v["runs"][0]["results"].as_array().unwrap();
    let states: Vec<(&str, &str)> = results
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap(),
                r["baselineState"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(states.len(), AGENCY_ERRORS + 1);
    assert_eq!(states[0], ("color/off-palette", "new"));
    assert!(
        states[1..].iter().all(|(_, s)| *s == "unchanged"),
        "{states:?}"
    );
    // without --baseline there is no baselineState
    let out = site.lint(&["--format", "sarif"]);
    let v = parse(&out);
    assert!(v["runs"][0]["results"][0].get("baselineState").is_none());
}

#[test]
fn missing_and_corrupt_baselines_are_errors() {
    let site = Site::new();
    let out = site.lint(&["--baseline", site.baseline_arg()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("brandpress-baseline.json") && stderr.contains("--update-baseline"),
        "{stderr}"
    );
    std::fs::write(
        &site.baseline,
        "{\n  \"version\": 1,\n  \"findings\": [\n    { \"path\": \"agency/agency-page.html\" ,}\n  ]\n}\n",
    )
    .unwrap();
    let out = site.lint(&["--baseline", site.baseline_arg()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("brandpress-baseline.json:4:"), "{stderr}");
    // --update-baseline without --baseline is a usage error
    let out = site.lint(&["--update-baseline"]);
    assert_eq!(out.status.code(), Some(2));
    // --update-baseline replaces a corrupt file
    assert_eq!(site.update().status.code(), Some(0));
    assert_eq!(site.json().0, 0);
}

#[test]
fn ignores_expire_after_their_date() {
    let site = Site::new();
    site.edit(|t| {
        t.replace(
            "    <p class=\"promo\">",
            "    <!-- brandpress-ignore tone/banned-term until=2027-03-31 by=design@tonkla: คำของลูกค้า อนุมัติแล้ว -->\n    <p class=\"promo\">",
        )
    });
    let report = |today: &str| {
        let out = site.lint_on(Some(today), &["--format", "json"]);
        (out.status.code().unwrap(), parse(&out))
    };
    let rules = |v: &Value| -> Vec<String> {
        rules_found(&v["findings"])
            .into_iter()
            .map(|(r, _)| r)
            .collect()
    };
    // on its last day the ignore holds
    let (_, v) = report("2027-03-31");
    assert!(
        !rules(&v).contains(&"tone/banned-term".to_string()),
        "{v:#}"
    );
    assert!(!rules(&v).iter().any(|r| r.starts_with("lint/")), "{v:#}");
    // the day after, the banned term is back and the ignore is an error
    let (code, v) = report("2027-04-01");
    assert_eq!(code, 1);
    assert!(rules(&v).contains(&"tone/banned-term".to_string()), "{v:#}");
    let expired: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "lint/expired-ignore")
        .collect();
    assert_eq!(expired.len(), 1, "{v:#}");
    assert_eq!(expired[0]["severity"], "error");
    let line = std::fs::read_to_string(site.page())
        .unwrap()
        .lines()
        .position(|l| l.contains("brandpress-ignore"))
        .unwrap()
        + 1;
    assert_eq!(expired[0]["line"], line);
    let message = expired[0]["message"].as_str().unwrap();
    assert!(
        message.contains("2027-03-31") && message.contains("design@tonkla"),
        "{message}"
    );
    // a baseline written after the expiry does not absorb it
    let out = site.lint_on(
        Some("2027-04-01"),
        &["--baseline", site.baseline_arg(), "--update-baseline"],
    );
    assert_eq!(out.status.code(), Some(1));
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("error[lint/expired-ignore]"), "{s}");
    // a BRANDPRESS_TODAY that is not a date is a usage error, not the clock
    let out = site.lint_on(Some("2027-02-30"), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("BRANDPRESS_TODAY"));
}

#[test]
fn malformed_ignore_dates_are_reported_where_they_are() {
    let site = Site::new();
    site.edit(|t| {
        t.replace(
            "    <p class=\"promo\">",
            "    <!-- brandpress-ignore tone/banned-term until=31/03/2027 by=design@tonkla: ลูกค้าขอ -->\n    <p class=\"promo\">",
        )
    });
    let out = site.lint(&["--format", "json"]);
    let v = parse(&out);
    let findings = v["findings"].as_array().unwrap();
    let malformed: Vec<&Value> = findings
        .iter()
        .filter(|f| f["rule"] == "lint/ignore-malformed")
        .collect();
    assert_eq!(malformed.len(), 1, "{v:#}");
    let text = std::fs::read_to_string(site.page()).unwrap();
    let line = text
        .lines()
        .position(|l| l.contains("brandpress-ignore"))
        .unwrap()
        + 1;
    assert_eq!(malformed[0]["line"], line);
    // at the directive's text, after `<!--`, as a missing reason is
    assert_eq!(malformed[0]["column"], 9);
    assert!(
        malformed[0]["message"]
            .as_str()
            .unwrap()
            .contains("not an ISO date"),
        "{v:#}"
    );
    // not applied: the banned term is still reported
    assert!(findings.iter().any(|f| f["rule"] == "tone/banned-term"));
}

#[test]
fn css_and_markdown_ignores_expire_too() {
    let site = Site::new();
    let css = site.dir.join("agency.css");
    let mut text = std::fs::read_to_string(&css).unwrap();
    text.push_str(
        "/* brandpress-ignore color/off-palette by=design@tonkla until=2026-06-30: สีของพาร์ทเนอร์ */\n.partner { color: #E63946; }\n",
    );
    std::fs::write(&css, text).unwrap();
    std::fs::write(
        site.dir.join("โปร.md"),
        "<!-- brandpress-ignore-file tone/banned-term until=2026-06-30 by=legal@tonkla: คำพูดของลูกค้า -->\n\nกาแฟถูกที่สุด ถูกที่สุด ในย่านนี้\n",
    )
    .unwrap();
    let on = |today: &str| {
        let out = site.lint_on(Some(today), &["--format", "json"]);
        let v = parse(&out);
        let mut got: Vec<(String, String, u64)> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| !f["path"].as_str().unwrap().ends_with("agency-page.html"))
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_string(),
                    f["path"]
                        .as_str()
                        .unwrap()
                        .rsplit('/')
                        .next()
                        .unwrap()
                        .to_string(),
                    f["line"].as_u64().unwrap_or(0),
                )
            })
            .collect();
        got.sort();
        got
    };
    assert_eq!(on("2026-06-30"), []);
    let css_line = std::fs::read_to_string(&css)
        .unwrap()
        .lines()
        .position(|l| l.contains("brandpress-ignore"))
        .unwrap() as u64
        + 1;
    let s = |x: &str| x.to_string();
    assert_eq!(
        on("2026-07-01"),
        [
            (s("color/off-palette"), s("agency.css"), css_line + 1),
            (s("lint/expired-ignore"), s("agency.css"), css_line),
            (s("lint/expired-ignore"), s("โปร.md"), 1),
            (s("tone/banned-term"), s("โปร.md"), 3),
            (s("tone/banned-term"), s("โปร.md"), 3),
        ]
    );
}
