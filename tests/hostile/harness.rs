//! The harness of the bad-input matrix: a throw-away project made from the bundled
//! example's guide and templates with one Thai piece, a secret file *outside* it, and the
//! real binary run with a time limit and a memory limit.
//!
//! Every case, whatever it expects, must also pass the universal checks in
//! [`Outcome::universal`]: no panic, no abort or signal, no hang, the secret never shows up
//! in the output directory or on stdout/stderr, and nothing outside `out/` was touched.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The marker inside every secret file planted outside the project.
pub const SECRET: &str = "SECRET-CANARY-7f3a91";

/// A Thai piece that builds on every channel. `{extra}` is replaced by more front matter
/// and `{body}` by the body.
pub const PIECE: &str = "+++
title = \"โคลด์บรูว์รับลมหนาว\"
summary = \"ต้อนรับลมหนาวด้วยโคลด์บรูว์สกัดเย็น\"
slug = \"piece\"
lang = \"th\"
campaign = \"winter-2026\"
{extra}
+++

{body}
";

pub const BODY: &str = "## หอม นุ่ม ไม่ขม\n\nโคลด์บรูว์ของต้นกล้าสกัดเย็นนาน 18 ชั่วโมง\n";

/// One row of the matrix.
pub struct Case {
    pub name: &'static str,
    /// Prepares the project (a fresh [`Fixture`] per case).
    pub setup: Box<dyn Fn(&Fixture) + Send + Sync>,
    /// Arguments; `{project}`, `{out}` and `{outside}` are replaced by those paths.
    pub args: Vec<String>,
    pub expect: Expect,
}

/// How a case must end.
pub enum Expect {
    /// Exit 2; stderr holds every one of these strings (the first is usually
    /// `content/piece.md:LINE:COL` or the file's name).
    Error(Vec<&'static str>),
    /// Exit 1 (or 0 for warning-only rules, see `exit`), and the JSON report (the command
    /// must use `--format json`) holds a finding of `rule`, on a path ending in `path`.
    #[allow(dead_code)] // used by the lint cases
    Finding {
        rule: &'static str,
        path: &'static str,
        exit: i32,
    },
    /// Exit 0, then `check` looks at the result.
    Ok,
    /// Anything else, checked by a function.
    Custom(Check),
}

/// A custom check of a case's outcome.
pub type Check = Box<dyn Fn(&Outcome, &Fixture) -> Result<(), String> + Send + Sync>;

impl Case {
    /// A case whose command is `brandpress <args>`, with the default project.
    pub fn new(
        name: &'static str,
        setup: impl Fn(&Fixture) + Send + Sync + 'static,
        args: &[&str],
        expect: Expect,
    ) -> Case {
        Case {
            name,
            setup: Box::new(setup),
            args: args.iter().map(|s| s.to_string()).collect(),
            expect,
        }
    }

    /// A case that builds the given channels (comma-separated) into `{out}`.
    pub fn build(
        name: &'static str,
        channels: &str,
        setup: impl Fn(&Fixture) + Send + Sync + 'static,
        expect: Expect,
    ) -> Case {
        Case::new(
            name,
            setup,
            &[
                "build",
                "--project",
                "{project}",
                "--out",
                "{out}",
                "--channels",
                channels,
            ],
            expect,
        )
    }

    #[allow(dead_code)] // used by the lint cases
    /// A case that lints the given path (relative to the project) with `--format json`.
    pub fn lint(
        name: &'static str,
        path: &str,
        setup: impl Fn(&Fixture) + Send + Sync + 'static,
        expect: Expect,
    ) -> Case {
        let target = format!("{{project}}/{path}");
        Case::new(
            name,
            setup,
            &[
                "lint",
                "--project",
                "{project}",
                "--format",
                "json",
                &target,
            ],
            expect,
        )
    }

    /// Runs the case in a fresh fixture: setup, the command, the universal checks, then
    /// the expectation.
    pub fn run(&self) -> Result<(), String> {
        let fixture = Fixture::new();
        (self.setup)(&fixture);
        let before = fixture.snapshot_outside_out();
        let outcome = fixture.run(&self.args);
        outcome.universal(&fixture, &before)?;
        match &self.expect {
            Expect::Error(needles) => outcome.expect_error(needles),
            Expect::Finding { rule, path, exit } => outcome.expect_finding(rule, path, *exit),
            Expect::Ok => outcome.expect_code(0),
            Expect::Custom(check) => check(&outcome, &fixture),
        }
    }
}

/// A temporary project beside an `outside/` folder holding secrets.
pub struct Fixture {
    _dir: tempfile::TempDir,
    pub project: PathBuf,
    pub out: PathBuf,
    pub outside: PathBuf,
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

impl Fixture {
    /// The example's `brand/` and `templates/`, and one piece `content/piece.md`.
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        let project = dir.path().join("project");
        let outside = dir.path().join("outside");
        for sub in ["brand", "templates"] {
            copy_tree(&repo().join(sub), &project.join(sub));
        }
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("secret.txt"), format!("{SECRET}\n")).unwrap();
        std::fs::write(
            outside.join("secret.css"),
            format!("/* {SECRET} */\nbody {{ color: #E63946; }}\n"),
        )
        .unwrap();
        std::fs::write(outside.join("secret.png"), tiny_png(SECRET)).unwrap();
        let fixture = Fixture {
            out: project.join("out"),
            project,
            outside,
            _dir: dir,
        };
        fixture.piece("", BODY);
        fixture
    }

