//! Characters no brand font has, reported by the renderers that set text themselves
//! (cards, print) as the `font/missing-glyph` rule at build time.
//!
//! The engine leaves such characters out of a [`super::Layout`] (see
//! [`super::Layout::missing`]): an empty `.notdef` box in a printed flyer is worse than a
//! gap, and the warning says exactly what was left out, so the author can reword or the
//! brand can add a font. The rule's severity comes from the registry and `[lint.rules]`:
//! `off` silences it, `error` fails the build.

use std::collections::BTreeSet;
use std::path::Path;

use crate::brand::{Guide, RuleLevel};
use crate::error::{Error, Result};
use crate::registry as rules;
use crate::registry::Severity;

/// The rule id.
pub const RULE: &str = "font/missing-glyph";

/// `😀 (U+1F600), ☕ (U+2615)`.
pub fn describe(chars: &BTreeSet<char>) -> String {
    chars
        .iter()
        .map(|c| format!("{c} (U+{:04X})", u32::from(*c)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What to do about `chars` left out of `what` (e.g. "the social cards") of the piece at
/// `piece`: `Ok(None)` when there are none or the rule is off, `Ok(Some(warning))`, or an
/// error when the guide makes the rule an error.
pub fn report(
    guide: &Guide,
    piece: &Path,
    what: &str,
    chars: &BTreeSet<char>,
) -> Result<Option<String>> {
    if chars.is_empty() {
        return Ok(None);
    }
    let message = format!(
        "{}: {RULE}: no brand font has {}; they are left out of {what}",
        piece.display(),
        describe(chars)
    );
    let configured = guide
        .lint
        .rules
        .iter()
        .find(|(k, _)| k.get_ref() == RULE)
        .map(|(_, v)| *v);
    let severity = match configured {
        Some(RuleLevel::Off) => return Ok(None),
        Some(RuleLevel::Error) => Severity::Error,
        Some(RuleLevel::Warning) => Severity::Warning,
        Some(RuleLevel::Info) => Severity::Info,
        None => rules::info(RULE).map_or(Severity::Warning, |r| r.severity),
    };
    match severity {
        Severity::Error => Err(Error::usage(message)),
        Severity::Warning | Severity::Info => Ok(Some(message)),
    }
}
