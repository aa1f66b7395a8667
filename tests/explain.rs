//! The rule registry is the one source: `brandpress explain`, the SARIF `rules` and the
//! severities findings carry all agree with it (the README table and `docs/rules/` are
//! checked beside the registry, in `src/lint/rules/mod.rs`).

use std::path::Path;
use std::process::{Command, Output};

use brandpress::lint::Severity;
use brandpress::lint::rules::{RULES, info};
use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn brandpress(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_brandpress"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("brandpress runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn explain_list_is_the_registry() {
    let out = brandpress(&["explain", "--list"]);
    assert!(out.status.success());
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), RULES.len());
    for (line, rule) in lines.iter().zip(RULES) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(fields[0], rule.id);
        assert_eq!(fields[1], rule.severity.to_string(), "{line}");
        assert!(line.ends_with(rule.summary), "{line}");
    }
}

#[test]
fn explain_prints_the_rule_and_its_docs_page() {
    for rule in RULES {
        let out = brandpress(&["explain", rule.id]);
        assert!(out.status.success(), "{}", rule.id);
        let text = stdout(&out);
        assert!(
            text.starts_with(&format!("{} ({} by default)", rule.id, rule.severity)),
            "{text}"
        );
        assert!(text.contains(rule.rationale) && text.contains(rule.summary));

        let md = stdout(&brandpress(&["explain", rule.id, "--format", "markdown"]));
        let page = std::fs::read_to_string(root().join(rule.doc_path())).unwrap();
        assert_eq!(md, page, "docs page of {} differs from explain", rule.id);
    }
}

#[test]
fn explain_an_unknown_rule_is_a_usage_error_with_suggestions() {
    let out = brandpress(&["explain", "pdf/bleeding"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no rule \"pdf/bleeding\""), "{err}");
    assert!(err.contains("pdf/bleed"), "{err}");
}

/// SARIF's `rules` are the registry's, in its order, and each result's level is the
/// severity that finding was emitted with (the JSON report's), not the rule's default.
#[test]
fn sarif_rules_and_levels_agree_with_the_registry_and_the_findings() {
    let agency = "tests/fixtures/lint/agency";
    let sarif: Value =
        serde_json::from_slice(&brandpress(&["lint", "--format", "sarif", agency]).stdout).unwrap();
    let json: Value =
        serde_json::from_slice(&brandpress(&["lint", "--format", "json", agency]).stdout).unwrap();
    let level = |s: Severity| match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    };
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), RULES.len());
    for (obj, rule) in rules.iter().zip(RULES) {
        assert_eq!(obj["id"], rule.id);
        assert_eq!(obj["shortDescription"]["text"], rule.summary);
        assert_eq!(obj["defaultConfiguration"]["level"], level(rule.severity));
        assert_eq!(obj["help"]["markdown"], rule.markdown());
        assert_eq!(obj["properties"]["docs"], rule.doc_path());
        assert!(root().join(rule.doc_path()).is_file());
    }
    let results = run["results"].as_array().unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    assert_eq!(results.len(), findings.len());
    for (r, f) in results.iter().zip(findings) {
        assert_eq!(r["ruleId"], f["rule"]);
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(RULES[index].id, r["ruleId"]);
        let emitted = match f["severity"].as_str().unwrap() {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            _ => Severity::Info,
        };
        assert_eq!(r["level"], level(emitted));
        assert!(info(f["rule"].as_str().unwrap()).is_some());
    }
}
