//! `consistency/mismatch`: one campaign, one message. A folder built by brandpress holds
//! its campaign manifest (`manifest.json`, [`crate::manifest`]); its records give each
//! output's piece, campaign, channel and the facts read from what the output shows. For
//! each piece, every output that states a price, a promo code or a validity is compared
//! with the piece's front matter (`[facts]`), or, where the source says nothing, with what
//! the piece's other channels say (the majority).
//!
//! A fact a channel leaves out is not a mismatch; a fact stated differently is: the
//! finding names which channel says what (`email says WINTER25, web, social and print say
//! WINTER26`) and points at the line of the output where it says it.
//!
//! The manifest is untrusted (it may come with a pull request): records are used only
//! for files inside the linted folder whose bytes still have the recorded hash, and a
//! piece's source is read only inside the project's `content/`. A page or text edited
//! since the build is read again from its bytes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use crate::facts::{self, DateSpan, FactKind, Hints, Value};
use crate::lint::{Finding, LintContext, Location};
use crate::manifest::{CampaignManifest, MANIFEST, Record, sha256_hex};

/// The kinds of fact compared across channels.
const COMPARED: [FactKind; 3] = [FactKind::Amount, FactKind::PromoCode, FactKind::Date];

/// A piece of a campaign: (campaign, slug).
type PieceKey = (Option<String>, String);

/// One output's statements of one kind of fact.
struct Said {
    path: PathBuf,
    channel: String,
    /// Normalized values with the text they were read from.
    values: Vec<(Value, String)>,
}

/// `consistency/mismatch` findings for the folder `dir` when it holds our manifest.
pub fn check(ctx: &LintContext, dir: &Path) -> Vec<Finding> {
    let records = CampaignManifest::previous(dir);
    if records.is_empty() {
        return Vec::new();
    }
    let mut by_piece: BTreeMap<PieceKey, Vec<(Record, PathBuf)>> = BTreeMap::new();
    for record in records {
        let Some(piece) = record.piece.clone() else {
            continue;
        };
        let Some(path) = inside(dir, &record.path) else {
            continue;
        };
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let record = if sha256_hex(&bytes) == record.sha256 {
            record
        } else {
            match reread(record, &bytes) {
                Some(r) => r,
                None => continue,
            }
        };
        by_piece
            .entry((record.campaign.clone(), piece))
            .or_default()
            .push((record, path));
    }
    let mut findings = Vec::new();
    for ((_, _), outputs) in by_piece {
        let source = outputs
            .iter()
            .find_map(|(r, _)| r.source.as_deref())
            .and_then(|s| source_facts(ctx, s));
        for kind in COMPARED {
            let said = statements(&outputs, kind, label);
            let expected: Vec<Value> = source
                .as_ref()
                .map(|s| s.iter().filter(|v| v.kind() == kind).cloned().collect())
                .unwrap_or_default();
            findings.extend(compare(kind, &said, &expected));
        }
    }
    findings
}

/// `consistency/mismatch` across `files`, one campaign made elsewhere (`--campaign`; one
/// group per path given): each file's facts are read from its visible text (pages and email HTML, `.eml` parts,
/// plain text, PDF pages) and compared with what most files say. Files are named by
/// their path below the linted folder.
pub fn check_files(ctx: &LintContext, files: &[PathBuf]) -> Vec<Finding> {
    let mut records: Vec<(Record, PathBuf)> = Vec::new();
    for path in files {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        let Some(text) = visible_text(path, &bytes) else {
            continue;
        };
        let label = ctx
            .roots
            .relative(path)
            .to_string_lossy()
            .replace('\\', "/");
        let facts = facts::extract(&text, &Hints::default())
            .into_iter()
            .map(|f| crate::manifest::FactRecord {
                kind: f.kind().name().to_string(),
                text: text[f.range.clone()].to_string(),
                value: f.value.to_string(),
            })
            .collect();
        let record = Record {
            path: label.clone(),
            channel: label,
            piece: None,
            campaign: ctx.campaign.clone(),
            segment: None,
            preset: None,
            lang: None,
            source: None,
            sha256: String::new(),
            bytes: bytes.len() as u64,
            text: None,
            links: Vec::new(),
            facts,
        };
        records.push((record, path.clone()));
    }
    let mut findings = Vec::new();
    for kind in COMPARED {
        let said = statements(&records, kind, |r| r.channel.clone());
        findings.extend(compare(kind, &said, &[]));
    }
    findings
}

