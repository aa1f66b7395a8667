//! `--format rdjson` is reviewdog's Diagnostic Format: it validates against reviewdog's own
//! JSON schemas (vendored in tests/fixtures/rdjson, source in its README), on the bundled
//! example's Thai pieces and on the agency fixtures, and its suggestions are the findings'
//! edits at the same bytes, with columns counted in UTF-8 bytes as reviewdog counts them.

mod support;
use std::path::PathBuf;
use std::process::Command;
use support::copy_dir;

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `lint --format FORMAT PATHS` with the guide of the project holding the first path's
/// output folder, else the bundled example's.
fn lint(format: &str, paths: &[PathBuf]) -> Value {
    let project = match paths[0].parent() {
        Some(p) if paths[0].ends_with("out") => p.to_path_buf(),
        _ => root(),
    };
    let out = Command::new(env!("CARGO_BIN_EXE_brandpress"))
        .args([
            "lint",
            "--project",
            project.to_str().unwrap(),
            "--format",
            format,
        ])
        .args(paths)
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON document")
}

fn validator(file: &str) -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/fixtures/rdjson").join(file)).unwrap(),
    )
    .unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

fn assert_valid(v: &jsonschema::Validator, doc: &Value) {
    let errors: Vec<String> = v
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{doc}");
}

/// Byte offset of a 1-based line and 1-based UTF-8 byte column in `text`.
fn offset(text: &str, pos: &Value) -> usize {
    let line = pos["line"].as_u64().unwrap() as usize;
    let column = pos["column"].as_u64().unwrap() as usize;
    let start: usize = text
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum();
    start + column - 1
}

/// A Thai piece with the fixable tone findings: a preferred term and a brand spelling.
fn thai_piece(dir: &std::path::Path) -> PathBuf {
    let md = dir.join("โปรโมชั่น.md");
    std::fs::write(
        &md,
        "# โปรโมชั่นหน้าหนาว\r\n\r\nผู้บริโภค ทุกคนรับส่วนลดที่ tonkla coffee สาขาใหม่\r\nแล้วพบกันนะคะ\r\n",
    )
    .unwrap();
    md
}

