//! Lint rules for images, ours or anyone's: PNG and JPEG (structure checked, then decoded
//! here), WebP and GIF (first frame; decoded by the asset store's `image` decoder), SVG and
//! SVGZ (rasterized by resvg at their size).
//!
//! - `image/unreadable`: the file is not the PNG or JPEG its name says, or its structure
//!   is broken (a PNG chunk's CRC, a missing `IEND`, a JPEG truncated in a scan or
//!   without its end-of-image marker), or it does not decode.
//! - `image/too-large`: more pixels than [`MAX_PIXELS`], read from the header before
//!   anything is decoded; the colors of such an image are not checked.
//! - `image/dimensions`: the size is not one of the guide's social card presets (checked
//!   for images in a `social/` folder below the linted root, where cards are; pictures
//!   elsewhere are icons, logos and illustrations of free size).
//! - `image/off-palette`: more than `[lint] image_off_palette` of the pixels are off the
//!   palette (its colors and their dark variants, classified by the lint context's
//!   `rules::color::Palette`, as CSS and PDF colors are). Not counted: anti-aliased edges (a color on the blend between two palette
//!   colors next to a palette pixel), smooth gradients between two palette colors (blends
//!   spanning many steps, unlike a flat tint), semi-transparent pixels, and the photo area
//!   a card declares in its `brandpress:photo=x,y,w,h` tEXt chunk.

pub mod decode;

use std::collections::HashMap;
use std::path::{Component, Path};

use crate::brand::Rgb;
use crate::lint::rules::color::{BuildFast, PixelClass, project};
use crate::lint::{Finding, LintContext, Location};

pub use decode::{Decoded, MAX_PIXELS, PHOTO_KEYWORD, check_structure, decode, dimensions};

/// Largest distance (sRGB, 0–255 per channel) of a pixel from the segment between two
/// neighbouring colors for it to count as their anti-aliased blend.
const NEIGHBOUR_BLEND: f32 = 3.0;
/// Blend steps (of 64) a palette pair's blends must cover to count as a gradient.
const GRADIENT_STEPS: u32 = 12;

/// Lints one image file.
pub fn lint(ctx: &LintContext, path: &Path, bytes: &[u8]) -> Vec<Finding> {
    let mut findings = Vec::new();
    if let Err(e) = check_structure(bytes) {
        let e = match bytes.len() {
            0 => "the file is empty".to_string(),
            _ if e.starts_with("not a") => format!("{e} ({} bytes of something else)", bytes.len()),
            _ => e,
        };
        findings.push(unreadable(path, e));
        return findings;
    }
    let (w, h) = match dimensions(bytes) {
        Ok(size) => size,
        Err(e) => {
            findings.push(unreadable(path, e));
            return findings;
        }
    };
    findings.extend(check_dimensions(ctx, path, (w, h)));
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        findings.push(too_large(path, w, h));
        return findings;
    }
    match decode(bytes) {
        Ok(image) => findings.extend(check_palette(ctx, path, &image)),
        Err(e) => findings.push(unreadable(path, e)),
    }
    findings
}

/// Lints a WebP or GIF (its first frame, as a browser shows it before the animation
/// starts), decoded by the asset store's decoder (the `image` crate, within the pixel
/// limits) as the renderers decode heroes.
pub fn lint_raster(ctx: &LintContext, path: &Path, bytes: &[u8]) -> Vec<Finding> {
    let mut findings = Vec::new();
    let (w, h) = match dimensions(bytes) {
        Ok(size) => size,
        Err(e) => return vec![unreadable(path, e)],
    };
    findings.extend(check_dimensions(ctx, path, (w, h)));
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        findings.push(too_large(path, w, h));
        return findings;
    }
    match crate::assets::decode_raster(bytes) {
        Ok(image) => {
            let image = Decoded {
                width: image.width,
                height: image.height,
                rgba: image.rgba,
                photo: None,
            };
            findings.extend(check_palette(ctx, path, &image));
        }
        Err(e) => findings.push(unreadable(path, e)),
    }
    findings
}

