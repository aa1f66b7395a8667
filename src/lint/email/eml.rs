//! `.eml` messages: the HTML part linted as email HTML, the text/plain part by the tone
//! rules, each finding placed at its line and column in the `.eml` file itself.
//!
//! A part's decoded text maps back to the file where its bytes are still there to point
//! at: a part sent as is (7bit, 8bit) or as quoted-printable, in UTF-8 or ASCII, maps
//! byte for byte (a quoted-printable `=E0=B8=81` is the place of its Thai character).
//! A base64 part or one in another charset has no such map: its findings point at the
//! part's first body line and name their line in the decoded part.

use std::path::Path;

use mail_parser::{Encoding, HeaderName, MessageParser, MessagePart, MimeHeaders, PartType};

use crate::error::line_col;
use crate::lint::{Finding, LintContext, Location};

/// Lints one `.eml` message, its kind already settled (see [`super::lint`] to detect it).
pub fn lint_eml(ctx: &LintContext, path: &Path, bytes: &[u8]) -> Vec<Finding> {
    // mail-parser reads anything as some message: one is readable when it has at least
    // one header mail knows (From, Subject, MIME-Version, Content-Type…)
    let msg = match MessageParser::default().parse(bytes) {
        Some(msg)
            if msg
                .headers()
                .iter()
                .any(|h| !matches!(h.name, HeaderName::Other(_))) =>
        {
            msg
        }
        _ => return vec![unreadable(path, bytes)],
    };
    let file = FileLines::new(bytes);
    let mut html = None;
    let mut text = None;
    for part in &msg.parts {
        match &part.body {
            PartType::Html(h) if html.is_none() => html = Some((part, h.as_ref())),
            PartType::Text(t) if text.is_none() => text = Some((part, t.as_ref())),
            _ => {}
        }
    }
    let mut findings = Vec::new();
    if let Some((part, html)) = html {
        // As sent: the part's body in the message, transfer encoding and all.
        let sent = part.raw_end_offset().saturating_sub(part.raw_body_offset()) as usize;
        let place = Placer::new(bytes, part, html, &file, "text/html");
        let lines = decoded_lines(html);
        // The HTML, tone and email rules on the decoded part, with its ignores.
        for mut f in crate::lint::html::lint_email_part(ctx, path, html, sent) {
            if let (Some(line), Some(col)) = (f.location.line, f.location.column) {
                let offset = offset_of(html, &lines, line, col);
                place.apply(&mut f, offset);
            }
            findings.push(f);
        }
        findings.extend(check_charset(path, part, &file));
    }
    match text {
        Some((part, text)) => {
            let place = Placer::new(bytes, part, text, &file, "text/plain");
            for hit in ctx.tone(Some(crate::channel::Channel::Email)).check(text) {
                let mut f = Finding::new(hit.rule, Location::file(path), hit.message);
                f.expected = hit.expected;
                f.found = hit.found;
                f.fix = hit.fix;
                place.apply(&mut f, hit.range.start);
                findings.push(f);
            }
            findings.extend(check_charset(path, part, &file));
        }
        None if html.is_some() => findings.push(
            Finding::new(&crate::lint::rules::EMAIL_MISSING_PLAIN_TEXT, Location::file(path),
                "message has an HTML part but no text/plain part",
            )
            .fix("send multipart/alternative with a text/plain part: spam filters and text-only clients expect one"),
        ),
        None => {}
    }
    findings
}

/// `email/unreadable`: not a MIME message (no header at all, or nothing).
fn unreadable(path: &Path, bytes: &[u8]) -> Finding {
    let what = if bytes.is_empty() {
        "the file is empty".to_string()
    } else {
        format!("{} bytes without a single known mail header", bytes.len())
    };
    Finding::new(
        &crate::lint::rules::EMAIL_UNREADABLE,
        Location::file(path),
        format!("not a readable MIME message: {what}"),
    )
    .expected("headers (From, Subject, MIME-Version, Content-Type…), a blank line, the body")
    .fix("export the message again as .eml, or check that the file was not truncated")
}