/// The bundled example built (web and email) into `dir`, with a Thai banned term added to
/// one piece; returns its output folder.
fn built_example(dir: &std::path::Path) -> PathBuf {
    let project = dir.join("example");
    for part in ["brand", "content", "templates"] {
        copy_dir(&root().join(part), &project.join(part));
    }
    let piece = project.join("content/winter-2026/new-year-beans.md");
    let text = std::fs::read_to_string(&piece).unwrap();
    std::fs::write(&piece, format!("{text}\nเมล็ดกาแฟที่ถูกที่สุดของปี\n")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_brandpress"))
        .args(["build", "--channels", "web,email", "--project"])
        .arg(&project)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    project.join("out")
}

#[test]
fn rdjson_validates_against_reviewdogs_schema() {
    let result = validator("DiagnosticResult.json");
    let diagnostic = validator("Diagnostic.json");
    let tmp = tempfile::tempdir().unwrap();
    let inputs = [
        vec![built_example(tmp.path())],
        vec![
            root().join("tests/fixtures/lint/agency"),
            root().join("tests/fixtures/email/agency-promo.html"),
            thai_piece(tmp.path()),
        ],
    ];
    for paths in inputs {
        let rd = lint("rdjson", &paths);
        assert_valid(&result, &rd);
        assert_eq!(rd["source"]["name"], "brandpress");
        let diags = rd["diagnostics"].as_array().unwrap();
        for d in diags {
            assert_valid(&diagnostic, d);
            assert!(["ERROR", "WARNING", "INFO"].contains(&d["severity"].as_str().unwrap()));
            let rule = d["code"]["value"].as_str().unwrap();
            assert_eq!(
                d["code"]["url"].as_str().unwrap(),
                format!("docs/rules/{rule}.md")
            );
            assert!(root().join(d["code"]["url"].as_str().unwrap()).is_file());
            if let Some(start) = d["location"]["range"].get("start") {
                assert!(start["line"].as_u64().unwrap() >= 1, "{d}");
                assert!(start.get("column").is_none_or(|c| c.as_u64().unwrap() >= 1));
            }
        }
        // the same findings as the JSON report, in the same order
        let json = lint("json", &paths);
        let findings = json["findings"].as_array().unwrap();
        assert_eq!(findings.len(), diags.len());
        for (f, d) in findings.iter().zip(diags) {
            assert_eq!(f["rule"], d["code"]["value"]);
            assert!(
                d["message"]
                    .as_str()
                    .unwrap()
                    .starts_with(f["message"].as_str().unwrap())
            );
        }
        // a finding in a piece the outputs carry: one diagnostic at the Markdown line,
        // each output a related location
        if paths[0].ends_with("out") {
            let banned = diags
                .iter()
                .find(|d| d["code"]["value"] == "tone/banned-term")
                .expect("the banned term added to the piece");
            assert!(banned["message"].as_str().unwrap().contains("ถูกที่สุด"));
            assert!(
                banned["location"]["path"]
                    .as_str()
                    .unwrap()
                    .ends_with("new-year-beans.md"),
                "{banned}"
            );
            assert!(
                banned["related_locations"].as_array().unwrap().len() >= 2,
                "{banned}"
            );
        }
        // and it is not valid by accident: a made-up severity fails
        let mut broken = rd.clone();
        broken["diagnostics"][0]["severity"] = "FATAL".into();
        assert!(!result.is_valid(&broken));
    }
}

#[test]
fn suggestions_are_the_findings_edits_in_utf8_byte_columns() {
    let tmp = tempfile::tempdir().unwrap();
    let md = thai_piece(tmp.path());
    let page = root().join("tests/fixtures/lint/agency/agency-page.html");
    let paths = vec![md.clone(), page];
    let rd = lint("rdjson", &paths);
    let json = lint("json", &paths);
    let findings = json["findings"].as_array().unwrap();
    let diags = rd["diagnostics"].as_array().unwrap();
    let mut suggested = Vec::new();
    for (f, d) in findings.iter().zip(diags) {
        let Some(edit) = f.get("edit") else {
            assert!(d.get("suggestions").is_none(), "{d}");
            continue;
        };
        let s = &d["suggestions"][0];
        assert_eq!(s["text"], edit["replacement"]);
        let path = d["location"]["path"].as_str().unwrap();
        let text = std::fs::read_to_string(path).unwrap();
        // rdjson's range, read back as reviewdog reads it, is the edit's byte range
        let start = offset(&text, &s["range"]["start"]);
        let end = offset(&text, &s["range"]["end"]);
        assert_eq!(start as u64, edit["start"].as_u64().unwrap(), "{d}");
        assert_eq!(end as u64, edit["end"].as_u64().unwrap(), "{d}");
        // reviewdog posts a suggestion only on a comment spanning its lines
        let range = &d["location"]["range"];
        assert_eq!(range["start"]["line"], s["range"]["start"]["line"], "{d}");
        assert_eq!(range["end"]["line"], s["range"]["end"]["line"], "{d}");
        suggested.push((
            path.to_string(),
            f["rule"].as_str().unwrap().to_string(),
            text[start..end].to_string(),
            s["text"].as_str().unwrap().to_string(),
        ));
    }
    let on_md: Vec<_> = suggested
        .iter()
        .filter(|s| s.0.ends_with("โปรโมชั่น.md"))
        .map(|s| (s.1.as_str(), s.2.as_str(), s.3.as_str()))
        .collect();
    assert_eq!(
        on_md,
        [
            ("tone/preferred-term", "ผู้บริโภค", "ลูกค้า"),
            ("tone/brand-spelling", "tonkla coffee", "Tonkla Coffee"),
        ],
        "{suggested:#?}"
    );
    // "ผู้บริโภค" is 9 characters, 27 bytes: its end column is 28
    let d = diags
        .iter()
        .find(|d| d["code"]["value"] == "tone/preferred-term")
        .unwrap();
    assert_eq!(
        d["suggestions"][0]["range"],
        serde_json::json!({ "start": { "line": 3, "column": 1 }, "end": { "line": 3, "column": 28 } })
    );
    // applying every suggestion of the piece keeps every other byte (CRLF included)
    let mut text = std::fs::read_to_string(&md).unwrap();
    let mut edits: Vec<(usize, usize, String)> = diags
        .iter()
        .filter(|d| {
            d["location"]["path"]
                .as_str()
                .unwrap()
                .ends_with("โปรโมชั่น.md")
        })
        .filter_map(|d| d["suggestions"].get(0))
        .map(|s| {
            (
                offset(&text, &s["range"]["start"]),
                offset(&text, &s["range"]["end"]),
                s["text"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    edits.sort();
    for (start, end, replacement) in edits.into_iter().rev() {
        text.replace_range(start..end, &replacement);
    }
    assert_eq!(
        text,
        "# โปรโมชั่นหน้าหนาว\r\n\r\nลูกค้า ทุกคนรับส่วนลดที่ Tonkla Coffee สาขาใหม่\r\nแล้วพบกันนะคะ\r\n"
    );
}
