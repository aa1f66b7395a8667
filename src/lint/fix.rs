//! `brandpress lint --fix [--dry-run]`: applies the machine fixes findings carry
//! ([`Edit`]) to the files they point into.
//!
//! Safety first, as ruff and clippy do it:
//! - only edits rules made (byte ranges into the file as it was read), grouped per file;
//!   where two overlap the first is kept and the other left for the next run;
//! - only UTF-8 files are edited, and only byte `start..end` of each edit changes: line
//!   endings (CRLF), Thai text and everything else are kept byte for byte;
//! - a file whose bytes are not those the edits were made for (edited since) is not
//!   written; a file is written atomically (a temporary file in its folder, its
//!   permissions, then a rename), so a crash leaves the old file or the new one;
//! - generated outputs (under the project's `out/`, or any folder with the build's
//!   `.brandpress-output` marker) are left alone unless asked (`--fix-outputs`), since the
//!   next build would undo the fix: fix the source and rebuild instead;
//! - symbolic links are not replaced by files.
//!
//! [`plan`] decides, [`apply`] writes (or, for `--dry-run`, only diffs).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::lint::{Edit, Finding};
use crate::manifest::MARKER;

/// Files larger than this are not edited (no source file we fix comes near).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// How `--fix` runs.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--dry-run`: compute the diff, write nothing.
    pub dry_run: bool,
    /// `--fix-outputs`: edit generated outputs too.
    pub fix_outputs: bool,
    /// The project's root, whose `out/` holds its outputs.
    pub project: PathBuf,
}

/// What a `--fix` run did (or, in a dry run, would do).
#[derive(Debug, Default)]
pub struct Outcome {
    /// Indices (into the findings given) of the findings fixed.
    pub fixed: Vec<usize>,
    /// Files written (or, in a dry run, that would be).
    pub files: Vec<PathBuf>,
    /// A unified diff of every file changed (old to new), in path order.
    pub diff: String,
    /// One line for each thing left undone and why.
    pub notes: Vec<String>,
}

impl Outcome {
    /// `fixed 3 findings in 2 files` (`would fix …` in a dry run).
    pub fn summary(&self, dry_run: bool) -> String {
        format!(
            "{} {} in {}",
            if dry_run { "would fix" } else { "fixed" },
            crate::i18n::count(self.fixed.len(), "finding", "findings"),
            crate::i18n::count(self.files.len(), "file", "files")
        )
    }
}

/// The edits of one file that can be applied together: sorted by position, none
/// overlapping. `kept` pairs each edit with the findings it fixes (the same edit carried by
/// two findings is applied once); `left` are findings whose edit overlapped a kept one.
#[derive(Debug, Default, PartialEq)]
pub struct Plan {
    pub kept: Vec<(Edit, Vec<usize>)>,
    pub left: Vec<usize>,
}

/// Orders the edits of one file (`(finding index, edit)`) and drops those that overlap
/// an earlier one: a range that starts inside another, or anything at the same point as
/// another (two insertions there could go in either order). The first in position order,
/// then in finding order, is kept.
pub fn plan(mut edits: Vec<(usize, Edit)>) -> Plan {
    edits.sort_by(|(i, a), (j, b)| (a.start, a.end, i).cmp(&(b.start, b.end, j)));
    let mut out = Plan::default();
    for (i, e) in edits {
        if let Some((last, who)) = out.kept.last_mut() {
            if *last == e {
                who.push(i);
                continue;
            }
            if e.start < last.end || e.start == last.start {
                out.left.push(i);
                continue;
            }
        }
        out.kept.push((e, vec![i]));
    }
    out.left.sort_unstable();
    out
}

