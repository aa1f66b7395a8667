//! `brandpress lint`: checks any output — ours or one made by hand — against the guide.
//!
//! Files are found under the given paths, their kind is detected by content, and each
//! kind's linter (`lint/<kind>`) runs in parallel. Rules produce [`Finding`]s; the guide's
//! `[lint.rules]` then sets or turns off each rule's severity; reporters (`report/`) only
//! format.

pub mod email;
pub mod finding;
pub mod guide;
pub mod html;
pub mod ignore;
pub mod image;
pub mod markdown;
pub mod pdf;
pub mod rules;
pub mod tone;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

pub use finding::{Finding, Location, Severity};

use crate::brand::{Guide, RuleLevel};
use crate::error::{Error, Result};

/// What a file is, detected from its bytes (not its name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Html,
    /// HTML written for email clients (table layout / MSO conditionals / email meta).
    EmailHtml,
    Png,
    Jpeg,
    Pdf,
    /// A MIME message (`.eml`).
    Eml,
    Markdown,
    /// Anything else (CSS, fonts, …): not linted on its own.
    Other,
}

/// Detects a file's kind from its first bytes, using the extension only to tell text
/// formats apart.
pub fn detect_kind(path: &Path, bytes: &[u8]) -> FileKind {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return FileKind::Png;
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return FileKind::Jpeg;
    }
    if bytes.starts_with(b"%PDF-") {
        return FileKind::Pdf;
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if ext == "md" || ext == "markdown" {
        return FileKind::Markdown;
    }
    let trimmed = head.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with("<!doctype html")
        || trimmed.starts_with("<html")
        || ext == "html"
        || ext == "htm"
    {
        let email = head.contains("<!--[if mso")
            || head.contains("x-apple-disable-message-reformatting")
            || head.contains("urn:schemas-microsoft-com:office");
        return if email {
            FileKind::EmailHtml
        } else {
            FileKind::Html
        };
    }
    let mime = [
        "mime-version:",
        "content-type: multipart",
        "from:",
        "subject:",
    ];
    if ext == "eml" || mime.iter().filter(|h| head.contains(*h)).count() >= 2 {
        return FileKind::Eml;
    }
    FileKind::Other
}

/// What the linters share: built once per run, used by every thread.
pub struct LintContext<'a> {
    pub guide: &'a Guide,
    /// The palette with Lab values computed once.
    pub palette: rules::color::Palette,
    /// The brand fonts' cmaps, loaded once.
    pub fonts: rules::glyph::BrandFonts,
    /// Linked stylesheets by canonical path, parsed once.
    sheets: Mutex<HashMap<PathBuf, Arc<html::LinkedSheet>>>,
}

impl<'a> LintContext<'a> {
    pub fn new(guide: &'a Guide) -> LintContext<'a> {
        LintContext {
            guide,
            palette: rules::color::Palette::new(guide),
            fonts: rules::glyph::BrandFonts::load(guide),
            sheets: Mutex::new(HashMap::new()),
        }
    }

    /// A linked stylesheet, read and parsed on first use; `true` the first time (the
    /// caller then reports the sheet's own findings, so they appear once per run).
    pub fn linked_sheet(&self, path: &Path) -> Option<(Arc<html::LinkedSheet>, bool)> {
        let key = path.canonicalize().ok()?;
        let mut sheets = self.sheets.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = sheets.get(&key) {
            return Some((s.clone(), false));
        }
        let text = std::fs::read_to_string(path).ok()?;
        let sheet = Arc::new(html::css::Sheet::parse(&text, 0));
        let linked = Arc::new(html::LinkedSheet {
            path: crate::brand::display_path(path),
            text,
            sheet,
        });
        sheets.insert(key, linked.clone());
        Some((linked, true))
    }
}

/// The result of a lint run.
#[derive(Debug, Default)]
pub struct LintReport {
    pub files: usize,
    pub findings: Vec<Finding>,
}

impl LintReport {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }
}

