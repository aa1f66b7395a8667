//! What lint adds for a folder brandpress built (one holding our `manifest.json`):
//!
//! - **Card text.** Lint cannot read text back from a card's pixels, but the manifest
//!   records the text the card laid out: it is checked with the guide's tone rules for
//!   the social channel (`[tone.channels.social]`, so social copy gets the social
//!   sentence length).
//! - **One problem, reported once, where the writer fixes it.** A banned word in a piece
//!   shows up in the page, the email (HTML, text and `.eml`), the card and the PDF: five
//!   findings on five outputs, four of them in files nobody edits. Findings that come
//!   from one source line become one finding at that Markdown line, listing the channels
//!   and outputs that carry it; each output's own finding stays under it
//!   ([`Finding::outputs`]), in the JSON and SARIF too.
//!
//! The manifest is untrusted like everything in the folder: a record is used only for a
//! file inside the folder, card text only while the card still has its recorded hash,
//! and a source only when it is a Markdown file inside the project's `content/`.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::channel::Channel;
use crate::lint::html::LineIndex;
use crate::lint::{Excerpt, Finding, LintContext, Location};
use crate::manifest::{CampaignManifest, Record, sha256_hex};

/// Rules whose findings quote the text they are about (`found`), which is how they are
/// found again in the source.
fn quotes_text(rule: &str) -> bool {
    rule.starts_with("tone/") || rule == "font/missing-glyph"
}

/// The verified records of the folder `dir`: (record, its file), files inside `dir` only.
fn records(dir: &Path) -> Vec<(Record, PathBuf)> {
    CampaignManifest::previous(dir)
        .into_iter()
        .filter_map(|r| {
            let path = crate::lint::consistency::inside(dir, &r.path)?;
            Some((r, path))
        })
        .collect()
}

/// Tone findings on the text each card of `dir` laid out, as the manifest records it.
/// Each finding points back at the piece's source where the text it is about is found
/// there (the sentence, for a sentence too long).
pub fn card_text(ctx: &LintContext, dir: &Path) -> Vec<Finding> {
    let rules = ctx.tone(Some(Channel::Social));
    let mut sources = Sources::new(ctx.guide.root.clone());
    let mut out = Vec::new();
    for (record, path) in records(dir) {
        if record.channel != Channel::Social.name() {
            continue;
        }
        let Some(text) = record.text.as_deref().filter(|t| !t.is_empty()) else {
            continue;
        };
        // text recorded for other bytes says nothing about this card
        match std::fs::read(&path) {
            Ok(bytes) if sha256_hex(&bytes) == record.sha256 => {}
            _ => continue,
        }
        for hit in rules.check(text) {
            let mut f = Finding::new(hit.rule, Location::file(&path), hit.message)
                .with_severity(hit.rule.severity);
            f.expected = hit.expected;
            f.found = hit
                .found
                .or_else(|| text.get(hit.range.clone()).map(str::to_string));
            f.fix = hit.fix;
            if let (Some(source), Some(said)) = (&record.source, text.get(hit.range.clone())) {
                f.source = sources.locate(source, said);
            }
            out.push(f);
        }
    }
    out
}

