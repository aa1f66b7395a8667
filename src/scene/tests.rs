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

#[test]
fn a_transformed_scene_scales_and_moves_everything_but_a_clip_s_contents() {
    let text: Arc<str> = "กาแฟเย็น".into();
    let line = Line {
        glyphs: vec![glyph(0.0, 0), glyph(5.0, 3)],
        baseline: 10.0,
        width: 10.0,
        text_range: 0..text.len(),
    };
    let ink = Ink::rgb(Rgb(1, 2, 3));
    let mut scene = Scene::new((100.0, 200.0));
    scene.push(Item::Rect {
        rect: [10.0, 20.0, 30.0, 40.0],
        fill: Fill::Solid(ink),
    });
    scene.push(Item::Text(GlyphRun::line(
        &line,
        (20.0, 0.0),
        &text,
        12.0,
        ink,
    )));
    scene.push(Item::Line {
        from: (0.0, 0.0),
        to: (100.0, 0.0),
        width: 2.0,
        ink,
    });
    scene.push(Item::Clip {
        rect: [0.0, 100.0, 100.0, 50.0],
        items: vec![Item::Rect {
            rect: [-5.0, 0.0, 110.0, 50.0],
            fill: Fill::Solid(ink),
        }],
    });
    let small = scene.transformed(0.5, (3.0, 4.0), (53.0, 104.0));
    assert_eq!(small.size, (53.0, 104.0));
    let [rect, run, line, clip] = &small.items[..] else {
        panic!("{} items", small.items.len());
    };
    assert!(matches!(rect, Item::Rect { rect, .. } if *rect == [8.0, 14.0, 15.0, 20.0]));
    let Item::Text(run) = run else { panic!() };
    assert_eq!(run.size, 6.0);
    assert_eq!(
        run.glyphs
            .iter()
            .map(|g| (g.x, g.y, g.advance))
            .collect::<Vec<_>>(),
        [(13.0, 9.0, 2.5), (15.5, 9.0, 2.5)]
    );
    assert_eq!(run.shown(), "กาแฟเย็น", "the text stays");
    assert!(matches!(line, Item::Line { from, to, width, .. }
            if *from == (3.0, 4.0) && *to == (53.0, 4.0) && *width == 1.0));
    let Item::Clip { rect, items } = clip else {
        panic!()
    };
    assert_eq!(*rect, [3.0, 54.0, 50.0, 25.0]);
    // inside a clip, relative to its corner: scaled, not moved again
    assert!(matches!(&items[0], Item::Rect { rect, .. } if *rect == [-2.5, 0.0, 55.0, 25.0]));
}
