//! Link decoration, in one place: every URL a channel publishes goes through
//! [`decorate`], which adds the channel's UTM tags to links to the brand's own site.
//! Campaign-wide link checks and per-segment tagging extend this module.

use url::Url;

use crate::brand::Guide;
use crate::channel::Channel;
use crate::content::Piece;

/// The URL as published on `channel`: links to the brand's own domains
/// ([`Guide::is_brand_host`]) get `utm_source` (the channel), `utm_medium` (the guide's,
/// [`Guide::utm_medium`]) and, when the piece names one, `utm_campaign`. Existing UTM
/// parameters are kept; third-party links, relative links, `mailto:` and fragments are
/// returned unchanged.
pub fn decorate(url: &str, channel: Channel, piece: &Piece, guide: &Guide) -> String {
    let Ok(mut parsed) = Url::parse(url) else {
        return url.to_string();
    };
    if !matches!(parsed.scheme(), "http" | "https")
        || !parsed.host_str().is_some_and(|h| guide.is_brand_host(h))
    {
        return url.to_string();
    }
    let existing: Vec<String> = parsed.query_pairs().map(|(k, _)| k.into_owned()).collect();
    let mut tags = vec![
        ("utm_source", channel.name()),
        ("utm_medium", guide.utm_medium(channel)),
    ];
    if let Some(campaign) = piece.meta.campaign.as_deref() {
        tags.push(("utm_campaign", campaign));
    }
    {
        let mut query = parsed.query_pairs_mut();
        for (key, value) in tags {
            if !existing.iter().any(|k| k == key) {
                query.append_pair(key, value);
            }
        }
    }
    parsed.to_string()
}

/// Whether a reference points at a file next to the document — relative (`img/a.png`) or
/// root-relative (`/a.png`) — rather than a fragment, a protocol-relative URL or any
/// scheme (`https:`, `mailto:`, `tel:`, `data:`, `cid:`…).
pub fn is_file_reference(url: &str) -> bool {
    let url = url.trim();
    if url.is_empty() || url.starts_with('#') || url.starts_with("//") {
        return false;
    }
    // a scheme: letters, digits, + - . before the first ':'
    if let Some(colon) = url.find(':') {
        let scheme = &url[..colon];
        if !scheme.is_empty()
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        {
            return false;
        }
    }
    true
}

/// What a link or image reference in a piece points at, after the checks every
/// reference passes ([`classify`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `http:`/`https:` or protocol-relative (`//cdn.example/a.png`).
    Web,
    /// `mailto:` or `tel:` (links only).
    Contact,
    /// `#section` on the same page.
    Fragment,
    /// A path relative to the piece's file (`img/a.png`, `../menu.pdf`), `%`-escapes
    /// decoded and any `?query` or `#fragment` removed.
    Relative(String),
    /// A path from the site root (`/menu/`): links only; it is published as written.
    RootRelative,
}

/// Schemes that survive into web and email hrefs.
pub const LINK_SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

