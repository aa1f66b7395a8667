//! Card PNG encoding, lossless either way.
//!
//! A card is mostly flat brand colors and their anti-aliased edges: when its pixels have at
//! most 256 distinct RGBA colors it is written as an indexed PNG (PLTE, tRNS only when a
//! color is not opaque, bit depth 1, 2, 4 or 8 as the count allows). The colors are counted
//! in the same pass that writes the palette indices, in a 512-slot open-addressing table
//! that gives up at the 257th color, so a photo card costs a few rows before it falls back
//! to truecolor (RGB when opaque, else RGBA).
//!
//! An indexed card is written here, chunk by chunk: every row with filter type None, one
//! IDAT deflated by zlib-rs at level 5 with memory level 5. Chosen by size × time on the
//! line-man-delivery Open Graph card (1200×630, 119 colors, 756 KB of indices; best of 15
//! on the 2-core bench machine): level 5 with no filter writes 20.6 KB in 1.6 ms, under
//! Takumi's 21.4 KB for the same layout; level 4 writes 22.3 KB, level 6 20.5 KB in 2.3 ms,
//! level 9 19.5 KB in 30 ms; the `Sub` or `Up` filters make every level 15–25 % larger
//! (indices are not intensities), and so does `Up` on only the rows equal to the one above
//! (+3 %); fdeflate (what the `png` crate's `Fast` uses) writes 72 KB
//! unfiltered and 29.3 KB with adaptive filters (the former encoder's output); libdeflate
//! needs 4.4 ms for 21.3 KB. The memory level (zlib's default is 8) sizes the hash table
//! and the symbol buffer: at 5 the deflate blocks are shorter and their Huffman codes fit
//! each region of the card better, so the same card is 3 % smaller (20,465 → 19,810 bytes
//! of IDAT; the 12 bundled cards 360.7 → 350.0 KB) in the same CPU time (4 is as small, 6
//! and 7 are 1–2 % larger, 1–3 larger and slower); level 4 stays above Takumi's size at
//! any memory level (21.5 KB). flate2 does not expose the memory level, so zlib-rs is called directly, into
//! one buffer of the size it may need. Palette indices follow first appearance, so the
//! background (the top-left pixel) is index 0.
//!
//! The indices are written straight into the scanlines deflate reads (each row after its
//! filter byte), so an 8-bit card is not copied between counting its colors and deflating.
//!
//! Cards of more than 256 colors (photo heroes) go through the `png` crate with fdeflate
//! and its adaptive filter (RGB when opaque, else RGBA), as before.
//!
//! Pixels are tiny-skia's premultiplied RGBA: opaque pixels are written as they are, others
//! demultiplied to the straight alpha PNG stores.

use tiny_skia::PremultipliedColorU8;

/// Slots of the color table: a power of two, twice the most colors a palette holds.
const SLOTS: usize = 512;
/// Marks an empty slot (palette indices are 0..=255).
const EMPTY: u16 = u16::MAX;
/// zlib level of indexed cards (see the module docs).
const LEVEL: i32 = 5;
/// zlib memory level of indexed cards (see the module docs).
const MEM_LEVEL: i32 = 5;

/// How a card was written (for tests and the bench).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Indexed, with this many palette entries at this bit depth.
    Indexed { colors: usize, depth: u8 },
    /// 24-bit RGB (every pixel opaque).
    Rgb,
    /// 32-bit RGBA.
    Rgba,
}

/// Encodes `rgba` (premultiplied, `width × height × 4` bytes, as a tiny-skia pixmap holds
/// it) as a PNG with the tEXt chunks `texts` (keyword, text).
pub fn encode(
    rgba: &[u8],
    width: u32,
    height: u32,
    texts: &[(&str, String)],
) -> Result<(Vec<u8>, Kind), String> {
    let pixels = width as usize * height as usize;
    if rgba.len() != pixels * 4 || pixels == 0 {
        return Err(format!(
            "{} bytes of pixels for a {width}×{height} image",
            rgba.len()
        ));
    }
    encode_checked(rgba, width, height, pixels, texts)
}

