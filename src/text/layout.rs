//! Paragraph splitting, greedy line filling, alignment and auto-fit.

use std::collections::BTreeSet;
use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use super::fonts::{FaceId, FontChoice, FontStore};
use super::itemize::{is_default_ignorable, itemize};
use super::linebreak::{break_opportunities, never_starts_line};
use super::shape::{ShapedGlyph, shape_run};
use super::{FitError, TextError};

/// Horizontal alignment of lines inside the box.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    /// Flush left.
    #[default]
    Left,
    /// Centred.
    Center,
    /// Flush right.
    Right,
}

/// How to set a piece of text.
#[derive(Debug, Clone, PartialEq)]
pub struct TextStyle {
    /// Font size in pixels (the em square).
    pub size_px: f32,
    /// Line height as a multiple of `size_px`.
    pub line_height: f32,
    /// Faces per script.
    pub choice: FontChoice,
    /// Horizontal alignment.
    pub align: Align,
}

/// A glyph placed in layout coordinates: pixels, origin at the box's top-left,
/// y growing downwards; `(x, y)` is the glyph origin on the baseline, offsets applied.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PositionedGlyph {
    /// Face of the glyph.
    pub face: FaceId,
    /// Glyph id in that face.
    pub glyph_id: u16,
    /// Origin x (px).
    pub x: f32,
    /// Origin y (px, y down).
    pub y: f32,
    /// Advance (px).
    pub advance: f32,
    /// Byte offset in the laid-out text where the glyph's cluster starts.
    pub cluster: usize,
}

/// One line of a [`Layout`].
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Glyphs in visual (= logical, LTR) order.
    pub glyphs: Vec<PositionedGlyph>,
    /// Baseline y (px from the box top).
    pub baseline: f32,
    /// Advance width without trailing spaces (px).
    pub width: f32,
    /// Byte range of the text on this line (trailing spaces included, separator excluded).
    pub text_range: Range<usize>,
}

/// Text set into a box.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// Lines, top to bottom.
    pub lines: Vec<Line>,
    /// Width of the widest line (px).
    pub width: f32,
    /// Height of all lines (px): lines × size × line height.
    pub height: f32,
    /// The size used (px).
    pub size_px: f32,
    /// True when the lines are taller than the box or a word had to be split
    /// (it was wider than the box).
    pub overflow: bool,
    /// Characters left out because no brand face has a glyph for them (sorted): the
    /// engine draws nothing for them rather than `.notdef` boxes.
    pub missing: Vec<char>,
}

/// One grapheme cluster with its glyphs and width in ems.
#[derive(Debug, Clone)]
struct Atom {
    range: Range<usize>,
    glyphs: Range<usize>,
    width_em: f32,
    whitespace: bool,
    /// Emergency splitting must not break before this cluster (Thai following
    /// vowels, `ๆ`, closing punctuation).
    glue_before: bool,
    /// Emergency splitting must not break after this cluster (Thai leading vowels).
    glue_after: bool,
}

#[derive(Debug, Clone)]
struct Paragraph {
    range: Range<usize>,
    glyphs: Vec<ShapedGlyph>,
    /// Per glyph (advance, x offset, y offset) in ems.
    em: Vec<(f32, f32, f32)>,
    atoms: Vec<Atom>,
    /// Segments between break opportunities, as atom ranges.
    segments: Vec<Range<usize>>,
}

/// Text itemized, shaped and segmented once, independent of size and box:
/// lay it out at many sizes (as [`fit`] does) without shaping again.
#[derive(Debug, Clone)]
pub struct ShapedText {
    paragraphs: Vec<Paragraph>,
    ascent_em: f32,
    descent_em: f32,
    empty: bool,
    /// Characters left out because no face of the choice has a glyph for them, sorted.
    missing: Vec<char>,
}

fn is_separator(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// Splits at hard line breaks (`\n`, `\r\n`, `\r`, U+2028/2029, VT, FF, NEL).
fn paragraph_ranges(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if is_separator(c) {
            out.push(start..i);
            let mut next = i + c.len_utf8();
            if c == '\r' && matches!(iter.peek(), Some((_, '\n'))) {
                iter.next();
                next += 1;
            }
            start = next;
        }
    }
    out.push(start..text.len());
    out
}

