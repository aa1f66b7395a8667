//! Raster pictures decoded by the `image` crate, the same way for every channel: PNG,
//! JPEG, WebP and the first frame of a GIF (drawn on its logical screen, as a browser
//! shows it before the animation starts). The header is checked against the pixel limits
//! of [`super::limits`] before anything is decoded, and the decoder itself is held to them
//! (a GIF frame may claim more than its screen).

use std::io::Cursor;

use super::limits;
use super::picture::{Format, sniff};

/// A picture decoded to straight (not premultiplied) 8-bit RGBA.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub width: u32,
    pub height: u32,
    /// `width × height × 4` bytes.
    pub rgba: Vec<u8>,
}

impl Decoded {
    /// True when every pixel is fully opaque.
    pub fn is_opaque(&self) -> bool {
        self.rgba.chunks_exact(4).all(|p| p[3] == 255)
    }
}

/// The raster formats every channel accepts, as words for messages.
pub const RASTER_FORMATS: &str = "PNG, JPEG, WebP or GIF";

/// Decodes a PNG, JPEG, WebP or GIF (first frame) to straight RGBA, after checking its
/// header against the pixel limits. Errors read after the file name.
pub fn decode_raster(bytes: &[u8]) -> Result<Decoded, String> {
    let format = match sniff(bytes, std::path::Path::new("")) {
        Some(Format::Png) => image::ImageFormat::Png,
        Some(Format::Jpeg) => image::ImageFormat::Jpeg,
        Some(Format::Gif) => image::ImageFormat::Gif,
        Some(Format::Webp) => image::ImageFormat::WebP,
        _ => return Err(format!("is not a {RASTER_FORMATS} image")),
    };
    let (width, height) = limits::check_raster(bytes)?;
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), format);
    let mut caps = image::Limits::default();
    caps.max_image_width = Some(limits::MAX_SIDE);
    caps.max_image_height = Some(limits::MAX_SIDE);
    // The decoded RGBA frame of the largest picture allowed, and room for the decoder's
    // own buffers.
    caps.max_alloc = Some(limits::MAX_PIXELS * 4 + (64 << 20));
    reader.limits(caps);
    let name = match format {
        image::ImageFormat::Png => "PNG",
        image::ImageFormat::Jpeg => "JPEG",
        image::ImageFormat::Gif => "GIF",
        _ => "WebP",
    };
    let image = reader
        .decode()
        .map_err(|e| format!("cannot be decoded as {name}: {e}"))?;
    if (image.width(), image.height()) != (width, height) {
        return Err(format!(
            "cannot be decoded as {name}: its header says {width}×{height} px, its pixels are {}×{}",
            image.width(),
            image.height()
        ));
    }
    // The decoder's output is within the limits too (checked again in case it differs).
    limits::check_pixels(u64::from(image.width()), u64::from(image.height()))?;
    let rgba = image.into_rgba8();
    Ok(Decoded {
        width,
        height,
        rgba: rgba.into_raw(),
    })
}

/// Encodes straight RGBA as a PNG (for channels that cannot show the source format).
pub fn encode_png(image: &Decoded) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    image::ImageEncoder::write_image(
        image::codecs::png::PngEncoder::new(&mut out),
        &image.rgba,
        image.width,
        image.height,
        image::ExtendedColorType::Rgba8,
    )
    .map_err(|e| format!("cannot be converted to PNG: {e}"))?;
    Ok(out)
}

/// Encodes an opaque picture as a JPEG of `quality` (1–100); alpha is dropped.
pub fn encode_jpeg(image: &Decoded, quality: u8) -> Result<Vec<u8>, String> {
    let rgb: Vec<u8> = image
        .rgba
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    let mut out = Vec::new();
    image::ImageEncoder::write_image(
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality),
        &rgb,
        image.width,
        image.height,
        image::ExtendedColorType::Rgb8,
    )
    .map_err(|e| format!("cannot be converted to JPEG: {e}"))?;
    Ok(out)
}

