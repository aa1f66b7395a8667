//! Baselines: adopt lint on an old site and fail only on new problems.
//!
//! `brandpress lint --baseline FILE` (and `check --baseline FILE`) reads a file recording
//! the findings a project had when it was written; findings it records are *baselined*
//! (shown as one count, not failures), and only the others decide the exit code.
//! `--update-baseline` rewrites the file from today's findings.
//!
//! A finding is recorded by its rule, its path relative to the baseline file's folder
//! (so the file works in any checkout) and a fingerprint of its content that does not
//! depend on where it is in the file:
//!
//! - the `found` value and the message with line and page numbers taken out, and, for
//!   findings without a `found` value, the trimmed text of their line;
//! - an occurrence index among findings with the same rule, path and fingerprint.
//!
//! Matching is a multiset: an entry absorbs one finding, so a file recorded with two
//! `#E63946` may keep two, and a third is new. Inserting or moving lines changes no
//! fingerprint; fixing `#E63946` and adding `#123456` in the same file does not cancel
//! out, since `#123456` has a fingerprint of its own. `lint/expired-ignore` is never
//! baselined: a baseline cannot extend an exception's date.
//!
//! The file is pretty JSON with a `version`, its entries sorted, written atomically (a
//! temporary file beside it, flushed, then renamed over it), so it diffs well in review.

use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, SourceFile};
use crate::lint::{Finding, LintReport};

/// The format version this brandpress reads and writes.
pub const VERSION: u32 = 1;

/// The largest baseline read (a project with 100,000 findings writes about 25 MB).
pub const MAX_BYTES: u64 = 64 << 20;

/// Rules a baseline never absorbs.
const NEVER_BASELINED: &[&str] = &["lint/expired-ignore"];

/// The file, as written.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: u32,
    findings: Vec<Entry>,
}

/// One recorded finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    /// Relative to the baseline file's folder, with `/`.
    path: String,
    rule: String,
    /// 16 hex digits of FNV-1a over the rule and the finding's content (see module doc).
    fingerprint: String,
    /// 0-based, among findings of this rule, path and fingerprint, in report order.
    occurrence: usize,
    /// For people reading the file; not matched.
    message: String,
}

/// What a baseline did to a report.
#[derive(Debug, Clone, Default)]
pub struct Baselined {
    /// The baseline file, as given.
    pub file: PathBuf,
    /// Findings the baseline recorded: reported as a count, not failures.
    pub findings: Vec<Finding>,
    /// Entries of the baseline that no finding matched (fixed since it was written).
    pub absent: usize,
}

/// A loaded baseline: how many findings each (rule, path, fingerprint) may absorb.
#[derive(Debug)]
pub struct Baseline {
    file: PathBuf,
    base: PathBuf,
    counts: HashMap<(String, String, String), usize>,
}

impl Baseline {
    /// Reads `file`. A missing file is an error that says how to create one; a file that
    /// is not a baseline is an error at its line and column.
    pub fn load(file: &Path) -> Result<Baseline> {
        let meta = std::fs::metadata(file).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::file(
                    file,
                    "no such baseline file; record today's findings in it with --update-baseline",
                )
            } else {
                Error::file(file, e)
            }
        })?;
        if meta.len() > MAX_BYTES {
            return Err(Error::file(
                file,
                format!(
                    "a baseline of {} bytes is over the {MAX_BYTES}-byte limit; is it the right file?",
                    meta.len()
                ),
            ));
        }
        let src = SourceFile::read(file)?;
        let parsed: BaselineFile = serde_json::from_str(&src.text).map_err(|e| {
            let offset = src.line_offset(e.line()) + e.column().saturating_sub(1);
            Error::from(
                src.error(
                    offset..offset + 1,
                    format!("not a brandpress baseline: {e}"),
                    "here",
                )
                .with_help("rewrite it with --update-baseline"),
            )
        })?;
        if parsed.version != VERSION {
            return Err(Error::file(
                file,
                format!(
                    "baseline version {} is not {VERSION}, the one this brandpress reads; rewrite it with --update-baseline",
                    parsed.version
                ),
            ));
        }
        let mut counts = HashMap::new();
        for e in parsed.findings {
            *counts.entry((e.rule, e.path, e.fingerprint)).or_default() += 1;
        }
        Ok(Baseline {
            file: file.to_path_buf(),
            base: base_dir(file)?,
            counts,
        })
    }

    /// Moves the findings of `report` this baseline records into `report.baseline`; the
    /// findings left are the new ones.
    pub fn apply(mut self, report: &mut LintReport) {
        let keyed = keys(&self.base, &report.findings);
        let mut new = Vec::new();
        let mut old = Vec::new();
        for (f, key) in std::mem::take(&mut report.findings).into_iter().zip(keyed) {
            let left = if NEVER_BASELINED.contains(&f.rule) {
                None
            } else {
                self.counts
                    .get_mut(&(key.rule, key.path, key.fingerprint))
                    .filter(|n| **n > 0)
            };
            match left {
                Some(n) => {
                    *n -= 1;
                    old.push(f);
                }
                None => new.push(f),
            }
        }
        report.findings = new;
        report.baseline = Some(Baselined {
            file: self.file,
            findings: old,
            absent: self.counts.values().sum(),
        });
    }
}

