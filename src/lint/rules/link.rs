//! `link/broken-local`: a local href or src that does not exist on disk.
//! `link/outside-root`: one that leads outside the linted paths (see `lint::roots`):
//! neither read nor checked, and nothing about it is said beyond the reference itself.
//!
//! A reference whose host or path holds an ESP merge tag (`*|UNSUB|*`, `{{ url }}`,
//! `<%asm_group_unsubscribe_raw_url%>`…, see [`merge_tags`]) is a placeholder the
//! sending platform fills in: it is not checked.

use std::ops::Range;
use std::path::{Path, PathBuf};

use cssparser::{ParseError, Parser, ParserInput, Token};

use crate::lint::{Finding, Location, Reach, Roots};

pub use crate::links::is_file_reference as is_local;

/// Rule id: a local reference leading outside the linted paths.
pub use crate::lint::rules::LINK_OUTSIDE_ROOT as OUTSIDE_ROOT;

/// Deepest nesting of CSS functions searched for `url()`.
const MAX_FUNCTION_DEPTH: usize = 32;

/// Where a local reference leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An existing file or folder inside the roots (the path as the reference spells it
    /// from its file's folder; after following links it is inside the roots).
    Found(PathBuf),
    /// Nothing there (the path tried, as the page spells it).
    Missing(PathBuf),
    /// Outside the linted paths.
    Outside,
}

