//! CSS as the linters need it — web and email alike: rules with their selectors (as
//! written, and the simple ones parsed for the cascade), declarations with the byte
//! offsets of their name and value, every at-rule with its prelude, and where each rule
//! sits (inside `@media`-like blocks, `@keyframes`, `@font-face`). Tokenized by
//! `cssparser`, so comments, strings, escapes and nested blocks are read the way
//! browsers read them. `style=""` attributes are read by [`style_attribute`].
//!
//! Hostile sheets nest without end (`@media{@media{…`); rules nested deeper than
//! [`MAX_BLOCK_DEPTH`] blocks are skipped, and where that first happened is kept in
//! [`Sheet::too_deep`] for an `html/too-complex` finding. Selectors longer than
//! [`MAX_COMPOUNDS`] compounds are not matched.

use cssparser::{Delimiter, ParseError, Parser, ParserInput, Token};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

/// A declaration: lower-case property name, value (without `!important`) and the byte
/// offsets of the value and of the name in its file.
#[derive(Debug, Clone)]
pub struct Decl {
    pub name: String,
    pub value: String,
    /// Offset of the value.
    pub offset: usize,
    /// Offset of the property name.
    pub name_offset: usize,
    pub important: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    /// A style rule at the top level: applies statically.
    Style,
    /// A style rule inside `@media`, `@supports`, `@keyframes`…: applies only sometimes.
    Conditional,
    /// `@font-face` and other at-rules with declarations: not style.
    AtRule,
}

/// Where a rule sits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Context {
    /// The outermost enclosing `@media`, `@supports`, `@container` or `@document` (an
    /// index into [`Sheet::at_rules`]): the rule applies only sometimes, and email
    /// clients without support skip the whole block.
    pub media: Option<usize>,
    /// Inside `@keyframes`: animation frames, not element styles.
    pub keyframes: bool,
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub kind: RuleKind,
    /// The at-rule's lower-case name (`font-face`, `page`…) for [`RuleKind::AtRule`].
    pub at: Option<String>,
    pub context: Context,
    /// The selector list as written (comments removed); empty for at-rules.
    pub prelude: String,
    /// Offset of the rule's first token (selector or at-keyword).
    pub offset: usize,
    /// Selectors this reader can match statically; unsupported ones are left out.
    pub selectors: Vec<Selector>,
    pub decls: Vec<Decl>,
}

/// An at-rule (`@media (…) {`, `@import url(…);`, `@font-face {`), at any depth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AtRule {
    /// Lower-case name without the `@`.
    pub name: String,
    /// What comes between the name and `{` or `;`, trimmed, comments removed.
    pub prelude: String,
    /// Offset of the `@`.
    pub offset: usize,
}

/// Deepest nesting of at-rule blocks read (real sheets nest two or three).
pub const MAX_BLOCK_DEPTH: usize = 32;
/// Longest selector matched, in compounds (real ones have a handful).
pub const MAX_COMPOUNDS: usize = 32;

/// A parsed stylesheet (a `<style>` block, or a linked file).
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub rules: Vec<Rule>,
    /// Every at-rule read, in source order.
    pub at_rules: Vec<AtRule>,
    /// Offset (in the file) of the first block nested deeper than [`MAX_BLOCK_DEPTH`],
    /// whose rules were skipped.
    pub too_deep: Option<usize>,
    /// This sheet as dark mode applies it (`None`: it has no dark styles), made on first
    /// use by `logo/dark-mode`: a linked stylesheet is parsed once and shared by every
    /// page of a run, so its dark variant is made once too.
    pub dark: OnceLock<Option<Box<Sheet>>>,
    /// Its custom properties, made on first use ([`Sheet::custom_properties`]).
    vars: OnceLock<HashMap<String, String>>,
    /// Its style rules by their selectors' rightmost compound, made on first use by the
    /// cascade: a linked sheet is indexed once a run, not once a page.
    pub(super) style_index: OnceLock<super::cascade::StyleIndex>,
}

