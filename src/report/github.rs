//! `--format github`: GitHub Actions workflow commands.
//!
//! GitHub shows at most 10 annotations of each type (error, warning, notice) per step and
//! drops the rest without a word (actions/toolkit, `docs/problem-matchers.md`,
//! "Limitations"). So the report puts the highest severities first, annotates at most
//! [`ANNOTATIONS_PER_TYPE`] findings of each type, and says in one notice how many it left
//! out. The full list is never lost: every finding not annotated is printed as a plain
//! log line (`path:line:col: warning[rule]: message`) in a collapsed group of the job log,
//! with workflow commands switched off around it (`::stop-commands::`), since those lines
//! quote file names and text from the linted files. The last line is the summary.

use std::hash::{BuildHasher, Hasher};
use std::io::Write;

use super::{escape_data, escape_property, path_string};
use crate::i18n::count;
use crate::lint::{Finding, LintReport, Severity};

/// Annotations of one type GitHub shows per step.
pub const ANNOTATIONS_PER_TYPE: usize = 10;

/// The workflow command of a severity.
fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// One finding as an annotation.
fn annotation(f: &Finding) -> String {
    let mut props = vec![format!(
        "file={}",
        escape_property(&path_string(&f.location.path))
    )];
    if let Some(l) = f.location.line {
        props.push(format!("line={l}"));
    }
    if let Some(c) = f.location.column {
        props.push(format!("col={c}"));
    }
    props.push(format!("title={}", escape_property(f.rule)));
    let mut msg = f.message.clone();
    if let Some(fix) = &f.fix {
        msg.push_str(&format!("\nhelp: {fix}"));
    }
    for o in &f.outputs {
        msg.push_str(&format!("\nin: {}", o.location));
    }
    format!(
        "::{} {}::{}",
        level(f.severity),
        props.join(","),
        escape_data(&msg)
    )
}

/// Control characters (line breaks above all) as spaces: one finding, one log line.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// One finding as a plain log line, the way the human format heads it.
fn plain(f: &Finding) -> String {
    let label = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    };
    let mut line = format!("{}: {label}[{}]: {}", f.location, f.rule, f.message);
    if let Some(fix) = &f.fix {
        line.push_str(&format!(" (help: {fix})"));
    }
    if !f.outputs.is_empty() {
        let outputs: Vec<String> = f.outputs.iter().map(|o| o.location.to_string()).collect();
        line.push_str(&format!(" (in: {})", outputs.join(", ")));
    }
    one_line(&line)
}

/// A token nobody can guess from the linted files, to switch workflow commands back on.
fn stop_token() -> String {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.write_u32(std::process::id());
    format!("brandpress-{:016x}", h.finish())
}

