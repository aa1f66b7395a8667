//! Pixel limits for every image a renderer decodes or rasterizes, in one place.
//!
//! Heroes, logos and the images inside SVGs arrive in pull requests. A PNG of 60000×60000
//! pixels is a few hundred kilobytes on disk and 14 GB once decoded, so every channel reads
//! an image's size from its header (`imagesize`, no decoding) and refuses it above the
//! limits below before anything is decoded or allocated. The same limits apply to the
//! pixmaps we rasterize ourselves (an SVG logo drawn at a fixed height, a card preset).
//!
//! The numbers: [`MAX_SIDE`] is 16384 px per side (the largest texture common GPUs and
//! browsers handle; far beyond any hero or card) and [`MAX_PIXELS`] is 50 megapixels (a
//! 45-megapixel camera photo fits; decoded as RGBA it is 200 MB, and a build decodes at
//! most one hero per thread at a time).

use resvg::usvg;

/// The longest side of an image we decode or rasterize, in pixels.
pub const MAX_SIDE: u32 = 16_384;
/// The most pixels of one image we decode or rasterize (50 megapixels); for an SVG, also the
/// most pixels of all the raster images inside it together.
pub const MAX_PIXELS: u64 = 50_000_000;

/// The limits as words, for messages.
fn limits_text() -> String {
    format!(
        "images are limited to {MAX_SIDE} px per side and {} megapixels",
        MAX_PIXELS / 1_000_000
    )
}

/// `Err` when a `width × height` image is over the limits, naming both numbers.
pub fn check_pixels(width: u64, height: u64) -> Result<(), String> {
    let pixels = width.saturating_mul(height);
    if width == 0 || height == 0 {
        return Err(format!("is {width}×{height} px, which has no pixels"));
    }
    if width > u64::from(MAX_SIDE) || height > u64::from(MAX_SIDE) || pixels > MAX_PIXELS {
        return Err(format!(
            "is {width}×{height} px ({:.1} megapixels); {}",
            pixels as f64 / 1e6,
            limits_text()
        ));
    }
    Ok(())
}

/// [`check_pixels`] for a size in fractional pixels (an SVG's declared size, a scaled
/// raster), rounded up; not-a-number and infinite sizes are refused.
pub fn check_size(width: f32, height: f32) -> Result<(), String> {
    if !(width.is_finite() && height.is_finite() && width > 0.0 && height > 0.0) {
        return Err(format!("has an unusable size ({width}×{height} px)"));
    }
    let ceil = |v: f32| (v as f64).ceil() as u64;
    check_pixels(ceil(width), ceil(height))
}

/// Width and height of a PNG, JPEG, GIF or WebP from its header, checked against the limits,
/// without decoding it.
pub fn check_raster(bytes: &[u8]) -> Result<(u32, u32), String> {
    let size = imagesize::blob_size(bytes)
        .map_err(|e| format!("is not a readable image (its header says: {e})"))?;
    let (w, h) = (size.width as u64, size.height as u64);
    check_pixels(w, h)?;
    Ok((w as u32, h as u32))
}

/// Checks a parsed SVG before it is rendered: its declared size, and every raster image
/// inside it (usvg keeps them undecoded; resvg and krilla-svg decode them while drawing),
/// each on its own and all together. Nested SVG images are walked too, as are the
/// sub-trees of clip paths, masks, patterns and filter images.
pub fn check_svg(tree: &usvg::Tree) -> Result<(), String> {
    let size = tree.size();
    check_size(size.width(), size.height())?;
    let mut total: u64 = 0;
    walk_images(tree.root(), &mut total)?;
    if total > MAX_PIXELS {
        return Err(format!(
            "the images inside it hold {:.1} megapixels together; {}",
            total as f64 / 1e6,
            limits_text()
        ));
    }
    Ok(())
}

/// Checks every image under `root`, adding raster pixels to `total`. Groups are walked
/// with a stack (usvg allows 1024 levels); only sub-roots (clip paths, masks, patterns,
/// filter images, nested SVGs), which nest far less, recurse.
fn walk_images(root: &usvg::Group, total: &mut u64) -> Result<(), String> {
    let mut stack: Vec<&usvg::Group> = vec![root];
    while let Some(group) = stack.pop() {
        for node in group.children() {
            if let usvg::Node::Group(g) = node {
                stack.push(g);
            }
            let mut inner = Ok(());
            node.subroots(|sub| {
                if inner.is_ok() {
                    inner = walk_images(sub, total);
                }
            });
            inner?;
            if let usvg::Node::Image(image) = node {
                check_image(image.kind(), total)?;
            }
        }
    }
    Ok(())
}

