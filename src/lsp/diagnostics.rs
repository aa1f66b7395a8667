//! Findings as LSP diagnostics and quick fixes, and the guide's load errors as
//! diagnostics on the file they name.

use std::ops::Range;
use std::path::{Path, PathBuf};

use lsp_types::{
    CodeAction, CodeActionKind, CodeDescription, Diagnostic, DiagnosticSeverity, NumberOrString,
    TextEdit, Url, WorkspaceEdit,
};

use super::position::{Encoding, Lines, LintLines};
use crate::error::Error;
use crate::lint::{Finding, Severity};
use crate::registry::Rule;

/// A finding of a document with the bytes of the document it covers.
#[derive(Debug, Clone)]
pub struct Located {
    pub finding: Finding,
    pub span: Range<usize>,
}

/// The bytes of `text` a finding covers: from its line and column to the end of its fix's
/// edit when that starts there, else of the text it found when that is what stands there,
/// else of the word (up to white space or `;`, `"`, `'`, `>`), at least one character. A
/// finding without a line covers the start of the file.
pub fn span(finding: &Finding, path: &Path, text: &str, lines: &LintLines) -> Range<usize> {
    let Some(start) = finding
        .location
        .line
        .and_then(|l| lines.offset(text, l, finding.location.column.unwrap_or(1)))
    else {
        return 0..0;
    };
    if let Some(edit) = &finding.edit
        && edit.path == path
        && edit.start == start
        && edit.end > start
        && edit.end <= text.len()
        && text.is_char_boundary(edit.end)
    {
        return start..edit.end;
    }
    let rest = &text[start..];
    if let Some(found) = finding.found.as_deref().filter(|f| !f.is_empty())
        && rest
            .get(..found.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(found))
    {
        return start..start + found.len();
    }
    let word = rest
        .find(|c: char| c.is_whitespace() || matches!(c, ';' | '"' | '\'' | '>'))
        .unwrap_or(rest.len());
    let word = if word == 0 {
        rest.chars().next().map_or(0, char::len_utf8)
    } else {
        word
    };
    start..start + word
}

/// Where a rule's documentation is: its page in the repository (as SARIF's `helpUri`) when
/// Cargo.toml names one, else the page in this source tree when it is there.
pub fn docs_url(rule: &Rule) -> Option<Url> {
    let repository = env!("CARGO_PKG_REPOSITORY");
    if !repository.is_empty() {
        return Url::parse(&format!(
            "{}/blob/v{}/{}",
            repository.trim_end_matches('/'),
            env!("CARGO_PKG_VERSION"),
            rule.doc_path()
        ))
        .ok();
    }
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join(rule.doc_path());
    if page.is_file() {
        Url::from_file_path(page).ok()
    } else {
        None
    }
}

fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

/// The diagnostic of a located finding: its rule as `code` (with a link to the rule's
/// page), severity, source `brandpress`, the message with what to write instead.
pub fn diagnostic(text: &str, lines: &Lines, enc: Encoding, l: &Located) -> Diagnostic {
    let f = &l.finding;
    let mut message = f.message.clone();
    if let Some(fix) = &f.fix {
        message.push_str("\nhelp: ");
        message.push_str(fix);
    }
    Diagnostic {
        range: lines.range(text, l.span.clone(), enc),
        severity: Some(severity(f.severity)),
        code: Some(NumberOrString::String(f.rule.to_string())),
        code_description: crate::lint::rules::info(f.rule)
            .and_then(docs_url)
            .map(|href| CodeDescription { href }),
        source: Some("brandpress".to_string()),
        message,
        ..Default::default()
    }
}

/// The quick fix of a located finding whose edit is in the document at `path`.
pub fn quick_fix(
    uri: &Url,
    path: &Path,
    text: &str,
    lines: &Lines,
    enc: Encoding,
    l: &Located,
) -> Option<CodeAction> {
    let edit = l.finding.edit.as_ref()?;
    if edit.path != path
        || edit.start > edit.end
        || edit.end > text.len()
        || !text.is_char_boundary(edit.start)
        || !text.is_char_boundary(edit.end)
    {
        return None;
    }
    let what = l
        .finding
        .fix
        .clone()
        .unwrap_or_else(|| format!("replace with “{}”", edit.replacement));
    let mut title: Vec<char> = what.chars().collect();
    if let Some(first) = title.first_mut() {
        *first = first.to_uppercase().next().unwrap_or(*first);
    }
    let title: String = title.into_iter().collect();
    let text_edit = TextEdit {
        range: lines.range(text, edit.start..edit.end, enc),
        new_text: edit.replacement.clone(),
    };
    Some(CodeAction {
        title: format!("{title} ({})", l.finding.rule),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic(text, lines, enc, l)]),
        edit: Some(WorkspaceEdit {
            changes: Some([(uri.clone(), vec![text_edit])].into_iter().collect()),
            ..Default::default()
        }),
        is_preferred: Some(true),
        ..Default::default()
    })
}

/// One load error of the guide: the file it names, its 1-based line and column (in
/// characters) when it has them, and the message.
#[derive(Debug, Clone, PartialEq)]
pub struct GuideError {
    pub path: PathBuf,
    pub at: Option<(usize, usize)>,
    pub message: String,
}

