//! `contrast/insufficient`: text against its effective background below WCAG AA
//! (4.5:1; 3:1 for large text, 24px or 18.66px bold). The HTML linter resolves the
//! colors statically (see `lint::html::cascade`); this decides and words the finding.

use crate::brand::{Rgb, color};
use crate::lint::{Finding, Location};

/// Whether text of this size and weight counts as large for WCAG.
pub fn is_large(size_px: f32, bold: bool) -> bool {
    size_px >= 24.0 || (bold && size_px >= 18.66)
}

/// Alpha-composites `fg` with opacity `alpha` over `bg`.
pub fn blend(fg: Rgb, alpha: f32, bg: Rgb) -> Rgb {
    let mix = |f: u8, b: u8| (f as f32 * alpha + b as f32 * (1.0 - alpha)).round() as u8;
    Rgb(mix(fg.0, bg.0), mix(fg.1, bg.1), mix(fg.2, bg.2))
}

pub fn check(fg: Rgb, bg: Rgb, size_px: f32, bold: bool, location: Location) -> Option<Finding> {
    let ratio = fg.contrast(bg);
    let large = is_large(size_px, bold);
    let need = if large {
        color::AA_LARGE
    } else {
        color::AA_NORMAL
    };
    if ratio >= need {
        return None;
    }
    let kind = if large { "large text" } else { "text" };
    Some(
        Finding::new(&crate::lint::rules::CONTRAST_INSUFFICIENT, location,
            format!(
                "{kind} {fg} on {bg} has contrast {ratio:.2}:1, below WCAG AA {need}:1 ({size_px:.0}px{})",
                if bold { " bold" } else { "" }
            ),
        )
        .expected(format!("≥ {need}:1"))
        .found(format!("{fg} on {bg} = {ratio:.2}:1"))
        .fix("use a brand text/background pair from the guide (e.g. ink on paper)"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_for_normal_and_large_text() {
        let at = || Location::at("p.html", 1, 1);
        let grey = Rgb(0x99, 0x99, 0x99);
        let white = Rgb(255, 255, 255);
        assert_eq!(
            check(grey, white, 16.0, false, at()).unwrap().rule,
            "contrast/insufficient"
        );
        // #767676 on white is 4.54:1: passes normal text
        assert!(check(Rgb(0x76, 0x76, 0x76), white, 16.0, false, at()).is_none());
        // #949494 on white (3.03:1) passes only as large text
        let mid = Rgb(0x94, 0x94, 0x94);
        assert!(check(mid, white, 24.0, false, at()).is_none());
        assert!(check(mid, white, 19.0, true, at()).is_none());
        assert!(check(mid, white, 19.0, false, at()).is_some());
        assert_eq!(blend(Rgb(0, 0, 0), 0.5, white), Rgb(128, 128, 128));
    }
}
