//! The scene: what a laid-out card or page shows, as a display list of filled rectangles
//! and paths, stroked lines, glyph runs, pictures and QR codes. It sits between layout
//! and painting as usvg's tree sits between SVG parsing and resvg: the social and print
//! layouts (in the renderers, the top layer) produce scenes, and two painters turn any
//! scene into pixels (tiny-skia, for PNG cards) or into PDF content (krilla, for the print
//! flyer). The PNG painter draws print pages too, for previews.
//!
//! A scene holds no painter's types: colors are [`Ink`]s (sRGB, with the guide's CMYK
//! values where it has them), outlines are `tiny-skia-path` paths (the geometry crate usvg
//! uses; the PDF painter converts them), text is glyphs already shaped and placed by
//! [`crate::text`] with the text they show (for PDF copy and paste, and for anyone reading
//! what was laid out), and pictures are the asset store's [`Picture`]s, decoded once per
//! build. Coordinates are in the scene's unit (px for cards, pt for print), y down, the
//! origin at the top-left corner.

use std::sync::Arc;

use resvg::tiny_skia::Path;

use crate::assets::Picture;
use crate::brand::Rgb;
use crate::text::{Layout, Line, PositionedGlyph};

/// `[x, y, width, height]`.
pub type Rect = [f32; 4];

/// One laid-out card or page.
pub struct Scene {
    /// Width and height.
    pub size: (f32, f32),
    /// Drawn in order, each over the ones before.
    pub items: Vec<Item>,
}

impl Scene {
    /// An empty scene of `size`.
    pub fn new(size: (f32, f32)) -> Scene {
        Scene {
            size,
            items: Vec::new(),
        }
    }

    /// Adds an item on top.
    pub fn push(&mut self, item: Item) {
        self.items.push(item);
    }

    /// Adds every line of `layout` (set from `text`) as glyph runs, the layout's top-left
    /// corner at `at`.
    pub fn push_layout(&mut self, layout: &Layout, text: &str, at: (f32, f32), ink: Ink) {
        let text: Arc<str> = text.into();
        for line in &layout.lines {
            self.push(Item::Text(GlyphRun::line(
                line,
                at,
                &text,
                layout.size_px,
                ink,
            )));
        }
    }

    /// The text the scene shows, one text block (a title, a paragraph, a pill) per line,
    /// in drawing order. The lines a block was broken into are joined as the block's
    /// text has them (a space where the break took one, nothing between two Thai words),
    /// so a word or a date wrapped across lines reads whole.
    pub fn shown_text(&self) -> String {
        let mut blocks: Vec<String> = Vec::new();
        let mut open: Option<(&Arc<str>, usize, usize)> = None;
        let mut close = |open: Option<(&Arc<str>, usize, usize)>| {
            if let Some((text, start, end)) = open {
                let shown = text.get(start..end).unwrap_or("").trim();
                if !shown.is_empty() {
                    blocks.push(shown.to_string());
                }
            }
        };
        for run in self.runs() {
            let start = run.start();
            match open {
                // the next line of the same block
                Some((text, s, end)) if Arc::ptr_eq(text, &run.text) && start >= end => {
                    open = Some((text, s, run.end));
                }
                _ => {
                    close(open.take());
                    open = Some((&run.text, start, run.end));
                }
            }
        }
        close(open);
        blocks.join("\n")
    }

    /// The scene drawn at `scale` with its origin moved to `offset` (in the new units), on
    /// a canvas of `size`: what a painter draws for a preview of a page (the print
    /// channel's page thumbnails on the contact sheet). Glyph sizes, line widths, pictures
    /// and QR modules scale with it; a clipped group's items stay relative to its corner.
    pub fn transformed(&self, scale: f32, offset: (f32, f32), size: (f32, f32)) -> Scene {
        Scene {
            size,
            items: self
                .items
                .iter()
                .filter_map(|item| item.transformed(scale, offset))
                .collect(),
        }
    }

    /// Every glyph run, in drawing order (clipped groups included).
    pub fn runs(&self) -> impl Iterator<Item = &GlyphRun> {
        fn walk<'s>(items: &'s [Item], out: &mut Vec<&'s GlyphRun>) {
            for item in items {
                match item {
                    Item::Text(run) => out.push(run),
                    Item::Clip { items, .. } => walk(items, out),
                    _ => {}
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.items, &mut out);
        out.into_iter()
    }
}

/// A color as every painter needs it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ink {
    /// The screen color.
    pub rgb: Rgb,
    /// Percentages C, M, Y, K for print, when the guide gives them.
    pub cmyk: Option<[f32; 4]>,
}

