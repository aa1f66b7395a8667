//! Decoding PNG (the `png` crate) and JPEG (`zune-jpeg`, the decoder resvg already
//! uses) into 8-bit RGBA, plus header-only sizes (`imagesize`).

use std::io::Cursor;

/// The tEXt keyword under which cards record the pixel box of their photo area.
pub const PHOTO_KEYWORD: &str = "brandpress:photo";

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

/// Largest image decoded (pixels): 64 megapixels.
const MAX_PIXELS: u64 = 64 * 1024 * 1024;

/// Width and height from the file header, without decoding.
pub fn dimensions(bytes: &[u8]) -> Result<(u32, u32), String> {
    let size = imagesize::blob_size(bytes).map_err(|e| format!("unreadable image header: {e}"))?;
    Ok((size.width as u32, size.height as u32))
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
    let mut decoder = png::Decoder::new(Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
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
    let mut buf = vec![0; reader.output_buffer_size()];
    let frame = reader
        .next_frame(&mut buf)
        .map_err(|e| format!("broken PNG: {e}"))?;
    let data = &buf[..frame.buffer_size()];
    let pixels = width as usize * height as usize;
    let rgba = match frame.color_type {
        png::ColorType::Rgba => data.to_vec(),
        png::ColorType::Rgb => expand(data, pixels, 3, |p| [p[0], p[1], p[2], 255]),
        png::ColorType::Grayscale => expand(data, pixels, 1, |p| [p[0], p[0], p[0], 255]),
        png::ColorType::GrayscaleAlpha => expand(data, pixels, 2, |p| [p[0], p[0], p[0], p[1]]),
        png::ColorType::Indexed => return Err("PNG palette was not expanded".into()),
    };
    Ok(Decoded {
        width,
        height,
        rgba,
        photo,
    })
}

fn expand(data: &[u8], pixels: usize, n: usize, f: impl Fn(&[u8]) -> [u8; 4]) -> Vec<u8> {
    let mut out = Vec::with_capacity(pixels * 4);
    for p in data.chunks_exact(n).take(pixels) {
        out.extend_from_slice(&f(p));
    }
    out
}

fn decode_jpeg(bytes: &[u8]) -> Result<Decoded, String> {
    use zune_core::bytestream::ZCursor;
    use zune_core::colorspace::ColorSpace;
    use zune_core::options::DecoderOptions;
    let options = DecoderOptions::default().jpeg_set_out_colorspace(ColorSpace::RGBA);
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(bytes), options);
    decoder
        .decode_headers()
        .map_err(|e| format!("broken JPEG: {e:?}"))?;
    let info = decoder
        .info()
        .ok_or_else(|| "broken JPEG: no frame header".to_string())?;
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(format!("image too large to check ({width}×{height})"));
    }
    let rgba = decoder
        .decode()
        .map_err(|e| format!("broken JPEG: {e:?}"))?;
    if rgba.len() != width as usize * height as usize * 4 {
        return Err("JPEG decoded to an unexpected size".into());
    }
    Ok(Decoded {
        width,
        height,
        rgba,
        photo: None,
    })
}

/// Parses `x,y,w,h`.
pub fn parse_box(text: &str) -> Option<[u32; 4]> {
    let v: Vec<u32> = text
        .split(',')
        .map(|p| p.trim().parse().ok())
        .collect::<Option<_>>()?;
    <[u32; 4]>::try_from(v).ok()
}
