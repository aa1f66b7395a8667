//! Social cards: brand colors at known spots, logo clear space, Thai line breaks,
//! determinism, errors for text that does not fit and for bad card layouts; and the
//! image linter on our own cards.

use std::path::{Path, PathBuf};

use brandpress::brand::{CardPreset, Guide, Rgb};
use brandpress::content::Piece;
use brandpress::error::SourceFile;
use brandpress::lint::LintContext;
use brandpress::lint::image::{self, palette_report};
use brandpress::project::Project;
use brandpress::render::Renderer;
use brandpress::render::social::{Card, SocialRenderer};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn project(pieces: Vec<Piece>) -> Project {
    Project {
        root: root(),
        guide: Guide::load(&root()).expect("example guide loads"),
        pieces,
    }
}

fn load(path: &std::path::Path) -> Piece {
    let guide = Guide::load(&root()).expect("example guide loads");
    Piece::load(path, &guide.sandbox).unwrap()
}

fn fixture(name: &str) -> Piece {
    load(&root().join("tests/fixtures/social").join(name))
}

fn example(name: &str) -> Piece {
    load(&root().join("content/winter-2026").join(name))
}

fn preset(p: &Project, name: &str) -> CardPreset {
    p.guide
        .channels
        .social
        .presets
        .iter()
        .find(|c| c.name == name)
        .unwrap()
        .clone()
}

fn pixel(card: &Card, x: f32, y: f32) -> Rgb {
    let px = card.pixmap.pixel(x as u32, y as u32).unwrap();
    assert_eq!(px.alpha(), 255, "cards are opaque");
    Rgb(px.red(), px.green(), px.blue())
}

fn hex(p: &Project, name: &str) -> Rgb {
    p.guide.color(name).unwrap().hex
}

#[test]
fn brand_colors_at_known_spots() {
    let p = project(vec![fixture("thai-marks.md")]);
    let r = SocialRenderer::new(&p).unwrap();
    for name in ["og", "square", "story"] {
        let card = r.card(&p.pieces[0], &preset(&p, name)).unwrap();
        let (w, h) = (card.pixmap.width() as f32, card.pixmap.height() as f32);
        for (x, y) in [
            (1.0, 1.0),
            (w - 2.0, 1.0),
            (w - 2.0, h - 2.0),
            (1.0, h - 2.0),
        ] {
            assert_eq!(pixel(&card, x, y), hex(&p, "forest"), "{name} corner");
        }
        let [cx, cy, _, ch] = card.region("cta").expect("a CTA pill");
        // Inside the pill, left of its label.
        assert_eq!(
            pixel(&card, cx + ch * 0.3, cy + ch / 2.0),
            hex(&p, "saffron"),
            "{name} pill"
        );
        // The title is set in paper: its solid glyph cores are exactly paper.
        let [tx, ty, tw, th] = card.region("title").unwrap();
        let paper = hex(&p, "paper");
        let mut solid = 0;
        for y in ty as u32..(ty + th) as u32 {
            for x in tx as u32..(tx + tw) as u32 {
                if pixel(&card, x as f32, y as f32) == paper {
                    solid += 1;
                }
            }
        }
        assert!(
            solid > 500,
            "{name}: only {solid} paper pixels in the title"
        );
    }
}