impl Ink {
    /// A screen color with no print values.
    pub const fn rgb(rgb: Rgb) -> Ink {
        Ink { rgb, cmyk: None }
    }

    /// A print color and the screen color it stands for.
    pub const fn cmyk(cmyk: [f32; 4], rgb: Rgb) -> Ink {
        Ink {
            rgb,
            cmyk: Some(cmyk),
        }
    }

    /// Unprinted paper: no ink, white on screen.
    pub const PAPER: Ink = Ink::cmyk([0.0; 4], Rgb(255, 255, 255));
    /// Pure black ink (K only), for QR codes.
    pub const KEY: Ink = Ink::cmyk([0.0, 0.0, 0.0, 100.0], Rgb(0, 0, 0));
}

/// How a rectangle is filled.
#[derive(Debug, Clone, PartialEq)]
pub enum Fill {
    Solid(Ink),
    /// A linear gradient from `from` to `to` through `stops`, evenly spaced.
    Linear {
        from: (f32, f32),
        to: (f32, f32),
        stops: Vec<Ink>,
    },
}

/// One drawing.
pub enum Item {
    Rect {
        rect: Rect,
        fill: Fill,
    },
    /// A filled outline (a call-to-action pill).
    Path {
        path: Path,
        ink: Ink,
    },
    /// A stroked straight line.
    Line {
        from: (f32, f32),
        to: (f32, f32),
        width: f32,
        ink: Ink,
    },
    Text(GlyphRun),
    /// A picture at its natural size (an SVG's declared size, a raster picture's pixels)
    /// times `scale`, its top-left corner at `origin`.
    Picture {
        picture: Arc<Picture>,
        origin: (f32, f32),
        scale: f32,
    },
    Qr(Qr),
    /// `items` drawn inside `rect` only, in coordinates whose origin is `rect`'s top-left
    /// corner (a hero band cropping its picture).
    Clip {
        rect: Rect,
        items: Vec<Item>,
    },
}

impl Item {
    /// This item at `scale`, moved by `(dx, dy)` after scaling; `None` for a path that
    /// scales to nothing.
    fn transformed(&self, scale: f32, (dx, dy): (f32, f32)) -> Option<Item> {
        let point = |(x, y): (f32, f32)| (x * scale + dx, y * scale + dy);
        let rect = |[x, y, w, h]: Rect| [x * scale + dx, y * scale + dy, w * scale, h * scale];
        Some(match self {
            Item::Rect { rect: r, fill } => Item::Rect {
                rect: rect(*r),
                fill: match fill {
                    Fill::Solid(ink) => Fill::Solid(*ink),
                    Fill::Linear { from, to, stops } => Fill::Linear {
                        from: point(*from),
                        to: point(*to),
                        stops: stops.clone(),
                    },
                },
            },
            Item::Path { path, ink } => Item::Path {
                path: path
                    .clone()
                    .transform(resvg::tiny_skia::Transform::from_row(
                        scale, 0.0, 0.0, scale, dx, dy,
                    ))?,
                ink: *ink,
            },
            Item::Line {
                from,
                to,
                width,
                ink,
            } => Item::Line {
                from: point(*from),
                to: point(*to),
                width: width * scale,
                ink: *ink,
            },
            Item::Text(run) => Item::Text(GlyphRun {
                glyphs: run
                    .glyphs
                    .iter()
                    .map(|g| PositionedGlyph {
                        x: g.x * scale + dx,
                        y: g.y * scale + dy,
                        advance: g.advance * scale,
                        ..*g
                    })
                    .collect(),
                baseline: run.baseline * scale + dy,
                size: run.size * scale,
                ..run.clone()
            }),
            Item::Picture {
                picture,
                origin,
                scale: s,
            } => Item::Picture {
                picture: Arc::clone(picture),
                origin: point(*origin),
                scale: s * scale,
            },
            Item::Qr(qr) => Item::Qr(Qr {
                rect: rect(qr.rect),
                ..qr.clone()
            }),
            Item::Clip { rect: r, items } => Item::Clip {
                rect: rect(*r),
                items: items
                    .iter()
                    .filter_map(|item| item.transformed(scale, (0.0, 0.0)))
                    .collect(),
            },
        })
    }

    /// `picture` fitted inside `rect`, keeping its aspect ratio, centred.
    pub fn picture_in(picture: &Arc<Picture>, [x, y, w, h]: Rect) -> Item {
        let (pw, ph) = picture.size();
        let scale = (w / pw).min(h / ph);
        Item::Picture {
            picture: Arc::clone(picture),
            origin: (x + (w - pw * scale) / 2.0, y + (h - ph * scale) / 2.0),
            scale,
        }
    }
}

