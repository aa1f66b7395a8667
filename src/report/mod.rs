//! Reporters: each formats a [`LintReport`]; none decides anything, and none shows text
//! from a file: source excerpts come with the findings (taken when the file was linted, so
//! a reporter can never show lines of a file lint did not check). Only `rdjson` reads
//! files, the ones the findings point into, to count columns in UTF-8 bytes; it prints
//! positions, never their text.
//!
//! - `human`: rustc-style, with the source line and a caret; colored on a terminal
//!   unless `NO_COLOR` is set.
//! - `json`: `{"findings":[{rule,severity,path,line,column,message,expected,found,…}],
//!   "summary":{files,errors,warnings}}` — a stable shape.
//! - `sarif`: SARIF 2.1.0 for GitHub code scanning.
//! - `github`: workflow commands (`::error file=…,line=…,col=…,title=…::message`), at
//!   most 10 annotations of each type, the rest as log lines ([`github`]).
//! - `rdjson`: reviewdog's Diagnostic Format with suggested changes from
//!   [`Finding::edit`] ([`rdjson`]; the one reporter that reads files, to count columns in
//!   UTF-8 bytes).

pub mod github;
pub mod rdjson;

pub use github::github;
pub use rdjson::rdjson_value;

use std::io::{IsTerminal, Write};
use std::path::Path;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use serde_json::{Value, json};

use crate::i18n::count;
use crate::lint::rules::{RULES, Rule};
use crate::lint::{Finding, LintReport, Severity};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For people: colored, with source excerpts.
    Human,
    /// Stable JSON: {"findings":[…],"summary":{…}}.
    Json,
    /// SARIF 2.1.0 for GitHub code scanning.
    Sarif,
    /// GitHub workflow-command annotations (10 of each type; the rest in the log).
    Github,
    /// reviewdog's Diagnostic Format (rdjson), with suggested changes.
    Rdjson,
}

/// Writes `report` to `out`. Human output is colored when stdout is a terminal and
/// `NO_COLOR` is not set, and shows info findings one count per rule unless `verbose`;
/// the machine formats always hold every finding.
pub fn write(
    report: &LintReport,
    format: Format,
    verbose: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    // Buffered: stdout is line-buffered, and a JSON report of 16,000 findings is 180,000
    // lines, each its own `write` call without this.
    let mut out = std::io::BufWriter::with_capacity(64 << 10, out);
    let _cwd = CurrentDir::read_once();
    write_to(report, format, verbose, &mut out)?;
    out.flush()
}

fn write_to(
    report: &LintReport,
    format: Format,
    verbose: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        Format::Human => {
            let color = std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            human(report, color, verbose, out)
        }
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &json_value(report))?;
            writeln!(out)
        }
        Format::Sarif => {
            serde_json::to_writer_pretty(&mut *out, &sarif_value(report))?;
            writeln!(out)
        }
        Format::Github => github(report, out),
        Format::Rdjson => {
            serde_json::to_writer_pretty(&mut *out, &rdjson_value(report))?;
            writeln!(out)
        }
    }
}