    /// Writes `content/piece.md` with more front matter and a body.
    pub fn piece(&self, extra_front_matter: &str, body: &str) {
        self.write(
            "content/piece.md",
            PIECE
                .replace("{extra}", extra_front_matter)
                .replace("{body}", body),
        );
    }

    /// Writes a file under the project, creating folders.
    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) {
        let path = self.project.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    /// Reads a project file as text.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.project.join(rel)).unwrap()
    }

    /// Rewrites `brand/brand.toml` through `edit`.
    pub fn edit_guide(&self, edit: impl FnOnce(String) -> String) {
        let guide = self.read("brand/brand.toml");
        self.write("brand/brand.toml", edit(guide));
    }

    /// Creates a symbolic link at `rel` (under the project) pointing at `target`.
    pub fn symlink(&self, target: &Path, rel: &str) {
        let link = self.project.join(rel);
        std::fs::create_dir_all(link.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, link).unwrap();
    }

    fn substitute(&self, arg: &str) -> String {
        arg.replace("{project}", self.project.to_str().unwrap())
            .replace("{out}", self.out.to_str().unwrap())
            .replace("{outside}", self.outside.to_str().unwrap())
    }

    /// Runs the binary with a 60 s time limit and a 4 GiB address-space limit.
    pub fn run(&self, args: &[String]) -> Outcome {
        let args: Vec<String> = args.iter().map(|a| self.substitute(a)).collect();
        let started = Instant::now();
        let mut child = Command::new("bash")
            .arg("-c")
            .arg("ulimit -v 4194304; exec \"$0\" \"$@\"")
            .arg(env!("CARGO_BIN_EXE_brandpress"))
            .args(&args)
            .current_dir(&self.project)
            .env("NO_COLOR", "1")
            .env_remove("RUST_BACKTRACE")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run brandpress");
        // Drain the pipes on threads so a chatty child never blocks.
        let mut out_pipe = child.stdout.take().unwrap();
        let mut err_pipe = child.stderr.take().unwrap();
        let out_thread = std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = out_pipe.read_to_end(&mut v);
            v
        });
        let err_thread = std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = err_pipe.read_to_end(&mut v);
            v
        });
        let limit = Duration::from_secs(60);
        let mut timed_out = false;
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait") {
                break status;
            }
            if started.elapsed() > limit {
                timed_out = true;
                let _ = child.kill();
                break child.wait().expect("wait");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        Outcome {
            args,
            code: status.code(),
            timed_out,
            seconds: started.elapsed().as_secs_f64(),
            stdout: String::from_utf8_lossy(&out_thread.join().unwrap()).into_owned(),
            stderr: String::from_utf8_lossy(&err_thread.join().unwrap()).into_owned(),
        }
    }

    /// Every file outside `out/` (and outside `outside/`), with its bytes, so a case can
    /// prove nothing else was touched.
    pub fn snapshot_outside_out(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut files = BTreeMap::new();
        for root in [&self.project, &self.outside] {
            for entry in walkdir::WalkDir::new(root) {
                let Ok(entry) = entry else { continue };
                let path = entry.path();
                if path.starts_with(&self.out) || is_build_sibling(path, &self.out) {
                    continue;
                }
                if entry.file_type().is_file() {
                    files.insert(path.to_path_buf(), std::fs::read(path).unwrap_or_default());
                }
            }
        }
        files
    }

    /// Every file written under `out/`, relative to it (symbolic links not followed).
    pub fn outputs(&self) -> Vec<PathBuf> {
        let mut files = Vec::new();
        for entry in walkdir::WalkDir::new(&self.out) {
            let Ok(entry) = entry else { continue };
            if entry.file_type().is_file() {
                files.push(entry.path().strip_prefix(&self.out).unwrap().to_path_buf());
            }
        }
        files.sort();
        files
    }
}

/// Files a build may keep beside `out/` (its lock, its staging folder).
/// Whether `path` is (inside) one of the build's own siblings of `out`: its lock,
/// staging and backup trees and its build cache (`.out.*`), or the lint cache
/// (`.brandpress/out.lint-cache.json`).
fn is_build_sibling(path: &Path, out: &Path) -> bool {
    let Some(out_name) = out.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return false;
    };
    let lint_cache = out.parent().map(|p| {
        p.join(".brandpress")
            .join(format!("{out_name}.lint-cache.json"))
    });
    if lint_cache.as_deref() == Some(path) {
        return true;
    }
    path.ancestors().any(|a| {
        a.parent() == out.parent()
            && a.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(&format!(".{out_name}.")))
    })
}