#[test]
fn logo_keeps_its_clear_space() {
    let p = project(vec![
        example("cold-brew-winter.md"),
        fixture("thai-marks.md"),
    ]);
    let r = SocialRenderer::new(&p).unwrap();
    let forest = hex(&p, "forest");
    for piece in &p.pieces {
        for name in ["og", "square", "story"] {
            let card = r.card(piece, &preset(&p, name)).unwrap();
            let [lx, ly, lw, lh] = card.region("logo").unwrap();
            assert!(lh >= p.guide.logo.min_size.social, "logo {lh}px too small");
            let [cx, cy, cw, ch] = card.region("logo-clear").unwrap();
            let clear = p.guide.logo.clear_space * lh;
            assert!((lx - cx - clear).abs() < 0.01 && (cw - lw - 2.0 * clear).abs() < 0.01);
            let mut bad = 0;
            for y in cy.ceil() as u32..(cy + ch).floor() as u32 {
                for x in cx.ceil() as u32..(cx + cw).floor() as u32 {
                    let inside_logo = (x as f32) >= lx - 1.0
                        && (x as f32) <= lx + lw + 1.0
                        && (y as f32) >= ly - 1.0
                        && (y as f32) <= ly + lh + 1.0;
                    if !inside_logo && pixel(&card, x as f32, y as f32) != forest {
                        bad += 1;
                    }
                }
            }
            assert_eq!(bad, 0, "{}-{name}: clear space not empty", piece.slug);
        }
    }
}

#[test]
fn long_thai_title_wraps_between_words() {
    let p = project(vec![fixture("thai-marks.md")]);
    let r = SocialRenderer::new(&p).unwrap();
    let piece = &p.pieces[0];
    let title = piece.meta.title.get_ref().as_str();
    for name in ["og", "story"] {
        let card = r.card(piece, &preset(&p, name)).unwrap();
        assert!(
            card.layout.title_lines.len() >= 2,
            "{name}: {:?}",
            card.layout.title_lines
        );
        assert_eq!(card.layout.title_lines.concat(), title);
        for word in [
            "กาแฟ",
            "น้ำผึ้ง",
            "เยิ้ม",
            "ละมุน",
            "ลิ้น",
            "ทำ",
            "ทุก",
            "แก้ว",
            "ปั้น",
            "ความ",
            "อร่อย",
            "กี่",
            "เบื่อ",
        ] {
            assert!(
                card.layout.title_lines.iter().any(|l| l.contains(word)),
                "{name}: {word} split across lines {:?}",
                card.layout.title_lines
            );
        }
    }
}

#[test]
fn cards_are_deterministic() {
    let p = project(vec![
        example("cold-brew-winter.md"),
        fixture("thai-marks.md"),
    ]);
    let r = SocialRenderer::new(&p).unwrap();
    let a = r.render(&p.pieces[0]).unwrap();
    let b = r.render(&p.pieces[0]).unwrap();
    assert_eq!(a.outputs.len(), 3);
    for (x, y) in a.outputs.iter().zip(&b.outputs) {
        assert_eq!(x.path, y.path);
        assert!(
            x.bytes == y.bytes,
            "{} differs between renders",
            x.path.display()
        );
    }
    let names: Vec<_> = a.outputs.iter().map(|o| o.path.clone()).collect();
    assert_eq!(
        names,
        [
            "social/cold-brew-winter-og.png",
            "social/cold-brew-winter-square.png",
            "social/cold-brew-winter-story.png"
        ]
        .map(PathBuf::from)
    );
    // A second renderer (fonts and logo loaded again) gives the same bytes.
    let r2 = SocialRenderer::new(&p).unwrap();
    let c = r2.render(&p.pieces[0]).unwrap();
    assert!(a.outputs[0].bytes == c.outputs[0].bytes);
}

#[test]
fn title_that_cannot_fit_is_an_error_naming_piece_and_card() {
    let long = "โคลด์บรูว์รับลมหนาว สองแก้ว 89 บาท ".repeat(40);
    let text =
        format!("+++\ntitle = \"{long}\"\nsummary = \"สรุป\"\nslug = \"too-long\"\n+++\nเนื้อหา\n");
    let piece = Piece::parse(SourceFile::new("content/too-long.md", text)).unwrap();
    let p = project(vec![piece]);
    let r = SocialRenderer::new(&p).unwrap();
    let e = r
        .card(&p.pieces[0], &preset(&p, "og"))
        .unwrap_err()
        .to_string();
    // at the value itself, not the start of its line
    assert!(e.starts_with("content/too-long.md:2:9:"), "{e}");
    assert!(e.contains("too-long-og (1200×630)"), "{e}");
    assert!(e.contains("title does not fit"), "{e}");
    // The renderer reports it for the build instead of writing a clipped card.
    assert!(r.render(&p.pieces[0]).is_err());
}

