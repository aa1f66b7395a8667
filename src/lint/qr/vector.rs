//! QR codes drawn as vector modules, read from the page's geometry without rasterizing.
//!
//! Our print renderer (and most layout tools) draw a code as one filled path of
//! rectangles: the dark modules, runs of them merged along a row. The content-stream
//! scanner keeps such paths ([`RectFill`]); here their rectangles are laid on a grid
//! of one cell per module, the grid is turned so its finder patterns are in the top-left,
//! top-right and bottom-left corners, and rqrr decodes that bit matrix directly (no
//! thresholding, no finder search, no perspective fitting: the part of the raster path
//! that was most of a PDF's lint).
//!
//! A code is read here only where a raster would show it as drawn, so the findings do
//! not depend on which way it was read. A path that looks like a code but fails one of
//! these makes the page [`PageRead::clean`] false, and the page is rasterized as before:
//! - its ink is dark (luminance on white under [`DARK`]) and everything painted before it
//!   under the code and its quiet zone is light (over [`LIGHT`]), everything painted
//!   after it (or by an annotation) stays out of that box, and the clip does not cut it;
//! - its modules are at least [`MIN_MODULE_PX`] pixels wide at the resolution the page
//!   would be rasterized at (smaller ones are not read from the raster either);
//! - its rectangles lie on the module grid and do not overlap.
//!
//! Work: linear in the path's rectangles (at most [`MAX_RECT_FILL`] a path, as the scanner
//! keeps them) plus the grid's cells (at most 177 × 177).

use crate::lint::pdf::{Area, PageScan, PaintKind, PdfColor, RectFill, intersects};

use super::Code;

/// A code's ink must be darker than this (luminance 0–1 on white).
pub const DARK: f32 = 0.4;
/// What is painted under a code must be lighter than this.
pub const LIGHT: f32 = 0.6;
/// Module width, in pixels at the page's raster resolution, below which a code is left
/// to the raster reading (rqrr reads modules from about 4.3 px on; see the module docs
/// of [`super`]).
pub const MIN_MODULE_PX: f32 = 5.0;
/// Modules of quiet zone a code needs around it (ISO/IEC 18004).
const QUIET_MODULES: f32 = 4.0;

/// What the geometry of one page gave.
#[derive(Debug, Default, Clone)]
pub struct PageRead {
    /// The codes read, boxes in points from the top-left corner of the page as shown.
    pub codes: Vec<Code>,
    /// Path segments (`re`, `m`) of the paths read as codes.
    pub segments: usize,
    /// False when a path looked like a code (a square grid of modules) but could not be
    /// trusted to read as the raster would: the page must be rasterized.
    pub clean: bool,
}

/// The codes drawn as vector modules on a scanned page. `to_page` turns a box of the
/// page's default space into `[x, y, w, h]` from the top-left corner of the page as
/// shown; `px_per_pt` is the resolution the page would be rasterized at.
pub fn read_page(
    scan: &PageScan,
    to_page: impl Fn(Area) -> Option<[f32; 4]>,
    px_per_pt: f32,
) -> PageRead {
    let mut read = PageRead {
        clean: true,
        ..PageRead::default()
    };
    for fill in &scan.rect_fills {
        let Some(grid) = Grid::of(&fill.rects) else {
            continue; // not a square grid of modules: not a code
        };
        let box_ = grid.area();
        let trusted = luminance(&fill.color).is_some_and(|l| l < DARK)
            && grid.module * px_per_pt >= MIN_MODULE_PX
            && shown_alone(scan, fill, box_, grid.with_quiet_zone());
        let text = trusted.then(|| grid.decode()).flatten();
        match (text, to_page(box_)) {
            (Some(text), Some(bounds)) => {
                read.segments += fill.rects.len();
                let code = Code { text, bounds };
                if !read.codes.contains(&code) {
                    read.codes.push(code);
                }
            }
            // a grid that does not decode is not a code (as for the raster), unless
            // the reading was not trusted
            (None, _) if !trusted => read.clean = false,
            (None, _) => {}
            (Some(_), None) => read.clean = false,
        }
    }
    read
}

/// Luminance on white (0 black – 1 white) of a process color; `None` for colors that
/// are not (spot inks, patterns): their look is not known here.
fn luminance(color: &PdfColor) -> Option<f32> {
    let [r, g, b] = match *color {
        PdfColor::Gray(g) => [g; 3],
        PdfColor::Rgb(rgb) => rgb,
        PdfColor::Cmyk([c, m, y, k]) => [c, m, y].map(|v| (1.0 - v) * (1.0 - k)),
        PdfColor::Registration => return Some(0.0),
        PdfColor::Spot { .. } | PdfColor::Other => return None,
    };
    let l = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    l.is_finite().then_some(l.clamp(0.0, 1.0))
}

