//! Layers point one way: no module imports from a layer above it, and the two halves of
//! the top layer — the renderers and the linters — do not import from each other.
//!
//! - bottom: facts about the brand, the content and the channels, with no drawing or
//!   checking in them;
//! - middle: text layout, the asset store and the scene, shared by the renderers;
//! - top: the renderers, the linters, the build that runs them, the reports and the CLI.
//!
//! A module not listed here fails the test, so a new module is placed on purpose.

use std::path::Path;

const LAYERS: &[(&str, u8)] = &[
    // bottom
    ("error", 0),
    ("untrusted", 0),
    ("paths", 0),
    ("units", 0),
    ("limits", 0),
    ("channel", 0),
    ("i18n", 0),
    ("registry", 0),
    ("brand", 0),
    ("content", 0),
    ("links", 0),
    ("facts", 0),
    ("manifest", 0),
    ("project", 0),
    ("progress", 0),
    // middle
    ("text", 1),
    ("assets", 1),
    ("scene", 1),
    // top
    ("render", 2),
    ("lint", 2),
    ("build", 2),
    ("report", 2),
    ("cli", 2),
    ("init", 2),
    ("corpus", 2),
    ("fuzzing", 2),
    ("lsp", 2),
    ("tokens", 2),
    ("merge", 2),
    ("sheet", 2),
    ("book", 2),
    ("serve", 2),
];

/// Top-layer siblings that must not import from each other.
const APART: &[(&str, &str)] = &[("render", "lint"), ("lint", "render"), ("lint", "build")];

fn layer(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

/// Every `crate::<module>` a source text names, with its line: in `use` items, paths in
/// code and doc links alike (a doc link to a layer above is a dependency in the reader's
/// head too). Comments that are not doc comments are skipped, and so are unit tests (from
/// a `#[cfg(test)]` line on): a test may build outputs to lint them.
fn crate_refs(text: &str) -> Vec<(usize, String)> {
    let mut refs = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let code = line.trim_start();
        if code.starts_with("#[cfg(test)]") {
            break;
        }
        if code.starts_with("//") && !code.starts_with("///") && !code.starts_with("//!") {
            continue;
        }
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            let before = rest[..at].chars().next_back();
            rest = &rest[at + "crate::".len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue; // `mycrate::`, `brandpress_crate::`
            }
            if let Some(group) = rest.strip_prefix('{') {
                // `use crate::{a::X, b};`
                let inner = group.split('}').next().unwrap_or("");
                for item in inner.split(',') {
                    let name: String = item
                        .trim()
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if !name.is_empty() {
                        refs.push((i + 1, name));
                    }
                }
                continue;
            }
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                refs.push((i + 1, name));
            }
        }
    }
    refs
}

#[test]
fn no_module_imports_from_a_layer_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut problems = Vec::new();
    let mut files = 0;
    for entry in walkdir::WalkDir::new(&src).into_iter().flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") || path.ends_with("tests.rs") {
            continue; // unit tests in their own file (`mod tests;`)
        }
        let rel = path.strip_prefix(&src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = first.trim_end_matches(".rs").to_string();
        if module == "lib" || module == "main" {
            continue;
        }
        files += 1;
        let Some(own) = layer(&module) else {
            problems.push(format!(
                "src/{}: module `{module}` is in no layer (add it to LAYERS)",
                rel.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(path).unwrap();
        for (line, target) in crate_refs(&text) {
            if target == module {
                continue;
            }
            let Some(theirs) = layer(&target) else {
                continue; // a crate-level item such as a macro, not a module
            };
            if theirs > own {
                problems.push(format!(
                    "src/{}:{line}: `{module}` (layer {own}) imports `{target}` (layer {theirs})",
                    rel.display()
                ));
            }
            if APART.contains(&(module.as_str(), target.as_str())) {
                problems.push(format!(
                    "src/{}:{line}: `{module}` imports its sibling `{target}`",
                    rel.display()
                ));
            }
        }
    }
    assert!(files > 50, "found only {files} source files");
    assert!(
        problems.is_empty(),
        "imports against the layers:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_checker_sees_every_form_of_import() {
    let text = "use crate::render::Channel;\n\
                use crate::{lint::Severity, text};\n\
                // crate::build is only mentioned in a comment\n\
                /// See [`crate::scene`].\n\
                let x = crate::assets::load();\n\
                let y = mycrate::render::x;\n\
                #[cfg(test)]\n\
                mod tests { use crate::build; }\n";
    let names: Vec<String> = crate_refs(text).into_iter().map(|(_, n)| n).collect();
    assert_eq!(names, ["render", "lint", "text", "scene", "assets"]);
}