/// Itemizes, shapes and segments `text` with the faces of `choice`.
pub fn shape_text(
    store: &FontStore,
    text: &str,
    choice: &FontChoice,
) -> Result<ShapedText, TextError> {
    shape_styled(store, text, choice, &[])
}

/// [`shape_text`] with other faces for parts of the text (inline **bold**): each
/// `(range, choice)` sets its byte range of `text` with that choice instead of `choice`.
/// Ranges are sorted, do not overlap and lie on character boundaries; a range that does
/// not is ignored. Lines break across the parts as in plain text.
pub fn shape_styled(
    store: &FontStore,
    text: &str,
    choice: &FontChoice,
    spans: &[(Range<usize>, FontChoice)],
) -> Result<ShapedText, TextError> {
    store.check_choice(choice)?;
    for (_, c) in spans {
        store.check_choice(c)?;
    }
    let mut ascent_em: f32 = 0.0;
    let mut descent_em: f32 = 0.0;
    let span_faces = spans.iter().flat_map(|(_, c)| [c.latin, c.thai]);
    for id in [choice.latin, choice.thai].into_iter().chain(span_faces) {
        if let Some(f) = store.face(id) {
            let upem = f32::from(f.metrics.units_per_em);
            ascent_em = ascent_em.max(f32::from(f.metrics.ascender) / upem);
            descent_em = descent_em.max(-f32::from(f.metrics.descender) / upem);
        }
    }
    let upem_of = |id: FaceId| {
        store
            .face(id)
            .map_or(1000.0, |f| f32::from(f.metrics.units_per_em))
    };
    let mut paragraphs = Vec::new();
    let mut missing = BTreeSet::new();
    for range in paragraph_ranges(text) {
        let ptext = &text[range.clone()];
        // Tabs shape as spaces; byte offsets are unchanged.
        let owned;
        let ptext = if ptext.contains('\t') {
            owned = ptext.replace('\t', " ");
            owned.as_str()
        } else {
            ptext
        };
        let mut glyphs = Vec::new();
        for (part, part_choice) in styled_parts(ptext, range.start, choice, spans) {
            for mut run in itemize(&ptext[part.clone()], store, part_choice) {
                run.range = run.range.start + part.start..run.range.end + part.start;
                shape_run(store, ptext, &run, &mut glyphs);
            }
        }
        drop_notdef(store, ptext, &mut glyphs, &mut missing);
        let em: Vec<(f32, f32, f32)> = glyphs
            .iter()
            .map(|g| {
                let u = upem_of(g.face);
                (
                    g.x_advance as f32 / u,
                    g.x_offset as f32 / u,
                    g.y_offset as f32 / u,
                )
            })
            .collect();

        // Atoms: grapheme clusters; glyph i goes to the atom holding its cluster,
        // never to an earlier atom than glyph i-1 (keeps glyph ranges contiguous).
        let mut atoms: Vec<Atom> = ptext
            .grapheme_indices(true)
            .map(|(i, g)| Atom {
                range: i..i + g.len(),
                glyphs: 0..0,
                width_em: 0.0,
                whitespace: g.chars().all(char::is_whitespace),
                glue_before: g.chars().next().is_some_and(|c| {
                    never_starts_line(c)
                        || matches!(c, '\u{0E30}' | '\u{0E32}' | '\u{0E33}' | '\u{0E45}')
                }),
                glue_after: g
                    .chars()
                    .next_back()
                    .is_some_and(|c| ('\u{0E40}'..='\u{0E44}').contains(&c)),
            })
            .collect();
        let mut owner = Vec::with_capacity(glyphs.len());
        let mut last = 0usize;
        for g in &glyphs {
            let idx = atoms
                .partition_point(|a| a.range.start <= g.cluster)
                .saturating_sub(1)
                .max(last);
            last = idx;
            owner.push(idx);
        }
        let mut gi = 0;
        for (ai, atom) in atoms.iter_mut().enumerate() {
            let start = gi;
            while gi < owner.len() && owner[gi] == ai {
                atom.width_em += em[gi].0;
                gi += 1;
            }
            atom.glyphs = start..gi;
            // A cluster left out entirely (no font has it) is as blank as a space: it
            // must not count as the visible end of a line.
            if atom.glyphs.is_empty()
                && ptext[atom.range.clone()]
                    .chars()
                    .all(|c| missing.contains(&c) || is_default_ignorable(c))
            {
                atom.whitespace = true;
            }
        }

        // Segments between break opportunities (which lie on atom boundaries).
        let mut segments = Vec::new();
        let mut seg_start = 0;
        let mut breaks = break_opportunities(ptext).into_iter().peekable();
        for (ai, atom) in atoms.iter().enumerate() {
            while breaks.peek().is_some_and(|&b| b < atom.range.end) {
                breaks.next();
            }
            if breaks.peek() == Some(&atom.range.end) || ai + 1 == atoms.len() {
                segments.push(seg_start..ai + 1);
                seg_start = ai + 1;
            }
        }

        // Store ranges relative to the whole text.
        for g in &mut glyphs {
            g.cluster += range.start;
        }
        for a in &mut atoms {
            a.range = a.range.start + range.start..a.range.end + range.start;
        }
        paragraphs.push(Paragraph {
            range,
            glyphs,
            em,
            atoms,
            segments,
        });
    }
    Ok(ShapedText {
        paragraphs,
        ascent_em,
        descent_em,
        empty: text.is_empty(),
        missing: missing.into_iter().collect(),
    })
}

