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

/// CSS generic font families.
pub const GENERIC: &[&str] = &[
    "serif",
    "sans-serif",
    "monospace",
    "cursive",
    "fantasy",
    "system-ui",
    "ui-serif",
    "ui-sans-serif",
    "ui-monospace",
    "ui-rounded",
    "math",
    "emoji",
    "fangsong",
];

/// Whether a generic family may start a stack: the guide has a role for it (a
/// `[fonts.code]` role for `monospace`: code set in the user's monospace still reads as
/// code where the brand's code font is missing) or allows it (`[lint] generic_families`).
fn generic_allowed(guide: &Guide, family: &str) -> bool {
    let monospace = ["monospace", "ui-monospace"]
        .iter()
        .any(|m| family.eq_ignore_ascii_case(m));
    (monospace && guide.code().is_some())
        || guide
            .lint
            .generic_families
            .iter()
            .any(|g| g.get_ref().trim().eq_ignore_ascii_case(family))
}

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
    let generic = GENERIC.iter().any(|g| first.eq_ignore_ascii_case(g));
    if generic && generic_allowed(guide, first) {
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
        .fix(if generic {
            format!(
                "start with a brand family (var(--font-body), var(--font-code) for code), or allow the generic family in the guide: [lint] generic_families = [\"{first}\"]"
            )
        } else {
            "font-family: var(--font-body) (or var(--font-heading) for headings, var(--font-code) for code)".to_string()
        }),
    )
}

/// What `lint --fix` writes for an off-brand `font-family` value that names a brand
/// family further on: the value with its first brand family moved to the front, the
/// families between moved one place back; each family is kept as written (quotes and
/// all) and so are the separators. `None` when the stack names no brand family (a
/// person picks one) or already starts with one.
pub fn brand_first(guide: &Guide, value: &str) -> Option<String> {
    let brand = guide.font_families();
    let is_brand = |written: &str| {
        families(written)
            .first()
            .is_some_and(|f| brand.iter().any(|b| b.eq_ignore_ascii_case(f)))
    };
    // each family's trimmed text as a range of `value`
    let mut spans = Vec::new();
    let mut at = 0;
    for part in split_commas(value) {
        let lead = part.len() - part.trim_start().len();
        let start = at + lead;
        spans.push(start..start + part.trim().len());
        at += part.len() + 1;
    }
    let k = spans.iter().position(|r| is_brand(&value[r.clone()]))?;
    if k == 0 || spans[..k].iter().any(|r| r.is_empty()) {
        return None;
    }
    let mut order: Vec<&str> = vec![&value[spans[k].clone()]];
    order.extend(spans[..k].iter().map(|r| &value[r.clone()]));
    let mut out = String::with_capacity(value.len());
    let mut from = 0;
    for (slot, text) in spans[..=k].iter().zip(order) {
        out.push_str(&value[from..slot.start]);
        out.push_str(text);
        from = slot.end;
    }
    out.push_str(&value[from..]);
    Some(out)
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

    #[test]
    fn fixes_move_the_first_brand_family_to_the_front() {
        let g =
            crate::brand::Guide::load(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
        for (value, want) in [
            (
                "Kanit, 'Noto Sans Thai', sans-serif",
                Some("'Noto Sans Thai', Kanit, sans-serif"),
            ),
            (
                "Kanit,Prompt ,  \"noto sans\" ,serif",
                Some("\"noto sans\",Kanit ,  Prompt ,serif"),
            ),
            (
                "sans-serif, Noto Sans Thai",
                Some("Noto Sans Thai, sans-serif"),
            ),
            ("Kanit, sans-serif", None),
            ("'Noto Sans Thai', Kanit", None),
            ("", None),
        ] {
            assert_eq!(brand_first(&g, value).as_deref(), want, "{value}");
        }
    }

    /// A generic family first is off-brand only where the guide has no role for it
    /// (`monospace` with a `[fonts.code]` role) and does not allow it.
    #[test]
    fn generic_families_need_a_role_or_the_guides_leave() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut g = crate::brand::Guide::load(root).unwrap();
        let at = || Location::at("x.css", 1, 1);
        let mono = "monospace, monospace";
        let without_code = g.code().is_none();
        if without_code {
            assert!(
                check(&g, mono, mono, at()).is_some(),
                "no code role: off-brand"
            );
        }
        // a code role makes the generic monospace its own
        let body = g.body().clone();
        g.fonts.insert(crate::brand::CODE_ROLE.to_string(), body);
        assert!(check(&g, mono, mono, at()).is_none());
        assert!(check(&g, "ui-monospace, Menlo", "x", at()).is_none());
        let f = check(&g, "serif", "serif", at()).expect("serif has no role");
        assert!(
            f.fix.as_deref().unwrap().contains("generic_families"),
            "{f:?}"
        );
        // the guide allows serif
        let toml = "generic_families = [\"Serif\"]";
        g.lint = toml::from_str(toml).unwrap();
        assert!(check(&g, "serif, Georgia", "x", at()).is_none());
        assert!(check(&g, "cursive", "cursive", at()).is_some());
    }
}
