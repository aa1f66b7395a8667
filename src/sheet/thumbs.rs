//! PDF page thumbnails. Our own flyers' pages are painted by the print renderer from
//! their layout while the build renders them ([`crate::render::PagePreview`]): the build
//! writes them and hands them over ([`super::Ready::painted`]), so a fresh build of 1,000
//! flyers does not read its PDFs back (hayro took 4 s of the build's CPU for 2,000 pages).
//! Any other PDF (a delivery `lint --sheet` shows, a cached flyer whose old thumbnail is
//! gone) is rasterized in-process with hayro (the renderer lint's QR check and the print
//! tests already read PDFs with), never by shelling out.
//!
//! A thumbnail is named by its PDF's SHA-256, its page and the page's size in points
//! (`<sha>-p<page>-<w>x<h>.png`), so the sheet knows the page's shape without opening
//! the PDF, and a PDF whose bytes did not change keeps its thumbnails: they are taken
//! from the previous sheet folder (hard-linked by the build), not drawn again.
//!
//! Limits: at most [`MAX_PAGES`] pages of a PDF, each drawn at most [`LONG_SIDE`] pixels
//! on its long side (fewer for an absurd page size), PDFs over [`MAX_PDF_BYTES`] skipped;
//! a PDF hayro cannot read gets no thumbnail (lint reports what is wrong with it).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{Content, Item};

/// Pages drawn per PDF.
pub const MAX_PAGES: usize = crate::render::PREVIEW_PAGES;
/// Pixels on a thumbnail's long side.
pub const LONG_SIDE: f32 = crate::render::PREVIEW_LONG_SIDE;
/// A PDF bigger than this gets no thumbnails.
const MAX_PDF_BYTES: u64 = 256 << 20;
/// Thumbnail names read from one previous sheet folder, at most.
const MAX_PREVIOUS: usize = 1_000_000;

/// One page's thumbnail as the sheet shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Thumb {
    /// The file name under `_sheet/thumbs/`.
    pub name: String,
    /// 1-based.
    pub page: usize,
    /// The page's size in PDF points (its crop box as shown).
    pub width_pt: f32,
    pub height_pt: f32,
}

impl Thumb {
    /// Page `page` (1-based) of the PDF `sha`, `size` points.
    pub fn new(sha: &str, page: usize, (width_pt, height_pt): (f32, f32)) -> Thumb {
        Thumb {
            name: name(sha, page, width_pt, height_pt),
            page,
            width_pt,
            height_pt,
        }
    }

    /// The PDF's SHA-256 and the thumbnail a file name under `_sheet/thumbs/` names;
    /// none unless it is a name [`Thumb::new`] makes (a plain file name, nothing that
    /// could lead out of the folder).
    pub fn parse(name: &str) -> Option<(&str, Thumb)> {
        parse_name(name)
    }
}

/// The thumbnails of one PDF.
#[derive(Debug, Default)]
pub struct Made {
    pub pages: Vec<Thumb>,
    /// Files to write under `_sheet/thumbs/`.
    pub files: Vec<(String, Content)>,
    pub rasterized: usize,
}

/// The thumbnail name's parts: `<sha>-p<page>-<w>x<h>.png`.
fn parse_name(name: &str) -> Option<(&str, Thumb)> {
    let stem = name.strip_suffix(".png")?;
    let (sha, rest) = stem.split_once("-p")?;
    if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let (page, size) = rest.split_once('-')?;
    let (w, h) = size.split_once('x')?;
    let thumb = Thumb {
        name: name.to_string(),
        page: page.parse().ok().filter(|p| (1..=MAX_PAGES).contains(p))?,
        width_pt: w
            .parse::<f32>()
            .ok()
            .filter(|v| v.is_finite() && *v > 0.0)?,
        height_pt: h
            .parse::<f32>()
            .ok()
            .filter(|v| v.is_finite() && *v > 0.0)?,
    };
    Some((sha, thumb))
}

fn name(sha: &str, page: usize, w: f32, h: f32) -> String {
    format!("{sha}-p{page}-{}x{}.png", trim(w), trim(h))
}

/// A size in points with at most two decimals and no trailing zeros (`595.28`, `420`).
fn trim(v: f32) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The thumbnails earlier sheets hold, by PDF SHA-256: each with the path to link from.
pub fn previous(dirs: &[PathBuf]) -> HashMap<String, Vec<(Thumb, PathBuf)>> {
    let mut found: HashMap<String, Vec<(Thumb, PathBuf)>> = HashMap::new();
    for dir in dirs {
        let thumbs = dir.join("thumbs");
        // a real folder only (a planted link could lead anywhere)
        if !std::fs::symlink_metadata(&thumbs).is_ok_and(|m| m.is_dir()) {
            continue;
        }
        let Ok(entries) = std::fs::read_dir(&thumbs) else {
            continue;
        };
        for entry in entries.flatten().take(MAX_PREVIOUS) {
            let file_name = entry.file_name();
            let Some((sha, thumb)) = file_name.to_str().and_then(parse_name) else {
                continue;
            };
            if !entry.file_type().is_ok_and(|t| t.is_file()) {
                continue;
            }
            let list = found.entry(sha.to_string()).or_default();
            if !list.iter().any(|(t, _)| t.page == thumb.page) {
                list.push((thumb, entry.path()));
            }
        }
    }
    for list in found.values_mut() {
        list.sort_by_key(|(t, _)| t.page);
    }
    found
}

