use super::*;

#[test]
fn simple_stylesheets_select_by_tag_class_id_and_ancestry() {
    assert!(css_is_simple(
        "body { margin: 0; } .a .b > p, #x td { color: red !important; }\n\
         /* a: b */ @media (max-width: 600px) { .a:hover + p { color: blue; } }\n\
         @font-face { font-family: 'X'; src: url('a{b}.ttf'); }"
    ));
    for css in [
        ".a + .b { color: red; }",
        ".a ~ .b { color: red; }",
        "p:first-child { color: red; }",
        "a[href] { color: red; }",
        "@layer base { .a + .b { color: red; } }",
        ".a { color: red; ",
        ".a",
    ] {
        assert!(!css_is_simple(css), "{css}");
    }
    assert!(styles_are_simple(
        "<style>.a { x: y; }</style><!--[if mso]><style>td { a: b; }</style><![endif]-->"
    ));
    assert!(!styles_are_simple(
        "<STYLE>.a { x: y; }</STYLE><style media=\"x\">li:nth-child(2) { a: b; }</style>"
    ));
}

#[test]
fn placeholders_split_with_their_escaping() {
    let s = format!("a{OPEN}0/{CLOSE}b{OPEN}12&#x2F;{CLOSE}c");
    let (parts, slots) = split_placeholders(&s).unwrap();
    assert_eq!(parts, ["a", "b", "c"]);
    assert_eq!(slots, [(0, false), (12, true)]);
    // cut or changed by a filter: not a stencil
    assert!(split_placeholders(&format!("a{OPEN}0")).is_none());
    assert!(split_placeholders(&format!("a{OPEN}0/x{CLOSE}")).is_none());
    assert!(split_placeholders(&format!("a0/{CLOSE}")).is_none());
}

#[test]
fn values_are_written_as_css_inline_writes_them() {
    assert_eq!(
        decode("a &amp; b &lt;&gt; &quot;&#x27;&#39;&#x2F;&nbsp;").unwrap(),
        "a & b <> \"''/\u{a0}"
    );
    assert!(decode("&copy;").is_none(), "an entity we do not write");
    let mut t = String::new();
    push_text(&mut t, "ก & <b> \"x\"\u{a0}");
    assert_eq!(t, "ก &amp; &lt;b&gt; \"x\"&nbsp;");
    let mut a = String::new();
    push_attr(&mut a, "ก & <b> \"x\"\u{a0}");
    assert_eq!(a, "ก &amp; <b> &quot;x&quot;&nbsp;");
    assert_eq!(
        strip_escaped("x&amp;y&#x2F;z!", "x&y/z"),
        Some("!"),
        "tera's escaping"
    );
    assert_eq!(strip_escaped("x&y", "x&y"), None);
    assert_eq!(attr_is_quoted(" alt=\""), Some(true));
    assert_eq!(attr_is_quoted(" alt="), Some(false));
}

#[test]
fn html_values_hold_only_what_the_parser_keeps_in_place() {
    let body = ["html", "body", "div"];
    assert!(allowed_here("p", &body));
    assert!(allowed_here("ul", &body));
    assert!(!allowed_here("li", &body), "a list item outside a list");
    assert!(allowed_here("li", &["html", "body", "div", "ul"]));
    assert!(!allowed_here("p", &["html", "body", "p"]), "closes the <p>");
    assert!(
        !allowed_here("div", &["html", "body", "p", "span"]),
        "closes the <p> around the span"
    );
    assert!(
        allowed_here("p", &["html", "body", "p", "table", "tbody", "tr", "td"]),
        "a cell stops the search for an open <p>"
    );
    assert!(!allowed_here("h3", &["html", "body", "h2"]));
    assert!(allowed_here("span", &["html", "body", "h2"]));
    assert!(!allowed_here("a", &["html", "body", "a", "span"]));
    assert!(!allowed_here("table", &body));
    assert!(!allowed_here("script", &body));
}

/// The template's own private-use characters (an icon font's glyphs) are not mistaken for
/// placeholders or markers: such an email is inlined whole.
#[test]
fn private_use_characters_in_the_email_are_left_to_css_inline() {
    let stencils = Stencils::default();
    let ctx = Context::new();
    let never = |_: &Context| -> Option<String> { panic!("no stencil is built") };
    let never_inline = |_: &str| -> Option<String> { panic!("no stencil is built") };
    for raw in ["<p>\u{E000}</p>", "<p>x\u{E003}</p>"] {
        assert!(matches!(
            stencils.inline(&ctx, raw, &never, &never_inline),
            Inlined::Whole { learn: None }
        ));
    }
}
