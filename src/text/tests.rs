//! Tests against the brand's Noto fonts (in the repository).

use std::path::PathBuf;

use super::*;

pub(crate) fn font_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("brand/fonts")
        .join(name)
}

/// Store with Latin regular (0), Thai regular (1), Latin bold (2), Thai bold (3).
pub(crate) fn store() -> FontStore {
    FontStore::load(&[
        font_path("NotoSans-Regular.ttf"),
        font_path("NotoSansThai-Regular.ttf"),
        font_path("NotoSans-Bold.ttf"),
        font_path("NotoSansThai-Bold.ttf"),
    ])
    .expect("brand fonts load")
}

pub(crate) fn choice() -> FontChoice {
    FontChoice {
        latin: FaceId(0),
        thai: FaceId(1),
        fallbacks: vec![],
    }
}

pub(crate) fn style(size_px: f32) -> TextStyle {
    TextStyle {
        size_px,
        line_height: 1.4,
        choice: choice(),
        align: Align::Left,
    }
}

fn line_texts<'a>(text: &'a str, l: &Layout) -> Vec<&'a str> {
    l.lines
        .iter()
        .map(|line| &text[line.text_range.clone()])
        .collect()
}

fn dotted_circle(store: &FontStore, face: FaceId) -> u16 {
    store
        .face(face)
        .map(|f| f.ttf())
        .and_then(|f| f.glyph_index('\u{25CC}'))
        .map(|g| g.0)
        .expect("Noto Sans Thai has U+25CC")
}

#[test]
fn store_is_send_sync_and_names_missing_file() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<FontStore>();
    assert_send_sync::<Layout>();
    let err = FontStore::load(&[font_path("Nope.ttf")]).unwrap_err();
    assert!(err.to_string().contains("Nope.ttf"), "{err}");
    let err = FontStore::load(&[font_path("OFL.txt")]).unwrap_err();
    assert!(matches!(err, TextError::FontParse { .. }) && err.to_string().contains("OFL.txt"));
    let s = store();
    assert_eq!(s.len(), 4);
    let (data, index) = s.data(FaceId(1)).unwrap();
    assert_eq!(index, 0);
    assert!(data.len() > 10_000);
    assert!(s.data(FaceId(9)).is_none());
    assert_eq!(
        s.id_for_path(&font_path("NotoSansThai-Regular.ttf")),
        Some(FaceId(1))
    );
}

fn shaped(store: &FontStore, text: &str) -> Vec<ShapedGlyph> {
    shape_text(store, text, &choice())
        .unwrap()
        .glyphs()
        .copied()
        .collect()
}

fn ink(store: &FontStore, g: &ShapedGlyph) -> (i32, i32) {
    let f = store.face(g.face).unwrap().ttf();
    let bb = f
        .glyph_bounding_box(ttf_parser::GlyphId(g.glyph_id))
        .expect("mark has ink");
    (
        i32::from(bb.y_min) + g.y_offset,
        i32::from(bb.y_max) + g.y_offset,
    )
}

