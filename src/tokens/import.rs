//! `brandpress tokens import`: merges a token file into `brand.toml`.
//!
//! The guide is edited with toml_edit, value by value: a value the tokens do not change
//! keeps its text, its comments and its place, and nothing the tokens do not mention is
//! removed (an import merges; it does not replace). Where tokens go:
//!
//! - color tokens → `[colors.<name>]` (`hex`; `role`, `cmyk`, `dark`, `spot` from
//!   `$extensions."com.brandpress"`). The name is the token's path below a top `color` /
//!   `colors` group, joined with `-` and lower-cased (`color.base.gray.light` →
//!   `base-gray-light`). Color tokens that alias another are not palette colors and are
//!   skipped, except under the top `role` group, where `role.primary = {color.forest}`
//!   gives forest the role `primary`. A new color without a role gets `palette`.
//! - `font.<role>.latin|thai` (fontFamily) → `[fonts.<role>] latin|thai` family (files
//!   from the extension); `font.<role>.stack` → `fallbacks` (the stack without the two
//!   brand families); `font.<role>.weight` → `weight`; `font.<role>.size.min|max` → `size`.
//! - the root `$extensions."com.brandpress".guide` (logo, tone, channels, pairs…, as
//!   `tokens export` writes it) → the same tables.
//!
//! Everything else (typography composites, spacing, shadows…) is listed as skipped. The
//! merged text is written only if it loads as a valid guide.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde_json::{Map, Value};
use toml_edit::{Array, ArrayOfTables, DocumentMut, InlineTable, Item, Table, TableLike};

use super::dtcg::{self, Token, TokenFile};
use crate::brand::{Guide, Rgb};
use crate::error::{Error, Result, SourceFile};

/// What an import did (or, with `dry_run`, would do).
#[derive(Debug, Default)]
pub struct Outcome {
    /// The guide's new text.
    pub text: String,
    /// One line per value changed or added (`colors.forest.hex: "#1F5C4A" → "#2A6B57"`).
    pub changes: Vec<String>,
    /// Tokens skipped and defaults chosen, one line each.
    pub notes: Vec<String>,
}

/// Reads `tokens`, merges it into the guide at `guide_path`, checks the result loads,
/// and writes it unless `dry_run` or nothing changed.
pub fn import(tokens: &Path, guide_path: &Path, dry_run: bool) -> Result<Outcome> {
    let meta = std::fs::metadata(tokens).map_err(|e| Error::file(tokens, e))?;
    if meta.len() > dtcg::MAX_BYTES as u64 {
        return Err(Error::file(
            tokens,
            format!(
                "token file of {} bytes is over the {} MiB limit",
                meta.len(),
                dtcg::MAX_BYTES / 1024 / 1024
            ),
        ));
    }
    let text = Error::read_text(tokens)?;
    let file = dtcg::read(tokens, &text)?;
    let source = SourceFile::read(guide_path)?;
    let outcome = merge(&source.text, &file, tokens)?;
    // the project is the folder above brand/
    let root = project_root(guide_path);
    Guide::from_source(&root, SourceFile::new(guide_path, outcome.text.as_str())).map_err(|e| {
        Error::file(
            tokens,
            format!(
                "merged into {}, these tokens make an invalid guide (nothing written): {}",
                guide_path.display(),
                e.messages().join("; ")
            ),
        )
    })?;
    if !dry_run && !outcome.changes.is_empty() {
        write_atomically(guide_path, &outcome.text)?;
    }
    Ok(outcome)
}

/// The project folder of a guide at `<project>/brand/brand.toml`.
pub fn project_root(guide_path: &Path) -> PathBuf {
    let dir = guide_path.parent().unwrap_or(Path::new("."));
    let project = if dir.file_name().is_some_and(|n| n == "brand") {
        dir.parent().unwrap_or(Path::new("."))
    } else {
        dir
    };
    if project.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        project.to_path_buf()
    }
}

