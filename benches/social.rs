//! Social cards per second: one 1200×630 card (compose + PNG encode) per iteration, on
//! the thread criterion runs on; and the image lint of a 1080×1920 card.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use brandpress::brand::Guide;
use brandpress::content::Piece;
use brandpress::lint::LintContext;
use brandpress::lint::image;
use brandpress::project::Project;
use brandpress::render::social::SocialRenderer;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn project() -> Project {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let guide = Guide::load(&root).unwrap();
    let piece = |p: &str| Piece::load(&root.join(p), &guide.sandbox).unwrap();
    Project {
        guide: guide.clone(),
        pieces: vec![
            piece("content/winter-2026/cold-brew-winter.md"),
            piece("tests/fixtures/social/thai-marks.md"),
        ],
        root,
    }
}

fn cards(c: &mut Criterion) {
    let p = project();
    let r = SocialRenderer::new(&p).unwrap();
    let og = p.guide.channels.social.presets[0].clone();
    assert_eq!((og.width, og.height), (1200, 630));
    let hero = r.hero(&p.pieces[0]).unwrap();
    let mut g = c.benchmark_group("social");
    g.throughput(Throughput::Elements(1));
    g.bench_function("og card, Thai, hero (compose + png)", |b| {
        b.iter(|| {
            let card = r.compose(&p.pieces[0], &og, hero.as_ref()).unwrap();
            black_box(card.encode_png().unwrap())
        })
    });
    g.bench_function("og card, long Thai title (compose + png)", |b| {
        b.iter(|| {
            let card = r.compose(&p.pieces[1], &og, None).unwrap();
            black_box(card.encode_png().unwrap())
        })
    });
    let card = r.compose(&p.pieces[0], &og, hero.as_ref()).unwrap();
    g.bench_function("og card png encode only", |b| {
        b.iter(|| black_box(card.encode_png().unwrap()))
    });
    let story = p.guide.channels.social.presets[2].clone();
    let png = r
        .compose(&p.pieces[1], &story, None)
        .unwrap()
        .encode_png()
        .unwrap();
    let ctx = LintContext::new(&p.guide);
    g.bench_function("lint 1080x1920 card (decode + rules)", |b| {
        b.iter(|| black_box(image::lint(&ctx, Path::new("story.png"), &png)))
    });
    g.finish();
}

criterion_group!(benches, cards);
criterion_main!(benches);