fn encode_checked(
    rgba: &[u8],
    width: u32,
    height: u32,
    pixels: usize,
    texts: &[(&str, String)],
) -> Result<(Vec<u8>, Kind), String> {
    let indexed = with_scratch(|scratch| {
        let indexed = Indexed::build(rgba, width as usize, &mut scratch.scanlines)?;
        let kind = Kind::Indexed {
            colors: indexed.colors.len(),
            depth: indexed.depth(),
        };
        debug_assert_eq!(indexed.width, width as usize);
        Some(
            indexed
                .write(width, height, texts, &mut scratch.idat)
                .map(|png| (png, kind)),
        )
    });
    match indexed {
        Some(written) => written,
        None => truecolor(rgba, width, height, pixels, texts).map_err(|e| e.to_string()),
    }
}

/// Buffers an encoding thread keeps from one card to the next: a card's 8-bit scanlines
/// and its deflated IDAT are megabytes that would otherwise be allocated and zeroed for
/// every card (about a tenth of a card's encoding time).
#[derive(Default)]
struct Scratch {
    scanlines: Vec<u8>,
    idat: Vec<u8>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

/// Runs `f` with this thread's [`Scratch`] (fresh buffers if it is already in use).
fn with_scratch<R>(f: impl FnOnce(&mut Scratch) -> R) -> R {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut scratch) => f(&mut scratch),
        Err(_) => f(&mut Scratch::default()),
    })
}

/// A card of more than 256 colors: RGB when opaque, else RGBA, through the `png` crate.
fn truecolor(
    rgba: &[u8],
    width: u32,
    height: u32,
    pixels: usize,
    texts: &[(&str, String)],
) -> Result<(Vec<u8>, Kind), png::EncodingError> {
    let mut out = Vec::new();
    let kind;
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_compression(png::Compression::Fast);
        encoder.set_adaptive_filter(png::AdaptiveFilterType::Adaptive);
        for (keyword, text) in texts {
            encoder.add_text_chunk((*keyword).to_string(), text.clone())?;
        }
        let opaque = rgba.chunks_exact(4).all(|p| p[3] == 255);
        encoder.set_depth(png::BitDepth::Eight);
        let data = if opaque {
            encoder.set_color(png::ColorType::Rgb);
            kind = Kind::Rgb;
            let mut rgb = Vec::with_capacity(pixels * 3);
            for px in rgba.chunks_exact(4) {
                rgb.extend_from_slice(&px[..3]);
            }
            rgb
        } else {
            encoder.set_color(png::ColorType::Rgba);
            kind = Kind::Rgba;
            rgba.chunks_exact(4)
                .flat_map(|p| straight(u32::from_le_bytes([p[0], p[1], p[2], p[3]])))
                .collect()
        };
        let mut writer = encoder.write_header()?;
        writer.write_image_data(&data)?;
        writer.finish()?;
    }
    Ok((out, kind))
}