fn write_atomically(path: &Path, text: &str) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.import-{}",
        path.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("brand.toml"),
        std::process::id()
    ));
    std::fs::write(&tmp, text).map_err(|e| Error::file(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::file(path, e)
    })
}

/// Merges the tokens into the guide's text.
pub fn merge(guide_text: &str, file: &TokenFile, tokens_path: &Path) -> Result<Outcome> {
    let bad = |t: &Token, msg: String| {
        Error::file(
            tokens_path,
            format!("at {} (token {}): {msg}", t.pointer, t.dotted()),
        )
    };
    let mut doc = DocumentMut::from_str(guide_text)
        .map_err(|e| Error::usage(format!("the guide is not TOML: {e}")))?;
    let mut out = Outcome::default();
    if file.legacy {
        out.notes
            .push("read as a Style Dictionary / Tokens Studio file (`value`, `type`)".into());
    }

    // roles given by the `role` group
    let mut role_of: BTreeMap<String, String> = BTreeMap::new();
    for t in &file.tokens {
        if t.path.len() == 2 && t.path[0] == "role" && is_color(t) {
            let Some(target) = &t.alias_of else {
                return Err(bad(
                    t,
                    "a role token aliases a palette color ({color.<name>})".into(),
                ));
            };
            role_of.insert(color_name(target), t.path[1].clone());
        }
    }

    // colors
    let mut seen: BTreeMap<String, &Token> = BTreeMap::new();
    let mut skipped = Vec::new();
    for t in &file.tokens {
        if !is_color(t) || t.path.first().is_some_and(|p| p == "role") {
            continue;
        }
        if t.alias_of.is_some() {
            skipped.push(format!("{} (alias)", t.dotted()));
            continue;
        }
        let name = color_name(&t.path);
        if name.is_empty() {
            return Err(bad(
                t,
                "its name has nothing a guide color name can hold (a-z, 0-9, '-'); rename the token"
                    .into(),
            ));
        }
        if let Some(other) = seen.insert(name.clone(), t) {
            return Err(bad(
                t,
                format!(
                    "is color {name:?} in the guide, as is token {}",
                    other.dotted()
                ),
            ));
        }
        let rgb = dtcg::parse_color(&t.value).map_err(|m| bad(t, m))?;
        let ext = t.ours.as_ref().and_then(Value::as_object);
        let colors = table_at(&mut doc, "colors");
        let existing = colors.contains_key(&name);
        let mut color: Map<String, Value> = Map::new();
        color.insert("hex".into(), rgb.hex().into());
        let role = ext
            .and_then(|e| e.get("role"))
            .map(|r| {
                r.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| bad(t, "role is a string".into()))
            })
            .transpose()?
            .or_else(|| role_of.get(&name).cloned());
        match role {
            Some(r) => {
                color.insert("role".into(), r.into());
            }
            None if !existing => {
                out.notes.push(format!(
                    "color {name} has no role in the tokens: given role \"palette\""
                ));
                color.insert("role".into(), "palette".into());
            }
            None => {}
        }
        if let Some(ext) = ext {
            if let Some(cmyk) = ext.get("cmyk") {
                color.insert("cmyk".into(), cmyk.clone());
            }
            if let Some(dark) = ext.get("dark") {
                let d = dtcg::parse_color(dark).map_err(|m| bad(t, format!("dark: {m}")))?;
                color.insert("dark".into(), d.hex().into());
            }
            if let Some(spot) = ext.get("spot") {
                color.insert("spot".into(), spot.clone());
            }
        }
        if existing {
            let item = colors.get_mut(&name).expect("checked");
            let Some(table) = item.as_table_like_mut() else {
                return Err(bad(t, format!("colors.{name} in the guide is not a table")));
            };
            for (k, v) in color {
                set_value(
                    table,
                    &k,
                    &v,
                    &format!("colors.{name}"),
                    &mut out.changes,
                    true,
                )?;
            }
        } else {
            let mut table = Table::new();
            for (k, v) in &color {
                table.insert(k, json_to_item(v, false));
            }
            // after the last color table, so the palette stays together
            let last = colors
                .iter()
                .filter_map(|(_, i)| i.as_table().and_then(Table::position))
                .max();
            if let Some(p) = last {
                table.set_position(Some(p));
            }
            colors.insert(&name, Item::Table(table));
            out.changes
                .push(format!("colors.{name}: added ({})", rgb.hex()));
        }
    }
    if !skipped.is_empty() {
        out.notes.push(format!(
            "color tokens that alias another are not palette colors, skipped: {}",
            skipped.join(", ")
        ));
    }

    // fonts
    let mut roles: BTreeMap<String, Vec<&Token>> = BTreeMap::new();
    let mut other = Vec::new();
    for t in &file.tokens {
        if is_color(t) {
            continue;
        }
        if t.path.len() >= 3 && t.path[0] == "font" {
            roles.entry(t.path[1].clone()).or_default().push(t);
        } else if t.path.first().is_some_and(|p| p == "typography") {
            // derived from font.* by export
        } else {
            other.push(t.dotted());
        }
    }
    for (role, tokens) in &roles {
        merge_font(&mut doc, role, tokens, &mut out, &bad)?;
    }
    if !other.is_empty() {
        let shown: Vec<&str> = other.iter().take(12).map(String::as_str).collect();
        out.notes.push(format!(
            "{} the guide has no place for, skipped: {}{}",
            crate::i18n::count(other.len(), "token", "tokens"),
            shown.join(", "),
            if other.len() > shown.len() {
                ", …"
            } else {
                ""
            }
        ));
    }

    // the rest of the guide
    if let Some(guide) = file.ours.as_ref().and_then(|o| o.get("guide")) {
        let Value::Object(guide) = guide else {
            return Err(Error::file(
                tokens_path,
                "at /$extensions/com.brandpress/guide: the guide's tables are an object",
            ));
        };
        for (key, value) in guide {
            let pointer = format!("/$extensions/com.brandpress/guide/{key}");
            if key == "fonts" {
                return Err(Error::file(
                    tokens_path,
                    format!("at {pointer}: fonts travel as font.* tokens, not here"),
                ));
            }
            if key == "colors"
                && let Some(name) = value
                    .as_object()
                    .and_then(|m| m.iter().find(|(_, v)| v.is_object()).map(|(k, _)| k))
            {
                return Err(Error::file(
                    tokens_path,
                    format!(
                        "at {pointer}/{name}: palette colors travel as color.* tokens, not here"
                    ),
                ));
            }
            let root = doc.as_table_mut();
            match root.get_mut(key) {
                Some(item) if value.is_object() && item.is_table_like() => {
                    let tables = item.is_table();
                    let table = item.as_table_like_mut().expect("table-like");
                    merge_object(
                        table,
                        value.as_object().expect("object"),
                        key,
                        &mut out.changes,
                        tables,
                    )?;
                }
                _ => set_value(root, key, value, "", &mut out.changes, true)?,
            }
        }
    }

    out.text = doc.to_string();
    Ok(out)
}

