//! Pages per second of the print channel on the example project.

use std::path::PathBuf;

use brandpress::project::Project;
use brandpress::render::print::PrintRenderer;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let project = Project::load(&PathBuf::from(env!("CARGO_MANIFEST_DIR"))).expect("project");
    let renderer = PrintRenderer::new(&project).expect("renderer");
    let piece = project
        .pieces
        .iter()
        .find(|p| p.slug == "cold-brew-winter")
        .expect("piece");
    let (pdf, _) = renderer.render_pdf(piece).expect("render");
    let pages = lopdf::Document::load_mem(&pdf)
        .expect("pdf")
        .get_pages()
        .len() as u64;
    let mut group = c.benchmark_group("print");
    group.throughput(Throughput::Elements(pages));
    group.bench_function("cold-brew-winter flyer", |b| {
        b.iter(|| renderer.render_pdf(piece).expect("render"))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