/// Appends one PNG chunk (length, type, data, CRC).
fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) -> Result<(), String> {
    let len = u32::try_from(data.len())
        .ok()
        .filter(|&n| n < 1 << 31)
        .ok_or_else(|| {
            format!(
                "a {} chunk of {} bytes",
                String::from_utf8_lossy(kind),
                data.len()
            )
        })?;
    out.extend_from_slice(&len.to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32fast::hash(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
    Ok(())
}

/// A card's palette (premultiplied colors as little-endian `u32`, by first appearance)
/// and every pixel's index into it, as 8-bit scanlines: each row of `width` indices after
/// its filter byte (0, None).
struct Indexed<'s> {
    colors: Vec<u32>,
    width: usize,
    scanlines: &'s mut [u8],
}

impl<'s> Indexed<'s> {
    /// The palette and indices of `rgba` (`width` pixels a row), written into `buffer`
    /// (any contents, resized), or `None` at its 257th color.
    fn build(rgba: &[u8], width: usize, buffer: &'s mut Vec<u8>) -> Option<Indexed<'s>> {
        let row_bytes = width * 4;
        let stride = width + 1;
        let mut keys = [0u32; SLOTS];
        let mut slots = [EMPTY; SLOTS];
        let mut colors = Vec::with_capacity(256);
        // Every byte is written below: the filter byte of each row (0, None) and its
        // indices, so a reused buffer needs no clearing.
        buffer.resize(rgba.len() / 4 + rgba.len() / row_bytes, 0);
        let scanlines = &mut buffer[..];
        let mut prev_row: Option<&[u8]> = None;
        for (y, row) in rgba.chunks_exact(row_bytes).enumerate() {
            scanlines[y * stride] = 0;
            let (done, rest) = scanlines.split_at_mut(y * stride + 1);
            let out = &mut rest[..width];
            // Flat cards repeat whole rows (background, the sides of a block of text).
            if prev_row == Some(row) {
                out.copy_from_slice(&done[(y - 1) * stride + 1..y * stride]);
                continue;
            }
            prev_row = Some(row);
            // Runs of one color are the common case: skip the table for them.
            let mut last: Option<(u32, u8)> = None;
            for (px, index_out) in row.chunks_exact(4).zip(out.iter_mut()) {
                let color = u32::from_le_bytes([px[0], px[1], px[2], px[3]]);
                if let Some((c, i)) = last
                    && c == color
                {
                    *index_out = i;
                    continue;
                }
                let mut slot = (color.wrapping_mul(0x9E37_79B1) >> 23) as usize;
                let index = loop {
                    match slots[slot] {
                        EMPTY => {
                            if colors.len() == 256 {
                                return None;
                            }
                            keys[slot] = color;
                            slots[slot] = colors.len() as u16;
                            colors.push(color);
                            break slots[slot] as u8;
                        }
                        i if keys[slot] == color => break i as u8,
                        _ => slot = (slot + 1) & (SLOTS - 1),
                    }
                };
                last = Some((color, index));
                *index_out = index;
            }
        }
        let mut indexed = Indexed {
            colors,
            width,
            scanlines,
        };
        indexed.translucent_first();
        Some(indexed)
    }

    /// Moves the colors that are not opaque to the front of the palette, so tRNS lists
    /// only them.
    fn translucent_first(&mut self) {
        let opaque = |c: u32| c >> 24 == 0xFF;
        if self.colors.iter().all(|&c| opaque(c)) {
            return;
        }
        let mut order: Vec<usize> = (0..self.colors.len()).collect();
        order.sort_by_key(|&i| opaque(self.colors[i]));
        let mut remap = [0u8; 256];
        for (new, &old) in order.iter().enumerate() {
            remap[old] = new as u8;
        }
        self.colors = order.iter().map(|&i| self.colors[i]).collect();
        for row in self.scanlines.chunks_exact_mut(self.width + 1) {
            for i in &mut row[1..] {
                *i = remap[*i as usize];
            }
        }
    }

    /// The PNG: IHDR, tEXt `texts`, PLTE, tRNS when needed, one IDAT of the rows packed at
    /// [`Indexed::depth`] bits, each with filter type None, deflated by zlib-rs at
    /// [`LEVEL`] and [`MEM_LEVEL`], and IEND.
    fn write(
        &self,
        width: u32,
        height: u32,
        texts: &[(&str, String)],
        idat: &mut Vec<u8>,
    ) -> Result<Vec<u8>, String> {
        let depth = self.depth();
        let mut out = Vec::with_capacity(32 * 1024);
        out.extend_from_slice(b"\x89PNG\r\n\x1a\n");
        let mut ihdr = [0u8; 13];
        ihdr[..4].copy_from_slice(&width.to_be_bytes());
        ihdr[4..8].copy_from_slice(&height.to_be_bytes());
        // Bit depth, color type 3 (indexed), deflate, adaptive filtering, no interlace.
        ihdr[8..].copy_from_slice(&[depth, 3, 0, 0, 0]);
        chunk(&mut out, b"IHDR", &ihdr)?;
        for (keyword, text) in texts {
            chunk(&mut out, b"tEXt", &text_chunk(keyword, text)?)?;
        }
        let (plte, trns) = self.palette();
        chunk(&mut out, b"PLTE", &plte)?;
        if let Some(trns) = trns {
            chunk(&mut out, b"tRNS", &trns)?;
        }
        let idat = match depth {
            8 => deflate(self.scanlines, idat)?,
            _ => deflate(&pack(self.scanlines, self.width, depth), idat)?,
        };
        chunk(&mut out, b"IDAT", idat)?;
        chunk(&mut out, b"IEND", &[])?;
        Ok(out)
    }

    /// The smallest bit depth that holds every index.
    fn depth(&self) -> u8 {
        match self.colors.len() {
            0..=2 => 1,
            3..=4 => 2,
            5..=16 => 4,
            _ => 8,
        }
    }

    /// PLTE (straight RGB) and tRNS (alphas up to the last color that is not opaque).
    fn palette(&self) -> (Vec<u8>, Option<Vec<u8>>) {
        let mut plte = Vec::with_capacity(self.colors.len() * 3);
        let mut trns = Vec::new();
        for &c in &self.colors {
            let [r, g, b, a] = straight(c);
            plte.extend_from_slice(&[r, g, b]);
            if a != 255 {
                trns.push(a);
            }
        }
        (plte, (!trns.is_empty()).then_some(trns))
    }
}

/// A tEXt chunk's data: a Latin-1 keyword of 1–79 printable characters, NUL, the Latin-1
/// text.
fn text_chunk(keyword: &str, text: &str) -> Result<Vec<u8>, String> {
    let latin1 = |s: &str, what: &str| {
        s.chars()
            .map(|c| match u8::try_from(u32::from(c)) {
                Ok(b) if b != 0 => Ok(b),
                _ => Err(format!("PNG text {what} {s:?}: {c:?} is not Latin-1")),
            })
            .collect::<Result<Vec<u8>, String>>()
    };
    let mut data = latin1(keyword, "keyword")?;
    let printable = |b: &u8| (32..=126).contains(b) || *b >= 161;
    if data.is_empty()
        || data.len() > 79
        || !data.iter().all(printable)
        || keyword.starts_with(' ')
        || keyword.ends_with(' ')
        || keyword.contains("  ")
    {
        return Err(format!(
            "PNG text keyword {keyword:?}: 1–79 printable Latin-1 characters"
        ));
    }
    data.push(0);
    data.extend(latin1(text, "text")?);
    Ok(data)
}

/// A premultiplied little-endian RGBA color as straight RGBA bytes.
fn straight(color: u32) -> [u8; 4] {
    let [r, g, b, a] = color.to_le_bytes();
    if a == 255 {
        return [r, g, b, a];
    }
    // Premultiplied bytes never exceed their alpha in a pixmap; clamp anyway so any input
    // is a color.
    let c = PremultipliedColorU8::from_rgba(r.min(a), g.min(a), b.min(a), a)
        .map(|c| c.demultiply())
        .map(|c| [c.red(), c.green(), c.blue(), c.alpha()]);
    c.unwrap_or([0, 0, 0, 0])
}

/// zlib stream of `raw` at [`LEVEL`] and [`MEM_LEVEL`], written into `buffer` (any
/// contents, grown to the most deflate may need).
fn deflate<'b>(raw: &[u8], buffer: &'b mut Vec<u8>) -> Result<&'b [u8], String> {
    let config = zlib_rs::DeflateConfig {
        level: LEVEL,
        mem_level: MEM_LEVEL,
        ..zlib_rs::DeflateConfig::default()
    };
    let bound = zlib_rs::compress_bound(raw.len());
    if buffer.len() < bound {
        buffer.resize(bound, 0);
    }
    let (written, code) = zlib_rs::compress_slice(buffer, raw, config);
    if code != zlib_rs::ReturnCode::Ok {
        return Err(format!("deflate: zlib code {code:?}"));
    }
    Ok(written)
}