/// The paragraph `ptext` (at byte `offset` of the whole text) cut into parts of one
/// choice, in order, as ranges of `ptext`. Without spans: one part, the whole paragraph.
fn styled_parts<'c>(
    ptext: &str,
    offset: usize,
    choice: &'c FontChoice,
    spans: &'c [(Range<usize>, FontChoice)],
) -> Vec<(Range<usize>, &'c FontChoice)> {
    let mut parts = Vec::new();
    let mut at = 0;
    for (range, span_choice) in spans {
        let start = range.start.saturating_sub(offset).max(at);
        let end = range.end.saturating_sub(offset).min(ptext.len());
        if start >= end || !ptext.is_char_boundary(start) || !ptext.is_char_boundary(end) {
            continue;
        }
        if start > at {
            parts.push((at..start, choice));
        }
        parts.push((start..end, span_choice));
        at = end;
    }
    if at < ptext.len() || parts.is_empty() {
        parts.push((at..ptext.len(), choice));
    }
    parts
}

/// Removes `.notdef` glyphs (glyph 0: the face has no glyph for a character, and the
/// itemizer found no brand face that has one) and records the characters of their clusters
/// that the face lacks. An empty box in a card or a printed flyer says nothing; the
/// renderers report [`Layout::missing`] instead (`font/missing-glyph`).
fn drop_notdef(
    store: &FontStore,
    text: &str,
    glyphs: &mut Vec<ShapedGlyph>,
    missing: &mut BTreeSet<char>,
) {
    if glyphs.iter().all(|g| g.glyph_id != 0) {
        return;
    }
    for (i, g) in glyphs.iter().enumerate().filter(|(_, g)| g.glyph_id == 0) {
        let end = glyphs[i + 1..]
            .iter()
            .map(|n| n.cluster)
            .find(|&c| c > g.cluster)
            .unwrap_or(text.len());
        let Some(face) = store.face(g.face) else {
            continue;
        };
        let cluster = text.get(g.cluster..end).unwrap_or("");
        missing.extend(
            cluster
                .chars()
                .filter(|&c| !is_default_ignorable(c) && face.ttf().glyph_index(c).is_none()),
        );
    }
    glyphs.retain(|g| g.glyph_id != 0);
}

fn check_params(size_px: f32, line_height: f32, box_size: (f32, f32)) -> Result<(), TextError> {
    if !(size_px.is_finite() && size_px > 0.0) {
        return Err(TextError::InvalidStyle(format!(
            "font size must be a positive number, got {size_px}"
        )));
    }
    if !(line_height.is_finite() && line_height > 0.0) {
        return Err(TextError::InvalidStyle(format!(
            "line height must be a positive number, got {line_height}"
        )));
    }
    let (w, h) = box_size;
    if w.is_nan() || h.is_nan() || w < 0.0 || h < 0.0 {
        return Err(TextError::InvalidStyle(format!(
            "box must have non-negative width and height, got {w}×{h}"
        )));
    }
    Ok(())
}

