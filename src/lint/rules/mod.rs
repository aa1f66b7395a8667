//! The registry of lint rules: every stable rule id with its default severity, a one-line
//! summary and where its documentation lives. `[lint.rules]` keys are checked against it,
//! and the SARIF reporter lists it as the tool's rules.

pub mod color;
pub mod contrast;
pub mod font;
pub mod glyph;
pub mod link;
pub mod logo;

use crate::brand::Guide;
use crate::error::{Error, Result};
use crate::lint::Severity;

/// One rule as the registry knows it.
#[derive(Debug, Clone, Copy)]
pub struct RuleInfo {
    pub id: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    pub help_uri: &'static str,
}

/// Where the rules are documented (one anchor per rule id).
pub const DOCS: &str = "https://brandpress.dev/docs/lint-rules";

macro_rules! rules {
    ($($id:literal, $sev:ident, $summary:literal;)*) => {
        /// Every rule brandpress knows, in a stable order.
        pub const RULES: &[RuleInfo] = &[$(RuleInfo {
            id: $id,
            severity: Severity::$sev,
            summary: $summary,
            help_uri: concat!("https://brandpress.dev/docs/lint-rules#", $id),
        }),*];
    };
}

rules! {
    "color/off-palette", Error, "A color that is not in the brand palette (beyond colors.near_miss ΔE).";
    "color/near-miss", Warning, "A color close to, but not exactly, a brand color (within colors.near_miss ΔE).";
    "font/off-brand", Error, "A font-family stack whose first family is not a brand font.";
    "font/missing-glyph", Warning, "Visible text with characters the brand font for its script does not have.";
    "contrast/insufficient", Error, "Text whose contrast with its background is below WCAG AA.";
    "logo/missing-alt", Error, "The logo image without alt text.";
    "logo/min-size", Error, "The logo declared smaller than the guide's minimum size.";
    "link/broken-local", Error, "A local link or resource that does not exist.";
    "link/outside-root", Warning, "A local link, stylesheet or symbolic link leading outside the linted paths: not read, not checked.";
    "lint/ignore-without-reason", Warning, "A brandpress-ignore comment without a reason; the ignore is not applied.";
    "lint/ignore-unknown-rule", Warning, "A brandpress-ignore comment naming a rule brandpress does not know.";
    "lint/unknown-kind", Warning, "A file that is none of the formats lint checks (nor CSS, fonts, scripts, SVG, text): not checked.";
    "lint/unreadable", Error, "A file that could not be read from disk.";
    "lint/internal-error", Error, "brandpress failed on this file (a bug): the file is not checked, the rest of the report is complete.";
    "html/too-complex", Error, "HTML or CSS nested beyond lint's limits (elements, blocks, selectors, functions): the part beyond is not fully checked.";
    "guide/unused-color", Info, "A palette color with no role in use, no pair and no logo background.";
    "guide/duplicate-color", Warning, "Two palette colors within colors.tolerance of each other.";
    "tone/banned-term", Error, "A term the guide bans.";
    "tone/preferred-term", Warning, "A term the guide replaces with a preferred one.";
    "tone/brand-spelling", Error, "A brand or product name spelled differently from the guide.";
    "tone/sentence-length", Warning, "A sentence longer than the guide's maximum.";
    "tone/exclamation", Warning, "More exclamation marks than the guide allows.";
    "image/off-palette", Error, "An image with more off-palette pixels than lint.image_off_palette.";
    "image/dimensions", Error, "An image whose size is not one of the guide's presets.";
    "image/unreadable", Error, "An image that cannot be read (not the format its name says, corrupt or truncated).";
    "image/too-large", Error, "An image with more pixels than lint decodes (the limit is in the message): its colors are not checked.";
    "email/unreadable", Error, "An .eml file that is not a readable MIME message.";
    "email/size", Error, "Email HTML over Gmail's 102 KB clipping limit (warning above 90 KB).";
    "email/unsupported-css", Warning, "CSS that major email clients drop (caniemail data).";
    "email/font-fallback", Error, "A brand web font without a web-safe fallback for clients lacking @font-face.";
    "email/missing-alt", Error, "An email image without alt text.";
    "email/width", Warning, "An email element wider than the guide's email width.";
    "email/missing-plain-text", Error, "An email without its plain-text alternative.";
    "pdf/bleed", Error, "A print PDF without the guide's bleed.";
    "pdf/font-not-embedded", Error, "A PDF font that is not embedded.";
    "pdf/page-size", Error, "A PDF page whose size is not the guide's page size.";
    "pdf/unreadable", Error, "A PDF that cannot be read (not a PDF, corrupt or truncated).";
    "pdf/too-complex", Error, "A PDF beyond lint's work limits (operators, form XObject uses, decoded bytes): the rest is not checked.";
}

