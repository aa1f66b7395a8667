//! Image lint throughput (issue 11's "speed on photos"), in pixels per second: a flat
//! 1200×630 card in brand colors with anti-aliased shapes (the common case), and a
//! photo-like 1200×630 card generated deterministically in memory (smooth gradients plus
//! per-pixel noise, so nearly every pixel is a distinct color: the worst case for the
//! per-color cache), and a noisy 12-megapixel photo. Images of many colors are measured on
//! a stratified sample (see `brandpress::lint::image::palette_report`), so the photo cases
//! cost about the same whatever their size. Baseline before sampling and the classifier's
//! cell table: 57 Mpx/s flat, 0.28 Mpx/s photo card. Each case runs twice: warm (the
//! palette's cell tables filled by earlier images of the run) and as the first image of
//! a run (a new lint context per iteration, built outside the timing). The report of each
//! image (share, sample, interval) is printed once before it is timed.

use std::path::{Path, PathBuf};
use std::time::Duration;

use brandpress::brand::Guide;
use brandpress::lint::LintContext;
use brandpress::lint::image::Decoded;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

/// A photo-like picture: two gradients and xorshift noise of ±`noise` per channel.
fn photo(width: u32, height: u32, noise: u32) -> Decoded {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut rgba = Vec::with_capacity((width * height * 4) as usize);
    for y in 0..height {
        for x in 0..width {
            let base = [
                (x * 255 / width) as i32,
                (y * 255 / height) as i32,
                ((x + y) * 127 / (width + height)) as i32 + 64,
            ];
            for c in base {
                let n = (next() % (2 * noise as u64 + 1)) as i32 - noise as i32;
                rgba.push((c + n).clamp(0, 255) as u8);
            }
            rgba.push(255);
        }
    }
    Decoded {
        width,
        height,
        rgba,
        photo: None,
    }
}

/// A forest card with a paper circle and a saffron bar, their edges anti-aliased.
fn flat_card() -> Decoded {
    let (w, h) = (1200u32, 630u32);
    let forest: [u8; 3] = [0x1F, 0x5C, 0x4A];
    let paper: [u8; 3] = [0xFF, 0xF8, 0xEE];
    let saffron: [u8; 3] = [0xF2, 0xA5, 0x41];
    let mut rgba = Vec::with_capacity((w * h * 4) as usize);
    for y in 0..h {
        for x in 0..w {
            let (dx, dy) = (x as f32 - 900.0, y as f32 - 315.0);
            let d = (dx * dx + dy * dy).sqrt() - 200.0;
            let cover = (0.5 - d).clamp(0.0, 1.0);
            let base = if (80..120).contains(&y) && (60..700).contains(&x) {
                saffron
            } else {
                forest
            };
            for c in 0..3 {
                let v = f32::from(base[c]) + cover * (f32::from(paper[c]) - f32::from(base[c]));
                rgba.push(v.round() as u8);
            }
            rgba.push(255);
        }
    }
    Decoded {
        width: w,
        height: h,
        rgba,
        photo: None,
    }
}

fn bench(c: &mut Criterion) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let guide = Guide::load(&root).expect("example guide");
    let ctx = LintContext::new(&guide);
    let mut group = c.benchmark_group("image_lint");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8));
    for (name, image) in [
        ("card 1200x630 flat brand colors", flat_card()),
        ("card 1200x630 photo", photo(1200, 630, 6)),
        ("photo 4000x3000 noisy (12 MP)", photo(4000, 3000, 12)),
    ] {
        let (w, h) = (image.width, image.height);
        let report = brandpress::lint::image::palette_report(&ctx, &image);
        eprintln!(
            "{name}: {} of {} considered pixels off, {} blends, sample {:?}",
            report.off, report.considered, report.blends, report.sample
        );
        group.throughput(Throughput::Elements(u64::from(w * h)));
        // warm: the palette's tables already hold what earlier images of the run filled in
        group.bench_function(name, |b| {
            b.iter(|| brandpress::lint::image::check_palette(&ctx, Path::new("x.jpg"), &image))
        });
        // cold: the first image of a run, the palette's tables built for it
        group.bench_function(format!("{name}, first of a run"), |b| {
            b.iter_batched(
                || LintContext::new(&guide),
                |cold| brandpress::lint::image::check_palette(&cold, Path::new("x.jpg"), &image),
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
