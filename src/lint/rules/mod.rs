//! The HTML/CSS rules, and the registry of every rule ([`crate::registry`]): `[lint.rules]` keys are
//! checked against it, findings take their default severity from it, and the README table,
//! `docs/rules/`, SARIF's `rules` and `brandpress explain` are generated from it.

pub mod alt;
pub mod color;
pub mod contrast;
pub mod font;
pub mod glyph;
pub mod link;
pub mod logo;
pub mod logo_dark;

pub use crate::registry::*;

use crate::brand::Guide;
use crate::error::{Error, Result};

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
