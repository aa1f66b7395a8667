//! Positions: byte offsets into a document's text ↔ LSP positions.
//!
//! An LSP position is a line and a `character` counted in UTF-16 code units unless the
//! client and server agree on another encoding at initialize (`positionEncoding`): a Thai
//! character is 3 UTF-8 bytes but one UTF-16 unit, an emoji outside the BMP 4 bytes and
//! two units. Lines end at `\n`, `\r\n` or a lone `\r`, as the protocol says. Lint's own
//! locations are 1-based lines split at `\n` and 1-based columns in characters
//! ([`LintLines`]); both are converted through byte offsets.

use lsp_types::Position;

/// How `Position::character` counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 bytes (negotiated).
    Utf8,
    /// UTF-16 code units (the protocol's default).
    Utf16,
}

impl Encoding {
    /// UTF-8 when the client offers it (`general.positionEncodings`), else UTF-16, which
    /// every client must support.
    pub fn negotiate(caps: &lsp_types::ClientCapabilities) -> Encoding {
        let offered = caps
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref());
        if offered.is_some_and(|o| o.contains(&lsp_types::PositionEncodingKind::UTF8)) {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        }
    }

    pub fn kind(self) -> lsp_types::PositionEncodingKind {
        match self {
            Encoding::Utf8 => lsp_types::PositionEncodingKind::UTF8,
            Encoding::Utf16 => lsp_types::PositionEncodingKind::UTF16,
        }
    }

    /// Length of `s` in this encoding's units.
    fn len(self, s: &str) -> usize {
        match self {
            Encoding::Utf8 => s.len(),
            Encoding::Utf16 => s.chars().map(char::len_utf16).sum(),
        }
    }
}

/// Line starts of a text as LSP splits it.
#[derive(Debug, Clone)]
pub struct Lines {
    /// Byte offset of each line's first byte.
    starts: Vec<usize>,
}

impl Lines {
    pub fn new(text: &str) -> Lines {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                    starts.push(i + 2);
                    i += 1;
                }
                b'\r' => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        Lines { starts }
    }

    /// Bytes of 0-based `line` without its line ending; `None` past the last line.
    pub fn line_range(&self, text: &str, line: usize) -> Option<std::ops::Range<usize>> {
        let start = *self.starts.get(line)?;
        let mut end = self.starts.get(line + 1).copied().unwrap_or(text.len());
        let b = text.as_bytes();
        if end > start && b[end - 1] == b'\n' {
            end -= 1;
        }
        if end > start && b[end - 1] == b'\r' {
            end -= 1;
        }
        Some(start..end)
    }

    /// The position of byte `offset` (clamped to the text, moved back to a character
    /// boundary).
    pub fn position(&self, text: &str, offset: usize, enc: Encoding) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        Position::new(to_u32(line), to_u32(enc.len(&text[start..offset])))
    }

    /// The byte offset of `pos`. A character past the end of its line is the line's end
    /// (as the protocol says), one inside a UTF-16 surrogate pair the character's start; a
    /// line past the last is the end of the text.
    pub fn offset(&self, text: &str, pos: Position, enc: Encoding) -> usize {
        let Some(range) = self.line_range(text, pos.line as usize) else {
            return text.len();
        };
        let want = pos.character as usize;
        let mut units = 0;
        for (i, c) in text[range.clone()].char_indices() {
            let n = match enc {
                Encoding::Utf8 => c.len_utf8(),
                Encoding::Utf16 => c.len_utf16(),
            };
            if units + n > want {
                return range.start + i;
            }
            units += n;
        }
        range.end
    }

    pub fn range(
        &self,
        text: &str,
        span: std::ops::Range<usize>,
        enc: Encoding,
    ) -> lsp_types::Range {
        lsp_types::Range::new(
            self.position(text, span.start, enc),
            self.position(text, span.end.max(span.start), enc),
        )
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Line starts as lint counts them (split at `\n` only; see `lint::html::LineIndex`).
#[derive(Debug, Clone)]
pub struct LintLines {
    starts: Vec<usize>,
}

impl LintLines {
    pub fn new(text: &str) -> LintLines {
        LintLines {
            starts: std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect(),
        }
    }

    /// The byte offset of lint's 1-based `line` and 1-based `column` (in characters); a
    /// column past the line's end is its end, a line past the text `None`.
    pub fn offset(&self, text: &str, line: usize, column: usize) -> Option<usize> {
        let start = *self.starts.get(line.checked_sub(1)?)?;
        let end = self.starts.get(line).map_or(text.len(), |&s| s - 1);
        let line_text = text.get(start..end.max(start))?;
        let skip = column.max(1) - 1;
        Some(
            line_text
                .char_indices()
                .nth(skip)
                .map_or(start + line_text.len(), |(i, _)| start + i),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thai_and_astral_characters_count_in_utf16_units_or_bytes() {
        // ต้นกล้า is 7 characters, 21 bytes, 7 UTF-16 units; ☕ is one unit, 🌱 two
        let text = "# ต้นกล้า ☕🌱 ถูกที่สุด\nline two";
        let lines = Lines::new(text);
        let at = text.find("ถูกที่สุด").unwrap();
        assert_eq!(
            lines.position(text, at, Encoding::Utf16),
            Position::new(0, 2 + 7 + 1 + 1 + 2 + 1)
        );
        assert_eq!(
            lines.position(text, at, Encoding::Utf8),
            Position::new(0, at as u32)
        );
        for enc in [Encoding::Utf8, Encoding::Utf16] {
            let pos = lines.position(text, at, enc);
            assert_eq!(lines.offset(text, pos, enc), at, "{enc:?}");
        }
        let two = text.find("two").unwrap();
        assert_eq!(
            lines.position(text, two, Encoding::Utf16),
            Position::new(1, 5)
        );
        // inside the surrogate pair of 🌱: the character's start
        let seed = text.find('🌱').unwrap();
        let pos = lines.position(text, seed, Encoding::Utf16);
        let inside = Position::new(0, pos.character + 1);
        assert_eq!(lines.offset(text, inside, Encoding::Utf16), seed);
        // past the line's end: the line's end, not the next line
        assert_eq!(
            lines.offset(text, Position::new(0, 999), Encoding::Utf16),
            text.find('\n').unwrap()
        );
        assert_eq!(
            lines.offset(text, Position::new(9, 0), Encoding::Utf16),
            text.len()
        );
    }

    #[test]
    fn lsp_lines_end_at_crlf_and_lone_cr_lint_lines_at_lf() {
        let text = "ก\r\nข\rค\nง";
        let lines = Lines::new(text);
        for (ch, line) in [("ข", 1), ("ค", 2), ("ง", 3)] {
            let at = text.find(ch).unwrap();
            assert_eq!(
                lines.position(text, at, Encoding::Utf16),
                Position::new(line, 0)
            );
        }
        assert_eq!(lines.line_range(text, 0), Some(0..3));
        let lint = LintLines::new(text);
        // lint reads "ข\rค" as one line
        assert_eq!(lint.offset(text, 2, 3), text.find('ค'));
        assert_eq!(lint.offset(text, 3, 1), text.find('ง'));
        assert_eq!(lint.offset(text, 3, 99), Some(text.len()));
        assert_eq!(lint.offset(text, 9, 1), None);
        assert_eq!(lint.offset(text, 0, 1), None);
    }
}
