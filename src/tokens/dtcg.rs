//! The W3C Design Tokens Community Group format (Format Module 2025.10): writing the guide
//! as tokens, and reading a token file back into resolved tokens.
//!
//! Written: palette colors as `color.<name>` (2025.10 color objects: `colorSpace`,
//! `components`, `hex`), the roles as aliases (`role.primary = {color.forest}`), the fonts
//! per role and script (`font.<role>.latin|thai|stack|weight|size`), typography composites
//! per role and script, and everything else the guide says (logo, tone, channels, pairs…)
//! under `$extensions."com.brandpress"`.
//!
//! Read: any DTCG file, within limits (size, nesting, token count, alias chain length),
//! with aliases resolved and cycles reported. A file with no `$value` anywhere is read as
//! the older Style Dictionary / Tokens Studio form (`value`, `type`), which most exported
//! token files still use. Every error names the file and the JSON pointer of the token.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::{Map, Value, json};

use crate::brand::{Guide, Rgb};
use crate::error::{Error, Result};

/// The `$extensions` key brandpress writes and reads.
pub const EXTENSION: &str = "com.brandpress";

/// Largest token file read (bytes).
pub const MAX_BYTES: usize = 4 * 1024 * 1024;
/// Deepest group nesting read.
pub const MAX_DEPTH: usize = 32;
/// Most tokens read from one file.
pub const MAX_TOKENS: usize = 20_000;
/// Longest alias chain followed (`{a}` → `{b}` → …).
pub const MAX_ALIAS_CHAIN: usize = 64;
/// Most JSON values all tokens hold once their aliases are resolved.
pub const MAX_RESOLVED: usize = 1_000_000;

/// Line heights of the typography tokens: those the cards set each role in
/// (`src/render/social`: titles 1.3, other text 1.45).
const HEADING_LINE_HEIGHT: f64 = 1.3;
const TEXT_LINE_HEIGHT: f64 = 1.45;

/// A 2025.10 color value: sRGB components in 0–1 (four decimals, enough to give back
/// every 8-bit channel) and the hex fallback.
pub fn color_value(rgb: Rgb) -> Value {
    let c = |v: u8| (f64::from(v) / 255.0 * 10_000.0).round() / 10_000.0;
    json!({
        "colorSpace": "srgb",
        "components": [c(rgb.0), c(rgb.1), c(rgb.2)],
        "hex": rgb.hex().to_lowercase(),
    })
}

fn px(v: f32) -> Value {
    let v = f64::from(v);
    let n = if v.fract() == 0.0 && v.abs() < 1e15 {
        json!(v as i64)
    } else {
        json!(v)
    };
    json!({ "value": n, "unit": "px" })
}

/// JSON whose objects keep their keys in the order written (serde_json's own map sorts
/// them), so the palette reads in the guide's order.
#[derive(Debug, Clone)]
pub enum Ordered {
    Map(Vec<(String, Ordered)>),
    List(Vec<Ordered>),
    Leaf(Value),
}

impl Ordered {
    fn map() -> Self {
        Ordered::Map(Vec::new())
    }

    fn insert(&mut self, key: impl Into<String>, value: impl Into<Ordered>) {
        if let Ordered::Map(m) = self {
            m.push((key.into(), value.into()));
        }
    }

    fn contains_key(&self, key: &str) -> bool {
        matches!(self, Ordered::Map(m) if m.iter().any(|(k, _)| k == key))
    }

    fn is_empty(&self) -> bool {
        matches!(self, Ordered::Map(m) if m.is_empty())
    }

    /// A TOML value in its written order (the toml crate keeps it).
    fn from_toml(v: &toml::Value) -> Ordered {
        match v {
            toml::Value::Table(t) => Ordered::Map(
                t.iter()
                    .map(|(k, v)| (k.clone(), Ordered::from_toml(v)))
                    .collect(),
            ),
            toml::Value::Array(a) => Ordered::List(a.iter().map(Ordered::from_toml).collect()),
            toml::Value::String(s) => Ordered::Leaf(s.clone().into()),
            toml::Value::Integer(i) => Ordered::Leaf((*i).into()),
            toml::Value::Float(f) => Ordered::Leaf((*f).into()),
            toml::Value::Boolean(b) => Ordered::Leaf((*b).into()),
            toml::Value::Datetime(d) => Ordered::Leaf(d.to_string().into()),
        }
    }
}

