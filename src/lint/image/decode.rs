//! Decoding PNG (the `png` crate) and JPEG (`zune-jpeg`, the decoder resvg already
//! uses) into 8-bit RGBA, plus header-only sizes (`imagesize`).
//!
//! Decoders are lenient: a truncated JPEG decodes to a grey-padded picture, a PNG
//! decoder stops reading once it has its rows. Lint must call such files unreadable, so
//! before decoding, [`check_structure`] walks the file's structure: every PNG chunk with
//! its CRC up to `IEND`, every JPEG segment and scan up to the end-of-image marker. The
//! walk is linear and inflates nothing (the `png` crate's own `finish` would inflate any
//! data left over, gigabytes from a small file).

use std::io::Cursor;

/// The tEXt keyword under which cards record the pixel box of their photo area.
pub use crate::channel::CARD_PHOTO_KEYWORD as PHOTO_KEYWORD;

/// An image decoded to straight (not premultiplied) 8-bit RGBA.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub width: u32,
    pub height: u32,
    /// `width × height × 4` bytes.
    pub rgba: Vec<u8>,
    /// The photo area `[x, y, w, h]` a card declared in its `brandpress:photo` tEXt chunk.
    pub photo: Option<[u32; 4]>,
}

/// Lint decodes no more pixels than the renderers do: one limit for the whole tool.
pub use crate::limits::MAX_PIXELS;

/// Width and height from the file header, without decoding.
pub fn dimensions(bytes: &[u8]) -> Result<(u32, u32), String> {
    let size = imagesize::blob_size(bytes).map_err(|e| format!("unreadable image header: {e}"))?;
    let w = u32::try_from(size.width).map_err(|_| "unreadable image header: width".to_string())?;
    let h =
        u32::try_from(size.height).map_err(|_| "unreadable image header: height".to_string())?;
    Ok((w, h))
}

