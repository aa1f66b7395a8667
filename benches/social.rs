//! Social cards per second: one 1200×630 card (compose + PNG encode) per iteration, on
//! the thread criterion runs on; PNG encoding alone (an indexed card and a photo card);
//! and the image lint of a 1080×1920 card.
//!
//! "og card, line-man layout (compose + png)" is the card `scripts/peers/takumi.sh` renders
//! with Takumi for the peer comparison (issue 13); the bench prints the PNG sizes once.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use brandpress::assets::{Assets, Picture};
use brandpress::brand::Guide;
use brandpress::content::Piece;
use brandpress::lint::LintContext;
use brandpress::lint::image;
use brandpress::project::Project;
use brandpress::render::social::SocialRenderer;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::sync::Arc;

fn project() -> Project {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let guide = Guide::load(&root).unwrap();
    let piece = |p: &str| Piece::load(&root.join(p), &guide.sandbox).unwrap();
    Project {
        guide: guide.clone(),
        pieces: vec![
            piece("content/winter-2026/cold-brew-winter.md"),
            piece("tests/fixtures/social/thai-marks.md"),
            piece("content/winter-2026/line-man-delivery.md"),
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
    g.bench_function("og card, line-man layout (compose + png)", |b| {
        b.iter(|| {
            let card = r.compose(&p.pieces[2], &og, None).unwrap();
            black_box(card.encode_png().unwrap())
        })
    });
    // A photo hero (Pillow's 100×100 sample, cover-fitted): more than 256 colors.
    let jpg = Path::new("tests/fixtures/image/pil_sample_rgb.jpg");
    let assets = Assets::load(&p.guide).unwrap();
    let photo = Arc::new(
        Picture::from_bytes(
            std::fs::read(p.root.join(jpg)).unwrap(),
            jpg,
            &p.guide.sandbox,
            assets.svg_fonts(),
        )
        .unwrap(),
    );
    g.bench_function("og card, photo hero (compose + png)", |b| {
        b.iter(|| {
            let card = r.compose(&p.pieces[2], &og, Some(&photo)).unwrap();
            black_box(card.encode_png().unwrap())
        })
    });
    let card = r.compose(&p.pieces[0], &og, hero.as_ref()).unwrap();
    g.bench_function("og card png encode only", |b| {
        b.iter(|| black_box(card.encode_png().unwrap()))
    });
    let line_man = r.compose(&p.pieces[2], &og, None).unwrap();
    let photo_card = r.compose(&p.pieces[2], &og, Some(&photo)).unwrap();
    for (name, card) in [
        ("og card, Thai, hero", &card),
        ("og card, line-man layout", &line_man),
        ("og card, photo hero", &photo_card),
    ] {
        let (png, kind) = card.encode_png_kind().unwrap();
        eprintln!("{name}: {} bytes, {kind:?}", png.len());
    }
    g.bench_function("og card, photo hero, png encode only", |b| {
        b.iter(|| black_box(photo_card.encode_png().unwrap()))
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
