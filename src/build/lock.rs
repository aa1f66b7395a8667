//! One build at a time per output folder: an advisory lock on the sibling `.<out>.lock`.
//!
//! The lock is taken before anything beside or inside the output folder is touched
//! (leftover cleanup, the staging tree, the swap) and held until the caller is done with
//! the new output (`check` lints it under the lock). The OS drops it when the process
//! dies, even by `kill -9`, so a killed build never blocks the next one.
//!
//! The file is removed on release, so no `.out.lock` is left lying around. Removing a lock
//! file is only safe with a check on the other side: a waiter that gets the lock verifies
//! that the path still names the file it locked, and starts again if not. The file is
//! opened without following symbolic links, so a link planted at its name cannot make a
//! build create or lock a file elsewhere.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// How long to wait for another build, and what to say while waiting.
pub struct LockWait<'a> {
    pub timeout: Duration,
    /// Called once, when the lock is busy (the CLI prints a line on stderr).
    pub on_wait: &'a dyn Fn(&Path),
}

impl Default for LockWait<'_> {
    fn default() -> Self {
        LockWait {
            timeout: Duration::from_secs(300),
            on_wait: &|_| {},
        }
    }
}

/// A held build lock; released (and its file removed) on drop.
#[derive(Debug)]
pub struct BuildLock {
    path: PathBuf,
    file: Option<File>,
}

const POLL: Duration = Duration::from_millis(50);

impl BuildLock {
    /// Takes the lock at `path`, waiting up to `wait.timeout` for another holder.
    pub fn acquire(path: &Path, output: &Path, wait: &LockWait) -> Result<BuildLock> {
        let started = Instant::now();
        let mut told = false;
        loop {
            let file = open_no_follow(path)?;
            match file.try_lock() {
                Ok(()) => {
                    if still_at(&file, path) {
                        return Ok(BuildLock {
                            path: path.to_path_buf(),
                            file: Some(file),
                        });
                    }
                    // The holder removed the file as we got it: lock the new one.
                    continue;
                }
                Err(TryLockError::WouldBlock) => {}
                Err(TryLockError::Error(e)) => return Err(Error::file(path, e)),
            }
            if !told {
                (wait.on_wait)(path);
                told = true;
            }
            if started.elapsed() >= wait.timeout {
                return Err(Error::file(
                    output,
                    format!(
                        "another build into this folder is still running (it holds {}); gave up after {:.0}s — run again when it finishes, or raise --lock-timeout",
                        path.display(),
                        wait.timeout.as_secs_f64()
                    ),
                ));
            }
            std::thread::sleep(POLL);
        }
    }
}

impl Drop for BuildLock {
    fn drop(&mut self) {
        // Remove the name while still holding the lock, then unlock by closing.
        let _ = std::fs::remove_file(&self.path);
        drop(self.file.take());
    }
}

/// Whether `path` still names the file `file` is open on.
fn still_at(file: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), std::fs::symlink_metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        path.is_file()
    }
}

/// Opens (creating) the lock file, refusing a symbolic link at its name.
fn open_no_follow(path: &Path) -> Result<File> {
    #[cfg(unix)]
    {
        use rustix::fs::{Mode, OFlags};
        let flags = OFlags::RDWR | OFlags::CREATE | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        match rustix::fs::open(path, flags, Mode::from_bits_truncate(0o644)) {
            Ok(fd) => Ok(File::from(fd)),
            Err(rustix::io::Errno::LOOP) => Err(Error::file(
                path,
                "the build lock is a symbolic link; refusing to follow it (remove it)",
            )),
            Err(e) => Err(Error::file(path, std::io::Error::from(e))),
        }
    }
    #[cfg(not(unix))]
    {
        if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(Error::file(
                path,
                "the build lock is a symbolic link; refusing to follow it (remove it)",
            ));
        }
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(|e| Error::file(path, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_waits_then_times_out_and_the_file_goes_with_the_holder() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join(".ผลงาน.lock");
        let out = tmp.path().join("ผลงาน");
        let held = BuildLock::acquire(&path, &out, &LockWait::default()).unwrap();
        let told = std::cell::Cell::new(false);
        let wait = LockWait {
            timeout: Duration::from_millis(200),
            on_wait: &|_| told.set(true),
        };
        let e = BuildLock::acquire(&path, &out, &wait)
            .unwrap_err()
            .to_string();
        assert!(told.get());
        assert!(e.contains("another build into this folder"), "{e}");
        drop(held);
        assert!(!path.exists(), "the lock file is removed on release");
        let again = BuildLock::acquire(&path, &out, &wait).unwrap();
        drop(again);
    }

    #[cfg(unix)]
    #[test]
    fn a_planted_link_is_not_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("ลับ.txt");
        let path = tmp.path().join(".out.lock");
        std::os::unix::fs::symlink(&target, &path).unwrap();
        let e = BuildLock::acquire(&path, tmp.path(), &LockWait::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("symbolic link"), "{e}");
        assert!(!target.exists(), "nothing created through the link");
    }
}
