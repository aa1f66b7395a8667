//! Tone rules on visible text: `tone/banned-term`, `tone/preferred-term`,
//! `tone/brand-spelling`, `tone/sentence-length`, `tone/exclamation`.
//! (Interface fixed here; the rules land with the tone work.)

use std::ops::Range;

use crate::brand::Guide;
use crate::lint::Severity;

/// One tone problem in a text, as a byte range of that text; each linter maps the range
/// to its own location (line/column, page…).
#[derive(Debug, Clone, PartialEq)]
pub struct ToneHit {
    pub rule: &'static str,
    pub severity: Severity,
    pub range: Range<usize>,
    pub message: String,
    pub expected: Option<String>,
    pub found: Option<String>,
    pub fix: Option<String>,
}

/// Checks `text` against the guide's tone rules for `channel` (`None`: Markdown source).
pub fn check(guide: &Guide, channel: Option<&str>, text: &str) -> Vec<ToneHit> {
    let _ = (guide, channel, text);
    Vec::new()
}
