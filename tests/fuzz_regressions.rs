//! The fuzz targets' inputs as regression tests: every seed (`fuzz/seeds/<target>/`) and
//! every minimized crasher the fuzzers found (`fuzz/regressions/<target>/`) goes through
//! the same entry point the target calls (`brandpress::fuzzing`), on stable Rust, in
//! `cargo test`. A crasher that comes back fails here with its file name.

use std::path::PathBuf;

use brandpress::lint::LintContext;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file of `fuzz/seeds/<target>` and `fuzz/regressions/<target>`.
fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    for dir in ["seeds", "regressions"] {
        let dir = repo().join("fuzz").join(dir).join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_file() && path.file_name().is_some_and(|n| n != "README.md") {
                let bytes = std::fs::read(&path).unwrap();
                files.push((path, bytes));
            }
        }
    }
    files.sort();
    files
}

/// Runs `f` on each input on a thread of its own, so a panic names its file.
fn each(target: &str, f: impl Fn(&[u8]) + Sync) {
    let inputs = inputs(target);
    assert!(!inputs.is_empty(), "no seeds for {target}");
    let mut failed = Vec::new();
    for (path, bytes) in &inputs {
        let ok = std::thread::scope(|s| s.spawn(|| f(bytes)).join().is_ok());
        if !ok {
            failed.push(
                path.strip_prefix(repo())
                    .unwrap_or(path)
                    .display()
                    .to_string(),
            );
        }
    }
    assert!(failed.is_empty(), "panicked on: {failed:?}");
}

fn with_ctx(f: impl Fn(&LintContext, &[u8]) + Sync, target: &str) {
    let ctx = brandpress::fuzzing::example_context();
    each(target, |bytes| f(ctx, bytes));
}

#[test]
fn content() {
    each("content", brandpress::fuzzing::content);
}

#[test]
fn html_css() {
    with_ctx(brandpress::fuzzing::html_css, "html_css");
}

#[test]
fn image() {
    with_ctx(brandpress::fuzzing::image, "image");
}

#[test]
fn pdf() {
    with_ctx(brandpress::fuzzing::pdf, "pdf");
}

#[test]
fn css_value() {
    with_ctx(brandpress::fuzzing::css_value, "css_value");
}

#[test]
fn links() {
    each("links", brandpress::fuzzing::links);
}
