//! Inline ignores: `<!-- brandpress-ignore rule/id: reason -->` (HTML and Markdown) or
//! `/* brandpress-ignore rule/id: reason */` (CSS) suppresses the named rules on the next
//! element (HTML) or line (Markdown, CSS); `brandpress-ignore-file` on the whole file.
//! The reason is required: an ignore without one is not applied and is itself a finding.

use std::path::Path;

use crate::lint::rules;
use crate::lint::{Finding, Location};

/// A parsed directive.
#[derive(Debug, Clone, PartialEq)]
pub struct Directive {
    pub whole_file: bool,
    pub rules: Vec<String>,
    pub reason: String,
}

/// Parses the text of a comment; `None` if it is not a brandpress directive.
pub fn parse(comment: &str) -> Option<Directive> {
    let t = comment.trim();
    let (whole_file, rest) = if let Some(r) = t.strip_prefix("brandpress-ignore-file") {
        (true, r)
    } else {
        (false, t.strip_prefix("brandpress-ignore")?)
    };
    if !(rest.is_empty() || rest.starts_with(char::is_whitespace)) {
        return None;
    }
    let (ids, reason) = match rest.find(':') {
        Some(k) => (&rest[..k], rest[k + 1..].trim()),
        None => (rest, ""),
    };
    Some(Directive {
        whole_file,
        rules: ids
            .split([',', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        reason: reason.to_string(),
    })
}

/// An ignore in force over a range of lines of one file.
#[derive(Debug, Clone)]
pub struct Ignore {
    pub rules: Vec<String>,
    /// Inclusive 1-based line range; `None` for the whole file.
    pub lines: Option<(usize, usize)>,
}

/// Turns a directive at `location` into an ignore (over `lines`), or into findings when
/// it has no reason or names unknown rules.
pub fn admit(
    d: Directive,
    location: Location,
    lines: Option<(usize, usize)>,
    out_ignores: &mut Vec<Ignore>,
    out_findings: &mut Vec<Finding>,
) {
    for id in &d.rules {
        if rules::info(id).is_none() {
            out_findings.push(
                Finding::new(
                    &crate::lint::rules::LINT_IGNORE_UNKNOWN_RULE,
                    location.clone(),
                    format!("brandpress-ignore names {id:?}, which is not a brandpress rule"),
                )
                .found(id.clone()),
            );
        }
    }
    if d.reason.is_empty() || d.rules.is_empty() {
        out_findings.push(
            Finding::new(&crate::lint::rules::LINT_IGNORE_WITHOUT_REASON, location,
                "brandpress-ignore needs rule ids and a reason (`brandpress-ignore rule/id: why`); it is not applied",
            )
            .expected("brandpress-ignore rule/id: reason")
            .found(format!(
                "brandpress-ignore{} {}",
                if d.whole_file { "-file" } else { "" },
                d.rules.join(", ")
            )),
        );
        return;
    }
    out_ignores.push(Ignore {
        rules: d.rules,
        lines: if d.whole_file { None } else { lines },
    });
}

/// Drops findings on `path` that an ignore covers.
pub fn apply(findings: &mut Vec<Finding>, path: &Path, ignores: &[Ignore]) {
    if ignores.is_empty() {
        return;
    }
    findings.retain(|f| {
        if f.location.path != path || f.rule.starts_with("lint/") {
            return true;
        }
        !ignores.iter().any(|ig| {
            ig.rules.iter().any(|r| r == f.rule)
                && match (ig.lines, f.location.line) {
                    (None, _) => true,
                    (Some((a, b)), Some(l)) => a <= l && l <= b,
                    (Some(_), None) => false,
                }
        })
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives() {
        let d =
            parse(" brandpress-ignore color/off-palette, font/off-brand: partner's logo colors ")
                .unwrap();
        assert!(!d.whole_file);
        assert_eq!(d.rules, ["color/off-palette", "font/off-brand"]);
        assert_eq!(d.reason, "partner's logo colors");
        let f = parse("brandpress-ignore-file tone/banned-term: quoting a competitor").unwrap();
        assert!(f.whole_file);
        assert_eq!(
            parse("brandpress-ignore color/off-palette").unwrap().reason,
            ""
        );
        assert!(parse("brandpress-ignored x").is_none());
        assert!(parse("just a comment").is_none());
    }

    #[test]
    fn ignores_need_reasons() {
        let (mut ig, mut f) = (Vec::new(), Vec::new());
        let at = Location::at("p.html", 3, 1);
        admit(
            parse("brandpress-ignore color/off-palette").unwrap(),
            at.clone(),
            Some((4, 4)),
            &mut ig,
            &mut f,
        );
        assert!(ig.is_empty());
        assert_eq!(f[0].rule, "lint/ignore-without-reason");
        admit(
            parse("brandpress-ignore color/off-palette: partner").unwrap(),
            at,
            Some((4, 6)),
            &mut ig,
            &mut f,
        );
        let mut findings = vec![
            Finding::new(
                &crate::lint::rules::COLOR_OFF_PALETTE,
                Location::at("p.html", 5, 2),
                "x",
            ),
            Finding::new(
                &crate::lint::rules::COLOR_OFF_PALETTE,
                Location::at("p.html", 7, 2),
                "x",
            ),
            Finding::new(
                &crate::lint::rules::FONT_OFF_BRAND,
                Location::at("p.html", 5, 2),
                "x",
            ),
        ];
        apply(&mut findings, Path::new("p.html"), &ig);
        let left: Vec<_> = findings.iter().map(|f| (f.rule, f.location.line)).collect();
        assert_eq!(
            left,
            [("color/off-palette", Some(7)), ("font/off-brand", Some(5))]
        );
    }
}