/// Tolerance for float comparisons against the box (px).
const EPS: f32 = 1e-3;

impl ShapedText {
    /// All shaped glyphs (font units), paragraph after paragraph; clusters are
    /// byte offsets into the shaped text.
    pub fn glyphs(&self) -> impl Iterator<Item = &ShapedGlyph> {
        self.paragraphs.iter().flat_map(|p| p.glyphs.iter())
    }

    /// Characters no face of the choice has, left out of every layout (sorted).
    pub fn missing(&self) -> &[char] {
        &self.missing
    }

    /// Lays the shaped text out at `size_px` in a box of `(width, height)` px
    /// (either may be infinite; alignment then falls back to left).
    pub fn layout(
        &self,
        size_px: f32,
        line_height: f32,
        align: Align,
        box_size: (f32, f32),
    ) -> Result<Layout, TextError> {
        check_params(size_px, line_height, box_size)?;
        let (box_w, box_h) = box_size;
        let mut overflow = false;
        // Lines as (paragraph index, atom range).
        let mut line_atoms: Vec<(usize, Range<usize>)> = Vec::new();
        if !self.empty {
            for (pi, p) in self.paragraphs.iter().enumerate() {
                overflow |= break_paragraph(p, pi, size_px, box_w, &mut line_atoms);
            }
        }

        let line_px = size_px * line_height;
        let content = (self.ascent_em + self.descent_em) * size_px;
        let half_leading = (line_px - content) / 2.0;
        let mut lines = Vec::with_capacity(line_atoms.len());
        let mut max_w: f32 = 0.0;
        for (li, (pi, atoms)) in line_atoms.into_iter().enumerate() {
            let p = &self.paragraphs[pi];
            let baseline = li as f32 * line_px + half_leading + self.ascent_em * size_px;
            let width = visible_width(p, atoms.clone()) * size_px;
            max_w = max_w.max(width);
            let x0 = if box_w.is_finite() {
                match align {
                    Align::Left => 0.0,
                    Align::Center => ((box_w - width) / 2.0).max(0.0),
                    Align::Right => (box_w - width).max(0.0),
                }
            } else {
                0.0
            };
            let text_range = match (p.atoms.get(atoms.start), atoms.end.checked_sub(1)) {
                (Some(first), Some(last_i)) if last_i >= atoms.start => {
                    first.range.start..p.atoms[last_i].range.end
                }
                _ => p.range.start..p.range.start,
            };
            let glyph_range = match (p.atoms.get(atoms.start), atoms.end.checked_sub(1)) {
                (Some(first), Some(last_i)) if last_i >= atoms.start => {
                    first.glyphs.start..p.atoms[last_i].glyphs.end
                }
                _ => 0..0,
            };
            let mut pen = x0;
            let glyphs = glyph_range
                .map(|gi| {
                    let g = &p.glyphs[gi];
                    let (adv, xo, yo) = p.em[gi];
                    let pg = PositionedGlyph {
                        face: g.face,
                        glyph_id: g.glyph_id,
                        x: pen + xo * size_px,
                        y: baseline - yo * size_px,
                        advance: adv * size_px,
                        cluster: g.cluster,
                    };
                    pen += adv * size_px;
                    pg
                })
                .collect();
            lines.push(Line {
                glyphs,
                baseline,
                width,
                text_range,
            });
        }
        let height = lines.len() as f32 * line_px;
        if height > box_h + EPS {
            overflow = true;
        }
        Ok(Layout {
            lines,
            width: max_w,
            height,
            size_px,
            overflow,
            missing: self.missing.clone(),
        })
    }
}

/// Width in ems of `atoms` without trailing whitespace.
fn visible_width(p: &Paragraph, atoms: Range<usize>) -> f32 {
    let slice = &p.atoms[atoms];
    let keep = slice
        .iter()
        .rposition(|a| !a.whitespace)
        .map_or(0, |i| i + 1);
    slice[..keep].iter().map(|a| a.width_em).sum()
}

