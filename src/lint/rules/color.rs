//! `color/off-palette` and `color/near-miss`, and the one place that decides what a color
//! is: [`Palette`], built once per lint context, classifies colors against every palette
//! color and its dark variant for CSS ([`Palette::check`]), PDF ([`Palette::classify`],
//! [`Palette::cmyk_is_brand`]) and image lint ([`PixelClassifier`], with a per-color
//! cache and blends of palette pairs).

use std::collections::HashMap;
use std::ops::Range;

use cssparser::{ParseError, Parser, ParserInput, Token};
use palette::color_difference::Ciede2000;
use palette::{IntoColor, Lab, LinSrgb, Srgb};

use crate::brand::{Guide, Rgb};
use crate::lint::{Finding, Location};

/// A color written in CSS or an attribute.
#[derive(Debug, Clone, PartialEq)]
pub struct CssColor {
    pub rgb: Rgb,
    pub alpha: f32,
    /// Byte range of the color's text in the value it was read from.
    pub range: Range<usize>,
    pub text: String,
}

/// The palette as the color rules compare against it: every palette color and its dark
/// variant, with Lab and linear values computed once per run.
#[derive(Debug, Clone)]
pub struct Palette {
    entries: Vec<Entry>,
    /// Pairs of entries whose blends images may hold: the light palette's pairs and the
    /// dark-mode palette's (dark variants where there are some), each pair once.
    pairs: Vec<(usize, usize)>,
    tolerance: f32,
    near_miss: f32,
    /// Lab bounds of the entries and of the pairs' blends, and the per-cell verdicts of
    /// [`PixelClassifier`], built on first use by image lint.
    bounds: std::sync::OnceLock<std::sync::Arc<PixelBounds>>,
}

#[derive(Debug, Clone)]
struct Entry {
    name: String,
    hex: Rgb,
    lab: Lab,
    lin: LinSrgb,
    dark: bool,
    /// The guide's print values (percent), for the light color.
    cmyk: Option<[f32; 4]>,
}

/// How a color relates to the palette.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Brand,
    NearMiss {
        name: String,
        hex: Rgb,
        dark: bool,
        delta: f32,
    },
    OffPalette {
        name: String,
        hex: Rgb,
        dark: bool,
        delta: f32,
    },
}

/// The palette color nearest to some color.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Nearest<'p> {
    pub name: &'p str,
    pub hex: Rgb,
    /// Whether it is the dark variant of `name`.
    pub dark: bool,
    /// The guide's CMYK values of a light palette color.
    pub cmyk: Option<[f32; 4]>,
    /// CIEDE2000 distance.
    pub delta: f32,
}

impl Nearest<'_> {
    /// `forest #1F5C4A`, `forest (dark) #7FC4AE`.
    pub fn label(&self) -> String {
        let variant = if self.dark { " (dark)" } else { "" };
        format!("{}{variant} {}", self.name, self.hex)
    }
}

/// CMYK values within this many percentage points of a guide value are that color.
pub const CMYK_TOLERANCE: f32 = 2.0;

impl Palette {
    pub fn new(guide: &Guide) -> Palette {
        let mut entries = Vec::new();
        let entry = |name: &str, hex: Rgb, dark: bool, cmyk: Option<[f32; 4]>| Entry {
            name: name.to_string(),
            hex,
            lab: hex.to_lab(),
            lin: hex.to_srgb().into_linear(),
            dark,
            cmyk,
        };
        // indices of each color's light and dark-mode entries
        let mut light = Vec::new();
        let mut dark_mode = Vec::new();
        for (name, def) in guide.palette() {
            light.push(entries.len());
            entries.push(entry(
                name,
                def.hex,
                false,
                def.cmyk.as_ref().map(|c| *c.get_ref()),
            ));
            match def.dark {
                Some(dark) => {
                    dark_mode.push(entries.len());
                    entries.push(entry(name, dark, true, None));
                }
                None => dark_mode.push(entries.len() - 1),
            }
        }
        let mut pairs = Vec::new();
        for mode in [&light, &dark_mode] {
            for (i, &a) in mode.iter().enumerate() {
                for &b in &mode[i + 1..] {
                    if !pairs.contains(&(a, b)) {
                        pairs.push((a, b));
                    }
                }
            }
        }
        Palette {
            entries,
            pairs,
            tolerance: guide.colors.tolerance,
            near_miss: guide.colors.near_miss,
            bounds: std::sync::OnceLock::new(),
        }
    }