impl From<Value> for Ordered {
    fn from(v: Value) -> Self {
        Ordered::Leaf(v)
    }
}

impl From<&str> for Ordered {
    fn from(v: &str) -> Self {
        Ordered::Leaf(v.into())
    }
}

impl serde::Serialize for Ordered {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self {
            Ordered::Map(m) => {
                let mut map = s.serialize_map(Some(m.len()))?;
                for (k, v) in m {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
            Ordered::List(l) => {
                let mut seq = s.serialize_seq(Some(l.len()))?;
                for v in l {
                    seq.serialize_element(v)?;
                }
                seq.end()
            }
            Ordered::Leaf(v) => v.serialize(s),
        }
    }
}

/// The guide as a DTCG token document.
pub fn export(guide: &Guide) -> Result<Ordered> {
    let mut root = Ordered::map();
    root.insert(
        "$description",
        Value::from(format!(
            "{} brand tokens, from {} by brandpress",
            guide.brand.name,
            guide.source.path.display()
        )),
    );

    // colors, in the guide's order
    let mut colors = Ordered::map();
    colors.insert("$type", "color");
    for (name, def) in guide.palette() {
        let mut ext = Map::new();
        ext.insert("role".into(), def.role.get_ref().clone().into());
        if let Some(cmyk) = &def.cmyk {
            let v: Vec<Value> = cmyk.get_ref().iter().map(|&x| number(x)).collect();
            ext.insert("cmyk".into(), v.into());
        }
        if let Some(dark) = def.dark {
            ext.insert("dark".into(), color_value(dark));
        }
        if let Some(spot) = &def.spot {
            ext.insert("spot".into(), spot.get_ref().clone().into());
        }
        colors.insert(
            name,
            json!({ "$value": color_value(def.hex), "$extensions": { EXTENSION: ext } }),
        );
    }
    root.insert("color", colors);

    // roles as aliases: the first color of each role, as the channels pick it
    let mut roles = Ordered::map();
    roles.insert("$type", "color");
    roles.insert(
        "$description",
        "The palette's roles (each the first color with that role), as aliases",
    );
    for (_, def) in guide.palette() {
        let role = def.role.get_ref();
        if !roles.contains_key(role.as_str())
            && let Some((name, _)) = guide.role(role)
        {
            roles.insert(
                role.clone(),
                json!({ "$value": format!("{{color.{name}}}") }),
            );
        }
    }
    root.insert("role", roles);

    // fonts and typography
    let mut fonts = Ordered::map();
    let mut typography = Ordered::map();
    for (role, def) in &guide.fonts {
        let mut group = Map::new();
        for (script, fam) in [("latin", &def.latin), ("thai", &def.thai)] {
            let files: Vec<&str> = fam.files.iter().map(|f| f.get_ref().as_str()).collect();
            group.insert(
                script.into(),
                json!({
                    "$type": "fontFamily",
                    "$value": fam.family.get_ref(),
                    "$extensions": { EXTENSION: { "files": files } },
                }),
            );
        }
        let mut stack = vec![
            def.latin.family.get_ref().clone(),
            def.thai.family.get_ref().clone(),
        ];
        stack.extend(def.fallbacks.iter().cloned());
        group.insert(
            "stack".into(),
            json!({
                "$type": "fontFamily",
                "$value": stack,
                "$description": "The CSS stack: Latin family, Thai family, then the fallbacks",
            }),
        );
        group.insert(
            "weight".into(),
            json!({ "$type": "fontWeight", "$value": def.weight }),
        );
        if let Some(size) = def.size {
            group.insert(
                "size".into(),
                json!({
                    "$type": "dimension",
                    "$description": "Auto-fit bounds for a 630 px tall card",
                    "min": { "$value": px(size.min) },
                    "max": { "$value": px(size.max) },
                }),
            );
            let line_height = if role == "heading" {
                HEADING_LINE_HEIGHT
            } else {
                TEXT_LINE_HEIGHT
            };
            let mut t = Map::new();
            t.insert("$type".into(), "typography".into());
            for script in ["latin", "thai"] {
                t.insert(
                    script.into(),
                    json!({ "$value": {
                        "fontFamily": format!("{{font.{role}.{script}}}"),
                        "fontWeight": format!("{{font.{role}.weight}}"),
                        "fontSize": format!("{{font.{role}.size.min}}"),
                        "letterSpacing": { "value": 0, "unit": "px" },
                        "lineHeight": line_height,
                    }}),
                );
            }
            typography.insert(role.clone(), Value::Object(t));
        }
        fonts.insert(role.clone(), Value::Object(group));
    }
    root.insert("font", fonts);
    if !typography.is_empty() {
        root.insert("typography", typography);
    }

    // the rest of the guide, as written
    let mut guide_ext = Ordered::map();
    guide_ext.insert("guide", rest_of_guide(guide)?);
    let mut ext = Ordered::map();
    ext.insert(EXTENSION, guide_ext);
    root.insert("$extensions", ext);
    Ok(root)
}

fn number(x: f32) -> Value {
    let v = f64::from(x);
    if v.fract() == 0.0 && v.abs() < 1e15 {
        json!(v as i64)
    } else {
        // f32 → shortest decimal that reads back as the same f32
        format!("{x}")
            .parse::<f64>()
            .map(Value::from)
            .unwrap_or(Value::Null)
    }
}

/// Every table of the guide except the palette and the fonts (which are tokens), as the
/// guide's text says it (so defaults stay defaults).
fn rest_of_guide(guide: &Guide) -> Result<Ordered> {
    let mut table: toml::Table = toml::from_str(&guide.source.text)
        .map_err(|e| Error::file(&guide.source.path, e.message().trim()))?;
    table.remove("fonts");
    if let Some(toml::Value::Table(colors)) = table.get_mut("colors") {
        colors.retain(|_, v| !v.is_table());
    }
    Ok(Ordered::from_toml(&toml::Value::Table(table)))
}

/// One token read from a file, its value with every alias resolved.
#[derive(Debug, Clone)]
pub struct Token {
    /// Group names down to the token's own.
    pub path: Vec<String>,
    /// `$type`, its own or the nearest group's, or the aliased token's.
    pub kind: Option<String>,
    pub value: Value,
    /// The token the value aliases directly (`{color.forest}` → `["color", "forest"]`).
    pub alias_of: Option<Vec<String>>,
    /// `$extensions."com.brandpress"`, if any.
    pub ours: Option<Value>,
    /// The JSON pointer of the token, for messages.
    pub pointer: String,
}

impl Token {
    pub fn dotted(&self) -> String {
        self.path.join(".")
    }
}

/// A token file read: its tokens in file order and its root `$extensions."com.brandpress"`.
#[derive(Debug, Default)]
pub struct TokenFile {
    pub tokens: Vec<Token>,
    pub ours: Option<Value>,
    /// Read as the older `value`/`type` form (Style Dictionary, Tokens Studio).
    pub legacy: bool,
}

/// Reads a DTCG (or older Style Dictionary / Tokens Studio) token file.
pub fn read(path: &Path, text: &str) -> Result<TokenFile> {
    let bad = |pointer: &str, msg: String| {
        let at = if pointer.is_empty() { "/" } else { pointer };
        Error::file(path, format!("at {at}: {msg}"))
    };
    if text.len() > MAX_BYTES {
        return Err(Error::file(
            path,
            format!(
                "token file of {} bytes is over the {} MiB limit",
                text.len(),
                MAX_BYTES / 1024 / 1024
            ),
        ));
    }
    let root: Value = serde_json::from_str(text).map_err(|e| {
        Error::file(
            path,
            format!("not JSON: {e} (line {}, column {})", e.line(), e.column()),
        )
    })?;
    let Value::Object(root_map) = &root else {
        return Err(bad(
            "",
            "a token file is a JSON object of groups and tokens".into(),
        ));
    };
    let legacy = !has_key(&root, "$value", 0);
    let value_key = if legacy { "value" } else { "$value" };
    let type_key = if legacy { "type" } else { "$type" };

    // raw tokens, in file order
    struct Raw {
        path: Vec<String>,
        kind: Option<String>,
        value: Value,
        ours: Option<Value>,
        pointer: String,
    }
    let mut raws: Vec<Raw> = Vec::new();
    /// A group to visit: its path, its JSON pointer, its members and the `$type` it inherits.
    type Group<'a> = (Vec<String>, String, &'a Map<String, Value>, Option<String>);
    let mut stack: Vec<Group> = vec![(Vec::new(), String::new(), root_map, None)];
    let mut ours = None;
    if let Some(ext) = root_map.get("$extensions") {
        ours = extension(ext).cloned();
    }
    while let Some((gpath, gpointer, group, inherited)) = stack.pop() {
        if gpath.len() > MAX_DEPTH {
            return Err(bad(
                &gpointer,
                format!("groups nest deeper than {MAX_DEPTH} levels"),
            ));
        }
        let kind = match group.get(type_key) {
            Some(Value::String(t)) => Some(t.clone()),
            Some(_) if !legacy => {
                return Err(bad(&gpointer, "$type must be a string".into()));
            }
            _ => inherited,
        };
        let mut children = Vec::new();
        for (key, child) in group {
            let pointer = format!("{gpointer}/{}", escape_pointer(key));
            if let Some(special) = key.strip_prefix('$') {
                match special {
                    "type" | "description" | "extensions" | "deprecated" | "schema" => {}
                    "root" if !legacy => {
                        // a group's own token, named by the group
                        let Value::Object(obj) = child else {
                            return Err(bad(&pointer, "$root must be a token object".into()));
                        };
                        children.push((gpath.clone(), pointer, obj, true));
                    }
                    "extends" => {
                        return Err(bad(
                            &pointer,
                            "group $extends is not supported; resolve it in your tool before exporting".into(),
                        ));
                    }
                    _ if legacy => {}
                    _ => {
                        return Err(bad(
                            &pointer,
                            format!(
                                "unknown property {key:?} (2025.10 knows $value, $type, $description, $extensions, $deprecated, $root, $extends)"
                            ),
                        ));
                    }
                }
                continue;
            }
            if legacy && ["type", "description", "comment", "attributes"].contains(&key.as_str()) {
                continue;
            }
            if key.contains(['{', '}', '.']) {
                return Err(bad(
                    &pointer,
                    format!("name {key:?} may not contain '{{', '}}' or '.'"),
                ));
            }
            let Value::Object(obj) = child else {
                if gpath.is_empty() && !legacy {
                    return Err(bad(
                        &pointer,
                        format!(
                            "{key:?} is neither a group nor a token (a token is an object with $value)"
                        ),
                    ));
                }
                continue; // legacy metadata such as "comment"
            };
            let mut p = gpath.clone();
            p.push(key.clone());
            children.push((p, pointer, obj, false));
        }
        // push in reverse, so groups are visited in file order
        let mut groups = Vec::new();
        for (p, pointer, obj, _) in children {
            if let Some(v) = obj.get(value_key) {
                if raws.len() >= MAX_TOKENS {
                    return Err(bad(&pointer, format!("more than {MAX_TOKENS} tokens")));
                }
                let own = match obj.get(type_key) {
                    Some(Value::String(t)) => Some(t.clone()),
                    Some(_) if !legacy => {
                        return Err(bad(&pointer, "$type must be a string".into()));
                    }
                    _ => kind.clone(),
                };
                if !legacy
                    && let Some(k) = obj.keys().find(|k| {
                        k.starts_with('$')
                            && ![
                                "$value",
                                "$type",
                                "$description",
                                "$extensions",
                                "$deprecated",
                            ]
                            .contains(&k.as_str())
                    })
                {
                    return Err(bad(
                        &format!("{pointer}/{}", escape_pointer(k)),
                        format!("unknown token property {k:?}"),
                    ));
                }
                raws.push(Raw {
                    path: p,
                    kind: own,
                    value: v.clone(),
                    ours: obj.get("$extensions").and_then(extension).cloned(),
                    pointer: format!("{pointer}/{value_key}"),
                });
            } else {
                groups.push((p, pointer, obj, kind.clone()));
            }
        }
        // depth-first, in file order: the next group to visit goes on top
        for g in groups.into_iter().rev() {
            stack.push(g);
        }
    }
    // resolve aliases
    // serde_json's map sorts keys: put the tokens back in the file's order, so colors
    // new to the guide are added in the order the file lists them
    let order = key_order(text);
    raws.sort_by_key(|r| {
        let base = r.pointer.rsplit_once('/').map_or("", |(b, _)| b);
        order.get(base).copied().unwrap_or(usize::MAX)
    });
    let index: BTreeMap<String, usize> = raws
        .iter()
        .enumerate()
        .map(|(i, r)| (r.path.join("."), i))
        .collect();
    let lookup = |reference: &str| -> Option<usize> {
        index.get(reference).copied().or_else(|| {
            // Style Dictionary's `{color.base.red.value}`
            reference
                .strip_suffix(".value")
                .or_else(|| reference.strip_suffix(".$value"))
                .and_then(|r| index.get(r).copied())
        })
    };
    let values: Vec<&Value> = raws.iter().map(|r| &r.value).collect();
    let mut tokens = Vec::with_capacity(raws.len());
    let mut budget = MAX_RESOLVED;
    for (i, raw) in raws.iter().enumerate() {
        let mut seen = BTreeSet::from([i]);
        let mut kind = raw.kind.clone();
        let mut alias_of = None;
        let mut current = i;
        let mut chain = vec![raw.path.join(".")];
        // follow a whole-value alias to its end
        while let Some(reference) = alias(&raws[current].value) {
            let Some(next) = lookup(reference) else {
                return Err(bad(
                    &raw.pointer,
                    format!("alias {{{reference}}} names no token in this file"),
                ));
            };
            if alias_of.is_none() {
                alias_of = Some(raws[next].path.clone());
            }
            chain.push(raws[next].path.join("."));
            if !seen.insert(next) {
                return Err(bad(
                    &raw.pointer,
                    format!("alias cycle: {}", chain.join(" → ")),
                ));
            }
            if chain.len() > MAX_ALIAS_CHAIN {
                return Err(bad(
                    &raw.pointer,
                    format!("alias chain longer than {MAX_ALIAS_CHAIN}"),
                ));
            }
            if kind.is_none() {
                kind = raws[next].kind.clone();
            }
            current = next;
        }
        // aliases inside composite values (typography members, arrays)
        let value = resolve_inner(
            &raws[current].value,
            &values,
            &lookup,
            &mut seen.clone(),
            0,
            &mut budget,
        )
        .map_err(|m| bad(&raw.pointer, m))?;
        tokens.push(Token {
            path: raw.path.clone(),
            kind,
            value,
            alias_of,
            ours: raw.ours.clone(),
            pointer: raw.pointer.clone(),
        });
    }
    Ok(TokenFile {
        tokens,
        ours,
        legacy,
    })
}