/// The visible text of a file made elsewhere, by its kind.
fn visible_text(path: &Path, bytes: &[u8]) -> Option<String> {
    use crate::lint::{FileKind, detect_kind};
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("txt"))
    {
        return Some(String::from_utf8_lossy(bytes).into_owned());
    }
    match detect_kind(path, bytes) {
        FileKind::Html | FileKind::EmailHtml => {
            Some(crate::lint::html::shown(&crate::lint::html::charset::decode(bytes)).0)
        }
        FileKind::Eml => {
            let msg = mail_parser::MessageParser::default().parse(bytes)?;
            let mut text = String::new();
            if let Some(html) = msg.body_html(0) {
                text.push_str(&crate::lint::html::shown(&html).0);
                text.push('\n');
            }
            if let Some(plain) = msg.body_text(0) {
                text.push_str(&plain);
            }
            Some(text)
        }
        FileKind::Pdf => crate::lint::pdf::text(bytes),
        _ => None,
    }
}

/// Each output's statements of facts of `kind`, named by `label`.
fn statements(
    outputs: &[(Record, PathBuf)],
    kind: FactKind,
    label: impl Fn(&Record) -> String,
) -> Vec<Said> {
    outputs
        .iter()
        .filter_map(|(r, path)| {
            let values: Vec<(Value, String)> = r
                .facts
                .iter()
                .filter(|f| f.kind == kind.name())
                .filter_map(|f| {
                    facts::parse(kind, &f.text)
                        .or_else(|| facts::parse(kind, &f.value))
                        .map(|v| (v, f.text.clone()))
                })
                .collect();
            (!values.is_empty()).then(|| Said {
                path: path.clone(),
                channel: label(r),
                values,
            })
        })
        .collect()
}

/// How a finding names an output: its channel, and for an email's plain-text part
/// "email text".
fn label(r: &Record) -> String {
    if r.channel == "email" && r.path.ends_with(".txt") {
        "email text".to_string()
    } else {
        r.channel.clone()
    }
}

/// The file of manifest path `rel` inside `dir`: plain relative components only.
fn inside(dir: &Path, rel: &str) -> Option<PathBuf> {
    let rel = Path::new(rel);
    if rel.as_os_str().is_empty() || !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        return None;
    }
    let path = dir.join(rel);
    let meta = std::fs::symlink_metadata(&path).ok()?;
    meta.is_file().then_some(path)
}

/// A record whose file changed since the build: a page or text is read again; a card or
/// PDF (whose text came from its layout) is not compared.
fn reread(mut record: Record, bytes: &[u8]) -> Option<Record> {
    let ext = Path::new(&record.path)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())?;
    let text = match ext.as_str() {
        "html" | "htm" => crate::lint::html::shown(&String::from_utf8_lossy(bytes)).0,
        "txt" => String::from_utf8_lossy(bytes).into_owned(),
        _ => return None,
    };
    record.facts = facts::extract(&text, &Hints::default())
        .into_iter()
        .map(|f| crate::manifest::FactRecord {
            kind: f.kind().name().to_string(),
            text: text[f.range.clone()].to_string(),
            value: f.value.to_string(),
        })
        .collect();
    Some(record)
}

/// The facts a piece's front matter states: its price, promo code and validity.
fn source_facts(ctx: &LintContext, source: &str) -> Option<Vec<Value>> {
    let root = &ctx.guide.root;
    let content = root.join("content").canonicalize().ok()?;
    let path = inside(root, source)?.canonicalize().ok()?;
    if !path.starts_with(&content) || path.extension().is_none_or(|e| e != "md") {
        return None;
    }
    let file = crate::error::SourceFile::read(&path).ok()?;
    let piece = crate::content::Piece::parse(file).ok()?;
    let f = &piece.meta.facts;
    let mut out = Vec::new();
    if let Some(price) = f
        .price
        .as_deref()
        .and_then(|p| facts::parse(FactKind::Amount, p))
    {
        out.push(price);
    }
    if let Some(code) = f
        .promo_code
        .as_deref()
        .and_then(|c| facts::parse(FactKind::PromoCode, c))
    {
        out.push(code);
    }
    let date = |d: &Option<toml::value::Datetime>| {
        d.as_ref().and_then(|d| d.date).map(|d| facts::Date {
            year: Some(i32::from(d.year)),
            month: d.month,
            day: d.day,
        })
    };
    match (date(&f.starts), date(&f.ends)) {
        (Some(start), end) => out.push(Value::Date(DateSpan { start, end })),
        (None, Some(end)) => out.push(Value::Date(DateSpan {
            start: end,
            end: None,
        })),
        (None, None) => {}
    }
    Some(out)
}

