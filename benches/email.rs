//! Emails rendered per second: the example project's email pieces (HTML with inlined
//! styles, plain text and .eml).

use std::path::Path;

use brandpress::project::Project;
use brandpress::render::{self, Channel};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn emails(c: &mut Criterion) {
    let project = Project::load(Path::new(env!("CARGO_MANIFEST_DIR"))).expect("example project");
    let renderer = render::renderer(
        Channel::Email,
        &project,
        &std::sync::Arc::new(brandpress::assets::Assets::load(&project.guide).expect("assets")),
    )
    .expect("email renderer");
    let pieces: Vec<_> = project
        .pieces
        .iter()
        .filter(|p| p.publishes_to(Channel::Email))
        .collect();
    let mut group = c.benchmark_group("email");
    group.throughput(Throughput::Elements(pieces.len() as u64));
    group.bench_function("render", |b| {
        b.iter(|| {
            for piece in &pieces {
                std::hint::black_box(renderer.render(piece).expect("renders"));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, emails);
criterion_main!(benches);
