//! The lint cache (`src/lint/cache.rs`): a second lint of our own unchanged outputs replays
//! their findings; a changed file, stylesheet or guide lints again; a corrupted cache is
//! ignored with a warning; a file not in the output's manifest is always linted; the
//! report is always the one a lint without the cache gives (`--no-cache`).

mod support;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use support::copy_dir;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn brandpress(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_brandpress"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env("BRANDPRESS_LINT_CACHE_STATS", "1")
        .env("BRANDPRESS_TODAY", "2026-11-20")
        .output()
        .expect("runs brandpress")
}

/// The bundled project with a banned Thai word in one piece (so the report has findings
/// on pages, emails and the Markdown line), built for web and email.
fn project(tmp: &Path) -> PathBuf {
    let project = tmp.join("โครงการ");
    for part in ["brand", "content", "templates"] {
        copy_dir(&root().join(part), &project.join(part));
    }
    let piece = project.join("content/winter-2026/cold-brew-winter.md");
    let text = std::fs::read_to_string(&piece).unwrap();
    std::fs::write(&piece, format!("{text}\nกาแฟของเราถูกที่สุดในย่านนี้\n")).unwrap();
    let out = brandpress(&project, &["build", "--channels", "web,email"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    project
}

/// A lint's JSON report, exit code and `(replayed, linted)` counts of the cache.
struct Run {
    json: String,
    code: Option<i32>,
    stats: Option<(usize, usize)>,
    stderr: String,
}

fn lint(project: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["lint", "out", "--format", "json"];
    args.extend_from_slice(extra);
    let out = brandpress(project, &args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let stats = stderr.lines().find_map(|l| {
        let rest = l.strip_prefix("lint cache: ")?;
        let (replayed, rest) = rest.split_once(" replayed, ")?;
        let linted = rest.strip_suffix(" linted")?;
        Some((replayed.parse().ok()?, linted.parse().ok()?))
    });
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "lint failed: {stderr}"
    );
    Run {
        json: String::from_utf8(out.stdout).unwrap(),
        code: out.status.code(),
        stats,
        stderr,
    }
}

fn cache_file(project: &Path) -> PathBuf {
    project.join(".brandpress/out.lint-cache.json")
}

/// The rules of the findings in a report (with each grouped finding's outputs).
fn rules(json: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let mut rules = Vec::new();
    for f in v["findings"].as_array().unwrap() {
        rules.push(f["rule"].as_str().unwrap().to_string());
        for o in f["outputs"].as_array().into_iter().flatten() {
            rules.push(format!("  {}", o["rule"].as_str().unwrap()));
        }
    }
    rules
}

#[test]
fn a_second_lint_replays_every_output_with_the_same_report() {
    let tmp = tempfile::tempdir().unwrap();
    let project = project(tmp.path());
    let plain = lint(&project, &["--no-cache"]);
    assert_eq!(plain.stats, None, "--no-cache does not use the cache");
    assert!(!cache_file(&project).exists(), "--no-cache writes nothing");
    assert!(
        rules(&plain.json).iter().any(|r| r == "tone/banned-term"),
        "the banned Thai word is found: {}",
        plain.json
    );

    let first = lint(&project, &[]);
    let (replayed, linted) = first.stats.expect("the cache is used on our output");
    assert_eq!(replayed, 0);
    assert!(linted > 10, "{linted} files linted");
    assert!(cache_file(&project).is_file());
    assert!(
        !project.join("out/.brandpress").exists(),
        "the cache is beside the output, never inside what is published"
    );

    let second = lint(&project, &[]);
    assert_eq!(second.stats, Some((linted, 0)), "{}", second.stderr);
    assert_eq!(first.json, plain.json);
    assert_eq!(second.json, plain.json);
    assert_eq!(second.code, plain.code);
}

#[test]
fn a_changed_output_lints_again_and_its_new_finding_shows() {
    let tmp = tempfile::tempdir().unwrap();
    let project = project(tmp.path());
    let (_, linted) = lint(&project, &[]).stats.unwrap();

    // a hand edit to one published page: an off-palette color and a banned Thai word
    let page = project.join("out/web/line-man-delivery/index.html");
    let html = std::fs::read_to_string(&page).unwrap();
    let edited = html.replacen(
        "</body>",
        "<p style=\"color: #E63946\">ส่งฟรี ถูกที่สุด</p></body>",
        1,
    );
    assert_ne!(edited, html);
    std::fs::write(&page, edited).unwrap();

    let run = lint(&project, &[]);
    assert_eq!(run.stats, Some((linted - 1, 1)), "{}", run.stderr);
    let plain = lint(&project, &["--no-cache"]);
    assert_eq!(run.json, plain.json);
    assert!(
        run.json.contains("#E63946") && run.json.contains("line-man-delivery/index.html"),
        "{}",
        run.json
    );
}

#[test]
fn a_changed_stylesheet_relints_the_pages_that_link_it() {
    let tmp = tempfile::tempdir().unwrap();
    let project = project(tmp.path());
    let (_, linted) = lint(&project, &[]).stats.unwrap();
    let css = project.join("out/web/assets/brand.css");
    let mut text = std::fs::read_to_string(&css).unwrap();
    text.push_str("\n.promo { color: #E63946; }\n");
    std::fs::write(&css, text).unwrap();

    let run = lint(&project, &[]);
    let (replayed, relinted) = run.stats.unwrap();
    let pages = walk(&project.join("out/web"))
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .count();
    // the pages (which link it) and the stylesheet itself; the emails are unchanged
    assert_eq!(relinted, pages + 1, "{}", run.stderr);
    assert_eq!(replayed + relinted, linted);
    let plain = lint(&project, &["--no-cache"]);
    assert_eq!(run.json, plain.json);
    assert!(run.json.contains("brand.css") && run.json.contains("#E63946"));
    // reported once, on the stylesheet, also when every page comes from the cache
    let again = lint(&project, &[]);
    assert_eq!(again.stats, Some((linted, 0)));
    assert_eq!(again.json, plain.json);
}

#[test]
fn a_changed_guide_lints_everything_again() {
    let tmp = tempfile::tempdir().unwrap();
    let project = project(tmp.path());
    let (_, linted) = lint(&project, &[]).stats.unwrap();
    let guide = project.join("brand/brand.toml");
    let text = std::fs::read_to_string(&guide).unwrap();
    // "ส่งฟรี" (free delivery) is now banned: the pieces say it
    let text = text.replacen("banned = [", "banned = [\"ส่งฟรี\", ", 1);
    std::fs::write(&guide, text).unwrap();

    let run = lint(&project, &[]);
    assert_eq!(run.stats, Some((0, linted)), "{}", run.stderr);
    let plain = lint(&project, &["--no-cache"]);
    assert_eq!(run.json, plain.json);
    assert!(run.json.contains("ส่งฟรี"));
}

#[test]
fn a_corrupted_cache_is_ignored_with_a_warning_and_rewritten() {
    let tmp = tempfile::tempdir().unwrap();
    let project = project(tmp.path());
    let first = lint(&project, &[]);
    let (_, linted) = first.stats.unwrap();
    let file = cache_file(&project);
    for garbage in [
        &b"{\"format\": \"brandpress-lint-cache\", \"files\": [1, 2"[..],
        b"\x00\xff not json \xe0\xb8",
        b"{\"format\": \"something else\", \"version\": 1}",
    ] {
        std::fs::write(&file, garbage).unwrap();
        let run = lint(&project, &[]);
        assert!(
            run.stderr.contains("warning: ignoring the lint cache"),
            "{}",
            run.stderr
        );
        assert_eq!(run.stats, Some((0, linted)));
        assert_eq!(run.json, first.json);
        let next = lint(&project, &[]);
        assert_eq!(next.stats, Some((linted, 0)), "the cache was rewritten");
        assert!(!next.stderr.contains("warning"), "{}", next.stderr);
    }

    // entries that lie (findings made up, a wrong hash) are never trusted blindly: a
    // planted entry for another file's hash does not replay on this one
    let text = std::fs::read_to_string(&file).unwrap();
    let mut cache: serde_json::Value = serde_json::from_str(&text).unwrap();
    for (_, entry) in cache["files"].as_object_mut().unwrap() {
        entry["sha256"] = serde_json::Value::String("0".repeat(64));
    }
    std::fs::write(&file, serde_json::to_vec(&cache).unwrap()).unwrap();
    let run = lint(&project, &[]);
    assert_eq!(run.stats, Some((0, linted)));
    assert_eq!(run.json, first.json);
}

#[test]
fn files_not_in_the_manifest_are_always_linted() {
    let tmp = tempfile::tempdir().unwrap();
    let project = project(tmp.path());
    let (_, linted) = lint(&project, &[]).stats.unwrap();
    // a page added by hand to the output: not ours, so never cached
    std::fs::write(
        project.join("out/web/เพิ่มเอง.html"),
        "<!doctype html><html lang=\"th\"><head><title>หน้าเพิ่ม</title></head>\
         <body><p style=\"color: #E63946\">โปรโมชันถูกที่สุด</p></body></html>",
    )
    .unwrap();
    let (replayed, relinted) = lint(&project, &[]).stats.unwrap();
    assert_eq!(replayed, linted);
    assert_eq!(relinted, 0, "hand-made files are linted outside the cache");
    let run = lint(&project, &[]);
    assert_eq!(run.json, lint(&project, &["--no-cache"]).json);
    assert!(run.json.contains("เพิ่มเอง.html"));
}

fn walk(dir: &Path) -> impl Iterator<Item = PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    files.into_iter()
}
