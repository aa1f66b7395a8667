//! `logo/dark-mode`: a logo that disappears when the page or email is read in dark mode.
//!
//! The logo of a page or email (an `<img>` whose file is a guide logo file or the dark
//! variant, or whose alt is the guide's logo alt or the brand's name) is decoded — SVG
//! through the SVG sandbox and resvg, PNG and JPEG through the image linter's decoder —
//! and laid over the background it sits on in two dark modes:
//!
//! - **the page's own dark styles**: the rules inside `@media (prefers-color-scheme:
//!   dark)` applied over the static ones (custom properties too), as Apple Mail, iOS Mail,
//!   Outlook for Mac and browsers apply them. A logo those styles hide (`display: none`,
//!   the class swap a template uses) is not shown there; one inside `<picture>` with a
//!   `<source media="(prefers-color-scheme: dark)" srcset=…>` shows that source instead.
//!   A page without dark styles is not judged in this mode (it stays light).
//! - **forced inversion** (emails only), as the Gmail apps and Outlook for Windows and
//!   iOS do: they ignore the email's media queries and invert its colors — the
//!   background's lightness is turned over (a light header becomes dark) — but not its
//!   images: images are left as they are (photos would otherwise become negatives), so a
//!   transparent logo with a dark mark ends up on a dark background. A logo with its own
//!   opaque background stays visible, as a light box on the dark email: not this rule's
//!   finding.
//!
//! The logo disappears when fewer than [`MIN_VISIBLE`] of its opaque pixels stand out
//! from the background at [`MIN_CONTRAST`] (WCAG 2.2 SC 1.4.11's non-text contrast for
//! graphics), each pixel composited over the background by its alpha.
//!
//! Sources: Litmus, "The Ultimate Guide to Dark Mode for Email Marketers" (no change,
//! partial and full color invert; Gmail iOS full invert); mailpeek, "Dark Mode in Email:
//! Why Every Client Does It Differently" (full inversion: images re-inverted, transparent
//! PNGs with dark content disappear); W3C, WCAG 2.2 Understanding SC 1.4.11.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex};

use crate::brand::Rgb;
use crate::lint::html::cascade::Cascade;
use crate::lint::html::css::{RuleKind, Sheet, custom_properties};
use crate::lint::html::parse::{Document, Element, Node};
use crate::lint::rules::link;
use crate::lint::{Finding, LintContext, Location};

/// Contrast a logo pixel needs against the background to stand out (WCAG 1.4.11).
pub const MIN_CONTRAST: f32 = 3.0;
/// Share of the logo's opaque pixels that must stand out for it to be seen.
pub const MIN_VISIBLE: f64 = 0.25;
/// Largest logo file read (a logo is a few KB; this is far above).
const MAX_LOGO_BYTES: u64 = 8 << 20;
/// Logos rasterized at most this many pixels on a side (the measure is a share).
const MAX_SIDE: u32 = 512;
/// Logo files (by path and content) kept decoded, and their visibility per background:
/// every page of a campaign shows the same logo on the same few backgrounds, so it is
/// decoded and measured once per process, not once per page.
const MAX_CACHED: usize = 64;

type RasterKey = (PathBuf, u64);
static RASTERS: LazyLock<Mutex<HashMap<RasterKey, Option<Arc<Raster>>>>> =
    LazyLock::new(Default::default);
type Measured = HashMap<(RasterKey, [u8; 3]), Option<Visibility>>;
static MEASURED: LazyLock<Mutex<Measured>> = LazyLock::new(Default::default);

/// How visible a logo is on a background.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Visibility {
    /// Share of its opaque pixels at [`MIN_CONTRAST`] or more against the background.
    pub standing_out: f64,
    /// Its most common opaque color, and that color's contrast with the background.
    pub main: Rgb,
    pub main_contrast: f32,
}

/// A logo raster: RGBA, straight alpha.
pub struct Raster {
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
}