/// Checks a link (`image == false`) or image source as written in a piece. Only http,
/// https, mailto, tel, in-page fragments and relative paths pass; `javascript:`,
/// `vbscript:`, `data:`, `file:` and every other scheme are refused, with the scheme
/// read the way browsers read it (case folded, tabs and newlines removed, leading
/// control characters and spaces stripped — the WHATWG URL parser the `url` crate
/// implements), so `" JaVa\tScript:"` is `javascript:`.
pub fn classify(reference: &str, image: bool) -> Result<Target, String> {
    let trimmed = reference.trim_matches(|c: char| c <= ' ');
    if let Some(c) = trimmed.chars().find(|c| c.is_control()) {
        return Err(format!(
            "the URL holds the control character U+{:04X}",
            c as u32
        ));
    }
    match Url::parse(trimmed) {
        Ok(url) => {
            let scheme = url.scheme();
            let allowed: &[&str] = if image {
                &["http", "https"]
            } else {
                LINK_SCHEMES
            };
            if allowed.contains(&scheme) {
                if matches!(scheme, "mailto" | "tel") {
                    Ok(Target::Contact)
                } else {
                    Ok(Target::Web)
                }
            } else {
                let what = if image { "an image source" } else { "a link" };
                Err(format!(
                    "{scheme}: URLs are not allowed as {what}; use {}",
                    if image {
                        "https:, or a picture file next to the piece"
                    } else {
                        "https:, mailto:, tel:, #fragment or a relative path"
                    }
                ))
            }
        }
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            if trimmed.is_empty() || trimmed.starts_with('#') {
                Ok(Target::Fragment)
            } else if trimmed.starts_with("//") || trimmed.starts_with("\\\\") {
                Ok(Target::Web)
            } else if trimmed.starts_with('/') || trimmed.starts_with('\\') {
                if image {
                    Err("a root-relative image path cannot be published: write it relative to the piece".into())
                } else {
                    Ok(Target::RootRelative)
                }
            } else {
                let path = trimmed.split(['?', '#']).next().unwrap_or("");
                let decoded = crate::paths::decode_reference(path)
                    .map_err(|why| format!("the path is not usable: {why}"))?;
                if decoded.is_empty() {
                    return Ok(Target::Fragment);
                }
                Ok(Target::Relative(decoded))
            }
        }
        Err(e) => Err(format!("not a valid URL: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::SourceFile;

    fn piece() -> Piece {
        Piece::parse(SourceFile::new(
            "content/p.md",
            "+++\ntitle = \"t\"\nsummary = \"s\"\ncampaign = \"winter-2026\"\n+++\n",
        ))
        .unwrap()
    }

    fn guide() -> Guide {
        Guide::load(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    #[test]
    fn adds_channel_tags_to_absolute_links_only() {
        let (p, g) = (piece(), guide());
        assert_eq!(
            decorate("https://tonkla.example/menu?x=1", Channel::Email, &p, &g),
            "https://tonkla.example/menu?x=1&utm_source=email&utm_medium=email&utm_campaign=winter-2026"
        );
        assert_eq!(decorate("../menu/", Channel::Email, &p, &g), "../menu/");
        assert_eq!(
            decorate("mailto:hi@tonkla.example", Channel::Email, &p, &g),
            "mailto:hi@tonkla.example"
        );
    }

    /// Only the brand's own domains (here the host of the example's `base_url`,
    /// subdomains included) are tagged; a third party's link is left as written.
    #[test]
    fn third_party_links_are_left_untouched() {
        let (p, mut g) = (piece(), guide());
        let third = "https://www.lineman.example/r/ต้นกล้า?ref=1";
        assert_eq!(decorate(third, Channel::Email, &p, &g), third);
        assert!(
            decorate("https://shop.tonkla.example/", Channel::Web, &p, &g)
                .contains("utm_source=web&utm_medium=referral")
        );
        // "nottonkla.example" is not below "tonkla.example"
        let lookalike = "https://nottonkla.example/";
        assert_eq!(decorate(lookalike, Channel::Web, &p, &g), lookalike);
        // the guide names the domains and the media
        g.links = toml::from_str(
            "domains = [\"lineman.example\"]\n[utm_medium]\nemail = \"newsletter\"\n",
        )
        .unwrap();
        let out = decorate(third, Channel::Email, &p, &g);
        assert!(out.contains("utm_medium=newsletter"), "{out}");
        let ours = "https://tonkla.example/";
        assert_eq!(decorate(ours, Channel::Email, &p, &g), ours);
    }

    #[test]
    fn classifies_references_the_way_browsers_read_them() {
        use Target::*;
        let ok = |r: &str, image: bool| classify(r, image).unwrap();
        assert_eq!(ok("https://x.example/a.png", true), Web);
        assert_eq!(ok("//cdn.example/a.png", true), Web);
        assert_eq!(ok("mailto:a@b.example", false), Contact);
        assert_eq!(ok("tel:+6621234567", false), Contact);
        assert_eq!(ok("#top", false), Fragment);
        assert_eq!(ok("/menu/", false), RootRelative);
        assert_eq!(ok("img/a.png", true), Relative("img/a.png".into()));
        assert_eq!(ok("a%20b.png?v=2#x", true), Relative("a b.png".into()));
        assert_eq!(ok("%2e%2e/x.png", true), Relative("../x.png".into()));
        assert_eq!(ok("รูป/กาแฟ.png", true), Relative("รูป/กาแฟ.png".into()));
        for bad in [
            "javascript:alert(1)",
            " JaVaScRiPt:alert(1)",
            "java\tscript:alert(1)",
            "\u{1}javascript:alert(1)",
            "vbscript:msgbox",
            "data:text/html;base64,AA",
            "file:///etc/passwd",
            "ftp://x.example/",
        ] {
            assert!(classify(bad, false).is_err(), "{bad:?}");
        }
        for bad in [
            "data:image/png;base64,AA",
            "mailto:a@b",
            "/x.png",
            "cid:logo",
        ] {
            assert!(classify(bad, true).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn keeps_existing_tags() {
        let (p, g) = (piece(), guide());
        let out = decorate(
            "https://tonkla.example/?utm_source=line",
            Channel::Print,
            &p,
            &g,
        );
        assert!(
            out.contains("utm_source=line") && !out.contains("utm_source=print"),
            "{out}"
        );
        assert!(out.contains("utm_medium=offline"));
    }
}
