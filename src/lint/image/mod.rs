//! Lint rules for images, ours or anyone's: PNG and JPEG (structure checked, then decoded
//! here; CMYK and YCCK JPEGs as Photoshop writes them, RGB JPEGs without the YCbCr
//! transform), GIF (every frame, composited as a browser shows it, within
//! [`MAX_PIXELS`] decoded in all), WebP (first frame; decoded by the asset store's
//! `image` decoder), SVG and SVGZ (rasterized by resvg at their size).
//!
//! - `image/unreadable`: the file is not the PNG or JPEG its name says, or its structure
//!   is broken (a PNG chunk's CRC, a missing `IEND`, a JPEG truncated in a scan or
//!   without its end-of-image marker), or it does not decode (a lossless JPEG, which
//!   zune-jpeg does not read, is decoded by `jpeg-decoder`, and an arithmetic-coded one
//!   by libjpeg-turbo through the `mozjpeg` crate; a hierarchical JPEG is named as such).
//! - `image/too-large`: more pixels than [`MAX_PIXELS`], read from the header before
//!   anything is decoded; the colors of such an image are not checked.
//! - `image/dimensions`: the size is not one of the guide's social card presets (checked
//!   for images in a `social/` folder below the linted root, where cards are; pictures
//!   elsewhere are icons, logos and illustrations of free size).
//! - `image/off-palette`: more than `[lint] image_off_palette` of the pixels are off the
//!   palette (its colors and their dark variants, classified by the lint context's
//!   `rules::color::Palette`, as CSS and PDF colors are). Not counted: anti-aliased edges
//!   (a color on the blend between two palette colors next to a palette pixel), smooth
//!   gradients between two palette colors (blends spanning many steps, unlike a flat
//!   tint), semi-transparent pixels, and the photo area a card declares in its
//!   `brandpress:photo=x,y,w,h` tEXt chunk. A declared photo is not judged by pixel
//!   share at all ([`declared_photo`]: the guide's `[lint] photos` globs, and our own
//!   heroes). An image of few colors is classified pixel by pixel; a photo-like image
//!   of many colors on a stratified sample of fixed seed, its share given with its 95 %
//!   interval and flagged only when the interval is above the threshold (see
//!   [`palette_report`] and [`check_palette`]).
//!
//! Speed: the classifier settles most colors from a table of the RGB cube (6-bit cells
//! proven off the palette, shared by every image of a run) and tests the rest exactly,
//! each distinct color once; the exact pass holds one byte per pixel, the sampled pass
//! nothing per pixel. `benches/image_lint.rs` measures a flat card, a photo card and a
//! noisy 12-megapixel photo.

pub mod decode;
mod regions;

use std::collections::HashMap;
use std::path::{Component, Path};

use crate::brand::Rgb;
use crate::lint::rules::color::{BuildFast, PixelClass, PixelClassifier, project};
use crate::lint::{Finding, LintContext, Location};
pub use regions::{MAX_REGIONS, OffRegion};

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
        Ok(image) => {
            findings.extend(crate::lint::qr::check_image(ctx, path, &image));
            if !declared_photo(ctx, path) {
                findings.extend(check_palette(ctx, path, &image));
            }
        }
        Err(e) => findings.push(unreadable(path, e)),
    }
    findings
}