/// How visible `logo` is on `background`; `None` when it has no opaque pixel.
pub fn visibility(logo: &Raster, background: Rgb) -> Option<Visibility> {
    use crate::lint::rules::color::BuildFast;
    let (mut opaque, mut out) = (0u64, 0u64);
    // per distinct RGBA: pixels, and whether it stands out (a logo has few colors, in
    // runs: the last one is remembered)
    let mut seen: HashMap<u32, (u64, bool), BuildFast> = HashMap::default();
    let mut last: Option<(u32, bool)> = None;
    let mut run = 0u64;
    let flush = |key: u32, n: u64, seen: &mut HashMap<u32, (u64, bool), BuildFast>| {
        if let Some(e) = seen.get_mut(&key) {
            e.0 += n;
        }
    };
    for p in logo.rgba.chunks_exact(4) {
        if p[3] < 128 {
            continue;
        }
        opaque += 1;
        let rgba = u32::from_be_bytes([p[0], p[1], p[2], p[3]]);
        let stands = match last {
            Some((k, stands)) if k == rgba => stands,
            _ => {
                if let Some((k, _)) = last {
                    flush(k, run, &mut seen);
                }
                run = 0;
                let stands = seen
                    .entry(rgba)
                    .or_insert_with(|| {
                        let c = crate::lint::rules::contrast::blend(
                            Rgb(p[0], p[1], p[2]),
                            f32::from(p[3]) / 255.0,
                            background,
                        );
                        (0, c.contrast(background) >= MIN_CONTRAST)
                    })
                    .1;
                last = Some((rgba, stands));
                stands
            }
        };
        run += 1;
        if stands {
            out += 1;
        }
    }
    if let Some((k, _)) = last {
        flush(k, run, &mut seen);
    }
    // the composited colors' pixel counts
    let mut counts: HashMap<u32, u64, BuildFast> = HashMap::default();
    for (&rgba, &(n, _)) in &seen {
        let [r, g, b, a] = rgba.to_be_bytes();
        let c = crate::lint::rules::contrast::blend(Rgb(r, g, b), f32::from(a) / 255.0, background);
        *counts
            .entry(u32::from_be_bytes([0, c.0, c.1, c.2]))
            .or_default() += n;
    }
    if opaque == 0 {
        return None;
    }
    let (&main, _) = counts
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))?;
    let main = Rgb((main >> 16) as u8, (main >> 8) as u8, main as u8);
    Some(Visibility {
        standing_out: out as f64 / opaque as f64,
        main,
        main_contrast: main.contrast(background),
    })
}

/// A background as forced inversion shows it: its HSL lightness turned over, its hue
/// and saturation kept.
pub fn inverted(c: Rgb) -> Rgb {
    let [r, g, b] = [c.0, c.1, c.2].map(|v| f32::from(v) / 255.0);
    let (max, min) = (r.max(g).max(b), r.min(g).min(b));
    let l = (max + min) / 2.0;
    let l2 = 1.0 - l;
    if (max - min).abs() < 1e-6 {
        let v = (l2 * 255.0).round() as u8;
        return Rgb(v, v, v);
    }
    let d = max - min;
    let s = if l > 0.5 {
        d / (2.0 - max - min)
    } else {
        d / (max + min)
    };
    let h = if max == r {
        ((g - b) / d).rem_euclid(6.0)
    } else if max == g {
        (b - r) / d + 2.0
    } else {
        (r - g) / d + 4.0
    } / 6.0;
    let q = if l2 < 0.5 {
        l2 * (1.0 + s)
    } else {
        l2 + s - l2 * s
    };
    let p = 2.0 * l2 - q;
    let channel = |t: f32| {
        let t = t.rem_euclid(1.0);
        let v = if t < 1.0 / 6.0 {
            p + (q - p) * 6.0 * t
        } else if t < 0.5 {
            q
        } else if t < 2.0 / 3.0 {
            p + (q - p) * (2.0 / 3.0 - t) * 6.0
        } else {
            p
        };
        (v.clamp(0.0, 1.0) * 255.0).round() as u8
    };
    Rgb(channel(h + 1.0 / 3.0), channel(h), channel(h - 1.0 / 3.0))
}

/// Whether an `<img>` with this `src` and `alt` is the logo (a guide logo file, the
/// dark variant, the logo alt or the brand's name).
pub fn is_logo(ctx: &LintContext, src: &str, alt: Option<&str>) -> bool {
    if crate::lint::rules::logo::is_logo(ctx.guide, src, alt) {
        return true;
    }
    let name = file_name(src);
    let dark = ctx.guide.logo.dark.as_ref().is_some_and(|d| {
        Path::new(d.get_ref())
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| !name.is_empty() && n.eq_ignore_ascii_case(name))
    });
    let brand = ctx.guide.brand.name.trim();
    dark || alt.is_some_and(|a| !brand.is_empty() && a.trim().eq_ignore_ascii_case(brand))
}

fn file_name(src: &str) -> &str {
    src.split(['?', '#'])
        .next()
        .unwrap_or("")
        .rsplit('/')
        .next()
        .unwrap_or("")
}

/// What a page gives the rule.
pub struct Page<'p> {
    pub doc: &'p Document,
    pub sheets: &'p [&'p Sheet],
    pub inline: &'p crate::lint::html::InlineStyles,
    /// The static cascade (light mode).
    pub light: &'p Cascade<'p>,
    /// The folder relative references resolve in; `None`: they are web addresses.
    pub dir: Option<&'p Path>,
    pub email: bool,
}

