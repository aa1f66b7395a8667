//! Build throughput: a generated project rendered to each channel (pieces per second).
//! The corpus comes from `brandpress::corpus` (also `brandpress corpus DIR --pieces N`).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

use brandpress::build::{BuildOptions, build};
use brandpress::project::Project;
use brandpress::render::AVAILABLE;

const PIECES: usize = 50;

fn bench_build(c: &mut Criterion) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("corpus");
    brandpress::corpus::generate(&dir, PIECES).expect("corpus");
    let mut group = c.benchmark_group("build");
    group.sample_size(10);
    group.throughput(Throughput::Elements(PIECES as u64));
    group.bench_function(format!("load {PIECES} pieces"), |b| {
        b.iter(|| Project::load(&dir).expect("load"))
    });
    let project = Project::load(&dir).expect("load");
    for &channel in AVAILABLE {
        let options = BuildOptions {
            out: tmp.path().join(format!("out-{channel}")),
            channels: vec![channel],
            shard: None,
        };
        group.bench_function(format!("{channel} × {PIECES} pieces"), |b| {
            b.iter(|| build(&project, &options).expect("build"))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_build);
criterion_main!(benches);
