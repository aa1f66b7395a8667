//! The sheet page itself: written out here as plain HTML (it reads without its script;
//! the script only filters, folds and points), its style and script beside it in
//! `_sheet/`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write;

use super::preview::Previews;
use super::thumbs::Thumb;
use super::{Item, Kind, MAX_FINDINGS_SHOWN, Sheet};
use crate::lint::{Finding, Severity};

/// Pieces open (their frames loading) when the sheet opens; the others fold, and their
/// frames load when opened.
const OPEN_GROUPS: usize = 8;

/// Escapes text and quoted attribute values: [`crate::render::html::escape`].
pub use crate::render::html::escape;

/// A relative link: each path segment percent-encoded where a URL needs it (spaces, `#`,
/// `?`, `%`), Thai and other letters kept.
fn href(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '#' => out.push_str("%23"),
            '?' => out.push_str("%3F"),
            '%' => out.push_str("%25"),
            '"' => out.push_str("%22"),
            '\\' => out.push_str("%5C"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    escape(&out)
}

fn sev_name(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

const CHANNEL_ORDER: &[&str] = &[
    "web", "email", "social", "image", "print", "markdown", "other",
];

fn channel_rank(c: &str) -> usize {
    CHANNEL_ORDER
        .iter()
        .position(|x| *x == c)
        .unwrap_or(CHANNEL_ORDER.len())
}

/// A box in page points (`location.page_box`: `[x, y, w, h]` from the top-left of the
/// page's crop box, y down).
fn page_box(f: &Finding) -> Option<[f64; 4]> {
    let b = f.location.page_box?.map(f64::from);
    b.iter().all(|v| v.is_finite()).then_some(b)
}

/// `left/top/width/height` in percent of `w`×`h`, clamped to the picture.
fn box_style(b: [f64; 4], w: f64, h: f64) -> Option<String> {
    if w <= 0.0 || h <= 0.0 || b[2] <= 0.0 || b[3] <= 0.0 {
        return None;
    }
    let x0 = (b[0] / w).clamp(0.0, 1.0);
    let y0 = (b[1] / h).clamp(0.0, 1.0);
    let x1 = ((b[0] + b[2]) / w).clamp(0.0, 1.0);
    let y1 = ((b[1] + b[3]) / h).clamp(0.0, 1.0);
    if x1 <= x0 || y1 <= y0 {
        return None;
    }
    Some(format!(
        "left:{:.3}%;top:{:.3}%;width:{:.3}%;height:{:.3}%",
        x0 * 100.0,
        y0 * 100.0,
        (x1 - x0) * 100.0,
        (y1 - y0) * 100.0
    ))
}

/// The whole page.
pub fn page(sheet: &Sheet, thumbs: &HashMap<String, Vec<Thumb>>, previews: &Previews) -> String {
    // groups: pieces (or folders) in order, shared assets last
    let mut groups: BTreeMap<(bool, String), Vec<usize>> = BTreeMap::new();
    for (i, item) in sheet.items.iter().enumerate() {
        groups
            .entry((item.group.is_empty(), item.group.clone()))
            .or_default()
            .push(i);
    }
    for list in groups.values_mut() {
        list.sort_by(|&a, &b| {
            let (x, y) = (&sheet.items[a], &sheet.items[b]);
            (channel_rank(&x.channel), &x.segment, x.kind, &x.href).cmp(&(
                channel_rank(&y.channel),
                &y.segment,
                y.kind,
                &y.href,
            ))
        });
    }
    let channels: BTreeSet<&str> = sheet.items.iter().map(|i| i.channel.as_str()).collect();
    let segments: BTreeSet<&str> = sheet
        .items
        .iter()
        .filter_map(|i| i.segment.as_deref())
        .collect();
    let mut rules: BTreeSet<&str> = BTreeSet::new();
    let mut totals: BTreeMap<&str, usize> = BTreeMap::new();
    let mut unlinted = 0;
    for item in &sheet.items {
        match &item.findings {
            Some(fs) => {
                for f in fs {
                    rules.insert(f.rule);
                    *totals.entry(sev_name(f.severity)).or_default() += 1;
                }
            }
            None if item.kind != Kind::File => unlinted += 1,
            None => {}
        }
    }
    for f in &sheet.general {
        rules.insert(f.rule);
    }

    let mut h = String::with_capacity(4096 + sheet.items.len() * 1200);
    h.push_str("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.push_str("<meta name=\"generator\" content=\"brandpress contact sheet\">\n");
    let _ = writeln!(
        h,
        "<title>{} · contact sheet</title>",
        escape(&sheet.heading)
    );
    h.push_str("<link rel=\"stylesheet\" href=\"_sheet/sheet.css\">\n");
    h.push_str(&fonts(sheet));
    h.push_str("</head>\n<body>\n");
    h.push_str("<header class=\"top\">\n");
    let _ = writeln!(h, "<h1>{} · contact sheet</h1>", escape(&sheet.heading));
    let pieces = groups.keys().filter(|(shared, _)| !shared).count();
    let _ = write!(
        h,
        "<p>{} {}, {} {} · findings: ",
        pieces,
        if pieces == 1 { "group" } else { "groups" },
        sheet.items.len(),
        if sheet.items.len() == 1 {
            "file"
        } else {
            "files"
        },
    );
    let mut any = false;
    for sev in ["error", "warning", "info"] {
        if let Some(n) = totals.get(sev) {
            let _ = write!(h, "<span class=\"count {sev}\">{n} {sev}</span>");
            any = true;
        }
    }
    if !any {
        h.push_str(if sheet.linted { "none" } else { "not linted" });
    }
    h.push_str(" · pages and emails: light, dark (<code>prefers-color-scheme</code>), forced inversion (Gmail app)</p>\n");
    h.push_str("<div class=\"controls\">\n");
    select(
        &mut h,
        "f-channel",
        "channel",
        "all channels",
        channels.iter().copied(),
    );
    if !segments.is_empty() {
        let mut seg = String::new();
        let _ = write!(
            seg,
            "<label for=\"f-segment\">segment</label> <select id=\"f-segment\"><option value=\"\">all segments</option>"
        );
        for s in &segments {
            let _ = write!(seg, "<option value=\"{0}\">{0}</option>", escape(s));
        }
        seg.push_str("</select>\n");
        h.push_str(&seg);
    } else {
        h.push_str("<select id=\"f-segment\" hidden><option value=\"\"></option></select>\n");
    }
    select(&mut h, "f-rule", "rule", "all rules", rules.iter().copied());
    select(
        &mut h,
        "f-severity",
        "severity",
        "any severity",
        ["error", "warning", "info"].into_iter(),
    );
    h.push_str("<label><input type=\"checkbox\" id=\"f-only\"> with findings only</label>\n");
    h.push_str("<input type=\"search\" id=\"f-text\" placeholder=\"title or slug\" aria-label=\"search titles\">\n");
    h.push_str("<button type=\"button\" id=\"open-all\">open all</button> <button type=\"button\" id=\"close-all\">fold all</button>\n");
    h.push_str("<span id=\"f-count\"></span>\n</div>\n</header>\n<main>\n");
    if unlinted > 0 {
        let _ = writeln!(
            h,
            "<p class=\"notice\">{unlinted} {} not linted (or changed since the last lint): run <code>brandpress check</code> to see their findings here.</p>",
            if unlinted == 1 {
                "output is"
            } else {
                "outputs are"
            }
        );
    }
    if !sheet.general.is_empty() {
        let _ = writeln!(
            h,
            "<details class=\"general\" open><summary>{} on no output shown here (the guide, the Markdown sources)</summary>",
            count(sheet.general.len(), "finding", "findings")
        );
        h.push_str("<div class=\"tile\" data-channel=\"\" data-segment=\"\" data-rules=\"\" data-sevs=\"\">");
        findings_list(&mut h, &sheet.general, true);
        h.push_str("</div></details>\n");
    }

    // each group's tiles are written in parallel (a picture's size is read from its
    // file), then joined in order
    let groups: Vec<_> = groups.iter().enumerate().collect();
    let tiles: Vec<String> = {
        use rayon::prelude::*;
        groups
            .par_iter()
            .map(|(n, ((shared, group), members))| {
                let mut tile = String::with_capacity(members.len() * 1200);
                group_html(
                    &mut tile,
                    sheet,
                    *shared,
                    group,
                    members,
                    *n < OPEN_GROUPS && !shared,
                    thumbs,
                    previews,
                );
                tile
            })
            .collect()
    };
    for tile in tiles {
        h.push_str(&tile);
    }
    h.push_str("</main>\n<script src=\"_sheet/sheet.js\"></script>\n</body>\n</html>\n");
    h
}

/// The campaign's own fonts (the web and email channels' font files), so the sheet's
/// Thai titles show on a machine with no Thai font installed.
fn fonts(sheet: &Sheet) -> String {
    let mut families: BTreeMap<String, Vec<(u16, &str, &str)>> = BTreeMap::new();
    for item in &sheet.items {
        let Some((stem, ext)) = item
            .href
            .rsplit('/')
            .next()
            .and_then(|n| n.rsplit_once('.'))
        else {
            continue;
        };
        let format = match ext.to_ascii_lowercase().as_str() {
            "woff2" => "woff2",
            "woff" => "woff",
            "ttf" => "truetype",
            "otf" => "opentype",
            _ => continue,
        };
        let (family, weight) = match stem.rsplit_once('-') {
            Some((f, w)) if w.eq_ignore_ascii_case("bold") => (f, 700),
            Some((f, w)) if w.eq_ignore_ascii_case("regular") => (f, 400),
            _ => (stem, 400),
        };
        let list = families.entry(family.to_string()).or_default();
        if !list.iter().any(|(w, _, _)| *w == weight) && list.len() < 4 {
            list.push((weight, item.href.as_str(), format));
        }
        if families.len() > 8 {
            break;
        }
    }
    if families.is_empty() {
        return String::new();
    }
    let mut css = String::from("<style>\n");
    let mut names = Vec::new();
    for (family, faces) in &families {
        let name = format!("bp-{}", slug_id(family));
        for (weight, url, format) in faces {
            let _ = writeln!(
                css,
                "@font-face {{ font-family: \"{name}\"; src: url(\"{}\") format(\"{format}\"); font-weight: {weight}; }}",
                href(url)
            );
        }
        names.push(format!("\"{name}\""));
    }
    let _ = writeln!(
        css,
        "body {{ font-family: system-ui, -apple-system, \"Segoe UI\", {}, \"Noto Sans Thai\", \"Leelawadee UI\", Tahoma, sans-serif; }}\n</style>",
        names.join(", ")
    );
    css
}

fn count(n: usize, one: &str, many: &str) -> String {
    crate::i18n::count(n, one, many)
}

fn select<'a>(
    h: &mut String,
    id: &str,
    label: &str,
    all: &str,
    values: impl Iterator<Item = &'a str>,
) {
    let _ = write!(
        h,
        "<label for=\"{id}\">{label}</label> <select id=\"{id}\"><option value=\"\">{all}</option>"
    );
    for v in values {
        let _ = write!(h, "<option value=\"{0}\">{0}</option>", escape(v));
    }
    h.push_str("</select>\n");
}

#[allow(clippy::too_many_arguments)]
fn group_html(
    h: &mut String,
    sheet: &Sheet,
    shared: bool,
    group: &str,
    members: &[usize],
    open: bool,
    thumbs: &HashMap<String, Vec<Thumb>>,
    previews: &Previews,
) {
    let title = sheet.titles.get(group);
    let search = format!("{} {}", title.map(|t| t.text.as_str()).unwrap_or(""), group);
    let _ = write!(
        h,
        "<details class=\"piece\" id=\"g-{}\" data-search=\"{}\"{}>\n<summary>",
        escape(&slug_id(group)),
        escape(search.trim()),
        if open { " open" } else { "" }
    );
    if shared {
        h.push_str("<span class=\"title\">Shared assets</span>");
    } else {
        match title {
            Some(t) => {
                let _ = write!(
                    h,
                    "<span class=\"title\"{}>{}</span><span class=\"slug\">{}</span>",
                    t.lang
                        .as_deref()
                        .map(|l| format!(" lang=\"{}\"", escape(l)))
                        .unwrap_or_default(),
                    escape(&t.text),
                    escape(group)
                );
            }
            None => {
                let _ = write!(h, "<span class=\"title\">{}</span>", escape(group));
            }
        }
    }
    // the group's counts
    let mut sev: BTreeMap<&str, usize> = BTreeMap::new();
    let mut unlinted = 0;
    for &i in members {
        let item = &sheet.items[i];
        match &item.findings {
            Some(fs) => fs
                .iter()
                .for_each(|f| *sev.entry(sev_name(f.severity)).or_default() += 1),
            None if item.kind != Kind::File => unlinted += 1,
            None => {}
        }
    }
    h.push_str("<span class=\"counts\">");
    for s in ["error", "warning", "info"] {
        if let Some(n) = sev.get(s) {
            let _ = write!(h, "<span class=\"count {s}\">{n} {s}</span>");
        }
    }
    if unlinted > 0 {
        let _ = write!(
            h,
            "<span class=\"count unlinted\">{unlinted} not linted</span>"
        );
    } else if sev.is_empty() {
        h.push_str("<span class=\"count clean\">no findings</span>");
    }
    h.push_str("</span></summary>\n<div class=\"tiles\">\n");
    let lang = title.and_then(|t| t.lang.as_deref());
    let mut files = Vec::new();
    for &i in members {
        let item = &sheet.items[i];
        let with_findings = item.findings.as_ref().is_some_and(|f| !f.is_empty());
        if item.kind == Kind::File && !with_findings {
            files.push(item);
            continue;
        }
        tile(h, item, i, open, lang, thumbs, previews);
    }
    h.push_str("</div>\n");
    if !files.is_empty() {
        h.push_str("<p class=\"files\">files: ");
        for f in files {
            let _ = write!(h, "<a href=\"{}\">{}</a>", href(&f.href), escape(&f.href));
        }
        h.push_str("</p>\n");
    }
    h.push_str("</details>\n");
}

/// An id-safe form of a group name.
fn slug_id(group: &str) -> String {
    if group.is_empty() {
        return "shared".to_string();
    }
    group
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

fn src_attr(open: bool, url: &str) -> String {
    if open {
        format!("src=\"{}\"", href(url))
    } else {
        format!("data-src=\"{}\"", href(url))
    }
}

fn tile(
    h: &mut String,
    item: &Item,
    index: usize,
    open: bool,
    lang: Option<&str>,
    thumbs: &HashMap<String, Vec<Thumb>>,
    previews: &Previews,
) {
    let findings: &[Finding] = item.findings.as_deref().unwrap_or(&[]);
    let rules: BTreeSet<&str> = findings.iter().map(|f| f.rule).collect();
    let sevs: BTreeSet<&str> = findings.iter().map(|f| sev_name(f.severity)).collect();
    let _ = write!(
        h,
        "<section class=\"tile k-{}\" data-channel=\"{}\" data-segment=\"{}\" data-rules=\"{}\" data-sevs=\"{}\">\n<h3>{}",
        item.kind.name(),
        escape(&item.channel),
        escape(item.segment.as_deref().unwrap_or("")),
        escape(&rules.into_iter().collect::<Vec<_>>().join(" ")),
        sevs.into_iter().collect::<Vec<_>>().join(" "),
        escape(&item.channel),
    );
    if let Some(s) = &item.segment {
        let _ = write!(h, "<span class=\"seg\">{}</span>", escape(s));
    }
    let _ = writeln!(
        h,
        "<a href=\"{}\">{}</a></h3>",
        href(&item.href),
        escape(&item.href)
    );
    let label = escape(&item.href);
    let lang_attr = lang
        .map(|l| format!(" lang=\"{}\"", escape(l)))
        .unwrap_or_default();
    match item.kind {
        Kind::Page | Kind::Email => {
            // the preview copy, when the output has findings to point at
            let url = match previews.names.get(&index) {
                Some(name) => format!("_sheet/preview/{name}"),
                None => item.href.clone(),
            };
            let (wide, narrow, wide_px, narrow_px) = match item.kind {
                Kind::Page => ("w-desktop", "w-phone", 1280, 390),
                _ => ("w-e600", "w-e375", 600, 375),
            };
            h.push_str("<div class=\"views\">\n");
            for (class, mode, caption) in [
                (wide, "m-light", format!("{wide_px} px")),
                (narrow, "m-light", format!("{narrow_px} px")),
                (narrow, "m-dark", format!("{narrow_px} px · dark")),
                (narrow, "m-invert", format!("{narrow_px} px · inverted")),
            ] {
                let _ = writeln!(
                    h,
                    "<figure class=\"{class} {mode}\"><div class=\"clip\"><iframe {} loading=\"lazy\" title=\"{label} · {caption}\" tabindex=\"-1\"{lang_attr}></iframe></div><figcaption>{caption}</figcaption></figure>",
                    src_attr(open, &url),
                );
            }
            h.push_str("</div>\n");
        }
        Kind::Image => {
            let size = imagesize::size(&item.file).ok();
            let (w, hh) = size.map_or((0, 0), |s| (s.width, s.height));
            let tall = hh > w && w > 0;
            let _ = write!(
                h,
                "<div class=\"views img-card\"><figure><div class=\"pic{}\"><img {} alt=\"{label}\" loading=\"lazy\"{}>",
                if tall { " tall" } else { "" },
                src_attr(open, &item.href),
                if w > 0 {
                    format!(" width=\"{w}\" height=\"{hh}\"")
                } else {
                    String::new()
                }
            );
            for (n, f) in findings.iter().enumerate() {
                if let Some(b) = f.location.pixel_box
                    && let Some(style) = box_style(b.map(f64::from), w as f64, hh as f64)
                {
                    let _ = write!(
                        h,
                        "<div class=\"box\" data-n=\"{n}\" data-rule=\"{}\" style=\"{style}\"></div>",
                        escape(f.rule)
                    );
                }
            }
            let _ = writeln!(
                h,
                "</div><figcaption>{}</figcaption></figure></div>",
                if w > 0 {
                    format!("{w}×{hh} px")
                } else {
                    String::new()
                }
            );
        }
        Kind::Pdf => {
            h.push_str("<div class=\"views img-page\">\n");
            match thumbs.get(&item.sha256) {
                Some(pages) if !pages.is_empty() => {
                    for t in pages {
                        let _ = write!(
                            h,
                            "<figure><div class=\"pic\"><img {} alt=\"{label} · page {}\" loading=\"lazy\">",
                            src_attr(open, &format!("_sheet/thumbs/{}", t.name)),
                            t.page
                        );
                        for (n, f) in findings.iter().enumerate() {
                            if f.location.page == Some(t.page)
                                && let Some(b) = page_box(f)
                                && let Some(style) =
                                    box_style(b, f64::from(t.width_pt), f64::from(t.height_pt))
                            {
                                let _ = write!(
                                    h,
                                    "<div class=\"box\" data-n=\"{n}\" data-rule=\"{}\" style=\"{style}\"></div>",
                                    escape(f.rule)
                                );
                            }
                        }
                        let _ =
                            writeln!(h, "</div><figcaption>page {}</figcaption></figure>", t.page);
                    }
                }
                _ => h.push_str(
                    "<p class=\"unlinted-note\">no preview: the PDF did not render</p>\n",
                ),
            }
            h.push_str("</div>\n");
        }
        Kind::File => {}
    }
    match &item.findings {
        None => h.push_str(
            "<p class=\"unlinted-note\">not linted: run <code>brandpress check</code></p>\n",
        ),
        Some(fs) if fs.is_empty() => h.push_str("<p class=\"clean-note\">no findings</p>\n"),
        Some(fs) => findings_list(h, fs, false),
    }
    h.push_str("</section>\n");
}

fn findings_list(h: &mut String, findings: &[Finding], with_path: bool) {
    h.push_str("<ol class=\"findings\">\n");
    for (n, f) in findings.iter().enumerate().take(MAX_FINDINGS_SHOWN) {
        let sev = sev_name(f.severity);
        let _ = write!(
            h,
            "<li class=\"finding {sev}\" data-n=\"{n}\" data-rule=\"{}\" data-sev=\"{sev}\"><span class=\"sev\">{sev}</span> <code>{}</code> {}",
            escape(f.rule),
            escape(f.rule),
            escape(&f.message)
        );
        let mut at = Vec::new();
        if with_path {
            at.push(escape(&f.location.path.display().to_string()));
        }
        if let Some(line) = f.location.line {
            at.push(match f.location.column {
                Some(c) => format!("line {line}:{c}"),
                None => format!("line {line}"),
            });
        }
        if let Some(p) = f.location.page {
            at.push(format!("page {p}"));
        }
        if let Some([x, y, w, hh]) = f.location.pixel_box {
            at.push(format!("pixels {x},{y} {w}×{hh}"));
        }
        if let Some(b) = page_box(f) {
            at.push(format!(
                "points {:.0},{:.0} {:.0}×{:.0}",
                b[0], b[1], b[2], b[3]
            ));
        }
        if let Some(src) = &f.source {
            let mut s = format!("source {}", src.path.display());
            if let Some(l) = src.line {
                let _ = write!(s, ":{l}");
            }
            at.push(escape(&s));
        }
        if !at.is_empty() {
            let _ = write!(h, " <span class=\"where\">({})</span>", at.join(" · "));
        }
        let mut more = Vec::new();
        if let Some(e) = &f.expected {
            more.push(format!("expected {}", escape(e)));
        }
        if let Some(e) = &f.found {
            more.push(format!("found {}", escape(e)));
        }
        if let Some(e) = &f.fix {
            more.push(format!("fix: {}", escape(e)));
        }
        if !more.is_empty() {
            let _ = write!(h, "<br><span class=\"more\">{}</span>", more.join(" · "));
        }
        h.push_str("</li>\n");
    }
    if findings.len() > MAX_FINDINGS_SHOWN {
        let _ = writeln!(
            h,
            "<li class=\"more\">and {} more (see the lint report)</li>",
            findings.len() - MAX_FINDINGS_SHOWN
        );
    }
    h.push_str("</ol>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boxes_are_percentages_clamped_to_the_picture() {
        assert_eq!(
            box_style([120.0, 63.0, 240.0, 126.0], 1200.0, 630.0).unwrap(),
            "left:10.000%;top:10.000%;width:20.000%;height:20.000%"
        );
        assert_eq!(
            box_style([1100.0, 0.0, 400.0, 630.0], 1200.0, 630.0).unwrap(),
            "left:91.667%;top:0.000%;width:8.333%;height:100.000%"
        );
        assert!(box_style([0.0, 0.0, 0.0, 5.0], 10.0, 10.0).is_none());
        assert!(box_style([20.0, 0.0, 5.0, 5.0], 10.0, 10.0).is_none());
    }

    #[test]
    fn links_and_text_are_escaped() {
        assert_eq!(
            escape("<a href=\"x\">ก & 'ข'</a>"),
            "&lt;a href=&quot;x&quot;&gt;ก &amp; &#39;ข&#39;&lt;/a&gt;"
        );
        assert_eq!(href("ส่วนลด 50%/a#b?.html"), "ส่วนลด%2050%25/a%23b%3F.html");
    }
}
