//! Hostile-input cases: output. The output folder and its siblings: where `--out` may
//! point, files of deleted pieces, links planted in or beside `out/`, and two outputs on
//! one path. See `main.rs`. (A write error midway, concurrent builds and `kill -9` need
//! more than one command: they are in `tests/crash_safety.rs`.)

use std::path::Path;

use crate::harness::{Case, Expect, Fixture, Outcome, SECRET};

const FAST: &str = "web,email";

fn err(needles: &[&'static str]) -> Expect {
    Expect::Error(needles.to_vec())
}

/// `brandpress build` of the fast channels into `out` (an argument; `{…}` substituted).
fn build_into(out: &str) -> Vec<String> {
    [
        "build",
        "--project",
        "{project}",
        "--out",
        out,
        "--channels",
        FAST,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn case_into(name: &'static str, out: &str, setup: fn(&Fixture), expect: Expect) -> Case {
    Case {
        name,
        setup: Box::new(setup),
        args: build_into(out),
        expect,
    }
}

/// Runs a build of `channels` into `{out}` during setup (the "previous build").
fn prebuild(f: &Fixture, channels: &str) {
    let args: Vec<String> = [
        "build",
        "--project",
        "{project}",
        "--out",
        "{out}",
        "--channels",
        channels,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let outcome = f.run(&args);
    assert_eq!(
        outcome.code,
        Some(0),
        "setup build failed: {}",
        outcome.stderr
    );
}

/// A second Thai piece, slug `other`.
fn other_piece(f: &Fixture) {
    f.write(
        "content/other.md",
        "+++\ntitle = \"ลาเต้มะพร้าว\"\nsummary = \"เมนูใหม่ประจำเดือน\"\nslug = \"other\"\nlang = \"th\"\ncampaign = \"winter-2026\"\n+++\n\nหอมมะพร้าวน้ำหอม\n",
    );
}

fn has(f: &Fixture, rel: &str) -> bool {
    std::fs::symlink_metadata(f.out.join(rel)).is_ok()
}

fn check(outcome: &Outcome, ok: bool, why: &str) -> Result<(), String> {
    if ok { Ok(()) } else { Err(outcome.fail(why)) }
}

/// Exit 0 and a real page at `out/web/piece/index.html` (no link on the way).
fn built_real_page(o: &Outcome, f: &Fixture) -> Result<(), String> {
    o.expect_code(0)?;
    for rel in ["web", "web/piece"] {
        let meta = std::fs::symlink_metadata(f.out.join(rel)).map_err(|e| o.fail(e))?;
        check(o, meta.is_dir(), &format!("out/{rel} is not a real folder"))?;
    }
    let page = std::fs::read_to_string(f.out.join("web/piece/index.html")).unwrap_or_default();
    check(
        o,
        page.contains("โคลด์บรูว์"),
        "the page was not written in out/",
    )
}

/// No sibling of `out` named like a staging or backup folder is left (the build cache,
/// `.out.cache`, is meant to stay).
fn no_leftovers(o: &Outcome, f: &Fixture) -> Result<(), String> {
    for entry in std::fs::read_dir(&f.project).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(".out.") && name != ".out.cache" {
            return Err(o.fail(format!("{name} was left beside out/")));
        }
    }
    Ok(())
}

pub fn cases() -> Vec<Case> {
    vec![
        // ---- where --out may point ----
        case_into(
            "out-is-the-project-root",
            "{project}",
            |_| {},
            err(&["refusing to use the project folder"]),
        ),
        case_into(
            "out-is-the-brand-folder",
            "{project}/brand",
            |_| {},
            err(&["brand/ folder"]),
        ),
        case_into(
            "out-inside-the-content-folder",
            "{project}/content/site",
            |_| {},
            err(&["content/ folder"]),
        ),
        case_into(
            "out-is-the-filesystem-root",
            "/",
            |_| {},
            err(&["filesystem root"]),
        ),
        case_into(
            "out-is-a-folder-holding-the-project",
            "{project}/..",
            |_| {},
            err(&["refusing to use the project folder"]),
        ),
        case_into(
            "out-is-a-foreign-folder-with-secrets",
            "{outside}",
            |_| {},
            err(&["did not build", ".brandpress-output"]),
        ),
        case_into(
            "out-is-a-non-empty-folder-never-built",
            "{out}",
            |f| f.write("out/บันทึก.txt", "งานของผู้ใช้"),
            Expect::Custom(Box::new(|o, f| {
                o.expect_error(&["did not build"])?;
                let kept = std::fs::read_to_string(f.out.join("บันทึก.txt")).unwrap_or_default();
                check(o, kept == "งานของผู้ใช้", "the user's file in out/ was lost")
            })),
        ),
        case_into(
            "out-is-a-file",
            "{out}",
            |f| f.write("out", "ไม่ใช่โฟลเดอร์"),
            err(&["is a file"]),
        ),
        case_into(
            // The link points at an empty folder in outside/ (a link to outside/ itself
            // would make the harness's own walk of out/ find the secrets).
            "out-is-a-symlink-into-outside",
            "{out}",
            |f| {
                std::fs::create_dir(f.outside.join("site")).unwrap();
                f.symlink(&f.outside.join("site"), "out");
            },
            Expect::Custom(Box::new(|o, f| {
                o.expect_error(&["symbolic link"])?;
                let entries = std::fs::read_dir(f.outside.join("site")).unwrap().count();
                check(o, entries == 0, "something was written through the link")
            })),
        ),
        // ---- links planted in and beside out/ ----
        case_into(
            "symlink-planted-at-out-web-slug",
            "{out}",
            |f| {
                prebuild(f, FAST);
                std::fs::remove_dir_all(f.out.join("web/piece")).unwrap();
                f.symlink(&f.outside, "out/web/piece");
                std::fs::remove_file(f.out.join("web/assets/brand.css")).unwrap();
                f.symlink(&f.outside.join("secret.css"), "out/web/assets/brand.css");
            },
            Expect::Custom(Box::new(built_real_page)),
        ),
        case_into(
            "symlink-planted-at-out-web",
            "{out}",
            |f| {
                prebuild(f, FAST);
                std::fs::remove_dir_all(f.out.join("web")).unwrap();
                f.symlink(&f.outside, "out/web");
            },
            Expect::Custom(Box::new(built_real_page)),
        ),
        case_into(
            "symlinks-planted-at-staging-and-backup-names",
            "{out}",
            |f| {
                prebuild(f, FAST);
                f.symlink(&f.outside, ".out.staging-1-1-0");
                f.symlink(&f.outside, ".out.backup-1-1");
            },
            Expect::Custom(Box::new(|o, f| {
                built_real_page(o, f)?;
                no_leftovers(o, f)
            })),
        ),
        case_into(
            "symlink-planted-at-the-lock-name",
            "{out}",
            |f| f.symlink(&f.outside.join("lock-target"), ".out.lock"),
            err(&[".out.lock", "symbolic link"]),
        ),
        // ---- stale outputs ----
        case_into(
            "deleted-piece-outputs-vanish-and-are-not-linted",
            "{out}",
            |f| {
                other_piece(f);
                prebuild(f, FAST);
                assert!(f.out.join("web/other/index.html").is_file());
                std::fs::remove_file(f.project.join("content/other.md")).unwrap();
            },
            Expect::Custom(Box::new(|o, f| {
                built_real_page(o, f)?;
                for rel in ["web/other", "email/other.html", "email/other.eml"] {
                    check(o, !has(f, rel), &format!("stale out/{rel} survived"))?;
                }
                let lint = f.run(&[
                    "lint".into(),
                    "--project".into(),
                    "{project}".into(),
                    "--format".into(),
                    "json".into(),
                ]);
                check(
                    &lint,
                    !lint.stdout.contains("web/other")
                        && !lint.stdout.contains("email/other")
                        && lint.stdout.contains("\"findings\""),
                    "lint still reads the deleted piece's files",
                )?;
                no_leftovers(o, f)
            })),
        ),
        Case::build(
            "partial-build-keeps-other-channels-but-not-deleted-pieces",
            "web",
            |f| {
                other_piece(f);
                prebuild(f, FAST);
                std::fs::remove_file(f.project.join("content/other.md")).unwrap();
                std::fs::copy(
                    f.out.join("email/piece.html"),
                    f.project.join("../email-before.html"),
                )
                .unwrap();
            },
            Expect::Custom(Box::new(|o, f| {
                built_real_page(o, f)?;
                let before = std::fs::read(f.project.join("../email-before.html")).unwrap();
                let now = std::fs::read(f.out.join("email/piece.html")).unwrap_or_default();
                check(o, now == before, "the email of a living piece was not kept")?;
                check(o, has(f, "email/assets/logo.png"), "email assets not kept")?;
                for rel in ["web/other", "email/other.html", "email/other.txt"] {
                    check(o, !has(f, rel), &format!("stale out/{rel} survived"))?;
                }
                check(
                    o,
                    o.stdout.contains("kept from other channels"),
                    "the summary does not say what was kept",
                )
            })),
        ),
        Case::build(
            "planted-manifest-cannot-keep-files-from-outside",
            "web",
            |f| {
                prebuild(f, FAST);
                // A hostile previous output: its manifest lists a file behind a link and
                // a path that climbs out.
                f.symlink(&f.outside.join("secret.txt"), "out/email/leak.txt");
                let marker = f.out.join(".brandpress-output");
                let text = std::fs::read_to_string(&marker).unwrap().replacen(
                    "\"files\": [",
                    "\"files\": [\n{\"path\": \"email/leak.txt\", \"channel\": \"email\"},\n{\"path\": \"email/../../../outside/secret.txt\", \"channel\": \"email\"},",
                    1,
                );
                std::fs::write(marker, text).unwrap();
            },
            Expect::Custom(Box::new(|o, f| {
                built_real_page(o, f)?;
                check(o, !has(f, "email/leak.txt"), "a planted link was kept")?;
                check(o, has(f, "email/piece.html"), "the real email was not kept")
            })),
        ),
        // ---- two outputs on one path ----
        Case::build(
            "same-image-name-from-two-folders",
            FAST,
            |f| {
                f.write("content/a/pic.png", crate::harness::tiny_png("a"));
                f.write("content/b/pic.png", crate::harness::tiny_png("b"));
                f.piece(
                    "",
                    &format!(
                        "{}\n![ก](a/pic.png)\n\n![ข](b/pic.png)\n",
                        crate::harness::BODY
                    ),
                );
            },
            // The content loader gives the second one its own name.
            both_published(&["pic.png", "pic-2.png"]),
        ),
        Case::build(
            "image-names-differing-only-in-case",
            "web",
            |f| {
                f.write("content/a/Pic.png", crate::harness::tiny_png("a"));
                f.write("content/b/pic.png", crate::harness::tiny_png("b"));
                f.piece(
                    "",
                    &format!(
                        "{}\n![ก](a/Pic.png)\n\n![ข](b/pic.png)\n",
                        crate::harness::BODY
                    ),
                );
            },
            // Case-insensitive file systems would merge them: the second is renamed.
            both_published(&["Pic.png", "pic-2.png"]),
        ),
        Case::build(
            "one-image-used-twice-is-fine",
            FAST,
            |f| {
                f.write("content/pic.png", crate::harness::tiny_png("a"));
                f.piece(
                    "hero = \"pic.png\"",
                    &format!("{}\n![ก](pic.png)\n\n![ข](pic.png)\n", crate::harness::BODY),
                );
            },
            Expect::Custom(Box::new(|o, f| {
                built_real_page(o, f)?;
                check(o, has(f, "web/piece/pic.png"), "the image was not copied")
            })),
        ),
        // ---- check keeps stdout parseable ----
        Case::new(
            "check-json-stdout-is-only-the-report",
            |_| {},
            &[
                "check",
                "--project",
                "{project}",
                "--out",
                "{out}",
                "--channels",
                FAST,
                "--format",
                "json",
            ],
            Expect::Custom(Box::new(|o, f| {
                o.report()?;
                check(
                    o,
                    o.stderr.contains("built 1 piece:"),
                    "no summary on stderr",
                )?;
                check(
                    o,
                    f.out.join(".brandpress-output").is_file() && !o.stdout.contains(SECRET),
                    "no marker",
                )?;
                check(
                    o,
                    Path::new(&f.out).join("web/piece/index.html").is_file(),
                    "check built nothing",
                )
            })),
        ),
    ]
}

/// The page publishes each of `names` next to it and links each one.
fn both_published(names: &'static [&'static str]) -> Expect {
    Expect::Custom(Box::new(move |o, f| {
        built_real_page(o, f)?;
        let page = std::fs::read_to_string(f.out.join("web/piece/index.html")).unwrap_or_default();
        for name in names {
            check(
                o,
                has(f, &format!("web/piece/{name}")),
                "an image was not published",
            )?;
            check(
                o,
                page.contains(&format!("src=\"{name}\"")),
                "the page does not show an image",
            )?;
        }
        Ok(())
    }))
}
