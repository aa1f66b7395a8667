//! Hostile-input cases: render. Logos and heroes that reach outside `brand/` or the
//! project, images and SVGs that would take gigabytes or forever to draw, fonts that do not
//! parse fully, text no brand font has, and layouts that cannot fit. See `main.rs`.
//!
//! The piece is `content/piece.md` (see `harness::PIECE`): the title is line 2, one line of
//! extra front matter is line 7, and the body starts on line 10. Cases that must render
//! cards keep one card preset, so the debug binary stays well inside the time limit.

use crate::harness::{BODY, Case, Expect, Fixture, PIECE};

fn err(needles: &[&'static str]) -> Expect {
    Expect::Error(needles.to_vec())
}

/// A piece whose hero is `content/<name>`, holding `bytes`.
fn hero(
    name: &'static str,
    bytes: impl Fn() -> Vec<u8> + Send + Sync + 'static,
) -> impl Fn(&Fixture) + Send + Sync {
    move |f: &Fixture| {
        f.write(&format!("content/{name}"), bytes());
        f.piece(&format!("hero = \"{name}\""), BODY);
    }
}

/// An SVG hero `content/hero.svg` of `body` inside a 100×100 SVG.
fn svg_hero(body: String) -> impl Fn(&Fixture) + Send + Sync {
    hero("hero.svg", move || {
        format!(r#"<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">{body}</svg>"#)
            .into_bytes()
    })
}

/// The logo with `extra` SVG added before `</svg>`.
fn logo_with(f: &Fixture, extra: &str) {
    let svg = f
        .read("brand/logo.svg")
        .replacen("</svg>", &format!("{extra}</svg>"), 1);
    f.write("brand/logo.svg", svg);
}

/// Only the `og` card preset (one card per piece instead of three).
fn one_preset(f: &Fixture) {
    f.edit_guide(|g| {
        g.replace(
            "  { name = \"square\", width = 1080, height = 1080 },\n",
            "",
        )
        .replace("  { name = \"story\", width = 1080, height = 1920 },\n", "")
        // the story card's QR code goes with its preset
        .replace("qr = [\"story\"]\n", "")
    });
}

/// Signature and IHDR of a PNG of `w × h` (no pixel data: nothing may decode it).
fn png_header(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, w, h);
    encoder.set_color(png::ColorType::Rgb);
    let writer = encoder.write_header().unwrap();
    drop(writer);
    out
}

/// A whole, valid PNG of `w × h` in one brand color.
fn png_image(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, w, h);
        encoder.set_color(png::ColorType::Rgb);
        let mut writer = encoder.write_header().unwrap();
        writer
            .write_image_data(&[0x1F, 0x5C, 0x4A].repeat(w as usize * h as usize))
            .unwrap();
    }
    out
}

/// A baseline JPEG header (SOI, SOF0) claiming `w × h`.
fn jpeg_header(w: u16, h: u16) -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08];
    out.extend_from_slice(&h.to_be_bytes());
    out.extend_from_slice(&w.to_be_bytes());
    out.extend_from_slice(&[3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xFF, 0xD9]);
    out
}

/// A two-frame GIF of `w × h`: the first frame saffron, the second red.
fn gif_image(w: u16, h: u16) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = gif::Encoder::new(&mut out, w, h, &[]).unwrap();
        for rgba in [[0xF2, 0xA5, 0x41, 255], [0xE6, 0x39, 0x46, 255]] {
            let mut pixels = rgba.repeat(usize::from(w) * usize::from(h));
            let frame = gif::Frame::from_rgba_speed(w, h, &mut pixels, 10);
            encoder.write_frame(&frame).unwrap();
        }
    }
    out
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                s.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

/// A piece whose title is `title`.
fn titled(title: String) -> impl Fn(&Fixture) + Send + Sync {
    move |f: &Fixture| {
        let text = PIECE
            .replace("โคลด์บรูว์รับลมหนาว", &title)
            .replace("{extra}", "")
            .replace("{body}", BODY);
        f.write("content/piece.md", text);
    }
}

/// Exit 0 and every needle in stderr (a warning).
fn warns(needles: &'static [&'static str]) -> Expect {
    Expect::Custom(Box::new(move |o, _| {
        o.expect_code(0)?;
        for n in needles {
            if !o.stderr.contains(n) {
                return Err(o.fail(format!("stderr lacks {n:?}")));
            }
        }
        Ok(())
    }))
}

/// Exit 0 and `out/<rel>` written.
fn builds(rel: &'static str) -> Expect {
    Expect::Custom(Box::new(move |o, f| {
        o.expect_code(0)?;
        if !f.out.join(rel).is_file() {
            return Err(o.fail(format!("out/{rel} was not written")));
        }
        Ok(())
    }))
}

