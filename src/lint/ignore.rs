//! Inline ignores: `<!-- brandpress-ignore rule/id: reason -->` (HTML and Markdown) or
//! `/* brandpress-ignore rule/id: reason */` (CSS) suppresses the named rules on the next
//! element (HTML) or line (Markdown, CSS); `brandpress-ignore-file` on the whole file.
//! The reason is required: an ignore without one is not applied and is itself a finding.
//!
//! An ignore is an exception someone answers for, so it may also say until when it holds
//! and who approved it, before the colon and in any order:
//! `<!-- brandpress-ignore color/off-palette until=2027-03-31 by=design@tonkla: partner logo -->`.
//! - `until=` is an ISO date (`YYYY-MM-DD`), the last day the ignore applies. From the day
//!   after (today's date in UTC, or `BRANDPRESS_TODAY`), the ignore is not applied and is
//!   itself a `lint/expired-ignore` error naming the date and the approver.
//! - `by=` names the approver (free text without spaces: an email, a handle, a team).
//!
//! A date that is not a real date, an empty `by=`, a key given twice or an unknown key is
//! `lint/ignore-malformed`, and that ignore is not applied either: a typo must never
//! silently widen (or drop) an exception.

use std::fmt;
use std::path::Path;

use crate::lint::rules;
use crate::lint::{Finding, Location};

