//! Every output path of one build, claimed once: two outputs on one path are an error
//! naming both, never a silent overwrite.
//!
//! Paths are compared folded — lower case after Unicode NFC — because macOS and Windows
//! file systems ignore case (and APFS ignores normalization), so `Web/A.png` and
//! `web/a.png` are one file there even when this build runs on Linux. A path is also
//! refused when it runs through another output's file (`web/x` as a file and
//! `web/x/index.html`).

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Result};

/// Who claimed a path, for the error message.
#[derive(Debug, Clone)]
struct Claim {
    path: PathBuf,
    owner: String,
    is_dir: bool,
}

/// The claimed paths of one build; shared by the rendering threads.
#[derive(Debug, Default)]
pub struct Claims {
    claimed: Mutex<HashMap<String, Claim>>,
}

impl Claims {
    /// Claims `path` (relative to the output folder) for `owner` (a piece's file, or a
    /// channel's shared assets). [`Claimed::Again`] when the same owner already claimed
    /// exactly this path (a piece using one image twice): the caller compares contents.
    pub fn claim(&self, path: &Path, owner: &str) -> Result<Claimed> {
        check_relative(path)?;
        // every prefix folded before the lock is taken: the rendering threads share it
        let mut prefixes = Vec::new();
        let mut prefix = PathBuf::new();
        let mut parts = path.components().peekable();
        while let Some(part) = parts.next() {
            prefix.push(part);
            prefixes.push((fold(&prefix), prefix.clone(), parts.peek().is_some()));
        }
        let mut claimed = self.claimed.lock().unwrap_or_else(|e| e.into_inner());
        let mut folders = Vec::new();
        for (key, prefix, is_dir) in prefixes {
            match claimed.get(&key) {
                Some(other)
                    if !is_dir && !other.is_dir && other.path == path && other.owner == owner =>
                {
                    return Ok(Claimed::Again);
                }
                Some(other) if !(is_dir && other.is_dir) => {
                    return Err(collision(path, owner, other));
                }
                Some(_) => {}
                None => folders.push((key, prefix, is_dir)),
            }
        }
        for (key, prefix, is_dir) in folders {
            claimed.insert(
                key,
                Claim {
                    path: prefix,
                    owner: owner.to_string(),
                    is_dir,
                },
            );
        }
        Ok(Claimed::New)
    }
}

/// The outcome of a successful claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claimed {
    New,
    /// The same owner claimed the same path before.
    Again,
}

/// The error for an owner writing two different contents to one path.
pub fn differing_again(path: &Path, owner: &str) -> Error {
    Error::usage(format!(
        "two outputs on one path: {owner} writes two different files as {} (same file name from two folders?)",
        path.display()
    ))
}

/// Output paths are relative and made only of plain names, so they stay inside the
/// staging folder.
pub fn check_relative(path: &Path) -> Result<()> {
    if path.as_os_str().is_empty()
        || path.is_absolute()
        || path
            .components()
            .any(|c| !matches!(c, Component::Normal(_)))
    {
        return Err(Error::usage(format!(
            "refusing to write {} outside the output directory",
            path.display()
        )));
    }
    Ok(())
}

/// The form in which two paths that name one file on macOS or Windows are equal.
fn fold(path: &Path) -> String {
    let text = path.to_string_lossy();
    if text.is_ascii() {
        // NFC leaves ASCII as it is
        return text.to_ascii_lowercase();
    }
    text.nfc().collect::<String>().to_lowercase()
}

fn collision(path: &Path, owner: &str, other: &Claim) -> Error {
    let how = if other.path == path {
        "the same path".to_string()
    } else if fold(&other.path) == fold(path) {
        format!(
            "{} (paths differing only in case or Unicode normalization are one file on macOS and Windows)",
            other.path.display()
        )
    } else if other.is_dir {
        format!("{}, a folder of other outputs", other.path.display())
    } else {
        format!(
            "{}, a file, which this path runs through",
            other.path.display()
        )
    };
    Error::usage(format!(
        "two outputs on one path: {} from {owner} collides with {how} from {}",
        path.display(),
        other.owner
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_path_twice_names_both_owners() {
        let claims = Claims::default();
        claims
            .claim(
                Path::new("web/assets/brand.css"),
                "the web channel's assets",
            )
            .unwrap();
        let e = claims
            .claim(Path::new("web/assets/brand.css"), "content/assets.md")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("web/assets/brand.css from content/assets.md")
                && e.contains("from the web channel's assets"),
            "{e}"
        );
    }

    #[test]
    fn case_and_normalization_fold_thai_names_stay_distinct() {
        let claims = Claims::default();
        claims.claim(Path::new("web/a/Photo.PNG"), "a.md").unwrap();
        assert!(claims.claim(Path::new("web/A/photo.png"), "b.md").is_err());
        // é precomposed vs e + combining acute.
        claims
            .claim(Path::new("web/caf\u{e9}.png"), "a.md")
            .unwrap();
        assert!(
            claims
                .claim(Path::new("web/cafe\u{301}.png"), "b.md")
                .is_err()
        );
        // Different Thai words are different files, the same folder is shared.
        claims.claim(Path::new("web/a/กาแฟ.png"), "a.md").unwrap();
        claims.claim(Path::new("web/a/ชา.png"), "a.md").unwrap();
    }

    #[test]
    fn a_file_in_the_way_of_a_folder_collides_both_ways() {
        let claims = Claims::default();
        claims.claim(Path::new("web/x"), "a.md").unwrap();
        assert!(claims.claim(Path::new("web/x/index.html"), "b.md").is_err());
        let claims = Claims::default();
        claims.claim(Path::new("web/x/index.html"), "b.md").unwrap();
        assert!(claims.claim(Path::new("web/x"), "a.md").is_err());
    }

    #[test]
    fn the_same_owner_again_is_reported_as_such() {
        let claims = Claims::default();
        let p = Path::new("web/ข่าว/รูป.png");
        assert_eq!(claims.claim(p, "ข่าว.md").unwrap(), Claimed::New);
        assert_eq!(claims.claim(p, "ข่าว.md").unwrap(), Claimed::Again);
        assert!(claims.claim(p, "อื่น.md").is_err());
    }

    #[test]
    fn paths_must_stay_inside() {
        let claims = Claims::default();
        for bad in ["../x", "/etc/passwd", "web/../../x", "", "./x"] {
            assert!(claims.claim(Path::new(bad), "a.md").is_err(), "{bad}");
        }
    }
}
