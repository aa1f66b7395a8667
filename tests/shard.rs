//! Shards for a CI fleet (issue 13): `build --shard I/N` splits the bundled Thai + English
//! campaign by piece, `merge` joins the shards' folders into exactly the single build,
//! `lint --shard` reports join into the single lint's findings, the campaign-wide
//! consistency check runs at merge over every shard, and bad `--shard` values are usage
//! errors (exit 2).

mod support;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use brandpress::build::{self, BuildOptions, LockWait, Shard};
use brandpress::lint::{self, LintContext};
use brandpress::manifest::{CampaignManifest, sha256_hex};
use brandpress::project::Project;
use brandpress::render::Channel;
use serde_json::Value;
use support::copy_dir;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The bundled example (guide, templates, four Thai and English pieces, one with a
/// members' variant) copied to `dir`, so a test may add or edit pieces.
fn example(dir: &Path) -> Project {
    for part in ["brand", "content", "templates"] {
        copy_dir(&root().join(part), &dir.join(part));
    }
    Project::load(dir).expect("the example loads")
}

fn build_into(project: &Project, out: &Path, channels: &[Channel], shard: Option<Shard>) {
    build::build(
        project,
        &BuildOptions {
            out: out.to_path_buf(),
            channels: channels.to_vec(),
            shard,
        },
    )
    .expect("builds");
}

fn merge(out: &Path, project: &Project, shards: &[PathBuf]) -> brandpress::error::Result<()> {
    build::merge(out, &project.root, shards, &LockWait::default()).map(|_| ())
}

/// Every file under `dir`: relative path → SHA-256.
fn tree(dir: &Path) -> BTreeMap<String, String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            let rel = rel.to_string_lossy().replace('\\', "/");
            (rel, sha256_hex(&std::fs::read(e.path()).unwrap()))
        })
        .collect()
}

/// The pieces (slugs) whose outputs a built folder's campaign manifest records.
fn pieces_in(dir: &Path) -> BTreeSet<String> {
    CampaignManifest::previous(dir)
        .into_iter()
        .filter_map(|r| r.piece)
        .collect()
}

fn shard(i: u32, n: u32) -> Shard {
    format!("{i}/{n}").parse().unwrap()
}

#[test]
fn three_shards_merged_are_the_single_build_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let project = example(&tmp.path().join("project"));
    let whole = tmp.path().join("whole");
    build_into(&project, &whole, &Channel::ALL, None);

    let shards: Vec<PathBuf> = (1..=3)
        .map(|i| tmp.path().join(format!("shard-{i}")))
        .collect();
    for (i, dir) in shards.iter().enumerate() {
        build_into(&project, dir, &Channel::ALL, Some(shard(i as u32 + 1, 3)));
    }
    // each piece, with its members' variant and every channel, in exactly one shard
    let mut seen = BTreeSet::new();
    let mut busy = 0;
    for (i, dir) in shards.iter().enumerate() {
        let pieces = pieces_in(dir);
        busy += usize::from(!pieces.is_empty());
        for slug in &pieces {
            assert!(seen.insert(slug.clone()), "{slug} in two shards");
            assert!(shard(i as u32 + 1, 3).has_piece(slug));
        }
        for record in CampaignManifest::previous(dir) {
            if let Some(slug) = &record.piece {
                let channels: BTreeSet<String> = CampaignManifest::previous(&whole)
                    .into_iter()
                    .filter(|r| r.piece.as_ref() == Some(slug))
                    .map(|r| r.channel)
                    .collect();
                let here: BTreeSet<String> = CampaignManifest::previous(dir)
                    .into_iter()
                    .filter(|r| r.piece.as_ref() == Some(slug))
                    .map(|r| r.channel)
                    .collect();
                assert_eq!(here, channels, "{slug}: every channel in its shard");
            }
        }
        // every shard is a whole site: its pages find the shared stylesheet
        assert!(dir.join("web/assets/brand.css").is_file());
    }
    assert_eq!(seen, pieces_in(&whole), "no piece lost");
    assert!(
        busy >= 2,
        "the example's pieces spread over at least two shards"
    );
    let variants: Vec<_> = CampaignManifest::previous(&whole)
        .into_iter()
        .filter(|r| r.segment.is_some())
        .collect();
    assert!(!variants.is_empty(), "the example has a segment variant");
    for v in &variants {
        let owner = shards
            .iter()
            .position(|d| d.join(&v.path).is_file())
            .expect("the variant is built");
        assert!(shard(owner as u32 + 1, 3).has_piece(v.piece.as_deref().unwrap()));
    }

    let merged = tmp.path().join("merged");
    merge(&merged, &project, &shards).expect("merges");
    let (a, b) = (tree(&whole), tree(&merged));
    assert!(a.len() > 30, "{} files", a.len());
    assert!(a.keys().any(|p| p.ends_with(".pdf")) && a.keys().any(|p| p.ends_with(".png")));
    for (path, sha) in &a {
        assert_eq!(b.get(path), Some(sha), "{path} differs or is missing");
    }
    assert_eq!(a.len(), b.len(), "extra files in the merge");

    // merging again into the merged folder replaces it whole (it is ours), same bytes
    merge(&merged, &project, &shards).expect("merges again");
    assert_eq!(tree(&merged), a);
}