/// `bytes` with the planned edits applied, back to front, or why they cannot be (a range
/// beyond the file or through a character).
pub fn edited(bytes: &[u8], kept: &[(Edit, Vec<usize>)]) -> Result<Vec<u8>, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "not UTF-8".to_string())?;
    let mut out = text.to_string();
    for (e, _) in kept.iter().rev() {
        if e.start > e.end
            || e.end > text.len()
            || !text.is_char_boundary(e.start)
            || !text.is_char_boundary(e.end)
        {
            return Err(format!(
                "an edit at bytes {}..{} does not fit the file ({} bytes)",
                e.start,
                e.end,
                text.len()
            ));
        }
        out.replace_range(e.start..e.end, &e.replacement);
    }
    Ok(out.into_bytes())
}

/// Whether `path` is a generated output: under `<project>/out`, or in a folder (or below
/// one) holding the build's `.brandpress-output` marker.
pub fn is_output(project: &Path, path: &Path) -> bool {
    let Ok(file) = path.canonicalize() else {
        return false;
    };
    if let Ok(out) = project.join("out").canonicalize()
        && file.starts_with(&out)
    {
        return true;
    }
    file.ancestors()
        .skip(1)
        .any(|dir| dir.join(MARKER).is_file())
}

/// Applies the edits of `findings` (or, with `dry_run`, diffs them): see the module docs.
pub fn apply(findings: &[Finding], options: &Options) -> Outcome {
    // a finding grouped at its source keeps its outputs' own findings (and edits) below it
    let mut by_file: BTreeMap<PathBuf, Vec<(usize, Edit, Option<String>)>> = BTreeMap::new();
    for (i, f) in findings.iter().enumerate() {
        for g in std::iter::once(f).chain(&f.outputs) {
            if let Some(e) = &g.edit {
                by_file
                    .entry(e.path.clone())
                    .or_default()
                    .push((i, e.clone(), g.found.clone()));
            }
        }
    }
    let mut outcome = Outcome::default();
    let mut outputs: Vec<PathBuf> = Vec::new();
    let mut overlapping = 0;
    for (path, edits) in by_file {
        if !options.fix_outputs && is_output(&options.project, &path) {
            outputs.push(path);
            continue;
        }
        let found: Vec<(Edit, Option<String>)> = edits
            .iter()
            .map(|(_, e, f)| (e.clone(), f.clone()))
            .collect();
        let plan = plan(edits.into_iter().map(|(i, e, _)| (i, e)).collect());
        overlapping += plan.left.len();
        match fix_file(&path, &plan, &found, options.dry_run) {
            Ok(diff) => {
                outcome.diff.push_str(&diff);
                outcome
                    .fixed
                    .extend(plan.kept.iter().flat_map(|(_, who)| who.iter().copied()));
                outcome.files.push(path);
            }
            Err(why) => outcome
                .notes
                .push(format!("not fixed: {}: {why}", path.display())),
        }
    }
    outcome.fixed.sort_unstable();
    if !outputs.is_empty() {
        outcome.notes.push(format!(
            "not fixed: {} in generated {} ({}{}): fix the source and rebuild, or pass --fix-outputs",
            crate::i18n::count(outputs.len(), "file", "files"),
            if outputs.len() == 1 { "output" } else { "outputs" },
            outputs[0].display(),
            if outputs.len() > 1 { ", …" } else { "" },
        ));
    }
    if overlapping > 0 {
        outcome.notes.push(format!(
            "left {} whose edit overlaps another: run --fix again",
            crate::i18n::count(overlapping, "finding", "findings")
        ));
    }
    outcome
}

/// Whether the file's text still holds what each edit replaces: the text its finding
/// found, where that is the replaced text (terms, colors, font stacks), and nothing but
/// white space where an edit fills in or inserts (the logo's alt).
pub fn still_there(text: &str, edits: &[(Edit, Option<String>)]) -> bool {
    edits.iter().all(|(e, found)| {
        let Some(span) = text.get(e.start..e.end) else {
            return false;
        };
        span.trim().is_empty() || found.as_deref().is_none_or(|f| f == span)
    })
}

