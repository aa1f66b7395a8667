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

/// The deepest element nesting an SVG may have. usvg and resvg recurse once per level and
/// a debug build overflows a 2 MiB thread stack near 1000 levels; real artwork nests a few
/// dozen at most.
pub const MAX_SVG_DEPTH: usize = 256;
/// The most layers (groups with opacity, a mask, a clip path or filters, which resvg draws
/// into their own pixmap) an SVG may hold open at once, in canvases: each layer is its
/// bounding box, up to 25 times the canvas, so one layer around content far beyond the
/// artwork fits, and a few dozen artwork-sized ones nested inside each other.
pub const MAX_SVG_LAYER_STACK: f64 = 32.0;
/// The most layer and filter work an SVG may ask for in total, in canvases.
pub const MAX_SVG_LAYER_WORK: f64 = 256.0;
/// `feTurbulence numOctaves` above this adds nothing visible (each octave halves) but
/// costs one more noise pass per pixel.
pub const MAX_TURBULENCE_OCTAVES: u32 = 10;
/// `feTurbulence baseFrequency` above this is finer than a pixel at any size we draw;
/// far above it resvg's noise coordinates stop being finite numbers.
pub const MAX_TURBULENCE_FREQUENCY: f32 = 100.0;
/// The largest `feConvolveMatrix` kernel (9 × 9): every pixel multiplies every entry.
pub const MAX_CONVOLVE_ENTRIES: u32 = 81;
/// The largest `feMorphology` radius as a fraction of the SVG's longer side (resvg
/// visits every pixel of a (2r)² window for every pixel).
pub const MAX_MORPHOLOGY_RADIUS: f32 = 0.005;

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

/// Refuses SVG source nested deeper than [`MAX_SVG_DEPTH`], before usvg (which recurses
/// per level) sees it. XML that does not parse is left for usvg to report.
pub fn check_svg_nesting(text: &str) -> Result<(), String> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let Ok(doc) = roxmltree::Document::parse_with_options(text, options) else {
        return Ok(());
    };
    // Nodes come in document order, every parent before its children.
    let mut depth = vec![0usize; doc.descendants().count() + 1];
    let mut deepest = 0;
    for node in doc.descendants().filter(|n| n.is_element()) {
        let d = node
            .parent()
            .and_then(|p| depth.get(p.id().get_usize()).copied())
            .unwrap_or(0)
            + 1;
        if let Some(slot) = depth.get_mut(node.id().get_usize()) {
            *slot = d;
        }
        deepest = deepest.max(d);
    }
    if deepest > MAX_SVG_DEPTH {
        return Err(format!(
            "nests its elements {deepest} levels deep; SVGs are limited to {MAX_SVG_DEPTH} levels"
        ));
    }
    Ok(())
}

/// Checks a parsed SVG before it is rendered: its declared size; every raster image inside
/// it (usvg keeps them undecoded; resvg and krilla-svg decode them while drawing), each on
/// its own and all together; and the work its layers and filters ask of resvg (see the
/// `MAX_SVG_*` limits). Nested SVG images are walked too, as are the sub-trees of clip
/// paths, masks, patterns and filter images.
pub fn check_svg(tree: &usvg::Tree) -> Result<(), String> {
    let size = tree.size();
    check_size(size.width(), size.height())?;
    let mut walk = Walk {
        canvas: (size.width(), size.height()),
        pixels: 0,
        work: 0.0,
    };
    walk.group(tree.root(), 0.0)?;
    if walk.pixels > MAX_PIXELS {
        return Err(format!(
            "holds images of {:.1} megapixels together; {}",
            walk.pixels as f64 / 1e6,
            limits_text()
        ));
    }
    if walk.work > MAX_SVG_LAYER_WORK {
        return Err(format!(
            "asks for {:.0} canvases of layer and filter work (groups with opacity, masks, clip paths, filters); the limit is {MAX_SVG_LAYER_WORK:.0}",
            walk.work
        ));
    }
    Ok(())
}

/// What the walk over an SVG has added up.
struct Walk {
    /// The SVG's size: layer sizes are measured in these canvases.
    canvas: (f32, f32),
    pixels: u64,
    work: f64,
}

