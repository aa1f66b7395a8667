//! Static cascade: the declared values of a few properties per element, from static
//! style rules (type, class, id, descendant and child selectors outside `@media`),
//! presentational attributes and inline styles, with `!important`, specificity and order.

use std::collections::HashMap;

use super::css::{Combinator, Compound, Decl, RuleKind, Selector, Sheet, resolve_vars};
use super::parse::Document;
use crate::brand::Rgb;
use crate::lint::rules::color::{colors_in, parse_color};
use crate::lint::rules::contrast::blend;
use crate::lint::rules::font::{families, shorthand_families};
use crate::lint::rules::logo::px;

/// The properties the rules read.
pub const PROPS: &[&str] = &[
    "color",
    "background-color",
    "background",
    "background-image",
    "font-size",
    "font-weight",
    "font-family",
    "font",
    "width",
    "height",
    "display",
];

fn prop(name: &str) -> Option<usize> {
    PROPS.iter().position(|p| *p == name)
}

type Priority = (bool, (u32, u32, u32), usize);

pub struct Cascade<'a> {
    doc: &'a Document,
    declared: Vec<Vec<Option<(Priority, String)>>>,
    vars: &'a HashMap<String, String>,
}

impl<'a> Cascade<'a> {
    pub fn new(
        doc: &'a Document,
        sheets: &[&Sheet],
        inline: &HashMap<usize, Vec<Decl>>,
        vars: &'a HashMap<String, String>,
    ) -> Cascade<'a> {
        let mut declared: Vec<Vec<Option<(Priority, String)>>> =
            vec![vec![None; PROPS.len()]; doc.elements.len()];
        for (el, e) in doc.elements.iter().enumerate().skip(1) {
            // presentational hints: below every author rule
            for (attr, name) in [("color", "color"), ("bgcolor", "background-color")] {
                if let Some(v) = e.attr_value(attr)
                    && (e.name == "font" || attr == "bgcolor")
                {
                    let d = Decl {
                        name: name.into(),
                        value: v.to_string(),
                        offset: 0,
                        important: false,
                    };
                    let k = prop(name).expect("known");
                    if declared[el][k].is_none() {
                        declared[el][k] = Some(((false, (0, 0, 0), 0), d.value));
                    }
                }
            }
        }
        let mut set = |el: usize, d: &Decl, prio: Priority| {
            if let Some(k) = prop(&d.name) {
                let slot: &mut Option<(Priority, String)> = &mut declared[el][k];
                if slot.as_ref().is_none_or(|(p, _)| prio >= *p) {
                    *slot = Some((prio, d.value.clone()));
                }
            }
        };
        let mut order = 1;
        for sheet in sheets {
            for rule in &sheet.rules {
                if rule.kind != RuleKind::Style || rule.selectors.is_empty() {
                    order += 1;
                    continue;
                }
                if !rule.decls.iter().any(|d| prop(&d.name).is_some()) {
                    order += 1;
                    continue;
                }
                for (el, _) in doc.elements.iter().enumerate().skip(1) {
                    let best = rule
                        .selectors
                        .iter()
                        .filter(|s| matches(doc, el, s))
                        .map(|s| s.specificity)
                        .max();
                    if let Some(spec) = best {
                        for d in &rule.decls {
                            set(el, d, (d.important, spec, order));
                        }
                    }
                }
                order += 1;
            }
        }
        for (&el, decls) in inline {
            for d in decls {
                set(el, d, (d.important, (1000, 0, 0), order));
            }
        }
        Cascade {
            doc,
            declared,
            vars,
        }
    }

    /// The declared value of `name` on `el`, with custom properties resolved
    /// (`Err` when a `var()` cannot be resolved).
    pub fn get(&self, el: usize, name: &str) -> Option<Result<String, ()>> {
        let k = prop(name)?;
        let (_, v) = self.declared.get(el)?[k].as_ref()?;
        Some(resolve_vars(v, &|n| self.vars.get(n).cloned()).ok_or(()))
    }

    fn chain(&self, el: usize) -> Vec<usize> {
        let mut c: Vec<usize> = self.doc.ancestors(el).collect();
        c.reverse();
        c.push(el);
        c
    }

    /// Whether `el` or an ancestor is `display: none` or `hidden`.
    pub fn hidden(&self, el: usize) -> bool {
        self.chain(el).into_iter().any(|e| {
            self.doc.elements[e].attr("hidden").is_some()
                || matches!(self.get(e, "display"), Some(Ok(v)) if v.trim().eq_ignore_ascii_case("none"))
        })
    }

    /// The text color of `el` (with alpha); `None` if it cannot be resolved statically.
    pub fn color(&self, el: usize) -> Option<(Rgb, f32)> {
        let mut e = el;
        loop {
            if e == 0 {
                return Some((Rgb(0, 0, 0), 1.0));
            }
            match self.get(e, "color") {
                Some(Err(())) => return None,
                Some(Ok(v)) => {
                    let v = v.trim().to_ascii_lowercase();
                    if v == "initial" {
                        return Some((Rgb(0, 0, 0), 1.0));
                    }
                    if !matches!(v.as_str(), "inherit" | "unset" | "currentcolor" | "revert") {
                        let c = parse_color(&v)?;
                        return Some((c.rgb, c.alpha));
                    }
                }
                None => {
                    let x = &self.doc.elements[e];
                    if x.name == "a" && x.attr("href").is_some() {
                        return Some((Rgb(0, 0, 0xEE), 1.0)); // the UA's link color
                    }
                }
            }
            e = self.doc.elements[e].parent.unwrap_or(0);
        }
    }

    /// The opaque background behind `el`'s text; `None` when an image, a gradient or an
    /// unresolvable value is in the way.
    pub fn background(&self, el: usize) -> Option<Rgb> {
        let mut layers: Vec<(Rgb, f32)> = Vec::new();
        let mut e = el;
        let mut base = Rgb(255, 255, 255);
        while e != 0 {
            if let Some(img) = self.get(e, "background-image") {
                let img = img.ok()?;
                if !img.trim().eq_ignore_ascii_case("none") {
                    return None;
                }
            }
            let mut color = None;
            if let Some(bg) = self.get(e, "background") {
                let bg = bg.ok()?;
                let lower = bg.to_ascii_lowercase();
                if lower.contains("url(") || lower.contains("gradient(") {
                    return None;
                }
                color = colors_in(&bg).into_iter().next().map(|c| (c.rgb, c.alpha));
            }
            if let Some(bgc) = self.get(e, "background-color") {
                let bgc = bgc.ok()?;
                let v = bgc.trim().to_ascii_lowercase();
                if !matches!(v.as_str(), "inherit" | "initial" | "unset" | "transparent") {
                    let c = parse_color(&v)?;
                    color = Some((c.rgb, c.alpha));
                }
            }
            if let Some((rgb, alpha)) = color {
                if alpha >= 1.0 {
                    base = rgb;
                    break;
                }
                if alpha > 0.0 {
                    layers.push((rgb, alpha));
                }
            }
            e = self.doc.elements[e].parent.unwrap_or(0);
        }
        Some(
            layers
                .into_iter()
                .rev()
                .fold(base, |below, (rgb, a)| blend(rgb, a, below)),
        )
    }

    /// Font size in CSS px and whether the text is bold.
    pub fn font(&self, el: usize) -> (f32, bool) {
        let mut size = 16.0f32;
        let mut bold = false;
        for e in self.chain(el) {
            let name = self.doc.elements[e].name.as_str();
            let parent = size;
            let ua = match name {
                "h1" => Some(2.0),
                "h2" => Some(1.5),
                "h3" => Some(1.17),
                "h5" | "small" => Some(0.83),
                "h6" => Some(0.67),
                _ => None,
            };
            if let Some(f) = ua {
                size = parent * f;
            }
            if matches!(
                name,
                "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "b" | "strong" | "th"
            ) {
                bold = true;
            }
            if let Some(Ok(v)) = self.get(e, "font-size")
                && let Some(px) = length(&v, parent)
            {
                size = px;
            }
            if let Some(Ok(v)) = self.get(e, "font-weight") {
                let v = v.trim().to_ascii_lowercase();
                bold = match v.as_str() {
                    "bold" | "bolder" => true,
                    "normal" | "lighter" => false,
                    n => n.parse::<f32>().map(|w| w >= 700.0).unwrap_or(bold),
                };
            }
        }
        (size, bold)
    }

    /// The font-family stack in force on `el` (`None`: none declared, or unresolvable).
    pub fn font_stack(&self, el: usize) -> Option<Vec<String>> {
        let mut e = el;
        while e != 0 {
            if let Some(v) = self.get(e, "font-family") {
                let v = v.ok()?;
                if !matches!(v.trim(), "inherit" | "unset") {
                    return Some(families(&v));
                }
            }
            if let Some(v) = self.get(e, "font") {
                let v = v.ok()?;
                if let Some(f) = shorthand_families(&v) {
                    return Some(families(&f));
                }
            }
            e = self.doc.elements[e].parent.unwrap_or(0);
        }
        None
    }

    /// A declared length in px (`width`, `height`).
    pub fn px(&self, el: usize, name: &str) -> Option<f32> {
        px(&self.get(el, name)?.ok()?)
    }
}

