//! Email personalization: a piece's greeting (`"สวัสดีคุณ {name}"`, [`Greeting`]) written
//! with the sending platform's merge tags (`[channels.email] merge_tags`) and the
//! guide's fallback word for an empty first name (`greeting_fallback`), in the HTML part
//! and the plain-text part alike.
//!
//! The tags are the platforms' documented syntax for "the first name, else this word":
//! - Mailchimp, conditional merge tags on the default `FNAME` field:
//!   `*|IF:FNAME|**|FNAME|**|ELSE:|*ลูกค้า*|END:IF|*`
//! - Brevo template language, the default contact attribute with the `default` filter:
//!   `{{ contact.FIRSTNAME|default:'ลูกค้า' }}`
//! - SendGrid dynamic templates (Handlebars), a `first_name` in the dynamic template data:
//!   `{{#if first_name}}{{first_name}}{{else}}ลูกค้า{{/if}}`
//! - none: the fallback word itself.
//!
//! The greeting's text is HTML-escaped; the tag is written as it is (the fallback word is
//! validated to hold no quote, brace, pipe, star or markup character), so it reaches the
//! platform byte for byte through the template and CSS inlining.

use crate::brand::{Guide, MergeTags};
use crate::content::{Greeting, GreetingPart, Lang, Piece};
use crate::render::html;

/// The guide's fallback word for `lang`.
pub fn fallback(guide: &Guide, lang: Lang) -> &str {
    let f = &guide.channels.email.greeting_fallback;
    match lang {
        Lang::Th => f.th.get_ref(),
        _ => f.en.get_ref(),
    }
}

/// The recipient's first name in `tags`' syntax, `fallback` when it is empty.
pub fn first_name(tags: MergeTags, fallback: &str) -> String {
    match tags {
        MergeTags::Mailchimp => format!("*|IF:FNAME|**|FNAME|**|ELSE:|*{fallback}*|END:IF|*"),
        MergeTags::Brevo => format!("{{{{ contact.FIRSTNAME|default:'{fallback}' }}}}"),
        MergeTags::Sendgrid => {
            format!("{{{{#if first_name}}}}{{{{first_name}}}}{{{{else}}}}{fallback}{{{{/if}}}}")
        }
        MergeTags::None => fallback.to_string(),
    }
}

/// The piece's greeting as plain text with the guide's merge tag; none without one.
pub fn greeting_text(piece: &Piece, guide: &Guide) -> Option<String> {
    let greeting = piece.greeting()?;
    let name = first_name(guide.channels.email.merge_tags, fallback(guide, piece.lang));
    Some(greeting.with_name(&name))
}

/// The piece's greeting as HTML (text escaped, with `lang` spans; the merge tag as it
/// is); none without one.
pub fn greeting_html(piece: &Piece, guide: &Guide) -> Option<String> {
    let greeting: Greeting = piece.greeting()?;
    let name = first_name(guide.channels.email.merge_tags, fallback(guide, piece.lang));
    Some(
        greeting
            .parts
            .iter()
            .map(|p| match p {
                GreetingPart::Text(t) => html::text_with_lang(t, &piece.lang),
                GreetingPart::Name => name.clone(),
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_syntax_with_a_thai_fallback() {
        assert_eq!(
            first_name(MergeTags::Mailchimp, "ลูกค้า"),
            "*|IF:FNAME|**|FNAME|**|ELSE:|*ลูกค้า*|END:IF|*"
        );
        assert_eq!(
            first_name(MergeTags::Brevo, "ลูกค้า"),
            "{{ contact.FIRSTNAME|default:'ลูกค้า' }}"
        );
        assert_eq!(
            first_name(MergeTags::Sendgrid, "there"),
            "{{#if first_name}}{{first_name}}{{else}}there{{/if}}"
        );
        assert_eq!(first_name(MergeTags::None, "ลูกค้า"), "ลูกค้า");
    }

    #[test]
    fn greeting_parts_and_errors() {
        let g = Greeting::parse("สวัสดีคุณ {name} ยินดีต้อนรับ").unwrap();
        assert_eq!(
            g.parts,
            [
                GreetingPart::Text("สวัสดีคุณ ".into()),
                GreetingPart::Name,
                GreetingPart::Text(" ยินดีต้อนรับ".into())
            ]
        );
        assert_eq!(g.with_name("*|FNAME|*"), "สวัสดีคุณ *|FNAME|* ยินดีต้อนรับ");
        assert!(
            Greeting::parse("Hi {first}")
                .unwrap_err()
                .contains("{name}")
        );
        assert!(
            Greeting::parse("Hi *|FNAME|*")
                .unwrap_err()
                .contains("merge tag")
        );
        assert!(Greeting::parse("Hi {{ contact.FIRSTNAME }}").is_err());
        assert!(Greeting::parse("Hi }").is_err());
        assert!(Greeting::parse("  ").is_err());
        assert_eq!(
            Greeting::parse("{name}").unwrap().parts,
            [GreetingPart::Name]
        );
    }
}
