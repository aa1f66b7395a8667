//! `consistency/mismatch`: one campaign, one message. A folder built by brandpress holds
//! its campaign manifest (`manifest.json`, [`crate::manifest`]); its records give each
//! output's piece, campaign, channel and the facts read from what the output shows. For
//! each piece, every output that states a price, a promo code, a validity, a phone number
//! or a LINE ID is compared with the piece's front matter (`[facts]`), or, where the
//! source says nothing, with what the piece's other channels say (the majority). The call
//! to action's link is compared with `cta.url` (files made elsewhere: with the links most
//! of them share) by [`compare_links`], which tells it from navigation and footer links.
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

/// The kinds of fact compared across channels by value (links are compared apart, see
/// [`compare_links`]).
const COMPARED: [FactKind; 5] = [
    FactKind::Amount,
    FactKind::PromoCode,
    FactKind::Date,
    FactKind::Phone,
    FactKind::LineId,
];

/// A piece of a campaign: (campaign, slug, segment). A segment's variant (issue 12) is
/// its own group, compared with the variant's facts (a members' price).
type PieceKey = (Option<String>, String, Option<String>);

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
            .entry((record.campaign.clone(), piece, record.segment.clone()))
            .or_default()
            .push((record, path));
    }
    let mut findings = Vec::new();
    for ((_, _, segment), outputs) in by_piece {
        let source = outputs
            .iter()
            .find_map(|(r, _)| r.source.as_deref())
            .and_then(|s| source_facts(ctx, s, segment.as_deref()));
        for kind in COMPARED {
            let said = statements(&outputs, kind, label);
            let expected: Vec<Value> = source
                .as_ref()
                .map(|s| s.iter().filter(|v| v.kind() == kind).cloned().collect())
                .unwrap_or_default();
            findings.extend(compare(kind, &said, &expected));
        }
        let cta: Vec<String> = source
            .iter()
            .flatten()
            .filter_map(|v| match v {
                Value::Url(u) => Some(u.clone()),
                _ => None,
            })
            .collect();
        findings.extend(compare_links(&outputs, &cta, label));
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
        let Some((text, links)) = visible_text(path, &bytes) else {
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
            serves: Vec::new(),
            preset: None,
            lang: None,
            source: None,
            sha256: String::new(),
            bytes: bytes.len() as u64,
            text: None,
            links,
            facts,
        };
        records.push((record, path.clone()));
    }
    let mut findings = Vec::new();
    for kind in COMPARED {
        let said = statements(&records, kind, |r| r.channel.clone());
        findings.extend(compare(kind, &said, &[]));
    }
    findings.extend(compare_links(&records, &[], |r| r.channel.clone()));
    findings
}

/// The visible text of a file made elsewhere, by its kind, and the targets of its links
/// (`href`s of pages and email HTML, link annotations of PDFs).
fn visible_text(path: &Path, bytes: &[u8]) -> Option<(String, Vec<String>)> {
    use crate::lint::{FileKind, detect_kind};
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("txt"))
    {
        return Some((String::from_utf8_lossy(bytes).into_owned(), Vec::new()));
    }
    match detect_kind(path, bytes) {
        FileKind::Html | FileKind::EmailHtml => Some(crate::lint::html::shown(
            &crate::lint::html::charset::decode(bytes),
        )),
        FileKind::Eml => {
            let msg = mail_parser::MessageParser::default().parse(bytes)?;
            let mut text = String::new();
            let mut links = Vec::new();
            if let Some(html) = msg.body_html(0) {
                let (shown, hrefs) = crate::lint::html::shown(&html);
                text.push_str(&shown);
                text.push('\n');
                links = hrefs;
            }
            if let Some(plain) = msg.body_text(0) {
                text.push_str(&plain);
            }
            Some((text, links))
        }
        FileKind::Pdf => {
            let pages = crate::lint::pdf::page_texts(bytes)?;
            let mut text = String::new();
            let mut links = Vec::new();
            for (page, on_page) in pages {
                text.push_str(&page);
                text.push('\n');
                links.extend(on_page);
            }
            Some((text, links))
        }
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
pub(crate) fn inside(dir: &Path, rel: &str) -> Option<PathBuf> {
    let rel = Path::new(rel);
    if rel.as_os_str().is_empty() || !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        return None;
    }
    let path = dir.join(rel);
    let meta = std::fs::symlink_metadata(&path).ok()?;
    meta.is_file().then_some(path)
}

