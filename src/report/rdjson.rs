//! `--format rdjson`: reviewdog's Diagnostic Format, its `DiagnosticResult` message
//! (`proto/rdf/reviewdog.proto` in reviewdog; the JSON schema is vendored in
//! `tests/fixtures/rdjson/`), so `reviewdog -f=rdjson` posts findings on pull requests and
//! [`Finding::edit`]s as suggested changes.
//!
//! Positions in rdjson are a 1-based line and a 1-based column counted in **UTF-8 bytes**
//! (a Thai character is three columns wide), and a range's end is exclusive. Findings
//! count columns in characters and edits in byte offsets, so both are mapped through the
//! file's text. This is the one reporter that reads files, and only files lint read: those
//! the findings point into (their own file, a grouped finding's Markdown source), never a
//! path an edit names on its own, capped in size ([`MAX_TEXT`], [`MAX_TEXTS`]). A file that
//! is not UTF-8, too large or gone since lint read it falls back to the finding's excerpt
//! for its column, or to its line alone; its suggestions are left out (a byte offset
//! into text we cannot read is no position).
//!
//! A suggestion is always in the diagnostic's own file (rdjson's `Suggestion` has no path),
//! and reviewdog posts it on GitHub only when the comment's lines and the suggestion's
//! lines are the same, so a diagnostic with a suggestion spans the edit's lines.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::{REPOSITORY, path_string};
use crate::lint::{Finding, LintReport, Severity};

/// The largest file whose text is read to map positions (32 MiB): no page or stylesheet
/// anyone reviews is near it; beyond it, lines stand alone.
pub const MAX_TEXT: u64 = 32 << 20;
/// The most text read for one report, all files together (256 MiB).
pub const MAX_TEXTS: u64 = 256 << 20;

/// A file's text and where its lines start.
struct Text {
    text: String,
    /// Byte offsets of line starts (after each `\n`), as [`crate::lint::html::LineIndex`]
    /// counts lines.
    starts: Vec<usize>,
}

impl Text {
    fn new(text: String) -> Text {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Text { text, starts }
    }

    /// Byte range of 1-based `line`, without its line ending.
    fn line(&self, line: usize) -> Option<(usize, usize)> {
        let start = *self.starts.get(line.checked_sub(1)?)?;
        let mut end = self
            .starts
            .get(line)
            .map_or(self.text.len(), |&s| s - 1)
            .max(start);
        if self.text[start..end].ends_with('\r') {
            end -= 1;
        }
        Some((start, end))
    }

    /// The UTF-8 byte column (1-based) of 1-based character `column` on `line`; a
    /// column past the line's end is the end of the line.
    fn byte_column(&self, line: usize, column: usize) -> Option<usize> {
        let (start, end) = self.line(line)?;
        let text = &self.text[start..end];
        let byte = text
            .char_indices()
            .nth(column.max(1) - 1)
            .map_or(text.len(), |(i, _)| i);
        Some(byte + 1)
    }

    /// 1-based line and 1-based UTF-8 byte column of a byte offset; `None` past the end or
    /// inside a character.
    fn position(&self, offset: usize) -> Option<(usize, usize)> {
        if !self.text.is_char_boundary(offset) {
            return None;
        }
        let line = self.starts.partition_point(|&s| s <= offset);
        Some((line, offset - self.starts[line - 1] + 1))
    }
}

/// The texts of the files lint read, read once each on demand.
struct Texts {
    /// Files the findings point into.
    allowed: HashSet<PathBuf>,
    read: HashMap<PathBuf, Option<Text>>,
    budget: u64,
}

impl Texts {
    fn new(report: &LintReport) -> Texts {
        fn visit(f: &Finding, allowed: &mut HashSet<PathBuf>) {
            allowed.insert(f.location.path.clone());
            for o in &f.outputs {
                visit(o, allowed);
            }
        }
        let mut allowed = HashSet::new();
        for f in &report.findings {
            visit(f, &mut allowed);
        }
        Texts {
            allowed,
            read: HashMap::new(),
            budget: MAX_TEXTS,
        }
    }

    fn get(&mut self, path: &Path) -> Option<&Text> {
        if !self.allowed.contains(path) {
            return None;
        }
        if !self.read.contains_key(path) {
            let text = read_text(path, self.budget.min(MAX_TEXT));
            if let Some(t) = &text {
                self.budget -= t.text.len() as u64;
            }
            self.read.insert(path.to_path_buf(), text);
        }
        self.read.get(path)?.as_ref()
    }
}