type Err<'i> = ParseError<'i, ()>;

impl Sheet {
    /// This sheet as if parsed `by` bytes further into its file: every offset moved
    /// (what [`Sheet::parse`] at `base + by` gives, without parsing again).
    pub fn moved(&self, by: usize) -> Sheet {
        let decls = |decls: &[Decl]| -> Vec<Decl> {
            decls
                .iter()
                .map(|d| Decl {
                    offset: d.offset + by,
                    name_offset: d.name_offset + by,
                    ..d.clone()
                })
                .collect()
        };
        Sheet {
            rules: self
                .rules
                .iter()
                .map(|r| Rule {
                    kind: r.kind,
                    at: r.at.clone(),
                    context: r.context,
                    prelude: r.prelude.clone(),
                    offset: r.offset + by,
                    selectors: r.selectors.clone(),
                    decls: decls(&r.decls),
                })
                .collect(),
            at_rules: self
                .at_rules
                .iter()
                .map(|a| AtRule {
                    offset: a.offset + by,
                    ..a.clone()
                })
                .collect(),
            too_deep: self.too_deep.map(|t| t + by),
            ..Sheet::default()
        }
    }

    /// A copy of this sheet's rules and at-rules (the caches made from them start empty).
    pub fn with_rules(&self, rules: Vec<Rule>) -> Sheet {
        Sheet {
            rules,
            at_rules: self.at_rules.clone(),
            too_deep: self.too_deep,
            ..Sheet::default()
        }
    }

    /// Custom properties of its static style rules (`--name` → value), the last
    /// definition winning.
    pub fn custom_properties(&self) -> &HashMap<String, String> {
        self.vars.get_or_init(|| {
            let mut vars = HashMap::new();
            for rule in self.rules.iter().filter(|r| r.kind == RuleKind::Style) {
                for d in &rule.decls {
                    if d.name.starts_with("--") {
                        vars.insert(d.name.clone(), d.value.clone());
                    }
                }
            }
            vars
        })
    }

    /// Parses CSS found at byte offset `base` of its file.
    pub fn parse(css: &str, base: usize) -> Sheet {
        let mut input = ParserInput::new(css);
        let mut p = Parser::new(&mut input);
        let mut sheet = Sheet::default();
        let mut reader = Reader {
            base,
            sheet: &mut sheet,
        };
        reader.rules(&mut p, RuleKind::Style, Context::default(), 0);
        sheet
    }
}

/// Reads rules and at-rules into `sheet`, remembering where nesting went too deep.
struct Reader<'o> {
    base: usize,
    sheet: &'o mut Sheet,
}

