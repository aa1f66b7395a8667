//! The output folder survives what one command cannot show: `kill -9` at random moments,
//! a write error midway, a piece that fails to render, and two builds at once. Each test
//! compares `out/` with manifests (every file's path and SHA-256) of complete builds.
//!
//! The kill test builds a 300-piece project (`brandpress corpus`). Its kills rebuild the
//! web channel only, over an output that also holds the email channel, so every kill
//! also exercises keeping the other channels' files; cards and PDFs are left out because
//! 300 of them take minutes in a debug build. Set `CRASH_SEED` to replay a run, and
//! `CRASH_BIN` to run the tests against another brandpress binary (an older one fails
//! them: that is how we know they can fail).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

/// Relative path → SHA-256 of every file under a folder; `None` when it does not exist.
type Tree = BTreeMap<String, String>;

fn bin_path() -> String {
    std::env::var("CRASH_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_brandpress").to_string())
}

fn bin() -> Command {
    let mut c = Command::new(bin_path());
    c.env("NO_COLOR", "1").stdin(Stdio::null());
    c
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run brandpress")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn ok(args: &[&str]) -> Output {
    let out = run(args);
    assert!(
        out.status.success(),
        "brandpress {args:?} failed: {}",
        text(&out.stderr)
    );
    out
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Every file under `root` with its hash; links and other non-files are recorded as such.
fn tree(root: &Path) -> Tree {
    let mut files = Tree::new();
    for entry in walkdir::WalkDir::new(root).min_depth(1) {
        let entry = entry.unwrap();
        let rel = entry
            .path()
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let kind = entry.file_type();
        if kind.is_file() {
            let hash = Sha256::digest(std::fs::read(entry.path()).unwrap());
            let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
            files.insert(rel, hex);
        } else if !kind.is_dir() {
            files.insert(rel, "not a file".into());
        }
    }
    files
}

/// Names beside `out` left by a build (staging or backup folders).
fn leftovers(out: &Path) -> Vec<String> {
    let prefix = format!(".{}.", out.file_name().unwrap().to_string_lossy());
    std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&prefix))
        // the build cache (src/build/cache.rs) stays beside the output on purpose
        .filter(|n| n != &format!("{prefix}cache"))
        .collect()
}

fn corpus(dir: &Path, pieces: usize) {
    ok(&["corpus", s(dir), "--pieces", &pieces.to_string()]);
}

fn build(project: &Path, out: &Path, channels: &str) -> Output {
    run(&[
        "build",
        "--project",
        s(project),
        "--out",
        s(out),
        "--channels",
        channels,
    ])
}

/// The two project states the kill test alternates between: `A` as generated; `B` with
/// one Thai piece's title changed and one piece added (so going back to `A` deletes it).
struct States {
    project: PathBuf,
    edited: String,
    original: String,
}

impl States {
    fn new(project: &Path) -> States {
        let original = std::fs::read_to_string(project.join("content/piece-00001.md")).unwrap();
        assert!(original.contains(" #1\""));
        States {
            project: project.to_path_buf(),
            edited: original.replacen(" #1\"", " #1 ฉบับแก้ไข\"", 1),
            original,
        }
    }

    fn set(&self, b: bool) {
        let content = self.project.join("content");
        std::fs::write(
            content.join("piece-00001.md"),
            if b { &self.edited } else { &self.original },
        )
        .unwrap();
        let added = content.join("piece-added.md");
        if b {
            let text = std::fs::read_to_string(content.join("piece-00010.md"))
                .unwrap()
                .replacen("slug = \"piece-00010\"", "slug = \"piece-added\"", 1);
            std::fs::write(added, text).unwrap();
        } else {
            let _ = std::fs::remove_file(added);
        }
    }
}