/// rustc-style output.
pub fn human(
    report: &LintReport,
    color: bool,
    verbose: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let paint = |code: &str, s: &str| {
        if color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    // info findings, when not shown one by one: how many of each rule
    let mut quiet: std::collections::BTreeMap<&str, usize> = Default::default();
    for f in &report.findings {
        if !verbose && f.severity == Severity::Info {
            *quiet.entry(f.rule).or_default() += 1;
            continue;
        }
        let (code, label) = match f.severity {
            Severity::Error => ("1;31", "error"),
            Severity::Warning => ("1;33", "warning"),
            Severity::Info => ("1;36", "info"),
        };
        writeln!(
            out,
            "{}{} {}",
            paint(code, &format!("{label}[{}]", f.rule)),
            paint("1", ":"),
            paint("1", &f.message)
        )?;
        writeln!(out, "  {} {}", paint("1;34", "-->"), f.location)?;
        if let (Some(excerpt), Some(line)) = (&f.excerpt, f.location.line) {
            let text = &excerpt.text;
            let n = line.to_string();
            let pad = " ".repeat(n.len());
            let col = excerpt.column;
            let before: String = text.chars().take(col.saturating_sub(1)).collect();
            // keep the caret under the column: tabs stay tabs, other characters are spaces
            let indent: String = before
                .chars()
                .filter(|c| !is_zero_width(*c))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            writeln!(out, "{pad} {}", paint("1;34", "|"))?;
            writeln!(out, "{} {} {}", paint("1;34", &n), paint("1;34", "|"), text)?;
            writeln!(
                out,
                "{pad} {} {indent}{}",
                paint("1;34", "|"),
                paint(code, "^")
            )?;
        }
        for (key, value) in [
            ("expected", &f.expected),
            ("found", &f.found),
            ("help", &f.fix),
        ] {
            if let Some(v) = value {
                writeln!(out, "  {} {key}: {v}", paint("1;34", "="))?;
            }
        }
        if let Some(src) = &f.source {
            writeln!(out, "  {} source: {src}", paint("1;34", "="))?;
        }
        for o in &f.outputs {
            writeln!(out, "  {} in: {}", paint("1;34", "="), o.location)?;
        }
        writeln!(out)?;
    }
    for (rule, n) in &quiet {
        writeln!(
            out,
            "{}{} {} (--verbose shows them)",
            paint("1;36", &format!("info[{rule}]")),
            paint("1", ":"),
            count(*n, "finding", "findings"),
        )?;
    }
    if !quiet.is_empty() {
        writeln!(out)?;
    }
    if let Some(b) = &report.baseline {
        let mut line = format!(
            "baseline: {} not shown, recorded in {}",
            count(b.findings.len(), "finding", "findings"),
            b.file.display()
        );
        if b.absent > 0 {
            line.push_str(&format!(
                " ({} gone since: --update-baseline drops them)",
                count(b.absent, "recorded finding is", "recorded findings are")
            ));
        }
        writeln!(out, "{}", paint("1;36", &line))?;
    }
    let summary = format!(
        "{} checked: {}, {}, {} info",
        count(report.files, "file", "files"),
        count(report.count(Severity::Error), "error", "errors"),
        count(report.count(Severity::Warning), "warning", "warnings"),
        report.count(Severity::Info)
    );
    let code = if report.has_errors() { "1;31" } else { "1;32" };
    writeln!(out, "{}", paint(code, &summary))
}

/// Thai vowel and tone marks above/below take no column of their own.
fn is_zero_width(c: char) -> bool {
    matches!(c as u32, 0x0E31 | 0x0E34..=0x0E3A | 0x0E47..=0x0E4E | 0x200B..=0x200F)
}

fn path_string(p: &Path) -> String {
    let relative = |cwd: &Path| p.strip_prefix(cwd).ok().map(Path::to_path_buf);
    let p = CWD
        .with(|known| match &*known.borrow() {
            Some(cwd) => relative(cwd),
            None => std::env::current_dir().ok().and_then(|cwd| relative(&cwd)),
        })
        .unwrap_or_else(|| p.to_path_buf());
    p.to_string_lossy().replace('\\', "/")
}

thread_local! {
    /// The current folder while [`write`] writes a report (read once, not once a path).
    static CWD: std::cell::RefCell<Option<std::path::PathBuf>> = const { std::cell::RefCell::new(None) };
}

/// Holds the current folder in [`CWD`] until dropped.
struct CurrentDir;

impl CurrentDir {
    fn read_once() -> CurrentDir {
        CWD.with(|c| *c.borrow_mut() = std::env::current_dir().ok());
        CurrentDir
    }
}

impl Drop for CurrentDir {
    fn drop(&mut self) {
        CWD.with(|c| *c.borrow_mut() = None);
    }
}

/// A page box in points as JSON numbers: to the hundredth of a point, written short
/// (`61.46`, not the `61.459999084472656` an `f32` widens to).
fn points(b: [f32; 4]) -> [f64; 4] {
    b.map(|v| (f64::from(v) * 100.0).round() / 100.0)
}

/// The stable JSON shape.
/// One finding as JSON; a finding at a source carries its outputs' findings under
/// `outputs`, each in the same shape.
fn finding_json(f: &Finding) -> Value {
    let mut v = json!({
        "rule": f.rule,
        "severity": f.severity,
        "path": path_string(&f.location.path),
        "line": f.location.line,
        "column": f.location.column,
        "message": f.message,
        "expected": f.expected,
        "found": f.found,
    });
    if let Some(fix) = &f.fix {
        v["fix"] = json!(fix);
    }
    if let Some(e) = &f.edit {
        // the machine fix `--fix` applies: bytes start..end of path become replacement
        v["edit"] = json!({
            "path": path_string(&e.path),
            "start": e.start,
            "end": e.end,
            "replacement": e.replacement,
        });
    }
    if let Some(page) = f.location.page {
        v["page"] = json!(page);
    }
    if let Some(b) = f.location.pixel_box {
        v["pixel_box"] = json!(b);
    }
    if let Some(b) = f.location.page_box {
        v["page_box"] = json!(points(b));
    }
    if let Some(s) = &f.source {
        v["source"] = json!({
            "path": path_string(&s.path),
            "line": s.line,
            "column": s.column,
        });
    }
    if !f.outputs.is_empty() {
        v["outputs"] = f.outputs.iter().map(finding_json).collect();
    }
    v
}

pub fn json_value(report: &LintReport) -> Value {
    let findings: Vec<Value> = report.findings.iter().map(finding_json).collect();
    let mut v = json!({
        "findings": findings,
        "summary": {
            "files": report.files,
            "errors": report.count(Severity::Error),
            "warnings": report.count(Severity::Warning),
        }
    });
    // with --baseline: `findings` are the new ones; what the baseline recorded is apart
    if let Some(b) = &report.baseline {
        v["baselined"] = b.findings.iter().map(finding_json).collect();
        v["summary"]["baselined"] = json!(b.findings.len());
        v["summary"]["baseline_absent"] = json!(b.absent);
    }
    v
}

/// What stays as it is in a path segment of a URI: RFC 3986's unreserved characters.
/// Everything else — spaces, `#`, `%`, `?`, `:`, non-ASCII (Thai file names) — is
/// percent-encoded as UTF-8.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A SARIF `artifactLocation.uri`: a relative reference for paths under the current
/// folder (as `path_string` shows them), a `file://` URI for absolute ones, each segment
/// percent-encoded (SARIF 2.1.0 §3.10.3 requires URIs per RFC 3986).
pub fn artifact_uri(p: &Path) -> String {
    let shown = path_string(p);
    let absolute = shown.starts_with('/');
    let encoded: Vec<String> = shown
        .split('/')
        .map(|segment| utf8_percent_encode(segment, SEGMENT).to_string())
        .collect();
    let path = encoded.join("/");
    if absolute {
        format!("file://{path}")
    } else {
        path
    }
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// FNV-1a, 64 bit: a fingerprint that stays the same across runs and versions.
fn fnv1a(data: &str) -> u64 {
    data.bytes().fold(0xcbf29ce484222325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100000001b3)
    })
}