/// The position of every object member in the file, by JSON pointer (the text already
/// parsed once as JSON, so this cannot fail where that did not).
fn key_order(text: &str) -> std::collections::HashMap<String, usize> {
    use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
    struct Walk<'a> {
        pointer: String,
        out: &'a mut Vec<String>,
    }
    impl<'de> DeserializeSeed<'de> for Walk<'_> {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
            d.deserialize_any(self)
        }
    }
    impl<'de> Visitor<'de> for Walk<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("JSON")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
            while let Some(key) = map.next_key::<String>()? {
                let pointer = format!("{}/{}", self.pointer, escape_pointer(&key));
                self.out.push(pointer.clone());
                map.next_value_seed(Walk {
                    pointer,
                    out: &mut *self.out,
                })?;
            }
            Ok(())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(())
        }
        fn visit_bool<E>(self, _: bool) -> std::result::Result<(), E> {
            Ok(())
        }
        fn visit_i64<E>(self, _: i64) -> std::result::Result<(), E> {
            Ok(())
        }
        fn visit_u64<E>(self, _: u64) -> std::result::Result<(), E> {
            Ok(())
        }
        fn visit_f64<E>(self, _: f64) -> std::result::Result<(), E> {
            Ok(())
        }
        fn visit_str<E>(self, _: &str) -> std::result::Result<(), E> {
            Ok(())
        }
        fn visit_unit<E>(self) -> std::result::Result<(), E> {
            Ok(())
        }
    }
    let mut out = Vec::new();
    let mut de = serde_json::Deserializer::from_str(text);
    let _ = Walk {
        pointer: String::new(),
        out: &mut out,
    }
    .deserialize(&mut de);
    out.into_iter().enumerate().map(|(i, p)| (p, i)).collect()
}

