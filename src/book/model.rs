//! What the book shows, computed once from the guide and its files; the HTML page and the
//! PDF only lay it out.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::assets::{Assets, Content, Picture};
use crate::brand::{Guide, Rgb, Script, color};
use crate::error::{Error, Result};
use crate::text::FontChoice;

/// Latin specimen text: the brand's own kind of copy, with figures and punctuation.
pub const LATIN_SAMPLE: &str =
    "Slow-roasted beans, brewed cold for 18 hours. Order by LINE before 10:30 — 120 THB.";
/// Thai specimen text with stacked marks (ที่นี่ ผู้ใหญ่ ปั้น กุ้ง น้ำ) and a line of real Thai
/// marketing copy ("ประสบการณ์ลูกค้าที่…ไร้ที่ติ", from a Thai article on omnichannel
/// marketing), short enough for the guide's sentence length.
pub const THAI_SAMPLE: &str =
    "ที่นี่คั่วเมล็ดกาแฟเองทุกเช้า ผู้ใหญ่ใจดีปั้นแก้ว ข้าวผัดกุ้งกับน้ำผึ้งมะนาว 89 บาท ประสบการณ์ลูกค้าที่ไร้ที่ติ";
/// The short specimen line set large.
pub const DISPLAY_LATIN: &str = "Tonkla Coffee Aa Gg 0123";
/// The short Thai specimen line set large.
pub const DISPLAY_THAI: &str = "ต้นกล้า ที่นี่ ผู้ใหญ่ ปั้น กุ้ง น้ำ";

/// The most palette colors a book shows (its contrast matrix has one cell per pair).
pub const MAX_COLORS: usize = 40;

/// One palette color.
#[derive(Debug, Clone)]
pub struct Swatch {
    pub name: String,
    pub role: String,
    pub rgb: Rgb,
    /// The guide's print values (C, M, Y, K in percent); without them the print channel
    /// prints the color as RGB.
    pub cmyk: Option<[f32; 4]>,
    pub dark: Option<Rgb>,
    pub spot: Option<String>,
}

/// WCAG grade of a text/background pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grade {
    /// 7:1 and more.
    Aaa,
    /// 4.5:1 and more.
    Aa,
    /// 3:1 and more: large text only (24 px, or 18.66 px bold).
    AaLarge,
    Fail,
}

impl Grade {
    pub fn of(ratio: f32) -> Grade {
        if ratio >= 7.0 {
            Grade::Aaa
        } else if ratio >= color::AA_NORMAL {
            Grade::Aa
        } else if ratio >= color::AA_LARGE {
            Grade::AaLarge
        } else {
            Grade::Fail
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Grade::Aaa => "AAA",
            Grade::Aa => "AA",
            Grade::AaLarge => "AA large",
            Grade::Fail => "fail",
        }
    }

    /// CSS class / short key.
    pub fn key(self) -> &'static str {
        match self {
            Grade::Aaa => "aaa",
            Grade::Aa => "aa",
            Grade::AaLarge => "large",
            Grade::Fail => "fail",
        }
    }
}

/// One cell of the contrast matrix: swatch `text` on swatch `background`.
#[derive(Debug, Clone)]
pub struct Cell {
    pub text: usize,
    pub background: usize,
    pub ratio: f32,
    pub grade: Grade,
    /// The guide lists this pair in `[colors] pairs`.
    pub declared: bool,
    /// The pair's declared exception, with its reason.
    pub exception: Option<String>,
}

/// One font role at one weight.
#[derive(Debug, Clone)]
pub struct Specimen {
    pub role: String,
    /// The weight of the faces shown (from the files).
    pub weight: u16,
    /// The role's declared weight (what its text uses by default).
    pub role_weight: u16,
    pub latin_family: String,
    pub thai_family: String,
    pub latin_file: PathBuf,
    pub thai_file: PathBuf,
    pub choice: FontChoice,
    /// The role's CSS stack, as `brand.css` writes it.
    pub css_stack: String,
    /// Display size in px (the role's largest size, at most 48).
    pub display_px: f32,
    /// Text size in px (the role's smallest size, at least 16).
    pub text_px: f32,
}