/// Applies one file's plan; returns its diff.
fn fix_file(
    path: &Path,
    plan: &Plan,
    found: &[(Edit, Option<String>)],
    dry_run: bool,
) -> Result<String, String> {
    let meta = std::fs::symlink_metadata(path).map_err(|e| e.to_string())?;
    if meta.file_type().is_symlink() {
        return Err("a symbolic link (fix the file it points to)".into());
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!("larger than {} MB", MAX_FILE_BYTES >> 20));
    }
    let before = std::fs::read(path).map_err(|e| e.to_string())?;
    let Ok(text) = std::str::from_utf8(&before) else {
        return Err("not UTF-8 (only UTF-8 files are edited)".into());
    };
    if !still_there(text, found) {
        return Err("changed since it was linted; lint again".into());
    }
    let after = edited(&before, &plan.kept)?;
    let diff = unified_diff(path, &before, &after);
    if !dry_run {
        write_if_unchanged(path, &before, &after)?;
    }
    Ok(diff)
}

/// A unified diff (`--- a/path`, `+++ b/path`, three lines of context) of two UTF-8 texts;
/// lines keep their endings (a CRLF line shows its `\r`).
pub fn unified_diff(path: &Path, before: &[u8], after: &[u8]) -> String {
    let (Ok(old), Ok(new)) = (std::str::from_utf8(before), std::str::from_utf8(after)) else {
        return String::new();
    };
    // relative to the working folder where it is inside it, as `git diff` names files, so
    // `patch -p1` applies the diff from there
    let cwd = std::env::current_dir().unwrap_or_default();
    let shown = path.strip_prefix(&cwd).unwrap_or(path);
    let name = shown.to_string_lossy().replace('\\', "/");
    let name = name.trim_start_matches("./").trim_start_matches('/');
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .missing_newline_hint(true)
        .to_string()
}

/// Replaces `path`'s contents by `after` if they still are `before` (the bytes the edits
/// were made for): a temporary file beside it with its permissions, flushed, then renamed
/// over it. A file changed in between is left as it is.
pub fn write_if_unchanged(path: &Path, before: &[u8], after: &[u8]) -> Result<(), String> {
    let now = std::fs::read(path).map_err(|e| e.to_string())?;
    if now != before {
        return Err("changed since it was linted; lint again".into());
    }
    replace_atomically(path, after).map_err(|e| format!("writing it: {e}"))
}