fn is_color(t: &Token) -> bool {
    match t.kind.as_deref() {
        Some(k) => k == "color",
        // older files leave the type out: a hex string is a color
        None => t
            .value
            .as_str()
            .is_some_and(|s| s.starts_with('#') && s.parse::<Rgb>().is_ok()),
    }
}

/// The guide's name for a color token: its path below a top `color`/`colors` group,
/// lower case, `-` between groups and for anything but letters and digits.
fn color_name(path: &[String]) -> String {
    let rest = match path.first().map(String::as_str) {
        Some("color" | "colors") if path.len() > 1 => &path[1..],
        _ => path,
    };
    let joined = rest.join("-").to_lowercase();
    let mut name = String::new();
    for c in joined.chars() {
        let c = if c.is_ascii_alphanumeric() { c } else { '-' };
        if !(c == '-' && (name.is_empty() || name.ends_with('-'))) {
            name.push(c);
        }
    }
    name.trim_end_matches('-').to_string()
}

/// The table `key` of the document, created if missing.
fn table_at<'a>(doc: &'a mut DocumentMut, key: &str) -> &'a mut Table {
    let root = doc.as_table_mut();
    if !root.contains_key(key) {
        let mut t = Table::new();
        t.set_implicit(true);
        root.insert(key, Item::Table(t));
    }
    root[key].as_table_mut().expect("a table")
}

