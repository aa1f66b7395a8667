//! Preview copies of pages and emails with findings at a line and column, so the sheet
//! can scroll a frame to a finding's element and outline it.
//!
//! A frame showing a `file://` page is cross-origin to the sheet in Chrome: the sheet
//! cannot reach into it. So the copy carries what it needs: every element a finding
//! points into gets `data-bp-f="<n> …"` (the finding's number on the sheet), found with
//! lint's own position-keeping HTML reader (the innermost element whose source span holds
//! the finding's offset); a `<base href>` sends its relative links back to the original's
//! folder (stylesheets, images, fonts load as they do for the original); and `preview.js`
//! listens for the sheet's `postMessage` and scrolls to and outlines the element.
//!
//! The copy is the page's decoded text written as UTF-8 with a byte order mark (which
//! browsers obey before any `<meta charset>`), so a legacy-encoded foreign page shows the
//! same characters.

use std::collections::BTreeMap;

use std::path::PathBuf;

use super::{Content, Item, Kind};
use crate::lint::html::LineIndex;
use crate::lint::html::parse::Document;

/// Pages and emails over this size get no preview copy (the sheet lists their findings).
const MAX_COPY_BYTES: u64 = 16 << 20;
/// Findings marked in one copy, at most.
const MAX_MARKS: usize = 2_000;

/// The preview copies of one sheet.
#[derive(Debug, Default)]
pub struct Previews {
    /// The copy's name under `_sheet/preview/`, by item index.
    pub names: BTreeMap<usize, String>,
    /// Files to write under `_sheet/preview/`.
    pub files: Vec<(String, Content)>,
}

/// The numbers the sheet gives an item's findings: their index in its list.
pub fn located(item: &Item) -> Vec<(usize, usize, usize)> {
    item.findings
        .iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, f)| Some((i, f.location.line?, f.location.column.unwrap_or(1))))
        .take(MAX_MARKS)
        .collect()
}

/// A preview copy of every page and email with findings at a line, and of every email
/// with pictures under `site_base` (the output folder's public URL). A copy is named by
/// everything it is made of (the output's path and bytes, the marks, the base, this
/// code's script), so an unchanged one is taken from a previous sheet's `preview/`
/// folder among `previous` (hard-linked by the build), not made again.
pub fn copies(items: &[Item], site_base: Option<&str>, previous: &[PathBuf]) -> Previews {
    use rayon::prelude::*;
    let site_base = site_base.filter(|b| b.contains("://") && b.len() > 8);
    let made: Vec<(usize, String, Content)> = items
        .par_iter()
        .enumerate()
        .filter_map(|(index, item)| {
            if !matches!(item.kind, Kind::Page | Kind::Email) {
                return None;
            }
            let marks = located(item);
            let local = match item.kind {
                Kind::Email => site_base,
                _ => None,
            };
            if marks.is_empty() && local.is_none() {
                return None;
            }
            let id = format!(
                "{}\0{}\0{marks:?}\0{local:?}\0{}",
                item.href,
                item.sha256,
                include_str!("preview.js")
            );
            let name = format!("{}.html", &crate::manifest::sha256_hex(id.as_bytes())[..24]);
            let old = previous
                .iter()
                .map(|d| d.join("preview").join(&name))
                .find(|p| std::fs::symlink_metadata(p).is_ok_and(|m| m.is_file()));
            let content = match old {
                Some(path) => Content::Link(path),
                None => Content::Bytes(copy(item, &marks, local)?),
            };
            Some((index, name, content))
        })
        .collect();
    let mut previews = Previews::default();
    for (index, name, content) in made {
        previews.names.insert(index, name.clone());
        if !previews.files.iter().any(|(n, _)| *n == name) {
            previews.files.push((name, content));
        }
    }
    previews
}