/// Tone marks over an upper vowel (or NIKHAHIT of SARA AM) are swapped for the
/// raised `.small` variants and sit above the vowel; no dotted circles. Numbers
/// seen (font units, upem 1000): bare MAI THO ink 635..840; over SARA I it is
/// glyph 49 at 787..950 while SARA I tops at 706; over MAI HAN-AKAT 806 vs 779
/// (and moved 188 units left, clear of PO PLA's ascender); MAI EK over SARA II
/// 846 vs 787; MAI THO over NIKHAHIT 846 vs 791.
#[test]
fn thai_marks_stack_without_dotted_circles() {
    let s = store();
    let dotted = dotted_circle(&s, FaceId(1));
    let bare_tho = shaped(&s, "ก้");
    let (bare_bottom, _) = ink(&s, &bare_tho[1]);
    assert_eq!(ink(&s, &bare_tho[1]), (635, 840));
    // (word, index of upper vowel/nikhahit, index of tone mark, expected bottoms)
    let cases = [
        ("น้ำ", 1, 2, 791, 846),
        ("ปั้น", 1, 2, 779, 806),
        ("ลิ้น", 1, 2, 706, 787),
        ("เยิ้ม", 2, 3, 706, 787),
        ("กี่", 1, 2, 787, 846),
    ];
    for (word, vowel, tone, vowel_top, tone_bottom) in cases {
        let g = shaped(&s, word);
        assert!(
            g.iter().all(|g| g.glyph_id != dotted && g.glyph_id != 0),
            "{word}: {g:?}"
        );
        assert!(g.iter().all(|g| g.face == FaceId(1)), "{word} in Thai face");
        let (_, v_top) = ink(&s, &g[vowel]);
        let (t_bottom, _) = ink(&s, &g[tone]);
        assert_eq!((v_top, t_bottom), (vowel_top, tone_bottom), "{word}: {g:?}");
        assert!(t_bottom > v_top, "{word}: tone mark above vowel");
        assert!(
            t_bottom >= bare_bottom + 150,
            "{word}: tone mark raised well above its bare position"
        );
        // Marks have zero advance and share the cluster of their base.
        assert_eq!(g[tone].x_advance, 0);
        assert_eq!(g[tone].cluster, g[vowel].cluster);
    }
    assert_eq!(shaped(&s, "ปั้น")[2].x_offset, -188);
}

/// Reference from `hb-shape --script=thai --language=th --no-glyph-names
/// NotoSansThai-Regular.ttf` (HarfBuzz 6.0.0); clusters converted from code
/// point index to byte offset (×3). Tuples: glyph id, cluster, advance, x/y offset.
#[test]
fn thai_shaping_matches_harfbuzz_fixture() {
    #[rustfmt::skip]
    let expected: [(u16, usize, i32, i32, i32); 24] = [
        (33, 0, 571, 0, 0), (12, 1, 616, 0, 0), (81, 2, 488, 0, 0), (86, 3, 406, 0, 0),
        (26, 4, 614, 0, 0), (86, 5, 406, 0, 0), (77, 6, 695, 0, 0), (92, 6, 0, 6, 0),
        (91, 8, 285, 0, 0), (108, 9, 628, 0, 0), (107, 10, 640, 0, 0), (110, 11, 572, 0, 0),
        (59, 11, 0, 7, 0), (86, 11, 406, 0, 0), (19, 13, 587, 0, 0), (81, 14, 488, 0, 0),
        (45, 14, 0, 49, 0), (5, 16, 604, 0, 0), (110, 17, 572, 0, 0), (56, 18, 614, 0, 0),
        (86, 19, 406, 0, 0), (7, 20, 550, 0, 0), (92, 20, 0, 16, -2), (29, 22, 600, 0, 0),
    ];
    let s = store();
    let got: Vec<(u16, usize, i32, i32, i32)> = shaped(&s, "ลดราคาพิเศษสำหรับสมาชิก")
        .iter()
        .map(|g| (g.glyph_id, g.cluster, g.x_advance, g.x_offset, g.y_offset))
        .collect();
    let expected: Vec<_> = expected
        .iter()
        .map(|&(id, c, a, x, y)| (id, c * 3, a, x, y))
        .collect();
    assert_eq!(got, expected);
}

const PROMO: &str = "โปรโมชั่นพิเศษสำหรับสมาชิกใหม่ ลดราคาสินค้าทุกชิ้นถึงสิ้นเดือนนี้เท่านั้น";