#[test]
fn adding_a_piece_moves_no_other_piece() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("project");
    let before = example(&dir);
    let owners = |project: &Project, tag: &str| -> BTreeMap<String, u32> {
        let mut owners = BTreeMap::new();
        for i in 1..=3 {
            let out = tmp.path().join(format!("{tag}-{i}"));
            build_into(project, &out, &[Channel::Web], Some(shard(i, 3)));
            for slug in pieces_in(&out) {
                assert!(owners.insert(slug, i).is_none());
            }
        }
        owners
    };
    let first = owners(&before, "before");
    assert_eq!(first.len(), before.pieces.len());
    // five new Thai pieces
    for n in 0..5 {
        std::fs::write(
            dir.join(format!("content/winter-2026/ใหม่-{n}.md")),
            format!(
                "+++\ntitle = \"เมล็ดกาแฟคั่วใหม่ รุ่นที่ {n}\"\nsummary = \"กาแฟคั่วสดจากดอยช้าง\"\nslug = \"new-beans-{n}\"\ndate = 2026-12-0{}\nlang = \"th\"\nchannels = [\"web\"]\n+++\n\nต้นกล้าคอฟฟี่คั่วเมล็ดกาแฟใหม่ทุกสัปดาห์\n",
                n + 1
            ),
        )
        .unwrap();
    }
    let after = Project::load(&dir).unwrap();
    let second = owners(&after, "after");
    assert_eq!(second.len(), first.len() + 5);
    for (slug, shard) in &first {
        assert_eq!(second.get(slug), Some(shard), "{slug} moved");
    }
}

/// Findings as comparable strings: rule, path relative to the linted folder, line,
/// column, message.
fn keys(findings: &[Value], prefix: &str) -> BTreeSet<String> {
    findings
        .iter()
        .map(|f| {
            let path = f["path"].as_str().unwrap();
            let path = path.strip_prefix(prefix).unwrap_or(path);
            format!(
                "{} {} {}:{} {}",
                f["rule"], path, f["line"], f["column"], f["message"]
            )
        })
        .collect()
}

#[test]
fn lint_shard_reports_join_into_the_single_lint() {
    let tmp = tempfile::tempdir().unwrap();
    let project = example(&tmp.path().join("project"));
    let out = tmp.path().join("out");
    build_into(&project, &out, &Channel::ALL, None);
    let paths = vec![out.clone()];
    let whole = lint::lint_paths(&LintContext::new(&project.guide), &paths).unwrap();
    let whole_json = brandpress::report::json_value(&whole);

    let mut json_reports = Vec::new();
    let mut sarif_reports = Vec::new();
    let mut files = 0;
    for i in 1..=3 {
        let ctx = LintContext::new(&project.guide).sharded(Some(shard(i, 3)));
        let report = lint::lint_paths(&ctx, &paths).unwrap();
        files += report.files;
        assert!(
            report
                .findings
                .iter()
                .all(|f| f.rule != "consistency/mismatch"),
            "consistency waits for merge"
        );
        let j = tmp.path().join(format!("lint-{i}.json"));
        std::fs::write(
            &j,
            serde_json::to_vec(&brandpress::report::json_value(&report)).unwrap(),
        )
        .unwrap();
        json_reports.push(j);
        let s = tmp.path().join(format!("lint-{i}.sarif"));
        std::fs::write(
            &s,
            serde_json::to_vec(&brandpress::report::sarif_value(&report)).unwrap(),
        )
        .unwrap();
        sarif_reports.push(s);
    }
    assert_eq!(files, whole.files, "every file linted by exactly one shard");

    let joined = brandpress::merge::reports(&json_reports).unwrap();
    // the merged report reads back as JSON (as the CLI prints it)
    let text = serde_json::to_string_pretty(&joined.value).unwrap();
    let back: Value = serde_json::from_str(&text).unwrap();
    let got = keys(back["findings"].as_array().unwrap(), "");
    let want: BTreeSet<String> = keys(whole_json["findings"].as_array().unwrap(), "")
        .into_iter()
        .filter(|k| !k.starts_with("\"consistency/"))
        .collect();
    assert!(!want.is_empty(), "the example has findings to compare");
    assert_eq!(got, want);
    assert_eq!(back["summary"]["files"], whole.files);
    assert_eq!(
        joined.errors,
        whole
            .findings
            .iter()
            .filter(|f| f.severity == lint::Severity::Error && f.rule != "consistency/mismatch")
            .count()
    );

    let sarif = brandpress::merge::reports(&sarif_reports).unwrap();
    let back: Value = serde_json::from_str(&serde_json::to_string(&sarif.value).unwrap()).unwrap();
    assert_eq!(back["version"], "2.1.0");
    let runs = back["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1, "one run for code scanning");
    let results = runs[0]["results"].as_array().unwrap();
    let whole_sarif = brandpress::report::sarif_value(&whole);
    let want = whole_sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["ruleId"] != "consistency/mismatch")
        .count();
    assert_eq!(results.len(), want);
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(runs[0]["tool"]["driver"]["rules"][index]["id"], r["ruleId"]);
    }
}

