//! Checks on untrusted text that more than one loader needs: control characters in TOML
//! values (they would reach email headers, `<title>` and plain-text parts raw), and the
//! spans of TOML values for errors that point at them.

/// The first string (or key) in a TOML table holding a control character other than
/// tab, with its span; walked with an explicit stack, however deep the table nests.
pub fn first_control_char(table: &toml::de::DeTable) -> Option<(std::ops::Range<usize>, char)> {
    use toml::de::DeValue;
    let bad = |s: &str| s.chars().find(|&c| c.is_control() && c != '\t');
    let mut stack: Vec<&toml::Spanned<DeValue>> = Vec::new();
    let mut found: Option<(std::ops::Range<usize>, char)> = None;
    let mut keep = |span: std::ops::Range<usize>, c: char| {
        if found.as_ref().is_none_or(|(s, _)| span.start < s.start) {
            found = Some((span, c));
        }
    };
    for (k, v) in table {
        if let Some(c) = bad(k.get_ref()) {
            keep(k.span(), c);
        }
        stack.push(v);
    }
    while let Some(v) = stack.pop() {
        match v.get_ref() {
            DeValue::String(s) => {
                if let Some(c) = bad(s) {
                    keep(v.span(), c);
                }
            }
            DeValue::Array(items) => stack.extend(items.iter()),
            DeValue::Table(t) => {
                for (k, v) in t {
                    if let Some(c) = bad(k.get_ref()) {
                        keep(k.span(), c);
                    }
                    stack.push(v);
                }
            }
            _ => {}
        }
    }
    found
}

/// The span of the value at `path` (`["cta", "url"]`) in a TOML table.
pub fn value_span(table: &toml::de::DeTable, path: &[&str]) -> Option<std::ops::Range<usize>> {
    let (first, rest) = path.split_first()?;
    let value = table
        .iter()
        .find(|(k, _)| k.get_ref().as_ref() == *first)
        .map(|(_, v)| v)?;
    match (rest.is_empty(), value.get_ref()) {
        (true, _) => Some(value.span()),
        (false, toml::de::DeValue::Table(t)) => value_span(t, rest),
        _ => None,
    }
}

/// `U+000D (carriage return)`, for error messages.
pub fn char_name(c: char) -> String {
    let name = match c {
        '\0' => " (NUL)",
        '\n' => " (line feed)",
        '\r' => " (carriage return)",
        '\u{1b}' => " (escape)",
        '\u{7}' => " (bell)",
        '\u{7f}' => " (delete)",
        _ => "",
    };
    format!("U+{:04X}{name}", c as u32)
}
