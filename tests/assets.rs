//! One picture policy for every channel: a WebP hero and a GIF hero built through all four
//! channels of a project with Thai pieces, each output checked for the picture itself
//! (card pixels, a PDF image that hayro draws, files the HTML points at), and a hero in
//! any other format refused at its front matter line.

mod support;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use support::copy_dir;

use brandpress::build::{BuildOptions, build};
use brandpress::lint::pdf::extract_text;
use brandpress::project::Project;
use brandpress::render::Channel;

/// A color no brand color is near, so finding it means finding the hero.
const HERO: [u8; 3] = [200, 30, 160];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The example's guide and templates with one Thai piece whose hero is `hero` (the file
/// `content/promo/<hero>` holding `bytes`).
fn project_with_hero(dir: &Path, slug: &str, hero: &str, bytes: &[u8]) -> Project {
    copy_dir(&root().join("brand"), &dir.join("brand"));
    copy_dir(&root().join("templates"), &dir.join("templates"));
    let content = dir.join("content/promo");
    std::fs::create_dir_all(&content).unwrap();
    std::fs::write(content.join(hero), bytes).unwrap();
    std::fs::write(
        content.join(format!("{slug}.md")),
        format!(
            r#"+++
title = "กาแฟเย็นสูตรใหม่ หอมคาราเมล"
summary = "ชวนชิมกาแฟเย็นสูตรใหม่ที่ร้านต้นกล้าทุกสาขา"
slug = "{slug}"
date = 2026-11-28
lang = "th"
hero = "{hero}"
channels = ["web", "email", "social", "print"]

[cta]
text = "สั่งเลย"
url = "https://tonkla.example/order"
+++

ต้นกล้าคอฟฟี่ชวนชิมกาแฟเย็นสูตรใหม่ หอมกลิ่นคาราเมล ดื่มง่ายทุกวัน
"#
        ),
    )
    .unwrap();
    Project::load(dir).expect("project loads")
}

