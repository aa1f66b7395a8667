//! Where on a picture its off-palette pixels are: the regions `image/off-palette` names.
//!
//! One bounding box around every off pixel says little when a card has a stray logo in
//! one corner and an off-brand button in another: the box is the whole card. So the off
//! pixels are binned on a coarse grid of [`CELL`]-pixel cells (a count and a pixel box
//! per cell, one add per off pixel), and touching non-empty cells (8-connected) are
//! joined into regions, largest first. Work is linear in the off pixels plus the cells,
//! and the cells are bounded by the image's pixel limit over 256.

/// Side of a grid cell in pixels: text and anti-aliased marks of one element are
/// closer than this, so one button or one word is one region.
pub const CELL: u32 = 16;
/// Regions listed at most (the rest are counted).
pub const MAX_REGIONS: usize = 8;

/// One connected area of off-palette pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OffRegion {
    /// `[x, y, w, h]` around its off pixels.
    pub pixel_box: [u32; 4],
    /// Off-palette pixels in it (of the sample, when sampled).
    pub off: u64,
}

/// Off pixels binned by cell.
pub struct Grid {
    cols: u32,
    rows: u32,
    /// Per cell: off pixels, and `[x0, y0, x1, y1]` inclusive (valid when count > 0).
    cells: Vec<(u64, [u32; 4])>,
}

impl Grid {
    pub fn new(width: usize, height: usize) -> Grid {
        let cols = (width as u32).div_ceil(CELL).max(1);
        let rows = (height as u32).div_ceil(CELL).max(1);
        Grid {
            cols,
            rows,
            cells: vec![(0, [0; 4]); (cols * rows) as usize],
        }
    }

    /// Counts an off pixel at `(x, y)`.
    #[inline]
    pub fn add(&mut self, x: u32, y: u32) {
        let i =
            ((y / CELL).min(self.rows - 1) * self.cols + (x / CELL).min(self.cols - 1)) as usize;
        let (n, b) = &mut self.cells[i];
        if *n == 0 {
            *b = [x, y, x, y];
        } else {
            b[0] = b[0].min(x);
            b[1] = b[1].min(y);
            b[2] = b[2].max(x);
            b[3] = b[3].max(y);
        }
        *n += 1;
    }

    /// The regions, most off pixels first (ties: top to bottom, left to right).
    pub fn regions(&self) -> Vec<OffRegion> {
        let mut seen = vec![false; self.cells.len()];
        let mut regions = Vec::new();
        let mut stack = Vec::new();
        for start in 0..self.cells.len() {
            if seen[start] || self.cells[start].0 == 0 {
                continue;
            }
            seen[start] = true;
            stack.push(start);
            let (mut off, mut b) = (0u64, self.cells[start].1);
            while let Some(i) = stack.pop() {
                let (n, cb) = self.cells[i];
                off += n;
                b = [
                    b[0].min(cb[0]),
                    b[1].min(cb[1]),
                    b[2].max(cb[2]),
                    b[3].max(cb[3]),
                ];
                let (cx, cy) = ((i as u32 % self.cols) as i64, (i as u32 / self.cols) as i64);
                for dy in -1..=1i64 {
                    for dx in -1..=1i64 {
                        let (nx, ny) = (cx + dx, cy + dy);
                        if nx < 0 || ny < 0 || nx >= self.cols as i64 || ny >= self.rows as i64 {
                            continue;
                        }
                        let j = (ny * self.cols as i64 + nx) as usize;
                        if !seen[j] && self.cells[j].0 > 0 {
                            seen[j] = true;
                            stack.push(j);
                        }
                    }
                }
            }
            regions.push(OffRegion {
                pixel_box: [b[0], b[1], b[2] - b[0] + 1, b[3] - b[1] + 1],
                off,
            });
        }
        regions.sort_by(|a, b| {
            b.off
                .cmp(&a.off)
                .then(a.pixel_box[1].cmp(&b.pixel_box[1]))
                .then(a.pixel_box[0].cmp(&b.pixel_box[0]))
        });
        regions
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fill(grid: &mut Grid, [x, y, w, h]: [u32; 4]) {
        for yy in y..y + h {
            for xx in x..x + w {
                grid.add(xx, yy);
            }
        }
    }

    #[test]
    fn apart_patches_are_apart_regions_largest_first() {
        let mut grid = Grid::new(1200, 630);
        fill(&mut grid, [1000, 500, 40, 30]);
        fill(&mut grid, [100, 50, 200, 100]);
        let regions = grid.regions();
        assert_eq!(
            regions,
            [
                OffRegion {
                    pixel_box: [100, 50, 200, 100],
                    off: 20_000
                },
                OffRegion {
                    pixel_box: [1000, 500, 40, 30],
                    off: 1200
                },
            ]
        );
    }

    #[test]
    fn nearby_marks_join_and_edges_clamp() {
        // two marks 10 px apart (letters of a word) are one region; pixels at the last
        // row and column of an image whose size is no multiple of the cell count
        let mut grid = Grid::new(101, 37);
        fill(&mut grid, [2, 2, 5, 5]);
        fill(&mut grid, [17, 2, 5, 5]);
        fill(&mut grid, [100, 36, 1, 1]);
        let regions = grid.regions();
        assert_eq!(regions.len(), 2, "{regions:?}");
        assert_eq!(regions[0].pixel_box, [2, 2, 20, 5]);
        assert_eq!(regions[1].pixel_box, [100, 36, 1, 1]);
        assert!(Grid::new(0, 0).regions().is_empty());
    }

    #[test]
    fn equal_regions_read_top_to_bottom_left_to_right() {
        let mut grid = Grid::new(640, 640);
        for k in (0..20).rev() {
            fill(&mut grid, [(k % 10) * 64, (k / 10) * 64, 3, 3]);
        }
        let regions = grid.regions();
        assert_eq!(regions.len(), 20);
        assert_eq!(regions[0].pixel_box, [0, 0, 3, 3]);
        assert_eq!(regions[1].pixel_box, [64, 0, 3, 3]);
        assert_eq!(regions[19].pixel_box, [576, 64, 3, 3]);
    }
}