/// Writes `file` from the findings of `report` (all of them, whatever their severity,
/// except rules never baselined), atomically; returns how many it recorded.
pub fn write(file: &Path, report: &LintReport) -> Result<usize> {
    let base = base_dir(file)?;
    let keyed = keys(&base, &report.findings);
    let mut entries: Vec<Entry> = report
        .findings
        .iter()
        .zip(keyed)
        .filter(|(f, _)| !NEVER_BASELINED.contains(&f.rule))
        .map(|(f, k)| Entry {
            path: k.path,
            rule: k.rule,
            fingerprint: k.fingerprint,
            occurrence: k.occurrence,
            message: f.message.clone(),
        })
        .collect();
    entries.sort();
    let n = entries.len();
    let mut json = serde_json::to_vec_pretty(&BaselineFile {
        version: VERSION,
        findings: entries,
    })
    .map_err(|e| Error::file(file, e))?;
    json.push(b'\n');
    crate::lint::fix::replace_atomically(file, &json)
        .map_err(|e| Error::file(file, format!("writing the baseline: {e}")))?;
    Ok(n)
}

/// `--update-baseline`: rewrites `file` from `report`, then applies it (so every finding
/// it recorded is baselined). Returns how many findings it recorded.
pub fn update(file: &Path, report: &mut LintReport) -> Result<usize> {
    let n = write(file, report)?;
    Baseline::load(file)?.apply(report);
    Ok(n)
}

/// A finding's key in a baseline.
struct Key {
    rule: String,
    path: String,
    fingerprint: String,
    occurrence: usize,
}

/// The keys of `findings` (in order), with occurrence indices counted in that order.
fn keys(base: &Path, findings: &[Finding]) -> Vec<Key> {
    let mut paths: HashMap<&Path, String> = HashMap::new();
    let mut seen: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    findings
        .iter()
        .map(|f| {
            let path = paths
                .entry(&f.location.path)
                .or_insert_with(|| relative(base, &f.location.path))
                .clone();
            let fingerprint = fingerprint(f);
            let n = seen
                .entry((f.rule.to_string(), path.clone(), fingerprint.clone()))
                .or_default();
            let occurrence = *n;
            *n += 1;
            Key {
                rule: f.rule.to_string(),
                path,
                fingerprint,
                occurrence,
            }
        })
        .collect()
}

/// The fingerprint of a finding's content: rule, `found`, the message without line and
/// page numbers, and for findings without `found` the trimmed text of their line (all
/// whitespace runs as one space). Never the line or column.
pub fn fingerprint(f: &Finding) -> String {
    let mut key = format!(
        "{}\0{}\0{}",
        f.rule,
        squash(f.found.as_deref().unwrap_or("")),
        squash(&without_positions(&f.message))
    );
    if f.found.is_none()
        && let Some(e) = &f.excerpt
    {
        key.push('\0');
        key.push_str(&squash(&e.text));
    }
    format!("{:016x}", fnv1a(key.as_bytes()))
}