/// The thumbnails of every PDF in `pdfs` (one item per SHA-256), by SHA-256: those in
/// `painted` as they are (already in place), else linked from `old` when it has them, else
/// rasterized (in parallel).
pub fn make(
    pdfs: &[&Item],
    old: &HashMap<String, Vec<(Thumb, PathBuf)>>,
    painted: &HashMap<String, Vec<Thumb>>,
) -> Vec<(String, Made)> {
    let mut made: Vec<(String, Made)> = pdfs
        .par_iter()
        .map(|item| {
            if let Some(pages) = painted.get(&item.sha256).filter(|p| !p.is_empty()) {
                let made = Made {
                    pages: pages.clone(),
                    ..Made::default()
                };
                return (item.sha256.clone(), made);
            }
            if let Some(list) = old.get(&item.sha256)
                && list.first().is_some_and(|(t, _)| t.page == 1)
                && list.iter().enumerate().all(|(i, (t, _))| t.page == i + 1)
            {
                return (
                    item.sha256.clone(),
                    Made {
                        pages: list.iter().map(|(t, _)| t.clone()).collect(),
                        files: list
                            .iter()
                            .map(|(t, p)| (t.name.clone(), Content::Link(p.clone())))
                            .collect(),
                        rasterized: 0,
                    },
                );
            }
            (item.sha256.clone(), rasterize(&item.file, &item.sha256))
        })
        .collect();
    made.sort_by(|a, b| a.0.cmp(&b.0));
    made
}

/// Draws the first [`MAX_PAGES`] pages of the PDF at `path`.
fn rasterize(path: &Path, sha: &str) -> Made {
    let mut made = Made::default();
    let Ok(meta) = std::fs::metadata(path) else {
        return made;
    };
    if meta.len() > MAX_PDF_BYTES {
        return made;
    }
    let Ok(bytes) = std::fs::read(path) else {
        return made;
    };
    // hayro is pure Rust but large; a panic in it costs a thumbnail, never the build
    let drawn = std::panic::catch_unwind(|| draw(bytes)).unwrap_or_default();
    for (page, (w, h), png) in drawn {
        let thumb = Thumb::new(sha, page, (w, h));
        made.files.push((thumb.name.clone(), Content::Bytes(png)));
        made.pages.push(thumb);
        made.rasterized += 1;
    }
    made
}

/// Each page drawn: its number, its size in points and the PNG.
fn draw(bytes: Vec<u8>) -> Vec<(usize, (f32, f32), Vec<u8>)> {
    let Ok(pdf) = hayro::hayro_syntax::Pdf::new(bytes) else {
        return Vec::new();
    };
    let cache = hayro::RenderCache::new();
    let render = hayro::RenderSettings::default();
    let mut out = Vec::new();
    for (i, page) in pdf.pages().iter().take(MAX_PAGES).enumerate() {
        let (pw, ph) = page.render_dimensions();
        if !(pw.is_finite() && ph.is_finite()) || pw < 1.0 || ph < 1.0 {
            continue;
        }
        let scale = (LONG_SIDE / pw.max(ph)).min(4.0);
        let settings = hayro::PixmapSettings {
            x_scale: scale,
            y_scale: scale,
            bg_color: hayro::vello_cpu::color::palette::css::WHITE,
        };
        let pixmap = hayro::render(page, &cache, &Default::default(), &render, &settings);
        let (w, h) = (u32::from(pixmap.width()), u32::from(pixmap.height()));
        if w == 0 || h == 0 {
            continue;
        }
        // premultiplied RGBA over white paper: opaque, so RGB as it is
        let rgb: Vec<u8> = pixmap
            .data_as_u8_slice()
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect();
        if let Some(png) = crate::render::paint::png::encode_preview(w, h, &rgb) {
            out.push((i + 1, (pw, ph), png));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_the_page_and_its_size() {
        let sha = "a".repeat(64);
        let n = name(&sha, 2, 419.53, 595.0);
        assert_eq!(n, format!("{sha}-p2-419.53x595.png"));
        let (s, t) = parse_name(&n).unwrap();
        assert_eq!(s, sha);
        assert_eq!((t.page, t.width_pt, t.height_pt), (2, 419.53, 595.0));
        for bad in [
            "x-p1-1x1.png",
            &format!("{sha}-p0-1x1.png"),
            &format!("{sha}-p1-0x1.png"),
            &format!("{sha}-p1-NaNx1.png"),
            &format!("{sha}-p1-1x1.jpg"),
        ] {
            assert!(parse_name(bad).is_none(), "{bad}");
        }
    }
}