/// One job builds web and email, another (after a price change landed) social and
/// print: each shard is consistent in itself; merged, the two disagree, and merge says so.
#[test]
fn a_mismatch_between_two_shards_is_found_at_merge() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("project");
    let project = example(&dir);
    let a = tmp.path().join("a");
    build_into(&project, &a, &[Channel::Web, Channel::Email], None);
    let consistency = |project: &Project, out: &Path| -> Vec<String> {
        lint::lint_paths(&LintContext::new(&project.guide), &[out.to_path_buf()])
            .unwrap()
            .findings
            .iter()
            .filter(|f| f.rule == "consistency/mismatch")
            .map(|f| f.message.clone())
            .collect()
    };
    assert_eq!(consistency(&project, &a), Vec::<String>::new());

    let md = dir.join("content/winter-2026/new-year-beans.md");
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(text.contains("฿390"));
    std::fs::write(&md, text.replace("฿390", "฿420")).unwrap();
    let edited = Project::load(&dir).unwrap();
    let b = tmp.path().join("b");
    build_into(&edited, &b, &[Channel::Social, Channel::Print], None);
    assert_eq!(consistency(&edited, &b), Vec::<String>::new());

    let merged = tmp.path().join("merged");
    merge(&merged, &edited, &[a, b]).expect("merges");
    let report = brandpress::merge::campaign_checks(&edited.guide, &merged).unwrap();
    let found: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.rule == "consistency/mismatch")
        .map(|f| f.message.as_str())
        .collect();
    assert!(
        found.iter().any(|m| m.contains("390") && m.contains("420")),
        "{found:?}"
    );
}

#[test]
fn shards_that_disagree_on_a_file_do_not_merge() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("project");
    let project = example(&dir);
    let a = tmp.path().join("a");
    build_into(&project, &a, &[Channel::Web], Some(shard(1, 2)));
    // the other job built with another guide: its brand.css differs
    let guide = dir.join("brand/brand.toml");
    let text = std::fs::read_to_string(&guide).unwrap();
    std::fs::write(&guide, text.replacen("#1F5C4A", "#1F5C4B", 1)).unwrap();
    let other = Project::load(&dir).unwrap();
    let b = tmp.path().join("b");
    build_into(&other, &b, &[Channel::Web], Some(shard(2, 2)));
    let merged = tmp.path().join("merged");
    let e = merge(&merged, &project, &[a.clone(), b.clone()])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("web/assets/brand.css") && e.contains("other bytes"),
        "{e}"
    );
    assert!(!merged.exists(), "nothing written on failure");

    // a file edited after its shard was built
    let page = walkdir::WalkDir::new(a.join("web"))
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .find(|p| p.ends_with("index.html"))
        .expect("a page in shard 1");
    std::fs::write(&page, "<!doctype html><title>แก้</title>").unwrap();
    let e = merge(&merged, &project, std::slice::from_ref(&a))
        .unwrap_err()
        .to_string();
    assert!(e.contains("changed since its shard was built"), "{e}");

    // a folder that is not a build's output
    let plain = tmp.path().join("plain");
    std::fs::create_dir_all(&plain).unwrap();
    let e = merge(&merged, &project, &[plain]).unwrap_err().to_string();
    assert!(e.contains("not a brandpress output folder"), "{e}");
    // the output inside a shard
    let e = merge(&b.join("inner"), &project, std::slice::from_ref(&b))
        .unwrap_err()
        .to_string();
    assert!(e.contains("cannot be the merge's output"), "{e}");
}