/// Whether `path` is a declared photo, whose colors are not judged by pixel share: it
/// matches one of the guide's `[lint] photos` globs (against its path below the linted
/// folder, or as given, like `[lint.kinds]`), or it is one of our own heroes: an email's
/// `email/<slug>-hero.<ext>`, or the picture a page of ours shows as its hero (its
/// folder's `index.html`, inside the linted paths, has `<img class="hero-image"
/// src="<this file>">`).
pub fn declared_photo(ctx: &LintContext, path: &Path) -> bool {
    let relative = ctx.roots.relative(path);
    let globbed = ctx.guide.lint.photos.iter().any(|glob| {
        globset::GlobBuilder::new(glob.get_ref())
            .literal_separator(true)
            .build()
            .is_ok_and(|g| {
                let g = g.compile_matcher();
                g.is_match(&relative) || g.is_match(path)
            })
    });
    if globbed {
        return true;
    }
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let parent = relative.parent().and_then(|p| p.file_name());
    let stem = Path::new(name).file_stem().and_then(|s| s.to_str());
    if parent.is_some_and(|p| p == "email") && stem.is_some_and(|s| s.ends_with("-hero")) {
        return true;
    }
    // a page of ours beside it shows it as its hero
    let Some(page) = path
        .parent()
        .and_then(|dir| ctx.roots.file(&dir.join("index.html")))
    else {
        return false;
    };
    let Ok(file) = std::fs::File::open(page) else {
        return false;
    };
    let mut html = Vec::new();
    use std::io::Read;
    if file.take(MAX_PAGE_BYTES).read_to_end(&mut html).is_err() {
        return false;
    }
    let needle = format!(
        "class=\"hero-image\" src=\"{}\"",
        crate::paths::url_segment(name)
    );
    html.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// The most of a sibling page read to find whether an image is its hero.
const MAX_PAGE_BYTES: u64 = 4 << 20;

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
    if bytes.starts_with(b"GIF8") {
        lint_gif_frames(ctx, path, bytes, &mut findings);
        return findings;
    }
    match crate::assets::decode_raster(bytes) {
        Ok(_) if declared_photo(ctx, path) => {}
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

/// Every frame of a GIF, as a browser shows it (composited on the GIF's screen), until
/// the frames decoded reach [`MAX_PIXELS`] in all (the first frame is always checked).
/// The frame with the largest off-palette share is reported, with its number; when the
/// budget stopped the walk, the message says how many frames were checked.
fn lint_gif_frames(ctx: &LintContext, path: &Path, bytes: &[u8], findings: &mut Vec<Finding>) {
    use image::{AnimationDecoder, ImageDecoder};
    let broken = |e: image::ImageError| format!("cannot be decoded as GIF: {e}");
    let mut decoder = match image::codecs::gif::GifDecoder::new(std::io::Cursor::new(bytes)) {
        Ok(d) => d,
        Err(e) => return findings.push(unreadable(path, broken(e))),
    };
    let mut caps = image::Limits::default();
    caps.max_image_width = Some(crate::assets::limits::MAX_SIDE);
    caps.max_image_height = Some(crate::assets::limits::MAX_SIDE);
    caps.max_alloc = Some(MAX_PIXELS * 4 + (64 << 20));
    if let Err(e) = decoder.set_limits(caps) {
        return findings.push(unreadable(path, broken(e)));
    }
    let photo = declared_photo(ctx, path);
    let mut worst: Option<(usize, PaletteReport)> = None;
    let (mut decoded, mut checked, mut stopped) = (0u64, 0usize, false);
    for (index, frame) in decoder.into_frames().enumerate() {
        let frame = match frame {
            Ok(frame) => frame,
            Err(e) => {
                return findings.push(unreadable(
                    path,
                    format!("frame {} cannot be decoded as GIF: {e}", index + 1),
                ));
            }
        };
        let buffer = frame.into_buffer();
        let (width, height) = buffer.dimensions();
        decoded += u64::from(width) * u64::from(height);
        if decoded > MAX_PIXELS && index > 0 {
            stopped = true;
            break;
        }
        checked += 1;
        if photo {
            continue;
        }
        let image = Decoded {
            width,
            height,
            rgba: buffer.into_raw(),
            photo: None,
        };
        let report = palette_report(ctx, &image);
        if worst
            .as_ref()
            .is_none_or(|(_, w)| report.share() > w.share())
        {
            worst = Some((index, report));
        }
    }
    let Some((index, report)) = worst else {
        return;
    };
    let prefix = match (checked, stopped) {
        (1, false) => String::new(),
        (n, false) => format!("frame {} of {n}: ", index + 1),
        (n, true) => format!(
            "frame {} of the first {n} (frames past {:.0} megapixels decoded are not checked): ",
            index + 1,
            MAX_PIXELS as f64 / 1e6
        ),
    };
    findings.extend(palette_finding(ctx, path, &report, &prefix));
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
    if !declared_photo(ctx, path) {
        findings.extend(check_palette(ctx, path, &image));
    }
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
    /// Pixels considered (opaque, outside the photo area); of the sample, when sampled.
    pub considered: u64,
    /// Off-palette pixels among them.
    pub off: u64,
    /// Anti-aliased edge and gradient pixels not counted.
    pub blends: u64,
    /// Main off-palette colors with their pixel counts, most frequent first.
    pub colors: Vec<(Rgb, u64)>,
    /// `[x, y, w, h]` around all off-palette pixels (the sampled ones, when sampled).
    pub pixel_box: Option<[u32; 4]>,
    /// Where they are: the connected regions of them (see `regions.rs`), most off
    /// pixels first, at most [`MAX_REGIONS`]; the finding is placed at the first.
    pub regions: Vec<OffRegion>,
    /// How many regions there are in all.
    pub region_count: usize,
    /// How the share was sampled, for an image of many colors; `None`: every pixel.
    pub sample: Option<Sample>,
}

/// A share measured on a sample of the pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// Pixel positions drawn (one per stratum of the image, fixed seed).
    pub drawn: u64,
    /// Pixels in the image.
    pub population: u64,
    /// The Wilson score interval (95 %) of the off-palette share: low end.
    pub low: f64,
    /// High end.
    pub high: f64,
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

/// Distinct colors among the [`PILOT`] pixels above which an image is sampled.
const PILOT_DISTINCT: usize = 1024;
/// Percent of the [`PILOT`] pixels unlike both their right and lower neighbours above
/// which an image is sampled: grain or dithering of few colors (a noisy greyscale scan),
/// whose every pixel the exact pass would weigh against its neighbourhood. Flat art and
/// its edges, and gradients along one axis, stay far below.
const PILOT_GRAINY: u64 = 60;
/// Pixels drawn to see how many colors an image has.
const PILOT: u64 = 4096;
/// Colors the exact pass may classify exactly (each a few microseconds) before it gives
/// the image to the sampler.
const EXACT_BUDGET: usize = 1 << 15;
/// Neighbour colors and color pairs the exact pass may weigh in its edge test
/// ([`View::on_blend_segment`]; a pair is about 20 instructions) before it gives the
/// image to the sampler: a flat card weighs a few per off pixel, grain or dithering up
/// to 300.
const PASS3_WORK: u64 = 1 << 25;
/// The first sample; it grows fourfold while its interval straddles the threshold or is
/// wider than [`SAMPLE_PRECISION`].
const SAMPLE_START: u64 = 256;
/// The largest sample (its interval is at most ±0.27 percentage point wide).
const SAMPLE_MAX: u64 = 1 << 18;
/// Looks the sequential sample may take: 256, 1,024, … 262,144 pixels.
const SAMPLE_LOOKS: u32 = 6;
/// The half-width of the interval a share is given to: the sample grows until it is
/// this precise, even when a wider interval already clears the threshold.
const SAMPLE_PRECISION: f64 = 0.05;
/// z of a two-sided interval at 95 % / [`SAMPLE_LOOKS`] (Bonferroni): the sample is
/// looked at up to six times, so each look's interval is widened until all of them hold
/// together at 95 %, and stopping at the first that clears the threshold keeps the 95 %.
const Z95: f64 = 2.638_257;
const _: () = assert!(SAMPLE_START << (2 * (SAMPLE_LOOKS - 1)) == SAMPLE_MAX);

/// Pixel classes of the exact pass: one byte per pixel.
const PALETTE: u8 = 0;
const BLEND: u8 = 1;
const OFF: u8 = 2;
const SKIP: u8 = 3;
/// Not classified yet (the sampler's neighbours).
const MAYBE: u8 = 4;

/// Classifies the pixels of `image` against the guide's palette (dark variants
/// included) with the lint context's classifier
/// ([`crate::lint::rules::color::Palette::pixels`]).
///
/// An image of few colors (a card, a logo, an illustration) is classified pixel by
/// pixel, each distinct color once. An image of many colors (a photo: more than
/// [`PILOT_DISTINCT`] distinct colors among [`PILOT`] pixels drawn across it; grain:
/// more than [`PILOT_GRAINY`] % of them unlike their neighbours; or more
/// than [`EXACT_BUDGET`] colors needing the exact test) is measured on a stratified
/// sample of fixed seed: one pixel drawn at random in each of `n` equal runs of the
/// image, the same rules applied to it with its neighbours, and the share given with its
/// Wilson 95 % interval. `n` starts at [`SAMPLE_START`] and grows fourfold while the
/// interval holds the guide's threshold or is wider than ±[`SAMPLE_PRECISION`], up to
/// [`SAMPLE_MAX`] or every pixel; each look's interval is widened (Bonferroni, see
/// [`Z95`]) so that stopping at whichever look decides still gives 95 %. Stratified
/// sampling is at least as precise as simple random sampling, so the interval is
/// conservative.
pub fn palette_report(ctx: &LintContext, image: &Decoded) -> PaletteReport {
    let view = View::new(image);
    let mut pixels = ctx.palette.pixels();
    if !view.many_colors()
        && let Some(report) = exact_report(&view, &mut pixels)
    {
        return report;
    }
    sampled_report(
        &view,
        &mut pixels,
        f64::from(ctx.guide.lint.image_off_palette),
    )
}

/// An image as the palette check reads it.
struct View<'i> {
    rgba: &'i [u8],
    w: usize,
    h: usize,
    /// The declared photo area, `[x0, y0, x1, y1)`.
    photo: Option<[usize; 4]>,
    /// Neighbour colors and color pairs [`View::on_blend_segment`] has weighed so far.
    work: std::cell::Cell<u64>,
}

impl<'i> View<'i> {
    fn new(image: &'i Decoded) -> View<'i> {
        let (w, h) = (image.width as usize, image.height as usize);
        let rgba = &image.rgba[..(w * h * 4).min(image.rgba.len())];
        let photo = image.photo.map(|[x, y, pw, ph]| {
            let (x, y) = (x as usize, y as usize);
            [
                x,
                y,
                x.saturating_add(pw as usize),
                y.saturating_add(ph as usize),
            ]
        });
        View {
            rgba,
            w,
            h,
            photo,
            work: std::cell::Cell::new(0),
        }
    }

    fn len(&self) -> usize {
        self.rgba.len() / 4
    }

    fn key(&self, i: usize) -> u32 {
        let p = &self.rgba[i * 4..i * 4 + 3];
        (u32::from(p[0]) << 16) | (u32::from(p[1]) << 8) | u32::from(p[2])
    }

    fn alpha(&self, i: usize) -> u8 {
        self.rgba[i * 4 + 3]
    }

    fn in_photo(&self, x: usize, y: usize) -> bool {
        self.photo
            .is_some_and(|[x0, y0, x1, y1]| x >= x0 && y >= y0 && x < x1 && y < y1)
    }

    /// Whether the image has many colors (see [`palette_report`]).
    fn many_colors(&self) -> bool {
        let n = self.len() as u64;
        if n <= PILOT {
            return false;
        }
        let mut seen = std::collections::HashSet::<u32, BuildFast>::default();
        let (mut opaque, mut grainy) = (0u64, 0u64);
        for k in 0..PILOT {
            let i = stratum(k, PILOT, n, 0x5EED_0001) as usize;
            if self.alpha(i) == 255 && !self.in_photo(i % self.w, i / self.w) {
                let key = self.key(i);
                seen.insert(key);
                opaque += 1;
                // unlike both its right and its lower neighbour: grain, not a flat area
                // or an edge
                let (x, y) = (i % self.w, i / self.w);
                if x + 1 < self.w
                    && y + 1 < self.h
                    && self.key(i + 1) != key
                    && self.key(i + self.w) != key
                {
                    grainy += 1;
                }
            }
        }
        seen.len() > PILOT_DISTINCT || grainy * 100 > opaque * PILOT_GRAINY
    }

    /// Whether off pixel `i` lies on the segment between two palette-or-blend colors of
    /// its 5×5 neighbourhood (an edge over a gradient, text on a gradient). `class(j,
    /// exact)` gives a neighbour's class; without `exact` it may answer [`MAYBE`] for one
    /// not yet known, which is classified only if it can be one end of such a segment.
    fn on_blend_segment(&self, i: usize, mut class: impl FnMut(usize, bool) -> u8) -> bool {
        let (x, y) = (i % self.w, i / self.w);
        // distinct colors of the neighbours that may be palette or blend, with one pixel
        let mut near: Vec<([f32; 3], usize)> = Vec::new();
        for ny in y.saturating_sub(2)..=(y + 2).min(self.h - 1) {
            for nx in x.saturating_sub(2)..=(x + 2).min(self.w - 1) {
                let j = ny * self.w + nx;
                if matches!(class(j, false), PALETTE | BLEND | MAYBE) {
                    let p = &self.rgba[j * 4..j * 4 + 3];
                    let c = [f32::from(p[0]), f32::from(p[1]), f32::from(p[2])];
                    if !near.iter().any(|(n, _)| *n == c) {
                        near.push((c, j));
                    }
                }
            }
        }
        let pairs = near.len() * near.len().saturating_sub(1) / 2;
        self.work.set(self.work.get() + 25 + pairs as u64);
        if near.len() < 2 {
            return false;
        }
        let p = &self.rgba[i * 4..i * 4 + 3];
        let p = [f32::from(p[0]), f32::from(p[1]), f32::from(p[2])];
        let mut known = |j: usize| matches!(class(j, true), PALETTE | BLEND);
        for (k, (a, ja)) in near.iter().enumerate() {
            for (b, jb) in &near[k + 1..] {
                let t = project(p, *a, *b);
                let m = [
                    a[0] + t * (b[0] - a[0]),
                    a[1] + t * (b[1] - a[1]),
                    a[2] + t * (b[2] - a[2]),
                ];
                let d2 = (p[0] - m[0]).powi(2) + (p[1] - m[1]).powi(2) + (p[2] - m[2]).powi(2);
                if t > 0.0
                    && t < 1.0
                    && d2 <= NEIGHBOUR_BLEND * NEIGHBOUR_BLEND
                    && known(*ja)
                    && known(*jb)
                {
                    return true;
                }
            }
        }
        false
    }

    /// Whether pixel `i` touches a palette pixel (its 3×3 neighbourhood); `class` as for
    /// [`View::on_blend_segment`].
    fn next_to_palette(&self, i: usize, mut class: impl FnMut(usize, bool) -> u8) -> bool {
        let (x, y) = (i % self.w, i / self.w);
        (y.saturating_sub(1)..=(y + 1).min(self.h - 1)).any(|ny| {
            (x.saturating_sub(1)..=(x + 1).min(self.w - 1)).any(|nx| {
                let j = ny * self.w + nx;
                matches!(class(j, false), PALETTE | MAYBE) && class(j, true) == PALETTE
            })
        })
    }
}

/// The pixel of stratum `k` of `n` equal runs of `total` pixels: a random one, from a
/// fixed seed (splitmix64), so the same image always gives the same report.
fn stratum(k: u64, n: u64, total: u64, seed: u64) -> u64 {
    let mut z = seed.wrapping_add(k.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    let u = (z >> 11) as f64 / (1u64 << 53) as f64;
    let at = ((k as f64 + u) * total as f64 / n as f64) as u64;
    at.min(total - 1)
}

/// The Wilson score interval (95 %) of `k` successes in `n` trials.
pub fn wilson(k: u64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let z2 = Z95 * Z95;
    let center = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z95 / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    ((center - half).max(0.0), (center + half).min(1.0))
}

fn class_byte(class: PixelClass) -> u8 {
    match class {
        PixelClass::Palette => PALETTE,
        PixelClass::Blend { .. } => BLEND,
        PixelClass::Off => OFF,
    }
}

/// Every pixel, one byte each; `None` when the image needs more than [`EXACT_BUDGET`]
/// exact color tests or its edge test more than [`PASS3_WORK`].
fn exact_report(view: &View, pixels: &mut PixelClassifier) -> Option<PaletteReport> {
    let (w, h) = (view.w, view.h);
    if w == 0 || h == 0 {
        return Some(finish(0, 0, Vec::new(), Vec::new(), None));
    }
    // Pass 1: one class per distinct color (cached), one byte per pixel.
    let mut classes = vec![SKIP; view.len()];
    // Pixels classed blend or off, in order: the only ones pass 2 looks at (a card is
    // mostly flat colors: a few percent of its pixels are anti-aliased edges).
    let mut marked: Vec<u32> = Vec::new();
    // The last color (RGBA as one word) and its class: a run of one color costs a
    // compare. Transparent black is skipped, as any transparent pixel is.
    let (mut last, mut last_class) = (0u32, SKIP);
    for (y, (row, class_row)) in view
        .rgba
        .chunks_exact(4 * w)
        .zip(classes.chunks_exact_mut(w))
        .enumerate()
    {
        // the photo area is not judged: the parts of the row on either side of it
        let (a, b) = match view.photo {
            Some([x0, y0, x1, y1]) if y >= y0 && y < y1 => (x0.min(w), x1.clamp(x0.min(w), w)),
            _ => (w, w),
        };
        for (from, to) in [(0, a), (b, w)] {
            let (row, class_row) = (&row[4 * from..4 * to], &mut class_row[from..to]);
            for (x, (p, class)) in row.chunks_exact(4).zip(class_row.iter_mut()).enumerate() {
                let rgba = u32::from_be_bytes([p[0], p[1], p[2], p[3]]);
                if rgba != last {
                    last = rgba;
                    last_class = match rgba & 0xFF {
                        0 => SKIP,
                        255 => class_byte(pixels.get(rgba >> 8)),
                        _ => PALETTE, // semi-transparent edge: not judged
                    };
                }
                *class = last_class;
                if matches!(last_class, BLEND | OFF) {
                    // an image holds at most MAX_PIXELS (< 2^32) pixels
                    marked.push((y * w + from + x) as u32);
                }
            }
        }
        if pixels.exact() > EXACT_BUDGET {
            return None;
        }
    }
    let considered = classes.iter().filter(|&&c| c != SKIP).count() as u64;

    // Pass 2: blends next to a palette pixel are anti-aliased edges; other blends are
    // gradients if their pair's blends span many steps, off-palette otherwise.
    let mut off_px: Vec<usize> = Vec::new();
    let mut pending: HashMap<u16, (u64, Vec<usize>), BuildFast> = HashMap::default();
    let mut blends = 0u64;
    for i in marked {
        let i = i as usize;
        match classes[i] {
            OFF => off_px.push(i),
            _ => {
                if view.next_to_palette(i, |j, _| classes[j]) {
                    blends += 1;
                } else if let PixelClass::Blend { pair, step } = pixels.get(view.key(i)) {
                    let entry = pending.entry(pair).or_default();
                    entry.0 |= 1u64 << step.min(63);
                    entry.1.push(i);
                }
            }
        }
    }
    for (steps, pixels) in pending.into_values() {
        if steps.count_ones() >= GRADIENT_STEPS {
            blends += pixels.len() as u64;
        } else {
            off_px.extend(pixels);
        }
    }

    // Pass 3: edges over gradients and between blends (text on a gradient).
    // A noisy image (grain, dithering) has many colors around each off pixel and
    // many pairs to weigh: past PASS3_WORK the sampler measures it instead.
    off_px.sort_unstable();
    let before = off_px.len();
    let mut kept = Vec::with_capacity(off_px.len());
    for i in off_px {
        if view.work.get() > PASS3_WORK {
            return None;
        }
        if !view.on_blend_segment(i, |j, _| classes[j]) {
            kept.push(i);
        }
    }
    let off_px = kept;
    blends += (before - off_px.len()) as u64;

    let mut off: HashMap<u32, Stat, BuildFast> = HashMap::default();
    let mut grid = regions::Grid::new(w, h);
    for &i in &off_px {
        let (x, y) = ((i % w) as u32, (i / w) as u32);
        off.entry(view.key(i)).or_insert(Stat::new(x, y)).add(x, y);
        grid.add(x, y);
    }
    Some(finish(
        considered,
        blends,
        off.into_iter().collect(),
        grid.regions(),
        None,
    ))
}

/// A sample growing until its interval clears the threshold (see [`palette_report`]).
fn sampled_report(view: &View, pixels: &mut PixelClassifier, threshold: f64) -> PaletteReport {
    let total = view.len() as u64;
    let mut n = SAMPLE_START.min(total);
    loop {
        let mut report = sample(view, pixels, n);
        let (low, high) = wilson(report.off, report.considered);
        report.sample = Some(Sample {
            drawn: n,
            population: total,
            low,
            high,
        });
        let decided = low > threshold || high <= threshold;
        if n >= total.min(SAMPLE_MAX) || (decided && high - low <= 2.0 * SAMPLE_PRECISION) {
            return report;
        }
        n = (n * 4).min(total).min(SAMPLE_MAX);
    }
}

/// One stratified sample of `n` pixels, each judged by the rules of the exact pass with
/// its own neighbours (classified as needed, each distinct color once).
fn sample(view: &View, pixels: &mut PixelClassifier, n: u64) -> PaletteReport {
    let total = view.len() as u64;
    if total == 0 || view.w == 0 {
        return finish(0, 0, Vec::new(), Vec::new(), None);
    }
    let mut considered = 0u64;
    let mut blends = 0u64;
    let mut candidates: Vec<usize> = Vec::new();
    let mut pending: HashMap<u16, (u64, Vec<usize>), BuildFast> = HashMap::default();
    for k in 0..n {
        let i = stratum(k, n, total, 0x5EED_0002) as usize;
        match class_at(view, pixels, i, true) {
            SKIP => continue,
            PALETTE => {}
            OFF => candidates.push(i),
            _ => {
                // only whether a neighbour is a palette color matters here: its blend
                // test is skipped (a neighbour that is not is answered as OFF)
                let palette_at = |j: usize, exact: bool| match class_at(view, pixels, j, false) {
                    MAYBE if exact => {
                        if pixels.is_palette(view.key(j)) {
                            PALETTE
                        } else {
                            OFF
                        }
                    }
                    class => class,
                };
                if view.next_to_palette(i, palette_at) {
                    blends += 1;
                } else if let PixelClass::Blend { pair, step } = pixels.get(view.key(i)) {
                    let entry = pending.entry(pair).or_default();
                    entry.0 |= 1u64 << step.min(63);
                    entry.1.push(i);
                }
            }
        }
        considered += 1;
    }
    for (steps, drawn) in pending.into_values() {
        if steps.count_ones() >= GRADIENT_STEPS {
            blends += drawn.len() as u64;
        } else {
            candidates.extend(drawn);
        }
    }
    let mut off: HashMap<u32, Stat, BuildFast> = HashMap::default();
    let mut grid = regions::Grid::new(view.w, view.h);
    for i in candidates {
        if view.on_blend_segment(i, |j, exact| class_at(view, pixels, j, exact)) {
            blends += 1;
        } else {
            let (x, y) = ((i % view.w) as u32, (i / view.w) as u32);
            off.entry(view.key(i)).or_insert(Stat::new(x, y)).add(x, y);
            grid.add(x, y);
        }
    }
    finish(
        considered,
        blends,
        off.into_iter().collect(),
        grid.regions(),
        None,
    )
}

/// The class byte of pixel `j`, classified as needed (the sampler's neighbours):
/// without `exact`, [`MAYBE`] for a color its cell does not settle.
fn class_at(view: &View, pixels: &mut PixelClassifier, j: usize, exact: bool) -> u8 {
    let alpha = view.alpha(j);
    if alpha == 0 || view.in_photo(j % view.w, j / view.w) {
        return SKIP;
    }
    if alpha < 255 {
        return PALETTE;
    }
    let key = view.key(j);
    if pixels.surely_off(key) {
        OFF
    } else if exact {
        class_byte(pixels.get(key))
    } else {
        MAYBE
    }
}

/// The report from the off-palette colors' statistics.
fn finish(
    considered: u64,
    blends: u64,
    off: Vec<(u32, Stat)>,
    mut regions: Vec<OffRegion>,
    sample: Option<Sample>,
) -> PaletteReport {
    let region_count = regions.len();
    regions.truncate(MAX_REGIONS);
    let mut colors: Vec<(Rgb, u64)> = off
        .iter()
        .map(|(k, s)| (Rgb((k >> 16) as u8, (k >> 8) as u8, *k as u8), s.count))
        .collect();
    // Most pixels first; ties by color value, the order of their hex codes (formatting a
    // hex code per comparison took 90% of the time on a noise image).
    let value = |c: Rgb| (c.0, c.1, c.2);
    colors.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(value(a.0).cmp(&value(b.0))));
    let total: u64 = colors.iter().map(|c| c.1).sum();
    let pixel_box = off.iter().map(|(_, s)| *s).reduce(|mut a, b| {
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
        regions,
        region_count,
        sample,
    }
}

/// `image/off-palette`. On a sampled image (see [`palette_report`]) the finding is
/// raised when the low end of the share's 95 % interval is above the guide's threshold,
/// so a photo within the threshold is not flagged by the luck of the draw; when the
/// largest sample still straddles it (the share is within a tenth of a point of the
/// threshold) the point estimate decides. The message gives the interval and the sample.
pub fn check_palette(ctx: &LintContext, path: &Path, image: &Decoded) -> Option<Finding> {
    palette_finding(ctx, path, &palette_report(ctx, image), "")
}

/// `image/off-palette` for a report, its message starting with `prefix`.
fn palette_finding(
    ctx: &LintContext,
    path: &Path,
    report: &PaletteReport,
    prefix: &str,
) -> Option<Finding> {
    let threshold = f64::from(ctx.guide.lint.image_off_palette);
    let share = report.share();
    let flagged = match report.sample {
        Some(s) if s.low > threshold => true,
        Some(s) if s.high <= threshold => false,
        _ => share > threshold,
    };
    if !flagged {
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
    location.pixel_box = report
        .regions
        .first()
        .map(|r| r.pixel_box)
        .or(report.pixel_box);
    let place = |r: &OffRegion| {
        let [x, y, w, h] = r.pixel_box;
        format!(
            "{x},{y} {w}×{h} ({:.1}%)",
            r.off as f64 * 100.0 / report.considered.max(1) as f64
        )
    };
    let places = match report.regions.as_slice() {
        [] => String::new(),
        [only] => format!("; at {}", place(only)),
        [first, rest @ ..] => {
            let listed = rest.len().min(2);
            let more = report.region_count - 1 - listed;
            let others: Vec<String> = rest[..listed].iter().map(place).collect();
            let more = if more > 0 {
                format!(" and {more} smaller")
            } else {
                String::new()
            };
            format!(
                "; in {} regions, the largest at {}; others at {}{more}",
                report.region_count,
                place(first),
                others.join(", ")
            )
        }
    };
    let measured = match report.sample {
        Some(s) => format!(
            "{:.1}% ± {:.1}% of the pixels are off the palette (95% interval {:.1}–{:.1}%, sampled {} of {} pixels; ",
            share * 100.0,
            (s.high - s.low) * 50.0,
            s.low * 100.0,
            s.high * 100.0,
            thousands(s.drawn),
            thousands(s.population)
        ),
        None => format!("{:.1}% of the pixels are off the palette (", share * 100.0),
    };
    Some(
        Finding::new(
            &crate::lint::rules::IMAGE_OFF_PALETTE,
            location,
            format!(
                "{prefix}{measured}the guide allows {:.1}%); main colors: {}{places}",
                threshold * 100.0,
                main.join(", ")
            ),
        )
        .expected(palette.join(", "))
        .found(main.join(", "))
        .fix("use palette colors; photos belong in the card's declared photo area or the guide's [lint] photos"),
    )
}

/// `1234567` → `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
