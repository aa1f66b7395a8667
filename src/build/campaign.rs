//! The records of the campaign manifest ([`crate::manifest`]), made as a build writes
//! each output: what a card or PDF shows comes from its renderer, what a page or text
//! says is read back from its bytes with lint's one HTML reader. The build's own marker
//! file ([`super::MARKER`]) keeps only what partial builds need (path, channel, piece), a
//! projection of these records.

use std::path::Path;

use super::manifest::Entry;
use crate::content::Piece;
use crate::facts::{self, Hints};
use crate::manifest::{FactRecord, Record, sha256_hex};
use crate::render::{Output, Shown};

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
        segment: entry.segment.clone(),
        serves: match piece {
            Some(p) => p.serves(),
            None => vec![crate::content::ALL_READERS.to_string()],
        },
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
