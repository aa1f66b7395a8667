//! `logo/missing-alt` and `logo/min-size`: the logo (an image whose file name is a guide
//! logo file, or whose alt is the guide's logo alt) needs alt text and at least the
//! guide's minimum size for the channel.

use std::path::Path;

use crate::brand::Guide;
use crate::lint::{Finding, Location};

/// Whether an `<img>` with this `src` and `alt` is the brand logo.
pub fn is_logo(guide: &Guide, src: &str, alt: Option<&str>) -> bool {
    let name = src
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .rsplit('/')
        .next()
        .unwrap_or("");
    let by_file = !name.is_empty()
        && guide.logo.files.iter().any(|f| {
            Path::new(f.get_ref())
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
        });
    let by_alt = alt.is_some_and(|a| {
        !a.trim().is_empty() && a.trim().eq_ignore_ascii_case(guide.logo.alt.trim())
    });
    by_file || by_alt
}

pub fn missing_alt(guide: &Guide, alt: Option<&str>, location: Location) -> Option<Finding> {
    if alt.is_some_and(|a| !a.trim().is_empty()) {
        return None;
    }
    Some(
        Finding::new(
            &crate::lint::rules::LOGO_MISSING_ALT,
            location,
            "the logo has no alt text",
        )
        .expected(format!("alt=\"{}\"", guide.logo.alt))
        .found(match alt {
            Some(_) => "alt=\"\"".to_string(),
            None => "no alt attribute".to_string(),
        })
        .fix(format!("add alt=\"{}\"", guide.logo.alt)),
    )
}

/// The alt text `lint --fix` gives the logo: the guide's `[logo] alt`, or the brand's
/// name where that is blank.
pub fn alt_text(guide: &Guide) -> &str {
    match guide.logo.alt.trim() {
        "" => guide.brand.name.trim(),
        alt => alt,
    }
}

/// `text` as the value of a double-quoted HTML attribute.
pub fn attribute_value(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
}

/// Checks a declared size (`dimension` is "width" or "height", in CSS px).
pub fn min_size(min: f32, dimension: &str, px: f32, location: Location) -> Option<Finding> {
    if px >= min {
        return None;
    }
    Some(
        Finding::new(
            &crate::lint::rules::LOGO_MIN_SIZE,
            location,
            format!("the logo is {px}px {dimension}; the guide's minimum is {min}px"),
        )
        .expected(format!("{dimension} ≥ {min}px"))
        .found(format!("{dimension} {px}px"))
        .fix(format!("{dimension}: {min}px or more")),
    )
}

/// A length in CSS px from an attribute (`48`, `48px`) or a CSS value; `None` for
/// relative units and anything not static.
pub fn px(value: &str) -> Option<f32> {
    let v = value.trim().to_ascii_lowercase();
    let (num, unit) = v.split_at(
        v.find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(v.len()),
    );
    let n: f32 = num.parse().ok()?;
    crate::units::css_px(n, unit.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logo_detection_alt_and_size() {
        let g = Guide::load(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
        let at = || Location::at("p.html", 1, 1);
        assert!(is_logo(&g, "../assets/logo.svg?v=1", None));
        assert!(is_logo(&g, "img/brand.png", Some("Tonkla Coffee")));
        assert!(!is_logo(&g, "img/hero.jpg", Some("")));
        assert!(missing_alt(&g, Some("Tonkla Coffee"), at()).is_none());
        assert_eq!(
            missing_alt(&g, Some(" "), at()).unwrap().rule,
            "logo/missing-alt"
        );
        assert!(missing_alt(&g, None, at()).is_some());
        assert!(min_size(48.0, "width", 56.0, at()).is_none());
        assert_eq!(
            min_size(48.0, "width", 32.0, at()).unwrap().rule,
            "logo/min-size"
        );
        assert_eq!(px("32px"), Some(32.0));
        assert_eq!(px("40"), Some(40.0));
        assert_eq!(px("3rem"), None);
    }
}
