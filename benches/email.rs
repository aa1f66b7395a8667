//! Emails rendered per second, one email (HTML with inlined styles, plain text and .eml)
//! per iteration, cycling through the pieces: criterion's time is the time per email.
//!
//! - `email/render (bundled pieces)`: the example project's email pieces;
//! - `email/render (corpus pieces)`: pieces of a generated campaign (`brandpress::corpus`);
//! - `email/render, inlined whole (corpus pieces)`: the same, each email inlined whole by
//!   css-inline instead of filled from its layout's stencil (`render::email::stencil`);
//! - `email/render + write (corpus pieces)`: the same, with the three files written as new
//!   files to a temp dir, as a build does (without the build's manifest and staging).
//!
//! `scripts/peers/mrml.sh` compares these with mrml (the Rust port of MJML).

use std::path::Path;
use std::sync::Arc;

use brandpress::assets::Assets;
use brandpress::content::Piece;
use brandpress::project::Project;
use brandpress::render::{self, Channel, Renderer};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

/// Pieces of the generated campaign (each piece is one email).
const CORPUS_PIECES: usize = 20;

fn email_renderer(project: &Project) -> Box<dyn Renderer + '_> {
    let assets = Arc::new(Assets::load(&project.guide).expect("assets"));
    render::renderer(Channel::Email, project, &assets).expect("email renderer")
}

fn email_pieces(project: &Project) -> Vec<&Piece> {
    let pieces: Vec<_> = project
        .pieces
        .iter()
        .filter(|p| p.publishes_to(Channel::Email))
        .collect();
    assert!(!pieces.is_empty(), "no email pieces");
    pieces
}

fn emails(c: &mut Criterion) {
    let example = Project::load(Path::new(env!("CARGO_MANIFEST_DIR"))).expect("example project");
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("corpus");
    brandpress::corpus::generate(&dir, CORPUS_PIECES).expect("corpus");
    let corpus = Project::load(&dir).expect("corpus project");
    let out = tmp.path().join("out");

    let mut group = c.benchmark_group("email");
    group.throughput(Throughput::Elements(1));
    for (name, project) in [("bundled", &example), ("corpus", &corpus)] {
        let renderer = email_renderer(project);
        let pieces = email_pieces(project);
        let mut next = pieces.iter().cycle();
        group.bench_function(format!("render ({name} pieces)"), |b| {
            b.iter(|| {
                let piece = next.next().expect("cycle");
                std::hint::black_box(renderer.render(piece).expect("renders"))
            })
        });
    }
    // The same emails, each inlined whole by css-inline (no stencil): what the stencil
    // saves.
    let assets = Arc::new(Assets::load(&corpus.guide).expect("assets"));
    let whole = brandpress::render::email::EmailRenderer::with_assets(&corpus, assets)
        .expect("email renderer")
        .without_stencils();
    let pieces = email_pieces(&corpus);
    let mut next = pieces.iter().cycle();
    group.bench_function("render, inlined whole (corpus pieces)", |b| {
        b.iter(|| {
            let piece = next.next().expect("cycle");
            std::hint::black_box(whole.render(piece).expect("renders"))
        })
    });
    let renderer = email_renderer(&corpus);
    let pieces = email_pieces(&corpus);
    let mut next = pieces.iter().cycle();
    group.bench_function("render + write (corpus pieces)", |b| {
        // A build writes new files (into its staging folder): the previous iteration's
        // files are removed first, untimed, so no iteration overwrites a file (ext4
        // flushes a file truncated and rewritten on close, which a build never does).
        b.iter_batched(
            || {
                if out.exists() {
                    std::fs::remove_dir_all(&out).expect("clean output dir");
                }
                next.next().expect("cycle")
            },
            |piece| {
                let rendered = renderer.render(piece).expect("renders");
                for output in &rendered.outputs {
                    let path = out.join(&output.path);
                    if let Some(parent) = path.parent() {
                        std::fs::create_dir_all(parent).expect("output dir");
                    }
                    std::fs::write(&path, &output.bytes).expect("write");
                }
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, emails);
criterion_main!(benches);