#[test]
fn hero_is_cover_fitted_and_declared_as_photo() {
    let p = project(vec![example("cold-brew-winter.md")]);
    let r = SocialRenderer::new(&p).unwrap();
    let card = r.card(&p.pieces[0], &preset(&p, "og")).unwrap();
    let [x, y, w, h] = card.layout.photo.expect("a photo box");
    assert_eq!((y, h), (0, 630));
    assert_eq!(x + w, 1200);
    // The hero's sky (mist) fills the box's top right.
    assert_eq!(
        pixel(&card, (x + w - 5) as f32, 5.0),
        hex(&p, "mist"),
        "hero drawn"
    );
    let png = card.encode_png().unwrap();
    let decoded = image::decode(&png).unwrap();
    assert_eq!(decoded.photo, Some([x, y, w, h]));
}

fn guide_with_layout(layout: &str) -> brandpress::error::Result<Guide> {
    let base = std::fs::read_to_string(root().join("brand/brand.toml")).unwrap();
    let start = base.find("[channels.social.layout]").unwrap();
    let end = start + base[start..].find("\n\n").unwrap();
    let text = format!("{}{}{}", &base[..start], layout, &base[end..]);
    Guide::from_source(&root(), SourceFile::new("brand/brand.toml", text))
}

#[test]
fn layout_colors_are_checked_against_the_palette() {
    let e = guide_with_layout("[channels.social.layout]\nbackground = \"teal\"\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("brand/brand.toml:"), "{e}");
    assert!(e.contains("unknown color \"teal\""), "{e}");
    // The logo may not sit on roast.
    let e = guide_with_layout("[channels.social.layout]\ngradient = [\"forest\", \"roast\"]\n")
        .unwrap_err();
    assert!(
        format!("{e:?}").contains("backgrounds does not allow"),
        "{e:?}"
    );
    // Unreadable title.
    let e = guide_with_layout(
        "[channels.social.layout]\nbackground = \"paper\"\ntitle_color = \"mist\"\ntext_color = \"ink\"\n",
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("card title: mist on paper"), "{e}");
    // Both at once is ambiguous.
    assert!(
        guide_with_layout(
            "[channels.social.layout]\nbackground = \"forest\"\ngradient = [\"forest\", \"paper\"]\n"
        )
        .is_err()
    );
    // A good paper layout loads.
    guide_with_layout(
        "[channels.social.layout]\nbackground = \"paper\"\ntitle_color = \"forest\"\ntext_color = \"ink\"\n",
    )
    .unwrap();
}

#[test]
fn gradient_cards_render_and_pass_the_image_lint() {
    // A real two-color gradient, with roast allowed under the logo.
    let text = std::fs::read_to_string(root().join("brand/brand.toml")).unwrap();
    let text = text.replace(
        "background = \"forest\"      # or",
        "gradient = [\"forest\", \"roast\"]  # or",
    );
    let text = text.replace(
        "backgrounds = [\"paper\", \"mist\", \"forest\"]",
        "backgrounds = [\"paper\", \"mist\", \"forest\", \"roast\"]",
    );
    let guide = Guide::from_source(&root(), SourceFile::new("brand/brand.toml", text)).unwrap();
    let p = Project {
        root: root(),
        guide,
        pieces: vec![fixture("thai-marks.md")],
    };
    let r = SocialRenderer::new(&p).unwrap();
    let card = r.card(&p.pieces[0], &preset(&p, "og")).unwrap();
    assert_eq!(pixel(&card, 0.0, 0.0), hex(&p, "forest"));
    assert_eq!(pixel(&card, 1199.0, 629.0), hex(&p, "roast"));
    let decoded = image::decode(&card.encode_png().unwrap()).unwrap();
    let ctx = LintContext::new(&p.guide);
    let report = palette_report(&ctx, &decoded);
    // Glyph edges over the gradient are three-color blends; all but stray pixels are
    // recognised (the whole card: 756,000 pixels).
    assert!(report.off < 50, "{report:?}");
    assert!(report.blends > 100_000, "{report:?}");
    assert!(image::check_palette(&ctx, Path::new("g.png"), &decoded).is_none());
}

#[test]
fn our_cards_pass_the_image_lint_and_edges_are_not_counted() {
    let p = project(vec![
        example("cold-brew-winter.md"),
        fixture("thai-marks.md"),
    ]);
    let r = SocialRenderer::new(&p).unwrap();
    let ctx = LintContext::new(&p.guide);
    for piece in &p.pieces {
        let rendered = r.render(piece).unwrap();
        for out in &rendered.outputs {
            let path = Path::new("out").join(&out.path);
            let findings = image::lint(&ctx, &path, &out.bytes);
            assert!(findings.is_empty(), "{}: {findings:?}", out.path.display());
            let decoded = image::decode(&out.bytes).unwrap();
            let report = palette_report(&ctx, &decoded);
            // Anti-aliased text edges exist and are all recognised as blends.
            assert!(report.blends > 1000, "{}: {report:?}", out.path.display());
            assert!(
                report.share() < 0.001,
                "{}: {:.4}",
                out.path.display(),
                report.share()
            );
        }
    }
}

fn piece_titled(title: &str) -> Piece {
    let text =
        format!("+++\ntitle = \"{title}\"\nsummary = \"สรุป\"\nslug = \"glyphs\"\n+++\nเนื้อหา\n");
    Piece::parse(SourceFile::new("content/glyphs.md", text)).unwrap()
}

#[test]
fn characters_no_brand_font_has_leave_no_boxes_and_are_reported() {
    let p = project(vec![
        piece_titled("กาแฟ ☕ 😀 مرحبا 你好"),
        piece_titled("กาแฟ"),
    ]);
    let r = SocialRenderer::new(&p).unwrap();
    let og = preset(&p, "og");
    let with = r.card(&p.pieces[0], &og).unwrap();
    let without = r.card(&p.pieces[1], &og).unwrap();
    // Nothing is drawn for what no font has: not a .notdef box, not a gap that widens the
    // title. The card is the one of the title without those characters, pixel for pixel.
    assert!(
        with.pixmap.data() == without.pixmap.data(),
        "the card differs from the card without the missing characters"
    );
    let mut expected: Vec<char> = "☕😀مرحبا你好".chars().collect();
    expected.sort_unstable();
    expected.dedup();
    assert_eq!(with.layout.missing, expected);
    assert!(without.layout.missing.is_empty());
    // The build hears about it once per piece, naming the piece, the channel and the
    // code points.
    let rendered = r.render(&p.pieces[0]).unwrap();
    assert_eq!(rendered.warnings.len(), 1, "{:?}", rendered.warnings);
    let w = &rendered.warnings[0];
    for needle in [
        "content/glyphs.md",
        "font/missing-glyph",
        "social cards",
        "😀 (U+1F600)",
        "你 (U+4F60)",
    ] {
        assert!(w.contains(needle), "{needle}: {w}");
    }
    assert!(r.render(&p.pieces[1]).unwrap().warnings.is_empty());
}

#[test]
fn a_card_preset_without_pixels_is_an_error_at_its_line() {
    let base = std::fs::read_to_string(root().join("brand/brand.toml")).unwrap();
    let text = base.replace(
        "{ name = \"square\", width = 1080, height = 1080 }",
        "{ name = \"square\", width = 1080, height = 0 }",
    );
    let line = text
        .lines()
        .position(|l| l.contains("name = \"square\""))
        .unwrap()
        + 1;
    let e = Guide::from_source(&root(), SourceFile::new("brand/brand.toml", text))
        .unwrap_err()
        .to_string();
    assert!(e.contains(&format!("brand/brand.toml:{line}:")), "{e}");
    assert!(
        e.contains("\"square\" is 1080×0 px, which has no pixels"),
        "{e}"
    );
}