/// The annotated copy of `item`, marked at `marks` (finding number, line, column), its
/// URLs under `site_base` made relative (none: no copy is needed).
fn copy(item: &Item, marks: &[(usize, usize, usize)], site_base: Option<&str>) -> Option<Vec<u8>> {
    if std::fs::metadata(&item.file).ok()?.len() > MAX_COPY_BYTES {
        return None;
    }
    let bytes = std::fs::read(&item.file).ok()?;
    let text = crate::lint::html::charset::decode(&bytes);
    let text: &str = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let site_base = site_base.filter(|b| text.contains(b));
    if marks.is_empty() && site_base.is_none() {
        return None;
    }
    let doc = Document::parse(text);
    let lines = LineIndex::new(text);

    // finding numbers by element
    let mut on: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &(n, line, column) in marks {
        let Some(offset) = offset_of(&lines, text, line, column) else {
            continue;
        };
        if let Some(el) = innermost(&doc, offset) {
            on.entry(el).or_default().push(n);
        }
    }
    // insertions (offset, text), applied from the end so offsets stay valid
    let mut inserts: Vec<(usize, String)> = Vec::new();
    for (el, numbers) in &on {
        let e = &doc.elements[*el];
        let Some(at) = attr_insert_point(text, e.start, e.tag_end) else {
            continue;
        };
        let list: Vec<String> = numbers.iter().map(|n| n.to_string()).collect();
        inserts.push((at, format!(" data-bp-f=\"{}\"", list.join(" "))));
    }
    // the original's folder, from the copy's (`<sheet>/_sheet/preview/`)
    let folder = item.href.rsplit_once('/').map_or("", |(d, _)| d);
    let base = format!(
        "../../{}",
        if folder.is_empty() {
            String::new()
        } else {
            format!("{folder}/")
        }
    );
    let base_tag = format!("<base href=\"{}\">", super::html::escape(&base));
    let head = doc.find("head").map(|h| doc.elements[h].tag_end);
    let html = doc.find("html").map(|h| doc.elements[h].tag_end);
    inserts.push((head.or(html).unwrap_or(0), base_tag));
    // the script inline: a `<script src>` would resolve against the `<base>`, and the
    // way back from a foreign file's folder to the sheet's is not known
    inserts.push((
        text.len(),
        format!("\n<script>\n{}</script>\n", include_str!("preview.js")),
    ));
    inserts.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
    let mut out = String::with_capacity(text.len() + 4096);
    out.push('\u{feff}');
    let mut s = text.to_string();
    for (at, insert) in inserts {
        if s.is_char_boundary(at) {
            s.insert_str(at, &insert);
        }
    }
    if let Some(base) = site_base {
        // from the original's folder (the copy's `<base>`) up to the output folder
        let depth = folder.split('/').filter(|p| !p.is_empty()).count();
        s = s.replace(base, &"../".repeat(depth));
    }
    out.push_str(&s);
    Some(out.into_bytes())
}

/// The byte offset of 1-based `line` and character `column`.
fn offset_of(lines: &LineIndex, text: &str, line: usize, column: usize) -> Option<usize> {
    let line_text = lines.line_text(text, line)?;
    let start = line_text.as_ptr() as usize - text.as_ptr() as usize;
    let within: usize = line_text
        .chars()
        .take(column.saturating_sub(1))
        .map(char::len_utf8)
        .sum();
    Some(start + within)
}

/// The innermost element whose span holds `offset` (not `html`, `head` or their
/// non-visible children: a finding in a `<style>` or `<meta>` marks nothing).
fn innermost(doc: &Document, offset: usize) -> Option<usize> {
    let mut best: Option<usize> = None;
    for (i, e) in doc.elements.iter().enumerate() {
        if e.start <= offset && offset < e.end.max(e.tag_end) {
            match best {
                Some(b) if doc.elements[b].start > e.start => {}
                _ => best = Some(i),
            }
        }
    }
    let b = best?;
    let hidden = [
        "html", "head", "style", "meta", "link", "title", "script", "base",
    ];
    if hidden.contains(&doc.elements[b].name.as_str())
        || doc.ancestors(b).any(|a| doc.elements[a].name == "head")
    {
        return None;
    }
    Some(b)
}