/// Every error in `e` (flattening several), each at its file (`guide`, the guide's path,
/// when it names none; relative paths are below `root`).
pub fn guide_errors(e: &Error, guide: &Path, root: &Path) -> Vec<GuideError> {
    let absolute = |p: &Path| {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            root.join(p)
        }
    };
    match e {
        Error::Many { errors } => errors
            .iter()
            .flat_map(|e| guide_errors(e, guide, root))
            .collect(),
        Error::At(source) => {
            let mut message = source.message.clone();
            if let Some(help) = miette::Diagnostic::help(&**source) {
                message.push_str(&format!("\nhelp: {help}"));
            }
            // `path:line:col`; the path may hold colons itself
            let mut parts = source.location.rsplitn(3, ':');
            let col = parts.next().and_then(|c| c.parse().ok());
            let line = parts.next().and_then(|l| l.parse().ok());
            match (parts.next(), line, col) {
                (Some(path), Some(line), Some(col)) => GuideError {
                    path: absolute(Path::new(path)),
                    at: Some((line, col)),
                    message,
                },
                _ => GuideError {
                    path: guide.to_path_buf(),
                    at: None,
                    message: format!("{}: {message}", source.location),
                },
            }
            .into_vec()
        }
        Error::File { path, message } => GuideError {
            path: absolute(path),
            at: None,
            message: message.clone(),
        }
        .into_vec(),
        Error::Usage(message) => GuideError {
            path: guide.to_path_buf(),
            at: None,
            message: message.clone(),
        }
        .into_vec(),
    }
}

impl GuideError {
    fn into_vec(self) -> Vec<GuideError> {
        vec![self]
    }

    /// The error as a diagnostic on its file, whose text is `text` (read from disk; empty
    /// when unreadable, then at its start).
    pub fn diagnostic(&self, text: &str, enc: Encoding) -> Diagnostic {
        let lines = Lines::new(text);
        let start = self
            .at
            .and_then(|(l, c)| LintLines::new(text).offset(text, l, c))
            .unwrap_or(0);
        let end = text[start..]
            .find(['\n', '\r'])
            .map_or(text.len(), |i| start + i);
        Diagnostic {
            range: lines.range(text, start..end, enc),
            severity: Some(DiagnosticSeverity::ERROR),
            source: Some("brandpress".to_string()),
            message: self.message.clone(),
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::{Edit, Location};

    fn finding(line: usize, column: usize) -> Finding {
        Finding::new(
            &crate::lint::rules::TONE_PREFERRED_TERM,
            Location::at("x.md", line, column),
            "m",
        )
    }

    #[test]
    fn spans_end_at_the_edit_the_found_text_or_the_word() {
        let text = "หัวข้อ\nสำหรับ ผู้บริโภค ทุกคน;\n";
        let lines = LintLines::new(text);
        let path = Path::new("x.md");
        let at = text.find("ผู้บริโภค").unwrap();
        let end = at + "ผู้บริโภค".len();
        let f = finding(2, 8).edit(Edit {
            path: path.into(),
            start: at,
            end,
            replacement: "ลูกค้า".into(),
        });
        assert_eq!(span(&f, path, text, &lines), at..end);
        // an edit of another file is not a span of this one
        let mut other = f.clone();
        other.edit.as_mut().unwrap().path = "y.md".into();
        other.found = Some("ผู้".into());
        assert_eq!(span(&other, path, text, &lines), at..at + "ผู้".len());
        // the word, up to white space
        assert_eq!(span(&finding(2, 8), path, text, &lines), at..end);
        let t = text.find("ทุกคน").unwrap();
        assert_eq!(
            span(&finding(2, 18), path, text, &lines),
            t..t + "ทุกคน".len()
        );
        // no line: the file's start; a line past the end: the same
        let mut whole = finding(1, 1);
        whole.location.line = None;
        assert_eq!(span(&whole, path, text, &lines), 0..0);
        assert_eq!(span(&finding(9, 1), path, text, &lines), 0..0);
    }

    #[test]
    fn guide_errors_keep_their_file_line_and_column() {
        let root = Path::new("/p");
        let guide = root.join("brand/brand.toml");
        let src = crate::error::SourceFile::new(&guide, "[brand]\nname = 1\n");
        let e = Error::Many {
            errors: vec![
                src.error(15..16, "expected a string", "here").into(),
                Error::file("brand/fonts/x.ttf", "no such file"),
                Error::usage("bad"),
            ],
        };
        let errors = guide_errors(&e, &guide, root);
        assert_eq!(errors[0].path, guide);
        assert_eq!(errors[0].at, Some((2, 8)));
        assert_eq!(errors[0].message, "expected a string");
        assert_eq!(errors[1].path, root.join("brand/fonts/x.ttf"));
        assert_eq!(errors[1].at, None);
        assert_eq!(errors[2].path, guide);
        let d = errors[0].diagnostic("[brand]\nname = 1\n", Encoding::Utf16);
        assert_eq!(d.range.start, lsp_types::Position::new(1, 7));
        assert_eq!(d.range.end, lsp_types::Position::new(1, 8));
    }
}