    /// The palette color (or dark variant) nearest to `rgb`; `None` for an empty palette.
    pub fn nearest(&self, rgb: Rgb) -> Option<Nearest<'_>> {
        let lab = rgb.to_lab();
        let (e, delta) = self
            .entries
            .iter()
            .map(|e| (e, e.lab.difference(lab)))
            .min_by(|a, b| a.1.total_cmp(&b.1))?;
        Some(Nearest {
            name: &e.name,
            hex: e.hex,
            dark: e.dark,
            cmyk: e.cmyk,
            delta,
        })
    }

    /// Whether a ΔE is within `colors.tolerance` (the color *is* the palette color).
    pub fn within_tolerance(&self, delta: f32) -> bool {
        delta <= self.tolerance
    }

    /// Whether a ΔE is within `colors.near_miss`.
    pub fn within_near_miss(&self, delta: f32) -> bool {
        delta <= self.near_miss
    }

    pub fn classify(&self, rgb: Rgb) -> Verdict {
        // a palette color itself is at ΔE 0 from its entry: no distance to compute (most
        // colors of a brand's pages are its own)
        if self.tolerance >= 0.0 && self.entries.iter().any(|e| e.hex == rgb) {
            return Verdict::Brand;
        }
        let Some(n) = self.nearest(rgb) else {
            return Verdict::Brand;
        };
        let (name, hex, dark, delta) = (n.name.to_string(), n.hex, n.dark, n.delta);
        if delta <= self.tolerance {
            Verdict::Brand
        } else if delta <= self.near_miss {
            Verdict::NearMiss {
                name,
                hex,
                dark,
                delta,
            }
        } else {
            Verdict::OffPalette {
                name,
                hex,
                dark,
                delta,
            }
        }
    }

    /// Whether CMYK values (percent) are one of the guide's print colors, within
    /// [`CMYK_TOLERANCE`] points per channel.
    pub fn cmyk_is_brand(&self, pct: [f32; 4]) -> bool {
        self.entries.iter().filter_map(|e| e.cmyk).any(|want| {
            want.iter()
                .zip(pct.iter())
                .all(|(a, b)| (a - b).abs() <= CMYK_TOLERANCE)
        })
    }

    /// The finding for a color, if it is not a brand color (fully transparent colors pass).
    pub fn check(&self, color: &CssColor, location: Location) -> Option<Finding> {
        self.check_at(color, || location)
    }

    /// [`Palette::check`] with the location made only for a finding (a page checks
    /// hundreds of colors, nearly all brand ones).
    pub fn check_at(
        &self,
        color: &CssColor,
        location: impl FnOnce() -> Location,
    ) -> Option<Finding> {
        if color.alpha <= 0.0 {
            return None;
        }
        let (rule, name, hex, dark, delta): (&'static super::Rule, _, _, _, _) =
            match self.classify(color.rgb) {
                Verdict::Brand => return None,
                Verdict::NearMiss {
                    name,
                    hex,
                    dark,
                    delta,
                } => (&super::COLOR_NEAR_MISS, name, hex, dark, delta),
                Verdict::OffPalette {
                    name,
                    hex,
                    dark,
                    delta,
                } => (&super::COLOR_OFF_PALETTE, name, hex, dark, delta),
            };
        let variant = if dark { " (dark)" } else { "" };
        let message = if rule.id == super::COLOR_NEAR_MISS.id {
            format!(
                "{} is close to brand color {name}{variant} {hex} but not it (ΔE {delta:.1})",
                color.text
            )
        } else {
            format!(
                "{} is not a brand color; nearest is {name}{variant} {hex} (ΔE {delta:.1})",
                color.text
            )
        };
        Some(
            Finding::new(rule, location(), message)
                .expected(format!("{name}{variant} {hex}"))
                .found(color.text.clone())
                .fix(format!("use var(--color-{name}) / {hex}")),
        )
    }

    /// What `lint --fix` writes for a near-miss `color` (`None` for any other color, and
    /// for colors with transparency, whose alpha a brand color would drop):
    /// `var(--color-<name>)` when `brand_var` says the text it goes into can use that
    /// custom property (a page with the guide's `brand.css`), else the brand hex in the
    /// style of the one written (lower case if it was, without `#` if it was a legacy
    /// attribute value). A dark variant is always its hex: the custom property is the
    /// light color outside `prefers-color-scheme: dark`.
    pub fn exact_for(&self, color: &CssColor, brand_var: &dyn Fn(&str) -> bool) -> Option<String> {
        if color.alpha < 1.0 {
            return None;
        }
        let Verdict::NearMiss {
            name, hex, dark, ..
        } = self.classify(color.rgb)
        else {
            return None;
        };
        let var = format!("--color-{name}");
        if !dark && brand_var(&var) {
            return Some(format!("var({var})"));
        }
        Some(hex_like(hex, &color.text))
    }

    /// What one pixel color is: a palette color (or dark variant), a blend of two palette
    /// colors, or off the palette. Uncached: see [`PixelClassifier`].
    ///
    /// The palette test is CIEDE2000 against every entry; the blend test takes, for every
    /// palette pair, the point of its blend nearest to the pixel (mixed in sRGB, as most
    /// tools anti-alias and interpolate gradients, and in linear light) and keeps the
    /// nearest of all by CIEDE2000. Entries and blends that a proven lower bound of
    /// CIEDE2000 puts out of reach ([`PixelBounds`]) are skipped: the answer is the same
    /// as computing every one, at a fraction of the cost.
    pub fn pixel_class(&self, rgb: Rgb) -> PixelClass {
        let key = (u32::from(rgb.0) << 16) | (u32::from(rgb.1) << 8) | u32::from(rgb.2);
        self.pixel_class_among(rgb, self.bounds().candidates(key))
    }

    /// [`Palette::pixel_class`] over the entries and blends `candidates` names (those a
    /// color of this cell can reach: see [`PixelBounds::candidates`]).
    fn pixel_class_among(&self, rgb: Rgb, candidates: &CellCandidates) -> PixelClass {
        let lab = rgb.to_lab();
        if self.any_entry_within(lab, &candidates.entries) {
            return PixelClass::Palette;
        }
        if candidates.curves.is_empty() {
            return PixelClass::Off;
        }
        let px = [f32::from(rgb.0), f32::from(rgb.1), f32::from(rgb.2)];
        let lin: LinSrgb = rgb.to_srgb().into_linear();
        let mut best: Option<(f32, u16, f32)> = None;
        let at = LabBox::of_lab(lab);
        let bounds = self.bounds();
        // Each curve's blend nearest the pixel (by projection, a few operations) lies in
        // one piece of the curve; a piece whose lower bound is beyond the tolerance, or
        // beyond the best distance found so far, holds no blend that could be the
        // answer, so that blend's exact distance is not computed.
        let limit = slack(BLEND_TOLERANCE);
        for &(c, pieces) in &candidates.curves {
            let i = usize::from(c / 2);
            let (a, b) = self.pairs[i];
            let (sa, sb) = (&self.entries[a], &self.entries[b]);
            let srgb = c % 2 == 0;
            // the ends and the pixel, in the space of the mix: sRGB (0–255) or linear light
            let (ea, eb, at_px) = if srgb {
                (
                    [sa.hex.0, sa.hex.1, sa.hex.2].map(f32::from),
                    [sb.hex.0, sb.hex.1, sb.hex.2].map(f32::from),
                    px,
                )
            } else {
                (
                    [sa.lin.red, sa.lin.green, sa.lin.blue],
                    [sb.lin.red, sb.lin.green, sb.lin.blue],
                    [lin.red, lin.green, lin.blue],
                )
            };
            let t = project(at_px, ea, eb);
            // The blend at `t` lies in the piece of the curve holding `t`: when that
            // piece is out of reach (beyond the tolerance from every color of the cell,
            // or farther than the best blend so far), so is the blend, and its exact
            // distance cannot change the answer.
            let k = ((t * CURVE_PIECES as f32) as usize).min(CURVE_PIECES - 1);
            if pieces & (1 << k) == 0 {
                continue;
            }
            let piece = &bounds.curves[i][usize::from(c % 2)].pieces[k];
            let reach = best.map_or(limit, |(bd, _, _)| slack(bd).min(limit));
            if lower_bound_squared(&at, piece, reach * reach) > reach * reach {
                continue;
            }
            let m = |k: usize| ea[k] + t * (eb[k] - ea[k]);
            let mix_lab: Lab = if srgb {
                Srgb::new(m(0) / 255.0, m(1) / 255.0, m(2) / 255.0).into_color()
            } else {
                LinSrgb::new(m(0), m(1), m(2)).into_color()
            };
            let d = mix_lab.difference(lab);
            // ties go to the first curve in the palette's order, as without the bounds
            if best.is_none_or(|(bd, bc, _)| d < bd || (d == bd && c < bc)) {
                best = Some((d, c, t));
            }
        }
        match best {
            Some((d, c, t)) if d <= BLEND_TOLERANCE && t > 0.0 && t < 1.0 => PixelClass::Blend {
                pair: c / 2,
                step: (t * 63.0).round() as u8,
            },
            _ => PixelClass::Off,
        }
    }

    /// Whether `lab` is within tolerance of one of `entries` (indices of entries).
    fn any_entry_within(&self, lab: Lab, entries: &[u16]) -> bool {
        entries
            .iter()
            .any(|&e| self.entries[usize::from(e)].lab.difference(lab) <= self.tolerance)
    }

    /// The Lab bounds of the entries and blends, built on first use.
    fn bounds(&self) -> &PixelBounds {
        self.bounds.get_or_init(|| {
            let entries = self.entries.iter().map(|e| LabBox::of_rgb(e.hex)).collect();
            let curves = self
                .pairs
                .iter()
                .map(|&(a, b)| {
                    let (ha, hb) = (self.entries[a].hex, self.entries[b].hex);
                    [Curve::srgb(ha, hb), Curve::linear(ha, hb)]
                })
                .collect();
            std::sync::Arc::new(PixelBounds {
                entries,
                curves,
                tolerance: self.tolerance,
                cells: (0..CELLS)
                    .map(|_| std::sync::atomic::AtomicU8::new(0))
                    .collect(),
                lists: (0..LIST_CELLS)
                    .map(|_| std::sync::OnceLock::new())
                    .collect(),
            })
        })
    }

    /// A classifier of an image's pixel colors, caching each color's class.
    pub fn pixels(&self) -> PixelClassifier<'_> {
        PixelClassifier {
            palette: self,
            bounds: self.bounds(),
            cache: HashMap::default(),
            exact: 0,
        }
    }
}

/// Largest ΔE (CIEDE2000) between a pixel and the nearest blend of two palette colors
/// for the pixel to count as such a blend.
pub const BLEND_TOLERANCE: f32 = 3.0;

/// What one distinct pixel color is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PixelClass {
    /// Within tolerance of a palette color or dark variant.
    Palette,
    /// A blend of palette pair `pair` at step `step` (of 64).
    Blend { pair: u16, step: u8 },
    /// Off the palette.
    Off,
}

/// [`Palette::pixel_class`] for one image, fast: a color in a 6-bit cell of the RGB cube
/// that no palette color or blend can reach (decided once per cell and palette, with a
/// proven lower bound of CIEDE2000: [`PixelBounds`]) is off the palette at the cost of
/// one table read; any other color is classified exactly, once (a per-color cache). The
/// answers are exactly those of [`Palette::pixel_class`]; [`PixelClassifier::exact`]
/// counts the colors that needed the exact test, so a caller can bound its work.
pub struct PixelClassifier<'p> {
    palette: &'p Palette,
    bounds: &'p PixelBounds,
    cache: HashMap<u32, PixelClass, BuildFast>,
    exact: usize,
}

