//! The output folder a build replaces, and the siblings it keeps beside it.
//!
//! A build swaps a whole new tree in place of `--out`, so a wrong `--out` would swap away
//! the user's files. Before anything is written, [`OutDir::resolve`] refuses the project
//! itself, a folder holding it, its `brand/`, `content/` or `templates/`, the filesystem
//! root, a file, a symbolic link, and any non-empty folder without our marker file
//! ([`MARKER`]), which every build writes at the top of its output.
//!
//! Siblings are named `.<out-name>.<kind>` (`.out.lock`, `.out.staging-…`,
//! `.out.backup-…`) so they sit on the same filesystem as `out/` (renames stay atomic)
//! and are recognisable as ours.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

pub use crate::manifest::MARKER;

/// Project folders an output folder may never be, nor be inside.
const PROJECT_SOURCES: [&str; 3] = ["brand", "content", "templates"];

/// A resolved output folder: an absolute path whose parent has no symbolic links.
#[derive(Debug, Clone)]
pub struct OutDir {
    /// `parent/name`, the folder a build replaces.
    pub path: PathBuf,
    parent: PathBuf,
    name: OsString,
}

/// What is at the output path now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Nothing yet.
    Missing,
    /// An empty folder (nothing to lose).
    Empty,
    /// A folder a previous build wrote (it has the marker).
    Ours,
}

