//! Layout of a Thai marketing paragraph with the brand fonts.

use std::hint::black_box;
use std::path::PathBuf;

use brandpress::text::{Align, FaceId, FontChoice, FontStore, TextStyle, fit, layout};
use criterion::{Criterion, criterion_group, criterion_main};

const PARAGRAPH: &str = "โปรโมชั่นพิเศษสำหรับสมาชิกใหม่ ลดราคาสินค้าทุกชิ้นถึงสิ้นเดือนนี้เท่านั้น \
สั่งผ่าน LINE วันนี้ลด 20% พร้อมรับของแถมมากมาย รีบๆ หน่อยนะ ของมีจำนวนจำกัด \
ประหยัดมากขึ้นเมื่อซื้อครบ 1,000 บาท รับส่วนลดเพิ่มทันที จัดส่งฟรีทั่วประเทศ";

fn bench(c: &mut Criterion) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("brand/fonts");
    let store = FontStore::load(&[
        dir.join("NotoSans-Regular.ttf"),
        dir.join("NotoSansThai-Regular.ttf"),
    ])
    .expect("brand fonts");
    let style = TextStyle {
        size_px: 24.0,
        line_height: 1.4,
        choice: FontChoice {
            latin: FaceId(0),
            thai: FaceId(1),
            fallbacks: vec![],
        },
        align: Align::Left,
    };
    c.bench_function("layout thai paragraph 400px", |b| {
        b.iter(|| layout(&store, black_box(PARAGRAPH), &style, (400.0, 1000.0)).unwrap())
    });
    c.bench_function("fit thai paragraph 400x300", |b| {
        b.iter(|| {
            fit(
                &store,
                black_box(PARAGRAPH),
                &style,
                (400.0, 300.0),
                8.0,
                72.0,
            )
            .unwrap()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