/// The UTF-8 text of `path` if it has at most `max` bytes.
fn read_text(path: &Path, max: u64) -> Option<Text> {
    let file = std::fs::File::open(path).ok()?;
    let mut bytes = Vec::new();
    file.take(max + 1).read_to_end(&mut bytes).ok()?;
    if bytes.len() as u64 > max {
        return None;
    }
    String::from_utf8(bytes).ok().map(Text::new)
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "ERROR",
        Severity::Warning => "WARNING",
        Severity::Info => "INFO",
    }
}

/// Where a rule's documentation is: its page in the repository when Cargo.toml names one,
/// else its path in the repository (`docs/rules/<id>.md`).
fn rule_url(rule: &str) -> Option<String> {
    let r = crate::lint::rules::info(rule)?;
    Some(if REPOSITORY.is_empty() {
        r.doc_path()
    } else {
        format!(
            "{}/blob/v{}/{}",
            REPOSITORY.trim_end_matches('/'),
            env!("CARGO_PKG_VERSION"),
            r.doc_path()
        )
    })
}

fn position(line: usize, column: Option<usize>) -> Value {
    match column {
        Some(c) => json!({ "line": line, "column": c }),
        None => json!({ "line": line }),
    }
}

/// The start of `f` as (line, UTF-8 byte column): from the file's text, else from the
/// excerpt when it begins at the line's start, else the line alone.
fn start_of(f: &Finding, texts: &mut Texts) -> Option<(usize, Option<usize>)> {
    let line = f.location.line?;
    let Some(column) = f.location.column else {
        return Some((line, None));
    };
    if let Some(c) = texts
        .get(&f.location.path)
        .and_then(|t| t.byte_column(line, column))
    {
        return Some((line, Some(c)));
    }
    // an excerpt cut to a window no longer counts from the line's start: its column differs
    let from_excerpt = f.excerpt.as_ref().filter(|e| e.column == column).map(|e| {
        e.text
            .chars()
            .take(column - 1)
            .map(char::len_utf8)
            .sum::<usize>()
            + 1
    });
    Some((line, from_excerpt))
}

/// The rdjson location of `f`: its path and, for text, its start.
fn location(f: &Finding, texts: &mut Texts) -> Value {
    let mut loc = json!({ "path": path_string(&f.location.path) });
    if let Some((line, column)) = start_of(f, texts) {
        loc["range"] = json!({ "start": position(line, column) });
    }
    loc
}

/// The message: the finding's, with what the guide expects, the fix in words, and where
/// the location is for findings without a line (a PDF page, a pixel box).
fn message(f: &Finding) -> String {
    let mut text = f.message.clone();
    if f.location.line.is_none() {
        if let Some(page) = f.location.page {
            text.push_str(&format!(" (page {page})"));
        }
        if let Some([x, y, w, h]) = f.location.pixel_box {
            text.push_str(&format!(" (pixels {x},{y} {w}×{h})"));
        }
        if let Some([x, y, w, h]) = f.location.page_box {
            text.push_str(&format!(" (at {x:.0},{y:.0} pt, {w:.0}×{h:.0} pt)"));
        }
    }
    if let Some(e) = &f.expected {
        text.push_str(&format!("\nexpected: {e}"));
    }
    if let Some(fix) = &f.fix {
        text.push_str(&format!("\nhelp: {fix}"));
    }
    text
}

/// The range (start, end) of `f`'s edit as rdjson positions, when the edit is in `f`'s own
/// file and fits that file's text.
fn edit_range(f: &Finding, texts: &mut Texts) -> Option<((usize, usize), (usize, usize))> {
    let edit = f.edit.as_ref()?;
    if edit.path != f.location.path || edit.start > edit.end {
        return None;
    }
    let text = texts.get(&f.location.path)?;
    if edit.end > text.text.len() {
        return None;
    }
    Some((text.position(edit.start)?, text.position(edit.end)?))
}

