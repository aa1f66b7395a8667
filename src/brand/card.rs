//! The card layout of `[channels.social.layout]`, resolved against the palette: every
//! color name must be a palette color (a `file:line:col` error otherwise), text must be
//! readable on what it sits on, and the logo may only sit on a color the guide allows.
//! The card sizes of `[channels.social] presets` are checked here too: each card is a
//! pixmap of that size, so it must have pixels and stay within the shared pixel limits
//! ([`crate::limits`]), and its name becomes part of a file name.

use toml::Spanned;

use crate::brand::color::{AA_LARGE, AA_NORMAL};
use crate::brand::{Guide, Rgb};
use crate::error::{Error, Result};
use crate::limits;
use crate::paths::unsafe_name;

/// A palette color picked by the layout (or by role when the layout leaves it unset).
#[derive(Debug, Clone, PartialEq)]
pub struct Picked {
    pub name: String,
    pub rgb: Rgb,
    /// Where the guide sets it (`None` when it came from a role default).
    pub span: Option<std::ops::Range<usize>>,
}

/// The resolved card style: colors as values, fractions checked.
#[derive(Debug, Clone)]
pub struct CardStyle {
    /// One color (solid) or the gradient stops, top-left to bottom-right.
    pub background: Vec<Picked>,
    pub title: Picked,
    pub text: Picked,
    pub accent: Picked,
    pub accent_text: Picked,
    pub padding: f32,
    pub logo_size: f32,
    pub hero: f32,
}

