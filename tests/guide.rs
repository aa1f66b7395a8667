//! The brand guide: the example loads; each kind of mistake is an error at its
//! file:line:col.

use std::path::Path;

use brandpress::brand::{Guide, Rgb};
use brandpress::error::SourceFile;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn example() -> String {
    std::fs::read_to_string(root().join("brand/brand.toml")).unwrap()
}

/// Loads the example guide with `from` replaced by `to`; returns the error text.
fn error_for(from: &str, to: &str) -> String {
    let text = example();
    assert!(
        text.contains(from),
        "the example guide no longer contains {from:?}"
    );
    let text = text.replacen(from, to, 1);
    match Guide::from_source(root(), SourceFile::new("brand/brand.toml", text)) {
        Ok(_) => panic!("replacing {from:?} with {to:?} should fail"),
        Err(e) => e.messages().join("\n"),
    }
}

/// 1-based line of the first occurrence of `needle` in the example guide.
fn line_of(needle: &str) -> usize {
    let text = example();
    text[..text.find(needle).unwrap()].matches('\n').count() + 1
}

#[test]
fn example_guide_loads() {
    let guide = Guide::load(root()).unwrap();
    assert_eq!(guide.brand.name, "Tonkla Coffee");
    let (name, forest) = guide.role("primary").unwrap();
    assert_eq!((name, forest.hex), ("forest", Rgb(0x1F, 0x5C, 0x4A)));
    // Declaration order is kept.
    let names: Vec<&str> = guide.palette().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        ["forest", "roast", "saffron", "ink", "paper", "mist"]
    );
    assert!(guide.font_families().contains("Noto Sans Thai"));
    assert_eq!(
        guide.css_stack(guide.body()),
        "\"Noto Sans\", \"Noto Sans Thai\", \"Tahoma\", \"Arial\", sans-serif"
    );
    assert_eq!(
        guide
            .tone_for(Some(brandpress::channel::Channel::Social))
            .max_sentence_words,
        Some(16)
    );
    assert_eq!(
        guide
            .tone_for(Some(brandpress::channel::Channel::Web))
            .max_sentence_words,
        Some(28)
    );
}

#[test]
fn bad_hex_points_at_the_value() {
    let e = error_for("hex = \"#1F5C4A\"", "hex = \"#1F5C4G\"");
    let line = line_of("hex = \"#1F5C4A\"");
    assert!(
        e.starts_with(&format!(
            "brand/brand.toml:{line}:7: invalid hex color \"#1F5C4G\""
        )),
        "{e}"
    );
}

#[test]
fn unknown_key_points_at_the_key() {
    let e = error_for("role = \"accent\"", "role = \"accent\"\ncolour = \"x\"");
    let line = line_of("role = \"accent\"") + 1;
    assert!(
        e.starts_with(&format!(
            "brand/brand.toml:{line}:1: unknown field `colour`"
        )),
        "{e}"
    );
}

#[test]
fn syntax_error_has_a_position() {
    let e = error_for("name = \"Tonkla Coffee\"", "name = \"Tonkla Coffee");
    let line = line_of("name = \"Tonkla Coffee\"");
    assert!(e.starts_with(&format!("brand/brand.toml:{line}:")), "{e}");
}

#[test]
fn missing_font_file_is_named() {
    let e = error_for(
        "files = [\"NotoSans-Bold.ttf\"]",
        "files = [\"NotoSans-Black.ttf\"]",
    );
    let line = line_of("files = [\"NotoSans-Bold.ttf\"]");
    assert!(e.contains(&format!("brand/brand.toml:{line}:")), "{e}");
    assert!(
        e.contains("font file") && e.contains("NotoSans-Black.ttf") && e.contains("not found"),
        "{e}"
    );
}

#[test]
fn wrong_font_family_is_named() {
    let e = error_for(
        "thai = { family = \"Noto Sans Thai\", files = [\"NotoSansThai-Bold.ttf\"] }",
        "thai = { family = \"Sarabun\", files = [\"NotoSansThai-Bold.ttf\"] }",
    );
    assert!(
        e.contains("font family \"Sarabun\" is not in its files (they hold Noto Sans Thai)"),
        "{e}"
    );
}

#[test]
fn low_contrast_pair_without_exception_fails() {
    let from = "{ text = \"saffron\", background = \"forest\", exception = \"display text of 32 px and more on cards only (large text, 3:1)\" }";
    let e = error_for(from, "{ text = \"saffron\", background = \"forest\" }");
    let line = line_of(from);
    assert!(e.starts_with(&format!("brand/brand.toml:{line}:")), "{e}");
    assert!(
        e.contains("saffron on forest: contrast 3.81:1 is below WCAG AA (4.5:1)"),
        "{e}"
    );
}

#[test]
fn exception_needs_a_reason() {
    let e = error_for(
        "exception = \"display text",
        "exception = \"   \", x = \"display text",
    );
    assert!(
        e.contains("unknown field `x`") || e.contains("needs a reason"),
        "{e}"
    );
    let from = "exception = \"display text of 32 px and more on cards only (large text, 3:1)\"";
    let e = error_for(from, "exception = \" \"");
    assert!(e.contains("an exception needs a reason"), "{e}");
}

#[test]
fn unknown_color_in_pair_is_an_error() {
    let e = error_for(
        "{ text = \"forest\", background = \"mist\" }",
        "{ text = \"forrest\", background = \"mist\" }",
    );
    let line = line_of("{ text = \"forest\", background = \"mist\" }");
    assert!(
        e.starts_with(&format!(
            "brand/brand.toml:{line}:12: unknown color \"forrest\""
        )),
        "{e}"
    );
}

#[test]
fn cmyk_out_of_range_and_missing_role() {
    let e = error_for("cmyk = [66, 0, 20, 64]", "cmyk = [166, 0, 20, 64]");
    assert!(e.contains("CMYK values are percentages"), "{e}");
    let e = error_for("role = \"text\"", "role = \"body-text\"");
    assert!(
        e.contains("brand/brand.toml:13:1: no color has role \"text\""),
        "{e}"
    );
    assert!(e.contains("layout.css: uses color role \"text\""), "{e}");
}

#[test]
fn missing_logo_file_and_wrong_type() {
    let e = error_for("files = [\"logo.svg\"]", "files = [\"logo-missing.svg\"]");
    assert!(
        e.contains("logo file") && e.contains("logo-missing.svg"),
        "{e}"
    );
    let e = error_for("width = 600", "width = \"wide\"");
    let line = line_of("width = 600");
    assert!(e.starts_with(&format!("brand/brand.toml:{line}:9:")), "{e}");
}

#[test]
fn several_errors_are_reported_together() {
    let text = example()
        .replacen("files = [\"logo.svg\"]", "files = [\"nope.svg\"]", 1)
        .replacen(
            "{ text = \"forest\", background = \"mist\" }",
            "{ text = \"nope\", background = \"mist\" }",
            1,
        );
    let e = Guide::from_source(root(), SourceFile::new("brand/brand.toml", text)).unwrap_err();
    let debug = e.messages().join("\n");
    assert!(
        debug.contains("nope.svg") && debug.contains("unknown color \"nope\""),
        "{debug}"
    );
}

/// `[links] domains` are host names; a URL there is an error at its position.
#[test]
fn link_domains_are_host_names() {
    let e = error_for(
        "[lint.rules]",
        "[links]\ndomains = [\"https://tonkla.example/\"]\n\n[lint.rules]",
    );
    assert!(e.contains("is not a domain name"), "{e}");
    assert!(e.contains("brand/brand.toml:"), "{e}");
}