/// Where an attribute can be added to the start tag spanning `start..tag_end`: before
/// its closing `>` (or `/>`).
fn attr_insert_point(text: &str, start: usize, tag_end: usize) -> Option<usize> {
    let tag = text.get(start..tag_end)?;
    if !tag.ends_with('>') || tag.len() < 3 {
        return None;
    }
    let mut at = tag_end - 1;
    if tag.ends_with("/>") {
        at -= 1;
    }
    Some(at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::{Finding, Location};

    #[test]
    fn findings_mark_their_elements_in_thai_pages() {
        let dir = tempfile::tempdir().unwrap();
        let page = dir.path().join("page.html");
        let html = "<!doctype html>\n<html lang=\"th\"><head><title>ลด</title></head>\n<body><p>สวัสดี <b>ถูกที่สุด</b></p><img src=\"a.png\"/></body></html>\n";
        std::fs::write(&page, html).unwrap();
        let rule = crate::registry::info("tone/banned-term").unwrap();
        // line 3: `<body><p>สวัสดี <b>ถูกที่สุด` — column of "ถูก" in characters
        let col = "<body><p>สวัสดี <b>".chars().count() + 1;
        let img_col = "<body><p>สวัสดี <b>ถูกที่สุด</b></p>".chars().count() + 1;
        let item = Item {
            href: "web/x/index.html".into(),
            file: page,
            kind: Kind::Page,
            channel: "web".into(),
            group: "x".into(),
            segment: None,
            sha256: String::new(),
            findings: Some(vec![
                Finding::new(rule, Location::at("p", 3, col), "banned"),
                Finding::new(rule, Location::at("p", 3, img_col), "alt"),
                Finding::new(rule, Location::at("p", 2, 30), "in the head: not marked"),
            ]),
        };
        let previews = copies(std::slice::from_ref(&item), None, &[]);
        let (name, Content::Bytes(bytes)) = &previews.files[0] else {
            panic!("made, not linked")
        };
        assert!(name.ends_with(".html"));
        let copy = String::from_utf8(bytes.clone()).unwrap();
        assert!(copy.contains("<b data-bp-f=\"0\">ถูกที่สุด</b>"), "{copy}");
        assert!(
            copy.contains("<img src=\"a.png\" data-bp-f=\"1\"/>"),
            "{copy}"
        );
        assert!(!copy.contains("data-bp-f=\"2\""));
        assert!(
            copy.contains("<head><base href=\"../../web/x/\">"),
            "{copy}"
        );
        assert!(copy.contains("data-bp-f~="), "the listener is inline");
        assert!(copy.starts_with('\u{feff}'));
    }

    #[test]
    fn emails_show_their_pictures_from_the_output_folder() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("mail.html");
        let html = "<html lang=\"th\"><head></head><body><img src=\"https://shop.example/c/email/assets/logo.png\" alt=\"โลโก้\"><a href=\"https://shop.example/c/web/x/\">ดู</a></body></html>";
        std::fs::write(&file, html).unwrap();
        let mut item = Item {
            href: "email/members/x.html".into(),
            file,
            kind: Kind::Email,
            channel: "email".into(),
            group: "x".into(),
            segment: Some("members".into()),
            sha256: String::new(),
            findings: None,
        };
        let previews = copies(
            std::slice::from_ref(&item),
            Some("https://shop.example/c/"),
            &[],
        );
        let (name, Content::Bytes(bytes)) = &previews.files[0] else {
            panic!("made, not linked")
        };
        let copy = String::from_utf8(bytes.clone()).unwrap();
        assert!(
            copy.contains("<base href=\"../../email/members/\">"),
            "{copy}"
        );
        assert!(
            copy.contains("src=\"../../email/assets/logo.png\""),
            "{copy}"
        );
        assert!(copy.contains("href=\"../../web/x/\""), "{copy}");
        // an unchanged copy in a previous sheet is taken from there
        let old = dir.path().join("old");
        std::fs::create_dir_all(old.join("preview")).unwrap();
        std::fs::write(old.join("preview").join(name), bytes).unwrap();
        let again = copies(
            std::slice::from_ref(&item),
            Some("https://shop.example/c/"),
            &[old],
        );
        assert!(matches!(&again.files[0].1, Content::Link(p) if p.ends_with(name)));
        // another site's URLs, or no base at all: no copy
        let other = copies(
            std::slice::from_ref(&item),
            Some("https://other.example/"),
            &[],
        );
        assert!(other.files.is_empty());
        item.kind = Kind::Page;
        let page = copies(
            std::slice::from_ref(&item),
            Some("https://shop.example/c/"),
            &[],
        );
        assert!(page.files.is_empty());
    }
}
