//! Ways to reach the brand: links (compared without their UTM parameters), Thai phone
//! numbers and LINE IDs.

use std::ops::Range;

use super::digit;

/// Characters that end a link in running text.
fn ends_url(c: char) -> bool {
    c.is_whitespace()
        || matches!(c, '"' | '\'' | '<' | '>' | '`' | '“' | '”' | '|')
        || !c.is_ascii()
}

/// Every `http(s)://` link in `text` with its byte range, normalized: no `utm_*`
/// parameters, no fragment, host in lower case, default port and empty query dropped.
pub fn urls(text: &str) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(k) = lower[from..].find("http") {
        let start = from + k;
        let rest = &lower[start..];
        let scheme = if rest.starts_with("https://") {
            8
        } else if rest.starts_with("http://") {
            7
        } else {
            from = start + 4;
            continue;
        };
        let mut end = text[start..]
            .char_indices()
            .find(|(_, c)| ends_url(*c))
            .map_or(text.len(), |(k, _)| start + k);
        // trailing punctuation belongs to the sentence; a ")" only when unbalanced
        let opens = text[start..end].matches('(').count();
        let mut closes = text[start..end].matches(')').count();
        while end > start + scheme {
            let last = text[..end].chars().next_back().unwrap_or(' ');
            if last == ')' && opens < closes {
                closes -= 1;
                end -= 1;
            } else if matches!(last, '.' | ',' | ';' | ':' | '!' | '?') {
                end -= 1;
            } else {
                break;
            }
        }
        if let Some(url) = normalize_url(&text[start..end]) {
            out.push((start..end, url));
        }
        from = end.max(start + scheme);
    }
    out
}

/// A link without what does not change where it leads for comparison: `utm_*`
/// parameters, the fragment, a trailing `?`.
pub fn normalize_url(s: &str) -> Option<String> {
    let mut url = url::Url::parse(s).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return None;
    }
    url.set_fragment(None);
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !k.to_ascii_lowercase().starts_with("utm_"))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    Some(url.to_string())
}

/// A link as the campaign checks compare it: [`normalize_url`]'s form (scheme and host in
/// lower case, no `utm_*` parameters, no fragment) without a trailing slash on its path
/// (`https://tonkla.example/order/` and `…/order` are one page). `None` when it is not an
/// `http(s)` link.
pub fn comparable_url(s: &str) -> Option<String> {
    let normal = normalize_url(s.trim())?;
    let mut url = url::Url::parse(&normal).ok()?;
    let path = url.path().to_string();
    if path.len() > 1 && path.ends_with('/') {
        url.set_path(path.trim_end_matches('/'));
    }
    let mut out = url.to_string();
    // the root's "/" is not written by every channel either
    if url.path() == "/" && url.query().is_none() && out.ends_with('/') {
        out.pop();
    }
    Some(out)
}

/// Every Thai phone number in `text`, as E.164 (`+6621234567`): a number starting with
/// `0` or `+66`, its digits grouped by spaces, dashes or dots; 9 digits for a landline
/// (`02-123-4567`), 10 for a mobile (`081 234 5678`).
pub fn phones(text: &str) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut k = 0;
    while k < chars.len() {
        let (at, c) = chars[k];
        let plus = c == '+';
        // a number starts with + or 0: test that first (cheap), the word start after
        if !(plus || digit(c) == Some(0)) {
            k += 1;
            continue;
        }
        let prev = k.checked_sub(1).map(|p| chars[p].1);
        let word_start =
            !prev.is_some_and(|p| digit(p).is_some() || p.is_alphanumeric() || p == '+');
        if !word_start {
            k += 1;
            continue;
        }
        // read digits and single separators
        let mut digits = String::new();
        let mut j = if plus { k + 1 } else { k };
        let mut end = at;
        let mut in_paren = prev == Some('(');
        while j < chars.len() && digits.len() < 13 {
            let (pos, ch) = chars[j];
            if let Some(d) = digit(ch) {
                digits.push(char::from_digit(d, 10).unwrap_or('0'));
                end = pos + ch.len_utf8();
                j += 1;
            } else if matches!(ch, ' ' | '-' | '.' | '\u{a0}')
                && chars
                    .get(j + 1)
                    .is_some_and(|(_, n)| digit(*n).is_some() || *n == '(')
                && !digits.is_empty()
            {
                j += 1;
            } else if ch == '(' && !in_paren {
                in_paren = true;
                j += 1;
            } else if ch == ')' && in_paren {
                in_paren = false;
                j += 1;
            } else {
                break;
            }
        }
        // not glued to more digits or letters
        let glued = chars
            .get(j)
            .is_some_and(|(_, n)| digit(*n).is_some() || n.is_ascii_alphabetic());
        let national = if plus {
            digits
                .strip_prefix("66")
                .map(|d| d.trim_start_matches('0').to_string())
        } else {
            digits.strip_prefix('0').map(str::to_string)
        };
        // mobiles 06, 08, 09 and 10 digits; landlines 02–05, 07 and 9 digits
        let valid = national.as_ref().is_some_and(|n| match n.chars().next() {
            Some('6' | '8' | '9') => n.len() == 9,
            Some('2'..='5' | '7') => n.len() == 8,
            _ => false,
        });
        if valid && !glued {
            out.push((at..end, format!("+66{}", national.unwrap_or_default())));
            k = j;
        } else {
            k += 1;
        }
    }
    out
}

/// Every LINE ID (`@tonkla`) in `text`, in lower case: an `@` that does not continue a
/// word (not an email address), then 2 to 20 letters, digits, `.`, `_` or `-`.
pub fn line_ids(text: &str) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices('@') {
        let prev = text[..at].chars().next_back();
        if prev.is_some_and(|p| p.is_alphanumeric() || matches!(p, '.' | '_' | '-' | '/' | ':')) {
            continue;
        }
        let rest = &text[at + 1..];
        let len = rest
            .bytes()
            .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-')))
            .unwrap_or(rest.len());
        let id = rest[..len].trim_end_matches(['.', '-']);
        let followed_by_at = rest[len..].starts_with('@');
        if (2..=20).contains(&id.len())
            && id.bytes().any(|b| b.is_ascii_alphabetic())
            && !followed_by_at
        {
            out.push((
                at..at + 1 + id.len(),
                format!("@{}", id.to_ascii_lowercase()),
            ));
        }
    }
    out
}
