//! Incremental builds: the build cache (`src/build/cache.rs`) reuses exactly the jobs
//! whose inputs did not change, and whatever it reuses is byte-identical to a cold build.
//! Every test works on a copy of the bundled Thai + English example campaign.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use brandpress::build::{BuildOptions, BuildSummary, CacheUse, LockWait, build_locked_cached};
use brandpress::manifest::sha256_hex;
use brandpress::project::Project;
use brandpress::render::Channel;
use support::copy_dir;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A copy of the example project in a fresh temporary folder.
fn example() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("project");
    for dir in ["brand", "content", "templates"] {
        copy_dir(&root().join(dir), &project.join(dir));
    }
    (tmp, project)
}

fn build_with(project: &Path, out: &Path, channels: &[Channel], cache: CacheUse) -> BuildSummary {
    let p = Project::load(project).unwrap_or_else(|e| panic!("{e:?}"));
    let options = BuildOptions {
        out: out.to_path_buf(),
        channels: channels.to_vec(),
        shard: None,
    };
    let (summary, _lock) = build_locked_cached(&p, &options, &LockWait::default(), cache)
        .unwrap_or_else(|e| panic!("{e:?}"));
    summary
}

fn build(project: &Path, out: &Path) -> BuildSummary {
    build_with(project, out, &Channel::ALL, CacheUse::Reuse)
}

/// SHA-256 of every file under `out`, by relative path.
fn hashes(out: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(out) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(out).unwrap();
            let bytes = std::fs::read(entry.path()).unwrap();
            files.insert(rel.to_string_lossy().replace('\\', "/"), sha256_hex(&bytes));
        }
    }
    files
}

/// The output of a cold build of `project` (no cache), in a folder of its own.
fn cold(project: &Path, tmp: &Path) -> BTreeMap<String, String> {
    let out = tmp.join(format!("cold-{}", rand_suffix()));
    let summary = build_with(project, &out, &Channel::ALL, CacheUse::Cold);
    assert_eq!(summary.reused, 0, "a cold build reuses nothing");
    hashes(&out)
}

fn rand_suffix() -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    N.fetch_add(1, Ordering::Relaxed).to_string()
}