/// A minimum logo size.
#[derive(Debug, Clone)]
pub struct MinSize {
    pub channel: &'static str,
    pub value: f32,
    /// "px" or "mm".
    pub unit: &'static str,
}

/// The logo and its rules.
pub struct LogoRules {
    /// File name as the book folder holds it.
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub picture: Arc<Picture>,
    /// The logo with its colors swapped for other palette colors (an SVG logo only).
    pub recolored: Option<(Vec<u8>, Arc<Picture>)>,
    pub alt: String,
    /// Fraction of the logo's height kept clear on every side.
    pub clear_space: f32,
    /// Swatch indexes the logo may sit on.
    pub allowed: Vec<usize>,
    /// A swatch the logo may not sit on (the first the guide does not allow).
    pub disallowed: Option<usize>,
    pub min_sizes: Vec<MinSize>,
    /// The guide's dark-mode variant (`[logo] dark`): its file name in the book folder,
    /// its bytes and the picture.
    pub dark: Option<(String, Vec<u8>, Arc<Picture>)>,
    /// Swatch indexes of allowed backgrounds whose dark variant is darker than the color:
    /// the surfaces the dark logo meets in dark mode.
    pub dark_backgrounds: Vec<usize>,
}

/// Tone rules.
#[derive(Debug, Clone)]
pub struct ToneRules {
    pub banned: Vec<String>,
    /// (preferred, instead of).
    pub preferred: Vec<(String, Vec<String>)>,
    /// (canonical spelling, a wrong one).
    pub spellings: Vec<(String, String)>,
    pub max_sentence_words: Option<usize>,
    pub max_exclamations: Option<usize>,
    /// (channel, its sentence length, its exclamations).
    pub channels: Vec<(String, Option<usize>, Option<usize>)>,
}

/// Everything the book shows.
pub struct Book {
    pub brand: String,
    pub swatches: Vec<Swatch>,
    pub cells: Vec<Cell>,
    pub specimens: Vec<Specimen>,
    pub logo: LogoRules,
    pub tone: ToneRules,
    /// The guide's bytes' SHA-256, hex (the PDF's document id).
    pub guide_hash: String,
}