impl Walk {
    /// Walks `root`, whose layer sits on `open` canvases of layers already open. Groups
    /// are walked with a stack (usvg allows 1024 levels); only sub-roots (clip paths,
    /// masks, patterns, filter images, nested SVGs), which nest far less, recurse.
    fn group(&mut self, root: &usvg::Group, open: f64) -> Result<(), String> {
        let mut stack: Vec<(&usvg::Group, f64)> = vec![(root, open)];
        while let Some((group, open)) = stack.pop() {
            let open = open + self.layer(group)?;
            if open > MAX_SVG_LAYER_STACK {
                return Err(format!(
                    "needs {open:.0} canvases of layers at once (nested groups with opacity, masks, clip paths or filters); the limit is {MAX_SVG_LAYER_STACK:.0}"
                ));
            }
            for node in group.children() {
                if let usvg::Node::Group(g) = node {
                    stack.push((g, open));
                }
                // A mask, clip path or pattern is drawn into a layer of its own.
                let mut inner = Ok(());
                node.subroots(|sub| {
                    if inner.is_ok() {
                        inner = self.group(sub, open + 1.0);
                    }
                });
                inner?;
                if let usvg::Node::Image(image) = node {
                    self.image(image.kind())?;
                }
            }
        }
        Ok(())
    }

    /// The canvases `group`'s own layer takes (0 when resvg draws it in place), counted
    /// into the work with its filters; refuses filters whose cost has no useful bound.
    fn layer(&mut self, group: &usvg::Group) -> Result<f64, String> {
        if !group.should_isolate() {
            return Ok(0.0);
        }
        let (w, h) = self.canvas;
        let bbox = group.abs_layer_bounding_box();
        // resvg clips every layer to 5 × 5 canvases around the canvas.
        let x = (bbox.right().min(3.0 * w) - bbox.left().max(-2.0 * w)).max(0.0);
        let y = (bbox.bottom().min(3.0 * h) - bbox.top().max(-2.0 * h)).max(0.0);
        let canvases = f64::from(x) * f64::from(y) / (f64::from(w) * f64::from(h));
        let mut passes = 1.0;
        for filter in group.filters() {
            for primitive in filter.primitives() {
                check_filter(primitive.kind(), w.max(h))?;
                passes += match primitive.kind() {
                    // Four channels of Perlin noise per octave: measured at about eight
                    // times a blur pass.
                    usvg::filter::Kind::Turbulence(t) => 8.0 * f64::from(t.num_octaves().max(1)),
                    _ => 1.0,
                };
            }
        }
        self.work += canvases * passes;
        Ok(canvases)
    }

    fn image(&mut self, kind: &usvg::ImageKind) -> Result<(), String> {
        match kind {
            usvg::ImageKind::SVG(inner) => {
                let s = inner.size();
                check_size(s.width(), s.height())
                    .map_err(|e| format!("holds an SVG image that {e}"))?;
                self.group(inner.root(), 0.0)
            }
            usvg::ImageKind::PNG(data)
            | usvg::ImageKind::JPEG(data)
            | usvg::ImageKind::GIF(data)
            | usvg::ImageKind::WEBP(data) => {
                let (w, h) = check_raster(data).map_err(|e| format!("holds an image that {e}"))?;
                self.pixels = self.pixels.saturating_add(u64::from(w) * u64::from(h));
                Ok(())
            }
        }
    }
}

