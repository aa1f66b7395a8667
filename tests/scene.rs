//! The scene between layout and paint (`src/scene`) and its two painters
//! (`src/render/paint`): what the layouts put in a scene, and that the PNG painter
//! (tiny-skia) and the PDF painter (krilla, read back with hayro) draw the same scene alike.

mod support;

use std::path::PathBuf;
use std::sync::Arc;

use brandpress::assets::Assets;
use brandpress::brand::Rgb;
use brandpress::project::Project;
use brandpress::render::paint::png;
use brandpress::render::print::{CROP_MARK_ROOM_MM, PrintRenderer};
use brandpress::render::social::SocialRenderer;
use brandpress::scene::{Fill, GlyphRun, Ink, Item, Qr, Scene};
use brandpress::text::{self, Align, TextStyle};
use brandpress::units::PT_PER_MM;
use support::rasterize;

fn project() -> Project {
    Project::load(&PathBuf::from(env!("CARGO_MANIFEST_DIR"))).expect("example project loads")
}

/// Luma of an RGBA pixel.
fn luma(p: &[u8]) -> f32 {
    0.299 * f32::from(p[0]) + 0.587 * f32::from(p[1]) + 0.114 * f32::from(p[2])
}

/// The share of 4×4 px blocks of the scene whose mean luma differs by more than an eighth
/// between the PNG painting and the PDF page (the trim box `offset` px in from the page
/// corner). Blocks, not pixels: the trim box sits half a pixel off the PDF's pixel grid, so
/// single glyph edges differ.
fn disagreement(png: &tiny_skia::Pixmap, pdf: &(usize, usize, Vec<u8>), offset: usize) -> f32 {
    const B: usize = 4;
    let (pw, ph, data) = pdf;
    let (w, h) = (png.width() as usize, png.height() as usize);
    let (bw, bh) = (w.min(pw - offset) / B, h.min(ph - offset) / B);
    let mut differ = 0;
    for by in 0..bh {
        for bx in 0..bw {
            let (mut a, mut b) = (0.0, 0.0);
            for y in by * B..(by + 1) * B {
                for x in bx * B..(bx + 1) * B {
                    a += luma(&png.data()[(y * w + x) * 4..][..4]);
                    b += luma(&data[((y + offset) * pw + x + offset) * 4..][..4]);
                }
            }
            if (a - b).abs() / (B * B) as f32 > 32.0 {
                differ += 1;
            }
        }
    }
    differ as f32 / (bw * bh) as f32
}

#[test]
fn one_flyer_scene_painted_as_png_and_as_pdf_looks_the_same() {
    let p = project();
    let assets = Arc::new(Assets::load(&p.guide).unwrap());
    let print = PrintRenderer::with_assets(&p, Arc::clone(&assets)).unwrap();
    let print_cfg = &p.guide.channels.print;
    let offset = (print_cfg.bleed_mm * PT_PER_MM
        + if print_cfg.crop_marks {
            CROP_MARK_ROOM_MM * PT_PER_MM
        } else {
            0.0
        })
    .round() as usize;
    let mut scores = Vec::new();
    for piece in &p.pieces {
        let pages = print.pages(piece).unwrap();
        let (pdf, _) = print.render_pdf(piece).unwrap();
        let painted = png::paint(&pages[0], assets.font_store()).unwrap();
        let page = rasterize(&pdf, 0, 72.0);
        if std::env::var_os("SCENE_CHECK_PNG").is_some() {
            painted
                .save_png(format!("/tmp/scene-{}.png", piece.slug))
                .unwrap();
        }
        let same = disagreement(&painted, &page, offset);
        eprintln!("{}: {:.2} %", piece.slug, same * 100.0);
        assert!(
            same < 0.04,
            "{}: {:.1} % of the pixels differ between the painters",
            piece.slug,
            same * 100.0
        );
        scores.push((painted, page));
    }
    // The comparison can fail: one piece's painting against another piece's page.
    let (a, _) = &scores[0];
    let (_, b) = &scores[1];
    let other = disagreement(a, b, offset);
    eprintln!("two flyers: {:.2} %", other * 100.0);
    assert!(
        other > 0.10,
        "different flyers differ in {:.1} %",
        other * 100.0
    );
}

