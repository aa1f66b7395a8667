//! The campaign manifest, `out/manifest.json`: every output of a build with the piece,
//! campaign, channel and preset behind it, its SHA-256, and what it says — its visible
//! text (for cards and PDFs the text that was laid out), its links and the campaign facts
//! read from that text ([`crate::facts`]). The schema is `docs/manifest.schema.json`.
//!
//! `build` writes it (`build::campaign` makes the records), lint reads it back (the
//! cross-channel consistency checks), and so will the contact sheet and incremental
//! builds. It is deterministic: records sorted by path, no times, no absolute paths.

use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The marker file at the top of every output folder brandpress built. It also holds the
/// build's file list (see `build/manifest.rs`). Here, in the bottom layer, because build
/// writes it and lint (`--fix` leaves outputs alone) looks for it.
pub const MARKER: &str = ".brandpress-output";

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
    /// The segment whose variant of the piece the output is (none: the piece's own
    /// output).
    pub segment: Option<String>,
    /// Who the output is for, sorted: a variant's output serves its segment; a piece's
    /// own output serves `"all"` (every reader no variant is for) and each segment the
    /// piece targets without a variant of its own; shared assets serve `"all"`.
    #[serde(default)]
    pub serves: Vec<String>,
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

/// Appends `record` as pretty JSON at the depth of the manifest's `outputs` items: every
/// line after the first indented four more spaces (strings escape their line breaks, so
/// every line break in the JSON is the formatter's).
fn indented_record(record: &Record, into: &mut Vec<u8>) {
    let json = serde_json::to_vec_pretty(record).expect("a record serializes");
    for (i, line) in json.split(|&b| b == b'\n').enumerate() {
        if i > 0 {
            into.extend_from_slice(b"\n    ");
        }
        into.extend_from_slice(line);
    }
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
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

    /// The manifest as pretty JSON with a final newline: exactly what
    /// `serde_json::to_vec_pretty` writes, with the records serialized in parallel
    /// (8,000 records were 150 ms of a one-piece edit on one core).
    pub fn to_bytes(&self) -> Vec<u8> {
        use rayon::prelude::*;
        if self.outputs.is_empty() {
            let mut bytes = serde_json::to_vec_pretty(self).expect("a manifest serializes");
            bytes.push(b'\n');
            return bytes;
        }
        let string = |s: &str| serde_json::to_string(s).expect("a string serializes");
        let chunks: Vec<Vec<u8>> = self
            .outputs
            .par_chunks(256)
            .map(|records| {
                let mut bytes = Vec::new();
                for record in records {
                    bytes.extend_from_slice(b",\n    ");
                    indented_record(record, &mut bytes);
                }
                bytes
            })
            .collect();
        let mut bytes = format!(
            "{{\n  \"$schema\": {},\n  \"generator\": {},\n  \"outputs\": [",
            string(&self.schema),
            string(&self.generator)
        )
        .into_bytes();
        bytes.reserve(chunks.iter().map(Vec::len).sum::<usize>() + 8);
        for (i, chunk) in chunks.iter().enumerate() {
            // the first record follows `[` on a new line, without a comma
            bytes.extend_from_slice(if i == 0 { &chunk[1..] } else { chunk });
        }
        bytes.extend_from_slice(b"\n  ]\n}\n");
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

#[cfg(test)]
mod tests {
    use super::*;

    fn record(path: &str, text: Option<&str>) -> Record {
        Record {
            path: path.to_string(),
            channel: "web".to_string(),
            piece: Some("ข่าว-ปีใหม่".to_string()),
            campaign: None,
            segment: None,
            serves: vec!["all".to_string()],
            preset: None,
            lang: Some("th".to_string()),
            source: Some("content/ข่าว.md".to_string()),
            sha256: "ab".repeat(32),
            bytes: 1234,
            text: text.map(str::to_string),
            links: vec!["https://example.com/\"quoted\"".to_string()],
            facts: vec![FactRecord {
                kind: "price".to_string(),
                text: "ลด 50%\nวันนี้".to_string(),
                value: "50".to_string(),
            }],
        }
    }

    #[test]
    fn manifest_bytes_are_serde_json_pretty_output() {
        for n in [0, 1, 2, 255, 256, 257, 700] {
            let records = (0..n)
                .map(|i| {
                    let text = (i % 3 != 0).then(|| format!("สวัสดีปีใหม่ {i}\n\tบรรทัดสอง"));
                    record(&format!("web/{i:04}/index.html"), text.as_deref())
                })
                .collect();
            let manifest = CampaignManifest::new(records);
            let mut expected = serde_json::to_vec_pretty(&manifest).unwrap();
            expected.push(b'\n');
            assert_eq!(
                String::from_utf8(manifest.to_bytes()).unwrap(),
                String::from_utf8(expected).unwrap(),
                "{n} records"
            );
        }
    }
}
