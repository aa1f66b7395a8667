//! `brandpress lint --fix [--dry-run]` end to end: the built binary on copies of the lint
//! fixtures (`tests/fixtures/lint/agency/`, `agency-fix/`), the dry run's diff as an
//! insta snapshot, what is left after fixing, a second run that changes nothing, Thai
//! Markdown kept byte for byte outside the edits, and generated outputs left alone.

mod support;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use support::copy_dir;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `brandpress lint --project <repo> ARGS` run in `dir` (so paths in its output are
/// relative to the copy, and snapshots do not name the temporary folder).
fn lint_in(dir: &Path, args: &[&str]) -> Output {
    let project = root();
    Command::new(env!("CARGO_BIN_EXE_brandpress"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(["lint", "--project", project.to_str().unwrap()])
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn json_in(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let o = lint_in(dir, &all);
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            stdout(&o),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

/// A copy of the fixture folder `name` in a fresh temporary folder.
fn copy_of(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let to = tmp.path().join(name);
    copy_dir(&root().join("tests/fixtures/lint").join(name), &to);
    (tmp, to)
}

/// Every file under `dir` (relative path → bytes).
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// A diff as the snapshot keeps it: carriage returns shown (`␍`), so the snapshot file
/// has plain line endings and the CRLF lines stay visible.
fn shown(diff: &str) -> String {
    diff.replace('\r', "␍")
}

/// The rules `--fix` fixes.
fn fixable() -> Vec<&'static str> {
    brandpress::lint::rules::RULES
        .iter()
        .filter(|r| r.fix.is_some())
        .map(|r| r.id)
        .collect()
}

fn rules_of(v: &Value) -> Vec<(String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let path = f["path"].as_str().unwrap();
            let file = path.rsplit('/').next().unwrap().to_string();
            (f["rule"].as_str().unwrap().to_string(), file)
        })
        .collect()
}

#[test]
fn the_registry_marks_the_fixable_rules() {
    assert_eq!(
        fixable(),
        [
            "color/near-miss",
            "font/off-brand",
            "logo/missing-alt",
            "tone/preferred-term",
            "tone/brand-spelling",
        ]
    );
}

#[test]
fn agency_fix_dry_run_fix_and_a_second_run() {
    let (tmp, dir) = copy_of("agency-fix");
    let before = files(&dir);
    let crlf = &before[Path::new("index.html")];
    assert!(
        crlf.windows(2).filter(|w| w == b"\r\n").count() > 20,
        "the fixture page has CRLF line endings"
    );

    // the dry run: a diff, nothing written; exit code of what would be left
    let o = lint_in(tmp.path(), &["agency-fix", "--fix", "--dry-run"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "the Kanit stack is left: {out}");
    assert!(out.ends_with("would fix 13 findings in 3 files\n"), "{out}");
    insta::assert_snapshot!("agency_fix_dry_run", shown(&out));
    assert_eq!(files(&dir), before, "--dry-run writes nothing");

    // with --format json every fixable finding carries its edit
    let v = json_in(tmp.path(), &["agency-fix", "--fix", "--dry-run"]);
    let mut edits: BTreeMap<String, Vec<(usize, usize, String)>> = BTreeMap::new();
    for f in v["findings"].as_array().unwrap() {
        let rule = f["rule"].as_str().unwrap();
        let Some(e) = f.get("edit") else {
            assert!(
                !fixable().contains(&rule) || f["found"] == "Kanit, sans-serif",
                "a fixable finding without an edit: {f}"
            );
            continue;
        };
        assert!(fixable().contains(&rule), "{f}");
        edits
            .entry(e["path"].as_str().unwrap().to_string())
            .or_default()
            .push((
                e["start"].as_u64().unwrap() as usize,
                e["end"].as_u64().unwrap() as usize,
                e["replacement"].as_str().unwrap().to_string(),
            ));
    }
    assert_eq!(edits.values().map(Vec::len).sum::<usize>(), 13);
    assert_eq!(files(&dir), before, "--dry-run writes nothing");

    // --fix: the files become what the JSON edits make of them
    let o = lint_in(tmp.path(), &["agency-fix", "--fix"]);
    let out = stdout(&o);
    assert!(out.starts_with("fixed 13 findings in 3 files\n"), "{out}");
    assert_eq!(o.status.code(), Some(1), "{out}");
    for (path, mut list) in edits {
        let old = &before[Path::new(&path).strip_prefix("agency-fix").unwrap()];
        list.sort();
        let mut want = Vec::new();
        let mut at = 0;
        for (start, end, replacement) in list {
            want.extend_from_slice(&old[at..start]);
            want.extend_from_slice(replacement.as_bytes());
            at = end;
        }
        want.extend_from_slice(&old[at..]);
        assert_eq!(
            String::from_utf8(std::fs::read(tmp.path().join(&path)).unwrap()).unwrap(),
            String::from_utf8(want).unwrap(),
            "{path}"
        );
    }
    // CRLF kept: every line of the page still ends in CRLF
    let page = std::fs::read_to_string(dir.join("index.html")).unwrap();
    assert_eq!(page.matches('\n').count(), page.matches("\r\n").count());
    assert!(page.contains("<img alt=\"Tonkla Coffee\" src=\"img/logo.svg\""));

    // what is left: no fixable finding, only the stack that names no brand family
    let v = json_in(tmp.path(), &["agency-fix"]);
    assert_eq!(
        rules_of(&v),
        [("font/off-brand".to_string(), "promo.css".to_string())],
        "{v:#}"
    );
    assert!(v["findings"][0].get("edit").is_none());

    // a second --fix changes nothing
    let fixed = files(&dir);
    let o = lint_in(tmp.path(), &["agency-fix", "--fix"]);
    assert!(
        stdout(&o).starts_with("fixed 0 findings in 0 files\n"),
        "{}",
        stdout(&o)
    );
    assert_eq!(files(&dir), fixed, "the second run changes no byte");
    let o = lint_in(tmp.path(), &["agency-fix", "--fix", "--dry-run"]);
    assert_eq!(stdout(&o), "would fix 0 findings in 0 files\n");
}

/// The agency page of `tests/lint.rs` (five problems): `--fix` gives its logo the guide's
/// alt; the other four need a person.
#[test]
fn agency_page_loses_its_fixable_finding() {
    let (tmp, dir) = copy_of("agency");
    let before = files(&dir);
    let v = json_in(tmp.path(), &["agency"]);
    let mut was = rules_of(&v);
    was.sort();
    let o = lint_in(tmp.path(), &["agency", "--fix", "--dry-run"]);
    insta::assert_snapshot!("agency_dry_run", shown(&stdout(&o)));
    assert_eq!(files(&dir), before);

    let o = lint_in(tmp.path(), &["agency", "--fix"]);
    assert!(stdout(&o).starts_with("fixed 1 finding in 1 file\n"));
    let mut left = rules_of(&json_in(tmp.path(), &["agency"]));
    left.sort();
    let fixed: Vec<_> = was.iter().filter(|r| !left.contains(r)).collect();
    assert_eq!(
        fixed,
        [&(
            "logo/missing-alt".to_string(),
            "agency-page.html".to_string()
        )]
    );
    assert_eq!(left.len(), 4, "{left:?}");
    assert!(left.iter().all(|(r, _)| r != "logo/missing-alt"));

    let after = files(&dir);
    let o = lint_in(tmp.path(), &["agency", "--fix"]);
    assert!(stdout(&o).starts_with("fixed 0 findings in 0 files\n"));
    assert_eq!(files(&dir), after);
}

/// Thai Markdown with CRLF line endings, words run together as Thai writes them, a
/// zero-width space and combining marks beside each edit: every byte outside the edits'
/// spans is kept, and the spans become the guide's words.
#[test]
fn thai_markdown_keeps_every_other_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let md = "+++\r\ntitle = \"ข่าวของ Tonkla coffee\"\r\n+++\r\n\
              # ผู้บริโภคชอบCold brewมาก\r\n\r\n\
              ลูกค้าและผู้บริโภค\u{200B}ทุกคน ซื้อด่วนได้ทาง Line ก่อน 10:30 น.\r\n\
              - Register ที่ร้าน แล้วรับแต้มสองเท่า ๆ\r\n\r\n\
              ```\r\nผู้บริโภค in code stays\r\n```\r\n";
    let path = tmp.path().join("ข่าว.md");
    std::fs::write(&path, md).unwrap();
    let v = json_in(tmp.path(), &["ข่าว.md"]);
    let mut spans: Vec<(usize, usize, String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| {
            let e = f.get("edit")?;
            Some((
                e["start"].as_u64().unwrap() as usize,
                e["end"].as_u64().unwrap() as usize,
                e["replacement"].as_str().unwrap().to_string(),
                f["found"].as_str().unwrap().to_string(),
            ))
        })
        .collect();
    spans.sort();
    let found: Vec<(&str, &str)> = spans
        .iter()
        .map(|(s, e, r, _)| (&md[*s..*e], r.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("Tonkla coffee", "Tonkla Coffee"),
            ("ผู้บริโภค", "ลูกค้า"),
            ("Cold brew", "Cold Brew"),
            ("ผู้บริโภค", "ลูกค้า"),
            ("ซื้อด่วน", "สั่งเลย"),
            ("Line", "LINE"),
            ("Register", "Sign up"),
        ]
    );
    for (s, e, _, f) in &spans {
        assert_eq!(&md[*s..*e], f, "each edit spans what the finding found");
    }

    let o = lint_in(tmp.path(), &["ข่าว.md", "--fix"]);
    assert!(stdout(&o).starts_with("fixed 7 findings in 1 file\n"));
    let after = std::fs::read(&path).unwrap();
    // outside the spans, the same bytes in the same order
    let mut at = 0;
    let mut pos = 0;
    for (s, e, r, _) in &spans {
        let keep = &md.as_bytes()[at..*s];
        assert_eq!(&after[pos..pos + keep.len()], keep);
        pos += keep.len();
        assert_eq!(&after[pos..pos + r.len()], r.as_bytes());
        pos += r.len();
        at = *e;
    }
    assert_eq!(&after[pos..], &md.as_bytes()[at..]);
    let after = String::from_utf8(after).unwrap();
    assert!(after.contains("# ลูกค้าชอบCold Brewมาก\r\n"));
    assert!(after.contains("ลูกค้าและลูกค้า\u{200B}ทุกคน สั่งเลยได้ทาง LINE"));
    assert!(after.contains("ผู้บริโภค in code stays"), "code is not prose");
    // nothing fixable is left
    let v = json_in(tmp.path(), &["ข่าว.md"]);
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f.get("edit").is_none()),
        "{v:#}"
    );
}