/// Greedy line filling of one paragraph; pushes (paragraph, atoms) per line and
/// returns true when a segment had to be split at grapheme boundaries.
fn break_paragraph(
    p: &Paragraph,
    pi: usize,
    size_px: f32,
    box_w: f32,
    out: &mut Vec<(usize, Range<usize>)>,
) -> bool {
    if p.atoms.is_empty() {
        out.push((pi, 0..0));
        return false;
    }
    let max_w = box_w + EPS;
    let mut split = false;
    let mut line_start = 0usize;
    let mut line_end = 0usize; // exclusive; line empty when == line_start
    let mut line_w = 0.0f32; // full width including trailing spaces (px)
    for seg in &p.segments {
        let seg_w: f32 = p.atoms[seg.clone()].iter().map(|a| a.width_em).sum::<f32>() * size_px;
        let seg_visible = visible_width(p, seg.clone()) * size_px;
        if line_end > line_start && line_w + seg_visible > max_w {
            out.push((pi, line_start..line_end));
            line_start = line_end;
            line_w = 0.0;
        }
        if line_end == line_start && seg_visible > max_w {
            // Last resort: split the word at grapheme boundaries.
            split = true;
            for ai in seg.clone() {
                let a = &p.atoms[ai];
                let w = a.width_em * size_px;
                let may_break = line_end > line_start
                    && !a.whitespace
                    && !a.glue_before
                    && !p.atoms[ai - 1].glue_after;
                if may_break && line_w + w > max_w {
                    out.push((pi, line_start..line_end));
                    line_start = line_end;
                    line_w = 0.0;
                }
                line_end = ai + 1;
                line_w += w;
            }
            continue;
        }
        line_end = seg.end;
        line_w += seg_w;
    }
    if line_end > line_start {
        out.push((pi, line_start..line_end));
    }
    split
}

/// Lays `text` out with `style` in a box of `(width, height)` px.
pub fn layout(
    store: &FontStore,
    text: &str,
    style: &TextStyle,
    box_size: (f32, f32),
) -> Result<Layout, TextError> {
    check_params(style.size_px, style.line_height, box_size)?;
    shape_text(store, text, &style.choice)?.layout(
        style.size_px,
        style.line_height,
        style.align,
        box_size,
    )
}

/// The largest size in `[min_size, max_size]` (to 0.25 px) at which `text` fits
/// the box without overflow; `style.size_px` is ignored. Shapes once.
/// Errors with [`FitError::DoesNotFit`] (carrying the `min_size` layout) when even
/// `min_size` overflows.
pub fn fit(
    store: &FontStore,
    text: &str,
    style: &TextStyle,
    box_size: (f32, f32),
    min_size: f32,
    max_size: f32,
) -> Result<Layout, FitError> {
    if !(min_size.is_finite() && max_size.is_finite() && min_size > 0.0 && min_size <= max_size) {
        return Err(FitError::InvalidRange { min_size, max_size });
    }
    check_params(min_size, style.line_height, box_size)?;
    let shaped = shape_text(store, text, &style.choice)?;
    fit_shaped(&shaped, style, box_size, min_size, max_size)
}

/// [`fit`] for text shaped already (by [`shape_text`] with `style.choice`), so a caller
/// fitting the same text many times shapes it once.
pub fn fit_shaped(
    shaped: &ShapedText,
    style: &TextStyle,
    box_size: (f32, f32),
    min_size: f32,
    max_size: f32,
) -> Result<Layout, FitError> {
    if !(min_size.is_finite() && max_size.is_finite() && min_size > 0.0 && min_size <= max_size) {
        return Err(FitError::InvalidRange { min_size, max_size });
    }
    check_params(min_size, style.line_height, box_size)?;
    let at = |size: f32| shaped.layout(size, style.line_height, style.align, box_size);
    let best = at(max_size)?;
    if !best.overflow {
        return Ok(best);
    }
    let smallest = at(min_size)?;
    if smallest.overflow {
        return Err(FitError::DoesNotFit {
            min_size,
            layout: Box::new(smallest),
        });
    }
    let (mut lo, mut hi) = (smallest, max_size);
    while hi - lo.size_px > 0.25 {
        let mid = (lo.size_px + hi) / 2.0;
        let l = at(mid)?;
        if l.overflow {
            hi = mid;
        } else {
            lo = l;
        }
    }
    Ok(lo)
}
