//! The `.eml` of an email: multipart/alternative (plain text, then HTML), UTF-8, the
//! subject encoded per RFC 2047 by mail-builder. Everything that mail tools usually
//! randomise (Date, Message-ID, MIME boundaries) is derived from the piece, so builds
//! are reproducible.

use mail_builder::MessageBuilder;
use mail_builder::headers::content_type::ContentType;
use mail_builder::headers::raw::Raw;
use mail_builder::headers::text::Text;
use mail_builder::mime::MimePart;
use toml::value::Datetime;

use crate::content::Piece;

/// A sender: display name and address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    pub name: String,
    pub address: String,
}

impl Mailbox {
    /// Parses `Name <user@domain>` or `user@domain`; `None` when it is not a mailbox.
    pub fn parse(s: &str) -> Option<Mailbox> {
        let s = s.trim();
        let (name, address) = match (s.rfind('<'), s.ends_with('>')) {
            (Some(open), true) => (
                s[..open].trim().trim_matches('"').trim(),
                s[open + 1..s.len() - 1].trim(),
            ),
            (None, false) => ("", s),
            _ => return None,
        };
        let (local, domain) = address.split_once('@')?;
        let ok = |p: &str| {
            !p.is_empty()
                && !p
                    .chars()
                    .any(|c| c.is_whitespace() || "<>@,;\"".contains(c))
        };
        if !ok(local) || !ok(domain) || !domain.contains('.') {
            return None;
        }
        Some(Mailbox {
            name: name.to_string(),
            address: address.to_string(),
        })
    }

    pub fn domain(&self) -> &str {
        self.address.split_once('@').map(|(_, d)| d).unwrap_or("")
    }
}

/// Unix time of a front-matter date: its time (09:00 when absent) at its offset (UTC
/// when absent).
pub fn message_date(date: &Datetime) -> i64 {
    let Some(d) = date.date else {
        return 0;
    };
    let (h, m, s) = date
        .time
        .map(|t| (t.hour as i64, t.minute as i64, t.second.unwrap_or(0) as i64))
        .unwrap_or((9, 0, 0));
    let offset_minutes = match date.offset {
        Some(toml::value::Offset::Custom { minutes }) => minutes as i64,
        _ => 0,
    };
    days_from_civil(d.year as i64, d.month as i64, d.day as i64) * 86_400 + h * 3600 + m * 60 + s
        - offset_minutes * 60
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `<slug>.<campaign>@<sender domain>` (`<slug>.<segment>.<campaign>@…` for a segment's
/// variant): stable across builds, unique per piece and segment.
pub fn message_id(piece: &Piece, from: &Mailbox) -> String {
    let campaign = piece.meta.campaign.as_deref().unwrap_or("brandpress");
    match &piece.segment {
        None => format!("{}.{campaign}@{}", piece.slug, from.domain()),
        Some(segment) => format!("{}.{segment}.{campaign}@{}", piece.slug, from.domain()),
    }
}

/// What goes into one `.eml`.
pub struct Message<'a> {
    pub from: &'a Mailbox,
    pub subject: &'a str,
    pub lang: &'a str,
    /// Unix time.
    pub date: i64,
    pub message_id: String,
    pub text: &'a str,
    pub html: &'a str,
    /// A logo to attach inline (`cid:logo@brandpress`), when the HTML cannot link one.
    pub logo_png: Option<&'a [u8]>,
    /// Seed of the MIME boundaries.
    pub seed: &'a str,
}

/// The message as bytes (CRLF line endings). Header values holding a control character
/// are refused: content and guide loading already reject them with their position, and
/// this is the last line of defence against header injection (a `\r\nBcc:`).
pub fn message(m: &Message) -> std::io::Result<Vec<u8>> {
    for (header, value) in [
        ("From", m.from.name.as_str()),
        ("From", m.from.address.as_str()),
        ("Subject", m.subject),
        ("Message-ID", m.message_id.as_str()),
        ("Content-Language", m.lang),
    ] {
        if let Some(c) = value.chars().find(|c| c.is_control()) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!(
                    "the {header} header would hold the control character U+{:04X}",
                    c as u32
                ),
            ));
        }
    }
    let hash = fnv1a(m.seed.as_bytes());
    let boundary = |n: u8| format!("=_brandpress_{hash:016x}_{n}");
    let text = text_part("text/plain", m.text, m.lang);
    let mut html = text_part("text/html", m.html, m.lang);
    if let Some(png) = m.logo_png {
        html = MimePart::new(
            ContentType::new("multipart/related").attribute("boundary", boundary(2)),
            vec![
                html,
                MimePart::new("image/png", png)
                    .inline()
                    .cid(super::LOGO_CID),
            ],
        );
    }
    let body = MimePart::new(
        ContentType::new("multipart/alternative").attribute("boundary", boundary(1)),
        vec![text, html],
    );
    let from = if m.from.name.is_empty() {
        mail_builder::headers::address::Address::from(m.from.address.as_str())
    } else {
        (m.from.name.as_str(), m.from.address.as_str()).into()
    };
    // One buffer with room for the whole message: base64 grows a body by 4/3 (Thai), and
    // quoted-printable is chosen only when shorter than base64; headers are under 2 KB.
    let logo_len = m
        .logo_png
        .map_or(0, |png| png.len() / 3 * 4 + png.len() / 38 + 8);
    let mut out = Vec::with_capacity((m.text.len() + m.html.len()) * 3 / 2 + logo_len + 2048);
    MessageBuilder::new()
        .from(from)
        .subject(m.subject)
        .date(m.date)
        .message_id(m.message_id.as_str())
        .header("Content-Language", Text::new(m.lang))
        .body(body)
        .write_to(&mut out)?;
    Ok(out)
}