/// Packs 8-bit scanlines (`width` indices after each filter byte) into scanlines of
/// `depth`-bit samples (MSB first, rows padded to a byte), as PNG stores them.
fn pack(scanlines: &[u8], width: usize, depth: u8) -> Vec<u8> {
    let per_byte = 8 / depth as usize;
    let row_bytes = width.div_ceil(per_byte) + 1;
    let mut out = vec![0u8; row_bytes * (scanlines.len() / (width + 1))];
    for (row, dst) in scanlines
        .chunks_exact(width + 1)
        .zip(out.chunks_exact_mut(row_bytes))
    {
        let (row, dst) = (&row[1..], &mut dst[1..]);
        for (x, &i) in row.iter().enumerate() {
            let shift = 8 - depth as usize * (x % per_byte + 1);
            dst[x / per_byte] |= i << shift;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes a PNG to straight RGBA, with its color type and bit depth as written.
    fn decode(bytes: &[u8]) -> (Vec<u8>, png::ColorType, png::BitDepth) {
        let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::ALPHA);
        let mut reader = decoder.read_info().unwrap();
        let (color, depth) = {
            let info = reader.info();
            (info.color_type, info.bit_depth)
        };
        let mut buf = vec![0; reader.output_buffer_size()];
        let frame = reader.next_frame(&mut buf).unwrap();
        buf.truncate(frame.buffer_size());
        (buf, color, depth)
    }

    fn straight_pixels(rgba: &[u8]) -> Vec<u8> {
        rgba.chunks_exact(4)
            .flat_map(|p| straight(u32::from_le_bytes([p[0], p[1], p[2], p[3]])))
            .collect()
    }

    /// `n` distinct opaque colors over a `w × h` image (at least `2n` pixels), in runs of 2.
    fn stripes(n: usize, w: usize, h: usize) -> Vec<u8> {
        assert!(w * h >= 2 * n);
        (0..w * h)
            .flat_map(|p| {
                let i = (p / 2) % n;
                [i as u8, (i >> 8) as u8, (i * 7) as u8, 255]
            })
            .collect()
    }

    #[test]
    fn bit_depth_follows_the_color_count_and_pixels_round_trip() {
        // Widths that do not fill their last byte at 1, 2 and 4 bits.
        for (n, depth) in [
            (1, 1),
            (2, 1),
            (3, 2),
            (4, 2),
            (5, 4),
            (16, 4),
            (17, 8),
            (256, 8),
        ] {
            let (w, h) = (37, 29);
            let rgba = stripes(n, w, h);
            let (png, kind) = encode(&rgba, w as u32, h as u32, &[]).unwrap();
            assert_eq!(kind, Kind::Indexed { colors: n, depth }, "{n} colors");
            let (pixels, color, bits) = decode(&png);
            assert_eq!(color, png::ColorType::Indexed);
            assert_eq!(bits as u8, depth);
            assert_eq!(pixels, rgba, "{n} colors");
        }
    }

    #[test]
    fn repeated_rows_and_translucent_colors_round_trip_at_every_depth() {
        // Rows equal to the one above (copied, not counted again) between rows of their
        // own, with translucent colors moved to the front of the palette: at 1, 2, 4 and
        // 8 bits (widths that leave a partial last byte).
        for n in [2, 3, 9, 40] {
            let (w, h) = (13, 11);
            let mut rgba = Vec::new();
            for y in 0..h {
                let band = if y % 4 == 3 { y } else { y / 4 };
                for x in 0..w {
                    let i = (band * 5 + x / 3) % n;
                    let a = if i % 3 == 1 { 128 } else { 255 };
                    rgba.extend_from_slice(&[(i * 3) as u8 % a, 7u8.min(a), (i * 11) as u8 % a, a]);
                }
            }
            let (png, kind) = encode(&rgba, w as u32, h as u32, &[]).unwrap();
            assert!(matches!(kind, Kind::Indexed { .. }), "{n}: {kind:?}");
            assert_eq!(decode(&png).0, straight_pixels(&rgba), "{n} colors");
        }
    }

    #[test]
    fn the_257th_color_falls_back_to_truecolor() {
        let (w, h) = (300, 2);
        let rgba = stripes(257, w, h);
        let (png, kind) = encode(&rgba, w as u32, h as u32, &[]).unwrap();
        assert_eq!(kind, Kind::Rgb);
        let (pixels, color, _) = decode(&png);
        assert_eq!(color, png::ColorType::Rgb);
        assert_eq!(pixels, rgba);
    }

    #[test]
    fn translucent_colors_get_trns_and_straight_alpha() {
        // Premultiplied: half-transparent saffron, a transparent pixel, opaque forest.
        let px = [
            [121, 83, 33, 128],
            [0, 0, 0, 0],
            [0x1F, 0x5C, 0x4A, 255],
            [121, 83, 33, 128],
        ];
        let rgba: Vec<u8> = px.iter().flatten().copied().collect();
        let (png, kind) = encode(&rgba, 2, 2, &[]).unwrap();
        assert_eq!(
            kind,
            Kind::Indexed {
                colors: 3,
                depth: 2
            }
        );
        let (pixels, _, _) = decode(&png);
        assert_eq!(pixels, straight_pixels(&rgba));
        assert_eq!(&pixels[8..12], &[0x1F, 0x5C, 0x4A, 255]);
        // Translucent and many colors: RGBA.
        let mut many = stripes(300, 300, 2);
        many[3] = 10;
        many[..3].copy_from_slice(&[5, 6, 7]);
        let (png, kind) = encode(&many, 300, 2, &[]).unwrap();
        assert_eq!(kind, Kind::Rgba);
        assert_eq!(decode(&png).0, straight_pixels(&many));
    }

    #[test]
    fn text_chunks_are_written_and_bad_sizes_are_errors() {
        let rgba = stripes(2, 4, 4);
        let (png, _) = encode(&rgba, 4, 4, &[("brandpress:photo", "1,2,3,4".into())]).unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(&png));
        let reader = decoder.read_info().unwrap();
        let texts = &reader.info().uncompressed_latin1_text;
        assert_eq!(texts.len(), 1);
        assert_eq!(
            (texts[0].keyword.as_str(), texts[0].text.as_str()),
            ("brandpress:photo", "1,2,3,4")
        );
        assert!(encode(&rgba, 5, 4, &[]).is_err());
        assert!(encode(&[], 0, 0, &[]).is_err());
        // Keywords and texts PNG cannot hold are errors, not bad files (Thai is not Latin-1).
        for (keyword, text) in [
            ("", "x"),
            (" lead", "x"),
            ("ภาพ", "x"),
            ("brandpress:photo", "ภาพ"),
            ("nul", "a\0b"),
        ] {
            let err = encode(&rgba, 4, 4, &[(keyword, text.into())]).unwrap_err();
            assert!(err.contains("PNG text"), "{err}");
        }
        assert!(encode(&rgba, 4, 4, &[(&"k".repeat(80), String::new())]).is_err());
        // Latin-1 beyond ASCII is written as Latin-1.
        let (png, _) = encode(&rgba, 4, 4, &[("caf\u{e9}", "\u{e9}t\u{e9}".into())]).unwrap();
        let reader = png::Decoder::new(std::io::Cursor::new(&png))
            .read_info()
            .unwrap();
        let text = &reader.info().uncompressed_latin1_text[0];
        assert_eq!(
            (text.keyword.as_str(), text.text.as_str()),
            ("caf\u{e9}", "\u{e9}t\u{e9}")
        );
    }
}
