//! `brandpress merge`: what runs once a CI fleet's shards are done.
//!
//! - `merge OUT SHARD…` joins the shards' output folders (`build::merge`, written as a
//!   build writes) and then runs the **campaign-wide checks** over the joined campaign
//!   manifest ([`campaign_checks`]): `consistency/mismatch` compares every piece's
//!   outputs with each other and with the piece's source. A shard holds every output of
//!   its pieces, so a correct split never divides a piece; the check at merge also catches
//!   what a split cannot promise: outputs of one piece that came from jobs which built
//!   different commits (one job per channel, a stale artifact).
//! - `merge --reports A B…` joins the JSON or SARIF reports of `lint` shards into one
//!   ([`reports`]): every finding of every report, each once (a file every shard lints,
//!   such as a shared stylesheet, is reported by each), in the order `lint` writes them.
//!
//! What runs where: `build --shard` renders; `lint --shard` runs every per-file rule and
//! the cards' tone on the files of its pieces (the guide's own findings in shard 1
//! only) and leaves the campaign-wide checks to merge; `merge` joins and runs them.

use std::cmp::Ordering;
use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::brand::Guide;
use crate::error::{Error, Result};
use crate::lint::{self, LintContext, LintReport, Roots};

/// A report bigger than this is not read.
const MAX_REPORT_BYTES: u64 = 1 << 30;

/// At most this many reports are joined (one per shard, and a few more).
const MAX_REPORTS: usize = 20_000;

/// The campaign-wide checks over the merged output folder `out`: `consistency/mismatch`
/// across every piece's outputs, with the guide's severities, grouped at the source line
/// as `lint` groups them.
pub fn campaign_checks(guide: &Guide, out: &Path) -> Result<LintReport> {
    lint::rules::validate_levels(guide)?;
    let paths = vec![out.to_path_buf()];
    let ctx = LintContext::new(guide).within(Roots::of(&paths)?);
    let mut findings = lint::consistency::check(&ctx, out);
    lint::apply_levels(guide, &mut findings);
    let mut findings = lint::built::group_by_source(&ctx, &paths, findings);
    findings.sort_by(|a, b| {
        (&a.location.path, a.location.line, a.location.column, a.rule).cmp(&(
            &b.location.path,
            b.location.line,
            b.location.column,
            b.rule,
        ))
    });
    let files = crate::manifest::CampaignManifest::previous(out).len();
    Ok(LintReport {
        files,
        findings,
        baseline: None,
    })
}

/// The format of a report `lint` wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Json,
    Sarif,
}

impl ReportFormat {
    pub fn name(self) -> &'static str {
        match self {
            ReportFormat::Json => "json",
            ReportFormat::Sarif => "sarif",
        }
    }
}

/// Reports joined into one.
#[derive(Debug)]
pub struct Joined {
    pub format: ReportFormat,
    pub value: Value,
    /// Error-severity findings that count (not recorded in a baseline).
    pub errors: usize,
    /// Findings given more than once (by more than one report), kept once.
    pub duplicates: usize,
}

/// Joins `lint --format json` or `--format sarif` reports (all of one format, from one
/// brandpress version).
pub fn reports(paths: &[PathBuf]) -> Result<Joined> {
    if paths.is_empty() {
        return Err(Error::usage("merge --reports needs at least one report"));
    }
    if paths.len() > MAX_REPORTS {
        return Err(Error::usage(format!(
            "merge --reports takes at most {MAX_REPORTS} reports"
        )));
    }
    let mut read = Vec::with_capacity(paths.len());
    for path in paths {
        let value = read_json(path)?;
        let format = detect(&value).ok_or_else(|| {
            Error::file(
                path,
                "not a brandpress report: expected the JSON of `lint --format json` ({\"findings\", \"summary\"}) or SARIF 2.1.0 of `--format sarif`",
            )
        })?;
        read.push((path, format, value));
    }
    let format = read[0].1;
    if let Some((path, other, _)) = read.iter().find(|(_, f, _)| *f != format) {
        return Err(Error::file(
            path,
            format!(
                "is a {} report and {} is {}: join reports of one format (run each shard's lint with the same --format)",
                other.name(),
                read[0].0.display(),
                format.name()
            ),
        ));
    }
    match format {
        ReportFormat::Json => join_json(&read),
        ReportFormat::Sarif => join_sarif(&read),
    }
}

