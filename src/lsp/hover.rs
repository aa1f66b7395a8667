//! Hover: on a color literal, the nearest brand color and the verdict lint gives it; on a
//! term a tone rule knows, the rule and what to write instead.

use std::ops::Range;

use crate::brand::Guide;
use crate::channel::Channel;
use crate::lint::rules::color::{self, Palette};
use crate::lint::tone::{BANNED_TERM, BRAND_SPELLING, PREFERRED_TERM, ToneRules};

/// The longest color literal looked for (`rgba(255, 255, 255, 0.5)` with spaces to spare).
const MAX_COLOR_LEN: usize = 80;

/// The color literal (`#RGB`, `#RGBA`, `#RRGGBB`, `#RRGGBBAA`, `rgb(…)`, `rgba(…)`,
/// `hsl(…)`, `hsla(…)`) of `line` that byte `at` is on, with its byte range.
pub fn color_at(line: &str, at: usize) -> Option<(Range<usize>, color::CssColor)> {
    let bytes = line.as_bytes();
    let word_byte = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    // hex: the `#` and its hex digits, on word edges
    let mut hash = at.min(bytes.len().saturating_sub(1));
    while hash > 0 && bytes.get(hash).is_some_and(u8::is_ascii_hexdigit) {
        hash -= 1;
    }
    if bytes.get(hash) == Some(&b'#') && (hash == 0 || !word_byte(bytes[hash - 1])) {
        let digits = bytes[hash + 1..]
            .iter()
            .take_while(|b| b.is_ascii_hexdigit())
            .count();
        let end = hash + 1 + digits;
        if matches!(digits, 3 | 4 | 6 | 8)
            && !bytes.get(end).is_some_and(|&b| word_byte(b))
            && (hash..end).contains(&at)
            && let Some(c) = color::parse_color(&line[hash..end])
        {
            return Some((hash..end, c));
        }
    }
    // functions: the nearest `rgb(` … `)` around `at`
    let lower = line.to_ascii_lowercase();
    let mut from = at.saturating_sub(MAX_COLOR_LEN).min(line.len());
    while !line.is_char_boundary(from) {
        from -= 1;
    }
    for name in ["rgba(", "rgb(", "hsla(", "hsl("] {
        let mut search = from;
        while let Some(k) = lower.get(search..).and_then(|s| s.find(name)) {
            let start = search + k;
            search = start + name.len();
            if start > at {
                break;
            }
            if start > 0 && word_byte(bytes[start - 1]) {
                continue;
            }
            let Some(close) = lower[start..]
                .char_indices()
                .take_while(|(i, _)| *i <= MAX_COLOR_LEN)
                .find(|(_, c)| *c == ')')
                .map(|(i, _)| start + i + 1)
            else {
                continue;
            };
            if (start..close).contains(&at)
                && let Some(c) = color::parse_color(&line[start..close])
            {
                return Some((start..close, c));
            }
        }
    }
    None
}

/// The hover text of a color: the verdict lint gives it, the nearest brand color with its
/// role and CIEDE2000 ΔE, and what to write.
pub fn color_text(guide: &Guide, palette: &Palette, c: &color::CssColor) -> String {
    if c.alpha <= 0.0 {
        return format!(
            "**{}** is fully transparent: lint does not check it.",
            c.text
        );
    }
    let Some(n) = palette.nearest(c.rgb) else {
        return format!("**{}**: the guide has no palette colors.", c.text);
    };
    let role = guide
        .color(n.name)
        .map(|d| format!(" — role *{}*", d.role.get_ref()))
        .unwrap_or_default();
    let (verdict, rule) = if palette.within_tolerance(n.delta) {
        ("a **brand color**", None)
    } else if palette.within_near_miss(n.delta) {
        (
            "a **near miss**: close to a brand color, but not it",
            Some(&crate::lint::rules::COLOR_NEAR_MISS),
        )
    } else {
        (
            "**off the palette**",
            Some(&crate::lint::rules::COLOR_OFF_PALETTE),
        )
    };
    let mut s = format!("**{}** is {verdict}", c.text);
    if let Some(rule) = rule {
        s.push_str(&format!(" (`{}`, {})", rule.id, rule.severity));
    }
    s.push_str(&format!(
        "\n\nNearest brand color: **{}**{role} — ΔE {:.1} (CIEDE2000)",
        n.label(),
        n.delta
    ));
    if rule.is_some() {
        s.push_str(&format!(
            "\n\nUse `var(--color-{})` or `{}`.",
            n.name, n.hex
        ));
    }
    s
}

/// The tone hit of a term the guide knows (banned, a preferred term's replaced form, a
/// misspelled brand name) that byte `at` of `text` is on, as hover text with its range.
pub fn term_at(rules: &ToneRules, text: &str, at: usize) -> Option<(Range<usize>, String)> {
    let known = [BANNED_TERM.id, PREFERRED_TERM.id, BRAND_SPELLING.id];
    let hit = rules
        .check(text)
        .into_iter()
        .find(|h| known.contains(&h.rule.id) && h.range.contains(&at))?;
    let mut s = format!(
        "**`{}`** ({}) — {}",
        hit.rule.id, hit.rule.severity, hit.message
    );
    match (&hit.expected, &hit.fix) {
        (Some(want), _) => s.push_str(&format!("\n\nWrite instead: **{want}**")),
        (None, Some(fix)) => s.push_str(&format!("\n\nInstead: {fix}")),
        (None, None) => {}
    }
    s.push_str(&format!("\n\n{}", hit.rule.summary));
    Some((hit.range, s))
}