#[test]
fn a_card_scene_holds_the_text_it_laid_out() {
    let p = project();
    let r = SocialRenderer::new(&p).unwrap();
    let piece = p
        .pieces
        .iter()
        .find(|p| p.lang.starts_with("th"))
        .expect("a Thai piece");
    let preset = &p.guide.channels.social.presets[0];
    let hero = r.hero(piece).unwrap();
    let card = r.layout(piece, preset, hero.as_ref()).unwrap();
    let shown: String = card.scene.runs().map(|r| r.shown()).collect();
    let squash = |s: &str| s.split_whitespace().collect::<String>();
    let title = piece.title(brandpress::channel::Channel::Social);
    assert!(squash(&shown).contains(&squash(title)), "{shown:?}");
    assert_eq!(card.title_lines.concat(), title);
    if let Some(cta) = piece.cta_text(brandpress::channel::Channel::Social) {
        assert!(squash(&shown).contains(&squash(cta)), "{shown:?}");
    }
    // Every glyph run lies inside the card.
    let (w, h) = card.scene.size;
    for run in card.scene.runs() {
        for g in &run.glyphs {
            assert!(g.x >= 0.0 && g.x <= w && g.y >= 0.0 && g.y <= h, "{g:?}");
        }
    }
    // Painting the layout is the card.
    let painted = png::paint(&card.scene, r.fonts()).unwrap();
    let composed = r.compose(piece, preset, hero.as_ref()).unwrap();
    assert!(painted.data() == composed.pixmap.data());
}

#[test]
fn thai_text_painted_by_the_png_painter_stays_in_its_lines() {
    let p = project();
    let assets = Assets::load(&p.guide).unwrap();
    let fonts = assets.font_store();
    let choice =
        text::brand::role_choice(&p.guide, fonts, p.guide.heading(), p.guide.heading().weight)
            .unwrap();
    let words =
        "โปรโมชั่นพิเศษสำหรับสมาชิกใหม่ ลดราคาสินค้าทุกชิ้น น้ำปั้นลิ้นเยิ้มกี่ ปู่ญาติฤดูฐาน รีบๆ\nสั่งผ่าน LINE วันนี้ลด 20%";
    let style = TextStyle {
        size_px: 80.0,
        line_height: 1.3,
        choice,
        align: Align::Center,
    };
    let layout = text::fit(fonts, words, &style, (600.0, 360.0), 10.0, 80.0).unwrap();
    let mut scene = Scene::new((640.0, 400.0));
    scene.push(Item::Rect {
        rect: [0.0, 0.0, 640.0, 400.0],
        fill: Fill::Solid(Ink::rgb(Rgb(255, 255, 255))),
    });
    let shared: Arc<str> = words.into();
    for line in &layout.lines {
        scene.push(Item::Text(GlyphRun::line(
            line,
            (20.0, 20.0),
            &shared,
            layout.size_px,
            Ink::rgb(Rgb(20, 30, 90)),
        )));
    }
    let pixmap = png::paint(&scene, fonts).unwrap();
    let ink = |x: u32, y: u32| pixmap.pixel(x, y).is_some_and(|p| p.red() < 128);
    for line in &layout.lines {
        let y0 = (20.0 + line.baseline - layout.size_px * 0.6) as u32;
        let y1 = (20.0 + line.baseline) as u32;
        assert!(
            (y0..y1).any(|y| (0..640).any(|x| ink(x, y))),
            "line at {}",
            line.baseline
        );
    }
    assert!((0..400).all(|y| (0..15).all(|x| !ink(x, y)) && (625..640).all(|x| !ink(x, y))));
    // The runs give back the text, Thai marks and all.
    let shown: String = scene.runs().map(|r| r.shown()).collect::<Vec<_>>().join("");
    assert!(shown.contains("น้ำปั้นลิ้นเยิ้มกี่"), "{shown:?}");
}

#[test]
fn a_qr_code_painted_by_the_png_painter_decodes() {
    let url = "https://tonkla.example/campaigns/web/x/?utm_source=print";
    let mut qr = Qr::new(url, Ink::KEY).unwrap();
    let module = 4.0;
    let side = (qr.width + 8) as f32 * module;
    qr.rect = [
        4.0 * module,
        4.0 * module,
        qr.width as f32 * module,
        qr.width as f32 * module,
    ];
    let mut scene = Scene::new((side, side));
    scene.push(Item::Rect {
        rect: [0.0, 0.0, side, side],
        fill: Fill::Solid(Ink::PAPER),
    });
    scene.push(Item::Qr(qr));
    let pixmap = png::paint(&scene, &brandpress::text::FontStore::default()).unwrap();
    let (w, h) = (pixmap.width() as usize, pixmap.height() as usize);
    let mut img =
        rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| pixmap.data()[(y * w + x) * 4]);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1);
    assert_eq!(grids[0].decode().unwrap().1, url);
}
