//! Hostile-input cases: pieces and the guide. Paths that leave the project, links with
//! dangerous schemes, header injection, control characters, unsafe names, collisions and
//! nesting limits. See `main.rs`.
//!
//! The piece is `content/piece.md` (see `harness::PIECE`): one line of extra front matter
//! is line 7, and the body then starts on line 10.

use crate::harness::{Case, Expect, Fixture, SECRET, tiny_png};

const ALL: &str = "web,email,social,print";

fn err(needles: &[&'static str]) -> Expect {
    Expect::Error(needles.to_vec())
}

/// A piece with one extra front-matter line and the default body.
fn with_front(line: &'static str) -> impl Fn(&Fixture) + Send + Sync {
    move |f: &Fixture| f.piece(line, crate::harness::BODY)
}

/// A piece whose body has `extra` after the default body's first paragraph (line 12).
fn with_body(extra: &'static str) -> impl Fn(&Fixture) + Send + Sync {
    move |f: &Fixture| f.piece("", &format!("{}\n{extra}\n", crate::harness::BODY))
}

pub fn cases() -> Vec<Case> {
    vec![
        // ---- paths out of the project ----
        Case::build(
            "hero-absolute-etc-passwd",
            "web",
            with_front("hero = \"/etc/passwd\""),
            err(&["content/piece.md:7:8", "outside the project"]),
        ),
        Case::build(
            "hero-relative-escape",
            ALL,
            with_front("hero = \"../../outside/secret.png\""),
            err(&["content/piece.md:7:8", "outside the project"]),
        ),
        Case::build(
            "hero-symlink-escape",
            ALL,
            |f: &Fixture| {
                f.symlink(&f.outside.join("secret.png"), "content/hero.png");
                f.piece("hero = \"hero.png\"", crate::harness::BODY);
            },
            err(&["content/piece.md:7:8", "outside the project"]),
        ),
        Case::build(
            "hero-symlinked-folder-escape",
            "web",
            |f: &Fixture| {
                f.symlink(&f.outside, "content/shared");
                f.piece("hero = \"shared/secret.png\"", crate::harness::BODY);
            },
            err(&["content/piece.md:7:8", "outside the project"]),
        ),
        Case::build(
            "hero-missing-file",
            "web",
            with_front("hero = \"nope.png\""),
            err(&["content/piece.md:7:8", "nope.png"]),
        ),
        Case::build(
            "body-image-etc-passwd-traversal",
            "web,email",
            with_body("![x](../../../../../../../etc/passwd)"),
            err(&["content/piece.md:14:", "outside the project"]),
        ),
        Case::build(
            "body-image-absolute",
            "web,email",
            with_body("![x](/etc/passwd)"),
            err(&["content/piece.md:14:", "root-relative"]),
        ),
        Case::build(
            "body-image-secret-png-escape",
            ALL,
            with_body("![x](../../outside/secret.png)"),
            err(&["content/piece.md:14:", "outside the project"]),
        ),
        Case::build(
            "body-image-percent-encoded-traversal",
            "web,email",
            with_body("![x](%2e%2e/%2e%2e/outside/secret.png)"),
            err(&["content/piece.md:14:"]),
        ),
        Case::build(
            "body-image-symlink-escape",
            "web,email",
            |f: &Fixture| {
                f.symlink(&f.outside.join("secret.png"), "content/pic.png");
                f.piece("", &format!("{}\n![x](pic.png)\n", crate::harness::BODY));
            },
            err(&["content/piece.md:14:", "outside the project"]),
        ),
        Case::build(
            "body-link-to-local-file-outside",
            "web,email",
            with_body("[download](../../outside/secret.txt)"),
            err(&["content/piece.md:14:", "outside the project"]),
        ),
        Case::build(
            "body-reference-image-escape",
            "web",
            with_body("![x][pic]\n\n[pic]: ../../outside/secret.png"),
            err(&["content/piece.md:14:", "outside the project"]),
        ),
        Case::build(
            "logo-file-outside-brand",
            "web",
            |f: &Fixture| {
                f.edit_guide(|g| {
                    g.replace(
                        "files = [\"logo.svg\"]",
                        "files = [\"../../outside/secret.png\"]",
                    )
                })
            },
            err(&["brand/brand.toml:", "outside"]),
        ),
        Case::build(
            "font-file-outside-brand",
            "web",
            |f: &Fixture| {
                std::fs::copy(
                    f.project.join("brand/fonts/NotoSans-Bold.ttf"),
                    f.outside.join("font.ttf"),
                )
                .unwrap();
                f.edit_guide(|g| {
                    g.replacen(
                        "files = [\"NotoSans-Bold.ttf\"]",
                        "files = [\"../../../outside/font.ttf\"]",
                        1,
                    )
                })
            },
            err(&["brand/brand.toml:", "outside"]),
        ),
        Case::build(
            "guide-font-truncated-is-an-error-at-its-line",
            "web",
            |f: &Fixture| {
                let path = f.project.join("brand/fonts/NotoSansThai-Bold.ttf");
                let bytes = std::fs::read(&path).unwrap();
                std::fs::write(&path, &bytes[..bytes.len() * 95 / 100]).unwrap();
            },
            err(&[
                "brand/brand.toml:",
                "NotoSansThai-Bold.ttf",
                "damaged font file",
            ]),
        ),
        Case::build(
            "logo-svg-image-href-absolute",
            ALL,
            |f: &Fixture| {
                let secret = f.outside.join("secret.png");
                let svg = f.read("brand/logo.svg").replacen(
                    "</svg>",
                    &format!(
                        "<image href=\"{}\" width=\"10\" height=\"10\"/></svg>",
                        secret.display()
                    ),
                    1,
                );
                f.write("brand/logo.svg", svg);
            },
            err(&["brand/logo.svg", "outside"]),
        ),
        Case::build(
            "logo-svg-image-href-relative-escape",
            "social,print",
            |f: &Fixture| {
                let svg = f.read("brand/logo.svg").replacen(
                    "</svg>",
                    "<image href=\"../../outside/secret.png\" width=\"10\" height=\"10\"/></svg>",
                    1,
                );
                f.write("brand/logo.svg", svg);
            },
            err(&["brand/logo.svg", "outside"]),
        ),
        Case::build(
            "extra-asset-root-allows-shared-images",
            "web",
            |f: &Fixture| {
                let shared = f.project.parent().unwrap().join("shared-images");
                std::fs::create_dir_all(&shared).unwrap();
                std::fs::write(shared.join("bean.png"), tiny_png("shared bean")).unwrap();
                f.edit_guide(|g| {
                    g.replacen(
                        "[brand]\n",
                        "[brand]\nasset_roots = [\"../shared-images\"]\n",
                        1,
                    )
                });
                f.piece(
                    "hero = \"../../shared-images/bean.png\"",
                    crate::harness::BODY,
                );
            },
            Expect::Custom(Box::new(|o, f| {
                o.expect_code(0)?;
                if !f.out.join("web/piece/bean.png").is_file() {
                    return Err(o.fail("the shared hero was not published"));
                }
                Ok(())
            })),
        ),
        Case::build(
            "extra-asset-root-does-not-open-everything",
            "web",
            |f: &Fixture| {
                let shared = f.project.parent().unwrap().join("shared-images");
                std::fs::create_dir_all(&shared).unwrap();
                f.edit_guide(|g| {
                    g.replacen(
                        "[brand]\n",
                        "[brand]\nasset_roots = [\"../shared-images\"]\n",
                        1,
                    )
                });
                f.piece(
                    "hero = \"../../shared-images/../outside/secret.png\"",
                    crate::harness::BODY,
                );
            },
            err(&["content/piece.md:7:8", "outside the project"]),
        ),
        Case::build(
            "template-symlinked-outside",
            "web",
            |f: &Fixture| {
                std::fs::write(f.outside.join("page.html"), format!("<p>{SECRET}</p>")).unwrap();
                std::fs::remove_file(f.project.join("templates/web/page.html")).unwrap();
                f.symlink(&f.outside.join("page.html"), "templates/web/page.html");
            },
            err(&["templates/web/page.html", "outside the project"]),
        ),
        Case::build(
            "layout-css-symlinked-outside",
            "web",
            |f: &Fixture| {
                std::fs::remove_file(f.project.join("templates/web/layout.css")).unwrap();
                f.symlink(&f.outside.join("secret.css"), "templates/web/layout.css");
            },
            err(&["templates/web/layout.css", "outside the project"]),
        ),
        Case::build(
            "template-reads-environment",
            "web",
            |f: &Fixture| {
                let page = f.read("templates/web/page.html").replacen(
                    "<body",
                    "{{ get_env(name=\"HOME\") }}<body",
                    1,
                );
                f.write("templates/web/page.html", page);
            },
            err(&["page.html", "get_env is disabled"]),
        ),
        // ---- collisions and unsafe names ----
        Case::build(
            "slug-assets-with-brand-css-body-file",
            "web",
            |f: &Fixture| {
                f.write("content/brand.css", "body{}");
                f.piece("", &format!("{}\n[css](brand.css)\n", crate::harness::BODY));
                let text = f
                    .read("content/piece.md")
                    .replace("slug = \"piece\"", "slug = \"assets\"");
                f.write("content/piece.md", text);
            },
            err(&["content/piece.md:4:8", "assets"]),
        ),
        Case::build(
            "two-body-images-same-name",
            "web",
            |f: &Fixture| {
                f.write("content/a/pic.png", tiny_png("a"));
                f.write("content/b/pic.png", tiny_png("b"));
                f.piece(
                    "",
                    &format!(
                        "{}\n![a](a/pic.png)\n\n![b](b/pic.png)\n",
                        crate::harness::BODY
                    ),
                );
            },
            Expect::Custom(Box::new(|o, f| {
                // Either an error naming the collision, or both published under distinct names.
                match o.code {
                    Some(2) if o.stderr.contains("pic.png") => Ok(()),
                    Some(0) => {
                        let pngs = f
                            .outputs()
                            .into_iter()
                            .filter(|p| {
                                p.starts_with("web/piece")
                                    && p.extension().is_some_and(|e| e == "png")
                            })
                            .count();
                        if pngs == 2 {
                            Ok(())
                        } else {
                            Err(o.fail(format!("{pngs} images published, expected 2")))
                        }
                    }
                    _ => Err(o.fail("expected an error naming pic.png or two images")),
                }
            })),
        ),
        Case::build(
            "slug-con-reserved",
            "web",
            |f: &Fixture| {
                let text = f
                    .read("content/piece.md")
                    .replace("slug = \"piece\"", "slug = \"con\"");
                f.write("content/piece.md", text);
            },
            err(&["content/piece.md:4:8", "reserved"]),
        ),
        Case::build(
            "slug-aux-reserved",
            "web",
            |f: &Fixture| {
                let text = f
                    .read("content/piece.md")
                    .replace("slug = \"piece\"", "slug = \"aux\"");
                f.write("content/piece.md", text);
            },
            err(&["content/piece.md:4:8", "reserved"]),
        ),
        Case::build(
            "slug-leading-dash",
            "web",
            |f: &Fixture| {
                let text = f
                    .read("content/piece.md")
                    .replace("slug = \"piece\"", "slug = \"-rf\"");
                f.write("content/piece.md", text);
            },
            err(&["content/piece.md:4:8", "'-'"]),
        ),
        Case::build(
            "slug-too-long",
            "web",
            |f: &Fixture| {
                let long = "a".repeat(201);
                let text = f
                    .read("content/piece.md")
                    .replace("slug = \"piece\"", &format!("slug = \"{long}\""));
                f.write("content/piece.md", text);
            },
            err(&["content/piece.md:4:8", "200 bytes"]),
        ),
        Case::build(
            "file-name-derived-slug-reserved",
            "web",
            |f: &Fixture| {
                let text = f.read("content/piece.md").replace("slug = \"piece\"\n", "");
                std::fs::remove_file(f.project.join("content/piece.md")).unwrap();
                f.write("content/nul.md", text);
            },
            err(&["content/nul.md", "reserved"]),
        ),
        Case::build(
            "body-image-reserved-file-name",
            "web",
            |f: &Fixture| {
                f.write("content/aux.png", tiny_png("aux"));
                f.piece("", &format!("{}\n![x](aux.png)\n", crate::harness::BODY));
            },
            err(&["content/piece.md:14:", "reserved"]),
        ),
        Case::build(
            "body-image-name-with-spaces-is-percent-encoded",
            "web",
            |f: &Fixture| {
                f.write("content/my pic#1.png", tiny_png("pic"));
                f.piece(
                    "",
                    &format!("{}\n![x](<my pic%231.png>)\n", crate::harness::BODY),
                );
            },
            Expect::Custom(Box::new(|o, f| {
                o.expect_code(0)?;
                let html = std::fs::read_to_string(f.out.join("web/piece/index.html")).unwrap();
                if !html.contains("src=\"my%20pic%231.png\"") {
                    return Err(o.fail("the image URL is not percent-encoded"));
                }
                Ok(())
            })),
        ),
        // ---- injection ----
        Case::build(
            "email-title-crlf-bcc",
            "email",
            with_front("[overrides.email]\ntitle = \"Beans\\r\\nBcc: victim@evil.example\""),
            err(&["content/piece.md:8:9", "control character"]),
        ),
        Case::build(
            "email-subject-lf-only",
            "email",
            |f: &Fixture| {
                let text = f.read("content/piece.md").replace(
                    "title = \"โคลด์บรูว์รับลมหนาว\"",
                    "title = \"โคลด์บรูว์\\nBcc: victim@evil.example\"",
                );
                f.write("content/piece.md", text);
            },
            err(&["content/piece.md:2:9", "control character"]),
        ),
        Case::build(
            "email-campaign-injects-message-id",
            "email",
            |f: &Fixture| {
                let text = f.read("content/piece.md").replace(
                    "campaign = \"winter-2026\"",
                    "campaign = \"x>\\r\\nBcc: victim@evil.example\"",
                );
                f.write("content/piece.md", text);
            },
            err(&["content/piece.md:6:12", "campaign"]),
        ),
        Case::build(
            "email-from-crlf",
            "email",
            |f: &Fixture| {
                f.edit_guide(|g| {
                    g.replace(
                        "from = \"Tonkla Coffee <hello@tonkla.example>\"",
                        "from = \"Tonkla\\r\\nBcc: victim@evil.example <hello@tonkla.example>\"",
                    )
                })
            },
            err(&["brand/brand.toml:", "control character"]),
        ),
        Case::build(
            "guide-base-url-javascript",
            "web",
            |f: &Fixture| {
                f.edit_guide(|g| {
                    let re = g.find("base_url = ").expect("example sets base_url");
                    let end = re + g[re..].find('\n').unwrap();
                    format!(
                        "{}base_url = \"javascript:alert(1)//\"{}",
                        &g[..re],
                        &g[end..]
                    )
                })
            },
            err(&["brand/brand.toml:", "base_url"]),
        ),
        Case::build(
            "title-nul-byte",
            "web",
            |f: &Fixture| {
                let text = f.read("content/piece.md").replace(
                    "title = \"โคลด์บรูว์รับลมหนาว\"",
                    "title = \"โคลด์บรูว์\\u0000รับลมหนาว\"",
                );
                f.write("content/piece.md", text);
            },
            err(&["content/piece.md:2:9", "control character"]),
        ),
        Case::build(
            "summary-escape-sequence",
            "email",
            |f: &Fixture| {
                let text = f.read("content/piece.md").replace(
                    "summary = \"ต้อนรับลมหนาวด้วยโคลด์บรูว์สกัดเย็น\"",
                    "summary = \"ต้อนรับ\\u001b[31mลมหนาว\"",
                );
                f.write("content/piece.md", text);
            },
            err(&["content/piece.md:3:11", "control character"]),
        ),
        Case::build(
            "body-raw-nul",
            "web",
            |f: &Fixture| f.piece("", "ย่อหน้า\u{0}แรก\n"),
            err(&["content/piece.md:10:", "control character"]),
        ),
        Case::build(
            "body-raw-escape",
            "email",
            |f: &Fixture| f.piece("", "## หัวข้อ\n\nสวัสดี \u{1b}[2J ครับ\n"),
            err(&["content/piece.md:12:", "control character"]),
        ),
        Case::build(
            "cta-text-control",
            "web",
            with_front("[cta]\ntext = \"สั่ง\\u0007เลย\"\nurl = \"https://tonkla.example/\""),
            err(&["content/piece.md:8:", "control character"]),
        ),
        Case::build(
            "cta-javascript-url",
            "web,email",
            with_front("[cta]\ntext = \"สั่งเลย\"\nurl = \"javascript:alert(document.cookie)\""),
            err(&["content/piece.md:9:7", "javascript"]),
        ),
        Case::build(
            "cta-javascript-url-obfuscated",
            "web,email",
            with_front("[cta]\ntext = \"สั่งเลย\"\nurl = \" JaVaScRiPt\\t:alert(1)\""),
            err(&["content/piece.md:9:7"]),
        ),
        Case::build(
            "body-link-javascript",
            "web,email",
            with_body("[คลิก](javascript:alert(1))"),
            err(&["content/piece.md:14:", "javascript"]),
        ),
        Case::build(
            "body-link-vbscript",
            "web,email",
            with_body("[click](vbscript:msgbox)"),
            err(&["content/piece.md:14:", "vbscript"]),
        ),
        Case::build(
            "body-link-data-html",
            "web,email",
            with_body("[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"),
            err(&["content/piece.md:14:", "data"]),
        ),
        Case::build(
            "body-image-data-url",
            "web,email",
            with_body("![x](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)"),
            err(&["content/piece.md:14:", "data"]),
        ),
        Case::build(
            "body-link-file-scheme",
            "web",
            with_body("[x](file:///etc/passwd)"),
            err(&["content/piece.md:14:", "file"]),
        ),
        Case::build(
            "body-autolink-javascript",
            "web",
            with_body("<javascript:alert(1)>"),
            err(&["content/piece.md:14:"]),
        ),
        Case::build(
            "raw-html-script-is-escaped",
            "web,email",
            with_body("<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>"),
            Expect::Custom(Box::new(|o, f| {
                o.expect_code(0)?;
                for rel in ["web/piece/index.html", "email/piece.html"] {
                    let html = std::fs::read_to_string(f.out.join(rel)).unwrap();
                    if html.contains("<script>alert") || html.contains("<img src=x onerror") {
                        return Err(o.fail(format!("{rel} carries the raw script")));
                    }
                }
                Ok(())
            })),
        ),
        Case::build(
            "mailto-tel-and-fragment-links-survive",
            "web,email",
            with_body("[mail](mailto:hi@tonkla.example) [call](tel:+6621234567) [top](#top)"),
            Expect::Custom(Box::new(|o, f| {
                o.expect_code(0)?;
                let html = std::fs::read_to_string(f.out.join("web/piece/index.html")).unwrap();
                for href in ["mailto:hi@tonkla.example", "tel:+6621234567", "#top"] {
                    if !html.contains(&format!("href=\"{href}\"")) {
                        return Err(o.fail(format!("{href} was lost")));
                    }
                }
                Ok(())
            })),
        ),
        // ---- nesting and size limits ----
        Case::build(
            "ten-thousand-nested-quotes",
            "web",
            |f: &Fixture| f.piece("", &format!("{} deep\n", ">".repeat(10_000))),
            err(&["content/piece.md:10:", "nest"]),
        ),
        Case::build(
            "ten-thousand-nested-list-items",
            "web",
            |f: &Fixture| {
                let mut body = String::new();
                for i in 0..10_000 {
                    body.push_str(&"  ".repeat(i));
                    body.push_str("- x\n");
                }
                f.piece("", &body)
            },
            err(&["content/piece.md:", "nest"]),
        ),
        Case::build(
            "ten-thousand-nested-emphasis",
            "web",
            |f: &Fixture| {
                f.piece(
                    "",
                    &format!("{}x{}\n", "*_".repeat(5_000), "_*".repeat(5_000)),
                )
            },
            Expect::Custom(Box::new(|o, _| match o.code {
                Some(0) | Some(2) => Ok(()),
                _ => Err(o.fail("expected a build or a clear error")),
            })),
        ),
        Case::build(
            "forty-nested-quotes-in-print",
            "print",
            |f: &Fixture| f.piece("", &format!("{} ลึกมาก\n", ">".repeat(40))),
            err(&["content/piece.md:10", "piece"]),
        ),
        Case::build(
            "front-matter-deeply-nested-arrays",
            "web",
            |f: &Fixture| {
                let deep = format!("{}1{}", "[".repeat(5_000), "]".repeat(5_000));
                let text = f.read("content/piece.md").replace(
                    "campaign = \"winter-2026\"",
                    &format!("[facts]\nx = {deep}"),
                );
                f.write("content/piece.md", text);
            },
            err(&["content/piece.md:"]),
        ),
        Case::build(
            "guide-not-utf8",
            "web",
            |f: &Fixture| {
                let mut bytes = f.read("brand/brand.toml").into_bytes();
                bytes.splice(0..0, b"# caf\xe9\n".iter().copied());
                f.write("brand/brand.toml", bytes);
            },
            err(&["brand/brand.toml:1:", "UTF-8", "byte offset 5"]),
        ),
        Case::build(
            "piece-not-utf8",
            "web",
            |f: &Fixture| {
                let mut bytes = f.read("content/piece.md").into_bytes();
                let at = bytes.len() - 3;
                bytes.splice(at..at, b"\xff\xfe".iter().copied());
                f.write("content/piece.md", bytes);
            },
            err(&["content/piece.md:12:", "UTF-8"]),
        ),
        Case::build(
            "secret-is-not-reachable-by-any-channel",
            ALL,
            |f: &Fixture| {
                // A sanity row: the canary must never appear even on a clean build.
                assert!(!f.read("content/piece.md").contains(SECRET));
            },
            Expect::Ok,
        ),
    ]
}