/// A font size in px: px/pt/em/rem/%, size keywords, and `clamp()`/`min()`/`max()`
/// taken at their smallest static argument (large-text exemptions stay conservative).
fn length(v: &str, parent: f32) -> Option<f32> {
    let v = v.trim().to_ascii_lowercase();
    for f in ["clamp(", "min(", "max("] {
        if let Some(inner) = v.strip_prefix(f).and_then(|s| s.strip_suffix(')')) {
            return inner
                .split(',')
                .filter_map(|a| length(a, parent))
                .min_by(f32::total_cmp);
        }
    }
    let kw = match v.as_str() {
        "xx-small" => Some(9.0),
        "x-small" => Some(10.0),
        "small" => Some(13.0),
        "medium" => Some(16.0),
        "large" => Some(18.0),
        "x-large" => Some(24.0),
        "xx-large" => Some(32.0),
        "smaller" => Some(parent / 1.2),
        "larger" => Some(parent * 1.2),
        _ => None,
    };
    if kw.is_some() {
        return kw;
    }
    let split = v
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .unwrap_or(v.len());
    let n: f32 = v[..split].parse().ok()?;
    match &v[split..] {
        "px" => Some(n),
        "pt" => Some(n * 4.0 / 3.0),
        "em" => Some(n * parent),
        "rem" => Some(n * 16.0),
        "%" => Some(n / 100.0 * parent),
        _ => None,
    }
}