fn merge_font(
    doc: &mut DocumentMut,
    role: &str,
    tokens: &[&Token],
    out: &mut Outcome,
    bad: &impl Fn(&Token, String) -> Error,
) -> Result<()> {
    let mut families: BTreeMap<&str, (String, Option<Vec<String>>)> = BTreeMap::new();
    let mut stack = None;
    let mut weight = None;
    let mut size: BTreeMap<&str, f32> = BTreeMap::new();
    for t in tokens {
        let field: Vec<&str> = t.path[2..].iter().map(String::as_str).collect();
        match field.as_slice() {
            [script @ ("latin" | "thai")] => {
                let names = dtcg::parse_families(&t.value).map_err(|m| bad(t, m))?;
                let files = t
                    .ours
                    .as_ref()
                    .and_then(|o| o.get("files"))
                    .map(|f| {
                        dtcg::parse_families(f)
                            .map_err(|_| bad(t, "files is a list of font file names".into()))
                    })
                    .transpose()?;
                families.insert(script, (names[0].clone(), files));
            }
            ["stack"] => stack = Some(dtcg::parse_families(&t.value).map_err(|m| bad(t, m))?),
            ["weight"] => weight = Some(dtcg::parse_weight(&t.value).map_err(|m| bad(t, m))?),
            ["size", bound @ ("min" | "max")] => {
                size.insert(bound, dtcg::parse_px(&t.value).map_err(|m| bad(t, m))?);
            }
            _ => out.notes.push(format!(
                "token {} is not a font setting, skipped",
                t.dotted()
            )),
        }
    }
    let fonts = table_at(doc, "fonts");
    if !fonts.contains_key(role) {
        for script in ["latin", "thai"] {
            if !families.get(script).is_some_and(|(_, f)| f.is_some()) {
                let t = tokens[0];
                return Err(bad(
                    t,
                    format!(
                        "new font role {role:?} needs font.{role}.{script} with its files ($extensions.\"com.brandpress\".files)"
                    ),
                ));
            }
        }
        let mut t = Table::new();
        t.set_position(
            fonts
                .iter()
                .filter_map(|(_, i)| i.as_table().and_then(Table::position))
                .max(),
        );
        fonts.insert(role, Item::Table(t));
        out.changes.push(format!("fonts.{role}: added"));
    }
    let table = fonts[role].as_table_like_mut().ok_or_else(|| {
        bad(
            tokens[0],
            format!("fonts.{role} in the guide is not a table"),
        )
    })?;
    let at = format!("fonts.{role}");
    for (script, (family, files)) in &families {
        let mut fam = Map::new();
        fam.insert("family".into(), family.clone().into());
        if let Some(files) = files {
            fam.insert("files".into(), files.clone().into());
        }
        match table.get_mut(script) {
            Some(item) if item.is_table_like() => merge_object(
                item.as_table_like_mut().expect("table-like"),
                &fam,
                &format!("{at}.{script}"),
                &mut out.changes,
                false,
            )?,
            _ => set_value(
                table,
                script,
                &Value::Object(fam),
                &at,
                &mut out.changes,
                false,
            )?,
        }
    }
    if let Some(stack) = stack {
        let brand: Vec<String> = ["latin", "thai"]
            .iter()
            .filter_map(|s| {
                families.get(s).map(|f| f.0.clone()).or_else(|| {
                    table
                        .get(s)
                        .and_then(|i| i.get("family"))
                        .and_then(|f| f.as_str())
                        .map(str::to_string)
                })
            })
            .collect();
        let fallbacks: Vec<Value> = stack
            .into_iter()
            .filter(|f| !brand.contains(f))
            .map(Value::from)
            .collect();
        let current = table
            .get("fallbacks")
            .map(item_to_json)
            .unwrap_or(Value::Array(vec![]));
        if current != Value::Array(fallbacks.clone()) {
            set_value(
                table,
                "fallbacks",
                &Value::Array(fallbacks),
                &at,
                &mut out.changes,
                false,
            )?;
        }
    }
    if let Some(w) = weight {
        let current = table.get("weight").map(item_to_json);
        // 400 is the default: an unset weight stays unset
        if current.as_ref().and_then(Value::as_u64) != Some(u64::from(w))
            && !(current.is_none() && w == 400)
        {
            set_value(
                table,
                "weight",
                &Value::from(w),
                &at,
                &mut out.changes,
                false,
            )?;
        }
    }
    if !size.is_empty() {
        let mut s = Map::new();
        for (k, v) in &size {
            s.insert((*k).into(), number(*v));
        }
        match table.get_mut("size") {
            Some(item) if item.is_table_like() => merge_object(
                item.as_table_like_mut().expect("table-like"),
                &s,
                &format!("{at}.size"),
                &mut out.changes,
                false,
            )?,
            _ => set_value(
                table,
                "size",
                &Value::Object(s),
                &at,
                &mut out.changes,
                false,
            )?,
        }
    }
    Ok(())
}