impl PixelClassifier<'_> {
    /// The class of the packed color `0xRRGGBB`.
    #[inline]
    pub fn get(&mut self, key: u32) -> PixelClass {
        if self.bounds.surely_off(key, self.palette.tolerance) {
            return PixelClass::Off;
        }
        if let Some(class) = self.cache.get(&key) {
            return *class;
        }
        self.exact += 1;
        let class = self
            .palette
            .pixel_class(Rgb((key >> 16) as u8, (key >> 8) as u8, key as u8));
        self.cache.insert(key, class);
        class
    }

    /// Whether the packed color `0xRRGGBB` is a palette color, exactly as
    /// [`PixelClassifier::get`] would answer [`PixelClass::Palette`], without the blend
    /// test (a few CIEDE2000 distances instead of every blend's) unless already cached.
    pub fn is_palette(&mut self, key: u32) -> bool {
        if self.surely_off(key) {
            return false;
        }
        if let Some(class) = self.cache.get(&key) {
            return *class == PixelClass::Palette;
        }
        let entries = &self.bounds.candidates(key).entries;
        let rgb = Rgb((key >> 16) as u8, (key >> 8) as u8, key as u8);
        let palette = self.palette.any_entry_within(rgb.to_lab(), entries);
        if palette {
            self.cache.insert(key, PixelClass::Palette);
        }
        palette
    }

    /// Whether the packed color `0xRRGGBB` is surely off the palette by its cell alone
    /// (one table read once the cell is decided).
    #[inline]
    pub fn surely_off(&self, key: u32) -> bool {
        self.bounds.surely_off(key, self.palette.tolerance)
    }

    /// Distinct colors classified exactly so far (those the cell table could not settle).
    pub fn exact(&self) -> usize {
        self.exact
    }
}

// ---- proven bounds of CIEDE2000 ---------------------------------------------------------

/// Cells of the RGB cube the classifier settles at once: 64 per channel (6 bits).
const CELLS: usize = 1 << 18;
/// Pieces each blend curve is bounded in, and segments grouping them.
const CURVE_PIECES: usize = 32;
const CURVE_SEGMENTS: usize = 8;
// a cell's reachable pieces of a curve are one bit each of a `u32`
const _: () = assert!(CURVE_PIECES <= 32 && CURVE_PIECES.is_multiple_of(CURVE_SEGMENTS));
/// Slack added to every Lab bound (f32 rounding, and the last digits of the sRGB→XYZ
/// matrix the `palette` crate derives from the primaries).
const LAB_SLACK: f32 = 0.05;

/// Bounds for [`PixelClassifier`]: each entry's Lab value, each pair's blend curves
/// (mixed in sRGB and in linear light) as chains of Lab boxes, and a verdict per 6-bit
/// cell of the RGB cube ([`CELL_OFF`], [`CELL_CHECK`], or not decided yet: a count of
/// lookups up to [`CELL_VISITS`]), filled in as images need them and shared by every
/// image and thread of a run.
///
/// The lower bound ([`lower_bound`]) follows from the CIEDE2000 formula (Sharma, Wu and
/// Dalal 2005) with `kL = kC = kH = 1`:
/// ΔE² = (ΔL'/S_L)² + (ΔC'/S_C)² + (ΔH'/S_H)² + R_T·(ΔC'/S_C)(ΔH'/S_H). The cross term
/// is at least `−|R_T|/2` times the sum of the other two, and `|R_T| ≤ R_C·sin 60°`
/// (Δθ ≤ 30°) with `R_C` growing with the mean chroma. `ΔC'² + ΔH'² = Δa'² + Δb²`, and
/// `|Δa'| = (1+G)|Δa| ≥ |Δa|` with `0 ≤ G ≤ ½`, so `C' ≤ 1.5·C*`. `S_L` grows with
/// `|L̄ − 50|`, `S_C = 1 + 0.045·C̄'` and `S_H ≤ 1 + 0.029·C̄'` (T ≤ 1.93), so
/// ΔE² ≥ (ΔL/S_L,max)² + (1 − R_C,max·0.866/2)·(Δa² + Δb²)/S_C,max², with the ranges
/// of both colors' L*, a*, b* and C* in place of their values.
pub(crate) struct PixelBounds {
    entries: Vec<LabBox>,
    curves: Vec<[Curve; 2]>,
    /// The guide's `colors.tolerance`.
    tolerance: f32,
    cells: Box<[std::sync::atomic::AtomicU8]>,
    /// Per 5-bit cell, the entries and blends its colors may reach.
    lists: Box<[std::sync::OnceLock<CellCandidates>]>,
}

impl std::fmt::Debug for PixelBounds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PixelBounds")
            .field("entries", &self.entries.len())
            .field("curves", &self.curves.len())
            .finish_non_exhaustive()
    }
}

/// Cells of the candidate lists: 32 per channel (5 bits).
const LIST_CELLS: usize = 1 << 15;

/// The entries and blend curves some color of a 5-bit cell may be within tolerance of.
#[derive(Debug)]
struct CellCandidates {
    /// Indices of entries, in the palette's order.
    entries: Box<[u16]>,
    /// Curves, in the palette's order: `pair * 2` (mixed in sRGB) or `pair * 2 + 1` (in
    /// linear light), each with the pieces (bit `k`: piece `k` of [`CURVE_PIECES`]) some
    /// color of the cell may reach.
    curves: Box<[(u16, u32)]>,
}

/// A cell's byte counts the lookups of its colors up to this many, then holds its
/// verdict, [`CELL_OFF`] or [`CELL_CHECK`].
const CELL_VISITS: u8 = 3;
const CELL_OFF: u8 = 254;
const CELL_CHECK: u8 = 255;

impl PixelBounds {
    /// The entries and blend curves that some color of `key`'s 5-bit cell may be within
    /// tolerance of: the others are farther for sure, so leaving them out changes no
    /// answer.
    fn candidates(&self, key: u32) -> &CellCandidates {
        let cell =
            (((key >> 19) & 0x1F) << 10 | ((key >> 11) & 0x1F) << 5 | ((key >> 3) & 0x1F)) as usize;
        self.lists[cell].get_or_init(|| {
            let lo = |shift: u32| ((key >> shift) as u8) & 0xF8;
            let at = LabBox::of_srgb_range([lo(16), lo(8), lo(0)], 7);
            let tolerance = self.tolerance;
            let entries = (0..self.entries.len())
                .filter(|&e| reachable(&at, &self.entries[e], tolerance))
                .map(|e| e as u16)
                .collect();
            let curves = self
                .curves
                .iter()
                .enumerate()
                .flat_map(|(i, pair)| {
                    pair.iter().enumerate().filter_map(move |(k, c)| {
                        let pieces = c.reachable_pieces(&at, BLEND_TOLERANCE);
                        (pieces != 0).then_some(((i * 2 + k) as u16, pieces))
                    })
                })
                .collect();
            CellCandidates { entries, curves }
        })
    }

    /// Whether every color of `key`'s 6-bit cell is surely off the palette.
    #[inline]
    fn surely_off(&self, key: u32, tolerance: f32) -> bool {
        use std::sync::atomic::Ordering::Relaxed;
        let cell =
            (((key >> 18) & 0x3F) << 12 | ((key >> 10) & 0x3F) << 6 | ((key >> 2) & 0x3F)) as usize;
        let state = self.cells[cell].load(Relaxed);
        match state {
            CELL_OFF => return true,
            CELL_CHECK => return false,
            // a cell seen once or twice: its colors are tested one by one (deciding a
            // cell costs a few exact tests; it pays once its colors come back)
            n if n < CELL_VISITS => {
                self.cells[cell].store(n + 1, Relaxed);
                return false;
            }
            _ => {}
        }
        let off = self.cell_off(key, tolerance);
        self.cells[cell].store(if off { CELL_OFF } else { CELL_CHECK }, Relaxed);
        off
    }

    /// Whether every color of `key`'s 6-bit cell (4×4×4 colors) is surely off: no entry
    /// and no piece of a blend curve that some color of the enclosing 5-bit cell may
    /// reach is within reach of the cell.
    fn cell_off(&self, key: u32, tolerance: f32) -> bool {
        let lo = |shift: u32| ((key >> shift) as u8) & 0xFC;
        let at = LabBox::of_srgb_range([lo(16), lo(8), lo(0)], 3);
        let candidates = self.candidates(key);
        candidates
            .entries
            .iter()
            .all(|&e| !reachable(&at, &self.entries[usize::from(e)], tolerance))
            && candidates.curves.iter().all(|&(c, pieces)| {
                let curve = &self.curves[usize::from(c / 2)][usize::from(c % 2)];
                (0..CURVE_PIECES).all(|k| {
                    pieces & (1 << k) == 0 || !reachable(&at, &curve.pieces[k], BLEND_TOLERANCE)
                })
            })
    }
}