#[test]
fn thai_lines_break_between_words() {
    let s = store();
    let l = layout(&s, PROMO, &style(24.0), (200.0, 1000.0)).unwrap();
    assert_eq!(
        line_texts(PROMO, &l),
        [
            "โปรโมชั่นพิเศษ",
            "สำหรับสมาชิกใหม่ ",
            "ลดราคาสินค้าทุกชิ้น",
            "ถึงสิ้นเดือนนี้เท่านั้น",
        ]
    );
    assert!(!l.overflow);
    assert!(l.lines.iter().all(|line| line.width <= 200.0));
    // Trailing space is kept in the text range but not in the width.
    let second = &l.lines[1];
    let last_glyph = second.glyphs.last().unwrap();
    assert!((second.width - (last_glyph.x - second.glyphs[0].x)).abs() < 0.01);
    // Baselines step by size × line height.
    assert!((l.lines[1].baseline - l.lines[0].baseline - 24.0 * 1.4).abs() < 1e-3);
    assert!((l.height - 4.0 * 24.0 * 1.4).abs() < 1e-3);
    // Wider box: fewer lines, still at word boundaries.
    let l = layout(&s, PROMO, &style(24.0), (260.0, 1000.0)).unwrap();
    assert_eq!(
        line_texts(PROMO, &l),
        [
            "โปรโมชั่นพิเศษสำหรับ",
            "สมาชิกใหม่ ลดราคาสินค้า",
            "ทุกชิ้นถึงสิ้นเดือนนี้เท่านั้น",
        ]
    );
}

#[test]
fn mai_yamok_never_starts_a_line() {
    let s = store();
    let text = "ช้อปเลยวันนี้ของแถมมากมายรีบๆหน่อยนะ เร็วๆนี้พบกันใหม่";
    let mut widths_with_yamok_line_end = 0;
    for w in (20..400).step_by(4) {
        let l = layout(&s, text, &style(20.0), (w as f32, 1000.0)).unwrap();
        for t in line_texts(text, &l) {
            assert!(
                !t.starts_with(MAI_YAMOK),
                "width {w}: {:?}",
                line_texts(text, &l)
            );
            if t.ends_with(MAI_YAMOK) {
                widths_with_yamok_line_end += 1;
            }
        }
    }
    // The break after ๆ is a real opportunity, so some widths end a line there.
    assert!(widths_with_yamok_line_end > 0);
}

#[test]
fn newline_inside_thai_is_a_hard_break() {
    let s = store();
    let text = "ลดราคา\nพิเศษสำหรับสมาชิก\r\nวันนี้\n\nเท่านั้น";
    let l = layout(&s, text, &style(24.0), (f32::INFINITY, f32::INFINITY)).unwrap();
    assert_eq!(
        line_texts(text, &l),
        ["ลดราคา", "พิเศษสำหรับสมาชิก", "วันนี้", "", "เท่านั้น"]
    );
    // No glyph for the separators themselves.
    let count: usize = l.lines.iter().map(|l| l.glyphs.len()).sum();
    let plain = layout(
        &s,
        "ลดราคาพิเศษสำหรับสมาชิกวันนี้เท่านั้น",
        &style(24.0),
        (f32::INFINITY, f32::INFINITY),
    )
    .unwrap();
    assert_eq!(count, plain.lines[0].glyphs.len());
}