/// Whether a stated value agrees with an expected one: the same amount (a price without
/// its currency matches any), the same code, or a date that is the validity, its start or
/// its end (a year left out matches any).
fn agrees(said: &Value, expected: &Value) -> bool {
    match (said, expected) {
        (Value::Amount(a), Value::Amount(b)) => a.same(b),
        (Value::PromoCode(a), Value::PromoCode(b)) => a == b,
        (Value::Date(a), Value::Date(b)) => {
            let ends = [Some(b.start), b.end];
            let on = |d: &facts::Date| ends.iter().flatten().any(|e| e.same(d));
            on(&a.start) && a.end.as_ref().is_none_or(on)
        }
        _ => said == expected,
    }
}

/// Findings for one kind of fact across a piece's outputs.
fn compare(kind: FactKind, said: &[Said], expected: &[Value]) -> Vec<Finding> {
    let expected: Vec<Value> = if expected.is_empty() {
        majority(said)
    } else {
        expected.to_vec()
    };
    if expected.is_empty() {
        return Vec::new();
    }
    let agreeing: BTreeSet<&str> = said
        .iter()
        .filter(|s| {
            s.values
                .iter()
                .any(|(v, _)| expected.iter().any(|e| agrees(v, e)))
        })
        .map(|s| s.channel.as_str())
        .collect();
    let shown = |values: &[Value]| {
        values
            .iter()
            .map(Value::to_string)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = Vec::new();
    for s in said {
        // A campaign has one code: every other code stated is a mismatch. Copy may state
        // other amounts and dates (a minimum order, the day an email was sent): an output
        // disagrees when none of them is the campaign's.
        let agree = |v: &Value| expected.iter().any(|e| agrees(v, e));
        let wrong: Vec<&(Value, String)> = match kind {
            FactKind::PromoCode => s.values.iter().filter(|(v, _)| !agree(v)).collect(),
            _ if s.values.iter().any(|(v, _)| agree(v)) => Vec::new(),
            _ => s.values.iter().take(1).collect(),
        };
        let agreeing: Vec<&str> = agreeing
            .iter()
            .copied()
            .filter(|c| *c != s.channel)
            .collect();
        let others = if agreeing.is_empty() {
            "the source says".to_string()
        } else {
            let verb = if agreeing.len() == 1 { "says" } else { "say" };
            format!("{} {verb}", join_and(&agreeing))
        };
        let mut seen = BTreeSet::new();
        for (first, text) in wrong {
            if !seen.insert(first.to_string()) {
                continue;
            }
            out.push(
                Finding::new(
                    &crate::lint::rules::CONSISTENCY_MISMATCH,
                    locate(&s.path, text),
                    format!(
                        "{} says {} {first}, {others} {}",
                        s.channel,
                        kind_name(kind),
                        shown(&expected)
                    ),
                )
                .expected(shown(&expected))
                .found(text.clone())
                .fix("state the campaign's value here, or fix the piece's [facts] if this one is right"),
            );
        }
    }
    out
}

/// The values most channels state, when the source says nothing.
fn majority(said: &[Said]) -> Vec<Value> {
    let mut counts: Vec<(Value, BTreeSet<&str>)> = Vec::new();
    for s in said {
        for (v, _) in &s.values {
            match counts.iter_mut().find(|(c, _)| agrees(v, c)) {
                Some((_, channels)) => {
                    channels.insert(&s.channel);
                }
                None => counts.push((v.clone(), BTreeSet::from([s.channel.as_str()]))),
            }
        }
    }
    let best = counts.iter().map(|(_, c)| c.len()).max().unwrap_or(0);
    // a majority needs two channels agreeing and more than any other value
    if best < 2 || counts.iter().filter(|(_, c)| c.len() == best).count() > 1 {
        return Vec::new();
    }
    counts
        .into_iter()
        .filter(|(_, c)| c.len() == best)
        .map(|(v, _)| v)
        .collect()
}

fn kind_name(kind: FactKind) -> &'static str {
    match kind {
        FactKind::Amount => "price",
        FactKind::PromoCode => "promo code",
        FactKind::Date => "date",
        FactKind::Url => "link",
        FactKind::Phone => "phone number",
        FactKind::LineId => "LINE ID",
    }
}

fn join_and(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Where `text` first appears in the file at `path` (its line and column), else the file.
fn locate(path: &Path, text: &str) -> Location {
    let Ok(bytes) = std::fs::read(path) else {
        return Location::file(path);
    };
    let Ok(content) = std::str::from_utf8(&bytes) else {
        return Location::file(path);
    };
    match content.find(text) {
        Some(at) => {
            let (line, col) = crate::error::line_col(content, at);
            Location::at(path, line, col)
        }
        None => Location::file(path),
    }
}

/// The folders among `paths` that hold a campaign manifest.
pub fn manifest_dirs(paths: &[PathBuf]) -> Vec<PathBuf> {
    paths
        .iter()
        .filter(|p| p.is_dir() && p.join(MANIFEST).is_file())
        .cloned()
        .collect()
}