/// Whether the code of `fill` (its box `code`, with its quiet zone `zone`) shows as
/// drawn: inside the clip, on light paint only, and not painted over (by the page or its
/// annotations).
fn shown_alone(scan: &PageScan, fill: &RectFill, code: Area, zone: Area) -> bool {
    if fill.clip.is_some_and(|c| !contains(c, code)) {
        return false;
    }
    let overlaps = |a: &Option<Area>| a.is_none_or(|a| intersects(a, zone));
    // a page's paint by its subpaths where the scan kept them (crop marks are one path
    // whose box is the whole page)
    let covers = |i: usize| scan.paint_may_cover(i, zone);
    let light = |(kind, color, _): &(PaintKind, PdfColor, Option<Area>)| {
        *kind == PaintKind::Fill && luminance(color).is_some_and(|l| l > LIGHT)
    };
    // what is under the code: from the last light rectangle covering its quiet zone
    // (a white box laid on a band of color) on
    let ground = scan
        .plain_rects
        .iter()
        .rev()
        .filter(|(i, r)| *i < fill.paint && contains(*r, zone))
        .find(|(i, _)| scan.paints.get(*i).is_some_and(light))
        .map_or(0, |(i, _)| *i);
    let Some(under) = scan.paints.get(ground.min(fill.paint)..fill.paint) else {
        return false;
    };
    let light_under = (ground.min(fill.paint)..)
        .zip(under)
        .filter(|(i, _)| covers(*i))
        .all(|(_, paint)| light(paint));
    light_under
        && !(fill.paint + 1..scan.paints.len()).any(covers)
        && !scan.annotation_paints.iter().any(|(_, _, a)| overlaps(a))
}

fn shrink([x0, y0, x1, y1]: Area, by: f32) -> Area {
    [x0 + by, y0 + by, x1 - by, y1 - by]
}

fn contains(outer: Area, inner: Area) -> bool {
    let eps = 0.05;
    outer[0] <= inner[0] + eps
        && outer[1] <= inner[1] + eps
        && outer[2] + eps >= inner[2]
        && outer[3] + eps >= inner[3]
}

/// A square grid of modules rebuilt from rectangles.
struct Grid {
    /// Modules across (21 to 177).
    size: usize,
    /// Module width in points.
    module: f32,
    /// The grid's top-left corner on the page (x, and y of its top edge; y up).
    left: f32,
    top: f32,
    /// Row by row from the top, true for dark.
    cells: Vec<bool>,
}

impl Grid {
    /// The grid the rectangles fill, when they lie on a square grid of 21 to 177
    /// modules (a QR code's sizes: 17 + 4 × version) without overlapping.
    fn of(rects: &[Area]) -> Option<Grid> {
        let module = rects
            .iter()
            .map(|r| (r[2] - r[0]).min(r[3] - r[1]))
            .fold(f32::MAX, f32::min);
        let [x0, y0, x1, y1] =
            rects
                .iter()
                .fold([f32::MAX, f32::MAX, f32::MIN, f32::MIN], |b, r| {
                    [
                        b[0].min(r[0]),
                        b[1].min(r[1]),
                        b[2].max(r[2]),
                        b[3].max(r[3]),
                    ]
                });
        if !(module.is_finite() && module > 0.0) {
            return None;
        }
        // positions in modules from the top-left corner, whole within a tenth
        let whole = |v: f32| {
            let n = v / module;
            ((n - n.round()).abs() <= 0.1 && n.round() >= 0.0).then_some(n.round() as usize)
        };
        let size = whole(x1 - x0)?;
        if whole(y1 - y0)? != size || !(21..=177).contains(&size) || (size - 17) % 4 != 0 {
            return None;
        }
        let mut cells = vec![false; size * size];
        for r in rects {
            let (c0, c1) = (whole(r[0] - x0)?, whole(r[2] - x0)?);
            let (r0, r1) = (whole(y1 - r[3])?, whole(y1 - r[1])?);
            if c1 > size || r1 > size {
                return None;
            }
            for row in r0..r1 {
                for cell in &mut cells[row * size + c0..row * size + c1] {
                    if *cell {
                        return None; // overlapping rectangles: the fill rule matters
                    }
                    *cell = true;
                }
            }
        }
        Some(Grid {
            size,
            module,
            left: x0,
            top: y1,
            cells,
        })
    }

    /// The code's box `[x0, y0, x1, y1]` (y up).
    fn area(&self) -> Area {
        let side = self.size as f32 * self.module;
        [self.left, self.top - side, self.left + side, self.top]
    }

    /// The code's box with its quiet zone.
    fn with_quiet_zone(&self) -> Area {
        shrink(self.area(), -QUIET_MODULES * self.module)
    }

    fn dark(&self, row: usize, col: usize) -> bool {
        self.cells[row * self.size + col]
    }

    /// Whether the 7 × 7 modules from (`row`, `col`) are a finder pattern: a dark ring,
    /// a light ring, a dark 3 × 3 core.
    fn finder_at(&self, row: usize, col: usize) -> bool {
        (0..7).all(|r| {
            (0..7).all(|c| {
                let ring = r.min(c).min(6 - r).min(6 - c);
                self.dark(row + r, col + c) == (ring != 1)
            })
        })
    }

    /// The payload, with the grid turned so that the corner without a finder pattern
    /// is the bottom-right one (rqrr also tries the grid mirrored).
    fn decode(&self) -> Option<String> {
        let n = self.size;
        let far = n - 7;
        let finders = [
            self.finder_at(0, 0),
            self.finder_at(0, far),
            self.finder_at(far, far),
            self.finder_at(far, 0),
        ];
        // quarter turns clockwise that bring the free corner to the bottom right
        let turns = match finders {
            [true, true, false, true] => 0,
            [true, false, true, true] => 1,
            [false, true, true, true] => 2,
            [true, true, true, false] => 3,
            _ => return None,
        };
        let grid = rqrr::SimpleGrid::from_func(n, |x, y| {
            let (row, col) = match turns {
                0 => (y, x),
                // turned clockwise: the shown (y, x) comes from the stored grid's
                // (n-1-x, y) and so on
                1 => (n - 1 - x, y),
                2 => (n - 1 - y, n - 1 - x),
                _ => (x, n - 1 - y),
            };
            self.dark(row, col)
        });
        rqrr::Grid::new(grid).decode().ok().map(|(_, text)| text)
    }
}