impl Reader<'_> {
    fn rules(&mut self, p: &mut Parser, kind: RuleKind, context: Context, depth: usize) {
        let base = self.base;
        loop {
            p.skip_whitespace();
            let start = p.position();
            let token = match p.next() {
                Ok(t) => t.clone(),
                Err(_) => return,
            };
            match token {
                Token::AtKeyword(name) => {
                    let name = name.to_ascii_lowercase();
                    let after_name = p.position();
                    // prelude up to `;` or a block
                    let mut has_block = false;
                    loop {
                        match p.next() {
                            Ok(Token::CurlyBracketBlock) => {
                                has_block = true;
                                break;
                            }
                            Ok(Token::Semicolon) | Err(_) => break,
                            Ok(_) => {}
                        }
                    }
                    // (positions inside a prelude's blocks are not token boundaries: the
                    // prelude is what was read, without its final `{` or `;`)
                    let read = p.slice_from(after_name);
                    let prelude = read
                        .strip_suffix('{')
                        .or_else(|| read.strip_suffix(';'))
                        .unwrap_or(read);
                    let index = self.sheet.at_rules.len();
                    self.sheet.at_rules.push(AtRule {
                        name: name.clone(),
                        prelude: strip_comments(prelude).trim().to_string(),
                        offset: base + start.byte_index(),
                    });
                    if !has_block {
                        continue;
                    }
                    if depth >= MAX_BLOCK_DEPTH {
                        // skipped unread (cssparser skips nested blocks without recursion)
                        self.sheet.too_deep.get_or_insert(base + start.byte_index());
                        continue;
                    }
                    let _ = p.parse_nested_block(|p| -> Result<(), Err> {
                        match name.as_str() {
                            "media" | "supports" | "container" | "document" => {
                                let inner = Context {
                                    media: context.media.or(Some(index)),
                                    ..context
                                };
                                self.rules(p, RuleKind::Conditional, inner, depth + 1)
                            }
                            "keyframes" | "-webkit-keyframes" => {
                                let inner = Context {
                                    keyframes: true,
                                    ..context
                                };
                                self.rules(p, RuleKind::Conditional, inner, depth + 1)
                            }
                            "layer" | "scope" | "starting-style" => {
                                self.rules(p, kind, context, depth + 1)
                            }
                            _ => self.sheet.rules.push(Rule {
                                kind: RuleKind::AtRule,
                                at: Some(name.clone()),
                                context,
                                prelude: String::new(),
                                offset: base + start.byte_index(),
                                selectors: Vec::new(),
                                decls: declarations(p, base),
                            }),
                        }
                        Ok(())
                    });
                }
                Token::CurlyBracketBlock => {
                    // a block without a prelude: skipped, as browsers do
                }
                _ => {
                    loop {
                        match p.next() {
                            Ok(Token::CurlyBracketBlock) => break,
                            Ok(_) => {}
                            Err(_) => return,
                        }
                    }
                    let prelude = p.slice_from(start);
                    let prelude = prelude.strip_suffix('{').unwrap_or(prelude);
                    let prelude = strip_comments(prelude);
                    let selectors = prelude.split(',').filter_map(Selector::parse).collect();
                    let decls = p
                        .parse_nested_block(|p| -> Result<_, Err> { Ok(declarations(p, base)) })
                        .unwrap_or_default();
                    self.sheet.rules.push(Rule {
                        kind,
                        at: None,
                        context,
                        prelude: prelude.trim().to_string(),
                        offset: base + start.byte_index(),
                        selectors,
                        decls,
                    });
                }
            }
        }
    }
}

fn strip_comments(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(k) = rest.find("/*") {
        out.push_str(&rest[..k]);
        out.push(' ');
        rest = rest[k + 2..]
            .find("*/")
            .map(|e| &rest[k + 2 + e + 2..])
            .unwrap_or("");
    }
    out.push_str(rest);
    out
}

/// Reads `name: value;` declarations; anything else up to the next `;` is skipped.
pub fn declarations(p: &mut Parser, base: usize) -> Vec<Decl> {
    let mut out = Vec::new();
    while !p.is_exhausted() {
        let result = p.parse_until_after(Delimiter::Semicolon, |p| -> Result<_, Err> {
            p.skip_whitespace();
            let name_offset = p.position().byte_index();
            let name = p.expect_ident()?.to_ascii_lowercase();
            p.expect_colon()?;
            p.skip_whitespace();
            let start = p.position();
            while p.next_including_whitespace_and_comments().is_ok() {}
            let raw = p.slice_from(start);
            Ok((name, name_offset, start.byte_index(), raw.to_string()))
        });
        if let Ok((name, name_offset, offset, raw)) = result {
            let (value, important) = strip_important(&raw);
            out.push(Decl {
                name,
                value: value.to_string(),
                offset: base + offset,
                name_offset: base + name_offset,
                important,
            });
        }
    }
    out
}

/// Declarations of a `style` attribute found at byte offset `base`.
pub fn style_attribute(css: &str, base: usize) -> Vec<Decl> {
    let mut input = ParserInput::new(css);
    let mut p = Parser::new(&mut input);
    declarations(&mut p, base)
}

fn strip_important(raw: &str) -> (&str, bool) {
    let v = raw.trim_end().trim_end_matches(';').trim_end();
    if let Some(bang) = v.rfind('!')
        && v[bang + 1..].trim().eq_ignore_ascii_case("important")
    {
        return (v[..bang].trim_end(), true);
    }
    (v, false)
}