impl Book {
    pub fn from_guide(guide: &Guide, assets: &Assets) -> Result<Book> {
        let colors = guide.colors.palette.len();
        if colors > MAX_COLORS {
            return Err(Error::file(
                &guide.source.path,
                format!(
                    "[colors] has {colors} colors; the brand book's contrast matrix shows at most {MAX_COLORS}"
                ),
            ));
        }
        let swatches: Vec<Swatch> = guide
            .palette()
            .map(|(name, def)| Swatch {
                name: name.to_string(),
                role: def.role.get_ref().clone(),
                rgb: def.hex,
                cmyk: def.cmyk.as_ref().map(|v| *v.get_ref()),
                dark: def.dark,
                spot: def.spot.as_ref().map(|s| s.get_ref().clone()),
            })
            .collect();
        let index = |name: &str| swatches.iter().position(|s| s.name == name);
        let mut cells = Vec::new();
        for (t, text) in swatches.iter().enumerate() {
            for (b, bg) in swatches.iter().enumerate() {
                if t == b {
                    continue;
                }
                let pair =
                    guide.colors.pairs.iter().find(|p| {
                        p.text.get_ref() == &text.name && p.background.get_ref() == &bg.name
                    });
                let ratio = text.rgb.contrast(bg.rgb);
                cells.push(Cell {
                    text: t,
                    background: b,
                    ratio,
                    grade: Grade::of(ratio),
                    declared: pair.is_some(),
                    exception: pair.and_then(|p| p.exception.as_ref().map(|e| e.get_ref().clone())),
                });
            }
        }
        let specimens = specimens(guide, assets)?;
        let logo = logo_rules(guide, assets, &swatches, &index)?;
        let tone = tone_rules(guide);
        use sha2::Digest;
        let guide_hash = sha2::Sha256::digest(guide.source.text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Ok(Book {
            brand: guide.brand.name.clone(),
            swatches,
            cells,
            specimens,
            logo,
            tone,
            guide_hash,
        })
    }

    /// The cell of `text` on `background` (none on the diagonal).
    pub fn cell(&self, text: usize, background: usize) -> Option<&Cell> {
        self.cells
            .iter()
            .find(|c| c.text == text && c.background == background)
    }
}

/// `C 66 M 0 Y 20 K 64`, or what the print channel does without values.
pub fn cmyk_label(cmyk: Option<[f32; 4]>) -> String {
    match cmyk {
        Some([c, m, y, k]) => format!("C {c} M {m} Y {y} K {k}"),
        None => "none declared: prints as RGB".to_string(),
    }
}

/// `RGB 31 92 74`.
pub fn rgb_label(rgb: Rgb) -> String {
    format!("RGB {} {} {}", rgb.0, rgb.1, rgb.2)
}

fn specimens(guide: &Guide, assets: &Assets) -> Result<Vec<Specimen>> {
    let store = assets.font_store();
    let weight_of = |path: &PathBuf| {
        store
            .id_for_path(path)
            .and_then(|id| store.face(id))
            .map(|f| f.ttf().weight().to_number())
    };
    let path_of = |id| {
        assets
            .fonts()
            .files()
            .iter()
            .find(|f| f.face == id)
            .map(|f| f.path.clone())
            .ok_or_else(|| Error::file(&guide.source.path, "a font face has no file"))
    };
    let mut out = Vec::new();
    for (role_name, role) in &guide.fonts {
        let mut weights: Vec<u16> = guide
            .font_files(role, Script::Latin)
            .iter()
            .chain(guide.font_files(role, Script::Thai).iter())
            .filter_map(weight_of)
            .collect();
        weights.sort_unstable();
        weights.dedup();
        // The role's own weight first, then the others its files have.
        weights.sort_by_key(|w| (*w != role.weight, *w));
        if weights.is_empty() {
            weights.push(role.weight);
        }
        let (min, max) = role.size.map(|s| (s.min, s.max)).unwrap_or((16.0, 32.0));
        for weight in weights {
            let choice = crate::text::brand::role_choice(guide, store, role, weight)?;
            out.push(Specimen {
                role: role_name.clone(),
                weight,
                role_weight: role.weight,
                latin_family: role.latin.family.get_ref().clone(),
                thai_family: role.thai.family.get_ref().clone(),
                latin_file: path_of(choice.latin)?,
                thai_file: path_of(choice.thai)?,
                choice,
                css_stack: guide.css_stack(role),
                display_px: max.clamp(16.0, 48.0),
                text_px: min.clamp(16.0, 24.0),
            });
        }
    }
    Ok(out)
}

fn logo_rules(
    guide: &Guide,
    assets: &Assets,
    swatches: &[Swatch],
    index: &dyn Fn(&str) -> Option<usize>,
) -> Result<LogoRules> {
    let path = assets.logo_path()?.to_path_buf();
    let picture = assets.logo()?;
    let bytes = picture.bytes.clone();
    let ext = match picture.content {
        Content::Svg(_) => "svg",
        Content::Raster(_) => path.extension().and_then(|e| e.to_str()).unwrap_or("png"),
    };
    let file_name = format!("logo.{}", ext.to_ascii_lowercase());
    let recolored = match picture.content {
        Content::Svg(_) => {
            let text = String::from_utf8_lossy(&bytes);
            let swapped = recolor_svg(&text, swatches).into_bytes();
            let pic = Picture::from_bytes(
                swapped.clone(),
                &path,
                &guide.brand_sandbox(),
                assets.svg_fonts(),
            )
            .map_err(|e| Error::file(&path, e))?;
            Some((swapped, Arc::new(pic)))
        }
        Content::Raster(_) => None,
    };
    let allowed: Vec<usize> = guide
        .logo
        .backgrounds
        .iter()
        .filter_map(|b| index(b.get_ref()))
        .collect();
    let disallowed = (0..swatches.len()).find(|i| !allowed.contains(i));
    let dark = match &guide.logo.dark {
        Some(file) => {
            let brand = guide.root.join("brand");
            let path = guide
                .sandbox
                .resolve(&brand, Path::new(file.get_ref()))
                .map_err(|e| Error::file(guide.logo_path(file.get_ref()), e))?;
            let bytes = read_limited(&path, MAX_LOGO_BYTES)?;
            let pic = Picture::from_bytes(
                bytes.clone(),
                &path,
                &guide.brand_sandbox(),
                assets.svg_fonts(),
            )
            .map_err(|e| Error::file(&path, e))?;
            let ext = match pic.content {
                Content::Svg(_) => "svg".to_string(),
                Content::Raster(_) => path
                    .extension()
                    .and_then(|e| e.to_str())
                    .unwrap_or("png")
                    .to_ascii_lowercase(),
            };
            Some((format!("logo-dark.{ext}"), bytes, Arc::new(pic)))
        }
        None => None,
    };
    let black = Rgb(0, 0, 0);
    let dark_backgrounds = allowed
        .iter()
        .copied()
        .filter(|&i| {
            let s = &swatches[i];
            s.dark
                .is_some_and(|d| d.contrast(black) < s.rgb.contrast(black))
        })
        .collect();
    let m = &guide.logo.min_size;
    Ok(LogoRules {
        file_name,
        bytes,
        picture,
        recolored,
        alt: guide.logo.alt.clone(),
        clear_space: guide.logo.clear_space,
        allowed,
        disallowed,
        min_sizes: vec![
            MinSize {
                channel: "web",
                value: m.web,
                unit: "px",
            },
            MinSize {
                channel: "email",
                value: m.email,
                unit: "px",
            },
            MinSize {
                channel: "social",
                value: m.social,
                unit: "px",
            },
            MinSize {
                channel: "print",
                value: m.print,
                unit: "mm",
            },
        ],
        dark,
        dark_backgrounds,
    })
}

/// The most bytes a logo file may have (the dark variant is read here; the logo by the
/// asset store).
pub const MAX_LOGO_BYTES: u64 = 32 << 20;

/// Reads a file of at most `limit` bytes.
fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| Error::file(path, e))?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::file(path, e))?;
    if bytes.len() as u64 > limit {
        return Err(Error::file(
            path,
            format!("is larger than {} MB, too large for a logo", limit >> 20),
        ));
    }
    Ok(bytes)
}

