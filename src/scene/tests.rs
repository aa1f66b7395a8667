use super::*;
use crate::text::FaceId;

fn glyph(x: f32, cluster: usize) -> PositionedGlyph {
    PositionedGlyph {
        face: FaceId(0),
        glyph_id: 1,
        x,
        y: 10.0,
        advance: 5.0,
        cluster,
    }
}

#[test]
fn a_line_moves_with_its_box_and_keeps_its_text() {
    // "กาแฟ เย็น" broken after the space: the second line shows เย็น, marks included.
    let text: Arc<str> = "กาแฟ เย็น".into();
    let second = text.find("เย็น").unwrap();
    let line = Line {
        glyphs: vec![glyph(0.0, second), glyph(5.0, second + 3)],
        baseline: 10.0,
        width: 10.0,
        text_range: second..text.len(),
    };
    let run = GlyphRun::line(&line, (100.0, 50.0), &text, 12.0, Ink::rgb(Rgb(0, 0, 0)));
    assert_eq!(run.baseline, 60.0);
    assert_eq!(
        run.glyphs.iter().map(|g| (g.x, g.y)).collect::<Vec<_>>(),
        [(100.0, 60.0), (105.0, 60.0)]
    );
    assert_eq!(run.shown(), "เย็น");
}

#[test]
fn qr_runs_merge_dark_modules_of_a_row() {
    let mut qr = Qr::new("https://example.com/?utm_source=print", Ink::KEY).unwrap();
    assert!(qr.width >= 21 && qr.modules.len() == qr.width * qr.width);
    qr.rect = [10.0, 20.0, qr.width as f32 * 2.0, qr.width as f32 * 2.0];
    let runs = qr.dark_runs();
    // The finder pattern's top row is 7 dark modules in one run, at the top-left corner.
    assert_eq!(runs[0], [10.0, 20.0, 14.0, 2.0]);
    let dark: f32 = runs.iter().map(|r| r[2] / 2.0).sum();
    assert_eq!(dark as usize, qr.modules.iter().filter(|d| **d).count());
    assert!(
        Qr::new(&"x".repeat(8000), Ink::KEY).is_err(),
        "too long for a QR code"
    );
}

#[test]
fn a_rounded_rect_stays_in_its_box() {
    let path = rounded_rect([10.0, 20.0, 200.0, 40.0], 100.0).unwrap();
    let b = path.bounds();
    assert_eq!(
        (b.left(), b.top(), b.right(), b.bottom()),
        (10.0, 20.0, 210.0, 60.0)
    );
}

#[test]
fn runs_are_found_inside_clips_in_drawing_order() {
    let text: Arc<str> = "ราคา ฿89".into();
    let run = |x| {
        Item::Text(GlyphRun {
            glyphs: vec![glyph(x, 0)],
            baseline: 0.0,
            size: 10.0,
            ink: Ink::rgb(Rgb(0, 0, 0)),
            text: text.clone(),
            end: text.len(),
        })
    };
    let mut scene = Scene::new((100.0, 100.0));
    scene.push(run(1.0));
    scene.push(Item::Clip {
        rect: [0.0, 0.0, 50.0, 50.0],
        items: vec![run(2.0)],
    });
    scene.push(run(3.0));
    let xs: Vec<f32> = scene.runs().map(|r| r.glyphs[0].x).collect();
    assert_eq!(xs, [1.0, 2.0, 3.0]);
    assert!(scene.runs().all(|r| r.shown() == "ราคา ฿89"));
}

#[test]
fn shown_text_joins_the_lines_of_a_block_as_its_text_has_them() {
    // "ลูกค้าสมาชิกต้นกล้า" wrapped between two Thai words (no space), then "สองเท่า ทุกวัน"
    // wrapped at its space; a second block after them
    let block: Arc<str> = "ลูกค้าสมาชิกต้นกล้า สองเท่า ทุกวัน".into();
    let other: Arc<str> = "MEMBER2X".into();
    let line = |text: &Arc<str>, start: usize, end: usize| {
        Item::Text(GlyphRun {
            glyphs: vec![glyph(0.0, start)],
            baseline: 0.0,
            size: 10.0,
            ink: Ink::rgb(Rgb(0, 0, 0)),
            text: text.clone(),
            end,
        })
    };
    let b = |s: &str| block.find(s).unwrap();
    let mut scene = Scene::new((100.0, 100.0));
    scene.push(line(&block, 0, b("ต้นกล้า")));
    scene.push(line(&block, b("ต้นกล้า"), b(" ทุกวัน") + 1));
    scene.push(line(&block, b("ทุกวัน"), block.len()));
    scene.push(line(&other, 0, other.len()));
    assert_eq!(scene.shown_text(), "ลูกค้าสมาชิกต้นกล้า สองเท่า ทุกวัน\nMEMBER2X");
    // the same block drawn twice (a shadow, a repeat) is two lines
    scene.push(line(&other, 0, other.len()));
    assert!(scene.shown_text().ends_with("MEMBER2X\nMEMBER2X"));
}