/// How selectors combine compounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Combinator {
    Descendant,
    Child,
}

/// `tag#id.class…`, or `:root`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Compound {
    pub tag: Option<String>,
    pub ids: Vec<String>,
    pub classes: Vec<String>,
    pub root: bool,
}

/// A selector the linter can match statically: compounds joined by descendant or child
/// combinators. Pseudo-classes other than `:root`, attribute selectors and sibling
/// combinators are not static (they depend on state or on other elements) and are left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector {
    /// Rightmost compound first; each with the combinator that joins it to the next.
    pub compounds: Vec<(Compound, Combinator)>,
    pub specificity: (u32, u32, u32),
}

impl Selector {
    pub fn parse(text: &str) -> Option<Selector> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let mut compounds: Vec<(Compound, Combinator)> = Vec::new();
        let mut pending = Combinator::Descendant;
        let mut spec = (0, 0, 0);
        for word in text.replace('>', " > ").split_ascii_whitespace() {
            if word == ">" {
                pending = Combinator::Child;
                continue;
            }
            let c = Compound::parse(word)?;
            spec.0 += c.ids.len() as u32;
            spec.1 += c.classes.len() as u32 + u32::from(c.root);
            spec.2 += u32::from(c.tag.is_some());
            compounds.push((c, pending));
            pending = Combinator::Descendant;
        }
        if compounds.is_empty() || pending == Combinator::Child || compounds.len() > MAX_COMPOUNDS {
            return None;
        }
        // store right to left; each compound keeps the combinator to its left neighbour
        let combs: Vec<Combinator> = compounds.iter().map(|c| c.1).collect();
        let mut out: Vec<(Compound, Combinator)> = Vec::new();
        for (i, (c, _)) in compounds.into_iter().enumerate().rev() {
            out.push((c, combs[i]));
        }
        Some(Selector {
            compounds: out,
            specificity: spec,
        })
    }
}

impl Compound {
    fn parse(word: &str) -> Option<Compound> {
        let mut c = Compound::default();
        let mut rest = word;
        let ident_end = |s: &str| {
            s.find(|ch: char| !(ch.is_alphanumeric() || ch == '-' || ch == '_'))
                .unwrap_or(s.len())
        };
        if rest.starts_with('*') {
            rest = &rest[1..];
        } else if rest.starts_with(|ch: char| ch.is_ascii_alphabetic()) {
            let e = ident_end(rest);
            c.tag = Some(rest[..e].to_ascii_lowercase());
            rest = &rest[e..];
        }
        while let Some(kind) = rest.chars().next() {
            let tail = &rest[kind.len_utf8()..];
            let e = ident_end(tail);
            if e == 0 {
                return None;
            }
            let name = tail[..e].to_string();
            match kind {
                '.' => c.classes.push(name),
                '#' => c.ids.push(name),
                ':' if name.eq_ignore_ascii_case("root") => c.root = true,
                _ => return None,
            }
            rest = &tail[e..];
        }
        Some(c)
    }
}