/// One line of shaped text.
#[derive(Debug, Clone)]
pub struct GlyphRun {
    /// Placed glyphs, origins on the baseline.
    pub glyphs: Vec<PositionedGlyph>,
    /// The line's baseline y.
    pub baseline: f32,
    /// Font size.
    pub size: f32,
    pub ink: Ink,
    /// The text the glyphs' clusters index (the whole block the line was broken from).
    pub text: Arc<str>,
    /// Where the line's text ends in `text`.
    pub end: usize,
}

impl GlyphRun {
    /// A laid-out line with its top-left corner moved to (`dx`, `dy`).
    pub fn line(line: &Line, (dx, dy): (f32, f32), text: &Arc<str>, size: f32, ink: Ink) -> Self {
        GlyphRun {
            glyphs: line
                .glyphs
                .iter()
                .map(|g| PositionedGlyph {
                    x: g.x + dx,
                    y: g.y + dy,
                    ..*g
                })
                .collect(),
            baseline: line.baseline + dy,
            size,
            ink,
            text: text.clone(),
            end: line.text_range.end,
        }
    }

    /// Where the line's text starts in `text`: its first cluster.
    pub fn start(&self) -> usize {
        self.glyphs
            .iter()
            .map(|g| g.cluster)
            .min()
            .unwrap_or(self.end)
            .min(self.end)
    }

    /// The text this line shows.
    pub fn shown(&self) -> &str {
        self.text
            .get(self.start()..self.end)
            .unwrap_or("")
            .trim_end()
    }
}

/// A QR code: its module matrix drawn in a square, without the quiet zone.
#[derive(Debug, Clone)]
pub struct Qr {
    /// Row by row, true for dark modules.
    pub modules: Arc<Vec<bool>>,
    /// Modules across.
    pub width: usize,
    pub rect: Rect,
    /// The dark modules' color.
    pub ink: Ink,
}

impl Qr {
    /// The QR code of `data` (error correction level M), still to be placed: the layout
    /// sizes its quiet zone from [`Qr::width`], then sets [`Qr::rect`].
    pub fn new(data: &str, ink: Ink) -> Result<Qr, String> {
        let code = fast_qr::QRBuilder::new(data)
            .ecl(fast_qr::ECL::M)
            .build()
            .map_err(|e| e.to_string())?;
        let width = code.size;
        let modules = code.data[..width * width]
            .iter()
            .map(|m| m.value())
            .collect();
        Ok(Qr {
            modules: Arc::new(modules),
            width,
            rect: [0.0; 4],
            ink,
        })
    }

    /// The dark modules as rectangles, horizontal runs merged, row by row.
    pub fn dark_runs(&self) -> Vec<Rect> {
        let [x, y, size, _] = self.rect;
        let n = self.width;
        let m = size / n as f32;
        let mut out = Vec::new();
        for row in 0..n {
            let mut col = 0;
            while col < n {
                if self.modules.get(row * n + col) == Some(&true) {
                    let start = col;
                    while col < n && self.modules.get(row * n + col) == Some(&true) {
                        col += 1;
                    }
                    out.push([
                        x + start as f32 * m,
                        y + row as f32 * m,
                        (col - start) as f32 * m,
                        m,
                    ]);
                } else {
                    col += 1;
                }
            }
        }
        out
    }
}

/// A rectangle with rounded corners of radius `r` (at most half the shorter side).
pub fn rounded_rect([x, y, w, h]: Rect, r: f32) -> Option<Path> {
    let r = r.min(w / 2.0).min(h / 2.0);
    let k = 0.552_284_8 * r;
    let mut pb = resvg::tiny_skia::PathBuilder::new();
    pb.move_to(x + r, y);
    pb.line_to(x + w - r, y);
    pb.cubic_to(x + w - r + k, y, x + w, y + r - k, x + w, y + r);
    pb.line_to(x + w, y + h - r);
    pb.cubic_to(x + w, y + h - r + k, x + w - r + k, y + h, x + w - r, y + h);
    pb.line_to(x + r, y + h);
    pb.cubic_to(x + r - k, y + h, x, y + h - r + k, x, y + h - r);
    pb.line_to(x, y + r);
    pb.cubic_to(x, y + r - k, x + r - k, y, x + r, y);
    pb.close();
    pb.finish()
}

#[cfg(test)]
mod tests;
