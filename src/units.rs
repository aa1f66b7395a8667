//! Units of length, one place for their conversions. Bottom layer: print layout, PDF lint
//! and CSS lint all read them here.

/// PDF points per millimetre (72 pt per inch, 25.4 mm per inch).
pub const PT_PER_MM: f32 = 72.0 / 25.4;

/// CSS pixels per inch (CSS fixes 1 in = 96 px).
pub const CSS_PX_PER_IN: f32 = 96.0;

/// PDF points per CSS pixel (72 pt and 96 px per inch): the guide's font sizes are in px.
pub const PT_PER_CSS_PX: f32 = 72.0 / CSS_PX_PER_IN;

/// CSS pixels to PDF points.
pub fn css_px_to_pt(px: f32) -> f32 {
    px * PT_PER_CSS_PX
}

/// An absolute CSS length in CSS pixels: `n` in `unit` (`px`, `pt`, `pc`, `in`, `cm`,
/// `mm`, `q`; empty means px, as HTML's `width` attribute). `None` for relative units.
pub fn css_px(n: f32, unit: &str) -> Option<f32> {
    let per_in = match unit.to_ascii_lowercase().as_str() {
        "" | "px" => return Some(n),
        "pt" => 72.0,
        "pc" => 6.0,
        "in" => 1.0,
        "cm" => 2.54,
        "mm" => 25.4,
        "q" => 101.6,
        _ => return None,
    };
    Some(n * CSS_PX_PER_IN / per_in)
}

/// Millimetres to PDF points.
pub fn mm_to_pt(mm: f32) -> f32 {
    mm * PT_PER_MM
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_lengths_in_css_pixels() {
        assert_eq!(css_px(12.0, "pt"), Some(16.0));
        assert_eq!(css_px(1.0, "in"), Some(96.0));
        assert_eq!(css_px(2.54, "cm"), Some(96.0));
        assert_eq!(css_px(25.4, "MM"), Some(96.0));
        assert_eq!(css_px(48.0, ""), Some(48.0));
        assert_eq!(css_px(2.0, "em"), None);
        assert_eq!(css_px_to_pt(16.0), 12.0);
        assert_eq!(PT_PER_CSS_PX, 0.75);
        assert!((mm_to_pt(210.0) - 595.2756).abs() < 1e-3, "A4 height");
    }
}