/// Splits a value at top-level commas (not inside functions or strings).
pub fn split_commas(value: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut quote, mut start) = (0i32, None, 0);
    for (i, ch) in value.char_indices() {
        match (quote, ch) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(ch),
            (None, '(') => depth += 1,
            (None, ')') => depth -= 1,
            (None, ',') if depth == 0 => {
                out.push(&value[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&value[start..]);
    out
}

/// Longest value `resolve_vars` builds (eight substitutions of long variables could
/// otherwise make every element's value megabytes long).
const MAX_RESOLVED: usize = 64 * 1024;

/// Substitutes `var(--x)` / `var(--x, fallback)` from `lookup`, up to 8 levels deep;
/// `None` when a variable is neither defined nor has a fallback, or when the result
/// would be longer than 64 KiB.
pub fn resolve_vars(value: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let mut value = value.to_string();
    for _ in 0..8 {
        let Some(at) = value.to_ascii_lowercase().find("var(") else {
            return Some(value);
        };
        let open = at + 4;
        let mut depth = 1;
        let mut close = None;
        for (i, ch) in value[open..].char_indices() {
            match ch {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        close = Some(open + i);
                        break;
                    }
                }
                _ => {}
            }
        }
        let close = close?;
        let inner = &value[open..close];
        let (name, fallback) = match inner.find(',') {
            Some(k) => (inner[..k].trim(), Some(inner[k + 1..].trim())),
            None => (inner.trim(), None),
        };
        let replacement = lookup(name).or_else(|| fallback.map(str::to_string))?;
        if value.len() - (close + 1 - at) + replacement.len() > MAX_RESOLVED {
            return None;
        }
        value = format!("{}{}{}", &value[..at], replacement, &value[close + 1..]);
    }
    None
}

