//! The last line of defence: a panic while one file is linted becomes a
//! `lint/internal-error` finding on that file, and the rest of the report completes.
//!
//! This is not how hostile input is handled — every linter bounds its own work and
//! reports what it cannot read — but a bug in a linter or in a parser it uses must cost
//! one file's checks, not the whole report. The panic message goes into the finding
//! instead of onto stderr: a panic hook (installed once) keeps quiet for panics raised
//! inside a guarded call on the current thread and hands any other panic to the hook
//! that was there before.

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::sync::Once;

use crate::lint::{Finding, Location};

/// Rule id of a linter that failed on a file.
pub use crate::lint::rules::LINT_INTERNAL_ERROR as INTERNAL_ERROR;

/// Longest panic message kept in a finding.
const MAX_MESSAGE: usize = 300;

thread_local! {
    /// Whether the current thread is inside [`guarded`].
    static GUARDED: Cell<bool> = const { Cell::new(false) };
    /// What the hook saw of the last panic inside a guarded call.
    static CAUGHT: RefCell<Option<String>> = const { RefCell::new(None) };
}

static HOOK: Once = Once::new();

fn install_hook() {
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if GUARDED.with(Cell::get) {
                let message = payload_text(info.payload());
                let at = info
                    .location()
                    .map(|l| format!(" ({}:{})", l.file(), l.line()))
                    .unwrap_or_default();
                CAUGHT.with(|c| *c.borrow_mut() = Some(format!("{message}{at}")));
            } else {
                previous(info);
            }
        }));
    });
}

fn payload_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown failure".to_string())
}

/// Runs `lint` for the file at `path`; a panic inside becomes a `lint/internal-error`
/// finding on the file.
pub fn guarded(path: &Path, lint: impl FnOnce() -> Vec<Finding>) -> Vec<Finding> {
    install_hook();
    let was = GUARDED.with(|g| g.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(lint));
    GUARDED.with(|g| g.set(was));
    match result {
        Ok(findings) => findings,
        Err(payload) => {
            let caught = CAUGHT
                .with(|c| c.borrow_mut().take())
                .unwrap_or_else(|| payload_text(&*payload));
            let mut message: String = caught.chars().take(MAX_MESSAGE).collect();
            if message.len() < caught.len() {
                message.push('…');
            }
            vec![
                Finding::new(
                    &INTERNAL_ERROR,
                    Location::file(path),
                    format!(
                        "brandpress failed while checking this file, so it is not checked: {message}"
                    ),
                )
                .fix("this is a bug in brandpress: please report it with the file"),
            ]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_finding_on_its_file() {
        let findings = guarded(Path::new("หน้า.html"), || {
            let text = "<!-->";
            let end = text.find("-->").unwrap();
            vec![Finding::new(
                &crate::lint::rules::LINT_INTERNAL_ERROR,
                Location::file("x"),
                &text[4..end], // begin > end: panics
            )]
        });
        assert_eq!(findings.len(), 1);
        let f = &findings[0];
        assert_eq!(f.rule, INTERNAL_ERROR);
        assert_eq!(f.severity, crate::lint::Severity::Error);
        assert_eq!(f.location.path, Path::new("หน้า.html"));
        assert!(f.message.contains("begin > end"), "{}", f.message);
        assert!(f.message.contains("guard.rs"), "{}", f.message);
        // and the next file is linted as usual
        let ok = guarded(Path::new("b.html"), Vec::new);
        assert!(ok.is_empty());
        assert!(!GUARDED.with(Cell::get));
    }
}