#[test]
fn bad_shard_values_are_usage_errors() {
    let tmp = tempfile::tempdir().unwrap();
    for args in [
        &["build", "--shard", "0/3"][..],
        &["build", "--shard", "4/3"],
        &["build", "--shard", "x/y"],
        &["lint", "--shard", "1/0"],
        &["check", "--shard", "3"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_brandpress"))
            .args(args)
            .args(["--project", root().to_str().unwrap()])
            .current_dir(tmp.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("invalid shard") && stderr.contains("I/N"),
            "{args:?}: {stderr}"
        );
    }
    // and merge without shards
    let out = Command::new(env!("CARGO_BIN_EXE_brandpress"))
        .args(["merge", "only-out"])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("SHARD_DIR"));
}

/// The marker (`.brandpress-output`) of a built folder, as JSON.
fn marker(dir: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join(".brandpress-output")).unwrap()).unwrap()
}

#[test]
fn a_split_with_a_shard_missing_or_given_twice_does_not_merge() {
    let tmp = tempfile::tempdir().unwrap();
    let project = example(&tmp.path().join("project"));
    let web = [Channel::Web];
    let dir = |name: &str| tmp.path().join(name);
    for i in 1..=3 {
        build_into(&project, &dir(&format!("w{i}")), &web, Some(shard(i, 3)));
    }
    // each shard's marker says which it is; a whole build's says nothing
    assert_eq!(
        marker(&dir("w2"))["shard"],
        serde_json::json!({"index": 2, "count": 3, "channels": ["web"]})
    );
    build_into(&project, &dir("whole"), &web, None);
    assert!(marker(&dir("whole")).get("shard").is_none());

    let merged = dir("merged");
    // shard 2 of 3 left out: its pieces would vanish from the campaign and its checks
    let e = merge(&merged, &project, &[dir("w1"), dir("w3")])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("web channel is missing 1 of 3 shards (2/3)"),
        "{e}"
    );
    assert!(!merged.exists(), "nothing written on failure");
    // one shard twice
    let e = merge(
        &merged,
        &project,
        &[dir("w1"), dir("w2"), dir("w2"), dir("w3")],
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("both shard 2/3 of the web channel"), "{e}");
    // shards of two splits
    build_into(&project, &dir("half"), &web, Some(shard(1, 2)));
    let e = merge(&merged, &project, &[dir("w1"), dir("half")])
        .unwrap_err()
        .to_string();
    assert!(e.contains("merge the shards of one split"), "{e}");

    // a matrix of channel × shard: each channel's split is whole, so it merges; the same
    // matrix without email's second shard does not
    let email = [Channel::Email];
    build_into(&project, &dir("e1"), &email, Some(shard(1, 2)));
    build_into(&project, &dir("e2"), &email, Some(shard(2, 2)));
    build_into(&project, &dir("h2"), &web, Some(shard(2, 2)));
    let all = [dir("half"), dir("h2"), dir("e1"), dir("e2")];
    merge(&merged, &project, &all).expect("a whole matrix merges");
    let e = merge(&merged, &project, &all[..3]).unwrap_err().to_string();
    assert!(
        e.contains("email channel is missing 1 of 2 shards (2/2)"),
        "{e}"
    );
    // a marker naming a channel that does not exist (a planted one)
    let planted = dir("e2").join(".brandpress-output");
    let text = std::fs::read_to_string(&planted).unwrap();
    std::fs::write(
        &planted,
        text.replacen("\"email\"\n", "\"\\u001b[2Jemail\"\n", 1),
    )
    .unwrap();
    let e = merge(&merged, &project, &all).unwrap_err().to_string();
    assert!(
        e.contains("unknown channel") && !e.contains('\u{1b}'),
        "{e}"
    );
    // and one claiming a split of four billion shards (no loop over them, no list)
    let huge = text.replacen("\"count\": 2", "\"count\": 4000000000", 1);
    assert_ne!(huge, text);
    std::fs::write(&planted, huge).unwrap();
    let e = merge(&merged, &project, &all).unwrap_err().to_string();
    assert!(e.contains("impossible shard"), "{e}");
    std::fs::write(&planted, text).unwrap();
    // whole builds carry no split: merged as given (one job per channel)
    build_into(&project, &dir("whole-email"), &email, None);
    merge(
        &dir("joined"),
        &project,
        &[dir("whole"), dir("whole-email")],
    )
    .expect("merges");

    // from the command line: a usage error (exit 2), and the merged folder untouched
    let before = tree(&merged);
    let out = Command::new(env!("CARGO_BIN_EXE_brandpress"))
        .arg("merge")
        .arg(&merged)
        .args([dir("w1"), dir("w3")])
        .args(["--project", project.root.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("missing 1 of 3 shards (2/3)"), "{stderr}");
    assert_eq!(tree(&merged), before);
}