/// Custom properties of `sheets` in order, a later definition winning: the sheet's own
/// when there is one (most pages link one stylesheet).
pub fn custom_properties<'s>(sheets: &[&'s Sheet]) -> Cow<'s, HashMap<String, String>> {
    match sheets {
        [] => Cow::Owned(HashMap::new()),
        [one] => Cow::Borrowed(one.custom_properties()),
        _ => {
            let mut vars = HashMap::new();
            for sheet in sheets {
                vars.extend(
                    sheet
                        .custom_properties()
                        .iter()
                        .map(|(k, v)| (k.clone(), v.clone())),
                );
            }
            Cow::Owned(vars)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sheet moved along its file is the sheet parsed there: a `<style>` block parsed
    /// once per run is moved to where each page has it.
    #[test]
    fn a_moved_sheet_is_the_sheet_parsed_further_on() {
        let deep = format!(
            "{}p{{color:red}}{}",
            "@media a {".repeat(MAX_BLOCK_DEPTH + 2),
            "}".repeat(MAX_BLOCK_DEPTH + 2)
        );
        for css in [
            "/* หัว */ p.a > b { color: #1F5C4A !important; font-family: 'Noto Sans Thai' }\n@media (prefers-color-scheme: dark) { p { color: #F4EFE6 } }\n@font-face { font-family: X }",
            deep.as_str(),
        ] {
            let moved = Sheet::parse(css, 0).moved(37);
            assert_eq!(format!("{moved:?}"), format!("{:?}", Sheet::parse(css, 37)));
        }
    }

    #[test]
    fn rules_declarations_and_offsets() {
        let css = "/* x */ :root /* y */ { --c: #1F5C4A; }\n.a > p.b, h1:hover { color: var(--c) !important; }\n@media (min-width: 1px) { body { color: red } }\n@font-face { font-family: X; }";
        let sheet = Sheet::parse(css, 100);
        assert_eq!(sheet.rules.len(), 4);
        let r = &sheet.rules[1];
        assert_eq!(r.selectors.len(), 1, "h1:hover is not static");
        assert_eq!(r.selectors[0].specificity, (0, 2, 1));
        assert_eq!(r.decls[0].value, "var(--c)");
        assert!(r.decls[0].important);
        assert_eq!(r.decls[0].offset, 100 + css.find("var(").unwrap());
        assert_eq!(sheet.rules[2].kind, RuleKind::Conditional);
        assert_eq!(sheet.rules[3].kind, RuleKind::AtRule);
        let d = &sheet.rules[0].decls[0];
        assert_eq!((d.name.as_str(), d.value.as_str()), ("--c", "#1F5C4A"));
    }

    /// What email rules read: at-rules with their preludes, selector text, offsets of
    /// names, and the enclosing `@media`, `@keyframes` and `@font-face`.
    #[test]
    fn at_rules_and_contexts_for_email_rules() {
        let css = "@import url(\"https://fonts.example/css?family=Prompt\");\n@media (prefers-color-scheme: dark) { @supports (display: grid) { .หัว > td:hover { color: #F4EFE6 } } }\n@keyframes pulse { from { opacity: 0 } }\n@font-face { font-family: 'Prompt'; src: url(a;b.ttf) }\np { /* c */ width: 700px }";
        let sheet = Sheet::parse(css, 10);
        let at: Vec<(&str, &str)> = sheet
            .at_rules
            .iter()
            .map(|a| (a.name.as_str(), a.prelude.as_str()))
            .collect();
        assert_eq!(
            at,
            [
                ("import", "url(\"https://fonts.example/css?family=Prompt\")"),
                ("media", "(prefers-color-scheme: dark)"),
                ("supports", "(display: grid)"),
                ("keyframes", "pulse"),
                ("font-face", ""),
            ]
        );
        assert_eq!(sheet.at_rules[1].offset, 10 + css.find("@media").unwrap());
        let hover = &sheet.rules[0];
        assert_eq!(hover.prelude, ".หัว > td:hover");
        assert_eq!(hover.offset, 10 + css.find(".หัว").unwrap());
        assert_eq!(
            hover.context.media,
            Some(1),
            "the outermost @media-like block"
        );
        assert!(sheet.rules[1].context.keyframes);
        let face = &sheet.rules[2];
        assert_eq!(face.at.as_deref(), Some("font-face"));
        assert_eq!(face.decls[1].value, "url(a;b.ttf)");
        let width = &sheet.rules[3].decls[0];
        assert_eq!(width.name_offset, 10 + css.find("width").unwrap());
        assert_eq!(sheet.rules[3].context, Context::default());
    }

    #[test]
    fn vars_resolve_with_fallbacks() {
        let lookup = |n: &str| (n == "--a").then(|| "var(--b, #fff)".to_string());
        assert_eq!(
            resolve_vars("1px solid var(--a)", &lookup).as_deref(),
            Some("1px solid #fff")
        );
        assert_eq!(resolve_vars("var(--zz)", &lookup), None);
        assert_eq!(split_commas("\"A, B\", rgb(1,2,3), c").len(), 3);
    }

    #[test]
    fn nesting_beyond_the_limit_is_skipped_and_noted() {
        let n = 20_000;
        let css = format!(
            "{}p{{color:red}}{}",
            "@media screen{".repeat(n),
            "}".repeat(n)
        );
        let sheet = Sheet::parse(&css, 7);
        assert_eq!(
            sheet.too_deep,
            Some(7 + MAX_BLOCK_DEPTH * "@media screen{".len())
        );
        assert!(sheet.rules.is_empty());
        // 30 levels are read
        let css = format!(
            "{}p{{color:red}}{}",
            "@media screen{".repeat(30),
            "}".repeat(30)
        );
        let sheet = Sheet::parse(&css, 0);
        assert_eq!((sheet.too_deep, sheet.rules.len()), (None, 1));
        // unbalanced braces and nested functions: read without recursion
        let css = format!(
            "p{{color:{}red{}}}{}",
            "calc(".repeat(n),
            ")".repeat(n),
            "{".repeat(n)
        );
        let sheet = Sheet::parse(&css, 0);
        assert_eq!(sheet.rules.len(), 1);
        // selectors of too many compounds are not matched
        let long = vec!["div"; MAX_COMPOUNDS + 1].join(" ");
        assert!(Selector::parse(&long).is_none());
        assert!(Selector::parse(&vec!["div"; MAX_COMPOUNDS].join(" ")).is_some());
    }

    /// Found by mutating the fixtures: a selector starting with a non-ASCII character
    /// was split inside it (panic).
    #[test]
    fn selectors_with_thai_and_broken_bytes() {
        assert!(Selector::parse("\u{FFFD}umn-per-100").is_none());
        assert!(Selector::parse("p.ก").is_some());
        assert!(Selector::parse("div ภาพ").is_none());
        let sheet = Sheet::parse("\u{FFFD}x, p.หัว { color: red }", 0);
        assert_eq!(sheet.rules[0].selectors.len(), 1);
    }
}
