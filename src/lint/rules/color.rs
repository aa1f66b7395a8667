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
            Finding::new(rule, location, message)
                .expected(format!("{name}{variant} {hex}"))
                .found(color.text.clone())
                .fix(format!("use var(--color-{name}) / {hex}")),
        )
    }

    /// What one pixel color is: a palette color (or dark variant), a blend of two palette
    /// colors, or off the palette. Uncached: see [`PixelClassifier`].
    pub fn pixel_class(&self, rgb: Rgb) -> PixelClass {
        let lab = rgb.to_lab();
        if self
            .entries
            .iter()
            .any(|e| e.lab.difference(lab) <= self.tolerance)
        {
            return PixelClass::Palette;
        }
        // The nearest blend of two palette colors, mixed in sRGB (how most tools
        // anti-alias and interpolate gradients) and in linear light.
        let px = [f32::from(rgb.0), f32::from(rgb.1), f32::from(rgb.2)];
        let lin: LinSrgb = rgb.to_srgb().into_linear();
        let mut best: Option<(f32, u16, f32)> = None;
        for (i, &(a, b)) in self.pairs.iter().enumerate() {
            let (sa, sb) = (&self.entries[a], &self.entries[b]);
            let ca = [
                f32::from(sa.hex.0),
                f32::from(sa.hex.1),
                f32::from(sa.hex.2),
            ];
            let cb = [
                f32::from(sb.hex.0),
                f32::from(sb.hex.1),
                f32::from(sb.hex.2),
            ];
            let t = project(px, ca, cb);
            let mix = Srgb::new(
                (ca[0] + t * (cb[0] - ca[0])) / 255.0,
                (ca[1] + t * (cb[1] - ca[1])) / 255.0,
                (ca[2] + t * (cb[2] - ca[2])) / 255.0,
            );
            let mix_lab: Lab = mix.into_color();
            let d = mix_lab.difference(lab);
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
            let mix_lab: Lab = mix.into_color();
            let d = mix_lab.difference(lab);
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

    /// A classifier of an image's pixel colors, caching each color's class.
    pub fn pixels(&self) -> PixelClassifier<'_> {
        PixelClassifier {
            palette: self,
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

/// Distinct colors an image's classifier classifies exactly; beyond, by 5-bit buckets.
pub const MAX_EXACT_COLORS: usize = 1 << 16;
/// Marks a cache key as a bucket, apart from the exact color of the same value.
const QUANTIZED: u32 = 1 << 24;

/// [`Palette::pixel_class`] with a per-color cache, for one image. Each distinct color is
/// classified once; past [`MAX_EXACT_COLORS`] (noise, a photo, a hostile file) new colors
/// are classified by their 5-bit bucket's center, so the work stays bounded whatever the
/// image holds.
pub struct PixelClassifier<'p> {
    palette: &'p Palette,
    cache: HashMap<u32, PixelClass, BuildFast>,
    exact: usize,
}

impl PixelClassifier<'_> {
    /// The class of the packed color `0xRRGGBB`.
    pub fn get(&mut self, key: u32) -> PixelClass {
        if let Some(class) = self.cache.get(&key) {
            return *class;
        }
        let (key, color) = if self.exact < MAX_EXACT_COLORS {
            self.exact += 1;
            (key, key)
        } else {
            let center = (key & 0xF8F8F8) | 0x040404;
            if let Some(class) = self.cache.get(&(center | QUANTIZED)) {
                return *class;
            }
            (center | QUANTIZED, center)
        };
        let palette = self.palette;
        *self.cache.entry(key).or_insert_with(|| {
            palette.pixel_class(Rgb((color >> 16) as u8, (color >> 8) as u8, color as u8))
        })
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
}