/// Ranges of L*, a*, b* (and the largest C*) of a set of colors.
#[derive(Debug, Clone, Copy, PartialEq)]
struct LabBox {
    l: [f32; 2],
    a: [f32; 2],
    b: [f32; 2],
    c_min: f32,
    c_max: f32,
    /// The arc of hues `h'` (degrees: start, span) of the box with `a*` stretched by any
    /// `1 + G` up to 1.5; `None` when it holds the grey axis.
    hue: Option<[f32; 2]>,
}

/// sRGB (D65) to XYZ.
const SRGB_TO_XYZ: [[f64; 3]; 3] = [
    [0.412_456_4, 0.357_576_1, 0.180_437_5],
    [0.212_672_9, 0.715_152_2, 0.072_175_0],
    [0.019_333_9, 0.119_192_0, 0.950_304_1],
];
const D65: [f64; 3] = [0.950_47, 1.0, 1.088_83];

fn srgb_to_linear(v: f64) -> f64 {
    if v <= 0.040_45 {
        v / 12.92
    } else {
        ((v + 0.055) / 1.055).powf(2.4)
    }
}

impl LabBox {
    /// Every color whose linear-light channels lie in `lin` (each `[low, high]`). XYZ
    /// grows with every channel and `f` (the cube root part of Lab) with XYZ, so the
    /// ranges of `f(X)`, `f(Y)`, `f(Z)` come from the two corners; L*, a* and b* follow.
    fn of_linear(lin: [[f64; 2]; 3]) -> LabBox {
        let f = |t: f64| {
            if t > 216.0 / 24_389.0 {
                t.cbrt()
            } else {
                (24_389.0 / 27.0 * t + 16.0) / 116.0
            }
        };
        let xyz = |k: usize, end: usize| {
            f((0..3).map(|c| SRGB_TO_XYZ[k][c] * lin[c][end]).sum::<f64>() / D65[k])
        };
        let [fx, fy, fz] = [0, 1, 2].map(|k| [xyz(k, 0), xyz(k, 1)]);
        let s = f64::from(LAB_SLACK);
        let l = [116.0 * fy[0] - 16.0 - s, 116.0 * fy[1] - 16.0 + s];
        let a = [500.0 * (fx[0] - fy[1]) - s, 500.0 * (fx[1] - fy[0]) + s];
        let b = [200.0 * (fy[0] - fz[1]) - s, 200.0 * (fy[1] - fz[0]) + s];
        let c_max = a[0].abs().max(a[1].abs()).hypot(b[0].abs().max(b[1].abs()));
        let gap = |r: [f64; 2]| (r[0].max(0.0)).max(-r[1]).max(0.0);
        let c_min = gap(a).hypot(gap(b));
        let stretched = [a[0].min(1.5 * a[0]), a[1].max(1.5 * a[1])];
        let hue = if c_min > 0.0 {
            hue_arc(
                &[
                    (stretched[0], b[0]),
                    (stretched[0], b[1]),
                    (stretched[1], b[0]),
                    (stretched[1], b[1]),
                ]
                .map(|(x, y)| y.atan2(x).to_degrees().rem_euclid(360.0) as f32),
            )
        } else {
            None
        };
        LabBox {
            l: [l[0] as f32, l[1] as f32],
            a: [a[0] as f32, a[1] as f32],
            b: [b[0] as f32, b[1] as f32],
            c_min: c_min as f32,
            c_max: c_max as f32,
            hue,
        }
    }

    /// Every sRGB color from `low` to `low + span` in each channel.
    fn of_srgb_range(low: [u8; 3], span: u8) -> LabBox {
        LabBox::of_linear(low.map(|v| {
            [
                srgb_to_linear(f64::from(v) / 255.0),
                srgb_to_linear(f64::from(v.saturating_add(span)) / 255.0),
            ]
        }))
    }

    fn of_rgb(rgb: Rgb) -> LabBox {
        LabBox::of_srgb_range([rgb.0, rgb.1, rgb.2], 0)
    }

    /// One color, from its Lab value as the exact test computes it (so no sRGB
    /// conversion is repeated), widened by [`LAB_SLACK`] like every box.
    fn of_lab(lab: Lab) -> LabBox {
        let s = LAB_SLACK;
        let a = [lab.a - s, lab.a + s];
        let b = [lab.b - s, lab.b + s];
        let gap = |r: [f32; 2]| (r[0].max(0.0)).max(-r[1]).max(0.0);
        let c_min = gap(a).hypot(gap(b));
        let hue = if c_min > 0.0 {
            let stretched = [a[0].min(1.5 * a[0]), a[1].max(1.5 * a[1])];
            hue_arc(
                &[
                    (stretched[0], b[0]),
                    (stretched[0], b[1]),
                    (stretched[1], b[0]),
                    (stretched[1], b[1]),
                ]
                .map(|(x, y)| {
                    // atan2 is within ±180°
                    let d = y.atan2(x).to_degrees();
                    if d < 0.0 { d + 360.0 } else { d }
                }),
            )
        } else {
            None
        };
        LabBox {
            l: [lab.l - s, lab.l + s],
            a,
            b,
            c_min,
            c_max: a[0].abs().max(a[1].abs()).hypot(b[0].abs().max(b[1].abs())),
            hue,
        }
    }

    fn union(&self, o: &LabBox) -> LabBox {
        LabBox {
            l: [self.l[0].min(o.l[0]), self.l[1].max(o.l[1])],
            a: [self.a[0].min(o.a[0]), self.a[1].max(o.a[1])],
            b: [self.b[0].min(o.b[0]), self.b[1].max(o.b[1])],
            c_min: self.c_min.min(o.c_min),
            c_max: self.c_max.max(o.c_max),
            hue: match (self.hue, o.hue) {
                (Some(x), Some(y)) => arc_hull(x, y),
                _ => None,
            },
        }
    }
}

/// The smallest arc (start, span in degrees) holding the angles of the corners of a box
/// that does not hold the origin (so they span less than 180°).
fn hue_arc(angles: &[f32; 4]) -> Option<[f32; 2]> {
    let mut v = *angles;
    v.sort_by(f32::total_cmp);
    // the largest gap between neighbours (around the circle) is outside the arc
    let (mut start, mut largest) = (v[0], v[0] + 360.0 - v[3]);
    for k in 1..4 {
        if v[k] - v[k - 1] > largest {
            largest = v[k] - v[k - 1];
            start = v[k];
        }
    }
    let span = 360.0 - largest;
    (span < 180.0).then_some([start, span + 0.01])
}

/// The smallest arc holding arcs `x` and `y` (it starts where one of them does), if it
/// is under 180°.
fn arc_hull(x: [f32; 2], y: [f32; 2]) -> Option<[f32; 2]> {
    let from = |p: [f32; 2], q: [f32; 2]| {
        let span = p[1].max((q[0] - p[0]).rem_euclid(360.0) + q[1]);
        [p[0], span]
    };
    let (a, b) = (from(x, y), from(y, x));
    let best = if a[1] <= b[1] { a } else { b };
    (best[1] < 180.0).then_some(best)
}

/// Angular distance (degrees) from `h` to the arc, 0 inside it.
fn arc_distance(arc: [f32; 2], h: f32) -> f32 {
    let into = (h - arc[0]).rem_euclid(360.0);
    if into <= arc[1] {
        0.0
    } else {
        (into - arc[1]).min(360.0 - into)
    }
}

