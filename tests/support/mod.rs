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

// the one-page PDF builder the PDF lint's unit tests use too
#[path = "../../src/lint/pdf/one_page.rs"]
mod one_page;
#[allow(unused_imports)]
pub use one_page::one_page_pdf;
