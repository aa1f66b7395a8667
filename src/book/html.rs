//! The book as one HTML page, `index.html`, with the brand fonts (`fonts/`) and the logo
//! (`logo.svg`, and its recolored don't) beside it. The page's own colors are the
//! guide's roles and palette, its fonts the guide's roles, so `brandpress lint` passes it;
//! what it shows on purpose against the rules (failing contrast pairs, banned terms) is
//! marked with `brandpress-ignore` comments that say why.

use std::fmt::Write;
use std::path::PathBuf;

use crate::brand::{Guide, Rgb};
use crate::error::{Error, Result};

use super::model::{
    Book, DISPLAY_LATIN, DISPLAY_THAI, Grade, LATIN_SAMPLE, Specimen, THAI_SAMPLE, cmyk_label,
    rgb_label,
};

const CSS: &str = include_str!("book.css");

/// Logo height on the page, px.
const LOGO_PX: f32 = 120.0;

/// Every file of the HTML book: (path inside the book folder, bytes).
pub fn files(book: &Book, guide: &Guide) -> Result<Vec<(String, Vec<u8>)>> {
    let fonts = font_files(book)?;
    let mut out = Vec::new();
    for (path, name) in &fonts {
        let bytes = std::fs::read(path).map_err(|e| Error::file(path, e))?;
        out.push((format!("fonts/{name}"), bytes));
    }
    out.push((book.logo.file_name.clone(), book.logo.bytes.clone()));
    if let Some((bytes, _)) = &book.logo.recolored {
        out.push((recolored_name(book), bytes.clone()));
    }
    if let Some((name, bytes, _)) = &book.logo.dark {
        out.push((name.clone(), bytes.clone()));
    }
    out.push((
        "index.html".to_string(),
        page(book, guide, &fonts).into_bytes(),
    ));
    Ok(out)
}

fn recolored_name(book: &Book) -> String {
    format!("logo-recolored.{}", ext(&book.logo.file_name))
}

fn ext(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or("svg")
}

/// Each distinct font file the specimens use, with its name in `fonts/` (the file's own
/// name; a second file of the same name gets a number).
fn font_files(book: &Book) -> Result<Vec<(PathBuf, String)>> {
    let mut out: Vec<(PathBuf, String)> = Vec::new();
    for s in &book.specimens {
        for path in [&s.latin_file, &s.thai_file] {
            if out.iter().any(|(p, _)| p == path) {
                continue;
            }
            let base = path
                .file_name()
                .and_then(|n| n.to_str())
                .filter(|n| {
                    n.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
                })
                .map(str::to_string)
                .unwrap_or_else(|| format!("font-{}.ttf", out.len() + 1));
            let name = if out.iter().any(|(_, n)| *n == base) {
                format!("{}-{base}", out.len() + 1)
            } else {
                base
            };
            out.push((path.clone(), name));
        }
    }
    Ok(out)
}

/// Escapes text and quoted attribute values: [`crate::render::html::escape`].
pub use crate::render::html::escape as esc;

/// `lang` for a text: `th` when it has Thai letters.
fn lang_of(s: &str) -> &'static str {
    if s.chars().any(crate::text::is_thai) {
        "th"
    } else {
        "en"
    }
}

/// A role's color: the guide's, else the palette color nearest in luminance to
/// `fallback` (so the page never uses a color off the palette).
fn role_hex(guide: &Guide, role: &str, fallback: Rgb) -> Rgb {
    if let Some((_, def)) = guide.role(role) {
        return def.hex;
    }
    guide
        .palette()
        .map(|(_, d)| d.hex)
        .min_by(|a, b| {
            a.contrast(fallback)
                .partial_cmp(&b.contrast(fallback))
                .unwrap_or(std::cmp::Ordering::Equal)
        })
        .unwrap_or(fallback)
}

