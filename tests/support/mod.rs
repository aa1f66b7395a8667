//! Helpers shared by the integration tests: PDFs read back, projects copied.
// each test binary uses some of them
#![allow(dead_code)]

/// Page `index` (0-based) of `pdf` rasterized by hayro at `dpi` on white: width, height
/// and RGBA rows.
pub fn rasterize(pdf: &[u8], index: usize, dpi: f32) -> (usize, usize, Vec<u8>) {
    use hayro::hayro_syntax::Pdf;
    let pdf = Pdf::new(pdf.to_vec()).expect("hayro reads the PDF");
    let pages = pdf.pages();
    let page = &pages[index];
    let cache = hayro::RenderCache::new();
    let settings = hayro::PixmapSettings {
        x_scale: dpi / 72.0,
        y_scale: dpi / 72.0,
        bg_color: hayro::vello_cpu::color::palette::css::WHITE,
    };
    let pixmap = hayro::render(
        page,
        &cache,
        &Default::default(),
        &Default::default(),
        &settings,
    );
    (
        pixmap.width() as usize,
        pixmap.height() as usize,
        // Premultiplied on an opaque white background: the same as straight RGBA.
        pixmap.data_as_u8_slice().to_vec(),
    )
}

/// Copies the folder `from` (a project's `brand/`, `templates/`…) to `to`, recursively.
pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A one-page PDF, saved: `doc` already holds the objects the page refers to (fonts,
/// images), `page` has the page's own entries (`MediaBox`, `Resources`…) and `content`
/// is its content stream, stored unfiltered. The page tree and catalog are added here.
pub fn one_page_pdf(
    mut doc: lopdf::Document,
    page: lopdf::Dictionary,
    content: Vec<u8>,
) -> Vec<u8> {
    use lopdf::{Object, Stream, dictionary};
    let pages_id = doc.new_object_id();
    let content_id = doc.add_object(Stream::new(dictionary! {}, content));
    let mut page_dict = dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "Contents" => content_id,
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
    doc.save_to(&mut out).unwrap();
    out
}