/// A UTF-8 text part, its body encoded here: the bytes mail-builder writes for
/// `MimePart::new(content_type, text).language(lang)` (its choice of 7bit,
/// quoted-printable or base64, and its encoders), without its quoted-printable encoder's
/// `format!` for every escaped byte, its base64 encoder's 4-byte writes and a UTF-8
/// check of the encoded body. A test holds the two equal.
fn text_part<'a>(content_type: &'a str, text: &'a str, lang: &'a str) -> MimePart<'a> {
    let input = text.as_bytes();
    let (encoding, body) = match body_encoding(input) {
        Encoding::Base64 => ("base64", base64_lines(input)),
        Encoding::QuotedPrintable => ("quoted-printable", quoted_printable(input)),
        Encoding::SevenBit => ("7bit", crlf(input)),
    };
    // The encoded body is passed as bytes, so mail-builder does not add the charset a
    // text body gets: it is written here, in the same place.
    MimePart::new(
        ContentType::new(content_type).attribute("charset", "utf-8"),
        body,
    )
    .language(lang)
    .header("Content-Transfer-Encoding", Raw::new(encoding))
}

/// How a body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Base64,
    QuotedPrintable,
    SevenBit,
}

/// mail-builder 0.4's `get_encoding_type(input, false, true)` (a body, not a header), from
/// counts instead of its byte-by-byte branches: quoted-printable's length is the input's,
/// plus 2 for each escaped byte (8-bit, `=`, white space ending a line or the body), plus
/// 1 for each LF without its CR, plus a soft break every 76 bytes; encoding is needed
/// when a byte is escaped for being 8-bit or trailing white space, or a line (with its
/// LF) is longer than 77 bytes; base64 is chosen when quoted-printable would not be
/// shorter.
fn body_encoding(input: &[u8]) -> Encoding {
    let (high, equals) = count_high_and_equals(input);
    let base64_len = (input.len() * 4 / 3 + 3) & !3;
    let qp_floor = input.len() / 76 + input.len() + 2 * (high + equals);
    // Lines only add to quoted-printable's length and to the need to encode: an 8-bit
    // body already no shorter in quoted-printable than in base64 (Thai) is base64
    // without looking at its lines.
    if high > 0 && qp_floor >= base64_len {
        return Encoding::Base64;
    }
    let lines = line_counts(input);
    if high == 0 && lines.trailing_space == 0 && !lines.long_line {
        return Encoding::SevenBit;
    }
    if qp_floor + 2 * lines.trailing_space + lines.bare_lf < base64_len {
        Encoding::QuotedPrintable
    } else {
        Encoding::Base64
    }
}

