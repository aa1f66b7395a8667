//! `lint --changed-since REF` in a throwaway git repository: committed changes since the
//! merge base, working-tree changes and untracked files are linted, nothing else; the
//! outputs of a changed piece are linted through the manifest; no repository and an
//! unknown ref are clear errors.

mod support;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use support::copy_dir;

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Whether `git` runs here; the tests say so and pass when it does not.
fn have_git() -> bool {
    let ok = Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("skipped: the git command is not available");
    }
    ok
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "ต้นกล้า")
        .env("GIT_AUTHOR_EMAIL", "dev@tonkla.example")
        .env("GIT_COMMITTER_NAME", "ต้นกล้า")
        .env("GIT_COMMITTER_EMAIL", "dev@tonkla.example")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn brandpress(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_brandpress"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("runs brandpress")
}

/// A project under git: guide, templates, content and a folder of hand-made pages, all
/// committed on `main`; `out/` ignored.
fn project(tmp: &Path) -> PathBuf {
    let project = tmp.join("โครงการ");
    for part in ["brand", "content", "templates"] {
        copy_dir(&root().join(part), &project.join(part));
    }
    let pages = project.join("pages");
    std::fs::create_dir_all(&pages).unwrap();
    let page = root().join("tests/fixtures/lint/agency/agency-page.html");
    std::fs::copy(&page, pages.join("old.html")).unwrap();
    std::fs::write(project.join(".gitignore"), "/out/\n").unwrap();
    git(&project, &["init", "-q", "-b", "main"]);
    git(&project, &["add", "."]);
    git(&project, &["commit", "-q", "-m", "base"]);
    project
}

fn json_report(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// The paths the findings (and their outputs) point at, as the report prints them.
fn finding_paths(report: &Value) -> Vec<String> {
    let mut paths = Vec::new();
    for f in report["findings"].as_array().unwrap() {
        paths.push(f["path"].as_str().unwrap().to_string());
    }
    paths.sort();
    paths.dedup();
    paths
}

#[test]
fn only_what_changed_since_the_ref_is_linted() {
    if !have_git() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let project = project(tmp.path());
    let page = std::fs::read_to_string(root().join("tests/fixtures/lint/agency/agency-page.html"))
        .unwrap();
    git(&project, &["checkout", "-q", "-b", "feature"]);
    // committed on the branch
    std::fs::write(project.join("pages/committed.html"), &page).unwrap();
    git(&project, &["add", "pages/committed.html"]);
    git(&project, &["commit", "-q", "-m", "a page"]);
    // untracked, with a Thai name
    std::fs::write(project.join("pages/ร่าง.html"), &page).unwrap();
    // changed in the working tree: a Thai banned term in a piece
    let piece = project.join("content/winter-2026/member-double-points.md");
    let mut text = std::fs::read_to_string(&piece).unwrap();
    text.push_str("\nกาแฟที่ถูกที่สุดในย่านนี้\n");
    std::fs::write(&piece, text).unwrap();

    let p = project.to_str().unwrap();
    let pages = project.join("pages");
    let content = project.join("content");
    let args = |since: &str| {
        brandpress(&[
            "lint",
            "--project",
            p,
            "--format",
            "json",
            "--changed-since",
            since,
            pages.to_str().unwrap(),
            content.to_str().unwrap(),
        ])
    };
    let out = args("main");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("linting what changed since main: 3 files"),
        "{stderr}"
    );
    let report = json_report(&out);
    assert_eq!(report["summary"]["files"], 3, "{report}");
    let paths = finding_paths(&report);
    let names: Vec<&str> = paths
        .iter()
        .map(|p| p.rsplit('/').next().unwrap())
        .collect();
    assert_eq!(
        names,
        ["member-double-points.md", "committed.html", "ร่าง.html"],
        "{paths:#?}"
    );
    let banned = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "tone/banned-term" && f["path"].as_str().unwrap().ends_with(".md"))
        .expect("the Thai banned term in the changed piece");
    assert!(banned["message"].as_str().unwrap().contains("ถูกที่สุด"));
    // the same pages linted without --changed-since: the unchanged page and pieces too
    let all = json_report(&brandpress(&[
        "lint",
        "--project",
        p,
        "--format",
        "json",
        pages.to_str().unwrap(),
        content.to_str().unwrap(),
    ]));
    assert!(all["summary"]["files"].as_u64().unwrap() > 3, "{all}");
    assert!(finding_paths(&all).iter().any(|p| p.ends_with("old.html")));

    // since the branch's own tip: only the working tree and the untracked page
    let out = args("HEAD");
    let report = json_report(&out);
    assert_eq!(report["summary"]["files"], 2, "{report}");
    // a changed guide changes every output: everything is linted
    let guide = project.join("brand/brand.toml");
    let mut toml = std::fs::read_to_string(&guide).unwrap();
    toml.push_str("\n# reviewed\n");
    std::fs::write(&guide, toml).unwrap();
    let out = args("HEAD");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("linting everything"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        json_report(&out)["summary"]["files"],
        all["summary"]["files"]
    );
}