fn extension(ext: &Value) -> Option<&Value> {
    ext.as_object().and_then(|m| m.get(EXTENSION))
}

/// `{a.b.c}` as a whole string value.
fn alias(v: &Value) -> Option<&str> {
    let s = v.as_str()?;
    let inner = s.strip_prefix('{')?.strip_suffix('}')?;
    (!inner.is_empty() && !inner.contains(['{', '}'])).then_some(inner)
}

fn resolve_inner(
    v: &Value,
    raws: &[&Value],
    lookup: &impl Fn(&str) -> Option<usize>,
    seen: &mut BTreeSet<usize>,
    depth: usize,
    budget: &mut usize,
) -> std::result::Result<Value, String> {
    if depth > MAX_ALIAS_CHAIN {
        return Err(format!("aliases nest deeper than {MAX_ALIAS_CHAIN}"));
    }
    // aliases inside lists of aliases can expand exponentially: the file's values, all
    // aliases resolved, may hold so many JSON values in all
    *budget = budget
        .checked_sub(1)
        .ok_or_else(|| format!("aliases expand to more than {MAX_RESOLVED} values"))?;
    match v {
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, x) in m {
                out.insert(
                    k.clone(),
                    resolve_inner(x, raws, lookup, seen, depth + 1, budget)?,
                );
            }
            Ok(Value::Object(out))
        }
        Value::Array(a) => a
            .iter()
            .map(|x| resolve_inner(x, raws, lookup, seen, depth + 1, budget))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map(Value::Array),
        _ => {
            let Some(reference) = alias(v) else {
                return Ok(v.clone());
            };
            let next = lookup(reference)
                .ok_or_else(|| format!("alias {{{reference}}} names no token in this file"))?;
            if !seen.insert(next) {
                return Err(format!("alias cycle through {{{reference}}}"));
            }
            let out = resolve_inner(raws[next], raws, lookup, seen, depth + 1, budget);
            seen.remove(&next);
            out
        }
    }
}