/// Lints an SVG or SVGZ picture: parsed as the renderers parse SVG (references resolve
/// only inside the linted paths, text in the brand fonts, within the SVG limits),
/// rasterized by resvg at its own size, then checked as an image.
pub fn lint_svg(ctx: &LintContext, path: &Path, bytes: &[u8]) -> Vec<Finding> {
    let tree = match crate::assets::picture::parse_svg(
        bytes,
        path,
        &ctx.roots.sandbox(),
        &ctx.fonts.svg_fonts(),
    ) {
        Ok(tree) => tree,
        Err(e) => return vec![unreadable(path, e)],
    };
    let size = tree.size().to_int_size();
    let (w, h) = (size.width(), size.height());
    let mut findings = Vec::new();
    findings.extend(check_dimensions(ctx, path, (w, h)));
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        findings.push(too_large(path, w, h));
        return findings;
    }
    let Some(mut pixmap) = resvg::tiny_skia::Pixmap::new(w, h) else {
        findings.push(unreadable(path, format!("has no pixels ({w}×{h})")));
        return findings;
    };
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::identity(),
        &mut pixmap.as_mut(),
    );
    let rgba = pixmap
        .pixels()
        .iter()
        .flat_map(|p| {
            let c = p.demultiply();
            [c.red(), c.green(), c.blue(), c.alpha()]
        })
        .collect();
    let image = Decoded {
        width: w,
        height: h,
        rgba,
        photo: None,
    };
    findings.extend(check_palette(ctx, path, &image));
    findings
}

/// `image/too-large`, with the numbers.
fn too_large(path: &Path, w: u32, h: u32) -> Finding {
    let megapixels = |n: u64| n as f64 / 1e6;
    Finding::new(&crate::lint::rules::IMAGE_TOO_LARGE, Location::file(path),
        format!(
            "{w}×{h} is {:.0} megapixels, more than the {:.0} megapixels lint decodes: its colors are not checked",
            megapixels(u64::from(w) * u64::from(h)),
            megapixels(MAX_PIXELS)
        ),
    )
    .expected(format!("at most {:.0} megapixels", megapixels(MAX_PIXELS)))
    .found(format!("{w}×{h}"))
    .fix("export the image at the size it is shown at")
}

fn unreadable(path: &Path, message: String) -> Finding {
    Finding::new(
        &crate::lint::rules::IMAGE_UNREADABLE,
        Location::file(path),
        message,
    )
}

/// `image/dimensions`: cards must have a preset size. Only where the image is known to be
/// a card: declared `card` (`--kind card`, `[lint.kinds]`), or, when nothing is declared,
/// inside a `social` folder below the linted root (how `build` lays cards out). Any other
/// picture (a page's icon, a logo, an illustration) has the size its page gives it.
pub fn check_dimensions(ctx: &LintContext, path: &Path, (w, h): (u32, u32)) -> Option<Finding> {
    // Judged by the folders below the linted root, not by where the project lives.
    let card = match ctx.declared_kind(path) {
        Some(kind) => kind == crate::brand::LintKind::Card,
        None => ctx
            .roots
            .relative(path)
            .components()
            .any(|c| matches!(c, Component::Normal(s) if s == "social")),
    };
    let presets = &ctx.guide.channels.social.presets;
    if !card || presets.iter().any(|p| p.width == w && p.height == h) {
        return None;
    }
    let list = presets
        .iter()
        .map(|p| format!("{} {}×{}", p.name, p.width, p.height))
        .collect::<Vec<_>>()
        .join(", ");
    Some(
        Finding::new(
            &crate::lint::rules::IMAGE_DIMENSIONS,
            Location::file(path),
            format!("{w}×{h} is not a social card size of the guide"),
        )
        .expected(list)
        .found(format!("{w}×{h}"))
        .fix("export the card at one of the guide's [channels.social] presets"),
    )
}

/// Off-palette pixels of one color: count and bounding box.
#[derive(Clone, Copy)]
struct Stat {
    count: u64,
    bbox: [u32; 4], // x0, y0, x1, y1 inclusive
}

impl Stat {
    fn new(x: u32, y: u32) -> Self {
        Stat {
            count: 0,
            bbox: [x, y, x, y],
        }
    }
    fn add(&mut self, x: u32, y: u32) {
        self.count += 1;
        self.bbox[0] = self.bbox[0].min(x);
        self.bbox[1] = self.bbox[1].min(y);
        self.bbox[2] = self.bbox[2].max(x);
        self.bbox[3] = self.bbox[3].max(y);
    }
    fn merge(&mut self, o: &Stat) {
        self.count += o.count;
        self.bbox[0] = self.bbox[0].min(o.bbox[0]);
        self.bbox[1] = self.bbox[1].min(o.bbox[1]);
        self.bbox[2] = self.bbox[2].max(o.bbox[2]);
        self.bbox[3] = self.bbox[3].max(o.bbox[3]);
    }
}