/// A fingerprint of a finding that survives line moves: rule, path, the found value and
/// the trimmed text of its source line — not the line number.
pub fn fingerprint(f: &Finding, line_text: &str) -> String {
    let key = format!(
        "{}\u{0}{}\u{0}{}\u{0}{}",
        f.rule,
        path_string(&f.location.path),
        f.found.as_deref().unwrap_or(""),
        line_text.trim()
    );
    format!(
        "{:016x}{:016x}",
        fnv1a(&key),
        fnv1a(&format!("brandpress:{key}"))
    )
}

/// SARIF 2.1.0.
pub fn sarif_value(report: &LintReport) -> Value {
    let rule_objects: Vec<Value> = RULES.iter().map(|r| sarif_rule(r)).collect();
    let baselined = report.baseline.iter().flat_map(|b| &b.findings);
    let mut results: Vec<Value> = report
        .findings
        .iter()
        .chain(baselined)
        .map(|f| {
            let index = RULES.iter().position(|r| r.id == f.rule).unwrap_or(0);
            let line_text = f.excerpt.as_ref().map_or("", |e| e.text.as_str());
            let mut text = f.message.clone();
            if let Some(e) = &f.expected {
                text.push_str(&format!(" Expected: {e}."));
            }
            if let Some(fix) = &f.fix {
                text.push_str(&format!(" Fix: {fix}."));
            }
            let mut physical = json!({
                "artifactLocation": { "uri": artifact_uri(&f.location.path) },
            });
            if let Some(line) = f.location.line {
                physical["region"] = json!({
                    "startLine": line,
                    "startColumn": f.location.column.unwrap_or(1),
                });
            }
            let mut result = json!({
                "ruleId": f.rule,
                "ruleIndex": index,
                "level": sarif_level(f.severity),
                "message": { "text": text },
                "locations": [{ "physicalLocation": physical }],
                "partialFingerprints": { "brandpressFinding/v1": fingerprint(f, line_text) },
            });
            // a place on a picture, which a SARIF region (text or bytes) cannot hold: in the
            // result's property bag (SARIF §3.8), under the names the JSON report uses
            let mut places = serde_json::Map::new();
            if let Some(page) = f.location.page {
                places.insert("page".into(), json!(page));
            }
            if let Some(b) = f.location.pixel_box {
                places.insert("pixel_box".into(), json!(b));
            }
            if let Some(b) = f.location.page_box {
                places.insert("page_box".into(), json!(points(b)));
            }
            if !places.is_empty() {
                result["properties"] = Value::Object(places);
            }
            if !f.outputs.is_empty() {
                // the outputs that carry a problem found at its source (SARIF §3.27.22)
                let related: Vec<Value> = f
                    .outputs
                    .iter()
                    .enumerate()
                    .map(|(i, o)| {
                        let mut physical = json!({
                            "artifactLocation": { "uri": artifact_uri(&o.location.path) },
                        });
                        if let Some(line) = o.location.line {
                            physical["region"] = json!({
                                "startLine": line,
                                "startColumn": o.location.column.unwrap_or(1),
                            });
                        }
                        json!({
                            "id": i + 1,
                            "physicalLocation": physical,
                            "message": { "text": o.message },
                        })
                    })
                    .collect();
                result["relatedLocations"] = json!(related);
            }
            result
        })
        .collect();
    if report.baseline.is_some() {
        // SARIF §3.27.24: new against the baseline, or recorded in it
        for (i, r) in results.iter_mut().enumerate() {
            r["baselineState"] = json!(if i < report.findings.len() {
                "new"
            } else {
                "unchanged"
            });
        }
    }
    let mut driver = json!({
        "name": "brandpress",
        "version": env!("CARGO_PKG_VERSION"),
        "rules": rule_objects,
    });
    if !REPOSITORY.is_empty() {
        driver["informationUri"] = json!(REPOSITORY);
    }
    json!({
        "$schema": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": driver },
            "results": results,
        }]
    })
}