/// The square of a lower bound of CIEDE2000 between any color of `p` and any color of
/// `q` (see [`PixelBounds`]), or any value above `enough` once it is sure to be: the
/// cheap terms first, the hue term only when it decides.
#[inline]
fn lower_bound_squared(p: &LabBox, q: &LabBox, enough: f32) -> f32 {
    let gap = |x: [f32; 2], y: [f32; 2]| (x[0] - y[1]).max(y[0] - x[1]).max(0.0);
    let (dl, da, db) = (gap(p.l, q.l), gap(p.a, q.a), gap(p.b, q.b));
    let far = ((p.l[0] + q.l[0]) / 2.0 - 50.0)
        .abs()
        .max(((p.l[1] + q.l[1]) / 2.0 - 50.0).abs());
    let s_l = 1.0 + 0.015 * far * far / (20.0 + far * far).sqrt();
    let lightness = (dl / s_l).powi(2);
    if lightness > enough {
        return lightness;
    }
    let ab = da * da + db * db;
    if ab == 0.0 {
        return lightness;
    }
    // 1 + G, G largest for the smallest mean chroma C̄*
    let c_low = ((p.c_min + q.c_min) / 2.0).powi(7);
    let stretch = 1.0 + 0.5 * (1.0 - (c_low / (c_low + 6_103_515_625.0)).sqrt());
    let c_bar = stretch * (p.c_max + q.c_max) / 2.0;
    let s_c = 1.0 + 0.045 * c_bar;
    let chroma = ab / (s_c * s_c);
    let c7 = c_bar.powi(7);
    let r_c = (c7 / (c7 + 6_103_515_625.0)).sqrt();
    // with the largest cross term (|R_T| ≤ R_C·sin 60°) it is already enough
    let worst = lightness + (1.0 - r_c * 0.866_025_4) * chroma;
    if worst > enough {
        return worst;
    }
    // |R_T| ≤ R_C·sin(2Δθ), Δθ = 30°·exp(−((h̄' − 275°)/25°)²): h̄' lies on the arc
    // between the two hues, when both boxes' hues are known and close
    let sin_2theta = match (p.hue, q.hue) {
        (Some(x), Some(y)) => match arc_hull(x, y) {
            // beyond 90° from 275°, 2Δθ < 0.0002°
            Some(arc) if arc_distance(arc, 275.0) > 90.0 => 4e-6,
            Some(arc) => {
                let d = arc_distance(arc, 275.0) / 25.0;
                (60.0 * (-d * d).exp()).to_radians().sin()
            }
            None => return worst,
        },
        _ => return worst,
    };
    lightness + (1.0 - r_c * sin_2theta) * chroma
}

/// A distance widened by the bounds' rounding margin.
#[inline]
fn slack(tolerance: f32) -> f32 {
    tolerance * 1.001 + 0.001
}

/// Whether some color of `q` may be within `tolerance` of some color of `p`.
#[inline]
fn reachable(p: &LabBox, q: &LabBox, tolerance: f32) -> bool {
    let limit = slack(tolerance);
    lower_bound_squared(p, q, limit * limit) <= limit * limit
}

/// The blends of two palette colors as a chain of Lab boxes, one per
/// `1/CURVE_PIECES` of the mix, plus the box around all of them.
#[derive(Debug, Clone)]
struct Curve {
    whole: LabBox,
    /// [`CURVE_SEGMENTS`] boxes, each around [`CURVE_PIECES`]` / CURVE_SEGMENTS` pieces.
    segments: Vec<LabBox>,
    pieces: Vec<LabBox>,
}

impl Curve {
    /// Mixed in sRGB: each sRGB channel, hence each linear channel, is monotone along a
    /// piece, so its two ends bound it.
    fn srgb(a: Rgb, b: Rgb) -> Curve {
        let (a, b) = ([a.0, a.1, a.2], [b.0, b.1, b.2]);
        Curve::of(|t0, t1| {
            [0, 1, 2].map(|c| {
                let at = |t: f64| {
                    srgb_to_linear(
                        (f64::from(a[c]) + t * (f64::from(b[c]) - f64::from(a[c]))) / 255.0,
                    )
                };
                let (x, y) = (at(t0), at(t1));
                [x.min(y), x.max(y)]
            })
        })
    }

    /// Mixed in linear light: each linear channel is linear along a piece.
    fn linear(a: Rgb, b: Rgb) -> Curve {
        let lin = |c: Rgb| [c.0, c.1, c.2].map(|v| srgb_to_linear(f64::from(v) / 255.0));
        let (a, b) = (lin(a), lin(b));
        Curve::of(|t0, t1| {
            [0, 1, 2].map(|c| {
                let (x, y) = (a[c] + t0 * (b[c] - a[c]), a[c] + t1 * (b[c] - a[c]));
                [x.min(y), x.max(y)]
            })
        })
    }

    fn of(piece: impl Fn(f64, f64) -> [[f64; 2]; 3]) -> Curve {
        let n = CURVE_PIECES as f64;
        let pieces: Vec<LabBox> = (0..CURVE_PIECES)
            .map(|k| LabBox::of_linear(piece(k as f64 / n, (k + 1) as f64 / n)))
            .collect();
        let union = |boxes: &[LabBox]| boxes[1..].iter().fold(boxes[0], |w, p| w.union(p));
        let segments: Vec<LabBox> = pieces
            .chunks(CURVE_PIECES / CURVE_SEGMENTS)
            .map(union)
            .collect();
        Curve {
            whole: union(&segments),
            segments,
            pieces,
        }
    }

    /// The pieces (bit `k` for piece `k`) that may hold a blend within `tolerance` of
    /// some color of `p`: by the whole curve, then its segments, then their pieces.
    fn reachable_pieces(&self, p: &LabBox, tolerance: f32) -> u32 {
        let per = CURVE_PIECES / CURVE_SEGMENTS;
        let mut pieces = 0u32;
        if !reachable(p, &self.whole, tolerance) {
            return 0;
        }
        for (s, q) in self.segments.iter().enumerate() {
            if !reachable(p, q, tolerance) {
                continue;
            }
            for k in s * per..(s + 1) * per {
                if reachable(p, &self.pieces[k], tolerance) {
                    pieces |= 1 << k;
                }
            }
        }
        pieces
    }
}

/// Parameter (0..1) of the point of segment `a`–`b` nearest to `p`.
pub fn project(p: [f32; 3], a: [f32; 3], b: [f32; 3]) -> f32 {
    let d = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
    let len2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
    if len2 <= f32::EPSILON {
        return 0.0;
    }
    let t = ((p[0] - a[0]) * d[0] + (p[1] - a[1]) * d[1] + (p[2] - a[2]) * d[2]) / len2;
    t.clamp(0.0, 1.0)
}

/// A fast hasher for packed RGB keys (FxHash's multiply-rotate).
#[derive(Default, Clone, Copy)]
pub struct BuildFast;

impl std::hash::BuildHasher for BuildFast {
    type Hasher = FastHasher;
    fn build_hasher(&self) -> FastHasher {
        FastHasher(0)
    }
}

pub struct FastHasher(u64);

