//! Findings: what every lint rule produces, and every reporter formats.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        })
    }
}

/// Where a finding is: a line and column for text, a page for PDF, a pixel box for images.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Location {
    pub path: PathBuf,
    /// 1-based.
    pub line: Option<usize>,
    /// 1-based, in characters.
    pub column: Option<usize>,
    /// 1-based PDF page.
    pub page: Option<usize>,
    /// `[x, y, width, height]` in pixels.
    pub pixel_box: Option<[u32; 4]>,
}

impl Location {
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Location {
            path: path.into(),
            ..Default::default()
        }
    }

    pub fn at(path: impl Into<PathBuf>, line: usize, column: usize) -> Self {
        Location {
            path: path.into(),
            line: Some(line),
            column: Some(column),
            ..Default::default()
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        if let Some(page) = self.page {
            write!(f, " (page {page})")?;
        }
        if let Some([x, y, w, h]) = self.pixel_box {
            write!(f, " (pixels {x},{y} {w}×{h})")?;
        }
        Ok(())
    }
}

/// One problem found by one rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Stable rule id, e.g. `color/off-palette`.
    pub rule: &'static str,
    pub severity: Severity,
    pub location: Location,
    pub message: String,
    /// What the guide expects (e.g. `forest #1F5C4A`).
    pub expected: Option<String>,
    /// What was found (e.g. `#215E4C`).
    pub found: Option<String>,
    /// A suggested fix, where there is one.
    pub fix: Option<String>,
    /// The source to fix instead of the output (Markdown line, guide key), where known.
    pub source: Option<Location>,
}

impl Finding {
    pub fn new(
        rule: &'static str,
        severity: Severity,
        location: Location,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            rule,
            severity,
            location,
            message: message.into(),
            expected: None,
            found: None,
            fix: None,
            source: None,
        }
    }

    pub fn expected(mut self, expected: impl Into<String>) -> Self {
        self.expected = Some(expected.into());
        self
    }

    pub fn found(mut self, found: impl Into<String>) -> Self {
        self.found = Some(found.into());
        self
    }

    pub fn fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }

    pub fn source(mut self, source: Location) -> Self {
        self.source = Some(source);
        self
    }
}