/// Whether a MIME charset label is UTF-8 or its ASCII subset.
pub fn is_utf8_label(label: &str) -> bool {
    let label = label.trim().trim_matches('"').to_ascii_lowercase();
    matches!(
        label.as_str(),
        "utf-8" | "utf8" | "us-ascii" | "ascii" | "ansi_x3.4-1968" | "iso646-us"
    )
}

/// `email/charset` for a text part declared in a charset other than UTF-8, at its
/// Content-Type header.
fn check_charset(path: &Path, part: &MessagePart, file: &FileLines) -> Option<Finding> {
    let label = part.content_type()?.attribute("charset")?;
    if is_utf8_label(label) {
        return None;
    }
    let at = part
        .headers
        .iter()
        .find(|h| h.name == HeaderName::ContentType)
        .map_or(part.offset_header, |h| h.offset_field);
    let (line, col) = file.line_col(at as usize);
    let kind = part.content_type().map_or_else(String::new, |ct| {
        format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or_default())
    });
    Some(super::charset_finding(
        Location::at(path, line, col),
        &format!("the {kind} part is in {label}"),
        label,
    ))
}

/// Line starts of an `.eml` file, for line and column of a byte offset.
struct FileLines<'a> {
    bytes: &'a [u8],
    starts: Vec<usize>,
}

impl<'a> FileLines<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        let starts = std::iter::once(0)
            .chain(
                bytes
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| **b == b'\n')
                    .map(|(i, _)| i + 1),
            )
            .collect();
        FileLines { bytes, starts }
    }

    /// 1-based line and column (in characters: UTF-8 continuation bytes not counted) of
    /// byte `offset`.
    fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.bytes.len());
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        let col = self.bytes[start..offset]
            .iter()
            .filter(|b| (**b & 0xC0) != 0x80)
            .count();
        (line, col + 1)
    }
}

/// Where a part's decoded bytes are in the file.
enum PartMap {
    /// Decoded byte `i` is file byte `body + i` (7bit, 8bit, binary in UTF-8).
    Same { body: usize },
    /// Decoded byte `i` is file byte `offsets[i]` (quoted-printable in UTF-8).
    Offsets(Vec<usize>),
    /// No byte map (base64, another charset): the part's first body byte.
    Start { body: usize, why: &'static str },
}

/// Puts a part's findings at their place in the file.
struct Placer<'f, 'd> {
    map: PartMap,
    file: &'f FileLines<'f>,
    part: &'static str,
    decoded: &'d str,
}

impl<'f, 'd> Placer<'f, 'd> {
    fn new(
        bytes: &[u8],
        part: &MessagePart,
        decoded: &'d str,
        file: &'f FileLines<'f>,
        kind: &'static str,
    ) -> Self {
        let body = part.raw_body_offset() as usize;
        let end = (part.raw_end_offset() as usize).clamp(body, bytes.len());
        let raw = bytes.get(body..end).unwrap_or_default();
        let utf8 = part
            .content_type()
            .and_then(|ct| ct.attribute("charset"))
            .is_none_or(is_utf8_label);
        let map = match part.encoding {
            _ if !utf8 => PartMap::Start {
                body,
                why: "in another charset",
            },
            Encoding::Base64 => PartMap::Start {
                body,
                why: "base64",
            },
            Encoding::None if raw.starts_with(decoded.as_bytes()) => PartMap::Same { body },
            Encoding::QuotedPrintable => match quoted_printable_offsets(raw, decoded.as_bytes()) {
                Some(offsets) => PartMap::Offsets(offsets.into_iter().map(|o| body + o).collect()),
                None => PartMap::Start {
                    body,
                    why: "quoted-printable",
                },
            },
            Encoding::None => PartMap::Start {
                body,
                why: "decoded",
            },
        };
        Placer {
            map,
            file,
            part: kind,
            decoded,
        }
    }

