//! The JSON Schema of `brand/brand.toml` (`brandpress brand schema`), derived by schemars
//! from the serde model in [`super::model`], so it cannot drift from what the loader
//! accepts. Editors read it through Taplo's `#:schema` directive (Even Better TOML) for
//! completion and hover docs; the doc comments of the model are its descriptions.
//!
//! The few types whose serde form is hand-written get their schema written here, next to
//! nothing else: `[colors]` (settings plus one table per color), a hex color, a channel.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, generate::SchemaSettings, json_schema};

use super::color::Rgb;
use super::model::{ColorDef, ColorPair, Colors, GuideFile};
use crate::channel::Channel;

/// Where the published schema says it lives (its `$id`); `brandpress brand schema` prints
/// the same text, which a project can keep beside its guide.
pub const SCHEMA_ID: &str = "https://brandpress.dev/schemas/brand.schema.json";

/// The JSON Schema (draft 2020-12) of `brand/brand.toml`, as pretty JSON text.
pub fn guide_schema_json() -> String {
    let mut text = serde_json::to_string_pretty(&guide_schema()).expect("a schema serializes");
    text.push('\n');
    text
}

/// The JSON Schema (draft 2020-12) of `brand/brand.toml`.
pub fn guide_schema() -> serde_json::Value {
    let generator = SchemaSettings::draft2020_12()
        .for_deserialize()
        .into_generator();
    let mut schema = generator.into_root_schema_for::<GuideFile>();
    schema.insert("$id".into(), SCHEMA_ID.into());
    schema.insert(
        "title".into(),
        "brandpress brand guide (brand/brand.toml)".into(),
    );
    schema.insert(
        "description".into(),
        "The brand guide every brandpress channel is built from and every output is linted against. Unknown keys are errors.".into(),
    );
    schema.to_value()
}

impl JsonSchema for Rgb {
    fn schema_name() -> Cow<'static, str> {
        "HexColor".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^#([0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})$",
            "description": "An sRGB color as #RGB or #RRGGBB.",
            "examples": ["#1F5C4A"]
        })
    }
}

impl JsonSchema for Channel {
    fn schema_name() -> Cow<'static, str> {
        "Channel".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let names: Vec<&str> = Channel::ALL.iter().map(|c| c.name()).collect();
        json_schema!({
            "type": "string",
            "enum": names,
            "description": "A publishing channel."
        })
    }
}

impl JsonSchema for Colors {
    fn schema_name() -> Cow<'static, str> {
        "Colors".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let color = generator.subschema_for::<ColorDef>();
        let pair = generator.subschema_for::<ColorPair>();
        json_schema!({
            "type": "object",
            "description": "[colors]: the ΔE settings, the text/background pairs, and one [colors.<name>] table per brand color, in the order the guide declares them.",
            "properties": {
                "tolerance": {
                    "type": "number",
                    "minimum": 0,
                    "default": 1.0,
                    "description": "CIEDE2000 ΔE within which a color is the brand color."
                },
                "near_miss": {
                    "type": "number",
                    "minimum": 0,
                    "default": 5.0,
                    "description": "ΔE up to which a color is a near miss (warning); beyond it is off-palette (error)."
                },
                "pairs": {
                    "type": "array",
                    "items": pair,
                    "description": "Text/background pairs the brand uses; each must reach WCAG AA unless it carries an exception."
                }
            },
            "additionalProperties": color
        })
    }
}