/// The result of the palette check, before it becomes a finding.
#[derive(Debug, Clone, PartialEq)]
pub struct PaletteReport {
    /// Pixels considered (opaque, outside the photo area).
    pub considered: u64,
    /// Off-palette pixels among them.
    pub off: u64,
    /// Anti-aliased edge and gradient pixels not counted.
    pub blends: u64,
    /// Main off-palette colors with their pixel counts, most frequent first.
    pub colors: Vec<(Rgb, u64)>,
    /// `[x, y, w, h]` around all off-palette pixels.
    pub pixel_box: Option<[u32; 4]>,
}

impl PaletteReport {
    /// Share of considered pixels that are off the palette.
    pub fn share(&self) -> f64 {
        if self.considered == 0 {
            0.0
        } else {
            self.off as f64 / self.considered as f64
        }
    }
}

/// Classifies every pixel of `image` against the guide's palette (dark variants
/// included) with the lint context's classifier
/// ([`crate::lint::rules::color::Palette::pixels`]: each distinct color once, by 5-bit
/// buckets past [`crate::lint::rules::color::MAX_EXACT_COLORS`]).
pub fn palette_report(ctx: &LintContext, image: &Decoded) -> PaletteReport {
    let (w, h) = (image.width as usize, image.height as usize);
    let in_photo = |x: usize, y: usize| match image.photo {
        Some([px, py, pw, ph]) => {
            let (x, y) = (x as u64, y as u64);
            x >= u64::from(px)
                && y >= u64::from(py)
                && x < u64::from(px) + u64::from(pw)
                && y < u64::from(py) + u64::from(ph)
        }
        None => false,
    };

    // Pass 1: one class per distinct color (cached), one byte per pixel.
    const PALETTE: u8 = 0;
    const BLEND: u8 = 1;
    const OFF: u8 = 2;
    const SKIP: u8 = 3;
    let mut pixels = ctx.palette.pixels();
    let mut lookup = |key: u32| pixels.get(key);
    let mut classes = vec![SKIP; w * h];
    let mut last: Option<(u32, PixelClass)> = None;
    let mut considered = 0u64;
    for (i, px) in image.rgba.chunks_exact(4).enumerate().take(w * h) {
        let (x, y) = (i % w, i / w);
        if px[3] == 0 || in_photo(x, y) {
            continue;
        }
        considered += 1;
        if px[3] < 255 {
            classes[i] = PALETTE; // semi-transparent edge: not judged
            continue;
        }
        let key = (u32::from(px[0]) << 16) | (u32::from(px[1]) << 8) | u32::from(px[2]);
        let class = match last {
            Some((k, c)) if k == key => c,
            _ => {
                let c = lookup(key);
                last = Some((key, c));
                c
            }
        };
        classes[i] = match class {
            PixelClass::Palette => PALETTE,
            PixelClass::Blend { .. } => BLEND,
            PixelClass::Off => OFF,
        };
    }

    // Pass 2: blends next to a palette pixel are anti-aliased edges; other blends are
    // gradients if their pair's blends span many steps, off-palette otherwise.
    let key_at = |i: usize| {
        let px = &image.rgba[i * 4..i * 4 + 4];
        (u32::from(px[0]) << 16) | (u32::from(px[1]) << 8) | u32::from(px[2])
    };
    let mut off_px: Vec<usize> = Vec::new();
    let mut pending: HashMap<u16, (u64, Vec<usize>), BuildFast> = HashMap::default();
    let mut blends = 0u64;
    for i in 0..w * h {
        let c = classes[i];
        if c == OFF {
            off_px.push(i);
            continue;
        }
        if c != BLEND {
            continue;
        }
        let (x, y) = (i % w, i / w);
        let edge = (y.saturating_sub(1)..=(y + 1).min(h - 1)).any(|ny| {
            (x.saturating_sub(1)..=(x + 1).min(w - 1)).any(|nx| classes[ny * w + nx] == PALETTE)
        });
        if edge {
            blends += 1;
        } else if let PixelClass::Blend { pair, step } = lookup(key_at(i)) {
            let entry = pending.entry(pair).or_default();
            entry.0 |= 1u64 << step.min(63);
            entry.1.push(i);
        }
    }
    for (steps, pixels) in pending.into_values() {
        if steps.count_ones() >= GRADIENT_STEPS {
            blends += pixels.len() as u64;
        } else {
            off_px.extend(pixels);
        }
    }

    // Pass 3: edges over gradients and between blends (text on a gradient): a pixel on
    // the segment between two palette-or-blend colors of its 5×5 neighbourhood.
    off_px.sort_unstable();
    let before = off_px.len();
    off_px.retain(|&i| {
        let (x, y) = (i % w, i / w);
        let mut near: Vec<[f32; 3]> = Vec::new();
        for ny in y.saturating_sub(2)..=(y + 2).min(h - 1) {
            for nx in x.saturating_sub(2)..=(x + 2).min(w - 1) {
                let j = ny * w + nx;
                if classes[j] == PALETTE || classes[j] == BLEND {
                    let p = &image.rgba[j * 4..j * 4 + 3];
                    let c = [f32::from(p[0]), f32::from(p[1]), f32::from(p[2])];
                    if !near.contains(&c) {
                        near.push(c);
                    }
                }
            }
        }
        if near.len() < 2 {
            return true;
        }
        let p = &image.rgba[i * 4..i * 4 + 3];
        let p = [f32::from(p[0]), f32::from(p[1]), f32::from(p[2])];
        let on_segment = near.iter().enumerate().any(|(k, a)| {
            near[k + 1..].iter().any(|b| {
                let t = project(p, *a, *b);
                let m = [
                    a[0] + t * (b[0] - a[0]),
                    a[1] + t * (b[1] - a[1]),
                    a[2] + t * (b[2] - a[2]),
                ];
                let d2 = (p[0] - m[0]).powi(2) + (p[1] - m[1]).powi(2) + (p[2] - m[2]).powi(2);
                t > 0.0 && t < 1.0 && d2 <= NEIGHBOUR_BLEND * NEIGHBOUR_BLEND
            })
        });
        !on_segment
    });
    blends += (before - off_px.len()) as u64;

    let mut off: HashMap<u32, Stat, BuildFast> = HashMap::default();
    for &i in &off_px {
        let (x, y) = ((i % w) as u32, (i / w) as u32);
        off.entry(key_at(i)).or_insert(Stat::new(x, y)).add(x, y);
    }

    let mut colors: Vec<(Rgb, u64)> = off
        .iter()
        .map(|(k, s)| (Rgb((k >> 16) as u8, (k >> 8) as u8, *k as u8), s.count))
        .collect();
    // Most pixels first; ties by color value, the order of their hex codes (formatting a
    // hex code per comparison took 90% of the time on a noise image).
    let value = |c: Rgb| (c.0, c.1, c.2);
    colors.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(value(a.0).cmp(&value(b.0))));
    let total: u64 = colors.iter().map(|c| c.1).sum();
    let pixel_box = off.values().copied().reduce(|mut a, b| {
        a.merge(&b);
        a
    });
    PaletteReport {
        considered,
        off: total,
        blends,
        colors,
        pixel_box: pixel_box.map(|s| {
            [
                s.bbox[0],
                s.bbox[1],
                s.bbox[2] - s.bbox[0] + 1,
                s.bbox[3] - s.bbox[1] + 1,
            ]
        }),
    }
}