fn read_json(path: &Path) -> Result<Value> {
    let file = std::fs::File::open(path).map_err(|e| Error::file(path, e))?;
    let mut bytes = Vec::new();
    file.take(MAX_REPORT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::file(path, e))?;
    if bytes.len() as u64 > MAX_REPORT_BYTES {
        return Err(Error::file(
            path,
            format!("report over {MAX_REPORT_BYTES} bytes"),
        ));
    }
    // serde_json limits nesting to 128 levels, so a hostile report cannot overflow the stack
    serde_json::from_slice(&bytes).map_err(|e| Error::file(path, format!("not JSON: {e}")))
}

fn detect(v: &Value) -> Option<ReportFormat> {
    if v.get("runs").is_some_and(Value::is_array) && v.get("version").is_some() {
        Some(ReportFormat::Sarif)
    } else if v.get("findings").is_some_and(Value::is_array)
        && v.get("summary").is_some_and(Value::is_object)
    {
        Some(ReportFormat::Json)
    } else {
        None
    }
}

/// Appends `items` to `into`, each distinct value once.
fn extend_unique(into: &mut Vec<Value>, seen: &mut HashSet<String>, items: &[Value]) -> usize {
    let mut duplicates = 0;
    for item in items {
        if seen.insert(item.to_string()) {
            into.push(item.clone());
        } else {
            duplicates += 1;
        }
    }
    duplicates
}

/// `lint`'s order: path, line, column, rule.
fn json_order(a: &Value, b: &Value) -> Ordering {
    let key = |v: &Value| {
        (
            v["path"].as_str().unwrap_or("").to_string(),
            v["line"].as_u64().unwrap_or(0),
            v["column"].as_u64().unwrap_or(0),
            v["rule"].as_str().unwrap_or("").to_string(),
        )
    };
    key(a).cmp(&key(b))
}

fn join_json(read: &[(&PathBuf, ReportFormat, Value)]) -> Result<Joined> {
    let mut findings = Vec::new();
    let mut baselined = Vec::new();
    let (mut seen, mut seen_baselined) = (HashSet::new(), HashSet::new());
    let (mut files, mut absent, mut duplicates) = (0u64, 0u64, 0);
    let mut any_baseline = false;
    for (path, _, v) in read {
        let list = v["findings"]
            .as_array()
            .ok_or_else(|| Error::file(path.as_path(), "\"findings\" is not a list"))?;
        duplicates += extend_unique(&mut findings, &mut seen, list);
        files += v["summary"]["files"].as_u64().unwrap_or(0);
        if let Some(b) = v.get("baselined").and_then(Value::as_array) {
            any_baseline = true;
            extend_unique(&mut baselined, &mut seen_baselined, b);
            absent += v["summary"]["baseline_absent"].as_u64().unwrap_or(0);
        }
    }
    findings.sort_by(json_order);
    let count = |s: &str| {
        findings
            .iter()
            .filter(|f| f["severity"].as_str() == Some(s))
            .count()
    };
    let errors = count("error");
    let mut value = json!({
        "findings": findings,
        "summary": {
            "files": files,
            "errors": errors,
            "warnings": count("warning"),
        }
    });
    if any_baseline {
        baselined.sort_by(json_order);
        value["summary"]["baselined"] = json!(baselined.len());
        value["summary"]["baseline_absent"] = json!(absent);
        value["baselined"] = Value::Array(baselined);
    }
    Ok(Joined {
        format: ReportFormat::Json,
        value,
        errors,
        duplicates,
    })
}