impl OutDir {
    /// Resolves `out` (relative to the working directory) and checks it is a place a
    /// build may replace. Creates the parent folder when it is missing.
    pub fn resolve(out: &Path, project_root: &Path) -> Result<OutDir> {
        let given = std::path::absolute(out).map_err(|e| Error::file(out, e))?;
        if is_symlink(&given) {
            return Err(Error::file(
                out,
                "the output folder is a symbolic link; brandpress writes only into a real folder it owns (remove the link or choose another --out)",
            ));
        }
        let path = canonical_target(out, &given)?;
        let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
            return Err(Error::file(
                out,
                "refusing to use the filesystem root as the output folder",
            ));
        };
        let dir = OutDir {
            parent: parent.to_path_buf(),
            name: name.to_os_string(),
            path: path.clone(),
        };
        dir.refuse_project_folders(out, project_root)?;
        Ok(dir)
    }

    /// `.<out-name>.<kind>` beside the output folder.
    pub fn sibling(&self, kind: &str) -> PathBuf {
        self.parent.join(self.sibling_name(kind))
    }

    /// The file name of [`OutDir::sibling`].
    pub fn sibling_name(&self, kind: &str) -> OsString {
        let mut name = OsString::from(".");
        name.push(&self.name);
        name.push(".");
        name.push(kind);
        name
    }

    /// The folder holding the output folder and its siblings.
    pub fn parent(&self) -> &Path {
        &self.parent
    }

    /// What is at the output path, refusing anything a build must not replace.
    pub fn existing(&self) -> Result<Existing> {
        let meta = match std::fs::symlink_metadata(&self.path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Existing::Missing),
            Err(e) => return Err(Error::file(&self.path, e)),
        };
        if meta.file_type().is_symlink() {
            return Err(Error::file(
                &self.path,
                "the output folder is a symbolic link; brandpress writes only into a real folder it owns (remove the link or choose another --out)",
            ));
        }
        if !meta.is_dir() {
            return Err(Error::file(
                &self.path,
                "is a file, not an output folder; choose another --out",
            ));
        }
        if self.has_marker() {
            return Ok(Existing::Ours);
        }
        let mut entries = std::fs::read_dir(&self.path).map_err(|e| Error::file(&self.path, e))?;
        if entries.next().is_none() {
            return Ok(Existing::Empty);
        }
        Err(Error::file(
            &self.path,
            format!(
                "refusing to replace a non-empty folder that brandpress did not build (it has no {MARKER} marker); \
                 a build replaces its whole output folder, so choose an empty or new --out \
                 (an output of a brandpress older than the marker can simply be deleted)"
            ),
        ))
    }

    /// The marker file, when the output folder has one (a regular file, not a link).
    pub fn marker(&self) -> Option<PathBuf> {
        let path = self.path.join(MARKER);
        std::fs::symlink_metadata(&path)
            .is_ok_and(|m| m.is_file())
            .then_some(path)
    }

    fn has_marker(&self) -> bool {
        self.marker().is_some()
    }

    /// Refuses the project root, any folder holding it, and its source folders.
    fn refuse_project_folders(&self, out: &Path, project_root: &Path) -> Result<()> {
        // `--project .` reaches here as an empty path (see `display_path`).
        let project_root = match project_root.as_os_str().is_empty() {
            true => Path::new("."),
            false => project_root,
        };
        let root = project_root
            .canonicalize()
            .map_err(|e| Error::file(project_root, e))?;
        if root.starts_with(&self.path) {
            return Err(Error::file(
                out,
                "refusing to use the project folder (or a folder holding it) as the output folder: a build replaces its whole output folder",
            ));
        }
        for source in PROJECT_SOURCES {
            if self.path.starts_with(root.join(source)) {
                return Err(Error::file(
                    out,
                    format!(
                        "refusing to write the output into the project's {source}/ folder: a build replaces its whole output folder"
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// The absolute, symlink-free path of the output folder, whether it exists or not.
fn canonical_target(out: &Path, given: &Path) -> Result<PathBuf> {
    if std::fs::symlink_metadata(given).is_ok() {
        return given.canonicalize().map_err(|e| Error::file(out, e));
    }
    let (Some(parent), Some(name)) = (given.parent(), given.file_name()) else {
        return Err(Error::file(out, "no such folder"));
    };
    std::fs::create_dir_all(parent).map_err(|e| Error::file(parent, e))?;
    let parent = parent.canonicalize().map_err(|e| Error::file(parent, e))?;
    Ok(parent.join(name))
}

fn is_symlink(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project() -> (tempfile::TempDir, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("โครงการ");
        for sub in PROJECT_SOURCES {
            std::fs::create_dir_all(root.join(sub)).unwrap();
        }
        std::fs::write(root.join("content/ข่าว.md"), "ข่าว").unwrap();
        (tmp, root)
    }

    #[test]
    fn a_new_folder_inside_the_project_is_fine_and_its_siblings_are_dot_named() {
        let (_tmp, root) = project();
        let out = OutDir::resolve(&root.join("out"), &root).unwrap();
        assert_eq!(out.existing().unwrap(), Existing::Missing);
        assert_eq!(
            out.sibling("lock"),
            root.canonicalize().unwrap().join(".out.lock")
        );
    }

    #[test]
    fn an_empty_project_path_is_the_working_directory() {
        let tmp = tempfile::tempdir().unwrap();
        let out = OutDir::resolve(&tmp.path().join("ผลลัพธ์"), Path::new("")).unwrap();
        assert_eq!(out.existing().unwrap(), Existing::Missing);
        assert!(OutDir::resolve(Path::new("."), Path::new("")).is_err());
    }

    #[test]
    fn refuses_the_project_its_sources_and_the_root() {
        let (_tmp, root) = project();
        for bad in [
            root.clone(),
            root.join("."),
            root.join("brand"),
            root.join("content/new"),
            root.parent().unwrap().to_path_buf(),
            PathBuf::from("/"),
        ] {
            assert!(OutDir::resolve(&bad, &root).is_err(), "{}", bad.display());
        }
    }

    #[cfg(unix)]
    #[test]
    fn refuses_a_foreign_folder_a_file_and_a_link_but_takes_an_empty_or_marked_one() {
        let (tmp, root) = project();
        let foreign = tmp.path().join("งาน");
        std::fs::create_dir(&foreign).unwrap();
        let dir = OutDir::resolve(&foreign, &root).unwrap();
        assert_eq!(dir.existing().unwrap(), Existing::Empty);
        std::fs::write(foreign.join("รายงาน.txt"), "สำคัญ").unwrap();
        let e = dir.existing().unwrap_err().to_string();
        assert!(e.contains("did not build"), "{e}");
        std::fs::write(foreign.join(MARKER), "{}").unwrap();
        assert_eq!(dir.existing().unwrap(), Existing::Ours);

        let file = tmp.path().join("file");
        std::fs::write(&file, "x").unwrap();
        let e = OutDir::resolve(&file, &root)
            .unwrap()
            .existing()
            .unwrap_err()
            .to_string();
        assert!(e.contains("is a file"), "{e}");

        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&foreign, &link).unwrap();
        let e = OutDir::resolve(&link, &root).unwrap_err().to_string();
        assert!(e.contains("symbolic link"), "{e}");
    }
}