    /// Places `finding`, at byte `offset` of the decoded part, at its line in the file.
    fn apply(&self, finding: &mut Finding, offset: usize) {
        let file_offset = match &self.map {
            PartMap::Same { body } => Some(body + offset),
            PartMap::Offsets(offsets) => {
                offsets.get(offset).or(offsets.last()).copied().or(Some(0))
            }
            PartMap::Start { .. } => None,
        };
        let path = finding.location.path.clone();
        match (file_offset, &self.map) {
            (Some(at), _) => {
                let (line, col) = self.file.line_col(at);
                finding.location = Location::at(path, line, col);
            }
            (None, PartMap::Start { body, why }) => {
                let (line, col) = line_col(self.decoded, offset);
                finding.message = format!(
                    "{} ({} part, {why}: line {line}:{col} of the decoded part)",
                    finding.message, self.part
                );
                let (line, col) = self.file.line_col(*body);
                finding.location = Location::at(path, line, col);
            }
            (None, _) => {}
        }
    }
}

/// Line starts of a decoded part.
fn decoded_lines(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// Byte offset of 1-based `line` and character `col` in `text`.
fn offset_of(text: &str, starts: &[usize], line: usize, col: usize) -> usize {
    let Some(&start) = starts.get(line.saturating_sub(1)) else {
        return text.len();
    };
    text[start..]
        .char_indices()
        .nth(col.saturating_sub(1))
        .map_or(text.len(), |(i, _)| start + i)
}

/// For each byte of the decoded quoted-printable `raw`, its offset in `raw`: the decoder
/// (as mail-parser decodes: soft line breaks dropped, `=XX` one byte at its `=`, trailing
/// white space before a hard line break dropped) run again, keeping positions. `None`
/// when the result is not `decoded` (another decoder's reading; no map is better than a
/// wrong one).
fn quoted_printable_offsets(raw: &[u8], decoded: &[u8]) -> Option<Vec<usize>> {
    #[derive(PartialEq)]
    enum State {
        None,
        Eq(usize),
        Hex1(usize, u8),
    }
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out: Vec<(u8, usize)> = Vec::with_capacity(decoded.len());
    let mut state = State::None;
    let mut trailing_ws = 0;
    let mut crlf = false;
    for (i, &ch) in raw.iter().enumerate() {
        match ch {
            b'=' => {
                if state != State::None {
                    return None;
                }
                state = State::Eq(i);
            }
            b'\n' => {
                if matches!(state, State::Eq(_)) {
                    state = State::None;
                } else {
                    out.truncate(out.len() - trailing_ws);
                    if crlf {
                        out.push((b'\r', i.saturating_sub(1)));
                    }
                    out.push((b'\n', i));
                }
                trailing_ws = 0;
            }
            b'\r' => crlf = true,
            _ => match state {
                State::None => {
                    if ch.is_ascii_whitespace() {
                        trailing_ws += 1;
                    } else {
                        trailing_ws = 0;
                    }
                    out.push((ch, i));
                }
                State::Eq(at) => match hex(ch) {
                    Some(h) => state = State::Hex1(at, h),
                    None if ch.is_ascii_whitespace() => {}
                    None => return None,
                },
                State::Hex1(at, h1) => {
                    state = State::None;
                    out.push(((h1 << 4) | hex(ch)?, at));
                    trailing_ws = 0;
                }
            },
        }
    }
    let bytes: Vec<u8> = out.iter().map(|(b, _)| *b).collect();
    bytes
        .starts_with(decoded)
        .then(|| out.into_iter().map(|(_, at)| at).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_printable_maps_each_decoded_byte_to_its_escape() {
        // "ก" is E0 B8 81; a soft line break inside the word
        let raw = b"<p>=E0=B8=81=\r\nx</p>\r\n";
        let decoded = "<p>กx</p>\r\n";
        let map = quoted_printable_offsets(raw, decoded.as_bytes()).unwrap();
        assert_eq!(map.len(), decoded.len());
        assert_eq!(map[3], 3); // the Thai character's first byte is its first =E0
        assert_eq!(map[5], 9);
        assert_eq!(map[6], 15); // 'x' after the soft break
        // not what the decoder read: no map
        assert!(quoted_printable_offsets(raw, "<p>ข".as_bytes()).is_none());
    }

    #[test]
    fn utf8_labels() {
        assert!(is_utf8_label("UTF-8"));
        assert!(is_utf8_label("\"us-ascii\""));
        assert!(!is_utf8_label("TIS-620"));
        assert!(!is_utf8_label("windows-874"));
    }
}
