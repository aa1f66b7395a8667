//! `brandpress init` writes a project that lints clean as it is, and the guide's optional
//! `[fonts.code]` role reaches the web and email code styles without lint calling it
//! off-brand.

use std::path::Path;
use std::process::{Command, Output};

use brandpress::brand::Guide;

fn brandpress(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_brandpress"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run brandpress")
}

fn init(dir: &Path) {
    let out = brandpress(&["init", dir.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs `check --project dir` and asserts exit 0 with no error or warning (info is fine).
fn assert_checks_clean(dir: &Path) {
    let out = brandpress(&["check", "--project", dir.to_str().unwrap()]);
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let bad: Vec<&str> = all
        .lines()
        .filter(|l| l.starts_with("error[") || l.starts_with("warning["))
        .collect();
    assert!(bad.is_empty(), "findings: {bad:#?}\n\n{all}");
    assert_eq!(out.status.code(), Some(0), "{all}");
}

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The `font-family` of the first `<code>` in the built email HTML (styles are inlined).
fn email_code_family(html: &str) -> &str {
    let at = html
        .find("<code style=\"")
        .expect("the welcome email has inline code")
        + 13;
    let style = &html[at..at + html[at..].find('"').unwrap()];
    let family = style
        .split(';')
        .find_map(|d| d.trim().strip_prefix("font-family:"))
        .expect("code has a font-family");
    family.trim()
}

#[test]
fn init_project_lints_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("fresh");
    init(&dir);
    assert_checks_clean(&dir);

    // Without a code role, code is set in the body stack on every channel.
    let guide = Guide::load(&dir).unwrap();
    assert!(guide.code().is_none());
    let body = guide.css_stack(guide.body());
    assert_eq!(guide.code_stack(), body);
    let css = read(&dir, "out/web/assets/brand.css");
    assert!(css.contains(&format!("  --font-code: {body};\n")), "{css}");
    assert!(css.contains("code, pre { font-family: var(--font-code); }"));
    let html = read(&dir, "out/email/welcome.html");
    assert_eq!(
        email_code_family(&html),
        brandpress::render::email::email_stack(&guide, guide.body())
    );
}

/// Adds a `[fonts.code]` role whose Latin family, "Code Mono", exists only in that role: a
/// copy of the body's Latin file with its family name rewritten (same length, so the
/// name table stays valid).
fn add_code_role(dir: &Path, fallbacks: &str) {
    let regular = std::fs::read(dir.join("brand/fonts/NotoSans-Regular.ttf")).unwrap();
    let from: Vec<u8> = "Noto Sans"
        .encode_utf16()
        .flat_map(u16::to_be_bytes)
        .collect();
    let to: Vec<u8> = "Code Mono"
        .encode_utf16()
        .flat_map(u16::to_be_bytes)
        .collect();
    let mut renamed = regular.clone();
    let mut replaced = 0;
    let mut i = 0;
    while i + from.len() <= renamed.len() {
        if renamed[i..i + from.len()] == from[..] {
            renamed[i..i + from.len()].copy_from_slice(&to);
            replaced += 1;
            i += from.len();
        } else {
            i += 1;
        }
    }
    assert!(replaced > 0, "the family name is in the font's name table");
    std::fs::write(dir.join("brand/fonts/CodeMono-Regular.ttf"), renamed).unwrap();
    let guide = dir.join("brand/brand.toml");
    let text = std::fs::read_to_string(&guide).unwrap();
    let role = format!(
        "\n[fonts.code]\n\
         latin = {{ family = \"Code Mono\", files = [\"CodeMono-Regular.ttf\"] }}\n\
         thai = {{ family = \"Noto Sans Thai\", files = [\"NotoSansThai-Regular.ttf\"] }}\n\
         fallbacks = [{fallbacks}]\n"
    );
    std::fs::write(&guide, text + &role).unwrap();
}

#[test]
fn code_role_sets_code_and_is_a_brand_font() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("with-code");
    init(&dir);
    add_code_role(&dir, "");
    assert_checks_clean(&dir);

    // The code family first, the Thai brand family before the generic monospace.
    let stack = "\"Code Mono\", \"Noto Sans Thai\", monospace";
    let guide = Guide::load(&dir).unwrap();
    assert_eq!(guide.code_stack(), stack);
    assert!(guide.font_families().contains("Code Mono"));
    let css = read(&dir, "out/web/assets/brand.css");
    assert!(css.contains(&format!("  --font-code: {stack};\n")), "{css}");
    assert!(css.contains(
        "@font-face { font-family: \"Code Mono\"; src: url(\"fonts/CodeMono-Regular.ttf\")"
    ));
    assert!(
        dir.join("out/web/assets/fonts/CodeMono-Regular.ttf")
            .is_file()
    );
    let html = read(&dir, "out/email/welcome.html");
    // Email adds web-safe fonts (Outlook and Gmail have no web fonts) before the generic.
    assert_eq!(
        email_code_family(&html),
        "'Code Mono', 'Noto Sans Thai', 'Courier New', Tahoma, monospace"
    );
    // Body text keeps the body stack.
    assert!(html.contains("font-family: 'Noto Sans', 'Noto Sans Thai'"));
}

#[test]
fn code_stack_keeps_the_fallbacks_and_one_generic_family() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("fallbacks");
    init(&dir);
    add_code_role(&dir, "\"Consolas\", \"monospace\"");
    let guide = Guide::load(&dir).unwrap();
    assert_eq!(
        guide.code_stack(),
        "\"Code Mono\", \"Noto Sans Thai\", \"Consolas\", monospace"
    );
    assert_eq!(
        brandpress::render::email::email_code_stack(&guide),
        "'Code Mono', 'Noto Sans Thai', 'Consolas', monospace"
    );
}