/// Resolves a local reference from a file in `dir`, inside `roots` only. Root-relative
/// references (`/x`) resolve against the nearest ancestor directory, inside the roots,
/// where they exist (the site root is not known to the linter): they never reach the
/// file system's root.
pub fn resolve(roots: &Roots, dir: &Path, url: &str) -> Target {
    let path = url.trim();
    let path = path.split(['?', '#']).next().unwrap_or("");
    let path = percent_decode(path);
    if let Some(rooted) = path.strip_prefix('/') {
        let rooted = rooted.trim_start_matches('/');
        let mut tried = None;
        for base in dir.ancestors() {
            let base = if base.as_os_str().is_empty() {
                Path::new(".")
            } else {
                base
            };
            // only site roots inside the linted paths
            if !matches!(roots.reach(base), Reach::Inside(_)) {
                break;
            }
            let p = base.join(rooted);
            match roots.reach(&p) {
                Reach::Inside(_) => return Target::Found(p),
                Reach::Outside => return Target::Outside,
                Reach::Missing => {
                    tried.get_or_insert(p);
                }
            }
        }
        return match tried {
            Some(p) => Target::Missing(p),
            None => Target::Outside,
        };
    }
    let p = dir.join(&path);
    match roots.reach(&p) {
        Reach::Inside(_) => Target::Found(p),
        Reach::Missing => Target::Missing(p),
        Reach::Outside => Target::Outside,
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let hex = |c: u8| (c as char).to_digit(16);
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

/// Checks one reference; `None` when it is not local or exists inside the roots.
pub fn check(roots: &Roots, dir: &Path, url: &str, location: Location) -> Option<Finding> {
    if !is_local(url) || is_placeholder(url) {
        return None;
    }
    let shown = url.trim();
    match resolve(roots, dir, url) {
        Target::Found(_) => None,
        Target::Missing(tried) => Some(
            Finding::new(
                &crate::lint::rules::LINK_BROKEN_LOCAL,
                location,
                format!("{shown:?} does not exist ({})", tried.display()),
            )
            .expected("an existing local file")
            .found(shown.to_string()),
        ),
        Target::Outside => Some(
            Finding::new(
                &OUTSIDE_ROOT,
                location,
                format!("{shown:?} leads outside the linted paths: not read, not checked"),
            )
            .expected("a file inside the linted folder")
            .found(shown.to_string())
            .fix("link to a file inside the published folder, or lint a folder that holds both"),
        ),
    }
}

/// Merge-tag syntaxes with an opening and a closing delimiter, longest opener first:
/// Handlebars triple-stash, Handlebars/Liquid/Jinja output, Liquid/Jinja tags, ERB and
/// SendGrid `<%…%>`, Mailchimp `*|…|*`, and `[[…]]`.
const DELIMITED: &[(&str, &str)] = &[
    ("{{{", "}}}"),
    ("{{", "}}"),
    ("{%", "%}"),
    ("<%", "%>"),
    ("*|", "|*"),
    ("[[", "]]"),
];

/// Openers that never begin a file name: one without its closer (a `srcset` candidate
/// cut at the space inside `{{ img | url }}`) still marks a template.
const TEMPLATE_OPENERS: &[&str] = &["{{", "{%", "<%"];

/// The byte ranges of the ESP merge tags in `value`, in order: `*|UNSUB|*` (Mailchimp),
/// `{{…}}` and `{{{…}}}` (Handlebars, Liquid, Jinja), `{%…%}`, `<%…%>` and `<%= … %>`
/// (ERB, SendGrid's `<%asm_group_unsubscribe_raw_url%>`), `[[…]]`, SendGrid's
/// `%name%` (a name of letters, digits and `_`, at least two long, not read as a
/// percent escape: `%E0%B8%81` and `%A9t%` are escapes, `%added_by%` is a tag), and a
/// whole value of the form `-word-` (SendGrid's legacy `-unsubscribe-`) or `[word]`
/// (SendGrid's `[Unsubscribe_Preferences]`, Campaign Monitor's `[unsubscribe]`). A
/// delimited tag needs something between its delimiters. Linear in the length of
/// `value`.
pub fn merge_tags(value: &str) -> Vec<Range<usize>> {
    let trimmed = value.trim();
    if is_word_tag(trimmed, '-', '-') || is_word_tag(trimmed, '[', ']') {
        let start = value.len() - value.trim_start().len();
        return std::iter::once(start..start + trimmed.len()).collect();
    }
    let b = value.as_bytes();
    let mut out = Vec::new();
    // a delimiter whose closer appears nowhere after some point appears nowhere after
    // any later point either: stop looking for it (keeps the scan linear)
    let mut unclosed = [false; DELIMITED.len()];
    let mut i = 0;
    'scan: while i < b.len() {
        for (k, (open, close)) in DELIMITED.iter().enumerate() {
            if unclosed[k] || !b[i..].starts_with(open.as_bytes()) {
                continue;
            }
            let from = i + open.len();
            match value[from..].find(close) {
                Some(n) if !value[from..from + n].trim().is_empty() => {
                    let end = from + n + close.len();
                    out.push(i..end);
                    i = end;
                    continue 'scan;
                }
                Some(_) => {}
                None => unclosed[k] = true,
            }
        }
        if b[i] == b'%'
            && let Some(end) = percent_tag(&b[i..])
        {
            out.push(i..i + end);
            i += end;
            continue;
        }
        i += 1;
    }
    out
}

/// The length of a SendGrid `%name%` tag at the start of `b`, if one is there.
fn percent_tag(b: &[u8]) -> Option<usize> {
    let name_len = b[1..]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
        .count();
    let name = &b[1..1 + name_len];
    let closed = b.get(1 + name_len) == Some(&b'%');
    let escape = name.len() >= 2
        && name[0].is_ascii_hexdigit()
        && name[1].is_ascii_hexdigit()
        && !name.contains(&b'_');
    (closed && name.len() >= 2 && (name[0].is_ascii_alphabetic() || name[0] == b'_') && !escape)
        .then_some(name_len + 2)
}

/// A whole value `-word-` or `[word]`: a letter, then letters, digits or `_`, between
/// `open` and `close`.
fn is_word_tag(s: &str, open: char, close: char) -> bool {
    s.len() >= 3
        && s.starts_with(open)
        && s.ends_with(close)
        && s.as_bytes()[1].is_ascii_alphabetic()
        && s[1..s.len() - 1]
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_')
}

/// `value` with its merge tags ([`merge_tags`]) removed.
pub fn strip_merge_tags(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut at = 0;
    for r in merge_tags(value) {
        out.push_str(&value[at..r.start]);
        at = r.end;
    }
    out.push_str(&value[at..]);
    out
}

/// Whether `value` is nothing but merge tags (and white space): `*|UNSUB|*`,
/// `{{ unsubscribe_url }}`, `<%asm_group_unsubscribe_raw_url%>`.
pub fn is_merge_tag(value: &str) -> bool {
    !merge_tags(value).is_empty() && strip_merge_tags(value).trim().is_empty()
}

/// Whether a link or image reference is a placeholder the sending platform fills in:
/// a merge tag in its host or path (before any `?` or `#` outside the tags), or an
/// unclosed `{{`, `{%` or `<%` there. `https://x.example/?e={{email}}` is not: it stays
/// an https link to x.example.
pub fn is_placeholder(url: &str) -> bool {
    let tags = merge_tags(url);
    // where the query or fragment starts, outside the tags
    let mut end = url.len();
    let mut at = 0;
    for r in tags
        .iter()
        .cloned()
        .chain(std::iter::once(url.len()..url.len()))
    {
        if let Some(k) = url[at..r.start].find(['?', '#']) {
            end = at + k;
            break;
        }
        at = r.end;
    }
    if tags.iter().any(|r| r.start < end) {
        return true;
    }
    TEMPLATE_OPENERS.iter().any(|o| url[..end].contains(o))
}

type Err<'i> = ParseError<'i, ()>;

/// Every `url(…)` in a CSS value, with the byte range of the URL text.
/// Functions nested deeper than `MAX_FUNCTION_DEPTH` are not searched (see
/// `html/too-complex`).
pub fn css_urls(value: &str) -> Vec<(String, Range<usize>)> {
    let mut input = ParserInput::new(value);
    let mut p = Parser::new(&mut input);
    let mut out = Vec::new();
    walk(&mut p, &mut out, 0);
    out
}

fn walk(p: &mut Parser, out: &mut Vec<(String, Range<usize>)>, depth: usize) {
    loop {
        p.skip_whitespace();
        let start = p.position().byte_index();
        let token = match p.next() {
            Ok(t) => t.clone(),
            Err(_) => return,
        };
        match token {
            Token::UnquotedUrl(u) => out.push((u.to_string(), start..p.position().byte_index())),
            Token::Function(name) => {
                let is_url = name.eq_ignore_ascii_case("url");
                let _ = p.parse_nested_block(|p| -> Result<_, Err> {
                    if is_url {
                        let s = p.position().byte_index();
                        if let Ok(u) = p.expect_string() {
                            out.push((u.to_string(), s..p.position().byte_index()));
                        }
                    } else if depth < MAX_FUNCTION_DEPTH {
                        walk(p, out, depth + 1);
                    }
                    Ok(())
                });
            }
            _ => {}
        }
    }
}

/// `link/utm-missing` and `link/utm-mismatch` for a link `href` published on `channel`:
/// only links to the brand's own domains ([`crate::brand::Guide::is_brand_host`]);
/// placeholders and third-party links are left alone. Web pages need no tags on their
/// own links, but tags they carry must be the web's.
pub fn check_utm(
    guide: &crate::brand::Guide,
    channel: crate::channel::Channel,
    href: &str,
    location: Location,
) -> Option<Finding> {
    check_utm_in(guide, channel, href, location, None)
}

/// [`check_utm`] for a link of the campaign `campaign` (where it is known: a QR code of
/// our own output, a file linted with `--campaign`): a `utm_campaign` naming another
/// campaign is `link/utm-mismatch` too.
pub fn check_utm_in(
    guide: &crate::brand::Guide,
    channel: crate::channel::Channel,
    href: &str,
    location: Location,
    campaign: Option<&str>,
) -> Option<Finding> {
    use crate::channel::Channel;
    if is_placeholder(href) {
        return None;
    }
    let url = url::Url::parse(href.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") || !guide.is_brand_host(url.host_str()?) {
        return None;
    }
    let param = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.into_owned())
    };
    let medium = guide.utm_medium(channel);
    let file = match channel {
        Channel::Web => "a web page",
        Channel::Email => "an email",
        Channel::Social => "a social card",
        Channel::Print => "a print file",
    };
    let expected = format!("utm_source={}&utm_medium={medium}", channel.name());
    match param("utm_source") {
        None if channel == Channel::Web => None,
        None => Some(
            Finding::new(
                &crate::lint::rules::LINK_UTM_MISSING,
                location,
                format!(
                    "link to the brand's site without UTM tags: its {channel} visits are not counted as {channel}"
                ),
            )
            .fix(format!(
                "add ?{expected} (and utm_campaign): brandpress build tags brand links itself"
            ))
            .expected(expected)
            .found(href.to_string()),
        ),
        Some(source) => {
            let wrong_source = !source.eq_ignore_ascii_case(channel.name());
            let wrong_medium = param("utm_medium").is_some_and(|m| !m.eq_ignore_ascii_case(medium));
            let other_campaign = campaign.and_then(|c| {
                param("utm_campaign").filter(|found| !found.eq_ignore_ascii_case(c))
            });
            if !wrong_source && !wrong_medium && other_campaign.is_none() {
                return None;
            }
            let expected = match campaign {
                Some(c) if other_campaign.is_some() => format!("{expected}&utm_campaign={c}"),
                _ => expected,
            };
            let what = if wrong_source {
                format!("utm_source={source} in {file}")
            } else if let Some(found) = &other_campaign {
                format!(
                    "utm_campaign={found} in {file} of the campaign {}",
                    campaign.unwrap_or_default()
                )
            } else {
                format!(
                    "utm_medium={} in {file} (the guide's medium for {channel} is {medium})",
                    param("utm_medium").unwrap_or_default()
                )
            };
            Some(
                Finding::new(
                    &crate::lint::rules::LINK_UTM_MISMATCH,
                    location,
                    if wrong_source || wrong_medium {
                        format!("brand link tagged for another channel: {what}")
                    } else {
                        format!("brand link tagged for another campaign: {what}")
                    },
                )
                .expected(expected)
                .found(href.to_string())
                .fix("tag the link for the channel it is published on"),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_references_must_exist_inside_the_roots() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let roots = Roots::of(&[root.to_path_buf()]).unwrap();
        let dir = root.join("brand");
        let at = || Location::at("p.html", 1, 1);
        for ok in [
            "logo.svg",
            "./fonts/NotoSans-Regular.ttf?v=2#x",
            "/Cargo.toml",
            "#top",
            "mailto:a@b.c",
            "tel:+66",
            "data:image/png;base64,xx",
            "https://x.example/y.png",
            "//cdn.example/x.js",
            "fonts/NotoSans%2DRegular.ttf",
        ] {
            assert!(check(&roots, &dir, ok, at()).is_none(), "{ok}");
        }
        let f = check(&roots, &dir, "img/missing.png", at()).unwrap();
        assert_eq!(f.rule, "link/broken-local");
        assert!(check(&roots, &dir, "/nope/x.css", at()).is_some());
        // a truncated percent escape at the end is kept as it is (it used to panic)
        let f = check(&roots, &dir, "ภาพ%4", at()).unwrap();
        assert_eq!(f.rule, "link/broken-local");
    }

    #[test]
    fn references_out_of_the_roots_are_not_followed() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let roots = Roots::of(&[root.join("brand")]).unwrap();
        let dir = root.join("brand");
        let at = || Location::at("p.html", 1, 1);
        for out in [
            "../Cargo.toml",
            "../../../../../../etc/passwd",
            "/etc/passwd",
        ] {
            let f = check(&roots, &dir, out, at()).unwrap();
            if out == "/etc/passwd" {
                // a root-relative URL is a path on the site: it is looked for only in
                // the linted folders, never at the file system's root
                assert_eq!(f.rule, "link/broken-local", "{out}");
                assert!(!f.message.contains("/etc/passwd ("), "{}", f.message);
            } else {
                assert_eq!(f.rule, OUTSIDE_ROOT, "{out}");
            }
        }
        assert_eq!(resolve(&Roots::none(), &dir, "logo.svg"), Target::Outside);
    }

    #[test]
    fn merge_tags_are_placeholders() {
        // (value, whole value is merge tags, value with its tags stripped, placeholder)
        let table: &[(&str, bool, &str, bool)] = &[
            // Mailchimp
            ("*|UNSUB|*", true, "", true),
            ("*|ARCHIVE|*", true, "", true),
            ("*|IF:FNAME|*", true, "", true),
            // Handlebars, Liquid, Jinja
            ("{{ unsubscribe_url }}", true, "", true),
            ("{{unsubscribe}}", true, "", true),
            ("{{{ unsubscribe_url }}}", true, "", true),
            ("{{ image | img_url: '600x' }}", true, "", true),
            ("{% unsubscribe_url %}", true, "", true),
            ("{{base}}/img/{{ name }}.png", false, "/img/.png", true),
            // ERB and SendGrid
            ("<%= unsubscribe_url %>", true, "", true),
            ("<% url %>", true, "", true),
            ("<%asm_group_unsubscribe_raw_url%>", true, "", true),
            ("%asm_group_unsubscribe_raw_url%", true, "", true),
            ("%unsubscribe%", true, "", true),
            ("%added_by%", true, "", true),
            ("-unsubscribe-", true, "", true),
            (" -first_name- ", true, "  ", true),
            ("[[unsubscribe_url]]", true, "", true),
            ("[[ UNSUB ]]", true, "", true),
            ("[Unsubscribe_Preferences]", true, "", true),
            ("[unsubscribe]", true, "", true),
            // Thai text around a tag
            ("ยกเลิก{{ unsubscribe_url }}รับข่าว", false, "ยกเลิกรับข่าว", true),
            ("รูป/*|IMG|*.png", false, "รูป/.png", true),
            ("*|ลิงก์|*", true, "", true),
            // a tag only in the query: the link is checked as what it is
            (
                "https://x.example/?e={{email}}",
                false,
                "https://x.example/?e=",
                false,
            ),
            (
                "img/logo.png?v={{ version }}",
                false,
                "img/logo.png?v=",
                false,
            ),
            ("img/logo.png#{{id}}", false, "img/logo.png#", false),
            // a ? or # inside a tag does not end the path
            ("{{ a ? b : c }}", true, "", true),
            // a srcset candidate cut at the space inside a tag
            ("{{", false, "{{", true),
            ("<%=", false, "<%=", true),
            // near misses: not merge tags
            ("a%2", false, "a%2", false),
            ("foo%", false, "foo%", false),
            ("100%.html", false, "100%.html", false),
            ("-", false, "-", false),
            ("--x", false, "--x", false),
            ("-x", false, "-x", false),
            ("-ก-", false, "-ก-", false),
            ("img/logo.png", false, "img/logo.png", false),
            ("a%20b%20c.png", false, "a%20b%20c.png", false),
            (
                "%E0%B8%81%E0%B8%B2.png",
                false,
                "%E0%B8%81%E0%B8%B2.png",
                false,
            ),
            ("%C3%A9t%C3%A9.png", false, "%C3%A9t%C3%A9.png", false),
            ("%a%", false, "%a%", false),
            ("{{}}", false, "{{}}", true), // not a tag, but a template opener
            ("*||*", false, "*||*", false),
            ("[[ ]]", false, "[[ ]]", false),
            ("{x}", false, "{x}", false),
            ("[1]", false, "[1]", false),
            ("[a b]", false, "[a b]", false),
            ("img/[draft].png", false, "img/[draft].png", false),
            ("-a b-", false, "-a b-", false),
            ("a|*b", false, "a|*b", false),
            ("", false, "", false),
            ("รูป/กาแฟ.png", false, "รูป/กาแฟ.png", false),
        ];
        for &(value, whole, stripped, placeholder) in table {
            assert_eq!(is_merge_tag(value), whole, "is_merge_tag({value:?})");
            assert_eq!(strip_merge_tags(value), stripped, "strip({value:?})");
            assert_eq!(is_placeholder(value), placeholder, "placeholder({value:?})");
        }
    }

    #[test]
    fn merge_tags_are_not_checked_as_files() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let roots = Roots::of(&[root.join("brand")]).unwrap();
        let dir = root.join("brand");
        let at = || Location::at("p.html", 1, 1);
        for tag in [
            "*|UNSUB|*",
            "<%asm_group_unsubscribe_raw_url%>",
            "%asm_group_unsubscribe_raw_url%",
            "{{ unsubscribe_url }}",
            "{{../parent_url}}",
            "-unsubscribe-",
            "[[unsubscribe]]",
            "/{{ site }}/x.png",
        ] {
            assert!(check(&roots, &dir, tag, at()).is_none(), "{tag}");
        }
        // a tag in the query does not hide a missing file
        let f = check(&roots, &dir, "img/missing.png?e={{email}}", at()).unwrap();
        assert_eq!(f.rule, "link/broken-local");
        assert!(check(&roots, &dir, "100%.html", at()).is_some());
    }

    #[test]
    fn finds_css_urls() {
        let v = "url(\"a.woff2\") format(\"woff2\"), url(b.ttf)";
        let urls = css_urls(v);
        assert_eq!(urls.len(), 2);
        assert_eq!(urls[0].0, "a.woff2");
        assert_eq!(&v[urls[1].1.clone()], "url(b.ttf)");
    }
}
