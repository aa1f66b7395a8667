//! `image/alt-quality`: alt text that does not read well with images blocked — a file
//! name, or a lead-in such as "image of" / "รูปภาพ" that screen readers already say. For
//! web pages and email alike; missing alt text is `logo/missing-alt` and
//! `email/missing-alt`'s, an empty alt on decoration is fine.

use crate::lint::{Finding, Location};

/// Lead-ins that repeat what a screen reader announces ("graphic", "image").
const LEAD_INS: &[&str] = &[
    "image of",
    "picture of",
    "photo of",
    "graphic of",
    "an image of",
    "a picture of",
    "a photo of",
    "รูปภาพ",
    "ภาพของ",
    "รูปของ",
    "ภาพถ่าย",
];

/// Extensions of picture files, for alt text that is a file name.
const PICTURE_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "webp", "svg", "avif", "bmp", "tif", "tiff",
];

/// What is wrong with `alt`, if anything (`src` is the image's address).
pub fn problem(alt: &str, src: &str) -> Option<&'static str> {
    let alt = alt.trim();
    if alt.is_empty() {
        return None;
    }
    let lower = alt.to_lowercase();
    let file = src.rsplit('/').next().unwrap_or("");
    let file = file.split(['?', '#']).next().unwrap_or("");
    let looks_like_file = !lower.contains(' ')
        && lower
            .rsplit_once('.')
            .is_some_and(|(_, ext)| PICTURE_EXTENSIONS.contains(&ext));
    if looks_like_file || (!file.is_empty() && lower == file.to_lowercase()) {
        return Some("is a file name");
    }
    if LEAD_INS.iter().any(|l| lower.starts_with(l)) {
        return Some("starts with words screen readers already say");
    }
    None
}

/// The finding for `alt` on the image at `location`, if its alt text reads badly.
pub fn check(alt: &str, src: &str, location: Location) -> Option<Finding> {
    let why = problem(alt, src)?;
    Some(
        Finding::new(
            &crate::lint::rules::IMAGE_ALT_QUALITY,
            location,
            format!("alt text {why}: it is what readers hear, and see when images are blocked"),
        )
        .found(alt.to_string())
        .fix("say what the image shows, as a short sentence (e.g. alt=\"โคลด์บรูว์สองแก้วบนโต๊ะไม้\")"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_and_lead_ins_read_badly() {
        for (alt, src, bad) in [
            ("IMG_2041.jpg", "hero.jpg", true),
            ("hero.png", "img/hero.png", true),
            ("hero", "img/hero", true),
            ("รูปภาพกาแฟเย็น", "a.png", true),
            ("Image of two cold brews", "a.png", true),
            ("ภาพของโคลด์บรูว์", "a.png", true),
            ("โคลด์บรูว์สองแก้วบนโต๊ะไม้", "a.png", false),
            ("Two cold brews on a wooden table", "a.png", false),
            ("Tonkla Coffee", "logo.svg", false),
            ("", "spacer.gif", false),
            ("ราคา 89.- บาท", "price.png", false),
        ] {
            assert_eq!(problem(alt, src).is_some(), bad, "{alt:?} for {src}");
        }
    }
}