/// A calendar day (proleptic Gregorian), as `until=` and `BRANDPRESS_TODAY` write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Parses an ISO 8601 calendar date, `YYYY-MM-DD` exactly, that exists (`2027-02-29`
    /// does not).
    pub fn parse(s: &str) -> Result<Date, String> {
        let b = s.as_bytes();
        let shape = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !shape {
            return Err(format!("{s:?} is not an ISO date (YYYY-MM-DD)"));
        }
        let num = |r: std::ops::Range<usize>| s[r].parse::<u16>().unwrap_or(0);
        let (year, month, day) = (num(0..4), num(5..7), num(8..10));
        if year == 0 || !(1..=12).contains(&month) {
            return Err(format!("{s:?} is not a date: no month {month}"));
        }
        let month = month as u8;
        if day == 0 || day > u16::from(days_in_month(year, month)) {
            return Err(format!(
                "{s:?} is not a date: {year}-{month:02} has {} days",
                days_in_month(year, month)
            ));
        }
        Ok(Date {
            year,
            month,
            day: day as u8,
        })
    }

    /// The date `days` days after 1970-01-01 (Howard Hinnant's `civil_from_days`).
    pub fn from_unix_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date {
            year: year.clamp(1, 9999) as u16,
            month,
            day,
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The variable that sets the day ignores are judged on (`BRANDPRESS_TODAY=2027-04-01`:
/// what expires by then), as `SOURCE_DATE_EPOCH` sets a build's time.
pub const TODAY_VAR: &str = "BRANDPRESS_TODAY";

/// `BRANDPRESS_TODAY` when it is set: `Some(Err(..))` when it is not a date. Lint checks
/// it once per run ([`crate::lint::lint_paths`]) so a typo is an error, not the clock.
pub fn today_override() -> Option<Result<Date, String>> {
    let v = std::env::var_os(TODAY_VAR)?;
    let v = v.to_string_lossy();
    Some(Date::parse(v.trim()).map_err(|e| format!("{TODAY_VAR}: {e}")))
}

/// Today: `BRANDPRESS_TODAY` if it is a valid date, else the system clock's date in UTC.
/// Read at each call, so a long-running editor server moves on at midnight.
pub fn today() -> Date {
    if let Some(Ok(d)) = today_override() {
        return d;
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Date::from_unix_days((secs / 86_400) as i64)
}

/// A parsed directive.
#[derive(Debug, Clone, PartialEq)]
pub struct Directive {
    pub whole_file: bool,
    pub rules: Vec<String>,
    pub reason: String,
    /// `until=`: the last day the ignore applies (`Err`: the text, not a date).
    pub until: Option<Result<Date, String>>,
    /// `by=`: who approved it.
    pub by: Option<String>,
    /// What is wrong with the keys (empty `by=`, unknown or repeated keys), one message each.
    pub problems: Vec<String>,
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
    let mut d = Directive {
        whole_file,
        rules: Vec::new(),
        reason: reason.to_string(),
        until: None,
        by: None,
        problems: Vec::new(),
    };
    for token in ids.split([',', ' ', '\t', '\n', '\r']).map(str::trim) {
        if token.is_empty() {
            continue;
        }
        let Some((key, value)) = token.split_once('=') else {
            d.rules.push(token.to_string());
            continue;
        };
        match key {
            "until" if d.until.is_none() => {
                d.until = Some(
                    Date::parse(value)
                        .map_err(|e| format!("until={value}: {e}; write it as until=2027-03-31")),
                )
            }
            "by" if d.by.is_none() => {
                if value.is_empty() {
                    d.problems
                        .push("by= names no one; write the approver, as by=design@tonkla".into());
                }
                d.by = Some(value.to_string());
            }
            "until" | "by" => d.problems.push(format!("{key}= is given twice")),
            _ => d.problems.push(format!(
                "unknown key {key:?}; brandpress-ignore takes until=YYYY-MM-DD and by=approver"
            )),
        }
    }
    Some(d)
}

/// An ignore in force over a range of lines of one file.
#[derive(Debug, Clone)]
pub struct Ignore {
    pub rules: Vec<String>,
    /// Inclusive 1-based line range; `None` for the whole file.
    pub lines: Option<(usize, usize)>,
}

/// What decides whether an ignore holds besides its own text: the day it is judged on
/// and whether the guide requires an approver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub today: Date,
    /// `[lint] ignores_need_approver`.
    pub need_approver: bool,
}

impl Policy {
    /// The guide's policy, judged on [`today`].
    pub fn of(guide: &crate::brand::Guide) -> Policy {
        Policy {
            today: today(),
            need_approver: guide.lint.ignores_need_approver,
        }
    }
}

/// Turns a directive at `location` into an ignore (over `lines`), or into findings when
/// it has no reason, names unknown rules, has malformed keys, lacks the approver the
/// guide requires or has expired (judged on [`today`]).
pub fn admit(
    ctx: &crate::lint::LintContext,
    d: Directive,
    location: Location,
    lines: Option<(usize, usize)>,
    out_ignores: &mut Vec<Ignore>,
    out_findings: &mut Vec<Finding>,
) {
    admit_with(
        &Policy::of(ctx.guide),
        d,
        location,
        lines,
        out_ignores,
        out_findings,
    )
}

/// [`admit`] under `policy`.
pub fn admit_with(
    policy: &Policy,
    d: Directive,
    location: Location,
    lines: Option<(usize, usize)>,
    out_ignores: &mut Vec<Ignore>,
    out_findings: &mut Vec<Finding>,
) {
    let today = policy.today;
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
    let shown = format!(
        "brandpress-ignore{} {}",
        if d.whole_file { "-file" } else { "" },
        d.rules.join(", ")
    );
    if d.reason.is_empty() || d.rules.is_empty() {
        out_findings.push(
            Finding::new(&crate::lint::rules::LINT_IGNORE_WITHOUT_REASON, location,
                "brandpress-ignore needs rule ids and a reason (`brandpress-ignore rule/id: why`); it is not applied",
            )
            .expected("brandpress-ignore rule/id: reason")
            .found(shown),
        );
        return;
    }
    let mut problems = d.problems;
    if let Some(Err(e)) = &d.until {
        problems.insert(0, e.clone());
    }
    if policy.need_approver && d.by.is_none() {
        problems.push(
            "the guide requires an approver ([lint] ignores_need_approver): add by=, as by=design@tonkla"
                .into(),
        );
    }
    if !problems.is_empty() {
        for problem in problems {
            out_findings.push(
                Finding::new(
                    &crate::lint::rules::LINT_IGNORE_MALFORMED,
                    location.clone(),
                    format!("{shown}: {problem}; it is not applied"),
                )
                .expected("brandpress-ignore rule/id until=YYYY-MM-DD by=approver: reason")
                .found(shown.clone()),
            );
        }
        return;
    }
    if let Some(Ok(until)) = d.until
        && until < today
    {
        let by = match &d.by {
            Some(by) => format!("approved by {by}"),
            None => "no approver named".to_string(),
        };
        out_findings.push(
            Finding::new(
                &crate::lint::rules::LINT_EXPIRED_IGNORE,
                location,
                format!(
                    "{shown} expired on {until} ({by}; reason: {}); it is no longer applied",
                    d.reason
                ),
            )
            .expected(format!("an until= date on or after today, {today}"))
            .found(format!("until={until}"))
            .fix("fix what it ignores and remove the comment, or renew the exception with a later until= and its approver's by="),
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
        let admit = |d, at, lines, ig: &mut Vec<Ignore>, f: &mut Vec<Finding>| {
            let policy = Policy {
                today: today(),
                need_approver: false,
            };
            admit_with(&policy, d, at, lines, ig, f)
        };
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

    /// `[lint] ignores_need_approver`, through every reader of ignores (Markdown, HTML
    /// comments, CSS comments in a page).
    #[test]
    fn the_guide_can_require_approvers() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut guide = crate::brand::Guide::load(root).unwrap();
        let files = [
            (
                "โปร.md",
                "<!-- brandpress-ignore tone/banned-term: คำของลูกค้า -->\nกาแฟ ถูกที่สุด\n",
                "tone/banned-term",
            ),
            (
                "p.html",
                "<!doctype html><html lang=th><body>\n<!-- brandpress-ignore tone/banned-term: คำของลูกค้า -->\n<p>กาแฟ ถูกที่สุด</p></body></html>",
                "tone/banned-term",
            ),
            (
                "q.html",
                "<!doctype html><html><head><style>\n/* brandpress-ignore color/off-palette: partner */\n.a { color: #E63946 }\n</style></head><body></body></html>",
                "color/off-palette",
            ),
        ];
        let rules = |guide: &crate::brand::Guide, name: &str, text: &str| {
            let ctx = crate::lint::LintContext::new(guide);
            let mut r: Vec<_> = crate::lint::lint_bytes(&ctx, Path::new(name), text.as_bytes())
                .iter()
                .map(|f| f.rule)
                .collect();
            r.sort();
            r
        };
        for (name, text, _) in files {
            assert_eq!(rules(&guide, name, text), Vec::<&str>::new(), "{name}");
        }
        guide.lint.ignores_need_approver = true;
        for (name, text, rule) in files {
            let mut want = vec!["lint/ignore-malformed", rule];
            want.sort();
            assert_eq!(rules(&guide, name, text), want, "{name}");
            let with_by = text.replace(": ", " by=design@tonkla: ");
            assert_eq!(rules(&guide, name, &with_by), Vec::<&str>::new(), "{name}");
        }
    }

    fn date(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn dates_are_real_iso_dates() {
        assert_eq!(
            date("2027-03-31"),
            Date {
                year: 2027,
                month: 3,
                day: 31
            }
        );
        assert_eq!(date("2028-02-29").to_string(), "2028-02-29");
        assert_eq!(date("2000-02-29").day, 29);
        for bad in [
            "2027-02-29",
            "1900-02-29",
            "2027-04-31",
            "2027-13-01",
            "2027-00-10",
            "2027-01-00",
            "0000-01-01",
            "27-03-31",
            "2027-3-31",
            "31/03/2027",
            "2027-03-31T00:00",
            "๒๐๒๗-๐๓-๓๑",
            "",
        ] {
            assert!(Date::parse(bad).is_err(), "{bad}");
        }
        // the clock's days since 1970, across leap days and centuries
        assert_eq!(Date::from_unix_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_unix_days(11_016).to_string(), "2000-02-29");
        assert_eq!(Date::from_unix_days(20_513).to_string(), "2026-03-01");
        assert_eq!(Date::from_unix_days(-1).to_string(), "1969-12-31");
        assert!(date("2027-03-31") < date("2027-04-01"));
        assert!(date("2026-12-31") < date("2027-01-01"));
    }

    #[test]
    fn until_and_by_in_any_order_before_the_colon() {
        let want = (
            Some(Ok(date("2027-03-31"))),
            Some("design@tonkla".to_string()),
        );
        for text in [
            "brandpress-ignore color/off-palette until=2027-03-31 by=design@tonkla: โลโก้ของพาร์ทเนอร์",
            "brandpress-ignore by=design@tonkla until=2027-03-31 color/off-palette: โลโก้ของพาร์ทเนอร์",
            " brandpress-ignore until=2027-03-31, color/off-palette, by=design@tonkla : โลโก้ของพาร์ทเนอร์ ",
        ] {
            let d = parse(text).unwrap();
            assert_eq!(d.rules, ["color/off-palette"], "{text}");
            assert_eq!((d.until.clone(), d.by.clone()), want, "{text}");
            assert_eq!(d.reason, "โลโก้ของพาร์ทเนอร์");
            assert!(d.problems.is_empty());
        }
        // a colon in the reason stays in the reason; the file form takes keys too
        let d =
            parse("brandpress-ignore-file tone/banned-term by=legal: quoting: “ถูกที่สุด”").unwrap();
        assert!(d.whole_file);
        assert_eq!(d.by.as_deref(), Some("legal"));
        assert_eq!(d.until, None);
        assert_eq!(d.reason, "quoting: “ถูกที่สุด”");
        // malformed keys are problems, never rules
        let d = parse("brandpress-ignore color/off-palette until=2027-02-30 by= owner=x by=y: r")
            .unwrap();
        assert_eq!(d.rules, ["color/off-palette"]);
        assert!(
            matches!(d.until, Some(Err(ref e)) if e.contains("has 28 days")),
            "{d:?}"
        );
        assert_eq!(d.problems.len(), 3, "{:?}", d.problems);
    }

    /// Admits `text` at p.html:3:1 for line 4 on `today`: the ignores and finding rules.
    fn admitted(text: &str, today: &str) -> (Vec<Ignore>, Vec<Finding>) {
        let (mut ig, mut f) = (Vec::new(), Vec::new());
        admit_with(
            &Policy {
                today: date(today),
                need_approver: false,
            },
            parse(text).unwrap(),
            Location::at("p.html", 3, 1),
            Some((4, 4)),
            &mut ig,
            &mut f,
        );
        (ig, f)
    }

    #[test]
    fn expired_ignores_are_findings_and_not_applied() {
        let text = "brandpress-ignore color/off-palette until=2027-03-31 by=design@tonkla: โลโก้ของพาร์ทเนอร์";
        // the last day still holds
        for today in ["2026-11-26", "2027-03-31"] {
            let (ig, f) = admitted(text, today);
            assert_eq!(ig.len(), 1, "{today}");
            assert!(f.is_empty(), "{today}: {f:?}");
        }
        let (ig, f) = admitted(text, "2027-04-01");
        assert!(ig.is_empty());
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule, "lint/expired-ignore");
        assert_eq!(f[0].severity, crate::lint::Severity::Error);
        assert_eq!(
            (f[0].location.line, f[0].location.column),
            (Some(3), Some(1))
        );
        assert!(
            f[0].message.contains("expired on 2027-03-31"),
            "{}",
            f[0].message
        );
        assert!(
            f[0].message.contains("approved by design@tonkla"),
            "{}",
            f[0].message
        );
        assert!(f[0].message.contains("โลโก้ของพาร์ทเนอร์"), "{}", f[0].message);
        assert_eq!(f[0].found.as_deref(), Some("until=2027-03-31"));
        // what it covered is reported again
        let mut findings = vec![Finding::new(
            &crate::lint::rules::COLOR_OFF_PALETTE,
            Location::at("p.html", 4, 9),
            "x",
        )];
        apply(&mut findings, Path::new("p.html"), &ig);
        assert_eq!(findings.len(), 1);
        // without an approver, the finding says so
        let (_, f) = admitted(
            "brandpress-ignore-file tone/banned-term until=2026-01-01: คำพูดของลูกค้า",
            "2026-01-02",
        );
        assert!(
            f[0].message.contains("no approver named"),
            "{}",
            f[0].message
        );
        // no until=: never expires
        let (ig, f) = admitted("brandpress-ignore color/off-palette by=x: r", "9999-12-31");
        assert_eq!((ig.len(), f.len()), (1, 0));
    }

    #[test]
    fn malformed_keys_are_findings_and_not_applied() {
        for (text, needle) in [
            (
                "brandpress-ignore color/off-palette until=31/03/2027: r",
                "not an ISO date",
            ),
            (
                "brandpress-ignore color/off-palette until=2027-02-29: ร้านค้า",
                "has 28 days",
            ),
            ("brandpress-ignore color/off-palette by=: r", "names no one"),
            (
                "brandpress-ignore color/off-palette owner=me: r",
                "unknown key \"owner\"",
            ),
            (
                "brandpress-ignore color/off-palette by=a by=b: r",
                "given twice",
            ),
        ] {
            let (ig, f) = admitted(text, "2026-11-26");
            assert!(ig.is_empty(), "{text}");
            let rules: Vec<_> = f.iter().map(|f| f.rule).collect();
            assert_eq!(rules, ["lint/ignore-malformed"], "{text}");
            assert!(f[0].message.contains(needle), "{text}: {}", f[0].message);
            assert_eq!(f[0].location.line, Some(3));
        }
        // a guide that requires approvers: an ignore without by= is not applied
        let need = Policy {
            today: date("2026-11-26"),
            need_approver: true,
        };
        for (text, applied) in [
            (
                "brandpress-ignore color/off-palette: โลโก้ของพาร์ทเนอร์",
                false,
            ),
            (
                "brandpress-ignore color/off-palette by=design@tonkla: โลโก้ของพาร์ทเนอร์",
                true,
            ),
        ] {
            let (mut ig, mut f) = (Vec::new(), Vec::new());
            let at = Location::at("p.md", 3, 1);
            admit_with(
                &need,
                parse(text).unwrap(),
                at,
                Some((4, 4)),
                &mut ig,
                &mut f,
            );
            assert_eq!(ig.len() == 1, applied, "{text}");
            let rules: Vec<_> = f.iter().map(|f| f.rule).collect();
            if applied {
                assert!(rules.is_empty(), "{text}: {rules:?}");
            } else {
                assert_eq!(rules, ["lint/ignore-malformed"], "{text}");
                assert!(
                    f[0].message.contains("ignores_need_approver"),
                    "{}",
                    f[0].message
                );
            }
        }
        // a missing reason is still its own finding, reported first
        let (ig, f) = admitted(
            "brandpress-ignore color/off-palette until=2027-03-31",
            "2026-11-26",
        );
        assert!(ig.is_empty());
        assert_eq!(f[0].rule, "lint/ignore-without-reason");
    }
}