/// Where a grouped finding comes from: rule, source file, line, column, quoted text.
type SourceKey = (&'static str, PathBuf, usize, usize, Option<String>);

/// Folds the findings on the outputs of the folders `dirs` that share one source into
/// one finding at that source; other findings are returned as they are.
pub fn group_by_source(
    ctx: &LintContext,
    dirs: &[PathBuf],
    findings: Vec<Finding>,
) -> Vec<Finding> {
    if dirs.is_empty() {
        return findings;
    }
    // each output file of our folders → (channel, source file as the manifest names it)
    let mut outputs: HashMap<PathBuf, (String, Option<String>)> = HashMap::new();
    for dir in dirs {
        for (record, path) in records(dir) {
            outputs.insert(path, (record.channel, record.source));
        }
    }
    let mut sources = Sources::new(ctx.guide.root.clone());
    let mut groups: BTreeMap<SourceKey, Vec<(String, Finding)>> = BTreeMap::new();
    let mut rest = Vec::new();
    for mut f in findings {
        let Some((channel, source)) = outputs.get(&f.location.path) else {
            rest.push(f);
            continue;
        };
        if f.source.is_none()
            && quotes_text(f.rule)
            && let (Some(source), Some(found)) = (source, &f.found)
        {
            f.source = sources.locate(source, found);
        }
        match &f.source {
            Some(Location {
                path,
                line: Some(line),
                column: Some(column),
                ..
            }) => {
                let key = (f.rule, path.clone(), *line, *column, f.found.clone());
                groups.entry(key).or_default().push((channel.clone(), f));
            }
            _ => rest.push(f),
        }
    }
    for ((_, path, line, column, _), mut members) in groups {
        members.sort_by(|(ca, a), (cb, b)| {
            (channel_rank(ca), &a.location.path, a.location.line).cmp(&(
                channel_rank(cb),
                &b.location.path,
                b.location.line,
            ))
        });
        rest.push(grouped(&mut sources, path, line, column, members));
    }
    rest
}

/// The one finding at the source that `members` (channel, finding) share.
fn grouped(
    sources: &mut Sources,
    path: PathBuf,
    line: usize,
    column: usize,
    members: Vec<(String, Finding)>,
) -> Finding {
    // the plainest wording: outputs such as an .eml add where in the message they are
    let model = members
        .iter()
        .map(|(_, f)| f)
        .min_by_key(|f| f.message.len())
        .expect("a group has members");
    let mut channels: Vec<&str> = Vec::new();
    for (c, _) in &members {
        if !channels.contains(&c.as_str()) {
            channels.push(c);
        }
    }
    let n = members.len();
    let mut f = model.clone();
    f.message = format!(
        "{} (in {}: {})",
        model.message,
        if n == 1 {
            "1 output".to_string()
        } else {
            format!("{n} outputs")
        },
        channels.join(", ")
    );
    f.severity = members
        .iter()
        .map(|(_, m)| m.severity)
        .min()
        .unwrap_or(f.severity);
    f.excerpt = sources.excerpt(&path, line, column);
    f.location = Location::at(path, line, column);
    f.source = None;
    f.outputs = members.into_iter().map(|(_, m)| m).collect();
    f
}

/// Channels in the order the README lists them, so groups read the same way every time.
fn channel_rank(channel: &str) -> usize {
    Channel::ALL
        .iter()
        .position(|c| c.name() == channel)
        .unwrap_or(usize::MAX)
}

/// The project's Markdown sources, each read once, by the path findings show for them.
struct Sources {
    root: PathBuf,
    read: HashMap<PathBuf, Option<(String, LineIndex)>>,
}

impl Sources {
    fn new(root: PathBuf) -> Sources {
        Sources {
            root,
            read: HashMap::new(),
        }
    }

    /// The text of the source shown as `shown`, when it is Markdown inside `content/`.
    fn get(&mut self, shown: &Path) -> Option<&(String, LineIndex)> {
        let root = &self.root;
        self.read
            .entry(shown.to_path_buf())
            .or_insert_with(|| {
                let roots = crate::lint::Roots::none();
                let text = crate::lint::html::read_project_markdown(&roots, root, shown)?;
                let lines = LineIndex::new(&text);
                Some((text, lines))
            })
            .as_ref()
    }

    /// Where `found` first appears in the source `source` (as the manifest names it:
    /// relative to the project).
    fn locate(&mut self, source: &str, found: &str) -> Option<Location> {
        if found.is_empty() {
            return None;
        }
        let shown = crate::brand::display_path(&self.root.join(source));
        let (text, lines) = self.get(&shown)?;
        let at = text.find(found)?;
        let (line, col) = lines.line_col(text, at);
        Some(Location::at(shown, line, col))
    }

    fn excerpt(&mut self, shown: &Path, line: usize, column: usize) -> Option<Excerpt> {
        let (text, lines) = self.get(shown)?;
        Excerpt::of(lines, text, line, column)
    }
}