/// The jobs of one piece: each channel × edition (the piece and its segments' variants)
/// it has files in, read from the campaign manifest.
fn jobs_of(out: &Path, slug: &str) -> usize {
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let mut jobs = BTreeSet::new();
    for r in manifest["outputs"]
        .as_array()
        .or_else(|| manifest["files"].as_array())
        .expect("manifest lists outputs")
    {
        if r["piece"].as_str() == Some(slug) {
            jobs.insert((r["channel"].to_string(), r["segment"].to_string()));
        }
    }
    jobs.len()
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} holds {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

fn blobs(tmp: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(tmp.join(".out.cache/blobs"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect()
}

const PIECE: &str = "content/winter-2026/member-double-points.md";

#[test]
fn a_no_op_build_reuses_every_job_and_an_edit_renders_only_its_piece() {
    let (tmp, project) = example();
    let out = tmp.path().join("out");
    let first = build(&project, &out);
    assert_eq!(first.reused, 0);
    assert!(first.rendered > 10, "{}", first.line());
    let before = hashes(&out);

    let again = build(&project, &out);
    assert_eq!(
        (again.rendered, again.reused),
        (0, first.rendered),
        "{}",
        again.line()
    );
    assert!(again.line().contains("from the cache"), "{}", again.line());
    assert_eq!(hashes(&out), before, "a no-op build changes no byte");
    assert!(again.warnings.is_empty(), "{:?}", again.warnings);

    // one Thai sentence of one piece
    edit(
        &project.join(PIECE),
        "รับแต้มสองเท่าทันที",
        "รับแต้มสองเท่าทันทีทุกสาขา",
    );
    let edited = build(&project, &out);
    let jobs = jobs_of(&out, "member-double-points");
    assert!(
        jobs >= 8,
        "4 channels × the piece and its members variant: {jobs}"
    );
    assert_eq!(edited.rendered, jobs, "{}", edited.line());
    assert_eq!(edited.reused, first.rendered - jobs);
    let after = hashes(&out);
    assert_ne!(after, before);
    assert_eq!(
        after,
        cold(&project, tmp.path()),
        "the cached build is a cold build"
    );
}

/// A CI job that restores only the cache (`.out.cache`) and builds into a new output
/// folder: every job comes from the cache, and so do the contact sheet's thumbnails of
/// the PDFs (links to the blobs the print renderer's previews were stored as), so no PDF
/// is rasterized again.
#[cfg(unix)]
#[test]
fn a_new_output_folder_takes_every_file_and_pdf_thumbnail_from_the_cache() {
    use std::os::unix::fs::MetadataExt;
    let (tmp, project) = example();
    let out = tmp.path().join("out");
    let first = build(&project, &out);
    let before = hashes(&out);
    assert!(
        before.keys().any(|p| p.starts_with("_sheet/thumbs/")),
        "the sheet has thumbnails: {:?}",
        before.keys().collect::<Vec<_>>()
    );
    std::fs::rename(&out, tmp.path().join("first")).unwrap();

    let again = build(&project, &out);
    assert_eq!(
        (again.rendered, again.reused),
        (0, first.rendered),
        "{}",
        again.line()
    );
    assert!(again.warnings.is_empty(), "{:?}", again.warnings);
    assert_eq!(hashes(&out), before, "the same output, sheet included");
    let blob_inodes: BTreeSet<u64> = blobs(tmp.path())
        .iter()
        .map(|b| std::fs::metadata(b).unwrap().ino())
        .collect();
    let thumbs: Vec<_> = std::fs::read_dir(out.join("_sheet/thumbs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(!thumbs.is_empty());
    for thumb in thumbs {
        let ino = std::fs::metadata(&thumb).unwrap().ino();
        assert!(
            blob_inodes.contains(&ino),
            "{}: linked from the cache, not drawn again",
            thumb.display()
        );
    }
}

#[test]
fn a_deleted_piece_vanishes_and_a_renamed_one_moves() {
    let (tmp, project) = example();
    let out = tmp.path().join("out");
    let first = build(&project, &out);
    assert!(out.join("web/new-year-beans/index.html").exists());

    std::fs::remove_file(project.join("content/winter-2026/new-year-beans.md")).unwrap();
    let deleted = build(&project, &out);
    assert_eq!(deleted.rendered, 0, "{}", deleted.line());
    let files = hashes(&out);
    assert!(
        !files.keys().any(|f| f.contains("new-year-beans")),
        "the deleted piece's files are gone: {files:?}"
    );
    assert_eq!(files, cold(&project, tmp.path()));

    // a new file name and slug: its outputs move
    let old = project.join("content/winter-2026/line-man-delivery.md");
    let new = project.join("content/winter-2026/ส่งฟรี-line-man.md");
    std::fs::rename(&old, &new).unwrap();
    edit(
        &new,
        "slug = \"line-man-delivery\"",
        "slug = \"free-delivery\"",
    );
    let renamed = build(&project, &out);
    assert!(
        renamed.rendered > 0 && renamed.reused > 0,
        "{}",
        renamed.line()
    );
    assert!(renamed.reused < first.reused + first.rendered);
    let files = hashes(&out);
    assert!(!files.keys().any(|f| f.contains("line-man-delivery")));
    assert!(
        files.contains_key("web/free-delivery/index.html"),
        "{files:?}"
    );
    assert!(files.contains_key("email/free-delivery.eml"), "{files:?}");
    assert!(
        files.contains_key("social/free-delivery-og.png"),
        "{files:?}"
    );
    assert_eq!(files, cold(&project, tmp.path()));
}

/// Rebuilds after `change` and returns the jobs rendered per channel (from the files
/// that changed there) and the summary.
fn after_change(change: impl FnOnce(&Path)) -> (BuildSummary, BuildSummary, bool) {
    let (tmp, project) = example();
    let out = tmp.path().join("out");
    let first = build(&project, &out);
    change(&project);
    let second = build(&project, &out);
    let same = hashes(&out) == cold(&project, tmp.path());
    (first, second, same)
}

#[test]
fn a_tone_only_change_renders_nothing() {
    let (first, second, same) = after_change(|p| {
        edit(
            &p.join("brand/brand.toml"),
            "max_sentence_words = 28",
            "max_sentence_words = 30",
        );
        edit(
            &p.join("brand/brand.toml"),
            "\"cheapest\",",
            "\"cheapest\", \"ถูกสุดๆ\",",
        );
    });
    assert_eq!(second.rendered, 0, "{}", second.line());
    assert_eq!(second.reused, first.rendered);
    assert!(same, "reused outputs equal a cold build's");
}

#[test]
fn a_palette_color_change_renders_every_channel_again() {
    let (first, second, same) = after_change(|p| {
        edit(
            &p.join("brand/brand.toml"),
            "hex = \"#1F5C4A\"",
            "hex = \"#1F5C4B\"",
        );
    });
    assert_eq!(second.reused, 0, "{}", second.line());
    assert_eq!(second.rendered, first.rendered);
    assert!(same);
}

#[test]
fn a_channel_setting_renders_only_that_channel() {
    let (tmp, project) = example();
    let out = tmp.path().join("out");
    let first = build(&project, &out);
    let email_jobs = {
        let files = hashes(&out);
        // the shared assets job, and one per edition with an .eml
        1 + files
            .keys()
            .filter(|f| f.starts_with("email/") && f.ends_with(".eml"))
            .count()
    };
    let guide = std::fs::read_to_string(project.join("brand/brand.toml")).unwrap();
    let width = guide
        .lines()
        .find(|l| l.starts_with("width = "))
        .expect("[channels.email] width");
    edit(&project.join("brand/brand.toml"), width, "width = 620");
    let second = build(&project, &out);
    assert_eq!(second.rendered, email_jobs, "{}", second.line());
    assert_eq!(second.reused, first.rendered - email_jobs);
    assert_eq!(hashes(&out), cold(&project, tmp.path()));
}

#[test]
fn a_template_change_renders_only_its_channel() {
    let (tmp, project) = example();
    let out = tmp.path().join("out");
    let first = build(&project, &out);
    let web_jobs = 1 + hashes(&out)
        .keys()
        .filter(|f| f.starts_with("web/") && f.ends_with("/index.html"))
        .count();
    let page = project.join("templates/web/page.html");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, text.replacen("</body>", "<!-- ต้นกล้า --></body>", 1)).unwrap();
    let second = build(&project, &out);
    assert_eq!(second.rendered, web_jobs, "{}", second.line());
    assert_eq!(second.reused, first.rendered - web_jobs);
    let files = hashes(&out);
    assert!(
        std::fs::read_to_string(out.join("web/cold-brew-winter/index.html"))
            .unwrap()
            .contains("<!-- ต้นกล้า -->")
    );
    assert_eq!(files, cold(&project, tmp.path()));
}

#[test]
fn a_font_file_change_renders_everything() {
    let (first, second, same) = after_change(|p| {
        // the same font with one more byte at the end: another file to every key
        let font = std::fs::read_dir(p.join("brand/fonts"))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|f| f.extension().is_some_and(|x| x == "ttf"))
            .unwrap();
        let mut bytes = std::fs::read(&font).unwrap();
        bytes.push(0);
        std::fs::write(&font, bytes).unwrap();
    });
    assert_eq!(second.reused, 0, "{}", second.line());
    assert_eq!(second.rendered, first.rendered);
    assert!(same);
}

#[test]
fn a_damaged_cache_is_ignored_with_a_warning_and_rebuilt() {
    let (tmp, project) = example();
    let out = tmp.path().join("out");
    let first = build(&project, &out);
    let good = hashes(&out);
    let index = tmp.path().join(".out.cache/index.bin");

    // a truncated blob (and the output file that is its link: it is the same file)
    let blob = blobs(tmp.path())
        .into_iter()
        .max_by_key(|b| std::fs::metadata(b).unwrap().len())
        .unwrap();
    let f = std::fs::OpenOptions::new().write(true).open(&blob).unwrap();
    f.set_len(10).unwrap();
    drop(f);
    let s = build(&project, &out);
    assert_eq!(s.rendered, 1, "{}", s.line());
    assert!(
        s.warnings.iter().any(|w| w.contains("damaged")),
        "{:?}",
        s.warnings
    );
    assert_eq!(hashes(&out), good, "the damaged file is rendered again");

    // a blob rewritten in place with other bytes of the same size
    let blob = blobs(tmp.path())
        .into_iter()
        .max_by_key(|b| std::fs::metadata(b).unwrap().len())
        .unwrap();
    let mut bytes = std::fs::read(&blob).unwrap();
    bytes[0] ^= 0xff;
    std::fs::write(&blob, &bytes).unwrap();
    let s = build(&project, &out);
    assert_eq!(s.rendered, 1, "{}", s.line());
    assert_eq!(hashes(&out), good);

    // a missing blob
    std::fs::remove_file(&blobs(tmp.path())[0]).unwrap();
    let s = build(&project, &out);
    assert!(s.rendered >= 1, "{}", s.line());
    assert_eq!(hashes(&out), good);

    // garbage, a foreign format, another version, unsafe paths, a cut or padded body
    let valid = std::fs::read(&index).unwrap();
    let foreign = replace_bytes(&valid, b"\nformat ", b"\nformat 999");
    let other = replace_bytes(&valid, b"\ntool brandpress ", b"\ntool brandpress 0.0.0-");
    // one byte of a URL inside a record (not a path): only the checksum can tell
    let flipped = replace_bytes(&valid, b"campaigns/web/", b"campaigns/wex/");
    // `..//` paths under a checksum made for them (same length: the body still decodes):
    // the paths themselves are refused
    let unsafe_paths = with_checksum(&replace_paths(&valid, b"web/", b"..//"));
    let cut = valid[..valid.len() - 7].to_vec();
    let padded = [&valid[..], "ขยะ".as_bytes()].concat();
    for (what, text, expect) in [
        (
            "garbage",
            "ไม่ใช่ดัชนี {".as_bytes().to_vec(),
            "not a brandpress cache index",
        ),
        ("format", foreign, "format 999"),
        ("version", other, "0.0.0-"),
        ("a byte of a URL", flipped, "checksum"),
        ("unsafe paths", unsafe_paths, "damaged"),
        ("cut", cut, "damaged"),
        ("padded", padded, "damaged"),
    ] {
        assert_ne!(text, valid, "{what}: the index was changed");
        std::fs::write(&index, text).unwrap();
        let s = build(&project, &out);
        assert!(
            s.warnings.iter().any(|w| w.contains(expect)),
            "{what}: {:?}",
            s.warnings
        );
        assert!(s.rendered > 0, "{what}: {}", s.line());
        assert_eq!(hashes(&out), good, "{what}");
        let fine = build(&project, &out);
        assert_eq!(
            fine.rendered,
            0,
            "{what}: the cache is whole again: {}",
            fine.line()
        );
        assert!(fine.warnings.is_empty(), "{what}: {:?}", fine.warnings);
    }
    assert_eq!(first.rendered, build(&project, &out).reused);
}

/// An index's bytes with the SHA-256 at its end made again for the body before it (the
/// body starts after the three header lines).
fn with_checksum(bytes: &[u8]) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    let header = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(2)
        .unwrap()
        .0
        + 1;
    let body = &bytes[header..bytes.len() - 32];
    [&bytes[..bytes.len() - 32], Sha256::digest(body).as_slice()].concat()
}

/// `bytes` with every `from` that starts a string (not one inside a URL, after a `/`)
/// replaced by `to`.
fn replace_paths(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for i in 1..bytes.len() {
        if bytes[i..].starts_with(from) && bytes[i - 1] != b'/' {
            out[i..i + to.len()].copy_from_slice(to);
        }
    }
    out
}

/// `bytes` with every `from` replaced by `to`.
fn replace_bytes(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

#[test]
fn a_format_1_json_index_is_replaced_and_removed() {
    let (tmp, project) = example();
    let out = tmp.path().join("out");
    let first = build(&project, &out);
    let json = tmp.path().join(".out.cache/index.json");
    std::fs::write(
        &json,
        r#"{"format":1,"tool":"brandpress 0.1.0","jobs":{},"blobs":{}}"#,
    )
    .unwrap();
    edit(
        &project.join(PIECE),
        "รับแต้มสองเท่าทันที",
        "รับแต้มสองเท่าทันทีทุกสาขา",
    );
    let s = build(&project, &out);
    assert!(s.rendered > 0 && s.reused > 0, "{}", s.line());
    assert!(!json.exists(), "the old JSON index is removed");
    assert!(tmp.path().join(".out.cache/index.bin").is_file());
    assert_eq!(build(&project, &out).reused, first.rendered);
}

#[test]
fn no_cache_renders_everything_and_old_blobs_are_collected() {
    let (tmp, project) = example();
    let out = tmp.path().join("out");
    let first = build(&project, &out);
    let cold = build_with(&project, &out, &Channel::ALL, CacheUse::Cold);
    assert_eq!((cold.rendered, cold.reused), (first.rendered, 0));
    let stored = blobs(tmp.path()).len();
    assert!(stored > 0);
    // a colour change makes every card and page new: the old blobs go
    edit(
        &project.join("brand/brand.toml"),
        "hex = \"#1F5C4A\"",
        "hex = \"#1F5C4B\"",
    );
    build(&project, &out);
    let after = blobs(tmp.path());
    let names: BTreeSet<String> = after
        .iter()
        .map(|b| b.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let live: BTreeSet<String> = hashes(&out).into_values().collect();
    assert!(
        names.is_subset(&live),
        "only blobs of the current output are kept"
    );
    // a partial build keeps the other channels' jobs cached
    let web = build_with(&project, &out, &[Channel::Web], CacheUse::Reuse);
    assert_eq!(web.rendered, 0, "{}", web.line());
    let all = build(&project, &out);
    assert_eq!(all.rendered, 0, "{}", all.line());
}

/// Every node under `out` (the folder itself as `""`): kind, inode, size, modification
/// time.
#[cfg(unix)]
fn nodes(out: &Path) -> BTreeMap<String, (bool, u64, u64, i64, i64)> {
    use std::os::unix::fs::MetadataExt;
    walkdir::WalkDir::new(out)
        .into_iter()
        .map(|e| {
            let e = e.unwrap();
            let m = e.metadata().unwrap();
            let rel = e.path().strip_prefix(out).unwrap().to_string_lossy();
            (
                rel.replace('\\', "/"),
                (m.is_dir(), m.ino(), m.len(), m.mtime(), m.mtime_nsec()),
            )
        })
        .collect()
}

#[cfg(unix)]
#[test]
fn a_no_op_build_leaves_every_node_of_the_output_as_it_was() {
    let (tmp, project) = example();
    let out = tmp.path().join("out");
    let first = build(&project, &out);
    // the first build whose output the stamp describes
    let second = build(&project, &out);
    let before = nodes(&out);
    assert!(before.contains_key("manifest.json") && before.contains_key(".brandpress-output"));

    let again = build(&project, &out);
    assert_eq!((again.rendered, again.reused), (0, first.rendered));
    assert_eq!(
        nodes(&out),
        before,
        "no file or folder of out/ is replaced, touched or rewritten (manifest.json included)"
    );
    let mut want = second.outputs.clone();
    let mut got = again.outputs.clone();
    want.sort();
    got.sort();
    assert_eq!(got, want, "the summary lists the same files");
    assert_eq!(again.warnings, second.warnings);
    assert!(
        !std::fs::read_dir(tmp.path())
            .unwrap()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().contains("staging")),
        "no staging folder is made"
    );
}

#[cfg(unix)]
#[test]
fn an_output_edited_by_hand_is_put_right_by_the_next_build() {
    let (tmp, project) = example();
    let out = tmp.path().join("out");
    build(&project, &out);
    let want = hashes(&out);
    let card = out.join("social/member-double-points-og.png");
    assert!(card.exists());

    type Harm = Box<dyn Fn(&Path)>;
    let harms: Vec<(&str, Harm)> = vec![
        (
            "a file deleted",
            Box::new(|out| std::fs::remove_file(out.join("email/new-year-beans.txt")).unwrap()),
        ),
        (
            "a file added",
            Box::new(|out| std::fs::write(out.join("web/เพิ่มเอง.html"), "<p>เพิ่ม</p>").unwrap()),
        ),
        (
            "a folder added",
            Box::new(|out| std::fs::create_dir(out.join("web/โฟลเดอร์ใหม่")).unwrap()),
        ),
        (
            "a card changed in place, same size",
            Box::new(|out| {
                use std::io::{Seek, SeekFrom, Write};
                let path = out.join("social/member-double-points-og.png");
                let mut f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
                f.seek(SeekFrom::Start(40)).unwrap();
                f.write_all(b"\xff\xfe").unwrap();
            }),
        ),
        (
            "the campaign manifest replaced",
            Box::new(|out| {
                let path = out.join("manifest.json");
                let text = std::fs::read_to_string(&path).unwrap();
                std::fs::remove_file(&path).unwrap();
                std::fs::write(&path, text.replacen("สองเท่า", "สามเท่า", 1)).unwrap();
            }),
        ),
        (
            "a page replaced by a link",
            Box::new(|out| {
                let page = out.join("web/new-year-beans/index.html");
                std::fs::remove_file(&page).unwrap();
                std::os::unix::fs::symlink("/etc/hostname", &page).unwrap();
            }),
        ),
    ];
    let listing = |out: &Path| {
        let dirs: BTreeSet<String> = nodes(out)
            .into_iter()
            .filter(|(_, n)| n.0)
            .map(|(p, _)| p)
            .collect();
        (hashes(out), dirs)
    };
    let want_listing = listing(&out);
    for (what, harm) in harms {
        harm(&out);
        assert_ne!(listing(&out), want_listing, "{what}: the harm shows");
        let fixed = build(&project, &out);
        assert_eq!(
            listing(&out),
            want_listing,
            "{what}: put right ({})",
            fixed.line()
        );
        let again = build(&project, &out);
        assert_eq!(again.rendered, 0, "{what}: {}", again.line());
        assert_eq!(hashes(&out), want, "{what}");
    }
}

#[cfg(unix)]
#[test]
fn edits_over_the_spare_tree_stay_byte_identical_to_cold_builds() {
    let (tmp, project) = example();
    let out = tmp.path().join("out");
    build(&project, &out);
    let spare = tmp.path().join(".out.cache/spare");

    let piece = project.join(PIECE);
    let original = std::fs::read_to_string(&piece).unwrap();
    let beans = project.join("content/winter-2026/new-year-beans.md");
    let beans_text = std::fs::read_to_string(&beans).unwrap();
    // A → B → A → B (a Thai edit), then a piece deleted and put back
    for round in 0..6 {
        match round {
            0 | 2 => edit(&piece, "รับแต้มสองเท่าทันที", "รับแต้มสองเท่าทันทีทุกสาขา"),
            1 | 3 => std::fs::write(&piece, &original).unwrap(),
            4 => std::fs::remove_file(&beans).unwrap(),
            _ => std::fs::write(&beans, &beans_text).unwrap(),
        }
        let built = build(&project, &out);
        assert!(
            spare.is_dir(),
            "round {round}: the old output is kept as the next staging tree"
        );
        assert!(
            round == 5 || built.rendered < 20,
            "round {round}: {}",
            built.line()
        );
        assert_eq!(
            hashes(&out),
            cold(&project, tmp.path()),
            "round {round}: the output is a cold build's"
        );
    }

    // A spare we did not leave: junk, a link out of it and a replaced file are never
    // followed or published.
    let outside = tmp.path().join("ข้างนอก");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("ลับ.txt"), "ลับ").unwrap();
    std::fs::write(spare.join("ขยะ.html"), "ขยะ").unwrap();
    std::os::unix::fs::symlink(&outside, spare.join("web/ลิงก์")).unwrap();
    let page = spare.join("web/new-year-beans/index.html");
    let _ = std::fs::remove_file(&page);
    std::fs::create_dir_all(page.parent().unwrap()).unwrap();
    std::fs::write(&page, "แก้เอง").unwrap();
    // a folder where a file goes
    let _ = std::fs::remove_file(spare.join("email/member-double-points.html"));
    std::fs::create_dir_all(spare.join("email/member-double-points.html/ลึก")).unwrap();
    edit(&piece, "รับแต้มสองเท่าทันที", "รับแต้มสองเท่าทันทีทุกสาขา");
    build(&project, &out);
    assert_eq!(hashes(&out), cold(&project, tmp.path()));
    assert_eq!(
        std::fs::read_to_string(outside.join("ลับ.txt")).unwrap(),
        "ลับ"
    );

    // a spare that is a link is removed, not followed
    std::fs::remove_dir_all(&spare).unwrap();
    std::os::unix::fs::symlink(&outside, &spare).unwrap();
    std::fs::write(&piece, &original).unwrap();
    build(&project, &out);
    assert_eq!(hashes(&out), cold(&project, tmp.path()));
    assert_eq!(
        std::fs::read_dir(&outside).unwrap().count(),
        1,
        "nothing moved into or out of the link's target"
    );
    let leftovers: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".out.") && n != ".out.cache" && n != ".out.lock")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
