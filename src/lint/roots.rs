//! Where lint may look: the linted roots.
//!
//! Pages name other files — stylesheets, images, the plain-text part of an email — and a
//! hostile page can name any file on the machine (`../../secret.css`, `/etc/passwd`, or a
//! symbolic link inside the linted folder that points out of it). Lint reads, and even
//! checks the existence of, only files inside the *linted roots*: the paths given on the
//! command line, canonicalized, so symbolic links are followed before the check.
//! Everything else is out of reach: lint neither reads it nor says anything about it
//! beyond the reference the page itself contains (`link/outside-root`).
//!
//! A file named on the command line is a root by itself; to check the stylesheets and
//! images a page links to, lint the folder that holds them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::error::{Error, Result};

/// The canonical paths lint may read below.
#[derive(Debug, Clone, Default)]
pub struct Roots {
    roots: Vec<PathBuf>,
    /// Canonical forms already found, when remembering ([`Roots::remembering`]).
    canonical: Option<Arc<Canonical>>,
    /// The current folder when remembering started: relative paths are below it.
    cwd: Option<PathBuf>,
}

/// What one run remembers of the file system.
#[derive(Debug, Default)]
struct Canonical {
    /// Canonical forms by path as spelled (`None`: the path does not exist).
    spelled: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
    /// By a canonical folder joined with a name (`out/web/assets` + `brand.css`): that
    /// path's canonical form, and whether it is a real folder (an `lstat` said so). Every
    /// page spells its stylesheet and logo through its own folder
    /// (`piece-00001/../assets/logo.svg`), and they all lead here: one `lstat` a file.
    joined: Mutex<HashMap<PathBuf, Option<(PathBuf, bool)>>>,
}

/// Paths whose canonical form one run remembers before it starts again.
const REMEMBERED_PATHS: usize = 100_000;

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn remember<V>(memory: &Mutex<HashMap<PathBuf, V>>, path: &Path, value: V) {
    let mut memory = lock(memory);
    if memory.len() >= REMEMBERED_PATHS {
        memory.clear();
    }
    memory.insert(path.to_path_buf(), value);
}

/// The canonical form of `full`, a canonical folder joined with a name, and whether it is
/// a real folder: the name is the file itself unless an `lstat` shows a symbolic link,
/// which `canonicalize` follows.
fn joined(memory: &Canonical, full: PathBuf) -> Option<(PathBuf, bool)> {
    if let Some(known) = lock(&memory.joined).get(&full) {
        return known.clone();
    }
    let found = match std::fs::symlink_metadata(&full) {
        Ok(meta) if !meta.file_type().is_symlink() => Some((full.clone(), meta.is_dir())),
        Ok(_) => full.canonicalize().ok().map(|c| (c, false)),
        Err(_) => None,
    };
    remember(&memory.joined, &full, found.clone());
    found
}

/// Where a local reference leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// An existing file or folder inside a root (canonical path).
    Inside(PathBuf),
    /// Nothing there, and the nearest existing folder on the way is inside a root.
    Missing,
    /// Outside every root (after following symbolic links): not to be read.
    Outside,
}

impl Roots {
    /// No roots: nothing but the bytes handed to a linter is read.
    pub fn none() -> Roots {
        Roots::default()
    }

    /// The given paths, canonicalized; a path that does not exist is an error.
    pub fn of(paths: &[PathBuf]) -> Result<Roots> {
        let mut roots = Vec::new();
        for path in paths {
            let canonical = path
                .canonicalize()
                .map_err(|_| Error::file(path, "no such file or directory"))?;
            roots.push(canonical);
        }
        Ok(Roots {
            roots,
            canonical: None,
            cwd: None,
        })
    }

    /// These roots, remembering each path's canonical form for the rest of one lint run:
    /// every page of a campaign names the same stylesheet, logo and folders, and each
    /// canonicalization is a system call per path component. For a run over files that
    /// do not change while it lasts, not for a long-lived server.
    pub fn remembering(mut self) -> Roots {
        self.canonical = Some(Arc::default());
        self.cwd = std::env::current_dir().ok();
        self
    }

    /// `path` canonicalized (symbolic links followed), `None` when it does not exist;
    /// remembered when [`Roots::remembering`].
    pub fn canonical(&self, path: &Path) -> Option<PathBuf> {
        // (paths compare by components: `page.html/` would find `page.html`'s entry, but
        // only a folder has a canonical form with a trailing `/`)
        let trailing = path.as_os_str().as_encoded_bytes().ends_with(b"/");
        let Some(memory) = self.canonical.as_ref().filter(|_| !trailing) else {
            return path.canonicalize().ok();
        };
        if let Some(known) = lock(&memory.spelled).get(path) {
            return known.clone();
        }
        let found = self.resolve(path, memory);
        remember(&memory.spelled, path, found.clone());
        found
    }

