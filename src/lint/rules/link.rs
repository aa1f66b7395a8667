//! `link/broken-local`: a local href or src that does not exist on disk.
//! `link/outside-root`: one that leads outside the linted paths (see `lint::roots`):
//! neither read nor checked, and nothing about it is said beyond the reference itself.

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
    if !is_local(url) {
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
    fn finds_css_urls() {
        let v = "url(\"a.woff2\") format(\"woff2\"), url(b.ttf)";
        let urls = css_urls(v);
        assert_eq!(urls.len(), 2);
        assert_eq!(urls[0].0, "a.woff2");
        assert_eq!(&v[urls[1].1.clone()], "url(b.ttf)");
    }
}