#[test]
fn the_outputs_of_a_changed_piece_are_linted() {
    if !have_git() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let project = project(tmp.path());
    let p = project.to_str().unwrap();
    let built = brandpress(&["build", "--project", p, "--channels", "web,email"]);
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let piece = "content/winter-2026/new-year-beans.md";
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(project.join("out/manifest.json")).unwrap()).unwrap();
    let outputs: Vec<&str> = manifest["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["source"] == piece)
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    assert!(outputs.len() >= 3, "{outputs:?}");
    // nothing changed since HEAD: nothing to lint (out/ is ignored)
    let out = brandpress(&[
        "lint",
        "--project",
        p,
        "--format",
        "json",
        "--changed-since",
        "HEAD",
    ]);
    assert_eq!(json_report(&out)["summary"]["files"], 0);
    // the piece changed (not rebuilt): its outputs are linted, no other
    let md = project.join(piece);
    let text = std::fs::read_to_string(&md).unwrap();
    std::fs::write(&md, format!("{text}\n")).unwrap();
    let out = brandpress(&[
        "lint",
        "--project",
        p,
        "--format",
        "json",
        "--changed-since",
        "HEAD",
    ]);
    let report = json_report(&out);
    assert_eq!(
        report["summary"]["files"].as_u64().unwrap() as usize,
        outputs.len(),
        "{report}"
    );
    let slug = "new-year-beans";
    for f in report["findings"].as_array().unwrap() {
        let path = f["path"].as_str().unwrap();
        let listed = f["outputs"]
            .as_array()
            .is_some_and(|o| o.iter().any(|o| o["path"].as_str().unwrap().contains(slug)));
        assert!(path.contains(slug) || listed, "{f}");
    }
}

#[test]
fn no_repository_or_an_unknown_ref_is_an_error() {
    if !have_git() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    // a project outside any repository
    let bare = tmp.path().join("ไม่มี-git");
    copy_dir(&root().join("brand"), &bare.join("brand"));
    std::fs::create_dir_all(bare.join("pages")).unwrap();
    let out = brandpress(&[
        "lint",
        "--project",
        bare.to_str().unwrap(),
        "--changed-since",
        "main",
        bare.join("pages").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("needs a git repository") && stderr.contains("is not in one"),
        "{stderr}"
    );

    let project = project(tmp.path());
    for bad in ["no-such-branch", "--output=/tmp/x"] {
        let out = brandpress(&[
            "lint",
            "--project",
            project.to_str().unwrap(),
            &format!("--changed-since={bad}"),
            project.join("pages").to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("unknown git ref") || stderr.contains("is not a git ref"),
            "{bad}: {stderr}"
        );
    }
}
