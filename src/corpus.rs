//! A generator of large, realistic projects for benchmarks and load tests: the bundled
//! guide, fonts and templates (as `init` writes them) plus N pieces mixing Thai and English.

use std::fmt::Write;
use std::path::Path;

use crate::error::{Error, Result};

const THAI_TITLES: &[&str] = &[
    "โคลด์บรูว์รับลมหนาว สองแก้ว 89 บาท",
    "วันสมาชิก สะสมแต้มสองเท่าทุกวันพุธ",
    "ลาเต้มะพร้าวน้ำหอม เมนูใหม่ประจำเดือน",
    "ส่งฟรีผ่าน LINE MAN ทุกวันศุกร์",
    "เมล็ดกาแฟดอยช้าง คั่วใหม่ทุกสัปดาห์",
];
const THAI_PARAGRAPHS: &[&str] = &[
    "โคลด์บรูว์ของต้นกล้าสกัดเย็นนาน 18 ชั่วโมง ได้รสชาติกลมกล่อม หอมกลิ่นช็อกโกแลตและคาราเมล ดื่มง่ายแม้ไม่ใส่นมหรือน้ำตาล",
    "ทุกวันพุธตลอดเดือนธันวาคม ซื้อเครื่องดื่มหรือเบเกอรีครบ 50 บาท รับแต้มสองเท่าทันที สะสมครบ 10 แต้ม แลกกาแฟแก้วโปรดได้ฟรี",
    "สั่งเมนูจาก Tonkla Coffee ผ่านแอป LINE MAN ครบ 150 บาท ใส่โค้ดแล้วรับส่งฟรีในกรุงเทพฯ และปริมณฑล",
    "น้ำผึ้งป่าจากเชียงรายเข้ากันดีกับกาแฟคั่วกลาง ลองสั่งแบบเย็นแล้วคุณจะติดใจ",
];
const EN_PARAGRAPHS: &[&str] = &[
    "We buy these beans directly from farmers at 1,400 metres in Chiang Rai province. The cherries are honey-processed and dried slowly for three weeks.",
    "Order before 10:30 and your Cold Brew arrives before the first meeting of the day.",
    "Every bag is roasted to order in Bangkok and ships the same afternoon.",
];

/// Writes a project with `pieces` pieces into `dir` (which must not exist or be empty).
pub fn generate(dir: &Path, pieces: usize) -> Result<()> {
    crate::init::init(dir)?;
    let content = dir.join("content");
    std::fs::remove_file(content.join("welcome.md")).map_err(|e| Error::file(&content, e))?;
    for i in 0..pieces {
        let thai = i % 4 != 3;
        let mut text = String::new();
        let title = if thai {
            format!("{} #{i}", THAI_TITLES[i % THAI_TITLES.len()])
        } else {
            format!("Doi Chang single origin, lot {i}")
        };
        let _ = write!(
            text,
            "+++\ntitle = \"{title}\"\nsummary = \"{}\"\nslug = \"piece-{i:05}\"\ndate = 2026-11-28\nlang = \"{}\"\ncampaign = \"bench\"\n\n[cta]\ntext = \"{}\"\nurl = \"https://tonkla.example/order/{i}\"\n\n[facts]\nprice = \"฿{}\"\npromo_code = \"CODE{i}\"\nstarts = 2026-12-01\nends = 2026-12-31\n+++\n\n",
            if thai {
                THAI_PARAGRAPHS[i % THAI_PARAGRAPHS.len()]
            } else {
                EN_PARAGRAPHS[i % EN_PARAGRAPHS.len()]
            },
            if thai { "th" } else { "en" },
            if thai {
                "สั่งเลย"
            } else {
                "Order now"
            },
            59 + i % 300,
        );
        for p in 0..4 {
            let body = if thai {
                THAI_PARAGRAPHS[(i + p) % THAI_PARAGRAPHS.len()]
            } else {
                EN_PARAGRAPHS[(i + p) % EN_PARAGRAPHS.len()]
            };
            let _ = write!(
                text,
                "## {}\n\n{body}\n\n- {}\n- **CODE{i}**\n\n",
                if thai {
                    "รายละเอียด"
                } else {
                    "Details"
                },
                body.split(' ').next().unwrap_or("")
            );
        }
        let path = content.join(format!("piece-{i:05}.md"));
        std::fs::write(&path, text).map_err(|e| Error::file(&path, e))?;
    }
    Ok(())
}