/// GitHub workflow commands: the annotations GitHub will show, a notice counting the rest,
/// the rest as plain lines, then the summary line.
pub fn github(report: &LintReport, out: &mut dyn Write) -> std::io::Result<()> {
    let severities = [Severity::Error, Severity::Warning, Severity::Info];
    let of = |s: Severity| report.findings.iter().filter(move |f| f.severity == s);
    let total = |s: Severity| of(s).count();
    // the notice counting what was left out takes one notice slot itself
    let over = severities.iter().any(|&s| total(s) > ANNOTATIONS_PER_TYPE);
    let limit = |s: Severity| match s {
        Severity::Info if over => ANNOTATIONS_PER_TYPE - 1,
        _ => ANNOTATIONS_PER_TYPE,
    };
    let mut rest: Vec<&Finding> = Vec::new();
    let mut left = Vec::new();
    for s in severities {
        for (i, f) in of(s).enumerate() {
            if i < limit(s) {
                writeln!(out, "{}", annotation(f))?;
            } else {
                rest.push(f);
            }
        }
        let n = total(s).saturating_sub(limit(s));
        if n > 0 {
            left.push(match s {
                Severity::Error => count(n, "more error", "more errors"),
                Severity::Warning => count(n, "more warning", "more warnings"),
                Severity::Info => count(n, "more notice", "more notices"),
            });
        }
    }
    if !rest.is_empty() {
        let list = match left.as_slice() {
            [one] => one.clone(),
            [init @ .., last] => format!("{} and {last}", init.join(", ")),
            [] => String::new(),
        };
        writeln!(
            out,
            "::notice title=brandpress::{}",
            escape_data(&format!(
                "brandpress: {list} not shown as annotations (GitHub shows {ANNOTATIONS_PER_TYPE} of each type per step); see the job log or the SARIF report"
            ))
        )?;
        writeln!(
            out,
            "::group::brandpress: {} not shown as annotations",
            count(rest.len(), "finding", "findings")
        )?;
        let token = stop_token();
        writeln!(out, "::stop-commands::{token}")?;
        for f in rest {
            writeln!(out, "{}", plain(f))?;
        }
        writeln!(out, "::{token}::")?;
        writeln!(out, "::endgroup::")?;
    }
    writeln!(
        out,
        "{} checked: {}, {}",
        count(report.files, "file", "files"),
        count(report.count(Severity::Error), "error", "errors"),
        count(report.count(Severity::Warning), "warning", "warnings")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::Location;
    use crate::lint::rules::{COLOR_OFF_PALETTE, TONE_PREFERRED_TERM};

    fn findings(rule: &'static crate::registry::Rule, n: usize, s: Severity) -> Vec<Finding> {
        (0..n)
            .map(|i| {
                Finding::new(
                    rule,
                    Location::at(format!("หน้า/{i}.html"), i + 1, 1),
                    format!("ข้อความ {i}"),
                )
                .with_severity(s)
            })
            .collect()
    }

    fn run(report: &LintReport) -> String {
        let mut out = Vec::new();
        github(report, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn ten_of_each_type_highest_first_and_the_rest_in_the_log() {
        // notices first in the report, then warnings, then errors
        let mut all = findings(&COLOR_OFF_PALETTE, 14, Severity::Info);
        all.extend(findings(&TONE_PREFERRED_TERM, 23, Severity::Warning));
        all.extend(findings(&COLOR_OFF_PALETTE, 3, Severity::Error));
        let s = run(&LintReport {
            files: 40,
            findings: all,
            ..Default::default()
        });
        let lines: Vec<&str> = s.lines().collect();
        let kind = |p: &str| lines.iter().filter(|l| l.starts_with(p)).count();
        assert_eq!(kind("::error "), 3, "{s}");
        assert_eq!(kind("::warning "), 10, "{s}");
        // nine notices and the one saying what was left out
        assert_eq!(kind("::notice file="), 9, "{s}");
        assert!(lines[0].starts_with("::error "), "errors first: {s}");
        assert!(lines[3].starts_with("::warning "), "{s}");
        let summary: Vec<&&str> = lines
            .iter()
            .filter(|l| l.starts_with("::notice title=brandpress::"))
            .collect();
        assert_eq!(summary.len(), 1, "{s}");
        assert!(
            summary[0].contains("13 more warnings and 5 more notices not shown as annotations"),
            "{s}"
        );
        // the 18 left out are in the log, one line each, commands switched off around them
        let stop = lines
            .iter()
            .position(|l| l.starts_with("::stop-commands::"))
            .unwrap();
        let token = lines[stop].strip_prefix("::stop-commands::").unwrap();
        let resume = lines
            .iter()
            .position(|l| *l == format!("::{token}::"))
            .unwrap();
        assert!(token.len() > 16);
        let plain = &lines[stop + 1..resume];
        assert_eq!(plain.len(), 18, "{s}");
        assert!(plain[0].starts_with("หน้า/10.html:11:1: warning[tone/preferred-term]: ข้อความ 10"));
        assert!(plain[17].contains(": info[color/off-palette]: ข้อความ 13"));
        assert_eq!(lines[resume + 1], "::endgroup::");
        assert_eq!(
            *lines.last().unwrap(),
            "40 files checked: 3 errors, 23 warnings"
        );
        // another run switches commands back on with another token
        let again = run(&LintReport {
            files: 1,
            findings: findings(&COLOR_OFF_PALETTE, 11, Severity::Error),
            ..Default::default()
        });
        assert!(!again.contains(token), "{again}");
        assert!(
            again.contains("brandpress: 1 more error not shown"),
            "{again}"
        );
    }

    #[test]
    fn under_the_limit_every_finding_is_an_annotation() {
        let mut all = findings(&COLOR_OFF_PALETTE, 10, Severity::Info);
        all.extend(findings(&COLOR_OFF_PALETTE, 10, Severity::Error));
        let s = run(&LintReport {
            files: 20,
            findings: all,
            ..Default::default()
        });
        assert_eq!(s.lines().filter(|l| l.starts_with("::notice ")).count(), 10);
        assert!(!s.contains("::group::") && !s.contains("not shown"), "{s}");
    }

    #[test]
    fn plain_lines_cannot_smuggle_commands() {
        let hostile = Finding::new(
            &COLOR_OFF_PALETTE,
            Location::at("a\n::error::pwned.html", 1, 1),
            "x\r\n::set-output name=y::z",
        );
        let line = plain(&hostile);
        assert!(!line.contains('\n') && !line.contains('\r'), "{line}");
    }
}
