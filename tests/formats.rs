//! Every `--format` of `lint` and `check` prints a report that parses, and nothing else, on
//! stdout: a CI job uploads the JSON or SARIF as it is, so a progress line or the build
//! summary in front of it breaks the upload. The build summary goes to stderr.

mod support;
use std::path::PathBuf;
use std::process::{Command, Output};
use support::copy_dir;

use serde_json::Value;

const FORMATS: [&str; 5] = ["human", "json", "sarif", "github", "rdjson"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_brandpress"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("runs brandpress");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{args:?} exited {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// "3 files checked: 1 error, 2 warnings[, 0 info]", with nouns that agree with the counts.
fn check_summary(line: &str) {
    let words: Vec<&str> = line
        .split([' ', ',', ':'])
        .filter(|w| !w.is_empty())
        .collect();
    assert!(
        words.len() >= 6 && words[1].starts_with("file") && words[2] == "checked",
        "not a summary line: {line:?}"
    );
    for pair in words.chunks(2).filter(|p| p.len() == 2) {
        let (Ok(n), noun) = (pair[0].parse::<usize>(), pair[1]) else {
            continue;
        };
        if noun == "info" {
            continue;
        }
        assert_eq!(
            n == 1,
            !noun.ends_with('s'),
            "{n} {noun} in the summary {line:?}"
        );
    }
}

/// Checks that `stdout` is a complete report in `format` with `files` files, and returns
/// its number of findings.
fn parse(format: &str, stdout: &str) -> usize {
    match format {
        "json" => {
            let v: Value = serde_json::from_str(stdout).expect("stdout is one JSON document");
            let findings = v["findings"].as_array().expect("findings");
            assert!(v["summary"].is_object(), "{v}");
            for f in findings {
                assert!(f["rule"].is_string() && f["severity"].is_string(), "{f}");
            }
            findings.len()
        }
        "sarif" => {
            let v: Value = serde_json::from_str(stdout).expect("stdout is one SARIF document");
            assert_eq!(v["version"], "2.1.0");
            let run = &v["runs"][0];
            assert_eq!(run["tool"]["driver"]["name"], "brandpress");
            run["results"].as_array().expect("results").len()
        }
        "github" => {
            let lines: Vec<&str> = stdout.lines().collect();
            let (summary, commands) = lines.split_last().expect("a summary line");
            check_summary(summary);
            // annotations (10 of each type at most), then the rest as plain log lines
            // between ::stop-commands::TOKEN and ::TOKEN::
            let mut findings = 0;
            let mut stopped: Option<String> = None;
            for c in commands {
                if let Some(token) = &stopped {
                    if *c == format!("::{token}::") {
                        stopped = None;
                    } else {
                        assert!(c.contains("]: "), "not a finding: {c:?}");
                        findings += 1;
                    }
                    continue;
                }
                let (head, message) = c
                    .strip_prefix("::")
                    .and_then(|c| c.split_once("::"))
                    .unwrap_or_else(|| panic!("not a workflow command: {c:?}"));
                if let Some(token) = head.strip_prefix("stop-commands") {
                    stopped = Some(message.to_string());
                    assert!(token.is_empty());
                    continue;
                }
                if head.starts_with("group") || head.starts_with("endgroup") {
                    continue;
                }
                if head == "notice title=brandpress" {
                    assert!(message.contains("not shown as annotations"), "{c}");
                    continue;
                }
                let (level, props) = head.split_once(' ').expect("level and properties");
                assert!(["error", "warning", "notice"].contains(&level), "{c}");
                assert!(props.contains("file=") && props.contains("title="), "{c}");
                findings += 1;
            }
            assert!(stopped.is_none(), "commands switched back on");
            findings
        }
        "rdjson" => {
            let v: Value = serde_json::from_str(stdout).expect("stdout is one rdjson document");
            assert_eq!(v["source"]["name"], "brandpress");
            v["diagnostics"].as_array().expect("diagnostics").len()
        }
        _ => {
            let summary = stdout.lines().last().expect("a summary line");
            check_summary(summary);
            stdout
                .lines()
                .filter(|l| {
                    ["error[", "warning[", "info["]
                        .iter()
                        .any(|p| l.starts_with(p))
                })
                .count()
        }
    }
}

#[test]
fn every_lint_format_prints_only_a_report_that_parses() {
    let project = root();
    let page = root().join("tests/fixtures/lint/agency/agency-page.html");
    let email = root().join("tests/fixtures/email/agency-promo.html");
    let md = root().join("content/winter-2026/cold-brew-winter.md");
    let mut counts = Vec::new();
    let lint = |format: &str, verbose: bool| {
        let mut args = vec![
            "lint",
            "--project",
            project.to_str().unwrap(),
            "--format",
            format,
            page.to_str().unwrap(),
            email.to_str().unwrap(),
            md.to_str().unwrap(),
        ];
        if verbose {
            args.push("--verbose");
        }
        String::from_utf8(run(&args).stdout).expect("UTF-8 report")
    };
    for format in FORMATS {
        // human output shows every info finding only with --verbose
        let stdout = lint(format, format == "human");
        counts.push((format, parse(format, &stdout)));
    }
    // without it, one line per rule counts them
    let quiet = lint("human", false);
    let info: Vec<&str> = quiet.lines().filter(|l| l.starts_with("info[")).collect();
    assert!(
        !info.is_empty(),
        "the email fixture has info findings: {quiet}"
    );
    assert!(
        info.iter().all(|l| l.ends_with("(--verbose shows them)")),
        "{info:#?}"
    );
    let rules: std::collections::BTreeSet<&str> =
        info.iter().map(|l| l.split(']').next().unwrap()).collect();
    assert_eq!(rules.len(), info.len(), "one line per rule: {info:#?}");
    // The agency files break the guide: every format reports the same findings (GitHub's
    // as annotations and, past 10 of a type, as log lines).
    let json = counts.iter().find(|c| c.0 == "json").unwrap().1;
    assert!(json > 0, "{counts:?}");
    for (_, n) in &counts {
        assert_eq!(*n, json, "{counts:?}");
    }
}

#[test]
fn every_check_format_keeps_the_build_summary_off_stdout() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("project");
    for part in ["brand", "content", "templates"] {
        copy_dir(&root().join(part), &project.join(part));
    }
    for format in FORMATS {
        let out = run(&[
            "check",
            "--project",
            project.to_str().unwrap(),
            "--format",
            format,
        ]);
        let stdout = String::from_utf8(out.stdout).expect("UTF-8 report");
        let stderr = String::from_utf8_lossy(&out.stderr);
        if format == "human" {
            // For people the build line comes first, on stdout.
            let first = stdout.lines().next().unwrap_or("");
            assert!(first.starts_with("built "), "{stdout}");
            parse(format, &stdout);
        } else {
            assert!(
                stderr.contains("built ") && !stdout.contains("built "),
                "{format}: the build summary belongs on stderr\nstdout: {stdout}\nstderr: {stderr}"
            );
            parse(format, &stdout);
        }
        // "built 4 pieces: 41 files": counts agree with their nouns.
        let line = stdout
            .lines()
            .chain(stderr.lines())
            .find(|l| l.starts_with("built "))
            .expect("a build summary");
        let words: Vec<&str> = line.split([' ', ':']).filter(|w| !w.is_empty()).collect();
        assert_eq!(words[1].parse::<usize>().unwrap() == 1, words[2] == "piece");
    }
}

#[test]
fn one_piece_is_one_piece() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("project");
    for part in ["brand", "templates"] {
        copy_dir(&root().join(part), &project.join(part));
    }
    let content = project.join("content");
    std::fs::create_dir_all(&content).unwrap();
    std::fs::copy(
        root().join("content/winter-2026/cold-brew-winter.md"),
        content.join("cold-brew-winter.md"),
    )
    .unwrap();
    if let Ok(hero) = std::fs::read(root().join("content/winter-2026/cold-brew.svg")) {
        std::fs::write(content.join("cold-brew.svg"), hero).unwrap();
    }
    let out = run(&["build", "--project", project.to_str().unwrap()]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.starts_with("built 1 piece: "), "{stdout}");
}
