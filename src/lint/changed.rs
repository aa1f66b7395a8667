//! `lint --changed-since REF`: lint only what changed since a git ref.
//!
//! "Changed" is what a pull request changes plus what is not committed yet:
//! - the files committed since the merge base of `REF` and `HEAD` (`git diff REF...HEAD`,
//!   what GitHub shows as the pull request's diff);
//! - files changed in the index or the working tree (`git diff HEAD`);
//! - untracked files that are not ignored (`git ls-files --others --exclude-standard`).
//!
//! Of the files under the paths given to lint, only those are linted, and in a folder we
//! built (one with `manifest.json`) also every output whose piece's Markdown changed: the
//! outputs themselves are usually not committed, the pieces are. When the brand guide
//! (`brand/`) or the templates changed, every output may have changed with them, and
//! everything given is linted. Findings are kept where they point at a linted file, at a
//! changed source, or list a linted output; the cross-channel checks of a built folder
//! still compare the whole folder, but report only on what changed.
//!
//! The `git` command does the work rather than gix: it is on every CI runner and
//! developer machine that has the repository (actions/checkout needs it), it knows every
//! repository layout and config (worktrees, sparse checkouts, `core.excludesFile`,
//! `.git/info/exclude`) exactly as the user's own git does, and three plumbing calls need no
//! new dependency tree. Without git, or outside a repository, or with a ref it does not
//! know, `--changed-since` is a clear error (exit 2), never a silent "nothing changed".

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Error, Result};
use crate::lint::{Finding, consistency};
use crate::manifest::CampaignManifest;

/// What `--changed-since` lets through.
#[derive(Debug, Clone)]
pub struct Changed {
    /// The ref, as given.
    pub since: String,
    /// Canonical paths of the changed files that exist, and of the outputs built from
    /// changed pieces.
    files: HashSet<PathBuf>,
    /// The guide or the templates changed: everything is linted.
    pub everything: bool,
}

/// Runs `git -C dir args…` and returns its stdout; `what` names the step in errors.
fn git(dir: &Path, args: &[&str], what: &str) -> Result<Vec<u8>> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("LC_ALL", "C")
        .env("GIT_TERMINAL_PROMPT", "0")
        .output()
        .map_err(|e| {
            Error::usage(format!(
                "--changed-since needs the git command, which could not be run: {e}"
            ))
        })?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(Error::usage(format!(
            "--changed-since: {what} failed: {}",
            stderr.trim()
        )));
    }
    Ok(out.stdout)
}

/// NUL-separated paths (`-z`), relative to `top`, as absolute paths.
fn paths_of(top: &Path, stdout: &[u8]) -> Vec<PathBuf> {
    stdout
        .split(|&b| b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| top.join(path_from_bytes(p)))
        .collect()
}

#[cfg(unix)]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
}

/// The files changed since `since` in the repository holding `project`, and among the
/// manifest folders of `paths` the outputs of the pieces that changed.
pub fn since(project: &Path, paths: &[PathBuf], since: &str) -> Result<Changed> {
    if since.is_empty() || since.starts_with('-') {
        return Err(Error::usage(format!(
            "--changed-since: {since:?} is not a git ref"
        )));
    }
    let dir = if project.as_os_str().is_empty() {
        Path::new(".")
    } else {
        project
    };
    let top = git(
        dir,
        &["rev-parse", "--show-toplevel"],
        "finding the git repository",
    )
    .map_err(|_| {
        Error::usage(format!(
            "--changed-since needs a git repository, and {} is not in one",
            dir.display()
        ))
    })?;
    let top = PathBuf::from(String::from_utf8_lossy(&top).trim_end_matches(['\n', '\r']));
    let commit = format!("{since}^{{commit}}");
    git(
        &top,
        &["rev-parse", "--verify", "--quiet", "--end-of-options", &commit],
        "",
    )
    .map_err(|_| {
        Error::usage(format!(
            "--changed-since: unknown git ref {since:?} in {} (in CI, fetch it first: actions/checkout fetches one commit unless `fetch-depth: 0`)",
            top.display()
        ))
    })?;
    let range = format!("{since}...HEAD");
    let mut changed = paths_of(
        &top,
        &git(
            &top,
            &[
                "diff",
                "--name-only",
                "-z",
                "--no-renames",
                "--end-of-options",
                &range,
                "--",
            ],
            &format!("git diff {range}"),
        )?,
    );
    changed.extend(paths_of(
        &top,
        &git(
            &top,
            &["diff", "--name-only", "-z", "--no-renames", "HEAD", "--"],
            "git diff HEAD",
        )?,
    ));
    changed.extend(paths_of(
        &top,
        &git(
            &top,
            &["ls-files", "--others", "--exclude-standard", "-z"],
            "git ls-files",
        )?,
    ));
    // deleted files are not there to lint
    let mut files: HashSet<PathBuf> = changed
        .iter()
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect();
    let project = std::fs::canonicalize(dir).map_err(|e| Error::file(dir, e))?;
    let everything = ["brand", "templates"]
        .iter()
        .any(|d| files.iter().any(|f| f.starts_with(project.join(d))));
    // the outputs of changed pieces, by the manifest of each folder we built
    for out in consistency::manifest_dirs(paths) {
        for record in CampaignManifest::previous(&out) {
            let Some(source) = &record.source else {
                continue;
            };
            let changed_piece = std::fs::canonicalize(project.join(source))
                .is_ok_and(|source| files.contains(&source));
            if changed_piece
                && let Some(output) = consistency::inside(&out, &record.path)
                && let Ok(output) = std::fs::canonicalize(output)
            {
                files.insert(output);
            }
        }
    }
    Ok(Changed {
        since: since.to_string(),
        files,
        everything,
    })
}

impl Changed {
    /// Whether the file `path` is linted.
    pub fn keeps(&self, path: &Path) -> bool {
        self.everything || std::fs::canonicalize(path).is_ok_and(|p| self.files.contains(&p))
    }

    /// Whether a finding is about what changed: at a linted file or a changed source, or
    /// listing a linted output.
    pub fn keeps_finding(&self, f: &Finding) -> bool {
        self.everything
            || self.keeps(&f.location.path)
            || f.source.as_ref().is_some_and(|s| self.keeps(&s.path))
            || f.outputs.iter().any(|o| self.keeps(&o.location.path))
    }

    /// How many changed files (and outputs of changed pieces) there are.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}