/// Whether `sel` matches element `el`.
pub fn matches(doc: &Document, el: usize, sel: &Selector) -> bool {
    match_from(doc, el, &sel.compounds, 0)
}

fn match_from(doc: &Document, el: usize, comps: &[(Compound, Combinator)], i: usize) -> bool {
    let (c, comb) = &comps[i];
    if !compound(doc, el, c) {
        return false;
    }
    if i + 1 == comps.len() {
        return true;
    }
    match comb {
        Combinator::Child => doc.elements[el]
            .parent
            .filter(|&p| p != 0)
            .is_some_and(|p| match_from(doc, p, comps, i + 1)),
        Combinator::Descendant => doc.ancestors(el).any(|a| match_from(doc, a, comps, i + 1)),
    }
}

fn compound(doc: &Document, el: usize, c: &Compound) -> bool {
    let e = &doc.elements[el];
    c.tag.as_ref().is_none_or(|t| *t == e.name)
        && (!c.root || e.name == "html")
        && c.ids
            .iter()
            .all(|id| e.attr_value("id") == Some(id.as_str()))
        && c.classes.iter().all(|cl| e.has_class(cl))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cascade_resolves_colors_backgrounds_and_sizes() {
        let html = r#"<html><body><div class="card" id="c"><p>a <span class="x">b</span></p></div><h1 style="color: #777">T</h1></body></html>"#;
        let doc = Document::parse(html);
        let css = ":root{--ink:#1B1B1B} body{color:var(--ink);background:#FFF8EE} .card p{color:#999 !important} #c p{color:red} .card{background-color:rgba(0,0,0,.5)} span{font-size:1.5em;font-weight:700}";
        let sheet = Sheet::parse(css, 0);
        let vars: HashMap<String, String> = [("--ink".to_string(), "#1B1B1B".to_string())].into();
        let cas = Cascade::new(&doc, &[&sheet], &HashMap::new(), &vars);
        let p = doc.find("p").unwrap();
        assert_eq!(
            cas.color(p),
            Some((Rgb(0x99, 0x99, 0x99), 1.0)),
            "!important beats the id"
        );
        let span = doc.find("span").unwrap();
        assert_eq!(
            cas.color(span).unwrap().0,
            Rgb(0x99, 0x99, 0x99),
            "inherited"
        );
        assert_eq!(
            cas.background(span),
            Some(blend(Rgb(0, 0, 0), 0.5, Rgb(0xFF, 0xF8, 0xEE)))
        );
        assert_eq!(cas.font(span), (24.0, true));
        let h1 = doc.find("h1").unwrap();
        assert_eq!(cas.font(h1), (32.0, true));
        assert_eq!(cas.background(h1), Some(Rgb(0xFF, 0xF8, 0xEE)));
    }
}