/// Every file under `paths` (files or directories), sorted.
pub fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if !path.exists() {
            return Err(Error::file(path, "no such file or directory"));
        }
        for entry in walkdir::WalkDir::new(path).sort_by_file_name() {
            let entry = entry.map_err(|e| Error::file(path, e))?;
            if entry.file_type().is_file() {
                files.push(entry.into_path());
            }
        }
    }
    files.sort();
    files.dedup();
    Ok(files)
}

/// Lints every file under `paths` in parallel.
///
/// Fails (exit 2) on unknown rule ids in `[lint.rules]`; the guide's own findings
/// (`guide/*`) come first in the report.
pub fn lint_paths(ctx: &LintContext, paths: &[PathBuf]) -> Result<LintReport> {
    rules::validate_levels(ctx.guide)?;
    let files = collect_files(paths)?;
    let results: Vec<Result<Vec<Finding>>> =
        files.par_iter().map(|path| lint_file(ctx, path)).collect();
    let mut report = LintReport {
        files: files.len(),
        findings: guide::lint(ctx.guide),
    };
    for result in results {
        report.findings.extend(result?);
    }
    apply_levels(ctx.guide, &mut report.findings);
    report.findings.sort_by(|a, b| {
        (&a.location.path, a.location.line, a.location.column, a.rule).cmp(&(
            &b.location.path,
            b.location.line,
            b.location.column,
            b.rule,
        ))
    });
    Ok(report)
}

/// Lints one file.
pub fn lint_file(ctx: &LintContext, path: &Path) -> Result<Vec<Finding>> {
    let bytes = std::fs::read(path).map_err(|e| Error::file(path, e))?;
    Ok(match detect_kind(path, &bytes) {
        FileKind::Html => html::lint(ctx, path, &bytes),
        FileKind::EmailHtml => {
            let mut findings = html::lint(ctx, path, &bytes);
            findings.extend(email::lint(ctx, path, &bytes));
            findings
        }
        FileKind::Eml => email::lint(ctx, path, &bytes),
        FileKind::Png | FileKind::Jpeg => image::lint(ctx, path, &bytes),
        FileKind::Pdf => pdf::lint(ctx, path, &bytes),
        FileKind::Markdown => markdown::lint(ctx, path, &bytes),
        FileKind::Other => Vec::new(),
    })
}

/// Applies the guide's `[lint.rules]` severities; `off` drops the finding.
pub fn apply_levels(guide: &Guide, findings: &mut Vec<Finding>) {
    findings.retain_mut(|f| {
        let level = guide
            .lint
            .rules
            .iter()
            .find(|(k, _)| k.get_ref() == f.rule)
            .map(|(_, v)| *v);
        match level {
            Some(RuleLevel::Off) => false,
            Some(RuleLevel::Error) => {
                f.severity = Severity::Error;
                true
            }
            Some(RuleLevel::Warning) => {
                f.severity = Severity::Warning;
                true
            }
            Some(RuleLevel::Info) => {
                f.severity = Severity::Info;
                true
            }
            None => true,
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_kinds_by_content() {
        let p = Path::new("x.bin");
        assert_eq!(detect_kind(p, b"\x89PNG\r\n\x1a\n...."), FileKind::Png);
        assert_eq!(detect_kind(p, b"%PDF-1.7\n"), FileKind::Pdf);
        assert_eq!(
            detect_kind(p, b"<!DOCTYPE html><html lang=th>"),
            FileKind::Html
        );
        assert_eq!(
            detect_kind(
                p,
                b"<!doctype html><html><!--[if mso]><xml></xml><![endif]-->"
            ),
            FileKind::EmailHtml
        );
        assert_eq!(
            detect_kind(
                p,
                b"MIME-Version: 1.0\r\nSubject: x\r\nContent-Type: multipart/alternative"
            ),
            FileKind::Eml
        );
        assert_eq!(detect_kind(Path::new("a.md"), b"+++\n"), FileKind::Markdown);
        assert_eq!(detect_kind(Path::new("a.css"), b"body{}"), FileKind::Other);
    }
}
