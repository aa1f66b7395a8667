//! What characters an HTML file's bytes are: a byte order mark (UTF-8, UTF-16LE/BE),
//! else a `<meta charset>` or `<meta http-equiv="Content-Type" content="…; charset=…">`
//! in the first 1024 bytes (the HTML standard's prescan, simplified), else UTF-8. Decoded
//! by encoding_rs (Firefox's decoder), so legacy Thai pages (`windows-874`, `TIS-620`) and
//! UTF-16 exports read as the browser shows them.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8};

/// Bytes of the prescan for a `<meta>` charset.
const PRESCAN: usize = 1024;

/// The encoding of an HTML file's bytes and how long its byte order mark is.
pub fn sniff(bytes: &[u8]) -> (&'static Encoding, usize) {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        return (encoding, bom);
    }
    (
        meta_charset(&bytes[..bytes.len().min(PRESCAN)]).unwrap_or(UTF_8),
        0,
    )
}

/// The page's text: decoded from its encoding, malformed sequences replaced (as browsers
/// do), the byte order mark dropped.
pub fn decode(bytes: &[u8]) -> Cow<'_, str> {
    let (encoding, bom) = sniff(bytes);
    if encoding == UTF_8 && bom == 0 {
        return utf8_lossy(bytes);
    }
    encoding.decode_without_bom_handling(&bytes[bom..]).0
}

/// `bytes` as UTF-8, borrowed when valid (checked with SIMD: Thai text is three bytes a
/// letter, where the standard library's check leaves its ASCII fast path), else with
/// U+FFFD for each invalid sequence as [`String::from_utf8_lossy`] does.
pub fn utf8_lossy(bytes: &[u8]) -> Cow<'_, str> {
    match simdutf8::basic::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// The label of a `<meta charset=…>` or of an http-equiv Content-Type's `charset=` in
/// `head`, resolved by encoding_rs. A UTF-16 label in a meta tag means UTF-8 (the bytes
/// were ASCII-compatible enough to read it), as the HTML standard says.
fn meta_charset(head: &[u8]) -> Option<&'static Encoding> {
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(at) = find(&lower[from..], b"<meta") {
        let start = from + at;
        let end = lower[start..]
            .iter()
            .position(|b| *b == b'>')
            .map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        if let Some(i) = find(tag, b"charset") {
            let rest = &tag[i + b"charset".len()..];
            let rest = rest
                .iter()
                .position(|b| !b.is_ascii_whitespace())
                .map_or(&rest[rest.len()..], |p| &rest[p..]);
            if let Some(value) = rest.strip_prefix(b"=") {
                let value: Vec<u8> = value
                    .iter()
                    .copied()
                    .skip_while(|b| b.is_ascii_whitespace() || *b == b'"' || *b == b'\'')
                    .take_while(|b| !b.is_ascii_whitespace() && !b"\"';/>".contains(b))
                    .collect();
                if let Some(encoding) = Encoding::for_label(&value) {
                    // UTF-16 and the replacement encoding map to UTF-8 here.
                    return Some(encoding.output_encoding());
                }
            }
        }
        from = end.max(start + 1);
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boms_metas_and_the_default() {
        let thai = "<html><body><p>โคลด์บรูว์ ราคา 89 บาท</p></body></html>";
        // UTF-16LE with its BOM
        let mut le = vec![0xFF, 0xFE];
        le.extend(thai.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(&le), thai);
        let mut be = vec![0xFE, 0xFF];
        be.extend(thai.encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decode(&be), thai);
        // windows-874 (Thai) declared by <meta charset> and by http-equiv
        for head in [
            "<meta charset=\"windows-874\">",
            "<META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=TIS-620\">",
        ] {
            let page = format!("<html><head>{head}</head><body><p>ราคา 89 บาท</p></body></html>");
            let (bytes, _, bad) = encoding_rs::WINDOWS_874.encode(&page);
            assert!(!bad);
            assert!(std::str::from_utf8(&bytes).is_err(), "really not UTF-8");
            assert_eq!(decode(&bytes), page, "{head}");
        }
        // UTF-8 by default, and with a UTF-8 BOM
        assert_eq!(decode(thai.as_bytes()), thai);
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(thai.as_bytes());
        assert_eq!(decode(&bom), thai);
        // A UTF-16 label in a meta tag means UTF-8.
        let page = "<meta charset=\"utf-16\"><p>สวัสดี</p>";
        assert_eq!(decode(page.as_bytes()), page);
    }
}
