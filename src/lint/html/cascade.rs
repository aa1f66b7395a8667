//! Static cascade: the declared values of a few properties per element, from static
//! style rules (type, class, id, descendant and child selectors outside `@media`),
//! presentational attributes and inline styles, with `!important`, specificity and order.
//!
//! Built for hostile pages too: rules are indexed by their rightmost compound (as
//! browsers do), selector matching is linear in the depth of the tree, inherited values
//! (color, background, font, hidden) are computed once per element top-down, and the
//! work of matching is capped at [`MAX_MATCH_WORK`] — beyond it the cascade stops and
//! [`Cascade::incomplete`] says so (an `html/too-complex` finding).

use std::borrow::Cow;
use std::collections::HashMap;
use std::rc::Rc;

use super::InlineStyles;
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

/// Compound checks the cascade may make per page (a real page needs well under a
/// million; a hostile one with 10,000 rules × 100,000 elements would need 10⁹).
pub const MAX_MATCH_WORK: u64 = 20_000_000;

fn prop(name: &str) -> Option<usize> {
    PROPS.iter().position(|p| *p == name)
}

type Priority = (bool, (u32, u32, u32), usize);

/// The inherited values of one element, computed from its parent's.
#[derive(Debug, Clone)]
struct Inherited {
    /// Text color with alpha; `None`: not resolvable statically.
    color: Option<(Rgb, f32)>,
    /// The opaque background behind the element; `None`: an image, a gradient or an
    /// unresolvable value is in the way.
    background: Option<Rgb>,
    /// Font size in px and boldness.
    font: (f32, bool),
    /// The font-family stack in force: `Ok(None)` none declared, `Err` unresolvable.
    stack: Result<Option<Rc<Vec<String>>>, ()>,
    hidden: bool,
}

pub struct Cascade<'a> {
    doc: &'a Document,
    /// Per element, per property of [`PROPS`] (`el * PROPS.len() + k`): the winning
    /// declaration's priority and value, borrowed from the sheets, inline styles or
    /// attributes (one allocation for the page, no copy per matched declaration).
    declared: Vec<Option<(Priority, &'a str)>>,
    vars: &'a HashMap<String, String>,
    inherited: Vec<Inherited>,
    /// Whether matching stopped at [`MAX_MATCH_WORK`] (offset of the first rule left out).
    pub incomplete: bool,
}

/// One sheet's static style rules that declare a property of [`PROPS`], each selector
/// filed under the key of its rightmost compound (an id, else a class, else a tag), as
/// browsers index them. Made once per sheet (`Sheet::style_index`): every page that links
/// the campaign's stylesheet shares it.
#[derive(Debug, Clone, Default)]
pub struct StyleIndex {
    /// Where the rules kept are in the sheet's rules, in order.
    rules: Vec<usize>,
    /// (rule kept, selector of it) by key.
    by_id: HashMap<String, Vec<(u32, u32)>>,
    by_class: HashMap<String, Vec<(u32, u32)>>,
    by_tag: HashMap<String, Vec<(u32, u32)>>,
    universal: Vec<(u32, u32)>,
}

impl StyleIndex {
    fn of(sheet: &Sheet) -> StyleIndex {
        let mut index = StyleIndex::default();
        let kept = sheet.rules.iter().enumerate().filter(|(_, rule)| {
            rule.kind == RuleKind::Style
                && !rule.selectors.is_empty()
                && rule.decls.iter().any(|d| prop(&d.name).is_some())
        });
        for (at, rule) in kept {
            let r = index.rules.len() as u32;
            index.rules.push(at);
            for (s, sel) in rule.selectors.iter().enumerate() {
                let Some((c, _)) = sel.compounds.first() else {
                    continue;
                };
                let entry = (r, s as u32);
                let list = if let Some(id) = c.ids.first() {
                    index.by_id.entry(id.to_string()).or_default()
                } else if let Some(class) = c.classes.first() {
                    index.by_class.entry(class.to_string()).or_default()
                } else if let Some(tag) = &c.tag {
                    index.by_tag.entry(tag.to_string()).or_default()
                } else {
                    &mut index.universal
                };
                list.push(entry);
            }
        }
        index
    }
}

/// The style rules of a page's sheets, in order: each sheet's index and where its rules
/// start in the page's numbering.
struct RuleIndex<'s> {
    sheets: Vec<(usize, &'s Sheet, &'s StyleIndex)>,
}