/// What a run printed and how it ended.
pub struct Outcome {
    pub args: Vec<String>,
    /// None when killed by a signal.
    pub code: Option<i32>,
    pub timed_out: bool,
    pub seconds: f64,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    fn context(&self) -> String {
        format!(
            "\n  command: brandpress {}\n  exit: {:?} after {:.1}s\n  stdout: {}\n  stderr: {}",
            self.args.join(" "),
            self.code,
            self.seconds,
            truncate(&self.stdout),
            truncate(&self.stderr)
        )
    }

    pub fn fail(&self, why: impl std::fmt::Display) -> String {
        format!("{why}{}", self.context())
    }

    /// No hang, no panic, no abort, no secret leaked, nothing outside `out/` touched.
    pub fn universal(
        &self,
        fixture: &Fixture,
        before: &BTreeMap<PathBuf, Vec<u8>>,
    ) -> Result<(), String> {
        if self.timed_out {
            return Err(self.fail("hung: killed after the time limit"));
        }
        match self.code {
            None => return Err(self.fail("killed by a signal (abort, stack overflow, OOM)")),
            Some(101) => return Err(self.fail("panicked (exit 101)")),
            Some(c) if !(0..=2).contains(&c) => {
                return Err(self.fail(format!("unexpected exit code {c}")));
            }
            _ => {}
        }
        for text in [&self.stdout, &self.stderr] {
            if text.contains("panicked") || text.contains("RUST_BACKTRACE") {
                return Err(self.fail("a panic message was printed"));
            }
            if text.contains(SECRET) {
                return Err(self.fail("the secret outside the project was echoed"));
            }
        }
        for rel in fixture.outputs() {
            let bytes = std::fs::read(fixture.out.join(&rel)).unwrap_or_default();
            if contains(&bytes, SECRET.as_bytes()) {
                return Err(self.fail(format!(
                    "the secret outside the project was published as out/{}",
                    rel.display()
                )));
            }
        }
        let after = fixture.snapshot_outside_out();
        for (path, bytes) in before {
            match after.get(path) {
                None => return Err(self.fail(format!("{} was deleted", path.display()))),
                Some(now) if now != bytes => {
                    return Err(self.fail(format!("{} was changed", path.display())));
                }
                _ => {}
            }
        }
        for path in after.keys() {
            if !before.contains_key(path) {
                return Err(self.fail(format!(
                    "{} was written outside the output directory",
                    path.display()
                )));
            }
        }
        Ok(())
    }

    pub fn expect_code(&self, code: i32) -> Result<(), String> {
        if self.code != Some(code) {
            return Err(self.fail(format!("expected exit {code}")));
        }
        Ok(())
    }

    /// Exit 2 and every needle in stderr.
    pub fn expect_error(&self, needles: &[&str]) -> Result<(), String> {
        self.expect_code(2)?;
        for needle in needles {
            if !self.stderr.contains(needle) {
                return Err(self.fail(format!("stderr lacks {needle:?}")));
            }
        }
        Ok(())
    }

    /// The JSON report on stdout.
    pub fn report(&self) -> Result<serde_json::Value, String> {
        serde_json::from_str(&self.stdout)
            .map_err(|e| self.fail(format!("stdout is not a JSON report: {e}")))
    }

    /// Findings of `rule` in the JSON report.
    pub fn findings(&self, rule: &str) -> Result<Vec<serde_json::Value>, String> {
        let report = self.report()?;
        Ok(report["findings"]
            .as_array()
            .map(|a| a.iter().filter(|f| f["rule"] == rule).cloned().collect())
            .unwrap_or_default())
    }

    pub fn expect_finding(&self, rule: &str, path: &str, exit: i32) -> Result<(), String> {
        self.expect_code(exit)?;
        let found = self.findings(rule)?;
        if !found
            .iter()
            .any(|f| f["path"].as_str().is_some_and(|p| p.ends_with(path)))
        {
            return Err(self.fail(format!("no {rule} finding on a path ending in {path:?}")));
        }
        Ok(())
    }
}

fn truncate(s: &str) -> String {
    let s = s.trim();
    if s.len() <= 3000 {
        return s.to_string();
    }
    let mut end = 3000;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes)", &s[..end], s.len())
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let dest = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// A valid 2×2 PNG whose tEXt chunk carries `text` (so a copied file is recognisable).
pub fn tiny_png(text: &str) -> Vec<u8> {
    let mut bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut bytes, 2, 2);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder
            .add_text_chunk("Comment".to_string(), text.to_string())
            .unwrap();
        let mut writer = encoder.write_header().unwrap();
        writer
            .write_image_data(&[0x1F, 0x5C, 0x4A].repeat(4))
            .unwrap();
    }
    bytes
}