/// A record whose file changed since the build: a page or text is read again (its facts
/// and links); a card or
/// PDF (whose text came from its layout) is not compared.
fn reread(mut record: Record, bytes: &[u8]) -> Option<Record> {
    let ext = Path::new(&record.path)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())?;
    // the links as they are now: a page's `href`s; a text's are the links it states
    let (text, links) = match ext.as_str() {
        "html" | "htm" => crate::lint::html::shown(&String::from_utf8_lossy(bytes)),
        "txt" => (String::from_utf8_lossy(bytes).into_owned(), Vec::new()),
        _ => return None,
    };
    record.links = links;
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

/// The facts a piece's front matter states: its price, promo code and validity (for a
/// segment: its variant's, merged over the piece's).
fn source_facts(ctx: &LintContext, source: &str, segment: Option<&str>) -> Option<Vec<Value>> {
    let root = &ctx.guide.root;
    let content = ctx.roots.canonical(&root.join("content"))?;
    let path = ctx.roots.canonical(&inside(root, source)?)?;
    if !path.starts_with(&content) || path.extension().is_none_or(|e| e != "md") {
        return None;
    }
    let file = crate::error::SourceFile::read(&path).ok()?;
    let piece = crate::content::Piece::parse(file).ok()?;
    let f = piece.facts_for(segment);
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
    // the call to action's link: the segment's variant's, else the piece's
    let cta = segment
        .and_then(|s| piece.variant(s))
        .map_or(&piece.meta.cta, |v| &v.meta.cta);
    if let Some(url) = cta
        .as_ref()
        .and_then(|c| facts::contact::comparable_url(&c.url))
    {
        out.push(Value::Url(url));
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

/// Where `text` first appears in the file at `path`: its line and column, or in a PDF
/// the first page whose text (or link) holds it; else the file.
fn locate(path: &Path, text: &str) -> Location {
    let Ok(bytes) = std::fs::read(path) else {
        return Location::file(path);
    };
    if bytes.starts_with(b"%PDF")
        || crate::lint::detect_kind(path, &bytes) == crate::lint::FileKind::Pdf
    {
        let page = crate::lint::pdf::page_texts(&bytes).and_then(|pages| {
            pages
                .iter()
                .position(|(t, links)| t.contains(text) || links.iter().any(|l| l == text))
        });
        return Location {
            page: page.map(|p| p + 1),
            ..Location::file(path)
        };
    }
    let Ok(content) = std::str::from_utf8(&bytes) else {
        return Location::file(path);
    };
    // a link as a page writes it in an attribute: `&` as `&amp;`, and `/` as `&#x2F;`
    // (template engines' escaping)
    let amp = text.replace('&', "&amp;");
    let found = [text.to_string(), amp.clone(), amp.replace('/', "&#x2F;")]
        .iter()
        .find_map(|t| content.find(t.as_str()));
    match found {
        Some(at) => {
            let (line, col) = crate::error::line_col(content, at);
            Location::at(path, line, col)
        }
        None => Location::file(path),
    }
}

/// One output's links, compared by [`facts::contact::comparable_url`], with the text
/// each was read from (its first).
fn links_of(r: &Record) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let texts = r.links.iter().map(String::as_str).chain(
        r.facts
            .iter()
            .filter(|f| f.kind == FactKind::Url.name())
            .map(|f| f.text.as_str()),
    );
    for text in texts {
        if let Some(key) = facts::contact::comparable_url(text) {
            out.entry(key).or_insert_with(|| text.to_string());
        }
    }
    out
}

/// Whether two comparable links are two pages of one place: the same host and the same
/// folder, not the site's root (`/order/cold-brew` and `/order/hot-brew`; the same path
/// with another query), so that one is the other's stand-in in a channel. Links to the
/// root folder (`/`, `/about`, `/menu`), to other folders and to other hosts (navigation,
/// footers, social profiles) are not.
fn siblings(a: &str, b: &str) -> bool {
    let (Ok(a), Ok(b)) = (url::Url::parse(a), url::Url::parse(b)) else {
        return false;
    };
    let folder = |u: &url::Url| {
        u.path()
            .rsplit_once('/')
            .map(|(folder, _)| folder.to_string())
            .unwrap_or_default()
    };
    a != b
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
        && !folder(&a).is_empty()
        && folder(&a) == folder(&b)
}

/// `consistency/mismatch` on the call to action's link. A page links to many places
/// (navigation, footer, social profiles), so links are not compared as a set: the
/// campaign's link is the piece's `cta.url` (`expected`), or, for files made elsewhere,
/// each link that two or more outputs share. An output that does not link there but
/// links to a sibling of it (same host and folder, not the root: `/order/hot-brew` for
/// `/order/cold-brew`) says another link; one that links to neither leaves it out.
/// Links are compared without `utm_*` parameters, fragment and trailing slash, scheme and
/// host in any case.
fn compare_links(
    outputs: &[(Record, PathBuf)],
    expected: &[String],
    label: impl Fn(&Record) -> String,
) -> Vec<Finding> {
    let said: Vec<(String, &PathBuf, BTreeMap<String, String>)> = outputs
        .iter()
        .map(|(r, path)| (label(r), path, links_of(r)))
        .filter(|(_, _, links)| !links.is_empty())
        .collect();
    let targets: BTreeSet<String> = if expected.is_empty() {
        let mut by: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for (channel, _, links) in &said {
            for key in links.keys() {
                by.entry(key).or_default().insert(channel);
            }
        }
        by.into_iter()
            .filter(|(_, channels)| channels.len() >= 2)
            .map(|(k, _)| k.to_string())
            .collect()
    } else {
        expected.iter().cloned().collect()
    };
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for (channel, path, links) in &said {
        for target in &targets {
            if links.contains_key(target) {
                continue;
            }
            for (key, text) in links {
                if targets.contains(key) || !siblings(key, target) {
                    continue;
                }
                if !seen.insert((channel.clone(), key.clone())) {
                    continue;
                }
                let agreeing: Vec<&str> = said
                    .iter()
                    .filter(|(c, _, l)| c != channel && l.contains_key(target))
                    .map(|(c, _, _)| c.as_str())
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect();
                let others = if agreeing.is_empty() {
                    "the source says".to_string()
                } else {
                    let verb = if agreeing.len() == 1 { "says" } else { "say" };
                    format!("{} {verb}", join_and(&agreeing))
                };
                out.push(
                    Finding::new(
                        &crate::lint::rules::CONSISTENCY_MISMATCH,
                        locate(path, text),
                        format!(
                            "{channel} says {} {key}, {others} {target}",
                            kind_name(FactKind::Url)
                        ),
                    )
                    .expected(target.clone())
                    .found(text.clone())
                    .fix("link the campaign's page here, or fix the piece's cta.url if this one is right"),
                );
            }
        }
    }
    out
}

/// The folders among `paths` that hold a campaign manifest.
pub fn manifest_dirs(paths: &[PathBuf]) -> Vec<PathBuf> {
    paths
        .iter()
        .filter(|p| p.is_dir() && p.join(MANIFEST).is_file())
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn siblings_are_pages_of_one_folder() {
        let s = siblings;
        // another product, or the same page with another parameter
        assert!(s(
            "https://tonkla.example/order/cold-brew",
            "https://tonkla.example/order/hot-brew"
        ));
        assert!(s(
            "https://tonkla.example/order/cold-brew?size=l",
            "https://tonkla.example/order/cold-brew"
        ));
        // navigation at the root, other folders, other hosts, the page itself: not
        for (a, b) in [
            (
                "https://tonkla.example/menu",
                "https://tonkla.example/branches",
            ),
            (
                "https://tonkla.example",
                "https://tonkla.example/order/cold-brew",
            ),
            (
                "https://tonkla.example/campaigns/cold-brew",
                "https://tonkla.example/order/cold-brew",
            ),
            (
                "https://www.facebook.com/order/tonkla",
                "https://tonkla.example/order/cold-brew",
            ),
            (
                "https://tonkla.example/order/cold-brew",
                "https://tonkla.example/order/cold-brew",
            ),
            ("not a link", "https://tonkla.example/order/cold-brew"),
        ] {
            assert!(!s(a, b), "{a} {b}");
        }
    }
}