/// Checks a PNG's or JPEG's structure (see the module docs).
pub fn check_structure(bytes: &[u8]) -> Result<(), String> {
    if bytes.starts_with(PNG_SIGNATURE) {
        png_chunks(bytes)
    } else if bytes.starts_with(&[0xFF, 0xD8]) {
        jpeg_segments(bytes)
    } else {
        Err("not a PNG or JPEG file".into())
    }
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Every chunk of a PNG, its CRC checked, up to `IEND`.
fn png_chunks(bytes: &[u8]) -> Result<(), String> {
    let mut i = PNG_SIGNATURE.len();
    loop {
        let Some(head) = bytes.get(i..i + 8) else {
            return Err(format!(
                "broken PNG: the file ends at byte {} without its IEND chunk (truncated)",
                bytes.len()
            ));
        };
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let kind = &head[4..8];
        let end = i + 8 + len + 4;
        let Some(chunk) = bytes.get(i + 4..i + 8 + len) else {
            return Err(format!(
                "broken PNG: the {} chunk at byte {i} runs past the end of the file (truncated)",
                String::from_utf8_lossy(kind)
            ));
        };
        let Some(crc) = bytes.get(end - 4..end) else {
            return Err(format!(
                "broken PNG: the {} chunk at byte {i} has no CRC (truncated)",
                String::from_utf8_lossy(kind)
            ));
        };
        if crc32fast::hash(chunk).to_be_bytes() != crc {
            return Err(format!(
                "broken PNG: CRC error in the {} chunk at byte {i}",
                String::from_utf8_lossy(kind)
            ));
        }
        if kind == b"IEND" {
            return Ok(());
        }
        i = end;
    }
}

/// Every JPEG segment and entropy-coded scan, up to the end-of-image marker.
fn jpeg_segments(b: &[u8]) -> Result<(), String> {
    let truncated = |what: &str| {
        Err(format!(
            "broken JPEG: the file ends {what} without its end-of-image marker (truncated at byte {})",
            b.len()
        ))
    };
    let mut i = 2; // after SOI
    let mut scans = 0;
    loop {
        // fill bytes before a marker
        while b.get(i) == Some(&0xFF) && b.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        let (Some(&ff), Some(&marker)) = (b.get(i), b.get(i + 1)) else {
            return truncated(if scans > 0 {
                "after its scans"
            } else {
                "in its header"
            });
        };
        if ff != 0xFF {
            return Err(format!("broken JPEG: no marker at byte {i}"));
        }
        i += 2;
        match marker {
            0xD9 if scans > 0 => return Ok(()),
            0xD9 => return Err("broken JPEG: the image ends before any scan".into()),
            0xD0..=0xD7 | 0x01 => {}
            0xD8 => {
                return Err(format!(
                    "broken JPEG: a second start-of-image at byte {}",
                    i - 2
                ));
            }
            _ => {
                let Some(len) = b
                    .get(i..i + 2)
                    .map(|l| u16::from_be_bytes([l[0], l[1]]) as usize)
                else {
                    return truncated("in a segment header");
                };
                if len < 2 {
                    return Err(format!(
                        "broken JPEG: a segment of length {len} at byte {i}"
                    ));
                }
                if i + len > b.len() {
                    return truncated("inside a segment");
                }
                i += len;
                if marker == 0xDA {
                    scans += 1;
                    // entropy-coded data: up to the next marker that is not a stuffed
                    // 0xFF00 or a restart marker
                    loop {
                        let Some(k) = b[i..].iter().position(|&c| c == 0xFF) else {
                            return truncated("in the middle of a scan");
                        };
                        let j = i + k;
                        match b.get(j + 1) {
                            None => return truncated("in the middle of a scan"),
                            Some(0x00 | 0xD0..=0xD7) => i = j + 2,
                            Some(0xFF) => i = j + 1,
                            Some(_) => {
                                i = j;
                                break;
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Decodes a PNG or JPEG (detected from its first bytes).
pub fn decode(bytes: &[u8]) -> Result<Decoded, String> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        decode_png(bytes)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        decode_jpeg(bytes)
    } else {
        Err("not a PNG or JPEG file".into())
    }
}

fn decode_png(bytes: &[u8]) -> Result<Decoded, String> {
    match decode_png_with(bytes, false) {
        // A broken text chunk is ancillary: browsers show the picture (only our cards'
        // photo box, a tEXt chunk, is lost).
        Err(e) if is_text_chunk_error(&e) => decode_png_with(bytes, true),
        other => other,
    }
}

/// Whether a PNG decoding error is about a text chunk (tEXt, zTXt, iTXt).
fn is_text_chunk_error(e: &str) -> bool {
    ["tEXt", "zTXt", "iTXt", "text chunk", "keyword"]
        .iter()
        .any(|k| e.contains(k))
}

fn decode_png_with(bytes: &[u8], ignore_text: bool) -> Result<Decoded, String> {
    let mut decoder = png::Decoder::new(Cursor::new(bytes));
    decoder.set_ignore_text_chunk(ignore_text);
    // An indexed PNG (most cards: ours are written indexed when they have ≤ 256 colors)
    // is read as its indices and widened through its palette in one step; anything else
    // is normalized to 8-bit gray, gray+alpha, RGB or RGBA by the decoder.
    let indexed = png_color_type(bytes) == Some(3);
    decoder.set_transformations(if indexed {
        png::Transformations::IDENTITY
    } else {
        png::Transformations::normalize_to_color8()
    });
    // the decoder's own allocations: the 8-bit RGBA frame of the largest image checked
    decoder.set_limits(png::Limits {
        bytes: (MAX_PIXELS * 4 + (1 << 20)) as usize,
    });
    let mut reader = decoder
        .read_info()
        .map_err(|e| format!("broken PNG: {e}"))?;
    let info = reader.info();
    let (width, height) = (info.width, info.height);
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(format!("image too large to check ({width}×{height})"));
    }
    let photo = info
        .uncompressed_latin1_text
        .iter()
        .find(|t| t.keyword == PHOTO_KEYWORD)
        .and_then(|t| parse_box(&t.text));
    let lut = match info.color_type {
        png::ColorType::Indexed => Some(palette_lut(
            info.palette.as_deref().unwrap_or_default(),
            info.trns.as_deref().unwrap_or_default(),
        )),
        _ => None,
    };
    let mut buf = vec![0; reader.output_buffer_size()];
    let frame = reader
        .next_frame(&mut buf)
        .map_err(|e| format!("broken PNG: {e}"))?;
    let pixels = width as usize * height as usize;
    if let Some(lut) = lut {
        let depth = frame.bit_depth as usize;
        let line = frame.line_size;
        if frame.color_type != png::ColorType::Indexed
            || !matches!(depth, 1 | 2 | 4 | 8)
            || frame.buffer_size() < line * height as usize
            || line * 8 < width as usize * depth
        {
            return Err("broken PNG: fewer pixels than its header says".into());
        }
        let rgba = widen_indexed(&buf, width as usize, height as usize, line, depth, &lut);
        return Ok(Decoded {
            width,
            height,
            rgba,
            photo,
        });
    }
    let n = match frame.color_type {
        png::ColorType::Rgba => 4,
        png::ColorType::Rgb => 3,
        png::ColorType::GrayscaleAlpha => 2,
        png::ColorType::Grayscale => 1,
        png::ColorType::Indexed => return Err("PNG palette was not expanded".into()),
    };
    if frame.buffer_size() < pixels * n {
        return Err("broken PNG: fewer pixels than its header says".into());
    }
    // one decoded image: the frame widened to RGBA in place, from the end
    buf.truncate(pixels * n);
    buf.resize(pixels * 4, 255);
    match n {
        4 => {}
        3 => widen_in_place::<3>(&mut buf, pixels, |p| [p[0], p[1], p[2], 255]),
        2 => widen_in_place::<2>(&mut buf, pixels, |p| [p[0], p[0], p[0], p[1]]),
        _ => widen_in_place::<1>(&mut buf, pixels, |p| [p[0], p[0], p[0], 255]),
    }
    Ok(Decoded {
        width,
        height,
        rgba: buf,
        photo,
    })
}

/// The color type byte of a PNG's IHDR (which must be its first chunk).
fn png_color_type(bytes: &[u8]) -> Option<u8> {
    (bytes.get(12..16) == Some(b"IHDR")).then(|| bytes.get(25).copied())?
}

/// RGBA of each of the 256 possible indices: the PLTE entries with their tRNS alpha
/// (opaque where tRNS is shorter); an index past the palette, which the PNG
/// specification calls an error, reads as opaque black, as libpng and browsers show it.
fn palette_lut(plte: &[u8], trns: &[u8]) -> [[u8; 4]; 256] {
    let mut lut = [[0, 0, 0, 255]; 256];
    for (i, rgb) in plte.chunks_exact(3).take(256).enumerate() {
        lut[i] = [rgb[0], rgb[1], rgb[2], trns.get(i).copied().unwrap_or(255)];
    }
    lut
}

/// Indexed rows (`line` bytes each, `depth` bits a pixel, most significant first) to
/// RGBA through `lut`.
fn widen_indexed(
    rows: &[u8],
    w: usize,
    h: usize,
    line: usize,
    depth: usize,
    lut: &[[u8; 4]; 256],
) -> Vec<u8> {
    let mut rgba = Vec::with_capacity(w * h * 4);
    for row in rows.chunks_exact(line).take(h) {
        if depth == 8 {
            rgba.extend(row[..w].iter().flat_map(|&i| lut[usize::from(i)]));
        } else {
            let per_byte = 8 / depth;
            let mask = (1u8 << depth) - 1;
            rgba.extend((0..w).flat_map(|x| {
                let shift = 8 - depth * (x % per_byte + 1);
                lut[usize::from((row[x / per_byte] >> shift) & mask)]
            }));
        }
    }
    rgba
}

/// Widens `pixels` pixels of `N` bytes at the start of `buf` to RGBA in place, from the
/// last pixel to the first (a pixel's RGBA never overwrites one not yet read).
fn widen_in_place<const N: usize>(buf: &mut [u8], pixels: usize, f: impl Fn(&[u8; N]) -> [u8; 4]) {
    for i in (0..pixels).rev() {
        let mut p = [0u8; N];
        p.copy_from_slice(&buf[i * N..i * N + N]);
        buf[i * 4..i * 4 + 4].copy_from_slice(&f(&p));
    }
}

/// Decodes a JPEG to RGB, then adds opaque alpha. zune-jpeg reads the Adobe APP14
/// transform flag (CMYK, YCCK, RGB without transform) and component ids `R`, `G`, `B`,
/// and converts CMYK the way Photoshop writes it (inverted: 255 is no ink, as libjpeg
/// and browsers read it). Its CMYK and YCCK conversions to RGBA step through pixels
/// three bytes at a time (zune-jpeg 0.5: the brand green of a CMYK JPEG read as 25%
/// `#A80031`), so RGB is asked for and the alpha added here.
///
/// A frame zune-jpeg does not read (anything but SOF0–SOF2), or a coding it reports
/// unsupported, goes to [`decode_lossless_jpeg`]: lossless JPEG (SOF3) is read by
/// `jpeg-decoder`. Arithmetic-coded JPEGs (SOF9–SOF11), which neither reads
/// (`jpeg-decoder` 0.3 declines them; zune-jpeg's `arith` feature exists only in its 0.5.16
/// release candidates), go to [`decode_arithmetic_jpeg`]; hierarchical arithmetic ones
/// (SOF13–SOF15), which no common decoder reads, are named as such.
fn decode_jpeg(bytes: &[u8]) -> Result<Decoded, String> {
    use zune_core::bytestream::ZCursor;
    use zune_core::colorspace::ColorSpace;
    use zune_core::options::DecoderOptions;
    let frame = jpeg_frame(bytes);
    if let Some(frame) = frame {
        match frame.marker {
            0xC9..=0xCB => return decode_arithmetic_jpeg(bytes, frame),
            0xCD..=0xCF => {
                return Err(format!(
                    "hierarchical arithmetic-coded JPEG (SOF{}) is not supported: no decoder \
                     lint uses reads it; re-save it with Huffman coding (any editor's default)",
                    frame.marker - 0xC0
                ));
            }
            // zune-jpeg 0.5 reads SOF0–SOF2; given another frame it skips the frame header
            // and fails later on its missing components, so the marker decides here
            0xC0..=0xC2 => {}
            marker => {
                let coding = match marker {
                    0xC3 => "lossless".to_string(),
                    0xC5..=0xC7 => "hierarchical".to_string(),
                    other => format!("SOF{}", other - 0xC0),
                };
                return decode_lossless_jpeg(bytes, Some(frame), &coding);
            }
        }
    }
    let options = |out: ColorSpace| {
        DecoderOptions::default()
            .jpeg_set_out_colorspace(out)
            .set_strict_mode(true)
            .set_max_width(u16::MAX as usize)
            .set_max_height(u16::MAX as usize)
    };
    let mut decoder =
        zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(bytes), options(ColorSpace::RGB));
    match decoder.decode_headers() {
        Ok(()) => {}
        Err(zune_jpeg::errors::DecodeErrors::Unsupported(scheme)) => {
            return decode_lossless_jpeg(bytes, frame, &format!("{scheme:?}"));
        }
        Err(e) => return Err(format!("broken JPEG: {e:?}")),
    }
    // YCbCr (almost every JPEG) comes out as RGBA straight from zune-jpeg's colour
    // conversion, its headers read again for it (zune-jpeg picks the conversion as it
    // reads them); CMYK, YCCK, RGB without transform and grey as RGB, widened here
    let mut out = ColorSpace::RGB;
    if decoder.input_colorspace() == Some(ColorSpace::YCbCr) {
        let mut direct = zune_jpeg::JpegDecoder::new_with_options(
            ZCursor::new(bytes),
            options(ColorSpace::RGBA),
        );
        if direct.decode_headers().is_ok() {
            decoder = direct;
            out = ColorSpace::RGBA;
        }
    }
    let info = decoder
        .info()
        .ok_or_else(|| "broken JPEG: no frame header".to_string())?;
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(format!("image too large to check ({width}×{height})"));
    }
    let pixels = width as usize * height as usize;
    // one decoded image: RGBA from the decoder, or RGB widened to RGBA in place
    let mut rgba = decoder
        .decode()
        .map_err(|e| format!("broken JPEG: {e:?}"))?;
    let channels = out.num_components();
    if rgba.len() != pixels * channels {
        return Err("JPEG decoded to an unexpected size".into());
    }
    if channels == 3 {
        rgba.resize(pixels * 4, 255);
        widen_in_place::<3>(&mut rgba, pixels, |p| [p[0], p[1], p[2], 255]);
    }
    Ok(Decoded {
        width,
        height,
        rgba,
        photo: None,
    })
}

/// An arithmetic-coded JPEG (SOF9 baseline or extended, SOF10 progressive, SOF11
/// lossless), through libjpeg-turbo (the `mozjpeg` crate, built with arithmetic
/// decoding), as browsers and libjpeg-based tools read it. Its frame header is checked
/// first (size within [`MAX_PIXELS`]); libjpeg reports a broken file by unwinding, which
/// is caught here and named.
fn decode_arithmetic_jpeg(bytes: &[u8], frame: JpegFrame) -> Result<Decoded, String> {
    let (width, height) = (u32::from(frame.width), u32::from(frame.height));
    let coding = frame.marker - 0xC0;
    if width == 0 || height == 0 {
        return Err(format!("broken JPEG: its frame is {width}×{height}"));
    }
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(format!("image too large to check ({width}×{height})"));
    }
    let pixels = width as usize * height as usize;
    let read = std::panic::catch_unwind(|| -> std::io::Result<(usize, usize, Vec<[u8; 4]>)> {
        let mut image = mozjpeg::Decompress::new_mem(bytes)?.rgba()?;
        let (w, h) = (image.width(), image.height());
        let rows: Vec<[u8; 4]> = image.read_scanlines()?;
        image.finish()?;
        Ok((w, h, rows))
    });
    match read {
        Ok(Ok((w, h, rgba))) if w == width as usize && h == height as usize => {
            if rgba.len() != pixels {
                return Err("arithmetic-coded JPEG decoded to an unexpected size".into());
            }
            Ok(Decoded {
                width,
                height,
                rgba: rgba.into_flattened(),
                photo: None,
            })
        }
        Ok(Ok(_)) => Err("arithmetic-coded JPEG decoded to an unexpected size".into()),
        Ok(Err(e)) => Err(format!("broken arithmetic-coded JPEG (SOF{coding}): {e}")),
        Err(panic) => {
            let why = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("libjpeg could not read it");
            Err(format!("broken arithmetic-coded JPEG (SOF{coding}): {why}"))
        }
    }
}

/// A lossless JPEG (SOF3), which zune-jpeg does not read, through `jpeg-decoder`, which
/// does: grey or RGB samples of 2 to 16 bits, scaled to 8. Its frame header is checked
/// first (size within [`MAX_PIXELS`], a precision and component count the decoder
/// handles), and the decoder's own buffer is capped. `zune` names the coding zune-jpeg
/// declined.
fn decode_lossless_jpeg(
    bytes: &[u8],
    frame: Option<JpegFrame>,
    zune: &str,
) -> Result<Decoded, String> {
    let Some(frame) = frame.filter(|f| f.marker == 0xC3) else {
        return Err(format!(
            "{zune} JPEG coding is not supported: no decoder lint uses reads it"
        ));
    };
    let JpegFrame {
        precision,
        components,
        width,
        height,
        ..
    } = frame;
    if !(2..=16).contains(&precision) || !matches!(components, 1 | 3) {
        return Err(format!(
            "lossless JPEG of {components} components at {precision} bits is not supported \
             (grey or RGB, 2 to 16 bits are)"
        ));
    }
    let (width, height) = (u32::from(width), u32::from(height));
    if width == 0 || height == 0 {
        return Err(format!("broken JPEG: its frame is {width}×{height}"));
    }
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(format!("image too large to check ({width}×{height})"));
    }
    let pixels = width as usize * height as usize;
    let n = usize::from(components);
    let wide = precision != 8; // jpeg-decoder gives other precisions as u16 samples
    let per_pixel = n * if wide { 2 } else { 1 };
    let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    decoder.set_max_decoding_buffer_size(pixels * n);
    let samples = decoder
        .decode()
        .map_err(|e| format!("broken lossless JPEG: {e}"))?;
    if samples.len() != pixels * per_pixel {
        return Err("lossless JPEG decoded to an unexpected size".into());
    }
    let sample = |k: usize| -> u8 {
        if !wide {
            return samples[k];
        }
        let v = u32::from(u16::from_ne_bytes([samples[2 * k], samples[2 * k + 1]]));
        let v = if precision > 8 {
            v >> (precision - 8)
        } else {
            v << (8 - precision)
        };
        v.min(255) as u8
    };
    let mut rgba = Vec::with_capacity(pixels * 4);
    for i in 0..pixels {
        let px = if n == 1 {
            let v = sample(i);
            [v, v, v, 255]
        } else {
            [sample(3 * i), sample(3 * i + 1), sample(3 * i + 2), 255]
        };
        rgba.extend_from_slice(&px);
    }
    Ok(Decoded {
        width,
        height,
        rgba,
        photo: None,
    })
}

/// A JPEG's frame header: its marker and what lint checks before decoding.
#[derive(Debug, Clone, Copy)]
struct JpegFrame {
    /// `0xC0`–`0xCF` but DHT, JPG and DAC.
    marker: u8,
    precision: u8,
    height: u16,
    width: u16,
    components: u8,
}

/// The frame header of a JPEG, read from its segments before the first scan.
fn jpeg_frame(b: &[u8]) -> Option<JpegFrame> {
    let mut i = 2;
    loop {
        while b.get(i) == Some(&0xFF) && b.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        if *b.get(i)? != 0xFF {
            return None;
        }
        let marker = *b.get(i + 1)?;
        match marker {
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                let h = b.get(i + 4..i + 10)?;
                return Some(JpegFrame {
                    marker,
                    precision: h[0],
                    height: u16::from_be_bytes([h[1], h[2]]),
                    width: u16::from_be_bytes([h[3], h[4]]),
                    components: h[5],
                });
            }
            0xDA | 0xD9 => return None,
            0xD0..=0xD7 | 0x01 => i += 2,
            _ => {
                let len = u16::from_be_bytes([*b.get(i + 2)?, *b.get(i + 3)?]) as usize;
                i += 2 + len;
            }
        }
    }
}

/// Parses `x,y,w,h`.
pub fn parse_box(text: &str) -> Option<[u32; 4]> {
    let v: Vec<u32> = text
        .split(',')
        .map(|p| p.trim().parse().ok())
        .collect::<Option<_>>()?;
    <[u32; 4]>::try_from(v).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// zune-jpeg's RGB output, widened: what [`decode_jpeg`] returned before it asked
    /// three-component JPEGs for RGBA directly.
    fn rgb_widened(bytes: &[u8]) -> Option<Vec<u8>> {
        use zune_core::bytestream::ZCursor;
        use zune_core::colorspace::ColorSpace;
        use zune_core::options::DecoderOptions;
        let options = DecoderOptions::default()
            .jpeg_set_out_colorspace(ColorSpace::RGB)
            .set_strict_mode(true);
        let rgb = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(bytes), options)
            .decode()
            .ok()?;
        Some(
            rgb.chunks_exact(3)
                .flat_map(|p| [p[0], p[1], p[2], 255])
                .collect(),
        )
    }

    #[test]
    fn three_component_jpegs_decode_to_the_same_rgba_directly() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut compared = 0;
        for entry in walkdir::WalkDir::new(root.join("tests/fixtures"))
            .into_iter()
            .chain(walkdir::WalkDir::new(root.join("brand")))
            .chain(walkdir::WalkDir::new(root.join("content")))
            .filter_map(Result::ok)
        {
            let path = entry.path();
            let is_jpeg = path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case("jpg") || e.eq_ignore_ascii_case("jpeg"));
            if !is_jpeg {
                continue;
            }
            let bytes = std::fs::read(path).unwrap();
            let Some(frame) = jpeg_frame(&bytes) else {
                continue;
            };
            if frame.components != 3 || !matches!(frame.marker, 0xC0..=0xC2) {
                continue;
            }
            let Some(widened) = rgb_widened(&bytes) else {
                continue;
            };
            let direct = decode(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(direct.rgba, widened, "{}", path.display());
            compared += 1;
        }
        assert!(
            compared >= 3,
            "only {compared} three-component JPEGs compared"
        );
    }
}
