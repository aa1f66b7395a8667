//! Shared text layout engine for the PNG (tiny-skia) and PDF (krilla) renderers.
//!
//! Pipeline: split at hard breaks → itemize into Thai / other runs on grapheme
//! clusters and pick a face per cluster ([`itemize`]) → shape each run with
//! rustybuzz in font units ([`shape_text`]) → line break opportunities from
//! ICU4X's dictionary segmenter plus Thai rules ([`break_opportunities`]) →
//! greedy fill, alignment ([`layout`]) and size search ([`fit`]) → outlines
//! ([`glyph_path`]). Placed lines become glyph runs of a [`crate::scene::Scene`], which
//! the PNG and PDF painters draw.
//!
//! Untrusted input: a font file must parse fully before it enters a [`FontStore`]
//! ([`check_font_data`]), and characters no brand face has are left out of the layout
//! (no `.notdef` boxes) and listed in [`Layout::missing`], which the renderers report as
//! `font/missing-glyph` ([`missing`]).
//!
//! Why not parley: parley 0.12.0 was tried in a throwaway crate (not committed)
//! on the brand's Noto fonts. Without its `complex-scripts` feature it breaks
//! Thai only at spaces (a 32-glyph first line in a 200 px box). With it, it
//! gives the same four lines as this engine for the promo sentence in the tests
//! (both use ICU4X's Thai dictionary), no dotted circles, and it keeps `\n` and
//! U+2028 inside Thai (the dropped-newline bug, parley #768, did not reproduce;
//! #781 fixed it). Speed is similar: 150–340 µs (parley) against 215–240 µs (here)
//! for the same Thai paragraph, release builds, interleaved runs on a busy
//! 2-core machine. We keep rustybuzz + icu_segmenter: shaping happens once in
//! font units so [`fit`] tries every size without reshaping; faces are chosen
//! by [`FaceId`] from the brand's files (no family-name matching or system
//! font discovery); the Thai rules (`ๆ`, emergency splits that keep leading
//! and following vowels with their consonant) and the overflow flag are ours;
//! and we avoid a second shaping stack (harfrust/skrifa/fontique) next to
//! rustybuzz, which usvg and krilla already use.

pub mod brand;

mod fonts;
mod itemize;
mod layout;
mod linebreak;
pub mod missing;
mod outline;
mod shape;

pub use crate::brand::check_font_data;
pub use fonts::{FaceEntry, FaceId, FaceMetrics, FontChoice, FontStore};
pub use itemize::{Run, ScriptClass, is_default_ignorable, is_thai, itemize};
pub use layout::{
    Align, Layout, Line, PositionedGlyph, ShapedText, TextStyle, fit, fit_shaped, layout,
    shape_styled, shape_text,
};
pub use linebreak::{MAI_YAMOK, break_opportunities, never_starts_line};
pub use outline::glyph_path;
pub use shape::ShapedGlyph;

use std::path::PathBuf;

/// Errors of font loading and layout.
#[derive(Debug, thiserror::Error)]
pub enum TextError {
    /// A font file could not be read.
    #[error("cannot read font file {path}: {source}")]
    FontIo {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A font file is not a usable font.
    #[error("cannot parse font file {path}: {reason}")]
    FontParse {
        /// The file.
        path: PathBuf,
        /// What the parser said.
        reason: String,
    },
    /// A [`FontChoice`] names a face that is not in the store.
    #[error("face {0:?} is not in the font store")]
    UnknownFace(FaceId),
    /// Size, line height or box are not usable numbers.
    #[error("invalid text style: {0}")]
    InvalidStyle(String),
}

/// Errors of [`fit`].
#[derive(Debug, thiserror::Error)]
pub enum FitError {
    /// Even the smallest allowed size overflows the box.
    #[error("text does not fit the box even at {min_size}px ({} lines, {:.1}px tall)", layout.lines.len(), layout.height)]
    DoesNotFit {
        /// The smallest size tried.
        min_size: f32,
        /// The overflowing layout at `min_size`, for reporting.
        layout: Box<Layout>,
    },
    /// `min_size`/`max_size` are not a positive, ordered range.
    #[error("invalid size range {min_size}..={max_size}")]
    InvalidRange {
        /// Lower bound given.
        min_size: f32,
        /// Upper bound given.
        max_size: f32,
    },
    /// Font or style problem.
    #[error(transparent)]
    Text(#[from] TextError),
}

#[cfg(test)]
mod tests;