/// `logo/dark-mode` findings of a page or email; `loc` maps a byte offset of the file to
/// its location.
pub fn check(ctx: &LintContext, page: &Page, loc: &dyn Fn(usize) -> Location) -> Vec<Finding> {
    let logos: Vec<usize> = page
        .doc
        .elements
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            e.name == "img" && is_logo(ctx, e.attr_value("src").unwrap_or(""), e.attr_value("alt"))
        })
        .map(|(i, _)| i)
        .take(8)
        .collect();
    if logos.is_empty() {
        return Vec::new();
    }
    let has_dark = page.sheets.iter().any(|s| dark_of(s).is_some());
    let dark_refs: Vec<&Sheet> = page
        .sheets
        .iter()
        .map(|s| dark_of(s).unwrap_or(s))
        .collect();
    let dark_vars = if has_dark {
        custom_properties(&dark_refs)
    } else {
        std::borrow::Cow::Owned(HashMap::new())
    };
    // only the logos and their ancestors: nothing else is looked at in dark mode
    let dark = has_dark
        .then(|| Cascade::for_elements(page.doc, &dark_refs, page.inline, &dark_vars, &logos));
    let mut out = Vec::new();
    let mut decoded: HashMap<String, Option<(RasterKey, Arc<Raster>)>> = HashMap::new();
    for el in logos {
        let e = &page.doc.elements[el];
        let at = loc(e.start);
        // (a) the page's own dark styles
        if let Some(dark) = &dark
            && !dark.hidden(el)
            && let Some(bg) = dark.background(el)
        {
            let (src, variant) = match dark_source(page.doc, el) {
                Some(src) => (src, true),
                None => (e.attr_value("src").unwrap_or("").to_string(), false),
            };
            if let Some((key, logo)) = load(ctx, page.dir, &src, &mut decoded)
                && let Some(v) = measured(&key, &logo, bg)
                && v.standing_out < MIN_VISIBLE
            {
                let how = if variant {
                    "its dark variant"
                } else {
                    "the logo"
                };
                out.push(finding(
                    ctx,
                    at.clone(),
                    &format!("in dark mode (prefers-color-scheme: dark), {how}"),
                    &src,
                    bg,
                    v,
                    page.email,
                ));
            }
        }
        // (b) forced inversion, emails only: the static styles, the background inverted
        if page.email
            && !page.light.hidden(el)
            && let Some(bg) = page.light.background(el)
        {
            let bg = inverted(bg);
            let src = e.attr_value("src").unwrap_or("").to_string();
            if let Some((key, logo)) = load(ctx, page.dir, &src, &mut decoded)
                && let Some(v) = measured(&key, &logo, bg)
                && v.standing_out < MIN_VISIBLE
            {
                out.push(finding(
                    ctx,
                    at.clone(),
                    "under forced inversion (the Gmail apps, Outlook for Windows), where the background is inverted but images are not, the logo",
                    &src,
                    bg,
                    v,
                    true,
                ));
            }
        }
    }
    out
}

fn finding(
    ctx: &LintContext,
    at: Location,
    when: &str,
    src: &str,
    bg: Rgb,
    v: Visibility,
    email: bool,
) -> Finding {
    let fix = if email {
        "give the logo a light outline or its own background tile so it shows on dark backgrounds, and serve the guide's `[logo] dark` variant in dark mode"
    } else {
        "serve the guide's `[logo] dark` variant in dark mode: <picture><source media=\"(prefers-color-scheme: dark)\" srcset=\"logo-dark.svg\"><img …></picture>"
    };
    let expected = match &ctx.guide.logo.dark {
        Some(d) => format!(
            "at least {:.0}% of the logo at {MIN_CONTRAST}:1 against the background (the dark variant {})",
            MIN_VISIBLE * 100.0,
            d.get_ref()
        ),
        None => format!(
            "at least {:.0}% of the logo at {MIN_CONTRAST}:1 against the background",
            MIN_VISIBLE * 100.0
        ),
    };
    Finding::new(
        &crate::lint::rules::LOGO_DARK_MODE,
        at,
        format!(
            "{when} ({}) disappears on {}: {:.0}% of its pixels stand out at {MIN_CONTRAST}:1; its main color {} is {:.1}:1",
            file_name(src),
            bg.hex(),
            v.standing_out * 100.0,
            v.main.hex(),
            v.main_contrast
        ),
    )
    .expected(expected)
    .found(format!(
        "{:.0}% at {MIN_CONTRAST}:1 on {}",
        v.standing_out * 100.0,
        bg.hex()
    ))
    .fix(fix)
}