fn has_key(v: &Value, key: &str, depth: usize) -> bool {
    if depth > MAX_DEPTH + 4 {
        return false;
    }
    match v {
        Value::Object(m) => m.contains_key(key) || m.values().any(|x| has_key(x, key, depth + 1)),
        _ => false,
    }
}

fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// A color token's value as an opaque sRGB color: a 2025.10 color object (sRGB,
/// linear sRGB, HSL, HWB, OKLab and OKLCH are converted; other spaces need `hex`), or a
/// hex string as older files write it.
pub fn parse_color(v: &Value) -> std::result::Result<Rgb, String> {
    if let Some(s) = v.as_str() {
        return parse_hex(s);
    }
    let Some(m) = v.as_object() else {
        return Err("a color is an object {colorSpace, components, hex} or a hex string".into());
    };
    if let Some(alpha) = m.get("alpha").and_then(Value::as_f64)
        && alpha < 1.0
    {
        return Err(format!(
            "alpha {alpha}: brand colors are opaque (the guide has no transparency)"
        ));
    }
    let space = m
        .get("colorSpace")
        .and_then(Value::as_str)
        .ok_or("a color object needs colorSpace")?;
    let comps = m
        .get("components")
        .and_then(Value::as_array)
        .ok_or("a color object needs components")?;
    if comps.len() != 3 {
        return Err(format!("{} components; a color has 3", comps.len()));
    }
    let c: Vec<f32> = comps
        .iter()
        .map(|x| match x {
            Value::String(s) if s == "none" => Ok(0.0),
            _ => x
                .as_f64()
                .map(|f| f as f32)
                .ok_or_else(|| format!("component {x} is not a number or \"none\"")),
        })
        .collect::<std::result::Result<_, _>>()?;
    // unclamped: a color outside sRGB is an error, not silently clipped
    use palette::convert::IntoColorUnclamped;
    use palette::{Hsl, Hwb, LinSrgb, Oklab, Oklch, Srgb};
    let srgb: Srgb = match space {
        "srgb" => Srgb::new(c[0], c[1], c[2]),
        "srgb-linear" => LinSrgb::new(c[0], c[1], c[2]).into_color_unclamped(),
        "hsl" => Hsl::new(c[0], c[1] / 100.0, c[2] / 100.0).into_color_unclamped(),
        "hwb" => Hwb::new(c[0], c[1] / 100.0, c[2] / 100.0).into_color_unclamped(),
        "oklab" => Oklab::new(c[0], c[1], c[2]).into_color_unclamped(),
        "oklch" => Oklch::new(c[0], c[1], c[2]).into_color_unclamped(),
        other => {
            return match m.get("hex").and_then(Value::as_str) {
                Some(hex) => parse_hex(hex),
                None => Err(format!(
                    "colorSpace {other:?} needs a hex fallback: the guide keeps sRGB colors"
                )),
            };
        }
    };
    if [srgb.red, srgb.green, srgb.blue]
        .iter()
        .any(|x| !x.is_finite() || *x < -0.001 || *x > 1.001)
    {
        return Err(format!("this {space} color is outside sRGB"));
    }
    let q = |x: f32| (x.clamp(0.0, 1.0) * 255.0).round() as u8;
    Ok(Rgb(q(srgb.red), q(srgb.green), q(srgb.blue)))
}