/// The SVG with every hex color in a fill, stroke or color property swapped for the
/// next palette color (a color off the palette becomes the first palette color): the
/// "recolored logo" of the don'ts, still in brand colors so only the misuse shows.
pub fn recolor_svg(svg: &str, swatches: &[Swatch]) -> String {
    if swatches.is_empty() {
        return svg.to_string();
    }
    let bytes = svg.as_bytes();
    let mut out = String::with_capacity(svg.len());
    let mut last = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'#' {
            i += 1;
            continue;
        }
        let digits = bytes[i + 1..]
            .iter()
            .take_while(|b| b.is_ascii_hexdigit())
            .count();
        let next_is_word = bytes
            .get(i + 1 + digits)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-');
        if !(digits == 3 || digits == 6) || next_is_word || !in_color_property(&svg[..i]) {
            i += 1;
            continue;
        }
        let Ok(rgb) = svg[i..i + 1 + digits].parse::<Rgb>() else {
            i += 1;
            continue;
        };
        let at = swatches.iter().position(|s| s.rgb == rgb);
        let to = match at {
            Some(k) => swatches[(k + 1) % swatches.len()].rgb,
            None => swatches[0].rgb,
        };
        out.push_str(&svg[last..i]);
        out.push_str(&to.hex());
        i += 1 + digits;
        last = i;
    }
    out.push_str(&svg[last..]);
    out
}