/// A `w × h` picture of the hero color, encoded as `format` by the `image` crate.
fn picture(format: image::ImageFormat, w: u32, h: u32) -> Vec<u8> {
    let [r, g, b] = HERO;
    let img = image::RgbaImage::from_pixel(w, h, image::Rgba([r, g, b, 255]));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

fn near_hero(p: &[u8]) -> bool {
    p.iter().zip(HERO).all(|(a, b)| a.abs_diff(b) <= 6)
}

fn build_all(project: &Project, out: &Path) {
    build(
        project,
        &BuildOptions {
            out: out.to_path_buf(),
            channels: Channel::ALL.to_vec(),
            shard: None,
        },
    )
    .expect("builds");
}

/// Checks every channel's output of `slug` for the hero; `email_ext` is the extension of
/// the picture the email points at.
fn check_every_channel(out: &Path, slug: &str, hero: &str, email_ext: &str, size: (u32, u32)) {
    // Web: the page points at the hero, published beside it as it is.
    let page = std::fs::read_to_string(out.join(format!("web/{slug}/index.html"))).unwrap();
    assert!(
        page.contains(&format!("src=\"{hero}\"")),
        "web page: {page}"
    );
    assert!(page.contains("กาแฟเย็นสูตรใหม่"), "Thai title on the page");
    let published = std::fs::read(out.join(format!("web/{slug}/{hero}"))).unwrap();
    let shown = image::load_from_memory(&published).unwrap();
    assert_eq!((shown.width(), shown.height()), size);

    // Email: the message points at a file the build wrote, in a format every client shows.
    let rel = format!("email/{slug}-hero.{email_ext}");
    let html = std::fs::read_to_string(out.join(format!("email/{slug}.html"))).unwrap();
    assert!(html.contains(&rel), "email points at {rel}");
    assert!(html.contains("กาแฟเย็นสูตรใหม่"), "Thai title in the email");
    let bytes = std::fs::read(out.join(&rel)).unwrap();
    let format = image::guess_format(&bytes).unwrap();
    assert!(
        matches!(
            format,
            image::ImageFormat::Png | image::ImageFormat::Jpeg | image::ImageFormat::Gif
        ),
        "{format:?}"
    );
    let sent = image::load_from_memory(&bytes).unwrap().to_rgba8();
    assert!(near_hero(&sent.get_pixel(1, 1).0[..3]), "{rel}");

    // Social: the card shows the hero where it records its photo area.
    for preset in ["og", "square", "story"] {
        let card = std::fs::read(out.join(format!("social/{slug}-{preset}.png"))).unwrap();
        let decoded = brandpress::lint::image::decode(&card).unwrap();
        let [x, y, w, h] = decoded.photo.expect("the card records its photo area");
        let px = |x: u32, y: u32| {
            let i = ((y * decoded.width + x) * 4) as usize;
            decoded.rgba[i..i + 3].to_vec()
        };
        for (cx, cy) in [(x + w / 2, y + h / 2), (x + w / 4, y + h / 4)] {
            assert!(
                near_hero(&px(cx, cy)),
                "{preset} card at {cx},{cy}: {:?}",
                px(cx, cy)
            );
        }
        // Outside the photo area it is the card, not the hero.
        assert!(!near_hero(&px(2, decoded.height - 3)), "{preset}");
    }

    // Print: an image XObject of the hero's size, drawn on the page; Thai text extractable.
    let pdf = std::fs::read(out.join(format!("print/{slug}.pdf"))).unwrap();
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let images: Vec<(i64, i64)> = doc
        .objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .filter(|s| s.dict.get(b"Subtype").and_then(|t| t.as_name()).ok() == Some(b"Image"))
        .map(|s| {
            let n = |k: &[u8]| s.dict.get(k).unwrap().as_i64().unwrap();
            (n(b"Width"), n(b"Height"))
        })
        .collect();
    assert!(
        images.contains(&(i64::from(size.0), i64::from(size.1))),
        "image XObjects: {images:?}"
    );
    assert!(extract_text(&pdf).unwrap().concat().contains("กาแฟเย็น"));
    let file = hayro::hayro_syntax::Pdf::new(pdf.clone()).unwrap();
    let pages = file.pages();
    let pixmap = hayro::render(
        &pages[0],
        &hayro::RenderCache::new(),
        &Default::default(),
        &Default::default(),
        &hayro::PixmapSettings {
            x_scale: 0.5,
            y_scale: 0.5,
            bg_color: hayro::vello_cpu::color::palette::css::WHITE,
        },
    );
    let shown = pixmap
        .data_as_u8_slice()
        .chunks_exact(4)
        .filter(|p| near_hero(&p[..3]))
        .count();
    assert!(shown > 500, "{shown} hero pixels on the printed page");
}

#[test]
fn a_webp_hero_shows_on_every_channel() {
    let dir = tempfile::tempdir().unwrap();
    let project = project_with_hero(
        dir.path(),
        "webp-hero",
        "hero.webp",
        &picture(image::ImageFormat::WebP, 900, 600),
    );
    let out = dir.path().join("out");
    build_all(&project, &out);
    // A lossless WebP: sent to email as PNG (Outlook for Windows shows no WebP).
    check_every_channel(&out, "webp-hero", "hero.webp", "png", (900, 600));
    let email_png = std::fs::read(out.join("email/webp-hero-hero.png")).unwrap();
    let sent = image::load_from_memory(&email_png).unwrap();
    let width = project.guide.channels.email.width;
    assert_eq!(
        sent.width(),
        (2 * width).min(900),
        "at most twice the email's width"
    );
}

#[test]
fn a_gif_hero_shows_its_first_frame_on_every_channel() {
    let dir = tempfile::tempdir().unwrap();
    let project = project_with_hero(
        dir.path(),
        "gif-hero",
        "hero.gif",
        &picture(image::ImageFormat::Gif, 640, 480),
    );
    let out = dir.path().join("out");
    build_all(&project, &out);
    check_every_channel(&out, "gif-hero", "hero.gif", "gif", (640, 480));
}

#[test]
fn a_hero_in_another_format_is_an_error_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let project = project_with_hero(
        dir.path(),
        "bmp-hero",
        "hero.bmp",
        // A BMP file header: a picture, but not one every channel can show.
        &[b"BM".as_slice(), &[0; 60]].concat(),
    );
    for channel in Channel::ALL {
        let err = build(
            &project,
            &BuildOptions {
                out: dir.path().join(format!("out-{channel}")),
                channels: vec![channel],
                shard: None,
            },
        )
        .err()
        .unwrap_or_else(|| panic!("{channel}: a BMP hero must be refused"))
        .to_string();
        assert!(err.contains("bmp-hero.md:7:"), "{channel}: {err}");
        assert!(err.contains("PNG, JPEG, WebP or GIF"), "{channel}: {err}");
    }
}