/// The `srcset` of a `<source media="(prefers-color-scheme: dark)">` in the `<picture>`
/// around `img`: its first candidate.
fn dark_source(doc: &Document, img: usize) -> Option<String> {
    let picture: &Element = &doc.elements[doc.elements[img].parent?];
    if picture.name != "picture" {
        return None;
    }
    picture.children.iter().find_map(|n| {
        let Node::Element(i) = n else {
            return None;
        };
        let s = &doc.elements[*i];
        let media = s.attr_value("media")?.to_ascii_lowercase().replace(' ', "");
        (s.name == "source" && media.contains("prefers-color-scheme:dark"))
            .then(|| s.attr_value("srcset"))
            .flatten()
            .and_then(|set| set.split(',').next())
            .and_then(|c| c.split_whitespace().next())
            .map(str::to_string)
    })
}

/// [`dark_sheet`] of `sheet`, made once per sheet (see [`Sheet::dark`]); `None` when dark
/// mode changes nothing in it.
fn dark_of(sheet: &Sheet) -> Option<&Sheet> {
    sheet
        .dark
        .get_or_init(|| dark_sheet(sheet).map(Box::new))
        .as_deref()
}

/// `sheet` as dark mode applies it: the rules inside an outermost `@media` whose query
/// asks for `prefers-color-scheme: dark` (and nothing else but `screen`/`all`) become
/// static, in place. `None` when it has no such rule (dark mode shows it as it is).
fn dark_sheet(sheet: &Sheet) -> Option<Sheet> {
    let is_dark = |rule: &crate::lint::html::css::Rule| {
        rule.kind == RuleKind::Conditional
            && !rule.context.keyframes
            && rule
                .context
                .media
                .and_then(|m| sheet.at_rules.get(m))
                .is_some_and(|at| at.name == "media" && is_dark_query(&at.prelude))
    };
    if !sheet.rules.iter().any(is_dark) {
        return None;
    }
    let mut dark = sheet.with_rules(sheet.rules.clone());
    for (rule, original) in dark.rules.iter_mut().zip(&sheet.rules) {
        if is_dark(original) {
            rule.kind = RuleKind::Style;
        }
    }
    Some(dark)
}

/// Whether a media query list holds in dark mode on any screen: one of its queries is
/// `(prefers-color-scheme: dark)`, alone or with `screen`/`only screen`/`all`.
pub fn is_dark_query(prelude: &str) -> bool {
    prelude.split(',').any(|q| {
        let q = q.to_ascii_lowercase().replace([' ', '\t', '\n', '\r'], "");
        let rest = q
            .trim_start_matches("only")
            .trim_start_matches("screen")
            .trim_start_matches("all")
            .trim_start_matches("and");
        rest == "(prefers-color-scheme:dark)"
    })
}

/// The logo at `src`, read once per page: a local file inside the linted paths (remote
/// addresses and `cid:` parts are not read), decoded once per process and content.
fn load(
    ctx: &LintContext,
    dir: Option<&Path>,
    src: &str,
    decoded: &mut HashMap<String, Option<(RasterKey, Arc<Raster>)>>,
) -> Option<(RasterKey, Arc<Raster>)> {
    if !decoded.contains_key(src) {
        let raster = dir
            .filter(|_| link::is_local(src))
            .and_then(|dir| match link::resolve(&ctx.roots, dir, src) {
                link::Target::Found(p) => Some(p),
                _ => None,
            })
            .and_then(|p| cached_raster(ctx, &p));
        decoded.insert(src.to_string(), raster);
    }
    decoded.get(src)?.clone()
}

/// [`raster`] through the process-wide cache, keyed by the file's path and its stat
/// (device, inode, size, modification time: an edited or replaced logo is decoded again,
/// and the thousand pages that show one logo read it once).
fn cached_raster(ctx: &LintContext, path: &Path) -> Option<(RasterKey, Arc<Raster>)> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_LOGO_BYTES {
        return None;
    }
    // `a/../assets/logo.svg` from every page is one file
    let key = (
        ctx.roots
            .canonical(path)
            .unwrap_or_else(|| path.to_path_buf()),
        stat_hash(&meta),
    );
    if let Some(hit) = RASTERS.lock().ok()?.get(&key) {
        return hit.clone().map(|r| (key, r));
    }
    let raster = read_logo(path)
        .and_then(|bytes| raster_of(ctx, path, &bytes))
        .map(Arc::new);
    if let Ok(mut cache) = RASTERS.lock() {
        if cache.len() >= MAX_CACHED {
            cache.clear();
        }
        cache.insert(key.clone(), raster.clone());
    }
    raster.map(|r| (key, r))
}