fn check_image(kind: &usvg::ImageKind, total: &mut u64) -> Result<(), String> {
    match kind {
        usvg::ImageKind::SVG(inner) => {
            let s = inner.size();
            check_size(s.width(), s.height()).map_err(|e| format!("an SVG image inside it {e}"))
        }
        usvg::ImageKind::PNG(data)
        | usvg::ImageKind::JPEG(data)
        | usvg::ImageKind::GIF(data)
        | usvg::ImageKind::WEBP(data) => {
            let (w, h) = check_raster(data).map_err(|e| format!("an image inside it {e}"))?;
            *total = total.saturating_add(u64::from(w) * u64::from(h));
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        // A header is all `imagesize` reads: signature and IHDR.
        let mut out = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        out.extend_from_slice(&width.to_be_bytes());
        out.extend_from_slice(&height.to_be_bytes());
        out.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
        out
    }

    #[test]
    fn sizes_within_the_limits_pass() {
        assert_eq!(check_raster(&png(1200, 630)).unwrap(), (1200, 630));
        assert_eq!(
            check_raster(&png(MAX_SIDE, 3000)).unwrap(),
            (MAX_SIDE, 3000)
        );
        assert!(check_size(600.5, 400.0).is_ok());
    }

    #[test]
    fn over_the_limits_names_the_numbers() {
        let e = check_raster(&png(60_000, 60_000)).unwrap_err();
        assert!(
            e.contains("60000×60000 px") && e.contains("3600.0 megapixels"),
            "{e}"
        );
        assert!(
            e.contains("16384 px per side") && e.contains("50 megapixels"),
            "{e}"
        );
        // One side too long, few pixels.
        assert!(
            check_raster(&png(1, 100_000))
                .unwrap_err()
                .contains("1×100000")
        );
        // Every side fine, too many pixels.
        assert!(check_raster(&png(10_000, 10_000)).is_err());
        assert!(check_raster(&png(0, 10)).unwrap_err().contains("no pixels"));
        assert!(check_size(f32::INFINITY, 1.0).is_err());
        assert!(check_size(100_000.0, 1.0).is_err());
    }

    #[test]
    fn unreadable_headers_are_refused() {
        assert!(check_raster(b"").is_err());
        assert!(check_raster(b"GIF89a").is_err());
        assert!(check_raster(b"not an image at all").is_err());
    }

    #[test]
    fn svg_checks_its_declared_size_and_every_image_inside() {
        let opts = usvg::Options::default();
        let parse = |s: &str| usvg::Tree::from_str(s, &opts).unwrap();
        let ok = parse(r#"<svg xmlns="http://www.w3.org/2000/svg" width="120" height="120"/>"#);
        assert!(check_svg(&ok).is_ok());
        let huge = parse(r#"<svg xmlns="http://www.w3.org/2000/svg" width="100000" height="10"/>"#);
        assert!(check_svg(&huge).unwrap_err().contains("100000×10"));

        let b64 = |bytes: &[u8]| {
            const T: &[u8; 64] =
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            let mut s = String::new();
            for c in bytes.chunks(3) {
                let n = (u32::from(c[0]) << 16)
                    | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
                    | u32::from(*c.get(2).unwrap_or(&0));
                for i in 0..4 {
                    if i <= c.len() {
                        s.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
                    } else {
                        s.push('=');
                    }
                }
            }
            s
        };
        let with_image = |w: u32, h: u32, wrap: &str| {
            let img = format!(
                r#"<image width="10" height="10" href="data:image/png;base64,{}"/>"#,
                b64(&png(w, h))
            );
            parse(&format!(
                r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">{}</svg>"#,
                wrap.replace("IMG", &img)
            ))
        };
        assert!(check_svg(&with_image(100, 100, "IMG")).is_ok());
        let e = check_svg(&with_image(60_000, 60_000, "IMG")).unwrap_err();
        assert!(e.contains("an image inside it is 60000×60000 px"), "{e}");
        // Deep inside groups, and inside a pattern (a sub-root).
        let e = check_svg(&with_image(
            60_000,
            60_000,
            "<g opacity=\"0.5\"><g opacity=\"0.5\">IMG</g></g>",
        ))
        .unwrap_err();
        assert!(e.contains("60000×60000"), "{e}");
        let pattern = r#"<defs><pattern id="p" width="10" height="10" patternUnits="userSpaceOnUse">IMG</pattern></defs><rect width="10" height="10" fill="url(#p)"/>"#;
        assert!(check_svg(&with_image(60_000, 60_000, pattern)).is_err());
        // Many images that are each fine but too many pixels together.
        let many = "IMG".repeat(6);
        let e = check_svg(&with_image(4000, 3000, &many)).unwrap_err();
        assert!(e.contains("72.0 megapixels together"), "{e}");
    }
}
