//! Lint throughput on generated pages: the example is built once (brand.css, fonts,
//! logo), then 500 realistic pages with Thai and English text are written beside it and
//! linted together, as `brandpress lint out/` would.

use std::path::PathBuf;
use std::time::Duration;

use brandpress::build::{self, BuildOptions};
use brandpress::lint::{self, LintContext};
use brandpress::project::Project;
use brandpress::render::AVAILABLE;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const PAGES: usize = 500;

fn setup() -> (tempfile::TempDir, Project) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let project = Project::load(&root).expect("example project");
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    build::build(
        &project,
        &BuildOptions {
            out: out.clone(),
            channels: AVAILABLE
                .iter()
                .copied()
                .filter(|c| c.name() == "web")
                .collect(),
            shard: None,
        },
    )
    .expect("build");
    let template =
        std::fs::read_to_string(out.join("web/cold-brew-winter/index.html")).expect("built page");
    let paragraphs = [
        "<p>ต้นกล้า คอฟฟี่ชวนคุณลอง Cold Brew หน้าหนาว รสนุ่ม หอมกลิ่นช็อกโกแลต สั่งผ่าน LINE MAN ได้ทุกวัน</p>",
        "<p>Members earn double points on every cup this month. สมาชิกรับแต้มสองเท่าทุกแก้ว</p>",
        "<ul><li>เมล็ดกาแฟคั่วใหม่ทุกสัปดาห์</li><li>Free delivery over 300 บาท</li></ul>",
        "<blockquote><p>“กาแฟที่ดื่มแล้วอยากกลับมาอีก” — ลูกค้าประจำ</p></blockquote>",
    ];
    for i in 0..PAGES {
        let dir = out.join(format!("web/page-{i:04}"));
        std::fs::create_dir_all(&dir).expect("dir");
        let body: String = (0..6)
            .map(|k| paragraphs[(i + k) % paragraphs.len()])
            .collect();
        let page = template.replacen(
            "<article class=\"body\">",
            &format!("<article class=\"body\"><h2>หน้าที่ {i}</h2>{body}"),
            1,
        );
        // the hero image sits beside the original page
        let page = page.replace(
            "src=\"cold-brew.svg\"",
            "src=\"../cold-brew-winter/cold-brew.svg\"",
        );
        std::fs::write(dir.join("index.html"), page).expect("write");
    }
    (tmp, project)
}

fn bench(c: &mut Criterion) {
    let (tmp, project) = setup();
    let web = tmp.path().join("out/web");
    let files = lint::collect_files(std::slice::from_ref(&web)).expect("files");
    let html = files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .count();
    // the pages must lint clean, or the benchmark measures error paths
    let report = lint::lint_paths(
        &LintContext::new(&project.guide),
        std::slice::from_ref(&web),
    )
    .expect("lint");
    assert_eq!(
        report.count(lint::Severity::Error),
        0,
        "{:#?}",
        &report.findings[..report.findings.len().min(5)]
    );
    let mut group = c.benchmark_group("lint");
    group.throughput(Throughput::Elements(html as u64));
    group.measurement_time(Duration::from_secs(5));
    group.sample_size(10);
    group.bench_function(format!("{html}_html_pages"), |b| {
        b.iter(|| {
            let ctx = LintContext::new(&project.guide);
            lint::lint_paths(&ctx, std::slice::from_ref(&web)).expect("lint")
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