    /// `path` canonicalized from its folder's canonical form (remembered): a name is
    /// joined to it after one `lstat` shows the name is not a symbolic link (a link is
    /// followed by `canonicalize`), and `..` steps up from it, which is a real folder,
    /// once a `stat` shows it is one. The same path `canonicalize` gives, without a
    /// `readlink` for every component of every path (a campaign's pages share their
    /// folders). A relative path is taken from the current folder.
    fn resolve(&self, path: &Path, memory: &Canonical) -> Option<PathBuf> {
        use std::path::Component;
        let absolute = match &self.cwd {
            _ if path.is_absolute() => path.to_path_buf(),
            Some(cwd) if cwd.is_absolute() => cwd.join(path),
            _ => return path.canonicalize().ok(),
        };
        let parent = absolute.parent();
        match (absolute.components().next_back(), parent) {
            (Some(Component::Normal(name)), Some(parent)) => {
                let full = self.canonical(parent)?.join(name);
                Some(joined(memory, full)?.0)
            }
            (Some(Component::ParentDir), Some(parent)) => {
                let folder = self.canonical(parent)?;
                let known_folder = lock(&memory.joined)
                    .get(&folder)
                    .is_some_and(|k| k.as_ref().is_some_and(|(c, dir)| *dir && *c == folder));
                if !known_folder && !std::fs::metadata(&folder).is_ok_and(|m| m.is_dir()) {
                    return None; // `file/..` does not resolve
                }
                Some(
                    folder
                        .parent()
                        .map_or_else(|| folder.clone(), Path::to_path_buf),
                )
            }
            _ => path.canonicalize().ok(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.roots.is_empty()
    }

    /// `path` relative to the linted folder that holds it (`web/promo/hero.png` for
    /// `/home/me/web/project/out/web/promo/hero.png` linted as `out`), so rules that look at
    /// folder names see the output's own layout, never where the project happens to live.
    /// A path that no linted folder holds is returned as given when relative, else empty.
    pub fn relative(&self, path: &Path) -> PathBuf {
        let canonical = self.canonical(path).unwrap_or_else(|| path.to_path_buf());
        self.roots
            .iter()
            .filter(|r| r.is_dir())
            .filter_map(|r| canonical.strip_prefix(r).ok())
            .min_by_key(|rel| rel.components().count())
            .map(Path::to_path_buf)
            .unwrap_or_else(|| {
                if path.is_relative() {
                    path.to_path_buf()
                } else {
                    PathBuf::new()
                }
            })
    }

    /// Whether a canonical path is inside (or is) a root.
    pub fn contains(&self, canonical: &Path) -> bool {
        self.roots.iter().any(|r| canonical.starts_with(r))
    }

    /// Where `path` leads, after following symbolic links. A path that does not exist is
    /// judged by its nearest existing ancestor, so a missing file behind a link out of
    /// the roots is `Outside`, not `Missing`.
    pub fn reach(&self, path: &Path) -> Reach {
        // what a linter consults decides whether its cached findings still hold
        super::cache::note_read(path);
        if self.roots.is_empty() {
            return Reach::Outside;
        }
        match self.canonical(path) {
            Some(c) if self.contains(&c) => Reach::Inside(c),
            Some(_) => Reach::Outside,
            None => {
                for ancestor in path.ancestors().skip(1) {
                    // a relative path's last ancestor is "", the current folder
                    let ancestor = if ancestor.as_os_str().is_empty() {
                        Path::new(".")
                    } else {
                        ancestor
                    };
                    if let Some(c) = self.canonical(ancestor) {
                        return if self.contains(&c) {
                            Reach::Missing
                        } else {
                            Reach::Outside
                        };
                    }
                }
                Reach::Outside
            }
        }
    }

    /// The roots as a path sandbox, for readers that resolve references themselves (an
    /// SVG's `<image href>`).
    pub fn sandbox(&self) -> crate::paths::Sandbox {
        crate::paths::Sandbox::of(self.roots.clone())
    }

    /// The file at `path` if it is inside the roots.
    pub fn file(&self, path: &Path) -> Option<PathBuf> {
        match self.reach(path) {
            Reach::Inside(c) if c.is_file() => Some(c),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_resolve_only_inside_the_roots() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("out");
        let outside = tmp.path().join("outside");
        std::fs::create_dir_all(root.join("web/หน้า")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(root.join("web/หน้า/style.css"), "p{}").unwrap();
        std::fs::write(outside.join("secret.css"), "p{}").unwrap();
        std::os::unix::fs::symlink(outside.join("secret.css"), root.join("web/link.css")).unwrap();
        std::os::unix::fs::symlink(&outside, root.join("web/shared")).unwrap();
        let plain = Roots::of(std::slice::from_ref(&root)).unwrap();
        let page_dir = root.join("web/หน้า");
        // remembering canonical forms answers as the file system does, the second time too
        for (roots, round) in [
            (plain.clone(), 0),
            (plain.clone().remembering(), 0),
            (plain.clone().remembering(), 1),
        ] {
            let roots = &roots;
            if round == 1 {
                let _ = roots.reach(&page_dir.join("style.css"));
                let _ = roots.reach(&root.join("web/link.css"));
                let _ = roots.reach(&page_dir.join("nope.css"));
            }
            check_reach(roots, &root, &page_dir);
        }
        assert_eq!(
            Roots::none().reach(&page_dir.join("style.css")),
            Reach::Outside
        );
    }

    #[test]
    fn remembered_canonical_forms_are_what_canonicalize_gives() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("out");
        std::fs::create_dir_all(root.join("web/กาแฟ/ลึก")).unwrap();
        std::fs::create_dir_all(tmp.path().join("elsewhere")).unwrap();
        std::fs::write(root.join("web/กาแฟ/index.html"), "<p>").unwrap();
        std::fs::write(tmp.path().join("elsewhere/โลโก้.svg"), "<svg/>").unwrap();
        // a link to a folder, a link to a file, a link to a link, a dangling link
        std::os::unix::fs::symlink(tmp.path().join("elsewhere"), root.join("web/ที่อื่น")).unwrap();
        std::os::unix::fs::symlink(root.join("web/ที่อื่น/โลโก้.svg"), root.join("web/logo.svg"))
            .unwrap();
        std::os::unix::fs::symlink(root.join("web/logo.svg"), root.join("web/again.svg")).unwrap();
        std::os::unix::fs::symlink(root.join("web/nothing"), root.join("web/dangling")).unwrap();
        let roots = Roots::of(std::slice::from_ref(&root))
            .unwrap()
            .remembering();
        // a relative path, below the current folder (the test's: the crate's)
        let here = tempfile::Builder::new()
            .prefix(".roots-test-")
            .tempdir_in(".")
            .unwrap();
        let name = here.path().file_name().unwrap().to_owned();
        std::fs::create_dir_all(here.path().join("web/หน้า")).unwrap();
        std::fs::write(here.path().join("web/หน้า/index.html"), "<p>").unwrap();
        let local = Roots::of(&[PathBuf::from(&name)]).unwrap().remembering();
        for rel in ["web/หน้า/index.html", "web/หน้า", "web/nope"] {
            let path = Path::new(&name).join(rel);
            assert!(path.is_relative());
            assert_eq!(local.canonical(&path), path.canonicalize().ok(), "{rel}");
            assert_eq!(
                local.canonical(&path),
                path.canonicalize().ok(),
                "{rel} again"
            );
        }
        for rel in [
            "web/กาแฟ/ลึก/../../กาแฟ/index.html",
            "web/ที่อื่น/../out/web/logo.svg",
            "web/ที่อื่น/../elsewhere/โลโก้.svg",
            "web/กาแฟ/index.html/../index.html",
            "web/dangling/..",
            "../../../../../../../../../..",
            "web/กาแฟ/index.html",
            "web/กาแฟ/index.html/",
            "web/กาแฟ/ลึก",
            "web/กาแฟ/ลึก/../index.html",
            "web/./กาแฟ/index.html",
            "web/ที่อื่น/โลโก้.svg",
            "web/logo.svg",
            "web/again.svg",
            "web/dangling",
            "web/nope/index.html",
            "web/กาแฟ/index.html/inside-a-file",
        ] {
            let path = root.join(rel);
            for round in 0..2 {
                assert_eq!(
                    roots.canonical(&path),
                    path.canonicalize().ok(),
                    "{rel} (round {round})"
                );
            }
        }
    }

    fn check_reach(roots: &Roots, root: &Path, page_dir: &Path) {
        assert!(matches!(
            roots.reach(&page_dir.join("style.css")),
            Reach::Inside(_)
        ));
        assert_eq!(roots.reach(&page_dir.join("nope.css")), Reach::Missing);
        assert_eq!(
            roots.reach(&page_dir.join("../../../outside/secret.css")),
            Reach::Outside
        );
        assert_eq!(roots.reach(Path::new("/etc/passwd")), Reach::Outside);
        assert_eq!(roots.reach(&root.join("web/link.css")), Reach::Outside);
        assert_eq!(
            roots.reach(&root.join("web/shared/secret.css")),
            Reach::Outside
        );
        assert_eq!(
            roots.reach(&root.join("web/shared/missing.css")),
            Reach::Outside,
            "a missing file behind a link out is outside, not missing"
        );
        assert!(roots.file(&page_dir.join("style.css")).is_some());
        assert!(roots.file(page_dir).is_none(), "a folder is not a file");
    }
}