/// Bytes >= 127 and `=` signs, counted in blocks of 255 with byte counters, which the
/// compiler turns into 16-byte vector compares.
fn count_high_and_equals(input: &[u8]) -> (usize, usize) {
    let (mut high, mut equals) = (0usize, 0usize);
    for block in input.chunks(255) {
        let (mut h, mut e) = (0u8, 0u8);
        for &b in block {
            h += u8::from(b >= 127);
            e += u8::from(b == b'=');
        }
        high += usize::from(h);
        equals += usize::from(e);
    }
    (high, equals)
}

/// What the line breaks of a body add to its encoding choice.
struct LineCounts {
    /// Spaces and tabs ending a line or the body.
    trailing_space: usize,
    /// LFs without a CR before them.
    bare_lf: usize,
    /// A line longer than 77 bytes with its LF (or 77 without, at the end).
    long_line: bool,
}

fn line_counts(input: &[u8]) -> LineCounts {
    let mut counts = LineCounts {
        trailing_space: usize::from(matches!(input.last(), Some(b' ' | b'\t'))),
        bare_lf: 0,
        long_line: false,
    };
    let mut line_start = 0usize;
    for pos in memchr::memchr_iter(b'\n', input) {
        counts.long_line |= pos + 1 - line_start > 77;
        let before = &input[line_start..pos];
        let content = match before.strip_suffix(b"\r") {
            Some(content) => content,
            None => {
                counts.bare_lf += 1;
                before
            }
        };
        counts.trailing_space += usize::from(matches!(content.last(), Some(b' ' | b'\t')));
        line_start = pos + 1;
    }
    counts.long_line |= input.len() - line_start > 77;
    counts
}

/// mail-builder 0.4's `base64_encode_mime(input, _, false)`: standard base64 in lines of
/// 76 characters, each ending with CRLF (the last, shorter one too); nothing for an
/// empty input. Written a line (57 input bytes) at a time into one pre-sized buffer.
fn base64_lines(input: &[u8]) -> Vec<u8> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let lines = input.len().div_ceil(57);
    let mut out = vec![0u8; input.len().div_ceil(3) * 4 + lines * 2];
    let group = |g: &[u8; 3], o: &mut [u8; 4]| {
        let n = (u32::from(g[0]) << 16) | (u32::from(g[1]) << 8) | u32::from(g[2]);
        *o = [
            ALPHABET[(n >> 18) as usize & 63],
            ALPHABET[(n >> 12) as usize & 63],
            ALPHABET[(n >> 6) as usize & 63],
            ALPHABET[n as usize & 63],
        ];
    };
    // Full lines as fixed-size arrays: no bounds checks, no capacity checks.
    let (full, rest) = input.as_chunks::<57>();
    let (full_out, rest_out) = out.split_at_mut(full.len() * 78);
    let (full_out, _) = full_out.as_chunks_mut::<78>();
    for (line, o) in full.iter().zip(full_out.iter_mut()) {
        let (groups, _) = line.as_chunks::<3>();
        let (quads, end) = o.as_chunks_mut::<4>();
        for (g, q) in groups.iter().zip(quads.iter_mut()) {
            group(g, q);
        }
        end.copy_from_slice(b"\r\n");
    }
    if !rest.is_empty() {
        let (groups, tail) = rest.as_chunks::<3>();
        let mut o = rest_out.chunks_exact_mut(4);
        for (g, q) in groups.iter().zip(&mut o) {
            group(g, q.try_into().expect("4 bytes"));
        }
        let last = match *tail {
            [a] => Some([
                ALPHABET[usize::from(a >> 2)],
                ALPHABET[usize::from((a & 3) << 4)],
                b'=',
                b'=',
            ]),
            [a, b] => Some([
                ALPHABET[usize::from(a >> 2)],
                ALPHABET[usize::from(((a & 3) << 4) | (b >> 4))],
                ALPHABET[usize::from((b & 15) << 2)],
                b'=',
            ]),
            _ => None,
        };
        let n = rest_out.len();
        if let Some(last) = last {
            rest_out[n - 6..n - 2].copy_from_slice(&last);
        }
        rest_out[n - 2..].copy_from_slice(b"\r\n");
    }
    out
}