impl CardStyle {
    /// Resolves and validates `[channels.social.layout]` of a guide.
    pub fn resolve(guide: &Guide) -> Result<CardStyle> {
        let layout = &guide.channels.social.layout;
        let mut errors: Vec<Error> = Vec::new();
        let src = &guide.source;
        let layout_span = src
            .text
            .find("[channels.social.layout]")
            .map(|i| i..i + "[channels.social.layout]".len())
            .unwrap_or(0..0);

        let mut pick = |set: &Option<Spanned<String>>, roles: &[&str]| -> Option<Picked> {
            match set {
                Some(name) => match guide.color(name.get_ref()) {
                    Some(def) => Some(Picked {
                        name: name.get_ref().clone(),
                        rgb: def.hex,
                        span: Some(name.span()),
                    }),
                    None => {
                        errors.push(
                            src.error(
                                name.span(),
                                format!(
                                    "unknown color {:?} in [channels.social.layout]",
                                    name.get_ref()
                                ),
                                "not a [colors.<name>] table",
                            )
                            .into(),
                        );
                        None
                    }
                },
                None => roles
                    .iter()
                    .find_map(|r| guide.role(r))
                    .map(|(n, def)| Picked {
                        name: n.to_string(),
                        rgb: def.hex,
                        span: None,
                    }),
            }
        };
        let background = match (&layout.gradient, &layout.background) {
            (Some(g), _) => g
                .get_ref()
                .iter()
                .filter_map(|name| pick(&Some(name.clone()), &[]))
                .collect(),
            (None, bg) => pick(bg, &["primary"]).into_iter().collect::<Vec<_>>(),
        };
        let title = pick(&layout.title_color, &["background"]);
        let text = match &layout.text_color {
            Some(_) => pick(&layout.text_color, &[]),
            None => title.clone(),
        };
        let accent = pick(&layout.accent, &["accent", "secondary", "primary"]);
        let accent_text = pick(&layout.accent_text, &["text"]);

        if let Some(g) = &layout.gradient {
            if layout.background.is_some() {
                errors.push(
                    src.error(
                        g.span(),
                        "set either background or gradient, not both",
                        "gradient here",
                    )
                    .into(),
                );
            }
            if g.get_ref().len() < 2 {
                errors.push(
                    src.error(g.span(), "a gradient needs at least two colors", "here")
                        .into(),
                );
            }
        }
        check_presets(guide, &mut errors);
        let mut range = |value: f32, key: &str, lo: f32, hi: f32| {
            if !(value >= lo && value <= hi) {
                errors.push(
                    src.error(
                        layout_span.clone(),
                        format!(
                            "[channels.social.layout] {key} = {value} must be between {lo} and {hi}"
                        ),
                        "in this table",
                    )
                    .into(),
                );
            }
        };
        range(layout.padding, "padding", 0.0, 0.25);
        range(layout.logo_size, "logo_size", 0.02, 0.5);
        range(layout.hero, "hero", 0.1, 0.7);

        let (Some(title), Some(text), Some(accent), Some(accent_text)) =
            (title, text, accent, accent_text)
        else {
            let missing = Error::file(
                &src.path,
                "[channels.social.layout]: the palette has no color for a card role; set the colors explicitly",
            );
            return Err(Error::collect(errors).err().unwrap_or(missing));
        };
        if background.is_empty() {
            Error::collect(errors)?;
            return Err(Error::file(
                &src.path,
                "[channels.social.layout]: no background color",
            ));
        }

        // Readability: large text on the background, small text and the pill label at AA.
        let mut contrast = |fg: &Picked, bg: &Picked, min: f32, what: &str| {
            let ratio = fg.rgb.contrast(bg.rgb);
            if ratio < min {
                let span = fg
                    .span
                    .clone()
                    .or(bg.span.clone())
                    .unwrap_or(layout_span.clone());
                errors.push(
                    src.error(
                        span,
                        format!(
                            "card {what}: {} on {} has contrast {ratio:.2}:1, below {min}:1",
                            fg.name, bg.name
                        ),
                        "unreadable on the card",
                    )
                    .into(),
                );
            }
        };
        for bg in &background {
            contrast(&title, bg, AA_LARGE, "title");
            contrast(&text, bg, AA_NORMAL, "text");
        }
        contrast(&accent_text, &accent, AA_NORMAL, "call to action");

        // The logo may land anywhere on the background.
        let allowed = &guide.logo.backgrounds;
        if !allowed.is_empty() {
            for bg in &background {
                if !allowed.iter().any(|a| a.get_ref() == &bg.name) {
                    let span = bg.span.clone().unwrap_or(layout_span.clone());
                    errors.push(
                        src.error(
                            span,
                            format!(
                                "the card logo would sit on {}, which [logo] backgrounds does not allow ({})",
                                bg.name,
                                allowed
                                    .iter()
                                    .map(|a| a.get_ref().as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                            "logo background",
                        )
                        .into(),
                    );
                }
            }
        }
        Error::collect(errors)?;
        Ok(CardStyle {
            background,
            title,
            text,
            accent,
            accent_text,
            padding: layout.padding,
            logo_size: layout.logo_size,
            hero: layout.hero,
        })
    }
}

/// Every card preset: a safe, unique name, and a size with pixels within the limits.
fn check_presets(guide: &Guide, errors: &mut Vec<Error>) {
    let src = &guide.source;
    let presets_at = src.text.find("presets").unwrap_or(0);
    let span_of = |name: &str| {
        let quoted = format!("{name:?}");
        src.text[presets_at..]
            .find(&quoted)
            .map(|i| presets_at + i..presets_at + i + quoted.len())
            .unwrap_or(presets_at..presets_at + "presets".len().min(src.text.len()))
    };
    let mut seen = std::collections::BTreeSet::new();
    for preset in &guide.channels.social.presets {
        let mut problem = |message: String| {
            errors.push(
                src.error(span_of(&preset.name), message, "this card preset")
                    .into(),
            );
        };
        if let Some(why) = unsafe_name(&preset.name) {
            problem(format!(
                "card preset name {:?} becomes part of a file name, but {why}",
                preset.name
            ));
        } else if !seen.insert(preset.name.as_str()) {
            problem(format!(
                "two card presets are named {:?}; their cards would overwrite each other",
                preset.name
            ));
        }
        if let Err(e) = limits::check_pixels(u64::from(preset.width), u64::from(preset.height)) {
            problem(format!("card preset {:?} {e}", preset.name));
        }
    }
}
