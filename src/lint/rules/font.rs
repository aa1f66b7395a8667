//! `font/off-brand`: a font-family stack whose first family is not a brand font.

use crate::brand::Guide;
use crate::lint::html::css::split_commas;
use crate::lint::{Finding, Location};

/// The family names of a `font-family` value, unquoted, in order.
pub fn families(value: &str) -> Vec<String> {
    split_commas(value)
        .into_iter()
        .map(|f| {
            let f = f.trim();
            let unquoted = f
                .strip_prefix('"')
                .and_then(|s| s.strip_suffix('"'))
                .or_else(|| f.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')));
            match unquoted {
                Some(s) => s.to_string(),
                None => f.split_whitespace().collect::<Vec<_>>().join(" "),
            }
        })
        .filter(|f| !f.is_empty())
        .collect()
}

/// The family part of a `font` shorthand (`bold 1rem/1.5 "Noto Sans", sans-serif`):
/// everything after the size (the first token with a digit, or a size keyword).
pub fn shorthand_families(value: &str) -> Option<String> {
    const SIZE_WORDS: &[&str] = &[
        "xx-small",
        "x-small",
        "small",
        "medium",
        "large",
        "x-large",
        "xx-large",
        "xxx-large",
        "smaller",
        "larger",
    ];
    let mut rest = value.trim();
    loop {
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = &rest[..end];
        if word.is_empty() {
            return None;
        }
        let is_size = word.starts_with(|c: char| c.is_ascii_digit() || c == '.')
            || SIZE_WORDS.iter().any(|s| word.split('/').next() == Some(s));
        rest = rest[end..].trim_start();
        if is_size {
            if rest.starts_with('/') {
                // `size / line-height`
                rest = rest[1..].trim_start();
                let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                rest = rest[end..].trim_start();
            }
            return (!rest.is_empty()).then(|| rest.to_string());
        }
    }
}

const KEYWORDS: &[&str] = &["inherit", "initial", "unset", "revert", "revert-layer"];

/// Checks a resolved `font-family` value; `written` is the value as written (for the
/// message when it used `var()`).
pub fn check(guide: &Guide, resolved: &str, written: &str, location: Location) -> Option<Finding> {
    let stack = families(resolved);
    let first = stack.first()?;
    if KEYWORDS.iter().any(|k| first.eq_ignore_ascii_case(k)) {
        return None;
    }
    let brand = guide.font_families();
    if brand.iter().any(|b| b.eq_ignore_ascii_case(first)) {
        return None;
    }
    let expected = guide.css_stack(guide.body());
    let shown = if resolved == written {
        written.to_string()
    } else {
        format!("{written} = {resolved}")
    };
    Some(
        Finding::new(
            &crate::lint::rules::FONT_OFF_BRAND,
            location,
            format!(
                "font stack starts with {first:?}, which is not a brand font ({})",
                brand.into_iter().collect::<Vec<_>>().join(", ")
            ),
        )
        .expected(expected)
        .found(shown)
        .fix(
            "font-family: var(--font-body) (or var(--font-heading) for headings, var(--font-code) for code)",
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stacks_and_shorthands() {
        assert_eq!(
            families("\"Noto Sans\", 'Noto Sans Thai',Tahoma , sans-serif"),
            ["Noto Sans", "Noto Sans Thai", "Tahoma", "sans-serif"]
        );
        assert_eq!(
            shorthand_families("italic bold 1.2rem/1.5 Kanit, sans-serif").as_deref(),
            Some("Kanit, sans-serif")
        );
        assert_eq!(
            shorthand_families("large \"Noto Sans\"").as_deref(),
            Some("\"Noto Sans\"")
        );
    }

    #[test]
    fn first_family_must_be_a_brand_font() {
        let g =
            crate::brand::Guide::load(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
        let at = || Location::at("x.css", 1, 1);
        assert!(check(&g, "\"Noto Sans Thai\", sans-serif", "x", at()).is_none());
        assert!(check(&g, "inherit", "inherit", at()).is_none());
        let f = check(
            &g,
            "Kanit, \"Noto Sans\", sans-serif",
            "Kanit, \"Noto Sans\", sans-serif",
            at(),
        )
        .unwrap();
        assert_eq!(f.rule, "font/off-brand");
        assert!(f.message.contains("\"Kanit\""));
        assert!(
            check(&g, "sans-serif", "sans-serif", at()).is_some(),
            "generic first is off-brand"
        );
    }
}