#[test]
fn mixed_thai_english_uses_each_script_font() {
    let s = store();
    let text = "สั่งผ่าน LINE วันนี้ลด 20%";
    let runs = itemize(text, &s, &choice());
    let described: Vec<(&str, ScriptClass, FaceId)> = runs
        .iter()
        .map(|r| (&text[r.range.clone()], r.script, r.face))
        .collect();
    assert_eq!(
        described,
        [
            ("สั่งผ่าน ", ScriptClass::Thai, FaceId(1)),
            ("LINE ", ScriptClass::Other, FaceId(0)),
            ("วันนี้ลด ", ScriptClass::Thai, FaceId(1)),
            ("20%", ScriptClass::Other, FaceId(0)),
        ]
    );
    let l = layout(&s, text, &style(24.0), (1000.0, 100.0)).unwrap();
    assert_eq!(l.lines.len(), 1);
    let dotted = dotted_circle(&s, FaceId(1));
    for g in &l.lines[0].glyphs {
        let c = text[g.cluster..].chars().next().unwrap();
        if is_thai(c) {
            assert_eq!(g.face, FaceId(1), "{c:?} at {}", g.cluster);
        } else if c.is_ascii_alphanumeric() || c == '%' {
            assert_eq!(g.face, FaceId(0), "{c:?} at {}", g.cluster);
        }
        assert!(g.glyph_id != 0 && g.glyph_id != dotted, "{c:?}");
    }
    // Pen advances monotonically left to right.
    let xs: Vec<f32> = l.lines[0]
        .glyphs
        .iter()
        .filter(|g| g.advance > 0.0)
        .map(|g| g.x)
        .collect();
    assert!(xs.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn fallback_face_covers_missing_characters() {
    let s = store();
    // Thai face as "latin" lacks Latin letters: the fallback (Latin bold) supplies them.
    let choice = FontChoice {
        latin: FaceId(1),
        thai: FaceId(1),
        fallbacks: vec![FaceId(2)],
    };
    let runs = itemize("ราคา SALE", &s, &choice);
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[1].face, FaceId(2));
    assert_eq!(&"ราคา SALE"[runs[1].range.clone()], "SALE");
}

#[test]
fn characters_no_face_has_are_left_out_and_reported() {
    let s = store();
    let text = "กาแฟ ☕ 😀 مرحبا 你好 ok";
    let l = layout(&s, text, &style(20.0), (1000.0, 100.0)).unwrap();
    assert_eq!(l.lines.len(), 1);
    let glyphs = &l.lines[0].glyphs;
    assert!(
        glyphs.iter().all(|g| g.glyph_id != 0),
        "no .notdef box is drawn"
    );
    let mut expected: Vec<char> = "☕😀مرحبا你好".chars().collect();
    expected.sort_unstable();
    expected.dedup();
    assert_eq!(l.missing, expected);
    // What the fonts have is all still there: the Thai word and the Latin one.
    let drawn = |face: FaceId| glyphs.iter().filter(|g| g.face == face).count();
    assert!(drawn(FaceId(1)) >= 4 && drawn(FaceId(0)) >= 2, "{glyphs:?}");
    // The same text without the missing characters is no narrower by more than spaces.
    let plain = layout(&s, "กาแฟ ok", &style(20.0), (1000.0, 100.0)).unwrap();
    assert!(l.lines[0].width >= plain.lines[0].width);
    assert!(plain.missing.is_empty());
    // What was left out at the end of a line does not widen it (a CTA pill fits its
    // visible text): the width is that of the Thai word alone.
    let tail = layout(&s, "กาแฟ ☕ 你好", &style(20.0), (1000.0, 100.0)).unwrap();
    let word = layout(&s, "กาแฟ", &style(20.0), (1000.0, 100.0)).unwrap();
    assert!(
        (tail.width - word.width).abs() < 0.01,
        "{} vs {}",
        tail.width,
        word.width
    );
    // Variation selectors and joiners are not "missing": shapers hide them.
    let l = layout(&s, "ok\u{FE0F}\u{200D}", &style(20.0), (1000.0, 100.0)).unwrap();
    assert!(l.missing.is_empty(), "{:?}", l.missing);
}

#[test]
fn overlong_word_is_split_at_graphemes_and_flagged() {
    let s = store();
    let text = "ลดราคาพิเศษ";
    let l = layout(&s, text, &style(24.0), (40.0, 1000.0)).unwrap();
    assert!(l.overflow);
    assert!(l.lines.len() > 2);
    for t in line_texts(text, &l) {
        assert!(!t.is_empty());
        // No line starts with a mark or following vowel, none ends with a leading vowel.
        let c = t.chars().next().unwrap();
        assert!(
            !('\u{0E30}'..='\u{0E3A}').contains(&c) && !('\u{0E47}'..='\u{0E4E}').contains(&c),
            "{t}"
        );
        let e = t.chars().next_back().unwrap();
        assert!(!('\u{0E40}'..='\u{0E44}').contains(&e), "{t}");
    }
    assert_eq!(line_texts(text, &l).concat(), text);
    // A box wide enough: no split, no overflow.
    let l = layout(&s, text, &style(24.0), (400.0, 1000.0)).unwrap();
    assert!(!l.overflow);
    assert_eq!(l.lines.len(), 1);
}

#[test]
fn degenerate_inputs_do_not_panic() {
    let s = store();
    let l = layout(&s, "", &style(24.0), (100.0, 100.0)).unwrap();
    assert!(l.lines.is_empty() && !l.overflow && l.height == 0.0);
    let l = layout(&s, "ลดราคา SALE", &style(24.0), (0.0, 0.0)).unwrap();
    assert!(l.overflow);
    assert!(
        l.lines
            .iter()
            .all(|line| !line.glyphs.is_empty() || line.text_range.is_empty())
    );
    for text in [
        "\n",
        "\u{0E49}\u{0E49}",
        "ๆๆๆ",
        " \t ",
        "\u{200B}",
        "ำ",
        "a\u{0301}\u{0E49}",
    ] {
        let l = layout(&s, text, &style(12.0), (50.0, 50.0)).unwrap();
        assert!(l.lines.len() <= 3, "{text:?}");
    }
    for bad in [0.0, -1.0, f32::NAN, f32::INFINITY] {
        assert!(layout(&s, "ก", &style(bad), (10.0, 10.0)).is_err());
    }
    assert!(layout(&s, "ก", &style(10.0), (-1.0, 10.0)).is_err());
    let unknown = TextStyle {
        choice: FontChoice {
            latin: FaceId(7),
            thai: FaceId(1),
            fallbacks: vec![],
        },
        ..style(10.0)
    };
    assert!(matches!(
        layout(&s, "ก", &unknown, (10.0, 10.0)),
        Err(TextError::UnknownFace(FaceId(7)))
    ));
}

#[test]
fn alignment_offsets_lines() {
    let s = store();
    let text = "ลดราคา";
    let mut st = style(20.0);
    let left = layout(&s, text, &st, (300.0, 100.0)).unwrap();
    st.align = Align::Center;
    let center = layout(&s, text, &st, (300.0, 100.0)).unwrap();
    st.align = Align::Right;
    let right = layout(&s, text, &st, (300.0, 100.0)).unwrap();
    let w = left.lines[0].width;
    let x0 = |l: &Layout| l.lines[0].glyphs[0].x;
    assert!(x0(&left).abs() < 1e-3);
    assert!((x0(&center) - (300.0 - w) / 2.0).abs() < 1e-3);
    assert!((x0(&right) - (300.0 - w)).abs() < 1e-3);
}

#[test]
fn height_overflow_is_reported() {
    let s = store();
    let l = layout(&s, PROMO, &style(24.0), (200.0, 60.0)).unwrap();
    assert_eq!(l.lines.len(), 4);
    assert!(l.overflow);
}

#[test]
fn fit_shrinks_longer_text_and_errors_when_nothing_fits() {
    let s = store();
    let bx = (300.0, 120.0);
    let short = fit(&s, "ลดราคาพิเศษ", &style(0.0), bx, 8.0, 96.0).unwrap();
    let long = fit(&s, PROMO, &style(0.0), bx, 8.0, 96.0).unwrap();
    assert!(!short.overflow && !long.overflow);
    assert!(
        long.size_px < short.size_px,
        "{} vs {}",
        long.size_px,
        short.size_px
    );
    // Maximal within 0.5 px: half a pixel more overflows (or max reached).
    for l in [&short, &long] {
        if l.size_px + 0.5 <= 96.0 {
            let bigger = layout(&s, PROMO, &style(l.size_px + 0.5), bx);
            let bigger_short = layout(&s, "ลดราคาพิเศษ", &style(l.size_px + 0.5), bx);
            let text_overflows = if std::ptr::eq(l, &short) {
                bigger_short
            } else {
                bigger
            };
            assert!(text_overflows.unwrap().overflow, "size {}", l.size_px);
        }
    }
    match fit(&s, PROMO, &style(0.0), (300.0, 20.0), 12.0, 96.0) {
        Err(FitError::DoesNotFit { min_size, layout }) => {
            assert_eq!(min_size, 12.0);
            assert!(layout.overflow);
        }
        other => panic!("expected DoesNotFit, got {other:?}"),
    }
    assert!(matches!(
        fit(&s, PROMO, &style(0.0), bx, 20.0, 10.0),
        Err(FitError::InvalidRange { .. })
    ));
}

#[test]
fn one_store_shared_across_threads() {
    use rayon::prelude::*;
    let s = store();
    let sizes: Vec<usize> = (0..8)
        .into_par_iter()
        .map(|i| {
            layout(&s, PROMO, &style(16.0 + i as f32), (200.0, 1000.0))
                .unwrap()
                .lines
                .len()
        })
        .collect();
    assert!(sizes.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn glyph_path_is_scaled_and_flipped() {
    let s = store();
    let ko_kai = s.face(FaceId(1)).unwrap().ttf().glyph_index('ก').unwrap().0;
    // Font units 66..519 × 0..558 at upem 1000, 100 px: y is negative (above baseline).
    let b = glyph_path(&s, FaceId(1), ko_kai, 100.0).unwrap().bounds();
    assert!(
        (b.left() - 6.6).abs() < 0.05 && (b.right() - 51.9).abs() < 0.05,
        "{b:?}"
    );
    assert!(
        (b.top() + 55.8).abs() < 0.05 && b.bottom().abs() < 0.05,
        "{b:?}"
    );
    let space = s.face(FaceId(1)).unwrap().ttf().glyph_index(' ').unwrap().0;
    assert!(glyph_path(&s, FaceId(1), space, 100.0).is_none());
    assert!(glyph_path(&s, FaceId(9), ko_kai, 100.0).is_none());
    assert!(glyph_path(&s, FaceId(1), ko_kai, 0.0).is_none());
    assert!(glyph_path(&s, FaceId(1), u16::MAX, 10.0).is_none());
}

#[test]
fn styled_spans_set_their_part_in_other_faces_and_break_as_plain_text() {
    let store = store();
    let bold = FontChoice {
        latin: FaceId(2),
        thai: FaceId(3),
        fallbacks: vec![],
    };
    let text = "กาแฟ เย็น strong coffee ชงสด";
    let start = text.find("เย็น").unwrap();
    let end = text.find(" ชง").unwrap();
    let shaped = shape_styled(&store, text, &choice(), &[(start..end, bold.clone())]).unwrap();
    for g in shaped.glyphs() {
        let inside = (start..end).contains(&g.cluster);
        let faces = if inside { [2, 3] } else { [0, 1] };
        assert!(faces.contains(&g.face.0), "{g:?} at {}", g.cluster);
    }
    assert!(shaped.glyphs().any(|g| g.face == FaceId(3)), "Thai in bold");
    assert!(
        shaped.glyphs().any(|g| g.face == FaceId(2)),
        "Latin in bold"
    );
    // No spans: the same glyphs as plain shaping; a span off a char boundary is ignored.
    let plain = shape_text(&store, text, &choice()).unwrap();
    let none = shape_styled(&store, text, &choice(), &[]).unwrap();
    assert_eq!(
        plain.glyphs().collect::<Vec<_>>(),
        none.glyphs().collect::<Vec<_>>()
    );
    let odd = shape_styled(&store, text, &choice(), &[(1..2, bold)]).unwrap();
    assert_eq!(
        plain.glyphs().collect::<Vec<_>>(),
        odd.glyphs().collect::<Vec<_>>()
    );
}