/// `image/off-palette`.
pub fn check_palette(ctx: &LintContext, path: &Path, image: &Decoded) -> Option<Finding> {
    let report = palette_report(ctx, image);
    let threshold = f64::from(ctx.guide.lint.image_off_palette);
    let share = report.share();
    if share <= threshold {
        return None;
    }
    let main: Vec<String> = report
        .colors
        .iter()
        .take(3)
        .map(|(rgb, n)| {
            let near = ctx
                .palette
                .nearest(*rgb)
                .map(|n| {
                    let variant = if n.dark { " (dark)" } else { "" };
                    format!(", nearest {}{variant} ΔE {:.1}", n.name, n.delta)
                })
                .unwrap_or_default();
            format!(
                "{} ({:.1}%{near})",
                rgb.hex(),
                *n as f64 * 100.0 / report.considered as f64
            )
        })
        .collect();
    let palette: Vec<String> = ctx
        .guide
        .palette()
        .map(|(name, def)| format!("{name} {}", def.hex.hex()))
        .collect();
    let mut location = Location::file(path);
    location.pixel_box = report.pixel_box;
    Some(
        Finding::new(&crate::lint::rules::IMAGE_OFF_PALETTE, location,
            format!(
                "{:.1}% of the pixels are off the palette (the guide allows {:.1}%); main colors: {}",
                share * 100.0,
                threshold * 100.0,
                main.join(", ")
            ),
        )
        .expected(palette.join(", "))
        .found(main.join(", "))
        .fix("use palette colors; photos belong in the card's declared photo area"),
    )
}