impl std::hash::Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
    fn write_u16(&mut self, n: u16) {
        self.write_u64(u64::from(n));
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// Properties whose values hold colors (named colors are only read there).
/// `hex` written as `written` was: `#1f5c4a` for a lower-case hex, `1F5C4A` for a legacy
/// attribute value without `#`, `#1F5C4A` otherwise (the guide's style, also for `rgb()`,
/// `hsl()` and names).
pub fn hex_like(hex: Rgb, written: &str) -> String {
    let upper = hex.hex().to_ascii_uppercase();
    let digits = written.trim_start_matches('#');
    let is_hex = digits.chars().all(|c| c.is_ascii_hexdigit());
    let lower = is_hex
        && digits.chars().any(|c| c.is_ascii_alphabetic())
        && !digits.chars().any(|c| c.is_ascii_uppercase());
    let text = if lower {
        upper.to_ascii_lowercase()
    } else {
        upper
    };
    if is_hex && !written.starts_with('#') {
        text.trim_start_matches('#').to_string()
    } else {
        text
    }
}

pub fn is_color_property(name: &str) -> bool {
    name.starts_with("--")
        || name.contains("color")
        || name.starts_with("background")
        || name.starts_with("border")
        || name.starts_with("outline")
        || name.starts_with("text-decoration")
        || name.starts_with("column-rule")
        || matches!(
            name,
            "fill" | "stroke" | "box-shadow" | "text-shadow" | "filter" | "mask"
        )
}

type Err<'i> = ParseError<'i, ()>;

/// Deepest nesting of functions and blocks searched for colors (`calc(calc(…))` from a
/// hostile page must not exhaust the stack; real values nest a few levels).
pub const MAX_VALUE_DEPTH: usize = 32;

/// Every color in a CSS value, with its byte range in the value. Colors nested deeper
/// than [`MAX_VALUE_DEPTH`] functions are not found (see `html/too-complex`).
pub fn colors_in(value: &str) -> Vec<CssColor> {
    let mut input = ParserInput::new(value);
    let mut p = Parser::new(&mut input);
    let mut out = Vec::new();
    walk(&mut p, &mut out, 0);
    out
}

fn walk(p: &mut Parser, out: &mut Vec<CssColor>, depth: usize) {
    let deeper = depth < MAX_VALUE_DEPTH;
    loop {
        p.skip_whitespace();
        let start = p.position();
        let token = match p.next() {
            Ok(t) => t.clone(),
            Err(_) => return,
        };
        let found = match &token {
            Token::Hash(h) | Token::IDHash(h) => hex(h),
            Token::Ident(name) => named(name),
            Token::Function(name) => {
                let name = name.to_ascii_lowercase();
                if matches!(name.as_str(), "rgb" | "rgba" | "hsl" | "hsla") {
                    let parts = p
                        .parse_nested_block(|p| -> Result<_, Err> { Ok(components(p)) })
                        .unwrap_or_default();
                    function(&name, &parts)
                } else if name == "url" {
                    let _ = p.parse_nested_block(|p| -> Result<_, Err> {
                        while p.next().is_ok() {}
                        Ok(())
                    });
                    None
                } else {
                    if deeper {
                        let _ = p.parse_nested_block(|p| -> Result<_, Err> {
                            walk(p, out, depth + 1);
                            Ok(())
                        });
                    }
                    None
                }
            }
            Token::ParenthesisBlock | Token::SquareBracketBlock | Token::CurlyBracketBlock => {
                if deeper {
                    let _ = p.parse_nested_block(|p| -> Result<_, Err> {
                        walk(p, out, depth + 1);
                        Ok(())
                    });
                }
                None
            }
            _ => None,
        };
        if let Some((rgb, alpha)) = found {
            let s = start.byte_index();
            let text = p.slice_from(start).trim().to_string();
            out.push(CssColor {
                rgb,
                alpha,
                range: s..s + text.len(),
                text,
            });
        }
    }
}

/// Parses a whole attribute value as one color (`#fff`, `red`, `rgb(…)`).
pub fn parse_color(value: &str) -> Option<CssColor> {
    let value = value.trim();
    let mut colors = colors_in(value);
    if colors.len() == 1 && colors[0].text.len() == value.len() {
        return colors.pop();
    }
    // legacy HTML attributes accept hex without '#'
    if value.len() == 6 && value.chars().all(|c| c.is_ascii_hexdigit()) {
        let (rgb, alpha) = hex(value)?;
        return Some(CssColor {
            rgb,
            alpha,
            range: 0..6,
            text: value.to_string(),
        });
    }
    None
}

#[derive(Debug, Clone, Copy)]
enum Part {
    Number(f32),
    Percent(f32),
    Angle(f32),
}

fn components(p: &mut Parser) -> Vec<Part> {
    let mut out = Vec::new();
    while let Ok(t) = p.next() {
        match t {
            Token::Number { value, .. } => out.push(Part::Number(*value)),
            Token::Percentage { unit_value, .. } => out.push(Part::Percent(*unit_value)),
            Token::Dimension { value, unit, .. } => {
                let deg = match unit.to_ascii_lowercase().as_str() {
                    "deg" => *value,
                    "grad" => value * 0.9,
                    "rad" => value.to_degrees(),
                    "turn" => value * 360.0,
                    _ => return Vec::new(),
                };
                out.push(Part::Angle(deg));
            }
            Token::Ident(i) if i.eq_ignore_ascii_case("none") => out.push(Part::Number(0.0)),
            Token::Comma | Token::Delim('/') | Token::WhiteSpace(_) => {}
            _ => return Vec::new(),
        }
    }
    out
}

fn function(name: &str, parts: &[Part]) -> Option<(Rgb, f32)> {
    if parts.len() < 3 || parts.len() > 4 {
        return None;
    }
    let alpha = match parts.get(3) {
        Some(Part::Number(a)) => a.clamp(0.0, 1.0),
        Some(Part::Percent(a)) => a.clamp(0.0, 1.0),
        Some(Part::Angle(_)) => return None,
        None => 1.0,
    };
    let unit = |p: Part, scale: f32| match p {
        Part::Number(v) => Some((v / scale).clamp(0.0, 1.0)),
        Part::Percent(v) => Some(v.clamp(0.0, 1.0)),
        Part::Angle(_) => None,
    };
    let (r, g, b) = if name.starts_with("rgb") {
        (
            unit(parts[0], 255.0)?,
            unit(parts[1], 255.0)?,
            unit(parts[2], 255.0)?,
        )
    } else {
        let h = match parts[0] {
            Part::Number(v) | Part::Angle(v) => v.rem_euclid(360.0),
            Part::Percent(_) => return None,
        };
        let s = unit(parts[1], 100.0)?;
        let l = unit(parts[2], 100.0)?;
        hsl_to_rgb(h, s, l)
    };
    let byte = |v: f32| (v * 255.0).round() as u8;
    Some((Rgb(byte(r), byte(g), byte(b)), alpha))
}

fn hsl_to_rgb(h: f32, s: f32, l: f32) -> (f32, f32, f32) {
    let f = |n: f32| {
        let k = (n + h / 30.0) % 12.0;
        let a = s * l.min(1.0 - l);
        l - a * (k - 3.0).min(9.0 - k).clamp(-1.0, 1.0)
    };
    (f(0.0), f(8.0), f(4.0))
}

fn hex(digits: &str) -> Option<(Rgb, f32)> {
    if !digits.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let v = |s: &str| u8::from_str_radix(s, 16).ok();
    let d = digits;
    let double = |i: usize| v(&d[i..i + 1]).map(|x| x * 17);
    match d.len() {
        3 => Some((Rgb(double(0)?, double(1)?, double(2)?), 1.0)),
        4 => Some((
            Rgb(double(0)?, double(1)?, double(2)?),
            double(3)? as f32 / 255.0,
        )),
        6 => Some((Rgb(v(&d[0..2])?, v(&d[2..4])?, v(&d[4..6])?), 1.0)),
        8 => Some((
            Rgb(v(&d[0..2])?, v(&d[2..4])?, v(&d[4..6])?),
            v(&d[6..8])? as f32 / 255.0,
        )),
        _ => None,
    }
}

/// A CSS named color (`transparent` is fully transparent; `currentColor` is not a color).
pub fn named(name: &str) -> Option<(Rgb, f32)> {
    let lower = name.to_ascii_lowercase();
    if lower == "transparent" {
        return Some((Rgb(0, 0, 0), 0.0));
    }
    NAMED
        .binary_search_by(|(n, _)| n.cmp(&lower.as_str()))
        .ok()
        .map(|i| {
            let v = NAMED[i].1;
            (Rgb((v >> 16) as u8, (v >> 8) as u8, v as u8), 1.0)
        })
}

/// The CSS Color 4 named colors, sorted by name.
const NAMED: &[(&str, u32)] = &[
    ("aliceblue", 0xF0F8FF),
    ("antiquewhite", 0xFAEBD7),
    ("aqua", 0x00FFFF),
    ("aquamarine", 0x7FFFD4),
    ("azure", 0xF0FFFF),
    ("beige", 0xF5F5DC),
    ("bisque", 0xFFE4C4),
    ("black", 0x000000),
    ("blanchedalmond", 0xFFEBCD),
    ("blue", 0x0000FF),
    ("blueviolet", 0x8A2BE2),
    ("brown", 0xA52A2A),
    ("burlywood", 0xDEB887),
    ("cadetblue", 0x5F9EA0),
    ("chartreuse", 0x7FFF00),
    ("chocolate", 0xD2691E),
    ("coral", 0xFF7F50),
    ("cornflowerblue", 0x6495ED),
    ("cornsilk", 0xFFF8DC),
    ("crimson", 0xDC143C),
    ("cyan", 0x00FFFF),
    ("darkblue", 0x00008B),
    ("darkcyan", 0x008B8B),
    ("darkgoldenrod", 0xB8860B),
    ("darkgray", 0xA9A9A9),
    ("darkgreen", 0x006400),
    ("darkgrey", 0xA9A9A9),
    ("darkkhaki", 0xBDB76B),
    ("darkmagenta", 0x8B008B),
    ("darkolivegreen", 0x556B2F),
    ("darkorange", 0xFF8C00),
    ("darkorchid", 0x9932CC),
    ("darkred", 0x8B0000),
    ("darksalmon", 0xE9967A),
    ("darkseagreen", 0x8FBC8F),
    ("darkslateblue", 0x483D8B),
    ("darkslategray", 0x2F4F4F),
    ("darkslategrey", 0x2F4F4F),
    ("darkturquoise", 0x00CED1),
    ("darkviolet", 0x9400D3),
    ("deeppink", 0xFF1493),
    ("deepskyblue", 0x00BFFF),
    ("dimgray", 0x696969),
    ("dimgrey", 0x696969),
    ("dodgerblue", 0x1E90FF),
    ("firebrick", 0xB22222),
    ("floralwhite", 0xFFFAF0),
    ("forestgreen", 0x228B22),
    ("fuchsia", 0xFF00FF),
    ("gainsboro", 0xDCDCDC),
    ("ghostwhite", 0xF8F8FF),
    ("gold", 0xFFD700),
    ("goldenrod", 0xDAA520),
    ("gray", 0x808080),
    ("green", 0x008000),
    ("greenyellow", 0xADFF2F),
    ("grey", 0x808080),
    ("honeydew", 0xF0FFF0),
    ("hotpink", 0xFF69B4),
    ("indianred", 0xCD5C5C),
    ("indigo", 0x4B0082),
    ("ivory", 0xFFFFF0),
    ("khaki", 0xF0E68C),
    ("lavender", 0xE6E6FA),
    ("lavenderblush", 0xFFF0F5),
    ("lawngreen", 0x7CFC00),
    ("lemonchiffon", 0xFFFACD),
    ("lightblue", 0xADD8E6),
    ("lightcoral", 0xF08080),
    ("lightcyan", 0xE0FFFF),
    ("lightgoldenrodyellow", 0xFAFAD2),
    ("lightgray", 0xD3D3D3),
    ("lightgreen", 0x90EE90),
    ("lightgrey", 0xD3D3D3),
    ("lightpink", 0xFFB6C1),
    ("lightsalmon", 0xFFA07A),
    ("lightseagreen", 0x20B2AA),
    ("lightskyblue", 0x87CEFA),
    ("lightslategray", 0x778899),
    ("lightslategrey", 0x778899),
    ("lightsteelblue", 0xB0C4DE),
    ("lightyellow", 0xFFFFE0),
    ("lime", 0x00FF00),
    ("limegreen", 0x32CD32),
    ("linen", 0xFAF0E6),
    ("magenta", 0xFF00FF),
    ("maroon", 0x800000),
    ("mediumaquamarine", 0x66CDAA),
    ("mediumblue", 0x0000CD),
    ("mediumorchid", 0xBA55D3),
    ("mediumpurple", 0x9370DB),
    ("mediumseagreen", 0x3CB371),
    ("mediumslateblue", 0x7B68EE),
    ("mediumspringgreen", 0x00FA9A),
    ("mediumturquoise", 0x48D1CC),
    ("mediumvioletred", 0xC71585),
    ("midnightblue", 0x191970),
    ("mintcream", 0xF5FFFA),
    ("mistyrose", 0xFFE4E1),
    ("moccasin", 0xFFE4B5),
    ("navajowhite", 0xFFDEAD),
    ("navy", 0x000080),
    ("oldlace", 0xFDF5E6),
    ("olive", 0x808000),
    ("olivedrab", 0x6B8E23),
    ("orange", 0xFFA500),
    ("orangered", 0xFF4500),
    ("orchid", 0xDA70D6),
    ("palegoldenrod", 0xEEE8AA),
    ("palegreen", 0x98FB98),
    ("paleturquoise", 0xAFEEEE),
    ("palevioletred", 0xDB7093),
    ("papayawhip", 0xFFEFD5),
    ("peachpuff", 0xFFDAB9),
    ("peru", 0xCD853F),
    ("pink", 0xFFC0CB),
    ("plum", 0xDDA0DD),
    ("powderblue", 0xB0E0E6),
    ("purple", 0x800080),
    ("rebeccapurple", 0x663399),
    ("red", 0xFF0000),
    ("rosybrown", 0xBC8F8F),
    ("royalblue", 0x4169E1),
    ("saddlebrown", 0x8B4513),
    ("salmon", 0xFA8072),
    ("sandybrown", 0xF4A460),
    ("seagreen", 0x2E8B57),
    ("seashell", 0xFFF5EE),
    ("sienna", 0xA0522D),
    ("silver", 0xC0C0C0),
    ("skyblue", 0x87CEEB),
    ("slateblue", 0x6A5ACD),
    ("slategray", 0x708090),
    ("slategrey", 0x708090),
    ("snow", 0xFFFAFA),
    ("springgreen", 0x00FF7F),
    ("steelblue", 0x4682B4),
    ("tan", 0xD2B48C),
    ("teal", 0x008080),
    ("thistle", 0xD8BFD8),
    ("tomato", 0xFF6347),
    ("turquoise", 0x40E0D0),
    ("violet", 0xEE82EE),
    ("wheat", 0xF5DEB3),
    ("white", 0xFFFFFF),
    ("whitesmoke", 0xF5F5F5),
    ("yellow", 0xFFFF00),
    ("yellowgreen", 0x9ACD32),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn guide() -> Guide {
        Guide::load(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    #[test]
    fn reads_every_color_syntax_with_ranges() {
        let v = "1px solid #1f5c4a, rgba(31, 92, 74, .5) hsl(120deg 50% 50% / 20%) Tomato #0000 var(--x, #ABC)";
        let c = colors_in(v);
        let texts: Vec<_> = c.iter().map(|c| &v[c.range.clone()]).collect();
        assert_eq!(
            texts,
            [
                "#1f5c4a",
                "rgba(31, 92, 74, .5)",
                "hsl(120deg 50% 50% / 20%)",
                "Tomato",
                "#0000",
                "#ABC"
            ]
        );
        assert_eq!(c[0].rgb, Rgb(0x1F, 0x5C, 0x4A));
        assert_eq!(c[1].rgb, Rgb(31, 92, 74));
        assert!((c[1].alpha - 0.5).abs() < 1e-6);
        assert_eq!(c[2].rgb, Rgb(64, 191, 64));
        assert_eq!(c[3].rgb, Rgb(255, 99, 71));
        assert_eq!(c[4].alpha, 0.0);
        assert!(
            colors_in("currentColor inherit transparent")
                .iter()
                .all(|c| c.alpha == 0.0)
        );
        assert!(NAMED.windows(2).all(|w| w[0].0 < w[1].0), "sorted");
    }

    /// The classifier before its bounds: every entry and every blend by CIEDE2000.
    fn reference_class(p: &Palette, rgb: Rgb) -> PixelClass {
        let lab = rgb.to_lab();
        if p.entries
            .iter()
            .any(|e| e.lab.difference(lab) <= p.tolerance)
        {
            return PixelClass::Palette;
        }
        let px = [f32::from(rgb.0), f32::from(rgb.1), f32::from(rgb.2)];
        let lin: LinSrgb = rgb.to_srgb().into_linear();
        let mut best: Option<(f32, u16, f32)> = None;
        for (i, &(a, b)) in p.pairs.iter().enumerate() {
            let (sa, sb) = (&p.entries[a], &p.entries[b]);
            let ca = [sa.hex.0, sa.hex.1, sa.hex.2].map(f32::from);
            let cb = [sb.hex.0, sb.hex.1, sb.hex.2].map(f32::from);
            let t = project(px, ca, cb);
            let mix = Srgb::new(
                (ca[0] + t * (cb[0] - ca[0])) / 255.0,
                (ca[1] + t * (cb[1] - ca[1])) / 255.0,
                (ca[2] + t * (cb[2] - ca[2])) / 255.0,
            );
            let mix: Lab = mix.into_color();
            let d = mix.difference(lab);
            if best.is_none_or(|(bd, _, _)| d < bd) {
                best = Some((d, i as u16, t));
            }
            let la = [sa.lin.red, sa.lin.green, sa.lin.blue];
            let lb = [sb.lin.red, sb.lin.green, sb.lin.blue];
            let tl = project([lin.red, lin.green, lin.blue], la, lb);
            let mix = LinSrgb::new(
                la[0] + tl * (lb[0] - la[0]),
                la[1] + tl * (lb[1] - la[1]),
                la[2] + tl * (lb[2] - la[2]),
            );
            let mix: Lab = mix.into_color();
            let d = mix.difference(lab);
            if best.is_none_or(|(bd, _, _)| d < bd) {
                best = Some((d, i as u16, tl));
            }
        }
        match best {
            Some((d, pair, t)) if d <= BLEND_TOLERANCE && t > 0.0 && t < 1.0 => PixelClass::Blend {
                pair,
                step: (t * 63.0).round() as u8,
            },
            _ => PixelClass::Off,
        }
    }

    /// The bounds only skip work: on random colors, on colors near every blend and on
    /// the palette itself, the fast classifier answers exactly as the full computation.
    #[test]
    fn bounded_classifier_agrees_with_the_full_computation() {
        let g = guide();
        let p = Palette::new(&g);
        let mut colors: Vec<Rgb> = Vec::new();
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            colors.push(Rgb(
                (state >> 8) as u8,
                (state >> 24) as u8,
                (state >> 40) as u8,
            ));
        }
        // blends of every pair in sRGB, nudged by up to ±4 per channel
        for &(a, b) in &p.pairs {
            let (ha, hb) = (p.entries[a].hex, p.entries[b].hex);
            for k in 0..=32 {
                let t = k as f32 / 32.0;
                let mix = |x: u8, y: u8| f32::from(x) + t * (f32::from(y) - f32::from(x));
                for d in [-4i32, -2, 0, 1, 3] {
                    let c = |v: f32| (v.round() as i32 + d).clamp(0, 255) as u8;
                    colors.push(Rgb(
                        c(mix(ha.0, hb.0)),
                        c(mix(ha.1, hb.1)),
                        c(mix(ha.2, hb.2)),
                    ));
                }
            }
        }
        colors.extend(p.entries.iter().map(|e| e.hex));
        let mut pixels = p.pixels();
        let (mut settled, mut blends) = (0, 0);
        for &c in &colors {
            let key = (u32::from(c.0) << 16) | (u32::from(c.1) << 8) | u32::from(c.2);
            let want = reference_class(&p, c);
            assert_eq!(p.pixel_class(c), want, "{}", c.hex());
            assert_eq!(pixels.get(key), want, "{} (cell table)", c.hex());
            // a cell is decided once its colors have been looked up CELL_VISITS times;
            // before that, none of them is surely off
            if (0..=CELL_VISITS).any(|_| p.bounds().surely_off(key, p.tolerance)) {
                settled += 1;
            }
            if matches!(want, PixelClass::Blend { .. }) {
                blends += 1;
            }
        }
        // the test covers both kinds of answers, and the table settles most colors
        assert!(blends > 500, "{blends}");
        assert!(settled > colors.len() / 3, "{settled} of {}", colors.len());
    }

    /// Lab boxes hold the `palette` crate's own Lab values.
    #[test]
    fn lab_boxes_hold_the_colors_they_bound() {
        for v in (0..=255u32).step_by(5) {
            for c in [
                Rgb(v as u8, 0, 255 - v as u8),
                Rgb(v as u8, v as u8, v as u8),
                Rgb(255, v as u8, 17),
            ] {
                let lab = c.to_lab();
                let b = LabBox::of_rgb(c);
                assert!(
                    b.l[0] <= lab.l && lab.l <= b.l[1],
                    "{} {lab:?} {b:?}",
                    c.hex()
                );
                assert!(
                    b.a[0] <= lab.a && lab.a <= b.a[1],
                    "{} {lab:?} {b:?}",
                    c.hex()
                );
                assert!(
                    b.b[0] <= lab.b && lab.b <= b.b[1],
                    "{} {lab:?} {b:?}",
                    c.hex()
                );
                // the exact test's point box: its own Lab value, and every hue h' its
                // a* stretched by 1 + G (G up to ½) can give
                let p = LabBox::of_lab(lab);
                assert!(p.l[0] < lab.l && lab.l < p.l[1] && p.c_min <= p.c_max);
                assert!(p.a[0] < lab.a && lab.a < p.a[1] && p.b[0] < lab.b && lab.b < p.b[1]);
                if let Some(arc) = p.hue {
                    for g in [0.0f32, 0.25, 0.5] {
                        let h = lab
                            .b
                            .atan2(lab.a * (1.0 + g))
                            .to_degrees()
                            .rem_euclid(360.0);
                        assert!(arc_distance(arc, h) == 0.0, "{} {h} {arc:?}", c.hex());
                    }
                }
            }
        }
    }

    #[test]
    fn brand_near_miss_and_off_palette() {
        let g = guide();
        let p = Palette::new(&g);
        let at = || Location::at("x.css", 1, 1);
        let c = |s: &str| colors_in(s).remove(0);
        assert!(p.check(&c("#1F5C4A"), at()).is_none(), "forest");
        assert!(
            p.check(&c("#7fc4ae"), at()).is_none(),
            "forest dark variant"
        );
        let near = p.check(&c("#2A6652"), at()).unwrap();
        assert_eq!(near.rule, "color/near-miss");
        assert_eq!(near.expected.as_deref(), Some("forest #1F5C4A"));
        assert_eq!(
            near.fix.as_deref(),
            Some("use var(--color-forest) / #1F5C4A")
        );
        let off = p.check(&c("#E63946"), at()).unwrap();
        assert_eq!(off.rule, "color/off-palette");
        assert_eq!(off.severity, crate::lint::Severity::Error);
        // pure black and white are not automatically brand colors
        assert!(p.check(&c("#000"), at()).is_some());
        assert!(p.check(&c("white"), at()).is_some());
        assert!(p.check(&c("rgba(255,0,0,0)"), at()).is_none(), "invisible");
    }

    /// What `lint --fix` writes for a near miss.
    #[test]
    fn exact_colors_for_fixes() {
        let g = guide();
        let p = Palette::new(&g);
        let c = |s: &str| colors_in(s).remove(0);
        let any = |_: &str| true;
        let none = |_: &str| false;
        assert_eq!(
            p.exact_for(&c("#2A6652"), &any).as_deref(),
            Some("var(--color-forest)")
        );
        assert_eq!(
            p.exact_for(&c("#2A6652"), &none).as_deref(),
            Some("#1F5C4A")
        );
        assert_eq!(
            p.exact_for(&c("#2a6652"), &none).as_deref(),
            Some("#1f5c4a")
        );
        assert_eq!(
            p.exact_for(&c("rgb(42, 102, 82)"), &none).as_deref(),
            Some("#1F5C4A")
        );
        // only near misses, and only opaque ones
        assert_eq!(p.exact_for(&c("#1F5C4A"), &any), None);
        assert_eq!(p.exact_for(&c("#E63946"), &any), None);
        assert_eq!(p.exact_for(&c("#2A665280"), &any), None);
        // a legacy attribute value without '#' keeps that style
        let legacy = parse_color("2A6652").unwrap();
        assert_eq!(p.exact_for(&legacy, &none).as_deref(), Some("1F5C4A"));
        // a near miss of a dark variant is its hex: the property is the light color
        let dark = ["#78BEA8", "#84C8B2", "#7AC0AA", "#86CAB4", "#76BBA5"]
            .into_iter()
            .map(c)
            .find(|x| matches!(p.classify(x.rgb), Verdict::NearMiss { dark: true, .. }))
            .expect("a near miss of a dark variant");
        assert!(p.exact_for(&dark, &any).unwrap().starts_with('#'));
    }
}