fn number(v: f32) -> Value {
    if v.fract() == 0.0 {
        Value::from(v as i64)
    } else {
        format!("{v}")
            .parse::<f64>()
            .map(Value::from)
            .unwrap_or(Value::Null)
    }
}

/// Merges a JSON object into a TOML table, value by value.
fn merge_object(
    table: &mut dyn TableLike,
    obj: &Map<String, Value>,
    at: &str,
    changes: &mut Vec<String>,
    tables: bool,
) -> Result<()> {
    for (key, value) in obj {
        match table.get_mut(key) {
            Some(item) if value.is_object() && item.is_table_like() => {
                let inner_tables = item.is_table();
                let inner = item.as_table_like_mut().expect("table-like");
                merge_object(
                    inner,
                    value.as_object().expect("object"),
                    &join(at, key),
                    changes,
                    inner_tables,
                )?;
            }
            _ => set_value(table, key, value, at, changes, tables)?,
        }
    }
    Ok(())
}

fn join(at: &str, key: &str) -> String {
    if at.is_empty() {
        key.to_string()
    } else {
        format!("{at}.{key}")
    }
}

/// Sets `key` to `value` unless it already means that; a replaced value keeps its
/// comments and spacing.
fn set_value(
    table: &mut dyn TableLike,
    key: &str,
    value: &Value,
    at: &str,
    changes: &mut Vec<String>,
    tables: bool,
) -> Result<()> {
    if value.is_null() {
        return Err(Error::usage(format!(
            "{}: null has no TOML form",
            join(at, key)
        )));
    }
    match table.get_mut(key) {
        Some(old) => {
            let before = item_to_json(old);
            if same(&before, value) {
                return Ok(());
            }
            let mut new = match old {
                Item::ArrayOfTables(_) => {
                    json_to_aot(value).unwrap_or_else(|| json_to_item(value, true))
                }
                Item::Table(_) => json_to_item(value, false),
                _ => json_to_item(value, true),
            };
            if let (Some(o), Some(n)) = (old.as_value(), new.as_value_mut()) {
                *n.decor_mut() = o.decor().clone();
            }
            *old = new;
            changes.push(format!(
                "{}: {} → {}",
                join(at, key),
                short(&before),
                short(value)
            ));
        }
        None => {
            table.insert(key, json_to_item(value, !tables));
            changes.push(format!("{}: added {}", join(at, key), short(value)));
        }
    }
    Ok(())
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 80 {
        format!("{}…", s.chars().take(79).collect::<String>())
    } else {
        s
    }
}