fn parse_hex(s: &str) -> std::result::Result<Rgb, String> {
    match s.len() {
        // #RRGGBBAA with an opaque alpha, as some tools write
        9 if s.to_ascii_lowercase().ends_with("ff") => s[..7].parse(),
        9 | 5 => Err(format!("{s:?} has transparency; brand colors are opaque")),
        _ => s.parse(),
    }
}

/// A dimension token's value in px: `{value, unit: "px"}` (2025.10) or `"28px"` / a bare
/// number (older files).
pub fn parse_px(v: &Value) -> std::result::Result<f32, String> {
    let (n, unit) = match v {
        Value::Object(m) => (
            m.get("value").and_then(Value::as_f64),
            m.get("unit").and_then(Value::as_str).unwrap_or(""),
        ),
        Value::Number(n) => (n.as_f64(), "px"),
        Value::String(s) => {
            let t = s.trim();
            let cut = t.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(t.len());
            (t[..cut].trim().parse().ok(), &t[cut..])
        }
        _ => (None, ""),
    };
    let n = n.ok_or("a dimension is {value, unit}")?;
    match unit {
        "px" if n.is_finite() && n > 0.0 && n < 10_000.0 => Ok(n as f32),
        "px" => Err(format!("{n} px is not a usable size")),
        other => Err(format!(
            "unit {other:?}: the guide's sizes are px (a {other} size depends on the page)"
        )),
    }
}