/// `image` scaled down (never up) to at most `max_width` px wide, keeping its aspect.
pub fn fit_width(image: &Decoded, max_width: u32) -> Decoded {
    if image.width <= max_width || max_width == 0 {
        return image.clone();
    }
    let height = ((u64::from(image.height) * u64::from(max_width)) as f64 / f64::from(image.width))
        .round()
        .max(1.0) as u32;
    let Some(buffer) = image::RgbaImage::from_raw(image.width, image.height, image.rgba.clone())
    else {
        return image.clone();
    };
    let scaled = image::imageops::resize(
        &buffer,
        max_width,
        height,
        image::imageops::FilterType::Lanczos3,
    );
    Decoded {
        width: max_width,
        height,
        rgba: scaled.into_raw(),
    }
}

/// True for a lossy WebP (a `VP8 ` chunk): a photo, best sent to email as JPEG.
pub fn is_lossy_webp(bytes: &[u8]) -> bool {
    // RIFF container: chunks of fourcc + little-endian size, after the 12-byte header.
    let mut i = 12;
    while let Some(head) = bytes.get(i..i + 8) {
        if &head[..4] == b"VP8 " {
            return true;
        }
        let size = u32::from_le_bytes([head[4], head[5], head[6], head[7]]) as usize;
        i = i.saturating_add(8).saturating_add(size + (size & 1));
    }
    false
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A `w × h` picture of one color in `format`, made with the `image` crate.
    pub(crate) fn solid(format: image::ImageFormat, w: u32, h: u32, rgba: [u8; 4]) -> Vec<u8> {
        let img = image::RgbaImage::from_pixel(w, h, image::Rgba(rgba));
        let mut out = Cursor::new(Vec::new());
        match format {
            image::ImageFormat::Jpeg => image::DynamicImage::ImageRgba8(img)
                .to_rgb8()
                .write_to(&mut out, format)
                .unwrap(),
            _ => img.write_to(&mut out, format).unwrap(),
        }
        out.into_inner()
    }

    fn gif(screen: (u16, u16), frame: (u16, u16, u16, u16), rgba: [u8; 4]) -> Vec<u8> {
        // A frame offset inside a larger screen, written with the `gif` crate (the one
        // `image` decodes with).
        let mut out = Vec::new();
        {
            let mut enc = gif::Encoder::new(&mut out, screen.0, screen.1, &[]).unwrap();
            let (l, t, w, h) = frame;
            let mut pixels = rgba.repeat(usize::from(w) * usize::from(h));
            let mut f = gif::Frame::from_rgba_speed(w, h, &mut pixels, 10);
            f.left = l;
            f.top = t;
            enc.write_frame(&f).unwrap();
            // A second frame that must not show.
            let mut other = [0u8, 0, 255, 255].repeat(usize::from(w) * usize::from(h));
            enc.write_frame(&gif::Frame::from_rgba_speed(w, h, &mut other, 10))
                .unwrap();
        }
        out
    }

    #[test]
    fn gif_first_frame_lands_on_its_screen() {
        let bytes = gif((4, 3), (1, 1, 2, 2), [0x1F, 0x5C, 0x4A, 255]);
        let d = decode_raster(&bytes).unwrap();
        assert_eq!((d.width, d.height), (4, 3));
        let px = |x: usize, y: usize| &d.rgba[(y * 4 + x) * 4..(y * 4 + x) * 4 + 4];
        assert_eq!(px(1, 1), [0x1F, 0x5C, 0x4A, 255]);
        assert_eq!(px(2, 2), [0x1F, 0x5C, 0x4A, 255]);
        assert_eq!(px(0, 0)[3], 0, "outside the frame is transparent");
        // A frame hanging over the screen's edge is clipped, not a panic.
        let bytes = gif((2, 2), (1, 1, 3, 3), [9, 9, 9, 255]);
        let d = decode_raster(&bytes).unwrap();
        assert_eq!(&d.rgba[12..16], [9, 9, 9, 255]);
    }

    #[test]
    fn every_accepted_format_decodes_to_its_pixels() {
        let color = [0x1F, 0x5C, 0x4A, 255];
        for format in [
            image::ImageFormat::Png,
            image::ImageFormat::WebP,
            image::ImageFormat::Gif,
        ] {
            let d = decode_raster(&solid(format, 5, 3, color)).unwrap();
            assert_eq!((d.width, d.height), (5, 3), "{format:?}");
            assert_eq!(&d.rgba[..4], color, "{format:?}");
            assert!(d.is_opaque());
        }
        let d = decode_raster(&solid(image::ImageFormat::Jpeg, 16, 16, color)).unwrap();
        assert_eq!((d.width, d.height), (16, 16));
        assert!(
            d.rgba[..3]
                .iter()
                .zip(&color)
                .all(|(a, b)| a.abs_diff(*b) < 8)
        );
    }

    #[test]
    fn rasters_over_the_limits_are_refused_before_decoding() {
        // A GIF header claiming 60000×60000: refused from the header.
        let mut bytes = b"GIF89a".to_vec();
        bytes.extend_from_slice(&60000u16.to_le_bytes());
        bytes.extend_from_slice(&60000u16.to_le_bytes());
        bytes.extend_from_slice(&[0, 0, 0]);
        let e = decode_raster(&bytes).unwrap_err();
        assert!(e.contains("60000×60000"), "{e}");
        assert!(decode_raster(b"GIF89a").is_err());
        let e = decode_raster(b"%PDF-1.7").unwrap_err();
        assert!(e.contains("PNG, JPEG, WebP or GIF"), "{e}");
        // A WebP header over the limits (VP8L: 14-bit sides, 16384×16384).
        let mut webp = solid(image::ImageFormat::WebP, 4, 4, [1, 2, 3, 255]);
        let vp8l = webp.windows(4).position(|w| w == b"VP8L").unwrap();
        let bits: u32 = (16383) | (16383 << 14);
        webp[vp8l + 9..vp8l + 13].copy_from_slice(&bits.to_le_bytes());
        let e = decode_raster(&webp).unwrap_err();
        assert!(e.contains("16384×16384"), "{e}");
    }

    #[test]
    fn broken_pictures_are_errors_not_panics() {
        let png = solid(image::ImageFormat::Png, 8, 8, [1, 2, 3, 255]);
        let e = decode_raster(&png[..png.len() - 20]).unwrap_err();
        assert!(e.contains("cannot be decoded as PNG"), "{e}");
        let webp = solid(image::ImageFormat::WebP, 8, 8, [1, 2, 3, 255]);
        assert!(decode_raster(&webp[..webp.len() - 6]).is_err());
    }

    #[test]
    fn webp_kind_and_conversions() {
        let lossless = solid(image::ImageFormat::WebP, 4, 4, [1, 2, 3, 255]);
        assert!(!is_lossy_webp(&lossless));
        let mut lossy = b"RIFF\x1a\0\0\0WEBPVP8X\x0a\0\0\0".to_vec();
        lossy.extend_from_slice(&[0; 10]);
        lossy.extend_from_slice(b"VP8 \x02\0\0\0\0\0");
        assert!(is_lossy_webp(&lossy));
        assert!(!is_lossy_webp(
            b"RIFF\xff\xff\xff\xffWEBPVP8L\xff\xff\xff\xff"
        ));
        let d = decode_raster(&lossless).unwrap();
        let png = encode_png(&d).unwrap();
        assert_eq!(decode_raster(&png).unwrap().rgba, d.rgba);
        let jpeg = encode_jpeg(&fit_width(&d, 2), 85).unwrap();
        let j = decode_raster(&jpeg).unwrap();
        assert_eq!((j.width, j.height), (2, 2));
    }
}