/// Equal in meaning: numbers by value (28 = 28.0), the rest structurally.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

fn item_to_json(item: &Item) -> Value {
    match item {
        Item::None => Value::Null,
        Item::Value(v) => value_to_json(v),
        Item::Table(t) => Value::Object(
            t.iter()
                .map(|(k, i)| (k.to_string(), item_to_json(i)))
                .collect(),
        ),
        Item::ArrayOfTables(a) => Value::Array(
            a.iter()
                .map(|t| {
                    Value::Object(
                        t.iter()
                            .map(|(k, i)| (k.to_string(), item_to_json(i)))
                            .collect(),
                    )
                })
                .collect(),
        ),
    }
}

fn value_to_json(v: &toml_edit::Value) -> Value {
    use toml_edit::Value as V;
    match v {
        V::String(s) => Value::from(s.value().as_str()),
        V::Integer(i) => Value::from(*i.value()),
        V::Float(f) => Value::from(*f.value()),
        V::Boolean(b) => Value::from(*b.value()),
        V::Datetime(d) => Value::from(d.value().to_string()),
        V::Array(a) => Value::Array(a.iter().map(value_to_json).collect()),
        V::InlineTable(t) => Value::Object(
            t.iter()
                .map(|(k, v)| (k.to_string(), value_to_json(v)))
                .collect(),
        ),
    }
}

fn json_to_value(v: &Value) -> toml_edit::Value {
    match v {
        Value::Null => toml_edit::Value::from(""),
        Value::Bool(b) => toml_edit::Value::from(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => toml_edit::Value::from(i),
            None => toml_edit::Value::from(n.as_f64().unwrap_or(0.0)),
        },
        Value::String(s) => toml_edit::Value::from(s.as_str()),
        Value::Array(a) => {
            let mut arr = Array::new();
            for x in a {
                arr.push(json_to_value(x));
            }
            toml_edit::Value::Array(arr)
        }
        Value::Object(m) => {
            let mut t = InlineTable::new();
            for (k, x) in m {
                t.insert(k, json_to_value(x));
            }
            toml_edit::Value::InlineTable(t)
        }
    }
}

/// A JSON value as a TOML item: objects become `[tables]` unless `inline`.
fn json_to_item(v: &Value, inline: bool) -> Item {
    match v {
        Value::Object(m) if !inline => {
            let mut t = Table::new();
            for (k, x) in m {
                t.insert(k, json_to_item(x, false));
            }
            Item::Table(t)
        }
        Value::Object(_) => Item::Value(json_to_value(v)),
        _ => Item::Value(json_to_value(v)),
    }
}

fn json_to_aot(v: &Value) -> Option<Item> {
    let mut aot = ArrayOfTables::new();
    for x in v.as_array()? {
        let Item::Table(t) = json_to_item(x, false) else {
            return None;
        };
        aot.push(t);
    }
    Some(Item::ArrayOfTables(aot))
}

#[cfg(test)]
mod tests {
    use super::color_name;

    #[test]
    fn color_names_come_from_token_paths() {
        for (path, name) in [
            ("color.forest", "forest"),
            ("color.base.gray.light", "base-gray-light"),
            ("colors.orange.100", "orange-100"),
            ("brand.Primary Blue", "brand-primary-blue"),
            ("color.ต้นกล้า.green", "green"),
            ("color", "color"),
        ] {
            let path: Vec<String> = path.split('.').map(str::to_string).collect();
            assert_eq!(color_name(&path), name, "{path:?}");
        }
    }
}