/// FNV-1a, 64 bit: the same across runs, machines and versions.
fn fnv1a(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Whitespace runs as one space, trimmed.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `message` with the numbers of positions replaced by `#`: after `line `, `lines `,
/// `page `, `pages ` and `:` (as in `file.html:12:5`).
fn without_positions(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(c) = rest.chars().next() {
        let after = [":", "line ", "lines ", "page ", "pages "]
            .iter()
            .find(|p| {
                rest.starts_with(**p) && rest[p.len()..].starts_with(|c: char| c.is_ascii_digit())
            });
        if let Some(p) = after {
            out.push_str(p);
            out.push('#');
            rest = rest[p.len()..].trim_start_matches(|c: char| c.is_ascii_digit());
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// The folder paths in `file` are relative to: its own, canonical.
fn base_dir(file: &Path) -> Result<PathBuf> {
    let parent = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    parent.canonicalize().map_err(|e| {
        Error::file(
            file,
            format!("the baseline's folder {}: {e}", parent.display()),
        )
    })
}

/// `path` relative to `base` (canonical), with `/`: its folder is canonicalized (a
/// symbolic link as the last part is not followed), and what lies outside `base` gets
/// `..` parts. On another drive (Windows) the absolute path is kept.
fn relative(base: &Path, path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let absolute = match (absolute.parent(), absolute.file_name()) {
        (Some(dir), Some(name)) => dir
            .canonicalize()
            .map(|d| d.join(name))
            .unwrap_or_else(|_| normalize(&absolute)),
        _ => normalize(&absolute),
    };
    let a: Vec<Component> = absolute.components().collect();
    let b: Vec<Component> = base.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if common == 0 {
        return absolute.to_string_lossy().replace('\\', "/");
    }
    let mut parts: Vec<String> = vec!["..".to_string(); b.len() - common];
    parts.extend(
        a[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// `.` and `..` parts resolved without the filesystem.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::{Excerpt, Location};

    fn off_palette(line: usize, hex: &str) -> Finding {
        Finding::new(
            &crate::lint::rules::COLOR_OFF_PALETTE,
            Location::at("page.html", line, 5),
            format!("{hex} is not a brand color; nearest is roast #6B3E26 (ΔE 26.8)"),
        )
        .found(hex)
    }

    fn banned(line: usize) -> Finding {
        Finding::new(
            &crate::lint::rules::TONE_BANNED_TERM,
            Location::at("หน้า/โปร.md", line, 3),
            "“ถูกที่สุด” is a banned term (tone.banned: “ถูกที่สุด”)",
        )
        .found("ถูกที่สุด")
    }

    fn report(findings: Vec<Finding>) -> LintReport {
        LintReport {
            files: 1,
            findings,
            ..Default::default()
        }
    }

    fn rules_and_found(findings: &[Finding]) -> Vec<(&str, Option<&str>)> {
        findings
            .iter()
            .map(|f| (f.rule, f.found.as_deref()))
            .collect()
    }

    #[test]
    fn positions_do_not_change_fingerprints() {
        assert_eq!(
            fingerprint(&off_palette(8, "#E63946")),
            fingerprint(&off_palette(80, "#E63946"))
        );
        assert_ne!(
            fingerprint(&off_palette(8, "#E63946")),
            fingerprint(&off_palette(8, "#123456"))
        );
        assert_eq!(fingerprint(&banned(3)), fingerprint(&banned(300)));
        assert_eq!(
            without_positions("lint stopped at page 3 of 9: see a.html:12:5, line 4"),
            "lint stopped at page # of 9: see a.html:#:#, line #"
        );
        assert_eq!(without_positions("ราคา 1:2 ไม่ตรง"), "ราคา 1:# ไม่ตรง");
        // without a found value, the line's text tells two findings of a rule apart
        let mut a = Finding::new(
            &crate::lint::rules::LOGO_MISSING_ALT,
            Location::at("page.html", 4, 5),
            "the logo has no alt text",
        );
        let mut b = a.clone();
        a.excerpt = Some(Excerpt {
            text: "  <img src=\"logo.svg\">".into(),
            column: 3,
        });
        b.excerpt = Some(Excerpt {
            text: "<img src=\"logo-white.svg\">".into(),
            column: 1,
        });
        let mut c = a.clone();
        c.location.line = Some(40);
        c.excerpt = Some(Excerpt {
            text: "<img   src=\"logo.svg\">\t".into(),
            column: 1,
        });
        assert_ne!(fingerprint(&a), fingerprint(&b));
        assert_eq!(fingerprint(&a), fingerprint(&c));
    }

    #[test]
    fn a_baseline_is_a_multiset() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("baseline.json");
        let today = report(vec![
            off_palette(8, "#E63946"),
            off_palette(9, "#E63946"),
            banned(3),
        ]);
        assert_eq!(write(&file, &today).unwrap(), 3);

        // the same findings, moved: all baselined
        let mut moved = report(vec![
            banned(30),
            off_palette(18, "#E63946"),
            off_palette(90, "#E63946"),
        ]);
        Baseline::load(&file).unwrap().apply(&mut moved);
        assert!(moved.findings.is_empty(), "{:?}", moved.findings);
        let b = moved.baseline.as_ref().unwrap();
        assert_eq!((b.findings.len(), b.absent), (3, 0));

        // fixing one #E63946 and adding #123456 does not cancel out; a third #E63946 is new
        let mut changed = report(vec![
            off_palette(8, "#E63946"),
            off_palette(9, "#123456"),
            off_palette(12, "#E63946"),
            off_palette(14, "#E63946"),
        ]);
        Baseline::load(&file).unwrap().apply(&mut changed);
        assert_eq!(
            rules_and_found(&changed.findings),
            [
                ("color/off-palette", Some("#123456")),
                ("color/off-palette", Some("#E63946"))
            ]
        );
        assert_eq!(
            changed.findings[1].location.line,
            Some(14),
            "the last one is the new one"
        );
        let b = changed.baseline.as_ref().unwrap();
        assert_eq!(
            (b.findings.len(), b.absent),
            (2, 1),
            "the banned term was fixed"
        );
    }

    #[test]
    fn files_are_sorted_stable_and_relative() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("โปรเจกต์");
        std::fs::create_dir_all(dir.join("out/web")).unwrap();
        let page = dir.join("out/web/index.html");
        std::fs::write(&page, "<p>x</p>").unwrap();
        let file = dir.join("baseline.json");
        let mut f = off_palette(2, "#E63946");
        f.location.path = page.clone();
        let mut g = banned(1);
        g.location.path = tmp.path().join("elsewhere/x.md");
        let first = report(vec![f.clone(), g.clone()]);
        write(&file, &first).unwrap();
        let text = std::fs::read_to_string(&file).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["version"], 1);
        let paths: Vec<&str> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["path"].as_str().unwrap())
            .collect();
        assert_eq!(paths, ["../elsewhere/x.md", "out/web/index.html"]);
        assert!(text.contains("\n  \"findings\": [\n"), "pretty:\n{text}");
        // the same findings in another order write the same bytes
        write(&file, &report(vec![g, f])).unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
        // no temporary file is left
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    #[test]
    fn missing_and_corrupt_baselines_are_clear_errors() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("baseline.json");
        let e = Baseline::load(&file).unwrap_err().to_string();
        assert!(
            e.contains("baseline.json") && e.contains("--update-baseline"),
            "{e}"
        );
        std::fs::write(
            &file,
            "{\n  \"version\": 1,\n  \"findings\": [\n    {\"path\": 3}\n  ]\n}\n",
        )
        .unwrap();
        let e = Baseline::load(&file).unwrap_err().to_string();
        assert!(e.contains("baseline.json:4:"), "{e}");
        assert!(e.contains("not a brandpress baseline"), "{e}");
        std::fs::write(&file, "{\"version\": 2, \"findings\": []}").unwrap();
        let e = Baseline::load(&file).unwrap_err().to_string();
        assert!(e.contains("version 2"), "{e}");
        std::fs::write(&file, "ไม่ใช่ JSON").unwrap();
        let e = Baseline::load(&file).unwrap_err().to_string();
        assert!(e.contains("baseline.json:1:1"), "{e}");
        // hostile files: nesting beyond serde_json's limit, bytes beyond ours (sparse)
        std::fs::write(&file, "[".repeat(100_000)).unwrap();
        let e = Baseline::load(&file).unwrap_err().to_string();
        assert!(e.contains("baseline.json:1:"), "{e}");
        std::fs::File::create(&file)
            .unwrap()
            .set_len(MAX_BYTES + 1)
            .unwrap();
        let e = Baseline::load(&file).unwrap_err().to_string();
        assert!(e.contains("limit"), "{e}");
        std::fs::write(&file, b"{\"version\": 1, \"findings\": [\xff]}").unwrap();
        let e = Baseline::load(&file).unwrap_err().to_string();
        assert!(e.contains("not UTF-8"), "{e}");
    }

    #[test]
    fn expired_ignores_are_never_baselined() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("b.json");
        let expired = Finding::new(
            &crate::lint::rules::LINT_EXPIRED_IGNORE,
            Location::at("page.html", 3, 1),
            "brandpress-ignore color/off-palette expired on 2026-01-01",
        );
        let mut r = report(vec![expired, off_palette(4, "#E63946")]);
        assert_eq!(update(&file, &mut r).unwrap(), 1);
        assert_eq!(
            rules_and_found(&r.findings),
            [("lint/expired-ignore", None)]
        );
        assert!(r.has_errors());
    }
}