/// Bytes of a long line looked at on each side of the cursor (tone rules segment what
/// they check; a minified page is one line of megabytes).
const WINDOW: usize = 2048;

/// The part of `line` (a byte range of `text`) hover looks at around byte `at` of
/// `text`: all of it, or [`WINDOW`] bytes on each side, on character boundaries.
pub fn window(text: &str, line: Range<usize>, at: usize) -> Range<usize> {
    let mut start = at.saturating_sub(WINDOW).max(line.start);
    let mut end = at.saturating_add(WINDOW).min(line.end);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

/// The tone channel of a document: Markdown sources have their own, pages the web's or,
/// when written for email clients, the email's.
pub fn channel(markdown: bool, text: &str) -> Option<Channel> {
    if markdown {
        None
    } else if crate::lint::looks_like_email(text.as_bytes()) {
        Some(Channel::Email)
    } else {
        Some(Channel::Web)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn guide() -> Guide {
        Guide::load(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    #[test]
    fn colors_are_found_under_the_cursor_in_css_and_html() {
        let line = ".promo { border-top: 4px solid #E63946; color: rgb(31, 92, 74); }";
        let at = line.find("E639").unwrap();
        let (range, c) = color_at(line, at).unwrap();
        assert_eq!(&line[range], "#E63946");
        assert_eq!(c.text, "#E63946");
        let at = line.find("92").unwrap();
        let (range, _) = color_at(line, at).unwrap();
        assert_eq!(&line[range], "rgb(31, 92, 74)");
        assert!(color_at(line, line.find("solid").unwrap()).is_none());
        // in an HTML attribute, beside Thai text
        let line = "<p style=\"color:#1f5c4a\">ต้นกล้า คอฟฟี่</p>";
        let (range, _) = color_at(line, line.find('#').unwrap()).unwrap();
        assert_eq!(&line[range], "#1f5c4a");
        // not colors: a fragment, an id that is too long, a word
        for line in ["<a href=\"#top\">", "#abcdefa", "a#fff", "#fffx", "#ข"] {
            let at = line.find('#').unwrap();
            for at in [at, at + 1] {
                assert!(color_at(line, at).is_none(), "{line} {at}");
            }
        }
    }

    #[test]
    fn color_hover_names_the_nearest_brand_color_with_its_role_and_delta() {
        let g = guide();
        let palette = Palette::new(&g);
        let c = color::parse_color("#E63946").unwrap();
        let text = color_text(&g, &palette, &c);
        assert!(text.contains("off the palette"), "{text}");
        assert!(text.contains("color/off-palette"), "{text}");
        assert!(text.contains("roast #6B3E26"), "{text}");
        assert!(text.contains("role *secondary*"), "{text}");
        assert!(text.contains("ΔE 26.8"), "{text}");
        assert!(text.contains("var(--color-roast)"), "{text}");
        let c = color::parse_color("#1F5C4A").unwrap();
        let text = color_text(&g, &palette, &c);
        assert!(text.contains("a **brand color**"), "{text}");
        assert!(
            text.contains("ΔE 0.0") && text.contains("role *primary*"),
            "{text}"
        );
        let c = color::parse_color("#2A6652").unwrap();
        assert!(color_text(&g, &palette, &c).contains("near miss"));
    }

    #[test]
    fn long_lines_are_looked_at_around_the_cursor() {
        let text = format!("{}ถูกที่สุด{}", "ก".repeat(5000), "x".repeat(9000));
        let at = text.find("ถูกที่สุด").unwrap();
        let w = window(&text, 0..text.len(), at + 1);
        assert!(w.start > 0 && w.end < text.len() && w.len() <= 2 * WINDOW + 6);
        assert!(text[w].contains("ถูกที่สุด"));
        let short = "ราคาถูกที่สุด";
        assert_eq!(window(short, 0..short.len(), 3), 0..short.len());
    }

    #[test]
    fn term_hover_says_the_rule_and_what_to_write_in_thai_and_english() {
        let g = guide();
        let rules = ToneRules::new(&g, None);
        let text = "ผู้บริโภคชอบกาแฟที่ถูกที่สุด Register now";
        let (range, s) = term_at(&rules, text, text.find("บริโภค").unwrap()).unwrap();
        assert_eq!(&text[range], "ผู้บริโภค");
        assert!(
            s.contains("tone/preferred-term") && s.contains("**ลูกค้า**"),
            "{s}"
        );
        let (range, s) = term_at(&rules, text, text.find("ที่สุด").unwrap()).unwrap();
        assert_eq!(&text[range], "ถูกที่สุด");
        assert!(s.contains("tone/banned-term"), "{s}");
        let (_, s) = term_at(&rules, text, text.find("Register").unwrap() + 2).unwrap();
        assert!(s.contains("**Sign up**"), "{s}");
        assert!(term_at(&rules, text, text.find("กาแฟ").unwrap()).is_none());
        let text = "Order on Line today";
        let (_, s) = term_at(&rules, text, text.find("Line").unwrap()).unwrap();
        assert!(
            s.contains("tone/brand-spelling") && s.contains("**LINE**"),
            "{s}"
        );
    }
}