/// The repository's URL (`repository` in Cargo.toml), empty when the package names none.
const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// A rule's SARIF `reportingDescriptor`, all from the registry. Its `help` carries the
/// rule's whole documentation (what `docs/rules/<id>.md` holds), which GitHub code scanning
/// shows beside each alert; `helpUri` points at that file in the repository when Cargo.toml
/// names the repository.
pub fn sarif_rule(r: &Rule) -> Value {
    let mut rule = json!({
        "id": r.id,
        "name": r.id.replace(['/', '-'], "_"),
        "shortDescription": { "text": r.summary },
        "fullDescription": { "text": r.rationale },
        "help": { "text": r.to_string(), "markdown": r.markdown() },
        "defaultConfiguration": { "level": sarif_level(r.severity) },
        "properties": { "docs": r.doc_path(), "fixable": r.fix.is_some() },
    });
    if !REPOSITORY.is_empty() {
        rule["helpUri"] = json!(format!(
            "{}/blob/v{}/{}",
            REPOSITORY.trim_end_matches('/'),
            env!("CARGO_PKG_VERSION"),
            r.doc_path()
        ));
    }
    rule
}

/// Escapes a workflow-command message (`%`, CR, LF).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow-command property (data escapes plus `:` and `,`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::Location;

    const PAGE: &str = "tests/fixtures/lint/agency/agency-page.html";

    /// A report as lint makes it: the finding carries its line of the page.
    fn report() -> LintReport {
        let mut findings = vec![
            Finding::new(
                &crate::lint::rules::COLOR_OFF_PALETTE,
                Location::at(PAGE, 8, 36),
                "#E63946 is not a brand color, 100%: a, b",
            )
            .found("#E63946")
            .fix("use var(--color-roast) / #6B3E26"),
        ];
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(root.join(PAGE)).unwrap();
        crate::lint::finding::attach_excerpts(&mut findings, Path::new(PAGE), &text);
        LintReport {
            files: 1,
            findings,
            ..Default::default()
        }
    }

    #[test]
    fn reporters_read_no_files() {
        // A finding pointing into a file lint never read (no excerpt): the reporters
        // print its location, never its lines.
        let tmp = tempfile::tempdir().unwrap();
        let secret = tmp.path().join("secret.css");
        std::fs::write(&secret, "SECRET-LINE { color: red }\n").unwrap();
        let report = LintReport {
            files: 1,
            findings: vec![Finding::new(
                &crate::lint::rules::COLOR_OFF_PALETTE,
                Location::at(&secret, 1, 1),
                "ไม่ใช่สีของแบรนด์",
            )],
            ..Default::default()
        };
        for format in [
            Format::Human,
            Format::Json,
            Format::Sarif,
            Format::Github,
            Format::Rdjson,
        ] {
            let mut out = Vec::new();
            write(&report, format, true, &mut out).unwrap();
            let s = String::from_utf8(out).unwrap();
            assert!(!s.contains("SECRET-LINE"), "{format:?}: {s}");
            assert!(s.contains("secret.css"), "{format:?}: {s}");
        }
    }

    #[test]
    fn sarif_uris_are_percent_encoded() {
        let thai = "รายงาน ฉบับ#1 100%.html";
        assert_eq!(
            artifact_uri(Path::new(&format!("out/web/{thai}"))),
            "out/web/%E0%B8%A3%E0%B8%B2%E0%B8%A2%E0%B8%87%E0%B8%B2%E0%B8%99%20%E0%B8%89%E0%B8%9A%E0%B8%B1%E0%B8%9A%231%20100%25.html"
        );
        assert_eq!(
            artifact_uri(Path::new("/tmp/a b/x.html")),
            "file:///tmp/a%20b/x.html"
        );
        assert_eq!(artifact_uri(Path::new("a-b_c~d.e/f")), "a-b_c~d.e/f");
        // every URI parses back to the path
        let uri = artifact_uri(Path::new(&format!("/tmp/{thai}")));
        let parsed = url::Url::parse(&uri).unwrap();
        assert_eq!(
            parsed.to_file_path().unwrap(),
            Path::new(&format!("/tmp/{thai}"))
        );
    }

    #[test]
    fn github_escapes_properties_and_data() {
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        let mut out = Vec::new();
        github(&report(), &mut out).unwrap();
        let s = String::from_utf8(out).unwrap();
        assert!(s.starts_with("::error file=tests/fixtures/lint/agency/agency-page.html,line=8,col=36,title=color/off-palette::#E63946 is not a brand color, 100%25: a, b%0Ahelp: use var(--color-roast) / #6B3E26\n"), "{s}");
    }

    #[test]
    fn human_has_excerpt_and_caret() {
        let mut out = Vec::new();
        human(&report(), false, true, &mut out).unwrap();
        let s = String::from_utf8(out).unwrap();
        assert!(s.contains("error[color/off-palette]: #E63946"), "{s}");
        assert!(s.contains("--> tests/fixtures/lint/agency/agency-page.html:8:36"));
        let caret = s.lines().find(|l| l.trim_end().ends_with('^')).unwrap();
        let src = s.lines().find(|l| l.contains("#E63946;")).unwrap();
        assert_eq!(
            caret.find('^').unwrap(),
            src.find("#E63946;").unwrap(),
            "caret under the column:\n{s}"
        );
        assert!(s.contains("= help: use var(--color-roast)"));
    }

    #[test]
    fn fingerprints_ignore_line_numbers() {
        let mut f = report().findings.remove(0);
        let a = fingerprint(&f, "  .promo { border-top: 4px solid #E63946; }");
        f.location.line = Some(40);
        assert_eq!(
            a,
            fingerprint(&f, ".promo { border-top: 4px solid #E63946; }  ")
        );
        f.found = Some("#E63947".into());
        assert_ne!(
            a,
            fingerprint(&f, ".promo { border-top: 4px solid #E63946; }")
        );
    }
}
