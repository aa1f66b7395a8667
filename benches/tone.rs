//! `tone::check` on a 2 KB page of mixed Thai and English visible text, as the web and
//! PDF linters call it: once per page (`check`, compiling the guide's terms each call)
//! and with the rules compiled once (`ToneRules::check`).

use std::hint::black_box;
use std::path::Path;

use brandpress::brand::Guide;
use brandpress::lint::tone::{self, ToneRules};
use criterion::{Criterion, criterion_group, criterion_main};

/// About 2 KB of page text in the example campaign's voice, with a few findings in it.
fn page_text() -> String {
    let paragraphs = [
        "โคลด์บรูว์รับลมหนาว สองแก้ว 89 บาท",
        "ต้อนรับลมหนาวด้วยโคลด์บรูว์สกัดเย็น 18 ชั่วโมง จากเมล็ดกาแฟดอยช้าง สั่งคู่กันคุ้มกว่า",
        "โคลด์บรูว์ของต้นกล้าสกัดเย็นนาน 18 ชั่วโมง ได้รสชาติกลมกล่อม หอมกลิ่นช็อกโกแลตและคาราเมล ดื่มง่ายแม้ไม่ใส่นมหรือน้ำตาล ราคาถูกที่สุดในย่านนี้!!",
        "1. เพิ่มเพื่อน Tonkla Coffee ใน Line\n2. กรอกโค้ด WINTER26 ตอนชำระเงิน\n3. รับโคลด์บรูว์สองแก้วในราคา ฿89.- ที่สาขาหรือจัดส่งถึงบ้าน",
        "Perfect for the office: order before 10:30 and your Cold Brew arrives before the first meeting. Register on LINE MAN today.",
        "We buy these beans directly from farmers at 1,400 metres in Chiang Rai province. The cherries are honey-processed and dried slowly for three weeks.",
        "สิทธิ์นี้ใช้ได้ตั้งแต่วันที่ 1 ถึง 31 ธ.ค. 2569 จำกัดหนึ่งสิทธิ์ต่อหนึ่งบัญชีต่อวัน",
    ];
    let mut text = String::new();
    for p in paragraphs.iter().cycle() {
        if text.len() + p.len() > 2048 {
            break;
        }
        text.push_str(p);
        text.push_str("\n\n");
    }
    text
}

fn bench(c: &mut Criterion) {
    let guide = Guide::load(Path::new(env!("CARGO_MANIFEST_DIR"))).expect("example guide");
    let text = page_text();
    let hits = tone::check(&guide, Some(brandpress::channel::Channel::Web), &text);
    assert!(hits.len() >= 4, "the page has findings to report: {hits:?}");
    c.bench_function(&format!("tone::check {} B page", text.len()), |b| {
        b.iter(|| {
            tone::check(
                black_box(&guide),
                Some(brandpress::channel::Channel::Web),
                black_box(&text),
            )
        })
    });
    let rules = ToneRules::new(&guide, Some(brandpress::channel::Channel::Web));
    c.bench_function(&format!("ToneRules::check {} B page", text.len()), |b| {
        b.iter(|| rules.check(black_box(&text)))
    });
    c.bench_function("ToneRules::new", |b| {
        b.iter(|| ToneRules::new(black_box(&guide), Some(brandpress::channel::Channel::Web)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
