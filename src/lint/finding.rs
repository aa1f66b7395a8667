//! Findings: what every lint rule produces, and every reporter formats.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

use crate::registry::Rule;
pub use crate::registry::Severity;

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
    /// `[x, y, width, height]` in PDF points on `page`, origin at the top-left corner of
    /// the page's CropBox (MediaBox when it has none), y down: where a renderer drawing
    /// the page draws the object the finding is about.
    pub page_box: Option<[f32; 4]>,
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
        if let Some([x, y, w, h]) = self.page_box {
            write!(f, " (at {x:.0},{y:.0} pt, {w:.0}×{h:.0} pt)")?;
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
    /// A suggested fix, where there is one, in words.
    pub fix: Option<String>,
    /// The same fix as an edit `brandpress lint --fix`, the editor server and reviewdog can
    /// apply, where the rule is fixable and the fix is safe.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edit: Option<Edit>,
    /// The source to fix instead of the output (Markdown line, guide key), where known.
    pub source: Option<Location>,
    /// The line the finding points at, taken when the file was linted, so reporters
    /// never read a file again (and so never read one that was not linted).
    #[serde(skip)]
    pub excerpt: Option<Excerpt>,
    /// For a finding at a source that several outputs carry (a banned word in a piece's
    /// Markdown shows in its page, email, card and PDF): each output's own finding.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub outputs: Vec<Finding>,
}

/// A machine-applicable fix: bytes `start..end` of `path`, as the file was read when it
/// was linted, are replaced by `replacement`. Offsets are byte offsets, so an edit never
/// splits a Thai character; everything outside the range is kept byte for byte.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    /// The file to edit: the finding's own file, or the source it came from.
    pub path: PathBuf,
    /// Byte offset of the first byte replaced.
    pub start: usize,
    /// Byte offset just after the last byte replaced (`start` for an insertion).
    pub end: usize,
    pub replacement: String,
}

/// A source line (cut to a window around the finding's column when it is long).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excerpt {
    pub text: String,
    /// 1-based column of the finding in `text`, in characters.
    pub column: usize,
}

/// Characters kept before and after the column of a long line (minified pages have
/// lines of megabytes; each finding keeps only this much of its line).
const EXCERPT_BEFORE: usize = 100;
const EXCERPT_AFTER: usize = 140;

impl Excerpt {
    /// The excerpt of 1-based `line` at 1-based `column` of `text`; `None` if there is no
    /// such line.
    pub fn of(
        lines: &crate::lint::html::LineIndex,
        text: &str,
        line: usize,
        column: usize,
    ) -> Option<Excerpt> {
        let line_text = lines.line_text(text, line)?;
        let col = column.max(1) - 1;
        let skip = col.saturating_sub(EXCERPT_BEFORE);
        let take = col - skip + EXCERPT_AFTER;
        let mut chars = line_text.chars().skip(skip);
        let mut cut: String = chars.by_ref().take(take).collect();
        let mut column = col - skip + 1;
        if skip > 0 {
            cut.insert(0, '…');
            column += 1;
        }
        if chars.next().is_some() {
            cut.push('…');
        }
        Some(Excerpt { text: cut, column })
    }
}

/// Gives every finding located in `path` (at a line) its excerpt from `text`, the file's
/// contents. Binary files (with NUL bytes) get none.
pub fn attach_excerpts(findings: &mut [Finding], path: &std::path::Path, text: &str) {
    if text.contains('\0') {
        return;
    }
    let mut lines = None;
    for f in findings.iter_mut() {
        if f.excerpt.is_some() || f.location.path != path {
            continue;
        }
        let Some(line) = f.location.line else {
            continue;
        };
        let lines = lines.get_or_insert_with(|| crate::lint::html::LineIndex::new(text));
        f.excerpt = Excerpt::of(lines, text, line, f.location.column.unwrap_or(1));
    }
}

impl Finding {
    /// A finding of `rule` with the rule's default severity (the registry is the one
    /// source of it; `[lint.rules]` may change it later, per project).
    pub fn new(rule: &'static Rule, location: Location, message: impl Into<String>) -> Self {
        Finding {
            rule: rule.id,
            severity: rule.severity,
            location,
            message: message.into(),
            expected: None,
            found: None,
            fix: None,
            edit: None,
            source: None,
            excerpt: None,
            outputs: Vec::new(),
        }
    }

    /// Lowers (or raises) this finding's severity from the rule's default, for the few
    /// graduated rules whose registry rationale says when (`email/size` below Gmail's clip,
    /// `email/unsupported-css` inside `@media`…).
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
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

    /// Attaches a machine-applicable fix (see [`Edit`]).
    pub fn edit(mut self, edit: Edit) -> Self {
        self.edit = Some(edit);
        self
    }

    pub fn source(mut self, source: Location) -> Self {
        self.source = Some(source);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::html::LineIndex;

    #[test]
    fn excerpts_keep_a_window_of_long_lines() {
        let line = format!("{}ถูกที่สุด{}", "ก".repeat(5000), "x".repeat(5000));
        let text = format!("บรรทัดแรก\r\n{line}\n");
        let lines = LineIndex::new(&text);
        let e = Excerpt::of(&lines, &text, 1, 3).unwrap();
        assert_eq!(e.text, "บรรทัดแรก", "no line ending");
        let e = Excerpt::of(&lines, &text, 2, 5001).unwrap();
        assert!(e.text.starts_with('…') && e.text.ends_with('…'));
        assert!(e.text.chars().count() <= EXCERPT_BEFORE + EXCERPT_AFTER + 2);
        let at: String = e.text.chars().skip(e.column - 1).take(9).collect();
        assert_eq!(at, "ถูกที่สุด", "the column points at the same text");
        assert!(Excerpt::of(&lines, &text, 9, 1).is_none());
    }
}