/// Whether the text just before a `#` is a fill, stroke or color value (`fill="`,
/// `style="stroke:`), not a fragment link (`href="#`, `url(#`).
fn in_color_property(before: &str) -> bool {
    if before.ends_with('(') || before.ends_with('&') {
        return false;
    }
    let start = before
        .rfind([' ', '<', ';', '{', '\n', '\t', '\r'])
        .map_or(0, |p| p + 1);
    let word = before[start..].to_ascii_lowercase();
    ["fill", "stroke", "color"].iter().any(|k| word.contains(k))
}

fn tone_rules(guide: &Guide) -> ToneRules {
    let tone = &guide.tone;
    let spellings = guide
        .brand
        .terms
        .iter()
        .map(|term| {
            let lower = term.to_lowercase();
            let wrong = if lower == *term {
                let mut c = term.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect())
                    .unwrap_or_default()
            } else {
                lower
            };
            (term.clone(), wrong)
        })
        .filter(|(a, b)| a != b)
        .collect();
    ToneRules {
        banned: tone.banned.clone(),
        preferred: tone
            .preferred
            .iter()
            .map(|p| (p.use_.clone(), p.instead_of.clone()))
            .collect(),
        spellings,
        max_sentence_words: tone.max_sentence_words,
        max_exclamations: tone.max_exclamations,
        channels: tone
            .channels
            .iter()
            .map(|(ch, o)| {
                (
                    ch.name().to_string(),
                    o.max_sentence_words,
                    o.max_exclamations,
                )
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn swatches(hexes: &[&str]) -> Vec<Swatch> {
        hexes
            .iter()
            .enumerate()
            .map(|(i, h)| Swatch {
                name: format!("c{i}"),
                role: "x".into(),
                rgb: h.parse().unwrap(),
                cmyk: None,
                dark: None,
                spot: None,
            })
            .collect()
    }

    #[test]
    fn recolor_swaps_fills_and_strokes_but_not_links_or_entities() {
        let s = swatches(&["#1F5C4A", "#6B3E26", "#F2A541"]);
        let svg = r##"<svg><title>ต้นกล้า &#123;</title><path fill="#1F5C4A" stroke="#6b3e26"/><use href="#abc"/><rect style="fill:#F2A541" fill="url(#abc)"/><circle fill="#123456"/></svg>"##;
        let out = recolor_svg(svg, &s);
        assert!(out.contains(r##"fill="#6B3E26""##), "{out}");
        assert!(out.contains(r##"stroke="#F2A541""##), "{out}");
        assert!(out.contains("fill:#1F5C4A"), "{out}");
        assert!(out.contains(r##"href="#abc""##), "{out}");
        assert!(out.contains("url(#abc)"), "{out}");
        assert!(out.contains("&#123;"), "{out}");
        assert!(
            out.contains(r##"<circle fill="#1F5C4A""##),
            "off-palette → first: {out}"
        );
    }

    #[test]
    fn grades_follow_wcag_thresholds() {
        assert_eq!(Grade::of(21.0), Grade::Aaa);
        assert_eq!(Grade::of(7.0), Grade::Aaa);
        assert_eq!(Grade::of(6.99), Grade::Aa);
        assert_eq!(Grade::of(4.5), Grade::Aa);
        assert_eq!(Grade::of(4.49), Grade::AaLarge);
        assert_eq!(Grade::of(3.0), Grade::AaLarge);
        assert_eq!(Grade::of(2.99), Grade::Fail);
    }
}