/// A fontWeight token's value: 1–1000, or one of the 2025.10 names.
pub fn parse_weight(v: &Value) -> std::result::Result<u16, String> {
    if let Some(n) = v.as_f64() {
        return if (1.0..=1000.0).contains(&n) && n.fract() == 0.0 {
            Ok(n as u16)
        } else {
            Err(format!(
                "font weight {n} is not a whole number from 1 to 1000"
            ))
        };
    }
    let name = v.as_str().ok_or("a font weight is a number or a name")?;
    let w = match name {
        "thin" | "hairline" => 100,
        "extra-light" | "ultra-light" => 200,
        "light" => 300,
        "normal" | "regular" | "book" => 400,
        "medium" => 500,
        "semi-bold" | "demi-bold" => 600,
        "bold" => 700,
        "extra-bold" | "ultra-bold" => 800,
        "black" | "heavy" => 900,
        "extra-black" | "ultra-black" => 950,
        other => return Err(format!("unknown font weight name {other:?}")),
    };
    Ok(w)
}

/// A fontFamily token's value: one name or a stack.
pub fn parse_families(v: &Value) -> std::result::Result<Vec<String>, String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Ok(vec![s.trim().to_string()]),
        Value::Array(a) if !a.is_empty() => a
            .iter()
            .map(|x| {
                x.as_str()
                    .filter(|s| !s.trim().is_empty())
                    .map(|s| s.trim().to_string())
                    .ok_or_else(|| "a font stack holds family names".to_string())
            })
            .collect(),
        _ => Err("a font family is a name or a list of names".into()),
    }
}
