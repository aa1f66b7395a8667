//! The campaign manifest, `out/manifest.json`: every output of a build with the piece,
//! campaign, channel and preset behind it, its SHA-256, and what it says — its visible
//! text (for cards and PDFs the text that was laid out), its links and the campaign facts
//! read from that text ([`crate::facts`]). The schema is `docs/manifest.schema.json`.
//!
//! It is the campaign's index for cross-channel checks, the contact sheet and incremental
//! builds. It is deterministic: records sorted by path, no times, no absolute paths. The
//! build's own marker file ([`super::MARKER`]) keeps only what partial builds need (path,
//! channel, piece), a projection of these records.

use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::manifest::Entry;
use crate::content::Piece;
use crate::facts::{self, Hints};
use crate::render::{Output, Shown};

/// The manifest's file name at the top of the output folder.
pub const MANIFEST: &str = "manifest.json";

/// Schema id written into the manifest.
pub const SCHEMA: &str = "https://brandpress.dev/schemas/manifest-1.json";

/// `out/manifest.json`.
#[derive(Debug, Serialize, Deserialize)]
pub struct CampaignManifest {
    #[serde(rename = "$schema")]
    pub schema: String,
    /// `brandpress <version>`.
    pub generator: String,
    pub outputs: Vec<Record>,
}

/// One output file and what it says.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Record {
    /// Relative to the output folder, `/`-separated.
    pub path: String,
    pub channel: String,
    /// The piece's slug; none for a channel's shared assets.
    pub piece: Option<String>,
    /// The piece's `campaign`.
    pub campaign: Option<String>,
    /// The segment the output was made for (none: every segment).
    pub segment: Option<String>,
    /// The social card preset.
    pub preset: Option<String>,
    /// `th` or `en`.
    pub lang: Option<String>,
    /// The piece's Markdown source, relative to the project.
    pub source: Option<String>,
    /// Lower-case hex SHA-256 of the file's bytes.
    pub sha256: String,
    pub bytes: u64,
    /// The visible text; none for files that show none (stylesheets, fonts, the `.eml`
    /// whose parts are the `.html` and `.txt` beside it).
    pub text: Option<String>,
    pub links: Vec<String>,
    pub facts: Vec<FactRecord>,
}

/// A fact as rendered: its kind, the text it was read from and its normalized value.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FactRecord {
    pub kind: String,
    pub text: String,
    pub value: String,
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The record of `output`, written for `piece` (none for shared assets) as `entry`, in
/// the project at `root`.
pub fn record(entry: &Entry, output: &Output, piece: Option<&Piece>, root: &Path) -> Record {
    let (text, links) = shown(&output.path, &output.bytes, output.shown.as_ref());
    let hints = Hints {
        codes: piece
            .and_then(|p| p.meta.facts.promo_code.clone())
            .into_iter()
            .collect(),
    };
    let facts = text
        .as_deref()
        .map(|t| {
            facts::extract(t, &hints)
                .into_iter()
                .map(|f| FactRecord {
                    kind: f.kind().name().to_string(),
                    text: t[f.range.clone()].to_string(),
                    value: f.value.to_string(),
                })
                .collect()
        })
        .unwrap_or_default();
    Record {
        path: entry.path.clone(),
        channel: entry.channel.clone(),
        piece: entry.piece.clone(),
        campaign: piece.and_then(|p| p.meta.campaign.clone()),
        segment: None,
        preset: output.shown.as_ref().and_then(|s| s.preset.clone()),
        lang: piece.map(|p| p.lang.tag().to_string()),
        source: piece.map(|p| {
            // relative to the project (never an absolute path: the manifest is the same
            // wherever the project is)
            let path = &p.source.path;
            let rel = path
                .strip_prefix(root)
                .or_else(|_| path.strip_prefix("."))
                .unwrap_or(path);
            rel.components()
                .filter(|c| matches!(c, std::path::Component::Normal(_)))
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/")
        }),
        sha256: sha256_hex(&output.bytes),
        bytes: output.bytes.len() as u64,
        text,
        links,
        facts,
    }
}

/// Visible text and links of an output: what its renderer laid out (cards, PDFs), else
/// read back from its bytes (HTML pages and emails, plain text).
fn shown(path: &Path, bytes: &[u8], laid_out: Option<&Shown>) -> (Option<String>, Vec<String>) {
    if let Some(s) = laid_out {
        return (Some(s.text.clone()), s.links.clone());
    }
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => {
            let (text, links) = crate::lint::html::shown(&String::from_utf8_lossy(bytes));
            (Some(text), links)
        }
        "txt" => {
            let text = String::from_utf8_lossy(bytes).into_owned();
            let links = facts::contact::urls(&text)
                .into_iter()
                .map(|(r, _)| text[r].to_string())
                .collect();
            (Some(text), links)
        }
        _ => (None, Vec::new()),
    }
}

impl CampaignManifest {
    /// The manifest of `records`, sorted by path.
    pub fn new(mut records: Vec<Record>) -> CampaignManifest {
        records.sort_by(|a, b| a.path.cmp(&b.path));
        CampaignManifest {
            schema: SCHEMA.to_string(),
            generator: format!("brandpress {}", env!("CARGO_PKG_VERSION")),
            outputs: records,
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).expect("a manifest serializes");
        bytes.push(b'\n');
        bytes
    }

    /// The records of a previous build's manifest (untrusted: size-capped, and each
    /// record only used for a file whose bytes still have its hash); none when it does
    /// not read.
    pub fn previous(out: &Path) -> Vec<Record> {
        use std::io::Read;
        const MAX: u64 = 256 << 20;
        let Ok(file) = std::fs::File::open(out.join(MANIFEST)) else {
            return Vec::new();
        };
        let mut bytes = Vec::new();
        if file.take(MAX + 1).read_to_end(&mut bytes).is_err() || bytes.len() as u64 > MAX {
            return Vec::new();
        }
        serde_json::from_slice::<CampaignManifest>(&bytes)
            .map(|m| m.outputs)
            .unwrap_or_default()
    }
}
