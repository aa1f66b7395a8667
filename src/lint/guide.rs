//! The guide lints itself: `guide/duplicate-color` (two palette colors within
//! `colors.tolerance` of each other) and `guide/unused-color` (a color in no pair, not a
//! logo background, whose name and role no template uses and whose role is not one every
//! channel needs). Findings point at `brand/brand.toml` line:col. Contrast of declared
//! pairs is validated when the guide loads; [`contrast_matrix`] shows every pair.

use std::collections::BTreeSet;
use std::fmt::Write;

use crate::brand::{Guide, color};
use crate::lint::{Finding, Location};

/// Roles every channel reads (see brand validation), so their colors are in use.
const CORE_ROLES: &[&str] = &["text", "background", "primary"];

pub fn lint(guide: &Guide) -> Vec<Finding> {
    let mut out = Vec::new();
    let at = |offset: usize| {
        let (line, col) = guide.source.line_col(offset);
        Location::at(&guide.source.path, line, col)
    };
    let palette: Vec<_> = guide.colors.palette.iter().collect();
    for (j, (name_j, def_j)) in palette.iter().enumerate() {
        for (name_i, def_i) in &palette[..j] {
            let d = def_i.hex.delta_e(def_j.hex);
            if d <= guide.colors.tolerance {
                out.push(
                    Finding::new(
                        &crate::lint::rules::GUIDE_DUPLICATE_COLOR,
                        at(name_j.span().start),
                        format!(
                            "{} {} is the same color as {} {} (ΔE {d:.2} ≤ tolerance {})",
                            name_j.get_ref(),
                            def_j.hex,
                            name_i.get_ref(),
                            def_i.hex,
                            guide.colors.tolerance
                        ),
                    )
                    .expected(format!(
                        "colors more than ΔE {} apart",
                        guide.colors.tolerance
                    ))
                    .found(format!("{} {}", name_j.get_ref(), def_j.hex))
                    .fix(format!(
                        "remove {} or use {}",
                        name_j.get_ref(),
                        name_i.get_ref()
                    )),
                );
            }
        }
    }
    let templates = template_text(guide);
    let mut used: BTreeSet<&str> = BTreeSet::new();
    for pair in &guide.colors.pairs {
        used.insert(pair.text.get_ref());
        used.insert(pair.background.get_ref());
    }
    for bg in &guide.logo.backgrounds {
        used.insert(bg.get_ref());
    }
    for (name, def) in &guide.colors.palette {
        let role = def.role.get_ref().as_str();
        let n = name.get_ref().as_str();
        let in_use = used.contains(n)
            || CORE_ROLES.contains(&role)
            || templates.contains(&format!("--color-{n}"))
            || (guide.role(role).map(|(x, _)| x) == Some(n)
                && templates.contains(&format!("--role-{role}")));
        if !in_use {
            out.push(
                Finding::new(&crate::lint::rules::GUIDE_UNUSED_COLOR, at(name.span().start),
                    format!(
                        "{n} (role {role}) is in no pair, not a logo background, and no template uses --color-{n} or --role-{role}"
                    ),
                )
                .found(format!("{n} {}", def.hex)),
            );
        }
    }
    let path = guide.source.path.clone();
    crate::lint::finding::attach_excerpts(&mut out, &path, &guide.source.text);
    out
}

/// Every template's text, for `--color-<name>` / `--role-<role>` references.
fn template_text(guide: &Guide) -> String {
    let mut all = String::new();
    for entry in walkdir::WalkDir::new(guide.root.join("templates"))
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if entry.file_type().is_file()
            && let Ok(t) = std::fs::read_to_string(entry.path())
        {
            all.push_str(&t);
        }
    }
    all
}

/// The contrast of every palette color as text on every palette color as background,
/// for `brand validate`: ratios below AA (4.5:1) are marked `✗`, below 3:1 `✗✗`.
pub fn contrast_matrix(guide: &Guide) -> String {
    let names: Vec<&str> = guide.palette().map(|(n, _)| n).collect();
    let w = names
        .iter()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(4)
        .max(7);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "  contrast matrix (row: text, column: background; ✗ below AA {}:1, ✗✗ below {}:1):",
        color::AA_NORMAL,
        color::AA_LARGE
    );
    let _ = write!(s, "    {:w$}", "");
    for n in &names {
        let _ = write!(s, " {n:>w$}");
    }
    s.push('\n');
    for (tn, td) in guide.palette() {
        let _ = write!(s, "    {tn:w$}");
        for (bn, bd) in guide.palette() {
            if tn == bn {
                let _ = write!(s, " {:>w$}", "—");
                continue;
            }
            let r = td.hex.contrast(bd.hex);
            let mark = if r < color::AA_LARGE {
                "✗✗"
            } else if r < color::AA_NORMAL {
                "✗"
            } else {
                ""
            };
            let _ = write!(s, " {:>w$}", format!("{r:.1}{mark}"));
        }
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::SourceFile;

    fn guide_with(extra: &str) -> (Guide, String) {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(root.join("brand/brand.toml")).unwrap();
        let text = text.replace("[colors.forest]", &format!("{extra}\n[colors.forest]"));
        (
            Guide::from_source(root, SourceFile::new("brand/brand.toml", text.clone())).unwrap(),
            text,
        )
    }

    #[test]
    fn example_guide_is_clean() {
        let (g, _) = guide_with("");
        assert_eq!(lint(&g), []);
        let m = contrast_matrix(&g);
        assert!(m.contains("forest") && m.contains("✗"), "{m}");
    }

    #[test]
    fn duplicate_and_unused_colors() {
        let (g, text) = guide_with("[colors.pine]\nhex = \"#205D4B\"\nrole = \"decoration\"\n");
        let f = lint(&g);
        let rules: Vec<_> = f.iter().map(|f| f.rule).collect();
        assert_eq!(
            rules,
            ["guide/duplicate-color", "guide/unused-color"],
            "{f:#?}"
        );
        let forest_line = text.lines().position(|l| l == "[colors.forest]").unwrap() + 1;
        assert_eq!(
            f[0].location.line,
            Some(forest_line),
            "forest comes after pine"
        );
        let pine_line = text.lines().position(|l| l == "[colors.pine]").unwrap() + 1;
        assert_eq!(f[1].location.line, Some(pine_line));
        assert_eq!(f[1].severity, crate::lint::Severity::Info);
    }
}
