//! The HTML/CSS rules, and the registry of every rule ([`registry`]): `[lint.rules]` keys are
//! checked against it, findings take their default severity from it, and the README table,
//! `docs/rules/`, SARIF's `rules` and `brandpress explain` are generated from it.

pub mod color;
pub mod contrast;
pub mod font;
pub mod glyph;
pub mod link;
pub mod logo;
pub mod registry;

pub use registry::*;

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
    fn ids_are_unique_and_well_formed() {
        let mut ids: Vec<_> = RULES.iter().map(|r| r.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len());
        assert!(
            RULES
                .iter()
                .all(|r| r.id.contains('/') && r.doc_path().ends_with(&format!("{}.md", r.id)))
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

    /// `BRANDPRESS_BLESS=1` rewrites generated files instead of failing on them.
    fn bless() -> bool {
        std::env::var_os("BRANDPRESS_BLESS").is_some_and(|v| v == "1")
    }

    /// The README's rule table is the registry's, row for row.
    #[test]
    fn the_readme_rule_table_is_generated_from_the_registry() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let path = root.join("README.md");
        let readme = std::fs::read_to_string(&path).unwrap();
        let begin = readme
            .find(README_BEGIN)
            .expect("README has the rules:begin line");
        let start = begin + README_BEGIN.len() + 1;
        let end = readme[start..]
            .find(README_END)
            .expect("README has the rules:end line")
            + start;
        let want = table(false);
        if readme[start..end] != want {
            if bless() {
                let text = format!("{}{want}{}", &readme[..start], &readme[end..]);
                std::fs::write(&path, text).unwrap();
            } else {
                panic!(
                    "README.md's rule table differs from the registry; run \
                     `BRANDPRESS_BLESS=1 cargo test --lib rules::` to regenerate it"
                );
            }
        }
    }

    /// `docs/rules/` holds exactly the pages the registry generates.
    #[test]
    fn the_rule_docs_are_generated_from_the_registry() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let files = generated_docs();
        let mut stale = Vec::new();
        for (rel, want) in &files {
            let path = root.join(rel);
            if std::fs::read_to_string(&path).ok().as_deref() != Some(want.as_str()) {
                if bless() {
                    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                    std::fs::write(&path, want).unwrap();
                } else {
                    stale.push(rel.clone());
                }
            }
        }
        for entry in walkdir::WalkDir::new(root.join("docs/rules"))
            .into_iter()
            .flatten()
        {
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry.path().strip_prefix(root).unwrap();
            let rel = rel.to_string_lossy().replace('\\', "/");
            if !files.iter().any(|(p, _)| *p == rel) {
                if bless() {
                    std::fs::remove_file(entry.path()).unwrap();
                } else {
                    stale.push(format!("{rel} (no such rule)"));
                }
            }
        }
        assert!(
            stale.is_empty(),
            "out of date with the registry: {stale:#?}; run `BRANDPRESS_BLESS=1 cargo test --lib rules::`"
        );
    }

    /// Each rule's examples and rationale are filled in.
    #[test]
    fn every_rule_is_documented() {
        for r in RULES {
            assert!(r.summary.ends_with('.'), "{}", r.id);
            assert!(r.rationale.len() > 40, "{}", r.id);
            assert!(
                !r.bad.is_empty() && !r.good.is_empty() && r.bad != r.good,
                "{}",
                r.id
            );
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
