//! Errors for bad input: every one names its file, and where the input has a position,
//! its line and column with a source excerpt (rendered by miette).

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use miette::{Diagnostic, NamedSource, SourceSpan};

/// Result with brandpress's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that stops a command. All of these are bad input, configuration or usage
/// (exit code 2); lint findings are data, not errors.
#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum Error {
    /// An error at a known position in a file.
    #[error(transparent)]
    #[diagnostic(transparent)]
    At(Box<SourceError>),
    /// An error about a whole file (missing, unreadable, not UTF-8…).
    #[error("{}: {message}", path.display())]
    File { path: PathBuf, message: String },
    /// Bad usage or configuration without a file position.
    #[error("{0}")]
    Usage(String),
    /// Several independent errors, reported together.
    #[error("{}", crate::i18n::count(errors.len(), "error", "errors"))]
    Many {
        #[related]
        errors: Vec<Error>,
    },
}

impl Error {
    pub fn file(path: impl Into<PathBuf>, message: impl std::fmt::Display) -> Self {
        Error::File {
            path: path.into(),
            message: message.to_string(),
        }
    }

    pub fn usage(message: impl std::fmt::Display) -> Self {
        Error::Usage(message.to_string())
    }

    /// Collapses a list of errors: none is `Ok`, one is itself, more are `Many`.
    pub fn collect(mut errors: Vec<Error>) -> Result<()> {
        match errors.len() {
            0 => Ok(()),
            1 => Err(errors.pop().expect("one error")),
            _ => Err(Error::Many { errors }),
        }
    }

    /// Every message, flattening `Many` (one line each, as `file:line:col: message`).
    pub fn messages(&self) -> Vec<String> {
        match self {
            Error::Many { errors } => errors.iter().flat_map(Error::messages).collect(),
            other => vec![other.to_string()],
        }
    }

    /// Reads a file as UTF-8 text, naming the file on failure; text that is not UTF-8
    /// is an error at the first bad byte (its offset, line and column).
    pub fn read_text(path: &Path) -> Result<String> {
        let bytes = std::fs::read(path).map_err(|e| Error::file(path, e))?;
        String::from_utf8(bytes).map_err(|e| not_utf8(path, e))
    }
}

/// The error for a file that is not UTF-8, pointing at the first invalid byte.
fn not_utf8(path: &Path, e: std::string::FromUtf8Error) -> Error {
    let at = e.utf8_error().valid_up_to();
    let bytes = e.as_bytes();
    let lossy = String::from_utf8_lossy(bytes);
    // The valid prefix is the same in the lossy text, so offsets agree up to `at`.
    let src = SourceFile::new(path, lossy.as_ref());
    src.error(
        at..at + '\u{FFFD}'.len_utf8(),
        format!(
            "not UTF-8: invalid byte 0x{:02X} at byte offset {at}; save the file as UTF-8",
            bytes[at]
        ),
        "not UTF-8",
    )
    .into()
}

/// An error pointing at a span of a source file: printed as `file:line:col: message`
/// followed by the excerpt with the span underlined.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{location}: {message}")]
pub struct SourceError {
    pub location: String,
    pub message: String,
    /// The file, for the excerpt; left out when the line is too long to quote (a hostile
    /// 100,000-character title would print all of it).
    #[source_code]
    src: Option<NamedSource<Arc<str>>>,
    #[label("{label}")]
    span: SourceSpan,
    label: String,
    #[help]
    help: Option<String>,
}

impl From<SourceError> for Error {
    fn from(e: SourceError) -> Self {
        Error::At(Box::new(e))
    }
}

/// A source file kept in memory, so errors can quote it.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: Arc<str>,
}

impl SourceFile {
    pub fn read(path: &Path) -> Result<Self> {
        Ok(Self {
            path: path.to_path_buf(),
            text: Error::read_text(path)?.into(),
        })
    }

    pub fn new(path: impl Into<PathBuf>, text: impl Into<Arc<str>>) -> Self {
        Self {
            path: path.into(),
            text: text.into(),
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        line_col(&self.text, offset)
    }

    /// An error at `span` (byte range) of this file.
    pub fn error(
        &self,
        span: Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> SourceError {
        let start = span.start.min(self.text.len());
        let end = span.end.clamp(start, self.text.len());
        let (line, col) = self.line_col(start);
        SourceError {
            location: format!("{}:{line}:{col}", self.path.display()),
            message: message.into(),
            src: (line_len(&self.text, start) <= MAX_EXCERPT_LINE)
                .then(|| NamedSource::new(self.path.display().to_string(), self.text.clone())),
            span: (start, end - start).into(),
            label: label.into(),
            help: None,
        }
    }

    /// Byte offset where 1-based `line` starts.
    pub fn line_offset(&self, line: usize) -> usize {
        if line <= 1 {
            return 0;
        }
        self.text
            .match_indices('\n')
            .nth(line - 2)
            .map(|(i, _)| i + 1)
            .unwrap_or(self.text.len())
    }
}

impl SourceError {
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// The longest line (in bytes) an error quotes.
const MAX_EXCERPT_LINE: usize = 1000;

/// Length in bytes of the line holding `offset`.
fn line_len(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    end - start
}

/// 1-based line and column (in characters) of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "a = 1\nชื่อ = \"x\"\n";
        let offset = text.find('=').unwrap();
        assert_eq!(line_col(text, offset), (1, 3));
        let thai_eq = text.rfind('=').unwrap();
        assert_eq!(line_col(text, thai_eq), (2, 6));
    }

    #[test]
    fn error_location_is_file_line_col() {
        let src = SourceFile::new("brand/brand.toml", "[brand]\nname = 3\n");
        let e = src.error(15..16, "expected a string", "here");
        assert_eq!(e.location, "brand/brand.toml:2:8");
        assert_eq!(e.to_string(), "brand/brand.toml:2:8: expected a string");
    }

    #[test]
    fn very_long_lines_are_not_quoted() {
        let long = format!("title = \"{}\"\n", "ก".repeat(50_000));
        let src = SourceFile::new("content/x.md", long.as_str());
        let e: Error = src.error(8..11, "does not fit", "here").into();
        let shown = format!("{:?}", miette::Report::new(e));
        assert!(shown.contains("content/x.md:1:9: does not fit"), "{shown}");
        assert!(shown.len() < 2_000, "{} bytes", shown.len());
        let short = SourceFile::new("content/x.md", "title = 3\n");
        let e: Error = short.error(8..9, "expected a string", "here").into();
        assert!(format!("{:?}", miette::Report::new(e)).contains("title = 3"));
    }
}
