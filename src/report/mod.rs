//! Reporters: each formats a [`LintReport`]; none decides anything.

use std::io::Write;

use serde_json::json;

use crate::lint::{LintReport, Severity};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For people: colored, with source excerpts.
    Human,
    /// Stable JSON: {"findings":[…],"summary":{…}}.
    Json,
    /// SARIF 2.1.0 for GitHub code scanning.
    Sarif,
    /// GitHub workflow-command annotations.
    Github,
}

pub fn write(report: &LintReport, format: Format, out: &mut dyn Write) -> std::io::Result<()> {
    match format {
        Format::Json => json(report, out),
        _ => human(report, out),
    }
}

fn human(report: &LintReport, out: &mut dyn Write) -> std::io::Result<()> {
    for f in &report.findings {
        writeln!(out, "{}[{}]: {}", f.severity, f.rule, f.message)?;
        writeln!(out, "  --> {}", f.location)?;
    }
    writeln!(
        out,
        "{} files checked: {} errors, {} warnings",
        report.files,
        report.count(Severity::Error),
        report.count(Severity::Warning)
    )
}

fn json(report: &LintReport, out: &mut dyn Write) -> std::io::Result<()> {
    let findings: Vec<_> = report
        .findings
        .iter()
        .map(|f| {
            json!({
                "rule": f.rule,
                "severity": f.severity,
                "path": f.location.path,
                "line": f.location.line,
                "column": f.location.column,
                "message": f.message,
                "expected": f.expected,
                "found": f.found,
            })
        })
        .collect();
    let value = json!({
        "findings": findings,
        "summary": {
            "files": report.files,
            "errors": report.count(Severity::Error),
            "warnings": report.count(Severity::Warning),
        }
    });
    serde_json::to_writer_pretty(&mut *out, &value)?;
    writeln!(out)
}
