//! Link decoration, in one place: every URL a channel publishes goes through
//! [`decorate`], which adds the channel's UTM tags to links to the brand's own site.
//! Campaign-wide link checks and per-segment tagging extend this module.

use url::Url;

use crate::content::Piece;
use crate::render::Channel;

/// The URL as published on `channel`: absolute http(s) links get `utm_source` (the
/// channel), `utm_medium` and, when the piece names one, `utm_campaign`. Existing UTM
/// parameters are kept; relative links, `mailto:` and fragments are returned unchanged.
pub fn decorate(url: &str, channel: Channel, piece: &Piece) -> String {
    let Ok(mut parsed) = Url::parse(url) else {
        return url.to_string();
    };
    if !matches!(parsed.scheme(), "http" | "https") {
        return url.to_string();
    }
    let existing: Vec<String> = parsed.query_pairs().map(|(k, _)| k.into_owned()).collect();
    let medium = match channel {
        Channel::Web => "referral",
        Channel::Email => "email",
        Channel::Social => "social",
        Channel::Print => "offline",
    };
    let mut tags = vec![("utm_source", channel.name()), ("utm_medium", medium)];
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

/// A file reference relative to the document's directory (renderers copy such files).
pub fn is_relative_file(url: &str) -> bool {
    is_file_reference(url) && !url.trim().starts_with('/')
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

    #[test]
    fn adds_channel_tags_to_absolute_links_only() {
        let p = piece();
        assert_eq!(
            decorate("https://tonkla.example/menu?x=1", Channel::Email, &p),
            "https://tonkla.example/menu?x=1&utm_source=email&utm_medium=email&utm_campaign=winter-2026"
        );
        assert_eq!(decorate("../menu/", Channel::Email, &p), "../menu/");
        assert_eq!(
            decorate("mailto:hi@tonkla.example", Channel::Email, &p),
            "mailto:hi@tonkla.example"
        );
    }

    #[test]
    fn file_references() {
        for local in ["img/a.png", "../x.css", "a b.png", "/assets/logo.svg"] {
            assert!(is_file_reference(local), "{local}");
        }
        for remote in [
            "https://x.example/a.png",
            "//cdn.example/a.png",
            "data:image/png;base64,AA",
            "cid:logo@x",
            "mailto:a@b",
            "#top",
            "",
        ] {
            assert!(!is_file_reference(remote), "{remote}");
        }
        assert!(is_relative_file("img/a.png") && !is_relative_file("/assets/logo.svg"));
    }

    #[test]
    fn keeps_existing_tags() {
        let p = piece();
        let out = decorate("https://x.example/?utm_source=line", Channel::Print, &p);
        assert!(
            out.contains("utm_source=line") && !out.contains("utm_source=print"),
            "{out}"
        );
        assert!(out.contains("utm_medium=offline"));
    }
}