/// One diagnostic.
fn diagnostic(f: &Finding, texts: &mut Texts) -> Value {
    let mut d = json!({
        "message": message(f),
        "location": location(f, texts),
        "severity": severity(f.severity),
        "code": { "value": f.rule },
    });
    if let Some(url) = rule_url(f.rule) {
        d["code"]["url"] = json!(url);
    }
    if let Some((start, end)) = edit_range(f, texts) {
        let replacement = f.edit.as_ref().map_or("", |e| e.replacement.as_str());
        d["suggestions"] = json!([{
            "range": {
                "start": { "line": start.0, "column": start.1 },
                "end": { "line": end.0, "column": end.1 },
            },
            "text": replacement,
        }]);
        // reviewdog posts a suggestion only on a comment spanning the same lines: the
        // finding's start stays when it is on the edit's first line and not past its end
        let range = &mut d["location"]["range"];
        let line = range["start"]["line"].as_u64();
        let column = range["start"]["column"].as_u64().unwrap_or(1);
        let keep = line == Some(start.0 as u64) && (start.0 != end.0 || column <= end.1 as u64);
        if !keep {
            range["start"] = json!({ "line": start.0, "column": start.1 });
        }
        range["end"] = json!({ "line": end.0, "column": end.1 });
    }
    if !f.outputs.is_empty() {
        let related: Vec<Value> = f
            .outputs
            .iter()
            .map(|o| {
                json!({
                    "message": o.message,
                    "location": location(o, texts),
                })
            })
            .collect();
        d["related_locations"] = json!(related);
    }
    d
}

/// The report as an rdjson `DiagnosticResult`.
pub fn rdjson_value(report: &LintReport) -> Value {
    let mut texts = Texts::new(report);
    let diagnostics: Vec<Value> = report
        .findings
        .iter()
        .map(|f| diagnostic(f, &mut texts))
        .collect();
    let mut source = json!({ "name": "brandpress" });
    if !REPOSITORY.is_empty() {
        source["url"] = json!(REPOSITORY);
    }
    json!({
        "source": source,
        "severity": if report.has_errors() { "ERROR" } else if report.count(Severity::Warning) > 0 { "WARNING" } else { "INFO" },
        "diagnostics": diagnostics,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::{Edit, Location};

    #[test]
    fn positions_count_utf8_bytes() {
        // reviewdog's own example: in 'a𐐀b' the column of b is 6
        let t = Text::new("x\r\na𐐀b\nสวัสดี ครับ\n".into());
        assert_eq!(t.byte_column(2, 3), Some(6));
        assert_eq!(t.position(3 + 5), Some((2, 6)));
        // Thai: three bytes a character; "ครับ" starts at character 8, byte 19
        assert_eq!(t.byte_column(3, 8), Some(20));
        assert_eq!(t.byte_column(1, 9), Some(2), "past the end: before CRLF");
        assert_eq!(t.position(5), None, "inside 𐐀");
        assert_eq!(t.byte_column(9, 1), None);
    }

    #[test]
    fn suggestions_span_the_edit_in_the_findings_file() {
        let tmp = tempfile::tempdir().unwrap();
        let md = tmp.path().join("โปรโมชั่น.md");
        let text = "# หัวข้อ\n\nกาแฟ ถูกที่สุด ในย่านนี้\n";
        std::fs::write(&md, text).unwrap();
        let start = text.find("ถูกที่สุด").unwrap();
        let end = start + "ถูกที่สุด".len();
        let f = Finding::new(
            &crate::lint::rules::TONE_PREFERRED_TERM,
            Location::at(&md, 3, 6),
            "ใช้ \"คุ้มค่า\" แทน \"ถูกที่สุด\"",
        )
        .edit(Edit {
            path: md.clone(),
            start,
            end,
            replacement: "คุ้มค่า".into(),
        });
        let other = Finding::new(
            &crate::lint::rules::TONE_PREFERRED_TERM,
            Location::at(&md, 3, 6),
            "x",
        )
        .edit(Edit {
            path: tmp.path().join("elsewhere.md"),
            start: 0,
            end: 1,
            replacement: "y".into(),
        });
        let report = LintReport {
            files: 1,
            findings: vec![f, other],
            ..Default::default()
        };
        let v = rdjson_value(&report);
        let d = &v["diagnostics"][0];
        // "กาแฟ " is 4 Thai characters and a space: 13 bytes, so column 14
        let start_pos = json!({ "line": 3, "column": 14 });
        let end_pos = json!({ "line": 3, "column": 14 + "ถูกที่สุด".len() });
        assert_eq!(d["location"]["range"]["start"], start_pos, "{d}");
        assert_eq!(d["location"]["range"]["end"], end_pos, "{d}");
        assert_eq!(d["suggestions"][0]["range"]["start"], start_pos);
        assert_eq!(d["suggestions"][0]["range"]["end"], end_pos);
        assert_eq!(d["suggestions"][0]["text"], "คุ้มค่า");
        assert_eq!(d["severity"], "WARNING");
        assert_eq!(d["code"]["value"], "tone/preferred-term");
        // an edit in another file is no suggestion of this diagnostic
        assert!(v["diagnostics"][1].get("suggestions").is_none(), "{v}");
    }
}