/// [`visibility`] through the process-wide cache.
fn measured(key: &RasterKey, logo: &Raster, bg: Rgb) -> Option<Visibility> {
    let k = (key.clone(), [bg.0, bg.1, bg.2]);
    if let Some(hit) = MEASURED.lock().ok().and_then(|c| c.get(&k).copied()) {
        return hit;
    }
    let v = visibility(logo, bg);
    if let Ok(mut cache) = MEASURED.lock() {
        if cache.len() >= MAX_CACHED * 8 {
            cache.clear();
        }
        cache.insert(k, v);
    }
    v
}

/// A hash of what says a file changed: device, inode, size and modification time.
fn stat_hash(meta: &std::fs::Metadata) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    meta.len().hash(&mut h);
    meta.modified().ok().hash(&mut h);
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        (meta.dev(), meta.ino(), meta.ctime(), meta.ctime_nsec()).hash(&mut h);
    }
    h.finish()
}

fn read_logo(path: &Path) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .take(MAX_LOGO_BYTES + 1)
        .read_to_end(&mut bytes)
        .ok()?;
    (bytes.len() as u64 <= MAX_LOGO_BYTES).then_some(bytes)
}

/// Decodes a logo file's bytes: SVG in its sandbox (within the linted paths), PNG or JPEG.
fn raster_of(ctx: &LintContext, path: &Path, bytes: &[u8]) -> Option<Raster> {
    if let Ok(image) = crate::lint::image::decode::decode(bytes) {
        return Some(Raster {
            width: image.width,
            height: image.height,
            rgba: image.rgba,
        });
    }
    let tree = crate::assets::picture::parse_svg(
        bytes,
        path,
        &ctx.roots.sandbox(),
        &ctx.fonts.svg_fonts(),
    )
    .ok()?;
    let size = tree.size();
    let scale = (MAX_SIDE as f32 / size.width().max(size.height())).min(1.0);
    let (w, h) = (
        ((size.width() * scale).ceil() as u32).max(1),
        ((size.height() * scale).ceil() as u32).max(1),
    );
    let mut pixmap = resvg::tiny_skia::Pixmap::new(w, h)?;
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale, scale),
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
    Some(Raster {
        width: w,
        height: h,
        rgba,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raster(pixels: &[[u8; 4]]) -> Raster {
        Raster {
            width: pixels.len() as u32,
            height: 1,
            rgba: pixels.iter().flatten().copied().collect(),
        }
    }

    #[test]
    fn a_black_mark_vanishes_on_a_dark_background_and_shows_on_paper() {
        let logo = raster(&[
            [0, 0, 0, 255],
            [0, 0, 0, 255],
            [0, 0, 0, 0],
            [255, 255, 255, 255],
        ]);
        let dark = visibility(&logo, Rgb(0x15, 0x1A, 0x18)).unwrap();
        assert!((dark.standing_out - 1.0 / 3.0).abs() < 1e-9, "{dark:?}");
        assert_eq!(dark.main, Rgb(0, 0, 0));
        assert!(dark.main_contrast < 1.5);
        let light = visibility(&logo, Rgb(0xFF, 0xF8, 0xEE)).unwrap();
        assert!((light.standing_out - 2.0 / 3.0).abs() < 1e-9, "{light:?}");
        assert!(visibility(&raster(&[[0, 0, 0, 0]]), Rgb(0, 0, 0)).is_none());
    }

    #[test]
    fn inversion_turns_lightness_over_and_keeps_hue() {
        assert_eq!(inverted(Rgb(255, 255, 255)), Rgb(0, 0, 0));
        assert_eq!(inverted(Rgb(0, 0, 0)), Rgb(255, 255, 255));
        let mist = inverted(Rgb(0xE6, 0xEF, 0xEA));
        assert!(mist.0 < 40 && mist.1 < 40 && mist.2 < 40, "{mist:?}");
        assert!(mist.1 > mist.0, "green stays green: {mist:?}");
    }

    #[test]
    fn dark_queries() {
        assert!(is_dark_query("(prefers-color-scheme: dark)"));
        assert!(is_dark_query("only screen and (prefers-color-scheme:dark)"));
        assert!(is_dark_query("print, (prefers-color-scheme: dark)"));
        assert!(!is_dark_query("(prefers-color-scheme: light)"));
        assert!(!is_dark_query(
            "(max-width: 600px) and (prefers-color-scheme: dark)"
        ));
        assert!(!is_dark_query("not all and (prefers-color-scheme: dark)"));
    }
}