/// One SARIF run holding every result of every run of every report: GitHub code
/// scanning wants one run per tool and category. The rules (and so each result's
/// `ruleIndex`) are the same in reports of one brandpress version, which is checked.
fn join_sarif(read: &[(&PathBuf, ReportFormat, Value)]) -> Result<Joined> {
    let driver_of = |v: &Value| {
        v["runs"]
            .get(0)
            .map(|r| &r["tool"]["driver"])
            .filter(|d| d.is_object())
            .cloned()
    };
    let (first_path, _, first) = &read[0];
    let driver = driver_of(first)
        .ok_or_else(|| Error::file(first_path.as_path(), "a SARIF report with no run"))?;
    let version = |d: &Value| (d["name"].clone(), d["version"].clone());
    let mut results = Vec::new();
    let mut seen = HashSet::new();
    let mut duplicates = 0;
    for (path, _, v) in read {
        let runs = v["runs"].as_array().map(Vec::as_slice).unwrap_or_default();
        for run in runs {
            let d = &run["tool"]["driver"];
            if version(d) != version(&driver) {
                return Err(Error::file(
                    path.as_path(),
                    format!(
                        "made by {} {} and {} by {} {}: join reports of one brandpress version (rule indexes differ between versions)",
                        d["name"],
                        d["version"],
                        first_path.display(),
                        driver["name"],
                        driver["version"]
                    ),
                ));
            }
            if let Some(list) = run["results"].as_array() {
                duplicates += extend_unique(&mut results, &mut seen, list);
            }
        }
    }
    let uri = |r: &Value| {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    let region = |r: &Value, k: &str| {
        r["locations"][0]["physicalLocation"]["region"][k]
            .as_u64()
            .unwrap_or(0)
    };
    results.sort_by(|a, b| {
        (
            uri(a),
            region(a, "startLine"),
            region(a, "startColumn"),
            a["ruleId"].as_str().unwrap_or(""),
        )
            .cmp(&(
                uri(b),
                region(b, "startLine"),
                region(b, "startColumn"),
                b["ruleId"].as_str().unwrap_or(""),
            ))
    });
    let errors = results
        .iter()
        .filter(|r| r["level"].as_str() == Some("error"))
        .filter(|r| r["baselineState"].as_str() != Some("unchanged"))
        .count();
    let mut value = first.clone();
    value["runs"] = json!([{
        "tool": { "driver": driver },
        "results": results,
    }]);
    Ok(Joined {
        format: ReportFormat::Sarif,
        value,
        errors,
        duplicates,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, v: &Value) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, serde_json::to_vec(v).unwrap()).unwrap();
        p
    }

    fn finding(path: &str, line: u64, rule: &str, severity: &str) -> Value {
        json!({"rule": rule, "severity": severity, "path": path, "line": line, "column": 1,
               "message": "ข้อความ", "expected": null, "found": null})
    }

    #[test]
    fn json_reports_join_each_finding_once_in_lint_order() {
        let tmp = tempfile::tempdir().unwrap();
        let shared = finding("out/web/assets/brand.css", 3, "color/off-palette", "error");
        let a = write(
            tmp.path(),
            "a.json",
            &json!({
            "findings": [finding("out/web/ข่าว/index.html", 9, "tone/banned-term", "error"), shared.clone()],
            "summary": {"files": 10, "errors": 2, "warnings": 0}}),
        );
        let b = write(
            tmp.path(),
            "b.json",
            &json!({
            "findings": [shared, finding("out/email/a.html", 2, "email/width", "warning")],
            "summary": {"files": 7, "errors": 1, "warnings": 1}}),
        );
        let j = reports(&[a, b]).unwrap();
        assert_eq!(j.format, ReportFormat::Json);
        assert_eq!(j.duplicates, 1);
        assert_eq!(j.errors, 2);
        let paths: Vec<&str> = j.value["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["path"].as_str().unwrap())
            .collect();
        assert_eq!(
            paths,
            [
                "out/email/a.html",
                "out/web/assets/brand.css",
                "out/web/ข่าว/index.html"
            ]
        );
        assert_eq!(
            j.value["summary"],
            json!({"files": 17, "errors": 2, "warnings": 1})
        );
    }

    #[test]
    fn mixed_formats_versions_and_non_reports_are_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let json = write(
            tmp.path(),
            "a.json",
            &json!({"findings": [], "summary": {}}),
        );
        let sarif = |v: &str| json!({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "brandpress", "version": v}}, "results": []}]});
        let s1 = write(tmp.path(), "s1.sarif", &sarif("1.0.0"));
        let s2 = write(tmp.path(), "s2.sarif", &sarif("2.0.0"));
        let other = write(tmp.path(), "x.json", &json!({"hello": "สวัสดี"}));
        std::fs::write(tmp.path().join("bad.json"), "{not json").unwrap();
        let e = |p: &[PathBuf]| reports(p).unwrap_err().to_string();
        assert!(e(&[json.clone(), s1.clone()]).contains("one format"));
        assert!(e(&[s1.clone(), s2]).contains("one brandpress version"));
        assert!(e(&[other]).contains("not a brandpress report"));
        assert!(e(&[tmp.path().join("bad.json")]).contains("not JSON"));
        assert!(e(&[]).contains("at least one"));
        assert_eq!(reports(&[s1]).unwrap().errors, 0);
    }
}