fn stylesheet(book: &Book, guide: &Guide, fonts: &[(PathBuf, String)]) -> String {
    let mut css = String::new();
    let store_weight = |path: &PathBuf| {
        book.specimens
            .iter()
            .find_map(|s| {
                if &s.latin_file == path {
                    Some((s.latin_family.clone(), s.weight))
                } else if &s.thai_file == path {
                    Some((s.thai_family.clone(), s.weight))
                } else {
                    None
                }
            })
            .unwrap_or_default()
    };
    for (path, name) in fonts {
        let (family, weight) = store_weight(path);
        let _ = writeln!(
            css,
            "@font-face {{ font-family: {}; src: url(\"fonts/{name}\") format(\"truetype\"); font-weight: {weight}; font-style: normal; font-display: swap; }}",
            crate::brand::css_family(&family)
        );
    }
    css.push_str(":root {\n");
    for s in &book.swatches {
        let _ = writeln!(css, "  --color-{}: {};", s.name, s.rgb);
    }
    let black = Rgb(0, 0, 0);
    let white = Rgb(255, 255, 255);
    for (role, fallback) in [
        ("text", black),
        ("background", white),
        ("primary", black),
        ("accent", white),
    ] {
        let _ = writeln!(css, "  --role-{role}: {};", role_hex(guide, role, fallback));
    }
    for (role, def) in &guide.fonts {
        let _ = writeln!(css, "  --font-{role}: {};", guide.css_stack(def));
        let _ = writeln!(css, "  --font-{role}-weight: {};", def.weight);
    }
    if guide.code().is_none() {
        let _ = writeln!(css, "  --font-code: {};", guide.code_stack());
    }
    css.push_str("}\n");
    for s in &book.specimens {
        let _ = writeln!(
            css,
            ".f-{}-{} {{ font-family: var(--font-{}); font-weight: {}; }}",
            s.role, s.weight, s.role, s.weight
        );
    }
    css.push_str(CSS);
    css
}

fn page(book: &Book, guide: &Guide, fonts: &[(PathBuf, String)]) -> String {
    let mut h = String::new();
    let name = esc(&book.brand);
    let _ = writeln!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"brandpress\">\n<title>{name} — brand book</title>\n<style>\n{}</style>\n</head>\n<body>",
        stylesheet(book, guide, fonts)
    );
    let logo = esc(&book.logo.file_name);
    let alt = esc(&book.logo.alt);
    let _ = writeln!(
        h,
        "<header class=\"cover\">\n<span class=\"logo-tile\"><img src=\"{logo}\" alt=\"{alt}\" height=\"{LOGO_PX}\" width=\"{w}\"></span>\n<div>\n<h1>{name}</h1>\n<p>Brand book, generated by brandpress from <code>brand/brand.toml</code>: every color, pair, font and rule below is the guide's own.</p>\n<nav><a href=\"#colors\">Colors</a><a href=\"#contrast\">Contrast</a><a href=\"#type\">Type</a><a href=\"#logo\">Logo</a><a href=\"#tone\">Tone</a><a href=\"brand-book.pdf\">PDF</a></nav>\n</div>\n</header>\n<main>",
        w = logo_width(book, LOGO_PX)
    );
    colors(&mut h, book);
    contrast(&mut h, book);
    type_specimens(&mut h, book);
    logo_rules(&mut h, book);
    tone(&mut h, book);
    let _ = writeln!(
        h,
        "<footer>Generated from the guide by brandpress {}. Fonts: {}.</footer>\n</main>\n</body>\n</html>",
        env!("CARGO_PKG_VERSION"),
        esc(&fonts
            .iter()
            .map(|(_, n)| n.as_str())
            .collect::<Vec<_>>()
            .join(", "))
    );
    h
}

/// The logo's width at `height` px, rounded.
fn logo_width(book: &Book, height: f32) -> String {
    let (w, h) = book.logo.picture.size();
    let w = if h > 0.0 { w / h * height } else { height };
    format!("{}", w.round() as i64)
}

fn colors(h: &mut String, book: &Book) {
    h.push_str("<section id=\"colors\">\n<h2>Colors</h2>\n<p class=\"lead\">Each color with its screen values, its print values and its dark-mode variant (the right-hand band). Only these colors appear in the brand's outputs.</p>\n<div class=\"swatches\">\n");
    for s in &book.swatches {
        let dark = match s.dark {
            Some(d) => format!(
                "<div class=\"chip dark\" style=\"background: {d}\" title=\"dark: {d}\"></div>"
            ),
            None => String::new(),
        };
        let _ = writeln!(
            h,
            "<figure class=\"swatch\" id=\"color-{n}\">\n<div class=\"chips\"><div class=\"chip\" style=\"background: {hex}\"></div>{dark}</div>\n<figcaption><strong>{n}</strong> · {role}\n<dl><dt>HEX</dt><dd>{hex}</dd><dt>RGB</dt><dd>{rgb}</dd><dt>CMYK</dt><dd>{cmyk}</dd><dt>Dark</dt><dd>{darkv}</dd>{spot}</dl>\n</figcaption>\n</figure>",
            n = esc(&s.name),
            role = esc(&s.role),
            hex = s.rgb,
            rgb = rgb_label(s.rgb).trim_start_matches("RGB "),
            cmyk = esc(cmyk_label(s.cmyk).trim_start_matches("CMYK ")),
            darkv = s
                .dark
                .map_or("same as light".to_string(), |d| d.to_string()),
            spot = s.spot.as_ref().map_or(String::new(), |sp| format!(
                "<dt>Spot</dt><dd>{}</dd>",
                esc(sp)
            )),
        );
    }
    h.push_str("</div>\n</section>\n");
}