/// Writes `bytes` to `path` through a new temporary file beside it and one rename, so a
/// reader sees the old file or the new one, never half of it. An existing file keeps its
/// permissions; the temporary file is created fresh (never an existing one followed) and
/// removed on failure.
pub fn replace_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file name"))?;
    let permissions = match std::fs::metadata(path) {
        Ok(m) => Some(m.permissions()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    let temp = dir.join(format!(
        ".{}.brandpress-tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = (|| -> std::io::Result<()> {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        file.write_all(bytes)?;
        if let Some(permissions) = permissions {
            file.set_permissions(permissions)?;
        }
        file.sync_all()?;
        drop(file);
        std::fs::rename(&temp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(start: usize, end: usize, replacement: &str) -> Edit {
        Edit {
            path: PathBuf::from("x.md"),
            start,
            end,
            replacement: replacement.to_string(),
        }
    }

    #[test]
    fn overlapping_edits_keep_the_first() {
        let plan = plan(vec![
            (0, edit(10, 14, "b")),
            (1, edit(0, 4, "a")),
            (2, edit(12, 20, "c")), // starts inside 10..14
            (3, edit(4, 4, "!")),   // touches 0..4 at its end: fine
            (4, edit(4, 4, "?")),   // a second insertion at 4: ambiguous
            (5, edit(10, 14, "b")), // the same edit as finding 0
            (6, edit(14, 14, "z")), // at the end of 10..14: fine
        ]);
        let kept: Vec<(usize, usize, &str, Vec<usize>)> = plan
            .kept
            .iter()
            .map(|(e, who)| (e.start, e.end, e.replacement.as_str(), who.clone()))
            .collect();
        assert_eq!(
            kept,
            [
                (0, 4, "a", vec![1]),
                (4, 4, "!", vec![3]),
                (10, 14, "b", vec![0, 5]),
                (14, 14, "z", vec![6]),
            ]
        );
        assert_eq!(plan.left, [2, 4]);
    }

    #[test]
    fn edits_keep_every_other_byte_crlf_and_thai_included() {
        let text = "ลูกค้า\r\nซื้อด่วน Cold brew\r\nจบ\r\n";
        let a = text.find("ซื้อด่วน").unwrap();
        let b = text.find("Cold brew").unwrap();
        let plan = plan(vec![
            (0, edit(b, b + "Cold brew".len(), "Cold Brew")),
            (1, edit(a, a + "ซื้อด่วน".len(), "สั่งเลย")),
        ]);
        let out = edited(text.as_bytes(), &plan.kept).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "ลูกค้า\r\nสั่งเลย Cold Brew\r\nจบ\r\n"
        );
        // a range through a Thai character, or past the end, is refused
        let bad = plan_of(edit(1, 3, "x"));
        assert!(edited(text.as_bytes(), &bad.kept).is_err());
        let bad = plan_of(edit(0, text.len() + 1, "x"));
        assert!(edited(text.as_bytes(), &bad.kept).is_err());
        assert!(edited(b"\xff\xfe", &[]).is_err(), "not UTF-8");
    }

    fn plan_of(e: Edit) -> Plan {
        plan(vec![(0, e)])
    }

    #[test]
    fn a_file_changed_since_lint_is_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("หน้า.html");
        std::fs::write(&path, "<p>Cold brew</p>\r\n").unwrap();
        let before = std::fs::read(&path).unwrap();
        // someone saves the file between lint and fix
        std::fs::write(&path, "<p>Cold brew!</p>\r\n").unwrap();
        let err = write_if_unchanged(&path, &before, b"<p>Cold Brew</p>\r\n").unwrap_err();
        assert!(err.contains("changed since"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"<p>Cold brew!</p>\r\n");
        // unchanged: written, with no temporary file left
        std::fs::write(&path, &before).unwrap();
        write_if_unchanged(&path, &before, b"<p>Cold Brew</p>\r\n").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"<p>Cold Brew</p>\r\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn edits_whose_text_is_gone_are_not_applied() {
        let text = "<p style=\"color: #276350\">ลูกค้า</p>";
        let at = text.find('#').unwrap();
        let color = (edit(at, at + 7, "#1F5C4A"), Some("#276350".to_string()));
        assert!(still_there(text, std::slice::from_ref(&color)));
        // the file was saved with another color there since lint read it
        let now = text.replace("#276350", "#2A6652");
        assert!(!still_there(&now, std::slice::from_ref(&color)));
        // an insertion only needs its place (and a range inside the file)
        let insert = (
            edit(2, 2, " alt=\"x\""),
            Some("no alt attribute".to_string()),
        );
        assert!(still_there(text, std::slice::from_ref(&insert)));
        let beyond = (edit(900, 900, "x"), None);
        assert!(!still_there(text, &[beyond]));
    }

    #[cfg(unix)]
    #[test]
    fn permissions_are_kept() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.css");
        std::fs::write(&path, "a { color: #215E4C }").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_if_unchanged(&path, b"a { color: #215E4C }", b"a { color: #1F5C4A }").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
    }

    #[test]
    fn outputs_are_found_by_folder_and_marker() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path();
        for (rel, _) in [
            ("out/web/a.html", ()),
            ("site/web/b.html", ()),
            ("src/c.md", ()),
        ] {
            let p = project.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, "x").unwrap();
        }
        std::fs::write(project.join("site").join(MARKER), "").unwrap();
        assert!(is_output(project, &project.join("out/web/a.html")));
        assert!(is_output(project, &project.join("site/web/b.html")));
        assert!(!is_output(project, &project.join("src/c.md")));
    }
}