impl<'s> RuleIndex<'s> {
    /// The index of `sheets`, and their rules kept, in order.
    fn of(sheets: &[&'s Sheet]) -> (RuleIndex<'s>, Vec<&'s super::css::Rule>) {
        let mut rules = Vec::new();
        let mut indexed = Vec::with_capacity(sheets.len());
        for &sheet in sheets {
            let index = sheet.style_index.get_or_init(|| StyleIndex::of(sheet));
            indexed.push((rules.len(), sheet, index));
            rules.extend(index.rules.iter().map(|&at| &sheet.rules[at]));
        }
        (RuleIndex { sheets: indexed }, rules)
    }

    /// Rules (page numbering, selector) that may match an element, unsorted.
    fn candidates(&self, e: &super::parse::Element, out: &mut Vec<(usize, &'s Selector)>) {
        out.clear();
        let id = e.attr_value("id");
        let mut classes: Vec<&str> = Vec::new();
        if let Some(list) = e.attr_value("class") {
            let mut seen: Vec<&str> = Vec::new();
            for class in list.split_ascii_whitespace() {
                if seen.contains(&class) {
                    continue;
                }
                if seen.len() < 64 {
                    seen.push(class);
                }
                classes.push(class);
            }
        }
        for &(base, sheet, index) in &self.sheets {
            let mut add = |entries: &[(u32, u32)]| {
                out.extend(entries.iter().map(|&(r, s)| {
                    let rule = &sheet.rules[index.rules[r as usize]];
                    (base + r as usize, &rule.selectors[s as usize])
                }))
            };
            if let Some(v) = id.and_then(|id| index.by_id.get(id)) {
                add(v);
            }
            for class in &classes {
                if let Some(v) = index.by_class.get(*class) {
                    add(v);
                }
            }
            if let Some(v) = index.by_tag.get(e.name.as_str()) {
                add(v);
            }
            add(&index.universal);
        }
    }
}

impl<'a> Cascade<'a> {
    /// The cascade of every element of `doc`.
    pub fn new(
        doc: &'a Document,
        sheets: &[&'a Sheet],
        inline: &'a InlineStyles,
        vars: &'a HashMap<String, String>,
    ) -> Cascade<'a> {
        Cascade::build(doc, sheets, inline, vars, None)
    }

    /// The cascade of `targets` only: each target and its ancestors are matched and
    /// inherited, other elements are skipped (and must not be asked about). A rule that
    /// looks at one element (the logo in dark mode) then costs the depth of the tree, not
    /// its size.
    pub fn for_elements(
        doc: &'a Document,
        sheets: &[&'a Sheet],
        inline: &'a InlineStyles,
        vars: &'a HashMap<String, String>,
        targets: &[usize],
    ) -> Cascade<'a> {
        let mut wanted = vec![false; doc.elements.len()];
        for &t in targets {
            let mut at = Some(t);
            // parents come before children: a chain that does not go down is a tree's
            while let Some(el) = at.filter(|&el| el < wanted.len() && !wanted[el]) {
                wanted[el] = true;
                at = doc.elements[el].parent.filter(|&p| p < el);
            }
        }
        Cascade::build(doc, sheets, inline, vars, Some(&wanted))
    }

    /// [`Cascade::new`], limited to the elements `wanted` marks when given.
    fn build(
        doc: &'a Document,
        sheets: &[&'a Sheet],
        inline: &'a InlineStyles,
        vars: &'a HashMap<String, String>,
        wanted: Option<&[bool]>,
    ) -> Cascade<'a> {
        let is_wanted = |el: usize| wanted.is_none_or(|w| w.get(el).copied().unwrap_or(false));
        let n = PROPS.len();
        let mut declared: Vec<Option<(Priority, &'a str)>> = vec![None; doc.elements.len() * n];
        for (el, e) in doc.elements.iter().enumerate().skip(1) {
            if !is_wanted(el) {
                continue;
            }
            // presentational hints: below every author rule
            for (attr, name) in [("color", "color"), ("bgcolor", "background-color")] {
                if let Some(v) = e.attr_value(attr)
                    && (e.name == "font" || attr == "bgcolor")
                {
                    let k = prop(name).expect("known");
                    if declared[el * n + k].is_none() {
                        declared[el * n + k] = Some(((false, (0, 0, 0), 0), v));
                    }
                }
            }
        }
        let mut set = |el: usize, d: &'a Decl, prio: Priority| {
            if let Some(k) = prop(&d.name) {
                let slot: &mut Option<(Priority, &'a str)> = &mut declared[el * n + k];
                if slot.as_ref().is_none_or(|(p, _)| prio >= *p) {
                    *slot = Some((prio, d.value.as_str()));
                }
            }
        };
        // static rules that declare a property we read, in order
        let (index, rules) = RuleIndex::of(sheets);
        let mut work = 0u64;
        let mut incomplete = false;
        let mut candidates = Vec::new();
        'elements: for (el, e) in doc.elements.iter().enumerate().skip(1) {
            if !is_wanted(el) {
                continue;
            }
            index.candidates(e, &mut candidates);
            // best specificity per matching rule, applied in rule order
            let mut matched: Vec<(usize, (u32, u32, u32))> = Vec::new();
            for &(rule, sel) in &candidates {
                work += 1;
                if work > MAX_MATCH_WORK {
                    incomplete = true;
                    break 'elements;
                }
                if matches(doc, el, sel, &mut work) {
                    match matched.iter_mut().find(|(r, _)| *r == rule) {
                        Some((_, spec)) => *spec = (*spec).max(sel.specificity),
                        None => matched.push((rule, sel.specificity)),
                    }
                }
            }
            matched.sort_unstable_by_key(|(r, _)| *r);
            for (rule, spec) in matched {
                for d in &rules[rule].decls {
                    set(el, d, (d.important, spec, rule + 1));
                }
            }
        }
        let order = rules.len() + 1;
        for (&el, decls) in inline {
            if !is_wanted(el) {
                continue;
            }
            for d in decls.iter() {
                set(el, d, (d.important, (1000, 0, 0), order));
            }
        }
        let mut cascade = Cascade {
            doc,
            declared,
            vars,
            inherited: Vec::new(),
            incomplete,
        };
        cascade.inherit(wanted);
        cascade
    }

    /// The declared value of `name` on `el`, with custom properties resolved
    /// (`Err` when a `var()` cannot be resolved); a value without `var()` is borrowed.
    pub fn get(&self, el: usize, name: &str) -> Option<Result<Cow<'a, str>, ()>> {
        let k = prop(name)?;
        if el >= self.doc.elements.len() {
            return None;
        }
        let (_, v) = self.declared[el * PROPS.len() + k]?;
        if !has_var(v) {
            return Some(Ok(Cow::Borrowed(v)));
        }
        Some(
            resolve_vars(v, &|n| self.vars.get(n).cloned())
                .map(Cow::Owned)
                .ok_or(()),
        )
    }

    /// Computes the inherited values of every element from its parent's: parents come
    /// before their children in the element list.
    fn inherit(&mut self, wanted: Option<&[bool]>) {
        let root = Inherited {
            color: Some((Rgb(0, 0, 0), 1.0)),
            background: Some(Rgb(255, 255, 255)),
            font: (16.0, false),
            stack: Ok(None),
            hidden: false,
        };
        let mut all: Vec<Inherited> = Vec::with_capacity(self.doc.elements.len());
        all.push(root);
        for el in 1..self.doc.elements.len() {
            let parent = self.doc.elements[el].parent.unwrap_or(0);
            let p = all[parent.min(el - 1)].clone();
            if wanted.is_some_and(|w| !w.get(el).copied().unwrap_or(false)) {
                // not asked about: its parent's values hold the place
                all.push(p);
                continue;
            }
            let own = Inherited {
                color: self.own_color(el, p.color),
                background: self.own_background(el, p.background),
                font: self.own_font(el, p.font),
                stack: self.own_stack(el, p.stack),
                hidden: p.hidden || self.own_hidden(el),
            };
            all.push(own);
        }
        self.inherited = all;
    }

    fn own_hidden(&self, e: usize) -> bool {
        self.doc.elements[e].attr("hidden").is_some()
            || matches!(self.get(e, "display"), Some(Ok(v)) if v.trim().eq_ignore_ascii_case("none"))
    }

    fn own_color(&self, e: usize, parent: Option<(Rgb, f32)>) -> Option<(Rgb, f32)> {
        match self.get(e, "color") {
            Some(Err(())) => None,
            Some(Ok(v)) => {
                let v = v.trim().to_ascii_lowercase();
                if v == "initial" {
                    return Some((Rgb(0, 0, 0), 1.0));
                }
                if matches!(v.as_str(), "inherit" | "unset" | "currentcolor" | "revert") {
                    return parent;
                }
                let c = parse_color(&v)?;
                Some((c.rgb, c.alpha))
            }
            None => {
                let x = &self.doc.elements[e];
                if x.name == "a" && x.attr("href").is_some() {
                    return Some((Rgb(0, 0, 0xEE), 1.0)); // the UA's link color
                }
                parent
            }
        }
    }

    fn own_background(&self, e: usize, parent: Option<Rgb>) -> Option<Rgb> {
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
        match color {
            Some((rgb, alpha)) if alpha >= 1.0 => Some(rgb),
            Some((rgb, alpha)) if alpha > 0.0 => Some(blend(rgb, alpha, parent?)),
            _ => parent,
        }
    }

    fn own_font(&self, e: usize, (parent, mut bold): (f32, bool)) -> (f32, bool) {
        let name = self.doc.elements[e].name.as_str();
        let mut size = parent;
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
            && let Some(px) = length(&v, parent, 0)
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
        (size, bold)
    }

    fn own_stack(
        &self,
        e: usize,
        parent: Result<Option<Rc<Vec<String>>>, ()>,
    ) -> Result<Option<Rc<Vec<String>>>, ()> {
        if let Some(v) = self.get(e, "font-family") {
            let v = v?;
            if !matches!(v.trim(), "inherit" | "unset") {
                return Ok(Some(Rc::new(families(&v))));
            }
        }
        if let Some(v) = self.get(e, "font") {
            let v = v?;
            if let Some(f) = shorthand_families(&v) {
                return Ok(Some(Rc::new(families(&f))));
            }
        }
        parent
    }

    /// Whether `el` or an ancestor is `display: none` or `hidden`.
    pub fn hidden(&self, el: usize) -> bool {
        self.inherited[el].hidden
    }

    /// The text color of `el` (with alpha); `None` if it cannot be resolved statically.
    pub fn color(&self, el: usize) -> Option<(Rgb, f32)> {
        self.inherited[el].color
    }

    /// The opaque background behind `el`'s text; `None` when an image, a gradient or an
    /// unresolvable value is in the way.
    pub fn background(&self, el: usize) -> Option<Rgb> {
        self.inherited[el].background
    }

    /// Font size in CSS px and whether the text is bold.
    pub fn font(&self, el: usize) -> (f32, bool) {
        self.inherited[el].font
    }

    /// The font-family stack in force on `el` (`None`: none declared, or unresolvable).
    pub fn font_stack(&self, el: usize) -> Option<Vec<String>> {
        self.inherited[el]
            .stack
            .as_ref()
            .ok()?
            .as_ref()
            .map(|s| s.to_vec())
    }

    /// A declared length in px (`width`, `height`).
    pub fn px(&self, el: usize, name: &str) -> Option<f32> {
        px(&self.get(el, name)?.ok()?)
    }
}

/// Whether `value` has a `var(` (any case): [`resolve_vars`] returns other values as
/// they are.
fn has_var(value: &str) -> bool {
    value
        .as_bytes()
        .windows(4)
        .any(|w| w.eq_ignore_ascii_case(b"var("))
}

/// A font size in px: px/pt/em/rem/%, size keywords, and `clamp()`/`min()`/`max()`
/// taken at their smallest static argument (large-text exemptions stay conservative).
fn length(v: &str, parent: f32, depth: usize) -> Option<f32> {
    let v = v.trim().to_ascii_lowercase();
    for f in ["clamp(", "min(", "max("] {
        if let Some(inner) = v.strip_prefix(f).and_then(|s| s.strip_suffix(')')) {
            if depth >= crate::lint::rules::color::MAX_VALUE_DEPTH {
                return None;
            }
            return inner
                .split(',')
                .filter_map(|a| length(a, parent, depth + 1))
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

/// Whether `sel` matches element `el`, adding the compounds it checks to `work`.
fn matches(doc: &Document, el: usize, sel: &Selector, work: &mut u64) -> bool {
    match_from(doc, el, &sel.compounds, 0, work) == Match::Yes
}

/// The outcome of matching the compounds from `i` on at an element, as Servo's selector
/// matching has it: besides yes and no, whether *no* ancestor can match either, which
/// stops the search for a descendant combinator's ancestor. This keeps matching linear
/// in the depth of the tree (`div div div div` on 512 nested divs would otherwise try
/// every combination of ancestors).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Match {
    Yes,
    /// This element does not match; an ancestor might.
    No,
    /// Nothing further up can match: stop searching.
    Never,
}

fn match_from(
    doc: &Document,
    el: usize,
    comps: &[(Compound, Combinator)],
    i: usize,
    work: &mut u64,
) -> Match {
    let (c, comb) = &comps[i];
    *work += 1;
    if !compound(doc, el, c) {
        return Match::No;
    }
    if i + 1 == comps.len() {
        return Match::Yes;
    }
    let parent = |e: usize| doc.elements[e].parent.filter(|&p| p != 0);
    match comb {
        Combinator::Child => match parent(el) {
            None => Match::Never,
            Some(p) => match match_from(doc, p, comps, i + 1, work) {
                Match::No => Match::No,
                other => other,
            },
        },
        Combinator::Descendant => {
            let mut up = parent(el);
            while let Some(a) = up {
                match match_from(doc, a, comps, i + 1, work) {
                    Match::No => up = parent(a),
                    other => return other,
                }
            }
            Match::Never
        }
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

    /// The cascade of a few elements (`logo/dark-mode`'s logos) answers for them what
    /// the whole page's cascade does.
    #[test]
    fn the_cascade_of_some_elements_is_the_whole_cascade_there() {
        let html = r##"<html><body style="background:#1B1B1B"><div class="card" hidden><p>กาแฟ <img class="logo" src="l.svg"></p></div><section class="dark"><p><b><img id="x" src="l.svg"></b></p></section><p style="display:none">x</p><font color="#777">ถูกใจ</font></body></html>"##;
        let doc = Document::parse(html);
        let css = ":root{--bg:#FFF8EE} .dark{background-color:var(--bg)} section p{font-size:20px;color:#1F5C4A;font-family:'Noto Sans Thai', sans-serif} b{display:inline} #x{width:40px}";
        let sheet = Sheet::parse(css, 0);
        let vars: HashMap<String, String> = [("--bg".to_string(), "#FFF8EE".to_string())].into();
        let inline: InlineStyles = doc
            .elements
            .iter()
            .enumerate()
            .filter_map(|(i, e)| {
                let style = e.attr("style")?;
                Some((
                    i,
                    std::sync::Arc::new(super::super::css::style_attribute(style, 0)),
                ))
            })
            .collect();
        let all = Cascade::new(&doc, &[&sheet], &inline, &vars);
        for target in 1..doc.elements.len() {
            let some = Cascade::for_elements(&doc, &[&sheet], &inline, &vars, &[target]);
            assert_eq!(some.hidden(target), all.hidden(target), "{target}");
            assert_eq!(some.background(target), all.background(target), "{target}");
            assert_eq!(some.color(target), all.color(target), "{target}");
            assert_eq!(some.font(target), all.font(target), "{target}");
            assert_eq!(some.font_stack(target), all.font_stack(target), "{target}");
            assert_eq!(
                some.px(target, "width"),
                all.px(target, "width"),
                "{target}"
            );
        }
        let section = doc.find("section").unwrap();
        assert_eq!(all.background(section), Some(Rgb(0xFF, 0xF8, 0xEE)));
    }

    #[test]
    fn cascade_resolves_colors_backgrounds_and_sizes() {
        let html = r#"<html><body><div class="card" id="c"><p>a <span class="x">b</span></p></div><h1 style="color: #777">T</h1></body></html>"#;
        let doc = Document::parse(html);
        let css = ":root{--ink:#1B1B1B} body{color:var(--ink);background:#FFF8EE} .card p{color:#999 !important} #c p{color:red} .card{background-color:rgba(0,0,0,.5)} span{font-size:1.5em;font-weight:700}";
        let sheet = Sheet::parse(css, 0);
        let vars: HashMap<String, String> = [("--ink".to_string(), "#1B1B1B".to_string())].into();
        let inline = InlineStyles::new();
        let cas = Cascade::new(&doc, &[&sheet], &inline, &vars);
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

    #[test]
    fn descendant_selectors_match_in_linear_time() {
        // 500 nested divs and `div div … div x` (30 compounds) that never matches: a
        // backtracking matcher tries C(500, 30) ancestor combinations
        let depth = 500;
        let html = format!(
            "{}<span>ต้นกล้า</span>{}",
            "<div>".repeat(depth),
            "</div>".repeat(depth)
        );
        let doc = Document::parse(&html);
        let never = format!("{} p span {{ color: #E63946 }}", vec!["div"; 28].join(" "));
        let ok = format!("{} span {{ color: #1F5C4A }}", vec!["div"; 29].join(" "));
        let sheet = Sheet::parse(&format!("{never}\n{ok}"), 0);
        let vars = HashMap::new();
        let started = std::time::Instant::now();
        let inline = InlineStyles::new();
        let cas = Cascade::new(&doc, &[&sheet], &inline, &vars);
        assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
        let span = doc.find("span").unwrap();
        assert_eq!(cas.color(span), Some((Rgb(0x1F, 0x5C, 0x4A), 1.0)));
        assert!(!cas.incomplete);
        // child combinators still need the exact parent
        let doc = Document::parse("<div class=a><p><span>x</span></p></div>");
        let sheet = Sheet::parse(
            ".a > span { color: red } .a > p > span { color: #1F5C4A }",
            0,
        );
        let inline = InlineStyles::new();
        let cas = Cascade::new(&doc, &[&sheet], &inline, &vars);
        assert_eq!(
            cas.color(doc.find("span").unwrap()),
            Some((Rgb(0x1F, 0x5C, 0x4A), 1.0))
        );
    }

    /// Several sheets: their rules are numbered in document order across sheets (a later
    /// sheet wins a tie, `!important` and specificity still beat order), custom properties
    /// of a later sheet win, and each sheet's index is made once, whatever page uses it.
    #[test]
    fn rules_of_several_sheets_keep_their_order_and_each_sheet_is_indexed_once() {
        let first = Sheet::parse(
            ":root{--ink:#111111} p{color:#E63946} .promo{color:var(--ink)} #hero{background-color:#FFF8EE !important} span{font-size:20px}",
            0,
        );
        let second = Sheet::parse(
            ":root{--ink:#1F5C4A} p{color:#1B1B1B} #hero{background-color:#000000} .promo span{font-size:12px}",
            0,
        );
        let pages = [
            r#"<html><body><p>ข่าว</p><p class="promo">ลด 50% <span>วันนี้</span></p><div id="hero"><span>x</span></div></body></html>"#,
            r#"<html><body><div id="hero"><p class="promo">สวัสดี <span>ปีใหม่</span></p></div><p>Tonkla</p></body></html>"#,
        ];
        for (round, html) in pages.iter().enumerate() {
            let doc = Document::parse(html);
            let sheets = [&first, &second];
            let vars = super::super::css::custom_properties(&sheets);
            assert_eq!(vars.get("--ink").map(String::as_str), Some("#1F5C4A"));
            let inline = InlineStyles::new();
            let cas = Cascade::new(&doc, &sheets, &inline, &vars);
            let plain = (0..doc.elements.len())
                .find(|&i| doc.elements[i].name == "p" && doc.elements[i].attr("class").is_none())
                .unwrap();
            assert_eq!(
                cas.color(plain),
                Some((Rgb(0x1B, 0x1B, 0x1B), 1.0)),
                "{round}: the later sheet's p"
            );
            let promo = (0..doc.elements.len())
                .find(|&i| doc.elements[i].attr_value("class") == Some("promo"))
                .unwrap();
            // the class beats the later tag rule, and its var() is the later sheet's
            assert_eq!(
                cas.color(promo),
                Some((Rgb(0x1F, 0x5C, 0x4A), 1.0)),
                "{round}"
            );
            let hero = doc.find("div").unwrap();
            assert_eq!(
                cas.background(hero),
                Some(Rgb(0xFF, 0xF8, 0xEE)),
                "{round}: !important"
            );
            let span = (0..doc.elements.len())
                .find(|&i| doc.elements[i].name == "span" && doc.elements[i].parent == Some(promo))
                .unwrap();
            assert_eq!(
                cas.font(span).0,
                12.0,
                "{round}: the descendant rule's specificity"
            );
            // both sheets were indexed on the first page and kept
            assert!(first.style_index.get().is_some() && second.style_index.get().is_some());
        }
        let kept = first.style_index.get().unwrap();
        assert_eq!(
            kept.rules,
            vec![1, 2, 3, 4],
            "`:root` declares no property read"
        );
    }

    #[test]
    fn matching_work_is_capped() {
        // 3,000 rules that match every one of 10,000 elements
        let html = "<p>x</p>".repeat(10_000);
        let doc = Document::parse(&html);
        let css: String = (0..3_000)
            .map(|i| format!("p {{ color: #{i:06X} }}\n"))
            .collect();
        let sheet = Sheet::parse(&css, 0);
        let vars = HashMap::new();
        let inline = InlineStyles::new();
        let cas = Cascade::new(&doc, &[&sheet], &inline, &vars);
        assert!(cas.incomplete);
    }
}