/// A folder with the build's `.brandpress-output` marker is a generated output: `--fix`
/// says so and leaves it, unless `--fix-outputs`.
#[test]
fn generated_outputs_are_left_alone_without_fix_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    copy_dir(&root().join("tests/fixtures/lint/agency-fix"), &out);
    std::fs::write(out.join(".brandpress-output"), "").unwrap();
    let before = files(&out);

    let o = lint_in(tmp.path(), &["site", "--fix"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("not fixed: 3 files in generated outputs") && err.contains("--fix-outputs"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(stdout(&o).starts_with("fixed 0 findings in 0 files\n"));
    assert_eq!(files(&out), before, "outputs untouched");

    let o = lint_in(tmp.path(), &["site", "--fix", "--fix-outputs"]);
    assert!(stdout(&o).starts_with("fixed 13 findings in 3 files\n"));
    assert_ne!(files(&out), before);
}

/// `--dry-run` and `--fix-outputs` mean nothing without `--fix`: a usage error.
#[test]
fn dry_run_needs_fix() {
    let o = lint_in(&root(), &["tests/fixtures/lint/agency", "--dry-run"]);
    assert_eq!(o.status.code(), Some(2));
}

/// `explain --list` marks the fixable rules, and `explain` says what the fix does.
#[test]
fn explain_shows_what_is_fixable() {
    let list = Command::new(env!("CARGO_BIN_EXE_brandpress"))
        .args(["explain", "--list"])
        .output()
        .unwrap();
    let list = stdout(&list);
    for line in list.lines() {
        let id = line.split_whitespace().next().unwrap();
        let marked = line.split_whitespace().nth(2) == Some("fix");
        assert_eq!(marked, fixable().contains(&id), "{line}");
    }
    let one = Command::new(env!("CARGO_BIN_EXE_brandpress"))
        .args(["explain", "tone/brand-spelling"])
        .output()
        .unwrap();
    assert!(
        stdout(&one).contains("Fixable: `brandpress lint --fix` writes the canonical spelling")
    );
}

/// The edits findings carry for one file's bytes: (rule, the text replaced, replacement).
fn edits_of(name: &str, bytes: &[u8]) -> Vec<(String, String, String)> {
    let guide = brandpress::brand::Guide::load(&root()).unwrap();
    let ctx = brandpress::lint::LintContext::new(&guide);
    let mut out: Vec<_> = brandpress::lint::lint_bytes(&ctx, Path::new(name), bytes)
        .into_iter()
        .filter_map(|f| {
            let e = f.edit?;
            assert_eq!(e.path, Path::new(name));
            let old = String::from_utf8(bytes[e.start..e.end].to_vec()).unwrap();
            Some((f.rule.to_string(), old, e.replacement))
        })
        .collect();
    out.sort();
    out
}

fn e(rule: &str, old: &str, new: &str) -> (String, String, String) {
    (rule.to_string(), old.to_string(), new.to_string())
}

const HEAD: &str = "<!doctype html><html lang=th><head><style>body{background:#FFF8EE;color:#1B1B1B;font-family:\"Noto Sans Thai\",\"Noto Sans\",sans-serif}</style></head><body>\n";

#[test]
fn html_edits_are_exact_or_absent() {
    let page = |body: &str| format!("{HEAD}{body}\n</body></html>");
    // an empty alt is filled in, a missing one inserted after the tag name
    assert_eq!(
        edits_of(
            "a.html",
            page("<img src=\"logo.svg\" alt=\"\" width=64 height=64>").as_bytes()
        ),
        [e("logo/missing-alt", "", "Tonkla Coffee")]
    );
    assert_eq!(
        edits_of("a.html", page("<IMG SRC=\"logo.svg\"/>").as_bytes()),
        [e("logo/missing-alt", "", " alt=\"Tonkla Coffee\"")]
    );
    // a color written through a character reference is reported, not edited
    assert_eq!(
        edits_of(
            "a.html",
            page("<p style=\"color:&#35;276350\">กาแฟ</p>").as_bytes()
        ),
        []
    );
    // transparency would be lost: no edit; rgb() becomes the hex
    assert_eq!(
        edits_of(
            "a.html",
            page("<p style=\"color: rgba(39, 99, 80, 0.5); border-color: rgb(39 99 80)\">กาแฟ</p>")
                .as_bytes()
        ),
        [e("color/near-miss", "rgb(39 99 80)", "#1F5C4A")]
    );
    // a custom property defining the brand color's own name gets the hex, not itself
    assert_eq!(
        edits_of(
            "a.html",
            page("<style>:root { --color-forest: #276350; } .x { color: #276350 }</style>")
                .as_bytes()
        ),
        [
            e("color/near-miss", "#276350", "#1F5C4A"),
            e("color/near-miss", "#276350", "var(--color-forest)"),
        ]
    );
    // an email gets the hex: clients drop custom properties
    let email = "<!doctype html><html><head><!--[if mso]><xml></xml><![endif]--><style>:root { --color-forest: #1F5C4A; }</style></head><body><div lang=\"th\" dir=\"ltr\"><p style=\"color:#276350\">กาแฟ</p></div></body></html>";
    assert!(edits_of("mail.html", email.as_bytes()).contains(&e(
        "color/near-miss",
        "#276350",
        "#1F5C4A"
    )));
    // pages that are not UTF-8 as they are (a byte order mark, UTF-16) get no edits
    let bom = [
        b"\xEF\xBB\xBF".as_slice(),
        page("<img src=\"logo.svg\">").as_bytes(),
    ]
    .concat();
    assert_eq!(edits_of("a.html", &bom), []);
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            page("<img src=\"logo.svg\">")
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        )
        .collect();
    assert_eq!(edits_of("a.html", &utf16), []);
}

#[test]
fn markdown_that_is_not_utf8_gets_no_edits() {
    // "ผู้บริโภค Cold brew" in windows-874 (TIS-620 bytes), then the same in UTF-8
    let (tis, _, _) = encoding_rs::WINDOWS_874.encode("ผู้บริโภคชอบ Cold brew\n");
    assert_eq!(edits_of("x.md", &tis), []);
    assert_eq!(
        edits_of("x.md", "ผู้บริโภคชอบ Cold brew\n".as_bytes()),
        [
            e("tone/brand-spelling", "Cold brew", "Cold Brew"),
            e("tone/preferred-term", "ผู้บริโภค", "ลูกค้า"),
        ]
    );
}

/// SARIF's rule descriptors say which rules are fixable.
#[test]
fn sarif_rules_carry_fixable() {
    let o = lint_in(
        &root(),
        &["--format", "sarif", "tests/fixtures/lint/agency"],
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(!rules.is_empty());
    for r in rules {
        let id = r["id"].as_str().unwrap();
        assert_eq!(r["properties"]["fixable"], fixable().contains(&id), "{id}");
    }
}