/// mail-builder 0.4's `quoted_printable_encode(input, _, is_body: true)`.
fn quoted_printable(input: &[u8]) -> Vec<u8> {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    const LINE: usize = 76;
    // Bytes written as they are, wherever they are (a space or tab is too, unless a line
    // break or the end follows it): copied a run at a time.
    let plain = |b: u8| b < 127 && !matches!(b, b'=' | b'\n' | b' ' | b'\t');
    let mut out = Vec::with_capacity(input.len() + input.len() / 2);
    let mut line = 0;
    let mut prev = 0u8;
    let last = input.len().wrapping_sub(1);
    let mut pos = 0;
    while pos < input.len() {
        let run = input[pos..].iter().take_while(|&&b| plain(b)).count();
        if run > 0 {
            let mut left = &input[pos..pos + run];
            while !left.is_empty() {
                if line == LINE {
                    out.extend_from_slice(b"=\r\n");
                    line = 0;
                }
                let take = left.len().min(LINE - line);
                out.extend_from_slice(&left[..take]);
                line += take;
                left = &left[take..];
            }
            prev = input[pos + run - 1];
            pos += run;
            continue;
        }
        let ch = input[pos];
        let escaped = ch == b'='
            || ch >= 127
            || ((ch == b' ' || ch == b'\t')
                && (matches!(input.get(pos + 1..), Some([b'\n', ..] | [b'\r', b'\n', ..]))
                    || pos == last));
        if escaped {
            if line + 3 > LINE {
                out.extend_from_slice(b"=\r\n");
                line = 0;
            }
            out.extend_from_slice(&[b'=', HEX[(ch >> 4) as usize], HEX[(ch & 15) as usize]]);
            line += 3;
        } else if ch == b'\n' {
            if prev != b'\r' {
                out.extend_from_slice(b"\r\n");
            } else {
                out.push(b'\n');
            }
            line = 0;
        } else {
            prev = ch;
            if line + 1 > LINE {
                out.extend_from_slice(b"=\r\n");
                line = 0;
            }
            out.push(ch);
            line += 1;
        }
        pos += 1;
    }
    out
}

