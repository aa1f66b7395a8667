//! `link/broken-local`: a local href or src that does not exist on disk.

use std::ops::Range;
use std::path::{Path, PathBuf};

use cssparser::{ParseError, Parser, ParserInput, Token};

use crate::lint::{Finding, Location, Severity};

pub use crate::links::is_file_reference as is_local;

/// Resolves a local reference from a file in `dir`. Root-relative references (`/x`)
/// resolve against the nearest ancestor directory where they exist (the site root is
/// not known to the linter). Returns the path tried when nothing exists.
pub fn resolve(dir: &Path, url: &str) -> Result<PathBuf, PathBuf> {
    let path = url.trim();
    let path = path.split(['?', '#']).next().unwrap_or("");
    let path = percent_decode(path);
    if let Some(rooted) = path.strip_prefix('/') {
        let mut tried = None;
        for base in dir.ancestors() {
            let p = base.join(rooted);
            if p.exists() {
                return Ok(p);
            }
            tried.get_or_insert(p);
        }
        return Err(tried.unwrap_or_else(|| dir.join(rooted)));
    }
    let p = dir.join(&path);
    if p.exists() { Ok(p) } else { Err(p) }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let hex = |c: u8| (c as char).to_digit(16);
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len() + 1
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

/// Checks one reference; `None` when it is not local or exists.
pub fn check(dir: &Path, url: &str, location: Location) -> Option<Finding> {
    if !is_local(url) {
        return None;
    }
    let tried = resolve(dir, url).err()?;
    Some(
        Finding::new(
            "link/broken-local",
            Severity::Error,
            location,
            format!("{url:?} does not exist ({})", tried.display()),
        )
        .expected("an existing local file")
        .found(url.trim().to_string()),
    )
}

type Err<'i> = ParseError<'i, ()>;

/// Every `url(…)` in a CSS value, with the byte range of the URL text.
pub fn css_urls(value: &str) -> Vec<(String, Range<usize>)> {
    let mut input = ParserInput::new(value);
    let mut p = Parser::new(&mut input);
    let mut out = Vec::new();
    walk(&mut p, &mut out);
    out
}

fn walk(p: &mut Parser, out: &mut Vec<(String, Range<usize>)>) {
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
                    } else {
                        walk(p, out);
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
    fn local_references_must_exist() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
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
            assert!(check(&dir, ok, at()).is_none(), "{ok}");
        }
        let f = check(&dir, "img/missing.png", at()).unwrap();
        assert_eq!(f.rule, "link/broken-local");
        assert!(check(&dir, "/nope/x.css", at()).is_some());
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