const GLYPHLESS_BODY: &str = "## หอม 😀 นุ่ม\n\nโคลด์บรูว์ ☕ مرحبا 你好 สกัดเย็น\n";

pub fn cases() -> Vec<Case> {
    vec![
        // ---- the logo SVG may read images under brand/ only, on every channel ----
        Case::build(
            "logo-svg-image-absolute-path-social",
            "social",
            |f: &Fixture| {
                let href = f.outside.join("secret.png");
                logo_with(f, &format!(r#"<image href="{}" width="9" height="9"/>"#, href.display()));
            },
            err(&["brand/logo.svg", "<image href=", "absolute path"]),
        ),
        Case::build(
            "logo-svg-image-absolute-path-print",
            "print",
            |f: &Fixture| {
                let href = f.outside.join("secret.png");
                logo_with(f, &format!(r#"<image href="{}" width="9" height="9"/>"#, href.display()));
            },
            err(&["brand/logo.svg", "<image href=", "absolute path"]),
        ),
        Case::build(
            "logo-svg-image-absolute-path-email",
            "email",
            |f: &Fixture| {
                let href = f.outside.join("secret.png");
                logo_with(f, &format!(r#"<image href="{}" width="9" height="9"/>"#, href.display()));
            },
            err(&["brand/logo.svg", "<image href=", "absolute path"]),
        ),
        Case::build(
            "logo-svg-image-relative-escape-email",
            "email",
            |f: &Fixture| {
                logo_with(
                    f,
                    r#"<image href="../../outside/secret.png" width="9" height="9"/>"#,
                )
            },
            err(&["brand/logo.svg", "../../outside/secret.png", "outside"]),
        ),
        Case::build(
            "logo-svg-image-into-content-folder-print",
            "print",
            |f: &Fixture| {
                f.write("content/pic.png", png_image(2, 2));
                logo_with(f, r#"<image href="../content/pic.png" width="9" height="9"/>"#);
            },
            err(&["brand/logo.svg", "../content/pic.png", "outside brand/, the only folder"]),
        ),
        Case::build(
            "logo-svg-showing-itself-does-not-recurse",
            "email,print",
            |f: &Fixture| logo_with(f, r#"<image href="logo.svg" width="9" height="9"/>"#),
            builds("email/assets/logo.png"),
        ),
        Case::build(
            "logo-svg-16000-by-1-rasterized-for-email",
            "email",
            |f: &Fixture| {
                f.write(
                    "brand/logo.svg",
                    r##"<svg xmlns="http://www.w3.org/2000/svg" width="16000" height="1"><rect width="16000" height="1" fill="#1F5C4A"/></svg>"##,
                )
            },
            err(&["brand/logo.svg", "1792000×112 px", "16384 px per side"]),
        ),
        // ---- a hero SVG reads images inside the project only ----
        Case::build(
            "hero-svg-image-outside-project-social",
            "social",
            svg_hero(r#"<image href="../../outside/secret.png" width="9" height="9"/>"#.into()),
            err(&["content/piece.md:7:", "hero.svg", "outside the project"]),
        ),
        Case::build(
            "hero-svg-image-absolute-path-email",
            "email",
            |f: &Fixture| {
                let href = f.outside.join("secret.png");
                svg_hero(format!(r#"<image href="{}" width="9" height="9"/>"#, href.display()))(f)
            },
            err(&["content/piece.md:7:", "hero.svg", "absolute path"]),
        ),
        // ---- pixel limits on every channel, from the header ----
        Case::build(
            "hero-png-60000-square-print",
            "print",
            hero("hero.png", || png_header(60_000, 60_000)),
            err(&["content/piece.md:7:", "60000×60000 px", "50 megapixels"]),
        ),
        Case::build(
            "hero-png-60000-square-web",
            "web",
            hero("hero.png", || png_header(60_000, 60_000)),
            err(&["content/piece.md:7:", "60000×60000 px", "50 megapixels"]),
        ),
        Case::build(
            "body-image-png-60000-square-web",
            "web,email",
            |f: &Fixture| {
                f.write("content/big.png", png_header(60_000, 60_000));
                f.piece("", &format!("{}\n![ใหญ่](big.png)\n", crate::harness::BODY));
            },
            err(&["content/piece.md:14:", "60000×60000 px"]),
        ),
        Case::build(
            "hero-png-60000-square-social",
            "social",
            hero("hero.png", || png_header(60_000, 60_000)),
            err(&["content/piece.md:7:", "60000×60000 px", "50 megapixels"]),
        ),
        Case::build(
            "hero-png-60000-square-email",
            "email",
            hero("hero.png", || png_header(60_000, 60_000)),
            err(&["content/piece.md:7:", "60000×60000 px", "50 megapixels"]),
        ),
        Case::build(
            "hero-jpeg-60000-square-print",
            "print",
            hero("hero.jpg", || jpeg_header(60_000, 60_000)),
            err(&["content/piece.md:7:", "60000×60000 px"]),
        ),
        Case::build(
            "hero-gif-60000-square-email",
            "email",
            hero("hero.gif", || {
                let mut g = b"GIF89a".to_vec();
                g.extend_from_slice(&60_000u16.to_le_bytes());
                g.extend_from_slice(&60_000u16.to_le_bytes());
                g.extend_from_slice(&[0, 0, 0, 0x3B]);
                g
            }),
            err(&["content/piece.md:7:", "60000×60000 px"]),
        ),
        Case::build(
            "hero-png-1-by-100000-social-print",
            "social,print",
            hero("hero.png", || png_image(1, 100_000)),
            err(&["content/piece.md:7:", "1×100000 px", "16384 px per side"]),
        ),
        Case::build(
            "hero-svg-declared-100000-wide-print",
            "print",
            hero("hero.svg", || {
                br##"<svg xmlns="http://www.w3.org/2000/svg" width="100000" height="10"><rect width="100000" height="10" fill="#1F5C4A"/></svg>"##.to_vec()
            }),
            err(&["content/piece.md:7:", "100000×10 px"]),
        ),
        Case::build(
            "hero-svg-holding-a-60000-square-png-social",
            "social",
            |f: &Fixture| {
                let data = base64(&png_header(60_000, 60_000));
                svg_hero(format!(
                    r#"<g opacity="0.5"><image width="100" height="100" href="data:image/png;base64,{data}"/></g>"#
                ))(f)
            },
            err(&["content/piece.md:7:", "holds an image that is 60000×60000 px"]),
        ),
        Case::build(
            "hero-svgz-inflating-past-64-mib-print",
            "print",
            hero("hero.svg", || {
                let mut svg = br#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><!--"#.to_vec();
                svg.resize(svg.len() + 70 * 1024 * 1024, b' ');
                svg.extend_from_slice(b"--></svg>");
                gzip(&svg)
            }),
            err(&["content/piece.md:7:", "inflates to more than 64 MiB"]),
        ),
        // ---- SVGs that would overflow the stack, take gigabytes or never finish ----
        Case::build(
            "hero-svg-100000-nested-groups-email",
            "email",
            svg_hero(format!("{}<rect/>{}", "<g>".repeat(100_000), "</g>".repeat(100_000))),
            err(&["content/piece.md:7:", "100002 levels deep", "256"]),
        ),
        Case::build(
            "hero-svg-1000-nested-groups-social",
            "social",
            svg_hero(format!("{}<rect/>{}", "<g>".repeat(1000), "</g>".repeat(1000))),
            err(&["content/piece.md:7:", "1002 levels deep"]),
        ),
        Case::build(
            "hero-svg-200-nested-opacity-layers-email",
            "email",
            svg_hero(format!(
                r##"{}<rect x="-1e6" y="-1e6" width="2e6" height="2e6" fill="#1F5C4A"/>{}"##,
                r#"<g opacity="0.9">"#.repeat(200),
                "</g>".repeat(200)
            )),
            err(&["content/piece.md:7:", "canvases of layers at once"]),
        ),
        Case::build(
            "hero-svg-turbulence-100-million-octaves-email",
            "email",
            svg_hero(r#"<filter id="f"><feTurbulence baseFrequency="0.05" numOctaves="100000000"/></filter><rect width="100" height="100" filter="url(#f)"/>"#.into()),
            err(&["content/piece.md:7:", "numOctaves", "the limit is 10"]),
        ),
        Case::build(
            "hero-svg-twenty-turbulence-filters-social",
            "social",
            svg_hero(format!(
                r#"<filter id="f">{}</filter><rect width="100" height="100" filter="url(#f)"/>"#,
                r#"<feTurbulence baseFrequency="0.05" numOctaves="10"/>"#.repeat(20)
            )),
            err(&["content/piece.md:7:", "canvases of layer and filter work"]),
        ),
        Case::build(
            "hero-svg-morphology-radius-100000-print",
            "print",
            svg_hero(r##"<filter id="f"><feMorphology operator="dilate" radius="100000"/></filter><rect width="100" height="100" fill="#1F5C4A" filter="url(#f)"/>"##.into()),
            err(&["content/piece.md:7:", "feMorphology"]),
        ),
        // ---- GIF heroes: the first frame, the same on every channel ----
        Case::build(
            "hero-gif-first-frame-on-the-card",
            "social",
            |f: &Fixture| {
                one_preset(f);
                hero("hero.gif", || gif_image(64, 48))(f);
            },
            Expect::Custom(Box::new(|o, f| {
                o.expect_code(0)?;
                let bytes = std::fs::read(f.out.join("social/piece-og.png"))
                    .map_err(|e| o.fail(format!("no card: {e}")))?;
                // cards of few colors are indexed: expand them to RGB
                let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
                decoder.set_transformations(png::Transformations::EXPAND);
                let mut reader = decoder.read_info().unwrap();
                let mut buf = vec![0; reader.output_buffer_size()];
                let info = reader.next_frame(&mut buf).unwrap();
                // The hero band is the card's right side; the first frame is saffron, the
                // second red, the card's background forest green.
                let (w, h) = (info.width as usize, info.height as usize);
                let at = (h / 2 * w + w - 20) * info.color_type.samples();
                if buf[at..at + 3] != [0xF2, 0xA5, 0x41] {
                    return Err(o.fail(format!("hero band shows {:?}", &buf[at..at + 3])));
                }
                Ok(())
            })),
        ),
        Case::build(
            "hero-gif-first-frame-in-print",
            "print",
            hero("hero.gif", || gif_image(64, 48)),
            Expect::Custom(Box::new(|o, f| {
                o.expect_code(0)?;
                if o.stderr.contains("left out") {
                    return Err(o.fail("the GIF hero was left out of the flyer"));
                }
                let pdf = std::fs::read(f.out.join("print/piece.pdf"))
                    .map_err(|e| o.fail(format!("no flyer: {e}")))?;
                // The first frame's 64×48 pixels, as an image XObject.
                if !crate::harness::contains(&pdf, b"/Subtype/Image")
                    || !crate::harness::contains(&pdf, b"/Width 64")
                {
                    return Err(o.fail("the flyer holds no 64×48 image"));
                }
                Ok(())
            })),
        ),
        Case::build(
            "hero-png-with-broken-data-print",
            "print",
            hero("hero.png", || png_header(64, 64)),
            err(&["content/piece.md", "image"]),
        ),
        Case::build(
            "hero-png-with-broken-data-social",
            "social",
            hero("hero.png", || png_header(64, 64)),
            err(&["content/piece.md:7:", "cannot be decoded"]),
        ),
        // ---- fonts must parse fully ----
        Case::build(
            "font-truncated-to-95-percent-print",
            "print",
            |f: &Fixture| {
                let path = f.project.join("brand/fonts/NotoSansThai-Regular.ttf");
                let bytes = std::fs::read(&path).unwrap();
                std::fs::write(&path, &bytes[..bytes.len() * 95 / 100]).unwrap();
            },
            err(&["NotoSansThai-Regular.ttf", "truncated"]),
        ),
        Case::build(
            "font-of-ten-bytes-social",
            "social",
            |f: &Fixture| {
                let path = f.project.join("brand/fonts/NotoSans-Bold.ttf");
                let bytes = std::fs::read(&path).unwrap();
                std::fs::write(&path, &bytes[..10]).unwrap();
            },
            err(&["NotoSans-Bold.ttf"]),
        ),
        // ---- characters no brand font has ----
        Case::build(
            "emoji-arabic-cjk-on-the-card-warn",
            "social",
            |f: &Fixture| {
                one_preset(f);
                titled("กาแฟ ☕ 😀 مرحبا 你好".into())(f);
            },
            warns(&[
                "content/piece.md",
                "font/missing-glyph",
                "social cards",
                "😀 (U+1F600)",
                "☕ (U+2615)",
                "م (U+0645)",
                "你 (U+4F60)",
            ]),
        ),
        Case::build(
            "emoji-arabic-cjk-in-print-body-warn",
            "print",
            |f: &Fixture| f.piece("", GLYPHLESS_BODY),
            warns(&[
                "content/piece.md",
                "font/missing-glyph",
                "print PDF",
                "😀 (U+1F600)",
                "ا (U+0627)",
                "好 (U+597D)",
            ]),
        ),
        Case::build(
            "missing-glyph-rule-set-to-error-fails-the-build",
            "print",
            |f: &Fixture| {
                f.piece("", GLYPHLESS_BODY);
                f.edit_guide(|g| {
                    g.replace(
                        "\"tone/sentence-length\" = \"warning\"",
                        "\"tone/sentence-length\" = \"warning\"\n\"font/missing-glyph\" = \"error\"",
                    )
                });
            },
            err(&["content/piece.md", "font/missing-glyph", "U+1F600"]),
        ),
        Case::build(
            "missing-glyph-rule-off-is-silent",
            "print",
            |f: &Fixture| {
                f.piece("", GLYPHLESS_BODY);
                f.edit_guide(|g| {
                    g.replace(
                        "\"tone/sentence-length\" = \"warning\"",
                        "\"tone/sentence-length\" = \"warning\"\n\"font/missing-glyph\" = \"off\"",
                    )
                });
            },
            Expect::Custom(Box::new(|o, _| {
                o.expect_code(0)?;
                if o.stderr.contains("missing-glyph") {
                    return Err(o.fail("the rule is off but warned"));
                }
                Ok(())
            })),
        ),
        // ---- layouts that cannot fit ----
        Case::build(
            "forty-nested-quotes-print",
            "print",
            |f: &Fixture| f.piece("", &format!("{} ลึกมาก\n", ">".repeat(40))),
            err(&["content/piece.md:10:", "quote nesting leaves no room for text"]),
        ),
        Case::build(
            "forty-nested-lists-print",
            "print",
            |f: &Fixture| {
                let body: String = (0..40)
                    .map(|i| format!("{}- รายการ\n", "  ".repeat(i)))
                    .collect();
                f.piece("", &body)
            },
            err(&["content/piece.md:", "list nesting leaves no room for text"]),
        ),
        Case::build(
            "thai-title-of-100000-characters-social",
            "social",
            titled("กาแฟ".repeat(25_000)),
            err(&["content/piece.md:2:", "does not fit even at the smallest size"]),
        ),
        Case::build(
            "thai-title-of-100000-characters-print",
            "print",
            titled("กาแฟ".repeat(25_000)),
            err(&["content/piece.md:2:", "the title needs", "does not fit on the page"]),
        ),
        Case::build(
            "thai-cta-of-5000-characters-print",
            "print",
            |f: &Fixture| {
                let cta = format!(
                    "[cta]\ntext = \"{}\"\nurl = \"https://tonkla.example/order\"",
                    "สั่งเลย".repeat(700)
                );
                f.piece(&cta, BODY)
            },
            err(&["content/piece.md:8:", "call to action", "runs off the footer band"]),
        ),
        Case::build(
            "ten-megabyte-thai-body-print",
            "print",
            |f: &Fixture| {
                let para = "โคลด์บรูว์ของต้นกล้าสกัดเย็นนาน 18 ชั่วโมง หอม นุ่ม ไม่ขม ".repeat(50);
                let n = 10_000_000 / (para.len() + 2);
                f.piece("", &format!("{para}\n\n").repeat(n))
            },
            err(&["content/piece.md", "characters of text", "50 pages"]),
        ),
        Case::build(
            "body-past-fifty-pages-print",
            "print",
            |f: &Fixture| {
                let para = "โคลด์บรูว์ของต้นกล้าสกัดเย็นนาน 18 ชั่วโมง หอม นุ่ม ไม่ขม ".repeat(20);
                f.piece("", &format!("{para}\n\n").repeat(300))
            },
            err(&["content/piece.md:", "run past 50 pages"]),
        ),
        // ---- card presets ----
        Case::build(
            "card-preset-zero-width",
            "social",
            |f: &Fixture| {
                f.edit_guide(|g| g.replace("name = \"og\", width = 1200", "name = \"og\", width = 0"))
            },
            err(&["brand/brand.toml:", "\"og\" is 0×630 px, which has no pixels"]),
        ),
        Case::build(
            "card-preset-100000-square",
            "social",
            |f: &Fixture| {
                f.edit_guide(|g| {
                    g.replace(
                        "name = \"og\", width = 1200, height = 630",
                        "name = \"og\", width = 100000, height = 100000",
                    )
                })
            },
            err(&["brand/brand.toml:", "100000×100000 px", "16384 px per side"]),
        ),
        Case::build(
            "card-preset-name-with-path",
            "social",
            |f: &Fixture| f.edit_guide(|g| g.replace("name = \"og\"", "name = \"../../og\"")),
            err(&["brand/brand.toml:", "card preset name \"../../og\"", "file name"]),
        ),
        Case::build(
            "card-preset-name-twice",
            "social",
            |f: &Fixture| f.edit_guide(|g| g.replace("name = \"story\"", "name = \"og\"")),
            err(&["brand/brand.toml:", "two card presets are named \"og\""]),
        ),
    ]
}