fn contrast(h: &mut String, book: &Book) {
    h.push_str("<section id=\"contrast\">\n<h2>Contrast</h2>\n<p class=\"lead\">Every brand color as text (rows) on every brand color as background (columns), graded by the WCAG 2.1 contrast ratio. <strong>AAA</strong>: 7:1 and more. <strong>AA</strong>: 4.5:1 and more, for body text. <strong>AA large</strong>: 3:1 and more, for text of 24 px (18.66 px bold) and larger only. <strong>fail</strong>: below 3:1. Outlined cells are the pairs the guide declares; † marks a declared exception.</p>\n<div class=\"matrix-wrap\">\n<table class=\"matrix\">\n<tr><th>text / background</th>");
    for s in &book.swatches {
        let _ = write!(h, "<th scope=\"col\">{}</th>", esc(&s.name));
    }
    h.push_str("</tr>\n");
    let mut notes = Vec::new();
    for (t, text) in book.swatches.iter().enumerate() {
        let _ = write!(
            h,
            "<tr><th scope=\"row\" class=\"row\">{}</th>",
            esc(&text.name)
        );
        for (b, bg) in book.swatches.iter().enumerate() {
            let Some(cell) = book.cell(t, b) else {
                let _ = write!(
                    h,
                    "<td class=\"self\" style=\"background: {}\"></td>",
                    bg.rgb
                );
                continue;
            };
            let mut class = vec!["grade-".to_string() + cell.grade.key()];
            if cell.declared {
                class.push("declared".into());
            }
            let dagger = if let Some(reason) = &cell.exception {
                notes.push(format!("† {} on {}: {}", text.name, bg.name, reason));
                " †"
            } else {
                ""
            };
            if cell.grade != Grade::Aaa && cell.grade != Grade::Aa {
                let _ = write!(
                    h,
                    "<!-- brandpress-ignore contrast/insufficient: the matrix shows this pair's {:.2}:1 on purpose -->",
                    cell.ratio
                );
            }
            let _ = write!(
                h,
                "<td class=\"{}\" style=\"background: {}; color: {}\" title=\"{} on {}\"><span class=\"sample\" lang=\"th\">Aa ก้</span><span class=\"ratio\">{:.2}:1</span><span class=\"mark\">{}{}{}</span></td>",
                class.join(" "),
                bg.rgb,
                text.rgb,
                esc(&text.name),
                esc(&bg.name),
                cell.ratio,
                cell.grade.label(),
                if cell.declared { " · declared" } else { "" },
                dagger
            );
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n</div>\n");
    if !notes.is_empty() {
        h.push_str("<ul class=\"notes\">\n");
        for n in notes {
            let _ = writeln!(h, "<li>{}</li>", esc(&n));
        }
        h.push_str("</ul>\n");
    }
    h.push_str("</section>\n");
}

fn weight_name(w: u16) -> &'static str {
    match w {
        0..=149 => "Thin",
        150..=249 => "ExtraLight",
        250..=349 => "Light",
        350..=449 => "Regular",
        450..=549 => "Medium",
        550..=649 => "SemiBold",
        650..=749 => "Bold",
        750..=849 => "ExtraBold",
        _ => "Black",
    }
}

fn type_specimens(h: &mut String, book: &Book) {
    h.push_str("<section id=\"type\">\n<h2>Type</h2>\n<p class=\"lead\">Each font role in each weight its files have, in Latin and in Thai. Thai tone marks and vowels stack above and below their consonant (ที่ ผู้ ปั้น กุ้ง น้ำ); a font that drops them is not a brand font.</p>\n");
    for s in &book.specimens {
        specimen(h, s);
    }
    h.push_str("</section>\n");
}

fn specimen(h: &mut String, s: &Specimen) {
    let file = |p: &PathBuf| {
        esc(&p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default())
    };
    let default = if s.weight == s.role_weight {
        " (the role's weight)"
    } else {
        ""
    };
    let class = format!("f-{}-{}", s.role, s.weight);
    let _ = writeln!(
        h,
        "<article class=\"specimen\">\n<h3>{role} · {w} {wn}{default}</h3>\n<p class=\"meta\">Latin: {lf} ({lfile}) · Thai: {tf} ({tfile}) · CSS: <code>font-family: var(--font-{role})</code></p>\n<p class=\"{class}\" lang=\"en\" style=\"font-size: {d}px\">{dl}</p>\n<p class=\"{class}\" lang=\"th\" style=\"font-size: {d}px\">{dt}</p>\n<p class=\"{class}\" lang=\"en\" style=\"font-size: {t}px\">{ls}</p>\n<p class=\"{class}\" lang=\"th\" style=\"font-size: {t}px\">{ts}</p>\n</article>",
        role = esc(&s.role),
        w = s.weight,
        wn = weight_name(s.weight),
        lf = esc(&s.latin_family),
        tf = esc(&s.thai_family),
        lfile = file(&s.latin_file),
        tfile = file(&s.thai_file),
        d = s.display_px,
        t = s.text_px,
        dl = esc(DISPLAY_LATIN),
        dt = esc(DISPLAY_THAI),
        ls = esc(LATIN_SAMPLE),
        ts = esc(THAI_SAMPLE),
    );
}

fn logo_img(book: &Book, src: &str, height: f32, width: Option<String>) -> String {
    format!(
        "<img src=\"{}\" alt=\"{}\" height=\"{}\" width=\"{}\">",
        esc(src),
        esc(&book.logo.alt),
        height,
        width.unwrap_or_else(|| logo_width(book, height))
    )
}

fn logo_rules(h: &mut String, book: &Book) {
    let l = &book.logo;
    let clear = l.clear_space * LOGO_PX;
    let _ = writeln!(
        h,
        "<section id=\"logo\">\n<h2>Logo</h2>\n<h3>Clear space</h3>\n<p class=\"lead\">Keep {pct}% of the logo's height clear on every side: nothing else (text, edges, other art) enters the dashed zone.</p>\n<div class=\"tiles\"><figure class=\"tile\"><span class=\"clear-zone\" style=\"padding: {clear}px\">{img}</span><figcaption>Clear space: {frac} × height ({clear} px at {LOGO_PX} px)</figcaption></figure></div>",
        pct = (l.clear_space * 100.0).round(),
        frac = l.clear_space,
        img = logo_img(book, &l.file_name, LOGO_PX, None),
    );
    h.push_str("<h3>Minimum sizes</h3>\n<p class=\"lead\">The logo's height, never smaller; each shown at that size (print in millimetres, as printed at 100%).</p>\n<div class=\"min-row\">\n");
    for m in &l.min_sizes {
        let (height_css, img) = if m.unit == "mm" {
            (
                format!("{}mm", m.value),
                format!(
                    "<img src=\"{}\" alt=\"{}\" style=\"height: {}mm; width: auto\">",
                    esc(&l.file_name),
                    esc(&l.alt),
                    m.value
                ),
            )
        } else {
            (
                format!("{}px", m.value),
                logo_img(book, &l.file_name, m.value, None),
            )
        };
        let _ = writeln!(
            h,
            "<figure class=\"tile\"><span class=\"logo-tile\">{img}</span><figcaption>{} · {height_css}</figcaption></figure>",
            m.channel
        );
    }
    h.push_str("</div>\n<h3>Backgrounds</h3>\n<p class=\"lead\">The logo sits only on these brand colors, with its clear space.</p>\n<div class=\"tiles\">\n");
    for &i in &l.allowed {
        let s = &book.swatches[i];
        let _ = writeln!(
            h,
            "<figure class=\"tile do\"><span class=\"logo-tile\" style=\"background: {}; padding: {clear}px\">{}</span><figcaption><strong>Do:</strong> on {} ({})</figcaption></figure>",
            s.rgb,
            logo_img(book, &l.file_name, LOGO_PX, None),
            esc(&s.name),
            s.rgb
        );
    }
    h.push_str("</div>\n");
    if let Some((dark_name, _, _)) = &l.dark {
        h.push_str("<h3>Dark mode</h3>\n<p class=\"lead\">Pages and emails read in dark mode show the guide's dark variant of the logo, on the dark variants of its backgrounds.</p>\n<div class=\"tiles\">\n");
        for &i in &l.dark_backgrounds {
            let s = &book.swatches[i];
            let Some(dark) = s.dark else { continue };
            let _ = writeln!(
                h,
                "<figure class=\"tile do\"><span class=\"logo-tile\" style=\"background: {dark}; padding: {clear}px\">{}</span><figcaption><strong>Dark mode:</strong> {} on {}'s dark variant ({dark})</figcaption></figure>",
                logo_img(book, dark_name, LOGO_PX, None),
                esc(dark_name),
                esc(&s.name),
            );
        }
        h.push_str("</div>\n");
    }
    h.push_str("<h3>Don'ts</h3>\n<div class=\"tiles\">\n");
    if let Some(i) = l.disallowed {
        let s = &book.swatches[i];
        let _ = writeln!(
            h,
            "<figure class=\"tile dont\"><span class=\"logo-tile\" style=\"background: {}; padding: {clear}px\">{}</span><figcaption><strong>Don't:</strong> place it on {} ({}): not an allowed background</figcaption></figure>",
            s.rgb,
            logo_img(book, &l.file_name, LOGO_PX, None),
            esc(&s.name),
            s.rgb
        );
    }
    let bg = l
        .allowed
        .first()
        .map(|&i| book.swatches[i].rgb.to_string())
        .unwrap_or_else(|| "var(--role-background)".into());
    // Drawn at its own proportions and then scaled twice as wide (an SVG in an <img>
    // keeps its aspect ratio whatever the width and height say).
    let natural: f32 = logo_width(book, LOGO_PX).parse().unwrap_or(LOGO_PX);
    let _ = writeln!(
        h,
        "<figure class=\"tile dont\"><span class=\"logo-tile\" style=\"background: {bg}; padding: {clear}px; width: {}px\"><img src=\"{}\" alt=\"{}\" height=\"{LOGO_PX}\" width=\"{natural}\" style=\"transform: scale(2, 1); transform-origin: 0 0\"></span><figcaption><strong>Don't:</strong> stretch or squash it: scale width and height together</figcaption></figure>",
        natural * 2.0 + 2.0 * clear,
        esc(&l.file_name),
        esc(&l.alt),
    );
    if l.recolored.is_some() {
        let _ = writeln!(
            h,
            "<figure class=\"tile dont\"><span class=\"logo-tile\" style=\"background: {bg}; padding: {clear}px\">{}</span><figcaption><strong>Don't:</strong> recolor it, not even in other brand colors</figcaption></figure>",
            logo_img(book, &recolored_name(book), LOGO_PX, None),
        );
    }
    h.push_str("</div>\n</section>\n");
}

fn tone(h: &mut String, book: &Book) {
    let t = &book.tone;
    h.push_str("<section id=\"tone\">\n<h2>Tone</h2>\n");
    if let Some(n) = t.max_sentence_words {
        let mut line = format!("Sentences of at most {n} words");
        for (ch, words, _) in &t.channels {
            if let Some(w) = words {
                let _ = write!(line, "; {ch}: at most {w}");
            }
        }
        let _ = writeln!(
            h,
            "<p class=\"lead\">{}. Thai words are counted by the dictionary, not by spaces.</p>",
            esc(&line)
        );
    }
    if let Some(n) = t.max_exclamations {
        let _ = writeln!(
            h,
            "<p class=\"lead\">At most {n} exclamation mark(s) in a piece.</p>"
        );
    }
    if !t.banned.is_empty() {
        h.push_str("<h3>Never write</h3>\n<!-- brandpress-ignore tone/banned-term: the brand book lists the banned terms themselves -->\n<ul class=\"banned\">");
        for b in &t.banned {
            let _ = write!(h, "<li lang=\"{}\">{}</li>", lang_of(b), esc(b));
        }
        h.push_str("</ul>\n");
    }
    if !t.preferred.is_empty() {
        h.push_str("<h3>Preferred terms</h3>\n<!-- brandpress-ignore tone/preferred-term: the brand book shows the words to avoid beside their replacements -->\n<table class=\"terms\"><tr><th>write</th><th>instead of</th></tr>");
        for (use_, instead) in &t.preferred {
            let _ = write!(
                h,
                "<tr><td lang=\"{}\">{}</td><td>{}</td></tr>",
                lang_of(use_),
                esc(use_),
                instead
                    .iter()
                    .map(|i| format!("<span lang=\"{}\">{}</span>", lang_of(i), esc(i)))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        h.push_str("</table>\n");
    }
    if !t.spellings.is_empty() {
        h.push_str("<h3>Spelling of names</h3>\n<!-- brandpress-ignore tone/brand-spelling: the brand book shows a wrong spelling beside each name -->\n<table class=\"terms\"><tr><th>write</th><th>not</th></tr>");
        for (good, bad) in &t.spellings {
            let _ = write!(h, "<tr><td>{}</td><td>{}</td></tr>", esc(good), esc(bad));
        }
        h.push_str("</table>\n");
    }
    h.push_str("</section>\n");
}