/// mail-builder 0.4's 7bit body: a CR before every LF that has none.
fn crlf(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len() + input.len() / 32);
    let mut prev = 0u8;
    for &ch in input {
        if ch == b'\n' && prev != b'\r' {
            out.push(b'\r');
        }
        out.push(ch);
        prev = ch;
    }
    out
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ *b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_mailboxes() {
        assert_eq!(
            Mailbox::parse("Tonkla Coffee <hello@tonkla.example>"),
            Some(Mailbox {
                name: "Tonkla Coffee".into(),
                address: "hello@tonkla.example".into()
            })
        );
        assert_eq!(
            Mailbox::parse("hi@x.example").map(|m| m.name),
            Some(String::new())
        );
        assert_eq!(Mailbox::parse("Tonkla <hello>"), None);
        assert_eq!(Mailbox::parse("Tonkla hello@x.example>"), None);
        assert_eq!(Mailbox::parse("not a mailbox"), None);
    }

    #[test]
    fn dates_are_unix_times() {
        let d: Datetime = "2026-11-28".parse().unwrap();
        // 2026-11-28T09:00:00Z
        assert_eq!(message_date(&d), 1_795_856_400);
        let d: Datetime = "1970-01-01T07:00:00+07:00".parse().unwrap();
        assert_eq!(message_date(&d), 0);
    }

    /// The parts encoded here are the bytes mail-builder writes when it encodes them
    /// itself: Thai (base64), English with Thai (quoted-printable), ASCII (7bit), bare
    /// LFs and CRLFs, trailing white space, `=`, long lines and pseudo-random bytes.
    #[test]
    fn text_parts_match_mail_builders_encoding() {
        let written = |part: MimePart| {
            let mut out = Vec::new();
            part.write_part(&mut out).unwrap();
            out
        };
        let mut cases: Vec<String> = [
            "",
            "a",
            " ",
            "plain ASCII\nsecond line \n",
            "ต้นกล้าคอฟฟี่ โคลด์บรูว์ ลด 20% ถึง 31 ธ.ค. 2569\n",
            "Cold brew ต้นกล้า = ฿89\r\nline two\t\r\nend ",
            "x=y\r=\n\n",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        cases.push("a".repeat(200));
        cases.push(format!("{} ก\n{}", "b".repeat(75), "c ".repeat(80)));
        cases.push(format!(
            "{}\n",
            "English text, one Thai word: กาแฟ. ".repeat(40)
        ));
        cases.push("ภาษาไทยล้วน ".repeat(300));
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        for len in [1usize, 2, 75, 76, 77, 78, 500, 3000] {
            let mut s = String::new();
            for _ in 0..len {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let pick = [' ', '\t', '\r', '\n', '=', 'a', 'ก', '\u{7f}', '่'];
                s.push(pick[(x >> 20) as usize % pick.len()]);
            }
            cases.push(s);
        }
        for case in &cases {
            for ct in ["text/plain", "text/html"] {
                assert_eq!(
                    String::from_utf8(written(text_part(ct, case, "th"))).unwrap(),
                    String::from_utf8(written(MimePart::new(ct, case.as_str()).language("th")))
                        .unwrap(),
                    "{case:?}"
                );
            }
        }
    }

    /// The encoding picked from counts and the line-at-a-time base64 are mail-builder's,
    /// on pseudo-random bodies of every length up to 400 bytes (8-bit Thai, `=`, spaces
    /// and tabs before CR, LF and the end, lines around the 76/77-byte limits).
    #[test]
    fn encoding_choice_and_base64_match_mail_builder() {
        use mail_builder::encoders::base64::base64_encode_mime;
        use mail_builder::encoders::encode::{EncodingType, get_encoding_type};
        let theirs = |input: &[u8]| match get_encoding_type(input, false, true) {
            EncodingType::Base64 => Encoding::Base64,
            EncodingType::QuotedPrintable(_) => Encoding::QuotedPrintable,
            EncodingType::None => Encoding::SevenBit,
        };
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut seen = [0usize; 3];
        for len in 0..400usize {
            for _ in 0..6 {
                // Mostly ASCII letters, so long lines and every encoding occur.
                let thai_share = next() % 4;
                let mut s = String::new();
                while s.len() < len {
                    let r = next();
                    let pick = [' ', '\t', '\r', '\n', '=', 'ก', '่'];
                    match r % 16 {
                        0..=4 => s.push(pick[(r >> 8) as usize % pick.len()]),
                        5 if thai_share > 0 => s.push('ไ'),
                        _ => s.push('a'),
                    }
                }
                let input = s.as_bytes();
                let ours = body_encoding(input);
                assert_eq!(ours, theirs(input), "{s:?}");
                seen[ours as usize] += 1;
                let mut expected = Vec::new();
                base64_encode_mime(input, &mut expected, false).unwrap();
                assert_eq!(base64_lines(input), expected, "{s:?}");
            }
        }
        assert!(
            seen.iter().all(|&n| n > 0),
            "every encoding is exercised: {seen:?}"
        );
    }

    #[test]
    fn header_values_with_control_characters_are_refused() {
        let from = Mailbox::parse("Tonkla Coffee <hello@tonkla.example>").unwrap();
        let message = |subject: &str, id: &str| {
            message(&Message {
                from: &from,
                subject,
                lang: "th",
                date: 0,
                message_id: id.to_string(),
                text: "ข้อความ",
                html: "<p>ข้อความ</p>",
                logo_png: None,
                seed: "s",
            })
        };
        let eml = String::from_utf8(message("โคลด์บรูว์", "a.b@tonkla.example").unwrap()).unwrap();
        assert!(eml.contains("Subject: =?utf-8?"), "{eml}");
        for (subject, id) in [
            ("Beans\r\nBcc: victim@evil.example", "a.b@tonkla.example"),
            ("Beans", "a>\r\nBcc: victim@evil.example"),
            ("Be\u{0}ans", "a.b@tonkla.example"),
        ] {
            let e = message(subject, id).unwrap_err();
            assert!(e.to_string().contains("control character"), "{e}");
        }
    }
}