#[test]
fn kill_9_at_random_moments_leaves_the_old_or_the_new_output() {
    const KILLS: usize = 20;
    let seed = std::env::var("CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    println!("kill test seed: {seed} (replay with CRASH_SEED={seed})");
    let mut rng = fastrand::Rng::with_seed(seed);

    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("project");
    let out = tmp.path().join("out");
    corpus(&project, 300);
    let states = States::new(&project);

    // The complete outputs: A with web and email, then B's and A's web over it.
    assert!(build(&project, &out, "web,email").status.success());
    let full_a = tree(&out);
    assert!(full_a.len() > 1200, "{} files", full_a.len());
    let mut slowest = Duration::ZERO;
    let mut complete = |b: bool| {
        states.set(b);
        let started = Instant::now();
        let result = build(&project, &out, "web");
        assert!(result.status.success(), "{}", text(&result.stderr));
        slowest = slowest.max(started.elapsed());
        tree(&out)
    };
    let full_b = complete(true);
    assert_eq!(
        complete(false),
        full_a,
        "a web-only build over A is A again"
    );
    assert!(full_b.contains_key("web/piece-added/index.html"));
    assert!(full_b.contains_key("email/piece-00001.html"), "email kept");
    assert_ne!(full_a, full_b);
    println!("a complete web build takes {slowest:?}");

    let (mut current, mut interrupted) = (false, 0);
    for kill in 0..KILLS {
        let target = !current;
        states.set(target);
        let delay = Duration::from_secs_f64(slowest.as_secs_f64() * rng.f64());
        let mut child = bin()
            .args(["build", "--project", s(&project), "--out", s(&out)])
            .args(["--channels", "web"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        if child.try_wait().unwrap().is_none() {
            interrupted += 1;
        }
        let _ = child.kill();
        child.wait().unwrap();
        let now = tree(&out);
        current = if now == full_a {
            false
        } else if now == full_b {
            true
        } else {
            let (a, b) = (diff(&full_a, &now), diff(&full_b, &now));
            panic!(
                "kill {kill} after {delay:?} (seed {seed}): out/ is neither complete output\n\
                 vs A: {a}\n vs B: {b}"
            );
        };
    }
    println!("{interrupted} of {KILLS} kills hit a running build");
    assert!(interrupted >= KILLS / 2, "too few kills hit a build");

    // The next build cleans up after the killed ones and is complete.
    let result = build(&project, &out, "web");
    assert!(result.status.success(), "{}", text(&result.stderr));
    let last = tree(&out);
    assert!(last == full_a || last == full_b);
    assert_eq!(leftovers(&out), Vec::<String>::new());
}

/// A short description of how two trees differ.
fn diff(want: &Tree, got: &Tree) -> String {
    let missing = want.keys().filter(|k| !got.contains_key(*k)).count();
    let extra: Vec<_> = got.keys().filter(|k| !want.contains_key(*k)).collect();
    let changed = want
        .iter()
        .filter(|(k, v)| got.get(*k).is_some_and(|g| g != *v))
        .count();
    format!(
        "{missing} missing, {} extra (e.g. {:?}), {changed} changed",
        extra.len(),
        extra.iter().take(3).collect::<Vec<_>>()
    )
}

#[test]
fn a_write_error_midway_keeps_the_old_output() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("project");
    let out = tmp.path().join("out");
    corpus(&project, 5);
    assert!(build(&project, &out, "web,email").status.success());
    let before = tree(&out);
    std::fs::write(
        project.join("content/piece-00005.md"),
        std::fs::read_to_string(project.join("content/piece-00001.md"))
            .unwrap()
            .replace("piece-00001", "piece-00005"),
    )
    .unwrap();
    // Files over 64 KiB fail with EFBIG ("File too large"): the brand fonts do, after
    // other files were already written.
    let result = Command::new("bash")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 64; exec \"$0\" \"$@\"")
        .arg(bin_path())
        .args(["build", "--project", s(&project), "--out", s(&out)])
        .args(["--channels", "web,email"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stderr = text(&result.stderr);
    assert_eq!(result.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("File too large"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(tree(&out), before, "the old output is untouched");
    assert_eq!(leftovers(&out), Vec::<String>::new(), "staging removed");
}

#[test]
fn a_piece_failing_to_render_keeps_the_old_output() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("project");
    let out = tmp.path().join("out");
    corpus(&project, 6);
    assert!(build(&project, &out, "web").status.success());
    let before = tree(&out);
    let piece = project.join("content/piece-00002.md");
    let text_before = std::fs::read_to_string(&piece).unwrap();
    std::fs::write(
        &piece,
        text_before.replacen(
            "campaign = \"bench\"",
            "campaign = \"bench\"\nhero = \"ไม่มี.png\"",
            1,
        ),
    )
    .unwrap();
    std::fs::remove_file(project.join("content/piece-00004.md")).unwrap();
    let result = build(&project, &out, "web");
    let stderr = text(&result.stderr);
    assert_eq!(result.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("ไม่มี.png"), "{stderr}");
    assert_eq!(
        tree(&out),
        before,
        "old output untouched, piece 4 still there"
    );
    assert_eq!(leftovers(&out), Vec::<String>::new(), "staging removed");
}

#[test]
fn a_second_build_waits_for_the_lock_or_gives_up_after_the_timeout() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("project");
    let out = tmp.path().join("out");
    corpus(&project, 3);
    // This test holds the lock a build would take.
    let lock = std::fs::File::create(tmp.path().join(".out.lock")).unwrap();
    lock.lock().unwrap();

    let started = Instant::now();
    let result = run(&[
        "build",
        "--project",
        s(&project),
        "--out",
        s(&out),
        "--channels",
        "web",
        "--lock-timeout",
        "1",
    ]);
    let stderr = text(&result.stderr);
    assert_eq!(result.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("another build into this folder is still running")
            && stderr.contains(".out.lock"),
        "{stderr}"
    );
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert!(!out.exists());

    let mut waiting = bin()
        .args(["build", "--project", s(&project), "--out", s(&out)])
        .args(["--channels", "web", "--lock-timeout", "60"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(waiting.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    assert!(line.starts_with("waiting for another build"), "{line}");
    assert!(!out.exists(), "nothing written while waiting");
    drop(lock);
    assert!(waiting.wait().unwrap().success());
    assert!(out.join("web/piece-00001/index.html").is_file());
    assert!(!tmp.path().join(".out.lock").exists(), "lock file removed");
}

#[test]
fn two_builds_into_one_output_never_mix() {
    let tmp = tempfile::tempdir().unwrap();
    let (p1, p2) = (tmp.path().join("p1"), tmp.path().join("p2"));
    corpus(&p1, 40);
    corpus(&p2, 40);
    let piece = p2.join("content/piece-00001.md");
    let edited = std::fs::read_to_string(&piece)
        .unwrap()
        .replacen(" #1\"", " #1 รุ่นสอง\"", 1);
    std::fs::write(&piece, edited).unwrap();
    std::fs::remove_file(p2.join("content/piece-00002.md")).unwrap();
    let reference = |p: &Path, name: &str| {
        let dir = tmp.path().join(name);
        assert!(build(p, &dir, "web").status.success());
        tree(&dir)
    };
    let (t1, t2) = (reference(&p1, "ref1"), reference(&p2, "ref2"));
    assert_ne!(t1, t2);

    let out = tmp.path().join("out");
    for round in 0..3 {
        let spawn = |p: &Path| -> Child {
            bin()
                .args(["build", "--project", s(p), "--out", s(&out)])
                .args(["--channels", "web"])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn(&p1), spawn(&p2));
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        assert!(a.status.success(), "{}", text(&a.stderr));
        assert!(b.status.success(), "{}", text(&b.stderr));
        let now = tree(&out);
        assert!(now == t1 || now == t2, "round {round}: a mix of two builds");
        assert_eq!(leftovers(&out), Vec::<String>::new());
    }
}

#[test]
fn check_lints_only_the_new_output_and_keeps_stdout_parseable() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("project");
    let out = tmp.path().join("out");
    corpus(&project, 3);
    assert!(build(&project, &out, "web").status.success());
    std::fs::remove_file(project.join("content/piece-00002.md")).unwrap();
    let result = run(&[
        "check",
        "--project",
        s(&project),
        "--out",
        s(&out),
        "--channels",
        "web",
        "--format",
        "sarif",
    ]);
    let sarif: serde_json::Value =
        serde_json::from_slice(&result.stdout).expect("stdout is only the SARIF report");
    assert!(sarif["runs"].is_array());
    let stderr = text(&result.stderr);
    assert!(stderr.contains("built 2 pieces"), "{stderr}");
    assert!(!text(&result.stdout).contains("piece-00002"));
    assert!(!out.join("web/piece-00002").exists());
}