/// The registry entry of a rule id.
pub fn info(id: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|r| r.id == id)
}

/// Checks every `[lint.rules]` key against the registry: an unknown id is an error at
/// the key's line and column in the guide.
pub fn validate_levels(guide: &Guide) -> Result<()> {
    let mut errors = Vec::new();
    for key in guide.lint.rules.keys() {
        if info(key.get_ref()).is_none() {
            let near: Vec<&str> = RULES
                .iter()
                .map(|r| r.id)
                .filter(|id| {
                    let prefix = key.get_ref().split('/').next().unwrap_or("");
                    id.starts_with(&format!("{prefix}/"))
                })
                .collect();
            let help = if near.is_empty() {
                format!(
                    "known rules: {}",
                    RULES.iter().map(|r| r.id).collect::<Vec<_>>().join(", ")
                )
            } else {
                format!("did you mean one of: {}", near.join(", "))
            };
            errors.push(
                guide
                    .source
                    .error(
                        key.span(),
                        format!("[lint.rules]: unknown rule id {:?}", key.get_ref()),
                        "not a brandpress rule",
                    )
                    .with_help(help)
                    .into(),
            );
        }
    }
    Error::collect(errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::SourceFile;

    #[test]
    fn ids_are_unique_and_well_formed() {
        let mut ids: Vec<_> = RULES.iter().map(|r| r.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len());
        assert!(
            RULES
                .iter()
                .all(|r| r.id.contains('/') && r.help_uri.ends_with(r.id))
        );
    }

    /// Every `Finding::new("family/id", …)` under src/lint names a registered rule, so
    /// `[lint.rules]` and SARIF know every rule a linter can report.
    #[test]
    fn every_rule_the_linters_report_is_registered() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lint");
        let families = [
            "color", "contrast", "email", "font", "guide", "html", "image", "link", "lint", "logo",
            "markdown", "pdf", "tone",
        ];
        let mut unknown = Vec::new();
        for entry in walkdir::WalkDir::new(&root).into_iter().flatten() {
            if entry.path().extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).unwrap();
            for (i, _) in text.match_indices('"') {
                let rest = &text[i + 1..];
                let Some(end) = rest.find('"') else { continue };
                let lit = &rest[..end];
                let Some((family, name)) = lit.split_once('/') else {
                    continue;
                };
                let well_formed =
                    !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '-');
                if families.contains(&family) && well_formed && info(lit).is_none() {
                    unknown.push(format!("{}: {lit}", entry.path().display()));
                }
            }
        }
        assert!(
            unknown.is_empty(),
            "rule ids missing from RULES: {unknown:#?}"
        );
    }

    /// The README's rule table lists every rule with its default severity.
    #[test]
    fn the_readme_documents_every_rule() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
        for r in RULES {
            let row = format!("| `{}` | {} |", r.id, r.severity);
            assert!(readme.contains(&row), "README.md lacks the row {row}");
        }
    }

    #[test]
    fn unknown_rule_ids_in_the_guide_are_errors_at_the_key() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(root.join("brand/brand.toml")).unwrap();
        let good =
            Guide::from_source(root, SourceFile::new("brand/brand.toml", text.clone())).unwrap();
        assert!(validate_levels(&good).is_ok());
        let bad_text = format!("{text}\"color/off-pallete\" = \"warning\"\n");
        let bad = Guide::from_source(root, SourceFile::new("brand/brand.toml", bad_text.clone()))
            .unwrap();
        let err = validate_levels(&bad).unwrap_err().to_string();
        let line = bad_text.lines().count();
        assert!(
            err.starts_with(&format!(
                "brand/brand.toml:{line}:1: [lint.rules]: unknown rule id \"color/off-pallete\""
            )),
            "{err}"
        );
    }
}
