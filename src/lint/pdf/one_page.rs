//! One-page PDFs for tests, built with lopdf: the PDF lint's unit tests use this module,
//! and the integration tests include this same file through `tests/support` (by path),
//! so there is one page tree and catalog builder for both.

use lopdf::{Dictionary, Document, Object, ObjectId, Stream, dictionary};

/// Saves `doc` with one page whose own entries (`Contents`, `Resources`, `MediaBox`…)
/// are `page`: its type and parent, the page tree at `pages_id` (an id `doc` has
/// already handed out) and the catalog are added here.
pub fn finish_one_page(mut doc: Document, pages_id: ObjectId, page: Dictionary) -> Vec<u8> {
    let mut page_dict = dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
    };
    for (k, v) in page.iter() {
        page_dict.set(k.clone(), v.clone());
    }
    let page_id = doc.add_object(page_dict);
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => vec![page_id.into()],
            "Count" => 1,
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("a PDF in memory saves");
    out
}

/// A one-page PDF, saved: `doc` already holds the objects the page refers to (fonts,
/// images), `page` has the page's own entries (`MediaBox`, `Resources`…) and `content`
/// is its content stream, stored unfiltered.
// (the integration tests' builder; the unit tests set up their own content streams)
#[allow(dead_code)]
pub fn one_page_pdf(mut doc: Document, page: Dictionary, content: Vec<u8>) -> Vec<u8> {
    let pages_id = doc.new_object_id();
    let content_id = doc.add_object(Stream::new(dictionary! {}, content));
    let mut own = dictionary! { "Contents" => content_id };
    for (k, v) in page.iter() {
        own.set(k.clone(), v.clone());
    }
    finish_one_page(doc, pages_id, own)
}