/// Filter primitives whose cost grows with a parameter beyond any useful value.
fn check_filter(kind: &usvg::filter::Kind, longer_side: f32) -> Result<(), String> {
    use usvg::filter::Kind;
    match kind {
        Kind::Turbulence(t)
            if t.base_frequency_x().get().max(t.base_frequency_y().get())
                > MAX_TURBULENCE_FREQUENCY =>
        {
            Err(format!(
                "uses feTurbulence with baseFrequency {}; the limit is {MAX_TURBULENCE_FREQUENCY} (noise that fine is only grey)",
                t.base_frequency_x().get().max(t.base_frequency_y().get())
            ))
        }
        Kind::Turbulence(t) if t.num_octaves() > MAX_TURBULENCE_OCTAVES => Err(format!(
            "uses feTurbulence with numOctaves=\"{}\"; the limit is {MAX_TURBULENCE_OCTAVES} (more octaves change nothing visible)",
            t.num_octaves()
        )),
        Kind::ConvolveMatrix(c)
            if c.matrix().columns().saturating_mul(c.matrix().rows()) > MAX_CONVOLVE_ENTRIES =>
        {
            Err(format!(
                "uses an feConvolveMatrix of order {}×{}; the limit is 9×9",
                c.matrix().columns(),
                c.matrix().rows()
            ))
        }
        Kind::Morphology(m) => {
            let radius = m.radius_x().get().max(m.radius_y().get());
            let limit = MAX_MORPHOLOGY_RADIUS * longer_side;
            if radius > limit {
                return Err(format!(
                    "uses feMorphology with radius {radius}; at this SVG's size the limit is {limit:.2} (0.5 % of its longer side: the cost grows with the square of the radius)"
                ));
            }
            Ok(())
        }
        _ => Ok(()),
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
        assert!(e.contains("holds an image that is 60000×60000 px"), "{e}");
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

    fn svg(body: &str) -> usvg::Tree {
        let text = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">{body}</svg>"#
        );
        usvg::Tree::from_str(&text, &usvg::Options::default()).unwrap()
    }

    #[test]
    fn nesting_is_measured_before_usvg_recurses() {
        let nested = |n: usize| {
            format!(
                r#"<svg xmlns="http://www.w3.org/2000/svg">{}<rect/>{}</svg>"#,
                "<g>".repeat(n),
                "</g>".repeat(n)
            )
        };
        assert!(check_svg_nesting(&nested(200)).is_ok());
        let e = check_svg_nesting(&nested(100_000)).unwrap_err();
        assert!(e.contains("100002 levels") && e.contains("256"), "{e}");
        // Not XML at all: usvg reports it.
        assert!(check_svg_nesting("<svg").is_ok());
    }

    #[test]
    fn layers_are_budgeted_in_canvases() {
        let huge = r##"<rect x="-1e6" y="-1e6" width="2e6" height="2e6" fill="#1F5C4A"/>"##;
        let nest = |n: usize, inner: &str| {
            format!(
                "{}{inner}{}",
                r#"<g opacity="0.5">"#.repeat(n),
                "</g>".repeat(n)
            )
        };
        // Artwork-sized layers nest fine.
        let art = r##"<rect width="100" height="100" fill="#1F5C4A"/>"##;
        assert!(check_svg(&svg(&nest(10, art))).is_ok());
        // A layer is clipped to 5×5 canvases, as resvg clips it: one fits, two do not.
        assert!(
            check_svg(&svg(&nest(1, huge))).is_ok(),
            "25 canvases at once"
        );
        let e = check_svg(&svg(&nest(2, huge))).unwrap_err();
        assert!(e.contains("canvases of layers at once"), "{e}");
        // Side by side they are not open together, but the work adds up.
        let siblings = (0..20)
            .map(|_| format!(r#"<g opacity="0.5">{art}</g>"#))
            .collect::<String>();
        assert!(check_svg(&svg(&siblings)).is_ok());
        let siblings = (0..300)
            .map(|_| format!(r#"<g opacity="0.5">{art}</g>"#))
            .collect::<String>();
        let e = check_svg(&svg(&siblings)).unwrap_err();
        assert!(e.contains("canvases of layer and filter work"), "{e}");
    }

    #[test]
    fn filters_without_a_useful_bound_are_refused() {
        let filtered = |primitive: &str| {
            svg(&format!(
                r##"<filter id="f">{primitive}</filter><rect width="100" height="100" fill="#1F5C4A" filter="url(#f)"/>"##
            ))
        };
        assert!(check_svg(&filtered(r#"<feGaussianBlur stdDeviation="3"/>"#)).is_ok());
        assert!(
            check_svg(&filtered(
                r#"<feTurbulence baseFrequency="0.05" numOctaves="4"/>"#
            ))
            .is_ok()
        );
        let e = check_svg(&filtered(
            r#"<feTurbulence baseFrequency="0.05" numOctaves="100000000"/>"#,
        ))
        .unwrap_err();
        assert!(
            e.contains("numOctaves=\"100000000\"") && e.contains("10"),
            "{e}"
        );
        assert!(check_svg(&filtered(r#"<feTurbulence baseFrequency="1e35"/>"#)).is_err());
        // Each allowed on its own, but noise is costly: a few of them are too much work.
        let noise = r#"<feTurbulence baseFrequency="0.05" numOctaves="10"/>"#;
        assert!(check_svg(&filtered(noise)).is_ok());
        let e = check_svg(&filtered(&noise.repeat(4))).unwrap_err();
        assert!(e.contains("canvases of layer and filter work"), "{e}");
        assert!(check_svg(&filtered(r#"<feMorphology radius="0.4"/>"#)).is_ok());
        let e = check_svg(&filtered(r#"<feMorphology radius="100000"/>"#)).unwrap_err();
        assert!(e.contains("feMorphology"), "{e}");
        let kernel = vec!["1"; 100 * 100].join(" ");
        let e = check_svg(&filtered(&format!(
            r#"<feConvolveMatrix order="100" kernelMatrix="{kernel}"/>"#
        )))
        .unwrap_err();
        assert!(e.contains("100×100"), "{e}");
    }
}
