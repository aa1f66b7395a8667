//! Putting a finished staging tree in place of the output, so that at every instant the
//! output path holds either the whole old tree or the whole new one.
//!
//! On Linux one `renameat2(RENAME_EXCHANGE)` swaps the two folders atomically; the old
//! tree then sits at the staging name and is removed. Where that call does not exist (or
//! the filesystem refuses it) the output is renamed aside to `.<out>.backup-…`, the
//! staging tree renamed in, and the backup removed; a build killed between those two
//! renames leaves no output but a whole backup, which [`recover`] puts back at the start
//! of the next build. [`recover`] also removes the staging and backup folders of killed
//! builds. Both run under the build lock.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::out_dir::OutDir;
use super::staging::{STAGING, remove_tree, sync_folder};
use crate::error::{Error, Result};

pub const BACKUP: &str = "backup-";

/// Swaps `staging` in place of the output folder (which may not exist yet).
pub fn swap_in(out: &OutDir, staging: &Path) -> Result<()> {
    let exists = std::fs::symlink_metadata(&out.path).is_ok();
    if !exists {
        std::fs::rename(staging, &out.path).map_err(|e| Error::file(&out.path, e))?;
    } else if !exchange(staging, &out.path)? {
        swap_by_renames(out, staging)?;
    }
    sync_folder(out.parent())
}

/// Atomically exchanges two folders. `Ok(false)` when this system or filesystem cannot.
fn exchange(a: &Path, b: &Path) -> Result<bool> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        use rustix::io::Errno;
        match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
            Ok(()) => Ok(true),
            Err(Errno::INVAL | Errno::NOSYS | Errno::NOTSUP) => Ok(false),
            Err(e) => Err(Error::file(b, std::io::Error::from(e))),
        }
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        let _ = (a, b);
        Ok(false)
    }
}

/// The portable swap: output aside, staging in, backup removed.
pub fn swap_by_renames(out: &OutDir, staging: &Path) -> Result<()> {
    let backup = out.sibling(&format!(
        "{BACKUP}{}-{}",
        std::process::id(),
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    ));
    std::fs::rename(&out.path, &backup).map_err(|e| Error::file(&out.path, e))?;
    if let Err(e) = std::fs::rename(staging, &out.path) {
        let _ = std::fs::rename(&backup, &out.path);
        return Err(Error::file(&out.path, e));
    }
    sync_folder(out.parent())?;
    remove_tree(&backup);
    Ok(())
}

/// Puts back the output a killed swap left as a backup, then removes the leftovers of
/// killed builds. Returns a warning for each leftover that could not be removed.
pub fn recover(out: &OutDir) -> Result<Vec<String>> {
    let (staging, backups) = leftovers(out)?;
    let mut rest = backups.clone();
    if std::fs::symlink_metadata(&out.path).is_err()
        && let Some(newest) = newest(&backups)
    {
        std::fs::rename(&newest, &out.path).map_err(|e| Error::file(&newest, e))?;
        rest.retain(|b| b != &newest);
    }
    Ok(staging
        .iter()
        .chain(&rest)
        .filter(|p| !remove_tree(p))
        .map(|p| {
            format!(
                "could not remove {}, left by an interrupted build",
                p.display()
            )
        })
        .collect())
}

/// Staging and backup folders (or anything else planted at such a name) beside `out`.
fn leftovers(out: &OutDir) -> Result<(Vec<PathBuf>, Vec<PathBuf>)> {
    let staging = out.sibling_name(STAGING);
    let backup = out.sibling_name(BACKUP);
    let (mut s, mut b) = (Vec::new(), Vec::new());
    let entries = std::fs::read_dir(out.parent()).map_err(|e| Error::file(out.parent(), e))?;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let bytes = name.as_encoded_bytes();
        if bytes.starts_with(staging.as_encoded_bytes()) {
            s.push(entry.path());
        } else if bytes.starts_with(backup.as_encoded_bytes()) {
            b.push(entry.path());
        }
    }
    Ok((s, b))
}

/// The most recently changed real folder among `paths`.
fn newest(paths: &[PathBuf]) -> Option<PathBuf> {
    paths
        .iter()
        .filter_map(|p| {
            let meta = std::fs::symlink_metadata(p).ok()?;
            meta.is_dir().then(|| (meta.modified().ok(), p.clone()))
        })
        .max()
        .map(|(_, p)| p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(root: &Path, files: &[(&str, &str)]) {
        for (rel, text) in files {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
    }

    fn read(root: &Path, rel: &str) -> String {
        std::fs::read_to_string(root.join(rel)).unwrap()
    }

    #[test]
    fn both_swaps_leave_only_the_new_tree() {
        for portable in [false, true] {
            let tmp = tempfile::tempdir().unwrap();
            let root = tmp.path().join("p");
            std::fs::create_dir_all(root.join("brand")).unwrap();
            let out = OutDir::resolve(&root.join("out"), &root).unwrap();
            tree(&out.path, &[("web/เก่า.html", "เก่า")]);
            let staging = out.sibling("staging-test");
            tree(&staging, &[("web/ใหม่.html", "ใหม่")]);
            if portable {
                swap_by_renames(&out, &staging).unwrap();
            } else {
                swap_in(&out, &staging).unwrap();
                remove_tree(&staging);
            }
            assert_eq!(read(&out.path, "web/ใหม่.html"), "ใหม่");
            assert!(!out.path.join("web/เก่า.html").exists());
            let names: Vec<_> = std::fs::read_dir(out.parent())
                .unwrap()
                .map(|e| e.unwrap().file_name())
                .collect();
            assert_eq!(names.len(), 2, "only brand/ and out/ remain: {names:?}");
        }
    }

    #[test]
    fn recover_puts_back_a_backup_left_between_the_two_renames_and_cleans_leftovers() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("p");
        std::fs::create_dir_all(root.join("brand")).unwrap();
        let out = OutDir::resolve(&root.join("out"), &root).unwrap();
        // A build killed after `out` went aside and before staging came in.
        tree(&out.sibling("backup-1-1"), &[("web/ข่าว.html", "ครบ")]);
        tree(&out.sibling("staging-1-1-0"), &[("web/ข่าว.html", "ครึ่ง")]);
        let warnings = recover(&out).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(read(&out.path, "web/ข่าว.html"), "ครบ");
        assert!(!out.sibling("backup-1-1").exists());
        assert!(!out.sibling("staging-1-1-0").exists());
    }

    #[cfg(unix)]
    #[test]
    fn recover_removes_a_planted_link_not_its_target() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("p");
        std::fs::create_dir_all(root.join("brand")).unwrap();
        tree(tmp.path(), &[("outside/ลับ.txt", "ลับ")]);
        let out = OutDir::resolve(&root.join("out"), &root).unwrap();
        std::os::unix::fs::symlink(tmp.path().join("outside"), out.sibling("staging-x")).unwrap();
        std::os::unix::fs::symlink(tmp.path().join("outside"), out.sibling("backup-x")).unwrap();
        recover(&out).unwrap();
        assert!(!out.path.exists(), "a link is never restored as the output");
        assert_eq!(read(tmp.path(), "outside/ลับ.txt"), "ลับ");
        assert!(std::fs::symlink_metadata(out.sibling("staging-x")).is_err());
    }
}
